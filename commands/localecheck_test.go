package commands

// The locale check (issue 27): with FILMBOT_LOCALE_CHECK=1, every answer
// a commands test makes through env.check (and what the handler posts on
// its own through the env's Poster, Followup and movie nights' Screener)
// is rendered with locale.Marking on, then
//
//   - every letter outside the catalog's messages must be data: the
//     store's films (every field: titles, aliases, original titles,
//     people, characters, genres, countries, languages, overviews…) and
//     reviews, what the members typed or uploaded in this test, TMDB's
//     own suggestions in autocomplete, mentions, timestamps, custom
//     emoji, URLs, file names, /commands and option names as typed
//     (film:), and the brand names TMDB, IMDb, Letterboxd, Discord,
//     filmbot, Wikidata. Anything else is English the code wrote itself:
//     the test fails with the text and where it is;
//   - the answer is rebuilt in each of the 12 languages (each message in
//     that language, with the same arguments) and judged by limits.Check:
//     a translation that makes it break Discord's limits fails, naming the
//     language;
//   - the test gets the plain answer (markers dropped), so every existing
//     assertion stays as it is.
//
// Genres, countries and languages count as data: they are stored with the
// film (TMDB's English names) and shown as stored, like titles; the
// catalog cannot hold every value a store may have.

import (
	"context"
	"errors"
	"fmt"
	"github.com/filmbot/filmbot/bot"
	"github.com/filmbot/filmbot/tmdb/tmdbfake"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/filmbot/filmbot/component"
	"github.com/filmbot/filmbot/limits"
	"github.com/filmbot/filmbot/locale"
	"github.com/filmbot/filmbot/nights"
	"github.com/filmbot/filmbot/storage"
)

// localeCheckOn: the check runs for every env (FILMBOT_LOCALE_CHECK=0 turns
// it off, to look at a failure without it).
var localeCheckOn = os.Getenv("FILMBOT_LOCALE_CHECK") != "0"

// Marking is counted: on while any check runs a handler.
var (
	lcMarkMu    sync.Mutex
	lcMarkUsers int
)

func lcMarkOn() {
	lcMarkMu.Lock()
	defer lcMarkMu.Unlock()
	if lcMarkUsers++; lcMarkUsers == 1 {
		locale.Marking(true)
	}
}

func lcMarkOff() {
	lcMarkMu.Lock()
	defer lcMarkMu.Unlock()
	if lcMarkUsers--; lcMarkUsers == 0 {
		locale.Marking(false)
	}
}

// localeChecker is one env's state for the check.
type localeChecker struct {
	e         *env
	mu        sync.Mutex
	inputs    []string // what members typed, uploaded or were offered by TMDB
	guilds    map[string]bool
	problems  []string // found away from the test's goroutine, reported at the next check
	languages []string
	syntax    *lcSyntax
	// The wrappers' code, to tell them from a test's own function.
	followWrap, fetchWrap uintptr

	dataMu sync.Mutex
	words  *lcData
	fresh  atomic.Bool // words has read the store since the last answer
}

var (
	lcCheckersMu sync.Mutex
	lcCheckers   = map[*env]*localeChecker{}
)

// localeCheck is e's checker when the check is on for it, else nil.
func (e *env) localeCheck() *localeChecker {
	lcCheckersMu.Lock()
	defer lcCheckersMu.Unlock()
	lc := lcCheckers[e]
	if lc == nil && localeCheckOn {
		lc = e.startLocaleCheck()
	}
	return lc
}

// startLocaleCheck turns the check on for e (lcCheckersMu held).
func (e *env) startLocaleCheck() *localeChecker {
	lc := &localeChecker{e: e, guilds: map[string]bool{guildA: true, guildB: true}, languages: locale.Locales()[1:]}
	lcSyntaxOnce.Do(func() { lcSyntaxAll = newLCSyntax(e.set) })
	lc.syntax = lcSyntaxAll
	lcBaseOnce.Do(func() {
		// /help shows the definitions as Discord's client does (their
		// localizations are the catalog's desc.*, name.*, choice.* ids),
		// and code that splits a list message ("Sun|Mon|…") shows its
		// items. The same in every test: read once.
		lcBase = newLCData(lc.syntax, nil)
		lcBase.add(append(lcDefinitionTexts(e.set), locale.ListItems()...))
		// TMDB's titles, as the stand-in the tests search answers them: an
		// import's preview names films it found there without storing them.
		for _, f := range tmdbfake.Films() {
			lcBase.add([]string{f.Title, f.OriginalTitle})
		}
	})
	lcCheckers[e] = lc
	e.t.Cleanup(func() {
		lc.flush()
		lcCheckersMu.Lock()
		delete(lcCheckers, e)
		lcCheckersMu.Unlock()
	})
	return lc
}

func (lc *localeChecker) fail(format string, a ...any) {
	lc.mu.Lock()
	lc.problems = append(lc.problems, fmt.Sprintf(format, a...))
	lc.mu.Unlock()
}

