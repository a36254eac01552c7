package commands

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/filmbot/filmbot/limits"
	"github.com/filmbot/filmbot/locale"
)

// Messages of the locale check's own test (translated in the test, with
// locale.Override).
var (
	lcTitle  = locale.Text("leakcheck.title", "Your ratings")
	lcCount  = locale.Plural("leakcheck.count", "{{.Count}} film rated", "{{.Count}} films rated")
	lcRated  = locale.Text("leakcheck.rated", "You rated {{.Film}}: {{.Score}}.")
	lcNoFilm = locale.Text("leakcheck.nofilm", "No film called {{.Title}} here.")
)

// lcRecorder keeps what the check reports instead of failing the test.
type lcRecorder struct {
	testing.TB
	mu   sync.Mutex
	errs []string
}

func (r *lcRecorder) Errorf(format string, a ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errs = append(r.errs, fmt.Sprintf(format, a...))
}

func (r *lcRecorder) reported() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.errs
	r.errs = nil
	return out
}

// lcEnv is an env with the locale check on, whatever
// FILMBOT_LOCALE_CHECK says, reporting to rec.
func lcEnv(t *testing.T) (*env, *lcRecorder) {
	rec := &lcRecorder{TB: t}
	e := newEnv(rec)
	lcCheckersMu.Lock()
	if lcCheckers[e] == nil {
		e.startLocaleCheck()
	}
	lcCheckersMu.Unlock()
	translate := func(id, english string) {
		for _, code := range locale.Locales()[1:] {
			locale.Override(code, id, "["+code+"] "+english)
		}
	}
	translate("leakcheck.title", "Your ratings")
	translate("leakcheck.count", "{{.Count}} films rated")
	translate("leakcheck.rated", "You rated {{.Film}}: {{.Score}}.")
	translate("leakcheck.nofilm", "No film called {{.Title}} here.")
	// A German too long for a message.
	locale.Override("de", "leakcheck.rated", strings.Repeat("Eine viel zu lange Übersetzung. ", 70)+"{{.Film}}: {{.Score}}.")
	return e, rec
}

func lcHasMarks(r *discordgo.InteractionResponse) bool {
	marked := false
	lcMapTexts(r, func(_, s string) string {
		marked = marked || locale.HasMarks(s)
		return s
	})
	return marked
}

func lcOneReport(t *testing.T, got []string, want ...string) {
	t.Helper()
	n := 0
	for _, g := range got {
		all := true
		for _, w := range want {
			all = all && strings.Contains(g, w)
		}
		if all {
			n++
		}
	}
	if n != 1 {
		t.Errorf("want one report with %q, got %d in:\n%s", want, n, strings.Join(got, "\n"))
	}
}

// A handler-shaped function with declared messages (one nested in
// another), data (a title, a mention, a /command with an option, a URL)
// and one hard-coded English sentence: the sentence alone is reported,
// with where it is; a translation too long for Discord is reported with
// its language; the test gets the plain English answer.
func TestLocaleCheckFindsLeaks(t *testing.T) {
	e, rec := lcEnv(t)
	anora := e.anora
	h := func(ctx context.Context, i *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
		t := tr(i)
		r := ephemeral(&discordgo.MessageEmbed{
			Title:       t.S(lcTitle),
			Description: t.N(lcCount, 2) + "\nNothing else to see here.",
			Footer:      &discordgo.MessageEmbedFooter{Text: label(anora) + " · /rate film:" + anora.Title + " · <@42> · https://letterboxd.com/film/anora/"},
			Fields: []*discordgo.MessageEmbedField{
				{Name: t.S(lcTitle), Value: t.F(lcNoFilm, "Title", t.N(lcCount, 1))},
				{Name: "·", Value: t.F(lcNoFilm, "Title", "a hard-coded phrase")},
				// Clipped to the room its own language's words leave (the
				// translations are longer: no report).
				{Name: t.F(lcNoFilm, "Title", clip(strings.Repeat("Anora ", 60), limits.FieldName-utf8.RuneCountInString(t.F(lcNoFilm, "Title", "")))), Value: "·"},
			},
		})
		r.Data.Content = t.F(lcRated, "Film", "**"+label(anora)+"**", "Score", t.Num(8, 1))
		return r, nil
	}
	i := slash(guildA, "film", opt("film", "Anora"))
	r, err := e.check(h, i)
	if err != nil {
		t.Fatal(err)
	}
	got := rec.reported()
	lcOneReport(t, got, "/film, embed 1 description: text outside the catalog", `"Nothing else to see here"`)
	lcOneReport(t, got, "/film, embed 1 field 2 value: text outside the catalog (argument Title of leakcheck.nofilm)", `"a hard-coded phrase"`)
	lcOneReport(t, got, "/film: in de the answer breaks Discord's limits: content is")
	if len(got) != 3 {
		t.Errorf("want 3 reports, got:\n%s", strings.Join(got, "\n"))
	}
	if lcHasMarks(r) {
		t.Error("the test is given markers")
	}
	em := embed(r)
	if em.Title != "Your ratings" || em.Description != "2 films rated\nNothing else to see here." || r.Data.Content != "You rated **Anora (2024)**: 8.0." ||
		em.Fields[0].Value != "No film called 1 film rated here." {
		t.Errorf("plain answer: %q %q %q %q", em.Title, em.Description, r.Data.Content, em.Fields[0].Value)
	}

	// A Russian member: the answer is Russian, checked the same way.
	i.Locale = discordgo.Russian
	r, _ = e.check(h, i)
	got = rec.reported()
	lcOneReport(t, got, `"Nothing else to see here"`)
	if r.Data.Content != "[ru] You rated **Anora (2024)**: 8,0." || embed(r).Title != "[ru] Your ratings" {
		t.Errorf("ru: %q %q", r.Data.Content, embed(r).Title)
	}
}

