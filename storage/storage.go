// Package storage is the contract between filmbot's behaviour and its
// databases: the domain types (films, reviews, ratings, aggregates,
// settings), the errors callers check with errors.Is, and Store, what
// commands needs of a database. It knows nothing of Discord, and nothing
// of any one database: storage/bolt (the embedded default) and
// storage/postgres implement Store, and storage/storetest is the suite
// both must pass. A "scope" is a server (guild) id; scope 0 is the
// built-in catalog that every server sees.
package storage

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/filmbot/filmbot/search"
)

// BuiltIn is the scope of the catalog shipped with the bot, visible in every
// server and in DMs.
const BuiltIn Scope = 0

// Scope is whose data a record is: a Discord server's id, or BuiltIn.
type Scope uint64

// ParseScope turns a server id (a decimal snowflake, or "" for none) into a Scope.
func ParseScope(guildID string) (Scope, error) {
	if guildID == "" {
		return BuiltIn, nil
	}
	n, err := strconv.ParseUint(guildID, 10, 64)
	if err != nil || n == 0 {
		return 0, fmt.Errorf("bad server id %q", guildID)
	}
	return Scope(n), nil
}

// Settings are a server's own settings.
type Settings struct {
	ReviewsChannel string `json:"reviews_channel,omitempty"` // where new reviews are announced
	ModRole        string `json:"mod_role,omitempty"`        // a role whose members are moderators
	HostRole       string `json:"host_role,omitempty"`       // a role whose members may host movie nights
	Timezone       string `json:"timezone,omitempty"`        // IANA name; empty is UTC
	Language       string `json:"language,omitempty"`        // Discord locale of what the bot posts; empty: the server's own (guild_locale)
}

// Night is a movie night: a poll among candidates, then a screening, a
// rating prompt and a verdict, each step at a stored time.
type Night struct {
	ID         uint64    `json:"id"`
	Scope      Scope     `json:"scope"`
	Host       uint64    `json:"host"`
	Channel    string    `json:"channel"`            // where the poll and the posts go
	Candidates []uint64  `json:"candidates"`         // film ids, the poll's answers in order
	Poll       string    `json:"poll,omitempty"`     // the poll's message id
	Closes     time.Time `json:"closes"`             // the poll's end
	Starts     time.Time `json:"starts"`             // the screening
	Ends       time.Time `json:"ends"`               // the screening's end
	Where      string    `json:"where,omitempty"`    // a voice or stage channel, or ""
	Location   string    `json:"location,omitempty"` // else a place, for the event
	Locale     string    `json:"locale,omitempty"`   // the language of its posts (Discord locale), the server's when planned
	// Recommended counts the first candidates that came from the group
	// recommendation for RecommendedFor members (those of the server's
	// recent nights), the rest being the most wanted on watchlists; 0
	// when none did (named by the host, or watchlists alone).
	Recommended    int `json:"recommended,omitempty"`
	RecommendedFor int `json:"recommended_for,omitempty"`
	// Step is what comes next: close, end, verdict; done and canceled end
	// the night.
	Step   Step      `json:"step"`
	NextAt time.Time `json:"next_at"`
	// What the steps did, so that a step retried does not post twice.
	Winner     uint64    `json:"winner,omitempty"`
	WinnerNote string    `json:"winner_note,omitempty"`
	Announce   string    `json:"announce,omitempty"`
	Event      string    `json:"event,omitempty"`
	EventNote  string    `json:"event_note,omitempty"`
	Prompt     string    `json:"prompt,omitempty"`
	Verdict    string    `json:"verdict,omitempty"`
	Notice     string    `json:"notice,omitempty"`      // the card telling the host why there is no event (or where it went)
	VerdictMsg string    `json:"verdict_msg,omitempty"` // the verdict's message
	CreatedAt  time.Time `json:"created_at"`
	// Tries counts the attempts at each of the night's Discord actions
	// (poll, announce, event, prompt, verdict…), each recorded before the
	// action: a retry knows to look for what may already be posted, and
	// gives up after a few.
	Tries map[string]int `json:"tries,omitempty"`
	// Skipped names the actions given up on (so a retry does not try them
	// again).
	Skipped []string `json:"skipped,omitempty"`
	// Version changes with every save and claim: a save of a copy read
	// before another one is refused (ErrChanged).
	Version uint64 `json:"version"`
}

// Step is what comes next for a night; the values are what the stores
// hold ("close", "end", …). Package nights says what each step does.
type Step string

