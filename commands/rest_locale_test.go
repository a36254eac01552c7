package commands

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/filmbot/filmbot/limits"
	"github.com/filmbot/filmbot/locale"
	"github.com/filmbot/filmbot/storage"
)

// Issue 27, the leftovers: the moderators' form fields named in the
// member's language in a refusal, stale buttons, the Rate menu under
// /film and /random, and a film card that fits Discord's 6,000
// characters in every language.

// bigFilm has every list of a card long: 40 awards, languages, genres
// and directors of long names, a long country, premiere and release,
// the longest overview a card shows, and other names.
func bigFilm() storage.Film {
	many := func(what string, n int) []string {
		var out []string
		for k := range n {
			out = append(out, fmt.Sprintf("%s with a name long enough to fill a line of the card (number %d)", what, k+1))
		}
		return out
	}
	long := strings.Repeat("Somewhere far away, ", 60)
	return storage.Film{Title: strings.Repeat("Épopée ", 28), Year: 1999, Runtime: 999,
		Directors: many("Director", 40), Languages: many("Language", 40), Genres: many("Genre", 40),
		Awards: many("Award of a festival", 40), Country: long, Premiere: long, Release: long,
		Overview: strings.Repeat("An overview. ", 200), Aliases: many("Alias", 12)}
}

// embedChars counts a card as Discord does toward its 6,000.
func embedChars(e *discordgo.MessageEmbed) int {
	n := utf8.RuneCountInString(e.Title) + utf8.RuneCountInString(e.Description)
	if e.Footer != nil {
		n += utf8.RuneCountInString(e.Footer.Text)
	}
	for _, f := range e.Fields {
		n += utf8.RuneCountInString(f.Name) + utf8.RuneCountInString(f.Value)
	}
	return n
}

// A film whose lists are all long: its card keeps within 6,000
// characters in English and in every language (e.run checks the
// limits), the longest lists cut with "…and N more" in the member's
// language, the short fields whole.
func TestFilmCardFitsInEveryLanguage(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	f, err := e.db.CreateFilm(ctx, 111, bigFilm())
	if err != nil {
		t.Fatal(err)
	}
	for u := 1; u <= 3; u++ {
		if _, err := e.db.Rate(ctx, 111, f.ID, uint64(u), 6+u); err != nil {
			t.Fatal(err)
		}
	}
	for _, loc := range append([]string{locale.English}, languages...) {
		func() {
			tl := locale.For(loc)
			card := embed(e.run(in(loc, slash(guildA, "film", opt("film", fmt.Sprintf("id:%d", f.ID))))))
			if n := embedChars(card); n > limits.EmbedTotal {
				t.Fatalf("%s: card of %d characters", loc, n)
			}
			fields := fieldMap(card)
			awards := fields[tl.S(msgAwards)]
			if !strings.HasPrefix(awards, "• Award of a festival") {
				t.Fatalf("%s: awards %q", loc, awards)
			}
			// The awards are cut: some shown, the rest counted.
			shown := strings.Count(awards, "• ")
			if shown < 2 || shown >= 40 || !strings.HasSuffix(awards, "\n"+tl.N(msgMore, 40-shown)) {
				t.Errorf("%s: awards (%d shown) end %q", loc, shown, awards[max(0, len(awards)-80):])
			}
			for _, k := range []locale.Key{msgLanguages, msgGenres} {
				v := fields[tl.S(k)]
				n := strings.Count(v, ", ") + 1
				if !strings.HasSuffix(v, " "+tl.N(msgMore, 40-n)) {
					t.Errorf("%s: %s ends %q", loc, tl.S(k), v[max(0, len(v)-80):])
				}
			}
			if !strings.HasSuffix(card.Title, "(1999)") || !strings.Contains(fields[tl.S(msgRating)], "/10") {
				t.Errorf("%s: the short fields: %v", loc, fields)
			}
			t.Logf("%s: %d characters", loc, embedChars(card))
		}()
	}
	ru := fieldMap(embed(e.run(in("ru", slash(guildA, "film", opt("film", fmt.Sprintf("id:%d", f.ID)))))))
	if a := ru["Награды"]; !strings.Contains(a, "\n…и ещё ") {
		t.Errorf("ru awards: %q", a)
	}
}

