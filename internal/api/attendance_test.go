package api_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"zhiyuan"
	"zhiyuan/internal/hourstest"
	"zhiyuan/internal/proof"
	"zhiyuan/internal/server/servertest"
	"zhiyuan/internal/sqlstore"
)

// wantRefusal checks a 422 naming field whose message contains want.
func wantRefusal(t *testing.T, what string, res *servertest.Response, field, want string) {
	t.Helper()
	code, msg, fields := res.Error()
	if res.Status != http.StatusUnprocessableEntity || code != zhiyuan.EInvalid || fields[field] == "" || !strings.Contains(msg, want) {
		t.Errorf("%s: %d %s, want 422 on %q mentioning %q", what, res.Status, res.Body, field, want)
	}
}

func TestCheckinCodeRefusals(t *testing.T) {
	t.Parallel()
	hourstest.Each(t, 1, func(t *testing.T, h *hourstest.Env) {
		v := h.Volunteers[0]
		h.Clock.Set(hourstest.Day("08:58"))
		old := h.Code(h.Session.ID)
		h.Clock.Set(hourstest.Day("09:00"))
		wantRefusal(t, "code from 2 minutes ago", h.Scan(v, old, "in", nil), "code", "过期")

		fresh := h.Code(h.Session.ID)
		b := []byte(fresh)
		b[len(b)/2] ^= 0x01 // one byte changed (a neighbouring base64 letter)
		wantRefusal(t, "code with one byte changed", h.Scan(v, string(b), "in", nil), "code", "无效")

		other := h.Code(h.Afternoon.ID)
		wantRefusal(t, "code of another session", h.Scan(v, other, "in", map[string]any{"session_id": h.Session.ID}), "code", "其他活动场次")
		// Without naming the session, the afternoon code is refused for want of a seat there.
		wantRefusal(t, "afternoon code without a seat", h.Scan(v, other, "in", nil), "action", "没有该场次的已录用名额")

		if res := h.Scan(v, fresh, "in", nil); res.Status != http.StatusCreated {
			t.Fatalf("fresh code: %d %s", res.Status, res.Body)
		}
		// Only the session's organisation sees its code.
		otherToken, _ := h.Admin(zhiyuan.Role{Kind: zhiyuan.RoleOrgAdmin, OrgID: h.Org.ID + 1000})
		if res := h.Do("GET", fmt.Sprintf("/api/v1/sessions/%d/checkin-code", h.Session.ID), otherToken, nil); res.Status != http.StatusForbidden {
			t.Errorf("another org's admin: %d", res.Status)
		}
		if res := h.Do("GET", fmt.Sprintf("/api/v1/sessions/%d/checkin-code", h.Session.ID), v.Token, nil); res.Status != http.StatusForbidden {
			t.Errorf("a volunteer: %d", res.Status)
		}
		if res := h.Do("GET", fmt.Sprintf("/api/v1/sessions/%d/checkin-code", h.Session.ID), "", nil); res.Status != http.StatusUnauthorized {
			t.Errorf("anonymous: %d", res.Status)
		}
	})
}

