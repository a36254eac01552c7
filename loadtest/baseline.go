package loadtest

import (
	"context"
	"crypto/ed25519"
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
	"github.com/filmbot/filmbot/storage/postgres"
)

// The baselines of `filmbot bench --baseline`: a bare discordgo bot that
// does no work. It registers filmbot's commands (so that the sandbox
// dispatches the same interactions), answers every command with one fixed
// embed and every autocomplete with one fixed choice, and touches no
// storage. "bare" is discordgo as its examples use it: discordgo.New's
// defaults (Go's default HTTP transport, the state cache, default
// intents), each answer through Session.RequestWithBucketID as
// InteractionRespond sends it. "tuned" is the same bot on filmbot's own
// session set-up (bot.NewSession: idle connections kept for concurrent
// answers, no state cache, the guilds intent only): what filmbot loses
// against it is the cost of its real work alone.

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

// ServeBaseline runs the baseline bot on DISCORD_TOKEN and
// DISCORD_API_URL until ctx ends: bare, or tuned like filmbot's session.
func ServeBaseline(ctx context.Context, tuned bool, stderr io.Writer) int {
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	var s *discordgo.Session
	var err error
	if tuned {
		s, err = bot.NewSession(bot.Config{Token: os.Getenv("DISCORD_TOKEN"), APIURL: os.Getenv("DISCORD_API_URL"), Logger: log})
	} else if s, err = discordgo.New("Bot " + os.Getenv("DISCORD_TOKEN")); err == nil {
		err = bot.PointAt(s, os.Getenv("DISCORD_API_URL")) // only what reaching the sandbox needs
	}
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

// BaselineInteractions is the baseline's Interactions Endpoint, as
// discordgo's users write one.
func BaselineInteractions(key ed25519.PublicKey) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
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
	}
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
	mux.HandleFunc("POST /interactions", BaselineInteractions(key))
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

// perOp is a run's CPU per interaction, "-" where /proc could not tell
// or the run was too short to count a tick.
func perOp(r *benchResult) string {
	if r.cpuPer() <= 0 {
		return "-"
	}
	return r.cpuPer().Round(time.Microsecond).String()
}

