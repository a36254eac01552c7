package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/filmbot/filmbot/bot"
	"github.com/filmbot/filmbot/playground"
	"github.com/filmbot/filmbot/sandbox"
	"github.com/filmbot/filmbot/storage"
	"github.com/filmbot/filmbot/tmdb/tmdbfake"
)

// runPlayground starts a sandbox in-process, connects the real bot to it
// through the gateway as it would connect to Discord, and serves the
// playground page. top: run as plain `filmbot`, whose usage is filmbot's.
func runPlayground(ctx context.Context, cfg Config, args []string, top bool, log *slog.Logger, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("playground", flag.ContinueOnError)
	fs.SetOutput(stderr)
	listen := fs.String("listen", "127.0.0.1:8080", "address of the playground page (loopback unless you choose otherwise)")
	dbFlag := fs.String("db", "", "the playground's database: a bbolt file or a postgres:// URL (default "+playgroundDB+"; FILMBOT_DB is never used)")
	usageFor(fs, "playground [--listen 127.0.0.1:8080] [--db PATH]",
		"Runs the bot on a local sandbox (not Discord) and serves a Discord-like page to try it in your browser.\n"+
			"Its made-up members' data goes in "+playgroundDB+", or in --db: never in FILMBOT_DB, the bot's own database.")
	if top {
		fs.Usage = func() { fmt.Fprint(fs.Output(), usage) }
	}
	if code, done := parseFlags(fs, args, stdout); done {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "filmbot: unexpected %q\n\n%s", fs.Arg(0), usage)
		return 2
	}
	// The playground's members are made up: their ratings and reviews must
	// not land in the database the real bot uses. FILMBOT_DB names that
	// one (.env.example sets it), so only --db, on the playground's own
	// command line, chooses another.
	botDB := ""
	if cfg.DBSet {
		botDB = cfg.DB
	}
	cfg.DB, cfg.DBSet = playgroundDB, *dbFlag != ""
	if cfg.DBSet {
		cfg.DB = *dbFlag
	}
	if botDB != "" && !cfg.DBSet {
		log.Info("the playground does not use FILMBOT_DB, the bot's own database; --db chooses its database", "FILMBOT_DB", bot.RedactURL(botDB), "db", cfg.DB)
	}
	if msg := nameModeratorRole(cfg); msg != "" {
		fmt.Fprintln(stderr, "filmbot playground:", msg)
		return 1
	}
	// What members see (messages, polls, threads, events) is kept beside
	// the database, so that a restart finds the conversation the
	// database's movie nights and reviews belong to.
	// Without a TMDB token, the sandbox plays TMDB too (71 real films).
	sb, err := sandbox.Start(sandbox.Options{StateFile: sandboxState(cfg.DB), TMDB: !cfg.tmdbOn()})
	if err != nil {
		fmt.Fprintln(stderr, "filmbot playground:", err)
		return 1
	}
	defer func() {
		if err := sb.Close(); err != nil {
			log.Error("playground sandbox", "err", err)
		}
	}()
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		fmt.Fprintf(stderr, "filmbot playground: %v (choose another address with --listen)\n", err)
		return 1
	}
	if !sandbox.IsLoopbackAddr(ln.Addr().String()) {
		log.Warn("the playground listens beyond this machine: anyone who reaches it can act as any member", "listen", ln.Addr().String())
	}
	page, err := playground.Handler(sb.URL, ln.Addr().String())
	if err != nil {
		ln.Close()
		fmt.Fprintln(stderr, "filmbot playground:", err)
		return 1
	}
	srv := &http.Server{Handler: page, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("playground page", "err", err)
		}
	}()
	defer srv.Close()
	url := "http://" + ln.Addr().String()
	ready := make(chan struct{})
	go func() {
		// Only once the database is open and the bot set up: a second
		// playground on the same database fails before inviting anyone.
		select {
		case <-ready:
		case <-ctx.Done():
			return
		}
		log.Warn("no DISCORD_TOKEN: running on a LOCAL SANDBOX, not Discord", "page", url, "sandbox", sb.URL)
		films := "TMDB (TMDB_TOKEN)"
		if fake := sb.TMDB(); fake != nil {
			log.Info("no TMDB_TOKEN: a local stand-in plays TMDB, not TMDB", "url", fake.URL, "fail", sb.URL+"/_sandbox/tmdb/fail")
			films = "a local stand-in for TMDB with " + strconv.Itoa(len(tmdbfake.Films())) + " films at " + fake.URL + " (set TMDB_TOKEN for TMDB itself)"
		}
		fmt.Fprintf(stdout, "filmbot playground: open %s in your browser.\n"+
			"This is a local sandbox on your machine, not Discord. Its data is saved in %s%s,\n"+
			"and what its members see (messages, polls, threads, events) in %s.\n"+
			"Films are looked up on %s.\n"+
			"To connect to Discord, set DISCORD_TOKEN (see README.md). Stop with Ctrl-C.\n", url, bot.RedactURL(cfg.DB), dbNote(cfg), sandboxState(cfg.DB), films)
	}()
	cfg.Token, cfg.APIURL, cfg.GuildID = sb.Token(), sb.URL, ""
	if fake := sb.TMDB(); fake != nil {
		cfg.TMDBToken, cfg.TMDBAPIKey, cfg.TMDBAPIURL = fake.Token, "", fake.URL
	}
	return serve(ctx, cfg, log, ready)
}

// playgroundDB is the playground's database unless FILMBOT_DB names one.
const playgroundDB = "filmbot-playground.db"

// sandboxState is where the playground keeps its sandbox's state: beside
// a database file (filmbot-playground.db → filmbot-playground.sandbox.json),
// or in the working directory for a database URL.
func sandboxState(db string) string {
	if !fileStore(db) {
		return "filmbot-playground.sandbox.json"
	}
	return strings.TrimSuffix(db, filepath.Ext(db)) + ".sandbox.json"
}

func dbNote(cfg Config) string {
	if cfg.DBSet {
		return " (--db)"
	}
	return " (apart from the bot's FILMBOT_DB; --db chooses another)"
}

// nameModeratorRole does for the playground's made-up server what its
// admin would do first with /settings mod-role: name the role its
// moderator has (sandbox.ModeratorRole). A role already set is kept.
func nameModeratorRole(cfg Config) string {
	db, msg := openStore(context.Background(), cfg, storage.Options{}, nil, false)
	if db == nil {
		return msg
	}
	defer db.Close()
	scope, err := storage.ParseScope(sandbox.Moderator.GuildID)
	if err == nil {
		_, err = db.UpdateSettings(context.Background(), scope, func(s *storage.Settings) {
			if s.ModRole == "" {
				s.ModRole = sandbox.ModeratorRole
			}
		})
	}
	if err != nil {
		return err.Error()
	}
	return ""
}
