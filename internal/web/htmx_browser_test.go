package web_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"zhiyuan"
	"zhiyuan/internal/browsertest"
	"zhiyuan/internal/hourstest"
	"zhiyuan/internal/sqlstore"
	"zhiyuan/internal/testneed"
)

// marker is set on the page before an htmx interaction: a page loaded anew has lost it,
// so finding it afterwards proves the page changed in place.
const (
	setMarker   = `window.zhiyuanMarker = "still here"; true`
	checkMarker = `window.zhiyuanMarker === "still here"`
)

// waitJS waits up to ten seconds for the expression to be true on the tab's page, which
// may be loading a new page meanwhile (the browser's back button).
func waitJS(t *testing.T, ctx context.Context, what, expr string) {
	t.Helper()
	var err error
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		var ok bool
		if ok, err = chromedp.Run(ctx, chromedp.Evaluate[bool](expr)); err == nil && ok {
			return
		}
	}
	t.Fatalf("%s: not so after ten seconds (%v; now at %s)", what, err, browsertest.Location(t, ctx))
}

// jsValue evaluates expr on the tab's page.
func jsValue[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("%s: %v", expr, err)
	}
	return v
}

// noScripts turns JavaScript off in the tab, as for a visitor without it.
func noScripts(t *testing.T, ctx context.Context) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
		return err
	})); err != nil {
		t.Fatal(err)
	}
}

// tap clicks what css selects, without waiting for a page to load (htmx loads none).
func tap(t *testing.T, ctx context.Context, css string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(css), chromedp.NodeVisible)); err != nil {
		t.Fatalf("click %s: %v", css, err)
	}
}

