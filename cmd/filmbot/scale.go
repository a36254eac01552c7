package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/filmbot/filmbot/sandbox"
)

// scaleSpec is `filmbot bench --scale`: the sandbox plays Discord for a
// large bot against several gateway processes on one PostgreSQL, with
// FILMBOT_SHARD_IDS=auto.
type scaleSpec struct {
	on          bool
	servers     int
	shards      int
	concurrency int
	processes   int
	probes      int // servers sent an interaction per pass; 0: all
	members     int
	kill        bool
	db          string
	bin         string        // the bot executable; "" is this one
	logs        io.Writer     // the processes' logs; nil discards them
	heartbeat   time.Duration // the sandbox's gateway heartbeat interval; 0: its default
	lease       time.Duration // FILMBOT_SHARD_LEASE; 0: the default
	logFile     string        // --logs
	window      time.Duration // the sandbox's window for a first answer; 0: Discord's 3 s
}

// scaleFlags adds --scale's flags to bench's.
func scaleFlags(fs *flag.FlagSet) *scaleSpec {
	sc := &scaleSpec{kill: true}
	fs.BoolVar(&sc.on, "scale", false, "simulate a large bot: --servers over --shards, --processes gateway processes with FILMBOT_SHARD_IDS=auto on one PostgreSQL (--db), one killed mid-run")
	fs.IntVar(&sc.shards, "shards", 16, "with --scale: gateway shards")
	fs.IntVar(&sc.concurrency, "max-concurrency", 4, "with --scale: Discord's max_concurrency (shards that may identify per 5 s)")
	fs.IntVar(&sc.processes, "processes", 3, "with --scale: gateway processes")
	fs.IntVar(&sc.probes, "probes", 0, "with --scale: servers sent an interaction in each pass, spread over every shard (0: every server)")
	fs.DurationVar(&sc.lease, "lease", 0, "with --scale: the processes' FILMBOT_SHARD_LEASE (0: its default, 15s)")
	fs.StringVar(&sc.logFile, "logs", "", "with --scale: write the processes' logs to this file (each line prefixed p0, p1…)")
	fs.BoolVar(&sc.kill, "kill", true, "with --scale: kill a process (SIGKILL) after the first pass and time its shards' takeover")
	return sc
}

// scaleResult is what a simulation measured.
type scaleResult struct {
	ready           time.Duration // start to every shard connected
	identifies      int
	violations      []string // identify pacing and every other refusal
	overlaps        int      // a shard identified while another process ran it
	probed          int      // servers probed, over both passes
	exactlyOne      int      // of them, answered, by the one process running their shard
	errors          int      // outside the killed process's shards while it was down
	killedErrors    int
	killed          int   // the process killed (-1: none)
	killedShards    []int // its shards
	takeover        time.Duration
	rate            float64 // interactions per second across the fleet
	rssPer10k       []float64
	rss             []int // KiB, per process at the end of the first pass
	serversPer      []int
	lease, identify time.Duration
	join            time.Duration // a new process started to its share run
	killGap         time.Duration // longest a shard was without a process after the kill
	joinGap         time.Duration // … during the hand-over to a new process
	restartBack     time.Duration // a process stopped gracefully to its shards running elsewhere
	restartGap      time.Duration // longest a shard was without a process then
	restartJoinGap  time.Duration // … and while its replacement got its share
	metrics         []string
}

// scaleGuilds makes n servers spread evenly over the shards.
func scaleGuilds(n int) []sandbox.Guild {
	gs := make([]sandbox.Guild, n)
	for k := range gs {
		id := strconv.FormatUint(uint64(k+1)<<22|1, 10)
		gs[k] = sandbox.Guild{ID: id, Name: "s" + strconv.Itoa(k), Channels: []sandbox.Channel{{ID: strconv.FormatUint(uint64(k+1)<<22|2, 10), Name: "general"}}}
	}
	return gs
}

func shardOf(guildID string, shards int) int {
	id, _ := strconv.ParseUint(guildID, 10, 64)
	return int((id >> 22) % uint64(shards))
}

