package api_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"zhiyuan"
	"zhiyuan/internal/server/servertest"
	"zhiyuan/internal/sqlstore"
)

type sessionResp struct {
	ID         int64  `json:"id"`
	StartsAt   string `json:"starts_at"`
	EndsAt     string `json:"ends_at"`
	Capacity   int    `json:"capacity"`
	SeatsTaken int    `json:"seats_taken"`
	SeatsLeft  int    `json:"seats_left"`
	Pending    int    `json:"pending"`
	Waitlisted int    `json:"waitlisted"`
	Status     string `json:"status"`
}

type activityResp struct {
	ID         int64         `json:"id"`
	OrgID      int64         `json:"org_id"`
	Title      string        `json:"title"`
	Status     string        `json:"status"`
	RegionCode string        `json:"region_code"`
	TimeZone   string        `json:"time_zone"`
	SeatsLeft  int           `json:"seats_left"`
	Sessions   []sessionResp `json:"sessions"`
	CanManage  bool          `json:"can_manage"`
	DistanceKm *float64      `json:"distance_km"`
}

type activityPage struct {
	Items      []activityResp `json:"items"`
	NextCursor string         `json:"next_cursor"`
}

// activityEnv is a platform with an approved organisation and its admin.
type activityEnv struct {
	*servertest.Env
	t        *testing.T
	org      orgResp
	admin    string // token of the organisation's admin
	approver string // city admin of Guangzhou
}

func newActivityEnv(t *testing.T, e *servertest.Env) *activityEnv {
	t.Helper()
	approver, _ := e.Admin(zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: "440100"})
	o, admin := approvedOrg(t, e, approver, "天河区青年志愿者协会")
	return &activityEnv{Env: e, t: t, org: o, admin: admin, approver: approver}
}

// at returns a time d from now, whole minutes, as RFC 3339 in Beijing time.
func (a *activityEnv) at(d time.Duration) string {
	return a.Store.Now().Add(d).Truncate(time.Minute).In(zhiyuan.Beijing).Format(time.RFC3339)
}

// activityBody is the request of the issue with one session of capacity seats three days
// from now.
func (a *activityEnv) activityBody(title string, capacity int) map[string]any {
	return map[string]any{
		"title": title, "category": "elderly_care", "description": "陪伴社区长者聊天、读报、整理房间",
		"region_code": "440106", "address": "天河区五山街道某社区", "lat": 23.155, "lng": 113.35, "checkin_radius_m": 300,
		"signup_mode": "first_come", "min_age": 0, "max_age": 0, "members_only": false,
		"sessions": []map[string]any{{"starts_at": a.at(72 * time.Hour), "ends_at": a.at(75 * time.Hour), "capacity": capacity}},
	}
}

// create posts an activity and fails the test unless it is created.
func (a *activityEnv) create(body map[string]any) activityResp {
	a.t.Helper()
	res := a.Do("POST", fmt.Sprintf("/api/v1/organizations/%d/activities", a.org.ID), a.admin, body)
	if res.Status != http.StatusCreated {
		a.t.Fatalf("create activity: %d %s", res.Status, res.Body)
	}
	var out activityResp
	res.Decode(&out)
	return out
}

// published creates and publishes an activity.
func (a *activityEnv) published(body map[string]any) activityResp {
	a.t.Helper()
	act := a.create(body)
	res := a.Do("POST", fmt.Sprintf("/api/v1/activities/%d/publish", act.ID), a.admin, nil)
	if res.Status != http.StatusOK {
		a.t.Fatalf("publish: %d %s", res.Status, res.Body)
	}
	res.Decode(&act)
	return act
}

// volunteers registers n adult volunteers in one batch and returns API tokens for them
// (sessions made in the store: logging in 500 people is not what these tests are about).
func (a *activityEnv) volunteers(n int, mut func(i int, v *zhiyuan.Volunteer)) ([]string, []int64) {
	a.t.Helper()
	batch := make([]sqlstore.BulkVolunteer, n)
	for i := range batch {
		v := &zhiyuan.Volunteer{Name: fmt.Sprintf("志愿者%d", i), IDType: zhiyuan.IDResident, IDNumberMasked: "440***********001X",
			Phone: a.NewPhone(), RegionCode: "440106", BirthDate: time.Date(1995, 3, 1, 0, 0, 0, 0, time.UTC), Sex: "female"}
		if mut != nil {
			mut(i, v)
		}
		batch[i] = sqlstore.BulkVolunteer{Volunteer: v, Secrets: sqlstore.VolunteerSecrets{PasswordHash: "x", IDNumberIndex: "act" + v.Phone}}
	}
	if err := a.Store.BulkCreateVolunteers(a.t.Context(), batch); err != nil {
		a.t.Fatal(err)
	}
	tokens, ids := make([]string, n), make([]int64, n)
	for i, b := range batch {
		sess, err := a.Store.CreateSession(a.t.Context(), b.Volunteer.AccountID, zhiyuan.SessionAPI, time.Hour, zhiyuan.Client{})
		if err != nil {
			a.t.Fatal(err)
		}
		tokens[i], ids[i] = sess.Token, b.Volunteer.ID
	}
	return tokens, ids
}

