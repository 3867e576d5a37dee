// Package roster owns the file format of member lists (名单) that organisations upload to
// register their members at once: reading an .xlsx or .csv (UTF-8 or GB18030) into rows
// by column header, refusing files that are not what they claim (old .xls, zip bombs,
// formulas, merged header cells, too many rows), and writing the template and the error
// sheet that goes back to the uploader. It knows the columns, not the rules of
// registration: each row's values are checked by package app with the same code that
// checks a registration form.
package roster

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"zhiyuan"
)

// The columns, by their Chinese header. A file's columns are matched by header name, in
// any order; a header that is none of these is ignored (and listed back to the uploader).
const (
	ColName       = "姓名"
	ColIDType     = "证件类型"
	ColIDNumber   = "证件号码"
	ColPhone      = "手机号"
	ColPolitical  = "政治面貌"
	ColOrg        = "所属组织"
	ColSkills     = "技能"
	ColCategories = "服务类别"
	ColBirthDate  = "出生日期" // only for documents other than the resident identity card
	ColSex        = "性别"   // likewise
	ColRegion     = "所在区县" // only when the organisation is registered above county level
)

// Columns are the known columns in the order the template and the error sheet use.
var Columns = []string{ColName, ColIDType, ColIDNumber, ColPhone, ColPolitical, ColOrg, ColSkills, ColCategories,
	ColBirthDate, ColSex, ColRegion}

// Required are the columns a file must have.
var Required = []string{ColName, ColIDNumber, ColPhone}

// ColumnIndex returns the position of a known column in Columns, or -1.
func ColumnIndex(header string) int { return slices.Index(Columns, header) }

// Layout is one kind of list the package reads: its known columns, the columns a file
// must have, the data sheet read when a workbook has it, and the most data rows a file
// may carry. Members (the member list) and LeagueRosters (League roster counts) share
// every rule of reading a file (encodings, limits, refusals) and differ only in these.
type Layout struct {
	Sheet   string
	Columns []string
	// Required lists, for each requirement, the headers any one of which satisfies it.
	Required [][]string
	MaxRows  int
}

// Members is the member list's layout: Columns, Required, TemplateSheet.
var Members = &Layout{Sheet: TemplateSheet, Columns: Columns, Required: [][]string{{ColName}, {ColIDNumber}, {ColPhone}},
	MaxRows: zhiyuan.MaxImportRows}

// index returns the position of a known column of the layout, or -1.
func (l *Layout) index(header string) int { return slices.Index(l.Columns, header) }

// Row is one data row: its line in the sheet (1-based, as spreadsheet programs number
// rows) and its values by column, in the order of its layout's columns (Columns for the
// member list; "" where the file has no such column or the cell is empty).
type Row struct {
	Line   int
	Values []string
	layout *Layout // nil: Members
}

// Get returns the row's value of a column.
func (r Row) Get(col string) string {
	i := ColumnIndex(col)
	if r.layout != nil {
		i = r.layout.index(col)
	}
	if i >= 0 && i < len(r.Values) {
		return r.Values[i]
	}
	return ""
}

// File is an uploaded member list, read.
type File struct {
	Kind    string   // "xlsx" or "csv"
	Present []string // the known columns the file has
	Extra   []string // headers of columns that are ignored
	Rows    []Row
}

// Signatures of the formats recognised before anything is parsed.
var (
	zipMagic = []byte("PK\x03\x04")
	oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1} // .xls, and encrypted .xlsx
	utf8BOM  = []byte{0xEF, 0xBB, 0xBF}
)

// fail is a refusal of the whole file: a 422 naming the field "file".
func fail(reason zhiyuan.Msg, args ...any) error {
	return zhiyuan.FieldFail(zhiyuan.EInvalid, "file", reason, args...)
}

// Read reads an uploaded member list. Whether it is an .xlsx or a .csv is decided by its
// content, not its name. A file that cannot be used is a *zhiyuan.Error (EInvalid, field
// "file") whose reason says why, in Chinese.
func Read(data []byte) (*File, error) { return ReadAs(data, Members) }

