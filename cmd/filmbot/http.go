package main

import (
	"context"
	"crypto/ed25519"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"sync/atomic"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/filmbot/filmbot/bot"
	"github.com/filmbot/filmbot/commands"
	"github.com/filmbot/filmbot/metrics"
)

// register reads FILMBOT_REGISTER: on (the default) registers the
// commands at start; off leaves it to another process or `filmbot register`.
func (c Config) register() (bool, error) {
	switch strings.ToLower(c.Register) {
	case "", "on", "true", "1", "yes":
		return true, nil
	case "off", "false", "0", "no":
		return false, nil
	}
	return false, fmt.Errorf("FILMBOT_REGISTER %q: want on or off", c.Register)
}

// publicKey reads DISCORD_PUBLIC_KEY, which FILMBOT_HTTP_LISTEN needs.
func (c Config) publicKey() (ed25519.PublicKey, error) {
	if c.HTTPListen == "" {
		return nil, nil
	}
	if c.PublicKey == "" {
		return nil, errors.New("FILMBOT_HTTP_LISTEN needs DISCORD_PUBLIC_KEY, the application's public key (developer portal → General Information)")
	}
	if _, _, err := net.SplitHostPort(c.HTTPListen); err != nil {
		return nil, fmt.Errorf("FILMBOT_HTTP_LISTEN %q: want host:port, like 0.0.0.0:8080", c.HTTPListen)
	}
	return bot.ParsePublicKey(c.PublicKey)
}

// checkMetricsListen checks FILMBOT_METRICS_LISTEN's form.
func (c Config) checkMetricsListen() error {
	if c.MetricsListen == "" {
		return nil
	}
	if _, _, err := net.SplitHostPort(c.MetricsListen); err != nil {
		return fmt.Errorf("FILMBOT_METRICS_LISTEN %q: want host:port, like 127.0.0.1:9100", c.MetricsListen)
	}
	return nil
}

// name is how this process calls itself in logs: FILMBOT_NAME, else the
// host's name.
func (c Config) name() string {
	if c.Name != "" {
		return c.Name
	}
	h, err := os.Hostname()
	if err != nil {
		return "filmbot"
	}
	return h
}

// serveOps serves /metrics, /healthz and /readyz on FILMBOT_METRICS_LISTEN,
// if set, for processes on the gateway (an Interactions Endpoint serves
// them on its own listener too). It returns how to stop, or false when it
// cannot listen (logged).
func serveOps(cfg Config, m *metrics.Metrics, ready func(context.Context) error, log *slog.Logger) (func(), bool) {
	if cfg.MetricsListen == "" {
		return func() {}, true
	}
	ln, err := net.Listen("tcp", cfg.MetricsListen)
	if err != nil {
		log.Error("cannot listen for metrics", "addr", cfg.MetricsListen, "err", err)
		return nil, false
	}
	ep := &bot.HTTPEndpoint{Ready: storeReadiness(ready), Log: log, Extra: map[string]http.Handler{"GET /metrics": m.Handler()}}
	srv := bot.NewServer(ep.OpsHandler(), log)
	srv.WriteTimeout = 30 * time.Second // no handler here runs long
	go bot.Serve(srv, ln, bot.MaxOpsConns)
	log.Info("serving metrics", "url", "http://"+ln.Addr().String()+"/metrics")
	return func() { srv.Close() }, true
}

