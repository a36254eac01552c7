package commands

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/filmbot/filmbot/locale"
	"github.com/filmbot/filmbot/storage"
)

// nightIDs is whether a catalog id is movie nights' (this file's tests).
func nightIDs(id string) bool {
	return strings.HasPrefix(id, "night.") || strings.HasPrefix(id, "when.") || strings.HasPrefix(id, "desc.movienight") ||
		strings.HasPrefix(id, "choice.movienight") || strings.HasPrefix(id, "name.movienight")
}

// Every language file gives every movie-night message, with English's
// placeholders and its CLDR plural forms; the lists the code splits
// (weekdays, months, the weekdays members type) have their length; the
// definitions' descriptions fit Discord's 100 characters.
func TestNightMessagesInEveryLanguage(t *testing.T) {
	New(nil).Commands() // declares the definitions' ids
	for _, p := range locale.Problems() {
		if _, rest, ok := strings.Cut(p, ": "); ok && nightIDs(strings.Fields(rest)[0]) {
			t.Error(p)
		}
	}
	for _, code := range locale.Locales() {
		tr := locale.For(code)
		if n := len(strings.Split(tr.S(msgNightWeekdays), "|")); n != 7 {
			t.Errorf("%s: %d weekdays", code, n)
		}
		if n := len(strings.Split(tr.S(msgNightMonths), "|")); n != 12 {
			t.Errorf("%s: %d months", code, n)
		}
		if n := len(strings.Split(tr.S(msgWhenWeekdays), "|")); n != 7 {
			t.Errorf("%s: %d weekdays to type", code, n)
		}
	}
	var walk func(path string, desc *map[discordgo.Locale]string, opts []*discordgo.ApplicationCommandOption)
	walk = func(path string, desc *map[discordgo.Locale]string, opts []*discordgo.ApplicationCommandOption) {
		if desc == nil || len(*desc) < len(locale.Locales())-1 {
			t.Errorf("%s: descriptions in %d languages", path, lenOf(desc))
		} else {
			for l, d := range *desc {
				if n := utf8.RuneCountInString(d); n < 1 || n > 100 {
					t.Errorf("%s in %s: %d characters", path, l, n)
				}
			}
		}
		for _, o := range opts {
			walk(path+"."+o.Name, &o.DescriptionLocalizations, o.Options)
		}
	}
	for _, c := range New(nil).Commands() {
		if c.Def.Name == "movienight" {
			walk("movienight", c.Def.DescriptionLocalizations, c.Def.Options)
		}
	}
}

func lenOf(m *map[discordgo.Locale]string) int {
	if m == nil {
		return 0
	}
	return len(*m)
}

