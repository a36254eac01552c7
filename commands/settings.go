package commands

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/filmbot/filmbot/limits"
	"github.com/filmbot/filmbot/locale"
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
		{Type: discordgo.ApplicationCommandOptionSubCommand, Name: "language", Description: "The language the bot posts in on its own here (leave out: the server's own)", Options: []*discordgo.ApplicationCommandOption{
			// Offered by autocomplete, each language by its own name: a
			// choice list would be one message per language in every
			// language's file, and adding a language is adding one file.
			{Type: discordgo.ApplicationCommandOptionString, Name: "language", Description: "A language filmbot speaks", Autocomplete: true, MaxLength: 100},
		}},
		{Type: discordgo.ApplicationCommandOptionSubCommand, Name: "show", Description: "Show this server's settings"},
	},
}

var (
	msgSettingsServerOnly = locale.Text("settings.server.only", "Settings belong to a server: use /settings there.")
	msgSettingsNotAdmin   = locale.Text("settings.not.admin", "Only members with Manage Server or Administrator can see or change the bot's settings.")
	msgSettingsUnknown    = locale.Text("settings.unknown", "Unknown /settings command.")
	msgSettingsModAll     = locale.Text("settings.mod.everyone", "@everyone cannot be the moderator role: every member would be a moderator. Choose a role that only moderators have.")
	msgSettingsHostAll    = locale.Text("settings.host.everyone", "@everyone cannot be the host role: every member could plan and cancel movie nights. Choose a role for hosts.")
	msgSettingsBadZone    = locale.Text("settings.timezone.unknown", "{{.Zone}} is not a time zone I know: use a name like Europe/Paris, America/New_York or Asia/Tokyo.")
	msgSettingsBadLang    = locale.Text("settings.language.unknown", "filmbot does not speak {{.Value}}. Pick one of: {{.Languages}}.")

	msgSettingsShow        = locale.Text("settings.show", "New reviews are announced: {{.Channel}}\nModerator role: {{.ModRole}}\nMovie-night host role: {{.HostRole}}\nTime zone: {{.Zone}}\nLanguage of what the bot posts on its own: {{.Language}}")
	msgSettingsWherePosted = locale.Text("settings.channel.default", "where each review is posted")
	msgSettingsNoModRole   = locale.Text("settings.mod.none", "none (moderators are members with Manage Server or Administrator)")
	msgSettingsNoHostRole  = locale.Text("settings.host.none", "none (hosts are moderators)")
	msgSettingsHostRole    = locale.Text("settings.host.role", "{{.Role}} (and moderators)")
	msgSettingsLangDefault = locale.Text("settings.language.default", "the server's own ({{.Language}})")
	// The autocomplete choice that clears the language.
	msgSettingsLangServer = locale.Text("settings.language.server", "The server's own (Discord's server locale)")
	// msgLanguageName is each language's name for itself ("Deutsch",
	// "Русский"): how /settings language offers it.
	msgLanguageName = locale.Text("settings.language.name", "English")
)

// languageServer is the value of the language choice that clears the
// setting (no Discord locale is called that).
const languageServer = "server"

// languageName is what a language calls itself.
func languageName(code string) string { return locale.For(code).S(msgLanguageName) }

// parseLanguage reads what a moderator gave for /settings language: a
// locale code filmbot speaks or a language's own name, any case; "" (or
// the server's-own choice) clears the setting.
func parseLanguage(t *locale.T, value string) (string, error) {
	value = strings.TrimSpace(value)
	if value == "" || strings.EqualFold(value, languageServer) || value == t.Plain(msgSettingsLangServer) {
		return "", nil
	}
	var names []string
	for _, code := range locale.Locales() {
		if strings.EqualFold(value, code) || strings.EqualFold(value, locale.For(code).Plain(msgLanguageName)) {
			return code, nil
		}
		names = append(names, languageName(code))
	}
	return "", userText(t.F(msgSettingsBadLang, "Value", strconv.Quote(clip(value, 40)), "Languages", strings.Join(names, ", ")))
}

