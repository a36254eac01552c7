package tmdb_test

import (
	"context"
	"encoding/json"
	"errors"
	"image/png"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/filmbot/filmbot/tmdb"
	"github.com/filmbot/filmbot/tmdb/tmdbfake"
)

const token = "test-read-access-token"

// clock is a settable clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func setup(t *testing.T, o tmdb.Options) (*tmdb.Client, *tmdbfake.Server, *clock) {
	t.Helper()
	c, fake, clk, _ := setupURL(t, o)
	return c, fake, clk
}

func setupURL(t *testing.T, o tmdb.Options) (*tmdb.Client, *tmdbfake.Server, *clock, string) {
	t.Helper()
	fake := tmdbfake.New(tmdbfake.Options{Token: token, APIKey: "v3key"})
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	clk := &clock{t: time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)}
	o.BaseURL = srv.URL
	if o.Token == "" && o.APIKey == "" {
		o.Token = token
	}
	if o.PerSecond == 0 {
		o.PerSecond = 1e6
	}
	o.Now = clk.now
	c, err := tmdb.New(o)
	if err != nil {
		t.Fatal(err)
	}
	return c, fake, clk, srv.URL
}

func TestSearchAndDetails(t *testing.T) {
	c, _, _ := setup(t, tmdb.Options{})
	ctx := context.Background()
	if err := c.Check(ctx); err != nil {
		t.Fatalf("Check: %v", err)
	}
	p, err := c.SearchMovies(ctx, "ANORA", 0, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Results) == 0 || p.Results[0].ID != 1064213 || p.Results[0].Year() != 2024 {
		t.Fatalf("search anora: %+v", p.Results)
	}
	// Accents and case are ignored, as TMDB's search ignores them.
	p, err = c.SearchMovies(ctx, "amelie", 0, "")
	if err != nil || len(p.Results) == 0 || !strings.Contains(p.Results[0].Title, "Am") {
		t.Fatalf("search amelie: %+v %v", p.Results, err)
	}
	// Three films called Dune: the year picks one.
	all, _ := c.SearchMovies(ctx, "dune", 0, "")
	if all.TotalResults < 3 {
		t.Fatalf("dune: %d results, want at least 3", all.TotalResults)
	}
	y, _ := c.SearchMovies(ctx, "dune", 1984, "")
	if len(y.Results) != 1 || y.Results[0].Year() != 1984 {
		t.Fatalf("dune 1984: %+v", y.Results)
	}
	m, err := c.MovieDetails(ctx, 1064213, "")
	if err != nil {
		t.Fatal(err)
	}
	if m.Title != "Anora" || m.Runtime == 0 || m.Year() != 2024 {
		t.Fatalf("details: %+v", m)
	}
	if d := m.Credits.People("Director"); len(d) != 1 || d[0] != "Sean Baker" {
		t.Fatalf("directors: %v", d)
	}
	if len(m.Credits.Cast) == 0 || m.Credits.Cast[0].Name != "Mikey Madison" {
		t.Fatalf("cast: %+v", m.Credits.Cast)
	}
	if m.ExternalIDs.IMDbID == "" || m.IMDbID != m.ExternalIDs.IMDbID {
		t.Fatalf("external ids: %q %q", m.IMDbID, m.ExternalIDs.IMDbID)
	}
	if len(m.Translations.Translations) == 0 || len(m.ReleaseDates.Results) == 0 {
		t.Fatalf("appended parts missing: %+v %+v", m.Translations, m.ReleaseDates)
	}
	// In Russian, the Russian title.
	ru, err := c.MovieDetails(ctx, 1064213, "ru-RU")
	if err != nil || ru.Title != "Анора" {
		t.Fatalf("ru title: %q %v", ru.Title, err)
	}
	// Find by IMDb id.
	found, err := c.FindIMDb(ctx, m.IMDbID)
	if err != nil || len(found) != 1 || found[0].ID != 1064213 {
		t.Fatalf("find %s: %+v %v", m.IMDbID, found, err)
	}
	none, err := c.FindIMDb(ctx, "tt0000000")
	if err != nil || len(none) != 0 {
		t.Fatalf("find unknown: %+v %v", none, err)
	}
}

