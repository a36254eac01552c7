package commands

import (
	"context"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/filmbot/filmbot/limits"
	"github.com/filmbot/filmbot/locale"
	"github.com/filmbot/filmbot/storage"
)

// BenchmarkCardBuild compares building a card as today's layout card with
// building it as the embed it replaced, in the same process, side by
// side (a machine's load moves between runs; here both see the same):
// /film's card with its Rate menu (the embed: filmEmbed, the card in the
// shape it had), and /review's excerpt (the embed: oldExcerptEmbed, a
// copy of the view before layout cards). Run with -count to repeat the
// pairs.
func BenchmarkCardBuild(b *testing.B) {
	e := newEnv(b)
	ctx := context.Background()
	page, err := e.db.FilmPage(ctx, 111, e.anora.ID)
	if err != nil {
		b.Fatal(err)
	}
	rp, err := e.db.ReviewPage(ctx, 111, e.anora.ID, 1)
	if err != nil {
		b.Fatal(err)
	}
	for _, loc := range []string{"en-US", "ru"} {
		t := locale.For(loc)
		b.Run("film-embed/"+loc, func(b *testing.B) {
			for b.Loop() {
				message(e.set.filmEmbed(page.Film, page.Reviews, &page.Ratings, loc), rateMenuIn(t, page.Film.ID))
			}
		})
		b.Run("film-layout/"+loc, func(b *testing.B) {
			for b.Loop() {
				cardMessage(e.set.filmCard(page.Film, page.Reviews, &page.Ratings, loc, rateMenuIn(t, page.Film.ID)))
			}
		})
		b.Run("review-embed/"+loc, func(b *testing.B) {
			for b.Loop() {
				em, rows := oldExcerptEmbed(t, rp.Film, rp.Reviews[0], rp.Excerpts[0], 1, len(rp.Reviews))
				message(em, rows...)
			}
		})
		b.Run("review-layout/"+loc, func(b *testing.B) {
			for b.Loop() {
				cardMessage(excerptView(t, rp.Film, rp.Reviews[0], rp.Excerpts[0], 1, len(rp.Reviews), ""))
			}
		})
	}
}

// oldExcerptEmbed is excerptView as it was before layout cards, for
// BenchmarkCardBuild.
func oldExcerptEmbed(t *locale.T, film storage.Film, rev storage.Review, e storage.Excerpt, n, reviewsOfFilm int) (*discordgo.MessageEmbed, []discordgo.MessageComponent) {
	total := rev.Paragraphs
	footer := t.F(msgExcerptOf, "N", t.Int(n), "Total", t.Int(total))
	if e.Spoiler {
		footer += " · " + t.S(msgHasSpoilers)
	}
	if reviewsOfFilm > 1 {
		footer += " · " + t.N(msgReviewsOfFilm, reviewsOfFilm)
	}
	author := t.S(msgFeatured)
	if rev.Reviewer != "" {
		author = clip(t.F(msgReviewBy, "Reviewer", rev.Reviewer), limits.Author)
	}
	embed := &discordgo.MessageEmbed{
		Title:       plain(label(film), limits.EmbedTitle),
		Author:      &discordgo.MessageEmbedAuthor{Name: author},
		Description: markup(t, e, limits.EmbedDescription),
		Footer:      &discordgo.MessageEmbedFooter{Text: footer},
		Color:       colour,
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
	return embed, []discordgo.MessageComponent{row}
}