// moreList: the names that fit whole, then the rest counted in the
// member's language; one name left out is cut short instead; never over
// room.
func TestMoreList(t *testing.T) {
	ru := locale.For("ru")
	names := []string{"Alpha", "Beta", "Gamma", "Delta", "Epsilon"}
	for _, c := range []struct {
		names []string
		room  int
		want  string
	}{
		{names, 100, "Alpha, Beta, Gamma, Delta, Epsilon"},
		{names, 30, "Alpha, Beta, Gamma …и ещё 2"},
		{names, 24, "Alpha, Beta …и ещё 3"},
		{names, 34, "Alpha, Beta, Gamma, Delta, Epsilon"},
		{names, 33, "Alpha, Beta, Gamma …и ещё 2"},
		// Room for ten characters or more of the last name: cut, not counted.
		{append(names[:4:4], "Epsilon the Twelfth"), 40, "Alpha, Beta, Gamma, Delta, Epsilon the…"},
		{names[:1], 3, "Al…"},
		{[]string{strings.Repeat("Long name ", 10), "Beta"}, 30, "Long name Long name… …и ещё 1"},
		{[]string{strings.Repeat("Long name ", 10)}, 30, "Long name Long name Long name…"},
	} {
		got := moreList(ru, c.names, ", ", " ", c.room)
		if got != c.want || utf8.RuneCountInString(got) > c.room {
			t.Errorf("%d names in %d: %q, want %q", len(c.names), c.room, got, c.want)
		}
	}
	if got := moreList(english(), names, ", ", " ", 30); got != "Alpha, Beta, Gamma …and 2 more" {
		t.Errorf("en: %q", got)
	}
	for _, c := range []struct {
		lengths      []int
		budget, want int
	}{
		{[]int{10, 20, 30}, 100, 30},
		{[]int{10, 20, 30}, 50, 20},
		{[]int{10, 1000, 1000}, 610, 300},
		{[]int{5, 5}, 1, 1},
	} {
		if got := waterLevel(c.lengths, c.budget); got != c.want {
			t.Errorf("waterLevel(%v, %d) = %d, want %d", c.lengths, c.budget, got, c.want)
		}
	}
}

