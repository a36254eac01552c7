package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/filmbot/filmbot/limits"
	"github.com/filmbot/filmbot/storage/bolt"
)

func env(db string, extra ...string) func(string) string {
	m := map[string]string{"FILMBOT_DB": db}
	for k := 0; k+1 < len(extra); k += 2 {
		m[extra[k]] = extra[k+1]
	}
	return func(k string) string { return m[k] }
}

func runMain(t *testing.T, getenv func(string) string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Main(context.Background(), args, getenv, &out, &errb)
	return code, out.String(), errb.String()
}

func TestTry(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "f.db")
	ratings := filepath.Join(t.TempDir(), "ratings.csv")
	os.WriteFile(ratings, []byte("Date,Name,Year,Letterboxd URI,Rating\n2024-11-02,Anora,2024,https://boxd.it/a,4.5\n"), 0o644)
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"try", `/review film:anora about:"Drew Daniels"`}, 0, "Excerpt 8 of 12"},
		{[]string{"try", "/review film:Anora excerpt:11"}, 0, "||The film’s climax"},
		{[]string{"try", "/cast film:anora"}, 0, "**Yura Borisov** — Igor"},
		{[]string{"try", "/film film:ani"}, 0, "139 min"},
		{[]string{"try", "--autocomplete", "film", "/review film:anroa"}, 0, "Anora (2024)\t→ id:1"},
		{[]string{"try", "/review film:nosuch"}, 0, `No film called "nosuch"`},
		{[]string{"try", "--guild", "5", "--user", "7", "/review film:anora excerpt:99"}, 0, "1 to 12"},
		{[]string{"try", "--click", "rev:show:1:2"}, 0, "Excerpt 2 of 12"},
		{[]string{"try", "--guild", "5", "--user", "7", "/import letterboxd file:@" + ratings}, 0, "1 new, 0 changed"},
		{[]string{"try", "--guild", "5", "--user", "7", "--click", "lbimp:ok:1"}, 0, "Imported: 1 new"},
		{[]string{"try", "--guild", "5", "--user", "7", "/rate film:anora"}, 0, "9/10"},
		{[]string{"try", "--guild", "5", "/import letterboxd file:@/no/such/file.csv"}, 2, "no such file"},
		{[]string{"try", "/nosuch"}, 2, "no command /nosuch"},
		{[]string{"try", "/review film:anora excerpt:x"}, 2, "takes a number"},
		{[]string{"try", "/review film:anora nope:1"}, 2, "no option"},
		{[]string{"try", `/review film:"anora`}, 2, "unclosed quote"},
		{[]string{"try", "review"}, 2, "starts with /"},
		{[]string{"try", "--guild", "abc", "/review film:anora"}, 2, "bad server id"},
		{[]string{"try"}, 2, "usage"},
		{[]string{"bogus"}, 2, "unknown command"},
	} {
		code, out, errs := runMain(t, env(db), c.args...)
		if code != c.code || !strings.Contains(out+errs, c.want) {
			t.Errorf("%q: exit %d, want %d; output lacks %q:\n%s%s", c.args, code, c.code, c.want, out, errs)
		}
	}
}

func TestTryJSONIsTheCallbackBody(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "f.db")
	code, out, _ := runMain(t, env(db), "try", "--json", "--guild", "9", "/review film:anora")
	if code != 0 {
		t.Fatal(code)
	}
	resp, err := limits.DecodeResponse([]byte(out))
	if err != nil {
		t.Fatalf("not a callback body: %v\n%s", err, out)
	}
	if err := limits.Check(resp); err != nil {
		t.Error(err)
	}
	if !strings.Contains(out, `"allowed_mentions":{"parse":[]`) {
		t.Errorf("allowed_mentions not sent with an empty parse list: %s", out)
	}
	code, out, _ = runMain(t, env(db), "try", "--json", "--autocomplete", "film", "/film film:an")
	if code != 0 || !strings.HasPrefix(out, `{"type":8`) || !strings.Contains(out, `"value":"id:1"`) {
		t.Errorf("autocomplete JSON: %s", out)
	}
}

func TestRunWithoutTokenExplains(t *testing.T) {
	t.Parallel()
	code, _, errs := runMain(t, env(filepath.Join(t.TempDir(), "f.db")), "run")
	if code == 0 || !strings.Contains(errs, "DISCORD_TOKEN") || !strings.Contains(errs, "filmbot try") {
		t.Errorf("exit %d: %s", code, errs)
	}
}

func TestBadLogLevel(t *testing.T) {
	t.Parallel()
	code, _, errs := runMain(t, env("x.db", "LOG_LEVEL", "loud"), "try", "/film film:anora")
	if code != 2 || !strings.Contains(errs, "LOG_LEVEL") {
		t.Errorf("exit %d: %s", code, errs)
	}
}

