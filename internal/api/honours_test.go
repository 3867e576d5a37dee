package api_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"zhiyuan"
	"zhiyuan/internal/hourstest"
	"zhiyuan/internal/server/servertest"
	"zhiyuan/internal/testneed"
)

// honoursWorld is hourstest's platform (organisation A in 天河区 440106 with a session
// and seated volunteers) plus an organisation B in 越秀区 (440104), admins of both, the
// district admins of 天河 and 越秀, the city admin of 广州, and memberships: the first
// two volunteers are approved members of A, the third of B (and lives in 越秀).
type honoursWorld struct {
	*hourstest.Env
	OrgB                                 *zhiyuan.Organization
	OrgBToken                            string
	Tianhe, Yuexiu, Guangzhou, Shenzhen  string // regional admins' tokens
	MemberA, MemberA2, MemberB, Outsider hourstest.Volunteer
}

func newHonoursWorld(t *testing.T, h *hourstest.Env) *honoursWorld {
	t.Helper()
	ctx := context.Background()
	w := &honoursWorld{Env: h}
	w.OrgB = &zhiyuan.Organization{Name: "越秀区助老服务队", Type: "志愿服务队", RegionCode: "440104", ContactName: "王老师",
		ContactPhone: "13800002222", CreatedBy: h.OrgAdmin}
	if err := h.Store.CreateOrganization(ctx, w.OrgB); err != nil {
		t.Fatal(err)
	}
	if err := h.Store.DecideOrganization(ctx, w.OrgB.ID, zhiyuan.OrgApproved, "", h.OrgAdmin, nil); err != nil {
		t.Fatal(err)
	}
	w.OrgBToken, _ = h.Admin(zhiyuan.Role{Kind: zhiyuan.RoleOrgAdmin, OrgID: w.OrgB.ID})
	w.Tianhe, _ = h.Admin(zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: "440106"})
	w.Yuexiu, _ = h.Admin(zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: "440104"})
	w.Guangzhou, _ = h.Admin(zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: "440100"})
	w.Shenzhen, _ = h.Admin(zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: "440300"})
	w.MemberA, w.MemberA2, w.MemberB, w.Outsider = h.Volunteers[0], h.Volunteers[1], h.Volunteers[2], h.Volunteers[3]
	join := func(org int64, v hourstest.Volunteer) {
		if _, err := h.Store.ApplyMembership(ctx, org, v.ID); err != nil {
			t.Fatal(err)
		}
		if err := h.Store.DecideMembership(ctx, org, v.ID, zhiyuan.MemberApproved, h.OrgAdmin, nil); err != nil {
			t.Fatal(err)
		}
	}
	join(h.Org.ID, w.MemberA)
	join(h.Org.ID, w.MemberA2)
	join(w.OrgB.ID, w.MemberB)
	if _, err := h.Store.DB().Exec(h.Store.Rebind(`UPDATE volunteers SET region_code = '440104' WHERE id = ?`), w.MemberB.ID); err != nil {
		t.Fatal(err)
	}
	return w
}

type awardResp struct {
	ID           int64  `json:"id"`
	VolunteerID  int64  `json:"volunteer_id"`
	OrgID        int64  `json:"org_id"`
	Title        string `json:"title"`
	Level        string `json:"level"`
	GrantorName  string `json:"grantor_name"`
	RevokedAt    string `json:"revoked_at"`
	RevokeReason string `json:"revoke_reason"`
}

type honoursResp struct {
	Awards   []awardResp `json:"awards"`
	Training []struct {
		Course string  `json:"course"`
		Hours  float64 `json:"hours"`
	} `json:"training"`
	TrainingHours float64 `json:"training_hours"`
	Evaluations   struct {
		Count   int     `json:"count"`
		Average float64 `json:"average"`
	} `json:"evaluations"`
	Sessions []struct {
		SessionID int64 `json:"session_id"`
		Rating    int   `json:"rating"`
	} `json:"sessions"`
	CareVisits []struct {
		ID int64 `json:"id"`
	} `json:"care_visits"`
}