// A moderator's form refused in Russian names the field in Russian, in a
// sentence wholly Russian; in English as before.
func TestModeratorFieldsInRussian(t *testing.T) {
	e := newEnv(t)
	film := func(loc string, v map[string]string) string {
		if v["year"] == "" {
			v["year"] = "2015"
		}
		return e.userError(e.set.modFilm, inLocale(mod(submit(guildA, "modfilm:add:0", v)), loc))
	}
	review := func(loc string, v map[string]string) string {
		return e.userError(e.set.modReview, inLocale(mod(submit(guildA, "modrev:add:1", v)), loc))
	}
	for _, c := range []struct{ got, want string }{
		{film("ru", map[string]string{"title": "Tan\x07gerine"}), "Название: есть управляющий символ (U+0007); уберите его."},
		{film("ru", map[string]string{"title": "Tan\ngerine"}), "Название: пишите в одну строку, без переносов."},
		{film("ru", map[string]string{"title": "Tangerine", "directors": "Sean Baker, Sean\u202eBaker"}), "Имя режиссёра: есть символ, меняющий направление текста (U+202E); уберите его."},
		{film("ru", map[string]string{"title": "Tangerine", "aliases": "Мандарин, \x01"}), "Другое название: есть управляющий символ (U+0001); уберите его."},
		{film("ru", map[string]string{"title": "Tangerine", "cast": "Mya Taylor — Alexandra\nKitana\x1b — Sin-Dee"}), "Актёры: есть управляющий символ (U+001B); уберите его."},
		{film("uk", map[string]string{"title": "Tan\ngerine"}), "Назва: пишіть в один рядок, без переносів."},
		{film("de", map[string]string{"title": "Tangerine", "directors": "Sean\u202eBaker"}), "Regie: enthält ein Zeichen, das die Schreibrichtung umkehrt (U+202E); entferne es."},
		{film("ja", map[string]string{"title": "Tangerine", "cast": "A — B\x07"}), "キャスト：制御文字（U+0007）が含まれています。削除してください。"},
		{review("ru", map[string]string{"reviewer": "Анна\x07", "text": "Текст."}), "Имя автора: есть управляющий символ (U+0007); уберите его."},
		{review("ru", map[string]string{"reviewer": "Анна", "text": "Текст.", "quote": "раз\nдва"}), "Цитата для анонса: пишите в одну строку, без переносов."},
		{review("ru", map[string]string{"reviewer": "Анна", "text": "Текст\u202e."}), "Текст рецензии: есть символ, меняющий направление текста (U+202E); уберите его."},
		{review("fr", map[string]string{"reviewer": "Anne", "text": "Texte\x07."}), "Texte de la critique : contient un caractère de contrôle (U+0007) ; retire-le."},
		// English as it was.
		{film("en-US", map[string]string{"title": "Tan\x07gerine"}), "The title contains a control character (U+0007); remove it."},
		{film("en-US", map[string]string{"title": "Tangerine", "directors": "Sean\u202eBaker"}), "A director's name contains a character that reverses the direction of text (U+202E); remove it."},
		{film("en-US", map[string]string{"title": "Tangerine", "aliases": "\x01"}), "An other name contains a control character (U+0001); remove it."},
		{film("en-US", map[string]string{"title": "Tangerine", "cast": "A — B\x07"}), "The cast contains a control character (U+0007); remove it."},
		{review("en-US", map[string]string{"reviewer": "Ann", "text": "Text.", "quote": "a\nb"}), "The pull quote must be on one line."},
		{review("en-US", map[string]string{"reviewer": "Ann\x07", "text": "Text."}), "The reviewer's name contains a control character (U+0007); remove it."},
		{review("en-US", map[string]string{"reviewer": "Ann", "text": "Text\x07."}), "The review contains a control character (U+0007); remove it."},
	} {
		if c.got != c.want {
			t.Errorf("got  %q\nwant %q", c.got, c.want)
		}
	}
	// A cast line is cleaned as one line; its label is the language's.
	if _, err := cleanLineIn(locale.For("ru"), locale.For("ru").F(msgFieldCastLine, "Line", "3"), "a\nb"); storage.Message(err) != "Строка актёров 3: пишите в одну строку, без переносов." {
		t.Errorf("cast line: %v", err)
	}
}

// A button that no longer makes sense is told so in the member's
// language: the Rate menu, /top's pages, and the moderators' buttons.
func TestStaleButtonsInRussian(t *testing.T) {
	e := newEnv(t)
	for _, c := range []struct {
		h  Handler
		id string
	}{
		{e.set.rateButton, "rate:bogus:1"},
		{e.set.topButton, "top:page:0:1"},
		{e.set.divisiveButton, "topdiv:page:0:1"},
		{e.set.modFilm, "modfilm:bogus:1"},
		{e.set.modReview, "modrev:bogus:1"},
	} {
		if got := e.userError(c.h, in("ru", mod(click(guildA, c.id)))); got != "Эта кнопка устарела." {
			t.Errorf("%s in Russian: %q", c.id, got)
		}
		if got := e.userError(c.h, mod(click(guildA, c.id))); got != "That button is out of date." {
			t.Errorf("%s in English: %q", c.id, got)
		}
	}
}

