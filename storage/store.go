package storage

import (
	"context"
	"time"
)

// Store is a filmbot database: what commands reads and writes, as the
// roles below; a handler or job takes only the roles it uses. Every
// method is one transaction and takes a context, whose deadline bounds
// the work (an interaction has seconds, not minutes); a context already
// done is refused before anything is read or written. Implementations
// must pass storetest.Run, which pins what the comments here promise.
type Store interface {
	Catalog
	Reviews
	Ratings
	Watchlists
	Nights
	Pending
	ServerSettings
	Close() error
}

// Catalog is the films a scope sees: the built-in catalog and a server's own.
type Catalog interface {
	// Films lists the films visible in scope (the built-in catalog and
	// the server's own), ordered by title, then year, then id, as headers
	// (Film.Header): what lists, the catalog index and imports need.
	Films(ctx context.Context, scope Scope) ([]Film, error)
	// Film returns film id if it is visible in scope, or ErrNotFound.
	Film(ctx context.Context, scope Scope, id uint64) (Film, error)
	// FilmHeader is Film without the credits (Film.Header), read without
	// them: what answers that name a film need.
	FilmHeader(ctx context.Context, scope Scope, id uint64) (Film, error)
	// FilmHeaders reads the headers of the films ids in one read (one
	// transaction, one query): what a page of a list names. An id not
	// visible in scope is absent from the map, not an error.
	FilmHeaders(ctx context.Context, scope Scope, ids []uint64) (map[uint64]Film, error)
	// CreateFilm adds a film to a server's catalog, refusing (ErrExists,
	// with the film already there) one whose title has the same
	// TitleKey and year; ErrBuiltIn for scope BuiltIn.
	CreateFilm(ctx context.Context, scope Scope, f Film) (Film, error)
	// AddFilms adds films to a server's catalog in one transaction (a
	// list import), skipping each whose TitleKey and year match a film
	// visible in scope or one earlier in the list; it returns those added,
	// with their ids, in the order given. ErrBuiltIn for scope BuiltIn.
	AddFilms(ctx context.Context, scope Scope, fs []Film) ([]Film, error)
	// UpdateFilm replaces a server's film (same id), keeping its
	// creation; ErrExists, with that film, when the title or year
	// changes to those (TitleKey and year) of another film visible in
	// scope. An update that keeps the title and year is never refused so
	// (a film of the same title may have come to the shared catalog
	// since, from TMDB).
	UpdateFilm(ctx context.Context, scope Scope, f Film) (Film, error)
	// FilmUsage counts a film's reviews and ratings in scope.
	FilmUsage(ctx context.Context, scope Scope, film uint64) (reviews, ratings int, err error)
	// DeleteFilm removes a server's film with its reviews and ratings.
	DeleteFilm(ctx context.Context, scope Scope, film uint64) error
	// FilmPage reads what /film shows in one read: film whole, how many
	// reviews of it the scope sees and its ratings there (Aggregate);
	// ErrNotFound when the film is not visible in scope.
	FilmPage(ctx context.Context, scope Scope, film uint64) (FilmPage, error)
	// CatalogVersion changes whenever a film visible in scope is added,
	// changed or removed, by any write path (a film from TMDB saved again
	// with the same names, storage.SameNames, leaves it: its refreshes do
	// not stale every server's index): caches of the catalog keep the
	// version they were built at and are stale when it differs.
	CatalogVersion(ctx context.Context, scope Scope) (uint64, error)
	// SaveSourced stores a film from TMDB (f.TMDB and f.Title set, else
	// an error)
	// in the shared catalog (scope BuiltIn, which every server sees),
	// keyed by its TMDB id: a new film the first time, and after that the
	// same film (same ID, CreatedAt kept) with its fields replaced
	// (Film.Resourced: what TMDB does not carry is kept), UpdatedAt and
	// FetchedAt set to the store's now. There is one film per TMDB id,
	// even when several processes save it at once. It does not refuse a
	// film for its title (two TMDB films may share title and year). It
	// moves CatalogVersion when the film is new or its names changed.
	SaveSourced(ctx context.Context, f Film) (Film, error)
	// FilmByTMDB returns the shared catalog's film of TMDB id tmdbID,
	// whole, or ErrNotFound.
	FilmByTMDB(ctx context.Context, tmdbID uint64) (Film, error)
	// SourcedBefore lists the headers of the shared catalog's films from
	// TMDB fetched before t (never fetched first, then oldest), at most
	// limit of them: the films a refresh job asks TMDB about again.
	SourcedBefore(ctx context.Context, t time.Time, limit int) ([]Film, error)
	// ClaimFetch claims the fetch of TMDB film tmdbID for ttl, judged by
	// the store's clock, so that of several processes asking for a new
	// film at once one fetches it and the others wait for its row:
	// claimed is false while another claim of it is live.
	ClaimFetch(ctx context.Context, tmdbID uint64, ttl time.Duration) (claimed bool, err error)
}

