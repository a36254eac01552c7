package commands

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"
	"golang.org/x/text/unicode/norm"

	"github.com/filmbot/filmbot/limits"
	"github.com/filmbot/filmbot/storage"
)

// Poster posts in channels: the bot implements it with its session. It
// is how a new review is announced and its discussion thread started.
type Poster interface {
	// PostMessage posts in a channel of the server guildID, and refuses a
	// channel of any other server.
	PostMessage(ctx context.Context, guildID, channelID string, embed *discordgo.MessageEmbed) (messageID string, err error)
	StartThread(ctx context.Context, channelID, messageID, name string) (threadID string, err error)
}

// Permission bits that make a member a moderator. Discord sends a
// member's permissions as computed in the channel of the interaction,
// channel overwrites included, so only server-wide rights count:
// Administrator (no overwrite removes or grants it), Manage Server (not a
// channel permission, so no overwrite grants it), or the server's
// moderator role (roles are server-wide). Manage Messages is not enough:
// a channel overwrite can grant it in one channel.
const (
	permAdmin        = discordgo.PermissionAdministrator
	permManageServer = discordgo.PermissionManageGuild
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

var (
	manageDef = &discordgo.ApplicationCommand{
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
				{Type: discordgo.ApplicationCommandOptionSubCommand, Name: "add", Description: "Add a film (a form opens)"},
				{Type: discordgo.ApplicationCommandOptionSubCommand, Name: "edit", Description: "Correct a film, cast included", Options: []*discordgo.ApplicationCommandOption{filmOption("The film")}},
				{Type: discordgo.ApplicationCommandOptionSubCommand, Name: "remove", Description: "Remove a film with its reviews and ratings here", Options: []*discordgo.ApplicationCommandOption{filmOption("The film")}},
				{Type: discordgo.ApplicationCommandOptionSubCommand, Name: "import", Description: "Add the films of a Letterboxd list (a preview comes first)", Options: []*discordgo.ApplicationCommandOption{
					{Type: discordgo.ApplicationCommandOptionAttachment, Name: "file", Description: "A Letterboxd list export (.csv), or any CSV with Title and Year", Required: true},
				}},
			}},
		},
	}
	settingsDef = &discordgo.ApplicationCommand{
		Name:                     "settings",
		Description:              "Server settings (Manage Server)",
		DefaultMemberPermissions: ptr(int64(permManageServer)),
		Contexts:                 &[]discordgo.InteractionContextType{discordgo.InteractionContextGuild},
		Options: []*discordgo.ApplicationCommandOption{
			{Type: discordgo.ApplicationCommandOptionSubCommand, Name: "reviews-channel", Description: "Where new reviews are announced (leave out: where they are posted)", Options: []*discordgo.ApplicationCommandOption{
				{Type: discordgo.ApplicationCommandOptionChannel, Name: "channel", Description: "A text channel", ChannelTypes: []discordgo.ChannelType{discordgo.ChannelTypeGuildText}},
			}},
			{Type: discordgo.ApplicationCommandOptionSubCommand, Name: "mod-role", Description: "A role whose members may use /manage (leave out to clear)", Options: []*discordgo.ApplicationCommandOption{
				{Type: discordgo.ApplicationCommandOptionRole, Name: "role", Description: "The role"},
			}},
			{Type: discordgo.ApplicationCommandOptionSubCommand, Name: "host-role", Description: "A role whose members may host movie nights (leave out to clear)", Options: []*discordgo.ApplicationCommandOption{
				{Type: discordgo.ApplicationCommandOptionRole, Name: "role", Description: "The role"},
			}},
			{Type: discordgo.ApplicationCommandOptionSubCommand, Name: "timezone", Description: "The time zone movie-night times are typed in", Options: []*discordgo.ApplicationCommandOption{
				{Type: discordgo.ApplicationCommandOptionString, Name: "zone", Description: "Like Europe/Paris or America/New_York (leave out: UTC)", MaxLength: 64},
			}},
			{Type: discordgo.ApplicationCommandOptionSubCommand, Name: "show", Description: "Show this server's settings"},
		},
	}
)

