// Package loadtest is `filmbot bench`: it drives concurrent members
// through a sandbox against the real bot (the filmbot binary, started as
// `filmbot run` in child processes), or against a bare baseline bot, and
// prints throughput, latency and memory. cmd/filmbot parses its flags.
package loadtest

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/filmbot/filmbot/sandbox"
	"github.com/filmbot/filmbot/storage"
	_ "github.com/filmbot/filmbot/storage/bolt" // --db as a file path
	"github.com/filmbot/filmbot/storage/postgres"
)

// Spec is one `filmbot bench` run, as its flags give it.
type Spec struct {
	N        int     // --n: interactions to send
	Rate     float64 // --rate: target interactions per second (0: as fast as the members can)
	Members  int     // --members: concurrent members
	Mix      string  // --mix: kinds of interaction, sent in turn, comma-separated
	Servers  int     // --servers: servers the bot is in
	DB       string  // --db: the bot's database ("": a new bbolt file)
	HTTP     bool    // --http: also over HTTP interactions, compared with the gateway
	Replicas int     // --replicas: with HTTP, bot processes behind a load balancer
	Baseline bool    // --baseline: closed loop against a bare discordgo bot
	Pin      bool    // --pin: with Baseline, the bot on CPU 0 when it can be
	Locale   string  // --locale: also run the load with members in this Discord locale, compared with en-US
	// AfterStart (--after-start): p99 over HTTP from the moment /readyz
	// says ready, filmbot against the bare HTTP baseline, same run.
	AfterStart bool
}

// Usage is the message of a Spec out of bounds (exit status 2).
const Usage = "filmbot bench: --n, --members and --servers (up to 1,000,000) are at least 1, --replicas 1 to 16, and no other arguments"

