package commands

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"math"
	"sync"
	"testing"

	"github.com/bwmarrin/discordgo"
	"golang.org/x/image/font/sfnt"

	"github.com/filmbot/filmbot/locale"
	"github.com/filmbot/filmbot/storage"
)

// benchDrawChart and benchForgetCharts are what BenchmarkRatingsChart
// measures (on main's commit they call the old chart).
func benchDrawChart(a storage.Aggregate) []byte { return drawChart(locale.For(locale.English), a, 8) }
func benchForgetCharts()                        { forgetCharts() }

func forgetCharts() {
	chartCache.Lock()
	chartCache.m = map[chartKey][]byte{}
	chartCache.ring, chartCache.next = nil, 0
	chartCache.Unlock()
}

// aggregateOf is the aggregate of hist (hist[s-1] ratings of score s).
func aggregateOf(hist ...int) storage.Aggregate {
	var a storage.Aggregate
	copy(a.Hist[:], hist)
	for k, n := range a.Hist {
		a.Count += n
		a.Sum += (k + 1) * n
	}
	return a
}

func decodeChart(t *testing.T, b []byte) *image.RGBA {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("the chart is not a PNG: %v", err)
	}
	out := image.NewRGBA(img.Bounds())
	for y := img.Bounds().Min.Y; y < img.Bounds().Max.Y; y++ {
		for x := img.Bounds().Min.X; x < img.Bounds().Max.X; x++ {
			out.Set(x, y, img.At(x, y))
		}
	}
	return out
}

// columns are the x of the pixels of colour c in row y.
func columns(img *image.RGBA, y int, c color.RGBA) []int {
	var xs []int
	for x := 0; x < img.Bounds().Dx(); x++ {
		if img.RGBAAt(x, y) == c {
			xs = append(xs, x)
		}
	}
	return xs
}

// runs are the centres of the runs of consecutive xs.
func runs(xs []int) []float64 { return runsGap(xs, 1) }

// runsGap are the centres of the runs of xs, a gap of less than gap
// pixels not ending a run.
func runsGap(xs []int, gap int) []float64 {
	var out []float64
	for k := 0; k < len(xs); {
		j := k
		for j+1 < len(xs) && xs[j+1] <= xs[j]+gap {
			j++
		}
		out = append(out, float64(xs[k]+xs[j])/2)
		k = j + 1
	}
	return out
}

// The average is a solid line and the median a dashed one, each where
// its value falls on the 1–10 axis (found from the bars' own positions),
// each with its label above.
func TestChartMarksAverageAndMedian(t *testing.T) {
	// 1, 1, 8, 8, 8: average 5.2, median 8.
	a := aggregateOf(2, 0, 0, 0, 0, 0, 0, 3)
	img := decodeChart(t, drawChart(locale.For(locale.English), a, 0))
	// A bar is cut by a line across it: a gap of a few pixels.
	bars := runsGap(columns(img, chartPx(chartBase)-1, chartBar), chartPx(chartLine+2*chartHalo)+1)
	if len(bars) != 2 {
		t.Fatalf("bars found at %v, want scores 1 and 8", bars)
	}
	slot := (bars[1] - bars[0]) / 7
	at := func(v float64) float64 { return bars[0] + (v-1)*slot }

	// The average: solid, every row from the plot's top to the axis.
	top, base := chartPx(chartPlotTop), chartPx(chartBase)
	var avgX []float64
	for y := top; y < base; y++ {
		r := runs(columns(img, y, chartAverage))
		if len(r) != 1 {
			t.Fatalf("row %d: average line at %v, want one line", y, r)
		}
		avgX = append(avgX, r[0])
	}
	if x := avgX[len(avgX)/2]; math.Abs(x-at(5.2)) > 2 {
		t.Errorf("average line at x=%.1f, want %.1f (5.2 on the axis)", x, at(5.2))
	}
	// The median: dashed, across the bar of 8 with a gap cut around it.
	on, off := 0, 0
	for y := chartPx(chartRow2 + 6); y < base; y++ {
		r := runs(columns(img, y, chartMedian))
		switch {
		case len(r) == 1 && math.Abs(r[0]-at(8)) <= 2:
			on++
		case len(r) == 0:
			off++
			if c := img.RGBAAt(int(at(8)), y); c == chartBar {
				t.Errorf("row %d: a dash's gap shows the bar, not the background", y)
			}
		default:
			t.Fatalf("row %d: median line at %v, want %.1f (8 on the axis)", y, r, at(8))
		}
	}
	if on == 0 || off == 0 || on < off {
		t.Errorf("median line: %d rows drawn, %d gaps: want a dashed line", on, off)
	}
	// Their labels: the average's in the first row, the median's in the
	// second, each near its line.
	label := func(c color.RGBA, row float64) (n int, centre float64) {
		lo, hi := math.MaxInt, 0
		for y := chartPx(row - 11); y <= chartPx(row+3); y++ {
			for _, x := range columns(img, y, c) {
				n++
				lo, hi = min(lo, x), max(hi, x)
			}
		}
		return n, float64(lo+hi) / 2
	}
	if n, x := label(chartAverage, chartRow1); n < 100 || math.Abs(x-at(5.2)) > 20*chartScale {
		t.Errorf("average's label: %d pixels centred at %.0f, want near %.0f", n, x, at(5.2))
	}
	if n, x := label(chartMedian, chartRow2); n < 100 || math.Abs(x-at(8)) > 20*chartScale {
		t.Errorf("median's label: %d pixels centred at %.0f, want near %.0f", n, x, at(8))
	}
	// Another distribution moves the lines.
	img = decodeChart(t, drawChart(locale.For(locale.English), aggregateOf(0, 2, 0, 0, 1), 0)) // 2, 2, 5: average 3
	if r := runs(columns(img, (top+base)/2, chartAverage)); len(r) != 1 || math.Abs(r[0]-(bars[0]+2*slot)) > 2 {
		t.Errorf("2, 2, 5: average line at %v, want %.1f", r, bars[0]+2*slot)
	}
}

