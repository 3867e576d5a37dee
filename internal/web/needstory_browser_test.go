package web_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"zhiyuan"
	"zhiyuan/internal/app"
	"zhiyuan/internal/browsertest"
	"zhiyuan/internal/hourstest"
	"zhiyuan/internal/sqlstore"
)

// TestBrowserNeedStory is issue 15's whole story at a phone's size, each step through the
// pages its person uses: 天河区's admin posts a need (the region chosen with the picker),
// the organisation takes it in the dialog and publishes the activity it starts, a
// volunteer skilled in first aid finds its session in 为你推荐 with why and signs up from
// there, the session is held (check-in and -out, hours confirmed), and the community
// sees the service on the need's page and confirms it with a rating, which the
// organisation's page then shows. Screenshots need-story-* of every step.
func TestBrowserNeedStory(t *testing.T) {
	browsertest.Require(t)
	hourstest.Each(t, 0, func(t *testing.T, h *hourstest.Env) {
		base := h.HTTP.URL

		// The volunteer: lives in 天河区, first aid, free on Sunday mornings.
		v := h.AddVolunteers(1, false)[0]
		if err := h.Store.UpdateVolunteerProfile(t.Context(), v.ID, sqlstore.VolunteerProfile{Skills: []string{"急救"},
			Availability: zhiyuan.Availability{Weekdays: []int{7}, Times: []string{"morning"}}}); err != nil {
			t.Fatal(err)
		}

		// 1. The community posts the need.
		phone := h.NewPhone()
		if _, err := h.App.CreateAdmin(t.Context(), nil, app.AdminInput{Phone: phone, Name: "天河区", Password: hourstest.Password,
			Role: zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: "440106"}}); err != nil {
			t.Fatal(err)
		}
		street := browsertest.New(t)
		browsertest.Login(t, street, base, phone, hourstest.Password)
		browsertest.Open(t, street, base+"/needs/new")
		set := func(css, val string) {
			t.Helper()
			if err := chromedp.Do(street, chromedp.SetValue(chromedp.CSS(css), val)); err != nil {
				t.Fatalf("set %s: %v", css, err)
			}
		}
		// The picker opens at the admin's county; its streets are the next level.
		wushan := ""
		for _, r := range h.App.Regions.Children("440106") {
			if strings.Contains(r.Name, "五山") {
				wushan = r.Code
			}
		}
		if wushan == "" {
			t.Fatal("五山街道 not in the division data")
		}
		waitJS(t, street, "the street select", `!!document.querySelector('#region_code_4 option[value="`+wushan+`"]')`)
		set("#region_code_4", wushan)
		set("#title", "社区长者健康义诊急救保障")
		set("#category", "elderly_care")
		set("#target_group", "社区长者")
		set("#address", "天河区五山街道华工社区")
		set("#lat", "23.15")
		set("#lng", "113.35")
		set("#starts_at", "2037-03-08T09:00")
		set("#ends_at", "2037-03-08T12:00")
		set("#volunteers_wanted", "3")
		set("#skills", "急救")
		browsertest.Screenshot(t, street, "need-story-1-post-"+h.Engine)
		browsertest.Click(t, street, `form[action="/needs"] button[type=submit]:not([name=pick])`)
		if got := browsertest.Text(t, street, "h1"); got != "社区长者健康义诊急救保障" {
			t.Fatalf("after posting: %q at %s", got, browsertest.Location(t, street))
		}
		needURL := browsertest.Location(t, street)
		var needID int64
		if _, err := fmt.Sscanf(needURL[strings.Index(needURL, "/needs/"):], "/needs/%d", &needID); err != nil {
			t.Fatalf("after posting: at %s", needURL)
		}

		// 2. The organisation takes it and publishes the activity it starts.
		org := browsertest.New(t)
		browsertest.Login(t, org, base, h.OrgPhone, hourstest.Password)
		browsertest.Open(t, org, needURL)
		tap(t, org, `form[action$="/take"] button[type=submit]`)
		waitJS(t, org, "the confirmation dialog", `!!document.querySelector('dialog[open] [data-confirmation] button[type=submit]')`)
		browsertest.Screenshot(t, org, "need-story-2-take-"+h.Engine)
		browsertest.Click(t, org, `dialog[open] [data-confirmation] button[type=submit]`)
		actURL := browsertest.Location(t, org)
		var actID int64
		if _, err := fmt.Sscanf(actURL[strings.Index(actURL, "/activities/"):], "/activities/%d", &actID); err != nil {
			t.Fatalf("after taking: at %s", actURL)
		}
		browsertest.Click(t, org, fmt.Sprintf(`form[action="/activities/%d/publish"] button`, actID))
		if browsertest.Exists(t, org, fmt.Sprintf(`form[action="/activities/%d/publish"]`, actID)) {
			t.Fatalf("the activity is still a draft: %s", browsertest.Text(t, org, "main"))
		}
		browsertest.Screenshot(t, org, "need-story-3-published-"+h.Engine)
		act, err := h.Store.FindActivityByID(t.Context(), actID)
		if err != nil {
			t.Fatal(err)
		}
		if act.Status != zhiyuan.ActivityPublished || len(act.Sessions) != 1 || act.RegionCode != wushan {
			t.Fatalf("activity from the need: %s, %d sessions, region %s", act.Status, len(act.Sessions), act.RegionCode)
		}
		se := act.Sessions[0]

		// 3. The volunteer finds it in 为你推荐, with why, and signs up from there.
		vol := browsertest.New(t)
		browsertest.Login(t, vol, base, v.Phone, hourstest.Password)
		browsertest.Open(t, vol, base+"/")
		browsertest.Click(t, vol, `a[href="/me/recommendations"]`)
		link := fmt.Sprintf(`a.button[href="/activities/%d#session-%d"]`, actID, se.ID)
		if !browsertest.Exists(t, vol, link) {
			t.Fatalf("the need's session is not recommended: %s", browsertest.Text(t, vol, "main"))
		}
		reason := jsValue[string](t, vol, fmt.Sprintf(`document.querySelector('%s').closest('.recommendation').querySelector('.rec-reason').textContent`,
			strings.ReplaceAll(link, `'`, `\'`)))
		for _, want := range []string{"你擅长的急救", "周日上午你有空"} {
			if !strings.Contains(reason, want) {
				t.Errorf("reason %q lacks %q", reason, want)
			}
		}
		browsertest.Screenshot(t, vol, "need-story-4-recommended-"+h.Engine)
		browsertest.Click(t, vol, link)
		browsertest.Click(t, vol, fmt.Sprintf(`form[action="/sessions/%d/signup"] button`, se.ID))
		browsertest.Screenshot(t, vol, "need-story-5-signed-up-"+h.Engine)
		if n := countSignups(t, h, se.ID, v.ID); n != 1 {
			t.Fatalf("%d active sign-ups of the volunteer for the session", n)
		}

		// 4. The session is held: check-in, check-out, the organisation confirms the hours.
		h.Clock.Set(time.Date(2037, 3, 8, 9, 0, 0, 0, hourstest.CST))
		if res := h.Scan(v, h.Code(se.ID), "in", nil); res.Status != http.StatusCreated {
			t.Fatalf("check-in: %d %s", res.Status, res.Body)
		}
		h.Clock.Set(time.Date(2037, 3, 8, 11, 50, 0, 0, hourstest.CST))
		if res := h.Scan(v, h.Code(se.ID), "out", nil); res.Status != http.StatusOK {
			t.Fatalf("check-out: %d %s", res.Status, res.Body)
		}
		h.Clock.Set(time.Date(2037, 3, 8, 13, 0, 0, 0, hourstest.CST))
		if res := h.Do("POST", fmt.Sprintf("/api/v1/sessions/%d/hours/confirm", se.ID), h.OrgToken, nil); res.Status != http.StatusOK {
			t.Fatalf("confirm hours: %d %s", res.Status, res.Body)
		}

		// 5. The community sees it served and rates it (asked first). A day passed on the
		// test clock since the admin logged in, so they log in again.
		browsertest.Login(t, street, base, phone, hourstest.Password)
		browsertest.Open(t, street, needURL)
		fact := func(name string) string {
			return jsValue[string](t, street, `(([...document.querySelectorAll('dt')].find(d => d.textContent.trim() == '`+name+`') || {}).nextElementSibling || {}).textContent || ''`)
		}
		if got := fact("已开展场次"); strings.TrimSpace(got) != "1" {
			t.Errorf("sessions held %q, want 1", got)
		}
		n, err := h.Store.FindNeed(t.Context(), needID)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := fact("已确认时长"), zhiyuan.FormatHours(n.ConfirmedMinutes); n.ConfirmedMinutes == 0 || !strings.Contains(got, want) {
			t.Errorf("confirmed hours %q, want %s (%d minutes)", got, want, n.ConfirmedMinutes)
		}
		if !browsertest.Exists(t, street, "#rating") {
			t.Fatalf("no rating form on the need's page: %q", browsertest.Text(t, street, "main"))
		}
		set("#rating", "5")
		set("#comment", "志愿者专业又耐心")
		browsertest.Screenshot(t, street, "need-story-6-served-"+h.Engine)
		tap(t, street, `form[action$="/rating"] button[type=submit]`)
		waitJS(t, street, "the confirmation dialog", `!!document.querySelector('dialog[open] [data-confirmation] button[type=submit]')`)
		browsertest.Click(t, street, `dialog[open] [data-confirmation] button[type=submit]`)
		body := browsertest.Text(t, street, "main")
		if !strings.Contains(body, "5分：志愿者专业又耐心") || !strings.Contains(body, zhiyuan.NeedServed.Chinese()) {
			t.Fatalf("after rating: %q", body)
		}
		browsertest.Screenshot(t, street, "need-story-7-rated-"+h.Engine)
		browsertest.Login(t, org, base, h.OrgPhone, hourstest.Password)
		browsertest.Open(t, org, fmt.Sprintf("%s/orgs/%d", base, h.Org.ID))
		if body := browsertest.Text(t, org, "main"); !strings.Contains(body, "5.0 分（1 次）") {
			t.Errorf("organisation page without the rating: %q", body)
		}
		browsertest.Screenshot(t, org, "need-story-8-org-rating-"+h.Engine)
	})
}

// countSignups counts a volunteer's active sign-ups for a session, in plain SQL.
func countSignups(t *testing.T, h *hourstest.Env, sessionID, volunteerID int64) int {
	t.Helper()
	return count(t, h.Store, `SELECT COUNT(*) FROM signups WHERE session_id = ? AND volunteer_id = ? AND status IN ('pending', 'confirmed')`,
		sessionID, volunteerID)
}
