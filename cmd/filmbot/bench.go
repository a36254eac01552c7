package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/filmbot/filmbot/sandbox"
	"github.com/filmbot/filmbot/storage"
	"github.com/filmbot/filmbot/storage/bolt"
)

// runBench drives concurrent members through a sandbox against the real
// bot (this binary, started as `filmbot run` in a child process) and
// prints throughput, latency from dispatch to callback, and the bot's
// memory.
func runBench(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	n := fs.Int("n", 20000, "interactions to send")
	rate := fs.Float64("rate", 1000, "target interactions per second (0: as fast as the members can)")
	members := fs.Int("members", 64, "concurrent members")
	mix := fs.String("mix", "review,autocomplete,rate", "kinds of interaction, sent in turn")
	servers := fs.Int("servers", 1, "servers the bot is in, used in turn (Discord asks for a shard per 2,500)")
	dbFlag := fs.String("db", "", "the bot's database: a postgres:// URL of an empty database (default: a new bbolt file)")
	if code, done := parseFlags(fs, args, stdout); done {
		return code
	}
	if fs.NArg() > 0 || *n < 1 || *members < 1 || *servers < 1 || *servers > 1000000 {
		fmt.Fprintln(stderr, "filmbot bench: --n, --members and --servers (up to 1,000,000) are at least 1, and no other arguments")
		return 2
	}
	kinds := strings.Split(*mix, ",")
	for _, k := range kinds {
		if _, ok := benchLines[k]; !ok {
			fmt.Fprintf(stderr, "filmbot bench: unknown kind %q (review, autocomplete, rate)\n", k)
			return 2
		}
	}
	// Each answer is read once, within milliseconds; keeping only the last
	// two seconds of them keeps the sandbox's heap, and the GC work that
	// competes with the bot for the same cores, small.
	guilds := benchGuilds(*servers)
	shards := (*servers + 2499) / 2500
	sb, err := sandbox.Start(sandbox.Options{Retain: 2 * time.Second, Guilds: guilds, Shards: shards, MaxConcurrency: 16})
	if err != nil {
		fmt.Fprintln(stderr, "filmbot bench:", err)
		return 1
	}
	defer sb.Close()
	self, err := os.Executable()
	if err != nil {
		fmt.Fprintln(stderr, "filmbot bench:", err)
		return 1
	}
	dir, err := os.MkdirTemp("", "filmbot-bench")
	if err != nil {
		fmt.Fprintln(stderr, "filmbot bench:", err)
		return 1
	}
	defer os.RemoveAll(dir)
	child := exec.Command(self, "run")
	benchDB := filepath.Join(dir, "bench.db")
	if *dbFlag != "" {
		benchDB = *dbFlag
	}
	child.Env = append(os.Environ(), "DISCORD_TOKEN="+sb.Token(), "DISCORD_API_URL="+sb.URL,
		"FILMBOT_DB="+benchDB, "LOG_LEVEL=warn", "DISCORD_GUILD_ID=", "FILMBOT_BACKUP_DIR=")
	child.Stderr = stderr
	if err := child.Start(); err != nil {
		fmt.Fprintln(stderr, "filmbot bench:", err)
		return 1
	}
	defer func() {
		child.Process.Signal(os.Interrupt)
		child.Wait()
	}()
	wctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	if _, err := sb.WaitCommands(wctx, ""); err != nil {
		fmt.Fprintln(stderr, "filmbot bench: the bot did not connect:", err)
		return 1
	}
	if err := sb.WaitConnected(wctx); err != nil {
		fmt.Fprintln(stderr, "filmbot bench: the bot did not connect every shard:", err)
		return 1
	}
	fmt.Fprintf(stdout, "filmbot bench: %d interactions (%s) from %d members in %d servers (%d shards) at %s/s, bot pid %d\n",
		*n, *mix, *members, *servers, shards, rateText(*rate), child.Process.Pid)

	member := func(w, k int) sandbox.Member {
		return sandbox.Member{GuildID: guilds[k%len(guilds)].ID, UserID: strconv.Itoa(700000000000000000 + w), Name: "member " + strconv.Itoa(w)}
	}
	lat := map[string][]time.Duration{}
	errs := 0
	rss := map[string]int{}
	elapsed := pace(ctx, *n, *rate, *members, func(w, k int) sample {
		kind := kinds[k%len(kinds)]
		line, opt := benchLines[kind](k)
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
	}, func(count int, r sample) {
		if r.err != nil {
			errs++
		} else {
			lat[r.kind] = append(lat[r.kind], r.latency)
		}
		if count == *n/10 {
			rss["warm"] = vmRSS(child.Process.Pid)
		}
	})
	rss["end"] = vmRSS(child.Process.Pid)
	total := 0
	fmt.Fprintf(stdout, "%-13s %8s %9s %9s %9s\n", "kind", "count", "p50", "p99", "max")
	for _, k := range kinds {
		ls := lat[k]
		slices.Sort(ls)
		total += len(ls)
		if len(ls) == 0 {
			continue
		}
		fmt.Fprintf(stdout, "%-13s %8d %9s %9s %9s\n", k, len(ls), pct(ls, 50), pct(ls, 99), ls[len(ls)-1].Round(time.Microsecond))
	}
	// The baseline: the store alone, on the same disk, rating at the pace
	// /rate had, with no sandbox, gateway or HTTP. A /rate answer waits
	// for its commit, so it cannot beat this.
	var floor []time.Duration
	if nr := len(lat["rate"]); nr > 0 && ctx.Err() == nil {
		alone := filepath.Join(dir, "alone.db") // a fresh file on the same disk
		if *dbFlag != "" {
			alone = *dbFlag // the same PostgreSQL server (its other processes are idle by now)
		}
		floor, err = storageAlone(ctx, alone, min(nr, 3000), *rate*float64(nr)/float64(total), *members)
		if err != nil {
			fmt.Fprintln(stderr, "filmbot bench: storage alone:", err)
			return 1
		}
		slices.Sort(floor)
		fmt.Fprintf(stdout, "%-13s %8d %9s %9s %9s   (the store's Rate, same disk or server, same pace, no bot)\n", "  store alone", len(floor),
			pct(floor, 50), pct(floor, 99), floor[len(floor)-1].Round(time.Microsecond))
	}
	fmt.Fprintf(stdout, "answered %d in %s: %.0f interactions/s; %d errors; %d violations\n",
		total, elapsed.Round(time.Millisecond), float64(total)/elapsed.Seconds(), errs, len(sb.Violations()))
	fmt.Fprintf(stdout, "bot memory (RSS): %.1f MiB after %d interactions, %.1f MiB after %d\n",
		float64(rss["warm"])/1024, *n/10, float64(rss["end"])/1024, *n)
	if len(floor) > 0 {
		rp, fp := pct(lat["rate"], 99), pct(floor, 99)
		fmt.Fprintf(stdout, "rate p99 / store-alone p99 = %.2f (%s / %s)", float64(rp)/float64(max(fp, time.Microsecond)), rp, fp)
		if r := lat["review"]; len(r) > 0 {
			fmt.Fprintf(stdout, "; review p99 / store-alone p99 = %.2f", float64(pct(r, 99))/float64(max(fp, time.Microsecond)))
		}
		fmt.Fprintln(stdout)
	}
	if errs > 0 || len(sb.Violations()) > 0 {
		for _, v := range first(sb.Violations(), 5) {
			fmt.Fprintln(stdout, "  violation:", v)
		}
		return 1
	}
	return 0
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
	db, msg := openStore(ctx, Config{DB: spec}, bolt.Options{}, nil, false)
	if db == nil {
		return nil, errors.New(msg)
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
		_, _, err := db.Rate(context.Background(), scope, films[0].ID, uint64(700000000000000000+w), k%10+1)
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
