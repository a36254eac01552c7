package loadtest

import (
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/filmbot/filmbot/bot"
	"github.com/filmbot/filmbot/commands"
)

// `filmbot bench --minimal` measures what filmbot's Interactions Endpoint
// costs against the least an endpoint can cost: a minimal endpoint, as
// one writes it with net/http alone, that reads the body, checks its
// Ed25519 signature, reads the interaction's type (a ping is answered
// with a pong) and writes one fixed answer, precomputed: /review's fixed
// embed, or one fixed choice for an autocomplete. The two serve the same
// load in the same run, from the sandbox (which signs every interaction
// and checks every answer), in turns, and each one's CPU per interaction
// is its process's user and system time in /proc over its turn.

// minimalTurns is how many turns each endpoint serves, alternately, the
// one that goes first changing each turn (a machine busy with other work
// drifts): the ratio of each pair is one measurement, and their median
// the one that one slow turn does not move.
const minimalTurns = 4

// ServeMinimal runs the minimal endpoint on FILMBOT_HTTP_LISTEN, with
// DISCORD_PUBLIC_KEY, until ctx ends. It registers filmbot's commands
// first (DISCORD_TOKEN, DISCORD_API_URL), so that the sandbox sends the
// same interactions to it.
func ServeMinimal(ctx context.Context, stderr io.Writer) int {
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	key, err := bot.ParsePublicKey(os.Getenv("DISCORD_PUBLIC_KEY"))
	if err != nil {
		fmt.Fprintln(stderr, "minimal:", err)
		return 2
	}
	s, err := bot.NewSession(bot.Config{Token: os.Getenv("DISCORD_TOKEN"), APIURL: os.Getenv("DISCORD_API_URL"), Logger: log})
	if err != nil {
		fmt.Fprintln(stderr, "minimal:", err)
		return 2
	}
	var defs []*discordgo.ApplicationCommand
	for _, c := range commands.New(nil).Commands() {
		defs = append(defs, c.Def)
	}
	if _, err := bot.RegisterCommands(ctx, s, "", defs); err != nil {
		fmt.Fprintln(stderr, "minimal:", err)
		return 1
	}
	h, err := MinimalInteractions(key)
	if err != nil {
		fmt.Fprintln(stderr, "minimal:", err)
		return 1
	}
	mux := http.NewServeMux()
	mux.Handle("POST /interactions", h)
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {})
	srv := &http.Server{Addr: os.Getenv("FILMBOT_HTTP_LISTEN"), Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() { <-ctx.Done(); srv.Close() }()
	if err := srv.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
		fmt.Fprintln(stderr, "minimal:", err)
		return 1
	}
	return 0
}

// MinimalInteractions is the minimal endpoint's handler: one signature
// check, the interaction's type, and a fixed answer.
func MinimalInteractions(key ed25519.PublicKey) (http.Handler, error) {
	command, err := json.Marshal(bot.Wire(baselineAnswer(&discordgo.InteractionCreate{Interaction: &discordgo.Interaction{Type: discordgo.InteractionApplicationCommand}})))
	if err != nil {
		return nil, err
	}
	choice, err := json.Marshal(bot.Wire(baselineAnswer(&discordgo.InteractionCreate{Interaction: &discordgo.Interaction{Type: discordgo.InteractionApplicationCommandAutocomplete}})))
	if err != nil {
		return nil, err
	}
	pong := []byte(`{"type":1}`)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sig, err := hex.DecodeString(r.Header.Get("X-Signature-Ed25519"))
		if err != nil || len(sig) != ed25519.SignatureSize {
			http.Error(w, "invalid request signature", http.StatusUnauthorized)
			return
		}
		ts := r.Header.Get("X-Signature-Timestamp")
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, bot.MaxInteractionBody))
		if err != nil {
			http.Error(w, "could not read the body", http.StatusBadRequest)
			return
		}
		if !ed25519.Verify(key, append([]byte(ts), body...), sig) {
			http.Error(w, "invalid request signature", http.StatusUnauthorized)
			return
		}
		var i struct {
			Type discordgo.InteractionType `json:"type"`
		}
		if err := json.Unmarshal(body, &i); err != nil {
			http.Error(w, "not an interaction", http.StatusBadRequest)
			return
		}
		answer := command
		switch i.Type {
		case discordgo.InteractionPing:
			answer = pong
		case discordgo.InteractionApplicationCommandAutocomplete:
			answer = choice
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", strconv.Itoa(len(answer)))
		w.Write(answer)
	}), nil
}

