package bot

import (
	"slices"
	"strconv"
	"testing"

	"github.com/bwmarrin/discordgo"
)

func TestVoices(t *testing.T) {
	v := NewVoices()
	v.GuildCreate(&discordgo.Guild{ID: "1", VoiceStates: []*discordgo.VoiceState{
		{UserID: "10", ChannelID: "100"}, {UserID: "11", ChannelID: "100"}, {UserID: "12", ChannelID: "101"},
		{UserID: "13", ChannelID: "100", Member: &discordgo.Member{User: &discordgo.User{ID: "13", Bot: true}}},
	}})
	if got := v.Members("1", "100"); !slices.Equal(got, []string{"10", "11"}) {
		t.Errorf("members of 100 = %v, want 10 and 11 (the bot left out)", got)
	}
	v.Update(&discordgo.VoiceState{GuildID: "1", UserID: "12", ChannelID: "100"}) // moved
	v.Update(&discordgo.VoiceState{GuildID: "1", UserID: "10", ChannelID: ""})    // left
	v.Update(&discordgo.VoiceState{GuildID: "2", UserID: "20", ChannelID: "200"}) // another server
	if got := v.Members("1", "100"); !slices.Equal(got, []string{"11", "12"}) {
		t.Errorf("after a move and a leave: %v", got)
	}
	if v.Channel("1", "10") != "" || v.Channel("2", "20") != "200" || v.Channel("2", "11") != "" {
		t.Error("channels mixed up between members or servers")
	}
	v.GuildDelete(&discordgo.Guild{ID: "1", Unavailable: true})
	if v.Channel("1", "11") != "" {
		t.Error("an unavailable server's voice states kept")
	}
	v.GuildCreate(&discordgo.Guild{ID: "1"})
	if len(v.Members("1", "100")) != 0 {
		t.Error("GUILD_CREATE without voice states left some")
	}
	// Nothing is kept for a server with nobody in voice: a large bot's
	// servers mostly, each one memory in every process.
	v.Update(&discordgo.VoiceState{GuildID: "2", UserID: "20", ChannelID: ""}) // the last one left
	for k := range 1000 {
		v.GuildCreate(&discordgo.Guild{ID: strconv.Itoa(1000 + k)})
	}
	if n := len(v.guilds); n != 0 {
		t.Errorf("%d servers kept without anyone in voice", n)
	}
}

// In GUILD_CREATE a voice state carries no member: a bot already in a
// voice channel is known from the members sent with it. A server with
// no one in a voice channel keeps nothing.
func TestVoicesLeaveOutBotsOfGuildCreate(t *testing.T) {
	v := NewVoices()
	v.GuildCreate(&discordgo.Guild{ID: "1",
		VoiceStates: []*discordgo.VoiceState{{UserID: "10", ChannelID: "100"}, {UserID: "13", ChannelID: "100"}},
		Members:     []*discordgo.Member{{User: &discordgo.User{ID: "10"}}, {User: &discordgo.User{ID: "13", Bot: true}}},
	})
	if got := v.Members("1", "100"); !slices.Equal(got, []string{"10"}) {
		t.Errorf("members of 100 = %v, want 10 (the music bot left out)", got)
	}
	v.GuildCreate(&discordgo.Guild{ID: "2"})
	v.Update(&discordgo.VoiceState{GuildID: "1", UserID: "10", ChannelID: ""})
	v.mu.RLock()
	n := len(v.guilds)
	v.mu.RUnlock()
	if n != 0 {
		t.Errorf("%d servers kept with no one in a voice channel", n)
	}
}