// barColour is the colour of most of score s's bar just above the axis
// (a line may cross it).
func barColour(img *image.RGBA, s int) color.RGBA {
	n := map[color.RGBA]int{}
	var most color.RGBA
	for x := chartPx(chartX(float64(s) - 0.45)); x < chartPx(chartX(float64(s)+0.45)); x++ {
		if c := img.RGBAAt(x, chartPx(chartBase)-4); c.A == 255 {
			if n[c]++; n[c] > n[most] {
				most = c
			}
		}
	}
	return most
}

// mineBelow counts the member's-colour pixels under the axis near each score.
func mineBelow(img *image.RGBA) map[int]int {
	out := map[int]int{}
	for y := chartPx(chartBase + 2); y < img.Bounds().Dy(); y++ {
		for _, x := range columns(img, y, chartMine) {
			s := int((float64(x)/chartScale-chartPadX)/((chartDisplay-2*chartPadX)/storage.MaxScore)) + 1
			out[s]++
		}
	}
	return out
}

// The asking member's score: its bar in another colour, its number and a
// marker below it in that colour; no other bar, and nothing when they
// have not rated.
func TestChartHighlightsTheMembersScore(t *testing.T) {
	a := aggregateOf(0, 0, 1, 2, 3, 4, 5, 6, 2, 1)
	img := decodeChart(t, drawChart(locale.For(locale.English), a, 8))
	for s := 3; s <= 10; s++ {
		want := chartBar
		if s == 8 {
			want = chartMine
		}
		if got := barColour(img, s); got != want {
			t.Errorf("member's score 8: bar %d is %v, want %v", s, got, want)
		}
	}
	below := mineBelow(img)
	if below[8] < 100 || len(below) != 1 {
		t.Errorf("member's score 8: marker pixels below the axis by score %v, want only under 8", below)
	}
	img = decodeChart(t, drawChart(locale.For(locale.English), a, 0))
	for s := 3; s <= 10; s++ {
		if got := barColour(img, s); got != chartBar {
			t.Errorf("no score of theirs: bar %d is %v", s, got)
		}
	}
	if below := mineBelow(img); len(below) != 0 {
		t.Errorf("no score of theirs, yet marked: %v", below)
	}
}

// /ratings marks the score of the member who asked, and a page button
// the score of the one who clicked it.
func TestRatingsChartMarksWhoAsked(t *testing.T) {
	forgetCharts()
	e := newEnv(t)
	ctx := context.Background()
	for u := 1; u <= 25; u++ { // two pages of raters
		e.db.Rate(ctx, 111, 1, uint64(u), 1+u%10)
	}
	chart := func(r *discordgo.InteractionResponse) *image.RGBA {
		t.Helper()
		if len(r.Data.Files) != 1 {
			t.Fatal("no chart attached")
		}
		b, _ := io.ReadAll(r.Data.Files[0].Reader)
		return decodeChart(t, b)
	}
	marked := func(img *image.RGBA) []int {
		var out []int
		for s := 1; s <= 10; s++ {
			if barColour(img, s) == chartMine {
				out = append(out, s)
			}
		}
		return out
	}
	r := e.run(as(slash(guildA, "ratings", opt("film", "anora")), "7")) // member 7 rated 8
	if got := marked(chart(r)); fmt.Sprint(got) != "[8]" {
		t.Errorf("member 7 (rated 8) sees marked %v", got)
	}
	r = e.run(as(slash(guildA, "ratings", opt("film", "anora")), "42")) // never rated
	if got := marked(chart(r)); len(got) != 0 {
		t.Errorf("a member who did not rate sees marked %v", got)
	}
	next := buttons(r)["Next ▶"]
	i := click(guildA, next)
	i.Member.User.ID = "3" // rated 4
	page, err := e.check(e.set.Components()["ratings"], i)
	if err != nil {
		t.Fatal(err)
	}
	if got := marked(chart(page)); fmt.Sprint(got) != "[4]" {
		t.Errorf("member 3 (rated 4) turning the page sees marked %v", got)
	}
}