func TestBadAPIURL(t *testing.T) {
	t.Parallel()
	code, _, errs := runMain(t, env(filepath.Join(t.TempDir(), "f.db"), "DISCORD_TOKEN", "secret-token-value", "DISCORD_API_URL", "ftp://x"), "run")
	if code != 2 || !strings.Contains(errs, "DISCORD_API_URL") || strings.Contains(errs, "secret-token-value") {
		t.Errorf("exit %d: %s", code, errs)
	}
}

func TestBadShards(t *testing.T) {
	t.Parallel()
	for _, v := range []string{"0", "-1", "many", "1025"} {
		code, _, errs := runMain(t, env(filepath.Join(t.TempDir(), "f.db"), "DISCORD_TOKEN", "secret-token-value", "DISCORD_SHARDS", v), "run")
		if code != 2 || !strings.Contains(errs, "DISCORD_SHARDS") || strings.Contains(errs, "secret-token-value") {
			t.Errorf("DISCORD_SHARDS=%s: exit %d: %s", v, code, errs)
		}
	}
}

func TestBadScalingSettings(t *testing.T) {
	t.Parallel()
	key := strings.Repeat("ab", 32)
	for _, c := range []struct {
		env  []string
		want string
	}{
		{[]string{"FILMBOT_HTTP_LISTEN", "127.0.0.1:0"}, "DISCORD_PUBLIC_KEY"},
		{[]string{"FILMBOT_HTTP_LISTEN", "127.0.0.1:0", "DISCORD_PUBLIC_KEY", "abc"}, "DISCORD_PUBLIC_KEY"},
		// 64 hex digits, but y = 2 is no point on the curve: no key at all.
		{[]string{"FILMBOT_HTTP_LISTEN", "127.0.0.1:0", "DISCORD_PUBLIC_KEY", "02" + strings.Repeat("00", 31)}, "no point on the curve"},
		{[]string{"FILMBOT_HTTP_LISTEN", "8080", "DISCORD_PUBLIC_KEY", key}, "FILMBOT_HTTP_LISTEN"},
		{[]string{"FILMBOT_REGISTER", "maybe"}, "FILMBOT_REGISTER"},
		{[]string{"FILMBOT_SHARD_IDS", "0-x"}, "FILMBOT_SHARD_IDS"},
		{[]string{"FILMBOT_SHARD_IDS", "2-5", "DISCORD_SHARDS", "4"}, "FILMBOT_SHARD_IDS names shard 5"},
		{[]string{"FILMBOT_METRICS_LISTEN", "9100"}, "FILMBOT_METRICS_LISTEN"},
		{[]string{"FILMBOT_SHARD_LEASE", "1s"}, "FILMBOT_SHARD_LEASE"},
		{[]string{"FILMBOT_SHARD_LEASE", "15"}, "FILMBOT_SHARD_LEASE"},
	} {
		e := append([]string{"DISCORD_TOKEN", "secret-token-value"}, c.env...)
		code, _, errs := runMain(t, env(filepath.Join(t.TempDir(), "f.db"), e...), "run")
		if code != 2 || !strings.Contains(errs, c.want) || strings.Contains(errs, "secret-token-value") {
			t.Errorf("%v: exit %d: %s", c.env, code, errs)
		}
	}
}

func TestTrySavesChart(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := filepath.Join(dir, "f.db")
	if code, _, errs := runMain(t, env(db), "try", "--guild", "5", "--user", "7", "/rate film:anora score:8"); code != 0 {
		t.Fatal(errs)
	}
	code, out, errs := runMain(t, env(db), "try", "--guild", "5", "--files", dir, "/ratings film:anora")
	if code != 0 || !strings.Contains(out, "saved to "+filepath.Join(dir, "ratings.png")) {
		t.Fatalf("exit %d: %s%s", code, out, errs)
	}
	data, err := os.ReadFile(filepath.Join(dir, "ratings.png"))
	if err != nil || !bytes.HasPrefix(data, []byte("\x89PNG")) {
		t.Errorf("no PNG saved: %v", err)
	}
}

