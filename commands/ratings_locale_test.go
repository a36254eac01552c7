package commands

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/filmbot/filmbot/locale"
	"github.com/filmbot/filmbot/storage"
)

// ratingsIn sets the member's Discord language on i.
func ratingsIn(locale string, i *discordgo.InteractionCreate) *discordgo.InteractionCreate {
	i.Locale = discordgo.Locale(locale)
	return i
}

// readable is every text a person reads in r that the ratings commands
// write: content, embed titles, descriptions, fields and footers, button
// labels and menu placeholders.
func readable(r *discordgo.InteractionResponse) []string {
	var out []string
	if r == nil || r.Data == nil {
		return nil
	}
	d := r.Data
	out = append(out, d.Content)
	out = append(out, textDisplays(d.Components)...)
	for _, e := range d.Embeds {
		out = append(out, e.Title, e.Description)
		if e.Footer != nil {
			out = append(out, e.Footer.Text)
		}
		for _, f := range e.Fields {
			out = append(out, f.Name, f.Value)
		}
	}
	for _, row := range rows(r) {
		for _, c := range row.Components {
			switch c := c.(type) {
			case discordgo.Button:
				out = append(out, c.Label)
			case discordgo.SelectMenu:
				out = append(out, c.Placeholder)
			}
		}
	}
	return out
}

// englishOfRatings is a phrase of every English message of /rate,
// /ratings, /top, /myratings, /compare and /watchlist: none may show in
// another language's answer (film titles and mentions aside).
var englishOfRatings = []string{
	"Ratings live in servers", "Server average", "No ratings in this server", "You have not rated", "Your rating", "You rated",
	"whole number", "has been removed", "Remove my rating", "off your watchlist", "had not rated", "is removed",
	"Pick one score", "Rate this film", "No one has rated", "The verdict on", "Average **", "median **", "Who rated what",
	"page 1 of", "or more ratings", "top films", "disagrees on", "spread ±", "standard deviation", "At least", "has not rated",
	"newest first", "Pick a member", "perfect match", "in common", "both rated", "points apart", "Correlation", "Taste compared",
	"Agree most", "Disagree most", "No film:", "Refresh", "belong to a server", "already rated", "already on your watchlist",
	"Added **", "was not on your", "Took **", "watchlist here is empty", "added <t:", "Watchlist",
	"wants to see", "No one here has", "Most wanted", "By how many", " from ", " rating", " members",
}

