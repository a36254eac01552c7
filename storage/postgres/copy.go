package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/filmbot/filmbot/storage"
)

// Each calls fn with every record, in one repeatable-read transaction so
// that the copy is consistent while the bot keeps writing.
func (db *DB) Each(ctx context.Context, fn func(storage.Record) error) error {
	return wrap(pgx.BeginTxFunc(ctx, db.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, "SELECT record FROM films ORDER BY id")
		if err != nil {
			return err
		}
		films, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (storage.Film, error) { return scanFilm(r) })
		if err != nil {
			return err
		}
		for k := range films {
			if err := fn(storage.Record{Film: &films[k]}); err != nil {
				return err
			}
		}
		rows, err = tx.Query(ctx, "SELECT record FROM reviews ORDER BY id")
		if err != nil {
			return err
		}
		reviews, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (storage.Review, error) { return scanReview(r) })
		if err != nil {
			return err
		}
		if err := withText(ctx, tx, reviews); err != nil {
			return err
		}
		for k := range reviews {
			if err := fn(storage.Record{Review: &reviews[k]}); err != nil {
				return err
			}
		}
		// Ratings are many: streamed, not collected.
		rows, err = tx.Query(ctx, "SELECT scope, film_id, user_id, score, rated_at FROM ratings ORDER BY scope, film_id, user_id")
		if err != nil {
			return err
		}
		for rows.Next() {
			var r storage.Rating
			var scope, film, user int64
			var score int16
			if err := rows.Scan(&scope, &film, &user, &score, &r.At); err != nil {
				rows.Close()
				return err
			}
			r.Scope, r.Film, r.User, r.Score, r.At = storage.Scope(scope), uint64(film), uint64(user), int(score), r.At.UTC()
			if err := fn(storage.Record{Rating: &r}); err != nil {
				rows.Close()
				return err
			}
		}
		if err := rows.Err(); err != nil {
			return err
		}
		rows, err = tx.Query(ctx, "SELECT scope, record FROM settings ORDER BY scope")
		if err != nil {
			return err
		}
		sets, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (storage.ScopedSettings, error) {
			var s storage.ScopedSettings
			var scope int64
			var raw []byte
			if err := r.Scan(&scope, &raw); err != nil {
				return s, err
			}
			s.Scope = storage.Scope(scope)
			return s, json.Unmarshal(raw, &s.Settings)
		})
		if err != nil {
			return err
		}
		for k := range sets {
			if err := fn(storage.Record{Settings: &sets[k]}); err != nil {
				return err
			}
		}
		rows, err = tx.Query(ctx, "SELECT scope, user_id, film_id, added_at FROM watchlist ORDER BY scope, user_id, film_id")
		if err != nil {
			return err
		}
		watches, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (storage.WatchEntry, error) {
			var w storage.WatchEntry
			var scope, user, film int64
			err := r.Scan(&scope, &user, &film, &w.At)
			w.Scope, w.User, w.Film, w.At = storage.Scope(scope), uint64(user), uint64(film), w.At.UTC()
			return w, err
		})
		if err != nil {
			return err
		}
		for k := range watches {
			if err := fn(storage.Record{Watch: &watches[k]}); err != nil {
				return err
			}
		}
		rows, err = tx.Query(ctx, "SELECT scope, user_id, film_id FROM not_interested ORDER BY scope, user_id, film_id")
		if err != nil {
			return err
		}
		marks, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (storage.Mark, error) {
			var scope, user, film int64
			err := r.Scan(&scope, &user, &film)
			return storage.Mark{Scope: storage.Scope(scope), User: uint64(user), Film: uint64(film)}, err
		})
		if err != nil {
			return err
		}
		for k := range marks {
			if err := fn(storage.Record{NotInterested: &marks[k]}); err != nil {
				return err
			}
		}
		rows, err = tx.Query(ctx, "SELECT record FROM nights ORDER BY id")
		if err != nil {
			return err
		}
		nights, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (storage.Night, error) { return scanNight(r) })
		if err != nil {
			return err
		}
		for k := range nights {
			if err := fn(storage.Record{Night: &nights[k]}); err != nil {
				return err
			}
		}
		return nil
	}))
}

