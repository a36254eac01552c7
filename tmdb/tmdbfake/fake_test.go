package tmdbfake

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// The fixture is what the issue asks of it: at least 60 films, across
// decades and languages, ids unique, and the awkward cases present.
func TestFixture(t *testing.T) {
	fs := Films()
	if len(fs) < 60 {
		t.Fatalf("%d films, want at least 60", len(fs))
	}
	ids := map[int]bool{}
	decades := map[string]bool{}
	langs := map[string]bool{}
	for _, f := range fs {
		if ids[f.ID] {
			t.Errorf("id %d twice", f.ID)
		}
		ids[f.ID] = true
		if f.Title == "" || f.Overview == "" || len(f.Cast) == 0 || len(f.Directors) == 0 {
			t.Errorf("%d %q lacks a title, overview, cast or director", f.ID, f.Title)
		}
		if len(f.ReleaseDate) >= 3 {
			decades[f.ReleaseDate[:3]] = true
		}
		langs[f.OriginalLanguage] = true
	}
	if len(decades) < 9 || len(langs) < 10 {
		t.Errorf("%d decades and %d languages: want a spread", len(decades), len(langs))
	}
}

func get(t *testing.T, srv *httptest.Server, path string, header map[string]string) (int, http.Header, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, srv.URL+path, nil)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	return resp.StatusCode, resp.Header, body
}

// Status codes and error bodies are TMDB's: 401 code 7, 404 code 34,
// 429 code 25 with Retry-After.
func TestErrorsAreTMDBs(t *testing.T) {
	s := New(Options{Token: "tok"})
	srv := httptest.NewServer(s)
	defer srv.Close()
	auth := map[string]string{"Authorization": "Bearer tok"}
	code, _, body := get(t, srv, "/3/movie/550", nil)
	if code != 401 || body["status_code"] != float64(7) || body["success"] != false {
		t.Fatalf("no token: %d %v", code, body)
	}
	code, _, body = get(t, srv, "/3/movie/1", auth)
	if code != 404 || body["status_code"] != float64(34) {
		t.Fatalf("unknown film: %d %v", code, body)
	}
	s.Fail(FailRateLimit, 1)
	code, h, body := get(t, srv, "/3/search/movie?query=dune", auth)
	if code != 429 || body["status_code"] != float64(25) || h.Get("Retry-After") != "1" {
		t.Fatalf("429: %d %v %v", code, h, body)
	}
	code, _, _ = get(t, srv, "/3/search/movie?query=dune", auth)
	if code != 200 {
		t.Fatalf("after the burst: %d", code)
	}
}

// append_to_response adds each part under its name; without it, none.
func TestAppendToResponse(t *testing.T) {
	srv := httptest.NewServer(New(Options{APIKey: "k"}))
	defer srv.Close()
	_, _, plain := get(t, srv, "/3/movie/550?api_key=k", nil)
	if _, ok := plain["credits"]; ok {
		t.Fatal("credits without append_to_response")
	}
	if _, ok := plain["imdb_id"].(string); !ok {
		t.Fatalf("imdb_id: %v", plain["imdb_id"])
	}
	_, _, full := get(t, srv, "/3/movie/550?api_key=k&append_to_response=credits,external_ids,translations", nil)
	credits, _ := full["credits"].(map[string]any)
	if cast, _ := credits["cast"].([]any); len(cast) == 0 {
		t.Fatalf("credits: %v", full["credits"])
	}
	if _, ok := full["external_ids"].(map[string]any); !ok {
		t.Fatal("external_ids missing")
	}
	if _, ok := full["alternative_titles"]; ok {
		t.Fatal("alternative_titles was not asked for")
	}
	// The same part on its own path carries the film's id.
	_, _, alone := get(t, srv, "/3/movie/550/credits?api_key=k", nil)
	if alone["id"] != float64(550) || alone["cast"] == nil {
		t.Fatalf("/credits: %v", alone)
	}
}

// The control API takes failures.
func TestControlAPI(t *testing.T) {
	s := New(Options{Token: "tok"})
	srv := httptest.NewServer(s)
	defer srv.Close()
	resp, err := http.Post(srv.URL+"/_tmdb/fail", "application/json", strings.NewReader(`{"failure":"503","count":2}`))
	if err != nil || resp.StatusCode != 204 {
		t.Fatalf("control: %v %v", resp, err)
	}
	for range 2 {
		code, _, _ := get(t, srv, "/3/configuration", map[string]string{"Authorization": "Bearer tok"})
		if code != 503 {
			t.Fatalf("want 503, got %d", code)
		}
	}
	resp, _ = http.Post(srv.URL+"/_tmdb/fail", "application/json", strings.NewReader(`{"failure":"503"}`))
	if resp.StatusCode != 400 {
		t.Fatalf("a count of 0 accepted: %d", resp.StatusCode)
	}
}

// Start serves the fake on its own loopback listener with a new token,
// refuses others, and stops with Close.
func TestStart(t *testing.T) {
	l, err := Start("", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(l.URL, "http://127.0.0.1:") || len(l.Token) < 20 {
		t.Fatalf("URL %q, token %q", l.URL, l.Token)
	}
	for tok, want := range map[string]int{l.Token: 200, "other": 401} {
		req, _ := http.NewRequest("GET", l.URL+"/3/authentication", nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("token %q: %d, want %d", tok, resp.StatusCode, want)
		}
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := http.Get(l.URL + "/3/authentication"); err == nil {
		t.Error("still serving after Close")
	}
}