// subcommand returns "group sub" of a command ("review add").
func subcommand(i *discordgo.InteractionCreate) string {
	var path []string
	opts := i.ApplicationCommandData().Options
	for len(opts) == 1 && opts[0] != nil && (opts[0].Type == discordgo.ApplicationCommandOptionSubCommand || opts[0].Type == discordgo.ApplicationCommandOptionSubCommandGroup) {
		path = append(path, opts[0].Name)
		opts = opts[0].Options
	}
	return strings.Join(path, " ")
}

// moderator checks, on every call, that the member may moderate: Manage
// Server, Administrator, or the server's moderator role (see permAdmin).
// Discord's default_member_permissions only hides the command.
func (s *Set) moderator(ctx context.Context, i *discordgo.InteractionCreate) (storage.Scope, error) {
	scope, err := scopeOf(i)
	if err != nil {
		return 0, err
	}
	if scope == storage.BuiltIn || i.Member == nil {
		return 0, userErr("Moderators' commands work in a server, not in a DM.")
	}
	if i.Member.Permissions&(permAdmin|permManageServer) != 0 {
		return scope, nil
	}
	set, err := s.serverSettings.Settings(ctx, scope)
	if err != nil {
		return 0, err
	}
	// A role equal to the server's id is @everyone: never a moderator role
	// (the setting refuses it; an older database may hold it).
	if set.ModRole != "" && set.ModRole != i.GuildID && slices.Contains(i.Member.Roles, set.ModRole) {
		return scope, nil
	}
	return 0, userErr(notModerator)
}

// notModerator is the answer to a member who may not moderate.
const notModerator = "Only moderators can do that: members with Manage Server or Administrator, or with this server's moderator role (`/settings mod-role`)."

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
		return confirm(fmt.Sprintf("Remove %s's review of **%s**? Its ratings stay.", plain(reviewerName(rev), 100), labelMD(film)),
			customID{"modrev", "remove", []uint64{rev.ID}}), nil
	case "film add":
		return filmModal("modfilm:add:0", "Add a film", storage.Film{}), nil
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

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
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

// Reply is an ephemeral text message.
func Reply(text string) *discordgo.InteractionResponse {
	return &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{Content: clip(text, limits.Content), Flags: discordgo.MessageFlagsEphemeral, AllowedMentions: noMentions()},
	}
}

func updateText(text string) *discordgo.InteractionResponse {
	r := Reply(text)
	r.Type = discordgo.InteractionResponseUpdateMessage
	r.Data.Components = []discordgo.MessageComponent{}
	r.Data.Flags = 0
	return r
}

// ownFilm resolves a film this server may change (not a built-in one).
func (s *Set) ownFilm(ctx context.Context, scope storage.Scope, value string) (storage.Film, error) {
	film, err := s.resolveBy(ctx, scope, value, s.films.Film) // whole: an edit starts from it
	if err != nil {
		return film, err
	}
	if film.Scope != scope {
		return film, userErr("**%s** is in the built-in catalog, which servers cannot change. You can post your own review of it.", labelMD(film))
	}
	return film, nil
}

// ownReview resolves film: and by: to a review this server posted.
func (s *Set) ownReview(ctx context.Context, scope storage.Scope, opts optionSet) (storage.Review, storage.Film, error) {
	film, err := s.resolve(ctx, scope, str(opts, "film"))
	if err != nil {
		return storage.Review{}, film, err
	}
	reviews, err := s.reviews.Reviews(ctx, scope, film.ID)
	if err != nil {
		return storage.Review{}, film, notFound(err, "That film was just removed.")
	}
	var own []storage.Review
	for _, r := range reviews {
		if r.Scope == scope {
			own = append(own, r)
		}
	}
	if len(own) == 0 {
		return storage.Review{}, film, userErr("This server has posted no review of **%s** (the built-in review cannot be changed).", labelMD(film))
	}
	rev, err := pickReview(own, str(opts, "by"))
	return rev, film, err
}

