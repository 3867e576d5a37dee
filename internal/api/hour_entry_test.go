package api_test

import (
	"fmt"
	"net/http"
	"testing"

	"zhiyuan"
	"zhiyuan/internal/hourstest"
)

func TestGetHourEntry(t *testing.T) {
	t.Parallel()
	hourstest.Each(t, 2, func(t *testing.T, h *hourstest.Env) {
		v, w := h.Volunteers[0], h.Volunteers[1]
		h.Clock.Set(hourstest.Day("09:00"))
		h.Scan(v, h.Code(h.Session.ID), "in", nil)
		h.Clock.Set(hourstest.Day("12:00"))
		var out struct{ Entry hourEntry }
		h.Scan(v, h.Code(h.Session.ID), "out", nil).Decode(&out)
		if out.Entry.ID == 0 {
			t.Fatal("no entry from the check-out")
		}
		path := fmt.Sprintf("/api/v1/hour-entries/%d", out.Entry.ID)
		get := func(who, token string, want int) hourEntry {
			t.Helper()
			res := h.Do("GET", path, token, nil)
			if res.Status != want {
				t.Fatalf("%s: %d %s, want %d", who, res.Status, res.Body, want)
			}
			var e hourEntry
			if want == http.StatusOK {
				res.Decode(&e)
			}
			return e
		}
		if e := get("the volunteer", v.Token, http.StatusOK); e.ID != out.Entry.ID || e.Hours != 3 || e.Status != "pending" || e.Hash != out.Entry.Hash {
			t.Errorf("the volunteer's own entry: %+v, want %+v", e, out.Entry)
		}
		if e := get("the organisation", h.OrgToken, http.StatusOK); e.Hours != 3 {
			t.Errorf("the organisation sees %+v", e)
		}
		cityToken, _ := h.Admin(zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: "440100"})
		get("Guangzhou regional admin", cityToken, http.StatusOK)

		// Anyone else: another volunteer changing the id in the URL, another
		// organisation, another region, nobody.
		if res := h.Do("GET", path, w.Token, nil); res.Status != http.StatusNotFound && res.Status != http.StatusForbidden {
			t.Errorf("another volunteer: %d %s", res.Status, res.Body)
		}
		otherOrg, _ := h.Admin(zhiyuan.Role{Kind: zhiyuan.RoleOrgAdmin, OrgID: h.Org.ID + 1000})
		get("another organisation's admin", otherOrg, http.StatusForbidden)
		szToken, _ := h.Admin(zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: "440300"})
		get("Shenzhen regional admin", szToken, http.StatusForbidden)
		get("anonymous", "", http.StatusUnauthorized)
		for _, bad := range []string{"/api/v1/hour-entries/999999", "/api/v1/hour-entries/abc", "/api/v1/hour-entries/-1"} {
			if res := h.Do("GET", bad, v.Token, nil); res.Status != http.StatusNotFound {
				t.Errorf("%s: %d", bad, res.Status)
			}
		}
	})
}

func TestMyDisputes(t *testing.T) {
	t.Parallel()
	hourstest.Each(t, 2, func(t *testing.T, h *hourstest.Env) {
		v, w := h.Volunteers[0], h.Volunteers[1]
		h.Clock.Set(hourstest.Day("09:00"))
		h.Scan(v, h.Code(h.Session.ID), "in", nil)
		h.Clock.Set(hourstest.Day("09:40"))
		var out struct{ Entry hourEntry }
		h.Scan(v, h.Code(h.Session.ID), "out", nil).Decode(&out)
		type dispute struct {
			ID         int64   `json:"id"`
			EntryID    int64   `json:"entry_id"`
			Reason     string  `json:"reason"`
			Status     string  `json:"status"`
			EntryHours float64 `json:"entry_hours"`
		}
		mine := func(who, token string) []dispute {
			t.Helper()
			res := h.Do("GET", "/api/v1/me/disputes", token, nil)
			if res.Status != http.StatusOK {
				t.Fatalf("%s: %d %s", who, res.Status, res.Body)
			}
			var p struct{ Items []dispute }
			res.Decode(&p)
			return p.Items
		}
		if ds := mine("before", v.Token); len(ds) != 0 {
			t.Fatalf("disputes before any: %+v", ds)
		}
		res := h.Do("POST", fmt.Sprintf("/api/v1/hour-entries/%d/disputes", out.Entry.ID), v.Token,
			map[string]any{"reason": "扫码签退时误点，实际服务到11点40分"})
		if res.Status != http.StatusCreated {
			t.Fatalf("dispute: %d %s", res.Status, res.Body)
		}
		ds := mine("after", v.Token)
		if len(ds) != 1 || ds[0].EntryID != out.Entry.ID || ds[0].Status != "open" || ds[0].Reason != "扫码签退时误点，实际服务到11点40分" {
			t.Fatalf("the volunteer's disputes: %+v", ds)
		}
		if ds := mine("another volunteer", w.Token); len(ds) != 0 {
			t.Errorf("another volunteer sees %+v", ds)
		}
		var e struct {
			Disputed bool `json:"disputed"`
		}
		h.Do("GET", fmt.Sprintf("/api/v1/hour-entries/%d", out.Entry.ID), v.Token, nil).Decode(&e)
		if !e.Disputed {
			t.Error("the entry does not show its open dispute")
		}
		if res := h.Do("GET", "/api/v1/me/disputes", "", nil); res.Status != http.StatusUnauthorized {
			t.Errorf("anonymous: %d", res.Status)
		}
	})
}
