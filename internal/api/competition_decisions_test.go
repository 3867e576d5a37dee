package api_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"zhiyuan"
	"zhiyuan/internal/server/servertest"
)

// TestCompetitionProvincialReview: the province records a decision per recommended
// project only once the provincial review has started, may change it, and nobody else
// sees it (the organisation's project has no result, the public page is 404) until the
// province publishes; publishing refuses while a recommended project is undecided, then
// makes the decisions the results (with the comment told to the organisation), is
// audited, and ends the decisions.
func TestCompetitionProvincialReview(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		province, _ := e.Admin(zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: "440000"})
		city, _ := e.Admin(zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: "440100"})
		a, tokenA := approvedOrg(t, e, city, "天河区青年志愿者协会")
		b, tokenB := approvedOrg(t, e, city, "天河区社区志愿服务队")
		round := createRound(t, e, province, roundBody(e.Store.Now(), map[string]int{"440100": 2}))
		pa := passedEntry(t, e, tokenA, city, round, a.ID, "银龄陪伴", "440106")
		pb := passedEntry(t, e, tokenB, city, round, b.ID, "助残同行", "440106")
		for _, id := range []int64{pa.ID, pb.ID} {
			wantStatus(t, "recommend", e.Do("POST", fmt.Sprintf("/api/v1/competitions/%d/recommendations", round), city, map[string]any{"project_id": id}), http.StatusCreated)
		}
		decisions := fmt.Sprintf("/api/v1/competitions/%d/decisions", round)
		results := fmt.Sprintf("/api/v1/competitions/%d/results", round)

		// Before the provincial review starts (createRound opened every stage).
		setStageStart(t, e, round, zhiyuan.StageProvincialReview, e.Store.Now().Add(time.Hour))
		res := e.Do("POST", decisions, province, map[string]any{"project_id": pa.ID, "result": "funded"})
		if reason, _ := res.Reasons(); res.Status != http.StatusConflict || reason != "competition.stage_not_started" {
			t.Fatalf("a decision before the provincial review: %d %s", res.Status, res.Body)
		}
		setStageEnd(t, e, round, zhiyuan.StageProvincialReview, e.Store.Now().Add(time.Hour))
		res = e.Do("POST", decisions, province, map[string]any{"project_id": pa.ID, "result": "first_prize"})
		if _, fields := res.Reasons(); res.Status != http.StatusUnprocessableEntity || fields["result"] != "competition.decision_result_unknown" {
			t.Fatalf("an unknown result: %d %s", res.Status, res.Body)
		}
		wantStatus(t, "the city decides", e.Do("POST", decisions, city, map[string]any{"project_id": pa.ID, "result": "funded"}), http.StatusForbidden)
		wantStatus(t, "the organisation reads decisions", e.Do("GET", decisions, tokenA, nil), http.StatusForbidden)
		wantStatus(t, "decide", e.Do("POST", decisions, province, map[string]any{"project_id": pa.ID, "result": "funded", "comment": "设计扎实"}), http.StatusOK)
		// Changed before publishing.
		res = e.Do("POST", decisions, province, map[string]any{"project_id": pa.ID, "result": "commended", "comment": "可持续性待加强"})
		wantStatus(t, "change", res, http.StatusOK)
		var d struct {
			Result, Comment string
		}
		res.Decode(&d)
		if d.Result != "commended" || d.Comment != "可持续性待加强" {
			t.Fatalf("the changed decision: %s", res.Body)
		}
		// Not public yet.
		var got yimiaoProject
		e.Do("GET", entryPath(pa.ID, ""), tokenA, nil).Decode(&got)
		if got.Result != "" {
			t.Fatalf("the organisation sees a result before publication: %+v", got)
		}
		wantStatus(t, "public results before publication", e.Do("GET", results, "", nil), http.StatusNotFound)

		// One recommended project is undecided: nothing is published.
		res = e.Do("POST", results, province, nil)
		if reason, _ := res.Reasons(); res.Status != http.StatusConflict || reason != "competition.decisions_missing" {
			t.Fatalf("publishing with an undecided project: %d %s", res.Status, res.Body)
		}
		wantStatus(t, "still not public", e.Do("GET", results, "", nil), http.StatusNotFound)
		wantStatus(t, "decide b", e.Do("POST", decisions, province, map[string]any{"project_id": pb.ID, "result": "funded"}), http.StatusOK)
		var list struct {
			Items []struct {
				ProjectID int64 `json:"project_id"`
				Result    string
			}
		}
		e.Do("GET", decisions, province, nil).Decode(&list)
		if len(list.Items) != 2 || list.Items[0].Result == "" {
			t.Fatalf("the decisions: %+v", list.Items)
		}
		wantStatus(t, "publish", e.Do("POST", results, province, nil), http.StatusOK)

		res = e.Do("GET", results, "", nil)
		var out struct {
			Tracks []struct {
				Track             string
				Funded, Commended []yimiaoProject
			}
		}
		res.Decode(&out)
		if out.Tracks[0].Track != "助老" || len(out.Tracks[0].Funded) != 1 || out.Tracks[0].Funded[0].ID != pb.ID ||
			len(out.Tracks[0].Commended) != 1 || out.Tracks[0].Commended[0].ID != pa.ID {
			t.Fatalf("public results: %s", res.Body)
		}
		var notes struct {
			Items []struct{ Title, Body string }
		}
		e.Do("GET", "/api/v1/me/notifications", tokenA, nil).Decode(&notes)
		told := false
		for _, n := range notes.Items {
			told = told || (strings.Contains(n.Title, "表扬项目") && strings.Contains(n.Body, "可持续性待加强"))
		}
		if !told {
			t.Errorf("the organisation was not told its result with the comment: %+v", notes.Items)
		}
		// Published: decisions are closed.
		res = e.Do("POST", decisions, province, map[string]any{"project_id": pa.ID, "result": "funded"})
		if reason, _ := res.Reasons(); res.Status != http.StatusConflict || reason != "competition.published_already" {
			t.Fatalf("a decision after publication: %d %s", res.Status, res.Body)
		}
		var audit struct{ Items []struct{ Action string } }
		e.Do("GET", "/api/v1/audit?region=440000", province, nil).Decode(&audit)
		seen := map[string]int{}
		for _, x := range audit.Items {
			seen[x.Action]++
		}
		if seen["competition.decide"] != 3 || seen["competition.publish"] != 1 {
			t.Errorf("audit: %v", seen)
		}
	})
}