// ReadAs reads an uploaded list of layout l, as Read does the member list.
func ReadAs(data []byte, l *Layout) (*File, error) {
	rd, err := Open(data, l)
	if err != nil {
		return nil, err
	}
	defer rd.Close()
	var rows []Row
	f, err := rd.Each(func(r Row) error {
		rows = append(rows, r)
		return nil
	})
	if err != nil {
		return nil, err
	}
	f.Rows = rows
	return f, nil
}

// Reader reads an uploaded list row by row (Each), so that a caller can handle each row
// as it is read instead of holding the whole list: what the member import does with
// 100,000 rows. Open has already refused what can be refused without reading the rows.
type Reader struct {
	Kind string // "xlsx" or "csv"
	l    *Layout
	text string // csv
	xf   *excelize.File
	name string // the worksheet read
	scan sheetScan
}

// Open checks an uploaded list of layout l as a whole (size, format, zip limits, the
// sheet's formulas and merged cells found by scanning it) and returns its Reader; Close
// it when done. A file refused here is a *zhiyuan.Error as from ReadAs.
func Open(data []byte, l *Layout) (*Reader, error) {
	switch {
	case len(data) == 0:
		return nil, fail("import.file_empty")
	case len(data) > zhiyuan.MaxImportBytes:
		return nil, fail("import.file_too_large", "max_mb", zhiyuan.MaxImportBytes>>20)
	case bytes.HasPrefix(data, oleMagic):
		return nil, fail("import.file_xls")
	case bytes.HasPrefix(data, zipMagic):
		return openXLSX(data, l)
	}
	text, ok := decodeText(data)
	if !ok {
		return nil, fail("import.file_unknown")
	}
	return &Reader{Kind: "csv", l: l, text: text}, nil
}

// Each calls fn with each data row in the file's order and returns the file's columns
// (Kind, Present, Extra; Rows stays nil). A file that breaks a rule of the whole (no
// header, too many rows, a formula, …) is refused with the same error ReadAs gives, after
// fn has seen the rows before the point where that was found; an error from fn stops
// the reading and is returned as it is.
func (r *Reader) Each(fn func(Row) error) (*File, error) {
	s := &sink{f: &File{Kind: r.Kind}, l: r.l, fn: fn}
	if r.xf != nil {
		return r.eachXLSX(s)
	}
	return eachCSV(r.text, s)
}

// Close releases the file (excelize's temporary files).
func (r *Reader) Close() error {
	if r.xf != nil {
		return r.xf.Close()
	}
	return nil
}

// decodeText returns the file as UTF-8 text: as it is when it is valid UTF-8 (a BOM is
// dropped), else decoded from GB18030, which older Excel saves as "CSV" on Chinese
// Windows. Bytes that are neither, or text with control characters other than line ends
// and tabs, are not a CSV file.
func decodeText(data []byte) (string, bool) {
	data = bytes.TrimPrefix(data, utf8BOM)
	var s string
	if utf8.Valid(data) {
		s = string(data)
	} else {
		out, err := simplifiedchinese.GB18030.NewDecoder().Bytes(data)
		if err != nil || !utf8.Valid(out) {
			return "", false
		}
		s = string(out)
	}
	for _, r := range s {
		if r == utf8.RuneError || (r < 0x20 && r != '\t' && r != '\r' && r != '\n') || r == 0x7f {
			return "", false
		}
	}
	return s, true
}

// sink hands the rows after the header to fn, counting blank ones against the limits.
type sink struct {
	f      *File
	l      *Layout
	fn     func(Row) error
	cols   []int // for each column of the file, its index in l.Columns or -1
	header bool
	blank  int
	rows   int // data rows so far
}

// add takes one row of cells at line (1-based). It returns an error when the file breaks
// a limit.
func (s *sink) add(line int, cells []string) error {
	empty := true
	for i, c := range cells {
		c = strings.TrimSpace(c)
		cells[i] = c
		if c != "" {
			empty = false
		}
	}
	if empty {
		s.blank++
		if s.blank > zhiyuan.MaxImportBlankRows {
			return fail("import.too_many_blank_rows", "max", zhiyuan.MaxImportBlankRows)
		}
		return nil
	}
	if !s.header {
		s.header = true
		return s.readHeader(cells)
	}
	if s.rows >= s.l.MaxRows {
		return fail("import.too_many_rows", "max", s.l.MaxRows)
	}
	s.rows++
	r := Row{Line: line, Values: make([]string, len(s.l.Columns))}
	if s.l != Members {
		r.layout = s.l
	}
	for i, c := range cells {
		if i < len(s.cols) && s.cols[i] >= 0 {
			r.Values[s.cols[i]] = c
		}
	}
	return s.fn(r)
}