func myHonours(t *testing.T, h *hourstest.Env, token string) (honoursResp, string) {
	t.Helper()
	res := h.Do("GET", "/api/v1/me/honours", token, nil)
	if res.Status != http.StatusOK {
		t.Fatalf("me/honours: %d %s", res.Status, res.Body)
	}
	var out honoursResp
	res.Decode(&out)
	return out, string(res.Body)
}

// wantHonourStatus fails unless res has status and, when field is not "", names field.
func wantHonourStatus(t *testing.T, what string, res *servertest.Response, status int, field string) {
	t.Helper()
	if res.Status != status {
		t.Errorf("%s: %d %s, want %d", what, res.Status, res.Body, status)
		return
	}
	if field != "" {
		if _, _, fields := res.Error(); fields[field] == "" {
			t.Errorf("%s: %s does not name %s", what, res.Body, field)
		}
	}
}

// TestAwardScope: an organisation grants its own (org-level) awards to its own members
// only; a district administrator cannot grant a city-level award nor in the city's name;
// a city grants up to city level to a volunteer or an organisation of the city, not
// beyond it; revoking asks for a reason, is for the grantor only, and happens once; the
// volunteer's honours show what stands.
func TestAwardScope(t *testing.T) {
	t.Parallel()
	hourstest.Each(t, 4, func(t *testing.T, h *hourstest.Env) {
		w := newHonoursWorld(t, h)
		orgAwards := fmt.Sprintf("/api/v1/organizations/%d/awards", h.Org.ID)
		body := func(extra map[string]any) map[string]any {
			b := map[string]any{"title": "优秀志愿者", "awarded_on": "2037-01-15", "certificate_no": "天青志〔2037〕3号"}
			for k, v := range extra {
				b[k] = v
			}
			return b
		}
		res := h.Do("POST", orgAwards, h.OrgToken, body(map[string]any{"volunteer_no": w.MemberA.No}))
		var own awardResp
		res.Decode(&own)
		if res.Status != http.StatusCreated || own.Level != "org" || own.VolunteerID != w.MemberA.ID || own.GrantorName != h.Org.Name {
			t.Fatalf("org award to a member: %d %s", res.Status, res.Body)
		}
		wantHonourStatus(t, "org A grants to org B's volunteer", h.Do("POST", orgAwards, h.OrgToken, body(map[string]any{"volunteer_id": w.MemberB.ID})),
			http.StatusUnprocessableEntity, "volunteer_no")
		wantHonourStatus(t, "org B grants in org A's name", h.Do("POST", orgAwards, w.OrgBToken, body(map[string]any{"volunteer_id": w.MemberA.ID})),
			http.StatusForbidden, "")
		wantHonourStatus(t, "org grants a city-level award", h.Do("POST", orgAwards, h.OrgToken, body(map[string]any{"volunteer_id": w.MemberA.ID, "level": "city"})),
			http.StatusForbidden, "level")
		wantHonourStatus(t, "no title, bad date", h.Do("POST", orgAwards, h.OrgToken, map[string]any{"volunteer_id": w.MemberA.ID, "awarded_on": "2037-13-01"}),
			http.StatusUnprocessableEntity, "title")
		wantHonourStatus(t, "a future date", h.Do("POST", orgAwards, h.OrgToken, body(map[string]any{"volunteer_id": w.MemberA.ID, "awarded_on": "2037-12-01"})),
			http.StatusUnprocessableEntity, "awarded_on")

		region := func(token, grantor string, extra map[string]any) *servertest.Response {
			b := body(extra)
			b["grantor_region"] = grantor
			return h.Do("POST", "/api/v1/awards", token, b)
		}
		wantHonourStatus(t, "district admin grants a city-level award", region(w.Tianhe, "440106", map[string]any{"volunteer_id": w.MemberA.ID, "level": "city"}),
			http.StatusForbidden, "level")
		wantHonourStatus(t, "district admin grants in the city's name", region(w.Tianhe, "440100", map[string]any{"volunteer_id": w.MemberA.ID, "level": "city"}),
			http.StatusForbidden, "")
		wantHonourStatus(t, "district admin grants to another district's volunteer", region(w.Tianhe, "440106", map[string]any{"volunteer_id": w.MemberB.ID, "level": "district"}),
			http.StatusForbidden, "volunteer_no")
		wantHonourStatus(t, "a region grants an org-level award", region(w.Tianhe, "440106", map[string]any{"volunteer_id": w.MemberA.ID, "level": "org"}),
			http.StatusUnprocessableEntity, "level")
		res = region(w.Tianhe, "440106", map[string]any{"volunteer_id": w.MemberA.ID, "level": "district", "title": "五星志愿者"})
		var district awardResp
		res.Decode(&district)
		if res.Status != http.StatusCreated || district.Level != "district" || !strings.Contains(district.GrantorName, "天河区") {
			t.Fatalf("district award: %d %s", res.Status, res.Body)
		}
		wantHonourStatus(t, "city grants a provincial award", region(w.Guangzhou, "440100", map[string]any{"volunteer_id": w.MemberA.ID, "level": "provincial"}),
			http.StatusForbidden, "level")
		wantHonourStatus(t, "another city grants to a Guangzhou organisation", region(w.Shenzhen, "440300", map[string]any{"org_id": h.Org.ID, "level": "city"}),
			http.StatusForbidden, "org_id")
		wantHonourStatus(t, "a volunteer and an organisation at once", region(w.Guangzhou, "440100", map[string]any{"org_id": h.Org.ID, "volunteer_id": w.MemberA.ID, "level": "city"}),
			http.StatusUnprocessableEntity, "volunteer_no")
		res = region(w.Guangzhou, "440100", map[string]any{"org_id": h.Org.ID, "level": "city", "title": "优秀志愿服务组织"})
		var toOrg awardResp
		res.Decode(&toOrg)
		if res.Status != http.StatusCreated || toOrg.OrgID != h.Org.ID || toOrg.VolunteerID != 0 {
			t.Fatalf("award to an organisation: %d %s", res.Status, res.Body)
		}
		res = region(w.Guangzhou, "440100", map[string]any{"volunteer_id": w.MemberB.ID, "level": "city", "title": "最美志愿者"})
		var city awardResp
		res.Decode(&city)
		if res.Status != http.StatusCreated {
			t.Fatalf("city award to a volunteer of another district: %d %s", res.Status, res.Body)
		}

		// Revoking: the district cannot touch the city's award, a reason is needed, once.
		revoke := fmt.Sprintf("/api/v1/awards/%d/revoke", city.ID)
		wantHonourStatus(t, "district revokes the city's award", h.Do("POST", revoke, w.Tianhe, map[string]any{"reason": "错误"}), http.StatusNotFound, "")
		wantHonourStatus(t, "revoke without reason", h.Do("POST", revoke, w.Guangzhou, map[string]any{"reason": " "}), http.StatusUnprocessableEntity, "reason")
		res = h.Do("POST", revoke, w.Guangzhou, map[string]any{"reason": "评选材料不实"})
		var revoked awardResp
		res.Decode(&revoked)
		if res.Status != http.StatusOK || revoked.RevokedAt == "" || revoked.RevokeReason != "评选材料不实" {
			t.Fatalf("revoke: %d %s", res.Status, res.Body)
		}
		wantHonourStatus(t, "revoke again", h.Do("POST", revoke, w.Guangzhou, map[string]any{"reason": "再次"}), http.StatusConflict, "")
		wantHonourStatus(t, "org B revokes org A's award", h.Do("POST", fmt.Sprintf("/api/v1/awards/%d/revoke", own.ID), w.OrgBToken, map[string]any{"reason": "x"}),
			http.StatusNotFound, "")

		// What stands shows on the volunteers' honours; the revoked one does not.
		hon, _ := myHonours(t, h, w.MemberA.Token)
		if len(hon.Awards) != 2 {
			t.Errorf("member A's awards: %+v", hon.Awards)
		}
		if hon, _ := myHonours(t, h, w.MemberB.Token); len(hon.Awards) != 0 {
			t.Errorf("member B sees a revoked award: %+v", hon.Awards)
		}
		// Lists are the grantor's: the region's list has its two, revoked one included.
		var list struct{ Items []awardResp }
		res = h.Do("GET", "/api/v1/awards?region=440100", w.Guangzhou, nil)
		res.Decode(&list)
		if res.Status != http.StatusOK || len(list.Items) != 2 {
			t.Errorf("city's awards: %d %s", res.Status, res.Body)
		}
		wantHonourStatus(t, "district lists the city's awards", h.Do("GET", "/api/v1/awards?region=440100", w.Tianhe, nil), http.StatusForbidden, "")
		wantHonourStatus(t, "org B lists org A's awards", h.Do("GET", orgAwards, w.OrgBToken, nil), http.StatusForbidden, "")
		// Granting and revoking are audited.
		res = h.Do("GET", "/api/v1/audit?region=440100", w.Guangzhou, nil)
		if !strings.Contains(string(res.Body), `"award.grant"`) || !strings.Contains(string(res.Body), `"award.revoke"`) {
			t.Errorf("audit lacks the award actions: %s", res.Body)
		}
	})
}