// TMDB's recommendations for a film: others, never the film itself.
func TestRecommendations(t *testing.T) {
	c, _, _ := setup(t, tmdb.Options{})
	p, err := c.Recommendations(context.Background(), 496243, "")
	if err != nil || len(p.Results) == 0 {
		t.Fatalf("recommendations: %+v %v", p, err)
	}
	for _, r := range p.Results {
		if r.ID == 496243 {
			t.Error("a film recommended for itself")
		}
	}
	if _, err := c.Recommendations(context.Background(), 1, ""); !errors.Is(err, tmdb.ErrNotFound) {
		t.Errorf("an unknown film: %v", err)
	}
}

// Fields TMDB sends as null or "" decode to zero values and break nothing.
func TestNullAndEmptyFields(t *testing.T) {
	c, _, _, base := setupURL(t, tmdb.Options{})
	ctx := context.Background()
	var noPoster, noDate, noCharacter int
	for _, f := range tmdbfake.Films() {
		if !f.Poster && noPoster == 0 {
			noPoster = f.ID
		}
		if f.ReleaseDate == "" && noDate == 0 {
			noDate = f.ID
		}
		for _, r := range f.Cast {
			if r.Character == "" && noCharacter == 0 {
				noCharacter = f.ID
			}
		}
	}
	if noPoster == 0 || noDate == 0 || noCharacter == 0 {
		t.Fatalf("the fixture must hold a film without a poster (%d), one without a date (%d) and an uncredited role (%d)", noPoster, noDate, noCharacter)
	}
	m, err := c.MovieDetails(ctx, noPoster, "")
	if err != nil || m.PosterPath != "" {
		t.Fatalf("no poster: %q %v", m.PosterPath, err)
	}
	m, err = c.MovieDetails(ctx, noDate, "")
	if err != nil || m.Year() != 0 || m.ReleaseDate != "" {
		t.Fatalf("no date: %q %v", m.ReleaseDate, err)
	}
	m, err = c.MovieDetails(ctx, noCharacter, "")
	if err != nil {
		t.Fatal(err)
	}
	empty := false
	for _, r := range m.Credits.Cast {
		empty = empty || r.Character == ""
	}
	if !empty {
		t.Fatal("the uncredited role did not come through as \"\"")
	}
	// The raw JSON really carries null where TMDB does.
	var raw map[string]any
	resp, err := http.Get(base + "/3/movie/" + strconv.Itoa(noPoster) + "?api_key=v3key")
	if err != nil {
		t.Fatal(err)
	}
	json.NewDecoder(resp.Body).Decode(&raw)
	resp.Body.Close()
	if v, ok := raw["poster_path"]; !ok || v != nil {
		t.Fatalf("poster_path in the JSON: %v (present %v), want null", v, ok)
	}
}

func TestStatusCodes(t *testing.T) {
	ctx := context.Background()
	t.Run("401", func(t *testing.T) {
		c, _, _ := setup(t, tmdb.Options{Token: "wrong"})
		err := c.Check(ctx)
		var te *tmdb.Error
		if !errors.Is(err, tmdb.ErrUnauthorized) || !errors.As(err, &te) || te.Code != 7 || te.HTTPStatus != 401 {
			t.Fatalf("bad token: %v", err)
		}
	})
	t.Run("api_key", func(t *testing.T) {
		c, _, _ := setup(t, tmdb.Options{APIKey: "v3key"})
		if err := c.Check(ctx); err != nil {
			t.Fatalf("api key: %v", err)
		}
		bad, _, _ := setup(t, tmdb.Options{APIKey: "nope"})
		if err := bad.Check(ctx); !errors.Is(err, tmdb.ErrUnauthorized) {
			t.Fatalf("bad api key: %v", err)
		}
	})
	t.Run("404", func(t *testing.T) {
		c, _, _ := setup(t, tmdb.Options{})
		_, err := c.MovieDetails(ctx, 999999999, "")
		var te *tmdb.Error
		if !errors.Is(err, tmdb.ErrNotFound) || !errors.As(err, &te) || te.Code != 34 {
			t.Fatalf("unknown film: %v", err)
		}
	})
	t.Run("malformed", func(t *testing.T) {
		c, fake, _ := setup(t, tmdb.Options{})
		fake.Fail(tmdbfake.FailMalformed, 1)
		if _, err := c.SearchMovies(ctx, "anora", 0, ""); !errors.Is(err, tmdb.ErrBadResponse) {
			t.Fatalf("malformed: %v", err)
		}
	})
	t.Run("oversized", func(t *testing.T) {
		c, fake, _ := setup(t, tmdb.Options{MaxBody: 1 << 20})
		fake.Fail(tmdbfake.FailOversized, 1)
		if _, err := c.SearchMovies(ctx, "anora", 0, ""); !errors.Is(err, tmdb.ErrBadResponse) {
			t.Fatalf("oversized: %v", err)
		}
		if _, err := c.SearchMovies(ctx, "anora", 0, ""); err != nil {
			t.Fatalf("after an oversized answer: %v", err)
		}
	})
}

