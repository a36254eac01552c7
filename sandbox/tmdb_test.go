package sandbox

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// A sandbox started with TMDB plays it on its own listener, names it in
// /_sandbox/info, and POST /_sandbox/tmdb/fail makes its next answers
// fail; without TMDB, the control answers 404 and says why.
func TestSandboxPlaysTMDB(t *testing.T) {
	s, err := Start(Options{TMDB: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	resp, err := http.Get(s.URL + "/_sandbox/info")
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
	if info.TMDB.APIURL != s.TMDB().URL || info.TMDB.Token != s.TMDB().Token || info.TMDB.Token == "" {
		t.Fatalf("info names TMDB as %+v, want %s", info.TMDB, s.TMDB().URL)
	}
	auth := func() int {
		req, _ := http.NewRequest("GET", info.TMDB.APIURL+"/3/authentication", nil)
		req.Header.Set("Authorization", "Bearer "+info.TMDB.Token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	fail := func(s *Server, body string) int {
		resp, err := http.Post(s.URL+"/_sandbox/tmdb/fail", "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := fail(s, `{"failure":"503","count":2}`); code != http.StatusNoContent {
		t.Fatalf("fail: %d", code)
	}
	for k, want := range []int{503, 503, 200} {
		if got := auth(); got != want {
			t.Errorf("request %d after the failure: %d, want %d", k+1, got, want)
		}
	}
	if code := fail(s, `{"failure":"teapot","count":1}`); code != http.StatusBadRequest {
		t.Errorf("an unknown failure: %d, want 400", code)
	}
	plain, err := Start(Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer plain.Close()
	if code := fail(plain, `{"failure":"503","count":1}`); code != http.StatusNotFound || plain.TMDB() != nil {
		t.Errorf("a sandbox without TMDB: %d", code)
	}
	url := s.TMDB().URL
	s.Close()
	if _, err := http.Get(url + "/3/authentication"); err == nil {
		t.Error("the fake TMDB outlived its sandbox")
	}
}
