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
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/filmbot/filmbot/limits"
	"github.com/filmbot/filmbot/locale"
	"github.com/filmbot/filmbot/storage"
)

// What /rate, the card's Rate menu, /ratings, /top and /myratings say,
// in the member's language (tr(i)): each is an answer to the member who
// asked, or clicked.
var (
	msgRatingsServerOnly = locale.Text("ratings.server_only", "Ratings live in servers: use this command in a server the bot is in.")
	msgRatingsNoVerdict  = locale.Text("ratings.verdict.none", "No ratings in this server yet.")
	msgRatingsVerdict    = locale.Plural("ratings.verdict", "Server average **{{.Average}}**/10 from {{.Count}} rating", "Server average **{{.Average}}**/10 from {{.Count}} ratings")
	msgRateNotYet        = locale.Text("rate.not_yet", "You have not rated **{{.Film}}** here yet: `/rate film:{{.Title}} score:<1-10>`.")
	msgRateYours         = locale.Text("rate.yours", "Your rating **{{.Stars}}** ({{.Score}}/10)")
	msgRateYouRated      = locale.Text("rate.you_rated", "You rated **{{.Stars}}** ({{.Score}}/10)")
	msgRateBadScore      = locale.Text("rate.bad_score", "A score is a whole number from {{.Min}} to {{.Max}}.")
	msgRateJustGone      = locale.Text("rate.just_removed", "That film was just removed.")
	msgRateGone          = locale.Text("rate.removed_film", "That film has been removed.")
	msgRateRemove        = locale.Text("rate.button.remove", "Remove my rating")
	msgRateUnwatched     = locale.Text("rate.off_watchlist", "It is off your watchlist now.")
	msgRateHadNot        = locale.Text("rate.had_not", "You had not rated it.")
	msgRateRemoved       = locale.Text("rate.removed", "Your rating ({{.Stars}}, {{.Score}}/10) is removed.")
	msgRatePickOne       = locale.Text("rate.pick_one", "Pick one score.")
	msgRateMenu          = locale.Text("rate.menu.placeholder", "Rate this film")

	msgRatingsNone    = locale.Text("ratings.none", "No one has rated **{{.Film}}** in this server yet: `/rate film:{{.Title}} score:<1-10>`.")
	msgRatingsGone    = locale.Text("ratings.removed_film", "That film has been removed.")
	msgRatingsTitle   = locale.Text("ratings.title", "The verdict on {{.Film}}")
	msgRatingsSummary = locale.Plural("ratings.summary", "Average **{{.Average}}** · median **{{.Median}}** · {{.Count}} rating", "Average **{{.Average}}** · median **{{.Median}}** · {{.Count}} ratings")
	msgRatingsFooter  = locale.Text("ratings.footer", "Who rated what · page {{.Page}} of {{.Pages}}")

	msgTopBadSort   = locale.Text("top.bad_sort", "sort is best or divisive.")
	msgTopBadMin    = locale.Text("top.bad_min", "min_ratings is a whole number of at least 1.")
	msgTopNone      = locale.Plural("top.none", "No film has {{.Count}} or more ratings in this server yet.", "No film has {{.Count}} or more ratings in this server yet.")
	msgTopTitle     = locale.Text("top.title", "This server's top films")
	msgTopRow       = locale.Plural("top.row", "{{.Rank}}. **{{.Film}}** — {{.Average}}/10 from {{.Count}}", "{{.Rank}}. **{{.Film}}** — {{.Average}}/10 from {{.Count}}")
	msgTopFooter    = locale.Plural("top.footer", "At least {{.Count}} rating · page {{.Page}} of {{.Pages}}", "At least {{.Count}} ratings · page {{.Page}} of {{.Pages}}")
	msgTopDivTitle  = locale.Text("top.divisive.title", "What this server disagrees on")
	msgTopDivRow    = locale.Plural("top.divisive.row", "{{.Rank}}. **{{.Film}}** — spread ±{{.Spread}} · {{.Average}}/10 from {{.Count}} · {{.Scores}}", "{{.Rank}}. **{{.Film}}** — spread ±{{.Spread}} · {{.Average}}/10 from {{.Count}} · {{.Scores}}")
	msgTopDivFooter = locale.Plural("top.divisive.footer", "Spread: the standard deviation of the scores · at least {{.Count}} rating · page {{.Page}} of {{.Pages}}", "Spread: the standard deviation of the scores · at least {{.Count}} ratings · page {{.Page}} of {{.Pages}}")
	msgMineNone     = locale.Text("mine.none", "{{.Member}} has not rated any film in this server yet.")
	msgMineTitle    = locale.Text("mine.title", "Ratings")
	msgMineHeading  = locale.Text("mine.heading", "{{.Member}}'s ratings in this server, newest first")
	msgMineFooter   = locale.Plural("mine.footer", "{{.Count}} film · page {{.Page}} of {{.Pages}}", "{{.Count}} films · page {{.Page}} of {{.Pages}}")
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
		return 0, 0, userText(tr(i).S(msgRatingsServerOnly))
	}
	user, err := userNumber(i)
	if err != nil {
		return 0, 0, err
	}
	return scope, user, nil
}