// runScaleBench is bench --scale: it runs the simulation and prints it.
func runScaleBench(ctx context.Context, sc *scaleSpec, stdout, stderr io.Writer) int {
	if !strings.HasPrefix(sc.db, "postgres://") && !strings.HasPrefix(sc.db, "postgresql://") {
		fmt.Fprintln(stderr, "bench --scale needs --db postgres://… (an empty database): the processes share it")
		return 2
	}
	if sc.servers < sc.shards || sc.shards < 1 || sc.processes < 1 || sc.concurrency < 1 {
		fmt.Fprintln(stderr, "bench --scale: want --servers ≥ --shards ≥ 1, --processes ≥ 1, --max-concurrency ≥ 1")
		return 2
	}
	fmt.Fprintf(stdout, "simulating %d servers on %d shards (max_concurrency %d), %d gateway processes, FILMBOT_SHARD_IDS=auto, PostgreSQL %s\n",
		sc.servers, sc.shards, sc.concurrency, sc.processes, redactDB(sc.db))
	if sc.logFile != "" {
		f, err := os.Create(sc.logFile)
		if err != nil {
			fmt.Fprintln(stderr, "bench --scale:", err)
			return 1
		}
		defer f.Close()
		sc.logs = f
	}
	r, err := runScale(ctx, *sc, stdout)
	if r != nil {
		r.print(stdout)
	}
	if err != nil {
		fmt.Fprintln(stderr, "bench --scale:", err)
		return 1
	}
	if len(r.violations) > 0 || r.overlaps > 0 || r.exactlyOne != r.probed || r.errors > 0 {
		return 1
	}
	return 0
}

func redactDB(u string) string {
	if at := strings.LastIndexByte(u, '@'); at >= 0 {
		if s := strings.Index(u, "://"); s >= 0 && s < at {
			return u[:s+3] + "…" + u[at:]
		}
	}
	return u
}

func (r *scaleResult) print(w io.Writer) {
	fmt.Fprintf(w, "every shard ready after %v (%d identifies; pacing alone needs %v)\n", r.ready.Round(100*time.Millisecond), r.identifies, r.identify.Round(100*time.Millisecond))
	fmt.Fprintf(w, "identify violations and other refusals: %d; shards run by two processes at once: %d\n", len(r.violations), r.overlaps)
	for _, v := range first(r.violations, 5) {
		fmt.Fprintln(w, "  ", v)
	}
	fmt.Fprintf(w, "servers answered by exactly the one process running their shard: %d of %d\n", r.exactlyOne, r.probed)
	if r.killed >= 0 {
		fmt.Fprintf(w, "process %d killed (SIGKILL) with shards %v: its servers answered again after %v (lease %v + identify turns)\n",
			r.killed, r.killedShards, r.takeover.Round(100*time.Millisecond), r.lease)
	}
	if r.join > 0 {
		fmt.Fprintf(w, "a new process got its share by hand-over after %v; longest a shard was without a process: %v after the kill, %v in the hand-over\n",
			r.join.Round(100*time.Millisecond), r.killGap.Round(100*time.Millisecond), r.joinGap.Round(time.Millisecond))
	}
	if r.restartBack > 0 {
		fmt.Fprintf(w, "rolling restart of a process (SIGINT, then its replacement): its shards ran elsewhere after %v; longest a shard was without a process: %v at the stop, %v in the replacement's hand-over\n",
			r.restartBack.Round(100*time.Millisecond), r.restartGap.Round(time.Millisecond), r.restartJoinGap.Round(time.Millisecond))
	}
	for _, m := range r.metrics {
		fmt.Fprintln(w, m)
	}
	for k := range r.rss {
		fmt.Fprintf(w, "process %d: %d servers, RSS %.1f MiB, %.2f MiB per 10,000 servers\n", k, r.serversPer[k], float64(r.rss[k])/1024, r.rssPer10k[k])
	}
	fmt.Fprintf(w, "interactions: %.0f/s across the fleet\n", r.rate)
	fmt.Fprintf(w, "errors: %d (and %d on the killed process's shards while they had no process)\n", r.errors, r.killedErrors)
}

func first[T any](s []T, n int) []T { return s[:min(n, len(s))] }

