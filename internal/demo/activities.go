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

// demoActivity is a kind of activity an organisation runs.
type demoActivity struct {
	cat         zhiyuan.Category
	title       string
	description string
	target      string
	hours       int
}

var demoActivities = []demoActivity{
	{zhiyuan.CatElderly, "敬老院探访", "陪伴长者聊天、读报、剪指甲，协助整理房间。请穿着志愿者马甲，提前十分钟到场签到。", "敬老院长者", 3},
	{zhiyuan.CatElderly, "独居长者上门关爱", "两人一组上门探访社区独居长者，了解生活需要，协助检查家中用电用气安全。", "社区独居长者", 2},
	{zhiyuan.CatCommunity, "社区垃圾分类宣传", "在小区投放点引导居民分类投放，讲解垃圾分类知识，发放宣传资料。", "社区居民", 3},
	{zhiyuan.CatCommunity, "社区便民服务日", "为居民提供义剪、测血压、家电维修咨询等便民服务。", "社区居民", 4},
	{zhiyuan.CatEducation, "留守儿童课业辅导", "为村里的留守儿童辅导作业、开展阅读活动，陪伴孩子成长。", "留守儿童", 3},
	{zhiyuan.CatEducation, "周末图书馆阅读推广", "在图书馆少儿阅览区协助借还书、组织绘本故事会。", "少年儿童", 3},
	{zhiyuan.CatEnvironment, "河涌清洁行动", "沿河涌捡拾垃圾、清理漂浮物，记录河涌环境状况。请自备防晒用品。", "公众", 3},
	{zhiyuan.CatEnvironment, "海滩净滩活动", "在海滩捡拾塑料垃圾并分类统计，了解海洋垃圾对生态的影响。", "公众", 3},
	{zhiyuan.CatTraffic, "文明交通劝导", "在路口协助交警劝导行人和电动车遵守交通信号，佩戴安全装备。", "过往行人", 2},
	{zhiyuan.CatHealth, "无偿献血服务", "在献血车旁引导献血者填表、休息，宣传无偿献血知识。", "献血市民", 4},
	{zhiyuan.CatDisability, "助残康复陪伴", "协助康复中心开展残障青少年康复训练和手工活动。", "残障青少年", 3},
	{zhiyuan.CatCultureSports, "城市马拉松赛道服务", "在补给站分发饮用水、引导选手，赛后协助清理赛道。", "参赛选手", 5},
	{zhiyuan.CatLegalAid, "社区普法宣传", "协助律师在社区开展法律咨询，发放反诈骗宣传资料。", "社区居民", 3},
	{zhiyuan.CatEmergency, "应急救护培训保障", "协助红十字会开展心肺复苏和急救培训，维持现场秩序。", "市民", 3},
	{zhiyuan.CatPoverty, "乡村振兴助农直播", "协助农户整理农产品、布置直播间，推广乡村特色农产品。", "农户", 4},
	{zhiyuan.CatOnline, "网络文明宣传", "制作并转发网络文明、反网络谣言的宣传内容，参与网络文明倡议。", "网民", 2},
	{zhiyuan.CatLargeEvents, "大型展会志愿服务", "在展馆入口和咨询台提供引导、翻译和咨询服务。", "参展观众", 6},
}

// cityCentres are approximate centres of Guangdong's cities, to place venues near.
var cityCentres = map[string]zhiyuan.LatLng{
	"4401": {Lat: 23.13, Lng: 113.26}, "4402": {Lat: 24.81, Lng: 113.60}, "4403": {Lat: 22.54, Lng: 114.06},
	"4404": {Lat: 22.27, Lng: 113.58}, "4405": {Lat: 23.35, Lng: 116.68}, "4406": {Lat: 23.02, Lng: 113.12},
	"4407": {Lat: 22.58, Lng: 113.08}, "4408": {Lat: 21.27, Lng: 110.36}, "4409": {Lat: 21.66, Lng: 110.93},
	"4412": {Lat: 23.05, Lng: 112.47}, "4413": {Lat: 23.11, Lng: 114.42}, "4414": {Lat: 24.29, Lng: 116.12},
	"4415": {Lat: 22.79, Lng: 115.38}, "4416": {Lat: 23.74, Lng: 114.70}, "4417": {Lat: 21.86, Lng: 111.98},
	"4418": {Lat: 23.68, Lng: 113.06}, "4419": {Lat: 23.02, Lng: 113.75}, "4420": {Lat: 22.52, Lng: 113.39},
	"4451": {Lat: 23.66, Lng: 116.62}, "4452": {Lat: 23.55, Lng: 116.37}, "4453": {Lat: 22.92, Lng: 112.04},
}

