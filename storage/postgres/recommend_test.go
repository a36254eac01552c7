package postgres

import (
	"context"
	"testing"

	"github.com/filmbot/filmbot/storage"
)

// The log keeps storage.RatingLogKept versions: asked for the changes
// since a version older than that, RatingsSince reads every rating.
func TestRatingsSinceTooOld(t *testing.T) {
	ctx := context.Background()
	db := open(t, Options{})
	f, err := db.CreateFilm(ctx, 111, storage.Film{Title: "Tangerine", Year: 2015})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Rate(ctx, 111, f.ID, 1, 5); err != nil {
		t.Fatal(err)
	}
	c, _ := db.RatingsSince(ctx, 111, 0)
	// RatingLogKept more statements, each a version.
	if _, err := db.pool.Exec(ctx, `DO $$ BEGIN FOR k IN 1..4100 LOOP
		UPDATE ratings SET score = 1 + k % 10 WHERE scope = 111 AND user_id = 1; END LOOP; END $$`); err != nil {
		t.Fatal(err)
	}
	old, err := db.RatingsSince(ctx, 111, c.Version)
	if err != nil || !old.Full || len(old.Ratings) != 1 || old.Version != c.Version+4100 {
		t.Errorf("since a version no longer kept: %+v, %v; want every rating, Full, at version %d", old, err, c.Version+4100)
	}
	recent, err := db.RatingsSince(ctx, 111, old.Version-storage.RatingLogKept+1)
	if err != nil || recent.Full || len(recent.Ratings) != storage.RatingLogKept-1 {
		t.Errorf("since a version kept: Full %v, %d changes, %v", recent.Full, len(recent.Ratings), err)
	}
	var n int
	db.pool.QueryRow(ctx, "SELECT count(*) FROM rating_log WHERE scope = 111").Scan(&n)
	if n > storage.RatingLogKept {
		t.Errorf("the log holds %d changes, more than %d", n, storage.RatingLogKept)
	}
}
