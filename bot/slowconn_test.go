package bot

import (
	"fmt"
	"io"
	"log/slog"
	"net"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// liveBytes is the heap's live bytes and the goroutines' stacks, after a
// collection.
func liveBytes() uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc + ms.StackInuse
}

// Thousands of connections that each declare a 1 MiB body, with
// well-formed signature headers, and send one byte of it: each costs a
// few KiB of the server's memory (a buffer grown as bytes arrive, from a
// pool), not the megabyte it declared, and past MaxConns they wait in the
// kernel's queue. Before, each held a buffer of its declared length: 3,000
// held 3.58 GB.
func TestSlowConnectionsHeap(t *testing.T) {
	if testing.Short() {
		t.Skip("opens thousands of connections")
	}
	const n = 3000
	b, _, _ := newBot(t, nil, nil)
	discard := slog.New(slog.DiscardHandler)
	ep := &HTTPEndpoint{Bot: b, Key: newSigner(t).pub, Log: discard}
	want := int64(min(n, MaxConns)) // the server holds as many as it will, each reading its body
	held := make(chan struct{})
	reached := sync.OnceFunc(func() { close(held) })
	ep.onReading = func(r int64) {
		if r >= want {
			reached()
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := NewServer(ep.Handler(), discard)
	go Serve(srv, ln, MaxConns)
	defer srv.Close()

	before := liveBytes()
	head := fmt.Sprintf("POST /interactions HTTP/1.1\r\nHost: filmbot\r\nContent-Type: application/json\r\nContent-Length: %d\r\n"+
		"X-Signature-Ed25519: %s\r\nX-Signature-Timestamp: %d\r\n\r\n{", MaxInteractionBody, strings.Repeat("ab", 64), time.Now().Unix())
	conns := make([]net.Conn, 0, n)
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	for range n {
		c, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			t.Fatalf("after %d connections: %v", len(conns), err)
		}
		conns = append(conns, c)
		if _, err := io.WriteString(c, head); err != nil {
			t.Fatal(err)
		}
	}
	select {
	case <-held:
	case <-time.After(time.Minute): // a failsafe: the test has failed
		t.Fatalf("%d bodies being read, want %d", ep.reading.Load(), want)
	}
	grew := int64(liveBytes()) - int64(before)
	if r := ep.reading.Load(); r > MaxConns {
		t.Errorf("%d bodies read at once, past MaxConns (%d)", r, MaxConns)
	}
	t.Logf("%d slow connections (%d held by the server): the heap and stacks grew %.1f MiB", n, want, float64(grew)/(1<<20))
	if grew > 96<<20 {
		t.Errorf("%d slow connections grew the heap and stacks by %.1f MiB, want under 96", n, float64(grew)/(1<<20))
	}
}

// The servers' bounds: headers past 16 KiB are refused (431; net/http's
// default allows 1 MiB), and every listener has its timeouts.
func TestServerBounds(t *testing.T) {
	discard := slog.New(slog.DiscardHandler)
	srv := NewServer((&HTTPEndpoint{Log: discard}).OpsHandler(), discard)
	if srv.ReadHeaderTimeout == 0 || srv.ReadTimeout == 0 || srv.IdleTimeout == 0 {
		t.Errorf("a timeout left unset: %+v", srv)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go Serve(srv, ln, MaxOpsConns)
	defer srv.Close()
	get := func(header string) string {
		c, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		io.WriteString(c, "GET /healthz HTTP/1.1\r\nHost: filmbot\r\nX-Pad: "+header+"\r\nConnection: close\r\n\r\n")
		status := make([]byte, 12)
		if _, err := io.ReadFull(c, status); err != nil {
			t.Fatal(err)
		}
		return string(status[9:])
	}
	if got := get("a"); got != "200" {
		t.Errorf("small headers: %s", got)
	}
	if got := get(strings.Repeat("a", 24<<10)); got != "431" {
		t.Errorf("24 KiB of headers: %s, want 431", got)
	}
}
