package commands

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/filmbot/filmbot/component"
	"github.com/filmbot/filmbot/limits"
	"github.com/filmbot/filmbot/locale"
	"github.com/filmbot/filmbot/storage"
)

// manageEN is the English translator, for tests of the moderators'
// parsers that run without an interaction.
var manageEN = locale.For(locale.English)

func inLocale(i *discordgo.InteractionCreate, member string) *discordgo.InteractionCreate {
	i.Locale = discordgo.Locale(member)
	return i
}

func withGuildLocale(i *discordgo.InteractionCreate, guild string) *discordgo.InteractionCreate {
	l := discordgo.Locale(guild)
	i.GuildLocale = &l
	return i
}

func languageOpt(v string) *discordgo.ApplicationCommandInteractionDataOption {
	return sub("", "language", opt("language", v))
}

// Every message of /manage, /settings, the announcement and the
// moderator check, and their command definitions, is in every language
// file, with English's placeholders and the language's plural forms.
func TestManageLanguageFiles(t *testing.T) {
	newEnv(t) // builds (and localizes) the definitions, declaring their ids
	mine := []string{"manage.", "announce.", "settings.", "perm.", "desc.manage", "desc.settings", "choice.manage", "choice.settings", "name.manage", "name.settings"}
	for _, p := range locale.Problems() {
		_, rest, _ := strings.Cut(p, ": ")
		id, _, _ := strings.Cut(rest, " ")
		for _, m := range mine {
			if strings.HasPrefix(id, m) {
				t.Error(p)
			}
		}
	}
	for _, code := range locale.Locales()[1:] {
		if name := languageName(code); name == languageName(locale.English) {
			t.Errorf("%s calls itself %q", code, name)
		}
	}
}

// A film's removal, asked and done, in Russian: its counts in Russian's
// plural forms (1 рецензия, 2 рецензии, 5 оценок), the buttons too.
func TestManageFilmRemoveInRussian(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	for _, c := range []struct {
		title          string
		reviews, rates int
		want           []string
	}{
		{"Tangerine", 1, 1, []string{"1 рецензия", "1 оценка"}},
		{"Sean Baker Shorts", 2, 5, []string{"2 рецензии", "5 оценок"}},
		{"Starlet", 5, 2, []string{"5 рецензий", "2 оценки"}},
	} {
		f, err := e.db.CreateFilm(ctx, 111, storage.Film{Title: c.title, Year: 2015})
		if err != nil {
			t.Fatal(err)
		}
		for k := range c.reviews {
			if _, err := e.db.AddReview(ctx, 111, storage.Review{FilmID: f.ID, Reviewer: fmt.Sprint("R", k), Excerpts: []storage.Excerpt{{Text: "x"}}}); err != nil {
				t.Fatal(err)
			}
		}
		for k := range c.rates {
			if _, err := e.db.Rate(ctx, 111, f.ID, uint64(100+k), 7); err != nil {
				t.Fatal(err)
			}
		}
		ask := e.run(inLocale(mod(slash(guildA, "manage", sub("film", "remove", opt("film", strings.ToLower(c.title))))), "ru"))
		if !strings.HasPrefix(ask.Data.Content, "Удалить **"+c.title) {
			t.Errorf("ask: %q", ask.Data.Content)
		}
		b := buttons(ask)
		if b["Удалить"] == "" || b["Оставить"] == "" {
			t.Fatalf("buttons %v", b)
		}
		for _, w := range c.want {
			if !strings.Contains(ask.Data.Content, w) {
				t.Errorf("ask %q lacks %q", ask.Data.Content, w)
			}
		}
		done, err := e.check(e.set.modFilm, inLocale(mod(click(guildA, b["Удалить"])), "ru"))
		if err != nil {
			t.Fatal(err)
		}
		if got := done.Data.Content; !strings.Contains(got, "удалён") || !strings.Contains(got, c.want[0]) || !strings.Contains(got, c.want[1]) {
			t.Errorf("removed: %q", got)
		}
	}
	// The member's language, not the server's: the same click in English.
	f, _ := e.db.CreateFilm(ctx, 111, storage.Film{Title: "Prince of Broadway", Year: 2008})
	ask := e.run(withGuildLocale(mod(slash(guildA, "manage", sub("film", "remove", opt("film", "prince of broadway")))), "ru"))
	if !strings.Contains(ask.Data.Content, "0 reviews and 0 ratings") || buttons(ask)["Keep it"] == "" {
		t.Errorf("an English-speaking moderator on a Russian server: %q", ask.Data.Content)
	}
	kept, _ := e.check(e.set.modFilm, inLocale(mod(click(guildA, fmt.Sprintf("modfilm:keep:%d", f.ID))), "ru"))
	if kept.Data.Content != "Оставлено." {
		t.Errorf("keep: %q", kept.Data.Content)
	}
}