// Run drives concurrent members through a sandbox against the real
// bot (the running executable, started as `filmbot run` in child
// processes) and prints throughput, latency from dispatch to first
// answer, and the bot's memory. With HTTP it runs the same load twice in
// one run, over the gateway and then over HTTP interactions (straight to
// one process, or through a load balancer to Replicas processes), and
// prints the second as ratios of the first. It returns the exit status.
func Run(ctx context.Context, in Spec, stdout, stderr io.Writer) int {
	spec := benchSpec{n: in.N, rate: in.Rate, members: in.Members, servers: in.Servers, db: in.DB, replicas: in.Replicas}
	if in.Locale != "" {
		if err := sandbox.CheckLocale(in.Locale); err != nil || in.Baseline {
			fmt.Fprintln(stderr, "filmbot bench: --locale takes one of Discord's locales (ru, de, pt-BR…), and not with --baseline")
			return 2
		}
	}
	if spec.n < 1 || spec.members < 1 || spec.servers < 1 || spec.servers > 1000000 || spec.replicas < 1 || spec.replicas > 16 {
		fmt.Fprintln(stderr, Usage)
		return 2
	}
	if spec.replicas > 1 && (!in.HTTP || in.Baseline || !postgres.IsURL(spec.db)) {
		fmt.Fprintln(stderr, "filmbot bench: --replicas needs --http and --db postgres://… (replicas share one database)")
		return 2
	}
	spec.kinds = strings.Split(in.Mix, ",")
	for _, k := range spec.kinds {
		if _, ok := benchLines[k]; !ok {
			fmt.Fprintf(stderr, "filmbot bench: unknown kind %q (review, autocomplete, rate, film, cast, search)\n", k)
			return 2
		}
	}
	dir, err := os.MkdirTemp("", "filmbot-bench")
	if err != nil {
		fmt.Fprintln(stderr, "filmbot bench:", err)
		return 1
	}
	defer os.RemoveAll(dir)
	if os.Getenv("GOGC") == "" {
		// This process is the load side, and its CPU bounds what it can
		// measure: it keeps seconds of interactions (tens of MB), so the
		// collector's default pace spent a tenth of it. The bots run
		// with the runtime's defaults.
		defer debug.SetGCPercent(debug.SetGCPercent(400))
	}
	if in.AfterStart {
		if in.Baseline || in.Locale != "" || spec.replicas > 1 {
			fmt.Fprintln(stderr, "filmbot bench: --after-start is alone (not with --baseline, --locale or --replicas)")
			return 2
		}
		return runAfterStart(ctx, spec, dir, stdout, stderr)
	}
	if in.Baseline {
		spec.http = in.HTTP // both bots over HTTP interactions
		spec.pin = in.Pin && pinSelf()
		return runBaseline(ctx, spec, dir, stdout, stderr)
	}
	gw, err := benchOnce(ctx, spec, dir, stdout, stderr)
	if err != nil {
		fmt.Fprintln(stderr, "filmbot bench:", err)
		return 1
	}
	gw.print(spec, stdout)
	failed := gw.failed(stdout)
	// The baseline: the store alone, on the same disk, rating at the pace
	// /rate had, with no sandbox, gateway or HTTP. A /rate answer waits
	// for its commit, so it cannot beat this.
	if nr := len(gw.lat["rate"]); nr > 0 && ctx.Err() == nil {
		alone := filepath.Join(dir, "alone.db") // a fresh file on the same disk
		if spec.db != "" {
			alone = spec.db // the same PostgreSQL server (its other processes are idle by now)
		}
		floor, err := storageAlone(ctx, alone, min(nr, 3000), spec.rate*float64(nr)/float64(gw.total), spec.members)
		if err != nil {
			fmt.Fprintln(stderr, "filmbot bench: storage alone:", err)
			return 1
		}
		slices.Sort(floor)
		fmt.Fprintf(stdout, "%-13s %8d %9s %9s %9s   (the store's Rate, same disk or server, same pace, no bot)\n", "  store alone", len(floor),
			pct(floor, 50), pct(floor, 99), floor[len(floor)-1].Round(time.Microsecond))
		rp, fp := pct(gw.lat["rate"], 99), pct(floor, 99)
		fmt.Fprintf(stdout, "rate p99 / store-alone p99 = %.2f (%s / %s)", float64(rp)/float64(max(fp, time.Microsecond)), rp, fp)
		if r := gw.lat["review"]; len(r) > 0 {
			fmt.Fprintf(stdout, "; review p99 / store-alone p99 = %.2f", float64(pct(r, 99))/float64(max(fp, time.Microsecond)))
		}
		fmt.Fprintln(stdout)
	}
	if in.HTTP && ctx.Err() == nil {
		spec.http = true
		web, err := benchOnce(ctx, spec, dir, stdout, stderr)
		if err != nil {
			fmt.Fprintln(stderr, "filmbot bench:", err)
			return 1
		}
		web.print(spec, stdout)
		failed = web.failed(stdout) || failed
		fmt.Fprintf(stdout, "http / gateway, same run: throughput %.2f×", web.throughput()/gw.throughput())
		for _, k := range spec.kinds {
			if len(web.lat[k]) > 0 && len(gw.lat[k]) > 0 {
				fmt.Fprintf(stdout, "; %s p99 %.2f×", k, float64(pct(web.lat[k], 99))/float64(max(pct(gw.lat[k], 99), time.Microsecond)))
			}
		}
		fmt.Fprintln(stdout)
	}
	if in.Locale != "" && ctx.Err() == nil {
		spec.http, spec.locale = false, in.Locale
		loc, err := benchOnce(ctx, spec, dir, stdout, stderr)
		if err != nil {
			fmt.Fprintln(stderr, "filmbot bench:", err)
			return 1
		}
		loc.print(spec, stdout)
		failed = loc.failed(stdout) || failed
		fmt.Fprintf(stdout, "%s / en-US, same run: throughput %.2f×", in.Locale, loc.throughput()/gw.throughput())
		for _, k := range spec.kinds {
			if len(loc.lat[k]) > 0 && len(gw.lat[k]) > 0 {
				fmt.Fprintf(stdout, "; %s p50 %.2f×, p99 %.2f×", k,
					float64(pct(loc.lat[k], 50))/float64(max(pct(gw.lat[k], 50), time.Microsecond)),
					float64(pct(loc.lat[k], 99))/float64(max(pct(gw.lat[k], 99), time.Microsecond)))
			}
		}
		if c, g := loc.cpuPer(), gw.cpuPer(); c > 0 && g > 0 {
			fmt.Fprintf(stdout, "; bot CPU per interaction %.2f× (%s / %s)", float64(c)/float64(g), c, g)
		}
		fmt.Fprintln(stdout)
	}
	if failed {
		return 1
	}
	return 0
}

