package storetest

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/filmbot/filmbot/storage"
)

// SeedTMDB is the seed film's TMDB id (Anora).
const SeedTMDB = 1064213

// sourced is a film from TMDB with every field TMDB fills.
func sourced(tmdbID uint64, title string, year int) storage.Film {
	return storage.Film{Title: title, Year: year, Runtime: 120, Country: "France, Belgium",
		Languages: []string{"French"}, Aliases: []string{title + " (original)", "Русское " + title},
		Directors: []string{"A Director"}, Writers: []string{"A Writer"}, Editors: []string{"An Editor"},
		Cinematographers: []string{"A DoP"}, Producers: []string{"P One", "P Two"},
		Cast: []storage.Role{{Actor: "Lead", Role: "Hero"}, {Actor: "Second", Role: ""}},
		TMDB: tmdbID, IMDb: fmt.Sprintf("tt%07d", tmdbID), Wikidata: "Q42", OriginalTitle: title + " (original)",
		Overview: "What happens.", Genres: []string{"Drama", "Comedy"}, Countries: []string{"France", "Belgium"},
		Composers: []string{"A Composer"}, Poster: "/poster.jpg",
		Titles:    map[string]string{"ru": "Русское " + title, "ja": "日本 " + title},
		Overviews: map[string]string{"ru": "Что случилось.", "ja": "何が起こる。"}}
}

// same compares films by their JSON, what both stores keep.
func same(a, b storage.Film) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return string(ja) == string(jb)
}

// movingClock is a clock a test moves.
type movingClock struct{ ns atomic.Int64 }

func newMovingClock() *movingClock {
	c := &movingClock{}
	c.ns.Store(clock().UnixNano())
	return c
}
func (c *movingClock) now() time.Time      { return time.Unix(0, c.ns.Load()).UTC() }
func (c *movingClock) add(d time.Duration) { c.ns.Add(int64(d)) }