func TestCheckinRefusals(t *testing.T) {
	t.Parallel()
	hourstest.Each(t, 2, func(t *testing.T, h *hourstest.Env) {
		v, w := h.Volunteers[0], h.Volunteers[1]
		stranger := h.AddVolunteers(1, false)[0]
		h.Clock.Set(hourstest.Day("07:30"))
		wantRefusal(t, "90 minutes early", h.Scan(v, h.Code(h.Session.ID), "in", nil), "action", "签到过早")

		h.Clock.Set(hourstest.Day("08:30"))
		code := h.Code(h.Session.ID)
		wantRefusal(t, "no confirmed seat", h.Scan(stranger, code, "in", nil), "action", "没有该场次的已录用名额")
		wantRefusal(t, "outside the geofence", h.Scan(v, code, "in", map[string]any{"lat": 23.16, "lng": 113.35}), "lat", "超出300米")
		res := h.Do("POST", "/api/v1/attendance", v.Token, map[string]any{"code": code, "action": "in"})
		wantRefusal(t, "no position where a geofence is set", res, "lat", "位置")
		wantRefusal(t, "bad action", h.Scan(v, code, "sideways", nil), "action", "in")
		wantRefusal(t, "check-out before check-in", h.Scan(w, code, "out", nil), "action", "尚未签到")

		res = h.Scan(v, code, "in", nil)
		if res.Status != http.StatusCreated {
			t.Fatalf("check-in: %d %s", res.Status, res.Body)
		}
		var got struct {
			Attendance struct {
				CheckinMethod string `json:"checkin_method"`
				Distance      *int   `json:"checkin_distance_m"`
			} `json:"attendance"`
		}
		res.Decode(&got)
		if got.Attendance.CheckinMethod != "code" || got.Attendance.Distance == nil || *got.Attendance.Distance > 100 {
			t.Errorf("attendance %s", res.Body)
		}
		wantRefusal(t, "second check-in", h.Scan(v, code, "in", nil), "action", "已签到")
		// A check-out earlier than the check-in cannot happen by scanning (the clock only
		// moves on), but by hand it can be asked for.
		res = h.Do("POST", fmt.Sprintf("/api/v1/sessions/%d/attendance", h.Session.ID), h.OrgToken,
			map[string]any{"volunteer_id": v.ID, "action": "out", "at": hourstest.Day("08:20").Format(time.RFC3339)})
		wantRefusal(t, "check-out by hand before the check-in", res, "action", "早于签到")
		if res := h.Do("POST", "/api/v1/attendance", "", map[string]any{"code": code, "action": "in"}); res.Status != http.StatusUnauthorized {
			t.Errorf("anonymous scan: %d", res.Status)
		}
	})
}

// TestCheckinRush: 300 volunteers check in to one session within seconds, each sending
// their scan twice: every one is recorded exactly once and the counts are right.
func TestCheckinRush(t *testing.T) {
	t.Parallel()
	hourstest.Each(t, 300, func(t *testing.T, h *hourstest.Env) {
		h.Clock.Set(hourstest.Day("08:55"))
		code := h.Code(h.Session.ID)
		var wg sync.WaitGroup
		var mu sync.Mutex
		statuses := map[int]int{}
		start := time.Now()
		for _, v := range h.Volunteers {
			for range 2 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					res := h.Scan(v, code, "in", nil)
					mu.Lock()
					statuses[res.Status]++
					mu.Unlock()
				}()
			}
		}
		wg.Wait()
		took := time.Since(start)
		if statuses[http.StatusCreated] != 300 || statuses[http.StatusUnprocessableEntity] != 300 || len(statuses) != 2 {
			t.Fatalf("statuses %v", statuses)
		}
		res := h.Do("GET", fmt.Sprintf("/api/v1/sessions/%d/attendance", h.Session.ID), h.OrgToken, nil)
		var v struct {
			Counts struct {
				Expected  int `json:"expected"`
				CheckedIn int `json:"checked_in"`
				Present   int `json:"present"`
			} `json:"counts"`
			Attendance []struct {
				VolunteerID int64 `json:"volunteer_id"`
			} `json:"attendance"`
		}
		res.Decode(&v)
		seen := map[int64]bool{}
		for _, a := range v.Attendance {
			seen[a.VolunteerID] = true
		}
		if v.Counts.Expected != 300 || v.Counts.CheckedIn != 300 || v.Counts.Present != 300 || len(v.Attendance) != 300 || len(seen) != 300 {
			t.Fatalf("counts %+v, %d rows, %d volunteers", v.Counts, len(v.Attendance), len(seen))
		}
		t.Logf("%s: 600 scans by 300 volunteers in %s", h.Engine, took.Round(time.Millisecond))
	})
}

type hourEntry struct {
	ID       int64   `json:"id"`
	Kind     string  `json:"kind"`
	Hours    float64 `json:"hours"`
	Status   string  `json:"status"`
	Reason   string  `json:"reason"`
	Hash     string  `json:"hash"`
	Corrects int64   `json:"corrects_entry_id"`
	Confirm  *struct {
		Rating  int    `json:"rating"`
		Comment string `json:"comment"`
	} `json:"confirmation"`
}

type myHours struct {
	Confirmed float64     `json:"confirmed_hours"`
	Pending   float64     `json:"pending_hours"`
	Star      int         `json:"star_level"`
	ToNext    float64     `json:"hours_to_next_level"`
	ChainHead string      `json:"chain_head"`
	Entries   []hourEntry `json:"entries"`
}

