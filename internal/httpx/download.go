package httpx

import (
	"log/slog"
	"net/http"
)

// Download writes a file to the response while holding the status and headers back
// until the first byte, so that an error found before anything was written (a missing
// record, a refused caller) still gets its own status and page. Pages and the API use
// the same one.
type Download struct {
	w           http.ResponseWriter
	contentType string
	filename    string
	started     bool
}

// NewDownload returns a Download of a file named filename (an ASCII name: it goes into
// Content-Disposition as it is).
func NewDownload(w http.ResponseWriter, contentType, filename string) *Download {
	return &Download{w: w, contentType: contentType, filename: filename}
}

// Write sends the headers with the first bytes, then the bytes.
func (d *Download) Write(b []byte) (int, error) {
	if !d.started {
		d.started = true
		d.w.Header().Set("Content-Type", d.contentType)
		d.w.Header().Set("Content-Disposition", `attachment; filename="`+d.filename+`"`)
		d.w.Header().Set("Cache-Control", "no-store")
		d.w.WriteHeader(http.StatusOK)
	}
	return d.w.Write(b)
}

// Finish takes the error of whatever wrote the file and returns what the handler should
// return: the error itself when nothing was sent yet, so it is reported with its status;
// nil after the first byte, when it is too late for a status (the client sees a cut
// file) and the error is only logged. A file that wrote nothing still gets its headers.
func (d *Download) Finish(r *http.Request, log *slog.Logger, err error) error {
	switch {
	case err != nil && d.started:
		LogError(r, log, err)
		return nil
	case err == nil && !d.started:
		d.Write(nil)
	}
	return err
}
