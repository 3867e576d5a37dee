package server_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"zhiyuan"
	"zhiyuan/internal/app"
	"zhiyuan/internal/server/servertest"
	"zhiyuan/internal/sqlstore"
)

// exchangeWorld is two cities' data: in 广州 (440106) an organisation with an activity and
// two volunteers who are its members, in 深圳 (440305) the same with one volunteer. Hours:
// 广州's first volunteer 150 minutes made up and confirmed, then corrected by −30 (net 2 h);
// the second 90 minutes confirmed (1.5 h) and 60 minutes pending in the afternoon session
// (not a confirmed record); 深圳's volunteer 60 minutes confirmed.
type exchangeWorld struct {
	gzOrg, szOrg *zhiyuan.Organization
	gz           []registered
	sz           registered
	gzTitle      string
	szTitle      string
	day          time.Time // the sessions' day, Beijing time
}

func exchangeSetup(t *testing.T, e *servertest.Env) *exchangeWorld {
	t.Helper()
	ctx := context.Background()
	s := e.Store
	creator := &zhiyuan.Account{Phone: e.NewPhone(), Name: "组织创建人"}
	if err := s.CreateAccount(ctx, creator, "x"); err != nil {
		t.Fatal(err)
	}
	w := &exchangeWorld{gzTitle: "社区长者探访", szTitle: "海滨清洁行动", day: time.Date(2026, 3, 7, 0, 0, 0, 0, zhiyuan.Beijing)}
	org := func(name, region string) *zhiyuan.Organization {
		o := &zhiyuan.Organization{Name: name, Type: "社会组织", RegionCode: region, ContactName: "李老师", ContactPhone: "13800001111", CreatedBy: creator.ID}
		if err := s.CreateOrganization(ctx, o); err != nil {
			t.Fatal(err)
		}
		if err := s.DecideOrganization(ctx, o.ID, zhiyuan.OrgApproved, "", creator.ID, nil); err != nil {
			t.Fatal(err)
		}
		return o
	}
	activity := func(o *zhiyuan.Organization, title string) *zhiyuan.Activity {
		a := &zhiyuan.Activity{OrgID: o.ID, Title: title, Category: zhiyuan.CatElderly, RegionCode: o.RegionCode, Address: "街道",
			Sessions: []zhiyuan.ActivitySession{
				{StartsAt: w.day.Add(9 * time.Hour).UTC(), EndsAt: w.day.Add(12 * time.Hour).UTC(), Capacity: 10},
				{StartsAt: w.day.Add(14 * time.Hour).UTC(), EndsAt: w.day.Add(17 * time.Hour).UTC(), Capacity: 10},
			}}
		if err := s.CreateActivity(ctx, a, creator.ID); err != nil {
			t.Fatal(err)
		}
		a, err := s.FindActivityByID(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	member := func(o *zhiyuan.Organization, v registered) {
		m, err := s.ApplyMembership(ctx, o.ID, v.VolunteerID)
		if err != nil {
			t.Fatal(err)
		}
		if m.Status != zhiyuan.MemberApproved {
			if err := s.DecideMembership(ctx, o.ID, v.VolunteerID, zhiyuan.MemberApproved, creator.ID, nil); err != nil {
				t.Fatal(err)
			}
		}
	}
	hours := func(v registered, a *zhiyuan.Activity, sess int, kind zhiyuan.HourKind, minutes, corrects int64, confirmed bool) int64 {
		entry := &zhiyuan.HourEntry{VolunteerID: v.VolunteerID, Kind: kind, Minutes: minutes, SessionID: a.Sessions[sess].ID,
			OrgID: a.OrgID, CorrectsID: corrects, Reason: "补录", RecordedBy: creator.ID}
		var confirm *zhiyuan.HourConfirmation
		if confirmed {
			confirm = &zhiyuan.HourConfirmation{ConfirmedBy: creator.ID}
		}
		if err := s.AppendHourEntry(ctx, entry, sqlstore.EntryPlace{RegionCode: a.RegionCode, SessionEndsAt: a.Sessions[sess].EndsAt}, confirm); err != nil {
			t.Fatal(err)
		}
		return entry.ID
	}
	w.gzOrg, w.szOrg = org("天河区青年志愿者协会", "440106"), org("南山区义工联", "440305")
	gzAct, szAct := activity(w.gzOrg, w.gzTitle), activity(w.szOrg, w.szTitle)
	w.gz = []registered{registerVolunteer(t, e, "440106", 11), registerVolunteer(t, e, "440106", 12)}
	w.sz = registerVolunteer(t, e, "440305", 13)
	for _, v := range w.gz {
		member(w.gzOrg, v)
	}
	member(w.szOrg, w.sz)
	first := hours(w.gz[0], gzAct, 0, zhiyuan.HourMakeup, 150, 0, true)
	hours(w.gz[0], gzAct, 0, zhiyuan.HourCorrection, -30, first, true)
	hours(w.gz[1], gzAct, 0, zhiyuan.HourMakeup, 90, 0, true)
	hours(w.gz[1], gzAct, 1, zhiyuan.HourMakeup, 60, 0, false)
	hours(w.sz, szAct, 0, zhiyuan.HourMakeup, 60, 0, true)
	return w
}

// volunteerRow is the exchange row of a registered volunteer, from the database.
func volunteerRow(t *testing.T, e *servertest.Env, v registered, regionName, orgs string) []string {
	t.Helper()
	var name, sex, political, phone, region string
	var birth, created time.Time
	err := e.Store.DB().QueryRow(e.Store.Rebind(`SELECT v.name, v.sex, v.political_status, a.phone, v.region_code, v.birth_date, v.created_at
		FROM volunteers v JOIN accounts a ON a.id = v.account_id WHERE v.id = ?`), v.VolunteerID).Scan(&name, &sex, &political, &phone, &region, &birth, &created)
	if err != nil {
		t.Fatal(err)
	}
	sexes := map[string]string{"male": "男", "female": "女"}
	return []string{name, "居民身份证", v.IDNumber, sexes[sex], birth.Format(time.DateOnly), phone, political,
		created.In(zhiyuan.Beijing).Format(time.DateOnly), regionName, region, orgs}
}

// readCSV parses an exchange CSV: it must start with the byte-order mark.
func readCSV(t *testing.T, body []byte) [][]string {
	t.Helper()
	if !bytes.HasPrefix(body, []byte("\uFEFF")) {
		t.Fatalf("the CSV does not start with a byte-order mark: %q", body[:min(len(body), 10)])
	}
	recs, err := csv.NewReader(bytes.NewReader(body[3:])).ReadAll()
	if err != nil {
		t.Fatalf("the CSV does not parse: %v", err)
	}
	return recs
}

func readXLSX(t *testing.T, body []byte) [][]string {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("the .xlsx does not open: %v", err)
	}
	defer f.Close()
	rows, err := f.GetRows(f.GetSheetList()[0])
	if err != nil {
		t.Fatal(err)
	}
	// GetRows drops trailing empty cells; the comparison wants whole rows.
	for i := range rows {
		for len(rows[i]) < len(rows[0]) {
			rows[i] = append(rows[i], "")
		}
	}
	return rows
}

// TestExchangeAPI: a 广州 city admin's volunteers and hour records hold 广州's rows only,
// with the values in the database, in .xlsx and CSV alike; 深圳 and the province are 403
// to them, an organisation admin and an anonymous caller are refused, a download without
// a purpose is 422; every download writes one pii.export audit row with the purpose; the
// platform admin gets both cities.
func TestExchangeAPI(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		w := exchangeSetup(t, e)
		gzToken, gzAdmin := e.Admin(zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: "440100"})
		platform, _ := e.Admin(zhiyuan.Role{Kind: zhiyuan.RolePlatform})
		orgAdmin, _ := e.Admin(zhiyuan.Role{Kind: zhiyuan.RoleOrgAdmin, OrgID: w.gzOrg.ID})
		tianhe, _ := e.App.Regions.Lookup("440106")
		nanshan, _ := e.App.Regions.Lookup("440305")

		wantVolunteers := [][]string{app.ExchangeVolunteerColumns,
			volunteerRow(t, e, w.gz[0], tianhe.FullName, w.gzOrg.Name), volunteerRow(t, e, w.gz[1], tianhe.FullName, w.gzOrg.Name)}
		gzDay := w.day.Format(time.DateOnly)
		wantHours := [][]string{app.ExchangeHourColumns,
			{"王小芳", w.gz[0].IDNumber, w.gzTitle, gzDay, "2", w.gzOrg.Name},
			{"王小芳", w.gz[1].IDNumber, w.gzTitle, gzDay, "1.5", w.gzOrg.Name}}
		purpose := url.QueryEscape("报送中国志愿服务信息系统")
		for _, c := range []struct {
			path string
			want [][]string
		}{
			{"/api/v1/exchange/volunteers.csv", wantVolunteers},
			{"/api/v1/exchange/volunteers.xlsx", wantVolunteers},
			{"/api/v1/exchange/hours.csv", wantHours},
			{"/api/v1/exchange/hours.xlsx?from=2026-03-07&to=2026-03-07", wantHours},
		} {
			sep := "?"
			if strings.Contains(c.path, "?") {
				sep = "&"
			}
			res := e.Do("GET", c.path+sep+"purpose="+purpose, gzToken, nil)
			if res.Status != http.StatusOK {
				t.Fatalf("%s: %d %s", c.path, res.Status, res.Body)
			}
			if cd := res.Header.Get("Content-Disposition"); !strings.Contains(cd, "attachment") || !strings.Contains(cd, "440100") {
				t.Errorf("%s: Content-Disposition %q", c.path, cd)
			}
			var got [][]string
			if strings.Contains(c.path, ".csv") {
				got = readCSV(t, res.Body)
			} else {
				got = readXLSX(t, res.Body)
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("%s:\n got %q\nwant %q", c.path, got, c.want)
			}
		}
		// A date range without the sessions' day holds the header alone.
		if res := e.Do("GET", "/api/v1/exchange/hours.csv?from=2026-03-08&purpose="+purpose, gzToken, nil); res.Status != http.StatusOK {
			t.Errorf("later range: %d", res.Status)
		} else if recs := readCSV(t, res.Body); len(recs) != 1 {
			t.Errorf("later range: %d rows", len(recs))
		}
		var audited int
		if err := e.Store.DB().QueryRow(e.Store.Rebind(`SELECT COUNT(*) FROM audit_log WHERE action = 'pii.export' AND actor_id = ?
			AND region_code = '440100' AND detail LIKE ?`), gzAdmin, "%用途：报送中国志愿服务信息系统%").Scan(&audited); err != nil || audited != 5 {
			t.Errorf("pii.export audit rows: %d %v, want 5", audited, err)
		}

		// Outside the scope, without the right role or without a purpose: refused, no audit row.
		for _, c := range []struct {
			token, path string
			status      int
		}{
			{gzToken, "/api/v1/exchange/volunteers.csv?region=440300&purpose=" + purpose, http.StatusForbidden},
			{gzToken, "/api/v1/exchange/hours.xlsx?region=440000&purpose=" + purpose, http.StatusForbidden},
			{orgAdmin, "/api/v1/exchange/volunteers.csv?purpose=" + purpose, http.StatusForbidden},
			{"", "/api/v1/exchange/volunteers.csv?purpose=" + purpose, http.StatusUnauthorized},
			{gzToken, "/api/v1/exchange/volunteers.csv", http.StatusUnprocessableEntity},
			{gzToken, "/api/v1/exchange/hours.csv?from=2026-3-7&purpose=" + purpose, http.StatusUnprocessableEntity},
			{gzToken, "/api/v1/exchange/volunteers.csv?region=999999&purpose=" + purpose, http.StatusUnprocessableEntity},
		} {
			if res := e.Do("GET", c.path, c.token, nil); res.Status != c.status {
				t.Errorf("%s: %d %s, want %d", c.path, res.Status, res.Body, c.status)
			}
		}
		var all int
		e.Store.DB().QueryRow("SELECT COUNT(*) FROM audit_log WHERE action = 'pii.export'").Scan(&all)
		if all != 5 {
			t.Errorf("refused downloads were audited: %d rows", all)
		}

		// The counts of the scope, and the platform's whole.
		var counts struct {
			RegionCode  string `json:"region_code"`
			Volunteers  int64  `json:"volunteers"`
			HourRecords int64  `json:"hour_records"`
		}
		e.Do("GET", "/api/v1/exchange", gzToken, nil).Decode(&counts)
		if counts.RegionCode != "440100" || counts.Volunteers != 2 || counts.HourRecords != 2 {
			t.Errorf("广州's counts: %+v", counts)
		}
		res := e.Do("GET", "/api/v1/exchange/hours.csv?purpose="+purpose, platform, nil)
		if res.Status != http.StatusOK {
			t.Fatalf("platform hours: %d %s", res.Status, res.Body)
		}
		recs := readCSV(t, res.Body)
		if len(recs) != 4 || recs[3][2] != w.szTitle || recs[3][1] != w.sz.IDNumber || recs[3][4] != "1" {
			t.Errorf("platform hours: %q", recs)
		}
		res = e.Do("GET", "/api/v1/exchange/volunteers.csv?region=440300&purpose="+purpose, platform, nil)
		if recs := readCSV(t, res.Body); len(recs) != 2 || !reflect.DeepEqual(recs[1], volunteerRow(t, e, w.sz, nanshan.FullName, w.szOrg.Name)) {
			t.Errorf("platform, 深圳's volunteers: %q", recs)
		}
	})
}

