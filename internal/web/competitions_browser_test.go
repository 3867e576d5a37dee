package web_test

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
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

// confirmTap taps the submit button of the data-confirm form sel and confirms in the
// dialog that asks first.
func confirmTap(t *testing.T, ctx context.Context, sel string) {
	t.Helper()
	tap(t, ctx, sel)
	waitJS(t, ctx, "the confirmation dialog", `!!document.querySelector('dialog[open] [data-confirmation] button[type=submit]')`)
	browsertest.Click(t, ctx, `dialog[open] [data-confirmation] button[type=submit]`)
}

// TestBrowserCompetitionFlow: at a phone's size, the province opens a round of 益苗计划
// through the form; an organisation drafts a project and submits it (asked first); the
// city admin passes the first review; the province adds two judges and assigns them;
// each judge scores on the rubric (asked first); the city recommends the project within
// its quota; the province records its decision in the provincial review and publishes
// the results, and the public page lists the project as funded under its track. On the
// draft's page the organisation adds a team member found by search and attaches a PDF.
// Last, the province schedules a training hosted by the organisation, a team member
// checks in with the host's code like at any activity, and the training board shows the
// team as attended. Screenshots of each step go to artifacts/screenshots/.
func TestBrowserCompetitionFlow(t *testing.T) {
	browsertest.Require(t)
	hourstest.Each(t, 1, func(t *testing.T, h *hourstest.Env) {
		h.Clock.Set(time.Now()) // the round's dates are entered from today
		base := h.HTTP.URL
		admin := func(code, name string) string {
			phone := h.NewPhone()
			if _, err := h.App.CreateAdmin(t.Context(), nil, app.AdminInput{Phone: phone, Name: name, Password: hourstest.Password,
				Role: zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: code}}); err != nil {
				t.Fatal(err)
			}
			return phone
		}
		provincePhone, cityPhone := admin("440000", "省志愿者指导中心"), admin("440100", "广州市志愿者指导中心")
		member := &zhiyuan.Volunteer{Name: "陈志愿", IDType: zhiyuan.IDResident, IDNumberMasked: "440***********001X", Phone: h.NewPhone(),
			RegionCode: "440106", BirthDate: time.Date(1990, 3, 1, 0, 0, 0, 0, time.UTC), Sex: "female"}
		if err := h.Store.CreateVolunteer(t.Context(), member, sqlstore.VolunteerSecrets{PasswordHash: "x", IDNumberIndex: "bt" + member.Phone}); err != nil {
			t.Fatal(err)
		}
		if _, err := h.Store.ApplyMembership(t.Context(), h.Org.ID, member.ID); err != nil {
			t.Fatal(err)
		}
		if err := h.Store.DecideMembership(t.Context(), h.Org.ID, member.ID, zhiyuan.MemberApproved, h.OrgAdmin, nil); err != nil {
			t.Fatal(err)
		}
		script := browsertest.AxeScript(t)
		axeClean := func(t *testing.T, ctx context.Context, what string) {
			t.Helper()
			for _, v := range browsertest.Axe(t, ctx, script) {
				if v.Blocking() {
					t.Errorf("%s: axe %s (%s) at %v", what, v.ID, v.Impact, v.Targets())
				}
			}
		}
		set := func(ctx context.Context, css, v string) {
			t.Helper()
			if err := chromedp.Do(ctx, chromedp.SetValue(chromedp.CSS(css), v)); err != nil {
				t.Fatalf("set %s: %v", css, err)
			}
		}

		// The province opens the round; the weights sum to 100 as the form suggests.
		province := browsertest.New(t)
		browsertest.Login(t, province, base, provincePhone, hourstest.Password)
		browsertest.Open(t, province, base+"/competitions/new")
		set(province, "input[name=quota_440100]", "1")
		browsertest.Screenshot(t, province, "competition-new-"+h.Engine)
		browsertest.Click(t, province, `form[action="/competitions"] button[type=submit]`)
		roundURL := browsertest.Location(t, province)
		if !strings.Contains(browsertest.Text(t, province, "h1"), "益苗计划") || !strings.Contains(roundURL, "/competitions/") {
			t.Fatalf("after creating: %s %q", roundURL, browsertest.Text(t, province, "main"))
		}
		browsertest.Screenshot(t, province, "competition-round-"+h.Engine)
		roundID := roundURL[strings.LastIndex(roundURL, "/")+1:]
		// Stages start in order and each action waits for its stage to start: the test
		// starts every stage now (each still ending on its date), as if time had passed.
		if _, err := h.Store.DB().Exec(h.Store.Rebind(`UPDATE competition_stages SET starts_at = ? WHERE competition_id = ?`),
			h.Clock.Now().Add(-time.Hour).UTC(), roundID); err != nil {
			t.Fatal(err)
		}

		// The organisation applies and submits.
		org := browsertest.New(t)
		browsertest.Login(t, org, base, h.OrgPhone, hourstest.Password)
		browsertest.Open(t, org, base+"/competitions/"+roundID+"/apply")
		set(org, "#name", "银龄陪伴计划")
		set(org, "#summary", "为社区独居老人提供每周上门陪伴")
		set(org, "#target_group", "社区独居老人")
		set(org, "#region_code", "440106")
		set(org, "#plan", "每周两次上门，每次两小时")
		set(org, "input[name=budget_item_0]", "物资")
		set(org, "input[name=budget_amount_0]", "1200.50")
		set(org, "input[name=budget_item_1]", "交通")
		set(org, "input[name=budget_amount_1]", "300")
		set(org, "#budget_total", "1500")
		browsertest.Click(t, org, `form.form button[type=submit]`)
		// The total is not the sum: the form says so by the total, keeping what was typed.
		if !browsertest.Exists(t, org, `#budget_total[aria-invalid=true]`) {
			t.Fatalf("a budget not adding up was accepted: %q", browsertest.Text(t, org, "main"))
		}
		browsertest.Screenshot(t, org, "competition-apply-error-"+h.Engine)
		set(org, "#budget_total", "1500.50")
		browsertest.Click(t, org, `form.form button[type=submit]`)
		projectURL := browsertest.Location(t, org)
		if !strings.Contains(projectURL, "/competition-projects/") {
			t.Fatalf("after drafting: at %s: %q", projectURL, browsertest.Text(t, org, "main"))
		}
		// On the draft's page: a team member found among the organisation's volunteers,
		// and a PDF attached through the upload form.
		org = browsertest.New(t) // a fresh session (browsertest.Timeout) for the rest of the organisation's steps
		browsertest.Login(t, org, base, h.OrgPhone, hourstest.Password)
		browsertest.Open(t, org, projectURL)
		set(org, "#team_q", "陈")
		browsertest.Click(t, org, `form[role=search] button[type=submit]`)
		axeClean(t, org, "the team search's results")
		set(org, `form[action$="/team"] input[name=role]`, "负责人")
		browsertest.Click(t, org, `form[action$="/team"] button[type=submit]`)
		if got := browsertest.Text(t, org, "main"); !strings.Contains(got, "陈志愿（负责人）") {
			t.Fatalf("after adding to the team: %q", got)
		}
		pdfPath := filepath.Join(t.TempDir(), "项目方案.pdf")
		if err := os.WriteFile(pdfPath, []byte("%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := chromedp.Do(org, chromedp.SetUploadFiles(chromedp.CSS(`#file`), []string{pdfPath})); err != nil {
			t.Fatal(err)
		}
		browsertest.Click(t, org, `form[action$="/attachments"] button[type=submit]`)
		if got := browsertest.Text(t, org, "main"); !strings.Contains(got, "已上传附件") || !strings.Contains(got, "项目方案.pdf") {
			t.Fatalf("after uploading: %q", got)
		}
		browsertest.Screenshot(t, org, "competition-team-attachment-"+h.Engine)
		axeClean(t, org, "the draft with its team and attachment")
		confirmTap(t, org, `form[action$="/submit"] button[type=submit]`)
		if got := browsertest.Text(t, org, "main"); !strings.Contains(got, "已提交，待初审") {
			t.Fatalf("after submitting: %q", got)
		}
		browsertest.Screenshot(t, org, "competition-submitted-"+h.Engine)
		projectID := projectURL[strings.LastIndex(projectURL, "/")+1:]
		if i := strings.Index(projectID, "?"); i >= 0 {
			projectID = projectID[:i]
		}

		// The city passes the first review.
		city := browsertest.New(t)
		browsertest.Login(t, city, base, cityPhone, hourstest.Password)
		browsertest.Open(t, city, base+"/competition-projects/"+projectID)
		confirmTap(t, city, `form[action$="/review"] button[type=submit]`)
		if got := browsertest.Text(t, city, "main"); !strings.Contains(got, "初审通过") {
			t.Fatalf("after the review: %q", got)
		}
		browsertest.Screenshot(t, city, "competition-reviewed-"+h.Engine)

		// The province adds two judges and assigns both.
		judgePhones := []string{h.NewPhone(), h.NewPhone()}
		for i, ph := range judgePhones {
			browsertest.Open(t, province, base+"/competitions/"+roundID)
			set(province, "#judge_phone", ph)
			set(province, "#judge_name", "评委"+strconv.Itoa(i+1))
			set(province, "#judge_password", "judge1234")
			browsertest.Click(t, province, `form[action$="/judges"] button[type=submit]`)
			acc, _, err := h.Store.FindAccountByPhone(t.Context(), ph)
			if err != nil {
				t.Fatalf("judge %d: %v (%q)", i, err, browsertest.Text(t, province, "main"))
			}
			browsertest.Open(t, province, base+"/competition-projects/"+projectID)
			set(province, "#judge_id", strconv.FormatInt(acc.ID, 10))
			browsertest.Click(t, province, `form[action$="/judges"] button[type=submit]`)
		}
		browsertest.Screenshot(t, province, "competition-judges-"+h.Engine)

		// Each judge scores: 9/8/8/8/8 of ten on weights 20/25/15/20/20 is 82 points; 10/10/10/10/6 is 92.
		for i, pts := range [][]string{{"9", "8", "8", "8", "8"}, {"10", "10", "10", "10", "6"}} {
			judge := browsertest.New(t)
			browsertest.Login(t, judge, base, judgePhones[i], "judge1234")
			browsertest.Open(t, judge, base+"/competition-projects/"+projectID)
			for k, v := range pts {
				set(judge, "#points_"+strconv.Itoa(k), v)
			}
			set(judge, "#score_comment", "需求清楚，团队稳定")
			confirmTap(t, judge, `form[action$="/scores"] button[type=submit]`)
			if got := browsertest.Text(t, judge, "main"); !strings.Contains(got, "评分已提交") {
				t.Fatalf("judge %d after scoring: %q", i+1, got)
			}
			browsertest.Screenshot(t, judge, "competition-scored-"+strconv.Itoa(i+1)+"-"+h.Engine)
		}

		// The city sees the ranking and recommends the project.
		browsertest.Open(t, city, base+"/competitions/"+roundID)
		if got := browsertest.Text(t, city, "main"); !strings.Contains(got, "87.00") {
			t.Fatalf("the ranking shows the mean of 82 and 92: %q", got)
		}
		browsertest.Screenshot(t, city, "competition-ranking-"+h.Engine)
		confirmTap(t, city, `form[action$="/recommendations"] button[type=submit]`)
		if got := browsertest.Text(t, city, "main"); !strings.Contains(got, "已推荐至省级") {
			t.Fatalf("after recommending: %q", got)
		}

		// The provincial review starts (as time passing would): the province records the
		// project as funded, then publishes (asked first).
		if _, err := h.Store.DB().Exec(h.Store.Rebind(`UPDATE competition_stages SET starts_at = ? WHERE competition_id = ? AND stage = ?`),
			h.Store.Now().Add(-time.Minute).UTC(), roundID, string(zhiyuan.StageProvincialReview)); err != nil {
			t.Fatal(err)
		}
		// A fresh tab: one browser session lasts browsertest.Timeout, and the province's
		// first one has been open since the round was created.
		province = browsertest.New(t)
		browsertest.Login(t, province, base, provincePhone, hourstest.Password)
		browsertest.Open(t, province, base+"/competitions/"+roundID)
		tap(t, province, `form[action$="/decisions"] input[name=result][value=funded]`)
		set(province, `form[action$="/decisions"] textarea[name=comment]`, "需求真实，团队稳定")
		browsertest.Click(t, province, `form[action$="/decisions"] button[type=submit]`)
		if got := browsertest.Text(t, province, "main"); !strings.Contains(got, "已记录：资助项目") {
			t.Fatalf("after the provincial decision: %q", got)
		}
		browsertest.Screenshot(t, province, "competition-provincial-review-"+h.Engine)
		axeClean(t, province, "the round page's provincial review")
		confirmTap(t, province, `form[action$="/results/publish"] button[type=submit]`)
		if got := browsertest.Text(t, province, "main"); !strings.Contains(got, "资助项目") || !strings.Contains(got, "银龄陪伴计划") {
			t.Fatalf("the results page at %s: %q", browsertest.Location(t, province), got)
		}
		anon := browsertest.New(t)
		browsertest.Open(t, anon, base+"/competitions/"+roundID+"/results")
		if got := browsertest.Text(t, anon, "main"); !strings.Contains(got, "助老") || !strings.Contains(got, "银龄陪伴计划") {
			t.Fatalf("the public results: %q", got)
		}
		browsertest.Screenshot(t, anon, "competition-results-"+h.Engine)

		// Training (scheduled last so the flow's browser sessions stay short; the round's stages
		// are all open): a second team member who can sign in is written directly (the team
		// editor was driven above with a member who has no password); the trainer schedules a session hosted by the
		// organisation, the member checks in with the host's rotating code like at any
		// activity, and the board shows the team as attended.
		trainee := h.Volunteers[0]
		if _, err := h.Store.DB().Exec(h.Store.Rebind(`INSERT INTO competition_team (project_id, volunteer_id, role, position) VALUES (?, ?, '成员', 1)`),
			projectID, trainee.ID); err != nil {
			t.Fatal(err)
		}
		// A fresh session for the province: each browser session is bounded in time.
		trainer := browsertest.New(t)
		browsertest.Login(t, trainer, base, provincePhone, hourstest.Password)
		browsertest.Open(t, trainer, base+"/competitions/"+roundID+"/trainings")
		at := h.Clock.Now().In(zhiyuan.Beijing)
		set(trainer, "#training_title", "项目设计与预算培训")
		set(trainer, "#training_place", "广州市天河区体育西路1号")
		set(trainer, "#training_starts", at.Add(5*time.Minute).Format("2006-01-02T15:04"))
		set(trainer, "#training_ends", at.Add(2*time.Hour).Format("2006-01-02T15:04"))
		set(trainer, "#training_host", strconv.FormatInt(h.Org.ID, 10))
		browsertest.Click(t, trainer, `form[action$="/trainings"] button[type=submit]`)
		if got := browsertest.Text(t, trainer, "main"); !strings.Contains(got, "已安排培训") || !strings.Contains(got, "待培训") {
			t.Fatalf("after scheduling the training: %q", got)
		}
		browsertest.Click(t, trainer, `a[href$="/checkin"]`)
		code := browsertest.Text(t, trainer, ".checkin-code code")
		volunteer := browsertest.New(t)
		browsertest.Login(t, volunteer, base, trainee.Phone, hourstest.Password)
		browsertest.Open(t, volunteer, base+"/checkin?code="+url.QueryEscape(code))
		browsertest.Click(t, volunteer, `button[value=in]`)
		if msg := browsertest.Text(t, volunteer, ".notice"); msg != "签到成功" {
			t.Fatalf("the team member's check-in says %q", msg)
		}
		browsertest.Open(t, trainer, base+"/competitions/"+roundID+"/trainings")
		if got := browsertest.Text(t, trainer, "main"); !strings.Contains(got, "已参加培训") {
			t.Fatalf("the board after the check-in: %q", got)
		}
		browsertest.Screenshot(t, trainer, "competition-training-"+h.Engine)
	})
}
