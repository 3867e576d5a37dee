package api_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"zhiyuan"
	"zhiyuan/internal/hourstest"
	"zhiyuan/internal/sqlstore"
)

func TestSessionCandidatesAndInvitations(t *testing.T) {
	t.Parallel()
	hourstest.Each(t, 0, func(t *testing.T, h *hourstest.Env) {
		ctx := context.Background()
		se := h.Afternoon // 14:00–17:00 in 天河 (440106), the organisation's own district
		vols := h.AddVolunteers(3, false)
		in, optedOut, signedUp := vols[0], vols[1], vols[2]
		if err := h.Store.UpdateVolunteerProfile(ctx, in.ID, sqlstore.VolunteerProfile{
			Availability: zhiyuan.Availability{Weekdays: []int{6}, Times: []string{"afternoon"}}}); err != nil {
			t.Fatal(err)
		}
		outside := recVolunteer(t, h, "440104", time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC), sqlstore.VolunteerProfile{})
		if res := h.Do("PUT", "/api/v1/me/invitation-setting", optedOut.Token, map[string]any{"invitations": false}); res.Status != http.StatusOK {
			t.Fatalf("opt out: %d %s", res.Status, res.Body)
		}
		if res := h.Do("POST", fmt.Sprintf("/api/v1/sessions/%d/signups", se.ID), signedUp.Token, nil); res.Status != http.StatusCreated {
			t.Fatalf("sign-up: %d %s", res.Status, res.Body)
		}

		res := h.Do("GET", fmt.Sprintf("/api/v1/sessions/%d/candidates", se.ID), h.OrgToken, nil)
		if res.Status != http.StatusOK {
			t.Fatalf("candidates: %d %s", res.Status, res.Body)
		}
		var got struct {
			Items []map[string]any `json:"items"`
		}
		res.Decode(&got)
		ids := map[int64]map[string]any{}
		for _, it := range got.Items {
			ids[int64(it["volunteer_id"].(float64))] = it
			for k := range it {
				switch k {
				case "volunteer_id", "name_masked", "stars", "score", "reasons", "reason":
				default:
					t.Errorf("candidate shows %q", k)
				}
			}
		}
		c, ok := ids[in.ID]
		if !ok {
			t.Fatalf("the volunteer in the district is not a candidate: %s", res.Body)
		}
		if want := "就在活动所在区县 · 周六下午有空 · 无缺席和迟取消记录"; c["reason"] != want {
			t.Errorf("reason %q, want %q", c["reason"], want)
		}
		for name, v := range map[string]hourstest.Volunteer{"opted out": optedOut, "signed up": signedUp, "outside the reach": outside} {
			if _, ok := ids[v.ID]; ok {
				t.Errorf("%s volunteer is a candidate", name)
			}
		}
		body := string(res.Body)
		for _, v := range vols {
			if strings.Contains(body, "志愿者"+v.Phone[len(v.Phone)-4:]) || strings.Contains(body, v.Phone) {
				t.Errorf("candidates show a full name or phone: %s", body)
			}
		}
		if !strings.Contains(c["name_masked"].(string), "*") {
			t.Errorf("name not masked: %v", c["name_masked"])
		}
		// Only the organisation's managers see candidates.
		if r := h.Do("GET", fmt.Sprintf("/api/v1/sessions/%d/candidates", se.ID), in.Token, nil); r.Status != http.StatusForbidden {
			t.Errorf("a volunteer reads candidates: %d", r.Status)
		}

		path := fmt.Sprintf("/api/v1/sessions/%d/invitations", se.ID)
		for name, v := range map[string]hourstest.Volunteer{"opted out": optedOut, "outside the reach": outside} {
			r := h.Do("POST", path, h.OrgToken, map[string]any{"volunteer_ids": []int64{in.ID, v.ID}})
			if _, _, fields := r.Error(); r.Status != http.StatusUnprocessableEntity || fields["volunteer_ids"] == "" {
				t.Errorf("inviting a volunteer %s: %d %s", name, r.Status, r.Body)
			}
		}
		var inv struct{ Invited int }
		r := h.Do("POST", path, h.OrgToken, map[string]any{"volunteer_ids": []int64{in.ID}})
		r.Decode(&inv)
		if r.Status != http.StatusOK || inv.Invited != 1 {
			t.Fatalf("invite: %d %s", r.Status, r.Body)
		}
		h.Do("POST", path, h.OrgToken, map[string]any{"volunteer_ids": []int64{in.ID}}).Decode(&inv)
		if inv.Invited != 0 {
			t.Errorf("inviting again notified again: %d", inv.Invited)
		}
		var notes struct {
			Items []struct{ Kind, Title, Body, Link string }
		}
		h.Do("GET", "/api/v1/me/notifications", in.Token, nil).Decode(&notes)
		n := 0
		for _, it := range notes.Items {
			if it.Kind == zhiyuan.NoticeInvited {
				n++
				if it.Link != fmt.Sprintf("/activities/%d#session-%d", h.Activity.ID, se.ID) || !strings.Contains(it.Body, h.Activity.Title) {
					t.Errorf("notice %+v", it)
				}
			}
		}
		if n != 1 {
			t.Errorf("%d invitation notices, want 1: %+v", n, notes.Items)
		}
		// Invited and opted out since: no longer a candidate either.
		h.Do("PUT", "/api/v1/me/invitation-setting", in.Token, map[string]any{"invitations": false})
		res = h.Do("GET", fmt.Sprintf("/api/v1/sessions/%d/candidates", se.ID), h.OrgToken, nil)
		if strings.Contains(string(res.Body), fmt.Sprintf(`"volunteer_id":%d,`, in.ID)) {
			t.Error("a volunteer who turned invitations off is still a candidate")
		}
	})
}
