package commands

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/filmbot/filmbot/storage"
)

// Screener is what movie nights need of Discord beyond messages: polls,
// scheduled events, a card with the rate menu. bot implements it with the
// session (bot.SessionPoster). Its errors say what went wrong through
// methods: Forbidden() (403: the bot lacks a permission), Gone() (404, or
// a channel hidden from the bot: the channel, message or event is not
// there) and Refused() (400: Discord will not take the request as it
// is); anything else may pass if tried again.
type Screener interface {
	PostPoll(ctx context.Context, guildID, channelID, content, question string, answers []string, hours int) (messageID string, err error)
	// EndPoll ends the poll (one ended already is read as it is) and returns
	// the votes per answer, in order.
	EndPoll(ctx context.Context, channelID, messageID string) ([]int, error)
	CreateEvent(ctx context.Context, guildID, name, description, channelID, location string, start, end time.Time) (eventID string, err error)
	DeleteEvent(ctx context.Context, guildID, eventID string) error
	// PostCard posts a message; mention, if set, is the one user id its
	// content may ping (allowed_mentions users:[mention], nothing else).
	PostCard(ctx context.Context, guildID, channelID, content string, embed *discordgo.MessageEmbed, rows []discordgo.MessageComponent, mention string) (messageID string, err error)
	// FindPost returns the id of the bot's message among channel's recent
	// ones whose content or an embed's footer holds tag, or "" if none.
	FindPost(ctx context.Context, channelID, tag string) (string, error)
	// FindEvent returns the id of guildID's scheduled event whose
	// description holds tag, or "" if none.
	FindEvent(ctx context.Context, guildID, tag string) (string, error)
}

// WithScreener sets how movie nights reach Discord, and who this process
// is when it runs their steps (owner, for the steps' leases).
func (s *Set) WithScreener(sc Screener, owner string) *Set {
	s.screen, s.owner = sc, owner
	return s
}

// ticker ticks every d until stopped: the renewals of a step's lease.
func (s *Set) ticker(d time.Duration) (<-chan time.Time, func()) {
	if s.tick != nil {
		return s.tick(d)
	}
	t := time.NewTicker(d)
	return t.C, t.Stop
}

// WithClock sets the clock movie nights read (tests).
func (s *Set) WithClock(now func() time.Time) *Set {
	s.now = now
	return s
}

var movienightDef = &discordgo.ApplicationCommand{
	Name:        "movienight",
	Description: "Plan a movie night: a poll, a screening, everyone's ratings",
	Contexts:    &[]discordgo.InteractionContextType{discordgo.InteractionContextGuild},
	Options: []*discordgo.ApplicationCommandOption{
		{Type: discordgo.ApplicationCommandOptionSubCommand, Name: "plan", Description: "Post a poll of films and schedule the screening (hosts)", Options: []*discordgo.ApplicationCommandOption{
			{Type: discordgo.ApplicationCommandOptionString, Name: "starts", Description: "When the screening starts: friday 21:00, in 3 days, 2026-12-05 21:00", Required: true, MaxLength: 60},
			{Type: discordgo.ApplicationCommandOptionString, Name: "closes", Description: "When the poll closes (default: 1 hour before the start, at most 24 hours away)", MaxLength: 60},
			{Type: discordgo.ApplicationCommandOptionString, Name: "candidates", Description: "Titles, comma-separated (default: the server's most wanted, not yet screened)", MaxLength: 1000},
			{Type: discordgo.ApplicationCommandOptionChannel, Name: "channel", Description: "Where the poll goes (default: here)", ChannelTypes: []discordgo.ChannelType{discordgo.ChannelTypeGuildText}},
			{Type: discordgo.ApplicationCommandOptionChannel, Name: "where", Description: "The voice or stage channel of the screening", ChannelTypes: []discordgo.ChannelType{discordgo.ChannelTypeGuildVoice, discordgo.ChannelTypeGuildStageVoice}},
			{Type: discordgo.ApplicationCommandOptionString, Name: "location", Description: "Or a place, for the event (default: this server)", MaxLength: 100},
		}},
		{Type: discordgo.ApplicationCommandOptionSubCommand, Name: "close", Description: "End the poll now and announce the winner (hosts)"},
		{Type: discordgo.ApplicationCommandOptionSubCommand, Name: "cancel", Description: "Cancel the planned night, its poll and its event (hosts)"},
		{Type: discordgo.ApplicationCommandOptionSubCommand, Name: "history", Description: "Past movie nights, their winners and verdicts"},
	},
}