// runScale runs the simulation. It returns what it measured so far with
// an error when the fleet could not be brought up.
func runScale(ctx context.Context, sc scaleSpec, progress io.Writer) (*scaleResult, error) {
	if sc.members <= 0 {
		sc.members = 64
	}
	if sc.logs == nil {
		sc.logs = io.Discard
	}
	guilds := scaleGuilds(sc.servers)
	if sc.heartbeat <= 0 {
		sc.heartbeat = 5 * time.Second // heartbeats within a short run
	}
	sb, err := sandbox.Start(sandbox.Options{Guilds: guilds, Shards: sc.shards, MaxConcurrency: sc.concurrency, Retain: 5 * time.Second, HeartbeatInterval: sc.heartbeat, ResponseWindow: sc.window})
	if err != nil {
		return nil, err
	}
	defer sb.Close()
	bin := sc.bin
	if bin == "" {
		if bin, err = os.Executable(); err != nil {
			return nil, err
		}
	}
	dir, err := os.MkdirTemp("", "filmbot-scale")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	if sc.lease <= 0 {
		sc.lease = defaultShardLease
	}
	r := &scaleResult{killed: -1, lease: sc.lease}
	turns := (sc.shards + sc.concurrency - 1) / sc.concurrency
	r.identify = time.Duration(turns-1) * 5500 * time.Millisecond
	var mu sync.Mutex // the logs writer
	var procs []*exec.Cmd
	var metricsAt []string
	startProc := func() error {
		k := len(procs)
		addr, err := freePort()
		if err != nil {
			return err
		}
		c := exec.Command(bin, "run")
		c.Dir = dir
		c.Env = append(os.Environ(), "DISCORD_TOKEN="+sb.Token(), "DISCORD_API_URL="+sb.URL, "FILMBOT_DB="+sc.db, "LOG_LEVEL=info",
			"DISCORD_GUILD_ID=", "FILMBOT_BACKUP_DIR=", "FILMBOT_HTTP_LISTEN=", "FILMBOT_METRICS_LISTEN="+addr, "TMDB_TOKEN=", "TMDB_API_KEY=",
			"DISCORD_SHARDS="+strconv.Itoa(sc.shards), "FILMBOT_SHARD_IDS=auto", "FILMBOT_SHARD_LEASE="+sc.lease.String(), fmt.Sprintf("FILMBOT_NAME=p%d", k), fmt.Sprintf("FILMBOT_REGISTER=%v", k == 0))
		c.Stderr = &prefixed{w: sc.logs, mu: &mu, prefix: fmt.Sprintf("p%d ", k)}
		if err := c.Start(); err != nil {
			return err
		}
		procs = append(procs, c)
		metricsAt = append(metricsAt, addr)
		return nil
	}
	defer func() {
		for _, c := range procs {
			if c.ProcessState == nil {
				c.Process.Signal(os.Interrupt)
			}
		}
		var wg sync.WaitGroup // all at once: a large fleet stops in one shutdown's time
		for _, c := range procs {
			if c.ProcessState != nil {
				continue
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				done := make(chan struct{})
				go func() { c.Wait(); close(done) }()
				select {
				case <-done:
				case <-time.After(30 * time.Second):
					c.Process.Kill()
					<-done
				}
			}()
		}
		wg.Wait()
	}()
	began := time.Now()
	for range sc.processes {
		if err := startProc(); err != nil {
			return nil, err
		}
	}
	wctx, cancel := context.WithTimeout(ctx, 5*time.Minute+2*r.identify)
	defer cancel()
	if err := sb.WaitConnected(wctx); err != nil {
		return r, fmt.Errorf("not every shard connected: %w (connected: %d of %d)", err, len(sb.ShardRemotes()), sc.shards)
	}
	r.ready = time.Since(began)
	fmt.Fprintf(progress, "every shard ready after %v\n", r.ready.Round(100*time.Millisecond))
	if _, err := sb.WaitCommands(wctx, ""); err != nil {
		return r, fmt.Errorf("no commands registered: %w", err)
	}
	// settle waits until every shard runs in a live process, each at
	// most its share.
	fair := (sc.shards + sc.processes - 1) / sc.processes
	settle := func() error {
		for {
			owners := shardProcesses(sb, procs)
			counts := make([]int, len(procs))
			var unknown []int
			for s, p := range owners {
				if p >= 0 {
					counts[p]++
				} else {
					unknown = append(unknown, s)
				}
			}
			if len(owners) == sc.shards && slices.Max(counts) <= fair && len(unknown) == 0 {
				return nil
			}
			select {
			case <-wctx.Done():
				return fmt.Errorf("the shards did not settle at their shares: %v; %d shards connected, of no process known: %v", counts, len(owners), unknown)
			case <-time.After(100 * time.Millisecond):
			}
		}
	}
	if err := settle(); err != nil {
		return r, err
	}
	// Which servers to probe: every server, or probes spread over shards.
	byShard := make([][]int, sc.shards)
	for k, g := range guilds {
		s := shardOf(g.ID, sc.shards)
		byShard[s] = append(byShard[s], k)
	}
	var probe []int // round the shards: server 0 of each, then 1…
	want := len(guilds)
	if sc.probes > 0 {
		want = min(sc.probes, len(guilds))
	}
	{
		for k := 0; len(probe) < want; k++ {
			for s := range byShard {
				if k < len(byShard[s]) && len(probe) < want {
					probe = append(probe, byShard[s][k])
				}
			}
		}
	}
	var downMu sync.Mutex
	down := map[string]bool{} // interactions sent to a shard without a process
	ask := func(ctx context.Context, g, k int) error {
		m := sandbox.Member{GuildID: guilds[g].ID, UserID: strconv.FormatUint(uint64(500000000000000000+k), 10), Name: "m"}
		ictx, cancel := context.WithTimeout(ctx, max(5*time.Second, sc.window+2*time.Second))
		defer cancel()
		a, ix, err := sb.Do(ictx, m, "/rate film:anora score:"+strconv.Itoa(1+k%10))
		if err != nil && ix != nil && r.killed >= 0 && slices.Contains(r.killedShards, shardOf(guilds[g].ID, sc.shards)) {
			downMu.Lock()
			down[ix.ID] = true
			downMu.Unlock()
		}
		if err == nil && (a.Message == nil || len(a.Message.Embeds) == 0) {
			err = errors.New("an answer without the rating")
		}
		return err
	}
	// pass probes every chosen server once, members at a time; a server
	// counts as answered by exactly one process when it was answered and
	// its shard ran in one live process throughout.
	var seq atomic.Int64
	pass := func(probe []int) (answered, errs int, took time.Duration) {
		before := shardProcesses(sb, procs)
		jobs := make(chan int)
		var n, e atomic.Int64
		var wg sync.WaitGroup
		start := time.Now()
		for range sc.members {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for g := range jobs {
					if err := ask(ctx, g, int(seq.Add(1))); err != nil {
						e.Add(1)
						continue
					}
					n.Add(1)
				}
			}()
		}
		for _, g := range probe {
			jobs <- g
		}
		close(jobs)
		wg.Wait()
		took = time.Since(start)
		after := shardProcesses(sb, procs)
		ok := int(n.Load())
		for s, p := range before { // a shard that moved mid-pass cannot vouch for its servers
			if p < 0 || after[s] != p {
				for _, g := range probe {
					if shardOf(guilds[g].ID, sc.shards) == s {
						ok--
					}
				}
			}
		}
		return max(ok, 0), int(e.Load()), took
	}
	ok, errs, took := pass(probe)
	r.probed, r.exactlyOne, r.errors = len(probe), ok, errs
	r.rate = float64(len(probe)) / took.Seconds()
	fmt.Fprintf(progress, "first pass: %d servers, %d answered by one process, %d errors, %.0f/s\n", len(probe), ok, errs, r.rate)
	servers := make([]int, len(procs))
	for s, p := range shardProcesses(sb, procs) {
		if p >= 0 {
			servers[p] += len(byShard[s])
		}
	}
	for k, c := range procs {
		rss := procRSS(c.Process.Pid)
		r.rss = append(r.rss, rss)
		r.serversPer = append(r.serversPer, servers[k])
		r.rssPer10k = append(r.rssPer10k, float64(rss)/1024/max(float64(servers[k])/10000, 1e-9))
	}
	if sc.kill && len(procs) > 1 {
		victim := len(procs) - 1
		owners := shardProcesses(sb, procs)
		for s, p := range owners {
			if p == victim {
				r.killedShards = append(r.killedShards, s)
			}
		}
		slices.Sort(r.killedShards)
		r.killed = victim
		killedAt := time.Now()
		procs[victim].Process.Kill()
		procs[victim].Wait()
		// Until every killed shard answers again: one server of each, in
		// turn; the others keep being asked meanwhile (their errors count).
		var other atomic.Int64
		stopOther := make(chan struct{})
		var owg sync.WaitGroup
		owg.Add(1)
		go func() {
			defer owg.Done()
			for k := 0; ; k++ {
				select {
				case <-stopOther:
					return
				default:
				}
				g := probe[k%len(probe)]
				if slices.Contains(r.killedShards, shardOf(guilds[g].ID, sc.shards)) {
					continue
				}
				if ask(ctx, g, int(seq.Add(1))) != nil {
					other.Add(1)
				}
			}
		}()
		back := map[int]bool{}
		for len(back) < len(r.killedShards) {
			if wctx.Err() != nil {
				close(stopOther)
				owg.Wait()
				return r, fmt.Errorf("the killed process's shards %v were not taken over (back: %v)", r.killedShards, back)
			}
			var wg sync.WaitGroup
			var bmu sync.Mutex
			var pending []int
			for _, s := range r.killedShards {
				if !back[s] {
					pending = append(pending, s)
				}
			}
			for _, s := range pending {
				wg.Add(1)
				go func() {
					defer wg.Done()
					ictx, cancel := context.WithTimeout(wctx, 2*time.Second)
					defer cancel()
					if ask(ictx, byShard[s][0], int(seq.Add(1))) == nil {
						bmu.Lock()
						back[s] = true
						bmu.Unlock()
					} else {
						bmu.Lock()
						r.killedErrors++
						bmu.Unlock()
					}
				}()
			}
			wg.Wait()
		}
		r.takeover = time.Since(killedAt)
		close(stopOther)
		owg.Wait()
		r.errors += int(other.Load())
		fmt.Fprintf(progress, "process %d killed: its shards %v answered again after %v\n", victim, r.killedShards, r.takeover.Round(100*time.Millisecond))
		r.killGap = longestGap(sb.ShardGaps(), killedAt)
		// A new process takes the dead one's place: it gets its share by
		// hand-over from the others (a rolling restart's second half).
		joinedAt := time.Now()
		if err := startProc(); err != nil {
			return r, err
		}
		// joined waits until the newest process has its share and the
		// fleet is settled.
		joined := func() error {
			for {
				n := 0
				for _, p := range shardProcesses(sb, procs) {
					if p == len(procs)-1 {
						n++
					}
				}
				if n >= sc.shards-(sc.processes-1)*fair {
					return settle()
				}
				select {
				case <-wctx.Done():
					return fmt.Errorf("the new process got %d shards, not its share", n)
				case <-time.After(100 * time.Millisecond):
				}
			}
		}
		if err := joined(); err != nil {
			return r, err
		}
		r.join = time.Since(joinedAt)
		r.joinGap = longestGap(sb.ShardGaps(), joinedAt)
		fmt.Fprintf(progress, "a new process got its share by hand-over after %v; shards handed over were without a process for at most %v\n", r.join.Round(100*time.Millisecond), r.joinGap.Round(time.Millisecond))
		// A rolling restart's step: the first process stopped gracefully
		// (SIGINT: it finishes, stops its shards and releases them), the
		// others take them; then its replacement gets its share.
		var mine []int
		for s, p := range shardProcesses(sb, procs) {
			if p == 0 {
				mine = append(mine, s)
			}
		}
		stoppedAt := time.Now()
		procs[0].Process.Signal(os.Interrupt)
		procs[0].Wait()
		for {
			owners := shardProcesses(sb, procs)
			back := 0
			for _, s := range mine {
				if p, ok := owners[s]; ok && p > 0 {
					back++
				}
			}
			if back == len(mine) {
				break
			}
			select {
			case <-wctx.Done():
				return r, fmt.Errorf("the stopped process's shards were not taken: %d of %d", back, len(mine))
			case <-time.After(100 * time.Millisecond):
			}
		}
		r.restartBack = time.Since(stoppedAt)
		r.restartGap = longestGap(sb.ShardGaps(), stoppedAt)
		joinedAt = time.Now()
		if err := startProc(); err != nil {
			return r, err
		}
		if err := joined(); err != nil {
			return r, err
		}
		r.restartJoinGap = longestGap(sb.ShardGaps(), joinedAt)
		fmt.Fprintf(progress, "process 0 stopped (SIGINT): its %d shards ran elsewhere after %v; then its replacement got its share; longest a shard was without a process: %v, %v\n",
			len(mine), r.restartBack.Round(100*time.Millisecond), r.restartGap.Round(time.Millisecond), r.restartJoinGap.Round(time.Millisecond))
		// Second pass, on the fleet as it is now: every tenth server of
		// the first (the probes go round the shards, so all of them).
		var again []int
		for k := 0; k < len(probe); k += 10 {
			again = append(again, probe[k])
		}
		ok, errs, took := pass(again)
		r.probed += len(again)
		r.exactlyOne += ok
		r.errors += errs
		fmt.Fprintf(progress, "second pass: %d servers, %d answered by one process, %d errors, %.0f/s\n", len(again), ok, errs, float64(len(again))/took.Seconds())
	}
	r.identifies = len(sb.Identifies())
	for _, v := range sb.Violations() {
		if !down[v.Interaction] { // unanswered: no process ran its shard then
			r.violations = append(r.violations, v.What)
		}
	}
	r.overlaps = len(sb.ShardOverlaps())
	for k, c := range procs {
		if c.ProcessState == nil {
			r.metrics = append(r.metrics, fmt.Sprintf("process %d: %s", k, shardMetrics("http://"+metricsAt[k]+"/metrics")))
		}
	}
	return r, nil
}

