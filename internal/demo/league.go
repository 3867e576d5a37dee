package demo

import (
	"context"
	"fmt"

	"zhiyuan"
	"zhiyuan/internal/app"
	"zhiyuan/internal/sqlstore"
)

// fillLeagueRosters gives the approved demo organisations League roster counts (团员总数)
// so the League registration rate and the units-behind list (落后单位) show believable
// figures: each unit reports somewhat more League members than have registered as its
// members (rates of roughly 35–100 %), a small extra so that units without registered
// members show 0 %, one in thirteen an old roster below its registered members (over 100 %,
// flagged) and one in eleven no roster at all (无花名册). The factors come from the ids, so
// the same seed gives the same figures; one UPDATE for every organisation.
func fillLeagueRosters(ctx context.Context, _ *app.App, s *sqlstore.Store, _ Options, _ *[]Account) error {
	_, err := s.DB().ExecContext(ctx, s.Rebind(`UPDATE organizations SET league_roster = CASE
		WHEN id % 11 = 0 THEN 0
		WHEN id % 13 = 0 THEN (own.n * 9) / 10
		ELSE (own.n * (100 + (id * 37) % 180)) / 100 + (id % 5) * 4 END
		FROM (SELECT o.id AS org_id, COUNT(v.id) AS n FROM organizations o
			LEFT JOIN org_members m ON m.org_id = o.id AND m.status = 'approved'
			LEFT JOIN volunteers v ON v.id = m.volunteer_id AND v.status = 'active' AND v.political_status = ?
			GROUP BY o.id) own
		WHERE own.org_id = organizations.id AND organizations.status = 'approved'`), zhiyuan.LeagueMemberStatus)
	if err != nil {
		return fmt.Errorf("demo League rosters: %w", err)
	}
	return nil
}
