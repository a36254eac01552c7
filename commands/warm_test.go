package commands

import (
	"context"
	"testing"
)

// Warm builds what a first answer would: after it, the first autocomplete
// finds the catalog's index built (a hit, not a rebuild), and it wrote
// nothing (no rating, no review).
func TestWarmBuildsTheIndex(t *testing.T) {
	e := newEnv(t)
	var hits, rebuilds int
	e.set.WithCacheObserver(func(hit bool) {
		if hit {
			hits++
		} else {
			rebuilds++
		}
	})
	if err := e.set.Warm(context.Background()); err != nil {
		t.Fatal(err)
	}
	if rebuilds != 1 {
		t.Errorf("warming built the index %d times, want once", rebuilds)
	}
	before := hits
	if _, err := e.check(e.cmds["review"].Autocomplete, auto("", "review", focus(opt("film", "ano")))); err != nil {
		t.Fatal(err)
	}
	if hits != before+1 || rebuilds != 1 {
		t.Errorf("the first autocomplete after warming: %d hits, %d rebuilds", hits-before, rebuilds)
	}
	if a, err := e.db.Aggregate(context.Background(), 0, e.anora.ID); err != nil || a.Count != 0 {
		t.Errorf("warming rated: %+v %v", a, err)
	}
	if rs, err := e.db.Reviews(context.Background(), 0, e.anora.ID); err != nil || len(rs) != 1 {
		t.Errorf("warming changed the reviews: %d %v", len(rs), err)
	}
}