// ratingsTour runs every answer of the ratings commands, their buttons
// and their user errors once, as a member whose Discord is in locale, and
// returns each answer's readable texts by what it was. Every answer
// passes Discord's limits (e.check).
func ratingsTour(t *testing.T, locale string) map[string][]string {
	t.Helper()
	e := newEnv(t)
	ctx := context.Background()
	tangerine, err := e.db.CreateFilm(ctx, 111, storage.Film{Title: "Tangerine", Year: 2015})
	if err != nil {
		t.Fatal(err)
	}
	for u, sc := range []int{0, 9, 2, 8, 6, 7} { // members 1–5 rate Anora; Tangerine from 1 and 2
		if u > 0 {
			e.db.Rate(ctx, 111, e.anora.ID, uint64(u), sc)
		}
	}
	e.db.Rate(ctx, 111, tangerine.ID, 1, 9)
	e.db.Rate(ctx, 111, tangerine.ID, 2, 3)
	starlet, err := e.db.CreateFilm(ctx, 111, storage.Film{Title: "Starlet", Year: 2012})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	answer := func(name string, h Handler, i *discordgo.InteractionCreate) *discordgo.InteractionResponse {
		t.Helper()
		ratingsIn(locale, i)
		r, err := e.check(h, i)
		if err != nil {
			if msg := storage.Message(err); msg != "" {
				out[name] = []string{msg}
				return nil
			}
			t.Fatalf("%s: %v", name, err)
		}
		out[name] = readable(r)
		return r
	}
	cmd := func(name string) Handler { return e.cmds[name].Run }
	user := func(name, id string) *discordgo.ApplicationCommandInteractionDataOption {
		return &discordgo.ApplicationCommandInteractionDataOption{Name: name, Type: discordgo.ApplicationCommandOptionUser, Value: id}
	}
	answer("rate", cmd("rate"), as(slash(guildA, "rate", opt("film", "starlet"), opt("score", 7.0)), "3"))
	answer("rate mine", cmd("rate"), as(slash(guildA, "rate", opt("film", "anora")), "1"))
	answer("rate not yet", cmd("rate"), slash(guildA, "rate", opt("film", "anora")))
	answer("rate bad score", cmd("rate"), slash(guildA, "rate", opt("film", "anora"), opt("score", 11.0)))
	answer("rate in a DM", cmd("rate"), slash("", "rate", opt("film", "anora"), opt("score", 5.0)))
	answer("remove, not rated", e.set.rateButton, click(guildA, fmt.Sprintf("rate:remove:%d", e.anora.ID)))
	answer("remove", e.set.rateButton, as(click(guildA, fmt.Sprintf("rate:remove:%d", starlet.ID)), "3"))
	answer("remove, gone", e.set.rateButton, click(guildA, "rate:remove:999"))
	sel := interaction(guildA, discordgo.InteractionMessageComponent, discordgo.MessageComponentInteractionData{CustomID: fmt.Sprintf("rate:select:%d", tangerine.ID), ComponentType: discordgo.SelectMenuComponent, Values: []string{"8"}})
	var note *discordgo.InteractionResponseData
	e.set.WithFollowup(func(_ context.Context, d *discordgo.InteractionResponseData) bool { note = d; return true })
	if _, err := e.db.WatchlistAdd(ctx, 111, 42, tangerine.ID); err != nil {
		t.Fatal(err)
	}
	card := answer("menu", e.set.rateButton, sel)
	// The card itself is film.go's; the menu under it is ours.
	out["menu"] = readable(&discordgo.InteractionResponse{Data: &discordgo.InteractionResponseData{Components: card.Data.Components}})
	out["menu follow-up"] = readable(&discordgo.InteractionResponse{Data: note})
	answer("menu, two scores", e.set.rateButton, interaction(guildA, discordgo.InteractionMessageComponent, discordgo.MessageComponentInteractionData{CustomID: "rate:select:1", Values: []string{"1", "2"}}))
	answer("ratings", cmd("ratings"), slash(guildA, "ratings", opt("film", "anora")))
	answer("ratings none", cmd("ratings"), slash(guildB, "ratings", opt("film", "anora")))
	answer("ratings gone", e.set.ratingsButton, click(guildA, "ratings:page:999:1"))
	answer("top", cmd("top"), slash(guildA, "top"))
	answer("top none", cmd("top"), slash(guildA, "top", opt("min_ratings", 50.0)))
	answer("top bad min", cmd("top"), slash(guildA, "top", opt("min_ratings", 0.0)))
	answer("top bad sort", cmd("top"), slash(guildA, "top", opt("sort", "worst")))
	answer("divisive", cmd("top"), slash(guildA, "top", opt("sort", "divisive")))
	answer("divisive none", cmd("top"), slash(guildA, "top", opt("sort", "divisive"), opt("min_ratings", 50.0)))
	answer("myratings", cmd("myratings"), as(slash(guildA, "myratings"), "1"))
	answer("myratings none", cmd("myratings"), slash(guildA, "myratings", user("user", "77")))
	answer("compare", cmd("compare"), compareCmd("1", "2"))
	answer("compare few", cmd("compare"), compareCmd("1", "4"))
	answer("compare self", cmd("compare"), compareCmd("1", "1"))
	answer("compare none", cmd("compare"), compareCmd("1", "77"))
	answer("compare pick", cmd("compare"), slash(guildA, "compare"))
	answer("compare refresh", e.set.compareButton, click(guildA, "compare:again:1:2"))
	answer("watchlist add", cmd("watchlist"), watchCmd(guildA, "9", "add", opt("film", "anora")))
	answer("watchlist already", cmd("watchlist"), watchCmd(guildA, "9", "add", opt("film", "anora")))
	answer("watchlist rated", cmd("watchlist"), watchCmd(guildA, "1", "add", opt("film", "anora")))
	answer("watchlist show", cmd("watchlist"), watchCmd(guildA, "9", "show"))
	answer("watchlist empty", cmd("watchlist"), watchCmd(guildA, "77", "show"))
	answer("watchlist server", cmd("watchlist"), watchCmd(guildA, "9", "server"))
	answer("watchlist remove", cmd("watchlist"), watchCmd(guildA, "9", "remove", opt("film", "anora")))
	answer("watchlist not on", cmd("watchlist"), watchCmd(guildA, "9", "remove", opt("film", "anora")))
	answer("watchlist in a DM", cmd("watchlist"), watchCmd("", "9", "show"))
	e = newEnv(t) // a server where no one has a watchlist
	answer("watchlist nobody", cmd("watchlist"), watchCmd(guildA, "9", "server"))
	return out
}

