package main

import (
	"io"
	"net"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/filmbot/filmbot/sandbox"
	"github.com/filmbot/filmbot/storage/postgres/pgtest"
)

// cutProxy forwards TCP connections to a server until cut: then it drops
// every connection and refuses new ones, as a database server restarting
// does, until restored.
type cutProxy struct {
	ln     net.Listener
	target string
	mu     sync.Mutex
	down   bool
	conns  []net.Conn
	// refused hears of each connection refused while cut (dropped when
	// nobody listens).
	refused chan struct{}
}

func newCutProxy(t *testing.T, target string) *cutProxy {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &cutProxy{ln: ln, target: target, refused: make(chan struct{}, 1)}
	t.Cleanup(func() { ln.Close(); p.cut() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			p.mu.Lock()
			down := p.down
			p.mu.Unlock()
			if down {
				c.Close()
				select {
				case p.refused <- struct{}{}:
				default:
				}
				continue
			}
			s, err := net.Dial("tcp", target)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, c, s)
			p.mu.Unlock()
			go func() { io.Copy(s, c); s.Close() }()
			go func() { io.Copy(c, s); c.Close() }()
		}
	}()
	return p
}

func (p *cutProxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.down = true
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

func (p *cutProxy) restore() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.down = false
}

// PostgreSQL going away while the bot runs: members are told, within
// Discord's window, to try again; the bot recovers by itself when the
// server is back, and no confirmed rating is lost.
func TestEndToEndPostgresOutage(t *testing.T) {
	t.Parallel()
	direct := pgtest.URL(t)
	u, _ := url.Parse(direct)
	proxy := newCutProxy(t, u.Host)
	u.Host = proxy.ln.Addr().String()
	l := startLive(t, sandbox.Options{}, "FILMBOT_DB", u.String())

	if a := l.do(sandbox.Viewer, "/rate film:anora score:7"); !strings.Contains(a.Message.Cards()[0].Description, "7/10") {
		t.Fatalf("rate before the outage: %+v", a.Message)
	}
	proxy.cut()
	start := time.Now()
	a := l.do(sandbox.Moderator, "/rate film:anora score:9")
	if !a.Message.Ephemeral() || !strings.Contains(a.Message.Content, "can't reach the database") {
		t.Errorf("during the outage: %+v", a.Message)
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("the answer during the outage took %v", took)
	}
	proxy.restore()
	if !eventually(15*time.Second, func() bool {
		a = l.do(sandbox.Moderator, "/rate film:anora score:9")
		// the confirmed rating from before the outage is there
		return len(a.Message.Cards()) > 0 && strings.Contains(a.Message.Cards()[0].Description, "from 2 ratings")
	}) {
		t.Fatalf("the bot did not recover: %+v", a.Message)
	}
	l.noViolations()
}

// PostgreSQL down when the bot starts: it says so and tries again, with
// backoff, instead of exiting; once the server is up it serves.
func TestEndToEndPostgresDownAtStart(t *testing.T) {
	t.Parallel()
	direct := pgtest.URL(t)
	u, _ := url.Parse(direct)
	proxy := newCutProxy(t, u.Host)
	u.Host = proxy.ln.Addr().String()
	proxy.cut()
	go func() {
		// Up again once the bot has found it down (it then waits to try
		// again, and says so).
		<-proxy.refused
		proxy.restore()
	}()
	l := startLive(t, sandbox.Options{}, "FILMBOT_DB", u.String(), setupDB, direct)
	if a := l.do(sandbox.Viewer, "/rate film:anora score:8"); !strings.Contains(a.Message.Cards()[0].Description, "8/10") {
		t.Errorf("rate once PostgreSQL is up: %+v", a.Message)
	}
	if !strings.Contains(l.logs.String(), "PostgreSQL cannot be reached; trying again") {
		t.Errorf("the bot did not say it was waiting for PostgreSQL:\n%s", l.logs.String())
	}
}

// Backups of a PostgreSQL database are PostgreSQL's business: both kinds
// of bbolt backup refuse a URL, saying what to use instead.
func TestBackupsRefusePostgres(t *testing.T) {
	t.Parallel()
	url := "postgres://u:p@127.0.0.1:1/db"
	if code, _, errs := runMain(t, env(url), "backup", "x.db"); code != 2 || !strings.Contains(errs, "pg_dump") {
		t.Errorf("filmbot backup: exit %d %s", code, errs)
	}
	code, _, errs := runMain(t, env(url, "DISCORD_TOKEN", "t", "FILMBOT_BACKUP_DIR", t.TempDir()), "run")
	if code != 2 || !strings.Contains(errs, "pg_dump") || strings.Contains(errs, ":p@") {
		t.Errorf("FILMBOT_BACKUP_DIR with a URL: exit %d %s", code, errs)
	}
}
