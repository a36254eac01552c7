package tmdb

import (
	"sort"
	"strings"

	"github.com/filmbot/filmbot/search"
)

// Best picks, among search results, the film a member most likely means
// by title (and year, 0 when not given): the same title (folded, as the
// catalog folds titles; the original title counts) and year first, then
// the same title in any year, then the rest; within each, the most
// popular. ok is false when there are no results.
func Best(results []Result, title string, year int) (best Result, ok bool) {
	if len(results) == 0 {
		return Result{}, false
	}
	want := search.Fold(title)
	rank := func(r Result) int {
		same := search.Fold(r.Title) == want || search.Fold(r.OriginalTitle) == want
		switch {
		case same && (year == 0 || r.Year() == year):
			return 0
		case same:
			return 1
		case year != 0 && r.Year() == year:
			return 2
		}
		return 3
	}
	rs := append([]Result(nil), results...)
	sort.SliceStable(rs, func(i, j int) bool {
		if a, b := rank(rs[i]), rank(rs[j]); a != b {
			return a < b
		}
		return rs[i].Popularity > rs[j].Popularity
	})
	return rs[0], true
}

// Unique finds the one film of exactly that title (folded; the original
// title counts) in that year, as an import needs: ok is false with the
// candidates when there is none or more than one.
func Unique(results []Result, title string, year int) (film Result, candidates []Result, ok bool) {
	want := search.Fold(title)
	for _, r := range results {
		if (search.Fold(r.Title) == want || search.Fold(r.OriginalTitle) == want) && r.Year() == year {
			candidates = append(candidates, r)
		}
	}
	if len(candidates) == 1 {
		return candidates[0], candidates, true
	}
	return Result{}, candidates, false
}

// Directors and the rest list the crew by their job, in credit order.
func (m Movie) Directors() []string        { return m.Credits.People("Director") }
func (m Movie) Writers() []string          { return m.Credits.People("Screenplay", "Writer", "Story", "Novel") }
func (m Movie) Cinematographers() []string { return m.Credits.People("Director of Photography") }
func (m Movie) Editors() []string          { return m.Credits.People("Editor") }
func (m Movie) Composers() []string        { return m.Credits.People("Original Music Composer", "Music") }
func (m Movie) Producers() []string        { return m.Credits.People("Producer") }

// Localized is m's title and overview in language (an ISO 639-1 code,
// or a locale such as "pt-BR" whose language part is used), where TMDB
// has a translation; m's own otherwise.
func (m Movie) Localized(language string) (title, overview string) {
	title, overview = m.Title, m.Overview
	lang, region, _ := strings.Cut(language, "-")
	var fallback *Translation
	for k := range m.Translations.Translations {
		t := &m.Translations.Translations[k]
		if !strings.EqualFold(t.ISO6391, lang) {
			continue
		}
		if region == "" || strings.EqualFold(t.ISO31661, region) {
			fallback = t
			break
		}
		if fallback == nil {
			fallback = t
		}
	}
	if fallback != nil {
		if fallback.Data.Title != "" {
			title = fallback.Data.Title
		}
		if fallback.Data.Overview != "" {
			overview = fallback.Data.Overview
		}
	}
	return title, overview
}

// Aliases are the other titles m is known by (original, alternative,
// translated), each once, m's own title left out.
func (m Movie) Aliases() []string {
	seen := map[string]bool{search.Fold(m.Title): true}
	var out []string
	add := func(s string) {
		if f := search.Fold(s); s != "" && f != "" && !seen[f] {
			seen[f] = true
			out = append(out, s)
		}
	}
	add(m.OriginalTitle)
	for _, t := range m.AlternativeTitles.Titles {
		add(t.Title)
	}
	for _, t := range m.Translations.Translations {
		add(t.Data.Title)
	}
	return out
}
