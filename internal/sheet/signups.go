package sheet

import (
	"fmt"
	"io"
	"time"

	"github.com/xuri/excelize/v2"
)

// SignupRow is one line of a session's sign-up list (报名名单).
type SignupRow struct {
	Name        string
	VolunteerNo string
	Phone       string // masked by the caller: the list leaves the platform
	Status      string // in Chinese
	SignedUpAt  time.Time
	Note        string // e.g. 候补第2位, 逾期取消
}

// SignupHeader is the sign-up list's header row.
var SignupHeader = []string{"序号", "姓名", "志愿者编号", "手机号", "状态", "报名时间", "备注"}

const signupSheetName = "报名名单"

// SignupList writes the sign-up list of one session: a title line (activity and
// session), the header and one row per sign-up, times shown in loc. Rows are streamed,
// so a session of thousands costs little memory.
func SignupList(w io.Writer, title, session string, loc *time.Location, rows []SignupRow) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", signupSheetName); err != nil {
		return err
	}
	_ = f.SetDocProps(&excelize.DocProperties{Title: "报名名单 " + title, Creator: "zhiyuan"})
	sw, err := f.NewStreamWriter(signupSheetName)
	if err != nil {
		return err
	}
	widths := []float64{6, 12, 18, 14, 10, 18, 16}
	for i, wd := range widths {
		if err := sw.SetColWidth(i+1, i+1, wd); err != nil {
			return err
		}
	}
	if err := sw.SetRow("A1", []any{title + "（" + session + "）"}); err != nil {
		return err
	}
	head := make([]any, len(SignupHeader))
	for i, h := range SignupHeader {
		head[i] = h
	}
	if err := sw.SetRow("A2", head); err != nil {
		return err
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+3)
		at := ""
		if !r.SignedUpAt.IsZero() {
			at = r.SignedUpAt.In(loc).Format("2006-01-02 15:04:05")
		}
		if err := sw.SetRow(cell, []any{i + 1, r.Name, r.VolunteerNo, r.Phone, r.Status, at, r.Note}); err != nil {
			return fmt.Errorf("row %d: %w", i+1, err)
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	_, err = f.WriteTo(w)
	return err
}
