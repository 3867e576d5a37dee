package api_test

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"zhiyuan"
	"zhiyuan/internal/password"
	"zhiyuan/internal/server/servertest"
	"zhiyuan/internal/sqlstore"
)

type yimiaoProject struct {
	ID            int64    `json:"id"`
	Status        string   `json:"status"`
	CityCode      string   `json:"city_code"`
	Score         *float64 `json:"score"`
	Judges        int      `json:"judges_scored"`
	Result        string   `json:"result"`
	ReviewComment string   `json:"review_comment"`
}

type yimiaoScore struct {
	ID         int64      `json:"id"`
	JudgeID    int64      `json:"judge_id"`
	Total      float64    `json:"total"`
	Amends     int64      `json:"amends"`
	Reason     string     `json:"reason"`
	ReplacedAt *time.Time `json:"replaced_at"`
}

// roundBody is a round run by Guangdong: collection open now, every later stage a day
// long after it; the rubric's maxima equal its weights, so points add up to the total.
func roundBody(now time.Time, quotas map[string]int) map[string]any {
	var stages []map[string]any
	at := now.Add(-time.Hour)
	for i, s := range zhiyuan.CompetitionStages {
		end := now.Add(time.Duration(i+1) * 24 * time.Hour)
		stages = append(stages, map[string]any{"stage": string(s), "starts_at": at.Format(time.RFC3339), "ends_at": end.Format(time.RFC3339)})
		at = end
	}
	var qs []map[string]any
	for city, n := range quotas {
		qs = append(qs, map[string]any{"city_code": city, "quota": n})
	}
	return map[string]any{
		"name": "2027 益苗计划", "region_code": "440000", "tracks": []string{"助老", "助残", "乡村振兴"}, "fields": []string{"项目亮点"},
		"max_projects_per_org": 2, "stages": stages, "quotas": qs,
		"criteria": []map[string]any{
			{"name": "需求分析", "weight": 20}, {"name": "项目设计", "weight": 25}, {"name": "团队", "weight": 15},
			{"name": "可持续性", "weight": 20}, {"name": "预算", "weight": 20},
		},
	}
}

// createRound opens a round and then starts every stage an hour ago (each still ending on
// its date), as if time had passed: the tests act in each stage without waiting for it,
// since stages start in order and the database refuses an action before its stage
// starts. createRoundAsIs keeps the dates as given.
func createRound(t *testing.T, e *servertest.Env, token string, body map[string]any) int64 {
	t.Helper()
	id := createRoundAsIs(t, e, token, body)
	if _, err := e.Store.DB().Exec(e.Store.Rebind(`UPDATE competition_stages SET starts_at = ? WHERE competition_id = ?`),
		e.Store.Now().Add(-time.Hour).UTC(), id); err != nil {
		t.Fatal(err)
	}
	return id
}

func createRoundAsIs(t *testing.T, e *servertest.Env, token string, body map[string]any) int64 {
	t.Helper()
	res := e.Do("POST", "/api/v1/competitions", token, body)
	wantStatus(t, "create round", res, http.StatusCreated)
	var c struct{ ID int64 }
	res.Decode(&c)
	return c.ID
}

func entryBody(org int64, name, region string) map[string]any {
	return map[string]any{"org_id": org, "name": name, "track": "助老", "summary": "为社区独居老人提供陪伴", "target_group": "独居老人",
		"region_code": region, "plan": "每周两次上门", "expected_results": "服务200人次", "answers": map[string]string{"项目亮点": "时间银行"},
		"budget": []map[string]any{{"item": "物资", "amount_fen": 120000}, {"item": "交通", "amount_fen": 30050}}, "budget_total_fen": 150050}
}

func draftEntry(t *testing.T, e *servertest.Env, token string, round, org int64, name, region string) yimiaoProject {
	t.Helper()
	res := e.Do("POST", fmt.Sprintf("/api/v1/competitions/%d/projects", round), token, entryBody(org, name, region))
	wantStatus(t, "draft "+name, res, http.StatusCreated)
	var p yimiaoProject
	res.Decode(&p)
	return p
}

