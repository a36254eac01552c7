package sandbox

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/bwmarrin/discordgo"
)

// ParseCommandLineIn parses a typed line ("/review film:anora") into
// the data Discord would send, typing each option by the command's
// definition, for a member whose Discord is in locale ("": English):
// names may be typed as their client shows them (a command's,
// subcommand's or option's name localization for locale, or the name
// itself), and the data names them as Discord sends them, by their
// names. focus names the option being autocompleted, if any (either
// name).
func ParseCommandLineIn(line string, cmds []*discordgo.ApplicationCommand, focus, locale string) (discordgo.ApplicationCommandInteractionData, error) {
	var data discordgo.ApplicationCommandInteractionData
	toks, err := tokenize(line)
	if err != nil {
		return data, err
	}
	if len(toks) == 0 || !strings.HasPrefix(toks[0], "/") || len(toks[0]) < 2 {
		return data, fmt.Errorf("a command line starts with /name, like '/review film:anora'")
	}
	data.Name = toks[0][1:]
	data.CommandType = discordgo.ChatApplicationCommand
	var defs []*discordgo.ApplicationCommandOption
	known := false
	for _, c := range cmds {
		if c.Type > discordgo.ChatApplicationCommand {
			continue // right-click commands are not typed
		}
		if c.Name == data.Name || (locale != "" && c.NameLocalizations != nil && (*c.NameLocalizations)[discordgo.Locale(locale)] == data.Name) {
			defs, known = c.Options, true
			data.ID, data.Name = c.ID, c.Name
			break
		}
	}
	// canonical is the name of the option typed as t, if one of defs.
	canonical := func(t string, defs []*discordgo.ApplicationCommandOption) string {
		for _, d := range defs {
			if d.Name == t {
				return t
			}
		}
		for _, d := range defs {
			if locale != "" && d.NameLocalizations[discordgo.Locale(locale)] == t {
				return d.Name
			}
		}
		return t
	}
	opts := &data.Options
	for _, t := range toks[1:] {
		name, value, isOpt := strings.Cut(t, ":")
		if !isOpt {
			t = canonical(t, defs)
			// A subcommand or group: /manage review add
			var def *discordgo.ApplicationCommandOption
			for _, d := range defs {
				if d.Name == t && (d.Type == discordgo.ApplicationCommandOptionSubCommand || d.Type == discordgo.ApplicationCommandOptionSubCommandGroup) {
					def = d
				}
			}
			if def == nil && known {
				return data, fmt.Errorf("/%s has no subcommand %q", data.Name, t)
			}
			o := &discordgo.ApplicationCommandInteractionDataOption{Name: t, Type: discordgo.ApplicationCommandOptionSubCommand}
			if def != nil {
				o.Type, defs = def.Type, def.Options
			}
			*opts = append(*opts, o)
			opts = &o.Options
			continue
		}
		typed := name
		name = canonical(name, defs)
		o, err := typedOption(name, value, defs, known)
		if err != nil {
			return data, fmt.Errorf("/%s: %w", data.Name, err)
		}
		o.Focused = name == focus || (focus != "" && typed == focus)
		*opts = append(*opts, o)
	}
	if focus != "" {
		focus = canonical(focus, defs)
		found := false
		for _, o := range *opts {
			found = found || o.Name == focus
		}
		if !found {
			o, err := typedOption(focus, "", defs, known)
			if err != nil {
				return data, err
			}
			o.Focused = true
			*opts = append(*opts, o)
		}
	}
	return data, nil
}

func typedOption(name, value string, defs []*discordgo.ApplicationCommandOption, known bool) (*discordgo.ApplicationCommandInteractionDataOption, error) {
	o := &discordgo.ApplicationCommandInteractionDataOption{Name: name, Type: discordgo.ApplicationCommandOptionString, Value: value}
	var def *discordgo.ApplicationCommandOption
	for _, d := range defs {
		if d.Name == name {
			def = d
		}
	}
	if def == nil {
		if known {
			var names []string
			for _, d := range defs {
				names = append(names, d.Name)
			}
			return nil, fmt.Errorf("no option %q (options: %s)", name, strings.Join(names, ", "))
		}
		return o, nil
	}
	o.Type = def.Type
	switch def.Type {
	case discordgo.ApplicationCommandOptionInteger, discordgo.ApplicationCommandOptionNumber:
		f, err := strconv.ParseFloat(value, 64)
		if err != nil && value != "" {
			return nil, fmt.Errorf("option %s takes a number, not %q", name, value)
		}
		// Discord sends numbers as JSON numbers, which decode to float64;
		// while typing, autocomplete sends the raw text.
		o.Value = f
		if value == "" {
			o.Value = value
		}
	case discordgo.ApplicationCommandOptionBoolean:
		v, err := strconv.ParseBool(value)
		if err != nil {
			return nil, fmt.Errorf("option %s takes true or false, not %q", name, value)
		}
		o.Value = v
	}
	return o, nil
}

// tokenize splits a command line on spaces, keeping quoted values whole:
// about:"Drew Daniels" is one token, about:Drew Daniels.
func tokenize(line string) ([]string, error) {
	var toks []string
	var cur strings.Builder
	var quote rune
	in := false
	for _, r := range line {
		switch {
		case quote != 0:
			if r == quote {
				quote = 0
			} else {
				cur.WriteRune(r)
			}
		case r == '"' || r == '\'':
			quote, in = r, true
		case r == ' ' || r == '\t' || r == '\n':
			if in {
				toks = append(toks, cur.String())
				cur.Reset()
				in = false
			}
		default:
			cur.WriteRune(r)
			in = true
		}
	}
	if quote != 0 {
		return nil, fmt.Errorf("unclosed quote in %q", line)
	}
	if in {
		toks = append(toks, cur.String())
	}
	return toks, nil
}