// TestTrainingApartFromHours: training is recorded for members only, shows on the
// honours with its hours, and never enters the hours.
func TestTrainingApartFromHours(t *testing.T) {
	t.Parallel()
	hourstest.Each(t, 4, func(t *testing.T, h *hourstest.Env) {
		w := newHonoursWorld(t, h)
		path := fmt.Sprintf("/api/v1/organizations/%d/trainings", h.Org.ID)
		res := h.Do("POST", path, h.OrgToken, map[string]any{"volunteer_no": w.MemberA.No, "course": "应急救护培训", "hours": 2.5, "trained_on": "2037-02-01"})
		if res.Status != http.StatusCreated || !strings.Contains(string(res.Body), `"organiser":"`+h.Org.Name) {
			t.Fatalf("training: %d %s", res.Status, res.Body)
		}
		wantHonourStatus(t, "training for a non-member", h.Do("POST", path, h.OrgToken, map[string]any{"volunteer_id": w.MemberB.ID, "course": "x", "hours": 1, "trained_on": "2037-02-01"}),
			http.StatusUnprocessableEntity, "volunteer_no")
		wantHonourStatus(t, "zero hours", h.Do("POST", path, h.OrgToken, map[string]any{"volunteer_id": w.MemberA.ID, "course": "x", "hours": 0, "trained_on": "2037-02-01"}),
			http.StatusUnprocessableEntity, "hours")
		wantHonourStatus(t, "org B records for org A", h.Do("POST", path, w.OrgBToken, map[string]any{"volunteer_id": w.MemberA.ID, "course": "x", "hours": 1, "trained_on": "2037-02-01"}),
			http.StatusForbidden, "")
		hon, _ := myHonours(t, h, w.MemberA.Token)
		if len(hon.Training) != 1 || hon.TrainingHours != 2.5 || hon.Training[0].Course != "应急救护培训" {
			t.Fatalf("honours training: %+v", hon)
		}
		m := myHoursOf(h, w.MemberA)
		if m.Confirmed != 0 || m.Pending != 0 || len(m.Entries) != 0 {
			t.Fatalf("training counted as service hours: %+v", m)
		}
		var n int
		if err := h.Store.DB().QueryRow(h.Store.Rebind(`SELECT COUNT(*) FROM hour_entries WHERE volunteer_id = ?`), w.MemberA.ID).Scan(&n); err != nil || n != 0 {
			t.Fatalf("ledger entries after training: %d %v", n, err)
		}
	})
}