// Members type times in their language (the words its file gives), and
// English is always read too; a time that is not one says so in the
// member's language, with examples that read in it.
func TestParseWhenInLanguages(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Skip("no time zone database")
	}
	now := time.Date(2026, 11, 27, 18, 30, 0, 0, paris) // a Friday
	for _, c := range []struct{ locale, in, want string }{
		{"ru", "завтра 20:00", "2026-11-28 20:00"},
		{"ru", "Завтра в 20:00", "2026-11-28 20:00"},
		{"ru", "в пятницу в 21:00", "2026-11-27 21:00"},
		{"ru", "пн 19:45", "2026-11-30 19:45"},
		{"ru", "через 3 дня", "2026-11-30 18:30"},
		{"ru", "через 2 часа", "2026-11-27 20:30"},
		{"ru", "через 45 минут", "2026-11-27 19:15"},
		{"ru", "сегодня 20:30", "2026-11-27 20:30"},
		{"ru", "tomorrow 20:30", "2026-11-28 20:30"}, // English too
		{"uk", "завтра о 20:00", "2026-11-28 20:00"},
		{"uk", "через 3 дні", "2026-11-30 18:30"},
		{"de", "morgen 20:00", "2026-11-28 20:00"},
		{"de", "morgen um 20 Uhr", "2026-11-28 20:00"},
		{"de", "Samstag 20:15", "2026-11-28 20:15"},
		{"de", "in 3 Tagen", "2026-11-30 18:30"},
		{"de", "in 1 Woche", "2026-12-04 18:30"},
		{"fr", "vendredi 21h", "2026-11-27 21:00"},
		{"fr", "demain à 20h30", "2026-11-28 20:30"},
		{"fr", "dans 3 jours", "2026-11-30 18:30"},
		{"es-ES", "mañana a las 20:00", "2026-11-28 20:00"},
		{"es-419", "en 2 horas", "2026-11-27 20:30"}, // reads Spanish
		{"pt-BR", "sábado às 20:00", "2026-11-28 20:00"},
		{"pt-BR", "daqui a 3 dias", "2026-11-30 18:30"},
		{"pl", "jutro o 20:00", "2026-11-28 20:00"},
		{"pl", "za 3 dni", "2026-11-30 18:30"},
		{"tr", "yarın 20:00", "2026-11-28 20:00"},
		{"tr", "3 gün sonra", "2026-11-30 18:30"},
		{"ja", "明日 20:00", "2026-11-28 20:00"},
		{"ja", "明日20時", "2026-11-28 20:00"},
		{"ja", "3日後", "2026-11-30 18:30"},
		{"ja", "明日 ２０：３０", "2026-11-28 20:30"}, // full-width, as an input method types them
		{"ja", "明日２０時", "2026-11-28 20:00"},
		{"ja", "３日後", "2026-11-30 18:30"},
		{"zh-CN", "明天 ２０：００", "2026-11-28 20:00"},
		{"ko", "내일 20:00", "2026-11-28 20:00"},
		{"ko", "3일 후", "2026-11-30 18:30"},
		{"zh-CN", "明天 20:00", "2026-11-28 20:00"},
		{"zh-CN", "周六 20点30分", "2026-11-28 20:30"},
		{"zh-CN", "3天后", "2026-11-30 18:30"},
		{"it", "domani alle 20:00", "2026-11-28 20:00"},
		{"it", "tra 3 giorni", "2026-11-30 18:30"},
	} {
		got, err := parseWhen(c.in, now, paris, locale.For(c.locale))
		if err != nil || got.In(paris).Format("2006-01-02 15:04") != c.want {
			t.Errorf("%s %q: %v %v, want %s", c.locale, c.in, got.In(paris), err, c.want)
		}
	}
	for _, c := range []struct{ locale, in string }{
		{"ru", "завтра"}, {"ru", "через 3 фортнайта"}, {"ru", "через 0 дней"}, {"de", "morgen 25:00"}, {"fr", "vendredi 21h75"},
		{"en-US", "завтра 20:00"}, // a member reading English types English
	} {
		if _, err := parseWhen(c.in, now, paris, locale.For(c.locale)); err == nil {
			t.Errorf("%s %q: read", c.locale, c.in)
		}
	}
	// The error is in the member's language, and its examples read.
	example := regexp.MustCompile("`([^`]+)`")
	for _, code := range locale.Locales() {
		tr := locale.For(code)
		_, err := parseWhen("soonish", now, paris, tr)
		if err == nil || !strings.Contains(err.Error(), `"soonish"`) {
			t.Fatalf("%s: %v", code, err)
		}
		if code != locale.English && strings.Contains(err.Error(), "is not a time I can read") {
			t.Errorf("%s: the error is English: %v", code, err)
		}
		ex := example.FindAllStringSubmatch(err.Error(), -1)
		if len(ex) != 4 {
			t.Errorf("%s: examples %q", code, ex)
		}
		for _, m := range ex {
			if _, err := parseWhen(m[1], now, paris, tr); err != nil {
				t.Errorf("%s: its own example %q does not read: %v", code, m[1], err)
			}
		}
	}
}

