package playground

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestHandlerServesPageAndProxies(t *testing.T) {
	box := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "sandbox:"+r.URL.Path)
	}))
	defer box.Close()
	srv := httptest.NewUnstartedServer(nil)
	h, err := Handler(box.URL, srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	srv.Config.Handler = h
	srv.Start()
	defer srv.Close()
	get := func(path string) string {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	if page := get("/"); !strings.Contains(page, "not Discord") || !strings.Contains(page, "app.js") {
		t.Errorf("page: %.200s", page)
	}
	for _, f := range []string{"/app.js", "/style.css"} {
		if get(f) == "" {
			t.Errorf("%s is empty", f)
		}
	}
	if got := get("/_sandbox/info"); got != "sandbox:/_sandbox/info" {
		t.Errorf("control API not passed on: %q", got)
	}
	if got := get("/attachments/1/ratings.png"); got != "sandbox:/attachments/1/ratings.png" {
		t.Errorf("attachments not passed on: %q", got)
	}
}

// A web page on another site cannot drive the control API through the
// playground: not with a form post, not with fetch, not by rebinding DNS.
func TestControlRefusesOtherSites(t *testing.T) {
	reached := 0
	box := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { reached++ }))
	defer box.Close()
	srv := httptest.NewUnstartedServer(nil)
	h, _ := Handler(box.URL, srv.Listener.Addr().String())
	srv.Config.Handler = h
	srv.Start()
	defer srv.Close()
	send := func(ct string, header map[string]string, host string) int {
		req, _ := http.NewRequest("POST", srv.URL+"/_sandbox/interactions", strings.NewReader(`{"line":"/manage film remove film:x"}`))
		req.Header.Set("Content-Type", ct)
		for k, v := range header {
			req.Header.Set(k, v)
		}
		if host != "" {
			req.Host = host
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	host := srv.Listener.Addr().String()
	for name, c := range map[string]struct {
		ct     string
		header map[string]string
		host   string
	}{
		"form post as text/plain": {"text/plain", nil, ""},
		"another origin":          {"application/json", map[string]string{"Origin": "https://evil.example"}, ""},
		"cross-site fetch":        {"application/json", map[string]string{"Sec-Fetch-Site": "cross-site"}, ""},
		"rebinding to a loopback": {"application/json", map[string]string{"Origin": "http://evil.example:" + strings.Split(host, ":")[1]}, "evil.example:" + strings.Split(host, ":")[1]},
	} {
		if code := send(c.ct, c.header, c.host); code < 400 {
			t.Errorf("%s: %d", name, code)
		}
	}
	if reached != 0 {
		t.Fatalf("%d refused requests reached the sandbox", reached)
	}
	if code := send("application/json", map[string]string{"Origin": "http://" + host, "Sec-Fetch-Site": "same-origin"}, ""); code != 200 || reached != 1 {
		t.Errorf("the page's own request: %d", code)
	}
}
