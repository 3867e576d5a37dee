package zhiyuan

import (
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode/utf8"
)

// The project competition (益苗计划, issue 17): a province or a city opens a round; approved
// organisations apply with projects; the city admin of each project's region reviews them
// first (初审); judges score those that passed on the round's rubric at the roadshow (路演);
// each city ranks its projects and recommends up to its quota; the province publishes the
// results. This file holds the round's rules, the score rule and the tie-break rule, which
// pages, API, store and tests share.

// CompetitionStage is one stage of a round, in the order they run.
type CompetitionStage string

// The stages of a round.
const (
	StageCollection       CompetitionStage = "collection"        // 项目征集: drafts and submissions
	StageFirstReview      CompetitionStage = "first_review"      // 初审: returned projects may be resubmitted until it ends
	StageTraining         CompetitionStage = "training"          // 培训
	StageRoadshow         CompetitionStage = "roadshow"          // 路演: judges score; scores are sealed until it ends
	StageCitySelection    CompetitionStage = "city_selection"    // 市级遴选: cities recommend up to their quota
	StageProvincialReview CompetitionStage = "provincial_review" // 省级评审
	StageResults          CompetitionStage = "results"           // 结果公布
)

// CompetitionStages lists every stage in order; a round has dates for each.
var CompetitionStages = []CompetitionStage{StageCollection, StageFirstReview, StageTraining, StageRoadshow,
	StageCitySelection, StageProvincialReview, StageResults}

// Chinese is the stage's name on pages.
func (s CompetitionStage) Chinese() string {
	switch s {
	case StageCollection:
		return "项目征集"
	case StageFirstReview:
		return "初审"
	case StageTraining:
		return "培训"
	case StageRoadshow:
		return "路演评审"
	case StageCitySelection:
		return "市级遴选推荐"
	case StageProvincialReview:
		return "省级评审"
	case StageResults:
		return "结果公布"
	}
	return string(s)
}

// StageDates is when one stage runs: from StartsAt to EndsAt (the deadline, inclusive).
type StageDates struct {
	Stage    CompetitionStage `json:"stage"`
	StartsAt time.Time        `json:"starts_at"`
	EndsAt   time.Time        `json:"ends_at"`
}

// Criterion is one line of a round's rubric: scored from 0 to MaxScore, counting Weight
// (of CompetitionWeightTotal) in a judge's weighted total.
type Criterion struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	Weight      int    `json:"weight"`
	MaxScore    int    `json:"max_score"`
}

// CityQuota is how many projects one city (a city-level unit, 21 cities and 顺德区) may
// recommend to the province.
type CityQuota struct {
	CityCode string `json:"city_code"`
	CityName string `json:"city_name,omitempty"`
	Quota    int    `json:"quota"`
}

// CompetitionStatus is where a round stands: open until the province publishes its
// results, then published.
type CompetitionStatus string

// Round statuses.
const (
	CompetitionOpen      CompetitionStatus = "open"
	CompetitionPublished CompetitionStatus = "published"
)

// Competition is one round (e.g. 2027 益苗计划).
type Competition struct {
	ID          int64             `json:"id"`
	Name        string            `json:"name"`
	RegionCode  string            `json:"region_code"` // the province or city running it; its admins run the round
	Tracks      []string          `json:"tracks"`
	Fields      []string          `json:"fields"` // extra questions on the application form
	MaxPerOrg   int               `json:"max_projects_per_org"`
	Stages      []StageDates      `json:"stages"`
	Criteria    []Criterion       `json:"criteria"`
	Quotas      []CityQuota       `json:"quotas"`
	Status      CompetitionStatus `json:"status"`
	CreatedBy   int64             `json:"-"`
	CreatedAt   time.Time         `json:"created_at"`
	PublishedAt *time.Time        `json:"published_at,omitempty"`
}

// StageEnd is the deadline of stage s (the zero time when the round has no such stage).
func (c *Competition) StageEnd(s CompetitionStage) time.Time {
	for _, d := range c.Stages {
		if d.Stage == s {
			return d.EndsAt
		}
	}
	return time.Time{}
}

