package commands

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"strconv"
	"testing"
	"time"

	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"

	"github.com/filmbot/filmbot/locale"
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
	// The old chart and the new, one after the other in each round, so
	// that the load of the machine weighs on both alike: new/old is the
	// ratio of their times.
	b.Run("draw-vs-old", func(b *testing.B) {
		en := locale.For(locale.English)
		var old, new time.Duration
		for b.Loop() {
			t0 := time.Now()
			oldChartPNG(a)
			t1 := time.Now()
			drawChart(en, a, 8)
			old, new = old+t1.Sub(t0), new+time.Since(t1)
		}
		b.ReportMetric(float64(old.Nanoseconds())/float64(b.N), "old-ns/op")
		b.ReportMetric(float64(new.Nanoseconds())/float64(b.N), "new-ns/op")
		b.ReportMetric(float64(new)/float64(old), "new/old")
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

// oldChartPNG is the chart as it was before issue 28 (bars and 7×13
// bitmap digits on a dark background), kept as the benchmark's baseline.
func oldChartPNG(a storage.Aggregate) []byte {
	const w, h, pad, bottom, top = 420, 220, 20, 24, 20
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	bg := color.RGBA{0x2b, 0x2d, 0x31, 0xff} // Discord's dark embed background
	bar := color.RGBA{0xe0, 0xa5, 0x26, 0xff}
	text := color.RGBA{0xdb, 0xde, 0xe1, 0xff}
	draw.Draw(img, img.Bounds(), &image.Uniform{bg}, image.Point{}, draw.Src)
	most := 1
	for _, n := range a.Hist {
		most = max(most, n)
	}
	slot := (w - 2*pad) / storage.MaxScore
	label := func(s string, x, y int) {
		d := &font.Drawer{Dst: img, Src: &image.Uniform{text}, Face: basicfont.Face7x13,
			Dot: fixed.P(x-font.MeasureString(basicfont.Face7x13, s).Round()/2, y)}
		d.DrawString(s)
	}
	for s, n := range a.Hist {
		x0 := pad + s*slot + 4
		x1 := x0 + slot - 8
		bh := (h - bottom - top) * n / most
		draw.Draw(img, image.Rect(x0, h-bottom-bh, x1, h-bottom), &image.Uniform{bar}, image.Point{}, draw.Src)
		label(strconv.Itoa(s+1), (x0+x1)/2, h-6)
		if n > 0 {
			label(strconv.Itoa(n), (x0+x1)/2, h-bottom-bh-4)
		}
	}
	var buf bytes.Buffer
	png.Encode(&buf, img) // writing to memory cannot fail
	return buf.Bytes()
}
