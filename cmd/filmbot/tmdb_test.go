package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/filmbot/filmbot/metrics"
	"github.com/filmbot/filmbot/sandbox"
	"github.com/filmbot/filmbot/tmdb/tmdbfake"
)

// tmdbSecret is a TMDB token no log may show.
const tmdbSecret = "tmdb-secret-read-access-token-value"

// A bad TMDB setting is one clear line at start, naming it, never the
// token; on run and on try.
func TestBadTMDBSettings(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		env  []string
		want string
	}{
		{[]string{"TMDB_RATE", "0"}, "TMDB_RATE"},
		{[]string{"TMDB_RATE", "101"}, "TMDB_RATE"},
		{[]string{"TMDB_RATE", "fast"}, "TMDB_RATE"},
		{[]string{"TMDB_API_URL", "ftp://tmdb.example"}, "TMDB_API_URL"},
		{[]string{"TMDB_API_URL", "api.themoviedb.org"}, "TMDB_API_URL"},
	} {
		e := append([]string{"DISCORD_TOKEN", "secret-token-value", "TMDB_TOKEN", tmdbSecret}, c.env...)
		for _, args := range [][]string{{"run"}, {"try", "/film film:anora"}} {
			code, out, errs := runMain(t, env(filepath.Join(t.TempDir(), "f.db"), e...), args...)
			lines := strings.Split(strings.TrimSpace(errs), "\n")
			if code != 2 || len(lines) != 1 || !strings.Contains(errs, c.want) || strings.Contains(out+errs, tmdbSecret) || strings.Contains(errs, "secret-token-value") {
				t.Errorf("%v, %s: exit %d:\n%s", c.env, args[0], code, errs)
			}
		}
	}
}

// tmdbMetrics starts the bot on the gateway with TMDB's settings and
// FILMBOT_METRICS_LISTEN, and returns it with its metrics' and /readyz's
// addresses.
func tmdbLive(t *testing.T, tmdbEnv ...string) (l *live, metricsURL, readyURL string) {
	t.Helper()
	l = startLive(t, sandbox.Options{}, append([]string{"FILMBOT_METRICS_LISTEN", "127.0.0.1:0"}, tmdbEnv...)...)
	metricsURL = waitLogURL(t, l.logs, "serving metrics")
	t.Cleanup(func() {
		if strings.Contains(l.logs.String(), tmdbSecret) {
			t.Error("the TMDB token appears in the logs")
		}
	})
	return l, metricsURL, strings.TrimSuffix(metricsURL, "/metrics") + "/readyz"
}

