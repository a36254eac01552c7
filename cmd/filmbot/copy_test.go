package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/filmbot/filmbot/storage"
	"github.com/filmbot/filmbot/storage/bolt"
	"github.com/filmbot/filmbot/storage/postgres/pgtest"
)

var clockTime = time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)

// fillBolt makes a bbolt database with a server's film, a review and
// ratings in two servers.
func fillBolt(t testing.TB, path string, ratings int) (film, review uint64) {
	t.Helper()
	ctx := context.Background()
	db, err := bolt.Open(path, bolt.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	f, err := db.CreateFilm(ctx, 111, storage.Film{Title: "Tangerine", Year: 2015}, strings.ToLower)
	if err != nil {
		t.Fatal(err)
	}
	r, err := db.AddReview(ctx, 111, storage.Review{FilmID: f.ID, Reviewer: "Roger", Excerpts: []storage.Excerpt{{Text: "One."}, {Text: "Two.", Spoiler: true}}})
	if err != nil {
		t.Fatal(err)
	}
	db.UpdateSettings(ctx, 111, func(s *storage.Settings) { s.ModRole = "77" })
	loadRatings(t, db, ratings, func(u int) storage.Rating {
		scope, film := storage.Scope(111), f.ID
		if u%3 == 0 {
			scope, film = 222, 1
		}
		return storage.Rating{Scope: scope, Film: film, User: uint64(u + 1), Score: 1 + u%10, At: clockTime}
	})
	return f.ID, r.ID
}

// loadRatings loads n ratings, rating(u) for each u, through the restore
// path, in batches that keep the fixture's memory small.
func loadRatings(t testing.TB, db *bolt.DB, n int, rating func(u int) storage.Rating) {
	t.Helper()
	recs := make([]storage.Record, 0, min(n, 50000))
	flush := func() {
		if err := db.Load(context.Background(), recs); err != nil {
			t.Fatal(err)
		}
		recs = recs[:0]
	}
	for u := range n {
		r := rating(u)
		recs = append(recs, storage.Record{Rating: &r})
		if len(recs) == cap(recs) {
			flush()
		}
	}
	flush()
}

// filmbot copy moves a whole database from bbolt to PostgreSQL and back,
// ids kept (old buttons still work), counts checked, and refuses a
// target that holds anything.
func TestCopyBothWays(t *testing.T) {
	url := pgtest.URL(t)
	dir := t.TempDir()
	src := filepath.Join(dir, "src.db")
	film, review := fillBolt(t, src, 300)
	code, out, errs := runMain(t, env(src), "copy", src, url)
	if code != 0 || !strings.Contains(out, "300 ratings in 2 servers") || !strings.Contains(out, "counts checked") {
		t.Fatalf("bbolt → PostgreSQL: exit %d\n%s%s", code, out, errs)
	}
	// The review's button still finds it, now on PostgreSQL.
	code, out, _ = runMain(t, env(url), "try", "--guild", "111", "--click", fmt.Sprintf("rev:show:%d:2", review))
	if code != 0 || !strings.Contains(out, "Two.") {
		t.Errorf("an old button on the copy: exit %d\n%s", code, out)
	}
	code, out, _ = runMain(t, env(url), "try", "--guild", "111", "/film film:id:"+strconv.FormatUint(film, 10))
	if code != 0 || !strings.Contains(out, "from 200 ·") {
		t.Errorf("ratings on the copy: %s", out)
	}
	back := filepath.Join(dir, "back.db")
	if code, out, errs := runMain(t, env(back), "copy", url, back); code != 0 || !strings.Contains(out, "300 ratings") {
		t.Fatalf("PostgreSQL → bbolt: exit %d\n%s%s", code, out, errs)
	}
	if code, _, errs := runMain(t, env(src), "copy", src, url); code != 1 || !strings.Contains(errs, "empty") {
		t.Errorf("copy into a non-empty target: exit %d %s", code, errs)
	}
	if code, _, errs := runMain(t, env(src), "copy", src); code != 2 || !strings.Contains(errs, "Usage: filmbot copy SRC DST") {
		t.Errorf("one argument: exit %d %s", code, errs)
	}
	if strings.Contains(errs, "filmbot_ci:") || strings.Contains(out, "@127") {
		t.Error("a password was printed")
	}
	os.Remove(back)
}

// BenchmarkCopy times `filmbot copy` of a bbolt database to PostgreSQL:
// FILMBOT_COPY_RATINGS ratings (default 20,000; the goal is 1,000,000 in
// under 60 s). Filling the source is not timed.
//
//	FILMBOT_COPY_RATINGS=1000000 go test -run '^$' -bench Copy -benchtime 1x ./cmd/filmbot
func BenchmarkCopy(b *testing.B) {
	n := 20000
	if v, err := strconv.Atoi(os.Getenv("FILMBOT_COPY_RATINGS")); err == nil && v > 0 {
		n = v
	}
	src := filepath.Join(b.TempDir(), "src.db")
	fillBolt(b, src, n)
	for b.Loop() {
		b.StopTimer()
		url := pgtest.URL(b)
		b.StartTimer()
		var out, errs strings.Builder
		if code := Main(context.Background(), []string{"copy", src, url}, env(src), &out, &errs); code != 0 {
			b.Fatalf("copy: exit %d %s", code, errs.String())
		}
	}
	b.ReportMetric(float64(n)/(b.Elapsed().Seconds()/float64(b.N)), "ratings/s")
}
