package commands

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/filmbot/filmbot/limits"
	"github.com/filmbot/filmbot/locale"
	"github.com/filmbot/filmbot/storage"
)

// The words of /cast, and of who made a film on its card.
var (
	msgFilmGone        = locale.Text("common.film.gone", "That film has been removed.")
	msgCastPageGone    = locale.Text("cast.page.gone", "That page of the cast no longer exists.")
	msgCastNone        = locale.Text("cast.none", "*No cast listed yet.*")
	msgCastHeading     = locale.Text("cast.heading", "**Cast**")
	msgCastTitle       = locale.Text("cast.title", "{{.Film}} — cast & crew")
	msgDirector        = locale.Plural("film.crew.director", "Director", "Directors")
	msgWriter          = locale.Plural("film.crew.writer", "Writer", "Writers")
	msgCinematographer = locale.Plural("film.crew.cinematographer", "Cinematographer", "Cinematographers")
	msgEditor          = locale.Plural("film.crew.editor", "Editor", "Editors")
	msgComposer        = locale.Plural("film.crew.composer", "Composer", "Composers")
	msgProducer        = locale.Plural("film.crew.producer", "Producer", "Producers")
)

var castDef = &discordgo.ApplicationCommand{
	Name:        "cast",
	Description: "Who made a film and who is in it",
	Options:     []*discordgo.ApplicationCommandOption{filmOption("The film")},
}

// cast answers /cast film:.
func (s *Set) cast(ctx context.Context, i *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
	_, film, err := s.filmNamedWhole(ctx, i)
	if err != nil {
		return nil, err
	}
	c, err := castView(tr(i), film, 1, string(i.Locale), s.source.PosterURL(posterSize, film.Poster))
	if err != nil {
		return nil, err
	}
	return cardMessage(c), nil
}

// castButton turns the pages of /cast.
func (s *Set) castButton(ctx context.Context, i *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
	scope, err := scopeOf(i)
	if err != nil {
		return nil, err
	}
	c, err := clicked(i, 2, "page")
	if err != nil {
		return nil, err
	}
	t := tr(i)
	film, err := s.films.Film(ctx, scope, c.args[0])
	if err != nil {
		return nil, notFound(err, t.S(msgFilmGone))
	}
	view, err := castView(t, film, int(c.args[1]), string(i.Locale), s.source.PosterURL(posterSize, film.Poster))
	if err != nil {
		return nil, err
	}
	return layoutUpdate(view.components()), nil
}

// crewFields lists who made the film, one field a job, the jobs named in
// t's language.
func crewFields(t *locale.T, f storage.Film) []*discordgo.MessageEmbedField {
	var fields []*discordgo.MessageEmbedField
	add := func(job locale.Key, names []string) {
		if len(names) == 0 {
			return
		}
		fields = append(fields, &discordgo.MessageEmbedField{Name: t.N(job, len(names)), Value: plainList(names, ", ", crewFieldRoom), Inline: true})
	}
	add(msgDirector, f.Directors)
	add(msgWriter, f.Writers)
	add(msgCinematographer, f.Cinematographers)
	add(msgEditor, f.Editors)
	add(msgComposer, f.Composers)
	add(msgProducer, f.Producers)
	return fields
}

// castLines is the cast as "**Actor** — Role", with the note on the role.
func castLines(f storage.Film) []string {
	lines := make([]string, 0, len(f.Cast))
	for _, r := range f.Cast {
		role, note := "", ""
		if r.Role != "" {
			role = " — " + plain(r.Role, 200)
		}
		if r.Note != "" {
			note = "\n　*" + plain(r.Note, 300) + "*"
		}
		lines = append(lines, "**"+plain(r.Actor, 200)+"**"+role+note)
	}
	return lines
}

// castPageRoom is the cast's room on a page: the first page shares the
// layout card's 4,000 characters with the crew, six lines at most of
// crewFieldRoom each (with their names), and the title.
const (
	castPageRoom  = 2200
	crewFieldRoom = 200
)

// castPages packs the cast lines into pages.
func castPages(f storage.Film) []string {
	var pages []string
	var cur []string
	size := 0
	for _, l := range castLines(f) {
		n := utf8.RuneCountInString(l) + 1
		if len(cur) > 0 && size+n > castPageRoom {
			pages = append(pages, strings.Join(cur, "\n"))
			cur, size = nil, 0
		}
		cur = append(cur, l)
		size += n
	}
	if len(cur) > 0 || len(pages) == 0 {
		pages = append(pages, strings.Join(cur, "\n"))
	}
	return pages
}

// castView renders page p of a film's credits in t's language as a
// layout card: crew and the first cast members on page 1, more cast on
// the pages after; the title in loc (the member's Discord locale) where
// the film has it, beside the poster (at address poster, "" for none).
func castView(t *locale.T, f storage.Film, p int, loc, poster string) (card, error) {
	e, rows, err := listView(list[string]{kind: "cast", id: f.ID, per: 1, t: t, gone: t.S(msgCastPageGone),
		row: func(_ int, page string, _ func(uint64) string) string { return page },
		embed: func(desc string, p, pages int) *discordgo.MessageEmbed {
			if desc == "" {
				desc = t.S(msgCastNone)
			} else {
				desc = t.S(msgCastHeading) + "\n" + desc
			}
			// The title's room is what the words around it leave.
			room := limits.EmbedTitle - utf8.RuneCountInString(t.F(msgCastTitle, "Film", ""))
			embed := &discordgo.MessageEmbed{
				Title:       t.F(msgCastTitle, "Film", plain(label(storage.Film{Title: f.LocalTitle(loc), Year: f.Year}), room)),
				Description: desc,
				Color:       colour,
			}
			if p == 1 {
				embed.Fields = crewFields(t, f)
			}
			if pages > 1 {
				embed.Footer = &discordgo.MessageEmbedFooter{Text: pageOf(t, p, pages)}
			}
			return embed
		}}, castPages(f), p, nil)
	if err != nil {
		return card{}, err
	}
	c := fromEmbed(e, rows)
	c.thumb = poster
	return c, nil
}
