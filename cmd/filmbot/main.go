// Command filmbot is the film-discussion Discord bot.
//
//	filmbot [run]                       connect to Discord and serve
//	filmbot try [flags] '/review film:anora'   run one command locally and print the answer
//
// Settings come from the environment and from .env in the working
// directory; the real environment wins. See .env.example.
package main

import (
	"context"
	"crypto/ed25519"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
	_ "time/tzdata" // time zones for /settings timezone on machines without them

	"github.com/bwmarrin/discordgo"
	"github.com/joho/godotenv"

	"github.com/filmbot/filmbot/bot"
	"github.com/filmbot/filmbot/commands"
	"github.com/filmbot/filmbot/limits"
	"github.com/filmbot/filmbot/metrics"
	"github.com/filmbot/filmbot/nights"
	"github.com/filmbot/filmbot/storage"
	_ "github.com/filmbot/filmbot/storage/bolt"     // FILMBOT_DB as a file path
	_ "github.com/filmbot/filmbot/storage/postgres" // FILMBOT_DB as a postgres:// URL
)

func main() {
	// godotenv.Load never overrides variables already set: the real
	// environment wins. A missing .env is fine.
	if err := godotenv.Load(); err != nil && !errors.Is(err, os.ErrNotExist) {
		fmt.Fprintln(os.Stderr, "filmbot: reading .env:", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(Main(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr))
}

// Config is every setting filmbot reads.
type Config struct {
	Token    string // DISCORD_TOKEN
	GuildID  string // DISCORD_GUILD_ID
	DB       string // FILMBOT_DB
	DBSet    bool   // FILMBOT_DB was given (else DB is the default)
	LogLevel string // LOG_LEVEL
	APIURL   string // DISCORD_API_URL
	Shards   string // DISCORD_SHARDS

	BackupDir   string // FILMBOT_BACKUP_DIR
	BackupEvery string // FILMBOT_BACKUP_EVERY
	BackupKeep  string // FILMBOT_BACKUP_KEEP

	HTTPListen    string // FILMBOT_HTTP_LISTEN
	PublicKey     string // DISCORD_PUBLIC_KEY
	Register      string // FILMBOT_REGISTER
	MetricsListen string // FILMBOT_METRICS_LISTEN
	Name          string // FILMBOT_NAME
	ShardIDs      string // FILMBOT_SHARD_IDS
	ShardLease    string // FILMBOT_SHARD_LEASE

	AutocompleteMB string // FILMBOT_AUTOCOMPLETE_CACHE_MB
	StoreCacheMB   string // FILMBOT_STORE_CACHE_MB

	TMDBToken  string // TMDB_TOKEN
	TMDBAPIKey string // TMDB_API_KEY
	TMDBAPIURL string // TMDB_API_URL
	TMDBRate   string // TMDB_RATE
}

func loadConfig(getenv func(string) string) Config {
	c := Config{
		Token:    strings.TrimSpace(getenv("DISCORD_TOKEN")),
		GuildID:  strings.TrimSpace(getenv("DISCORD_GUILD_ID")),
		DB:       getenv("FILMBOT_DB"),
		LogLevel: getenv("LOG_LEVEL"),
		APIURL:   strings.TrimSpace(getenv("DISCORD_API_URL")),
		Shards:   strings.TrimSpace(getenv("DISCORD_SHARDS")),

		BackupDir:   strings.TrimSpace(getenv("FILMBOT_BACKUP_DIR")),
		BackupEvery: strings.TrimSpace(getenv("FILMBOT_BACKUP_EVERY")),
		BackupKeep:  strings.TrimSpace(getenv("FILMBOT_BACKUP_KEEP")),

		HTTPListen: strings.TrimSpace(getenv("FILMBOT_HTTP_LISTEN")),
		PublicKey:  strings.TrimSpace(getenv("DISCORD_PUBLIC_KEY")),
		Register:   strings.TrimSpace(getenv("FILMBOT_REGISTER")),

		MetricsListen: strings.TrimSpace(getenv("FILMBOT_METRICS_LISTEN")),
		Name:          strings.TrimSpace(getenv("FILMBOT_NAME")),
		ShardIDs:      strings.TrimSpace(getenv("FILMBOT_SHARD_IDS")),
		ShardLease:    strings.TrimSpace(getenv("FILMBOT_SHARD_LEASE")),

		AutocompleteMB: strings.TrimSpace(getenv("FILMBOT_AUTOCOMPLETE_CACHE_MB")),
		StoreCacheMB:   strings.TrimSpace(getenv("FILMBOT_STORE_CACHE_MB")),

		TMDBToken:  strings.TrimSpace(getenv("TMDB_TOKEN")),
		TMDBAPIKey: strings.TrimSpace(getenv("TMDB_API_KEY")),
		TMDBAPIURL: strings.TrimSpace(getenv("TMDB_API_URL")),
		TMDBRate:   strings.TrimSpace(getenv("TMDB_RATE")),
	}
	if c.DBSet = c.DB != ""; !c.DBSet {
		c.DB = "filmbot.db"
	}
	return c
}

// maxShards bounds DISCORD_SHARDS: a shard per 2,500 servers, so 1,024
// shards carry 2.5 million, and a typo cannot open thousands of sockets.
const maxShards = 1024

// Bounds of FILMBOT_SHARD_LEASE: a renewal goes every third of it, and a
// shard whose renewals fail stops two thirds into it.
const (
	minShardLease     = 3 * time.Second
	maxShardLease     = 5 * time.Minute
	defaultShardLease = 15 * time.Second
)

// shardLease reads FILMBOT_SHARD_LEASE: how long a process's claim on a
// shard (and its heartbeat) lasts without renewal, so how long a dead
// process's shards wait before another takes them over.
func (c Config) shardLease() (time.Duration, error) {
	if c.ShardLease == "" {
		return defaultShardLease, nil
	}
	d, err := time.ParseDuration(c.ShardLease)
	if err != nil || d < minShardLease || d > maxShardLease {
		return 0, fmt.Errorf("FILMBOT_SHARD_LEASE %q: want a duration from %v to %v (default %v)", c.ShardLease, minShardLease, maxShardLease, defaultShardLease)
	}
	return d, nil
}

// shards reads DISCORD_SHARDS: empty or "auto" for Discord's
// recommendation (0), else a count from 1 to maxShards.
func (c Config) shards() (int, error) {
	if c.Shards == "" || strings.EqualFold(c.Shards, "auto") {
		return 0, nil
	}
	n, err := strconv.Atoi(c.Shards)
	if err != nil || n < 1 || n > maxShards {
		return 0, fmt.Errorf("DISCORD_SHARDS %q: want auto or a number of shards from 1 to %d", c.Shards, maxShards)
	}
	return n, nil
}

func newLogger(level string, w io.Writer) (*slog.Logger, error) {
	var l slog.Level
	if level != "" {
		if err := l.UnmarshalText([]byte(level)); err != nil {
			return nil, fmt.Errorf("LOG_LEVEL %q: want debug, info, warn or error", level)
		}
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: l})), nil
}

