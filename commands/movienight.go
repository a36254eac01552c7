package commands

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/filmbot/filmbot/nights"
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

// WithScreener sets how movie nights reach Discord (their actions,
// rendered here, made through sc), and who this process is when it runs
// their steps (owner, for the steps' leases).
func (s *Set) WithScreener(sc Screener, owner string) *Set {
	s.nights.Actions, s.nights.Owner = screenActions{s: s, sc: sc}, owner
	return s
}

// WithClock sets the clock movie nights read (tests).
func (s *Set) WithClock(now func() time.Time) *Set {
	s.nights.Clock = nights.ClockAt(now)
	return s
}

// Nights is the movie nights' service the commands plan and change
// nights with: the scheduler runs its steps.
func (s *Set) Nights() *nights.Service { return s.nights }

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
	if nights.MayHost(set, i.GuildID, i.Member.Roles) {
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
	if s.nights.Actions == nil {
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
	now := s.nights.Clock.Now()
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
	case hours > nights.MaxPollHours:
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
	var lines []string
	for _, f := range films {
		lines = append(lines, "• "+escapeClip(label(f), 150, titlePunct))
	}
	user, _ := userNumber(i)
	n, err := s.nights.Plan(ctx, nights.Plan{Scope: scope, Host: user, Channel: channel, Films: films, Closes: closes, Starts: starts, Hours: hours,
		Where: where, Location: location, Zone: loc})
	switch {
	case errors.Is(err, storage.ErrExists):
		return nil, userErr("A movie night is already planned here (screening %s). Cancel it first with `/movienight cancel`.", stamp(n.Starts, "F"))
	case nights.IsForbidden(err):
		return nil, userErr("I cannot post a poll in <#%s>: I need View Channel, Send Messages and Send Polls there.", channel)
	case nights.IsGone(err):
		return nil, userErr("I cannot see <#%s>: give me View Channel, Send Messages and Send Polls there, or pick another channel.", channel)
	case err != nil:
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
		if len(out) > nights.MaxCandidates {
			return nil, userErr("A poll holds at most %d films; you named %d.", nights.MaxCandidates, len(out))
		}
	} else {
		wanted, err := s.nights.Wanted(ctx, scope)
		if err != nil {
			return nil, err
		}
		out = wanted
	}
	if len(out) < nights.MinCandidates {
		return nil, userErr("A poll needs at least %d films: name them with `candidates:`, or have members add films with `/watchlist add`.", nights.MinCandidates)
	}
	return out, nil
}

// cancelNight cancels the open night (nights.Service.Cancel) and says
// what it could not remove from Discord.
func (s *Set) cancelNight(ctx context.Context, scope storage.Scope) (*discordgo.InteractionResponse, error) {
	c, err := s.nights.Cancel(ctx, scope)
	switch {
	case errors.Is(err, nights.ErrNoNight):
		return nil, userErr("No movie night is planned here.")
	case errors.Is(err, nights.ErrBusy):
		return nil, userErr("The night is moving to its next step right now; nothing is canceled yet. Try again in a minute.")
	case err != nil:
		return nil, err
	}
	var notes []string
	if c.PollLeft {
		notes = append(notes, "the poll could not be ended")
	}
	if c.EventUnchecked {
		notes = append(notes, "the event could not be looked for")
	}
	if c.EventLeft {
		notes = append(notes, "the event could not be removed")
	}
	msg := "The movie night is canceled."
	if len(notes) > 0 {
		msg += " (" + strings.Join(notes, "; ") + ": remove it by hand.)"
	}
	return Reply(msg), nil
}

// closeNow brings the open night's close step forward: the next look for
// due steps (at once) ends the poll, reads the votes and announces the
// winner, as it would have at the poll's end.
func (s *Set) closeNow(ctx context.Context, scope storage.Scope) (*discordgo.InteractionResponse, error) {
	closing, err := s.nights.CloseNow(ctx, scope)
	switch {
	case errors.Is(err, nights.ErrNoNight):
		return nil, userErr("No movie night is planned here.")
	case errors.Is(err, nights.ErrPollClosed):
		return nil, userErr("The poll has already closed: the winner is chosen. `/movienight history` shows the night.")
	case errors.Is(err, nights.ErrBusy):
		return nil, userErr("The night is moving to its next step right now. Try again in a minute.")
	case err != nil:
		return nil, err
	case closing:
		return Reply("The poll is closing now: the winner is announced in a moment."), nil
	}
	return Reply("Voting ends now: the poll closes and the winner is announced in a moment."), nil
}

func (s *Set) nightHistory(ctx context.Context, scope storage.Scope) (*discordgo.InteractionResponse, error) {
	ns, err := s.nights.History(ctx, scope)
	if err != nil {
		return nil, err
	}
	if len(ns) == 0 {
		return nil, userErr("No movie night yet: a host starts one with `/movienight plan`.")
	}
	ns = ns[:min(len(ns), 15)]
	// The winners' films in one read; a database error is the bot's
	// error, not a removed film.
	var winners []uint64
	for _, n := range ns {
		if n.Winner != 0 {
			winners = append(winners, n.Winner)
		}
	}
	var films map[uint64]storage.Film
	if len(winners) > 0 {
		if films, err = s.films.FilmHeaders(ctx, scope, winners); err != nil {
			return nil, err
		}
	}
	var lines []string
	for _, n := range ns {
		film := "poll open"
		switch {
		case n.Winner != 0:
			name := "(a removed film)"
			if f, ok := films[n.Winner]; ok {
				name = clip(label(f), 150)
			}
			film = "**" + escapeClip(name, 150, titlePunct) + "**"
		case n.Step == storage.StepCanceled:
			film = "no film chosen"
		}
		state := map[storage.Step]string{storage.StepClose: "voting until " + stamp(n.Closes, "R"), storage.StepEnd: "screening " + stamp(n.Starts, "R"),
			storage.StepVerdict: "verdict " + stamp(n.NextAt, "R"), storage.StepCanceled: "canceled", storage.StepDone: n.Verdict}[n.Step]
		lines = append(lines, fmt.Sprintf("%s · %s — %s", stamp(n.Starts, "d"), film, clip(state, 200)))
	}
	return message(&discordgo.MessageEmbed{Title: "Movie nights", Description: strings.Join(lines, "\n"), Color: colour}), nil
}

func stamp(t time.Time, style string) string { return fmt.Sprintf("<t:%d:%s>", t.Unix(), style) }

// screenActions is a night's actions on Discord (nights.Actions): the
// cards, the poll and the event rendered here, made through the
// Screener.
type screenActions struct {
	s  *Set
	sc Screener
}

func guildOf(n storage.Night) string { return strconv.FormatUint(uint64(n.Scope), 10) }

func (a screenActions) OpenPoll(ctx context.Context, p nights.Poll, tag string) (string, error) {
	n := p.Night
	var answers []string
	for _, f := range p.Films {
		answers = append(answers, clip(label(f), 55))
	}
	content := fmt.Sprintf("🎬 **Movie night!** Vote for the film: the poll closes %s (%s); the screening starts %s.\n-# %s",
		stamp(n.Closes, "F"), stamp(n.Closes, "R"), stamp(n.Starts, "F"), tag)
	return a.sc.PostPoll(ctx, guildOf(n), n.Channel, content, "Which film on "+n.Starts.In(p.Zone).Format("Mon 2 Jan")+"?", answers, p.Hours)
}

func (a screenActions) EndPoll(ctx context.Context, n storage.Night, poll string) ([]int, error) {
	return a.sc.EndPoll(ctx, n.Channel, poll)
}

// card posts an embed in the night's channel, tag in its footer.
func (a screenActions) card(ctx context.Context, n storage.Night, tag, content string, e *discordgo.MessageEmbed, rows []discordgo.MessageComponent, mention string) (string, error) {
	if e.Footer != nil && e.Footer.Text != "" {
		e.Footer.Text += " · " + tag
	} else {
		e.Footer = &discordgo.MessageEmbedFooter{Text: tag}
	}
	return a.sc.PostCard(ctx, guildOf(n), n.Channel, content, e, rows, mention)
}

func (a screenActions) Announce(ctx context.Context, n storage.Night, film storage.Film, tag string) (string, error) {
	e := &discordgo.MessageEmbed{Title: "Tonight's film: " + plain(label(film), 200), Color: colour,
		Description: fmt.Sprintf("%s\nThe screening starts %s (%s).", n.WinnerNote, stamp(n.Starts, "F"), stamp(n.Starts, "R"))}
	return a.card(ctx, n, tag, "", e, nil, "")
}

// eventLocation is where an event outside a channel says it is.
func eventLocation(n storage.Night) string {
	if n.Location == "" {
		return "On this server: see the announcement"
	}
	return n.Location
}

func (a screenActions) CreateEvent(ctx context.Context, n storage.Night, film storage.Film, where, tag string) (string, error) {
	name := clip("Movie night: "+label(film), 100)
	desc := "Voted by the server with filmbot.\n" + tag
	return a.sc.CreateEvent(ctx, guildOf(n), name, desc, where, eventLocation(n), n.Starts, n.Ends)
}

func (a screenActions) DeleteEvent(ctx context.Context, n storage.Night, event string) error {
	return a.sc.DeleteEvent(ctx, guildOf(n), event)
}

func (a screenActions) NoticeHost(ctx context.Context, n storage.Night, tag string) (string, error) {
	title := "No event created"
	if n.Event != "" {
		title = "The event moved"
	}
	return a.card(ctx, n, tag, fmt.Sprintf("<@%d>, %s", n.Host, n.EventNote),
		&discordgo.MessageEmbed{Title: title, Description: "The night goes on: the rating prompt and the verdict follow.", Color: colour}, nil, n.HostID())
}

// PromptRatings posts the /film card of the winner, read as /film reads
// it, with the rate menu.
func (a screenActions) PromptRatings(ctx context.Context, n storage.Night, tag string) (string, error) {
	page, err := a.s.films.FilmPage(ctx, n.Scope, n.Winner)
	if err != nil {
		return "", err
	}
	e := a.s.filmCard(page.Film, page.Reviews, &page.Ratings, "")
	return a.card(ctx, n, tag, "The screening is over: how was it? Rate it with the menu.", e, []discordgo.MessageComponent{rateMenu(page.Film.ID)}, "")
}

func (a screenActions) PostVerdict(ctx context.Context, n storage.Night, tag string) (string, error) {
	return a.card(ctx, n, tag, "", &discordgo.MessageEmbed{Title: "The verdict on movie night: " + plain(a.s.filmName(ctx, n.Scope, n.Winner), 150),
		Description: n.Verdict, Color: colour}, nil, "")
}

func (a screenActions) FindPost(ctx context.Context, n storage.Night, tag string) (string, error) {
	return a.sc.FindPost(ctx, n.Channel, tag)
}

func (a screenActions) FindEvent(ctx context.Context, n storage.Night, tag string) (string, error) {
	return a.sc.FindEvent(ctx, guildOf(n), tag)
}

func (screenActions) EventNote(n storage.Night, why nights.NoEvent) string {
	switch why {
	case nights.EventTooLate:
		return "I could not create the event for the screening: it had already started when the poll's result was read (the bot was away)."
	case nights.EventForbidden:
		return "I could not create the event for the screening: I need the **Create Events** permission."
	case nights.EventMoved:
		return fmt.Sprintf("the screening's channel <#%s> is gone or hidden from me, so the event is at “%s” instead.", n.Where, escapeClip(eventLocation(n), 100, titlePunct))
	case nights.EventNowhere:
		return fmt.Sprintf("I could not create the event for the screening: its channel <#%s> is gone or hidden from me, and Discord refused one elsewhere.", n.Where)
	}
	return "I could not create the event for the screening: Discord refused it."
}

// filmName labels a rated film, which may have been removed since.
func (s *Set) filmName(ctx context.Context, scope storage.Scope, id uint64) string {
	if f, err := s.films.FilmHeader(ctx, scope, id); err == nil {
		return clip(label(f), 150)
	}
	return "(a removed film)"
}
