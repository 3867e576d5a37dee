package roster

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"path"
	"strings"

	"github.com/xuri/excelize/v2"

	"zhiyuan"
)

// sheetScan is what the streaming reader of excelize does not tell: where cells are
// merged and whether any cell holds a formula. Both are found by one pass over the
// sheet's XML as it is unpacked, never holding it in memory.
type sheetScan struct {
	merged  [][2]int // first and last row of each merged range
	formula string   // the first cell with a formula ("C7"), or ""
}

// mergedRow reports whether a merged range covers row line.
func (s sheetScan) mergedRow(line int) bool {
	for _, m := range s.merged {
		if m[0] <= line && line <= m[1] {
			return true
		}
	}
	return false
}

// scanSheet finds the worksheet called name in the .xlsx data and scans it. The
// unpacked size is bounded by MaxImportUnzipBytes, whatever the zip's directory claims.
func scanSheet(data []byte, name string) (sheetScan, error) {
	var out sheetScan
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return out, fail("import.file_unknown")
	}
	files := map[string]*zip.File{}
	for _, f := range zr.File {
		files[strings.TrimPrefix(f.Name, "/")] = f
	}
	var wb struct {
		Sheets []struct {
			Name string `xml:"name,attr"`
			RID  string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
		} `xml:"sheets>sheet"`
	}
	var rels struct {
		Rels []struct {
			ID     string `xml:"Id,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	if err := decodeSmall(files["xl/workbook.xml"], &wb); err != nil {
		return out, fail("import.file_unknown")
	}
	if err := decodeSmall(files["xl/_rels/workbook.xml.rels"], &rels); err != nil {
		return out, fail("import.file_unknown")
	}
	target := ""
	for _, s := range wb.Sheets {
		if s.Name != name {
			continue
		}
		for _, r := range rels.Rels {
			if r.ID == s.RID {
				target = r.Target
			}
		}
	}
	if strings.HasPrefix(target, "/") {
		target = strings.TrimPrefix(target, "/")
	} else {
		target = path.Join("xl", target)
	}
	f := files[target]
	if f == nil {
		return out, fail("import.file_unknown")
	}
	rc, err := f.Open()
	if err != nil {
		return out, fail("import.file_unknown")
	}
	defer rc.Close()
	lr := &io.LimitedReader{R: rc, N: zhiyuan.MaxImportUnzipBytes + 1}
	br := bufio.NewReaderSize(lr, 64<<10)
	cell := ""
	for {
		if _, err := br.ReadSlice('<'); err != nil {
			if errors.Is(err, bufio.ErrBufferFull) {
				continue
			}
			break
		}
		tag, err := br.ReadSlice('>')
		if errors.Is(err, bufio.ErrBufferFull) {
			continue // a tag this long is no cell, formula or merge
		}
		if err != nil {
			break
		}
		switch {
		case bytes.HasPrefix(tag, []byte("c ")):
			cell = attr(tag, "r")
		case out.formula == "" && (bytes.HasPrefix(tag, []byte("f>")) || bytes.HasPrefix(tag, []byte("f ")) || bytes.HasPrefix(tag, []byte("f/"))):
			out.formula = cell
			if out.formula == "" {
				out.formula = "?"
			}
		case bytes.HasPrefix(tag, []byte("mergeCell ")):
			from, to, _ := strings.Cut(attr(tag, "ref"), ":")
			_, r1, err1 := excelize.CellNameToCoordinates(from)
			_, r2, err2 := excelize.CellNameToCoordinates(to)
			if err1 == nil && err2 == nil {
				out.merged = append(out.merged, [2]int{r1, r2})
			}
		}
	}
	if lr.N <= 0 {
		return out, fail("import.file_unzip_limit", "max_mb", zhiyuan.MaxImportUnzipBytes>>20)
	}
	return out, nil
}

// attr returns the value of attribute name in the inside of a tag.
func attr(tag []byte, name string) string {
	i := bytes.Index(tag, []byte(" "+name+`="`))
	if i < 0 {
		return ""
	}
	rest := tag[i+len(name)+3:]
	j := bytes.IndexByte(rest, '"')
	if j < 0 {
		return ""
	}
	return string(rest[:j])
}

// decodeSmall decodes one of the package's small XML parts (at most 1 MB unpacked).
func decodeSmall(f *zip.File, v any) error {
	if f == nil {
		return errors.New("missing part")
	}
	rc, err := f.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	return xml.NewDecoder(io.LimitReader(rc, 1<<20)).Decode(v)
}
