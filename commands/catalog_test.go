package commands

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/filmbot/filmbot/storage"
)

var ctx = context.Background()

// Servers without films of their own share the built-in index; a server
// that adds one gets its own, and sees its film.
func TestCatalogSharesTheBuiltInIndex(t *testing.T) {
	e := newEnv(t)
	c := e.set.catalog
	builtin, err := c.index(ctx, storage.BuiltIn)
	if err != nil {
		t.Fatal(err)
	}
	for s := storage.Scope(1000); s < 1100; s++ {
		if ix, err := c.index(ctx, s); err != nil || ix != builtin {
			t.Fatalf("server %d: own index for the built-in films (%v)", s, err)
		}
	}
	f, err := e.db.CreateFilm(context.Background(), 1000, storage.Film{Title: "Tangerine", Year: 2015})
	if err != nil {
		t.Fatal(err)
	}
	ix, _ := c.index(ctx, 1000)
	if ix == builtin || len(ix.Search("tangerine", 25)) != 1 || ix.Search("tangerine", 25)[0].ID != f.ID {
		t.Error("a server's own film is not in its index")
	}
	if other, _ := c.index(ctx, 1001); other != builtin || len(other.Search("tangerine", 25)) != 0 {
		t.Error("another server sees the film")
	}
}

// The cache is bounded by the bytes of its indexes, not their number:
// servers of 400 films each fill a bound of three of them; past it the
// least recently used go (a server in use stays), the size and the
// evictions are reported, an index larger than the whole bound is not
// kept, and servers sharing the built-in index cost next to nothing.
func TestCatalogIsBoundedByBytes(t *testing.T) {
	e := newEnv(t)
	var recs []storage.Record
	for s := storage.Scope(1); s <= 8; s++ {
		for k := range uint64(400) {
			recs = append(recs, storage.Record{Film: &storage.Film{ID: uint64(s)*1000 + k, Scope: s, Title: fmt.Sprintf("Server %d film %d of the night", s, k), Year: 1990 + int(k%30)}})
		}
	}
	if err := e.db.Load(ctx, recs); err != nil {
		t.Fatal(err)
	}
	c := e.set.catalog
	one, err := c.index(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	perServer := one.Size() + entryOverhead
	var reported, evicted int64
	var bound int64
	e.set.WithCatalogCache(3*perServer+perServer/2, func(bytes, b int64, n int) { reported, bound = bytes, b; evicted += int64(n) })
	if bound != 3*perServer+perServer/2 {
		t.Errorf("bound reported: %d", bound)
	}
	c.ix, c.lru.prev, c.lru.next, c.bytes, c.sharedLast = map[storage.Scope]*cachedIndex{}, &c.lru, &c.lru, 0, nil
	held := func() (sum int64) {
		for _, x := range c.ix {
			sum += x.size
			if x.ix != nil && x.size != x.ix.Size()+entryOverhead {
				t.Errorf("server %d: counted %d bytes, its index holds %d", x.scope, x.size, x.ix.Size())
			}
		}
		return sum
	}
	for s := storage.Scope(1); s <= 8; s++ {
		if _, err := c.index(ctx, s); err != nil {
			t.Fatal(err)
		}
		if _, err := c.index(ctx, 1); err != nil { // server 1 is in use all along
			t.Fatal(err)
		}
		if sum := held(); sum > c.maxBytes || sum != c.bytes || reported != c.bytes {
			t.Fatalf("after server %d: %d bytes held, %d counted, %d reported; the bound is %d", s, sum, c.bytes, reported, c.maxBytes)
		}
	}
	// The shared catalog's layer, used by every server, stays too.
	if len(c.ix) != 4 || c.ix[1] == nil || c.ix[8] == nil || c.ix[7] == nil || c.ix[storage.BuiltIn] == nil {
		t.Errorf("cached %v, want the shared layer and servers 1 (in use), 7 and 8 (the latest)", keys(c.ix))
	}
	if evicted != 5 {
		t.Errorf("%d evictions reported, want 5", evicted)
	}
	// A thousand servers with no films of their own share one index.
	before := c.bytes
	for s := storage.Scope(100); s < 1100; s++ {
		if _, err := c.index(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	if c.bytes > c.maxBytes || len(c.ix) < 1000 {
		t.Errorf("sharing servers: %d bytes (bound %d), %d entries", c.bytes, c.maxBytes, len(c.ix))
	}
	t.Logf("one server of 400 films: %d bytes; three: %d; plus 1,000 sharing the built-in index: %d", perServer, before, c.bytes)
	// A bound smaller than one index keeps none of that size.
	e.set.WithCatalogCache(perServer/2, func(bytes, _ int64, n int) { reported = bytes })
	kept := len(c.ix)
	if kept == 0 {
		t.Fatal("nothing left to evict: the test would prove nothing")
	}
	if ix, err := c.index(ctx, 2); err != nil || len(ix.Search("server 2 film 7", 1)) != 1 {
		t.Fatalf("an index over the bound still answers: %v", err)
	}
	if len(c.ix) != kept {
		t.Errorf("an index over the whole bound evicted %d others (it must evict none)", kept-len(c.ix))
	}
	if c.bytes > c.maxBytes || c.ix[2] != nil || reported != c.bytes {
		t.Errorf("an index over the whole bound was kept: %d bytes, bound %d", c.bytes, c.maxBytes)
	}
}

func keys(m map[storage.Scope]*cachedIndex) []storage.Scope {
	var out []storage.Scope
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// blockingStore holds the first Films call of a scope until released, so a
// film write can land while an index is being built.
type blockingStore struct {
	storage.Catalog
	scope            storage.Scope
	reading, release chan struct{}
	once             sync.Once
}

func (b *blockingStore) Films(ctx context.Context, scope storage.Scope) ([]storage.Film, error) {
	films, err := b.Catalog.Films(ctx, scope)
	if scope == b.scope {
		b.once.Do(func() { close(b.reading); <-b.release })
	}
	return films, err
}

// An index built from films read before a write is not kept: the next
// lookup sees the new film. No one tells the cache: the store's catalog
// version does.
func TestCatalogDropsAnIndexBuiltAcrossAWrite(t *testing.T) {
	e := newEnv(t)
	bs := &blockingStore{Catalog: e.db, scope: 111, reading: make(chan struct{}), release: make(chan struct{})}
	c := newCatalog(bs)
	if _, err := e.db.CreateFilm(context.Background(), 111, storage.Film{Title: "Red Rocket", Year: 2021}); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		c.index(ctx, 111) // reads the films, then waits
	}()
	<-bs.reading
	if _, err := e.db.CreateFilm(context.Background(), 111, storage.Film{Title: "Tangerine", Year: 2015}); err != nil {
		t.Fatal(err)
	}
	close(bs.release)
	<-done
	ix, err := c.index(ctx, 111)
	if err != nil {
		t.Fatal(err)
	}
	if len(ix.Search("tangerine", 25)) != 1 {
		t.Error("the film added while the index was built is missing from autocomplete")
	}
}
