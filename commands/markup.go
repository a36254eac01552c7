package commands

import (
	"strings"
	"unicode/utf8"

	"github.com/filmbot/filmbot/locale"
	"github.com/filmbot/filmbot/storage"
)

// msgSpoilerHead is the visible head of a hidden spoiler paragraph.
var msgSpoilerHead = locale.Text("review.spoiler.head", "**Spoiler** (click to reveal)")

// Review text is written by moderators and shown inside markup of ours:
// spoiler tags around a spoiler paragraph, paragraphs side by side on a
// "Read it all" page. Discord's parser finds a spoiler's end as the next
// two bars in the raw text, and a code span's end as the next backtick,
// whatever lies between; so text must never hold an unescaped bar or
// backtick, and a spoiler's text no markup at all. This file is the one
// place that turns a paragraph into markup.

// markdownPunct is what Discord's markdown gives a meaning to. Each is
// shown as itself when preceded by a backslash.
const markdownPunct = "\\|`*_~#>-[]()<:"

// plainPunct is what is escaped outside spoilers: bars and backticks,
// and brackets, since Discord finds a masked link's end in the raw text
// too, so a "[" here could make a link of everything up to a "](" in a
// later paragraph, spoilers included. Emphasis stays.
const plainPunct = "\\|`[]"

// markup is paragraph e as Discord should show it, at most room
// characters: a spoiler is hidden behind spoiler tags with a visible
// head in t's language (t may be nil for a paragraph that is no spoiler);
// other paragraphs keep their emphasis but can open no spoiler, code
// span or link that would reach beyond them.
func markup(t *locale.T, e storage.Excerpt, room int) string {
	if !e.Spoiler {
		return escapeClip(e.Text, room, plainPunct)
	}
	if t == nil {
		t = english()
	}
	head := t.S(msgSpoilerHead) + "\n"
	body := escapeClip(e.Text, room-utf8.RuneCountInString(head)-5, markdownPunct)
	if strings.HasSuffix(body, "|") {
		body += " " // "\|" then "||" would read as two bars closing early
	}
	return head + "||" + body + "||"
}

// plainBreaks and codeBreaks are plain's and inCode's replacements, built
// once (a Replacer builds its tables on first use).
var (
	plainBreaks = strings.NewReplacer("@everyone", "@\u200beveryone", "@here", "@\u200bhere", "\r\n", " ", "\n", " ", "\r", " ")
	codeBreaks  = strings.NewReplacer("`", "\u02cb", "\n", " ", "\r", " ")
)

// plain is a name as Discord should show it inside markup of ours: a
// film's title or label, a reviewer's, member's or cast member's name, a
// place. Such names are typed by members and moderators, and Discord's
// markdown would otherwise make "[Free Nitro](https://evil.example)" a
// working masked link, "||" hide the lines after it, "**" bold them, a
// line-start "#" a heading, "https://" a link and "@everyone" a ping; so
// every character that would give it a meaning there is escaped (shown
// as itself, see namePunct), a mention of everyone or here is broken by a
// zero-width space, and a line break is a space. It is clipped to room
// characters, never inside an escape. Every title, name or place
// that goes into a message's content, an embed's title, description or
// field goes through plain (or inCode, inside a code span); text that
// Discord shows as it is (an embed's author or footer, a choice, a
// button, a modal's title) does not, or its backslashes would show.
func plain(s string, room int) string {
	if strings.ContainsAny(s, "@\n\r") {
		s = plainBreaks.Replace(s)
	}
	lead := len(s) - len(strings.TrimLeft(s, " \t"))
	dot := lead // "1917. " at the start would begin a numbered list
	for dot < len(s) && s[dot] >= '0' && s[dot] <= '9' {
		dot++
	}
	if dot == lead || dot == len(s) || s[dot] != '.' {
		dot = -1
	}
	return escapeWhere(s, room, func(i int) bool {
		switch c := s[i]; {
		case strings.IndexByte(namePunct, c) >= 0:
			return true
		case c == ':': // "https://…" would be a link
			return strings.HasPrefix(s[i+1:], "//")
		case i == lead: // a heading, a quote or a list
			return c == '#' || c == '>' || c == '-' || c == '+'
		}
		return i == dot
	})
}

// namePunct is what plain escapes wherever it is in a name: what opens
// emphasis, a spoiler, a code span, a masked link or a mention, which
// reach past the name to whatever markup of ours ends them. The rest of
// markdown matters only at the start of a line (plain escapes it there)
// or, for ":", in a link's "://"; left alone elsewhere, "Spider-Man
// (2002)" and "Dune: Part Two" reach Discord as they are.
const namePunct = "\\|`*_~[]<"

// labelMD is a film's label ("Anora (2024)") for markup: plain.
func labelMD(f storage.Film) string { return plain(label(f), maxLabelMD) }

// maxLabelMD bounds a label in markup: a title of 200 characters with its
// year fits whole unless it is mostly punctuation.
const maxLabelMD = 300

// plainList joins names, each plain, with sep, at most room characters:
// names that do not fit are left out whole, and "…" says so.
func plainList(names []string, sep string, room int) string {
	var b strings.Builder
	n := 0
	for k, name := range names {
		item := plain(name, room-1) // the first always fits, with room for "…"
		w := utf8.RuneCountInString(item)
		if k > 0 {
			w += utf8.RuneCountInString(sep)
		}
		// One place is kept for "…" unless this is the last name.
		if last := k == len(names)-1; n+w > room || (!last && n+w > room-1) {
			b.WriteString("…")
			break
		}
		if k > 0 {
			b.WriteString(sep)
		}
		b.WriteString(item)
		n += w
	}
	return b.String()
}

// inCode is a name inside a code span of ours ("`/review film:…`"),
// clipped to room characters: nothing is markup there and a backslash
// would show, but a backtick would end the span and let the rest loose,
// so backticks become the look-alike U+02CB; a line break, which ends a
// span too, becomes a space.
func inCode(s string, room int) string {
	if strings.ContainsAny(s, "`\n\r") {
		s = codeBreaks.Replace(s)
	}
	return escapeClip(s, room, "")
}

// escapeClip backslash-escapes every character of s found in special and
// clips the result to room characters, never between a backslash and
// what it escapes. Valid text that needs neither comes back as it is
// (invalid UTF-8 is written as U+FFFD, as json.Marshal would send it).
func escapeClip(s string, room int, special string) string {
	var set [utf8.RuneSelf]bool
	for i := 0; i < len(special); i++ {
		set[special[i]] = true
	}
	return escapeWhere(s, room, func(i int) bool { return set[s[i]] })
}

// escapeWhere is escapeClip escaping the ASCII characters of s at the
// byte offsets where esc says so.
func escapeWhere(s string, room int, esc func(i int) bool) string {
	escapes := 0
	for i := 0; i < len(s); i++ {
		if s[i] < utf8.RuneSelf && esc(i) {
			escapes++
		}
	}
	total := utf8.RuneCountInString(s)
	if escapes == 0 && total <= room && utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + escapes)
	n, k := 0, 0
	for i, r := range s {
		w := 1
		if r < utf8.RuneSelf && esc(i) {
			w = 2
		}
		// Keep one place for "…" unless this is the last character.
		if n+w > room || (n+w == room && k < total-1) {
			return strings.TrimRight(b.String(), " \n") + "…"
		}
		if w == 2 {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
		n += w
		k++
	}
	return b.String()
}
