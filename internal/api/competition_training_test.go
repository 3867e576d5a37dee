package api_test

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"zhiyuan"
	"zhiyuan/internal/server/servertest"
)

// setStageStart moves a stage's start, as the calendar would.
func setStageStart(t *testing.T, e *servertest.Env, round int64, stage zhiyuan.CompetitionStage, start time.Time) {
	t.Helper()
	if _, err := e.Store.DB().Exec(e.Store.Rebind(`UPDATE competition_stages SET starts_at = ? WHERE competition_id = ? AND stage = ?`),
		start.UTC(), round, string(stage)); err != nil {
		t.Fatal(err)
	}
}

func wantReason(t *testing.T, what string, res *servertest.Response, status int, reason string) {
	t.Helper()
	if got, _ := res.Reasons(); res.Status != status || string(got) != reason {
		t.Fatalf("%s: %d %s, want %d %s", what, res.Status, res.Body, status, reason)
	}
}

// TestCompetitionStageStarts: each stage's action is refused one second before the stage
// starts (409 competition.stage_not_started naming the stage) and accepted once it has:
// submission in the collection, the first review, scoring in the roadshow, recommending
// in the city selection and publishing from the provincial review on. The organisation
// sees no score of its project before the roadshow closes, then sees it.
func TestCompetitionStageStarts(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		province, _ := e.Admin(zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: "440000"})
		city, _ := e.Admin(zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: "440100"})
		o, orgToken := approvedOrg(t, e, city, "天河区青年志愿者协会")
		round := createRoundAsIs(t, e, province, roundBody(e.Store.Now(), map[string]int{"440100": 2}))
		soon := func() time.Time { return e.Store.Now().Add(time.Second) }
		started := func() time.Time { return e.Store.Now().Add(-time.Second) }

		p := draftEntry(t, e, orgToken, round, o.ID, "银龄陪伴", "440106")
		setStageStart(t, e, round, zhiyuan.StageCollection, soon())
		res := e.Do("POST", entryPath(p.ID, "/submit"), orgToken, nil)
		wantReason(t, "submit before the collection starts", res, http.StatusConflict, "competition.stage_not_started")
		if !strings.Contains(string(res.Body), "项目征集") {
			t.Errorf("the refusal names the stage: %s", res.Body)
		}
		setStageStart(t, e, round, zhiyuan.StageCollection, started())
		wantStatus(t, "submit", e.Do("POST", entryPath(p.ID, "/submit"), orgToken, nil), http.StatusOK)

		// The first review starts tomorrow (roundBody): one second before it, no decision.
		setStageStart(t, e, round, zhiyuan.StageFirstReview, soon())
		res = e.Do("POST", entryPath(p.ID, "/review"), city, map[string]any{"decision": "pass"})
		wantReason(t, "review before the first review starts", res, http.StatusConflict, "competition.stage_not_started")
		var got yimiaoProject
		e.Do("GET", entryPath(p.ID, ""), city, nil).Decode(&got)
		if got.Status != "submitted" {
			t.Fatalf("a refused review changed the project: %s", got.Status)
		}
		setStageStart(t, e, round, zhiyuan.StageFirstReview, started())
		wantStatus(t, "review", e.Do("POST", entryPath(p.ID, "/review"), city, map[string]any{"decision": "pass"}), http.StatusOK)

		judge, judgeID := addJudge(t, e, province, round, "评委甲")
		assign(t, e, province, p.ID, judgeID)
		setStageStart(t, e, round, zhiyuan.StageRoadshow, soon())
		wantReason(t, "score before the roadshow", e.Do("POST", entryPath(p.ID, "/scores"), judge, sheet(80)), http.StatusConflict, "competition.stage_not_started")
		setStageStart(t, e, round, zhiyuan.StageRoadshow, started())
		score(t, e, judge, p.ID, sheet(80))

		// The organisation does not see the live score while the roadshow runs.
		e.Do("GET", entryPath(p.ID, ""), orgToken, nil).Decode(&got)
		if got.Score != nil || got.Judges != 0 {
			t.Fatalf("the organisation sees its score before the roadshow closes: %+v", got)
		}
		var list struct{ Items []yimiaoProject }
		e.Do("GET", fmt.Sprintf("/api/v1/competitions/%d/projects", round), orgToken, nil).Decode(&list)
		if len(list.Items) != 1 || list.Items[0].Score != nil {
			t.Fatalf("the organisation's list shows the score: %+v", list.Items)
		}
		e.Do("GET", entryPath(p.ID, ""), province, nil).Decode(&got)
		if got.Score == nil || *got.Score != 80 {
			t.Fatalf("the round's admin sees the score: %+v", got)
		}
		setStageStart(t, e, round, zhiyuan.StageCitySelection, soon())
		rec := func() *servertest.Response {
			return e.Do("POST", fmt.Sprintf("/api/v1/competitions/%d/recommendations", round), city, map[string]any{"project_id": p.ID})
		}
		wantReason(t, "recommend before the city selection", rec(), http.StatusConflict, "competition.stage_not_started")

		// The roadshow closes: now the organisation sees its score.
		setStageEnd(t, e, round, zhiyuan.StageRoadshow, e.Store.Now().Add(-time.Second))
		e.Do("GET", entryPath(p.ID, ""), orgToken, nil).Decode(&got)
		if got.Score == nil || *got.Score != 80 {
			t.Fatalf("after the roadshow the organisation sees its score: %+v", got)
		}
		setStageStart(t, e, round, zhiyuan.StageCitySelection, started())
		wantStatus(t, "recommend", rec(), http.StatusCreated)

		publish := func() *servertest.Response {
			return e.Do("POST", fmt.Sprintf("/api/v1/competitions/%d/results", round), province, nil)
		}
		setStageStart(t, e, round, zhiyuan.StageProvincialReview, soon())
		wantReason(t, "publish before the provincial review", publish(), http.StatusConflict, "competition.stage_not_started")
		setStageStart(t, e, round, zhiyuan.StageProvincialReview, started())
		wantStatus(t, "decide", e.Do("POST", fmt.Sprintf("/api/v1/competitions/%d/decisions", round), province,
			map[string]any{"project_id": p.ID, "result": "funded"}), http.StatusOK)
		wantStatus(t, "publish", publish(), http.StatusOK)
	})
}

