package sandbox

import (
	"testing"

	"github.com/bwmarrin/discordgo"
)

// GET /channels/{id}/messages lists the latest messages, newest first,
// at most limit; a channel that does not exist is 404, a limit past 100
// is 400.
func TestListMessages(t *testing.T) {
	sb, err := Start(Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	s := restSession(t, sb)
	ch := sb.Guilds()[0].Channels[0].ID
	for _, c := range []string{"one", "two", "three"} {
		if _, err := s.ChannelMessageSendComplex(ch, &discordgo.MessageSend{Content: c, AllowedMentions: none()}); err != nil {
			t.Fatal(err)
		}
	}
	ms, err := s.ChannelMessages(ch, 2, "", "", "")
	if err != nil || len(ms) != 2 || ms[0].Content != "three" || ms[1].Content != "two" || ms[0].Author == nil || !ms[0].Author.Bot {
		t.Fatalf("list: %+v %v", ms, err)
	}
	if _, err := s.ChannelMessages("999", 10, "", "", ""); restStatus(err) != 404 {
		t.Errorf("an unknown channel: %v", err)
	}
	if _, err := s.ChannelMessages(ch, 101, "", "", ""); restStatus(err) != 400 {
		t.Errorf("limit 101: %v", err)
	}
}