const usage = `filmbot: a Discord bot for film discussion.

Usage:
  filmbot [--listen 127.0.0.1:8080] [--db PATH]
                       with DISCORD_TOKEN: run on Discord; without: open the local playground
  filmbot run          connect to Discord (needs DISCORD_TOKEN) and serve until SIGINT/SIGTERM
  filmbot playground [--listen 127.0.0.1:8080] [--db PATH]
                       the bot on a local sandbox, with a Discord-like page in your browser; its
                       data goes in filmbot-playground.db (or --db), never in FILMBOT_DB
  filmbot try [flags] '/review film:anora about:"Drew Daniels"'
                       run one slash command locally and print the bot's answer
  filmbot sandbox [--listen 127.0.0.1:PORT] [--shards 1] [--interactions-url URL]
                       run a local Discord-compatible server alone; prints its address and a bot token
                       (and, without TMDB_TOKEN, a local stand-in for TMDB's API: TMDB_API_URL, TMDB_TOKEN)
  filmbot bench [--n 20000] [--rate 1000] [--members 64] [--mix review,autocomplete,rate] [--servers 1]
               [--db URL] [--http [--replicas N]] [--baseline [--pin=false]]
                       load the real bot through a sandbox; print interactions/s, p50/p99, memory
  filmbot backup PATH  copy the database (FILMBOT_DB) to PATH while no bot is running; a running
                       bot makes its own with FILMBOT_BACKUP_DIR
  filmbot register     register the slash commands with Discord and exit (for deployments
                       where FILMBOT_REGISTER=off, so that one process does it)
  filmbot copy SRC DST copy a whole database between stores (a bbolt file or a postgres:// URL,
                       either way), ids kept, into an empty target; the counts are checked;
                       copy --restart SRC DST empties the target of an interrupted copy and starts over
  filmbot invite [APPLICATION_ID]
                       print the link that adds the bot to a server, with every permission its
                       commands need (without an id: the application of DISCORD_TOKEN)
  filmbot help [SUBCOMMAND]
                       this text, or a subcommand's usage and flags (as filmbot SUBCOMMAND -h)

Settings (environment or .env): DISCORD_TOKEN, DISCORD_GUILD_ID, FILMBOT_DB,
LOG_LEVEL, DISCORD_API_URL, DISCORD_SHARDS, FILMBOT_BACKUP_DIR,
FILMBOT_BACKUP_EVERY, FILMBOT_BACKUP_KEEP, FILMBOT_HTTP_LISTEN,
DISCORD_PUBLIC_KEY, FILMBOT_REGISTER, FILMBOT_METRICS_LISTEN, FILMBOT_NAME,
FILMBOT_SHARD_IDS, FILMBOT_SHARD_LEASE, FILMBOT_AUTOCOMPLETE_CACHE_MB, FILMBOT_STORE_CACHE_MB,
TMDB_TOKEN, TMDB_API_KEY,
TMDB_API_URL, TMDB_RATE.
See .env.example and README.md.
`