// parseReview splits review text into excerpts: paragraphs are separated
// by blank lines (or, in text with no blank line, by line breaks), and a
// paragraph wrapped in ||double bars|| is a spoiler.
func parseReview(text string) ([]storage.Excerpt, error) {
	text = strings.ReplaceAll(strings.ReplaceAll(text, "\r\n", "\n"), "\r", "\n")
	sep := "\n"
	if blank := strings.Contains(text, "\n\n") || strings.Contains(text, "\n \n"); blank {
		sep = "blank"
	}
	var paras []string
	if sep == "blank" {
		var cur []string
		for _, line := range strings.Split(text, "\n") {
			if strings.TrimSpace(line) == "" {
				if len(cur) > 0 {
					paras = append(paras, strings.Join(cur, "\n"))
					cur = nil
				}
				continue
			}
			cur = append(cur, strings.TrimRight(line, " \t"))
		}
		if len(cur) > 0 {
			paras = append(paras, strings.Join(cur, "\n"))
		}
	} else {
		paras = strings.Split(text, "\n")
	}
	var out []storage.Excerpt
	for _, p := range paras {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		e := storage.Excerpt{Text: p}
		if inner, ok := strings.CutPrefix(p, "||"); ok {
			if inner, ok = strings.CutSuffix(inner, "||"); ok && strings.TrimSpace(inner) != "" {
				e = storage.Excerpt{Text: strings.TrimSpace(inner), Spoiler: true}
			}
		}
		if n := len([]rune(e.Text)); n > maxParagraph {
			return nil, userErr("Paragraph %d has %d characters; a paragraph holds at most %d. Split it with a blank line.", len(out)+1, n, maxParagraph)
		}
		out = append(out, e)
	}
	if len(out) == 0 {
		return nil, userErr("The review has no text.")
	}
	if len(out) > maxExcerpts {
		return nil, userErr("The review has %d paragraphs; at most %d.", len(out), maxExcerpts)
	}
	return out, nil
}

// reviewText turns excerpts back into the text a moderator edits.
func reviewText(ex []storage.Excerpt) string {
	parts := make([]string, len(ex))
	for k, e := range ex {
		parts[k] = e.Text
		if e.Spoiler {
			parts[k] = "||" + e.Text + "||"
		}
	}
	return strings.Join(parts, "\n\n")
}

func displayName(i *discordgo.InteractionCreate) string {
	if i.Member != nil {
		if i.Member.Nick != "" {
			return i.Member.Nick
		}
		if u := i.Member.User; u != nil {
			if u.GlobalName != "" {
				return u.GlobalName
			}
			return u.Username
		}
	}
	return ""
}

func textInput(id, label string, style discordgo.TextInputStyle, value string, required bool, max int, placeholder string) discordgo.ActionsRow {
	return discordgo.ActionsRow{Components: []discordgo.MessageComponent{discordgo.TextInput{
		CustomID: id, Label: label, Style: style, Value: clip(value, max), Required: required, MaxLength: max, Placeholder: clip(placeholder, 100),
	}}}
}

func modal(customID, title string, rows ...discordgo.MessageComponent) *discordgo.InteractionResponse {
	return &discordgo.InteractionResponse{Type: discordgo.InteractionResponseModal, Data: &discordgo.InteractionResponseData{
		CustomID: customID, Title: clip(title, limits.ModalTitle), Components: rows}}
}

// reviewModal is the form for a review's reviewer, text and pull quote.
func reviewModal(customID, title, reviewer, text, quote string) *discordgo.InteractionResponse {
	return modal(customID, title,
		textInput("reviewer", "Reviewer", discordgo.TextInputShort, reviewer, true, maxReviewer, "Who wrote the review"),
		textInput("text", "Review (blank line between paragraphs)", discordgo.TextInputParagraph, text, true, maxParagraph,
			"Each paragraph becomes an excerpt. Wrap a spoiler paragraph in ||double bars||."),
		textInput("quote", "Pull quote (optional)", discordgo.TextInputShort, quote, false, maxPullQuote, "A line for the announcement"),
	)
}

// modalValues reads a modal submit's fields by custom_id, without
// trusting their types.
func modalValues(i *discordgo.InteractionCreate) map[string]string {
	out := map[string]string{}
	for _, c := range i.ModalSubmitData().Components {
		var row *discordgo.ActionsRow
		switch r := c.(type) {
		case *discordgo.ActionsRow:
			row = r
		case discordgo.ActionsRow:
			row = &r
		default:
			continue
		}
		for _, x := range row.Components {
			switch ti := x.(type) {
			case *discordgo.TextInput:
				out[ti.CustomID] = ti.Value
			case discordgo.TextInput:
				out[ti.CustomID] = ti.Value
			}
		}
	}
	return out
}

