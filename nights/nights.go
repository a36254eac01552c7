// Package nights runs movie nights: a host plans one (a poll among
// films), and the night then moves through its steps on its own (the
// poll closes and a winner is announced with an event; the screening
// ends and members are asked to rate; a day later the verdict). The
// rules live here: one open night per server, the order and times of
// the steps, the leases that let one process run a step, retries that
// do not post twice. What a step shows on Discord is behind Actions,
// which the commands implement; time is read through a Clock.
package nights

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"time"

	"github.com/filmbot/filmbot/locale"
	"github.com/filmbot/filmbot/storage"
)

// Store is what movie nights read and write.
type Store interface {
	storage.Nights
	storage.Catalog
	storage.Ratings
	storage.Watchlists
}

// Actions is what a night does on Discord, in the night's terms. Each
// call that posts something is given the tag that marks it (in a
// message's content or an embed's footer, in an event's description), so
// that a step retried finds it with FindPost or FindEvent instead of
// posting it again, and returns the id of what it posted. Errors say what
// went wrong through methods: Forbidden() (the bot lacks a permission),
// Gone() (the channel, message or event is not there) and Refused()
// (Discord will not take the request as it is); any other may pass if
// tried again.
type Actions interface {
	// OpenPoll posts the poll of p.Films in p.Night's channel.
	OpenPoll(ctx context.Context, p Poll, tag string) (string, error)
	// EndPoll ends the night's poll (one ended already is read as it is)
	// and returns the votes per candidate, in order.
	EndPoll(ctx context.Context, n storage.Night, poll string) ([]int, error)
	// Announce posts the winner, film, with n.WinnerNote.
	Announce(ctx context.Context, n storage.Night, film storage.Film, tag string) (string, error)
	// CreateEvent creates the screening's event, in the voice or stage
	// channel where, or at n.Location when where is "".
	CreateEvent(ctx context.Context, n storage.Night, film storage.Film, where, tag string) (string, error)
	// DeleteEvent removes the night's event.
	DeleteEvent(ctx context.Context, n storage.Night, event string) error
	// NoticeHost tells the host n.EventNote: why there is no event, or
	// why it is not where it was planned.
	NoticeHost(ctx context.Context, n storage.Night, tag string) (string, error)
	// PromptRatings asks the members to rate the winner.
	PromptRatings(ctx context.Context, n storage.Night, tag string) (string, error)
	// PostVerdict posts n.Verdict.
	PostVerdict(ctx context.Context, n storage.Night, tag string) (string, error)
	// FindPost returns the id of the bot's recent message in the night's
	// channel marked with tag, or "" if none.
	FindPost(ctx context.Context, n storage.Night, tag string) (string, error)
	// FindEvent returns the id of the server's event marked with tag, or
	// "" if none.
	FindEvent(ctx context.Context, n storage.Night, tag string) (string, error)
	// EventNote words why, for n's EventNote (kept with the night, shown
	// to the host).
	EventNote(n storage.Night, why NoEvent) string
}

// NoEvent is why a night has no event, or not the one planned.
type NoEvent int

const (
	EventTooLate   NoEvent = iota + 1 // the screening had started when the poll was read
	EventForbidden                    // the bot may not create events
	EventMoved                        // the where: channel is gone: the event is at the location instead
	EventNowhere                      // the where: channel is gone, and Discord refused one elsewhere
	EventRefused                      // Discord refused it
)

// Poll is what OpenPoll posts: the night (its ID set), its films in
// order, how many whole hours the poll lasts, and the server's time zone
// (for the question's date).
type Poll struct {
	Night storage.Night
	Films []storage.Film
	Hours int
	Zone  *time.Location
}

// Movie nights' limits and times.
const (
	MaxCandidates    = 10
	MinCandidates    = 2
	MaxPollHours     = 768
	Lease            = 2 * time.Minute  // a step's lease, renewed every third of it while the step runs
	MaxTries         = 5                // attempts at one Discord action before the night moves on without it
	FirstRetry       = 30 * time.Second // then twice as long each time
	VerdictAfter     = 24 * time.Hour   // after the screening's end
	DefaultScreening = 2 * time.Hour    // a film without a runtime; else its runtime and 15 minutes
)

// The night's Discord actions, each tried at most MaxTries times (the
// tries are counted in Night.Tries) and tagged so that a retry finds
// what a try before it posted.
const (
	ActPoll     = "poll"     // the poll, posted by Plan
	ActEndPoll  = "endpoll"  // ending it and reading the votes
	ActAnnounce = "announce" // the winner's card
	ActEvent    = "event"    // the scheduled event (in the where: channel, or at the location)
	ActExternal = "external" // the event at a place, when the where: channel is gone
	ActNotice   = "notice"   // a card telling the host why there is no event
	ActPrompt   = "prompt"   // the rating prompt
	ActVerdict  = "verdict"  // the verdict
)

