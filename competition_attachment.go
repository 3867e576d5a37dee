package zhiyuan

import (
	"bytes"
	"path"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Attachments of a competition application (issue 17: "attachments as PDF or images with
// size limits"). A file is recognised by its content, never by its name: a PDF starts
// with "%PDF-" and ends with "%%EOF"; an image is decoded and re-encoded as a fresh JPEG
// (internal/proof), so nothing but its pixels is kept. Everything else is refused with
// 422 on the field "file". The limits are in limits.go (CompetitionAttachment*).

// AttachmentKind is what an attachment holds.
type AttachmentKind string

// Attachment kinds.
const (
	AttachmentPDF   AttachmentKind = "pdf"
	AttachmentImage AttachmentKind = "image"
)

// Content types of stored attachments: images are always stored re-encoded as JPEG.
const (
	ContentTypePDF  = "application/pdf"
	ContentTypeJPEG = "image/jpeg"
)

// CompetitionAttachment is one file attached to a project; its bytes are read apart.
type CompetitionAttachment struct {
	ID          int64          `json:"id"`
	ProjectID   int64          `json:"project_id"`
	Kind        AttachmentKind `json:"kind"`
	FileName    string         `json:"file_name"`
	ContentType string         `json:"content_type"`
	Size        int64          `json:"size"`
	SHA256      string         `json:"sha256"`
	UploadedBy  int64          `json:"-"`
	CreatedAt   time.Time      `json:"created_at"`
}

// LooksLikePDF reports whether data is shaped like a whole PDF file: the "%PDF-" header
// at the start and the "%%EOF" end marker within the file's last kilobyte (a truncated
// upload has none). It does not parse the document: the file is only stored and handed
// back to the people reviewing it, never rendered by the server.
func LooksLikePDF(data []byte) bool {
	if !bytes.HasPrefix(data, []byte("%PDF-")) {
		return false
	}
	tail := data
	if len(tail) > 1024 {
		tail = tail[len(tail)-1024:]
	}
	return bytes.Contains(tail, []byte("%%EOF"))
}

// SanitizeFileName keeps an uploaded file's name fit to show and to send back in a
// Content-Disposition header: the last path element only, without control characters,
// quotes or characters file systems refuse, at most CompetitionAttachmentNameMax
// characters, and ending in ext (".pdf", ".jpg") whatever the upload claimed. An empty
// result becomes "附件" + ext.
func SanitizeFileName(name, ext string) string {
	name = strings.ReplaceAll(name, "\\", "/")
	name = path.Base(name)
	var b strings.Builder
	for _, r := range name {
		switch {
		case r == utf8.RuneError, unicode.IsControl(r), strings.ContainsRune(`"<>:|?*/;`, r):
			continue
		}
		b.WriteRune(r)
	}
	name = strings.TrimSpace(b.String())
	if e := path.Ext(name); e != "" {
		name = strings.TrimSpace(strings.TrimSuffix(name, e))
	}
	name = strings.Trim(name, ". ")
	if r := []rune(name); len(r) > CompetitionAttachmentNameMax {
		name = string(r[:CompetitionAttachmentNameMax])
	}
	if name == "" {
		name = "附件"
	}
	return name + ext
}