// Reviews are the reviews of films, read whole, as headers or one
// paragraph at a time.
type Reviews interface {
	// Reviews lists the reviews of film visible in scope, newest first
	// (then highest id); ErrNotFound when the film is not visible.
	Reviews(ctx context.Context, scope Scope, film uint64) ([]Review, error)
	// Review returns review id if it is visible in scope, or ErrNotFound.
	Review(ctx context.Context, scope Scope, id uint64) (Review, error)
	// ReviewHeaders lists the reviews of film visible in scope as Reviews
	// does, without their text (Paragraphs says how long each is): what
	// /review needs to pick one, read without the paragraphs.
	ReviewHeaders(ctx context.Context, scope Scope, film uint64) ([]Review, error)
	// Excerpt returns review id's header and its paragraph n (1-based),
	// reading that paragraph alone; ErrNotFound for a review not visible,
	// ErrNoExcerpt for n out of range.
	Excerpt(ctx context.Context, scope Scope, id uint64, n int) (Review, Excerpt, error)
	// ReviewPage reads what /review shows in one read (one transaction,
	// one round trip): film's header, its reviews as ReviewHeaders lists
	// them, and excerpt n of each; ErrNotFound when the film is not
	// visible in scope.
	ReviewPage(ctx context.Context, scope Scope, film uint64, n int) (ReviewPage, error)
	// ExcerptPage reads what a click under a review's excerpt shows, in
	// one read (one transaction): review id's header, its film's header,
	// how many reviews of that film scope sees, and excerpt n of the
	// review, n being pick(the review's paragraphs): the excerpt a button
	// names, or one chosen at random once the count is known. ErrNotFound
	// when the review (or, with Review set, its film) is not visible;
	// ErrNoExcerpt, with Review set, when n is out of range.
	ExcerptPage(ctx context.Context, scope Scope, review uint64, pick func(paragraphs int) int) (ExcerptPage, error)
	// AddReview stores a new review of a film visible in scope; the same
	// review (reviewer and text) twice is ErrExists with the stored one.
	AddReview(ctx context.Context, scope Scope, r Review) (Review, error)
	// UpdateReview replaces the text, reviewer and pull quote of a review
	// scope owns.
	UpdateReview(ctx context.Context, scope Scope, r Review) (Review, error)
	// DeleteReview removes a review scope owns; its film's ratings stay.
	DeleteReview(ctx context.Context, scope Scope, id uint64) (Review, error)
}

// Ratings are members' scores of films in a server and their
// aggregates.
type Ratings interface {
	// Rate saves or replaces user's score of film in scope and, in the
	// same transaction, takes the film off user's watchlist there (rated
	// is watched). It returns, once that is durable, the film's new
	// aggregate, the previous score and whether the film left the
	// watchlist. A refused rating (ErrNotFound, ErrScore) changes
	// nothing, the watchlist included.
	Rate(ctx context.Context, scope Scope, film, user uint64, score int) (Rated, error)
	// Unrate removes user's rating, returning the aggregate and the score removed.
	Unrate(ctx context.Context, scope Scope, film, user uint64) (Aggregate, int, error)
	// UserRating returns user's rating of film in scope, or ErrNotFound.
	UserRating(ctx context.Context, scope Scope, film, user uint64) (Rating, error)
	// Aggregate returns film's ratings summary in scope (zero when unrated).
	Aggregate(ctx context.Context, scope Scope, film uint64) (Aggregate, error)
	// FilmRatings lists film's ratings in scope, highest score first, then oldest.
	FilmRatings(ctx context.Context, scope Scope, film uint64) ([]Rating, error)
	// UserRatings lists user's ratings in scope, newest first.
	UserRatings(ctx context.Context, scope Scope, user uint64) ([]Rating, error)
	// Top returns scope's aggregates with at least minCount ratings, best
	// average first, then more ratings, then lower film id.
	Top(ctx context.Context, scope Scope, minCount int) ([]Aggregate, error)
	// ImportRatings sets user's ratings in scope from rs (Film, Score,
	// At; Scope and User are ignored) in one transaction: every film must
	// be visible in scope (ErrNotFound, nothing written, otherwise), a
	// rating equal to the stored score is left as it is, and aggregates
	// move as Rate moves them. Each film of rs leaves user's watchlist in
	// the same transaction, as with Rate (Imported.Unwatched counts those
	// that were on it).
	ImportRatings(ctx context.Context, scope Scope, user uint64, rs []Rating) (Imported, error)
	// RatingsSince is what a model of scope's ratings (recommendations)
	// needs to stay current without reading them all again: scope's
	// ratings version, which every write of a rating there moves on (Rate,
	// Unrate, ImportRatings, DeleteFilm, Load; by any process sharing the
	// store), and the ratings written since version since, in the order
	// written (Score 0: the rating was removed; At unset). When since is
	// 0, is not a version of this store, or is older than the changes it
	// keeps (at least RatingLogKept versions), the answer is Full: every
	// rating in scope instead. since equal to the version is no change.
	// The version and the ratings are read in one snapshot.
	RatingsSince(ctx context.Context, scope Scope, since uint64) (RatingChanges, error)
}

