package zhiyuan_test

import (
	"testing"
	"time"

	"zhiyuan"
)

func rubric() []zhiyuan.Criterion {
	return []zhiyuan.Criterion{
		{Name: "需求分析", Weight: 20, MaxScore: 10}, {Name: "项目设计", Weight: 25, MaxScore: 10},
		{Name: "团队", Weight: 15, MaxScore: 10}, {Name: "可持续性", Weight: 20, MaxScore: 10}, {Name: "预算", Weight: 20, MaxScore: 10},
	}
}

func TestProjectScoreRule(t *testing.T) {
	t.Parallel()
	c := func(v ...float64) []zhiyuan.Centi {
		out := make([]zhiyuan.Centi, len(v))
		for i, x := range v {
			out[i] = zhiyuan.Centi(x * 100)
		}
		return out
	}
	for _, tc := range []struct {
		name    string
		totals  []zhiyuan.Centi
		want    string
		trimmed bool
	}{
		{"five judges: highest and lowest dropped", c(92, 88, 75, 90, 60), "84.33", true},
		{"four judges: plain mean", c(92, 88, 75, 90), "86.25", false},
		{"one judge", c(71.5), "71.50", false},
		{"six judges", c(100, 0, 50, 50, 60, 40), "50.00", true},
		{"two halves round up", c(80.01, 80.02), "80.02", false},
		{"equal extremes drop one each", c(90, 90, 90, 70, 70), "83.33", true},
	} {
		got, trimmed, ok := zhiyuan.ProjectScore(tc.totals)
		if !ok || got.String() != tc.want || trimmed != tc.trimmed {
			t.Errorf("%s: %v → %s trimmed=%v ok=%v, want %s trimmed=%v", tc.name, tc.totals, got, trimmed, ok, tc.want, tc.trimmed)
		}
	}
	if _, _, ok := zhiyuan.ProjectScore(nil); ok {
		t.Error("no judges gives a score")
	}
}

func TestWeightedTotal(t *testing.T) {
	t.Parallel()
	cr := rubric()
	for _, tc := range []struct {
		points []int
		want   string
		field  string
	}{
		{[]int{10, 10, 10, 10, 10}, "100.00", ""},
		{[]int{9, 8, 7, 10, 6}, "80.50", ""}, // 18 + 20 + 10.5 + 20 + 12
		{[]int{0, 0, 0, 0, 0}, "0.00", ""},
		{[]int{10, 11, 10, 10, 10}, "", "scores[1].points"},
		{[]int{-1, 10, 10, 10, 10}, "", "scores[0].points"},
		{[]int{10, 10}, "", "scores"},
	} {
		got, err := zhiyuan.WeightedTotal(cr, tc.points)
		if tc.field != "" {
			if zhiyuan.ErrorCode(err) != zhiyuan.EInvalid || zhiyuan.ErrorProblems(err).Reasons()[tc.field] == "" {
				t.Errorf("%v: want 422 on %s, got %v", tc.points, tc.field, err)
			}
			continue
		}
		if err != nil || got.String() != tc.want {
			t.Errorf("%v → %s %v, want %s", tc.points, got, err, tc.want)
		}
	}
	// Criteria with different maxima: 7 of 15 at weight 30 is 14 points.
	mixed := []zhiyuan.Criterion{{Name: "a", Weight: 30, MaxScore: 15}, {Name: "b", Weight: 70, MaxScore: 7}}
	if got, err := zhiyuan.WeightedTotal(mixed, []int{7, 7}); err != nil || got.String() != "84.00" {
		t.Errorf("mixed maxima: %s %v", got, err)
	}
}

func TestRankBefore(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC)
	a := zhiyuan.RankEntry{ProjectID: 2, Score: 8433, AllMean: 8100, SubmittedAt: t0}
	for _, tc := range []struct {
		name string
		b    zhiyuan.RankEntry
		want bool // a before b
	}{
		{"higher score first", zhiyuan.RankEntry{ProjectID: 1, Score: 8432, AllMean: 9000, SubmittedAt: t0.Add(-time.Hour)}, true},
		{"equal score: higher mean of all judges", zhiyuan.RankEntry{ProjectID: 1, Score: 8433, AllMean: 8101, SubmittedAt: t0}, false},
		{"then earlier submission", zhiyuan.RankEntry{ProjectID: 1, Score: 8433, AllMean: 8100, SubmittedAt: t0.Add(time.Second)}, true},
		{"then lower number", zhiyuan.RankEntry{ProjectID: 1, Score: 8433, AllMean: 8100, SubmittedAt: t0}, false},
	} {
		if got := zhiyuan.RankBefore(a, tc.b); got != tc.want {
			t.Errorf("%s: got %v", tc.name, got)
		}
		if zhiyuan.RankBefore(tc.b, a) == tc.want {
			t.Errorf("%s: the rule is not antisymmetric", tc.name)
		}
	}
}

