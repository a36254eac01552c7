package commands

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/filmbot/filmbot/locale"
	"github.com/filmbot/filmbot/nights"
	"github.com/filmbot/filmbot/storage"
)

// What /movienight answers the host (in the host's language).
var (
	msgNightServersOnly  = locale.Text("night.servers_only", "Movie nights happen in servers: use /movienight there.")
	msgNightHostsOnly    = locale.Text("night.hosts_only", "Only hosts can do that: moderators, or members with this server's host role (`/settings host-role`).")
	msgNightUnavailable  = locale.Text("night.unavailable", "Movie nights are not available here.")
	msgNightPast         = locale.Text("night.plan.past", "The screening must start in the future ({{.Starts}} is past).")
	msgNightYear         = locale.Text("night.plan.year", "Plan at most a year ahead.")
	msgNightClosePast    = locale.Text("night.plan.close_past", "The poll must close in the future.")
	msgNightPollLong     = locale.Text("night.plan.poll_long", "A poll lasts at most 32 days.")
	msgNightCloseBefore  = locale.Text("night.plan.close_before", "The poll must close before the screening starts: the poll runs whole hours, so it would close {{.Closes}} and the screening starts {{.Starts}}.")
	msgNightTextChannel  = locale.Text("night.plan.text_channel", "The poll goes in a text channel; <#{{.Channel}}> is not one.")
	msgNightOtherServer  = locale.Text("night.plan.other_server", "That channel is not in this server.")
	msgNightVoiceChannel = locale.Text("night.plan.voice_channel", "A screening happens in a voice or stage channel; <#{{.Channel}}> is not one.")
	msgNightExists       = locale.Text("night.plan.exists", "A movie night is already planned here (screening {{.Starts}}). Cancel it first with `/movienight cancel`.")
	msgNightForbidden    = locale.Text("night.plan.forbidden", "I cannot post a poll in <#{{.Channel}}>: I need View Channel, Send Messages and Send Polls there.")
	msgNightGone         = locale.Text("night.plan.gone", "I cannot see <#{{.Channel}}>: give me View Channel, Send Messages and Send Polls there, or pick another channel.")
	msgNightPlanned      = locale.Text("night.plan.done", "Planned: the poll is up in <#{{.Channel}}> and closes {{.Closes}}; the screening starts {{.Starts}}. Candidates:\n{{.Candidates}}")
	msgNightTwice        = locale.Text("night.plan.twice", "**{{.Title}}** is a candidate twice.")
	msgNightMaxFilms     = locale.Plural("night.plan.max_films", "A poll holds at most {{.Count}} film; you named {{.Named}}.", "A poll holds at most {{.Count}} films; you named {{.Named}}.")
	msgNightMinFilms     = locale.Plural("night.plan.min_films", "A poll needs at least {{.Count}} film: name them with `candidates:`, or have members add films with `/watchlist add`.", "A poll needs at least {{.Count}} films: name them with `candidates:`, or have members add films with `/watchlist add`.")
	msgNightNone         = locale.Text("night.none", "No movie night is planned here.")
	msgNightBusyCancel   = locale.Text("night.cancel.busy", "The night is moving to its next step right now; nothing is canceled yet. Try again in a minute.")
	msgNightPollLeft     = locale.Text("night.cancel.poll_left", "the poll could not be ended")
	msgNightEventUnknown = locale.Text("night.cancel.event_unchecked", "the event could not be looked for")
	msgNightEventLeft    = locale.Text("night.cancel.event_left", "the event could not be removed")
	msgNightCanceled     = locale.Text("night.cancel.done", "The movie night is canceled.")
	msgNightCanceledLeft = locale.Text("night.cancel.done_left", "The movie night is canceled. ({{.Left}}: remove it by hand.)")
	msgNightClosed       = locale.Text("night.close.closed", "The poll has already closed: the winner is chosen. `/movienight history` shows the night.")
	msgNightBusy         = locale.Text("night.close.busy", "The night is moving to its next step right now. Try again in a minute.")
	msgNightClosing      = locale.Text("night.close.closing", "The poll is closing now: the winner is announced in a moment.")
	msgNightCloseNow     = locale.Text("night.close.now", "Voting ends now: the poll closes and the winner is announced in a moment.")
	msgNightNoHistory    = locale.Text("night.history.none", "No movie night yet: a host starts one with `/movienight plan`.")
	msgNightHistory      = locale.Text("night.history.title", "Movie nights")
	msgNightPollOpen     = locale.Text("night.history.poll_open", "poll open")
	msgNightNoFilm       = locale.Text("night.history.no_film", "no film chosen")
	msgNightVoting       = locale.Text("night.history.voting", "voting until {{.Time}}")
	msgNightScreening    = locale.Text("night.history.screening", "screening {{.Time}}")
	msgNightVerdictAt    = locale.Text("night.history.verdict", "verdict {{.Time}}")
	msgNightWasCanceled  = locale.Text("night.history.canceled", "canceled")
)

