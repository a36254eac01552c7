package postgres

import (
	"context"
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/filmbot/filmbot/storage"
	"github.com/filmbot/filmbot/storage/postgres/pgtest"
)

// A database at schema 8 (films before TMDB) migrates to 9: its rows
// still read, and its seed film becomes TMDB's Anora, found by its TMDB
// id instead of a second Anora being added.
func TestMigrationToSourced(t *testing.T) {
	url := pgtest.URL(t)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	for v := 1; v <= 8; v++ {
		names, _ := migrations.ReadDir("migrations")
		for _, n := range names {
			if n.Name()[:3] == fmt.Sprintf("%03d", v) {
				sql, _ := migrations.ReadFile("migrations/" + n.Name())
				if _, err := conn.Exec(ctx, string(sql)); err != nil {
					t.Fatalf("%s: %v", n.Name(), err)
				}
			}
		}
	}
	for _, q := range []string{
		`INSERT INTO meta VALUES ('schema', '8'), ('seeded', 'x')`,
		`INSERT INTO films VALUES (1, 0, 'Anora', 2024, '{"id":1,"scope":0,"title":"Anora","year":2024,"directors":["Sean Baker"],"created_at":"2026-01-01T00:00:00Z","updated_at":"2026-01-01T00:00:00Z"}')`,
		`INSERT INTO films VALUES (2, 111, 'Tangerine', 2015, '{"id":2,"scope":111,"title":"Tangerine","year":2015,"created_by":"9","created_at":"2026-01-01T00:00:00Z","updated_at":"2026-01-01T00:00:00Z"}')`,
		`SELECT setval('film_ids', 2)`,
	} {
		if _, err := conn.Exec(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	db := open2(t, url)
	seed, err := db.FilmByTMDB(ctx, 1064213)
	if err != nil || seed.ID != 1 || seed.IMDb != "tt28607951" || seed.Directors[0] != "Sean Baker" {
		t.Fatalf("the seed after migration 9: %+v, %v", seed, err)
	}
	if f, err := db.Film(ctx, 111, 2); err != nil || f.Title != "Tangerine" || f.TMDB != 0 {
		t.Errorf("an old row: %+v, %v", f, err)
	}
	f, err := db.SaveSourced(ctx, storage.Film{Title: "Anora", Year: 2024, TMDB: 1064213, Overview: "o"})
	if err != nil || f.ID != 1 || f.Directors != nil || f.Overview != "o" {
		t.Errorf("TMDB's Anora over the old seed: %+v, %v", f, err)
	}
	if films, _ := db.Films(ctx, 111); len(films) != 2 {
		t.Errorf("%d films", len(films))
	}
}

// Two processes (two pools on one database) saving the same new film at
// once store one row, and both get its id.
func TestSaveSourcedAcrossProcesses(t *testing.T) {
	url := pgtest.URL(t)
	a, b := open2(t, url), open2(t, url)
	for round := range 5 {
		id := uint64(1000 + round)
		ids := make(chan uint64, 8)
		start := make(chan struct{})
		for i := range 8 {
			db := a
			if i%2 == 1 {
				db = b
			}
			go func() {
				<-start
				f, err := db.SaveSourced(context.Background(), storage.Film{Title: "Same", Year: 2000, TMDB: id})
				if err != nil {
					t.Error(err)
				}
				ids <- f.ID
			}()
		}
		close(start)
		first := <-ids
		for range 7 {
			if got := <-ids; got != first {
				t.Fatalf("round %d: ids %d and %d for one TMDB film", round, first, got)
			}
		}
	}
	var n int
	if err := a.pool.QueryRow(context.Background(), "SELECT count(*) FROM films WHERE tmdb_id BETWEEN 1000 AND 1004").Scan(&n); err != nil || n != 5 {
		t.Errorf("%d rows for 5 films: %v", n, err)
	}
}
