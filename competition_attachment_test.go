package zhiyuan

import (
	"strings"
	"testing"
)

// TestSanitizeFileName: only the last path element is kept, without quotes, control
// characters or characters file systems refuse, the extension is the stored content's,
// and a name with nothing left is 附件.
func TestSanitizeFileName(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ in, ext, want string }{
		{`C:\材料\项目方案"2027".pdf`, ".pdf", "项目方案2027.pdf"},
		{"../../团队合影.PNG", ".jpg", "团队合影.jpg"},
		{"报告\x00\r\n.exe", ".pdf", "报告.pdf"},
		{"...", ".pdf", "附件.pdf"},
		{"", ".jpg", "附件.jpg"},
		{strings.Repeat("长", 100) + ".pdf", ".pdf", strings.Repeat("长", CompetitionAttachmentNameMax) + ".pdf"},
	} {
		if got := SanitizeFileName(c.in, c.ext); got != c.want {
			t.Errorf("SanitizeFileName(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// TestLooksLikePDF: the header at the start and the end marker in the last kilobyte.
func TestLooksLikePDF(t *testing.T) {
	t.Parallel()
	whole := "%PDF-1.7\n" + strings.Repeat("x", 5000) + "\n%%EOF\n"
	for _, c := range []struct {
		data string
		want bool
	}{
		{whole, true},
		{whole[:4000], false}, // cut short: no end marker
		{" " + whole, false},  // not at the start
		{"%PDF-1.7\n%%EOF" + strings.Repeat("x", 2000), false}, // the marker is not near the end
	} {
		if got := LooksLikePDF([]byte(c.data)); got != c.want {
			t.Errorf("LooksLikePDF(%.20q… %d bytes) = %v", c.data, len(c.data), got)
		}
	}
}
