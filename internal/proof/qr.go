package proof

import (
	"bytes"
	"crypto/rand"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"strings"

	goqr "github.com/piglig/go-qr"
)

// qrLevel is the error correction of every QR code the platform draws: medium (about 15%
// of the code may be lost) survives a scuffed phone screen or a creased page while
// keeping the modules large enough to scan from a distance.
const qrLevel = goqr.Medium

// qrQuietZone is the white margin around a QR code, in modules, that ISO/IEC 18004 asks
// for so a scanner can find the code's edge on a busy background.
const qrQuietZone = 4

// QRPNG draws content as a QR code PNG of size × size pixels, quiet zone included, for
// the digital card page and the check-in screen. Every module is the same whole number
// of pixels (any pixels left over widen the white margin), since modules of uneven width
// are harder for phone cameras to read.
func QRPNG(content string, size int) ([]byte, error) {
	if size < 64 || size > 2048 {
		return nil, fmt.Errorf("proof: QR size %d out of range", size)
	}
	bits, err := qrModules(content)
	if err != nil {
		return nil, err
	}
	n := len(bits)
	px := size / (n + 2*qrQuietZone)
	if px < 1 {
		return nil, fmt.Errorf("proof: QR code of %d modules does not fit in %d pixels", n, size)
	}
	off := (size - px*n) / 2
	img := image.NewPaletted(image.Rect(0, 0, size, size), color.Palette{color.White, color.Black})
	for r, line := range bits {
		for c, dark := range line {
			if !dark {
				continue
			}
			for y := off + r*px; y < off+(r+1)*px; y++ {
				row := img.Pix[y*img.Stride:]
				for x := off + c*px; x < off+(c+1)*px; x++ {
					row[x] = 1
				}
			}
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("proof: QR PNG: %w", err)
	}
	return buf.Bytes(), nil
}

// qrModules returns the QR code of content as rows of modules (true is dark), without
// the quiet zone: the PDF draws them as vector squares (crisp at any print resolution)
// and QRPNG as pixels. The encoder picks the smallest version and the densest single
// mode (numeric, alphanumeric or bytes of UTF-8) that hold content, and the mask by the
// standard's penalty score; the level stays qrLevel even where a higher one would fit
// the same version (the library's default raises it), so codes look the same whatever
// their length.
func qrModules(content string) ([][]bool, error) {
	segs, err := goqr.MakeSegments(content)
	if err != nil {
		return nil, fmt.Errorf("proof: QR code: %w", err)
	}
	code, err := goqr.EncodeSegments(segs, qrLevel, goqr.MinVersion, goqr.MaxVersion, -1, false)
	if err != nil {
		return nil, fmt.Errorf("proof: QR code: %w", err)
	}
	n := code.Size()
	bits := make([][]bool, n)
	for r := range bits {
		bits[r] = make([]bool, n)
		for c := range bits[r] {
			bits[r][c] = code.Module(c, r)
		}
	}
	return bits, nil
}

// Proof verification codes are 12 characters of Crockford's base32 (60 random bits):
// no I, L, O or U, so a code read aloud or typed from paper is hard to get wrong, and
// NormalizeProofCode forgives the usual slips (lower case, O for 0, I or L for 1,
// spaces and dashes).
const (
	proofCodeLen      = 12
	proofCodeAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
)

// NewProofCode returns a fresh random verification code in canonical form.
func NewProofCode() string {
	var b [proofCodeLen]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("proof: crypto/rand failed: " + err.Error()) // cannot happen on supported systems
	}
	return proofCodeFrom(b)
}

// proofCodeFrom turns 12 random bytes into a code: the low five bits of each byte pick
// its character (the published format, docs/formats.md).
func proofCodeFrom(b [proofCodeLen]byte) string {
	for i := range b {
		b[i] = proofCodeAlphabet[b[i]&31]
	}
	return string(b[:])
}

// NormalizeProofCode returns the canonical form of a code as a person may type it, and
// whether it is a well-formed code at all. Only ASCII is forgiven: strings.ToUpper would
// also turn letters such as 'ı' or 'ſ' into I and S, so non-ASCII bytes (and control
// characters such as CR and LF) are refused before any case folding.
func NormalizeProofCode(s string) (string, bool) {
	if len(s) > 64 {
		return "", false
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		r := rune(s[i])
		if 'a' <= r && r <= 'z' {
			r -= 'a' - 'A'
		}
		switch r {
		case '-', ' ':
			continue
		case 'O':
			r = '0'
		case 'I', 'L':
			r = '1'
		}
		if r > 127 || strings.IndexByte(proofCodeAlphabet, byte(r)) < 0 {
			return "", false
		}
		b.WriteRune(r)
	}
	if b.Len() != proofCodeLen {
		return "", false
	}
	return b.String(), true
}

// FormatProofCode groups a canonical code for print: ABCD-EFGH-JKMN.
func FormatProofCode(code string) string {
	if len(code) != proofCodeLen {
		return code
	}
	return code[:4] + "-" + code[4:8] + "-" + code[8:]
}
