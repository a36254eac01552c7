package source

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/filmbot/filmbot/storage"
	"github.com/filmbot/filmbot/storage/bolt"
	"github.com/filmbot/filmbot/tmdb"
	"github.com/filmbot/filmbot/tmdb/tmdbfake"
)

const token = "test-token"

var ctx = context.Background()

// fakeClock is the resolver's clock, moved by the test.
type fakeClock struct{ ns atomic.Int64 }

func (c *fakeClock) now() time.Time      { return time.Unix(0, c.ns.Load()).UTC() }
func (c *fakeClock) add(d time.Duration) { c.ns.Add(int64(d)) }

// gate holds TMDB's film requests while closed: the test sees each one
// arrive and lets it through.
type gate struct {
	mu      sync.Mutex
	closed  bool
	open    chan struct{}
	arrived chan string // the path of each held request
}

func (g *gate) close() {
	g.mu.Lock()
	g.closed, g.open = true, make(chan struct{})
	g.mu.Unlock()
}

func (g *gate) release() {
	g.mu.Lock()
	if g.closed {
		g.closed = false
		close(g.open)
	}
	g.mu.Unlock()
}

type env struct {
	fake   *tmdbfake.Server
	gate   *gate
	store  storage.Store
	client *tmdb.Client
	r      *Resolver
	clock  *fakeClock
	// search, when set, answers search requests instead of the fake.
	search atomic.Pointer[http.HandlerFunc]
}

