package roster

import (
	"bytes"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"

	"zhiyuan"
)

// TestReadCSVEncodings: the same list in UTF-8, UTF-8 with a BOM and GB18030 reads the
// same; columns are matched by name in any order and the others are listed.
func TestReadCSVEncodings(t *testing.T) {
	t.Parallel()
	text := "手机号,备注,姓名,证件号码,政治面貌\r\n13800000001,一班,王小明,44010620060101001X,团员\r\n\r\n13800000002,二班,李华,440106200601010028,\r\n"
	gb, err := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte(text))
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{"utf-8": []byte(text), "bom": append([]byte("\xEF\xBB\xBF"), text...), "gb18030": gb} {
		f, err := Read(data)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if f.Kind != "csv" || len(f.Rows) != 2 || strings.Join(f.Extra, ",") != "备注" {
			t.Fatalf("%s: %+v", name, f)
		}
		r := f.Rows[0]
		if r.Get(ColName) != "王小明" || r.Get(ColPhone) != "13800000001" || r.Get(ColPolitical) != "团员" || r.Line != 2 {
			t.Errorf("%s: first row %+v", name, r)
		}
		if f.Rows[1].Line != 4 || f.Rows[1].Get(ColName) != "李华" {
			t.Errorf("%s: the row after a blank line is %+v", name, f.Rows[1])
		}
	}
}

// TestReadRefusals: files that are not a list are refused with their own reason.
func TestReadRefusals(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		data   []byte
		reason zhiyuan.Msg
	}{
		"binary":     {[]byte{0, 1, 2, 3, 0xff, 0xfe}, "import.file_unknown"},
		"xls":        {append(bytes.Clone(oleMagic), 0, 0, 0), "import.file_xls"},
		"no name":    {[]byte("证件号码,手机号\n1,2\n"), "import.header_missing"},
		"blank rows": {[]byte("姓名,证件号码,手机号\n" + strings.Repeat(",,\n", zhiyuan.MaxImportBlankRows+1) + "a,b,c\n"), "import.too_many_blank_rows"},
	}
	for name, c := range cases {
		_, err := Read(c.data)
		if p := zhiyuan.ErrorProblems(err); p["file"].Reason != c.reason {
			t.Errorf("%s: %v, want file=%s", name, err, c.reason)
		}
	}
}

// TestTemplateReadsBack: the template is an .xlsx whose data sheet has every column; read
// back it is an empty list, not a broken file.
func TestTemplateReadsBack(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	if err := WriteTemplate(&b); err != nil {
		t.Fatal(err)
	}
	_, err := Read(b.Bytes())
	if p := zhiyuan.ErrorProblems(err); p["file"].Reason != "import.no_rows" {
		t.Fatalf("template read back: %v", err)
	}
}
