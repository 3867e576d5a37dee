package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"zhiyuan/internal/browsertest"
	"zhiyuan/internal/hourstest"
	"zhiyuan/internal/server/servertest"
)

// TestProfileServiceAreas: 服务区域 on the profile is a list of ticked boxes (untick to
// remove) and the region picker with 添加, all without JavaScript: 选择 shows the next
// level, 添加 puts a district or street on the list; both come back with everything typed
// kept and nothing saved until 保存资料. A region above a district, or one already on the
// list, is refused beside the picker; an error on saving keeps the list and what was typed.
func TestProfileServiceAreas(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		b := e.Browser()
		if res := b.Post("/register", registerForm(e, idOfAge(30))); res.Status != http.StatusSeeOther {
			t.Fatalf("register: %d %s", res.Status, res.Body)
		}
		stored := func() string {
			rows, err := e.Store.DB().Query(`SELECT region_code FROM volunteer_areas ORDER BY region_code`)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			var codes []string
			for rows.Next() {
				var c string
				rows.Scan(&c)
				codes = append(codes, c)
			}
			return strings.Join(codes, ",")
		}
		form := func(extra url.Values) url.Values {
			f := url.Values{"political_status": {"共青团员"}, "skills": {"摄影"}, "categories": {"elderly"},
				"service_areas": {"440106"}, "weekdays": {"6"}, "email": {"wxm@example.com"}}
			for k, v := range extra {
				f[k] = v
			}
			return f
		}
		if res := b.Post("/me", form(nil)); res.Status != http.StatusSeeOther {
			t.Fatalf("save: %d %s", res.Status, res.Body)
		}
		page := string(b.Get("/me").Body)
		if !regexp.MustCompile(`name="service_areas" value="440106" checked`).MatchString(page) || strings.Contains(page, "multiple") {
			t.Fatalf("the saved area is not a ticked box, or a multi-select is left:\n%s", page)
		}
		// The picker starts at the volunteer's province and asks for the city.
		if !strings.Contains(page, `name="area_add_2"`) || !strings.Contains(page, `<option value="440000" selected>`) {
			t.Error("the area picker does not start at the province")
		}

		// 选择 (without JavaScript): the next level, the typed address kept, nothing saved.
		res := b.Post("/me", form(url.Values{"pick": {"area_add"}, "area_add_1": {"440000"}, "area_add_2": {"440300"}, "address": {"福田区深南大道"}}))
		body := string(res.Body)
		if res.Status != http.StatusOK || !strings.Contains(body, `name="area_add_3"`) || !strings.Contains(body, "福田区") ||
			!strings.Contains(body, `value="福田区深南大道"`) {
			t.Errorf("picking 深圳市: %d, no district select or the address lost", res.Status)
		}
		// 添加: 越秀区 joins the list, unsaved, everything typed kept.
		res = b.Post("/me", form(url.Values{"add_area": {"1"}, "area_add_1": {"440000"}, "area_add_2": {"440100"}, "area_add_3": {"440104"}, "skills": {"摄影、急救"}}))
		body = string(res.Body)
		if res.Status != http.StatusOK || !strings.Contains(body, `name="service_areas" value="440104" checked`) ||
			!strings.Contains(body, "广东省广州市越秀区") || !strings.Contains(body, `value="摄影、急救"`) || !strings.Contains(body, `name="service_areas" value="440106" checked`) {
			t.Errorf("adding 越秀区: %d\n%s", res.Status, body)
		}
		if got := stored(); got != "440106" {
			t.Errorf("adding saved the areas: %s", got)
		}
		// A city is not an area; 天河区 is already on the list.
		res = b.Post("/me", form(url.Values{"add_area": {"1"}, "area_add_1": {"440000"}, "area_add_2": {"440100"}}))
		if body := string(res.Body); res.Status != http.StatusUnprocessableEntity || !strings.Contains(body, "请选到区县或街道（镇）再添加") ||
			!strings.Contains(body, `aria-describedby="err-area_add"`) {
			t.Errorf("adding a city: %d", res.Status)
		}
		res = b.Post("/me", form(url.Values{"add_area": {"1"}, "area_add_1": {"440000"}, "area_add_2": {"440100"}, "area_add_3": {"440106"}}))
		if res.Status != http.StatusUnprocessableEntity || !strings.Contains(string(res.Body), "广东省广州市天河区已在服务区域中") {
			t.Errorf("adding 天河区 twice: %d", res.Status)
		}

		// Saving the list: 越秀区 added, then 天河区 removed by unticking it.
		if res := b.Post("/me", form(url.Values{"service_areas": {"440106", "440104"}})); res.Status != http.StatusSeeOther {
			t.Fatalf("save two: %d %s", res.Status, res.Body)
		}
		if got := stored(); got != "440104,440106" {
			t.Errorf("stored after adding: %s", got)
		}
		if res := b.Post("/me", form(url.Values{"service_areas": {"440104"}})); res.Status != http.StatusSeeOther {
			t.Fatalf("save one: %d", res.Status)
		}
		if got := stored(); got != "440104" {
			t.Errorf("stored after removing: %s", got)
		}
		// An error on saving keeps the list and the typed values.
		res = b.Post("/me", form(url.Values{"service_areas": {"440104", "440303"}, "email": {"nope"}, "skills": {"手语"}}))
		body = string(res.Body)
		if res.Status != http.StatusUnprocessableEntity || !strings.Contains(body, "电子邮箱格式不正确") || !strings.Contains(body, `value="手语"`) ||
			!strings.Contains(body, `value="nope"`) || !strings.Contains(body, `name="service_areas" value="440303" checked`) {
			t.Errorf("error on saving: %d, typed values lost", res.Status)
		}
		if got := stored(); got != "440104" {
			t.Errorf("a refused form saved areas: %s", got)
		}
	})
}