func (lc *localeChecker) flush() {
	lc.mu.Lock()
	ps := lc.problems
	lc.problems = nil
	lc.mu.Unlock()
	for _, p := range ps {
		lc.e.t.Errorf("locale check: %s", p)
	}
}

func (lc *localeChecker) addInput(s ...string) {
	lc.mu.Lock()
	lc.inputs = append(lc.inputs, s...)
	lc.mu.Unlock()
	lc.fresh.Store(false) // read it at the next look
}

// checkLocales is env.check with the locale check on.
func (e *env) checkLocales(lc *localeChecker, h Handler, i *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
	e.t.Helper()
	lc.wrap()
	lc.interaction(i)
	lc.fresh.Store(false)
	lcMarkOn()
	resp, err := h(context.Background(), i)
	lcMarkOff()
	where := lcDescribe(i)
	defer lc.flush()
	if err != nil {
		var se *storage.Error
		if errors.As(err, &se) && se.Msg != "" {
			if !bot.Translates(se.Msg) { // the envelope shows those in the member's language
				lc.leaks(where+", its error", se.Msg)
			}
			plain := *se
			plain.Msg = locale.Unmark(se.Msg)
			return nil, &plain
		}
		return nil, err
	}
	plain := lcMapTexts(resp, func(_, s string) string { return locale.Unmark(s) })
	if lerr := limits.Check(plain); lerr != nil {
		e.t.Fatalf("response breaks Discord's limits: %v", lerr)
	}
	lc.inspect(where, resp, func(r *discordgo.InteractionResponse) error { return limits.Check(r) })
	return plain, err
}

// inspect checks every text of r for leaks, and r rebuilt in each
// language with judge.
func (lc *localeChecker) inspect(where string, r *discordgo.InteractionResponse, judge func(*discordgo.InteractionResponse) error) {
	lc.fresh.Store(false)
	marked := false
	if r != nil && r.Type == discordgo.InteractionApplicationCommandAutocompleteResult && r.Data != nil {
		for _, c := range r.Data.Choices {
			// TMDB's suggestions are its titles, as TMDB writes them.
			if v, ok := c.Value.(string); ok && strings.HasPrefix(v, "tmdb:") {
				lc.addInput(c.Name)
			}
		}
	}
	lcMapTexts(r, func(at, s string) string {
		marked = marked || locale.HasMarks(s)
		lc.leaks(where+", "+at, s)
		return s
	})
	if !marked {
		return // nothing from the catalog: every language reads it as it is
	}
	// A card the code fitted to Discord's 6,000 characters by shortening
	// its lists ("…and N more": fitCard) was measured in the member's
	// language; rebuilt in another it may not fit, while rendered in it it
	// does (TestFilmCardFitsInEveryLanguage renders every language).
	fitted := false
	lcMapTexts(r, func(_, s string) string {
		fitted = fitted || slices.Contains(locale.Messages(s), "film.more")
		return s
	})
	for _, code := range lc.languages {
		in := lcMapTexts(r, func(at, s string) string {
			out := locale.Localize(s, code)
			// A text the code clipped to fit ("…") is clipped to fit in
			// this language too: the code measures its own language.
			if max := lcLimitOf(at); max > 0 && strings.Contains(locale.Unmark(s), "…") && utf8.RuneCountInString(out) > max {
				out = clip(out, max)
			}
			return out
		})
		if err := judge(in); err != nil && !(fitted && (strings.Contains(err.Error(), "embeds hold") || strings.Contains(err.Error(), "text displays hold"))) {
			lc.fail("%s: in %s the answer breaks Discord's limits: %v", where, code, err)
		}
	}
}

// lcLimitOf is Discord's limit on the text at where (lcMapTexts's
// names), 0 if none is known.
func lcLimitOf(where string) int {
	for _, l := range []struct {
		suffix string
		max    int
	}{
		{"content", limits.Content}, {"title", limits.EmbedTitle}, {"description", limits.EmbedDescription},
		{"author", limits.Author}, {"footer", limits.Footer}, {"name", limits.FieldName}, {"value", limits.FieldValue},
		{"label", limits.ButtonLabel}, {"placeholder", 100}, {"poll question", 300}, {"modal title", limits.ModalTitle},
	} {
		if strings.HasSuffix(where, l.suffix) {
			if l.suffix == "label" && strings.Contains(where, "input") {
				return limits.InputLabel
			}
			if l.suffix == "description" && strings.Contains(where, "menu option") {
				return 100
			}
			if l.suffix == "title" && where == "modal title" {
				return limits.ModalTitle
			}
			return l.max
		}
	}
	switch {
	case strings.HasPrefix(where, "choice "):
		return limits.ChoiceName
	case strings.HasPrefix(where, "poll answer"):
		return 55
	case strings.Contains(where, " button "):
		return limits.ButtonLabel
	}
	return 0
}

