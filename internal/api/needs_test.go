package api_test

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"zhiyuan"
	"zhiyuan/internal/hourstest"
	"zhiyuan/internal/server/servertest"
)

type needResp struct {
	ID             int64    `json:"id"`
	Title          string   `json:"title"`
	Status         string   `json:"status"`
	Takers         int      `json:"takers"`
	MaxTakers      int      `json:"max_takers"`
	SessionsHeld   int      `json:"sessions_held"`
	ConfirmedHours float64  `json:"confirmed_hours"`
	Rating         int      `json:"rating"`
	DistanceKm     *float64 `json:"distance_km"`
	TakenBy        []struct {
		OrgID      int64 `json:"org_id"`
		ActivityID int64 `json:"activity_id"`
	} `json:"taken_by"`
}

// needBody is a need in 天河区 from starts for three hours.
func needBody(title string, starts time.Time, extra map[string]any) map[string]any {
	b := map[string]any{
		"title": title, "category": "elderly_care", "description": "为独居老人打扫房间、陪伴聊天",
		"target_group": "独居老人", "region_code": "440106", "address": "天河区五山街道华工社区",
		"lat": 23.15, "lng": 113.35, "starts_at": starts.Format(time.RFC3339), "ends_at": starts.Add(3 * time.Hour).Format(time.RFC3339),
		"volunteers_wanted": 2, "skills": []string{"陪伴"}, "urgency": "urgent",
	}
	for k, v := range extra {
		b[k] = v
	}
	return b
}

func postNeed(t *testing.T, e *servertest.Env, token string, body map[string]any) needResp {
	t.Helper()
	res := e.Do("POST", "/api/v1/needs", token, body)
	if res.Status != http.StatusCreated {
		t.Fatalf("post need: %d %s", res.Status, res.Body)
	}
	var n needResp
	res.Decode(&n)
	return n
}

func getNeed(t *testing.T, e *servertest.Env, token string, id int64) needResp {
	t.Helper()
	res := e.Do("GET", fmt.Sprintf("/api/v1/needs/%d", id), token, nil)
	if res.Status != http.StatusOK {
		t.Fatalf("get need: %d %s", res.Status, res.Body)
	}
	var n needResp
	res.Decode(&n)
	return n
}

