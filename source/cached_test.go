package source

import (
	"strings"
	"testing"

	"github.com/filmbot/filmbot/tmdb"
	"github.com/filmbot/filmbot/tmdb/tmdbfake"
)

// SuggestCached answers from a cached search only, through the caller's
// derive, made once per cached search; Suggest fills the cache.
func TestSuggestCached(t *testing.T) {
	e := setup(t, tmdb.Options{})
	calls := 0
	derive := func(s []Suggestion) any { calls++; return s }
	if _, ok := e.r.SuggestCached("dune", "", derive); ok {
		t.Fatal("answered before any search")
	}
	want, err := e.r.Suggest(ctx, "dune", "", 25)
	if err != nil || len(want) < 3 {
		t.Fatalf("suggest: %v %v", want, err)
	}
	for range 2 {
		v, ok := e.r.SuggestCached("Dune ", "", derive)
		got, _ := v.([]Suggestion)
		if !ok || len(got) != len(want) || got[0] != want[0] {
			t.Fatalf("cached: %v %v, want %v", got, ok, want)
		}
	}
	if calls != 1 {
		t.Errorf("derived %d times", calls)
	}
	if n := e.fake.Requests("search/movie"); n != 1 {
		t.Errorf("%d searches", n)
	}
	var off *Resolver
	if _, ok := off.SuggestCached("dune", "", derive); ok {
		t.Error("a nil Resolver answered")
	}
}

// Label keeps the year and Discord's 100 characters.
func TestLabelLong(t *testing.T) {
	long := ""
	for range 120 {
		long += "é"
	}
	for _, c := range []struct {
		title string
		year  int
		want  int
	}{{long, 2019, 100}, {long, 0, 100}, {"Parasite", 2019, 15}} {
		l := Label(c.title, c.year)
		if n := len([]rune(l)); n != c.want {
			t.Errorf("Label(%d runes, %d) = %d runes", len([]rune(c.title)), c.year, n)
		}
	}
	if l := Label("Parasite", 2019); l != "Parasite (2019)" {
		t.Errorf("%q", l)
	}
}

// PosterURL is on TMDB's default image server until the configuration
// is read in the background, then where it says; a nil Resolver and an
// empty path are handled.
func TestPosterURL(t *testing.T) {
	e := setup(t, tmdb.Options{})
	var off *Resolver
	if u := off.PosterURL("w342", "/a.jpg"); u != DefaultImageBase+"w342/a.jpg" {
		t.Errorf("off: %q", u)
	}
	if u := e.r.PosterURL("w342", ""); u != "" {
		t.Errorf("no poster: %q", u)
	}
	if u := e.r.PosterURL("w342", "/a.jpg"); u != DefaultImageBase+"w342/a.jpg" {
		t.Errorf("before the configuration: %q", u)
	}
	e.r.Wait()
	if u := e.r.PosterURL("w342", "/a.jpg"); u == DefaultImageBase+"w342/a.jpg" || u == "" {
		t.Errorf("after the configuration: %q", u)
	}
	if n := e.fake.Requests("configuration"); n != 1 {
		t.Errorf("%d configuration reads", n)
	}
}

// LoadImages reads the configuration before any poster is asked for: the
// first poster is already on TMDB's server of the day.
func TestLoadImages(t *testing.T) {
	e := setup(t, tmdb.Options{})
	e.r.LoadImages()
	e.r.Wait()
	if u := e.r.PosterURL("w342", "/a.jpg"); u == DefaultImageBase+"w342/a.jpg" || !strings.HasSuffix(u, "w342/a.jpg") {
		t.Errorf("the first poster: %q", u)
	}
	var off *Resolver
	off.LoadImages() // nothing to do
}

// A configuration TMDB fails to give leaves the default image server,
// and is asked again after ConfigurationRetry, not before.
func TestPosterURLConfigurationFails(t *testing.T) {
	e := setup(t, tmdb.Options{})
	e.fake.Fail(tmdbfake.FailServer, 1)
	e.r.PosterURL("w342", "/a.jpg")
	e.r.Wait()
	if u := e.r.PosterURL("w342", "/a.jpg"); u != DefaultImageBase+"w342/a.jpg" {
		t.Errorf("after a failure: %q", u)
	}
	e.r.Wait()
	if n := e.fake.Requests("configuration"); n > 1 {
		t.Errorf("asked again at once: %d reads", n)
	}
	e.clock.add(ConfigurationRetry)
	e.r.PosterURL("w342", "/a.jpg")
	e.r.Wait()
	if u := e.r.PosterURL("w342", "/a.jpg"); u == DefaultImageBase+"w342/a.jpg" {
		t.Errorf("not retried: %q", u)
	}
}
