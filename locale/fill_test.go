package locale

import (
	"strings"
	"testing"
)

var (
	tTwo     = Text("t.fill.two", "{{.A}} and {{.B}}, {{.A}} again")
	tTrim    = Text("t.fill.trim", "a  {{- .A -}}  b")
	tIf      = Text("t.fill.if", "{{if .A}}yes{{else}}no{{end}}")
	tPipe    = Text("t.fill.pipe", "{{.A | printf \"%q\"}}")
	tDeep    = Text("t.fill.deep", "{{.A.B}}")
	tOnlyArg = Text("t.fill.only", "{{.A}}")
	tNUL     = Text("t.fill.nul", "\x00{{.A}}")
)

// F's fill writes what go-i18n's template writes, or is not used: every
// message of the test's catalog, in every language, with values of every
// kind, missing, repeated or odd.
func TestFillIsTemplates(t *testing.T) {
	keys := []Key{tHello, tNoFilm, tTwo, tTrim, tIf, tPipe, tDeep, tOnlyArg, tNUL}
	pairsets := [][]any{
		nil,
		{"Title", "Дюна"},
		{"Title", "{{.Title}} <b> %v \x00A\x00"},
		{"A", "x", "B", "y"},
		{"A", "", "B", ""},
		{"A", "x", "B", "y", "A", "z"},
		{"A", 7, "B", "y"},
		{"A", nil},
		{"A", "x", "B"},
		{"B", "y"},
		{1, "x", "A", "y"},
		{"A", struct{ B string }{"deep"}},
		{"Title", strings.Repeat("long ", 100)},
	}
	for _, code := range []string{English, "ru", "de"} {
		tr := For(code)
		for _, k := range keys {
			for _, pairs := range pairsets {
				got := tr.F(k, pairs...)
				want := tr.render(k, 0, false, data(pairs))
				if got != want {
					t.Errorf("%s %s %v: F %q, go-i18n %q", code, keyID(k), pairs, got, want)
				}
			}
		}
	}
	// The fill is used where it can be: a template of placeholders alone,
	// every value a string.
	if f := For("ru"); !f.cut(tNoFilm).ok || !f.cut(tTwo).ok {
		t.Error("a template of {{.Name}} placeholders is not filled")
	}
	for _, k := range []Key{tIf, tPipe, tDeep, tNUL} {
		if For(English).cut(k).ok {
			t.Errorf("%s is filled, but it is more than placeholders", keyID(k))
		}
	}
	if p := Problems(); len(p) > 0 {
		for _, s := range p {
			if strings.Contains(s, "is filled as") {
				t.Error(s)
			}
		}
	}
}

// Filling allocates the text and nothing else.
func TestFillAllocatesOnce(t *testing.T) {
	ru := For("ru")
	ru.F(tNoFilm, "Title", "Дюна")
	if n := testing.AllocsPerRun(100, func() { ru.F(tNoFilm, "Title", "Дюна") }); n > 1 {
		t.Errorf("F allocates %.0f times, want 1", n)
	}
}
