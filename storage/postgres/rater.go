package postgres

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/filmbot/filmbot/storage"
)

// Ratings are written in groups: a rating that arrives while another
// group is being committed waits for that commit and goes with the next
// group, in one transaction and one round trip. Each member's answer
// still goes out only after the commit that holds their rating, and
// synchronous_commit stays as the server has it. Under load this turns
// one commit (one WAL flush, one lock on the film's aggregate) per rating
// into one per group; alone, a rating goes at once, as before.

// maxGroup bounds a group's size, so one round trip stays short.
const maxGroup = 256

// rateReq is one member's rating (score 0 removes it) waiting for a group.
type rateReq struct {
	ctx   context.Context
	scope storage.Scope
	film  uint64
	user  uint64
	score int
	at    time.Time
	done  chan rateRes
}

type rateRes struct {
	agg       storage.Aggregate
	old       int
	unwatched bool // the film left the member's watchlist
	err       error
}

// rater gathers concurrent ratings into groups; one group is written at a
// time per process.
type rater struct {
	db      *DB
	mu      sync.Mutex
	pending []*rateReq
	writing bool
	onGroup func(n int)
}

type rateKey struct {
	scope      storage.Scope
	film, user uint64
}

// write queues r and waits for its group's commit. The first rating to
// find no group being written starts a leader that writes groups until
// none is left.
func (w *rater) write(r *rateReq) rateRes {
	r.done = make(chan rateRes, 1)
	w.mu.Lock()
	w.pending = append(w.pending, r)
	lead := !w.writing
	w.writing = true
	w.mu.Unlock()
	if lead {
		// On its own goroutine: a member's rating must not wait on the
		// groups of everyone who keeps arriving after it.
		go w.lead()
	}
	select {
	case res := <-r.done:
		return res
	case <-r.ctx.Done():
		// The group may still commit it; the member is told it did not
		// go through and can rate again (rating is idempotent).
		return rateRes{err: fmt.Errorf("%w: %v", storage.ErrUnavailable, r.ctx.Err())}
	}
}

// lead writes groups until nothing is pending.
func (w *rater) lead() {
	for {
		w.mu.Lock()
		group, rest := takeGroup(w.pending)
		w.pending = rest
		if len(group) == 0 {
			w.writing = false
			w.mu.Unlock()
			return
		}
		w.mu.Unlock()
		if w.onGroup != nil {
			w.onGroup(len(group))
		}
		w.db.writeGroup(group)
	}
}

// takeGroup takes up to maxGroup live requests, at most one per member and
// film (a second one waits for the next group, so it replaces the first).
func takeGroup(pending []*rateReq) (group, rest []*rateReq) {
	seen := make(map[rateKey]bool, min(len(pending), maxGroup))
	for _, r := range pending {
		if r.ctx.Err() != nil {
			continue // its member was already told
		}
		k := rateKey{r.scope, r.film, r.user}
		if len(group) < maxGroup && !seen[k] {
			seen[k] = true
			group = append(group, r)
		} else {
			rest = append(rest, r)
		}
	}
	return group, rest
}

// lockKey of a member's rating of a film in a scope: writers of the same
// rating in any process wait for each other, so the old score a group
// reads is the one it replaces.
func ratingLock(scope storage.Scope, film, user uint64) int64 {
	return int64(scope)*31 + int64(film)*1_000_003 + int64(user)
}

// groupSQL writes a group of ratings (score 0 removes one), takes each
// film rated off its member's watchlist and moves the films' aggregate
// stripes by the differences, in one statement; it returns, per rating,
// whether its film is visible in its scope, the score it replaced and
// whether the film left the watchlist. Stripes are updated in key order so that groups of
// several processes never deadlock on them.
var groupSQL = `WITH input AS (
	SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::int[], $5::timestamptz[]) WITH ORDINALITY
		AS t(scope, film_id, user_id, score, rated_at, i)
), ok AS (
	SELECT input.* FROM input WHERE EXISTS (SELECT 1 FROM films f WHERE f.id = input.film_id AND f.scope IN (0, input.scope))
), old AS (
	SELECT ok.i, r.score FROM ok JOIN ratings r ON r.scope = ok.scope AND r.film_id = ok.film_id AND r.user_id = ok.user_id
), saved AS (
	INSERT INTO ratings (scope, film_id, user_id, score, rated_at)
	SELECT scope, film_id, user_id, score, rated_at FROM ok WHERE score > 0
	ON CONFLICT (scope, film_id, user_id) DO UPDATE SET score = EXCLUDED.score, rated_at = EXCLUDED.rated_at
), removed AS (
	DELETE FROM ratings r USING ok WHERE ok.score = 0 AND r.scope = ok.scope AND r.film_id = ok.film_id AND r.user_id = ok.user_id
), unwatched AS (
	DELETE FROM watchlist w USING ok WHERE ok.score > 0 AND w.scope = ok.scope AND w.user_id = ok.user_id AND w.film_id = ok.film_id
	RETURNING ok.i
), delta AS (
	SELECT ok.scope, ok.film_id, (ok.user_id % ` + fmt.Sprint(stripes) + `)::smallint AS stripe, ` + groupDeltaCols + `
	FROM ok LEFT JOIN old USING (i) WHERE ok.score <> coalesce(old.score, 0)
	GROUP BY 1, 2, 3
), agg AS (
	INSERT INTO aggregates (scope, film_id, stripe, ` + histCols + `)
	SELECT * FROM delta ORDER BY scope, film_id, stripe
	ON CONFLICT (scope, film_id, stripe) DO UPDATE SET ` + addCols + `
)
SELECT input.i, ok.i IS NOT NULL, coalesce(old.score, 0), unwatched.i IS NOT NULL
	FROM input LEFT JOIN ok USING (i) LEFT JOIN old USING (i) LEFT JOIN unwatched USING (i)`

