package demo

import (
	"context"
	"fmt"
	"time"

	"zhiyuan"
	"zhiyuan/internal/app"
	"zhiyuan/internal/sqlstore"
)

// fillNeeds gives 服务需求 something to show (docs/needs.md): 广州市 (13900000100) posted
// open needs in 天河、越秀 and 海珠, one urgent, and one more that 广州市义工联合会
// (13900000203) has taken, which started a draft activity; the association also posted
// a need for recipients that waits in 广州市's review list. Everything goes through the
// application, audited as an administrator's action would be.
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
			StartsAt: at(1, 1), EndsAt: at(1, 3), VolunteersWanted: 3}, true},
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
			if _, err := a.TakeNeed(ctx, orgAdmin, n.ID, org); err != nil {
				return fmt.Errorf("demo take %s: %w", d.n.Title, err)
			}
		}
	}
	return nil
}