// leaks reports every phrase of s that is neither the catalog's nor data.
func (lc *localeChecker) leaks(where, s string) {
	var words *lcData
	for _, f := range locale.FreeText(s) {
		if f.Problem != "" {
			lc.fail("%s: %s: %q", where, f.Problem, f.Text)
			continue
		}
		text := lc.syntax.clean(f.Text)
		if !strings.ContainsFunc(text, unicode.IsLetter) {
			continue
		}
		if words == nil {
			words = lc.data()
		}
		for _, p := range lcPhrases(text) {
			if !words.covers(p) {
				in := ""
				if f.In != "" {
					in = fmt.Sprintf(" (argument %s of %s)", f.Arg, f.In)
				}
				lc.fail("%s: text outside the catalog%s: %q in %q", where, in, p.text, locale.Unmark(s))
			}
		}
	}
}

// describe names the interaction a response answers.
func lcDescribe(i *discordgo.InteractionCreate) string {
	if i == nil || i.Interaction == nil {
		return "a handler"
	}
	switch i.Type {
	case discordgo.InteractionApplicationCommand:
		return "/" + lcCommandPath(i)
	case discordgo.InteractionApplicationCommandAutocomplete:
		return "autocomplete of /" + lcCommandPath(i)
	case discordgo.InteractionMessageComponent:
		return "component " + i.MessageComponentData().CustomID
	case discordgo.InteractionModalSubmit:
		return "form " + i.ModalSubmitData().CustomID
	}
	return fmt.Sprintf("interaction type %d", i.Type)
}

func lcCommandPath(i *discordgo.InteractionCreate) string {
	d := i.ApplicationCommandData()
	path := d.Name
	for opts := d.Options; len(opts) == 1 && opts[0] != nil && (opts[0].Type == discordgo.ApplicationCommandOptionSubCommand || opts[0].Type == discordgo.ApplicationCommandOptionSubCommandGroup); opts = opts[0].Options {
		path += " " + opts[0].Name
	}
	return path
}

// interaction records what the member sent as data: every string of it
// (option values, form fields, names, resolved channels and users).
func (lc *localeChecker) interaction(i *discordgo.InteractionCreate) {
	if i == nil || i.Interaction == nil {
		return
	}
	if i.GuildID != "" {
		lc.mu.Lock()
		lc.guilds[i.GuildID] = true
		lc.mu.Unlock()
	}
	// By reflection: the options and form fields are in Data, which
	// discordgo does not write as JSON.
	var out []string
	lcCollect(reflect.ValueOf(i.Interaction), &out, 0)
	lc.addInput(out...)
}

// lcCollect appends every string v holds (fields, elements, map keys
// and values).
func lcCollect(v reflect.Value, out *[]string, depth int) {
	if depth > 24 {
		return
	}
	switch v.Kind() {
	case reflect.String:
		if s := v.String(); s != "" {
			*out = append(*out, s)
		}
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			lcCollect(v.Elem(), out, depth+1)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			lcCollect(v.Field(i), out, depth+1)
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			lcCollect(v.Index(i), out, depth+1)
		}
	case reflect.Map:
		for it := v.MapRange(); it.Next(); {
			lcCollect(it.Key(), out, depth+1)
			lcCollect(it.Value(), out, depth+1)
		}
	}
}

// data is every string this test's store holds of films and reviews,
// and what members gave: read again once per answer, its words kept
// (data once is data for the rest of the test).
func (lc *localeChecker) data() *lcData {
	lc.dataMu.Lock()
	defer lc.dataMu.Unlock()
	if lc.words == nil {
		lc.words = newLCData(lc.syntax, lcBase)
	}
	if lc.fresh.Load() {
		return lc.words
	}
	lc.fresh.Store(true)
	ctx := context.Background()
	var out []string
	add := func(v any) { lcCollect(reflect.ValueOf(v), &out, 0) }
	lc.mu.Lock()
	scopes := []storage.Scope{storage.BuiltIn}
	for g := range lc.guilds {
		if s, err := storage.ParseScope(g); err == nil {
			scopes = append(scopes, s)
		}
	}
	out = append(out, lc.inputs...)
	lc.mu.Unlock()
	// The set's own roles: an env may be over another store than e.db.
	films, reviews := lc.e.set.films, lc.e.set.reviews
	nightsOf, _ := films.(interface {
		Nights(ctx context.Context, scope storage.Scope) ([]storage.Night, error)
	})
	for _, scope := range scopes {
		list, _ := films.Films(ctx, scope)
		for _, f := range list {
			if full, err := films.Film(ctx, scope, f.ID); err == nil {
				f = full // Films lists headers
			}
			add(f)
			revs, _ := reviews.Reviews(ctx, scope, f.ID)
			add(revs)
		}
		if nightsOf == nil {
			continue
		}
		ns, _ := nightsOf.Nights(ctx, scope)
		for _, n := range ns {
			out = append(out, n.Location)
			// What the nights package wrote in its own steps (RunDue,
			// outside any check) is kept with the night in its language;
			// its own tests check it. Marked, it is checked here.
			for _, note := range []string{n.WinnerNote, n.Verdict, n.EventNote} {
				if !locale.HasMarks(note) {
					out = append(out, note)
				}
			}
		}
	}
	sourced, _ := films.SourcedBefore(ctx, time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC), 1<<20)
	for _, f := range sourced {
		if full, err := films.Film(ctx, f.Scope, f.ID); err == nil {
			f = full
		}
		add(f)
	}
	lc.words.add(out)
	return lc.words
}