func setup(t *testing.T, o tmdb.Options) *env {
	t.Helper()
	e := &env{fake: tmdbfake.New(tmdbfake.Options{Token: token}), gate: &gate{arrived: make(chan string, 16)}, clock: &fakeClock{}}
	e.clock.ns.Store(time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC).UnixNano())
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/3/movie/") {
			e.gate.mu.Lock()
			closed, open := e.gate.closed, e.gate.open
			e.gate.mu.Unlock()
			if closed {
				e.gate.arrived <- r.URL.Path
				<-open
			}
		}
		if h := e.search.Load(); h != nil && r.URL.Path == "/3/search/movie" {
			(*h)(w, r)
			return
		}
		e.fake.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(e.gate.release)
	o.BaseURL, o.Token = srv.URL, token
	if o.PerSecond == 0 {
		o.PerSecond = 1000
	}
	var err error
	if e.client, err = tmdb.New(o); err != nil {
		t.Fatal(err)
	}
	db, err := bolt.Open(filepath.Join(t.TempDir(), "t.db"), bolt.Options{Now: e.clock.now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	e.store = db
	e.r = New(db, e.client, tmdb.NewSearcher(e.client, time.Minute, 0, 0), e.clock.now)
	t.Cleanup(e.r.Wait)
	return e
}

func (e *env) films(t *testing.T) int {
	t.Helper()
	fs, err := e.store.Films(ctx, storage.BuiltIn)
	if err != nil {
		t.Fatal(err)
	}
	return len(fs)
}

// A movie as TMDB may send it, with nulls where it has nothing.
const rawMovie = `{"id": 42, "imdb_id": null, "title": "Nulls", "original_title": "Nuls", "overview": null,
 "release_date": null, "runtime": null, "poster_path": null, "genres": [{"id": 18, "name": "Drama"}],
 "origin_country": ["FR"], "production_countries": [], "spoken_languages": [{"iso_639_1": "fr", "english_name": "French", "name": "Français"}],
 "credits": {"cast": [{"id": 1, "name": "Lead", "character": null, "order": 0}, {"id": 2, "name": "Other", "character": "Her", "order": 1}],
   "crew": [{"id": 3, "name": "Dir", "job": "Director", "department": "Directing"}, {"id": 4, "name": "Comp", "job": "Original Music Composer", "department": "Sound"}]},
 "alternative_titles": {"titles": [{"iso_3166_1": "US", "title": "The Nulls", "type": ""}]},
 "translations": {"translations": [{"iso_3166_1": "RU", "iso_639_1": "ru", "data": {"title": "Нули", "overview": "Про нули."}},
   {"iso_3166_1": "BR", "iso_639_1": "pt", "data": {"title": null, "overview": "Sobre nulos."}}]},
 "release_dates": null, "external_ids": {"imdb_id": null, "wikidata_id": "Q1"}}`

func TestConvertNulls(t *testing.T) {
	var m tmdb.Movie
	if err := json.Unmarshal([]byte(rawMovie), &m); err != nil {
		t.Fatal(err)
	}
	f := Convert(m, nil)
	if f.Title != "Nulls" || f.Year != 0 || f.Runtime != 0 || f.Poster != "" || f.Release != "" || f.Overview != "" || f.IMDb != "" ||
		f.Wikidata != "Q1" || f.TMDB != 42 || f.OriginalTitle != "Nuls" {
		t.Errorf("Convert = %+v", f)
	}
	if !slices.Equal(f.Countries, []string{"FR"}) || f.Country != "FR" || !slices.Equal(f.Languages, []string{"French"}) ||
		!slices.Equal(f.Genres, []string{"Drama"}) || !slices.Equal(f.Directors, []string{"Dir"}) || !slices.Equal(f.Composers, []string{"Comp"}) {
		t.Errorf("lists: %+v", f)
	}
	if len(f.Cast) != 2 || f.Cast[0] != (storage.Role{Actor: "Lead"}) || f.Cast[1].Role != "Her" {
		t.Errorf("cast %+v", f.Cast)
	}
	if f.Titles["ru"] != "Нули" || f.Overviews["ru"] != "Про нули." || f.Titles["pt-BR"] != "" || f.Overviews["pt-BR"] != "Sobre nulos." || len(f.Titles) != 1 {
		t.Errorf("localized: %v %v", f.Titles, f.Overviews)
	}
	if !slices.Equal(f.Aliases, []string{"Nuls", "Нули", "The Nulls"}) {
		t.Errorf("aliases %q", f.Aliases)
	}
	// Only the languages asked for.
	if g := Convert(m, []string{"de"}); g.Titles != nil || g.Overviews != nil {
		t.Errorf("German: %v %v", g.Titles, g.Overviews)
	}
}

func TestConvertFromTheFake(t *testing.T) {
	e := setup(t, tmdb.Options{})
	m, err := e.client.MovieDetails(ctx, 1064213, "")
	if err != nil {
		t.Fatal(err)
	}
	f := Convert(m, nil)
	if f.Title != "Anora" || f.Year != 2024 || f.Runtime != 139 || f.IMDb != "tt28607951" || f.Titles["ru"] != "Анора" ||
		f.LocalOverview("ru") == f.Overview || f.Overview == "" || !slices.Contains(f.Aliases, "Анора") || f.Poster == "" ||
		len(f.Cast) != 7 || f.Directors[0] != "Sean Baker" || f.Release != "21 May 2024" {
		t.Errorf("Anora = %+v", f)
	}
	// A film with no poster, no release date and an uncredited voice.
	for _, id := range []int{832, 539, 9000005} {
		m, err := e.client.MovieDetails(ctx, id, "")
		if err != nil {
			t.Fatal(err)
		}
		if f := Convert(m, nil); f.Title == "" || f.TMDB != uint64(id) {
			t.Errorf("film %d: %+v", id, f)
		}
	}
}

// Two members asking for the same new film at once make one fetch and
// one film; asking again reads the store.
func TestResolveOnceAtOnce(t *testing.T) {
	e := setup(t, tmdb.Options{})
	joined := make(chan struct{}, 1)
	e.r.joined = func() { joined <- struct{}{} }
	e.gate.close()
	type res struct {
		f   storage.Film
		err error
	}
	out := make(chan res, 2)
	resolve := func() {
		f, err := e.r.Resolve(ctx, 496243)
		out <- res{f, err}
	}
	go resolve()
	<-e.gate.arrived // the first fetch is at TMDB
	go resolve()
	select {
	case <-joined:
	case p := <-e.gate.arrived:
		t.Fatalf("a second fetch of the same film: %s", p)
	}
	e.gate.release()
	a, b := <-out, <-out
	if a.err != nil || b.err != nil || a.f.ID != b.f.ID || a.f.Title != "Parasite" || a.f.TMDB != 496243 {
		t.Fatalf("Resolve: %+v %v / %+v %v", a.f, a.err, b.f, b.err)
	}
	if n := e.fake.Requests("movie"); n != 1 {
		t.Errorf("%d film requests, want 1", n)
	}
	if n := e.films(t); n != 2 {
		t.Errorf("%d films, want Anora and Parasite", n)
	}
	if f, err := e.r.Resolve(ctx, 496243); err != nil || f.ID != a.f.ID || e.fake.Requests("movie") != 1 {
		t.Errorf("again: %+v %v (%d requests)", f, err, e.fake.Requests("movie"))
	}
	// The seed is TMDB's Anora: no second Anora.
	if f, err := e.r.Resolve(ctx, 1064213); err != nil || f.Awards == nil || e.films(t) != 2 {
		t.Errorf("Anora: %+v %v", f, err)
	}
}

// A film older than RefreshAge is answered at once and refreshed in the
// background, one refresh at a time.
func TestStaleRefreshedInTheBackground(t *testing.T) {
	e := setup(t, tmdb.Options{})
	first, err := e.r.Resolve(ctx, 550)
	if err != nil {
		t.Fatal(err)
	}
	e.clock.add(RefreshAge - time.Second)
	if _, err := e.r.Resolve(ctx, 550); err != nil || e.fake.Requests("movie") != 1 {
		t.Fatalf("a fresh film was refreshed: %v, %d requests", err, e.fake.Requests("movie"))
	}
	e.clock.add(2 * time.Second)
	e.gate.close()
	done := make(chan storage.Film)
	go func() {
		f, err := e.r.Resolve(ctx, 550)
		if err != nil {
			t.Error(err)
		}
		done <- f
	}()
	var got storage.Film
	select {
	case got = <-done:
	case <-time.After(time.Minute): // a watchdog, not a measure: the gate holds TMDB until the answer is out
		t.Fatal("Resolve waited for the refresh")
	}
	if !got.FetchedAt.Equal(first.FetchedAt) {
		t.Errorf("answered with %v, want the stored film", got.FetchedAt)
	}
	<-e.gate.arrived // the refresh is at TMDB
	if _, err := e.r.Resolve(ctx, 550); err != nil {
		t.Fatal(err)
	}
	e.gate.release()
	e.r.Wait()
	if n := e.fake.Requests("movie"); n != 2 {
		t.Errorf("%d film requests, want 2 (one refresh while two answers used it)", n)
	}
	f, err := e.store.FilmByTMDB(ctx, 550)
	if err != nil || !f.FetchedAt.Equal(e.clock.now()) || f.ID != first.ID || !f.CreatedAt.Equal(first.CreatedAt) {
		t.Errorf("after the refresh: %+v %v", f, err)
	}
}

// TMDB failing: a clear error, nothing stored.
func TestTMDBDown(t *testing.T) {
	for _, c := range []struct {
		fail tmdbfake.Failure
		want error
	}{
		{tmdbfake.FailUnauthorized, ErrNotAnswering},
		{tmdbfake.FailRateLimit, ErrBusy},
		{tmdbfake.FailServer, ErrNotAnswering},
		{tmdbfake.FailUnavailable, ErrNotAnswering},
		{tmdbfake.FailMalformed, ErrNotAnswering},
		{tmdbfake.FailOversized, ErrNotAnswering},
		{tmdbfake.FailSlow, ErrNotAnswering},
	} {
		t.Run(string(c.fail), func(t *testing.T) {
			e := setup(t, tmdb.Options{HTTPClient: &http.Client{Timeout: 200 * time.Millisecond}, MaxBody: 1 << 20})
			if c.fail == tmdbfake.FailSlow {
				e.fake.SetLatency(time.Hour) // the fake stops waiting when the client gives up
			} else {
				e.fake.Fail(c.fail, 100)
			}
			_, err := e.r.Resolve(ctx, 496243)
			if !errors.Is(err, c.want) {
				t.Fatalf("Resolve: %v, want %v", err, c.want)
			}
			if storage.Message(err) == "" {
				t.Errorf("no sentence for a member: %v", err)
			}
			if _, err := e.store.FilmByTMDB(ctx, 496243); !errors.Is(err, storage.ErrNotFound) {
				t.Errorf("stored anyway: %v", err)
			}
			if e.films(t) != 1 {
				t.Error("a film was stored")
			}
			if _, err := e.r.Lookup(ctx, "Parasite", 2019, ""); !errors.Is(err, c.want) {
				t.Errorf("Lookup: %v", err)
			}
		})
	}
	t.Run("not on TMDB", func(t *testing.T) {
		e := setup(t, tmdb.Options{})
		if _, err := e.r.Resolve(ctx, 77777777); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("Resolve of a film TMDB lacks: %v", err)
		}
	})
}

