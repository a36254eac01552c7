// Package playground serves a small Discord-like web client for the
// sandbox: pick a server, a member and a channel, type slash commands with
// live autocomplete, and see the bot's answers rendered as Discord renders
// them. Plain HTML, CSS and JavaScript embedded in the binary; it talks to
// the sandbox's control API on loopback through this same origin.
package playground

import (
	"embed"
	"io/fs"
	"net/http"
	"net/http/httputil"
	"net/url"

	"github.com/filmbot/filmbot/sandbox"
)

//go:embed web
var web embed.FS

// Handler serves the page, and passes /_sandbox/ and /attachments/ on to
// the sandbox at sandboxURL; the control API only for requests of this
// page's own origin (sandbox.Guard), since it acts as any member.
// listenAddr is where the page is served.
func Handler(sandboxURL, listenAddr string) (http.Handler, error) {
	u, err := url.Parse(sandboxURL)
	if err != nil {
		return nil, err
	}
	static, err := fs.Sub(web, "web")
	if err != nil {
		return nil, err
	}
	proxy := httputil.NewSingleHostReverseProxy(u)
	mux := http.NewServeMux()
	mux.Handle("/_sandbox/", sandbox.Guard(listenAddr, proxy))
	mux.Handle("/attachments/", proxy)
	mux.Handle("/", http.FileServer(http.FS(static)))
	return mux, nil
}
