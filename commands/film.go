package commands

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/filmbot/filmbot/limits"
	"github.com/filmbot/filmbot/locale"
	"github.com/filmbot/filmbot/storage"
	"github.com/filmbot/filmbot/tmdb"
)

var filmDef = &discordgo.ApplicationCommand{
	Name:        "film",
	Description: "A film's card: year, runtime, director, languages, awards, reviews",
	Options:     []*discordgo.ApplicationCommandOption{filmOption("The film")},
}

// film answers /film film: with the film's card.
func (s *Set) film(ctx context.Context, i *discordgo.InteractionCreate) (*discordgo.InteractionResponse, error) {
	// The film, its reviews' count and its ratings, in one read.
	var page storage.FilmPage
	scope, film, err := s.filmNamedBy(ctx, i, func(ctx context.Context, scope storage.Scope, id uint64) (storage.Film, error) {
		var err error
		page, err = s.films.FilmPage(ctx, scope, id)
		return page.Film, err
	})
	if err != nil {
		return nil, err
	}
	loc := string(i.Locale)
	if scope == storage.BuiltIn {
		return cardMessage(s.filmCard(film, page.Reviews, nil, loc)), nil
	}
	return cardMessage(s.filmCard(film, page.Reviews, &page.Ratings, loc, rateMenuIn(tr(i), film.ID))), nil
}

// The words of a film's card.
var (
	msgYear          = locale.Text("film.field.year", "Year")
	msgRuntime       = locale.Text("film.field.runtime", "Runtime")
	msgRuntimeValue  = locale.Text("film.runtime", "{{.Minutes}} min ({{.Hours}}h {{.Mins}}m)")
	msgCountry       = locale.Text("film.field.country", "Country")
	msgLanguages     = locale.Text("film.field.languages", "Languages")
	msgGenres        = locale.Text("film.field.genres", "Genres")
	msgReviews       = locale.Text("film.field.reviews", "Reviews")
	msgReviewsNone   = locale.Text("film.reviews.none", "None yet")
	msgReviewsCount  = locale.Text("film.reviews.count", "{{.N}} — `/review film:{{.Title}}`")
	msgRating        = locale.Text("film.field.rating", "This server's rating")
	msgRatingNone    = locale.Text("film.rating.none", "None yet: rate it with the menu below")
	msgRatingValue   = locale.Plural("film.rating", "**{{.Average}}**/10 {{.Stars}} from {{.Count}} · {{.Histogram}}", "**{{.Average}}**/10 {{.Stars}} from {{.Count}} · {{.Histogram}}")
	msgPremiere      = locale.Text("film.field.premiere", "Premiere")
	msgRelease       = locale.Text("film.field.release", "Release")
	msgAwards        = locale.Text("film.field.awards", "Awards")
	msgFooterServer  = locale.Text("film.footer.server", "Added by this server")
	msgFooterTMDB    = locale.Text("film.footer.tmdb", "Film data from TMDB. "+tmdb.Attribution)
	msgFooterBuiltIn = locale.Text("film.footer.builtin", "Built-in catalog")
	msgFooterAKA     = locale.Text("film.footer.aka", "{{.Footer}} · also known as {{.Names}}")
	// The end of a list cut to fit the card: how many names are left out.
	msgMore = locale.Plural("film.more", "…and {{.Count}} more", "…and {{.Count}} more")
)

// posterSize is the size of the poster on a card (TMDB's poster_sizes).
const posterSize = "w342"

// maxOverview bounds a card's overview, well within the embed's total.
const maxOverview = 1500

// tmdbLink is a film's page on TMDB.
func tmdbLink(id uint64) string {
	return "https://www.themoviedb.org/movie/" + strconv.FormatUint(id, 10)
}

// filmCard is the layout card /film shows for a reader whose Discord
// locale is loc: its words in loc's language, the film's title and
// overview in loc where the film has them, with the poster from TMDB's
// image server; a is the server's ratings, nil in a DM; rows (the Rate
// menu) go inside the card.
func (s *Set) filmCard(f storage.Film, reviews int, a *storage.Aggregate, loc string, rows ...discordgo.MessageComponent) card {
	return filmCardIn(locale.For(loc), f, reviews, a, loc, s.source.PosterURL(posterSize, f.Poster), maxCardText, rows...)
}

// filmEmbed is the film's card as an embed: what a movie night posts
// through its Screener, which sends embeds.
func (s *Set) filmEmbed(f storage.Film, reviews int, a *storage.Aggregate, loc string) *discordgo.MessageEmbed {
	t := locale.For(loc)
	c, made, _ := filmParts(t, f, reviews, a, loc, s.source.PosterURL(posterSize, f.Poster), false)
	e := &discordgo.MessageEmbed{Title: c.title, URL: c.url, Fields: c.fields, Footer: &discordgo.MessageEmbedFooter{Text: c.footer}, Color: colour}
	if len(c.body) > 0 {
		e.Description = c.body[0].text
	}
	if c.thumb != "" {
		e.Thumbnail = &discordgo.MessageEmbedThumbnail{URL: c.thumb}
	}
	n := utf8.RuneCountInString
	fixed := n(e.Title) + n(e.Description) + n(e.Footer.Text)
	for _, f := range e.Fields {
		fixed += n(f.Name)
	}
	fitCard(t, e.Fields, made[:len(e.Fields)], limits.EmbedTotal-fixed)
	return e
}

