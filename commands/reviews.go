package commands

import (
	"context"
	"errors"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/filmbot/filmbot/limits"
	"github.com/filmbot/filmbot/locale"
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

// The words of /review and its buttons.
var (
	msgReviewNone     = locale.Text("review.none", "No one has reviewed **{{.Film}}** here yet. A moderator can add a review with `/manage review add`.")
	msgReviewBoth     = locale.Text("review.both", "Use either excerpt: or about:, not both.")
	msgReviewRange    = locale.Text("review.range", "This review of **{{.Film}}** has excerpts 1 to {{.Last}}.")
	msgReviewRangeNow = locale.Text("review.range.now", "That review now has excerpts 1 to {{.Last}}.")
	msgAboutLong      = locale.Text("review.about.long", "about: takes at most {{.Max}} characters.")
	msgAboutNone      = locale.Text("review.about.none", "No excerpt of {{.Reviewer}}'s review of **{{.Film}}** mentions \"{{.About}}\".")
	msgReviewJustGone = locale.Text("review.gone.now", "That review was just removed.")
	msgReviewGone     = locale.Text("review.gone", "That review has been removed.")
	msgExcerptGone    = locale.Text("review.excerpt.gone", "That review has changed: it no longer has that excerpt.")
	msgNoReviewBy     = locale.Text("review.by.none", "No review by \"{{.By}}\" of this film. Reviews here: {{.Names}}.")
	msgFeaturedName   = locale.Text("review.featured.name", "the featured review")
	msgFeatured       = locale.Text("review.featured", "Featured review")
	msgReviewBy       = locale.Text("review.author", "Review by {{.Reviewer}}")
	msgExcerptOf      = locale.Text("review.footer.excerpt", "Excerpt {{.N}} of {{.Total}}")
	msgHasSpoilers    = locale.Text("review.footer.spoilers", "contains spoilers")
	msgReviewsOfFilm  = locale.Plural("review.footer.reviews", "{{.Count}} review of this film: choose with by:", "{{.Count}} reviews of this film: choose with by:")
	msgRandomExcerpt  = locale.Text("review.button.random", "🎲 Random")
	msgReadAll        = locale.Text("review.button.all", "Read it all")
	msgWholeReview    = locale.Text("review.whole.footer", "The whole review · page {{.Page}} of {{.Pages}}")
	msgWholePageGone  = locale.Text("review.page.gone", "That page of the review no longer exists.")
	msgByChoice       = locale.Text("review.by.choice", "{{.Reviewer}} ({{.Date}})")
)

// review answers /review film: [excerpt:] [about:] [by:].
func (s *Set) review(ctx context.Context, i *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
	t := tr(i)
	opts := options(i)
	// The film, its reviews and the excerpt asked for (the first by
	// default) are read at once; the options are checked after, in order.
	want := 1
	if v, ok, _ := integer(t, opts, "excerpt"); ok && v >= 1 && v <= math.MaxInt32 {
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
		return nil, userText(t.F(msgReviewNone, "Film", labelMD(film)))
	}
	rev, err := pickReview(t, reviews, str(opts, "by"))
	if err != nil {
		return nil, err
	}
	n := 1
	excerpt, hasExcerpt, err := integer(t, opts, "excerpt")
	if err != nil {
		return nil, err
	}
	about := str(opts, "about")
	switch {
	case hasExcerpt && about != "":
		return nil, userText(t.S(msgReviewBoth))
	case hasExcerpt:
		if excerpt < 1 || excerpt > int64(rev.Paragraphs) {
			return nil, userText(t.F(msgReviewRange, "Film", labelMD(film), "Last", t.Int(rev.Paragraphs)))
		}
		n = int(excerpt)
	case about != "":
		if len([]rune(about)) > maxAbout {
			return nil, userText(t.F(msgAboutLong, "Max", t.Int(maxAbout)))
		}
		whole, err := s.reviews.Review(ctx, scope, rev.ID)
		if err != nil {
			return nil, notFound(err, t.S(msgReviewJustGone))
		}
		texts := make([]string, len(whole.Excerpts))
		for k, e := range whole.Excerpts {
			texts[k] = e.Text
		}
		best, ok := search.BestPassage(about, texts)
		if !ok {
			return nil, userText(t.F(msgAboutNone, "Reviewer", plain(reviewerName(t, rev), 100), "Film", labelMD(film), "About", plain(about, 100)))
		}
		n = best + 1
	}
	// The excerpt read with the page, if it is the one; read alone
	// otherwise (another one, or one the page could not read).
	hdr, e := rev, storage.Excerpt{}
	if k := slices.IndexFunc(reviews, func(r storage.Review) bool { return r.ID == rev.ID }); n == want && page.Excerpts[k].Text != "" {
		e = page.Excerpts[k]
	} else if hdr, e, err = s.reviews.Excerpt(ctx, scope, rev.ID, n); err != nil {
		return nil, excerptErr(t, err)
	}
	return cardMessage(excerptView(t, film, hdr, e, n, len(reviews), s.source.PosterURL(posterSize, film.Poster))), nil
}

// excerptErr is what a member is told when an excerpt is gone, in t's
// language.
func excerptErr(t *locale.T, err error) error {
	if errors.Is(err, storage.ErrNoExcerpt) {
		return userText(t.S(msgExcerptGone))
	}
	return notFound(err, t.S(msgReviewGone))
}

// pickReview chooses by: (an autocomplete value "rev:ID" or a reviewer's
// name, the featured review by "featured" or its name in t's language),
// or the newest review.
func pickReview(t *locale.T, reviews []storage.Review, by string) (storage.Review, error) {
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
		if search.Fold(reviewerName(t, r)) == want || (r.Reviewer == "" && (want == "featured" || want == search.Fold(t.S(msgFeatured)))) {
			return r, nil
		}
	}
	names := make([]string, 0, len(reviews))
	for _, r := range reviews {
		names = append(names, reviewerName(t, r))
	}
	return storage.Review{}, userText(t.F(msgNoReviewBy, "By", plain(by, 100), "Names", plainList(names, ", ", 1500)))
}

