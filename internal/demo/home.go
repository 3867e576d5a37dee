package demo

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"zhiyuan"
	"zhiyuan/internal/app"
	"zhiyuan/internal/sqlstore"
)

// fillWaiting leaves something on every demo account's home page: each printed
// organisation admin finds applications to join, sign-ups to admit (an activity by
// admission ten days ahead) and hours to confirm that are already overdue (a session
// three weeks ago nobody confirmed); 顺德区's admin, whose district the other fillers pass
// by, finds an organisation to approve and a card application; the two known volunteers
// find unread messages.
func fillWaiting(ctx context.Context, a *app.App, s *sqlstore.Store, opt Options, _ *[]Account) error {
	started := time.Now()
	rng := rand.New(rand.NewPCG(uint64(opt.Seed)+37, 41))
	vols, err := demoAdultVolunteers(ctx, s, 600)
	if err != nil {
		return err
	}
	if len(vols) < 100 {
		return nil // too few volunteers to fill anything
	}
	now := s.Now().In(zhiyuan.Beijing)
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, zhiyuan.Beijing)
	rules := a.HourRules()
	orgs := 0
	for i, ad := range demoOrgAdmins {
		var id, creator int64
		var region string
		err := s.DB().QueryRowContext(ctx, s.Rebind(`SELECT id, created_by, region_code FROM organizations
			WHERE name = ? AND status = 'approved'`), ad.org).Scan(&id, &creator, &region)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return err
		}
		county := demoCounty(a, region, rng)
		if county == "" {
			continue
		}
		orgs++
		pick := func(k int) int64 { return vols[(200+i*13+k)%len(vols)] }
		// Two volunteers ask to join (one already a member is skipped).
		for k := range 3 {
			s.ApplyMembership(ctx, id, pick(k))
		}
		centre, ok := cityCentres[county[:4]]
		if !ok {
			centre = zhiyuan.LatLng{Lat: 23.13, Lng: 113.26}
		}
		newActivity := func(title string, mode zhiyuan.SignupMode, start time.Time) (*zhiyuan.Activity, error) {
			kind := demoActivities[(i+len(title))%len(demoActivities)]
			act := &zhiyuan.Activity{OrgID: id, Title: title, Description: kind.description, Category: kind.cat,
				TargetGroup: kind.target, RegionCode: county, Address: a.RegionName(county) + demoPlace(rng),
				Lat: centre.Lat, Lng: centre.Lng, CheckinRadiusM: 500, ContactName: "志愿服务联络员",
				TimeZone: zhiyuan.DefaultTimeZone, SignupMode: mode, CancelBeforeHours: 24,
				Sessions: []zhiyuan.ActivitySession{{StartsAt: start.UTC(), EndsAt: start.Add(3 * time.Hour).UTC(), Capacity: 20}}}
			// In the store directly: the application refuses sessions in the past.
			if err := s.CreateActivity(ctx, act, creator); err != nil {
				return nil, fmt.Errorf("demo activity: %w", err)
			}
			if err := s.PublishActivity(ctx, act.ID); err != nil {
				return nil, fmt.Errorf("demo activity: %w", err)
			}
			return act, nil
		}
		// Sign-ups to admit.
		act, err := newActivity("志愿者骨干培训（报名后录用）", zhiyuan.SignupAdmission, today.AddDate(0, 0, 10).Add(14*time.Hour))
		if err != nil {
			return err
		}
		se := act.Sessions[0]
		for k := range 4 {
			s.CreateSignup(ctx, sqlstore.SignupRequest{SessionID: se.ID, ActivityID: act.ID, VolunteerID: pick(10 + k),
				Mode: zhiyuan.SignupAdmission, StartsAt: se.StartsAt, EndsAt: se.EndsAt}) // an overlapping sign-up is skipped
		}
		// Hours nobody confirmed, three weeks on: past the recording deadline.
		act, err = newActivity("社区环境清洁行动", zhiyuan.SignupFirstCome, today.AddDate(0, 0, -21).Add(9*time.Hour))
		if err != nil {
			return err
		}
		se = act.Sessions[0]
		for k := range 5 {
			vid := pick(20 + k)
			if _, err := s.CreateSignup(ctx, sqlstore.SignupRequest{SessionID: se.ID, ActivityID: act.ID, VolunteerID: vid,
				Mode: zhiyuan.SignupFirstCome, StartsAt: se.StartsAt, EndsAt: se.EndsAt}); err != nil {
				continue
			}
			if _, err := demoAttend(ctx, s, rules, se, id, county, vid, rng); err != nil {
				return err
			}
		}
	}

	// 顺德区: an organisation waiting for approval and a card application.
	shunde := 0
	if acc, _, err := s.FindAccountByPhone(ctx, "13900000106"); err == nil {
		o := &zhiyuan.Organization{Name: "顺德区大良街道社区志愿服务队", Type: "社会组织", RegionCode: "440606",
			ContactName: "何社工", ContactPhone: "13800006606", CreatedBy: acc.ID, Description: "大良街道各社区的志愿者服务队"}
		if err := s.CreateOrganization(ctx, o); err != nil {
			return fmt.Errorf("demo organisation in 顺德: %w", err)
		}
		shunde++
		var vacc int64
		err := s.DB().QueryRowContext(ctx, `SELECT account_id FROM volunteers v WHERE region_code = '440606' AND status = 'active'
			AND NOT EXISTS (SELECT 1 FROM card_applications ca WHERE ca.volunteer_id = v.id) ORDER BY id LIMIT 1`).Scan(&vacc)
		if err == nil {
			photo, err := demoPhoto(1)
			if err != nil {
				return err
			}
			if _, err := a.ApplyForCard(ctx, &zhiyuan.Principal{AccountID: vacc}, app.CardApplyInput{Photo: photo,
				Delivery: string(zhiyuan.DeliveryAddress), DeliveryAddress: "佛山市顺德区大良街道办事处收发室"}); err != nil {
				return fmt.Errorf("demo card application in 顺德: %w", err)
			}
			shunde++
		}
	}

	// Messages for the known volunteers.
	messages := 0
	for _, phone := range []string{"13800000001", "13800000002"} {
		acc, _, err := s.FindAccountByPhone(ctx, phone)
		if err != nil {
			continue
		}
		for _, n := range []zhiyuan.Notification{
			{Kind: "platform.welcome", Title: "欢迎使用志愿服务平台", Body: "完善个人资料、申领志愿者证，报名身边的志愿活动。", Link: "/me"},
			{Kind: "platform.campaign", Title: "学雷锋志愿服务月即将开始", Body: "三月各地将集中开展志愿服务活动，欢迎报名参加。", Link: "/activities"},
		} {
			n.AccountID = acc.ID
			if err := s.CreateNotification(ctx, &n); err != nil {
				return err
			}
			messages++
		}
	}
	a.ForgetFigures()
	fmt.Printf("  首页待办: %d 个组织的入会申请、待录用报名和逾期时长，顺德区 %d 件待审，%d 条消息（%s）\n",
		orgs, shunde, messages, time.Since(started).Round(time.Millisecond))
	return nil
}
