package storetest

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/filmbot/filmbot/storage"
)

// runMore holds the cases written for the contract itself.
func runMore(t *testing.T, open Open, openEmpty func(t *testing.T) storage.Store) {
	t.Run("CatalogVersion", func(t *testing.T) {
		db := open(t, clock)
		v := func(s storage.Scope) uint64 {
			t.Helper()
			n, err := db.CatalogVersion(ctx, s)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		a0, b0 := v(g), v(222)
		f, err := db.CreateFilm(ctx, g, storage.Film{Title: "Tangerine", Year: 2015})
		if err != nil {
			t.Fatal(err)
		}
		a1 := v(g)
		if a1 == a0 || v(222) != b0 {
			t.Errorf("after a film was added to 111: versions %d→%d, 222 %d→%d", a0, a1, b0, v(222))
		}
		db.Rate(ctx, g, f.ID, 1, 5)
		db.AddReview(ctx, g, storage.Review{FilmID: f.ID, Reviewer: "R", Excerpts: []storage.Excerpt{{Text: "x"}}})
		if v(g) != a1 {
			t.Error("a rating or a review changed the catalog version")
		}
		f.Title = "Tangerine!"
		db.UpdateFilm(ctx, g, f)
		a2 := v(g)
		if a2 == a1 {
			t.Error("an edit left the version")
		}
		db.DeleteFilm(ctx, g, f.ID)
		if v(g) == a2 {
			t.Error("a removal left the version")
		}
	})
	t.Run("SameReviewTwice", func(t *testing.T) {
		db := open(t, clock)
		r := storage.Review{FilmID: 1, Reviewer: "Roger", Excerpts: []storage.Excerpt{{Text: "One."}, {Text: "Two.", Spoiler: true}}}
		first, err := db.AddReview(ctx, g, r)
		if err != nil {
			t.Fatal(err)
		}
		again, err := db.AddReview(ctx, g, r)
		if !errors.Is(err, storage.ErrExists) || again.ID != first.ID {
			t.Errorf("the same review twice: %v, %+v", err, again)
		}
		if _, err := db.AddReview(ctx, 222, r); err != nil {
			t.Errorf("another server may post the same text: %v", err)
		}
		if revs, _ := db.Reviews(ctx, g, 1); len(revs) != 2 {
			t.Errorf("%d reviews of Anora in 111, want the built-in one and Roger's", len(revs))
		}
	})
	t.Run("ExcerptPage", func(t *testing.T) {
		// What a click under an excerpt shows, in one read: the review's
		// header, its film's, how many reviews the film has here, and the
		// excerpt picked from the count of paragraphs.
		db := open(t, clock)
		r, err := db.AddReview(ctx, g, storage.Review{FilmID: 1, Reviewer: "R", Excerpts: []storage.Excerpt{{Text: "one"}, {Text: "two", Spoiler: true}, {Text: "three"}}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.AddReview(ctx, 222, storage.Review{FilmID: 1, Reviewer: "Elsewhere", Excerpts: []storage.Excerpt{{Text: "x"}}}); err != nil {
			t.Fatal(err)
		}
		asked := 0
		p, err := db.ExcerptPage(ctx, g, r.ID, func(paragraphs int) int { asked = paragraphs; return 2 })
		film, _ := db.FilmHeader(ctx, g, 1)
		if err != nil || asked != 3 || p.N != 2 || p.Excerpt != (storage.Excerpt{Text: "two", Spoiler: true}) || p.Review.ID != r.ID || p.Review.Reviewer != "R" ||
			p.Review.Paragraphs != 3 || p.Review.Excerpts != nil || p.Reviews != 2 || !reflect.DeepEqual(p.Film, film) {
			t.Errorf("ExcerptPage = %+v (pick saw %d), %v", p, asked, err)
		}
		for _, n := range []int{0, 4} {
			p, err := db.ExcerptPage(ctx, g, r.ID, func(int) int { return n })
			if !errors.Is(err, storage.ErrNoExcerpt) || p.Review.Paragraphs != 3 {
				t.Errorf("excerpt %d: %v, header %+v", n, err, p.Review)
			}
		}
		if _, err := db.ExcerptPage(ctx, 222, r.ID, func(int) int { return 1 }); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("another server reads the excerpt: %v", err)
		}
		if _, err := db.ExcerptPage(ctx, g, 999, func(int) int { return 1 }); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("an unknown review: %v", err)
		}
		if p, err := db.ExcerptPage(ctx, 222, 1, func(int) int { return 11 }); err != nil || !p.Excerpt.Spoiler || p.Reviews != 2 || p.Film.ID != 1 {
			t.Errorf("the built-in review from another server: %+v %v", p, err)
		}
	})
	t.Run("HeadersAndOneExcerpt", func(t *testing.T) {
		db := open(t, clock)
		r, err := db.AddReview(ctx, g, storage.Review{FilmID: 1, Reviewer: "R", PullQuote: "q", Excerpts: []storage.Excerpt{{Text: "one"}, {Text: "two", Spoiler: true}, {Text: "three"}}})
		if err != nil || r.Paragraphs != 3 {
			t.Fatalf("add: %+v %v", r, err)
		}
		hs, err := db.ReviewHeaders(ctx, g, 1)
		if err != nil || len(hs) != 2 || hs[0].ID != r.ID || hs[0].Excerpts != nil || hs[0].Paragraphs != 3 || hs[1].Paragraphs != 12 || hs[0].PullQuote != "q" {
			t.Errorf("headers: %+v %v", hs, err)
		}
		h, e, err := db.Excerpt(ctx, g, r.ID, 2)
		if err != nil || e.Text != "two" || !e.Spoiler || h.Reviewer != "R" || h.Paragraphs != 3 || h.Excerpts != nil {
			t.Errorf("excerpt 2: %+v %+v %v", h, e, err)
		}
		for _, n := range []int{0, 4, -1} {
			if _, _, err := db.Excerpt(ctx, g, r.ID, n); !errors.Is(err, storage.ErrNoExcerpt) {
				t.Errorf("excerpt %d: %v", n, err)
			}
		}
		if _, _, err := db.Excerpt(ctx, 222, r.ID, 1); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("another server reads the excerpt: %v", err)
		}
		if _, e, err := db.Excerpt(ctx, 222, 1, 11); err != nil || !e.Spoiler {
			t.Errorf("the built-in review's spoiler from any server: %+v %v", e, err)
		}
		if _, err := db.ReviewHeaders(ctx, g, 999); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("headers of an unknown film: %v", err)
		}
		r.Excerpts = []storage.Excerpt{{Text: "only"}}
		db.UpdateReview(ctx, g, r)
		if h, e, err := db.Excerpt(ctx, g, r.ID, 1); err != nil || e.Text != "only" || h.Paragraphs != 1 {
			t.Errorf("after an edit: %+v %+v %v", h, e, err)
		}
		if _, _, err := db.Excerpt(ctx, g, r.ID, 2); !errors.Is(err, storage.ErrNoExcerpt) {
			t.Errorf("a paragraph the edit removed: %v", err)
		}
		if whole, err := db.Review(ctx, g, r.ID); err != nil || len(whole.Excerpts) != 1 || whole.Paragraphs != 1 {
			t.Errorf("whole after an edit: %+v %v", whole, err)
		}
	})
	t.Run("ReviewPage", func(t *testing.T) {
		db := open(t, clock)
		long, _ := db.AddReview(ctx, g, storage.Review{FilmID: 1, Reviewer: "Long", Excerpts: []storage.Excerpt{{Text: "one"}, {Text: "two", Spoiler: true}, {Text: "three"}}})
		db.AddReview(ctx, g, storage.Review{FilmID: 1, Reviewer: "Short", Excerpts: []storage.Excerpt{{Text: "only"}}})
		db.AddReview(ctx, 222, storage.Review{FilmID: 1, Reviewer: "Elsewhere", Excerpts: []storage.Excerpt{{Text: "not for 111"}}})
		bare, _ := db.CreateFilm(ctx, g, storage.Film{Title: "Tangerine", Year: 2015, Directors: []string{"Sean Baker"}, Cast: []storage.Role{{Actor: "Kitana Kiki Rodriguez"}}})
		// The same as the reads it replaces, for every n and every scope.
		for _, c := range []struct {
			scope storage.Scope
			film  uint64
			want  int // reviews
		}{{g, 1, 3}, {222, 1, 2}, {storage.BuiltIn, 1, 1}, {g, bare.ID, 0}} {
			for _, n := range []int{1, 2, 3, 11, 12, 13, 0, -1} {
				p, err := db.ReviewPage(ctx, c.scope, c.film, n)
				if err != nil || len(p.Reviews) != c.want || len(p.Excerpts) != c.want {
					t.Fatalf("scope %d film %d n %d: %d reviews, %d excerpts, %v", c.scope, c.film, n, len(p.Reviews), len(p.Excerpts), err)
				}
				f, _ := db.FilmHeader(ctx, c.scope, c.film)
				hs, _ := db.ReviewHeaders(ctx, c.scope, c.film)
				if !reflect.DeepEqual(p.Film, f) || p.Film.Cast != nil {
					t.Errorf("scope %d n %d: film %+v, FilmHeader %+v", c.scope, n, p.Film, f)
				}
				if !reflect.DeepEqual(p.Reviews, hs) && (len(hs) > 0 || len(p.Reviews) > 0) {
					t.Errorf("scope %d n %d: reviews %+v, ReviewHeaders %+v", c.scope, n, p.Reviews, hs)
				}
				for k, r := range p.Reviews {
					_, e, err := db.Excerpt(ctx, c.scope, r.ID, n)
					if err != nil {
						e = storage.Excerpt{} // n is not one of its excerpts
					}
					if p.Excerpts[k] != e {
						t.Errorf("scope %d n %d: review %d (%s) excerpt %+v, Excerpt %+v", c.scope, n, r.ID, r.Reviewer, p.Excerpts[k], e)
					}
				}
			}
		}
		if p, _ := db.ReviewPage(ctx, g, 1, 2); p.Reviews[0].ID != long.ID && p.Reviews[1].ID != long.ID {
			t.Errorf("Long's review is not among %+v", p.Reviews)
		}
		for _, c := range []struct {
			scope storage.Scope
			film  uint64
		}{{g, 999}, {222, bare.ID}, {storage.BuiltIn, bare.ID}} {
			if _, err := db.ReviewPage(ctx, c.scope, c.film, 1); !errors.Is(err, storage.ErrNotFound) {
				t.Errorf("film %d in scope %d: %v, want ErrNotFound", c.film, c.scope, err)
			}
		}
	})
	t.Run("FilmPage", func(t *testing.T) {
		db := open(t, clock)
		db.AddReview(ctx, g, storage.Review{FilmID: 1, Reviewer: "R", Excerpts: []storage.Excerpt{{Text: "one"}}})
		db.AddReview(ctx, 222, storage.Review{FilmID: 1, Reviewer: "S", Excerpts: []storage.Excerpt{{Text: "two"}}})
		db.AddReview(ctx, 222, storage.Review{FilmID: 1, Reviewer: "T", Excerpts: []storage.Excerpt{{Text: "three"}}})
		for u, sc := range []int{9, 7, 7} {
			db.Rate(ctx, g, 1, uint64(u+1), sc)
		}
		db.Rate(ctx, 222, 1, 1, 2)
		bare, _ := db.CreateFilm(ctx, g, storage.Film{Title: "Tangerine", Year: 2015, Directors: []string{"Sean Baker"}, Cast: []storage.Role{{Actor: "Kitana Kiki Rodriguez", Role: "Sin-Dee"}}})
		// The same as the reads it replaces, in every scope.
		for _, c := range []struct {
			scope            storage.Scope
			film             uint64
			reviews, ratings int
		}{{g, 1, 2, 3}, {222, 1, 3, 1}, {storage.BuiltIn, 1, 1, 0}, {g, bare.ID, 0, 0}} {
			p, err := db.FilmPage(ctx, c.scope, c.film)
			if err != nil || p.Reviews != c.reviews || p.Ratings.Count != c.ratings {
				t.Fatalf("scope %d film %d: %d reviews, %d ratings, %v; want %d, %d", c.scope, c.film, p.Reviews, p.Ratings.Count, err, c.reviews, c.ratings)
			}
			f, _ := db.Film(ctx, c.scope, c.film)
			hs, _ := db.ReviewHeaders(ctx, c.scope, c.film)
			a, _ := db.Aggregate(ctx, c.scope, c.film)
			if !reflect.DeepEqual(p.Film, f) || len(f.Directors) == 0 || p.Reviews != len(hs) || p.Ratings != a {
				t.Errorf("scope %d film %d: %+v; want %+v, %d reviews, %+v", c.scope, c.film, p, f, len(hs), a)
			}
		}
		for _, c := range []struct {
			scope storage.Scope
			film  uint64
		}{{g, 999}, {222, bare.ID}, {storage.BuiltIn, bare.ID}} {
			if _, err := db.FilmPage(ctx, c.scope, c.film); !errors.Is(err, storage.ErrNotFound) {
				t.Errorf("film %d in scope %d: %v, want ErrNotFound", c.film, c.scope, err)
			}
		}
	})
	t.Run("UnicodeTitlesAndOrder", func(t *testing.T) {
		db := open(t, clock)
		for _, f := range []storage.Film{{Title: "千と千尋の神隠し", Year: 2001}, {Title: "Amélie", Year: 2001}, {Title: "Poltergeist", Year: 2015}, {Title: "Poltergeist", Year: 1982}, {Title: "Zoë", Year: 1999}} {
			got, err := db.CreateFilm(ctx, g, f)
			if err != nil || got.Title != f.Title {
				t.Fatalf("create %q: %+v %v", f.Title, got, err)
			}
			back, err := db.Film(ctx, g, got.ID)
			if err != nil || back.Title != f.Title || back.Year != f.Year || back.Scope != g {
				t.Errorf("round trip of %q: %+v %v", f.Title, back, err)
			}
		}
		films, _ := db.Films(ctx, g)
		var got []string
		for _, f := range films {
			got = append(got, f.Title)
		}
		want := []string{"Amélie", "Anora", "Poltergeist", "Poltergeist", "Zoë", "千と千尋の神隠し"}
		if !slices.Equal(got, want) || films[2].Year != 1982 {
			t.Errorf("order: %v (years %d, %d), want %v: by title (bytes), then year", got, films[2].Year, films[3].Year, want)
		}
	})
	t.Run("TimesAndNewestFirst", func(t *testing.T) {
		now := clock()
		db := open(t, func() time.Time { return now })
		f, _ := db.CreateFilm(ctx, g, storage.Film{Title: "B", Year: 2000})
		db.Rate(ctx, g, 1, 7, 8)
		now = now.Add(time.Second)
		db.Rate(ctx, g, f.ID, 7, 6)
		r1, _ := db.AddReview(ctx, g, storage.Review{FilmID: 1, Reviewer: "Early", Excerpts: []storage.Excerpt{{Text: "a"}}})
		now = now.Add(time.Second)
		r2, _ := db.AddReview(ctx, g, storage.Review{FilmID: 1, Reviewer: "Late", Excerpts: []storage.Excerpt{{Text: "b"}}})
		rs, err := db.UserRatings(ctx, g, 7)
		if err != nil || len(rs) != 2 || rs[0].Film != f.ID || !rs[0].At.Equal(clock().Add(time.Second)) || rs[0].Scope != g {
			t.Errorf("newest rating first, times kept: %+v %v", rs, err)
		}
		revs, _ := db.Reviews(ctx, g, 1)
		if len(revs) != 3 || revs[0].ID != r2.ID || revs[1].ID != r1.ID || !revs[0].PostedAt.Equal(now) {
			t.Errorf("reviews newest first: %+v", revs)
		}
		fr, _ := db.FilmRatings(ctx, g, 1)
		if len(fr) != 1 || fr[0].User != 7 || fr[0].Score != 8 {
			t.Errorf("film ratings: %+v", fr)
		}
	})
	t.Run("ImportRatings", func(t *testing.T) {
		db := open(t, clock)
		g := storage.Scope(111)
		f2, _ := db.CreateFilm(ctx, g, storage.Film{Title: "B", Year: 2000})
		f3, _ := db.CreateFilm(ctx, g, storage.Film{Title: "C", Year: 2000})
		if _, err := db.Rate(ctx, g, 1, 42, 7); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Rate(ctx, g, f2.ID, 42, 4); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Rate(ctx, g, 1, 7, 3); err != nil { // another member
			t.Fatal(err)
		}
		watched := time.Date(2021, 3, 1, 0, 0, 0, 0, time.UTC)
		in := []storage.Rating{{Film: 1, Score: 7}, {Film: f2.ID, Score: 9}, {Film: f3.ID, Score: 10, At: watched}, {Film: f3.ID, Score: 1}}
		// One film not visible: nothing at all is written.
		if _, err := db.ImportRatings(ctx, g, 42, append(in, storage.Rating{Film: 999, Score: 5})); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("an unknown film: %v", err)
		}
		if _, err := db.UserRating(ctx, g, f3.ID, 42); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("a failed import wrote a rating: %v", err)
		}
		n, err := db.ImportRatings(ctx, g, 42, in)
		if err != nil || n != (storage.Imported{Added: 1, Updated: 1, Unchanged: 1}) {
			t.Fatalf("import: %+v %v", n, err)
		}
		if r, _ := db.UserRating(ctx, g, f3.ID, 42); r.Score != 10 || !r.At.Equal(watched) {
			t.Errorf("imported rating %+v, want 10 at %v", r, watched)
		}
		if r, _ := db.UserRating(ctx, g, 1, 7); r.Score != 3 {
			t.Errorf("another member's rating changed: %+v", r)
		}
		if n, err := db.ImportRatings(ctx, g, 42, in); err != nil || n != (storage.Imported{Unchanged: 3}) {
			t.Errorf("the same import again: %+v %v", n, err)
		}
		for _, f := range []uint64{1, f2.ID, f3.ID} {
			rs, _ := db.FilmRatings(ctx, g, f)
			var want storage.Aggregate
			for _, r := range rs {
				want.Count++
				want.Sum += r.Score
				want.Hist[r.Score-1]++
			}
			if a, _ := db.Aggregate(ctx, g, f); a.Count != want.Count || a.Sum != want.Sum || a.Hist != want.Hist {
				t.Errorf("film %d: aggregate %+v, ratings say %+v", f, a, want)
			}
		}
		if _, err := db.ImportRatings(ctx, g, 42, []storage.Rating{{Film: 1, Score: 11}}); !errors.Is(err, storage.ErrScore) {
			t.Errorf("score 11: %v", err)
		}
	})
	t.Run("DoneContextIsRefused", func(t *testing.T) {
		// A context already done is refused before the transaction: every
		// method fails, and nothing is written.
		db := open(t, clock)
		g := storage.Scope(111)
		f, err := db.CreateFilm(ctx, g, storage.Film{Title: "Tangerine", Year: 2015})
		if err != nil {
			t.Fatal(err)
		}
		r, err := db.AddReview(ctx, g, storage.Review{FilmID: f.ID, Reviewer: "R", Excerpts: []storage.Excerpt{{Text: "one"}}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Rate(ctx, g, f.ID, 42, 6); err != nil {
			t.Fatal(err)
		}
		db.WatchlistAdd(ctx, g, 42, 1)
		version, _ := db.CatalogVersion(ctx, g)
		done, cancel := context.WithCancel(ctx)
		cancel()
		now := clock()
		night := storage.Night{Scope: g, Host: 7, Channel: "c", Candidates: []uint64{1}, NextAt: now.Add(time.Hour)}
		calls := map[string]func() error{
			"Films":       func() error { _, err := db.Films(done, g); return err },
			"Film":        func() error { _, err := db.Film(done, g, f.ID); return err },
			"FilmHeader":  func() error { _, err := db.FilmHeader(done, g, f.ID); return err },
			"FilmHeaders": func() error { _, err := db.FilmHeaders(done, g, []uint64{f.ID}); return err },
			"CreateFilm":  func() error { _, err := db.CreateFilm(done, g, storage.Film{Title: "New", Year: 2020}); return err },
			"AddFilms":    func() error { _, err := db.AddFilms(done, g, []storage.Film{{Title: "New", Year: 2020}}); return err },
			"UpdateFilm": func() error {
				_, err := db.UpdateFilm(done, g, storage.Film{ID: f.ID, Title: "Changed", Year: 2015})
				return err
			},
			"FilmUsage":      func() error { _, _, err := db.FilmUsage(done, g, f.ID); return err },
			"DeleteFilm":     func() error { return db.DeleteFilm(done, g, f.ID) },
			"FilmPage":       func() error { _, err := db.FilmPage(done, g, f.ID); return err },
			"CatalogVersion": func() error { _, err := db.CatalogVersion(done, g); return err },
			"Reviews":        func() error { _, err := db.Reviews(done, g, f.ID); return err },
			"Review":         func() error { _, err := db.Review(done, g, r.ID); return err },
			"ReviewHeaders":  func() error { _, err := db.ReviewHeaders(done, g, f.ID); return err },
			"Excerpt":        func() error { _, _, err := db.Excerpt(done, g, r.ID, 1); return err },
			"ExcerptPage": func() error {
				_, err := db.ExcerptPage(done, g, r.ID, func(int) int { return 1 })
				return err
			},
			"ReviewPage": func() error { _, err := db.ReviewPage(done, g, f.ID, 1); return err },
			"AddReview": func() error {
				_, err := db.AddReview(done, g, storage.Review{FilmID: f.ID, Reviewer: "S", Excerpts: []storage.Excerpt{{Text: "two"}}})
				return err
			},
			"UpdateReview": func() error {
				_, err := db.UpdateReview(done, g, storage.Review{ID: r.ID, FilmID: f.ID, Reviewer: "T", Excerpts: []storage.Excerpt{{Text: "three"}}})
				return err
			},
			"DeleteReview": func() error { _, err := db.DeleteReview(done, g, r.ID); return err },
			"Rate":         func() error { _, err := db.Rate(done, g, 1, 42, 9); return err },
			"Unrate":       func() error { _, _, err := db.Unrate(done, g, f.ID, 42); return err },
			"UserRating":   func() error { _, err := db.UserRating(done, g, f.ID, 42); return err },
			"Aggregate":    func() error { _, err := db.Aggregate(done, g, f.ID); return err },
			"FilmRatings":  func() error { _, err := db.FilmRatings(done, g, f.ID); return err },
			"UserRatings":  func() error { _, err := db.UserRatings(done, g, 42); return err },
			"Top":          func() error { _, err := db.Top(done, g, 1); return err },
			"ImportRatings": func() error {
				_, err := db.ImportRatings(done, g, 42, []storage.Rating{{Film: 1, Score: 3}})
				return err
			},
			"WatchlistAdd":       func() error { _, err := db.WatchlistAdd(done, g, 42, f.ID); return err },
			"WatchlistRemove":    func() error { _, err := db.WatchlistRemove(done, g, 42, 1); return err },
			"OnWatchlist":        func() error { _, err := db.OnWatchlist(done, g, 42, 1); return err },
			"Watchlist":          func() error { _, err := db.Watchlist(done, g, 42); return err },
			"MostWanted":         func() error { _, err := db.MostWanted(done, g); return err },
			"NotInterested":      func() error { _, err := db.NotInterested(done, g, 42, f.ID); return err },
			"NotInterestedFilms": func() error { _, err := db.NotInterestedFilms(done, g, 42); return err },
			"RatingsSince":       func() error { _, err := db.RatingsSince(done, g, 0); return err },
			"CreateNight":        func() error { _, err := db.CreateNight(done, night); return err },
			"Nights":             func() error { _, err := db.Nights(done, g); return err },
			"ClaimDueNights":     func() error { _, err := db.ClaimDueNights(done, now.Add(2*time.Hour), "me", time.Minute); return err },
			"RenewNight":         func() error { return db.RenewNight(done, storage.Night{ID: 1, Scope: g}, "me", time.Minute) },
			"SaveNight":          func() error { _, err := db.SaveNight(done, storage.Night{ID: 1, Scope: g}, "me", true); return err },
			"PutPending":         func() error { _, err := db.PutPending(done, g, 42, []byte("x"), time.Hour); return err },
			"Pending":            func() error { _, err := db.Pending(done, g, 42, 1); return err },
			"TakePending":        func() error { _, err := db.TakePending(done, g, 42, 1); return err },
			"SweepPending":       func() error { _, err := db.SweepPending(done); return err },
			"Settings":           func() error { _, err := db.Settings(done, g); return err },
			"SaveSourced": func() error {
				_, err := db.SaveSourced(done, storage.Film{Title: "Tangerine", Year: 2015, TMDB: 250574})
				return err
			},
			"FilmByTMDB":    func() error { _, err := db.FilmByTMDB(done, 1064213); return err },
			"SourcedBefore": func() error { _, err := db.SourcedBefore(done, now, 10); return err },
			"ClaimFetch":    func() error { _, err := db.ClaimFetch(done, 1064213, time.Minute); return err },
			"UpdateSettings": func() error {
				_, err := db.UpdateSettings(done, g, func(s *storage.Settings) { s.ModRole = "9" })
				return err
			},
		}
		if want := reflect.TypeFor[storage.Store]().NumMethod() - 1; len(calls) != want { // Close aside
			t.Errorf("%d methods called, Store has %d: call the new ones here", len(calls), want)
		}
		for name, call := range calls {
			if err := call(); !errors.Is(err, context.Canceled) && !errors.Is(err, storage.ErrUnavailable) {
				t.Errorf("%s with a canceled context: %v", name, err)
			}
		}
		// Nothing was written.
		if films, _ := db.Films(ctx, g); len(films) != 2 {
			t.Errorf("%d films visible, want Anora and Tangerine", len(films))
		}
		if got, _ := db.Film(ctx, g, f.ID); got.Title != "Tangerine" {
			t.Errorf("the film is now %+v", got)
		}
		if revs, _ := db.Reviews(ctx, g, f.ID); len(revs) != 1 || revs[0].Reviewer != "R" {
			t.Errorf("reviews %+v", revs)
		}
		if rs, _ := db.UserRatings(ctx, g, 42); len(rs) != 1 || rs[0].Score != 6 {
			t.Errorf("ratings %+v", rs)
		}
		if on, _ := db.OnWatchlist(ctx, g, 42, 1); !on {
			t.Error("the watchlist lost a film")
		}
		if on, _ := db.OnWatchlist(ctx, g, 42, f.ID); on {
			t.Error("the watchlist gained a film")
		}
		if ns, _ := db.Nights(ctx, g); len(ns) != 0 {
			t.Errorf("nights %+v", ns)
		}
		if s, _ := db.Settings(ctx, g); s != (storage.Settings{}) {
			t.Errorf("settings %+v", s)
		}
		if v, _ := db.CatalogVersion(ctx, g); v != version {
			t.Errorf("catalog version %d, was %d", v, version)
		}
		if _, err := db.PutPending(ctx, g, 42, []byte("y"), time.Hour); err != nil {
			t.Errorf("the store is not usable after: %v", err)
		}
	})
	t.Run("FilmHeaders", func(t *testing.T) {
		db := open(t, clock)
		g := storage.Scope(111)
		own, err := db.CreateFilm(ctx, g, storage.Film{Title: "Tangerine", Year: 2015, Directors: []string{"Sean Baker"}, Cast: []storage.Role{{Actor: "Mya Taylor"}}})
		if err != nil {
			t.Fatal(err)
		}
		theirs, _ := db.CreateFilm(ctx, storage.Scope(222), storage.Film{Title: "Theirs", Year: 2001})
		got, err := db.FilmHeaders(ctx, g, []uint64{own.ID, 1, 999, theirs.ID, 1})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 {
			t.Fatalf("FilmHeaders = %+v; want the server's film and film 1 only", got)
		}
		for _, id := range []uint64{own.ID, 1} {
			one, err := db.FilmHeader(ctx, g, id)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got[id], one) {
				t.Errorf("film %d: FilmHeaders has %+v, FilmHeader %+v", id, got[id], one)
			}
		}
		if len(got[own.ID].Cast) != 0 || got[own.ID].Title != "Tangerine" {
			t.Errorf("a header with its credits, or without its title: %+v", got[own.ID])
		}
		if got, err := db.FilmHeaders(ctx, g, nil); err != nil || len(got) != 0 {
			t.Errorf("no ids: %v, %v", got, err)
		}
		if got, _ := db.FilmHeaders(ctx, storage.BuiltIn, []uint64{own.ID, 1}); len(got) != 1 || got[1].ID != 1 {
			t.Errorf("the built-in scope sees %+v", got)
		}
	})
	t.Run("RateLeavesTheWatchlist", func(t *testing.T) {
		// Rated is watched: Rate takes the film off the rater's watchlist
		// in its own transaction, and says so; no one else's list moves.
		db := open(t, clock)
		g, other := storage.Scope(111), storage.Scope(222)
		f2, _ := db.CreateFilm(ctx, g, storage.Film{Title: "B", Year: 2000})
		for _, w := range []struct {
			scope      storage.Scope
			user, film uint64
		}{{g, 42, 1}, {g, 42, f2.ID}, {g, 43, 1}, {other, 42, 1}} {
			if _, err := db.WatchlistAdd(ctx, w.scope, w.user, w.film); err != nil {
				t.Fatal(err)
			}
		}
		on := func(scope storage.Scope, user, film uint64) bool {
			t.Helper()
			on, err := db.OnWatchlist(ctx, scope, user, film)
			if err != nil {
				t.Fatal(err)
			}
			return on
		}
		// Refused ratings leave the watchlist as it is.
		for _, bad := range []int{0, 11} {
			if _, err := db.Rate(ctx, g, 1, 42, bad); !errors.Is(err, storage.ErrScore) {
				t.Errorf("score %d: %v", bad, err)
			}
		}
		if _, err := db.Rate(ctx, g, 999, 42, 5); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("unknown film: %v", err)
		}
		if _, err := db.Rate(ctx, other, f2.ID, 42, 5); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("another server's film: %v", err)
		}
		if !on(g, 42, 1) || !on(g, 42, f2.ID) {
			t.Fatal("a refused rating took a film off the watchlist")
		}
		r, err := db.Rate(ctx, g, 1, 42, 8)
		if err != nil || !r.Unwatched || r.Previous != 0 || r.Aggregate.Count != 1 {
			t.Fatalf("Rate = %+v, %v; want it off the watchlist", r, err)
		}
		if on(g, 42, 1) {
			t.Error("the rated film is still on the rater's watchlist")
		}
		if !on(g, 42, f2.ID) || !on(g, 43, 1) || !on(other, 42, 1) {
			t.Error("Rate took a film off another list (another film, member or server)")
		}
		if r, err := db.Rate(ctx, g, 1, 42, 9); err != nil || r.Unwatched || r.Previous != 8 {
			t.Errorf("re-rating a film not on the watchlist: %+v, %v", r, err)
		}
		// A rated film is watched: it cannot go back on the list (judged in
		// WatchlistAdd's transaction) until the rating is removed.
		if added, err := db.WatchlistAdd(ctx, g, 42, 1); !errors.Is(err, storage.ErrRated) || added || on(g, 42, 1) {
			t.Errorf("a rated film put on the watchlist: added %v, %v", added, err)
		}
		if added, err := db.WatchlistAdd(ctx, g, 43, f2.ID); err != nil || !added {
			t.Errorf("another member, who has not rated it: added %v, %v", added, err)
		}
		if _, _, err := db.Unrate(ctx, g, 1, 42); err != nil {
			t.Fatal(err)
		}
		if added, err := db.WatchlistAdd(ctx, g, 42, 1); err != nil || !added {
			t.Errorf("after Unrate: added %v, %v", added, err)
		}
	})
	t.Run("ImportRatingsLeavesTheWatchlist", func(t *testing.T) {
		db := open(t, clock)
		g := storage.Scope(111)
		f2, _ := db.CreateFilm(ctx, g, storage.Film{Title: "B", Year: 2000})
		f3, _ := db.CreateFilm(ctx, g, storage.Film{Title: "C", Year: 2000})
		for _, f := range []uint64{1, f2.ID, f3.ID} {
			db.WatchlistAdd(ctx, g, 42, f)
			db.WatchlistAdd(ctx, g, 43, f)
		}
		list := func(user uint64) []uint64 {
			t.Helper()
			ws, err := db.Watchlist(ctx, g, user)
			if err != nil {
				t.Fatal(err)
			}
			var ids []uint64
			for _, w := range ws {
				ids = append(ids, w.Film)
			}
			slices.Sort(ids)
			return ids
		}
		whole := []uint64{1, f2.ID, f3.ID}
		if _, err := db.ImportRatings(ctx, g, 42, []storage.Rating{{Film: f2.ID, Score: 5}, {Film: 999, Score: 5}}); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("an unknown film: %v", err)
		}
		if _, err := db.ImportRatings(ctx, g, 42, []storage.Rating{{Film: f2.ID, Score: 5}, {Film: 1, Score: 11}}); !errors.Is(err, storage.ErrScore) {
			t.Fatalf("score 11: %v", err)
		}
		if got := list(42); !slices.Equal(got, whole) {
			t.Fatalf("a refused import changed the watchlist: %v", got)
		}
		// Film 1 and f2 (twice) rated: both leave the list.
		n, err := db.ImportRatings(ctx, g, 42, []storage.Rating{{Film: 1, Score: 7}, {Film: f2.ID, Score: 6}, {Film: f2.ID, Score: 2}})
		if err != nil || n != (storage.Imported{Added: 2, Unwatched: 2}) {
			t.Fatalf("import: %+v, %v", n, err)
		}
		if got := list(42); !slices.Equal(got, []uint64{f3.ID}) {
			t.Errorf("watchlist after the import: %v, want only %d", got, f3.ID)
		}
		if got := list(43); !slices.Equal(got, whole) {
			t.Errorf("another member's watchlist: %v", got)
		}
		if n, err := db.ImportRatings(ctx, g, 42, []storage.Rating{{Film: 1, Score: 7}}); err != nil || n != (storage.Imported{Unchanged: 1}) {
			t.Errorf("an import of films not on the watchlist: %+v, %v", n, err)
		}
	})
	t.Run("Watchlists", func(t *testing.T) {
		now := clock()
		db := open(t, func() time.Time { return now })
		g := storage.Scope(111)
		f2, _ := db.CreateFilm(ctx, g, storage.Film{Title: "B", Year: 2000})
		f3, _ := db.CreateFilm(ctx, g, storage.Film{Title: "C", Year: 2000})
		add := func(user, film uint64, want bool) {
			t.Helper()
			if added, err := db.WatchlistAdd(ctx, g, user, film); err != nil || added != want {
				t.Fatalf("add %d to %d's list: %v %v, want %v", film, user, added, err, want)
			}
			now = now.Add(time.Minute)
		}
		add(42, 1, true)
		add(42, f2.ID, true)
		add(42, 1, false) // already there
		add(7, f2.ID, true)
		add(8, f2.ID, true)
		add(7, f3.ID, true)
		if _, err := db.WatchlistAdd(ctx, g, 42, 999); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("an unknown film: %v", err)
		}
		if _, err := db.WatchlistAdd(ctx, storage.Scope(222), 42, f2.ID); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("another server's film: %v", err)
		}
		ws, err := db.Watchlist(ctx, g, 42)
		if err != nil || len(ws) != 2 || ws[0].Film != f2.ID || ws[1].Film != 1 || !ws[1].At.Equal(clock()) {
			t.Errorf("42's list: %+v %v", ws, err)
		}
		mw, _ := db.MostWanted(ctx, g)
		if len(mw) != 3 || mw[0] != (storage.Wanted{Film: f2.ID, Count: 3}) || mw[1] != (storage.Wanted{Film: 1, Count: 1}) || mw[2].Film != f3.ID {
			t.Errorf("most wanted: %+v", mw)
		}
		if on, _ := db.OnWatchlist(ctx, g, 42, 1); !on {
			t.Error("OnWatchlist: false for a listed film")
		}
		if removed, _ := db.WatchlistRemove(ctx, g, 42, 1); !removed {
			t.Error("remove: not removed")
		}
		if removed, _ := db.WatchlistRemove(ctx, g, 42, 1); removed {
			t.Error("removed twice")
		}
		if on, _ := db.OnWatchlist(ctx, g, 42, 1); on {
			t.Error("OnWatchlist after removal")
		}
		if err := db.DeleteFilm(ctx, g, f2.ID); err != nil {
			t.Fatal(err)
		}
		if mw, _ := db.MostWanted(ctx, g); len(mw) != 1 || mw[0].Film != f3.ID {
			t.Errorf("a removed film stays wanted: %+v", mw)
		}
		if ws, _ := db.Watchlist(ctx, storage.Scope(222), 42); len(ws) != 0 {
			t.Errorf("another server's list: %+v", ws)
		}
	})
	t.Run("Nights", func(t *testing.T) {
		now := clock() // the store's clock
		db := open(t, func() time.Time { return now })
		g := storage.Scope(111)
		n, err := db.CreateNight(ctx, storage.Night{Scope: g, Host: 7, Channel: "c", Candidates: []uint64{1}, Step: storage.StepClose, NextAt: now.Add(time.Hour),
			Closes: now.Add(time.Hour), Starts: now.Add(3 * time.Hour)})
		if err != nil || n.ID == 0 || !n.CreatedAt.Equal(now) {
			t.Fatalf("create: %+v %v", n, err)
		}
		if o, err := db.CreateNight(ctx, storage.Night{Scope: g, Step: storage.StepClose}); !errors.Is(err, storage.ErrExists) || o.ID != n.ID {
			t.Errorf("a second open night: %+v %v", o, err)
		}
		if _, err := db.CreateNight(ctx, storage.Night{Scope: 222, Step: storage.StepClose, NextAt: now.Add(time.Hour)}); err != nil {
			t.Errorf("another server's night: %v", err)
		}
		if due, _ := db.ClaimDueNights(ctx, now, "a", time.Minute); len(due) != 0 {
			t.Errorf("claimed before it was due: %+v", due)
		}
		now = now.Add(time.Hour)
		at := now
		due, err := db.ClaimDueNights(ctx, at, "a", time.Minute)
		if err != nil || len(due) != 2 {
			t.Fatalf("due: %+v %v", due, err)
		}
		for _, d := range due {
			if d.ID == n.ID {
				if d.Version != n.Version+1 {
					t.Errorf("a claim did not move the version on: %d → %d", n.Version, d.Version)
				}
				n = d
			}
		}
		if other, _ := db.ClaimDueNights(ctx, at, "b", time.Minute); len(other) != 0 {
			t.Errorf("claimed by two owners: %+v", other)
		}
		// b's clock is 2 min 10 s ahead: the lease is the store's to judge.
		if other, _ := db.ClaimDueNights(ctx, at.Add(2*time.Minute+10*time.Second), "b", time.Minute); len(other) != 0 {
			t.Errorf("an owner whose clock is ahead took a live lease: %+v", other)
		}
		// A step slower than the lease keeps it by renewing it.
		now = now.Add(50 * time.Second)
		if err := db.RenewNight(ctx, n, "a", time.Minute); err != nil {
			t.Fatalf("renew: %v", err)
		}
		if err := db.RenewNight(ctx, n, "b", time.Minute); !errors.Is(err, storage.ErrLeased) {
			t.Errorf("renewed by an owner without the lease: %v", err)
		}
		now = now.Add(50 * time.Second) // 100 s after the claim, 50 s after the renewal
		if other, _ := db.ClaimDueNights(ctx, now, "b", time.Minute); len(other) != 1 || other[0].ID == n.ID {
			t.Errorf("a renewed lease was taken (or the other, not renewed, was not): %+v", other)
		}
		n.Winner, n.Step, n.NextAt = 1, storage.StepEnd, at.Add(2*time.Hour)
		n.Tries, n.Skipped = map[string]int{"announce": 2}, []string{"event"}
		if _, err := db.SaveNight(ctx, n, "b", true); !errors.Is(err, storage.ErrLeased) {
			t.Errorf("saved by another owner during the lease: %v", err)
		}
		saved, err := db.SaveNight(ctx, n, "a", true)
		if err != nil || saved.Version != n.Version+1 {
			t.Fatalf("save: %+v %v", saved, err)
		}
		if _, err := db.SaveNight(ctx, n, "a", true); !errors.Is(err, storage.ErrChanged) {
			t.Errorf("a stale copy saved over the new one: %v", err)
		}
		if err := db.RenewNight(ctx, n, "a", time.Minute); !errors.Is(err, storage.ErrLeased) {
			t.Errorf("a released lease renewed: %v", err)
		}
		n = saved
		if again, _ := db.ClaimDueNights(ctx, now, "c", time.Minute); len(again) != 0 {
			t.Errorf("after the save (next step later): %+v", again)
		}
		ns, _ := db.Nights(ctx, g)
		if len(ns) != 1 || ns[0].Winner != 1 || ns[0].Step != storage.StepEnd || ns[0].Tries["announce"] != 2 || len(ns[0].Skipped) != 1 || ns[0].Version != n.Version {
			t.Errorf("nights: %+v", ns)
		}

		// A lease not renewed ends by the store's clock; the owner that
		// lost it is fenced off: it can neither renew nor save.
		now = at.Add(2 * time.Hour)
		mine, _ := db.ClaimDueNights(ctx, now, "a", time.Minute)
		mine = slices.DeleteFunc(mine, func(o storage.Night) bool { return o.ID != n.ID })
		if len(mine) != 1 {
			t.Fatalf("claim of the end step: %+v", mine)
		}
		now = now.Add(61 * time.Second)
		theirs, _ := db.ClaimDueNights(ctx, now, "b", time.Minute)
		theirs = slices.DeleteFunc(theirs, func(o storage.Night) bool { return o.ID != n.ID })
		if len(theirs) != 1 {
			t.Fatalf("an expired lease was not taken over: %+v", theirs)
		}
		if err := db.RenewNight(ctx, mine[0], "a", time.Minute); !errors.Is(err, storage.ErrLeased) {
			t.Errorf("the owner that lost the lease renewed it: %v", err)
		}
		if _, err := db.SaveNight(ctx, mine[0], "a", true); !errors.Is(err, storage.ErrLeased) {
			t.Errorf("the owner that lost the lease saved: %v", err)
		}
		// A host's cancel read the night before b's step saved it: its
		// stale copy is refused, not written back.
		stale := theirs[0]
		stale.Step = storage.StepCanceled
		theirs[0].Prompt = "m1"
		if _, err := db.SaveNight(ctx, stale, "", true); !errors.Is(err, storage.ErrLeased) {
			t.Errorf("a cancel during a live step: %v", err)
		}
		if n, err = db.SaveNight(ctx, theirs[0], "b", true); err != nil {
			t.Fatal(err)
		}
		if _, err := db.SaveNight(ctx, stale, "", true); !errors.Is(err, storage.ErrChanged) {
			t.Errorf("a cancel's stale copy after the step: %v", err)
		}
		n.Step = storage.StepCanceled
		if _, err := db.SaveNight(ctx, n, "", true); err != nil {
			t.Fatal(err)
		}
		if ns, _ := db.Nights(ctx, g); ns[0].Prompt != "m1" || ns[0].Open() {
			t.Errorf("what the step posted is lost: %+v", ns[0])
		}
		if _, err := db.CreateNight(ctx, storage.Night{Scope: g, Step: storage.StepClose, NextAt: at}); err != nil {
			t.Errorf("a new night after the last was canceled: %v", err)
		}
		if _, err := db.SaveNight(ctx, storage.Night{ID: 999, Scope: g}, "a", true); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("an unknown night: %v", err)
		}
	})
	t.Run("Pending", func(t *testing.T) {
		// Expiry is the store's clock (a database's own, for PostgreSQL),
		// so steps are made expired with a ttl already past, not by
		// moving the test's clock.
		db := open(t, clock)
		g := storage.Scope(111)
		id, err := db.PutPending(ctx, g, 42, []byte("preview"), time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.TakePending(ctx, g, 7, id); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("another member took it: %v", err)
		}
		if _, err := db.Pending(ctx, g, 7, id); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("another member read it: %v", err)
		}
		if _, err := db.TakePending(ctx, storage.Scope(222), 42, id); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("taken from another server: %v", err)
		}
		for range 2 { // read, and still there
			if data, err := db.Pending(ctx, g, 42, id); err != nil || string(data) != "preview" {
				t.Errorf("read: %q %v", data, err)
			}
		}
		if data, err := db.TakePending(ctx, g, 42, id); err != nil || string(data) != "preview" {
			t.Errorf("take: %q %v", data, err)
		}
		if _, err := db.TakePending(ctx, g, 42, id); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("taken twice: %v", err)
		}
		if _, err := db.Pending(ctx, g, 42, id); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("read once taken: %v", err)
		}
		id, _ = db.PutPending(ctx, g, 42, []byte("late"), -time.Second)
		if _, err := db.Pending(ctx, g, 42, id); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("read, expired: %v", err)
		}
		if _, err := db.TakePending(ctx, g, 42, id); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("an expired step: %v", err)
		}
	})
	t.Run("PendingOnePerMember", func(t *testing.T) {
		db := open(t, clock)
		first, _ := db.PutPending(ctx, g, 42, []byte("first"), time.Minute)
		other, _ := db.PutPending(ctx, storage.Scope(222), 42, []byte("elsewhere"), time.Minute)
		second, err := db.PutPending(ctx, g, 42, []byte("second"), time.Minute)
		if err != nil || second == first {
			t.Fatalf("second preview: id %d (first %d), %v", second, first, err)
		}
		if _, err := db.Pending(ctx, g, 42, first); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("the first preview outlived the second: %v", err)
		}
		if data, err := db.Pending(ctx, g, 42, second); err != nil || string(data) != "second" {
			t.Errorf("the second: %q %v", data, err)
		}
		if data, err := db.Pending(ctx, storage.Scope(222), 42, other); err != nil || string(data) != "elsewhere" {
			t.Errorf("the member's preview in another server: %q %v", data, err)
		}
		// Many previews by one member leave one.
		var last uint64
		for k := range 50 {
			last, _ = db.PutPending(ctx, g, 42, []byte(strings.Repeat("x", k)), time.Minute)
		}
		if _, err := db.TakePending(ctx, g, 42, last); err != nil {
			t.Fatal(err)
		}
		if n, err := db.SweepPending(ctx); err != nil || n != 0 {
			t.Errorf("sweep: %d %v, want nothing expired", n, err)
		}
		if _, err := db.TakePending(ctx, g, 42, second); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("an old preview left: %v", err)
		}
	})
	t.Run("PendingSwept", func(t *testing.T) {
		db := open(t, clock)
		for u := uint64(1); u <= 3; u++ {
			db.PutPending(ctx, g, u, []byte("abandoned"), -time.Second)
		}
		live, _ := db.PutPending(ctx, g, 9, []byte("live"), time.Hour)
		if n, err := db.SweepPending(ctx); err != nil || n != 0 {
			t.Errorf("the expired steps of others outlived a new one: %d swept afterwards, %v", n, err)
		}
		db.PutPending(ctx, storage.Scope(222), 4, []byte("abandoned"), -time.Second)
		if n, err := db.SweepPending(ctx); err != nil || n != 1 {
			t.Errorf("sweep: %d, %v; want 1", n, err)
		}
		if data, err := db.Pending(ctx, g, 9, live); err != nil || string(data) != "live" {
			t.Errorf("a live step swept: %q %v", data, err)
		}
	})
	t.Run("Copy", func(t *testing.T) {
		src := open(t, clock)
		cs, ok := src.(storage.Copier)
		if !ok {
			t.Skip("not a Copier")
		}
		f, _ := src.CreateFilm(ctx, g, storage.Film{Title: "Tangerine", Year: 2015, Cast: []storage.Role{{Actor: "Kitana Kiki Rodriguez", Role: "Sin-Dee"}}})
		rv, _ := src.AddReview(ctx, g, storage.Review{FilmID: f.ID, Reviewer: "R", PullQuote: "q", Excerpts: []storage.Excerpt{{Text: "a"}, {Text: "b", Spoiler: true}}})
		for u := uint64(1); u <= 5; u++ {
			src.Rate(ctx, g, f.ID, u, int(u)+3)
			src.Rate(ctx, 222, 1, u, 10)
		}
		src.UpdateSettings(ctx, g, func(s *storage.Settings) { s.ModRole, s.Language = "9", "uk" })
		src.WatchlistAdd(ctx, g, 7, f.ID)
		src.NotInterested(ctx, g, 8, f.ID)
		night, err := src.CreateNight(ctx, storage.Night{Scope: g, Candidates: []uint64{1, f.ID}, Step: "close", NextAt: clock()})
		if err != nil {
			t.Fatal(err)
		}
		var recs []storage.Record
		if err := cs.Each(ctx, func(r storage.Record) error { recs = append(recs, r); return nil }); err != nil {
			t.Fatal(err)
		}
		dst := open(t, clock)
		dc := dst.(storage.Copier)
		if empty, _ := dc.Empty(ctx); empty {
			t.Error("a seeded store says it is empty")
		}
		empty := openEmpty(t)
		ec := empty.(storage.Copier)
		if e, err := ec.Empty(ctx); err != nil || !e {
			t.Fatalf("an empty store: %v %v", e, err)
		}
		if err := ec.Load(ctx, recs); err != nil {
			t.Fatal(err)
		}
		c1, _ := cs.Counts(ctx)
		c2, _ := ec.Counts(ctx)
		if c1.Films != c2.Films || c1.Reviews != c2.Reviews || c1.Settings != c2.Settings || c2.Ratings[g] != 5 || c2.Ratings[222] != 5 ||
			c2.Watchlists != 1 || c2.Nights != 1 || c1.Watchlists != 1 || c1.Nights != 1 || c1.NotInterested != 1 || c2.NotInterested != 1 {
			t.Errorf("counts %+v, copied %+v", c1, c2)
		}
		if ids, _ := empty.NotInterestedFilms(ctx, g, 8); len(ids) != 1 || ids[0] != f.ID {
			t.Errorf("not interested after copy: %v", ids)
		}
		if ws, _ := empty.Watchlist(ctx, g, 7); len(ws) != 1 || ws[0].Film != f.ID || !ws[0].At.Equal(clock()) {
			t.Errorf("watchlist after copy: %+v", ws)
		}
		if due, _ := empty.ClaimDueNights(ctx, clock(), "x", time.Minute); len(due) != 1 || due[0].ID != night.ID || len(due[0].Candidates) != 2 {
			t.Errorf("the open night after copy: %+v", due)
		}
		if next, err := empty.CreateNight(ctx, storage.Night{Scope: 222, Step: "close", NextAt: clock()}); err != nil || next.ID <= night.ID {
			t.Errorf("a new night's id after copy: %+v %v (copied %d)", next, err, night.ID)
		}
		if got, err := empty.Review(ctx, g, rv.ID); err != nil || got.PullQuote != "q" || len(got.Excerpts) != 2 {
			t.Errorf("a review keeps its id: %+v %v", got, err)
		}
		if a, _ := empty.Aggregate(ctx, g, f.ID); a.Count != 5 || a.Sum != 4+5+6+7+8 {
			t.Errorf("aggregate after copy: %+v", a)
		}
		if s, _ := empty.Settings(ctx, g); s.ModRole != "9" || s.Language != "uk" {
			t.Errorf("settings after copy: %+v", s)
		}
		// New ids continue after the copied ones.
		nf, err := empty.CreateFilm(ctx, g, storage.Film{Title: "New", Year: 2020})
		if err != nil || nf.ID <= f.ID {
			t.Errorf("a film after the copy got id %d (copied up to %d): %v", nf.ID, f.ID, err)
		}
	})
}