// reviewerName is how a review's author is shown, in t's language; the
// built-in review's author is not named, so it is the featured review.
func reviewerName(t *locale.T, r storage.Review) string {
	if r.Reviewer == "" {
		return t.S(msgFeaturedName)
	}
	return r.Reviewer
}

// excerptView renders excerpt n (1-based) of rev with its buttons, in t's
// language, as a layout card: the film's title (beside its poster, at
// address poster, "" for none) and the reviewer, the excerpt (a spoiler
// in a container of its own, hidden whole), what it is and the buttons.
// rev is a header (its Paragraphs counted) and e its excerpt n.
func excerptView(t *locale.T, film storage.Film, rev storage.Review, e storage.Excerpt, n, reviewsOfFilm int, poster string) card {
	total := rev.Paragraphs
	footer := t.F(msgExcerptOf, "N", t.Int(n), "Total", t.Int(total))
	if e.Spoiler {
		footer += " · " + t.S(msgHasSpoilers)
	}
	if reviewsOfFilm > 1 {
		footer += " · " + t.N(msgReviewsOfFilm, reviewsOfFilm)
	}
	id := func(action string, k int) string {
		return customID{"rev", action, []uint64{rev.ID, uint64(k)}}.String()
	}
	row := discordgo.ActionsRow{Components: []discordgo.MessageComponent{
		button(t.S(msgPrevious), id("show", n-1), n <= 1),
		button(t.S(msgNext), id("show", n+1), n >= total),
		button(t.S(msgRandomExcerpt), id("random", n), total < 2),
		discordgo.Button{Label: t.S(msgReadAll), Style: discordgo.PrimaryButton, CustomID: id("all", 1)},
	}}
	c := reviewCard(t, film, rev, poster)
	c.footer, c.rows = footer, []discordgo.MessageComponent{row}
	// The excerpt has what the title, reviewer and footer leave.
	c.body = []para{{text: markup(t, e, min(limits.EmbedDescription, maxCardText-c.textChars())), spoiler: e.Spoiler}}
	return c
}

// reviewCard is a review's card without its text: the film's title
// beside its poster, the reviewer under it.
func reviewCard(t *locale.T, film storage.Film, rev storage.Review, poster string) card {
	author := t.S(msgFeatured)
	if rev.Reviewer != "" { // markdown in a card: the name escaped
		author = clip(t.F(msgReviewBy, "Reviewer", plain(rev.Reviewer, limits.Author)), limits.Author)
	}
	return card{title: plain(label(film), limits.EmbedTitle), thumb: poster, sub: author}
}

