package commands

import (
	"context"
	"fmt"

	"github.com/bwmarrin/discordgo"

	"github.com/filmbot/filmbot/limits"
	"github.com/filmbot/filmbot/storage"
)

// Limits of what moderators submit.
const (
	maxTitle     = 200
	maxReviewer  = 100
	maxPullQuote = 300
	maxParagraph = limits.ParagraphInput // one excerpt
	maxExcerpts  = 200
	maxCastLines = 200
)

var manageDef = &discordgo.ApplicationCommand{
	Name:        "manage",
	Description: "Moderators: post and curate reviews and this server's films",
	// Shown to members with Manage Messages, as moderators usually
	// have; who may use it is decided by moderator() on every call.
	DefaultMemberPermissions: ptr(int64(discordgo.PermissionManageMessages)),
	Contexts:                 &[]discordgo.InteractionContextType{discordgo.InteractionContextGuild},
	Options: []*discordgo.ApplicationCommandOption{
		{Type: discordgo.ApplicationCommandOptionSubCommandGroup, Name: "review", Description: "Reviews", Options: []*discordgo.ApplicationCommandOption{
			{Type: discordgo.ApplicationCommandOptionSubCommand, Name: "add", Description: "Post a review (a form opens; attach a .txt or .md file for long ones)", Options: []*discordgo.ApplicationCommandOption{
				filmOption("The film reviewed"),
				{Type: discordgo.ApplicationCommandOptionAttachment, Name: "file", Description: "The review as a .txt or .md file, up to 100 KB (instead of the form)"},
				{Type: discordgo.ApplicationCommandOptionString, Name: "reviewer", Description: "Who wrote it (with file:; default: you)", MaxLength: maxReviewer},
				{Type: discordgo.ApplicationCommandOptionString, Name: "pull_quote", Description: "A line to quote in the announcement (with file:)", MaxLength: maxPullQuote},
			}},
			{Type: discordgo.ApplicationCommandOptionSubCommand, Name: "edit", Description: "Correct a review of this server", Options: []*discordgo.ApplicationCommandOption{
				filmOption("The film"),
				{Type: discordgo.ApplicationCommandOptionString, Name: "by", Description: "Whose review", Required: true, Autocomplete: true, MaxLength: 100},
				{Type: discordgo.ApplicationCommandOptionAttachment, Name: "file", Description: "Replace the text with this .txt or .md file"},
			}},
			{Type: discordgo.ApplicationCommandOptionSubCommand, Name: "remove", Description: "Remove a review of this server (ratings stay)", Options: []*discordgo.ApplicationCommandOption{
				filmOption("The film"),
				{Type: discordgo.ApplicationCommandOptionString, Name: "by", Description: "Whose review", Required: true, Autocomplete: true, MaxLength: 100},
			}},
		}},
		{Type: discordgo.ApplicationCommandOptionSubCommandGroup, Name: "film", Description: "This server's films", Options: []*discordgo.ApplicationCommandOption{
			{Type: discordgo.ApplicationCommandOptionSubCommand, Name: "add", Description: "Add a film: from TMDB with tmdb:, else a form opens", Options: []*discordgo.ApplicationCommandOption{
				tmdbOption("The film on TMDB: its id or link, or an IMDb id (tt…); leave out to type it in", false),
			}},
			{Type: discordgo.ApplicationCommandOptionSubCommand, Name: "edit", Description: "Correct a film, cast included", Options: []*discordgo.ApplicationCommandOption{filmOption("The film")}},
			{Type: discordgo.ApplicationCommandOptionSubCommand, Name: "remove", Description: "Remove a film with its reviews and ratings here", Options: []*discordgo.ApplicationCommandOption{filmOption("The film")}},
			{Type: discordgo.ApplicationCommandOptionSubCommand, Name: "link", Description: "Link a film this server added to its TMDB film", Options: []*discordgo.ApplicationCommandOption{
				filmOption("This server's film"),
				tmdbOption("Its TMDB id or link, or its IMDb id (tt…)", true),
			}},
			{Type: discordgo.ApplicationCommandOptionSubCommand, Name: "import", Description: "Add the films of a Letterboxd list (a preview comes first)", Options: []*discordgo.ApplicationCommandOption{
				{Type: discordgo.ApplicationCommandOptionAttachment, Name: "file", Description: "A Letterboxd list export (.csv), or any CSV with Title and Year", Required: true},
			}},
		}},
	},
}

