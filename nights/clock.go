package nights

import "time"

// Clock is the time the service, the steps' lease renewals and the
// scheduler read. System is the system's; tests bring their own, so that
// a step falls due when the test moves the clock, not after a sleep.
type Clock interface {
	Now() time.Time
	// Ticker ticks every d until stop is called.
	Ticker(d time.Duration) (ticks <-chan time.Time, stop func())
	// After fires once, d from now.
	After(d time.Duration) <-chan time.Time
}

// System is the system's clock.
var System Clock = systemClock{}

type systemClock struct{}

func (systemClock) Now() time.Time { return time.Now() }

func (systemClock) Ticker(d time.Duration) (<-chan time.Time, func()) {
	t := time.NewTicker(d)
	return t.C, t.Stop
}

func (systemClock) After(d time.Duration) <-chan time.Time { return time.After(d) }

// ClockAt is the system's clock reading the time from now: tickers and
// timers run in real time.
func ClockAt(now func() time.Time) Clock { return nowClock{now} }

type nowClock struct{ now func() time.Time }

func (c nowClock) Now() time.Time                                  { return c.now() }
func (nowClock) Ticker(d time.Duration) (<-chan time.Time, func()) { return System.Ticker(d) }
func (nowClock) After(d time.Duration) <-chan time.Time            { return System.After(d) }
