package sqlstore

import (
	"context"
	"database/sql"
	"strconv"
	"strings"

	"zhiyuan"
)

// The League registration rate (zhiyuan.LeagueRate). Every figure is computed when asked,
// in one grouped statement for any number of organisations or regions: nothing is kept
// that a membership decision, a closed account or a changed political status would have
// to update. A figure counts approved organisations only, their approved members who are
// active volunteers with political status zhiyuan.LeagueMemberStatus, each volunteer once
// per figure (COUNT(DISTINCT)), and the sum of the organisations' own roster counts.

// SetLeagueRoster sets an organisation's League roster count (团员总数) and writes the
// audit entry (its detail gains "old → new") in the same transaction. The write is a
// compare-and-set on the value read, retried when another admin changed it in between, so
// the audit trail chains every change exactly. It returns the previous count; nothing is
// written or audited when the count is unchanged. ENotFound when there is no such
// organisation.
func (s *Store) SetLeagueRoster(ctx context.Context, orgID int64, count int, audit *zhiyuan.AuditEntry) (old int, err error) {
	if err := zhiyuan.CheckLeagueRoster(count); err != nil {
		return 0, err
	}
	err = s.inTx(ctx, func(tx conn) error {
		for range 5 {
			if err := tx.queryRow(ctx, "SELECT league_roster FROM organizations WHERE id = ?", orgID).Scan(&old); err != nil {
				if err == sql.ErrNoRows {
					return notFound("notfound.org")
				}
				return err
			}
			if old == count {
				return nil
			}
			now := s.now()
			res, err := tx.exec(ctx, "UPDATE organizations SET league_roster = ?, updated_at = ? WHERE id = ? AND league_roster = ?",
				count, now, orgID, old)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				continue // changed by someone else since it was read: read it again
			}
			if audit == nil {
				return nil
			}
			audit.At = now
			audit.Detail = strings.TrimSpace(audit.Detail + " 团员总数 " + strconv.Itoa(old) + " → " + strconv.Itoa(count))
			return s.appendAudit(ctx, tx, audit)
		}
		return zhiyuan.Fail(zhiyuan.EConflict, "league.roster_busy")
	})
	return old, err
}

// leagueOrgSQL computes the figures of the approved organisations matching cond (on o,
// with args): t is the organisations with the upper end of their subtree's path range
// ('/1/5/' → '/1/50', as prefixRange), sub their subtree's roster, mem their subtree's
// and their own League members. Each subtree is one range on organizations_path_idx, its
// memberships come off org_members_org_status_volunteer_idx, the volunteers by key.
func (s *Store) leagueOrgSQL(cond string) string {
	// The joins are written as CROSS JOINs with their conditions in WHERE: the same
	// inner joins to both engines, and the order SQLite must follow (it keeps a CROSS
	// JOIN's order), which is from the few units asked for down their path ranges to the
	// memberships: without it SQLite starts from every League member of the province,
	// however small the unit. t is MATERIALIZED so that it is computed once. The
	// descendants' status is tested in the aggregates, not the join, so that they are
	// reached by the path range and not by the status index. A unit's own members need
	// no DISTINCT: org_members_uq holds one membership per unit and volunteer.
	return `WITH t AS MATERIALIZED (
		SELECT o.id, o.path, substr(o.path, 1, length(o.path) - 1) || '0' AS hi
		FROM organizations o WHERE o.status = 'approved' AND ` + cond + `
	), sub AS (
		SELECT t.id, SUM(CASE WHEN d.status = 'approved' THEN d.league_roster ELSE 0 END) AS roster
		FROM t CROSS JOIN organizations d
		WHERE d.path >= t.path AND d.path < t.hi
		GROUP BY t.id
	), mem AS (
		SELECT t.id, COUNT(DISTINCT CASE WHEN d.status = 'approved' THEN m.volunteer_id END) AS members,
			COUNT(CASE WHEN d.id = t.id THEN 1 END) AS own
		FROM t CROSS JOIN organizations d CROSS JOIN org_members m CROSS JOIN ` + s.dialect.leagueVolunteers() + `
		WHERE d.path >= t.path AND d.path < t.hi AND m.org_id = d.id AND m.status = 'approved'
			AND v.id = m.volunteer_id AND v.status = 'active' AND v.political_status = ?
		GROUP BY t.id
	)
	SELECT o.id, o.name, o.region_code, COALESCE(o.parent_id, 0), o.league_roster, COALESCE(mem.own, 0),
		sub.roster, COALESCE(mem.members, 0)
	FROM t JOIN organizations o ON o.id = t.id JOIN sub ON sub.id = t.id LEFT JOIN mem ON mem.id = t.id`
}