// titlePunct is what is escaped in a title shown in a line of ours (after
// a bullet, inside bold): what could open emphasis, a spoiler, a code
// span, a link or a mention reaching past it.
const titlePunct = "\\|`*_~[]<"

// Movie nights' limits.
const (
	maxCandidates    = 10
	minCandidates    = 2
	maxPollHours     = 768
	stepLease        = 2 * time.Minute
	maxTries         = 5                // attempts at one Discord action before the night moves on without it
	firstRetry       = 30 * time.Second // then twice as long each time
	verdictAfter     = 24 * time.Hour
	defaultScreening = 2 * time.Hour
)

// host checks that the member may host movie nights: a moderator, or a
// member with the server's host role.
func (s *Set) host(ctx context.Context, i *discordgo.InteractionCreate) (storage.Scope, storage.Settings, error) {
	scope, err := scopeOf(i)
	if err != nil {
		return 0, storage.Settings{}, err
	}
	if scope == storage.BuiltIn || i.Member == nil {
		return 0, storage.Settings{}, userErr("Movie nights happen in servers: use /movienight there.")
	}
	set, err := s.serverSettings.Settings(ctx, scope)
	if err != nil {
		return 0, set, err
	}
	if _, err := s.moderator(ctx, i); err == nil {
		return scope, set, nil
	}
	if set.HostRole != "" && set.HostRole != i.GuildID && slices.Contains(i.Member.Roles, set.HostRole) {
		return scope, set, nil
	}
	return 0, set, userErr("Only hosts can do that: moderators, or members with this server's host role (`/settings host-role`).")
}

func zoneOf(set storage.Settings) *time.Location {
	if set.Timezone != "" {
		if loc, err := time.LoadLocation(set.Timezone); err == nil {
			return loc
		}
	}
	return time.UTC
}

// movienight routes /movienight's subcommands.
func (s *Set) movienight(ctx context.Context, i *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
	if subcommand(i) == "history" {
		scope, err := scopeOf(i)
		if err != nil || scope == storage.BuiltIn {
			return nil, userErr("Movie nights happen in servers: use /movienight there.")
		}
		return s.nightHistory(ctx, scope)
	}
	scope, set, err := s.host(ctx, i)
	if err != nil {
		return nil, err
	}
	if s.screen == nil {
		return nil, userErr("Movie nights are not available here.")
	}
	switch subcommand(i) {
	case "cancel":
		return s.cancelNight(ctx, scope)
	case "close":
		return s.closeNow(ctx, scope)
	}
	return s.planNight(ctx, i, scope, set)
}