func myHoursOf(h *hourstest.Env, v hourstest.Volunteer) myHours {
	h.T.Helper()
	res := h.Do("GET", "/api/v1/me/hours", v.Token, nil)
	if res.Status != http.StatusOK {
		h.T.Fatalf("me/hours: %d %s", res.Status, res.Body)
	}
	var m myHours
	res.Decode(&m)
	return m
}

func TestHoursFromAttendance(t *testing.T) {
	t.Parallel()
	hourstest.Each(t, 2, func(t *testing.T, h *hourstest.Env) {
		v, w := h.Volunteers[0], h.Volunteers[1]
		h.Clock.Set(hourstest.Day("09:05"))
		code := h.Code(h.Session.ID)
		h.Scan(v, code, "in", nil)
		h.Clock.Set(hourstest.Day("09:00"))
		h.Scan(w, h.Code(h.Session.ID), "in", nil)
		h.Clock.Set(hourstest.Day("09:40"))
		res := h.Scan(w, h.Code(h.Session.ID), "out", nil)
		var out struct {
			Entry hourEntry `json:"entry"`
		}
		res.Decode(&out)
		if res.Status != http.StatusOK || out.Entry.Hours != 0 || !strings.Contains(out.Entry.Reason, "60%") {
			t.Errorf("09:00–09:40: %d %s", res.Status, res.Body)
		}
		h.Clock.Set(hourstest.Day("11:50"))
		res = h.Scan(v, h.Code(h.Session.ID), "out", nil)
		res.Decode(&out)
		if res.Status != http.StatusOK || out.Entry.Hours != 2.5 || out.Entry.Kind != "attended" || out.Entry.Status != "pending" {
			t.Fatalf("09:05–11:50: %d %s", res.Status, res.Body)
		}
		m := myHoursOf(h, v)
		if m.Pending != 2.5 || m.Confirmed != 0 || m.Star != 0 || m.ToNext != 100 || len(m.Entries) != 1 || m.ChainHead != out.Entry.Hash {
			t.Fatalf("my hours before confirmation %+v", m)
		}
		// The organiser confirms the whole session with an evaluation.
		h.Clock.Set(hourstest.Day("13:00"))
		res = h.Do("POST", fmt.Sprintf("/api/v1/sessions/%d/hours/confirm", h.Session.ID), h.OrgToken, map[string]any{"rating": 5, "comment": "耐心细致"})
		var conf struct{ Count int }
		res.Decode(&conf)
		if res.Status != http.StatusOK || conf.Count != 2 {
			t.Fatalf("confirm: %d %s", res.Status, res.Body)
		}
		m = myHoursOf(h, v)
		if m.Confirmed != 2.5 || m.Pending != 0 || m.Entries[0].Status != "confirmed" || m.Entries[0].Confirm == nil || m.Entries[0].Confirm.Rating != 5 {
			t.Fatalf("my hours after confirmation %+v", m)
		}
		// A correction of −1 h changes the total and keeps both entries.
		res = h.Do("POST", fmt.Sprintf("/api/v1/hour-entries/%d/corrections", out.Entry.ID), h.OrgToken, map[string]any{"hours": -1, "reason": "中途离开一小时"})
		if res.Status != http.StatusCreated {
			t.Fatalf("correction: %d %s", res.Status, res.Body)
		}
		m = myHoursOf(h, v)
		if m.Confirmed != 1.5 || len(m.Entries) != 2 || m.Entries[0].Kind != "correction" || m.Entries[0].Corrects != out.Entry.ID || m.Entries[1].Hours != 2.5 {
			t.Fatalf("after correction %+v", m)
		}
		wantRefusal(t, "correction without reason", h.Do("POST", fmt.Sprintf("/api/v1/hour-entries/%d/corrections", out.Entry.ID), h.OrgToken,
			map[string]any{"hours": -1}), "reason", "原因")
		wantRefusal(t, "correction below zero", h.Do("POST", fmt.Sprintf("/api/v1/hour-entries/%d/corrections", out.Entry.ID), h.OrgToken,
			map[string]any{"hours": -2, "reason": "x"}), "hours", "负数")
		// Another organisation may not touch these hours.
		otherToken, _ := h.Admin(zhiyuan.Role{Kind: zhiyuan.RoleOrgAdmin, OrgID: h.Org.ID + 1000})
		for _, c := range []struct{ method, path string }{
			{"POST", fmt.Sprintf("/api/v1/hour-entries/%d/corrections", out.Entry.ID)},
			{"POST", fmt.Sprintf("/api/v1/sessions/%d/hours/confirm", h.Session.ID)},
			{"POST", fmt.Sprintf("/api/v1/sessions/%d/hour-entries", h.Session.ID)},
			{"GET", fmt.Sprintf("/api/v1/sessions/%d/attendance", h.Session.ID)},
		} {
			if res := h.Do(c.method, c.path, otherToken, map[string]any{"hours": 1, "reason": "x", "volunteer_id": v.ID}); res.Status != http.StatusForbidden {
				t.Errorf("other org %s %s: %d", c.method, c.path, res.Status)
			}
			if res := h.Do(c.method, c.path, v.Token, map[string]any{"hours": 1, "reason": "x", "volunteer_id": v.ID}); res.Status != http.StatusForbidden {
				t.Errorf("volunteer %s %s: %d", c.method, c.path, res.Status)
			}
		}
		if m := myHoursOf(h, v); m.Confirmed != 1.5 {
			t.Errorf("refused requests changed the total: %+v", m)
		}
	})
}