func TestLookup(t *testing.T) {
	e := setup(t, tmdb.Options{})
	for _, c := range []struct {
		title string
		year  int
		want  uint64
	}{
		{"Dune", 1984, 841},           // the same title and year, though less popular
		{"Dune", 0, 438631},           // no year: the most popular of that title
		{"poltergeist", 2015, 243688}, // folded title
		{"Dune", 1999, 438631},        // no Dune that year: the same title, most popular
	} {
		f, err := e.r.Lookup(ctx, c.title, c.year, "")
		if err != nil || f.TMDB != c.want {
			t.Errorf("Lookup(%q, %d) = %d %q, %v; want %d", c.title, c.year, f.TMDB, f.Title, err, c.want)
		}
	}
	if f, err := e.r.Lookup(ctx, "Анора", 0, "ru"); err != nil || f.TMDB != 1064213 {
		t.Errorf("Анора: %+v %v", f, err)
	}
	if _, err := e.r.Lookup(ctx, "zzzqqq no such film", 0, ""); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("no such film: %v", err)
	}
}

func TestLookupUnique(t *testing.T) {
	e := setup(t, tmdb.Options{})
	f, cands, err := e.r.LookupUnique(ctx, "Poltergeist", 1982)
	if err != nil || f.TMDB != 609 || len(cands) != 1 {
		t.Errorf("Poltergeist (1982): %+v %v %v", f, cands, err)
	}
	if _, _, err := e.r.LookupUnique(ctx, "Poltergeist", 1999); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("no Poltergeist in 1999: %v", err)
	}
	// Two films of one title in one year (TMDB has such; the fixture not).
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(map[string]any{"page": 1, "total_pages": 1, "total_results": 2, "results": []map[string]any{
			{"id": 101, "title": "Twins", "original_title": "Twins", "release_date": "1988-12-09", "popularity": 10},
			{"id": 102, "title": "Twins", "original_title": "Twins", "release_date": "1988-03-01", "popularity": 1},
		}})
	})
	e.search.Store(&h)
	_, cands, err = e.r.LookupUnique(ctx, "Twins", 1988)
	if !errors.Is(err, ErrAmbiguous) || len(cands) != 2 || cands[0].ID != 101 {
		t.Errorf("ambiguous: %v %v", cands, err)
	}
	if e.fake.Requests("movie") != 1 || e.films(t) != 2 {
		t.Errorf("%d film requests, %d films", e.fake.Requests("movie"), e.films(t))
	}
}