// chartLabels are the texts the chart writes in t's language: the
// markers' labels (with values as the chart writes them) and numbers up
// to the millions.
func chartLabels(t *locale.T) (words []string, numbers []string) {
	words = []string{t.F(msgChartAverage, "Value", t.Num(7.5, 1)), t.F(msgChartMedian, "Value", medianIn(t, 6.5)),
		t.F(msgChartMedian, "Value", medianIn(t, 7)), t.S(msgChartYou)}
	for _, n := range []int{1, 7, 10, 999, 1234, 12345, 1234567} {
		numbers = append(numbers, t.Int(n))
	}
	return words, numbers
}

// Every label in every language is drawn in its own words (no English
// stand-in) and with glyphs the Go fonts have: no box for a missing one.
func TestChartLabelsHaveGlyphs(t *testing.T) {
	fonts := chartFonts()
	covered := func(code string, s string) {
		t.Helper()
		for _, f := range []struct {
			name string
			font *sfnt.Font
		}{{"regular", fonts.regular}, {"bold", fonts.bold}} {
			for _, r := range s {
				if g, err := f.font.GlyphIndex(nil, r); err != nil || g == 0 {
					t.Errorf("%s: %q: %U %q has no glyph in Go %s", code, s, r, r, f.name)
				}
			}
		}
	}
	for _, code := range locale.Locales() {
		tr := locale.For(code)
		words, numbers := chartLabels(tr)
		for _, s := range words {
			drawn, ok := drawable(fonts.bold, s)
			if !ok {
				t.Errorf("%s: %q has a rune the Go fonts lack: the chart would write English", code, s)
			}
			covered(code, drawn)
		}
		for _, s := range numbers {
			drawn, _ := drawable(fonts.regular, s)
			covered(code, drawn)
		}
		// What the chart draws is the language's own text.
		if got, want := chartLabel(fonts.bold, tr, msgChartAverage, tr.Num(7.5, 1)), words[0]; got != want {
			t.Errorf("%s: the chart writes %q, the language %q", code, got, want)
		}
	}
	// A rune the fonts lack is found, and the label falls back to English.
	if _, ok := drawable(fonts.bold, "平均 7.5"); ok {
		t.Error("drawable says the Go fonts draw CJK")
	}
	if s, ok := drawable(fonts.regular, "1\u202f234"); !ok || s != "1 234" {
		t.Errorf("a narrow no-break space: %q %v", s, ok)
	}
}

