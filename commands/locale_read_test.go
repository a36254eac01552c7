package commands

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/filmbot/filmbot/locale"
	"github.com/filmbot/filmbot/storage"
)

// Issue 27: /review, /film, /cast, /random and /help answer in the
// member's language (i.Locale), whatever the server's; every answer in
// every language stays within Discord's limits (e.check).

// in sets the member's Discord locale on i.
func in(loc string, i *discordgo.InteractionCreate) *discordgo.InteractionCreate {
	i.Locale = discordgo.Locale(loc)
	return i
}

// clickIn is a button click by a member whose Discord is set to loc.
func (e *env) clickIn(loc, guild, id string) *discordgo.InteractionResponse {
	e.t.Helper()
	kind, _, _ := strings.Cut(id, ":")
	resp, err := e.check(e.set.Components()[kind], in(loc, click(guild, id)))
	if err != nil {
		e.t.Fatalf("button %s: %v", id, err)
	}
	return resp
}

func fieldMap(em *discordgo.MessageEmbed) map[string]string {
	out := map[string]string{}
	for _, f := range em.Fields {
		out[f.Name] = f.Value
	}
	return out
}

// languages are the 12 languages filmbot speaks besides English.
var languages = []string{"ru", "uk", "de", "fr", "es-ES", "pt-BR", "pl", "tr", "ja", "ko", "zh-CN", "it"}

func TestReviewInRussian(t *testing.T) {
	e := newEnv(t)
	i := in("ru", slash(guildA, "review", opt("film", "anora")))
	de := discordgo.Locale("de")
	i.GuildLocale = &de // the server's language does not choose a member's answer
	r := e.run(i)
	em := embed(r)
	if em.Author.Name != "Избранная рецензия" || em.Footer.Text != "Отрывок 1 из 12" {
		t.Errorf("author %q, footer %q", em.Author.Name, em.Footer.Text)
	}
	b := buttons(r)
	for _, want := range []string{"Далее ▶", "🎲 Случайный", "Читать целиком"} {
		if b[want] == "" {
			t.Errorf("no %q button in %v", want, b)
		}
	}
	// Turning the page, in the clicker's language.
	next := e.clickIn("ru", guildA, b["Далее ▶"])
	if embed(next).Footer.Text != "Отрывок 2 из 12" || buttons(next)["◀ Назад"] == "" {
		t.Errorf("next: %q %v", embed(next).Footer.Text, buttons(next))
	}
	// A spoiler: its head and the footer.
	sp := embed(e.run(in("ru", slash(guildA, "review", opt("film", "anora"), opt("excerpt", 11.0)))))
	if !strings.HasPrefix(sp.Description, "**Спойлер** (нажмите, чтобы открыть)\n||") || sp.Footer.Text != "Отрывок 11 из 12 · есть спойлеры" {
		t.Errorf("spoiler: %.60q / %q", sp.Description, sp.Footer.Text)
	}
	// The whole review, paged.
	all := e.clickIn("ru", guildA, b["Читать целиком"])
	if f := embed(all).Footer.Text; !strings.HasPrefix(f, "Рецензия целиком · страница 1 из ") {
		t.Errorf("whole review footer %q", f)
	}
	if buttons(all)["Далее ▶"] == "" {
		t.Errorf("whole review buttons %v", buttons(all))
	}
	// Several reviews: the footer counts them with Russian plurals.
	for n, want := range map[int]string{2: "2 рецензии на этот фильм", 5: "5 рецензий на этот фильм"} {
		e := newEnv(t)
		for k := 1; k < n; k++ {
			if _, err := e.db.AddReview(context.Background(), 111, storage.Review{FilmID: e.anora.ID, Reviewer: fmt.Sprintf("Critic %d", k), Excerpts: []storage.Excerpt{{Text: "Text."}}}); err != nil {
				t.Fatal(err)
			}
		}
		if f := embed(e.run(in("ru", slash(guildA, "review", opt("film", "anora"))))).Footer.Text; !strings.Contains(f, want+": выберите через by:") {
			t.Errorf("%d reviews: footer %q", n, f)
		}
	}
}

