package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"zhiyuan"
	"zhiyuan/internal/browsertest"
	"zhiyuan/internal/hourstest"
)

// noShow marks the first volunteer's morning seat as a no-show, as the organiser, once
// the session has begun.
func noShow(t *testing.T, e *hourstest.Env) int64 {
	t.Helper()
	e.Clock.Set(hourstest.Day("09:30"))
	list, err := e.Store.FindVolunteerActivitySignups(t.Context(), e.Volunteers[0].ID, e.Activity.ID)
	if err != nil || list[e.Session.ID] == nil {
		t.Fatalf("sign-up: %v", err)
	}
	if res := e.Do("POST", fmt.Sprintf("/api/v1/signups/%d/no-show", list[e.Session.ID].ID), e.OrgToken, nil); res.Status != http.StatusOK {
		t.Fatalf("no-show: %d %s", res.Status, res.Body)
	}
	marks, err := e.Store.FindCreditMarks(t.Context(), e.Volunteers[0].ID)
	if err != nil || len(marks) != 1 {
		t.Fatalf("marks: %d %v", len(marks), err)
	}
	return marks[0].ID
}

// typeInto types into an empty field (browsertest.Fill clears first, which an empty
// textarea refuses).
func typeInto(t *testing.T, ctx context.Context, css, value string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS(css), value, chromedp.NodeVisible)); err != nil {
		t.Fatalf("type into %s: %v", css, err)
	}
}

// TestBrowserCredit: on a 390×844 phone, a volunteer with a no-show sees it on 我的信用
// with the rules, appeals it (the confirmation opens in a dialog), and the organiser
// waives it from the session's sign-up list; with a screenshot of each step.
func TestBrowserCredit(t *testing.T) {
	hourstest.Each(t, 1, func(t *testing.T, e *hourstest.Env) {
		ctx := browsertest.New(t)
		base := e.HTTP.URL
		shot := func(name string) { browsertest.Screenshot(t, ctx, "credit-"+name+"-"+e.Engine) }
		mark := noShow(t, e)
		v := e.Volunteers[0]

		browsertest.Login(t, ctx, base, v.Phone, hourstest.Password)
		browsertest.Open(t, ctx, base+"/me/credit")
		if got := browsertest.Text(t, ctx, ".credit-marks .entry-head"); !strings.Contains(got, "缺席") || !strings.Contains(got, "有效") {
			t.Fatalf("my credit lists %q", got)
		}
		if rules := browsertest.Text(t, ctx, ".credit-rules"); !strings.Contains(rules, "90 天内累计 3 次记录，暂停报名 30 天") {
			t.Fatalf("rules: %q", rules)
		}
		shot("1-mine")
		browsertest.Click(t, ctx, fmt.Sprintf(`a[href="/credit-marks/%d"]`, mark))
		typeInto(t, ctx, "#appeal-reason", "当天组织方临时更改集合地点，未通知到我")
		confirmInDialog(t, ctx, `form[action$="/appeal"] button[type=submit]`)
		if got := browsertest.Text(t, ctx, ".appeal-state"); got != "申诉处理中" {
			t.Fatalf("after the appeal: %q at %s", got, browsertest.Location(t, ctx))
		}
		shot("2-appealed")

		browsertest.Click(t, ctx, `form[action="/logout"] button`)
		browsertest.Login(t, ctx, base, e.OrgPhone, hourstest.Password)
		browsertest.Open(t, ctx, fmt.Sprintf("%s/sessions/%d/signups", base, e.Session.ID))
		browsertest.Click(t, ctx, fmt.Sprintf(`a.mark-link[href="/credit-marks/%d"]`, mark))
		typeInto(t, ctx, "#waive-reason", "核实集合地点变更未通知，撤销")
		shot("3-waive-form")
		confirmInDialog(t, ctx, `form[action$="/waive"] button[type=submit]`)
		if got := browsertest.Text(t, ctx, ".mark-status"); got != "已撤销" {
			t.Fatalf("after the waiver: %q", got)
		}
		shot("4-waived")
	})
}