// lcData is data as word sequences: " w1 w2 … " a line.
type lcData struct {
	base   *lcData // data of every test, or nil
	syntax *lcSyntax
	corpus strings.Builder
	lines  map[string]bool // every phrase of every string
	whole  map[string]bool // every string's words, whole
	seen   map[string]bool
}

// The commands are the same in every test: one syntax for all.
var (
	lcSyntaxOnce sync.Once
	lcSyntaxAll  *lcSyntax
)

var (
	lcBaseOnce sync.Once
	lcBase     *lcData
)

func newLCData(syntax *lcSyntax, base *lcData) *lcData {
	d := &lcData{base: base, syntax: syntax, lines: map[string]bool{}, whole: map[string]bool{}, seen: map[string]bool{}}
	d.corpus.WriteString("\n")
	return d
}

// lcTokens caches a data string's phrases and whole words, for every
// test (the built-in review is read by each).
var lcTokens sync.Map // string → lcTokenized

type lcTokenized struct {
	phrases []string
	whole   string
}

func (d *lcData) add(data []string) {
	for _, s := range data {
		if d.seen[s] {
			continue
		}
		d.seen[s] = true
		v, ok := lcTokens.Load(s)
		if !ok {
			// What an answer may say untranslated is taken out of data
			// as it is out of answers: "Letterboxd's importer" leaves
			// "s importer" in both.
			// Read as it is too: an answer may escape a URL in a title.
			plain := locale.Unmark(s)
			var tk lcTokenized
			for _, p := range lcPhrases(plain) {
				tk.phrases = append(tk.phrases, p.text)
			}
			if len(plain) < 4000 { // a review, a file: as they are
				for _, p := range lcPhrases(d.syntax.clean(plain)) {
					tk.phrases = append(tk.phrases, p.text)
				}
			}
			tk.whole = strings.Join(lcWords(plain), " ")
			v, _ = lcTokens.LoadOrStore(s, tk)
		}
		tk := v.(lcTokenized)
		for _, p := range tk.phrases {
			// The phrases of one string, apart: a phrase of an answer
			// lies within one of them.
			if !d.lines[p] {
				d.lines[p] = true
				d.corpus.WriteString(" " + p + " \n")
			}
		}
		if w := tk.whole; w != "" && !d.whole[w] {
			d.whole[w] = true
			d.corpus.WriteString(" " + w + " \n")
		}
	}
}

// covers: p's words are a run of one data string's, or p is data
// strings, whole, side by side. A phrase cut by "…" may end inside a
// word.
func (d *lcData) covers(p lcPhrase) bool {
	if d.within(p) || (d.base != nil && d.base.within(p)) {
		return true
	}
	ws := strings.Split(p.text, " ")
	if p.clipped && len(ws) > 1 {
		ws = ws[:len(ws)-1] // the word "…" cut
	}
	// Whole data strings side by side: the words split into runs, each a
	// whole string (a title, a name, an input).
	// The first run may end a data string, the last begin one (a
	// paragraph after a quote, on the next line).
	ok := make([]bool, len(ws)+1)
	ok[0] = true
	for i := 1; i <= len(ws); i++ {
		for j := 0; j < i && !ok[i]; j++ {
			w := strings.Join(ws[j:i], " ")
			ok[i] = ok[j] && (d.whole[w] || (d.base != nil && d.base.whole[w]) ||
				(j == 0 && d.has(" "+w+" \n")) || (i == len(ws) && d.has("\n "+w+" ")))
		}
	}
	return ok[len(ws)]
}

func (d *lcData) has(s string) bool {
	return strings.Contains(d.corpus.String(), s) || (d.base != nil && d.base.has(s))
}

// within: p's words are a run of one data string's.
func (d *lcData) within(p lcPhrase) bool {
	if d.lines[p.text] || d.whole[p.text] {
		return true
	}
	corpus := d.corpus.String()
	return strings.Contains(corpus, " "+p.text+" ") || (p.clipped && strings.Contains(corpus, " "+p.text))
}

// A phrase is words separated by white space alone: punctuation,
// Markdown and markers end one.
type lcPhrase struct {
	text    string
	clipped bool // followed by "…"
}

func lcWordRune(r rune) bool {
	if r >= 0x2b0 && r <= 0x2ff { // spacing modifiers: ˋ stands for a backtick in a title
		return false
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.M, r) || r == '\'' || r == '’' || r == '-'
}

func lcPhrases(s string) []lcPhrase {
	var out []lcPhrase
	var cur []string
	flush := func(clipped bool) {
		if len(cur) > 0 {
			t := strings.Join(cur, " ")
			if strings.ContainsFunc(t, unicode.IsLetter) {
				out = append(out, lcPhrase{t, clipped})
			}
			cur = cur[:0]
		}
	}
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case lcWordRune(r):
			j := i
			for j < len(s) {
				r2, n2 := utf8.DecodeRuneInString(s[j:])
				if !lcWordRune(r2) {
					break
				}
				j += n2
			}
			if w := strings.Trim(s[i:j], "'’-"); w != "" {
				cur = append(cur, w)
			}
			i = j
			continue
		case unicode.IsSpace(r):
		default:
			flush(r == '…')
		}
		i += n
	}
	flush(false)
	return out
}