func (s *Set) planNight(ctx context.Context, i *discordgo.InteractionCreate, scope storage.Scope, set storage.Settings) (*discordgo.InteractionResponse, error) {
	opts := options(i)
	now := s.now()
	loc := zoneOf(set)
	starts, err := parseWhen(str(opts, "starts"), now, loc)
	if err != nil {
		return nil, userErr("starts: %s", err.Error())
	}
	closes := starts.Add(-time.Hour)
	if c := str(opts, "closes"); c != "" {
		if closes, err = parseWhen(c, now, loc); err != nil {
			return nil, userErr("closes: %s", err.Error())
		}
	} else if closes.After(now.Add(24 * time.Hour)) {
		closes = now.Add(24 * time.Hour)
	}
	// A poll lasts whole hours: it closes on the hour after now it asked for.
	hours := int((closes.Sub(now) + time.Hour - 1) / time.Hour)
	switch {
	case !starts.After(now):
		return nil, userErr("The screening must start in the future (%s is past).", stamp(starts, "F"))
	case starts.After(now.AddDate(1, 0, 0)):
		return nil, userErr("Plan at most a year ahead.")
	case !closes.After(now):
		return nil, userErr("The poll must close in the future.")
	case hours > maxPollHours:
		return nil, userErr("A poll lasts at most 32 days.")
	}
	closes = now.Add(time.Duration(hours) * time.Hour)
	if !closes.Before(starts) {
		return nil, userErr("The poll must close before the screening starts: the poll runs whole hours, so it would close %s and the screening starts %s.", stamp(closes, "F"), stamp(starts, "F"))
	}
	channel := i.ChannelID
	if o := opts.get("channel"); o != nil {
		id, _ := o.Value.(string)
		if data := i.ApplicationCommandData(); data.Resolved != nil && data.Resolved.Channels[id] != nil && (data.Resolved.Channels[id].GuildID == "" || data.Resolved.Channels[id].GuildID == i.GuildID) {
			if t := data.Resolved.Channels[id].Type; t != discordgo.ChannelTypeGuildText && t != discordgo.ChannelTypeGuildNews {
				return nil, userErr("The poll goes in a text channel; <#%s> is not one.", id)
			}
		}
		if channel, err = channelOption(i, o); err != nil {
			return nil, err
		}
	}
	where, location := "", strings.TrimSpace(str(opts, "location"))
	if o := opts.get("where"); o != nil {
		id, _ := o.Value.(string)
		data := i.ApplicationCommandData()
		if data.Resolved == nil || data.Resolved.Channels[id] == nil || (data.Resolved.Channels[id].GuildID != "" && data.Resolved.Channels[id].GuildID != i.GuildID) {
			return nil, userErr("That channel is not in this server.")
		}
		if t := data.Resolved.Channels[id].Type; t != discordgo.ChannelTypeGuildVoice && t != discordgo.ChannelTypeGuildStageVoice {
			return nil, userErr("A screening happens in a voice or stage channel; <#%s> is not one.", id)
		}
		where = id
	}
	films, err := s.candidates(ctx, scope, str(opts, "candidates"))
	if err != nil {
		return nil, err
	}
	var answers, lines []string
	var ids []uint64
	for _, f := range films {
		answers = append(answers, clip(label(f), 55))
		lines = append(lines, "• "+escapeClip(label(f), 150, titlePunct))
		ids = append(ids, f.ID)
	}
	user, _ := strconv.ParseUint(userID(i), 10, 64)
	// The poll's try is recorded with the night, before the poll is
	// posted: if saving its id fails, the close step finds it by its tag.
	n := storage.Night{Scope: scope, Host: user, Channel: channel, Candidates: ids, Closes: closes, Starts: starts, Where: where, Location: location,
		Step: storage.StepClose, NextAt: closes, Tries: map[string]int{actPoll: 1}}
	n, err = s.nights.CreateNight(ctx, n)
	if errors.Is(err, storage.ErrExists) {
		return nil, userErr("A movie night is already planned here (screening %s). Cancel it first with `/movienight cancel`.", stamp(n.Starts, "F"))
	}
	if err != nil {
		return nil, err
	}
	content := fmt.Sprintf("🎬 **Movie night!** Vote for the film: the poll closes %s (%s); the screening starts %s.\n-# %s",
		stamp(closes, "F"), stamp(closes, "R"), stamp(starts, "F"), tagOf(n, actPoll))
	poll, err := s.screen.PostPoll(ctx, i.GuildID, channel, content, "Which film on "+starts.In(loc).Format("Mon 2 Jan")+"?", answers, hours)
	if err != nil {
		n.Step = storage.StepCanceled
		s.nights.SaveNight(ctx, n, "", true)
		switch {
		case isForbidden(err):
			return nil, userErr("I cannot post a poll in <#%s>: I need View Channel, Send Messages and Send Polls there.", channel)
		case isGone(err):
			return nil, userErr("I cannot see <#%s>: give me View Channel, Send Messages and Send Polls there, or pick another channel.", channel)
		}
		return nil, err
	}
	n.Poll = poll
	if _, err := s.nights.SaveNight(ctx, n, "", true); err != nil {
		return nil, err
	}
	return Reply(fmt.Sprintf("Planned: the poll is up in <#%s> and closes %s; the screening starts %s. Candidates:\n%s", channel, stamp(closes, "F"), stamp(starts, "F"), strings.Join(lines, "\n"))), nil
}

// candidates resolves the titles given, or takes the server's most wanted
// films not yet screened here.
func (s *Set) candidates(ctx context.Context, scope storage.Scope, given string) ([]storage.Film, error) {
	var out []storage.Film
	seen := map[uint64]bool{}
	if strings.TrimSpace(given) != "" {
		for _, t := range strings.Split(given, ",") {
			if t = strings.TrimSpace(t); t == "" {
				continue
			}
			f, err := s.resolve(ctx, scope, t)
			if err != nil {
				return nil, err
			}
			if seen[f.ID] {
				return nil, userErr("**%s** is a candidate twice.", labelMD(f))
			}
			seen[f.ID] = true
			out = append(out, f)
		}
		if len(out) > maxCandidates {
			return nil, userErr("A poll holds at most %d films; you named %d.", maxCandidates, len(out))
		}
	} else {
		nights, err := s.nights.Nights(ctx, scope)
		if err != nil {
			return nil, err
		}
		screened := map[uint64]bool{}
		for _, n := range nights {
			if n.Step != storage.StepCanceled && n.Winner != 0 {
				screened[n.Winner] = true
			}
		}
		wanted, err := s.watchlists.MostWanted(ctx, scope)
		if err != nil {
			return nil, err
		}
		for _, w := range wanted {
			if screened[w.Film] || len(out) == maxCandidates {
				continue
			}
			f, err := s.films.FilmHeader(ctx, scope, w.Film)
			if err == nil {
				out = append(out, f)
			}
		}
	}
	if len(out) < minCandidates {
		return nil, userErr("A poll needs at least %d films: name them with `candidates:`, or have members add films with `/watchlist add`.", minCandidates)
	}
	return out, nil
}

