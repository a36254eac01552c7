package commands

import (
	"context"
	"fmt"

	"github.com/bwmarrin/discordgo"

	"github.com/filmbot/filmbot/storage"
)

// pager is a row of previous/next buttons for page p of n (1-based), or
// nil when there is one page.
func pager(kind, action string, id uint64, p, n int) []discordgo.MessageComponent {
	if n <= 1 {
		return nil
	}
	return []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
		button("◀ Previous", customID{kind, action, []uint64{id, uint64(max(p-1, 0))}}.String(), p <= 1),
		button(fmt.Sprintf("Page %d of %d", p, n), customID{kind, "noop", []uint64{id, uint64(p)}}.String(), true),
		button("Next ▶", customID{kind, action, []uint64{id, uint64(p + 1)}}.String(), p >= n),
	}}}
}

// pageOf returns page p (1-based) of items, per to a page, and the number
// of pages; a page that no longer exists is the user's error.
func pageOf[T any](items []T, per, p int) ([]T, int, error) {
	pages := (len(items) + per - 1) / per
	if p < 1 || p > pages {
		return nil, pages, userErr("That page no longer exists.")
	}
	return items[(p-1)*per : min(p*per, len(items))], pages, nil
}

// paged is a new message, or, when a page button asked, an update of it.
func paged(isUpdate bool, embed *discordgo.MessageEmbed, rows []discordgo.MessageComponent) *discordgo.InteractionResponse {
	if isUpdate {
		return update(embed, rows...)
	}
	return message(embed, rows...)
}

// filmName labels a rated film, which may have been removed since.
func (s *Set) filmName(ctx context.Context, scope storage.Scope, id uint64) string {
	if f, err := s.films.FilmHeader(ctx, scope, id); err == nil {
		return clip(label(f), 150)
	}
	return "(a removed film)"
}

// pageFilms reads the films of one page of a list in one read and
// returns how each is named in markup (plain), "(a removed film)" for one
// no longer in the catalog: what lists of films show. A database error
// is an error, not a removed film.
func (s *Set) pageFilms(ctx context.Context, scope storage.Scope, ids []uint64) (func(id uint64) string, error) {
	fs, err := s.films.FilmHeaders(ctx, scope, ids)
	if err != nil {
		return nil, err
	}
	return func(id uint64) string {
		if f, ok := fs[id]; ok {
			return plain(label(f), 150)
		}
		return "(a removed film)"
	}, nil
}

// filmIDs are the films of a page of xs.
func filmIDs[T any](xs []T, film func(T) uint64) []uint64 {
	ids := make([]uint64, len(xs))
	for k, x := range xs {
		ids[k] = film(x)
	}
	return ids
}

// pageClick checks a page button of the ratings lists (a server's, in a
// server) and parses its custom_id ("kind:page:id:page").
func pageClick(i *discordgo.InteractionCreate) (storage.Scope, customID, error) {
	scope, _, err := member(i)
	if err != nil {
		return 0, customID{}, err
	}
	c, err := clicked(i, 2, "page")
	if err != nil {
		return 0, customID{}, err
	}
	return scope, c, nil
}
