package demo

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"zhiyuan"
	"zhiyuan/internal/app"
	"zhiyuan/internal/sqlstore"
)

// fillCredit shows the credit record and insurance: 张小红 (13800000001) did not come to
// an evening session of 广州市义工联合会 40 days ago, a mark she has appealed (so 广州市's
// admin, 13900000100, has an appeal to decide), and 广州市义工联合会 holds an accident
// insurance policy covering all its activities for a year. The demo's other no-shows
// (hours.go) carry marks too, recorded by the no-show sweep.
func fillCredit(ctx context.Context, a *app.App, s *sqlstore.Store, _ Options, _ *[]Account) error {
	var orgID, creator int64
	err := s.DB().QueryRowContext(ctx, s.Rebind(`SELECT id, created_by FROM organizations WHERE name = ? AND status = 'approved'`),
		"广州市义工联合会").Scan(&orgID, &creator)
	if err == sql.ErrNoRows {
		return nil
	}
	if err != nil {
		return err
	}
	now := s.Now().In(zhiyuan.Beijing)
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, zhiyuan.Beijing)
	pol := &zhiyuan.InsurancePolicy{OrgID: orgID, Insurer: "中国人民财产保险股份有限公司广州市分公司", PolicyNo: fmt.Sprintf("PICC-GZ-%d-0001", now.Year()),
		CoverStart: today.AddDate(0, 0, -60), CoverEnd: today.AddDate(1, 0, -61), AllActivities: true, CreatedBy: creator}
	pol.CoverStart = time.Date(pol.CoverStart.Year(), pol.CoverStart.Month(), pol.CoverStart.Day(), 0, 0, 0, 0, time.UTC)
	pol.CoverEnd = time.Date(pol.CoverEnd.Year(), pol.CoverEnd.Month(), pol.CoverEnd.Day(), 0, 0, 0, 0, time.UTC)
	if err := s.CreatePolicy(ctx, pol); err != nil {
		return fmt.Errorf("demo policy: %w", err)
	}

	acc, _, err := s.FindAccountByPhone(ctx, "13800000001")
	if err != nil {
		return nil
	}
	v, err := s.FindVolunteerByAccountID(ctx, acc.ID)
	if err != nil {
		return nil
	}
	start := today.AddDate(0, 0, -40).Add(19 * time.Hour)
	act := &zhiyuan.Activity{OrgID: orgID, Title: "社区夜间巡逻志愿服务", Description: "协助社区开展夜间安全巡查。", Category: zhiyuan.CatCommunity,
		RegionCode: "440104", Address: "广州市越秀区北京街道", TimeZone: zhiyuan.DefaultTimeZone, SignupMode: zhiyuan.SignupFirstCome,
		Sessions: []zhiyuan.ActivitySession{{StartsAt: start.UTC(), EndsAt: start.Add(2 * time.Hour).UTC(), Capacity: 10}}}
	// Made in the store directly: the application refuses sessions in the past.
	if err := s.CreateActivity(ctx, act, creator); err != nil {
		return fmt.Errorf("demo credit activity: %w", err)
	}
	if err := s.PublishActivity(ctx, act.ID); err != nil {
		return fmt.Errorf("demo credit activity: %w", err)
	}
	se := act.Sessions[0]
	sg, err := s.CreateSignup(ctx, sqlstore.SignupRequest{SessionID: se.ID, ActivityID: act.ID, VolunteerID: v.ID,
		Mode: zhiyuan.SignupFirstCome, StartsAt: se.StartsAt, EndsAt: se.EndsAt})
	if err != nil {
		return nil // an overlapping demo sign-up: no mark to show
	}
	if _, err := s.DecideSignups(ctx, se.ID, []int64{sg.ID}, zhiyuan.DecideNoShow, creator); err != nil {
		return fmt.Errorf("demo no-show: %w", err)
	}
	marks, err := s.FindCreditMarks(ctx, v.ID)
	if err != nil || len(marks) == 0 {
		return err
	}
	return s.AppealMark(ctx, marks[0].ID, "当晚因台风预警，社区通知取消巡逻，但平台上的活动未取消。")
}
