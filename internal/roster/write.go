package roster

import (
	"io"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"zhiyuan"
)

// Sheet names of the template and the error sheet.
const (
	TemplateSheet     = "志愿者名单"
	InstructionsSheet = "填写说明"
	// ColError is the error sheet's last column: why the row was not imported. On upload
	// it is an extra column like any other, so a corrected error sheet goes straight back.
	ColError = "错误原因"
)

// IDTypeNames are the document types as the sheet writes them, by zhiyuan.IDType.
var IDTypeNames = []struct {
	Type zhiyuan.IDType
	Name string
}{
	{zhiyuan.IDResident, "居民身份证"},
	{zhiyuan.IDHKMacaoPermit, "港澳居民来往内地通行证"},
	{zhiyuan.IDTaiwanPermit, "台湾居民来往大陆通行证"},
	{zhiyuan.IDPassport, "护照"},
}

// IDTypeOf returns the document type a cell names ("" for none given; the Chinese name
// or the code), or false for one that is unknown.
func IDTypeOf(cell string) (zhiyuan.IDType, bool) {
	if cell == "" || cell == "身份证" {
		return zhiyuan.IDResident, true
	}
	for _, t := range IDTypeNames {
		if cell == t.Name || cell == string(t.Type) {
			return t.Type, true
		}
	}
	return "", false
}

// SexOf reads a 性别 cell: 男/女 or male/female.
func SexOf(cell string) string {
	switch cell {
	case "男", "male":
		return "male"
	case "女", "female":
		return "female"
	}
	return cell
}

// PoliticalStatusOf reads a 政治面貌 cell: the Chinese names of zhiyuan.PoliticalStatuses
// (其他 for "other") and the common short forms.
func PoliticalStatusOf(cell string) string {
	switch cell {
	case "其他":
		return "other"
	case "团员":
		return "共青团员"
	case "党员":
		return "中共党员"
	case "预备党员":
		return "中共预备党员"
	}
	return cell
}

// CategoriesOf reads a 服务类别 cell: Chinese names or codes separated as any typed
// list. An unknown name is kept as it is, for the registration rules to refuse.
func CategoriesOf(cell string) []string {
	items := zhiyuan.SplitList(cell)
	for i, it := range items {
		items[i] = zhiyuan.NormalizeCategory(it)
	}
	return items
}

// instructions are the lines of the template's instructions sheet.
func instructions() [][]string {
	cats := make([]string, len(zhiyuan.ServiceCategories))
	for i, c := range zhiyuan.ServiceCategories {
		cats[i] = c.Name
	}
	statuses := make([]string, len(zhiyuan.PoliticalStatuses))
	for i, s := range zhiyuan.PoliticalStatuses {
		statuses[i] = zhiyuan.PoliticalStatusChinese(s)
	}
	return [][]string{
		{"列名", "是否必填", "填写要求"},
		{ColName, "必填", "本人真实姓名，与证件一致"},
		{ColIDType, "选填", "居民身份证（默认）、港澳居民来往内地通行证、台湾居民来往大陆通行证或护照"},
		{ColIDNumber, "必填", "居民身份证为18位，末位可为X；请将本列设为文本格式，避免被改成科学计数法"},
		{ColPhone, "必填", "本人11位手机号，同一文件内不能重复；导入后本人用手机号认领账号并设置密码"},
		{ColPolitical, "选填", strings.Join(statuses, "、")},
		{ColOrg, "选填", "留空即加入导入单位；也可填写导入单位之下某个已审核组织的完整名称（如班级团支部、学院团委），该行人员即加入那个组织"},
		{ColSkills, "选填", "多个技能用逗号或顿号分隔"},
		{ColCategories, "选填", strings.Join(cats, "、") + "；多个用顿号分隔"},
		{ColBirthDate, "证件非身份证时必填", "格式 YYYY-MM-DD"},
		{ColSex, "证件非身份证时必填", "男 或 女"},
		{ColRegion, "单位登记在区县以上时必填", "志愿者所在区县的6位行政区划代码"},
		{},
		{"说明"},
		{"1. 列的顺序可以调整，系统按列名识别；其他列会被忽略。"},
		{"2. 年满14周岁方可登记；14至17周岁的未成年人导入后须由监护人确认同意，才能报名活动。"},
		{"3. 请勿使用公式和合并单元格；每个文件最多" + strconv.Itoa(zhiyuan.MaxImportRows) + "行。"},
		{"4. 上传后先预览校验结果，确认后才会写入；有错误的行可下载错误表，修改后重新上传。"},
	}
}

