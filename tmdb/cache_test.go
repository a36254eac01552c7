package tmdb_test

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/filmbot/filmbot/tmdb"
)

// A search asked twice within the TTL reaches TMDB once; after the TTL,
// again.
func TestSearcherCaches(t *testing.T) {
	c, fake, clk := setup(t, tmdb.Options{})
	s := tmdb.NewSearcher(c, time.Minute, 0, 0)
	ctx := context.Background()
	for range 3 {
		p, err := s.Search(ctx, "Parasite ", 0, "")
		if err != nil || len(p.Results) == 0 {
			t.Fatalf("search: %+v %v", p, err)
		}
	}
	if n := fake.Requests("search/movie"); n != 1 {
		t.Fatalf("%d requests for one search asked 3 times", n)
	}
	if st := s.Stats(); st.Hits != 2 || st.Misses != 1 || st.Entries != 1 || st.Bytes <= 0 {
		t.Fatalf("stats %+v", st)
	}
	clk.add(time.Minute)
	if _, err := s.Search(ctx, "parasite", 0, ""); err != nil {
		t.Fatal(err)
	}
	if n := fake.Requests("search/movie"); n != 2 {
		t.Fatalf("%d requests after the TTL, want 2", n)
	}
}

// Identical searches in flight at once make one request.
func TestSearcherSingleFlight(t *testing.T) {
	c, fake, _ := setup(t, tmdb.Options{})
	fake.SetLatency(200 * time.Millisecond)
	s := tmdb.NewSearcher(c, time.Minute, 0, 0)
	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := s.Search(context.Background(), "dune", 0, "")
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if n := fake.Requests("search/movie"); n != 1 {
		t.Fatalf("%d requests for 20 identical searches at once", n)
	}
}

// A caller that stops waiting gets its context's error at once; the
// answer still reaches the cache.
func TestSearcherBudget(t *testing.T) {
	c, fake, _ := setup(t, tmdb.Options{})
	fake.SetLatency(300 * time.Millisecond)
	s := tmdb.NewSearcher(c, time.Minute, 0, 0)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	if _, err := s.Search(ctx, "anora", 0, ""); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("over budget: %v", err)
	}
	// A caller with time joins the search still in flight (or finds its
	// answer cached): either way the answer is cached once it returns.
	if _, err := s.Search(context.Background(), "anora", 0, ""); err != nil {
		t.Fatal(err)
	}
	if st := s.Stats(); st.Entries != 1 {
		t.Fatalf("the late answer did not reach the cache: %+v", st)
	}
	fake.SetLatency(0)
	if _, err := s.Search(context.Background(), "anora", 0, ""); err != nil {
		t.Fatal(err)
	}
	if n := fake.Requests("search/movie"); n != 1 {
		t.Fatalf("%d requests, want 1 (the others joined it or read the cache)", n)
	}
}

// The cache holds at most its bytes.
func TestSearcherBoundedByBytes(t *testing.T) {
	c, _, _ := setup(t, tmdb.Options{})
	const bound = 16 << 10
	s := tmdb.NewSearcher(c, time.Hour, bound, 0)
	ctx := context.Background()
	for i := range 300 {
		if _, err := s.Search(ctx, "the "+strconv.Itoa(i), 0, ""); err != nil {
			t.Fatal(err)
		}
		if st := s.Stats(); st.Bytes > bound {
			t.Fatalf("after %d searches: %d bytes cached, bound %d", i+1, st.Bytes, bound)
		}
	}
	for _, q := range []string{"a", "the", "dune", "la"} {
		if _, err := s.Search(ctx, q, 0, ""); err != nil {
			t.Fatal(err)
		}
	}
	if st := s.Stats(); st.Bytes > bound || st.Entries == 0 {
		t.Fatalf("stats %+v, bound %d", st, bound)
	}
}
