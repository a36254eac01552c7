// Package postgres is filmbot's store (storage.Store) in PostgreSQL, for
// operators who outgrow one process: any number of filmbot processes, on
// any number of machines, share one database. It uses pgx's pool; the
// schema is created and upgraded by the bot itself from versioned
// migrations embedded in the binary, applied under an advisory lock so
// that processes starting together migrate once.
package postgres

import (
	"cmp"
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/filmbot/filmbot/storage"
)

//go:embed migrations/*.sql
var migrations embed.FS

// lockKey is the advisory lock that serialises migrations ("filmbot").
const lockKey = 0x66696c6d626f74

// Options tune Open. The zero value is fine.
type Options struct {
	// Now is the clock; nil means time.Now. Times are kept to the
	// microsecond, as PostgreSQL keeps them. Movie nights' leases follow
	// the database server's clock, shared by every process, unless Now
	// is set (tests).
	Now func() time.Time
	// NoSeed leaves a new database without the built-in catalog (the
	// target of a copy).
	NoSeed bool
	// QueryTimeout bounds each method; zero means 2 seconds, inside
	// Discord's 3-second window for a first answer.
	QueryTimeout time.Duration
	// OnGroup, if set, hears the size of each group of ratings committed
	// together (metrics).
	OnGroup func(n int)
}

// DB is a filmbot database in PostgreSQL.
type DB struct {
	pool    *pgxpool.Pool
	now     func() time.Time
	fixed   bool // Options.Now was set: leases follow it, not the server's clock
	timeout time.Duration
	rater   rater
}

var (
	_ storage.Store  = (*DB)(nil)
	_ storage.Copier = (*DB)(nil)
)

// IsURL tells whether a FILMBOT_DB value names a PostgreSQL database.
func IsURL(s string) bool {
	return strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://")
}

// Open connects to the database at url (libpq's URL form: sslmode and
// the other parameters as usual), applies the migrations this binary has
// and the database lacks, and loads the built-in catalog once. A database
// migrated by a newer filmbot is refused. A server that cannot be reached
// is storage.ErrUnavailable, so that the caller can retry.
func Open(ctx context.Context, url string, opts Options) (*DB, error) {
	fixed := opts.Now != nil
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.QueryTimeout == 0 {
		opts.QueryTimeout = 2 * time.Second
	}
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("FILMBOT_DB: %w", redactErr(err))
	}
	cfg.ConnConfig.ConnectTimeout = min(cfg.ConnConfig.ConnectTimeout, 5*time.Second)
	if cfg.ConnConfig.ConnectTimeout == 0 {
		cfg.ConnConfig.ConnectTimeout = 5 * time.Second
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, wrap(err)
	}
	db := &DB{pool: pool, now: func() time.Time { return opts.Now().UTC().Truncate(time.Microsecond) }, timeout: opts.QueryTimeout, fixed: fixed}
	db.rater.db, db.rater.onGroup = db, opts.OnGroup
	if err := db.migrate(ctx, !opts.NoSeed); err != nil {
		pool.Close()
		return nil, err
	}
	return db, nil
}

// Close closes the pool.
func (db *DB) Close() error {
	db.pool.Close()
	return nil
}

func latestMigration() (int, []string) {
	names, _ := fs.Glob(migrations, "migrations/*.sql")
	slices.Sort(names)
	last := 0
	for _, n := range names {
		v, _ := strconv.Atoi(strings.SplitN(strings.TrimPrefix(n, "migrations/"), "_", 2)[0])
		last = max(last, v)
	}
	return last, names
}

