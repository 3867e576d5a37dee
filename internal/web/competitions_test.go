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

// TestCompetitionFormKeepsInput: opening a round whose weights sum to 90 through the page
// answers 422 with the weights' message tied to the weight boxes, every value typed kept;
// nothing is created. With the weights fixed the round is created and its page shows the
// rubric and the quota. A volunteer cannot open one (403).
func TestCompetitionFormKeepsInput(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		b := browserAs(t, e, orgPageAdmin(t, e, zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: "440000"}))
		form := url.Values{"name": {"2028 益苗计划"}, "region_code": {"440000"}, "tracks": {"助老、应急"}, "max_projects_per_org": {"3"}, "quota_440100": {"4"}}
		at := time.Now().In(zhiyuan.Beijing).Truncate(time.Hour)
		for i, s := range zhiyuan.CompetitionStages {
			form.Set("starts_"+string(s), at.AddDate(0, 0, 10*i).Format("2006-01-02T15:04"))
			form.Set("ends_"+string(s), at.AddDate(0, 0, 10*i+9).Format("2006-01-02T15:04"))
		}
		for i, c := range [][2]string{{"需求分析", "20"}, {"项目设计", "25"}, {"团队", "15"}, {"预算", "30"}} {
			form.Set("criterion_name_"+string(rune('0'+i)), c[0])
			form.Set("criterion_weight_"+string(rune('0'+i)), c[1])
			form.Set("criterion_max_"+string(rune('0'+i)), "10")
		}
		res := b.Post("/competitions", form)
		body := string(res.Body)
		if res.Status != http.StatusUnprocessableEntity || !strings.Contains(body, "各评分项权重之和应为100，现为90") ||
			!strings.Contains(body, `aria-describedby="err-criteria"`) || !strings.Contains(body, `value="2028 益苗计划"`) ||
			!strings.Contains(body, `name="quota_440100" value="4"`) || !strings.Contains(body, `value="项目设计"`) {
			t.Fatalf("weights of 90 through the page: %d\n%s", res.Status, body)
		}
		if list, _ := e.App.Competitions(t.Context()); len(list) != 0 {
			t.Fatalf("a refused round was created: %+v", list)
		}
		form.Set("criterion_weight_3", "40")
		res = b.Post("/competitions", form)
		if res.Status != http.StatusSeeOther {
			t.Fatalf("the round: %d\n%s", res.Status, res.Body)
		}
		res = b.Get(res.Header.Get("Location"))
		if res.Status != http.StatusOK || !strings.Contains(string(res.Body), "2028 益苗计划") || !strings.Contains(string(res.Body), "广州市 4个") {
			t.Fatalf("the round: %d\n%s", res.Status, res.Body)
		}
		// A platform admin has no region of its own: no quota box without a city's name.
		pb := browserAs(t, e, orgPageAdmin(t, e, zhiyuan.Role{Kind: zhiyuan.RolePlatform}))
		if res := pb.Get("/competitions/new"); res.Status != http.StatusOK || strings.Contains(string(res.Body), `name="quota_"`) {
			t.Fatalf("the platform admin's form: %d %s", res.Status, res.Body)
		}
		v := e.Browser()
		volunteerPhone := orgPageAdmin(t, e, zhiyuan.Role{Kind: zhiyuan.RoleJudge})
		v.Login(volunteerPhone, "test1234")
		if res := v.Post("/competitions", form); res.Status != http.StatusForbidden {
			t.Fatalf("a judge opens a round: %d", res.Status)
		}
	})
}
