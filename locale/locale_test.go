package locale

import (
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/bwmarrin/discordgo"
)

var (
	tHello   = Text("t.hello", "Hello")
	tNoFilm  = Text("t.nofilm", "No film called {{.Title}} here.")
	tRatings = Plural("t.ratings", "{{.Count}} rating", "{{.Count}} ratings")
)

// TestMain reads the test's language files, not filmbot's.
func TestMain(m *testing.M) {
	files = os.DirFS("testdata")
	os.Exit(m.Run())
}

func TestTranslates(t *testing.T) {
	ru, de, en := For("ru"), For("de"), For("en-US")
	if got := ru.S(tHello); got != "Привет" {
		t.Errorf("ru hello = %q", got)
	}
	if got := en.S(tHello); got != "Hello" {
		t.Errorf("en hello = %q", got)
	}
	if got := ru.F(tNoFilm, "Title", "Дюна"); got != "Фильма «Дюна» здесь нет." {
		t.Errorf("ru nofilm = %q", got)
	}
	for n, want := range map[int]string{1: "1 оценка", 2: "2 оценки", 5: "5 оценок", 21: "21 оценка", 11: "11 оценок", 1000: "1\u00a0000 оценок"} {
		if got := ru.N(tRatings, n); got != want {
			t.Errorf("ru ratings(%d) = %q, want %q", n, got, want)
		}
	}
	if got := en.N(tRatings, 1); got != "1 rating" {
		t.Errorf("en ratings(1) = %q", got)
	}
	// de's plural lacks "other": its "one" is used for 1, English's
	// "other"... no: the language's own file falls back to English
	// where the form is missing.
	if got := de.N(tRatings, 1); got != "1 Bewertung" {
		t.Errorf("de ratings(1) = %q", got)
	}
	if got := de.N(tRatings, 3); got != "3 ratings" {
		t.Errorf("de ratings(3) = %q, want English for a missing form", got)
	}
}

func TestFallsBack(t *testing.T) {
	for locale, want := range map[string]string{"en-GB": English, "zh-TW": English, "xx": English, "": English, "ru": "ru", "de": "de", "de-AT": "de"} {
		if got := For(locale).Locale(); got != want {
			t.Errorf("For(%q) = %s, want %s", locale, got, want)
		}
	}
}

func TestNumbers(t *testing.T) {
	for locale, want := range map[string]string{"en-US": "7.5", "de": "7,5", "ru": "7,5"} {
		if got := For(locale).Num(7.5, 1); got != want {
			t.Errorf("%s: Num(7.5) = %q, want %q", locale, got, want)
		}
	}
	if got := For("en-US").Num(8, 1); got != "8.0" {
		t.Errorf("Num(8, 1) = %q", got)
	}
	if got := For("de").Int(12345); got != "12.345" {
		t.Errorf("de Int = %q", got)
	}
}

func TestPluralForms(t *testing.T) {
	for code, want := range map[string][]string{"ru": {"few", "many", "one", "other"}, "en-US": {"one", "other"}, "ja": {"other"}, "pl": {"few", "many", "one", "other"}} {
		if got := PluralForms(code); !slices.Equal(got, want) {
			t.Errorf("PluralForms(%s) = %v, want %v", code, got, want)
		}
	}
}

func TestCommand(t *testing.T) {
	def := &discordgo.ApplicationCommand{Name: "rate", Description: "Rate a film", Options: []*discordgo.ApplicationCommandOption{
		{Name: "film", Description: "The film", Type: discordgo.ApplicationCommandOptionString},
		{Name: "score", Description: "Score", Type: discordgo.ApplicationCommandOptionInteger, Choices: []*discordgo.ApplicationCommandOptionChoice{{Name: "10 - a masterpiece", Value: 10}}},
	}}
	Command(def)
	if got := (*def.DescriptionLocalizations)["ru"]; got != "Оценить фильм" {
		t.Errorf("ru description = %q", got)
	}
	if _, ok := (*def.DescriptionLocalizations)["de"]; ok {
		t.Error("de has no description: it must be left to English")
	}
	if got := def.Options[0].NameLocalizations["ru"]; got != "фильм" {
		t.Errorf("ru option name = %q", got)
	}
	if got := def.Options[1].Choices[0].NameLocalizations["ru"]; got != "10 — шедевр" {
		t.Errorf("ru choice = %q", got)
	}
}

func TestProblems(t *testing.T) {
	Command(&discordgo.ApplicationCommand{Name: "rate", Description: "Rate a film", Options: []*discordgo.ApplicationCommandOption{
		{Name: "film", Description: "The film", Type: discordgo.ApplicationCommandOptionString},
		{Name: "score", Description: "Score", Type: discordgo.ApplicationCommandOptionInteger, Choices: []*discordgo.ApplicationCommandOptionChoice{{Name: "10", Value: 10}}},
	}})
	got := strings.Join(Problems(), "\n")
	for _, want := range []string{
		`de: t.nofilm (other) has placeholders [Name], English [Title]`,
		`de: t.ratings has no plural form "other"`,
		`de: t.extra is not a message of filmbot`,
		`de: name.rate: "Bewerten" breaks Discord's name rules`,
		`de: desc.rate is missing`,
		`ru: desc.rate.score is missing`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("Problems lacks %q; got:\n%s", want, got)
		}
	}
	if strings.Contains(got, "ru: t.") || strings.Contains(got, "ru: name.") {
		t.Errorf("ru's file is complete for its messages; got:\n%s", got)
	}
}

func TestFixedStringsDoNotAllocate(t *testing.T) {
	ru := For("ru")
	ru.S(tHello)
	if n := testing.AllocsPerRun(100, func() { ru.S(tHello) }); n != 0 {
		t.Errorf("S allocates %v times", n)
	}
}

func TestConcurrentUse(t *testing.T) {
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tr := For([]string{"ru", "de", "en-US", "fr"}[i%4])
			for n := range 50 {
				tr.S(tHello)
				tr.N(tRatings, n)
			}
		}()
	}
	wg.Wait()
}

// A message declared after the first translator was made (as a package
// initialised later would) is rendered from the bundle's cached template,
// not parsed again at each use.
func TestLateMessageIsCached(t *testing.T) {
	For("en-US")
	late := define("late.t", "Late {{.X}}") // idempotent: the test may run again
	en := For("en-US")
	if got := en.F(late, "X", "one"); got != "Late one" {
		t.Fatalf("late = %q", got)
	}
	early := testing.AllocsPerRun(50, func() { en.F(tNoFilm, "Title", "x") })
	if n := testing.AllocsPerRun(50, func() { en.F(late, "X", "x") }); n > early {
		t.Errorf("a late message allocates %v times a use, an early one %v", n, early)
	}
}

// TestFreshConcurrentUse: in a process where nothing has made a
// translator yet, many goroutines making them and rendering at once,
// while a definition's message is declared (run again in a child
// process, so the first use is really first; -race judges it).
func TestFreshConcurrentUse(t *testing.T) {
	if os.Getenv("LOCALE_FRESH") == "1" {
		var wg sync.WaitGroup
		for i := range 24 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				tr := For([]string{"ru", "de", "en-US", "fr", "ja", "uk"}[i%6])
				tr.S(tHello)
				tr.N(tRatings, i)
				if i%4 == 0 {
					define(fmt.Sprintf("t.fresh.%d", i), "Fresh")
				}
			}()
		}
		wg.Wait()
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestFreshConcurrentUse$", "-test.count=1")
	cmd.Env = append(os.Environ(), "LOCALE_FRESH=1")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("fresh process: %v\n%s", err, out)
	}
}
