package locale

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/feature/plural"
	"golang.org/x/text/language"
)

// formsOf reads a language file: id → its forms (a plain string is
// "other").
func formsOf(buf []byte) (map[string]map[string]string, error) {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(buf, &raw); err != nil {
		return nil, err
	}
	out := make(map[string]map[string]string, len(raw))
	for id, v := range raw {
		var s string
		if json.Unmarshal(v, &s) == nil {
			out[id] = map[string]string{"other": s}
			continue
		}
		var m map[string]string
		if err := json.Unmarshal(v, &m); err != nil {
			return nil, fmt.Errorf("%s: a message is a string or an object of plural forms", id)
		}
		out[id] = m
	}
	return out, nil
}

func jsonString(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

var placeholder = regexp.MustCompile(`\{\{\s*\.(\w+)\s*\}\}`)

func placeholders(s string) []string {
	var out []string
	for _, m := range placeholder.FindAllStringSubmatch(s, -1) {
		if !slices.Contains(out, m[1]) {
			out = append(out, m[1])
		}
	}
	slices.Sort(out)
	return out
}

// PluralForms is the CLDR categories a language's counts (whole numbers)
// fall into, "other" always among them: what its file must give for a
// plural message.
func PluralForms(code string) []string {
	tag := language.Make(code)
	seen := map[plural.Form]bool{plural.Other: true}
	for i := 0; i <= 1_000_000; i = next(i) {
		seen[plural.Cardinal.MatchPlural(tag, i, 0, 0, 0, 0)] = true
	}
	names := map[plural.Form]string{plural.Zero: "zero", plural.One: "one", plural.Two: "two", plural.Few: "few", plural.Many: "many", plural.Other: "other"}
	var out []string
	for f := range seen {
		out = append(out, names[f])
	}
	slices.Sort(out)
	return out
}

func next(i int) int {
	if i < 1000 {
		return i + 1
	}
	return i * 10
}

// Problems is what is wrong with the language files against the messages
// declared so far (declare them first: build the command definitions):
// a message missing or not declared, placeholders that differ from
// English's, plural forms missing for the language's CLDR categories,
// names that break Discord's rules, a message T.F fills otherwise than
// go-i18n renders it (fill.go).
func Problems() []string {
	loadOnce.Do(load)
	var out []string
	if loadErr != nil {
		out = append(out, loadErr.Error())
	}
	regMu.RLock()
	reg := slices.Clone(registry)
	regMu.RUnlock()
	for _, l := range tags {
		t := For(l.code)
		for i, e := range reg {
			if msg := t.fillDiffers(Key{int32(i)}, e); msg != "" {
				out = append(out, l.code+": "+msg)
			}
		}
	}
	declared := map[string]entry{}
	for _, e := range reg {
		declared[e.msg.ID] = e
	}
	for _, l := range tags[1:] {
		bad := func(format string, a ...any) { out = append(out, l.code+": "+fmt.Sprintf(format, a...)) }
		need := PluralForms(l.code)
		for _, e := range reg {
			f, ok := l.forms[e.msg.ID]
			if !ok {
				bad("%s is missing", e.msg.ID)
				continue
			}
			want := placeholders(e.msg.Other)
			if e.plural {
				want = placeholders(e.msg.Other + e.msg.One)
				for _, form := range need {
					if f[form] == "" {
						bad("%s has no plural form %q (CLDR's %v)", e.msg.ID, form, need)
					}
				}
			} else if len(f) != 1 || f["other"] == "" {
				bad("%s is a plain text in English", e.msg.ID)
			}
			if strings.HasPrefix(e.msg.ID, "name.") && utf8.RuneCountInString(f["other"]) > 32 {
				bad("%s: %q is longer than Discord's 32 characters for a command's name", e.msg.ID, f["other"])
			}
			for form, text := range f {
				if got := placeholders(text); !slices.Equal(got, want) && !(e.plural && slices.Equal(got, without(want, "Count"))) {
					bad("%s (%s) has placeholders %v, English %v", e.msg.ID, form, got, want)
				}
			}
		}
		for id, f := range l.forms {
			if _, ok := declared[id]; ok {
				continue
			}
			if path, ok := strings.CutPrefix(id, "name."); ok {
				if _, ok := declared["desc."+path]; !ok {
					bad("%s names no command or option", id)
				}
				if n := f["other"]; !NameRule.MatchString(n) || n != strings.ToLower(n) || strings.ContainsFunc(n, unicode.IsSpace) {
					bad("%s: %q breaks Discord's name rules (1-32 lower-case letters, digits, - or _)", id, n)
				}
				continue
			}
			bad("%s is not a message of filmbot", id)
		}
	}
	return out
}

func without(s []string, x string) []string {
	return slices.DeleteFunc(slices.Clone(s), func(v string) bool { return v == x })
}
