package commands

import (
	"bytes"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"math"
	"sync"
	"unicode"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"

	"github.com/filmbot/filmbot/locale"
	"github.com/filmbot/filmbot/storage"
)

// The words on the /ratings chart, in the language of who asked. The
// chart is drawn with the Go fonts (Latin, Greek, Cyrillic): ja, ko and
// zh-CN write them in symbols those fonts have (μ for the average, Me for
// the median, as their school statistics do; ▲ for the member's own
// score), and the embed above the chart says the same in words.
var (
	msgChartAverage = locale.Text("ratings.chart.average", "average {{.Value}}")
	msgChartMedian  = locale.Text("ratings.chart.median", "median {{.Value}}")
	msgChartYou     = locale.Text("ratings.chart.you", "▲ you")
)

// The chart is laid out in display pixels (what Discord shows: embeds
// show an image at most 400 pixels wide) and drawn at chartScale times
// that, sharp on high-density screens; text is at least 12 display pixels.
const (
	chartScale   = 2
	chartDisplay = 400 // display width
	chartW       = chartDisplay * chartScale
	chartH       = 212 * chartScale

	chartPadX    = 14.0  // left and right margin
	chartRow1    = 15.0  // baseline of the average's label
	chartRow2    = 33.0  // baseline of the median's label
	chartPlotTop = 58.0  // the tallest bar's top (its count above it)
	chartBase    = 168.0 // the bars' baseline
	chartAxis    = 186.0 // baseline of the scores 1–10
	chartYouRow  = 204.0 // baseline of the member's marker
	chartLine    = 2.0   // the average's and median's lines: width
	chartHalo    = 1.5   // gap cut either side of a line across the bars
	chartDash    = 6.0   // the median's dashes: on
	chartGap     = 4.0   // and off

	chartLabelSize = 13.0 // markers' labels and the scores 1–10
	chartCountSize = 12.0 // the counts above the bars
)

// The chart's background is transparent: it sits on Discord's own,
// dark (#313338, embeds #2b2d31) or light (#ffffff, embeds #f2f3f5).
// Each colour is mid-luminance, at least 3:1 against all four
// (TestChartContrast): bars, the member's bar, the average, the
// median and the text.
var (
	chartBar     = color.RGBA{0x6f, 0x79, 0xea, 0xff} // blurple
	chartMine    = color.RGBA{0xd8, 0x60, 0x0b, 0xff} // orange: the asking member's score
	chartAverage = color.RGBA{0xe0, 0x4d, 0x8a, 0xff} // pink, solid line
	chartMedian  = color.RGBA{0x11, 0x95, 0x7f, 0xff} // teal, dashed line
	chartText    = color.RGBA{0x84, 0x84, 0x84, 0xff} // grey
)

// chartFonts are the Go fonts, parsed once; faces are made per drawing
// (an opentype face is not safe for concurrent use; a font is).
var chartFonts = sync.OnceValue(func() (f struct{ regular, bold *opentype.Font }) {
	var err error
	if f.regular, err = opentype.Parse(goregular.TTF); err != nil {
		panic(err) // the fonts are compiled in
	}
	if f.bold, err = opentype.Parse(gobold.TTF); err != nil {
		panic(err)
	}
	return f
})

func chartFace(f *opentype.Font, size float64) font.Face {
	face, err := opentype.NewFace(f, &opentype.FaceOptions{Size: size * chartScale, DPI: 72, Hinting: font.HintingNone})
	if err != nil {
		panic(err) // only bad options fail
	}
	return face
}

// drawable is s with what f cannot draw mended: a space it lacks (the
// narrow no-break space of French thousands) becomes a plain space; ok is
// false when another rune is missing (it would be drawn as a box).
func drawable(f *sfnt.Font, s string) (string, bool) {
	var buf sfnt.Buffer
	ok := true
	out := []rune(s)
	for k, r := range out {
		if g, err := f.GlyphIndex(&buf, r); err == nil && g != 0 {
			continue
		}
		if unicode.IsSpace(r) {
			out[k] = ' '
			continue
		}
		ok = false
	}
	return string(out), ok
}

// chartLabel is message k in t's language as f can draw it, or in
// English when the language has a rune f lacks (no language filmbot
// speaks does: TestChartLabelsHaveGlyphs).
func chartLabel(f *sfnt.Font, t *locale.T, k locale.Key, value string) string {
	var s string
	if value == "" {
		s = t.S(k)
	} else {
		s = t.F(k, "Value", value)
	}
	if s, ok := drawable(f, s); ok {
		return s
	}
	if value == "" {
		s = english().S(k)
	} else {
		s = english().F(k, "Value", value)
	}
	s, _ = drawable(f, s)
	return s
}

// chartKey is what a chart is drawn from: the distribution (average and
// median follow from it), the asking member's score and the language.
type chartKey struct {
	hist       [storage.MaxScore]int
	sum, count int
	mine       int
	locale     string
}

