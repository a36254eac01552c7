package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/filmbot/filmbot/bot"
	"github.com/filmbot/filmbot/commands"
)

// The baseline of `filmbot bench --baseline`: a bare discordgo bot that
// does no work. It registers filmbot's commands (so that the sandbox
// dispatches the same interactions), answers every command with one fixed
// embed and every autocomplete with one fixed choice, through the same
// session set-up as filmbot (bot.NewSession), and touches no storage.
// What filmbot's figures lose against it is the cost of its real work.

var baselineEmbed = &discordgo.MessageEmbed{
	Title:       "Anora (2024)",
	Description: strings.Repeat("A fixed passage of a fixed review, the length of a real excerpt. ", 9),
	Footer:      &discordgo.MessageEmbedFooter{Text: "Excerpt 1 of 12"},
	Color:       0xE0B03A,
}

func baselineAnswer(i *discordgo.InteractionCreate) *discordgo.InteractionResponse {
	if i.Type == discordgo.InteractionApplicationCommandAutocomplete {
		return &discordgo.InteractionResponse{Type: discordgo.InteractionApplicationCommandAutocompleteResult,
			Data: &discordgo.InteractionResponseData{Choices: []*discordgo.ApplicationCommandOptionChoice{{Name: "Anora (2024)", Value: "1"}}}}
	}
	return &discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource, Data: &discordgo.InteractionResponseData{
		Embeds:          []*discordgo.MessageEmbed{baselineEmbed},
		AllowedMentions: &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}},
	}}
}

// serveBaseline runs the baseline bot on DISCORD_TOKEN and
// DISCORD_API_URL until ctx ends.
func serveBaseline(ctx context.Context, stderr io.Writer) int {
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	s, err := bot.NewSession(bot.Config{Token: os.Getenv("DISCORD_TOKEN"), APIURL: os.Getenv("DISCORD_API_URL"), Logger: log})
	if err != nil {
		fmt.Fprintln(stderr, "baseline:", err)
		return 2
	}
	var defs []*discordgo.ApplicationCommand
	for _, c := range commands.New(nil).Commands() {
		defs = append(defs, c.Def)
	}
	s.AddHandler(func(s *discordgo.Session, r *discordgo.Ready) {
		if _, err := s.ApplicationCommandBulkOverwrite(r.Application.ID, "", defs); err != nil {
			log.Error("baseline: registering", "err", err)
		}
	})
	s.AddHandler(func(s *discordgo.Session, i *discordgo.InteractionCreate) {
		// discordgo's InteractionRespond would add message fields to an
		// autocomplete result, which Discord refuses; bot.Wire is the
		// body Discord takes.
		endpoint := discordgo.EndpointInteractionResponse(i.ID, i.Token)
		if _, err := s.RequestWithBucketID("POST", endpoint, bot.Wire(baselineAnswer(i)), endpoint); err != nil {
			log.Error("baseline: answer", "err", err)
		}
	})
	if addr := os.Getenv("FILMBOT_HTTP_LISTEN"); addr != "" {
		return serveBaselineHTTP(ctx, s, defs, addr, stderr)
	}
	if err := s.Open(); err != nil {
		fmt.Fprintln(stderr, "baseline:", err)
		return 1
	}
	<-ctx.Done()
	s.Close()
	return 0
}