func wantError(t *testing.T, what string, res *servertest.Response, status int, code zhiyuan.Code, field string) {
	t.Helper()
	c, msg, fields := res.Error()
	if res.Status != status || c != code || (field != "" && fields[field] == "") {
		t.Fatalf("%s: got %d %s %q %v, want %d %s naming %q", what, res.Status, c, msg, fields, status, code, field)
	}
}

func TestActivityCreatePublishGet(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		a := newActivityEnv(t, e)
		body := a.activityBody("社区长者探访", 20)
		body["sessions"] = append(body["sessions"].([]map[string]any),
			map[string]any{"starts_at": a.at(96 * time.Hour), "ends_at": a.at(99 * time.Hour), "capacity": 10})
		act := a.create(body)
		if act.Status != "draft" || len(act.Sessions) != 2 || act.Sessions[0].Capacity != 20 || act.Sessions[0].SeatsTaken != 0 ||
			act.Sessions[0].ID == 0 || act.TimeZone != "Asia/Shanghai" {
			t.Fatalf("created %+v", act)
		}
		path := fmt.Sprintf("/api/v1/activities/%d", act.ID)
		// A draft exists for its admins only.
		wantStatus(t, "draft, anonymous", e.Do("GET", path, "", nil), http.StatusNotFound)
		wantStatus(t, "draft session, anonymous", e.Do("GET", fmt.Sprintf("/api/v1/sessions/%d", act.Sessions[0].ID), "", nil), http.StatusNotFound)
		wantStatus(t, "draft, admin", e.Do("GET", path, a.admin, nil), http.StatusOK)
		search := e.Do("GET", "/api/v1/activities?q=长者", "", nil)
		var page activityPage
		search.Decode(&page)
		if len(page.Items) != 0 {
			t.Fatalf("draft listed: %s", search.Body)
		}

		res := e.Do("POST", path+"/publish", a.admin, nil)
		wantStatus(t, "publish", res, http.StatusOK)
		res.Decode(&act)
		if act.Status != "published" || act.Sessions[0].Status != "open" {
			t.Fatalf("published %+v", act)
		}
		wantError(t, "publish twice", e.Do("POST", path+"/publish", a.admin, nil), http.StatusConflict, zhiyuan.EConflict, "status")

		res = e.Do("GET", path, "", nil)
		wantStatus(t, "public", res, http.StatusOK)
		var got activityResp
		res.Decode(&got)
		if got.Title != "社区长者探访" || got.SeatsLeft != 30 || got.CanManage {
			t.Fatalf("public view %+v", got)
		}
		res = e.Do("GET", fmt.Sprintf("/api/v1/sessions/%d", act.Sessions[1].ID), "", nil)
		var se sessionResp
		res.Decode(&se)
		if se.Capacity != 10 || se.SeatsTaken != 0 || se.SeatsLeft != 10 {
			t.Fatalf("session %s", res.Body)
		}
		// The organisation's list shows it to its admin.
		res = e.Do("GET", fmt.Sprintf("/api/v1/organizations/%d/activities", a.org.ID), a.admin, nil)
		res.Decode(&page)
		if len(page.Items) != 1 || page.Items[0].ID != act.ID {
			t.Fatalf("org list %s", res.Body)
		}
	})
}

