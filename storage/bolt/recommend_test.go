package bolt

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	bbolt "go.etcd.io/bbolt"

	"github.com/filmbot/filmbot/storage"
)

// The log keeps storage.RatingLogKept versions: asked for the changes
// since a version older than that, RatingsSince reads every rating.
func TestRatingsSinceTooOld(t *testing.T) {
	ctx := context.Background()
	db := open(t, Options{})
	var fs []storage.Film
	for k := range storage.RatingLogKept + 10 {
		fs = append(fs, storage.Film{Title: fmt.Sprintf("Film %d", k), Year: 2000})
	}
	fs, err := db.AddFilms(ctx, 111, fs)
	if err != nil {
		t.Fatal(err)
	}
	rs := make([]storage.Rating, len(fs))
	for k, f := range fs {
		rs[k] = storage.Rating{Film: f.ID, Score: 1 + k%10, At: time.Now()}
	}
	if _, err := db.ImportRatings(ctx, 111, 1, rs); err != nil { // a version per rating
		t.Fatal(err)
	}
	old, err := db.RatingsSince(ctx, 111, 5)
	if err != nil || !old.Full || len(old.Ratings) != len(fs) || old.Version != uint64(len(fs)) {
		t.Errorf("since a version no longer kept: Full %v, %d ratings, version %d, %v", old.Full, len(old.Ratings), old.Version, err)
	}
	recent, err := db.RatingsSince(ctx, 111, old.Version-storage.RatingLogKept+1)
	if err != nil || recent.Full || len(recent.Ratings) != storage.RatingLogKept-1 {
		t.Errorf("since a version kept: Full %v, %d changes, %v", recent.Full, len(recent.Ratings), err)
	}
	n := 0
	db.bolt.View(func(tx *bbolt.Tx) error {
		for range withPrefix(tx.Bucket(bucketRatingLog), key(111)) {
			n++
		}
		return nil
	})
	if n != storage.RatingLogKept {
		t.Errorf("the log holds %d changes, want %d", n, storage.RatingLogKept)
	}
}

// A database whose ratings predate the ratings log gets version 1 for
// each server with ratings when opened, so that a model read whole once
// is caught up from the log after, not read whole on every answer.
func TestRatingsBeforeTheLogGetAVersion(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	db, err := Open(path, Options{Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	films, err := db.Films(ctx, storage.BuiltIn)
	if err != nil || len(films) == 0 {
		t.Fatal(films, err)
	}
	anora := films[0]
	for _, scope := range []Scope{111, 222} {
		if _, err := db.Rate(ctx, scope, anora.ID, 7, 8); err != nil {
			t.Fatal(err)
		}
	}
	// As a filmbot before the log left it: no log, no mark.
	if err := db.bolt.Update(func(tx *bbolt.Tx) error {
		if err := tx.DeleteBucket(bucketRatingLog); err != nil {
			return err
		}
		if _, err := tx.CreateBucket(bucketRatingLog); err != nil {
			return err
		}
		return tx.Bucket(bucketMeta).Delete(keyRatingLog)
	}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	db, err = Open(path, Options{Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, scope := range []Scope{111, 222} {
		whole, err := db.RatingsSince(ctx, scope, 0)
		if err != nil || !whole.Full || whole.Version != 1 || len(whole.Ratings) != 1 {
			t.Fatalf("server %d, first read: %+v %v", scope, whole, err)
		}
		again, err := db.RatingsSince(ctx, scope, whole.Version)
		if err != nil || again.Full || len(again.Ratings) != 0 {
			t.Errorf("server %d, read again: %+v %v (read whole again)", scope, again, err)
		}
		if _, err := db.Rate(ctx, scope, anora.ID, 8, 6); err != nil {
			t.Fatal(err)
		}
		next, err := db.RatingsSince(ctx, scope, whole.Version)
		if err != nil || next.Full || len(next.Ratings) != 1 || next.Ratings[0].User != 8 || next.Version != 2 {
			t.Errorf("server %d, after a rating: %+v %v", scope, next, err)
		}
	}
}
