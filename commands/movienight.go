package commands

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/filmbot/filmbot/storage"
)

// Screener is what movie nights need of Discord beyond messages: polls,
// scheduled events, a card with the rate menu. bot implements it with the
// session (bot.SessionPoster); an error with a Forbidden() method means the
// bot lacks the permission.
type Screener interface {
	PostPoll(ctx context.Context, guildID, channelID, content, question string, answers []string, hours int) (messageID string, err error)
	// EndPoll ends the poll (one ended already is read as it is) and returns
	// the votes per answer, in order.
	EndPoll(ctx context.Context, channelID, messageID string) ([]int, error)
	CreateEvent(ctx context.Context, guildID, name, description, channelID, location string, start, end time.Time) (eventID string, err error)
	DeleteEvent(ctx context.Context, guildID, eventID string) error
	PostCard(ctx context.Context, guildID, channelID, content string, embed *discordgo.MessageEmbed, rows []discordgo.MessageComponent) (messageID string, err error)
}

// WithScreener sets how movie nights reach Discord, and who this process
// is when it runs their steps (owner, for the steps' leases).
func (s *Set) WithScreener(sc Screener, owner string) *Set {
	s.screen, s.owner = sc, owner
	return s
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
		{Type: discordgo.ApplicationCommandOptionSubCommand, Name: "cancel", Description: "Cancel the planned night, its poll and its event (hosts)"},
		{Type: discordgo.ApplicationCommandOptionSubCommand, Name: "history", Description: "Past movie nights, their winners and verdicts"},
	},
}

