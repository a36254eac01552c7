package commands

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/filmbot/filmbot/limits"
	"github.com/filmbot/filmbot/storage"
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
	embed, rows, err := castView(film, 1, string(i.Locale))
	if err != nil {
		return nil, err
	}
	return message(embed, rows...), nil
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
	film, err := s.films.Film(ctx, scope, c.args[0])
	if err != nil {
		return nil, notFound(err, "That film has been removed.")
	}
	embed, rows, err := castView(film, int(c.args[1]), string(i.Locale))
	if err != nil {
		return nil, err
	}
	return update(embed, rows...), nil
}

// crewFields lists who made the film, one field a job.
func crewFields(f storage.Film) []*discordgo.MessageEmbedField {
	var fields []*discordgo.MessageEmbedField
	add := func(one, many string, names []string) {
		if len(names) == 0 {
			return
		}
		name := one
		if len(names) > 1 {
			name = many
		}
		fields = append(fields, &discordgo.MessageEmbedField{Name: name, Value: plainList(names, ", ", crewFieldRoom), Inline: true})
	}
	add("Director", "Directors", f.Directors)
	add("Writer", "Writers", f.Writers)
	add("Cinematographer", "Cinematographers", f.Cinematographers)
	add("Editor", "Editors", f.Editors)
	add("Composer", "Composers", f.Composers)
	add("Producer", "Producers", f.Producers)
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

// castPageRoom is the description room of a cast page: the first page
// shares the 6,000-character embed total with the crew fields, six at
// most of crewFieldRoom each (with their names), and the title.
const (
	castPageRoom  = 3000
	crewFieldRoom = 400
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

// castView renders page p of a film's credits: crew and the first cast
// members on page 1, more cast on the pages after; the title in locale
// where the film has it.
func castView(f storage.Film, p int, locale string) (*discordgo.MessageEmbed, []discordgo.MessageComponent, error) {
	return listView(list[string]{kind: "cast", id: f.ID, per: 1, gone: "That page of the cast no longer exists.",
		row: func(_ int, page string, _ func(uint64) string) string { return page },
		embed: func(desc string, p, pages int) *discordgo.MessageEmbed {
			if desc == "" {
				desc = "*No cast listed yet.*"
			} else {
				desc = "**Cast**\n" + desc
			}
			embed := &discordgo.MessageEmbed{
				Title:       plain(label(storage.Film{Title: f.LocalTitle(locale), Year: f.Year}), limits.EmbedTitle-len(" — cast & crew")) + " — cast & crew",
				Description: desc,
				Color:       colour,
			}
			if p == 1 {
				embed.Fields = crewFields(f)
			}
			if pages > 1 {
				embed.Footer = &discordgo.MessageEmbedFooter{Text: fmt.Sprintf("Page %d of %d", p, pages)}
			}
			return embed
		}}, castPages(f), p, nil)
}