// Posting, editing and removing a review in Russian: forms, answers and
// errors, the excerpt count in Russian's plural forms.
func TestManageReviewInRussian(t *testing.T) {
	e := newEnv(t)
	form := e.run(inLocale(mod(slash(guildA, "manage", sub("review", "add", opt("film", "anora")))), "ru"))
	if form.Type != discordgo.InteractionResponseModal || !strings.HasPrefix(form.Data.Title, "Рецензия: Anora") {
		t.Fatalf("form %+v", form.Data)
	}
	if l := form.Data.Components[1].(component.Label).Label; l != "Рецензия (абзацы через пустую строку)" {
		t.Errorf("label %q", l)
	}
	for _, c := range []struct {
		reviewer, text, want string
	}{
		{"Один", "Раз.", "1 отрывок)"},
		{"Два", "Раз.\n\nДва.", "2 отрывка)"},
		{"Пять", "1.\n\n2.\n\n3.\n\n4.\n\n5.", "5 отрывков)"},
	} {
		msg := e.modal(inLocale(mod(submit(guildA, "modrev:add:1", map[string]string{"reviewer": c.reviewer, "text": c.text})), "ru"))
		if !strings.HasPrefix(msg, "Опубликована рецензия на **Anora") || !strings.Contains(msg, "(автор: "+c.reviewer+", "+c.want) ||
			!strings.Contains(msg, "Участники могут прочитать её через `/review`.") {
			t.Errorf("posted: %q", msg)
		}
	}
	if msg := e.userError(e.set.modReview, inLocale(mod(submit(guildA, "modrev:add:1", map[string]string{"reviewer": "R", "text": " "})), "ru")); msg != "В рецензии нет текста." {
		t.Errorf("empty: %q", msg)
	}
	ask := e.run(inLocale(mod(slash(guildA, "manage", sub("review", "remove", opt("film", "anora"), opt("by", "Два")))), "ru"))
	if ask.Data.Content != "Удалить рецензию на **Anora (2024)** (автор: Два)? Её оценки останутся." {
		t.Errorf("ask: %q", ask.Data.Content)
	}
	done, err := e.check(e.set.modReview, inLocale(mod(click(guildA, buttons(ask)["Удалить"])), "ru"))
	if err != nil || done.Data.Content != "Рецензия удалена (автор: Два). Фильм и оценки остались." {
		t.Errorf("removed: %v %+v", err, done)
	}
	// A member who may not moderate is told so in their language.
	if msg := e.userError(e.cmds["manage"].Run, inLocale(slash(guildA, "manage", sub("film", "add")), "ru")); !strings.HasPrefix(msg, "Это могут только модераторы") {
		t.Errorf("refusal: %q", msg)
	}
	if msg := e.userError(e.cmds["manage"].Run, inLocale(slash(guildA, "manage", sub("film", "add")), "uk")); !strings.HasPrefix(msg, "Це можуть лише модератори") {
		t.Errorf("refusal: %q", msg)
	}
}

