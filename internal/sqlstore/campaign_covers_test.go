package sqlstore_test

import (
	"bytes"
	"context"
	"sync"
	"testing"

	"zhiyuan"
	"zhiyuan/internal/sqlstore"
	"zhiyuan/internal/sqlstore/storetest"
)

// TestCampaignCovers: a campaign created with a cover has version 1; replacements made at
// once each get their own version (the database counts them), the last one written is
// served, lists carry the version, and a campaign without a cover has none.
func TestCampaignCovers(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		acc := &zhiyuan.Account{Phone: "13500000019", Name: "x"}
		if err := s.CreateAccount(ctx, acc, "h"); err != nil {
			t.Fatal(err)
		}
		c := &zhiyuan.Campaign{Name: "c", StartsOn: "2027-03-01", EndsOn: "2027-03-31", RegionCode: "440000", CreatedBy: acc.ID}
		if err := s.CreateCampaignWithCover(ctx, c, []byte("first")); err != nil || c.CoverVersion != 1 {
			t.Fatalf("create with cover: version %d, %v", c.CoverVersion, err)
		}
		const n = 8
		var wg sync.WaitGroup
		versions := make([]int64, n)
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				v, err := s.SetCampaignCover(ctx, c.ID, []byte{byte('a' + i)}, acc.ID,
					&zhiyuan.AuditEntry{ActorID: acc.ID, Action: "campaign.cover", TargetType: "campaign"})
				if err != nil {
					t.Error(err)
				}
				versions[i] = v
			}()
		}
		wg.Wait()
		seen := map[int64]bool{}
		last := 0
		for i, v := range versions {
			if v < 2 || v > n+1 || seen[v] {
				t.Fatalf("versions of concurrent covers: %v", versions)
			}
			seen[v] = true
			if v == n+1 {
				last = i
			}
		}
		img, v, err := s.CampaignCover(ctx, c.ID)
		if err != nil || v != n+1 || !bytes.Equal(img, []byte{byte('a' + last)}) {
			t.Fatalf("cover served: %q v%d %v; want the one written last", img, v, err)
		}
		entries, err := s.FindAudit(ctx, zhiyuan.AuditFilter{RegionPrefix: "*", Action: "campaign.cover"})
		if err != nil || len(entries) != n {
			t.Fatalf("%d audit entries for %d covers: %v", len(entries), n, err)
		}
		plain := &zhiyuan.Campaign{Name: "d", StartsOn: "2027-03-01", EndsOn: "2027-03-31", RegionCode: "440000", CreatedBy: acc.ID}
		if err := s.CreateCampaign(ctx, plain); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.CampaignCover(ctx, plain.ID); zhiyuan.ErrorCode(err) != zhiyuan.ENotFound {
			t.Fatalf("cover of a campaign without one: %v", err)
		}
		list, err := s.FindCampaigns(ctx, 10)
		if err != nil || len(list) != 2 {
			t.Fatal(list, err)
		}
		for _, got := range list {
			if want := map[int64]int64{c.ID: n + 1, plain.ID: 0}[got.ID]; got.CoverVersion != want {
				t.Fatalf("campaign %d listed with cover version %d, want %d", got.ID, got.CoverVersion, want)
			}
		}
	})
}
