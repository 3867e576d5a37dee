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

// fillPairings gives 结对探访 something to show (docs/needs.md): 广州市义工联合会
// (13900000203) paired two weeks ago with a household from 广州市's need 独居长者上门陪伴与家居清洁,
// visiting weekly. The first visit was held (checked in and out, hours confirmed); the
// second was missed, and 广州市 (13900000100, the need's poster and so the community) was
// warned of it; the rest are to come. The pairing began in the past, which the
// application refuses, so it is written to the store directly; the warning is the
// application's own periodic check.
func fillPairings(ctx context.Context, a *app.App, s *sqlstore.Store, opt Options, _ *[]Account) error {
	acc, _, err := s.FindAccountByPhone(ctx, "13900000203")
	if err != nil {
		return fmt.Errorf("demo pairings: %w", err)
	}
	orgAdmin := &zhiyuan.Principal{AccountID: acc.ID, Name: acc.Name, Roles: acc.Roles}
	orgID := app.DefaultTakingOrg(orgAdmin)
	if orgID == 0 {
		return nil
	}
	var needID, community int64
	err = s.DB().QueryRowContext(ctx, s.Rebind(`SELECT id, posted_by FROM needs WHERE title = ? ORDER BY id LIMIT 1`),
		"独居长者上门陪伴与家居清洁").Scan(&needID, &community)
	if err != nil {
		return fmt.Errorf("demo pairings: the need: %w", err)
	}
	now := s.Now().In(zhiyuan.Beijing)
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, zhiyuan.Beijing)
	pg := zhiyuan.Pairing{OrgID: orgID, NeedID: needID, Recipient: "五山街道独居长者A户", TargetGroup: "社区独居老人",
		Category: zhiyuan.CatElderly, RegionCode: "440106", Address: "天河区五山街道华工社区", Lat: 23.1555, Lng: 113.3461,
		Contact: "华工社区居委会 李主任 020-87110000", StartsOn: today.AddDate(0, 0, -14).Format("2006-01-02"),
		EndsOn: today.AddDate(0, 0, 42).Format("2006-01-02"), EveryDays: 7, VisitTime: "09:30", VisitMinutes: 120,
		VolunteersPerVisit: 2, CommunityAccountID: community}
	if err := pg.Validate(); err != nil {
		return fmt.Errorf("demo pairing: %w", err)
	}
	act := app.PairingActivity(&pg, orgID)
	if err := s.CreatePairing(ctx, &pg, act, acc.ID); err != nil {
		return fmt.Errorf("demo pairing: %w", err)
	}
	if err := s.PublishActivity(ctx, act.ID); err != nil {
		return fmt.Errorf("demo pairing: %w", err)
	}
	// The first visit: two volunteers came, the association confirmed their hours.
	vols, err := demoAdultVolunteers(ctx, s, 60)
	if err != nil {
		return err
	}
	held := act.Sessions[0]
	rng := rand.New(rand.NewPCG(uint64(opt.Seed)+27, 15))
	var entries []int64
	for _, vid := range vols[min(40, len(vols)):] {
		if len(entries) == 2 {
			break
		}
		if _, err := s.CreateSignup(ctx, sqlstore.SignupRequest{SessionID: held.ID, ActivityID: act.ID, VolunteerID: vid,
			Mode: zhiyuan.SignupFirstCome, StartsAt: held.StartsAt, EndsAt: held.EndsAt}); err != nil {
			continue // an overlapping demo sign-up: another volunteer
		}
		id, err := demoAttend(ctx, s, a.HourRules(), held, orgID, pg.RegionCode, vid, rng)
		if err != nil {
			return err
		}
		entries = append(entries, id)
	}
	if len(entries) > 0 {
		if _, err := s.ConfirmHourEntries(ctx, sqlstore.ConfirmInput{EntryIDs: entries, ConfirmedBy: acc.ID, Rating: 5,
			Comment: "陪老人聊天、打扫卫生，老人很满意"}); err != nil {
			return fmt.Errorf("demo pairing confirmation: %w", err)
		}
	}
	// The second visit nobody came to: 广州市 is warned of it.
	_, err = a.WarnMissedVisits(ctx)
	return err
}