func TestMakeupEntries(t *testing.T) {
	t.Parallel()
	hourstest.Each(t, 1, func(t *testing.T, h *hourstest.Env) {
		v := h.Volunteers[0]
		path := fmt.Sprintf("/api/v1/sessions/%d/hour-entries", h.Session.ID)
		wantRefusal(t, "before the session", h.Do("POST", path, h.OrgToken, map[string]any{"volunteer_id": v.ID, "hours": 1, "reason": "忘记签到"}),
			"session_id", "尚未开始")
		h.Clock.Set(hourstest.Day("15:00"))
		wantRefusal(t, "4 h for a 3 h session", h.Do("POST", path, h.OrgToken, map[string]any{"volunteer_id": v.ID, "hours": 4, "reason": "忘记签到"}),
			"hours", "不能超过场次时长3小时")
		wantRefusal(t, "no reason", h.Do("POST", path, h.OrgToken, map[string]any{"volunteer_id": v.ID, "hours": 2}), "reason", "原因")
		wantRefusal(t, "unknown volunteer", h.Do("POST", path, h.OrgToken, map[string]any{"volunteer_id": 999999, "hours": 2, "reason": "x"}),
			"volunteer_id", "不存在")
		res := h.Do("POST", path, h.OrgToken, map[string]any{"volunteer_id": v.ID, "hours": 2, "reason": "手机没电未能签到，负责人核实"})
		var e hourEntry
		res.Decode(&e)
		if res.Status != http.StatusCreated || e.Kind != "makeup" || e.Hours != 2 || e.Status != "pending" {
			t.Fatalf("make-up: %d %s", res.Status, res.Body)
		}
		// 2 h recorded: another 1.5 h would exceed the 3 h session.
		wantRefusal(t, "make-ups adding up past the length", h.Do("POST", path, h.OrgToken,
			map[string]any{"volunteer_id": v.ID, "hours": 1.5, "reason": "再补"}), "hours", "超过场次时长")
		if m := myHoursOf(h, v); m.Pending != 2 || len(m.Entries) != 1 {
			t.Errorf("my hours %+v", m)
		}
	})
}

// TestStarLevelAtExactly100Hours: 99.5 confirmed hours is no star; the half hour that
// makes 100 is one star.
func TestStarLevelAtExactly100Hours(t *testing.T) {
	t.Parallel()
	hourstest.Each(t, 1, func(t *testing.T, h *hourstest.Env) {
		v := h.Volunteers[0]
		ctx := context.Background()
		for range 33 { // 33 × 3 h = 99 h of earlier service, confirmed
			e := &zhiyuan.HourEntry{VolunteerID: v.ID, Kind: zhiyuan.HourMakeup, Minutes: 180, OrgID: h.Org.ID, Reason: "历史记录导入", RecordedBy: h.OrgAdmin}
			if err := h.Store.AppendHourEntry(ctx, e, sqlstore.EntryPlace{}, &zhiyuan.HourConfirmation{ConfirmedBy: h.OrgAdmin}); err != nil {
				t.Fatal(err)
			}
		}
		h.Clock.Set(hourstest.Day("13:00"))
		path := fmt.Sprintf("/api/v1/sessions/%d/hour-entries", h.Session.ID)
		for _, hours := range []float64{0.5, 0.5} {
			res := h.Do("POST", path, h.OrgToken, map[string]any{"volunteer_id": v.ID, "hours": hours, "reason": "补录"})
			var e hourEntry
			res.Decode(&e)
			if m := myHoursOf(h, v); m.Star != 0 {
				t.Fatalf("pending hours count towards the star level: %+v", m)
			}
			h.Do("POST", "/api/v1/hours/confirm", h.OrgToken, map[string]any{"entry_ids": []int64{e.ID}})
			m := myHoursOf(h, v)
			switch m.Confirmed {
			case 99.5:
				if m.Star != 0 || m.ToNext != 0.5 {
					t.Errorf("99.5 h: %+v", m)
				}
			case 100:
				if m.Star != 1 || m.ToNext != 200 {
					t.Errorf("100 h: %+v", m)
				}
			default:
				t.Fatalf("confirmed %v", m.Confirmed)
			}
		}
	})
}