// migrate applies the missing migrations, each in its transaction,
// holding the advisory lock so that one process migrates at a time and
// the others then find nothing to do.
func (db *DB) migrate(ctx context.Context, seed bool) error {
	conn, err := db.pool.Acquire(ctx)
	if err != nil {
		return wrap(err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1)", lockKey); err != nil {
		return wrap(err)
	}
	defer conn.Exec(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", lockKey)
	have := 0
	var exists bool
	if err := conn.QueryRow(ctx, "SELECT to_regclass('meta') IS NOT NULL").Scan(&exists); err != nil {
		return wrap(err)
	}
	if exists {
		var v string
		err := conn.QueryRow(ctx, "SELECT value FROM meta WHERE key = 'schema'").Scan(&v)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return wrap(err)
		}
		have, _ = strconv.Atoi(v)
	}
	latest, names := latestMigration()
	if have > latest {
		return fmt.Errorf("the database's schema is version %d, newer than this filmbot understands (%d): run a newer filmbot", have, latest)
	}
	for _, name := range names {
		v, _ := strconv.Atoi(strings.SplitN(strings.TrimPrefix(name, "migrations/"), "_", 2)[0])
		if v <= have {
			continue
		}
		sql, err := migrations.ReadFile(name)
		if err != nil {
			return err
		}
		err = pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, string(sql)); err != nil {
				return fmt.Errorf("migration %s: %w", name, err)
			}
			_, err := tx.Exec(ctx, "INSERT INTO meta (key, value) VALUES ('schema', $1) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value", strconv.Itoa(v))
			return err
		})
		if err != nil {
			return wrap(err)
		}
	}
	if !seed {
		return nil
	}
	return wrap(pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, "INSERT INTO meta (key, value) VALUES ('seeded', $1) ON CONFLICT (key) DO NOTHING", db.now().Format(time.RFC3339))
		if err != nil || tag.RowsAffected() == 0 {
			return err // seeded before: never again, so later changes stay
		}
		f, err := createFilm(ctx, tx, storage.BuiltIn, storage.SeedFilm(), db.now())
		if err != nil {
			return err
		}
		_, err = insertReview(ctx, tx, storage.BuiltIn, storage.Review{FilmID: f.ID, Excerpts: storage.SeedReview(), PostedAt: storage.SeedPosted}, db.now())
		return err
	}))
}

// q is a query under the method's deadline.
func (db *DB) q(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, db.timeout)
}

// wrap turns "cannot reach the server" into storage.ErrUnavailable, so
// members are told to try again rather than that something broke.
func wrap(err error) error {
	if err == nil {
		return nil
	}
	var ne net.Error
	var ce *pgconn.ConnectError
	if errors.As(err, &ce) || errors.As(err, &ne) || errors.Is(err, context.DeadlineExceeded) || pgconn.Timeout(err) || pgconn.SafeToRetry(err) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, net.ErrClosed) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.ECONNREFUSED) ||
		isCode(err, "57P01", "57P02", "57P03", "08000", "08003", "08006", "08001", "08004") {
		return fmt.Errorf("%w: %v", storage.ErrUnavailable, redactErr(err))
	}
	return err
}

func isCode(err error, codes ...string) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && slices.Contains(codes, pe.Code)
}

// redactErr keeps passwords of connection strings out of messages.
func redactErr(err error) error {
	msg := err.Error()
	if i := strings.Index(msg, "://"); i >= 0 {
		if at := strings.Index(msg[i:], "@"); at > 0 {
			msg = msg[:i+3] + "…" + msg[i+at:]
		}
	}
	if msg == err.Error() {
		return err
	}
	return errors.New(msg)
}

func visible(scope storage.Scope) []int64 {
	if scope == storage.BuiltIn {
		return []int64{0}
	}
	return []int64{0, int64(scope)}
}

func bumpCatalog(ctx context.Context, tx pgx.Tx, scope storage.Scope) error {
	_, err := tx.Exec(ctx, "INSERT INTO catalog_versions (scope, version) VALUES ($1, 1) ON CONFLICT (scope) DO UPDATE SET version = catalog_versions.version + 1", int64(scope))
	return err
}

