package loadtest

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/filmbot/filmbot/tmdb/tmdbfake"
)

// TestSearchPool: the search kind's titles are searchTitles distinct
// ones, and exactly the 1 in searchMatchEvery meant to find a film on
// the fake TMDB does (asked as the bot asks it); searchTitles*searchRepeat
// turns type each of them searchRepeat times.
func TestSearchPool(t *testing.T) {
	if len(searchPool) != searchTitles {
		t.Fatalf("%d titles, want %d", len(searchPool), searchTitles)
	}
	seen := map[string]int{}
	for i, s := range searchPool {
		if j, ok := seen[s]; ok {
			t.Fatalf("title %q at %d and %d", s, j, i)
		}
		seen[s] = i
		if len([]rune(s)) < 2 || strings.Contains(s, `"`) {
			t.Fatalf("title %q at %d: too short for TMDB's suggestions, or quoted", s, i)
		}
	}
	// A film is found when every word typed starts a word of one of its
	// names: a title led by an adjective that finds nothing alone finds
	// nothing either.
	const token = "bench"
	fake := tmdbfake.New(tmdbfake.Options{Token: token})
	found := func(s string) bool {
		req := httptest.NewRequest(http.MethodGet, "/3/search/movie?query="+url.QueryEscape(s), nil)
		req.Header.Set("Authorization", "Bearer "+token)
		w := httptest.NewRecorder()
		fake.ServeHTTP(w, req)
		if w.Code != http.StatusOK {
			t.Fatalf("search %q: %d %s", s, w.Code, w.Body)
		}
		return !strings.Contains(w.Body.String(), `"total_results":0`)
	}
	for _, a := range searchAdjectives {
		if found(a) {
			t.Errorf("%q finds a film on the fake TMDB", a)
		}
	}
	for i, s := range searchPool {
		if i%searchMatchEvery == 0 {
			if !found(s) {
				t.Errorf("title %q at %d finds no film on the fake TMDB", s, i)
			}
		} else if a, _, _ := strings.Cut(s, " "); !slices.Contains(searchAdjectives, a) {
			t.Errorf("title %q at %d: not led by an adjective", s, i)
		}
	}
	typed := make([]int, searchTitles)
	for turn := range searchTitles * searchRepeat {
		typed[searchTurn(turn)]++
	}
	for i, n := range typed {
		if n != searchRepeat {
			t.Fatalf("title %d typed %d times in %d turns, want %d", i, n, searchTitles*searchRepeat, searchRepeat)
		}
	}
	if searchTurn(searchTitles*searchRepeat) != 0 || searchTurn(1) != 1 || searchTurn(searchBlock) != 0 {
		t.Errorf("turns: %d, %d, %d", searchTurn(searchTitles*searchRepeat), searchTurn(1), searchTurn(searchBlock))
	}
}
