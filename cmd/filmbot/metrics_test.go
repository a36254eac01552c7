package main

import (
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/filmbot/filmbot/sandbox"
)

func scrape(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain") {
		t.Fatalf("GET %s: %d %s", url, resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	return string(body)
}

// metric returns a series' value, or -1 when it is absent.
func metric(text, series string) float64 {
	m := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(series) + ` ([0-9.e+-]+)$`).FindStringSubmatch(text)
	if m == nil {
		return -1
	}
	v, _ := strconv.ParseFloat(m[1], 64)
	return v
}

// The metrics an operator scrapes count what members did, on the gateway
// (FILMBOT_METRICS_LISTEN) and on the Interactions Endpoint's listener.
func TestMetrics(t *testing.T) {
	t.Parallel()
	for _, mode := range []string{"gateway", "http"} {
		t.Run(mode, func(t *testing.T) {
			env := []string{"FILMBOT_METRICS_LISTEN", "127.0.0.1:0"}
			if mode == "http" {
				env = []string{"FILMBOT_HTTP_LISTEN", "127.0.0.1:0"}
			}
			l := startLive(t, sandbox.Options{}, env...)
			url := ""
			if mode == "http" {
				url = strings.TrimSuffix(l.sb.InteractionsURL(), "/interactions") + "/metrics"
			} else {
				url = waitLogURL(t, l.logs, "serving metrics")
			}
			l.do(sandbox.Viewer, "/review film:anora")
			l.do(sandbox.Viewer, "/review film:anora")
			l.do(sandbox.Viewer, "/review film:nosuchfilm")
			l.do(sandbox.Viewer, "/rate film:anora score:8")
			ac, err := l.sb.Autocomplete(sandbox.Viewer, "/review film:ano", "film")
			if err != nil {
				t.Fatal(err)
			}
			ac.Wait(l.ctx())
			want := map[string]float64{
				`filmbot_interactions_total{kind="command",result="answered",route="review"}`:      2,
				`filmbot_interactions_total{kind="command",result="user_error",route="review"}`:    1,
				`filmbot_interactions_total{kind="command",result="answered",route="rate"}`:        1,
				`filmbot_interactions_total{kind="autocomplete",result="answered",route="review"}`: 1,
				`filmbot_first_answer_seconds_count{kind="command"}`:                               4,
				`filmbot_store_seconds_count{op="rate",result="ok"}`:                               1,
			}
			// An interaction is counted just after its answer is sent, so
			// the last one may be a moment behind the sandbox.
			var text string
			eventually(3*time.Second, func() bool {
				text = scrape(t, url)
				ok := true
				for series, n := range want {
					ok = ok && metric(text, series) == n
				}
				return ok
			})
			for series, n := range want {
				if got := metric(text, series); got != n {
					t.Errorf("%s = %v, want %v", series, got, n)
				}
			}
			for _, series := range []string{`filmbot_group_commit_size_count{store="bbolt"}`, `filmbot_catalog_cache_total{result="rebuild"}`, "go_goroutines"} {
				if metric(text, series) <= 0 {
					t.Errorf("%s missing or zero", series)
				}
			}
			// The sandbox checks the endpoint as Discord does, with requests
			// unsigned and signed wrongly.
			if mode == "http" && (metric(text, `filmbot_http_refused_total{reason="headers"}`) <= 0 || metric(text, `filmbot_http_refused_total{reason="signature"}`) <= 0) {
				t.Errorf("refused requests not counted: %v %v", metric(text, `filmbot_http_refused_total{reason="headers"}`), metric(text, `filmbot_http_refused_total{reason="signature"}`))
			}
			if mode == "gateway" && metric(text, `filmbot_gateway_connected{shard="0"}`) != 1 {
				t.Errorf("gateway_connected: %v", metric(text, `filmbot_gateway_connected{shard="0"}`))
			}
			if strings.Contains(text, l.sb.Token()) {
				t.Error("the token is in the metrics")
			}
		})
	}
}
