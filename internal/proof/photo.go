package proof

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"

	"golang.org/x/image/draw"

	"zhiyuan"
)

// Card photo limits. The pixel limit is checked from the image header before anything
// is decoded, so a small file claiming 20,000 × 20,000 pixels (a decompression bomb) is
// refused without allocating its 1.6 GB.
const (
	MaxPhotoBytes  = 5 << 20    // 5 MB uploaded
	MaxPhotoPixels = 40_000_000 // 40 megapixels: any phone camera, nothing absurd
	MaxPhotoSide   = 12_000     // no side longer than this, whatever the total
	MinPhotoSide   = 100        // too small to print on a card
	PhotoWidth     = 295        // the card photo: a one-inch photo (25 × 35 mm) at 300 dpi
	PhotoHeight    = 413
	photoQuality   = 90
)

// The field every photo error names, as the application form and the API call it.
const photoField = "photo"

func photoErr(msg string) error { return zhiyuan.FieldError(zhiyuan.EInvalid, photoField, msg) }

// NormalizePhoto turns an uploaded photo into the card photo: it accepts JPEG or PNG only
// (recognised by their first bytes, never by a file name), enforces the byte and pixel
// limits, honours the camera's EXIF orientation, crops the centre to the card's 5:7
// shape, scales it to PhotoWidth × PhotoHeight and encodes a fresh JPEG. Because only
// decoded pixels are written back, nothing else in the upload (EXIF with GPS positions,
// comments, trailing data, a second file glued to the end) survives. Errors are
// zhiyuan EInvalid errors naming the field "photo", in Chinese.
func NormalizePhoto(data []byte) ([]byte, error) {
	if len(data) == 0 {
		return nil, photoErr("请上传照片")
	}
	if len(data) > MaxPhotoBytes {
		return nil, photoErr(fmt.Sprintf("照片不能超过%dMB", MaxPhotoBytes>>20))
	}
	var (
		decodeConfig func([]byte) (image.Config, error)
		decode       func([]byte) (image.Image, error)
	)
	switch {
	case bytes.HasPrefix(data, []byte{0xFF, 0xD8, 0xFF}):
		decodeConfig = func(b []byte) (image.Config, error) { return jpeg.DecodeConfig(bytes.NewReader(b)) }
		decode = func(b []byte) (image.Image, error) { return jpeg.Decode(bytes.NewReader(b)) }
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		decodeConfig = func(b []byte) (image.Config, error) { return png.DecodeConfig(bytes.NewReader(b)) }
		decode = func(b []byte) (image.Image, error) { return png.Decode(bytes.NewReader(b)) }
	default:
		return nil, photoErr("照片须为JPEG或PNG格式的图片")
	}
	cfg, err := decodeConfig(data)
	if err != nil {
		return nil, photoErr("照片文件已损坏或无法识别")
	}
	if cfg.Width > MaxPhotoSide || cfg.Height > MaxPhotoSide || int64(cfg.Width)*int64(cfg.Height) > MaxPhotoPixels {
		return nil, photoErr(fmt.Sprintf("照片像素过大（%d×%d），请上传不超过%d万像素的照片", cfg.Width, cfg.Height, MaxPhotoPixels/10000))
	}
	if cfg.Width < MinPhotoSide || cfg.Height < MinPhotoSide {
		return nil, photoErr(fmt.Sprintf("照片太小（%d×%d），宽和高都应至少%d像素", cfg.Width, cfg.Height, MinPhotoSide))
	}
	img, err := decode(data)
	if err != nil {
		return nil, photoErr("照片文件已损坏或无法识别")
	}
	out := cardPhoto(img, exifOrientation(data))
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, out, &jpeg.Options{Quality: photoQuality}); err != nil {
		return nil, fmt.Errorf("proof: encoding card photo: %w", err)
	}
	return buf.Bytes(), nil
}

