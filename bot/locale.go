package bot

import (
	"github.com/bwmarrin/discordgo"

	"github.com/filmbot/filmbot/locale"
)

// What the envelope writes itself is in the member's language (the
// interaction's locale): its own messages (bot.…), and the messages the
// packages below the commands give their errors (error.…: the database
// away, TMDB not answering), which a member is shown as they are. A
// message a handler wrote is in the member's language already and is
// shown as it is.

// english is the English text of each message the envelope may show, and
// byText finds a message by its English text: an error whose Msg is one
// of them is shown in the member's language.
var (
	english = map[locale.Key]string{}
	byText  = map[string]locale.Key{}
)

// shown declares a message the envelope shows a member.
func shown(id, en string) locale.Key {
	k := locale.Text(id, en)
	english[k] = en
	byText[en] = k
	return k
}

// The default messages of the error codes of storage and source: what a
// member reads when a handler passes such an error on. Their English is
// the packages' own (TestErrorDefaultsMatch keeps them equal).
var errorDefaults = []locale.Key{
	shown("error.unavailable", "I can't reach the database right now. Please try again in a moment."),
	shown("error.source_down", "TMDB is not answering: showing this server's catalog only."),
	shown("error.source_busy", "TMDB is busy right now: try again in a moment."),
	shown("error.ambiguous", "More than one film has that title and year on TMDB."),
	shown("error.source_off", "Looking films up on TMDB is off here: only this server's catalog is searched."),
	shown("error.bad_ref", "That is not a TMDB id (603), a themoviedb.org/movie link or an IMDb id (tt0133093)."),
}

// memberTr is the translator for the member who sent i.
func memberTr(i *discordgo.InteractionCreate) *locale.T {
	if i == nil || i.Interaction == nil {
		return locale.For(locale.English)
	}
	return locale.For(string(i.Locale))
}

// memberText is msg, an error's message for members, in t's language: a
// default message of the bot or of an error code translated, anything
// else (a handler's own, already translated) as it is.
func memberText(t *locale.T, msg string) string {
	if k, ok := byText[msg]; ok {
		return t.S(k)
	}
	return msg
}

// Translates says whether the envelope shows msg, a storage or source
// error's own English message, in the member's language: a handler may
// pass such an error on as it is.
func Translates(msg string) bool { _, ok := byText[msg]; return ok }
