package locale

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// tDays is a list message (ru: testdata).
var _ = Text("t.days", "Sun|Mon|Tue")

func withMarking(t testing.TB) {
	Marking(true)
	t.Cleanup(func() { Marking(false) })
}

func TestMarkingWrapsEveryRender(t *testing.T) {
	en := For("en-US")
	plainHello, plainNo := en.S(tHello), en.F(tNoFilm, "Title", "Anora")
	withMarking(t)
	hello := en.S(tHello)
	no := en.F(tNoFilm, "Title", "Anora")
	two := en.N(tRatings, 2)
	for _, s := range []string{hello, no, two} {
		if !HasMarks(s) {
			t.Errorf("%q is not marked", s)
		}
	}
	if Unmark(hello) != plainHello || Unmark(no) != plainNo || Unmark(two) != "2 ratings" {
		t.Errorf("unmarked: %q %q %q", Unmark(hello), Unmark(no), Unmark(two))
	}
	if again := en.F(tNoFilm, "Title", "Anora"); again != no {
		t.Errorf("one render, two markers: %q %q", again, no)
	}
	if got := Messages(hello + " " + no); !slices.Equal(got, []string{"t.hello", "t.nofilm"}) {
		t.Errorf("Messages = %v", got)
	}
	Marking(false)
	if got := en.S(tHello); HasMarks(got) || got != plainHello {
		t.Errorf("marking off, S = %q", got)
	}
}

// Text outside the catalog is found at the top and inside an argument;
// a message passed as an argument is not free text.
func TestFreeText(t *testing.T) {
	withMarking(t)
	en := For("en-US")
	inner := en.N(tRatings, 5)
	s := "Hard-coded: " + en.F(tNoFilm, "Title", "Anora, "+inner+" and more") + " " + en.S(tHello) + "!"
	var got []string
	for _, f := range FreeText(s) {
		got = append(got, f.In+"/"+f.Arg+":"+f.Text)
	}
	want := []string{"/:Hard-coded: ", "t.nofilm/Title:Anora, ", "t.nofilm/Title: and more", "/: ", "/:!"}
	if !slices.Equal(got, want) {
		t.Errorf("FreeText = %q, want %q", got, want)
	}
}

// Each message is rendered again in the language with the same
// arguments, nested ones too, and a count in that language's forms.
func TestLocalize(t *testing.T) {
	withMarking(t)
	en := For("en-US")
	s := "» " + en.F(tNoFilm, "Title", en.N(tRatings, 5)) + " · " + en.S(tHello)
	if got, want := Localize(s, "ru"), "» Фильма «5 оценок» здесь нет. · Привет"; got != want {
		t.Errorf("ru: %q, want %q", got, want)
	}
	if got, want := Localize(s, "en-US"), Unmark(s); got != want {
		t.Errorf("en: %q, want %q", got, want)
	}
	// Rendered in Russian, rebuilt in English.
	if got := Localize(For("ru").N(tRatings, 21), "en-US"); got != "21 ratings" {
		t.Errorf("ru → en: %q", got)
	}
}

// A message the code clipped keeps the same fraction in another
// language; a fragment whose start was cut off stays as it is.
func TestLocalizeClipped(t *testing.T) {
	withMarking(t)
	ru := For("ru")
	s := For("en-US").F(tNoFilm, "Title", strings.Repeat("x", 100))
	r := []rune(s)
	clipped := string(r[:60]) + "…" // as a clip() would cut it: the close is gone
	got := Localize(clipped, "ru")
	full := Unmark(ru.F(tNoFilm, "Title", strings.Repeat("x", 100)))
	if !strings.HasSuffix(got, "…") || !strings.HasPrefix(full, strings.TrimSuffix(got, "…")) {
		t.Errorf("clipped: %q (full %q)", got, full)
	}
	// 60 of the English's 121 runes were seen: about half of Russian's.
	if n, whole := utf8.RuneCountInString(got), utf8.RuneCountInString(full); n > whole*60/121+2 || n < whole*60/121-2 {
		t.Errorf("clipped to %d of %d runes, want about %d", n, whole, whole*60/121)
	}
	tail := string(r[70:])
	if got := Localize(tail, "ru"); got != Unmark(tail) {
		t.Errorf("fragment: %q", got)
	}
	if f := FreeText(tail); len(f) != 0 {
		t.Errorf("a fragment is the catalog's text: %q", f)
	}
}

// Plain is never marked: what code reads stays readable.
func TestPlain(t *testing.T) {
	ru := For("ru")
	if got := ru.Plain(tHello); got != "Привет" {
		t.Errorf("off: %q", got)
	}
	withMarking(t)
	if got := ru.Plain(tHello); got != "Привет" {
		t.Errorf("on: %q", got)
	}
	if got := ru.Plain(tNoFilm, "Title", `\d+`); got != `Фильма «\d+» здесь нет.` {
		t.Errorf("on, with placeholders: %q", got)
	}
}

func TestListItems(t *testing.T) {
	withMarking(t)
	items := ListItems()
	for _, want := range []string{"Sun", "Mon", "Вс"} {
		if !slices.Contains(items, want) {
			t.Errorf("ListItems lacks %q: %q", want, items)
		}
	}
}

func TestOverride(t *testing.T) {
	Override("de", "t.hello", "Servus")
	defer Override("de", "t.hello", "Hallo")
	if got := For("de").S(tHello); got != "Servus" {
		t.Errorf("overridden: %q", got)
	}
}

// Off, the fixed path is what it was: no allocation, no marker.
func TestMarkingOffDoesNotAllocate(t *testing.T) {
	Marking(true)
	Marking(false)
	ru := For("ru")
	ru.S(tHello)
	if n := testing.AllocsPerRun(100, func() { ru.S(tHello) }); n != 0 {
		t.Errorf("S allocates %v times", n)
	}
}

// go test ./locale -run '^$' -bench Fixed -benchmem: S with marking off
// (the product's path) against S with it on; F likewise.
func BenchmarkFixed(b *testing.B) {
	for _, on := range []bool{false, true} {
		name := map[bool]string{false: "off", true: "on"}[on]
		b.Run("S/"+name, func(b *testing.B) {
			Marking(on)
			defer Marking(false)
			ru := For("ru")
			ru.S(tHello)
			b.ReportAllocs()
			for b.Loop() {
				ru.S(tHello)
			}
		})
		b.Run("F/"+name, func(b *testing.B) {
			Marking(on)
			defer Marking(false)
			ru := For("ru")
			b.ReportAllocs()
			for b.Loop() {
				ru.F(tNoFilm, "Title", "Anora")
			}
		})
	}
}

func TestTrimEnd(t *testing.T) {
	if got := TrimEnd("TMDB is down.", ".。"); got != "TMDB is down" {
		t.Errorf("unmarked: %q", got)
	}
	marked := string(rune(fixedOpen)) + "Busy." + string(rune(closeMark))
	if got := Unmark(TrimEnd(marked, ".")); got != "Busy" || !HasMarks(TrimEnd(marked, ".")) {
		t.Errorf("marked: %q", TrimEnd(marked, "."))
	}
}
