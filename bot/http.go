package bot

import (
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/filmbot/filmbot/component"
)

// MaxInteractionBody bounds an interaction's body. Discord's largest (a
// command with resolved members, channels and attachments, or a form of
// five 4,000-character fields) stay far below it.
const MaxInteractionBody = 1 << 20

// The bounds of the Interactions Endpoint and of the ops listener.
const (
	// MaxSkew is how far an interaction's signed timestamp may be from
	// this process's clock. Discord signs as it sends; a request older
	// than this is a replay (or a clock far off: keep NTP on).
	MaxSkew = 5 * time.Minute
	// MaxConns bounds the connections an Interactions Endpoint holds
	// open; more wait in the kernel's queue until one closes. Each costs
	// about 20 KiB of heap and stack while its request is read
	// (TestSlowConnectionsHeap: 3,000 connections, 44 MiB).
	MaxConns = 2048
	// MaxOpsConns bounds the ops listener's (/metrics, /healthz, /readyz).
	MaxOpsConns = 64
	// maxHeaderBytes bounds a request's headers (Discord's are under
	// 1 KiB; net/http's default is 1 MiB).
	maxHeaderBytes = 16 << 10
	// bodyStart is the size of the pooled buffer a body is read into
	// (Discord's interactions are 1 to 3 KiB); a larger body grows it as
	// its bytes arrive, within bodyBudget.
	bodyStart = 4 << 10
	// maxPooledBody: a buffer grown past it goes back to the collector.
	maxPooledBody = 64 << 10
	// bodyBudget bounds the bytes of all the bodies being read that
	// outgrew bodyStart: past it, such a request is refused (503) instead
	// of read.
	bodyBudget = 64 << 20
	// readyFor is how long an answer of /readyz is served again before
	// Ready is asked anew: load balancers ask often, and each asking
	// queries the store.
	readyFor = time.Second
)

// HTTPEndpoint serves Discord's Interactions Endpoint: Discord POSTs each
// interaction, signed, and the first answer goes back in the HTTP
// response; deferred answers, edits and follow-ups go over REST as on the
// gateway. It also serves /healthz and /readyz for load balancers.
type HTTPEndpoint struct {
	Bot *Bot
	// Key is the application's public key (DISCORD_PUBLIC_KEY).
	Key ed25519.PublicKey
	// Ready reports whether this process can serve: the store reachable,
	// the commands registered. nil means ready.
	Ready func(ctx context.Context) error
	Log   *slog.Logger
	// Extra routes on the same listener (metrics), by pattern.
	Extra map[string]http.Handler
	// Now is the clock signed timestamps and /readyz's cache are read by
	// (tests set it); nil is time.Now.
	Now func() time.Time
	// Refused, if set, hears of every request to /interactions refused
	// before a handler, by reason: headers (signature headers missing,
	// malformed, or signed more than MaxSkew from now), signature,
	// too_large, busy (bodyBudget spent), unreadable, not_interaction,
	// replay (an id already handled). For metrics.
	Refused func(reason string)

	bodyBytes atomic.Int64 // bodies' bytes past bodyStart, against bodyBudget
	reading   atomic.Int64 // bodies being read
	// onReading, if set, hears how many bodies are being read each time
	// one more starts (TestSlowConnectionsHeap waits on it).
	onReading func(n int64)
	ready     readyCache
}

func (h *HTTPEndpoint) now() time.Time {
	if h.Now != nil {
		return h.Now()
	}
	return time.Now()
}

// NotReady is why a process is not ready to serve: Reason is what /readyz
// tells anyone who asks ("database unreachable"); Err, the detail (a
// database's host and user), goes to the log only.
type NotReady struct {
	Reason string
	Err    error
}

func (e *NotReady) Error() string {
	if e.Err == nil {
		return e.Reason
	}
	return e.Reason + ": " + e.Err.Error()
}

func (e *NotReady) Unwrap() error { return e.Err }

