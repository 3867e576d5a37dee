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

// recVolunteer registers a volunteer in region with a profile and an API token.
func recVolunteer(t *testing.T, h *hourstest.Env, region string, birth time.Time, prof sqlstore.VolunteerProfile) hourstest.Volunteer {
	t.Helper()
	ctx := context.Background()
	phone := h.NewPhone()
	b := sqlstore.BulkVolunteer{
		Volunteer: &zhiyuan.Volunteer{Name: "推荐" + phone[len(phone)-4:], IDType: zhiyuan.IDResident,
			IDNumberMasked: "440***********123X", Phone: phone, RegionCode: region, BirthDate: birth, Sex: "male"},
		Secrets: sqlstore.VolunteerSecrets{PasswordHash: "x", IDNumberIndex: "ix-" + phone},
	}
	if err := h.Store.BulkCreateVolunteers(ctx, []sqlstore.BulkVolunteer{b}); err != nil {
		t.Fatal(err)
	}
	if err := h.Store.UpdateVolunteerProfile(ctx, b.Volunteer.ID, prof); err != nil {
		t.Fatal(err)
	}
	s, err := h.Store.CreateSession(ctx, b.Volunteer.AccountID, zhiyuan.SessionAPI, time.Hour*24, zhiyuan.Client{})
	if err != nil {
		t.Fatal(err)
	}
	return hourstest.Volunteer{ID: b.Volunteer.ID, AccountID: b.Volunteer.AccountID, Phone: phone, Token: s.Token}
}

