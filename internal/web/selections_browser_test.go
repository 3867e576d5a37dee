package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"zhiyuan"
	"zhiyuan/internal/app"
	"zhiyuan/internal/browsertest"
	"zhiyuan/internal/password"
	"zhiyuan/internal/server/servertest"
	"zhiyuan/internal/sqlstore"
)

// TestBrowserNominateConsentReviewLike: at a phone's size, a district's admin nominates a
// volunteer through the form; the volunteer consents on 我的提名; the district and then
// the city approve on the nomination's page; a volunteer likes the published candidate
// on the public list and sees the count; a second tap the same day is refused on the
// candidate's page. Screenshots of each step go to artifacts/screenshots/.
func TestBrowserNominateConsentReviewLike(t *testing.T) {
	browsertest.Require(t)
	script := browsertest.AxeScript(t)
	// axeClean fails the test on a critical or serious accessibility problem of the page.
	axeClean := func(t *testing.T, ctx context.Context, what string) {
		t.Helper()
		for _, v := range browsertest.Axe(t, ctx, script) {
			if v.Blocking() {
				t.Errorf("%s: axe %s (%s) at %v", what, v.ID, v.Impact, v.Targets())
			}
		}
	}
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		ctx := context.Background()
		base := e.HTTP.URL
		const pw = "test1234"
		admin := func(region, name string) (string, int64) {
			phone := e.NewPhone()
			acc, err := e.App.CreateAdmin(ctx, nil, app.AdminInput{Phone: phone, Name: name, Password: pw,
				Role: zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: region}})
			if err != nil {
				t.Fatal(err)
			}
			return phone, acc.ID
		}
		cityPhone, cityID := admin("440100", "广州市")
		districtPhone, _ := admin("440106", "天河区")
		c := &zhiyuan.Campaign{Name: "学雷锋志愿服务月", StartsOn: "2026-03-01", EndsOn: "2026-03-31", RegionCode: "440100", CreatedBy: cityID}
		if err := e.Store.CreateCampaign(ctx, c); err != nil {
			t.Fatal(err)
		}
		now := time.Now()
		if _, err := e.App.CreateSelection(ctx, &zhiyuan.Principal{AccountID: cityID, Roles: []zhiyuan.Role{{Kind: zhiyuan.RoleRegional, RegionCode: "440100"}}},
			c.ID, app.SelectionInput{Categories: []zhiyuan.SelectionCategory{zhiyuan.SelVolunteer, zhiyuan.SelCommunity},
				NominateFrom: now.Add(-time.Hour), NominateUntil: now.Add(24 * time.Hour), VoteFrom: now.Add(-time.Hour), VoteUntil: now.Add(48 * time.Hour)}); err != nil {
			t.Fatal(err)
		}
		hash, _ := password.Hash(pw, password.Fast)
		vols := []sqlstore.BulkVolunteer{}
		for i, name := range []string{"陈雷锋", "王点赞"} {
			vols = append(vols, sqlstore.BulkVolunteer{Volunteer: &zhiyuan.Volunteer{Name: name, IDType: zhiyuan.IDResident, IDNumberMasked: "440***********123X",
				Phone: e.NewPhone(), RegionCode: "440106", BirthDate: time.Date(1990, 5, 1, 0, 0, 0, 0, time.UTC), Sex: "male"},
				Secrets: sqlstore.VolunteerSecrets{PasswordHash: hash, IDNumberIndex: fmt.Sprintf("br%d", i)}})
		}
		if err := e.Store.BulkCreateVolunteers(ctx, vols); err != nil {
			t.Fatal(err)
		}
		nominee, liker := vols[0].Volunteer, vols[1].Volunteer
		if _, err := e.Store.DB().Exec(e.Store.Rebind(`UPDATE accounts SET created_at = ? WHERE id = ?`), now.Add(-48*time.Hour).UTC(), liker.AccountID); err != nil {
			t.Fatal(err)
		}

		district := browsertest.New(t)
		browsertest.Login(t, district, base, districtPhone, pw)
		if st := browsertest.Open(t, district, fmt.Sprintf("%s/campaigns/%d/nominate", base, c.ID)); st != 200 {
			t.Fatalf("nominate page: %d %s", st, browsertest.Text(t, district, "main"))
		}
		set := func(ctx context.Context, css, v string) {
			t.Helper()
			if err := chromedp.Do(ctx, chromedp.SetValue(chromedp.CSS(css), v)); err != nil {
				t.Fatalf("set %s: %v", css, err)
			}
		}
		set(district, "#category", "volunteer")
		set(district, "#volunteer_no", nominee.VolunteerNo)
		set(district, "#story", "十年来每周到社区长者饭堂帮厨，组织邻里互助队照看独居老人。")
		browsertest.Screenshot(t, district, "selection-nominate-"+e.Engine)
		axeClean(t, district, "the nomination form")
		browsertest.Click(t, district, `form[action$="/nominations"] button[type=submit]`)
		if got := browsertest.Text(t, district, "h1"); got != nominee.Name {
			t.Fatalf("after nominating: %q at %s", got, browsertest.Location(t, district))
		}
		nomURL := browsertest.Location(t, district)
		nomURL = nomURL[:strings.Index(nomURL, "?")]

		vol := browsertest.New(t)
		browsertest.Login(t, vol, base, nominee.Phone, pw)
		browsertest.Open(t, vol, base+"/me/nominations")
		browsertest.Screenshot(t, vol, "selection-consent-"+e.Engine)
		axeClean(t, vol, "我的提名")
		browsertest.Click(t, vol, `form[action$="/consent"] input[value=yes] ~ button[type=submit]`)
		if body := browsertest.Text(t, vol, "main"); !strings.Contains(body, "已同意提名") {
			t.Fatalf("after consenting: %q", body)
		}

		browsertest.Open(t, district, base+"/nominations/review")
		browsertest.Click(t, district, `main a[href^="/nominations/"]:not([href="/nominations/review"])`)
		browsertest.Click(t, district, `form[action$="/review"] button[type=submit]`)
		if body := browsertest.Text(t, district, "main"); !strings.Contains(body, "已审核：通过") {
			t.Fatalf("district's review: %q", body)
		}
		city := browsertest.New(t)
		browsertest.Login(t, city, base, cityPhone, pw)
		browsertest.Open(t, city, nomURL)
		browsertest.Screenshot(t, city, "selection-review-"+e.Engine)
		axeClean(t, city, "the nomination's review page")
		browsertest.Click(t, city, `form[action$="/review"] button[type=submit]`)

		fan := browsertest.New(t)
		browsertest.Login(t, fan, base, liker.Phone, pw)
		browsertest.Open(t, fan, fmt.Sprintf("%s/campaigns/%d/candidates", base, c.ID))
		browsertest.Click(t, fan, `form[action$="/like"] button[type=submit]`)
		if got := browsertest.Text(t, fan, "strong.likes"); got != "1" {
			t.Fatalf("count after the like: %q", got)
		}
		if body := browsertest.Text(t, fan, "main"); !strings.Contains(body, "点赞成功") || !strings.Contains(body, "今天已点赞") {
			t.Fatalf("after liking: %q", body)
		}
		browsertest.Screenshot(t, fan, "selection-liked-"+e.Engine)
		axeClean(t, fan, "the candidate list")
		browsertest.Open(t, fan, nomURL)
		if got := browsertest.Text(t, fan, "#likes"); got != "1" {
			t.Fatalf("candidate page count: %q", got)
		}
		browsertest.Screenshot(t, fan, "selection-candidate-"+e.Engine)
		axeClean(t, fan, "the candidate's page")
		for _, path := range []string{"/campaigns/%d/likes/report", "/campaigns/%d/results", "/campaigns/%d/selection/new"} {
			browsertest.Open(t, city, fmt.Sprintf(base+path, c.ID))
			axeClean(t, city, path)
		}
		browsertest.Open(t, district, base+"/nominations/review")
		axeClean(t, district, "the review queue")
	})
}
