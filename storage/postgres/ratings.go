package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/filmbot/filmbot/storage"
)

// aggregateSQL computes a film's aggregate in one scope from the ratings,
// by the primary key's index: no second copy to keep in step.
const aggregateSQL = "SELECT score, count(*) FROM ratings WHERE scope = $1 AND film_id = $2 GROUP BY score"

func aggregate(ctx context.Context, q interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}, scope storage.Scope, film uint64) (storage.Aggregate, error) {
	a := storage.Aggregate{Film: film}
	rows, err := q.Query(ctx, aggregateSQL, int64(scope), int64(film))
	if err != nil {
		return a, err
	}
	defer rows.Close()
	for rows.Next() {
		var score int16
		var n int64
		if err := rows.Scan(&score, &n); err != nil {
			return a, err
		}
		if score < storage.MinScore || score > storage.MaxScore {
			return a, fmt.Errorf("%w: a rating of %d", storage.ErrDamaged, score)
		}
		a.Hist[score-1] += int(n)
		a.Count += int(n)
		a.Sum += int(score) * int(n)
	}
	return a, rows.Err()
}

// rateSQL saves a rating of a film visible in the scope and returns
// whether it was saved and the score it replaced. The film check and the
// write are one statement; its commit makes the rating durable
// (synchronous_commit is left as the server has it).
const rateSQL = `WITH old AS (
	SELECT score FROM ratings WHERE scope = $1 AND film_id = $2 AND user_id = $3
), saved AS (
	INSERT INTO ratings (scope, film_id, user_id, score, rated_at)
	SELECT $1, $2, $3, $4, $5 WHERE EXISTS (SELECT 1 FROM films WHERE id = $2 AND scope IN (0, $1))
	ON CONFLICT (scope, film_id, user_id) DO UPDATE SET score = EXCLUDED.score, rated_at = EXCLUDED.rated_at
	RETURNING 1
)
SELECT (SELECT count(*) FROM saved), coalesce((SELECT score FROM old), 0)`

// Rate saves or replaces user's score of film in scope. The answer comes
// after the commit, with the aggregate read after it.
func (db *DB) Rate(ctx context.Context, scope storage.Scope, film, user uint64, score int) (storage.Aggregate, int, error) {
	if score < storage.MinScore || score > storage.MaxScore {
		return storage.Aggregate{}, 0, fmt.Errorf("%w: %d", storage.ErrScore, score)
	}
	if scope == storage.BuiltIn {
		return storage.Aggregate{}, 0, errors.New("ratings belong to a server")
	}
	ctx, cancel := db.q(ctx)
	defer cancel()
	var saved int64
	var old int16
	if err := db.pool.QueryRow(ctx, rateSQL, int64(scope), int64(film), int64(user), score, db.now()).Scan(&saved, &old); err != nil {
		return storage.Aggregate{}, 0, wrap(err)
	}
	if saved == 0 {
		return storage.Aggregate{}, 0, fmt.Errorf("film %d: %w", film, storage.ErrNotFound)
	}
	a, err := aggregate(ctx, db.pool, scope, film)
	return a, int(old), wrap(err)
}

// Unrate removes user's rating of film in scope.
func (db *DB) Unrate(ctx context.Context, scope storage.Scope, film, user uint64) (storage.Aggregate, int, error) {
	ctx, cancel := db.q(ctx)
	defer cancel()
	if _, err := getFilm(ctx, db.pool, scope, film); err != nil {
		return storage.Aggregate{}, 0, err
	}
	var old int16
	err := db.pool.QueryRow(ctx, "DELETE FROM ratings WHERE scope = $1 AND film_id = $2 AND user_id = $3 RETURNING score", int64(scope), int64(film), int64(user)).Scan(&old)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return storage.Aggregate{}, 0, wrap(err)
	}
	a, err := aggregate(ctx, db.pool, scope, film)
	return a, int(old), wrap(err)
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
	a, err := aggregate(ctx, db.pool, scope, film)
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
	rows, err := db.pool.Query(ctx, "SELECT film_id, score, count(*) FROM ratings WHERE scope = $1 GROUP BY film_id, score", int64(scope))
	if err != nil {
		return nil, wrap(err)
	}
	defer rows.Close()
	by := map[uint64]*storage.Aggregate{}
	for rows.Next() {
		var film, n int64
		var score int16
		if err := rows.Scan(&film, &score, &n); err != nil {
			return nil, wrap(err)
		}
		a := by[uint64(film)]
		if a == nil {
			a = &storage.Aggregate{Film: uint64(film)}
			by[uint64(film)] = a
		}
		if score >= storage.MinScore && score <= storage.MaxScore {
			a.Hist[score-1] += int(n)
			a.Count += int(n)
			a.Sum += int(score) * int(n)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, wrap(err)
	}
	var out []storage.Aggregate
	for _, a := range by {
		if a.Count >= max(minCount, 1) {
			out = append(out, *a)
		}
	}
	storage.SortTop(out)
	return out, nil
}