// reviewAdd answers /manage review add: a modal, or with file: the
// review from the attachment at once.
func (s *Set) reviewAdd(ctx context.Context, i *discordgo.InteractionCreate, scope storage.Scope, opts optionSet) (*discordgo.InteractionResponse, error) {
	film, err := s.resolve(ctx, scope, str(opts, "film"))
	if err != nil {
		return nil, err
	}
	if opts.get("file") == nil {
		return reviewModal(customID{"modrev", "add", []uint64{film.ID}}.String(), "Review of "+clip(film.Title, 30), displayName(i), "", ""), nil
	}
	text, err := s.attachment(ctx, i, opts)
	if err != nil {
		return nil, err
	}
	reviewer := str(opts, "reviewer")
	if reviewer == "" {
		reviewer = displayName(i)
	}
	return s.postReview(ctx, i, scope, film.ID, reviewer, text, str(opts, "pull_quote"))
}

// reviewInput checks what a moderator submitted for a review and splits
// the text into excerpts.
func reviewInput(reviewer, text, quote string) (string, string, []storage.Excerpt, error) {
	reviewer, err := cleanLine("The reviewer's name", reviewer)
	if err != nil {
		return "", "", nil, err
	}
	if quote, err = cleanLine("The pull quote", quote); err != nil {
		return "", "", nil, err
	}
	if text, err = cleanText("The review", text); err != nil {
		return "", "", nil, err
	}
	if !visibleText(reviewer) || len([]rune(reviewer)) > maxReviewer {
		return "", "", nil, userErr("The reviewer's name must be 1 to %d characters, with at least one letter or digit.", maxReviewer)
	}
	if len([]rune(quote)) > maxPullQuote {
		return "", "", nil, userErr("The pull quote holds at most %d characters.", maxPullQuote)
	}
	excerpts, err := parseReview(text)
	return reviewer, quote, excerpts, err
}

// postReview validates, stores and announces a new review.
func (s *Set) postReview(ctx context.Context, i *discordgo.InteractionCreate, scope storage.Scope, filmID uint64, reviewer, text, quote string) (*discordgo.InteractionResponse, error) {
	reviewer, quote, excerpts, err := reviewInput(reviewer, text, quote)
	if err != nil {
		return nil, err
	}
	film, err := s.films.FilmHeader(ctx, scope, filmID)
	if err != nil {
		return nil, notFound(err, "That film was removed while you were writing. Your text, so it is not lost:\n"+clip(text, 1700))
	}
	rev, err := s.reviews.AddReview(ctx, scope, storage.Review{FilmID: film.ID, Reviewer: reviewer, PullQuote: quote, Excerpts: excerpts, PostedBy: userID(i)})
	if errors.Is(err, storage.ErrExists) {
		return Reply(fmt.Sprintf("This review of **%s** by %s was already saved (%s): nothing was added or announced again. Members read it with `/review film:%s`.",
			labelMD(film), plain(reviewer, 100), discordTime(rev.PostedAt), inCode(film.Title, 100))), nil
	}
	if err != nil {
		return nil, notFound(err, "That film was removed while you were writing. Your text, so it is not lost:\n"+clip(text, 1700))
	}
	// From here the review is saved: whatever happens to the announcement,
	// the answer says so, so that no one posts it twice.
	where := s.announce(ctx, i, scope, film, rev)
	return Reply(fmt.Sprintf("Posted %s's review of **%s** (%s). %s", plain(reviewer, 100), labelMD(film), plural(len(excerpts), "excerpt"), where)), nil
}

// discordTime is t as a Discord timestamp each member sees in their own time zone.
func discordTime(t time.Time) string {
	return fmt.Sprintf("<t:%d:f>", t.Unix())
}

func userID(i *discordgo.InteractionCreate) string {
	if i.Member != nil && i.Member.User != nil {
		return i.Member.User.ID
	}
	if i.User != nil {
		return i.User.ID
	}
	return ""
}