// What a night posts on its own (in the server's language, the night's
// Locale).
var (
	msgNightChosen = locale.Text("night.chosen", "How the films were chosen: {{.Count}} picked for the {{.Members}} members of the server's recent nights (hosts, and those who rated what was screened) from how they rate, none of them rated by any of them, so that no one is predicted to hate one; the rest are the most wanted on watchlists.")
	msgPollContent = locale.Text("night.poll.content", "🎬 **Movie night!** Vote for the film: the poll closes {{.Closes}} ({{.ClosesIn}}); the screening starts {{.Starts}}.\n-# {{.Tag}}")
	// msgPollContentChosen is msgPollContent saying how the candidates were
	// chosen (Chosen: msgNightChosen).
	msgPollContentChosen = locale.Text("night.poll.content.chosen", "🎬 **Movie night!** Vote for the film: the poll closes {{.Closes}} ({{.ClosesIn}}); the screening starts {{.Starts}}.\n{{.Chosen}}\n-# {{.Tag}}")
	msgPollQuestion      = locale.Text("night.poll.question", "Which film on {{.Date}}?")
	// A date the bot writes itself: the weekday's and the month's short
	// names (Sunday first, January first; "|" between them) and their order.
	msgNightDate     = locale.Text("night.date.format", "{{.Weekday}} {{.Day}} {{.Month}}")
	msgNightWeekdays = locale.Text("night.date.weekdays", "Sun|Mon|Tue|Wed|Thu|Fri|Sat")
	msgNightMonths   = locale.Text("night.date.months", "Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec")
	msgAnnounceTitle = locale.Text("night.announce.title", "Tonight's film: {{.Title}}")
	msgAnnounceStart = locale.Text("night.announce.starts", "The screening starts {{.Starts}} ({{.StartsIn}}).")
	msgEventHere     = locale.Text("night.event.location", "On this server: see the announcement")
	msgEventName     = locale.Text("night.event.name", "Movie night: {{.Title}}")
	msgEventDesc     = locale.Text("night.event.description", "Voted by the server with filmbot.")
	msgNoticeNone    = locale.Text("night.notice.no_event", "No event created")
	msgNoticeMoved   = locale.Text("night.notice.moved", "The event moved")
	msgNoticeContent = locale.Text("night.notice.content", "<@{{.Host}}>, {{.Note}}")
	msgNoticeGoesOn  = locale.Text("night.notice.goes_on", "The night goes on: the rating prompt and the verdict follow.")
	msgPrompt        = locale.Text("night.prompt", "The screening is over: how was it? Rate it with the menu.")
	msgVerdictTitle  = locale.Text("night.verdict.title", "The verdict on movie night: {{.Title}}")
	msgNoteTooLate   = locale.Text("night.event_note.too_late", "I could not create the event for the screening: it had already started when the poll's result was read (the bot was away).")
	msgNoteForbidden = locale.Text("night.event_note.forbidden", "I could not create the event for the screening: I need the **Create Events** permission.")
	msgNoteMoved     = locale.Text("night.event_note.moved", "the screening's channel <#{{.Channel}}> is gone or hidden from me, so the event is at “{{.Location}}” instead.")
	msgNoteNowhere   = locale.Text("night.event_note.nowhere", "I could not create the event for the screening: its channel <#{{.Channel}}> is gone or hidden from me, and Discord refused one elsewhere.")
	msgNoteRefused   = locale.Text("night.event_note.refused", "I could not create the event for the screening: Discord refused it.")
)