// CurrentStage is the stage running at now: the first whose end has not passed, or
// results once every stage has ended.
func (c *Competition) CurrentStage(now time.Time) CompetitionStage {
	for _, d := range c.Stages {
		if !now.After(d.EndsAt) {
			return d.Stage
		}
	}
	return StageResults
}

// HasTrack reports whether t is one of the round's tracks.
func (c *Competition) HasTrack(t string) bool {
	for _, x := range c.Tracks {
		if x == t {
			return true
		}
	}
	return false
}

// QuotaOf is city's recommendation quota (0 when the round gives it none).
func (c *Competition) QuotaOf(city string) int {
	for _, q := range c.Quotas {
		if q.CityCode == city {
			return q.Quota
		}
	}
	return 0
}

// Validate checks a round as its admin enters it and names each bad field: stages in
// order, each ending after it starts; tracks and fields named once; criteria whose
// weights sum to CompetitionWeightTotal ("criteria", otherwise) and whose maximum scores
// are in range. Cities of the quotas are checked against the region tree by the caller.
func (c *Competition) Validate() error {
	p := Problems{}
	c.Name = strings.TrimSpace(c.Name)
	switch {
	case c.Name == "":
		p.Add("name", "competition.name_required")
	case utf8.RuneCountInString(c.Name) > CompetitionNameMax:
		p.Add("name", "competition.name_long", "max", CompetitionNameMax)
	}
	c.Tracks = cleanNames(c.Tracks)
	switch {
	case len(c.Tracks) == 0:
		p.Add("tracks", "competition.tracks_required")
	case len(c.Tracks) > CompetitionTracksMax:
		p.Add("tracks", "competition.tracks_many", "max", CompetitionTracksMax)
	}
	for i, t := range c.Tracks {
		if utf8.RuneCountInString(t) > CompetitionTrackMax {
			p.Add(fmt.Sprintf("tracks[%d]", i), "competition.track_long", "max", CompetitionTrackMax)
		}
	}
	c.Fields = cleanNames(c.Fields)
	if len(c.Fields) > CompetitionFieldsMax {
		p.Add("fields", "competition.fields_many", "max", CompetitionFieldsMax)
	}
	for i, f := range c.Fields {
		if utf8.RuneCountInString(f) > CompetitionFieldNameMax {
			p.Add(fmt.Sprintf("fields[%d]", i), "competition.field_long", "max", CompetitionFieldNameMax)
		}
	}
	if c.MaxPerOrg == 0 {
		c.MaxPerOrg = 1
	}
	if c.MaxPerOrg < 1 || c.MaxPerOrg > CompetitionPerOrgMax {
		p.Add("max_projects_per_org", "competition.per_org_range", "max", CompetitionPerOrgMax)
	}
	c.validateStages(p)
	c.validateCriteria(p)
	seen := map[string]bool{}
	for i, q := range c.Quotas {
		f := fmt.Sprintf("quotas[%d]", i)
		if q.Quota < 0 || q.Quota > CompetitionQuotaMax {
			p.Add(f+".quota", "competition.quota_range", "max", CompetitionQuotaMax)
		}
		if seen[q.CityCode] {
			p.Add(f+".city_code", "competition.quota_twice")
		}
		seen[q.CityCode] = true
	}
	return p.Err()
}

