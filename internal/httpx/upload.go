package httpx

import (
	"errors"
	"io"
	"net/http"

	"zhiyuan"
)

// uploadMsgs are the sentences an upload's refusals use: a body over the limit (with
// max_mb), a body that is not a multipart form, and a file that cannot be read.
type uploadMsgs struct {
	tooLarge, notMultipart, unreadable zhiyuan.Msg
}

// readUpload reads the file in the multipart field of a form or API request of at most
// maxBytes, with its name: nil when the form has no file there, empty (not nil) when the
// file is (a browser sends an empty part for a file input left alone).
// The body is cut at maxBytes plus room for the form's other fields
// (http.MaxBytesReader), and the form keeps at most 1 MB in memory; files it spooled to
// disk are removed before returning, so an upload never holds more memory than the file
// itself. Every refusal is a 422 naming field. The form's other values stay in
// r.MultipartForm until the handler returns.
func readUpload(w http.ResponseWriter, r *http.Request, field string, maxBytes int64, msgs uploadMsgs) (string, []byte, error) {
	r.Body = http.MaxBytesReader(w, r.Body, maxBytes+64<<10)
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		var maxErr *http.MaxBytesError
		if errors.As(err, &maxErr) {
			return "", nil, zhiyuan.FieldFail(zhiyuan.EInvalid, field, msgs.tooLarge, "max_mb", maxBytes>>20)
		}
		return "", nil, zhiyuan.FieldFail(zhiyuan.EInvalid, field, msgs.notMultipart)
	}
	defer r.MultipartForm.RemoveAll()
	if err := CheckValues(r.MultipartForm.Value); err != nil {
		return "", nil, err
	}
	fhs := r.MultipartForm.File[field]
	if len(fhs) == 0 {
		return "", nil, nil
	}
	f, err := fhs[0].Open()
	if err != nil {
		return "", nil, zhiyuan.FieldFail(zhiyuan.EInvalid, field, msgs.unreadable)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxBytes+1))
	if err != nil {
		return "", nil, zhiyuan.FieldFail(zhiyuan.EInvalid, field, msgs.unreadable)
	}
	if data == nil {
		data = []byte{}
	}
	return fhs[0].Filename, data, nil
}

// ReadImportFile reads the multipart field "file" of at most zhiyuan.MaxImportBytes;
// a missing file, a body that is not multipart or one over the limit is a 422 naming
// "file". The API and the pages share it.
func ReadImportFile(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	_, data, err := readUpload(w, r, "file", zhiyuan.MaxImportBytes, uploadMsgs{tooLarge: "import.file_too_large",
		notMultipart: "import.multipart", unreadable: "import.file_required"})
	if err == nil && data == nil {
		err = zhiyuan.FieldFail(zhiyuan.EInvalid, "file", "import.file_required")
	}
	return data, err
}