// RatingLogKept is how many versions of a server's ratings a store keeps
// the changes of, at least (RatingsSince).
const RatingLogKept = 4096

// RatingChanges is what RatingsSince read.
type RatingChanges struct {
	Version uint64   // the scope's ratings version they bring a model to
	Full    bool     // Ratings is every rating in scope, not changes
	Ratings []Rating // Scope, Film, User, Score (0: removed); At unset
}

// Watchlists are the films members of a server mean to watch.
type Watchlists interface {
	// WatchlistAdd puts a film visible in scope on user's watchlist there
	// (ErrNotFound otherwise); added is false when it was already on it.
	// A film user has rated in scope is refused (ErrRated), judged in the
	// same transaction: a watchlist is for films yet to be seen, and a
	// rating takes the film off it (Rate).
	WatchlistAdd(ctx context.Context, scope Scope, user, film uint64) (added bool, err error)
	// WatchlistRemove takes a film off user's watchlist; removed is false
	// when it was not on it.
	WatchlistRemove(ctx context.Context, scope Scope, user, film uint64) (removed bool, err error)
	// OnWatchlist tells whether film is on user's watchlist in scope.
	OnWatchlist(ctx context.Context, scope Scope, user, film uint64) (bool, error)
	// Watchlist lists user's watchlist in scope, newest first (then
	// highest film id).
	Watchlist(ctx context.Context, scope Scope, user uint64) ([]Watched, error)
	// MostWanted lists the films on scope's watchlists with how many
	// members list each, most first (then lowest film id).
	MostWanted(ctx context.Context, scope Scope) ([]Wanted, error)
	// NotInterested marks film as one user does not want offered again in
	// scope (a recommendation's "not interested"); added is false when it
	// was marked already. The film must be visible in scope (ErrNotFound).
	NotInterested(ctx context.Context, scope Scope, user, film uint64) (added bool, err error)
	// NotInterestedFilms lists the films user marked so in scope, lowest
	// id first.
	NotInterestedFilms(ctx context.Context, scope Scope, user uint64) ([]uint64, error)
}

// Nights are a server's movie nights and the leases that let exactly
// one process run each step.
type Nights interface {
	// CreateNight stores a new movie night (its ID and CreatedAt set);
	// ErrExists, with the open one, while scope has a night not yet done
	// or canceled.
	CreateNight(ctx context.Context, n Night) (Night, error)
	// Nights lists scope's movie nights, newest first.
	Nights(ctx context.Context, scope Scope) ([]Night, error)
	// ClaimDueNights returns the open nights whose next step is due at
	// now (NextAt not after it), leasing each to owner for lease and
	// moving its Version on. Leases are judged by the store's clock, never
	// by now or the caller's: a night leased to another owner is not
	// returned until its lease ends by the store's clock, so that of
	// several processes, whatever their clocks, exactly one runs a step.
	ClaimDueNights(ctx context.Context, now time.Time, owner string, lease time.Duration) ([]Night, error)
	// RenewNight extends owner's lease of n to lease from now by the
	// store's clock, and is the fence a step passes before each Discord
	// action: ErrLeased when owner no longer holds it (another claimed it,
	// or it was saved since: n.Version is not the stored one).
	RenewNight(ctx context.Context, n Night, owner string, lease time.Duration) error
	// SaveNight stores n (what a step did, its next step) if n.Version is
	// the stored one, and returns it with its new Version; with release it
	// ends owner's lease. ErrNotFound for a night not stored; ErrLeased
	// when another owner holds its lease (owner "" is no process: a
	// host's command); ErrChanged when it was saved or claimed since n
	// was read.
	SaveNight(ctx context.Context, n Night, owner string, release bool) (Night, error)
}

