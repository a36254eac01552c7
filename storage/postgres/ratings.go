package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/filmbot/filmbot/storage"
)

// stripes is how many rows a film's aggregate is split over (migration 2).
const stripes = 16

const histCols = "h1, h2, h3, h4, h5, h6, h7, h8, h9, h10"

// aggregateSQL sums a film's stripes in one scope.
// histSums sums a film's aggregate stripes, score by score.
const histSums = `coalesce(sum(h1), 0), coalesce(sum(h2), 0), coalesce(sum(h3), 0), coalesce(sum(h4), 0), coalesce(sum(h5), 0),
	coalesce(sum(h6), 0), coalesce(sum(h7), 0), coalesce(sum(h8), 0), coalesce(sum(h9), 0), coalesce(sum(h10), 0)`

const aggregateSQL = `SELECT ` + histSums + ` FROM aggregates WHERE scope = $1 AND film_id = $2`

func scanHist(film uint64, row pgx.Row) (storage.Aggregate, error) {
	var h [storage.MaxScore]int64
	if err := row.Scan(histDest(&h)...); err != nil {
		return storage.Aggregate{Film: film}, err
	}
	return histAggregate(film, &h)
}

// histDest are scan destinations for histSums' columns.
func histDest(h *[storage.MaxScore]int64) []any {
	dest := make([]any, len(h))
	for k := range h {
		dest[k] = &h[k]
	}
	return dest
}

// histAggregate is the Aggregate of histSums' columns.
func histAggregate(film uint64, h *[storage.MaxScore]int64) (storage.Aggregate, error) {
	a := storage.Aggregate{Film: film}
	for k, n := range h {
		if n < 0 {
			return a, fmt.Errorf("%w: aggregate of film %d counts %d ratings of %d", storage.ErrDamaged, film, n, k+1)
		}
		a.Hist[k] = int(n)
		a.Count += int(n)
		a.Sum += (k + 1) * int(n)
	}
	return a, nil
}

// addCols adds an aggregate row's EXCLUDED counts to the stored ones.
var addCols = func() string {
	var a []string
	for k := 1; k <= storage.MaxScore; k++ {
		a = append(a, fmt.Sprintf("h%d = aggregates.h%d + EXCLUDED.h%d", k, k, k))
	}
	return strings.Join(a, ", ")
}()

// writeRating writes one rating with the next group (rater.go) and
// returns the film's aggregate after the commit, the score replaced and
// whether the film left the member's watchlist (a score takes it off).
func (db *DB) writeRating(ctx context.Context, scope storage.Scope, film, user uint64, score int) (storage.Rated, error) {
	res := db.rater.write(&rateReq{ctx: ctx, scope: scope, film: film, user: user, score: score, at: db.now()})
	if res.err != nil {
		return storage.Rated{}, res.err
	}
	return storage.Rated{Aggregate: res.agg, Previous: res.old, Unwatched: res.unwatched}, nil
}

// Rate saves or replaces user's score of film in scope and takes the film
// off user's watchlist, in one transaction.
func (db *DB) Rate(ctx context.Context, scope storage.Scope, film, user uint64, score int) (storage.Rated, error) {
	if score < storage.MinScore || score > storage.MaxScore {
		return storage.Rated{}, fmt.Errorf("%w: %d", storage.ErrScore, score)
	}
	if scope == storage.BuiltIn {
		return storage.Rated{}, errors.New("ratings belong to a server")
	}
	return db.writeRating(ctx, scope, film, user, score)
}

// Unrate removes user's rating of film in scope.
func (db *DB) Unrate(ctx context.Context, scope storage.Scope, film, user uint64) (storage.Aggregate, int, error) {
	r, err := db.writeRating(ctx, scope, film, user, 0)
	return r.Aggregate, r.Previous, err
}

// UserRating returns user's rating of film in scope.
func (db *DB) UserRating(ctx context.Context, scope storage.Scope, film, user uint64) (storage.Rating, error) {
	ctx, cancel := db.q(ctx)
	defer cancel()
	r := storage.Rating{Scope: scope, Film: film, User: user}
	var score int16
	err := db.pool.QueryRow(ctx, "SELECT score, rated_at FROM ratings WHERE scope = $1 AND film_id = $2 AND user_id = $3", int64(scope), int64(film), int64(user)).Scan(&score, &r.At)
	if errors.Is(err, pgx.ErrNoRows) {
		return r, fmt.Errorf("rating: %w", storage.ErrNotFound)
	}
	r.Score, r.At = int(score), r.At.UTC()
	return r, wrap(err)
}

// Aggregate returns film's ratings summary in scope.
func (db *DB) Aggregate(ctx context.Context, scope storage.Scope, film uint64) (storage.Aggregate, error) {
	ctx, cancel := db.q(ctx)
	defer cancel()
	a, err := scanHist(film, db.pool.QueryRow(ctx, aggregateSQL, int64(scope), int64(film)))
	return a, wrap(err)
}

func (db *DB) ratings(ctx context.Context, sql string, args ...any) ([]storage.Rating, error) {
	ctx, cancel := db.q(ctx)
	defer cancel()
	rows, err := db.pool.Query(ctx, sql, args...)
	if err != nil {
		return nil, wrap(err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (storage.Rating, error) {
		var r storage.Rating
		var scope, film, user int64
		var score int16
		err := row.Scan(&scope, &film, &user, &score, &r.At)
		r.Scope, r.Film, r.User, r.Score, r.At = storage.Scope(scope), uint64(film), uint64(user), int(score), r.At.UTC()
		return r, err
	})
	return out, wrap(err)
}

// FilmRatings lists film's ratings in scope, highest first, then oldest.
func (db *DB) FilmRatings(ctx context.Context, scope storage.Scope, film uint64) ([]storage.Rating, error) {
	out, err := db.ratings(ctx, "SELECT scope, film_id, user_id, score, rated_at FROM ratings WHERE scope = $1 AND film_id = $2", int64(scope), int64(film))
	storage.SortFilmRatings(out)
	return out, err
}

// UserRatings lists user's ratings in scope, newest first.
func (db *DB) UserRatings(ctx context.Context, scope storage.Scope, user uint64) ([]storage.Rating, error) {
	out, err := db.ratings(ctx, "SELECT scope, film_id, user_id, score, rated_at FROM ratings WHERE scope = $1 AND user_id = $2", int64(scope), int64(user))
	storage.SortUserRatings(out)
	return out, err
}

// Top returns scope's films with at least minCount ratings, best first.
func (db *DB) Top(ctx context.Context, scope storage.Scope, minCount int) ([]storage.Aggregate, error) {
	ctx, cancel := db.q(ctx)
	defer cancel()
	rows, err := db.pool.Query(ctx, `SELECT film_id, sum(h1), sum(h2), sum(h3), sum(h4), sum(h5), sum(h6), sum(h7), sum(h8), sum(h9), sum(h10)
		FROM aggregates WHERE scope = $1 GROUP BY film_id`, int64(scope))
	if err != nil {
		return nil, wrap(err)
	}
	defer rows.Close()
	var out []storage.Aggregate
	for rows.Next() {
		var film int64
		var h [storage.MaxScore]int64
		dest := []any{&film}
		for k := range h {
			dest = append(dest, &h[k])
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, wrap(err)
		}
		a := storage.Aggregate{Film: uint64(film)}
		for k, n := range h {
			a.Hist[k] = int(n)
			a.Count += int(n)
			a.Sum += (k + 1) * int(n)
		}
		if a.Count >= max(minCount, 1) {
			out = append(out, a)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, wrap(err)
	}
	storage.SortTop(out)
	return out, nil
}