// The tag's words: the night's language (Night.Locale) writes them.
var (
	msgTag   = locale.Text("night.tag", "Movie night #{{.ID}} · {{.Act}}")
	actNames = map[string]locale.Key{
		ActPoll:     locale.Text("night.act.poll", "poll"),
		ActAnnounce: locale.Text("night.act.announce", "announce"),
		ActEvent:    locale.Text("night.act.event", "event"),
		ActNotice:   locale.Text("night.act.notice", "notice"),
		ActPrompt:   locale.Text("night.act.prompt", "prompt"),
		ActVerdict:  locale.Text("night.act.verdict", "verdict"),
	}
)

// Tag is the text that marks what night n posted for act, in the night's
// language (fixed when it was planned, so a retry writes the same tag).
// Both kinds of event share one tag: the night has one event.
func Tag(n storage.Night, act string) string {
	if act == ActExternal {
		act = ActEvent
	}
	t := locale.For(n.Locale)
	name := act
	if k, ok := actNames[act]; ok {
		name = t.S(k)
	}
	return t.F(msgTag, "ID", strconv.FormatUint(n.ID, 10), "Act", name)
}

// Errors of the host's commands.
var (
	ErrNoNight    = errors.New("no movie night is planned here")
	ErrBusy       = errors.New("a step holds the night") // or kept changing it meanwhile
	ErrPollClosed = errors.New("the poll has already closed")
)

// errNoChange: change decided to leave the night as it is.
var errNoChange = errors.New("no change")

// Service plans, changes and runs movie nights. Set Actions to run them
// (nil: RunDue does nothing), Owner to name this process in the steps'
// leases, Clock to read time otherwise than by the system's clock.
type Service struct {
	Store   Store
	Actions Actions
	Owner   string
	Clock   Clock
	due     chan struct{}
}

// New returns the movie nights kept in store, run by no one yet.
func New(store Store) *Service {
	return &Service{Store: store, Owner: "filmbot", Clock: System, due: make(chan struct{}, 1)}
}

func (s *Service) now() time.Time { return s.Clock.Now() }

// Due receives when a step has just fallen due (a host closed a poll
// early): the scheduler looks for due steps then, without waiting for
// its next turn.
func (s *Service) Due() <-chan struct{} { return s.due }

// MayHost reports whether a member with roles in guild may host movie
// nights by the server's host role (moderators may anyway).
func MayHost(set storage.Settings, guild string, roles []string) bool {
	return set.HostRole != "" && set.HostRole != guild && slices.Contains(roles, set.HostRole)
}

// Plan is a night a host plans: who, where the poll goes, its films,
// when it closes (Hours from now) and when the screening starts, where
// it happens (a voice or stage channel, or a place).
type Plan struct {
	Scope           storage.Scope
	Host            uint64
	Channel         string
	Films           []storage.Film
	Closes, Starts  time.Time
	Hours           int
	Where, Location string
	Zone            *time.Location
	// Locale is the language of what the night posts (a Discord locale):
	// the server's when it is planned, kept with the night.
	Locale string
	// Recommended and RecommendedFor say how the candidates were chosen
	// (storage.Night): the first Recommended from the group
	// recommendation for RecommendedFor members.
	Recommended, RecommendedFor int
}

// Plan stores the night and opens its poll. storage.ErrExists, with the
// open night, when the server has one already (one at a time); an error
// of Actions when the poll could not be posted (the night is then
// canceled).
func (s *Service) Plan(ctx context.Context, p Plan) (storage.Night, error) {
	var ids []uint64
	for _, f := range p.Films {
		ids = append(ids, f.ID)
	}
	// The poll's try is recorded with the night, before the poll is
	// posted: if saving its id fails, the close step finds it by its tag.
	n := storage.Night{Scope: p.Scope, Host: p.Host, Channel: p.Channel, Candidates: ids, Closes: p.Closes, Starts: p.Starts, Where: p.Where, Location: p.Location,
		Locale: p.Locale, Step: storage.StepClose, NextAt: p.Closes, Tries: map[string]int{ActPoll: 1}, Recommended: p.Recommended, RecommendedFor: p.RecommendedFor}
	n, err := s.Store.CreateNight(ctx, n)
	if err != nil {
		return n, err
	}
	poll, err := s.Actions.OpenPoll(ctx, Poll{Night: n, Films: p.Films, Hours: p.Hours, Zone: p.Zone}, Tag(n, ActPoll))
	if err != nil {
		n.Step = storage.StepCanceled
		s.Store.SaveNight(ctx, n, "", true)
		return n, err
	}
	n.Poll = poll
	return s.Store.SaveNight(ctx, n, "", true)
}

// Wanted is the default poll: scope's most wanted films (on most
// watchlists) not yet screened there, at most MaxCandidates.
func (s *Service) Wanted(ctx context.Context, scope storage.Scope) ([]storage.Film, error) {
	nights, err := s.Store.Nights(ctx, scope)
	if err != nil {
		return nil, err
	}
	screened := map[uint64]bool{}
	for _, n := range nights {
		if n.Step != storage.StepCanceled && n.Winner != 0 {
			screened[n.Winner] = true
		}
	}
	wanted, err := s.Store.MostWanted(ctx, scope)
	if err != nil {
		return nil, err
	}
	var out []storage.Film
	for _, w := range wanted {
		if screened[w.Film] || len(out) == MaxCandidates {
			continue
		}
		if f, err := s.Store.FilmHeader(ctx, scope, w.Film); err == nil {
			out = append(out, f)
		}
	}
	return out, nil
}