func lcWords(s string) []string {
	var out []string
	for _, p := range lcPhrases(s) {
		out = append(out, strings.Split(p.text, " ")...)
	}
	return out
}

// lcDefinitionTexts is every text of the command definitions, in every
// language they are localized to.
func lcDefinitionTexts(s *Set) []string {
	var out []string
	var walk func(opts []*discordgo.ApplicationCommandOption)
	walk = func(opts []*discordgo.ApplicationCommandOption) {
		for _, o := range opts {
			out = append(out, o.Name, o.Description)
			for _, m := range []map[discordgo.Locale]string{o.NameLocalizations, o.DescriptionLocalizations} {
				for _, v := range m {
					out = append(out, v)
				}
			}
			for _, c := range o.Choices {
				out = append(out, c.Name)
				for _, v := range c.NameLocalizations {
					out = append(out, v)
				}
			}
			walk(o.Options)
		}
	}
	for _, c := range s.Commands() {
		out = append(out, c.Def.Name, c.Def.Description)
		for _, m := range []*map[discordgo.Locale]string{c.Def.NameLocalizations, c.Def.DescriptionLocalizations} {
			if m != nil {
				for _, v := range *m {
					out = append(out, v)
				}
			}
		}
		walk(c.Def.Options)
	}
	return out
}

// lcSyntax is what an answer may say untranslated: /commands with
// their subcommands, option names as typed (film:), mentions, channels,
// timestamps, custom emoji, URLs and domains, file names, IMDb and
// Wikidata ids, UTC, code points (U+200B), brand names.
type lcSyntax struct {
	re           *regexp.Regexp
	paths, names map[string]bool
}

var lcSyntaxRE = regexp.MustCompile(`https?://[^\s)>\]]+` +
	`|<(?:@[!&]?|#)\d+>|<t:-?\d+(?::[tTdDfFR])?>|<a?:\w+:\d+>|</[^:>]+:\d+>` +
	`|/[a-z][\w-]*(?: [a-z][\w-]*)*|\b[a-z][\w-]*:` +
	`|[\w.-]+\.(?:csv|zip|json|txt|md|png)\b|\b[\w-]+(?:\.[\w-]+)*\.(?:com|org|io)\b(?:/\S*)?` +
	`|\btt\d{7,}\b|\bQ\d+\b|\bUTC\b|\bU\+[0-9A-F]{4,6}\b` +
	`|\b(?:TMDB|IMDb|Letterboxd|Discord|filmbot|Wikidata)\b`)

func newLCSyntax(s *Set) *lcSyntax {
	x := &lcSyntax{re: lcSyntaxRE, paths: map[string]bool{}, names: map[string]bool{}}
	var walk func(path string, opts []*discordgo.ApplicationCommandOption)
	walk = func(path string, opts []*discordgo.ApplicationCommandOption) {
		x.paths[path] = true
		for _, o := range opts {
			if o.Type == discordgo.ApplicationCommandOptionSubCommand || o.Type == discordgo.ApplicationCommandOptionSubCommandGroup {
				walk(path+" "+o.Name, o.Options)
			} else {
				x.names[o.Name] = true
			}
		}
	}
	for _, c := range s.Commands() {
		walk(c.Def.Name, c.Def.Options)
	}
	return x
}

// clean is s with its syntax replaced by a NUL (which ends a phrase).
func (x *lcSyntax) clean(s string) string {
	var b strings.Builder
	last := 0
	for _, m := range x.re.FindAllStringIndex(s, -1) {
		b.WriteString(s[last:m[0]])
		last = m[1]
		t := s[m[0]:m[1]]
		switch {
		case strings.HasPrefix(t, "/") && !strings.HasPrefix(t, "//"):
			// The longest command path it starts with; the words after
			// it are the answer's, or an option name as typed.
			ws := strings.Split(t[1:], " ")
			n := len(ws)
			for n > 0 && !x.paths[strings.Join(ws[:n], " ")] {
				n--
			}
			if n == 0 {
				b.WriteString(t)
				continue
			}
			b.WriteString("\x00")
			for i, w := range ws[n:] {
				if i == len(ws[n:])-1 && strings.HasPrefix(s[m[1]:], ":") && x.names[w] {
					b.WriteString(" \x00")
					last++ // the colon
					continue
				}
				b.WriteString(" " + w)
			}
		case strings.HasSuffix(t, ":") && !strings.Contains(t, "/"):
			if x.names[strings.TrimSuffix(t, ":")] {
				b.WriteString("\x00")
			} else {
				b.WriteString(t)
			}
		default:
			b.WriteString("\x00")
		}
	}
	b.WriteString(s[last:])
	return b.String()
}

