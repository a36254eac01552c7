package commands

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/filmbot/filmbot/storage"
)

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
	rev, err := pickReview(english(), own, str(opts, "by"))
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

// reviewModal is the form for a review's reviewer, text and pull quote.
func reviewModal(customID, title, reviewer, text, quote string) *discordgo.InteractionResponse {
	return modal(customID, title,
		textInput("reviewer", "Reviewer", discordgo.TextInputShort, reviewer, true, maxReviewer, "Who wrote the review"),
		textInput("text", "Review (blank line between paragraphs)", discordgo.TextInputParagraph, text, true, maxParagraph,
			"Each paragraph becomes an excerpt. Wrap a spoiler paragraph in ||double bars||."),
		textInput("quote", "Pull quote (optional)", discordgo.TextInputShort, quote, false, maxPullQuote, "A line for the announcement"),
	)
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
		return updateText(fmt.Sprintf("Removed %s's review. Its film and ratings stay.", clip(reviewerName(tr(i), rev), 100))), nil
	case "keep":
		return updateText("Kept it."), nil
	}
	return nil, errStaleButton
}

// discordTime is t as a Discord timestamp each member sees in their own time zone.
func discordTime(t time.Time) string {
	return fmt.Sprintf("<t:%d:f>", t.Unix())
}
