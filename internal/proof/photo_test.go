package proof

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"runtime"
	"strings"
	"testing"

	"zhiyuan"
)

// testImage draws a w × h picture: red on the left half, blue on the right, so that
// crops and rotations can be told apart.
func testImage(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := color.RGBA{200, 30, 30, 255}
			if x >= w/2 {
				c = color.RGBA{30, 30, 200, 255}
			}
			img.Set(x, y, c)
		}
	}
	return img
}

func jpegBytes(t testing.TB, img image.Image) []byte {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, nil); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func pngBytes(t testing.TB, img image.Image) []byte {
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// withExif inserts an APP1 EXIF segment (orientation plus a GPS-looking string) after
// the JPEG's SOI marker.
func withExif(jpg []byte, orientation uint16) []byte {
	var tiff bytes.Buffer
	tiff.WriteString("MM\x00*")
	binary.Write(&tiff, binary.BigEndian, uint32(8))
	binary.Write(&tiff, binary.BigEndian, uint16(1))
	binary.Write(&tiff, binary.BigEndian, uint16(0x0112))
	binary.Write(&tiff, binary.BigEndian, uint16(3))
	binary.Write(&tiff, binary.BigEndian, uint32(1))
	binary.Write(&tiff, binary.BigEndian, orientation)
	binary.Write(&tiff, binary.BigEndian, uint16(0))
	binary.Write(&tiff, binary.BigEndian, uint32(0))
	tiff.WriteString("GPS 23.1291N 113.2644E SECRET-HOME")
	seg := append([]byte("Exif\x00\x00"), tiff.Bytes()...)
	var out bytes.Buffer
	out.Write(jpg[:2])
	out.Write([]byte{0xFF, 0xE1})
	binary.Write(&out, binary.BigEndian, uint16(len(seg)+2))
	out.Write(seg)
	out.Write(jpg[2:])
	return out.Bytes()
}

func wantPhotoError(t *testing.T, data []byte, fragment string) {
	t.Helper()
	_, err := NormalizePhoto(data)
	if err == nil {
		t.Fatalf("accepted; want an error containing %q", fragment)
	}
	if zhiyuan.ErrorCode(err) != zhiyuan.EInvalid || zhiyuan.ErrorFields(err)["photo"] == "" {
		t.Fatalf("err = %v, want an invalid error naming the photo field", err)
	}
	if !strings.Contains(zhiyuan.ErrorMessage(err), fragment) {
		t.Fatalf("message %q lacks %q", zhiyuan.ErrorMessage(err), fragment)
	}
}

func TestPhotoNotAnImage(t *testing.T) {
	t.Parallel()
	wantPhotoError(t, []byte("%PDF-1.4 this is not a photo"), "JPEG或PNG")
	wantPhotoError(t, []byte("GIF89a\x01\x00\x01\x00"), "JPEG或PNG")
	wantPhotoError(t, nil, "请上传照片")
	// The right magic bytes but nothing behind them.
	wantPhotoError(t, []byte("\xFF\xD8\xFF\xE0garbage"), "损坏")
	wantPhotoError(t, []byte("\x89PNG\r\n\x1a\ngarbage"), "损坏")
}

func TestPhotoTooManyBytes(t *testing.T) {
	t.Parallel()
	data := append(jpegBytes(t, testImage(300, 400)), make([]byte, MaxPhotoBytes)...)
	wantPhotoError(t, data, "5MB")
}

// A 20,000 × 20,000 image is refused from its header, before any pixel is decoded: the
// files here are tiny, and decoding them would need 1.6 GB.
func TestPhotoTooManyPixels(t *testing.T) {
	// Not parallel: it measures the process's allocations while it refuses.
	// PNG: rewrite the IHDR dimensions of a small valid PNG and fix the chunk's CRC.
	p := pngBytes(t, testImage(120, 120))
	binary.BigEndian.PutUint32(p[16:], 20000)
	binary.BigEndian.PutUint32(p[20:], 20000)
	binary.BigEndian.PutUint32(p[29:], crc32.ChecksumIEEE(p[12:29]))
	if cfg, err := png.DecodeConfig(bytes.NewReader(p)); err != nil || cfg.Width != 20000 {
		t.Fatalf("test PNG header: %v %v", cfg, err)
	}
	wantPhotoError(t, p, "像素过大")

	// JPEG: rewrite the SOF0 frame's dimensions.
	j := jpegBytes(t, testImage(120, 120))
	i := bytes.Index(j, []byte{0xFF, 0xC0})
	if i < 0 {
		t.Fatal("no SOF0 in test JPEG")
	}
	binary.BigEndian.PutUint16(j[i+5:], 20000)
	binary.BigEndian.PutUint16(j[i+7:], 20000)
	wantPhotoError(t, j, "像素过大")

	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	NormalizePhoto(j)
	NormalizePhoto(p)
	runtime.ReadMemStats(&after)
	if grown := after.TotalAlloc - before.TotalAlloc; grown > 1<<20 {
		t.Fatalf("refusing two 20,000² images allocated %d KB", grown>>10)
	}
}

func TestPhotoTooSmall(t *testing.T) {
	t.Parallel()
	wantPhotoError(t, jpegBytes(t, testImage(40, 60)), "太小")
}

func TestPhotoReencodedWithoutExif(t *testing.T) {
	t.Parallel()
	src := withExif(jpegBytes(t, testImage(600, 800)), 1)
	src = append(src, []byte("TRAILING-ZIP-PAYLOAD")...)
	out, err := NormalizePhoto(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, leak := range []string{"Exif", "GPS", "SECRET-HOME", "TRAILING"} {
		if bytes.Contains(out, []byte(leak)) {
			t.Errorf("re-encoded photo still contains %q", leak)
		}
	}
	img, err := jpeg.Decode(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != PhotoWidth || b.Dy() != PhotoHeight {
		t.Fatalf("photo is %v, want %d×%d", b, PhotoWidth, PhotoHeight)
	}
}

func TestPhotoPNGTransparencyOnWhite(t *testing.T) {
	t.Parallel()
	img := image.NewNRGBA(image.Rect(0, 0, 300, 420)) // fully transparent
	out, err := NormalizePhoto(pngBytes(t, img))
	if err != nil {
		t.Fatal(err)
	}
	dec, _ := jpeg.Decode(bytes.NewReader(out))
	r, g, b, _ := dec.At(PhotoWidth/2, PhotoHeight/2).RGBA()
	if r>>8 < 240 || g>>8 < 240 || b>>8 < 240 {
		t.Fatalf("transparent area became %d,%d,%d, want white", r>>8, g>>8, b>>8)
	}
}

// A phone photo stored sideways (EXIF orientation 6: turn right to view) comes out
// upright: the left (red) half of the stored picture becomes the top.
func TestPhotoHonoursOrientation(t *testing.T) {
	t.Parallel()
	src := withExif(jpegBytes(t, testImage(800, 600)), 6)
	out, err := NormalizePhoto(src)
	if err != nil {
		t.Fatal(err)
	}
	dec, _ := jpeg.Decode(bytes.NewReader(out))
	if b := dec.Bounds(); b.Dx() != PhotoWidth || b.Dy() != PhotoHeight {
		t.Fatalf("size %v", b)
	}
	top := color.RGBAModel.Convert(dec.At(PhotoWidth/2, 20)).(color.RGBA)
	bottom := color.RGBAModel.Convert(dec.At(PhotoWidth/2, PhotoHeight-20)).(color.RGBA)
	if !(top.R > 150 && top.B < 100) || !(bottom.B > 150 && bottom.R < 100) {
		t.Fatalf("not turned upright: top %v bottom %v", top, bottom)
	}
	for o := 1; o <= 8; o++ {
		if got := exifOrientation(withExif(jpegBytes(t, testImage(120, 120)), uint16(o))); got != o {
			t.Errorf("orientation %d read as %d", o, got)
		}
	}
}

func FuzzNormalizePhoto(f *testing.F) {
	img := testImage(120, 160)
	var j, p bytes.Buffer
	jpeg.Encode(&j, img, nil)
	png.Encode(&p, img)
	f.Add(j.Bytes())
	f.Add(p.Bytes())
	f.Add(withExif(j.Bytes(), 6))
	f.Fuzz(func(t *testing.T, data []byte) {
		out, err := NormalizePhoto(data)
		if err != nil {
			if zhiyuan.ErrorCode(err) != zhiyuan.EInvalid {
				t.Fatalf("non-validation error: %v", err)
			}
			return
		}
		if _, err := jpeg.Decode(bytes.NewReader(out)); err != nil {
			t.Fatalf("output is not a JPEG: %v", err)
		}
	})
}
