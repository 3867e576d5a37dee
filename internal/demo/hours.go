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

// fillHours gives the demo a service history: a few organisations ran activities in
// the last weeks (sessions 3, 9 and 25 days ago) where volunteers checked in and out,
// some did not come (no-shows), most hours are confirmed with an evaluation, the most
// recent are waiting, and one organisation left a session unconfirmed past its deadline
// (the overdue list). Several hundred volunteers also carry hours imported from before
// the platform, so star levels from none to five can be seen; the known volunteer
// 13800000001 ends with 98 confirmed hours, two short of her first star, and one make-up
// from a session she never signed up for waiting for her to accept or dispute it.
func fillHours(ctx context.Context, a *app.App, s *sqlstore.Store, opt Options, _ *[]Account) error {
	started := time.Now()
	rng := rand.New(rand.NewPCG(uint64(opt.Seed)+13, 17))
	type org struct {
		id, creator int64
		region      string
	}
	rows, err := s.DB().QueryContext(ctx, `SELECT id, created_by, region_code FROM organizations WHERE status = 'approved' ORDER BY id LIMIT 6`)
	if err != nil {
		return err
	}
	var orgs []org
	for rows.Next() {
		var o org
		if err := rows.Scan(&o.id, &o.creator, &o.region); err != nil {
			rows.Close()
			return err
		}
		orgs = append(orgs, o)
	}
	rows.Close()
	vols, err := demoAdultVolunteers(ctx, s, 800)
	if err != nil {
		return err
	}
	if len(orgs) == 0 || len(vols) < 200 {
		return nil
	}
	rules := a.HourRules()
	now := s.Now().In(zhiyuan.Beijing)
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, zhiyuan.Beijing)
	attended := 0
	type recent struct {
		se     zhiyuan.ActivitySession
		org    org
		county string
	}
	var recents []recent // the sessions of 3 days ago, still inside their recording window
	for i, o := range orgs {
		county := demoCounty(a, o.region, rng)
		if county == "" {
			continue
		}
		centre, ok := cityCentres[county[:4]]
		if !ok {
			centre = zhiyuan.LatLng{Lat: 23.13, Lng: 113.26}
		}
		for j, daysAgo := range []int{25, 9, 3} {
			kind := demoActivities[rng.IntN(len(demoActivities))]
			start := today.AddDate(0, 0, -daysAgo).Add(9 * time.Hour)
			end := start.Add(3 * time.Hour)
			act := &zhiyuan.Activity{
				OrgID: o.id, Title: kind.title, Description: kind.description, Category: kind.cat, TargetGroup: kind.target,
				RegionCode: county, Address: a.RegionName(county) + demoPlace(rng), Lat: centre.Lat, Lng: centre.Lng, CheckinRadiusM: 500,
				ContactName: "志愿服务联络员", TimeZone: zhiyuan.DefaultTimeZone, SignupMode: zhiyuan.SignupFirstCome,
				Sessions: []zhiyuan.ActivitySession{{StartsAt: start.UTC(), EndsAt: end.UTC(), Capacity: 30}},
			}
			// Made in the store directly: the application refuses sessions in the past.
			if err := s.CreateActivity(ctx, act, o.creator); err != nil {
				return fmt.Errorf("demo past activity: %w", err)
			}
			if err := s.PublishActivity(ctx, act.ID); err != nil {
				return fmt.Errorf("demo past activity: %w", err)
			}
			se := act.Sessions[0]
			if daysAgo == 3 {
				recents = append(recents, recent{se, o, county})
			}
			var entries []int64
			for k := range 20 {
				vid := vols[(i*60+j*20+k)%len(vols)]
				if _, err := s.CreateSignup(ctx, sqlstore.SignupRequest{SessionID: se.ID, ActivityID: act.ID, VolunteerID: vid,
					Mode: zhiyuan.SignupFirstCome, StartsAt: se.StartsAt, EndsAt: se.EndsAt}); err != nil {
					continue // an overlapping demo sign-up: skip this volunteer
				}
				if rng.IntN(100) < 12 {
					continue // never came: the no-show sweep below marks them
				}
				id, err := demoAttend(ctx, s, rules, se, o.id, county, vid, rng)
				if err != nil {
					return err
				}
				entries = append(entries, id)
				attended++
			}
			// The latest session waits for confirmation; the oldest of the first
			// organisation was forgotten and is overdue; the rest are confirmed.
			if daysAgo == 3 || (i == 0 && daysAgo == 25) {
				continue
			}
			if _, err := s.ConfirmHourEntries(ctx, sqlstore.ConfirmInput{EntryIDs: entries, ConfirmedBy: o.creator,
				Rating: 4 + rng.IntN(2), Comment: "服务认真，按时到岗"}); err != nil {
				return fmt.Errorf("demo confirmation: %w", err)
			}
		}
	}
	if _, err := a.MarkNoShows(ctx); err != nil {
		return err
	}

	// 张小红, the known demo volunteer, ends two hours short of her first star.
	var known int64
	if acc, _, err := s.FindAccountByPhone(ctx, "13800000001"); err == nil {
		if v, err := s.FindVolunteerByAccountID(ctx, acc.ID); err == nil {
			known = v.ID
		}
	}
	// Hours from before the platform, confirmed by the organisation that kept them:
	// most volunteers have a few dozen, a few have served for years.
	imported := 0
	// vols[:400] would read past a shorter list into its spare capacity (ids 0).
	for k, vid := range vols[:min(400, len(vols))] {
		minutes := int64(rng.ExpFloat64()*90) * 60
		if k%50 == 1 {
			minutes = (1500 + int64(rng.IntN(600))) * 60
		}
		if vid == known {
			t, err := s.HourTotals(ctx, vid)
			if err != nil {
				return err
			}
			minutes = max(0, 98*60-t.ConfirmedMinutes)
		}
		if minutes == 0 {
			continue
		}
		o := orgs[k%len(orgs)]
		e := &zhiyuan.HourEntry{VolunteerID: vid, Kind: zhiyuan.HourMakeup, Minutes: minutes, OrgID: o.id,
			Reason: "平台上线前的服务记录导入", RecordedBy: o.creator}
		if err := s.AppendHourEntry(ctx, e, sqlstore.EntryPlace{}, &zhiyuan.HourConfirmation{ConfirmedBy: o.creator}); err != nil {
			return fmt.Errorf("demo imported hours: %w", err)
		}
		imported++
	}
	// An organisation recorded a make-up for 张小红 at a session she never signed up for:
	// it waits on her 我的时长 for her to accept or dispute, counting nowhere until then.
	offers := 0
	for _, r := range recents {
		if known == 0 {
			break
		}
		var n int
		if err := s.DB().QueryRowContext(ctx, s.Rebind(`SELECT COUNT(*) FROM signups WHERE session_id = ? AND volunteer_id = ?`),
			r.se.ID, known).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			continue
		}
		e := &zhiyuan.HourEntry{VolunteerID: known, Kind: zhiyuan.HourMakeup, Minutes: 120, SessionID: r.se.ID, OrgID: r.org.id,
			Reason: "现场协助维持秩序，未在平台报名", RecordedBy: r.org.creator}
		place := sqlstore.EntryPlace{RegionCode: r.county, SessionEndsAt: r.se.EndsAt, MaxSessionMinutes: 180, Field: "hours"}
		o, err := s.AppendOrOfferHourEntry(ctx, e, place, zhiyuan.RecordingDeadline(r.se.EndsAt, zhiyuan.Beijing, a.Config.WorkCalendar))
		if err != nil {
			return fmt.Errorf("demo hour offer: %w", err)
		}
		if o != nil {
			offers++
			break
		}
	}
	fmt.Printf("  时长: %d 次签到签退，%d 位志愿者导入历史时长，%d 条待志愿者确认（%s）\n", attended, imported, offers, time.Since(started).Round(time.Millisecond))
	return nil
}