// cancelNight marks the open night canceled first, with a versioned
// save (a copy read before a step saved is read again, up to three
// times), and only then ends its poll and removes its event: a step
// that runs after it is fenced off, and one that posted an event whose id
// it had not saved yet is found by the event's tag.
func (s *Set) cancelNight(ctx context.Context, scope storage.Scope) (*discordgo.InteractionResponse, error) {
	var n storage.Night
	err := s.changeOpenNight(ctx, scope, true, func(open storage.Night) (storage.Night, error) {
		n = open
		open.Step = storage.StepCanceled
		return open, nil
	})
	if errors.Is(err, errNightBusy) {
		return nil, userErr("The night is moving to its next step right now; nothing is canceled yet. Try again in a minute.")
	}
	if err != nil {
		return nil, err
	}
	guild := strconv.FormatUint(uint64(scope), 10)
	var notes []string
	if n.Step == storage.StepClose && n.Winner == 0 {
		poll := n.Poll
		if poll == "" { // posted by a plan that failed to save its id
			poll, _ = s.screen.FindPost(ctx, n.Channel, tagOf(n, actPoll))
		}
		if poll != "" {
			if _, err := s.screen.EndPoll(ctx, n.Channel, poll); err != nil && !isGone(err) {
				notes = append(notes, "the poll could not be ended")
			}
		}
	}
	event := n.Event
	if event == "" && (n.Tries[actEvent] > 0 || n.Tries[actExternal] > 0) {
		// A step tried to create it and may have, without saving its id.
		var err error
		if event, err = s.screen.FindEvent(ctx, guild, tagOf(n, actEvent)); err != nil {
			notes = append(notes, "the event could not be looked for")
		}
	}
	if event != "" {
		if err := s.screen.DeleteEvent(ctx, guild, event); err != nil {
			notes = append(notes, "the event could not be removed")
		}
	}
	msg := "The movie night is canceled."
	if len(notes) > 0 {
		msg += " (" + strings.Join(notes, "; ") + ": remove it by hand.)"
	}
	return Reply(msg), nil
}

// closeNow brings the open night's close step forward: the next look for
// due steps (within seconds) ends the poll, reads the votes and
// announces the winner, as it would have at the poll's end.
func (s *Set) closeNow(ctx context.Context, scope storage.Scope) (*discordgo.InteractionResponse, error) {
	closing := false
	err := s.changeOpenNight(ctx, scope, false, func(n storage.Night) (storage.Night, error) {
		if n.Step != storage.StepClose || n.Winner != 0 {
			return n, userErr("The poll has already closed: the winner is chosen. `/movienight history` shows the night.")
		}
		now := s.now()
		if closing = !n.NextAt.After(now); closing {
			return n, errNoChange
		}
		n.NextAt, n.Closes = now, now
		return n, nil
	})
	switch {
	case errors.Is(err, errNoChange) && closing:
		return Reply("The poll is closing now: the winner is announced in a moment."), nil
	case errors.Is(err, errNightBusy):
		return nil, userErr("The night is moving to its next step right now. Try again in a minute.")
	case err != nil:
		return nil, err
	}
	select {
	case s.due <- struct{}{}:
	default: // already signalled
	}
	return Reply("Voting ends now: the poll closes and the winner is announced in a moment."), nil
}

// errNightBusy: a step holds the night, or kept changing it meanwhile.
// errNoChange: change decided to leave the night as it is.
var errNightBusy, errNoChange = errors.New("a step holds the night"), errors.New("no change")

