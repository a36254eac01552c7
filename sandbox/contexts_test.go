package sandbox

import (
	"encoding/json"
	"net/http"
	"slices"
	"testing"

	"github.com/bwmarrin/discordgo"
)

// The commands listed to a member follow their contexts, as Discord's /
// list does: a command registered for servers only is not listed in a
// DM; one without contexts, or with the bot's DM among them, is. (A
// command left out can still be sent, as a stale client would: the e2e
// tests send /rate in a DM and read the refusal.)
func TestListedCommandsFollowContexts(t *testing.T) {
	sb, err := Start(Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	s := restSession(t, sb)
	ctxs := func(c ...discordgo.InteractionContextType) *[]discordgo.InteractionContextType { return &c }
	if _, err := s.ApplicationCommandBulkOverwrite(sb.AppID, "", []*discordgo.ApplicationCommand{
		{Name: "servers", Description: "servers only", Contexts: ctxs(discordgo.InteractionContextGuild)},
		{Name: "both", Description: "servers and DMs", Contexts: ctxs(discordgo.InteractionContextGuild, discordgo.InteractionContextBotDM)},
		{Name: "dms", Description: "DMs only", Contexts: ctxs(discordgo.InteractionContextBotDM)},
		{Name: "any", Description: "no contexts: everywhere"},
		{Name: "mine", Description: "installable to users too", Contexts: ctxs(discordgo.InteractionContextGuild, discordgo.InteractionContextBotDM, discordgo.InteractionContextPrivateChannel),
			IntegrationTypes: &[]discordgo.ApplicationIntegrationType{discordgo.ApplicationIntegrationGuildInstall, discordgo.ApplicationIntegrationUserInstall}},
	}); err != nil {
		t.Fatal(err)
	}
	guild := Viewer.GuildID
	if _, err := s.ApplicationCommandBulkOverwrite(sb.AppID, guild, []*discordgo.ApplicationCommand{
		{Name: "local", Description: "this server's own", Contexts: ctxs(discordgo.InteractionContextBotDM)},
	}); err != nil {
		t.Fatal(err)
	}
	listed := func(guild string) []string {
		resp, err := http.Get(sb.URL + "/_sandbox/commands?guild=" + guild)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var cmds []discordgo.ApplicationCommand
		if err := json.NewDecoder(resp.Body).Decode(&cmds); err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, c := range cmds {
			names = append(names, c.Name)
		}
		return names
	}
	if got, want := listed(""), []string{"both", "dms", "any", "mine"}; !slices.Equal(got, want) {
		t.Errorf("in a DM: %v, want %v", got, want)
	}
	if got, want := listed(guild), []string{"servers", "both", "any", "mine", "local"}; !slices.Equal(got, want) {
		t.Errorf("in a server: %v, want %v", got, want)
	}
	// Through the member's own install, in a server that has not added
	// the app: the user-installable commands alone.
	if got, want := listed("100000000000000009&user_install=1"), []string{"mine"}; !slices.Equal(got, want) {
		t.Errorf("through a user install: %v, want %v", got, want)
	}
	if got, want := listed("&user_install=1"), []string{"mine"}; !slices.Equal(got, want) {
		t.Errorf("through a user install, in a private channel: %v, want %v", got, want)
	}
}
