package limits

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/filmbot/filmbot/locale"
)

// Discord's limits on command definitions, counting every localization.
const (
	CommandsMax     = 100  // chat (slash) commands in one bulk overwrite
	MenusMax        = 15   // user commands, and message commands, in one bulk overwrite (context menus)
	CommandName     = 32   // a name, or a localized name
	CommandDesc     = 100  // a description, or a localized description
	CommandOptions  = 25   // options (or subcommands) of one command or subcommand
	OptionChoices   = 25   // choices of one option
	CommandTotal    = 8000 // one command's characters: names, descriptions, choices, each field at its longest localization
	errBadLength    = "BASE_TYPE_BAD_LENGTH"
	errMaxLength    = "BASE_TYPE_MAX_LENGTH"
	errInvalidName  = "APPLICATION_COMMAND_INVALID_NAME"
	errDuplicate    = "APPLICATION_COMMAND_OPTIONS_NAME_ALREADY_EXISTS"
	errDuplicateCmd = "APPLICATION_COMMANDS_DUPLICATE_NAME"
	errTooLarge     = "APPLICATION_COMMAND_TOO_LARGE"
	errLocale       = "ENUM_TYPE_COERCE"
	errRequired     = "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID"
	errChoice       = "BASE_TYPE_CHOICES"
	errAutocomplete = "APPLICATION_COMMAND_OPTION_CHOICES_AUTOCOMPLETE"
)

// CommandError is one way a command definition breaks Discord's rules,
// as Discord reports it when a bulk overwrite is refused (400, code
// 50035): Path is where, as the keys of Discord's "errors" object
// ("0", "options", "1", "description_localizations", "ru"; empty for the
// list itself), Code and Message its error's.
type CommandError struct {
	Command string // the command's name, for people; "" for the list
	Path    []string
	Code    string
	Message string
}

func (e *CommandError) Error() string {
	where := strings.Join(e.Path, ".")
	if e.Command != "" {
		where = "/" + e.Command + " (" + where + ")"
	}
	if where == "" {
		where = "the command list"
	}
	return where + ": " + e.Message
}

// Commands checks command definitions as Discord's bulk overwrite does,
// counting every localization: names 1-32 characters by Discord's name
// rule (locale.NameRule), lower case, unique among their siblings in
// every locale; descriptions and choice names 1-100 in every locale;
// localizations only for Discord's locales (locale.Discord); at most 25
// options per level, 25 choices per option, 100 chat commands and 15
// each of user and message commands (context menus: a name of 1-32
// characters, spaces and capitals allowed, no description, no options);
// and each
// command's characters (name, description, options' and choices' names,
// descriptions and values, each field at its longest localization) at
// most 8,000. It returns every CommandError, joined, or nil.
func Commands(defs []*discordgo.ApplicationCommand) error {
	errs := CommandErrors(defs)
	if len(errs) == 0 {
		return nil
	}
	out := make([]error, len(errs))
	for k, e := range errs {
		out[k] = e
	}
	return errors.Join(out...)
}

// CommandErrors is what Commands finds, one CommandError each.
func CommandErrors(defs []*discordgo.ApplicationCommand) []*CommandError {
	c := &cmdJudge{}
	kinds := map[discordgo.ApplicationCommandType]int{}
	for _, d := range defs {
		if d != nil {
			kinds[kindOf(d)]++
		}
	}
	for kind, n := range kinds {
		max := CommandsMax
		if kind == discordgo.UserApplicationCommand || kind == discordgo.MessageApplicationCommand {
			max = MenusMax
		}
		if n > max {
			c.bad("", nil, errMaxLength, fmt.Sprintf("Must be %d or fewer in length (%d commands of type %d).", max, n, kind))
		}
	}
	for k, d := range defs {
		path := []string{strconv.Itoa(k)}
		if d == nil {
			c.bad("", path, "MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType.")
			continue
		}
		c.command(d, path)
	}
	// Names are unique among commands of a kind, in every locale.
	var sibs []sibling
	for k, d := range defs {
		if d != nil {
			sibs = append(sibs, sibling{name: d.Name, kind: int(kindOf(d)), locs: deref(d.NameLocalizations), path: []string{strconv.Itoa(k)}})
		}
	}
	c.unique("", sibs, errDuplicateCmd, "Application command names must be unique")
	return c.errs
}

func kindOf(d *discordgo.ApplicationCommand) discordgo.ApplicationCommandType {
	if d.Type == 0 {
		return discordgo.ChatApplicationCommand
	}
	return d.Type
}

