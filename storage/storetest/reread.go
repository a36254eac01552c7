package storetest

import (
	"testing"

	"github.com/filmbot/filmbot/storage"
)

// runReread checks that each read, made again after a write, shows the
// write: what a store that keeps reads in memory (storage.Cached) must
// still do. Each read is made twice before the write (the second may be
// answered from memory) and once after.
func runReread(t *testing.T, open Open) {
	t.Run("RereadAfterWrite", func(t *testing.T) {
		db := open(t, clock)
		f, err := db.CreateFilm(ctx, g, storage.Film{Title: "Tangerine", Year: 2015, Directors: []string{"Sean Baker"}})
		if err != nil {
			t.Fatal(err)
		}
		r, err := db.AddReview(ctx, g, storage.Review{FilmID: f.ID, Reviewer: "R", Excerpts: []storage.Excerpt{{Text: "one"}, {Text: "two"}}})
		if err != nil {
			t.Fatal(err)
		}
		twice := func(read func()) {
			read()
			read()
		}
		// The film's page: a rating, then a new title.
		page := func(want string, ratings int) func() {
			return func() {
				t.Helper()
				p, err := db.FilmPage(ctx, g, f.ID)
				if err != nil || p.Film.Title != want || p.Ratings.Count != ratings || p.Reviews != 1 {
					t.Errorf("FilmPage = %q, %d ratings, %d reviews, %v; want %q, %d, 1", p.Film.Title, p.Ratings.Count, p.Reviews, err, want, ratings)
				}
			}
		}
		twice(page("Tangerine", 0))
		if _, err := db.Rate(ctx, g, f.ID, 1, 8); err != nil {
			t.Fatal(err)
		}
		page("Tangerine", 1)()
		headers := func(want string) func() {
			return func() {
				t.Helper()
				h, err := db.FilmHeader(ctx, g, f.ID)
				whole, err2 := db.Film(ctx, g, f.ID)
				hs, err3 := db.FilmHeaders(ctx, g, []uint64{f.ID})
				if err != nil || err2 != nil || err3 != nil || h.Title != want || whole.Title != want || hs[f.ID].Title != want {
					t.Errorf("%q %q %q, %v %v %v; want %q", h.Title, whole.Title, hs[f.ID].Title, err, err2, err3, want)
				}
			}
		}
		twice(headers("Tangerine"))
		f.Title = "Tangerine!"
		if _, err := db.UpdateFilm(ctx, g, f); err != nil {
			t.Fatal(err)
		}
		headers("Tangerine!")()
		page("Tangerine!", 1)()

		// The review: its page, its excerpt, the page a click shows, the
		// review whole and its headers, then an edit.
		review := func(want string) func() {
			return func() {
				t.Helper()
				p, err := db.ReviewPage(ctx, g, f.ID, 1)
				if err != nil || len(p.Excerpts) != 1 || p.Excerpts[0].Text != want || p.Film.Title != "Tangerine!" {
					t.Errorf("ReviewPage = %+v, %v; want %q", p, err, want)
				}
				if _, e, err := db.Excerpt(ctx, g, r.ID, 1); err != nil || e.Text != want {
					t.Errorf("Excerpt = %q, %v; want %q", e.Text, err, want)
				}
				if p, err := db.ExcerptPage(ctx, g, r.ID, func(int) int { return 1 }); err != nil || p.Excerpt.Text != want {
					t.Errorf("ExcerptPage = %q, %v; want %q", p.Excerpt.Text, err, want)
				}
				if w, err := db.Review(ctx, g, r.ID); err != nil || w.Excerpts[0].Text != want {
					t.Errorf("Review = %+v, %v; want %q", w, err, want)
				}
				if rs, err := db.Reviews(ctx, g, f.ID); err != nil || len(rs) != 1 || rs[0].Excerpts[0].Text != want {
					t.Errorf("Reviews = %+v, %v; want %q", rs, err, want)
				}
			}
		}
		twice(review("one"))
		r.Excerpts = []storage.Excerpt{{Text: "uno"}, {Text: "dos"}, {Text: "tres"}}
		if _, err := db.UpdateReview(ctx, g, r); err != nil {
			t.Fatal(err)
		}
		review("uno")()
		if hs, err := db.ReviewHeaders(ctx, g, f.ID); err != nil || len(hs) != 1 || hs[0].Paragraphs != 3 {
			t.Errorf("ReviewHeaders after the edit = %+v, %v", hs, err)
		}
		if _, err := db.DeleteReview(ctx, g, r.ID); err != nil {
			t.Fatal(err)
		}
		if hs, err := db.ReviewHeaders(ctx, g, f.ID); err != nil || len(hs) != 0 {
			t.Errorf("ReviewHeaders after the removal = %+v, %v", hs, err)
		}
		if p, err := db.FilmPage(ctx, g, f.ID); err != nil || p.Reviews != 0 {
			t.Errorf("FilmPage after the removal: %d reviews, %v", p.Reviews, err)
		}

		// Settings.
		settings := func(want string) func() {
			return func() {
				t.Helper()
				if s, err := db.Settings(ctx, g); err != nil || s.Timezone != want {
					t.Errorf("Settings = %+v, %v; want time zone %q", s, err, want)
				}
			}
		}
		twice(settings(""))
		if _, err := db.UpdateSettings(ctx, g, func(s *storage.Settings) { s.Timezone = "Europe/Paris" }); err != nil {
			t.Fatal(err)
		}
		settings("Europe/Paris")()

		// The film removed: gone from every read.
		if err := db.DeleteFilm(ctx, g, f.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := db.FilmPage(ctx, g, f.ID); err == nil {
			t.Error("FilmPage of a removed film")
		}
		if _, err := db.FilmHeader(ctx, g, f.ID); err == nil {
			t.Error("FilmHeader of a removed film")
		}
	})
}
