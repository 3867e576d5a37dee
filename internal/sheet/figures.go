package sheet

import (
	"io"

	"github.com/xuri/excelize/v2"
)

// FigureHeader is the header row of a figures table (数据看板 export): the row's name,
// then the figures in the order FigureSheet's rows give them.
var FigureHeader = []string{"项目", "新注册志愿者", "注销志愿者", "活跃志愿者", "新增组织", "发布活动", "活动场次", "报名人次", "确认服务时长（小时）"}

// FigureSheet writes one figures table (a title line, the header, the rows) as a
// spreadsheet to w. Each row is the label then len(FigureHeader)-1 numbers.
func FigureSheet(w io.Writer, title string, rows [][]any) error {
	f := excelize.NewFile()
	defer f.Close()
	const name = "数据"
	if err := f.SetSheetName("Sheet1", name); err != nil {
		return err
	}
	if err := f.SetCellValue(name, "A1", title); err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	head := make([]any, len(FigureHeader))
	for i, h := range FigureHeader {
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
	if err := f.SetColWidth(name, "A", "A", 22); err != nil {
		return err
	}
	if err := f.SetColWidth(name, "B", "I", 14); err != nil {
		return err
	}
	_, err = f.WriteTo(w)
	return err
}
