package bolt

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"os"
)

// bbolt's page layout, as its file format defines it: a 16-byte header
// (page id, flags, element count, overflow pages), then the elements,
// 16 bytes each, whose keys and values lie further on in the page.
const (
	branchPage   = 0x01
	leafPage     = 0x02
	metaFlag     = 0x04
	freelistPage = 0x10
	elemSize     = 16
	bucketFlag   = 0x01 // a leaf element that is a nested bucket
	bucketHeader = 16   // a bucket's value: root page id, sequence
)

// checkPages walks every page reachable from the meta m the way bbolt
// does when it opens a file with NoFreelistSync (it rebuilds the free
// list by visiting every page of every bucket), reading them with
// ReadAt, not through a memory map. bbolt runs that walk in a goroutine
// of its own and asserts as it goes: a page that names another id, has
// no valid type, or holds offsets past its end ends the process with a
// stack trace that no recover can catch, and a page past the end of the
// file is a fault. So each thing bbolt would trust is checked first:
// ids below the high-water mark and referenced once, page types, element
// offsets within their page, nested buckets' headers and inline pages,
// keys in order, and the synced free list if there is one.
func checkPages(f *os.File, m metaPage) error {
	w := pageWalker{f: f, m: m, seen: make([]bool, m.highWater)}
	if m.freelist != noFreelist {
		if err := w.freelist(); err != nil {
			return err
		}
	}
	return w.bucket(m.root, 0)
}

type pageWalker struct {
	f    *os.File
	m    metaPage
	seen []bool // by page id, below the high-water mark
	free map[uint64]bool
}

// maxDepth bounds nesting (trees and buckets in buckets); filmbot's
// trees are a few levels deep, and a cycle is caught by seen anyway.
const maxDepth = 64

// read returns page id and its overflow pages, after checking its header.
func (w *pageWalker) read(id uint64, want uint16) ([]byte, error) {
	if id < 2 || id >= w.m.highWater {
		return nil, fmt.Errorf("a reference to page %d, outside pages 2 to %d", id, w.m.highWater-1)
	}
	ps := int64(w.m.pageSize)
	buf := make([]byte, ps)
	if _, err := w.f.ReadAt(buf, int64(id)*ps); err != nil {
		return nil, fmt.Errorf("page %d cannot be read: %v", id, err)
	}
	le := binary.LittleEndian
	if got := le.Uint64(buf[0:]); got != id {
		return nil, fmt.Errorf("page %d says it is page %d", id, got)
	}
	if flags := le.Uint16(buf[8:]); flags != want && !(want == branchPage|leafPage && (flags == branchPage || flags == leafPage)) {
		return nil, fmt.Errorf("page %d has type %#x", id, flags)
	}
	overflow := uint64(le.Uint32(buf[12:]))
	if id+overflow >= w.m.highWater {
		return nil, fmt.Errorf("page %d runs past the last page", id)
	}
	for i := id; i <= id+overflow; i++ {
		if w.seen[i] {
			return nil, fmt.Errorf("page %d is used twice", i)
		}
		if w.free[i] {
			return nil, fmt.Errorf("page %d is in use and free", i)
		}
		w.seen[i] = true
	}
	if overflow > 0 {
		buf = make([]byte, (overflow+1)*uint64(ps))
		if _, err := w.f.ReadAt(buf, int64(id)*ps); err != nil {
			return nil, fmt.Errorf("page %d cannot be read: %v", id, err)
		}
	}
	return buf, nil
}

// freelist checks the synced free list: its page, and ids in range.
func (w *pageWalker) freelist() error {
	p, err := w.read(w.m.freelist, freelistPage)
	if err != nil {
		return fmt.Errorf("free list: %w", err)
	}
	le := binary.LittleEndian
	n, at := uint64(le.Uint16(p[10:])), uint64(pageHeader)
	if n == 0xFFFF { // the count is in the first element
		n, at = le.Uint64(p[pageHeader:]), pageHeader+8
	}
	if n > (uint64(len(p))-at)/8 {
		return fmt.Errorf("free list page %d lists %d pages, more than it holds", w.m.freelist, n)
	}
	w.free = make(map[uint64]bool, n)
	for i := range n {
		id := le.Uint64(p[at+8*i:])
		if id < 2 || id >= w.m.highWater || w.free[id] {
			return fmt.Errorf("free list page %d lists page %d", w.m.freelist, id)
		}
		w.free[id] = true
	}
	return nil
}