// lcMapTexts is a copy of r with each text a member reads replaced by
// f(where it is, text); r is left as it is.
func lcMapTexts(r *discordgo.InteractionResponse, f func(where, s string) string) *discordgo.InteractionResponse {
	if r == nil || r.Data == nil {
		return r
	}
	out := *r
	d := *r.Data
	out.Data = &d
	if d.Content != "" {
		d.Content = f("content", d.Content)
	}
	d.Embeds = lcMapEmbeds(d.Embeds, f)
	d.Components = lcMapComponents(d.Components, f)
	if d.Title != "" {
		d.Title = f("modal title", d.Title)
	}
	if d.Choices != nil {
		cs := make([]*discordgo.ApplicationCommandOptionChoice, len(d.Choices))
		for i, c := range d.Choices {
			if c != nil {
				cc := *c
				cc.Name = f(fmt.Sprintf("choice %d", i+1), c.Name)
				c = &cc
			}
			cs[i] = c
		}
		d.Choices = cs
	}
	if d.Poll != nil {
		p := *d.Poll
		p.Question.Text = f("poll question", p.Question.Text)
		p.Answers = slices.Clone(p.Answers)
		for i, a := range p.Answers {
			if a.Media != nil {
				m := *a.Media
				m.Text = f(fmt.Sprintf("poll answer %d", i+1), m.Text)
				p.Answers[i].Media = &m
			}
		}
		d.Poll = &p
	}
	return &out
}

func lcMapEmbeds(es []*discordgo.MessageEmbed, f func(where, s string) string) []*discordgo.MessageEmbed {
	if es == nil {
		return nil
	}
	out := make([]*discordgo.MessageEmbed, len(es))
	for i, e := range es {
		if e == nil {
			continue
		}
		c := *e
		at := func(what string) string { return fmt.Sprintf("embed %d %s", i+1, what) }
		c.Title = f(at("title"), e.Title)
		c.Description = f(at("description"), e.Description)
		if e.Author != nil {
			a := *e.Author
			a.Name = f(at("author"), a.Name)
			c.Author = &a
		}
		if e.Footer != nil {
			ft := *e.Footer
			ft.Text = f(at("footer"), ft.Text)
			c.Footer = &ft
		}
		if e.Fields != nil {
			c.Fields = make([]*discordgo.MessageEmbedField, len(e.Fields))
			for j, fl := range e.Fields {
				if fl != nil {
					x := *fl
					x.Name = f(at(fmt.Sprintf("field %d name", j+1)), fl.Name)
					x.Value = f(at(fmt.Sprintf("field %d value", j+1)), fl.Value)
					fl = &x
				}
				c.Fields[j] = fl
			}
		}
		out[i] = &c
	}
	return out
}

func lcMapComponents(cs []discordgo.MessageComponent, f func(where, s string) string) []discordgo.MessageComponent {
	if cs == nil {
		return nil
	}
	out := make([]discordgo.MessageComponent, len(cs))
	for i, c := range cs {
		at := func(what string) string { return fmt.Sprintf("row %d %s", i+1, what) }
		out[i] = lcMapComponent(c, at, f)
	}
	return out
}

func lcMapComponent(c discordgo.MessageComponent, at func(string) string, f func(where, s string) string) discordgo.MessageComponent {
	switch x := c.(type) {
	case discordgo.ActionsRow:
		if x.Components != nil {
			in := make([]discordgo.MessageComponent, len(x.Components))
			for j, y := range x.Components {
				in[j] = lcMapComponent(y, at, f)
			}
			x.Components = in
		}
		return x
	case *discordgo.ActionsRow:
		if x == nil {
			return c
		}
		y := lcMapComponent(*x, at, f).(discordgo.ActionsRow)
		return &y
	case discordgo.Button:
		x.Label = f(at(fmt.Sprintf("button %q", x.CustomID)), x.Label)
		return x
	case *discordgo.Button:
		if x == nil {
			return c
		}
		y := lcMapComponent(*x, at, f).(discordgo.Button)
		return &y
	case discordgo.SelectMenu:
		x.Placeholder = f(at("menu placeholder"), x.Placeholder)
		x.Options = slices.Clone(x.Options)
		for j := range x.Options {
			x.Options[j].Label = f(at(fmt.Sprintf("menu option %d label", j+1)), x.Options[j].Label)
			x.Options[j].Description = f(at(fmt.Sprintf("menu option %d description", j+1)), x.Options[j].Description)
		}
		return x
	case *discordgo.SelectMenu:
		if x == nil {
			return c
		}
		y := lcMapComponent(*x, at, f).(discordgo.SelectMenu)
		return &y
	case discordgo.TextInput:
		x.Label = f(at("input label"), x.Label)
		x.Placeholder = f(at("input placeholder"), x.Placeholder)
		x.Value = f(at("input value"), x.Value)
		return x
	case *discordgo.TextInput:
		if x == nil {
			return c
		}
		y := lcMapComponent(*x, at, f).(discordgo.TextInput)
		return &y
	case component.Label:
		x.Label = f(at("label"), x.Label)
		x.Description = f(at("label description"), x.Description)
		if x.Component != nil {
			x.Component = lcMapComponent(x.Component, at, f)
		}
		return x
	case *component.Label:
		if x == nil {
			return c
		}
		y := lcMapComponent(*x, at, f).(component.Label)
		return &y
	case discordgo.TextDisplay:
		x.Content = f(at("text display"), x.Content)
		return x
	case discordgo.Section:
		x.Components = lcMapComponents(x.Components, func(where, s string) string { return f(at("section "+where), s) })
		return x
	case discordgo.Container:
		x.Components = lcMapComponents(x.Components, func(where, s string) string { return f(at("container "+where), s) })
		return x
	case component.RadioGroup:
		x.Options = slices.Clone(x.Options)
		for j := range x.Options {
			x.Options[j].Label = f(at(fmt.Sprintf("radio option %d label", j+1)), x.Options[j].Label)
			x.Options[j].Description = f(at(fmt.Sprintf("radio option %d description", j+1)), x.Options[j].Description)
		}
		return x
	case *component.RadioGroup:
		if x == nil {
			return c
		}
		y := lcMapComponent(*x, at, f).(component.RadioGroup)
		return &y
	}
	return c
}

