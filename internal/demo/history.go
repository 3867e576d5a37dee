package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"zhiyuan"
	"zhiyuan/internal/app"
	"zhiyuan/internal/sqlstore"
)

// historyMonths is how far back the demo's service history reaches: enough for the
// 数据看板 to compare a month with the same month a year before.
const historyMonths = 20

// seasonWeight is how busy a month is, relative to an ordinary one: March is 学雷锋月 and
// December has 国际志愿者日 (5 December), the peaks of the year; Spring Festival
// (January–February) and the summer heat are quieter.
var seasonWeight = map[time.Month]float64{
	time.January: 0.6, time.February: 0.5, time.March: 2.6, time.April: 1.1, time.May: 1.2, time.June: 0.9,
	time.July: 0.8, time.August: 0.8, time.September: 1.0, time.October: 1.1, time.November: 1.2, time.December: 2.3,
}

// fillHistory gives the figures a believable past: volunteers registered over the last
// two and a half years (more of them in March and December), and for each of the last
// historyMonths months, in every city, activities of its organisations across the service
// categories, with sign-ups and confirmed hours, busiest in March and December. Loaded in
// bulk through the store (one transaction), so `make run` stays quick; the summary tables
// follow by their triggers as they do for every write.
func fillHistory(ctx context.Context, a *app.App, s *sqlstore.Store, opt Options, _ *[]Account) error {
	started := time.Now()
	rng := rand.New(rand.NewPCG(uint64(opt.Seed)+29, 31))
	now := s.Now().In(zhiyuan.Beijing)
	thisMonth := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, zhiyuan.Beijing)
	orgs, err := demoCityOrgs(ctx, s)
	if err != nil {
		return err
	}
	// Registrations spread over 30 months, weighted by season.
	first := thisMonth.AddDate(0, -30, 0)
	var months []time.Time
	var weights []float64
	var total float64
	for m := first; m.Before(thisMonth); m = m.AddDate(0, 1, 0) {
		months, weights = append(months, m), append(weights, seasonWeight[m.Month()])
		total += seasonWeight[m.Month()]
	}
	pickMonth := func() time.Time {
		x := rng.Float64() * total
		for i, w := range weights {
			if x < w {
				return months[i]
			}
			x -= w
		}
		return months[len(months)-1]
	}
	// 张小红, the known demo volunteer, keeps the hours fillHours left her (two short of a star).
	var known int64
	if acc, _, err := s.FindAccountByPhone(ctx, "13800000001"); err == nil {
		if v, err := s.FindVolunteerByAccountID(ctx, acc.ID); err == nil {
			known = v.ID
		}
	}
	registered := map[int64]time.Time{}
	pools := map[string][]demoVolunteer{}
	cities := make([]string, 0, len(orgs))
	for city := range orgs {
		cities = append(cities, city)
	}
	slices.Sort(cities)
	for _, city := range cities {
		vs, err := demoCityVolunteers(ctx, s, city+"00", known, 80)
		if err != nil {
			return err
		}
		pools[city] = vs
		for _, v := range vs {
			m := pickMonth()
			registered[v.id] = m.Add(time.Duration(rng.IntN(27*24)) * time.Hour)
		}
	}
	if err := s.BackdateRegistrations(ctx, registered); err != nil {
		return fmt.Errorf("demo history registrations: %w", err)
	}
	var list []sqlstore.PastService
	entries := 0
	for _, city := range cities {
		scale := 1.0
		if city == "4401" || city == "4403" {
			scale = 2.5 // 广州 and 深圳: the most volunteers and organisations
		}
		centre, ok := cityCentres[city]
		if !ok {
			centre = zhiyuan.LatLng{Lat: 23.13, Lng: 113.26}
		}
		for back := historyMonths; back >= 1; back-- {
			m := thisMonth.AddDate(0, -back, 0)
			n := int(seasonWeight[m.Month()]*scale*1.2 + rng.Float64())
			var pool []int64
			for _, v := range pools[city] {
				if registered[v.id].Before(m) {
					pool = append(pool, v.id)
				}
			}
			for range n {
				if len(pool) < 4 {
					break
				}
				kind := demoActivities[rng.IntN(len(demoActivities))]
				county := demoCounty(a, city+"00", rng)
				if county == "" {
					continue
				}
				start := m.AddDate(0, 0, rng.IntN(27)).Add(time.Duration(8+rng.IntN(8)) * time.Hour)
				end := start.Add(time.Duration(kind.hours) * time.Hour)
				k := min(len(pool), 5+rng.IntN(10))
				vols := make([]int64, 0, k)
				mins := make([]int64, 0, k)
				for _, i := range rng.Perm(len(pool))[:k] {
					vols = append(vols, pool[i])
					mins = append(mins, int64(kind.hours*60-rng.IntN(3)*15))
				}
				entries += k
				orgIDs := orgs[city]
				list = append(list, sqlstore.PastService{
					Activity: &zhiyuan.Activity{OrgID: orgIDs[rng.IntN(len(orgIDs))], Title: kind.title, Description: kind.description,
						Category: kind.cat, TargetGroup: kind.target, RegionCode: county, Address: a.RegionName(county) + demoPlace(rng),
						Lat: centre.Lat, Lng: centre.Lng, CheckinRadiusM: 500, ContactName: "志愿服务联络员", TimeZone: zhiyuan.DefaultTimeZone,
						SignupMode: zhiyuan.SignupFirstCome, StartsAt: start.UTC(), EndsAt: end.UTC(),
						Sessions: []zhiyuan.ActivitySession{{StartsAt: start.UTC(), EndsAt: end.UTC(), Capacity: 30}}},
					PublishedAt: start.AddDate(0, 0, -7), Volunteers: vols, Minutes: mins, ConfirmedBy: demoOrgCreator(ctx, s, orgIDs[0]),
				})
			}
		}
	}
	if err := s.LoadPastService(ctx, list); err != nil {
		return fmt.Errorf("demo history: %w", err)
	}
	fmt.Printf("  历史: %d 个月、%d 个城市的 %d 场活动、%d 条确认时长，%d 位志愿者的注册时间（%s）\n",
		historyMonths, len(cities), len(list), entries, len(registered), time.Since(started).Round(time.Millisecond))
	return nil
}

// demoOrgCreator is the account that registered an organisation (its first admin), who
// confirms the demo's past hours.
func demoOrgCreator(ctx context.Context, s *sqlstore.Store, orgID int64) int64 {
	var id int64
	s.DB().QueryRowContext(ctx, s.Rebind(`SELECT created_by FROM organizations WHERE id = ?`), orgID).Scan(&id)
	return id
}
