package commands

import (
	"strings"
	"unicode/utf8"

	"github.com/filmbot/filmbot/storage"
)

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
// head; other paragraphs keep their emphasis but can open no spoiler,
// code span or link that would reach beyond them.
func markup(e storage.Excerpt, room int) string {
	if !e.Spoiler {
		return escapeClip(e.Text, room, plainPunct)
	}
	const head = "**Spoiler** (click to reveal)\n"
	body := escapeClip(e.Text, room-utf8.RuneCountInString(head)-5, markdownPunct)
	if strings.HasSuffix(body, "|") {
		body += " " // "\|" then "||" would read as two bars closing early
	}
	return head + "||" + body + "||"
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
	escapes := 0
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < utf8.RuneSelf && set[c] {
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
	for _, r := range s {
		w := 1
		if r < utf8.RuneSelf && set[r] {
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