// The film form and its errors in the member's language, numbers in
// their style: German groups thousands with a point.
func TestManageFilmFormInGerman(t *testing.T) {
	e := newEnv(t)
	form := e.run(inLocale(mod(slash(guildA, "manage", sub("film", "add"))), "de"))
	if form.Data.Title != "Einen Film hinzufügen" {
		t.Errorf("title %q", form.Data.Title)
	}
	var labels []string
	for _, c := range form.Data.Components {
		l := c.(component.Label)
		labels = append(labels, l.Label)
		if l.Description == "" || l.Component.(discordgo.TextInput).Label != "" {
			t.Errorf("label %q: description %q, input %+v", l.Label, l.Description, l.Component)
		}
	}
	if d := form.Data.Components[1].(component.Label).Description; d != "Das Erscheinungsjahr (1870 bis 2100): Es unterscheidet Remakes." {
		t.Errorf("year's description %q", d)
	}
	if strings.Join(labels, "|") != "Titel|Jahr|Regie, durch Kommas getrennt|Besetzung: je Zeile „Schauspieler — Rolle“|Andere Titel, durch Kommas getrennt" {
		t.Errorf("labels %q", labels)
	}
	msg := e.modal(inLocale(mod(submit(guildA, "modfilm:add:0", map[string]string{"title": "Tangerine", "year": "2015", "cast": "Kitana Kiki Rodriguez — Sin-Dee\nMya Taylor — Alexandra"})), "de"))
	if msg != "**Tangerine (2015)** hinzugefügt (2 Personen in der Besetzung). Poste eine Kritik mit `/manage review add film:Tangerine`." {
		t.Errorf("added: %q", msg)
	}
	if msg := e.userError(e.set.modFilm, inLocale(mod(submit(guildA, "modfilm:add:0", map[string]string{"title": "X", "year": "soon"})), "de")); msg != `Das Jahr muss eine Zahl wie 2024 sein (1870 bis 2100), nicht "soon".` {
		t.Errorf("year: %q", msg)
	}
	long := strings.Repeat("wort ", 900)
	if msg := e.userError(e.set.modReview, inLocale(mod(submit(guildA, "modrev:add:1", map[string]string{"reviewer": "R", "text": long})), "de")); !strings.Contains(msg, "4.499 Zeichen") || !strings.Contains(msg, "höchstens 4.000") {
		t.Errorf("too long: %q", msg)
	}
	if msg := e.userError(e.set.modReview, inLocale(mod(submit(guildA, "modrev:add:1", map[string]string{"reviewer": "R", "text": long})), "fr")); !strings.Contains(msg, "au plus 4\u00a0000") {
		t.Errorf("too long (fr): %q", msg)
	}
}

