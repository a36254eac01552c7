package nights

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"time"

	"github.com/filmbot/filmbot/locale"
	"github.com/filmbot/filmbot/storage"
)

// What the steps write themselves (the winner's note, the verdict), in
// the night's language (Night.Locale).
var (
	// MsgRemovedFilm names a film removed since (the commands' history
	// says it too).
	MsgRemovedFilm  = locale.Text("night.removed_film", "(a removed film)")
	msgChosenVotes  = locale.Plural("night.winner.votes", "Chosen with {{.Count}} vote.", "Chosen with {{.Count}} votes.")
	msgNoVotes      = locale.Text("night.winner.no_votes", "No one voted.")
	msgPollUnread   = locale.Text("night.winner.poll_unread", "The poll could not be read (it was deleted, or its channel is gone), so the watchlists chose.")
	msgTieWatchlist = locale.Plural("night.winner.tie_watchlists", "A tie of {{.Count}} film, broken by watchlists ({{.Members}}).", "A tie of {{.Count}} films, broken by watchlists ({{.Members}}).")
	msgTieMembers   = locale.Plural("night.winner.members", "{{.Count}} member", "{{.Count}} members")
	msgTieDrawn     = locale.Plural("night.winner.tie_drawn", "A tie of {{.Count}} film, equal on watchlists too: drawn at random.", "A tie of {{.Count}} films, equal on watchlists too: drawn at random.")
	msgVerdictErr   = locale.Text("night.verdict.unread", "The verdict could not be read.")
	msgVerdictNone  = locale.Text("night.verdict.none", "No one rated it after the screening.")
	msgVerdict      = locale.Plural("night.verdict.average", "{{.Count}} rating since the screening: average **{{.Average}}**/10.", "{{.Count}} ratings since the screening: average **{{.Average}}**/10.")
	msgVerdictUsual = locale.Plural("night.verdict.usual", "This server's usual: {{.Average}}/10 across {{.Count}} rating.", "This server's usual: {{.Average}}/10 across {{.Count}} ratings.")
)

// step is what one step does, the step after it and when that one is
// due (nil: NextAt stays as it is).
type step struct {
	run  func(r *stepRun, ctx context.Context) error
	next storage.Step
	at   func(n storage.Night) time.Time
}

// steps are a night's transitions, all of them: a planned night waits
// for StepClose at the poll's end; done and canceled have no step.
var steps = map[storage.Step]step{
	// The poll closes: the winner, its announcement, the screening's event.
	storage.StepClose: {(*stepRun).close, storage.StepEnd, func(n storage.Night) time.Time { return n.Ends }},
	// The screening ends: the rating prompt.
	storage.StepEnd: {(*stepRun).end, storage.StepVerdict, func(n storage.Night) time.Time { return n.Ends.Add(VerdictAfter) }},
	// A day later: the verdict, and nothing after.
	storage.StepVerdict: {(*stepRun).verdict, storage.StepDone, nil},
}

// RunDue runs the steps that are due, each leased to this process so
// that no other runs it too, and returns how many ran and the first
// error. Each Discord action is recorded (tried, with its tag) before it
// is made, and what it posted is stored as soon as it has, so a step
// retried (after a crash, or an error) does not post twice; the lease is
// renewed while a step runs and checked before each action.
func (s *Service) RunDue(ctx context.Context) (int, error) {
	if s.Actions == nil {
		return 0, nil
	}
	due, err := s.Store.ClaimDueNights(ctx, s.now(), s.Owner, Lease)
	if err != nil {
		return 0, err
	}
	var first error
	for _, n := range due {
		if err := s.runLeased(ctx, n); err != nil && first == nil {
			first = fmt.Errorf("movie night %d (%s): %w", n.ID, n.Step, err)
		}
	}
	return len(due), first
}

// stepRun is one step of one night, run under this process's lease: n
// is the night as last saved; mu keeps the lease's renewals and the
// step's saves apart (each is checked against n.Version).
type stepRun struct {
	s  *Service
	mu sync.Mutex
	n  storage.Night
}