func busyPair(r *benchResult, botCPUs, loadCPUs int) string {
	return r.busy(r.cpu, botCPUs) + " / " + r.busy(r.loadCPU, loadCPUs)
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
		where += "; both bots over HTTP interactions, the sandbox posting straight to them"
	}
	fmt.Fprintf(stdout, "filmbot bench --baseline: %d interactions per phase, closed loop, %s\n", spec.n, where)
	phase := func(r *rig, p closedLoop) *benchResult {
		res := r.load(ctx, []string{p.kind}, spec.n, 0, p.members, "")
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
	// The bare bot goes last: with two idle connections per host it opens
	// thousands, and the sockets it leaves in TIME_WAIT would weigh on
	// whatever ran after it.
	baseline := []closedLoop{{"review", spec.members}, {"autocomplete", spec.members}}
	tuned, err := measure([]string{"bench", "--serve-baseline", "--tuned"}, baseline)
	if err != nil {
		fmt.Fprintln(stderr, "filmbot bench: tuned baseline:", err)
		return 1
	}
	// filmbot on the store given; with a PostgreSQL database, on a new
	// bbolt file and on PostgreSQL without its cache too, in the same
	// run, for the stores' table.
	filmbotPhases := []closedLoop{{"review", spec.members}, {"autocomplete", spec.members}, {"film", spec.members},
		{"cast", spec.members}, {"rate", 64}}
	var stores []storeRun
	storesFailed := false
	if postgres.IsURL(spec.db) {
		stores = []storeRun{{name: "bbolt", db: ""}, {name: "PostgreSQL, no cache", db: spec.db, env: []string{"FILMBOT_STORE_CACHE_MB=0"}}}
	}
	var fb map[string]*benchResult
	if len(stores) > 0 {
		// Every store's bot runs at once (on the same CPU), and each phase
		// runs on each store in turn: the machine's other load weighs on
		// them alike.
		stores = append(stores, storeRun{name: "PostgreSQL", db: spec.db})
		rigs := make([]*rig, len(stores))
		for k := range stores {
			s := spec
			s.db, s.env = stores[k].db, stores[k].env
			r, err := startRig(ctx, s, dir, nil, stderr)
			if err != nil {
				closeRigs(rigs)
				fmt.Fprintln(stderr, "filmbot bench:", stores[k].name+":", err)
				return 1
			}
			rigs[k] = r
			phase(r, closedLoop{"review", spec.members})
			stores[k].res = map[string]*benchResult{}
		}
		for _, p := range filmbotPhases {
			for k := range stores {
				res := phase(rigs[k], p)
				stores[k].res[p.kind] = res
				storesFailed = storesFailed || res.errs > 0 || len(res.violations) > 0
			}
		}
		closeRigs(rigs)
		fb = stores[len(stores)-1].res
	} else {
		var err error
		if fb, err = measure(nil, filmbotPhases); err != nil {
			fmt.Fprintln(stderr, "filmbot bench:", err)
			return 1
		}
	}
	bare, err := measure([]string{"bench", "--serve-baseline"}, baseline)
	if err != nil {
		fmt.Fprintln(stderr, "filmbot bench: baseline:", err)
		return 1
	}
	// Each ratio is throughput (filmbot's over the other's), then CPU per
	// interaction (the other's over filmbot's): the bot's own work,
	// whatever else held the loop back.
	ratios := func(f, against *benchResult) string {
		cpu := "-"
		if fc, ac := f.cpuPer(), against.cpuPer(); fc > 0 && ac > 0 {
			cpu = fmt.Sprintf("%.2f×", float64(ac)/float64(fc))
		}
		return fmt.Sprintf("%7.0f %5.2f× %5s %6s", against.throughput(), f.throughput()/against.throughput(), cpu, perOp(against))
	}
	fmt.Fprintf(stdout, "%-13s %9s %7s %9s %9s | %-27s | %-27s\n", "", "filmbot", "", "", "", "bare discordgo bot", "tuned bot (filmbot's session)")
	fmt.Fprintf(stdout, "%-13s %9s %7s %9s %9s | %7s %6s %5s %6s | %7s %6s %5s %6s\n", "kind", "/s", "CPU/op", "p50", "p99",
		"/s", "ratio", "CPU", "CPU/op", "/s", "ratio", "CPU", "CPU/op")
	failed := storesFailed
	for _, k := range []string{"review", "autocomplete", "film", "cast"} {
		f := fb[k]
		against := "review" // /film and /cast against the fixed /review answer
		if k == "autocomplete" {
			against = k
		}
		fmt.Fprintf(stdout, "%-13s %9.0f %7s %9s %9s | %s | %s\n", k, f.throughput(), perOp(f),
			pct(f.lat[k], 50), pct(f.lat[k], 99), ratios(f, bare[against]), ratios(f, tuned[against]))
		failed = failed || f.errs > 0 || len(f.violations) > 0
	}
	r, rv := fb["rate"], fb["review"]
	fmt.Fprintf(stdout, "%-13s %9.0f %7s %9s %9s | against filmbot's /review: %.2f×\n", "rate (64)", r.throughput(),
		perOp(r), pct(r.lat["rate"], 50), pct(r.lat["rate"], 99), r.throughput()/rv.throughput())
	failed = failed || r.errs > 0 || len(r.violations) > 0
	fmt.Fprintf(stdout, "filmbot memory (RSS): %.1f MiB at the end\n", float64(fb["rate"].rss["end"])/1024)
	// A loop is as fast as its slower side: where the load side is busy
	// all the time and a bot is not, the throughput ratio is the load
	// side's, and the CPU ratio the bots' own.
	botCPUs, loadCPUs := 1, max(runtime.NumCPU()-1, 1)
	if !spec.pin {
		botCPUs, loadCPUs = runtime.NumCPU(), runtime.NumCPU()
	}
	fmt.Fprintf(stdout, "CPU busy, bot / load side (of %d and %d CPUs): ", botCPUs, loadCPUs)
	for k, kind := range []string{"review", "autocomplete", "film", "cast"} {
		if k > 0 {
			fmt.Fprint(stdout, "; ")
		}
		fmt.Fprintf(stdout, "%s filmbot %s", kind, busyPair(fb[kind], botCPUs, loadCPUs))
		if b, ok := bare[kind]; ok {
			fmt.Fprintf(stdout, ", bare %s, tuned %s", busyPair(b, botCPUs, loadCPUs), busyPair(tuned[kind], botCPUs, loadCPUs))
		}
	}
	fmt.Fprintln(stdout)
	if len(stores) > 0 {
		printStores(stdout, stores)
	}
	if failed {
		return 1
	}
	return 0
}

func closeRigs(rigs []*rig) {
	for _, r := range rigs {
		if r != nil {
			r.close()
		}
	}
}

// storeRun is filmbot's closed-loop phases on one store.
type storeRun struct {
	name string
	db   string   // FILMBOT_DB ("": a new bbolt file)
	env  []string // more of the bot's environment
	res  map[string]*benchResult
}

// printStores prints each kind's throughput on each store, and each
// store's as a ratio of the first's (bbolt), all from one run.
func printStores(stdout io.Writer, stores []storeRun) {
	fmt.Fprintf(stdout, "filmbot by store, same run (closed loop: interactions/s, ratio to %s's, the bot's CPU per interaction):\n%-13s", stores[0].name, "kind")
	for k, s := range stores {
		if k == 0 {
			fmt.Fprintf(stdout, " | %16s", s.name)
		} else {
			fmt.Fprintf(stdout, " | %29s", s.name)
		}
	}
	fmt.Fprintln(stdout)
	for _, kind := range []string{"review", "autocomplete", "film", "cast", "rate"} {
		fmt.Fprintf(stdout, "%-13s", kind)
		first := stores[0].res[kind].throughput()
		for k, s := range stores {
			t := s.res[kind].throughput()
			if k == 0 {
				fmt.Fprintf(stdout, " | %9.0f %6s", t, perOp(s.res[kind]))
			} else {
				fmt.Fprintf(stdout, " | %14.0f %6.2f× %6s", t, t/first, perOp(s.res[kind]))
			}
		}
		fmt.Fprintln(stdout)
	}
}