// A night's steps: what comes next.
const (
	StepClose    Step = "close"    // the poll closes: a winner, the announcement, the event
	StepEnd      Step = "end"      // the screening ends: the rating prompt
	StepVerdict  Step = "verdict"  // a day later: the verdict
	StepDone     Step = "done"     // nothing left
	StepCanceled Step = "canceled" // a host canceled it
)

// HostID is the host's user id as Discord writes it.
func (n Night) HostID() string { return strconv.FormatUint(n.Host, 10) }

// Open reports whether the night has steps left.
func (n Night) Open() bool { return n.Step != StepDone && n.Step != StepCanceled }

// Film is a film in a catalog, with its credits.
type Film struct {
	ID               uint64    `json:"id"`
	Scope            Scope     `json:"scope"`
	Title            string    `json:"title"`
	Year             int       `json:"year"`
	Runtime          int       `json:"runtime,omitempty"` // minutes
	Country          string    `json:"country,omitempty"`
	Languages        []string  `json:"languages,omitempty"`
	Aliases          []string  `json:"aliases,omitempty"`
	Directors        []string  `json:"directors,omitempty"`
	Writers          []string  `json:"writers,omitempty"`
	Editors          []string  `json:"editors,omitempty"`
	Cinematographers []string  `json:"cinematographers,omitempty"`
	Producers        []string  `json:"producers,omitempty"`
	Premiere         string    `json:"premiere,omitempty"`
	Release          string    `json:"release,omitempty"`
	Awards           []string  `json:"awards,omitempty"`
	Cast             []Role    `json:"cast,omitempty"`
	Letterboxd       string    `json:"letterboxd,omitempty"` // the film's Letterboxd link
	CreatedBy        string    `json:"created_by,omitempty"`
	CreatedAt        time.Time `json:"created_at"`
	UpdatedAt        time.Time `json:"updated_at"`

	// What The Movie Database (TMDB) tells of a film it is the source of
	// (Catalog.SaveSourced; package films converts TMDB's answer); all
	// zero on a film a moderator typed. Country stays the one line shown
	// (for a sourced film, its Countries joined by ", "); Countries is
	// the list.
	TMDB          uint64   `json:"tmdb,omitempty"`     // TMDB's movie id: non-zero marks a sourced film
	IMDb          string   `json:"imdb,omitempty"`     // "tt…"
	Wikidata      string   `json:"wikidata,omitempty"` // "Q…"
	OriginalTitle string   `json:"original_title,omitempty"`
	Overview      string   `json:"overview,omitempty"`
	Genres        []string `json:"genres,omitempty"`
	Countries     []string `json:"countries,omitempty"` // production countries, by English name
	Composers     []string `json:"composers,omitempty"`
	Poster        string   `json:"poster,omitempty"` // TMDB's poster path ("/abc.jpg"), for tmdb.Configuration.PosterURL
	// Titles and Overviews are the film's title and overview in the
	// languages Discord has locales for (DiscordLocales), keyed by locale
	// ("ru", "pt-BR"), where TMDB has a translation that differs from
	// Title and Overview: stored once per film, shown by the member's
	// locale.
	Titles    map[string]string `json:"titles,omitempty"`
	Overviews map[string]string `json:"overviews,omitempty"`
	// FetchedAt is when TMDB was last asked for the film (SaveSourced
	// sets it): a film older than 30 days is refreshed when used, and
	// TMDB's data is not kept past 6 months unrefreshed.
	FetchedAt time.Time `json:"fetched_at,omitzero"`

	// Director is the first of Directors, in a header (Header) only: what
	// names a film with its director ("Dune (2021) — Denis Villeneuve")
	// without reading it whole. Set from Directors, never stored apart.
	Director string `json:"director,omitempty"`
}

// Sourced tells whether f comes from TMDB (its TMDB id is set).
func (f Film) Sourced() bool { return f.TMDB != 0 }

// LocalTitle is f's title in a Discord locale ("ru", "pt-BR"), or its
// Title where none is stored; a locale's language alone ("pt" for
// "pt-PT") is tried second.
func (f Film) LocalTitle(locale string) string { return localized(f.Titles, locale, f.Title) }

// LocalOverview is LocalTitle for the overview.
func (f Film) LocalOverview(locale string) string {
	return localized(f.Overviews, locale, f.Overview)
}

