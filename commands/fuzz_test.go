package commands

import (
	"testing"

	"github.com/filmbot/filmbot/limits"
	"github.com/filmbot/filmbot/storage"
)

// Whatever a moderator pastes into the review and film forms is either
// refused with a user error or parsed into records that fit Discord's
// limits when shown; it never panics. `go test` runs the seeds;
// go test -run '^$' -fuzz FuzzForms ./commands explores.
func FuzzForms(f *testing.F) {
	for _, s := range []string{"", "One.\n\nTwo.", "||spoiler||", "||open", "a||b||c", "\n\n\n", "Mikey Madison — Ani\nMark Eydelshteyn — Vanya",
		"— Role", "Actor —", "x — y — z", "\u2028\u2029", "\xff", "@everyone", "Ani, Anora, , ,"} {
		f.Add(s, s, "2024")
	}
	f.Fuzz(func(t *testing.T, text, cast, year string) {
		reviewer, _, excerpts, err := reviewInput(manageEN, "Critic", text, "quote")
		if err != nil && storage.Message(err) == "" {
			t.Fatalf("review form: %v", err)
		}
		if err == nil {
			if reviewer == "" || len(excerpts) == 0 {
				t.Fatalf("accepted an empty review: %q", text)
			}
			for _, e := range excerpts {
				if n := len([]rune(e.Text)); n == 0 || n > limits.EmbedDescription {
					t.Fatalf("excerpt of %d characters from %q", n, text)
				}
			}
		}
		film, err := parseFilm(manageEN, map[string]string{"title": text, "year": year, "cast": cast, "directors": cast, "aliases": cast}, storage.Film{})
		if err != nil && storage.Message(err) == "" {
			t.Fatalf("film form: %v", err)
		}
		if err == nil && film.Title == "" {
			t.Fatalf("accepted a film without a title: %q", text)
		}
	})
}