func TestParseRef(t *testing.T) {
	for in, want := range map[string]Ref{
		"496243": {TMDB: 496243},
		" 603 ":  {TMDB: 603},
		"https://www.themoviedb.org/movie/496243-parasite":                 {TMDB: 496243},
		"themoviedb.org/movie/496243":                                      {TMDB: 496243},
		"https://www.themoviedb.org/movie/496243-gisaengchung?language=ko": {TMDB: 496243},
		"https://www.themoviedb.org/fr/movie/496243/":                      {TMDB: 496243},
		"tt6751668":                             {IMDb: "tt6751668"},
		"TT6751668":                             {IMDb: "tt6751668"},
		"https://www.imdb.com/title/tt6751668/": {IMDb: "tt6751668"},
	} {
		if got, err := ParseRef(in); err != nil || got != want {
			t.Errorf("ParseRef(%q) = %+v, %v; want %+v", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "0", "-3", "parasite", "tt12", "https://www.themoviedb.org/tv/1399", "https://example.com/movie/5",
		"https://www.themoviedb.org/movie/abc", "99999999999999999999"} {
		if got, err := ParseRef(bad); !errors.Is(err, ErrBadRef) {
			t.Errorf("ParseRef(%q) = %+v, %v", bad, got, err)
		}
	}
	e := setup(t, tmdb.Options{})
	ref, _ := ParseRef("tt28607951")
	if f, err := e.r.ResolveRef(ctx, ref); err != nil || f.TMDB != 1064213 || e.films(t) != 1 {
		t.Errorf("IMDb's Anora: %+v %v", f, err)
	}
	if _, err := e.r.ResolveRef(ctx, Ref{IMDb: "tt0000001"}); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("an IMDb id TMDB lacks: %v", err)
	}
}

func TestSuggest(t *testing.T) {
	e := setup(t, tmdb.Options{})
	s, err := e.r.Suggest(ctx, "dune", "", 25)
	if err != nil || len(s) < 3 {
		t.Fatalf("Suggest = %+v, %v", s, err)
	}
	labels := map[string]int{}
	for _, x := range s {
		labels[x.Label] = x.TMDB
	}
	if labels["Dune (2021)"] != 438631 || labels["Dune (1984)"] != 841 {
		t.Errorf("labels %v", labels)
	}
	if s, _ := e.r.Suggest(ctx, "anora", "ru", 25); len(s) == 0 || s[0].Label != "Анора (2024)" {
		t.Errorf("in Russian: %+v", s)
	}
	if s, _ := e.r.Suggest(ctx, "dune", "", 1); len(s) != 1 {
		t.Errorf("max 1: %+v", s)
	}
	if e.films(t) != 1 {
		t.Error("a suggestion stored a film")
	}
	long := Label(strings.Repeat("é", 150), 2024)
	if n := len([]rune(long)); n != 100 || !strings.HasSuffix(long, "… (2024)") {
		t.Errorf("long label of %d characters: %q", n, long)
	}
	e.fake.Fail(tmdbfake.FailServer, 100)
	if _, err := e.r.Suggest(ctx, "parasite", "", 25); !errors.Is(err, ErrNotAnswering) {
		t.Errorf("TMDB down: %v", err)
	}
}

// The freshness job: stale films are refreshed; one TMDB has not
// answered for past KeepLimit keeps its row but loses TMDB's data; the
// seed, never fetched, keeps its own.
func TestRefreshStale(t *testing.T) {
	e := setup(t, tmdb.Options{})
	for _, id := range []int{550, 680} {
		if _, err := e.r.Resolve(ctx, id); err != nil {
			t.Fatal(err)
		}
	}
	e.clock.add(RefreshAge + time.Hour)
	rep, err := e.r.RefreshStale(ctx, 10)
	// The seed (never fetched) is refreshed too: TMDB's Anora over it.
	if err != nil || rep.Updated != 3 || rep.Kept != 0 || rep.Dropped != 0 {
		t.Fatalf("RefreshStale = %+v, %v", rep, err)
	}
	seed, _ := e.store.FilmByTMDB(ctx, 1064213)
	if seed.Overview == "" || len(seed.Awards) == 0 {
		t.Errorf("the seed after a refresh: %+v", seed)
	}
	if !slices.Contains(seed.Aliases, "Ani") || len(seed.Aliases) < 2 {
		t.Errorf("the seed's aliases after a refresh, its own (Ani) and TMDB's: %q", seed.Aliases)
	}
	if rep, err := e.r.RefreshStale(ctx, 10); err != nil || rep != (RefreshReport{}) {
		t.Errorf("nothing stale: %+v %v", rep, err)
	}
	// TMDB failing for one film: passed over, the others refreshed.
	e.clock.add(RefreshAge + time.Hour)
	e.fake.Fail(tmdbfake.FailServer, 1)
	rep, err = e.r.RefreshStale(ctx, 10)
	if !errors.Is(err, ErrNotAnswering) || rep.Kept != 1 || rep.Updated != 2 {
		t.Errorf("one film failing: %+v %v", rep, err)
	}
	e.fake.Fail(tmdbfake.FailServer, 3) // TMDB fails for every film
	// Past KeepLimit: the rows stay, TMDB's data goes.
	before, _ := e.store.FilmByTMDB(ctx, 550)
	e.clock.add(KeepLimit)
	rep, err = e.r.RefreshStale(ctx, 10)
	if rep.Dropped != 3 {
		t.Errorf("past the limit: %+v %v", rep, err)
	}
	f, err := e.store.FilmByTMDB(ctx, 550)
	if err != nil || f.ID != before.ID || f.Title != "Fight Club" || f.Year != 1999 || f.Overview != "" || f.Cast != nil || f.Poster != "" || f.Titles != nil {
		t.Errorf("dropped: %+v %v", f, err)
	}
	seed, _ = e.store.FilmByTMDB(ctx, 1064213)
	if len(seed.Awards) == 0 || seed.Premiere == "" {
		t.Errorf("the seed's own words dropped: %+v", seed)
	}
	if e.films(t) != 3 {
		t.Errorf("%d films", e.films(t))
	}
	// TMDB busy: the job stops at once (the client holds every request
	// until Retry-After), the films kept.
	e.clock.add(RefreshAge + time.Hour)
	e.fake.Fail(tmdbfake.FailRateLimit, 1)
	if rep, err := e.r.RefreshStale(ctx, 10); !errors.Is(err, ErrBusy) || rep.Kept != 1 || rep.Updated != 0 {
		t.Errorf("TMDB busy: %+v %v", rep, err)
	}
}

// A nil Resolver is the source turned off: every method says so.
func TestOff(t *testing.T) {
	var r *Resolver
	_, e1 := r.Suggest(ctx, "dune", "", 25)
	_, e2 := r.Resolve(ctx, 1)
	_, e3 := r.Lookup(ctx, "Dune", 0, "")
	_, _, e4 := r.LookupUnique(ctx, "Dune", 2021)
	_, e5 := r.ResolveRef(ctx, Ref{TMDB: 1})
	_, e6 := r.RefreshStale(ctx, 1)
	r.Wait()
	for i, err := range []error{e1, e2, e3, e4, e5, e6} {
		if !errors.Is(err, ErrOff) {
			t.Errorf("call %d: %v", i+1, err)
		}
	}
}

// KeepFresh refreshes at each tick it is given, reports each turn, and
// stops with its context.
func TestKeepFresh(t *testing.T) {
	e := setup(t, tmdb.Options{})
	if _, err := e.r.Resolve(ctx, 550); err != nil {
		t.Fatal(err)
	}
	e.clock.add(RefreshAge + time.Hour)
	tick := make(chan time.Time)
	reports := make(chan RefreshReport)
	kctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		e.r.KeepFresh(kctx, tick, 10, func(rep RefreshReport, err error) {
			if err != nil {
				t.Errorf("turn: %v", err)
			}
			reports <- rep
		})
	}()
	tick <- time.Time{}
	if rep := <-reports; rep.Updated != 2 { // Fight Club and the seed
		t.Errorf("first turn: %+v", rep)
	}
	tick <- time.Time{}
	if rep := <-reports; rep != (RefreshReport{}) {
		t.Errorf("second turn, nothing stale: %+v", rep)
	}
	cancel()
	<-done
	var off *Resolver
	off.KeepFresh(ctx, tick, 10, nil) // returns at once
}