func TestDisputeFlow(t *testing.T) {
	t.Parallel()
	hourstest.Each(t, 2, func(t *testing.T, h *hourstest.Env) {
		v, w := h.Volunteers[0], h.Volunteers[1]
		h.Clock.Set(hourstest.Day("09:00"))
		h.Scan(v, h.Code(h.Session.ID), "in", nil)
		h.Clock.Set(hourstest.Day("09:40"))
		res := h.Scan(v, h.Code(h.Session.ID), "out", nil)
		var out struct{ Entry hourEntry }
		res.Decode(&out)
		path := fmt.Sprintf("/api/v1/hour-entries/%d/disputes", out.Entry.ID)
		if res := h.Do("POST", path, w.Token, map[string]any{"reason": "不是我的"}); res.Status != http.StatusNotFound {
			t.Errorf("someone else's entry: %d", res.Status)
		}
		wantRefusal(t, "dispute without reason", h.Do("POST", path, v.Token, map[string]any{"reason": " "}), "reason", "原因")
		res = h.Do("POST", path, v.Token, map[string]any{"reason": "扫码签退时误点，实际服务到11点40分"})
		var d struct {
			ID     int64  `json:"id"`
			Status string `json:"status"`
		}
		res.Decode(&d)
		if res.Status != http.StatusCreated || d.Status != "open" {
			t.Fatalf("dispute: %d %s", res.Status, res.Body)
		}
		if res := h.Do("POST", path, v.Token, map[string]any{"reason": "again"}); res.Status != http.StatusConflict {
			t.Errorf("second open dispute: %d", res.Status)
		}
		res = h.Do("GET", fmt.Sprintf("/api/v1/organizations/%d/disputes", h.Org.ID), h.OrgToken, nil)
		if res.Status != http.StatusOK || !strings.Contains(string(res.Body), "11点40分") {
			t.Errorf("org disputes: %d %s", res.Status, res.Body)
		}
		otherToken, _ := h.Admin(zhiyuan.Role{Kind: zhiyuan.RoleOrgAdmin, OrgID: h.Org.ID + 1000})
		resolve := fmt.Sprintf("/api/v1/disputes/%d/resolve", d.ID)
		if res := h.Do("POST", resolve, otherToken, map[string]any{"accept": true, "resolution": "x", "hours": 2.5}); res.Status != http.StatusForbidden {
			t.Errorf("other org resolves: %d", res.Status)
		}
		res = h.Do("POST", resolve, h.OrgToken, map[string]any{"accept": true, "resolution": "经负责人核实属实", "hours": 2.5})
		if res.Status != http.StatusOK || !strings.Contains(string(res.Body), `"resolved"`) {
			t.Fatalf("resolve: %d %s", res.Status, res.Body)
		}
		if res := h.Do("POST", resolve, h.OrgToken, map[string]any{"accept": false, "resolution": "x"}); res.Status != http.StatusConflict {
			t.Errorf("resolved twice: %d", res.Status)
		}
		h.Do("POST", fmt.Sprintf("/api/v1/sessions/%d/hours/confirm", h.Session.ID), h.OrgToken, nil)
		m := myHoursOf(h, v)
		if m.Confirmed != 2.5 || len(m.Entries) != 2 || m.Entries[0].Kind != "correction" {
			t.Errorf("after the upheld dispute: %+v", m)
		}
	})
}

