package search

import (
	"math/bits"
	"unsafe"
)

// Size estimates the bytes the index holds on the heap: its entries
// (labels and names included, though some may be shared with the caller),
// its keys and their joined copy, the word lists and the typo table, each
// slice by its capacity and each allocation rounded as Go's allocator
// does. TestSizeIsHonest holds it to the heap a built index takes.
func (ix *Index) Size() int64 {
	const str = int64(unsafe.Sizeof(""))
	const slice = int64(unsafe.Sizeof([]int32(nil)))
	n := alloc(int64(unsafe.Sizeof(*ix)))
	n += alloc(int64(cap(ix.entries)) * int64(unsafe.Sizeof(Entry{})))
	for _, e := range ix.entries {
		n += alloc(int64(len(e.Label))) + alloc(int64(cap(e.Names))*str)
		for _, name := range e.Names {
			n += alloc(int64(len(name)))
		}
	}
	n += alloc(int64(cap(ix.keys)) * str)
	for _, k := range ix.keys {
		n += alloc(int64(len(k)))
	}
	n += alloc(int64(len(ix.blob)))
	n += ints(ix.keyEnt) + ints(ix.offs) + ints(ix.byWord) + ints(ix.byTail)
	n += alloc(int64(cap(ix.words)) * str) // the words are substrings of keys
	n += alloc(int64(cap(ix.wordKey)) * slice)
	for _, s := range ix.wordKey {
		n += ints(s)
	}
	n += alloc(int64(cap(ix.byLen)) * slice)
	for _, s := range ix.byLen {
		n += ints(s)
	}
	// The typo table: a swiss map of string → []int32, at most 7/8 full,
	// a control byte per slot; each key but the word itself is a string
	// of its own.
	if len(ix.dels) > 0 {
		slots := int64(1) << bits.Len64(uint64(len(ix.dels)*8/7))
		n += slots * (str + slice + 1)
	}
	for d, s := range ix.dels {
		n += alloc(int64(len(d))) + ints(s)
	}
	return n
}

func ints(s []int32) int64 { return alloc(4 * int64(cap(s))) }

// alloc rounds n up to Go's allocation size classes, roughly: 8 bytes
// apart up to 64, 16 up to 256, then an eighth of the size.
func alloc(n int64) int64 {
	switch {
	case n == 0:
		return 0
	case n <= 64:
		return (n + 7) &^ 7
	case n <= 256:
		return (n + 15) &^ 15
	default:
		step := int64(1) << (bits.Len64(uint64(n)) - 4)
		return (n + step - 1) &^ (step - 1)
	}
}
