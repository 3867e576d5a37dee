package proof

import (
	"context"
	"image"
	"image/color"

	"golang.org/x/image/draw"
)

// NormalizeDocumentImage re-encodes an image attached to a document (a scanned page, a
// photo of the team at work) as the card photo is: JPEG or PNG only, recognised by its
// first bytes; the same byte, side and decoded-size limits checked from the header
// before decoding; one of the same MaxPhotoDecodes slots; the camera's orientation
// honoured; a fresh JPEG written from the pixels alone (no EXIF, no GPS, nothing glued
// on). Unlike the card photo it is not cropped: it is only scaled down, when its longer
// side passes maxSide, keeping its shape. Errors name the field "photo" like
// NormalizePhotoContext's.
func NormalizeDocumentImage(ctx context.Context, data []byte, maxSide int) ([]byte, error) {
	return normalize(ctx, data, photoField, ErrPhotoBusy, func(img image.Image, orientation int) *image.RGBA {
		return orient(scaleToFit(img, maxSide), orientation)
	})
}

// scaleToFit scales img down so that its longer side is at most maxSide (a smaller image
// keeps its size), on white where it was transparent. As in cardPhoto, a whole-factor box
// filter first keeps the kernel scaler's buffers small.
func scaleToFit(img image.Image, maxSide int) *image.RGBA {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	tw, th := w, h
	if long := max(w, h); long > maxSide {
		tw, th = max(1, w*maxSide/long), max(1, h*maxSide/long)
	}
	var src image.Image = img
	crop := b
	if k := min(w/tw, h/th); k >= 2 {
		src = shrink(img, b, k)
		crop = src.Bounds()
	}
	dst := image.NewRGBA(image.Rect(0, 0, tw, th))
	draw.Draw(dst, dst.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)
	draw.CatmullRom.Scale(dst, dst.Bounds(), src, crop, draw.Over, nil)
	return dst
}
