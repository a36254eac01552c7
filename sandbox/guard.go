package sandbox

import (
	"mime"
	"net"
	"net/http"
	"net/url"
	"strings"
)

// Guard lets through to h only requests that a program on this machine,
// or a page served from the same origin, could make: the control API acts
// as any member, moderators included, so a web page the user happens to
// visit must not be able to drive it. It refuses
//   - a Host that is not loopback, when the server listens on loopback
//     (a DNS-rebinding page reaches loopback under its own name);
//   - a browser request from another origin (Origin or Sec-Fetch-Site);
//   - a POST whose body is not application/json: a page may send
//     text/plain across origins without asking, but not JSON.
func Guard(listenAddr string, h http.Handler) http.Handler {
	loopbackOnly := isLoopback(hostOnly(listenAddr))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if loopbackOnly && !isLoopback(hostOnly(r.Host)) {
			http.Error(w, "sandbox: this server answers only on loopback (Host "+r.Host+")", http.StatusForbidden)
			return
		}
		if o := r.Header.Get("Origin"); o != "" {
			u, err := url.Parse(o)
			if err != nil || u.Host != r.Host {
				http.Error(w, "sandbox: cross-site request refused", http.StatusForbidden)
				return
			}
		}
		if site := r.Header.Get("Sec-Fetch-Site"); site == "cross-site" || site == "same-site" {
			http.Error(w, "sandbox: cross-site request refused", http.StatusForbidden)
			return
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
			if err != nil || mt != "application/json" {
				http.Error(w, "sandbox: send application/json", http.StatusUnsupportedMediaType)
				return
			}
		}
		h.ServeHTTP(w, r)
	})
}

func hostOnly(hostport string) string {
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		return h
	}
	return hostport
}

// isLoopback tells whether host names this machine only.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") || strings.HasSuffix(strings.ToLower(host), ".localhost") {
		return true
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	return ip != nil && ip.IsLoopback()
}

// IsLoopbackAddr tells whether a listen address (host:port) is loopback.
func IsLoopbackAddr(addr string) bool { return isLoopback(hostOnly(addr)) }
