package nights

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/filmbot/filmbot/storage"
)

// skewed is another process's view of the fake clock: skew ahead, and
// no lease renewals in the background.
type skewed struct {
	c    *fakeClock
	skew time.Duration
}

func (s skewed) Now() time.Time                                { return s.c.Now().Add(s.skew) }
func (skewed) Ticker(time.Duration) (<-chan time.Time, func()) { return nil, func() {} }
func (s skewed) After(d time.Duration) <-chan time.Time        { return s.c.After(d) }

// process is another bot process on the same store and Discord, its
// clock skew ahead.
func (w *world) process(owner string, skew time.Duration) *Service {
	s := New(w.db)
	s.Actions, s.Owner, s.Clock = w.act, owner, skewed{w.clock, skew}
	return s
}

func (w *world) count(method string) int {
	n := 0
	for _, c := range w.act.called() {
		if c == method {
			n++
		}
	}
	return n
}

// runUntil runs the due steps, moving the clock to the night's next try
// each time, until the night is past step (at most n rounds).
func (w *world) runUntil(step storage.Step, n int) (rounds int) {
	w.t.Helper()
	for rounds = 1; rounds <= n; rounds++ {
		w.svc.RunDue(context.Background())
		if night := w.night(); night.Step != step {
			return rounds
		}
		w.clock.set(w.night().NextAt)
	}
	w.t.Fatalf("the night is still at %q after %d rounds: %+v", step, n, w.night())
	return
}

// Two processes, one with a clock 2 min 10 s ahead: while the first runs
// the close step, the second does not run it too (it did when each judged
// the lease by its own clock, and posted a second event).
func TestSkewedClocksRunAStepOnce(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	w.svc.Clock = skewed{w.clock, 0}
	n := w.plan()
	ahead := w.process("p2", 2*time.Minute+10*time.Second)
	w.clock.set(n.Closes)
	var second int
	var secondErr error
	w.act.hook["CreateEvent"] = func() { second, secondErr = ahead.RunDue(ctx) }
	w.runDue(1)
	if second != 0 || secondErr != nil {
		t.Errorf("the process ahead ran %d steps during the other's (%v)", second, secondErr)
	}
	if w.count("CreateEvent") != 1 || w.count("Announce") != 1 {
		t.Errorf("actions: %v", w.act.called())
	}
	if n := w.night(); n.Step != storage.StepEnd || n.Event == "" {
		t.Errorf("after close: %+v", n)
	}
}

// A step slower than the lease keeps it: the lease is renewed on the
// clock's ticks while the step runs (here three renewals during an event
// that takes 2.5 minutes), and another process finds nothing to run.
func TestStepSlowerThanLease(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	n := w.plan()
	other := w.process("p2", 0)
	var stolen int
	w.act.hook["CreateEvent"] = func() {
		for range 3 {
			w.clock.set(w.clock.Now().Add(50 * time.Second))
			for range 2 { // the second is taken once the renewal of the first is done
				select {
				case w.clock.ticks <- w.clock.Now():
				case <-time.After(10 * time.Second): // a guard against a hang, not a timing
					t.Fatal("no renewal runs during the step")
				}
			}
		}
		stolen, _ = other.RunDue(ctx)
	}
	w.clock.set(n.Closes)
	w.runDue(1)
	if stolen != 0 || w.count("CreateEvent") != 1 {
		t.Errorf("the other process ran the slow step too: %d, actions %v", stolen, w.act.called())
	}
}

// A process whose lease ran out mid-step (no renewal: it was stuck) is
// fenced off: the process that took the step over finds the announcement
// the first posted (by its tag) and creates the event; the first, when it
// wakes, posts nothing more.
func TestLostLeaseIsFenced(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	w.svc.Clock = skewed{w.clock, 0}
	n := w.plan()
	other := w.process("p2", 0)
	var otherErr error
	w.act.hook["Announce"] = func() {
		w.act.hook["Announce"] = nil
		w.clock.set(w.clock.Now().Add(3 * time.Minute))
		_, otherErr = other.RunDue(ctx)
	}
	w.clock.set(n.Closes)
	_, err := w.svc.RunDue(ctx)
	if !errors.Is(err, storage.ErrLeased) && !errors.Is(err, storage.ErrChanged) {
		t.Errorf("the stuck process: %v", err)
	}
	if otherErr != nil {
		t.Errorf("the process that took over: %v", otherErr)
	}
	if w.count("Announce") != 1 || w.count("CreateEvent") != 1 {
		t.Errorf("posted twice: %v", w.act.called())
	}
	if n := w.night(); n.Step != storage.StepEnd || n.Announce == "" || n.Event == "" {
		t.Errorf("after close: %+v", n)
	}
}

// A renewal during a step reads the night's fence while the step goes on
// writing the night (its tries, its event): under -race this failed when
// the renewer copied the whole night.
func TestRenewalDuringAStep(t *testing.T) {
	w := newWorld(t)
	w.clock.ticks = make(chan time.Time, 1)
	n := w.plan()
	w.act.hook["CreateEvent"] = func() { w.clock.ticks <- w.clock.Now() }
	w.act.hook["Announce"] = func() {
		select {
		case w.clock.ticks <- w.clock.Now():
		default:
		}
	}
	w.clock.set(n.Closes)
	w.runDue(1)
}

// Discord failing the same way on every try: each action is tried
// MaxTries times, then the night goes on without it, and ends.
func TestTriesAreBounded(t *testing.T) {
	w := newWorld(t)
	w.svc.Clock = skewed{w.clock, 0}
	n := w.plan()
	for _, m := range []string{"Announce", "NoticeHost", "PromptRatings", "PostVerdict"} {
		w.act.always[m] = errors.New("503 Service Unavailable")
	}
	w.act.always["CreateEvent"] = errors.New("502 Bad Gateway")
	w.clock.set(n.Closes)
	if rounds := w.runUntil(storage.StepClose, 3*MaxTries+1); rounds != 3*MaxTries-2 {
		// The round that gives an action up makes the next one's first try.
		t.Errorf("%d rounds to close: the announcement, the event, then the host's card, %d tries each", rounds, MaxTries)
	}
	n = w.night()
	if n.Tries[ActAnnounce] != MaxTries || n.Tries[ActEvent] != MaxTries || n.Tries[ActNotice] != MaxTries || n.Announce != "" || n.Event != "" || n.EventNote != w.act.EventNote(n, EventRefused) {
		t.Errorf("after close: %+v", n)
	}
	w.clock.set(n.NextAt)
	w.runUntil(storage.StepEnd, MaxTries+1)
	w.clock.set(w.night().NextAt)
	w.runUntil(storage.StepVerdict, MaxTries+1)
	if n := w.night(); n.Step != storage.StepDone || n.Verdict == "" || n.Tries[ActPrompt] != MaxTries || n.Tries[ActVerdict] != MaxTries {
		t.Errorf("the night did not end: %+v", n)
	}
}
