package commands

import (
	"context"

	"github.com/bwmarrin/discordgo"

	"github.com/filmbot/filmbot/limits"
	"github.com/filmbot/filmbot/locale"
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

var (
	msgManageRemoveReview = locale.Text("manage.review.remove.ask", "Remove {{.Reviewer}}'s review of **{{.Film}}**? Its ratings stay.")
	msgManageAddFilm      = locale.Text("manage.film.add.form", "Add a film")
	msgManageEditFilm     = locale.Text("manage.film.edit.form", "Edit {{.Title}}")
	msgManageRemoveFilm   = locale.Text("manage.film.remove.ask", "Remove **{{.Film}}**? With it go its {{.Reviews}} and {{.Ratings}} in this server.")
	msgManageUnknown      = locale.Text("manage.unknown", "Unknown /manage command.")
	msgManageRemove       = locale.Text("manage.button.remove", "Remove")
	msgManageKeep         = locale.Text("manage.button.keep", "Keep it")
	msgManageKept         = locale.Text("manage.kept", "Kept it.")
	msgManageStaleForm    = locale.Text("manage.form.stale", "That form is out of date.")
	msgManageBuiltIn      = locale.Text("manage.builtin", "The built-in catalog cannot be changed by a server.")
	// Counts inside a sentence of their own ("with it go its 2 reviews
	// and 5 ratings"): a sentence holds two counts, so each is a phrase.
	msgManageReviews = locale.Plural("manage.count.reviews", "{{.Count}} review", "{{.Count}} reviews")
	msgManageRatings = locale.Plural("manage.count.ratings", "{{.Count}} rating", "{{.Count}} ratings")
)

// manage routes /manage's subcommands.
func (s *Set) manage(ctx context.Context, i *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
	scope, err := s.moderator(ctx, i)
	if err != nil {
		return nil, err
	}
	t := tr(i)
	opts := options(i)
	switch subcommand(i) {
	case "review add":
		return s.reviewAdd(ctx, t, i, scope, opts)
	case "review edit":
		return s.reviewEdit(ctx, t, i, scope, opts)
	case "review remove":
		rev, film, err := s.ownReview(ctx, t, scope, opts)
		if err != nil {
			return nil, err
		}
		return confirm(t, t.F(msgManageRemoveReview, "Reviewer", plain(reviewerName(t, rev), 100), "Film", labelMD(film)),
			customID{"modrev", "remove", []uint64{rev.ID}}), nil
	case "film add":
		if ref := str(opts, "tmdb"); ref != "" {
			return s.filmAddTMDB(ctx, t, scope, ref)
		}
		return filmModal(t, "modfilm:add:0", t.S(msgManageAddFilm), storage.Film{}), nil
	case "film link":
		return s.filmLink(ctx, t, scope, str(opts, "film"), str(opts, "tmdb"))
	case "film edit":
		film, err := s.ownFilm(ctx, t, scope, str(opts, "film"))
		if err != nil {
			return nil, err
		}
		return filmModal(t, customID{"modfilm", "edit", []uint64{film.ID}}.String(), t.F(msgManageEditFilm, "Title", clip(film.Title, 30)), film), nil
	case "film import":
		return s.filmImport(ctx, i, scope)
	case "film remove":
		film, err := s.ownFilm(ctx, t, scope, str(opts, "film"))
		if err != nil {
			return nil, err
		}
		revs, rates, err := s.films.FilmUsage(ctx, scope, film.ID)
		if err != nil {
			return nil, err
		}
		return confirm(t, t.F(msgManageRemoveFilm, "Film", labelMD(film), "Reviews", t.N(msgManageReviews, revs), "Ratings", t.N(msgManageRatings, rates)),
			customID{"modfilm", "remove", []uint64{film.ID}}), nil
	}
	return nil, userText(t.S(msgManageUnknown))
}

// confirm asks a moderator to confirm a removal with a button.
func confirm(t *locale.T, text string, yes customID) *discordgo.InteractionResponse {
	no := customID{yes.kind, "keep", yes.args}
	r := Reply(text)
	r.Data.Components = []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
		discordgo.Button{Label: t.S(msgManageRemove), Style: discordgo.DangerButton, CustomID: yes.String()},
		discordgo.Button{Label: t.S(msgManageKeep), Style: discordgo.SecondaryButton, CustomID: no.String()},
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
		return 0, customID{}, userText(tr(i).S(msgManageStaleForm))
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