// runLeased runs n's step while renewing its lease every third of it;
// a renewal that fails (the lease was lost) cancels the step's context,
// so that a Discord call under way is abandoned. A step that fails keeps
// what it saved, lets its lease go, and is retried at the NextAt its
// last try set.
func (s *Service) runLeased(ctx context.Context, n storage.Night) error {
	r := &stepRun{s: s, n: n}
	if r.n.Tries == nil {
		r.n.Tries = map[string]int{}
	}
	sctx, cancel := context.WithCancelCause(ctx)
	tick, stop := s.Clock.Ticker(Lease / 3)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			select {
			case <-sctx.Done():
				return
			case <-tick:
			}
			// Only the fence (id, scope, version) is read, under mu: the
			// step writes the night's other fields as it goes, unlocked.
			r.mu.Lock()
			fence := storage.Night{ID: r.n.ID, Scope: r.n.Scope, Version: r.n.Version}
			r.mu.Unlock()
			err := s.Store.RenewNight(sctx, fence, s.Owner, Lease)
			if err != nil && sctx.Err() == nil {
				cancel(fmt.Errorf("the step's lease is lost: %w", err))
				return
			}
		}
	}()
	err := r.step(sctx)
	cancel(nil)
	stop()
	<-done
	if cause := context.Cause(sctx); err != nil && cause != nil && cause != context.Canceled {
		err = cause
	}
	if err != nil && !errors.Is(err, storage.ErrLeased) && !errors.Is(err, storage.ErrChanged) {
		// Let the lease go, so that the retry does not wait for it.
		r.mu.Lock()
		s.Store.SaveNight(ctx, r.n, s.Owner, true)
		r.mu.Unlock()
	}
	return err
}

// step runs the night's step and moves it to the next one, releasing
// the lease; a night with no step left (done, canceled) is only
// released.
func (r *stepRun) step(ctx context.Context) error {
	st, ok := steps[r.n.Step]
	if !ok {
		return r.save(ctx, true)
	}
	if err := st.run(r, ctx); err != nil {
		return err
	}
	r.n.Step = st.next
	if st.at != nil {
		r.n.NextAt = st.at(r.n)
	}
	return r.save(ctx, true)
}

// save stores the night as the step has it, keeping the lease, or
// releasing it.
func (r *stepRun) save(ctx context.Context, release bool) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	saved, err := r.s.Store.SaveNight(ctx, r.n, r.s.Owner, release)
	if err == nil {
		r.n = saved
	}
	return err
}

// act makes one of the night's Discord actions: it checks the lease
// (the fence), records the try (and when to retry) before acting, looks
// for what an earlier try posted with find (if set), and only then calls
// do. It returns *errGaveUp when the night must go on without the
// action: Discord refused it for good (403, 404, 400), or it failed
// MaxTries times, or an earlier run gave it up.
func (r *stepRun) act(ctx context.Context, act string, find, do func(ctx context.Context) (string, error)) (string, error) {
	if slices.Contains(r.n.Skipped, act) {
		return "", &errGaveUp{errors.New(act + " was given up before")}
	}
	tried := r.n.Tries[act]
	if tried >= MaxTries && find == nil {
		return "", r.giveUp(ctx, act, fmt.Errorf("%s failed %d times", act, tried))
	}
	r.mu.Lock()
	err := r.s.Store.RenewNight(ctx, r.n, r.s.Owner, Lease)
	r.mu.Unlock()
	if err != nil {
		return "", err
	}
	r.n.Tries[act] = tried + 1
	r.n.NextAt = r.s.now().Add(FirstRetry << min(tried, 5))
	if err := r.save(ctx, false); err != nil {
		return "", err
	}
	if tried > 0 && find != nil {
		id, err := find(ctx)
		if err != nil {
			if tried >= MaxTries || permanent(err) {
				return "", r.giveUp(ctx, act, err)
			}
			return "", err
		}
		if id != "" {
			return id, nil
		}
		if tried >= MaxTries {
			return "", r.giveUp(ctx, act, fmt.Errorf("%s failed %d times", act, tried))
		}
	}
	id, err := do(ctx)
	if err != nil && ctx.Err() == nil && (permanent(err) || tried+1 >= MaxTries) {
		return "", r.giveUp(ctx, act, err)
	}
	return id, err
}

// post is act for a message in the night's channel: a retry looks for
// it by its tag.
func (r *stepRun) post(ctx context.Context, act string, do func(ctx context.Context, n storage.Night, tag string) (string, error)) (string, error) {
	tag := Tag(r.n, act)
	return r.act(ctx, act, func(ctx context.Context) (string, error) { return r.s.Actions.FindPost(ctx, r.n, tag) },
		func(ctx context.Context) (string, error) { return do(ctx, r.n, tag) })
}

