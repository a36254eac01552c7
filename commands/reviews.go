package commands

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/filmbot/filmbot/limits"
	"github.com/filmbot/filmbot/search"
	"github.com/filmbot/filmbot/storage"
)

// maxAbout bounds the about: option; a passage search needs a few words.
const maxAbout = 200

var reviewDef = &discordgo.ApplicationCommand{
	Name:        "review",
	Description: "Read a passage of a review of a film",
	Options: []*discordgo.ApplicationCommandOption{
		filmOption("The film"),
		{Type: discordgo.ApplicationCommandOptionInteger, Name: "excerpt", Description: "Which excerpt (1 is the first)", MinValue: ptr(1.0)},
		{Type: discordgo.ApplicationCommandOptionString, Name: "about", Description: "Words the excerpt should be about, e.g. a name", MaxLength: maxAbout},
		{Type: discordgo.ApplicationCommandOptionString, Name: "by", Description: "Whose review, when the film has several", Autocomplete: true, MaxLength: 100},
	},
}

func ptr[T any](v T) *T { return &v }

// review answers /review film: [excerpt:] [about:] [by:].
func (s *Set) review(ctx context.Context, i *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
	opts := options(i)
	// The film, its reviews and the excerpt asked for (the first by
	// default) are read at once; the options are checked after, in order.
	want := 1
	if v, ok, _ := integer(opts, "excerpt"); ok && v >= 1 && v <= math.MaxInt32 {
		want = int(v)
	}
	var page storage.ReviewPage
	scope, film, err := s.filmNamedBy(ctx, i, func(ctx context.Context, scope storage.Scope, id uint64) (storage.Film, error) {
		var err error
		page, err = s.reviews.ReviewPage(ctx, scope, id, want)
		return page.Film, err
	})
	if err != nil {
		return nil, err
	}
	reviews := page.Reviews
	if len(reviews) == 0 {
		return nil, userErr("No one has reviewed **%s** here yet. A moderator can add a review with `/manage review add`.", labelMD(film))
	}
	rev, err := pickReview(reviews, str(opts, "by"))
	if err != nil {
		return nil, err
	}
	n := 1
	excerpt, hasExcerpt, err := integer(opts, "excerpt")
	if err != nil {
		return nil, err
	}
	about := str(opts, "about")
	switch {
	case hasExcerpt && about != "":
		return nil, userErr("Use either excerpt: or about:, not both.")
	case hasExcerpt:
		if excerpt < 1 || excerpt > int64(rev.Paragraphs) {
			return nil, userErr("This review of **%s** has excerpts 1 to %d.", labelMD(film), rev.Paragraphs)
		}
		n = int(excerpt)
	case about != "":
		if len([]rune(about)) > maxAbout {
			return nil, userErr("about: takes at most %d characters.", maxAbout)
		}
		whole, err := s.reviews.Review(ctx, scope, rev.ID)
		if err != nil {
			return nil, notFound(err, "That review was just removed.")
		}
		texts := make([]string, len(whole.Excerpts))
		for k, e := range whole.Excerpts {
			texts[k] = e.Text
		}
		best, ok := search.BestPassage(about, texts)
		if !ok {
			return nil, userErr("No excerpt of %s's review of **%s** mentions \"%s\".", plain(reviewerName(rev), 100), labelMD(film), plain(about, 100))
		}
		n = best + 1
	}
	// The excerpt read with the page, if it is the one; read alone
	// otherwise (another one, or one the page could not read).
	hdr, e := rev, storage.Excerpt{}
	if k := slices.IndexFunc(reviews, func(r storage.Review) bool { return r.ID == rev.ID }); n == want && page.Excerpts[k].Text != "" {
		e = page.Excerpts[k]
	} else if hdr, e, err = s.reviews.Excerpt(ctx, scope, rev.ID, n); err != nil {
		return nil, excerptErr(err)
	}
	embed, rows := excerptView(film, hdr, e, n, len(reviews))
	return message(embed, rows...), nil
}

