package bot

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
)

// clock is a settable clock for tests.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// noRead is a body that fails the test if it is read.
type noRead struct{ t *testing.T }

func (r noRead) Read([]byte) (int, error) {
	r.t.Error("the body was read")
	return 0, io.EOF
}
func (noRead) Close() error { return nil }

// A captured request replayed (the same interaction id) is refused, and
// so is one signed at a time more than MaxSkew from now (a capture kept
// for later, or no time at all), before its body is read. A captured
// /rate score:3 put a member's rating back from 9 to 3.
func TestReplaysRefused(t *testing.T) {
	clk := &clock{t: time.Unix(1_800_000_000, 0)}
	var ran atomic.Int32
	rec := &recorder{}
	discard := slog.New(slog.DiscardHandler)
	b := New(rec, []Command{cmd("rate", func(context.Context, *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
		ran.Add(1)
		return ok("rated"), nil
	})}, nil, Options{Logger: discard, Now: clk.now})
	s := newSigner(t)
	var mu sync.Mutex
	refused := map[string]int{}
	h := (&HTTPEndpoint{Bot: b, Key: s.pub, Log: discard, Now: clk.now, Refused: func(reason string) {
		mu.Lock()
		refused[reason]++
		mu.Unlock()
	}}).Handler()
	at := func(d time.Duration) string { return strconv.FormatInt(clk.now().Add(d).Unix(), 10) }

	captured := interactionJSON(t, slash("rate"))
	ts := at(0)
	if w := serveOne(h, s.request(captured, ts, ts)); w.Code != 200 || ran.Load() != 1 {
		t.Fatalf("the first delivery: %d, ran %d", w.Code, ran.Load())
	}
	clk.add(time.Minute)
	if w := serveOne(h, s.request(captured, ts, ts)); w.Code != http.StatusConflict || ran.Load() != 1 {
		t.Errorf("the same request a minute later: %d, ran %d; want 409, not run", w.Code, ran.Load())
	}
	for name, ts := range map[string]string{
		"6 minutes old": at(-6 * time.Minute), "6 minutes ahead": at(6 * time.Minute), "in 2023": "1690000000",
		"hello": "hello", "negative": "-5", "empty": "", "a year of digits": "99999999999999999999",
	} {
		r := s.request(interactionJSON(t, slash("rate")), ts, ts)
		r.Body = noRead{t}
		if w := serveOne(h, r); w.Code != http.StatusUnauthorized {
			t.Errorf("signed %s: %d, want 401", name, w.Code)
		}
	}
	for _, d := range []time.Duration{-4 * time.Minute, 4 * time.Minute} {
		ts := at(d)
		if w := serveOne(h, s.request(interactionJSON(t, slash("rate")), ts, ts)); w.Code != 200 {
			t.Errorf("signed %v from now: %d, want 200", d, w.Code)
		}
	}
	if ran.Load() != 3 {
		t.Errorf("ran %d, want 3", ran.Load())
	}
	// A malformed signature is refused before the body is read too.
	r := s.request(captured, ts, ts)
	r.Header.Set("X-Signature-Ed25519", "zz"+r.Header.Get("X-Signature-Ed25519")[2:])
	r.Body = noRead{t}
	if w := serveOne(h, r); w.Code != http.StatusUnauthorized {
		t.Errorf("a malformed signature: %d", w.Code)
	}
	if refused["replay"] != 1 || refused["headers"] != 8 || len(refused) != 2 {
		t.Errorf("refusals counted: %v, want replay 1, headers 8", refused)
	}
	// PINGs are answered every time: Discord checks an endpoint with them.
	ping := []byte(`{"id":"77","application_id":"9","type":1,"token":"t","version":1}`)
	for range 2 {
		ts := at(0)
		if w := serveOne(h, s.request(ping, ts, ts)); w.Code != 200 {
			t.Errorf("PING again: %d", w.Code)
		}
	}
}

// The gateway and the endpoint share one memory of ids: an interaction a
// resumed gateway delivers again, or that came both ways, runs once.
func TestDuplicateInteractionRunsOnce(t *testing.T) {
	var ran atomic.Int32
	b, rec, _ := newBot(t, []Command{cmd("rate", func(context.Context, *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
		ran.Add(1)
		return ok("rated"), nil
	})}, nil)
	i := slash("rate")
	b.Handle(i)
	again := *i.Interaction
	b.Handle(&discordgo.InteractionCreate{Interaction: &again})
	if ran.Load() != 1 || len(rec.responses) != 1 {
		t.Errorf("delivered twice over the gateway: ran %d, answered %d; want once", ran.Load(), len(rec.responses))
	}
	s := newSigner(t)
	h := (&HTTPEndpoint{Bot: b, Key: s.pub, Log: slog.New(slog.DiscardHandler)}).Handler()
	if w := serveOne(h, s.signed(interactionJSON(t, i))); w.Code != http.StatusConflict || ran.Load() != 1 {
		t.Errorf("then over HTTP: %d, ran %d", w.Code, ran.Load())
	}
}

