package locale

import (
	"regexp"

	"github.com/bwmarrin/discordgo"
)

// Discord is every locale Discord's client can be set to (its API
// reference, "Locales"): the keys a definition's localizations may have.
var Discord = []string{
	"id", "da", "de", "en-GB", "en-US", "es-ES", "es-419", "fr", "hr", "it", "lt", "hu", "nl", "no",
	"pl", "pt-BR", "ro", "fi", "sv-SE", "vi", "tr", "cs", "el", "bg", "ru", "uk", "hi", "th",
	"zh-CN", "ja", "zh-TW", "ko",
}

// NameRule is Discord's rule for command and option names (lower case
// where the script has case, checked apart).
var NameRule = regexp.MustCompile(`^[-_'\p{L}\p{N}\p{Devanagari}\p{Thai}]{1,32}$`)

// Command fills def's localizations, and its options' and choices',
// from the language files, in place: for each of Discord's locales whose
// language filmbot speaks (or falls back to: es-419 reads Spanish),
// description_localizations always, name_localizations where the file
// gives a name. The ids are derived from the definition:
//
//	desc.<command>[.<option>…]            its description
//	name.<command>[.<option>…]            its name, where a speaker expects one
//	choice.<command>[.<option>…].<value>  a choice's name
//
// English is the definition's own text.
//
// A right-click command (a context menu: type 2 on a member, 3 on a
// message) has a name and nothing else: its name is a message of its own,
// name.<Name> ("name.Films in this message"), given in every language
// (Discord's rules for these names: 1-32 characters, spaces and capitals
// allowed).
func Command(def *discordgo.ApplicationCommand) {
	path := def.Name
	if def.Type == discordgo.UserApplicationCommand || def.Type == discordgo.MessageApplicationCommand {
		def.NameLocalizations = localized(define("name."+path, def.Name))
		return
	}
	dk := define("desc."+path, def.Description)
	def.DescriptionLocalizations = localized(dk)
	def.NameLocalizations = names(path)
	for _, o := range def.Options {
		option(path, o)
	}
}

func option(parent string, o *discordgo.ApplicationCommandOption) {
	path := parent + "." + o.Name
	if m := localized(define("desc."+path, o.Description)); m != nil {
		o.DescriptionLocalizations = *m
	}
	if n := names(path); n != nil {
		o.NameLocalizations = *n
	}
	for _, c := range o.Choices {
		if m := localized(define("choice."+path+"."+choiceValue(c.Value), c.Name)); m != nil {
			c.NameLocalizations = *m
		}
	}
	for _, sub := range o.Options {
		option(path, sub)
	}
}

func choiceValue(v any) string {
	switch v := v.(type) {
	case string:
		return v
	default:
		return jsonString(v)
	}
}

// localized is k's text in every Discord locale whose language is not
// English; nil when none.
func localized(k Key) *map[discordgo.Locale]string {
	out := map[discordgo.Locale]string{}
	for _, code := range Discord {
		t := For(code)
		if t.locale == English {
			continue
		}
		if s, ok := t.own(k); ok {
			out[discordgo.Locale(code)] = s
		}
	}
	if len(out) == 0 {
		return nil
	}
	return &out
}

// names is the name localizations the files give for path.
func names(path string) *map[discordgo.Locale]string {
	out := map[discordgo.Locale]string{}
	for _, code := range Discord {
		t := For(code)
		if t.locale == English {
			continue
		}
		if s, ok := t.lang.raw["name."+path]; ok && s != "" {
			out[discordgo.Locale(code)] = s
		}
	}
	if len(out) == 0 {
		return nil
	}
	return &out
}
