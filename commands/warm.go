package commands

import (
	"context"
	"fmt"

	"github.com/bwmarrin/discordgo"

	"github.com/filmbot/filmbot/locale"
	"github.com/filmbot/filmbot/storage"
)

// warmCommands are the commands Warm answers, with autocomplete of their
// film option: those a new replica's first members send most.
var warmCommands = []string{"review", "film", "cast"}

// Warm answers, as a member in a DM would see them (the built-in
// catalog), each of warmCommands for the built-in films (the first 20;
// the first alone in languages other than English) and the autocomplete
// of its film option, in every language filmbot speaks, and draws the
// ratings chart in each: so that what a first
// answer would build — the autocomplete index, the store's cache, each
// language's messages, the chart's fonts and buffers — is built before
// the bot says it is ready. It writes nothing and sends nothing. An
// error is the store's (a member's mistake is an answer, not an error).
func (s *Set) Warm(ctx context.Context) error {
	films, err := s.films.Films(ctx, storage.BuiltIn)
	if err != nil {
		return fmt.Errorf("warming: %w", err)
	}
	films = films[:min(len(films), 20)]
	byName := map[string]Command{}
	for _, c := range s.Commands() {
		byName[c.Def.Name] = c
	}
	for k, loc := range locale.Locales() {
		if k == 1 {
			films = films[:min(len(films), 1)]
		}
		for _, name := range warmCommands {
			c, ok := byName[name]
			if !ok {
				continue
			}
			for _, f := range films {
				if _, err := c.Run(ctx, warmInteraction(name, loc, filmValue(f.ID), false)); err != nil && storage.Message(err) == "" {
					return fmt.Errorf("warming /%s: %w", name, err)
				}
			}
			if c.Autocomplete != nil && len(films) > 0 {
				typed := []rune(films[0].Title)
				if _, err := c.Autocomplete(ctx, warmInteraction(name, loc, string(typed[:min(len(typed), 3)]), true)); err != nil && storage.Message(err) == "" {
					return fmt.Errorf("warming /%s autocomplete: %w", name, err)
				}
			}
		}
		chartPNG(locale.For(loc), storage.Aggregate{Count: 3, Sum: 24, Hist: [storage.MaxScore]int{6: 1, 7: 1, 8: 1}}, 8)
	}
	return nil
}

// warmInteraction is /name film:value (or its autocomplete, the option
// focused) from a member in a DM in locale loc.
func warmInteraction(name, loc, value string, focused bool) *discordgo.InteractionCreate {
	kind := discordgo.InteractionApplicationCommand
	if focused {
		kind = discordgo.InteractionApplicationCommandAutocomplete
	}
	return &discordgo.InteractionCreate{Interaction: &discordgo.Interaction{
		ID: "0", Type: kind, Locale: discordgo.Locale(loc), User: &discordgo.User{ID: "1", Username: "warm-up"},
		Data: discordgo.ApplicationCommandInteractionData{Name: name, Options: []*discordgo.ApplicationCommandInteractionDataOption{
			{Name: "film", Type: discordgo.ApplicationCommandOptionString, Value: value, Focused: focused},
		}},
	}}
}
