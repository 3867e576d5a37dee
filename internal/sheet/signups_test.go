package sheet

import (
	"bytes"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

func TestSignupListRoundTrip(t *testing.T) {
	t.Parallel()
	loc, _ := time.LoadLocation("Asia/Shanghai")
	at := time.Date(2026, 12, 5, 15, 30, 0, 0, time.UTC) // 23:30 in Shanghai
	rows := []SignupRow{
		{Name: "张小红", VolunteerNo: "4401060000012", Phone: "138****5678", Status: "已录用", SignedUpAt: at},
		{Name: "李明", VolunteerNo: "4401060000029", Status: "候补中", SignedUpAt: at.Add(time.Minute), Note: "候补第1位"},
	}
	var buf bytes.Buffer
	if err := SignupList(&buf, "社区长者探访", "2026-12-06 09:00–12:00", loc, rows); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got, err := f.GetRows(signupSheetName)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 4 || got[0][0] != "社区长者探访（2026-12-06 09:00–12:00）" || got[1][1] != "姓名" {
		t.Fatalf("rows %q", got)
	}
	if r := got[2]; r[0] != "1" || r[1] != "张小红" || r[3] != "138****5678" || r[5] != "2026-12-05 23:30:00" {
		t.Fatalf("first row %q", r)
	}
	if r := got[3]; r[4] != "候补中" || r[6] != "候补第1位" {
		t.Fatalf("second row %q", r)
	}
}
