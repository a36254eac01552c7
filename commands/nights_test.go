package commands

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/filmbot/filmbot/storage"
	"github.com/filmbot/filmbot/storage/bolt"
)

// nightWorld is one store and one Discord (fakeScreen) shared by the
// processes a test starts, on one clock the test moves: the store's (the
// database server's) and Discord's. Processes may read it skewed.
type nightWorld struct {
	*env
	mu     sync.Mutex // the clock is read by the steps' renewals too
	now    time.Time
	screen *fakeScreen
	tang   storage.Film
}

func (w *nightWorld) clock() time.Time {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.now
}

func (w *nightWorld) setClock(t time.Time) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.now = t
}

// noTicks never renews a lease in the background: tests renew by hand.
func noTicks(time.Duration) (<-chan time.Time, func()) { return nil, func() {} }

// ticking is a clock reading now whose lease renewals tick by tick.
// (The steps' leases and retries are tested in package nights; these
// tests drive them through /movienight and the Screener.)
type ticking struct {
	now  func() time.Time
	tick func(time.Duration) (<-chan time.Time, func())
}

func (c ticking) Now() time.Time                                    { return c.now() }
func (c ticking) Ticker(d time.Duration) (<-chan time.Time, func()) { return c.tick(d) }
func (ticking) After(time.Duration) <-chan time.Time                { return nil }

// withTicks makes s's lease renewals tick by tick.
func withTicks(s *Set, tick func(time.Duration) (<-chan time.Time, func())) {
	s.nights.Clock = ticking{s.nights.Clock.Now, tick}
}

func newNightWorld(t *testing.T) *nightWorld {
	t.Helper()
	w := &nightWorld{now: time.Date(2026, 11, 27, 17, 0, 0, 0, time.UTC)}
	db, err := bolt.Open(filepath.Join(t.TempDir(), "t.db"), bolt.Options{Now: w.clock})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := db.Check(); err != nil {
			t.Error(err)
		}
		db.Close()
	})
	w.env = &env{t: t, db: db, cmds: map[string]Command{}}
	w.screen = &fakeScreen{votes: []int{0, 3}, now: w.clock, fail: map[string][]error{}, always: map[string]error{}, hook: map[string]func(){}}
	w.set = w.process("p1", 0)
	for _, c := range w.set.Commands() {
		w.cmds[c.Def.Name] = c
	}
	films, _ := db.Films(context.Background(), storage.BuiltIn)
	w.anora = films[0]
	w.tang, _ = db.CreateFilm(context.Background(), 111, storage.Film{Title: "Tangerine", Year: 2015, Runtime: 88})
	return w
}

// process is another bot process on the same store and Discord, its
// clock skew ahead of the world's.
func (w *nightWorld) process(owner string, skew time.Duration) *Set {
	s := New(w.db).WithScreener(w.screen, owner).WithClock(func() time.Time { return w.clock().Add(skew) })
	withTicks(s, noTicks)
	return s
}

// plan plans a night: the poll closes in 2 hours, the screening starts
// in 5, between Anora and Tangerine (Tangerine wins, 3 votes to 0).
func (w *nightWorld) plan(opts ...*discordgo.ApplicationCommandInteractionDataOption) storage.Night {
	w.t.Helper()
	opts = append([]*discordgo.ApplicationCommandInteractionDataOption{opt("starts", "in 5 hours"), opt("closes", "in 2 hours"), opt("candidates", "anora, tangerine")}, opts...)
	if r := w.run(nightCmd("plan", opts...)); !strings.Contains(r.Data.Content, "Planned") {
		w.t.Fatalf("plan: %q", r.Data.Content)
	}
	return w.night()
}

func (w *nightWorld) night() storage.Night {
	w.t.Helper()
	ns, err := w.db.Nights(context.Background(), 111)
	if err != nil || len(ns) == 0 {
		w.t.Fatalf("nights: %v %v", ns, err)
	}
	return ns[0]
}

// runUntil runs p's due steps, moving the clock to the night's next try
// each time, until the night is past step (at most n rounds).
func (w *nightWorld) runUntil(p *Set, step storage.Step, n int) (rounds int) {
	w.t.Helper()
	for rounds = 1; rounds <= n; rounds++ {
		p.Nights().RunDue(context.Background())
		if night := w.night(); night.Step != step {
			return rounds
		}
		w.setClock(w.night().NextAt)
	}
	w.t.Fatalf("the night is still at %q after %d rounds: %+v", step, n, w.night())
	return
}