// /settings language: stored, shown, cleared; by code or by a language's
// own name; refused to members without Manage Server, and for a
// language filmbot does not speak.
func TestSettingsLanguage(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	lang := func() string {
		s, err := e.db.Settings(ctx, 111)
		if err != nil {
			t.Fatal(err)
		}
		return s.Language
	}
	show := e.run(withGuildLocale(mod(slash(guildA, "settings", sub("", "show"))), "de"))
	if !strings.HasSuffix(show.Data.Content, "\nLanguage of what the bot posts on its own: the server's own (Deutsch)") {
		t.Errorf("show: %q", show.Data.Content)
	}
	r := e.run(mod(slash(guildA, "settings", languageOpt("ru"))))
	if lang() != "ru" || !strings.HasSuffix(r.Data.Content, "\nLanguage of what the bot posts on its own: Русский") {
		t.Errorf("set ru: %q, stored %q", r.Data.Content, lang())
	}
	// Shown to each admin in their own language.
	r = e.run(inLocale(mod(slash(guildA, "settings", sub("", "show"))), "fr"))
	if !strings.HasSuffix(r.Data.Content, "\nLangue de ce que le bot publie de lui-même : Русский") || !strings.HasPrefix(r.Data.Content, "Les nouvelles critiques sont annoncées : là où chaque critique est publiée") {
		t.Errorf("show in French: %q", r.Data.Content)
	}
	for value, want := range map[string]string{"Deutsch": "de", "PT-br": "pt-BR", "日本語": "ja", "en-US": "en-US", "server": "", "es-ES": "es-ES"} {
		e.run(mod(slash(guildA, "settings", languageOpt(value))))
		if lang() != want {
			t.Errorf("%q stored %q, want %q", value, lang(), want)
		}
	}
	e.run(mod(slash(guildA, "settings", languageOpt("uk"))))
	e.run(mod(slash(guildA, "settings", sub("", "language")))) // left out: the server's own
	if lang() != "" {
		t.Errorf("left out: stored %q", lang())
	}
	e.run(mod(slash(guildA, "settings", languageOpt("uk"))))
	if msg := e.userError(e.cmds["settings"].Run, mod(slash(guildA, "settings", languageOpt("Klingon")))); !strings.HasPrefix(msg, `filmbot does not speak "Klingon". Pick one of: English, `) || !strings.Contains(msg, "Русский") {
		t.Errorf("unknown: %q", msg)
	}
	if msg := e.userError(e.cmds["settings"].Run, inLocale(mod(slash(guildA, "settings", languageOpt("nl"))), "ru")); !strings.HasPrefix(msg, "filmbot не знает языка \"nl\"") {
		t.Errorf("unknown in Russian: %q", msg)
	}
	// Neither a member nor a moderator by role may change it.
	member := inLocale(slash(guildA, "settings", languageOpt("de")), "ru")
	if msg := e.userError(e.cmds["settings"].Run, member); !strings.HasPrefix(msg, "Видеть и менять настройки бота могут только") {
		t.Errorf("member: %q", msg)
	}
	e.db.UpdateSettings(ctx, 111, func(s *storage.Settings) { s.ModRole = "77" })
	byRole := slash(guildA, "settings", languageOpt("de"))
	byRole.Member.Roles, byRole.Member.Permissions = []string{"77"}, discordgo.PermissionManageMessages
	if msg := e.userError(e.cmds["settings"].Run, byRole); !strings.HasPrefix(msg, "Only members with Manage Server or Administrator") {
		t.Errorf("moderator by role: %q", msg)
	}
	if lang() != "uk" {
		t.Errorf("refused changes were stored: %q", lang())
	}
	// Another server's setting is its own.
	if s, _ := e.db.Settings(ctx, 222); s.Language != "" {
		t.Errorf("guild B: %q", s.Language)
	}
}

// /settings language offers the languages by their own names, the
// server's own first (in the admin's language), narrowed by what is
// typed; to no one else.
func TestSettingsLanguageAutocomplete(t *testing.T) {
	e := newEnv(t)
	complete := e.cmds["settings"].Autocomplete
	ask := func(i *discordgo.InteractionCreate) []*discordgo.ApplicationCommandOptionChoice {
		t.Helper()
		r, err := e.check(complete, i)
		if err != nil {
			t.Fatal(err)
		}
		return r.Data.Choices
	}
	all := ask(inLocale(mod(auto(guildA, "settings", sub("", "language", focus(opt("language", ""))))), "ru"))
	if len(all) != len(locale.Locales())+1 || all[0].Value != "server" || all[0].Name != "Язык сервера (локаль сервера в Discord)" {
		t.Fatalf("choices %v", all)
	}
	byValue := map[any]string{}
	for _, c := range all {
		byValue[c.Value] = c.Name
	}
	for code, name := range map[string]string{"en-US": "English", "ru": "Русский", "de": "Deutsch", "ja": "日本語", "zh-CN": "中文", "pt-BR": "Português do Brasil"} {
		if byValue[code] != name {
			t.Errorf("%s offered as %q", code, byValue[code])
		}
	}
	if got := ask(mod(auto(guildA, "settings", sub("", "language", focus(opt("language", "deu")))))); len(got) != 1 || got[0].Value != "de" {
		t.Errorf("deu: %v", got)
	}
	if got := ask(mod(auto(guildA, "settings", sub("", "language", focus(opt("language", "pt")))))); len(got) != 1 || got[0].Value != "pt-BR" {
		t.Errorf("pt: %v", got)
	}
	if got := ask(auto(guildA, "settings", sub("", "language", focus(opt("language", ""))))); len(got) != 0 {
		t.Errorf("a member was offered %v", got)
	}
	// Each offered value is one the command takes.
	for _, c := range all {
		e.run(mod(slash(guildA, "settings", languageOpt(c.Value.(string)))))
	}
}

