package proof

import (
	"bytes"
	"errors"
	"fmt"
	"os"
)

// ErrNoFont is returned when no usable CJK font is found. The binary prints it at start
// (and proofs fail with it) rather than producing PDFs full of empty boxes.
var ErrNoFont = errors.New("no CJK font found: install fonts-droid-fallback or set ZHIYUAN_FONT")

// FontPaths are the places searched, in order, when no font is configured. Only
// TrueType (glyf) fonts work: the PDF writer embeds TrueType subsets, while the Noto CJK
// fonts most systems carry are OpenType/CFF collections it cannot embed.
var FontPaths = []string{
	"/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf", // Debian: fonts-droid-fallback
	"/usr/share/fonts/droid/DroidSansFallbackFull.ttf",
	"/usr/share/fonts/google-droid-sans-fonts/DroidSansFallbackFull.ttf", // Fedora
	"fonts/DroidSansFallbackFull.ttf",                                    // beside the binary's working folder
}

// Font is a loaded TrueType CJK font, read once and shared by every PDF.
type Font struct {
	Path string
	data []byte
}

// maxFontSize refuses to read anything absurd as a font.
const maxFontSize = 64 << 20

// FindFont returns the font to use: the configured path (config.Config.FontPath, which
// also comes from ZHIYUAN_FONT) when set, else the first of FontPaths that exists. A
// configured path that is missing or not TrueType is an error naming it; nothing found
// at all is ErrNoFont.
func FindFont(configured string) (*Font, error) {
	if configured != "" {
		return LoadFont(configured)
	}
	for _, p := range FontPaths {
		if _, err := os.Stat(p); err == nil {
			if f, err := LoadFont(p); err == nil {
				return f, nil
			}
		}
	}
	return nil, ErrNoFont
}

// LoadFont reads a TrueType font file and checks that the PDF writer can embed it.
func LoadFont(path string) (*Font, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("font %s: %w (%v)", path, err, ErrNoFont)
	}
	if st.Size() > maxFontSize {
		return nil, fmt.Errorf("font %s is larger than %d MB", path, maxFontSize>>20)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("font %s: %w", path, err)
	}
	if err := checkTrueType(data); err != nil {
		return nil, fmt.Errorf("font %s: %w", path, err)
	}
	return &Font{Path: path, data: data}, nil
}

// checkTrueType looks at the sfnt header: TrueType outlines (version 0x00010000 or
// 'true') and a glyf table. CFF-flavoured OpenType ('OTTO') and collections ('ttcf')
// would embed as garbage, so they are refused by name.
func checkTrueType(data []byte) error {
	if len(data) < 12 {
		return errors.New("not a font file")
	}
	switch string(data[:4]) {
	case "\x00\x01\x00\x00", "true":
	case "OTTO":
		return errors.New("is an OpenType/CFF font; a TrueType (.ttf with glyf outlines) CJK font is needed, e.g. DroidSansFallbackFull.ttf")
	case "ttcf":
		return errors.New("is a font collection (.ttc); a single TrueType (.ttf) CJK font is needed, e.g. DroidSansFallbackFull.ttf")
	default:
		return errors.New("not a TrueType font")
	}
	n := int(data[4])<<8 | int(data[5])
	if len(data) < 12+16*n {
		return errors.New("truncated font file")
	}
	for i := 0; i < n; i++ {
		if bytes.Equal(data[12+16*i:12+16*i+4], []byte("glyf")) {
			return nil
		}
	}
	return errors.New("has no TrueType outlines (glyf table)")
}
