package commands

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/filmbot/filmbot/storage"
)

// countingStore counts the Films reads by scope: an index build reads
// its films, so this counts the builds of each layer.
type countingStore struct {
	storage.Catalog
	mu    sync.Mutex
	reads map[storage.Scope]int
}

func (c *countingStore) Films(ctx context.Context, scope storage.Scope) ([]storage.Film, error) {
	c.mu.Lock()
	c.reads[scope]++
	c.mu.Unlock()
	return c.Catalog.Films(ctx, scope)
}

func (c *countingStore) took() map[storage.Scope]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := c.reads
	c.reads = map[storage.Scope]int{}
	return out
}

// autoNames runs autocomplete of /film's film option in guild for typed
// and returns the choices' names, in order.
func (e *env) autoNames(guild, typed string) []string {
	e.t.Helper()
	r, err := e.check(e.cmds["film"].Autocomplete, auto(guild, "film", focus(opt("film", typed))))
	if err != nil {
		e.t.Fatalf("autocomplete %q: %v", typed, err)
	}
	var out []string
	for _, c := range r.Data.Choices {
		out = append(out, c.Name)
	}
	return out
}

// sourced stores a film from TMDB in the shared catalog.
func (e *env) sourced(title string, year int, tmdbID uint64) storage.Film {
	e.t.Helper()
	f, err := e.db.SaveSourced(ctx, storage.Film{Title: title, Year: year, TMDB: tmdbID, Directors: []string{"Someone " + title}})
	if err != nil {
		e.t.Fatal(err)
	}
	return f
}

// A film from TMDB new to the shared catalog rebuilds the shared layer
// once, whatever the number of servers, and no server's own layer; a
// server's own new film rebuilds its layer alone. Both are seen at the
// next keystroke. (Before the layers, every server with films of its
// own read and indexed the whole shared catalog again.)
func TestNewSharedFilmRebuildsNoServersIndex(t *testing.T) {
	e := newEnv(t)
	cs := &countingStore{Catalog: e.db, reads: map[storage.Scope]int{}}
	e.set.catalog.store = cs
	servers := []string{"111", "222", "333"}
	for k, g := range servers {
		if _, err := e.db.CreateFilm(ctx, storage.Scope(111*(k+1)), storage.Film{Title: "Zabriskie Point " + g, Year: 1970}); err != nil {
			t.Fatal(err)
		}
		e.autoNames(g, "z")
	}
	cs.took()
	e.sourced("Zama", 2017, 8)
	for _, g := range servers {
		if got := e.autoNames(g, "za"); !slices.Contains(got, "Zama (2017)") || !slices.Contains(got, "Zabriskie Point "+g+" (1970)") {
			t.Errorf("server %s after a new shared film: %v", g, got)
		}
	}
	if got := cs.took(); got[storage.BuiltIn] != 1 || len(got) != 1 {
		t.Errorf("a new shared film read %v (scope: reads), want the shared catalog once and no server's films", got)
	}
	if _, err := e.db.CreateFilm(ctx, 222, storage.Film{Title: "Zardoz", Year: 1974}); err != nil {
		t.Fatal(err)
	}
	for _, g := range servers {
		got := e.autoNames(g, "za")
		if slices.Contains(got, "Zardoz (1974)") != (g == "222") || !slices.Contains(got, "Zama (2017)") {
			t.Errorf("server %s after server 222's new film: %v", g, got)
		}
	}
	if got := cs.took(); got[222] != 1 || len(got) != 1 {
		t.Errorf("a server's new film read %v (scope: reads), want that server's films once", got)
	}
}

