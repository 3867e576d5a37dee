package demo

import (
	"context"
	"testing"

	"zhiyuan"
	"zhiyuan/internal/app"
	"zhiyuan/internal/sqlstore/storetest"
)

// TestDemoLeagueRates fills the demo and opens 广州's units-behind list as its city admin
// would: most units have a rate between 0 and 100 %, a few are flagged above 100 % and a
// few have no roster, so the list shows what it is for.
func TestDemoLeagueRates(t *testing.T) {
	t.Parallel()
	for _, engine := range storetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			a, store := orgTestApp(t, engine)
			if _, err := Fill(ctx, a, store, Options{Volunteers: 1500, Seed: 1}); err != nil {
				t.Fatal(err)
			}
			acc, _, err := store.FindAccountByPhone(ctx, "13900000100") // 广州市管理员
			if err != nil {
				t.Fatal(err)
			}
			p := &zhiyuan.Principal{AccountID: acc.ID, Roles: []zhiyuan.Role{{Kind: zhiyuan.RoleRegional, RegionCode: "440100"}}}
			page, err := a.LeagueUnitsExport(ctx, p, app.LeagueUnitQuery{})
			if err != nil {
				t.Fatal(err)
			}
			var rated, over, none, registered int
			for i, u := range page.Items {
				switch {
				case !u.Subtree.HasRoster():
					none++
				case u.Subtree.Over():
					over++
				default:
					rated++
				}
				registered += u.Subtree.Members
				if i > 0 && u.Subtree.Less(page.Items[i-1].Subtree) {
					t.Errorf("unit %d out of order", i)
				}
			}
			t.Logf("%s: %d units: %d rated, %d over 100%%, %d without a roster", engine, len(page.Items), rated, over, none)
			if len(page.Items) < 20 || rated < len(page.Items)/2 || over == 0 || none == 0 || registered == 0 {
				t.Errorf("广州's units: %d rated, %d over, %d without a roster of %d, %d registered", rated, over, none, len(page.Items), registered)
			}
			if len(page.Items) > 0 && page.Items[0].Subtree.Members == 0 && page.Items[len(page.Items)/2].Subtree.Members == 0 {
				t.Errorf("half the units have no registered League member: %+v", page.Items[:3])
			}
		})
	}
}
