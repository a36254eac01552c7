// Package storetest is the conformance suite of storage.Store: every
// implementation runs Run in its tests, and passes only if it keeps the
// contract (isolation between servers, one rating per member per film,
// aggregates that agree with the ratings, ids, ordering, the built-in
// catalog) the way the others do.
package storetest

import (
	"context"
	"errors"
	"math/rand"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/filmbot/filmbot/storage"
)

// Open opens a new, seeded, empty store for one test, using now as its
// clock, and closes it when the test ends.
type Open func(t *testing.T, now func() time.Time) storage.Store

var (
	ctx   = context.Background()
	clock = func() time.Time { return time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC) }
	g     = storage.Scope(111)
)

// Run runs the whole suite against stores made by open; openEmpty makes
// a store with nothing in it, not even the built-in catalog (the target
// of a copy).
func Run(t *testing.T, open Open, openEmpty func(t *testing.T) storage.Store) {
	t.Run("Seed", func(t *testing.T) {
		db := open(t, clock)
		films, err := db.Films(ctx, storage.BuiltIn)
		if err != nil || len(films) != 1 {
			t.Fatalf("Films = %v, %v; want Anora alone", films, err)
		}
		f, err := db.Film(ctx, storage.BuiltIn, films[0].ID)
		if err != nil || f.Title != "Anora" || f.Year != 2024 || f.Runtime != 139 || len(f.Cast) != 9 || f.Directors[0] != "Sean Baker" {
			t.Errorf("seed film = %+v, %v", f, err)
		}
		if !reflect.DeepEqual(films[0], f.Header()) {
			t.Errorf("Films gives %+v, want the header %+v", films[0], f.Header())
		}
		revs, err := db.Reviews(ctx, storage.BuiltIn, f.ID)
		if err != nil || len(revs) != 1 {
			t.Fatalf("Reviews = %v, %v", revs, err)
		}
		r := revs[0]
		if len(r.Excerpts) != 12 || r.Reviewer != "" {
			t.Fatalf("seed review has %d excerpts, reviewer %q", len(r.Excerpts), r.Reviewer)
		}
		for i, e := range r.Excerpts {
			if e.Spoiler != (i == 10) {
				t.Errorf("excerpt %d spoiler = %v", i+1, e.Spoiler)
			}
		}
		if !strings.HasPrefix(r.Excerpts[10].Text, "The film’s climax") {
			t.Errorf("paragraph 11 = %.30q", r.Excerpts[10].Text)
		}
	})
	t.Run("Scopes", func(t *testing.T) {
		db := open(t, clock)
		a, b := storage.Scope(111), storage.Scope(222)
		fa, err := db.CreateFilm(ctx, a, storage.Film{Title: "Poltergeist", Year: 1982})
		if err != nil {
			t.Fatal(err)
		}
		anora, _ := db.Films(ctx, storage.BuiltIn)
		ra, err := db.AddReview(ctx, a, storage.Review{FilmID: anora[0].ID, Reviewer: "A's mod", Excerpts: []storage.Excerpt{{Text: "Guild A thinks"}}})
		if err != nil {
			t.Fatal(err)
		}
		if fs, _ := db.Films(ctx, a); len(fs) != 2 {
			t.Errorf("guild A sees %d films, want 2", len(fs))
		}
		if fs, _ := db.Films(ctx, b); len(fs) != 1 {
			t.Errorf("guild B sees %d films, want the built-in one", len(fs))
		}
		if _, err := db.Film(ctx, b, fa.ID); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("guild B reads guild A's film: %v", err)
		}
		if _, err := db.Review(ctx, b, ra.ID); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("guild B reads guild A's review: %v", err)
		}
		if _, err := db.Review(ctx, a, ra.ID); err != nil {
			t.Errorf("guild A cannot read its review: %v", err)
		}
		if rs, _ := db.Reviews(ctx, b, anora[0].ID); len(rs) != 1 {
			t.Errorf("guild B sees %d reviews of Anora, want 1", len(rs))
		}
		rs, _ := db.Reviews(ctx, a, anora[0].ID)
		if len(rs) != 2 || rs[0].ID != ra.ID {
			t.Errorf("guild A's reviews of Anora, newest first: %+v", rs)
		}
		if _, err := db.AddReview(ctx, b, storage.Review{FilmID: fa.ID, Excerpts: []storage.Excerpt{{Text: "x"}}}); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("guild B reviewed guild A's film: %v", err)
		}
		if _, err := db.Film(ctx, a, 9999); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("unknown film: %v", err)
		}
	})
	t.Run("TitleIdentityIsTheStores", func(t *testing.T) {
		// Titles that differ only in case, accents, punctuation, spacing or
		// lookalike letters are one title (storage.TitleKey), on every
		// write path, without the caller saying how to compare them.
		db := open(t, clock)
		am, err := db.CreateFilm(ctx, g, storage.Film{Title: "Amélie", Year: 2001})
		if err != nil {
			t.Fatal(err)
		}
		for _, title := range []string{"AMELIE", "  amélie!", "Am\u200belie", "Amеlie" /* Cyrillic е */} {
			got, err := db.CreateFilm(ctx, g, storage.Film{Title: title, Year: 2001})
			if !errors.Is(err, storage.ErrExists) || got.ID != am.ID {
				t.Errorf("CreateFilm %q: %v, %+v; want ErrExists with Amélie", title, err, got)
			}
		}
		added, err := db.AddFilms(ctx, g, []storage.Film{{Title: "amelie.", Year: 2001}, {Title: "Schindler’s List", Year: 1993}, {Title: "schindlers-list", Year: 1993}, {Title: "Amélie", Year: 2002}})
		if err != nil {
			t.Fatal(err)
		}
		if len(added) != 2 || added[0].Title != "Schindler’s List" || added[1].Year != 2002 {
			t.Errorf("AddFilms added %+v; want Schindler’s List and the Amélie of 2002", added)
		}
		other, err := db.CreateFilm(ctx, g, storage.Film{Title: "Delicatessen", Year: 2001})
		if err != nil {
			t.Fatal(err)
		}
		other.Title = "Amélie: "
		if got, err := db.UpdateFilm(ctx, g, other); !errors.Is(err, storage.ErrExists) || got.ID != am.ID {
			t.Errorf("UpdateFilm to a title Amélie has: %v, %+v", err, got)
		}
		am.Title = "AMÉLIE" // its own title, differently written
		if _, err := db.UpdateFilm(ctx, g, am); err != nil {
			t.Errorf("UpdateFilm of a film to its own title: %v", err)
		}
		// A film of the same title and year comes to the shared catalog
		// (from TMDB) after the server typed its own in: the server's film
		// is still editable and linkable, keeping its title; a new one of
		// that title is refused.
		if _, err := db.SaveSourced(ctx, storage.Film{Title: "Delicatessen", Year: 2001, TMDB: 892}); err != nil {
			t.Fatal(err)
		}
		other.Title, other.Runtime, other.TMDB = "Delicatessen", 99, 892
		if got, err := db.UpdateFilm(ctx, g, other); err != nil || got.Runtime != 99 || got.TMDB != 892 {
			t.Errorf("UpdateFilm keeping its title beside a shared film of that title: %v, %+v", err, got)
		}
		if _, err := db.CreateFilm(ctx, g, storage.Film{Title: "DELICATESSEN", Year: 2001}); !errors.Is(err, storage.ErrExists) {
			t.Errorf("CreateFilm of a title already there: %v", err)
		}
		if storage.TitleKey("Schindler’s List") != storage.TitleKey("SCHINDLERS  list") || storage.TitleKey("Anora") == storage.TitleKey("Anora 2") {
			t.Error("TitleKey is not what the store compares")
		}
	})
	t.Run("CreateFilmRemakesAndDuplicates", func(t *testing.T) {
		db := open(t, clock)
		p82, err := db.CreateFilm(ctx, g, storage.Film{Title: "Poltergeist", Year: 1982})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.CreateFilm(ctx, g, storage.Film{Title: "Poltergeist", Year: 2015}); err != nil {
			t.Errorf("a remake was refused: %v", err)
		}
		got, err := db.CreateFilm(ctx, g, storage.Film{Title: " poltergeist ", Year: 1982})
		if !errors.Is(err, storage.ErrExists) || got.ID != p82.ID {
			t.Errorf("duplicate: %v, pointed at %+v", err, got)
		}
		if _, err := db.CreateFilm(ctx, g, storage.Film{Title: "Anora", Year: 2024}); !errors.Is(err, storage.ErrExists) {
			t.Errorf("a copy of a built-in film: %v", err)
		}
		if _, err := db.CreateFilm(ctx, storage.Scope(222), storage.Film{Title: "Poltergeist", Year: 1982}); err != nil {
			t.Errorf("another server cannot have its own: %v", err)
		}
		if _, err := db.CreateFilm(ctx, storage.BuiltIn, storage.Film{Title: "X", Year: 1}); !errors.Is(err, storage.ErrBuiltIn) {
			t.Errorf("created in the built-in catalog: %v", err)
		}
	})
	t.Run("AddFilms", func(t *testing.T) {
		db := open(t, clock)
		in := []storage.Film{{Title: "anora", Year: 2024}, {Title: "Tangerine", Year: 2015, Letterboxd: "https://boxd.it/t"},
			{Title: "TANGERINE ", Year: 2015}, {Title: "Tangerine", Year: 1999}, {Title: "Red Rocket", Year: 2021, Directors: []string{"Sean Baker"}}}
		added, err := db.AddFilms(ctx, g, in)
		if err != nil || len(added) != 3 || added[0].Title != "Tangerine" || added[1].Year != 1999 || added[2].Directors[0] != "Sean Baker" {
			t.Fatalf("added %+v, %v", added, err)
		}
		for _, f := range added {
			got, err := db.Film(ctx, g, f.ID)
			if err != nil || got.Scope != g || got.Title != f.Title || !got.CreatedAt.Equal(clock()) {
				t.Errorf("film %d: %+v %v", f.ID, got, err)
			}
		}
		if h, _ := db.FilmHeader(ctx, g, added[0].ID); h.Letterboxd != "https://boxd.it/t" {
			t.Errorf("the Letterboxd link is not in the header: %+v", h)
		}
		if fs, _ := db.Films(ctx, storage.Scope(222)); len(fs) != 1 {
			t.Errorf("another server sees %d films", len(fs))
		}
		if again, err := db.AddFilms(ctx, g, in); err != nil || len(again) != 0 {
			t.Errorf("the same list again: %+v %v", again, err)
		}
		if _, err := db.AddFilms(ctx, storage.BuiltIn, in); !errors.Is(err, storage.ErrBuiltIn) {
			t.Errorf("built-in: %v", err)
		}
	})
	t.Run("FilmHeader", func(t *testing.T) {
		db := open(t, clock)
		f, err := db.CreateFilm(ctx, g, storage.Film{Title: "Tangerine", Year: 2015, Runtime: 88, Aliases: []string{"Mandarina"},
			Directors: []string{"Sean Baker"}, Writers: []string{"Chris Bergoch"}, Awards: []string{"x"}, Languages: []string{"English"},
			Cast: []storage.Role{{Actor: "Kitana Kiki Rodriguez", Role: "Sin-Dee Rella"}}})
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range []uint64{1, f.ID} {
			full, err := db.Film(ctx, g, id)
			if err != nil {
				t.Fatal(err)
			}
			h, err := db.FilmHeader(ctx, g, id)
			if err != nil || !reflect.DeepEqual(h, full.Header()) || len(h.Cast) != 0 || len(h.Directors) != 0 || h.Title != full.Title {
				t.Errorf("film %d: header %+v (%v), want %+v", id, h, err, full.Header())
			}
		}
		// The first director is in every header, read without the film.
		films, _ := db.Films(ctx, g)
		heads, _ := db.FilmHeaders(ctx, g, []uint64{f.ID})
		h, _ := db.FilmHeader(ctx, g, f.ID)
		page, _ := db.ReviewPage(ctx, g, f.ID, 1)
		for what, got := range map[string]storage.Film{"FilmHeader": h, "FilmHeaders": heads[f.ID], "Films": films[len(films)-1], "ReviewPage": page.Film} {
			if got.ID != f.ID || got.Director != "Sean Baker" || got.Directors != nil {
				t.Errorf("%s: %+v, want the first director alone", what, got)
			}
		}
		f.Title = "Tangerine!"
		if _, err := db.UpdateFilm(ctx, g, f); err != nil {
			t.Fatal(err)
		}
		if h, _ := db.FilmHeader(ctx, g, f.ID); h.Title != "Tangerine!" {
			t.Errorf("header after an update: %+v", h)
		}
		if _, err := db.FilmHeader(ctx, storage.Scope(222), f.ID); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("another server's film: %v", err)
		}
		if err := db.DeleteFilm(ctx, g, f.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := db.FilmHeader(ctx, g, f.ID); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("a deleted film's header: %v", err)
		}
	})
	t.Run("UpdateAndDeleteFilm", func(t *testing.T) {
		db := open(t, clock)
		f, _ := db.CreateFilm(ctx, g, storage.Film{Title: "Tangerin", Year: 2015, CreatedBy: "9"})
		f.Title = "Tangerine"
		f, err := db.UpdateFilm(ctx, g, f)
		if err != nil || f.Title != "Tangerine" || f.CreatedBy != "9" {
			t.Fatalf("update: %+v %v", f, err)
		}
		if _, err := db.UpdateFilm(ctx, g, storage.Film{ID: 1, Title: "Anora!", Year: 2024}); !errors.Is(err, storage.ErrBuiltIn) {
			t.Errorf("a server changed the built-in film: %v", err)
		}
		if _, err := db.UpdateFilm(ctx, storage.Scope(222), f); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("another server changed the film: %v", err)
		}
		r, _ := db.AddReview(ctx, g, storage.Review{FilmID: f.ID, Reviewer: "R", Excerpts: []storage.Excerpt{{Text: "x"}}})
		db.Rate(ctx, g, f.ID, 5, 8)
		db.Rate(ctx, g, f.ID, 6, 6)
		if revs, rates, _ := db.FilmUsage(ctx, g, f.ID); revs != 1 || rates != 2 {
			t.Errorf("usage %d reviews %d ratings", revs, rates)
		}
		if err := db.DeleteFilm(ctx, g, 1); !errors.Is(err, storage.ErrBuiltIn) {
			t.Errorf("deleted the built-in film: %v", err)
		}
		if err := db.DeleteFilm(ctx, g, f.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Review(ctx, g, r.ID); !errors.Is(err, storage.ErrNotFound) {
			t.Error("the film's review survived")
		}
		if rs, _ := db.UserRatings(ctx, g, 5); len(rs) != 0 {
			t.Errorf("the film's ratings survived: %+v", rs)
		}
		if top, _ := db.Top(ctx, g, 1); len(top) != 0 {
			t.Errorf("the film's aggregate survived: %+v", top)
		}
	})
	t.Run("UpdateAndDeleteReview", func(t *testing.T) {
		db := open(t, clock)
		r, _ := db.AddReview(ctx, g, storage.Review{FilmID: 1, Reviewer: "A", Excerpts: []storage.Excerpt{{Text: "one"}}})
		db.Rate(ctx, g, 1, 5, 8)
		r.Excerpts = []storage.Excerpt{{Text: "two"}}
		r.Reviewer = "B"
		got, err := db.UpdateReview(ctx, g, r)
		if err != nil || got.Reviewer != "B" || got.Excerpts[0].Text != "two" || !got.PostedAt.Equal(r.PostedAt) {
			t.Fatalf("update: %+v %v", got, err)
		}
		if _, err := db.UpdateReview(ctx, storage.Scope(222), r); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("another server edited it: %v", err)
		}
		if _, err := db.UpdateReview(ctx, g, storage.Review{ID: 1, Excerpts: []storage.Excerpt{{Text: "x"}}}); !errors.Is(err, storage.ErrBuiltIn) {
			t.Errorf("a server edited the built-in review: %v", err)
		}
		if _, err := db.DeleteReview(ctx, g, r.ID); err != nil {
			t.Fatal(err)
		}
		if a, _ := db.Aggregate(ctx, g, 1); a.Count != 1 {
			t.Error("removing a review removed ratings")
		}
		if _, err := db.DeleteReview(ctx, g, r.ID); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("deleted twice: %v", err)
		}
	})
	t.Run("Settings", func(t *testing.T) {
		db := open(t, clock)
		if s, _ := db.Settings(ctx, g); s != (storage.Settings{}) {
			t.Errorf("fresh settings %+v", s)
		}
		db.UpdateSettings(ctx, g, func(s *storage.Settings) { s.ReviewsChannel = "77" })
		db.UpdateSettings(ctx, g, func(s *storage.Settings) { s.ModRole = "88" })
		if s, _ := db.Settings(ctx, g); s.ReviewsChannel != "77" || s.ModRole != "88" {
			t.Errorf("settings %+v", s)
		}
		// The language of the bot's own posts (/settings language), kept
		// beside the others and cleared alone.
		db.UpdateSettings(ctx, g, func(s *storage.Settings) { s.Language = "pt-BR" })
		if s, _ := db.Settings(ctx, g); s.Language != "pt-BR" || s.ModRole != "88" {
			t.Errorf("settings with a language %+v", s)
		}
		db.UpdateSettings(ctx, g, func(s *storage.Settings) { s.Language = "" })
		if s, _ := db.Settings(ctx, g); s.Language != "" || s.ReviewsChannel != "77" {
			t.Errorf("settings with the language cleared %+v", s)
		}
		db.UpdateSettings(ctx, g, func(s *storage.Settings) { s.Language = "ru" })
		if s, _ := db.Settings(ctx, storage.Scope(222)); s != (storage.Settings{}) {
			t.Errorf("another server's settings %+v", s)
		}
	})
	t.Run("RateRoundTrip", func(t *testing.T) {
		db := open(t, clock)
		r, err := db.Rate(ctx, g, 1, 42, 7)
		a, old := r.Aggregate, r.Previous
		if err != nil || old != 0 || a.Count != 1 || a.Sum != 7 || a.Hist[6] != 1 {
			t.Fatalf("first rate: %+v old %d err %v", a, old, err)
		}
		r, err = db.Rate(ctx, g, 1, 42, 9)
		a, old = r.Aggregate, r.Previous
		if err != nil || old != 7 || a.Count != 1 || a.Sum != 9 || a.Hist[6] != 0 || a.Hist[8] != 1 {
			t.Fatalf("re-rate: %+v old %d err %v", a, old, err)
		}
		if r, err := db.UserRating(ctx, g, 1, 42); err != nil || r.Score != 9 || !r.At.Equal(clock()) {
			t.Errorf("UserRating = %+v, %v", r, err)
		}
		if _, err := db.UserRating(ctx, storage.Scope(222), 1, 42); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("another server sees the rating: %v", err)
		}
		for _, bad := range []int{0, 11, -1} {
			if _, err := db.Rate(ctx, g, 1, 42, bad); !errors.Is(err, storage.ErrScore) {
				t.Errorf("score %d: %v", bad, err)
			}
		}
		if _, err := db.Rate(ctx, g, 999, 42, 5); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("unknown film: %v", err)
		}
		if _, err := db.Rate(ctx, storage.BuiltIn, 1, 42, 5); err == nil {
			t.Error("rated outside a server")
		}
		if a, _ := db.Aggregate(ctx, g, 1); a.Count != 1 || a.Sum != 9 {
			t.Errorf("bad input changed the aggregate: %+v", a)
		}
		a, old, err = db.Unrate(ctx, g, 1, 42)
		if err != nil || old != 9 || a.Count != 0 {
			t.Fatalf("unrate: %+v %d %v", a, old, err)
		}
		if rs, _ := db.UserRatings(ctx, g, 42); len(rs) != 0 {
			t.Errorf("user ratings after unrate: %+v", rs)
		}
		if top, _ := db.Top(ctx, g, 1); len(top) != 0 {
			t.Errorf("top after unrate: %+v", top)
		}
	})
	t.Run("MedianAndTop", func(t *testing.T) {
		db := open(t, clock)
		f2, _ := db.CreateFilm(ctx, g, storage.Film{Title: "B", Year: 2000})
		f3, _ := db.CreateFilm(ctx, g, storage.Film{Title: "C", Year: 2000})
		for u, s := range []int{10, 6, 8, 4} { // Anora: avg 7, median 7
			db.Rate(ctx, g, 1, uint64(u+1), s)
		}
		db.Rate(ctx, g, f2.ID, 1, 7) // avg 7 with fewer ratings: after Anora
		db.Rate(ctx, g, f3.ID, 1, 9) // best, one rating
		a, _ := db.Aggregate(ctx, g, 1)
		if a.Average() != 7 || a.Median() != 7 {
			t.Errorf("avg %v median %v", a.Average(), a.Median())
		}
		top, _ := db.Top(ctx, g, 1)
		if len(top) != 3 || top[0].Film != f3.ID || top[1].Film != 1 || top[2].Film != f2.ID {
			t.Errorf("top = %+v", top)
		}
		if top, _ := db.Top(ctx, g, 2); len(top) != 1 || top[0].Film != 1 {
			t.Errorf("top min 2 = %+v", top)
		}
	})
	t.Run("ConcurrentRatingsAgree", func(t *testing.T) {
		db := open(t, clock)
		f2, _ := db.CreateFilm(ctx, g, storage.Film{Title: "B", Year: 2000})
		films := []uint64{1, f2.ID}
		var wg sync.WaitGroup
		for w := 0; w < 32; w++ {
			wg.Add(1)
			go func(w int) {
				defer wg.Done()
				rng := rand.New(rand.NewSource(int64(w)))
				for k := 0; k < 50; k++ {
					user := uint64(rng.Intn(20)) // users overlap across goroutines: concurrent re-rates
					film := films[rng.Intn(2)]
					var err error
					if rng.Intn(10) == 0 {
						_, _, err = db.Unrate(ctx, g, film, user)
					} else {
						_, err = db.Rate(ctx, g, film, user, 1+rng.Intn(10))
					}
					if err != nil {
						t.Error(err)
					}
				}
			}(w)
		}
		wg.Wait()
		for _, f := range films {
			rs, _ := db.FilmRatings(ctx, g, f)
			var want storage.Aggregate
			users := map[uint64]bool{}
			for _, r := range rs {
				if users[r.User] {
					t.Errorf("user %d has two ratings of film %d", r.User, f)
				}
				users[r.User] = true
				want.Sum += r.Score
				want.Count++
				want.Hist[r.Score-1]++
				if ur, err := db.UserRating(ctx, g, f, r.User); err != nil || ur.Score != r.Score {
					t.Errorf("user index disagrees: %+v %v", ur, err)
				}
			}
			got, _ := db.Aggregate(ctx, g, f)
			if got.Sum != want.Sum || got.Count != want.Count || got.Hist != want.Hist {
				t.Errorf("film %d aggregate %+v, ratings say %+v", f, got, want)
			}
		}
	})
	runMore(t, open, openEmpty)
	runSourced(t, open, openEmpty)
	runRecommend(t, open)
	runReread(t, open)
}
