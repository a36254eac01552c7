package locale

// Marking: a mode for tests only (issue 27's leak check). With it on,
// every text a T renders (S, F, N) is wrapped in invisible markers that
// carry its message, so a test can tell the catalog's text from text the
// code wrote itself, and rebuild an answer in every language:
//
//	open  text  close
//
// open is one rune of the supplementary private use planes: U+F0000+key
// for a message rendered without arguments (its text is the key's in
// the language), U+100000+slot for one rendered with arguments (the
// slot of a side table keeps the key, the count and the arguments);
// close is U+10FFFD. Markers nest: a rendered message passed as an
// argument of another keeps its own. Off (the default), nothing of this
// runs: T.S's cached path is untouched and render pays one atomic load.

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"

	"github.com/nicksnyder/go-i18n/v2/i18n"
)

const (
	fixedOpen = 0xF0000  // + key: a message without arguments
	argsOpen  = 0x100000 // + slot: a message with arguments, table[slot]
	nSlots    = 0xFFFD   // U+100000 … U+10FFFC
	closeMark = 0x10FFFD
	maxFixed  = 0xFFFFD - fixedOpen
)

var (
	marking atomic.Bool
	markGen atomic.Uint64 // changes with Marking: S caches no text rendered across a change
)

// rendered is what a slot remembers of a message rendered with
// arguments.
type rendered struct {
	key    Key
	n      int
	plural bool
	d      map[string]any
	lang   string
	text   string // as rendered, markers and all
	id     string // the table's index key
}

var (
	markMu   sync.Mutex
	table    []rendered
	slotOf   map[string]int // lang, key, count, text → slot: one render is one marker
	nextSlot int
)

// Marking turns marking on or off. For tests only: a test that checks
// answers turns it on around the handler it runs. Texts S cached are
// dropped, so fixed texts are marked (or not) from now on.
func Marking(on bool) {
	loadOnce.Do(load)
	marking.Store(on)
	markGen.Add(1)
	for _, l := range tags {
		l.mu.Lock()
		l.fixed = nil
		l.mu.Unlock()
	}
}

// Plain is k's text as S gives it, but never marked: for text the code
// reads or takes apart (a parser's words, a list split into items)
// rather than shows whole (a regular expression built from a message).
// Under Marking, S's text would carry markers
// into what the code matches. Off, it is S.
// Placeholders are given as F's, as name/value pairs.
func (t *T) Plain(k Key, pairs ...any) string {
	if len(pairs) > 0 {
		return t.text(k, 0, false, data(pairs))
	}
	if marking.Load() {
		return t.text(k, 0, false, nil)
	}
	return t.S(k)
}

func (t *T) mark(k Key, n int, plural bool, d map[string]any, s string) string {
	if d == nil && !plural && k.i < maxFixed {
		return string(rune(fixedOpen+k.i)) + s + string(rune(closeMark))
	}
	id := t.lang.code + "\x00" + strconv.Itoa(int(k.i)) + "\x00" + strconv.Itoa(n) + "\x00" + s
	markMu.Lock()
	slot, ok := slotOf[id]
	if !ok {
		if slotOf == nil {
			slotOf = map[string]int{}
		}
		slot = nextSlot
		nextSlot = (nextSlot + 1) % nSlots
		r := rendered{key: k, n: n, plural: plural, d: d, lang: t.lang.code, text: s, id: id}
		if slot < len(table) {
			delete(slotOf, table[slot].id) // the table went round: the oldest render is forgotten
			table[slot] = r
		} else {
			table = append(table, r)
		}
		slotOf[id] = slot
	}
	markMu.Unlock()
	return string(rune(argsOpen+slot)) + s + string(rune(closeMark))
}

func isMark(r rune) bool { return r >= fixedOpen && r <= closeMark }

// HasMarks reports whether s holds a marker.
func HasMarks(s string) bool { return strings.ContainsFunc(s, isMark) }

// Unmark is s without its markers: the text as a member reads it.
func Unmark(s string) string {
	if !HasMarks(s) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if isMark(r) {
			return -1
		}
		return r
	}, s)
}

// A node is a marked message in a text (or the text itself, open 0).
type node struct {
	open   rune // 0: the whole text; fragment: the end of a message whose start was cut off
	raw    string
	parts  []part
	closed bool
}

