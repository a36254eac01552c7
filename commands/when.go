package commands

import (
	"cmp"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/filmbot/filmbot/locale"
)

// The times members type, in each language: the words and forms parseWhen
// reads, one message each, so that each language file gives its own
// (English is always read too). Lists are comma-separated; forms are
// alternatives separated by "|", their placeholders where the number,
// the unit, the day or the time goes.
var (
	msgWhenBad = locale.Text("when.bad", "{{.Value}} is not a time I can read: try `friday 21:00`, `tomorrow 20:30`, `in 3 days` or `2026-12-05 21:00`")
	// Monday first: seven groups separated by "|", each a comma-separated
	// list of what a member may type for that day.
	msgWhenWeekdays = locale.Text("when.weekdays", "monday,mon|tuesday,tue|wednesday,wed|thursday,thu|friday,fri|saturday,sat|sunday,sun")
	msgWhenToday    = locale.Text("when.today", "today")
	msgWhenTomorrow = locale.Text("when.tomorrow", "tomorrow")
	// A time from now: {{.Count}} is the number, {{.Unit}} one of the
	// units' words.
	msgWhenIn     = locale.Text("when.in", "in {{.Count}} {{.Unit}}")
	msgWhenMinute = locale.Text("when.unit.minute", "minute,minutes")
	msgWhenHour   = locale.Text("when.unit.hour", "hour,hours")
	msgWhenDay    = locale.Text("when.unit.day", "day,days")
	msgWhenWeek   = locale.Text("when.unit.week", "week,weeks")
	// A day and a time of day: {{.Day}} is today, tomorrow or a weekday;
	// {{.Time}} the time of day.
	msgWhenDayAt = locale.Text("when.day_at", "{{.Day}} {{.Time}}")
	// A time of day: {{.Hour}} (0–23) and {{.Minute}} (two digits).
	msgWhenClock = locale.Text("when.clock", "{{.Hour}}:{{.Minute}}")
)

// whenGrammar is one language's forms, compiled.
type whenGrammar struct {
	in    []form              // a time from now
	units map[string]int      // a unit's word → minutes (1, 60, 1440, 10080)
	days  map[string]int      // today: -2, tomorrow: -1, a weekday: 0 (Sunday)…6
	dayAt []form              // a day and a time of day
	clock []form              // a time of day
	bad   func(string) string // the error's text for a value
}

// form is one alternative of a form: its expression and which
// placeholder each group is.
type form struct {
	re    *regexp.Regexp
	slots []string
}

var grammars sync.Map // locale code → *whenGrammar

// grammarOf is t's language's forms, compiled once.
func grammarOf(t *locale.T) *whenGrammar {
	if g, ok := grammars.Load(t.Locale()); ok {
		return g.(*whenGrammar)
	}
	g := &whenGrammar{units: map[string]int{}, days: map[string]int{}}
	for k, minutes := range map[locale.Key]int{msgWhenMinute: 1, msgWhenHour: 60, msgWhenDay: 24 * 60, msgWhenWeek: 7 * 24 * 60} {
		for _, w := range words(t.Plain(k)) {
			g.units[w] = minutes
		}
	}
	for _, w := range words(t.Plain(msgWhenToday)) {
		g.days[w] = -2
	}
	for _, w := range words(t.Plain(msgWhenTomorrow)) {
		g.days[w] = -1
	}
	for k, group := range strings.Split(t.Plain(msgWhenWeekdays), "|") {
		if k >= 7 {
			break
		}
		for _, w := range words(group) {
			g.days[w] = (k + 1) % 7 // Monday first; time.Weekday counts from Sunday
		}
	}
	g.in = forms(t, msgWhenIn, map[string]string{"Count": `\d{1,5}`, "Unit": alternation(g.units)})
	g.dayAt = forms(t, msgWhenDayAt, map[string]string{"Day": alternation(g.days), "Time": `.+`})
	g.clock = forms(t, msgWhenClock, map[string]string{"Hour": `\d{1,2}`, "Minute": `\d{2}`})
	g.bad = func(v string) string { return t.F(msgWhenBad, "Value", v) }
	grammars.Store(t.Locale(), g)
	return g
}

// words is a comma-separated list, lower case, spaces closed up.
func words(list string) []string {
	var out []string
	for _, w := range strings.Split(list, ",") {
		if w = normalize(w); w != "" {
			out = append(out, w)
		}
	}
	return out
}

func normalize(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), " ")) }

// alternation is an expression matching any of set's words, longest
// first.
func alternation[V any](set map[string]V) string {
	var ws []string
	for w := range set {
		ws = append(ws, w)
	}
	// Longest first: "friday" is read before "fri".
	slices.SortFunc(ws, func(a, b string) int { return cmp.Or(len(b)-len(a), strings.Compare(a, b)) })
	for k, w := range ws {
		ws[k] = spaced(w)
	}
	if len(ws) == 0 {
		return `\x00` // matches nothing a member types
	}
	return strings.Join(ws, "|")
}

// spaced quotes literal text, where a space may be typed or left out.
func spaced(s string) string {
	parts := strings.Fields(s)
	for k, p := range parts {
		parts[k] = regexp.QuoteMeta(p)
	}
	return strings.Join(parts, `\s*`)
}

var slot = regexp.MustCompile("\x00([0-9]+)\x00")

