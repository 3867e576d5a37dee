package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"zhiyuan"
	"zhiyuan/internal/server/servertest"
)

// TestTrainingFormKeepsInput: scheduling a training through the round's page without a
// host organisation and outside the training stage answers 422 with each message tied to
// its box and every value typed kept; nothing is scheduled. Someone who does not run the
// round (a judge) cannot open the page (403).
func TestTrainingFormKeepsInput(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		provincePhone := orgPageAdmin(t, e, zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: "440000"})
		b := browserAs(t, e, provincePhone)
		form := url.Values{"name": {"2028 益苗计划"}, "region_code": {"440000"}, "tracks": {"助老"}, "max_projects_per_org": {"1"}}
		at := time.Now().In(zhiyuan.Beijing).Truncate(time.Hour)
		for i, s := range zhiyuan.CompetitionStages {
			form.Set("starts_"+string(s), at.AddDate(0, 0, 10*i).Format("2006-01-02T15:04"))
			form.Set("ends_"+string(s), at.AddDate(0, 0, 10*i+9).Format("2006-01-02T15:04"))
		}
		form.Set("criterion_name_0", "需求分析")
		form.Set("criterion_weight_0", "100")
		form.Set("criterion_max_0", "10")
		res := b.Post("/competitions", form)
		if res.Status != http.StatusSeeOther {
			t.Fatalf("the round: %d\n%s", res.Status, res.Body)
		}
		round := res.Header.Get("Location")
		path := round + "/trainings"
		expectPage(t, "the board", b.Get(path), http.StatusOK, "培训安排", "尚未安排培训", `name="host_org_id"`)

		// The training stage runs from day 20 to day 29: day 40 is outside it.
		day40 := at.AddDate(0, 0, 40)
		res = b.Post(path, url.Values{"title": {"项目设计培训"}, "place": {"省青年宫"}, "starts_at": {day40.Format("2006-01-02T15:04")},
			"ends_at": {day40.Add(2 * time.Hour).Format("2006-01-02T15:04")}})
		body := string(res.Body)
		if res.Status != http.StatusUnprocessableEntity || !strings.Contains(body, `value="项目设计培训"`) || !strings.Contains(body, `value="省青年宫"`) ||
			!strings.Contains(body, `aria-describedby="err-host_org_id"`) || !strings.Contains(body, `aria-describedby="err-starts_at"`) ||
			!strings.Contains(body, "培训时间应在本赛事培训阶段内") {
			t.Fatalf("a training without a host, outside the stage: %d\n%s", res.Status, body)
		}
		if !strings.Contains(body, "尚未安排培训") {
			t.Fatalf("a refused training was scheduled:\n%s", body)
		}
		orgPhone := orgPageAdmin(t, e, zhiyuan.Role{Kind: zhiyuan.RoleJudge})
		if res := browserAs(t, e, orgPhone).Get(path); res.Status != http.StatusForbidden {
			t.Fatalf("a judge opens the training board: %d", res.Status)
		}
	})
}