// NewServer is an http.Server for an Interactions Endpoint or the ops
// listener, with bounds on how long and how much a client may send: its
// headers within 5 s and 16 KiB, its whole request within 10 s, and a
// connection idle for 2 minutes is closed. No bound on writing: an
// interaction's request lasts as long as its handler (up to 30 s, after
// a deferral). Serve it with Serve (a bound on connections).
func NewServer(handler http.Handler, log *slog.Logger) *http.Server {
	return &http.Server{Handler: handler, ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 10 * time.Second,
		IdleTimeout: 2 * time.Minute, MaxHeaderBytes: maxHeaderBytes,
		ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
}

// Serve serves srv on ln with at most maxConns connections open at once.
func Serve(srv *http.Server, ln net.Listener, maxConns int) error {
	return srv.Serve(LimitListener(ln, maxConns))
}

// LimitListener accepts at most n connections open at once: past them,
// Accept waits for one to close, and new connections wait in the
// kernel's queue (not refused; a client's own timeout ends its wait).
func LimitListener(ln net.Listener, n int) net.Listener {
	return &limitListener{Listener: ln, slots: make(chan struct{}, n), done: make(chan struct{})}
}

type limitListener struct {
	net.Listener
	slots     chan struct{}
	done      chan struct{}
	closeOnce sync.Once
}

func (l *limitListener) Accept() (net.Conn, error) {
	select {
	case l.slots <- struct{}{}:
	case <-l.done:
		return nil, net.ErrClosed
	}
	c, err := l.Listener.Accept()
	if err != nil {
		<-l.slots
		return nil, err
	}
	return &limitConn{Conn: c, free: func() { <-l.slots }}, nil
}

func (l *limitListener) Close() error {
	l.closeOnce.Do(func() { close(l.done) })
	return l.Listener.Close()
}

type limitConn struct {
	net.Conn
	once sync.Once
	free func()
}

func (c *limitConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(c.free)
	return err
}

// ParsePublicKey reads DISCORD_PUBLIC_KEY: the application's Ed25519
// public key in hex, as the developer portal shows it.
func ParsePublicKey(s string) (ed25519.PublicKey, error) {
	k, err := hex.DecodeString(strings.TrimSpace(s))
	if err != nil || len(k) != ed25519.PublicKeySize {
		return nil, errors.New("DISCORD_PUBLIC_KEY: want the application's public key, 64 hex digits (developer portal → General Information → Public Key)")
	}
	if _, err := newPublicKey(k); err != nil {
		return nil, fmt.Errorf("DISCORD_PUBLIC_KEY: %w; copy it again from the developer portal (General Information → Public Key)", err)
	}
	return ed25519.PublicKey(k), nil
}

// Handler routes POST /interactions, GET /healthz and GET /readyz (and
// Extra).
func (h *HTTPEndpoint) Handler() http.Handler {
	mux := h.ops()
	key, err := newPublicKey(h.Key)
	if err != nil {
		// ParsePublicKey refuses such a key at start-up; a key set by
		// hand that is no key at all verifies nothing.
		h.Log.Error("DISCORD_PUBLIC_KEY: every interaction will be refused", "err", err)
	}
	mux.HandleFunc("POST /interactions", func(w http.ResponseWriter, r *http.Request) { h.interactions(key, w, r) })
	return mux
}

// OpsHandler routes GET /healthz and GET /readyz (and Extra) alone, for a
// process on the gateway.
func (h *HTTPEndpoint) OpsHandler() http.Handler { return h.ops() }

func (h *HTTPEndpoint) ops() *http.ServeMux {
	if h.Log == nil {
		h.Log = slog.Default()
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		io.WriteString(w, "ok\n")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if err := h.readiness(r.Context()); err != nil {
			// The reason, never the detail: /readyz answers anyone.
			w.WriteHeader(http.StatusServiceUnavailable)
			var nr *NotReady
			if errors.As(err, &nr) {
				fmt.Fprintf(w, "not ready: %s\n", nr.Reason)
			} else {
				io.WriteString(w, "not ready\n")
			}
			return
		}
		io.WriteString(w, "ready\n")
	})
	for pattern, handler := range h.Extra {
		mux.Handle(pattern, handler)
	}
	return mux
}

