package commands

import (
	"context"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/filmbot/filmbot/locale"
	"github.com/filmbot/filmbot/storage"
)

// Permission is one permission the bot needs in a server, and what for.
type Permission struct {
	Bit  int64  // discordgo.Permission…
	Name string // as Discord's settings name it
	Why  string
}

// Permissions are every permission the commands need, by bit. The
// invite link, `filmbot invite` and README's list are made from this one
// list.
var Permissions = []Permission{
	{discordgo.PermissionViewChannel, "View Channels", "see the channels it posts in"},
	{discordgo.PermissionSendMessages, "Send Messages", "announce new reviews; post movie night cards"},
	{discordgo.PermissionEmbedLinks, "Embed Links", "the cards of announcements and movie nights"},
	{discordgo.PermissionAttachFiles, "Attach Files", "the /ratings chart"},
	{discordgo.PermissionReadMessageHistory, "Read Message History", "read a movie night's poll when it closes"},
	{discordgo.PermissionCreatePublicThreads, "Create Public Threads", "a discussion thread under each review announcement"},
	{discordgo.PermissionSendMessagesInThreads, "Send Messages in Threads", "post in those threads"},
	{discordgo.PermissionCreateEvents, "Create Events", "/movienight's scheduled event for the screening"},
	{discordgo.PermissionVoiceConnect, "Connect", "an event in a voice channel (Discord asks for Connect there)"},
	{discordgo.PermissionSendPolls, "Send Polls", "/movienight's poll of films"},
}

// PermissionBits is the sum of Permissions, as the invite link carries it.
func PermissionBits() int64 {
	var n int64
	for _, p := range Permissions {
		n |= p.Bit
	}
	return n
}

// InviteScopes are the OAuth2 scopes the invite asks for: the bot user,
// and its slash commands.
const InviteScopes = "bot applications.commands"

// InviteURL is the link that adds the application's bot to a server with
// every permission in Permissions.
func InviteURL(applicationID string) string {
	q := url.Values{}
	q.Set("client_id", applicationID)
	q.Set("permissions", strconv.FormatInt(PermissionBits(), 10))
	q.Set("scope", InviteScopes)
	return "https://discord.com/oauth2/authorize?" + q.Encode()
}

// UserInstallScopes are the OAuth2 scopes of a member's own install: the
// commands alone (no bot user joins anything).
const UserInstallScopes = "applications.commands"

// UserInstallURL is the link that installs the application to the
// account of whoever opens it (integration_type=1): its read-only
// commands then work in their DMs, private channels, and servers that
// have not added filmbot. The application must allow User Install
// (developer portal → Installation → Installation Contexts).
func UserInstallURL(applicationID string) string {
	q := url.Values{}
	q.Set("client_id", applicationID)
	q.Set("integration_type", "1")
	q.Set("scope", UserInstallScopes)
	return "https://discord.com/oauth2/authorize?" + q.Encode()
}

// PermissionList names Permissions in a sentence of bold names, as
// README lists them: **View Channels**, …, and **Create Events**.
func PermissionList() string {
	names := make([]string, len(Permissions))
	for k, p := range Permissions {
		names[k] = "**" + p.Name + "**"
	}
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

// Permission bits that make a member a moderator. Discord sends a
// member's permissions as computed in the channel of the interaction,
// channel overwrites included, so only server-wide rights count:
// Administrator (no overwrite removes or grants it), Manage Server (not a
// channel permission, so no overwrite grants it), or the server's
// moderator role (roles are server-wide). Manage Messages is not enough:
// a channel overwrite can grant it in one channel.
const (
	permAdmin        = discordgo.PermissionAdministrator
	permManageServer = discordgo.PermissionManageGuild
)

// moderator checks, on every call, that the member may moderate: Manage
// Server, Administrator, or the server's moderator role (see permAdmin).
// Discord's default_member_permissions only hides the command.
func (s *Set) moderator(ctx context.Context, i *discordgo.InteractionCreate) (storage.Scope, error) {
	scope, err := scopeOf(i)
	if err != nil {
		return 0, err
	}
	if scope == storage.BuiltIn || i.Member == nil {
		return 0, userText(tr(i).S(msgPermServerOnly))
	}
	if i.Member.Permissions&(permAdmin|permManageServer) != 0 {
		return scope, nil
	}
	set, err := s.serverSettings.Settings(ctx, scope)
	if err != nil {
		return 0, err
	}
	// A role equal to the server's id is @everyone: never a moderator role
	// (the setting refuses it; an older database may hold it).
	if set.ModRole != "" && set.ModRole != i.GuildID && slices.Contains(i.Member.Roles, set.ModRole) {
		return scope, nil
	}
	return 0, userText(tr(i).S(msgNotModerator))
}

var (
	msgPermServerOnly = locale.Text("perm.server.only", "Moderators' commands work in a server, not in a DM.")
	// msgNotModerator is the answer to a member who may not moderate.
	msgNotModerator = locale.Text("perm.not.moderator", "Only moderators can do that: members with Manage Server or Administrator, or with this server's moderator role (`/settings mod-role`).")
)