// A user error from the catalog, with the member's own words, passes and
// reaches the test plain; a hard-coded one is reported.
func TestLocaleCheckUserErrors(t *testing.T) {
	e, rec := lcEnv(t)
	declared := func(ctx context.Context, i *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
		return nil, userText(tr(i).F(lcNoFilm, "Title", str(options(i), "film")))
	}
	if msg := e.userError(declared, slash(guildA, "film", opt("film", "Dune Part Two"))); msg != "No film called Dune Part Two here." {
		t.Errorf("user error: %q", msg)
	}
	if got := rec.reported(); len(got) != 0 {
		t.Errorf("declared user error reported:\n%s", strings.Join(got, "\n"))
	}
	// What a member typed in a form is theirs too.
	form := func(ctx context.Context, i *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
		return nil, userText(tr(i).F(lcNoFilm, "Title", modalValues(i)["title"]))
	}
	if msg := e.userError(form, submit(guildA, "modfilm:add:0", map[string]string{"title": "Soon twenty"})); msg != "No film called Soon twenty here." {
		t.Errorf("form error: %q", msg)
	}
	if got := rec.reported(); len(got) != 0 {
		t.Errorf("a form's own text reported:\n%s", strings.Join(got, "\n"))
	}
	hard := func(ctx context.Context, i *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
		return nil, userErr("That film is not here.")
	}
	if msg := e.userError(hard, slash(guildA, "film", opt("film", "Dune"))); msg != "That film is not here." {
		t.Errorf("user error: %q", msg)
	}
	lcOneReport(t, rec.reported(), "/film, its error: text outside the catalog", `"That film is not here"`)
}

// What a handler posts on its own (an announcement, its thread) is
// checked too, and the Poster is given it plain.
func TestLocaleCheckAnnouncements(t *testing.T) {
	e, rec := lcEnv(t)
	p := withPoster(e)
	h := func(ctx context.Context, i *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
		t := tr(i)
		id, err := e.set.poster.PostMessage(ctx, guildA, "5", &discordgo.MessageEmbed{Title: t.S(lcTitle), Description: "New review posted."})
		if err != nil {
			return nil, err
		}
		if _, err := e.set.poster.StartThread(ctx, "5", id, t.F(lcNoFilm, "Title", e.anora.Title)); err != nil {
			return nil, err
		}
		return Reply(t.N(lcCount, 3)), nil
	}
	r, err := e.check(h, slash(guildA, "film"))
	if err != nil || r.Data.Content != "3 films rated" {
		t.Fatalf("%v %+v", err, r)
	}
	got := rec.reported()
	lcOneReport(t, got, "an announcement, embed 1 description: text outside the catalog", `"New review posted"`)
	if len(got) != 1 {
		t.Errorf("want 1 report, got:\n%s", strings.Join(got, "\n"))
	}
	if len(p.posts) != 1 || p.posts[0].Title != "Your ratings" || p.threads[0] != "No film called Anora here." {
		t.Errorf("poster given %+v %q", p.posts, p.threads)
	}
}

// What an answer may say untranslated is taken out before the leak check;
// an unknown command or option name is not.
func TestLocaleCheckSyntax(t *testing.T) {
	x := newLCSyntax(New(nil))
	for in, want := range map[string]string{
		"Try /rate film:Anora now":              "Try \x00 \x00Anora now",
		"/manage film add then":                 "\x00 then",
		"Use /review film: by:":                 "Use \x00 \x00 \x00",
		"Letterboxd's file ratings.csv at <@1>": "\x00's file \x00 at \x00",
		"/nothing here":                         "/nothing here",
		"note: U+200B":                          "note: \x00",
	} {
		if got := x.clean(in); got != want {
			t.Errorf("clean(%q) = %q, want %q", in, got, want)
		}
	}
}
