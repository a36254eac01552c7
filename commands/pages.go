package commands

import (
	"context"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/filmbot/filmbot/locale"
	"github.com/filmbot/filmbot/storage"
)

// The words of every paged list.
var (
	msgPrevious    = locale.Text("page.previous", "◀ Previous")
	msgNext        = locale.Text("page.next", "Next ▶")
	msgPageOf      = locale.Text("page.of", "Page {{.Page}} of {{.Pages}}")
	msgPageGone    = locale.Text("page.gone", "That page no longer exists.")
	msgPageNumber  = locale.Text("page.noop", "That is just the page number.")
	msgRemovedFilm = locale.Text("page.removedfilm", "(a removed film)")
)

// english writes what has no member to write for (a list built without a
// translator). A function, not a variable: a translator made while the
// package's messages are still being declared would miss those declared
// after it.
func english() *locale.T { return locale.For(locale.English) }

// pageOf is "Page p of n" in t's language.
func pageOf(t *locale.T, p, n int) string {
	return t.F(msgPageOf, "Page", t.Int(p), "Pages", t.Int(n))
}

// pager is a row of previous/next buttons for page p of n (1-based), in
// t's language, or nil when there is one page.
func pager(t *locale.T, kind, action string, id uint64, p, n int) []discordgo.MessageComponent {
	if n <= 1 {
		return nil
	}
	return []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
		button(t.S(msgPrevious), customID{kind, action, []uint64{id, uint64(max(p-1, 0))}}.String(), p <= 1),
		button(pageOf(t, p, n), customID{kind, "noop", []uint64{id, uint64(p)}}.String(), true),
		button(t.S(msgNext), customID{kind, action, []uint64{id, uint64(p + 1)}}.String(), p >= n),
	}}}
}

// list is how one paged list is shown: every paged list (a film's
// ratings, /top, divisive, /myratings, watchlists, most wanted, the cast,
// a whole review) is a list, shown a page at a time by showList.
type list[T any] struct {
	kind string // custom_id of its buttons: kind:page:id:n, the page number kind:noop:id:n
	id   uint64 // which list: the film, the member, min_ratings…
	per  int    // items to a page
	// t writes the buttons, "(a removed film)" and the page errors: the
	// language of who reads the list (nil: English).
	t *locale.T
	// gone answers a page that no longer exists; "" is "That page no
	// longer exists."
	gone string
	// film, when set, is the film an item is about: the page's films are
	// read in one read, and row names them with name.
	film func(T) uint64
	// row is an item's line; k is its place in the whole list, from 0.
	row func(k int, x T, name func(id uint64) string) string
	// embed is the page: its rows, joined by line breaks, page p of pages.
	embed func(rows string, p, pages int) *discordgo.MessageEmbed
}

// showList answers with page p (1-based) of items, and the buttons to
// turn the pages when there is more than one: a new message, or, when a
// page button asked (isUpdate), an update of the message.
func showList[T any](ctx context.Context, s *Set, scope storage.Scope, l list[T], items []T, p int, isUpdate bool) (*discordgo.InteractionResponse, error) {
	embed, rows, err := listView(l, items, p, func(ids []uint64) (func(uint64) string, error) {
		return s.pageFilms(ctx, l.tr(), scope, ids)
	})
	if err != nil {
		return nil, err
	}
	if isUpdate {
		return update(embed, rows...), nil
	}
	return message(embed, rows...), nil
}

// listView renders page p of items and its buttons; names reads the
// page's films when l.film is set.
func listView[T any](l list[T], items []T, p int, names func(ids []uint64) (func(uint64) string, error)) (*discordgo.MessageEmbed, []discordgo.MessageComponent, error) {
	pages := (len(items) + l.per - 1) / l.per
	if p < 1 || p > pages {
		if l.gone != "" {
			return nil, nil, userText(l.gone)
		}
		return nil, nil, userText(l.tr().S(msgPageGone))
	}
	first := (p - 1) * l.per
	page := items[first:min(p*l.per, len(items))]
	name := func(uint64) string { return "" }
	if l.film != nil {
		var err error
		if name, err = names(filmIDs(page, l.film)); err != nil {
			return nil, nil, err
		}
	}
	lines := make([]string, len(page))
	for k, x := range page {
		lines[k] = l.row(first+k, x, name)
	}
	return l.embed(strings.Join(lines, "\n"), p, pages), pager(l.tr(), l.kind, "page", l.id, p, pages), nil
}

// tr is the language l is written in.
func (l list[T]) tr() *locale.T {
	if l.t == nil {
		return english()
	}
	return l.t
}

// pageFilms reads the films of one page of a list in one read and
// returns how each is named in markup (plain), "(a removed film)" in t's
// language for one no longer in the catalog: what lists of films show. A
// database error is an error, not a removed film.
func (s *Set) pageFilms(ctx context.Context, t *locale.T, scope storage.Scope, ids []uint64) (func(id uint64) string, error) {
	fs, err := s.films.FilmHeaders(ctx, scope, ids)
	if err != nil {
		return nil, err
	}
	return func(id uint64) string {
		if f, ok := fs[id]; ok {
			return plain(label(f), 150)
		}
		return t.S(msgRemovedFilm)
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
