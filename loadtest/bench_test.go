package loadtest

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// filmbot is the filmbot binary that TestMain builds once: `filmbot
// bench` starts its own executable as the bot, so the tests run the
// command as an operator does.
var filmbot string

func TestMain(m *testing.M) {
	os.Exit(func() int {
		flag.Parse()
		if testing.Short() {
			return m.Run()
		}
		dir, err := os.MkdirTemp("", "loadtest")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		defer os.RemoveAll(dir)
		filmbot = filepath.Join(dir, "filmbot")
		if out, err := exec.Command("go", "build", "-o", filmbot, "../cmd/filmbot").CombinedOutput(); err != nil {
			fmt.Fprintf(os.Stderr, "building filmbot: %v\n%s", err, out)
			return 1
		}
		return m.Run()
	}())
}

// runBench runs `filmbot bench args…` and returns its exit status, with
// its output in stdout and stderr.
func runBench(_ context.Context, args []string, stdout, stderr *bytes.Buffer) int {
	cmd := exec.Command(filmbot, append([]string{"bench"}, args...)...)
	cmd.Env = append(os.Environ(), "DISCORD_TOKEN=", "FILMBOT_DB=")
	cmd.Stdout, cmd.Stderr = stdout, stderr
	if err := cmd.Run(); err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			return ee.ExitCode()
		}
		fmt.Fprintln(stderr, err)
		return -1
	}
	return 0
}

// TestBenchSmoke runs `filmbot bench` as an operator does, each way in a
// subtest of its own (each starts its own sandbox and bots, so they run
// side by side): its lines are there and nothing failed.
func TestBenchSmoke(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the bot")
	}
	bench := func(args ...string) (int, string, string) {
		var out, errb bytes.Buffer
		code := runBench(context.Background(), args, &out, &errb)
		return code, out.String(), errb.String()
	}
	t.Run("gateway", func(t *testing.T) {
		t.Parallel()
		code, out, errs := bench("--n", "300", "--rate", "0", "--members", "8", "--servers", "2600")
		if code != 0 || !strings.Contains(out, "answered 300") || !strings.Contains(out, "0 violations") ||
			!strings.Contains(out, "in 2600 servers (2 shards)") {
			t.Fatalf("exit %d:\n%s%s", code, out, errs)
		}
		if strings.Contains(out, "TMDB") {
			t.Errorf("TMDB without the search kind:\n%s", out)
		}
		for _, kind := range []string{"review", "autocomplete", "rate", "store alone", "rate p99 / store-alone p99 = "} {
			if !strings.Contains(out, kind) {
				t.Errorf("no %s line", kind)
			}
		}
	})
	// Autocomplete of distinct titles, most of them unknown: the bot
	// searches the fake TMDB the bench starts for it.
	t.Run("search", func(t *testing.T) {
		t.Parallel()
		code, out, errs := bench("--n", "300", "--rate", "0", "--members", "8", "--mix", "search,autocomplete")
		m := regexp.MustCompile(`(?m)^TMDB \(the fake\): (\d+) searches made of it for 150 distinct typed titles$`).FindStringSubmatch(out)
		if code != 0 || !strings.Contains(out, "answered 300") || !strings.Contains(out, "0 violations") ||
			!regexp.MustCompile(`(?m)^search\s+150\s`).MatchString(out) || m == nil || m[1] == "0" {
			t.Fatalf("--mix search: exit %d:\n%s%s", code, out, errs)
		}
	})
	t.Run("no rate", func(t *testing.T) {
		t.Parallel()
		if code, out, _ := bench("--n", "50", "--rate", "0", "--mix", "review"); code != 0 || strings.Contains(out, "store alone") {
			t.Errorf("without /rate there is no store-alone baseline: exit %d\n%s", code, out)
		}
	})
	// The same load in English and then in Russian, compared in one run.
	t.Run("locale", func(t *testing.T) {
		t.Parallel()
		code, out, errs := bench("--n", "100", "--rate", "0", "--members", "4", "--mix", "review,autocomplete", "--locale", "ru")
		if code != 0 || !strings.Contains(out, "from 4 members (ru)") || strings.Count(out, "answered 100") != 2 ||
			!regexp.MustCompile(`(?m)^ru / en-US, same run: throughput [\d.]+×; review p50 [\d.]+×, p99 [\d.]+×; autocomplete p50`).MatchString(out) {
			t.Fatalf("--locale ru: exit %d:\n%s%s", code, out, errs)
		}
	})
	t.Run("bad flags", func(t *testing.T) {
		t.Parallel()
		if code, _, _ := bench("--locale", "klingon"); code != 2 {
			t.Errorf("unknown locale: exit %d", code)
		}
		if code, _, _ := bench("--mix", "dance"); code != 2 {
			t.Errorf("unknown kind: exit %d", code)
		}
		if code, _, _ := bench("--http", "--replicas", "2"); code != 2 {
			t.Errorf("replicas on a bbolt file: exit %d", code)
		}
	})
	// Closed-loop throughput per kind against the bare and the tuned
	// baseline bots: each kind's line has both ratios, throughput and CPU.
	const d = `[\d.]+(µs|ms|s)|-` // a CPU time per interaction, or "-" where none was counted
	row := func(kind string) *regexp.Regexp {
		return regexp.MustCompile(`(?m)^` + kind + `\s+\d+\s+(` + d + `)\s+\S+\s+\S+ \|\s+\d+\s+[\d.]+×\s+([\d.]+×|-)\s+(` + d + `) \|\s+\d+\s+[\d.]+×\s+([\d.]+×|-)\s+(` + d + `)$`)
	}
	t.Run("baseline", func(t *testing.T) {
		t.Parallel()
		if code, out, errs := bench("--baseline", "--pin=false", "--n", "100", "--members", "4"); code != 0 ||
			!strings.Contains(out, "bare discordgo bot") || !strings.Contains(out, "tuned bot") ||
			!row("review").MatchString(out) || !row("autocomplete").MatchString(out) || !row("film").MatchString(out) ||
			!row("cast").MatchString(out) || !strings.Contains(out, "against filmbot's /review") ||
			!regexp.MustCompile(`CPU busy, bot / load side \(of \d+ and \d+ CPUs\): review filmbot (\d+%|-) / (\d+%|-), bare`).MatchString(out) {
			t.Errorf("--baseline: exit %d:\n%s%s", code, out, errs)
		}
	})
	t.Run("baseline over HTTP", func(t *testing.T) {
		t.Parallel()
		if code, out, errs := bench("--baseline", "--http", "--pin=false", "--n", "50", "--members", "4"); code != 0 ||
			!strings.Contains(out, "both bots over HTTP interactions") || !row("autocomplete").MatchString(out) {
			t.Errorf("--baseline --http: exit %d:\n%s%s", code, out, errs)
		}
	})
	// The same load over the gateway and over HTTP interactions, compared.
	t.Run("http", func(t *testing.T) {
		t.Parallel()
		code, out, errs := bench("--n", "200", "--rate", "0", "--members", "8", "--http")
		if code != 0 || strings.Count(out, "answered 200") != 2 || !strings.Contains(out, "over HTTP interactions") ||
			!strings.Contains(out, "http / gateway, same run: throughput ") {
			t.Errorf("--http: exit %d:\n%s%s", code, out, errs)
		}
	})
}