func TestActivityCreateRefusals(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		a := newActivityEnv(t, e)
		path := fmt.Sprintf("/api/v1/organizations/%d/activities", a.org.ID)

		bad := a.activityBody("", 0)
		bad["category"] = "shopping"
		bad["region_code"] = "440100"
		bad["sessions"] = []map[string]any{
			{"starts_at": a.at(72 * time.Hour), "ends_at": a.at(71 * time.Hour), "capacity": 0},
			{"starts_at": "tomorrow", "ends_at": a.at(80 * time.Hour), "capacity": 5},
		}
		wantError(t, "bad time", e.Do("POST", path, a.admin, bad), http.StatusUnprocessableEntity, zhiyuan.EInvalid, "sessions[1].starts_at")
		bad["sessions"] = bad["sessions"].([]map[string]any)[:1]
		res := e.Do("POST", path, a.admin, bad)
		_, _, fields := res.Error()
		for _, f := range []string{"title", "category", "region_code", "sessions[0].ends_at", "sessions[0].capacity"} {
			if fields[f] == "" {
				t.Errorf("no message for %s: %s", f, res.Body)
			}
		}
		wantError(t, "no sessions", e.Do("POST", path, a.admin, map[string]any{"title": "x", "category": "health",
			"region_code": "440106", "address": "某地"}), http.StatusUnprocessableEntity, zhiyuan.EInvalid, "sessions")

		// Not an admin of this organisation; anonymous; a pending organisation.
		other, _ := orgUser(t, e)
		wantStatus(t, "other account", e.Do("POST", path, other, a.activityBody("x", 5)), http.StatusForbidden)
		wantStatus(t, "anonymous", e.Do("POST", path, "", a.activityBody("x", 5)), http.StatusUnauthorized)
		pending := registerOrg(t, e, other, orgBody("待审核的组织", "440106", 0))
		wantStatus(t, "pending organisation", e.Do("POST", fmt.Sprintf("/api/v1/organizations/%d/activities", pending.ID), other,
			a.activityBody("x", 5)), http.StatusForbidden)
		var n int
		e.Store.DB().QueryRow("SELECT COUNT(*) FROM activities").Scan(&n)
		if n != 0 {
			t.Fatalf("%d activities written by refused requests", n)
		}

		// The admin of another organisation gets 403 on this one's activity.
		act := a.published(a.activityBody("社区长者探访", 5))
		otherOrg, otherAdmin := approvedOrg(t, e, a.approver, "越秀区志愿者协会")
		_ = otherOrg
		for _, c := range []struct{ method, path string }{
			{"POST", fmt.Sprintf("/api/v1/activities/%d/close", act.ID)},
			{"PATCH", fmt.Sprintf("/api/v1/activities/%d", act.ID)},
			{"PATCH", fmt.Sprintf("/api/v1/sessions/%d", act.Sessions[0].ID)},
			{"GET", fmt.Sprintf("/api/v1/sessions/%d/signups", act.Sessions[0].ID)},
			{"GET", fmt.Sprintf("/api/v1/organizations/%d/activities", a.org.ID)},
		} {
			wantStatus(t, "other org admin "+c.method+" "+c.path, e.Do(c.method, c.path, otherAdmin, map[string]any{"capacity": 1}), http.StatusForbidden)
		}
	})
}

func TestActivityOvernightSessionTimeZone(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		a := newActivityEnv(t, e)
		day := a.Store.Now().In(zhiyuan.Beijing).AddDate(0, 0, 10).Format("2006-01-02")
		next := a.Store.Now().In(zhiyuan.Beijing).AddDate(0, 0, 11).Format("2006-01-02")
		body := a.activityBody("跨年夜平安志愿服务", 50)
		body["sessions"] = []map[string]any{{"starts_at": day + "T23:00:00+08:00", "ends_at": next + "T02:00:00+08:00", "capacity": 50}}
		act := a.published(body)
		se := act.Sessions[0]
		if se.StartsAt != day+"T23:00:00+08:00" || se.EndsAt != next+"T02:00:00+08:00" {
			t.Fatalf("shown %s – %s", se.StartsAt, se.EndsAt)
		}
		stored, _, err := e.Store.FindSessionByID(t.Context(), se.ID)
		if err != nil {
			t.Fatal(err)
		}
		want, _ := time.Parse(time.RFC3339, day+"T15:00:00Z")
		if !stored.StartsAt.Equal(want) || stored.StartsAt.Location() != time.UTC || stored.EndsAt.Sub(stored.StartsAt) != 3*time.Hour {
			t.Fatalf("stored %v – %v", stored.StartsAt, stored.EndsAt)
		}
		// A local time without offset is taken in the activity's zone.
		body["sessions"] = []map[string]any{{"starts_at": day + "T23:00", "ends_at": next + "T02:00", "capacity": 5}}
		if got := a.create(body).Sessions[0]; got.StartsAt != se.StartsAt || got.EndsAt != se.EndsAt {
			t.Fatalf("local times: %+v", got)
		}
		// The page shows the night in Beijing time.
		page := e.Browser().Get(fmt.Sprintf("/activities/%d", act.ID))
		html := string(page.Body)
		if page.Status != http.StatusOK || !strings.Contains(html, day+" 23:00") || !strings.Contains(html, "次日 02:00") {
			t.Fatalf("page %d does not show %s 23:00–次日 02:00:\n%s", page.Status, day, html)
		}
	})
}

