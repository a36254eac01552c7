package commands

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/filmbot/filmbot/storage"
)

// hostileName is a title, and a name, made of markdown: a masked link, a
// spoiler, bold, code, a mention of a member and of everyone, italics,
// strikethrough and a bare link.
const hostileName = "[Free Nitro](https://evil.example) ||x|| **b** `c` <@1> @everyone _i_ ~~s~~ https://bare.example"

// liveTokens are what hostileName holds that must never reach Discord live.
var liveTokens = []string{"](", "://", "||", "@everyone", "<@1>", "**b**", "_i_", "~~s~~"}

// mdEscapable are the characters a backslash escapes in Discord's markdown.
const mdEscapable = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"

// walkMD reads md as Discord's markdown does: escaped gets each escaped
// character, code each code span's fence and inside; everything else is
// copied as it is.
func walkMD(md string, escaped func(b *strings.Builder, c byte), code func(b *strings.Builder, fence, inside string)) string {
	var b strings.Builder
	for k := 0; k < len(md); {
		rest := md[k:]
		switch {
		case rest[0] == '\\' && len(rest) > 1 && rest[1] < 0x80 && strings.IndexByte(mdEscapable, rest[1]) >= 0:
			escaped(&b, rest[1])
			k += 2
		case rest[0] == '`':
			n := len(rest) - len(strings.TrimLeft(rest, "`"))
			if end := strings.Index(rest[n:], rest[:n]); end >= 0 {
				code(&b, rest[:n], rest[n:n+end])
				k += n + end + n
				continue
			}
			b.WriteString(rest[:n])
			k += n
		default:
			b.WriteByte(rest[0])
			k++
		}
	}
	return b.String()
}

// live is md as Discord reads it for markup: escaped characters and the
// inside of code spans become NULs (they are shown as they are); what
// is left is what markdown acts on.
func live(md string) string {
	return walkMD(md, func(b *strings.Builder, _ byte) { b.WriteString("\x00\x00") },
		func(b *strings.Builder, fence, inside string) {
			b.WriteString(fence + strings.Repeat("\x00", len(inside)) + fence)
		})
}

// shown is md as a reader sees it, markup aside: escapes resolved, code
// spans' fences gone, and the look-alikes plain and inCode put in
// (a zero-width space after @, U+02CB for a backtick in code) read back.
func shown(md string) string {
	s := walkMD(md, func(b *strings.Builder, c byte) { b.WriteByte(c) },
		func(b *strings.Builder, _, inside string) { b.WriteString(inside) })
	return strings.NewReplacer("\u200b", "", "\u02cb", "`").Replace(s)
}

// markdownOf lists what Discord renders as markdown in r: its content,
// and its embeds' titles, descriptions and fields (not authors, footers,
// choices or buttons, which it shows as they are).
func markdownOf(r *discordgo.InteractionResponse) []string {
	if r == nil || r.Data == nil {
		return nil
	}
	out := append([]string{r.Data.Content}, textDisplays(r.Data.Components)...)
	for _, e := range r.Data.Embeds {
		out = append(out, e.Title, e.Description)
		for _, f := range e.Fields {
			out = append(out, f.Name, f.Value)
		}
	}
	return out
}

