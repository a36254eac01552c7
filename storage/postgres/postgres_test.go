package postgres

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/filmbot/filmbot/storage"
	"github.com/filmbot/filmbot/storage/postgres/pgtest"
	"github.com/filmbot/filmbot/storage/storetest"
)

func open(t *testing.T, opts Options) *DB {
	t.Helper()
	db, err := Open(context.Background(), pgtest.URL(t), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T, now func() time.Time) storage.Store {
		return open(t, Options{Now: now})
	}, func(t *testing.T) storage.Store {
		return open(t, Options{NoSeed: true})
	})
}

// Ten processes starting at once on a new database migrate it once; a
// database migrated by a newer filmbot is refused.
func TestMigrationsOnceAndNewerRefused(t *testing.T) {
	url := pgtest.URL(t)
	ctx := context.Background()
	errs := make(chan error, 10)
	for range 10 {
		go func() {
			db, err := Open(ctx, url, Options{})
			if err == nil {
				db.Close()
			}
			errs <- err
		}()
	}
	for range 10 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	db, err := Open(ctx, url, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if films, _ := db.Films(ctx, storage.BuiltIn); len(films) != 1 {
		t.Errorf("%d built-in films after ten starts, want 1", len(films))
	}
	db.pool.Exec(ctx, "UPDATE meta SET value = '999' WHERE key = 'schema'")
	if _, err := Open(ctx, url, Options{}); err == nil || !strings.Contains(err.Error(), "newer") {
		t.Errorf("a newer schema: %v", err)
	}
}

// Two processes (two pools) rating the same film at once keep one rating
// per member, and the aggregate is the ratings'.
func TestTwoProcessesRate(t *testing.T) {
	ctx := context.Background()
	a, b := twoProcesses(t)
	var wg sync.WaitGroup
	for w := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			db := a
			if w%2 == 1 {
				db = b
			}
			for k := range 40 {
				if _, err := db.Rate(ctx, 111, 1, uint64(k%10), 1+(w+k)%10); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	rs, _ := a.FilmRatings(ctx, 111, 1)
	agg, _ := b.Aggregate(ctx, 111, 1)
	sum := 0
	for _, r := range rs {
		sum += r.Score
	}
	if len(rs) != 10 || agg.Count != 10 || agg.Sum != sum {
		t.Errorf("%d ratings (want 10), aggregate %+v (sum %d)", len(rs), agg, sum)
	}
}

// A server that cannot be reached is storage.ErrUnavailable.
func TestUnreachable(t *testing.T) {
	_, err := Open(context.Background(), "postgres://filmbot:secret@127.0.0.1:1/x?sslmode=disable&connect_timeout=1", Options{})
	if !errors.Is(err, storage.ErrUnavailable) || strings.Contains(err.Error(), "secret") {
		t.Errorf("unreachable: %v", err)
	}
}

// TestCrashLosesNoConfirmedRating rates from a child process, kills it
// with SIGKILL mid-load, and finds every rating it confirmed.
func TestCrashLosesNoConfirmedRating(t *testing.T) {
	if url := os.Getenv("FILMBOT_PG_CRASH_CHILD"); url != "" {
		crashChild(url)
		return
	}
	url := pgtest.URL(t)
	if db, err := Open(context.Background(), url, Options{}); err != nil { // migrated before the child starts
		t.Fatal(err)
	} else {
		db.Close()
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashLosesNoConfirmedRating$")
	cmd.Env = append(os.Environ(), "FILMBOT_PG_CRASH_CHILD="+url)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	timer := time.AfterFunc(time.Minute, func() { cmd.Process.Kill() }) // never hang on a broken child
	defer timer.Stop()
	confirmed := map[uint64]int{}
	sc := bufio.NewScanner(out)
	for sc.Scan() && len(confirmed) < 1500 {
		var user uint64
		var score int
		if _, err := fmt.Sscanf(sc.Text(), "ok %d %d", &user, &score); err == nil {
			confirmed[user] = score
		}
	}
	cmd.Process.Kill()
	cmd.Wait()
	if len(confirmed) < 1500 {
		t.Fatalf("child confirmed only %d ratings", len(confirmed))
	}
	db := open2(t, url)
	for user, score := range confirmed {
		r, err := db.UserRating(context.Background(), 111, 1, user)
		if err != nil || r.Score != score {
			t.Fatalf("confirmed rating of user %d (%d) lost: %+v %v", user, score, r, err)
		}
	}
}

func open2(t *testing.T, url string) *DB {
	db, err := Open(context.Background(), url, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func crashChild(url string) {
	db, err := Open(context.Background(), url, Options{})
	if err != nil {
		fmt.Println("open:", err)
		os.Exit(1)
	}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for w := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := 0; ; k++ {
				user := uint64(w*100000 + k)
				score := 1 + k%10
				if _, err := db.Rate(context.Background(), 111, 1, user, score); err != nil {
					fmt.Fprintln(os.Stderr, "child:", err)
					os.Exit(1)
				}
				mu.Lock()
				fmt.Printf("ok %d %d\n", user, score)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
}

// A database at schema 2 (reviews with their whole text in the record)
// is upgraded by migration 3 on open: the same reviews, read whole or
// one paragraph at a time.
func TestUpgradeToParagraphs(t *testing.T) {
	url := pgtest.URL(t)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	for _, name := range []string{"migrations/001_schema.sql", "migrations/002_aggregates.sql"} {
		sql, _ := migrations.ReadFile(name)
		if _, err := conn.Exec(ctx, string(sql)); err != nil {
			t.Fatal(err)
		}
	}
	for _, q := range []string{
		`INSERT INTO meta VALUES ('schema', '2'), ('seeded', 'x')`,
		`INSERT INTO films VALUES (1, 0, 'Anora', 2024, '{"id":1,"scope":0,"title":"Anora","year":2024}')`,
		`INSERT INTO reviews VALUES (7, 111, 1, now(), '{"id":7,"film_id":1,"scope":111,"reviewer":"Old","excerpts":[{"text":"one"},{"text":"two","spoiler":true}],"posted_at":"2026-01-01T00:00:00Z"}')`,
	} {
		if _, err := conn.Exec(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	db := open2(t, url)
	r, err := db.Review(ctx, 111, 7)
	if err != nil || len(r.Excerpts) != 2 || r.Paragraphs != 2 || !r.Excerpts[1].Spoiler || r.Excerpts[0].Text != "one" {
		t.Errorf("after migration 3: %+v %v", r, err)
	}
	h, e, err := db.Excerpt(ctx, 111, 7, 2)
	if err != nil || e.Text != "two" || h.Reviewer != "Old" {
		t.Errorf("one paragraph: %+v %+v %v", h, e, err)
	}
}