// runMinimal serves the same load (spec.kinds at spec.rate from
// spec.members, spec.n per turn) to the minimal endpoint and to filmbot's
// Interactions Endpoint, each in its own sandbox, turn about, and prints
// each one's CPU per interaction and their ratio, turn by turn and over
// all turns.
func runMinimal(ctx context.Context, spec benchSpec, dir string, stdout, stderr io.Writer) int {
	spec.http = true
	where := "endpoint and load sharing the CPUs (fewer than 2, or no taskset)"
	if spec.pin {
		where = fmt.Sprintf("endpoint on CPU 0 (runtime defaults: GOMAXPROCS=1), sandbox and load on CPUs 1-%d", runtime.NumCPU()-1)
	}
	fmt.Fprintf(stdout, "filmbot bench --minimal: %d interactions (%s) per turn at %s/s from %d members, over HTTP, the sandbox posting straight to the endpoint; %s\n",
		spec.n, strings.Join(spec.kinds, ","), rateText(spec.rate), spec.members, where)
	minimal, err := startRig(ctx, spec, dir, []string{"bench", "--serve-minimal"}, stderr)
	if err != nil {
		fmt.Fprintln(stderr, "filmbot bench: minimal endpoint:", err)
		return 1
	}
	defer minimal.close()
	fb, err := startRig(ctx, spec, dir, nil, stderr)
	if err != nil {
		fmt.Fprintln(stderr, "filmbot bench:", err)
		return 1
	}
	defer fb.close()
	failed := false
	turn := func(r *rig, n int) *benchResult {
		res := r.load(ctx, spec.kinds, n, spec.rate, spec.members, "")
		if res.errs > 0 || len(res.violations) > 0 {
			fmt.Fprintf(stdout, "  %s: %d errors, %d violations\n", r.how, res.errs, len(res.violations))
			failed = res.failed(stdout) || failed
		}
		return res
	}
	// Warm-up, a whole turn each: connections, caches, the runtimes'
	// heaps and goroutine stacks. After a fifth of a turn, filmbot's first
	// turn cost more than its later ones in each of three runs (1.32-1.43×
	// against 0.90-1.24×, 5,000 reviews a turn).
	turn(minimal, spec.n)
	turn(fb, spec.n)
	fmt.Fprintf(stdout, "%-6s %22s %22s %7s\n", "turn", "minimal CPU/op (/s)", "filmbot CPU/op (/s)", "ratio")
	var mCPU, fCPU time.Duration
	var mN, fN int
	var ratios []float64
	for t := 1; t <= minimalTurns && ctx.Err() == nil; t++ {
		var m, f *benchResult
		if t%2 == 1 {
			m, f = turn(minimal, spec.n), turn(fb, spec.n)
		} else {
			f, m = turn(fb, spec.n), turn(minimal, spec.n)
		}
		mCPU, fCPU, mN, fN = mCPU+m.cpu, fCPU+f.cpu, mN+m.total, fN+f.total
		ratio := "-"
		if m.cpuPer() > 0 && f.cpuPer() > 0 {
			r := float64(f.cpuPer()) / float64(m.cpuPer())
			ratios = append(ratios, r)
			ratio = fmt.Sprintf("%.2f×", r)
		}
		fmt.Fprintf(stdout, "%-6d %13s (%6.0f) %13s (%6.0f) %7s\n", t, perOp(m), m.throughput(), perOp(f), f.throughput(), ratio)
	}
	if mCPU > 0 && fCPU > 0 && mN > 0 && fN > 0 {
		m, f := mCPU/time.Duration(mN), fCPU/time.Duration(fN)
		fmt.Fprintf(stdout, "all turns: minimal %s, filmbot %s per interaction: filmbot / minimal = %.2f×; median of the turns' ratios %.2f×\n",
			m.Round(time.Microsecond), f.Round(time.Microsecond), float64(f)/float64(m), median(ratios))
	}
	if failed {
		return 1
	}
	return 0
}

// median is the middle of xs (the mean of the two middle ones for an
// even count), 0 for none.
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Sorted(slices.Values(xs))
	if n := len(s); n%2 == 0 {
		return (s[n/2-1] + s[n/2]) / 2
	}
	return s[len(s)/2]
}
