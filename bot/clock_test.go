package bot

import (
	"slices"
	"sync"
	"testing"
	"time"
)

// fakeClock is a Clock that moves only when a test says: Advance or Next
// run the calls that fall due, each in its own goroutine, as
// time.AfterFunc does.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	timers []*fakeTimer
	set    chan struct{} // closed when a timer is set
}

type fakeTimer struct {
	c    *fakeClock
	at   time.Time
	f    func()
	done bool // fired or stopped
}

func newFakeClock() *fakeClock { return &fakeClock{now: time.Unix(1_800_000_000, 0)} }

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }

func (c *fakeClock) AfterFunc(d time.Duration, f func()) Timer {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := &fakeTimer{c: c, at: c.now.Add(d), f: f}
	if d <= 0 {
		t.done = true
		go f()
		return t
	}
	c.timers = append(c.timers, t)
	if c.set != nil {
		close(c.set)
		c.set = nil
	}
	return t
}

func (t *fakeTimer) Stop() bool {
	t.c.mu.Lock()
	defer t.c.mu.Unlock()
	if t.done {
		return false
	}
	t.done = true
	t.c.timers = slices.DeleteFunc(t.c.timers, func(o *fakeTimer) bool { return o == t })
	return true
}

// Advance moves the clock on by d and runs what fell due, in order.
func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	var due []*fakeTimer
	c.timers = slices.DeleteFunc(c.timers, func(t *fakeTimer) bool {
		if t.at.After(c.now) {
			return false
		}
		t.done = true
		due = append(due, t)
		return true
	})
	c.mu.Unlock()
	slices.SortStableFunc(due, func(a, b *fakeTimer) int { return a.at.Compare(b.at) })
	for _, t := range due {
		go t.f()
	}
}

// Next waits until a call is scheduled, then moves the clock to the
// first one due and runs it (and any due with it).
func (c *fakeClock) Next(t testing.TB) {
	t.Helper()
	for deadline := time.After(10 * time.Second); ; {
		c.mu.Lock()
		if len(c.timers) > 0 {
			at := c.timers[0].at
			for _, o := range c.timers[1:] {
				if o.at.Before(at) {
					at = o.at
				}
			}
			d := at.Sub(c.now)
			c.mu.Unlock()
			c.Advance(d)
			return
		}
		if c.set == nil {
			c.set = make(chan struct{})
		}
		set := c.set
		c.mu.Unlock()
		select {
		case <-set:
		case <-deadline:
			t.Fatal("no timer was set on the clock")
		}
	}
}

// Pending is how many calls are scheduled.
func (c *fakeClock) Pending() int { c.mu.Lock(); defer c.mu.Unlock(); return len(c.timers) }

// TestFakeClock checks the test clock itself: calls run when due, in
// order, never when stopped.
func TestFakeClock(t *testing.T) {
	c := newFakeClock()
	ran := make(chan int, 3)
	c.AfterFunc(2*time.Second, func() { ran <- 2 })
	stopped := c.AfterFunc(time.Second, func() { ran <- 0 })
	c.AfterFunc(time.Second, func() { ran <- 1 })
	if !stopped.Stop() || stopped.Stop() {
		t.Error("Stop did not report the first stop alone")
	}
	c.Next(t)
	if got := <-ran; got != 1 || c.Pending() != 1 {
		t.Errorf("first call %d, %d pending", got, c.Pending())
	}
	c.Advance(time.Second)
	if got := <-ran; got != 2 || c.Pending() != 0 {
		t.Errorf("second call %d, %d pending", got, c.Pending())
	}
	go func() { c.AfterFunc(time.Minute, func() { ran <- 3 }) }()
	c.Next(t) // waits for the call to be set
	if got := <-ran; got != 3 {
		t.Errorf("third call %d", got)
	}
}
