package sqlstore_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"zhiyuan"
	"zhiyuan/internal/sqlstore"
	"zhiyuan/internal/sqlstore/storetest"
)

// TestCampaignFiguresKept: hours confirmed in entered activities move the campaign's kept
// figures as they go in (the trigger, here through a bulk load), each volunteer counted
// once per unit; hours of an activity not entered do not; a recount from the rows gives
// the same figures.
func TestCampaignFiguresKept(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		acc := &zhiyuan.Account{Phone: "13500000009", Name: "x"}
		if err := s.CreateAccount(ctx, acc, "h"); err != nil {
			t.Fatal(err)
		}
		orgs := []*zhiyuan.Organization{{Name: "天河", Type: "社会组织", RegionCode: "440106", Status: zhiyuan.OrgApproved, CreatedBy: acc.ID, ContactName: "x", ContactPhone: "13800000000"}}
		if err := s.BulkCreateOrganizations(ctx, orgs); err != nil {
			t.Fatal(err)
		}
		start := time.Date(2027, 3, 5, 1, 0, 0, 0, time.UTC)
		acts := make([]*zhiyuan.Activity, 2)
		for i := range acts {
			acts[i] = &zhiyuan.Activity{OrgID: orgs[0].ID, Title: "x", Category: zhiyuan.CatCommunity, RegionCode: "440106", Address: "x",
				Lat: 23, Lng: 113, Status: zhiyuan.ActivityPublished,
				Sessions: []zhiyuan.ActivitySession{{StartsAt: start, EndsAt: start.Add(3 * time.Hour), Capacity: 10}}}
		}
		if err := s.BulkCreateActivities(ctx, acts, acc.ID); err != nil {
			t.Fatal(err)
		}
		vols := []sqlstore.BulkVolunteer{}
		for i := range 2 {
			vols = append(vols, sqlstore.BulkVolunteer{Volunteer: &zhiyuan.Volunteer{Name: "v", IDType: zhiyuan.IDResident, IDNumberMasked: "440***********123X",
				Phone: "1390000000" + string(rune('0'+i)), RegionCode: "440106", Sex: "male", BirthDate: time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC)},
				Secrets: sqlstore.VolunteerSecrets{PasswordHash: "h", IDNumberIndex: "k" + string(rune('0'+i))}})
		}
		if err := s.BulkCreateVolunteers(ctx, vols); err != nil {
			t.Fatal(err)
		}
		c := &zhiyuan.Campaign{Name: "c", StartsOn: "2027-03-01", EndsOn: "2027-03-31", RegionCode: "440000", CreatedBy: acc.ID}
		if err := s.CreateCampaign(ctx, c); err != nil {
			t.Fatal(err)
		}
		if err := s.BulkEnterCampaign(ctx, c.ID, []int64{acts[0].ID}, acc.ID); err != nil {
			t.Fatal(err)
		}
		v0, v1 := vols[0].Volunteer.ID, vols[1].Volunteer.ID
		// The bulk insert leaves the sessions' ids unset: read them back.
		for _, a := range acts {
			if err := s.DB().QueryRow(s.Rebind(`SELECT id FROM activity_sessions WHERE activity_id = ?`), a.ID).Scan(&a.Sessions[0].ID); err != nil {
				t.Fatal(err)
			}
		}
		at := start.Add(4 * time.Hour)
		if err := s.LoadConfirmedHours(ctx, []sqlstore.PastHours{
			{VolunteerID: v0, SessionID: acts[0].Sessions[0].ID, OrgID: orgs[0].ID, Minutes: 60, RecordedAt: at},
			{VolunteerID: v0, SessionID: acts[0].Sessions[0].ID, OrgID: orgs[0].ID, Minutes: 30, RecordedAt: at},
			{VolunteerID: v1, SessionID: acts[0].Sessions[0].ID, OrgID: orgs[0].ID, Minutes: 90, RecordedAt: at},
			{VolunteerID: v1, SessionID: acts[1].Sessions[0].ID, OrgID: orgs[0].ID, Minutes: 600, RecordedAt: at},
		}, acc.ID); err != nil {
			t.Fatal(err)
		}
		check := func(when string) {
			t.Helper()
			for _, level := range []string{"all", "city", "district", "org", "day"} {
				rows, err := s.CampaignUnits(ctx, c.ID, level)
				if err != nil || len(rows) != 1 || rows[0].Minutes != 180 || rows[0].Participants != 2 || rows[0].Sessions != 1 {
					t.Fatalf("%s, %s: %+v %v", when, level, rows, err)
				}
			}
		}
		check("kept")
		if err := s.RecountCampaign(ctx, c.ID); err != nil {
			t.Fatal(err)
		}
		check("recounted")
	})
}

