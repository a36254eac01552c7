package sandbox

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
)

func restSession(t *testing.T, sb *Server) *discordgo.Session {
	t.Helper()
	u, _ := url.Parse(sb.URL)
	s, _ := discordgo.New("Bot " + sb.Token())
	s.Client = &http.Client{Transport: toBox{u}}
	s.LogLevel = -1
	return s
}

func answers(texts ...string) []discordgo.PollAnswer {
	var out []discordgo.PollAnswer
	for _, t := range texts {
		out = append(out, discordgo.PollAnswer{Media: &discordgo.PollMedia{Text: t}})
	}
	return out
}

func restStatus(err error) int {
	var re *discordgo.RESTError
	if errors.As(err, &re) && re.Response != nil {
		return re.Response.StatusCode
	}
	return 0
}

// A poll the bot posts: members vote (again, to change it), the results
// count them, the bot ends it early, and Discord's limits hold.
func TestSandboxPolls(t *testing.T) {
	guilds := DefaultGuilds()
	guilds[1].BotDenied = permSendPolls
	sb, err := Start(Options{Guilds: guilds})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	s := restSession(t, sb)
	ch := guilds[0].Channels[0].ID
	m, err := s.ChannelMessageSendComplex(ch, &discordgo.MessageSend{Content: "Friday's film?", AllowedMentions: none(),
		Poll: &discordgo.Poll{Question: discordgo.PollMedia{Text: "Which film?"}, Answers: answers("Anora", "Tangerine", "Red Rocket"), Duration: 24}})
	if err != nil {
		t.Fatal(err)
	}
	if m.Poll == nil || len(m.Poll.Answers) != 3 || m.Poll.Expiry == nil || m.Poll.Expiry.Before(time.Now().Add(23*time.Hour)) {
		t.Fatalf("poll: %+v", m.Poll)
	}
	other := Member{GuildID: guilds[0].ID, UserID: "500000000000000077", Name: "O"}
	for _, v := range []struct {
		m   Member
		ids []int
	}{{Viewer, []int{1}}, {Moderator, []int{2}}, {other, []int{2}}, {Viewer, []int{2}}} {
		if err := sb.Vote(v.m, m.ID, v.ids...); err != nil {
			t.Fatal(err)
		}
	}
	// The control API votes too (the playground's page does).
	resp, err := http.Post(sb.URL+"/_sandbox/vote", "application/json", strings.NewReader(`{"member":{"guild_id":"`+guilds[0].ID+`","user_id":"500000000000000078"},"message_id":"`+m.ID+`","answers":[3]}`))
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Errorf("vote through the control API: %v %v", err, resp)
	}
	for _, bad := range [][]int{{4}, {1, 2}} {
		if err := sb.Vote(Viewer, m.ID, bad...); err == nil {
			t.Errorf("vote %v accepted", bad)
		}
	}
	if err := sb.Vote(Member{GuildID: guilds[1].ID, UserID: "9"}, m.ID, 1); err == nil {
		t.Error("a member of another server voted")
	}
	got, err := s.ChannelMessage(ch, m.ID)
	if err != nil || got.Poll == nil || got.Poll.Results == nil || got.Poll.Results.Finalized {
		t.Fatalf("results: %+v %v", got, err)
	}
	counts := map[int]int{}
	for _, c := range got.Poll.Results.AnswerCounts {
		counts[c.ID] = c.Count
	}
	if counts[1] != 0 || counts[2] != 3 || counts[3] != 1 {
		t.Errorf("counts %v (the first member changed their vote)", counts)
	}
	if voters, err := s.PollAnswerVoters(ch, m.ID, 2); err != nil || len(voters) != 3 {
		t.Errorf("voters: %v %v", voters, err)
	}
	ended, err := s.PollExpire(ch, m.ID)
	if err != nil || !ended.Poll.Results.Finalized {
		t.Fatalf("expire: %+v %v", ended, err)
	}
	if err := sb.Vote(other, m.ID, 1); err == nil {
		t.Error("voted on an ended poll")
	}
	if _, err := s.PollExpire(ch, m.ID); restStatus(err) != 400 {
		t.Errorf("expired twice: %v", err)
	}
	// A poll ended from the Go API, as its expiry passing would.
	m2, err := s.ChannelMessageSendComplex(ch, &discordgo.MessageSend{AllowedMentions: none(),
		Poll: &discordgo.Poll{Question: discordgo.PollMedia{Text: "?"}, Answers: answers("a", "b"), Duration: 1}})
	if err != nil {
		t.Fatal(err)
	}
	if err := sb.ExpirePoll(m2.ID); err != nil {
		t.Fatal(err)
	}
	if err := sb.Vote(Viewer, m2.ID, 1); err == nil {
		t.Error("voted on a poll past its expiry")
	}
	if got, _ := s.ChannelMessage(ch, m2.ID); got.Poll.Results == nil || !got.Poll.Results.Finalized {
		t.Errorf("a poll past its expiry is not finalized: %+v", got.Poll)
	}
	if err := sb.ExpirePoll(ch); err == nil {
		t.Error("ExpirePoll of a message with no poll")
	}
	for name, p := range map[string]*discordgo.Poll{
		"11 answers":    {Question: discordgo.PollMedia{Text: "?"}, Answers: answers("1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11")},
		"long answer":   {Question: discordgo.PollMedia{Text: "?"}, Answers: answers(strings.Repeat("x", 56))},
		"33 days":       {Question: discordgo.PollMedia{Text: "?"}, Answers: answers("a"), Duration: 792},
		"no question":   {Answers: answers("a")},
		"long question": {Question: discordgo.PollMedia{Text: strings.Repeat("q", 301)}, Answers: answers("a")},
	} {
		if _, err := s.ChannelMessageSendComplex(ch, &discordgo.MessageSend{AllowedMentions: none(), Poll: p}); restStatus(err) != 400 || !strings.Contains(err.Error(), "poll") {
			t.Errorf("%s: %v, want 400", name, err)
		}
	}
	if _, err := s.ChannelMessageSendComplex(guilds[1].Channels[0].ID, &discordgo.MessageSend{AllowedMentions: none(),
		Poll: &discordgo.Poll{Question: discordgo.PollMedia{Text: "?"}, Answers: answers("a")}}); restStatus(err) != 403 {
		t.Errorf("a poll without Send Polls: %v, want 403", err)
	}
}

