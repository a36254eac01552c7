package main

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/filmbot/filmbot/commands"
	"github.com/filmbot/filmbot/limits"
	"github.com/filmbot/filmbot/locale"
)

// definitions are the commands filmbot registers, localized from the
// language files (commands.Set.Commands localizes them).
func definitions() []*discordgo.ApplicationCommand {
	var defs []*discordgo.ApplicationCommand
	for _, c := range botCommands(commands.New(nil)) {
		defs = append(defs, c.Def)
	}
	return defs
}

// problemsByLanguage is locale.Problems() once every message is declared
// (every package is linked into this binary, and the definitions are
// built), grouped by language.
func problemsByLanguage() map[string][]string {
	definitions()
	out := map[string][]string{}
	for _, p := range locale.Problems() {
		lang, rest, ok := strings.Cut(p, ": ")
		if !ok {
			lang, rest = "(files)", p
		}
		out[lang] = append(out[lang], rest)
	}
	return out
}

// Every language file against every message filmbot declares: no id
// missing or unknown, the same placeholders as English, every CLDR
// plural form, names by Discord's rules. It prints what each language
// lacks.
func TestLanguageFiles(t *testing.T) {
	byLang := problemsByLanguage()
	for _, code := range locale.Locales()[1:] {
		t.Run(code, func(t *testing.T) {
			ps := byLang[code]
			if len(ps) > 0 {
				t.Errorf("%d problems in locale/messages/%s.json:\n  %s", len(ps), code, strings.Join(ps, "\n  "))
			}
		})
	}
	if ps := byLang["(files)"]; len(ps) > 0 {
		t.Errorf("language files: %s", strings.Join(ps, "; "))
	}
}

// The ids of the bot's envelope, its error messages and the local tools
// are complete in every language (TestLanguageFiles, over every id,
// passes once every package's translations are in).
func TestLanguageFilesForToolsAndEnvelope(t *testing.T) {
	for lang, ps := range problemsByLanguage() {
		for _, p := range ps {
			for _, prefix := range []string{"bot.", "error.", "try.", "playground."} {
				if strings.HasPrefix(p, prefix) {
					t.Errorf("%s: %s", lang, p)
				}
			}
		}
	}
}

// Today's definitions, with every language's localizations, are within
// Discord's limits (what serve checks before registering); one with a
// localized description over 100 characters is not.
func TestCommandDefinitionsWithinLimits(t *testing.T) {
	defs := definitions()
	if err := checkDefinitions(defs); err != nil {
		t.Fatal(err)
	}
	localized := 0
	for _, d := range defs {
		if d.DescriptionLocalizations != nil {
			localized++
		}
	}
	t.Logf("%d commands, %d with localized descriptions, in %d languages", len(defs), localized, len(locale.Locales()))
	// A copy of the first command with one description too long.
	bad := *defs[0]
	m := map[discordgo.Locale]string{}
	if bad.DescriptionLocalizations != nil {
		for k, v := range *bad.DescriptionLocalizations {
			m[k] = v
		}
	}
	m[discordgo.German] = strings.Repeat("Filmabend ", 11)
	bad.DescriptionLocalizations = &m
	err := checkDefinitions(append([]*discordgo.ApplicationCommand{&bad}, defs[1:]...))
	if err == nil || !strings.Contains(err.Error(), "refusing to start") || !strings.Contains(err.Error(), "/"+bad.Name+" (0.description_localizations.de)") {
		t.Fatalf("a 110-character German description: %v", err)
	}
	// And the biggest command's size, counted as Discord counts it.
	sizes := map[string]int{}
	for _, d := range defs {
		sizes[d.Name] = size(d)
	}
	names := make([]string, 0, len(sizes))
	for n := range sizes {
		names = append(names, n)
	}
	slices.SortFunc(names, func(a, b string) int { return sizes[b] - sizes[a] })
	t.Logf("largest commands (characters, longest localization of each field; limit %d): %s", limits.CommandTotal, fmt.Sprint(sizesOf(names[:min(3, len(names))], sizes)))
}

func sizesOf(names []string, sizes map[string]int) []string {
	var out []string
	for _, n := range names {
		out = append(out, fmt.Sprintf("/%s %d", n, sizes[n]))
	}
	return out
}

// size is a command's characters as Discord counts them against 8,000.
func size(d *discordgo.ApplicationCommand) int {
	long := func(s string, m map[discordgo.Locale]string) int {
		n := len([]rune(s))
		for _, v := range m {
			n = max(n, len([]rune(v)))
		}
		return n
	}
	deref := func(m *map[discordgo.Locale]string) map[discordgo.Locale]string {
		if m == nil {
			return nil
		}
		return *m
	}
	total := long(d.Name, deref(d.NameLocalizations)) + long(d.Description, deref(d.DescriptionLocalizations))
	var opts func([]*discordgo.ApplicationCommandOption)
	opts = func(os []*discordgo.ApplicationCommandOption) {
		for _, o := range os {
			total += long(o.Name, o.NameLocalizations) + long(o.Description, o.DescriptionLocalizations)
			for _, c := range o.Choices {
				total += long(c.Name, c.NameLocalizations) + len([]rune(fmt.Sprint(c.Value)))
			}
			opts(o.Options)
		}
	}
	opts(d.Options)
	return total
}

// filmbot try --locale runs the command as a member whose Discord is in
// that language: what the bot says is in it (here the envelope's answer
// to a button it no longer knows); a locale Discord does not have, or a
// server's language without a server, is a usage error.
func TestTryLocale(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "f.db")
	for _, c := range []struct {
		args []string
		code int
		out  string
	}{
		{[]string{"try", "--locale", "ru", "--click", "nope:1"}, 0, "Эта кнопка устарела."},
		{[]string{"try", "--locale", "de", "--guild", "5", "--guild-locale", "fr", "--click", "nope:1"}, 0, "Dieser Button ist veraltet."},
		{[]string{"try", "--locale", "es-419", "--click", "nope:1"}, 0, "Ese botón ya no está vigente."},
		{[]string{"try", "--click", "nope:1"}, 0, "That button is out of date."},
		{[]string{"try", "--locale", "ru", "/film film:anora"}, 0, "Anora"},
	} {
		code, out, errs := runMain(t, env(db), c.args...)
		if code != c.code || !strings.Contains(out, c.out) {
			t.Errorf("%v: exit %d, want %d with %q:\n%s%s", c.args, code, c.code, c.out, out, errs)
		}
	}
	for _, c := range []struct {
		args []string
		errs string
	}{
		{[]string{"try", "--locale", "klingon", "/film film:anora"}, "--locale: \"klingon\" is not one of Discord's locales"},
		{[]string{"try", "--guild-locale", "de", "/film film:anora"}, "give --guild too"},
		{[]string{"try", "--guild", "5", "--guild-locale", "en", "/film film:anora"}, "--guild-locale: \"en\""},
	} {
		code, out, errs := runMain(t, env(db), c.args...)
		if code != 2 || !strings.Contains(errs, c.errs) {
			t.Errorf("%v: exit %d, want 2 with %q:\n%s%s", c.args, code, c.errs, out, errs)
		}
	}
}