// chartCache keeps the last charts drawn (a /ratings and its page
// buttons draw the same one), at most chartCacheSize, oldest out first.
const chartCacheSize = 128

var chartCache = struct {
	sync.Mutex
	m    map[chartKey][]byte
	ring []chartKey
	next int
}{m: map[chartKey][]byte{}}

// chartPNG is the chart of a film's ratings for a member whose own score
// is mine (0: they have not rated it), in t's language. The bytes are
// shared: do not change them.
func chartPNG(t *locale.T, a storage.Aggregate, mine int) []byte {
	k := chartKey{hist: a.Hist, sum: a.Sum, count: a.Count, mine: mine, locale: t.Locale()}
	c := &chartCache
	c.Lock()
	b, ok := c.m[k]
	c.Unlock()
	if ok {
		return b
	}
	b = drawChart(t, a, mine)
	c.Lock()
	if _, ok := c.m[k]; !ok {
		if len(c.ring) < chartCacheSize {
			c.ring = append(c.ring, k)
		} else {
			delete(c.m, c.ring[c.next])
			c.ring[c.next] = k
			c.next = (c.next + 1) % chartCacheSize
		}
		c.m[k] = b
	}
	c.Unlock()
	return b
}

// chartX is where score s (1–10, or an average between) sits across.
func chartX(s float64) float64 {
	slot := (chartDisplay - 2*chartPadX) / storage.MaxScore
	return chartPadX + (s-0.5)*slot
}

// chartPx is a display length in the image's pixels.
func chartPx(v float64) int { return int(math.Round(v * chartScale)) }

// chartBarRect is the bar of score s (1–10) holding n of most ratings.
func chartBarRect(s, n, most int) image.Rectangle {
	slot := (chartDisplay - 2*chartPadX) / storage.MaxScore
	half := (slot - 8) / 2
	h := (chartBase - chartPlotTop) * float64(n) / float64(most)
	if n > 0 {
		h = max(h, 2)
	}
	c := chartX(float64(s))
	return image.Rect(chartPx(c-half), chartPx(chartBase-h), chartPx(c+half), chartPx(chartBase))
}

var (
	chartClear = image.NewUniform(color.Transparent)
	chartPNGs  = &png.Encoder{CompressionLevel: png.BestSpeed, BufferPool: &chartPool{}}
)

type chartPool struct{ p sync.Pool }

func (c *chartPool) Get() *png.EncoderBuffer {
	b, _ := c.p.Get().(*png.EncoderBuffer)
	return b
}
func (c *chartPool) Put(b *png.EncoderBuffer) { c.p.Put(b) }

