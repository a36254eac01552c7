package source

import (
	"encoding/json"
	"errors"
	"net/http"
	"testing"

	"github.com/filmbot/filmbot/storage"
	"github.com/filmbot/filmbot/tmdb"
)

// FindUnique finds what LookupUnique finds, from the search alone:
// nothing is fetched or stored, whatever it answers.
func TestFindUnique(t *testing.T) {
	e := setup(t, tmdb.Options{})
	before := e.films(t)
	res, cands, err := e.r.FindUnique(ctx, " Poltergeist ", 1982)
	if err != nil || res.ID != 609 || res.Title != "Poltergeist" || res.Year() != 1982 || len(cands) != 1 {
		t.Errorf("Poltergeist (1982): %+v %v %v", res, cands, err)
	}
	for _, c := range []struct {
		title string
		year  int
	}{{"Poltergeist", 1999}, {"Poltergeist", 0}, {"  ", 1982}} {
		if _, _, err := e.r.FindUnique(ctx, c.title, c.year); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("%q (%d): %v", c.title, c.year, err)
		}
	}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(map[string]any{"page": 1, "total_pages": 1, "total_results": 2, "results": []map[string]any{
			{"id": 101, "title": "Twins", "original_title": "Twins", "release_date": "1988-12-09", "popularity": 10},
			{"id": 102, "title": "Twins", "original_title": "Twins", "release_date": "1988-03-01", "popularity": 1},
		}})
	})
	e.search.Store(&h)
	if _, cands, err := e.r.FindUnique(ctx, "Twins", 1988); !errors.Is(err, ErrAmbiguous) || len(cands) != 2 || cands[0].ID != 101 {
		t.Errorf("ambiguous: %v %v", cands, err)
	}
	if n := e.fake.Requests("movie"); n != 0 || e.films(t) != before {
		t.Errorf("%d film requests, %d films (was %d)", n, e.films(t), before)
	}
	// TMDB failing is ErrNotAnswering; the source off, ErrOff.
	fail := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusInternalServerError) })
	e.search.Store(&fail)
	if _, _, err := e.r.FindUnique(ctx, "Heat", 1995); !errors.Is(err, ErrNotAnswering) {
		t.Errorf("TMDB failing: %v", err)
	}
	var off *Resolver
	if _, _, err := off.FindUnique(ctx, "Heat", 1995); !errors.Is(err, ErrOff) {
		t.Errorf("off: %v", err)
	}
}
