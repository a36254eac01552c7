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
	h, err := Handler(box.URL)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
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
