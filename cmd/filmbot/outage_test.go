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
}

func newCutProxy(t *testing.T, target string) *cutProxy {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &cutProxy{ln: ln, target: target}
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
	direct := pgtest.URL(t)
	u, _ := url.Parse(direct)
	proxy := newCutProxy(t, u.Host)
	u.Host = proxy.ln.Addr().String()
	l := startLive(t, sandbox.Options{}, "FILMBOT_DB", u.String())

	if a := l.do(sandbox.Viewer, "/rate film:anora score:7"); !strings.Contains(a.Message.Embeds[0].Description, "7/10") {
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
	deadline := time.Now().Add(15 * time.Second)
	for {
		a := l.do(sandbox.Moderator, "/rate film:anora score:9")
		if len(a.Message.Embeds) > 0 && strings.Contains(a.Message.Embeds[0].Description, "from 2 ratings") {
			break // the confirmed rating from before the outage is there
		}
		if time.Now().After(deadline) {
			t.Fatalf("the bot did not recover: %+v", a.Message)
		}
		time.Sleep(300 * time.Millisecond)
	}
	l.noViolations()
}