func TestReviewErrorsInRussian(t *testing.T) {
	e := newEnv(t)
	run := e.cmds["review"].Run
	for _, c := range []struct {
		opts []*discordgo.ApplicationCommandInteractionDataOption
		want string
	}{
		{[]*discordgo.ApplicationCommandInteractionDataOption{opt("film", "anora"), opt("excerpt", 40.0)}, "В этой рецензии на **Anora (2024)** отрывки с 1 по 12."},
		{[]*discordgo.ApplicationCommandInteractionDataOption{opt("film", "anora"), opt("excerpt", 2.0), opt("about", "igor")}, "Укажите либо excerpt:, либо about:, но не оба."},
		{[]*discordgo.ApplicationCommandInteractionDataOption{opt("film", "anora"), opt("excerpt", 2.5)}, "excerpt: нужно целое число."},
		{[]*discordgo.ApplicationCommandInteractionDataOption{opt("film", "anora"), opt("about", "xylophone")}, "Ни один отрывок рецензии (избранная рецензия) на **Anora (2024)** не упоминает «xylophone»."},
		{[]*discordgo.ApplicationCommandInteractionDataOption{opt("film", "anora"), opt("by", "nobody")}, "Рецензии «nobody» на этот фильм нет. Рецензии здесь: избранная рецензия."},
	} {
		if got := e.userError(run, in("ru", slash(guildA, "review", c.opts...))); got != c.want {
			t.Errorf("got  %q\nwant %q", got, c.want)
		}
	}
	// by: takes the featured review by its name in the member's language.
	if a := embed(e.run(in("ru", slash(guildA, "review", opt("film", "anora"), opt("by", "Избранная рецензия"))))).Author.Name; a != "Избранная рецензия" {
		t.Errorf("by: the featured review in Russian → %q", a)
	}
	// Buttons: out of date, the page number.
	if got := e.userError(e.set.reviewButton, in("ru", click(guildA, "rev:bogus"))); got != "Эта кнопка устарела." {
		t.Errorf("stale button: %q", got)
	}
	if got := e.userError(e.set.reviewButton, in("ru", click(guildA, "rev:noop:1:2"))); got != "Это просто номер страницы." {
		t.Errorf("page number: %q", got)
	}
	// English members still read English.
	if got := e.userError(e.set.reviewButton, click(guildA, "rev:bogus")); got != "That button is out of date." {
		t.Errorf("stale button in English: %q", got)
	}
}

// The by: autocomplete writes the date in the member's language.
func TestReviewAutocompleteDateInLanguage(t *testing.T) {
	e := newEnv(t)
	if _, err := e.db.AddReview(context.Background(), 111, storage.Review{FilmID: e.anora.ID, Reviewer: "Zoë Critic", Excerpts: []storage.Excerpt{{Text: "One."}}}); err != nil {
		t.Fatal(err)
	}
	// The test store's clock: 24 November 2026.
	for loc, want := range map[string]string{
		"":      "Zoë Critic (24 Nov 2026)",
		"ru":    "Zoë Critic (24 нояб. 2026 г.)",
		"de":    "Zoë Critic (24. Nov. 2026)",
		"ja":    "Zoë Critic（2026年11月24日）",
		"pt-BR": "Zoë Critic (24 de nov. de 2026)",
	} {
		ac, err := e.check(e.cmds["review"].Autocomplete, in(loc, auto(guildA, "review", opt("film", "id:1"), focus(opt("by", "")))))
		if err != nil || len(ac.Data.Choices) != 2 || ac.Data.Choices[0].Name != want {
			t.Errorf("%s: %v %+v", loc, err, ac.Data.Choices[0])
		}
	}
	ac, _ := e.check(e.cmds["review"].Autocomplete, in("ru", auto(guildA, "review", opt("film", "id:1"), focus(opt("by", "избран")))))
	if len(ac.Data.Choices) != 1 || !strings.HasPrefix(ac.Data.Choices[0].Name, "Избранная рецензия (") {
		t.Errorf("typing the featured review in Russian: %+v", ac.Data.Choices)
	}
}