// headerOf is the SQL of a film's header (storage.Film.Header) from its
// record: the record less the fields HeaderOmits names (the parameter
// omits), with its first director as "director".
func headerOf(record, omits string) string {
	return "((" + record + " - " + omits + "::text[]) || CASE WHEN " + record + "->'directors'->>0 <> '' THEN jsonb_build_object('director', " +
		record + "->'directors'->0) ELSE '{}'::jsonb END)"
}

// CatalogVersion is the sum of the built-in catalog's version and scope's.
func (db *DB) CatalogVersion(ctx context.Context, scope storage.Scope) (uint64, error) {
	ctx, cancel := db.q(ctx)
	defer cancel()
	var v int64
	err := db.pool.QueryRow(ctx, "SELECT coalesce(sum(version), 0) FROM catalog_versions WHERE scope = ANY($1)", visible(scope)).Scan(&v)
	return uint64(v), wrap(err)
}

// scanJSON reads a row's one JSON column as a T; what names it in the
// error when the record is damaged.
func scanJSON[T any](row pgx.Row, what string) (T, error) {
	var raw []byte
	var v T
	if err := row.Scan(&raw); err != nil {
		return v, err
	}
	if err := json.Unmarshal(raw, &v); err != nil {
		return v, fmt.Errorf("%w: %s: %v", storage.ErrDamaged, what, err)
	}
	return v, nil
}

func scanFilm(row pgx.Row) (storage.Film, error) { return scanJSON[storage.Film](row, "a film record") }

// Films lists the headers of the films visible in scope.
func (db *DB) Films(ctx context.Context, scope storage.Scope) ([]storage.Film, error) {
	ctx, cancel := db.q(ctx)
	defer cancel()
	rows, err := db.pool.Query(ctx, "SELECT "+headerOf("record", "$2")+" FROM films WHERE scope = ANY($1)", visible(scope), storage.HeaderOmits)
	if err != nil {
		return nil, wrap(err)
	}
	films, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (storage.Film, error) { return scanFilm(r) })
	if err != nil {
		return nil, wrap(err)
	}
	storage.SortFilms(films)
	return films, nil
}

// Film returns film id if it is visible in scope.
func (db *DB) Film(ctx context.Context, scope storage.Scope, id uint64) (storage.Film, error) {
	ctx, cancel := db.q(ctx)
	defer cancel()
	return getFilm(ctx, db.pool, scope, id)
}

type querier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

func getFilm(ctx context.Context, q querier, scope storage.Scope, id uint64) (storage.Film, error) {
	f, err := scanFilm(q.QueryRow(ctx, "SELECT record FROM films WHERE id = $1 AND scope = ANY($2)", int64(id), visible(scope)))
	if errors.Is(err, pgx.ErrNoRows) {
		return f, fmt.Errorf("film %d: %w", id, storage.ErrNotFound)
	}
	return f, wrap(err)
}

// FilmHeader returns film id's header if it is visible in scope: the
// record without its credits, dropped by the server before it is sent.
func (db *DB) FilmHeader(ctx context.Context, scope storage.Scope, id uint64) (storage.Film, error) {
	ctx, cancel := db.q(ctx)
	defer cancel()
	f, err := scanFilm(db.pool.QueryRow(ctx, "SELECT "+headerOf("record", "$3")+" FROM films WHERE id = $1 AND scope = ANY($2)", int64(id), visible(scope), storage.HeaderOmits))
	if errors.Is(err, pgx.ErrNoRows) {
		return f, fmt.Errorf("film %d: %w", id, storage.ErrNotFound)
	}
	return f, wrap(err)
}

// FilmHeaders returns the headers of the films ids visible in scope, in
// one query; the others are absent from the map.
func (db *DB) FilmHeaders(ctx context.Context, scope storage.Scope, ids []uint64) (map[uint64]storage.Film, error) {
	ctx, cancel := db.q(ctx)
	defer cancel()
	keys := make([]int64, len(ids))
	for k, id := range ids {
		keys[k] = int64(id)
	}
	rows, err := db.pool.Query(ctx, "SELECT "+headerOf("record", "$3")+" FROM films WHERE id = ANY($1) AND scope = ANY($2)", keys, visible(scope), storage.HeaderOmits)
	if err != nil {
		return nil, wrap(err)
	}
	out := make(map[uint64]storage.Film, len(ids))
	for rows.Next() {
		f, err := scanFilm(rows)
		if err != nil {
			rows.Close()
			return nil, wrap(err)
		}
		out[f.ID] = f
	}
	return out, wrap(rows.Err())
}

