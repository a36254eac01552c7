package commands

import (
	"context"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/filmbot/filmbot/limits"
	"github.com/filmbot/filmbot/locale"
	"github.com/filmbot/filmbot/tmdb"
)

var helpDef = &discordgo.ApplicationCommand{
	Name:        "help",
	Description: "What filmbot can do, and how to ask",
}

// who says who may use the commands hidden by default_member_permissions;
// the handlers check the same on every call. Moderator rights are
// server-wide rights only (see permAdmin).
var who = map[string]locale.Key{
	"manage":   locale.Text("help.who.manage", "For moderators (Manage Server, Administrator, or the moderator role set with /settings mod-role)"),
	"settings": locale.Text("help.who.settings", "For server managers (Manage Server or Administrator)"),
}

// The words of /help.
var (
	msgHelpTitle      = locale.Text("help.title", "filmbot: reviews, cast & crew, ratings")
	msgHelpIntro      = locale.Text("help.intro", "Every `film:` option completes as you type: pick a film from the list. Options in [brackets] are optional. Ratings and moderators' commands work in servers; `/review`, `/cast` and `/film` also work in a DM.")
	msgHelpEveryone   = locale.Text("help.who.everyone", "For everyone")
	msgHelpPermission = locale.Text("help.who.permissions", "For members with the permissions these need")
	msgHelpMore       = locale.Text("help.more", "{{.Name}} (more)")
	msgHelpTMDBOn     = locale.Text("help.tmdb.on", "Films not in this server's catalog are looked up on TMDB (The Movie Database).")
	// msgHelpUserInstall replaces the intro where the member reached
	// filmbot through their own install in a server that has not added it.
	msgHelpUserInstall = locale.Text("help.userinstall", "You are using filmbot from your own account: here it shows films, cast and reviews from its catalog. Ratings, watchlists, movie nights and the rest work once this server adds filmbot: {{.Link}}")
	// msgTMDBOff says how to turn on looking films up on TMDB, when it is off.
	msgTMDBOff     = locale.Text("help.tmdb.off", "Looking films up on TMDB is off: the bot's operator turns it on by setting TMDB_TOKEN to an API Read Access Token from https://www.themoviedb.org/settings/api.")
	msgAttribution = locale.Text("common.tmdb.attribution", tmdb.Attribution)
)

// help lists every command as Discord would show it to the member, in
// their language, written from the command definitions themselves (and
// their localizations) so that it cannot fall out of date.
func (s *Set) help(ctx context.Context, i *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
	t, loc := tr(i), i.Locale
	var everyone []string
	restricted := map[locale.Key][]string{}
	var order []locale.Key
	var apps []string
	// Through a member's install alone, only what works there is listed.
	only := UserInstallOnly(i)
	for _, c := range s.Commands() {
		if only && !worksWithoutServer(c) {
			continue
		}
		if c.Def.Type == discordgo.UserApplicationCommand || c.Def.Type == discordgo.MessageApplicationCommand {
			apps = append(apps, appLine(t, loc, c.Def))
			continue
		}
		var descs map[discordgo.Locale]string
		if c.Def.DescriptionLocalizations != nil {
			descs = *c.Def.DescriptionLocalizations
		}
		lines := usage(loc, "/"+c.Def.Name, localOr(descs, loc, c.Def.Description), c.Def.Options)
		if c.Def.DefaultMemberPermissions == nil {
			everyone = append(everyone, lines...)
			continue
		}
		name, ok := who[c.Def.Name]
		if !ok {
			name = msgHelpPermission
		}
		if _, seen := restricted[name]; !seen {
			order = append(order, name)
		}
		restricted[name] = append(restricted[name], lines...)
	}
	fs := fields(t, t.S(msgHelpEveryone), everyone)
	fs = append(fs, fields(t, t.S(msgHelpApps), apps)...)
	for _, name := range order {
		fs = append(fs, fields(t, t.S(name), restricted[name])...)
	}
	desc := t.S(msgHelpIntro) + "\n\n"
	if only {
		desc = t.F(msgHelpUserInstall, "Link", InviteURL(i.AppID)) + "\n\n"
	}
	if s.source == nil {
		desc += t.S(msgTMDBOff) + "\n"
	} else {
		desc += t.S(msgHelpTMDBOn) + " "
	}
	desc += t.S(msgAttribution)
	embed := &discordgo.MessageEmbed{
		Title:       t.S(msgHelpTitle),
		Description: desc,
		Color:       colour,
		Fields:      fs,
	}
	return ephemeral(embed), nil
}

// localOr is m's text for loc, else def: a definition's localization as
// Discord's client shows it.
func localOr(m map[discordgo.Locale]string, loc discordgo.Locale, def string) string {
	if s, ok := m[loc]; ok && s != "" {
		return s
	}
	return def
}

// usage is a line per leaf command: "`/rate film: [score:]` — Rate a film",
// options and descriptions as Discord's client shows them in loc.
func usage(loc discordgo.Locale, prefix, description string, opts []*discordgo.ApplicationCommandOption) []string {
	var lines []string
	var args []string
	for _, o := range opts {
		switch o.Type {
		case discordgo.ApplicationCommandOptionSubCommand, discordgo.ApplicationCommandOptionSubCommandGroup:
			lines = append(lines, usage(loc, prefix+" "+localOr(o.NameLocalizations, loc, o.Name), localOr(o.DescriptionLocalizations, loc, o.Description), o.Options)...)
		default:
			name := localOr(o.NameLocalizations, loc, o.Name)
			if o.Required {
				args = append(args, name+":")
			} else {
				args = append(args, "["+name+":]")
			}
		}
	}
	if len(lines) > 0 {
		return lines
	}
	return []string{"`" + strings.Join(append([]string{prefix}, args...), " ") + "` — " + description}
}

// fields puts lines into as few embed fields as Discord's 1,024-character
// limit allows, the first one named, the others "name (more)" in t's
// language.
func fields(t *locale.T, name string, lines []string) []*discordgo.MessageEmbedField {
	var out []*discordgo.MessageEmbedField
	var b strings.Builder
	flush := func() {
		if b.Len() == 0 {
			return
		}
		n := name
		if len(out) > 0 {
			n = t.F(msgHelpMore, "Name", name)
		}
		out = append(out, &discordgo.MessageEmbedField{Name: clip(n, limits.FieldName), Value: b.String()})
		b.Reset()
	}
	for _, l := range lines {
		l = clip(l, limits.FieldValue)
		if b.Len() > 0 && b.Len()+1+len(l) > limits.FieldValue {
			flush()
		}
		if b.Len() > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(l)
	}
	flush()
	return out
}
