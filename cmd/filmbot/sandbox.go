package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/filmbot/filmbot/sandbox"
	"github.com/filmbot/filmbot/tmdb/tmdbfake"
)

// runSandbox serves a local Discord-compatible server until ctx ends, for
// any bot (in any language) to connect to.
func runSandbox(ctx context.Context, cfg Config, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("sandbox", flag.ContinueOnError)
	fs.SetOutput(stderr)
	listen := fs.String("listen", "127.0.0.1:0", "address to listen on (loopback)")
	token := fs.String("token", "", "bot token to accept (default: a new random one)")
	shards := fs.Int("shards", 1, "gateway shards GET /gateway/bot recommends and IDENTIFY must use at least")
	endpoint := fs.String("interactions-url", "", "deliver interactions by signed POST to this Interactions Endpoint (a bot run with FILMBOT_HTTP_LISTEN) instead of the gateway")
	usageFor(fs, "sandbox [--listen 127.0.0.1:PORT] [--shards 1] [--interactions-url URL]",
		"Runs a local Discord-compatible server (not Discord) alone, for any bot to connect to; prints its\naddress and a bot token. Without TMDB_TOKEN it plays TMDB too, and prints its TMDB_API_URL and TMDB_TOKEN.")
	if code, done := parseFlags(fs, args, stdout); done {
		return code
	}
	if fs.NArg() > 0 || *shards < 1 || *shards > maxShards {
		fmt.Fprintf(stderr, "filmbot sandbox: --shards is 1 to %d, and no other arguments\n", maxShards)
		return 2
	}
	// Without a TMDB token it plays TMDB too; with one, the bot uses TMDB.
	sb, err := sandbox.Start(sandbox.Options{Addr: *listen, Token: *token, Shards: *shards, InteractionsURL: *endpoint, TMDB: !cfg.tmdbOn()})
	if err != nil {
		fmt.Fprintln(stderr, "filmbot sandbox:", err)
		return 1
	}
	defer sb.Close()
	fmt.Fprintf(stdout, "sandbox: a local Discord-compatible server (not Discord) at %s\n", sb.URL)
	fmt.Fprintf(stdout, "DISCORD_API_URL=%s\nDISCORD_TOKEN=%s\n", sb.URL, sb.Token())
	fmt.Fprintf(stdout, "REST: %s/api/v9/ (v10 too) · gateway: from GET /api/v9/gateway · control API: %s/_sandbox/\n", sb.URL, sb.URL)
	if fake := sb.TMDB(); fake != nil {
		fmt.Fprintf(stdout, "TMDB: a local stand-in (not TMDB) with %d films; make it fail with POST %s/_sandbox/tmdb/fail\n", len(tmdbfake.Films()), sb.URL)
		fmt.Fprintf(stdout, "TMDB_API_URL=%s\nTMDB_TOKEN=%s\n", fake.URL, fake.Token)
	}
	if *endpoint != "" {
		fmt.Fprintf(stdout, "DISCORD_PUBLIC_KEY=%s\ninteractions go by signed POST to %s (checked before the first one)\n", sb.PublicKey(), *endpoint)
	}
	if *shards > 1 {
		fmt.Fprintf(stdout, "shards: %d; a guild's events go to shard (guild_id >> 22) %% %d, DMs to shard 0\n", *shards, *shards)
	}
	if f, ok := stdout.(interface{ Sync() error }); ok {
		f.Sync()
	}
	<-ctx.Done()
	return 0
}