// readyCache is /readyz's last answer, served again for readyFor.
type readyCache struct {
	mu      sync.Mutex
	at      time.Time     // when err was learnt; zero: never asked
	err     error         // Ready's last answer
	pending chan struct{} // closed when the asking under way ends
}

// readiness is Ready's answer, asked at most once a readyFor: the others
// asking meanwhile are given the same answer, those who ask while it is
// being asked wait for it. A change is logged, with its detail.
func (h *HTTPEndpoint) readiness(ctx context.Context) error {
	if h.Ready == nil {
		return nil
	}
	c := &h.ready
	c.mu.Lock()
	if now := h.now(); !c.at.IsZero() && now.Sub(c.at) < readyFor && !now.Before(c.at) {
		err := c.err
		c.mu.Unlock()
		return err
	}
	if p := c.pending; p != nil {
		c.mu.Unlock()
		select {
		case <-p:
		case <-ctx.Done():
			return &NotReady{Reason: "no answer yet", Err: ctx.Err()}
		}
		c.mu.Lock()
		defer c.mu.Unlock()
		return c.err
	}
	p := make(chan struct{})
	c.pending = p
	c.mu.Unlock()
	// Not the request's context: the answer is shared, and must not fail
	// because the first asker went away.
	qctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	err := h.Ready(qctx)
	cancel()
	c.mu.Lock()
	was, first := c.err, c.at.IsZero()
	c.at, c.err, c.pending = h.now(), err, nil
	close(p)
	c.mu.Unlock()
	switch {
	case err != nil && (first || was == nil || was.Error() != err.Error()):
		h.Log.Warn("not ready", "err", err)
	case err == nil && !first && was != nil:
		h.Log.Info("ready again")
	}
	return err
}

func httpError(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(status)
	io.WriteString(w, msg+"\n")
}

// signature reads Discord's signature headers, X-Signature-Ed25519 (64
// bytes in hex) and X-Signature-Timestamp (Unix seconds), before the body
// is read: a request without them, or signed more than MaxSkew away from
// now, is refused before it can cost a buffer. With publicKey.verify on
// the body, it checks what discordgo.VerifyInteraction checks
// (TestVerifyIsDiscordgos) and the timestamp's age besides; that one
// reads the body again and copies it twice.
func signature(r *http.Request, now time.Time) (sig [ed25519.SignatureSize]byte, ts string, ok bool) {
	ts, hexSig := r.Header.Get("X-Signature-Timestamp"), r.Header.Get("X-Signature-Ed25519")
	if len(hexSig) != hex.EncodedLen(len(sig)) || len(ts) == 0 || len(ts) > 12 {
		return sig, "", false
	}
	if _, err := hex.Decode(sig[:], []byte(hexSig)); err != nil {
		return sig, "", false
	}
	var sec int64
	for _, c := range []byte(ts) {
		if c < '0' || c > '9' {
			return sig, "", false
		}
		sec = sec*10 + int64(c-'0')
	}
	if d := now.Sub(time.Unix(sec, 0)); d > MaxSkew || d < -MaxSkew {
		return sig, "", false
	}
	return sig, ts, true
}

var (
	bodyPool    = sync.Pool{New: func() any { b := make([]byte, 0, bodyStart); return &b }}
	errTooLarge = errors.New("body too large")
	errBusy     = errors.New("too many large bodies being read")
)

