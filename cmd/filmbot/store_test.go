package main

import (
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/filmbot/filmbot/commands"
	"github.com/filmbot/filmbot/metrics"
	"github.com/filmbot/filmbot/sandbox"
)

// FILMBOT_AUTOCOMPLETE_CACHE_MB bounds the autocomplete cache: empty is
// the default, a bad value stops run with exit 2 and says why, and the
// cache's bytes and evictions are served as metrics.
func TestAutocompleteCacheSetting(t *testing.T) {
	t.Parallel()
	for v, want := range map[string]int64{"": commands.DefaultCatalogCacheBytes, "1": 1 << 20, "512": 512 << 20} {
		if got, err := (Config{AutocompleteMB: v}).catalogCache(); err != nil || got != want {
			t.Errorf("%q: %d %v, want %d", v, got, err, want)
		}
	}
	for _, v := range []string{"0", "-5", "lots", "1.5", "70000"} {
		code, _, errs := runMain(t, env(filepath.Join(t.TempDir(), "f.db"), "DISCORD_TOKEN", "x", "FILMBOT_AUTOCOMPLETE_CACHE_MB", v), "run")
		if code != 2 || !strings.Contains(errs, "FILMBOT_AUTOCOMPLETE_CACHE_MB") || !strings.Contains(errs, "1 to 65536") {
			t.Errorf("%q: exit %d: %s", v, code, errs)
		}
	}
	m := metrics.New(nil)
	m.CatalogCache(5<<20, 8<<20, 0)
	m.CatalogCache(3<<20, 8<<20, 2)
	m.CatalogCache(4<<20, 8<<20, 1)
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	for _, line := range []string{"filmbot_catalog_cache_bytes 4.194304e+06", "filmbot_catalog_cache_evictions_total 3", "filmbot_catalog_cache_bound_bytes 8.388608e+06"} {
		if !strings.Contains(rec.Body.String(), line+"\n") {
			t.Errorf("/metrics lacks %q", line)
		}
	}
}

// The bot run with FILMBOT_AUTOCOMPLETE_CACHE_MB serves its bound and
// the bytes autocomplete's indexes hold on /metrics.
func TestAutocompleteCacheMetrics(t *testing.T) {
	t.Parallel()
	l := startLive(t, sandbox.Options{}, "FILMBOT_METRICS_LISTEN", "127.0.0.1:0", "FILMBOT_AUTOCOMPLETE_CACHE_MB", "7")
	url := waitLogURL(t, l.logs, "serving metrics")
	ac, err := l.sb.Autocomplete(sandbox.Viewer, "/review film:ano", "film")
	if err != nil {
		t.Fatal(err)
	}
	ac.Wait(l.ctx())
	text := scrape(t, url)
	if got := metric(text, "filmbot_catalog_cache_bound_bytes"); got != 7<<20 {
		t.Errorf("filmbot_catalog_cache_bound_bytes = %v, want %d", got, 7<<20)
	}
	if got := metric(text, "filmbot_catalog_cache_bytes"); got <= 0 || got > 7<<20 {
		t.Errorf("filmbot_catalog_cache_bytes = %v after an autocomplete", got)
	}
	if got := metric(text, "filmbot_catalog_cache_evictions_total"); got != 0 {
		t.Errorf("filmbot_catalog_cache_evictions_total = %v", got)
	}
}
