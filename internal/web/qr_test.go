package web_test

import (
	"bytes"
	"encoding/base64"
	"image/png"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"
	gozxingqr "github.com/makiuchi-d/gozxing/qrcode"
)

// pageQR finds the QR code a page inlines as a PNG data URL and reads it the way a phone
// would, with ZXing's decoder, returning what the code holds.
func pageQR(t *testing.T, page []byte) string {
	t.Helper()
	m := regexp.MustCompile(`src="data:image/png;base64,([^"]+)"`).FindSubmatch(page)
	if m == nil {
		t.Fatal("no QR image on the page")
	}
	b64, _ := url.PathUnescape(strings.ReplaceAll(string(m[1]), "&#43;", "+"))
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		t.Fatalf("QR data URL: %v", err)
	}
	img, err := png.Decode(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("QR image: %v", err)
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	// The detector estimates the code's size from its finder patterns and, for some
	// contents, misjudges a clean image (NotFoundException: dimension = 47); the page's
	// image is a pure code, which the reader can also take as it is.
	res, err := gozxingqr.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		res, err = gozxingqr.NewQRCodeReader().Decode(bmp, map[gozxing.DecodeHintType]interface{}{gozxing.DecodeHintType_PURE_BARCODE: true})
	}
	if err != nil {
		t.Fatalf("the page's QR code cannot be read: %v", err)
	}
	return res.GetText()
}
