package commands

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"testing"
	"time"

	"github.com/filmbot/filmbot/recommend"
	"github.com/filmbot/filmbot/storage"
	"github.com/filmbot/filmbot/storage/bolt"
)

// BenchmarkRecommendModel is what keeping a server's model current costs
// an answer, on a bbolt store of 1,000 members, 1,000 films and 100,000
// ratings: "current" (nothing changed: one read of the version), "one
// new rating" (a rating, then the catch-up), against "rebuild" (reading
// every rating and building the model, what a model without the
// version would do on every answer).
func BenchmarkRecommendModel(b *testing.B) {
	ctx := context.Background()
	db, err := bolt.Open(filepath.Join(b.TempDir(), "b.db"), bolt.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	scope := storage.Scope(111)
	var films []storage.Film
	for k := range 1000 {
		films = append(films, storage.Film{Title: fmt.Sprintf("Film %d", k), Year: 1950 + k%70})
	}
	if films, err = db.AddFilms(ctx, scope, films); err != nil {
		b.Fatal(err)
	}
	r := rand.New(rand.NewPCG(1, 2))
	for u := range uint64(1000) {
		rs := make([]storage.Rating, 0, 100)
		for _, k := range r.Perm(len(films))[:100] {
			rs = append(rs, storage.Rating{Film: films[k].ID, Score: 1 + r.IntN(10), At: time.Now()})
		}
		if _, err := db.ImportRatings(ctx, scope, 1000+u, rs); err != nil {
			b.Fatal(err)
		}
	}
	recs := newRecModels(db)
	if _, err := recs.model(ctx, scope); err != nil {
		b.Fatal(err)
	}
	b.Run("current", func(b *testing.B) {
		for b.Loop() {
			if _, err := recs.model(ctx, scope); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("one new rating", func(b *testing.B) {
		k := 0
		for b.Loop() {
			k++
			if _, err := db.Rate(ctx, scope, films[k%len(films)].ID, 5000, 1+k%10); err != nil {
				b.Fatal(err)
			}
			if _, err := recs.model(ctx, scope); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("rebuild", func(b *testing.B) {
		for b.Loop() {
			c, err := db.RatingsSince(ctx, scope, 0)
			if err != nil {
				b.Fatal(err)
			}
			rs := make([]recommend.Rating, 0, len(c.Ratings))
			for _, x := range c.Ratings {
				rs = append(rs, recommend.Rating{User: x.User, Film: x.Film, Score: x.Score})
			}
			recommend.New(rs)
		}
	})
}