// wrap puts the check between the env's handlers and what they post on
// their own: announcements (Poster), follow-ups, movie nights' steps and
// the Screener they post through. Fetched attachments are data.
func (lc *localeChecker) wrap() {
	s := lc.e.set
	if p, ok := s.poster.(lcPoster); s.poster != nil && !ok {
		s.poster = lcPoster{inner: s.poster, lc: lc}
	} else if ok && p.lc != lc {
		p.lc = lc
		s.poster = p
	}
	if s.follow != nil && reflect.ValueOf(s.follow).Pointer() != lc.followWrap {
		inner := s.follow
		s.follow = func(ctx context.Context, d *discordgo.InteractionResponseData) bool {
			r := &discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource, Data: d}
			lc.inspect("a follow-up", r, limits.Check)
			return inner(ctx, lcMapTexts(r, func(_, s string) string { return locale.Unmark(s) }).Data)
		}
		lc.followWrap = reflect.ValueOf(s.follow).Pointer()
	}
	if s.fetch != nil && reflect.ValueOf(s.fetch).Pointer() != lc.fetchWrap {
		inner := s.fetch
		s.fetch = func(ctx context.Context, url string, max int64) ([]byte, error) {
			b, err := inner(ctx, url, max)
			if err == nil && utf8.Valid(b) {
				lc.addInput(string(b))
			}
			return b, err
		}
		lc.fetchWrap = reflect.ValueOf(s.fetch).Pointer()
	}
	if a, ok := s.nights.Actions.(screenActions); ok {
		a.sc = lcScreen{inner: a.sc, lc: lc}
		s.nights.Actions = lcActions{Actions: a, lc: lc}
	}
}

// lcPoster checks and unmarks announcements.
type lcPoster struct {
	inner Poster
	lc    *localeChecker
}

func (p lcPoster) PostMessage(ctx context.Context, guildID, channelID string, e *discordgo.MessageEmbed) (string, error) {
	r := message(e)
	p.lc.inspect("an announcement", r, limits.Check)
	return p.inner.PostMessage(ctx, guildID, channelID, lcMapTexts(r, func(_, s string) string { return locale.Unmark(s) }).Data.Embeds[0])
}

func (p lcPoster) StartThread(ctx context.Context, channelID, messageID, name string) (string, error) {
	p.lc.text("a discussion thread's name", name, limits.ChoiceName) // Discord: 1-100
	return p.inner.StartThread(ctx, channelID, messageID, locale.Unmark(name))
}

// text checks a text sent alone (an event's name, a thread's): leaks,
// and its length in each language.
func (lc *localeChecker) text(where, s string, max int) {
	lc.leaks(where, s)
	if !locale.HasMarks(s) {
		return
	}
	clipped := strings.Contains(locale.Unmark(s), "…") // the code clips it to fit, in any language
	for _, code := range lc.languages {
		if n := utf8.RuneCountInString(locale.Localize(s, code)); n > max && !clipped {
			lc.fail("%s: in %s it is %d characters, limit %d", where, code, n, max)
		}
	}
}

// lcActions runs movie nights' steps with marking on, so that what
// they post is checked like an answer.
type lcActions struct {
	nights.Actions
	lc *localeChecker
}

// tag is the nights package's mark on a post (its own text, in the
// night's language, checked by its own tests): data here.
func (m lcActions) tag(tag string) {
	if !locale.HasMarks(tag) {
		m.lc.addInput(tag)
	}
}

func lcMarked[T any](f func() (T, error)) (T, error) {
	lcMarkOn()
	defer lcMarkOff()
	return f()
}