func TestActivityRecurringSessions(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		a := newActivityEnv(t, e)
		now := a.Store.Now().In(zhiyuan.Beijing)
		first := now.AddDate(0, 0, (int(time.Saturday)-int(now.Weekday())+7)%7+7) // a Saturday at least a week ahead
		body := a.activityBody("周六河涌清洁", 0)
		delete(body, "sessions")
		body["recurrence"] = map[string]any{"first_date": first.Format("2006-01-02"), "start_time": "09:00", "end_time": "12:00", "weeks": 10, "capacity": 30}
		act := a.create(body)
		if len(act.Sessions) != 10 {
			t.Fatalf("%d sessions", len(act.Sessions))
		}
		for i, se := range act.Sessions {
			st, _ := time.Parse(time.RFC3339, se.StartsAt)
			en, _ := time.Parse(time.RFC3339, se.EndsAt)
			if st.Weekday() != time.Saturday || st.Format("15:04") != "09:00" || en.Format("15:04") != "12:00" || se.Capacity != 30 {
				t.Fatalf("session %d: %+v", i, se)
			}
			if want := first.AddDate(0, 0, 7*i).Format("2006-01-02"); st.Format("2006-01-02") != want {
				t.Fatalf("session %d on %s, want %s", i, st.Format("2006-01-02"), want)
			}
		}
		// More sessions later, in one step too.
		res := e.Do("POST", fmt.Sprintf("/api/v1/activities/%d/sessions", act.ID), a.admin, map[string]any{
			"recurrence": map[string]any{"first_date": first.AddDate(0, 0, 70).Format("2006-01-02"), "start_time": "14:00", "end_time": "16:00", "weeks": 2, "capacity": 5}})
		wantStatus(t, "add sessions", res, http.StatusCreated)
		res.Decode(&act)
		if len(act.Sessions) != 12 {
			t.Fatalf("%d sessions after adding", len(act.Sessions))
		}
		wantError(t, "bad recurrence", e.Do("POST", fmt.Sprintf("/api/v1/activities/%d/sessions", act.ID), a.admin, map[string]any{
			"recurrence": map[string]any{"first_date": "next week", "start_time": "14:00", "end_time": "16:00", "weeks": 2, "capacity": 5}}),
			http.StatusUnprocessableEntity, zhiyuan.EInvalid, "recurrence.first_date")
	})
}

func TestActivityPatchAndCapacity(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		a := newActivityEnv(t, e)
		act := a.published(a.activityBody("社区长者探访", 5))
		tokens, _ := a.volunteers(3, nil)
		for _, tok := range tokens {
			wantStatus(t, "sign up", e.Do("POST", fmt.Sprintf("/api/v1/sessions/%d/signups", act.Sessions[0].ID), tok, nil), http.StatusCreated)
		}
		sp := fmt.Sprintf("/api/v1/sessions/%d", act.Sessions[0].ID)
		wantError(t, "capacity below seats", e.Do("PATCH", sp, a.admin, map[string]any{"capacity": 2}), http.StatusUnprocessableEntity, zhiyuan.EInvalid, "capacity")
		res := e.Do("PATCH", sp, a.admin, map[string]any{"capacity": 3})
		wantStatus(t, "capacity to seats taken", res, http.StatusOK)
		var se sessionResp
		res.Decode(&se)
		if se.Capacity != 3 || se.SeatsTaken != 3 || se.SeatsLeft != 0 {
			t.Fatalf("after patch %s", res.Body)
		}
		res = e.Do("PATCH", fmt.Sprintf("/api/v1/activities/%d", act.ID), a.admin, map[string]any{"title": "社区长者探访（第二期）", "min_age": 16})
		wantStatus(t, "patch activity", res, http.StatusOK)
		var got activityResp
		res.Decode(&got)
		if got.Title != "社区长者探访（第二期）" || got.Status != "published" {
			t.Fatalf("patched %s", res.Body)
		}
		wantError(t, "patch mode", e.Do("PATCH", fmt.Sprintf("/api/v1/activities/%d", act.ID), a.admin, map[string]any{"signup_mode": "admission"}),
			http.StatusUnprocessableEntity, zhiyuan.EInvalid, "signup_mode")
		wantError(t, "patch title empty", e.Do("PATCH", fmt.Sprintf("/api/v1/activities/%d", act.ID), a.admin, map[string]any{"title": " "}),
			http.StatusUnprocessableEntity, zhiyuan.EInvalid, "title")
	})
}

