package bolt

import (
	"context"
	"fmt"
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