// A 429 holds every request until its Retry-After has passed, without
// calling TMDB meanwhile.
func TestRetryAfterHolds(t *testing.T) {
	c, fake, clk := setup(t, tmdb.Options{})
	ctx := context.Background()
	fake.Fail(tmdbfake.FailRateLimit, 1)
	_, err := c.SearchMovies(ctx, "anora", 0, "")
	var te *tmdb.Error
	if !errors.Is(err, tmdb.ErrRateLimited) || !errors.As(err, &te) || te.Code != 25 || te.RetryAfter != time.Second {
		t.Fatalf("429: %v", err)
	}
	before := fake.Requests("search/movie")
	if _, err := c.SearchMovies(ctx, "anora", 0, ""); !errors.Is(err, tmdb.ErrRateLimited) {
		t.Fatalf("during Retry-After: %v", err)
	}
	if fake.Requests("search/movie") != before {
		t.Fatal("a request went to TMDB before Retry-After passed")
	}
	clk.add(time.Second)
	if _, err := c.SearchMovies(ctx, "anora", 0, ""); err != nil {
		t.Fatalf("after Retry-After: %v", err)
	}
}

// A Retry-After of a day (seconds or a date) holds requests for
// MaxRetryAfter at most.
func TestRetryAfterIsBounded(t *testing.T) {
	clk := &clock{t: time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)}
	for _, ra := range []string{"86400", clk.t.Add(24 * time.Hour).Format(http.TimeFormat)} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", ra)
			w.WriteHeader(http.StatusTooManyRequests)
			io.WriteString(w, `{"status_code":25,"status_message":"Your request count is over the allowed limit."}`)
		}))
		c, err := tmdb.New(tmdb.Options{BaseURL: srv.URL, Token: token, PerSecond: 1e6, Now: clk.now})
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.SearchMovies(context.Background(), "anora", 0, "")
		var te *tmdb.Error
		if !errors.As(err, &te) || te.RetryAfter != tmdb.MaxRetryAfter {
			t.Errorf("Retry-After %s: %v, want a hold of %v", ra, err, tmdb.MaxRetryAfter)
		}
		srv.Close()
	}
}

// Repeated failures open the breaker: no calls until it closes.
func TestBreaker(t *testing.T) {
	c, fake, clk := setup(t, tmdb.Options{BreakAfter: 3, BreakFor: time.Minute})
	ctx := context.Background()
	fake.Fail(tmdbfake.FailServer, 2)
	fake.Fail(tmdbfake.FailUnavailable, 1)
	for range 3 {
		if _, err := c.SearchMovies(ctx, "anora", 0, ""); err == nil {
			t.Fatal("a 5xx was taken for an answer")
		}
	}
	if !c.BreakerOpen() {
		t.Fatal("breaker closed after 3 failures")
	}
	n := fake.Requests("search/movie")
	if _, err := c.SearchMovies(ctx, "anora", 0, ""); !errors.Is(err, tmdb.ErrUnavailable) {
		t.Fatalf("open breaker: %v", err)
	}
	if fake.Requests("search/movie") != n {
		t.Fatal("the open breaker let a request through")
	}
	clk.add(time.Minute)
	if _, err := c.SearchMovies(ctx, "anora", 0, ""); err != nil {
		t.Fatalf("after the breaker closed: %v", err)
	}
}

// Requests are paced; past the queue's bound, or when the turn would come
// after the caller's deadline, ErrBusy at once.
func TestPacingIsBounded(t *testing.T) {
	c, _, _ := setup(t, tmdb.Options{PerSecond: 0.001, MaxWaiting: 1})
	ctx := context.Background()
	if _, err := c.SearchMovies(ctx, "anora", 0, ""); err != nil {
		t.Fatal(err)
	}
	short, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	if _, err := c.SearchMovies(short, "anora", 0, ""); !errors.Is(err, tmdb.ErrBusy) {
		t.Fatalf("turn after the deadline: %v", err)
	}
	// One caller waits (no deadline) …
	queued := make(chan struct{}, 1)
	tmdb.OnQueued(c, func() { queued <- struct{}{} })
	waitCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { _, err := c.SearchMovies(waitCtx, "anora", 0, ""); done <- err }()
	// … and, once it is queued, the next finds the queue full.
	<-queued
	if n := c.Waiting(); n != 1 {
		t.Fatalf("%d waiting, want 1", n)
	}
	if _, err := c.SearchMovies(ctx, "anora", 0, ""); !errors.Is(err, tmdb.ErrBusy) {
		t.Fatalf("full queue: %v", err)
	}
	stop()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("the waiter: %v", err)
	}
}