// changeOpenNight saves change(the open night) in scope, with a version
// check: a night a step changed meanwhile is read again and changed
// again, up to three times, then errNightBusy, as when a step holds its
// lease. release ends any lease. No open night is a user error; an error
// from change is returned as it is, nothing saved.
func (s *Set) changeOpenNight(ctx context.Context, scope storage.Scope, release bool, change func(storage.Night) (storage.Night, error)) error {
	for try := 0; ; try++ {
		nights, err := s.nights.Nights(ctx, scope)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(nights, func(n storage.Night) bool { return n.Open() })
		if i < 0 {
			return userErr("No movie night is planned here.")
		}
		n, err := change(nights[i])
		if err != nil {
			return err
		}
		_, err = s.nights.SaveNight(ctx, n, "", release)
		switch {
		case errors.Is(err, storage.ErrChanged) && try < 2:
			continue
		case errors.Is(err, storage.ErrLeased) || errors.Is(err, storage.ErrChanged):
			return errNightBusy
		}
		return err
	}
}

func (s *Set) nightHistory(ctx context.Context, scope storage.Scope) (*discordgo.InteractionResponse, error) {
	nights, err := s.nights.Nights(ctx, scope)
	if err != nil {
		return nil, err
	}
	if len(nights) == 0 {
		return nil, userErr("No movie night yet: a host starts one with `/movienight plan`.")
	}
	var lines []string
	for _, n := range nights[:min(len(nights), 15)] {
		film := "poll open"
		switch {
		case n.Winner != 0:
			film = "**" + escapeClip(s.filmName(ctx, scope, n.Winner), 150, titlePunct) + "**"
		case n.Step == storage.StepCanceled:
			film = "no film chosen"
		}
		state := map[string]string{storage.StepClose: "voting until " + stamp(n.Closes, "R"), storage.StepEnd: "screening " + stamp(n.Starts, "R"),
			storage.StepVerdict: "verdict " + stamp(n.NextAt, "R"), storage.StepCanceled: "canceled", storage.StepDone: n.Verdict}[n.Step]
		lines = append(lines, fmt.Sprintf("%s · %s — %s", stamp(n.Starts, "d"), film, clip(state, 200)))
	}
	return message(&discordgo.MessageEmbed{Title: "Movie nights", Description: strings.Join(lines, "\n"), Color: colour}), nil
}

func stamp(t time.Time, style string) string { return fmt.Sprintf("<t:%d:%s>", t.Unix(), style) }

func isForbidden(err error) bool {
	var f interface{ Forbidden() bool }
	return errors.As(err, &f) && f.Forbidden()
}

// The night's Discord actions, each tried at most maxTries times (the
// tries are counted in Night.Tries) and tagged so that a retry finds
// what a try before it posted.
const (
	actPoll     = "poll"     // the poll, posted by /movienight plan
	actEndPoll  = "endpoll"  // ending it and reading the votes
	actAnnounce = "announce" // the winner's card
	actEvent    = "event"    // the scheduled event (in the where: channel, or at the location)
	actExternal = "external" // the event at a place, when the where: channel is gone
	actNotice   = "notice"   // a card telling the host why there is no event
	actPrompt   = "prompt"   // the rating prompt
	actVerdict  = "verdict"  // the verdict
)

// tagOf is the text that marks what a night posted for act: in a
// message's content or an embed's footer, in an event's description.
// Both kinds of event share one tag: the night has one event.
func tagOf(n storage.Night, act string) string {
	if act == actExternal {
		act = actEvent
	}
	return fmt.Sprintf("Movie night #%d · %s", n.ID, act)
}

// errGaveUp is an action the night goes on without: Discord refused it
// for good, or it failed maxTries times.
type errGaveUp struct{ cause error }

func (e *errGaveUp) Error() string { return "given up: " + e.cause.Error() }
func (e *errGaveUp) Unwrap() error { return e.cause }

// RunDueNights runs the movie-night steps that are due, each leased to this
// process so that no other runs it too, and returns how many ran and the
// first error. Each Discord action is recorded (tried, with its tag)
// before it is made, and what it posted is stored as soon as it has, so
// a step retried (after a crash, or an error) does not post twice; the
// lease is renewed while a step runs and checked before each action.
func (s *Set) RunDueNights(ctx context.Context) (int, error) {
	if s.screen == nil {
		return 0, nil
	}
	due, err := s.nights.ClaimDueNights(ctx, s.now(), s.owner, stepLease)
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
	s     *Set
	mu    sync.Mutex
	n     storage.Night
	guild string
}