// Every answer of the ratings commands in every language filmbot speaks:
// no English sentence of theirs shows, and each passes Discord's limits
// (ratingsTour's e.check).
func TestRatingsSpeakEveryLanguage(t *testing.T) {
	en := ratingsTour(t, "en-US")
	for _, locale := range []string{"ru", "uk", "de", "fr", "es-ES", "pt-BR", "pl", "tr", "ja", "ko", "zh-CN", "it"} {
		t.Run(locale, func(t *testing.T) {
			got := ratingsTour(t, locale)
			if len(got) != len(en) {
				t.Fatalf("%d answers, English %d", len(got), len(en))
			}
			for name, texts := range got {
				all := strings.Join(texts, "\n")
				for _, phrase := range englishOfRatings {
					if strings.Contains(all, phrase) {
						t.Errorf("%s: English %q in %q", name, phrase, all)
					}
				}
				if all == strings.Join(en[name], "\n") {
					t.Errorf("%s: the same as English: %q", name, all)
				}
			}
		})
	}
	// The tour shows the English it checks for.
	all := ""
	for _, texts := range en {
		all += strings.Join(texts, "\n") + "\n"
	}
	for _, phrase := range englishOfRatings {
		if !strings.Contains(all, phrase) {
			t.Errorf("English answers lack %q: the check would pass on anything", phrase)
		}
	}
}

// Russian counts take CLDR's forms (1 оценка, 2 оценки, 5 оценок) and
// averages the decimal comma; German and French write 7,5.
func TestRatingsInRussianGermanFrench(t *testing.T) {
	e := newEnv(t)
	rate := func(user string, score float64, locale string) string {
		t.Helper()
		return embed(e.run(ratingsIn(locale, as(slash(guildA, "rate", opt("film", "anora"), opt("score", score)), user)))).Description
	}
	for _, c := range []struct {
		user  string
		score float64
		want  string
	}{
		{"1", 7, "Вы поставили **★★★½** (7/10)\nСредняя оценка сервера **7,0**/10 — 1 оценка"},
		{"2", 8, "Средняя оценка сервера **7,5**/10 — 2 оценки"},
		{"3", 8, ""},
		{"4", 8, ""},
		{"5", 9, "Средняя оценка сервера **8,0**/10 — 5 оценок"},
	} {
		if d := rate(c.user, c.score, "ru"); !strings.Contains(d, c.want) {
			t.Errorf("ru rate by %s: %q, want %q", c.user, d, c.want)
		}
	}
	for u := 6; u <= 21; u++ {
		e.db.Rate(context.Background(), 111, e.anora.ID, uint64(u), 8)
	}
	if d := rate("22", 9, "ru"); !strings.Contains(d, "22 оценки") {
		t.Errorf("ru 22: %q", d)
	}
	if d := rate("23", 9, "ru"); !strings.Contains(d, "23 оценки") || !strings.Contains(d, "**8,1**") {
		t.Errorf("ru 23: %q", d)
	}
	r := e.run(ratingsIn("ru", slash(guildA, "ratings", opt("film", "anora"))))
	m := embed(r)
	if m.Title != "Вердикт: Anora (2024)" || !strings.HasPrefix(m.Description, "Средняя **8,1** · медиана **8** · 23 оценки\n") || m.Footer.Text != "Кто как оценил · страница 1 из 2" {
		t.Errorf("ru /ratings: %q / %q / %q", m.Title, m.Description[:80], m.Footer.Text)
	}
	// The next page is in the language of whoever turns it.
	turn := ratingsIn("de", click(guildA, fmt.Sprintf("ratings:page:%d:2", e.anora.ID)))
	page, err := e.check(e.set.ratingsButton, turn)
	if err != nil {
		t.Fatal(err)
	}
	if f := embed(page).Footer.Text; f != "Wer wie bewertet hat · Seite 2 von 2" || !strings.Contains(embed(page).Description, "Schnitt **8,1** · Median **8** · 23 Bewertungen") {
		t.Errorf("de page 2: %q %q", f, embed(page).Description[:80])
	}
	for locale, want := range map[string]string{
		"de": "Server-Schnitt **8,1**/10 aus 24 Bewertungen",
		"fr": "Moyenne du serveur **8,1**/10 sur 24 notes",
		"ja": "サーバー平均 **8.1**/10（24件の評価）",
	} {
		if d := rate("24", 8, locale); !strings.Contains(d, want) {
			t.Errorf("%s: %q, want %q", locale, d, want)
		}
	}
	// A median between two scores is written with the locale's comma.
	e2 := newEnv(t)
	e2.db.Rate(context.Background(), 111, e2.anora.ID, 1, 7)
	e2.db.Rate(context.Background(), 111, e2.anora.ID, 2, 8)
	if d := embed(e2.run(ratingsIn("fr", slash(guildA, "ratings", opt("film", "anora"))))).Description; !strings.HasPrefix(d, "Moyenne **7,5** · médiane **7,5** · 2 notes") {
		t.Errorf("fr median: %q", d)
	}
	// /compare: Russian films, points and a signed correlation with a comma.
	ctx := context.Background()
	var films []uint64
	for _, title := range []string{"B", "C", "D"} {
		f, _ := e2.db.CreateFilm(ctx, 111, storage.Film{Title: title, Year: 2000})
		films = append(films, f.ID)
	}
	for k, pair := range [][2]int{{9, 9}, {2, 10}, {6, 5}} {
		e2.db.Rate(ctx, 111, films[k], 1, pair[0])
		e2.db.Rate(ctx, 111, films[k], 2, pair[1])
	}
	cm := embed(e2.run(ratingsIn("ru", compareCmd("1", "2"))))
	if !strings.Contains(cm.Description, "Вы и <@2> оба оценили здесь 4 фильма.\nВ среднем ваши оценки расходятся на **2,5** балла") ||
		!strings.Contains(cm.Description, "Корреляция **−0,") && !strings.Contains(cm.Description, "Корреляция **-0,") && !strings.Contains(cm.Description, "Корреляция **+0,") {
		t.Errorf("ru compare: %q", cm.Description)
	}
	if f := fieldText(cm); !strings.Contains(f, "Согласны больше всего (разница не больше 1 балла)") || !strings.Contains(f, "Расходятся больше всего (разница от 3 баллов)\n**C (2000)** — вы 2, собеседник 10") {
		t.Errorf("ru compare fields: %s", f)
	}
}

