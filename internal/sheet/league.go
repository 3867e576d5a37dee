package sheet

import (
	"fmt"
	"io"

	"github.com/xuri/excelize/v2"
)

// LeagueUnitRow is one line of the units-behind list (落后单位): a unit with its
// subtree's League registration figures, as the page shows them.
type LeagueUnitRow struct {
	Name       string
	RegionName string
	Roster     int
	Members    int
	Rate       string // zhiyuan.LeagueRate.Percent: "87.5%" or 无花名册
	Note       string // e.g. 超过100%，请核对团员总数
}

// LeagueUnitHeader is the units-behind list's header row.
var LeagueUnitHeader = []string{"序号", "单位名称", "所在地区", "团员总数", "已注册团员", "注册率", "备注"}

const leagueSheetName = "团员注册率"

// LeagueUnits writes the units-behind list: a title line, the header and one row per
// unit in the order given, streamed, so a province's units cost little memory.
func LeagueUnits(w io.Writer, title string, rows []LeagueUnitRow) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", leagueSheetName); err != nil {
		return err
	}
	_ = f.SetDocProps(&excelize.DocProperties{Title: title, Creator: "zhiyuan"})
	sw, err := f.NewStreamWriter(leagueSheetName)
	if err != nil {
		return err
	}
	for i, wd := range []float64{6, 30, 24, 10, 12, 10, 24} {
		if err := sw.SetColWidth(i+1, i+1, wd); err != nil {
			return err
		}
	}
	if err := sw.SetRow("A1", []any{title}); err != nil {
		return err
	}
	head := make([]any, len(LeagueUnitHeader))
	for i, h := range LeagueUnitHeader {
		head[i] = h
	}
	if err := sw.SetRow("A2", head); err != nil {
		return err
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+3)
		if err := sw.SetRow(cell, []any{i + 1, r.Name, r.RegionName, r.Roster, r.Members, r.Rate, r.Note}); err != nil {
			return fmt.Errorf("row %d: %w", i+1, err)
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	_, err = f.WriteTo(w)
	return err
}
