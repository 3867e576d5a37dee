package demo

import (
	"context"
	"fmt"
	"time"

	"zhiyuan"
	"zhiyuan/internal/app"
	"zhiyuan/internal/sqlstore"
)

// fillCompetition gives 益苗计划 a round to show (docs/competition.md): 广东省 (13900000001)
// opened "2027 益苗计划", its collection under way; 广州市义工联合会 (13900000203) and
// 华南理工大学团委 (13900000200) applied, 广州市 (13900000100) passed two projects in the
// first review and one waits for it; two judges (13900000400, 13900000401) scored the
// passed ones, so 广州's ranking has something to recommend; a draft is left to submit.
// Everything goes through the application, audited as people's actions would be.
func fillCompetition(ctx context.Context, a *app.App, s *sqlstore.Store, _ Options, _ *[]Account) error {
	principal := func(phone string) (*zhiyuan.Principal, error) {
		acc, _, err := s.FindAccountByPhone(ctx, phone)
		if err != nil {
			return nil, fmt.Errorf("demo competition %s: %w", phone, err)
		}
		return &zhiyuan.Principal{AccountID: acc.ID, Name: acc.Name, Roles: acc.Roles}, nil
	}
	province, err := principal("13900000001")
	if err != nil {
		return err
	}
	city, err := principal("13900000100")
	if err != nil {
		return err
	}
	now := time.Now().In(zhiyuan.Beijing).Truncate(time.Hour)
	c := zhiyuan.Competition{Name: "2027 益苗计划", RegionCode: "440000", Tracks: []string{"助老", "助残", "乡村振兴", "生态环保", "应急"},
		Fields: []string{"项目亮点"}, MaxPerOrg: 2,
		Criteria: []zhiyuan.Criterion{
			{Name: "需求分析", Weight: 20, MaxScore: 10, Description: "服务对象的需求是否真实、清楚"},
			{Name: "项目设计", Weight: 25, MaxScore: 10, Description: "方案是否可行、有创新"},
			{Name: "团队", Weight: 15, MaxScore: 10, Description: "团队是否稳定、有经验"},
			{Name: "可持续性", Weight: 20, MaxScore: 10, Description: "项目能否长期运行"},
			{Name: "预算", Weight: 20, MaxScore: 10, Description: "预算是否合理、清楚"},
		}}
	start := now.AddDate(0, 0, -10)
	for i, st := range zhiyuan.CompetitionStages {
		days := 30
		if i > 0 {
			days = 14
		}
		end := start.AddDate(0, 0, days)
		c.Stages = append(c.Stages, zhiyuan.StageDates{Stage: st, StartsAt: start, EndsAt: end})
		start = end
	}
	for _, q := range a.CompetitionCities("440000") {
		c.Quotas = append(c.Quotas, zhiyuan.CityQuota{CityCode: q.CityCode, Quota: 2})
	}
	round, err := a.CreateCompetition(ctx, province, c)
	if err != nil {
		return fmt.Errorf("demo competition: %w", err)
	}
	// Each action waits for its stage to start; the demo shows every stage at once, so
	// every stage starts with the collection (each still ends on its date).
	if err := s.StartCompetitionStagesAt(ctx, round.ID, c.Stages[0].StartsAt); err != nil {
		return err
	}
	type entry struct {
		admin, name, track, region, summary string
		review                              bool
		submit                              bool
		sheets                              [][]int
	}
	entries := []entry{
		{"13900000203", "银龄陪伴计划", "助老", "440106", "为天河区独居长者提供每周上门陪伴与家居清洁", true, true, [][]int{{9, 8, 8, 9, 8}, {10, 9, 8, 8, 9}}},
		{"13900000203", "手语天使助残行", "助残", "440104", "培训青年志愿者学习手语，陪同听障人士就医办事", true, true, [][]int{{8, 9, 9, 7, 8}, {9, 8, 9, 8, 7}}},
		{"13900000200", "青春护河行动", "生态环保", "440106", "大学生志愿者定期巡河、清理河岸垃圾并开展宣传", false, true, nil},
		{"13900000200", "乡村儿童科学营", "乡村振兴", "440106", "暑期赴乡村小学开展科学实验课", false, false, nil},
	}
	var judges []*zhiyuan.Principal
	for i, name := range []string{"评委 王教授", "评委 李老师"} {
		phone := fmt.Sprintf("1390000040%d", i)
		if _, err := a.AddJudge(ctx, province, round.ID, app.JudgeInput{Phone: phone, Name: name, Password: Password}); err != nil {
			return fmt.Errorf("demo judge: %w", err)
		}
		j, err := principal(phone)
		if err != nil {
			return err
		}
		// Not among the printed accounts: those each have a home page with something on it,
		// and a judge's work is on the round's page (docs/competition.md names them).
		judges = append(judges, j)
	}
	for _, e := range entries {
		org, err := principal(e.admin)
		if err != nil {
			return err
		}
		pj, err := a.CreateCompetitionProject(ctx, org, round.ID, app.ProjectInput{OrgID: app.DefaultTakingOrg(org), CompetitionProject: zhiyuan.CompetitionProject{
			Name: e.name, Track: e.track, Summary: e.summary, TargetGroup: "社区居民", RegionCode: e.region,
			Plan: "每周开展两次服务，每季度总结一次。", ExpectedResults: "全年服务不少于500人次。", Answers: map[string]string{"项目亮点": "志愿者与服务对象长期结对"},
			Budget: []zhiyuan.BudgetLine{{Item: "物资", Amount: 800000}, {Item: "培训", Amount: 200000}}, BudgetTotal: 1000000}})
		if err != nil {
			return fmt.Errorf("demo project %s: %w", e.name, err)
		}
		// Every application carries its plan as a PDF attachment (competition_attachments.go).
		if _, err := a.AddCompetitionAttachment(ctx, org, pj.ID, "项目申报书.pdf", demoApplicationPDF); err != nil {
			return fmt.Errorf("demo attachment %s: %w", e.name, err)
		}
		if !e.submit {
			continue
		}
		if _, err := a.SubmitCompetitionProject(ctx, org, pj.ID); err != nil {
			return err
		}
		if !e.review {
			continue
		}
		if _, err := a.ReviewCompetitionProject(ctx, city, pj.ID, string(zhiyuan.FirstReviewPass), ""); err != nil {
			return err
		}
		for i, j := range judges {
			if err := a.AssignJudge(ctx, province, pj.ID, j.AccountID); err != nil {
				return err
			}
			if _, err := a.SubmitScore(ctx, j, pj.ID, app.ScoreInput{Points: e.sheets[i], Comment: "需求清楚，方案可行"}); err != nil {
				return err
			}
		}
	}
	// A training session for the passed teams in three days, hosted by 广州市义工联合会.
	host, err := principal("13900000203")
	if err != nil {
		return err
	}
	day := now.AddDate(0, 0, 3)
	trainAt := time.Date(day.Year(), day.Month(), day.Day(), 14, 0, 0, 0, zhiyuan.Beijing)
	if _, err := a.ScheduleTraining(ctx, province, round.ID, app.TrainingInput{Title: "项目设计与预算编制培训", Place: "广州市天河区体育西路191号",
		StartsAt: trainAt, EndsAt: trainAt.Add(2 * time.Hour), HostOrgID: app.DefaultTakingOrg(host)}); err != nil {
		return fmt.Errorf("demo training: %w", err)
	}
	return nil
}

// demoApplicationPDF is a one-page PDF standing for an application's plan.
var demoApplicationPDF = []byte("%PDF-1.4\n" +
	"1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n" +
	"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n" +
	"3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >> endobj\n" +
	"4 0 obj << /Length 58 >> stream\nBT /F1 24 Tf 72 760 Td (Yimiao 2027: project plan) Tj ET\nendstream endobj\n" +
	"5 0 obj << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> endobj\n" +
	"trailer << /Root 1 0 R /Size 6 >>\n%%EOF\n")
