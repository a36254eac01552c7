package commands

import (
	"fmt"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

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

// cleanLine cleans a one-line field: it refuses newlines, control
// characters and direction overrides, drops invisible characters and
// collapses spaces. what names the field in the refusal.
func cleanLine(what, s string) (string, error) {
	s = norm.NFC.String(s)
	for _, r := range s {
		switch {
		case r == '\n' || r == '\r':
			return "", userErr("%s must be on one line.", what)
		case unicode.IsControl(r) && r != '\t':
			return "", userErr("%s contains a control character (U+%04X); remove it.", what, r)
		case bidiControl(r):
			return "", userErr("%s contains a character that reverses the direction of text (U+%04X); remove it.", what, r)
		}
	}
	return strings.Join(strings.Fields(strings.Map(dropInvisible, s)), " "), nil
}

// cleanText cleans text of many lines (a review): as cleanLine, but
// keeps line breaks and tabs.
func cleanText(what, s string) (string, error) {
	s = norm.NFC.String(strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n"))
	for _, r := range s {
		switch {
		case unicode.IsControl(r) && r != '\n' && r != '\t':
			return "", userErr("%s contains a control character (U+%04X); remove it.", what, r)
		case bidiControl(r):
			return "", userErr("%s contains a character that reverses the direction of text (U+%04X); remove it.", what, r)
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