// filmCardIn is the layout card in t's language: title and overview in
// loc where the film has them, poster the address of its poster ("" for
// none: no thumbnail), runtime and directors beside the title (the year
// is in it). A card whose lists are all long is cut to room characters
// of text (fitCard): Discord's 4,000, less what the message says beside
// the card.
func filmCardIn(t *locale.T, f storage.Film, reviews int, a *storage.Aggregate, loc, poster string, room int, rows ...discordgo.MessageComponent) card {
	c, made, lead := filmParts(t, f, reviews, a, loc, poster, true)
	all := c.fields
	c.head, c.fields, c.rows = all[:lead], all[lead:], rows
	values := 0
	for _, f := range all {
		values += utf8.RuneCountInString(f.Value)
	}
	fitCard(t, all, made[:len(all)], room-(c.textChars()-values))
	return c
}

// filmParts is the film card's content in t's language, not yet fitted,
// its fields all in fields, with what each field is made of; layout
// leaves the year out (the title holds it) and puts runtime and
// directors first, lead fields.
func filmParts(t *locale.T, f storage.Film, reviews int, a *storage.Aggregate, loc, poster string, layout bool) (card, [14]cardPart, int) {
	// At most 14 fields, in one allocation; what each is made of, to say
	// it in less room, beside it.
	var fields []*discordgo.MessageEmbedField
	backing := make([]discordgo.MessageEmbedField, 0, 14)
	var made [14]cardPart
	add := func(name, value string, inline bool, from cardPart) {
		if value != "" {
			made[len(backing)] = from
			backing = append(backing, discordgo.MessageEmbedField{Name: name, Value: clip(value, limits.FieldValue), Inline: inline})
			fields = append(fields, &backing[len(backing)-1])
		}
	}
	names := func(list []string, lead, sep, moreSep string) (string, cardPart) {
		p := cardPart{names: list, lead: lead, sep: sep, moreSep: moreSep}
		return p.say(t, limits.FieldValue), p
	}
	text := func(s string) (string, cardPart) {
		p := cardPart{text: s}
		return p.say(t, limits.FieldValue), p
	}
	if f.Year != 0 && !layout {
		add(t.S(msgYear), strconv.Itoa(f.Year), true, cardPart{})
	}
	if f.Runtime > 0 {
		add(t.S(msgRuntime), t.F(msgRuntimeValue, "Minutes", t.Int(f.Runtime), "Hours", strconv.Itoa(f.Runtime/60), "Mins", fmt.Sprintf("%02d", f.Runtime%60)), true, cardPart{})
	}
	v, p := names(f.Directors, "", ", ", " ")
	add(t.N(msgDirector, len(f.Directors)), v, true, p)
	lead := len(fields)
	v, p = text(f.Country)
	add(t.S(msgCountry), v, true, p)
	v, p = names(f.Languages, "", ", ", " ")
	add(t.S(msgLanguages), v, true, p)
	v, p = names(f.Genres, "", ", ", " ")
	add(t.S(msgGenres), v, true, p)
	if reviews == 0 {
		add(t.S(msgReviews), t.S(msgReviewsNone), true, cardPart{})
	} else {
		add(t.S(msgReviews), t.F(msgReviewsCount, "N", t.Int(reviews), "Title", inCode(f.Title, 100)), true, cardPart{})
	}
	if a != nil {
		v := t.S(msgRatingNone)
		if a.Count > 0 {
			v = t.N(msgRatingValue, a.Count, "Average", t.Num(a.Average(), 1), "Stars", Stars(int(a.Average()+0.5)), "Histogram", histogram(*a))
		}
		add(t.S(msgRating), v, false, cardPart{})
	}
	v, p = text(f.Premiere)
	add(t.S(msgPremiere), v, true, p)
	v, p = text(f.Release)
	add(t.S(msgRelease), v, true, p)
	v, p = names(f.Awards, "• ", "\n• ", "\n")
	add(t.S(msgAwards), v, false, p)
	footer := t.S(msgFooterServer)
	switch {
	case f.Sourced():
		// TMDB's terms: the notice first, so that clipping keeps it.
		footer = t.S(msgFooterTMDB)
	case f.Scope == storage.BuiltIn:
		footer = t.S(msgFooterBuiltIn)
	}
	if len(f.Aliases) > 0 {
		aka := strings.Join(f.Aliases, ", ")
		if layout { // a layout card's footer is markdown
			aka = plainList(f.Aliases, ", ", 500)
		}
		footer = t.F(msgFooterAKA, "Footer", footer, "Names", aka)
	}
	if f.Letterboxd != "" {
		add("Letterboxd", f.Letterboxd, false, cardPart{})
	}
	url := f.Letterboxd // checked to be a Letterboxd link when it was stored
	if f.Sourced() {
		add("TMDB", tmdbLink(f.TMDB), true, cardPart{})
		if url == "" {
			url = tmdbLink(f.TMDB)
		}
	}
	if imdbID.MatchString(f.IMDb) {
		add("IMDb", "https://www.imdb.com/title/"+f.IMDb+"/", true, cardPart{})
	}
	title := f.LocalTitle(loc)
	if title == "" {
		title = f.Title
	}
	c := card{title: plain(label(storage.Film{Title: title, Year: f.Year}), limits.EmbedTitle), url: url, thumb: poster, fields: fields, footer: clip(footer, 500)}
	if overview := plain(f.LocalOverview(loc), maxOverview); overview != "" {
		c.body = []para{{text: overview}}
	}
	return c, made, lead
}

