package web

import (
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"zhiyuan"
	"zhiyuan/internal/app"
	"zhiyuan/internal/httpx"
)

// Pages of the project competition 益苗计划 (issue 17): the rounds, opening one, a round's
// page (its rules; for its admins judges, the ranking and publication; for a city its
// ranking and recommendations), the application form, a project's page (submission, the
// first review, judges, score sheets) and the public results. Submitting, reviewing,
// scoring, recommending and publishing cannot be undone, so each asks first.

// competitionForm is the round form as entered.
type competitionForm struct {
	Name, RegionCode, Tracks, Fields, MaxPerOrg string
	Starts, Ends                                []string // by stage, datetime-local
	Criteria                                    []criterionForm
	Quotas                                      []quotaForm
}

type criterionForm struct{ Name, Weight, MaxScore, Description string }

type quotaForm struct{ CityCode, CityName, Quota string }

const localMinute = "2006-01-02T15:04"

// competitionCriteriaRows is how many rubric rows the form offers.
const competitionCriteriaRows = 6

func splitNames(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '，' || r == '、' || r == '\n' })
}

func (x *Web) competitionsPage(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	list, err := x.app.Competitions(r.Context())
	if err != nil {
		return err
	}
	x.render(w, r, http.StatusOK, "competitions.html", map[string]any{"Title": "益苗计划", "Rounds": list,
		"CanCreate": len(p.RegionScopes()) > 0, "Now": time.Now()})
	return nil
}

func (x *Web) competitionNewPage(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	f := competitionForm{Name: fmt.Sprintf("%d 益苗计划", time.Now().In(zhiyuan.Beijing).Year()+1), Tracks: "助老、助残、乡村振兴、生态环保、应急",
		Fields: "项目亮点", MaxPerOrg: "2"}
	if s := p.RegionScopes(); len(s) > 0 && s[0] != "*" {
		f.RegionCode = s[0]
	}
	day := time.Now().In(zhiyuan.Beijing).Truncate(time.Hour)
	for i := range zhiyuan.CompetitionStages {
		f.Starts = append(f.Starts, day.AddDate(0, 0, 14*i).Format(localMinute))
		f.Ends = append(f.Ends, day.AddDate(0, 0, 14*(i+1)).Add(-time.Minute).Format(localMinute))
	}
	for _, c := range []criterionForm{{"需求分析", "20", "10", "服务对象的需求是否真实、清楚"}, {"项目设计", "25", "10", "方案是否可行、有创新"},
		{"团队", "15", "10", "团队是否稳定、有经验"}, {"可持续性", "20", "10", "项目能否长期运行"}, {"预算", "20", "10", "预算是否合理、清楚"}} {
		f.Criteria = append(f.Criteria, c)
	}
	return x.renderCompetitionNew(w, r, http.StatusOK, f, nil)
}

func (x *Web) renderCompetitionNew(w http.ResponseWriter, r *http.Request, status int, f competitionForm, formErr error) error {
	for len(f.Criteria) < competitionCriteriaRows {
		f.Criteria = append(f.Criteria, criterionForm{})
	}
	if f.Quotas == nil {
		for _, c := range x.app.CompetitionCities(f.RegionCode) {
			f.Quotas = append(f.Quotas, quotaForm{CityCode: c.CityCode, CityName: c.CityName, Quota: "3"})
		}
	}
	data := map[string]any{"Title": "创建益苗计划赛事", "Form": f, "Stages": zhiyuan.CompetitionStages}
	if formErr != nil {
		data["Fields"], data["Error"] = formProblems(formErr)
	}
	x.render(w, r, status, "competition_new.html", data)
	return nil
}

