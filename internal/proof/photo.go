package proof

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"runtime"
	"time"

	"golang.org/x/image/draw"

	"zhiyuan"
)

// Card photo limits. Every limit is checked from the file's header before anything is
// decoded: a small file can claim a huge image (a decompression bomb: 324 KB of
// compressed zeros make a 16-bit 6320 × 6320 PNG that decodes to 320 MB).
const (
	MaxPhotoBytes = 5 << 20 // 5 MB uploaded
	MaxPhotoSide  = 12_000  // no side longer than this, whatever the total
	MinPhotoSide  = 100     // too small to print on a card
	PhotoWidth    = 295     // the card photo: a one-inch photo (25 × 35 mm) at 300 dpi
	PhotoHeight   = 413
	photoQuality  = 90
)

// MaxPhotoDecodeBytes is the memory one photo may take while it is decoded, computed
// from its header by decodeCost as the standard decoders allocate it: width × height ×
// bytes per pixel of the image type they produce (1 for 8-bit grey, 8 for 16-bit RGBA,
// …), twice for an interlaced PNG, plus 4 bytes per sample of a progressive JPEG's
// coefficients. 48 MiB takes a 33-megapixel baseline JPEG from a phone camera (12 is
// usual), a 6-megapixel progressive JPEG or a 12-megapixel 8-bit colour PNG; a card
// photo needs 0.12 megapixels. Resizing afterwards costs a few MB more (cardPhoto).
const MaxPhotoDecodeBytes = 48 << 20

// MaxPhotoDecodes is how many photos the whole server decodes at once, however many
// uploads arrive: with MaxPhotoDecodeBytes each, photos never hold more than 96 MiB.
// Two also matches the small machines a city runs on; decoding is CPU-bound anyway.
const MaxPhotoDecodes = 2

// PhotoDecodeWait is how long an upload waits for a decoding slot before it is refused
// with ErrPhotoBusy (429 ratelimited). A typical photo decodes in a fraction of a second.
const PhotoDecodeWait = 10 * time.Second

// ErrPhotoBusy is the refusal of an upload that found every decoding slot taken for
// PhotoDecodeWait: 429 with the stable code "ratelimited".
var ErrPhotoBusy = zhiyuan.FieldFail(zhiyuan.ERateLimited, "photo", "card.photo_busy")

// decodeSlots is the server-wide semaphore of MaxPhotoDecodes.
var decodeSlots = make(chan struct{}, MaxPhotoDecodes)

// The field every photo error names, as the application form and the API call it.
const photoField = "photo"

// NormalizePhoto is NormalizePhotoContext without a caller's context: it waits at most
// PhotoDecodeWait for a decoding slot.
func NormalizePhoto(data []byte) ([]byte, error) {
	return NormalizePhotoContext(context.Background(), data)
}

// NormalizePhotoContext turns an uploaded photo into the card photo: it accepts JPEG or
// PNG only (recognised by their first bytes, never by a file name), enforces the byte,
// side and decoded-size limits from the header, waits for one of MaxPhotoDecodes slots
// (ErrPhotoBusy after PhotoDecodeWait or when ctx ends), honours the camera's EXIF
// orientation, crops the centre to the card's 5:7 shape, scales it to PhotoWidth ×
// PhotoHeight and encodes a fresh JPEG. Because only decoded pixels are written back,
// nothing else in the upload (EXIF with GPS positions, comments, trailing data, a second
// file glued to the end) survives. Other errors are zhiyuan EInvalid errors naming the
// field "photo", in Chinese.
func NormalizePhotoContext(ctx context.Context, data []byte) ([]byte, error) {
	return normalize(ctx, data, photoField, ErrPhotoBusy, cardPhoto)
}

// ErrCoverBusy is ErrPhotoBusy for a campaign's cover image.
var ErrCoverBusy = zhiyuan.FieldFail(zhiyuan.ERateLimited, coverField, "card.photo_busy")

// The field every cover error names, as the campaign forms and the API call it.
const coverField = "cover"

// NormalizeCoverContext turns an uploaded image into a campaign's cover exactly as
// NormalizePhotoContext makes a card photo (same types, limits, decoding slots and
// re-encoding, so nothing but pixels survives), cropped to the cover's landscape shape
// and scaled to zhiyuan.CampaignCoverWidth × CampaignCoverHeight. Errors name the field
// "cover".
func NormalizeCoverContext(ctx context.Context, data []byte) ([]byte, error) {
	return normalize(ctx, data, coverField, ErrCoverBusy, func(img image.Image, orientation int) *image.RGBA {
		return fitImage(img, orientation, zhiyuan.CampaignCoverWidth, zhiyuan.CampaignCoverHeight)
	})
}

