package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"zhiyuan"
	"zhiyuan/internal/app"
	"zhiyuan/internal/sqlstore"
)

// fillNeeds gives 服务需求 something to show (docs/needs.md): 广州市 (13900000100) posted
// open needs in 天河、越秀 and 海珠, one urgent, and one more that 广州市义工联合会
// (13900000203) has taken and published as an activity asking for first aid, which
// 张小红 (13800000001, 天河, 急救) finds in 为你推荐; the association also posted a need
// for recipients that waits in 广州市's review list. Everything goes through the
// application, audited as an administrator's action would be. The need of last week that
// was served and rated is fillRatedNeed's.
func fillNeeds(ctx context.Context, a *app.App, s *sqlstore.Store, _ Options, _ *[]Account) error {
	principal := func(phone string) (*zhiyuan.Principal, error) {
		acc, _, err := s.FindAccountByPhone(ctx, phone)
		if err != nil {
			return nil, fmt.Errorf("demo needs %s: %w", phone, err)
		}
		return &zhiyuan.Principal{AccountID: acc.ID, Name: acc.Name, Roles: acc.Roles}, nil
	}
	city, err := principal("13900000100")
	if err != nil {
		return err
	}
	orgAdmin, err := principal("13900000203")
	if err != nil {
		return err
	}
	org := app.DefaultTakingOrg(orgAdmin)
	day := time.Now().In(zhiyuan.Beijing).Truncate(24*time.Hour).AddDate(0, 0, 3)
	at := func(days, hour int) time.Time { return day.AddDate(0, 0, days).Add(time.Duration(hour) * time.Hour) }
	needs := []struct {
		orgID int64
		n     zhiyuan.Need
		take  bool
	}{
		{0, zhiyuan.Need{Title: "独居长者上门陪伴与家居清洁", Category: zhiyuan.CatElderly, TargetGroup: "社区独居老人",
			Description: "五山街道有12户独居长者需要每周上门陪伴聊天、打扫卫生。", RegionCode: "440106", Address: "天河区五山街道华工社区居委会",
			Lat: 23.1555, Lng: 113.3461, StartsAt: at(0, 1), EndsAt: at(0, 4), VolunteersWanted: 6, Skills: []string{"陪伴"}, Urgency: zhiyuan.UrgencyUrgent}, false},
		{0, zhiyuan.Need{Title: "外来务工子女周末课业辅导", Category: zhiyuan.CatEducation, TargetGroup: "小学三至六年级学生",
			Description: "社区四点半课堂周末缺少辅导老师，数学、英语为主。", RegionCode: "440104", Address: "越秀区北京街道社区服务中心",
			Lat: 23.1265, Lng: 113.2707, StartsAt: at(2, 1), EndsAt: at(2, 4), VolunteersWanted: 4, MaxTakers: 2}, false},
		{0, zhiyuan.Need{Title: "珠江边垃圾清理", Category: zhiyuan.CatEnvironment, TargetGroup: "沿江社区居民",
			RegionCode: "440105", Address: "海珠区滨江街道江边步道", Lat: 23.1175, Lng: 113.2830,
			StartsAt: at(4, 0), EndsAt: at(4, 3), VolunteersWanted: 15}, false},
		{0, zhiyuan.Need{Title: "社区义诊量血压", Category: zhiyuan.CatHealth, TargetGroup: "社区老年居民",
			RegionCode: "440106", Address: "天河区石牌街道社区卫生服务站", Lat: 23.1360, Lng: 113.3420,
			StartsAt: at(1, 1), EndsAt: at(1, 3), VolunteersWanted: 3, Skills: []string{"急救"}}, true},
		{org, zhiyuan.Need{Title: "助残出行陪同", Category: zhiyuan.CatDisability, TargetGroup: "行动不便的残障人士",
			RegionCode: "440106", Address: "天河区林和街道残疾人康园工疗站", Lat: 23.1480, Lng: 113.3240,
			StartsAt: at(5, 1), EndsAt: at(5, 3), VolunteersWanted: 2}, false},
	}
	for _, d := range needs {
		poster := city
		if d.orgID != 0 {
			poster = orgAdmin
		}
		n, err := a.PostNeed(ctx, poster, app.NeedInput{OrgID: d.orgID, Need: d.n})
		if err != nil {
			return fmt.Errorf("demo need %s: %w", d.n.Title, err)
		}
		if d.take && org != 0 {
			act, err := a.TakeNeed(ctx, orgAdmin, n.ID, org)
			if err != nil {
				return fmt.Errorf("demo take %s: %w", d.n.Title, err)
			}
			if _, err := a.PublishActivity(ctx, orgAdmin, act.ID); err != nil {
				return fmt.Errorf("demo publish %s: %w", d.n.Title, err)
			}
		}
	}
	return nil
}

