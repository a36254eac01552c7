package commands

import (
	"context"
	"errors"
	"fmt"

	"github.com/bwmarrin/discordgo"

	"github.com/filmbot/filmbot/locale"
	"github.com/filmbot/filmbot/storage"
)

// What /watchlist says, in the language of the member who asked or
// turned the page (tr(i)).
var (
	msgWatchServerOnly = locale.Text("watchlist.server_only", "Watchlists belong to a server: use `/watchlist` in a server the bot is in.")
	msgWatchRated      = locale.Text("watchlist.rated", "You have already rated **{{.Film}}** here; a watchlist is for films you have yet to see.")
	msgWatchJustGone   = locale.Text("watchlist.just_removed", "That film was just removed.")
	msgWatchAlready    = locale.Text("watchlist.already", "**{{.Film}}** is already on your watchlist.")
	msgWatchAdded      = locale.Text("watchlist.added", "Added **{{.Film}}** to your watchlist. It leaves the list when you rate it.")
	msgWatchNotOn      = locale.Text("watchlist.not_on", "**{{.Film}}** was not on your watchlist.")
	msgWatchRemoved    = locale.Text("watchlist.removed", "Took **{{.Film}}** off your watchlist.")
	msgWatchUnknown    = locale.Text("watchlist.unknown", "Unknown /watchlist command.")
	msgWatchEmpty      = locale.Text("watchlist.empty", "{{.Member}}'s watchlist here is empty: `/watchlist add film:<title>`.")
	msgWatchRow        = locale.Text("watchlist.row", "• **{{.Film}}** · added {{.Date}}")
	msgWatchTitle      = locale.Text("watchlist.title", "Watchlist")
	msgWatchHeading    = locale.Text("watchlist.heading", "{{.Member}} wants to see, newest first")
	msgWatchFooter     = locale.Plural("watchlist.footer", "{{.Count}} film · page {{.Page}} of {{.Pages}}", "{{.Count}} films · page {{.Page}} of {{.Pages}}")
	msgWatchNone       = locale.Text("watchlist.none", "No one here has a watchlist yet: `/watchlist add film:<title>`.")
	msgWatchWantedRow  = locale.Plural("watchlist.wanted.row", "{{.Rank}}. **{{.Film}}** — {{.Count}} member", "{{.Rank}}. **{{.Film}}** — {{.Count}} members")
	msgWatchWanted     = locale.Text("watchlist.wanted.title", "Most wanted in this server")
	msgWatchWantedFoot = locale.Text("watchlist.wanted.footer", "By how many members list each · page {{.Page}} of {{.Pages}}")
)

var watchlistDef = &discordgo.ApplicationCommand{
	Name:        "watchlist",
	Description: "Films you want to see, and what this server wants to see most",
	Options: []*discordgo.ApplicationCommandOption{
		{Type: discordgo.ApplicationCommandOptionSubCommand, Name: "add", Description: "Put a film on your watchlist here",
			Options: []*discordgo.ApplicationCommandOption{filmOption("The film")}},
		{Type: discordgo.ApplicationCommandOptionSubCommand, Name: "remove", Description: "Take a film off your watchlist",
			Options: []*discordgo.ApplicationCommandOption{filmOption("The film")}},
		{Type: discordgo.ApplicationCommandOptionSubCommand, Name: "show", Description: "A member's watchlist here, newest first",
			Options: []*discordgo.ApplicationCommandOption{{Type: discordgo.ApplicationCommandOptionUser, Name: "member", Description: "Whose (default: yours)"}}},
		{Type: discordgo.ApplicationCommandOptionSubCommand, Name: "server", Description: "The films most wanted in this server"},
	},
}

const watchPerPage = 20

// watchlist routes /watchlist's subcommands.
func (s *Set) watchlist(ctx context.Context, i *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
	t := tr(i)
	scope, user, err := member(i)
	if err != nil {
		return nil, userText(t.S(msgWatchServerOnly))
	}
	opts := options(i)
	switch subcommand(i) {
	case "add", "remove":
		film, err := s.resolveIn(ctx, scope, str(opts, "film"), t.Locale())
		if err != nil {
			return nil, err
		}
		if subcommand(i) == "add" {
			return s.addToWatchlist(ctx, t, scope, user, film)
		}
		removed, err := s.watchlists.WatchlistRemove(ctx, scope, user, film.ID)
		if err != nil {
			return nil, err
		}
		if !removed {
			return Reply(t.F(msgWatchNotOn, "Film", labelMD(film))), nil
		}
		return Reply(t.F(msgWatchRemoved, "Film", labelMD(film))), nil
	case "show":
		who := user
		if other, given, err := userOption(tr(i), opts, "member"); err != nil {
			return nil, err
		} else if given {
			who = other
		}
		return s.watchlistPage(ctx, t, scope, who, 1, false)
	case "server":
		return s.wantedPage(ctx, t, scope, 1, false)
	}
	return nil, userText(t.S(msgWatchUnknown))
}