// normalize checks, decodes and re-encodes an uploaded image as a JPEG of what fit makes
// of its pixels and camera orientation, errors naming field (busy when no decoding slot
// frees up in time).
func normalize(ctx context.Context, data []byte, field string, busy error, fit func(img image.Image, orientation int) *image.RGBA) ([]byte, error) {
	cost, err := checkImage(data, field)
	if err != nil {
		return nil, err
	}
	wait, cancel := context.WithTimeout(ctx, PhotoDecodeWait)
	defer cancel()
	select {
	case decodeSlots <- struct{}{}:
		defer func() { <-decodeSlots }()
	case <-wait.Done():
		return nil, busy
	}
	var img image.Image
	if isJPEG(data) {
		img, err = jpeg.Decode(bytes.NewReader(data))
	} else {
		img, err = png.Decode(bytes.NewReader(data))
	}
	if err != nil {
		return nil, zhiyuan.FieldFail(zhiyuan.EInvalid, field, "card.photo_unreadable")
	}
	out := fit(img, exifOrientation(data))
	img = nil
	if cost > bigDecode {
		// The original is now garbage of up to MaxPhotoDecodeBytes. Left to the pacer
		// (GOGC=100), the heap grows to twice what was live before it is collected, so a
		// run of uploads keeps about twice the decoding budget resident; collecting now
		// keeps the peak near MaxPhotoDecodes × MaxPhotoDecodeBytes (TestPhotoPeakRSS).
		runtime.GC()
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, out, &jpeg.Options{Quality: photoQuality}); err != nil {
		return nil, fmt.Errorf("proof: encoding image: %w", err)
	}
	return buf.Bytes(), nil
}

