package proof

import (
	"bytes"
	"compress/zlib"
	"context"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"image"
	"image/jpeg"
	"image/png"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"zhiyuan"
)

// pngChunk appends one PNG chunk with its CRC.
func pngChunk(out *bytes.Buffer, typ string, data []byte) {
	binary.Write(out, binary.BigEndian, uint32(len(data)))
	c := crc32.NewIEEE()
	out.WriteString(typ)
	c.Write([]byte(typ))
	out.Write(data)
	c.Write(data)
	binary.Write(out, binary.BigEndian, c.Sum32())
}

// rawPNG makes a w × h PNG of the given colour type and bit depth whose pixels are all
// zero, streaming the rows through zlib: a 320 MB image is a few hundred KB and is made
// without holding it. trns adds a tRNS chunk (a transparent colour, or palette alphas);
// a palette image gets a one-colour palette. Interlaced images are header-only (their
// IDAT is not valid), for cost checks.
func rawPNG(t testing.TB, w, h int, depth, ctype byte, trns, interlace bool) []byte {
	t.Helper()
	var out bytes.Buffer
	out.WriteString("\x89PNG\r\n\x1a\n")
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], uint32(w))
	binary.BigEndian.PutUint32(ihdr[4:], uint32(h))
	ihdr[8], ihdr[9] = depth, ctype
	if interlace {
		ihdr[12] = 1
	}
	pngChunk(&out, "IHDR", ihdr)
	if ctype == 3 {
		pngChunk(&out, "PLTE", []byte{0, 0, 0})
	}
	if trns {
		switch ctype {
		case 0:
			pngChunk(&out, "tRNS", []byte{0, 0})
		case 2:
			pngChunk(&out, "tRNS", make([]byte, 6))
		case 3:
			pngChunk(&out, "tRNS", []byte{0})
		}
	}
	channels := map[byte]int{0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[ctype]
	row := make([]byte, 1+(w*channels*int(depth)+7)/8)
	var idat bytes.Buffer
	z, _ := zlib.NewWriterLevel(&idat, zlib.BestSpeed)
	for range h {
		z.Write(row)
	}
	z.Close()
	pngChunk(&out, "IDAT", idat.Bytes())
	pngChunk(&out, "IEND", nil)
	return out.Bytes()
}

// pixBytes is the size of a decoded image's pixel buffers.
func pixBytes(img image.Image) int64 {
	switch m := img.(type) {
	case *image.Gray:
		return int64(len(m.Pix))
	case *image.Gray16:
		return int64(len(m.Pix))
	case *image.RGBA:
		return int64(len(m.Pix))
	case *image.NRGBA:
		return int64(len(m.Pix))
	case *image.RGBA64:
		return int64(len(m.Pix))
	case *image.NRGBA64:
		return int64(len(m.Pix))
	case *image.Paletted:
		return int64(len(m.Pix))
	case *image.YCbCr:
		return int64(len(m.Y) + len(m.Cb) + len(m.Cr))
	case *image.CMYK:
		return int64(len(m.Pix))
	}
	panic(fmt.Sprintf("unexpected image type %T", img))
}

// TestPNGDecodeCostMatchesDecoder: for every colour type and bit depth PNG allows, with
// and without a tRNS chunk, the cost read from the header is what image/png allocates
// (plus the two row buffers), and an interlaced image counts twice.
func TestPNGDecodeCostMatchesDecoder(t *testing.T) {
	t.Parallel()
	depths := map[byte][]byte{0: {1, 2, 4, 8, 16}, 2: {8, 16}, 3: {1, 2, 4, 8}, 4: {8, 16}, 6: {8, 16}}
	const w, h = 150, 120
	for ctype, ds := range depths {
		for _, depth := range ds {
			for _, trns := range []bool{false, true} {
				if trns && (ctype == 4 || ctype == 6) {
					continue // alpha already: PNG forbids tRNS
				}
				data := rawPNG(t, w, h, depth, ctype, trns, false)
				img, err := png.Decode(bytes.NewReader(data))
				if err != nil {
					t.Fatalf("type %d depth %d trns %v: test PNG does not decode: %v", ctype, depth, trns, err)
				}
				gw, gh, cost, err := decodeCost(data)
				rows := cost - pixBytes(img)
				if err != nil || gw != w || gh != h || rows < 0 || rows > 2*(w*8+2) {
					t.Errorf("type %d depth %d trns %v: cost %d for %T of %d bytes (%v)", ctype, depth, trns, cost, img, pixBytes(img), err)
				}
				_, _, twice, _ := decodeCost(rawPNG(t, w, h, depth, ctype, trns, true))
				if twice-rows != 2*pixBytes(img) {
					t.Errorf("type %d depth %d: interlaced cost %d, want twice %d", ctype, depth, twice-rows, pixBytes(img))
				}
			}
		}
	}
}

