package storage

import (
	"errors"
	"strings"
	"testing"
)

func fold(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), " ")) }

func TestCreateFilmRemakesAndDuplicates(t *testing.T) {
	db := open(t, Options{})
	p82, err := db.CreateFilm(g, Film{Title: "Poltergeist", Year: 1982}, fold)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.CreateFilm(g, Film{Title: "Poltergeist", Year: 2015}, fold); err != nil {
		t.Errorf("a remake was refused: %v", err)
	}
	got, err := db.CreateFilm(g, Film{Title: " poltergeist ", Year: 1982}, fold)
	if !errors.Is(err, ErrExists) || got.ID != p82.ID {
		t.Errorf("duplicate: %v, pointed at %+v", err, got)
	}
	if _, err := db.CreateFilm(g, Film{Title: "Anora", Year: 2024}, fold); !errors.Is(err, ErrExists) {
		t.Errorf("a copy of a built-in film: %v", err)
	}
	if _, err := db.CreateFilm(Scope(222), Film{Title: "Poltergeist", Year: 1982}, fold); err != nil {
		t.Errorf("another server cannot have its own: %v", err)
	}
	if _, err := db.CreateFilm(BuiltIn, Film{Title: "X", Year: 1}, fold); !errors.Is(err, ErrBuiltIn) {
		t.Errorf("created in the built-in catalog: %v", err)
	}
}

func TestUpdateAndDeleteFilm(t *testing.T) {
	db := open(t, Options{})
	f, _ := db.CreateFilm(g, Film{Title: "Tangerin", Year: 2015, CreatedBy: "9"}, fold)
	f.Title = "Tangerine"
	f, err := db.UpdateFilm(g, f, fold)
	if err != nil || f.Title != "Tangerine" || f.CreatedBy != "9" {
		t.Fatalf("update: %+v %v", f, err)
	}
	if _, err := db.UpdateFilm(g, Film{ID: 1, Title: "Anora!", Year: 2024}, fold); !errors.Is(err, ErrBuiltIn) {
		t.Errorf("a server changed the built-in film: %v", err)
	}
	if _, err := db.UpdateFilm(Scope(222), f, fold); !errors.Is(err, ErrNotFound) {
		t.Errorf("another server changed the film: %v", err)
	}
	r, _ := db.AddReview(g, Review{FilmID: f.ID, Reviewer: "R", Excerpts: []Excerpt{{Text: "x"}}})
	db.Rate(g, f.ID, 5, 8)
	db.Rate(g, f.ID, 6, 6)
	if revs, rates, _ := db.FilmUsage(g, f.ID); revs != 1 || rates != 2 {
		t.Errorf("usage %d reviews %d ratings", revs, rates)
	}
	if err := db.DeleteFilm(g, 1); !errors.Is(err, ErrBuiltIn) {
		t.Errorf("deleted the built-in film: %v", err)
	}
	if err := db.DeleteFilm(g, f.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Review(g, r.ID); !errors.Is(err, ErrNotFound) {
		t.Error("the film's review survived")
	}
	if rs, _ := db.UserRatings(g, 5); len(rs) != 0 {
		t.Errorf("the film's ratings survived: %+v", rs)
	}
	if top, _ := db.Top(g, 1); len(top) != 0 {
		t.Errorf("the film's aggregate survived: %+v", top)
	}
}

func TestUpdateAndDeleteReview(t *testing.T) {
	db := open(t, Options{})
	r, _ := db.AddReview(g, Review{FilmID: 1, Reviewer: "A", Excerpts: []Excerpt{{Text: "one"}}})
	db.Rate(g, 1, 5, 8)
	r.Excerpts = []Excerpt{{Text: "two"}}
	r.Reviewer = "B"
	got, err := db.UpdateReview(g, r)
	if err != nil || got.Reviewer != "B" || got.Excerpts[0].Text != "two" || !got.PostedAt.Equal(r.PostedAt) {
		t.Fatalf("update: %+v %v", got, err)
	}
	if _, err := db.UpdateReview(Scope(222), r); !errors.Is(err, ErrNotFound) {
		t.Errorf("another server edited it: %v", err)
	}
	if _, err := db.UpdateReview(g, Review{ID: 1, Excerpts: []Excerpt{{Text: "x"}}}); !errors.Is(err, ErrBuiltIn) {
		t.Errorf("a server edited the built-in review: %v", err)
	}
	if _, err := db.DeleteReview(g, r.ID); err != nil {
		t.Fatal(err)
	}
	if a, _ := db.Aggregate(g, 1); a.Count != 1 {
		t.Error("removing a review removed ratings")
	}
	if _, err := db.DeleteReview(g, r.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("deleted twice: %v", err)
	}
}

func TestSettings(t *testing.T) {
	db := open(t, Options{})
	if s, _ := db.Settings(g); s != (Settings{}) {
		t.Errorf("fresh settings %+v", s)
	}
	db.UpdateSettings(g, func(s *Settings) { s.ReviewsChannel = "77" })
	db.UpdateSettings(g, func(s *Settings) { s.ModRole = "88" })
	if s, _ := db.Settings(g); s.ReviewsChannel != "77" || s.ModRole != "88" {
		t.Errorf("settings %+v", s)
	}
	if s, _ := db.Settings(Scope(222)); s != (Settings{}) {
		t.Errorf("another server's settings %+v", s)
	}
}
