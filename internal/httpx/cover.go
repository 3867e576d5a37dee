package httpx

import (
	"errors"
	"io"
	"net/http"
	"strconv"

	"zhiyuan"
)

// ReadImageUpload reads the image in the multipart field of a form or API request of at
// most maxBytes (with room for the form's other fields), and nil when the form has no
// file there (or an empty one). A body over the limit is a 422 naming field; a body that
// is not multipart is the 422 notMultipart naming it. The form's other values stay in
// r.MultipartForm until the handler returns (ParseMultipartForm keeps small parts in
// memory; files it spooled to disk are removed here).
func ReadImageUpload(w http.ResponseWriter, r *http.Request, field string, maxBytes int64, notMultipart zhiyuan.Msg) ([]byte, error) {
	r.Body = http.MaxBytesReader(w, r.Body, maxBytes+64<<10)
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		var maxErr *http.MaxBytesError
		if errors.As(err, &maxErr) {
			return nil, zhiyuan.FieldFail(zhiyuan.EInvalid, field, "card.photo_too_large", "max_mb", maxBytes>>20)
		}
		return nil, zhiyuan.FieldFail(zhiyuan.EInvalid, field, notMultipart)
	}
	defer r.MultipartForm.RemoveAll()
	if err := CheckValues(r.MultipartForm.Value); err != nil {
		return nil, err
	}
	fhs := r.MultipartForm.File[field]
	if len(fhs) == 0 || fhs[0].Size == 0 {
		return nil, nil
	}
	f, err := fhs[0].Open()
	if err != nil {
		return nil, zhiyuan.FieldFail(zhiyuan.EInvalid, field, "card.photo_incomplete")
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxBytes+1))
	if err != nil {
		return nil, zhiyuan.FieldFail(zhiyuan.EInvalid, field, "card.photo_incomplete")
	}
	return data, nil
}

// WritePublicImage answers with a public JPEG (a campaign's cover) of the given version.
// An address naming the current version (?v=) never changes content, so browsers and
// proxies may keep it for a year; other addresses are kept five minutes. Both carry an
// ETag, so a browser asking again gets a 304 while the image is unchanged.
func WritePublicImage(w http.ResponseWriter, r *http.Request, kind string, id, version int64, img []byte) {
	etag := `"` + kind + "-" + strconv.FormatInt(id, 10) + "-" + strconv.FormatInt(version, 10) + `"`
	h := w.Header()
	h.Set("ETag", etag)
	if r.URL.Query().Get("v") == strconv.FormatInt(version, 10) {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "public, max-age=300")
	}
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Type", "image/jpeg")
	h.Set("Content-Length", strconv.Itoa(len(img)))
	w.Write(img)
}
