package api_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"zhiyuan"
	"zhiyuan/internal/hourstest"
	"zhiyuan/internal/sqlstore"
)

type rankingResp struct {
	Level      string `json:"level"`
	By         string `json:"by"`
	Definition struct {
		Name, Definition string
	} `json:"definition"`
	Items []struct {
		Rank          int     `json:"rank"`
		Unit          string  `json:"unit"`
		Name          string  `json:"name"`
		Activities    int     `json:"activities"`
		Hours         float64 `json:"hours"`
		Participants  int     `json:"participants"`
		Registered    int     `json:"registered"`
		PerCapita     float64 `json:"per_capita"`
		Registrations int     `json:"registrations"`
	} `json:"items"`
}

type campaignResp struct {
	ID         int64  `json:"id"`
	Name       string `json:"name"`
	RegionCode string `json:"region_code"`
	Figures    struct {
		Activities, Sessions, Participants, Registrations int
		Hours                                             float64
		ByCity                                            []struct {
			Unit  string
			Hours float64
		} `json:"by_city"`
		ByDay []struct {
			Day          string
			Hours        float64
			Participants int
		} `json:"by_day"`
	} `json:"figures"`
	Definitions []struct{ By, Name, Definition string } `json:"definitions"`
}

// campaignWorld is a province with organisations in 天河 (the hourstest one), 福田 and
// 越秀, each with an admin token, and a volunteer registered in 深圳.
type campaignWorld struct {
	*hourstest.Env
	province         string // token of the province's admin
	orgB, orgC       *zhiyuan.Organization
	tokB, tokC       string
	actB, actC, actD *zhiyuan.Activity
	shenzhenVol      int64
}

func newCampaignWorld(t *testing.T, e *hourstest.Env) *campaignWorld {
	t.Helper()
	ctx := t.Context()
	w := &campaignWorld{Env: e}
	w.province, _ = e.Admin(zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: "440000"})
	org := func(name, region string) (*zhiyuan.Organization, string) {
		o := &zhiyuan.Organization{Name: name, Type: "社会组织", RegionCode: region, ContactName: "王老师", ContactPhone: "13800002222", CreatedBy: e.OrgAdmin}
		if err := e.Store.CreateOrganization(ctx, o); err != nil {
			t.Fatal(err)
		}
		if err := e.Store.DecideOrganization(ctx, o.ID, zhiyuan.OrgApproved, "", e.OrgAdmin, nil); err != nil {
			t.Fatal(err)
		}
		tok, _ := e.Admin(zhiyuan.Role{Kind: zhiyuan.RoleOrgAdmin, OrgID: o.ID})
		return o, tok
	}
	w.orgB, w.tokB = org("福田区志愿者联合会", "440304")
	w.orgC, w.tokC = org("越秀区青年志愿服务队", "440104")
	act := func(o *zhiyuan.Organization, title string) *zhiyuan.Activity {
		a := &zhiyuan.Activity{OrgID: o.ID, Title: title, Category: zhiyuan.CatElderly, RegionCode: o.RegionCode, Address: "社区服务站",
			Lat: 23.1, Lng: 113.3, Sessions: []zhiyuan.ActivitySession{{StartsAt: hourstest.Day("09:00").UTC(), EndsAt: hourstest.Day("12:00").UTC(), Capacity: 10}}}
		if err := a.Validate(e.Store.Now()); err != nil {
			t.Fatal(err)
		}
		if err := e.Store.CreateActivity(ctx, a, e.OrgAdmin); err != nil {
			t.Fatal(err)
		}
		if err := e.Store.PublishActivity(ctx, a.ID); err != nil {
			t.Fatal(err)
		}
		got, err := e.Store.FindActivityByID(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	w.actB = act(w.orgB, "福田社区助老服务")
	w.actC = act(w.orgC, "越秀街头文明引导")
	w.actD = act(w.orgC, "越秀环保宣传")
	sz := []sqlstore.BulkVolunteer{{Volunteer: &zhiyuan.Volunteer{Name: "深圳志愿者", IDType: zhiyuan.IDResident,
		IDNumberMasked: "440***********123X", Phone: e.NewPhone(), RegionCode: "440304",
		BirthDate: time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC), Sex: "male"},
		Secrets: sqlstore.VolunteerSecrets{PasswordHash: "h", IDNumberIndex: "sz-1"}}}
	if err := e.Store.BulkCreateVolunteers(ctx, sz); err != nil {
		t.Fatal(err)
	}
	w.shenzhenVol = sz[0].Volunteer.ID
	return w
}