// Movie nights' limits.
const (
	maxCandidates    = 10
	minCandidates    = 2
	maxPollHours     = 768
	stepLease        = 2 * time.Minute
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
	set, err := s.mods.Settings(ctx, scope)
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
	if subcommand(i) == "cancel" {
		return s.cancelNight(ctx, scope)
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
		lines = append(lines, "• "+label(f))
		ids = append(ids, f.ID)
	}
	user, _ := strconv.ParseUint(userID(i), 10, 64)
	n := storage.Night{Scope: scope, Host: user, Channel: channel, Candidates: ids, Closes: closes, Starts: starts, Where: where, Location: location,
		Step: "close", NextAt: closes}
	n, err = s.store.CreateNight(ctx, n)
	if errors.Is(err, storage.ErrExists) {
		return nil, userErr("A movie night is already planned here (screening %s). Cancel it first with `/movienight cancel`.", stamp(n.Starts, "F"))
	}
	if err != nil {
		return nil, err
	}
	content := fmt.Sprintf("🎬 **Movie night!** Vote for the film: the poll closes %s (%s); the screening starts %s.", stamp(closes, "F"), stamp(closes, "R"), stamp(starts, "F"))
	poll, err := s.screen.PostPoll(ctx, i.GuildID, channel, content, "Which film on "+starts.In(loc).Format("Mon 2 Jan")+"?", answers, hours)
	if err != nil {
		n.Step = "canceled"
		s.store.SaveNight(ctx, n, "", true)
		if isForbidden(err) {
			return nil, userErr("I cannot post a poll in <#%s>: I need Send Messages and Send Polls there.", channel)
		}
		return nil, err
	}
	n.Poll = poll
	if err := s.store.SaveNight(ctx, n, "", true); err != nil {
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
				return nil, userErr("**%s** is a candidate twice.", label(f))
			}
			seen[f.ID] = true
			out = append(out, f)
		}
		if len(out) > maxCandidates {
			return nil, userErr("A poll holds at most %d films; you named %d.", maxCandidates, len(out))
		}
	} else {
		nights, err := s.store.Nights(ctx, scope)
		if err != nil {
			return nil, err
		}
		screened := map[uint64]bool{}
		for _, n := range nights {
			if n.Step != "canceled" && n.Winner != 0 {
				screened[n.Winner] = true
			}
		}
		wanted, err := s.raters.MostWanted(ctx, scope)
		if err != nil {
			return nil, err
		}
		for _, w := range wanted {
			if screened[w.Film] || len(out) == maxCandidates {
				continue
			}
			f, err := s.store.FilmHeader(ctx, scope, w.Film)
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

func (s *Set) cancelNight(ctx context.Context, scope storage.Scope) (*discordgo.InteractionResponse, error) {
	nights, err := s.store.Nights(ctx, scope)
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(nights, func(n storage.Night) bool { return n.Open() })
	if i < 0 {
		return nil, userErr("No movie night is planned here.")
	}
	n := nights[i]
	guild := strconv.FormatUint(uint64(scope), 10)
	var notes []string
	if n.Poll != "" && n.Step == "close" {
		if _, err := s.screen.EndPoll(ctx, n.Channel, n.Poll); err != nil {
			notes = append(notes, "the poll could not be ended")
		}
	}
	if n.Event != "" {
		if err := s.screen.DeleteEvent(ctx, guild, n.Event); err != nil {
			notes = append(notes, "the event could not be removed")
		}
	}
	n.Step = "canceled"
	if err := s.store.SaveNight(ctx, n, "", true); errors.Is(err, storage.ErrLocked) {
		return nil, userErr("The night is moving to its next step right now; try again in a minute.")
	} else if err != nil {
		return nil, err
	}
	msg := "The movie night is canceled."
	if len(notes) > 0 {
		msg += " (" + strings.Join(notes, "; ") + ": remove it by hand.)"
	}
	return Reply(msg), nil
}

func (s *Set) nightHistory(ctx context.Context, scope storage.Scope) (*discordgo.InteractionResponse, error) {
	nights, err := s.store.Nights(ctx, scope)
	if err != nil {
		return nil, err
	}
	if len(nights) == 0 {
		return nil, userErr("No movie night yet: a host starts one with `/movienight plan`.")
	}
	var lines []string
	for _, n := range nights[:min(len(nights), 15)] {
		film := "poll open"
		if n.Winner != 0 {
			film = "**" + s.filmName(ctx, scope, n.Winner) + "**"
		}
		state := map[string]string{"close": "voting until " + stamp(n.Closes, "R"), "end": "screening " + stamp(n.Starts, "R"),
			"verdict": "verdict " + stamp(n.NextAt, "R"), "canceled": "canceled", "done": n.Verdict}[n.Step]
		lines = append(lines, fmt.Sprintf("%s · %s — %s", stamp(n.Starts, "d"), film, clip(state, 200)))
	}
	return message(&discordgo.MessageEmbed{Title: "Movie nights", Description: strings.Join(lines, "\n"), Color: colour}), nil
}

func stamp(t time.Time, style string) string { return fmt.Sprintf("<t:%d:%s>", t.Unix(), style) }

func isForbidden(err error) bool {
	var f interface{ Forbidden() bool }
	return errors.As(err, &f) && f.Forbidden()
}

// RunDueNights runs the movie-night steps that are due, each leased to this
// process so that no other runs it too, and returns how many ran and the
// first error. Each step stores what it posted as soon as it has, so a
// step retried (after a crash, or an error) does not post it again.
func (s *Set) RunDueNights(ctx context.Context) (int, error) {
	if s.screen == nil {
		return 0, nil
	}
	due, err := s.store.ClaimDueNights(ctx, s.now(), s.owner, stepLease)
	if err != nil {
		return 0, err
	}
	var first error
	for _, n := range due {
		if err := s.runStep(ctx, n); err != nil && first == nil {
			first = fmt.Errorf("movie night %d (%s): %w", n.ID, n.Step, err)
		}
	}
	return len(due), first
}

func (s *Set) runStep(ctx context.Context, n storage.Night) error {
	save := func(release bool) error { return s.store.SaveNight(ctx, n, s.owner, release) }
	guild := strconv.FormatUint(uint64(n.Scope), 10)
	switch n.Step {
	case "close":
		if n.Winner == 0 {
			votes, err := s.screen.EndPoll(ctx, n.Channel, n.Poll)
			if err != nil {
				return err
			}
			n.Winner, n.WinnerNote, err = s.pickWinner(ctx, n, votes)
			if err != nil {
				return err
			}
			if err := save(false); err != nil {
				return err
			}
		}
		film, err := s.store.FilmHeader(ctx, n.Scope, n.Winner)
		if err != nil {
			return err
		}
		runtime := defaultScreening
		if f, err := s.store.Film(ctx, n.Scope, n.Winner); err == nil && f.Runtime > 0 {
			runtime = time.Duration(f.Runtime+15) * time.Minute
		}
		n.Ends = n.Starts.Add(runtime)
		if n.Announce == "" {
			e := &discordgo.MessageEmbed{Title: "Tonight's film: " + clip(label(film), 200), Color: colour,
				Description: fmt.Sprintf("%s\nThe screening starts %s (%s).", n.WinnerNote, stamp(n.Starts, "F"), stamp(n.Starts, "R"))}
			if n.Announce, err = s.screen.PostCard(ctx, guild, n.Channel, "", e, nil); err != nil {
				return err
			}
			if err := save(false); err != nil {
				return err
			}
		}
		if n.Event == "" && n.EventNote == "" {
			location := n.Location
			if location == "" {
				location = "On this server: see the announcement"
			}
			id, err := s.screen.CreateEvent(ctx, guild, clip("Movie night: "+label(film), 100), "Voted by the server with filmbot.", n.Where, location, n.Starts, n.Ends)
			switch {
			case isForbidden(err):
				n.EventNote = "no event: filmbot lacks Create Events"
				s.screen.PostCard(ctx, guild, n.Channel, fmt.Sprintf("<@%d>, I could not create the event for the screening: I need the **Create Events** permission.", n.Host),
					&discordgo.MessageEmbed{Title: "No event created", Description: "The night goes on: the rating prompt and the verdict follow.", Color: colour}, nil)
			case err != nil:
				return err
			default:
				n.Event = id
			}
			if err := save(false); err != nil {
				return err
			}
		}
		n.Step, n.NextAt = "end", n.Ends
		return save(true)
	case "end":
		if n.Prompt == "" {
			page, err := s.store.FilmPage(ctx, n.Scope, n.Winner) // the /film card, read as /film reads it
			if err != nil {
				return err
			}
			if n.Prompt, err = s.screen.PostCard(ctx, guild, n.Channel, "The screening is over: how was it? Rate it with the menu.", filmCard(page.Film, page.Reviews, &page.Ratings), []discordgo.MessageComponent{rateMenu(page.Film.ID)}); err != nil {
				return err
			}
		}
		n.Step, n.NextAt = "verdict", n.Ends.Add(verdictAfter)
		return save(true)
	case "verdict":
		if n.Verdict == "" {
			n.Verdict = s.verdict(ctx, n)
			if _, err := s.screen.PostCard(ctx, guild, n.Channel, "", &discordgo.MessageEmbed{Title: "The verdict on movie night: " + clip(s.filmName(ctx, n.Scope, n.Winner), 150),
				Description: n.Verdict, Color: colour}, nil); err != nil {
				return err
			}
		}
		n.Step = "done"
		return save(true)
	}
	return save(true)
}

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
		wanted, err := s.raters.MostWanted(ctx, n.Scope)
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
	rs, err := s.raters.FilmRatings(ctx, n.Scope, n.Winner)
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
	if top, err := s.raters.Top(ctx, n.Scope, 1); err == nil && len(top) > 0 {
		var all, c int
		for _, a := range top {
			all += a.Sum
			c += a.Count
		}
		out += fmt.Sprintf(" This server's usual: %.1f/10 across %s.", float64(all)/float64(c), plural(c, "rating"))
	}
	return out
}
