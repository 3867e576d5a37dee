package web_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"html"
	"image"
	"image/png"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"zhiyuan/internal/browsertest"
	"zhiyuan/internal/hourstest"
	"zhiyuan/internal/testneed"
)

// screenQR is the QR code image of the organiser's check-in screen.
var screenQR = regexp.MustCompile(`class="checkin-qr" src="data:image/png;base64,([^"]+)"`)

// writeY4M writes img, black on white, in the middle of a 640×480 video of a few
// identical frames (YUV4MPEG2, 4:2:0), the file Chromium's fake camera films
// (--use-file-for-fake-video-capture; it plays the file in a loop).
func writeY4M(t *testing.T, img image.Image, path string) {
	t.Helper()
	const w, h, side = 640, 480, 440
	luma := bytes.Repeat([]byte{235}, w*h) // white
	b := img.Bounds()
	x0, y0 := (w-side)/2, (h-side)/2
	for y := 0; y < side; y++ {
		for x := 0; x < side; x++ {
			// Nearest neighbour: the modules stay sharp-edged.
			r, g, bl, _ := img.At(b.Min.X+x*b.Dx()/side, b.Min.Y+y*b.Dy()/side).RGBA()
			if (r+g+bl)/3 < 0x8000 {
				luma[(y0+y)*w+x0+x] = 16 // black
			}
		}
	}
	chroma := bytes.Repeat([]byte{128}, w*h/4) // no colour
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	out := bufio.NewWriter(f)
	fmt.Fprintf(out, "YUV4MPEG2 W%d H%d F10:1 Ip A1:1 C420jpeg\n", w, h)
	for range 5 {
		out.WriteString("FRAME\n")
		out.Write(luma)
		out.Write(chroma)
		out.Write(chroma)
	}
	if err := out.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// grant sets the tab's permission name for the site at base to setting, in the tab's own
// browser context.
func grant(ctx context.Context, base, name string, setting browser.PermissionSetting) chromedp.Action[chromedp.Void] {
	u, _ := url.Parse(base)
	return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		c := chromedp.FromContext(ctx)
		_, err := cdp.Call(ctx, c.Browser, browser.SetPermission, browser.SetPermissionParams{
			Permission: &browser.PermissionDescriptor{Name: name}, Setting: setting, Origin: u.Scheme + "://" + u.Host,
			BrowserContextID: c.BrowserContextID})
		return err
	})
}

