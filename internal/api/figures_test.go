package api_test

import (
	"bytes"
	"fmt"
	"net/http"
	"testing"

	"github.com/xuri/excelize/v2"

	"zhiyuan"
	"zhiyuan/internal/hourstest"
	"zhiyuan/internal/sqlstore"
)

type figureReport struct {
	Volunteers int64 `json:"volunteers"`
	Scope      struct {
		Region, RegionName string
		OrgID              int64 `json:"org_id"`
	}
	From, To, By string
	Split        bool
	Totals       struct {
		Volunteers       int64            `json:"volunteers"`
		NewVolunteers    int64            `json:"new_volunteers"`
		ActiveVolunteers int64            `json:"active_volunteers"`
		Activities       int64            `json:"activities"`
		ConfirmedHours   float64          `json:"confirmed_hours"`
		BySex            map[string]int64 `json:"by_sex"`
	}
	Series []struct {
		Key, Label     string
		ConfirmedHours float64 `json:"confirmed_hours"`
		Volunteers     int64
	}
	Error struct {
		Fields map[string]string
	}
}

// TestFiguresAPI: a region's figures for a range, public and without the personal split
// of a small group; the split for the admins over it; series by month, category and
// child; organisation figures only within the caller's scope (403 for 深圳's admin asking
// for a 广州 organisation); bad parameters are 422 naming the field; the spreadsheet.
func TestFiguresAPI(t *testing.T) {
	t.Parallel()
	hourstest.Each(t, 3, func(t *testing.T, e *hourstest.Env) {
		ctx := t.Context()
		for _, v := range e.Volunteers {
			en := &zhiyuan.HourEntry{VolunteerID: v.ID, Kind: zhiyuan.HourMakeup, Minutes: 120, SessionID: e.Session.ID, OrgID: e.Org.ID,
				Reason: "补录", RecordedBy: e.OrgAdmin}
			if err := e.Store.AppendHourEntry(ctx, en, sqlstore.EntryPlace{RegionCode: "440106"}, &zhiyuan.HourConfirmation{ConfirmedBy: e.OrgAdmin}); err != nil {
				t.Fatal(err)
			}
		}
		year := zhiyuan.MonthOf(e.App.Now())[:4]
		month := zhiyuan.MonthOf(e.App.Now())
		get := func(q, token string) (*figureReport, int) {
			t.Helper()
			res := e.Do("GET", "/api/v1/figures?"+q, token, nil)
			var r figureReport
			res.Decode(&r)
			return &r, res.Status
		}
		r, st := get("region=440100&from="+year+"-01&to="+year+"-12", "")
		if st != http.StatusOK || r.Scope.Region != "440100" || r.From != year+"-01" || r.Totals.Volunteers != 3 || r.Totals.NewVolunteers != 3 ||
			r.Totals.ActiveVolunteers != 3 || r.Totals.ConfirmedHours != 6 || r.Totals.Activities != 1 || len(r.Series) != 12 || r.Volunteers != 3 {
			t.Fatalf("广州 this year: %d %+v", st, r)
		}
		for _, s := range r.Series {
			if want := map[bool]float64{true: 6, false: 0}[s.Key == month]; s.ConfirmedHours != want {
				t.Errorf("month %s: %v hours, want %v", s.Key, s.ConfirmedHours, want)
			}
		}
		if r.Split || r.Totals.BySex != nil {
			t.Errorf("3 volunteers: the split is shown to anonymous visitors: %+v", r.Totals)
		}
		gz, _ := e.Admin(zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: "440100"})
		sz, _ := e.Admin(zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: "440300"})
		if r, _ := get("region=440100", gz); !r.Split || r.Totals.BySex["male"]+r.Totals.BySex["female"] != 3 {
			t.Errorf("广州's admin sees the split: %+v", r.Totals)
		}
		if r, _ := get("region=440100", sz); r.Split {
			t.Errorf("深圳's admin sees 广州's small split")
		}
		if r, _ := get("region=440100&by=child", ""); len(r.Series) < 10 {
			t.Errorf("广州's districts: %+v", r.Series)
		} else {
			for _, s := range r.Series {
				if want := map[bool]float64{true: 6, false: 0}[s.Key == "440106"]; s.ConfirmedHours != want || (s.Key == "440106") != (s.Volunteers == 3) {
					t.Errorf("district %s %s: %v hours, %d volunteers", s.Key, s.Label, s.ConfirmedHours, s.Volunteers)
				}
			}
		}
		if r, _ := get("region=440000&by=category", ""); len(r.Series) != 1 || r.Series[0].Key != string(zhiyuan.CatElderly) || r.Series[0].Label != "敬老服务" {
			t.Errorf("by category: %+v", r.Series)
		}
		// Organisation figures: internal.
		org := fmt.Sprintf("org=%d", e.Org.ID)
		if _, st := get(org, ""); st != http.StatusUnauthorized {
			t.Errorf("anonymous, organisation: %d", st)
		}
		if _, st := get(org, sz); st != http.StatusForbidden {
			t.Errorf("深圳's admin, 广州 organisation: %d", st)
		}
		for _, tok := range []string{gz, e.OrgToken} {
			// The three volunteers served with the organisation: its active volunteers.
			if r, st := get(org, tok); st != http.StatusOK || r.Totals.ConfirmedHours != 6 || r.Totals.ActiveVolunteers != 3 || r.Scope.OrgID != e.Org.ID {
				t.Errorf("organisation figures: %d %+v", st, r)
			}
		}
		for q, field := range map[string]string{"from=2026-13": "from", "to=26-01": "to", "from=2027-01&to=2026-12": "to",
			"by=week": "by", "region=999999": "region", "org=x": "org", "from=2000-01&to=2026-01": "to"} {
			if r, st := get(q, ""); st != http.StatusUnprocessableEntity || r.Error.Fields[field] == "" {
				t.Errorf("%s: %d %v, want 422 naming %s", q, st, r.Error.Fields, field)
			}
		}
		res := e.Do("GET", "/api/v1/figures.xlsx?region=440100&by=child", "", nil)
		if res.Status != http.StatusOK {
			t.Fatalf("xlsx: %d %s", res.Status, res.Body)
		}
		f, err := excelize.OpenReader(bytes.NewReader(res.Body))
		if err != nil {
			t.Fatal(err)
		}
		rows, _ := f.GetRows("数据")
		var found bool
		for _, row := range rows {
			if len(row) == 9 && row[0] == "天河区" && row[8] == "6" {
				found = true
			}
		}
		if !found || rows[len(rows)-1][0] != "合计" {
			t.Errorf("spreadsheet rows: %v", rows)
		}
	})
}