// The announcement is in the server's language: its /settings language,
// else Discord's guild_locale, else English; the moderator's answer
// about it stays in the moderator's own.
func TestAnnouncementInTheServersLanguage(t *testing.T) {
	e := newEnv(t)
	p := withPoster(e)
	post := func(guildLocale, reviewer, text string) (string, *discordgo.MessageEmbed) {
		t.Helper()
		i := inLocale(mod(submit(guildA, "modrev:add:1", map[string]string{"reviewer": reviewer, "text": text})), "ru")
		if guildLocale != "" {
			withGuildLocale(i, guildLocale)
		}
		msg := e.modal(i)
		p.mu.Lock()
		defer p.mu.Unlock()
		return msg, p.posts[len(p.posts)-1]
	}
	check := func(embed *discordgo.MessageEmbed, author, footer, spoilers string) {
		t.Helper()
		if embed.Author.Name != author || embed.Footer.Text != footer || (spoilers != "" && !strings.Contains(embed.Description, spoilers)) {
			t.Errorf("announcement: author %q, footer %q, description %q", embed.Author.Name, embed.Footer.Text, embed.Description)
		}
	}
	// No setting: the server's own locale.
	msg, embed := post("fr", "Roger", "||Tout||")
	check(embed, "Nouvelle critique de Roger", "1 extrait · /review film:Anora by:Roger", "*(Chaque paragraphe est un spoiler : lisez-la avec /review.)*")
	if !strings.HasPrefix(msg, "Опубликована рецензия") || !strings.Contains(msg, "Анонс опубликован в <#5>, ветка для обсуждения: <#9001>.") {
		t.Errorf("the moderator's answer: %q", msg)
	}
	// The setting wins over the server's locale.
	e.run(mod(slash(guildA, "settings", languageOpt("de"))))
	_, embed = post("fr", "Ann", "Eins.\n\nZwei.")
	check(embed, "Neue Kritik von Ann", "2 Auszüge · /review film:Anora by:Ann", "")
	e.run(mod(slash(guildA, "settings", languageOpt("ru"))))
	_, embed = post("", "Ива", "1.\n\n2.\n\n3.\n\n4.\n\n5.")
	check(embed, "Новая рецензия — Ива", "5 отрывков · /review film:Anora by:Ива", "")
	// Cleared: back to the server's locale, and English without one.
	e.run(mod(slash(guildA, "settings", languageOpt("server"))))
	_, embed = post("ja", "Ken", "Ichi.")
	check(embed, "Ken さんの新しいレビュー", "抜粋 1 件 · /review film:Anora by:Ken", "")
	_, embed = post("", "Bo", "One.\n\nTwo.")
	check(embed, "New review by Bo", "2 excerpts · /review film:Anora by:Bo", "")
	// A locale filmbot does not speak reads its nearest, else English.
	_, embed = post("es-419", "Lu", "Uno.")
	check(embed, "Nueva crítica de Lu", "1 fragmento · /review film:Anora by:Lu", "")
	_, embed = post("nl", "Jan", "Een.")
	check(embed, "New review by Jan", "1 excerpt · /review film:Anora by:Jan", "")
}

