// Package sheet reads and writes the platform's spreadsheets (excelize); it has no
// database access: callers hand it rows and take rows back.
package sheet

import (
	"archive/zip"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
)

// CardPrintRow is one card in a production batch's print list (制卡名单).
type CardPrintRow struct {
	CardNumber   string
	Name         string
	VolunteerNo  string
	Organization string
	PhotoFile    string // the photo's name inside the batch's photo zip
	Delivery     string // how the card reaches its holder, as the printer needs to know
}

// CardPrintHeader is the print list's header row.
var CardPrintHeader = []string{"序号", "卡号", "姓名", "志愿者编号", "所属组织", "照片文件名", "领取方式"}

const cardSheetName = "制卡名单"

// CardPrintList writes a batch's print list as a spreadsheet, row by row: rows go
// through excelize's stream writer, so 10,000 cards do not build 10,000 cell objects in
// memory. Call Add for each card, then Close to write the file to w.
type CardPrintList struct {
	w    io.Writer
	f    *excelize.File
	sw   *excelize.StreamWriter
	n    int
	done bool
}

// NewCardPrintList starts a print list for the batch named label (shown in the file's
// properties), to be written to w on Close.
func NewCardPrintList(w io.Writer, label string) (*CardPrintList, error) {
	f := excelize.NewFile()
	if err := f.SetSheetName("Sheet1", cardSheetName); err != nil {
		f.Close()
		return nil, err
	}
	_ = f.SetDocProps(&excelize.DocProperties{
		Title: "制卡名单 " + label, Creator: "zhiyuan", Created: time.Now().UTC().Format(time.RFC3339),
	})
	sw, err := f.NewStreamWriter(cardSheetName)
	if err != nil {
		f.Close()
		return nil, err
	}
	l := &CardPrintList{w: w, f: f, sw: sw}
	if err := l.start(); err != nil {
		f.Close()
		return nil, err
	}
	return l, nil
}

func (l *CardPrintList) start() error {
	widths := []float64{8, 22, 12, 18, 30, 26, 30}
	for i, wd := range widths {
		if err := l.sw.SetColWidth(i+1, i+1, wd); err != nil {
			return err
		}
	}
	// Card and volunteer numbers are text: as numbers a spreadsheet would drop the check
	// character X and show long numbers in scientific notation.
	text, err := l.f.NewStyle(&excelize.Style{NumFmt: 49})
	if err != nil {
		return err
	}
	if err := l.sw.SetColStyle(2, 2, text); err != nil {
		return err
	}
	if err := l.sw.SetColStyle(4, 4, text); err != nil {
		return err
	}
	head, err := l.f.NewStyle(&excelize.Style{
		Font:      &excelize.Font{Bold: true},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"F6EADE"}},
		Alignment: &excelize.Alignment{Horizontal: "center"},
	})
	if err != nil {
		return err
	}
	if err := l.sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	cells := make([]any, len(CardPrintHeader))
	for i, h := range CardPrintHeader {
		cells[i] = excelize.Cell{StyleID: head, Value: h}
	}
	return l.sw.SetRow("A1", cells)
}

// Add appends one card to the list.
func (l *CardPrintList) Add(r CardPrintRow) error {
	if l.done {
		return errors.New("sheet: print list already closed")
	}
	l.n++
	cell, err := excelize.CoordinatesToCellName(1, l.n+1)
	if err != nil {
		return err
	}
	return l.sw.SetRow(cell, []any{l.n, r.CardNumber, r.Name, r.VolunteerNo, r.Organization, r.PhotoFile, r.Delivery})
}

// Rows is the number of cards added so far.
func (l *CardPrintList) Rows() int { return l.n }

// Close finishes the spreadsheet and writes it to w.
func (l *CardPrintList) Close() error {
	if l.done {
		return nil
	}
	l.done = true
	defer l.f.Close()
	if err := l.sw.Flush(); err != nil {
		return err
	}
	_, err := l.f.WriteTo(l.w)
	return err
}

// PhotoZip writes a batch's card photos into a zip file as they come. The photos are
// JPEGs already, so they are stored, not compressed again.
type PhotoZip struct {
	z     *zip.Writer
	names map[string]bool
}

// NewPhotoZip starts a zip of photos written to w.
func NewPhotoZip(w io.Writer) *PhotoZip {
	return &PhotoZip{z: zip.NewWriter(w), names: map[string]bool{}}
}

// Add stores one photo under name, which must be a plain file name (no folders, no
// "..") and unique within the zip.
func (p *PhotoZip) Add(name string, data []byte) error {
	if name == "" || name != path.Base(name) || strings.ContainsAny(name, `/\`) || name == ".." {
		return fmt.Errorf("sheet: photo file name %q is not a plain file name", name)
	}
	if p.names[name] {
		return fmt.Errorf("sheet: photo %q added twice", name)
	}
	p.names[name] = true
	w, err := p.z.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Store, Modified: time.Now().UTC()})
	if err != nil {
		return err
	}
	_, err = w.Write(data)
	return err
}

// Close finishes the zip.
func (p *PhotoZip) Close() error { return p.z.Close() }