// textColumns are the columns stored as text so that spreadsheet programs keep numbers
// long and leading zeros (identity numbers, phones, region codes).
var textColumns = []string{ColIDNumber, ColPhone, ColRegion, ColBirthDate}

// WriteTemplate writes the empty template: the data sheet with the headers, text
// formatted identity and phone columns and drop-down lists, then the instructions sheet.
func WriteTemplate(w io.Writer) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", TemplateSheet); err != nil {
		return err
	}
	_ = f.SetDocProps(&excelize.DocProperties{Title: "志愿者批量导入模板", Creator: "zhiyuan"})
	text, err := f.NewStyle(&excelize.Style{NumFmt: 49})
	if err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	for i, c := range Columns {
		col, _ := excelize.ColumnNumberToName(i + 1)
		cell := col + "1"
		if err := f.SetCellStr(TemplateSheet, cell, c); err != nil {
			return err
		}
		width := 14.0
		if c == ColIDNumber || c == ColCategories || c == ColIDType {
			width = 22
		}
		if err := f.SetColWidth(TemplateSheet, col, col, width); err != nil {
			return err
		}
		for _, t := range textColumns {
			if t == c {
				if err := f.SetColStyle(TemplateSheet, col, text); err != nil {
					return err
				}
			}
		}
	}
	if err := f.SetRowStyle(TemplateSheet, 1, 1, bold); err != nil {
		return err
	}
	rows := strconv.Itoa(zhiyuan.MaxImportRows + 1)
	lists := map[string][]string{
		ColSex: {"男", "女"},
	}
	for _, t := range IDTypeNames {
		lists[ColIDType] = append(lists[ColIDType], t.Name)
	}
	for _, s := range zhiyuan.PoliticalStatuses {
		lists[ColPolitical] = append(lists[ColPolitical], zhiyuan.PoliticalStatusChinese(s))
	}
	for c, items := range lists {
		col, _ := excelize.ColumnNumberToName(ColumnIndex(c) + 1)
		dv := excelize.NewDataValidation(true)
		dv.SetSqref(col + "2:" + col + rows)
		if err := dv.SetDropList(items); err != nil {
			return err
		}
		if err := f.AddDataValidation(TemplateSheet, dv); err != nil {
			return err
		}
	}
	if _, err := f.NewSheet(InstructionsSheet); err != nil {
		return err
	}
	for i, line := range instructions() {
		for j, v := range line {
			col, _ := excelize.ColumnNumberToName(j + 1)
			if err := f.SetCellStr(InstructionsSheet, col+strconv.Itoa(i+1), v); err != nil {
				return err
			}
		}
	}
	_ = f.SetColWidth(InstructionsSheet, "A", "A", 14)
	_ = f.SetColWidth(InstructionsSheet, "B", "B", 20)
	_ = f.SetColWidth(InstructionsSheet, "C", "C", 80)
	return f.Write(w)
}

// ErrorRow is one row of the error sheet: the values as uploaded and the reason.
type ErrorRow struct {
	Values []string // in the order of Columns
	Reason string
}

// WriteErrors writes the error sheet: the template's columns with the rows as they were
// uploaded, and the reason in a last column. Rows are streamed.
func WriteErrors(w io.Writer, next func() (ErrorRow, bool, error)) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", TemplateSheet); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(TemplateSheet)
	if err != nil {
		return err
	}
	head := make([]any, 0, len(Columns)+1)
	for _, c := range Columns {
		head = append(head, c)
	}
	head = append(head, ColError)
	for i := range head {
		width := 14.0
		if i == len(head)-1 {
			width = 50
		}
		if err := sw.SetColWidth(i+1, i+1, width); err != nil {
			return err
		}
	}
	if err := sw.SetRow("A1", head); err != nil {
		return err
	}
	line := 2
	for {
		r, ok, err := next()
		if err != nil {
			return err
		}
		if !ok {
			break
		}
		vals := make([]any, 0, len(Columns)+1)
		for _, v := range r.Values {
			vals = append(vals, v)
		}
		vals = append(vals, r.Reason)
		if err := sw.SetRow("A"+strconv.Itoa(line), vals); err != nil {
			return err
		}
		line++
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return f.Write(w)
}
