package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/filmbot/filmbot/loadtest"
)

// runBench is `filmbot bench`: it parses the flags and runs the load test
// (package loadtest), which starts this executable as the bot.
func runBench(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var spec loadtest.Spec
	fs.IntVar(&spec.N, "n", 20000, "interactions to send")
	fs.Float64Var(&spec.Rate, "rate", 1000, "target interactions per second (0: as fast as the members can)")
	fs.IntVar(&spec.Members, "members", 64, "concurrent members")
	fs.StringVar(&spec.Mix, "mix", "review,autocomplete,rate", "kinds of interaction, sent in turn: review, autocomplete, rate, film, cast, search (autocomplete of 10,000 distinct titles, TMDB played by a local fake)")
	fs.IntVar(&spec.Servers, "servers", 1, "servers the bot is in, used in turn (Discord asks for a shard per 2,500)")
	fs.StringVar(&spec.DB, "db", "", "the bot's database: a postgres:// URL of an empty database (default: a new bbolt file)")
	fs.BoolVar(&spec.HTTP, "http", false, "also run the load over HTTP interactions, in the same run, and compare with the gateway")
	fs.BoolVar(&spec.Baseline, "baseline", false, "closed-loop throughput per kind against a bare discordgo bot doing no work, in the same run (bot pinned to CPU 0)")
	serveBase := fs.Bool("serve-baseline", false, "be that bare bot (started by --baseline)")
	tuned := fs.Bool("tuned", false, "with --serve-baseline: on filmbot's session set-up instead of discordgo's defaults")
	fs.BoolVar(&spec.Pin, "pin", true, "with --baseline: the bot on CPU 0 and this process on the others, when there are two or more and taskset is installed")
	fs.StringVar(&spec.Locale, "locale", "", "also run the load with every member in this Discord locale (ru, de, pt-BR…), in the same run, and compare with en-US")
	fs.BoolVar(&spec.AfterStart, "after-start", false, "over HTTP: the bare HTTP baseline, then filmbot, each loaded at --rate from the moment its /readyz says ready, then filmbot again; prints p99s in the same run")
	fs.IntVar(&spec.Replicas, "replicas", 1, "with --http: bot processes behind a round-robin load balancer (more than 1 needs --db postgres://…)")
	fs.BoolVar(&spec.Minimal, "minimal", false, "over HTTP: CPU per interaction of filmbot's Interactions Endpoint against a minimal endpoint (net/http, one Ed25519 check, a fixed answer), same load, in turns, same run (endpoint pinned to CPU 0)")
	serveMinimal := fs.Bool("serve-minimal", false, "be that minimal endpoint (started by --minimal)")
	scale := scaleFlags(fs)
	usageFor(fs, "bench [flags]", "Loads the real bot through a local sandbox and prints interactions/s, p50/p99 latency and memory.")
	if code, done := parseFlags(fs, args, stdout); done {
		return code
	}
	if *serveBase {
		return loadtest.ServeBaseline(ctx, *tuned, stderr)
	}
	if *serveMinimal {
		return loadtest.ServeMinimal(ctx, stderr)
	}
	if fs.NArg() > 0 {
		fmt.Fprintln(stderr, loadtest.Usage)
		return 2
	}
	if scale.on {
		scale.servers, scale.db, scale.members = spec.Servers, spec.DB, spec.Members
		return runScaleBench(ctx, scale, stdout, stderr)
	}
	return loadtest.Run(ctx, spec, stdout, stderr)
}
