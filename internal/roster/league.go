package roster

import (
	"io"
	"strconv"

	"github.com/xuri/excelize/v2"

	"zhiyuan"
)

// The League roster list (团员总数): one row per unit, naming it by the platform's number
// for it (the template writes it), its unified social credit code or its name, with the
// number of League members it holds itself.
const (
	LeagueSheet        = "团员总数"
	ColUnitID          = "组织编号"
	ColUnitName        = "组织名称"
	ColUnitCreditCode  = "统一社会信用代码"
	ColLeagueRoster    = "团员总数"
	leagueInstructions = "填写说明"
)

// LeagueRosters is the League roster list's layout: a unit by number, credit code or name
// (one of the columns at least), and its roster count; at most
// zhiyuan.LeagueRosterImportMaxRows units.
var LeagueRosters = &Layout{
	Sheet:    LeagueSheet,
	Columns:  []string{ColUnitID, ColUnitName, ColUnitCreditCode, ColLeagueRoster},
	Required: [][]string{{ColUnitName, ColUnitCreditCode, ColUnitID}, {ColLeagueRoster}},
	MaxRows:  zhiyuan.LeagueRosterImportMaxRows,
}

// LeagueUnit is one unit written into the League roster template: the units the
// uploader manages, with the count they report now, so the template is filled by
// changing numbers.
type LeagueUnit struct {
	ID               int64
	Name, CreditCode string
	Roster           int
}

// WriteLeagueTemplate writes the League roster template: the data sheet with the units
// given (number, name, credit code, current count), the credit code column as text, then
// the instructions. The number names a unit for sure where two units share a name.
func WriteLeagueTemplate(w io.Writer, units []LeagueUnit) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", LeagueSheet); err != nil {
		return err
	}
	_ = f.SetDocProps(&excelize.DocProperties{Title: "团员总数导入模板", Creator: "zhiyuan"})
	text, err := f.NewStyle(&excelize.Style{NumFmt: 49})
	if err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(LeagueSheet)
	if err != nil {
		return err
	}
	for i, width := range []float64{10, 36, 24, 12} {
		if err := sw.SetColWidth(i+1, i+1, width); err != nil {
			return err
		}
	}
	if err := sw.SetRow("A1", []any{ColUnitID, ColUnitName, ColUnitCreditCode, ColLeagueRoster}); err != nil {
		return err
	}
	for i, u := range units {
		row := []any{u.ID, u.Name, excelize.Cell{StyleID: text, Value: u.CreditCode}, u.Roster}
		if err := sw.SetRow("A"+strconv.Itoa(i+2), row); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	if _, err := f.NewSheet(leagueInstructions); err != nil {
		return err
	}
	lines := [][]string{
		{"列名", "是否必填", "填写要求"},
		{ColUnitID, "选填", "本平台的组织编号（模板已填好，即组织页面地址 /orgs/ 后的数字）；填写后按编号识别单位"},
		{ColUnitName, "与编号、代码至少填一项", "已通过审核的组织的完整名称；同名单位不止一个时请填写组织编号或统一社会信用代码"},
		{ColUnitCreditCode, "选填", "18位统一社会信用代码；没有编号时按代码识别单位"},
		{ColLeagueRoster, "必填", "本单位自身的团员人数（不含下级单位，下级单位各自填报），0至" + strconv.Itoa(zhiyuan.LeagueRosterMax) + "的整数"},
		{},
		{"说明"},
		{"1. 模板已列出您管理的单位及其现有团员总数，修改数字后上传即可；不需要修改的行可以删除。"},
		{"2. 只能填报您有权管理的单位；每个单位在一个文件中只能出现一次。"},
		{"3. 上传后先预览，确认后才会覆盖现有的团员总数，每项修改都会记入操作日志。"},
		{"4. 请勿使用公式和合并单元格；每个文件最多" + strconv.Itoa(zhiyuan.LeagueRosterImportMaxRows) + "行。"},
	}
	for i, line := range lines {
		for j, v := range line {
			col, _ := excelize.ColumnNumberToName(j + 1)
			if err := f.SetCellStr(leagueInstructions, col+strconv.Itoa(i+1), v); err != nil {
				return err
			}
		}
	}
	_ = f.SetColWidth(leagueInstructions, "A", "A", 16)
	_ = f.SetColWidth(leagueInstructions, "B", "B", 26)
	_ = f.SetColWidth(leagueInstructions, "C", "C", 80)
	return f.Write(w)
}
