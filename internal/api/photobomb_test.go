package api_test

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"hash/crc32"
	"net/http"
	"strings"
	"sync"
	"testing"

	"zhiyuan"
	"zhiyuan/internal/server/servertest"
)

// bombPNG is a w × h PNG of zero pixels (colour type ctype, bit depth depth) whose rows
// are streamed through zlib: the 16-bit 6320 × 6320 one from issue 9 is a few hundred KB
// and would decode to 320 MB.
func bombPNG(w, h int, depth, ctype byte, bpp int) []byte {
	var out bytes.Buffer
	chunk := func(typ string, data []byte) {
		binary.Write(&out, binary.BigEndian, uint32(len(data)))
		out.WriteString(typ)
		out.Write(data)
		binary.Write(&out, binary.BigEndian, crc32.ChecksumIEEE(append([]byte(typ), data...)))
	}
	out.WriteString("\x89PNG\r\n\x1a\n")
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr, uint32(w))
	binary.BigEndian.PutUint32(ihdr[4:], uint32(h))
	ihdr[8], ihdr[9] = depth, ctype
	chunk("IHDR", ihdr)
	var idat bytes.Buffer
	z, _ := zlib.NewWriterLevel(&idat, zlib.BestSpeed)
	row := make([]byte, 1+w*bpp)
	for range h {
		z.Write(row)
	}
	z.Close()
	chunk("IDAT", idat.Bytes())
	chunk("IEND", nil)
	return out.Bytes()
}

var bombs = sync.OnceValue(func() map[string][]byte {
	return map[string][]byte{
		"16-bit 6320×6320": bombPNG(6320, 6320, 16, 6, 8),
		"1×60000":          bombPNG(1, 60000, 8, 0, 1),
	}
})

// TestCardPhotoBombs: the decompression bombs of issue 9 are refused with a 422 naming
// the photo and nothing stored; and once the volunteer has an open application, an
// upload is refused with 409 before its body is read (a body that is not even a
// multipart form gets the 409, not the form's 422).
func TestCardPhotoBombs(t *testing.T) {
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		_, token := register(t, e, registration(e, idNumber("440106", 22, 1)))
		for name, photo := range bombs() {
			res := applyCard(e, token, photo, byAddress)
			_, _, fields := res.Error()
			if res.Status != http.StatusUnprocessableEntity || !strings.Contains(fields["photo"], "像素过大") {
				t.Errorf("%s: %d %s, want 422 naming the photo's size", name, res.Status, res.Body)
			}
		}
		if n := countRows(t, e.App.Store, "card_photos"); n != 0 {
			t.Fatalf("%d photos stored after bombs", n)
		}
		if res := applyCard(e, token, photoJPEG(t, 300, 400), byAddress); res.Status != http.StatusCreated {
			t.Fatalf("apply: %d %s", res.Status, res.Body)
		}
		req, _ := http.NewRequest("POST", e.HTTP.URL+"/api/v1/me/card-applications", strings.NewReader("not a form"))
		req.Header.Set("Content-Type", "text/plain")
		req.Header.Set("Authorization", "Bearer "+token)
		res := e.Send(req)
		if code, _, fields := res.Error(); res.Status != http.StatusConflict || code != zhiyuan.EConflict || fields["application"] == "" {
			t.Fatalf("second application without a readable body: %d %s, want 409 naming the open application", res.Status, res.Body)
		}
		if res := applyCard(e, token, bombs()["16-bit 6320×6320"], byAddress); res.Status != http.StatusConflict {
			t.Fatalf("bomb with an open application: %d %s, want 409", res.Status, res.Body)
		}
		if n := countRows(t, e.App.Store, "card_photos"); n != 1 {
			t.Fatalf("%d photos stored, want 1", n)
		}
	})
}