// manage routes /manage's subcommands.
func (s *Set) manage(ctx context.Context, i *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
	scope, err := s.moderator(ctx, i)
	if err != nil {
		return nil, err
	}
	opts := options(i)
	switch subcommand(i) {
	case "review add":
		return s.reviewAdd(ctx, i, scope, opts)
	case "review edit":
		return s.reviewEdit(ctx, i, scope, opts)
	case "review remove":
		rev, film, err := s.ownReview(ctx, scope, opts)
		if err != nil {
			return nil, err
		}
		return confirm(fmt.Sprintf("Remove %s's review of **%s**? Its ratings stay.", plain(reviewerName(tr(i), rev), 100), labelMD(film)),
			customID{"modrev", "remove", []uint64{rev.ID}}), nil
	case "film add":
		if ref := str(opts, "tmdb"); ref != "" {
			return s.filmAddTMDB(ctx, scope, ref)
		}
		return filmModal("modfilm:add:0", "Add a film", storage.Film{}), nil
	case "film link":
		return s.filmLink(ctx, scope, str(opts, "film"), str(opts, "tmdb"))
	case "film edit":
		film, err := s.ownFilm(ctx, scope, str(opts, "film"))
		if err != nil {
			return nil, err
		}
		return filmModal(customID{"modfilm", "edit", []uint64{film.ID}}.String(), "Edit "+clip(film.Title, 30), film), nil
	case "film import":
		return s.filmImport(ctx, i, scope)
	case "film remove":
		film, err := s.ownFilm(ctx, scope, str(opts, "film"))
		if err != nil {
			return nil, err
		}
		revs, rates, err := s.films.FilmUsage(ctx, scope, film.ID)
		if err != nil {
			return nil, err
		}
		return confirm(fmt.Sprintf("Remove **%s**? With it go its %s and %s in this server.", labelMD(film), plural(revs, "review"), plural(rates, "rating")),
			customID{"modfilm", "remove", []uint64{film.ID}}), nil
	}
	return nil, userErr("Unknown /manage command.")
}

// confirm asks a moderator to confirm a removal with a button.
func confirm(text string, yes customID) *discordgo.InteractionResponse {
	no := customID{yes.kind, "keep", yes.args}
	r := Reply(text)
	r.Data.Components = []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
		discordgo.Button{Label: "Remove", Style: discordgo.DangerButton, CustomID: yes.String()},
		discordgo.Button{Label: "Keep it", Style: discordgo.SecondaryButton, CustomID: no.String()},
	}}}
	return r
}

// modAction checks a moderator's form submit or button click and parses
// its custom_id ("kind:action:id").
func (s *Set) modAction(ctx context.Context, i *discordgo.InteractionCreate) (storage.Scope, customID, error) {
	scope, err := s.moderator(ctx, i)
	if err != nil {
		return 0, customID{}, err
	}
	id := ""
	if i.Type == discordgo.InteractionModalSubmit {
		id = i.ModalSubmitData().CustomID
	} else {
		id = componentID(i)
	}
	c, err := parseCustomID(id, 1)
	if err != nil {
		return 0, customID{}, userErr("That form is out of date.")
	}
	return scope, c, nil
}

// manageAutocomplete completes film: and, for by:, this server's reviews.
func (s *Set) manageAutocomplete(ctx context.Context, i *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
	if _, err := s.moderator(ctx, i); err != nil {
		return choices8(nil), nil
	}
	return s.reviewAutocomplete(ctx, i)
}
