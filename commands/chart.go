package commands

import (
	"bytes"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"strconv"

	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"

	"github.com/filmbot/filmbot/storage"
)

// chartPNG draws the 1–10 distribution of a film's ratings as a bar chart.
func chartPNG(a storage.Aggregate) []byte {
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
