package main

import (
	"context"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/filmbot/filmbot/bot"
)

// warmup is a process's warm-up: /readyz says "warming up" until every
// step has run without an error (the store's connections, the commands'
// indexes, caches, messages and fonts: commands.Set.Warm), so that a
// balancer sends a new replica its first interactions only once they
// are as fast as later ones.
type warmup struct {
	done   atomic.Bool
	warmed chan struct{} // closed once done
}

// gatewayWarmWait is how long a gateway process waits to be warm before
// it connects anyway.
const gatewayWarmWait = 5 * time.Second

func newWarmup() *warmup { return &warmup{warmed: make(chan struct{})} }

// wait waits until warm, ctx ends or d has passed.
func (w *warmup) wait(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-w.warmed:
	case <-ctx.Done():
	case <-t.C:
	}
}

// run runs steps in order, again from the first after a failure (the
// database not reachable yet), until all succeed or ctx ends.
func (w *warmup) run(ctx context.Context, log *slog.Logger, steps ...func(context.Context) error) {
	began := time.Now()
	for {
		err := ctx.Err()
		for _, step := range steps {
			if err != nil {
				break
			}
			sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
			err = step(sctx)
			cancel()
		}
		if err == nil {
			w.done.Store(true)
			close(w.warmed)
			log.Info("warmed up: ready", "took", time.Since(began).Round(time.Millisecond))
			return
		}
		if ctx.Err() != nil {
			return
		}
		log.Warn("warming up failed; trying again", "err", err)
		select {
		case <-ctx.Done():
			return
		case <-time.After(time.Second):
		}
	}
}

// ready is nil once warm, else a bot.NotReady saying so.
func (w *warmup) ready() error {
	if !w.done.Load() {
		return &bot.NotReady{Reason: "warming up"}
	}
	return nil
}