// runLeased runs n's step while renewing its lease every third of it;
// a renewal that fails (the lease was lost) cancels the step's context,
// so that a Discord call under way is abandoned. A step that fails keeps
// what it saved, lets its lease go, and is retried at the NextAt its
// last try set.
func (s *Set) runLeased(ctx context.Context, n storage.Night) error {
	r := &stepRun{s: s, n: n, guild: strconv.FormatUint(uint64(n.Scope), 10)}
	if r.n.Tries == nil {
		r.n.Tries = map[string]int{}
	}
	sctx, cancel := context.WithCancelCause(ctx)
	tick, stop := s.ticker(stepLease / 3)
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
			err := s.nights.RenewNight(sctx, fence, s.owner, stepLease)
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
		s.nights.SaveNight(ctx, r.n, s.owner, true)
		r.mu.Unlock()
	}
	return err
}

// save stores the night as the step has it, keeping the lease, or
// releasing it.
func (r *stepRun) save(ctx context.Context, release bool) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	saved, err := r.s.nights.SaveNight(ctx, r.n, r.s.owner, release)
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
// maxTries times, or an earlier run gave it up.
func (r *stepRun) act(ctx context.Context, act string, find, do func(ctx context.Context) (string, error)) (string, error) {
	if slices.Contains(r.n.Skipped, act) {
		return "", &errGaveUp{errors.New(act + " was given up before")}
	}
	tried := r.n.Tries[act]
	if tried >= maxTries && find == nil {
		return "", r.giveUp(ctx, act, fmt.Errorf("%s failed %d times", act, tried))
	}
	r.mu.Lock()
	err := r.s.nights.RenewNight(ctx, r.n, r.s.owner, stepLease)
	r.mu.Unlock()
	if err != nil {
		return "", err
	}
	r.n.Tries[act] = tried + 1
	r.n.NextAt = r.s.now().Add(firstRetry << min(tried, 5))
	if err := r.save(ctx, false); err != nil {
		return "", err
	}
	if tried > 0 && find != nil {
		id, err := find(ctx)
		if err != nil {
			if tried >= maxTries || permanent(err) {
				return "", r.giveUp(ctx, act, err)
			}
			return "", err
		}
		if id != "" {
			return id, nil
		}
		if tried >= maxTries {
			return "", r.giveUp(ctx, act, fmt.Errorf("%s failed %d times", act, tried))
		}
	}
	id, err := do(ctx)
	if err != nil && ctx.Err() == nil && (permanent(err) || tried+1 >= maxTries) {
		return "", r.giveUp(ctx, act, err)
	}
	return id, err
}

// giveUp records that the night goes on without act.
func (r *stepRun) giveUp(ctx context.Context, act string, cause error) error {
	r.n.Skipped = append(r.n.Skipped, act)
	if err := r.save(ctx, false); err != nil {
		return err
	}
	return &errGaveUp{cause}
}

// permanent is an error trying again will not mend.
func permanent(err error) bool { return isForbidden(err) || isGone(err) || isRefused(err) }

func isGone(err error) bool {
	var g interface{ Gone() bool }
	return errors.As(err, &g) && g.Gone()
}

func isRefused(err error) bool {
	var f interface{ Refused() bool }
	return errors.As(err, &f) && f.Refused()
}

func gaveUp(err error) bool {
	var g *errGaveUp
	return errors.As(err, &g)
}

// card posts an embed tagged for act in the night's channel.
func (r *stepRun) card(ctx context.Context, act, content string, e *discordgo.MessageEmbed, rows []discordgo.MessageComponent, mention string) (string, error) {
	tag := tagOf(r.n, act)
	if e.Footer != nil && e.Footer.Text != "" {
		e.Footer.Text += " · " + tag
	} else {
		e.Footer = &discordgo.MessageEmbedFooter{Text: tag}
	}
	return r.act(ctx, act, func(ctx context.Context) (string, error) { return r.s.screen.FindPost(ctx, r.n.Channel, tag) },
		func(ctx context.Context) (string, error) {
			return r.s.screen.PostCard(ctx, r.guild, r.n.Channel, content, e, rows, mention)
		})
}

func (r *stepRun) step(ctx context.Context) error {
	switch r.n.Step {
	case storage.StepClose:
		return r.close(ctx)
	case storage.StepEnd:
		return r.end(ctx)
	case storage.StepVerdict:
		return r.verdict(ctx)
	}
	return r.save(ctx, true)
}