const noToken = `filmbot: DISCORD_TOKEN is not set.

To connect to Discord, create an application at https://discord.com/developers/applications,
add a bot to it, copy its token into .env as DISCORD_TOKEN=..., and invite the bot with the
link that filmbot invite APPLICATION_ID prints (README.md, "Connect to Discord", has the steps).

To try the bot without Discord, in your browser:
  go run ./cmd/filmbot playground
or one command at a time:
  go run ./cmd/filmbot try '/review film:anora'
`

// Main runs filmbot with args and returns the exit status.
func Main(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	cfg := loadConfig(getenv)
	log, err := newLogger(cfg.LogLevel, stderr)
	if err != nil {
		fmt.Fprintln(stderr, "filmbot:", err)
		return 2
	}
	sub := "default"
	if len(args) > 0 && isHelp(args[0]) {
		sub = "help"
	} else if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		sub, args = args[0], args[1:]
	}
	switch sub {
	case "default":
		// With a token: Discord. Without: the local playground.
		if cfg.Token != "" {
			return run(ctx, cfg, log, stderr)
		}
		return runPlayground(ctx, cfg, args, true, log, stdout, stderr)
	case "run":
		fs := flag.NewFlagSet("run", flag.ContinueOnError)
		fs.SetOutput(stderr)
		usageFor(fs, "run", "Connects to Discord with DISCORD_TOKEN and serves until SIGINT or SIGTERM: over the gateway,\n"+
			"or as an Interactions Endpoint with FILMBOT_HTTP_LISTEN. Settings come from the environment\nand .env (see .env.example).")
		if code, done := parseFlags(fs, args, stdout); done {
			return code
		}
		if fs.NArg() > 0 {
			fmt.Fprintf(stderr, "filmbot run: unexpected %q (run takes no arguments; settings come from the environment)\n", fs.Arg(0))
			return 2
		}
		return run(ctx, cfg, log, stderr)
	case "playground":
		return runPlayground(ctx, cfg, args, false, log, stdout, stderr)
	case "try":
		return try(ctx, cfg, args, stdout, stderr)
	case "sandbox":
		return runSandbox(ctx, cfg, args, stdout, stderr)
	case "bench":
		return runBench(ctx, args, stdout, stderr)
	case "backup":
		return runBackup(cfg, args, stdout, stderr)
	case "copy":
		return runCopy(ctx, args, stdout, stderr)
	case "register":
		return runRegister(ctx, cfg, args, stdout, stderr)
	case "invite":
		return runInvite(ctx, cfg, args, stdout, stderr)
	case "help":
		// filmbot help SUBCOMMAND is filmbot SUBCOMMAND -h.
		if len(args) > 1 && args[0] == "help" && slices.Contains(subcommands, args[1]) && args[1] != "help" {
			return Main(ctx, []string{args[1], "-h"}, getenv, stdout, stderr)
		}
		fmt.Fprint(stdout, usage)
		return 0
	}
	fmt.Fprintf(stderr, "filmbot: unknown command %q\n\n%s", sub, usage)
	return 2
}

