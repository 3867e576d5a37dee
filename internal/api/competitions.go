package api

import (
	"fmt"
	"net/http"
	"strconv"

	"zhiyuan"
	"zhiyuan/internal/app"
	"zhiyuan/internal/httpx"
)

// The project competition 益苗计划, issue 17 (openapi/competitions.json).

type stageRequest struct {
	Stage    string `json:"stage"`
	StartsAt string `json:"starts_at"`
	EndsAt   string `json:"ends_at"`
}

type competitionRequest struct {
	Name       string              `json:"name"`
	RegionCode string              `json:"region_code"`
	Tracks     []string            `json:"tracks"`
	Fields     []string            `json:"fields"`
	MaxPerOrg  int                 `json:"max_projects_per_org"`
	Stages     []stageRequest      `json:"stages"`
	Criteria   []zhiyuan.Criterion `json:"criteria"`
	Quotas     []zhiyuan.CityQuota `json:"quotas"`
}

func (x *API) createCompetition(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	var req competitionRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	pr := zhiyuan.Problems{}
	c := zhiyuan.Competition{Name: req.Name, RegionCode: req.RegionCode, Tracks: req.Tracks, Fields: req.Fields, MaxPerOrg: req.MaxPerOrg,
		Criteria: req.Criteria, Quotas: req.Quotas}
	for i, s := range req.Stages {
		c.Stages = append(c.Stages, zhiyuan.StageDates{Stage: zhiyuan.CompetitionStage(s.Stage),
			StartsAt: parseTime(pr, fmt.Sprintf("stages[%d].starts_at", i), s.StartsAt, zhiyuan.Beijing),
			EndsAt:   parseTime(pr, fmt.Sprintf("stages[%d].ends_at", i), s.EndsAt, zhiyuan.Beijing)})
	}
	if err := pr.Err(); err != nil {
		return err
	}
	out, err := x.app.CreateCompetition(r.Context(), p, c)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, out)
	return nil
}

func (x *API) listCompetitions(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	list, err := x.app.Competitions(r.Context())
	if err != nil {
		return err
	}
	page := Page[*zhiyuan.Competition]{Items: list}
	if page.Items == nil {
		page.Items = []*zhiyuan.Competition{}
	}
	httpx.WriteJSON(w, http.StatusOK, page)
	return nil
}

func (x *API) getCompetition(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	c, err := x.app.Competition(r.Context(), id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, c)
	return nil
}

type yimiaoRequest struct {
	OrgID           int64                `json:"org_id"`
	Name            string               `json:"name"`
	Track           string               `json:"track"`
	Summary         string               `json:"summary"`
	TargetGroup     string               `json:"target_group"`
	RegionCode      string               `json:"region_code"`
	Plan            string               `json:"plan"`
	ExpectedResults string               `json:"expected_results"`
	Answers         map[string]string    `json:"answers"`
	Team            []zhiyuan.TeamMember `json:"team"`
	Budget          []zhiyuan.BudgetLine `json:"budget"`
	BudgetTotal     int64                `json:"budget_total_fen"`
}

func (req yimiaoRequest) project() zhiyuan.CompetitionProject {
	return zhiyuan.CompetitionProject{Name: req.Name, Track: req.Track, Summary: req.Summary, TargetGroup: req.TargetGroup,
		RegionCode: req.RegionCode, Plan: req.Plan, ExpectedResults: req.ExpectedResults, Answers: req.Answers, Team: req.Team,
		Budget: req.Budget, BudgetTotal: req.BudgetTotal}
}

// yimiaoJSON is an application with its score as points (two decimals).
type yimiaoJSON struct {
	*zhiyuan.CompetitionProject
	Score   *float64 `json:"score"`
	AllMean *float64 `json:"all_mean"`
}

func toYimiaoJSON(pj *zhiyuan.CompetitionProject) yimiaoJSON {
	out := yimiaoJSON{CompetitionProject: pj}
	if pj.Score != nil {
		s, m := pj.Score.Float(), pj.AllMean.Float()
		out.Score, out.AllMean = &s, &m
	}
	return out
}

