package main

import (
	"fmt"
	"strings"
	"testing"
	"unicode"

	"github.com/filmbot/filmbot/locale"
	"github.com/filmbot/filmbot/sandbox"
)

// flowTexts is what one member's whole flow through the real bot showed:
// /review, /rate, /ratings (with its chart), a Letterboxd import's
// preview, and the poll a movie night planned in their server posted.
type flowTexts struct {
	review, rate, ratings, preview, poll, planned string
	chart                                         bool
}

func embedText(m *sandbox.Message) string {
	var b strings.Builder
	b.WriteString(m.Content)
	for _, e := range m.Cards() {
		b.WriteString("\n" + e.Title + "\n" + e.Description)
		for _, f := range e.Fields {
			b.WriteString("\n" + f.Name + "\n" + f.Value)
		}
		if e.Footer != nil {
			b.WriteString("\n" + e.Footer.Text)
		}
	}
	return b.String()
}

// TestEveryLanguageThroughTheSandbox runs one flow per language through
// the sandbox against the real bot on PostgreSQL: a member whose Discord
// is in that language in a server whose language is that one too, and a
// moderator whose Discord is in English planning the server's movie
// night. The member's answers and the night's poll are in the language
// (not English's text; in a script of its own where it has one), the
// moderator's own answer stays English, and nothing breaks Discord's
// limits (the sandbox's findings).
func TestEveryLanguageThroughTheSandbox(t *testing.T) {
	t.Parallel()
	l, _, _ := liveWithTangerine(t)
	guild := sandbox.Viewer.GuildID
	csv := "Date,Name,Year,Letterboxd URI,Rating\n2024-11-02,Anora,2024,https://boxd.it/a,4.5\n2023-01-15,Nowhere,1999,https://boxd.it/n,2\n"

	flow := func(k int, lang string) flowTexts {
		t.Helper()
		if err := l.sb.SetGuildLocale(guild, lang); err != nil {
			t.Fatal(err)
		}
		m := sandbox.Member{GuildID: guild, UserID: fmt.Sprint(600000000000000000 + k), Name: "M" + lang, Locale: lang}
		var f flowTexts
		f.review = embedText(l.do(m, "/review film:anora excerpt:3").Message)
		f.rate = embedText(l.do(m, "/rate film:anora score:8").Message)
		r := l.do(m, "/ratings film:anora").Message
		f.ratings = embedText(r)
		f.chart = len(r.Cards()) > 0 && r.Cards()[0].Image != nil && len(r.Attachments) == 1
		up := l.sb.Upload("ratings.csv", "text/csv", []byte(csv), 0)
		f.preview = embedText(l.do(m, "/import letterboxd file:"+up.ID).Message)
		plan := l.do(sandbox.Moderator, `/movienight plan starts:"in 2 days" closes:"in 3 hours" candidates:"anora, tangerine"`)
		f.planned = plan.Message.Content
		for _, msg := range l.sb.ChannelMessages(l.sb.Guilds()[0].Channels[0].ID) {
			if msg.Poll != nil {
				f.poll = msg.Content + "\n" + msg.Poll.Question
			}
		}
		if c := l.do(sandbox.Moderator, "/movienight cancel"); !c.Message.Ephemeral() {
			t.Fatalf("%s: cancel: %+v", lang, c.Message)
		}
		return f
	}

	en := flow(0, locale.English)
	if !strings.Contains(en.review, "Excerpt 3 of 12") || !strings.Contains(en.planned, "Planned") || en.poll == "" || !en.chart {
		t.Fatalf("English flow: %+v", en)
	}
	for k, lang := range locale.Locales()[1:] {
		got := flow(k+1, lang)
		for what, pair := range map[string][2]string{
			"/review": {got.review, en.review}, "/rate": {got.rate, en.rate}, "/ratings": {got.ratings, en.ratings},
			"the import's preview": {got.preview, en.preview}, "the night's poll": {got.poll, en.poll},
		} {
			if pair[0] == "" || pair[0] == pair[1] {
				t.Errorf("%s: %s is English or empty: %q", lang, what, pair[0])
			}
			if script := scriptOf(lang); script != nil && !strings.ContainsFunc(pair[0], func(r rune) bool { return unicode.In(r, script...) }) {
				t.Errorf("%s: %s has no letter of the language's script: %q", lang, what, pair[0])
			}
		}
		if !got.chart {
			t.Errorf("%s: /ratings has no chart", lang)
		}
		if !strings.Contains(got.planned, "Planned") {
			t.Errorf("%s: the English moderator's own answer is not English: %q", lang, got.planned)
		}
	}
	ru := flow(100, "ru")
	if !strings.Contains(ru.ratings, "оценок") { // 15 raters: CLDR's "many"
		t.Errorf("ru /ratings: %q", ru.ratings)
	}
	l.noViolations()
}

// scriptOf is the script a language's text must use, nil for Latin ones
// (told from English by differing only).
func scriptOf(lang string) []*unicode.RangeTable {
	switch lang {
	case "ru", "uk", "bg":
		return []*unicode.RangeTable{unicode.Cyrillic}
	case "ja":
		return []*unicode.RangeTable{unicode.Hiragana, unicode.Katakana, unicode.Han}
	case "ko":
		return []*unicode.RangeTable{unicode.Hangul}
	case "zh-CN", "zh-TW":
		return []*unicode.RangeTable{unicode.Han}
	case "el":
		return []*unicode.RangeTable{unicode.Greek}
	}
	return nil
}