// serveBaselineHTTP is the baseline over HTTP interactions: net/http and
// discordgo's signature check, the same fixed answers in the response.
func serveBaselineHTTP(ctx context.Context, s *discordgo.Session, defs []*discordgo.ApplicationCommand, addr string, stderr io.Writer) int {
	key, err := bot.ParsePublicKey(os.Getenv("DISCORD_PUBLIC_KEY"))
	if err != nil {
		fmt.Fprintln(stderr, "baseline:", err)
		return 2
	}
	if _, err := bot.RegisterCommands(ctx, s, "", defs); err != nil {
		fmt.Fprintln(stderr, "baseline:", err)
		return 1
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /interactions", func(w http.ResponseWriter, r *http.Request) {
		if !discordgo.VerifyInteraction(r, key) {
			http.Error(w, "invalid request signature", http.StatusUnauthorized)
			return
		}
		var i discordgo.InteractionCreate
		if err := json.NewDecoder(r.Body).Decode(&i); err != nil || i.Interaction == nil {
			http.Error(w, "not an interaction", http.StatusBadRequest)
			return
		}
		var body []byte
		if i.Type == discordgo.InteractionPing {
			body = []byte(`{"type":1}`)
		} else {
			body, _ = json.Marshal(bot.Wire(baselineAnswer(&i)))
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.Write(body)
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {})
	srv := &http.Server{Addr: addr, Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() { <-ctx.Done(); srv.Close() }()
	if err := srv.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
		fmt.Fprintln(stderr, "baseline:", err)
		return 1
	}
	return 0
}

// pinSelf moves this process (the sandbox and the load) off CPU 0, where
// the bot runs, when there are two CPUs or more and taskset is there. It
// reports whether it did.
func pinSelf() bool {
	n := runtime.NumCPU()
	if n < 2 {
		return false
	}
	if _, err := exec.LookPath("taskset"); err != nil {
		return false
	}
	cpus := "1-" + strconv.Itoa(n-1)
	if err := exec.Command("taskset", "-a", "-p", "-c", cpus, strconv.Itoa(os.Getpid())).Run(); err != nil {
		return false
	}
	// Threads started from now on inherit it; the runtime's count of
	// CPUs was read at start, so cap the scheduler to what is left.
	runtime.GOMAXPROCS(n - 1)
	return true
}

// closedLoop is one kind's phase of --baseline: as fast as members allow.
type closedLoop struct {
	kind    string
	members int
}

// runBaseline measures closed-loop throughput per kind for the baseline
// bot and for filmbot, one after the other through the same sandbox
// settings, and prints filmbot's as ratios.
func runBaseline(ctx context.Context, spec benchSpec, dir string, stdout, stderr io.Writer) int {
	where := "bot and load sharing the CPUs (fewer than 2, or no taskset)"
	if spec.pin {
		where = fmt.Sprintf("bot on CPU 0 (runtime defaults: GOMAXPROCS=1), sandbox and load on CPUs 1-%d", runtime.NumCPU()-1)
	}
	if spec.http {
		where += "; both bots over HTTP interactions, through a load balancer"
	}
	fmt.Fprintf(stdout, "filmbot bench --baseline: %d interactions per phase, closed loop, %s\n", spec.n, where)
	phase := func(r *rig, p closedLoop) *benchResult {
		res := r.load(ctx, []string{p.kind}, spec.n, 0, p.members)
		if res.errs > 0 || len(res.violations) > 0 {
			fmt.Fprintf(stdout, "  %s: %d errors, %d violations\n", p.kind, res.errs, len(res.violations))
			res.failed(stdout)
		}
		return res
	}
	measure := func(botArgs []string, phases []closedLoop) (map[string]*benchResult, error) {
		r, err := startRig(ctx, spec, dir, botArgs, stderr)
		if err != nil {
			return nil, err
		}
		defer r.close()
		phase(r, closedLoop{"review", spec.members}) // warm-up: connections, caches, the runtime
		out := map[string]*benchResult{}
		for _, p := range phases {
			out[p.kind] = phase(r, p)
		}
		return out, nil
	}
	base, err := measure([]string{"bench", "--serve-baseline"}, []closedLoop{{"review", spec.members}, {"autocomplete", spec.members}})
	if err != nil {
		fmt.Fprintln(stderr, "filmbot bench: baseline:", err)
		return 1
	}
	fb, err := measure(nil, []closedLoop{{"review", spec.members}, {"autocomplete", spec.members}, {"film", spec.members},
		{"cast", spec.members}, {"rate", 64}})
	if err != nil {
		fmt.Fprintln(stderr, "filmbot bench:", err)
		return 1
	}
	fmt.Fprintf(stdout, "%-14s %10s %10s %10s %9s %9s   %s\n", "kind", "filmbot/s", "against/s", "ratio", "p50", "p99", "against")
	failed := false
	for _, k := range []string{"review", "autocomplete", "film", "cast", "rate"} {
		f := fb[k]
		against, what := base["review"], "baseline /review"
		switch k {
		case "autocomplete":
			against, what = base["autocomplete"], "baseline autocomplete"
		case "rate":
			against, what = fb["review"], "filmbot /review (rate: 64 members)"
		}
		fmt.Fprintf(stdout, "%-14s %10.0f %10.0f %9.2f× %9s %9s   %s\n", k, f.throughput(), against.throughput(),
			f.throughput()/against.throughput(), pct(f.lat[k], 50), pct(f.lat[k], 99), what)
		failed = failed || f.errs > 0 || len(f.violations) > 0
	}
	fmt.Fprintf(stdout, "filmbot memory (RSS): %.1f MiB at the end\n", float64(fb["rate"].rss["end"])/1024)
	if failed {
		return 1
	}
	return 0
}