// close ends the poll and picks the winner (by watchlists when the poll
// is gone), announces it, and creates the screening's event (outside
// the where: channel when it is gone; none when the screening has
// started or Discord refuses it, the host told why).
func (r *stepRun) close(ctx context.Context) error {
	s, n := r.s, &r.n
	if n.Winner == 0 {
		poll := n.Poll
		votes, err := func() ([]int, error) {
			var votes []int
			_, err := r.act(ctx, actEndPoll, nil, func(ctx context.Context) (string, error) {
				if poll == "" { // /movienight plan posted it and failed to save its id
					id, err := s.screen.FindPost(ctx, n.Channel, tagOf(*n, actPoll))
					if err != nil {
						return "", err
					}
					if id == "" {
						return "", goneErr("the poll message")
					}
					poll = id
				}
				var err error
				votes, err = s.screen.EndPoll(ctx, n.Channel, poll)
				return "", err
			})
			return votes, err
		}()
		if err != nil && !gaveUp(err) {
			return err
		}
		n.Poll = poll
		n.Winner, n.WinnerNote, err = s.pickWinner(ctx, *n, votes)
		if err != nil {
			return err
		}
		if votes == nil {
			n.WinnerNote = "The poll could not be read (it was deleted, or its channel is gone), so the watchlists chose." + strings.TrimPrefix(n.WinnerNote, "No one voted.")
		}
		if err := r.save(ctx, false); err != nil {
			return err
		}
	}
	film, err := s.films.FilmHeader(ctx, n.Scope, n.Winner)
	if errors.Is(err, storage.ErrNotFound) {
		film, err = storage.Film{ID: n.Winner, Title: "(a removed film)"}, nil
	}
	if err != nil {
		return err
	}
	runtime := defaultScreening
	if f, err := s.films.Film(ctx, n.Scope, n.Winner); err == nil && f.Runtime > 0 {
		runtime = time.Duration(f.Runtime+15) * time.Minute
	}
	n.Ends = n.Starts.Add(runtime)
	if n.Announce == "" && !slices.Contains(n.Skipped, actAnnounce) {
		e := &discordgo.MessageEmbed{Title: "Tonight's film: " + plain(label(film), 200), Color: colour,
			Description: fmt.Sprintf("%s\nThe screening starts %s (%s).", n.WinnerNote, stamp(n.Starts, "F"), stamp(n.Starts, "R"))}
		id, err := r.card(ctx, actAnnounce, "", e, nil, "")
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
	if n.EventNote != "" && n.Notice == "" && !slices.Contains(n.Skipped, actNotice) {
		title := "No event created"
		if n.Event != "" {
			title = "The event moved"
		}
		id, err := r.card(ctx, actNotice, fmt.Sprintf("<@%d>, %s", n.Host, n.EventNote),
			&discordgo.MessageEmbed{Title: title, Description: "The night goes on: the rating prompt and the verdict follow.", Color: colour}, nil, strconv.FormatUint(n.Host, 10))
		if err != nil && !gaveUp(err) {
			return err
		}
		n.Notice = id
		if err := r.save(ctx, false); err != nil {
			return err
		}
	}
	n.Step, n.NextAt = storage.StepEnd, n.Ends
	return r.save(ctx, true)
}

// event creates the screening's event, or says in EventNote why there
// is none (or why it is at a place rather than in the where: channel).
func (r *stepRun) event(ctx context.Context, film storage.Film) error {
	s, n := r.s, &r.n
	if !n.Starts.After(s.now()) {
		// Discord refuses an event in the past (400): do not ask.
		n.EventNote = "I could not create the event for the screening: it had already started when the poll's result was read (the bot was away)."
		return r.save(ctx, false)
	}
	location := n.Location
	if location == "" {
		location = "On this server: see the announcement"
	}
	name := clip("Movie night: "+label(film), 100)
	desc := "Voted by the server with filmbot.\n" + tagOf(*n, actEvent)
	create := func(act, where string) (string, error) {
		return r.act(ctx, act, func(ctx context.Context) (string, error) { return s.screen.FindEvent(ctx, r.guild, tagOf(*n, act)) },
			func(ctx context.Context) (string, error) {
				return s.screen.CreateEvent(ctx, r.guild, name, desc, where, location, n.Starts, n.Ends)
			})
	}
	id, err := create(actEvent, n.Where)
	switch {
	case err == nil:
		n.Event = id
	case !gaveUp(err):
		return err
	case isForbidden(err):
		n.EventNote = "I could not create the event for the screening: I need the **Create Events** permission."
	case n.Where != "" && (isGone(err) || slices.Contains(n.Skipped, actExternal) || n.Tries[actExternal] > 0):
		id, err := create(actExternal, "")
		switch {
		case err == nil:
			n.Event = id
			n.EventNote = fmt.Sprintf("the screening's channel <#%s> is gone or hidden from me, so the event is at “%s” instead.", n.Where, escapeClip(location, 100, titlePunct))
		case !gaveUp(err):
			return err
		default:
			n.EventNote = fmt.Sprintf("I could not create the event for the screening: its channel <#%s> is gone or hidden from me, and Discord refused one elsewhere.", n.Where)
		}
	default:
		n.EventNote = "I could not create the event for the screening: Discord refused it."
	}
	return r.save(ctx, false)
}

// end posts the rating prompt (none when the film is gone, or Discord
// keeps refusing it).
func (r *stepRun) end(ctx context.Context) error {
	s, n := r.s, &r.n
	if n.Prompt == "" && !slices.Contains(n.Skipped, actPrompt) {
		page, err := s.films.FilmPage(ctx, n.Scope, n.Winner) // the /film card, read as /film reads it
		switch {
		case errors.Is(err, storage.ErrNotFound):
			n.Skipped = append(n.Skipped, actPrompt)
		case err != nil:
			return err
		default:
			e := filmCard(page.Film, page.Reviews, &page.Ratings)
			id, err := r.card(ctx, actPrompt, "The screening is over: how was it? Rate it with the menu.", e, []discordgo.MessageComponent{rateMenu(page.Film.ID)}, "")
			if err != nil && !gaveUp(err) {
				return err
			}
			n.Prompt = id
		}
	}
	n.Step, n.NextAt = storage.StepVerdict, n.Ends.Add(verdictAfter)
	return r.save(ctx, true)
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
	if n.VerdictMsg == "" && !slices.Contains(n.Skipped, actVerdict) {
		id, err := r.card(ctx, actVerdict, "", &discordgo.MessageEmbed{Title: "The verdict on movie night: " + plain(s.filmName(ctx, n.Scope, n.Winner), 150),
			Description: n.Verdict, Color: colour}, nil, "")
		if err != nil && !gaveUp(err) {
			return err
		}
		n.VerdictMsg = id
	}
	n.Step = storage.StepDone
	return r.save(ctx, true)
}

// goneErr is something of the night's that is no longer on Discord.
type goneErr string

func (g goneErr) Error() string { return string(g) + " is gone" }
func (goneErr) Gone() bool      { return true }

// pickWinner takes the film with the most votes; a tie goes to the one on
// more watchlists, then to chance (seeded by the night, so a retry picks
// the same), and the note says which.
func (s *Set) pickWinner(ctx context.Context, n storage.Night, votes []int) (uint64, string, error) {
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
	note := fmt.Sprintf("Chosen with %s.", plural(best, "vote"))
	if best == 0 {
		note = "No one voted."
	}
	if len(tied) > 1 {
		wanted, err := s.watchlists.MostWanted(ctx, n.Scope)
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
			return still[0], note + fmt.Sprintf(" A tie of %d films, broken by watchlists (%s).", len(tied), plural(most, "member")), nil
		}
		pick := still[rand.New(rand.NewPCG(n.ID, uint64(n.Scope))).IntN(len(still))]
		return pick, note + fmt.Sprintf(" A tie of %d films, equal on watchlists too: drawn at random.", len(tied)), nil
	}
	return tied[0], note, nil
}

// verdict sums up the ratings given since the screening started, beside
// the server's usual average.
func (s *Set) verdict(ctx context.Context, n storage.Night) string {
	rs, err := s.rates.FilmRatings(ctx, n.Scope, n.Winner)
	if err != nil {
		return "The verdict could not be read."
	}
	var sum, count int
	for _, r := range rs {
		if !r.At.Before(n.Starts) {
			sum += r.Score
			count++
		}
	}
	if count == 0 {
		return "No one rated it after the screening."
	}
	out := fmt.Sprintf("%s since the screening: average **%.1f**/10.", plural(count, "rating"), float64(sum)/float64(count))
	if top, err := s.rates.Top(ctx, n.Scope, 1); err == nil && len(top) > 0 {
		var all, c int
		for _, a := range top {
			all += a.Sum
			c += a.Count
		}
		out += fmt.Sprintf(" This server's usual: %.1f/10 across %s.", float64(all)/float64(c), plural(c, "rating"))
	}
	return out
}
