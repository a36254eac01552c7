package tmdbfake

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net"
	"net/http"
	"time"
)

// Local is a fake TMDB serving on its own listener, for programs (the
// sandbox, the playground, filmbot try) rather than tests.
type Local struct {
	*Server
	// URL is its address, to use as TMDB_API_URL ("http://127.0.0.1:PORT").
	URL string
	// Token is the read access token it accepts (a new random one unless
	// Options.Token or Options.APIKey set one).
	Token string
	srv   *http.Server
	done  chan struct{}
}

// Start serves a fake TMDB on addr (127.0.0.1:0 when empty) until Close.
func Start(addr string, o Options) (*Local, error) {
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	if o.Token == "" && o.APIKey == "" {
		b := make([]byte, 16)
		rand.Read(b)
		o.Token = "fake-tmdb-" + hex.EncodeToString(b)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	l := &Local{Server: New(o), URL: "http://" + ln.Addr().String(), Token: o.Token, done: make(chan struct{})}
	l.srv = &http.Server{Handler: l.Server, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		defer close(l.done)
		if err := l.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			ln.Close()
		}
	}()
	return l, nil
}

// Close stops serving, cutting any slow answer short.
func (l *Local) Close() error {
	err := l.srv.Close()
	<-l.done
	return err
}