// cardPart is what a card's field is made of, to say it again in less
// room: a list of names (lead before the first, sep between them, moreSep
// before "…and N more"), a text, or (neither) the field's value as it is.
type cardPart struct {
	names              []string
	lead, sep, moreSep string
	text               string
}

// say is the part in at most room characters.
func (p cardPart) say(t *locale.T, room int) string {
	switch {
	case p.names != nil:
		if len(p.names) == 0 {
			return ""
		}
		return p.lead + moreList(t, p.names, p.sep, p.moreSep, room-utf8.RuneCountInString(p.lead))
	default:
		return plain(p.text, room)
	}
}

// fitCard cuts the longest of a card's fields until their values hold at
// most budget characters together (what the card's limit leaves them:
// an embed's 6,000, a layout card's 4,000): every field longer than a
// level gets that level, the level as high as the total allows (the
// shorter fields stay whole). parts says what each field is made of.
func fitCard(t *locale.T, fields []*discordgo.MessageEmbedField, parts []cardPart, budget int) {
	n := utf8.RuneCountInString
	total := 0
	var lengths [14]int
	for k, f := range fields {
		lengths[k] = n(f.Value)
		total += lengths[k]
	}
	if total <= budget {
		return
	}
	// A budget too small for any list leaves each a few words ("…and N
	// more"): the card is then longer than asked, which its caller checks.
	level := max(waterLevel(lengths[:len(fields)], max(budget, len(fields))), minLevel)
	for k, f := range fields {
		if lengths[k] <= level {
			continue
		}
		if p := parts[k]; p.names != nil || p.text != "" {
			f.Value = p.say(t, level)
		} else {
			f.Value = clip(f.Value, level)
		}
		if f.Value == "" { // a field's value may not be empty
			f.Value = "…"
		}
	}
}

// minLevel is the least room a card's field is cut to.
const minLevel = 16

// waterLevel is the highest level such that lengths, each cut to it,
// add up to at most budget (at least 1).
func waterLevel(lengths []int, budget int) int {
	sorted := slices.Clone(lengths)
	slices.Sort(sorted)
	for k, l := range sorted {
		left := len(sorted) - k // these are all at least l long
		if l*left > budget {
			return max(1, budget/left)
		}
		budget -= l
	}
	return sorted[len(sorted)-1]
}

// moreList joins names, each plain, with sep in at most room characters:
// the names that do not fit are counted after moreSep, "…and 3 more" in
// t's language (one name left out is cut short instead).
func moreList(t *locale.T, names []string, sep, moreSep string, room int) string {
	n := utf8.RuneCountInString
	join := func(k int) string {
		if k == 1 {
			return plain(names[0], room)
		}
		var b strings.Builder
		for j, name := range names[:k] {
			if j > 0 {
				b.WriteString(sep)
			}
			b.WriteString(plain(name, room))
		}
		return b.String()
	}
	all := 0
	for k, name := range names {
		all += n(plain(name, room))
		if k > 0 {
			all += n(sep)
		}
		if all > room {
			break
		}
	}
	if all <= room {
		return join(len(names))
	}
	// width[k] is the width of names[:k] joined.
	width := make([]int, 1, len(names)+1)
	for k, name := range names {
		w := width[k] + n(plain(name, room))
		if k > 0 {
			w += n(sep)
		}
		if w > room {
			break
		}
		width = append(width, w)
	}
	for k := len(width) - 1; k >= 0; k-- {
		// The last name alone left out: cut short, rather than counted.
		if k == len(names)-1 {
			head := ""
			if k > 0 {
				head = join(k) + sep
			}
			if r := room - n(head); r >= 10 {
				return head + plain(names[k], r)
			}
			continue
		}
		more := t.N(msgMore, len(names)-k)
		if k == 0 { // not even one name whole: the first cut short
			if r := room - n(moreSep) - n(t.N(msgMore, len(names)-1)); r >= 10 {
				return plain(names[0], r) + moreSep + t.N(msgMore, len(names)-1)
			}
			return clip(more, room)
		}
		if width[k]+n(moreSep)+n(more) <= room {
			return join(k) + moreSep + more
		}
	}
	return clip(t.N(msgMore, len(names)), room)
}

// imdbID is an IMDb title id, as stored from TMDB.
var imdbID = regexp.MustCompile(`^tt[0-9]{5,10}$`)
