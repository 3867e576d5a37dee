package httpx

import (
	"errors"
	"io"
	"log/slog"
	"net/http/httptest"
	"testing"

	"zhiyuan"
)

// TestDownload: an error before the first byte reaches the handler (so it gets its
// status); after it, the file is cut and the handler sees nil; an empty file still gets
// its headers.
func TestDownload(t *testing.T) {
	t.Parallel()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	r := httptest.NewRequest("GET", "/x", nil)
	refused := zhiyuan.Errorf(zhiyuan.EForbidden, "无权")

	w := httptest.NewRecorder()
	d := NewDownload(w, "application/zip", "a.zip")
	if err := d.Finish(r, log, refused); err != refused || w.Header().Get("Content-Disposition") != "" {
		t.Fatalf("error before the first byte: %v, headers %v", err, w.Header())
	}

	w = httptest.NewRecorder()
	d = NewDownload(w, "application/zip", "a.zip")
	d.Write([]byte("PK"))
	if err := d.Finish(r, log, errors.New("disk gone")); err != nil || w.Code != 200 || w.Body.String() != "PK" {
		t.Fatalf("error after the first byte: %v, %d %q", err, w.Code, w.Body.String())
	}
	if got := w.Header().Get("Content-Disposition"); got != `attachment; filename="a.zip"` {
		t.Fatalf("Content-Disposition %q", got)
	}

	w = httptest.NewRecorder()
	d = NewDownload(w, "application/zip", "empty.zip")
	if err := d.Finish(r, log, nil); err != nil || w.Header().Get("Content-Type") != "application/zip" || w.Header().Get("Cache-Control") != "no-store" {
		t.Fatalf("empty file: %v %v", err, w.Header())
	}
}