// TestEvaluationsAfterAttendance: an organiser evaluates only volunteers who attended,
// a volunteer evaluates only what they attended; one row per volunteer and session
// however many submit at once; the activity's average is public, the organisers' comments
// are not on the volunteer's honours.
func TestEvaluationsAfterAttendance(t *testing.T) {
	t.Parallel()
	hourstest.Each(t, 4, func(t *testing.T, h *hourstest.Env) {
		w := newHonoursWorld(t, h)
		came, absent := w.MemberA, w.MemberA2
		h.Clock.Set(hourstest.Day("09:05"))
		if res := h.Scan(came, h.Code(h.Session.ID), "in", nil); res.Status != http.StatusOK && res.Status != http.StatusCreated {
			t.Fatalf("check in: %d %s", res.Status, res.Body)
		}
		rate := func(token string, vid int64, rating int, comment string) *servertest.Response {
			return h.Do("PUT", fmt.Sprintf("/api/v1/sessions/%d/evaluations/%d", h.Session.ID, vid), token, map[string]any{"rating": rating, "comment": comment})
		}
		wantHonourStatus(t, "evaluate an absent volunteer", rate(h.OrgToken, absent.ID, 5, ""), http.StatusUnprocessableEntity, "volunteer_id")
		wantHonourStatus(t, "rating 6", rate(h.OrgToken, came.ID, 6, ""), http.StatusUnprocessableEntity, "rating")
		wantHonourStatus(t, "rating 0", rate(h.OrgToken, came.ID, 0, ""), http.StatusUnprocessableEntity, "rating")
		wantHonourStatus(t, "org B evaluates", rate(w.OrgBToken, came.ID, 1, ""), http.StatusForbidden, "")
		wantHonourStatus(t, "a volunteer evaluates a volunteer", rate(came.Token, came.ID, 5, ""), http.StatusForbidden, "")

		// Twenty submissions at once: all answer, one row, one of their ratings.
		var wg sync.WaitGroup
		statuses := make([]int, 20)
		for i := range statuses {
			wg.Add(1)
			go func() {
				defer wg.Done()
				statuses[i] = rate(h.OrgToken, came.ID, 1+i%5, "认真负责，服务细致").Status
			}()
		}
		wg.Wait()
		for i, s := range statuses {
			if s != http.StatusOK {
				t.Errorf("submission %d: %d", i, s)
			}
		}
		count := func(table string, vid int64) int {
			var n int
			if err := h.Store.DB().QueryRow(h.Store.Rebind(`SELECT COUNT(*) FROM `+table+` WHERE session_id = ? AND volunteer_id = ?`), h.Session.ID, vid).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		if n := count("volunteer_evaluations", came.ID); n != 1 {
			t.Fatalf("%d organiser evaluations after concurrent submissions, want 1", n)
		}
		// Editable: the last word stands.
		if res := rate(h.OrgToken, came.ID, 4, "准时到岗"); res.Status != http.StatusOK || !strings.Contains(string(res.Body), `"rating":4`) {
			t.Fatalf("edit: %d %s", res.Status, res.Body)
		}

		mine := func(v hourstest.Volunteer, rating int) *servertest.Response {
			return h.Do("PUT", fmt.Sprintf("/api/v1/sessions/%d/my-evaluation", h.Session.ID), v.Token, map[string]any{"rating": rating, "comment": "组织有序"})
		}
		wantHonourStatus(t, "an absent volunteer evaluates the activity", mine(absent, 5), http.StatusUnprocessableEntity, "session_id")
		statuses = make([]int, 10)
		for i := range statuses {
			wg.Add(1)
			go func() {
				defer wg.Done()
				statuses[i] = mine(came, 5).Status
			}()
		}
		wg.Wait()
		for i, s := range statuses {
			if s != http.StatusOK {
				t.Errorf("volunteer's submission %d: %d", i, s)
			}
		}
		if n := count("activity_evaluations", came.ID); n != 1 {
			t.Fatalf("%d activity evaluations after concurrent submissions, want 1", n)
		}

		var rating struct {
			Count   int     `json:"count"`
			Average float64 `json:"average"`
		}
		h.Do("GET", fmt.Sprintf("/api/v1/activities/%d/rating", h.Activity.ID), "", nil).Decode(&rating)
		if rating.Count != 1 || rating.Average != 5 {
			t.Errorf("activity rating %+v", rating)
		}
		if page := h.Do("GET", fmt.Sprintf("/activities/%d", h.Activity.ID), "", nil); !strings.Contains(string(page.Body), "5 分") {
			t.Errorf("activity page lacks the average rating")
		}
		hon, raw := myHonours(t, h, came.Token)
		if hon.Evaluations.Count != 1 || hon.Evaluations.Average != 4 {
			t.Errorf("evaluation summary %+v", hon.Evaluations)
		}
		if strings.Contains(raw, "准时到岗") {
			t.Errorf("the organiser's comment reached the volunteer: %s", raw)
		}
		if len(hon.Sessions) != 1 || hon.Sessions[0].SessionID != h.Session.ID || hon.Sessions[0].Rating != 5 {
			t.Errorf("attended sessions %+v", hon.Sessions)
		}
		// The organiser sees the feedback with its comment; org B does not.
		res := h.Do("GET", fmt.Sprintf("/api/v1/sessions/%d/evaluations", h.Session.ID), h.OrgToken, nil)
		if res.Status != http.StatusOK || !strings.Contains(string(res.Body), "组织有序") || !strings.Contains(string(res.Body), "准时到岗") {
			t.Errorf("session evaluations: %d %s", res.Status, res.Body)
		}
		wantHonourStatus(t, "org B reads the evaluations", h.Do("GET", fmt.Sprintf("/api/v1/sessions/%d/evaluations", h.Session.ID), w.OrgBToken, nil), http.StatusForbidden, "")
	})
}

// TestCareVisitVisibility: a care visit is seen by the volunteer, the recording
// organisation and the administrators of its district and city; another organisation,
// another district and another volunteer get 403 or 404.
func TestCareVisitVisibility(t *testing.T) {
	t.Parallel()
	hourstest.Each(t, 4, func(t *testing.T, h *hourstest.Env) {
		w := newHonoursWorld(t, h)
		path := fmt.Sprintf("/api/v1/organizations/%d/care-visits", h.Org.ID)
		wantHonourStatus(t, "unknown kind", h.Do("POST", path, h.OrgToken, map[string]any{"volunteer_id": w.MemberA.ID, "visited_on": "2037-02-10", "kind": "gift"}),
			http.StatusUnprocessableEntity, "kind")
		wantHonourStatus(t, "visit to a non-member", h.Do("POST", path, h.OrgToken, map[string]any{"volunteer_id": w.Outsider.ID, "visited_on": "2037-02-10", "kind": "illness"}),
			http.StatusUnprocessableEntity, "volunteer_no")
		res := h.Do("POST", path, h.OrgToken, map[string]any{"volunteer_id": w.MemberA.ID, "visited_on": "2037-02-10", "kind": "illness", "note": "住院期间探望，送去慰问品\n下周再访"})
		var c struct {
			ID int64 `json:"id"`
		}
		res.Decode(&c)
		if res.Status != http.StatusCreated || c.ID == 0 {
			t.Fatalf("care visit: %d %s", res.Status, res.Body)
		}
		one := fmt.Sprintf("/api/v1/care-visits/%d", c.ID)
		for who, token := range map[string]string{"the volunteer": w.MemberA.Token, "the organisation": h.OrgToken, "the district": w.Tianhe, "the city": w.Guangzhou} {
			if res := h.Do("GET", one, token, nil); res.Status != http.StatusOK || !strings.Contains(string(res.Body), "住院期间探望") {
				t.Errorf("%s reads the visit: %d %s", who, res.Status, res.Body)
			}
		}
		for who, token := range map[string]string{"another organisation": w.OrgBToken, "another district": w.Yuexiu, "another city": w.Shenzhen, "another volunteer": w.MemberA2.Token} {
			if res := h.Do("GET", one, token, nil); res.Status != http.StatusNotFound || strings.Contains(string(res.Body), "住院期间探望") {
				t.Errorf("%s reads the visit: %d %s", who, res.Status, res.Body)
			}
		}
		for who, token := range map[string]string{"another organisation": w.OrgBToken, "another district": w.Yuexiu, "a volunteer": w.MemberA.Token} {
			if res := h.Do("GET", path, token, nil); res.Status != http.StatusForbidden {
				t.Errorf("%s lists the organisation's visits: %d %s", who, res.Status, res.Body)
			}
		}
		if res := h.Do("GET", path, w.Tianhe, nil); res.Status != http.StatusOK || !strings.Contains(string(res.Body), "住院期间探望") {
			t.Errorf("the district lists the visits: %d %s", res.Status, res.Body)
		}
		if hon, _ := myHonours(t, h, w.MemberA.Token); len(hon.CareVisits) != 1 {
			t.Errorf("the volunteer's visits: %+v", hon.CareVisits)
		}
		if hon, _ := myHonours(t, h, w.MemberA2.Token); len(hon.CareVisits) != 0 {
			t.Errorf("another volunteer's visits: %+v", hon.CareVisits)
		}
		// The audit says a visit was recorded, not what it was about.
		if strings.Contains(string(h.Do("GET", "/api/v1/audit?region=440106", w.Tianhe, nil).Body), "住院") {
			t.Error("the care note reached the audit log")
		}
		// Closing the account takes the visit with it.
		if err := h.Store.CloseVolunteer(t.Context(), w.MemberA.ID); err != nil {
			t.Fatal(err)
		}
		if res := h.Do("GET", path, h.OrgToken, nil); res.Status != http.StatusOK || strings.Contains(string(res.Body), "住院期间探望") {
			t.Errorf("a closed account's care visit is still listed: %d %s", res.Status, res.Body)
		}
	})
}

// TestAwardsOnProof: a platform proof prints the volunteer's awards and training; a
// revoked award leaves the next proof, and a new award makes a new proof rather than
// handing out the last one again.
func TestAwardsOnProof(t *testing.T) {
	t.Parallel()
	servertest.NeedFont(t)
	testneed.Poppler.Tool(t, "pdftotext")
	hourstest.Each(t, 4, func(t *testing.T, h *hourstest.Env) {
		w := newHonoursWorld(t, h)
		v := w.MemberA
		h.Clock.Set(hourstest.Day("09:05"))
		h.Scan(v, h.Code(h.Session.ID), "in", nil)
		h.Clock.Set(hourstest.Day("11:50"))
		h.Scan(v, h.Code(h.Session.ID), "out", nil)
		h.Clock.Set(hourstest.Day("13:00"))
		if res := h.Do("POST", fmt.Sprintf("/api/v1/sessions/%d/hours/confirm", h.Session.ID), h.OrgToken, nil); res.Status != http.StatusOK {
			t.Fatalf("confirm: %d %s", res.Status, res.Body)
		}
		issue := func() (string, proofResp) {
			t.Helper()
			res := h.Do("POST", "/api/v1/me/proofs", v.Token, nil)
			if res.Status != http.StatusCreated && res.Status != http.StatusOK {
				t.Fatalf("issue proof: %d %s", res.Status, res.Body)
			}
			var p proofResp
			res.Decode(&p)
			pdf := h.Do("GET", p.PDFURL, v.Token, nil)
			return pdfToText(t, pdf.Body), p
		}
		text, first := issue()
		if strings.Contains(text, "表彰奖励") || strings.Contains(text, "培训情况") {
			t.Errorf("a proof without honours prints their sections:\n%s", text)
		}
		res := h.Do("POST", "/api/v1/awards", w.Tianhe, map[string]any{"grantor_region": "440106", "volunteer_id": v.ID, "level": "district",
			"title": "五星志愿者", "awarded_on": "2037-01-15", "certificate_no": "TH-2037-008"})
		var aw awardResp
		res.Decode(&aw)
		if res.Status != http.StatusCreated {
			t.Fatalf("award: %d %s", res.Status, res.Body)
		}
		h.Do("POST", fmt.Sprintf("/api/v1/organizations/%d/trainings", h.Org.ID), h.OrgToken,
			map[string]any{"volunteer_id": v.ID, "course": "应急救护培训", "hours": 3, "trained_on": "2037-02-01"})
		text, second := issue()
		if second.Code == first.Code {
			t.Fatal("a new award handed out the old proof again")
		}
		flat := strings.Join(strings.Fields(text), "")
		for _, want := range []string{"表彰奖励", "五星志愿者", "区县级", "TH-2037-008", "天河区", "培训情况", "应急救护培训", "2037-01-15", "2.5小时"} {
			if !strings.Contains(flat, want) {
				t.Errorf("proof text lacks %q:\n%s", want, text)
			}
		}
		// Training hours are not service hours: the total stays 2.5.
		if second.TotalHours != 2.5 {
			t.Errorf("total hours %v with training", second.TotalHours)
		}
		h.Do("POST", fmt.Sprintf("/api/v1/awards/%d/revoke", aw.ID), w.Tianhe, map[string]any{"reason": "重复授予"})
		text, _ = issue()
		if strings.Contains(text, "五星志愿者") {
			t.Errorf("a revoked award is on the proof:\n%s", text)
		}
	})
}
