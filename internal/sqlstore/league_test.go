package sqlstore_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"zhiyuan"
	"zhiyuan/internal/sqlstore"
	"zhiyuan/internal/sqlstore/storetest"
)

// TestLeagueRosterConcurrentEdits has eight admins set one unit's roster count at once:
// every change leaves its audit entry, and the entries chain (each one's old count is the
// previous one's new count) up to the count the unit ends with, so the trail never skips
// or invents a value; a negative count is refused by the store as well.
func TestLeagueRosterConcurrentEdits(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		by := orgAccount(t, s, "13700000001")
		o := &zhiyuan.Organization{Name: "测试团委", Type: "团委", RegionCode: "440106", ContactName: "王老师",
			ContactPhone: "13800138000", Status: zhiyuan.OrgApproved, CreatedBy: by}
		if err := s.BulkCreateOrganizations(ctx, []*zhiyuan.Organization{o}); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		for i := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				entry := &zhiyuan.AuditEntry{ActorID: by, Action: "org.league_roster", TargetType: "organization",
					TargetID: fmt.Sprint(o.ID), RegionCode: o.RegionCode, OrgID: o.ID}
				if _, err := s.SetLeagueRoster(ctx, o.ID, 100+i, entry); err != nil && zhiyuan.ErrorCode(err) != zhiyuan.EConflict {
					t.Errorf("edit %d: %v", i, err)
				}
			}()
		}
		wg.Wait()
		entries, err := s.FindAudit(ctx, zhiyuan.AuditFilter{RegionPrefix: "*", Action: "org.league_roster"})
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) == 0 {
			t.Fatal("no audit entry")
		}
		prev := "0"
		for i := len(entries) - 1; i >= 0; i-- { // oldest first
			old, nw, ok := strings.Cut(strings.TrimPrefix(entries[i].Detail, "团员总数 "), " → ")
			if !ok || old != prev {
				t.Fatalf("audit trail broken at %q (previous count %s): %+v", entries[i].Detail, prev, entries)
			}
			prev = nw
		}
		own, _, err := s.LeagueOrgFigures(ctx, o.ID)
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(own.Own.Roster) != prev {
			t.Errorf("roster %d, the audit trail ends at %s", own.Own.Roster, prev)
		}
		if _, err := s.SetLeagueRoster(ctx, o.ID, -1, nil); zhiyuan.ErrorCode(err) != zhiyuan.EInvalid {
			t.Errorf("negative count: %v", err)
		}
	})
}