func entryPath(id int64, rest string) string {
	return fmt.Sprintf("/api/v1/competition-projects/%d%s", id, rest)
}

// passedEntry drafts, submits and passes a project.
func passedEntry(t *testing.T, e *servertest.Env, orgToken, reviewer string, round, org int64, name, region string) yimiaoProject {
	t.Helper()
	p := draftEntry(t, e, orgToken, round, org, name, region)
	wantStatus(t, "submit "+name, e.Do("POST", entryPath(p.ID, "/submit"), orgToken, nil), http.StatusOK)
	res := e.Do("POST", entryPath(p.ID, "/review"), reviewer, map[string]any{"decision": "pass"})
	wantStatus(t, "pass "+name, res, http.StatusOK)
	res.Decode(&p)
	return p
}

// setStageEnd moves a stage's deadline, as time passing would.
func setStageEnd(t *testing.T, e *servertest.Env, round int64, stage zhiyuan.CompetitionStage, end time.Time) {
	t.Helper()
	if _, err := e.Store.DB().Exec(e.Store.Rebind(`UPDATE competition_stages SET starts_at = ?, ends_at = ? WHERE competition_id = ? AND stage = ?`),
		end.Add(-time.Hour).UTC(), end.UTC(), round, string(stage)); err != nil {
		t.Fatal(err)
	}
}

// yimiaoPerson is an account with a known phone and a volunteer record.
func yimiaoPerson(t *testing.T, e *servertest.Env, name string) (token, phone string, volunteerID int64) {
	t.Helper()
	phone = e.NewPhone()
	hash, _ := password.Hash("test1234", password.Fast)
	v := &zhiyuan.Volunteer{Name: name, IDType: zhiyuan.IDResident, IDNumberMasked: "440***********001X", Phone: phone,
		RegionCode: "440106", BirthDate: time.Date(1980, 5, 1, 0, 0, 0, 0, time.UTC), Sex: "male"}
	if err := e.Store.CreateVolunteer(t.Context(), v, sqlstore.VolunteerSecrets{PasswordHash: hash, IDNumberIndex: "ix" + phone}); err != nil {
		t.Fatal(err)
	}
	return e.Token(phone, "test1234"), phone, v.ID
}

// addJudge makes a new account a judge of the round and returns its token and account id.
func addJudge(t *testing.T, e *servertest.Env, admin string, round int64, name string) (string, int64) {
	t.Helper()
	phone := e.NewPhone()
	res := e.Do("POST", fmt.Sprintf("/api/v1/competitions/%d/judges", round), admin, map[string]any{"phone": phone, "name": name, "password": "judge1234"})
	wantStatus(t, "add judge "+name, res, http.StatusCreated)
	var j struct {
		AccountID int64 `json:"account_id"`
	}
	res.Decode(&j)
	return e.Token(phone, "judge1234"), j.AccountID
}

func assign(t *testing.T, e *servertest.Env, admin string, project, judge int64) {
	t.Helper()
	wantStatus(t, "assign", e.Do("POST", entryPath(project, "/judges"), admin, map[string]any{"judge_id": judge}), http.StatusCreated)
}

// sheet is points for the five criteria that total the given number (maxima = weights).
func sheet(total int) map[string]any {
	pts := []int{20, 25, 15, 20, 20}
	missing := 100 - total
	for i := len(pts) - 1; i >= 0 && missing > 0; i-- {
		d := min(missing, pts[i])
		pts[i] -= d
		missing -= d
	}
	var s []map[string]any
	for _, p := range pts {
		s = append(s, map[string]any{"points": p})
	}
	return map[string]any{"scores": s, "comment": "设计完整"}
}

func score(t *testing.T, e *servertest.Env, judge string, project int64, body map[string]any) yimiaoScore {
	t.Helper()
	res := e.Do("POST", entryPath(project, "/scores"), judge, body)
	wantStatus(t, "score", res, http.StatusCreated)
	var s yimiaoScore
	res.Decode(&s)
	return s
}

