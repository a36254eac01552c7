package postgres

import (
	"context"
	"testing"
	"time"

	"github.com/filmbot/filmbot/storage"
	"github.com/filmbot/filmbot/storage/postgres/pgtest"
	"github.com/filmbot/filmbot/storage/storetest"
)

// The conformance suite on the cached store (storage.Cached), as each
// process runs it on PostgreSQL.
func TestConformanceCached(t *testing.T) {
	storetest.Run(t, func(t *testing.T, now func() time.Time) storage.Store {
		db := open(t, Options{Now: now})
		return storage.Cached(db, db, 1<<20)
	}, func(t *testing.T) storage.Store {
		return open(t, Options{NoSeed: true})
	})
}

// otherWriter is two processes on one database: every write goes
// through one, uncached, and every read through the other's cache, which
// must see each write at its next read.
type otherWriter struct {
	*storage.CachedStore
	w *DB
}

func (o otherWriter) CreateFilm(ctx context.Context, s storage.Scope, f storage.Film) (storage.Film, error) {
	return o.w.CreateFilm(ctx, s, f)
}
func (o otherWriter) AddFilms(ctx context.Context, s storage.Scope, fs []storage.Film) ([]storage.Film, error) {
	return o.w.AddFilms(ctx, s, fs)
}
func (o otherWriter) UpdateFilm(ctx context.Context, s storage.Scope, f storage.Film) (storage.Film, error) {
	return o.w.UpdateFilm(ctx, s, f)
}
func (o otherWriter) DeleteFilm(ctx context.Context, s storage.Scope, id uint64) error {
	return o.w.DeleteFilm(ctx, s, id)
}
func (o otherWriter) SaveSourced(ctx context.Context, f storage.Film) (storage.Film, error) {
	return o.w.SaveSourced(ctx, f)
}
func (o otherWriter) AddReview(ctx context.Context, s storage.Scope, r storage.Review) (storage.Review, error) {
	return o.w.AddReview(ctx, s, r)
}
func (o otherWriter) UpdateReview(ctx context.Context, s storage.Scope, r storage.Review) (storage.Review, error) {
	return o.w.UpdateReview(ctx, s, r)
}
func (o otherWriter) DeleteReview(ctx context.Context, s storage.Scope, id uint64) (storage.Review, error) {
	return o.w.DeleteReview(ctx, s, id)
}
func (o otherWriter) UpdateSettings(ctx context.Context, s storage.Scope, fn func(*storage.Settings)) (storage.Settings, error) {
	return o.w.UpdateSettings(ctx, s, fn)
}

// The suite again, each write made by another process than the cache
// that reads it back.
func TestConformanceCachedOtherWriter(t *testing.T) {
	storetest.Run(t, func(t *testing.T, now func() time.Time) storage.Store {
		url := pgtest.URL(t)
		w, err := Open(context.Background(), url, Options{Now: now})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { w.Close() })
		r, err := Open(context.Background(), url, Options{Now: now})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { r.Close() })
		return otherWriter{CachedStore: storage.Cached(r, r, 1<<20), w: w}
	}, func(t *testing.T) storage.Store {
		return open(t, Options{NoSeed: true})
	})
}