// What the rater alone sees after the card's menu is in their language,
// and so is the menu the card keeps; /watchlist and /top in Russian.
func TestRateMenuAndListsInRussian(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	var note *discordgo.InteractionResponseData
	e.set.WithFollowup(func(_ context.Context, d *discordgo.InteractionResponseData) bool { note = d; return true })
	if _, err := e.db.WatchlistAdd(ctx, 111, 42, e.anora.ID); err != nil {
		t.Fatal(err)
	}
	sel := ratingsIn("ru", interaction(guildA, discordgo.InteractionMessageComponent, discordgo.MessageComponentInteractionData{CustomID: fmt.Sprintf("rate:select:%d", e.anora.ID), ComponentType: discordgo.SelectMenuComponent, Values: []string{"8"}}))
	card, err := e.check(e.set.rateButton, sel)
	if err != nil {
		t.Fatal(err)
	}
	if menu := rows(card)[0].Components[0].(discordgo.SelectMenu); menu.Placeholder != "Оценить фильм" {
		t.Errorf("menu placeholder %q", menu.Placeholder)
	}
	if note == nil {
		t.Fatal("no follow-up")
	}
	d := note.Embeds[0].Description
	if d != "Вы поставили **★★★★** (8/10)\nСредняя оценка сервера **8,0**/10 — 1 оценка\nФильм убран из вашего списка «посмотреть»." {
		t.Errorf("ru note: %q", d)
	}
	if b := buttons(&discordgo.InteractionResponse{Data: note}); b["Удалить мою оценку"] == "" {
		t.Errorf("ru note buttons: %v", b)
	}
	// English callers of rateMenu (cards built elsewhere) keep English.
	if p := rateMenuIn(locale.For(locale.English), 1).Components[0].(discordgo.SelectMenu).Placeholder; p != "Rate this film" {
		t.Errorf("rateMenu: %q", p)
	}
	tang, _ := e.db.CreateFilm(ctx, 111, storage.Film{Title: "Tangerine", Year: 2015})
	for u := 1; u <= 5; u++ {
		if _, err := e.db.WatchlistAdd(ctx, 111, uint64(u), tang.ID); err != nil {
			t.Fatal(err)
		}
	}
	if d := embed(e.run(ratingsIn("ru", watchCmd(guildA, "1", "server")))).Description; d != "1. **Tangerine (2015)** — 5 участников" {
		t.Errorf("ru most wanted: %q", d)
	}
	w := embed(e.run(ratingsIn("ru", watchCmd(guildA, "1", "show"))))
	if w.Title != "Список «посмотреть»" || !strings.HasPrefix(w.Description, "<@1> хочет посмотреть, сначала новые\n\n• **Tangerine (2015)** · добавлен <t:") || w.Footer.Text != "1 фильм · страница 1 из 1" {
		t.Errorf("ru watchlist: %q %q %q", w.Title, w.Description, w.Footer.Text)
	}
	top := embed(e.run(ratingsIn("ru", slash(guildA, "top"))))
	if top.Title != "Лучшие фильмы сервера" || top.Description != "1. **Anora (2024)** — 8,0/10, 1 оценка" || top.Footer.Text != "Минимум 1 оценка · страница 1 из 1" {
		t.Errorf("ru top: %q %q %q", top.Title, top.Description, top.Footer.Text)
	}
	if msg := e.userError(e.cmds["top"].Run, ratingsIn("ru", slash(guildA, "top", opt("min_ratings", 5.0)))); msg != "На этом сервере пока нет фильмов с 5 оценками или больше." {
		t.Errorf("ru top none: %q", msg)
	}
	if msg := e.userError(e.cmds["rate"].Run, ratingsIn("uk", slash("", "rate", opt("film", "anora"), opt("score", 5.0)))); msg != "Оцінки живуть на серверах: використовуйте цю команду на сервері, де є бот." {
		t.Errorf("uk dm: %q", msg)
	}
	if msg := e.userError(e.cmds["rate"].Run, ratingsIn("pl", slash(guildA, "rate", opt("film", "anora"), opt("score", 0.0)))); msg != "Ocena to liczba całkowita od 1 do 10." {
		t.Errorf("pl bad score: %q", msg)
	}
}