// TestNeedTakenOnceUnderRace: a street posts a single-taker need and two organisations
// take it at the same moment, each from its own goroutine: exactly one gets 201 and a
// draft activity, the other 409, every time; a need that allows two is shared by both.
func TestNeedTakenOnceUnderRace(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		city, _ := e.Admin(zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: "440100"})
		street, _ := e.Admin(zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: "440106"})
		a, adminA := approvedOrg(t, e, city, "天河区青年志愿者协会")
		b, adminB := approvedOrg(t, e, city, "天河区社区志愿服务队")
		starts := e.Store.Now().Add(72 * time.Hour).Truncate(time.Minute)
		for round := 0; round < 5; round++ {
			n := postNeed(t, e, street, needBody(fmt.Sprintf("陪伴独居老人%d", round), starts, nil))
			if n.Status != "open" || n.MaxTakers != 1 {
				t.Fatalf("a street's need is open at once for one taker: %+v", n)
			}
			var wg sync.WaitGroup
			start := make(chan struct{})
			got := make([]*servertest.Response, 2)
			for i, take := range []struct {
				token string
				org   int64
			}{{adminA, a.ID}, {adminB, b.ID}} {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					got[i] = e.Do("POST", fmt.Sprintf("/api/v1/needs/%d/take", n.ID), take.token, map[string]any{"org_id": take.org})
				}()
			}
			close(start)
			wg.Wait()
			won, lost := 0, 0
			var activity int64
			for _, res := range got {
				switch res.Status {
				case http.StatusCreated:
					won++
					var out struct {
						ActivityID int64 `json:"activity_id"`
					}
					res.Decode(&out)
					activity = out.ActivityID
				case http.StatusConflict:
					lost++
					if reason, _ := res.Reasons(); reason != "need.taken" {
						t.Errorf("the loser is told %q", reason)
					}
				default:
					t.Fatalf("take: %d %s", res.Status, res.Body)
				}
			}
			if won != 1 || lost != 1 {
				t.Fatalf("round %d: %d won, %d lost", round, won, lost)
			}
			got2 := getNeed(t, e, "", n.ID)
			if got2.Status != "taken" || got2.Takers != 1 || len(got2.TakenBy) != 1 || got2.TakenBy[0].ActivityID != activity {
				t.Fatalf("after the race: %+v", got2)
			}
			// The activity is a draft of the winner, with the need's fields carried over.
			act, err := e.App.Activity(t.Context(), nil, activity)
			if err == nil || act != nil {
				t.Fatalf("a draft is seen by strangers: %+v", act)
			}
			st, err := e.Store.FindActivityByID(t.Context(), activity)
			if err != nil || st.Status != zhiyuan.ActivityDraft || st.Title != fmt.Sprintf("陪伴独居老人%d", round) ||
				st.TargetGroup != "独居老人" || len(st.Sessions) != 1 || st.Sessions[0].Capacity != 2 || !st.Sessions[0].StartsAt.Equal(starts) {
				t.Fatalf("activity from the need: %+v %v", st, err)
			}
		}

		// A need that allows two organisations is shared by both; a third finds it taken and
		// the same organisation cannot take it twice.
		shared := postNeed(t, e, street, needBody("社区义诊", starts, map[string]any{"max_takers": 2, "urgency": "normal"}))
		if res := e.Do("POST", fmt.Sprintf("/api/v1/needs/%d/take", shared.ID), adminA, map[string]any{"org_id": a.ID}); res.Status != http.StatusCreated {
			t.Fatalf("first of two: %d %s", res.Status, res.Body)
		}
		if res := e.Do("POST", fmt.Sprintf("/api/v1/needs/%d/take", shared.ID), adminA, map[string]any{"org_id": a.ID}); res.Status != http.StatusConflict {
			t.Fatalf("the same organisation twice: %d %s", res.Status, res.Body)
		}
		if n := getNeed(t, e, "", shared.ID); n.Status != "open" || n.Takers != 1 {
			t.Fatalf("a refused second taking changed the need: %+v", n)
		}
		if res := e.Do("POST", fmt.Sprintf("/api/v1/needs/%d/take", shared.ID), adminB, map[string]any{"org_id": b.ID}); res.Status != http.StatusCreated {
			t.Fatalf("second of two: %d %s", res.Status, res.Body)
		}
		_, adminC := approvedOrg(t, e, city, "天河区助老服务社")
		if res := e.Do("POST", fmt.Sprintf("/api/v1/needs/%d/take", shared.ID), adminC, nil); res.Status != http.StatusConflict {
			t.Fatalf("a third: %d %s", res.Status, res.Body)
		}
		if n := getNeed(t, e, "", shared.ID); n.Status != "taken" || n.Takers != 2 || len(n.TakenBy) != 2 {
			t.Fatalf("shared need: %+v", n)
		}
	})
}