// A night's posts are in the server's language, fixed when it is planned
// (a change of /settings language after that does not change them); the
// host's answers in the host's; the history in the reader's.
func TestMovieNightInTheServersLanguage(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	now := time.Date(2026, 11, 27, 17, 0, 0, 0, time.UTC) // a Friday
	screen := &fakeScreen{votes: []int{1, 2}}
	e.set.WithScreener(screen, "p1").WithClock(func() time.Time { return now })
	tang, _ := e.db.CreateFilm(ctx, 111, storage.Film{Title: "Tangerine", Year: 2015, Runtime: 88})
	e.db.UpdateSettings(ctx, 111, func(s *storage.Settings) { s.Timezone = "Europe/Paris"; s.Language = "de" })
	ru := func(i *discordgo.InteractionCreate) *discordgo.InteractionCreate {
		i.Locale = discordgo.Russian
		guild := discordgo.EnglishUS
		i.GuildLocale = &guild // the settings' language comes first
		return i
	}

	// The host writes Russian; the server reads German.
	if msg := e.userError(e.cmds["movienight"].Run, ru(nightCmd("plan", opt("starts", "послезавтра"), opt("candidates", "anora, tangerine")))); !strings.Contains(msg, "не похоже на время") || !strings.HasPrefix(msg, "starts: ") {
		t.Errorf("unreadable time: %q", msg)
	}
	r := e.run(ru(nightCmd("plan", opt("starts", "завтра в 21:00"), opt("closes", "через 3 часа"), opt("candidates", "anora, tangerine"))))
	if !strings.HasPrefix(r.Data.Content, "Готово: голосование открыто в <#5>") || !strings.Contains(r.Data.Content, "• Tangerine (2015)") {
		t.Fatalf("the host's answer: %q", r.Data.Content)
	}
	n := e.night(ctx)
	if n.Locale != "de" || n.Starts.UTC().Format(time.RFC3339) != "2026-11-28T20:00:00Z" {
		t.Fatalf("the night: %q %v", n.Locale, n.Starts)
	}
	if len(screen.polls) != 1 || !strings.HasPrefix(screen.polls[0], "🎬 **Filmabend!** Stimmt für den Film ab") ||
		!strings.Contains(screen.polls[0], "-# Filmabend #1 · Abstimmung\nWelcher Film am Sa., 28. Nov.?\nAnora (2024)|Tangerine (2015)") {
		t.Errorf("the poll: %q", screen.polls)
	}
	if h := embed(e.run(ru(nightCmd("history")))); !strings.Contains(h.Description, "идёт голосование — голосование закончится <t:") {
		t.Errorf("history of an open poll: %q", h.Description)
	}
	if msg := e.userError(e.cmds["movienight"].Run, ru(nightCmd("plan", opt("starts", "в субботу 21:00"), opt("candidates", "anora, tangerine")))); !strings.Contains(msg, "уже запланирован") {
		t.Errorf("a second night: %q", msg)
	}
	// The server's language changes after the plan: the night keeps its own.
	e.db.UpdateSettings(ctx, 111, func(s *storage.Settings) { s.Language = "fr" })
	now = now.Add(3 * time.Hour)
	if k, err := e.set.Nights().RunDue(ctx); k != 1 || err != nil {
		t.Fatalf("close: %d %v", k, err)
	}
	if len(screen.cards) != 1 || !strings.Contains(screen.cards[0], "|Heute läuft: Tangerine (2015)|Gewählt mit 2 Stimmen.\nDie Vorführung beginnt <t:") {
		t.Errorf("the announcement: %q", screen.cards)
	}
	if len(screen.events) != 1 || !strings.HasPrefix(screen.events[0], "Filmabend: Tangerine (2015) @Auf diesem Server: siehe Ankündigung") {
		t.Errorf("the event: %q", screen.events)
	}
	for id, desc := range screen.descs {
		if desc != "Vom Server mit filmbot gewählt.\nFilmabend #1 · Event" {
			t.Errorf("event %s: %q", id, desc)
		}
	}
	now = n.Starts.Add(2 * time.Hour)
	if k, _ := e.set.Nights().RunDue(ctx); k != 1 || len(screen.cards) != 2 || !strings.HasPrefix(screen.cards[1], "Die Vorführung ist vorbei: Wie war’s?") {
		t.Fatalf("the rating prompt: %q", screen.cards)
	}
	// Its Rate menu speaks the server's language too.
	if got, want := screen.rows[1][0].(discordgo.ActionsRow).Components[0].(discordgo.SelectMenu).Placeholder, rateMenuIn(locale.For("de"), 1).Components[0].(discordgo.SelectMenu).Placeholder; got != want || got == "Rate this film" {
		t.Errorf("the prompt's menu: %q, want %q", got, want)
	}
	e.db.ImportRatings(ctx, 111, 7, []storage.Rating{{Film: tang.ID, Score: 8, At: now}})
	e.db.ImportRatings(ctx, 111, 8, []storage.Rating{{Film: tang.ID, Score: 7, At: now}})
	now = now.Add(25 * time.Hour)
	if k, _ := e.set.Nights().RunDue(ctx); k != 1 || len(screen.cards) != 3 ||
		!strings.Contains(screen.cards[2], "|Das Urteil des Filmabends: Tangerine (2015)|2 Bewertungen seit der Vorführung: im Schnitt **7,5**/10. Üblich auf diesem Server: 7,5/10 aus 2 Bewertungen.") {
		t.Fatalf("the verdict: %q", screen.cards)
	}
	// The history is the reader's: Russian labels, the verdict as posted.
	h := embed(e.run(ru(nightCmd("history"))))
	if h.Title != "Киновечера" || !strings.Contains(h.Description, "**Tangerine (2015)** — 2 Bewertungen") {
		t.Errorf("history: %q %q", h.Title, h.Description)
	}
	if msg := e.userError(e.cmds["movienight"].Run, ru(nightCmd("cancel"))); msg != "Здесь не запланирован киновечер." {
		t.Errorf("cancel: %q", msg)
	}
}

