package httpx

import (
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
	_, data, err := readUpload(w, r, field, maxBytes, uploadMsgs{tooLarge: "card.photo_too_large", notMultipart: notMultipart, unreadable: "card.photo_incomplete"})
	if len(data) == 0 {
		return nil, err
	}
	return data, err
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
