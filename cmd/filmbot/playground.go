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
	"time"

	"github.com/filmbot/filmbot/playground"
	"github.com/filmbot/filmbot/sandbox"
)

// runPlayground starts a sandbox in-process, connects the real bot to it
// through the gateway as it would connect to Discord, and serves the
// playground page.
func runPlayground(ctx context.Context, cfg Config, args []string, log *slog.Logger, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("playground", flag.ContinueOnError)
	fs.SetOutput(stderr)
	listen := fs.String("listen", "127.0.0.1:8080", "address of the playground page")
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 {
		return 2
	}
	sb, err := sandbox.Start(sandbox.Options{})
	if err != nil {
		fmt.Fprintln(stderr, "filmbot playground:", err)
		return 1
	}
	defer sb.Close()
	page, err := playground.Handler(sb.URL)
	if err != nil {
		fmt.Fprintln(stderr, "filmbot playground:", err)
		return 1
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		fmt.Fprintf(stderr, "filmbot playground: %v (choose another address with --listen)\n", err)
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
	log.Warn("no DISCORD_TOKEN: running on a LOCAL SANDBOX, not Discord", "page", url, "sandbox", sb.URL)
	fmt.Fprintf(stdout, "filmbot playground: open %s in your browser.\n"+
		"This is a local sandbox on your machine, not Discord. Data is saved in %s.\n"+
		"To connect to Discord, set DISCORD_TOKEN (see README.md). Stop with Ctrl-C.\n", url, cfg.DB)
	cfg.Token, cfg.APIURL, cfg.GuildID = sb.Token(), sb.URL, ""
	return serve(ctx, cfg, log, nil)
}
