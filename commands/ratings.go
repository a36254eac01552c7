package commands

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/filmbot/filmbot/limits"
	"github.com/filmbot/filmbot/storage"
)

var rateDef = &discordgo.ApplicationCommand{
	Name:        "rate",
	Description: "Rate a film from 1 to 10, or see your rating",
	Options: []*discordgo.ApplicationCommandOption{
		filmOption("The film"),
		{Type: discordgo.ApplicationCommandOptionInteger, Name: "score", Description: "1 (worst) to 10 (best); leave out to see your rating",
			MinValue: ptr(float64(storage.MinScore)), MaxValue: storage.MaxScore},
	},
}

var ratingsDef = &discordgo.ApplicationCommand{
	Name:        "ratings",
	Description: "This server's verdict on a film: average, median, chart and who rated what",
	Options:     []*discordgo.ApplicationCommandOption{filmOption("The film")},
}

var topDef = &discordgo.ApplicationCommand{
	Name:        "top",
	Description: "This server's highest-rated films",
	Options: []*discordgo.ApplicationCommandOption{
		{Type: discordgo.ApplicationCommandOptionInteger, Name: "min_ratings", Description: "Only films with at least this many ratings (divisive: 3 unless set)", MinValue: ptr(1.0)},
		{Type: discordgo.ApplicationCommandOptionString, Name: "sort", Description: "best (default), or divisive: the films this server disagrees on most",
			Choices: []*discordgo.ApplicationCommandOptionChoice{{Name: "best", Value: "best"}, {Name: "divisive", Value: "divisive"}}},
	},
}

var myRatingsDef = &discordgo.ApplicationCommand{
	Name:        "myratings",
	Description: "A member's ratings in this server, newest first",
	Options: []*discordgo.ApplicationCommandOption{
		{Type: discordgo.ApplicationCommandOptionUser, Name: "user", Description: "Whose ratings (default: yours)"},
	},
}

// Stars shows a 1–10 score as five stars in halves: 7 → ★★★½.
func Stars(score int) string {
	s := strings.Repeat("★", score/2)
	if score%2 == 1 {
		s += "½"
	}
	return s
}

// member is who is acting, and in which server; ratings need a server.
func member(i *discordgo.InteractionCreate) (storage.Scope, uint64, error) {
	scope, err := scopeOf(i)
	if err != nil {
		return 0, 0, err
	}
	if scope == storage.BuiltIn {
		return 0, 0, userErr("Ratings live in servers: use this command in a server the bot is in.")
	}
	user, err := userNumber(i)
	if err != nil {
		return 0, 0, err
	}
	return scope, user, nil
}

func verdict(a storage.Aggregate) string {
	if a.Count == 0 {
		return "No ratings in this server yet."
	}
	return fmt.Sprintf("Server average **%.1f**/10 from %s", a.Average(), plural(a.Count, "rating"))
}

// rate answers /rate film: [score:].
func (s *Set) rate(ctx context.Context, i *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
	scope, user, err := member(i)
	if err != nil {
		return nil, err
	}
	opts := options(i)
	film, err := s.resolveIn(ctx, scope, str(opts, "film"), string(i.Locale))
	if err != nil {
		return nil, err
	}
	score, has, err := integer(tr(i), opts, "score")
	if err != nil {
		return nil, err
	}
	if !has {
		r, err := s.rates.UserRating(ctx, scope, film.ID, user)
		if errors.Is(err, storage.ErrNotFound) {
			return nil, userErr("You have not rated **%s** here yet: `/rate film:%s score:<1-10>`.", labelMD(film), inCode(film.Title, 100))
		}
		if err != nil {
			return nil, err
		}
		a, err := s.rates.Aggregate(ctx, scope, film.ID)
		if err != nil {
			return nil, err
		}
		return ephemeral(rated(film, r.Score, a, "Your rating")), nil
	}
	if score < storage.MinScore || score > storage.MaxScore {
		return nil, userErr("A score is a whole number from %d to %d.", storage.MinScore, storage.MaxScore)
	}
	return s.saveRating(ctx, scope, film, user, int(score))
}