func validRound(now time.Time) zhiyuan.Competition {
	c := zhiyuan.Competition{Name: "2027 益苗计划", Tracks: []string{"助老", "助残"}, MaxPerOrg: 2, Criteria: rubric(),
		Quotas: []zhiyuan.CityQuota{{CityCode: "440100", Quota: 2}}}
	at := now
	for _, s := range zhiyuan.CompetitionStages {
		c.Stages = append(c.Stages, zhiyuan.StageDates{Stage: s, StartsAt: at, EndsAt: at.Add(24 * time.Hour)})
		at = at.Add(24 * time.Hour)
	}
	return c
}

func TestCompetitionValidate(t *testing.T) {
	t.Parallel()
	now := time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC)
	ok := validRound(now)
	if err := ok.Validate(); err != nil {
		t.Fatalf("a valid round: %v", err)
	}
	if ok.CurrentStage(now.Add(25*time.Hour)) != zhiyuan.StageFirstReview || ok.CurrentStage(now.Add(1000*time.Hour)) != zhiyuan.StageResults {
		t.Error("current stage")
	}
	for _, tc := range []struct {
		name  string
		edit  func(c *zhiyuan.Competition)
		field string
	}{
		{"weights 95", func(c *zhiyuan.Competition) { c.Criteria[0].Weight = 15 }, "criteria"},
		{"weights 105", func(c *zhiyuan.Competition) { c.Criteria[0].Weight = 25 }, "criteria"},
		{"max score 0 below range", func(c *zhiyuan.Competition) { c.Criteria[1].MaxScore = 101 }, "criteria[1].max_score"},
		{"no name", func(c *zhiyuan.Competition) { c.Name = " " }, "name"},
		{"no tracks", func(c *zhiyuan.Competition) { c.Tracks = nil }, "tracks"},
		{"a stage ends before it starts", func(c *zhiyuan.Competition) { c.Stages[2].EndsAt = c.Stages[2].StartsAt }, "stages[2].ends_at"},
		{"stages overlap", func(c *zhiyuan.Competition) { c.Stages[3].StartsAt = c.Stages[1].StartsAt }, "stages[3].starts_at"},
		{"a stage missing", func(c *zhiyuan.Competition) { c.Stages = c.Stages[:6] }, "stages"},
		{"per org", func(c *zhiyuan.Competition) { c.MaxPerOrg = 21 }, "max_projects_per_org"},
		{"quota", func(c *zhiyuan.Competition) { c.Quotas[0].Quota = -1 }, "quotas[0].quota"},
	} {
		c := validRound(now)
		c.Criteria = rubric()
		tc.edit(&c)
		err := c.Validate()
		if zhiyuan.ErrorCode(err) != zhiyuan.EInvalid || zhiyuan.ErrorProblems(err).Reasons()[tc.field] == "" {
			t.Errorf("%s: want a problem on %s, got %v", tc.name, tc.field, err)
		}
	}
}

func TestProjectValidateBudget(t *testing.T) {
	t.Parallel()
	c := validRound(time.Now())
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	p := zhiyuan.CompetitionProject{Name: "银龄陪伴", Track: "助老", Budget: []zhiyuan.BudgetLine{{Item: "物资", Amount: 120000}, {Item: "交通", Amount: 30050}}, BudgetTotal: 150050}
	if err := p.Validate(&c); err != nil {
		t.Fatalf("valid: %v", err)
	}
	p.BudgetTotal = 150000
	if err := p.Validate(&c); zhiyuan.ErrorProblems(err).Reasons()["budget_total_fen"] != "competition.budget_total" {
		t.Errorf("a total that is not the sum: %v", err)
	}
	p.Track = "应急"
	if err := p.Validate(&c); zhiyuan.ErrorProblems(err).Reasons()["track"] == "" {
		t.Errorf("a track the round has not: %v", err)
	}
}