// giveUp records that the night goes on without act.
func (r *stepRun) giveUp(ctx context.Context, act string, cause error) error {
	r.n.Skipped = append(r.n.Skipped, act)
	if err := r.save(ctx, false); err != nil {
		return err
	}
	return &errGaveUp{cause}
}

// errGaveUp is an action the night goes on without: Discord refused it
// for good, or it failed MaxTries times.
type errGaveUp struct{ cause error }

func (e *errGaveUp) Error() string { return "given up: " + e.cause.Error() }
func (e *errGaveUp) Unwrap() error { return e.cause }

func gaveUp(err error) bool {
	var g *errGaveUp
	return errors.As(err, &g)
}

// close ends the poll and picks the winner (by watchlists when the poll
// is gone), announces it, and creates the screening's event (outside
// the where: channel when it is gone; none when the screening has
// started or Discord refuses it, the host told why).
func (r *stepRun) close(ctx context.Context) error {
	s, n := r.s, &r.n
	if n.Winner == 0 {
		poll := n.Poll
		var votes []int
		_, err := r.act(ctx, ActEndPoll, nil, func(ctx context.Context) (string, error) {
			if poll == "" { // Plan posted it and failed to save its id
				id, err := s.Actions.FindPost(ctx, *n, Tag(*n, ActPoll))
				if err != nil {
					return "", err
				}
				if id == "" {
					return "", goneErr("the poll message")
				}
				poll = id
			}
			var err error
			votes, err = s.Actions.EndPoll(ctx, *n, poll)
			return "", err
		})
		if err != nil && !gaveUp(err) {
			return err
		}
		n.Poll = poll
		n.Winner, n.WinnerNote, err = s.pickWinner(ctx, *n, votes)
		if err != nil {
			return err
		}
		if err := r.save(ctx, false); err != nil {
			return err
		}
	}
	film, err := s.Store.Film(ctx, n.Scope, n.Winner)
	if errors.Is(err, storage.ErrNotFound) {
		film, err = storage.Film{ID: n.Winner, Title: locale.For(n.Locale).S(MsgRemovedFilm)}, nil
	}
	if err != nil {
		return err
	}
	runtime := DefaultScreening
	if film.Runtime > 0 {
		runtime = time.Duration(film.Runtime+15) * time.Minute
	}
	n.Ends = n.Starts.Add(runtime)
	if n.Announce == "" && !slices.Contains(n.Skipped, ActAnnounce) {
		id, err := r.post(ctx, ActAnnounce, func(ctx context.Context, n storage.Night, tag string) (string, error) {
			return s.Actions.Announce(ctx, n, film, tag)
		})
		if err != nil && !gaveUp(err) {
			return err
		}
		n.Announce = id
		if err := r.save(ctx, false); err != nil {
			return err
		}
	}
	if n.Event == "" && n.EventNote == "" {
		if err := r.event(ctx, film); err != nil {
			return err
		}
	}
	if n.EventNote != "" && n.Notice == "" && !slices.Contains(n.Skipped, ActNotice) {
		id, err := r.post(ctx, ActNotice, s.Actions.NoticeHost)
		if err != nil && !gaveUp(err) {
			return err
		}
		n.Notice = id
		if err := r.save(ctx, false); err != nil {
			return err
		}
	}
	return nil
}

// event creates the screening's event, or says in EventNote why there
// is none (or why it is at a place rather than in the where: channel).
func (r *stepRun) event(ctx context.Context, film storage.Film) error {
	s, n := r.s, &r.n
	if !n.Starts.After(s.now()) {
		// Discord refuses an event in the past (400): do not ask.
		n.EventNote = s.Actions.EventNote(*n, EventTooLate)
		return r.save(ctx, false)
	}
	create := func(act, where string) (string, error) {
		return r.act(ctx, act, func(ctx context.Context) (string, error) { return s.Actions.FindEvent(ctx, *n, Tag(*n, act)) },
			func(ctx context.Context) (string, error) {
				return s.Actions.CreateEvent(ctx, *n, film, where, Tag(*n, act))
			})
	}
	id, err := create(ActEvent, n.Where)
	switch {
	case err == nil:
		n.Event = id
	case !gaveUp(err):
		return err
	case IsForbidden(err):
		n.EventNote = s.Actions.EventNote(*n, EventForbidden)
	case n.Where != "" && (IsGone(err) || slices.Contains(n.Skipped, ActExternal) || n.Tries[ActExternal] > 0):
		id, err := create(ActExternal, "")
		switch {
		case err == nil:
			n.Event = id
			n.EventNote = s.Actions.EventNote(*n, EventMoved)
		case !gaveUp(err):
			return err
		default:
			n.EventNote = s.Actions.EventNote(*n, EventNowhere)
		}
	default:
		n.EventNote = s.Actions.EventNote(*n, EventRefused)
	}
	return r.save(ctx, false)
}

