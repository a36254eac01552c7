// Package locale is every word filmbot writes, in every language it
// speaks. The English text of a message lives in the code that uses it,
// declared once at package level:
//
//	var msgNoFilm = locale.Text("film.none", "No film called {{.Title}} here.")
//	var msgRatings = locale.Plural("ratings.count", "{{.Count}} rating", "{{.Count}} ratings")
//
// and each other language is one file, messages/<discord locale>.json,
// mapping the same ids to its text (a plural message to its CLDR forms:
// zero, one, two, few, many, other). Adding a language is adding its file.
//
// A handler takes the translator for the member (For(i.Locale)) or, for
// what the bot posts on its own, the server's (For(settings' language or
// i.GuildLocale)), and asks it: T.S for a fixed string (a slice index, no
// allocation), T.F for a template ({{.Name}} placeholders filled from
// name/value pairs), T.N for a count's plural form, T.Num for a number in
// the locale's style ("7,5" in German).
//
// Catalogs and CLDR plural rules are go-i18n's (github.com/nicksnyder/
// go-i18n/v2): its file-per-language catalogs are what "a language is one
// file" needs, and its plural rules are generated from CLDR. Matching a
// member's locale to the nearest language we have and writing numbers are
// golang.org/x/text's (CLDR data as well).
package locale

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
	"sync"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/number"
)

// English is the base language: the text in the code.
const English = "en-US"

// Key is one message of the catalog.
type Key struct{ i int32 }

type entry struct {
	msg    *i18n.Message
	plural bool
	fixed  bool // no placeholders: looked up once per language
}

var (
	regMu    sync.RWMutex
	registry []entry
	ids      = map[string]Key{}
)

// Text declares a message with its English text. Declare each id once,
// at package level; two declarations of one id panic.
func Text(id, english string) Key {
	return add(id, &i18n.Message{ID: id, Other: english}, false)
}

// Plural declares a message chosen by a count, in English's two forms.
// The count is {{.Count}} in the text.
func Plural(id, one, other string) Key {
	return add(id, &i18n.Message{ID: id, One: one, Other: other}, true)
}

func add(id string, m *i18n.Message, plural bool) Key {
	regMu.Lock()
	defer regMu.Unlock()
	if _, dup := ids[id]; dup {
		panic("locale: message " + id + " declared twice")
	}
	return addLocked(id, m, plural)
}

// addLocked declares m (regMu held).
func addLocked(id string, m *i18n.Message, plural bool) Key {
	k := Key{int32(len(registry))}
	registry = append(registry, entry{msg: m, plural: plural, fixed: !plural && !strings.Contains(m.Other, "{{")})
	ids[id] = k
	// In the English bundle at once, so a message declared after the
	// first translator was made (during another package's init, or a
	// definition's at start) is rendered from its cached template too.
	bundle.MustAddMessages(language.AmericanEnglish, m)
	return k
}

// define declares, or finds, a message whose id is derived (a command
// definition's description): the same id is one message, in one step.
func define(id, english string) Key {
	regMu.Lock()
	defer regMu.Unlock()
	if k, ok := ids[id]; ok {
		return k
	}
	return addLocked(id, &i18n.Message{ID: id, Other: english}, false)
}

//go:embed messages/*.json
var embedded embed.FS

// files is where the language files are read from (tests swap it).
var files fs.FS = embedded

// T writes in one language. The zero T is not valid: use For.
type T struct {
	lang   *lang
	en     *lang
	locale string
}

type lang struct {
	tag   language.Tag
	code  string // Discord's locale code, the file's name
	loc   *i18n.Localizer
	print *message.Printer

	raw   map[string]string            // the file's plain-string messages
	forms map[string]map[string]string // the file's every message: form (other, one, …) → text

	mu    sync.RWMutex
	fixed []string // by Key; "" not yet looked up
	fills []*fill  // by Key; nil not yet looked up (fill.go)
}