// TestBrowserHTMX: where htmx saves a round trip it changes the page in place (the
// marker set on the page survives) and the database changes as asked: the search's
// results (the address follows, so back and reload work), 录用 and 不录用 on a row of a
// session's sign-up list (不录用 still asks first, in a dialog), and 标为已读 on the
// notifications with the unread count on 消息. Without JavaScript the same buttons post
// the forms and the pages come back, with the same effect in the database.
func TestBrowserHTMX(t *testing.T) {
	hourstest.Each(t, 0, func(t *testing.T, e *hourstest.Env) {
		base := e.HTTP.URL
		if !strings.Contains(string(e.Browser().Get("/activities").Body), "/static/vendor/htmx.") {
			testneed.Vendor.Missing(t, "the search page does not load htmx")
		}
		vols := e.AddVolunteers(4, false)
		signups := make([]int64, len(vols))
		for i, v := range vols {
			sg, err := e.Store.CreateSignup(t.Context(), sqlstore.SignupRequest{SessionID: e.Session.ID, ActivityID: e.Activity.ID,
				VolunteerID: v.ID, Mode: zhiyuan.SignupAdmission, StartsAt: e.Session.StartsAt, EndsAt: e.Session.EndsAt})
			if err != nil || sg.Status != zhiyuan.SignupPending {
				t.Fatalf("pending sign-up: %v %+v", err, sg)
			}
			signups[i] = sg.ID
		}
		signupStatus := func(id int64) string {
			return dbValue[string](t, e, `SELECT status FROM signups WHERE id = ?`, id)
		}
		notes := make([]int64, 3)
		for i := range notes {
			n := &zhiyuan.Notification{AccountID: vols[3].AccountID, Kind: zhiyuan.NoticeAdmitted, Title: fmt.Sprintf("报名已录用 %d", i+1),
				Body: "社区长者探访", Link: fmt.Sprintf("/activities/%d", e.Activity.ID)}
			if err := e.Store.CreateNotification(t.Context(), n); err != nil {
				t.Fatal(err)
			}
			notes[i] = n.ID
		}
		unreadInDB := func() int {
			return dbValue[int](t, e, `SELECT COUNT(*) FROM notifications WHERE account_id = ? AND read_at IS NULL`, vols[3].AccountID)
		}
		wantCount := func(keyword string) string {
			return fmt.Sprint(dbValue[int](t, e, `SELECT COUNT(*) FROM activities WHERE status = 'published' AND title LIKE ?`, "%"+keyword+"%"))
		}
		b := browsertest.NewBrowser(t, 3*time.Minute)

		t.Run("search", func(t *testing.T) {
			ctx := b.Tab(t)
			browsertest.Open(t, ctx, base+"/activities")
			jsValue[bool](t, ctx, setMarker)
			if err := chromedp.Do(ctx, chromedp.SetValue(chromedp.CSS("#search-q"), "没有这样的活动")); err != nil {
				t.Fatal(err)
			}
			tap(t, ctx, ".search-box button")
			waitJS(t, ctx, "no results shown", `!!document.querySelector('#search-results .empty')`)
			if err := chromedp.Do(ctx, chromedp.SetValue(chromedp.CSS("#search-q"), "长者")); err != nil {
				t.Fatal(err)
			}
			tap(t, ctx, ".search-box button")
			waitJS(t, ctx, "results shown", `!!document.querySelector('#search-results .activity-card')`)
			if !jsValue[bool](t, ctx, checkMarker) {
				t.Fatal("the search loaded a new page")
			}
			if got, want := browsertest.Text(t, ctx, ".result-count [data-count]"), wantCount("长者"); got != want {
				t.Errorf("count shown %q, database has %s", got, want)
			}
			loc := browsertest.Location(t, ctx)
			if !strings.Contains(loc, "q="+url.QueryEscape("长者")) {
				t.Errorf("the address does not follow the search: %s", loc)
			}
			browsertest.Screenshot(t, ctx, "htmx-search-"+e.Engine)
			// Back: the earlier search, loaded again; reload: the same search.
			if err := chromedp.Do(ctx, chromedp.NavigateBack()); err != nil {
				t.Fatal(err)
			}
			waitJS(t, ctx, "back to the first search", `location.search.includes(`+fmt.Sprintf("%q", url.QueryEscape("没有这样的活动"))+`) && !!document.querySelector('#search-results .empty')`)
			if err := chromedp.Do(ctx, chromedp.NavigateForward()); err != nil {
				t.Fatal(err)
			}
			waitJS(t, ctx, "forward to the second search", `!!document.querySelector('#search-results .activity-card')`)
			if err := chromedp.Do(ctx, chromedp.Reload()); err != nil {
				t.Fatal(err)
			}
			if got := browsertest.Text(t, ctx, ".result-count [data-count]"); got != wantCount("长者") || jsValue[string](t, ctx, `document.querySelector('#search-q').value`) != "长者" {
				t.Errorf("reloaded: count %q, box %q", got, jsValue[string](t, ctx, `document.querySelector('#search-q').value`))
			}
			// The filter panel's region picker: 越秀区 has none of the activities.
			jsValue[bool](t, ctx, setMarker)
			tap(t, ctx, "details.filter-panel > summary")
			pickRegion(t, ctx, "region", "440000", "440100", "440104")
			tap(t, ctx, ".filters > button.button")
			waitJS(t, ctx, "越秀区's results", `location.search.includes('region_3=440104') && !!document.querySelector('#search-results .empty')`)
			if !jsValue[bool](t, ctx, checkMarker) {
				t.Error("filtering by region loaded a new page")
			}
			if s := browsertest.Text(t, ctx, "details.filter-panel > summary"); s != "筛选（已选 1 项）" {
				t.Errorf("panel summary %q", s)
			}
			browsertest.Screenshot(t, ctx, "htmx-search-region-"+e.Engine)
		})

		t.Run("signups", func(t *testing.T) {
			ctx := b.Tab(t)
			browsertest.Login(t, ctx, base, e.OrgPhone, hourstest.Password)
			list := fmt.Sprintf("%s/sessions/%d/signups", base, e.Session.ID)
			browsertest.Open(t, ctx, list)
			jsValue[bool](t, ctx, setMarker)
			tap(t, ctx, fmt.Sprintf(`button[name=admit_one][value="%d"]`, signups[0]))
			waitJS(t, ctx, "the row shows the admission", fmt.Sprintf(`(document.querySelector('#signup-%d .status')||{}).textContent === '已录用'`, signups[0]))
			if st := signupStatus(signups[0]); st != "confirmed" {
				t.Errorf("admitted in place: the sign-up is %q", st)
			}
			if n := browsertest.Text(t, ctx, "#signup-list .notice"); !strings.Contains(n, "1") {
				t.Errorf("notice %q", n)
			}
			if c := browsertest.Text(t, ctx, ".session-counts"); !strings.Contains(c, "已录用 1") || !strings.Contains(c, "待录用 3") {
				t.Errorf("counts after admitting: %q", c)
			}
			// 不录用 asks first; nothing changes before the confirmation.
			tap(t, ctx, fmt.Sprintf(`button[name=reject_one][value="%d"]`, signups[1]))
			waitJS(t, ctx, "the confirmation dialog", `!!document.querySelector('dialog[open] [data-confirmation] button[type=submit]')`)
			if st := signupStatus(signups[1]); st != "pending" {
				t.Fatalf("the sign-up is %q while the dialog asks", st)
			}
			browsertest.Screenshot(t, ctx, "htmx-signups-confirm-"+e.Engine)
			tap(t, ctx, `dialog[open] [data-confirmation] button[type=submit]`)
			waitJS(t, ctx, "the row shows the refusal", fmt.Sprintf(`!document.querySelector('dialog') && (document.querySelector('#signup-%d .status')||{}).textContent === '未录用'`, signups[1]))
			if st := signupStatus(signups[1]); st != "rejected" {
				t.Errorf("refused in place: the sign-up is %q", st)
			}
			if st := signupStatus(signups[2]); st != "pending" {
				t.Errorf("a row not asked about is %q", st)
			}
			if !jsValue[bool](t, ctx, checkMarker) || browsertest.Location(t, ctx) != list {
				t.Errorf("deciding left the page (now %s)", browsertest.Location(t, ctx))
			}
			browsertest.Screenshot(t, ctx, "htmx-signups-"+e.Engine)
		})

		t.Run("notifications", func(t *testing.T) {
			ctx := b.Tab(t)
			browsertest.Login(t, ctx, base, vols[3].Phone, hourstest.Password)
			browsertest.Open(t, ctx, base+"/me/notifications")
			badge := `document.querySelector('#unread-badge').textContent`
			if got := jsValue[string](t, ctx, badge); got != "3条未读" {
				t.Fatalf("badge before: %q", got)
			}
			jsValue[bool](t, ctx, setMarker)
			tap(t, ctx, fmt.Sprintf(`#note-%d form button`, notes[1]))
			waitJS(t, ctx, "the message shows as read", fmt.Sprintf(`!document.querySelector('#note-%d').classList.contains('unread')`, notes[1]))
			if got := jsValue[string](t, ctx, badge); got != "2条未读" {
				t.Errorf("badge after one read: %q", got)
			}
			if n := unreadInDB(); n != 2 {
				t.Errorf("unread in the database: %d, want 2", n)
			}
			if read := dbValue[int](t, e, `SELECT COUNT(*) FROM notifications WHERE id = ? AND read_at IS NOT NULL`, notes[1]); read != 1 {
				t.Error("the message marked read is unread in the database")
			}
			tap(t, ctx, `#notification-list > form button`)
			waitJS(t, ctx, "every message read", `!document.querySelector('#notification-list .unread')`)
			if got := jsValue[string](t, ctx, badge); got != "" {
				t.Errorf("badge after all read: %q", got)
			}
			if n := unreadInDB(); n != 0 {
				t.Errorf("unread in the database: %d, want 0", n)
			}
			if !jsValue[bool](t, ctx, checkMarker) {
				t.Error("marking read loaded a new page")
			}
			browsertest.Screenshot(t, ctx, "htmx-notifications-"+e.Engine)
		})

		t.Run("without JavaScript", func(t *testing.T) {
			ctx := b.Tab(t)
			noScripts(t, ctx)
			browsertest.Open(t, ctx, base+"/activities")
			browsertest.Fill(t, ctx, "#search-q", "长者")
			browsertest.Click(t, ctx, ".search-box button")
			if got := browsertest.Text(t, ctx, ".result-count [data-count]"); got != wantCount("长者") || !strings.Contains(browsertest.Location(t, ctx), "q=") {
				t.Errorf("search without JavaScript: count %q at %s", got, browsertest.Location(t, ctx))
			}

			browsertest.Login(t, ctx, base, e.OrgPhone, hourstest.Password)
			browsertest.Open(t, ctx, fmt.Sprintf("%s/sessions/%d/signups", base, e.Session.ID))
			browsertest.Click(t, ctx, fmt.Sprintf(`button[name=admit_one][value="%d"]`, signups[2]))
			if st := signupStatus(signups[2]); st != "confirmed" {
				t.Errorf("admitted without JavaScript: %q", st)
			}
			if c := browsertest.Text(t, ctx, fmt.Sprintf("#signup-%d .status", signups[2])); c != "已录用" {
				t.Errorf("the list after admitting shows %q", c)
			}
			browsertest.Click(t, ctx, fmt.Sprintf(`button[name=reject_one][value="%d"]`, signups[3]))
			if !browsertest.Exists(t, ctx, "[data-confirmation]") || signupStatus(signups[3]) != "pending" {
				t.Fatalf("不录用 without JavaScript: no confirmation page (at %s), sign-up %q", browsertest.Location(t, ctx), signupStatus(signups[3]))
			}
			browsertest.Click(t, ctx, `[data-confirmation] button[type=submit]`)
			if st := signupStatus(signups[3]); st != "rejected" {
				t.Errorf("refused without JavaScript: %q", st)
			}
			if st := signupStatus(signups[2]); st != "confirmed" {
				t.Errorf("refusing one changed another: %q", st)
			}

			n := &zhiyuan.Notification{AccountID: vols[3].AccountID, Kind: zhiyuan.NoticeAdmitted, Title: "报名已录用", Body: "社区长者探访"}
			if err := e.Store.CreateNotification(t.Context(), n); err != nil {
				t.Fatal(err)
			}
			browsertest.Click(t, ctx, `form[action="/logout"] button`)
			browsertest.Login(t, ctx, base, vols[3].Phone, hourstest.Password)
			browsertest.Open(t, ctx, base+"/me/notifications")
			browsertest.Click(t, ctx, fmt.Sprintf(`#note-%d form button`, n.ID))
			if read := dbValue[int](t, e, `SELECT COUNT(*) FROM notifications WHERE id = ? AND read_at IS NOT NULL`, n.ID); read != 1 {
				t.Error("marked read without JavaScript: unread in the database")
			}
			// The refusal above told them too; 全部标为已读 reads it.
			browsertest.Click(t, ctx, `#notification-list > form button`)
			if unread := unreadInDB(); unread != 0 {
				t.Errorf("all marked read without JavaScript: %d unread", unread)
			}
			if browsertest.Exists(t, ctx, "#unread-badge .badge") {
				t.Error("the badge still shows after reading the last message")
			}
		})
	})
}