func TestActivitySearchAPI(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		a := newActivityEnv(t, e)
		a.published(a.activityBody("天河敬老院探访", 5))
		beach := a.activityBody("深圳湾海滩清洁", 5)
		beach["region_code"], beach["category"], beach["lat"], beach["lng"] = "440305", "environment", 22.52, 113.95
		a.published(beach)
		a.create(a.activityBody("敬老草稿", 5))
		titles := func(query string) []string {
			t.Helper()
			res := e.Do("GET", "/api/v1/activities?"+query, "", nil)
			wantStatus(t, query, res, http.StatusOK)
			var page activityPage
			res.Decode(&page)
			var out []string
			for _, it := range page.Items {
				out = append(out, it.Title)
			}
			return out
		}
		cases := map[string]string{
			"q=%E6%95%AC%E8%80%81":                "天河敬老院探访", // 敬老
			"region=440300":                       "深圳湾海滩清洁",
			"region=440100&category=elderly_care": "天河敬老院探访",
			"near=22.53,113.94&within_km=5":       "深圳湾海滩清洁",
			"q=%E6%B8%85%E6%B4%81&open=true":      "深圳湾海滩清洁", // 清洁
		}
		for q, want := range cases {
			if got := titles(q); len(got) != 1 || got[0] != want {
				t.Errorf("%s: %q, want %s", q, got, want)
			}
		}
		if got := titles("sort=distance&near=22.53,113.94&within_km=100"); len(got) != 2 || got[0] != "深圳湾海滩清洁" {
			t.Errorf("by distance: %q", got)
		}
		for q, field := range map[string]string{"region=999999": "region", "category=x": "category", "from=12/01": "from",
			"near=abc": "near", "sort=distance": "sort", "cursor=zzz": "cursor", "open=maybe": "open"} {
			wantError(t, q, e.Do("GET", "/api/v1/activities?"+q, "", nil), http.StatusUnprocessableEntity, zhiyuan.EInvalid, field)
		}
	})
}

func TestProjects(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		a := newActivityEnv(t, e)
		path := fmt.Sprintf("/api/v1/organizations/%d/projects", a.org.ID)
		res := e.Do("POST", path, a.admin, map[string]any{"title": "银龄关爱项目", "category": "elderly_care", "description": "长期探访社区长者"})
		wantStatus(t, "create project", res, http.StatusCreated)
		var p struct {
			ID         int64  `json:"id"`
			RegionCode string `json:"region_code"`
		}
		res.Decode(&p)
		if p.ID == 0 || p.RegionCode != "440106" {
			t.Fatalf("project %s", res.Body)
		}
		wantError(t, "no title", e.Do("POST", path, a.admin, map[string]any{"title": ""}), http.StatusUnprocessableEntity, zhiyuan.EInvalid, "title")
		other, _ := orgUser(t, e)
		wantStatus(t, "other account", e.Do("POST", path, other, map[string]any{"title": "x"}), http.StatusForbidden)
		res = e.Do("GET", path, "", nil)
		if res.Status != http.StatusOK || !strings.Contains(string(res.Body), "银龄关爱项目") {
			t.Fatalf("list: %d %s", res.Status, res.Body)
		}
		body := a.activityBody("长者探访（项目内）", 5)
		body["project_id"] = p.ID
		act := a.create(body)
		res = e.Do("GET", fmt.Sprintf("/api/v1/activities/%d", act.ID), a.admin, nil)
		if !strings.Contains(string(res.Body), fmt.Sprintf(`"project_id":%d`, p.ID)) {
			t.Fatalf("activity without its project: %s", res.Body)
		}
		// Another organisation's project cannot be used.
		o2, admin2 := approvedOrg(t, e, a.approver, "越秀区志愿者协会")
		body["project_id"] = p.ID
		wantError(t, "foreign project", e.Do("POST", fmt.Sprintf("/api/v1/organizations/%d/activities", o2.ID), admin2, body),
			http.StatusUnprocessableEntity, zhiyuan.EInvalid, "project_id")
	})
}
