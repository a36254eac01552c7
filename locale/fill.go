package locale

import (
	"fmt"
	"strings"
	tparse "text/template/parse"
)

// A fill is a message's text in one language cut at its placeholders, for
// T.F to fill without go-i18n's text/template (which costs, per message
// rendered, a map of the pairs, reflection on it and a buffer: a fifth
// of a /review's rendering). Only messages whose every text, English and
// the language's, is text and {{.Name}} placeholders alone are cut; the
// cut is taken from go-i18n's own rendering (each placeholder given a
// marker), so it is what go-i18n writes, fallback to English and all.
// F fills it only when every placeholder is given a string, the value
// text/template prints as it is; anything else goes the long way
// (TestFillIsTemplates).
type fill struct {
	ok    bool     // false: the long way, always
	text  []string // len(names)+1 pieces of literal text
	names []string // the placeholder between text[i] and text[i+1]
}

// filled is F's text by its fill, or false to go the long way.
func (t *T) filled(k Key, pairs []any) (string, bool) {
	l := t.lang
	l.mu.RLock()
	var f *fill
	if int(k.i) < len(l.fills) {
		f = l.fills[k.i]
	}
	l.mu.RUnlock()
	if f == nil {
		f = t.cut(k)
		regMu.RLock()
		n := len(registry)
		regMu.RUnlock()
		l.mu.Lock()
		if len(l.fills) < n {
			l.fills = append(l.fills, make([]*fill, n-len(l.fills))...)
		}
		l.fills[k.i] = f
		l.mu.Unlock()
	}
	if !f.ok {
		return "", false
	}
	size := 0
	for _, s := range f.text {
		size += len(s)
	}
	var vals [8]string
	if len(f.names) > len(vals) {
		return "", false
	}
	for i, name := range f.names {
		v, ok := value(pairs, name)
		if !ok {
			return "", false
		}
		vals[i] = v
		size += len(v)
	}
	if size == 0 {
		// An empty text in T's language is not used: the long way
		// falls back to English.
		return "", false
	}
	var b strings.Builder
	b.Grow(size)
	b.WriteString(f.text[0])
	for i := range f.names {
		b.WriteString(vals[i])
		b.WriteString(f.text[i+1])
	}
	return b.String(), true
}

// value is the string given for name in pairs, as data's map would keep
// it (the last of its name), or false when there is none or it is no
// string.
func value(pairs []any, name string) (string, bool) {
	var v any
	found := false
	for i := 0; i+1 < len(pairs); i += 2 {
		n, ok := pairs[i].(string)
		if !ok {
			return "", false
		}
		if n == name {
			v, found = pairs[i+1], true
		}
	}
	s, ok := v.(string)
	return s, found && ok
}

// cut makes k's fill in T's language.
func (t *T) cut(k Key) *fill {
	regMu.RLock()
	e := registry[k.i]
	var texts []string
	if !e.plural {
		texts = append(texts, e.msg.Other)
		for _, text := range t.lang.forms[e.msg.ID] {
			texts = append(texts, text)
		}
	}
	regMu.RUnlock()
	if len(texts) == 0 {
		return &fill{}
	}
	names := map[string]bool{}
	for _, text := range texts {
		if !plainTemplate(text, names) {
			return &fill{}
		}
	}
	// Each placeholder rendered as a marker: NUL, its index, NUL.
	if len(names) > 26 {
		return &fill{}
	}
	d := map[string]any{}
	var order []string
	for name := range names {
		d[name] = "\x00" + string(rune('A'+len(order))) + "\x00"
		order = append(order, name)
	}
	out := t.text(k, 0, false, d)
	parts := strings.Split(out, "\x00")
	if len(parts)%2 == 0 {
		return &fill{}
	}
	f := &fill{ok: true}
	for i, p := range parts {
		if i%2 == 0 {
			f.text = append(f.text, p)
			continue
		}
		if len(p) != 1 || p[0] < 'A' || int(p[0]-'A') >= len(order) {
			return &fill{}
		}
		f.names = append(f.names, order[p[0]-'A'])
	}
	return f
}

// plainTemplate adds the names of text's placeholders to names, and
// reports whether text is nothing but literal text and {{.Name}}
// placeholders (no NUL: the markers').
func plainTemplate(text string, names map[string]bool) bool {
	if strings.Contains(text, "\x00") {
		return false
	}
	if !strings.Contains(text, "{{") {
		return true
	}
	trees, err := tparse.Parse("", text, "{{", "}}")
	if err != nil || len(trees) != 1 {
		return false
	}
	tree := trees[""]
	if tree == nil || tree.Root == nil {
		return false
	}
	for _, n := range tree.Root.Nodes {
		switch n := n.(type) {
		case *tparse.TextNode:
		case *tparse.ActionNode:
			if len(n.Pipe.Decl) != 0 || len(n.Pipe.Cmds) != 1 || len(n.Pipe.Cmds[0].Args) != 1 {
				return false
			}
			field, ok := n.Pipe.Cmds[0].Args[0].(*tparse.FieldNode)
			if !ok || len(field.Ident) != 1 {
				return false
			}
			names[field.Ident[0]] = true
		default:
			return false
		}
	}
	return true
}

// fillDiffers says how F fills k otherwise than go-i18n renders it, with
// each placeholder given a value of its own, or "".
func (t *T) fillDiffers(k Key, e entry) string {
	if e.plural {
		return ""
	}
	var pairs []any
	for _, name := range placeholders(e.msg.Other) {
		pairs = append(pairs, name, "<"+name+" {{.X}} %v>")
	}
	got, ok := t.filled(k, pairs)
	if !ok {
		return ""
	}
	if want := t.text(k, 0, false, data(pairs)); got != want {
		return fmt.Sprintf("%s is filled as %q, rendered as %q", e.msg.ID, got, want)
	}
	return ""
}