func (x *Web) competitionCreate(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	f := competitionForm{Name: trim(r, "name"), RegionCode: trim(r, "region_code"), Tracks: trim(r, "tracks"), Fields: trim(r, "fields"),
		MaxPerOrg: trim(r, "max_projects_per_org")}
	pr := zhiyuan.Problems{}
	c := zhiyuan.Competition{Name: f.Name, RegionCode: f.RegionCode, Tracks: splitNames(f.Tracks), Fields: splitNames(f.Fields),
		MaxPerOrg: integerField(pr, "max_projects_per_org", f.MaxPerOrg)}
	for i, s := range zhiyuan.CompetitionStages {
		st, en := trim(r, "starts_"+string(s)), trim(r, "ends_"+string(s))
		f.Starts, f.Ends = append(f.Starts, st), append(f.Ends, en)
		d := zhiyuan.StageDates{Stage: s}
		for _, t := range []struct {
			field, v string
			dst      *time.Time
		}{{fmt.Sprintf("stages[%d].starts_at", i), st, &d.StartsAt}, {fmt.Sprintf("stages[%d].ends_at", i), en, &d.EndsAt}} {
			if t.v == "" {
				continue
			}
			v, err := time.ParseInLocation(localMinute, t.v, zhiyuan.Beijing)
			if err != nil {
				pr.Add(t.field, "api.time_format")
			}
			*t.dst = v
		}
		c.Stages = append(c.Stages, d)
	}
	for i := 0; i < competitionCriteriaRows; i++ {
		cf := criterionForm{Name: trim(r, fmt.Sprintf("criterion_name_%d", i)), Weight: trim(r, fmt.Sprintf("criterion_weight_%d", i)),
			MaxScore: trim(r, fmt.Sprintf("criterion_max_%d", i)), Description: trim(r, fmt.Sprintf("criterion_description_%d", i))}
		f.Criteria = append(f.Criteria, cf)
		if cf.Name == "" && cf.Weight == "" {
			continue
		}
		n := len(c.Criteria)
		c.Criteria = append(c.Criteria, zhiyuan.Criterion{Name: cf.Name, Description: cf.Description,
			Weight: integerField(pr, fmt.Sprintf("criteria[%d].weight", n), cf.Weight), MaxScore: integerField(pr, fmt.Sprintf("criteria[%d].max_score", n), cf.MaxScore)})
	}
	for _, q := range x.app.CompetitionCities(f.RegionCode) {
		v := trim(r, "quota_"+q.CityCode)
		f.Quotas = append(f.Quotas, quotaForm{CityCode: q.CityCode, CityName: q.CityName, Quota: v})
		if v != "" {
			c.Quotas = append(c.Quotas, zhiyuan.CityQuota{CityCode: q.CityCode, Quota: integerField(pr, "quota_"+q.CityCode, v)})
		}
	}
	if err := pr.Err(); err != nil {
		return x.renderCompetitionNew(w, r, http.StatusUnprocessableEntity, f, err)
	}
	out, err := x.app.CreateCompetition(r.Context(), p, c)
	if err != nil {
		if !isFormError(err) {
			return err
		}
		return x.renderCompetitionNew(w, r, httpx.Status(zhiyuan.ErrorCode(err)), f, err)
	}
	http.Redirect(w, r, fmt.Sprintf("/competitions/%d", out.ID), http.StatusSeeOther)
	return nil
}

// rankedRow is one line of the ranking on the round's page.
type rankedRow struct {
	zhiyuan.RankedProject
	CityName     string
	CanRecommend bool
}

func (x *Web) competitionPage(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	return x.renderCompetition(w, r, p, http.StatusOK, nil)
}