// A host cancels while the close step is about to run: cancel marks the
// night canceled before it touches Discord, so the step that runs during
// cancel's own Discord calls finds nothing to do (before, cancel wrote
// its stale copy back over the step's and left its event behind).
func TestNightCancelRacingAStep(t *testing.T) {
	w := newNightWorld(t)
	ctx := context.Background()
	w.plan()
	w.setClock(w.clock().Add(2 * time.Hour))
	w.screen.hook["EndPoll"] = func() { w.set.Nights().RunDue(ctx) }
	if r := w.run(nightCmd("cancel")); !strings.Contains(r.Data.Content, "canceled") {
		t.Fatalf("cancel: %q", r.Data.Content)
	}
	if len(w.screen.events) != len(w.screen.deleted) {
		t.Errorf("an event outlives the canceled night: %v, deleted %v", w.screen.events, w.screen.deleted)
	}
	if n := w.night(); n.Step != storage.StepCanceled {
		t.Errorf("the night: %+v", n)
	}
	h := embed(w.run(nightCmd("history")))
	if !strings.Contains(h.Description, "no film chosen — canceled") || strings.Contains(h.Description, "poll open") {
		t.Errorf("history of a canceled night: %q", h.Description)
	}
}

// A cancel while a step holds the night says so and cancels nothing; once
// the step is done, cancel removes the event it created.
func TestNightCancelDuringAStep(t *testing.T) {
	w := newNightWorld(t)
	ctx := context.Background()
	w.plan()
	w.setClock(w.clock().Add(2 * time.Hour))
	var during string
	w.screen.hook["CreateEvent"] = func() { during = w.userError(w.cmds["movienight"].Run, nightCmd("cancel")) }
	if _, err := w.set.Nights().RunDue(ctx); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(during, "moving to its next step right now") {
		t.Errorf("cancel during the step: %q", during)
	}
	if r := w.run(nightCmd("cancel")); !strings.Contains(r.Data.Content, "canceled") || len(w.screen.deleted) != 1 || w.screen.deleted[0] != w.night().Event {
		t.Errorf("cancel after: %q, deleted %v", r.Data.Content, w.screen.deleted)
	}
}

// failSaves fails the first save of a night that holds what pred sees,
// and the save after it (the step letting its lease go): the database
// failing between a post on Discord and its save.
type failSaves struct {
	*bolt.DB
	pred  func(storage.Night) bool
	after int
}

func (f *failSaves) SaveNight(ctx context.Context, n storage.Night, owner string, release bool) (storage.Night, error) {
	if f.after > 0 {
		f.after--
		return n, errors.New("the database is still away")
	}
	if f.pred != nil && f.pred(n) {
		f.pred, f.after = nil, 1
		return n, errors.New("the database went away")
	}
	return f.DB.SaveNight(ctx, n, owner, release)
}

// A failure between posting (the poll, the announcement, the event, the
// rating prompt, the verdict) and saving that it was posted: the retry
// finds the post by its tag and posts nothing twice.
func TestNightPostThenSaveFails(t *testing.T) {
	for _, c := range []struct {
		what string
		pred func(storage.Night) bool
	}{
		{"poll", func(n storage.Night) bool { return n.Poll != "" }},
		{"announcement", func(n storage.Night) bool { return n.Announce != "" }},
		{"event", func(n storage.Night) bool { return n.Event != "" }},
		{"prompt", func(n storage.Night) bool { return n.Prompt != "" }},
		{"verdict", func(n storage.Night) bool { return n.VerdictMsg != "" }},
	} {
		t.Run(c.what, func(t *testing.T) {
			w := newNightWorld(t)
			fs := &failSaves{DB: w.db, pred: c.pred}
			w.set = New(fs).WithScreener(w.screen, "p1").WithClock(w.clock)
			withTicks(w.set, noTicks)
			for _, cmd := range w.set.Commands() {
				w.cmds[cmd.Def.Name] = cmd
			}
			if c.what == "poll" {
				if _, err := w.check(w.cmds["movienight"].Run, nightCmd("plan", opt("starts", "in 5 hours"), opt("closes", "in 2 hours"), opt("candidates", "anora, tangerine"))); err == nil {
					t.Fatal("the plan's save did not fail")
				}
			} else {
				w.plan()
			}
			w.setClock(w.clock().Add(2 * time.Hour))
			w.runUntil(w.set, storage.StepClose, 3)
			w.setClock(w.night().NextAt)
			w.runUntil(w.set, storage.StepEnd, 3)
			w.setClock(w.night().NextAt)
			w.runUntil(w.set, storage.StepVerdict, 3)
			if fs.pred != nil {
				t.Fatal("no save failed")
			}
			n := w.night()
			if n.Step != storage.StepDone || len(w.screen.polls) != 1 || len(w.screen.events) != 1 || len(w.screen.cards) != 3 {
				t.Errorf("posted twice: polls %d, events %v, cards %v; %+v", len(w.screen.polls), w.screen.events, w.screen.cards, n)
			}
			if n.Winner != w.tang.ID || !strings.Contains(n.WinnerNote, "3 votes") {
				t.Errorf("the winner is not the poll's: %+v", n)
			}
		})
	}
}