// settingsAutocomplete offers /settings language's languages, each by
// its own name, the server's own first; to the members who may set it.
func (s *Set) settingsAutocomplete(ctx context.Context, i *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
	o, ok := focused(i)
	if !ok || o.Name != "language" || i.Member == nil || i.Member.Permissions&(permAdmin|permManageServer) == 0 {
		return choices8(nil), nil
	}
	typed, _ := o.Value.(string)
	typed = strings.ToLower(strings.TrimSpace(typed))
	t := tr(i)
	match := func(name, code string) bool {
		return typed == "" || strings.Contains(strings.ToLower(name), typed) || strings.HasPrefix(strings.ToLower(code), typed)
	}
	var out []*discordgo.ApplicationCommandOptionChoice
	if server := t.S(msgSettingsLangServer); match(server, languageServer) {
		out = append(out, &discordgo.ApplicationCommandOptionChoice{Name: clip(server, limits.ChoiceName), Value: languageServer})
	}
	for _, code := range locale.Locales() {
		if name := languageName(code); match(name, code) && len(out) < limits.Choices {
			out = append(out, &discordgo.ApplicationCommandOptionChoice{Name: clip(name, limits.ChoiceName), Value: code})
		}
	}
	return choices8(out), nil
}

// settings answers /settings (Manage Server or Administrator only).
func (s *Set) settings(ctx context.Context, i *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
	scope, err := scopeOf(i)
	if err != nil {
		return nil, err
	}
	t := tr(i)
	if scope == storage.BuiltIn || i.Member == nil {
		return nil, userText(t.S(msgSettingsServerOnly))
	}
	if i.Member.Permissions&(permAdmin|permManageServer) == 0 {
		return nil, userText(t.S(msgSettingsNotAdmin))
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
		role, rerr := roleOption(i, opts, "role", t.S(msgSettingsModAll))
		if rerr != nil {
			return nil, rerr
		}
		set, err = s.serverSettings.UpdateSettings(ctx, scope, func(st *storage.Settings) { st.ModRole = role })
	case "host-role":
		role, rerr := roleOption(i, opts, "role", t.S(msgSettingsHostAll))
		if rerr != nil {
			return nil, rerr
		}
		set, err = s.serverSettings.UpdateSettings(ctx, scope, func(st *storage.Settings) { st.HostRole = role })
	case "timezone":
		zone := strings.TrimSpace(str(opts, "zone"))
		if zone != "" {
			loc, lerr := time.LoadLocation(zone)
			if lerr != nil || strings.EqualFold(zone, "local") {
				return nil, userText(t.F(msgSettingsBadZone, "Zone", strconv.Quote(clip(zone, 64))))
			}
			zone = loc.String()
		}
		set, err = s.serverSettings.UpdateSettings(ctx, scope, func(st *storage.Settings) { st.Timezone = zone })
	case "language":
		lang, lerr := parseLanguage(t, str(opts, "language"))
		if lerr != nil {
			return nil, lerr
		}
		set, err = s.serverSettings.UpdateSettings(ctx, scope, func(st *storage.Settings) { st.Language = lang })
	case "show":
		set, err = s.serverSettings.Settings(ctx, scope)
	default:
		return nil, userText(t.S(msgSettingsUnknown))
	}
	if err != nil {
		return nil, err
	}
	channel, role := t.S(msgSettingsWherePosted), t.S(msgSettingsNoModRole)
	if set.ReviewsChannel != "" {
		channel = "<#" + set.ReviewsChannel + ">"
	}
	if set.ModRole != "" {
		role = "<@&" + set.ModRole + ">"
	}
	host, zone := t.S(msgSettingsNoHostRole), "UTC"
	if set.HostRole != "" {
		host = t.F(msgSettingsHostRole, "Role", "<@&"+set.HostRole+">")
	}
	if set.Timezone != "" {
		zone = set.Timezone
	}
	lang := ""
	if set.Language != "" {
		lang = languageName(set.Language)
	} else {
		guild := ""
		if i.GuildLocale != nil {
			guild = string(*i.GuildLocale)
		}
		lang = t.F(msgSettingsLangDefault, "Language", languageName(guild))
	}
	return Reply(t.F(msgSettingsShow, "Channel", channel, "ModRole", role, "HostRole", host, "Zone", zone, "Language", lang)), nil
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
		return "", userText(tr(i).S(msgChannelNotOne))
	}
	data := i.ApplicationCommandData()
	var c *discordgo.Channel
	if data.Resolved != nil {
		c = data.Resolved.Channels[id]
	}
	if c == nil || (c.GuildID != "" && c.GuildID != i.GuildID) {
		return "", userText(tr(i).S(msgChannelElsewhere))
	}
	if c.Type != discordgo.ChannelTypeGuildText && c.Type != discordgo.ChannelTypeGuildNews {
		return "", userText(tr(i).F(msgChannelNotText, "Channel", id))
	}
	return id, nil
}

var (
	msgChannelNotOne    = locale.Text("settings.channel.bad", "That is not a channel.")
	msgChannelElsewhere = locale.Text("settings.channel.elsewhere", "That channel is not in this server.")
	msgChannelNotText   = locale.Text("settings.channel.text", "Reviews are announced in a text channel; <#{{.Channel}}> is not one.")
)