func (x *Web) renderCompetition(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal, status int, formErr error) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	c, err := x.app.Competition(r.Context(), id)
	if err != nil {
		return err
	}
	now := time.Now()
	data := map[string]any{"Title": c.Name, "C": c, "OK": r.URL.Query().Get("ok"), "Current": c.CurrentStage(now),
		"CanApply": adminOrg(p) != 0 && c.Status == zhiyuan.CompetitionOpen, "Run": p != nil && x.app.CanRunCompetition(p, c)}
	if p != nil {
		if list, err := x.app.CompetitionProjects(r.Context(), p, id); err == nil {
			data["Projects"] = list
			var recommended []*zhiyuan.CompetitionProject
			for _, pj := range list {
				if pj.Status == zhiyuan.ProjectRecommended {
					recommended = append(recommended, pj)
				}
			}
			data["Recommended"] = recommended
		}
		city := r.URL.Query().Get("city")
		if city == "" && !x.app.CanRunCompetition(p, c) {
			for _, s := range p.RegionScopes() {
				if u := x.app.CompetitionCities(s); len(u) == 1 {
					city = u[0].CityCode
				}
			}
		}
		if ranked, err := x.app.Ranking(r.Context(), p, id, app.RankingQuery{City: city}); err == nil {
			rows := make([]rankedRow, 0, len(ranked))
			for _, e := range ranked {
				rows = append(rows, rankedRow{RankedProject: e, CityName: x.app.CityName(e.CityCode),
					CanRecommend: e.Status == zhiyuan.ProjectPassed && x.app.CanRecommendIn(p, e.CityCode)})
			}
			data["Ranking"], data["RankingCity"], data["RankingCityName"] = rows, city, x.app.CityName(city)
		}
		if x.app.CanRunCompetition(p, c) {
			judges, err := x.app.Judges(r.Context(), p, id)
			if err != nil {
				return err
			}
			data["Judges"] = judges
		}
	}
	data["Phone"], data["JudgeName"], data["Conflicts"] = r.PostFormValue("phone"), r.PostFormValue("name"), r.PostFormValue("conflict_org_ids")
	if err := x.roundExtras(r, p, c, data); err != nil {
		return err
	}
	if formErr != nil {
		data["Fields"], data["Error"] = formProblems(formErr)
	}
	x.render(w, r, status, "competition_show.html", data)
	return nil
}

// competitionAction runs an action on the round in the path: its refusal shows on the
// round's page, its success leads back there with notice.
func (x *Web) competitionAction(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal, notice zhiyuan.Msg, do func(id int64) error) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := do(id); err != nil {
		if !isFormError(err) {
			return err
		}
		return x.renderCompetition(w, r, p, httpx.Status(zhiyuan.ErrorCode(err)), err)
	}
	http.Redirect(w, r, fmt.Sprintf("/competitions/%d?ok=%s", id, url.QueryEscape(zhiyuan.Text(notice))), http.StatusSeeOther)
	return nil
}

func (x *Web) competitionAddJudge(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	return x.competitionAction(w, r, p, "notice.competition_judge_added", func(id int64) error {
		var conflicts []int64
		for _, s := range splitNames(r.PostFormValue("conflict_org_ids")) {
			n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
			if err != nil {
				return zhiyuan.FieldFail(zhiyuan.EInvalid, "conflict_org_ids", "competition.conflicts_format")
			}
			conflicts = append(conflicts, n)
		}
		_, err := x.app.AddJudge(r.Context(), p, id, app.JudgeInput{Phone: trim(r, "phone"), Name: trim(r, "name"),
			Password: r.PostFormValue("password"), Conflicts: conflicts})
		return err
	})
}

func (x *Web) askRecommend(r *http.Request, p *zhiyuan.Principal) (*confirmation, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	pid, _ := strconv.ParseInt(r.FormValue("project_id"), 10, 64)
	v, err := x.app.CompetitionProject(r.Context(), p, pid)
	if err != nil {
		return nil, err
	}
	if v.Project.CompetitionID != id || !x.app.CanRecommendIn(p, v.Project.CityCode) {
		return nil, zhiyuan.Fail(zhiyuan.EForbidden, "auth.forbidden")
	}
	return &confirmation{Title: zhiyuan.Text("confirm.competition_recommend_title"), Subject: v.Project.Name,
		Consequence: []string{zhiyuan.Text("confirm.competition_recommend", "quota", v.Competition.QuotaOf(v.Project.CityCode))},
		Action:      fmt.Sprintf("/competitions/%d/recommendations", id), Button: "推荐至省级", Back: fmt.Sprintf("/competitions/%d", id),
		Hidden: []hiddenField{{"project_id", strconv.FormatInt(pid, 10)}}}, nil
}

