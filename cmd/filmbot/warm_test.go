package main

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/filmbot/filmbot/bot"
)

// /readyz says "warming up" while the warm-up runs, and ready once it
// has run.
func TestReadyzWaitsForWarmUp(t *testing.T) {
	t.Parallel()
	w := newWarmup()
	// /readyz serves an answer again for a second: the clock moves past it.
	now := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	ep := &bot.HTTPEndpoint{Log: slog.New(slog.DiscardHandler), Ready: storeReadiness(func(context.Context) error { return w.ready() }),
		Now: func() time.Time { return now }}
	readyz := func() (int, string) {
		rec := httptest.NewRecorder()
		ep.OpsHandler().ServeHTTP(rec, httptest.NewRequest("GET", "/readyz", nil))
		return rec.Code, rec.Body.String()
	}
	release := make(chan struct{})
	started := make(chan struct{})
	ran := false
	done := make(chan struct{})
	go func() {
		defer close(done)
		w.run(context.Background(), slog.New(slog.DiscardHandler), func(context.Context) error {
			close(started)
			<-release
			return nil
		}, func(context.Context) error { ran = true; return nil })
	}()
	<-started
	if code, body := readyz(); code != 503 || body != "not ready: warming up\n" {
		t.Errorf("/readyz while warming: %d %q", code, body)
	}
	close(release)
	w.wait(context.Background(), time.Hour) // returns once warm
	<-done
	now = now.Add(time.Minute)
	if code, body := readyz(); code != 200 || !ran {
		t.Errorf("/readyz once warm: %d %q (every step ran: %v)", code, body, ran)
	}
}

// A warm-up that ends with the process says nothing more and stays not
// ready.
func TestWarmUpEndsWithTheProcess(t *testing.T) {
	t.Parallel()
	w := newWarmup()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	cancel()
	w.run(ctx, slog.New(slog.DiscardHandler), func(context.Context) error { t.Error("a step ran after the end"); return nil })
	if w.ready() == nil {
		t.Error("ready without warming")
	}
}
