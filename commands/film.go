package commands

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/filmbot/filmbot/limits"
	"github.com/filmbot/filmbot/locale"
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
	loc := string(i.Locale)
	if scope == storage.BuiltIn {
		return message(s.filmCard(film, page.Reviews, nil, loc)), nil
	}
	return message(s.filmCard(film, page.Reviews, &page.Ratings, loc), rateMenu(film.ID)), nil
}

// The words of a film's card.
var (
	msgYear          = locale.Text("film.field.year", "Year")
	msgRuntime       = locale.Text("film.field.runtime", "Runtime")
	msgRuntimeValue  = locale.Text("film.runtime", "{{.Minutes}} min ({{.Hours}}h {{.Mins}}m)")
	msgCountry       = locale.Text("film.field.country", "Country")
	msgLanguages     = locale.Text("film.field.languages", "Languages")
	msgGenres        = locale.Text("film.field.genres", "Genres")
	msgReviews       = locale.Text("film.field.reviews", "Reviews")
	msgReviewsNone   = locale.Text("film.reviews.none", "None yet")
	msgReviewsCount  = locale.Text("film.reviews.count", "{{.N}} — `/review film:{{.Title}}`")
	msgRating        = locale.Text("film.field.rating", "This server's rating")
	msgRatingNone    = locale.Text("film.rating.none", "None yet: rate it with the menu below")
	msgRatingValue   = locale.Plural("film.rating", "**{{.Average}}**/10 {{.Stars}} from {{.Count}} · {{.Histogram}}", "**{{.Average}}**/10 {{.Stars}} from {{.Count}} · {{.Histogram}}")
	msgPremiere      = locale.Text("film.field.premiere", "Premiere")
	msgRelease       = locale.Text("film.field.release", "Release")
	msgAwards        = locale.Text("film.field.awards", "Awards")
	msgFooterServer  = locale.Text("film.footer.server", "Added by this server")
	msgFooterTMDB    = locale.Text("film.footer.tmdb", "Film data from TMDB. "+tmdb.Attribution)
	msgFooterBuiltIn = locale.Text("film.footer.builtin", "Built-in catalog")
	msgFooterAKA     = locale.Text("film.footer.aka", "{{.Footer}} · also known as {{.Names}}")
)

// posterSize is the size of the poster on a card (TMDB's poster_sizes).
const posterSize = "w342"

// maxOverview bounds a card's overview, well within the embed's total.
const maxOverview = 1500

// tmdbLink is a film's page on TMDB.
func tmdbLink(id uint64) string {
	return "https://www.themoviedb.org/movie/" + strconv.FormatUint(id, 10)
}

// filmCard is the embed /film shows for a reader whose Discord locale is
// loc: its words in loc's language, the film's title and overview in loc
// where the film has them, with the poster from TMDB's image server; a is
// the server's ratings, nil in a DM.
func (s *Set) filmCard(f storage.Film, reviews int, a *storage.Aggregate, loc string) *discordgo.MessageEmbed {
	return filmCardIn(locale.For(loc), f, reviews, a, loc, s.source.PosterURL(posterSize, f.Poster))
}

// filmCardIn is the card in t's language: title and overview in loc
// where the film has them, poster the address of its poster ("" for
// none).
func filmCardIn(t *locale.T, f storage.Film, reviews int, a *storage.Aggregate, loc, poster string) *discordgo.MessageEmbed {
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
		add(t.S(msgYear), strconv.Itoa(f.Year), true)
	}
	if f.Runtime > 0 {
		add(t.S(msgRuntime), t.F(msgRuntimeValue, "Minutes", t.Int(f.Runtime), "Hours", strconv.Itoa(f.Runtime/60), "Mins", fmt.Sprintf("%02d", f.Runtime%60)), true)
	}
	add(t.N(msgDirector, len(f.Directors)), plainList(f.Directors, ", ", limits.FieldValue), true)
	add(t.S(msgCountry), plain(f.Country, limits.FieldValue), true)
	add(t.S(msgLanguages), plainList(f.Languages, ", ", limits.FieldValue), true)
	add(t.S(msgGenres), plainList(f.Genres, ", ", limits.FieldValue), true)
	if reviews == 0 {
		add(t.S(msgReviews), t.S(msgReviewsNone), true)
	} else {
		add(t.S(msgReviews), t.F(msgReviewsCount, "N", t.Int(reviews), "Title", inCode(f.Title, 100)), true)
	}
	if a != nil {
		v := t.S(msgRatingNone)
		if a.Count > 0 {
			v = t.N(msgRatingValue, a.Count, "Average", t.Num(a.Average(), 1), "Stars", Stars(int(a.Average()+0.5)), "Histogram", histogram(*a))
		}
		add(t.S(msgRating), v, false)
	}
	add(t.S(msgPremiere), plain(f.Premiere, limits.FieldValue), true)
	add(t.S(msgRelease), plain(f.Release, limits.FieldValue), true)
	if len(f.Awards) > 0 {
		add(t.S(msgAwards), "• "+plainList(f.Awards, "\n• ", limits.FieldValue-2), false)
	}
	footer := t.S(msgFooterServer)
	switch {
	case f.Sourced():
		// TMDB's terms: the notice first, so that clipping keeps it.
		footer = t.S(msgFooterTMDB)
	case f.Scope == storage.BuiltIn:
		footer = t.S(msgFooterBuiltIn)
	}
	if len(f.Aliases) > 0 {
		footer = t.F(msgFooterAKA, "Footer", footer, "Names", strings.Join(f.Aliases, ", "))
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
	title := f.LocalTitle(loc)
	if title == "" {
		title = f.Title
	}
	e := &discordgo.MessageEmbed{
		Title:       plain(label(storage.Film{Title: title, Year: f.Year}), limits.EmbedTitle),
		URL:         url,
		Description: plain(f.LocalOverview(loc), maxOverview),
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