// groupAggSQL reads the aggregates of the group's films after its writes.
var groupAggSQL = `SELECT a.scope, a.film_id, ` + strings.Join(sumHist, ", ") + `
	FROM aggregates a JOIN (SELECT DISTINCT * FROM unnest($1::bigint[], $2::bigint[]) AS t(scope, film_id)) g
	ON a.scope = g.scope AND a.film_id = g.film_id GROUP BY a.scope, a.film_id`

var groupDeltaCols, sumHist = func() (string, []string) {
	var d, s []string
	for k := 1; k <= storage.MaxScore; k++ {
		d = append(d, fmt.Sprintf("sum((ok.score = %d)::int - (coalesce(old.score, 0) = %d)::int) AS h%d", k, k, k))
		s = append(s, fmt.Sprintf("sum(a.h%d)", k))
	}
	return strings.Join(d, ", "), s
}()

// writeGroup writes group in one transaction and answers each request.
// A deadlock with another writer (which the lock order should prevent)
// is retried once.
func (db *DB) writeGroup(group []*rateReq) {
	res, err := db.tryGroup(group)
	if isCode(err, "40P01", "40001") {
		res, err = db.tryGroup(group)
	}
	for i, r := range group {
		if err != nil {
			r.done <- rateRes{err: err}
			continue
		}
		r.done <- res[i]
	}
}

func (db *DB) tryGroup(group []*rateReq) ([]rateRes, error) {
	ctx, cancel := db.q(context.Background())
	defer cancel()
	n := len(group)
	scopes, films, users, scores := make([]int64, n), make([]int64, n), make([]int64, n), make([]int32, n)
	ats := make([]time.Time, n)
	locks := make([]int64, 0, n)
	for i, r := range group {
		scopes[i], films[i], users[i], scores[i], ats[i] = int64(r.scope), int64(r.film), int64(r.user), int32(r.score), r.at
		locks = append(locks, ratingLock(r.scope, r.film, r.user))
	}
	slices.Sort(locks)
	locks = slices.Compact(locks)

	b := &pgx.Batch{}
	b.Queue("SELECT pg_advisory_xact_lock(k) FROM unnest($1::bigint[]) AS k", locks)
	b.Queue(groupSQL, scopes, films, users, scores, ats)
	b.Queue(groupAggSQL, scopes, films)
	br := db.pool.SendBatch(ctx, b)
	defer br.Close()
	if _, err := br.Exec(); err != nil {
		return nil, wrap(err)
	}
	out := make([]rateRes, n)
	rows, err := br.Query()
	if err != nil {
		return nil, wrap(err)
	}
	for rows.Next() {
		var i int64
		var found, unwatched bool
		var old int32
		if err := rows.Scan(&i, &found, &old, &unwatched); err != nil {
			rows.Close()
			return nil, wrap(err)
		}
		r := &out[i-1]
		r.old, r.unwatched = int(old), unwatched
		if !found {
			r.err = fmt.Errorf("film %d: %w", group[i-1].film, storage.ErrNotFound)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, wrap(err)
	}
	aggs := map[[2]int64]storage.Aggregate{}
	rows, err = br.Query()
	if err != nil {
		return nil, wrap(err)
	}
	for rows.Next() {
		var scope, film int64
		var h [storage.MaxScore]int64
		dest := []any{&scope, &film}
		for k := range h {
			dest = append(dest, &h[k])
		}
		if err := rows.Scan(dest...); err != nil {
			rows.Close()
			return nil, wrap(err)
		}
		a := storage.Aggregate{Film: uint64(film)}
		for k, c := range h {
			if c < 0 {
				rows.Close()
				return nil, fmt.Errorf("%w: aggregate of film %d counts %d ratings of %d", storage.ErrDamaged, film, c, k+1)
			}
			a.Hist[k] = int(c)
			a.Count += int(c)
			a.Sum += (k + 1) * int(c)
		}
		aggs[[2]int64{scope, film}] = a
	}
	if err := rows.Err(); err != nil {
		return nil, wrap(err)
	}
	if err := br.Close(); err != nil { // the commit
		return nil, wrap(err)
	}
	for i, r := range group {
		if out[i].err != nil {
			continue
		}
		a, ok := aggs[[2]int64{int64(r.scope), int64(r.film)}]
		if !ok {
			a = storage.Aggregate{Film: r.film}
		}
		out[i].agg = a
	}
	return out, nil
}
