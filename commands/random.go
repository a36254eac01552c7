package commands

import (
	"context"
	"errors"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/filmbot/filmbot/locale"
	"github.com/filmbot/filmbot/storage"
)

// Where /random picks from; the numbers travel in the button's custom_id.
const (
	fromWatchlist uint64 = iota + 1 // the caller's watchlist
	fromWanted                      // every member's watchlist in the server
	fromCatalog                     // the server's own films and those rated there
)

var randomFrom = map[string]uint64{"watchlist": fromWatchlist, "wanted": fromWanted, "catalog": fromCatalog}

var randomDef = &discordgo.ApplicationCommand{
	Name:        "random",
	Description: "Can't decide? A film picked at random, with its card",
	Options: []*discordgo.ApplicationCommandOption{{
		Type: discordgo.ApplicationCommandOptionString, Name: "from", Description: "Where to pick from (default: your watchlist)",
		Choices: []*discordgo.ApplicationCommandOptionChoice{
			{Name: "my watchlist", Value: "watchlist"},
			{Name: "this server's watchlists", Value: "wanted"},
			{Name: "this server's films (its own and those rated here)", Value: "catalog"},
		},
	}},
}

// The words of /random.
var (
	msgRandomFrom       = locale.Text("random.from.bad", "Pick where from with the list: your watchlist, this server's watchlists or this server's films.")
	msgRandomEmptyMine  = locale.Text("random.empty.watchlist", "<@{{.User}}>'s watchlist here is empty: `/watchlist add film:<title>`, or `/random from:` another list.")
	msgRandomEmptyWant  = locale.Text("random.empty.wanted", "No one here has a film on their watchlist yet: `/watchlist add film:<title>`.")
	msgRandomEmptyFilms = locale.Text("random.empty.catalog", "This server has no films of its own and none rated yet: `/rate film:<title>`, or `/manage film add`.")
	msgRandomGone       = locale.Text("random.gone", "That film was just removed: pick again.")
	msgRandomAgain      = locale.Text("random.button.again", "🎲 Pick another")
	msgPickedMine       = locale.Plural("random.picked.watchlist", "🎲 Picked at random from <@{{.User}}>'s watchlist ({{.Count}} film):", "🎲 Picked at random from <@{{.User}}>'s watchlist ({{.Count}} films):")
	msgPickedWanted     = locale.Plural("random.picked.wanted", "🎲 Picked at random from this server's watchlists ({{.Count}} film):", "🎲 Picked at random from this server's watchlists ({{.Count}} films):")
	msgPickedFilms      = locale.Plural("random.picked.catalog", "🎲 Picked at random from this server's films ({{.Count}} film):", "🎲 Picked at random from this server's films ({{.Count}} films):")
)

// random answers /random [from:] with a film picked at random, its card,
// the Rate menu and a button that picks again from the same list.
func (s *Set) random(ctx context.Context, i *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
	scope, user, err := member(i)
	if err != nil {
		return nil, err
	}
	from := fromWatchlist
	if o := options(i).get("from"); o != nil {
		v, _ := o.Value.(string)
		if from = randomFrom[v]; from == 0 {
			return nil, userText(tr(i).S(msgRandomFrom))
		}
	}
	return s.randomPick(ctx, scope, from, user, 0, string(i.Locale))
}

// randomButton picks again ("Pick another"), from the list of the first
// pick (the watchlist of the member who asked), avoiding the film shown.
func (s *Set) randomButton(ctx context.Context, i *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
	scope, _, err := member(i)
	if err != nil {
		return nil, err
	}
	c, err := clicked(i, 3, "again")
	if err != nil || c.args[0] < fromWatchlist || c.args[0] > fromCatalog {
		return nil, staleButton(tr(i))
	}
	r, err := s.randomPick(ctx, scope, c.args[0], c.args[1], c.args[2], string(i.Locale))
	if err != nil {
		return nil, err
	}
	if r.Data.Flags&discordgo.MessageFlagsIsComponentsV2 == 0 {
		// Nothing left to pick: said on the card's message, which stays a
		// layout card (Discord never lets a message lose the flag).
		return layoutUpdate([]discordgo.MessageComponent{discordgo.TextDisplay{Content: r.Data.Content}}), nil
	}
	r.Type = discordgo.InteractionResponseUpdateMessage
	return r, nil
}

// randomPick picks a film of list from (of user, for a watchlist) other
// than shown when there is another, and answers with its card, for the
// member whose Discord locale is loc.
func (s *Set) randomPick(ctx context.Context, scope storage.Scope, from, user, shown uint64, loc string) (*discordgo.InteractionResponse, error) {
	t := locale.For(loc)
	var ids []uint64
	var picked locale.Key
	var empty string
	switch from {
	case fromWatchlist:
		ws, err := s.watchlists.Watchlist(ctx, scope, user)
		if err != nil {
			return nil, err
		}
		for _, w := range ws {
			ids = append(ids, w.Film)
		}
		picked, empty = msgPickedMine, t.F(msgRandomEmptyMine, "User", user)
	case fromWanted:
		ws, err := s.watchlists.MostWanted(ctx, scope)
		if err != nil {
			return nil, err
		}
		for _, w := range ws {
			ids = append(ids, w.Film)
		}
		picked, empty = msgPickedWanted, t.S(msgRandomEmptyWant)
	default:
		// The server's films: those it added and those rated here (the
		// shared catalog holds every film any server looked up on TMDB).
		fs, err := s.films.Films(ctx, scope)
		if err != nil {
			return nil, err
		}
		rated, err := s.rates.Top(ctx, scope, 1)
		if err != nil {
			return nil, err
		}
		seen := map[uint64]bool{}
		for _, f := range fs {
			if f.Scope == scope {
				ids, seen[f.ID] = append(ids, f.ID), true
			}
		}
		for _, a := range rated {
			if !seen[a.Film] {
				ids, seen[a.Film] = append(ids, a.Film), true
			}
		}
		picked, empty = msgPickedFilms, t.S(msgRandomEmptyFilms)
	}
	if len(ids) == 0 {
		return Reply(empty), nil
	}
	n := len(ids)
	if n > 1 { // another film than the one shown
		for k, id := range ids {
			if id == shown {
				ids = append(ids[:k:k], ids[k+1:]...)
				break
			}
		}
	}
	page, err := s.films.FilmPage(ctx, scope, ids[s.rand(len(ids))])
	if errors.Is(err, storage.ErrNotFound) {
		return nil, userText(t.S(msgRandomGone))
	}
	if err != nil {
		return nil, err
	}
	// What was picked from, above the card: its text is the card's room
	// less that line.
	line := t.N(picked, n, "User", user)
	c := filmCardIn(t, page.Film, page.Reviews, &page.Ratings, loc, s.source.PosterURL(posterSize, page.Film.Poster), maxCardText-utf8.RuneCountInString(line), rateMenuIn(t, page.Film.ID),
		discordgo.ActionsRow{Components: []discordgo.MessageComponent{
			button(t.S(msgRandomAgain), customID{kind: "random", action: "again", args: []uint64{from, user, page.Film.ID}}.String(), n == 1),
		}})
	return layoutMessage(append([]discordgo.MessageComponent{discordgo.TextDisplay{Content: line}}, c.components()...)), nil
}
