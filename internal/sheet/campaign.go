package sheet

import (
	"io"

	"github.com/xuri/excelize/v2"
)

// RankSheet is one sheet of a contest's export (大比拼): a title line, the header, the
// rows.
type RankSheet struct {
	Name   string
	Title  string
	Header []string
	Rows   [][]any
}

// CampaignRankings writes a contest's rankings, one sheet each, and a last sheet of the
// figures' definitions (name, definition), as a spreadsheet to w.
func CampaignRankings(w io.Writer, sheets []RankSheet, definitions [][2]string) error {
	f := excelize.NewFile()
	defer f.Close()
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	first := true
	add := func(name, title string, header []string, rows [][]any) error {
		if first {
			if err := f.SetSheetName("Sheet1", name); err != nil {
				return err
			}
			first = false
		} else if _, err := f.NewSheet(name); err != nil {
			return err
		}
		if err := f.SetCellValue(name, "A1", title); err != nil {
			return err
		}
		head := make([]any, len(header))
		for i, h := range header {
			head[i] = h
		}
		if err := f.SetSheetRow(name, "A2", &head); err != nil {
			return err
		}
		if err := f.SetRowStyle(name, 2, 2, bold); err != nil {
			return err
		}
		for i, r := range rows {
			cell, _ := excelize.CoordinatesToCellName(1, i+3)
			if err := f.SetSheetRow(name, cell, &r); err != nil {
				return err
			}
		}
		if err := f.SetColWidth(name, "A", "A", 8); err != nil {
			return err
		}
		return f.SetColWidth(name, "B", "B", 28)
	}
	for _, s := range sheets {
		if err := add(s.Name, s.Title, s.Header, s.Rows); err != nil {
			return err
		}
	}
	defs := make([][]any, len(definitions))
	for i, d := range definitions {
		defs[i] = []any{d[0], d[1]}
	}
	if err := add("指标说明", "指标说明", []string{"指标", "口径"}, defs); err != nil {
		return err
	}
	if err := f.SetColWidth("指标说明", "A", "A", 16); err != nil {
		return err
	}
	if err := f.SetColWidth("指标说明", "B", "B", 100); err != nil {
		return err
	}
	_, err = f.WriteTo(w)
	return err
}