func TestOverdueList(t *testing.T) {
	t.Parallel()
	hourstest.Each(t, 1, func(t *testing.T, h *hourstest.Env) {
		v := h.Volunteers[0]
		h.Clock.Set(hourstest.Day("09:00"))
		h.Scan(v, h.Code(h.Session.ID), "in", nil)
		h.Clock.Set(hourstest.Day("12:00"))
		h.Scan(v, h.Code(h.Session.ID), "out", nil)
		cityToken, _ := h.Admin(zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: "440100"})
		szToken, _ := h.Admin(zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: "440300"})
		count := func(token, query string) int {
			res := h.Do("GET", "/api/v1/hours/overdue"+query, token, nil)
			if res.Status != http.StatusOK {
				t.Fatalf("overdue%s: %d %s", query, res.Status, res.Body)
			}
			var p struct{ Items []hourEntry }
			res.Decode(&p)
			return len(p.Items)
		}
		// Saturday 7 March: ten working days later is Friday the 20th; overdue from the 21st.
		h.Clock.Set(time.Date(2037, 3, 20, 23, 59, 0, 0, hourstest.CST))
		if n := count(h.OrgToken, ""); n != 0 {
			t.Errorf("on the deadline day: %d overdue", n)
		}
		h.Clock.Set(time.Date(2037, 3, 21, 0, 1, 0, 0, hourstest.CST))
		if n := count(h.OrgToken, ""); n != 1 {
			t.Errorf("org, after the deadline: %d", n)
		}
		if n := count(cityToken, ""); n != 1 {
			t.Errorf("Guangzhou regional admin: %d", n)
		}
		if n := count(szToken, ""); n != 0 {
			t.Errorf("Shenzhen regional admin: %d", n)
		}
		if res := h.Do("GET", "/api/v1/hours/overdue?region=440100", szToken, nil); res.Status != http.StatusForbidden {
			t.Errorf("Shenzhen asking for Guangzhou: %d", res.Status)
		}
		h.Do("POST", fmt.Sprintf("/api/v1/sessions/%d/hours/confirm", h.Session.ID), h.OrgToken, nil)
		if n := count(cityToken, ""); n != 0 {
			t.Errorf("after confirmation: %d", n)
		}
	})
}

func TestOrganiserMarksAttendance(t *testing.T) {
	t.Parallel()
	hourstest.Each(t, 2, func(t *testing.T, h *hourstest.Env) {
		v := h.Volunteers[0]
		walkIn := h.AddVolunteers(1, false)[0]
		path := fmt.Sprintf("/api/v1/sessions/%d/attendance", h.Session.ID)
		h.Clock.Set(hourstest.Day("09:10"))
		res := h.Do("POST", path, h.OrgToken, map[string]any{"volunteer_no": v.No, "action": "in", "method": "card"})
		if res.Status != http.StatusCreated || !strings.Contains(string(res.Body), `"checkin_method":"card"`) {
			t.Fatalf("card scan: %d %s", res.Status, res.Body)
		}
		wantRefusal(t, "no seat, not marked walk-in", h.Do("POST", path, h.OrgToken, map[string]any{"volunteer_no": walkIn.No, "action": "in"}),
			"walk_in", "现场加入")
		res = h.Do("POST", path, h.OrgToken, map[string]any{"volunteer_no": walkIn.No, "action": "in", "walk_in": true})
		if res.Status != http.StatusCreated || !strings.Contains(string(res.Body), `"walk_in":true`) {
			t.Fatalf("walk-in: %d %s", res.Status, res.Body)
		}
		wantRefusal(t, "bad volunteer number", h.Do("POST", path, h.OrgToken, map[string]any{"volunteer_no": "4401060000001X", "action": "in"}),
			"volunteer_no", "校验位")
		wantRefusal(t, "time given for a card scan", h.Do("POST", path, h.OrgToken, map[string]any{"volunteer_no": v.No, "action": "out", "method": "card",
			"at": hourstest.Day("11:00").Format(time.RFC3339)}), "at", "手工")
		h.Clock.Set(hourstest.Day("12:30"))
		res = h.Do("POST", path, h.OrgToken, map[string]any{"volunteer_id": walkIn.ID, "action": "out", "at": hourstest.Day("12:00").Format(time.RFC3339)})
		if res.Status != http.StatusOK || !strings.Contains(string(res.Body), `"hours":2.5`) {
			t.Fatalf("check-out by hand: %d %s", res.Status, res.Body)
		}
		// The second seated volunteer never came: a no-show once the check-out window closes.
		if n, err := h.App.MarkNoShows(context.Background()); err != nil || n != 0 {
			t.Fatalf("no-shows during the window: %d %v", n, err)
		}
		h.Clock.Set(hourstest.Day("14:30"))
		if n, err := h.App.MarkNoShows(context.Background()); err != nil || n != 1 {
			t.Fatalf("no-shows after: %d %v", n, err)
		}
		res = h.Do("GET", path, h.OrgToken, nil)
		if !strings.Contains(string(res.Body), `"no_shows":1`) || !strings.Contains(string(res.Body), `"walk_ins":1`) {
			t.Errorf("counts: %s", res.Body)
		}
	})
}