// drawChart draws the 1–10 distribution of a's ratings: a bar a score
// with its count above, the average as a solid line and the median as a
// dashed one, each labelled with its value, and the member's own score
// (mine, 0 for none) in another colour, marked below the axis. The
// background is transparent.
func drawChart(t *locale.T, a storage.Aggregate, mine int) []byte {
	fonts := chartFonts()
	regular := chartFace(fonts.regular, chartLabelSize)
	small := chartFace(fonts.regular, chartCountSize)
	bold := chartFace(fonts.bold, chartLabelSize)
	img := chartImages.Get().(*image.RGBA)
	defer chartImages.Put(img)
	clear(img.Pix)

	// text draws s centred on display x (clamped inside the margins) at
	// baseline y, first clearing the box behind it, so that a line it
	// crosses stops short of its letters.
	text := func(face font.Face, c color.Color, s string, x, y float64) {
		w := font.MeasureString(face, s)
		m := face.Metrics()
		dot := fixed.Point26_6{X: fixed.I(chartPx(x)) - w/2, Y: fixed.I(chartPx(y))}
		dot.X = min(max(dot.X, fixed.I(chartPx(chartPadX/2))), fixed.I(chartW-chartPx(chartPadX/2))-w)
		pad := fixed.I(chartPx(2))
		box := image.Rect((dot.X - pad).Floor(), (dot.Y - m.Ascent - pad).Floor(), (dot.X + w + pad).Ceil(), (dot.Y + m.Descent).Ceil())
		draw.Draw(img, box, chartClear, image.Point{}, draw.Src)
		d := font.Drawer{Dst: img, Src: image.NewUniform(c), Face: face, Dot: dot}
		d.DrawString(s)
	}
	fill := func(r image.Rectangle, c color.Color) {
		draw.Draw(img, r, image.NewUniform(c), image.Point{}, draw.Src)
	}

	most := 1
	for _, n := range a.Hist {
		most = max(most, n)
	}
	for k, n := range a.Hist {
		if n == 0 {
			continue
		}
		c := chartBar
		if k+1 == mine {
			c = chartMine
		}
		fill(chartBarRect(k+1, n, most), c)
	}

	// The lines: a gap cut through the bars either side of each, then
	// the lines, the average solid from below its label, the median
	// dashed from below its own.
	avg, med := a.Average(), a.Median()
	vline := func(x float64) (int, int) {
		x0 := chartPx(x - chartLine/2)
		return x0, x0 + chartPx(chartLine)
	}
	for _, x := range []float64{avg, med} {
		x0, x1 := vline(chartX(x))
		fill(image.Rect(x0-chartPx(chartHalo), chartPx(chartPlotTop), x1+chartPx(chartHalo), chartPx(chartBase)), chartClear)
	}
	x0, x1 := vline(chartX(avg))
	fill(image.Rect(x0, chartPx(chartRow1+5), x1, chartPx(chartBase)), chartAverage)
	x0, x1 = vline(chartX(med))
	for y := chartRow2 + 5; y < chartBase; y += chartDash + chartGap {
		fill(image.Rect(x0, chartPx(y), x1, chartPx(min(y+chartDash, chartBase))), chartMedian)
	}

	// The labels: the markers' values, the counts, the scores and the
	// member's marker.
	f := fonts.bold
	text(bold, chartAverage, chartLabel(f, t, msgChartAverage, t.Num(avg, 1)), chartX(avg), chartRow1)
	text(bold, chartMedian, chartLabel(f, t, msgChartMedian, medianIn(t, med)), chartX(med), chartRow2)
	for k, n := range a.Hist {
		s := k + 1
		x := chartX(float64(s))
		if n > 0 {
			top := float64(chartBarRect(s, n, most).Min.Y) / chartScale
			label, _ := drawable(fonts.regular, t.Int(n))
			text(small, chartText, label, x, top-4)
		}
		label, _ := drawable(fonts.regular, t.Int(s))
		if s == mine {
			text(bold, chartMine, label, x, chartAxis)
			text(bold, chartMine, chartLabel(f, t, msgChartYou, ""), x, chartYouRow)
		} else {
			text(regular, chartText, label, x, chartAxis)
		}
	}
	// The axis under the bars, the width of the plot.
	fill(image.Rect(chartPx(chartPadX), chartPx(chartBase), chartW-chartPx(chartPadX), chartPx(chartBase+1)), chartText)

	out := chartPaletted.Get().(*image.Paletted)
	defer chartPaletted.Put(out)
	paletted(out, img)
	var buf bytes.Buffer
	chartPNGs.Encode(&buf, out) // writing to memory cannot fail
	return buf.Bytes()
}

// The images a chart is drawn in, reused (1.7 MB a chart otherwise).
var (
	chartImages   = sync.Pool{New: func() any { return image.NewRGBA(image.Rect(0, 0, chartW, chartH)) }}
	chartPaletted = sync.Pool{New: func() any { return image.NewPaletted(image.Rect(0, 0, chartW, chartH), chartPalette) }}
)

// chartColours are the chart's colours, each drawn over transparency
// alone (what is drawn over another colour is cut out of it first): a
// pixel of the drawing is one of them at some opacity.
var chartColours = []color.RGBA{chartBar, chartMine, chartAverage, chartMedian, chartText}

// chartAlphaStep is the step of opacities kept: 5 colours × 51 opacities
// and transparency fill the 256 colours of a paletted PNG.
const chartAlphaStep = 5

var chartPalette = func() color.Palette {
	p := color.Palette{color.NRGBA{}}
	for _, c := range chartColours {
		for a := chartAlphaStep; a <= 255; a += chartAlphaStep {
			p = append(p, color.NRGBA{c.R, c.G, c.B, uint8(a)})
		}
	}
	return p
}()

// paletted writes img into out (of chartPalette, the same size): each
// pixel the nearest of the colours at the nearest kept opacity. A
// paletted PNG is a quarter of the bytes to compress and needs no filter
// per row: a fifth of the time to encode of the RGBA image.
func paletted(out *image.Paletted, img *image.RGBA) {
	clear(out.Pix)
	levels := 255 / chartAlphaStep
	var last [4]uint8
	lastIdx := uint8(0)
	for k := 0; k+3 < len(img.Pix); k += 4 {
		px := [4]uint8(img.Pix[k : k+4])
		a := int(px[3])
		if a < chartAlphaStep/2+1 {
			continue // transparent: index 0
		}
		if px == last {
			out.Pix[k/4] = lastIdx
			continue
		}
		best, bestD := 0, 1<<30
		for j, c := range chartColours { // img is premultiplied
			dr := int(px[0]) - int(c.R)*a/255
			dg := int(px[1]) - int(c.G)*a/255
			db := int(px[2]) - int(c.B)*a/255
			if d := dr*dr + dg*dg + db*db; d < bestD {
				best, bestD = j, d
			}
		}
		level := min((a+chartAlphaStep/2)/chartAlphaStep, levels)
		last, lastIdx = px, uint8(1+best*levels+level-1)
		out.Pix[k/4] = lastIdx
	}
}