// announce posts the new review in the reviews channel (or where the
// moderator is) and starts a discussion thread on it. It reports where.
func (s *Set) announce(ctx context.Context, i *discordgo.InteractionCreate, scope storage.Scope, film storage.Film, rev storage.Review) string {
	if s.poster == nil {
		return "Members can read it with `/review`."
	}
	channel := i.ChannelID
	if set, err := s.serverSettings.Settings(ctx, scope); err == nil && set.ReviewsChannel != "" {
		channel = set.ReviewsChannel
	}
	first := ""
	for _, e := range rev.Excerpts {
		if !e.Spoiler {
			first = e.Text
			break
		}
	}
	desc := ""
	if rev.PullQuote != "" {
		desc = "> " + markup(storage.Excerpt{Text: strings.Join(strings.Fields(rev.PullQuote), " ")}, maxPullQuote*2) + "\n\n"
	}
	if first != "" {
		desc += markup(storage.Excerpt{Text: first}, 1500)
	} else {
		desc += "*(Every paragraph is a spoiler: read it with /review.)*"
	}
	embed := &discordgo.MessageEmbed{
		Author:      &discordgo.MessageEmbedAuthor{Name: clip("New review by "+rev.Reviewer, limits.Author)},
		Title:       plain(label(film), limits.EmbedTitle),
		Description: desc,
		Footer:      &discordgo.MessageEmbedFooter{Text: clip(fmt.Sprintf("%s · /review film:%s by:%s", plural(len(rev.Excerpts), "excerpt"), film.Title, rev.Reviewer), 300)},
		Color:       colour,
	}
	// The announcement runs on its own clock: a slow Discord must not turn
	// a saved review into "try again" (and a duplicate). It may finish
	// after the answer; then the answer says it is on its way.
	done := make(chan string, 1)
	go func() {
		actx, cancel := context.WithTimeout(context.WithoutCancel(ctx), announceTimeout)
		defer cancel()
		msgID, err := s.poster.PostMessage(actx, i.GuildID, channel, embed)
		if err != nil {
			done <- fmt.Sprintf("It is saved, but announcing it in <#%s> failed (%s): members can still read it with `/review`.", channel, clip(err.Error(), 200))
			return
		}
		thread, err := s.poster.StartThread(actx, channel, msgID, clip(label(film), 100))
		if err != nil {
			done <- fmt.Sprintf("Announced in <#%s>; starting the discussion thread failed (%s).", channel, clip(err.Error(), 200))
			return
		}
		done <- fmt.Sprintf("Announced in <#%s>, with a discussion thread: <#%s>.", channel, thread)
	}()
	wait := announceWait
	if d, ok := ctx.Deadline(); ok {
		wait = min(wait, time.Until(d)-answerMargin)
	}
	t := time.NewTimer(max(wait, 0))
	defer t.Stop()
	select {
	case where := <-done:
		return where
	case <-t.C:
		return fmt.Sprintf("It is saved. Discord is slow to take the announcement in <#%s>: it is still being posted and should appear shortly. Do not post the review again.", channel)
	}
}

// How long an announcement may take: announceWait before the moderator
// is answered without it (never past the handler's deadline, less
// answerMargin to send the answer), announceTimeout before it is dropped.
var (
	announceWait    = 10 * time.Second
	announceTimeout = time.Minute
	answerMargin    = 2 * time.Second
)

// reviewEdit answers /manage review edit: a prefilled modal, or with
// file: the new text at once.
func (s *Set) reviewEdit(ctx context.Context, i *discordgo.InteractionCreate, scope storage.Scope, opts optionSet) (*discordgo.InteractionResponse, error) {
	rev, film, err := s.ownReview(ctx, scope, opts)
	if err != nil {
		return nil, err
	}
	if opts.get("file") != nil {
		text, err := s.attachment(ctx, i, opts)
		if err != nil {
			return nil, err
		}
		return s.saveEdit(ctx, scope, rev.ID, rev.Reviewer, text, rev.PullQuote)
	}
	text := reviewText(rev.Excerpts)
	if len([]rune(text)) > maxParagraph {
		return nil, userErr("This review is longer than a form holds (%d characters). Edit the text and use `/manage review edit file:`.", maxParagraph)
	}
	return reviewModal(customID{"modrev", "edit", []uint64{rev.ID}}.String(), "Edit review of "+clip(film.Title, 25), rev.Reviewer, text, rev.PullQuote), nil
}