// TestCampaignEntryRace: an activity entered while its hours are being confirmed, in
// parallel, counts each confirmation exactly once: the kept minutes equal the sum of the
// entries and a recount from the rows (on PostgreSQL the advisory lock the entry and the
// confirmation trigger share settles it).
func TestCampaignEntryRace(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		acc := &zhiyuan.Account{Phone: "13500000009", Name: "x"}
		if err := s.CreateAccount(ctx, acc, "h"); err != nil {
			t.Fatal(err)
		}
		orgs := []*zhiyuan.Organization{{Name: "天河", Type: "社会组织", RegionCode: "440106", Status: zhiyuan.OrgApproved, CreatedBy: acc.ID, ContactName: "x", ContactPhone: "13800000000"}}
		if err := s.BulkCreateOrganizations(ctx, orgs); err != nil {
			t.Fatal(err)
		}
		start := time.Date(2027, 3, 5, 1, 0, 0, 0, time.UTC)
		act := &zhiyuan.Activity{OrgID: orgs[0].ID, Title: "x", Category: zhiyuan.CatCommunity, RegionCode: "440106", Address: "x",
			Lat: 23, Lng: 113, Status: zhiyuan.ActivityPublished,
			Sessions: []zhiyuan.ActivitySession{{StartsAt: start, EndsAt: start.Add(3 * time.Hour), Capacity: 100}}}
		if err := s.BulkCreateActivities(ctx, []*zhiyuan.Activity{act}, acc.ID); err != nil {
			t.Fatal(err)
		}
		if err := s.DB().QueryRow(s.Rebind(`SELECT id FROM activity_sessions WHERE activity_id = ?`), act.ID).Scan(&act.Sessions[0].ID); err != nil {
			t.Fatal(err)
		}
		const n = 30
		var vols []sqlstore.BulkVolunteer
		for i := range n {
			vols = append(vols, sqlstore.BulkVolunteer{Volunteer: &zhiyuan.Volunteer{Name: "v", IDType: zhiyuan.IDResident, IDNumberMasked: "440***********123X",
				Phone: fmt.Sprintf("1390000%04d", i), RegionCode: "440106", Sex: "male", BirthDate: time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC)},
				Secrets: sqlstore.VolunteerSecrets{PasswordHash: "h", IDNumberIndex: fmt.Sprintf("k%d", i)}})
		}
		if err := s.BulkCreateVolunteers(ctx, vols); err != nil {
			t.Fatal(err)
		}
		c := &zhiyuan.Campaign{Name: "c", StartsOn: "2027-03-01", EndsOn: "2027-03-31", RegionCode: "440000", CreatedBy: acc.ID}
		if err := s.CreateCampaign(ctx, c); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		errs := make(chan error, n+1)
		for i, v := range vols {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if i == n/2 {
					if _, err := s.EnterCampaign(ctx, c.ID, act.ID, acc.ID); err != nil {
						errs <- err
					}
				}
				en := &zhiyuan.HourEntry{VolunteerID: v.Volunteer.ID, Kind: zhiyuan.HourMakeup, Minutes: int64(30 + i), SessionID: act.Sessions[0].ID,
					OrgID: orgs[0].ID, Reason: "补录", RecordedBy: acc.ID}
				if err := s.AppendHourEntry(ctx, en, sqlstore.EntryPlace{RegionCode: "440106"}, &zhiyuan.HourConfirmation{ConfirmedBy: acc.ID}); err != nil {
					errs <- err
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		want := int64(0)
		for i := range n {
			want += int64(30 + i)
		}
		for _, when := range []string{"kept", "recounted"} {
			rows, err := s.CampaignUnits(ctx, c.ID, "all")
			if err != nil || len(rows) != 1 || rows[0].Minutes != want || rows[0].Participants != n || rows[0].Sessions != 1 {
				t.Fatalf("%s: %+v %v, want %d minutes by %d", when, rows, err, want, n)
			}
			if err := s.RecountCampaign(ctx, c.ID); err != nil {
				t.Fatal(err)
			}
		}
	})
}