// confirm records minutes for a volunteer at the activity's first session, confirmed at once.
func (w *campaignWorld) confirm(t *testing.T, act *zhiyuan.Activity, vol, minutes int64) {
	t.Helper()
	en := &zhiyuan.HourEntry{VolunteerID: vol, Kind: zhiyuan.HourMakeup, Minutes: minutes, SessionID: act.Sessions[0].ID, OrgID: act.OrgID,
		Reason: "补录", RecordedBy: w.OrgAdmin}
	if err := w.Store.AppendHourEntry(context.Background(), en, sqlstore.EntryPlace{RegionCode: act.RegionCode},
		&zhiyuan.HourConfirmation{ConfirmedBy: w.OrgAdmin}); err != nil {
		t.Fatal(err)
	}
}

func (w *campaignWorld) enter(t *testing.T, token string, actID, campaignID int64, want int) {
	t.Helper()
	res := w.Do("POST", fmt.Sprintf("/api/v1/activities/%d/campaigns", actID), token, map[string]any{"campaign_id": campaignID})
	if res.Status != want {
		t.Fatalf("enter activity %d: %d %s, want %d", actID, res.Status, res.Body, want)
	}
}

func (w *campaignWorld) ranking(t *testing.T, id int64, level, by string) rankingResp {
	t.Helper()
	res := w.Do("GET", fmt.Sprintf("/api/v1/campaigns/%d/rankings?level=%s&by=%s", id, level, by), "", nil)
	if res.Status != http.StatusOK {
		t.Fatalf("rankings %s %s: %d %s", level, by, res.Status, res.Body)
	}
	var r rankingResp
	res.Decode(&r)
	return r
}

// campaignDates is a week around the sessions' day, in Beijing dates.
func campaignDates() (string, string) {
	d := hourstest.Day("12:00")
	return d.AddDate(0, 0, -3).Format(time.DateOnly), d.AddDate(0, 0, 3).Format(time.DateOnly)
}