func (x *Web) recommendForm(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	return x.competitionAction(w, r, p, "notice.competition_recommended", func(id int64) error {
		pid, _ := strconv.ParseInt(r.PostFormValue("project_id"), 10, 64)
		_, err := x.app.Recommend(r.Context(), p, id, pid)
		return err
	})
}

func (x *Web) askPublish(r *http.Request, p *zhiyuan.Principal) (*confirmation, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	c, err := x.app.Competition(r.Context(), id)
	if err != nil {
		return nil, err
	}
	// The results are the provincial review's decisions (competition_decisions.go).
	decisions, err := x.app.ProvincialDecisions(r.Context(), p, id)
	if err != nil {
		return nil, err
	}
	n := map[zhiyuan.ProjectResult]int{}
	for _, d := range decisions {
		n[d.Result]++
	}
	// Nobody confirms what would fail: every recommended project needs its decision.
	list, err := x.app.CompetitionProjects(r.Context(), p, id)
	if err != nil {
		return nil, err
	}
	missing := 0
	for _, pj := range list {
		if _, ok := decisions[pj.ID]; pj.Status == zhiyuan.ProjectRecommended && !ok {
			missing++
		}
	}
	if missing > 0 {
		return nil, zhiyuan.Fail(zhiyuan.EConflict, "competition.decisions_missing", "n", missing)
	}
	return &confirmation{Title: zhiyuan.Text("confirm.competition_publish_title"), Subject: c.Name,
		Consequence: []string{zhiyuan.Text("confirm.competition_publish", "funded", n[zhiyuan.ResultFunded], "commended", n[zhiyuan.ResultCommended])},
		Action:      fmt.Sprintf("/competitions/%d/results/publish", id), Button: "公布结果", Back: fmt.Sprintf("/competitions/%d", id)}, nil
}

func (x *Web) publishForm(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if _, err := x.app.PublishCompetitionResults(r.Context(), p, id); err != nil {
		if !isFormError(err) {
			return err
		}
		return x.renderCompetition(w, r, p, httpx.Status(zhiyuan.ErrorCode(err)), err)
	}
	http.Redirect(w, r, fmt.Sprintf("/competitions/%d/results", id), http.StatusSeeOther)
	return nil
}

func (x *Web) competitionResultsPage(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	c, tracks, err := x.app.CompetitionResults(r.Context(), id)
	if err != nil {
		return err
	}
	x.render(w, r, http.StatusOK, "competition_results.html", map[string]any{"Title": c.Name + " 结果", "C": c, "Tracks": tracks})
	return nil
}