// Every language: the moderators' answers, forms, buttons and the
// announcement pass Discord's limits (e.check) and none is left in
// English.
func TestManageEveryLanguage(t *testing.T) {
	e := newEnv(t)
	p := withPoster(e)
	ctx := context.Background()
	f, _ := e.db.CreateFilm(ctx, 111, storage.Film{Title: "Tangerine", Year: 2015})
	type flow struct {
		name string
		run  func(code string) string
	}
	content := func(r *discordgo.InteractionResponse) string {
		var b strings.Builder
		b.WriteString(r.Data.Content + "|" + r.Data.Title)
		for _, row := range r.Data.Components {
			if l, ok := row.(component.Label); ok {
				b.WriteString("|" + l.Label + "|" + l.Description)
				if ti, ok := l.Component.(discordgo.TextInput); ok {
					b.WriteString("|" + ti.Placeholder)
				}
				continue
			}
			for _, c := range row.(discordgo.ActionsRow).Components {
				switch c := c.(type) {
				case discordgo.Button:
					b.WriteString("|" + c.Label)
				case discordgo.TextInput:
					b.WriteString("|" + c.Label + "|" + c.Placeholder)
				}
			}
		}
		return b.String()
	}
	n := 0
	flows := []flow{
		{"settings show", func(code string) string {
			return content(e.run(inLocale(mod(slash(guildA, "settings", sub("", "show"))), code)))
		}},
		{"film form", func(code string) string {
			return content(e.run(inLocale(mod(slash(guildA, "manage", sub("film", "add"))), code)))
		}},
		{"film edit form", func(code string) string {
			return content(e.run(inLocale(mod(slash(guildA, "manage", sub("film", "edit", opt("film", "tangerine")))), code)))
		}},
		{"review form", func(code string) string {
			return content(e.run(inLocale(mod(slash(guildA, "manage", sub("review", "add", opt("film", "anora")))), code)))
		}},
		{"film remove", func(code string) string {
			return content(e.run(inLocale(mod(slash(guildA, "manage", sub("film", "remove", opt("film", "tangerine")))), code)))
		}},
		{"review posted", func(code string) string {
			n++
			return e.modal(inLocale(mod(submit(guildA, fmt.Sprintf("modrev:add:%d", f.ID), map[string]string{"reviewer": fmt.Sprint("R", n), "text": "A.\n\n||B||"})), code))
		}},
		{"film saved", func(code string) string {
			return e.modal(inLocale(mod(submit(guildA, fmt.Sprintf("modfilm:edit:%d", f.ID), map[string]string{"title": "Tangerine", "year": "2015", "cast": "Mya Taylor — Alexandra"})), code))
		}},
		{"not a moderator", func(code string) string {
			return e.userError(e.cmds["manage"].Run, inLocale(slash(guildA, "manage", sub("film", "add")), code))
		}},
		{"bad year", func(code string) string {
			return e.userError(e.set.modFilm, inLocale(mod(submit(guildA, "modfilm:add:0", map[string]string{"title": "X", "year": "20x4"})), code))
		}},
		{"announcement", func(code string) string {
			e.run(mod(slash(guildA, "settings", languageOpt(code))))
			n++
			e.modal(mod(submit(guildA, fmt.Sprintf("modrev:add:%d", f.ID), map[string]string{"reviewer": fmt.Sprint("R", n), "text": "||A||"})))
			p.mu.Lock()
			defer p.mu.Unlock()
			a := p.posts[len(p.posts)-1]
			if err := limits.Message("", []*discordgo.MessageEmbed{a}, nil, &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}}); err != nil {
				t.Errorf("%s: %v", code, err)
			}
			return a.Author.Name + "|" + a.Description + "|" + strings.ReplaceAll(a.Footer.Text, fmt.Sprint("R", n), "R")
		}},
	}
	english := map[string]string{}
	for _, fl := range flows {
		english[fl.name] = strings.ReplaceAll(fl.run(locale.English), fmt.Sprint("R", n), "R")
	}
	for _, code := range locale.Locales()[1:] {
		for _, fl := range flows {
			if got := strings.ReplaceAll(fl.run(code), fmt.Sprint("R", n), "R"); got == english[fl.name] {
				t.Errorf("%s, %s: still English: %q", code, fl.name, got)
			}
		}
	}
}

