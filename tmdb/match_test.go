package tmdb_test

import (
	"context"
	"slices"
	"testing"

	"github.com/filmbot/filmbot/tmdb"
)

// Typing a title not in the catalog finds the film meant: the same title
// and year first, then the same title, then popularity.
func TestBest(t *testing.T) {
	c, _, _ := setup(t, tmdb.Options{})
	ctx := context.Background()
	for _, tc := range []struct {
		title string
		year  int
		want  int // year of the pick
	}{
		{"dune", 1984, 1984},
		{"Dune", 2021, 2021},
		{"poltergeist", 2015, 2015},
		{"poltergeist", 1982, 1982},
	} {
		p, err := c.SearchMovies(ctx, tc.title, 0, "")
		if err != nil {
			t.Fatal(err)
		}
		best, ok := tmdb.Best(p.Results, tc.title, tc.year)
		if !ok || best.Year() != tc.want {
			t.Errorf("%s (%d): picked %q (%d)", tc.title, tc.year, best.Title, best.Year())
		}
	}
	// Without a year, a film titled exactly so beats a more popular one
	// whose title only starts so ("Dune: Part Two").
	p, _ := c.SearchMovies(ctx, "dune", 0, "")
	if best, _ := tmdb.Best(p.Results, "dune", 0); best.Title != "Dune" {
		t.Errorf("dune: picked %q", best.Title)
	}
	if _, ok := tmdb.Best(nil, "x", 0); ok {
		t.Error("a pick from no results")
	}
}

// An import matches only a film that is the one of its title and year.
func TestUnique(t *testing.T) {
	c, _, _ := setup(t, tmdb.Options{})
	ctx := context.Background()
	p, _ := c.SearchMovies(ctx, "poltergeist", 0, "")
	if f, _, ok := tmdb.Unique(p.Results, "Poltergeist", 1982); !ok || f.Year() != 1982 {
		t.Fatalf("Poltergeist 1982: %+v %v", f, ok)
	}
	if _, cands, ok := tmdb.Unique(p.Results, "Poltergeist", 1999); ok || len(cands) != 0 {
		t.Fatalf("Poltergeist 1999: %v %v", cands, ok)
	}
	two := append(append([]tmdb.Result(nil), p.Results...), tmdb.Result{ID: 1, Title: "Poltergeist", ReleaseDate: "1982-01-01"})
	if _, cands, ok := tmdb.Unique(two, "poltergeist", 1982); ok || len(cands) != 2 {
		t.Fatalf("two of one title and year: %d candidates, ok %v", len(cands), ok)
	}
}

func TestMovieHelpers(t *testing.T) {
	c, _, _ := setup(t, tmdb.Options{})
	m, err := c.MovieDetails(context.Background(), 1064213, "")
	if err != nil {
		t.Fatal(err)
	}
	if d := m.Directors(); !slices.Equal(d, []string{"Sean Baker"}) {
		t.Errorf("directors %v", d)
	}
	if cin := m.Cinematographers(); !slices.Equal(cin, []string{"Drew Daniels"}) {
		t.Errorf("cinematographers %v", cin)
	}
	if title, _ := m.Localized("ru"); title != "Анора" {
		t.Errorf("ru title %q", title)
	}
	if title, _ := m.Localized("pt-BR"); title == "" {
		t.Error("no title in pt-BR")
	}
	if title, ov := m.Localized("xx"); title != "Anora" || ov != m.Overview {
		t.Errorf("unknown language: %q", title)
	}
	if a := m.Aliases(); !slices.Contains(a, "Анора") || slices.Contains(a, "Anora") {
		t.Errorf("aliases %v", a)
	}
}
