package commands

import (
	"context"
	"testing"

	"github.com/filmbot/filmbot/storage"
)

// BenchmarkRatingsChart is what the /ratings chart costs: drawn alone,
// and a whole /ratings of a film 45 members rated (over a real bbolt
// store) with the chart drawn afresh each time ("uncached") and as it is
// when the chart was drawn before ("cached": a page button, or a second
// look). go test ./commands -run '^$' -bench RatingsChart -benchmem
func BenchmarkRatingsChart(b *testing.B) {
	a := storage.Aggregate{Hist: [storage.MaxScore]int{1, 0, 2, 1, 3, 5, 9, 12, 6, 2}}
	for k, n := range a.Hist {
		a.Count += n
		a.Sum += (k + 1) * n
	}
	b.Run("draw", func(b *testing.B) {
		for b.Loop() {
			benchDrawChart(a)
		}
	})
	e := newEnv(b)
	ctx := context.Background()
	for u := 1; u <= 45; u++ {
		e.db.Rate(ctx, 111, 1, uint64(u), 1+u%10)
	}
	run := e.cmds["ratings"].Run
	i := as(slash(guildA, "ratings", opt("film", "anora")), "8")
	b.Run("ratings/uncached", func(b *testing.B) {
		for b.Loop() {
			benchForgetCharts()
			if _, err := run(ctx, i); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("ratings/cached", func(b *testing.B) {
		for b.Loop() {
			if _, err := run(ctx, i); err != nil {
				b.Fatal(err)
			}
		}
	})
}