// Nights that never ended: each case now ends in a bounded number of
// tries, the host told where there is something to tell, and the night
// goes on to its rating prompt and verdict.
func TestNightsAlwaysEnd(t *testing.T) {
	voice := &discordgo.Channel{ID: "900", Type: discordgo.ChannelTypeGuildVoice, GuildID: guildA}
	for _, c := range []struct {
		what  string
		setup func(w *nightWorld)
		plan  func(w *nightWorld) storage.Night
		// after the close step
		check func(t *testing.T, w *nightWorld, n storage.Night)
	}{
		{"the bot was down past the screening's start", func(w *nightWorld) {
			w.setClock(w.clock().Add(5*time.Hour + 30*time.Minute)) // the poll closed 3.5 hours ago, the film started half an hour ago
		}, nil, func(t *testing.T, w *nightWorld, n storage.Night) {
			if len(w.screen.events) != 0 || n.Event != "" {
				t.Errorf("an event in the past: %v", w.screen.events)
			}
			if !strings.Contains(w.screen.cards[1], "already started") {
				t.Errorf("the host is not told: %v", w.screen.cards)
			}
		}},
		{"the where: channel was deleted or hidden", func(w *nightWorld) {
			w.screen.always["CreateEvent where"] = goneTestErr{}
		}, func(w *nightWorld) storage.Night {
			i := withChannel(nightCmd("plan", opt("starts", "in 5 hours"), opt("closes", "in 2 hours"), opt("candidates", "anora, tangerine"),
				&discordgo.ApplicationCommandInteractionDataOption{Name: "where", Type: discordgo.ApplicationCommandOptionChannel, Value: "900"}, opt("location", "The *Rex*")), voice)
			if r := w.run(i); !strings.Contains(r.Data.Content, "Planned") {
				w.t.Fatalf("plan: %q", r.Data.Content)
			}
			return w.night()
		}, func(t *testing.T, w *nightWorld, n storage.Night) {
			if len(w.screen.events) != 1 || !strings.Contains(w.screen.events[0], "@The *Rex*") || n.Event == "" {
				t.Errorf("no event at the place instead: %v", w.screen.events)
			}
			if !strings.Contains(w.screen.cards[1], "<#900> is gone or hidden from me, so the event is at “The \\*Rex\\*” instead") {
				t.Errorf("the host is not told: %v", w.screen.cards)
			}
		}},
		{"the poll message is gone", func(w *nightWorld) {
			w.screen.always["EndPoll"] = goneTestErr{}
			w.db.WatchlistAdd(context.Background(), 111, 5, w.anora.ID)
		}, nil, func(t *testing.T, w *nightWorld, n storage.Night) {
			if n.Winner != w.anora.ID || !strings.Contains(n.WinnerNote, "the watchlists chose") || !strings.Contains(w.screen.cards[0], "the watchlists chose") {
				t.Errorf("not decided by watchlists, or not said: %+v %v", n, w.screen.cards)
			}
			if len(w.screen.events) != 1 {
				t.Errorf("events: %v", w.screen.events)
			}
		}},
	} {
		t.Run(c.what, func(t *testing.T) {
			w := newNightWorld(t)
			if c.plan != nil {
				c.plan(w)
			} else {
				w.plan()
			}
			w.setClock(w.clock().Add(2 * time.Hour))
			c.setup(w)
			if rounds := w.runUntil(w.set, storage.StepClose, 3); rounds != 1 {
				t.Errorf("%d rounds to close", rounds)
			}
			n := w.night()
			c.check(t, w, n)
			if strings.Contains(c.what, "poll") {
				return
			}
			k := slices.IndexFunc(w.screen.cards, func(s string) bool { return strings.HasPrefix(s, "<@") })
			if k < 0 || !strings.HasPrefix(w.screen.cards[k], "<@"+n.HostID()+">, ") || w.screen.mentions[k] != n.HostID() {
				t.Errorf("the host's card does not reach the host: %v, mentions %q", w.screen.cards, w.screen.mentions)
			}
			for j, m := range w.screen.mentions {
				if j != k && m != "" {
					t.Errorf("card %d mentions %q", j, m)
				}
			}
			w.setClock(n.NextAt)
			w.runUntil(w.set, storage.StepEnd, 2)
			w.setClock(w.night().NextAt)
			w.runUntil(w.set, storage.StepVerdict, 2)
			if n := w.night(); n.Step != storage.StepDone {
				t.Errorf("the night did not end: %+v", n)
			}
		})
	}
}