// TestBrowserCheckinCamera: 扫码签到 on a 390×844 phone whose camera (Chromium's fake
// one) films the organiser's check-in QR code, taken from the screen's page: the page
// opens the camera by itself, jsQR reads the code, fills it in, and 签到 checks the
// volunteer in (asserted in the database). On a phone with the same camera whose
// permission is refused, the page says so, puts the cursor in the box, and the code
// typed by hand checks the second volunteer in. (TestBrowserCheckinShortCode refuses
// the camera of a phone without one.)
func TestBrowserCheckinCamera(t *testing.T) {
	hourstest.Each(t, 2, func(t *testing.T, e *hourstest.Env) {
		base := e.HTTP.URL
		if !strings.Contains(string(e.Browser().Get("/static/vendor/jsQR.js").Body), "jsQR") {
			testneed.Vendor.Missing(t, "jsQR is not in the static folder")
		}
		e.Clock.Set(hourstest.Day("08:40"))
		org := e.Browser()
		org.Login(e.OrgPhone, hourstest.Password)
		m := screenQR.FindSubmatch(org.Get(fmt.Sprintf("/sessions/%d/checkin", e.Session.ID)).Body)
		if m == nil {
			t.Fatal("no QR code on the organiser's check-in screen")
		}
		raw, err := base64.StdEncoding.DecodeString(html.UnescapeString(string(m[1])))
		if err != nil {
			t.Fatal(err)
		}
		qr, err := png.Decode(bytes.NewReader(raw))
		if err != nil {
			t.Fatal(err)
		}
		video := filepath.Join(t.TempDir(), "screen.y4m")
		writeY4M(t, qr, video)
		b := browsertest.NewBrowserFlags(t, 3*time.Minute, map[string]any{
			"use-fake-ui-for-media-stream":     true, // the camera's permission prompt answers yes
			"use-fake-device-for-media-stream": true,
			"use-file-for-fake-video-capture":  video,
		})
		// The phones stand 60 m from the venue, which has a geofence.
		lat, lng, acc := 23.1505, 113.3502, 20.0
		// The refusing phone is a browser of its own: the fake prompt of the first says yes
		// to everything, even to a permission set to refuse.
		refusing := browsertest.NewBrowserFlags(t, 3*time.Minute, map[string]any{
			"use-fake-device-for-media-stream": true,
			"use-file-for-fake-video-capture":  video,
		})
		phone := func(t *testing.T, camera browser.PermissionSetting) context.Context {
			ctx := b.Tab(t)
			if camera == browser.PermissionSettingDenied {
				ctx = refusing.Tab(t)
			}
			if err := chromedp.Do(ctx, grant(ctx, base, "geolocation", browser.PermissionSettingGranted), grant(ctx, base, "camera", camera),
				chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
					_, err := cdp.Call(ctx, tg, emulation.SetGeolocationOverride, emulation.SetGeolocationOverrideParams{Latitude: &lat, Longitude: &lng, Accuracy: &acc})
					return err
				})); err != nil {
				t.Fatalf("permissions: %v", err)
			}
			return ctx
		}
		checkedIn := func(t *testing.T, v hourstest.Volunteer) {
			t.Helper()
			a, err := e.Store.FindAttendance(t.Context(), e.Session.ID, v.ID)
			if err != nil || a.CheckinAt.IsZero() {
				t.Fatalf("no check-in in the database: %+v %v", a, err)
			}
		}

		t.Run("camera reads the QR", func(t *testing.T) {
			v := e.Volunteers[0]
			ctx := phone(t, browser.PermissionSettingGranted)
			browsertest.Login(t, ctx, base, v.Phone, hourstest.Password)
			browsertest.Open(t, ctx, base+"/checkin")
			waitJS(t, ctx, "the code read from the camera", `document.querySelector("#code").value !== "" &&
				document.querySelector("[data-scan-status]").textContent.includes("已读取签到码") &&
				document.querySelector("input[name=lat]").value !== ""`)
			if code := jsValue[string](t, ctx, `document.querySelector("#code").value`); code != e.Code(e.Session.ID) {
				t.Errorf("the camera read %q, the screen shows %q", code, e.Code(e.Session.ID))
			}
			browsertest.Screenshot(t, ctx, "checkin-camera-read-"+e.Engine)
			browsertest.Click(t, ctx, `button[value=in]`)
			if msg := browsertest.Text(t, ctx, ".notice"); msg != "签到成功" {
				t.Fatalf("check-in says %q", msg)
			}
			checkedIn(t, v)
		})

		t.Run("camera refused", func(t *testing.T) {
			v := e.Volunteers[1]
			ctx := phone(t, browser.PermissionSettingDenied)
			browsertest.Login(t, ctx, base, v.Phone, hourstest.Password)
			browsertest.Open(t, ctx, base+"/checkin")
			waitJS(t, ctx, "the refusal said, the cursor in the box", `document.activeElement && document.activeElement.id === "code" &&
				document.querySelector("[data-scan-status]").textContent.includes("未获得相机权限") &&
				document.querySelector("input[name=lat]").value !== ""`)
			if browsertest.Exists(t, ctx, "video.scan-video:not([hidden])") {
				t.Error("the camera's view is shown with the camera refused")
			}
			if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS("#code"), e.Code(e.Session.ID))); err != nil {
				t.Fatal(err)
			}
			browsertest.Screenshot(t, ctx, "checkin-camera-refused-"+e.Engine)
			browsertest.Click(t, ctx, `button[value=in]`)
			if msg := browsertest.Text(t, ctx, ".notice"); msg != "签到成功" {
				t.Fatalf("check-in says %q", msg)
			}
			checkedIn(t, v)
		})
	})
}