// subcommands are every subcommand Main knows, each named in usage and
// answering -h and --help with its own usage.
var subcommands = []string{"run", "playground", "try", "sandbox", "bench", "backup", "register", "copy", "invite", "help"}

// usageFor sets fs's usage: its synopsis, what it does, and its flags if
// it has any.
func usageFor(fs *flag.FlagSet, synopsis, about string) {
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: filmbot %s\n\n%s\n", synopsis, about)
		flags := false
		fs.VisitAll(func(*flag.Flag) { flags = true })
		if flags {
			fmt.Fprintln(fs.Output(), "\nFlags:")
			fs.PrintDefaults()
		}
	}
}

func isHelp(arg string) bool {
	return arg == "-h" || arg == "--help" || arg == "-help" || arg == "help"
}

// parseFlags parses a subcommand's flags. -h or --help prints its usage
// on stdout (exit 0); a bad flag prints the error and the usage on
// stderr (exit 2). done tells the caller to return code.
func parseFlags(fs *flag.FlagSet, args []string, stdout io.Writer) (code int, done bool) {
	for _, a := range args {
		if a == "--" {
			break
		}
		if isHelp(a) && a != "help" {
			out := fs.Output()
			fs.SetOutput(stdout)
			fs.Usage()
			fs.SetOutput(out)
			return 0, true
		}
	}
	if err := fs.Parse(args); err != nil {
		return 2, true
	}
	return 0, false
}

func run(ctx context.Context, cfg Config, log *slog.Logger, stderr io.Writer) int {
	if cfg.Token == "" {
		fmt.Fprint(stderr, noToken)
		return 2
	}
	return serve(ctx, cfg, log, nil)
}

// settings are serve's settings, read and checked before anything starts.
type settings struct {
	shards   int
	shardIDs []int         // nil: every shard
	auto     bool          // FILMBOT_SHARD_IDS=auto: claimed from the pool
	lease    time.Duration // FILMBOT_SHARD_LEASE
	backup   backups
	register bool
	key      ed25519.PublicKey

	catalogBytes int64 // FILMBOT_AUTOCOMPLETE_CACHE_MB in bytes
	storeBytes   int64 // FILMBOT_STORE_CACHE_MB in bytes; 0: no cache
	tmdbRate     float64
}

func (c Config) settings() (settings, error) {
	var st settings
	var err error
	if st.shards, err = c.shards(); err != nil {
		return st, err
	}
	if strings.EqualFold(c.ShardIDs, "auto") {
		st.auto = true
	} else if st.shardIDs, err = bot.ParseShardIDs(c.ShardIDs, maxShards); err != nil {
		return st, err
	}
	if n := len(st.shardIDs); n > 0 && st.shards > 0 && st.shardIDs[n-1] >= st.shards {
		return st, fmt.Errorf("FILMBOT_SHARD_IDS names shard %d, and DISCORD_SHARDS is %d (shards 0–%d)", st.shardIDs[n-1], st.shards, st.shards-1)
	}
	if st.lease, err = c.shardLease(); err != nil {
		return st, err
	}
	if st.backup, err = c.backupSettings(); err != nil {
		return st, err
	}
	if st.register, err = c.register(); err != nil {
		return st, err
	}
	if st.key, err = c.publicKey(); err != nil {
		return st, err
	}
	if st.catalogBytes, err = c.catalogCache(); err != nil {
		return st, err
	}
	if st.storeBytes, err = c.storeCache(); err != nil {
		return st, err
	}
	if st.tmdbRate, err = c.tmdbRate(); err != nil {
		return st, err
	}
	return st, c.checkMetricsListen()
}