func TestTryModeratorForms(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "f.db")
	steps := []struct {
		args []string
		want string
	}{
		{[]string{"try", "--guild", "5", "/manage film add"}, "Only moderators"},
		{[]string{"try", "--guild", "5", "--mod", "/manage film add"}, "[modal modfilm:add:0] Add a film"},
		// A form of labels: each field, how --submit fills it, its description.
		{[]string{"try", "--guild", "5", "--mod", "/manage film add"}, "  Year (year, --field year=…): \n    The year of release (1870 to 2100): it tells remakes apart.\n"},
		{[]string{"try", "--guild", "5", "--mod", "/manage review add film:anora"}, "(file, --field file=@path): [upload .txt, .md]"},
		{[]string{"try", "--guild", "5", "--submit", "modfilm:add:0", "--field", "title=Tangerine", "--field", "year=2015"}, "Only moderators"},
		{[]string{"try", "--guild", "5", "--mod", "--submit", "modfilm:add:0", "--field", "title=Tangerine", "--field", "year=2015"}, "Added **Tangerine (2015)**"},
		{[]string{"try", "--guild", "5", "--mod", "--submit", "modrev:add:2", "--field", "reviewer=Roger", "--field", `text=One.\n\n||Two.||`}, "(thread started: Tangerine (2015))"},
		{[]string{"try", "--guild", "5", "/review film:tangerine excerpt:2"}, "||Two.||"},
		{[]string{"try", "--guild", "5", "--click", "rate:select:2", "--value", "8"}, "**This server's rating**\n│ **8.0**/10"},
		// Another server does not see server 5's film: it gets TMDB's
		// (played by the stand-in, as try does without TMDB_TOKEN).
		{[]string{"try", "--guild", "6", "/film film:tangerine"}, "Film data from TMDB"},
		{[]string{"try", "--click", "x", "--submit", "y"}, "not both"},
	}
	for _, s := range steps {
		code, out, errs := runMain(t, env(db), s.args...)
		if !strings.Contains(out+errs, s.want) {
			t.Errorf("%q: exit %d, output lacks %q:\n%s%s", s.args, code, s.want, out, errs)
		}
	}
}

func TestTryWhileTheDatabaseIsHeld(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "f.db")
	held, err := bolt.Open(db, bolt.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	code, _, errs := runMain(t, env(db), "try", "/film film:anora")
	if code != 1 || !strings.Contains(errs, "in use by another process") {
		t.Errorf("exit %d: %s", code, errs)
	}
}

// Every setting filmbot reads is documented in .env.example and README.md.
func TestEverySettingDocumented(t *testing.T) {
	t.Parallel()
	var read []string
	loadConfig(func(k string) string { read = append(read, k); return "" })
	example, err := os.ReadFile("../../.env.example")
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	if len(read) < 6 {
		t.Fatalf("loadConfig read only %v", read)
	}
	for _, k := range read {
		if !strings.Contains(string(example), "\n"+k+"=") {
			t.Errorf(".env.example does not set %s", k)
		}
		if !strings.Contains(string(readme), "| `"+k+"` |") {
			t.Errorf("README's settings table lacks %s", k)
		}
		if !strings.Contains(usage, k) {
			t.Errorf("filmbot help does not name %s", k)
		}
	}
}

// filmbot sandbox prints where it listens and the token, serves Discord's
// REST API with its shard count, and stops with its context.
func TestSandboxCommand(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	out := &syncBuffer{}
	done := make(chan int, 1)
	go func() {
		done <- Main(ctx, []string{"sandbox", "--shards", "3", "--interactions-url", "http://127.0.0.1:9/interactions"}, env("x.db"), out, io.Discard)
	}()
	var api, token string
	if !eventually(5*time.Second, func() bool {
		for _, line := range strings.Split(out.String(), "\n") {
			if v, ok := strings.CutPrefix(line, "DISCORD_API_URL="); ok {
				api = v
			}
			if v, ok := strings.CutPrefix(line, "DISCORD_TOKEN="); ok && api != "" {
				token = v
			}
		}
		// The banner is whole once the endpoint's public key is printed.
		return token != "" && strings.Contains(out.String(), "DISCORD_PUBLIC_KEY=")
	}) {
		t.Fatalf("no address or public key printed:\n%s", out)
	}
	req, _ := http.NewRequest("GET", api+"/api/v9/gateway/bot", nil)
	req.Header.Set("Authorization", "Bot "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var gb struct{ Shards int }
	json.NewDecoder(resp.Body).Decode(&gb)
	resp.Body.Close()
	if !regexp.MustCompile(`(?m)^DISCORD_PUBLIC_KEY=[0-9a-f]{64}$`).MatchString(out.String()) {
		t.Errorf("--interactions-url: no public key printed:\n%s", out)
	}
	if resp.StatusCode != 200 || gb.Shards != 3 || !strings.Contains(out.String(), "not Discord") {
		t.Errorf("GET /gateway/bot: %d, %d shards; printed:\n%s", resp.StatusCode, gb.Shards, out)
	}
	cancel()
	if code := <-done; code != 0 {
		t.Errorf("exit %d", code)
	}
	if code, _, _ := runMain(t, env("x.db"), "sandbox", "--shards", "0"); code != 2 {
		t.Errorf("--shards 0: exit %d", code)
	}
}