// A film titled in markdown, reviewed by a reviewer named so, with such a
// cast, goes through every command that lists or names films: the title
// and names are shown as typed, and none of their markup is live (no
// masked link, no spoiler hiding the lines after, no ping).
func TestHostileTitlesAreInert(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	f, err := e.db.CreateFilm(ctx, 111, storage.Film{Title: hostileName, Year: 2020, Country: hostileName, Directors: []string{hostileName, "# Heading", "> quote"},
		Languages: []string{hostileName}, Awards: []string{hostileName}, Premiere: hostileName, Release: hostileName,
		Cast: []storage.Role{{Actor: hostileName, Role: hostileName, Note: hostileName}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.AddReview(ctx, 111, storage.Review{FilmID: f.ID, Reviewer: hostileName, Excerpts: []storage.Excerpt{{Text: "Fine."}}}); err != nil {
		t.Fatal(err)
	}
	for u := uint64(40); u < 45; u++ {
		if _, err := e.db.Rate(ctx, 111, f.ID, u, int(u%10)+1); err != nil {
			t.Fatal(err)
		}
		if _, err := e.db.Rate(ctx, 111, e.anora.ID, u, int(u%7)+1); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.db.WatchlistAdd(ctx, 111, 50, f.ID); err != nil {
		t.Fatal(err)
	}
	id := filmValue(f.ID)
	userOpt := func(name, v string) *discordgo.ApplicationCommandInteractionDataOption {
		o := opt(name, v)
		o.Type = discordgo.ApplicationCommandOptionUser
		return o
	}
	as := func(user string, i *discordgo.InteractionCreate) *discordgo.InteractionCreate {
		i.Member.User.ID = user
		return i
	}
	cases := map[string]*discordgo.InteractionCreate{
		"/film":                         slash(guildA, "film", opt("film", id)),
		"/cast":                         slash(guildA, "cast", opt("film", id)),
		"/review":                       slash(guildA, "review", opt("film", id)),
		"/ratings":                      slash(guildA, "ratings", opt("film", id)),
		"/rate":                         slash(guildA, "rate", opt("film", id), opt("score", 7.0)),
		"/rate, my rating":              as("40", slash(guildA, "rate", opt("film", id))),
		"/top":                          slash(guildA, "top"),
		"/top sort:divisive":            slash(guildA, "top", opt("sort", "divisive")),
		"/myratings":                    as("40", slash(guildA, "myratings")),
		"/compare":                      as("40", slash(guildA, "compare", userOpt("member", "41"))),
		"/watchlist add":                as("60", slash(guildA, "watchlist", sub("", "add", opt("film", id)))),
		"/watchlist show":               slash(guildA, "watchlist", sub("", "show", userOpt("member", "50"))),
		"/watchlist server":             slash(guildA, "watchlist", sub("", "server")),
		"/watchlist add, rated already": as("40", slash(guildA, "watchlist", sub("", "add", opt("film", id)))),
		"/watchlist remove":             as("61", slash(guildA, "watchlist", sub("", "remove", opt("film", id)))),
		"/manage film remove":           mod(slash(guildA, "manage", sub("film", "remove", opt("film", id)))),
		"/manage review remove":         mod(slash(guildA, "manage", sub("review", "remove", opt("film", id)))),
	}
	userErrors := map[string]*discordgo.InteractionCreate{
		"/review by: nobody":   slash(guildA, "review", opt("film", id), opt("by", "nobody")),
		"/review excerpt:9":    slash(guildA, "review", opt("film", id), opt("excerpt", 9.0)),
		"/review about:":       slash(guildA, "review", opt("film", id), opt("about", "zebra")),
		"/rate, not rated yet": as("70", slash(guildA, "rate", opt("film", id))),
	}
	// What a member types comes back in the answer, as typed and inert.
	const typed = "[Free Nitro](https://evil.example) ||x|| @everyone"
	typedErrors := map[string]*discordgo.InteractionCreate{
		"/film, no such film":   slash(guildA, "film", opt("film", typed)),
		"/review by:, no such":  slash(guildA, "review", opt("film", id), opt("by", typed)),
		"/review about:, typed": slash(guildA, "review", opt("film", id), opt("about", typed)),
	}
	check := func(name string, texts []string) {
		t.Helper()
		seen := false
		for _, md := range texts {
			for _, tok := range liveTokens {
				if strings.Contains(live(md), tok) {
					t.Errorf("%s: %q is live in:\n%s", name, tok, md)
				}
			}
			if strings.Contains(shown(md), hostileName) {
				seen = true
			}
		}
		if !seen {
			t.Errorf("%s: the title is not shown as typed:\n%s", name, strings.Join(texts, "\n---\n"))
		}
	}
	for name, i := range cases {
		cmd := i.ApplicationCommandData().Name
		r, err := e.check(e.cmds[cmd].Run, i)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		check(name, markdownOf(r))
	}
	for name, i := range typedErrors {
		_, err := e.check(e.cmds[i.ApplicationCommandData().Name].Run, i)
		msg := storage.Message(err)
		if msg == "" {
			t.Errorf("%s: want a user error, got %v", name, err)
			continue
		}
		for _, tok := range liveTokens {
			if strings.Contains(live(msg), tok) {
				t.Errorf("%s: %q is live in:\n%s", name, tok, msg)
			}
		}
		if !strings.Contains(shown(msg), typed) {
			t.Errorf("%s: what was typed is not shown as typed:\n%s", name, msg)
		}
	}
	for name, i := range userErrors {
		cmd := i.ApplicationCommandData().Name
		_, err := e.check(e.cmds[cmd].Run, i)
		msg := storage.Message(err)
		if msg == "" {
			t.Errorf("%s: want a user error, got %v", name, err)
			continue
		}
		check(name, []string{msg})
	}
	// A movie night the film wins: its announcement and its verdict, as
	// the whole server sees them.
	screen := &fakeScreen{votes: []int{0, 5}}
	now := time.Date(2026, 11, 27, 17, 0, 0, 0, time.UTC)
	e.set.WithScreener(screen, "p1").WithClock(func() time.Time { return now })
	plan := nightCmd("plan", opt("starts", "in 2 days"), opt("candidates", "anora, "+id))
	if r, err := e.check(e.cmds["movienight"].Run, plan); err != nil || !strings.Contains(r.Data.Content, "Planned") {
		t.Fatalf("plan: %v %+v", err, r)
	}
	now = now.Add(25 * time.Hour)
	if n, err := e.set.Nights().RunDue(ctx); n != 1 || err != nil || len(screen.cards) == 0 {
		t.Fatalf("close: %d %v %v", n, err, screen.cards)
	}
	check("movie night announcement", []string{screen.cards[0]})
	for _, step := range []time.Duration{2 * 24 * time.Hour, 2 * 24 * time.Hour} { // the screening's end, the verdict
		now = now.Add(step)
		if _, err := e.set.Nights().RunDue(ctx); err != nil {
			t.Fatal(err)
		}
	}
	check("movie night verdict", []string{screen.cards[len(screen.cards)-1]})
}

// plain escapes what would be markup where it would be (anywhere for
// emphasis, spoilers, code, links and mentions; at the start for
// headings, quotes, lists), leaves the rest as typed, and clips to room
// characters without splitting an escape.
func TestPlain(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"Anora (2024)", "Anora (2024)"},
		{"Spider-Man: Into the Spider-Verse (2018)", "Spider-Man: Into the Spider-Verse (2018)"},
		{"M*A*S*H", `M\*A\*S\*H`},
		{"[a](b)", `\[a\](b)`},
		{"x ||y|| `z`", `x \|\|y\|\| \` + "`" + `z\` + "`"},
		{"see https://x.example", `see https\://x.example`},
		{"<@1> <#2> <t:3>", `\<@1> \<#2> \<t:3>`},
		{"@everyone @here", "@\u200beveryone @\u200bhere"},
		{"# Big", `\# Big`},
		{"> q", `\> q`},
		{"- item", `\- item`},
		{"1917. A war", `1917\. A war`},
		{"1917 (2019)", "1917 (2019)"},
		{"two\nlines", "two lines"},
		{`back\slash`, `back\\slash`},
	} {
		if got := plain(c.in, 100); got != c.want {
			t.Errorf("plain(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	for room := 1; room < 30; room++ {
		got := plain("**__~~||``[]<>", room)
		if n := len([]rune(got)); n > room {
			t.Errorf("room %d: %q is %d characters", room, got, n)
		}
		r := []rune(got)
		for k := 0; k < len(r); k++ {
			if r[k] == '\\' {
				if k+1 == len(r) || !strings.ContainsRune("*_~|`[]<>\\", r[k+1]) {
					t.Errorf("room %d: %q splits an escape", room, got)
				}
				k++
			}
		}
	}
	if got := inCode("a`b\nc", 10); got != "a\u02cbb c" {
		t.Errorf("inCode: %q", got)
	}
	if got := plainList([]string{"A*", "B", "C"}, ", ", 8); got != `A\*, B…` {
		t.Errorf("plainList: %q", got)
	}
	if got := plainList([]string{"A*", "B"}, ", ", 7); got != `A\*, B` {
		t.Errorf("plainList, the last fits: %q", got)
	}
}