// serve runs the bot on cfg's token and API until ctx ends: over the
// gateway, or as an Interactions Endpoint with FILMBOT_HTTP_LISTEN.
// ready, if set, is closed once the session is set up.
func serve(ctx context.Context, cfg Config, log *slog.Logger, ready chan<- struct{}) int {
	st, err := cfg.settings()
	if err != nil {
		log.Error("bad settings", "err", err)
		return 2
	}
	if cfg.HTTPListen != "" {
		log = log.With("replica", cfg.name())
	} else if st.shardIDs != nil {
		log = log.With("shards", bot.FormatShardIDs(st.shardIDs))
	} else if st.auto {
		log = log.With("shards", "auto")
	}
	m := metrics.New(nil)
	kind := storeKind(cfg.DB)
	db, msg := openStore(ctx, cfg, storage.Options{OnGroup: func(n int) { m.Group(kind, n) }}, log, true)
	if db == nil {
		log.Error(msg)
		return 1
	}
	defer func() {
		if err := db.Close(); err != nil {
			log.Error("closing the database", "err", err)
		} else {
			log.Info("database closed", "db", bot.RedactURL(cfg.DB))
		}
	}()
	waitBackups := func() {}
	bctx, stopBackups := context.WithCancel(ctx)
	if fb, ok := db.(storage.FileBackups); ok {
		waitBackups = startBackups(bctx, fb, st.backup, log)
	}
	defer func() { stopBackups(); waitBackups() }() // before the database closes
	bcfg := bot.Config{Token: cfg.Token, APIURL: cfg.APIURL, Logger: log, GuildID: cfg.GuildID, Shards: st.shards, NoRegister: !st.register,
		OnGateway: m.Gateway, OnIdentifyWait: m.IdentifyWait, ShardIDs: st.shardIDs, Owner: bot.OwnerID(cfg.name()), ShardLease: st.lease}
	if sc, ok := db.(storage.ShardCoordination); ok {
		// Gateway processes of one bot pace identifies, and those given
		// a share of the shards claim it, through the database they share.
		sh := sc.Shards()
		bcfg.Gate = sh
		if st.shardIDs != nil {
			bcfg.Claims = sh
		}
		if st.auto {
			bcfg.Pool, bcfg.OnShards, bcfg.OnShardEvent = sh, m.ShardsOwned, m.ShardEvent
		}
	} else if st.auto {
		log.Info("FILMBOT_SHARD_IDS=auto with a bbolt file: only one process can open it, so this process runs every shard")
	} else if st.shardIDs != nil {
		log.Warn("FILMBOT_SHARD_IDS with a bbolt file: this process's servers keep their data in its own file, and identifies are paced within this process only; several processes of one bot belong on PostgreSQL")
	}
	raw := db
	if v, ok := db.(storage.ContentVersions); ok && st.storeBytes > 0 {
		// A database shared by processes: what rarely changes is kept
		// here, checked against the database's versions on each read.
		cached := storage.Cached(db, v, st.storeBytes)
		m.WatchStoreCache(func() metrics.StoreCache {
			s := cached.Stats()
			return metrics.StoreCache{Hits: s.Hits, Misses: s.Misses, Checks: s.Checks, Evicted: s.Evicted, Bytes: s.Bytes, Bound: s.Bound, Entries: s.Entries}
		})
		db = cached
	}
	db = storage.Observed(db, m.StoreOp)
	// TMDB as the catalog's source (checked once here), if on.
	films, err := newTMDBSource(ctx, cfg, log, m)
	if err != nil {
		log.Error("bad settings", "err", err)
		return 2
	}
	resolver := films.resolver(db, log)
	defer keepFresh(ctx, resolver, log)()
	s, err := bot.NewSession(bcfg)
	if err != nil {
		log.Error("bad settings", "err", err)
		return 2
	}
	set, b := assemble(db, s, m, log, bcfg.Owner)
	if err := checkDefinitions(b.Definitions()); err != nil {
		log.Error(err.Error())
		return 1
	}
	set.WithCatalogCache(st.catalogBytes, m.CatalogCache).WithSource(resolver)
	if cfg.HTTPListen == "" {
		// Over the gateway, who is in which voice channel comes with it
		// (/recommend group:voice); an Interactions Endpoint has no
		// gateway, and group:voice says so.
		bcfg.Voices = bot.NewVoices()
		set.WithVoices(bcfg.Voices)
	}
	stopNights := runNights(ctx, set, db, log)
	defer stopNights()
	where := "discord.com"
	if cfg.APIURL != "" {
		where = bot.RedactURL(cfg.APIURL)
	}
	log.Info("starting filmbot", "db", bot.RedactURL(cfg.DB), "api", where, "guild", cfg.GuildID)
	// Ready only once warm: what a first answer would build is built.
	warm := newWarmup()
	go warm.run(ctx, log, func(ctx context.Context) error {
		if w, ok := raw.(storage.Warmer); ok {
			return w.Warm(ctx)
		}
		return nil
	}, set.Warm)
	storeReady := func(ctx context.Context) error {
		if _, err := db.CatalogVersion(ctx, storage.BuiltIn); err != nil {
			return fmt.Errorf("database: %v", err)
		}
		return warm.ready()
	}
	stopOps, ok := serveOps(cfg, m, storeReady, log)
	if !ok {
		return 1
	}
	defer stopOps()
	if cfg.HTTPListen != "" {
		return serveHTTP(ctx, cfg, log, s, b, storeReady, m, st, ready)
	}
	// The gateway connects once warm, or after a few seconds in any case
	// (with the database away, members are told to try again).
	warm.wait(ctx, gatewayWarmWait)
	if ready != nil {
		close(ready)
	}
	if err := bot.Run(ctx, bcfg, s, b); err != nil {
		if errors.Is(err, bot.ErrTokenRejected) {
			log.Error(bot.ErrTokenRejected.Error() + ": copy the token from https://discord.com/developers/applications → your application → Bot → Reset Token into .env as DISCORD_TOKEN=… (README.md, \"Connect to Discord\")")
			return 1
		}
		log.Error("filmbot stopped", "err", err)
		return 1
	}
	return 0
}

