package nights

import (
	"context"
	"log/slog"
	"time"
)

// The scheduler's turns when not told otherwise: how often due steps
// are looked for, and expired import previews swept (they are also
// removed whenever a member makes one).
const (
	DefaultEvery      = 5 * time.Second
	DefaultSweepEvery = time.Minute
)

// Scheduler runs the nights' due steps now and every Every (or at once
// when a host closes a poll early: Service.Due), until its context ends
// (a night whose step fell due while no bot ran is run at start).
//
// SweepPending, if set, is not a night's: it removes the import
// previews that expired (a store chore), run from the same loop every
// SweepEvery because it needs nothing more than a regular turn.
type Scheduler struct {
	Nights       *Service
	Every        time.Duration // 0: DefaultEvery
	SweepPending func(ctx context.Context) (int, error)
	SweepEvery   time.Duration // 0: DefaultSweepEvery
	Log          *slog.Logger  // nil: slog.Default()
}

// Start runs the scheduler in a goroutine and returns the func that
// stops it and waits for it to end.
func (sc *Scheduler) Start(ctx context.Context) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		sc.Run(ctx)
	}()
	return func() { cancel(); <-done }
}

// Run runs the loop until ctx ends. Its clock is the service's.
func (sc *Scheduler) Run(ctx context.Context) {
	every, sweepEvery, log, clock := sc.Every, sc.SweepEvery, sc.Log, sc.Nights.Clock
	if every <= 0 {
		every = DefaultEvery
	}
	if sweepEvery <= 0 {
		sweepEvery = DefaultSweepEvery
	}
	if log == nil {
		log = slog.Default()
	}
	var swept time.Time
	for {
		if n, err := sc.Nights.RunDue(ctx); err != nil {
			log.Error("movie night step failed; it is retried", "err", err)
		} else if n > 0 {
			log.Info("movie night steps run", "count", n)
		}
		if now := clock.Now(); sc.SweepPending != nil && now.Sub(swept) >= sweepEvery {
			swept = now
			if n, err := sc.SweepPending(ctx); err != nil && ctx.Err() == nil {
				log.Warn("removing expired import previews failed; it is tried again", "err", err)
			} else if n > 0 {
				log.Debug("expired import previews removed", "count", n)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-clock.After(every):
		case <-sc.Nights.Due():
		}
	}
}