// The definitions fit Discord's limits counting each field's longest
// localization: descriptions 1-100, a command at most 8,000 characters.
func TestManageDefinitionsFitInEveryLanguage(t *testing.T) {
	e := newEnv(t)
	spoken := 0 // Discord's locales that read a language other than English
	for _, code := range locale.Discord {
		if locale.For(code).Locale() != locale.English {
			spoken++
		}
	}
	longest := func(en string, loc map[discordgo.Locale]string) int {
		m := len([]rune(en))
		for code, s := range loc {
			if l := len([]rune(s)); l < 1 || l > 100 {
				t.Errorf("%s: %q is %d characters", code, s, l)
			}
			m = max(m, len([]rune(s)))
		}
		return m
	}
	var size func(o *discordgo.ApplicationCommandOption) int
	size = func(o *discordgo.ApplicationCommandOption) int {
		total := len(o.Name) + longest(o.Description, o.DescriptionLocalizations)
		if len(o.DescriptionLocalizations) != spoken {
			t.Errorf("%s has %d description localizations", o.Name, len(o.DescriptionLocalizations))
		}
		for _, c := range o.Choices {
			total += longest(c.Name, c.NameLocalizations) + len(fmt.Sprint(c.Value))
		}
		for _, s := range o.Options {
			total += size(s)
		}
		return total
	}
	for _, name := range []string{"manage", "settings"} {
		def := e.cmds[name].Def
		total := len(def.Name)
		if def.DescriptionLocalizations == nil {
			t.Fatalf("/%s is not localized", name)
		}
		total += longest(def.Description, *def.DescriptionLocalizations)
		for _, o := range def.Options {
			total += size(o)
		}
		if total > 8000 {
			t.Errorf("/%s is %d characters with its longest localizations", name, total)
		}
		t.Logf("/%s: %d characters with its longest localizations", name, total)
	}
}

// /settings language through the command, on both stores: stored in the
// server's settings record, and the next announcement follows it.
func TestSettingsLanguageOnBothStores(t *testing.T) {
	ctx := context.Background()
	now := func() time.Time { return time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC) }
	for _, name := range storeNames {
		t.Run(name, func(t *testing.T) {
			store := openStore(t, name, now)
			e := &env{t: t, set: New(store), cmds: map[string]Command{}}
			for _, c := range e.set.Commands() {
				e.cmds[c.Def.Name] = c
			}
			p := withPoster(e)
			r := e.run(inLocale(mod(slash(guildA, "settings", languageOpt("Polski"))), "uk"))
			if !strings.HasSuffix(r.Data.Content, "\nМова, якою бот пише сам: Polski") {
				t.Errorf("set: %q", r.Data.Content)
			}
			if s, err := store.Settings(ctx, 111); err != nil || s.Language != "pl" {
				t.Fatalf("stored %+v %v", s, err)
			}
			e.modal(withGuildLocale(mod(submit(guildA, "modrev:add:1", map[string]string{"reviewer": "Ola", "text": "A.\n\nB."})), "de"))
			if a := p.posts[0]; a.Author.Name != "Nowa recenzja — Ola" || a.Footer.Text != "2 fragmenty · /review film:Anora by:Ola" {
				t.Errorf("announcement %q / %q", a.Author.Name, a.Footer.Text)
			}
			e.run(mod(slash(guildA, "settings", languageOpt("server"))))
			if s, _ := store.Settings(ctx, 111); s.Language != "" {
				t.Errorf("cleared: %+v", s)
			}
		})
	}
}