type rankingPage struct {
	Items []struct {
		Rank      int     `json:"rank"`
		ProjectID int64   `json:"project_id"`
		Score     float64 `json:"score"`
	} `json:"items"`
}

func ranking(t *testing.T, e *servertest.Env, token string, round int64, city string) rankingPage {
	t.Helper()
	res := e.Do("GET", fmt.Sprintf("/api/v1/competitions/%d/ranking?city=%s", round, city), token, nil)
	wantStatus(t, "ranking", res, http.StatusOK)
	var r rankingPage
	res.Decode(&r)
	return r
}

func TestCompetitionRules422(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		province, _ := e.Admin(zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: "440000"})
		now := e.Store.Now()
		bad := roundBody(now, map[string]int{"440100": 2})
		bad["criteria"] = []map[string]any{{"name": "需求", "weight": 20}, {"name": "设计", "weight": 25}, {"name": "团队", "weight": 15}, {"name": "预算", "weight": 30}}
		res := e.Do("POST", "/api/v1/competitions", province, bad)
		wantStatus(t, "weights 90", res, http.StatusUnprocessableEntity)
		if _, fields := res.Reasons(); fields["criteria"] != "competition.weights_sum" {
			t.Fatalf("weights not summing to 100 are named on criteria: %s", res.Body)
		}
		if !strings.Contains(string(res.Body), "90") {
			t.Errorf("the message says what the weights sum to: %s", res.Body)
		}
		// A city admin cannot open a round for the province; a volunteer cannot at all.
		city, _ := e.Admin(zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: "440100"})
		wantStatus(t, "city opens a provincial round", e.Do("POST", "/api/v1/competitions", city, roundBody(now, nil)), http.StatusForbidden)
		cityRound := roundBody(now, map[string]int{"440300": 1})
		cityRound["region_code"] = "440100"
		res = e.Do("POST", "/api/v1/competitions", city, cityRound)
		if _, fields := res.Reasons(); res.Status != http.StatusUnprocessableEntity || fields["quotas[0].city_code"] == "" {
			t.Fatalf("a city's round gives no quota to another city: %d %s", res.Status, res.Body)
		}

		round := createRound(t, e, province, roundBody(now, map[string]int{"440100": 2}))
		o, orgToken := approvedOrg(t, e, city, "天河区青年志愿者协会")
		p := passedEntry(t, e, orgToken, city, round, o.ID, "银龄陪伴", "440106")
		judge, judgeID := addJudge(t, e, province, round, "评委甲")
		assign(t, e, province, p.ID, judgeID)
		body := sheet(80)
		body["scores"].([]map[string]any)[1]["points"] = 26 // 项目设计: 0..25
		res = e.Do("POST", entryPath(p.ID, "/scores"), judge, body)
		wantStatus(t, "a score out of range", res, http.StatusUnprocessableEntity)
		if _, fields := res.Reasons(); fields["scores[1].points"] != "competition.points_range" {
			t.Fatalf("the criterion out of range is named: %s", res.Body)
		}
		res = e.Do("POST", entryPath(p.ID, "/scores"), judge, map[string]any{"scores": []map[string]any{{"points": 10}}})
		if _, fields := res.Reasons(); res.Status != http.StatusUnprocessableEntity || fields["scores"] == "" {
			t.Fatalf("a sheet missing criteria: %d %s", res.Status, res.Body)
		}
		// The budget must add up; team members must be the organisation's volunteers.
		eb := entryBody(o.ID, "预算不平", "440106")
		eb["budget_total_fen"] = 150000
		res = e.Do("POST", fmt.Sprintf("/api/v1/competitions/%d/projects", round), orgToken, eb)
		if _, fields := res.Reasons(); res.Status != http.StatusUnprocessableEntity || fields["budget_total_fen"] != "competition.budget_total" {
			t.Fatalf("a budget not adding up: %d %s", res.Status, res.Body)
		}
		_, _, stranger := yimiaoPerson(t, e, "路人乙")
		eb = entryBody(o.ID, "外人团队", "440106")
		eb["team"] = []map[string]any{{"volunteer_id": stranger, "role": "负责人"}}
		res = e.Do("POST", fmt.Sprintf("/api/v1/competitions/%d/projects", round), orgToken, eb)
		if _, fields := res.Reasons(); res.Status != http.StatusUnprocessableEntity || fields["team[0].volunteer_id"] != "competition.team_not_member" {
			t.Fatalf("a team member from outside: %d %s", res.Status, res.Body)
		}
		// Nothing half-written: the organisation still has one project.
		res = e.Do("GET", fmt.Sprintf("/api/v1/competitions/%d/projects", round), orgToken, nil)
		var list struct{ Items []yimiaoProject }
		res.Decode(&list)
		if len(list.Items) != 1 {
			t.Fatalf("refused applications were written: %s", res.Body)
		}
	})
}

