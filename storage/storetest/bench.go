package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/filmbot/filmbot/storage"
)

// BenchImport measures ImportRatings of a member's 5,000 ratings (one
// Letterboxd export) into a store open returns empty, with 5,000 films
// loaded; it reports ratings/s. The goal is under a second per import.
func BenchImport(b *testing.B, open func(b *testing.B) storage.Store) {
	const n = 5000
	db := open(b)
	defer db.Close()
	ctx := context.Background()
	cp, ok := db.(storage.Copier)
	if !ok {
		b.Skip("the store cannot be loaded in bulk")
	}
	var recs []storage.Record
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for k := 1; k <= n; k++ {
		recs = append(recs, storage.Record{Film: &storage.Film{ID: uint64(k), Title: fmt.Sprintf("Film %d", k), Year: 2000, CreatedAt: now, UpdatedAt: now}})
	}
	if err := cp.Load(ctx, recs); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	start := time.Now()
	for it := range b.N {
		rs := make([]storage.Rating, n)
		for k := range rs {
			rs[k] = storage.Rating{Film: uint64(k + 1), Score: 1 + (k+it)%10, At: now}
		}
		got, err := db.ImportRatings(ctx, 111, uint64(700+it), rs)
		if err != nil || got.Added != n {
			b.Fatalf("%+v %v", got, err)
		}
	}
	b.ReportMetric(float64(n*b.N)/time.Since(start).Seconds(), "ratings/s")
}

// BenchAddFilms measures AddFilms of a 10,000-film list into a store open
// returns empty; it reports films/s. The goal is under a second per list.
func BenchAddFilms(b *testing.B, open func(b *testing.B) storage.Store) {
	const n = 10000
	db := open(b)
	defer db.Close()
	ctx := context.Background()
	b.ResetTimer()
	start := time.Now()
	for it := range b.N {
		fs := make([]storage.Film, n)
		for k := range fs {
			fs[k] = storage.Film{Title: fmt.Sprintf("Film %d of list %d", k, it), Year: 2000, Letterboxd: "https://boxd.it/x"}
		}
		added, err := db.AddFilms(ctx, storage.Scope(111+it), fs)
		if err != nil || len(added) != n {
			b.Fatalf("%d added, %v", len(added), err)
		}
	}
	b.ReportMetric(float64(n*b.N)/time.Since(start).Seconds(), "films/s")
}