var (
	loadOnce sync.Once
	// bundle holds English (every declared message) and the files'
	// languages; regMu guards it: written under Lock (declaring, loading),
	// read under RLock (rendering).
	bundle = func() *i18n.Bundle {
		b := i18n.NewBundle(language.AmericanEnglish)
		b.RegisterUnmarshalFunc("json", json.Unmarshal)
		return b
	}()
	langs   map[string]*lang // by Discord locale code
	matcher language.Matcher
	tags    []*lang // matcher's order; [0] English
	loadErr error
)

func load() {
	regMu.Lock()
	defer regMu.Unlock()
	langs = map[string]*lang{}
	en := newLang(English, language.AmericanEnglish)
	langs[English] = en
	tags = []*lang{en}
	names, _ := fs.Glob(files, "messages/*.json")
	slices.Sort(names)
	for _, name := range names {
		code := strings.TrimSuffix(path.Base(name), ".json")
		buf, _ := fs.ReadFile(files, name)
		tag, err := language.Parse(code)
		if err != nil {
			loadErr = fmt.Errorf("locale: %s: %w", name, err)
			continue
		}
		// go-i18n reads the language from the file name.
		if _, err := bundle.ParseMessageFileBytes(buf, code+".json"); err != nil {
			loadErr = fmt.Errorf("locale: %s: %w", name, err)
			continue
		}
		l := newLang(code, tag)
		if l.forms, err = formsOf(buf); err != nil {
			loadErr = fmt.Errorf("locale: %s: %w", name, err)
			continue
		}
		l.raw = map[string]string{}
		for id, f := range l.forms {
			if len(f) == 1 && f["other"] != "" {
				l.raw[id] = f["other"]
			}
		}
		langs[code] = l
		tags = append(tags, l)
	}
	// Each language's localizer is made once, here, under regMu (it
	// reads the bundle), and never changes.
	for _, l := range tags {
		l.loc = i18n.NewLocalizer(bundle, l.code)
	}
	ts := make([]language.Tag, len(tags))
	for i, l := range tags {
		ts[i] = l.tag
	}
	matcher = language.NewMatcher(ts)
}

func newLang(code string, tag language.Tag) *lang {
	return &lang{tag: tag, code: code, print: message.NewPrinter(tag)}
}

// Locales lists the languages filmbot speaks, as Discord's locale codes,
// English first.
func Locales() []string {
	loadOnce.Do(load)
	out := make([]string, len(tags))
	for i, l := range tags {
		out[i] = l.code
	}
	return out
}

var (
	forMu  sync.RWMutex
	forMap = map[string]*T{}
)

// For is the translator for a Discord locale ("ru", "pt-BR", "en-GB"):
// its language when filmbot has it, else the nearest one a speaker reads
// (en-GB: English, es-419: Spanish), else English.
func For(locale string) *T {
	forMu.RLock()
	t := forMap[locale]
	forMu.RUnlock()
	if t != nil {
		return t
	}
	loadOnce.Do(load)
	l := langs[English]
	if exact, ok := langs[locale]; ok {
		l = exact
	} else if tag, err := language.Parse(locale); err == nil {
		_, i, conf := matcher.Match(tag)
		if conf >= language.High {
			l = tags[i]
		}
	}
	t = &T{lang: l, en: langs[English], locale: l.code}
	forMu.Lock()
	if len(forMap) < 256 { // Discord has ~32 locales; never grow on junk
		forMap[locale] = t
	}
	forMu.Unlock()
	return t
}

// Locale is the Discord locale code of the language T writes.
func (t *T) Locale() string { return t.locale }

