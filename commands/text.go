package commands

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/filmbot/filmbot/locale"
)

// What a moderator is told about text that cannot be stored; What is the
// field, named by the caller in the same language.
var (
	msgOneLine = locale.Text("common.text.oneline", "{{.What}} must be on one line.")
	msgControl = locale.Text("common.text.control", "{{.What}} contains a control character ({{.Char}}); remove it.")
	msgBidi    = locale.Text("common.text.bidi", "{{.What}} contains a character that reverses the direction of text ({{.Char}}); remove it.")
)

// codePoint is r as Unicode writes it: U+202E.
func codePoint(r rune) string { return fmt.Sprintf("U+%04X", r) }

// What moderators type is cleaned here before it is stored: composed
// (NFC), so "é" typed two ways is one title; invisible characters
// (zero-width spaces and joiners, soft hyphens, byte-order marks) removed,
// so "Ano\u200bra" is Anora; text-direction overrides refused, since they
// make text read otherwise than it is stored; and control characters
// refused in fields of one line.

// bidiControl reverses or isolates the direction of text that follows.
func bidiControl(r rune) bool {
	return (r >= '\u202a' && r <= '\u202e') || (r >= '\u2066' && r <= '\u2069')
}

// blankLookalike are letters that show as nothing.
func blankLookalike(r rune) bool {
	switch r {
	case '\u3164', '\u115f', '\u1160', '\uffa0', '\u2800', '\u180e':
		return true
	}
	return false
}

// invisible are characters that show as nothing and carry no meaning in
// a title or a name; they are dropped.
func invisible(r rune) bool {
	return !bidiControl(r) && (unicode.Is(unicode.Cf, r) || blankLookalike(r))
}

// cleanLine is cleanLineIn refusing in English (what in English): left
// for the Letterboxd import's callers until they are converted.
func cleanLine(what, s string) (string, error) { return cleanLineIn(english(), what, s) }

// cleanLineIn cleans a one-line field: it refuses newlines, control
// characters and direction overrides, drops invisible characters and
// collapses spaces. The refusal is in t's language, what naming the field
// in that language (a label such as "The title", which each language's
// sentence takes whole: common.text.…).
func cleanLineIn(t *locale.T, what, s string) (string, error) {
	s = norm.NFC.String(s)
	for _, r := range s {
		switch {
		case r == '\n' || r == '\r':
			return "", userText(t.F(msgOneLine, "What", what))
		case unicode.IsControl(r) && r != '\t':
			return "", userText(t.F(msgControl, "What", what, "Char", codePoint(r)))
		case bidiControl(r):
			return "", userText(t.F(msgBidi, "What", what, "Char", codePoint(r)))
		}
	}
	return strings.Join(strings.Fields(strings.Map(dropInvisible, s)), " "), nil
}

// cleanTextIn cleans text of many lines (a review): as cleanLineIn, but
// keeps line breaks and tabs; it refuses in t's language, what naming the
// field in that language.
func cleanTextIn(t *locale.T, what, s string) (string, error) {
	s = norm.NFC.String(strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n"))
	for _, r := range s {
		switch {
		case unicode.IsControl(r) && r != '\n' && r != '\t':
			return "", userText(t.F(msgControl, "What", what, "Char", codePoint(r)))
		case bidiControl(r):
			return "", userText(t.F(msgBidi, "What", what, "Char", codePoint(r)))
		}
	}
	return strings.Map(dropInvisible, s), nil
}

func dropInvisible(r rune) rune {
	if invisible(r) {
		return -1
	}
	return r
}

// visibleText tells whether s shows at least one letter or digit.
func visibleText(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool { return (unicode.IsLetter(r) || unicode.IsDigit(r)) && !blankLookalike(r) })
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

// A date the bot writes itself ("2 Jan 2006" in English): the pattern
// and the month's short name are each language's own.
var (
	msgDate   = locale.Text("common.date", "{{.Day}} {{.Month}} {{.Year}}")
	msgMonths = [12]locale.Key{
		locale.Text("common.month.1", "Jan"), locale.Text("common.month.2", "Feb"),
		locale.Text("common.month.3", "Mar"), locale.Text("common.month.4", "Apr"),
		locale.Text("common.month.5", "May"), locale.Text("common.month.6", "Jun"),
		locale.Text("common.month.7", "Jul"), locale.Text("common.month.8", "Aug"),
		locale.Text("common.month.9", "Sep"), locale.Text("common.month.10", "Oct"),
		locale.Text("common.month.11", "Nov"), locale.Text("common.month.12", "Dec"),
	}
)

// shortDate is d's day in t's language: "2 Jan 2026", "2 янв. 2026 г.",
// "2026年1月2日".
func shortDate(t *locale.T, d time.Time) string {
	return t.F(msgDate, "Day", strconv.Itoa(d.Day()), "Month", t.S(msgMonths[d.Month()-1]), "Year", strconv.Itoa(d.Year()))
}
