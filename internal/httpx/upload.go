package httpx

import (
	"errors"
	"io"
	"net/http"

	"zhiyuan"
)

// ReadImportFile reads the multipart field "file" of at most zhiyuan.MaxImportBytes;
// a missing file, a body that is not multipart or one over the limit is a 422 naming
// "file". The API and the pages share it.
func ReadImportFile(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	r.Body = http.MaxBytesReader(w, r.Body, zhiyuan.MaxImportBytes+64<<10)
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		var maxErr *http.MaxBytesError
		if errors.As(err, &maxErr) {
			return nil, zhiyuan.FieldFail(zhiyuan.EInvalid, "file", "import.file_too_large", "max_mb", zhiyuan.MaxImportBytes>>20)
		}
		return nil, zhiyuan.FieldFail(zhiyuan.EInvalid, "file", "import.multipart")
	}
	defer r.MultipartForm.RemoveAll()
	f, _, err := r.FormFile("file")
	if err != nil {
		return nil, zhiyuan.FieldFail(zhiyuan.EInvalid, "file", "import.file_required")
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, zhiyuan.MaxImportBytes+1))
	if err != nil {
		return nil, zhiyuan.FieldFail(zhiyuan.EInvalid, "file", "import.file_required")
	}
	return data, nil
}