func (x *Web) competitionSheet(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	cs, err := x.app.CompetitionExport(r.Context(), p, id)
	if err != nil {
		return err
	}
	dw := httpx.NewDownload(w, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", fmt.Sprintf("competition-%d.xlsx", id))
	return dw.Finish(r, x.log, x.app.WriteCompetitionSheet(cs, dw))
}

// entryForm is the application form as entered.
type entryForm struct {
	OrgID, Name, Track, Summary, TargetGroup, RegionCode, Plan, ExpectedResults, BudgetTotal string
	Answers                                                                                  []string // by the round's fields
	Items, Amounts                                                                           []string
}

// entryBudgetRows is how many budget lines the form offers.
const entryBudgetRows = 6

// parseYuan reads an amount in yuan with at most two decimals as fen; a problem on field
// otherwise.
func parseYuan(pr zhiyuan.Problems, field, s string) int64 {
	if s == "" {
		return 0
	}
	v, err := strconv.ParseFloat(strings.ReplaceAll(s, ",", ""), 64)
	if err != nil || v < 0 || math.Abs(v*100-math.Round(v*100)) > 1e-6 || v > 1e12 {
		pr.Add(field, "competition.yuan_format")
		return 0
	}
	return int64(math.Round(v * 100))
}

func (x *Web) orgChoices(r *http.Request, p *zhiyuan.Principal) []postingAs {
	var out []postingAs
	for _, role := range p.Roles {
		if role.Kind == zhiyuan.RoleOrgAdmin && role.OrgID != 0 {
			if o, err := x.app.Organization(r.Context(), role.OrgID); err == nil && o.Status == zhiyuan.OrgApproved {
				out = append(out, postingAs{o.ID, o.Name})
			}
		}
	}
	return out
}

func (x *Web) entryNewPage(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	c, err := x.app.Competition(r.Context(), id)
	if err != nil {
		return err
	}
	f := entryForm{}
	if len(c.Tracks) > 0 {
		f.Track = c.Tracks[0]
	}
	return x.renderEntryForm(w, r, p, http.StatusOK, c, nil, f, nil)
}

func (x *Web) renderEntryForm(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal, status int, c *zhiyuan.Competition, pj *zhiyuan.CompetitionProject, f entryForm, formErr error) error {
	for len(f.Items) < entryBudgetRows {
		f.Items, f.Amounts = append(f.Items, ""), append(f.Amounts, "")
	}
	for len(f.Answers) < len(c.Fields) {
		f.Answers = append(f.Answers, "")
	}
	action, title := fmt.Sprintf("/competitions/%d/projects", c.ID), "申报项目"
	if pj != nil {
		action, title = fmt.Sprintf("/competition-projects/%d/edit", pj.ID), "修改申报项目"
	}
	choices := x.orgChoices(r, p)
	if pj == nil && len(choices) == 0 {
		return zhiyuan.Fail(zhiyuan.EForbidden, "activity.org_not_approved")
	}
	data := map[string]any{"Title": title, "C": c, "Form": f, "Action": action, "Choices": choices, "Editing": pj != nil}
	if formErr != nil {
		data["Fields"], data["Error"] = formProblems(formErr)
	}
	x.render(w, r, status, "competition_apply.html", data)
	return nil
}

// readEntry reads the application form.
func readEntry(r *http.Request, c *zhiyuan.Competition) (entryForm, zhiyuan.CompetitionProject, zhiyuan.Problems) {
	f := entryForm{OrgID: trim(r, "org_id"), Name: trim(r, "name"), Track: trim(r, "track"), Summary: trim(r, "summary"),
		TargetGroup: trim(r, "target_group"), RegionCode: trim(r, "region_code"), Plan: trim(r, "plan"),
		ExpectedResults: trim(r, "expected_results"), BudgetTotal: trim(r, "budget_total")}
	pr := zhiyuan.Problems{}
	pj := zhiyuan.CompetitionProject{Name: f.Name, Track: f.Track, Summary: f.Summary, TargetGroup: f.TargetGroup, RegionCode: f.RegionCode,
		Plan: f.Plan, ExpectedResults: f.ExpectedResults, Answers: map[string]string{}, BudgetTotal: parseYuan(pr, "budget_total_fen", f.BudgetTotal)}
	for i, name := range c.Fields {
		v := trim(r, fmt.Sprintf("answer_%d", i))
		f.Answers = append(f.Answers, v)
		pj.Answers[name] = v
	}
	for i := 0; i < entryBudgetRows; i++ {
		item, amount := trim(r, fmt.Sprintf("budget_item_%d", i)), trim(r, fmt.Sprintf("budget_amount_%d", i))
		f.Items, f.Amounts = append(f.Items, item), append(f.Amounts, amount)
		if item == "" && amount == "" {
			continue
		}
		n := len(pj.Budget)
		pj.Budget = append(pj.Budget, zhiyuan.BudgetLine{Item: item, Amount: parseYuan(pr, fmt.Sprintf("budget[%d].amount_fen", n), amount)})
	}
	return f, pj, pr
}

func (x *Web) entryCreate(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	c, err := x.app.Competition(r.Context(), id)
	if err != nil {
		return err
	}
	f, pj, pr := readEntry(r, c)
	orgID, _ := strconv.ParseInt(f.OrgID, 10, 64)
	if err := pr.Err(); err != nil {
		return x.renderEntryForm(w, r, p, http.StatusUnprocessableEntity, c, nil, f, err)
	}
	out, err := x.app.CreateCompetitionProject(r.Context(), p, id, app.ProjectInput{OrgID: orgID, CompetitionProject: pj})
	if err != nil {
		if !isFormError(err) {
			return err
		}
		return x.renderEntryForm(w, r, p, httpx.Status(zhiyuan.ErrorCode(err)), c, nil, f, err)
	}
	http.Redirect(w, r, fmt.Sprintf("/competition-projects/%d?ok=%s", out.ID, url.QueryEscape(zhiyuan.Text("notice.competition_drafted"))), http.StatusSeeOther)
	return nil
}

func (x *Web) entryEditPage(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	v, err := x.app.CompetitionProject(r.Context(), p, id)
	if err != nil {
		return err
	}
	if !v.Access.Org {
		return zhiyuan.Fail(zhiyuan.EForbidden, "auth.forbidden")
	}
	pj := v.Project
	f := entryForm{OrgID: strconv.FormatInt(pj.OrgID, 10), Name: pj.Name, Track: pj.Track, Summary: pj.Summary, TargetGroup: pj.TargetGroup,
		RegionCode: pj.RegionCode, Plan: pj.Plan, ExpectedResults: pj.ExpectedResults, BudgetTotal: zhiyuan.Yuan(pj.BudgetTotal)}
	for _, name := range v.Competition.Fields {
		f.Answers = append(f.Answers, pj.Answers[name])
	}
	for _, b := range pj.Budget {
		f.Items, f.Amounts = append(f.Items, b.Item), append(f.Amounts, zhiyuan.Yuan(b.Amount))
	}
	return x.renderEntryForm(w, r, p, http.StatusOK, v.Competition, pj, f, nil)
}

func (x *Web) entryEdit(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	v, err := x.app.CompetitionProject(r.Context(), p, id)
	if err != nil {
		return err
	}
	f, pj, pr := readEntry(r, v.Competition)
	// The team is kept as it is: the form edits the text and the budget.
	pj.Team = v.Project.Team
	if err := pr.Err(); err != nil {
		return x.renderEntryForm(w, r, p, http.StatusUnprocessableEntity, v.Competition, v.Project, f, err)
	}
	if _, err := x.app.UpdateCompetitionProject(r.Context(), p, id, pj); err != nil {
		if !isFormError(err) {
			return err
		}
		return x.renderEntryForm(w, r, p, httpx.Status(zhiyuan.ErrorCode(err)), v.Competition, v.Project, f, err)
	}
	http.Redirect(w, r, fmt.Sprintf("/competition-projects/%d?ok=%s", id, url.QueryEscape(zhiyuan.Text("notice.competition_saved"))), http.StatusSeeOther)
	return nil
}

func (x *Web) entryPage(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	return x.renderEntry(w, r, p, http.StatusOK, nil)
}

func (x *Web) renderEntry(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal, status int, formErr error) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	v, err := x.app.CompetitionProject(r.Context(), p, id)
	if err != nil {
		return err
	}
	pj, c := v.Project, v.Competition
	data := map[string]any{"Title": pj.Name, "V": v, "P": pj, "C": c, "OK": r.URL.Query().Get("ok"), "CityName": x.app.CityName(pj.CityCode),
		"CanEdit":   v.Access.Org && (pj.Status == zhiyuan.ProjectDraft || pj.Status == zhiyuan.ProjectReturned),
		"CanReview": v.Access.Review && pj.Status == zhiyuan.ProjectSubmitted,
		"Scorable":  v.Access.Judge && (pj.Status == zhiyuan.ProjectPassed || pj.Status == zhiyuan.ProjectRecommended),
		"Comment":   r.PostFormValue("comment"), "Reason": r.PostFormValue("reason"), "Decision": r.PostFormValue("decision")}
	points := make([]string, len(c.Criteria))
	for i := range points {
		points[i] = r.PostFormValue(fmt.Sprintf("points_%d", i))
	}
	data["Points"] = points
	if v.Access.Run || v.Access.Judge {
		scores, err := x.app.Scores(r.Context(), p, id, 0)
		if err != nil {
			return err
		}
		data["Scores"] = scores
		mine, err := x.app.MyScores(r.Context(), p, id)
		if err != nil {
			return err
		}
		for _, s := range mine {
			if s.ReplacedAt == nil {
				data["MySheet"] = s
			}
		}
	}
	if v.Access.Run {
		judges, err := x.app.Judges(r.Context(), p, c.ID)
		if err != nil {
			return err
		}
		data["RoundJudges"] = judges
	}
	if err := x.entryExtras(r, p, v, data); err != nil {
		return err
	}
	if formErr != nil {
		data["Fields"], data["Error"] = formProblems(formErr)
	}
	x.render(w, r, status, "competition_project.html", data)
	return nil
}

