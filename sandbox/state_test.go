package sandbox

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
)

// A poll posted for a member's command (as /movienight plan posts one)
// may be ended early by that member, its host, and by no one else.
func TestSandboxEndPollByHost(t *testing.T) {
	sb, err := Start(Options{})
	if err != nil {
		t.Fatal(err)
	}
	s := restSession(t, sb)
	s.AddHandler(func(s *discordgo.Session, i *discordgo.InteractionCreate) {
		s.ChannelMessageSendComplex(i.ChannelID, &discordgo.MessageSend{Content: "Vote!", AllowedMentions: none(),
			Poll: &discordgo.Poll{Question: discordgo.PollMedia{Text: "Which film?"}, Answers: answers("Anora", "Tangerine"), Duration: 24}})
		pong(s, i)
	})
	if err := s.Open(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close(); sb.Close() })
	if _, err := s.ApplicationCommandBulkOverwrite(sb.AppID, "", []*discordgo.ApplicationCommand{{Name: "plan", Description: "plan"}}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := sb.Do(ctx(t), Moderator, "/plan"); err != nil {
		t.Fatal(err)
	}
	var poll *Message
	for _, m := range sb.ChannelMessages(sb.channelOf(Moderator)) {
		if m.Poll != nil {
			poll = m
		}
	}
	if poll == nil || poll.Poll.Host != Moderator.UserID {
		t.Fatalf("poll %+v", poll)
	}
	if err := sb.EndPoll(Viewer, poll.ID); err == nil {
		t.Error("a member who is not the host ended the poll")
	}
	if err := sb.EndPoll(Moderator, poll.ID); err != nil {
		t.Fatal(err)
	}
	if err := sb.Vote(Viewer, poll.ID, 1); err == nil {
		t.Error("voted in an ended poll")
	}
	if err := sb.EndPoll(Moderator, poll.ID); err == nil {
		t.Error("ended twice")
	}
	// The bot ending it too finds it ended, and reads its results.
	if _, err := s.PollExpire(poll.ChannelID, poll.ID); restStatus(err) != 400 {
		t.Errorf("expire after the host ended it: %v", err)
	}
	if m, err := s.ChannelMessage(poll.ChannelID, poll.ID); err != nil || m.Poll == nil || m.Poll.Results == nil || !m.Poll.Results.Finalized {
		t.Errorf("the ended poll as the bot reads it: %+v %v", m, err)
	}
}

// With a state file, what members would find again in Discord after a
// restart is there: messages with their components, embeds, files and
// polls with their votes, threads and what was written in them, events;
// new ids follow the old. Ephemeral answers are not kept, as Discord's
// client drops them.
func TestSandboxKeepsStateInFile(t *testing.T) {
	file := filepath.Join(t.TempDir(), "filmbot-playground.sandbox.json")
	sb, err := Start(Options{StateFile: file})
	if err != nil {
		t.Fatal(err)
	}
	s := restSession(t, sb)
	general := sb.Guilds()[0].Channels[0].ID
	card, err := s.ChannelMessageSendComplex(general, &discordgo.MessageSend{Content: "A card", AllowedMentions: none(),
		Embeds:     []*discordgo.MessageEmbed{{Title: "Anora (2024)"}},
		Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{discordgo.Button{Label: "Next", CustomID: "next", Style: discordgo.PrimaryButton}}}},
		Files:      []*discordgo.File{{Name: "ratings.csv", ContentType: "text/csv", Reader: strings.NewReader("Title,Year\nAnora,2024\n")}}})
	if err != nil {
		t.Fatal(err)
	}
	poll, err := s.ChannelMessageSendComplex(general, &discordgo.MessageSend{Content: "Vote!", AllowedMentions: none(),
		Poll: &discordgo.Poll{Question: discordgo.PollMedia{Text: "Which film?"}, Answers: answers("Anora", "Tangerine"), Duration: 24}})
	if err != nil {
		t.Fatal(err)
	}
	if err := sb.Vote(Viewer, poll.ID, 2); err != nil {
		t.Fatal(err)
	}
	thread, err := s.MessageThreadStart(general, card.ID, "Anora (2024)", 1440)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sb.Say(Viewer, thread.ID, "What an ending."); err != nil {
		t.Fatal(err)
	}
	start, end := time.Now().Add(48*time.Hour).Truncate(time.Second), time.Now().Add(51*time.Hour).Truncate(time.Second)
	if _, err := s.GuildScheduledEventCreate(Viewer.GuildID, &discordgo.GuildScheduledEventParams{Name: "Movie night: Anora", ScheduledStartTime: &start, ScheduledEndTime: &end,
		PrivacyLevel: 2, EntityType: discordgo.GuildScheduledEventEntityTypeExternal, EntityMetadata: &discordgo.GuildScheduledEventEntityMetadata{Location: "The usual cinema"}}); err != nil {
		t.Fatal(err)
	}
	sb.mu.Lock()
	secret := sb.newMessage(general, Viewer.GuildID)
	secret.Content, secret.Flags, secret.EphemeralFor = "only for Vi", discordgo.MessageFlagsEphemeral, Viewer.UserID
	sb.notify()
	sb.mu.Unlock()
	if err := sb.Close(); err != nil {
		t.Fatal(err)
	}
	if left, _ := filepath.Glob(file + ".*.tmp"); len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}

	sb, err = Start(Options{StateFile: file})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	msgs := sb.ChannelMessages(general)
	if len(msgs) != 2 || msgs[0].ID != card.ID || msgs[1].ID != poll.ID {
		t.Fatalf("messages after a restart: %+v", msgs)
	}
	c := msgs[0]
	if c.Content != "A card" || len(c.Embeds) != 1 || c.Embeds[0].Title != "Anora (2024)" || c.ThreadID != thread.ID || len(c.Attachments) != 1 {
		t.Errorf("the card: %+v", c)
	}
	if err := sb.findComponent(card.ID, "next", discordgo.ButtonComponent); err != nil {
		t.Errorf("its button: %v", err)
	}
	res, err := http.Get(c.Attachments[0].URL)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if string(body) != "Title,Year\nAnora,2024\n" {
		t.Errorf("its file: %q", body)
	}
	if p := msgs[1].Poll; p == nil || p.Counts()[2] != 1 || p.closed(time.Now()) {
		t.Errorf("the poll: %+v", p)
	}
	if ts := sb.Threads(); len(ts) != 1 || ts[0].ID != thread.ID {
		t.Errorf("threads: %+v", ts)
	}
	if in := sb.ChannelMessages(thread.ID); len(in) != 1 || in[0].Content != "What an ending." || in[0].AuthorName != "Vi" {
		t.Errorf("in the thread: %+v", in)
	}
	if evs := sb.Events(Viewer.GuildID); len(evs) != 1 || evs[0].Location != "The usual cinema" || !evs[0].Start.Equal(start) {
		t.Errorf("events: %+v", evs)
	}
	if m, err := sb.Say(Viewer, general, "still here"); err != nil || m.ID <= secret.ID {
		t.Errorf("a new id %v after %s (%v)", m, secret.ID, err)
	}
	// A file that cannot be read stops the start, and says where it is.
	bad := filepath.Join(t.TempDir(), "bad.json")
	os.WriteFile(bad, []byte("{not json"), 0o644)
	if _, err := Start(Options{StateFile: bad}); err == nil || !strings.Contains(err.Error(), bad) {
		t.Errorf("a damaged state file: %v", err)
	}
}
