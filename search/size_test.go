package search

import (
	"fmt"
	"runtime"
	"testing"
)

// Size is within a fifth of the heap indexes really take, built over
// catalogs of 20 to 20,000 films with fresh strings (so that nothing is
// shared with the test); small ones many times over, so that the heap
// grows by enough to measure.
func TestSizeIsHonest(t *testing.T) {
	for _, n := range []int{20, 100, 2000, 20000} {
		reps := max(1, 20000/n)
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		ixs := make([]*Index, reps)
		for k := range ixs {
			ixs[k] = NewIndex(catalogOf(n))
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		heap := int64(after.HeapAlloc) - int64(before.HeapAlloc) - int64(8*reps)
		var size int64
		for _, ix := range ixs {
			size += ix.Size()
		}
		runtime.KeepAlive(ixs)
		t.Logf("%d films ×%d: Size %d bytes, heap %d bytes (%.2f)", n, reps, size, heap, float64(size)/float64(heap))
		if float64(size) < 0.8*float64(heap) || float64(size) > 1.2*float64(heap) {
			t.Errorf("%d films: Size says %d bytes, the heap grew %d", n, size, heap)
		}
	}
}

// catalogOf makes n entries shaped like a server's catalog: a title of two
// to five words, its label with the year, an alias for one in ten.
func catalogOf(n int) []Entry {
	words := []string{"the", "night", "of", "return", "house", "blue", "river", "last", "summer", "city", "dark", "love", "story", "winter", "garden", "road", "silent", "king", "woman", "man"}
	out := make([]Entry, n)
	for i := range out {
		title := ""
		for w := range 2 + i%4 {
			title += words[(i*7+w*13+i/20)%len(words)] + " "
		}
		title += fmt.Sprint(i)
		label := fmt.Sprintf("%s (%d)", title, 1950+i%70)
		names := []string{title, label}
		if i%10 == 0 {
			names = append(names, fmt.Sprintf("alias %d %s", i, words[i%len(words)]))
		}
		out[i] = Entry{ID: uint64(i + 1), Label: label, Names: names}
	}
	return out
}