// demoAttend checks a volunteer in around the session's start and out around its end,
// as the organiser's code would, and returns the hour entry it earned (unconfirmed).
func demoAttend(ctx context.Context, s *sqlstore.Store, rules zhiyuan.HourRules, se zhiyuan.ActivitySession, orgID int64,
	county string, vid int64, rng *rand.Rand) (int64, error) {
	in := se.StartsAt.Add(time.Duration(rng.IntN(30)-10) * time.Minute)
	out := se.EndsAt.Add(time.Duration(rng.IntN(55)-40) * time.Minute)
	if _, err := s.CheckIn(ctx, sqlstore.CheckinInput{SessionID: se.ID, VolunteerID: vid, At: in, Method: zhiyuan.MethodCode,
		DistM: 20 + rng.IntN(200)}); err != nil {
		return 0, fmt.Errorf("demo check-in: %w", err)
	}
	_, e, err := s.CheckOut(ctx, sqlstore.CheckoutInput{SessionID: se.ID, VolunteerID: vid, At: out, Method: zhiyuan.MethodCode,
		DistM: 20 + rng.IntN(200),
		Earn: func(in, out time.Time) (int64, string) {
			return zhiyuan.ServiceTime(rules, se.StartsAt, se.EndsAt, in, out)
		},
		Entry: zhiyuan.HourEntry{OrgID: orgID},
		Place: sqlstore.EntryPlace{RegionCode: county, SessionEndsAt: se.EndsAt},
	})
	if err != nil {
		return 0, fmt.Errorf("demo check-out: %w", err)
	}
	return e.ID, nil
}