func (s *Set) saveRating(ctx context.Context, scope storage.Scope, film storage.Film, user uint64, score int) (*discordgo.InteractionResponse, error) {
	r, err := s.rates.Rate(ctx, scope, film.ID, user, score)
	if err != nil {
		return nil, notFound(err, "That film was just removed.")
	}
	return youRated(film, score, r.Aggregate, r.Unwatched), nil
}

// youRated tells the rater alone what their rating did: the score, the
// server's verdict, whether the film left their watchlist, and a button
// to take the rating back.
func youRated(film storage.Film, score int, a storage.Aggregate, offWatchlist bool) *discordgo.InteractionResponse {
	remove := discordgo.ActionsRow{Components: []discordgo.MessageComponent{
		discordgo.Button{Label: "Remove my rating", Style: discordgo.DangerButton, CustomID: customID{"rate", "remove", []uint64{film.ID}}.String()},
	}}
	embed := rated(film, score, a, "You rated")
	if offWatchlist {
		embed.Description += "\nIt is off your watchlist now."
	}
	return ephemeral(embed, remove)
}

// Followup sends data as a further message once the answer to the
// interaction whose handler runs with ctx is out (bot's envelope does
// it, over REST, after the first answer); it reports false when it
// cannot, and the handler's answer then stands alone.
type Followup func(ctx context.Context, data *discordgo.InteractionResponseData) bool

// WithFollowup sets how handlers send a further message after their
// answer: the card's Rate menu updates the public card and tells the
// rater alone, in an ephemeral follow-up, what their rating did.
func (s *Set) WithFollowup(f Followup) *Set {
	s.follow = f
	return s
}

func rated(film storage.Film, score int, a storage.Aggregate, what string) *discordgo.MessageEmbed {
	return &discordgo.MessageEmbed{
		Title:       plain(label(film), limits.EmbedTitle),
		Description: fmt.Sprintf("%s **%s** (%d/10)\n%s", what, Stars(score), score, verdict(a)),
		Color:       colour,
	}
}

// rateButton handles "Remove my rating" and the card's Rate menu; both act
// for the member who clicks, never for whoever posted the message.
func (s *Set) rateButton(ctx context.Context, i *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
	scope, user, err := member(i)
	if err != nil {
		return nil, err
	}
	c, err := clicked(i, 1)
	if err != nil {
		return nil, err
	}
	switch c.action {
	case "remove":
		film, err := s.films.FilmHeader(ctx, scope, c.args[0])
		if err != nil {
			return nil, notFound(err, "That film has been removed.")
		}
		a, old, err := s.rates.Unrate(ctx, scope, film.ID, user)
		if err != nil {
			return nil, notFound(err, "That film has been removed.")
		}
		msg := "You had not rated it."
		if old > 0 {
			msg = fmt.Sprintf("Your rating (%s, %d/10) is removed.", Stars(old), old)
		}
		return update(&discordgo.MessageEmbed{Title: plain(label(film), limits.EmbedTitle), Description: msg + "\n" + verdict(a), Color: colour}), nil
	case "select":
		values := i.MessageComponentData().Values
		if len(values) != 1 {
			return nil, userErr("Pick one score.")
		}
		score, err := strconv.Atoi(values[0])
		if err != nil || score < storage.MinScore || score > storage.MaxScore {
			return nil, userErr("A score is a whole number from %d to %d.", storage.MinScore, storage.MaxScore)
		}
		// The menu is on the film's card: the card itself shows the new
		// verdict (type 7), which every member sees; the menu keeps the
		// member's pick. What the rating did (the score, the film off the
		// watchlist) is the rater's alone: an ephemeral follow-up, as
		// /rate says it. The rating (refused for a film no longer here)
		// comes first; the card is then read in one read.
		film := c.args[0]
		r, err := s.rates.Rate(ctx, scope, film, user, score) // and off the watchlist, in one transaction
		if err != nil {
			return nil, notFound(err, "That film has been removed.")
		}
		a := r.Aggregate
		page, err := s.films.FilmPage(ctx, scope, film)
		if err != nil {
			return nil, notFound(err, "That film has been removed.")
		}
		if s.follow != nil {
			s.follow(ctx, youRated(page.Film, score, a, r.Unwatched).Data)
		}
		return update(s.filmCard(page.Film, page.Reviews, &a, string(i.Locale)), rateMenu(film)), nil
	}
	return nil, errStaleButton
}