// TestCreditPages: the pages without JavaScript. A reason left blank comes back on the
// form, tied to its input; the confirmation page says what the action does before
// anything changes; the region's queue lists the appeal; the organisation's insurance
// page records a policy and names a bad date.
func TestCreditPages(t *testing.T) {
	t.Parallel()
	hourstest.Each(t, 1, func(t *testing.T, e *hourstest.Env) {
		mark := noShow(t, e)
		v := e.Browser()
		v.Login(e.Volunteers[0].Phone, hourstest.Password)
		page := fmt.Sprintf("/credit-marks/%d", mark)
		res := v.Post(page+"/appeal", url.Values{"reason": {" "}, "confirm": {"1"}})
		body := string(res.Body)
		if res.Status != http.StatusUnprocessableEntity || !strings.Contains(body, `aria-invalid="true"`) || !strings.Contains(body, "err-reason") {
			t.Fatalf("blank reason: %d %s", res.Status, body)
		}
		res = v.Post(page+"/appeal", url.Values{"reason": {"地点变更未通知"}})
		if res.Status != http.StatusOK || !strings.Contains(string(res.Body), "提交后不能修改或撤回") || !strings.Contains(string(res.Body), "地点变更未通知") {
			t.Fatalf("confirmation: %d %s", res.Status, res.Body)
		}
		if got := v.Get("/me/credit"); !strings.Contains(string(got.Body), "查看与申诉") {
			t.Fatalf("the confirmation page changed something: %s", got.Body)
		}
		if res := v.Post(page+"/appeal", url.Values{"reason": {"地点变更未通知"}, "confirm": {"1"}}); res.Status != http.StatusSeeOther {
			t.Fatalf("appeal: %d %s", res.Status, res.Body)
		}
		if res := v.Get(page); !strings.Contains(string(res.Body), "申诉处理中") {
			t.Fatalf("after the appeal: %d %s", res.Status, res.Body)
		}

		regional := browserAs(t, e.Env, orgPageAdmin(t, e.Env, zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: "440100"}))
		if res := regional.Get("/admin/credit-appeals"); !strings.Contains(string(res.Body), fmt.Sprintf(`href="/credit-marks/%d"`, mark)) {
			t.Fatalf("appeals queue: %d %s", res.Status, res.Body)
		}

		org := e.Browser()
		org.Login(e.OrgPhone, hourstest.Password)
		day := hourstest.Day("09:00").Add(10 * 24 * time.Hour).Format("2006-01-02")
		res = org.Post(fmt.Sprintf("/orgs/%d/insurance", e.Org.ID), url.Values{"insurer": {"中国人寿"}, "policy_no": {"GZ-2037-9"},
			"cover_start": {day}, "cover_end": {"2037-02-30"}, "all_activities": {"1"}})
		if res.Status != http.StatusUnprocessableEntity || !strings.Contains(string(res.Body), "err-cover_end") || !strings.Contains(string(res.Body), `value="GZ-2037-9"`) {
			t.Fatalf("bad date: %d %s", res.Status, res.Body)
		}
		// The insured list by volunteer number: an unknown number is named and the list kept.
		res = org.Post(fmt.Sprintf("/orgs/%d/insurance", e.Org.ID), url.Values{"insurer": {"中国人寿"}, "policy_no": {"GZ-2037-9"},
			"cover_start": {day}, "cover_end": {day}, "all_activities": {"1"}, "insured_nos": {e.Volunteers[0].No + "\nV0000000000X"}})
		if body := string(res.Body); res.Status != http.StatusUnprocessableEntity || !strings.Contains(body, "err-insured_nos") ||
			!strings.Contains(body, "V0000000000X") || !strings.Contains(body, e.Volunteers[0].No) {
			t.Fatalf("unknown insured number: %d %s", res.Status, body)
		}
		res = org.Post(fmt.Sprintf("/orgs/%d/insurance", e.Org.ID), url.Values{"insurer": {"中国人寿"}, "policy_no": {"GZ-2037-9"},
			"cover_start": {day}, "cover_end": {day}, "all_activities": {"1"}, "insured_nos": {" " + strings.ToLower(e.Volunteers[0].No) + "\n"}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("policy: %d %s", res.Status, res.Body)
		}
		if res = org.Get(res.Header.Get("Location")); !strings.Contains(string(res.Body), "保单已登记") || !strings.Contains(string(res.Body), "GZ-2037-9") ||
			!strings.Contains(string(res.Body), "限名单内 1 人") {
			t.Fatalf("policy: %d %s", res.Status, res.Body)
		}
	})
}