type benchSpec struct {
	n, members, servers, replicas int
	rate                          float64
	kinds                         []string
	db                            string
	http                          bool
	pin                           bool     // bot on CPU 0, this process on the others
	locale                        string   // the members' Discord locale ("": en-US)
	env                           []string // more of the bot's environment (FILMBOT_STORE_CACHE_MB=0)
}

type benchResult struct {
	how        string
	lat        map[string][]time.Duration
	total      int
	errs       int
	elapsed    time.Duration
	rss        map[string]int
	cpu        time.Duration // the bot's CPU time (user and system) during the run; 0 if unknown
	loadCPU    time.Duration // this process's (sandbox and members): the load side's
	violations []sandbox.Violation
	searches   int // with the fake TMDB: the searches the bot made of it; -1 without
	titles     int // the distinct titles the search kind typed
}

// cpuPer is the bot's CPU time per interaction answered (0 if unknown).
func (r *benchResult) cpuPer() time.Duration {
	if r.cpu <= 0 || r.total == 0 {
		return 0
	}
	return r.cpu / time.Duration(r.total)
}

func (r *benchResult) throughput() float64 { return float64(r.total) / r.elapsed.Seconds() }

// busy is the share of cpus a CPU time kept busy over the run, "-" if
// unknown.
func (r *benchResult) busy(cpu time.Duration, cpus int) string {
	if cpu <= 0 || r.elapsed <= 0 {
		return "-"
	}
	return fmt.Sprintf("%.0f%%", 100*cpu.Seconds()/r.elapsed.Seconds()/float64(cpus))
}

func (r *benchResult) print(spec benchSpec, stdout io.Writer) {
	fmt.Fprintf(stdout, "%-13s %8s %9s %9s %9s   %s\n", "kind", "count", "p50", "p99", "max", r.how)
	for _, k := range spec.kinds {
		if ls := r.lat[k]; len(ls) > 0 {
			fmt.Fprintf(stdout, "%-13s %8d %9s %9s %9s\n", k, len(ls), pct(ls, 50), pct(ls, 99), ls[len(ls)-1].Round(time.Microsecond))
		}
	}
	fmt.Fprintf(stdout, "answered %d in %s: %.0f interactions/s; %d errors; %d violations\n",
		r.total, r.elapsed.Round(time.Millisecond), r.throughput(), r.errs, len(r.violations))
	fmt.Fprintf(stdout, "bot memory (RSS): %.1f MiB after %d interactions, %.1f MiB after %d\n",
		float64(r.rss["warm"])/1024, spec.n/10, float64(r.rss["end"])/1024, spec.n)
	if r.searches >= 0 {
		fmt.Fprintf(stdout, "TMDB (the fake): %d searches made of it for %d distinct typed titles\n", r.searches, r.titles)
	}
}

// failed prints the first violations and reports whether there were
// errors or violations.
func (r *benchResult) failed(stdout io.Writer) bool {
	for _, v := range first(r.violations, 5) {
		fmt.Fprintln(stdout, "  violation:", v)
	}
	return r.errs > 0 || len(r.violations) > 0
}