// issueCard gives a volunteer an active card through the store's steps (application,
// approval, batch, printed, issued) and returns what the digital card's QR code holds.
func issueCard(t *testing.T, h *hourstest.Env, v hourstest.Volunteer) string {
	t.Helper()
	ctx := context.Background()
	s := h.Store
	ap := &zhiyuan.CardApplication{VolunteerID: v.ID, RegionCode: "440106", Delivery: zhiyuan.DeliveryAddress, DeliveryAddress: "广州市天河区五山路1号"}
	if err := s.CreateCardApplication(ctx, ap, []byte("\xFF\xD8\xFFphoto")); err != nil {
		t.Fatal(err)
	}
	if _, err := s.DecideCardApplications(ctx, []int64{ap.ID}, true, "", h.OrgAdmin, nil, nil); err != nil {
		t.Fatal(err)
	}
	b, err := s.CreateCardBatch(ctx, []int64{ap.ID}, "440106", nil, 2037, h.OrgAdmin, proof.MakeCardNumber, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, to := range []zhiyuan.CardBatchStatus{zhiyuan.BatchPrinted, zhiyuan.BatchIssued} {
		if err := s.AdvanceCardBatch(ctx, b.ID, to, h.OrgAdmin, nil); err != nil {
			t.Fatal(err)
		}
	}
	card, err := h.App.MyCard(ctx, &zhiyuan.Principal{AccountID: v.AccountID, Roles: []zhiyuan.Role{{Kind: zhiyuan.RoleVolunteer}}})
	if err != nil || card.Payload == "" {
		t.Fatalf("digital card: %+v %v", card, err)
	}
	return card.VerifyURL
}

// TestOrganiserScansDigitalCard: the organiser's scanner reads a volunteer's digital card
// (the QR code's verification URL); a genuine, active card checks the holder in, an
// altered one or a card reported lost is refused naming card_code.
func TestOrganiserScansDigitalCard(t *testing.T) {
	t.Parallel()
	hourstest.Each(t, 2, func(t *testing.T, h *hourstest.Env) {
		v, w := h.Volunteers[0], h.Volunteers[1]
		path := fmt.Sprintf("/api/v1/sessions/%d/attendance", h.Session.ID)
		h.Clock.Set(hourstest.Day("09:00"))
		qr := issueCard(t, h, v)
		forged := []byte(qr)
		forged[len(forged)-5] ^= 0x01
		wantRefusal(t, "altered card code", h.Do("POST", path, h.OrgToken, map[string]any{"card_code": string(forged), "action": "in"}), "card_code", "志愿者证无效")
		res := h.Do("POST", path, h.OrgToken, map[string]any{"card_code": qr, "action": "in"})
		if res.Status != http.StatusCreated || !strings.Contains(string(res.Body), `"checkin_method":"card"`) ||
			!strings.Contains(string(res.Body), fmt.Sprintf(`"volunteer_id":%d`, v.ID)) {
			t.Fatalf("card scan: %d %s", res.Status, res.Body)
		}
		lost := issueCard(t, h, w)
		num := strings.TrimSpace(lost[strings.LastIndex(lost, "/")+1:])
		claims, err := proof.VerifyCard(num, h.App.Signer.PublicKeys(), h.Clock.Now())
		if err != nil {
			t.Fatal(err)
		}
		if err := h.Store.SetCardStatus(context.Background(), claims.CardNumber, []zhiyuan.CardStatus{zhiyuan.CardActive}, zhiyuan.CardLost, "挂失", w.AccountID, nil); err != nil {
			t.Fatal(err)
		}
		wantRefusal(t, "lost card", h.Do("POST", path, h.OrgToken, map[string]any{"card_code": lost, "action": "in"}), "card_code", "挂失")
	})
}