// luminance is WCAG 2's relative luminance of c.
func luminance(c color.RGBA) float64 {
	lin := func(v uint8) float64 {
		x := float64(v) / 255
		if x <= 0.04045 {
			return x / 12.92
		}
		return math.Pow((x+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(c.R) + 0.7152*lin(c.G) + 0.0722*lin(c.B)
}

// contrast is WCAG 2's contrast ratio of a and b (1 to 21).
func contrast(a, b color.RGBA) float64 {
	la, lb := luminance(a), luminance(b)
	return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)
}

// Every colour of the chart stands out at least 3:1 (WCAG's ratio for
// graphics and large text) on Discord's dark and light themes, the
// message's background and an embed's; the background is transparent,
// and the chart's pixels are those colours.
func TestChartContrast(t *testing.T) {
	if c := contrast(color.RGBA{0, 0, 0, 255}, color.RGBA{255, 255, 255, 255}); math.Abs(c-21) > 0.01 {
		t.Fatalf("contrast of black and white: %.2f", c)
	}
	themes := map[string]color.RGBA{
		"dark #313338": {0x31, 0x33, 0x38, 0xff}, "dark embed #2b2d31": {0x2b, 0x2d, 0x31, 0xff},
		"light #ffffff": {0xff, 0xff, 0xff, 0xff}, "light embed #f2f3f5": {0xf2, 0xf3, 0xf5, 0xff},
	}
	colours := map[string]color.RGBA{"bar": chartBar, "member's bar": chartMine, "average": chartAverage, "median": chartMedian, "text": chartText}
	for name, c := range colours {
		for theme, bg := range themes {
			if r := contrast(c, bg); r < 3 {
				t.Errorf("%s %v on %s: %.2f:1, want at least 3:1", name, c, theme, r)
			}
		}
	}
	img := decodeChart(t, drawChart(locale.For(locale.English), aggregateOf(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), 4))
	if c := img.RGBAAt(1, 1); c.A != 0 {
		t.Errorf("the background is %v, want transparent", c)
	}
	found := map[color.RGBA]bool{}
	for y := 0; y < img.Bounds().Dy(); y++ {
		for x := 0; x < img.Bounds().Dx(); x++ {
			found[img.RGBAAt(x, y)] = true
		}
	}
	for name, c := range colours {
		if !found[c] {
			t.Errorf("no pixel of the %s's colour %v in the chart", name, c)
		}
	}
}

// The chart is the size Discord shows without shrinking its text below
// 12 pixels, and a small file even at its fullest.
func TestChartSize(t *testing.T) {
	for _, size := range []float64{chartLabelSize, chartCountSize} {
		if shown := size * chartScale * chartDisplay / chartW; shown < 12 {
			t.Errorf("text of %.0f px is %.1f px when Discord shows the chart %d px wide", size*chartScale, shown, chartDisplay)
		}
	}
	// The digits of the axis as drawn: at least 8 display pixels tall
	// (a 12-px Go font's digit is 8.8).
	img := decodeChart(t, drawChart(locale.For(locale.English), aggregateOf(1), 0))
	lo, hi := math.MaxInt, 0
	for y := chartPx(chartBase + 2); y < chartPx(chartAxis+4); y++ {
		for x := 0; x < img.Bounds().Dx(); x++ {
			if img.RGBAAt(x, y).A > 128 {
				lo, hi = min(lo, y), max(hi, y)
			}
		}
	}
	if h := float64(hi-lo+1) / chartScale; h < 8 {
		t.Errorf("the axis's digits are %.1f display px tall", h)
	}
	fullest := aggregateOf(123456, 234567, 345678, 456789, 567890, 678901, 789012, 890123, 901234, 999999)
	for _, code := range locale.Locales() {
		for _, mine := range []int{0, 1, 10} {
			for _, a := range []storage.Aggregate{aggregateOf(1), aggregateOf(0, 0, 0, 0, 0, 0, 0, 0, 0, 1), fullest} {
				b := drawChart(locale.For(code), a, mine)
				cfg, err := png.DecodeConfig(bytes.NewReader(b))
				if err != nil {
					t.Fatal(err)
				}
				if cfg.Width != chartW || cfg.Height != chartH || cfg.Width > 2*chartDisplay {
					t.Errorf("%s: %dx%d", code, cfg.Width, cfg.Height)
				}
				if len(b) < 2000 || len(b) > 64<<10 {
					t.Errorf("%s, %v, mine %d: %d bytes, want 2 to 64 KiB", code, a.Hist, mine, len(b))
				}
			}
		}
	}
}

// The same verdict for the same member in the same language is the same
// bytes, drawn or cached, at once from many goroutines; another member,
// language or verdict is another chart.
func TestChartDeterministic(t *testing.T) {
	forgetCharts()
	en, ru := locale.For(locale.English), locale.For("ru")
	a := aggregateOf(1, 0, 2, 1, 3, 5, 9, 12, 6, 2)
	want := drawChart(en, a, 8)
	var wg sync.WaitGroup
	got := make([][]byte, 8)
	for k := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if k%2 == 0 {
				got[k] = chartPNG(en, a, 8)
			} else {
				got[k] = drawChart(en, a, 8)
			}
		}()
	}
	wg.Wait()
	for k, b := range got {
		if !bytes.Equal(b, want) {
			t.Errorf("drawing %d differs", k)
		}
	}
	for name, b := range map[string][]byte{
		"another member": chartPNG(en, a, 3), "Russian": chartPNG(ru, a, 8), "another verdict": chartPNG(en, aggregateOf(1, 0, 2, 1, 3, 5, 9, 12, 6, 3), 8),
	} {
		if bytes.Equal(b, want) {
			t.Errorf("%s: the same chart", name)
		}
	}
}

// The cache of charts keeps at most chartCacheSize, the newest.
func TestChartCacheBounded(t *testing.T) {
	forgetCharts()
	t.Cleanup(forgetCharts)
	en := locale.For(locale.English)
	for n := 1; n <= chartCacheSize+10; n++ {
		chartPNG(en, aggregateOf(n), 0)
	}
	chartCache.Lock()
	size := len(chartCache.m)
	_, newest := chartCache.m[chartKey{hist: aggregateOf(chartCacheSize + 10).Hist, sum: chartCacheSize + 10, count: chartCacheSize + 10, locale: locale.English}]
	_, oldest := chartCache.m[chartKey{hist: aggregateOf(1).Hist, sum: 1, count: 1, locale: locale.English}]
	chartCache.Unlock()
	if size != chartCacheSize || !newest || oldest {
		t.Errorf("cache of %d charts (newest kept %v, oldest kept %v), want %d", size, newest, oldest, chartCacheSize)
	}
}