// excerptErr is what a member is told when an excerpt is gone.
func excerptErr(err error) error {
	if errors.Is(err, storage.ErrNoExcerpt) {
		return userErr("That review has changed: it no longer has that excerpt.")
	}
	return notFound(err, "That review has been removed.")
}

// pickReview chooses by: (an autocomplete value "rev:ID" or a reviewer's
// name), or the newest review.
func pickReview(reviews []storage.Review, by string) (storage.Review, error) {
	if by == "" {
		return reviews[0], nil
	}
	if rest, ok := strings.CutPrefix(by, "rev:"); ok {
		if id, err := strconv.ParseUint(rest, 10, 64); err == nil {
			for _, r := range reviews {
				if r.ID == id {
					return r, nil
				}
			}
		}
	}
	want := search.Fold(by)
	for _, r := range reviews {
		if search.Fold(reviewerName(r)) == want || (r.Reviewer == "" && want == "featured") {
			return r, nil
		}
	}
	names := make([]string, 0, len(reviews))
	for _, r := range reviews {
		names = append(names, reviewerName(r))
	}
	return storage.Review{}, userErr("No review by \"%s\" of this film. Reviews here: %s.", plain(by, 100), plainList(names, ", ", 1500))
}

// reviewerName is how a review's author is shown; the built-in review's
// author is not named, so it is the featured review.
func reviewerName(r storage.Review) string {
	if r.Reviewer == "" {
		return "the featured review"
	}
	return r.Reviewer
}

func authorLine(r storage.Review) string {
	if r.Reviewer == "" {
		return "Featured review"
	}
	return clip("Review by "+r.Reviewer, limits.Author)
}

// excerptView renders excerpt n (1-based) of rev with its buttons.
// rev is a header (its Paragraphs counted) and e its excerpt n.
func excerptView(film storage.Film, rev storage.Review, e storage.Excerpt, n, reviewsOfFilm int) (*discordgo.MessageEmbed, []discordgo.MessageComponent) {
	total := rev.Paragraphs
	footer := "Excerpt " + strconv.Itoa(n) + " of " + strconv.Itoa(total)
	if e.Spoiler {
		footer += " · contains spoilers"
	}
	if reviewsOfFilm > 1 {
		footer += fmt.Sprintf(" · %d reviews of this film: choose with by:", reviewsOfFilm)
	}
	embed := &discordgo.MessageEmbed{
		Title:       plain(label(film), limits.EmbedTitle),
		Author:      &discordgo.MessageEmbedAuthor{Name: authorLine(rev)},
		Description: markup(e, limits.EmbedDescription),
		Footer:      &discordgo.MessageEmbedFooter{Text: footer},
		Color:       colour,
	}
	id := func(action string, k int) string {
		return customID{"rev", action, []uint64{rev.ID, uint64(k)}}.String()
	}
	row := discordgo.ActionsRow{Components: []discordgo.MessageComponent{
		button("◀ Previous", id("show", n-1), n <= 1),
		button("Next ▶", id("show", n+1), n >= total),
		button("🎲 Random", id("random", n), total < 2),
		discordgo.Button{Label: "Read it all", Style: discordgo.PrimaryButton, CustomID: id("all", 1)},
	}}
	return embed, []discordgo.MessageComponent{row}
}

// fullPages splits a whole review into embed-sized pages of paragraphs.
func fullPages(rev storage.Review) []string {
	const room = 3900 // under the 4,096 description limit, with the spoiler heads
	var pages []string
	var cur strings.Builder
	for _, e := range rev.Excerpts {
		t := markup(e, room)
		if cur.Len() > 0 && len([]rune(cur.String()))+len([]rune(t))+2 > room {
			pages = append(pages, cur.String())
			cur.Reset()
		}
		if cur.Len() > 0 {
			cur.WriteString("\n\n")
		}
		cur.WriteString(t)
	}
	if cur.Len() > 0 {
		pages = append(pages, cur.String())
	}
	return pages
}

