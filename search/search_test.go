package search

import (
	"fmt"
	"math/rand"
	"os"
	"strings"
	"testing"
)

func TestFold(t *testing.T) {
	for in, want := range map[string]string{
		"ANORA":            "anora",
		"Luna Sofía":       "luna sofia",
		"Baker’s  Anora!!": "bakers anora",
		"  Amélie (2001) ": "amelie 2001",
		"Mark Eydelshteyn": "mark eydelshteyn",
		"Crème—brûlée":     "creme brulee",
		"":                 "",
	} {
		if got := Fold(in); got != want {
			t.Errorf("Fold(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestDistance(t *testing.T) {
	for _, c := range []struct {
		a, b string
		max  int
		want int
	}{
		{"anora", "anora", 1, 0},
		{"anroa", "anora", 1, 1},
		{"anra", "anora", 1, 1},
		{"anxora", "anora", 1, 1},
		{"abc", "xyz", 1, 2},
		{"kitten", "sitting", 3, 3},
	} {
		if got := Distance(c.a, c.b, c.max); got != c.want {
			t.Errorf("Distance(%q,%q,%d) = %d, want %d", c.a, c.b, c.max, got, c.want)
		}
	}
}

func films() *Index {
	return NewIndex([]Entry{
		{ID: 1, Label: "Anora (2024)", Names: []string{"Anora", "Ani", "Anora 2024"}},
		{ID: 2, Label: "Poltergeist (1982)", Names: []string{"Poltergeist", "Poltergeist 1982"}},
		{ID: 3, Label: "Poltergeist (2015)", Names: []string{"Poltergeist", "Poltergeist 2015"}},
		{ID: 4, Label: "The Florida Project (2017)", Names: []string{"The Florida Project"}},
		{ID: 5, Label: "Amélie (2001)", Names: []string{"Amélie"}},
		{ID: 6, Label: "Banora Nights (1999)", Names: []string{"Banora Nights"}},
	})
}

func labels(h []Hit) []string {
	var out []string
	for _, x := range h {
		out = append(out, x.Label)
	}
	return out
}

func TestSearch(t *testing.T) {
	ix := films()
	for _, c := range []struct {
		q     string
		first string
		n     int
	}{
		{"anor", "Anora (2024)", 2},   // prefix, then substring in Banora
		{"ANORA", "Anora (2024)", 2},  // case
		{"anroa", "Anora (2024)", 1},  // transposition
		{"anorra", "Anora (2024)", 1}, // insertion
		{"ani", "Anora (2024)", 1},    // alias
		{"project", "The Florida Project (2017)", 1},
		{"amelie", "Amélie (2001)", 1}, // accents
		{"poltergeist", "Poltergeist (1982)", 2},
		{"poltergeist 2015", "Poltergeist (2015)", 1},
		{"zzzz", "", 0},
	} {
		got := ix.Search(c.q, 25)
		if len(got) != c.n {
			t.Errorf("Search(%q) = %v, want %d hits", c.q, labels(got), c.n)
			continue
		}
		if c.n > 0 && got[0].Label != c.first {
			t.Errorf("Search(%q)[0] = %q, want %q", c.q, got[0].Label, c.first)
		}
	}
	if got := ix.Search("", 3); len(got) != 3 {
		t.Errorf("empty query: %v", labels(got))
	}
	if got := ix.Search("o", 2); len(got) != 2 {
		t.Errorf("limit not kept: %v", labels(got))
	}
}

func TestBestPassage(t *testing.T) {
	raw, err := os.ReadFile("../storage/seed/anora-review.txt")
	if err != nil {
		t.Fatal(err)
	}
	paras := strings.Split(strings.TrimSpace(string(raw)), "\n")
	if len(paras) != 12 {
		t.Fatalf("seed review has %d paragraphs, want 12", len(paras))
	}
	for q, want := range map[string]int{
		"Drew Daniels":    8,
		"drew daniels":    8,
		"cinematography":  8,
		"russian":         2,
		"Igor":            10,
		"ÍGOR":            10,
		"Florida Project": 4,
		"Las Vegas":       5,
	} {
		got, ok := BestPassage(q, paras)
		if !ok || got+1 != want {
			t.Errorf("BestPassage(%q) = paragraph %d (%v), want %d", q, got+1, ok, want)
		}
	}
	if _, ok := BestPassage("xylophone", paras); ok {
		t.Error("a word in no passage matched")
	}
	if _, ok := BestPassage("the of", paras); ok {
		t.Error("stopwords alone matched")
	}
}

// genIndex builds an index of n generated film titles.
func genIndex(n int) *Index {
	rng := rand.New(rand.NewSource(1))
	// 40 common title words plus 4,000 made-up ones: real catalogs repeat
	// "the", "night" and "love" a lot, and have many rare words.
	words := strings.Fields("silent river night city red last summer dark house love war blue king queen road ghost iron glass winter garden storm secret island shadow empire golden dream fire stone heart moon star lost wild broken little great forgotten hidden burning falling")
	syl := strings.Fields("ka lo mi ra ven to sha dor el is um bar qu en ti no ga re")
	for len(words) < 4040 {
		w := ""
		for k := 2 + rng.Intn(3); k > 0; k-- {
			w += syl[rng.Intn(len(syl))]
		}
		words = append(words, w)
	}
	entries := make([]Entry, n)
	for i := range entries {
		w := make([]string, 2+rng.Intn(3))
		for j := range w {
			if rng.Intn(2) == 0 {
				w[j] = words[rng.Intn(40)]
			} else {
				w[j] = words[40+rng.Intn(len(words)-40)]
			}
		}
		title := strings.Join(w, " ") + fmt.Sprintf(" %d", i)
		year := 1920 + rng.Intn(105)
		entries[i] = Entry{ID: uint64(i + 1), Label: fmt.Sprintf("%s (%d)", title, year), Names: []string{title}}
	}
	entries = append(entries, Entry{ID: uint64(n + 1), Label: "Anora (2024)", Names: []string{"Anora", "Ani"}})
	return NewIndex(entries)
}

func BenchmarkAutocomplete50k(b *testing.B) {
	ix := genIndex(50000)
	for _, q := range []string{"anor", "anroa", "ani", "ghost", "winter gar", "glass stone", "glas stone", "zzzzq", "gohst", "", "anr", "anro", "snora", "glsas sto", "xylo"} {
		b.Run(q, func(b *testing.B) {
			for b.Loop() {
				ix.Search(q, 25)
			}
		})
	}
}

func TestNearest(t *testing.T) {
	ix := genIndex(2000)
	for q, want := range map[string]string{
		"anora":    "Anora (2024)",
		"anoraa":   "Anora (2024)",
		"aanoorra": "Anora (2024)",
		"xqzv":     "",
		"":         "",
	} {
		got, ok := ix.Nearest(Fold(q), max(len(q), 3)/2+1)
		if got != want || ok != (want != "") {
			t.Errorf("Nearest(%q) = %q, %v; want %q", q, got, ok, want)
		}
	}
}

// BenchmarkDidYouMean50k is the worst a member can make "Did you mean"
// cost: names of every length up to the option's 100 characters, over
// 50,000 films, against the plain autocomplete search as a baseline.
func BenchmarkDidYouMean50k(b *testing.B) {
	ix := genIndex(50000)
	long := strings.Repeat("ab", 50)
	for _, q := range []string{"anroaa", "glass stone winter garden", long[:40], long} {
		f := Fold(q)
		b.Run(fmt.Sprintf("nearest-%d", len(f)), func(b *testing.B) {
			for b.Loop() {
				ix.Nearest(f, max(len(f), 3)/2+1)
			}
		})
	}
	b.Run("baseline-search-anor", func(b *testing.B) {
		for b.Loop() {
			ix.Search("anor", 25)
		}
	})
}

// A typo anywhere in what has been typed so far still finds the film on
// the way to its full title, ranked below exact and prefix matches.
func TestTypoWhileTyping(t *testing.T) {
	ix := films()
	for _, q := range []string{"anr", "anro", "anra", "amor", "nora", "snora", "anoar", "the florida prjo", "poltregeist"} {
		got := ix.Search(q, 25)
		found := false
		for _, h := range got {
			if h.Label == "Anora (2024)" || strings.HasPrefix(h.Label, "The Florida") || strings.HasPrefix(h.Label, "Poltergeist") {
				found = true
			}
		}
		if !found {
			t.Errorf("Search(%q) = %v: the film is missing", q, labels(got))
		}
		for k := 1; k < len(got); k++ {
			if got[k].Rank < got[k-1].Rank {
				t.Errorf("Search(%q): %v not best first", q, got)
			}
		}
	}
	if got := ix.Search("ano", 25); len(got) == 0 || got[0].Rank != RankPrefix {
		t.Errorf("a prefix must come first: %v", got)
	}
	if got := ix.Search("xq", 25); len(got) != 0 {
		t.Errorf("two letters get no typo matches: %v", labels(got))
	}
}

// Exact gives what Search ranks exact, in Search's order, and nothing else.
func TestExact(t *testing.T) {
	ix := films()
	for _, q := range []string{"anora", "ANORA ", "Amelie", "poltergeist", "poltergeist 2015", "anor", "ani", "", "zzzz"} {
		var want []Hit
		for _, h := range ix.Search(q, 25) {
			if h.Rank == RankExact {
				want = append(want, h)
			}
		}
		got := ix.Exact(q, 25)
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("Exact(%q) = %v, want %v", q, got, want)
		}
	}
	if got := ix.Exact("poltergeist", 1); len(got) != 1 {
		t.Errorf("limit not kept: %v", got)
	}
	if got := ix.Exact("poltergeist", 25); len(got) != 2 {
		t.Errorf("Exact(poltergeist) = %v, want both films", got)
	}
}

// Layers answer as one index of all their entries would, less those a
// layer hides: the same hits in the same order, for every kind of match
// and for Exact and Nearest.
func TestLayersAnswerAsOneIndex(t *testing.T) {
	all := genIndex(3000).entries // one label each: no ties left to chance
	hidden := func(id uint64) bool { return id%7 == 0 }
	var a, b, kept []Entry
	for _, e := range all {
		switch {
		case e.ID%3 == 0:
			a = append(a, e)
		default:
			b = append(b, e)
		}
		if e.ID%3 == 0 || !hidden(e.ID) {
			kept = append(kept, e)
		}
	}
	one := NewIndex(kept)
	ls := Layers{{Index: NewIndex(a)}, {Index: NewIndex(b), Skip: hidden}}
	queries := []string{"", "a", "ka", "night", "the", "silent riv", "nigth", "gardn", "lo", "storm 12", "anor", "anroa", "poltergeist",
		"ven", "kalo", "red 1", "qu", "dark hou", "winter gard", "1", "12", "glas ston", "banora", "secret islnd", "mira"}
	for _, q := range queries {
		for _, limit := range []int{1, 5, 25, 200} {
			want, got := one.Search(q, limit), ls.Search(q, limit)
			if fmt.Sprint(want) != fmt.Sprint(got) {
				t.Errorf("Search(%q, %d):\nlayers %v\nwant   %v", q, limit, got, want)
			}
		}
		if want, got := one.Exact(q, 25), ls.Exact(q, 25); fmt.Sprint(want) != fmt.Sprint(got) {
			t.Errorf("Exact(%q): layers %v, want %v", q, got, want)
		}
		f := Fold(q)
		wl, wok := one.Nearest(f, max(len(f), 3)/2+1)
		gl, gok := ls.Nearest(f, max(len(f), 3)/2+1)
		if wl != gl || wok != gok {
			t.Errorf("Nearest(%q): layers %q, want %q", q, gl, wl)
		}
	}
	for _, e := range all {
		if e.ID%3 != 0 && hidden(e.ID) {
			if hits := ls.Exact(e.Names[0], 25); len(hits) != 0 && hits[0].ID == e.ID {
				t.Fatalf("a hidden entry was found: %v", hits)
			}
		}
	}
}