func deref(m *map[discordgo.Locale]string) map[discordgo.Locale]string {
	if m == nil {
		return nil
	}
	return *m
}

type cmdJudge struct {
	errs []*CommandError
	cmd  string
}

func (c *cmdJudge) bad(cmd string, path []string, code, msg string) {
	c.errs = append(c.errs, &CommandError{Command: cmd, Path: slices.Clone(path), Code: code, Message: msg})
}

func at(path []string, more ...string) []string {
	return append(slices.Clone(path), more...)
}

func (c *cmdJudge) command(d *discordgo.ApplicationCommand, path []string) {
	c.cmd = d.Name
	chat := kindOf(d) == discordgo.ChatApplicationCommand
	if chat {
		c.name(d.Name, at(path, "name"))
	} else if l := n(d.Name); l < 1 || l > CommandName {
		c.bad(c.cmd, at(path, "name"), errBadLength, fmt.Sprintf("Must be between 1 and %d in length.", CommandName))
	}
	for loc, s := range deref(d.NameLocalizations) {
		c.locale(loc, at(path, "name_localizations"))
		if chat {
			c.name(s, at(path, "name_localizations", string(loc)))
		} else if l := n(s); l < 1 || l > CommandName {
			c.bad(c.cmd, at(path, "name_localizations", string(loc)), errBadLength, fmt.Sprintf("Must be between 1 and %d in length.", CommandName))
		}
	}
	if chat {
		c.text(d.Description, deref(d.DescriptionLocalizations), path, "description", CommandDesc)
	} else {
		// A context menu has a name only: its description is "" and it
		// takes no options (Discord's docs: both are CHAT_INPUT's).
		if d.Description != "" || len(deref(d.DescriptionLocalizations)) > 0 {
			c.bad(c.cmd, at(path, "description"), errBadLength, "Must be empty for a user or message command.")
		}
		if len(d.Options) > 0 {
			c.bad(c.cmd, at(path, "options"), errMaxLength, "Must be 0 or fewer in length (a user or message command takes no options).")
		}
	}
	// Where it installs (0 a server, 1 a user) and where it works (0 a
	// server, 1 the bot's DM, 2 private channels): Discord's values only.
	if d.IntegrationTypes != nil {
		for k, v := range *d.IntegrationTypes {
			if v != discordgo.ApplicationIntegrationGuildInstall && v != discordgo.ApplicationIntegrationUserInstall {
				c.bad(c.cmd, at(path, "integration_types", strconv.Itoa(k)), errChoice, "Value must be one of {0, 1}.")
			}
		}
	}
	if d.Contexts != nil {
		for k, v := range *d.Contexts {
			if v > discordgo.InteractionContextPrivateChannel {
				c.bad(c.cmd, at(path, "contexts", strconv.Itoa(k)), errChoice, "Value must be one of {0, 1, 2}.")
			}
		}
	}
	total := longest(d.Name, deref(d.NameLocalizations)) + longest(d.Description, deref(d.DescriptionLocalizations))
	total += c.options(d.Options, at(path, "options"))
	if total > CommandTotal {
		c.bad(c.cmd, path, errTooLarge, fmt.Sprintf("Command exceeds maximum size (%d): %d characters, counting each field's longest localization.", CommandTotal, total))
	}
}

// name checks a chat command's or an option's name, or a localization of
// one.
func (c *cmdJudge) name(s string, path []string) {
	if l := n(s); l < 1 || l > CommandName {
		c.bad(c.cmd, path, errBadLength, fmt.Sprintf("Must be between 1 and %d in length.", CommandName))
		return
	}
	if !locale.NameRule.MatchString(s) || strings.ToLower(s) != s {
		c.bad(c.cmd, path, errInvalidName, fmt.Sprintf("Command name is invalid: %q (lower-case letters, digits, - or _).", s))
	}
}

// text checks a description or a choice's name and its localizations.
func (c *cmdJudge) text(s string, locs map[discordgo.Locale]string, path []string, field string, limit int) {
	if l := n(s); l < 1 || l > limit {
		c.bad(c.cmd, at(path, field), errBadLength, fmt.Sprintf("Must be between 1 and %d in length (%d).", limit, l))
	}
	for loc, t := range locs {
		c.locale(loc, at(path, field+"_localizations"))
		if l := n(t); l < 1 || l > limit {
			c.bad(c.cmd, at(path, field+"_localizations", string(loc)), errBadLength, fmt.Sprintf("Must be between 1 and %d in length (%d).", limit, l))
		}
	}
}

