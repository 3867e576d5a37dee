package proof

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"testing"

	"zhiyuan"
)

// TestNormalizeDocumentImage: a document image is scaled down to fit, keeping its
// shape (not cropped like a card photo); a small one keeps its size; a non-image is
// refused on the photo field.
func TestNormalizeDocumentImage(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ w, h, wantW, wantH int }{{3000, 1500, 2400, 1200}, {400, 900, 400, 900}} {
		img := image.NewRGBA(image.Rect(0, 0, c.w, c.h))
		for y := 0; y < c.h; y += 7 {
			for x := 0; x < c.w; x++ {
				img.Set(x, y, color.RGBA{200, 10, 10, 255})
			}
		}
		var src bytes.Buffer
		if err := png.Encode(&src, img); err != nil {
			t.Fatal(err)
		}
		out, err := NormalizeDocumentImage(context.Background(), src.Bytes(), 2400)
		if err != nil {
			t.Fatalf("%d×%d: %v", c.w, c.h, err)
		}
		got, err := jpeg.DecodeConfig(bytes.NewReader(out))
		if err != nil || got.Width != c.wantW || got.Height != c.wantH {
			t.Fatalf("%d×%d became %d×%d (%v), want %d×%d", c.w, c.h, got.Width, got.Height, err, c.wantW, c.wantH)
		}
	}
	_, err := NormalizeDocumentImage(context.Background(), []byte("GIF89a not supported"), 2400)
	if zhiyuan.ErrorCode(err) != zhiyuan.EInvalid || zhiyuan.ErrorProblems(err)["photo"].Reason != "card.photo_type" {
		t.Fatalf("a GIF: %v", err)
	}
}