// Empty tells whether the database holds no films, reviews, ratings or settings.
func (db *DB) Empty(ctx context.Context) (bool, error) {
	var any bool
	err := db.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM films) OR EXISTS (SELECT 1 FROM reviews)
		OR EXISTS (SELECT 1 FROM ratings) OR EXISTS (SELECT 1 FROM settings)`).Scan(&any)
	return !any, wrap(err)
}

// Load writes records with their ids in one transaction, ratings with
// COPY (fast for millions), and moves the sequences past the ids loaded.
func (db *DB) Load(ctx context.Context, recs []storage.Record) error {
	return wrap(pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		var ratings [][]any
		for _, r := range recs {
			switch {
			case r.Film != nil:
				if err := putFilm(ctx, tx, *r.Film); err != nil {
					return err
				}
				if err := bumpCatalog(ctx, tx, r.Film.Scope); err != nil {
					return err
				}
			case r.Review != nil:
				if err := putReview(ctx, tx, *r.Review); err != nil {
					return err
				}
			case r.Rating != nil:
				x := r.Rating
				ratings = append(ratings, []any{int64(x.Scope), int64(x.Film), int64(x.User), int16(x.Score), x.At})
			case r.Settings != nil:
				raw, err := json.Marshal(r.Settings.Settings)
				if err != nil {
					return err
				}
				if _, err := tx.Exec(ctx, "INSERT INTO settings (scope, record) VALUES ($1, $2) ON CONFLICT (scope) DO UPDATE SET record = EXCLUDED.record", int64(r.Settings.Scope), raw); err != nil {
					return err
				}
			case r.Watch != nil:
				w := r.Watch
				if _, err := tx.Exec(ctx, "INSERT INTO watchlist (scope, user_id, film_id, added_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
					int64(w.Scope), int64(w.User), int64(w.Film), w.At); err != nil {
					return err
				}
			case r.NotInterested != nil:
				m := r.NotInterested
				if _, err := tx.Exec(ctx, "INSERT INTO not_interested (scope, user_id, film_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
					int64(m.Scope), int64(m.User), int64(m.Film)); err != nil {
					return err
				}
			case r.Night != nil:
				n := r.Night
				raw, err := json.Marshal(n)
				if err != nil {
					return err
				}
				if _, err := tx.Exec(ctx, "INSERT INTO nights (id, scope, open, next_at, record) VALUES ($1, $2, $3, $4, $5)",
					int64(n.ID), int64(n.Scope), n.Open(), n.NextAt, raw); err != nil {
					return err
				}
			}
		}
		if len(ratings) > 0 {
			if _, err := tx.CopyFrom(ctx, pgx.Identifier{"ratings"}, []string{"scope", "film_id", "user_id", "score", "rated_at"}, pgx.CopyFromRows(ratings)); err != nil {
				return err
			}
			// The aggregates of the ratings just loaded, stripe by stripe.
			type stripeKey struct {
				scope, film int64
				stripe      int16
			}
			hist := map[stripeKey]*[storage.MaxScore]int64{}
			for _, r := range ratings {
				k := stripeKey{r[0].(int64), r[1].(int64), int16(uint64(r[2].(int64)) % stripes)}
				if hist[k] == nil {
					hist[k] = new([storage.MaxScore]int64)
				}
				hist[k][r[3].(int16)-1]++
			}
			for k, h := range hist {
				args := []any{k.scope, k.film, k.stripe}
				for _, n := range h {
					args = append(args, n)
				}
				if _, err := tx.Exec(ctx, `INSERT INTO aggregates (scope, film_id, stripe, `+histCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
					ON CONFLICT (scope, film_id, stripe) DO UPDATE SET `+addCols, args...); err != nil {
					return err
				}
			}
		}
		for _, q := range []string{
			"SELECT setval('film_ids', greatest((SELECT coalesce(max(id), 0) FROM films), 1), (SELECT count(*) > 0 FROM films))",
			"SELECT setval('review_ids', greatest((SELECT coalesce(max(id), 0) FROM reviews), 1), (SELECT count(*) > 0 FROM reviews))",
			"SELECT setval('nights_id_seq', greatest((SELECT coalesce(max(id), 0) FROM nights), 1), (SELECT count(*) > 0 FROM nights))",
		} {
			if _, err := tx.Exec(ctx, q); err != nil {
				return err
			}
		}
		_, err := tx.Exec(ctx, "INSERT INTO meta (key, value) VALUES ('seeded', $1) ON CONFLICT (key) DO NOTHING", time.Now().UTC().Format(time.RFC3339))
		return err
	}))
}