func scanLeagueOrg(r rowScanner) (zhiyuan.LeagueOrgRate, error) {
	var x zhiyuan.LeagueOrgRate
	err := r.Scan(&x.OrgID, &x.Name, &x.RegionCode, &x.ParentID, &x.Own.Roster, &x.Own.Members, &x.Subtree.Roster, &x.Subtree.Members)
	return x, err
}

// LeagueOrgFigures returns an approved organisation's figures and those of its approved
// children (by name), in one statement; ENotFound when the organisation is not approved.
func (s *Store) LeagueOrgFigures(ctx context.Context, orgID int64) (zhiyuan.LeagueOrgRate, []zhiyuan.LeagueOrgRate, error) {
	list, err := queryAll(ctx, s.reader(), scanLeagueOrg,
		s.leagueOrgSQL("(o.id = ? OR o.parent_id = ?)")+" ORDER BY CASE WHEN o.id = ? THEN 0 ELSE 1 END, o.name, o.id",
		orgID, orgID, zhiyuan.LeagueMemberStatus, orgID)
	if err != nil {
		return zhiyuan.LeagueOrgRate{}, nil, err
	}
	if len(list) == 0 || list[0].OrgID != orgID {
		return zhiyuan.LeagueOrgRate{}, nil, notFound("notfound.org")
	}
	return list[0], list[1:], nil
}

// leagueUnitWhere is the condition on o of the units-behind list.
func leagueUnitWhere(f zhiyuan.LeagueUnitFilter) (string, []any) {
	q := "1 = 1"
	var args []any
	if !f.Scope.All {
		var parts []string
		for _, prefix := range f.Scope.RegionPrefixes {
			lo, hi := prefixRange(prefix)
			parts = append(parts, "(o.region_code >= ? AND o.region_code < ?)")
			args = append(args, lo, hi)
		}
		if len(parts) == 0 {
			return "1 = 0", nil
		}
		q = "(" + strings.Join(parts, " OR ") + ")"
	}
	if f.RegionPrefix != "" {
		lo, hi := prefixRange(f.RegionPrefix)
		q += " AND o.region_code >= ? AND o.region_code < ?"
		args = append(args, lo, hi)
	}
	return q, args
}

// leagueOrder is the ORDER BY of the units-behind list. The rate's order is
// zhiyuan.LeagueRate.Less written in SQL (units without a roster last, then members over
// roster); TestLeagueUnitsOrder checks the two agree. The id breaks ties, so pages never
// overlap.
func leagueOrder(sort zhiyuan.LeagueSort, desc bool) string {
	dir := " ASC"
	if desc {
		dir = " DESC"
	}
	switch sort {
	case zhiyuan.LeagueByRoster:
		return " ORDER BY sub.roster" + dir + ", o.id"
	case zhiyuan.LeagueByRegistered:
		return " ORDER BY COALESCE(mem.members, 0)" + dir + ", o.id"
	case zhiyuan.LeagueByName:
		return " ORDER BY o.name" + dir + ", o.id"
	}
	return " ORDER BY CASE WHEN sub.roster > 0 THEN 0 ELSE 1 END, " +
		"CASE WHEN sub.roster > 0 THEN COALESCE(mem.members, 0) * 1.0 / sub.roster END" + dir + ", o.id"
}