func putFilm(ctx context.Context, tx pgx.Tx, f storage.Film) error {
	raw, err := json.Marshal(f)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO films (id, scope, title, year, record, tmdb_id, fetched_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (id) DO UPDATE SET title = EXCLUDED.title, year = EXCLUDED.year, record = EXCLUDED.record,
			tmdb_id = EXCLUDED.tmdb_id, fetched_at = EXCLUDED.fetched_at`,
		int64(f.ID), int64(f.Scope), f.Title, f.Year, raw, tmdbID(f), fetchedAt(f))
	return err
}

// tmdbID and fetchedAt are the films table's columns of f: NULL for a
// film not from TMDB.
func tmdbID(f storage.Film) *int64 {
	if f.TMDB == 0 {
		return nil
	}
	id := int64(f.TMDB)
	return &id
}

func fetchedAt(f storage.Film) *time.Time {
	if f.FetchedAt.IsZero() {
		return nil
	}
	return &f.FetchedAt
}

func createFilm(ctx context.Context, tx pgx.Tx, scope storage.Scope, f storage.Film, now time.Time) (storage.Film, error) {
	var id int64
	if err := tx.QueryRow(ctx, "SELECT nextval('film_ids')").Scan(&id); err != nil {
		return f, err
	}
	f.ID, f.Scope, f.CreatedAt, f.UpdatedAt = uint64(id), scope, now, now
	if err := bumpCatalog(ctx, tx, scope); err != nil {
		return f, err
	}
	return f, putFilm(ctx, tx, f)
}

// unique refuses f when a film visible in scope, other than f, has its
// title (storage.TitleKey) and year: ErrExists, with that film. Only the films of
// that year are read.
func unique(ctx context.Context, tx pgx.Tx, scope storage.Scope, f storage.Film) (storage.Film, error) {
	rows, err := tx.Query(ctx, "SELECT record FROM films WHERE scope = ANY($1) AND year = $2 AND id <> $3", visible(scope), f.Year, int64(f.ID))
	if err != nil {
		return f, err
	}
	films, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (storage.Film, error) { return scanFilm(r) })
	if err != nil {
		return f, err
	}
	for _, o := range films {
		if storage.TitleKey(o.Title) == storage.TitleKey(f.Title) {
			return o, fmt.Errorf("film %q (%d): %w", o.Title, o.Year, storage.ErrExists)
		}
	}
	return f, nil
}

// lockScope serialises the film writes of one scope, so that two
// moderators adding the same title at once cannot both succeed.
func lockScope(ctx context.Context, tx pgx.Tx, scope storage.Scope) error {
	_, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1, $2)", int32(lockKey&0x7fffffff), int32(uint64(scope)%(1<<31)))
	return err
}

// CreateFilm adds a film to a server's catalog.
func (db *DB) CreateFilm(ctx context.Context, scope storage.Scope, f storage.Film) (storage.Film, error) {
	if scope == storage.BuiltIn {
		return f, storage.ErrBuiltIn
	}
	ctx, cancel := db.q(ctx)
	defer cancel()
	err := pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		if err := lockScope(ctx, tx, scope); err != nil {
			return err
		}
		f.ID = 0
		if o, err := unique(ctx, tx, scope, f); err != nil {
			f = o
			return err
		}
		var err error
		f, err = createFilm(ctx, tx, scope, f, db.now())
		return err
	})
	return f, wrap(err)
}

// AddFilms adds films to a server's catalog in one transaction, skipping
// those already visible in scope (title key and year) or earlier in fs.
func (db *DB) AddFilms(ctx context.Context, scope storage.Scope, fs []storage.Film) ([]storage.Film, error) {
	if scope == storage.BuiltIn {
		return nil, storage.ErrBuiltIn
	}
	ctx, cancel := context.WithTimeout(ctx, max(db.timeout, 30*time.Second)) // thousands of rows
	defer cancel()
	var added []storage.Film
	err := pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		added = nil
		if err := lockScope(ctx, tx, scope); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, "SELECT title, year FROM films WHERE scope = ANY($1)", visible(scope))
		if err != nil {
			return err
		}
		seen := map[string]bool{}
		k := func(title string, year int) string { return storage.TitleKey(title) + "\x00" + strconv.Itoa(year) }
		for rows.Next() {
			var title string
			var year int32
			if err := rows.Scan(&title, &year); err != nil {
				rows.Close()
				return err
			}
			seen[k(title, int(year))] = true
		}
		if err := rows.Err(); err != nil {
			return err
		}
		var fresh []storage.Film
		for _, f := range fs {
			if !seen[k(f.Title, f.Year)] {
				seen[k(f.Title, f.Year)] = true
				fresh = append(fresh, f)
			}
		}
		if len(fresh) == 0 {
			return nil
		}
		var ids []int64
		if err := tx.QueryRow(ctx, "SELECT array_agg(nextval('film_ids')) FROM generate_series(1, $1)", len(fresh)).Scan(&ids); err != nil {
			return err
		}
		now := db.now()
		var cols [][]any
		for n, f := range fresh {
			f.ID, f.Scope, f.CreatedAt, f.UpdatedAt = uint64(ids[n]), scope, now, now
			raw, err := json.Marshal(f)
			if err != nil {
				return err
			}
			cols = append(cols, []any{int64(f.ID), int64(scope), f.Title, f.Year, raw, tmdbID(f), fetchedAt(f)})
			added = append(added, f)
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"films"}, []string{"id", "scope", "title", "year", "record", "tmdb_id", "fetched_at"}, pgx.CopyFromRows(cols)); err != nil {
			return err
		}
		return bumpCatalog(ctx, tx, scope)
	})
	return added, wrap(err)
}

// UpdateFilm replaces a server's film, keeping its creation record.
func (db *DB) UpdateFilm(ctx context.Context, scope storage.Scope, f storage.Film) (storage.Film, error) {
	ctx, cancel := db.q(ctx)
	defer cancel()
	err := pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		if err := lockScope(ctx, tx, scope); err != nil {
			return err
		}
		old, err := getFilm(ctx, tx, scope, f.ID)
		if err != nil {
			return err
		}
		if old.Scope != scope || scope == storage.BuiltIn {
			return storage.ErrBuiltIn
		}
		if !storage.SameTitle(old, f) {
			if o, err := unique(ctx, tx, scope, f); err != nil {
				f = o
				return err
			}
		}
		f.Scope, f.CreatedAt, f.CreatedBy, f.UpdatedAt = scope, old.CreatedAt, old.CreatedBy, db.now()
		if err := bumpCatalog(ctx, tx, scope); err != nil {
			return err
		}
		return putFilm(ctx, tx, f)
	})
	return f, wrap(err)
}

// FilmUsage counts a film's reviews and ratings in scope.
func (db *DB) FilmUsage(ctx context.Context, scope storage.Scope, film uint64) (int, int, error) {
	ctx, cancel := db.q(ctx)
	defer cancel()
	var revs, rates int
	err := db.pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM reviews WHERE film_id = $1 AND scope = $2),
		(SELECT count(*) FROM ratings WHERE film_id = $1 AND scope = $2)`, int64(film), int64(scope)).Scan(&revs, &rates)
	return revs, rates, wrap(err)
}