func runSourced(t *testing.T, open Open, openEmpty func(t *testing.T) storage.Store) {
	t.Run("SaveSourced", func(t *testing.T) {
		c := newMovingClock()
		db := open(t, c.now)
		if _, err := db.SaveSourced(ctx, storage.Film{Title: "No id", Year: 2000}); err == nil {
			t.Error("a film without a TMDB id was saved")
		}
		if _, err := db.SaveSourced(ctx, storage.Film{TMDB: 5, Year: 2000}); err == nil {
			t.Error("a film without a title was saved")
		}
		v0, _ := db.CatalogVersion(ctx, g)
		in := sourced(496243, "Parasite", 2019)
		f, err := db.SaveSourced(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		if f.ID == 0 || f.Scope != storage.BuiltIn || !f.CreatedAt.Equal(c.now()) || !f.UpdatedAt.Equal(c.now()) || !f.FetchedAt.Equal(c.now()) {
			t.Errorf("saved %+v", f)
		}
		if v, _ := db.CatalogVersion(ctx, g); v == v0 {
			t.Error("CatalogVersion did not move")
		}
		// Every field is kept, whole and in the header; every server sees it.
		want := in
		want.ID, want.Scope, want.CreatedAt, want.UpdatedAt, want.FetchedAt = f.ID, storage.BuiltIn, f.CreatedAt, f.UpdatedAt, f.FetchedAt
		if !same(f, want) {
			t.Errorf("SaveSourced returned %+v, want %+v", f, want)
		}
		for _, s := range []storage.Scope{storage.BuiltIn, g, 222} {
			if got, err := db.Film(ctx, s, f.ID); err != nil || !same(got, want) {
				t.Errorf("Film in %d = %+v, %v; want %+v", s, got, err, want)
			}
			if got, err := db.FilmHeader(ctx, s, f.ID); err != nil || !same(got, want.Header()) {
				t.Errorf("FilmHeader in %d = %+v, %v; want %+v", s, got, err, want.Header())
			}
		}
		if got, err := db.FilmByTMDB(ctx, 496243); err != nil || !same(got, want) {
			t.Errorf("FilmByTMDB = %+v, %v", got, err)
		}
		films, _ := db.Films(ctx, g)
		if len(films) != 2 || !same(films[1], want.Header()) {
			t.Errorf("Films = %+v", films)
		}
		if h := want.Header(); h.TMDB != 496243 || h.Titles["ru"] != "Русское Parasite" || h.Overview != "" || h.Overviews != nil || h.Poster != "" {
			t.Errorf("header %+v", h)
		}
		if page, err := db.FilmPage(ctx, g, f.ID); err != nil || !same(page.Film, want) {
			t.Errorf("FilmPage = %+v, %v", page, err)
		}

		// Saved again with the same names (a refresh): the catalog's
		// indexes stay current, CatalogVersion stays.
		v1, _ := db.CatalogVersion(ctx, g)
		again := sourced(496243, "Parasite", 2019)
		again.Overview = "Told another way."
		if _, err := db.SaveSourced(ctx, again); err != nil {
			t.Fatal(err)
		}
		if v, _ := db.CatalogVersion(ctx, g); v != v1 {
			t.Error("CatalogVersion moved for a film saved again with the same names")
		}
		// Saved again later: the same film, its fields replaced.
		c.add(40 * 24 * time.Hour)
		in2 := sourced(496243, "Parasite", 2019)
		in2.Overview, in2.Runtime, in2.Poster, in2.Titles = "Told again.", 132, "", nil
		f2, err := db.SaveSourced(ctx, in2)
		if err != nil {
			t.Fatal(err)
		}
		if f2.ID != f.ID || !f2.CreatedAt.Equal(f.CreatedAt) || !f2.UpdatedAt.Equal(c.now()) || !f2.FetchedAt.Equal(c.now()) ||
			f2.Overview != "Told again." || f2.Runtime != 132 || f2.Poster != "" || f2.Titles != nil {
			t.Errorf("saved again %+v (first %+v)", f2, f)
		}
		if v, _ := db.CatalogVersion(ctx, g); v == v1 {
			t.Error("CatalogVersion did not move when the film's titles in other languages went")
		}
		if got, _ := db.FilmByTMDB(ctx, 496243); !same(got, f2) {
			t.Errorf("read back %+v, want %+v", got, f2)
		}
		if films, _ := db.Films(ctx, g); len(films) != 2 {
			t.Errorf("%d films after a second save", len(films))
		}

		// Title identity does not refuse a sourced film: two TMDB films may
		// share title and year. A film a moderator adds keeps the rule.
		other, err := db.SaveSourced(ctx, sourced(999001, "Parasite", 2019))
		if err != nil || other.ID == f.ID {
			t.Errorf("a second TMDB film of the same title and year: %+v, %v", other, err)
		}
		if films, _ := db.Films(ctx, g); len(films) != 3 {
			t.Errorf("%d films, want Anora and two Parasites", len(films))
		}
		if _, err := db.CreateFilm(ctx, g, storage.Film{Title: "Parasite", Year: 2019}); !errors.Is(err, storage.ErrExists) {
			t.Errorf("a hand-added Parasite (2019) beside the shared one: %v", err)
		}
		if _, err := db.FilmByTMDB(ctx, 12345); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("FilmByTMDB of a film not stored: %v", err)
		}
		// A server's ratings of it stay the server's.
		if _, err := db.Rate(ctx, g, f.ID, 7, 9); err != nil {
			t.Fatal(err)
		}
		if a, _ := db.Aggregate(ctx, 222, f.ID); a.Count != 0 {
			t.Errorf("another server sees the rating: %+v", a)
		}
		if _, err := db.UpdateFilm(ctx, g, f2); !errors.Is(err, storage.ErrBuiltIn) {
			t.Errorf("a server changed a shared film: %v", err)
		}
		if err := db.DeleteFilm(ctx, g, f.ID); err == nil {
			t.Error("a server deleted a shared film")
		}
	})
	t.Run("SaveSourcedKeepsAliases", func(t *testing.T) {
		db := open(t, clock)
		in := sourced(1064214, "Anora Two", 2025)
		in.Aliases = []string{"Ani Two"} // given by hand
		f, err := db.SaveSourced(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		// A refresh: TMDB's alternative titles, without the hand-given
		// alias, one of them again in other letters, one the title.
		again := sourced(1064214, "Anora Two", 2025)
		again.Aliases = []string{"Анора 2", "ANI TWO", "Anora two"}
		f2, err := db.SaveSourced(ctx, again)
		if err != nil {
			t.Fatal(err)
		}
		want := []string{"Анора 2", "ANI TWO"}
		byTMDB, err1 := db.FilmByTMDB(ctx, 1064214)
		header, err2 := db.FilmHeader(ctx, g, f.ID)
		if err := errors.Join(err1, err2); err != nil {
			t.Fatal(err)
		}
		for _, got := range []storage.Film{f2, byTMDB, header} {
			if !slices.Equal(got.Aliases, want) {
				t.Errorf("aliases after a refresh %q, want %q", got.Aliases, want)
			}
		}
		again.Aliases = nil
		if f3, _ := db.SaveSourced(ctx, again); !slices.Equal(f3.Aliases, want) {
			t.Errorf("aliases after a refresh without any %q, want %q", f3.Aliases, want)
		}
	})
	t.Run("SaveSourcedConcurrently", func(t *testing.T) {
		db := open(t, clock)
		const n = 8
		ids := make([]uint64, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				f, err := db.SaveSourced(ctx, sourced(27205, "Inception", 2010))
				if err != nil {
					t.Error(err)
				}
				ids[i] = f.ID
			})
		}
		wg.Wait()
		for _, id := range ids {
			if id != ids[0] || id == 0 {
				t.Fatalf("ids %v: one film per TMDB id", ids)
			}
		}
		if films, _ := db.Films(ctx, storage.BuiltIn); len(films) != 2 {
			t.Errorf("%d films, want Anora and one Inception", len(films))
		}
	})
	t.Run("SeedIsTMDBsAnora", func(t *testing.T) {
		db := open(t, clock)
		seed, err := db.FilmByTMDB(ctx, SeedTMDB)
		if err != nil || seed.Title != "Anora" || seed.IMDb != "tt28607951" {
			t.Fatalf("FilmByTMDB(Anora) = %+v, %v", seed, err)
		}
		// TMDB's Anora lands on the seed film, and keeps what TMDB does not
		// carry: awards, premiere, the cast's notes.
		in := sourced(SeedTMDB, "Anora", 2024)
		in.Cast = []storage.Role{{Actor: "Mikey Madison", Role: "Ani"}, {Actor: "Someone New", Role: "Extra"}}
		f, err := db.SaveSourced(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		if f.ID != seed.ID || len(f.Awards) != len(seed.Awards) || f.Premiere != seed.Premiere || f.Overview != "What happens." ||
			f.Cast[0].Note != seed.Cast[0].Note || f.Cast[1].Note != "" {
			t.Errorf("TMDB's Anora over the seed: %+v", f)
		}
		if films, _ := db.Films(ctx, g); len(films) != 1 {
			t.Errorf("%d films: a second Anora", len(films))
		}
	})
	t.Run("ClaimFetch", func(t *testing.T) {
		// A claim of a fetch is one process's while it lasts; it can be
		// taken again once it ends (judged by the store's clock), and
		// claims of other films are apart.
		db := open(t, time.Now)
		if ok, err := db.ClaimFetch(ctx, 496243, time.Hour); err != nil || !ok {
			t.Fatalf("first claim: %v %v", ok, err)
		}
		if ok, err := db.ClaimFetch(ctx, 129, time.Hour); err != nil || !ok {
			t.Errorf("another film's claim: %v %v", ok, err)
		}
		if ok, err := db.ClaimFetch(ctx, 496243, time.Hour); err != nil || ok {
			t.Errorf("a claim while one lasts: %v %v", ok, err)
		}
		if ok, err := db.ClaimFetch(ctx, 77, -time.Second); err != nil || !ok { // ended at once
			t.Fatalf("a claim that has ended: %v %v", ok, err)
		}
		if ok, err := db.ClaimFetch(ctx, 77, time.Hour); err != nil || !ok {
			t.Errorf("taking an ended claim: %v %v", ok, err)
		}
	})
	t.Run("SourcedBefore", func(t *testing.T) {
		c := newMovingClock()
		db := open(t, c.now)
		t0 := c.now()
		a, _ := db.SaveSourced(ctx, sourced(1, "A", 2001))
		c.add(24 * time.Hour)
		b, _ := db.SaveSourced(ctx, sourced(2, "B", 2002))
		c.add(24 * time.Hour)
		if _, err := db.SaveSourced(ctx, sourced(3, "C", 2003)); err != nil {
			t.Fatal(err)
		}
		if _, err := db.CreateFilm(ctx, g, storage.Film{Title: "Typed", Year: 2000}); err != nil {
			t.Fatal(err)
		}
		got, err := db.SourcedBefore(ctx, t0.Add(36*time.Hour), 10)
		if err != nil {
			t.Fatal(err)
		}
		// The seed, never fetched, first; then the oldest.
		if len(got) != 3 || got[0].TMDB != SeedTMDB || got[1].ID != a.ID || got[2].ID != b.ID {
			t.Fatalf("SourcedBefore = %+v", got)
		}
		if !same(got[1], a.Header()) {
			t.Errorf("SourcedBefore gives %+v, want the header %+v", got[1], a.Header())
		}
		if got, _ := db.SourcedBefore(ctx, t0.Add(36*time.Hour), 2); len(got) != 2 || got[1].ID != a.ID {
			t.Errorf("limit 2: %+v", got)
		}
		// Refreshed, a film leaves the list.
		if _, err := db.SaveSourced(ctx, sourced(1, "A", 2001)); err != nil {
			t.Fatal(err)
		}
		if got, _ := db.SourcedBefore(ctx, t0.Add(36*time.Hour), 10); len(got) != 2 || got[1].ID != b.ID {
			t.Errorf("after a refresh: %+v", got)
		}
		// Dropped past TMDB's limit: the row stays, TMDB's data goes.
		old, _ := db.FilmByTMDB(ctx, 2)
		kept, err := db.SaveSourced(ctx, old.Unsourced())
		if err != nil || kept.ID != b.ID || kept.Overview != "" || kept.Directors != nil || kept.Titles != nil || kept.Title != "B" || kept.TMDB != 2 {
			t.Errorf("unsourced: %+v, %v", kept, err)
		}
	})
	t.Run("CopySourced", func(t *testing.T) {
		src := open(t, clock)
		cs, ok := src.(storage.Copier)
		if !ok {
			t.Skip("not a Copier")
		}
		f, err := src.SaveSourced(ctx, sourced(496243, "Parasite", 2019))
		if err != nil {
			t.Fatal(err)
		}
		var recs []storage.Record
		if err := cs.Each(ctx, func(r storage.Record) error { recs = append(recs, r); return nil }); err != nil {
			t.Fatal(err)
		}
		dst := openEmpty(t)
		if err := dst.(storage.Copier).Load(ctx, recs); err != nil {
			t.Fatal(err)
		}
		if got, err := dst.FilmByTMDB(ctx, 496243); err != nil || !same(got, f) {
			t.Errorf("after a copy, FilmByTMDB = %+v, %v; want %+v", got, err, f)
		}
		if got, err := dst.FilmByTMDB(ctx, SeedTMDB); err != nil || got.Title != "Anora" {
			t.Errorf("after a copy, the seed: %+v, %v", got, err)
		}
		if got, err := dst.SourcedBefore(ctx, clock().Add(time.Hour), 10); err != nil || len(got) != 2 {
			t.Errorf("after a copy, SourcedBefore = %+v, %v", got, err)
		}
	})
}