// fullView renders page p (1-based) of the whole review.
func fullView(film storage.Film, rev storage.Review, p int) (*discordgo.MessageEmbed, []discordgo.MessageComponent, error) {
	return listView(list[string]{kind: "rev", id: rev.ID, per: 1, gone: "That page of the review no longer exists.",
		row: func(_ int, page string, _ func(uint64) string) string { return page },
		embed: func(page string, p, pages int) *discordgo.MessageEmbed {
			return &discordgo.MessageEmbed{
				Title:       plain(label(film), limits.EmbedTitle),
				Author:      &discordgo.MessageEmbedAuthor{Name: authorLine(rev)},
				Description: page,
				Footer:      &discordgo.MessageEmbedFooter{Text: fmt.Sprintf("The whole review · page %d of %d", p, pages)},
				Color:       colour,
			}
		}}, fullPages(rev), p, nil)
}

// reviewButton handles the buttons under a review: show (previous/next),
// random, all (the whole review, ephemeral) and page (within it).
func (s *Set) reviewButton(ctx context.Context, i *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
	scope, err := scopeOf(i)
	if err != nil {
		return nil, err
	}
	c, err := clicked(i, 2)
	if err != nil {
		return nil, err
	}
	n := int(c.args[1])
	switch c.action {
	case "show", "random":
		// One read: the review's header says how many excerpts it has now,
		// and the one shown is picked from that count.
		pick := func(paragraphs int) int {
			if c.action == "random" && paragraphs > 1 {
				// Any excerpt but the one on screen.
				k := s.rand(paragraphs - 1)
				if k+1 >= n {
					k++
				}
				return k + 1
			}
			return n
		}
		page, err := s.reviews.ExcerptPage(ctx, scope, c.args[0], pick)
		switch {
		case errors.Is(err, storage.ErrNoExcerpt):
			return nil, userErr("That review now has excerpts 1 to %d.", page.Review.Paragraphs)
		case err != nil && page.Review.ID != 0:
			return nil, notFound(err, "That film has been removed.")
		case err != nil:
			return nil, excerptErr(err)
		}
		embed, rows := excerptView(page.Film, page.Review, page.Excerpt, page.N, page.Reviews)
		return update(embed, rows...), nil
	case "all", "page":
		rev, err := s.reviews.Review(ctx, scope, c.args[0])
		if err != nil {
			return nil, notFound(err, "That review has been removed.")
		}
		film, err := s.films.FilmHeader(ctx, scope, rev.FilmID)
		if err != nil {
			return nil, notFound(err, "That film has been removed.")
		}
		embed, rows, err := fullView(film, rev, n)
		if err != nil {
			return nil, err
		}
		if c.action == "all" {
			return ephemeral(embed, rows...), nil
		}
		return update(embed, rows...), nil
	case "noop":
		return nil, userErr("That is just the page number.")
	}
	return nil, errStaleButton
}

// reviewAutocomplete completes film:, and by: with the reviewers of the
// film already chosen.
func (s *Set) reviewAutocomplete(ctx context.Context, i *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
	o, ok := focused(i)
	if !ok || o.Name != "by" {
		return s.filmAutocomplete(ctx, i)
	}
	// Naming the film may look it up on TMDB: within autocomplete's budget.
	ctx, cancel := context.WithTimeout(ctx, SuggestBudget)
	defer cancel()
	scope, film, err := s.filmNamed(ctx, i)
	if err != nil {
		return choices8(nil), nil // no film yet (or a DM): nothing to suggest
	}
	reviews, err := s.reviews.ReviewHeaders(ctx, scope, film.ID)
	if err != nil {
		return choices8(nil), nil
	}
	typed, _ := o.Value.(string)
	typed = search.Fold(typed)
	var out []*discordgo.ApplicationCommandOptionChoice
	for _, r := range reviews {
		name := reviewerName(r)
		if r.Reviewer == "" {
			name = "Featured review"
		}
		if typed != "" && !strings.Contains(search.Fold(name), typed) {
			continue
		}
		choice := fmt.Sprintf("%s (%s)", name, r.PostedAt.Format("2 Jan 2006"))
		out = append(out, &discordgo.ApplicationCommandOptionChoice{Name: clip(choice, limits.ChoiceName), Value: "rev:" + strconv.FormatUint(r.ID, 10)})
		if len(out) == limits.Choices {
			break
		}
	}
	return choices8(out), nil
}