// fillActivities gives up to 80 approved organisations a project and a few activities
// each, across the province: most published, some drafts, a few opening in a couple of
// hours, a few weekly series, some already full; demo volunteers sign up for them.
func fillActivities(ctx context.Context, a *app.App, s *sqlstore.Store, opt Options, accounts *[]Account) error {
	started := time.Now()
	rng := rand.New(rand.NewPCG(uint64(opt.Seed)+7, 11))
	type org struct {
		id      int64
		region  string
		name    string
		creator int64
	}
	rows, err := s.DB().QueryContext(ctx, `SELECT id, region_code, name, created_by FROM organizations
		WHERE status = 'approved' ORDER BY id LIMIT 80`)
	if err != nil {
		return err
	}
	var orgs []org
	for rows.Next() {
		var o org
		if err := rows.Scan(&o.id, &o.region, &o.name, &o.creator); err != nil {
			rows.Close()
			return err
		}
		orgs = append(orgs, o)
	}
	rows.Close()
	if len(orgs) == 0 {
		return nil
	}
	vols, err := demoAdultVolunteers(ctx, s, 3000)
	if err != nil {
		return err
	}
	now := s.Now().In(zhiyuan.Beijing)
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, zhiyuan.Beijing)
	var published []*zhiyuan.Activity
	count := 0
	for i, o := range orgs {
		county := demoCounty(a, o.region, rng)
		if county == "" {
			continue
		}
		centre, ok := cityCentres[county[:4]]
		if !ok {
			centre = zhiyuan.LatLng{Lat: 23.13, Lng: 113.26}
		}
		p := &zhiyuan.Project{OrgID: o.id, Title: o.name + "志愿服务项目", Description: "长期开展的志愿服务项目", RegionCode: county}
		if err := s.CreateProject(ctx, p, o.creator); err != nil {
			return fmt.Errorf("demo project: %w", err)
		}
		for j := 0; j < 2+rng.IntN(3); j++ {
			kind := demoActivities[rng.IntN(len(demoActivities))]
			day := today.AddDate(0, 0, 1+rng.IntN(45))
			startHour := []int{8, 9, 14, 19}[rng.IntN(4)]
			act := &zhiyuan.Activity{
				OrgID: o.id, ProjectID: p.ID, Title: kind.title, Description: kind.description,
				Category: kind.cat, TargetGroup: kind.target, RegionCode: county, Address: a.RegionName(county) + demoPlace(rng),
				Lat: centre.Lat + (rng.Float64()-0.5)*0.2, Lng: centre.Lng + (rng.Float64()-0.5)*0.2, CheckinRadiusM: 300,
				ContactName: "志愿服务联络员", TimeZone: zhiyuan.DefaultTimeZone, SignupMode: zhiyuan.SignupFirstCome,
				Waitlist: rng.IntN(2) == 0, CancelBeforeHours: 24,
			}
			if rng.IntN(6) == 0 {
				act.SignupMode = zhiyuan.SignupAdmission
			}
			if kind.cat == zhiyuan.CatEmergency {
				act.Skills = []string{"急救"}
			}
			capacity := []int{5, 10, 20, 30, 50}[rng.IntN(5)]
			start := day.Add(time.Duration(startHour) * time.Hour)
			weeks := 1
			if rng.IntN(5) == 0 {
				weeks = 6 + rng.IntN(5) // a weekly series
			}
			for w := 0; w < weeks; w++ {
				st := start.AddDate(0, 0, 7*w)
				act.Sessions = append(act.Sessions, zhiyuan.ActivitySession{StartsAt: st.UTC(),
					EndsAt: st.Add(time.Duration(kind.hours) * time.Hour).UTC(), Capacity: capacity})
			}
			if weeks == 1 && rng.IntN(3) == 0 { // a second, afternoon session
				st := start.AddDate(0, 0, 1)
				act.Sessions = append(act.Sessions, zhiyuan.ActivitySession{StartsAt: st.UTC(),
					EndsAt: st.Add(time.Duration(kind.hours) * time.Hour).UTC(), Capacity: capacity})
			}
			if (i+j)%7 == 3 { // opening soon: the 09:00 rush of tomorrow
				act.SignupOpensAt = today.AddDate(0, 0, 1).Add(9 * time.Hour).UTC()
			}
			if err := act.Validate(s.Now()); err != nil {
				return fmt.Errorf("demo activity %s: %w", act.Title, err)
			}
			if err := s.CreateActivity(ctx, act, o.creator); err != nil {
				return fmt.Errorf("demo activity: %w", err)
			}
			count++
			if (i+j)%9 == 5 {
				continue // stays a draft
			}
			if err := s.PublishActivity(ctx, act.ID); err != nil {
				return err
			}
			act.Status = zhiyuan.ActivityPublished
			published = append(published, act)
		}
	}

	// Sign-ups: some sessions fill up, most get a few; the known volunteer 张小红 gets two.
	signups := 0
	for k, act := range published {
		if !act.SignupOpensAt.IsZero() {
			continue
		}
		for _, se := range act.Sessions[:1] {
			n := rng.IntN(se.Capacity/2 + 1)
			if k%5 == 0 {
				n = se.Capacity + 3 // full, with a waitlist where allowed
			}
			for x := 0; x < n && len(vols) > 0; x++ {
				v := vols[rng.IntN(len(vols))]
				_, err := s.CreateSignup(ctx, sqlstore.SignupRequest{SessionID: se.ID, ActivityID: act.ID, VolunteerID: v,
					Mode: act.SignupMode, Waitlist: act.Waitlist, StartsAt: se.StartsAt, EndsAt: se.EndsAt})
				switch zhiyuan.ErrorCode(err) {
				case "":
					signups++
				case zhiyuan.EFull, zhiyuan.EConflict, zhiyuan.EInvalid:
				default:
					return fmt.Errorf("demo sign-up: %w", err)
				}
			}
		}
	}
	if acc, _, err := s.FindAccountByPhone(ctx, "13800000001"); err == nil {
		if v, err := s.FindVolunteerByAccountID(ctx, acc.ID); err == nil {
			got := 0
			for _, act := range published {
				if got == 2 {
					break
				}
				if !act.SignupOpensAt.IsZero() || act.SignupMode != zhiyuan.SignupFirstCome {
					continue
				}
				se := act.Sessions[0]
				if _, err := s.CreateSignup(ctx, sqlstore.SignupRequest{SessionID: se.ID, ActivityID: act.ID, VolunteerID: v.ID,
					Mode: act.SignupMode, Waitlist: act.Waitlist, StartsAt: se.StartsAt, EndsAt: se.EndsAt}); err == nil {
					got++
				}
			}
		}
	}
	fmt.Printf("演示活动: %d 个活动（%d 个已发布），%d 条报名，用时 %s\n", count, len(published), signups, time.Since(started).Round(time.Millisecond))
	return nil
}