// benchOnce starts a sandbox and the bot (over the gateway, or with
// spec.http as an Interactions Endpoint, or spec.replicas of them behind
// a load balancer) and runs the load through them.
func benchOnce(ctx context.Context, spec benchSpec, dir string, stdout, stderr io.Writer) (*benchResult, error) {
	r, err := startRig(ctx, spec, dir, nil, stderr)
	if err != nil {
		return nil, err
	}
	defer r.close()
	lang := "en-US"
	if spec.locale != "" {
		lang = spec.locale
	}
	fmt.Fprintf(stdout, "filmbot bench: %d interactions (%s) from %d members (%s) in %d servers (%d shards) at %s/s %s, bot pid %d\n",
		spec.n, strings.Join(spec.kinds, ","), spec.members, lang, spec.servers, r.shards, rateText(spec.rate), r.how, r.children[0].Process.Pid)
	return r.load(ctx, spec.kinds, spec.n, spec.rate, spec.members, spec.locale), nil
}

// rig is a sandbox with the bot under test connected to it.
type rig struct {
	sb       *sandbox.Server
	guilds   []sandbox.Guild
	shards   int
	how      string
	children []*exec.Cmd
	cleanup  []func()
}

func (r *rig) close() {
	for _, c := range r.children {
		c.Process.Signal(os.Interrupt)
		c.Wait()
	}
	for _, f := range slices.Backward(r.cleanup) {
		f()
	}
}

// startRig starts a sandbox and the bot: `filmbot run`, or the process
// that botArgs names (the baseline bot), pinned to CPU 0 when spec.pin.
// When the mix has the "search" kind, the sandbox plays TMDB too and the
// bot is pointed at it (TMDB_API_URL, TMDB_TOKEN, at TMDB_RATE's most).
func startRig(ctx context.Context, spec benchSpec, dir string, botArgs []string, stderr io.Writer) (_ *rig, err error) {
	// Each answer is read once, within milliseconds; keeping only the last
	// two seconds of them keeps the sandbox's heap, and the GC work that
	// competes with the bot for the same cores, small.
	r := &rig{guilds: benchGuilds(spec.servers)}
	r.shards = (spec.servers + 2499) / 2500
	withTMDB := slices.Contains(spec.kinds, "search")
	sb, err := sandbox.Start(sandbox.Options{Retain: 2 * time.Second, Guilds: r.guilds, Shards: r.shards, MaxConcurrency: 16, TMDB: withTMDB})
	if err != nil {
		return nil, err
	}
	r.sb = sb
	r.cleanup = append(r.cleanup, func() { sb.Close() })
	defer func() {
		if err != nil {
			r.close()
		}
	}()
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	benchDB := filepath.Join(dir, "bench-gateway.db")
	r.how = "over the gateway"
	if spec.http {
		benchDB = filepath.Join(dir, "bench-http.db")
		r.how = "over HTTP interactions, straight to one process"
		if spec.replicas > 1 {
			r.how = fmt.Sprintf("over HTTP interactions, %d replicas behind a load balancer", spec.replicas)
		}
	}
	if spec.db != "" {
		benchDB = spec.db
	}
	procs := 1
	if spec.http {
		procs = spec.replicas
	}
	if botArgs == nil {
		botArgs = []string{"run"}
	}
	var backends []string
	for k := range procs {
		name, args := self, botArgs
		if spec.pin {
			name, args = "taskset", append([]string{"-c", "0", self}, botArgs...)
		}
		child := exec.Command(name, args...)
		child.Env = append(os.Environ(), "DISCORD_TOKEN="+sb.Token(), "DISCORD_API_URL="+sb.URL,
			"FILMBOT_DB="+benchDB, "LOG_LEVEL=warn", "DISCORD_GUILD_ID=", "FILMBOT_BACKUP_DIR=", "FILMBOT_HTTP_LISTEN=", "FILMBOT_METRICS_LISTEN=")
		child.Env = append(child.Env, spec.env...)
		if withTMDB {
			child.Env = append(child.Env, "TMDB_API_URL="+sb.TMDB().URL, "TMDB_TOKEN="+sb.TMDB().Token, "TMDB_API_KEY=", "TMDB_RATE=100")
		}
		if spec.pin {
			child.Env = slices.DeleteFunc(child.Env, func(kv string) bool { return strings.HasPrefix(kv, "GOMAXPROCS=") }) // the bot's own choice for one CPU
		}
		if spec.http {
			addr, err := freeAddr()
			if err != nil {
				return nil, err
			}
			backends = append(backends, addr)
			child.Env = append(child.Env, "FILMBOT_HTTP_LISTEN="+addr, "DISCORD_PUBLIC_KEY="+sb.PublicKey(), fmt.Sprintf("FILMBOT_REGISTER=%v", k == 0))
		}
		child.Stderr = stderr
		if err := child.Start(); err != nil {
			return nil, err
		}
		r.children = append(r.children, child)
	}
	wctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	if _, err := sb.WaitCommands(wctx, ""); err != nil {
		return nil, fmt.Errorf("the bot did not register its commands: %w", err)
	}
	if spec.http {
		for _, b := range backends {
			if err := WaitReady(wctx, "http://"+b+"/readyz"); err != nil {
				return nil, err
			}
		}
		// One process is reached as Discord reaches a single-instance
		// deployment, straight; a balancer in front of one backend would
		// only spend the load side's CPU.
		url := "http://" + backends[0]
		if len(backends) > 1 {
			lb, stop, err := NewBalancer(backends).Start()
			if err != nil {
				return nil, err
			}
			r.cleanup = append(r.cleanup, stop)
			url = lb
		}
		if err := sb.SetInteractionsURL(wctx, url+"/interactions"); err != nil {
			return nil, err
		}
	} else if err := sb.WaitConnected(wctx); err != nil {
		return nil, fmt.Errorf("the bot did not connect every shard: %w", err)
	}
	return r, nil
}

