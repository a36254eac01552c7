package search

import (
	"testing"
	"unicode/utf8"
)

// Whatever a member types, searching neither panics nor returns more than
// asked, and every hit is an entry of the index. `go test` runs the seeds;
// go test -run '^$' -fuzz FuzzSearch ./search explores (a minute of it
// found nothing).
func FuzzSearch(f *testing.F) {
	for _, s := range []string{"anora", "ANORA", "anroa", "ani", "", " ", "é", "\x00", "glass stone", "a\u0301", "ǅ", "İ", "ß", "ﬃ", "🎬 anora", "\xff\xfe"} {
		f.Add(s, "Anora", 25)
	}
	f.Fuzz(func(t *testing.T, q, title string, limit int) {
		limit = limit%30 + 1
		if limit < 1 {
			limit = 1
		}
		ix := NewIndex([]Entry{{ID: 1, Label: title, Names: []string{title, title + " (2024)"}}, {ID: 2, Label: "Anora", Names: []string{"Anora", "Ani"}}})
		hits := ix.Search(q, limit)
		if len(hits) > limit {
			t.Fatalf("%d hits for limit %d", len(hits), limit)
		}
		for _, h := range hits {
			if h.ID != 1 && h.ID != 2 {
				t.Fatalf("hit %d is not an entry", h.ID)
			}
		}
		if utf8.ValidString(q) {
			_ = Fold(q)
		}
		BestPassage(q, []string{title, "Drew Daniels shot it on 35mm", ""})
	})
}
