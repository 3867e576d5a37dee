package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"zhiyuan"
	"zhiyuan/internal/app"
	"zhiyuan/internal/hourstest"
	"zhiyuan/internal/sqlstore"
)

// TestCampaignPages: a city starts a campaign through the form (a bad one keeps its input
// and names the fields), the organisation enters its activity from the campaign's page
// (asked first), the page shows the figures and the ranking with its definition, the
// activity list searches, and the city's admin refuses the activity with a reason (asked
// first), after which it leaves the ranking.
func TestCampaignPages(t *testing.T) {
	t.Parallel()
	hourstest.Each(t, 2, func(t *testing.T, e *hourstest.Env) {
		ctx := t.Context()
		phone := e.NewPhone()
		if _, err := e.App.CreateAdmin(ctx, nil, app.AdminInput{Phone: phone, Name: "广州市", Password: "test1234",
			Role: zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: "440100"}}); err != nil {
			t.Fatal(err)
		}
		city := e.Browser()
		city.Login(phone, "test1234")
		day := hourstest.Day("12:00")
		form := url.Values{"name": {"广州学雷锋月"}, "theme": {"i志愿 爱生活"}, "starts_on": {day.AddDate(0, 0, 2).Format(time.DateOnly)},
			"ends_on": {day.Format(time.DateOnly)}, "region_code": {"440100"}, "categories": {"elderly_care"}, "keywords": {"学雷锋，敬老"}}
		res := city.Post("/campaigns", form)
		body := string(res.Body)
		if res.Status != http.StatusUnprocessableEntity || !strings.Contains(body, `aria-invalid="true"`) || !strings.Contains(body, "广州学雷锋月") ||
			!strings.Contains(body, zhiyuan.Text("campaign.ends_before_starts")) {
			t.Fatalf("bad campaign form: %d %s", res.Status, body)
		}
		form.Set("starts_on", day.AddDate(0, 0, -2).Format(time.DateOnly))
		res = city.Post("/campaigns", form)
		if res.Status != http.StatusSeeOther {
			t.Fatalf("create: %d %s", res.Status, res.Body)
		}
		path := res.Header.Get("Location")
		id := strings.TrimPrefix(path, "/campaigns/")
		// The campaign's admin is offered a selection of exemplary people; the public is
		// not, and once there is one everybody is led to its candidates.
		newSel := `href="` + path + `/selection/new"`
		if page := city.Get(path); !strings.Contains(string(page.Body), newSel) {
			t.Fatalf("no selection offered to the campaign's admin: %s", page.Body)
		}
		if page := e.Browser().Get(path); strings.Contains(string(page.Body), newSel) || strings.Contains(string(page.Body), path+"/candidates") {
			t.Fatalf("selection links for the public before there is one: %s", page.Body)
		}

		for _, v := range e.Volunteers {
			en := &zhiyuan.HourEntry{VolunteerID: v.ID, Kind: zhiyuan.HourMakeup, Minutes: 150, SessionID: e.Session.ID, OrgID: e.Org.ID,
				Reason: "补录", RecordedBy: e.OrgAdmin}
			if err := e.Store.AppendHourEntry(context.Background(), en, sqlstore.EntryPlace{RegionCode: "440106"},
				&zhiyuan.HourConfirmation{ConfirmedBy: e.OrgAdmin}); err != nil {
				t.Fatal(err)
			}
		}
		org := e.Browser()
		org.Login(e.OrgPhone, hourstest.Password)
		page := org.Get(path)
		if page.Status != http.StatusOK || !strings.Contains(string(page.Body), fmt.Sprintf(`<option value="%d">`, e.Activity.ID)) {
			t.Fatalf("the organisation's page: %d %s", page.Status, page.Body)
		}
		enter := url.Values{"activity_id": {fmt.Sprint(e.Activity.ID)}}
		ask := org.Post(path+"/enter", enter)
		if ask.Status != http.StatusOK || !strings.Contains(string(ask.Body), zhiyuan.Text("confirm.enter_campaign_title")) {
			t.Fatalf("enter asks first: %d %s", ask.Status, ask.Body)
		}
		enter.Set("confirm", "1")
		if res := org.Post(path+"/enter", enter); res.Status != http.StatusSeeOther {
			t.Fatalf("enter: %d %s", res.Status, res.Body)
		}

		pub := e.Browser()
		page = pub.Get(path + "?level=district&by=hours")
		body = string(page.Body)
		if page.Status != http.StatusOK || !strings.Contains(body, "广州市天河区") || !strings.Contains(body, "5 小时") ||
			!strings.Contains(body, zhiyuan.RankDefinitions[zhiyuan.RankHours].Definition) || !strings.Contains(body, "/api/v1/campaigns/"+id+"/rankings.xlsx") {
			t.Fatalf("public page: %d %s", page.Status, body)
		}
		if p := pub.Get(path + "?level=nowhere"); p.Status != http.StatusUnprocessableEntity || !strings.Contains(string(p.Body), `aria-invalid="true"`) {
			t.Fatalf("bad level: %d", p.Status)
		}
		if p := pub.Get(path + "?q=" + url.QueryEscape("长者探访")); !strings.Contains(string(p.Body), "/activities/"+fmt.Sprint(e.Activity.ID)) {
			t.Fatalf("search finds the activity: %s", p.Body)
		}
		if p := pub.Get(path + "?q=" + url.QueryEscape("游泳")); strings.Contains(string(p.Body), "/activities/"+fmt.Sprint(e.Activity.ID)+`"`) {
			t.Fatalf("search for something else finds it")
		}

		refuse := url.Values{"activity_id": {fmt.Sprint(e.Activity.ID)}, "reason": {"不在活动主题内"}}
		ask = city.Post(path+"/refuse", refuse)
		if ask.Status != http.StatusOK || !strings.Contains(string(ask.Body), "不在活动主题内") {
			t.Fatalf("refuse asks first: %d %s", ask.Status, ask.Body)
		}
		if p := pub.Get(path); !strings.Contains(string(p.Body), "5 小时") {
			t.Fatalf("asking changed the figures")
		}
		refuse.Set("confirm", "1")
		if res := city.Post(path+"/refuse", refuse); res.Status != http.StatusSeeOther {
			t.Fatalf("refuse: %d %s", res.Status, res.Body)
		}
		if p := city.Get(path); strings.Contains(string(p.Body), "5 小时") || !strings.Contains(string(p.Body), "理由：不在活动主题内") {
			t.Fatalf("after refusal: %s", p.Body)
		}
	})
}