// The definitions of /rate, /ratings, /top, /myratings, /compare and
// /watchlist carry a description in every language, choices translated,
// all within Discord's 100 characters; option names stay English (the
// answers quote them: `/rate film:… score:…`).
func TestRatingsDefinitionsLocalized(t *testing.T) {
	e := newEnv(t)
	langs := []discordgo.Locale{"ru", "uk", "de", "fr", "es-ES", "pt-BR", "pl", "tr", "ja", "ko", "zh-CN", "it"}
	checkDesc := func(path string, en string, m map[discordgo.Locale]string) {
		t.Helper()
		for _, l := range langs {
			s := m[l]
			if s == "" || s == en {
				t.Errorf("%s: %s description %q", path, l, s)
			}
			if n := utf8.RuneCountInString(s); n > 100 {
				t.Errorf("%s: %s description of %d characters", path, l, n)
			}
		}
	}
	var walk func(path string, o *discordgo.ApplicationCommandOption)
	walk = func(path string, o *discordgo.ApplicationCommandOption) {
		path += " " + o.Name
		checkDesc(path, o.Description, o.DescriptionLocalizations)
		if len(o.NameLocalizations) != 0 {
			t.Errorf("%s: option name localized: %v", path, o.NameLocalizations)
		}
		for _, c := range o.Choices {
			for _, l := range langs {
				if s := c.NameLocalizations[l]; s == "" || utf8.RuneCountInString(s) > 100 {
					t.Errorf("%s %v: %s choice %q", path, c.Value, l, s)
				}
			}
		}
		for _, sub := range o.Options {
			walk(path, sub)
		}
	}
	seen := 0
	for _, c := range e.set.Commands() {
		switch c.Def.Name {
		case "rate", "ratings", "top", "myratings", "compare", "watchlist":
			seen++
			if c.Def.DescriptionLocalizations == nil {
				t.Fatalf("/%s: no description localizations", c.Def.Name)
			}
			checkDesc(c.Def.Name, c.Def.Description, *c.Def.DescriptionLocalizations)
			for _, o := range c.Def.Options {
				walk(c.Def.Name, o)
			}
		}
	}
	if seen != 6 {
		t.Errorf("%d of the 6 commands found", seen)
	}
	top := e.cmds["top"].Def
	if got := top.Options[1].Choices[1].NameLocalizations["ru"]; got != "спорные" {
		t.Errorf("ru divisive choice: %q", got)
	}
	if got := (*e.cmds["rate"].Def.DescriptionLocalizations)["es-419"]; got != "Puntúa una película del 1 al 10, o mira tu puntuación" {
		t.Errorf("es-419 reads Spanish: %q", got)
	}
}