func (c *Competition) validateStages(p Problems) {
	if len(c.Stages) != len(CompetitionStages) {
		p.Add("stages", "competition.stages_all", "count", len(CompetitionStages))
		return
	}
	// Stages are kept in the fixed order whatever order they came in.
	byStage := map[CompetitionStage]StageDates{}
	for _, d := range c.Stages {
		byStage[d.Stage] = d
	}
	var prev time.Time
	out := make([]StageDates, 0, len(CompetitionStages))
	for i, s := range CompetitionStages {
		d, ok := byStage[s]
		f := fmt.Sprintf("stages[%d]", i)
		switch {
		case !ok:
			p.Add(f+".stage", "competition.stage_missing", "stage", s.Chinese())
			continue
		case d.StartsAt.IsZero() || d.EndsAt.IsZero():
			p.Add(f+".ends_at", "competition.stage_dates_required", "stage", s.Chinese())
		case !d.EndsAt.After(d.StartsAt):
			p.Add(f+".ends_at", "competition.stage_ends_after_starts", "stage", s.Chinese())
		case d.StartsAt.Before(prev):
			p.Add(f+".starts_at", "competition.stage_order", "stage", s.Chinese())
		}
		if d.EndsAt.After(prev) {
			prev = d.EndsAt
		}
		out = append(out, d)
	}
	c.Stages = out
}

func (c *Competition) validateCriteria(p Problems) {
	switch {
	case len(c.Criteria) == 0:
		p.Add("criteria", "competition.criteria_required")
		return
	case len(c.Criteria) > CompetitionCriteriaMax:
		p.Add("criteria", "competition.criteria_many", "max", CompetitionCriteriaMax)
		return
	}
	sum := 0
	for i := range c.Criteria {
		cr := &c.Criteria[i]
		f := fmt.Sprintf("criteria[%d]", i)
		cr.Name, cr.Description = strings.TrimSpace(cr.Name), strings.TrimSpace(cr.Description)
		switch {
		case cr.Name == "":
			p.Add(f+".name", "competition.criterion_name_required")
		case utf8.RuneCountInString(cr.Name) > CompetitionFieldNameMax:
			p.Add(f+".name", "competition.criterion_name_long", "max", CompetitionFieldNameMax)
		}
		if utf8.RuneCountInString(cr.Description) > CompetitionSummaryMax {
			p.Add(f+".description", "competition.criterion_description_long", "max", CompetitionSummaryMax)
		}
		if cr.Weight < 1 || cr.Weight > CompetitionWeightTotal {
			p.Add(f+".weight", "competition.weight_range", "max", CompetitionWeightTotal)
		}
		if cr.MaxScore == 0 {
			cr.MaxScore = cr.Weight
		}
		if cr.MaxScore < 1 || cr.MaxScore > CompetitionMaxScoreMax {
			p.Add(f+".max_score", "competition.max_score_range", "max", CompetitionMaxScoreMax)
		}
		sum += cr.Weight
	}
	if sum != CompetitionWeightTotal {
		p.Add("criteria", "competition.weights_sum", "sum", sum, "total", CompetitionWeightTotal)
	}
}

// cleanNames trims names, drops empty ones and repeats, keeping the order.
func cleanNames(in []string) []string {
	out := []string{}
	seen := map[string]bool{}
	for _, s := range in {
		s = strings.TrimSpace(s)
		if s == "" || seen[s] {
			continue
		}
		seen[s] = true
		out = append(out, s)
	}
	return out
}

// Scores are kept in hundredths of a point (Centi): a weighted total of 84.33 is 8433.
// Integers keep the sum, the mean and the tie-break the same on both engines and in the
// committee's spreadsheet.
type Centi int64

// String writes the score with two decimals ("84.33").
func (c Centi) String() string {
	sign := ""
	if c < 0 {
		sign, c = "-", -c
	}
	return fmt.Sprintf("%s%d.%02d", sign, c/100, c%100)
}

// Float is the score as a number of points, for JSON.
func (c Centi) Float() float64 { return float64(c) / 100 }