// The Rate menu under /film and /random, and the refusal of @everyone as
// a role, in the member's language.
func TestRateMenuAndRoleInRussian(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	placeholder := func(r *discordgo.InteractionResponse) string {
		for _, row := range rows(r) {
			for _, c := range row.Components {
				if m, ok := c.(discordgo.SelectMenu); ok {
					return m.Placeholder
				}
			}
		}
		return ""
	}
	if p := placeholder(e.run(in("ru", slash(guildA, "film", opt("film", "anora"))))); p != "Оценить фильм" {
		t.Errorf("/film: %q", p)
	}
	if p := placeholder(e.run(slash(guildA, "film", opt("film", "anora")))); p != "Rate this film" {
		t.Errorf("/film in English: %q", p)
	}
	if _, err := e.db.WatchlistAdd(ctx, 111, 42, e.anora.ID); err != nil {
		t.Fatal(err)
	}
	if p := placeholder(e.run(in("uk", slash(guildA, "random")))); p != "Оцінити фільм" {
		t.Errorf("/random in Ukrainian: %q", p)
	}
	role := func(sub_ string) *discordgo.InteractionCreate {
		return in("ru", mod(slash(guildA, "settings", sub("", sub_, &discordgo.ApplicationCommandInteractionDataOption{Name: "role", Type: discordgo.ApplicationCommandOptionRole, Value: guildA}))))
	}
	if got := e.userError(e.cmds["settings"].Run, role("mod-role")); !strings.HasPrefix(got, "@everyone не может быть ролью модераторов") {
		t.Errorf("mod-role @everyone: %q", got)
	}
	if got := e.userError(e.cmds["settings"].Run, role("host-role")); strings.Contains(got, "cannot") || !strings.HasPrefix(got, "@everyone") {
		t.Errorf("host-role @everyone: %q", got)
	}
}

// A review's file refused in the moderator's language, its name quoted
// as it is.
func TestReviewFileErrorsInRussian(t *testing.T) {
	e := newEnv(t)
	e.set.WithFetcher(func(_ context.Context, url string, max int64) ([]byte, error) {
		switch {
		case strings.HasSuffix(url, "/big.txt"):
			return make([]byte, max+1), nil
		case strings.HasSuffix(url, "/binary.txt"):
			return []byte{0xff, 0xfe}, nil
		case strings.HasSuffix(url, "/slow.txt"):
			return nil, context.DeadlineExceeded
		}
		return nil, fmt.Errorf("connection reset")
	})
	run := func(name string, size int, resolved bool) string {
		i := in("ru", mod(slash(guildA, "manage", sub("review", "add", opt("film", "anora"), attachOpt("a1")))))
		if resolved {
			withAttachment(i, &discordgo.MessageAttachment{ID: "a1", Filename: name, Size: size, URL: "https://cdn.example/" + name})
		}
		return e.userError(e.cmds["manage"].Run, i)
	}
	for _, c := range []struct{ got, want string }{
		{run("photo.png", 10, true), `"photo.png" — не текстовый файл. Прикрепите рецензию файлом .txt или .md (текст UTF-8, до 100 КБ).`},
		{run("long.txt", 250<<10, true), `"long.txt": 250 КБ, а предел — 100 КБ.`},
		{run("big.txt", 10, true), `"big.txt" больше 100 КБ.`},
		{run("binary.txt", 2, true), `"binary.txt" — не текст в UTF-8. Прикрепите рецензию файлом .txt или .md (текст UTF-8, до 100 КБ).`},
		{run("slow.txt", 2, true), `"slow.txt" скачивался слишком долго. Попробуйте ещё раз.`},
		{run("gone.txt", 2, true), `Не удалось скачать "gone.txt". Попробуйте ещё раз.`},
		{run("", 0, false), "Файл не дошёл. Прикрепите рецензию файлом .txt или .md (текст UTF-8, до 100 КБ)."},
	} {
		if c.got != c.want {
			t.Errorf("got  %q\nwant %q", c.got, c.want)
		}
	}
}
