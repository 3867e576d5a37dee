package sheet

import (
	"bufio"
	"encoding/csv"
	"errors"
	"io"
	"strconv"
	"time"

	"github.com/xuri/excelize/v2"
)

// Table writes a header and then rows as they come, as .xlsx or CSV, holding no rows: the
// exchange exports (a million hour records) go through it. A cell is a string, an int64
// or a float64.
type Table interface {
	Row(cells []any) error
	// Rows is the number of rows written, the header not counted.
	Rows() int
	// Close finishes the file (the .xlsx is assembled and written to w only now).
	Close() error
}

// XLSXMaxRows is how many rows below the header one .xlsx sheet holds (1,048,576 rows in
// all, the format's limit); a longer export must be CSV.
const XLSXMaxRows = 1<<20 - 1

// XLSXTable writes a Table through excelize's stream writer, which keeps the sheet's XML in
// a temporary file past a small buffer rather than as cell objects in memory.
type XLSXTable struct {
	w    io.Writer
	f    *excelize.File
	sw   *excelize.StreamWriter
	n    int
	done bool
	cell []byte
}

// NewXLSXTable starts a one-sheet workbook named sheet, written to w on Close. textCols
// (1-based) are formatted as text, so identity and phone numbers keep their digits and X.
func NewXLSXTable(w io.Writer, sheet, title string, header []string, widths []float64, textCols []int) (*XLSXTable, error) {
	f := excelize.NewFile()
	t := &XLSXTable{w: w, f: f}
	if err := t.start(sheet, title, header, widths, textCols); err != nil {
		f.Close()
		return nil, err
	}
	return t, nil
}

func (t *XLSXTable) start(sheet, title string, header []string, widths []float64, textCols []int) error {
	if err := t.f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	_ = t.f.SetDocProps(&excelize.DocProperties{Title: title, Creator: "zhiyuan", Created: time.Now().UTC().Format(time.RFC3339)})
	sw, err := t.f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	t.sw = sw
	for i, wd := range widths {
		if err := sw.SetColWidth(i+1, i+1, wd); err != nil {
			return err
		}
	}
	text, err := t.f.NewStyle(&excelize.Style{NumFmt: 49})
	if err != nil {
		return err
	}
	for _, c := range textCols {
		if err := sw.SetColStyle(c, c, text); err != nil {
			return err
		}
	}
	head, err := t.f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	cells := make([]any, len(header))
	for i, h := range header {
		cells[i] = excelize.Cell{StyleID: head, Value: h}
	}
	return sw.SetRow("A1", cells)
}

// Row appends one row.
func (t *XLSXTable) Row(cells []any) error {
	if t.done {
		return errors.New("sheet: table already closed")
	}
	if t.n >= XLSXMaxRows {
		return errors.New("sheet: more rows than one .xlsx sheet holds")
	}
	t.n++
	// "A" and the row number, without CoordinatesToCellName's formatting per row.
	t.cell = strconv.AppendInt(append(t.cell[:0], 'A'), int64(t.n+1), 10)
	return t.sw.SetRow(string(t.cell), cells)
}

// Rows is the number of rows written.
func (t *XLSXTable) Rows() int { return t.n }

// Close flushes the stream and writes the workbook to w.
func (t *XLSXTable) Close() error {
	if t.done {
		return nil
	}
	t.done = true
	defer t.f.Close()
	if err := t.sw.Flush(); err != nil {
		return err
	}
	_, err := t.f.WriteTo(t.w)
	return err
}

// CSVTable writes a Table as CSV in UTF-8 with a byte-order mark, which is how Excel knows
// the file is UTF-8 (without it Excel reads GBK on Chinese Windows and shows mojibake).
// Text that a spreadsheet would take for a formula (starting with = + - @, a tab or CR)
// gets a leading apostrophe, as OWASP recommends against CSV injection.
type CSVTable struct {
	b   *bufio.Writer
	c   *csv.Writer
	rec []string
	n   int
}

// NewCSVTable writes the byte-order mark and the header to w.
func NewCSVTable(w io.Writer, header []string) (*CSVTable, error) {
	b := bufio.NewWriterSize(w, 64<<10)
	if _, err := b.WriteString("\uFEFF"); err != nil {
		return nil, err
	}
	t := &CSVTable{b: b, c: csv.NewWriter(b), rec: make([]string, len(header))}
	t.c.UseCRLF = true // RFC 4180, and what Excel writes
	return t, t.c.Write(header)
}

// Row appends one row.
func (t *CSVTable) Row(cells []any) error {
	t.rec = t.rec[:0]
	for _, c := range cells {
		switch v := c.(type) {
		case string:
			t.rec = append(t.rec, CSVSafe(v))
		case int64:
			t.rec = append(t.rec, strconv.FormatInt(v, 10))
		case int:
			t.rec = append(t.rec, strconv.Itoa(v))
		case float64:
			t.rec = append(t.rec, strconv.FormatFloat(v, 'f', -1, 64))
		default:
			return errors.New("sheet: a CSV cell is a string or a number")
		}
	}
	t.n++
	return t.c.Write(t.rec)
}

// Rows is the number of rows written.
func (t *CSVTable) Rows() int { return t.n }

// Close flushes what is buffered.
func (t *CSVTable) Close() error {
	t.c.Flush()
	if err := t.c.Error(); err != nil {
		return err
	}
	return t.b.Flush()
}

// CSVSafe is s as a CSV cell a spreadsheet will not run: text starting with = + - @, a
// tab or a carriage return gets a leading apostrophe.
func CSVSafe(s string) string {
	if s != "" {
		switch s[0] {
		case '=', '+', '-', '@', '\t', '\r':
			return "'" + s
		}
	}
	return s
}