// rateMenu is the card's "Rate" select menu, 1–10.
func rateMenu(film uint64) discordgo.ActionsRow {
	return discordgo.ActionsRow{Components: []discordgo.MessageComponent{discordgo.SelectMenu{
		MenuType: discordgo.StringSelectMenu, CustomID: customID{"rate", "select", []uint64{film}}.String(),
		Placeholder: "Rate this film", Options: slices.Clone(rateOptions), MinValues: ptr(1), MaxValues: 1,
	}}}
}

// rateOptions are the menu's scores, best first, made once (each /film
// card carries them); each menu gets its own copy.
var rateOptions = func() []discordgo.SelectMenuOption {
	var opts []discordgo.SelectMenuOption
	for sc := storage.MaxScore; sc >= storage.MinScore; sc-- {
		opts = append(opts, discordgo.SelectMenuOption{Label: fmt.Sprintf("%d/10 %s", sc, Stars(sc)), Value: strconv.Itoa(sc)})
	}
	return opts
}()

// histogram is a one-line text summary of the distribution.
func histogram(a storage.Aggregate) string {
	var parts []string
	for sc := storage.MaxScore; sc >= storage.MinScore; sc-- {
		if n := a.Hist[sc-1]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d×%d", sc, n))
		}
	}
	return strings.Join(parts, " · ")
}

const ratersPerPage = 20

// ratings answers /ratings film:.
func (s *Set) ratings(ctx context.Context, i *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
	scope, _, err := member(i)
	if err != nil {
		return nil, err
	}
	film, err := s.resolveIn(ctx, scope, str(options(i), "film"), string(i.Locale))
	if err != nil {
		return nil, err
	}
	return s.ratingsPage(ctx, scope, film, 1, false)
}

func (s *Set) ratingsPage(ctx context.Context, scope storage.Scope, film storage.Film, p int, isUpdate bool) (*discordgo.InteractionResponse, error) {
	a, err := s.rates.Aggregate(ctx, scope, film.ID)
	if err != nil {
		return nil, err
	}
	if a.Count == 0 {
		return nil, userErr("No one has rated **%s** in this server yet: `/rate film:%s score:<1-10>`.", labelMD(film), inCode(film.Title, 100))
	}
	rs, err := s.rates.FilmRatings(ctx, scope, film.ID)
	if err != nil {
		return nil, err
	}
	r, err := showList(ctx, s, scope, list[storage.Rating]{kind: "ratings", id: film.ID, per: ratersPerPage,
		row: func(_ int, r storage.Rating, _ func(uint64) string) string {
			return fmt.Sprintf("<@%d> — %s (%d)", r.User, Stars(r.Score), r.Score)
		},
		embed: func(rows string, p, pages int) *discordgo.MessageEmbed {
			return &discordgo.MessageEmbed{
				Title: "The verdict on " + plain(label(film), limits.EmbedTitle-len("The verdict on ")),
				Description: fmt.Sprintf("Average **%.1f** · median **%g** · %s\n%s\n\n%s",
					a.Average(), a.Median(), plural(a.Count, "rating"), histogram(a), rows),
				Image:  &discordgo.MessageEmbedImage{URL: "attachment://ratings.png"},
				Footer: &discordgo.MessageEmbedFooter{Text: fmt.Sprintf("Who rated what · page %d of %d", p, pages)},
				Color:  colour,
			}
		}}, rs, p, isUpdate)
	if err != nil {
		return nil, err
	}
	if isUpdate {
		r.Data.Attachments = &[]*discordgo.MessageAttachment{} // replace the old chart
	}
	r.Data.Files = []*discordgo.File{{Name: "ratings.png", ContentType: "image/png", Reader: bytes.NewReader(chartPNG(a))}}
	return r, nil
}

