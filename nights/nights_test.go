package nights

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/filmbot/filmbot/storage"
	"github.com/filmbot/filmbot/storage/bolt"
)

// fakeClock is a clock the test moves; timers (After) fire when it
// passes their time, and each one set is announced on waits (the
// scheduler is then idle).
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	timers []timer
	waits  chan time.Duration
	ticks  chan time.Time
}

type timer struct {
	at time.Time
	c  chan time.Time
}

func newFakeClock(t time.Time) *fakeClock {
	return &fakeClock{now: t, waits: make(chan time.Duration, 16), ticks: make(chan time.Time)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Ticker(time.Duration) (<-chan time.Time, func()) { return c.ticks, func() {} }

func (c *fakeClock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	ch := make(chan time.Time, 1)
	c.timers = append(c.timers, timer{c.now.Add(d), ch})
	c.mu.Unlock()
	c.waits <- d
	return ch
}

// set moves the clock to t, firing the timers due by then.
func (c *fakeClock) set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
	left := c.timers[:0]
	for _, tm := range c.timers {
		if !tm.at.After(t) {
			tm.c <- t
		} else {
			left = append(left, tm)
		}
	}
	c.timers = left
}

// fakeActions records a night's actions and keeps what they posted, by
// tag, as Discord would; fail makes the next calls of a method fail.
type fakeActions struct {
	mu     sync.Mutex
	calls  []string
	posted map[string]string // tag → id
	fail   map[string][]error
	always map[string]error
	votes  []int
	hook   map[string]func()
}

func newFakeActions() *fakeActions {
	return &fakeActions{posted: map[string]string{}, fail: map[string][]error{}, always: map[string]error{}, hook: map[string]func(){}}
}

func (f *fakeActions) do(method, tag string) (string, error) {
	f.mu.Lock()
	f.calls = append(f.calls, method)
	h := f.hook[method]
	var err error
	if errs := f.fail[method]; len(errs) > 0 {
		err, f.fail[method] = errs[0], errs[1:]
	} else if f.always[method] != nil {
		err = f.always[method]
	}
	id := ""
	if err == nil && tag != "" {
		id = fmt.Sprintf("%s-%d", strings.ToLower(method), len(f.calls))
		f.posted[tag] = id
	}
	f.mu.Unlock()
	if h != nil {
		h()
	}
	return id, err
}

func (f *fakeActions) called() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.calls)
}

func (f *fakeActions) OpenPoll(_ context.Context, p Poll, tag string) (string, error) {
	return f.do("OpenPoll", tag)
}

func (f *fakeActions) EndPoll(context.Context, storage.Night, string) ([]int, error) {
	_, err := f.do("EndPoll", "")
	return f.votes, err
}

func (f *fakeActions) Announce(_ context.Context, _ storage.Night, _ storage.Film, tag string) (string, error) {
	return f.do("Announce", tag)
}

func (f *fakeActions) CreateEvent(_ context.Context, _ storage.Night, _ storage.Film, _, tag string) (string, error) {
	return f.do("CreateEvent", tag)
}

func (f *fakeActions) DeleteEvent(context.Context, storage.Night, string) error {
	_, err := f.do("DeleteEvent", "")
	return err
}

func (f *fakeActions) NoticeHost(_ context.Context, _ storage.Night, tag string) (string, error) {
	return f.do("NoticeHost", tag)
}

func (f *fakeActions) PromptRatings(_ context.Context, _ storage.Night, tag string) (string, error) {
	return f.do("PromptRatings", tag)
}

func (f *fakeActions) PostVerdict(_ context.Context, _ storage.Night, tag string) (string, error) {
	return f.do("PostVerdict", tag)
}

func (f *fakeActions) FindPost(_ context.Context, _ storage.Night, tag string) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.posted[tag], nil
}

func (f *fakeActions) FindEvent(ctx context.Context, n storage.Night, tag string) (string, error) {
	return f.FindPost(ctx, n, tag)
}

func (f *fakeActions) EventNote(_ storage.Night, why NoEvent) string {
	return fmt.Sprintf("no event: %d", why)
}

type forbidden struct{}

func (forbidden) Error() string   { return "403" }
func (forbidden) Forbidden() bool { return true }

// world is a service over a bolt store and fake Discord, on a fake
// clock shared with the store.
type world struct {
	t     *testing.T
	clock *fakeClock
	db    *bolt.DB
	act   *fakeActions
	svc   *Service
	films []storage.Film
}

const scope storage.Scope = 111

