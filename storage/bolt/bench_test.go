package bolt

import (
	"github.com/filmbot/filmbot/storage"
	"github.com/filmbot/filmbot/storage/storetest"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	bbolt "go.etcd.io/bbolt"
)

// rawGroupCommit is the baseline: the least a group commit over bbolt can
// do for one rating (one key put per write, one fsync per group), with no
// aggregates, no validation and no indexes.
func rawGroupCommit(b *testing.B, writers, total int) time.Duration {
	db, err := bbolt.Open(filepath.Join(b.TempDir(), "raw.db"), 0o600, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	db.Update(func(tx *bbolt.Tx) error { _, err := tx.CreateBucketIfNotExists([]byte("r")); return err })
	type req struct {
		k    []byte
		done chan error
	}
	q := make(chan req, 1024)
	go func() {
		for first := range q {
			group := []req{first}
		drain:
			for {
				select {
				case r, ok := <-q:
					if !ok {
						break drain
					}
					group = append(group, r)
				default:
					break drain
				}
			}
			err := db.Update(func(tx *bbolt.Tx) error {
				bk := tx.Bucket([]byte("r"))
				for _, r := range group {
					if err := bk.Put(r.k, []byte{5}); err != nil {
						return err
					}
				}
				return nil
			})
			for _, r := range group {
				r.done <- err
			}
		}
	}()
	defer close(q)
	return drive(writers, total, func(n uint64) error {
		done := make(chan error, 1)
		q <- req{key(n), done}
		return <-done
	})
}

// drive runs total writes from writers goroutines and returns the time.
func drive(writers, total int, write func(n uint64) error) time.Duration {
	var next atomic.Uint64
	var wg sync.WaitGroup
	start := time.Now()
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				n := next.Add(1)
				if n > uint64(total) {
					return
				}
				if err := write(n); err != nil {
					panic(err)
				}
			}
		}()
	}
	wg.Wait()
	return time.Since(start)
}

// BenchmarkRate measures confirmed, durable ratings through DB.Rate (group
// commit, aggregates and indexes in the same transaction) against a raw
// bbolt group-commit loop run in the same benchmark, and reports both
// rates and their ratio. writes/op is 1: ns/op is per rating.
func BenchmarkRate(b *testing.B) {
	for _, writers := range []int{1, 16, 64} {
		b.Run(map[int]string{1: "writers=1", 16: "writers=16", 64: "writers=64"}[writers], func(b *testing.B) {
			db, err := Open(filepath.Join(b.TempDir(), "b.db"), Options{})
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			const g = Scope(1)
			b.ResetTimer()
			ours := drive(writers, b.N, func(n uint64) error {
				_, err := db.Rate(ctx, g, 1, n, int(n%10)+1)
				return err
			})
			b.StopTimer()
			raw := rawGroupCommit(b, writers, b.N)
			oursRate := float64(b.N) / ours.Seconds()
			rawRate := float64(b.N) / raw.Seconds()
			b.ReportMetric(oursRate, "ratings/s")
			b.ReportMetric(rawRate, "raw-writes/s")
			b.ReportMetric(oursRate/rawRate, "ratio")
		})
	}
}

// BenchmarkImport5000 imports a member's 5,000 ratings in one transaction.
//
//	go test -run '^$' -bench Import5000 ./storage/bolt
func BenchmarkImport5000(b *testing.B) {
	storetest.BenchImport(b, func(b *testing.B) storage.Store {
		db, err := Open(filepath.Join(b.TempDir(), "i.db"), Options{NoSeed: true})
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
		db, err := Open(filepath.Join(b.TempDir(), "f.db"), Options{NoSeed: true})
		if err != nil {
			b.Fatal(err)
		}
		return db
	})
}