// TestCompetitionDeadlines: a submission one second after the collection's deadline is
// refused by the database; a returned project can be resubmitted until the first review
// ends and not after; an organisation cannot pass the round's limit of projects.
func TestCompetitionDeadlines(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		province, _ := e.Admin(zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: "440000"})
		city, _ := e.Admin(zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: "440100"})
		o, orgToken := approvedOrg(t, e, city, "天河区青年志愿者协会")
		round := createRound(t, e, province, roundBody(e.Store.Now(), map[string]int{"440100": 2}))

		early := draftEntry(t, e, orgToken, round, o.ID, "银龄陪伴", "440106")
		late := draftEntry(t, e, orgToken, round, o.ID, "助残同行", "440106")
		res := e.Do("POST", fmt.Sprintf("/api/v1/competitions/%d/projects", round), orgToken, entryBody(o.ID, "第三个项目", "440106"))
		if reason, _ := res.Reasons(); res.Status != http.StatusConflict || reason != "competition.per_org_full" {
			t.Fatalf("a third project with a limit of two: %d %s", res.Status, res.Body)
		}
		// Edit the draft, then submit it in time.
		eb := entryBody(o.ID, "银龄陪伴计划", "440106")
		wantStatus(t, "edit draft", e.Do("PUT", entryPath(early.ID, ""), orgToken, eb), http.StatusOK)
		wantStatus(t, "submit in time", e.Do("POST", entryPath(early.ID, "/submit"), orgToken, nil), http.StatusOK)
		wantStatus(t, "edit once submitted", e.Do("PUT", entryPath(early.ID, ""), orgToken, eb), http.StatusConflict)

		// The collection ended one second ago.
		setStageEnd(t, e, round, zhiyuan.StageCollection, e.Store.Now().Add(-time.Second))
		res = e.Do("POST", entryPath(late.ID, "/submit"), orgToken, nil)
		if reason, _ := res.Reasons(); res.Status != http.StatusConflict || reason != "competition.deadline_passed" {
			t.Fatalf("a submission after the deadline: %d %s", res.Status, res.Body)
		}
		var got yimiaoProject
		e.Do("GET", entryPath(late.ID, ""), orgToken, nil).Decode(&got)
		if got.Status != "draft" {
			t.Fatalf("the late project is %s", got.Status)
		}

		// The city returns the early one with a comment; the organisation hears of it,
		// edits and resubmits while the first review runs.
		res = e.Do("POST", entryPath(early.ID, "/review"), city, map[string]any{"decision": "return"})
		if _, fields := res.Reasons(); res.Status != http.StatusUnprocessableEntity || fields["comment"] == "" {
			t.Fatalf("a return without a comment: %d %s", res.Status, res.Body)
		}
		other, _ := e.Admin(zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: "440300"})
		wantStatus(t, "another city reviews", e.Do("POST", entryPath(early.ID, "/review"), other, map[string]any{"decision": "pass"}), http.StatusForbidden)
		res = e.Do("POST", entryPath(early.ID, "/review"), city, map[string]any{"decision": "return", "comment": "请补充预算明细"})
		wantStatus(t, "return", res, http.StatusOK)
		res.Decode(&got)
		if got.Status != "returned" || got.ReviewComment != "请补充预算明细" {
			t.Fatalf("returned: %+v", got)
		}
		var notes struct {
			Items []struct{ Title, Body string }
		}
		e.Do("GET", "/api/v1/me/notifications", orgToken, nil).Decode(&notes)
		found := false
		for _, n := range notes.Items {
			found = found || (strings.Contains(n.Title, "退回修改") && strings.Contains(n.Body, "请补充预算明细"))
		}
		if !found {
			t.Errorf("the organisation was not told of the return: %+v", notes.Items)
		}
		wantStatus(t, "edit returned", e.Do("PUT", entryPath(early.ID, ""), orgToken, eb), http.StatusOK)
		wantStatus(t, "resubmit", e.Do("POST", entryPath(early.ID, "/submit"), orgToken, nil), http.StatusOK)
		wantStatus(t, "return again", e.Do("POST", entryPath(early.ID, "/review"), city, map[string]any{"decision": "return", "comment": "再改一次"}), http.StatusOK)
		setStageEnd(t, e, round, zhiyuan.StageFirstReview, e.Store.Now().Add(-time.Second))
		res = e.Do("POST", entryPath(early.ID, "/submit"), orgToken, nil)
		if reason, _ := res.Reasons(); res.Status != http.StatusConflict || reason != "competition.deadline_passed" {
			t.Fatalf("a resubmission after the first review ended: %d %s", res.Status, res.Body)
		}
		// Every stage change is in the audit log.
		var audit struct {
			Items []struct{ Action string }
		}
		e.Do("GET", "/api/v1/audit?region=440000", province, nil).Decode(&audit)
		seen := map[string]int{}
		for _, a := range audit.Items {
			seen[a.Action]++
		}
		if seen["competition.submit"] != 2 || seen["competition.review.return"] != 2 || seen["competition.apply"] != 2 {
			t.Errorf("audit: %v", seen)
		}
	})
}