func status(t *testing.T, url string) int {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// At start the bot checks the TMDB token with one call. Accepted: the
// source is on. Refused (401, code 7): said once, with what to do, and
// the bot runs on its own catalog with the source off. TMDB unreachable:
// a warning, and the source stays on. /readyz is ready each time, and
// the metrics say which it is.
func TestTMDBStartup(t *testing.T) {
	t.Parallel()
	fake := tmdbfake.New(tmdbfake.Options{Token: tmdbSecret, APIKey: "v3-" + tmdbSecret})
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	gone := httptest.NewServer(http.NotFoundHandler())
	gone.Close()
	for _, c := range []struct {
		name, state string
		env         []string
		logs        string // said once
		request     string // the start's request as metrics count it
	}{
		{"token", "on", []string{"TMDB_TOKEN", tmdbSecret, "TMDB_API_URL", srv.URL}, "TMDB source on",
			`filmbot_tmdb_requests_total{endpoint="authentication",result="ok"}`},
		{"key", "on", []string{"TMDB_API_KEY", "v3-" + tmdbSecret, "TMDB_API_URL", srv.URL, "TMDB_RATE", "2.5"}, "TMDB source on",
			`filmbot_tmdb_requests_total{endpoint="authentication",result="ok"}`},
		{"refused", "refused", []string{"TMDB_TOKEN", tmdbSecret + "-revoked", "TMDB_API_URL", srv.URL},
			"TMDB refused the token (TMDB_TOKEN): check it at https://www.themoviedb.org/settings/api",
			`filmbot_tmdb_requests_total{endpoint="authentication",result="unauthorized"}`},
		{"refused key", "refused", []string{"TMDB_API_KEY", "wrong", "TMDB_API_URL", srv.URL},
			"TMDB refused the token (TMDB_API_KEY)",
			`filmbot_tmdb_requests_total{endpoint="authentication",result="unauthorized"}`},
		{"unreachable", "on", []string{"TMDB_TOKEN", tmdbSecret, "TMDB_API_URL", gone.URL}, "TMDB is not answering at start",
			`filmbot_tmdb_requests_total{endpoint="authentication",result="error"}`},
		{"off", "off", nil, "no TMDB_TOKEN", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			l, metricsURL, readyURL := tmdbLive(t, c.env...)
			if n := strings.Count(l.logs.String(), c.logs); n != 1 {
				t.Errorf("%q said %d times:\n%s", c.logs, n, l.logs)
			}
			if a := l.do(sandbox.Viewer, "/film film:anora"); !strings.Contains(a.Message.Cards()[0].Title, "Anora") {
				t.Errorf("/film anora: %+v", a.Message)
			}
			if code := status(t, readyURL); code != 200 {
				t.Errorf("/readyz: %d", code)
			}
			text := scrape(t, metricsURL)
			for _, s := range []string{"off", "on", "refused"} {
				want := 0.0
				if s == c.state {
					want = 1
				}
				if got := metric(text, `filmbot_tmdb_source{state="`+s+`"}`); got != want {
					t.Errorf("filmbot_tmdb_source{state=%q} = %v, want %v", s, got, want)
				}
			}
			if c.request != "" && metric(text, c.request) != 1 {
				t.Errorf("%s = %v, want 1", c.request, metric(text, c.request))
			}
			if c.state == "on" {
				for series, want := range map[string]float64{`filmbot_tmdb_request_seconds_count{endpoint="authentication"}`: 1,
					"filmbot_tmdb_breaker_open": 0, "filmbot_tmdb_search_cache_hits_total": 0, "filmbot_tmdb_search_cache_misses_total": 0,
					"filmbot_tmdb_search_cache_bytes": 0} {
					if got := metric(text, series); got != want {
						t.Errorf("%s = %v, want %v", series, got, want)
					}
				}
			} else if strings.Contains(text, "filmbot_tmdb_breaker_open") {
				t.Error("a breaker is reported for a source that is not on")
			}
			if strings.Contains(text, tmdbSecret) {
				t.Error("the TMDB token is in the metrics")
			}
		})
	}
}

// filmbot try checks TMDB's token as the bot does: refused, it says so
// once and answers from the catalog.
func TestTryTMDBRefused(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(tmdbfake.New(tmdbfake.Options{Token: "the-right-one"}))
	t.Cleanup(srv.Close)
	code, out, errs := runMain(t, env(filepath.Join(t.TempDir(), "f.db"), "TMDB_TOKEN", tmdbSecret, "TMDB_API_URL", srv.URL), "try", "/film film:anora")
	if code != 0 || !strings.Contains(out, "Anora (2024)") || strings.Count(errs, "TMDB refused the token (TMDB_TOKEN)") != 1 || strings.Contains(out+errs, tmdbSecret) {
		t.Errorf("exit %d:\n%s\n%s", code, out, errs)
	}
}