func newWorld(t *testing.T) *world {
	w := &world{t: t, clock: newFakeClock(time.Date(2026, 11, 27, 17, 0, 0, 0, time.UTC)), act: newFakeActions()}
	db, err := bolt.Open(filepath.Join(t.TempDir(), "t.db"), bolt.Options{Now: w.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	w.db = db
	w.svc = New(db)
	w.svc.Actions, w.svc.Owner, w.svc.Clock = w.act, "p1", w.clock
	films, err := db.Films(context.Background(), storage.BuiltIn)
	if err != nil || len(films) == 0 {
		t.Fatalf("built-in films: %d %v", len(films), err)
	}
	// The poll's two answers are the built-in film twice: the steps'
	// rules do not look at which films they are (commands refuses a
	// candidate named twice).
	w.films = []storage.Film{films[0], films[0]}
	return w
}

// plan plans a night: the poll closes in 2 hours, the screening starts
// in 5.
func (w *world) plan() storage.Night {
	w.t.Helper()
	now := w.clock.Now()
	n, err := w.svc.Plan(context.Background(), Plan{Scope: scope, Host: 7, Channel: "c1", Films: w.films, Closes: now.Add(2 * time.Hour),
		Starts: now.Add(5 * time.Hour), Hours: 2, Zone: time.UTC})
	if err != nil {
		w.t.Fatal(err)
	}
	return n
}

func (w *world) night() storage.Night {
	w.t.Helper()
	ns, err := w.db.Nights(context.Background(), scope)
	if err != nil || len(ns) == 0 {
		w.t.Fatalf("nights: %v %v", ns, err)
	}
	return ns[0]
}

func (w *world) runDue(want int) {
	w.t.Helper()
	if n, err := w.svc.RunDue(context.Background()); n != want || err != nil {
		w.t.Fatalf("RunDue: %d steps, %v; want %d", n, err, want)
	}
}

// TestStepsInOrder: each step runs when due, does its actions, and
// moves the night to the next step at its time (the table, steps).
func TestStepsInOrder(t *testing.T) {
	w := newWorld(t)
	w.act.votes = []int{1, 3}
	n := w.plan()
	if n.Step != storage.StepClose || !n.NextAt.Equal(n.Closes) || n.Poll == "" || n.Tries[ActPoll] != 1 {
		t.Fatalf("planned: %+v", n)
	}
	w.runDue(0) // the poll is open
	w.clock.set(n.Closes)
	w.runDue(1)
	n = w.night()
	if n.Step != storage.StepEnd || n.Winner != w.films[1].ID || n.WinnerNote != "Chosen with 3 votes." || n.Announce == "" || n.Event == "" {
		t.Fatalf("after close: %+v", n)
	}
	runtime := DefaultScreening
	if w.films[1].Runtime > 0 {
		runtime = time.Duration(w.films[1].Runtime+15) * time.Minute
	}
	if !n.Ends.Equal(n.Starts.Add(runtime)) || !n.NextAt.Equal(n.Ends) {
		t.Fatalf("the end is due at the screening's end: %+v", n)
	}
	w.clock.set(n.NextAt.Add(-time.Second))
	w.runDue(0)
	w.clock.set(n.NextAt)
	w.runDue(1)
	if n = w.night(); n.Step != storage.StepVerdict || n.Prompt == "" || !n.NextAt.Equal(n.Ends.Add(VerdictAfter)) {
		t.Fatalf("after end: %+v", n)
	}
	w.clock.set(n.NextAt)
	w.runDue(1)
	if n = w.night(); n.Step != storage.StepDone || n.VerdictMsg == "" || n.Verdict != "No one rated it after the screening." || n.Open() {
		t.Fatalf("after verdict: %+v", n)
	}
	w.clock.set(n.NextAt.Add(48 * time.Hour))
	w.runDue(0)
	want := []string{"OpenPoll", "EndPoll", "Announce", "CreateEvent", "PromptRatings", "PostVerdict"}
	if got := w.act.called(); !slices.Equal(got, want) {
		t.Errorf("actions %v, want %v", got, want)
	}
}

// TestOneOpenNightAndHostCommands: a server has one open night; close
// brings the step forward once; cancel fences the night off and removes
// what it posted.
func TestOneOpenNightAndHostCommands(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	if _, err := w.svc.Cancel(ctx, scope); !errors.Is(err, ErrNoNight) {
		t.Fatalf("cancel with no night: %v", err)
	}
	first := w.plan()
	now := w.clock.Now()
	if n, err := w.svc.Plan(ctx, Plan{Scope: scope, Channel: "c1", Films: w.films, Closes: now.Add(time.Hour), Starts: now.Add(3 * time.Hour), Hours: 1, Zone: time.UTC}); !errors.Is(err, storage.ErrExists) || !n.Starts.Equal(first.Starts) {
		t.Fatalf("a second night: %v (%v)", err, n.Starts)
	}
	if closing, err := w.svc.CloseNow(ctx, scope); closing || err != nil {
		t.Fatalf("close now: %v %v", closing, err)
	}
	select {
	case <-w.svc.Due():
	default:
		t.Fatal("closing now does not tell the scheduler")
	}
	if closing, err := w.svc.CloseNow(ctx, scope); !closing || err != nil {
		t.Fatalf("close now again: %v %v", closing, err)
	}
	w.runDue(1)
	if _, err := w.svc.CloseNow(ctx, scope); !errors.Is(err, ErrPollClosed) {
		t.Fatalf("close after the winner: %v", err)
	}
	c, err := w.svc.Cancel(ctx, scope)
	if err != nil || c.Night.Event == "" || c.EventLeft || c.PollLeft {
		t.Fatalf("cancel: %+v %v", c, err)
	}
	if got := w.act.called(); got[len(got)-1] != "DeleteEvent" || slices.Contains(got[3:], "EndPoll") {
		t.Errorf("cancel after the poll closed removes the event only: %v", got)
	}
	if n := w.night(); n.Step != storage.StepCanceled || n.Open() {
		t.Fatalf("canceled: %+v", n)
	}
	w.clock.set(w.night().Ends.Add(VerdictAfter))
	w.runDue(0)
	if _, err := w.svc.Cancel(ctx, scope); !errors.Is(err, ErrNoNight) {
		t.Fatalf("cancel twice: %v", err)
	}
}

// TestEventForbiddenTellsTheHost: an event Discord forbids is given up
// at once, the night goes on, and the host is told why (EventNote).
func TestEventForbiddenTellsTheHost(t *testing.T) {
	w := newWorld(t)
	n := w.plan()
	w.act.fail["CreateEvent"] = []error{forbidden{}}
	w.clock.set(n.Closes)
	w.runDue(1)
	n = w.night()
	if n.Step != storage.StepEnd || n.Event != "" || n.EventNote != w.act.EventNote(n, EventForbidden) || n.Notice == "" || !slices.Contains(n.Skipped, ActEvent) || n.Tries[ActEvent] != 1 {
		t.Fatalf("%+v", n)
	}
}

// TestRetryFindsWhatWasPosted: a step that fails after posting is
// retried at its backoff, and finds its post by tag instead of posting
// again.
func TestRetryFindsWhatWasPosted(t *testing.T) {
	w := newWorld(t)
	n := w.plan()
	w.clock.set(n.Closes)
	// The announcement is posted, then the event fails (not for good).
	w.act.fail["CreateEvent"] = []error{errors.New("502")}
	if _, err := w.svc.RunDue(context.Background()); err == nil {
		t.Fatal("the failed step reports no error")
	}
	n = w.night()
	if n.Step != storage.StepClose || n.Announce == "" || n.Tries[ActEvent] != 1 || !n.NextAt.Equal(n.Closes.Add(FirstRetry)) {
		t.Fatalf("after the failure: %+v", n)
	}
	w.runDue(0) // the retry waits its backoff
	w.clock.set(n.NextAt)
	w.runDue(1)
	n = w.night()
	if n.Step != storage.StepEnd || n.Event == "" {
		t.Fatalf("after the retry: %+v", n)
	}
	if got := w.act.called(); strings.Count(strings.Join(got, " "), "Announce") != 1 {
		t.Errorf("the announcement was posted again: %v", got)
	}
}

// TestSchedulerRunsWhenDue: the scheduler runs due steps at start, at
// once when a host closes the poll (no timer needed), and sweeps the
// previews at start and then once a minute by its clock.
func TestSchedulerRunsWhenDue(t *testing.T) {
	w := newWorld(t)
	w.plan()
	var mu sync.Mutex
	sweeps := 0
	swept := make(chan struct{}, 16)
	sc := &Scheduler{Nights: w.svc, SweepPending: func(context.Context) (int, error) {
		mu.Lock()
		sweeps++
		mu.Unlock()
		swept <- struct{}{}
		return 0, nil
	}}
	stop := sc.Start(context.Background())
	defer stop()
	<-swept // at start
	if d := <-w.clock.waits; d != DefaultEvery {
		t.Fatalf("the scheduler waits %v", d)
	}
	if closing, err := w.svc.CloseNow(context.Background(), scope); closing || err != nil {
		t.Fatal(closing, err)
	}
	<-w.clock.waits // the loop ran again, told by Due, and waits once more
	if got := w.night(); got.Step != storage.StepEnd {
		t.Fatalf("closing now did not run the step: %+v", got)
	}
	w.clock.set(w.clock.Now().Add(5 * time.Second)) // a turn, not yet a minute
	<-w.clock.waits
	mu.Lock()
	if sweeps != 1 {
		t.Errorf("%d sweeps within the first minute", sweeps)
	}
	mu.Unlock()
	w.clock.set(w.clock.Now().Add(time.Minute))
	<-swept
	<-w.clock.waits
	w.clock.set(w.night().Ends) // the night's end falls due on a turn
	<-w.clock.waits
	if got := w.night(); got.Step != storage.StepVerdict {
		t.Fatalf("the end step did not run on its turn: %+v", got)
	}
}