// load runs n interactions of kinds, in turn, from members at rate.
func (r *rig) load(ctx context.Context, kinds []string, n int, rate float64, members int, locale string) *benchResult {
	sb, guilds := r.sb, r.guilds
	member := func(w, k int) sandbox.Member {
		return sandbox.Member{GuildID: guilds[k%len(guilds)].ID, UserID: strconv.Itoa(700000000000000000 + w), Name: "member " + strconv.Itoa(w), Locale: locale}
	}
	res := &benchResult{how: r.how, lat: map[string][]time.Duration{}, rss: map[string]int{}, searches: -1}
	pid := r.children[0].Process.Pid
	cpu0, load0 := cpuTime(pid), cpuTime(os.Getpid())
	var typed [searchTitles]atomic.Bool // the search kind's titles typed
	res.elapsed = pace(ctx, n, rate, members, func(w, k int) sample {
		kind := kinds[k%len(kinds)]
		line, opt := benchLines[kind](k)
		if kind == "search" {
			// The kind's own turn, so that any mix types every title.
			line, opt = searchLine(k / len(kinds))
			typed[searchTurn(k/len(kinds))].Store(true)
		}
		var ix *sandbox.Interaction
		var err error
		if opt != "" {
			ix, err = sb.Autocomplete(member(w, k), line, opt)
		} else {
			ix, err = sb.Command(member(w, k), line)
		}
		if err != nil {
			return sample{kind: kind, err: err}
		}
		actx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		a, err := ix.Wait(actx)
		if err != nil {
			return sample{kind: kind, err: err}
		}
		return sample{kind: kind, latency: a.Latency}
	}, func(count int, s sample) {
		if s.err != nil {
			res.errs++
		} else {
			res.lat[s.kind] = append(res.lat[s.kind], s.latency)
		}
		if count == n/10 {
			res.rss["warm"] = vmRSS(pid)
		}
	})
	res.rss["end"] = vmRSS(pid)
	if cpu0 > 0 {
		res.cpu = cpuTime(pid) - cpu0
	}
	if load0 > 0 {
		res.loadCPU = cpuTime(os.Getpid()) - load0
	}
	for _, ls := range res.lat {
		slices.Sort(ls)
		res.total += len(ls)
	}
	res.violations = sb.Violations()
	if f := sb.TMDB(); f != nil {
		res.searches = f.Requests("search/movie")
	}
	for k := range typed {
		if typed[k].Load() {
			res.titles++
		}
	}
	return res
}