// assemble builds the commands on db (already observed) and the bot that
// routes interactions to them, answering through s and counting in m:
// what every transport serves.
func assemble(db storage.Store, s *discordgo.Session, m *metrics.Metrics, log *slog.Logger, owner string) (*commands.Set, *bot.Bot) {
	set := commands.New(db).WithPoster(bot.SessionPoster{S: s}).
		WithFetcher(bot.HTTPFetcher(&http.Client{}, commands.FetchTimeout)).WithCacheObserver(m.Cache).
		WithScreener(bot.SessionPoster{S: s}, owner).WithFollowup(bot.Followup)
	b := bot.New(bot.SessionResponder{S: s}, botCommands(set), set.Components(), bot.Options{Logger: log, Observe: func(o bot.Outcome) {
		m.Interaction(o.Route, o.Kind, o.Result, o.Deferred, o.Late, o.FirstAnswer)
	}})
	return set, b
}

// runNights starts the movie nights' scheduler (nights.Scheduler: the
// due steps now and every 5 s, or at once when a host closes a poll, and
// the sweep of expired import previews every minute), and returns the
// func that stops it and waits for it to end.
func runNights(ctx context.Context, set *commands.Set, db storage.Store, log *slog.Logger) func() {
	sc := &nights.Scheduler{Nights: set.Nights(), SweepPending: db.SweepPending, Log: log}
	return sc.Start(ctx)
}

// checkDefinitions is limits.Commands on the definitions filmbot would
// register, worded for the log line that refuses to start: Discord would
// refuse them all (400), counting every language's localizations.
func checkDefinitions(defs []*discordgo.ApplicationCommand) error {
	if err := limits.Commands(defs); err != nil {
		return fmt.Errorf("the command definitions break Discord's limits (with their localizations; a language file in locale/messages too long?): refusing to start: %s", strings.ReplaceAll(err.Error(), "\n", "; "))
	}
	return nil
}

// botCommands hands the command set to the bot's routing table. commands
// must not import bot, so each declares Command; a command's Components
// reach the bot through set.Components(), so the rest is copied field by
// field.
func botCommands(set *commands.Set) []bot.Command {
	var out []bot.Command
	for _, c := range set.Commands() {
		out = append(out, bot.Command{Def: c.Def, Run: c.Run, Autocomplete: c.Autocomplete, Private: c.Private, PrivateFor: commands.MustBeEphemeral})
	}
	return out
}