// entryAction runs an action on the project in the path: its refusal shows on the
// project's page, its success leads back there with notice.
func (x *Web) entryAction(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal, notice zhiyuan.Msg, do func(id int64) error) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := do(id); err != nil {
		if !isFormError(err) {
			return err
		}
		return x.renderEntry(w, r, p, httpx.Status(zhiyuan.ErrorCode(err)), err)
	}
	http.Redirect(w, r, fmt.Sprintf("/competition-projects/%d?ok=%s", id, url.QueryEscape(zhiyuan.Text(notice))), http.StatusSeeOther)
	return nil
}

// entryToAsk reads the project a confirmation is about, refused when may says the caller
// may not act on it.
func (x *Web) entryToAsk(r *http.Request, p *zhiyuan.Principal, may func(v *app.ProjectView) bool) (*app.ProjectView, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	v, err := x.app.CompetitionProject(r.Context(), p, id)
	if err != nil {
		return nil, err
	}
	if !may(v) {
		return nil, zhiyuan.Fail(zhiyuan.EForbidden, "auth.forbidden")
	}
	return v, nil
}

func (x *Web) askSubmitEntry(r *http.Request, p *zhiyuan.Principal) (*confirmation, error) {
	v, err := x.entryToAsk(r, p, func(v *app.ProjectView) bool { return v.Access.Org })
	if err != nil {
		return nil, err
	}
	return &confirmation{Title: zhiyuan.Text("confirm.competition_submit_title"), Subject: v.Project.Name,
		Consequence: []string{zhiyuan.Text("confirm.competition_submit")},
		Action:      fmt.Sprintf("/competition-projects/%d/submit", v.Project.ID), Button: "提交申报", Back: fmt.Sprintf("/competition-projects/%d", v.Project.ID)}, nil
}