// nightTr is the translator for what night n posts: its Locale, the
// server's language when it was planned.
func nightTr(n storage.Night) *locale.T { return locale.For(n.Locale) }

// nightDate is day d as the bot writes it in t's language ("Fri 27 Nov",
// "пт, 27 нояб."): the names and their order from the catalog.
func nightDate(t *locale.T, d time.Time) string {
	wd, months := strings.Split(t.Plain(msgNightWeekdays), "|"), strings.Split(t.Plain(msgNightMonths), "|")
	if len(wd) != 7 || len(months) != 12 { // a broken file: English's
		en := locale.For(locale.English)
		wd, months = strings.Split(en.S(msgNightWeekdays), "|"), strings.Split(en.S(msgNightMonths), "|")
	}
	return t.F(msgNightDate, "Weekday", wd[d.Weekday()], "Day", strconv.Itoa(d.Day()), "Month", months[d.Month()-1])
}

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
		return 0, storage.Settings{}, userText(tr(i).S(msgNightServersOnly))
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
	return 0, set, userText(tr(i).S(msgNightHostsOnly))
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
			return nil, userText(tr(i).S(msgNightServersOnly))
		}
		return s.nightHistory(ctx, tr(i), scope)
	}
	scope, set, err := s.host(ctx, i)
	if err != nil {
		return nil, err
	}
	if s.nights.Actions == nil {
		return nil, userText(tr(i).S(msgNightUnavailable))
	}
	switch subcommand(i) {
	case "cancel":
		return s.cancelNight(ctx, tr(i), scope)
	case "close":
		return s.closeNow(ctx, tr(i), scope)
	}
	return s.planNight(ctx, i, scope, set)
}