// end posts the rating prompt (none when the film is gone, or Discord
// keeps refusing it).
func (r *stepRun) end(ctx context.Context) error {
	s, n := r.s, &r.n
	if n.Prompt == "" && !slices.Contains(n.Skipped, ActPrompt) {
		_, err := s.Store.FilmHeader(ctx, n.Scope, n.Winner)
		switch {
		case errors.Is(err, storage.ErrNotFound):
			n.Skipped = append(n.Skipped, ActPrompt)
		case err != nil:
			return err
		default:
			id, err := r.post(ctx, ActPrompt, s.Actions.PromptRatings)
			if err != nil && !gaveUp(err) {
				return err
			}
			n.Prompt = id
		}
	}
	return nil
}

// verdict sums the night up, once (a retry posts what was read first).
func (r *stepRun) verdict(ctx context.Context) error {
	s, n := r.s, &r.n
	if n.Verdict == "" {
		n.Verdict = s.verdict(ctx, *n)
		if err := r.save(ctx, false); err != nil {
			return err
		}
	}
	if n.VerdictMsg == "" && !slices.Contains(n.Skipped, ActVerdict) {
		id, err := r.post(ctx, ActVerdict, s.Actions.PostVerdict)
		if err != nil && !gaveUp(err) {
			return err
		}
		n.VerdictMsg = id
	}
	return nil
}

// pickWinner takes the film with the most votes; a tie goes to the one on
// more watchlists, then to chance (seeded by the night, so a retry picks
// the same), and the note says which, in the night's language (votes
// nil: the poll could not be read, and the note says so).
func (s *Service) pickWinner(ctx context.Context, n storage.Night, votes []int) (uint64, string, error) {
	t := locale.For(n.Locale)
	best := -1
	var tied []uint64
	for k, f := range n.Candidates {
		v := 0
		if k < len(votes) {
			v = votes[k]
		}
		switch {
		case v > best:
			best, tied = v, []uint64{f}
		case v == best:
			tied = append(tied, f)
		}
	}
	note := t.N(msgChosenVotes, best)
	switch {
	case votes == nil:
		note = t.S(msgPollUnread)
	case best == 0:
		note = t.S(msgNoVotes)
	}
	if len(tied) > 1 {
		wanted, err := s.Store.MostWanted(ctx, n.Scope)
		if err != nil {
			return 0, "", err
		}
		count := map[uint64]int{}
		for _, w := range wanted {
			count[w.Film] = w.Count
		}
		most := -1
		var still []uint64
		for _, f := range tied {
			switch c := count[f]; {
			case c > most:
				most, still = c, []uint64{f}
			case c == most:
				still = append(still, f)
			}
		}
		if len(still) == 1 {
			return still[0], note + " " + t.N(msgTieWatchlist, len(tied), "Members", t.N(msgTieMembers, most)), nil
		}
		pick := still[rand.New(rand.NewPCG(n.ID, uint64(n.Scope))).IntN(len(still))]
		return pick, note + " " + t.N(msgTieDrawn, len(tied)), nil
	}
	return tied[0], note, nil
}

// verdict sums up the ratings given since the screening started, beside
// the server's usual average, in the night's language.
func (s *Service) verdict(ctx context.Context, n storage.Night) string {
	t := locale.For(n.Locale)
	rs, err := s.Store.FilmRatings(ctx, n.Scope, n.Winner)
	if err != nil {
		return t.S(msgVerdictErr)
	}
	var sum, count int
	for _, r := range rs {
		if !r.At.Before(n.Starts) {
			sum += r.Score
			count++
		}
	}
	if count == 0 {
		return t.S(msgVerdictNone)
	}
	out := t.N(msgVerdict, count, "Average", t.Num(float64(sum)/float64(count), 1))
	if top, err := s.Store.Top(ctx, n.Scope, 1); err == nil && len(top) > 0 {
		var all, c int
		for _, a := range top {
			all += a.Sum
			c += a.Count
		}
		out += " " + t.N(msgVerdictUsual, c, "Average", t.Num(float64(all)/float64(c), 1))
	}
	return out
}