// The language files give every message of the ratings commands (ids
// rate., ratings., top., mine., compare., watchlist. and their
// definitions' desc./choice.) in every language: the same placeholders,
// every CLDR plural form, nothing extra.
func TestRatingsMessagesInEveryLanguage(t *testing.T) {
	newEnv(t) // declares the definitions' ids
	ours := regexp.MustCompile(`^[-a-zA-Z]+: (?:(?:desc|choice|name)\.(?:rate|ratings|top|myratings|compare|watchlist)\b|(?:rate|ratings|top|mine|compare|watchlist)\.)`)
	for _, p := range locale.Problems() {
		if ours.MatchString(p) {
			t.Error(p)
		}
	}
	if !ours.MatchString("ru: desc.top.sort is missing") || !ours.MatchString("pl: top.row has no plural form \"few\"") || ours.MatchString("ru: desc.review is missing") {
		t.Error("the filter does not pick the ratings commands' ids")
	}
}

// BenchmarkRatingsLocale is what a page of /top (ten rows, each a plural
// message) and a /rate answer cost in English and in Russian, over a
// real bbolt store: go test ./commands -run '^$' -bench RatingsLocale.
func BenchmarkRatingsLocale(b *testing.B) {
	e := newEnv(b)
	ctx := context.Background()
	for k := 0; k < 12; k++ {
		f, err := e.db.AddFilm(ctx, 111, storage.Film{Title: fmt.Sprintf("Film %02d", k), Year: 2000})
		if err != nil {
			b.Fatal(err)
		}
		for u := 1; u <= 5; u++ {
			e.db.Rate(ctx, 111, f.ID, uint64(u), 1+(k+u)%10)
		}
	}
	for _, locale := range []string{"en-US", "ru"} {
		b.Run("top/"+locale, func(b *testing.B) {
			i := ratingsIn(locale, slash(guildA, "top"))
			for b.Loop() {
				if _, err := e.cmds["top"].Run(ctx, i); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("rate/"+locale, func(b *testing.B) {
			i := ratingsIn(locale, slash(guildA, "rate", opt("film", "anora"), opt("score", 7.0)))
			for b.Loop() {
				if _, err := e.cmds["rate"].Run(ctx, i); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// A card is everyone's: rating from its menu keeps the card in the
// language it was posted in (a Russian member's /film, rated by a German
// member), while the rater's own note is in theirs (reviewer's finding:
// the card turned German for the whole channel).
func TestRatingFromACardKeepsItsLanguage(t *testing.T) {
	e := newEnv(t)
	ask := slash("111", "film", opt("film", "anora"))
	ask.Locale = discordgo.Russian
	card := e.run(ask)
	menu := rows(card)[0].Components[0].(discordgo.SelectMenu)
	sel := interaction("111", discordgo.InteractionMessageComponent, discordgo.MessageComponentInteractionData{CustomID: menu.CustomID, ComponentType: discordgo.SelectMenuComponent, Values: []string{"8"}})
	sel.Locale = discordgo.German
	u, err := e.check(e.set.rateButton, sel)
	if err != nil {
		t.Fatal(err)
	}
	ru, de := embed(card), embed(u)
	if ru.Footer == nil || de.Footer == nil || de.Footer.Text != ru.Footer.Text || de.Fields[0].Name != ru.Fields[0].Name {
		t.Errorf("the card changed language: %+v\nwas %+v", de, ru)
	}
	after := rows(u)[0].Components[0].(discordgo.SelectMenu)
	if after.Placeholder != menu.Placeholder || after.CustomID != menu.CustomID {
		t.Errorf("the menu changed: %q %q, was %q %q", after.Placeholder, after.CustomID, menu.Placeholder, menu.CustomID)
	}
	// A menu posted before its custom_id carried the language: the rater's.
	old := interaction("111", discordgo.InteractionMessageComponent, discordgo.MessageComponentInteractionData{CustomID: fmt.Sprintf("rate:select:%d", e.anora.ID), ComponentType: discordgo.SelectMenuComponent, Values: []string{"7"}})
	old.Locale = discordgo.German
	if _, err := e.check(e.set.rateButton, old); err != nil {
		t.Errorf("an older menu: %v", err)
	}
}
