package main

import (
	"bytes"
	"crypto/ed25519"
	"encoding/hex"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/filmbot/filmbot/bot"
	"github.com/filmbot/filmbot/loadtest"
	"github.com/filmbot/filmbot/metrics"
	"github.com/filmbot/filmbot/storage"
	"github.com/filmbot/filmbot/storage/bolt"
)

// endpointBody is an interaction as Discord POSTs it to an Interactions
// Endpoint (the fields the sandbox sends, as Discord documents them),
// with data and type set.
func endpointBody(typ int, data string) []byte {
	return []byte(`{"app_permissions":"2251799813685247","application_id":"300000000000000001","attachment_size_limit":10485760,` +
		`"authorizing_integration_owners":{"0":"100000000000000001"},"channel":{"id":"200000000000000001","type":0},` +
		`"channel_id":"200000000000000001","context":0,"data":` + data + `,"entitlements":[],` +
		`"guild":{"features":[],"id":"100000000000000001","locale":"en-US"},"guild_id":"100000000000000001","guild_locale":"en-US",` +
		`"id":"400000000000000001","locale":"en-US","member":{"deaf":false,"joined_at":"2024-05-21T10:00:00.000000+00:00","mute":false,` +
		`"nick":null,"permissions":"0","roles":[],"user":{"avatar":null,"discriminator":"0","global_name":"Vi","id":"500000000000000002",` +
		`"username":"Vi"}},"token":"aW50ZXJhY3Rpb24c34b654c9994dbec5e5397c65d4a41c864899491dd81b694923832c1d9f6d32e","type":` +
		strconv.Itoa(typ) + `,"version":1}`)
}

// BenchmarkEndpoint is one interaction through an Interactions Endpoint,
// in process, Discord and the network aside: filmbot's (as `filmbot run`
// assembles it, on a bbolt file) against the baseline of `filmbot bench
// --baseline` (a discordgo bot answering a fixed embed) and the minimal
// endpoint of `filmbot bench --minimal` (net/http, one Ed25519 check, the
// type read, a fixed answer), all checking the same signature. cpu-ns/op
// is the process's CPU time per request (the collector's included), which
// a busy machine does not swell as it does ns/op: filmbot/review's over
// minimal/command's is the ratio `bench --minimal` measures from outside,
// net/http's own work (the same for both) aside, without its noise:
//
//	go test -run '^$' -bench 'Endpoint/(minimal|filmbot)/(command|review)' -count 3 ./cmd/filmbot
func BenchmarkEndpoint(b *testing.B) {
	pub, priv, err := ed25519.GenerateKey(nil)
	if err != nil {
		b.Fatal(err)
	}
	db, err := bolt.Open(filepath.Join(b.TempDir(), "bench.db"), bolt.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	s, err := bot.NewSession(bot.Config{Token: "bench", APIURL: "http://127.0.0.1:9"})
	if err != nil {
		b.Fatal(err)
	}
	m := metrics.New(nil)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	_, fb := assemble(storage.Observed(db, m.StoreOp), s, m, log, "bench")
	filmbot := (&bot.HTTPEndpoint{Bot: fb, Key: pub, Log: log}).Handler()
	baseline := loadtest.BaselineInteractions(pub)
	minimal, err := loadtest.MinimalInteractions(pub)
	if err != nil {
		b.Fatal(err)
	}
	command := func(name string) []byte {
		return endpointBody(2, `{"id":"1","name":"`+name+`","options":[{"name":"film","type":3,"value":"anora"}],"type":1}`)
	}
	id := int64(400000000000000001) // ids go on across the cases: filmbot serves them all
	for _, c := range []struct {
		name string
		h    http.Handler
		body []byte
		want string
	}{
		{"baseline/command", baseline, command("review"), "fixed passage"},
		{"baseline/autocomplete", baseline, endpointBody(4, `{"id":"1","name":"review","options":[{"name":"film","type":3,"value":"anroa","focused":true}],"type":1}`), "Anora"},
		{"minimal/command", minimal, command("review"), "fixed passage"},
		{"minimal/autocomplete", minimal, endpointBody(4, `{"id":"1","name":"review","options":[{"name":"film","type":3,"value":"anroa","focused":true}],"type":1}`), "Anora"},
		{"filmbot/review", filmbot, command("review"), "Anora"},
		{"filmbot/autocomplete", filmbot, endpointBody(4, `{"id":"1","name":"review","options":[{"name":"film","type":3,"value":"anroa","focused":true}],"type":1}`), "Anora"},
		{"filmbot/film", filmbot, command("film"), "Sean Baker"},
		{"filmbot/cast", filmbot, command("cast"), "Mikey Madison"},
	} {
		// Each request is another interaction, as Discord sends them (an
		// endpoint refuses an id it has handled): all signed ahead, off
		// the clock.
		type signed struct {
			body    []byte
			ts, sig string
		}
		var batch []signed
		sign := func(n int) {
			ts := strconv.FormatInt(time.Now().Unix(), 10)
			batch = batch[:0]
			for range n {
				id++
				body := bytes.Replace(c.body, []byte(`"id":"400000000000000001"`), []byte(`"id":"`+strconv.FormatInt(id, 10)+`"`), 1)
				batch = append(batch, signed{body, ts, hex.EncodeToString(ed25519.Sign(priv, append([]byte(ts), body...)))})
			}
		}
		req := httptest.NewRequest("POST", "/interactions", nil)
		req.Header.Set("Content-Type", "application/json")
		serve := func() *httptest.ResponseRecorder {
			s := batch[0]
			batch = batch[1:]
			req.Header.Set("X-Signature-Ed25519", s.sig)
			req.Header.Set("X-Signature-Timestamp", s.ts)
			req.Body, req.ContentLength = io.NopCloser(bytes.NewReader(s.body)), int64(len(s.body)) // as net/http sets it
			w := httptest.NewRecorder()
			c.h.ServeHTTP(w, req)
			return w
		}
		sign(1)
		if w := serve(); w.Code != 200 || !strings.Contains(w.Body.String(), c.want) {
			b.Fatalf("%s: %d %s", c.name, w.Code, w.Body)
		}
		b.Run(c.name, func(b *testing.B) {
			sign(b.N)
			runtime.GC()
			b.ResetTimer()
			cpu := processCPU()
			for range b.N {
				if w := serve(); w.Code != 200 {
					b.Fatalf("%d %s", w.Code, w.Body)
				}
			}
			b.StopTimer()
			if cpu > 0 {
				// CPU time per request, the collector's included: what
				// bench --minimal compares, without the machine's other work.
				b.ReportMetric(float64(processCPU()-cpu)/float64(b.N), "cpu-ns/op")
			}
		})
	}
}
