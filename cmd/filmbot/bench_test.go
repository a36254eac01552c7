package main

import (
	"bytes"
	"context"
	"os"
	"os/signal"
	"regexp"
	"strings"
	"syscall"
	"testing"
)

// TestMain lets `filmbot bench` start this test binary as the bot: run
// with the argument "run" (or "bench", for the baseline bot), it is
// filmbot itself.
func TestMain(m *testing.M) {
	if len(os.Args) > 1 && (os.Args[1] == "run" || os.Args[1] == "bench") {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		defer stop()
		os.Exit(Main(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
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