func TestShortDate(t *testing.T) {
	d := time.Date(2026, 5, 2, 0, 0, 0, 0, time.UTC)
	for loc, want := range map[string]string{"en-US": "2 May 2026", "ru": "2 мая 2026 г.", "fr": "2 mai 2026", "zh-CN": "2026年5月2日", "ko": "2026년 5월 2일"} {
		if got := shortDate(locale.For(loc), d); got != want {
			t.Errorf("%s: %q, want %q", loc, got, want)
		}
	}
}

// The card's ratings: Russian plurals, and the decimal comma.
func TestFilmCardInLanguage(t *testing.T) {
	for n, want := range map[int]string{1: "— 1 оценка ·", 2: "— 2 оценки ·", 5: "— 5 оценок ·", 21: "— 21 оценка ·"} {
		e := newEnv(t)
		for u := 1; u <= n; u++ {
			if _, err := e.db.Rate(context.Background(), 111, e.anora.ID, uint64(u), 7+u%2); err != nil {
				t.Fatal(err)
			}
		}
		f := fieldMap(embed(e.run(in("ru", slash(guildA, "film", opt("film", "anora"))))))
		if !strings.Contains(f["Оценка этого сервера"], want) {
			t.Errorf("%d ratings: %q", n, f["Оценка этого сервера"])
		}
	}
	e := newEnv(t)
	for u, score := range []int{7, 8} {
		if _, err := e.db.Rate(context.Background(), 111, e.anora.ID, uint64(u+1), score); err != nil {
			t.Fatal(err)
		}
	}
	de := fieldMap(embed(e.run(in("de", slash(guildA, "film", opt("film", "anora"))))))
	if !strings.HasPrefix(de["Bewertung dieses Servers"], "**7,5**/10 ") || !strings.Contains(de["Bewertung dieses Servers"], "aus 2 Bewertungen") {
		t.Errorf("de rating %q", de["Bewertung dieses Servers"])
	}
	en := fieldMap(embed(e.run(slash(guildA, "film", opt("film", "anora")))))
	if !strings.HasPrefix(en["This server's rating"], "**7.5**/10 ") || !strings.Contains(en["This server's rating"], " from 2 · ") {
		t.Errorf("en rating %q", en["This server's rating"])
	}
	// A server whose language is German: a Russian member's card is
	// still Russian, an English member's English.
	if _, err := e.db.UpdateSettings(context.Background(), 111, func(s *storage.Settings) { s.Language = "de" }); err != nil {
		t.Fatal(err)
	}
	if f := fieldMap(embed(e.run(in("ru", slash(guildA, "film", opt("film", "anora")))))); f["Режиссёр"] != "Sean Baker" {
		t.Errorf("ru member in a German server: %v", f)
	}
	if f := fieldMap(embed(e.run(slash(guildA, "film", opt("film", "anora"))))); f["Director"] != "Sean Baker" {
		t.Errorf("en member in a German server: %v", f)
	}
	ru := embed(e.run(in("ru", slash("", "film", opt("film", "anora")))))
	f := fieldMap(ru)
	if ru.Title != "Анора (2024)" { // the year is in the title
		t.Errorf("ru title %q", ru.Title)
	}
	for name, want := range map[string]string{"Хронометраж": "139 мин (2 ч 19 мин)", "Режиссёр": "Sean Baker", "Рецензии": "1 — `/review film:Anora`"} {
		if f[name] != want {
			t.Errorf("ru %s = %q, want %q", name, f[name], want)
		}
	}
	if _, ok := f["Награды"]; !ok || ru.Footer.Text == "" || strings.Contains(ru.Footer.Text, "catalog") {
		t.Errorf("ru fields %v, footer %q", f, ru.Footer.Text)
	}
}

