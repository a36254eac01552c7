package commands

import (
	"context"
	"slices"

	"github.com/bwmarrin/discordgo"

	"github.com/filmbot/filmbot/locale"
)

// filmbot can be installed to a server (integration type 0) and to a
// member's own account (1). Through a member's install it answers
// wherever that member is: in the bot's DM, in private channels, and in
// servers that have not added it. There it has no server: the read-only
// commands (/film, /cast, /review, /help, Films in this message) answer
// from the built-in catalog, with nothing on the message that needs the
// server's install (no server ratings, no Rate menu, no watchlist
// button); every other command says the server needs to add filmbot.

// msgNeedsServer is what a server-scoped command answers through a
// member's install in a server that has not added filmbot.
var msgNeedsServer = locale.Text("installs.needsserver", "This server has not added filmbot, so this command works only once a server admin adds it: {{.Link}}")

// UserInstallOnly tells whether i reached filmbot through the member's
// own install alone, in a server that has not added it: Discord's
// authorizing_integration_owners names the user install (1) but not a
// server install (0). In DMs and private channels there is no server,
// and the built-in catalog is what the commands see anyway.
func UserInstallOnly(i *discordgo.InteractionCreate) bool {
	if i.GuildID == "" {
		return false
	}
	_, user := i.AuthorizingIntegrationOwners[discordgo.ApplicationIntegrationUserInstall]
	_, guild := i.AuthorizingIntegrationOwners[discordgo.ApplicationIntegrationGuildInstall]
	return user && !guild
}

// MustBeEphemeral tells whether an answer to i must be seen by the caller
// alone. Discord's rule: an app reached through a member's own install in
// a server that has not added it answers publicly only if the member has
// Use External Apps there (USE_EXTERNAL_APPS, 1 << 50, in the member's
// permissions); without it the member may still use the app, but its
// responses are ephemeral. filmbot also keeps to the caller where the
// app's own permissions there (app_permissions) lack Send Messages.
// Discord would show such an answer ephemerally anyway; filmbot says so
// itself, so what it sends is what the member sees.
func MustBeEphemeral(i *discordgo.InteractionCreate) bool {
	if !UserInstallOnly(i) {
		return false
	}
	member := int64(0)
	if i.Member != nil {
		member = i.Member.Permissions
	}
	return member&discordgo.PermissionUseExternalApps == 0 || i.AppPermissions&discordgo.PermissionSendMessages == 0
}

// worksWithoutServer tells whether c is read-only on the built-in catalog
// (registered for private channels too, so user-installable).
func worksWithoutServer(c Command) bool {
	return c.Def.Contexts != nil && slices.Contains(*c.Def.Contexts, discordgo.InteractionContextPrivateChannel)
}

// forInstalls wraps every handler of cs for how the interaction reached
// filmbot: a read-only command's answers become ephemeral where they must
// be; a server-scoped command (and its buttons), reached through a
// member's install in a server that has not added filmbot, says so.
func forInstalls(cs []Command) []Command {
	for k, c := range cs {
		wrap := needsServer
		if worksWithoutServer(c) {
			wrap = ephemeralWhereMust
		}
		c.Run = wrap(c.Run)
		if c.Autocomplete != nil && !worksWithoutServer(c) {
			c.Autocomplete = noSuggestionsWithoutServer(c.Autocomplete)
		}
		comps := make(map[string]Handler, len(c.Components))
		for kind, h := range c.Components {
			comps[kind] = wrap(h)
		}
		c.Components = comps
		cs[k] = c
	}
	return cs
}

// needsServer refuses h's interactions that reached filmbot only through a
// member's install, in one sentence with the link that adds filmbot to a
// server.
func needsServer(h Handler) Handler {
	return func(ctx context.Context, i *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
		if UserInstallOnly(i) {
			return nil, userText(tr(i).F(msgNeedsServer, "Link", InviteURL(i.AppID)))
		}
		return h(ctx, i)
	}
}

// ephemeralWhereMust makes h's new messages ephemeral where MustBeEphemeral.
// An update of the message a button sits on keeps that message's flags.
func ephemeralWhereMust(h Handler) Handler {
	return func(ctx context.Context, i *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
		r, err := h(ctx, i)
		if err == nil && r != nil && r.Data != nil && r.Type == discordgo.InteractionResponseChannelMessageWithSource && MustBeEphemeral(i) {
			r.Data.Flags |= discordgo.MessageFlagsEphemeral
		}
		return r, err
	}
}

// noSuggestionsWithoutServer offers no choices for a server-scoped
// command typed through a member's install alone: its answer would be the
// refusal anyway.
func noSuggestionsWithoutServer(h Handler) Handler {
	return func(ctx context.Context, i *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
		if UserInstallOnly(i) {
			return &discordgo.InteractionResponse{Type: discordgo.InteractionApplicationCommandAutocompleteResult,
				Data: &discordgo.InteractionResponseData{Choices: []*discordgo.ApplicationCommandOptionChoice{}}}, nil
		}
		return h(ctx, i)
	}
}
