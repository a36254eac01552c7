package commands

import (
	"context"
	"sync"

	"github.com/bwmarrin/discordgo"

	"github.com/filmbot/filmbot/locale"
	"github.com/filmbot/filmbot/storage"
)

// Who reads what (issue 27): what a member asked for, or only they see,
// is in their language (tr); what the bot posts on its own in a server
// (announcements, threads, movie-night polls, steps, verdicts) is in the
// server's (serverTr: /settings language, else the server's own locale).

// tr is the translator for the member who sent i.
func tr(i *discordgo.InteractionCreate) *locale.T { return locale.For(string(i.Locale)) }

// serverLocale is the language scope's posts are written in: its
// /settings language, else guildLocale (Discord's guild_locale of an
// interaction from it; "" outside one: English).
func serverLocale(set storage.Settings, guildLocale string) string {
	if set.Language != "" {
		return set.Language
	}
	return guildLocale
}

// serverTr is the translator for what the bot posts on its own in the
// server i came from.
func (s *Set) serverTr(ctx context.Context, i *discordgo.InteractionCreate) *locale.T {
	var set storage.Settings
	if scope, err := scopeOf(i); err == nil && i.GuildID != "" && s.serverSettings != nil {
		set, _ = s.serverSettings.Settings(ctx, scope)
	}
	guild := ""
	if i.GuildLocale != nil {
		guild = string(*i.GuildLocale)
	}
	return locale.For(serverLocale(set, guild))
}

var (
	localizedMu sync.Mutex
	localized   = map[*discordgo.ApplicationCommand]bool{}
)

// localizeDef fills def's localizations from the language files, once.
func localizeDef(def *discordgo.ApplicationCommand) {
	localizedMu.Lock()
	defer localizedMu.Unlock()
	if !localized[def] {
		locale.Command(def)
		localized[def] = true
	}
}

// userText is a mistake the user can fix, already in their language.
func userText(s string) error { return storage.Invalid("%s", s) }