func (x *Web) submitEntryForm(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	return x.entryAction(w, r, p, "notice.competition_submitted", func(id int64) error {
		_, err := x.app.SubmitCompetitionProject(r.Context(), p, id)
		return err
	})
}

func (x *Web) askReviewEntry(r *http.Request, p *zhiyuan.Principal) (*confirmation, error) {
	v, err := x.entryToAsk(r, p, func(v *app.ProjectView) bool { return v.Access.Review })
	if err != nil {
		return nil, err
	}
	d := zhiyuan.FirstReviewDecision(r.FormValue("decision"))
	c := &confirmation{Subject: v.Project.Name, Action: fmt.Sprintf("/competition-projects/%d/review", v.Project.ID),
		Back: fmt.Sprintf("/competition-projects/%d", v.Project.ID), Hidden: []hiddenField{{"decision", string(d)}, {"comment", r.FormValue("comment")}}}
	switch d {
	case zhiyuan.FirstReviewPass:
		c.Title, c.Button = zhiyuan.Text("confirm.competition_pass_title"), "初审通过"
		c.Consequence = []string{zhiyuan.Text("confirm.competition_pass")}
	case zhiyuan.FirstReviewReturn:
		c.Title, c.Button = zhiyuan.Text("confirm.competition_return_title"), "退回修改"
		c.Consequence = []string{zhiyuan.Text("confirm.competition_return")}
	case zhiyuan.FirstReviewReject:
		c.Title, c.Button, c.Danger = zhiyuan.Text("confirm.competition_reject_title"), "不予通过", true
		c.Consequence = []string{zhiyuan.Text("confirm.competition_reject")}
	default:
		return nil, zhiyuan.FieldFail(zhiyuan.EInvalid, "decision", "competition.decision_unknown")
	}
	return c, nil
}

