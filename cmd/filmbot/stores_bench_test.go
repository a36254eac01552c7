package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"io"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/filmbot/filmbot/bot"
	"github.com/filmbot/filmbot/metrics"
	"github.com/filmbot/filmbot/storage"
	"github.com/filmbot/filmbot/storage/bolt"
	"github.com/filmbot/filmbot/storage/postgres"
	"github.com/filmbot/filmbot/storage/postgres/pgtest"
)

// BenchmarkEndpointStores is /review, /film and /cast through filmbot's
// Interactions Endpoint in process, 64 at a time (as `bench --baseline`'s
// closed loop sends them), on a bbolt file and on PostgreSQL behind its
// store cache (storage.Cached), in one run: the ratio of their ns/op is
// the throughput ratio of `bench --baseline --db postgres://…`'s stores'
// table without the sandbox's noise, and checks/op is the version reads
// a cached interaction makes (shared by the interactions waiting).
//
//	FILMBOT_TEST_POSTGRES=postgres://… go test -run '^$' -bench EndpointStores ./cmd/filmbot
func BenchmarkEndpointStores(b *testing.B) {
	pub, priv, err := ed25519.GenerateKey(nil)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	bdb, err := bolt.Open(filepath.Join(b.TempDir(), "bench.db"), bolt.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer bdb.Close()
	pdb, err := postgres.Open(ctx, pgtest.URL(b), postgres.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer pdb.Close()
	cached := storage.Cached(pdb, pdb, storage.DefaultCacheBytes)
	var id atomic.Int64
	id.Store(400000000000000001)
	for _, st := range []struct {
		name string
		db   storage.Store
	}{{"bbolt", bdb}, {"postgres-cached", cached}} {
		s, err := bot.NewSession(bot.Config{Token: "bench", APIURL: "http://127.0.0.1:9"})
		if err != nil {
			b.Fatal(err)
		}
		m := metrics.New(nil)
		log := slog.New(slog.NewTextHandler(io.Discard, nil))
		_, fb := assemble(storage.Observed(st.db, m.StoreOp), s, m, log, "bench")
		h := (&bot.HTTPEndpoint{Bot: fb, Key: pub, Log: log}).Handler()
		for _, c := range []struct{ name, want string }{{"review", "Anora"}, {"film", "Sean Baker"}, {"cast", "Mikey Madison"}} {
			body := endpointBody(2, `{"id":"1","name":"`+c.name+`","options":[{"name":"film","type":3,"value":"anora"}],"type":1}`)
			serve := func() (int, string) {
				n := id.Add(1)
				ts := strconv.FormatInt(time.Now().Unix(), 10)
				bd := bytes.Replace(body, []byte(`"id":"400000000000000001"`), []byte(`"id":"`+strconv.FormatInt(n, 10)+`"`), 1)
				req := httptest.NewRequest("POST", "/interactions", bytes.NewReader(bd))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("X-Signature-Ed25519", hex.EncodeToString(ed25519.Sign(priv, append([]byte(ts), bd...))))
				req.Header.Set("X-Signature-Timestamp", ts)
				w := httptest.NewRecorder()
				h.ServeHTTP(w, req)
				return w.Code, w.Body.String()
			}
			if code, got := serve(); code != 200 || !strings.Contains(got, c.want) {
				b.Fatalf("%s %s: %d %s", st.name, c.name, code, got)
			}
			b.Run(st.name+"/"+c.name, func(b *testing.B) {
				st0, cpu := cached.Stats(), cpuTime()
				b.SetParallelism(64)
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						if code, got := serve(); code != 200 {
							b.Errorf("%d %s", code, got)
							return
						}
					}
				})
				b.ReportMetric(float64(cpuTime()-cpu)/float64(b.N), "cpu-ns/op")
				if st.db == storage.Store(cached) {
					st1 := cached.Stats()
					b.ReportMetric(float64(st1.Checks-st0.Checks)/float64(b.N), "checks/op")
					b.ReportMetric(float64(st1.Hits+st1.Misses-st0.Hits-st0.Misses)/float64(b.N), "reads/op")
				}
			})
		}
	}
}

// cpuTime is the CPU this process has used, user and system: with other
// load on the machine, what an interaction costs is its CPU, not its wall
// time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