// readBody reads a request's body whole into a buffer from bodyPool, grown
// only as bytes arrive (a declared Content-Length is no promise of them).
// Past bodyStart, the buffer's bytes count against bodyBudget until
// putBody. Past MaxInteractionBody it fails with errTooLarge.
func (h *HTTPEndpoint) readBody(r *http.Request) (*[]byte, error) {
	if n := h.reading.Add(1); h.onReading != nil {
		h.onReading(n)
	}
	defer h.reading.Add(-1)
	bp := bodyPool.Get().(*[]byte)
	buf := (*bp)[:0]
	if extra := int64(cap(buf) - bodyStart); extra > 0 && !h.take(extra) {
		buf = make([]byte, 0, bodyStart) // the pooled one is too large for the budget now
	}
	for {
		if len(buf) == cap(buf) {
			if len(buf) > MaxInteractionBody {
				*bp = buf
				h.putBody(bp)
				return nil, errTooLarge
			}
			// Doubling, to one byte past the bound (to see it passed).
			grown := min(2*cap(buf), MaxInteractionBody+1)
			if !h.take(int64(grown - cap(buf))) {
				*bp = buf
				h.putBody(bp)
				return nil, errBusy
			}
			nb := make([]byte, len(buf), grown)
			copy(nb, buf)
			buf = nb
		}
		n, err := r.Body.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if len(buf) > MaxInteractionBody {
			*bp = buf
			h.putBody(bp)
			return nil, errTooLarge
		}
		if err == io.EOF {
			*bp = buf
			if r.ContentLength > 0 && int64(len(buf)) != r.ContentLength {
				h.putBody(bp)
				return nil, io.ErrUnexpectedEOF // net/http says so itself; a body handed in by hand may not
			}
			return bp, nil
		}
		if err != nil {
			*bp = buf
			h.putBody(bp)
			return nil, err
		}
	}
}

// take counts n bytes against bodyBudget, or reports false if they do
// not fit.
func (h *HTTPEndpoint) take(n int64) bool {
	if h.bodyBytes.Add(n) > bodyBudget {
		h.bodyBytes.Add(-n)
		return false
	}
	return true
}

// putBody gives a body's buffer back, and its bytes to the budget.
func (h *HTTPEndpoint) putBody(bp *[]byte) {
	c := cap(*bp)
	if c > bodyStart {
		h.bodyBytes.Add(-int64(c - bodyStart))
	}
	if c > maxPooledBody {
		return
	}
	*bp = (*bp)[:0]
	bodyPool.Put(bp)
}

// refuse answers a request to /interactions refused before a handler.
func (h *HTTPEndpoint) refuse(w http.ResponseWriter, status int, reason, msg string) {
	if h.Refused != nil {
		h.Refused(reason)
	}
	httpError(w, status, msg)
}

func (h *HTTPEndpoint) interactions(key *publicKey, w http.ResponseWriter, r *http.Request) {
	// The headers are checked before a byte of the body is read, the size
	// bounded as it is read, and the signature checked before anything
	// else looks at it.
	now := h.now()
	sig, ts, ok := signature(r, now)
	if !ok {
		h.refuse(w, http.StatusUnauthorized, "headers", "invalid request signature")
		return
	}
	if r.ContentLength > MaxInteractionBody {
		h.refuse(w, http.StatusRequestEntityTooLarge, "too_large", "body too large")
		return
	}
	bp, err := h.readBody(r)
	if err != nil {
		switch err {
		case errTooLarge:
			w.Header().Set("Connection", "close") // not worth reading the rest
			h.refuse(w, http.StatusRequestEntityTooLarge, "too_large", "body too large")
		case errBusy:
			w.Header().Set("Connection", "close")
			h.refuse(w, http.StatusServiceUnavailable, "busy", "busy")
		default:
			h.refuse(w, http.StatusBadRequest, "unreadable", "could not read the body")
		}
		return
	}
	body := *bp
	if key == nil || !key.verify(&sig, ts, body) {
		h.putBody(bp)
		h.refuse(w, http.StatusUnauthorized, "signature", "invalid request signature")
		return
	}
	// The decoder copies what it keeps (strings, json.RawMessage): the
	// buffer is free once it returns.
	i, err := decodeInteraction(body)
	n := len(body)
	h.putBody(bp)
	if err != nil || i.Type == 0 {
		h.Log.Warn("a signed interaction that is not one", "err", err, "bytes", n)
		h.refuse(w, http.StatusBadRequest, "not_interaction", "not an interaction")
		return
	}
	if i.Type == discordgo.InteractionPing {
		writeBody(w, http.StatusOK, "application/json", []byte(`{"type":1}`))
		return
	}
	// The interaction is handled on this goroutine: the first answer is the
	// HTTP response, flushed at once: Discord must have it before what
	// follows over REST (the edit of a deferral while the handler goes on,
	// a follow-up after an answer).
	// A watchdog may answer "too slow" from its own goroutine (see
	// Bot.handle): the response is written under mu, and not at all once
	// this has returned.
	var mu sync.Mutex
	answered, over := false, false
	first := func(i *discordgo.InteractionCreate, resp *discordgo.InteractionResponse, start time.Time) error {
		mu.Lock()
		defer mu.Unlock()
		switch {
		case over:
			return errors.New("the HTTP request from Discord ended before the first answer")
		case answered:
			return errors.New("the HTTP request from Discord was already answered")
		}
		answered = true
		err := writeAnswer(w, resp)
		if f, ok := w.(http.Flusher); ok && err == nil {
			f.Flush()
		}
		return err
	}
	if !h.Bot.handle(i, first) {
		// Discord sends an interaction once: this one is a replay of a
		// captured request (within MaxSkew of its signing), or Discord
		// sent it again after an answer that was lost on the way.
		h.Log.Warn("a signed interaction already handled: refused", "interaction", i.ID)
		h.refuse(w, http.StatusConflict, "replay", "interaction already handled")
		return
	}
	mu.Lock()
	defer mu.Unlock()
	over = true
	if !answered {
		httpError(w, http.StatusInternalServerError, "no answer")
	}
}

