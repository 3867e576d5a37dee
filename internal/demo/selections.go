package demo

import (
	"context"
	"fmt"
	"time"

	"zhiyuan"
	"zhiyuan/internal/app"
	"zhiyuan/internal/sqlstore"
)

// fillSelections gives 身边雷锋 something to show (docs/selections.md): the province's
// 学雷锋 campaign (the campaigns' demo one, or one of its own when there is none) holds a
// selection taking nominations and likes now, reviewed by the city and then the province.
// 广州市 (13900000100) nominated 张小红 (13800000001, who consented), 广州市义工联合会 and
// a community: all three are published with likes, and one address gave the community
// suspiciously many (the organiser's report shows it). A nomination of 李小明
// (13800000002, a minor) waits for his guardian's consent on his 我的提名, and one more
// volunteer waits in 广州市's review queue. The province admin (13900000001) runs it.
func fillSelections(ctx context.Context, a *app.App, s *sqlstore.Store, _ Options, _ *[]Account) error {
	principal := func(phone string) (*zhiyuan.Principal, error) {
		acc, _, err := s.FindAccountByPhone(ctx, phone)
		if err != nil {
			return nil, fmt.Errorf("demo selection %s: %w", phone, err)
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
	var campaignID int64
	cs, err := s.FindCampaigns(ctx, 20)
	if err != nil {
		return err
	}
	for _, c := range cs {
		if c.RegionCode == "440000" {
			campaignID = c.ID
		}
	}
	if campaignID == 0 {
		c := &zhiyuan.Campaign{Name: "学雷锋志愿服务月", Theme: "i志愿 爱生活", StartsOn: "2027-03-01", EndsOn: "2027-03-31",
			RegionCode: "440000", CreatedBy: province.AccountID}
		if err := s.CreateCampaign(ctx, c); err != nil {
			return err
		}
		campaignID = c.ID
	}
	now := time.Now()
	if _, err := a.CreateSelection(ctx, province, campaignID, app.SelectionInput{
		Categories:   []zhiyuan.SelectionCategory{zhiyuan.SelVolunteer, zhiyuan.SelOrg, zhiyuan.SelProject, zhiyuan.SelCommunity},
		ReviewLevels: []string{zhiyuan.LevelNameCity, zhiyuan.LevelNameProvince},
		NominateFrom: now.AddDate(0, 0, -10), NominateUntil: now.AddDate(0, 0, 20),
		VoteFrom: now.AddDate(0, 0, -3), VoteUntil: now.AddDate(0, 0, 27)}); err != nil {
		return fmt.Errorf("demo selection: %w", err)
	}
	volunteerNo := func(phone string) (string, int64, error) {
		acc, _, err := s.FindAccountByPhone(ctx, phone)
		if err != nil {
			return "", 0, err
		}
		v, err := s.FindVolunteerByAccountID(ctx, acc.ID)
		if err != nil {
			return "", 0, err
		}
		return v.VolunteerNo, acc.ID, nil
	}
	orgAdmin, err := principal("13900000203")
	if err != nil {
		return err
	}
	org := app.DefaultTakingOrg(orgAdmin)
	approveAll := func(id int64) error {
		for _, p := range []*zhiyuan.Principal{city, province} {
			if _, err := a.ReviewNomination(ctx, p, id, zhiyuan.ReviewApprove, "事迹属实，同意推荐"); err != nil {
				return fmt.Errorf("demo review: %w", err)
			}
		}
		return nil
	}
	xhNo, xhAcc, err := volunteerNo("13800000001")
	if err != nil {
		return err
	}
	xh, err := a.Nominate(ctx, city, campaignID, app.NominationInput{Category: zhiyuan.SelVolunteer, VolunteerNo: xhNo,
		Story: "张小红坚持每周到社区长者饭堂帮厨，五年来组织邻里互助队照看独居老人四十余位，疫情期间每天为楼里的老人代购药品和生活用品。"})
	if err != nil {
		return fmt.Errorf("demo nomination: %w", err)
	}
	if err := a.ConsentToNomination(ctx, &zhiyuan.Principal{AccountID: xhAcc}, xh.ID, app.ConsentInput{Agree: true}); err != nil {
		return fmt.Errorf("demo consent: %w", err)
	}
	if err := approveAll(xh.ID); err != nil {
		return err
	}
	published := []int64{xh.ID}
	if org != 0 {
		n, err := a.Nominate(ctx, city, campaignID, app.NominationInput{Category: zhiyuan.SelOrg, OrgID: org,
			Story: "广州市义工联合会常年开展助老、助残、助学服务，2026年组织志愿服务活动三百余场，服务时长超过两万小时。"})
		if err != nil {
			return fmt.Errorf("demo nomination: %w", err)
		}
		if err := approveAll(n.ID); err != nil {
			return err
		}
		published = append(published, n.ID)
	}
	com, err := a.Nominate(ctx, city, campaignID, app.NominationInput{Category: zhiyuan.SelCommunity, CommunityName: "天河区五山街道华工社区",
		CommunityRegion: "440106", Story: "社区志愿服务站十年不打烊，四点半课堂、长者饭堂和垃圾分类督导都由居民志愿者轮值。"})
	if err != nil {
		return fmt.Errorf("demo nomination: %w", err)
	}
	if err := approveAll(com.ID); err != nil {
		return err
	}
	published = append(published, com.ID)
	// A minor waiting for his guardian's consent, and a volunteer waiting in the city's queue.
	if xmNo, _, err := volunteerNo("13800000002"); err == nil {
		if _, err := a.Nominate(ctx, province, campaignID, app.NominationInput{Category: zhiyuan.SelVolunteer, VolunteerNo: xmNo,
			Story: "李小明在校园里组织同学参加社区图书角整理，带动三十多名同学成为小小志愿者。"}); err != nil {
			return fmt.Errorf("demo nomination: %w", err)
		}
	}
	adults, err := demoAdultVolunteers(ctx, s, 400)
	if err != nil {
		return err
	}
	for _, vid := range adults {
		v, err := s.FindVolunteerByID(ctx, vid)
		if err != nil || v.RegionCode[:4] != "4401" || v.AccountID == xhAcc {
			continue
		}
		if _, err := a.Nominate(ctx, city, campaignID, app.NominationInput{Category: zhiyuan.SelVolunteer, VolunteerNo: v.VolunteerNo,
			Story: "常年参加社区义诊和应急救护培训，累计服务时长三百余小时。"}); err != nil {
			return fmt.Errorf("demo nomination: %w", err)
		}
		break
	}
	// Likes from the demo's volunteers (their accounts are minutes old: the loader
	// bypasses the 24-hour rule); 25 from one address on the community, for the report.
	var accounts []int64
	for _, vid := range adults {
		if v, err := s.FindVolunteerByID(ctx, vid); err == nil {
			accounts = append(accounts, v.AccountID)
		}
	}
	day := zhiyuan.LikeDay(now)
	for i, id := range published {
		n := min(len(accounts), 120-35*i)
		for j := 0; j < n; j += 10 {
			ip := fmt.Sprintf("198.51.100.%d", 10+j/10)
			if err := s.SeedLikes(ctx, id, accounts[j:min(j+10, n)], day, ip); err != nil {
				return err
			}
		}
	}
	if len(accounts) >= 150 {
		if err := s.SeedLikes(ctx, com.ID, accounts[len(accounts)-25:], day, "203.0.113.7"); err != nil {
			return err
		}
	}
	return nil
}
