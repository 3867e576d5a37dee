package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"zhiyuan"
	"zhiyuan/internal/server/servertest"
)

// TestCompetitionProvincialReviewPage: on the round's page the province records a
// decision for the recommended project (an unknown result is 422 on the page, keeping
// the comment), changes it, and publishing asks first — refused while a project is
// undecided — and then shows the decided result on the public page, which was 404 until
// then.
func TestCompetitionProvincialReviewPage(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		s := newYimiaoPage(t, e)
		city := e.Token(orgPageAdmin(t, e, zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: "440100"}), "test1234")
		// Every stage but the provincial review opened an hour ago, as time passing would.
		if _, err := e.Store.DB().Exec(e.Store.Rebind(`UPDATE competition_stages SET starts_at = ? WHERE competition_id = ? AND stage <> ?`),
			e.Store.Now().Add(-time.Hour).UTC(), s.round, string(zhiyuan.StageProvincialReview)); err != nil {
			t.Fatal(err)
		}
		for _, step := range []struct {
			path, token string
			body        map[string]any
		}{
			{fmt.Sprintf("/api/v1/competition-projects/%d/submit", s.project), s.orgToken, nil},
			{fmt.Sprintf("/api/v1/competition-projects/%d/review", s.project), city, map[string]any{"decision": "pass"}},
			{fmt.Sprintf("/api/v1/competitions/%d/recommendations", s.round), city, map[string]any{"project_id": s.project}},
		} {
			if res := e.Do("POST", step.path, step.token, step.body); res.Status >= 300 {
				t.Fatalf("%s: %d %s", step.path, res.Status, res.Body)
			}
		}
		if _, err := e.Store.DB().Exec(e.Store.Rebind(`UPDATE competition_stages SET starts_at = ? WHERE competition_id = ? AND stage = ?`),
			e.Store.Now().Add(-time.Minute).UTC(), s.round, string(zhiyuan.StageProvincialReview)); err != nil {
			t.Fatal(err)
		}
		province := e.Browser()
		province.Login(s.provincePhone, "test1234")
		round := fmt.Sprintf("/competitions/%d", s.round)

		if res := province.Get(round + "/results/publish"); res.Status != http.StatusConflict || !strings.Contains(string(res.Body), "还有1个推荐项目没有省级评审结果") {
			t.Fatalf("publishing with an undecided project: %d %s", res.Status, res.Body)
		}
		res := province.Post(round+"/decisions", url.Values{"project_id": {fmt.Sprint(s.project)}, "result": {"一等奖"}, "comment": {"方案扎实"}})
		body := string(res.Body)
		if res.Status != http.StatusUnprocessableEntity || !strings.Contains(body, "请选择省级评审结果") || !strings.Contains(body, "方案扎实</textarea>") {
			t.Fatalf("an unknown result: %d %s", res.Status, body)
		}
		for _, r := range []string{"funded", "commended"} {
			if res := province.Post(round+"/decisions", url.Values{"project_id": {fmt.Sprint(s.project)}, "result": {r}, "comment": {"方案扎实"}}); res.Status != http.StatusSeeOther {
				t.Fatalf("decide %s: %d %s", r, res.Status, res.Body)
			}
		}
		if res := province.Get(round); !strings.Contains(string(res.Body), "已记录：表扬项目") {
			t.Fatalf("the round page after deciding: %s", res.Body)
		}
		if res := e.Browser().Get(round + "/results"); res.Status != http.StatusNotFound {
			t.Fatalf("public results before publication: %d", res.Status)
		}
		res = province.Get(round + "/results/publish")
		if res.Status != http.StatusOK || !strings.Contains(string(res.Body), "表扬项目1个") {
			t.Fatalf("the confirmation: %d %s", res.Status, res.Body)
		}
		if res := province.Post(round+"/results/publish", url.Values{"confirm": {"1"}}); res.Status != http.StatusSeeOther {
			t.Fatalf("publish: %d %s", res.Status, res.Body)
		}
		res = e.Browser().Get(round + "/results")
		if res.Status != http.StatusOK || !strings.Contains(string(res.Body), "银龄陪伴") || !strings.Contains(string(res.Body), "表扬项目") {
			t.Fatalf("public results: %d %s", res.Status, res.Body)
		}
	})
}