// recActivity creates and publishes an activity of the hourstest organisation with one
// session [start, start+d) and returns it; edit changes it before it is saved.
func recActivity(t *testing.T, h *hourstest.Env, title, region string, lat, lng float64, start time.Time, d time.Duration, capacity int, edit func(a *zhiyuan.Activity)) *zhiyuan.Activity {
	t.Helper()
	ctx := context.Background()
	a := &zhiyuan.Activity{OrgID: h.Org.ID, Title: title, Category: zhiyuan.CatHealth, RegionCode: region,
		Address: "广州市", Lat: lat, Lng: lng,
		Sessions: []zhiyuan.ActivitySession{{StartsAt: start.UTC(), EndsAt: start.Add(d).UTC(), Capacity: capacity}}}
	if edit != nil {
		edit(a)
	}
	if err := a.Validate(h.Store.Now()); err != nil {
		t.Fatal(err)
	}
	if err := h.Store.CreateActivity(ctx, a, h.OrgAdmin); err != nil {
		t.Fatal(err)
	}
	if err := h.Store.PublishActivity(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	a, err := h.Store.FindActivityByID(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

type recItem struct {
	ActivityID int64    `json:"activity_id"`
	SessionID  int64    `json:"session_id"`
	Title      string   `json:"title"`
	Reasons    []string `json:"reasons"`
	Reason     string   `json:"reason"`
	DistanceKm *float64 `json:"distance_km"`
	SignupURL  string   `json:"signup_url"`
}

func TestRecommendations(t *testing.T) {
	t.Parallel()
	hourstest.Each(t, 0, func(t *testing.T, h *hourstest.Env) {
		ctx := context.Background()
		// A week after the hourstest day: Saturday 2037-03-14 and Sunday 2037-03-15.
		sat := hourstest.Day("09:00").Add(7 * 24 * time.Hour)
		sun := sat.Add(24 * time.Hour)
		yuexiu := zhiyuan.LatLng{Lat: 23.129, Lng: 113.266}
		firstAid := func(a *zhiyuan.Activity) { a.Skills = []string{"急救"} }
		near := recActivity(t, h, "越秀急救培训", "440104", yuexiu.Lat+2.3/111.195, yuexiu.Lng, sat, 3*time.Hour, 10, firstAid)
		far := recActivity(t, h, "花都急救保障", "440114", 23.40, 113.22, sat.Add(-time.Hour), time.Hour, 10, firstAid)
		members := recActivity(t, h, "会员急救", "440104", 23.13, 113.27, sun.Add(6*time.Hour), time.Hour, 10, func(a *zhiyuan.Activity) {
			a.Skills, a.MembersOnly = []string{"急救"}, true
		})
		old := recActivity(t, h, "长者急救", "440104", 23.13, 113.27, sun.Add(8*time.Hour), time.Hour, 10, func(a *zhiyuan.Activity) {
			a.MinAge = 60
		})
		full := recActivity(t, h, "名额已满", "440104", 23.13, 113.27, sun.Add(10*time.Hour), time.Hour, 1, nil)
		mine := recActivity(t, h, "我已报名", "440104", 23.13, 113.27, sun, 3*time.Hour, 10, nil)
		clash := recActivity(t, h, "时间冲突", "440104", 23.13, 113.27, sun.Add(time.Hour), time.Hour, 10, nil)

		v := recVolunteer(t, h, "440104", time.Date(1995, 3, 1, 0, 0, 0, 0, time.UTC), sqlstore.VolunteerProfile{
			Skills: []string{"急救"}, ServiceAreas: []string{"440100"},
			Availability: zhiyuan.Availability{Weekdays: []int{6}, Times: []string{"morning"}}})
		other := recVolunteer(t, h, "440104", time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC), sqlstore.VolunteerProfile{})
		for _, sg := range []struct {
			vol int64
			a   *zhiyuan.Activity
		}{{other.ID, full}, {v.ID, mine}} {
			se := sg.a.Sessions[0]
			if _, err := h.Store.CreateSignup(ctx, sqlstore.SignupRequest{SessionID: se.ID, ActivityID: sg.a.ID, VolunteerID: sg.vol,
				Mode: zhiyuan.SignupFirstCome, StartsAt: se.StartsAt, EndsAt: se.EndsAt}); err != nil {
				t.Fatal(err)
			}
		}

		get := func(query string) []recItem {
			t.Helper()
			res := h.Do("GET", "/api/v1/me/recommendations"+query, v.Token, nil)
			if res.Status != http.StatusOK {
				t.Fatalf("%s: %d %s", query, res.Status, res.Body)
			}
			var out struct{ Items []recItem }
			res.Decode(&out)
			return out.Items
		}
		for _, query := range []string{"", fmt.Sprintf("?lat=%v&lng=%v", yuexiu.Lat, yuexiu.Lng)} {
			items := get(query)
			pos := map[int64]int{}
			for i, it := range items {
				pos[it.ActivityID] = i + 1
			}
			for _, a := range []*zhiyuan.Activity{members, old, full, mine, clash} {
				if pos[a.ID] != 0 {
					t.Errorf("%q: %s (cannot sign up) is recommended: %+v", query, a.Title, items)
				}
			}
			if pos[near.ID] == 0 || pos[far.ID] == 0 || pos[near.ID] > pos[far.ID] {
				t.Fatalf("%q: the 越秀 first-aid session should come before the distant one: %+v", query, items)
			}
			first := items[pos[near.ID]-1]
			wantPlace := "就在你所在的区县"
			if query != "" {
				wantPlace = "距你 2.3 公里"
			}
			if want := "你擅长的急救 · " + wantPlace + " · 周六上午你有空"; first.Reason != want {
				t.Errorf("%q: reason %q, want %q", query, first.Reason, want)
			}
			if first.SignupURL != fmt.Sprintf("/activities/%d#session-%d", near.ID, near.Sessions[0].ID) {
				t.Errorf("signup url %q", first.SignupURL)
			}
			second := items[pos[far.ID]-1]
			farPlace := "在你愿意服务的地区"
			if query != "" {
				farPlace = "距你 " + zhiyuan.FormatKm(zhiyuan.DistanceKm(yuexiu, zhiyuan.LatLng{Lat: far.Lat, Lng: far.Lng})) + " 公里"
			}
			// 08:00 on Saturday: morning, a day they are free.
			if want := "你擅长的急救 · " + farPlace + " · 周六上午你有空"; second.Reason != want {
				t.Errorf("%q: far reason %q, want %q", query, second.Reason, want)
			}
		}

		// A point given half is refused naming the field.
		res := h.Do("GET", "/api/v1/me/recommendations?lat=91&lng=113", v.Token, nil)
		if _, _, fields := res.Error(); res.Status != http.StatusUnprocessableEntity || fields["lat"] == "" {
			t.Fatalf("bad lat: %d %s", res.Status, res.Body)
		}
		// A member is recommended the members-only session.
		if _, err := h.Store.ApplyMembership(ctx, h.Org.ID, v.ID); err != nil {
			t.Fatal(err)
		}
		if err := h.Store.DecideMembership(ctx, h.Org.ID, v.ID, zhiyuan.MemberApproved, h.OrgAdmin, nil); err != nil {
			t.Fatal(err)
		}
		found := false
		for _, it := range get("") {
			if it.ActivityID == members.ID {
				found = true
				if !strings.Contains(it.Reason, "你所在的"+h.Org.Name) {
					t.Errorf("member reason %q", it.Reason)
				}
			}
		}
		if !found {
			t.Fatal("a member is not recommended the members-only session")
		}
	})
}

// TestRecommendationReasonsServedAndMember: the reasons for the categories a volunteer
// served before (你参加过…) and the organisations they belong to (你所在的…) come from the
// data, through the API, for the volunteer (为你推荐) and for the organiser (candidates):
// neither before the volunteer served or joined, each exactly once after, and only on the
// activities they concern.
func TestRecommendationReasonsServedAndMember(t *testing.T) {
	t.Parallel()
	hourstest.Each(t, 0, func(t *testing.T, h *hourstest.Env) {
		ctx := context.Background()
		v := recVolunteer(t, h, "440106", time.Date(1995, 3, 1, 0, 0, 0, 0, time.UTC), sqlstore.VolunteerProfile{})
		// They take a seat in this morning's 敬老服务 session (09:00–12:00).
		if res := h.Do("POST", fmt.Sprintf("/api/v1/sessions/%d/signups", h.Session.ID), v.Token, nil); res.Status != http.StatusCreated {
			t.Fatalf("sign-up: %d %s", res.Status, res.Body)
		}
		nextSat := hourstest.Day("14:00").Add(7 * 24 * time.Hour)
		elderly := recActivity(t, h, "长者助餐", "440106", 23.15, 113.35, nextSat, 3*time.Hour, 10, func(a *zhiyuan.Activity) {
			a.Category = zhiyuan.CatElderly
		})
		health := recActivity(t, h, "社区义诊", "440106", 23.15, 113.35, nextSat.Add(24*time.Hour), 3*time.Hour, 10, nil)

		recs := func() map[int64]string {
			t.Helper()
			res := h.Do("GET", "/api/v1/me/recommendations", v.Token, nil)
			if res.Status != http.StatusOK {
				t.Fatalf("recommendations: %d %s", res.Status, res.Body)
			}
			var out struct{ Items []recItem }
			res.Decode(&out)
			m := map[int64]string{}
			for _, it := range out.Items {
				if strings.Join(it.Reasons, " · ") != it.Reason {
					t.Errorf("reason %q is not its reasons %q joined", it.Reason, it.Reasons)
				}
				m[it.ActivityID] = it.Reason
			}
			return m
		}
		candidate := func(se zhiyuan.ActivitySession) string {
			t.Helper()
			res := h.Do("GET", fmt.Sprintf("/api/v1/sessions/%d/candidates", se.ID), h.OrgToken, nil)
			if res.Status != http.StatusOK {
				t.Fatalf("candidates: %d %s", res.Status, res.Body)
			}
			var out struct {
				Items []struct {
					VolunteerID int64  `json:"volunteer_id"`
					Reason      string `json:"reason"`
				} `json:"items"`
			}
			res.Decode(&out)
			for _, it := range out.Items {
				if it.VolunteerID == v.ID {
					return it.Reason
				}
			}
			t.Fatalf("the volunteer is not a candidate for session %d: %s", se.ID, res.Body)
			return ""
		}
		check := func(when string, wantElderly, wantHealth, wantCandElderly, wantCandHealth string) {
			t.Helper()
			got := recs()
			if got[elderly.ID] != wantElderly {
				t.Errorf("%s: 长者助餐 reason %q, want %q", when, got[elderly.ID], wantElderly)
			}
			if got[health.ID] != wantHealth {
				t.Errorf("%s: 社区义诊 reason %q, want %q", when, got[health.ID], wantHealth)
			}
			if c := candidate(elderly.Sessions[0]); c != wantCandElderly {
				t.Errorf("%s: candidate reason for 长者助餐 %q, want %q", when, c, wantCandElderly)
			}
			if c := candidate(health.Sessions[0]); c != wantCandHealth {
				t.Errorf("%s: candidate reason for 社区义诊 %q, want %q", when, c, wantCandHealth)
			}
		}
		served := zhiyuan.CatElderly.Chinese()
		const home, homeC, reliable = "就在你所在的区县", "就在活动所在区县", "无缺席和迟取消记录"

		// While the session is still on, nothing is served yet.
		h.Clock.Set(hourstest.Day("10:00"))
		check("during the session", home, home, homeC+" · "+reliable, homeC+" · "+reliable)

		// Once it has ended, 敬老服务 is a category they served in; 义诊 (health) is not.
		h.Clock.Set(hourstest.Day("12:30"))
		check("after the session", home+" · 你参加过"+served, home,
			homeC+" · 参加过"+served+" · "+reliable, homeC+" · "+reliable)

		// Approved as a member of the organisation, both of its activities say so.
		if _, err := h.Store.ApplyMembership(ctx, h.Org.ID, v.ID); err != nil {
			t.Fatal(err)
		}
		check("applied, not yet approved", home+" · 你参加过"+served, home,
			homeC+" · 参加过"+served+" · "+reliable, homeC+" · "+reliable)
		if err := h.Store.DecideMembership(ctx, h.Org.ID, v.ID, zhiyuan.MemberApproved, h.OrgAdmin, nil); err != nil {
			t.Fatal(err)
		}
		member := "你所在的" + h.Org.Name
		memberC := h.Org.Name + "的成员"
		check("a member", home+" · 你参加过"+served+" · "+member, home+" · "+member,
			homeC+" · 参加过"+served+" · "+memberC+" · "+reliable, homeC+" · "+memberC+" · "+reliable)
	})
}