// addToWatchlist puts film on user's watchlist (/watchlist add, and the
// button under "Films in this message") and says so in t's language.
func (s *Set) addToWatchlist(ctx context.Context, t *locale.T, scope storage.Scope, user uint64, film storage.Film) (*discordgo.InteractionResponse, error) {
	added, err := s.watchlists.WatchlistAdd(ctx, scope, user, film.ID)
	if errors.Is(err, storage.ErrRated) {
		return Reply(t.F(msgWatchRated, "Film", labelMD(film))), nil
	}
	if err != nil {
		return nil, notFound(err, t.S(msgWatchJustGone))
	}
	if !added {
		return Reply(t.F(msgWatchAlready, "Film", labelMD(film))), nil
	}
	return Reply(t.F(msgWatchAdded, "Film", labelMD(film))), nil
}

func (s *Set) watchlistPage(ctx context.Context, t *locale.T, scope storage.Scope, who uint64, p int, isUpdate bool) (*discordgo.InteractionResponse, error) {
	ws, err := s.watchlists.Watchlist(ctx, scope, who)
	if err != nil {
		return nil, err
	}
	if len(ws) == 0 {
		return nil, userText(t.F(msgWatchEmpty, "Member", fmt.Sprintf("<@%d>", who)))
	}
	return showList(ctx, s, scope, list[storage.Watched]{t: t, kind: "wl", id: who, per: watchPerPage,
		film: func(w storage.Watched) uint64 { return w.Film },
		row: func(_ int, w storage.Watched, name func(uint64) string) string {
			return t.F(msgWatchRow, "Film", name(w.Film), "Date", fmt.Sprintf("<t:%d:d>", w.At.Unix()))
		},
		embed: func(rows string, p, pages int) *discordgo.MessageEmbed {
			return &discordgo.MessageEmbed{Title: t.S(msgWatchTitle), Description: t.F(msgWatchHeading, "Member", fmt.Sprintf("<@%d>", who)) + "\n\n" + rows,
				Color: colour, Footer: &discordgo.MessageEmbedFooter{Text: t.N(msgWatchFooter, len(ws), "Page", t.Int(p), "Pages", t.Int(pages))}}
		}}, ws, p, isUpdate)
}

func (s *Set) wantedPage(ctx context.Context, t *locale.T, scope storage.Scope, p int, isUpdate bool) (*discordgo.InteractionResponse, error) {
	ws, err := s.watchlists.MostWanted(ctx, scope)
	if err != nil {
		return nil, err
	}
	if len(ws) == 0 {
		return nil, userText(t.S(msgWatchNone))
	}
	return showList(ctx, s, scope, list[storage.Wanted]{t: t, kind: "wanted", id: 0, per: topPerPage,
		film: func(w storage.Wanted) uint64 { return w.Film },
		row: func(k int, w storage.Wanted, name func(uint64) string) string {
			return t.N(msgWatchWantedRow, w.Count, "Rank", t.Int(k+1), "Film", name(w.Film))
		},
		embed: func(rows string, p, pages int) *discordgo.MessageEmbed {
			return &discordgo.MessageEmbed{Title: t.S(msgWatchWanted), Description: rows, Color: colour,
				Footer: &discordgo.MessageEmbedFooter{Text: t.F(msgWatchWantedFoot, "Page", t.Int(p), "Pages", t.Int(pages))}}
		}}, ws, p, isUpdate)
}

// watchlistButton turns the pages of /watchlist show.
func (s *Set) watchlistButton(ctx context.Context, i *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
	scope, c, err := pageClick(i)
	if err != nil {
		return nil, err
	}
	return s.watchlistPage(ctx, tr(i), scope, c.args[0], int(c.args[1]), true)
}

// wantedButton turns the pages of /watchlist server.
func (s *Set) wantedButton(ctx context.Context, i *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
	scope, c, err := pageClick(i)
	if err != nil {
		return nil, err
	}
	return s.wantedPage(ctx, tr(i), scope, int(c.args[1]), true)
}