// longestGap is the longest a shard was without a connection, of the
// gaps ended after since.
func longestGap(gaps []sandbox.ShardGap, since time.Time) time.Duration {
	var d time.Duration
	for _, g := range gaps {
		if g.At.After(since) {
			d = max(d, g.Down)
		}
	}
	return d
}

// shardMetrics reads a process's shard metrics from /metrics.
func shardMetrics(url string) string {
	resp, err := http.Get(url)
	if err != nil {
		return err.Error()
	}
	defer resp.Body.Close()
	var out []string
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "filmbot_shards_owned") || strings.HasPrefix(line, "filmbot_shard_claims_total") {
			out = append(out, line)
		}
	}
	return strings.Join(out, ", ")
}

// freePort is a free loopback address.
func freePort() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// shardProcesses maps each shard with a live connection to the process
// (index in procs) at its end, -1 for none of them: the sandbox names
// the connection's address, /proc the process holding that socket.
func shardProcesses(sb *sandbox.Server, procs []*exec.Cmd) map[int]int {
	remotes := sb.ShardRemotes()
	_, gwPort, _ := strings.Cut(strings.TrimPrefix(sb.URL, "http://"), ":")
	inodes := socketInodes(gwPort)
	byInode := map[string]int{}
	for k, c := range procs {
		if c.ProcessState != nil {
			continue
		}
		fds, _ := os.ReadDir(fmt.Sprintf("/proc/%d/fd", c.Process.Pid))
		for _, fd := range fds {
			l, err := os.Readlink(filepath.Join(fmt.Sprintf("/proc/%d/fd", c.Process.Pid), fd.Name()))
			if err == nil && strings.HasPrefix(l, "socket:[") {
				byInode[strings.TrimSuffix(strings.TrimPrefix(l, "socket:["), "]")] = k
			}
		}
	}
	out := map[int]int{}
	for s, remote := range remotes {
		out[s] = -1
		_, port, _ := strings.Cut(remote, ":")
		if p, ok := byInode[inodes[port]]; ok {
			out[s] = p
		}
	}
	return out
}