// History lists scope's nights, newest first.
func (s *Service) History(ctx context.Context, scope storage.Scope) ([]storage.Night, error) {
	return s.Store.Nights(ctx, scope)
}

// Canceled is what Cancel did, and what it left on Discord.
type Canceled struct {
	Night          storage.Night // as it was before
	PollLeft       bool          // the poll could not be ended
	EventUnchecked bool          // the event could not be looked for
	EventLeft      bool          // the event could not be removed
}

// Cancel marks scope's open night canceled first, with a versioned save
// (a copy read before a step saved is read again, up to three times),
// and only then ends its poll and removes its event: a step that runs
// after it is fenced off, and one that posted an event whose id it had
// not saved yet is found by the event's tag. ErrNoNight, ErrBusy.
func (s *Service) Cancel(ctx context.Context, scope storage.Scope) (Canceled, error) {
	var c Canceled
	err := s.changeOpenNight(ctx, scope, true, func(open storage.Night) (storage.Night, error) {
		c.Night = open
		open.Step = storage.StepCanceled
		return open, nil
	})
	if err != nil {
		return c, err
	}
	n := c.Night
	if n.Step == storage.StepClose && n.Winner == 0 {
		poll := n.Poll
		if poll == "" { // posted by a plan that failed to save its id
			poll, _ = s.Actions.FindPost(ctx, n, Tag(n, ActPoll))
		}
		if poll != "" {
			if _, err := s.Actions.EndPoll(ctx, n, poll); err != nil && !IsGone(err) {
				c.PollLeft = true
			}
		}
	}
	event := n.Event
	if event == "" && (n.Tries[ActEvent] > 0 || n.Tries[ActExternal] > 0) {
		// A step tried to create it and may have, without saving its id.
		var err error
		if event, err = s.Actions.FindEvent(ctx, n, Tag(n, ActEvent)); err != nil {
			c.EventUnchecked = true
		}
	}
	if event != "" {
		if err := s.Actions.DeleteEvent(ctx, n, event); err != nil {
			c.EventLeft = true
		}
	}
	return c, nil
}

// CloseNow brings the open night's close step forward: the scheduler,
// told through Due, ends the poll and announces the winner as it would
// have at the poll's end. closing is true when the poll was closing
// already (nothing changed). ErrNoNight, ErrBusy, ErrPollClosed.
func (s *Service) CloseNow(ctx context.Context, scope storage.Scope) (closing bool, err error) {
	err = s.changeOpenNight(ctx, scope, false, func(n storage.Night) (storage.Night, error) {
		if n.Step != storage.StepClose || n.Winner != 0 {
			return n, ErrPollClosed
		}
		now := s.now()
		if closing = !n.NextAt.After(now); closing {
			return n, errNoChange
		}
		n.NextAt, n.Closes = now, now
		return n, nil
	})
	switch {
	case errors.Is(err, errNoChange):
		return true, nil
	case err != nil:
		return false, err
	}
	select {
	case s.due <- struct{}{}:
	default: // already signalled
	}
	return false, nil
}

// changeOpenNight saves change(the open night) in scope, with a version
// check: a night a step changed meanwhile is read again and changed
// again, up to three times, then ErrBusy, as when a step holds its
// lease. release ends any lease. ErrNoNight when none is open; an error
// from change is returned as it is, nothing saved.
func (s *Service) changeOpenNight(ctx context.Context, scope storage.Scope, release bool, change func(storage.Night) (storage.Night, error)) error {
	for try := 0; ; try++ {
		nights, err := s.Store.Nights(ctx, scope)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(nights, func(n storage.Night) bool { return n.Open() })
		if i < 0 {
			return ErrNoNight
		}
		n, err := change(nights[i])
		if err != nil {
			return err
		}
		_, err = s.Store.SaveNight(ctx, n, "", release)
		switch {
		case errors.Is(err, storage.ErrChanged) && try < 2:
			continue
		case errors.Is(err, storage.ErrLeased) || errors.Is(err, storage.ErrChanged):
			return ErrBusy
		}
		return err
	}
}

// IsForbidden is an error of Actions saying the bot lacks a permission.
func IsForbidden(err error) bool {
	var f interface{ Forbidden() bool }
	return errors.As(err, &f) && f.Forbidden()
}

// IsGone is an error of Actions saying the thing is not there.
func IsGone(err error) bool {
	var g interface{ Gone() bool }
	return errors.As(err, &g) && g.Gone()
}

// IsRefused is an error of Actions saying Discord refuses the request.
func IsRefused(err error) bool {
	var f interface{ Refused() bool }
	return errors.As(err, &f) && f.Refused()
}

// permanent is an error trying again will not mend.
func permanent(err error) bool { return IsForbidden(err) || IsGone(err) || IsRefused(err) }

// goneErr is something of the night's that is no longer on Discord.
type goneErr string

func (g goneErr) Error() string { return string(g) + " is gone" }
func (goneErr) Gone() bool      { return true }
