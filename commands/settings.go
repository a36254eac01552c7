package commands

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/filmbot/filmbot/storage"
)

var settingsDef = &discordgo.ApplicationCommand{
	Name:                     "settings",
	Description:              "Server settings (Manage Server)",
	DefaultMemberPermissions: ptr(int64(permManageServer)),
	Contexts:                 &[]discordgo.InteractionContextType{discordgo.InteractionContextGuild},
	Options: []*discordgo.ApplicationCommandOption{
		{Type: discordgo.ApplicationCommandOptionSubCommand, Name: "reviews-channel", Description: "Where new reviews are announced (leave out: where they are posted)", Options: []*discordgo.ApplicationCommandOption{
			{Type: discordgo.ApplicationCommandOptionChannel, Name: "channel", Description: "A text channel", ChannelTypes: []discordgo.ChannelType{discordgo.ChannelTypeGuildText}},
		}},
		{Type: discordgo.ApplicationCommandOptionSubCommand, Name: "mod-role", Description: "A role whose members may use /manage (leave out to clear)", Options: []*discordgo.ApplicationCommandOption{
			{Type: discordgo.ApplicationCommandOptionRole, Name: "role", Description: "The role"},
		}},
		{Type: discordgo.ApplicationCommandOptionSubCommand, Name: "host-role", Description: "A role whose members may host movie nights (leave out to clear)", Options: []*discordgo.ApplicationCommandOption{
			{Type: discordgo.ApplicationCommandOptionRole, Name: "role", Description: "The role"},
		}},
		{Type: discordgo.ApplicationCommandOptionSubCommand, Name: "timezone", Description: "The time zone movie-night times are typed in", Options: []*discordgo.ApplicationCommandOption{
			{Type: discordgo.ApplicationCommandOptionString, Name: "zone", Description: "Like Europe/Paris or America/New_York (leave out: UTC)", MaxLength: 64},
		}},
		{Type: discordgo.ApplicationCommandOptionSubCommand, Name: "show", Description: "Show this server's settings"},
	},
}

// settings answers /settings (Manage Server or Administrator only).
func (s *Set) settings(ctx context.Context, i *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
	scope, err := scopeOf(i)
	if err != nil {
		return nil, err
	}
	if scope == storage.BuiltIn || i.Member == nil {
		return nil, userErr("Settings belong to a server: use /settings there.")
	}
	if i.Member.Permissions&(permAdmin|permManageServer) == 0 {
		return nil, userErr("Only members with Manage Server or Administrator can see or change the bot's settings.")
	}
	opts := options(i)
	var set storage.Settings
	switch subcommand(i) {
	case "reviews-channel":
		ch, err := channelOption(i, opts.get("channel"))
		if err != nil {
			return nil, err
		}
		set, err = s.serverSettings.UpdateSettings(ctx, scope, func(st *storage.Settings) { st.ReviewsChannel = ch })
		if err != nil {
			return nil, err
		}
	case "mod-role":
		role, rerr := roleOption(i, opts, "role", "@everyone cannot be the moderator role: every member would be a moderator. Choose a role that only moderators have.")
		if rerr != nil {
			return nil, rerr
		}
		set, err = s.serverSettings.UpdateSettings(ctx, scope, func(st *storage.Settings) { st.ModRole = role })
	case "host-role":
		role, rerr := roleOption(i, opts, "role", "@everyone cannot be the host role: every member could plan and cancel movie nights. Choose a role for hosts.")
		if rerr != nil {
			return nil, rerr
		}
		set, err = s.serverSettings.UpdateSettings(ctx, scope, func(st *storage.Settings) { st.HostRole = role })
	case "timezone":
		zone := strings.TrimSpace(str(opts, "zone"))
		if zone != "" {
			loc, lerr := time.LoadLocation(zone)
			if lerr != nil || strings.EqualFold(zone, "local") {
				return nil, userErr("%q is not a time zone I know: use a name like Europe/Paris, America/New_York or Asia/Tokyo.", clip(zone, 64))
			}
			zone = loc.String()
		}
		set, err = s.serverSettings.UpdateSettings(ctx, scope, func(st *storage.Settings) { st.Timezone = zone })
	case "show":
		set, err = s.serverSettings.Settings(ctx, scope)
	default:
		return nil, userErr("Unknown /settings command.")
	}
	if err != nil {
		return nil, err
	}
	channel, role := "where each review is posted", "none (moderators are members with Manage Server or Administrator)"
	if set.ReviewsChannel != "" {
		channel = "<#" + set.ReviewsChannel + ">"
	}
	if set.ModRole != "" {
		role = "<@&" + set.ModRole + ">"
	}
	host, zone := "none (hosts are moderators)", "UTC"
	if set.HostRole != "" {
		host = "<@&" + set.HostRole + "> (and moderators)"
	}
	if set.Timezone != "" {
		zone = set.Timezone
	}
	return Reply(fmt.Sprintf("New reviews are announced: %s\nModerator role: %s\nMovie-night host role: %s\nTime zone: %s", channel, role, host, zone)), nil
}

// channelOption reads a channel option: a text channel of this server.
// Discord resolves the channels a member may pick, all of this server;
// an id it did not resolve (a forged or stale value) is refused, so
// announcements can never go to another server.
func channelOption(i *discordgo.InteractionCreate, o *discordgo.ApplicationCommandInteractionDataOption) (string, error) {
	if o == nil {
		return "", nil
	}
	id, _ := o.Value.(string)
	if _, err := strconv.ParseUint(id, 10, 64); o.Type != discordgo.ApplicationCommandOptionChannel || err != nil {
		return "", userErr("That is not a channel.")
	}
	data := i.ApplicationCommandData()
	var c *discordgo.Channel
	if data.Resolved != nil {
		c = data.Resolved.Channels[id]
	}
	if c == nil || (c.GuildID != "" && c.GuildID != i.GuildID) {
		return "", userErr("That channel is not in this server.")
	}
	if c.Type != discordgo.ChannelTypeGuildText && c.Type != discordgo.ChannelTypeGuildNews {
		return "", userErr("Reviews are announced in a text channel; <#%s> is not one.", id)
	}
	return id, nil
}
