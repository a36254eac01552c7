package postgres

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/filmbot/filmbot/storage"
	"github.com/filmbot/filmbot/storage/postgres/pgtest"
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

// Servers rated before migration 11 start at ratings version 1, so that
// a model read whole once is caught up from the log after, not read
// whole on every answer until the server's next rating.
func TestRatingsBeforeMigration11GetAVersion(t *testing.T) {
	url := pgtest.URL(t)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	names, _ := migrations.ReadDir("migrations")
	for _, n := range names {
		if n.Name() >= "011" {
			break
		}
		sql, _ := migrations.ReadFile("migrations/" + n.Name())
		if _, err := conn.Exec(ctx, string(sql)); err != nil {
			t.Fatalf("%s: %v", n.Name(), err)
		}
	}
	for _, q := range []string{
		`INSERT INTO meta VALUES ('schema', '10'), ('seeded', 'x')`,
		`INSERT INTO films VALUES (2, 111, 'Tangerine', 2015, '{"id":2,"scope":111,"title":"Tangerine","year":2015,"created_at":"2026-01-01T00:00:00Z","updated_at":"2026-01-01T00:00:00Z"}')`,
		`SELECT setval('film_ids', 2)`,
		`INSERT INTO ratings VALUES (111, 2, 7, 8, now()), (111, 2, 8, 6, now())`,
	} {
		if _, err := conn.Exec(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	db := open2(t, url)
	whole, err := db.RatingsSince(ctx, 111, 0)
	if err != nil || !whole.Full || whole.Version != 1 || len(whole.Ratings) != 2 {
		t.Fatalf("first read: %+v %v", whole, err)
	}
	again, err := db.RatingsSince(ctx, 111, whole.Version)
	if err != nil || again.Full || len(again.Ratings) != 0 {
		t.Errorf("read again: %+v %v (read whole again)", again, err)
	}
	if _, err := db.Rate(ctx, 111, 2, 9, 10); err != nil {
		t.Fatal(err)
	}
	next, err := db.RatingsSince(ctx, 111, whole.Version)
	if err != nil || next.Full || len(next.Ratings) != 1 || next.Ratings[0].User != 9 || next.Version != 2 {
		t.Errorf("after a rating: %+v %v", next, err)
	}
}