func (s *Set) saveEdit(ctx context.Context, scope storage.Scope, id uint64, reviewer, text, quote string) (*discordgo.InteractionResponse, error) {
	reviewer, quote, excerpts, err := reviewInput(reviewer, text, quote)
	if err != nil {
		return nil, err
	}
	rev, err := s.reviews.UpdateReview(ctx, scope, storage.Review{ID: id, Reviewer: reviewer, PullQuote: quote, Excerpts: excerpts})
	if err != nil {
		return nil, notFound(err, "That review was removed meanwhile.")
	}
	return Reply(fmt.Sprintf("Saved %s's review (%s).", plain(rev.Reviewer, 100), plural(len(rev.Excerpts), "excerpt"))), nil
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

// modReview handles the review form's submit and the removal buttons.
func (s *Set) modReview(ctx context.Context, i *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
	scope, c, err := s.modAction(ctx, i)
	if err != nil {
		return nil, err
	}
	if i.Type == discordgo.InteractionModalSubmit {
		v := modalValues(i)
		switch c.action {
		case "add":
			return s.postReview(ctx, i, scope, c.args[0], v["reviewer"], v["text"], v["quote"])
		case "edit":
			return s.saveEdit(ctx, scope, c.args[0], v["reviewer"], v["text"], v["quote"])
		}
		return nil, userErr("That form is out of date.")
	}
	switch c.action {
	case "remove":
		rev, err := s.reviews.DeleteReview(ctx, scope, c.args[0])
		if errors.Is(err, storage.ErrBuiltIn) {
			return nil, userErr("The built-in catalog cannot be changed by a server.")
		}
		if err != nil {
			return nil, notFound(err, "That review was already removed.")
		}
		return updateText(fmt.Sprintf("Removed %s's review. Its film and ratings stay.", clip(reviewerName(rev), 100))), nil
	case "keep":
		return updateText("Kept it."), nil
	}
	return nil, errStaleButton
}

// filmModal is the form for a film's title, year, directors, cast and aliases.
func filmModal(customID, title string, f storage.Film) *discordgo.InteractionResponse {
	year := ""
	if f.Year != 0 {
		year = strconv.Itoa(f.Year)
	}
	var cast []string
	for _, r := range f.Cast {
		cast = append(cast, r.Actor+" — "+r.Role)
	}
	return modal(customID, title,
		textInput("title", "Title", discordgo.TextInputShort, f.Title, true, maxTitle, ""),
		textInput("year", "Year", discordgo.TextInputShort, year, true, 4, "e.g. 2024"),
		textInput("directors", "Director(s), comma-separated", discordgo.TextInputShort, strings.Join(f.Directors, ", "), false, 300, ""),
		textInput("cast", "Cast: one \"Actor — Role\" a line", discordgo.TextInputParagraph, strings.Join(cast, "\n"), false, maxParagraph, "Mikey Madison — Ani"),
		textInput("aliases", "Other names, comma-separated", discordgo.TextInputShort, strings.Join(f.Aliases, ", "), false, 300, ""),
	)
}

// parseFilm reads the film form, keeping what the form does not hold.
func parseFilm(v map[string]string, f storage.Film) (storage.Film, error) {
	title, err := cleanLine("The title", v["title"])
	if err != nil {
		return f, err
	}
	if f.Title = title; !visibleText(title) || len([]rune(title)) > maxTitle {
		return f, userErr("A title is 1 to %d characters, with at least one letter or digit.", maxTitle)
	}
	year, err := strconv.Atoi(strings.TrimSpace(norm.NFKC.String(v["year"])))
	if err != nil || year < 1870 || year > 2100 {
		return f, userErr("The year must be a number like 2024 (1870 to 2100), not %q.", clip(v["year"], 20))
	}
	f.Year = year
	if f.Directors, err = splitList("A director's name", v["directors"]); err != nil {
		return f, err
	}
	if f.Aliases, err = splitList("An other name", v["aliases"]); err != nil {
		return f, err
	}
	var cast []storage.Role
	notes := map[string]string{}
	for _, r := range f.Cast {
		notes[r.Actor+"\x00"+r.Role] = r.Note
	}
	castText, err := cleanText("The cast", v["cast"])
	if err != nil {
		return f, err
	}
	for n, line := range strings.Split(castText, "\n") {
		if line, err = cleanLine(fmt.Sprintf("Cast line %d", n+1), line); err != nil {
			return f, err
		}
		if line == "" {
			continue
		}
		actor, role, ok := cutAny(line, " — ", " – ", " - ", "—", "--")
		actor, role = strings.TrimSpace(actor), strings.TrimSpace(role)
		if !ok || !visibleText(actor) || !visibleText(role) {
			return f, userErr("Cast line %d (%q) is not \"Actor — Role\".", n+1, clip(line, 80))
		}
		cast = append(cast, storage.Role{Actor: clip(actor, 200), Role: clip(role, 200), Note: notes[actor+"\x00"+role]})
	}
	if len(cast) > maxCastLines {
		return f, userErr("At most %d cast lines.", maxCastLines)
	}
	f.Cast = cast
	return f, nil
}

func cutAny(s string, seps ...string) (string, string, bool) {
	for _, sep := range seps {
		if a, b, ok := strings.Cut(s, sep); ok {
			return a, b, true
		}
	}
	return s, "", false
}

// splitList reads a comma-separated list of names, each cleaned.
func splitList(what, s string) ([]string, error) {
	var out []string
	for _, p := range strings.Split(s, ",") {
		p, err := cleanLine(what, p)
		if err != nil {
			return nil, err
		}
		if visibleText(p) {
			out = append(out, clip(p, 100))
		}
	}
	return out, nil
}

// modFilm handles the film form's submit and the removal buttons.
func (s *Set) modFilm(ctx context.Context, i *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
	scope, c, err := s.modAction(ctx, i)
	if err != nil {
		return nil, err
	}
	if i.Type == discordgo.InteractionModalSubmit {
		v := modalValues(i)
		var f storage.Film
		if c.action == "edit" {
			if f, err = s.films.Film(ctx, scope, c.args[0]); err != nil {
				return nil, notFound(err, "That film was removed meanwhile.")
			}
		}
		f, err := parseFilm(v, f)
		if err != nil {
			return nil, err
		}
		switch c.action {
		case "add":
			f.CreatedBy = userID(i)
			f, err = s.films.CreateFilm(ctx, scope, f)
		case "edit":
			f, err = s.films.UpdateFilm(ctx, scope, f)
		default:
			return nil, userErr("That form is out of date.")
		}
		if errors.Is(err, storage.ErrExists) {
			return nil, userErr("**%s** is already here: see `/film film:%s`. A remake needs its own year.", labelMD(f), inCode(f.Title, 100))
		}
		if errors.Is(err, storage.ErrBuiltIn) {
			return nil, userErr("The built-in catalog cannot be changed by a server.")
		}
		if err != nil {
			return nil, notFound(err, "That film was removed meanwhile.")
		}
		verb := "Added"
		if c.action == "edit" {
			verb = "Saved"
		}
		return Reply(fmt.Sprintf("%s **%s** (%d in the cast). Post a review with `/manage review add film:%s`.", verb, labelMD(f), len(f.Cast), inCode(f.Title, 100))), nil
	}
	switch c.action {
	case "remove":
		film, err := s.films.Film(ctx, scope, c.args[0])
		if err != nil {
			return nil, notFound(err, "That film was already removed.")
		}
		revs, rates, err := s.films.FilmUsage(ctx, scope, film.ID)
		if err != nil {
			return nil, err
		}
		if err := s.films.DeleteFilm(ctx, scope, film.ID); err != nil {
			if errors.Is(err, storage.ErrBuiltIn) {
				return nil, userErr("The built-in catalog cannot be changed by a server.")
			}
			return nil, notFound(err, "That film was already removed.")
		}
		return updateText(fmt.Sprintf("Removed **%s**, with %s and %s.", labelMD(film), plural(revs, "review"), plural(rates, "rating"))), nil
	case "keep":
		return updateText("Kept it."), nil
	}
	return nil, errStaleButton
}

// settings answers /settings (Manage Server or Administrator only).
func (s *Set) settings(ctx context.Context, i *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
	scope, err := scopeOf(i)
	if err != nil {
		return nil, err
	}
	if scope == storage.BuiltIn || i.Member == nil {
		return nil, userErr("Settings belong to a server: use /settings there.")
	}
	if i.Member.Permissions&(permAdmin|permManageServer) == 0 {
		return nil, userErr("Only members with Manage Server or Administrator can see or change the bot's settings.")
	}
	opts := options(i)
	var set storage.Settings
	switch subcommand(i) {
	case "reviews-channel":
		ch, err := channelOption(i, opts.get("channel"))
		if err != nil {
			return nil, err
		}
		set, err = s.serverSettings.UpdateSettings(ctx, scope, func(st *storage.Settings) { st.ReviewsChannel = ch })
		if err != nil {
			return nil, err
		}
	case "mod-role":
		role, rerr := roleOption(i, opts, "role", "@everyone cannot be the moderator role: every member would be a moderator. Choose a role that only moderators have.")
		if rerr != nil {
			return nil, rerr
		}
		set, err = s.serverSettings.UpdateSettings(ctx, scope, func(st *storage.Settings) { st.ModRole = role })
	case "host-role":
		role, rerr := roleOption(i, opts, "role", "@everyone cannot be the host role: every member could plan and cancel movie nights. Choose a role for hosts.")
		if rerr != nil {
			return nil, rerr
		}
		set, err = s.serverSettings.UpdateSettings(ctx, scope, func(st *storage.Settings) { st.HostRole = role })
	case "timezone":
		zone := strings.TrimSpace(str(opts, "zone"))
		if zone != "" {
			loc, lerr := time.LoadLocation(zone)
			if lerr != nil || strings.EqualFold(zone, "local") {
				return nil, userErr("%q is not a time zone I know: use a name like Europe/Paris, America/New_York or Asia/Tokyo.", clip(zone, 64))
			}
			zone = loc.String()
		}
		set, err = s.serverSettings.UpdateSettings(ctx, scope, func(st *storage.Settings) { st.Timezone = zone })
	case "show":
		set, err = s.serverSettings.Settings(ctx, scope)
	default:
		return nil, userErr("Unknown /settings command.")
	}
	if err != nil {
		return nil, err
	}
	channel, role := "where each review is posted", "none (moderators are members with Manage Server or Administrator)"
	if set.ReviewsChannel != "" {
		channel = "<#" + set.ReviewsChannel + ">"
	}
	if set.ModRole != "" {
		role = "<@&" + set.ModRole + ">"
	}
	host, zone := "none (hosts are moderators)", "UTC"
	if set.HostRole != "" {
		host = "<@&" + set.HostRole + "> (and moderators)"
	}
	if set.Timezone != "" {
		zone = set.Timezone
	}
	return Reply(fmt.Sprintf("New reviews are announced: %s\nModerator role: %s\nMovie-night host role: %s\nTime zone: %s", channel, role, host, zone)), nil
}

// channelOption reads a channel option: a text channel of this server.
// Discord resolves the channels a member may pick, all of this server;
// an id it did not resolve (a forged or stale value) is refused, so
// announcements can never go to another server.
func channelOption(i *discordgo.InteractionCreate, o *discordgo.ApplicationCommandInteractionDataOption) (string, error) {
	if o == nil {
		return "", nil
	}
	id, _ := o.Value.(string)
	if _, err := strconv.ParseUint(id, 10, 64); o.Type != discordgo.ApplicationCommandOptionChannel || err != nil {
		return "", userErr("That is not a channel.")
	}
	data := i.ApplicationCommandData()
	var c *discordgo.Channel
	if data.Resolved != nil {
		c = data.Resolved.Channels[id]
	}
	if c == nil || (c.GuildID != "" && c.GuildID != i.GuildID) {
		return "", userErr("That channel is not in this server.")
	}
	if c.Type != discordgo.ChannelTypeGuildText && c.Type != discordgo.ChannelTypeGuildNews {
		return "", userErr("Reviews are announced in a text channel; <#%s> is not one.", id)
	}
	return id, nil
}

// manageAutocomplete completes film: and, for by:, this server's reviews.
func (s *Set) manageAutocomplete(ctx context.Context, i *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
	if _, err := s.moderator(ctx, i); err != nil {
		return choices8(nil), nil
	}
	return s.reviewAutocomplete(ctx, i)
}