// LeagueUnits lists the units-behind list's page: approved organisations in f's scope
// and region, each with its subtree's figures, in f's order, at most f.Limit (default and
// cap zhiyuan.LeagueUnitsExportMax) after f.Offset; and how many there are in all.
func (s *Store) LeagueUnits(ctx context.Context, f zhiyuan.LeagueUnitFilter) ([]zhiyuan.LeagueOrgRate, int, error) {
	cond, args := leagueUnitWhere(f)
	var total int
	if err := s.reader().queryRow(ctx, "SELECT COUNT(*) FROM organizations o WHERE o.status = 'approved' AND "+cond, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	limit := f.Limit
	if limit <= 0 || limit > zhiyuan.LeagueUnitsExportMax {
		limit = zhiyuan.LeagueUnitsExportMax
	}
	q := s.leagueOrgSQL(cond) + leagueOrder(f.Sort, f.Desc) + " LIMIT ? OFFSET ?"
	args = append(args, zhiyuan.LeagueMemberStatus, limit, max(f.Offset, 0))
	list, err := queryAll(ctx, s.reader(), scanLeagueOrg, q, args...)
	return list, total, err
}

// CountLeagueLagging counts the units of f's scope and region (its order and page aside)
// whose subtree reported a roster and registered fewer than percent per cent of it: the
// units at the head of the units-behind list in its default order.
func (s *Store) CountLeagueLagging(ctx context.Context, f zhiyuan.LeagueUnitFilter, percent int) (int, error) {
	cond, args := leagueUnitWhere(f)
	q := "SELECT COUNT(*) FROM (" + s.leagueOrgSQL(cond) +
		" WHERE sub.roster > 0 AND COALESCE(mem.members, 0) * 100 < sub.roster * ?) lag"
	args = append(args, zhiyuan.LeagueMemberStatus, percent)
	var n int
	err := s.reader().queryRow(ctx, q, args...).Scan(&n)
	return n, err
}

// LeagueRegionFigures returns the figure of each region given by its code prefix
// (zhiyuan.ScopePrefix), in the order given: every approved organisation registered in
// the region or below it, in one statement for all of them, from the regions' code ranges
// on organizations_status_region_idx down to the memberships (CROSS JOIN: see
// leagueOrgSQL).
func (s *Store) LeagueRegionFigures(ctx context.Context, codes, prefixes []string) ([]zhiyuan.LeagueRegionRate, error) {
	if len(codes) == 0 {
		return []zhiyuan.LeagueRegionRate{}, nil
	}
	var vals []string
	var args []any
	for i, code := range codes {
		lo, hi := prefixRange(prefixes[i])
		vals = append(vals, "(CAST(? AS INTEGER), CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS TEXT))")
		args = append(args, i, code, lo, hi)
	}
	q := `WITH k (n, code, lo, hi) AS MATERIALIZED (VALUES ` + strings.Join(vals, ", ") + `),
	ro AS (
		SELECT k.n, SUM(o.league_roster) AS roster FROM k CROSS JOIN organizations o
		WHERE o.status = 'approved' AND o.region_code >= k.lo AND o.region_code < k.hi
		GROUP BY k.n
	), me AS (
		SELECT k.n, COUNT(DISTINCT m.volunteer_id) AS members
		FROM k CROSS JOIN organizations o CROSS JOIN org_members m CROSS JOIN ` + s.dialect.leagueVolunteers() + `
		WHERE o.status = 'approved' AND o.region_code >= k.lo AND o.region_code < k.hi
			AND m.org_id = o.id AND m.status = 'approved'
			AND v.id = m.volunteer_id AND v.status = 'active' AND v.political_status = ?
		GROUP BY k.n
	)
	SELECT k.code, COALESCE(ro.roster, 0), COALESCE(me.members, 0)
	FROM k LEFT JOIN ro ON ro.n = k.n LEFT JOIN me ON me.n = k.n ORDER BY k.n`
	args = append(args, zhiyuan.LeagueMemberStatus)
	return queryAll(ctx, s.reader(), func(r rowScanner) (zhiyuan.LeagueRegionRate, error) {
		var x zhiyuan.LeagueRegionRate
		err := r.Scan(&x.RegionCode, &x.Roster, &x.Members)
		return x, err
	}, q, args...)
}