// freeAddr is a loopback address with a port free a moment ago.
func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// Balancer is a round-robin load balancer in front of replicas, passing a
// request to the next replica when one refuses the connection (as nginx's
// proxy_next_upstream does); served counts requests per replica.
type Balancer struct {
	backends  []string // host:port
	next      atomic.Uint64
	served    []atomic.Int64
	transport http.RoundTripper
}

// NewBalancer is a balancer in front of backends (host:port each).
func NewBalancer(backends []string) *Balancer {
	return &Balancer{backends: backends, served: make([]atomic.Int64, len(backends)),
		transport: &http.Transport{MaxIdleConnsPerHost: 256, MaxIdleConns: 512, IdleConnTimeout: 90 * time.Second}}
}

// Served is how many requests the replica-th backend answered.
func (b *Balancer) Served(replica int) int64 { return b.served[replica].Load() }

func (b *Balancer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 8<<20)) // kept for a retry on the next replica
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	first := int(b.next.Add(1))
	var lastErr error
	for k := range b.backends {
		idx := (first + k) % len(b.backends)
		req := r.Clone(r.Context())
		req.URL.Scheme, req.URL.Host, req.RequestURI = "http", b.backends[idx], ""
		req.Body, req.ContentLength = io.NopCloser(bytes.NewReader(body)), int64(len(body))
		resp, err := b.transport.RoundTrip(req)
		var op *net.OpError
		if err != nil && errors.As(err, &op) && op.Op == "dial" {
			lastErr = err
			continue // never reached that replica: the next one may take it
		}
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		b.served[idx].Add(1)
		for k, v := range resp.Header {
			w.Header()[k] = v
		}
		w.WriteHeader(resp.StatusCode)
		io.Copy(w, resp.Body)
		resp.Body.Close()
		return
	}
	http.Error(w, fmt.Sprint("no replica answers: ", lastErr), http.StatusBadGateway)
}

// Start serves the balancer on loopback and returns its URL.
func (b *Balancer) Start() (string, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	srv := &http.Server{Handler: b, ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln)
	return "http://" + ln.Addr().String(), func() { srv.Close() }, nil
}

// WaitReady polls a /readyz until it answers 200.
func WaitReady(ctx context.Context, url string) error {
	for {
		resp, err := http.Get(url)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s never ready: %v", url, err)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// benchGuilds makes n servers with ids spread over the shards, each with
// one channel; the first is the sandbox's usual Film Club.
func benchGuilds(n int) []sandbox.Guild {
	gs := sandbox.DefaultGuilds()[:1]
	first, _ := strconv.ParseUint(gs[0].ID, 10, 64)
	for k := uint64(1); len(gs) < n; k++ {
		id := strconv.FormatUint(first+k<<22, 10)
		gs = append(gs, sandbox.Guild{ID: id, Name: "server " + id, Channels: []sandbox.Channel{{ID: strconv.FormatUint(300000000000000000+k, 10), Name: "general"}}})
	}
	return gs
}

type sample struct {
	kind    string
	latency time.Duration
	err     error
}

// pace runs job(w, k) for k in [0, n) on `members` goroutines (w is the
// goroutine's number), releasing job k at k/rate seconds after the start
// (all at once when rate is 0), and hands each result, with how many came
// before it plus one, to collect, which runs on one goroutine.
func pace(ctx context.Context, n int, rate float64, members int, job func(w, k int) sample, collect func(count int, s sample)) time.Duration {
	jobs := make(chan int, members)
	results := make(chan sample, members)
	var wg sync.WaitGroup
	for w := 0; w < members; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range jobs {
				results <- job(w, k)
			}
		}()
	}
	done := make(chan struct{})
	go func() {
		count := 0
		for r := range results {
			count++
			collect(count, r)
		}
		close(done)
	}()
	start := time.Now()
	for k := 0; k < n && ctx.Err() == nil; k++ {
		if rate > 0 {
			if d := time.Until(start.Add(time.Duration(float64(k) / rate * float64(time.Second)))); d > 0 {
				time.Sleep(d)
			}
		}
		jobs <- k
	}
	close(jobs)
	wg.Wait()
	elapsed := time.Since(start)
	close(results)
	<-done
	return elapsed
}