// readHeader matches the header row's names to the known columns.
func (s *sink) readHeader(cells []string) error {
	s.cols = make([]int, len(cells))
	seen := map[string]bool{}
	for i, h := range cells {
		h = strings.TrimSuffix(strings.TrimPrefix(h, "*"), "*") // "*姓名" marks a required column in some templates
		s.cols[i] = s.l.index(h)
		switch {
		case h == "":
		case seen[h]:
			return fail("import.header_duplicate", "column", h)
		case s.cols[i] < 0:
			s.f.Extra = append(s.f.Extra, h)
		default:
			s.f.Present = append(s.f.Present, h)
		}
		seen[h] = true
	}
	var missing []string
	for _, alts := range s.l.Required {
		if !slices.ContainsFunc(alts, func(c string) bool { return seen[c] }) {
			missing = append(missing, strings.Join(alts, "或"))
		}
	}
	if len(missing) > 0 {
		return fail("import.header_missing", "columns", strings.Join(missing, "、"))
	}
	return nil
}

func (s *sink) finish() (*File, error) {
	if !s.header {
		return nil, fail("import.no_header")
	}
	if s.rows == 0 {
		return nil, fail("import.no_rows")
	}
	return s.f, nil
}

func eachCSV(text string, s *sink) (*File, error) {
	r := csv.NewReader(strings.NewReader(text))
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	r.ReuseRecord = true
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			line := 0
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				line = pe.StartLine
			}
			return nil, fail("import.csv_broken", "line", line)
		}
		// The reader skips empty lines: the line number is the record's own.
		line, _ := r.FieldPos(0)
		if err := s.add(line, slices.Clone(rec)); err != nil {
			return nil, err
		}
	}
	return s.finish()
}

func openXLSX(data []byte, l *Layout) (*Reader, error) {
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{
		UnzipSizeLimit:    zhiyuan.MaxImportUnzipBytes,
		UnzipXMLSizeLimit: 16 << 20, // larger sheets are unpacked to a temporary file, not memory
	})
	if err != nil {
		if strings.Contains(err.Error(), "unzip size") {
			return nil, fail("import.file_unzip_limit", "max_mb", zhiyuan.MaxImportUnzipBytes>>20)
		}
		return nil, fail("import.file_unknown")
	}
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		f.Close()
		return nil, fail("import.no_header")
	}
	name := sheets[0]
	// The template's data sheet is first, but a file whose first sheet is the
	// instructions is read from the data sheet all the same.
	if slices.Contains(sheets, l.Sheet) {
		name = l.Sheet
	}
	scan, err := scanSheet(data, name)
	if err != nil {
		f.Close()
		return nil, err
	}
	return &Reader{Kind: "xlsx", l: l, xf: f, name: name, scan: scan}, nil
}

func (r *Reader) eachXLSX(s *sink) (*File, error) {
	l, scan := r.l, r.scan
	rows, err := r.xf.Rows(r.name)
	if err != nil {
		return nil, fail("import.file_unknown")
	}
	defer rows.Close()
	line := 0
	for rows.Next() {
		line++
		if line > l.MaxRows+zhiyuan.MaxImportBlankRows+1 {
			return nil, fail("import.too_many_rows", "max", l.MaxRows)
		}
		cells, err := rows.Columns()
		if err != nil {
			return nil, fail("import.file_unknown")
		}
		wasHeader := s.header
		if err := s.add(line, cells); err != nil {
			return nil, err
		}
		if !wasHeader && s.header && scan.mergedRow(line) {
			return nil, fail("import.header_merged")
		}
	}
	if err := rows.Error(); err != nil {
		return nil, fail("import.file_unknown")
	}
	if scan.formula != "" {
		return nil, fail("import.formula", "cell", scan.formula)
	}
	return s.finish()
}