// Two processes (two resolvers over one store) asking for a new film at
// once: one fetches it from TMDB (its claim taken), the other waits for
// its row; one request to TMDB, one film.
func TestResolveOnceAcrossProcesses(t *testing.T) {
	e := setup(t, tmdb.Options{})
	other := New(e.store, e.client, nil, e.clock.now)
	waiting := make(chan struct{}, 1)
	other.claimWait = func() {
		select {
		case waiting <- struct{}{}:
		default:
		}
	}
	e.gate.close()
	type res struct {
		f   storage.Film
		err error
	}
	out := make(chan res, 2)
	go func() { f, err := e.r.Resolve(ctx, 496243); out <- res{f, err} }()
	<-e.gate.arrived // the first process's fetch is at TMDB, its claim taken
	go func() { f, err := other.Resolve(ctx, 496243); out <- res{f, err} }()
	select {
	case <-waiting: // the second found the claim and waits for the row
	case p := <-e.gate.arrived:
		t.Fatalf("the second process fetched it too: %s", p)
	}
	e.gate.release()
	a, b := <-out, <-out
	if a.err != nil || b.err != nil || a.f.ID != b.f.ID || a.f.TMDB != 496243 {
		t.Fatalf("Resolve: %+v %v / %+v %v", a.f, a.err, b.f, b.err)
	}
	if n := e.fake.Requests("movie"); n != 1 {
		t.Errorf("%d film requests to TMDB, want 1", n)
	}
	other.Wait()
}