// forms compiles message k in t's language: each "|" alternative with its
// placeholders as slots' expressions.
func forms(t *locale.T, k locale.Key, slots map[string]string) []form {
	// Each placeholder is rendered as a mark that survives lower-casing:
	// its number among the slots' names.
	var names, pairs []any
	for name := range slots {
		pairs = append(pairs, name, "\x00"+strconv.Itoa(len(names))+"\x00")
		names = append(names, name)
	}
	var out []form
	for _, alt := range strings.Split(t.Plain(k, pairs...), "|") {
		alt = normalize(alt)
		if alt == "" {
			continue
		}
		var expr strings.Builder
		var order []string
		expr.WriteString(`^\s*`)
		last := 0
		for _, m := range slot.FindAllStringSubmatchIndex(alt, -1) {
			expr.WriteString(spacedEdges(alt[last:m[0]]))
			k, _ := strconv.Atoi(alt[m[2]:m[3]])
			name := names[k].(string)
			expr.WriteString("(" + slots[name] + ")")
			order = append(order, name)
			last = m[1]
		}
		expr.WriteString(spacedEdges(alt[last:]))
		expr.WriteString(`\s*$`)
		re, err := regexp.Compile(expr.String())
		if err != nil {
			continue
		}
		out = append(out, form{re, order})
	}
	return out
}

// spacedEdges is spaced, with the spaces around the text optional too.
func spacedEdges(s string) string {
	if strings.TrimSpace(s) == "" {
		return `\s*`
	}
	return `\s*` + spaced(s) + `\s*`
}

// match is the slots' values of the first of fs that matches v.
func match(fs []form, v string) map[string]string {
	for _, f := range fs {
		if m := f.re.FindStringSubmatch(v); m != nil {
			out := make(map[string]string, len(f.slots))
			for k, name := range f.slots {
				out[name] = strings.TrimSpace(m[k+1])
			}
			return out
		}
	}
	return nil
}

// parseWhen reads a time as members type it, in the server's zone loc:
// "2026-12-05 21:00" (or with a T), "21:00" (today, or tomorrow once
// past), "today 20:30", "tomorrow 20:30", "friday 21:00" (the coming
// Friday; today if later today), "in 3 days", "in 2 hours", "in 45
// minutes", "in 1 week"; and the same in the member's language t (the
// words and forms its file gives: "завтра 20:00", "in 3 Tagen",
// "vendredi 21h"). now is the current time. The error is in t's
// language.
func parseWhen(value string, now time.Time, loc *time.Location, t *locale.T) (time.Time, error) {
	v := normalize(value)
	now = now.In(loc)
	own := grammarOf(t)
	bad := fmt.Errorf("%s", own.bad(fmt.Sprintf("%q", clip(value, 60))))
	if v == "" {
		return time.Time{}, bad
	}
	for _, layout := range []string{"2006-01-02 15:04", "2006-01-02T15:04", "2006-01-02T15:04:05"} {
		if t, err := time.ParseInLocation(layout, strings.ToUpper(v), loc); err == nil {
			return t, nil
		}
	}
	if t, err := time.Parse(time.RFC3339, strings.ToUpper(v)); err == nil {
		return t, nil
	}
	gs := []*whenGrammar{own}
	if en := grammarOf(locale.For(locale.English)); en != own {
		gs = append(gs, en)
	}
	for _, g := range gs {
		if at, ok := g.read(v, now, loc); ok {
			return at, nil
		}
	}
	return time.Time{}, bad
}

// read is v in g's forms, if it is one.
func (g *whenGrammar) read(v string, now time.Time, loc *time.Location) (time.Time, bool) {
	if m := match(g.in, v); m != nil {
		n, err := strconv.Atoi(m["Count"])
		minutes := g.units[normalize(m["Unit"])]
		if err != nil || n < 1 || n > 10000 || minutes == 0 {
			return time.Time{}, false
		}
		if minutes >= 24*60 {
			return now.AddDate(0, 0, n*minutes/(24*60)), true // calendar days, across clock changes
		}
		return now.Add(time.Duration(n*minutes) * time.Minute), true
	}
	// A day and a time of day (the first of the forms that reads as
	// both), else a time of day alone.
	day, hour, minute, ok := -3, 0, 0, false // -3: no day given
	for _, f := range g.dayAt {
		m := match([]form{f}, v)
		if m == nil {
			continue
		}
		if d, known := g.days[normalize(m["Day"])]; known {
			if hour, minute, ok = g.clockOf(m["Time"]); ok {
				day = d
				break
			}
		}
	}
	if !ok {
		if hour, minute, ok = g.clockOf(v); !ok {
			return time.Time{}, false
		}
	}
	at := func(d time.Time) time.Time {
		return time.Date(d.Year(), d.Month(), d.Day(), hour, minute, 0, 0, loc)
	}
	switch day {
	case -3:
		t := at(now)
		if !t.After(now) {
			t = at(now.AddDate(0, 0, 1))
		}
		return t, true
	case -2:
		return at(now), true
	case -1:
		return at(now.AddDate(0, 0, 1)), true
	}
	ahead := (day - int(now.Weekday()) + 7) % 7
	t := at(now.AddDate(0, 0, ahead))
	if !t.After(now) {
		t = at(now.AddDate(0, 0, ahead+7))
	}
	return t, true
}

// clockOf is a time of day in g's forms (a missing minute is 0).
func (g *whenGrammar) clockOf(v string) (hour, minute int, ok bool) {
	m := match(g.clock, v)
	if m == nil {
		return 0, 0, false
	}
	hour, err := strconv.Atoi(m["Hour"])
	if err != nil || hour > 23 {
		return 0, 0, false
	}
	if s := m["Minute"]; s != "" {
		if minute, err = strconv.Atoi(s); err != nil || minute > 59 {
			return 0, 0, false
		}
	}
	return hour, minute, true
}