func TestPosters(t *testing.T) {
	c, _, _ := setup(t, tmdb.Options{})
	ctx := context.Background()
	cf, err := c.Configuration(ctx)
	if err != nil {
		t.Fatal(err)
	}
	m, err := c.MovieDetails(ctx, 496243, "")
	if err != nil || m.PosterPath == "" {
		t.Fatalf("parasite: %q %v", m.PosterPath, err)
	}
	u := cf.PosterURL("w342", m.PosterPath)
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	img, err := png.Decode(resp.Body)
	if err != nil {
		t.Fatalf("poster %s: %v", u, err)
	}
	if b := img.Bounds(); b.Dx() != 342 || b.Dy() != 513 {
		t.Fatalf("poster size %v", b)
	}
	if cf.PosterURL("w342", "") != "" {
		t.Fatal("a film without a poster got a poster URL")
	}
}

// The API key travels in the URL: an error from the transport must not
// carry it to a log.
func TestKeyNeverInErrors(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	srv.Close()
	c, err := tmdb.New(tmdb.Options{BaseURL: srv.URL, APIKey: "secret-v3-key"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.SearchMovies(context.Background(), "anora", 0, "")
	if err == nil || strings.Contains(err.Error(), "secret-v3-key") {
		t.Fatalf("error %v", err)
	}
}

func TestNewRefusesBadSettings(t *testing.T) {
	if _, err := tmdb.New(tmdb.Options{}); err == nil {
		t.Fatal("no token accepted")
	}
	if _, err := tmdb.New(tmdb.Options{Token: "x", BaseURL: "ftp://example"}); err == nil {
		t.Fatal("ftp URL accepted")
	}
}

// Observe hears of every request by endpoint (ids left out) and result,
// those refused here (the breaker, a 429's hold) as not sent.
func TestObserve(t *testing.T) {
	var mu sync.Mutex
	var got []string
	c, fake, _ := setup(t, tmdb.Options{BreakAfter: 1, BreakFor: time.Minute, Observe: func(r tmdb.Request) {
		mu.Lock()
		defer mu.Unlock()
		got = append(got, r.Endpoint+" "+r.Result+" "+strconv.FormatBool(r.Sent))
		if r.Sent != (r.Took > 0) {
			t.Errorf("%+v: took %v", r, r.Took)
		}
	}})
	ctx := context.Background()
	c.SearchMovies(ctx, "parasite", 0, "")
	c.MovieDetails(ctx, 496243, "")
	c.MovieDetails(ctx, 1, "")
	c.Recommendations(ctx, 496243, "")
	c.FindIMDb(ctx, "tt6751668")
	c.Check(ctx)
	fake.Fail(tmdbfake.FailUnauthorized, 1)
	c.Configuration(ctx)
	fake.Fail(tmdbfake.FailServer, 1)
	c.SearchMovies(ctx, "x", 0, "")
	c.SearchMovies(ctx, "y", 0, "")
	want := []string{"search/movie ok true", "movie ok true", "movie not_found true", "movie/recommendations ok true",
		"find ok true", "authentication ok true", "configuration unauthorized true", "search/movie error true", "search/movie breaker_open false"}
	mu.Lock()
	defer mu.Unlock()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("observed:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestOutcome(t *testing.T) {
	for err, want := range map[error]string{nil: "ok", tmdb.ErrBusy: "busy", tmdb.ErrUnavailable: "breaker_open",
		&tmdb.Error{HTTPStatus: 429}: "rate_limited", &tmdb.Error{HTTPStatus: 403}: "unauthorized",
		&tmdb.Error{HTTPStatus: 404}: "not_found", &tmdb.Error{HTTPStatus: 502}: "error", context.DeadlineExceeded: "error"} {
		if got := tmdb.Outcome(err); got != want {
			t.Errorf("Outcome(%v) = %s, want %s", err, got, want)
		}
	}
}
