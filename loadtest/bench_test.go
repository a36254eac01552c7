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

func TestBenchSmoke(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the bot")
	}
	var out, errb bytes.Buffer
	code := runBench(context.Background(), []string{"--n", "300", "--rate", "0", "--members", "8", "--servers", "2600"}, &out, &errb)
	if code != 0 || !strings.Contains(out.String(), "answered 300") || !strings.Contains(out.String(), "0 violations") ||
		!strings.Contains(out.String(), "in 2600 servers (2 shards)") {
		t.Fatalf("exit %d:\n%s%s", code, out.String(), errb.String())
	}
	for _, kind := range []string{"review", "autocomplete", "rate", "store alone", "rate p99 / store-alone p99 = "} {
		if !strings.Contains(out.String(), kind) {
			t.Errorf("no %s line", kind)
		}
	}
	out.Reset()
	if code := runBench(context.Background(), []string{"--n", "50", "--rate", "0", "--mix", "review"}, &out, &errb); code != 0 || strings.Contains(out.String(), "store alone") {
		t.Errorf("without /rate there is no store-alone baseline: exit %d\n%s", code, out.String())
	}
	if code := runBench(context.Background(), []string{"--mix", "dance"}, &out, &errb); code != 2 {
		t.Errorf("unknown kind: exit %d", code)
	}
	if code := runBench(context.Background(), []string{"--http", "--replicas", "2"}, &out, &errb); code != 2 {
		t.Errorf("replicas on a bbolt file: exit %d", code)
	}
	// Closed-loop throughput per kind against the bare and the tuned
	// baseline bots: each kind's line has both ratios, throughput and CPU.
	const d = `[\d.]+(µs|ms|s)|-` // a CPU time per interaction, or "-" where none was counted
	row := func(kind string) *regexp.Regexp {
		return regexp.MustCompile(`(?m)^` + kind + `\s+\d+\s+(` + d + `)\s+\S+\s+\S+ \|\s+\d+\s+[\d.]+×\s+([\d.]+×|-)\s+(` + d + `) \|\s+\d+\s+[\d.]+×\s+([\d.]+×|-)\s+(` + d + `)$`)
	}
	out.Reset()
	if code := runBench(context.Background(), []string{"--baseline", "--pin=false", "--n", "100", "--members", "4"}, &out, &errb); code != 0 ||
		!strings.Contains(out.String(), "bare discordgo bot") || !strings.Contains(out.String(), "tuned bot") ||
		!row("review").MatchString(out.String()) || !row("autocomplete").MatchString(out.String()) || !row("film").MatchString(out.String()) ||
		!row("cast").MatchString(out.String()) || !strings.Contains(out.String(), "against filmbot's /review") ||
		!regexp.MustCompile(`CPU busy, bot / load side \(of \d+ and \d+ CPUs\): review filmbot (\d+%|-) / (\d+%|-), bare`).MatchString(out.String()) {
		t.Errorf("--baseline: exit %d:\n%s%s", code, out.String(), errb.String())
	}
	out.Reset()
	if code := runBench(context.Background(), []string{"--baseline", "--http", "--pin=false", "--n", "50", "--members", "4"}, &out, &errb); code != 0 ||
		!strings.Contains(out.String(), "both bots over HTTP interactions") || !row("autocomplete").MatchString(out.String()) {
		t.Errorf("--baseline --http: exit %d:\n%s%s", code, out.String(), errb.String())
	}
	// The same load over the gateway and over HTTP interactions, compared.
	out.Reset()
	code = runBench(context.Background(), []string{"--n", "200", "--rate", "0", "--members", "8", "--http"}, &out, &errb)
	if code != 0 || strings.Count(out.String(), "answered 200") != 2 || !strings.Contains(out.String(), "over HTTP interactions") ||
		!strings.Contains(out.String(), "http / gateway, same run: throughput ") {
		t.Errorf("--http: exit %d:\n%s%s", code, out.String(), errb.String())
	}
}