// TestCompetitionTraining: the round's admin schedules a training for the passed teams
// (not before the training stage's dates, not for a project that did not pass); team A's
// member checks in by scanning the host's rotating code, as at any activity; team B's
// does not. Once the session is over A is attended and B flagged missed on the project
// (API), on the round's board and in the committee's sheet; B's organisation is told
// once, A's not at all.
func TestCompetitionTraining(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		province, _ := e.Admin(zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: "440000"})
		city, _ := e.Admin(zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: "440100"})
		a, tokenA := approvedOrg(t, e, city, "天河区青年志愿者协会")
		b, tokenB := approvedOrg(t, e, city, "天河区社区志愿服务队")
		host, _ := approvedOrg(t, e, province, "广东省志愿者联合会")
		round := createRound(t, e, province, roundBody(e.Store.Now(), map[string]int{"440100": 2}))

		team := func(org int64, orgToken, name string) (string, int64) {
			tok, _, vol := yimiaoPerson(t, e, name)
			wantStatus(t, "apply", e.Do("POST", orgPath(org, "/members"), tok, nil), http.StatusCreated)
			wantStatus(t, "admit", e.Do("POST", memberPath(org, vol, "approve"), orgToken, nil), http.StatusOK)
			return tok, vol
		}
		memberA, volA := team(a.ID, tokenA, "张队长")
		_, volB := team(b.ID, tokenB, "李队长")
		withTeam := func(org, vol int64, name string) map[string]any {
			body := entryBody(org, name, "440106")
			body["team"] = []map[string]any{{"volunteer_id": vol, "role": "负责人"}}
			return body
		}
		res := e.Do("POST", fmt.Sprintf("/api/v1/competitions/%d/projects", round), tokenA, withTeam(a.ID, volA, "银龄陪伴"))
		wantStatus(t, "draft A", res, http.StatusCreated)
		var pa, pb yimiaoProject
		res.Decode(&pa)
		res = e.Do("POST", fmt.Sprintf("/api/v1/competitions/%d/projects", round), tokenB, withTeam(b.ID, volB, "助残同行"))
		wantStatus(t, "draft B", res, http.StatusCreated)
		res.Decode(&pb)
		for _, x := range []struct {
			id  int64
			tok string
		}{{pa.ID, tokenA}, {pb.ID, tokenB}} {
			wantStatus(t, "submit", e.Do("POST", entryPath(x.id, "/submit"), x.tok, nil), http.StatusOK)
			wantStatus(t, "pass", e.Do("POST", entryPath(x.id, "/review"), city, map[string]any{"decision": "pass"}), http.StatusOK)
		}
		pending := draftEntry(t, e, tokenA, round, a.ID, "未提交的项目", "440106")

		now := e.Store.Now()
		body := map[string]any{"title": "项目设计与预算培训", "place": "广州市天河区体育西路1号", "host_org_id": host.ID,
			"starts_at": now.Add(5 * time.Minute).Format(time.RFC3339), "ends_at": now.Add(2 * time.Hour).Format(time.RFC3339)}
		path := fmt.Sprintf("/api/v1/competitions/%d/trainings", round)
		wantStatus(t, "an organisation schedules", e.Do("POST", path, tokenA, body), http.StatusForbidden)
		bad := map[string]any{}
		for k, v := range body {
			bad[k] = v
		}
		bad["title"], bad["project_ids"] = "", []int64{pending.ID}
		res = e.Do("POST", path, province, bad)
		if _, fields := res.Reasons(); res.Status != http.StatusUnprocessableEntity || fields["title"] != "training.title_required" {
			t.Fatalf("a training without a title: %d %s", res.Status, res.Body)
		}
		bad["title"] = "培训"
		wantReason(t, "a training for a draft", e.Do("POST", path, province, bad), http.StatusUnprocessableEntity, "training.project_not_passed")
		bad["project_ids"], bad["starts_at"], bad["ends_at"] = nil, now.Add(96*time.Hour).Format(time.RFC3339), now.Add(97*time.Hour).Format(time.RFC3339)
		res = e.Do("POST", path, province, bad)
		if _, fields := res.Reasons(); res.Status != http.StatusUnprocessableEntity || fields["starts_at"] != "training.outside_stage" {
			t.Fatalf("a training past the training stage: %d %s", res.Status, res.Body)
		}
		res = e.Do("POST", path, province, body)
		if res.Status != http.StatusCreated {
			t.Log(e.Log.String())
		}
		wantStatus(t, "schedule", res, http.StatusCreated)
		var tr zhiyuan.TrainingSession
		res.Decode(&tr)
		if len(tr.ProjectIDs) != 2 || tr.SessionID == 0 {
			t.Fatalf("the training is for both passed projects: %+v", tr)
		}

		// A's member checks in with the host's rotating code (the round's admin shows it).
		res = e.Do("GET", fmt.Sprintf("/api/v1/sessions/%d/checkin-code", tr.SessionID), province, nil)
		wantStatus(t, "check-in code", res, http.StatusOK)
		var code struct{ Code string }
		res.Decode(&code)
		wantStatus(t, "A checks in", e.Do("POST", "/api/v1/attendance", memberA, map[string]any{"code": code.Code, "action": "in"}), http.StatusCreated)

		training := func(id int64) zhiyuan.ProjectTraining {
			var p struct{ Training zhiyuan.ProjectTraining }
			e.Do("GET", entryPath(id, ""), province, nil).Decode(&p)
			return p.Training
		}
		if got := training(pa.ID); got.Status != zhiyuan.TrainingAttended || got.Sessions[0].CheckedIn != 1 {
			t.Fatalf("A after its member checked in: %+v", got)
		}
		if got := training(pb.ID); got.Status != zhiyuan.TrainingScheduled {
			t.Fatalf("B before the session ends: %+v", got)
		}
		if n, err := e.App.FlagMissedTrainings(t.Context()); err != nil || n != 0 {
			t.Fatalf("nobody missed a session not over: %d %v", n, err)
		}

		// The session is over (a day ago).
		if _, err := e.Store.DB().Exec(e.Store.Rebind(`UPDATE competition_trainings SET starts_at = ?, ends_at = ? WHERE id = ?`),
			now.Add(-26*time.Hour).UTC(), now.Add(-24*time.Hour).UTC(), tr.ID); err != nil {
			t.Fatal(err)
		}
		if got := training(pa.ID); got.Status != zhiyuan.TrainingAttended {
			t.Fatalf("A after the session: %+v", got)
		}
		if got := training(pb.ID); got.Status != zhiyuan.TrainingMissed || got.Sessions[0].Status != zhiyuan.TrainingMissed {
			t.Fatalf("B is flagged missed: %+v", got)
		}
		var board struct {
			Items []zhiyuan.TrainingSession
			Teams []struct {
				ProjectID int64 `json:"project_id"`
				Training  zhiyuan.ProjectTraining
			}
		}
		res = e.Do("GET", path, province, nil)
		wantStatus(t, "board", res, http.StatusOK)
		res.Decode(&board)
		flags := map[int64]zhiyuan.TrainingStatus{}
		for _, x := range board.Teams {
			flags[x.ProjectID] = x.Training.Status
		}
		if len(board.Items) != 1 || flags[pa.ID] != zhiyuan.TrainingAttended || flags[pb.ID] != zhiyuan.TrainingMissed {
			t.Fatalf("the round's board: %s", res.Body)
		}
		wantStatus(t, "the board for an organisation", e.Do("GET", path, tokenA, nil), http.StatusForbidden)

		// Two sweeps at once (two servers) tell B once between them; a later one tells nobody.
		var wg sync.WaitGroup
		counts := make([]int, 2)
		for i := range counts {
			wg.Add(1)
			go func() {
				defer wg.Done()
				n, err := e.App.FlagMissedTrainings(t.Context())
				if err != nil {
					t.Errorf("sweep %d: %v", i, err)
				}
				counts[i] = n
			}()
		}
		wg.Wait()
		if counts[0]+counts[1] != 1 {
			t.Fatalf("two sweeps at once told %v, want 1 in all", counts)
		}
		if n, err := e.App.FlagMissedTrainings(t.Context()); err != nil || n != 0 {
			t.Fatalf("a later sweep told %d (%v)", n, err)
		}
		told := func(tok string) int {
			var notes struct{ Items []struct{ Title string } }
			e.Do("GET", "/api/v1/me/notifications", tok, nil).Decode(&notes)
			n := 0
			for _, x := range notes.Items {
				if strings.Contains(x.Title, "缺席培训") {
					n++
				}
			}
			return n
		}
		if told(tokenB) != 1 || told(tokenA) != 0 {
			t.Fatalf("missed-training notices: B %d, A %d", told(tokenB), told(tokenA))
		}
		// The committee's sheet has the training column.
		res = e.Do("GET", fmt.Sprintf("/api/v1/competitions/%d/projects.xlsx", round), province, nil)
		wantStatus(t, "sheet", res, http.StatusOK)
		if !strings.HasPrefix(string(res.Body), "PK") {
			t.Fatal("not an xlsx")
		}
	})
}