// bucket checks the tree of a bucket whose root is page root.
func (w *pageWalker) bucket(root uint64, depth int) error {
	_, err := w.tree(root, nil, nil, depth)
	return err
}

// tree checks page id and the pages below it; every key must lie in
// [lo, hi) (nil: unbounded). It returns the last key found.
func (w *pageWalker) tree(id uint64, lo, hi []byte, depth int) ([]byte, error) {
	if depth > maxDepth {
		return nil, fmt.Errorf("page %d is nested %d deep", id, depth)
	}
	p, err := w.read(id, branchPage|leafPage)
	if err != nil {
		return nil, err
	}
	return w.elements(p, id, lo, hi, depth)
}

// elements checks the elements of page p (id 0: an inline bucket's page,
// held in its parent's value).
func (w *pageWalker) elements(p []byte, id uint64, lo, hi []byte, depth int) ([]byte, error) {
	le := binary.LittleEndian
	flags, n := le.Uint16(p[8:]), int(le.Uint16(p[10:]))
	if pageHeader+n*elemSize > len(p) {
		return nil, fmt.Errorf("page %d has %d elements, more than it holds", id, n)
	}
	if flags == branchPage && n == 0 {
		return nil, fmt.Errorf("branch page %d is empty", id)
	}
	prev := lo
	for i := range n {
		e := pageHeader + i*elemSize
		var pos, ksize, vsize uint64
		if flags == branchPage {
			pos, ksize = uint64(le.Uint32(p[e:])), uint64(le.Uint32(p[e+4:]))
		} else {
			pos, ksize, vsize = uint64(le.Uint32(p[e+4:])), uint64(le.Uint32(p[e+8:])), uint64(le.Uint32(p[e+12:]))
		}
		if uint64(e)+pos+ksize+vsize > uint64(len(p)) {
			return nil, fmt.Errorf("page %d: element %d points past the page", id, i)
		}
		k := p[uint64(e)+pos : uint64(e)+pos+ksize]
		if prev != nil && (bytes.Compare(k, prev) < 0 || (i > 0 && bytes.Equal(k, prev))) || hi != nil && bytes.Compare(k, hi) >= 0 {
			return nil, fmt.Errorf("page %d: key %d is out of order", id, i)
		}
		if flags == branchPage {
			next := hi
			if i+1 < n {
				ne := pageHeader + (i+1)*elemSize
				npos, nks := uint64(le.Uint32(p[ne:])), uint64(le.Uint32(p[ne+4:]))
				if uint64(ne)+npos+nks > uint64(len(p)) {
					return nil, fmt.Errorf("page %d: element %d points past the page", id, i+1)
				}
				next = p[uint64(ne)+npos : uint64(ne)+npos+nks]
			}
			last, err := w.tree(le.Uint64(p[e+8:]), k, next, depth+1)
			if err != nil {
				return nil, err
			}
			prev = last
			continue
		}
		prev = k
		if le.Uint32(p[e:])&bucketFlag == 0 {
			continue
		}
		v := p[uint64(e)+pos+ksize : uint64(e)+pos+ksize+vsize]
		if len(v) < bucketHeader {
			return nil, fmt.Errorf("page %d: bucket %d has a header of %d bytes", id, i, len(v))
		}
		if root := le.Uint64(v); root != 0 {
			if err := w.bucket(root, depth+1); err != nil {
				return nil, err
			}
			continue
		}
		inline := v[bucketHeader:]
		if len(inline) < pageHeader || le.Uint16(inline[8:]) != leafPage {
			return nil, fmt.Errorf("page %d: bucket %d has no sound inline page", id, i)
		}
		if _, err := w.elements(inline, 0, nil, nil, depth+1); err != nil {
			return nil, fmt.Errorf("page %d: bucket %d: %w", id, i, err)
		}
	}
	return prev, nil
}