// TestExchangePage: the regional admin's page shows the scope's counts; a download asks
// first (with the rows and the purpose in the question), a missing purpose is shown beside
// its field, and the confirmed form answers with the file.
func TestExchangePage(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		exchangeSetup(t, e)
		phone := e.NewPhone()
		if _, err := e.App.CreateAdmin(t.Context(), nil, app.AdminInput{Phone: phone, Name: "广州市管理员", Password: testPassword,
			Role: zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: "440100"}}); err != nil {
			t.Fatal(err)
		}
		b := e.Browser()
		b.Login(phone, testPassword)
		page := b.Get("/admin/exchange")
		body := string(page.Body)
		if page.Status != http.StatusOK || !strings.Contains(body, "2 人") || !strings.Contains(body, "2 条") || !strings.Contains(body, `action="/admin/exchange/download"`) {
			t.Fatalf("/admin/exchange: %d %.500s", page.Status, body)
		}
		if menu := b.Get("/manage"); !strings.Contains(string(menu.Body), `href="/admin/exchange"`) {
			t.Errorf("the manage menu does not link to /admin/exchange")
		}
		form := url.Values{"region": {"440100"}, "kind": {"volunteers"}, "format": {"csv"}, "purpose": {""}}
		res := b.Post("/admin/exchange/download", form)
		if res.Status != http.StatusUnprocessableEntity || !strings.Contains(string(res.Body), `aria-describedby="err-purpose"`) {
			t.Errorf("no purpose: %d", res.Status)
		}
		form.Set("purpose", "年度报送")
		res = b.Post("/admin/exchange/download", form)
		if body := string(res.Body); res.Status != http.StatusOK || !strings.Contains(body, "data-confirmation") || !strings.Contains(body, "年度报送") ||
			!strings.Contains(body, zhiyuan.Text("confirm.exchange", "rows", 2)) {
			t.Fatalf("ask: %d %.800s", res.Status, res.Body)
		}
		var audited int
		e.Store.DB().QueryRow("SELECT COUNT(*) FROM audit_log WHERE action = 'pii.export'").Scan(&audited)
		if audited != 0 {
			t.Errorf("the question was audited as a download")
		}
		form.Set("confirm", "1")
		res = b.Post("/admin/exchange/download", form)
		if res.Status != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") {
			t.Fatalf("download: %d %s", res.Status, res.Header.Get("Content-Type"))
		}
		if recs := readCSV(t, res.Body); len(recs) != 3 {
			t.Errorf("download: %d rows", len(recs))
		}
		e.Store.DB().QueryRow("SELECT COUNT(*) FROM audit_log WHERE action = 'pii.export' AND detail LIKE '%年度报送%'").Scan(&audited)
		if audited != 1 {
			t.Errorf("download audit rows: %d", audited)
		}
		// 深圳 from 广州's page: refused.
		if res := b.Get("/admin/exchange?region=440300"); res.Status != http.StatusForbidden {
			t.Errorf("深圳 from 广州: %d", res.Status)
		}
	})
}
