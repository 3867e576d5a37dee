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

	"zhiyuan/internal/browsertest"
	"zhiyuan/internal/hourstest"
)

// TestBrowserCheckinShortCode: on a 390×844 phone whose camera permission is denied, 扫码签到
// says in a short sentence that the camera cannot be used and puts the cursor in the code
// box; the volunteer types the six digits the organiser's screen shows and is checked in
// (asserted in the database). Screenshots of the screen, the refusal and the result.
func TestBrowserCheckinShortCode(t *testing.T) {
	hourstest.Each(t, 1, func(t *testing.T, e *hourstest.Env) {
		ctx := browsertest.New(t)
		browsertest.Phone(t, ctx)
		v := e.Volunteers[0]
		base := e.HTTP.URL
		shot := func(name string) { browsertest.Screenshot(t, ctx, "checkin-short-"+name+"-"+e.Engine) }
		// The camera is refused; the position (the activity has a geofence) is given, 60 m
		// from the venue.
		lat, lng, acc := 23.1505, 113.3502, 20.0
		u, _ := url.Parse(base)
		origin := u.Scheme + "://" + u.Host
		err := chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			b := chromedp.FromContext(ctx).Browser
			if _, err := cdp.Call(ctx, b, browser.SetPermission, browser.SetPermissionParams{
				Permission: &browser.PermissionDescriptor{Name: "camera"}, Setting: browser.PermissionSettingDenied, Origin: origin}); err != nil {
				return err
			}
			if _, err := cdp.Call(ctx, b, browser.SetPermission, browser.SetPermissionParams{
				Permission: &browser.PermissionDescriptor{Name: "geolocation"}, Setting: browser.PermissionSettingGranted, Origin: origin}); err != nil {
				return err
			}
			_, err := cdp.Call(ctx, tg, emulation.SetGeolocationOverride, emulation.SetGeolocationOverrideParams{Latitude: &lat, Longitude: &lng, Accuracy: &acc})
			return err
		}))
		if err != nil {
			t.Fatalf("permissions: %v", err)
		}

		e.Clock.Set(hourstest.Day("08:40"))
		browsertest.Login(t, ctx, base, e.OrgPhone, hourstest.Password)
		browsertest.Open(t, ctx, fmt.Sprintf("%s/sessions/%d/checkin", base, e.Session.ID))
		shown := browsertest.Text(t, ctx, ".checkin-short strong")
		short := strings.ReplaceAll(shown, " ", "")
		if len(short) != 6 || strings.Trim(short, "0123456789") != "" {
			t.Fatalf("short code on the screen: %q", shown)
		}
		shot("1-screen")
		browsertest.Click(t, ctx, `form[action="/logout"] button`)

		browsertest.Login(t, ctx, base, v.Phone, hourstest.Password)
		browsertest.Open(t, ctx, base+"/checkin")
		// checkin.js asks for the camera, is refused, says so and focuses the box; it also
		// fills in the position. Chromium may swap the script context right after loading,
		// which ends a poll early; a new poll then runs in the new context.
		ready := `document.activeElement && document.activeElement.id === "code" &&
			document.querySelector("[data-scan-status]").textContent.indexOf("请输入现场屏幕上的签到码") >= 0 &&
			document.querySelector("input[name=lat]").value !== ""`
		for attempt := 0; attempt < 5; attempt++ {
			if _, err = chromedp.Run(ctx, chromedp.Poll[bool](ready, chromedp.WithPollingTimeout(5*time.Second))); err == nil {
				break
			}
			time.Sleep(200 * time.Millisecond)
		}
		if err != nil {
			t.Fatalf("no message with the focus in the box after the camera was denied: %v (status %q)", err,
				browsertest.Text(t, ctx, "[data-scan]"))
		}
		if msg := browsertest.Text(t, ctx, "[data-scan-status]"); !strings.Contains(msg, "未获得相机权限") {
			t.Errorf("camera message %q", msg)
		}
		// The focus is in the box: the digits go in as typed, grouped like the screen.
		if browsertest.Exists(t, ctx, "video.scan-video:not([hidden])") {
			t.Error("the camera's view is shown without a camera")
		}
		if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS("#code"), shown)); err != nil {
			t.Fatal(err)
		}
		shot("2-camera-denied")
		browsertest.Click(t, ctx, `button[value=in]`)
		if msg := browsertest.Text(t, ctx, ".notice"); msg != "签到成功" {
			t.Fatalf("check-in says %q at %s", msg, browsertest.Location(t, ctx))
		}
		shot("3-checked-in")
		a, err := e.Store.FindAttendance(t.Context(), e.Session.ID, v.ID)
		if err != nil || a.CheckinAt.IsZero() {
			t.Fatalf("no attendance in the database: %+v %v", a, err)
		}
	})
}
