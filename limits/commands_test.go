package limits

import (
	"fmt"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"
)

func locs(m map[discordgo.Locale]string) *map[discordgo.Locale]string { return &m }

func rate() *discordgo.ApplicationCommand {
	return &discordgo.ApplicationCommand{
		Name: "rate", Description: "Rate a film",
		DescriptionLocalizations: locs(map[discordgo.Locale]string{"ru": "Оценить фильм", "de": "Einen Film bewerten"}),
		Options: []*discordgo.ApplicationCommandOption{
			{Type: discordgo.ApplicationCommandOptionString, Name: "film", Description: "The film", Required: true, Autocomplete: true,
				NameLocalizations: map[discordgo.Locale]string{"ru": "фильм"}, DescriptionLocalizations: map[discordgo.Locale]string{"ru": "Фильм"}},
			{Type: discordgo.ApplicationCommandOptionInteger, Name: "score", Description: "1-10", Required: true},
			{Type: discordgo.ApplicationCommandOptionString, Name: "order", Description: "Order",
				Choices: []*discordgo.ApplicationCommandOptionChoice{{Name: "Newest", Value: "new", NameLocalizations: map[discordgo.Locale]string{"ru": "Сначала новые"}}}},
		},
	}
}

// codes is every error's code at its path: "0.options.1.name BASE_TYPE_BAD_LENGTH".
func codes(defs []*discordgo.ApplicationCommand) []string {
	var out []string
	for _, e := range CommandErrors(defs) {
		out = append(out, strings.Join(e.Path, ".")+" "+e.Code)
	}
	return out
}

