package bot

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
)

type signer struct {
	pub  ed25519.PublicKey
	priv ed25519.PrivateKey
}

func newSigner(t *testing.T) signer {
	pub, priv, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	return signer{pub, priv}
}

// request is a POST /interactions as Discord sends it, signed over
// signedTS+body but carrying ts.
func (s signer) request(body []byte, ts, signedTS string) *http.Request {
	r := httptest.NewRequest("POST", "/interactions", bytes.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("X-Signature-Timestamp", ts)
	r.Header.Set("X-Signature-Ed25519", hex.EncodeToString(ed25519.Sign(s.priv, append([]byte(signedTS), body...))))
	return r
}

func (s signer) signed(body []byte) *http.Request {
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	return s.request(body, ts, ts)
}

func interactionJSON(t *testing.T, i *discordgo.InteractionCreate) []byte {
	t.Helper()
	raw := map[string]any{"id": i.ID, "application_id": "9", "type": i.Type, "token": "tok", "version": 1, "guild_id": i.GuildID,
		"member": map[string]any{"user": map[string]any{"id": "42", "username": "mo"}, "permissions": "0"}}
	switch d := i.Data.(type) {
	case discordgo.ApplicationCommandInteractionData:
		raw["data"] = map[string]any{"id": "5", "name": d.Name, "type": 1}
	case discordgo.MessageComponentInteractionData:
		raw["data"] = map[string]any{"custom_id": d.CustomID, "component_type": 2}
	}
	b, err := json.Marshal(raw)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func serveOne(h http.Handler, r *http.Request) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

// Discord checks an endpoint with requests signed wrongly and removes a
// URL that accepts one; none of them reaches a handler.
func TestInteractionsEndpointRefusesBadSignatures(t *testing.T) {
	ran := 0
	b, rec, _ := newBot(t, []Command{cmd("review", func(context.Context, *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
		ran++
		return ok("hi"), nil
	})}, nil)
	s := newSigner(t)
	h := (&HTTPEndpoint{Bot: b, Key: s.pub}).Handler()
	body := interactionJSON(t, slash("review"))
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	other := newSigner(t)

	unsigned := httptest.NewRequest("POST", "/interactions", bytes.NewReader(body))
	otherTS := s.request(body, ts, strconv.FormatInt(time.Now().Unix()-1, 10))
	otherKey := other.request(body, ts, ts)
	tampered := s.request(body, ts, ts)
	tampered.Body = io.NopCloser(bytes.NewReader(bytes.Replace(body, []byte("review"), []byte("reviex"), 1)))
	garbage := s.request(body, ts, ts)
	garbage.Header.Set("X-Signature-Ed25519", "zz")
	for name, r := range map[string]*http.Request{"unsigned": unsigned, "signed for another timestamp": otherTS,
		"another key": otherKey, "body changed": tampered, "not hex": garbage} {
		if w := serveOne(h, r); w.Code != http.StatusUnauthorized {
			t.Errorf("%s: %d, want 401", name, w.Code)
		}
	}
	if ran != 0 || len(rec.responses) != 0 {
		t.Errorf("a badly signed request ran a handler (%d) or answered (%d)", ran, len(rec.responses))
	}
	if w := serveOne(h, s.signed(body)); w.Code != http.StatusOK || ran != 1 {
		t.Errorf("a well signed request: %d, ran %d", w.Code, ran)
	}
	// An endpoint given no key, or bytes that are no key, checks nothing
	// and so lets nothing in (ParsePublicKey refuses such keys at start).
	bad, _ := hex.DecodeString(notAPoint)
	for _, key := range []ed25519.PublicKey{nil, bad} {
		h := (&HTTPEndpoint{Bot: b, Key: key, Log: slog.New(slog.DiscardHandler)}).Handler()
		if w := serveOne(h, s.signed(body)); w.Code != http.StatusUnauthorized || ran != 1 {
			t.Errorf("key %x: %d, ran %d; want 401", key, w.Code, ran)
		}
	}
}

func TestInteractionsEndpointPingSizeAndMalformed(t *testing.T) {
	b, _, _ := newBot(t, nil, nil)
	s := newSigner(t)
	h := (&HTTPEndpoint{Bot: b, Key: s.pub}).Handler()
	w := serveOne(h, s.signed([]byte(`{"id":"1","application_id":"9","type":1,"token":"t","version":1}`)))
	if w.Code != 200 || strings.TrimSpace(w.Body.String()) != `{"type":1}` || w.Header().Get("Content-Type") != "application/json" {
		t.Errorf("PING: %d %q %q", w.Code, w.Body, w.Header().Get("Content-Type"))
	}
	big := append([]byte(`{"type":2,"x":"`), bytes.Repeat([]byte("a"), MaxInteractionBody)...)
	big = append(big, `"}`...)
	if w := serveOne(h, s.signed(big)); w.Code != http.StatusRequestEntityTooLarge {
		t.Errorf("oversized: %d, want 413", w.Code)
	}
	for _, bad := range []string{`{"type":`, `[]`, `{}`, `null`, `{"type":2} x`, `{"type":2,"data":{"name":5}}`} {
		if w := serveOne(h, s.signed([]byte(bad))); w.Code != http.StatusBadRequest {
			t.Errorf("%s: %d, want 400", bad, w.Code)
		}
	}
	if w := serveOne(h, httptest.NewRequest("GET", "/interactions", nil)); w.Code != http.StatusMethodNotAllowed {
		t.Errorf("GET /interactions: %d", w.Code)
	}
}

// The first answer is the HTTP response: JSON, multipart with a file, or
// a deferral followed by an edit over REST; a panic is still answered.
func TestInteractionsEndpointAnswers(t *testing.T) {
	var rec *recorder
	deferred := make(chan struct{})
	b, rec, _ := newBot(t, []Command{
		cmd("review", func(context.Context, *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
			return ok("a passage"), nil
		}),
		cmd("chart", func(context.Context, *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
			r := ok("the chart")
			r.Data.Files = []*discordgo.File{{Name: "chart.png", ContentType: "image/png", Reader: strings.NewReader("\x89PNG…")}}
			return r, nil
		}),
		cmd("slow", func(context.Context, *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
			rec.clock.Next(t) // past DeferAfter
			<-deferred        // the deferral is the HTTP response
			return ok("done"), nil
		}),
		cmd("boom", func(context.Context, *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
			panic("boom")
		}),
	}, nil)
	s := newSigner(t)
	srv := httptest.NewServer((&HTTPEndpoint{Bot: b, Key: s.pub}).Handler())
	defer srv.Close()
	post := func(name string) *http.Response {
		t.Helper()
		r := s.signed(interactionJSON(t, slash(name)))
		req, _ := http.NewRequest("POST", srv.URL+"/interactions", r.Body)
		req.Header = r.Header
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	decode := func(resp *http.Response) discordgo.InteractionResponse {
		t.Helper()
		defer resp.Body.Close()
		// A length, not chunks: behind Go's httputil.ReverseProxy (Caddy,
		// Traefik) a chunked answer after the flush was cut off about once
		// in a thousand under load (filmbot bench --http through one).
		if resp.ContentLength <= 0 || len(resp.TransferEncoding) > 0 {
			t.Errorf("answer without a Content-Length (%d, %v)", resp.ContentLength, resp.TransferEncoding)
		}
		var out discordgo.InteractionResponse
		if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != 200 {
			t.Fatalf("status %d, %v", resp.StatusCode, err)
		}
		return out
	}
	if r := decode(post("review")); r.Type != discordgo.InteractionResponseChannelMessageWithSource || r.Data.Content != "a passage" {
		t.Errorf("review: %+v", r)
	}

	resp := post("chart")
	ct, params, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	if ct != "multipart/form-data" {
		t.Fatalf("chart answer is %q, want multipart/form-data", ct)
	}
	parts := map[string]string{}
	mr := multipart.NewReader(resp.Body, params["boundary"])
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(p)
		parts[p.FormName()] = string(data)
	}
	resp.Body.Close()
	var payload discordgo.InteractionResponse
	if err := json.Unmarshal([]byte(parts["payload_json"]), &payload); err != nil || payload.Data.Content != "the chart" || parts["files[0]"] != "\x89PNG…" {
		t.Errorf("multipart answer: %v %+v %q", err, payload, parts)
	}

	if r := decode(post("slow")); r.Type != discordgo.InteractionResponseDeferredChannelMessageWithSource {
		t.Errorf("slow: first answer type %d, want a deferral (5)", r.Type)
	}
	close(deferred)
	rec.waitFor(t, func() bool { return len(rec.edits) > 0 })
	rec.mu.Lock()
	if len(rec.edits) != 1 || *rec.edits[0].Content != "done" || len(rec.responses) != 0 {
		t.Errorf("after the deferral: edits %+v, REST callbacks %d (want the edit over REST, no callback)", rec.edits, len(rec.responses))
	}
	rec.mu.Unlock()

	if r := decode(post("boom")); r.Data == nil || r.Data.Flags&discordgo.MessageFlagsEphemeral == 0 || !strings.Contains(r.Data.Content, "went wrong") {
		t.Errorf("panic: %+v", r)
	}
}

// /readyz says why it is not ready, never the detail (a database's host
// and user), which goes to the log; and it asks Ready at most once a
// second, however many ask it.
func TestHealthAndReadiness(t *testing.T) {
	b, _, _ := newBot(t, nil, nil)
	var logs bytes.Buffer
	now := time.Unix(1_800_000_000, 0)
	var calls atomic.Int32
	var notReady error = &NotReady{Reason: "database unreachable", Err: errors.New(`failed to connect to host=db.internal user=filmbot: refused`)}
	var hold chan struct{} // when set, Ready waits on it
	h := (&HTTPEndpoint{Bot: b, Key: newSigner(t).pub, Log: slog.New(slog.NewTextHandler(&logs, nil)), Now: func() time.Time { return now },
		Ready: func(context.Context) error {
			calls.Add(1)
			if hold != nil {
				<-hold
			}
			return notReady
		}}).Handler()
	get := func(path string) *httptest.ResponseRecorder {
		return serveOne(h, httptest.NewRequest("GET", path, nil))
	}
	if w := get("/healthz"); w.Code != 200 || calls.Load() != 0 {
		t.Errorf("healthz: %d, Ready asked %d times", w.Code, calls.Load())
	}
	w := get("/readyz")
	if w.Code != 503 || w.Body.String() != "not ready: database unreachable\n" {
		t.Errorf("readyz while not ready: %d %q", w.Code, w.Body)
	}
	if !strings.Contains(logs.String(), "db.internal") {
		t.Errorf("the detail is not logged: %s", logs.String())
	}
	// Within the second: the same answer, Ready not asked again, nothing
	// more logged.
	logged := logs.Len()
	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() {
			if w := get("/readyz"); w.Code != 503 || strings.Contains(w.Body.String(), "db.internal") {
				t.Errorf("readyz again: %d %q", w.Code, w.Body)
			}
		})
	}
	wg.Wait()
	if calls.Load() != 1 || logs.Len() != logged {
		t.Errorf("50 /readyz within a second asked Ready %d times (want 1) and logged %q", calls.Load(), logs.String()[logged:])
	}
	// A second later Ready is asked again, once for all who ask while it
	// answers.
	now = now.Add(readyFor)
	notReady, hold = nil, make(chan struct{})
	for range 20 {
		wg.Go(func() {
			if w := get("/readyz"); w.Code != 200 || w.Body.String() != "ready\n" {
				t.Errorf("readyz when ready: %d %q", w.Code, w.Body)
			}
		})
	}
	for calls.Load() != 2 {
		runtime.Gosched()
	}
	close(hold)
	wg.Wait()
	if calls.Load() != 2 || !strings.Contains(logs.String()[logged:], "ready again") {
		t.Errorf("Ready asked %d times (want 2); logged %q", calls.Load(), logs.String()[logged:])
	}
	// An error that is not a NotReady says nothing of itself.
	now, notReady, hold = now.Add(readyFor), errors.New("password=hunter2"), nil
	if w := get("/readyz"); w.Code != 503 || w.Body.String() != "not ready\n" {
		t.Errorf("readyz with a plain error: %d %q", w.Code, w.Body)
	}
}

func TestParsePublicKey(t *testing.T) {
	s := newSigner(t)
	if k, err := ParsePublicKey(" " + hex.EncodeToString(s.pub) + "\n"); err != nil || !k.Equal(s.pub) {
		t.Errorf("good key: %v", err)
	}
	for _, bad := range []string{"", "abc", hex.EncodeToString(s.pub)[:62], strings.Repeat("zz", 32), notAPoint} {
		if _, err := ParsePublicKey(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