// DeleteFilm removes a server's film with its reviews and ratings.
func (db *DB) DeleteFilm(ctx context.Context, scope storage.Scope, film uint64) error {
	ctx, cancel := db.q(ctx)
	defer cancel()
	return wrap(pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		f, err := getFilm(ctx, tx, scope, film)
		if err != nil {
			return err
		}
		if f.Scope != scope || scope == storage.BuiltIn {
			return storage.ErrBuiltIn
		}
		if err := bumpCatalog(ctx, tx, scope); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, "DELETE FROM films WHERE id = $1", int64(film)) // reviews and ratings cascade
		return err
	}))
}

// ContentVersions reads the versions of scopes, each its own (not summed
// with the built-in catalog's), and the ratings of films, in one round
// trip: what storage.Cached checks its entries against, and the ratings
// it never keeps. A scope never written is at zero.
func (db *DB) ContentVersions(ctx context.Context, scopes []storage.Scope, films []storage.FilmKey) (map[storage.Scope]storage.Versions, map[storage.FilmKey]storage.Aggregate, error) {
	ctx, cancel := db.q(ctx)
	defer cancel()
	keys := make([]int64, len(scopes))
	for k, s := range scopes {
		keys[k] = int64(s)
	}
	const versionsSQL = "SELECT scope, version, content FROM catalog_versions WHERE scope = ANY($1)"
	var b pgx.Batch
	b.Queue(versionsSQL, keys)
	if len(films) > 0 {
		fs, ids := make([]int64, len(films)), make([]int64, len(films))
		for k, f := range films {
			fs[k], ids[k] = int64(f.Scope), int64(f.Film)
		}
		b.Queue(`SELECT scope, film_id, `+histSums+` FROM aggregates
			WHERE (scope, film_id) IN (SELECT * FROM unnest($1::bigint[], $2::bigint[])) GROUP BY scope, film_id`, fs, ids)
	}
	res := db.pool.SendBatch(ctx, &b)
	defer res.Close()
	rows, err := res.Query()
	if err != nil {
		return nil, nil, wrap(err)
	}
	out := make(map[storage.Scope]storage.Versions, len(scopes))
	for rows.Next() {
		var s, v, c int64
		if err := rows.Scan(&s, &v, &c); err != nil {
			rows.Close()
			return nil, nil, wrap(err)
		}
		out[storage.Scope(s)] = storage.Versions{Catalog: uint64(v), Content: uint64(c)}
	}
	if err := rows.Err(); err != nil {
		return nil, nil, wrap(err)
	}
	if len(films) == 0 {
		return out, nil, nil
	}
	aggs := make(map[storage.FilmKey]storage.Aggregate, len(films))
	for _, f := range films {
		aggs[f] = storage.Aggregate{Film: f.Film}
	}
	if rows, err = res.Query(); err != nil {
		return nil, nil, wrap(err)
	}
	defer rows.Close()
	for rows.Next() {
		var s, film int64
		var h [storage.MaxScore]int64
		if err := rows.Scan(append([]any{&s, &film}, histDest(&h)...)...); err != nil {
			return nil, nil, wrap(err)
		}
		a, err := histAggregate(uint64(film), &h)
		if err != nil {
			return nil, nil, err
		}
		aggs[storage.FilmKey{Scope: storage.Scope(s), Film: uint64(film)}] = a
	}
	return out, aggs, wrap(rows.Err())
}

// Warm opens the pool's connections (as many as it may hold), so that
// the first interactions of a new process do not each wait for one.
func (db *DB) Warm(ctx context.Context) error {
	n := int(db.pool.Config().MaxConns)
	conns := make(chan *pgxpool.Conn, n)
	errs := make(chan error, n)
	for range n {
		go func() {
			c, err := db.pool.Acquire(ctx)
			if err != nil {
				errs <- wrap(err)
				return
			}
			if err := c.Ping(ctx); err != nil {
				c.Release()
				errs <- wrap(err)
				return
			}
			conns <- c
		}()
	}
	var first error
	for range n {
		select {
		case c := <-conns:
			defer c.Release()
		case err := <-errs:
			first = cmp.Or(first, err)
		}
	}
	return first
}
