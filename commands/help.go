package commands

import (
	"context"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/filmbot/filmbot/limits"
	"github.com/filmbot/filmbot/tmdb"
)

var helpDef = &discordgo.ApplicationCommand{
	Name:        "help",
	Description: "What filmbot can do, and how to ask",
}

// who says who may use the commands hidden by default_member_permissions;
// the handlers check the same on every call. Moderator rights are
// server-wide rights only (see permAdmin).
var who = map[string]string{
	"manage":   "For moderators (Manage Server, Administrator, or the moderator role set with /settings mod-role)",
	"settings": "For server managers (Manage Server or Administrator)",
}

// tmdbOff says how to turn on looking films up on TMDB, when it is off.
const tmdbOff = "Looking films up on TMDB is off: the bot's operator turns it on by setting TMDB_TOKEN to an API Read Access Token from https://www.themoviedb.org/settings/api."

// help lists every command as Discord would show it, written from the
// command definitions themselves so that it cannot fall out of date.
func (s *Set) help(ctx context.Context, _ *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
	var everyone []string
	restricted := map[string][]string{}
	var order []string
	for _, c := range s.Commands() {
		lines := usage("/"+c.Def.Name, c.Def.Description, c.Def.Options)
		if c.Def.DefaultMemberPermissions == nil {
			everyone = append(everyone, lines...)
			continue
		}
		name, ok := who[c.Def.Name]
		if !ok {
			name = "For members with the permissions these need"
		}
		if _, seen := restricted[name]; !seen {
			order = append(order, name)
		}
		restricted[name] = append(restricted[name], lines...)
	}
	fs := fields("For everyone", everyone)
	for _, name := range order {
		fs = append(fs, fields(name, restricted[name])...)
	}
	desc := "Every `film:` option completes as you type: pick a film from the list. " +
		"Options in [brackets] are optional. Ratings and moderators' commands work in servers; " +
		"`/review`, `/cast` and `/film` also work in a DM.\n\n"
	if s.source == nil {
		desc += tmdbOff + "\n"
	} else {
		desc += "Films not in this server's catalog are looked up on TMDB (The Movie Database). "
	}
	desc += tmdb.Attribution
	embed := &discordgo.MessageEmbed{
		Title:       "filmbot: reviews, cast & crew, ratings",
		Description: desc,
		Color:       colour,
		Fields:      fs,
	}
	return ephemeral(embed), nil
}

// usage is a line per leaf command: "`/rate film: [score:]` — Rate a film".
func usage(prefix, description string, opts []*discordgo.ApplicationCommandOption) []string {
	var lines []string
	var args []string
	for _, o := range opts {
		switch o.Type {
		case discordgo.ApplicationCommandOptionSubCommand, discordgo.ApplicationCommandOptionSubCommandGroup:
			lines = append(lines, usage(prefix+" "+o.Name, o.Description, o.Options)...)
		default:
			if o.Required {
				args = append(args, o.Name+":")
			} else {
				args = append(args, "["+o.Name+":]")
			}
		}
	}
	if len(lines) > 0 {
		return lines
	}
	return []string{"`" + strings.Join(append([]string{prefix}, args...), " ") + "` — " + description}
}

// fields puts lines into as few embed fields as Discord's 1,024-character
// limit allows, the first one named.
func fields(name string, lines []string) []*discordgo.MessageEmbedField {
	var out []*discordgo.MessageEmbedField
	var b strings.Builder
	flush := func() {
		if b.Len() == 0 {
			return
		}
		n := name
		if len(out) > 0 {
			n = name + " (more)"
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
