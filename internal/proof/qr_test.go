package proof

import (
	"bytes"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"
	gozxingqr "github.com/makiuchi-d/gozxing/qrcode"

	"zhiyuan/internal/testneed"
)

// scanQR reads the one QR code in img with ZXing's decoder (a port independent of the
// encoder, as a partner's or a phone's scanner would be), and returns its text and its
// error correction level.
func scanQR(t *testing.T, img image.Image) (text, level string) {
	t.Helper()
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := gozxingqr.NewQRCodeReader().Decode(bmp, map[gozxing.DecodeHintType]interface{}{gozxing.DecodeHintType_TRY_HARDER: true})
	if err != nil {
		t.Fatalf("no QR code could be read: %v", err)
	}
	lv, _ := res.GetResultMetadata()[gozxing.ResultMetadataType_ERROR_CORRECTION_LEVEL].(string)
	return res.GetText(), lv
}

// qrContents are what the platform puts in QR codes: a digital card's verification
// address with its signed payload (the longest), check-in links, a proof's address.
func qrContents(t *testing.T) []string {
	payload := sign(t, mustSigner(t), claims())
	return []string{
		"https://zhiyuan.example.cn/verify/card/" + payload,
		"http://127.0.0.1:8080/checkin?code=" + strings.Repeat("K7", 8),
		"/verify/proof/7K3M9QXR2D5A",
		"https://志愿.example.cn/verify/proof/7K3M9QXR2D5A", // UTF-8 bytes survive too
		"/checkin?code=K7K7",                              // short enough that level Q would fit the same version: still M
	}
}

// TestQRPNGScansBack: the PNGs of the card page and the check-in screen read back, with a
// scanner, as exactly what was encoded, at medium error correction, at the sizes pages use.
func TestQRPNGScansBack(t *testing.T) {
	t.Parallel()
	for _, content := range qrContents(t) {
		for _, size := range []int{360, 512} {
			raw, err := QRPNG(content, size)
			if err != nil {
				t.Fatal(err)
			}
			img, err := png.Decode(bytes.NewReader(raw))
			if err != nil {
				t.Fatal(err)
			}
			if b := img.Bounds(); b.Dx() != size || b.Dy() != size {
				t.Fatalf("PNG is %v, want %d×%d", b, size, size)
			}
			text, level := scanQR(t, img)
			if text != content || level != "M" {
				t.Errorf("QR of %q at %d px reads %q at level %q, want the same text at M", content, size, text, level)
			}
		}
	}
}

// TestQRPNGModulesAndMargin: every module is the same whole number of pixels and at least
// four modules of white surround the code, as scanners expect.
func TestQRPNGModulesAndMargin(t *testing.T) {
	t.Parallel()
	content := qrContents(t)[0]
	bits, err := qrModules(content)
	if err != nil {
		t.Fatal(err)
	}
	n := len(bits)
	// A QR code of version v is 4v+17 modules square; the signed card address needs a
	// version between 1 and 40 and is not trivially small.
	if (n-17)%4 != 0 || n < 21+4 || n > 177 {
		t.Fatalf("QR code is %d modules: not a QR version", n)
	}
	for _, line := range bits {
		if len(line) != n {
			t.Fatalf("QR code rows of %d and %d modules", n, len(line))
		}
	}
	// The three finder patterns: a dark 7×7 ring with a 3×3 centre at three corners.
	for _, corner := range [][2]int{{0, 0}, {0, n - 7}, {n - 7, 0}} {
		for r := 0; r < 7; r++ {
			for c := 0; c < 7; c++ {
				ring := r == 0 || r == 6 || c == 0 || c == 6
				centre := r >= 2 && r <= 4 && c >= 2 && c <= 4
				if got := bits[corner[0]+r][corner[1]+c]; got != (ring || centre) {
					t.Fatalf("finder pattern at %v wrong at (%d,%d)", corner, r, c)
				}
			}
		}
	}
	const size = 512
	raw, err := QRPNG(content, size)
	if err != nil {
		t.Fatal(err)
	}
	img, _ := png.Decode(bytes.NewReader(raw))
	px := size / (n + 2*qrQuietZone)
	off := (size - px*n) / 2
	if off < qrQuietZone*px {
		t.Fatalf("margin of %d px is less than %d modules of %d px", off, qrQuietZone, px)
	}
	for y := 0; y < size; y++ {
		for x := 0; x < size; x++ {
			want := false
			if r, c := y-off, x-off; r >= 0 && c >= 0 && r < n*px && c < n*px {
				want = bits[r/px][c/px]
			}
			if r, _, _, _ := img.At(x, y).RGBA(); (r < 0x8000) != want {
				t.Fatalf("pixel (%d,%d) dark = %v, want %v (module %d px, margin %d px)", x, y, r < 0x8000, want, px, off)
			}
		}
	}
}

func TestQRPNGRefusesBadSizes(t *testing.T) {
	t.Parallel()
	for _, size := range []int{0, 63, 2049} {
		if _, err := QRPNG("x", size); err == nil {
			t.Errorf("QRPNG(size %d) = nil error", size)
		}
	}
	// A code of more modules than pixels cannot be drawn readably: an error, not a blur.
	if _, err := QRPNG(strings.Repeat("长", 300), 64); err == nil {
		t.Error("a 900-byte QR code in 64 pixels: nil error")
	}
}

// TestProofQRScansBack: the QR code drawn in vectors on a printed proof, rendered as a
// page image the way a phone camera would see the paper, reads back as the proof's
// verification address.
func TestProofQRScansBack(t *testing.T) {
	t.Parallel()
	p := sampleProof(4)
	pdf := render(t, p)
	dir := t.TempDir()
	in := filepath.Join(dir, "p.pdf")
	if err := os.WriteFile(in, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	// The QR code sits on the last page, beside the seal.
	base := filepath.Join(dir, "page")
	if out, err := exec.Command(testneed.Poppler.Tool(t, "pdftoppm"), "-png", "-r", "150", "-gray", "-singlefile", "-f", "2", "-l", "2", in, base).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm (poppler-utils, installed by .ci/run): %v %s", err, out)
	}
	f, err := os.Open(base + ".png")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	if text, level := scanQR(t, img); text != p.VerifyURL || level != "M" {
		t.Fatalf("the proof's QR code reads %q at level %q, want %q at M", text, level, p.VerifyURL)
	}
}

// BenchmarkQRPNG draws the digital card's QR code the way its page does, once a view.
func BenchmarkQRPNG(b *testing.B) {
	content := "https://zhiyuan.example.cn/verify/card/" + sign(b, mustSigner(b), claims())
	for b.Loop() {
		if _, err := QRPNG(content, 360); err != nil {
			b.Fatal(err)
		}
	}
}
