package bolt

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	bbolt "go.etcd.io/bbolt"

	"github.com/filmbot/filmbot/storage"
)

// bucketTMDB indexes the shared catalog's films from TMDB: TMDB id →
// film id (scope BuiltIn). putFilm keeps it.
var bucketTMDB = []byte("tmdb") // tmdb id → film id

// SaveSourced stores a film from TMDB in the shared catalog, one film per
// TMDB id: bbolt has one writer, so a second save of the same id finds
// the first's film and replaces it.
func (db *DB) SaveSourced(ctx context.Context, f Film) (Film, error) {
	if f.TMDB == 0 || f.Title == "" {
		return f, fmt.Errorf("film %q (TMDB %d): SaveSourced needs a title and a TMDB id", f.Title, f.TMDB)
	}
	err := db.update(ctx, func(tx *bbolt.Tx) error {
		now := db.now().UTC()
		old, err := sourcedFilm(tx, f.TMDB)
		renamed := true // what the catalog's indexes hold changes
		switch {
		case err == nil:
			f = f.Resourced(old)
			renamed = !storage.SameNames(old, f)
		case errors.Is(err, ErrNotFound):
			id, err := tx.Bucket(bucketFilms).NextSequence()
			if err != nil {
				return err
			}
			f.ID, f.Scope, f.CreatedAt = id, BuiltIn, now
		default:
			return err
		}
		f.UpdatedAt, f.FetchedAt = now, now
		if renamed {
			if err := bumpCatalog(tx, BuiltIn); err != nil {
				return err
			}
		}
		return putFilm(tx, f)
	})
	return f, err
}

// fetchClaims are ClaimFetch's claims: a bbolt file has one process, so
// they live in memory, each until its end by the store's clock.
type fetchClaims struct {
	mu    sync.Mutex
	until map[uint64]time.Time
}

// ClaimFetch claims the fetch of TMDB film tmdbID for ttl; false while
// another claim of it lasts.
func (db *DB) ClaimFetch(ctx context.Context, tmdbID uint64, ttl time.Duration) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	c := &db.fetches
	c.mu.Lock()
	defer c.mu.Unlock()
	now := db.now()
	if c.until == nil {
		c.until = map[uint64]time.Time{}
	}
	if end, ok := c.until[tmdbID]; ok && now.Before(end) {
		return false, nil
	}
	for id, end := range c.until { // the ended ones go
		if !now.Before(end) {
			delete(c.until, id)
		}
	}
	c.until[tmdbID] = now.Add(ttl)
	return true, nil
}

// FilmByTMDB returns the shared catalog's film of TMDB id tmdbID.
func (db *DB) FilmByTMDB(ctx context.Context, tmdbID uint64) (Film, error) {
	var f Film
	err := db.view(ctx, func(tx *bbolt.Tx) error {
		var err error
		f, err = sourcedFilm(tx, tmdbID)
		return err
	})
	return f, err
}

func sourcedFilm(tx *bbolt.Tx, tmdbID uint64) (Film, error) {
	k := key(tmdbID)
	v := tx.Bucket(bucketTMDB).Get(k)
	if v == nil {
		return Film{}, fmt.Errorf("TMDB film %d: %w", tmdbID, ErrNotFound)
	}
	if len(v) != 8 {
		return Film{}, damaged(bucketTMDB, k, "film id of %d bytes", len(v))
	}
	f, err := getFilm(tx, BuiltIn, idAt(v, 0))
	if err != nil {
		return f, err
	}
	if f.TMDB != tmdbID {
		return Film{}, damaged(bucketTMDB, k, "names film %d, of TMDB id %d", f.ID, f.TMDB)
	}
	return f, nil
}

// SourcedBefore lists the headers of the shared catalog's films from TMDB
// fetched before t, never fetched first, then oldest, at most limit.
func (db *DB) SourcedBefore(ctx context.Context, t time.Time, limit int) ([]Film, error) {
	var out []Film
	err := db.view(ctx, func(tx *bbolt.Tx) error {
		out = out[:0]
		for k, v := range withPrefix(tx.Bucket(bucketHeaders), key(uint64(BuiltIn))) {
			f, err := decodeRecord[Film](bucketHeaders, k, v)
			if err != nil {
				db.onDamage(err)
				continue
			}
			if f.TMDB != 0 && f.FetchedAt.Before(t) {
				out = append(out, f)
			}
		}
		return nil
	})
	slices.SortFunc(out, func(a, b Film) int {
		return cmp.Or(a.FetchedAt.Compare(b.FetchedAt), cmp.Compare(a.ID, b.ID))
	})
	if limit >= 0 && len(out) > limit {
		out = out[:limit]
	}
	return out, err
}

// indexSourced keeps bucketTMDB for f, a film being stored.
func indexSourced(tx *bbolt.Tx, f Film) error {
	if f.Scope != BuiltIn || f.TMDB == 0 {
		return nil
	}
	return tx.Bucket(bucketTMDB).Put(key(f.TMDB), u64(f.ID))
}

// upgradeToSourced (schema 5) gives the seed film, in a database seeded
// before films came from TMDB, its TMDB and IMDb ids, so that a TMDB
// lookup of it finds it instead of adding a second one; and indexes the
// built-in films that have a TMDB id.
func upgradeToSourced(tx *bbolt.Tx) error {
	seed := storage.SeedFilm()
	var films []Film
	for k, v := range withPrefix(tx.Bucket(bucketFilms), key(uint64(BuiltIn))) {
		f, err := decodeRecord[Film](bucketFilms, k, v)
		if err != nil {
			continue // left for Check and the read that meets it
		}
		if f.TMDB == 0 && f.CreatedBy == "" && f.Year == seed.Year && storage.TitleKey(f.Title) == storage.TitleKey(seed.Title) {
			f.TMDB, f.IMDb = seed.TMDB, seed.IMDb
		}
		if f.TMDB != 0 {
			films = append(films, f)
		}
	}
	for _, f := range films { // bbolt's cursor may not be written through
		if err := putFilm(tx, f); err != nil {
			return err
		}
	}
	if len(films) > 0 {
		return bumpCatalog(tx, BuiltIn)
	}
	return nil
}

// upgradeToDirectorHeaders (schema 6) writes the headers of the films
// with a director again, with the first director (Film.Director). A
// record that does not decode is left as it is, for Check and the read
// that meets it to report.
func upgradeToDirectorHeaders(tx *bbolt.Tx) error {
	type kv struct{ k, v []byte }
	var out []kv // bbolt's cursor may not be written through
	for k, v := range withPrefix(tx.Bucket(bucketFilms), nil) {
		f, err := decodeRecord[Film](bucketFilms, k, v)
		if err != nil || f.FirstDirector() == "" {
			continue
		}
		out = append(out, kv{bytes.Clone(k), encodeFilmHeader(f)})
	}
	hb := tx.Bucket(bucketHeaders)
	for _, x := range out {
		if err := hb.Put(x.k, x.v); err != nil {
			return err
		}
	}
	return nil
}