// tmdbGet asks TMDB (or its stand-in) at base for path with token.
func tmdbGet(t *testing.T, base, path, token string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest("GET", base+path, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var v map[string]any
	json.NewDecoder(resp.Body).Decode(&v)
	return resp.StatusCode, v
}

// Plain filmbot without DISCORD_TOKEN (the playground) and without
// TMDB_TOKEN plays TMDB: its stand-in answers searches with real films
// and accepts its own token, the banner says where it is, and the
// sandbox's control API makes it fail.
func TestPlaygroundPlaysTMDB(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "p.db")
	ctx, cancel := context.WithCancel(context.Background())
	var out, logs syncBuffer
	done := make(chan int, 1)
	go func() { done <- Main(ctx, []string{"--listen", "127.0.0.1:0", "--db", db}, env(""), &out, &logs) }()
	defer func() {
		cancel()
		if code := <-done; code != 0 {
			t.Errorf("exit %d", code)
		}
	}()
	if !eventually(10*time.Second, func() bool { return strings.Contains(out.String(), "open http://") }) {
		t.Fatalf("no invitation:\n%s\n%s", out.String(), logs.String())
	}
	fakeURL := waitLogURL(t, &logs, "a local stand-in plays TMDB")
	if !strings.Contains(out.String(), "a local stand-in for TMDB with 71 films at "+fakeURL) {
		t.Errorf("the banner does not say where TMDB's stand-in is:\n%s", out.String())
	}
	var sbURL string
	for _, f := range strings.Fields(logs.String()) {
		if v, ok := strings.CutPrefix(f, "sandbox="); ok {
			sbURL = v
		}
	}
	resp, err := http.Get(sbURL + "/_sandbox/info")
	if err != nil {
		t.Fatal(err)
	}
	var info struct {
		TMDB struct {
			APIURL string `json:"api_url"`
			Token  string `json:"token"`
		} `json:"tmdb"`
	}
	json.NewDecoder(resp.Body).Decode(&info)
	resp.Body.Close()
	if info.TMDB.APIURL != fakeURL || info.TMDB.Token == "" {
		t.Fatalf("the sandbox names TMDB's stand-in as %+v, the log as %s", info.TMDB, fakeURL)
	}
	if code, v := tmdbGet(t, fakeURL, "/3/authentication", info.TMDB.Token); code != 200 || v["success"] != true {
		t.Errorf("/3/authentication with the stand-in's token: %d %v", code, v)
	}
	code, v := tmdbGet(t, fakeURL, "/3/search/movie?query=parasite", info.TMDB.Token)
	results, _ := v["results"].([]any)
	if code != 200 || len(results) == 0 {
		t.Fatalf("search parasite: %d %v", code, v)
	}
	first := results[0].(map[string]any)
	if first["title"] != "Parasite" || !strings.HasPrefix(first["release_date"].(string), "2019") {
		t.Errorf("search parasite: first %v", first)
	}
	if code, _ := tmdbGet(t, fakeURL, "/3/authentication", "not-its-token"); code != 401 {
		t.Errorf("another token: %d", code)
	}
	resp, err = http.Post(sbURL+"/_sandbox/tmdb/fail", "application/json", strings.NewReader(`{"failure":"429","count":1}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if code, _ := tmdbGet(t, fakeURL, "/3/authentication", info.TMDB.Token); resp.StatusCode != 204 || code != 429 {
		t.Errorf("after POST /_sandbox/tmdb/fail (%d): %d, want 429", resp.StatusCode, code)
	}
	if strings.Contains(logs.String(), info.TMDB.Token) {
		t.Error("the stand-in's token is in the logs")
	}
}

// With TMDB_TOKEN the playground uses TMDB's settings: no stand-in.
func TestPlaygroundWithTMDBToken(t *testing.T) {
	t.Parallel()
	fake := tmdbfake.New(tmdbfake.Options{Token: tmdbSecret})
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	ctx, cancel := context.WithCancel(context.Background())
	var out, logs syncBuffer
	done := make(chan int, 1)
	getenv := env("", "TMDB_TOKEN", tmdbSecret, "TMDB_API_URL", srv.URL)
	go func() {
		done <- Main(ctx, []string{"playground", "--listen", "127.0.0.1:0", "--db", filepath.Join(t.TempDir(), "p.db")}, getenv, &out, &logs)
	}()
	if !eventually(10*time.Second, func() bool { return strings.Contains(out.String(), "open http://") }) {
		cancel()
		t.Fatalf("no invitation:\n%s\n%s", out.String(), logs.String())
	}
	cancel()
	<-done
	if !strings.Contains(out.String(), "looked up on TMDB (TMDB_TOKEN)") || strings.Contains(logs.String(), "stand-in") ||
		fake.Requests("authentication") != 1 || strings.Contains(out.String()+logs.String(), tmdbSecret) {
		t.Errorf("%d checks:\n%s\n%s", fake.Requests("authentication"), out.String(), logs.String())
	}
}

// filmbot sandbox without TMDB_TOKEN prints the stand-in's settings.
func TestSandboxCommandPlaysTMDB(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	out := &syncBuffer{}
	done := make(chan int, 1)
	go func() { done <- Main(ctx, []string{"sandbox"}, env("x.db"), out, io.Discard) }()
	defer func() { cancel(); <-done }()
	var api, token string
	if !eventually(5*time.Second, func() bool {
		for _, line := range strings.Split(out.String(), "\n") {
			if v, ok := strings.CutPrefix(line, "TMDB_API_URL="); ok {
				api = v
			}
			if v, ok := strings.CutPrefix(line, "TMDB_TOKEN="); ok && api != "" {
				token = v
			}
		}
		return token != ""
	}) {
		t.Fatalf("no TMDB settings printed:\n%s", out)
	}
	if code, v := tmdbGet(t, api, "/3/movie/496243", token); code != 200 || v["title"] != "Parasite" {
		t.Errorf("/3/movie/496243: %d %v", code, v["title"])
	}
	if !strings.Contains(out.String(), "/_sandbox/tmdb/fail") {
		t.Errorf("the control is not named:\n%s", out)
	}
}

// The source newTMDBSource makes is counted: searches through its cache
// (hits, misses, bytes), requests by endpoint and result, and the
// breaker, open after TMDB keeps failing.
func TestTMDBSourceMetrics(t *testing.T) {
	t.Parallel()
	fake := tmdbfake.New(tmdbfake.Options{Token: tmdbSecret})
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	m := metrics.New(nil)
	var logs syncBuffer
	src, err := newTMDBSource(context.Background(), Config{TMDBToken: tmdbSecret, TMDBAPIURL: srv.URL, TMDBRate: "100"}, slog.New(slog.NewTextHandler(&logs, nil)), m)
	if err != nil || src.State != "on" || src.Client == nil || src.Searcher == nil {
		t.Fatalf("%+v %v", src, err)
	}
	ctx := context.Background()
	for range 2 {
		if p, err := src.Searcher.Search(ctx, "Parasite", 0, ""); err != nil || len(p.Results) == 0 {
			t.Fatalf("search: %v %v", p, err)
		}
	}
	fake.Fail(tmdbfake.FailServer, 5)
	for k := range 6 {
		src.Client.SearchMovies(ctx, "x"+strconv.Itoa(k), 0, "")
	}
	w := httptest.NewRecorder()
	m.Handler().ServeHTTP(w, httptest.NewRequest("GET", "/metrics", nil))
	text := w.Body.String()
	for series, want := range map[string]float64{
		"filmbot_tmdb_search_cache_hits_total":                                       1,
		"filmbot_tmdb_search_cache_misses_total":                                     1,
		"filmbot_tmdb_search_cache_entries":                                          1,
		`filmbot_tmdb_requests_total{endpoint="search/movie",result="ok"}`:           1,
		`filmbot_tmdb_requests_total{endpoint="search/movie",result="error"}`:        5,
		`filmbot_tmdb_requests_total{endpoint="search/movie",result="breaker_open"}`: 1,
		`filmbot_tmdb_request_seconds_count{endpoint="search/movie"}`:                6,
		`filmbot_tmdb_requests_total{endpoint="authentication",result="ok"}`:         1,
		"filmbot_tmdb_breaker_open":                                                  1,
		`filmbot_tmdb_source{state="on"}`:                                            1,
	} {
		if got := metric(text, series); got != want {
			t.Errorf("%s = %v, want %v", series, got, want)
		}
	}
	if metric(text, "filmbot_tmdb_search_cache_bytes") <= 0 {
		t.Error("the search cache's bytes are not reported")
	}
}