func (c *cmdJudge) locale(loc discordgo.Locale, path []string) {
	if !slices.Contains(locale.Discord, string(loc)) {
		c.bad(c.cmd, at(path, string(loc)), errLocale, fmt.Sprintf("Value %q is not a valid enum value.", string(loc)))
	}
}

// options checks one level of options and returns its characters.
func (c *cmdJudge) options(opts []*discordgo.ApplicationCommandOption, path []string) int {
	if len(opts) > CommandOptions {
		c.bad(c.cmd, path, errMaxLength, fmt.Sprintf("Must be %d or fewer in length.", CommandOptions))
	}
	total := 0
	optional := false
	var sibs []sibling
	for k, o := range opts {
		p := at(path, strconv.Itoa(k))
		if o == nil {
			c.bad(c.cmd, p, "MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType.")
			continue
		}
		sibs = append(sibs, sibling{name: o.Name, locs: o.NameLocalizations, path: p})
		c.name(o.Name, at(p, "name"))
		for loc, s := range o.NameLocalizations {
			c.locale(loc, at(p, "name_localizations"))
			c.name(s, at(p, "name_localizations", string(loc)))
		}
		c.text(o.Description, o.DescriptionLocalizations, p, "description", CommandDesc)
		total += longest(o.Name, o.NameLocalizations) + longest(o.Description, o.DescriptionLocalizations)
		sub := o.Type == discordgo.ApplicationCommandOptionSubCommand || o.Type == discordgo.ApplicationCommandOptionSubCommandGroup
		if !sub {
			if o.Required && optional {
				c.bad(c.cmd, at(p, "required"), errRequired, "Required options must be placed before non-required options")
			}
			optional = optional || !o.Required
		}
		if len(o.Choices) > 0 && o.Autocomplete {
			c.bad(c.cmd, at(p, "autocomplete"), errAutocomplete, "Autocomplete cannot be set on an option with choices")
		}
		if len(o.Choices) > OptionChoices {
			c.bad(c.cmd, at(p, "choices"), errMaxLength, fmt.Sprintf("Must be %d or fewer in length.", OptionChoices))
		}
		for j, ch := range o.Choices {
			cp := at(p, "choices", strconv.Itoa(j))
			if ch == nil {
				c.bad(c.cmd, cp, "MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType.")
				continue
			}
			c.text(ch.Name, ch.NameLocalizations, cp, "name", ChoiceName)
			total += longest(ch.Name, ch.NameLocalizations)
			if v, ok := ch.Value.(string); ok {
				if l := n(v); l < 1 || l > ChoiceValue {
					c.bad(c.cmd, at(cp, "value"), errBadLength, fmt.Sprintf("Must be between 1 and %d in length.", ChoiceValue))
				}
				total += n(v)
			} else {
				total += n(fmt.Sprint(ch.Value))
			}
		}
		total += c.options(o.Options, at(p, "options"))
	}
	c.unique(c.cmd, sibs, errDuplicate, "Application command option names must be unique")
	return total
}

// sibling is a command or an option beside others of its level.
type sibling struct {
	name string
	kind int
	locs map[discordgo.Locale]string
	path []string
}

// unique reports a name, or a localized name, that a sibling (of the same
// kind) also has, in the same locale: by default, or localized.
func (c *cmdJudge) unique(cmd string, sibs []sibling, code, msg string) {
	for a := range sibs {
		for b := range sibs {
			if a == b || sibs[a].kind != sibs[b].kind {
				continue
			}
			A, B := sibs[a], sibs[b]
			if a < b && A.name == B.name {
				c.bad(cmd, at(B.path, "name"), code, fmt.Sprintf("%s: %q twice.", msg, A.name))
			}
			for loc, s := range A.locs {
				if s == B.name || s == B.locs[loc] {
					if s == B.locs[loc] && a > b {
						continue // reported from the other side
					}
					c.bad(cmd, at(A.path, "name_localizations", string(loc)), code, fmt.Sprintf("%s: %q in %s is also %s's.", msg, s, loc, B.name))
				}
			}
		}
	}
}

// longest is a field's characters at its longest localization, the
// default text included.
func longest(s string, locs map[discordgo.Locale]string) int {
	m := n(s)
	for _, t := range locs {
		m = max(m, n(t))
	}
	return m
}
