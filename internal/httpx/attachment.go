package httpx

import (
	"bytes"
	"net/http"
	"strings"
	"time"

	"zhiyuan"
)

// ReadAttachmentUpload reads the multipart field "file" of a competition attachment
// upload. The body is cut at the largest file accepted plus the multipart framing
// (http.MaxBytesReader) and the form keeps at most 1 MB in memory (the rest goes to a
// temporary file, removed before returning), so an upload never holds more memory than
// the file itself. A body over the limit, not multipart or without a file is a 422 on
// "file". The API and the pages share it.
func ReadAttachmentUpload(w http.ResponseWriter, r *http.Request) (name string, data []byte, err error) {
	name, data, err = readUpload(w, r, "file", zhiyuan.CompetitionAttachmentPDFMax, uploadMsgs{tooLarge: "competition.attachment_pdf_large",
		notMultipart: "competition.attachment_multipart", unreadable: "competition.attachment_required"})
	if err == nil && data == nil {
		err = zhiyuan.FieldFail(zhiyuan.EInvalid, "file", "competition.attachment_required")
	}
	return name, data, err
}

// ContentDisposition is an attachment header for filename: an ASCII-only fallback
// (other characters as "_") for old clients and the exact name in RFC 5987 form
// (filename*=UTF-8”…) that browsers prefer, so a Chinese name arrives intact.
func ContentDisposition(filename string) string {
	ascii := strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e || r == '"' || r == '\\' || r == '%' {
			return '_'
		}
		return r
	}, filename)
	return `attachment; filename="` + ascii + `"; filename*=UTF-8''` + rfc5987(filename)
}

// rfc5987 percent-encodes every byte of s's UTF-8 but RFC 5987's attr-char.
func rfc5987(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("!#$&+-.^_`|~", c) >= 0 {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}

// WriteAttachment sends a stored file as a download: its stored content type, never
// sniffed; cached by the reader's browser only (private: it is not public), revalidated
// by its ETag (the file's SHA-256), with range requests served by http.ServeContent.
func WriteAttachment(w http.ResponseWriter, r *http.Request, contentType, filename, sha string, modified time.Time, data []byte) {
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Content-Disposition", ContentDisposition(filename))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "private, no-cache")
	h.Set("Content-Security-Policy", "sandbox")
	h.Set("ETag", `"`+sha+`"`)
	http.ServeContent(w, r, "", modified, bytes.NewReader(data))
}
