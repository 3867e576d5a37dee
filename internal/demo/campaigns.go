package demo

import (
	"context"
	"fmt"

	"zhiyuan"
	"zhiyuan/internal/app"
	"zhiyuan/internal/sqlstore"
)

// fillCampaigns gives 主题活动 and its 大比拼 something to show (docs/campaigns.md): the
// province (13900000001) runs the 2027 学雷锋志愿服务月 over all of 广东; 广州市义工联合会
// (13900000203) enters one of its activities through the application, and activities with
// a service history in several cities are entered straight in the store, so the campaign
// page has figures by city and by day and the rankings have rows.
func fillCampaigns(ctx context.Context, a *app.App, s *sqlstore.Store, _ Options, _ *[]Account) error {
	acc, _, err := s.FindAccountByPhone(ctx, "13900000001")
	if err != nil {
		return fmt.Errorf("demo campaign: %w", err)
	}
	province := &zhiyuan.Principal{AccountID: acc.ID, Name: acc.Name, Roles: acc.Roles}
	cover, err := demoCover()
	if err != nil {
		return fmt.Errorf("demo campaign cover: %w", err)
	}
	c, err := a.CreateCampaignWithCover(ctx, province, zhiyuan.Campaign{Name: "2027年学雷锋志愿服务月", Theme: "i志愿 爱生活",
		Description: "3月是学雷锋志愿服务月。全省各地志愿服务组织把3月的活动报名参加，各市、区县、组织比一比服务时长、参与人数、人均时长和新注册志愿者。",
		StartsOn:    "2027-03-01", EndsOn: "2027-03-31", RegionCode: "440000",
		Categories: []zhiyuan.Category{zhiyuan.CatCommunity, zhiyuan.CatElderly, zhiyuan.CatEnvironment},
		Keywords:   []string{"学雷锋", "i志愿"}}, cover)
	if err != nil {
		return fmt.Errorf("demo campaign: %w", err)
	}
	orgAcc, _, err := s.FindAccountByPhone(ctx, "13900000203")
	if err != nil {
		return fmt.Errorf("demo campaign: %w", err)
	}
	orgAdmin := &zhiyuan.Principal{AccountID: orgAcc.ID, Name: orgAcc.Name, Roles: orgAcc.Roles}
	own, err := a.EnterableActivities(ctx, orgAdmin, c)
	if err != nil {
		return err
	}
	if len(own) > 0 {
		if _, err := a.EnterCampaign(ctx, orgAdmin, own[len(own)-1].ID, c.ID); err != nil {
			return fmt.Errorf("demo campaign entry: %w", err)
		}
	}
	// Up to 40 more activities with confirmed hours, the first few of each city.
	rows, err := s.DB().QueryContext(ctx, s.Rebind(`SELECT a.id, a.region_code FROM activities a
		WHERE a.status IN ('published', 'closed') AND EXISTS (SELECT 1 FROM activity_sessions se
			JOIN hour_confirmations hc ON hc.session_id = se.id WHERE se.activity_id = a.id)
		ORDER BY a.id`))
	if err != nil {
		return err
	}
	var ids []int64
	perCity := map[string]int{}
	for rows.Next() {
		var id int64
		var code string
		if err := rows.Scan(&id, &code); err != nil {
			rows.Close()
			return err
		}
		if len(code) >= 4 && perCity[code[:4]] < 4 && len(ids) < 40 {
			perCity[code[:4]]++
			ids = append(ids, id)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	if err := s.BulkEnterCampaign(ctx, c.ID, ids, acc.ID); err != nil {
		return fmt.Errorf("demo campaign entries: %w", err)
	}
	return nil
}
