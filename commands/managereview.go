package commands

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/filmbot/filmbot/component"
	"github.com/filmbot/filmbot/limits"
	"github.com/filmbot/filmbot/locale"
	"github.com/filmbot/filmbot/storage"
)

var (
	msgRevFilmJustGone = locale.Text("manage.review.film.gone", "That film was just removed.")
	msgRevNoneHere     = locale.Text("manage.review.none", "This server has posted no review of **{{.Film}}** (the built-in review cannot be changed).")
)

// ownReview resolves film: and by: to a review this server posted.
func (s *Set) ownReview(ctx context.Context, t *locale.T, scope storage.Scope, opts optionSet) (storage.Review, storage.Film, error) {
	film, err := s.resolveIn(ctx, scope, str(opts, "film"), t.Locale())
	if err != nil {
		return storage.Review{}, film, err
	}
	reviews, err := s.reviews.Reviews(ctx, scope, film.ID)
	if err != nil {
		return storage.Review{}, film, notFound(err, t.S(msgRevFilmJustGone))
	}
	var own []storage.Review
	for _, r := range reviews {
		if r.Scope == scope {
			own = append(own, r)
		}
	}
	if len(own) == 0 {
		return storage.Review{}, film, userText(t.F(msgRevNoneHere, "Film", labelMD(film)))
	}
	rev, err := pickReview(t, own, str(opts, "by"))
	return rev, film, err
}

var (
	msgRevParaTooLong = locale.Text("manage.review.paragraph.long", "Paragraph {{.Paragraph}} has {{.Length}} characters; a paragraph holds at most {{.Max}}. Split it with a blank line.")
	msgRevNoText      = locale.Text("manage.review.empty", "The review has no text.")
	msgRevTooMany     = locale.Text("manage.review.paragraphs.many", "The review has {{.Paragraphs}} paragraphs; at most {{.Max}}.")
)