func (x *Web) reviewEntryForm(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	return x.entryAction(w, r, p, "notice.competition_reviewed", func(id int64) error {
		_, err := x.app.ReviewCompetitionProject(r.Context(), p, id, r.PostFormValue("decision"), r.PostFormValue("comment"))
		return err
	})
}

func (x *Web) assignJudgeForm(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	return x.entryAction(w, r, p, "notice.competition_judge_assigned", func(id int64) error {
		judge, _ := strconv.ParseInt(r.PostFormValue("judge_id"), 10, 64)
		return x.app.AssignJudge(r.Context(), p, id, judge)
	})
}

// readSheet reads the score form: points_<i> per criterion.
func readSheet(r *http.Request, c *zhiyuan.Competition) (app.ScoreInput, error) {
	pr := zhiyuan.Problems{}
	in := app.ScoreInput{Comment: r.FormValue("comment"), Amend: r.FormValue("amend") == "1", Reason: r.FormValue("reason")}
	for i := range c.Criteria {
		in.Points = append(in.Points, integerField(pr, fmt.Sprintf("scores[%d].points", i), strings.TrimSpace(r.FormValue(fmt.Sprintf("points_%d", i)))))
	}
	return in, pr.Err()
}

func (x *Web) askScoreEntry(r *http.Request, p *zhiyuan.Principal) (*confirmation, error) {
	v, err := x.entryToAsk(r, p, func(v *app.ProjectView) bool { return v.Access.Judge })
	if err != nil {
		return nil, err
	}
	in, err := readSheet(r, v.Competition)
	if err != nil {
		return nil, err
	}
	total, err := zhiyuan.WeightedTotal(v.Competition.Criteria, in.Points)
	if err != nil {
		return nil, err
	}
	c := &confirmation{Title: zhiyuan.Text("confirm.competition_score_title"), Subject: v.Project.Name,
		Consequence: []string{zhiyuan.Text("confirm.competition_score", "total", total.String())},
		Action:      fmt.Sprintf("/competition-projects/%d/scores", v.Project.ID), Button: "提交评分", Back: fmt.Sprintf("/competition-projects/%d", v.Project.ID),
		Hidden: []hiddenField{{"comment", in.Comment}, {"reason", in.Reason}}}
	if in.Amend {
		c.Hidden = append(c.Hidden, hiddenField{"amend", "1"})
	}
	for i, pt := range in.Points {
		c.Hidden = append(c.Hidden, hiddenField{fmt.Sprintf("points_%d", i), strconv.Itoa(pt)})
	}
	return c, nil
}

// scoreEntryPost checks the sheet first (its problems show on the project's page, by
// criterion), then asks, then records it.
func (x *Web) scoreEntryPost(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	v, err := x.entryToAsk(r, p, func(v *app.ProjectView) bool { return v.Access.Judge })
	if err != nil {
		return err
	}
	in, err := readSheet(r, v.Competition)
	if err == nil {
		_, err = zhiyuan.WeightedTotal(v.Competition.Criteria, in.Points)
	}
	if err == nil && in.Amend && strings.TrimSpace(in.Reason) == "" {
		err = zhiyuan.FieldFail(zhiyuan.EInvalid, "reason", "competition.amend_reason_required")
	}
	if err != nil {
		return x.renderEntry(w, r, p, http.StatusUnprocessableEntity, err)
	}
	if asked, err := x.askFirst(w, r, p, x.askScoreEntry); asked || err != nil {
		return err
	}
	return x.scoreEntryForm(w, r, p)
}

func (x *Web) scoreEntryForm(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	return x.entryAction(w, r, p, "notice.competition_scored", func(id int64) error {
		v, err := x.app.CompetitionProject(r.Context(), p, id)
		if err != nil {
			return err
		}
		in, err := readSheet(r, v.Competition)
		if err != nil {
			return err
		}
		_, err = x.app.SubmitScore(r.Context(), p, id, in)
		return err
	})
}
