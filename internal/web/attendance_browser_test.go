package web_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"zhiyuan"
	"zhiyuan/internal/browsertest"
	"zhiyuan/internal/hourstest"
	"zhiyuan/internal/sqlstore"
)

// TestBrowserHours: in Chromium at a phone's size, the organiser shows the session's QR
// code, a volunteer (standing at the venue, as the phone's position says) checks in and
// later out from the page the code leads to, the organiser confirms the hours with an
// evaluation, and the volunteer sees the hours and the star level they now reach; with a
// screenshot of each step.
func TestBrowserHours(t *testing.T) {
	hourstest.Each(t, 1, func(t *testing.T, e *hourstest.Env) {
		ctx := browsertest.New(t)
		v := e.Volunteers[0]
		base := e.HTTP.URL
		shot := func(name string) { browsertest.Screenshot(t, ctx, "hours-"+name+"-"+e.Engine) }
		// 98 hours of earlier confirmed service: today's 2.5 hours make the first star.
		for range 49 {
			en := &zhiyuan.HourEntry{VolunteerID: v.ID, Kind: zhiyuan.HourMakeup, Minutes: 120, OrgID: e.Org.ID, Reason: "历史记录导入", RecordedBy: e.OrgAdmin}
			if err := e.Store.AppendHourEntry(t.Context(), en, sqlstore.EntryPlace{}, &zhiyuan.HourConfirmation{ConfirmedBy: e.OrgAdmin}); err != nil {
				t.Fatal(err)
			}
		}
		// The phone stands about 60 m from the venue and lets the page read its position.
		lat, lng, acc := 23.1505, 113.3502, 20.0
		u, _ := url.Parse(base)
		err := chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			if _, err := cdp.Call(ctx, chromedp.FromContext(ctx).Browser, browser.SetPermission, browser.SetPermissionParams{
				Permission: &browser.PermissionDescriptor{Name: "geolocation"}, Setting: browser.PermissionSettingGranted,
				Origin: u.Scheme + "://" + u.Host}); err != nil {
				return err
			}
			_, err := cdp.Call(ctx, tg, emulation.SetGeolocationOverride, emulation.SetGeolocationOverrideParams{Latitude: &lat, Longitude: &lng, Accuracy: &acc})
			return err
		}))
		if err != nil {
			t.Fatalf("geolocation: %v", err)
		}
		as := func(login string) {
			if browsertest.Exists(t, ctx, `form[action="/logout"]`) {
				browsertest.Click(t, ctx, `form[action="/logout"] button`)
			}
			browsertest.Login(t, ctx, base, login, hourstest.Password)
		}
		screenCode := func() string {
			browsertest.Open(t, ctx, fmt.Sprintf("%s/sessions/%d/checkin", base, e.Session.ID))
			if !browsertest.Exists(t, ctx, "img.checkin-qr") {
				t.Fatal("no QR code on the check-in screen")
			}
			return browsertest.Text(t, ctx, ".checkin-code code")
		}
		scan := func(code, button string) {
			browsertest.Open(t, ctx, base+"/checkin?code="+url.QueryEscape(code))
			// checkin.js fills in the position before the volunteer taps. Chromium may swap
			// the page's script context right after loading ("Cannot find context"), which
			// ends a poll early; a new poll then runs in the new context.
			var err error
			for attempt := 0; attempt < 5; attempt++ {
				if _, err = chromedp.Run(ctx, chromedp.Poll[bool](`document.querySelector("input[name=lat]").value !== ""`)); err == nil {
					break
				}
				time.Sleep(200 * time.Millisecond)
			}
			if err != nil {
				t.Fatalf("the page did not get the position: %v", err)
			}
			browsertest.Click(t, ctx, fmt.Sprintf(`button[value=%s]`, button))
		}

		e.Clock.Set(hourstest.Day("08:58"))
		as(e.OrgPhone)
		code := screenCode()
		if n := browsertest.Text(t, ctx, ".checkin-counts div:nth-child(3) strong"); n != "1" {
			t.Errorf("expected volunteers on the screen: %q", n)
		}
		shot("1-screen")

		as(v.Phone)
		scan(code, "in")
		if msg := browsertest.Text(t, ctx, ".notice"); msg != "签到成功" {
			t.Fatalf("check-in says %q at %s", msg, browsertest.Location(t, ctx))
		}
		shot("2-checked-in")

		e.Clock.Set(hourstest.Day("11:45"))
		as(e.OrgPhone)
		code = screenCode()
		if n := browsertest.Text(t, ctx, ".checkin-counts div:nth-child(1) strong"); n != "1" {
			t.Errorf("present on the screen: %q", n)
		}
		shot("3-screen-one-present")
		as(v.Phone)
		scan(code, "out")
		if msg := browsertest.Text(t, ctx, ".notice"); msg != "签退成功" {
			t.Fatalf("check-out says %q", msg)
		}
		if facts := browsertest.Text(t, ctx, ".facts"); !strings.Contains(facts, "2.5 小时") {
			t.Errorf("check-out page: %s", facts)
		}
		shot("4-checked-out")

		e.Clock.Set(hourstest.Day("14:00"))
		as(e.OrgPhone)
		browsertest.Open(t, ctx, fmt.Sprintf("%s/sessions/%d/attendance", base, e.Session.ID))
		if err := chromedp.Do(ctx, chromedp.SetValue(chromedp.CSS("#rating"), "5"), chromedp.SendKeys(chromedp.CSS("#comment"), "耐心陪伴长者")); err != nil {
			t.Fatal(err)
		}
		shot("5-attendance")
		confirmInDialog(t, ctx, `button[name=all]`)
		if msg := browsertest.Text(t, ctx, ".notice"); msg != "已确认1条时长记录" {
			t.Fatalf("confirmation says %q", msg)
		}
		shot("6-confirmed")

		as(v.Phone)
		browsertest.Open(t, ctx, base+"/me/hours")
		if h := browsertest.Text(t, ctx, ".confirmed-hours"); h != "100.5" {
			t.Errorf("confirmed hours %q", h)
		}
		if s := browsertest.Text(t, ctx, ".star-level"); s != "1星志愿者" {
			t.Errorf("star level %q", s)
		}
		if s := browsertest.Text(t, ctx, ".stars"); s != "★☆☆☆☆" {
			t.Errorf("stars %q", s)
		}
		if s := browsertest.Text(t, ctx, ".to-next"); s != "199.5" {
			t.Errorf("hours to next level %q", s)
		}
		if table := browsertest.Text(t, ctx, "ul.hours-entries"); !strings.Contains(table, "社区长者探访") || !strings.Contains(table, "评价5星") {
			t.Errorf("entries table:\n%s", table)
		}
		shot("7-my-hours")
	})
}
