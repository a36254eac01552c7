package bolt

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	bbolt "go.etcd.io/bbolt"

	"github.com/filmbot/filmbot/storage"
)

// Films lists the headers of the films visible in scope: the built-in
// catalog and, for a server, its own films; ordered by title then year.
func (db *DB) Films(ctx context.Context, scope Scope) ([]Film, error) {
	var films []Film
	err := db.view(ctx, func(tx *bbolt.Tx) error {
		films = decodeVisible[Film](tx, bucketHeaders, scope, db.onDamage)
		return nil
	})
	storage.SortFilms(films)
	return films, err
}

// Film returns film id if it is visible in scope, or ErrNotFound.
func (db *DB) Film(ctx context.Context, scope Scope, id uint64) (Film, error) {
	var f Film
	err := db.view(ctx, func(tx *bbolt.Tx) error {
		var err error
		f, err = getFilm(tx, scope, id)
		return err
	})
	return f, err
}

// getFilm finds film id in scope's own films or the built-in catalog.
func getFilm(tx *bbolt.Tx, scope Scope, id uint64) (Film, error) {
	var f Film
	for _, s := range visible(scope) {
		k := key(uint64(s), id)
		if v := tx.Bucket(bucketFilms).Get(k); v != nil {
			return decodeRecord[Film](bucketFilms, k, v)
		}
	}
	return f, fmt.Errorf("film %d: %w", id, ErrNotFound)
}

// filmExists is getFilm without decoding: the single writer checks it for
// every rating, so it must be cheap.
func filmExists(tx *bbolt.Tx, scope Scope, id uint64) bool {
	b := tx.Bucket(bucketFilms)
	var k [16]byte // Get does not keep the key: it can live on the stack
	binary.BigEndian.PutUint64(k[8:], id)
	if b.Get(k[:]) != nil {
		return true
	}
	binary.BigEndian.PutUint64(k[:8], uint64(scope))
	return scope != BuiltIn && b.Get(k[:]) != nil
}

// AddFilm stores a new film in scope and returns it with its id and times set.
func (db *DB) AddFilm(ctx context.Context, scope Scope, f Film) (Film, error) {
	err := db.update(ctx, func(tx *bbolt.Tx) error {
		var err error
		f, err = createFilm(tx, scope, f, db.now())
		return err
	})
	return f, err
}

func createFilm(tx *bbolt.Tx, scope Scope, f Film, now time.Time) (Film, error) {
	b := tx.Bucket(bucketFilms)
	id, err := b.NextSequence()
	if err != nil {
		return f, err
	}
	f.ID, f.Scope = id, scope
	f.CreatedAt, f.UpdatedAt = now.UTC(), now.UTC()
	if err := bumpCatalog(tx, scope); err != nil {
		return f, err
	}
	return f, putFilm(tx, f)
}

// putFilm stores f and its header.
func putFilm(tx *bbolt.Tx, f Film) error {
	k := key(uint64(f.Scope), f.ID)
	if err := tx.Bucket(bucketFilms).Put(k, encodeFilm(f)); err != nil {
		return err
	}
	if err := tx.Bucket(bucketHeaders).Put(k, encodeFilmHeader(f)); err != nil {
		return err
	}
	return indexSourced(tx, f)
}

// getHeader is getFilm reading the film's header alone.
func getHeader(tx *bbolt.Tx, scope Scope, id uint64) (Film, error) {
	for _, s := range visible(scope) {
		k := key(uint64(s), id)
		if v := tx.Bucket(bucketHeaders).Get(k); v != nil {
			return decodeRecord[Film](bucketHeaders, k, v)
		}
	}
	return Film{}, fmt.Errorf("film %d: %w", id, ErrNotFound)
}

// FilmHeader returns film id's header if it is visible in scope.
func (db *DB) FilmHeader(ctx context.Context, scope Scope, id uint64) (Film, error) {
	var f Film
	err := db.view(ctx, func(tx *bbolt.Tx) error {
		var err error
		f, err = getHeader(tx, scope, id)
		return err
	})
	return f, err
}

// FilmHeaders returns the headers of the films ids visible in scope, in
// one transaction; the others are absent from the map.
func (db *DB) FilmHeaders(ctx context.Context, scope Scope, ids []uint64) (map[uint64]Film, error) {
	out := make(map[uint64]Film, len(ids))
	err := db.view(ctx, func(tx *bbolt.Tx) error {
		clear(out)
		for _, id := range ids {
			f, err := getHeader(tx, scope, id)
			if errors.Is(err, ErrNotFound) {
				continue
			}
			if err != nil {
				return err
			}
			out[id] = f
		}
		return nil
	})
	return out, err
}

// upgradeToHeaders writes the header of every film (schema 3), in the
// opening transaction.
func upgradeToHeaders(tx *bbolt.Tx) error {
	hb := tx.Bucket(bucketHeaders)
	for k, v := range withPrefix(tx.Bucket(bucketFilms), nil) {
		f, err := decodeRecord[Film](bucketFilms, k, v)
		if err != nil {
			return err
		}
		if err := hb.Put(bytes.Clone(k), encodeFilmHeader(f)); err != nil {
			return err
		}
	}
	return nil
}

// visible lists the scopes whose records a user in scope may see.
func visible(scope Scope) []Scope {
	if scope == BuiltIn {
		return []Scope{BuiltIn}
	}
	return []Scope{BuiltIn, scope}
}

func putJSON(b *bbolt.Bucket, k []byte, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return b.Put(k, data)
}
