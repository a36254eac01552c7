package commands

import (
	"context"
	"strings"
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
	f, err := e.db.CreateFilm(context.Background(), 1000, storage.Film{Title: "Tangerine", Year: 2015}, strings.ToLower)
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

// The cache keeps at most maxIndexes servers.
func TestCatalogIsBounded(t *testing.T) {
	e := newEnv(t)
	c := e.set.catalog
	for s := storage.Scope(1); s <= maxIndexes+500; s++ {
		if _, err := c.index(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(c.ix); n > maxIndexes {
		t.Errorf("%d indexes cached, want at most %d", n, maxIndexes)
	}
}

// blockingStore holds the first Films call of a scope until released, so a
// film write can land while an index is being built.
type blockingStore struct {
	Store
	scope            storage.Scope
	reading, release chan struct{}
	once             sync.Once
}

func (b *blockingStore) Films(ctx context.Context, scope storage.Scope) ([]storage.Film, error) {
	films, err := b.Store.Films(ctx, scope)
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
	bs := &blockingStore{Store: e.db, scope: 111, reading: make(chan struct{}), release: make(chan struct{})}
	c := newCatalog(bs)
	if _, err := e.db.CreateFilm(context.Background(), 111, storage.Film{Title: "Red Rocket", Year: 2021}, strings.ToLower); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		c.index(ctx, 111) // reads the films, then waits
	}()
	<-bs.reading
	if _, err := e.db.CreateFilm(context.Background(), 111, storage.Film{Title: "Tangerine", Year: 2015}, strings.ToLower); err != nil {
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