// demoAdultVolunteers returns ids of up to n active adult volunteers.
func demoAdultVolunteers(ctx context.Context, s *sqlstore.Store, n int) ([]int64, error) {
	rows, err := s.DB().QueryContext(ctx, s.Rebind(`SELECT id FROM volunteers WHERE status = 'active' AND minor = ? ORDER BY id LIMIT ?`), false, n)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// demoCounty turns an organisation's region into a county for its venues: a county or
// street stays as it is (streets give their county), a city or province gets one of
// its counties.
func demoCounty(a *app.App, code string, rng *rand.Rand) string {
	for depth := 0; depth < 3; depth++ {
		r, ok := a.Regions.Lookup(code)
		if !ok {
			return ""
		}
		switch {
		case r.Level == 3:
			return r.Code
		case r.Level > 3:
			code = r.ParentCode
		default:
			if a.Regions.IsCounty(r.Code) {
				return r.Code
			}
			kids := a.Regions.Children(r.Code)
			if len(kids) == 0 {
				return ""
			}
			code = kids[rng.IntN(len(kids))].Code
		}
	}
	if a.Regions.IsCounty(code) {
		return code
	}
	return ""
}

func demoPlace(rng *rand.Rand) string {
	places := []string{"人民公园东门", "新城社区党群服务中心", "颐康中心", "城市图书馆", "江滨绿道起点", "青少年宫", "体育中心南广场", "第一中学", "中心医院献血点", "文化广场"}
	return places[rng.IntN(len(places))]
}
