package web_test

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"zhiyuan/internal/browsertest"
	"zhiyuan/internal/hourstest"
)

// maxHeaderPx is how tall the header may be on a 390 px phone: one line (it was 168 px,
// three lines of twelve links, before issue 11).
const maxHeaderPx = 80

// layoutFacts measures what the eye sees of the page's frame: the header's height,
// whether the bottom tab bar shows and how many tabs it has, and the to-do list's counts
// as shown.
type layoutFacts struct {
	Header  float64        `json:"header"`
	TabBar  bool           `json:"tabbar"`
	Tabs    int            `json:"tabs"`
	Tasks   map[string]int `json:"tasks"`
	ScrollX bool           `json:"scrollx"`
}

const measureLayout = `(() => {
	const bar = document.querySelector('nav.tabbar');
	const tasks = {};
	for (const li of document.querySelectorAll('li.task')) {
		const c = li.querySelector('.task-count');
		const k = li.dataset.kind;
		tasks[k] = (tasks[k] || 0) + parseInt(c.textContent, 10);
	}
	return {
		header: document.querySelector('header.top').getBoundingClientRect().height,
		tabbar: !!bar && getComputedStyle(bar).display !== 'none' && bar.getBoundingClientRect().bottom <= innerHeight + 1,
		tabs: bar ? bar.querySelectorAll('a').length : 0,
		tasks: tasks,
		scrollx: document.documentElement.scrollWidth > innerWidth,
	};
})()`

// clearCookies logs the browser out of every account.
var clearCookies chromedp.Action[chromedp.Void] = func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
	_, err := cdp.Call(ctx, t, network.ClearBrowserCookies, cdp.Empty{})
	return chromedp.Void{}, err
}

func measure(t *testing.T, ctx context.Context) layoutFacts {
	t.Helper()
	f, err := chromedp.Run(ctx, chromedp.Evaluate[layoutFacts](measureLayout))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// TestBrowserHomePages walks the home page of each role on a 390×844 phone: the header
// keeps to one line, a volunteer has the bottom tab bar (首页 · 活动 · 签到 · 我的) and
// administrators do not, and the to-do list shows the counts the database holds; the
// 管理 and 我的 pages list the sections. Screenshots at the phone's size and a desktop's.
func TestBrowserHomePages(t *testing.T) {
	hourstest.Each(t, 3, func(t *testing.T, e *hourstest.Env) {
		w := newHomeWork(t, e)
		wantOrg, wantRegional := w.want(t)
		base := e.HTTP.URL
		// Two browsers, one for the visitor and the volunteer and one for the
		// administrators (each has two minutes, and starting Chromium is much of the
		// time on a busy machine): switching roles clears the cookies, and the wide
		// screenshots switch to a desktop's size and back.
		b := browsertest.New(t)
		shot := func(name string) { browsertest.Screenshot(t, b, "home-"+name+"-"+e.Engine) }
		as := func(login string) {
			t.Helper()
			if err := chromedp.Do(b, clearCookies); err != nil {
				t.Fatal(err)
			}
			if login != "" {
				browsertest.Login(t, b, base, login, hourstest.Password)
			}
			browsertest.Open(t, b, base+"/")
		}
		desktop := func(name string) {
			t.Helper()
			if err := chromedp.Do(b, chromedp.EmulateViewport(1280, 900)); err != nil {
				t.Fatal(err)
			}
			browsertest.Open(t, b, base+"/")
			if f := measure(t, b); f.Header > maxHeaderPx || f.TabBar {
				t.Errorf("%s on a desktop: header %.0f px, tab bar %v", name, f.Header, f.TabBar)
			}
			shot(name + "-desktop")
			if strings.HasPrefix(name, "regional") {
				// The 管理 menu opens without a script and holds the sections.
				// Opening a <details> loads no page: click without waiting for one.
				if err := chromedp.Do(b, chromedp.Click(chromedp.CSS("details.menu summary"), chromedp.NodeVisible)); err != nil {
					t.Fatal(err)
				}
				if n := browsertest.Text(t, b, "details.menu[open] .menu-panel"); !contains(n, "证件办理", "审计日志") {
					t.Errorf("管理 menu: %q", n)
				}
				shot(name + "-menu-desktop")
			}
			if err := chromedp.Do(b, chromedp.EmulateViewport(browsertest.Width, browsertest.Height,
				chromedp.EmulateScale(browsertest.Scale), chromedp.EmulateMobile)); err != nil {
				t.Fatal(err)
			}
		}

		// A visitor.
		as("")
		if f := measure(t, b); f.Header > maxHeaderPx || f.TabBar || f.ScrollX {
			t.Errorf("visitor: %+v", f)
		}
		shot("visitor")
		desktop("visitor")

		// A volunteer: the tab bar, and 我的 opens their sections.
		as(e.Volunteers[0].Phone)
		f := measure(t, b)
		if f.Header > maxHeaderPx || !f.TabBar || f.Tabs != 4 || f.ScrollX || len(f.Tasks) != 0 {
			t.Errorf("volunteer: %+v", f)
		}
		if tabs := strings.Join(strings.Fields(browsertest.Text(t, b, "nav.tabbar")), " "); tabs != "首页 活动 签到 我的" {
			t.Errorf("tab bar reads %q", tabs)
		}
		shot("volunteer")
		browsertest.Click(t, b, `nav.tabbar a[href="/menu"]`)
		if mine := browsertest.Text(t, b, "main"); !contains(mine, "我的报名", "我的时长", "志愿者证", "服务证明", "退出登录") {
			t.Errorf("我的:\n%s", mine)
		}
		shot("volunteer-menu")
		desktop("volunteer")

		// The organisation's admin: what waits, no tab bar, 管理 lists the sections.
		b = browsertest.New(t)
		as(e.OrgPhone)
		f = measure(t, b)
		if f.Header > maxHeaderPx || f.TabBar || f.ScrollX || !mapsEqual(f.Tasks, wantOrg) {
			t.Errorf("organisation admin: %+v, the database says %v", f, wantOrg)
		}
		shot("org-admin")
		browsertest.Click(t, b, `header a[href="/manage"]`)
		if manage := browsertest.Text(t, b, "main"); !contains(manage, "活动管理", "组织审核", "逾期时长") || contains(manage, "我的报名") {
			t.Errorf("管理:\n%s", manage)
		}
		shot("org-admin-manage")
		desktop("org-admin")

		// The regional admin.
		as(w.Regional)
		f = measure(t, b)
		if f.Header > maxHeaderPx || f.TabBar || f.ScrollX || !mapsEqual(f.Tasks, wantRegional) {
			t.Errorf("regional admin: %+v, the database says %v", f, wantRegional)
		}
		t.Logf("header on a 390 px phone: %.0f px; tasks %v", f.Header, f.Tasks)
		shot("regional-admin")
		desktop("regional-admin")
	})
}

// contains reports whether s holds every one of subs.
func contains(s string, subs ...string) bool {
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			return false
		}
	}
	return true
}