// TestJPEGDecodeCost: baseline grey and colour JPEGs cost what image/jpeg allocates; the
// same frame marked progressive adds 4 bytes a sample for the coefficients.
func TestJPEGDecodeCost(t *testing.T) {
	t.Parallel()
	for _, img := range []image.Image{testImage(300, 400), image.NewGray(image.Rect(0, 0, 301, 399))} {
		data := jpegBytes(t, img)
		dec, err := jpegDecode(data)
		if err != nil {
			t.Fatal(err)
		}
		_, _, cost, err := decodeCost(data)
		if err != nil || cost != pixBytes(dec) {
			t.Errorf("%T: cost %d, decoder allocates %d (%v)", dec, cost, pixBytes(dec), err)
		}
		i := bytes.Index(data, []byte{0xFF, 0xC0})
		data[i+1] = 0xC2 // the same header, progressive
		if _, _, prog, _ := decodeCost(data); prog != 5*cost {
			t.Errorf("%T progressive: cost %d, want %d", dec, prog, 5*cost)
		}
	}
}

// bomb16 is the attack from issue 9: a 16-bit RGBA PNG of 6320 × 6320 zeros, a few
// hundred KB that decode to 320 MB.
var bomb16 = sync.OnceValue(func() []byte { return rawPNG(&testing.T{}, 6320, 6320, 16, 6, false, false) })

// TestPhotoBombsRefusedWithoutDecoding: the 16-bit 6320 × 6320 PNG, a 1 × 60,000 PNG, an
// 8-bit one over the budget and a progressive JPEG over it are refused from their
// headers: refusing all of them allocates less than one decoded row block.
func TestPhotoBombsRefusedWithoutDecoding(t *testing.T) {
	// Not parallel: it measures the process's allocations while it refuses.
	// 5,000 × 5,000 progressive: small as a baseline JPEG (37.5 MB), 188 MB progressive.
	j := jpegBytes(t, testImage(120, 120))
	i := bytes.Index(j, []byte{0xFF, 0xC0})
	binary.BigEndian.PutUint16(j[i+5:], 5000)
	binary.BigEndian.PutUint16(j[i+7:], 5000)
	if _, _, c, err := decodeCost(j); err != nil || c > MaxPhotoDecodeBytes {
		t.Fatalf("baseline 5000² JPEG costs %d (%v); the test wants it under the budget", c, err)
	}
	j[i+1] = 0xC2
	bombs := map[string][]byte{
		"16-bit 6320×6320 PNG": bomb16(),
		"1×60000 PNG":          rawPNG(t, 1, 60000, 8, 0, false, false),
		"60000×1 PNG":          rawPNG(t, 60000, 1, 8, 0, false, false),
		"8-bit 4000×4000 RGBA": rawPNG(t, 4000, 4000, 8, 6, false, false),
		"interlaced 3000²":     rawPNG(t, 3000, 3000, 8, 2, false, true),
		"progressive 5000²":    j,
	}
	if n := len(bomb16()); n > 1<<20 {
		t.Fatalf("bomb is %d bytes; it should be tiny", n)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for name, data := range bombs {
		_, err := NormalizePhoto(data)
		if zhiyuan.ErrorCode(err) != zhiyuan.EInvalid || !strings.Contains(zhiyuan.ErrorFields(err)["photo"], "像素") {
			t.Errorf("%s: %v, want a 422 on the photo about its size", name, err)
		}
	}
	runtime.ReadMemStats(&after)
	if grown := after.TotalAlloc - before.TotalAlloc; grown > 1<<20 {
		t.Fatalf("refusing %d bombs allocated %d KB: something was decoded", len(bombs), grown>>10)
	}
	if msg := zhiyuan.ErrorFields(must(NormalizePhoto(bomb16())))["photo"]; !strings.Contains(msg, "6320×6320") || !strings.Contains(msg, "MB") {
		t.Errorf("message %q should name the size and the memory", msg)
	}
}

func must(_ []byte, err error) error { return err }

// TestPhotoDecodesAreBounded: while every slot is taken, an upload waits and then gets
// 429 ratelimited naming the photo; it is not decoded meanwhile.
func TestPhotoDecodesAreBounded(t *testing.T) {
	// Not parallel: it takes every decode slot of the process for a moment.
	for range MaxPhotoDecodes {
		decodeSlots <- struct{}{}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := NormalizePhotoContext(ctx, jpegBytes(t, testImage(300, 400)))
	for range MaxPhotoDecodes {
		<-decodeSlots
	}
	if zhiyuan.ErrorCode(err) != zhiyuan.ERateLimited || zhiyuan.ErrorFields(err)["photo"] == "" {
		t.Fatalf("with every slot taken: %v, want ratelimited on the photo", err)
	}
	if _, err := NormalizePhoto(jpegBytes(t, testImage(300, 400))); err != nil {
		t.Fatalf("after the slots are free: %v", err)
	}
}

func jpegDecode(data []byte) (image.Image, error) { return jpeg.Decode(bytes.NewReader(data)) }
