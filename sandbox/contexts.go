package sandbox

import (
	"slices"

	"github.com/bwmarrin/discordgo"
)

// listed are the commands Discord lists to m when they type /: those
// registered for m's server or globally, and of those only the ones whose
// contexts include where m is (a server, or the bot's DM). A command
// left out can still be sent, as a client with a stale list would.
// Through a member's own install (m.UserInstall) only the commands
// installable to a user are listed, and no server's own.
func (s *Server) listed(m Member) []*discordgo.ApplicationCommand {
	var out []*discordgo.ApplicationCommand
	for _, c := range s.defs(m) {
		// Discord reads contexts on global commands only; a server's own
		// commands show in that server alone.
		if (c.GuildID != "" && !m.UserInstall) || worksIn(c, m) {
			out = append(out, c)
		}
	}
	return out
}

// worksIn tells whether c is registered to work where m is. No contexts
// means every context (Discord's default).
func worksIn(c *discordgo.ApplicationCommand, m Member) bool {
	here := discordgo.InteractionContextGuild
	if m.GuildID == "" {
		here = discordgo.InteractionContextBotDM
		if m.UserInstall {
			here = discordgo.InteractionContextPrivateChannel
		}
	}
	if m.UserInstall && (c.IntegrationTypes == nil || !slices.Contains(*c.IntegrationTypes, discordgo.ApplicationIntegrationUserInstall)) {
		return false // only user-installable commands come with a member's install
	}
	if c.Contexts == nil {
		return true
	}
	for _, x := range *c.Contexts {
		if x == here {
			return true
		}
	}
	return false
}
