package commands

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/filmbot/filmbot/limits"
	"github.com/filmbot/filmbot/storage"
	"github.com/filmbot/filmbot/tmdb"
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
	locale := string(i.Locale)
	if scope == storage.BuiltIn {
		return message(s.filmCard(film, page.Reviews, nil, locale)), nil
	}
	return message(s.filmCard(film, page.Reviews, &page.Ratings, locale), rateMenu(film.ID)), nil
}

// posterSize is the size of the poster on a card (TMDB's poster_sizes).
const posterSize = "w342"

// maxOverview bounds a card's overview, well within the embed's total.
const maxOverview = 1500

// tmdbLink is a film's page on TMDB.
func tmdbLink(id uint64) string {
	return "https://www.themoviedb.org/movie/" + strconv.FormatUint(id, 10)
}

// filmCard is the embed /film shows, in the member's locale, with the
// poster from TMDB's image server; a is the server's ratings, nil in a DM.
func (s *Set) filmCard(f storage.Film, reviews int, a *storage.Aggregate, locale string) *discordgo.MessageEmbed {
	return filmCardIn(f, reviews, a, locale, s.source.PosterURL(posterSize, f.Poster))
}

// filmCardIn is the card: title and overview in locale where the film
// has them, poster the address of its poster ("" for none).
func filmCardIn(f storage.Film, reviews int, a *storage.Aggregate, locale, poster string) *discordgo.MessageEmbed {
	// At most 14 fields, in one allocation.
	var fields []*discordgo.MessageEmbedField
	backing := make([]discordgo.MessageEmbedField, 0, 14)
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
	add("Genres", plainList(f.Genres, ", ", limits.FieldValue), true)
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
	switch {
	case f.Sourced():
		// TMDB's terms: the notice first, so that clipping keeps it.
		footer = "Film data from TMDB. " + tmdb.Attribution
	case f.Scope == storage.BuiltIn:
		footer = "Built-in catalog"
	}
	if len(f.Aliases) > 0 {
		footer += " · also known as " + strings.Join(f.Aliases, ", ")
	}
	if f.Letterboxd != "" {
		add("Letterboxd", f.Letterboxd, false)
	}
	url := f.Letterboxd // checked to be a Letterboxd link when it was stored
	if f.Sourced() {
		add("TMDB", tmdbLink(f.TMDB), true)
		if url == "" {
			url = tmdbLink(f.TMDB)
		}
	}
	if imdbID.MatchString(f.IMDb) {
		add("IMDb", "https://www.imdb.com/title/"+f.IMDb+"/", true)
	}
	title := f.LocalTitle(locale)
	if title == "" {
		title = f.Title
	}
	e := &discordgo.MessageEmbed{
		Title:       plain(label(storage.Film{Title: title, Year: f.Year}), limits.EmbedTitle),
		URL:         url,
		Description: plain(f.LocalOverview(locale), maxOverview),
		Fields:      fields,
		Footer:      &discordgo.MessageEmbedFooter{Text: clip(footer, 500)},
		Color:       colour,
	}
	if poster != "" {
		e.Thumbnail = &discordgo.MessageEmbedThumbnail{URL: poster}
	}
	return e
}

// imdbID is an IMDb title id, as stored from TMDB.
var imdbID = regexp.MustCompile(`^tt[0-9]{5,10}$`)