func (x *API) createCompetitionProject(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var req yimiaoRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	pj, err := x.app.CreateCompetitionProject(r.Context(), p, id, app.ProjectInput{OrgID: req.OrgID, CompetitionProject: req.project()})
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, toYimiaoJSON(pj))
	return nil
}

func (x *API) listCompetitionProjects(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	list, err := x.app.CompetitionProjects(r.Context(), p, id)
	if err != nil {
		return err
	}
	page := Page[yimiaoJSON]{Items: []yimiaoJSON{}}
	for _, pj := range list {
		page.Items = append(page.Items, toYimiaoJSON(pj))
	}
	httpx.WriteJSON(w, http.StatusOK, page)
	return nil
}

func (x *API) getCompetitionProject(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	v, err := x.app.CompetitionProject(r.Context(), p, id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, toYimiaoJSON(v.Project))
	return nil
}

func (x *API) updateCompetitionProject(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var req yimiaoRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	pj, err := x.app.UpdateCompetitionProject(r.Context(), p, id, req.project())
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, toYimiaoJSON(pj))
	return nil
}

func (x *API) submitCompetitionProject(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	pj, err := x.app.SubmitCompetitionProject(r.Context(), p, id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, toYimiaoJSON(pj))
	return nil
}

func (x *API) reviewCompetitionProject(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var req struct {
		Decision string `json:"decision"`
		Comment  string `json:"comment"`
	}
	if err := decode(r, &req); err != nil {
		return err
	}
	pj, err := x.app.ReviewCompetitionProject(r.Context(), p, id, req.Decision, req.Comment)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, toYimiaoJSON(pj))
	return nil
}

func (x *API) addCompetitionJudge(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var req struct {
		Phone     string  `json:"phone"`
		Name      string  `json:"name"`
		Password  string  `json:"password"`
		Conflicts []int64 `json:"conflict_org_ids"`
	}
	if err := decode(r, &req); err != nil {
		return err
	}
	j, err := x.app.AddJudge(r.Context(), p, id, app.JudgeInput{Phone: req.Phone, Name: req.Name, Password: req.Password, Conflicts: req.Conflicts})
	if err != nil {
		return err
	}
	if j.Conflicts == nil {
		j.Conflicts = []int64{}
	}
	httpx.WriteJSON(w, http.StatusCreated, j)
	return nil
}

func (x *API) listCompetitionJudges(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	list, err := x.app.Judges(r.Context(), p, id)
	if err != nil {
		return err
	}
	if list == nil {
		list = []zhiyuan.Judge{}
	}
	httpx.WriteJSON(w, http.StatusOK, Page[zhiyuan.Judge]{Items: list})
	return nil
}

func (x *API) assignCompetitionJudge(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var req struct {
		JudgeID int64 `json:"judge_id"`
	}
	if err := decode(r, &req); err != nil {
		return err
	}
	if err := x.app.AssignJudge(r.Context(), p, id, req.JudgeID); err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, map[string]int64{"project_id": id, "judge_id": req.JudgeID})
	return nil
}

type scoreJSON struct {
	zhiyuan.CompetitionScore
	Total float64 `json:"total"`
}

func (x *API) submitCompetitionScore(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var req struct {
		Scores []struct {
			Points int `json:"points"`
		} `json:"scores"`
		Comment string `json:"comment"`
		Amend   bool   `json:"amend"`
		Reason  string `json:"reason"`
	}
	if err := decode(r, &req); err != nil {
		return err
	}
	in := app.ScoreInput{Comment: req.Comment, Amend: req.Amend, Reason: req.Reason}
	for _, s := range req.Scores {
		in.Points = append(in.Points, s.Points)
	}
	sc, err := x.app.SubmitScore(r.Context(), p, id, in)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, scoreJSON{CompetitionScore: *sc, Total: sc.Total.Float()})
	return nil
}