// TestCampaignContest: a scripted campaign's rankings equal figures computed by hand, for
// cities, districts and organisations by every figure; an activity entered after its
// hours were confirmed counts them from then on, and hours confirmed later are added as
// they are confirmed; a refused activity leaves the figures; the campaign page's figures
// by city and by day; the export holds the same rankings and the definitions.
func TestCampaignContest(t *testing.T) {
	t.Parallel()
	hourstest.Each(t, 3, func(t *testing.T, e *hourstest.Env) {
		w := newCampaignWorld(t, e)
		v := e.Volunteers
		from, to := campaignDates()
		res := e.Do("POST", "/api/v1/campaigns", w.province, map[string]any{"name": "学雷锋志愿服务月", "theme": "i志愿 爱生活",
			"description": "全省学雷锋志愿服务月", "starts_on": from, "ends_on": to, "region_code": "440000",
			"categories": []string{"elderly_care"}, "keywords": []string{"学雷锋"}})
		if res.Status != http.StatusCreated {
			t.Fatalf("create: %d %s", res.Status, res.Body)
		}
		var c campaignResp
		res.Decode(&c)

		// 天河's activity has three hours confirmed before it is entered.
		w.confirm(t, e.Activity, v[0].ID, 120)
		w.confirm(t, e.Activity, v[1].ID, 60)
		w.confirm(t, w.actD, v[2].ID, 600) // 越秀's second activity: entered, then refused
		if r := w.ranking(t, c.ID, "org", "hours"); len(r.Items) != 0 {
			t.Fatalf("nothing entered yet: %+v", r.Items)
		}
		w.enter(t, e.OrgToken, e.Activity.ID, c.ID, http.StatusCreated)
		if r := w.ranking(t, c.ID, "org", "hours"); len(r.Items) != 1 || r.Items[0].Hours != 3 || r.Items[0].Participants != 2 {
			t.Fatalf("late entry: the hours confirmed before count from then on: %+v", r.Items)
		}
		w.enter(t, e.OrgToken, e.Activity.ID, c.ID, http.StatusConflict)
		w.confirm(t, e.Activity, v[2].ID, 90)
		w.enter(t, w.tokB, w.actB.ID, c.ID, http.StatusCreated)
		w.confirm(t, w.actB, w.shenzhenVol, 180)
		w.confirm(t, w.actB, v[0].ID, 60)
		w.enter(t, w.tokC, w.actC.ID, c.ID, http.StatusCreated)
		w.confirm(t, w.actC, v[0].ID, 30)
		w.enter(t, w.tokC, w.actD.ID, c.ID, http.StatusCreated)
		if r := w.ranking(t, c.ID, "district", "hours"); r.Items[0].Unit != "440104" || r.Items[0].Hours != 10.5 {
			t.Fatalf("越秀 with its 10 late hours leads: %+v", r.Items)
		}
		// Refusing needs a reason, is for the campaign's admins only, and takes the hours out.
		refuse := fmt.Sprintf("/api/v1/campaigns/%d/activities/%d/refuse", c.ID, w.actD.ID)
		if res := e.Do("POST", refuse, w.tokC, map[string]any{"reason": "与主题无关"}); res.Status != http.StatusForbidden {
			t.Fatalf("an organisation refusing: %d %s", res.Status, res.Body)
		}
		if res := e.Do("POST", refuse, w.province, map[string]any{"reason": " "}); res.Status != http.StatusUnprocessableEntity {
			t.Fatalf("no reason: %d %s", res.Status, res.Body)
		} else if _, f := res.Reasons(); f["reason"] != "campaign.reason_required" {
			t.Fatalf("no reason: %v", f)
		}
		if res := e.Do("POST", refuse, w.province, map[string]any{"reason": "与主题无关"}); res.Status != http.StatusOK {
			t.Fatalf("refuse: %d %s", res.Status, res.Body)
		}
		if res := e.Do("POST", refuse, w.province, map[string]any{"reason": "再退一次"}); res.Status != http.StatusConflict {
			t.Fatalf("refuse twice: %d %s", res.Status, res.Body)
		}
		w.enter(t, w.tokC, w.actD.ID, c.ID, http.StatusConflict)

		// By hand: 天河 (org A) 120+60+90 = 4.5 h by v0 v1 v2; 福田 (B) 180+60 = 4 h by the
		// 深圳 volunteer and v0; 越秀 (C) 30 min by v0. 广州 = 天河 + 越秀 = 5 h by v0 v1 v2;
		// 深圳 = 4 h by two. Registered: 广州 3 (all in 天河, all registered this week),
		// 深圳 1. Per capita: 广州 5/3 = 1.67, 深圳 4/1 = 4.
		type row struct {
			unit          string
			rank          int
			hours         float64
			participants  int
			perCapita     float64
			registrations int
			activities    int
		}
		check := func(level, by string, want []row) {
			t.Helper()
			r := w.ranking(t, c.ID, level, by)
			if r.Level != level || r.By != by || r.Definition.Definition == "" {
				t.Errorf("%s by %s: header %+v", level, by, r)
			}
			if len(r.Items) != len(want) {
				t.Fatalf("%s by %s: %+v, want %+v", level, by, r.Items, want)
			}
			for i, wr := range want {
				g := r.Items[i]
				if g.Unit != wr.unit || g.Rank != wr.rank || g.Hours != wr.hours || g.Participants != wr.participants ||
					g.PerCapita != wr.perCapita || g.Registrations != wr.registrations || g.Activities != wr.activities || g.Name == "" {
					t.Errorf("%s by %s #%d: %+v, want %+v", level, by, i, g, wr)
				}
			}
		}
		gz := row{"440100", 1, 5, 3, 1.67, 3, 2}
		sz := row{"440300", 2, 4, 2, 4, 1, 1}
		check("city", "hours", []row{gz, sz})
		check("city", "participants", []row{gz, sz})
		sz.rank, gz.rank = 1, 2
		check("city", "per_capita", []row{sz, gz})
		sz.rank, gz.rank = 2, 1
		check("city", "registrations", []row{gz, sz})
		th := row{"440106", 1, 4.5, 3, 1.5, 3, 1}
		ft := row{"440304", 2, 4, 2, 4, 1, 1}
		yx := row{"440104", 3, 0.5, 1, 0, 0, 1}
		check("district", "hours", []row{th, ft, yx})
		a := row{fmt.Sprint(e.Org.ID), 1, 4.5, 3, 0, 0, 1}
		b := row{fmt.Sprint(w.orgB.ID), 2, 4, 2, 0, 0, 1}
		cc := row{fmt.Sprint(w.orgC.ID), 3, 0.5, 1, 0, 0, 1}
		check("org", "hours", []row{a, b, cc})

		res = e.Do("GET", fmt.Sprintf("/api/v1/campaigns/%d", c.ID), "", nil)
		res.Decode(&c)
		f := c.Figures
		if res.Status != http.StatusOK || f.Activities != 3 || f.Sessions != 3 || f.Participants != 4 || f.Hours != 9 || f.Registrations != 4 ||
			len(f.ByCity) != 2 || f.ByCity[0].Unit != "440100" || len(f.ByDay) != 1 || f.ByDay[0].Day != "2037-03-07" ||
			f.ByDay[0].Hours != 9 || f.ByDay[0].Participants != 4 || len(c.Definitions) != 4 {
			t.Fatalf("campaign figures: %d %+v", res.Status, c)
		}

		// The activities list searches like the main search.
		var list struct {
			Items []struct {
				ActivityID int64 `json:"activity_id"`
			}
		}
		e.Do("GET", fmt.Sprintf("/api/v1/campaigns/%d/activities?q=%s", c.ID, "文明引导"), "", nil).Decode(&list)
		if len(list.Items) != 1 || list.Items[0].ActivityID != w.actC.ID {
			t.Fatalf("search 文明引导: %+v", list.Items)
		}
		e.Do("GET", fmt.Sprintf("/api/v1/campaigns/%d/activities?status=refused", c.ID), "", nil).Decode(&list)
		if len(list.Items) != 1 || list.Items[0].ActivityID != w.actD.ID {
			t.Fatalf("refused: %+v", list.Items)
		}

		// The export: one sheet per level, ranked as the API ranks, and the definitions.
		res = e.Do("GET", fmt.Sprintf("/api/v1/campaigns/%d/rankings.xlsx?by=per_capita", c.ID), "", nil)
		if res.Status != http.StatusOK {
			t.Fatalf("xlsx: %d %s", res.Status, res.Body)
		}
		x, err := excelize.OpenReader(bytes.NewReader(res.Body))
		if err != nil {
			t.Fatal(err)
		}
		rows, _ := x.GetRows("城市排名")
		if len(rows) != 4 || rows[2][1] != "深圳市" || rows[2][5] != "4" || rows[3][1] != "广州市" || rows[3][3] != "5" {
			t.Fatalf("city sheet: %q", rows)
		}
		defs, _ := x.GetRows("指标说明")
		if len(defs) != 6 || defs[2][1] != zhiyuan.RankDefinitions[zhiyuan.RankHours].Definition {
			t.Fatalf("definitions sheet: %q", defs)
		}
		if res := e.Do("GET", fmt.Sprintf("/api/v1/campaigns/%d/rankings?level=street&by=likes", c.ID), "", nil); res.Status != http.StatusUnprocessableEntity {
			t.Fatalf("bad level: %d", res.Status)
		} else if _, f := res.Reasons(); f["level"] != "campaign.level_unknown" || f["by"] != "campaign.by_unknown" {
			t.Fatalf("bad level and by: %v", f)
		}
	})
}

