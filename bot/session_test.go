package bot

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"

	"github.com/filmbot/filmbot/sandbox"
)

// buckets counts discordgo's rate-limit buckets (an unexported map).
func buckets(s *discordgo.Session) int {
	return reflect.ValueOf(s.Ratelimiter).Elem().FieldByName("buckets").Len()
}

// discordgo keeps one bucket per interaction token forever (its issue
// #1333); SessionResponder keeps a fixed pool.
func TestSessionResponderBoundsBuckets(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.URL.Path, "/api/v9/interactions/") {
			t.Errorf("request to %s", r.URL.Path)
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()
	newSession := func() *discordgo.Session {
		s, err := NewSession(Config{Token: "t", APIURL: srv.URL})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	const n = 2000
	answer := &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredChannelMessageWithSource}
	plain, pooled := newSession(), newSession()
	for k := 0; k < n; k++ {
		i := &discordgo.Interaction{ID: strconv.Itoa(k), Token: "token-" + strconv.Itoa(k)}
		if err := plain.InteractionRespond(i, answer); err != nil {
			t.Fatal(err)
		}
		if err := (SessionResponder{pooled}).InteractionRespond(i, answer); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("buckets after %d answers: discordgo %d, SessionResponder %d", n, buckets(plain), buckets(pooled))
	if got := buckets(plain); got < n {
		t.Logf("discordgo itself kept %d buckets for %d answers (issue #1333 may be fixed)", got, n)
	}
	if got := buckets(pooled); got > bucketPool {
		t.Errorf("SessionResponder kept %d buckets for %d answers, want at most %d", got, n, bucketPool)
	}
}

// A busy bot sends many answers at once; over HTTP/1.1 (a sandbox, a
// proxy) it must reuse its connections rather than open one per answer.
func TestSessionReusesConnections(t *testing.T) {
	var opened atomic.Int64
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	}))
	srv.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			opened.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()
	s, err := NewSession(Config{Token: "t", APIURL: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	const concurrent, rounds = 32, 10
	answer := &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredChannelMessageWithSource}
	for r := 0; r < rounds; r++ {
		var wg sync.WaitGroup
		for k := 0; k < concurrent; k++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				id := strconv.Itoa(r*concurrent + k)
				if err := (SessionResponder{s}).InteractionRespond(&discordgo.Interaction{ID: id, Token: "tok" + id}, answer); err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
	}
	// At most one connection per answer in flight at once; with Go's
	// default of two idle connections it is close to one per answer.
	if n := opened.Load(); n > concurrent {
		t.Errorf("%d connections opened for %d answers, %d at a time", n, concurrent*rounds, concurrent)
	}
}

// Run opens as many shards as Discord recommends, max_concurrency of
// them per identify window, and answers on each.
func TestRunOpensShardsInIdentifyWindows(t *testing.T) {
	far := sandbox.Guild{ID: "100000000004194305", Name: "Far", Channels: []sandbox.Channel{{ID: "200000000000000009", Name: "general"}}}
	sb, err := sandbox.Start(sandbox.Options{Shards: 3, MaxConcurrency: 2, Guilds: append(sandbox.DefaultGuilds(), far), IdentifyInterval: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	cfg := Config{Token: sb.Token(), APIURL: sb.URL, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		IdentifyInterval: 300 * time.Millisecond}
	s, err := NewSession(cfg)
	if err != nil {
		t.Fatal(err)
	}
	hi := func(context.Context, *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
		return &discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource,
			Data: &discordgo.InteractionResponseData{Content: "hi", AllowedMentions: &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}}}}, nil
	}
	b := New(SessionResponder{s}, []Command{{Def: &discordgo.ApplicationCommand{Name: "hi", Description: "hi"}, Run: hi}}, nil, Options{Logger: cfg.Logger})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Run(ctx, cfg, s, b) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	}()
	wctx, wcancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer wcancel()
	if err := sb.WaitConnected(wctx); err != nil {
		t.Fatal(err)
	}
	if _, err := sb.WaitCommands(wctx, ""); err != nil {
		t.Fatal(err)
	}
	if n := len(s.State.Guilds); n != 0 {
		t.Errorf("discordgo cached %d servers the bot never reads", n)
	}
	ids := sb.Identifies()
	if len(ids) != 3 || ids[0].Shards != 3 {
		t.Fatalf("identifies: %+v", ids)
	}
	// Shards 0 and 1 (buckets 0 and 1) go at once; shard 2, in shard 0's
	// bucket, waits for the next turn.
	if gap := ids[2].At.Sub(ids[0].At); ids[2].Shard != 2 || ids[0].Shard != 0 || gap < cfg.IdentifyInterval {
		t.Errorf("shard %d identified %v after shard %d, want at least %v", ids[2].Shard, gap, ids[0].Shard, cfg.IdentifyInterval)
	}
	if gap := ids[1].At.Sub(ids[0].At); gap > cfg.IdentifyInterval/2 {
		t.Errorf("shard 1, in another bucket, waited %v", gap)
	}
	for _, m := range []sandbox.Member{sandbox.Viewer, {GuildID: far.ID, UserID: "500000000000000009", Name: "Fa"}, sandbox.DMUser} {
		a, _, err := sb.Do(wctx, m, "/hi")
		if err != nil || a.Message == nil || a.Message.Content != "hi" {
			t.Errorf("in guild %q: %+v, %v", m.GuildID, a, err)
		}
	}
	if v := sb.Violations(); len(v) != 0 {
		t.Errorf("violations: %v", v)
	}
}

