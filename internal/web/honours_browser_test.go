package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"zhiyuan"
	"zhiyuan/internal/browsertest"
	"zhiyuan/internal/hourstest"
)

// TestBrowserHonours: on a 390×844 phone, an organisation admin finds 表彰与培训 in the
// 管理 menu, grants a member an award and records a training course; the volunteer finds
// 我的荣誉 in the menu and sees both. Screenshots of each step.
func TestBrowserHonours(t *testing.T) {
	hourstest.Each(t, 1, func(t *testing.T, e *hourstest.Env) {
		v := e.Volunteers[0]
		ctx := context.Background()
		if _, err := e.Store.ApplyMembership(ctx, e.Org.ID, v.ID); err != nil {
			t.Fatal(err)
		}
		if err := e.Store.DecideMembership(ctx, e.Org.ID, v.ID, zhiyuan.MemberApproved, e.OrgAdmin, nil); err != nil {
			t.Fatal(err)
		}
		base := e.HTTP.URL
		tab := browsertest.New(t)
		browsertest.Phone(t, tab)
		browsertest.Login(t, tab, base, e.OrgPhone, hourstest.Password)
		browsertest.Open(t, tab, base+"/manage")
		page := fmt.Sprintf("/orgs/%d/honours", e.Org.ID)
		browsertest.Click(t, tab, `main a[href="`+page+`"]`)
		if !strings.HasSuffix(browsertest.Location(t, tab), page) {
			t.Fatalf("the 管理 menu leads to %s", browsertest.Location(t, tab))
		}
		browsertest.Fill(t, tab, "#a-volunteer_no", v.No)
		browsertest.Fill(t, tab, "#a-title", "优秀志愿者")
		browsertest.Fill(t, tab, "#a-certificate_no", "天青志〔2037〕5号")
		browsertest.Click(t, tab, fmt.Sprintf(`form[action="/orgs/%d/awards"] button[type=submit]`, e.Org.ID))
		if text := browsertest.Text(t, tab, "p.notice"); !strings.Contains(text, "已授予") || !strings.Contains(text, "优秀志愿者") {
			t.Fatalf("after granting: %q", text)
		}
		browsertest.Screenshot(t, tab, "phone-honours-award-"+e.Engine)
		browsertest.Fill(t, tab, "#t-volunteer_no", v.No)
		browsertest.Fill(t, tab, "#t-course", "应急救护培训")
		browsertest.Fill(t, tab, "#t-hours", "2.5")
		browsertest.Click(t, tab, fmt.Sprintf(`form[action="/orgs/%d/trainings"] button[type=submit]`, e.Org.ID))
		if text := browsertest.Text(t, tab, "p.notice"); !strings.Contains(text, "应急救护培训") {
			t.Fatalf("after recording training: %q", text)
		}
		if text := browsertest.Text(t, tab, "#trainings"); !strings.Contains(text, "应急救护培训") || !strings.Contains(text, "2.5 小时") {
			t.Errorf("training list: %s", text)
		}
		browsertest.Screenshot(t, tab, "phone-honours-training-"+e.Engine)

		vol := browsertest.New(t)
		browsertest.Phone(t, vol)
		browsertest.Login(t, vol, base, v.Phone, hourstest.Password)
		browsertest.Open(t, vol, base+"/menu")
		browsertest.Click(t, vol, `main a[href="/me/honours"]`)
		if text := browsertest.Text(t, vol, "#awards"); !strings.Contains(text, "优秀志愿者") || !strings.Contains(text, "组织级") ||
			!strings.Contains(text, e.Org.Name) || !strings.Contains(text, "天青志〔2037〕5号") {
			t.Errorf("我的荣誉 awards: %s", text)
		}
		if text := browsertest.Text(t, vol, "#training"); !strings.Contains(text, "应急救护培训") || !strings.Contains(text, "不计入志愿服务时长") {
			t.Errorf("我的荣誉 training: %s", text)
		}
		width, _ := chromedp.Run(vol, chromedp.Evaluate[float64](`document.documentElement.scrollWidth`))
		if width > browsertest.Width {
			t.Errorf("我的荣誉 is %v px wide at %d", width, browsertest.Width)
		}
		browsertest.Screenshot(t, vol, "phone-honours-mine-"+e.Engine)
	})
}