func TestCastInRussian(t *testing.T) {
	e := newEnv(t)
	em := embed(e.run(in("ru", slash(guildA, "cast", opt("film", "anora")))))
	f := fieldMap(em)
	if f["Режиссёр"] != "Sean Baker" || f["Продюсеры"] != "Alex Coco, Samantha Quan, Sean Baker" || f["Оператор"] != "Drew Daniels" {
		t.Errorf("crew %v", f)
	}
	if !strings.HasSuffix(em.Title, " — актёры и съёмочная группа") || !strings.HasPrefix(em.Description, "**Актёры**\n") {
		t.Errorf("title %q, description %.30q", em.Title, em.Description)
	}
	// A long cast: the pages are turned in Russian.
	film := storage.Film{Title: "Crowd", Year: 2001}
	for k := 0; k < 120; k++ {
		film.Cast = append(film.Cast, storage.Role{Actor: fmt.Sprintf("Actor %d", k), Role: strings.Repeat("role ", 10)})
	}
	film, _ = e.db.CreateFilm(context.Background(), 111, film)
	r := e.run(in("ru", slash(guildA, "cast", opt("film", "crowd"))))
	if !strings.HasPrefix(embed(r).Footer.Text, "Страница 1 из ") || buttons(r)["Далее ▶"] == "" {
		t.Fatalf("footer %q, buttons %v", embed(r).Footer.Text, buttons(r))
	}
	if p := e.clickIn("ru", guildA, buttons(r)["Далее ▶"]); !strings.HasPrefix(embed(p).Footer.Text, "Страница 2 из ") {
		t.Errorf("page 2 footer %q", embed(p).Footer.Text)
	}
	if got := e.userError(e.set.castButton, in("ru", click(guildA, fmt.Sprintf("cast:page:%d:99", film.ID)))); got != "Этой страницы списка актёров больше нет." {
		t.Errorf("gone page: %q", got)
	}
}

func TestRandomInRussian(t *testing.T) {
	e := newEnv(t)
	if got := e.run(in("ru", slash(guildA, "random", opt("from", "catalog")))).Data.Content; !strings.HasPrefix(got, "У этого сервера пока нет своих фильмов") {
		t.Errorf("empty: %q", got)
	}
	if got := e.run(in("ru", slash(guildA, "random"))).Data.Content; got != "Список «посмотреть» <@42> здесь пуст: `/watchlist add film:<название>` или `/random from:` другой список." {
		t.Errorf("empty watchlist: %q", got)
	}
	if got := e.userError(e.cmds["random"].Run, in("ru", slash(guildA, "random", opt("from", "elsewhere")))); !strings.HasPrefix(got, "Выберите, откуда") {
		t.Errorf("bad from: %q", got)
	}
	ctx := context.Background()
	for n, want := range map[int]string{1: "(1 фильм):", 2: "(2 фильма):", 5: "(5 фильмов):"} {
		e := newEnv(t)
		for k := 0; k < n; k++ {
			f, err := e.db.CreateFilm(ctx, 111, storage.Film{Title: fmt.Sprintf("Film %d", k), Year: 2000 + k})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := e.db.WatchlistAdd(ctx, 111, 42, f.ID); err != nil {
				t.Fatal(err)
			}
		}
		r := e.run(in("ru", slash(guildA, "random")))
		if content(r) != "🎲 Случайный выбор из списка «посмотреть» <@42> "+want {
			t.Errorf("%d films: %q", n, content(r))
		}
		if _, ok := fieldMap(embed(r))["Рецензии"]; !ok {
			t.Errorf("the card is not in Russian: %v", fieldMap(embed(r)))
		}
		if n > 1 {
			again := e.clickIn("ru", guildA, buttons(r)["🎲 Другой"])
			if !strings.HasPrefix(content(again), "🎲 Случайный выбор") {
				t.Errorf("pick another: %q", content(again))
			}
		}
	}
}