// socketInodes maps local TCP ports (as decimal strings) of the sockets
// connected to remotePort (the sandbox's) to their inodes, from
// /proc/net/tcp and tcp6.
func socketInodes(remotePort string) map[string]string {
	out := map[string]string{}
	for _, f := range []string{"/proc/net/tcp", "/proc/net/tcp6"} {
		fh, err := os.Open(f)
		if err != nil {
			continue
		}
		sc := bufio.NewScanner(fh)
		sc.Scan() // header
		for sc.Scan() {
			fields := strings.Fields(sc.Text())
			if len(fields) < 10 {
				continue
			}
			_, hexPort, _ := strings.Cut(fields[1], ":")
			port, err := strconv.ParseUint(hexPort, 16, 16)
			if err != nil {
				continue
			}
			_, hexRemote, _ := strings.Cut(fields[2], ":")
			if rp, err := strconv.ParseUint(hexRemote, 16, 16); err != nil || strconv.FormatUint(rp, 10) != remotePort {
				continue
			}
			if _, seen := out[strconv.FormatUint(port, 10)]; !seen || fields[3] == "01" { // an established socket first
				out[strconv.FormatUint(port, 10)] = fields[9]
			}
		}
		fh.Close()
	}
	return out
}

// procRSS is a process's resident memory in KiB (0 outside Linux).
func procRSS(pid int) int {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			n, _ := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")))
			return n
		}
	}
	return 0
}

// prefixed writes each line with a prefix, whole lines at a time.
type prefixed struct {
	w      io.Writer
	mu     *sync.Mutex
	prefix string
	buf    []byte
}

func (p *prefixed) Write(b []byte) (int, error) {
	p.buf = append(p.buf, b...)
	for {
		i := slices.Index(p.buf, '\n')
		if i < 0 {
			return len(b), nil
		}
		p.mu.Lock()
		fmt.Fprintf(p.w, "%s%s\n", p.prefix, p.buf[:i])
		p.mu.Unlock()
		p.buf = p.buf[i+1:]
	}
}