func TestCommandsPassAndFail(t *testing.T) {
	userInstallable := rate()
	userInstallable.Name = "film"
	userInstallable.IntegrationTypes = &[]discordgo.ApplicationIntegrationType{discordgo.ApplicationIntegrationGuildInstall, discordgo.ApplicationIntegrationUserInstall}
	userInstallable.Contexts = &[]discordgo.InteractionContextType{discordgo.InteractionContextGuild, discordgo.InteractionContextBotDM, discordgo.InteractionContextPrivateChannel}
	if err := Commands([]*discordgo.ApplicationCommand{rate(), {Name: "help", Description: "Help"}, userInstallable}); err != nil {
		t.Fatalf("valid definitions refused: %v", err)
	}
	long := strings.Repeat("я", 101)
	for name, c := range map[string]struct {
		mod  func(d *discordgo.ApplicationCommand)
		want string
	}{
		"long localized description": {func(d *discordgo.ApplicationCommand) { (*d.DescriptionLocalizations)["ru"] = long }, "0.description_localizations.ru BASE_TYPE_BAD_LENGTH"},
		"empty localized option description": {func(d *discordgo.ApplicationCommand) { d.Options[0].DescriptionLocalizations["ru"] = "" },
			"0.options.0.description_localizations.ru BASE_TYPE_BAD_LENGTH"},
		"long choice name": {func(d *discordgo.ApplicationCommand) { d.Options[2].Choices[0].NameLocalizations["ru"] = long },
			"0.options.2.choices.0.name_localizations.ru BASE_TYPE_BAD_LENGTH"},
		"upper-case localized name": {func(d *discordgo.ApplicationCommand) { d.Options[0].NameLocalizations["ru"] = "Фильм" },
			"0.options.0.name_localizations.ru APPLICATION_COMMAND_INVALID_NAME"},
		"space in a name":      {func(d *discordgo.ApplicationCommand) { d.Options[1].Name = "the score" }, "0.options.1.name APPLICATION_COMMAND_INVALID_NAME"},
		"33-character name":    {func(d *discordgo.ApplicationCommand) { d.Name = strings.Repeat("a", 33) }, "0.name BASE_TYPE_BAD_LENGTH"},
		"not Discord's locale": {func(d *discordgo.ApplicationCommand) { (*d.DescriptionLocalizations)["xx"] = "x" }, "0.description_localizations.xx ENUM_TYPE_COERCE"},
		"en is no locale":      {func(d *discordgo.ApplicationCommand) { d.Options[0].NameLocalizations["en"] = "film" }, "0.options.0.name_localizations.en ENUM_TYPE_COERCE"},
		"localized name is a sibling's name": {func(d *discordgo.ApplicationCommand) { d.Options[0].NameLocalizations["ru"] = "score" },
			"0.options.0.name_localizations.ru APPLICATION_COMMAND_OPTIONS_NAME_ALREADY_EXISTS"},
		"two siblings, one localized name": {func(d *discordgo.ApplicationCommand) {
			d.Options[1].NameLocalizations = map[discordgo.Locale]string{"ru": "фильм"}
		},
			"0.options.0.name_localizations.ru APPLICATION_COMMAND_OPTIONS_NAME_ALREADY_EXISTS"},
		"same name twice": {func(d *discordgo.ApplicationCommand) { d.Options[2].Name = "film" }, "0.options.2.name APPLICATION_COMMAND_OPTIONS_NAME_ALREADY_EXISTS"},
		"26 options": {func(d *discordgo.ApplicationCommand) {
			d.Options = nil
			for k := range 26 {
				d.Options = append(d.Options, &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionString, Name: fmt.Sprint("o", k), Description: "x"})
			}
		}, "0.options BASE_TYPE_MAX_LENGTH"},
		"26 choices": {func(d *discordgo.ApplicationCommand) {
			for k := range 25 {
				d.Options[2].Choices = append(d.Options[2].Choices, &discordgo.ApplicationCommandOptionChoice{Name: fmt.Sprint("c", k), Value: fmt.Sprint(k)})
			}
		}, "0.options.2.choices BASE_TYPE_MAX_LENGTH"},
		"no such install": {func(d *discordgo.ApplicationCommand) {
			d.IntegrationTypes = &[]discordgo.ApplicationIntegrationType{discordgo.ApplicationIntegrationGuildInstall, 2}
		}, "0.integration_types.1 BASE_TYPE_CHOICES"},
		"no such context": {func(d *discordgo.ApplicationCommand) {
			d.Contexts = &[]discordgo.InteractionContextType{discordgo.InteractionContextPrivateChannel, 3}
		}, "0.contexts.1 BASE_TYPE_CHOICES"},
		"required after optional": {func(d *discordgo.ApplicationCommand) { d.Options[2].Required, d.Options[1].Required = true, false },
			"0.options.2.required APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID"},
	} {
		d := rate()
		c.mod(d)
		got := codes([]*discordgo.ApplicationCommand{d})
		if !contains(got, c.want) {
			t.Errorf("%s: errors %q, want %q", name, got, c.want)
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// A command's size counts each field at its longest localization: the
// same command passes in English and fails once a language's choices
// are long, though every one of them is within its own limit.
func TestCommandSizeCountsLongestLocalization(t *testing.T) {
	build := func(localized bool) *discordgo.ApplicationCommand {
		d := &discordgo.ApplicationCommand{Name: "pick", Description: "Pick"}
		for o := range 10 {
			opt := &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionString, Name: fmt.Sprint("o", o), Description: "An option"}
			for c := range 10 {
				ch := &discordgo.ApplicationCommandOptionChoice{Name: fmt.Sprint("choice ", c), Value: fmt.Sprint(c)}
				if localized {
					ch.NameLocalizations = map[discordgo.Locale]string{"de": strings.Repeat("ä", 100), "ru": strings.Repeat("я", 60)}
				}
				opt.Choices = append(opt.Choices, ch)
			}
			d.Options = append(d.Options, opt)
		}
		return d
	}
	if err := Commands([]*discordgo.ApplicationCommand{build(false)}); err != nil {
		t.Fatalf("the English command is refused: %v", err)
	}
	errs := CommandErrors([]*discordgo.ApplicationCommand{build(true)})
	if len(errs) != 1 || errs[0].Code != "APPLICATION_COMMAND_TOO_LARGE" || strings.Join(errs[0].Path, ".") != "0" || !strings.Contains(errs[0].Error(), "/pick") {
		t.Fatalf("errors %v, want the command too large", errs)
	}
	// 4 + 4 + 10×(2 + 9) + 100 choices × (100 + 1) = 10,218 characters.
	if !strings.Contains(errs[0].Message, "10218") {
		t.Errorf("message %q does not count 10,218 characters", errs[0].Message)
	}
}

func TestCommandsCount(t *testing.T) {
	var defs []*discordgo.ApplicationCommand
	for k := range 101 {
		defs = append(defs, &discordgo.ApplicationCommand{Name: fmt.Sprint("c", k), Description: "x"})
	}
	if got := codes(defs); !contains(got, " BASE_TYPE_MAX_LENGTH") {
		t.Errorf("101 commands: %q", got)
	}
	if err := Commands(defs[:100]); err != nil {
		t.Errorf("100 commands: %v", err)
	}
	defs[1].NameLocalizations = locs(map[discordgo.Locale]string{"fr": "c0"})
	if got := codes(defs[:2]); !contains(got, "1.name_localizations.fr APPLICATION_COMMANDS_DUPLICATE_NAME") {
		t.Errorf("a localized command name that is another's: %q", got)
	}
	// A user command's name may have capitals and spaces, and it has no
	// description; it does not clash with a chat command of the same name.
	user := &discordgo.ApplicationCommand{Type: discordgo.UserApplicationCommand, Name: "Rate their taste"}
	if err := Commands([]*discordgo.ApplicationCommand{user, {Name: "rate", Description: "x"}}); err != nil {
		t.Errorf("a user command: %v", err)
	}
	// Context menus: 15 of each kind, beside 100 chat commands; a name
	// only.
	defs[1].NameLocalizations = nil
	var menus []*discordgo.ApplicationCommand
	for k := range 16 {
		menus = append(menus, &discordgo.ApplicationCommand{Type: discordgo.MessageApplicationCommand, Name: fmt.Sprint("Films ", k)},
			&discordgo.ApplicationCommand{Type: discordgo.UserApplicationCommand, Name: fmt.Sprint("Compare ", k)})
	}
	if err := Commands(append(defs[:100:100], menus[:30]...)); err != nil {
		t.Errorf("100 chat, 15 user and 15 message commands: %v", err)
	}
	if got := codes(menus); len(got) != 2 || !contains(got, " BASE_TYPE_MAX_LENGTH") {
		t.Errorf("16 user and 16 message commands: %q", got)
	}
	bad := []*discordgo.ApplicationCommand{
		{Type: discordgo.MessageApplicationCommand, Name: "Films", Description: "The films"},
		{Type: discordgo.UserApplicationCommand, Name: "Taste", Options: []*discordgo.ApplicationCommandOption{{Type: discordgo.ApplicationCommandOptionString, Name: "x", Description: "x"}}},
		{Type: discordgo.UserApplicationCommand, Name: strings.Repeat("W", 33)},
	}
	got := codes(bad)
	for _, want := range []string{"0.description BASE_TYPE_BAD_LENGTH", "1.options BASE_TYPE_MAX_LENGTH", "2.name BASE_TYPE_BAD_LENGTH"} {
		if !contains(got, want) {
			t.Errorf("bad context menus: %q lacks %q", got, want)
		}
	}
}