// TestNeedReviewScopeAndList: an organisation's need waits for review; only the district
// holding its region may review it, and only then is it listed near its place.
func TestNeedReviewScopeAndList(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		city, _ := e.Admin(zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: "440100"})
		tianhe, _ := e.Admin(zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: "440106"})
		haizhu, _ := e.Admin(zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: "440105"})
		a, adminA := approvedOrg(t, e, city, "天河区青年志愿者协会")
		starts := e.Store.Now().Add(48 * time.Hour).Truncate(time.Minute)

		// Bad input names the field; an identity number in the target group is refused.
		res := e.Do("POST", "/api/v1/needs", adminA, needBody("助残", starts, map[string]any{"org_id": a.ID, "target_group": "44010619900101123X 的老人"}))
		wantError(t, "identity number", res, http.StatusUnprocessableEntity, zhiyuan.EInvalid, "target_group")
		res = e.Do("POST", "/api/v1/needs", adminA, needBody("助残", starts, map[string]any{"org_id": a.ID, "volunteers_wanted": 0}))
		wantError(t, "no volunteers", res, http.StatusUnprocessableEntity, zhiyuan.EInvalid, "volunteers_wanted")
		// Another district cannot post for 天河.
		res = e.Do("POST", "/api/v1/needs", haizhu, needBody("助残", starts, nil))
		wantError(t, "haizhu posts for tianhe", res, http.StatusForbidden, zhiyuan.EForbidden, "")

		n := postNeed(t, e, adminA, needBody("助残出行陪同", starts, map[string]any{"org_id": a.ID}))
		if n.Status != "pending" {
			t.Fatalf("an organisation's need waits for review: %+v", n)
		}
		if l := listNeeds(t, e, "", "?near=23.15,113.35&within_km=5"); len(l) != 0 {
			t.Fatalf("a pending need is listed: %+v", l)
		}
		if res := e.Do("GET", fmt.Sprintf("/api/v1/needs/%d", n.ID), haizhu, nil); res.Status != http.StatusNotFound {
			t.Fatalf("a pending need is seen outside its scope: %d", res.Status)
		}
		if res := e.Do("POST", fmt.Sprintf("/api/v1/needs/%d/take", n.ID), adminA, map[string]any{"org_id": a.ID}); res.Status != http.StatusConflict {
			t.Fatalf("a pending need taken: %d %s", res.Status, res.Body)
		}
		review := fmt.Sprintf("/api/v1/needs/%d/review", n.ID)
		wantError(t, "haizhu reviews", e.Do("POST", review, haizhu, map[string]any{"decision": "approve"}), http.StatusForbidden, zhiyuan.EForbidden, "")
		wantError(t, "the poster reviews", e.Do("POST", review, adminA, map[string]any{"decision": "approve"}), http.StatusForbidden, zhiyuan.EForbidden, "")
		if l := listNeeds(t, e, tianhe, "?status=pending"); len(l) != 1 || l[0].ID != n.ID {
			t.Fatalf("tianhe's review list: %+v", l)
		}
		if l := listNeeds(t, e, haizhu, "?status=pending"); len(l) != 0 {
			t.Fatalf("haizhu's review list: %+v", l)
		}
		if res := e.Do("POST", review, tianhe, map[string]any{"decision": "approve"}); res.Status != http.StatusOK {
			t.Fatalf("tianhe approves: %d %s", res.Status, res.Body)
		}
		wantError(t, "reviewed twice", e.Do("POST", review, tianhe, map[string]any{"decision": "reject"}), http.StatusConflict, zhiyuan.EConflict, "status")
		entries, err := e.Store.FindAudit(t.Context(), auditFilterAction("need.approve"))
		if err != nil || len(entries) != 1 {
			t.Fatalf("approval audited: %v %v", entries, err)
		}

		// Listed near its place, not 50 km away; by category.
		l := listNeeds(t, e, "", "?near=23.16,113.36&within_km=5")
		if len(l) != 1 || l[0].ID != n.ID || l[0].DistanceKm == nil || *l[0].DistanceKm > 2 {
			t.Fatalf("near: %+v", l)
		}
		if l := listNeeds(t, e, "", "?near=23.6,113.6&within_km=10"); len(l) != 0 {
			t.Fatalf("far: %+v", l)
		}
		if l := listNeeds(t, e, "", "?category=education"); len(l) != 0 {
			t.Fatalf("category: %+v", l)
		}
		wantError(t, "bad near", e.Do("GET", "/api/v1/needs?near=north", "", nil), http.StatusUnprocessableEntity, zhiyuan.EInvalid, "near")
	})
}

func listNeeds(t *testing.T, e *servertest.Env, token, q string) []needResp {
	t.Helper()
	res := e.Do("GET", "/api/v1/needs"+q, token, nil)
	if res.Status != http.StatusOK {
		t.Fatalf("list needs%s: %d %s", q, res.Status, res.Body)
	}
	var page struct{ Items []needResp }
	res.Decode(&page)
	return page.Items
}

