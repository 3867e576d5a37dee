package proof

import (
	"crypto/rand"
	"fmt"
	"strings"

	qrcode "github.com/skip2/go-qrcode"
)

// QRPNG draws content as a QR code PNG of size × size pixels, for the digital card page
// and anywhere else a picture is needed. Medium error correction survives a scuffed
// phone screen while keeping the modules large enough to scan from a distance.
func QRPNG(content string, size int) ([]byte, error) {
	if size < 64 || size > 2048 {
		return nil, fmt.Errorf("proof: QR size %d out of range", size)
	}
	q, err := qrcode.New(content, qrcode.Medium)
	if err != nil {
		return nil, fmt.Errorf("proof: QR code: %w", err)
	}
	return q.PNG(size)
}

// qrModules returns the dark modules of content's QR code, without the quiet zone, for
// drawing as vector squares in a PDF (crisp at any print resolution).
func qrModules(content string) ([][]bool, error) {
	q, err := qrcode.New(content, qrcode.Medium)
	if err != nil {
		return nil, fmt.Errorf("proof: QR code: %w", err)
	}
	q.DisableBorder = true
	return q.Bitmap(), nil
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
