package web_test

import (
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"zhiyuan"
	"zhiyuan/internal/password"
	"zhiyuan/internal/server/servertest"
)

// formDefaults reads what a browser would send for a page's form as it first shows:
// every input's value (ticked boxes and radios only) and every select's chosen option.
func formDefaults(body string) url.Values {
	v := url.Values{}
	attr := func(tag, name string) (string, bool) {
		m := regexp.MustCompile(`\s` + name + `="([^"]*)"`).FindStringSubmatch(tag)
		if m == nil {
			return "", false
		}
		return html.UnescapeString(m[1]), true
	}
	for _, tag := range regexp.MustCompile(`<input[^>]*>`).FindAllString(body, -1) {
		name, ok := attr(tag, "name")
		if !ok {
			continue
		}
		typ, _ := attr(tag, "type")
		if (typ == "checkbox" || typ == "radio") && !strings.Contains(tag, " checked") {
			continue
		}
		value, _ := attr(tag, "value")
		v.Add(name, value)
	}
	for _, m := range regexp.MustCompile(`(?s)<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>`).FindAllStringSubmatch(body, -1) {
		if sel := regexp.MustCompile(`<option value="([^"]*)" selected>`).FindStringSubmatch(m[2]); sel != nil {
			v.Set(m[1], sel[1])
		} else if first := regexp.MustCompile(`<option value="([^"]*)"`).FindStringSubmatch(m[2]); first != nil {
			v.Set(m[1], first[1])
		}
	}
	return v
}

// TestActivityFormDefaults publishes an activity from the form as it first shows plus
// only what must be typed: no default fails the checks; the district is asked for, not
// assumed, and chosen through the picker without JS; a check-in radius without
// coordinates is reported once, beside its field.
func TestActivityFormDefaults(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		phone := e.NewPhone()
		hash, _ := password.Hash("test1234", password.Fast)
		acc := &zhiyuan.Account{Phone: phone, Name: "组织管理员"}
		if err := e.Store.CreateAccount(t.Context(), acc, hash); err != nil {
			t.Fatal(err)
		}
		// An organisation of the whole city: the activity's district is the form's question.
		o := &zhiyuan.Organization{Name: "广州市志愿者协会" + phone[len(phone)-2:], Type: "社会组织", RegionCode: "440100",
			ContactName: "李老师", ContactPhone: "13800001111", CreatedBy: acc.ID}
		if err := e.Store.CreateOrganization(t.Context(), o); err != nil {
			t.Fatal(err)
		}
		if err := e.Store.DecideOrganization(t.Context(), o.ID, zhiyuan.OrgApproved, "", acc.ID, nil); err != nil {
			t.Fatal(err)
		}
		b := e.Browser()
		b.Login(phone, "test1234")
		newPath := fmt.Sprintf("/orgs/%d/activities/new", o.ID)
		page := b.Get(newPath)
		if page.Status != http.StatusOK {
			t.Fatalf("new form: %d", page.Status)
		}
		form := formDefaults(string(page.Body))
		if got := form.Get("region_code_2"); got != "440100" {
			t.Errorf("the picker starts at %q, want the organisation's city", got)
		}
		if got := form.Get("region_code_3"); got != "" {
			t.Errorf("a district is chosen before anybody chose one: %q", got)
		}
		if strings.Contains(string(page.Body), `value="440103" selected`) {
			t.Error("荔湾区 is still the silent default")
		}
		form.Del("pick")

		day := e.Store.Now().In(zhiyuan.Beijing).AddDate(0, 0, 7).Format("2006-01-02")
		form.Set("title", "社区长者探访")
		form.Set("category", "elderly_care")
		form.Set("address", "天河区五山街道颐康中心")
		form.Set("s0_date", day)
		form.Set("s0_start", "09:00")
		form.Set("s0_end", "12:00")
		form.Set("s0_capacity", "20")
		form.Set("publish", "1")

		// Without a district the form asks for one and keeps what was typed.
		res := b.Post(fmt.Sprintf("/orgs/%d/activities", o.ID), form)
		if body := string(res.Body); res.Status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="err-region_code"`) ||
			!strings.Contains(body, `value="社区长者探访"`) {
			t.Fatalf("without a district: %d", res.Status)
		}

		// The 选择 button (no JS) shows the streets of the district, nothing saved.
		form.Set("region_code_3", "440106")
		form.Set("pick", "region_code")
		res = b.Post(fmt.Sprintf("/orgs/%d/activities", o.ID), form)
		if body := string(res.Body); res.Status != http.StatusOK || !strings.Contains(body, `name="region_code_4"`) ||
			!strings.Contains(body, "五山街道") || !strings.Contains(body, `value="社区长者探访"`) || strings.Contains(body, "field-error") {
			t.Fatalf("choosing the district: %d %s", res.Status, body)
		}
		form.Del("pick")

		// A radius without coordinates: one message, beside the field.
		form.Set("checkin_radius_m", "200")
		res = b.Post(fmt.Sprintf("/orgs/%d/activities", o.ID), form)
		msg := zhiyuan.Text("activity.checkin_radius_needs_coords")
		if body := string(res.Body); res.Status != http.StatusUnprocessableEntity || strings.Count(body, msg) != 1 ||
			!strings.Contains(body, `id="err-checkin_radius_m"`) {
			t.Errorf("radius without coordinates: %d, message shown %d times", res.Status, strings.Count(body, msg))
		}

		// The defaults as they were: published.
		form.Set("checkin_radius_m", "")
		res = b.Post(fmt.Sprintf("/orgs/%d/activities", o.ID), form)
		if res.Status != http.StatusSeeOther || !strings.Contains(res.Header.Get("Location"), "done=published") {
			t.Fatalf("publishing with the defaults: %d %s", res.Status, res.Body)
		}
		var region string
		var radius int
		if err := e.Store.DB().QueryRowContext(t.Context(), e.Store.Rebind(`SELECT region_code, checkin_radius_m FROM activities WHERE org_id = ?`), o.ID).Scan(&region, &radius); err != nil {
			t.Fatal(err)
		}
		if region != "440106" || radius != 0 {
			t.Errorf("saved region %s radius %d, want 440106 and no radius", region, radius)
		}
	})
}
