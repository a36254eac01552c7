package commands

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/filmbot/filmbot/limits"
	"github.com/filmbot/filmbot/storage"
)

var filmDef = &discordgo.ApplicationCommand{
	Name:        "film",
	Description: "A film's card: year, runtime, director, languages, awards, reviews",
	Options:     []*discordgo.ApplicationCommandOption{filmOption("The film")},
}

// film answers /film film: with the film's card.
func (s *Set) film(ctx context.Context, i *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
	// The film, its reviews' count and its ratings, in one read.
	var page storage.FilmPage
	scope, film, err := s.filmNamedBy(ctx, i, func(ctx context.Context, scope storage.Scope, id uint64) (storage.Film, error) {
		var err error
		page, err = s.films.FilmPage(ctx, scope, id)
		return page.Film, err
	})
	if err != nil {
		return nil, err
	}
	if scope == storage.BuiltIn {
		return message(filmCard(film, page.Reviews, nil)), nil
	}
	return message(filmCard(film, page.Reviews, &page.Ratings), rateMenu(film.ID)), nil
}

// filmCard is the embed /film shows; a is the server's ratings, nil in a DM.
func filmCard(f storage.Film, reviews int, a *storage.Aggregate) *discordgo.MessageEmbed {
	// At most 11 fields, in one allocation.
	var fields []*discordgo.MessageEmbedField
	backing := make([]discordgo.MessageEmbedField, 0, 11)
	add := func(name, value string, inline bool) {
		if value != "" {
			backing = append(backing, discordgo.MessageEmbedField{Name: name, Value: clip(value, limits.FieldValue), Inline: inline})
			fields = append(fields, &backing[len(backing)-1])
		}
	}
	if f.Year != 0 {
		add("Year", strconv.Itoa(f.Year), true)
	}
	if f.Runtime > 0 {
		add("Runtime", fmt.Sprintf("%d min (%dh %02dm)", f.Runtime, f.Runtime/60, f.Runtime%60), true)
	}
	director := "Director"
	if len(f.Directors) > 1 {
		director = "Directors"
	}
	add(director, plainList(f.Directors, ", ", limits.FieldValue), true)
	add("Country", plain(f.Country, limits.FieldValue), true)
	add("Languages", plainList(f.Languages, ", ", limits.FieldValue), true)
	switch reviews {
	case 0:
		add("Reviews", "None yet", true)
	case 1:
		add("Reviews", "1 — `/review film:"+inCode(f.Title, 100)+"`", true)
	default:
		add("Reviews", fmt.Sprintf("%d — `/review film:%s`", reviews, inCode(f.Title, 100)), true)
	}
	if a != nil {
		v := "None yet: rate it with the menu below"
		if a.Count > 0 {
			v = fmt.Sprintf("**%.1f**/10 %s from %d · %s", a.Average(), Stars(int(a.Average()+0.5)), a.Count, histogram(*a))
		}
		add("This server's rating", v, false)
	}
	add("Premiere", plain(f.Premiere, limits.FieldValue), true)
	add("Release", plain(f.Release, limits.FieldValue), true)
	if len(f.Awards) > 0 {
		add("Awards", "• "+plainList(f.Awards, "\n• ", limits.FieldValue-2), false)
	}
	footer := "Added by this server"
	if f.Scope == storage.BuiltIn {
		footer = "Built-in catalog"
	}
	if len(f.Aliases) > 0 {
		footer += " · also known as " + strings.Join(f.Aliases, ", ")
	}
	if f.Letterboxd != "" {
		add("Letterboxd", f.Letterboxd, false)
	}
	return &discordgo.MessageEmbed{
		Title:  plain(label(f), limits.EmbedTitle),
		URL:    f.Letterboxd, // checked to be a Letterboxd link when it was stored
		Fields: fields,
		Footer: &discordgo.MessageEmbedFooter{Text: clip(footer, 500)},
		Color:  colour,
	}
}