// Across the two layers autocomplete ranks as one index of every film
// the server sees would: exact titles first, then prefixes, words,
// typos, each in title order, the server's films and the shared ones
// interleaved; and a typed title finds the film in either layer, the
// server's own first when both have it.
func TestRankingAcrossLayers(t *testing.T) {
	e := newEnv(t)
	e.sourced("Dune", 2021, 438631)
	e.sourced("Dune", 1984, 841)
	e.sourced("The Dune Sea", 1999, 9001)
	e.sourced("Dunkirk", 2017, 374720)
	e.sourced("Dunes of Summer", 2012, 9002)
	for _, f := range []storage.Film{{Title: "Dune", Year: 2000}, {Title: "Dunes", Year: 2010}, {Title: "Sand Dune", Year: 2015}, {Title: "Duna Nights", Year: 1990}} {
		if _, err := e.db.CreateFilm(ctx, 111, f); err != nil {
			t.Fatal(err)
		}
	}
	want := []string{"Dune (1984)", "Dune (2000)", "Dune (2021)", "Dunes (2010)", "Dunes of Summer (2012)", "Sand Dune (2015)", "The Dune Sea (1999)", "Duna Nights (1990)", "Dunkirk (2017)"}
	if got := e.autoNames(guildA, "dune"); !slices.Equal(got, want) {
		t.Errorf("dune in a server with films of its own:\n got %q\nwant %q", got, want)
	}
	// The same order as one index of all the films the server sees.
	films, _ := e.db.Films(ctx, 111)
	one := newFilmIndex(films)
	view, err := e.set.catalog.index(ctx, 111)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"", "d", "du", "dun", "dune", "dunes", "dune 2", "sea", "summer", "dnue", "duen", "nights", "an", "anora"} {
		for _, limit := range []int{1, 3, 25} {
			if got, want := view.Search(q, limit), one.Search(q, limit); fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("Search(%q, %d):\n got %v\nwant %v", q, limit, got, want)
			}
		}
	}
	// In a server without films of its own: the shared films alone.
	if got := e.autoNames(guildB, "dune"); !slices.Equal(got, []string{"Dune (1984)", "Dune (2021)", "Dunes of Summer (2012)", "The Dune Sea (1999)", "Dunkirk (2017)"}) {
		t.Errorf("dune in a server without films: %q", got)
	}
	// A typed title: ambiguous across the layers, then the year picks
	// one in either.
	for typed, want := range map[string]string{"Dune (2000)": "Dune (2000)", "Dune 2021": "Dune (2021)", "the dune sea": "The Dune Sea (1999)", "dunes": "Dunes (2010)"} {
		f, err := e.set.resolveIn(ctx, 111, typed, "")
		if err != nil || label(f) != want {
			t.Errorf("typed %q: %s (%v), want %s", typed, label(f), err, want)
		}
	}
	if _, err := e.set.resolveIn(ctx, 111, "dune", ""); err == nil || !containsAll(storage.Message(err), "Dune (1984)", "Dune (2000)", "Dune (2021)") {
		t.Errorf("typed dune: %v", err)
	}
}

func containsAll(s string, parts ...string) bool {
	for _, p := range parts {
		if !strings.Contains(s, p) {
			return false
		}
	}
	return true
}

// A server's film linked to a TMDB film hides the shared copy in that
// server, before and after the shared catalog changes, and stands for
// it: a typed TMDB title of the same title and year means the server's
// film, the shared copy is never offered, and other servers see it.
func TestLinkedFilmHidesTheSharedCopy(t *testing.T) {
	e := newEnv(t)
	own, err := e.db.CreateFilm(ctx, 111, storage.Film{Title: "Stalker", Year: 1979})
	if err != nil {
		t.Fatal(err)
	}
	shared := e.sourced("Stalker", 1979, 1398)
	own.TMDB = 1398
	if own, err = e.db.UpdateFilm(ctx, 111, own); err != nil {
		t.Fatal(err)
	}
	check := func(when string) {
		t.Helper()
		r, err := e.check(e.cmds["film"].Autocomplete, auto(guildA, "film", focus(opt("film", "stalk"))))
		if err != nil {
			t.Fatal(err)
		}
		if c := r.Data.Choices; len(c) != 1 || c[0].Value != filmValue(own.ID) {
			t.Errorf("%s: choices %v, want the server's film alone (id %d)", when, c, own.ID)
		}
		if f, err := e.set.resolveIn(ctx, 111, "Stalker (1979)", ""); err != nil || f.ID != own.ID {
			t.Errorf("%s: typed title gave %d (%v), want the server's film %d", when, f.ID, err, own.ID)
		}
		if got := e.autoNames(guildB, "stalk"); !slices.Equal(got, []string{"Stalker (1979)"}) {
			t.Errorf("%s: another server: %v", when, got)
		}
		if f, err := e.set.resolveIn(ctx, 222, "Stalker", ""); err != nil || f.ID != shared.ID {
			t.Errorf("%s: another server's typed title gave %d (%v), want the shared film", when, f.ID, err)
		}
	}
	check("linked")
	e.sourced("Solaris", 1972, 593)
	check("after a new shared film")
}