func (x *API) listCompetitionScores(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var judge int64
	if s := r.URL.Query().Get("judge"); s != "" {
		if judge, err = strconv.ParseInt(s, 10, 64); err != nil {
			return zhiyuan.FieldFail(zhiyuan.EInvalid, "judge", "competition.judge_unknown")
		}
	}
	list, err := x.app.Scores(r.Context(), p, id, judge)
	if err != nil {
		return err
	}
	page := Page[scoreJSON]{Items: []scoreJSON{}}
	for _, s := range list {
		page.Items = append(page.Items, scoreJSON{CompetitionScore: s, Total: s.Total.Float()})
	}
	httpx.WriteJSON(w, http.StatusOK, page)
	return nil
}

type rankedJSON struct {
	zhiyuan.RankedProject
	Score   float64 `json:"score"`
	AllMean float64 `json:"all_mean"`
}

func (x *API) competitionRanking(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	q := r.URL.Query()
	rq := app.RankingQuery{City: q.Get("city")}
	pr := zhiyuan.Problems{}
	for _, f := range []struct {
		name string
		v    *int
	}{{"offset", &rq.Offset}, {"limit", &rq.Limit}} {
		if s := q.Get(f.name); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil {
				pr.Add(f.name, "competition.page_range", "max", zhiyuan.CompetitionRankingPageMax)
			}
			*f.v = n
		}
	}
	if err := pr.Err(); err != nil {
		return err
	}
	list, err := x.app.Ranking(r.Context(), p, id, rq)
	if err != nil {
		return err
	}
	page := Page[rankedJSON]{Items: []rankedJSON{}}
	for _, e := range list {
		page.Items = append(page.Items, rankedJSON{RankedProject: e, Score: e.Score.Float(), AllMean: e.AllMean.Float()})
	}
	limit := rq.Limit
	if limit == 0 {
		limit = zhiyuan.CompetitionRankingPage
	}
	if len(list) == limit {
		page.NextCursor = strconv.Itoa(rq.Offset + len(list)) // the next page's offset
	}
	httpx.WriteJSON(w, http.StatusOK, page)
	return nil
}

func (x *API) recommendCompetitionProject(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var req struct {
		ProjectID int64 `json:"project_id"`
	}
	if err := decode(r, &req); err != nil {
		return err
	}
	pj, err := x.app.Recommend(r.Context(), p, id, req.ProjectID)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, toYimiaoJSON(pj))
	return nil
}

func (x *API) publishCompetitionResults(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	// The results are the provincial review's decisions (competition_decisions.go).
	if _, err := x.app.PublishCompetitionResults(r.Context(), p, id); err != nil {
		return err
	}
	return x.competitionResults(w, r, p)
}

type resultsJSON struct {
	Competition *zhiyuan.Competition `json:"competition"`
	Tracks      []trackJSON          `json:"tracks"`
}

type trackJSON struct {
	Track     string       `json:"track"`
	Funded    []yimiaoJSON `json:"funded"`
	Commended []yimiaoJSON `json:"commended"`
}

// publicYimiao is what the public results page shows of a project: no team, budget
// lines or review comment.
func publicYimiao(pj *zhiyuan.CompetitionProject) yimiaoJSON {
	cp := *pj
	cp.Team, cp.Budget, cp.ReviewComment, cp.Answers, cp.Plan = []zhiyuan.TeamMember{}, []zhiyuan.BudgetLine{}, "", map[string]string{}, ""
	return toYimiaoJSON(&cp)
}

func (x *API) competitionResults(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	c, tracks, err := x.app.CompetitionResults(r.Context(), id)
	if err != nil {
		return err
	}
	out := resultsJSON{Competition: c, Tracks: []trackJSON{}}
	for _, t := range tracks {
		tj := trackJSON{Track: t.Track, Funded: []yimiaoJSON{}, Commended: []yimiaoJSON{}}
		for _, pj := range t.Funded {
			tj.Funded = append(tj.Funded, publicYimiao(pj))
		}
		for _, pj := range t.Commended {
			tj.Commended = append(tj.Commended, publicYimiao(pj))
		}
		out.Tracks = append(out.Tracks, tj)
	}
	httpx.WriteJSON(w, http.StatusOK, out)
	return nil
}

func (x *API) competitionSheet(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r, "id")
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