// maxRunsCost bounds the components a page of a whole review spends on
// its text: a run of plain paragraphs is one text display, a run of
// spoilers three (its container, its text, the container after it); the
// rest of the card (containers, title and poster, divider, footer, the
// page buttons) takes the other 12 of Discord's 40.
const maxRunsCost = maxCardComponents - 12

// fullPages splits a whole review into pages of paragraph runs, each run
// a text display (a spoiler run hidden in a container of its own), at
// most room characters and maxRunsCost components a page; spoiler heads
// in t's language.
func fullPages(t *locale.T, rev storage.Review, room int) [][]para {
	var pages [][]para
	var cur []para
	size, cost := 0, 0
	for _, e := range rev.Excerpts {
		m := markup(t, e, room)
		w := utf8.RuneCountInString(m)
		joins := len(cur) > 0 && cur[len(cur)-1].spoiler == e.Spoiler
		add, c := w+2, 0 // joined to the run before by a blank line
		if !joins {
			add, c = w, 1
			if e.Spoiler {
				c = 3
			}
		}
		if len(cur) > 0 && (size+add > room || cost+c > maxRunsCost) {
			pages = append(pages, cur)
			cur, size, cost = nil, 0, 0
			joins, add, c = false, w, 1
			if e.Spoiler {
				c = 3
			}
		}
		if joins {
			cur[len(cur)-1].text += "\n\n" + m
		} else {
			cur = append(cur, para{text: m, spoiler: e.Spoiler})
		}
		size, cost = size+add, cost+c
	}
	if len(cur) > 0 {
		pages = append(pages, cur)
	}
	return pages
}

// fullView renders page p (1-based) of the whole review, in t's
// language, as a layout card with the page buttons.
func fullView(t *locale.T, film storage.Film, rev storage.Review, p int, poster string) (card, error) {
	c := reviewCard(t, film, rev, poster)
	// The footer's room is kept for the longest page numbers.
	room := maxCardText - c.textChars() - card{footer: t.F(msgWholeReview, "Page", "99999", "Pages", "99999")}.footerSize(utf8.RuneCountInString)
	pages := fullPages(t, rev, room)
	if p < 1 || p > len(pages) {
		return card{}, userText(t.S(msgWholePageGone))
	}
	c.body = pages[p-1]
	c.footer = t.F(msgWholeReview, "Page", t.Int(p), "Pages", t.Int(len(pages)))
	c.rows = pager(t, "rev", "page", rev.ID, p, len(pages))
	return c, nil
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
	t := tr(i)
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
			return nil, userText(t.F(msgReviewRangeNow, "Last", t.Int(page.Review.Paragraphs)))
		case err != nil && page.Review.ID != 0:
			return nil, notFound(err, t.S(msgFilmGone))
		case err != nil:
			return nil, excerptErr(t, err)
		}
		return layoutUpdate(excerptView(t, page.Film, page.Review, page.Excerpt, page.N, page.Reviews, s.source.PosterURL(posterSize, page.Film.Poster)).components()), nil
	case "all", "page":
		rev, err := s.reviews.Review(ctx, scope, c.args[0])
		if err != nil {
			return nil, notFound(err, t.S(msgReviewGone))
		}
		film, err := s.films.FilmHeader(ctx, scope, rev.FilmID)
		if err != nil {
			return nil, notFound(err, t.S(msgFilmGone))
		}
		view, err := fullView(t, film, rev, n, s.source.PosterURL(posterSize, film.Poster))
		if err != nil {
			return nil, err
		}
		if c.action == "all" {
			return layoutEphemeral(view.components()), nil
		}
		return layoutUpdate(view.components()), nil
	case "noop":
		return nil, userText(t.S(msgPageNumber))
	}
	return nil, staleButton(t)
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
	t := tr(i)
	typed, _ := o.Value.(string)
	typed = search.Fold(typed)
	var out []*discordgo.ApplicationCommandOptionChoice
	for _, r := range reviews {
		name := r.Reviewer
		if r.Reviewer == "" {
			name = t.S(msgFeatured)
		}
		if typed != "" && !strings.Contains(search.Fold(name), typed) {
			continue
		}
		choice := t.F(msgByChoice, "Reviewer", name, "Date", shortDate(t, r.PostedAt))
		out = append(out, &discordgo.ApplicationCommandOptionChoice{Name: clip(choice, limits.ChoiceName), Value: "rev:" + strconv.FormatUint(r.ID, 10)})
		if len(out) == limits.Choices {
			break
		}
	}
	return choices8(out), nil
}
