package sandbox

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Interactions over HTTP: with an Interactions Endpoint URL set (as in
// the developer portal), the sandbox POSTs each interaction there,
// signed with the application's Ed25519 key, instead of sending it over
// the gateway, and takes the HTTP response as the first answer, judged
// as a callback would be. Like Discord, it also sends requests with bad
// signatures, and records an endpoint that accepts one.

// probeEvery is how often (in interactions) a badly signed copy is sent
// before the real one.
const probeEvery = 25

// PublicKey is the application's public key, hex, for DISCORD_PUBLIC_KEY.
func (s *Server) PublicKey() string { return hex.EncodeToString(s.pub) }

// InteractionsURL is where interactions are POSTed ("" for the gateway).
func (s *Server) InteractionsURL() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.endpoint
}

// SetInteractionsURL makes the sandbox deliver interactions to url by
// signed HTTP POST ("" goes back to the gateway). Like Discord's portal,
// it first checks the endpoint: a signed PING must get {"type":1} and
// badly signed requests 401.
func (s *Server) SetInteractionsURL(ctx context.Context, url string) error {
	if url != "" {
		if err := s.CheckEndpoint(ctx, url); err != nil {
			return err
		}
	}
	s.mu.Lock()
	s.endpoint, s.checked = url, true
	s.mu.Unlock()
	return nil
}

// CheckEndpoint validates an Interactions Endpoint URL as Discord does
// when it is saved: a signed PING answered {"type":1}, and an unsigned
// request, one signed with another key and one whose signature covers
// another timestamp all refused with 401.
func (s *Server) CheckEndpoint(ctx context.Context, url string) error {
	ping := []byte(`{"id":"` + s.newID() + `","application_id":"` + s.AppID + `","type":1,"token":"ping","version":1}`)
	status, ct, body, err := s.post(ctx, url, ping, goodSig)
	if err != nil {
		return fmt.Errorf("interactions endpoint %s: %w", url, err)
	}
	if status != 200 || !strings.HasPrefix(ct, "application/json") || strings.Join(strings.Fields(string(body)), "") != `{"type":1}` {
		return fmt.Errorf("interactions endpoint %s answered a PING with %d %q %q, want 200 application/json {\"type\":1}", url, status, ct, body)
	}
	for _, bad := range []sigKind{noSig, otherKey, otherTimestamp} {
		status, _, _, err := s.post(ctx, url, ping, bad)
		if err != nil {
			return fmt.Errorf("interactions endpoint %s: %w", url, err)
		}
		if status != http.StatusUnauthorized {
			return fmt.Errorf("interactions endpoint %s answered %d to a request %s, want 401", url, status, bad)
		}
	}
	return nil
}

type sigKind int

const (
	goodSig sigKind = iota
	noSig
	otherKey
	otherTimestamp
)

func (k sigKind) String() string {
	return [...]string{"signed", "without a signature", "signed with another key", "signed for another timestamp"}[k]
}

// post sends body to url, signed as kind says, and reads the answer.
func (s *Server) post(ctx context.Context, url string, body []byte, kind sigKind) (int, string, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, "", nil, err
	}
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	signedTS, key := ts, s.priv
	switch kind {
	case otherKey:
		_, key, _ = ed25519.GenerateKey(nil)
	case otherTimestamp:
		signedTS = strconv.FormatInt(time.Now().Unix()-7, 10)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Discord-Interactions/1.0 (+https://discord.com)")
	if kind != noSig {
		req.Header.Set("X-Signature-Ed25519", hex.EncodeToString(ed25519.Sign(key, append([]byte(signedTS), body...))))
		req.Header.Set("X-Signature-Timestamp", ts)
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return 0, "", nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 26<<20))
	return resp.StatusCode, resp.Header.Get("Content-Type"), data, err
}

// deliver POSTs an interaction to the endpoint and applies the answer in
// the HTTP response as its first answer.
func (s *Server) deliver(ix *Interaction, url string, body []byte, seq uint64) {
	ctx, cancel := context.WithTimeout(context.Background(), s.opts.ResponseWindow+time.Second)
	defer cancel()
	if seq%probeEvery == 0 {
		if status, _, _, err := s.post(ctx, url, body, otherKey); err == nil && status/100 == 2 {
			s.mu.Lock()
			s.violateLocked(ix.ID, "the interactions endpoint accepted a request with a bad signature (%d); Discord removes such an endpoint", status)
			s.mu.Unlock()
		}
	}
	s.mu.Lock()
	ix.sent = time.Now()
	ix.delivering = true
	s.mu.Unlock()
	status, ct, data, err := s.post(ctx, url, body, goodSig)
	arrived := time.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	defer func() { // what waited for this answer goes on
		ix.delivering = false
		s.answered.Broadcast()
	}()
	if err != nil {
		if !ix.responded { // the window's own timer reports a missing answer
			s.violateLocked(ix.ID, "interactions endpoint: %v", err)
		}
		return
	}
	if status != http.StatusOK {
		s.violateLocked(ix.ID, "interactions endpoint answered %d %q", status, truncate(string(data), 200))
		return
	}
	typ, msg, err := decodeBody(ct, bytes.NewReader(data), true)
	if err != nil {
		s.violateLocked(ix.ID, "interactions endpoint answered a body Discord cannot read (%s): %v", ct, err)
		return
	}
	n := len(s.viol)
	if r := s.firstAnswerLocked(ix, typ, msg, arrived); r != nil && len(s.viol) == n {
		s.violateLocked(ix.ID, "answer in the HTTP response refused: %d %s", r.status, r.msg)
	}
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
