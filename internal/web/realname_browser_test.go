package web_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"zhiyuan"
	"zhiyuan/internal/app"
	"zhiyuan/internal/browsertest"
	"zhiyuan/internal/idcard"
	"zhiyuan/internal/server/servertest"
)

// TestBrowserRealName walks issue 3 in Chromium at a phone's size: a visitor registers
// as a volunteer through the form (identity number, county picked in the select) and
// lands logged in on the profile with a volunteer number, edits skills and availability,
// logs out and back in with the volunteer number, registers an organisation in 天河区,
// the 广州 city admin approves it on the approvals page, and the registrant sees it
// approved; with a screenshot of each page.
func TestBrowserRealName(t *testing.T) {
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		const pw = "qingnian2024"
		base := e.HTTP.URL
		vol := browsertest.New(t)
		vshot := func(name string) { browsertest.Screenshot(t, vol, "realname-"+name+"-"+e.Engine) }
		phone := e.NewPhone()
		id := idcard.Generate("440106", time.Date(1995, 5, 17, 0, 0, 0, 0, time.UTC), 321, idcard.Female)

		// Registration: the form, filled as a person would.
		if status := browsertest.Open(t, vol, base+"/register"); status != http.StatusOK {
			t.Fatalf("register page: %d", status)
		}
		if h1 := browsertest.Text(t, vol, "main h1"); h1 != "志愿者注册" {
			t.Errorf("register headline %q", h1)
		}
		browsertest.Fill(t, vol, "#name", "陈思远")
		browsertest.Fill(t, vol, "#id_number", id)
		browsertest.Fill(t, vol, "#phone", phone)
		browsertest.Fill(t, vol, "#password", pw)
		if err := chromedp.Do(vol,
			chromedp.SetValue(chromedp.CSS("#political_status"), "共青团员"),
			chromedp.Click(chromedp.CSS(`input[name=categories][value=education]`), chromedp.NodeVisible),
		); err != nil {
			t.Fatal(err)
		}
		pickRegion(t, vol, "region_code", "440000", "440100", "440106")
		browsertest.Fill(t, vol, "#skills", "急救、摄影")
		vshot("register")
		browsertest.Click(t, vol, `form[action="/register"][method=post] button[type=submit]`)

		// Logged in on the profile, with the volunteer number and masked personal data.
		if loc := browsertest.Location(t, vol); !strings.Contains(loc, "/me") {
			t.Fatalf("after registering at %s: %s", loc, browsertest.Text(t, vol, "main"))
		}
		if msg := browsertest.Text(t, vol, ".notice"); !strings.Contains(msg, "注册成功") {
			t.Errorf("after registering: %q", msg)
		}
		vno := browsertest.Text(t, vol, ".vno")
		if !regexp.MustCompile(`^\d{8,}$`).MatchString(vno) || strings.Contains(id, vno) {
			t.Fatalf("volunteer number %q", vno)
		}
		if name := browsertest.Text(t, vol, ".who .me"); name != "陈思远" {
			t.Errorf("header shows %q", name)
		}
		facts := browsertest.Text(t, vol, ".vcard .facts")
		if !strings.Contains(facts, id[:3]+"***********"+id[14:]) || strings.Contains(facts, id) || !strings.Contains(facts, "1995-05-17") ||
			!strings.Contains(facts, "天河区") || !strings.Contains(facts, "急救、摄影") {
			t.Errorf("profile facts:\n%s", facts)
		}
		if strings.Contains(browsertest.Text(t, vol, "body"), phone) {
			t.Error("the profile shows the full phone number")
		}
		vshot("profile")

		// Edit the profile: one more skill, Saturday and Sunday mornings.
		browsertest.Fill(t, vol, "#edit #skills", "急救、摄影、手语")
		if err := chromedp.Do(vol,
			chromedp.Click(chromedp.CSS(`#edit input[name=weekdays][value="6"]`), chromedp.NodeVisible),
			chromedp.Click(chromedp.CSS(`#edit input[name=weekdays][value="7"]`), chromedp.NodeVisible),
			chromedp.Click(chromedp.CSS(`#edit input[name=times][value=morning]`), chromedp.NodeVisible),
		); err != nil {
			t.Fatal(err)
		}
		vshot("profile-edit")
		browsertest.Click(t, vol, `#edit button.save`)
		if msg := browsertest.Text(t, vol, ".notice"); msg != "资料已保存。" {
			t.Errorf("after saving: %q", msg)
		}
		facts = browsertest.Text(t, vol, ".vcard .facts")
		if !strings.Contains(facts, "手语") || !strings.Contains(facts, "急救") || !strings.Contains(facts, "周六、周日") || !strings.Contains(facts, "上午") {
			t.Errorf("saved profile facts:\n%s", facts)
		}
		vshot("profile-saved")

		// Log out, then back in with the volunteer number instead of the phone.
		browsertest.Click(t, vol, `form[action="/logout"] button`)
		if browsertest.Exists(t, vol, `form[action="/logout"]`) {
			t.Fatal("still logged in after 退出")
		}
		browsertest.Login(t, vol, base, vno, pw)
		browsertest.Open(t, vol, base+"/me")
		if got := browsertest.Text(t, vol, ".vno"); got != vno {
			t.Errorf("after logging in with the volunteer number /me shows %q", got)
		}

		// Register an organisation in 天河区.
		browsertest.Open(t, vol, base+"/orgs/new")
		browsertest.Fill(t, vol, "#name", "天河区青年志愿服务队")
		if err := chromedp.Do(vol,
			chromedp.SetValue(chromedp.CSS("#type"), "志愿服务队"),
		); err != nil {
			t.Fatal(err)
		}
		pickRegion(t, vol, "region_code", "440000", "440100", "440106")
		browsertest.Fill(t, vol, "#contact_name", "陈思远")
		browsertest.Fill(t, vol, "#contact_phone", phone)
		// An empty textarea has no text node for browsertest.Fill to clear: type into it.
		if err := chromedp.Do(vol, chromedp.SendKeys(chromedp.CSS("#description"), "服务天河区的社区长者和青少年，周末开展探访与课业辅导。")); err != nil {
			t.Fatal(err)
		}
		vshot("org-new")
		browsertest.Click(t, vol, `form[action="/orgs/new"] button[type=submit]`)
		m := regexp.MustCompile(`/orgs/(\d+)\?done=registered$`).FindStringSubmatch(browsertest.Location(t, vol))
		if m == nil {
			t.Fatalf("after registering the organisation at %s: %s", browsertest.Location(t, vol), browsertest.Text(t, vol, "main"))
		}
		orgID := m[1]
		if msg := browsertest.Text(t, vol, ".notice"); !strings.Contains(msg, "等待") {
			t.Errorf("after registering the organisation: %q", msg)
		}
		if st := browsertest.Text(t, vol, ".org-status"); st != "审核状态：待审核" {
			t.Errorf("new organisation status %q", st)
		}
		// Running an organisation does not take the volunteer's own pages out of the menu.
		if !browsertest.Exists(t, vol, `nav a[href="/me/card"]`) || !browsertest.Exists(t, vol, `nav a[href="/me"]`) {
			t.Error("a volunteer who registered an organisation lost 志愿者证 or 我的 from the menu")
		}
		vshot("org-pending")

		// The 广州 city admin approves it from the approvals page.
		adminPhone := e.NewPhone()
		if _, err := e.App.CreateAdmin(t.Context(), nil, app.AdminInput{Phone: adminPhone, Name: "广州市团委", Password: pw,
			Role: zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: "440100"}}); err != nil {
			t.Fatal(err)
		}
		adm := browsertest.New(t)
		browsertest.Login(t, adm, base, adminPhone, pw)
		browsertest.Click(t, adm, `nav a[href="/manage"]`) // a phone's 管理
		browsertest.Click(t, adm, `.menu-list a[href="/admin/orgs"]`)
		card := "#org-" + orgID
		if text := browsertest.Text(t, adm, card); !strings.Contains(text, "天河区青年志愿服务队") || !strings.Contains(text, "陈思远") ||
			strings.Contains(text, phone) {
			t.Fatalf("approvals card:\n%s", text)
		}
		browsertest.Screenshot(t, adm, "realname-approvals-"+e.Engine)
		confirmInDialog(t, adm, card+` form[action$="/approve"] button`)
		if msg := browsertest.Text(t, adm, ".notice"); msg != "已审核通过。" {
			t.Errorf("after approving: %q", msg)
		}
		if browsertest.Exists(t, adm, card) {
			t.Error("the approved organisation is still in the queue")
		}
		browsertest.Screenshot(t, adm, "realname-approved-"+e.Engine)

		// The registrant sees it approved, and may now manage it.
		browsertest.Open(t, vol, base+"/me/orgs")
		if text := browsertest.Text(t, vol, "main"); !strings.Contains(text, "天河区青年志愿服务队 已通过") {
			t.Errorf("my organisations:\n%s", text)
		}
		vshot("org-mine")
		browsertest.Open(t, vol, base+"/orgs/"+orgID)
		if browsertest.Exists(t, vol, ".org-status") || !browsertest.Exists(t, vol, `a[href="/orgs/`+orgID+`/members"]`) {
			t.Error("the approved organisation's page still shows a status or lacks member management")
		}
		vshot("org-approved")
	})
}
