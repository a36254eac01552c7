package postgres

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/filmbot/filmbot/storage"
	"github.com/filmbot/filmbot/storage/bolt"
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

// BenchmarkReviewRead is what /review reads of the store (the catalog's
// version, then the page) from 64 members at once: on PostgreSQL without
// and with the cache, and on bbolt, in one run; ns/op is the wall time
// per read across them all.
//
//	go test -run '^$' -bench ReviewRead -benchtime 20000x ./storage/postgres
func BenchmarkReviewRead(b *testing.B) {
	url := pgtest.URL(b)
	db, err := Open(context.Background(), url, Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	bb, err := bolt.Open(filepath.Join(b.TempDir(), "b.db"), bolt.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer bb.Close()
	scope := storage.Scope(111)
	for _, s := range []struct {
		name  string
		store storage.Store
	}{{"postgres", db}, {"postgres-cached", storage.Cached(db, db, 1<<20)}, {"bbolt", bb}} {
		b.Run(s.name, func(b *testing.B) {
			ctx := context.Background()
			films, err := s.store.Films(ctx, scope)
			if err != nil {
				b.Fatal(err)
			}
			b.SetParallelism(64)
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				n := 0
				for pb.Next() {
					n++
					if _, err := s.store.CatalogVersion(ctx, scope); err != nil {
						b.Error(err)
						return
					}
					if _, err := s.store.ReviewPage(ctx, scope, films[0].ID, 1+n%12); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}