// A READY without the bot's user or application is logged, not a panic
// in a handler discordgo runs with no recover.
func TestMalformedReadyDoesNotCrash(t *testing.T) {
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case strings.HasPrefix(r.URL.Path, "/api/v9/gateway"):
			fmt.Fprintf(w, `{"url":"ws%s/ws","shards":1,"session_start_limit":{"max_concurrency":1}}`, strings.TrimPrefix(srv.URL, "http"))
		case strings.HasPrefix(r.URL.Path, "/ws"):
			c, err := (&websocket.Upgrader{}).Upgrade(w, r, nil)
			if err != nil {
				return
			}
			defer c.Close()
			c.WriteMessage(websocket.TextMessage, []byte(`{"op":10,"d":{"heartbeat_interval":45000}}`))
			c.ReadMessage() // IDENTIFY
			c.WriteMessage(websocket.TextMessage, []byte(`{"op":0,"t":"READY","s":1,"d":{"v":9,"session_id":"s","user":null,"guilds":[]}}`))
			for {
				if _, _, err := c.ReadMessage(); err != nil {
					return
				}
			}
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	var logs syncBuf
	cfg := Config{Token: "t", APIURL: srv.URL, Logger: slog.New(slog.NewTextHandler(&logs, nil))}
	s, err := NewSession(cfg)
	if err != nil {
		t.Fatal(err)
	}
	b := New(SessionResponder{s}, nil, nil, Options{Logger: cfg.Logger})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Run(ctx, cfg, s, b) }()
	if !logs.waitFor("READY without", 5*time.Second) {
		t.Fatalf("not logged:\n%s", logs.String())
	}
	cancel()
	if err := <-done; err != nil {
		t.Error(err)
	}
}

type syncBuf struct {
	mu      sync.Mutex
	b       bytes.Buffer
	written chan struct{} // closed at the next write
}

func (s *syncBuf) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.written != nil {
		close(s.written)
		s.written = nil
	}
	return s.b.Write(p)
}

// waitFor reports whether text is written within failsafe (which only
// bounds a failing test).
func (s *syncBuf) waitFor(text string, failsafe time.Duration) bool {
	timeout := time.After(failsafe)
	for {
		s.mu.Lock()
		if strings.Contains(s.b.String(), text) {
			s.mu.Unlock()
			return true
		}
		if s.written == nil {
			s.written = make(chan struct{})
		}
		ch := s.written
		s.mu.Unlock()
		select {
		case <-ch:
		case <-timeout:
			return false
		}
	}
}

func (s *syncBuf) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// A process whose shards another process has taken closes them at once,
// before finishing its work in flight (whose answers still go out over
// REST): waiting for that work first would keep them open past the claim.
func TestLostClaimClosesShardsFirst(t *testing.T) {
	sb, err := sandbox.Start(sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	claims := &renewals{err: heldErr{0: "other"}}
	cfg := Config{Token: sb.Token(), APIURL: sb.URL, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Claims: claims, Owner: OwnerID("test"), ShardLease: 600 * time.Millisecond, ShutdownTimeout: 20 * time.Second}
	s, err := NewSession(cfg)
	if err != nil {
		t.Fatal(err)
	}
	release, running := make(chan struct{}), make(chan struct{})
	slow := func(context.Context, *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
		close(running)
		<-release
		return &discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource,
			Data: &discordgo.InteractionResponseData{Content: "done", AllowedMentions: &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}}}}, nil
	}
	b := New(SessionResponder{s}, []Command{{Def: &discordgo.ApplicationCommand{Name: "slow", Description: "slow"}, Run: slow}}, nil,
		Options{Logger: cfg.Logger, Timeout: time.Minute})
	done := make(chan error, 1)
	go func() { done <- Run(context.Background(), cfg, s, b) }()
	let := sync.OnceFunc(func() { close(release) })
	defer let()
	wctx, wcancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer wcancel()
	if err := sb.WaitConnected(wctx); err != nil {
		t.Fatal(err)
	}
	if _, err := sb.WaitCommands(wctx, ""); err != nil {
		t.Fatal(err)
	}
	go sb.Do(context.Background(), sandbox.Viewer, "/slow")
	<-running // a handler is in flight, and stays there
	// The next renewal (a third of the lease on) finds the shards taken:
	// the gateway closes while the handler still runs.
	if err := sb.WaitDisconnected(wctx); err != nil {
		t.Fatal("the shards stayed open while work was in flight, past their lost claim")
	}
	select {
	case err := <-done:
		t.Fatalf("Run returned before the work in flight: %v", err)
	default:
	}
	let()
	if err := <-done; !errors.Is(err, errShardsLost) {
		t.Errorf("Run: %v, want the lost claim", err)
	}
}