// decodeInteraction reads an interaction's body with discordgo's own
// decoder, called directly. json.Unmarshal into an InteractionCreate
// would check the whole body, scan it again to find its end, and hand it
// to discordgo, whose json.Unmarshal checks it again before decoding it.
// Skipping the first two halves the decoding (BenchmarkDecodeInteraction
// measures it); what json.Unmarshal refuses is still refused
// (FuzzDecodeInteraction), but for a modal submit of Discord's newer
// form components (labels, uploads, radio groups), which discordgo
// refuses and package component decodes.
//
// Application commands and autocompletes, most of what an endpoint gets,
// are decoded by fastInteraction first, in a fraction of that.
func decodeInteraction(body []byte) (*discordgo.InteractionCreate, error) {
	if i, ok := fastInteraction(body); ok {
		return &discordgo.InteractionCreate{Interaction: i}, nil
	}
	i := new(discordgo.Interaction)
	if err := component.DecodeInteraction(i, body, i.UnmarshalJSON(body)); err != nil {
		return nil, err
	}
	return &discordgo.InteractionCreate{Interaction: i}, nil
}

// writeAnswer writes an interaction response as Discord takes it: JSON,
// or multipart/form-data with payload_json when it carries files.
func writeAnswer(w http.ResponseWriter, resp *discordgo.InteractionResponse) error {
	if resp.Data != nil && len(resp.Data.Files) > 0 {
		ct, body, err := discordgo.MultipartBodyWithJSON(Wire(resp), resp.Data.Files)
		if err != nil {
			httpError(w, http.StatusInternalServerError, "could not encode the answer")
			return err
		}
		return writeBody(w, http.StatusOK, ct, body)
	}
	// Written into a pooled buffer: the ResponseWriter copies it.
	bp := wirePool.Get().(*[]byte)
	defer func() {
		if cap(*bp) <= maxPooledWire {
			wirePool.Put(bp)
		}
	}()
	body, ok := appendWire((*bp)[:0], resp)
	if ok {
		*bp = body
	} else {
		var err error
		if body, err = json.Marshal(Wire(resp)); err != nil {
			httpError(w, http.StatusInternalServerError, "could not encode the answer")
			return err
		}
	}
	return writeBody(w, http.StatusOK, "application/json", body)
}

// wirePool holds the buffers answers are written into; one grown past
// maxPooledWire (a card is a few KiB) goes back to the collector.
var wirePool = sync.Pool{New: func() any { b := make([]byte, 0, 8<<10); return &b }}

const maxPooledWire = 64 << 10

func writeBody(w http.ResponseWriter, status int, contentType string, body []byte) error {
	w.Header().Set("Content-Type", contentType)
	// A length, not chunks: the answer is whole before it is written, and
	// the flush that follows must not leave the body open-ended.
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, err := w.Write(body)
	return err
}