// TestCompetitionJudging: a judge from the project's organisation (or with a declared
// conflict) cannot be assigned; a judge cannot read an unassigned project or another
// judge's score before the roadshow ends; five judges' 92, 88, 75, 90 and 60 give the
// mean of 88, 75 and 90; an amendment keeps both sheets and reorders the ranking.
func TestCompetitionJudging(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		province, _ := e.Admin(zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: "440000"})
		city, _ := e.Admin(zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: "440100"})
		a, tokenA := approvedOrg(t, e, city, "天河区青年志愿者协会")
		b, tokenB := approvedOrg(t, e, city, "天河区社区志愿服务队")
		round := createRound(t, e, province, roundBody(e.Store.Now(), map[string]int{"440100": 2}))
		pa := passedEntry(t, e, tokenA, city, round, a.ID, "银龄陪伴", "440106")
		pb := passedEntry(t, e, tokenB, city, round, b.ID, "助残同行", "440106")

		// A member of A made a judge cannot judge A's project; nor can one declaring B.
		memberToken, memberPhone, memberVol := yimiaoPerson(t, e, "陈评委")
		wantStatus(t, "apply", e.Do("POST", orgPath(a.ID, "/members"), memberToken, nil), http.StatusCreated)
		wantStatus(t, "admit", e.Do("POST", memberPath(a.ID, memberVol, "approve"), tokenA, nil), http.StatusOK)
		res := e.Do("POST", fmt.Sprintf("/api/v1/competitions/%d/judges", round), province,
			map[string]any{"phone": memberPhone, "conflict_org_ids": []int64{b.ID}})
		wantStatus(t, "member as judge", res, http.StatusCreated)
		var mj struct {
			AccountID int64 `json:"account_id"`
		}
		res.Decode(&mj)
		for _, pid := range []int64{pa.ID, pb.ID} {
			res = e.Do("POST", entryPath(pid, "/judges"), province, map[string]any{"judge_id": mj.AccountID})
			if reason, _ := res.Reasons(); res.Status != http.StatusConflict || reason != "competition.judge_conflict" {
				t.Fatalf("a conflicted judge assigned to %d: %d %s", pid, res.Status, res.Body)
			}
		}
		wantStatus(t, "a city admin adds a judge to the province's round",
			e.Do("POST", fmt.Sprintf("/api/v1/competitions/%d/judges", round), city, map[string]any{"phone": e.NewPhone(), "password": "judge1234"}), http.StatusForbidden)

		tokens := make([]string, 5)
		ids := make([]int64, 5)
		for i := range tokens {
			tokens[i], ids[i] = addJudge(t, e, province, round, fmt.Sprintf("评委%d", i+1))
			assign(t, e, province, pa.ID, ids[i])
		}
		assign(t, e, province, pb.ID, ids[0])
		// Judge 2 is not assigned to B: cannot read or score it.
		wantStatus(t, "unassigned read", e.Do("GET", entryPath(pb.ID, ""), tokens[1], nil), http.StatusForbidden)
		wantStatus(t, "unassigned score", e.Do("POST", entryPath(pb.ID, "/scores"), tokens[1], sheet(80)), http.StatusForbidden)
		wantStatus(t, "assigned read", e.Do("GET", entryPath(pa.ID, ""), tokens[1], nil), http.StatusOK)
		var list struct{ Items []yimiaoProject }
		e.Do("GET", fmt.Sprintf("/api/v1/competitions/%d/projects", round), tokens[1], nil).Decode(&list)
		if len(list.Items) != 1 || list.Items[0].ID != pa.ID {
			t.Fatalf("a judge's list holds only its assigned projects: %+v", list.Items)
		}

		for i, total := range []int{92, 88, 75, 90, 60} {
			s := score(t, e, tokens[i], pa.ID, sheet(total))
			if s.Total != float64(total) {
				t.Fatalf("weighted total %v, want %d", s.Total, total)
			}
		}
		score(t, e, tokens[0], pb.ID, sheet(86))
		// A submitted sheet is locked.
		res = e.Do("POST", entryPath(pa.ID, "/scores"), tokens[4], sheet(95))
		if reason, _ := res.Reasons(); res.Status != http.StatusConflict || reason != "competition.score_locked" {
			t.Fatalf("a second sheet: %d %s", res.Status, res.Body)
		}
		// Before the roadshow ends a judge sees its own sheet only.
		wantStatus(t, "another judge's score", e.Do("GET", entryPath(pa.ID, fmt.Sprintf("/scores?judge=%d", ids[0])), tokens[1], nil), http.StatusForbidden)
		var sheets struct{ Items []yimiaoScore }
		e.Do("GET", entryPath(pa.ID, "/scores"), tokens[1], nil).Decode(&sheets)
		if len(sheets.Items) != 1 || sheets.Items[0].JudgeID != ids[1] {
			t.Fatalf("a judge sees others' sheets: %+v", sheets.Items)
		}
		var got yimiaoProject
		e.Do("GET", entryPath(pa.ID, ""), tokens[1], nil).Decode(&got)
		if got.Score != nil || got.Judges != 0 {
			t.Fatalf("a judge sees the project's score, made of others' sheets, before the roadshow ends: %+v", got)
		}
		e.Do("GET", entryPath(pa.ID, ""), province, nil).Decode(&got)
		if got.Score == nil || *got.Score != 84.33 || got.Judges != 5 {
			t.Fatalf("five judges 92 88 75 90 60: score %v judges %d, want 84.33 (mean of 88, 75, 90)", got.Score, got.Judges)
		}
		r := ranking(t, e, city, round, "440100")
		if len(r.Items) != 2 || r.Items[0].ProjectID != pb.ID || r.Items[1].ProjectID != pa.ID || r.Items[1].Score != 84.33 {
			t.Fatalf("ranking before the amendment: %+v", r.Items)
		}

		// Judge 5 amends 60 to 95: 92 88 75 90 95 drops 75 and 95, mean of 92 88 90 = 90.
		res = e.Do("POST", entryPath(pa.ID, "/scores"), tokens[4], map[string]any{"scores": sheet(95)["scores"], "amend": true})
		if _, fields := res.Reasons(); res.Status != http.StatusUnprocessableEntity || fields["reason"] == "" {
			t.Fatalf("an amendment without a reason: %d %s", res.Status, res.Body)
		}
		amended := score(t, e, tokens[4], pa.ID, map[string]any{"scores": sheet(95)["scores"], "amend": true, "reason": "误将可持续性记为0分"})
		e.Do("GET", entryPath(pa.ID, fmt.Sprintf("/scores?judge=%d", ids[4])), province, nil).Decode(&sheets)
		if len(sheets.Items) != 2 || sheets.Items[0].Total != 60 || sheets.Items[0].ReplacedAt == nil ||
			sheets.Items[1].ID != amended.ID || sheets.Items[1].Amends != sheets.Items[0].ID || sheets.Items[1].Reason == "" || sheets.Items[1].ReplacedAt != nil {
			t.Fatalf("the amendment keeps both sheets: %+v", sheets.Items)
		}
		r = ranking(t, e, city, round, "440100")
		if len(r.Items) != 2 || r.Items[0].ProjectID != pa.ID || r.Items[0].Score != 90 || r.Items[1].ProjectID != pb.ID {
			t.Fatalf("ranking after the amendment: %+v", r.Items)
		}
		// Another city's admin cannot read this city's ranking.
		other, _ := e.Admin(zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: "440300"})
		wantStatus(t, "another city's ranking", e.Do("GET", fmt.Sprintf("/api/v1/competitions/%d/ranking?city=440100", round), other, nil), http.StatusForbidden)

		// Once the roadshow has ended, judges see each other's sheets and cannot score.
		setStageEnd(t, e, round, zhiyuan.StageRoadshow, e.Store.Now().Add(-time.Second))
		e.Do("GET", entryPath(pa.ID, "/scores"), tokens[1], nil).Decode(&sheets)
		if len(sheets.Items) != 6 {
			t.Fatalf("after the roadshow a judge sees every sheet: %d", len(sheets.Items))
		}
		res = e.Do("POST", entryPath(pb.ID, "/scores"), tokens[0], map[string]any{"scores": sheet(99)["scores"], "amend": true, "reason": "迟到的修正"})
		if reason, _ := res.Reasons(); res.Status != http.StatusConflict || reason != "competition.roadshow_closed" {
			t.Fatalf("scoring after the roadshow: %d %s", res.Status, res.Body)
		}
	})
}