const fragment = -1

type part struct {
	text string
	node *node
}

// parse reads s's markers. A message left open (clipped or split by the
// code) runs to the end of s; a close without its open ends a fragment
// holding everything before it.
func parse(s string) *node {
	root := &node{}
	stack := []*node{root}
	starts := []int{0}
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		top := stack[len(stack)-1]
		switch {
		case r == closeMark:
			if len(stack) == 1 {
				frag := &node{open: fragment, raw: s[starts[0]:i], parts: root.parts, closed: true}
				root.parts = []part{{node: frag}}
			} else {
				top.raw = s[starts[len(starts)-1]:i]
				top.closed = true
				stack, starts = stack[:len(stack)-1], starts[:len(starts)-1]
			}
		case r >= fixedOpen && r < closeMark:
			nd := &node{open: r}
			top.parts = append(top.parts, part{node: nd})
			stack, starts = append(stack, nd), append(starts, i+size)
		default:
			j := i + size
			for j < len(s) {
				r2, n2 := utf8.DecodeRuneInString(s[j:])
				if isMark(r2) {
					break
				}
				j += n2
			}
			if n := len(top.parts); n > 0 && top.parts[n-1].node == nil {
				top.parts[n-1].text += s[i:j]
			} else {
				top.parts = append(top.parts, part{text: s[i:j]})
			}
			i = j
			continue
		}
		i += size
	}
	for k := len(stack) - 1; k > 0; k-- {
		stack[k].raw = s[starts[k]:]
	}
	return root
}

func lookup(slot int) (rendered, bool) {
	markMu.Lock()
	defer markMu.Unlock()
	if slot < 0 || slot >= len(table) {
		return rendered{}, false
	}
	return table[slot], true
}

func (nd *node) fixed() bool { return nd.open >= fixedOpen && nd.open < argsOpen }

func (nd *node) slot() int { return int(nd.open - argsOpen) }

func keyID(k Key) string {
	regMu.RLock()
	defer regMu.RUnlock()
	if int(k.i) < len(registry) {
		return registry[k.i].msg.ID
	}
	return "?"
}

// Free is text outside every message of the catalog: what the code
// wrote itself, at the top of an answer (In "") or as the argument Arg
// of message In. Problem, if set, says a marker could not be read.
type Free struct {
	Text    string
	In, Arg string
	Problem string
}

// FreeText lists the text of s outside every marked message, and the
// text outside every message in each string argument of each marked
// message (recursively). Under Marking, what it lists is the text the
// code did not take from the catalog.
func FreeText(s string) []Free {
	var out []Free
	freeText(parse(s), "", "", &out, 0)
	return out
}

func freeText(nd *node, in, arg string, out *[]Free, depth int) {
	for _, p := range nd.parts {
		if p.node == nil {
			*out = append(*out, Free{Text: p.text, In: in, Arg: arg})
			continue
		}
		c := p.node
		if c.open == fragment || c.fixed() {
			continue
		}
		e, ok := lookup(c.slot())
		if !ok || (c.closed && e.text != c.raw) {
			*out = append(*out, Free{Text: Unmark(c.raw), In: in, Arg: arg, Problem: "a marker whose message is forgotten (more than 65,533 renders since)"})
			continue
		}
		if depth > 20 {
			continue
		}
		id := keyID(e.key)
		for _, name := range sortedKeys(e.d) {
			if v, ok := e.d[name].(string); ok && !(e.plural && name == "Count") {
				freeText(parse(v), id, name, out, depth+1)
			}
		}
	}
}

