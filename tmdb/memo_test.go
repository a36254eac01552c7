package tmdb_test

import (
	"context"
	"testing"
	"time"

	"github.com/filmbot/filmbot/tmdb"
)

// CachedMemo answers only a cached, fresh search, never asking TMDB, and
// derives its value once per cached entry.
func TestSearcherCachedMemo(t *testing.T) {
	c, fake, clk := setup(t, tmdb.Options{})
	s := tmdb.NewSearcher(c, time.Minute, 0, 0)
	derived := 0
	derive := func(p tmdb.Page) any { derived++; return len(p.Results) }
	if _, ok := s.CachedMemo("Parasite", 0, "", derive); ok || fake.Requests("search/movie") != 0 {
		t.Fatal("not cached, yet answered or asked TMDB")
	}
	p, err := s.Search(context.Background(), "parasite", 0, "")
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		v, ok := s.CachedMemo(" PARASITE", 0, "", derive)
		if !ok || v.(int) != len(p.Results) {
			t.Fatalf("cached: %v %v", v, ok)
		}
	}
	if derived != 1 {
		t.Errorf("derived %d times", derived)
	}
	if _, ok := s.CachedMemo("parasite", 0, "ru", derive); ok {
		t.Error("another language answered from the cache")
	}
	clk.add(time.Minute)
	if _, ok := s.CachedMemo("parasite", 0, "", derive); ok {
		t.Error("answered past the TTL")
	}
	if n := fake.Requests("search/movie"); n != 1 {
		t.Errorf("%d searches", n)
	}
}
