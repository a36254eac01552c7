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

var _ storage.Copier = (*DB)(nil)

// Each calls fn with every record of the database: films, reviews,
// ratings, settings. It reads in one transaction, so the copy is
// consistent; fn must not write to this database.
func (db *DB) Each(ctx context.Context, fn func(storage.Record) error) error {
	return db.view(ctx, func(tx *bbolt.Tx) error {
		for k, v := range withPrefix(tx.Bucket(bucketFilms), nil) {
			f, err := decodeRecord[Film](bucketFilms, k, v)
			if err != nil {
				return err
			}
			if err := fn(storage.Record{Film: &f}); err != nil {
				return err
			}
		}
		for k, v := range withPrefix(tx.Bucket(bucketReviews), nil) {
			r, err := wholeReview(tx, k, v)
			if err != nil {
				return err
			}
			if err := fn(storage.Record{Review: &r}); err != nil {
				return err
			}
		}
		for k, v := range withPrefix(tx.Bucket(bucketRatings), nil) {
			s, at, err := decodeRating(bucketRatings, k, v)
			if err != nil {
				return err
			}
			r := Rating{Scope: Scope(idAt(k, 0)), Film: idAt(k, 1), User: idAt(k, 2), Score: s, At: at}
			if err := fn(storage.Record{Rating: &r}); err != nil {
				return err
			}
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		for k, v := range withPrefix(tx.Bucket(bucketSettings), nil) {
			s, err := decodeRecord[Settings](bucketSettings, k, v)
			if err != nil {
				return err
			}
			if err := fn(storage.Record{Settings: &storage.ScopedSettings{Scope: Scope(idAt(k, 0)), Settings: s}}); err != nil {
				return err
			}
		}
		for k, v := range withPrefix(tx.Bucket(bucketWatch), nil) {
			if len(k) != 24 || len(v) != 8 {
				return damaged(bucketWatch, k, "a watchlist entry of %d bytes", len(v))
			}
			w := storage.WatchEntry{Scope: Scope(idAt(k, 0)), User: idAt(k, 1), Watched: storage.Watched{Film: idAt(k, 2), At: time.Unix(0, int64(binary.BigEndian.Uint64(v))).UTC()}}
			if err := fn(storage.Record{Watch: &w}); err != nil {
				return err
			}
		}
		for k := range withPrefix(tx.Bucket(bucketNotInterested), nil) {
			if len(k) != 24 {
				return damaged(bucketNotInterested, k, "a key of %d bytes", len(k))
			}
			if err := fn(storage.Record{NotInterested: &storage.Mark{Scope: Scope(idAt(k, 0)), User: idAt(k, 1), Film: idAt(k, 2)}}); err != nil {
				return err
			}
		}
		for k, v := range withPrefix(tx.Bucket(bucketNights), nil) {
			var r nightRec
			if err := json.Unmarshal(v, &r); err != nil {
				return damaged(bucketNights, k, "%v", err)
			}
			if err := fn(storage.Record{Night: &r.Night}); err != nil {
				return err
			}
		}
		return nil
	})
}

// Empty tells whether the database holds no films, reviews, ratings or
// settings (a file opened with Options.NoSeed and never written).
func (db *DB) Empty(ctx context.Context) (bool, error) {
	empty := true
	err := db.view(ctx, func(tx *bbolt.Tx) error {
		for _, b := range [][]byte{bucketFilms, bucketReviews, bucketRatings, bucketSettings} {
			if k, _ := tx.Bucket(b).Cursor().First(); k != nil {
				empty = false
			}
		}
		return nil
	})
	return empty, err
}

// Load writes records with their ids in one transaction; ratings update
// the aggregates as Rate does. Sequences move past the ids loaded, and
// the database counts as seeded (the built-in catalog comes with them).
func (db *DB) Load(ctx context.Context, recs []storage.Record) error {
	return db.update(ctx, func(tx *bbolt.Tx) error {
		films, reviews := tx.Bucket(bucketFilms), tx.Bucket(bucketReviews)
		for _, r := range recs {
			switch {
			case r.Film != nil:
				f := *r.Film
				if err := putFilm(tx, f); err != nil {
					return err
				}
				if err := raiseSequence(films, f.ID); err != nil {
					return err
				}
				if err := bumpCatalog(tx, f.Scope); err != nil {
					return err
				}
			case r.Review != nil:
				v := *r.Review
				loc := key(uint64(v.Scope), v.FilmID)
				if err := tx.Bucket(bucketReviewIDs).Put(key(v.ID), loc); err != nil {
					return err
				}
				v.Paragraphs = len(v.Excerpts)
				if err := putReview(tx, append(loc, key(v.ID)...), v); err != nil {
					return err
				}
				if err := raiseSequence(reviews, v.ID); err != nil {
					return err
				}
			case r.Rating != nil:
				x := *r.Rating
				if _, _, err := setRating(tx, x.Scope, x.Film, x.User, x.Score, x.At); err != nil {
					return err
				}
			case r.Settings != nil:
				if err := putJSON(tx.Bucket(bucketSettings), key(uint64(r.Settings.Scope)), r.Settings.Settings); err != nil {
					return err
				}
			case r.Watch != nil:
				w := r.Watch
				if err := tx.Bucket(bucketWatch).Put(key(uint64(w.Scope), w.User, w.Film), binary.BigEndian.AppendUint64(nil, uint64(w.At.UnixNano()))); err != nil {
					return err
				}
			case r.NotInterested != nil:
				m := r.NotInterested
				if err := tx.Bucket(bucketNotInterested).Put(key(uint64(m.Scope), m.User, m.Film), []byte{}); err != nil {
					return err
				}
			case r.Night != nil:
				if err := putNight(tx, nightRec{Night: *r.Night}); err != nil {
					return err
				}
				if err := raiseSequence(tx.Bucket(bucketNights), r.Night.ID); err != nil {
					return err
				}
			}
		}
		return tx.Bucket(bucketMeta).Put(keySeeded, []byte(time.Now().UTC().Format(time.RFC3339)))
	})
}

func raiseSequence(b *bbolt.Bucket, id uint64) error {
	if b.Sequence() < id {
		return b.SetSequence(id)
	}
	return nil
}

// Counts counts the database's records.
func (db *DB) Counts(ctx context.Context) (storage.Counts, error) {
	c := storage.Counts{Ratings: map[Scope]int{}}
	err := db.view(ctx, func(tx *bbolt.Tx) error {
		c.Films = tx.Bucket(bucketFilms).Stats().KeyN
		c.Reviews = tx.Bucket(bucketReviews).Stats().KeyN
		c.Settings = tx.Bucket(bucketSettings).Stats().KeyN
		c.Watchlists = tx.Bucket(bucketWatch).Stats().KeyN
		c.Nights = tx.Bucket(bucketNights).Stats().KeyN
		c.NotInterested = tx.Bucket(bucketNotInterested).Stats().KeyN
		for k := range withPrefix(tx.Bucket(bucketRatings), nil) {
			if len(k) == 24 {
				c.Ratings[Scope(binary.BigEndian.Uint64(k))]++
			}
		}
		return nil
	})
	return c, err
}

// keyCopying marks a database that `filmbot copy` is filling: set before
// the first record goes in, cleared once the counts are checked, so that
// a copy cut short (kill -9, a crash, a lost disk) leaves a database that
// says so instead of one that silently lacks records.
var keyCopying = []byte("copy_in_progress")

// CopyMark returns the note of an unfinished copy into this database
// (where from, when), or "" if none.
func (db *DB) CopyMark(ctx context.Context) (string, error) {
	var note string
	err := db.view(ctx, func(tx *bbolt.Tx) error {
		note = string(tx.Bucket(bucketMeta).Get(keyCopying))
		return nil
	})
	return note, err
}

// MarkCopy sets the mark of a copy in progress with its note; "" clears it.
func (db *DB) MarkCopy(ctx context.Context, note string) error {
	return db.update(ctx, func(tx *bbolt.Tx) error {
		if note == "" {
			return tx.Bucket(bucketMeta).Delete(keyCopying)
		}
		return tx.Bucket(bucketMeta).Put(keyCopying, []byte(note))
	})
}

// ResetCopy empties a database that carries the mark of an unfinished
// copy (it keeps the mark), so that the copy can start over. A database
// without the mark is refused: this never empties a database in use.
func (db *DB) ResetCopy(ctx context.Context) error {
	return db.update(ctx, func(tx *bbolt.Tx) error {
		meta := tx.Bucket(bucketMeta)
		if meta.Get(keyCopying) == nil {
			return errors.New("it is not the target of an unfinished copy; nothing was emptied")
		}
		for _, name := range allBuckets {
			if bytes.Equal(name, bucketMeta) {
				continue
			}
			if err := tx.DeleteBucket(name); err != nil {
				return fmt.Errorf("empty bucket %s: %w", name, err)
			}
			if _, err := tx.CreateBucket(name); err != nil {
				return fmt.Errorf("create bucket %s: %w", name, err)
			}
		}
		if c, ok := versionCaches.Load(tx.DB()); ok {
			tx.OnCommit(c.(*versionCache).forget)
		}
		return meta.Delete(keySeeded)
	})
}
