package source

import (
	"context"
	"errors"
	"fmt"

	"github.com/filmbot/filmbot/storage"
	"github.com/filmbot/filmbot/tmdb"
)

// The few cases a command words, checked with errors.Is. A film TMDB does
// not have is storage.ErrNotFound; the store's own errors pass as they
// are.
var (
	// ErrNotAnswering: TMDB refused the token, failed, timed out, sent
	// something unreadable, or the breaker is open after repeated
	// failures. Nothing was stored.
	ErrNotAnswering = &storage.Error{Code: storage.CodeSourceDown, Msg: "TMDB is not answering: showing this server's catalog only."}
	// ErrBusy: TMDB asked us to slow down (429), or too many lookups wait
	// for their turn here. Trying again in a moment may work.
	ErrBusy = &storage.Error{Code: storage.CodeSourceBusy, Msg: "TMDB is busy right now: try again in a moment."}
	// ErrAmbiguous: more than one film of that title in that year
	// (LookupUnique), returned with the candidates.
	ErrAmbiguous = &storage.Error{Code: storage.CodeAmbiguous, Msg: "More than one film has that title and year on TMDB."}
	// ErrOff: films from TMDB are off (no TMDB_TOKEN or TMDB_API_KEY):
	// what a nil *Resolver answers.
	ErrOff = &storage.Error{Code: storage.CodeSourceOff, Msg: "Looking films up on TMDB is off here: only this server's catalog is searched."}
	// ErrBadRef: what a moderator typed is no TMDB id, TMDB link or IMDb
	// id (ParseRef).
	ErrBadRef = storage.Invalid("That is not a TMDB id (603), a themoviedb.org/movie link or an IMDb id (tt0133093).")
)

// classify maps an error of package tmdb to this package's cases,
// keeping the cause for logs: ErrNotFound for a film TMDB does not have,
// ErrBusy, or ErrNotAnswering. A done caller's context stays itself.
func classify(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, tmdb.ErrNotFound):
		return fmt.Errorf("%w on TMDB: %w", storage.ErrNotFound, err)
	case errors.Is(err, tmdb.ErrRateLimited), errors.Is(err, tmdb.ErrBusy):
		return fmt.Errorf("%w: %w", ErrBusy, err)
	case errors.Is(err, context.Canceled):
		return err
	}
	// 401/403, 5xx, timeouts, the breaker, a bad body: TMDB is not
	// answering as it should.
	return fmt.Errorf("%w: %w", ErrNotAnswering, err)
}