// WeightedTotal is one judge's total for one project: each criterion's points as a share
// of its maximum, times its weight, summed — so a perfect sheet totals
// CompetitionWeightTotal points — in hundredths, rounded half up. It names
// "scores[i].points" for points outside 0..MaxScore and "scores" when the sheet does not
// score every criterion exactly once.
func WeightedTotal(criteria []Criterion, points []int) (Centi, error) {
	p := Problems{}
	if len(points) != len(criteria) {
		p.Add("scores", "competition.scores_every_criterion", "count", len(criteria))
		return 0, p.Err()
	}
	// Σ points·weight·100 / max with one common denominator, so rounding happens once.
	var num, den int64 = 0, 1
	for _, c := range criteria {
		den = lcm(den, int64(c.MaxScore))
	}
	for i, c := range criteria {
		if points[i] < 0 || points[i] > c.MaxScore {
			p.Add(fmt.Sprintf("scores[%d].points", i), "competition.points_range", "criterion", c.Name, "max", c.MaxScore)
			continue
		}
		num += int64(points[i]) * int64(c.Weight) * 100 * (den / int64(c.MaxScore))
	}
	if err := p.Err(); err != nil {
		return 0, err
	}
	return Centi((num*2 + den) / (2 * den)), nil
}

func lcm(a, b int64) int64 {
	x, y := a, b
	for y != 0 {
		x, y = y, x%y
	}
	return a / x * b
}

