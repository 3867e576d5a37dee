package demo

import (
	"context"
	"fmt"
	"time"

	"zhiyuan"
	"zhiyuan/internal/app"
	"zhiyuan/internal/sqlstore"
)

// fillHonours gives 我的荣誉 something to show (docs/honours.md): 张小红 (13800000001), a
// member of 广州市义工联合会, holds the association's 优秀志愿者 and 广州市's 优秀志愿者,
// two training courses and a care visit; the organisers rated her at the sessions she
// attended and she rated one of them; other volunteers rated the activities they attended,
// so activity pages show an average; and 广州市 named the association an
// 优秀志愿服务组织. Awards, training and the visit go through the application, audited as
// an administrator's would be. It comes after the hours (sessions attended) and the
// memberships, and before the cards (her demo proof then prints the awards).
func fillHonours(ctx context.Context, a *app.App, s *sqlstore.Store, _ Options, _ *[]Account) error {
	started := time.Now()
	principal := func(phone string) (*zhiyuan.Principal, error) {
		acc, _, err := s.FindAccountByPhone(ctx, phone)
		if err != nil {
			return nil, fmt.Errorf("demo honours %s: %w", phone, err)
		}
		return &zhiyuan.Principal{AccountID: acc.ID, Name: acc.Name, Roles: acc.Roles}, nil
	}
	orgAdmin, err := principal("13900000203")
	if err != nil {
		return err
	}
	city, err := principal("13900000100")
	if err != nil {
		return err
	}
	var org int64
	for _, r := range orgAdmin.Roles {
		if r.Kind == zhiyuan.RoleOrgAdmin {
			org = r.OrgID
		}
	}
	acc, _, err := s.FindAccountByPhone(ctx, "13800000001")
	if err != nil {
		return fmt.Errorf("demo honours volunteer: %w", err)
	}
	v, err := s.FindVolunteerByAccountID(ctx, acc.ID)
	if err != nil {
		return err
	}
	if m, err := s.FindMembership(ctx, org, v.ID); err != nil || m.Status != zhiyuan.MemberApproved {
		if err != nil {
			if _, err := s.ApplyMembership(ctx, org, v.ID); err != nil {
				return fmt.Errorf("demo honours membership: %w", err)
			}
		}
		if err := s.DecideMembership(ctx, org, v.ID, zhiyuan.MemberApproved, orgAdmin.AccountID, nil); err != nil {
			return fmt.Errorf("demo honours membership: %w", err)
		}
	}
	day := func(daysAgo int) string {
		return s.Now().AddDate(0, 0, -daysAgo).In(zhiyuan.Beijing).Format(time.DateOnly)
	}
	year := s.Now().In(zhiyuan.Beijing).Year() - 1
	if _, err := a.GrantOrgAward(ctx, orgAdmin, org, app.AwardGrant{VolunteerID: v.ID, AwardInput: zhiyuan.AwardInput{
		Title: fmt.Sprintf("%d年度优秀志愿者", year), AwardedOn: day(70), CertificateNo: fmt.Sprintf("穗义联〔%d〕12号", year+1)}}); err != nil {
		return fmt.Errorf("demo org award: %w", err)
	}
	if _, err := a.GrantRegionAward(ctx, city, "440100", app.AwardGrant{VolunteerID: v.ID, AwardInput: zhiyuan.AwardInput{
		Title: "优秀志愿者", Level: zhiyuan.LevelCity, AwardedOn: day(40)}}); err != nil {
		return fmt.Errorf("demo city award: %w", err)
	}
	if _, err := a.GrantRegionAward(ctx, city, "440100", app.AwardGrant{RecipientOrgID: org, AwardInput: zhiyuan.AwardInput{
		Title: "优秀志愿服务组织", Level: zhiyuan.LevelCity, AwardedOn: day(40)}}); err != nil {
		return fmt.Errorf("demo organisation award: %w", err)
	}
	for _, t := range []zhiyuan.TrainingInput{
		{Course: "志愿服务通用知识培训", Minutes: 180, TrainedOn: day(120)},
		{Course: "应急救护员培训", Minutes: 480, Organiser: "广州市红十字会", TrainedOn: day(30)},
	} {
		if _, err := a.RecordTraining(ctx, orgAdmin, org, app.TrainingGrant{VolunteerID: v.ID, TrainingInput: t}); err != nil {
			return fmt.Errorf("demo training: %w", err)
		}
	}
	if _, err := a.RecordCareVisit(ctx, orgAdmin, org, app.CareGrant{VolunteerID: v.ID, CareInput: zhiyuan.CareInput{
		VisitedOn: day(20), Kind: "festival", Note: "中秋节走访慰问，送去月饼和慰问信"}}); err != nil {
		return fmt.Errorf("demo care visit: %w", err)
	}

	// Evaluations of the sessions she attended, and of the activities by those who came.
	sessions, err := s.AttendedSessions(ctx, v.ID)
	if err != nil {
		return err
	}
	comments := []string{"准时到岗，服务耐心细致", "主动补位，协助维持秩序", "沟通清楚，长者反馈很好"}
	rated := 0
	for i, se := range sessions {
		var creator int64
		if err := s.DB().QueryRowContext(ctx, s.Rebind(`SELECT created_by FROM organizations WHERE id = ?`), se.OrgID).Scan(&creator); err != nil {
			return err
		}
		e := &zhiyuan.Evaluation{SessionID: se.SessionID, ActivityID: se.ActivityID, OrgID: se.OrgID, VolunteerID: v.ID,
			Rating: 5 - i%2, Comment: comments[i%len(comments)], RatedBy: creator}
		if err := s.SaveEvaluation(ctx, sqlstore.OfVolunteer, e); err != nil {
			return fmt.Errorf("demo evaluation: %w", err)
		}
		if i == 0 {
			mine := &zhiyuan.Evaluation{SessionID: se.SessionID, ActivityID: se.ActivityID, OrgID: se.OrgID, VolunteerID: v.ID,
				Rating: 5, Comment: "活动组织有序，很有意义", RatedBy: acc.ID}
			if err := s.SaveEvaluation(ctx, sqlstore.OfActivity, mine); err != nil {
				return fmt.Errorf("demo activity evaluation: %w", err)
			}
		}
		attendees, err := s.SessionAttendees(ctx, se.SessionID)
		if err != nil {
			return err
		}
		for k, at := range attendees {
			if at.VolunteerID == v.ID || k >= 12 {
				continue
			}
			var account int64
			if err := s.DB().QueryRowContext(ctx, s.Rebind(`SELECT account_id FROM volunteers WHERE id = ?`), at.VolunteerID).Scan(&account); err != nil {
				return err
			}
			e := &zhiyuan.Evaluation{SessionID: se.SessionID, ActivityID: se.ActivityID, OrgID: se.OrgID, VolunteerID: at.VolunteerID,
				Rating: 3 + (k+i)%3, RatedBy: account}
			if err := s.SaveEvaluation(ctx, sqlstore.OfActivity, e); err != nil {
				return fmt.Errorf("demo activity evaluation: %w", err)
			}
			rated++
		}
	}
	fmt.Printf("  荣誉: 3 项表彰，2 条培训，%d 场服务评价，%d 条活动评价（%s）\n", len(sessions), rated+min(1, len(sessions)), time.Since(started).Round(time.Millisecond))
	return nil
}
