package demo

import (
	"bytes"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"math"

	"zhiyuan"
)

// demoCover draws the demo campaign's cover in Go (no image is downloaded or shipped): a
// red-to-orange gradient, a sun, and a row of hearts and hands-up figures standing for
// volunteers, at the cover's size. It goes through the same upload path as any cover
// (re-encoded by internal/proof).
func demoCover() ([]byte, error) {
	w, h := zhiyuan.CampaignCoverWidth, zhiyuan.CampaignCoverHeight
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			t := float64(x+y) / float64(w+h)
			img.SetRGBA(x, y, color.RGBA{uint8(200 + 40*t), uint8(30 + 120*t), uint8(40 + 20*t), 255})
		}
	}
	disc := func(cx, cy, r int, c color.RGBA) {
		for y := cy - r; y <= cy+r; y++ {
			for x := cx - r; x <= cx+r; x++ {
				if (x-cx)*(x-cx)+(y-cy)*(y-cy) <= r*r && image.Pt(x, y).In(img.Rect) {
					img.SetRGBA(x, y, c)
				}
			}
		}
	}
	// The sun, with a softer halo.
	disc(780, 140, 110, color.RGBA{255, 190, 90, 255})
	disc(780, 140, 80, color.RGBA{255, 225, 130, 255})
	// The ground.
	draw.Draw(img, image.Rect(0, 430, w, h), image.NewUniform(color.RGBA{150, 20, 30, 255}), image.Point{}, draw.Src)
	// Volunteers: a head and a body each, arms raised, in a row on the ground.
	white := color.RGBA{255, 250, 240, 255}
	for i := range 7 {
		cx := 90 + i*125
		disc(cx, 300, 26, white)
		draw.Draw(img, image.Rect(cx-24, 332, cx+24, 430), image.NewUniform(white), image.Point{}, draw.Src)
		for k := range 60 { // arms: two diagonal strokes up and out
			for d := -4; d <= 4; d++ {
				img.SetRGBA(cx-24-k/2+d, 340-k, white)
				img.SetRGBA(cx+24+k/2+d, 340-k, white)
			}
		}
	}
	// A heart above the row: the curve (x²+y²-1)³ - x²y³ ≤ 0.
	for y := 40; y < 240; y++ {
		for x := 300; x < 520; x++ {
			u, v := float64(x-410)/90, -float64(y-140)/90
			if math.Pow(u*u+v*v-1, 3)-u*u*v*v*v <= 0 {
				img.SetRGBA(x, y, color.RGBA{255, 70, 90, 255})
			}
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