// A film TMDB answers 404 for (gone from TMDB) goes to the back of the
// refresh order instead of standing at its head, so a turn of one film
// reaches the others: fetched before, it loses TMDB's data (which can
// no longer be refreshed) and keeps its row; never fetched, it is kept
// as it is.
func TestRefreshPassesAFilmTMDBNoLongerHas(t *testing.T) {
	e := setup(t, tmdb.Options{})
	const goneID, neverID = 99999991, 99999992
	gone, err := e.store.SaveSourced(ctx, storage.Film{Title: "Gone Film", Year: 1990, TMDB: goneID, Overview: "Was on TMDB.", Directors: []string{"Someone"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.store.(*bolt.DB).Load(ctx, []storage.Record{{Film: &storage.Film{ID: 900, Title: "Never Fetched", Year: 1960, TMDB: neverID, Directors: []string{"By Hand"}}}}); err != nil {
		t.Fatal(err)
	}
	e.clock.add(time.Hour)
	if _, err := e.r.Resolve(ctx, 550); err != nil {
		t.Fatal(err)
	}
	e.clock.add(RefreshAge + 2*time.Hour)
	var total RefreshReport
	for turn := range 4 { // one film a turn: the seed and the never fetched, the gone film, then Fight Club
		rep, err := e.r.RefreshStale(ctx, 1)
		if err != nil && !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("turn %d: %v", turn, err)
		}
		total.Updated += rep.Updated
		total.Kept += rep.Kept
		total.Dropped += rep.Dropped
	}
	fc, _ := e.store.FilmByTMDB(ctx, 550)
	if !fc.FetchedAt.Equal(e.clock.now()) {
		t.Errorf("Fight Club not refreshed behind the films TMDB lacks (fetched %v, now %v); turns did %+v", fc.FetchedAt, e.clock.now(), total)
	}
	g, err := e.store.FilmByTMDB(ctx, goneID)
	if err != nil || g.ID != gone.ID || g.Title != "Gone Film" || g.Overview != "Was on TMDB." || len(g.Directors) != 1 || !g.FetchedAt.Equal(e.clock.now()) {
		t.Errorf("the film TMDB no longer has, fetched within KeepLimit: %+v %v", g, err)
	}
	n, err := e.store.FilmByTMDB(ctx, neverID)
	if err != nil || len(n.Directors) != 1 || !n.FetchedAt.Equal(e.clock.now()) {
		t.Errorf("the never-fetched film TMDB lacks: %+v %v", n, err)
	}
	// The next rounds: a 404 again never costs a film its own words
	// (the first round's save set its FetchedAt).
	for round := range 2 {
		e.clock.add(RefreshAge + 2*time.Hour)
		for range 4 {
			e.r.RefreshStale(ctx, 1)
		}
		if n, err := e.store.FilmByTMDB(ctx, neverID); err != nil || len(n.Directors) != 1 || n.Directors[0] != "By Hand" {
			t.Errorf("round %d: the never-fetched film lost its credits: %+v %v", round+2, n, err)
		}
	}
	if total.Updated != 2 || total.Dropped != 0 || total.Kept != 2 {
		t.Errorf("turns did %+v, want the seed and Fight Club updated, the two films TMDB lacks kept", total)
	}
}