// Ids are remembered at least idMemory (an interaction's token lives 15
// minutes), forgotten after twice that, and never more than
// 2×maxRecentIDs of them.
func TestRecentIDsExpireAndAreBounded(t *testing.T) {
	var r recentIDs
	t0 := time.Unix(1_800_000_000, 0)
	if !r.firstSight("a", t0) || r.firstSight("a", t0) {
		t.Fatal("a new id, then the same")
	}
	for range 2 {
		if !r.firstSight("", t0) {
			t.Error("an empty id remembered")
		}
	}
	r.firstSight("b", t0.Add(idMemory-time.Second))
	if r.firstSight("a", t0.Add(idMemory+time.Second)) || r.firstSight("b", t0.Add(2*idMemory-time.Second)) {
		t.Error("an id forgotten before idMemory")
	}
	if !r.firstSight("a", t0.Add(3*idMemory)) {
		t.Error("an id remembered past twice idMemory")
	}
	for i := range 2*maxRecentIDs + 10 {
		r.firstSight(strconv.Itoa(i), t0.Add(3*idMemory))
	}
	if n := len(r.cur) + len(r.prev); n > 2*maxRecentIDs {
		t.Errorf("%d ids remembered, want at most %d", n, 2*maxRecentIDs)
	}
	if r.firstSight(strconv.Itoa(2*maxRecentIDs+9), t0.Add(3*idMemory)) {
		t.Error("the latest id forgotten")
	}
}

// A body is read as its bytes come, counted against bodyBudget past
// bodyStart: when the budget is spent, a large body is refused (503) and
// a usual one still served; the budget is given back.
func TestBodyBudget(t *testing.T) {
	b, _, _ := newBot(t, []Command{cmd("rate", func(context.Context, *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
		return ok("rated"), nil
	})}, nil)
	s := newSigner(t)
	ep := &HTTPEndpoint{Bot: b, Key: s.pub, Log: slog.New(slog.DiscardHandler)}
	h := ep.Handler()
	large := func() []byte {
		i := slash("rate")
		i.GuildID = strings.Repeat("7", 3*bodyStart) // a body of 12 KiB
		return interactionJSON(t, i)
	}
	if w := serveOne(h, s.signed(large())); w.Code != 200 {
		t.Errorf("a large body: %d", w.Code)
	}
	const spent = bodyBudget - bodyStart
	ep.bodyBytes.Store(spent)
	if w := serveOne(h, s.signed(large())); w.Code != http.StatusServiceUnavailable {
		t.Errorf("a large body with the budget spent: %d, want 503", w.Code)
	}
	if w := serveOne(h, s.signed(interactionJSON(t, slash("rate")))); w.Code != 200 {
		t.Errorf("a usual body with the budget spent: %d, want 200", w.Code)
	}
	// Too large, declared or not.
	big := append(append([]byte(`{"type":2,"x":"`), bytes.Repeat([]byte("a"), MaxInteractionBody)...), `"}`...)
	ep.bodyBytes.Store(0)
	chunked := s.signed(big)
	chunked.ContentLength = -1
	if w := serveOne(h, chunked); w.Code != http.StatusRequestEntityTooLarge {
		t.Errorf("an undeclared oversized body: %d, want 413", w.Code)
	}
	declared := s.signed([]byte(`{}`))
	declared.ContentLength, declared.Body = MaxInteractionBody+1, noRead{t}
	if w := serveOne(h, declared); w.Code != http.StatusRequestEntityTooLarge {
		t.Errorf("a declared oversized body: %d, want 413", w.Code)
	}
	if n := ep.bodyBytes.Load(); n != 0 {
		t.Errorf("%d bytes still counted after the requests", n)
	}
}

// Past its limit, LimitListener accepts nothing until a connection
// closes; closing it ends a waiting Accept.
func TestLimitListener(t *testing.T) {
	inner, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ln := LimitListener(inner, 2).(*limitListener)
	for range 3 {
		c, err := net.Dial("tcp", inner.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
	}
	a, _ := ln.Accept()
	b, _ := ln.Accept()
	if len(ln.slots) != 2 {
		t.Fatalf("%d slots taken, want 2", len(ln.slots))
	}
	third := make(chan net.Conn)
	go func() {
		c, _ := ln.Accept()
		third <- c
	}()
	a.Close()
	a.Close() // twice frees one slot
	c := <-third
	if c == nil || len(ln.slots) != 2 {
		t.Fatalf("after a close: %v, %d slots taken", c, len(ln.slots))
	}
	closed := make(chan error)
	go func() {
		_, err := ln.Accept()
		closed <- err
	}()
	ln.Close()
	if err := <-closed; !errors.Is(err, net.ErrClosed) {
		t.Errorf("Accept after Close: %v", err)
	}
	b.Close()
	c.Close()
}

// The registration's log line says where the commands went: a local
// sandbox shows them at once, Discord's global ones may take an hour.
func TestRegisteredWhere(t *testing.T) {
	s, err := NewSession(Config{Token: "t"})
	if err != nil {
		t.Fatal(err)
	}
	if got := RegisteredWhere(s, ""); !strings.Contains(got, "up to an hour") {
		t.Errorf("Discord, global: %q", got)
	}
	if got := RegisteredWhere(s, "7"); got != "in server 7" {
		t.Errorf("Discord, a server: %q", got)
	}
	sb, err := NewSession(Config{Token: "t", APIURL: "http://u:secret@127.0.0.1:3001"})
	if err != nil {
		t.Fatal(err)
	}
	if got := RegisteredWhere(sb, ""); strings.Contains(got, "hour") || strings.Contains(got, "secret") || !strings.Contains(got, "127.0.0.1:3001") {
		t.Errorf("a DISCORD_API_URL, global: %q", got)
	}
}