func sortedKeys(d map[string]any) []string {
	ks := make([]string, 0, len(d))
	for k := range d {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

// Messages lists the ids of the messages marked in s (nested ones too,
// arguments' included), in order.
func Messages(s string) []string {
	var out []string
	var walk func(nd *node, depth int)
	walk = func(nd *node, depth int) {
		for _, p := range nd.parts {
			c := p.node
			if c == nil || c.open == fragment {
				continue
			}
			if c.fixed() {
				out = append(out, keyID(Key{c.open - fixedOpen}))
				continue
			}
			e, ok := lookup(c.slot())
			if !ok {
				continue
			}
			out = append(out, keyID(e.key))
			if depth < 20 {
				for _, name := range sortedKeys(e.d) {
					if v, ok := e.d[name].(string); ok {
						walk(parse(v), depth+1)
					}
				}
			}
		}
	}
	walk(parse(s), 0)
	return out
}

// Localize is s as it would read in language code: each marked message
// rendered in that language with the same arguments (each argument
// localized in turn, a count written in the language's style), markers
// dropped. A message the code cut short (clipped, or split) is cut at
// the same fraction of its text, keeping a final "…"; a fragment whose
// start was cut off stays as it is.
func Localize(s, code string) string {
	return For(code).localize(parse(s), 0)
}

func (t *T) localize(nd *node, depth int) string {
	var b strings.Builder
	for _, p := range nd.parts {
		if p.node == nil {
			b.WriteString(p.text)
			continue
		}
		b.WriteString(t.localizeMessage(p.node, depth))
	}
	return b.String()
}

func (t *T) localizeMessage(nd *node, depth int) string {
	var full, whole string
	switch {
	case nd.open == fragment || depth > 20:
		return Unmark(nd.raw)
	case nd.fixed():
		k := Key{nd.open - fixedOpen}
		full = t.text(k, 0, false, nil)
		whole = For(English).text(k, 0, false, nil)
	default:
		e, ok := lookup(nd.slot())
		if !ok {
			return Unmark(nd.raw)
		}
		d := make(map[string]any, len(e.d))
		for name, v := range e.d {
			if s, ok := v.(string); ok {
				v = t.localize(parse(s), depth+1)
			}
			d[name] = v
		}
		if e.plural {
			d["Count"] = t.Int(e.n)
		}
		full = t.text(e.key, e.n, e.plural, d)
		whole = Unmark(e.text)
	}
	if nd.closed {
		return full
	}
	// Cut short by the code: as much of the translation, proportionally.
	seen := Unmark(nd.raw)
	ellipsis := strings.HasSuffix(seen, "…")
	frac := float64(utf8.RuneCountInString(seen)) / math.Max(1, float64(utf8.RuneCountInString(whole)))
	r := []rune(full)
	keep := min(len(r), int(math.Ceil(frac*float64(len(r)))))
	if ellipsis && keep > 0 {
		return strings.TrimRight(string(r[:keep-1]), " \n") + "…"
	}
	return string(r[:keep])
}

// Override gives message id the text in language code, as if its file
// said so. For tests only (a translation made long on purpose), and not
// while anything renders.
func Override(code, id, text string) {
	loadOnce.Do(load)
	l := langs[code]
	if l == nil {
		panic("locale: no language " + code)
	}
	bundle.MustAddMessages(l.tag, &i18n.Message{ID: id, Other: text})
	if l.forms == nil {
		l.forms, l.raw = map[string]map[string]string{}, map[string]string{}
	}
	l.forms[id] = map[string]string{"other": text}
	l.raw[id] = text
	l.mu.Lock()
	l.fixed, l.fills = nil, nil
	l.mu.Unlock()
}

// ListItems is the items of every message written as a list ("Sun|Mon|…"),
// in English and in every language file. Code that splits such a message
// takes its items apart from their markers: they are still the catalog's.
func ListItems() []string {
	loadOnce.Do(load)
	var out []string
	add := func(s string) {
		if strings.Contains(s, "|") && !strings.Contains(s, "||") {
			out = append(out, strings.Split(s, "|")...)
		}
	}
	regMu.RLock()
	for _, e := range registry {
		add(e.msg.Other)
		add(e.msg.One)
	}
	regMu.RUnlock()
	for _, l := range tags[1:] {
		for _, f := range l.forms {
			for _, s := range f {
				add(s)
			}
		}
	}
	return out
}

// TrimEnd is strings.TrimRight(s, cutset) for a rendered text, which may
// end in markers when Marking is on: the characters are cut before them.
func TrimEnd(s, cutset string) string {
	end := len(s)
	for end > 0 {
		r, size := utf8.DecodeLastRuneInString(s[:end])
		if !isMark(r) {
			break
		}
		end -= size
	}
	return strings.TrimRight(s[:end], cutset) + s[end:]
}
