package web_test

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"image/png"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"zhiyuan"
	"zhiyuan/internal/hourstest"
)

func hoursPage(t *testing.T, what string, status int, body []byte, wantStatus int, contains ...string) {
	t.Helper()
	if status != wantStatus {
		t.Errorf("%s: status %d, want %d\n%s", what, status, wantStatus, body)
		return
	}
	for _, c := range contains {
		if !bytes.Contains(body, []byte(c)) {
			t.Errorf("%s: page lacks %q", what, c)
		}
	}
}

// TestCheckinPagesFlow walks the pages: the organiser's screen shows a QR code that
// refreshes itself, a volunteer checks in and out from the page the code leads to, the
// organiser confirms on the attendance page, and the volunteer sees hours and stars.
func TestCheckinPagesFlow(t *testing.T) {
	t.Parallel()
	hourstest.Each(t, 1, func(t *testing.T, e *hourstest.Env) {
		v := e.Volunteers[0]
		org := e.Browser()
		org.Login(e.OrgPhone, hourstest.Password)
		vol := e.Browser()
		vol.Login(v.Phone, hourstest.Password)
		sid := e.Session.ID

		e.Clock.Set(hourstest.Day("08:59"))
		res := org.Get(fmt.Sprintf("/sessions/%d/checkin", sid))
		hoursPage(t, "check-in screen", res.Status, res.Body, http.StatusOK, `id="checkin-live" data-refresh="`, "data-refresh-now", "社区长者探访", "已录用")
		m := regexp.MustCompile(`src="data:image/png;base64,([^"]+)"`).FindSubmatch(res.Body)
		if m == nil {
			t.Fatalf("no QR image on the screen")
		}
		b64, _ := url.PathUnescape(strings.ReplaceAll(string(m[1]), "&#43;", "+"))
		raw, _ := base64.StdEncoding.DecodeString(b64)
		img, err := png.Decode(bytes.NewReader(raw))
		if err != nil || img.Bounds().Dx() != 512 {
			t.Fatalf("QR image: %v %v", err, img)
		}
		code := regexp.MustCompile(`<code>([^<]+)</code>`).FindSubmatch(res.Body)
		if code == nil {
			t.Fatal("no code text on the screen")
		}
		// The QR code, as a phone reads it, leads to the volunteer's page with the code
		// filled in.
		link, err := url.Parse(pageQR(t, res.Body))
		if err != nil || link.Path != "/checkin" || link.Query().Get("code") != string(code[1]) {
			t.Fatalf("the screen's QR code reads %v (%v), want the check-in link with code %s", link, err, code[1])
		}
		res = vol.Get(link.RequestURI())
		hoursPage(t, "check-in form", res.Status, res.Body, http.StatusOK, string(code[1]), "签到", "签退", "/static/checkin.")
		form := url.Values{"code": {string(code[1])}, "action": {"in"}, "lat": {"23.1505"}, "lng": {"113.3502"}}
		res = vol.Post("/checkin", form)
		if res.Status != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/checkin/done?session=") {
			t.Fatalf("check-in post: %d %s", res.Status, res.Body)
		}
		res = vol.Get(res.Header.Get("Location"))
		hoursPage(t, "check-in done", res.Status, res.Body, http.StatusOK, "签到成功", "社区长者探访")

		// Two minutes later the same code is refused on the form, with the reason.
		e.Clock.Set(hourstest.Day("09:01"))
		form.Set("action", "out")
		res = vol.Post("/checkin", form)
		hoursPage(t, "stale code", res.Status, res.Body, http.StatusUnprocessableEntity, zhiyuan.Text("checkin.code_expired"))
		// Without a position the geofenced activity refuses, saying why.
		e.Clock.Set(hourstest.Day("11:50"))
		res = org.Get(fmt.Sprintf("/sessions/%d/checkin", sid))
		code = regexp.MustCompile(`<code>([^<]+)</code>`).FindSubmatch(res.Body)
		res = vol.Post("/checkin", url.Values{"code": {string(code[1])}, "action": {"out"}})
		hoursPage(t, "no position", res.Status, res.Body, http.StatusUnprocessableEntity, zhiyuan.Text("geo.position_required"))
		res = vol.Post("/checkin", url.Values{"code": {string(code[1])}, "action": {"out"}, "lat": {"23.1505"}, "lng": {"113.3502"}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("check-out: %d %s", res.Status, res.Body)
		}
		res = vol.Get(res.Header.Get("Location"))
		hoursPage(t, "check-out done", res.Status, res.Body, http.StatusOK, "签退成功", "2.5 小时")

		res = vol.Get("/me/hours")
		hoursPage(t, "my hours, pending", res.Status, res.Body, http.StatusOK, "待确认", "<progress", "☆☆☆☆☆")

		// The organiser confirms the whole session with an evaluation.
		res = org.Get(fmt.Sprintf("/sessions/%d/attendance", sid))
		hoursPage(t, "attendance page", res.Status, res.Body, http.StatusOK, v.No, "待确认", "全部确认")
		res = org.Post(fmt.Sprintf("/sessions/%d/hours/confirm", sid), url.Values{"all": {"1"}, "rating": {"5"}, "comment": {"认真负责"}, "confirm": {"1"}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("confirm: %d %s", res.Status, res.Body)
		}
		res = org.Get(res.Header.Get("Location"))
		hoursPage(t, "after confirmation", res.Status, res.Body, http.StatusOK, zhiyuan.Text("notice.hours_confirmed", "count", 1), "已确认 · 5星")

		res = vol.Get("/me/hours")
		hoursPage(t, "my hours, confirmed", res.Status, res.Body, http.StatusOK, `<strong class="confirmed-hours">2.5</strong>`, "97.5", "尚未定级", "评价5星")

		// The volunteer cannot open the organiser's pages.
		res = vol.Get(fmt.Sprintf("/sessions/%d/attendance", sid))
		hoursPage(t, "volunteer on the attendance page", res.Status, res.Body, http.StatusForbidden)
		res = vol.Get(fmt.Sprintf("/sessions/%d/checkin", sid))
		hoursPage(t, "volunteer on the check-in screen", res.Status, res.Body, http.StatusForbidden)
	})
}

func TestAttendancePageForms(t *testing.T) {
	t.Parallel()
	hourstest.Each(t, 1, func(t *testing.T, e *hourstest.Env) {
		v := e.Volunteers[0]
		walkIn := e.AddVolunteers(1, false)[0]
		org := e.Browser()
		org.Login(e.OrgPhone, hourstest.Password)
		path := fmt.Sprintf("/sessions/%d/attendance", e.Session.ID)
		e.Clock.Set(hourstest.Day("09:10"))

		res := org.Post(path, url.Values{"volunteer_no": {v.No}, "action": {"in"}, "method": {"card"}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("card scan: %d %s", res.Status, res.Body)
		}
		res = org.Post(path, url.Values{"volunteer_no": {"https://example.cn/verify/card/not-a-card"}, "action": {"in"}, "method": {"card"}})
		hoursPage(t, "a scanned code that is no card", res.Status, res.Body, http.StatusUnprocessableEntity, zhiyuan.Text("attendance.card_invalid", "reason", zhiyuan.Text("cardcheck.malformed")))
		res = org.Post(path, url.Values{"volunteer_no": {walkIn.No}, "action": {"in"}, "method": {"manual"}})
		hoursPage(t, "walk-in not ticked", res.Status, res.Body, http.StatusUnprocessableEntity, zhiyuan.Text("attendance.no_seat_walk_in"))
		res = org.Post(path, url.Values{"volunteer_no": {walkIn.No}, "action": {"in"}, "method": {"manual"}, "walk_in": {"1"}, "at": {"09:05"}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("walk-in: %d %s", res.Status, res.Body)
		}
		e.Clock.Set(hourstest.Day("12:30"))
		res = org.Post(path, url.Values{"volunteer_no": {walkIn.No}, "action": {"out"}, "method": {"manual"}, "at": {"12:00"}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("manual check-out: %d %s", res.Status, res.Body)
		}
		res = org.Get(path)
		hoursPage(t, "attendance page", res.Status, res.Body, http.StatusOK, "现场加入", "刷证", "手工登记", "2.5 小时", "待志愿者确认")
		// One unit on the page: the check-in table and the hours tables both say 小时, and
		// no time is a bare number.
		if body := string(res.Body); strings.Contains(body, "分钟") || strings.Contains(body, "<td>2.5</td>") {
			t.Errorf("the attendance page shows minutes or hours without a unit")
		}
		// The walk-in never signed up: the time waits for them on 我的时长 until they accept.
		offers, err := e.Store.SessionHourOffers(t.Context(), e.Session.ID)
		if err != nil || len(offers) != 1 || offers[0].VolunteerID != walkIn.ID {
			t.Fatalf("offers %+v %v", offers, err)
		}
		stranger := e.Browser()
		stranger.Login(walkIn.Phone, hourstest.Password)
		res = stranger.Get("/me/hours")
		hoursPage(t, "the walk-in's hours", res.Status, res.Body, http.StatusOK, "待您确认的时长", "2.5 小时", "接受", "有异议",
			fmt.Sprintf(`action="/me/hour-offers/%d/accept"`, offers[0].ID))
		res = stranger.Post(fmt.Sprintf("/me/hour-offers/%d/accept", offers[0].ID), nil)
		if res.Status != http.StatusSeeOther {
			t.Fatalf("accept: %d %s", res.Status, res.Body)
		}
		res = stranger.Get("/me/hours")
		if bytes.Contains(res.Body, []byte("待您确认的时长")) {
			t.Error("an accepted offer is still shown as waiting")
		}

		makeup := fmt.Sprintf("/sessions/%d/hour-entries", e.Session.ID)
		res = org.Post(makeup, url.Values{"volunteer_no": {v.No}, "hours": {"4"}, "reason": {"忘记签退"}, "confirm": {"1"}})
		hoursPage(t, "make-up over the length", res.Status, res.Body, http.StatusUnprocessableEntity, zhiyuan.Text("hours.makeup_over_session", "session_hours", "3"))
		res = org.Post(makeup, url.Values{"volunteer_no": {v.No}, "hours": {"2"}, "confirm": {"1"}})
		hoursPage(t, "make-up without reason", res.Status, res.Body, http.StatusUnprocessableEntity, zhiyuan.Text("reason.required"))
		res = org.Post(makeup, url.Values{"volunteer_no": {v.No}, "hours": {"2"}, "reason": {"刷证后未签退，负责人核实"}, "confirm": {"1"}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("make-up: %d %s", res.Status, res.Body)
		}
		entries, err := e.Store.SessionHourEntries(t.Context(), e.Session.ID)
		if err != nil || len(entries) != 2 {
			t.Fatalf("entries %v %v", entries, err)
		}
		res = org.Post(fmt.Sprintf("/hour-entries/%d/corrections", entries[0].ID), url.Values{"hours": {"-0.5"}, "session_id": {fmt.Sprint(e.Session.ID)}, "confirm": {"1"}})
		hoursPage(t, "correction without reason", res.Status, res.Body, http.StatusUnprocessableEntity, zhiyuan.Text("reason.required"))
		res = org.Post(fmt.Sprintf("/hour-entries/%d/corrections", entries[0].ID), url.Values{"hours": {"-0.5"}, "reason": {"提前离场"}, "session_id": {fmt.Sprint(e.Session.ID)}, "confirm": {"1"}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("correction: %d %s", res.Status, res.Body)
		}
		res = org.Post(fmt.Sprintf("/sessions/%d/hours/confirm", e.Session.ID), url.Values{"rating": {"4"}, "confirm": {"1"}})
		hoursPage(t, "confirm nothing ticked", res.Status, res.Body, http.StatusUnprocessableEntity, zhiyuan.Text("web.confirm_nothing_chosen"))

		// Overdue once ten working days have passed.
		e.Clock.Set(time.Date(2037, 3, 23, 9, 0, 0, 0, hourstest.CST))
		org.Login(e.OrgPhone, hourstest.Password) // the page session of the 7th has long expired
		res = org.Get("/hours/overdue")
		hoursPage(t, "overdue list", res.Status, res.Body, http.StatusOK, "社区长者探访", walkIn.No, "去确认")
	})
}

func TestDisputePages(t *testing.T) {
	t.Parallel()
	hourstest.Each(t, 1, func(t *testing.T, e *hourstest.Env) {
		v := e.Volunteers[0]
		org := e.Browser()
		org.Login(e.OrgPhone, hourstest.Password)
		vol := e.Browser()
		vol.Login(v.Phone, hourstest.Password)
		e.Clock.Set(hourstest.Day("09:00"))
		e.Scan(v, e.Code(e.Session.ID), "in", nil)
		e.Clock.Set(hourstest.Day("09:40"))
		e.Scan(v, e.Code(e.Session.ID), "out", nil)
		entries, _ := e.Store.SessionHourEntries(t.Context(), e.Session.ID)
		res := vol.Post(fmt.Sprintf("/hour-entries/%d/disputes", entries[0].ID), url.Values{"reason": {""}})
		hoursPage(t, "dispute without reason", res.Status, res.Body, http.StatusUnprocessableEntity, zhiyuan.Text("reason.required"))
		res = vol.Post(fmt.Sprintf("/hour-entries/%d/disputes", entries[0].ID), url.Values{"reason": {"忘记签退，实际服务到11点40分"}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("dispute: %d %s", res.Status, res.Body)
		}
		res = vol.Get(res.Header.Get("Location"))
		hoursPage(t, "my hours with dispute", res.Status, res.Body, http.StatusOK, "申诉已提交", "处理中")
		res = org.Get(fmt.Sprintf("/sessions/%d/attendance", e.Session.ID))
		hoursPage(t, "attendance page with dispute", res.Status, res.Body, http.StatusOK, "待处理的申诉", "11点40分")
		disputes, _ := e.Store.FindDisputes(t.Context(), e.Org.ID, 0, "open", 10)
		res = org.Post(fmt.Sprintf("/disputes/%d/resolve", disputes[0].ID), url.Values{"accept": {"1"}, "resolution": {"核实属实"}, "hours": {"2.5"}, "confirm": {"1"},
			"session_id": {fmt.Sprint(e.Session.ID)}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("resolve: %d %s", res.Status, res.Body)
		}
		res = vol.Get("/me/hours")
		hoursPage(t, "my hours after resolution", res.Status, res.Body, http.StatusOK, "已更正", "核实属实", "更正")
	})
}
