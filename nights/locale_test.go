package nights

import (
	"context"
	"testing"

	"github.com/filmbot/filmbot/storage"
)

// What the steps write themselves (the winner's note, the tags) is in the
// night's language, with its plural forms; English's stays as it was.
func TestNotesInTheNightsLanguage(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	a, _ := w.db.CreateFilm(ctx, scope, storage.Film{Title: "A", Year: 2001})
	b, _ := w.db.CreateFilm(ctx, scope, storage.Film{Title: "B", Year: 2002})
	night := func(locale string) storage.Night {
		return storage.Night{ID: 3, Scope: scope, Candidates: []uint64{a.ID, b.ID}, Locale: locale}
	}
	note := func(locale string, votes []int) (uint64, string) {
		t.Helper()
		id, note, err := w.svc.pickWinner(ctx, night(locale), votes)
		if err != nil {
			t.Fatal(err)
		}
		return id, note
	}
	for _, c := range []struct {
		locale string
		votes  []int
		want   string
	}{
		{"en-US", []int{0, 0}, "No one voted. A tie of 2 films, equal on watchlists too: drawn at random."},
		{"ru", []int{0, 0}, "Никто не проголосовал. Ничья между 2 фильмами, и по спискам «посмотреть» тоже поровну: выбран случайно."},
		{"ru", nil, "Голосование не удалось прочитать (его удалили или канала больше нет), поэтому выбрали списки «посмотреть». Ничья между 2 фильмами, и по спискам «посмотреть» тоже поровну: выбран случайно."},
		{"ru", []int{5, 1}, "Выбран 5 голосами."},
		{"ru", []int{21, 1}, "Выбран 21 голосом."},
		{"de", []int{1, 0}, "Gewählt mit 1 Stimme."},
		{"ja", []int{0, 2}, "2票で選ばれました。"},
	} {
		if _, got := note(c.locale, c.votes); got != c.want {
			t.Errorf("%s %v: %q, want %q", c.locale, c.votes, got, c.want)
		}
	}
	w.db.WatchlistAdd(ctx, scope, 5, b.ID)
	if id, got := note("en-US", []int{2, 2}); id != b.ID || got != "Chosen with 2 votes. A tie of 2 films, broken by watchlists (1 member)." {
		t.Errorf("en: %d %q", id, got)
	}
	if id, got := note("ru", []int{2, 2}); id != b.ID || got != "Выбран 2 голосами. Ничья между 2 фильмами, решили списки «посмотреть» (1 участник)." {
		t.Errorf("ru: %d %q", id, got)
	}
	for _, c := range []struct{ locale, act, want string }{
		{"", ActPoll, "Movie night #3 · poll"},
		{"en-GB", ActExternal, "Movie night #3 · event"},
		{"ru", ActExternal, "Киновечер №3 · событие"},
		{"fr", ActVerdict, "Soirée ciné n°3 · verdict"},
	} {
		if got := Tag(night(c.locale), c.act); got != c.want {
			t.Errorf("Tag %s %s: %q, want %q", c.locale, c.act, got, c.want)
		}
	}
}