// TestCampaignScope: only a province or city admin creates a campaign, within their own
// region (a city admin cannot for another city; a district admin cannot at all); bad
// input is 422 naming each field; an organisation outside the campaign's scope cannot
// enter, nor can someone who does not run the activity.
func TestCampaignScope(t *testing.T) {
	t.Parallel()
	hourstest.Each(t, 0, func(t *testing.T, e *hourstest.Env) {
		w := newCampaignWorld(t, e)
		from, to := campaignDates()
		gz, _ := e.Admin(zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: "440100"})
		th, _ := e.Admin(zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: "440106"})
		body := func(region string) map[string]any {
			return map[string]any{"name": "广州市学雷锋月", "starts_on": from, "ends_on": to, "region_code": region}
		}
		if res := e.Do("POST", "/api/v1/campaigns", gz, body("440300")); res.Status != http.StatusForbidden {
			t.Fatalf("广州 for 深圳: %d %s", res.Status, res.Body)
		}
		if res := e.Do("POST", "/api/v1/campaigns", th, body("440106")); res.Status != http.StatusForbidden {
			t.Fatalf("a district admin: %d %s", res.Status, res.Body)
		}
		if res := e.Do("POST", "/api/v1/campaigns", "", body("440100")); res.Status != http.StatusUnauthorized {
			t.Fatalf("anonymous: %d", res.Status)
		}
		res := e.Do("POST", "/api/v1/campaigns", gz, map[string]any{"name": " ", "starts_on": to, "ends_on": from, "region_code": "999999"})
		if res.Status != http.StatusUnprocessableEntity {
			t.Fatalf("bad campaign: %d %s", res.Status, res.Body)
		}
		_, f := res.Reasons()
		if f["name"] != "campaign.name_required" || f["ends_on"] != "campaign.ends_before_starts" || f["region_code"] != "region.unknown" {
			t.Fatalf("fields: %v", f)
		}
		res = e.Do("POST", "/api/v1/campaigns", gz, map[string]any{"name": "x", "starts_on": "2037-3-1", "ends_on": "", "region_code": "440100"})
		if _, f := res.Reasons(); res.Status != http.StatusUnprocessableEntity || f["starts_on"] != "campaign.date_format" || f["ends_on"] != "campaign.date_format" {
			t.Fatalf("dates: %d %v", res.Status, f)
		}
		res = e.Do("POST", "/api/v1/campaigns", gz, body("440100"))
		if res.Status != http.StatusCreated {
			t.Fatalf("广州 for 广州: %d %s", res.Status, res.Body)
		}
		var c campaignResp
		res.Decode(&c)
		w.enter(t, w.tokB, w.actB.ID, c.ID, http.StatusForbidden) // 福田 is in 深圳
		w.enter(t, w.tokB, w.actC.ID, c.ID, http.StatusForbidden) // not 福田's activity
		w.enter(t, w.tokC, w.actC.ID, 0, http.StatusUnprocessableEntity)
		w.enter(t, w.tokC, w.actC.ID, c.ID+100, http.StatusUnprocessableEntity)
		w.enter(t, w.tokC, w.actC.ID, c.ID, http.StatusCreated)
		if res := e.Do("POST", fmt.Sprintf("/api/v1/campaigns/%d/activities/%d/refuse", c.ID, w.actC.ID), th,
			map[string]any{"reason": "不符"}); res.Status != http.StatusForbidden {
			t.Fatalf("天河's admin refusing in 广州's campaign: %d", res.Status)
		}
	})
}