func localized(m map[string]string, locale, own string) string {
	if s, ok := m[locale]; ok && s != "" {
		return s
	}
	if lang, _, ok := strings.Cut(locale, "-"); ok {
		if s, ok := m[lang]; ok && s != "" {
			return s
		}
	}
	return own
}

// DiscordLocales are the locales Discord sends as an interaction's
// locale (Discord's API reference, "Locales"): the languages a sourced
// film's titles and overviews are stored in.
var DiscordLocales = []string{"id", "da", "de", "en-GB", "en-US", "es-ES", "es-419", "fr", "hr", "it", "lt", "hu",
	"nl", "no", "pl", "pt-BR", "ro", "fi", "sv-SE", "vi", "tr", "cs", "el", "bg", "ru", "uk", "hi", "th", "zh-CN",
	"ja", "zh-TW", "ko"}

// Unsourced is f with TMDB's data dropped, as a film must be once TMDB's
// data is older than its terms allow to keep (6 months) and TMDB cannot
// be asked again: the row stays (its reviews, ratings and watchlists
// name it) with its title, year, runtime, TMDB and IMDb ids, what a
// moderator or the seed wrote (awards, premiere, release, Letterboxd
// link) and FetchedAt, which the store moves on save; overview, credits,
// poster and translations go until a refresh brings them back.
func (f Film) Unsourced() Film {
	return Film{ID: f.ID, Scope: f.Scope, Title: f.Title, Year: f.Year, Runtime: f.Runtime, TMDB: f.TMDB, IMDb: f.IMDb,
		Awards: f.Awards, Premiere: f.Premiere, Release: f.Release, Letterboxd: f.Letterboxd,
		CreatedBy: f.CreatedBy, CreatedAt: f.CreatedAt, UpdatedAt: f.UpdatedAt, FetchedAt: f.FetchedAt}
}

// Resourced is f (TMDB's answer) saved over old, the film stored with
// the same TMDB id, as SaveSourced stores it: old's id, scope and
// creation kept, and what TMDB does not carry kept from old where f
// lacks it (awards, premiere, release, Letterboxd link, a cast member's
// note): the seed film's own words survive a refresh. Its aliases are
// TMDB's and then old's that TMDB does not give (each once, as search
// folds them, its title left out): an alias given by hand ("Ani") is
// not lost.
func (f Film) Resourced(old Film) Film {
	f.ID, f.Scope, f.CreatedAt, f.CreatedBy = old.ID, old.Scope, old.CreatedAt, old.CreatedBy
	f.Aliases = unionAliases(f.Title, f.Aliases, old.Aliases)
	if len(f.Awards) == 0 {
		f.Awards = old.Awards
	}
	if f.Premiere == "" {
		f.Premiere = old.Premiere
	}
	if f.Release == "" {
		f.Release = old.Release
	}
	if f.Letterboxd == "" {
		f.Letterboxd = old.Letterboxd
	}
	notes := map[string]string{}
	for _, r := range old.Cast {
		if r.Note != "" {
			notes[r.Actor] = r.Note
		}
	}
	if len(notes) > 0 {
		cast := make([]Role, len(f.Cast))
		for i, r := range f.Cast {
			if r.Note == "" {
				r.Note = notes[r.Actor]
			}
			cast[i] = r
		}
		f.Cast = cast
	}
	return f
}

// unionAliases is aliases, then those of more not among them, each once
// as search folds it, title left out.
func unionAliases(title string, aliases, more []string) []string {
	seen := map[string]bool{search.Fold(title): true}
	var out []string
	for _, a := range slices.Concat(aliases, more) {
		if k := search.Fold(a); k != "" && !seen[k] {
			seen[k] = true
			out = append(out, a)
		}
	}
	return out
}

// Header is f without its credits (directors, writers, editors,
// cinematographers, composers, producers, awards, languages, cast,
// premiere and release) and without TMDB's longer data (overviews,
// genres, countries, poster, original title, IMDb and Wikidata ids):
// what lists and answers that name a film need, small enough to read on
// every interaction. It keeps the TMDB id, FetchedAt and the localized
// titles (Titles), which autocomplete matches, and the first director
// (Director). HeaderOmits names the JSON fields it drops.
func (f Film) Header() Film {
	return Film{ID: f.ID, Scope: f.Scope, Title: f.Title, Year: f.Year, Runtime: f.Runtime, Country: f.Country,
		Aliases: f.Aliases, Letterboxd: f.Letterboxd, CreatedBy: f.CreatedBy, CreatedAt: f.CreatedAt, UpdatedAt: f.UpdatedAt,
		TMDB: f.TMDB, Titles: f.Titles, FetchedAt: f.FetchedAt, Director: f.FirstDirector()}
}

