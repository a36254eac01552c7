package commands

import (
	"context"
	"testing"

	"github.com/bwmarrin/discordgo"
)

// A member types a title in their own script (issue 27, item 5): the
// built-in film answers a Russian member's "Анора" (and a Japanese
// member's title) offline, from the titles the seed carries, shown in
// the member's language; an English member sees it as Anora.
func TestAutocompleteInMembersScript(t *testing.T) {
	onBothStores(t, func(t *testing.T, e *previewEnv) {
		e.set.WithSource(nil) // offline: the seed's titles alone
		anora, err := e.store.FilmByTMDB(context.Background(), 1064213)
		if err != nil {
			t.Fatal(err)
		}
		autocompleteInScript(t, e.env, anora.ID)
	})
}

func autocompleteInScript(t *testing.T, e *env, anora uint64) {
	for _, c := range []struct{ locale, typed, want string }{
		{"ru", "Анора", "Анора (2024)"},
		{"ru", "анор", "Анора (2024)"},
		{"uk", "Анора", "Анора (2024)"},
		{"ja", "アノーラ", "ANORA アノーラ (2024)"},
		{"en-US", "Анора", "Anora (2024)"},
		{"ru", "anora", "Анора (2024)"},
	} {
		i := auto(guildA, "review", focus(opt("film", c.typed)))
		i.Locale = discordgo.Locale(c.locale)
		r, err := e.cmds["review"].Autocomplete(context.Background(), i)
		if err != nil {
			t.Fatal(err)
		}
		if len(r.Data.Choices) == 0 || r.Data.Choices[0].Name != c.want || r.Data.Choices[0].Value != filmValue(anora) {
			var got []string
			for _, ch := range r.Data.Choices {
				got = append(got, ch.Name)
			}
			t.Errorf("%s typing %q: %q, want %q first", c.locale, c.typed, got, c.want)
		}
	}
}