// TestCompetitionQuotaRace: two admins of one city recommend its last place at once;
// exactly one wins, every time. Then the province publishes and the public page lists
// the funded project under its track.
func TestCompetitionQuotaRace(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		province, _ := e.Admin(zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: "440000"})
		city1, _ := e.Admin(zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: "440100"})
		city2, _ := e.Admin(zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: "440100"})
		a, tokenA := approvedOrg(t, e, city1, "天河区青年志愿者协会")
		b, tokenB := approvedOrg(t, e, city1, "天河区社区志愿服务队")
		for attempt := 0; attempt < 3; attempt++ {
			round := createRound(t, e, province, roundBody(e.Store.Now(), map[string]int{"440100": 1}))
			pa := passedEntry(t, e, tokenA, city1, round, a.ID, "银龄陪伴", "440106")
			pb := passedEntry(t, e, tokenB, city1, round, b.ID, "助残同行", "440106")
			var wg sync.WaitGroup
			start := make(chan struct{})
			got := make([]*servertest.Response, 2)
			for i, rec := range []struct {
				token string
				id    int64
			}{{city1, pa.ID}, {city2, pb.ID}} {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					got[i] = e.Do("POST", fmt.Sprintf("/api/v1/competitions/%d/recommendations", round), rec.token, map[string]any{"project_id": rec.id})
				}()
			}
			close(start)
			wg.Wait()
			won, lost := 0, 0
			var winner int64
			for i, res := range got {
				switch res.Status {
				case http.StatusCreated:
					won++
					winner = []int64{pa.ID, pb.ID}[i]
				case http.StatusConflict:
					lost++
					if reason, _ := res.Reasons(); reason != "competition.quota_full" {
						t.Errorf("the loser is told %q", reason)
					}
				default:
					t.Fatalf("recommend: %d %s", res.Status, res.Body)
				}
			}
			if won != 1 || lost != 1 {
				t.Fatalf("attempt %d: %d won, %d lost with a quota of one", attempt, won, lost)
			}
			if attempt < 2 {
				continue
			}
			// The province decides in the provincial review, then publishes: the winner
			// funded, the other not selected (competition_decisions_test.go has the rest).
			wantStatus(t, "results before publication", e.Do("GET", fmt.Sprintf("/api/v1/competitions/%d/results", round), "", nil), http.StatusNotFound)
			setStageEnd(t, e, round, zhiyuan.StageProvincialReview, e.Store.Now().Add(time.Hour)) // it started now (setStageEnd starts it an hour before its end)
			decisions := fmt.Sprintf("/api/v1/competitions/%d/decisions", round)
			wantStatus(t, "a city decides", e.Do("POST", decisions, city1, map[string]any{"project_id": winner, "result": "funded"}), http.StatusForbidden)
			loser := pa.ID + pb.ID - winner
			res := e.Do("POST", decisions, province, map[string]any{"project_id": loser, "result": "funded"})
			if reason, _ := res.Reasons(); res.Status != http.StatusConflict || reason != "competition.decision_not_recommended" {
				t.Fatalf("funding a project not recommended: %d %s", res.Status, res.Body)
			}
			wantStatus(t, "decide", e.Do("POST", decisions, province, map[string]any{"project_id": winner, "result": "funded"}), http.StatusOK)
			wantStatus(t, "a city publishes", e.Do("POST", fmt.Sprintf("/api/v1/competitions/%d/results", round), city1, nil), http.StatusForbidden)
			wantStatus(t, "publish", e.Do("POST", fmt.Sprintf("/api/v1/competitions/%d/results", round), province, nil), http.StatusOK)
			wantStatus(t, "publish twice", e.Do("POST", fmt.Sprintf("/api/v1/competitions/%d/results", round), province, nil), http.StatusConflict)
			res = e.Do("GET", fmt.Sprintf("/api/v1/competitions/%d/results", round), "", nil)
			wantStatus(t, "public results", res, http.StatusOK)
			var out struct {
				Tracks []struct {
					Track  string
					Funded []yimiaoProject
				}
			}
			res.Decode(&out)
			if len(out.Tracks) != 3 || out.Tracks[0].Track != "助老" || len(out.Tracks[0].Funded) != 1 || out.Tracks[0].Funded[0].ID != winner {
				t.Fatalf("public results: %s", res.Body)
			}
			page := e.Browser().Get(fmt.Sprintf("/competitions/%d/results", round))
			if page.Status != http.StatusOK || !strings.Contains(string(page.Body), "资助项目") {
				t.Fatalf("the public results page: %d %s", page.Status, page.Body)
			}
			var lp yimiaoProject
			e.Do("GET", entryPath(loser, ""), province, nil).Decode(&lp)
			if lp.Result != "not_selected" {
				t.Fatalf("the other project: %+v", lp)
			}
			// The committee's sheet.
			res = e.Do("GET", fmt.Sprintf("/api/v1/competitions/%d/projects.xlsx", round), province, nil)
			wantStatus(t, "sheet", res, http.StatusOK)
			if !strings.HasPrefix(string(res.Body), "PK") {
				t.Fatalf("not an xlsx")
			}
			wantStatus(t, "sheet by an organisation", e.Do("GET", fmt.Sprintf("/api/v1/competitions/%d/projects.xlsx", round), tokenA, nil), http.StatusForbidden)
		}
	})
}