func TestHelpInRussian(t *testing.T) {
	e := newEnv(t)
	em := embed(e.run(in("ru", slash(guildA, "help"))))
	if em.Title != "filmbot: рецензии, актёры и съёмочная группа, оценки" || !strings.HasPrefix(em.Description, "Каждый параметр `film:`") {
		t.Errorf("title %q, description %.40q", em.Title, em.Description)
	}
	if !strings.Contains(em.Description, "Этот продукт использует TMDB API") {
		t.Errorf("attribution: %q", em.Description)
	}
	if em.Fields[0].Name != "Для всех" {
		t.Errorf("first section %q", em.Fields[0].Name)
	}
	all := ""
	for _, f := range em.Fields {
		all += f.Value + "\n"
	}
	for _, want := range []string{
		"`/review film: [excerpt:] [about:] [by:]` — Прочитать отрывок рецензии на фильм",
		"`/cast film:` — Кто снял фильм и кто в нём играет",
		"`/random [from:]` — Не можете выбрать? Случайный фильм с его карточкой",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("no line %q in\n%s", want, all)
		}
	}
}

// Every language: /help, /review, /film, /cast (long lists) and /random
// stay within Discord's limits (e.check), and none of this file's
// sentences is left in English where the language has its own.
func TestReadAnswersInEveryLanguage(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	many := func(job string) []string {
		var out []string
		for k := range 40 {
			out = append(out, fmt.Sprintf("%s With A Rather Long Name %d", job, k))
		}
		return out
	}
	f := storage.Film{Title: strings.Repeat("Anthology ", 25), Year: 2001, Directors: many("Director"), Writers: many("Writer"),
		Cinematographers: many("Cinematographer"), Editors: many("Editor"), Composers: many("Composer"), Producers: many("Producer"),
		Languages: many("Language"), Countries: many("Country"), Genres: many("Genre"), Aliases: many("Alias")[:12],
		Overview: strings.Repeat("An overview. ", 200), Runtime: 200}
	for k := range 200 {
		f.Cast = append(f.Cast, storage.Role{Actor: fmt.Sprintf("Actor Number %d", k), Role: strings.Repeat("role ", 20)})
	}
	f, err := e.db.CreateFilm(ctx, 111, f)
	if err != nil {
		t.Fatal(err)
	}
	for u := 1; u <= 3; u++ {
		if _, err := e.db.Rate(ctx, 111, f.ID, uint64(u), 6+u); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.db.WatchlistAdd(ctx, 111, 42, f.ID); err != nil {
		t.Fatal(err)
	}
	// English sentences of this file's messages, long enough not to be a
	// name or a word two languages share.
	keys := []locale.Key{msgYear, msgRuntime, msgLanguages, msgReviews, msgRating, msgAwards, msgFooterServer, msgFooterBuiltIn,
		msgCastTitle, msgCastHeading, msgExcerptOf, msgFeatured, msgReadAll, msgPrevious, msgNext, msgPageOf, msgHelpIntro,
		msgHelpEveryone, msgHelpTitle, msgAttribution, msgRandomAgain}
	for _, loc := range languages {
		t.Run(loc, func(t *testing.T) {
			tl := locale.For(loc)
			var answers []*discordgo.InteractionResponse
			r := e.run(in(loc, slash(guildA, "review", opt("film", "anora"), opt("excerpt", 11.0))))
			answers = append(answers, r, e.clickIn(loc, guildA, buttons(r)[tl.S(msgReadAll)]))
			answers = append(answers, e.run(in(loc, slash(guildA, "film", opt("film", fmt.Sprintf("id:%d", f.ID))))))
			answers = append(answers, e.run(in(loc, slash("", "film", opt("film", "anora")))))
			c := e.run(in(loc, slash(guildA, "cast", opt("film", fmt.Sprintf("id:%d", f.ID)))))
			answers = append(answers, c, e.clickIn(loc, guildA, buttons(c)[tl.S(msgNext)]))
			answers = append(answers, e.run(in(loc, slash(guildA, "random"))))
			answers = append(answers, e.run(in(loc, slash(guildA, "help"))), e.run(in(loc, slash("", "help"))))
			help := len(answers) - 2 // the last two are /help: all of it is the bot's
			for n, a := range answers {
				// The bot's own words: titles, field names, footers,
				// authors, buttons, content (descriptions and field
				// values are the film's and the review's, but /help's).
				var text strings.Builder
				for _, em := range embeds(a) {
					text.WriteString(em.Title + "\n")
					if em.Footer != nil {
						text.WriteString(em.Footer.Text + "\n")
					}
					if em.Author != nil {
						text.WriteString(em.Author.Name + "\n")
					}
					for _, fl := range em.Fields {
						text.WriteString(fl.Name + "\n")
					}
				}
				for label := range buttons(a) {
					text.WriteString(label + "\n")
				}
				text.WriteString(a.Data.Content + "\n")
				if n >= help {
					buf, _ := json.Marshal(a)
					text.Write(buf)
				}
				for _, k := range keys {
					en, own := english().S(k), tl.S(k)
					if strings.Contains(en, "{{") {
						en = strings.SplitN(en, "{{", 2)[0]
					}
					if len(en) < 6 || own == english().S(k) || strings.Contains(own, strings.TrimSpace(en)) {
						continue
					}
					if strings.Contains(text.String(), strings.TrimSpace(en)) {
						t.Errorf("English %q left in a %s answer", en, loc)
					}
				}
			}
		})
	}
}

// This file's messages and the definitions of /review, /cast, /film,
// /random and /help are whole in every language file: no id missing, the
// same placeholders as English, every CLDR plural form, Discord's lengths
// (locale.Problems after the definitions are built).
func TestReadMessagesInEveryLanguage(t *testing.T) {
	cmds := newEnv(t).cmds
	mine := regexp.MustCompile(`^[a-zA-Z-]+: ((film|cast|review|random|help|page|common)\.|(desc|choice|name)\.(review|cast|film|random|help)(\.| ))`)
	for _, p := range locale.Problems() {
		if mine.MatchString(p) {
			t.Error(p)
		}
	}
	for _, name := range []string{"review", "cast", "film", "random", "help"} {
		def := cmds[name].Def
		if def.DescriptionLocalizations == nil {
			t.Fatalf("/%s has no description localizations", name)
		}
		for _, loc := range languages {
			d := (*def.DescriptionLocalizations)[discordgo.Locale(loc)]
			if d == "" || len([]rune(d)) > 100 || d == def.Description {
				t.Errorf("/%s in %s: %q", name, loc, d)
			}
		}
		// Discord's es-419 reads Spanish; en-GB the definition itself.
		if (*def.DescriptionLocalizations)["es-419"] != (*def.DescriptionLocalizations)["es-ES"] {
			t.Errorf("/%s: es-419 does not read es-ES", name)
		}
		if _, ok := (*def.DescriptionLocalizations)["en-GB"]; ok {
			t.Errorf("/%s: en-GB localized", name)
		}
	}
	from := cmds["random"].Def.Options[0]
	if got := from.Choices[0].NameLocalizations["ru"]; got != "мой список «посмотреть»" {
		t.Errorf("/random from: choice in Russian: %q", got)
	}
	if got := cmds["review"].Def.Options[1].DescriptionLocalizations["ja"]; got != "どの抜粋か（1 が最初）" {
		t.Errorf("/review excerpt: in Japanese: %q", got)
	}
}