// parseReview splits review text into excerpts: paragraphs are separated
// by blank lines (or, in text with no blank line, by line breaks), and a
// paragraph wrapped in ||double bars|| is a spoiler.
func parseReview(t *locale.T, text string) ([]storage.Excerpt, error) {
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
			return nil, userText(t.F(msgRevParaTooLong, "Paragraph", t.Int(len(out)+1), "Length", t.Int(n), "Max", t.Int(maxParagraph)))
		}
		out = append(out, e)
	}
	if len(out) == 0 {
		return nil, userText(t.S(msgRevNoText))
	}
	if len(out) > maxExcerpts {
		return nil, userText(t.F(msgRevTooMany, "Paragraphs", t.Int(len(out)), "Max", t.Int(maxExcerpts)))
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

var (
	msgRevFormReviewer     = locale.Text("manage.review.form.reviewer", "Reviewer")
	msgRevFormReviewerHint = locale.Text("manage.review.form.reviewer.hint", "Who wrote the review")
	msgRevFormText         = locale.Text("manage.review.form.text", "Review (blank line between paragraphs)")
	msgRevFormTextHint     = locale.Text("manage.review.form.text.hint", "Each paragraph becomes an excerpt. Wrap a spoiler paragraph in ||double bars||.")
	msgRevFormQuote        = locale.Text("manage.review.form.quote", "Pull quote (optional)")
	msgRevFormQuoteHint    = locale.Text("manage.review.form.quote.hint", "A line for the announcement")
	msgRevFormAdd          = locale.Text("manage.review.form.add", "Review of {{.Title}}")
	msgRevFormEdit         = locale.Text("manage.review.form.edit", "Edit review of {{.Title}}")
)

var (
	// The descriptions under the review form's labels (at most 100 characters).
	msgRevFormReviewerDesc = locale.Text("manage.review.form.reviewer.desc", "The name shown with the review.")
	msgRevFormTextDesc     = locale.Text("manage.review.form.text.desc", "Each paragraph becomes an excerpt; ||double bars|| hide a spoiler paragraph.")
	msgRevFormTextDescFile = locale.Text("manage.review.form.text.desc.file", "Or leave this empty and attach a .txt or .md file below.")
	msgRevFormQuoteDesc    = locale.Text("manage.review.form.quote.desc", "One line shown when the review is announced.")
	msgRevFormFile         = locale.Text("manage.review.form.file", "Review file (optional)")
	msgRevFormFileDesc     = locale.Text("manage.review.form.file.desc", "A .txt or .md file (UTF-8 text, up to 100 KB) instead of the text above.")
)

// reviewFileTypes are the review form upload's file types: what
// reviewFile accepts.
var reviewFileTypes = []string{".txt", ".md"}

// reviewModal is the form for a review's reviewer, text and pull quote;
// with upload (a new review), the text may come as a file instead.
func reviewModal(t *locale.T, customID, title, reviewer, text, quote string, upload bool) *discordgo.InteractionResponse {
	textDesc := t.S(msgRevFormTextDesc)
	if upload {
		textDesc = t.S(msgRevFormTextDescFile)
	}
	fields := []discordgo.MessageComponent{
		textInput("reviewer", t.S(msgRevFormReviewer), t.S(msgRevFormReviewerDesc), discordgo.TextInputShort, reviewer, true, maxReviewer, t.S(msgRevFormReviewerHint)),
		textInput("text", t.S(msgRevFormText), textDesc, discordgo.TextInputParagraph, text, !upload, maxParagraph, t.S(msgRevFormTextHint)),
		textInput("quote", t.S(msgRevFormQuote), t.S(msgRevFormQuoteDesc), discordgo.TextInputShort, quote, false, maxPullQuote, t.S(msgRevFormQuoteHint)),
	}
	if upload {
		none, no := 0, false
		fields = append(fields, component.Label{Label: clip(t.S(msgRevFormFile), limits.LabelText), Description: clip(t.S(msgRevFormFileDesc), limits.LabelDescription),
			Component: component.FileUpload{CustomID: "file", MinValues: &none, MaxValues: 1, Required: &no, FileTypes: reviewFileTypes}})
	}
	return modal(customID, title, fields...)
}

var (
	msgRevFileAndText = locale.Text("manage.review.file.both", "Send the review as text or as a file, not both. Your text, so it is not lost:\n{{.Text}}")
)

// formReview is the review text of a submitted form: what was typed, or
// the uploaded file's text (one or the other).
func (s *Set) formReview(ctx context.Context, t *locale.T, i *discordgo.InteractionCreate, typed string) (string, error) {
	var files []*discordgo.MessageAttachment
	for _, up := range component.Uploads(i.ModalSubmitData().Components) {
		files = append(files, up.Attachments...)
	}
	switch {
	case len(files) == 0:
		return typed, nil // checked as any typed review
	case strings.TrimSpace(typed) != "":
		return "", userText(t.F(msgRevFileAndText, "Text", clip(typed, 1700)))
	}
	return s.reviewFile(ctx, t, files[0])
}

// reviewAdd answers /manage review add: a modal, or with file: the
// review from the attachment at once.
func (s *Set) reviewAdd(ctx context.Context, t *locale.T, i *discordgo.InteractionCreate, scope storage.Scope, opts optionSet) (*discordgo.InteractionResponse, error) {
	film, err := s.resolveIn(ctx, scope, str(opts, "film"), t.Locale())
	if err != nil {
		return nil, err
	}
	if opts.get("file") == nil {
		return reviewModal(t, customID{"modrev", "add", []uint64{film.ID}}.String(), t.F(msgRevFormAdd, "Title", clip(film.Title, 30)), displayName(i), "", "", true), nil
	}
	text, err := s.attachment(ctx, i, opts)
	if err != nil {
		return nil, err
	}
	reviewer := str(opts, "reviewer")
	if reviewer == "" {
		reviewer = displayName(i)
	}
	return s.postReview(ctx, t, i, scope, film.ID, reviewer, text, str(opts, "pull_quote"))
}

var (
	msgRevBadReviewer = locale.Text("manage.review.reviewer.bad", "The reviewer's name must be 1 to {{.Max}} characters, with at least one letter or digit.")
	msgRevQuoteLong   = locale.Text("manage.review.quote.long", "The pull quote holds at most {{.Max}} characters.")
	// The form's fields as a refusal names them (common.text.…).
	msgFieldReviewer = locale.Text("manage.review.field.reviewer", "The reviewer's name")
	msgFieldQuote    = locale.Text("manage.review.field.quote", "The pull quote")
	msgFieldReview   = locale.Text("manage.review.field.text", "The review")
)

// reviewInput checks what a moderator submitted for a review and splits
// the text into excerpts.
func reviewInput(t *locale.T, reviewer, text, quote string) (string, string, []storage.Excerpt, error) {
	reviewer, err := cleanLineIn(t, t.S(msgFieldReviewer), reviewer)
	if err != nil {
		return "", "", nil, err
	}
	if quote, err = cleanLineIn(t, t.S(msgFieldQuote), quote); err != nil {
		return "", "", nil, err
	}
	if text, err = cleanTextIn(t, t.S(msgFieldReview), text); err != nil {
		return "", "", nil, err
	}
	if !visibleText(reviewer) || len([]rune(reviewer)) > maxReviewer {
		return "", "", nil, userText(t.F(msgRevBadReviewer, "Max", t.Int(maxReviewer)))
	}
	if len([]rune(quote)) > maxPullQuote {
		return "", "", nil, userText(t.F(msgRevQuoteLong, "Max", t.Int(maxPullQuote)))
	}
	excerpts, err := parseReview(t, text)
	return reviewer, quote, excerpts, err
}

var (
	msgRevFilmGoneWriting = locale.Text("manage.review.film.gone.writing", "That film was removed while you were writing. Your text, so it is not lost:\n{{.Text}}")
	msgRevAlreadySaved    = locale.Text("manage.review.duplicate", "This review of **{{.Film}}** by {{.Reviewer}} was already saved ({{.When}}): nothing was added or announced again. Members read it with `/review film:{{.Title}}`.")
	// By the review's number of excerpts; {{.Where}} is announce's sentence.
	msgRevPosted   = locale.Plural("manage.review.posted", "Posted {{.Reviewer}}'s review of **{{.Film}}** ({{.Count}} excerpt). {{.Where}}", "Posted {{.Reviewer}}'s review of **{{.Film}}** ({{.Count}} excerpts). {{.Where}}")
	msgRevTooLong  = locale.Text("manage.review.form.long", "This review is longer than a form holds ({{.Max}} characters). Edit the text and use `/manage review edit file:`.")
	msgRevGoneMean = locale.Text("manage.review.gone.meanwhile", "That review was removed meanwhile.")
	msgRevSaved    = locale.Plural("manage.review.saved", "Saved {{.Reviewer}}'s review ({{.Count}} excerpt).", "Saved {{.Reviewer}}'s review ({{.Count}} excerpts).")
	msgRevGone     = locale.Text("manage.review.gone", "That review was already removed.")
	msgRevRemoved  = locale.Text("manage.review.removed", "Removed {{.Reviewer}}'s review. Its film and ratings stay.")
)

// postReview validates, stores and announces a new review.
func (s *Set) postReview(ctx context.Context, t *locale.T, i *discordgo.InteractionCreate, scope storage.Scope, filmID uint64, reviewer, text, quote string) (*discordgo.InteractionResponse, error) {
	reviewer, quote, excerpts, err := reviewInput(t, reviewer, text, quote)
	if err != nil {
		return nil, err
	}
	film, err := s.films.FilmHeader(ctx, scope, filmID)
	if err != nil {
		return nil, notFound(err, t.F(msgRevFilmGoneWriting, "Text", clip(text, 1700)))
	}
	rev, err := s.reviews.AddReview(ctx, scope, storage.Review{FilmID: film.ID, Reviewer: reviewer, PullQuote: quote, Excerpts: excerpts, PostedBy: userID(i)})
	if errors.Is(err, storage.ErrExists) {
		return Reply(t.F(msgRevAlreadySaved, "Film", labelMD(film), "Reviewer", plain(reviewer, 100), "When", discordTime(rev.PostedAt), "Title", inCode(film.Title, 100))), nil
	}
	if err != nil {
		return nil, notFound(err, t.F(msgRevFilmGoneWriting, "Text", clip(text, 1700)))
	}
	// From here the review is saved: whatever happens to the announcement,
	// the answer says so, so that no one posts it twice.
	where := s.announce(ctx, i, scope, film, rev)
	return Reply(t.N(msgRevPosted, len(excerpts), "Reviewer", plain(reviewer, 100), "Film", labelMD(film), "Where", where)), nil
}

// reviewEdit answers /manage review edit: a prefilled modal, or with
// file: the new text at once.
func (s *Set) reviewEdit(ctx context.Context, t *locale.T, i *discordgo.InteractionCreate, scope storage.Scope, opts optionSet) (*discordgo.InteractionResponse, error) {
	rev, film, err := s.ownReview(ctx, t, scope, opts)
	if err != nil {
		return nil, err
	}
	if opts.get("file") != nil {
		text, err := s.attachment(ctx, i, opts)
		if err != nil {
			return nil, err
		}
		return s.saveEdit(ctx, t, scope, rev.ID, rev.Reviewer, text, rev.PullQuote)
	}
	text := reviewText(rev.Excerpts)
	if len([]rune(text)) > maxParagraph {
		return nil, userText(t.F(msgRevTooLong, "Max", t.Int(maxParagraph)))
	}
	return reviewModal(t, customID{"modrev", "edit", []uint64{rev.ID}}.String(), t.F(msgRevFormEdit, "Title", clip(film.Title, 25)), rev.Reviewer, text, rev.PullQuote, false), nil
}

func (s *Set) saveEdit(ctx context.Context, t *locale.T, scope storage.Scope, id uint64, reviewer, text, quote string) (*discordgo.InteractionResponse, error) {
	reviewer, quote, excerpts, err := reviewInput(t, reviewer, text, quote)
	if err != nil {
		return nil, err
	}
	rev, err := s.reviews.UpdateReview(ctx, scope, storage.Review{ID: id, Reviewer: reviewer, PullQuote: quote, Excerpts: excerpts})
	if err != nil {
		return nil, notFound(err, t.S(msgRevGoneMean))
	}
	return Reply(t.N(msgRevSaved, len(rev.Excerpts), "Reviewer", plain(rev.Reviewer, 100))), nil
}

// modReview handles the review form's submit and the removal buttons.
func (s *Set) modReview(ctx context.Context, i *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
	scope, c, err := s.modAction(ctx, i)
	if err != nil {
		return nil, err
	}
	t := tr(i)
	if i.Type == discordgo.InteractionModalSubmit {
		v := modalValues(i)
		switch c.action {
		case "add":
			text, err := s.formReview(ctx, t, i, v["text"])
			if err != nil {
				return nil, err
			}
			return s.postReview(ctx, t, i, scope, c.args[0], v["reviewer"], text, v["quote"])
		case "edit":
			return s.saveEdit(ctx, t, scope, c.args[0], v["reviewer"], v["text"], v["quote"])
		}
		return nil, userText(t.S(msgManageStaleForm))
	}
	switch c.action {
	case "remove":
		rev, err := s.reviews.DeleteReview(ctx, scope, c.args[0])
		if errors.Is(err, storage.ErrBuiltIn) {
			return nil, userText(t.S(msgManageBuiltIn))
		}
		if err != nil {
			return nil, notFound(err, t.S(msgRevGone))
		}
		return updateText(t.F(msgRevRemoved, "Reviewer", clip(reviewerName(t, rev), 100))), nil
	case "keep":
		return updateText(t.S(msgManageKept)), nil
	}
	return nil, staleButton(t)
}

// discordTime is t as a Discord timestamp each member sees in their own time zone.
func discordTime(t time.Time) string {
	return fmt.Sprintf("<t:%d:f>", t.Unix())
}