// cardPhoto crops the centre of img to the card's shape and scales it. The crop and the
// scaling happen in the stored (unrotated) frame, and only the small result is turned
// upright: rotating a 40-megapixel original first would cost far more. A centred crop
// is symmetric, so for the orientations that swap width and height it is enough to
// crop to the swapped shape.
func cardPhoto(img image.Image, orientation int) *image.RGBA {
	tw, th := PhotoWidth, PhotoHeight
	swap := orientation >= 5 && orientation <= 8
	if swap {
		tw, th = th, tw
	}
	b := img.Bounds()
	cw, ch := b.Dx(), b.Dy()
	if cw*th > ch*tw { // wider than the target: cut the sides
		cw = ch * tw / th
	} else {
		ch = cw * th / tw
	}
	crop := image.Rect(0, 0, cw, ch).Add(b.Min).Add(image.Pt((b.Dx()-cw)/2, (b.Dy()-ch)/2))
	scaled := image.NewRGBA(image.Rect(0, 0, tw, th))
	// White under transparent PNG areas, as on a printed photo.
	draw.Draw(scaled, scaled.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)
	draw.CatmullRom.Scale(scaled, scaled.Bounds(), img, crop, draw.Over, nil)
	return orient(scaled, orientation)
}

// orient applies an EXIF orientation (1-8) to a small image.
func orient(src *image.RGBA, o int) *image.RGBA {
	if o < 2 || o > 8 {
		return src
	}
	w, h := src.Bounds().Dx(), src.Bounds().Dy()
	dw, dh := w, h
	if o >= 5 {
		dw, dh = h, w
	}
	dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			var dx, dy int
			switch o {
			case 2: // mirrored
				dx, dy = w-1-x, y
			case 3: // upside down
				dx, dy = w-1-x, h-1-y
			case 4: // mirrored upside down
				dx, dy = x, h-1-y
			case 5: // transposed
				dx, dy = y, x
			case 6: // stored turned left: turn right
				dx, dy = h-1-y, x
			case 7: // transversed
				dx, dy = h-1-y, w-1-x
			case 8: // stored turned right: turn left
				dx, dy = y, w-1-x
			}
			i, j := src.PixOffset(x, y), dst.PixOffset(dx, dy)
			copy(dst.Pix[j:j+4], src.Pix[i:i+4])
		}
	}
	return dst
}

// exifOrientation finds the orientation tag (0x0112) in a JPEG's EXIF block, or returns
// 1. Phones store photos sideways and set this tag; since the re-encoded photo carries
// no EXIF, ignoring it would print many faces on their side. Every offset is checked:
// the bytes come from anyone.
func exifOrientation(data []byte) int {
	if len(data) < 4 || data[0] != 0xFF || data[1] != 0xD8 {
		return 1
	}
	p := 2
	for p+4 <= len(data) {
		if data[p] != 0xFF {
			return 1
		}
		marker := data[p+1]
		if marker == 0xDA || marker == 0xD9 { // start of scan or end: no EXIF before it
			return 1
		}
		n := int(binary.BigEndian.Uint16(data[p+2:]))
		if n < 2 || p+2+n > len(data) {
			return 1
		}
		seg := data[p+4 : p+2+n]
		if marker == 0xE1 && len(seg) > 6 && string(seg[:6]) == "Exif\x00\x00" {
			return tiffOrientation(seg[6:])
		}
		p += 2 + n
	}
	return 1
}

func tiffOrientation(t []byte) int {
	if len(t) < 8 {
		return 1
	}
	var bo binary.ByteOrder
	switch string(t[:4]) {
	case "II*\x00":
		bo = binary.LittleEndian
	case "MM\x00*":
		bo = binary.BigEndian
	default:
		return 1
	}
	ifd := int(bo.Uint32(t[4:]))
	if ifd < 8 || ifd+2 > len(t) {
		return 1
	}
	count := int(bo.Uint16(t[ifd:]))
	for i := 0; i < count; i++ {
		e := ifd + 2 + 12*i
		if e+12 > len(t) {
			return 1
		}
		if bo.Uint16(t[e:]) == 0x0112 && bo.Uint16(t[e+2:]) == 3 { // orientation, SHORT
			if v := int(bo.Uint16(t[e+8:])); v >= 1 && v <= 8 {
				return v
			}
			return 1
		}
	}
	return 1
}