// TestNeedShowsHoursAndRating: a need carried into an activity shows the sessions its
// activity held and the hours confirmed in them; the street then confirms and rates the
// service, once, and the rating shows on the organisation's ratings.
func TestNeedShowsHoursAndRating(t *testing.T) {
	t.Parallel()
	hourstest.Each(t, 0, func(t *testing.T, h *hourstest.Env) {
		street, _ := h.Admin(zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: "440106"})
		haizhu, _ := h.Admin(zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: "440105"})
		n := postNeed(t, h.Env, street, needBody("长者助餐", hourstest.Day("14:00"), map[string]any{"skills": []string{}}))
		res := h.Do("POST", fmt.Sprintf("/api/v1/needs/%d/take", n.ID), h.OrgToken, nil)
		if res.Status != http.StatusCreated {
			t.Fatalf("take: %d %s", res.Status, res.Body)
		}
		var took struct {
			ActivityID int64 `json:"activity_id"`
		}
		res.Decode(&took)
		if res := h.Do("POST", fmt.Sprintf("/api/v1/activities/%d/publish", took.ActivityID), h.OrgToken, nil); res.Status != http.StatusOK {
			t.Fatalf("publish: %d %s", res.Status, res.Body)
		}
		act, err := h.Store.FindActivityByID(t.Context(), took.ActivityID)
		if err != nil {
			t.Fatal(err)
		}
		sid := act.Sessions[0].ID
		v := h.AddVolunteers(1, false)[0]
		if res := h.Do("POST", fmt.Sprintf("/api/v1/sessions/%d/signups", sid), v.Token, nil); res.Status != http.StatusCreated {
			t.Fatalf("sign up: %d %s", res.Status, res.Body)
		}
		rate := fmt.Sprintf("/api/v1/needs/%d/rating", n.ID)
		h.Clock.Set(hourstest.Day("14:00"))
		h.Scan(v, h.Code(sid), "in", nil)
		h.Clock.Set(hourstest.Day("16:00"))
		if res := h.Scan(v, h.Code(sid), "out", nil); res.Status != http.StatusOK {
			t.Fatalf("out: %d %s", res.Status, res.Body)
		}
		// Before its session ends there is nothing served to rate.
		wantError(t, "rate too early", h.Do("POST", rate, street, map[string]any{"rating": 5}), http.StatusConflict, zhiyuan.EConflict, "status")
		h.Clock.Set(hourstest.Day("17:30"))
		if got := getNeed(t, h.Env, "", n.ID); got.SessionsHeld != 1 || got.ConfirmedHours != 0 || got.Status != "taken" {
			t.Fatalf("before confirmation: %+v", got)
		}
		if res := h.Do("POST", fmt.Sprintf("/api/v1/sessions/%d/hours/confirm", sid), h.OrgToken, map[string]any{}); res.Status != http.StatusOK {
			t.Fatalf("confirm: %d %s", res.Status, res.Body)
		}
		if got := getNeed(t, h.Env, "", n.ID); got.SessionsHeld != 1 || got.ConfirmedHours != 2 {
			t.Fatalf("after confirmation: %+v", got)
		}
		wantError(t, "another district rates", h.Do("POST", rate, haizhu, map[string]any{"rating": 1}), http.StatusForbidden, zhiyuan.EForbidden, "")
		wantError(t, "rating 6", h.Do("POST", rate, street, map[string]any{"rating": 6}), http.StatusUnprocessableEntity, zhiyuan.EInvalid, "rating")
		if res := h.Do("POST", rate, street, map[string]any{"rating": 4, "comment": "准时周到"}); res.Status != http.StatusOK {
			t.Fatalf("rate: %d %s", res.Status, res.Body)
		}
		wantError(t, "rated twice", h.Do("POST", rate, street, map[string]any{"rating": 1}), http.StatusConflict, zhiyuan.EConflict, "rating")
		if got := getNeed(t, h.Env, "", n.ID); got.Status != "served" || got.Rating != 4 {
			t.Fatalf("after rating: %+v", got)
		}
		res = h.Do("GET", fmt.Sprintf("/api/v1/organizations/%d/need-ratings", h.Org.ID), "", nil)
		var rt zhiyuan.NeedRatings
		res.Decode(&rt)
		if res.Status != http.StatusOK || rt.Count != 1 || rt.Average != 4 {
			t.Fatalf("org ratings: %d %s", res.Status, res.Body)
		}
		// The street ends it, once; the organisation cannot.
		closePath := fmt.Sprintf("/api/v1/needs/%d/close", n.ID)
		wantError(t, "the taker closes", h.Do("POST", closePath, h.OrgToken, nil), http.StatusForbidden, zhiyuan.EForbidden, "")
		if res := h.Do("POST", closePath, street, nil); res.Status != http.StatusOK || !strings.Contains(string(res.Body), `"status":"closed"`) {
			t.Fatalf("close: %d %s", res.Status, res.Body)
		}
		wantError(t, "closed twice", h.Do("POST", closePath, street, nil), http.StatusConflict, zhiyuan.EConflict, "status")
		// The organisation's page shows them.
		if page := h.Browser().Get(fmt.Sprintf("/orgs/%d", h.Org.ID)); !strings.Contains(string(page.Body), "社区需求评价") ||
			!strings.Contains(string(page.Body), "4.0 分（1 次）") {
			t.Fatalf("org page without its need ratings: %s", page.Body)
		}
	})
}
