package web_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"zhiyuan"
	"zhiyuan/internal/browsertest"
	"zhiyuan/internal/password"
	"zhiyuan/internal/server/servertest"
	"zhiyuan/internal/sqlstore"
)

// TestBrowserActivitySignup walks issue 4 in Chromium at a phone's size: an organisation's
// admin fills the new-activity form with two sessions (one of them 23:00–02:00) and
// publishes it; a volunteer searches 敬老, opens the activity, signs up for the first
// session and finds it under my sign-ups; with a screenshot of each page.
func TestBrowserActivitySignup(t *testing.T) {
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		const pw = "zhiyuan2024"
		base := e.HTTP.URL
		hash, _ := password.Hash(pw, password.Fast)
		adminPhone := e.NewPhone()
		acc := &zhiyuan.Account{Phone: adminPhone, Name: "协会管理员"}
		if err := e.Store.CreateAccount(t.Context(), acc, hash); err != nil {
			t.Fatal(err)
		}
		org := &zhiyuan.Organization{Name: "天河区青年志愿者协会", Type: "社会组织", RegionCode: "440106",
			ContactName: "李老师", ContactPhone: "13800001111", CreatedBy: acc.ID}
		if err := e.Store.CreateOrganization(t.Context(), org); err != nil {
			t.Fatal(err)
		}
		if err := e.Store.DecideOrganization(t.Context(), org.ID, zhiyuan.OrgApproved, "", acc.ID, nil); err != nil {
			t.Fatal(err)
		}
		volPhone := e.NewPhone()
		v := &zhiyuan.Volunteer{Name: "陈思远", IDType: zhiyuan.IDResident, IDNumberMasked: "440***********001X", Phone: volPhone,
			RegionCode: "440106", BirthDate: time.Date(1996, 4, 2, 0, 0, 0, 0, time.UTC), Sex: "female"}
		if err := e.Store.CreateVolunteer(t.Context(), v, sqlstore.VolunteerSecrets{PasswordHash: hash, IDNumberIndex: "br" + volPhone}); err != nil {
			t.Fatal(err)
		}
		day := func(d int) string { return e.Store.Now().In(zhiyuan.Beijing).AddDate(0, 0, d).Format("2006-01-02") }

		// The organisation's admin publishes an activity with two sessions.
		admin := browsertest.New(t)
		browsertest.Login(t, admin, base, adminPhone, pw)
		if status := browsertest.Open(t, admin, fmt.Sprintf("%s/orgs/%d/activities/new", base, org.ID)); status != http.StatusOK {
			t.Fatalf("new activity form: %d", status)
		}
		browsertest.Fill(t, admin, "#title", "天河社区敬老探访")
		pickRegion(t, admin, "region_code", "440000", "440100", "440106")
		browsertest.Fill(t, admin, "#address", "天河区五山街道颐康中心")
		browsertest.Fill(t, admin, "input[name=lat]", "23.155")
		browsertest.Fill(t, admin, "input[name=lng]", "113.35")
		if err := chromedp.Do(admin,
			chromedp.SetValue(chromedp.CSS("#description"), "陪伴社区长者聊天、读报，协助整理房间。"),
			chromedp.SetValue(chromedp.CSS("#category"), "elderly_care"),
			chromedp.SetValue(chromedp.CSS("input[name=s0_date]"), day(6)),
			chromedp.SetValue(chromedp.CSS("input[name=s0_start]"), "09:00"),
			chromedp.SetValue(chromedp.CSS("input[name=s0_end]"), "12:00"),
			chromedp.SetValue(chromedp.CSS("input[name=s0_capacity]"), "20"),
			chromedp.SetValue(chromedp.CSS("input[name=s1_date]"), day(13)),
			chromedp.SetValue(chromedp.CSS("input[name=s1_start]"), "23:00"),
			chromedp.SetValue(chromedp.CSS("input[name=s1_end]"), "02:00"),
			chromedp.SetValue(chromedp.CSS("input[name=s1_capacity]"), "10"),
			chromedp.Click(chromedp.CSS("input[name=publish]"), chromedp.NodeVisible),
		); err != nil {
			t.Fatal(err)
		}
		browsertest.Screenshot(t, admin, "activity-new-"+e.Engine)
		browsertest.Click(t, admin, `form[action$="/activities"] button[type=submit]`)
		if loc := browsertest.Location(t, admin); !strings.Contains(loc, "done=published") {
			t.Fatalf("after saving at %s: %s", loc, browsertest.Text(t, admin, "main"))
		}
		sessions := browsertest.Text(t, admin, "ul.sessions")
		if !strings.Contains(sessions, day(6)+" 09:00–12:00") || !strings.Contains(sessions, day(13)+" 23:00–次日 02:00") {
			t.Fatalf("sessions shown:\n%s", sessions)
		}
		browsertest.Screenshot(t, admin, "activity-published-"+e.Engine)

		// A volunteer finds it by a Chinese word, signs up and sees it under my sign-ups.
		vol := browsertest.New(t)
		browsertest.Login(t, vol, base, volPhone, pw)
		browsertest.Open(t, vol, base+"/activities")
		browsertest.Fill(t, vol, "input[name=q]", "敬老")
		// With htmx the results are swapped in without a new page (no load event to wait
		// for); without it the form loads the results page. Either way they show.
		if err := chromedp.Do(vol, chromedp.Click(chromedp.CSS(".search-form button[type=submit]"), chromedp.NodeVisible)); err != nil {
			t.Fatal(err)
		}
		// The unfiltered list already shows the activity, so wait for the searched one: the
		// address carries the query once the results are in (a new page, or htmx's pushed
		// URL after its swap), and read them in the same step so no later swap can
		// replace the node between finding and reading it.
		found := `(() => {
			if (!location.search.includes("q=")) return "";
			const list = document.querySelector(".activity-cards");
			return list && list.textContent.includes("天河社区敬老探访") ? list.textContent : "";
		})()`
		// Without htmx the form loads a new page, which ends a poll running in the old
		// one; poll again until the deadline.
		var list string
		var err error
		for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
			if list, err = chromedp.Run(vol, chromedp.Poll[string](found, chromedp.WithPollingTimeout(5*time.Second))); err == nil {
				break
			}
		}
		if err != nil {
			t.Fatalf("search results: %v\n%s", err, browsertest.Text(t, vol, "main"))
		}
		if !strings.Contains(list, "剩余 30 个名额") {
			t.Fatalf("search results:\n%s", list)
		}
		browsertest.Screenshot(t, vol, "activity-search-"+e.Engine)
		browsertest.Click(t, vol, ".activity-card h2 a")
		browsertest.Click(t, vol, `ul.sessions li:first-child form[action$="/signup"] button`)
		if msg := browsertest.Text(t, vol, ".notice"); !strings.Contains(msg, "报名成功") {
			t.Fatalf("after signing up: %q", msg)
		}
		if first := browsertest.Text(t, vol, "ul.sessions li:first-child"); !strings.Contains(first, "已录用") || !strings.Contains(first, "剩余 19") {
			t.Fatalf("first session after signing up:\n%s", first)
		}
		browsertest.Screenshot(t, vol, "activity-signed-up-"+e.Engine)
		browsertest.Open(t, vol, base+"/me/signups")
		mine := browsertest.Text(t, vol, "main")
		if !strings.Contains(mine, "天河社区敬老探访") || !strings.Contains(mine, day(6)+" 09:00–12:00") || !strings.Contains(mine, "已录用") {
			t.Fatalf("my sign-ups:\n%s", mine)
		}
		browsertest.Screenshot(t, vol, "activity-my-signups-"+e.Engine)

		// The admin's sign-up list shows the volunteer.
		browsertest.Click(t, admin, `ul.sessions li:first-child a[href$="/signups"]`)
		if list := browsertest.Text(t, admin, "table.list"); !strings.Contains(list, "陈思远") {
			t.Fatalf("sign-up list:\n%s", list)
		}
		browsertest.Screenshot(t, admin, "activity-signup-list-"+e.Engine)
	})
}