// ratingsButton turns the pages of /ratings.
func (s *Set) ratingsButton(ctx context.Context, i *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
	scope, c, err := pageClick(i)
	if err != nil {
		return nil, err
	}
	film, err := s.films.FilmHeader(ctx, scope, c.args[0])
	if err != nil {
		return nil, notFound(err, "That film has been removed.")
	}
	return s.ratingsPage(ctx, scope, film, int(c.args[1]), true)
}

const topPerPage = 10

// aggregateFilm is the film a line of /top is about.
func aggregateFilm(a storage.Aggregate) uint64 { return a.Film }

// top answers /top [min_ratings:].
func (s *Set) top(ctx context.Context, i *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
	scope, _, err := member(i)
	if err != nil {
		return nil, err
	}
	minN, has, err := integer(tr(i), options(i), "min_ratings")
	if err != nil {
		return nil, err
	}
	sortBy := str(options(i), "sort")
	if sortBy != "" && sortBy != "best" && sortBy != "divisive" {
		return nil, userErr("sort is best or divisive.")
	}
	if !has {
		minN = 1
		if sortBy == "divisive" {
			minN = 3 // two ratings make a spread of nothing much
		}
	}
	if minN < 1 || minN > 1_000_000 {
		return nil, userErr("min_ratings is a whole number of at least 1.")
	}
	if sortBy == "divisive" {
		return s.divisivePage(ctx, scope, int(minN), 1, false)
	}
	return s.topPage(ctx, scope, int(minN), 1, false)
}

// divisivePage is /top sort:divisive: the films whose ratings are most
// spread out (standard deviation), then those with more ratings.
func (s *Set) divisivePage(ctx context.Context, scope storage.Scope, minN, p int, isUpdate bool) (*discordgo.InteractionResponse, error) {
	aggs, err := s.rates.Top(ctx, scope, minN)
	if err != nil {
		return nil, err
	}
	if len(aggs) == 0 {
		return nil, userErr("No film has %d or more ratings in this server yet.", minN)
	}
	slices.SortStableFunc(aggs, func(a, b storage.Aggregate) int {
		if c := cmp.Compare(b.Spread(), a.Spread()); c != 0 {
			return c
		}
		if c := cmp.Compare(b.Count, a.Count); c != 0 {
			return c
		}
		return cmp.Compare(a.Film, b.Film)
	})
	return showList(ctx, s, scope, list[storage.Aggregate]{kind: "topdiv", id: uint64(minN), per: topPerPage, film: aggregateFilm,
		row: func(k int, a storage.Aggregate, name func(uint64) string) string {
			return fmt.Sprintf("%d. **%s** — spread ±%.1f · %.1f/10 from %d · %s", k+1, name(a.Film), a.Spread(), a.Average(), a.Count, histogram(a))
		},
		embed: func(rows string, p, pages int) *discordgo.MessageEmbed {
			return &discordgo.MessageEmbed{Title: "What this server disagrees on", Description: rows, Color: colour,
				Footer: &discordgo.MessageEmbedFooter{Text: fmt.Sprintf("Spread: the standard deviation of the scores · at least %s · page %d of %d", plural(minN, "rating"), p, pages)}}
		}}, aggs, p, isUpdate)
}

// divisiveButton turns the pages of /top sort:divisive.
func (s *Set) divisiveButton(ctx context.Context, i *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
	return minRatingsPage(ctx, i, s.divisivePage)
}