// S is a fixed message: no allocation after its first use.
func (t *T) S(k Key) string {
	l := t.lang
	l.mu.RLock()
	if int(k.i) < len(l.fixed) {
		if s := l.fixed[k.i]; s != "" {
			l.mu.RUnlock()
			return s
		}
	}
	l.mu.RUnlock()
	gen := markGen.Load() // mark.go: no caching across a change of Marking
	s := t.render(k, 0, false, nil)
	regMu.RLock()
	n := len(registry)
	regMu.RUnlock()
	l.mu.Lock()
	if len(l.fixed) < n {
		l.fixed = append(l.fixed, make([]string, n-len(l.fixed))...)
	}
	if markGen.Load() == gen {
		l.fixed[k.i] = s
	}
	l.mu.Unlock()
	return s
}

// F is a message with placeholders, given as name/value pairs:
// F(msgNoFilm, "Title", title).
func (t *T) F(k Key, pairs ...any) string {
	if !marking.Load() {
		if s, ok := t.filled(k, pairs); ok {
			return s
		}
	}
	return t.render(k, 0, false, data(pairs))
}

// N is a message chosen by count n, which the text sees as {{.Count}}
// (written in the locale's style), with more placeholders as pairs.
func (t *T) N(k Key, n int, pairs ...any) string {
	d := data(pairs)
	if d == nil {
		d = map[string]any{}
	}
	d["Count"] = t.Int(n)
	return t.render(k, n, true, d)
}

func data(pairs []any) map[string]any {
	if len(pairs) == 0 {
		return nil
	}
	d := make(map[string]any, len(pairs)/2+1)
	for i := 0; i+1 < len(pairs); i += 2 {
		name, _ := pairs[i].(string)
		d[name] = pairs[i+1]
	}
	return d
}

func (t *T) render(k Key, n int, plural bool, d map[string]any) string {
	s := t.text(k, n, plural, d)
	// Tests only (mark.go): with Marking on, s is wrapped in markers
	// carrying k and d. One atomic load when off; S's cached path never
	// gets here.
	if marking.Load() {
		return t.mark(k, n, plural, d, s)
	}
	return s
}

// text is k's text in T's language (English where the file lacks it).
func (t *T) text(k Key, n int, plural bool, d map[string]any) string {
	regMu.RLock()
	defer regMu.RUnlock()
	e := registry[k.i]
	cfg := &i18n.LocalizeConfig{DefaultMessage: e.msg, TemplateData: d}
	if plural {
		cfg.PluralCount = n
	}
	if t.lang.code != English {
		// A missing plural form falls back to the language's "other";
		// a missing message to English.
		if s, tag, _ := t.lang.loc.LocalizeWithTag(cfg); s != "" && tag == t.lang.tag {
			return s
		}
	}
	s, err := t.en.loc.Localize(cfg)
	if err != nil {
		return e.msg.Other
	}
	return s
}

// own is k's text from T's language file alone (no English fallback).
func (t *T) own(k Key) (string, bool) {
	regMu.RLock()
	defer regMu.RUnlock()
	e := registry[k.i]
	if _, ok := t.lang.forms[e.msg.ID]; !ok {
		return "", false
	}
	s, tag, _ := t.lang.loc.LocalizeWithTag(&i18n.LocalizeConfig{DefaultMessage: e.msg})
	return s, s != "" && tag == t.lang.tag
}

// Int is n in the locale's style ("12 345" in French, "12.345" in German).
func (t *T) Int(n int) string {
	if n > -1000 && n < 1000 {
		return smallInt(n)
	}
	return t.lang.print.Sprint(number.Decimal(n))
}

// Num is x with exactly digits decimals, in the locale's style: Num(7.5, 1)
// is "7.5" in English, "7,5" in German, French and Russian.
func (t *T) Num(x float64, digits int) string {
	return t.lang.print.Sprint(number.Decimal(x, number.MaxFractionDigits(digits), number.MinFractionDigits(digits)))
}

func smallInt(n int) string {
	if n >= 0 && n < len(small) {
		return small[n]
	}
	return fmt.Sprint(n)
}

var small = func() []string {
	s := make([]string, 1000)
	for i := range s {
		s[i] = fmt.Sprint(i)
	}
	return s
}()