// serveHTTP serves Discord's Interactions Endpoint (POST /interactions),
// /healthz, /readyz and /metrics on cfg.HTTPListen until ctx ends, and
// opens no gateway connection: Discord sends interactions one way or the
// other.
func serveHTTP(ctx context.Context, cfg Config, log *slog.Logger, s *discordgo.Session, b *bot.Bot, storeReady func(context.Context) error, m *metrics.Metrics, st settings, ready chan<- struct{}) int {
	ln, err := net.Listen("tcp", cfg.HTTPListen)
	if err != nil {
		log.Error("cannot listen for interactions", "addr", cfg.HTTPListen, "err", err)
		return 1
	}
	register := st.register
	var registered atomic.Bool
	registered.Store(!register)
	storeReady = storeReadiness(storeReady)
	ep := &bot.HTTPEndpoint{Bot: b, Key: st.key, Log: log, Refused: m.Refused, Extra: map[string]http.Handler{"GET /metrics": m.Handler()}, Ready: func(ctx context.Context) error {
		if err := storeReady(ctx); err != nil {
			return err
		}
		if !registered.Load() {
			return &bot.NotReady{Reason: "commands not registered yet"}
		}
		return nil
	}}
	srv := bot.NewServer(ep.Handler(), log)
	served := make(chan error, 1)
	go func() { served <- bot.Serve(srv, ln, bot.MaxConns) }()
	log.Info("serving Discord's Interactions Endpoint; no gateway connection", "url", "http://"+ln.Addr().String()+"/interactions")
	if register {
		if err := registerOnce(ctx, s, cfg.GuildID, b.Definitions(), log); errors.Is(err, bot.ErrTokenRejected) {
			log.Error(bot.ErrTokenRejected.Error())
			srv.Close()
			return 1
		} else if err == nil {
			registered.Store(true)
		} else {
			go registerUntil(ctx, s, cfg.GuildID, b.Definitions(), log, &registered)
		}
	}
	if ready != nil {
		close(ready)
	}
	code := 0
	select {
	case <-ctx.Done():
	case err := <-served:
		log.Error("the interactions listener stopped", "err", err)
		code = 1
	}
	log.Info("shutting down: finishing interactions in flight")
	sctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		log.Error("shutdown", "err", err)
	}
	if err := b.Shutdown(sctx); err != nil {
		log.Error("shutdown", "err", err)
		code = 1
	}
	return code
}

// storeReadiness says "database unreachable" for any error of ready
// but a *bot.NotReady, which says its own reason ("warming up"): /readyz
// tells that to anyone, and logs the detail (host, user).
func storeReadiness(ready func(context.Context) error) func(context.Context) error {
	if ready == nil {
		return nil
	}
	return func(ctx context.Context) error {
		if err := ready(ctx); err != nil {
			if nr := (*bot.NotReady)(nil); errors.As(err, &nr) {
				return nr
			}
			return &bot.NotReady{Reason: "database unreachable", Err: err}
		}
		return nil
	}
}

func registerOnce(ctx context.Context, s *discordgo.Session, guild string, defs []*discordgo.ApplicationCommand, log *slog.Logger) error {
	rctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	n, err := bot.RegisterCommands(rctx, s, guild, defs)
	if err != nil {
		log.Error("registering commands failed; serving the ones Discord already has", "err", err, "guild", guild)
		return err
	}
	log.Info("commands registered "+bot.RegisteredWhere(s, guild), "count", n)
	return nil
}

// registerUntil retries registration with backoff until it succeeds, a
// request is refused for good (4xx: retrying cannot help), or ctx ends.
func registerUntil(ctx context.Context, s *discordgo.Session, guild string, defs []*discordgo.ApplicationCommand, log *slog.Logger, done *atomic.Bool) {
	wait := time.Second
	for {
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		err := registerOnce(ctx, s, guild, defs, log)
		var re *discordgo.RESTError
		if err == nil || (errors.As(err, &re) && re.Response != nil && re.Response.StatusCode/100 == 4) {
			done.Store(true)
			return
		}
		wait = min(2*wait, time.Minute)
	}
}

// runRegister registers the commands and exits: one step of a deployment
// whose processes run with FILMBOT_REGISTER=off.
func runRegister(ctx context.Context, cfg Config, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("register", flag.ContinueOnError)
	fs.SetOutput(stderr)
	usageFor(fs, "register", "Registers filmbot's slash commands for the application of DISCORD_TOKEN: in DISCORD_GUILD_ID if set, globally otherwise.")
	if code, done := parseFlags(fs, args, stdout); done {
		return code
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return 2
	}
	if cfg.Token == "" {
		fmt.Fprint(stderr, noToken)
		return 2
	}
	log, _ := newLogger(cfg.LogLevel, stderr)
	s, err := bot.NewSession(bot.Config{Token: cfg.Token, APIURL: cfg.APIURL, Logger: log})
	if err != nil {
		fmt.Fprintln(stderr, "filmbot register:", err)
		return 2
	}
	set := commands.New(nil)
	defs := bot.New(nil, botCommands(set), nil, bot.Options{Logger: log}).Definitions()
	if err := checkDefinitions(defs); err != nil {
		fmt.Fprintln(stderr, "filmbot register:", err)
		return 1
	}
	rctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	n, err := bot.RegisterCommands(rctx, s, cfg.GuildID, defs)
	if err != nil {
		fmt.Fprintln(stderr, "filmbot register:", err)
		return 1
	}
	fmt.Fprintf(stdout, "registered %d commands %s\n", n, bot.RegisteredWhere(s, cfg.GuildID))
	return 0
}