func isJPEG(data []byte) bool { return bytes.HasPrefix(data, []byte{0xFF, 0xD8, 0xFF}) }
func isPNG(data []byte) bool  { return bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")) }

// CheckPhoto applies every limit NormalizePhoto applies before decoding (type, bytes,
// sides, decoded size), reading headers only.
func CheckPhoto(data []byte) error {
	_, err := checkPhoto(data)
	return err
}

// bigDecode is the decoded size above which NormalizePhotoContext collects garbage at
// once: a 12-megapixel phone photo (18 MB) is above it, a small photo is not.
const bigDecode = 8 << 20

// checkPhoto applies every limit before decoding (type, bytes, sides, decoded size),
// reading headers only, and returns the decoded size.
func checkPhoto(data []byte) (int64, error) {
	return checkImage(data, photoField)
}

// checkImage is checkPhoto with errors naming field.
func checkImage(data []byte, field string) (int64, error) {
	// photoErr refuses the image with the catalogue sentence reason and its parameters.
	photoErr := func(reason zhiyuan.Msg, args ...any) error {
		return zhiyuan.FieldFail(zhiyuan.EInvalid, field, reason, args...)
	}
	if len(data) == 0 {
		return 0, photoErr("card.photo_required")
	}
	if len(data) > MaxPhotoBytes {
		return 0, photoErr("card.photo_too_large", "max_mb", MaxPhotoBytes>>20)
	}
	if !isJPEG(data) && !isPNG(data) {
		return 0, photoErr("card.photo_type")
	}
	w, h, cost, err := decodeCost(data)
	if err != nil {
		return 0, photoErr("card.photo_unreadable")
	}
	if w > MaxPhotoSide || h > MaxPhotoSide {
		return 0, photoErr("card.photo_too_wide", "width", w, "height", h, "max", MaxPhotoSide)
	}
	if w < MinPhotoSide || h < MinPhotoSide {
		return 0, photoErr("card.photo_too_small", "width", w, "height", h, "min", MinPhotoSide)
	}
	if cost > MaxPhotoDecodeBytes {
		return 0, photoErr("card.photo_too_costly", "width", w, "height", h,
			"need_mb", (cost+(1<<20)-1)>>20, "max_mb", MaxPhotoDecodeBytes>>20)
	}
	return cost, nil
}

// decodeCost reads an image's header and returns its size and the bytes the standard
// library's decoder would allocate for its pixels, without decoding any.
func decodeCost(data []byte) (w, h int, cost int64, err error) {
	if isJPEG(data) {
		return jpegCost(data)
	}
	return pngCost(data)
}

var errHeader = errors.New("proof: unreadable image header")

// pngCost follows image/png: grey of 1 to 8 bits decodes to image.Gray (1 byte a pixel),
// or NRGBA (4) when a tRNS chunk makes a colour transparent; 16-bit grey to Gray16 (2) or
// NRGBA64 (8); palette images to Paletted (1); 8-bit colour with or without alpha and
// grey with alpha to RGBA or NRGBA (4); their 16-bit forms to RGBA64 or NRGBA64 (8). An
// interlaced image is decoded pass by pass and then merged: count it twice. The two row
// buffers add a few bytes per column.
func pngCost(data []byte) (int, int, int64, error) {
	cfg, err := png.DecodeConfig(bytes.NewReader(data)) // validates the IHDR chunk
	if err != nil || len(data) < 33 || string(data[12:16]) != "IHDR" {
		return 0, 0, 0, errHeader
	}
	depth, ctype, interlace := data[24], data[25], data[28]
	trns := false
	for p := 33; p+8 <= len(data); {
		n := int64(binary.BigEndian.Uint32(data[p:]))
		typ := string(data[p+4 : p+8])
		if typ == "IDAT" {
			break
		}
		if typ == "tRNS" {
			trns = true
		}
		if n > int64(len(data)) {
			break
		}
		p += 12 + int(n)
	}
	var bpp int64
	switch {
	case ctype == 3: // palette
		bpp = 1
	case ctype == 0 && depth <= 8 && !trns:
		bpp = 1
	case ctype == 0 && depth == 16 && !trns:
		bpp = 2
	case depth == 16:
		bpp = 8
	default:
		bpp = 4
	}
	w, h := int64(cfg.Width), int64(cfg.Height)
	cost := w * h * bpp
	if interlace == 1 {
		cost *= 2
	}
	channels := map[byte]int64{0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[ctype]
	cost += 2 * (w*channels*int64(depth)/8 + 2)
	return cfg.Width, cfg.Height, cost, nil
}

// jpegCost follows image/jpeg: each component's plane is allocated rounded up to whole
// MCUs (8 × sampling factor pixels); a progressive image also keeps every component's
// DCT coefficients (64 int32 per 8 × 8 block: 4 bytes per sample) until the last scan;
// a 4-component (CMYK or YCCK) image and an RGB one (Adobe transform 0, or components
// named R, G, B) are converted into a 4-byte-per-pixel image besides.
func jpegCost(data []byte) (int, int, int64, error) {
	cfg, err := jpeg.DecodeConfig(bytes.NewReader(data)) // finds and validates the frame header
	if err != nil {
		return 0, 0, 0, errHeader
	}
	sof := jpegFrame(data)
	if sof == nil {
		return 0, 0, 0, errHeader
	}
	progressive := sof[0] == 0xC2
	f := sof[1:] // precision, height, width, components, then 3 bytes per component
	if len(f) < 6 {
		return 0, 0, 0, errHeader
	}
	n := int(f[5])
	if n != 1 && n != 3 && n != 4 || len(f) < 6+3*n {
		return 0, 0, 0, errHeader
	}
	hs, vs := make([]int64, n), make([]int64, n)
	rgb := n == 3
	for i := 0; i < n; i++ {
		c := f[6+3*i:]
		hs[i], vs[i] = int64(c[1]>>4), int64(c[1]&15)
		if hs[i] == 0 || vs[i] == 0 {
			return 0, 0, 0, errHeader
		}
		rgb = rgb && c[0] == "RGB"[i]
	}
	if n == 1 { // image/jpeg ignores a lone component's sampling factors
		hs[0], vs[0] = 1, 1
	}
	w, h := int64(cfg.Width), int64(cfg.Height)
	mxx, myy := (w+8*hs[0]-1)/(8*hs[0]), (h+8*vs[0]-1)/(8*vs[0])
	var samples int64
	for i := range n {
		samples += 8 * hs[i] * mxx * 8 * vs[i] * myy
	}
	cost := samples
	if progressive {
		cost += 4 * samples
	}
	if n == 4 || (n == 3 && (rgb || adobeRGB(data))) {
		cost += 4 * w * h
	}
	return cfg.Width, cfg.Height, cost, nil
}

// jpegFrame returns the marker byte and body of the frame header (SOF0, SOF1 or SOF2,
// the ones image/jpeg decodes), walking the segments before it.
func jpegFrame(data []byte) []byte {
	for p := 2; p+4 <= len(data); {
		if data[p] != 0xFF {
			return nil
		}
		m := data[p+1]
		switch {
		case m == 0xFF: // fill byte
			p++
			continue
		case m == 0x01 || (m >= 0xD0 && m <= 0xD8): // markers without a length
			p += 2
			continue
		case m == 0xDA || m == 0xD9: // a scan or the end before any frame header
			return nil
		}
		n := int(binary.BigEndian.Uint16(data[p+2:]))
		if n < 2 || p+2+n > len(data) {
			return nil
		}
		if m == 0xC0 || m == 0xC1 || m == 0xC2 {
			return append([]byte{m}, data[p+4:p+2+n]...)
		}
		p += 2 + n
	}
	return nil
}

// adobeRGB reports whether an Adobe APP14 segment with colour transform 0 (RGB, so
// image/jpeg converts the planes into a fresh RGBA image) appears anywhere in data. The
// decoder honours such a segment wherever it stands, so every occurrence of the pattern
// counts: at worst a stray one overestimates the cost.
func adobeRGB(data []byte) bool {
	for i := 0; ; {
		j := bytes.Index(data[i:], []byte("Adobe"))
		if j < 0 {
			return false
		}
		k := i + j // "Adobe" at k; the segment starts 4 bytes before: FF EE length
		if k >= 4 && data[k-4] == 0xFF && data[k-3] == 0xEE && k+11 < len(data) &&
			binary.BigEndian.Uint16(data[k-2:]) >= 14 && data[k+11] == 0 {
			return true
		}
		i = k + 1
	}
}

// cardPhoto crops the centre of img to the card's shape and scales it. The crop and the
// scaling happen in the stored (unrotated) frame, and only the small result is turned
// upright: rotating a 40-megapixel original first would cost far more. A centred crop
// is symmetric, so for the orientations that swap width and height it is enough to
// crop to the swapped shape.
func cardPhoto(img image.Image, orientation int) *image.RGBA {
	return fitImage(img, orientation, PhotoWidth, PhotoHeight)
}

// fitImage is cardPhoto for any target size tw × th (a campaign's cover too).
func fitImage(img image.Image, orientation, tw, th int) *image.RGBA {
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
	// The kernel scaler keeps 32 bytes for every target column of every source row: 158 MB
	// for a 12,000-pixel-high crop. Averaging whole k × k blocks first brings the crop
	// under twice the target size, so that buffer stays under 8 MB.
	var src image.Image = img
	if k := min(cw/tw, ch/th); k >= 2 {
		src = shrink(img, crop, k)
		crop = src.Bounds()
	}
	scaled := image.NewRGBA(image.Rect(0, 0, tw, th))
	// White under transparent PNG areas, as on a printed photo.
	draw.Draw(scaled, scaled.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)
	draw.CatmullRom.Scale(scaled, scaled.Bounds(), src, crop, draw.Over, nil)
	return orient(scaled, orientation)
}

// shrink returns the rectangle r of img reduced k times by averaging k × k blocks of
// premultiplied colour (a box filter, which is what downscaling by a whole factor
// should do). Any image of package image gives its pixels through RGBA64At without an
// allocation per pixel.
func shrink(img image.Image, r image.Rectangle, k int) *image.RGBA {
	dw, dh := r.Dx()/k, r.Dy()/k
	out := image.NewRGBA(image.Rect(0, 0, dw, dh))
	fast, _ := img.(image.RGBA64Image)
	n := uint64(k * k)
	for y := 0; y < dh; y++ {
		for x := 0; x < dw; x++ {
			var sr, sg, sb, sa uint64
			for j := 0; j < k; j++ {
				for i := 0; i < k; i++ {
					px, py := r.Min.X+x*k+i, r.Min.Y+y*k+j
					var c color.RGBA64
					if fast != nil {
						c = fast.RGBA64At(px, py)
					} else {
						r, g, b, a := img.At(px, py).RGBA()
						c = color.RGBA64{uint16(r), uint16(g), uint16(b), uint16(a)}
					}
					sr, sg, sb, sa = sr+uint64(c.R), sg+uint64(c.G), sb+uint64(c.B), sa+uint64(c.A)
				}
			}
			o := out.PixOffset(x, y)
			out.Pix[o+0] = uint8(sr / n >> 8)
			out.Pix[o+1] = uint8(sg / n >> 8)
			out.Pix[o+2] = uint8(sb / n >> 8)
			out.Pix[o+3] = uint8(sa / n >> 8)
		}
	}
	return out
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