// Scheduled events: created with Discord's field rules and the permission
// check, listed, moved through the statuses Discord allows.
func TestSandboxScheduledEvents(t *testing.T) {
	guilds := DefaultGuilds()
	guilds[1].BotDenied = permCreateEvents | permManageEvents
	sb, err := Start(Options{Guilds: guilds})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	s := restSession(t, sb)
	g := guilds[0].ID
	start, end := time.Now().Add(48*time.Hour).Truncate(time.Second), time.Now().Add(51*time.Hour).Truncate(time.Second)
	ev, err := s.GuildScheduledEventCreate(g, &discordgo.GuildScheduledEventParams{Name: "Movie night: Anora", ScheduledStartTime: &start, ScheduledEndTime: &end,
		PrivacyLevel: discordgo.GuildScheduledEventPrivacyLevelGuildOnly, EntityType: discordgo.GuildScheduledEventEntityTypeExternal,
		EntityMetadata: &discordgo.GuildScheduledEventEntityMetadata{Location: "The usual cinema"}})
	if err != nil || ev.Status != discordgo.GuildScheduledEventStatusScheduled || !ev.ScheduledStartTime.Equal(start) {
		t.Fatalf("create: %+v %v", ev, err)
	}
	voice := guilds[0].Channels[0].ID
	if _, err := s.GuildScheduledEventCreate(g, &discordgo.GuildScheduledEventParams{Name: "In voice", ScheduledStartTime: &start,
		PrivacyLevel: 2, EntityType: discordgo.GuildScheduledEventEntityTypeVoice, ChannelID: voice}); err != nil {
		t.Errorf("a voice event: %v", err)
	}
	if evs, err := s.GuildScheduledEvents(g, false); err != nil || len(evs) != 2 || len(sb.Events(g)) != 2 {
		t.Errorf("list: %d %v", len(evs), err)
	}
	past := time.Now().Add(-time.Hour)
	for name, p := range map[string]*discordgo.GuildScheduledEventParams{
		"in the past":           {Name: "x", ScheduledStartTime: &past, PrivacyLevel: 2, EntityType: 2, ChannelID: voice},
		"external, no location": {Name: "x", ScheduledStartTime: &start, ScheduledEndTime: &end, PrivacyLevel: 2, EntityType: 3},
		"voice, no channel":     {Name: "x", ScheduledStartTime: &start, PrivacyLevel: 2, EntityType: 2},
		"name too long":         {Name: strings.Repeat("n", 101), ScheduledStartTime: &start, PrivacyLevel: 2, EntityType: 2, ChannelID: voice},
	} {
		if _, err := s.GuildScheduledEventCreate(g, p); restStatus(err) != 400 {
			t.Errorf("%s: %v, want 400", name, err)
		}
	}
	if _, err := s.GuildScheduledEventCreate(guilds[1].ID, &discordgo.GuildScheduledEventParams{Name: "x", ScheduledStartTime: &start,
		PrivacyLevel: 2, EntityType: 2, ChannelID: guilds[1].Channels[0].ID}); restStatus(err) != 403 {
		t.Errorf("without Create Events: %v, want 403", err)
	}
	if _, err := s.GuildScheduledEventEdit(g, ev.ID, &discordgo.GuildScheduledEventParams{Status: discordgo.GuildScheduledEventStatusCompleted}); restStatus(err) != 400 {
		t.Errorf("scheduled → completed: %v", err)
	}
	for _, st := range []discordgo.GuildScheduledEventStatus{discordgo.GuildScheduledEventStatusActive, discordgo.GuildScheduledEventStatusCompleted} {
		if e, err := s.GuildScheduledEventEdit(g, ev.ID, &discordgo.GuildScheduledEventParams{Status: st}); err != nil || e.Status != st {
			t.Errorf("to status %d: %+v %v", st, e, err)
		}
	}
	sb.DeleteEvent(ev.ID) // by hand, in Discord
	if _, err := s.GuildScheduledEvent(g, ev.ID, false); restStatus(err) != 404 {
		t.Errorf("a deleted event: %v", err)
	}
}