func verdict(t *locale.T, a storage.Aggregate) string {
	if a.Count == 0 {
		return t.S(msgRatingsNoVerdict)
	}
	return t.N(msgRatingsVerdict, a.Count, "Average", t.Num(a.Average(), 1))
}

// rate answers /rate film: [score:].
func (s *Set) rate(ctx context.Context, i *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
	scope, user, err := member(i)
	if err != nil {
		return nil, err
	}
	t := tr(i)
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
			return nil, userText(t.F(msgRateNotYet, "Film", labelMD(film), "Title", inCode(film.Title, 100)))
		}
		if err != nil {
			return nil, err
		}
		a, err := s.rates.Aggregate(ctx, scope, film.ID)
		if err != nil {
			return nil, err
		}
		return ephemeral(rated(t, film, r.Score, a, msgRateYours)), nil
	}
	if score < storage.MinScore || score > storage.MaxScore {
		return nil, rateBadScore(t)
	}
	return s.saveRating(ctx, t, scope, film, user, int(score))
}

// rateBadScore is the answer to a score out of 1–10.
func rateBadScore(t *locale.T) error {
	return userText(t.F(msgRateBadScore, "Min", t.Int(storage.MinScore), "Max", t.Int(storage.MaxScore)))
}

func (s *Set) saveRating(ctx context.Context, t *locale.T, scope storage.Scope, film storage.Film, user uint64, score int) (*discordgo.InteractionResponse, error) {
	r, err := s.rates.Rate(ctx, scope, film.ID, user, score)
	if err != nil {
		return nil, notFound(err, t.S(msgRateJustGone))
	}
	return youRated(t, film, score, r.Aggregate, r.Unwatched), nil
}