// TestBrowserProfileAreas: on a 390×844 phone with JavaScript, the profile's area picker
// fills each level from the API; 添加 puts the district on the list with the typed
// skills kept and nothing saved; 保存资料 saves it, and unticking it and saving removes it.
func TestBrowserProfileAreas(t *testing.T) {
	hourstest.Each(t, 1, func(t *testing.T, e *hourstest.Env) {
		v := e.Volunteers[0]
		areas := func() string {
			return fmt.Sprint(dbValue[int](t, e, `SELECT COUNT(*) FROM volunteer_areas WHERE volunteer_id = ?`, v.ID),
				dbValue[int](t, e, `SELECT COUNT(*) FROM volunteer_areas WHERE volunteer_id = ? AND region_code = '440104'`, v.ID))
		}
		ctx := browsertest.New(t)
		browsertest.Login(t, ctx, e.HTTP.URL, v.Phone, hourstest.Password)
		browsertest.Open(t, ctx, e.HTTP.URL+"/me")
		if browsertest.Exists(t, ctx, "[data-region-pick]") || browsertest.Exists(t, ctx, "select[multiple]") {
			t.Error("with JavaScript the 选择 button, or a multi-select, is still there")
		}
		browsertest.Fill(t, ctx, "#skills", "摄影")
		pickRegion(t, ctx, "area_add", "440000", "440100", "440104")
		browsertest.Click(t, ctx, `button[name=add_area]`)
		if !browsertest.Exists(t, ctx, `input[name=service_areas][value="440104"]:checked`) {
			t.Fatalf("添加 did not put 越秀区 on the list: %s", browsertest.Text(t, ctx, "#service-areas"))
		}
		if s := jsValue[string](t, ctx, `document.querySelector('#skills').value`); s != "摄影" {
			t.Errorf("添加 lost the typed skills: %q", s)
		}
		if got := areas(); got != "0 0" {
			t.Errorf("添加 saved: %s", got)
		}
		browsertest.Screenshot(t, ctx, "profile-areas-added-"+e.Engine)
		browsertest.Click(t, ctx, `#edit button.save`)
		if got := areas(); got != "1 1" {
			t.Errorf("saved areas: %s, want 越秀区 alone", got)
		}
		if n := dbValue[int](t, e, `SELECT COUNT(*) FROM volunteer_skills WHERE volunteer_id = ? AND skill = '摄影'`, v.ID); n != 1 {
			t.Errorf("the typed skill was not saved")
		}
		browsertest.Open(t, ctx, e.HTTP.URL+"/me")
		if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`input[name=service_areas][value="440104"]`), chromedp.NodeVisible)); err != nil {
			t.Fatal(err)
		}
		// Enter in a text field saves (the form's first submit button), not 添加.
		if _, err := chromedp.Run(ctx, chromedp.WaitEvent(page.LoadEventFired, nil, chromedp.SendKeys(chromedp.CSS("#email"), "a@example.com\r"))); err != nil {
			t.Fatal(err)
		}
		if got := areas(); got != "0 0" {
			t.Errorf("after unticking: %s", got)
		}
		if n := dbValue[int](t, e, `SELECT COUNT(*) FROM volunteers WHERE id = ? AND email_sealed IS NOT NULL`, v.ID); n != 1 {
			t.Error("Enter in the e-mail field did not save it")
		}
	})
}
