package sqlstore_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"zhiyuan"
	"zhiyuan/internal/sqlstore"
	"zhiyuan/internal/sqlstore/storetest"
)

// TestLoadFastHoursMatchesTriggers: the benchmark's set-based loader plus the product's
// recount leaves a campaign's contest figures exactly as the confirmation triggers leave
// them for the same entries loaded one by one (two twin campaigns with twin activities),
// every volunteer's chain without gaps, and the triggers working again afterwards.
func TestLoadFastHoursMatchesTriggers(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		acc := &zhiyuan.Account{Phone: "13500000029", Name: "x"}
		if err := s.CreateAccount(ctx, acc, "h"); err != nil {
			t.Fatal(err)
		}
		var orgs []*zhiyuan.Organization
		for i, code := range []string{"440106", "440104", "440303"} {
			orgs = append(orgs, &zhiyuan.Organization{Name: fmt.Sprintf("组织%d", i), Type: "社会组织", RegionCode: code,
				Status: zhiyuan.OrgApproved, CreatedBy: acc.ID, ContactName: "x", ContactPhone: "13800000000"})
		}
		if err := s.BulkCreateOrganizations(ctx, orgs); err != nil {
			t.Fatal(err)
		}
		var vols []sqlstore.BulkVolunteer
		for i := range 7 {
			vols = append(vols, sqlstore.BulkVolunteer{Volunteer: &zhiyuan.Volunteer{Name: "v", IDType: zhiyuan.IDResident, IDNumberMasked: "440***********123X",
				Phone: fmt.Sprintf("1391000%04d", i), RegionCode: "440106", Sex: "male", BirthDate: time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC)},
				Secrets: sqlstore.VolunteerSecrets{PasswordHash: "h", IDNumberIndex: fmt.Sprintf("f%d", i)}})
		}
		if err := s.BulkCreateVolunteers(ctx, vols); err != nil {
			t.Fatal(err)
		}
		// Each twin campaign gets 8 activities, activity i of both in the same organisation
		// and on the same day.
		twin := func(name string) (*zhiyuan.Campaign, []int64, []int64) {
			c := &zhiyuan.Campaign{Name: name, StartsOn: "2027-03-01", EndsOn: "2027-03-31", RegionCode: "440000", CreatedBy: acc.ID}
			if err := s.CreateCampaign(ctx, c); err != nil {
				t.Fatal(err)
			}
			acts := make([]*zhiyuan.Activity, 8)
			for i := range acts {
				o := orgs[i%len(orgs)]
				start := time.Date(2027, 3, 1+i%5, 1, 0, 0, 0, time.UTC)
				acts[i] = &zhiyuan.Activity{OrgID: o.ID, Title: "x", Category: zhiyuan.CatCommunity, RegionCode: o.RegionCode, Address: "x",
					Lat: 23, Lng: 113, Status: zhiyuan.ActivityPublished,
					Sessions: []zhiyuan.ActivitySession{{StartsAt: start, EndsAt: start.Add(3 * time.Hour), Capacity: 100}}}
			}
			if err := s.BulkCreateActivities(ctx, acts, acc.ID); err != nil {
				t.Fatal(err)
			}
			var ids, sessions []int64
			for _, a := range acts {
				ids = append(ids, a.ID)
				var se int64
				if err := s.DB().QueryRow(s.Rebind(`SELECT id FROM activity_sessions WHERE activity_id = ?`), a.ID).Scan(&se); err != nil {
					t.Fatal(err)
				}
				sessions = append(sessions, se)
			}
			if err := s.BulkEnterCampaign(ctx, c.ID, ids, acc.ID); err != nil {
				t.Fatal(err)
			}
			return c, ids, sessions
		}
		fast, fastActs, fastSessions := twin("快速")
		slow, _, slowSessions := twin("逐条")
		at := time.Date(2027, 3, 2, 0, 0, 0, 0, time.UTC)
		const entries = 100
		if err := s.LoadFastHours(ctx, sqlstore.FastHours{FirstActivity: slices.Min(fastActs), LastActivity: slices.Max(fastActs),
			FirstVolunteer: vols[0].Volunteer.ID, LastVolunteer: vols[len(vols)-1].Volunteer.ID, Entries: entries,
			RecordedAt: at, ConfirmedBy: acc.ID}); err != nil {
			t.Fatal(err)
		}
		// The same entries, one by one through the triggers, on the twin sessions.
		index := map[int64]int{}
		for i, se := range fastSessions {
			index[se] = i
		}
		rows, err := s.DB().Query(s.Rebind(`SELECT e.volunteer_id, e.session_id, e.org_id, e.minutes FROM hour_entries e
			JOIN hour_confirmations c ON c.entry_id = e.id ORDER BY e.id`))
		if err != nil {
			t.Fatal(err)
		}
		var list []sqlstore.PastHours
		for rows.Next() {
			var h sqlstore.PastHours
			var se int64
			if err := rows.Scan(&h.VolunteerID, &se, &h.OrgID, &h.Minutes); err != nil {
				t.Fatal(err)
			}
			h.SessionID, h.RecordedAt = slowSessions[index[se]], at
			list = append(list, h)
		}
		rows.Close()
		if len(list) != entries {
			t.Fatalf("%d confirmed entries loaded, want %d", len(list), entries)
		}
		if err := s.LoadConfirmedHours(ctx, list, acc.ID); err != nil {
			t.Fatal(err)
		}
		compare := func(when string) {
			t.Helper()
			for _, level := range []string{"all", "city", "district", "org", "day"} {
				a, err := s.CampaignUnits(ctx, fast.ID, level)
				if err != nil {
					t.Fatal(err)
				}
				b, err := s.CampaignUnits(ctx, slow.ID, level)
				if err != nil {
					t.Fatal(err)
				}
				if len(a) == 0 || fmt.Sprint(a) != fmt.Sprint(b) {
					t.Fatalf("%s, %s: fast load %+v, triggers %+v", when, level, a, b)
				}
			}
		}
		compare("loaded")
		// Each volunteer's chain runs 1 … n without gaps (the slow load continued it).
		var bad int
		if err := s.DB().QueryRow(`SELECT COUNT(*) FROM (SELECT volunteer_id FROM hour_entries GROUP BY volunteer_id
			HAVING COUNT(*) <> MAX(seq) OR MIN(seq) <> 1) x`).Scan(&bad); err != nil || bad != 0 {
			t.Fatalf("%d volunteers with a broken chain numbering (%v)", bad, err)
		}
		// The triggers are back: one more entry on each twin moves both alike.
		more := func(se int64) []sqlstore.PastHours {
			return []sqlstore.PastHours{{VolunteerID: vols[0].Volunteer.ID, SessionID: se, OrgID: orgs[0].ID, Minutes: 45, RecordedAt: at}}
		}
		if err := s.LoadConfirmedHours(ctx, more(fastSessions[0]), acc.ID); err != nil {
			t.Fatal(err)
		}
		if err := s.LoadConfirmedHours(ctx, more(slowSessions[0]), acc.ID); err != nil {
			t.Fatal(err)
		}
		compare("after one more entry each")
		all, err := s.CampaignUnits(ctx, fast.ID, "all")
		if err != nil || len(all) != 1 || all[0].Minutes != 45+sumMinutes(list) {
			t.Fatalf("fast campaign's minutes %+v, want %d", all, 45+sumMinutes(list))
		}
	})
}

func sumMinutes(list []sqlstore.PastHours) int64 {
	var n int64
	for _, h := range list {
		n += h.Minutes
	}
	return n
}
