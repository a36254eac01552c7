package commands

import (
	"context"
	"errors"
	"fmt"

	"github.com/bwmarrin/discordgo"

	"github.com/filmbot/filmbot/storage"
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
	scope, user, err := member(i)
	if err != nil {
		return nil, userErr("Watchlists belong to a server: use `/watchlist` in a server the bot is in.")
	}
	opts := options(i)
	switch subcommand(i) {
	case "add", "remove":
		film, err := s.resolve(ctx, scope, str(opts, "film"))
		if err != nil {
			return nil, err
		}
		if subcommand(i) == "add" {
			added, err := s.watchlists.WatchlistAdd(ctx, scope, user, film.ID)
			if errors.Is(err, storage.ErrRated) {
				return Reply(fmt.Sprintf("You have already rated **%s** here; a watchlist is for films you have yet to see.", labelMD(film))), nil
			}
			if err != nil {
				return nil, notFound(err, "That film was just removed.")
			}
			if !added {
				return Reply(fmt.Sprintf("**%s** is already on your watchlist.", labelMD(film))), nil
			}
			return Reply(fmt.Sprintf("Added **%s** to your watchlist. It leaves the list when you rate it.", labelMD(film))), nil
		}
		removed, err := s.watchlists.WatchlistRemove(ctx, scope, user, film.ID)
		if err != nil {
			return nil, err
		}
		if !removed {
			return Reply(fmt.Sprintf("**%s** was not on your watchlist.", labelMD(film))), nil
		}
		return Reply(fmt.Sprintf("Took **%s** off your watchlist.", labelMD(film))), nil
	case "show":
		who := user
		if other, given, err := userOption(tr(i), opts, "member"); err != nil {
			return nil, err
		} else if given {
			who = other
		}
		return s.watchlistPage(ctx, scope, who, 1, false)
	case "server":
		return s.wantedPage(ctx, scope, 1, false)
	}
	return nil, userErr("Unknown /watchlist command.")
}

func (s *Set) watchlistPage(ctx context.Context, scope storage.Scope, who uint64, p int, isUpdate bool) (*discordgo.InteractionResponse, error) {
	ws, err := s.watchlists.Watchlist(ctx, scope, who)
	if err != nil {
		return nil, err
	}
	if len(ws) == 0 {
		return nil, userErr("<@%d>'s watchlist here is empty: `/watchlist add film:<title>`.", who)
	}
	return showList(ctx, s, scope, list[storage.Watched]{kind: "wl", id: who, per: watchPerPage,
		film: func(w storage.Watched) uint64 { return w.Film },
		row: func(_ int, w storage.Watched, name func(uint64) string) string {
			return fmt.Sprintf("• **%s** · added <t:%d:d>", name(w.Film), w.At.Unix())
		},
		embed: func(rows string, p, pages int) *discordgo.MessageEmbed {
			return &discordgo.MessageEmbed{Title: "Watchlist", Description: fmt.Sprintf("<@%d> wants to see, newest first\n\n%s", who, rows),
				Color: colour, Footer: &discordgo.MessageEmbedFooter{Text: fmt.Sprintf("%s · page %d of %d", plural(len(ws), "film"), p, pages)}}
		}}, ws, p, isUpdate)
}

func (s *Set) wantedPage(ctx context.Context, scope storage.Scope, p int, isUpdate bool) (*discordgo.InteractionResponse, error) {
	ws, err := s.watchlists.MostWanted(ctx, scope)
	if err != nil {
		return nil, err
	}
	if len(ws) == 0 {
		return nil, userErr("No one here has a watchlist yet: `/watchlist add film:<title>`.")
	}
	return showList(ctx, s, scope, list[storage.Wanted]{kind: "wanted", id: 0, per: topPerPage,
		film: func(w storage.Wanted) uint64 { return w.Film },
		row: func(k int, w storage.Wanted, name func(uint64) string) string {
			return fmt.Sprintf("%d. **%s** — %s", k+1, name(w.Film), plural(w.Count, "member"))
		},
		embed: func(rows string, p, pages int) *discordgo.MessageEmbed {
			return &discordgo.MessageEmbed{Title: "Most wanted in this server", Description: rows, Color: colour,
				Footer: &discordgo.MessageEmbedFooter{Text: fmt.Sprintf("By how many members list each · page %d of %d", p, pages)}}
		}}, ws, p, isUpdate)
}

// watchlistButton turns the pages of /watchlist show.
func (s *Set) watchlistButton(ctx context.Context, i *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
	scope, c, err := pageClick(i)
	if err != nil {
		return nil, err
	}
	return s.watchlistPage(ctx, scope, c.args[0], int(c.args[1]), true)
}

// wantedButton turns the pages of /watchlist server.
func (s *Set) wantedButton(ctx context.Context, i *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
	scope, c, err := pageClick(i)
	if err != nil {
		return nil, err
	}
	return s.wantedPage(ctx, scope, int(c.args[1]), true)
}