// Pending keeps steps a member has yet to confirm.
type Pending interface {
	// PutPending keeps data for user in scope for ttl (a step a member has
	// yet to confirm, such as an import's preview) and returns its id. A
	// member has at most one pending step per server: PutPending replaces
	// the one before, whose id is then gone. It also removes every expired
	// step, of all members. Expiry is judged by the store's clock (the
	// database's, for a database that several processes share).
	PutPending(ctx context.Context, scope Scope, user uint64, data []byte, ttl time.Duration) (uint64, error)
	// Pending returns user's pending step id and leaves it in place (an
	// import reads it, and takes it only once it has committed), or
	// ErrNotFound when it is gone, expired or another member's.
	Pending(ctx context.Context, scope Scope, user, id uint64) ([]byte, error)
	// TakePending returns and removes user's pending step id, or
	// ErrNotFound when it is gone, expired or another member's.
	TakePending(ctx context.Context, scope Scope, user, id uint64) ([]byte, error)
	// SweepPending removes every expired pending step and says how many
	// it removed.
	SweepPending(ctx context.Context) (int, error)
}

// ServerSettings are each server's settings.
type ServerSettings interface {
	// Settings returns scope's settings (zero when never set).
	Settings(ctx context.Context, scope Scope) (Settings, error)
	// UpdateSettings changes scope's settings with fn in one transaction.
	UpdateSettings(ctx context.Context, scope Scope, fn func(*Settings)) (Settings, error)
}

// Record is one item of a whole database, as `filmbot copy` moves it
// from one store to another with its ids.
type Record struct {
	Film     *Film
	Review   *Review
	Rating   *Rating
	Settings *ScopedSettings
	Watch    *WatchEntry // a film on a member's watchlist
	Night    *Night      // a movie night (its lease is not copied)
	// NotInterested is a film a member marked not interested
	// (Watchlists.NotInterested).
	NotInterested *Mark
}

// Mark is one member's mark of one film in one server.
type Mark struct {
	Scope      Scope
	User, Film uint64
}

// WatchEntry is one film on one member's watchlist in one server.
type WatchEntry struct {
	Scope Scope
	User  uint64
	Watched
}

// ScopedSettings are one server's settings.
type ScopedSettings struct {
	Scope    Scope
	Settings Settings
}

// Watched is a film on a member's watchlist, and since when.
type Watched struct {
	Film uint64
	At   time.Time
}

// Wanted is a film on a server's watchlists and how many members list it.
type Wanted struct {
	Film  uint64
	Count int
}

// Imported counts what ImportRatings did.
type Imported struct {
	Added, Updated, Unchanged int
	Unwatched                 int // films it took off the member's watchlist
}

// ExcerptPage is what a click under a review's excerpt shows.
type ExcerptPage struct {
	Film    Film    // the review's film, its header (Film.Header)
	Review  Review  // the review's header: Paragraphs counts its excerpts
	Reviews int     // the reviews of Film the scope sees, this one among them
	N       int     // which excerpt, 1-based
	Excerpt Excerpt // excerpt N
}

// Rated is what Rate did.
type Rated struct {
	Aggregate Aggregate // the film's ratings after it
	Previous  int       // the score it replaced; 0 for none
	Unwatched bool      // the film was on the member's watchlist and left it
}

// Counts are what a database holds, to check a copy.
type Counts struct {
	Films, Reviews, Settings int
	Ratings                  map[Scope]int // per server
	Watchlists, Nights       int           // watchlist entries, movie nights
	NotInterested            int           // "not interested" marks
}

// Copier is a Store that can be copied whole: every record out, or into
// an empty store with their ids kept (aggregates recomputed from the
// ratings).
type Copier interface {
	// Each calls fn with every record: films first, then reviews,
	// ratings and settings.
	Each(ctx context.Context, fn func(Record) error) error
	// Empty tells whether the store holds nothing at all.
	Empty(ctx context.Context) (bool, error)
	// Load adds records keeping their ids; the store must be empty.
	Load(ctx context.Context, recs []Record) error
	// Counts counts what the store holds.
	Counts(ctx context.Context) (Counts, error)
}