// /movienight plan's channel: must be a text channel (said as such, not
// as the reviews channel's rule); one the bot cannot see is said.
func TestNightPlanChannel(t *testing.T) {
	w := newNightWorld(t)
	voice := &discordgo.Channel{ID: "900", Type: discordgo.ChannelTypeGuildVoice, GuildID: guildA}
	channel := &discordgo.ApplicationCommandInteractionDataOption{Name: "channel", Type: discordgo.ApplicationCommandOptionChannel, Value: "900"}
	i := withChannel(nightCmd("plan", opt("starts", "in 5 hours"), opt("candidates", "anora, tangerine"), channel), voice)
	if msg := w.userError(w.cmds["movienight"].Run, i); !strings.Contains(msg, "The poll goes in a text channel; <#900> is not one.") {
		t.Errorf("a voice channel: %q", msg)
	}
	w.screen.failPoll = goneTestErr{}
	if msg := w.userError(w.cmds["movienight"].Run, nightCmd("plan", opt("starts", "in 5 hours"), opt("candidates", "anora, tangerine"))); !strings.Contains(msg, "I cannot see") {
		t.Errorf("a channel hidden from the bot: %q", msg)
	}
	w.screen.failPoll = forbiddenErr{}
	if msg := w.userError(w.cmds["movienight"].Run, nightCmd("plan", opt("starts", "in 5 hours"), opt("candidates", "anora, tangerine"))); !strings.Contains(msg, "Send Polls") {
		t.Errorf("no permission: %q", msg)
	}
	w.screen.failPoll = nil
	w.db.CreateFilm(context.Background(), 111, storage.Film{Title: "*Bold* `tick` [x](y) <@1>", Year: 2020})
	r := w.run(nightCmd("plan", opt("starts", "in 5 hours"), opt("candidates", "anora, *Bold* `tick` [x](y) <@1>")))
	if !strings.Contains(r.Data.Content, "• \\*Bold\\* \\`tick\\` \\[x\\](y) \\<@1> (2020)") {
		t.Errorf("a title's markup in the plan's reply: %q", r.Data.Content)
	}
}

// A plan whose poll was posted but whose id was not saved: cancel finds
// the poll by its tag and ends it.
func TestNightCancelFindsAnUnsavedPoll(t *testing.T) {
	w := newNightWorld(t)
	fs := &failSaves{DB: w.db, pred: func(n storage.Night) bool { return n.Poll != "" }}
	w.set = New(fs).WithScreener(w.screen, "p1").WithClock(w.clock)
	for _, cmd := range w.set.Commands() {
		w.cmds[cmd.Def.Name] = cmd
	}
	if _, err := w.check(w.cmds["movienight"].Run, nightCmd("plan", opt("starts", "in 5 hours"), opt("closes", "in 2 hours"), opt("candidates", "anora, tangerine"))); err == nil {
		t.Fatal("the plan's save did not fail")
	}
	fs.after = 0 // the database is back
	ended := false
	w.screen.hook["EndPoll"] = func() { ended = true }
	if r := w.run(nightCmd("cancel")); !strings.Contains(r.Data.Content, "canceled") || !ended {
		t.Errorf("cancel: %q, poll ended %v", r.Data.Content, ended)
	}
}