// ProjectScore is the score rule: the mean of the judges' weighted totals, dropping the
// single highest and the single lowest when there are CompetitionTrimJudges (five) or
// more judges, in hundredths rounded half up. trimmed says whether two were dropped; ok
// is false when no judge has scored. With 92, 88, 75, 90 and 60 the score is the mean of
// 88, 75 and 90: 84.33.
func ProjectScore(totals []Centi) (score Centi, trimmed, ok bool) {
	if len(totals) == 0 {
		return 0, false, false
	}
	s := append([]Centi(nil), totals...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	if len(s) >= CompetitionTrimJudges {
		s, trimmed = s[1:len(s)-1], true
	}
	return MeanCenti(s), trimmed, true
}

// MeanCenti is the plain mean of totals in hundredths, rounded half up (0 for none).
func MeanCenti(totals []Centi) Centi {
	if len(totals) == 0 {
		return 0
	}
	var sum int64
	for _, t := range totals {
		sum += int64(t)
	}
	n := int64(len(totals))
	return Centi((sum*2 + n) / (2 * n))
}

// RankEntry is what the ranking of a city or a round compares: the project's score, the
// plain mean of all its judges' totals, when it was submitted and its id.
type RankEntry struct {
	ProjectID   int64
	Score       Centi
	AllMean     Centi
	SubmittedAt time.Time
}

// RankBefore is the tie-break rule (published with the round): the higher score ranks
// first; on equal scores the higher plain mean of all judges' totals (the highest and
// lowest included); then the project submitted earlier; then the lower project number.
// Every step reads figures on the committee's spreadsheet, so anyone can recompute the
// order. The store's ORDER BY is the same rule.
func RankBefore(a, b RankEntry) bool {
	if a.Score != b.Score {
		return a.Score > b.Score
	}
	if a.AllMean != b.AllMean {
		return a.AllMean > b.AllMean
	}
	if !a.SubmittedAt.Equal(b.SubmittedAt) {
		return a.SubmittedAt.Before(b.SubmittedAt)
	}
	return a.ProjectID < b.ProjectID
}

// ProjectStatus is where an application stands.
type ProjectStatus string

// Application statuses: a draft is edited and submitted; the first review passes, returns
// (for changes, to be resubmitted) or rejects it; a city recommends passed ones.
const (
	ProjectDraft       ProjectStatus = "draft"
	ProjectSubmitted   ProjectStatus = "submitted"
	ProjectReturned    ProjectStatus = "returned"
	ProjectPassed      ProjectStatus = "passed"
	ProjectRejected    ProjectStatus = "rejected"
	ProjectRecommended ProjectStatus = "recommended"
)

// Chinese is the status's name on pages.
func (s ProjectStatus) Chinese() string {
	switch s {
	case ProjectDraft:
		return "草稿"
	case ProjectSubmitted:
		return "已提交，待初审"
	case ProjectReturned:
		return "退回修改"
	case ProjectPassed:
		return "初审通过"
	case ProjectRejected:
		return "初审未通过"
	case ProjectRecommended:
		return "已推荐至省级"
	}
	return string(s)
}

// FirstReviewDecision is the first review's outcome.
type FirstReviewDecision string

// First-review decisions.
const (
	FirstReviewPass   FirstReviewDecision = "pass"
	FirstReviewReturn FirstReviewDecision = "return"
	FirstReviewReject FirstReviewDecision = "reject"
)

// ProjectResult is the province's published outcome for a project.
type ProjectResult string

// Results.
const (
	ResultFunded      ProjectResult = "funded"
	ResultCommended   ProjectResult = "commended"
	ResultNotSelected ProjectResult = "not_selected"
)

// Chinese is the result's name on pages.
func (r ProjectResult) Chinese() string {
	switch r {
	case ResultFunded:
		return "资助项目"
	case ResultCommended:
		return "表扬项目"
	case ResultNotSelected:
		return "未入选"
	}
	return string(r)
}

// BudgetLine is one line of a project's budget, in fen (分).
type BudgetLine struct {
	Item   string `json:"item"`
	Amount int64  `json:"amount_fen"`
}

// TeamMember is one of the project's team, a volunteer of the applying organisation.
type TeamMember struct {
	VolunteerID int64  `json:"volunteer_id"`
	Name        string `json:"name,omitempty"`
	Role        string `json:"role"`
}

// CompetitionProject is one application.
type CompetitionProject struct {
	ID              int64             `json:"id"`
	CompetitionID   int64             `json:"competition_id"`
	OrgID           int64             `json:"org_id"`
	OrgName         string            `json:"org_name"`
	Name            string            `json:"name"`
	Track           string            `json:"track"`
	Summary         string            `json:"summary"`
	TargetGroup     string            `json:"target_group"`
	RegionCode      string            `json:"region_code"`
	CityCode        string            `json:"city_code"`
	Plan            string            `json:"plan"`
	ExpectedResults string            `json:"expected_results"`
	Answers         map[string]string `json:"answers"`
	Team            []TeamMember      `json:"team"`
	Budget          []BudgetLine      `json:"budget"`
	BudgetTotal     int64             `json:"budget_total_fen"`
	Status          ProjectStatus     `json:"status"`
	ReviewComment   string            `json:"review_comment,omitempty"`
	SubmittedAt     *time.Time        `json:"submitted_at,omitempty"`
	Score           *Centi            `json:"-"`
	AllMean         *Centi            `json:"-"`
	Judges          int               `json:"judges_scored"`
	Result          ProjectResult     `json:"result,omitempty"`
	CreatedAt       time.Time         `json:"created_at"`
	Training        *ProjectTraining  `json:"training,omitempty"` // filled by the application (competition_training.go)
}

// Validate checks an application as drafted and names each bad field: the budget's lines
// must add up to the total stated ("budget_total_fen").
func (p *CompetitionProject) Validate(c *Competition) error {
	pr := Problems{}
	p.Name = strings.TrimSpace(p.Name)
	switch {
	case p.Name == "":
		pr.Add("name", "competition.project_name_required")
	case utf8.RuneCountInString(p.Name) > MaxTitleRunes:
		pr.Add("name", "competition.project_name_long", "max", MaxTitleRunes)
	}
	if !c.HasTrack(p.Track) {
		pr.Add("track", "competition.track_unknown")
	}
	for _, f := range []struct {
		name string
		v    *string
		max  int
	}{{"summary", &p.Summary, CompetitionSummaryMax}, {"target_group", &p.TargetGroup, MaxTargetGroupRunes},
		{"plan", &p.Plan, CompetitionTextMax}, {"expected_results", &p.ExpectedResults, CompetitionTextMax}} {
		*f.v = strings.TrimSpace(*f.v)
		if utf8.RuneCountInString(*f.v) > f.max {
			pr.Add(f.name, "competition.text_long", "max", f.max)
		}
	}
	if looksLikeIDNumber(p.TargetGroup) {
		pr.Add("target_group", "need.no_id_numbers")
	}
	answers := map[string]string{}
	for _, f := range c.Fields {
		v := strings.TrimSpace(p.Answers[f])
		if utf8.RuneCountInString(v) > CompetitionFieldValueMax {
			pr.Add("answers."+f, "competition.text_long", "max", CompetitionFieldValueMax)
		}
		answers[f] = v
	}
	p.Answers = answers
	if len(p.Team) > CompetitionTeamMax {
		pr.Add("team", "competition.team_many", "max", CompetitionTeamMax)
	}
	seen := map[int64]bool{}
	for i, m := range p.Team {
		if seen[m.VolunteerID] {
			pr.Add(fmt.Sprintf("team[%d].volunteer_id", i), "competition.team_twice")
		}
		seen[m.VolunteerID] = true
		if utf8.RuneCountInString(m.Role) > CompetitionFieldNameMax {
			pr.Add(fmt.Sprintf("team[%d].role", i), "competition.text_long", "max", CompetitionFieldNameMax)
		}
	}
	if len(p.Budget) > CompetitionBudgetLinesMax {
		pr.Add("budget", "competition.budget_many", "max", CompetitionBudgetLinesMax)
	}
	var sum int64
	for i := range p.Budget {
		b := &p.Budget[i]
		b.Item = strings.TrimSpace(b.Item)
		if b.Item == "" || utf8.RuneCountInString(b.Item) > CompetitionFieldNameMax*2 {
			pr.Add(fmt.Sprintf("budget[%d].item", i), "competition.budget_item", "max", CompetitionFieldNameMax*2)
		}
		if b.Amount <= 0 || b.Amount > CompetitionBudgetLineMax {
			pr.Add(fmt.Sprintf("budget[%d].amount_fen", i), "competition.budget_amount", "max", Yuan(CompetitionBudgetLineMax))
			continue
		}
		sum += b.Amount
	}
	if len(pr) == 0 && sum != p.BudgetTotal {
		pr.Add("budget_total_fen", "competition.budget_total", "sum", Yuan(sum), "total", Yuan(p.BudgetTotal))
	}
	return pr.Err()
}

// Yuan writes an amount in fen as yuan with two decimals ("1234.50").
func Yuan(fen int64) string { return Centi(fen).String() }

// CompetitionScore is one judge's score sheet for one project. A submitted sheet is
// never changed: an amendment is a new sheet (Amends the old one's id) with its reason,
// and the old one is kept with ReplacedAt set.
type CompetitionScore struct {
	ID         int64      `json:"id"`
	ProjectID  int64      `json:"project_id"`
	JudgeID    int64      `json:"judge_id"`
	JudgeName  string     `json:"judge_name"`
	Points     []int      `json:"points"`
	Total      Centi      `json:"-"`
	Comment    string     `json:"comment"`
	Amends     int64      `json:"amends,omitempty"`
	Reason     string     `json:"reason,omitempty"`
	CreatedAt  time.Time  `json:"created_at"`
	ReplacedAt *time.Time `json:"replaced_at,omitempty"`
}

// RankedProject is one line of a ranking.
type RankedProject struct {
	Rank        int           `json:"rank"`
	ProjectID   int64         `json:"project_id"`
	Name        string        `json:"name"`
	OrgName     string        `json:"org_name"`
	Track       string        `json:"track"`
	CityCode    string        `json:"city_code"`
	Status      ProjectStatus `json:"status"`
	Score       Centi         `json:"-"`
	AllMean     Centi         `json:"-"`
	Judges      int           `json:"judges_scored"`
	SubmittedAt time.Time     `json:"submitted_at"`
	Result      ProjectResult `json:"result,omitempty"`
}

// Judge is an account judging one round, with the organisations it declared a conflict
// of interest with.
type Judge struct {
	AccountID int64   `json:"account_id"`
	Name      string  `json:"name"`
	Conflicts []int64 `json:"conflict_org_ids"`
}