func (s *Set) planNight(ctx context.Context, i *discordgo.InteractionCreate, scope storage.Scope, set storage.Settings) (*discordgo.InteractionResponse, error) {
	opts := options(i)
	t := tr(i)
	now := s.nights.Clock.Now()
	loc := zoneOf(set)
	// Option names are as typed (not translated): "starts: …".
	starts, err := parseWhen(str(opts, "starts"), now, loc, t)
	if err != nil {
		return nil, userText("starts: " + err.Error())
	}
	closes := starts.Add(-time.Hour)
	if c := str(opts, "closes"); c != "" {
		if closes, err = parseWhen(c, now, loc, t); err != nil {
			return nil, userText("closes: " + err.Error())
		}
	} else if closes.After(now.Add(24 * time.Hour)) {
		closes = now.Add(24 * time.Hour)
	}
	// A poll lasts whole hours: it closes on the hour after now it asked for.
	hours := int((closes.Sub(now) + time.Hour - 1) / time.Hour)
	switch {
	case !starts.After(now):
		return nil, userText(t.F(msgNightPast, "Starts", stamp(starts, "F")))
	case starts.After(now.AddDate(1, 0, 0)):
		return nil, userText(t.S(msgNightYear))
	case !closes.After(now):
		return nil, userText(t.S(msgNightClosePast))
	case hours > nights.MaxPollHours:
		return nil, userText(t.S(msgNightPollLong))
	}
	closes = now.Add(time.Duration(hours) * time.Hour)
	if !closes.Before(starts) {
		return nil, userText(t.F(msgNightCloseBefore, "Closes", stamp(closes, "F"), "Starts", stamp(starts, "F")))
	}
	channel := i.ChannelID
	if o := opts.get("channel"); o != nil {
		id, _ := o.Value.(string)
		if data := i.ApplicationCommandData(); data.Resolved != nil && data.Resolved.Channels[id] != nil && (data.Resolved.Channels[id].GuildID == "" || data.Resolved.Channels[id].GuildID == i.GuildID) {
			if typ := data.Resolved.Channels[id].Type; typ != discordgo.ChannelTypeGuildText && typ != discordgo.ChannelTypeGuildNews {
				return nil, userText(t.F(msgNightTextChannel, "Channel", id))
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
			return nil, userText(t.S(msgNightOtherServer))
		}
		if typ := data.Resolved.Channels[id].Type; typ != discordgo.ChannelTypeGuildVoice && typ != discordgo.ChannelTypeGuildStageVoice {
			return nil, userText(t.F(msgNightVoiceChannel, "Channel", id))
		}
		where = id
	}
	user, _ := userNumber(i)
	films, recommended, members, err := s.candidates(ctx, t, scope, user, str(opts, "candidates"))
	if err != nil {
		return nil, err
	}
	var lines []string
	for _, f := range films {
		lines = append(lines, "• "+escapeClip(label(f), 150, titlePunct))
	}
	// What the night posts is in the server's language, fixed now: the
	// steps that post later have no member to ask.
	n, err := s.nights.Plan(ctx, nights.Plan{Scope: scope, Host: user, Channel: channel, Films: films, Closes: closes, Starts: starts, Hours: hours,
		Where: where, Location: location, Zone: loc, Locale: s.serverTr(ctx, i).Locale(), Recommended: recommended, RecommendedFor: members})
	switch {
	case errors.Is(err, storage.ErrExists):
		return nil, userText(t.F(msgNightExists, "Starts", stamp(n.Starts, "F")))
	case nights.IsForbidden(err):
		return nil, userText(t.F(msgNightForbidden, "Channel", channel))
	case nights.IsGone(err):
		return nil, userText(t.F(msgNightGone, "Channel", channel))
	case err != nil:
		return nil, err
	}
	planned := t.F(msgNightPlanned, "Channel", channel, "Closes", stamp(closes, "F"), "Starts", stamp(starts, "F"), "Candidates", strings.Join(lines, "\n"))
	if recommended > 0 {
		planned += "\n" + chosenLine(t, n)
	}
	return Reply(planned), nil
}

// chosenLine says how a night's candidates were chosen when the group
// recommendation gave some (storage.Night.Recommended).
func chosenLine(t *locale.T, n storage.Night) string {
	return t.F(msgNightChosen, "Count", t.Int(n.Recommended), "Members", t.Int(n.RecommendedFor))
}

// candidates resolves the titles given or, without them, takes the group
// recommendation for the members of the server's recent nights and the
// most wanted films not yet screened here (nightCandidates), saying how
// many came from the recommendation, for how many members.
func (s *Set) candidates(ctx context.Context, t *locale.T, scope storage.Scope, host uint64, given string) (out []storage.Film, recommended, members int, err error) {
	seen := map[uint64]bool{}
	if strings.TrimSpace(given) != "" {
		for _, title := range strings.Split(given, ",") {
			if title = strings.TrimSpace(title); title == "" {
				continue
			}
			f, err := s.resolveIn(ctx, scope, title, t.Locale())
			if err != nil {
				return nil, 0, 0, err
			}
			if seen[f.ID] {
				return nil, 0, 0, userText(t.F(msgNightTwice, "Title", labelMD(f)))
			}
			seen[f.ID] = true
			out = append(out, f)
		}
		if len(out) > nights.MaxCandidates {
			return nil, 0, 0, userText(t.N(msgNightMaxFilms, nights.MaxCandidates, "Named", t.Int(len(out))))
		}
	} else {
		if out, recommended, members, err = s.nightCandidates(ctx, scope, host); err != nil {
			return nil, 0, 0, err
		}
	}
	if len(out) < nights.MinCandidates {
		return nil, 0, 0, userText(t.N(msgNightMinFilms, nights.MinCandidates))
	}
	return out, recommended, members, nil
}

// cancelNight cancels the open night (nights.Service.Cancel) and says
// what it could not remove from Discord.
func (s *Set) cancelNight(ctx context.Context, t *locale.T, scope storage.Scope) (*discordgo.InteractionResponse, error) {
	c, err := s.nights.Cancel(ctx, scope)
	switch {
	case errors.Is(err, nights.ErrNoNight):
		return nil, userText(t.S(msgNightNone))
	case errors.Is(err, nights.ErrBusy):
		return nil, userText(t.S(msgNightBusyCancel))
	case err != nil:
		return nil, err
	}
	var notes []string
	if c.PollLeft {
		notes = append(notes, t.S(msgNightPollLeft))
	}
	if c.EventUnchecked {
		notes = append(notes, t.S(msgNightEventUnknown))
	}
	if c.EventLeft {
		notes = append(notes, t.S(msgNightEventLeft))
	}
	if len(notes) > 0 {
		return Reply(t.F(msgNightCanceledLeft, "Left", strings.Join(notes, "; "))), nil
	}
	return Reply(t.S(msgNightCanceled)), nil
}

// closeNow brings the open night's close step forward: the next look for
// due steps (at once) ends the poll, reads the votes and announces the
// winner, as it would have at the poll's end.
func (s *Set) closeNow(ctx context.Context, t *locale.T, scope storage.Scope) (*discordgo.InteractionResponse, error) {
	closing, err := s.nights.CloseNow(ctx, scope)
	switch {
	case errors.Is(err, nights.ErrNoNight):
		return nil, userText(t.S(msgNightNone))
	case errors.Is(err, nights.ErrPollClosed):
		return nil, userText(t.S(msgNightClosed))
	case errors.Is(err, nights.ErrBusy):
		return nil, userText(t.S(msgNightBusy))
	case err != nil:
		return nil, err
	case closing:
		return Reply(t.S(msgNightClosing)), nil
	}
	return Reply(t.S(msgNightCloseNow)), nil
}

// nightHistory lists scope's nights in the member's language t; a
// night's verdict is quoted as it was posted (in the night's language).
func (s *Set) nightHistory(ctx context.Context, t *locale.T, scope storage.Scope) (*discordgo.InteractionResponse, error) {
	ns, err := s.nights.History(ctx, scope)
	if err != nil {
		return nil, err
	}
	if len(ns) == 0 {
		return nil, userText(t.S(msgNightNoHistory))
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
		film := t.S(msgNightPollOpen)
		switch {
		case n.Winner != 0:
			name := t.S(nights.MsgRemovedFilm)
			if f, ok := films[n.Winner]; ok {
				name = clip(label(f), 150)
			}
			film = "**" + escapeClip(name, 150, titlePunct) + "**"
		case n.Step == storage.StepCanceled:
			film = t.S(msgNightNoFilm)
		}
		var state string
		switch n.Step {
		case storage.StepClose:
			state = t.F(msgNightVoting, "Time", stamp(n.Closes, "R"))
		case storage.StepEnd:
			state = t.F(msgNightScreening, "Time", stamp(n.Starts, "R"))
		case storage.StepVerdict:
			state = t.F(msgNightVerdictAt, "Time", stamp(n.NextAt, "R"))
		case storage.StepCanceled:
			state = t.S(msgNightWasCanceled)
		case storage.StepDone:
			state = n.Verdict
		}
		lines = append(lines, fmt.Sprintf("%s · %s — %s", stamp(n.Starts, "d"), film, clip(state, 200)))
	}
	return message(&discordgo.MessageEmbed{Title: t.S(msgNightHistory), Description: strings.Join(lines, "\n"), Color: colour}), nil
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
	t := nightTr(n)
	var answers []string
	for _, f := range p.Films {
		answers = append(answers, clip(label(f), 55))
	}
	content := t.F(msgPollContent, "Closes", stamp(n.Closes, "F"), "ClosesIn", stamp(n.Closes, "R"), "Starts", stamp(n.Starts, "F"), "Tag", tag)
	if n.Recommended > 0 {
		content = t.F(msgPollContentChosen, "Closes", stamp(n.Closes, "F"), "ClosesIn", stamp(n.Closes, "R"), "Starts", stamp(n.Starts, "F"), "Chosen", chosenLine(t, n), "Tag", tag)
	}
	zone := p.Zone
	if zone == nil {
		zone = time.UTC
	}
	question := clip(t.F(msgPollQuestion, "Date", nightDate(t, n.Starts.In(zone))), 300)
	return a.sc.PostPoll(ctx, guildOf(n), n.Channel, content, question, answers, p.Hours)
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
	t := nightTr(n)
	e := &discordgo.MessageEmbed{Title: clip(t.F(msgAnnounceTitle, "Title", plain(label(film), 200)), 256), Color: colour,
		Description: n.WinnerNote + "\n" + t.F(msgAnnounceStart, "Starts", stamp(n.Starts, "F"), "StartsIn", stamp(n.Starts, "R"))}
	return a.card(ctx, n, tag, "", e, nil, "")
}

// eventLocation is where an event outside a channel says it is.
func eventLocation(n storage.Night) string {
	if n.Location == "" {
		return nightTr(n).S(msgEventHere)
	}
	return n.Location
}

func (a screenActions) CreateEvent(ctx context.Context, n storage.Night, film storage.Film, where, tag string) (string, error) {
	t := nightTr(n)
	name := clip(t.F(msgEventName, "Title", label(film)), 100)
	desc := t.S(msgEventDesc) + "\n" + tag
	return a.sc.CreateEvent(ctx, guildOf(n), name, desc, where, eventLocation(n), n.Starts, n.Ends)
}

func (a screenActions) DeleteEvent(ctx context.Context, n storage.Night, event string) error {
	return a.sc.DeleteEvent(ctx, guildOf(n), event)
}

func (a screenActions) NoticeHost(ctx context.Context, n storage.Night, tag string) (string, error) {
	t := nightTr(n)
	title := t.S(msgNoticeNone)
	if n.Event != "" {
		title = t.S(msgNoticeMoved)
	}
	return a.card(ctx, n, tag, t.F(msgNoticeContent, "Host", n.HostID(), "Note", n.EventNote),
		&discordgo.MessageEmbed{Title: title, Description: t.S(msgNoticeGoesOn), Color: colour}, nil, n.HostID())
}

// PromptRatings posts the /film card of the winner, read as /film reads
// it, with the rate menu.
func (a screenActions) PromptRatings(ctx context.Context, n storage.Night, tag string) (string, error) {
	page, err := a.s.films.FilmPage(ctx, n.Scope, n.Winner)
	if err != nil {
		return "", err
	}
	e := a.s.filmEmbed(page.Film, page.Reviews, &page.Ratings, n.Locale)
	return a.card(ctx, n, tag, nightTr(n).S(msgPrompt), e, []discordgo.MessageComponent{rateMenuIn(nightTr(n), page.Film.ID)}, "")
}

func (a screenActions) PostVerdict(ctx context.Context, n storage.Night, tag string) (string, error) {
	t := nightTr(n)
	return a.card(ctx, n, tag, "", &discordgo.MessageEmbed{Title: clip(t.F(msgVerdictTitle, "Title", plain(a.s.filmName(ctx, t, n.Scope, n.Winner), 150)), 256),
		Description: n.Verdict, Color: colour}, nil, "")
}

func (a screenActions) FindPost(ctx context.Context, n storage.Night, tag string) (string, error) {
	return a.sc.FindPost(ctx, n.Channel, tag)
}

func (a screenActions) FindEvent(ctx context.Context, n storage.Night, tag string) (string, error) {
	return a.sc.FindEvent(ctx, guildOf(n), tag)
}

// EventNote is in the night's language: it is posted to the host in the
// night's channel.
func (screenActions) EventNote(n storage.Night, why nights.NoEvent) string {
	t := nightTr(n)
	switch why {
	case nights.EventTooLate:
		return t.S(msgNoteTooLate)
	case nights.EventForbidden:
		return t.S(msgNoteForbidden)
	case nights.EventMoved:
		return t.F(msgNoteMoved, "Channel", n.Where, "Location", escapeClip(eventLocation(n), 100, titlePunct))
	case nights.EventNowhere:
		return t.F(msgNoteNowhere, "Channel", n.Where)
	}
	return t.S(msgNoteRefused)
}

// filmName labels a rated film, which may have been removed since (said
// in t's language).
func (s *Set) filmName(ctx context.Context, t *locale.T, scope storage.Scope, id uint64) string {
	if f, err := s.films.FilmHeader(ctx, scope, id); err == nil {
		return clip(label(f), 150)
	}
	return t.S(nights.MsgRemovedFilm)
}