// In a Russian server, the counts take Russian plural forms (1 голосом,
// 5 оценок), and a server with no language set reads its guild_locale.
func TestMovieNightRussianPlurals(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	now := time.Date(2026, 11, 27, 17, 0, 0, 0, time.UTC)
	screen := &fakeScreen{votes: []int{0, 1}}
	e.set.WithScreener(screen, "p1").WithClock(func() time.Time { return now })
	tang, _ := e.db.CreateFilm(ctx, 111, storage.Film{Title: "Tangerine", Year: 2015, Runtime: 88})
	i := nightCmd("plan", opt("starts", "in 5 hours"), opt("closes", "in 2 hours"), opt("candidates", "anora, tangerine"))
	guild := discordgo.Russian
	i.GuildLocale = &guild // the host's own locale is unset: English
	if r := e.run(i); !strings.HasPrefix(r.Data.Content, "Planned: the poll is up") {
		t.Fatalf("the host's answer: %q", r.Data.Content)
	}
	if !strings.Contains(screen.polls[0], "Какой фильм смотрим 27 ноября (пт)?") || !strings.Contains(screen.polls[0], "-# Киновечер №1 · голосование") {
		t.Errorf("the poll: %q", screen.polls)
	}
	now = now.Add(2 * time.Hour)
	e.set.Nights().RunDue(ctx)
	if !strings.Contains(screen.cards[0], "|Сегодня смотрим: Tangerine (2015)|Выбран 1 голосом.\nПоказ начинается <t:") {
		t.Errorf("the announcement: %q", screen.cards)
	}
	now = now.Add(5 * time.Hour)
	e.set.Nights().RunDue(ctx)
	for u := uint64(1); u <= 5; u++ {
		e.db.ImportRatings(ctx, 111, u, []storage.Rating{{Film: tang.ID, Score: 6 + int(u%2), At: now}})
	}
	now = now.Add(25 * time.Hour)
	e.set.Nights().RunDue(ctx)
	if len(screen.cards) != 3 || !strings.Contains(screen.cards[2], "|Итог киновечера: Tangerine (2015)|5 оценок после показа: в среднем **6,6**/10. Обычно на этом сервере: 6,6/10 по 5 оценкам.") {
		t.Errorf("the verdict: %q", screen.cards)
	}
}

func (e *env) night(ctx context.Context) storage.Night {
	e.t.Helper()
	ns, err := e.db.Nights(ctx, 111)
	if err != nil || len(ns) == 0 {
		e.t.Fatalf("nights: %v %v", ns, err)
	}
	return ns[0]
}

// Whatever a member types, in whatever language, parseWhen answers a
// time or its error, and never panics.
func FuzzParseWhen(f *testing.F) {
	for _, s := range []string{"завтра 20:00", "in 3 Tagen", "vendredi 21h", "3日後", "周六 20点30分", "в пятницу в", "99:99", "in 99999 days", "明日の", "", " | ", "\x00 0 \x00"} {
		f.Add(s, "ru")
	}
	codes := locale.Locales()
	now := time.Date(2026, 11, 27, 18, 30, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, in, code string) {
		for _, c := range append(codes, code) {
			at, err := parseWhen(in, now, time.UTC, locale.For(c))
			if err == nil && at.IsZero() {
				t.Errorf("%s %q: a zero time", c, in)
			}
		}
	})
}

// A night in another language tags its posts in that language, and a
// retry after a failed save finds them by that tag: nothing is posted
// twice.
func TestNightRetryFindsItsTagInItsLanguage(t *testing.T) {
	w := newNightWorld(t)
	fs := &failSaves{DB: w.db, pred: func(n storage.Night) bool { return n.Announce != "" }}
	w.set = New(fs).WithScreener(w.screen, "p1").WithClock(w.clock)
	withTicks(w.set, noTicks)
	for _, cmd := range w.set.Commands() {
		w.cmds[cmd.Def.Name] = cmd
	}
	i := nightCmd("plan", opt("starts", "in 5 hours"), opt("closes", "in 2 hours"), opt("candidates", "anora, tangerine"))
	guild := discordgo.Japanese
	i.GuildLocale = &guild
	w.run(i)
	w.setClock(w.clock().Add(2 * time.Hour))
	w.runUntil(w.set, storage.StepClose, 3)
	if fs.pred != nil {
		t.Fatal("no save failed")
	}
	if n := w.night(); n.Locale != "ja" || len(w.screen.cards) != 1 || n.Announce == "" || !strings.Contains(w.screen.posts[n.Announce], "映画の夜 #1 · 発表") {
		t.Errorf("the announcement, posted %d times: %q; %+v", len(w.screen.cards), w.screen.posts, n)
	}
}
