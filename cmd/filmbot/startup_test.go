package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/filmbot/filmbot/sandbox"
	"github.com/filmbot/filmbot/storage"
	"github.com/filmbot/filmbot/storage/bolt"
)

// BenchmarkStartup times `filmbot run` on a big bbolt database (50,000
// films and FILMBOT_STARTUP_RATINGS ratings, default 1,000,000, in one
// server; filling it is not timed) from the start to the first /review
// answer through the sandbox, and then the first autocomplete (which
// builds the server's 50,000-film index). The goal is under 300 ms to the
// first answer.
//
//	go test -run '^$' -bench Startup -benchtime 3x ./cmd/filmbot
func BenchmarkStartup(b *testing.B) {
	n := 1_000_000
	if v, err := strconv.Atoi(os.Getenv("FILMBOT_STARTUP_RATINGS")); err == nil && v > 0 {
		n = v
	}
	path := filepath.Join(b.TempDir(), "big.db")
	fillBig(b, path, 50_000, n)
	fi, _ := os.Stat(path)
	var first, auto time.Duration
	for b.Loop() {
		b.StopTimer()
		sb, err := sandbox.Start(sandbox.Options{})
		if err != nil {
			b.Fatal(err)
		}
		ctx, stop := context.WithCancel(context.Background())
		done := make(chan int, 1)
		getenv := env(path, "DISCORD_TOKEN", sb.Token(), "DISCORD_API_URL", sb.URL, "LOG_LEVEL", "error")
		b.StartTimer()
		began := time.Now()
		go func() { done <- Main(ctx, []string{"run"}, getenv, io.Discard, io.Discard) }()
		wctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		if _, err := sb.WaitCommands(wctx, ""); err != nil {
			b.Fatal(err)
		}
		a, _, err := sb.Do(wctx, sandbox.Viewer, "/review film:anora")
		if err != nil || a.Message == nil || len(a.Message.Cards()) == 0 {
			b.Fatalf("first answer: %v %+v", err, a)
		}
		first += time.Since(began)
		t := time.Now()
		ix, err := sb.Autocomplete(sandbox.Viewer, `/review film:"film 4999"`, "film")
		if err != nil {
			b.Fatal(err)
		}
		if ans, err := ix.Wait(wctx); err != nil || len(ans.Choices) == 0 {
			b.Fatalf("first autocomplete: %v %+v", err, ans)
		}
		auto += time.Since(t)
		b.StopTimer()
		cancel()
		stop()
		<-done
		sb.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(first.Milliseconds())/float64(b.N), "ms-to-first-answer")
	b.ReportMetric(float64(auto.Milliseconds())/float64(b.N), "ms-first-autocomplete")
	b.ReportMetric(float64(fi.Size())/(1<<20), "MiB-db")
}

// fillBig writes films films and ratings ratings into server 111 (the
// sandbox's first server) of a new bbolt file.
func fillBig(t testing.TB, path string, films, ratings int) {
	t.Helper()
	ctx := context.Background()
	db, err := bolt.Open(path, bolt.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	scope, _ := storage.ParseScope(sandbox.Viewer.GuildID)
	fs := make([]storage.Film, films)
	for k := range fs {
		fs[k] = storage.Film{Title: fmt.Sprintf("Film %d", k), Year: 1950 + k%70}
	}
	added, err := db.AddFilms(ctx, scope, fs)
	if err != nil || len(added) != films {
		t.Fatalf("%d films: %v", len(added), err)
	}
	loadRatings(t, db, ratings, func(u int) storage.Rating {
		return storage.Rating{Scope: scope, Film: added[u%len(added)].ID, User: uint64(600000000000000000 + u/len(added)), Score: 1 + u%10, At: clockTime}
	})
}