func (m lcActions) OpenPoll(ctx context.Context, p nights.Poll, tag string) (string, error) {
	m.tag(tag)
	return lcMarked(func() (string, error) { return m.Actions.OpenPoll(ctx, p, tag) })
}
func (m lcActions) Announce(ctx context.Context, n storage.Night, film storage.Film, tag string) (string, error) {
	m.tag(tag)
	return lcMarked(func() (string, error) { return m.Actions.Announce(ctx, n, film, tag) })
}
func (m lcActions) CreateEvent(ctx context.Context, n storage.Night, film storage.Film, where, tag string) (string, error) {
	m.tag(tag)
	return lcMarked(func() (string, error) { return m.Actions.CreateEvent(ctx, n, film, where, tag) })
}
func (m lcActions) NoticeHost(ctx context.Context, n storage.Night, tag string) (string, error) {
	m.tag(tag)
	return lcMarked(func() (string, error) { return m.Actions.NoticeHost(ctx, n, tag) })
}
func (m lcActions) PromptRatings(ctx context.Context, n storage.Night, tag string) (string, error) {
	m.tag(tag)
	return lcMarked(func() (string, error) { return m.Actions.PromptRatings(ctx, n, tag) })
}
func (m lcActions) PostVerdict(ctx context.Context, n storage.Night, tag string) (string, error) {
	m.tag(tag)
	return lcMarked(func() (string, error) { return m.Actions.PostVerdict(ctx, n, tag) })
}
func (m lcActions) EventNote(n storage.Night, why nights.NoEvent) string {
	s, _ := lcMarked(func() (string, error) { return m.Actions.EventNote(n, why), nil })
	return s
}

// lcScreen checks and unmarks what movie nights post.
type lcScreen struct {
	inner Screener
	lc    *localeChecker
}

func (c lcScreen) PostPoll(ctx context.Context, guildID, channelID, content, question string, answers []string, hours int) (string, error) {
	r := &discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource, Data: &discordgo.InteractionResponseData{
		Content: content, AllowedMentions: noMentions(), Poll: &discordgo.Poll{Question: discordgo.PollMedia{Text: question}}}}
	for _, a := range answers {
		r.Data.Poll.Answers = append(r.Data.Poll.Answers, discordgo.PollAnswer{Media: &discordgo.PollMedia{Text: a}})
	}
	c.lc.inspect("a movie night's poll", r, lcPollLimits)
	plain := lcMapTexts(r, func(_, s string) string { return locale.Unmark(s) }).Data
	var as []string
	for _, a := range plain.Poll.Answers {
		as = append(as, a.Media.Text)
	}
	return c.inner.PostPoll(ctx, guildID, channelID, plain.Content, plain.Poll.Question.Text, as, hours)
}

// lcPollLimits: a message's, and Discord's for polls (question ≤ 300,
// answers ≤ 55 characters).
func lcPollLimits(r *discordgo.InteractionResponse) error {
	p := r.Data.Poll
	errs := []error{limits.Message(r.Data.Content, nil, nil, r.Data.AllowedMentions)}
	if n := utf8.RuneCountInString(p.Question.Text); n > 300 {
		errs = append(errs, fmt.Errorf("poll question is %d characters, limit 300", n))
	}
	for _, a := range p.Answers {
		if n := utf8.RuneCountInString(a.Media.Text); n > 55 {
			errs = append(errs, fmt.Errorf("poll answer %q is %d characters, limit 55", a.Media.Text, n))
		}
	}
	return errors.Join(errs...)
}

func (c lcScreen) EndPoll(ctx context.Context, channelID, messageID string) ([]int, error) {
	return c.inner.EndPoll(ctx, channelID, messageID)
}

func (c lcScreen) CreateEvent(ctx context.Context, guildID, name, description, channelID, location string, start, end time.Time) (string, error) {
	c.lc.text("a movie night's event name", name, 100)
	c.lc.text("a movie night's event description", description, 1000)
	c.lc.text("a movie night's event location", location, 100)
	return c.inner.CreateEvent(ctx, guildID, locale.Unmark(name), locale.Unmark(description), channelID, locale.Unmark(location), start, end)
}

func (c lcScreen) DeleteEvent(ctx context.Context, guildID, eventID string) error {
	return c.inner.DeleteEvent(ctx, guildID, eventID)
}

func (c lcScreen) PostCard(ctx context.Context, guildID, channelID, content string, e *discordgo.MessageEmbed, rows []discordgo.MessageComponent, mention string) (string, error) {
	r := message(e, rows...)
	if e == nil {
		r.Data.Embeds = nil
	}
	r.Data.Content = content
	c.lc.inspect("a movie night's post", r, limits.Check)
	plain := lcMapTexts(r, func(_, s string) string { return locale.Unmark(s) }).Data
	var pe *discordgo.MessageEmbed
	if len(plain.Embeds) > 0 {
		pe = plain.Embeds[0]
	}
	return c.inner.PostCard(ctx, guildID, channelID, plain.Content, pe, plain.Components, mention)
}

func (c lcScreen) FindPost(ctx context.Context, channelID, tag string) (string, error) {
	return c.inner.FindPost(ctx, channelID, locale.Unmark(tag))
}

func (c lcScreen) FindEvent(ctx context.Context, guildID, tag string) (string, error) {
	return c.inner.FindEvent(ctx, guildID, locale.Unmark(tag))
}