// Counts counts the database's records.
func (db *DB) Counts(ctx context.Context) (storage.Counts, error) {
	c := storage.Counts{Ratings: map[storage.Scope]int{}}
	err := db.pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM films), (SELECT count(*) FROM reviews), (SELECT count(*) FROM settings),
		(SELECT count(*) FROM watchlist), (SELECT count(*) FROM nights), (SELECT count(*) FROM not_interested)`).Scan(&c.Films, &c.Reviews, &c.Settings, &c.Watchlists, &c.Nights, &c.NotInterested)
	if err != nil {
		return c, wrap(err)
	}
	rows, err := db.pool.Query(ctx, "SELECT scope, count(*) FROM ratings GROUP BY scope")
	if err != nil {
		return c, wrap(err)
	}
	defer rows.Close()
	for rows.Next() {
		var scope, n int64
		if err := rows.Scan(&scope, &n); err != nil {
			return c, wrap(err)
		}
		c.Ratings[storage.Scope(scope)] = int(n)
	}
	return c, wrap(rows.Err())
}

// copyingKey marks a database that `filmbot copy` is filling (a row of
// meta): set before the first record goes in, cleared once the counts
// are checked, so that a copy cut short leaves a database that says so.
const copyingKey = "copy_in_progress"

// CopyMark returns the note of an unfinished copy into this database
// (where from, when), or "" if none.
func (db *DB) CopyMark(ctx context.Context) (string, error) {
	var note string
	err := db.pool.QueryRow(ctx, "SELECT value FROM meta WHERE key = $1", copyingKey).Scan(&note)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", nil
	}
	return note, wrap(err)
}

// MarkCopy sets the mark of a copy in progress with its note; "" clears it.
func (db *DB) MarkCopy(ctx context.Context, note string) error {
	var err error
	if note == "" {
		_, err = db.pool.Exec(ctx, "DELETE FROM meta WHERE key = $1", copyingKey)
	} else {
		_, err = db.pool.Exec(ctx, "INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value", copyingKey, note)
	}
	return wrap(err)
}

// createTable finds the tables the migrations create.
var createTable = regexp.MustCompile(`(?i)CREATE TABLE\s+(?:IF NOT EXISTS\s+)?([a-z_][a-z0-9_]*)`)

// ResetCopy empties a database that carries the mark of an unfinished
// copy (it keeps the mark), so that the copy can start over: every table
// filmbot's migrations created but meta, in one transaction. A database
// without the mark is refused: this never empties a database in use.
func (db *DB) ResetCopy(ctx context.Context) error {
	_, names := latestMigration()
	var tables []string
	for _, n := range names {
		sql, _ := fs.ReadFile(migrations, n)
		for _, m := range createTable.FindAllStringSubmatch(string(sql), -1) {
			if t := strings.ToLower(m[1]); t != "meta" && !slices.Contains(tables, t) {
				tables = append(tables, t)
			}
		}
	}
	return wrap(pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		var marked bool
		if err := tx.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM meta WHERE key = $1 FOR UPDATE)", copyingKey).Scan(&marked); err != nil {
			return err
		}
		if !marked {
			return errors.New("it is not the target of an unfinished copy; nothing was emptied")
		}
		rows, err := tx.Query(ctx, "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename = ANY($1) ORDER BY tablename", tables)
		if err != nil {
			return err
		}
		present, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			return err
		}
		if len(present) > 0 {
			ids := make([]string, len(present))
			for k, t := range present {
				ids[k] = pgx.Identifier{t}.Sanitize()
			}
			if _, err := tx.Exec(ctx, "TRUNCATE "+strings.Join(ids, ", ")+" RESTART IDENTITY"); err != nil {
				return err
			}
		}
		_, err = tx.Exec(ctx, "DELETE FROM meta WHERE key = 'seeded'")
		return err
	}))
}
