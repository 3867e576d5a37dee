package web_test

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"hash/crc32"
	"net/http"
	"strings"
	"testing"

	"zhiyuan/internal/server/servertest"
)

// bomb16 is issue 9's decompression bomb: a 16-bit RGBA PNG of 6320 × 6320 zeros, a few
// hundred KB that decode to 320 MB.
func bomb16() []byte {
	var out bytes.Buffer
	chunk := func(typ string, data []byte) {
		binary.Write(&out, binary.BigEndian, uint32(len(data)))
		out.WriteString(typ)
		out.Write(data)
		binary.Write(&out, binary.BigEndian, crc32.ChecksumIEEE(append([]byte(typ), data...)))
	}
	out.WriteString("\x89PNG\r\n\x1a\n")
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr, 6320)
	binary.BigEndian.PutUint32(ihdr[4:], 6320)
	ihdr[8], ihdr[9] = 16, 6
	chunk("IHDR", ihdr)
	var idat bytes.Buffer
	z, _ := zlib.NewWriterLevel(&idat, zlib.BestSpeed)
	row := make([]byte, 1+6320*8)
	for range 6320 {
		z.Write(row)
	}
	z.Close()
	chunk("IDAT", idat.Bytes())
	chunk("IEND", nil)
	return out.Bytes()
}

// TestCardPageRefusesBombs: the page form refuses the bomb from its header, and once an
// application is open, refuses the next upload before reading it.
func TestCardPageRefusesBombs(t *testing.T) {
	bomb := bomb16()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		v := newPageClient(e)
		v.login(orgPageUser(t, e, true, "王晓明"))
		addr := map[string]string{"delivery": "address", "delivery_address": "广州市天河区五山路381号"}
		if s, b, _ := v.postPhoto("/me/card/apply", bomb, addr); s != http.StatusUnprocessableEntity || !strings.Contains(b, "6320×6320") {
			t.Fatalf("bomb on the form: %d", s)
		}
		if s, _, _ := v.postPhoto("/me/card/apply", testPhoto(t), addr); s != http.StatusSeeOther {
			t.Fatalf("apply: %d", s)
		}
		req, _ := http.NewRequest("POST", e.HTTP.URL+"/me/card/apply", strings.NewReader("not a form"))
		req.Header.Set("Content-Type", "text/plain")
		if s, b, _ := v.do(req); s != http.StatusConflict || !strings.Contains(b, "正在办理") {
			t.Fatalf("second application with an unreadable body: %d, want 409 about the open application\n%s", s, b)
		}
	})
}
