package postgres

import (
	"context"
	"github.com/filmbot/filmbot/storage"
	"github.com/filmbot/filmbot/storage/storetest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/filmbot/filmbot/storage/postgres/pgtest"
)

// BenchmarkRate64 drives 64 concurrent raters through DB.Rate and, in the
// same run and on the same database, through a bare INSERT … ON CONFLICT
// loop with no aggregate (one statement, one commit per rating), and
// reports both rates and their ratio. DB.Rate commits concurrent ratings
// in groups (rater.go); BenchmarkRate1 shows one rater alone, where there
// is nothing to group.
//
//	go test -run '^$' -bench 'Rate(64|1)$' -benchtime 20000x ./storage/postgres
func BenchmarkRate64(b *testing.B) { benchRate(b, 64) }

// BenchmarkRate1 is BenchmarkRate64 with one rater.
func BenchmarkRate1(b *testing.B) { benchRate(b, 1) }

func benchRate(b *testing.B, writers int) {
	db, err := Open(context.Background(), pgtest.URL(b), Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	run := func(op func(user uint64, score int) error) float64 {
		var next atomic.Int64
		var wg sync.WaitGroup
		start := time.Now()
		for range writers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					n := next.Add(1)
					if n > int64(b.N) {
						return
					}
					if err := op(uint64(n%5000), 1+int(n%10)); err != nil {
						b.Error(err)
						return
					}
				}
			}()
		}
		wg.Wait()
		return float64(b.N) / time.Since(start).Seconds()
	}
	b.ResetTimer()
	raw := run(func(user uint64, score int) error {
		_, err := db.pool.Exec(ctx, `INSERT INTO ratings (scope, film_id, user_id, score, rated_at) VALUES (222, 1, $1, $2, now())
			ON CONFLICT (scope, film_id, user_id) DO UPDATE SET score = EXCLUDED.score, rated_at = EXCLUDED.rated_at`, int64(user), score)
		return err
	})
	store := run(func(user uint64, score int) error {
		_, err := db.Rate(ctx, 111, 1, user, score)
		return err
	})
	b.ReportMetric(store, "ratings/s")
	b.ReportMetric(raw, "raw/s")
	b.ReportMetric(store/raw, "ratio")
}

// BenchmarkImport5000 imports a member's 5,000 ratings in one transaction.
//
//	go test -run '^$' -bench Import5000 ./storage/postgres
func BenchmarkImport5000(b *testing.B) {
	storetest.BenchImport(b, func(b *testing.B) storage.Store {
		db, err := Open(context.Background(), pgtest.URL(b), Options{NoSeed: true})
		if err != nil {
			b.Fatal(err)
		}
		return db
	})
}

// BenchmarkAddFilms10000 adds a 10,000-film list in one transaction.
//
//	go test -run '^$' -bench AddFilms ./storage/...
func BenchmarkAddFilms10000(b *testing.B) {
	storetest.BenchAddFilms(b, func(b *testing.B) storage.Store {
		db, err := Open(context.Background(), pgtest.URL(b), Options{NoSeed: true})
		if err != nil {
			b.Fatal(err)
		}
		return db
	})
}