// FirstDirector is the first of f's directors (Director in a header).
func (f Film) FirstDirector() string {
	if len(f.Directors) > 0 && f.Directors[0] != "" {
		return f.Directors[0]
	}
	return f.Director
}

// HeaderOmits are the JSON fields of a Film that Header leaves out.
var HeaderOmits = []string{"languages", "directors", "writers", "editors", "cinematographers", "producers", "premiere", "release", "awards", "cast",
	"imdb", "wikidata", "original_title", "overview", "genres", "countries", "composers", "poster", "overviews"}

// Role is one actor's part in a film, with an optional note on the role.
type Role struct {
	Actor string `json:"actor"`
	Role  string `json:"role"`
	Note  string `json:"note,omitempty"`
}

// Review is one review of a film, split into excerpts (paragraphs).
type Review struct {
	ID     uint64 `json:"id"`
	FilmID uint64 `json:"film_id"`
	Scope  Scope  `json:"scope"`
	// Reviewer is the name shown; "" marks the built-in featured review,
	// whose author is not named.
	Reviewer  string `json:"reviewer,omitempty"`
	PullQuote string `json:"pull_quote,omitempty"`
	// Excerpts is the text; nil in a header (ReviewHeaders, Excerpt).
	Excerpts []Excerpt `json:"excerpts,omitempty"`
	// Paragraphs is how many excerpts the review has, set by the store
	// on every read, header or whole.
	Paragraphs int       `json:"paragraphs"`
	PostedBy   string    `json:"posted_by,omitempty"` // user id of the moderator
	PostedAt   time.Time `json:"posted_at"`
}

// FilmPage is what /film shows, read at once (Store.FilmPage).
type FilmPage struct {
	Film    Film      // the whole film, with its credits
	Reviews int       // how many of its reviews the scope sees
	Ratings Aggregate // its ratings in the scope (zero when unrated)
}

// ReviewPage is what /review shows, read at once (Store.ReviewPage).
type ReviewPage struct {
	// Film is the film's header (Film.Header).
	Film Film
	// Reviews are its reviews visible in the scope, as ReviewHeaders
	// lists them.
	Reviews []Review
	// Excerpts[k] is excerpt n of Reviews[k]; zero (no text) where that
	// review has fewer paragraphs, or where its paragraph could not be
	// read: Excerpt reads it alone and says why.
	Excerpts []Excerpt
}

// Excerpt is one paragraph of a review.
type Excerpt struct {
	Text    string `json:"text"`
	Spoiler bool   `json:"spoiler,omitempty"`
}

// Scores run from MinScore to MaxScore.
const (
	MinScore = 1
	MaxScore = 10
)

// Rating is one member's score of a film in one server.
type Rating struct {
	Scope Scope
	Film  uint64
	User  uint64
	Score int
	At    time.Time
}

// Aggregate is a film's ratings in one server, kept in the same
// transaction as every rating so it always agrees with them.
type Aggregate struct {
	Film  uint64
	Sum   int
	Count int
	Hist  [MaxScore]int // Hist[s-1] ratings of score s
}

// Average is the mean score, 0 when there are no ratings.
func (a Aggregate) Average() float64 {
	if a.Count == 0 {
		return 0
	}
	return float64(a.Sum) / float64(a.Count)
}

// Spread is the standard deviation of the scores: how much the raters
// disagree (0 when they all gave the same score).
func (a Aggregate) Spread() float64 {
	if a.Count == 0 {
		return 0
	}
	mean := a.Average()
	v := 0.0
	for k, n := range a.Hist {
		d := float64(k+1) - mean
		v += float64(n) * d * d
	}
	return math.Sqrt(v / float64(a.Count))
}

// Median is the middle score (the mean of the two middle ones for an even
// count), 0 when there are no ratings.
func (a Aggregate) Median() float64 {
	if a.Count == 0 {
		return 0
	}
	at := func(k int) int { // k-th smallest score, 0-based
		for s, n := range a.Hist {
			if k < n {
				return s + 1
			}
			k -= n
		}
		return MaxScore
	}
	if a.Count%2 == 1 {
		return float64(at(a.Count / 2))
	}
	return float64(at(a.Count/2-1)+at(a.Count/2)) / 2
}
