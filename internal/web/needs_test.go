package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"zhiyuan"
	"zhiyuan/internal/app"
	"zhiyuan/internal/server/servertest"
)

// TestNeedPages: a street posts a need through the form (a bad one keeps its input and
// names the field), an organisation finds it in the list, is asked first, takes it and
// lands on the draft activity; the need then shows who took it and cannot be taken again.
func TestNeedPages(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		phone := e.NewPhone()
		if _, err := e.App.CreateAdmin(t.Context(), nil, app.AdminInput{Phone: phone, Name: "五山街道", Password: "test1234",
			Role: zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: "440106"}}); err != nil {
			t.Fatal(err)
		}
		street := e.Browser()
		street.Login(phone, "test1234")
		f := newActPages(t, e)

		starts := e.Store.Now().In(zhiyuan.Beijing).Add(72 * time.Hour)
		form := url.Values{"org_id": {"0"}, "title": {"陪伴独居老人读报"}, "category": {"elderly_care"}, "target_group": {"独居老人"},
			"region_code": {"440106"}, "address": {"天河区五山街道华工社区"}, "lat": {"23.15"}, "lng": {"113.35"},
			"starts_at": {starts.Format("2006-01-02T15:04")}, "ends_at": {starts.Add(2 * time.Hour).Format("2006-01-02T15:04")},
			"volunteers_wanted": {"0"}, "max_takers": {"1"}, "urgency": {"urgent"}}
		res := street.Post("/needs", form)
		if res.Status != http.StatusUnprocessableEntity || !strings.Contains(string(res.Body), `aria-invalid="true"`) ||
			!strings.Contains(string(res.Body), "陪伴独居老人读报") {
			t.Fatalf("bad need form: %d %s", res.Status, res.Body)
		}
		form.Set("volunteers_wanted", "3")
		res = street.Post("/needs", form)
		if res.Status != http.StatusSeeOther {
			t.Fatalf("post need: %d %s", res.Status, res.Body)
		}
		needPath := res.Header.Get("Location")

		list := f.admin.Get("/needs?near=23.16,113.36&within_km=5")
		if list.Status != http.StatusOK || !strings.Contains(string(list.Body), needPath) || !strings.Contains(string(list.Body), "紧急") {
			t.Fatalf("need list: %d %s", list.Status, list.Body)
		}
		page := f.admin.Get(needPath)
		if !strings.Contains(string(page.Body), needPath+"/take") {
			t.Fatalf("no take button: %s", page.Body)
		}
		// Taking asks first and changes nothing until confirmed.
		ask := f.admin.Get(needPath + "/take")
		if ask.Status != http.StatusOK || !strings.Contains(string(ask.Body), "确定接下这项需求吗") {
			t.Fatalf("confirmation: %d %s", ask.Status, ask.Body)
		}
		if res := f.admin.Post(needPath+"/take", url.Values{}); res.Status != http.StatusOK || !strings.Contains(string(res.Body), "确定接下这项需求吗") {
			t.Fatalf("unconfirmed take: %d", res.Status)
		}
		res = f.admin.Post(needPath+"/take", url.Values{"confirm": {"1"}})
		if res.Status != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/activities/") {
			t.Fatalf("take: %d %s", res.Status, res.Body)
		}
		act := f.admin.Get(res.Header.Get("Location"))
		if act.Status != http.StatusOK || !strings.Contains(string(act.Body), "陪伴独居老人读报") {
			t.Fatalf("activity from need: %d", act.Status)
		}
		page = street.Get(needPath)
		body := string(page.Body)
		if !strings.Contains(body, "已接单") || !strings.Contains(body, f.org.Name) || strings.Contains(body, needPath+"/take") {
			t.Fatalf("need after taking: %s", body)
		}
		if res := f.admin.Post(needPath+"/take", url.Values{"confirm": {"1"}}); res.Status != http.StatusConflict {
			t.Fatalf("taken twice: %d", res.Status)
		}
		_ = fmt.Sprint
	})
}

// TestNeedFormRegionPicker: the need form picks its region with the cascading picker
// other forms use, without JS: 选择 shows the form again with the streets of the chosen
// county and everything typed kept, nothing posted; choosing a street posts the need
// there.
func TestNeedFormRegionPicker(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		phone := e.NewPhone()
		if _, err := e.App.CreateAdmin(t.Context(), nil, app.AdminInput{Phone: phone, Name: "天河区", Password: "test1234",
			Role: zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: "440106"}}); err != nil {
			t.Fatal(err)
		}
		admin := e.Browser()
		admin.Login(phone, "test1234")
		// The form starts at the poster's own region, its streets next to choose.
		page := string(admin.Get("/needs/new").Body)
		if !strings.Contains(page, `name="region_code_3"`) || !strings.Contains(page, `value="440106" selected`) ||
			!strings.Contains(page, `name="region_code_4"`) {
			t.Fatalf("need form without the picker at 440106: %s", page)
		}
		streets := e.App.Regions.Children("440106")
		if len(streets) == 0 {
			t.Fatal("no streets under 440106 in the division data")
		}
		street := streets[0]
		starts := e.Store.Now().In(zhiyuan.Beijing).Add(72 * time.Hour)
		form := url.Values{"org_id": {"0"}, "title": {"社区长者理发"}, "category": {"elderly_care"}, "target_group": {"社区长者"},
			"region_code_1": {"440000"}, "region_code_2": {"440100"}, "region_code_3": {"440106"}, "address": {"天河区某社区"},
			"lat": {"23.15"}, "lng": {"113.35"}, "starts_at": {starts.Format("2006-01-02T15:04")},
			"ends_at": {starts.Add(2 * time.Hour).Format("2006-01-02T15:04")}, "volunteers_wanted": {"2"}, "max_takers": {"1"},
			"urgency": {"normal"}, "pick": {"region_code"}}
		res := admin.Post("/needs", form)
		body := string(res.Body)
		if res.Status != http.StatusOK || !strings.Contains(body, `name="region_code_4"`) || !strings.Contains(body, street.Name) ||
			!strings.Contains(body, "社区长者理发") {
			t.Fatalf("选择 without JS: %d %s", res.Status, body)
		}
		if list := string(admin.Get("/needs?mine=1").Body); strings.Contains(list, "社区长者理发") {
			t.Fatal("选择 posted the need")
		}
		form.Del("pick")
		form.Set("region_code_4", street.Code)
		res = admin.Post("/needs", form)
		if res.Status != http.StatusSeeOther {
			t.Fatalf("post with a street: %d %s", res.Status, res.Body)
		}
		var id int64
		if _, err := fmt.Sscanf(res.Header.Get("Location"), "/needs/%d", &id); err != nil {
			t.Fatal(err)
		}
		n, err := e.Store.FindNeed(t.Context(), id)
		if err != nil {
			t.Fatal(err)
		}
		if list := string(admin.Get("/needs?mine=1").Body); !strings.Contains(list, "社区长者理发") {
			t.Error("the posted need is not in the poster's list")
		}
		if n.RegionCode != street.Code {
			t.Errorf("need region %q, want the street %s", n.RegionCode, street.Code)
		}
	})
}