func (s *Set) topPage(ctx context.Context, scope storage.Scope, minN, p int, isUpdate bool) (*discordgo.InteractionResponse, error) {
	aggs, err := s.rates.Top(ctx, scope, minN)
	if err != nil {
		return nil, err
	}
	if len(aggs) == 0 {
		return nil, userErr("No film has %d or more ratings in this server yet.", minN)
	}
	return showList(ctx, s, scope, list[storage.Aggregate]{kind: "top", id: uint64(minN), per: topPerPage, film: aggregateFilm,
		row: func(k int, a storage.Aggregate, name func(uint64) string) string {
			return fmt.Sprintf("%d. **%s** — %.1f/10 from %d", k+1, name(a.Film), a.Average(), a.Count)
		},
		embed: func(rows string, p, pages int) *discordgo.MessageEmbed {
			return &discordgo.MessageEmbed{Title: "This server's top films", Description: rows, Color: colour,
				Footer: &discordgo.MessageEmbedFooter{Text: fmt.Sprintf("At least %s · page %d of %d", plural(minN, "rating"), p, pages)}}
		}}, aggs, p, isUpdate)
}

// topButton turns the pages of /top.
func (s *Set) topButton(ctx context.Context, i *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
	return minRatingsPage(ctx, i, s.topPage)
}

// minRatingsPage turns a page of a /top list: the custom id carries
// min_ratings, then the page.
func minRatingsPage(ctx context.Context, i *discordgo.InteractionCreate,
	page func(ctx context.Context, scope storage.Scope, minN, p int, isUpdate bool) (*discordgo.InteractionResponse, error)) (*discordgo.InteractionResponse, error) {
	scope, c, err := pageClick(i)
	if err != nil {
		return nil, err
	}
	if c.args[0] < 1 || c.args[0] > 1_000_000 {
		return nil, errStaleButton
	}
	return page(ctx, scope, int(c.args[0]), int(c.args[1]), true)
}

// myRatings answers /myratings [user:].
func (s *Set) myRatings(ctx context.Context, i *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
	scope, user, err := member(i)
	if err != nil {
		return nil, err
	}
	if other, given, err := userOption(tr(i), options(i), "user"); err != nil {
		return nil, err
	} else if given {
		user = other
	}
	return s.myRatingsPage(ctx, scope, user, 1, false)
}

func (s *Set) myRatingsPage(ctx context.Context, scope storage.Scope, user uint64, p int, isUpdate bool) (*discordgo.InteractionResponse, error) {
	rs, err := s.rates.UserRatings(ctx, scope, user)
	if err != nil {
		return nil, err
	}
	if len(rs) == 0 {
		return nil, userErr("<@%d> has not rated any film in this server yet.", user)
	}
	return showList(ctx, s, scope, list[storage.Rating]{kind: "mine", id: user, per: ratersPerPage,
		film: func(r storage.Rating) uint64 { return r.Film },
		row: func(_ int, r storage.Rating, name func(uint64) string) string {
			return fmt.Sprintf("**%s** — %s (%d) · <t:%d:d>", name(r.Film), Stars(r.Score), r.Score, r.At.Unix())
		},
		embed: func(rows string, p, pages int) *discordgo.MessageEmbed {
			return &discordgo.MessageEmbed{Title: "Ratings", Description: fmt.Sprintf("<@%d>'s ratings in this server, newest first\n\n%s", user, rows),
				Color: colour, Footer: &discordgo.MessageEmbedFooter{Text: fmt.Sprintf("%s · page %d of %d", plural(len(rs), "film"), p, pages)}}
		}}, rs, p, isUpdate)
}

// mineButton turns the pages of /myratings.
func (s *Set) mineButton(ctx context.Context, i *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
	scope, c, err := pageClick(i)
	if err != nil {
		return nil, err
	}
	return s.myRatingsPage(ctx, scope, c.args[0], int(c.args[1]), true)
}