// storageAlone rates Anora n times in the store at spec (a bbolt path or
// a postgres:// URL), at rate per second from members goroutines, and
// returns how long each Rate took.
func storageAlone(ctx context.Context, spec string, n int, rate float64, members int) ([]time.Duration, error) {
	db, err := storage.Open(ctx, spec, storage.Options{})
	if err != nil {
		return nil, err
	}
	defer db.Close()
	films, err := db.Films(context.Background(), storage.BuiltIn)
	if err != nil || len(films) == 0 {
		return nil, fmt.Errorf("no seed film: %v", err)
	}
	scope, err := storage.ParseScope(sandbox.DefaultGuilds()[0].ID)
	if err != nil {
		return nil, err
	}
	var ls []time.Duration
	var failed error
	pace(ctx, n, rate, members, func(w, k int) sample {
		t := time.Now()
		_, err := db.Rate(context.Background(), scope, films[0].ID, uint64(700000000000000000+w), k%10+1)
		return sample{latency: time.Since(t), err: err}
	}, func(_ int, s sample) {
		if s.err != nil {
			failed = s.err
		}
		ls = append(ls, s.latency)
	})
	return ls, failed
}

var benchLines = map[string]func(k int) (line, option string){
	"review": func(k int) (string, string) { return fmt.Sprintf("/review film:anora excerpt:%d", k%12+1), "" },
	"autocomplete": func(k int) (string, string) {
		return "/review film:" + []string{"an", "anroa", "ANORA", "ani"}[k%4], "film"
	},
	"rate": func(k int) (string, string) { return fmt.Sprintf("/rate film:anora score:%d", k%10+1), "" },
	"film": func(k int) (string, string) { return "/film film:anora", "" },
	"cast": func(k int) (string, string) { return "/cast film:anora", "" },
	// search is autocomplete of searchTitles distinct titles in turn,
	// most of them unknown to the catalog, so that TMDB is searched for
	// them: the caches' bound under many searches (searchLine).
	"search": searchLine,
}

// searchLine is the "search" kind's turn-th interaction: its title is
// searchPool[searchTurn(turn)].
func searchLine(turn int) (string, string) {
	return `/review film:"` + searchPool[searchTurn(turn)] + `"`, "film"
}

func rateText(r float64) string {
	if r <= 0 {
		return "max"
	}
	return strconv.FormatFloat(r, 'f', 0, 64)
}

func pct(sorted []time.Duration, p int) time.Duration {
	return sorted[(len(sorted)-1)*p/100].Round(time.Microsecond)
}

func first[T any](s []T, n int) []T { return s[:min(n, len(s))] }

func sortDurations(ds []time.Duration) { slices.Sort(ds) }

// cpuTime is the CPU time a process has used, all its threads, user and
// system, from /proc/PID/stat (0 elsewhere). The kernel counts it in
// ticks of 1/100 s, whatever the machine.
func cpuTime(pid int) time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// The command name, field 2, is in parentheses and may hold spaces.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return 0
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64) // field 14
	stime, err2 := strconv.ParseInt(f[12], 10, 64) // field 15
	if err1 != nil || err2 != nil {
		return 0
	}
	return time.Duration(utime+stime) * 10 * time.Millisecond
}

// vmRSS is a process's resident memory in KiB, from /proc (0 elsewhere).
func vmRSS(pid int) int {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			n, _ := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")))
			return n
		}
	}
	return 0
}
