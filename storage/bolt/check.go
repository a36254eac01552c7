package bolt

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"os"
	"runtime/debug"
	"time"
)

// checkLimit is the largest file Open runs bbolt's full consistency check
// on before trusting it; larger ones get the header check only (the full
// check reads every page, about a second per few hundred MiB).
const checkLimit = 256 << 20

// bbolt's on-disk meta page, as its file format defines it: a 16-byte
// page header, then magic, version, page size, flags (4 bytes each), the
// root bucket (page id, sequence), the freelist page id, the high-water
// mark (pages in use), the transaction id and an FNV-64a checksum of all
// that precedes it in the meta. Integers are in the machine's byte order,
// little-endian on every platform filmbot is built for.
const (
	pageHeader   = 16
	metaSize     = 64
	boltMagic    = 0xED0CDAED
	boltVersion  = 2
	noFreelist   = ^uint64(0)
	minPageSize  = 512
	maxPageSize  = 1 << 20
	checksumSpan = 56
)

type metaPage struct {
	pageSize        uint32
	root, freelist  uint64
	highWater, txid uint64
}

// readMeta decodes and validates the meta page that starts at off.
func readMeta(f *os.File, off int64) (metaPage, error) {
	var b [pageHeader + metaSize]byte
	if _, err := f.ReadAt(b[:], off); err != nil {
		return metaPage{}, fmt.Errorf("no meta page at byte %d", off)
	}
	m := b[pageHeader:]
	le := binary.LittleEndian
	if le.Uint32(m[0:]) != boltMagic {
		return metaPage{}, fmt.Errorf("meta page at byte %d: not a bbolt file", off)
	}
	if v := le.Uint32(m[4:]); v != boltVersion {
		return metaPage{}, fmt.Errorf("meta page at byte %d: format version %d", off, v)
	}
	h := fnv.New64a()
	h.Write(m[:checksumSpan])
	if h.Sum64() != le.Uint64(m[checksumSpan:]) {
		return metaPage{}, fmt.Errorf("meta page at byte %d: bad checksum", off)
	}
	mp := metaPage{pageSize: le.Uint32(m[8:]), root: le.Uint64(m[16:]), freelist: le.Uint64(m[32:]), highWater: le.Uint64(m[40:]), txid: le.Uint64(m[48:])}
	if mp.pageSize < minPageSize || mp.pageSize > maxPageSize || mp.pageSize&(mp.pageSize-1) != 0 {
		return metaPage{}, fmt.Errorf("meta page at byte %d: page size %d", off, mp.pageSize)
	}
	if mp.root >= mp.highWater || (mp.freelist >= mp.highWater && mp.freelist != noFreelist) {
		return metaPage{}, fmt.Errorf("meta page at byte %d: pages beyond the end it records", off)
	}
	return mp, nil
}

// checkHeader compares the file's size with what its own header says
// it holds, then walks its pages (checkPages), before bbolt maps it: a
// truncated or damaged file would otherwise be read past its end
// (SIGBUS) or trip bbolt's assertions in a goroutine nobody can recover.
// It holds the file's lock meanwhile (exclusive unless readOnly; waiting
// at most timeout, then ErrTimeout), so that it never reads a file that
// another process is writing. A missing or empty file is a new database
// and passes.
func checkHeader(path string, readOnly bool, timeout time.Duration) (size int64, err error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	defer f.Close()
	if err := lockFile(f, !readOnly, timeout); err != nil {
		return 0, err
	}
	defer unlockFile(f)
	st, err := f.Stat()
	if err != nil {
		return 0, err
	}
	if st.Size() == 0 {
		return 0, nil
	}
	m0, err0 := readMeta(f, 0)
	// bbolt writes the second meta page one page in; without a sound
	// first one, try the page sizes bbolt may have used.
	var m1 metaPage
	err1 := io.EOF
	for _, ps := range []int64{int64(m0.pageSize), 4096, 16384, 65536} {
		if ps == 0 {
			continue
		}
		if m1, err1 = readMeta(f, ps); err1 == nil {
			break
		}
	}
	var m metaPage
	switch {
	case err0 != nil && err1 != nil:
		return st.Size(), fmt.Errorf("%w: %v", ErrDamaged, err0)
	case err0 != nil:
		m = m1
	case err1 != nil || m0.txid >= m1.txid:
		m = m0
	default:
		m = m1
	}
	if need := int64(m.highWater) * int64(m.pageSize); st.Size() < need {
		return st.Size(), fmt.Errorf("%w: it is %d bytes, but its header says it holds %d (truncated?)", ErrDamaged, st.Size(), need)
	}
	// bbolt checks the headers of both meta pages (the full check
	// asserts them); a torn write of the body of one is what the other
	// is for, but a header overwritten is damage.
	for id, off := range []int64{0, int64(m.pageSize)} {
		var h [pageHeader]byte
		if _, err := f.ReadAt(h[:], off); err != nil || binary.LittleEndian.Uint64(h[:]) != uint64(id) || binary.LittleEndian.Uint16(h[8:]) != metaFlag {
			return st.Size(), fmt.Errorf("%w: meta page %d has no sound header", ErrDamaged, id)
		}
	}
	if err := checkPages(f, m); err != nil {
		return st.Size(), fmt.Errorf("%w: %v", ErrDamaged, err)
	}
	return st.Size(), nil
}

// faultSafe runs fn, turning a panic or a memory fault (a page of a
// mapped file that is not there) into an error instead of ending the
// process.
func faultSafe(fn func() error) (err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w: %v", ErrDamaged, r)
		}
	}()
	return fn()
}