// youRated tells the rater alone what their rating did: the score, the
// server's verdict, whether the film left their watchlist, and a button
// to take the rating back.
func youRated(t *locale.T, film storage.Film, score int, a storage.Aggregate, offWatchlist bool) *discordgo.InteractionResponse {
	remove := discordgo.ActionsRow{Components: []discordgo.MessageComponent{
		discordgo.Button{Label: t.S(msgRateRemove), Style: discordgo.DangerButton, CustomID: customID{"rate", "remove", []uint64{film.ID}}.String()},
	}}
	embed := rated(t, film, score, a, msgRateYouRated)
	if offWatchlist {
		embed.Description += "\n" + t.S(msgRateUnwatched)
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

// rated is a rating's embed: what (msgRateYours, msgRateYouRated) with
// the stars and score, then the server's verdict.
func rated(t *locale.T, film storage.Film, score int, a storage.Aggregate, what locale.Key) *discordgo.MessageEmbed {
	return &discordgo.MessageEmbed{
		Title:       plain(label(film), limits.EmbedTitle),
		Description: t.F(what, "Stars", Stars(score), "Score", t.Int(score)) + "\n" + verdict(t, a),
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
	c, err := parseCustomID(componentID(i), 2) // a menu: the film and its card's language
	if err != nil {
		c, err = clicked(i, 1) // a menu posted before the language was in it, or Remove
	}
	if err != nil {
		return nil, err
	}
	t := tr(i)
	switch c.action {
	case "remove":
		film, err := s.films.FilmHeader(ctx, scope, c.args[0])
		if err != nil {
			return nil, notFound(err, t.S(msgRateGone))
		}
		a, old, err := s.rates.Unrate(ctx, scope, film.ID, user)
		if err != nil {
			return nil, notFound(err, t.S(msgRateGone))
		}
		msg := t.S(msgRateHadNot)
		if old > 0 {
			msg = t.F(msgRateRemoved, "Stars", Stars(old), "Score", t.Int(old))
		}
		return update(&discordgo.MessageEmbed{Title: plain(label(film), limits.EmbedTitle), Description: msg + "\n" + verdict(t, a), Color: colour}), nil
	case "select":
		values := i.MessageComponentData().Values
		if len(values) != 1 {
			return nil, userText(t.S(msgRatePickOne))
		}
		score, err := strconv.Atoi(values[0])
		if err != nil || score < storage.MinScore || score > storage.MaxScore {
			return nil, rateBadScore(t)
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
			return nil, notFound(err, t.S(msgRateGone))
		}
		a := r.Aggregate
		page, err := s.films.FilmPage(ctx, scope, film)
		if err != nil {
			return nil, notFound(err, t.S(msgRateGone))
		}
		if s.follow != nil {
			s.follow(ctx, youRated(t, page.Film, score, a, r.Unwatched).Data)
		}
		// The card is everyone's: it stays in the language it was posted
		// in (the menu carries it), not the rater's.
		cardLoc := string(i.Locale)
		if len(c.args) > 1 {
			cardLoc = unpackLocale(c.args[1])
		}
		if i.Message != nil && i.Message.Flags&discordgo.MessageFlagsIsComponentsV2 == 0 {
			// A card posted as an embed (a movie night's prompt) stays one.
			return update(s.filmEmbed(page.Film, page.Reviews, &a, cardLoc), rateMenuIn(locale.For(cardLoc), film)), nil
		}
		return layoutUpdate(s.filmCard(page.Film, page.Reviews, &a, cardLoc, rateMenuIn(locale.For(cardLoc), film)).components()), nil
	}
	return nil, staleButton(t)
}

// packLocale is a Discord locale code (at most 8 bytes: "es-419") as a
// custom_id argument; unpackLocale reads it back ("" for junk: English).
func packLocale(code string) uint64 {
	var n uint64
	for k := 0; k < len(code) && k < 8; k++ {
		n = n<<8 | uint64(code[k])
	}
	return n
}

func unpackLocale(n uint64) string {
	var b []byte
	for ; n > 0; n >>= 8 {
		b = append([]byte{byte(n)}, b...)
	}
	return string(b)
}

// rateMenu is the card's "Rate" select menu, 1–10, in English: callers
// that know the reader's language use rateMenuIn.

// rateMenuIn is the card's "Rate" select menu, 1–10, its placeholder in
// t's language (the options are digits and stars).
func rateMenuIn(t *locale.T, film uint64) discordgo.ActionsRow {
	return discordgo.ActionsRow{Components: []discordgo.MessageComponent{discordgo.SelectMenu{
		MenuType: discordgo.StringSelectMenu, CustomID: customID{"rate", "select", []uint64{film, packLocale(t.Locale())}}.String(),
		Placeholder: t.S(msgRateMenu), Options: slices.Clone(rateOptions), MinValues: ptr(1), MaxValues: 1,
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

// chartFile is the name of the verdict's chart, sent with the answer and
// shown in the card's media gallery.
const chartFile = "ratings.png"

// ratings answers /ratings film:.
func (s *Set) ratings(ctx context.Context, i *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
	scope, user, err := member(i)
	if err != nil {
		return nil, err
	}
	film, err := s.resolveIn(ctx, scope, str(options(i), "film"), string(i.Locale))
	if err != nil {
		return nil, err
	}
	return s.ratingsPage(ctx, tr(i), scope, user, film, 1, false)
}

// medianIn is a median score (a whole or a half) in t's style: "7", "7,5".
func medianIn(t *locale.T, m float64) string {
	if m == float64(int(m)) {
		return t.Int(int(m))
	}
	return t.Num(m, 1)
}

// titleWithFilm is text (a message whose {{.Film}} is the film) as an embed's
// title: the film's label clipped to what the rest leaves.
func titleWithFilm(t *locale.T, k locale.Key, film storage.Film) string {
	room := limits.EmbedTitle - utf8.RuneCountInString(t.F(k, "Film", ""))
	return t.F(k, "Film", plain(label(film), room))
}

// ratingsPage is page p of a film's verdict for member user (who asked,
// or turned the page): the chart marks their own score.
func (s *Set) ratingsPage(ctx context.Context, t *locale.T, scope storage.Scope, user uint64, film storage.Film, p int, isUpdate bool) (*discordgo.InteractionResponse, error) {
	a, err := s.rates.Aggregate(ctx, scope, film.ID)
	if err != nil {
		return nil, err
	}
	if a.Count == 0 {
		return nil, userText(t.F(msgRatingsNone, "Film", labelMD(film), "Title", inCode(film.Title, 100)))
	}
	rs, err := s.rates.FilmRatings(ctx, scope, film.ID)
	if err != nil {
		return nil, err
	}
	// The verdict is a layout card: title, verdict, the chart in a media
	// gallery, who rated what (raters), the page buttons.
	var raters string
	e, rows, err := listView(list[storage.Rating]{t: t, kind: "ratings", id: film.ID, per: ratersPerPage,
		row: func(_ int, r storage.Rating, _ func(uint64) string) string {
			return fmt.Sprintf("<@%d> — %s (%d)", r.User, Stars(r.Score), r.Score)
		},
		embed: func(rows string, p, pages int) *discordgo.MessageEmbed {
			raters = rows
			return &discordgo.MessageEmbed{
				Title: titleWithFilm(t, msgRatingsTitle, film),
				Description: t.N(msgRatingsSummary, a.Count, "Average", t.Num(a.Average(), 1), "Median", medianIn(t, a.Median())) +
					"\n" + histogram(a),
				Image:  &discordgo.MessageEmbedImage{URL: "attachment://" + chartFile},
				Footer: &discordgo.MessageEmbedFooter{Text: t.F(msgRatingsFooter, "Page", t.Int(p), "Pages", t.Int(pages))},
				Color:  colour,
			}
		}}, rs, p, func(ids []uint64) (func(uint64) string, error) { return s.pageFilms(ctx, t, scope, ids) })
	if err != nil {
		return nil, err
	}
	c := fromEmbed(e, rows)
	c.tail = raters
	r := layoutMessage(c.components())
	if isUpdate {
		r = layoutUpdate(r.Data.Components)
		r.Data.Attachments = &[]*discordgo.MessageAttachment{} // replace the old chart
	}
	mine := 0
	for _, x := range rs {
		if x.User == user {
			mine = x.Score
		}
	}
	r.Data.Files = []*discordgo.File{{Name: chartFile, ContentType: "image/png", Reader: bytes.NewReader(chartPNG(t, a, mine))}}
	return r, nil
}

// ratingsButton turns the pages of /ratings.
func (s *Set) ratingsButton(ctx context.Context, i *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
	scope, c, err := pageClick(i)
	if err != nil {
		return nil, err
	}
	user, err := userNumber(i)
	if err != nil {
		return nil, err
	}
	t := tr(i)
	film, err := s.films.FilmHeader(ctx, scope, c.args[0])
	if err != nil {
		return nil, notFound(err, t.S(msgRatingsGone))
	}
	return s.ratingsPage(ctx, t, scope, user, film, int(c.args[1]), true)
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
	t := tr(i)
	sortBy := str(options(i), "sort")
	if sortBy != "" && sortBy != "best" && sortBy != "divisive" {
		return nil, userText(t.S(msgTopBadSort))
	}
	if !has {
		minN = 1
		if sortBy == "divisive" {
			minN = 3 // two ratings make a spread of nothing much
		}
	}
	if minN < 1 || minN > 1_000_000 {
		return nil, userText(t.S(msgTopBadMin))
	}
	if sortBy == "divisive" {
		return s.divisivePage(ctx, t, scope, int(minN), 1, false)
	}
	return s.topPage(ctx, t, scope, int(minN), 1, false)
}

// divisivePage is /top sort:divisive: the films whose ratings are most
// spread out (standard deviation), then those with more ratings.
func (s *Set) divisivePage(ctx context.Context, t *locale.T, scope storage.Scope, minN, p int, isUpdate bool) (*discordgo.InteractionResponse, error) {
	aggs, err := s.rates.Top(ctx, scope, minN)
	if err != nil {
		return nil, err
	}
	if len(aggs) == 0 {
		return nil, userText(t.N(msgTopNone, minN))
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
	return showList(ctx, s, scope, list[storage.Aggregate]{t: t, kind: "topdiv", id: uint64(minN), per: topPerPage, film: aggregateFilm,
		row: func(k int, a storage.Aggregate, name func(uint64) string) string {
			return t.N(msgTopDivRow, a.Count, "Rank", t.Int(k+1), "Film", name(a.Film), "Spread", t.Num(a.Spread(), 1),
				"Average", t.Num(a.Average(), 1), "Scores", histogram(a))
		},
		embed: func(rows string, p, pages int) *discordgo.MessageEmbed {
			return &discordgo.MessageEmbed{Title: t.S(msgTopDivTitle), Description: rows, Color: colour,
				Footer: &discordgo.MessageEmbedFooter{Text: t.N(msgTopDivFooter, minN, "Page", t.Int(p), "Pages", t.Int(pages))}}
		}}, aggs, p, isUpdate)
}

// divisiveButton turns the pages of /top sort:divisive.
func (s *Set) divisiveButton(ctx context.Context, i *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
	return minRatingsPage(ctx, i, s.divisivePage)
}

func (s *Set) topPage(ctx context.Context, t *locale.T, scope storage.Scope, minN, p int, isUpdate bool) (*discordgo.InteractionResponse, error) {
	aggs, err := s.rates.Top(ctx, scope, minN)
	if err != nil {
		return nil, err
	}
	if len(aggs) == 0 {
		return nil, userText(t.N(msgTopNone, minN))
	}
	return showList(ctx, s, scope, list[storage.Aggregate]{t: t, kind: "top", id: uint64(minN), per: topPerPage, film: aggregateFilm,
		row: func(k int, a storage.Aggregate, name func(uint64) string) string {
			return t.N(msgTopRow, a.Count, "Rank", t.Int(k+1), "Film", name(a.Film), "Average", t.Num(a.Average(), 1))
		},
		embed: func(rows string, p, pages int) *discordgo.MessageEmbed {
			return &discordgo.MessageEmbed{Title: t.S(msgTopTitle), Description: rows, Color: colour,
				Footer: &discordgo.MessageEmbedFooter{Text: t.N(msgTopFooter, minN, "Page", t.Int(p), "Pages", t.Int(pages))}}
		}}, aggs, p, isUpdate)
}

// topButton turns the pages of /top.
func (s *Set) topButton(ctx context.Context, i *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
	return minRatingsPage(ctx, i, s.topPage)
}

// minRatingsPage turns a page of a /top list: the custom id carries
// min_ratings, then the page.
func minRatingsPage(ctx context.Context, i *discordgo.InteractionCreate,
	page func(ctx context.Context, t *locale.T, scope storage.Scope, minN, p int, isUpdate bool) (*discordgo.InteractionResponse, error)) (*discordgo.InteractionResponse, error) {
	scope, c, err := pageClick(i)
	if err != nil {
		return nil, err
	}
	if c.args[0] < 1 || c.args[0] > 1_000_000 {
		return nil, staleButton(tr(i))
	}
	return page(ctx, tr(i), scope, int(c.args[0]), int(c.args[1]), true)
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
	return s.myRatingsPage(ctx, tr(i), scope, user, 1, false)
}

func (s *Set) myRatingsPage(ctx context.Context, t *locale.T, scope storage.Scope, user uint64, p int, isUpdate bool) (*discordgo.InteractionResponse, error) {
	rs, err := s.rates.UserRatings(ctx, scope, user)
	if err != nil {
		return nil, err
	}
	if len(rs) == 0 {
		return nil, userText(t.F(msgMineNone, "Member", fmt.Sprintf("<@%d>", user)))
	}
	return showList(ctx, s, scope, list[storage.Rating]{t: t, kind: "mine", id: user, per: ratersPerPage,
		film: func(r storage.Rating) uint64 { return r.Film },
		row: func(_ int, r storage.Rating, name func(uint64) string) string {
			return fmt.Sprintf("**%s** — %s (%d) · <t:%d:d>", name(r.Film), Stars(r.Score), r.Score, r.At.Unix())
		},
		embed: func(rows string, p, pages int) *discordgo.MessageEmbed {
			return &discordgo.MessageEmbed{Title: t.S(msgMineTitle), Description: t.F(msgMineHeading, "Member", fmt.Sprintf("<@%d>", user)) + "\n\n" + rows,
				Color: colour, Footer: &discordgo.MessageEmbedFooter{Text: t.N(msgMineFooter, len(rs), "Page", t.Int(p), "Pages", t.Int(pages))}}
		}}, rs, p, isUpdate)
}

// mineButton turns the pages of /myratings.
func (s *Set) mineButton(ctx context.Context, i *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
	scope, c, err := pageClick(i)
	if err != nil {
		return nil, err
	}
	return s.myRatingsPage(ctx, tr(i), scope, c.args[0], int(c.args[1]), true)
}
