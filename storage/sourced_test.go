package storage

import (
	"encoding/json"
	"reflect"
	"slices"
	"sort"
	"testing"
	"time"
)

// Header drops exactly the fields HeaderOmits names (PostgreSQL drops
// them from the JSON record by those names).
func TestHeaderOmits(t *testing.T) {
	f := Film{ID: 1, Scope: 2, Title: "T", Year: 2000, Runtime: 90, Country: "C", Languages: []string{"l"}, Aliases: []string{"a"},
		Directors: []string{"d"}, Writers: []string{"w"}, Editors: []string{"e"}, Cinematographers: []string{"c"},
		Producers: []string{"p"}, Premiere: "pr", Release: "r", Awards: []string{"aw"}, Cast: []Role{{Actor: "x", Role: "y"}},
		Letterboxd: "l", CreatedBy: "u", CreatedAt: time.Unix(1, 0), UpdatedAt: time.Unix(2, 0),
		TMDB: 3, IMDb: "tt1", Wikidata: "Q1", OriginalTitle: "o", Overview: "ov", Genres: []string{"g"}, Countries: []string{"c"},
		Composers: []string{"m"}, Poster: "/p.jpg", Titles: map[string]string{"ru": "т"}, Overviews: map[string]string{"ru": "о"},
		FetchedAt: time.Unix(3, 0)}
	keys := func(v Film) []string {
		raw, _ := json.Marshal(v)
		var m map[string]any
		json.Unmarshal(raw, &m)
		var out []string
		for k := range m {
			out = append(out, k)
		}
		sort.Strings(out)
		return out
	}
	// ... and adds the first director, "director" (PostgreSQL from the
	// record's "directors").
	want := []string{"director"}
	for _, k := range keys(f) {
		if !slices.Contains(HeaderOmits, k) {
			want = append(want, k)
		}
	}
	sort.Strings(want)
	if got := keys(f.Header()); !reflect.DeepEqual(got, want) {
		t.Errorf("header has %v, want %v", got, want)
	}
	if len(keys(f))-(len(want)-1) != len(HeaderOmits) {
		t.Errorf("HeaderOmits names a field Film does not have: %v", HeaderOmits)
	}
	if h := f.Header(); h.TMDB != 3 || h.Titles["ru"] != "т" || !h.FetchedAt.Equal(f.FetchedAt) || h.Director != "d" || h.Header().Director != "d" {
		t.Errorf("header %+v", h)
	}
}

func TestLocalTitle(t *testing.T) {
	f := Film{Title: "Anora", Overview: "en", Titles: map[string]string{"ru": "Анора", "pt-BR": "Anora BR", "es": ""},
		Overviews: map[string]string{"ru": "ру"}}
	for locale, want := range map[string]string{"ru": "Анора", "pt-BR": "Anora BR", "pt-PT": "Anora", "es-ES": "Anora", "": "Anora", "en-US": "Anora"} {
		if got := f.LocalTitle(locale); got != want {
			t.Errorf("LocalTitle(%q) = %q, want %q", locale, got, want)
		}
	}
	if f.LocalOverview("ru") != "ру" || f.LocalOverview("ja") != "en" {
		t.Error("LocalOverview")
	}
	if len(DiscordLocales) != 32 {
		t.Errorf("%d Discord locales", len(DiscordLocales))
	}
}

func TestResourcedAndUnsourced(t *testing.T) {
	old := Film{ID: 5, Scope: BuiltIn, Title: "Anora", CreatedAt: time.Unix(1, 0), CreatedBy: "", Awards: []string{"Palme"},
		Premiere: "Cannes", Release: "Oct", Letterboxd: "lb", Cast: []Role{{Actor: "Mikey Madison", Role: "Ani", Note: "dancer"}}}
	f := Film{ID: 99, Scope: 7, Title: "Anora", TMDB: 1, Overview: "o", Cast: []Role{{Actor: "Mikey Madison", Role: "Ani"}, {Actor: "New", Role: "X"}}}
	g := f.Resourced(old)
	if g.ID != 5 || g.Scope != BuiltIn || !g.CreatedAt.Equal(old.CreatedAt) || g.Awards[0] != "Palme" || g.Premiere != "Cannes" ||
		g.Release != "Oct" || g.Letterboxd != "lb" || g.Cast[0].Note != "dancer" || g.Cast[1].Note != "" || g.Overview != "o" {
		t.Errorf("Resourced = %+v", g)
	}
	if f.Cast[0].Note != "" {
		t.Error("Resourced changed its receiver's cast")
	}
	u := g.Unsourced()
	if u.ID != 5 || u.TMDB != 1 || u.Title != "Anora" || u.Overview != "" || u.Cast != nil || u.Awards[0] != "Palme" {
		t.Errorf("Unsourced = %+v", u)
	}
}