// fillRatedNeed is a need of a week ago that 广州市义工联合会 took and served: 张小红 and
// five others came and their hours are confirmed; 广州市 then confirmed the service with
// a rating, which the association's page shows, and 张小红's 为你推荐 says 你参加过医疗卫生
// beside the next health activity in her district (社区义诊量血压, the need taken in fillNeeds).
// It runs before fillHours, which tops 张小红's hours up to her figure. The need, its
// activity and the attendance are written in the store (the application refuses dates in
// the past); the rating goes through the application like the page's.
func fillRatedNeed(ctx context.Context, a *app.App, s *sqlstore.Store, _ Options, _ *[]Account) error {
	principal := func(phone string) (*zhiyuan.Principal, error) {
		acc, _, err := s.FindAccountByPhone(ctx, phone)
		if err != nil {
			return nil, fmt.Errorf("demo rated need %s: %w", phone, err)
		}
		return &zhiyuan.Principal{AccountID: acc.ID, Name: acc.Name, Roles: acc.Roles}, nil
	}
	city, err := principal("13900000100")
	if err != nil {
		return err
	}
	orgAdmin, err := principal("13900000203")
	if err != nil {
		return err
	}
	org := app.DefaultTakingOrg(orgAdmin)
	if org == 0 {
		return nil
	}
	now := s.Now().In(zhiyuan.Beijing)
	start := time.Date(now.Year(), now.Month(), now.Day(), 9, 0, 0, 0, zhiyuan.Beijing).AddDate(0, 0, -7)
	n := &zhiyuan.Need{Title: "社区长者健康义诊", Description: "为社区长者量血压、测血糖，讲解慢病用药常识。",
		Category: zhiyuan.CatHealth, TargetGroup: "社区老年居民", RegionCode: "440106", Address: "天河区五山街道长者饭堂",
		Lat: 23.1540, Lng: 113.3450, StartsAt: start.UTC(), EndsAt: start.Add(3 * time.Hour).UTC(), VolunteersWanted: 6,
		Urgency: zhiyuan.UrgencyNormal, MaxTakers: 1, Status: zhiyuan.NeedOpen, PostedBy: city.AccountID}
	if err := s.CreateNeed(ctx, n); err != nil {
		return fmt.Errorf("demo rated need: %w", err)
	}
	act := &zhiyuan.Activity{OrgID: org, Title: n.Title, Description: n.Description, Category: n.Category, TargetGroup: n.TargetGroup,
		RegionCode: n.RegionCode, Address: n.Address, Lat: n.Lat, Lng: n.Lng, CheckinRadiusM: 500, TimeZone: zhiyuan.DefaultTimeZone,
		SignupMode: zhiyuan.SignupFirstCome,
		Sessions:   []zhiyuan.ActivitySession{{StartsAt: n.StartsAt, EndsAt: n.EndsAt, Capacity: n.VolunteersWanted}}}
	if err := s.TakeNeed(ctx, n.ID, org, act, orgAdmin.AccountID); err != nil {
		return fmt.Errorf("demo rated need: %w", err)
	}
	if err := s.PublishActivity(ctx, act.ID); err != nil {
		return fmt.Errorf("demo rated need: %w", err)
	}
	act, err = s.FindActivityByID(ctx, act.ID)
	if err != nil {
		return err
	}
	se := act.Sessions[0]
	came := []int64{}
	if acc, _, err := s.FindAccountByPhone(ctx, "13800000001"); err == nil {
		if v, err := s.FindVolunteerByAccountID(ctx, acc.ID); err == nil {
			came = append(came, v.ID)
		}
	}
	vols, err := demoAdultVolunteers(ctx, s, 200)
	if err != nil {
		return err
	}
	for _, vid := range vols[min(100, len(vols)):] {
		if len(came) < n.VolunteersWanted && vid != came[0] {
			came = append(came, vid)
		}
	}
	rng := rand.New(rand.NewPCG(15, 15))
	var entries []int64
	for _, vid := range came {
		if _, err := s.CreateSignup(ctx, sqlstore.SignupRequest{SessionID: se.ID, ActivityID: act.ID, VolunteerID: vid,
			Mode: zhiyuan.SignupFirstCome, StartsAt: se.StartsAt, EndsAt: se.EndsAt}); err != nil {
			continue // an overlapping demo sign-up: skip this volunteer
		}
		id, err := demoAttend(ctx, s, a.HourRules(), se, org, n.RegionCode, vid, rng)
		if err != nil {
			return err
		}
		entries = append(entries, id)
	}
	if _, err := s.ConfirmHourEntries(ctx, sqlstore.ConfirmInput{EntryIDs: entries, ConfirmedBy: orgAdmin.AccountID,
		Rating: 5, Comment: "耐心细致"}); err != nil {
		return fmt.Errorf("demo rated need: %w", err)
	}
	if _, err := a.RateNeed(ctx, city, n.ID, 5, "志愿者准时到达，量血压、讲用药都很耐心，长者们很满意。"); err != nil {
		return fmt.Errorf("demo rating: %w", err)
	}
	return nil
}
