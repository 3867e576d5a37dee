package sqlstore

import (
	"context"
	"database/sql"
	"strconv"
	"strings"

	"zhiyuan"
)

// League roster imports (团员总数导入): a list of roster counts checked on upload, kept as a
// preview, then applied in one transaction (migration 0019).

// leagueRowBatch is how many rows one INSERT of an import's rows carries: a full batch's
// statement text is always the same (and kept prepared), within both engines' limits on
// bound parameters.
const leagueRowBatch = 200

// LeagueRosterCandidates returns the organisations (rejected ones aside, whatever else
// their status) whose id is one of ids, whose credit code is one of codes or whose name is
// one of names, each with its current roster count: what a roster list's rows may name.
// Names are not unique across the tree (one per parent and region), so a name may match
// several.
func (s *Store) LeagueRosterCandidates(ctx context.Context, ids []int64, codes, names []string) ([]*zhiyuan.Organization, map[int64]int, error) {
	rosters := map[int64]int{}
	var out []*zhiyuan.Organization
	seen := map[int64]bool{}
	strArgs := func(list []string) []any {
		out := make([]any, len(list))
		for i, v := range list {
			out[i] = v
		}
		return out
	}
	for _, part := range []struct {
		col  string
		vals []any
	}{{"o.id", int64Args(ids)}, {"o.credit_code", strArgs(codes)}, {"o.name", strArgs(names)}} {
		for len(part.vals) > 0 {
			n := min(len(part.vals), leagueRowBatch)
			args := part.vals[:n]
			part.vals = part.vals[n:]
			q := "SELECT o.league_roster, " + orgColumns + " WHERE o.status <> 'rejected' AND " + part.col + " IN (" + placeholders(n) + ")"
			list, err := queryAll(ctx, s.reader(), func(r rowScanner) (*zhiyuan.Organization, error) {
				var roster int
				o, err := scanOrg(prefixScanner{r, &roster})
				if err == nil {
					rosters[o.ID] = roster
				}
				return o, err
			}, q, args...)
			if err != nil {
				return nil, nil, err
			}
			for _, o := range list {
				if !seen[o.ID] {
					seen[o.ID] = true
					out = append(out, o)
				}
			}
		}
	}
	return out, rosters, nil
}

// prefixScanner scans a row whose first column goes to first and the rest to the
// scanner the caller gives.
type prefixScanner struct {
	r     rowScanner
	first any
}

func (p prefixScanner) Scan(dest ...any) error { return p.r.Scan(append([]any{p.first}, dest...)...) }

// LeagueRosterUnits returns the approved organisations within sc (and below the
// organisation underPath, '/1/5/', when it is not empty), by path, with their credit code
// and roster count: the rows of the League roster template, at most max.
func (s *Store) LeagueRosterUnits(ctx context.Context, sc zhiyuan.OrgScope, underPath string, max int) ([]zhiyuan.LeagueOrgRate, []string, error) {
	cond, args, err := s.orgWhere(ctx, zhiyuan.OrgFilter{Status: zhiyuan.OrgApproved, Scope: &sc})
	if err != nil {
		return nil, nil, err
	}
	if underPath != "" {
		lo, hi := prefixRange(underPath)
		cond += " AND o.path >= ? AND o.path < ?"
		args = append(args, lo, hi)
	}
	var codes []string
	list, err := queryAll(ctx, s.reader(), func(r rowScanner) (zhiyuan.LeagueOrgRate, error) {
		var x zhiyuan.LeagueOrgRate
		var code string
		err := r.Scan(&x.OrgID, &x.Name, &x.RegionCode, &code, &x.Own.Roster)
		codes = append(codes, code)
		return x, err
	}, "SELECT o.id, o.name, o.region_code, COALESCE(o.credit_code, ''), o.league_roster FROM organizations o WHERE "+cond+
		" ORDER BY o.path LIMIT ?", append(args, max)...)
	return list, codes, err
}

// OrgPath returns an organisation's materialised path ('/1/5/'); ENotFound when there is
// none.
func (s *Store) OrgPath(ctx context.Context, id int64) (string, error) {
	paths, err := s.orgPaths(ctx, []int64{id})
	if err != nil {
		return "", err
	}
	if len(paths) == 0 {
		return "", notFound("notfound.org")
	}
	return paths[0], nil
}

// CreateLeagueRosterImport stores a checked League roster list: the import and its rows,
// in one transaction. It sets im.ID, im.Status and im.CreatedAt.
func (s *Store) CreateLeagueRosterImport(ctx context.Context, im *zhiyuan.LeagueRosterImport) error {
	now := s.now()
	return s.inTx(ctx, func(tx conn) error {
		var org any
		if im.OrgID != 0 {
			org = im.OrgID
		}
		id, err := tx.insert(ctx, `INSERT INTO league_roster_imports (org_id, uploaded_by, file_hash, file_kind, status, total, errors, changes, created_at)
			VALUES (?, ?, ?, ?, 'ready', ?, ?, ?, ?)`, org, im.UploadedBy, im.FileHash, im.FileKind, im.Total, im.Errors, im.Changes, now)
		if err != nil {
			return err
		}
		rows := im.Rows
		for len(rows) > 0 {
			n := min(len(rows), leagueRowBatch)
			batch := rows[:n]
			rows = rows[n:]
			args := make([]any, 0, n*8)
			for _, r := range batch {
				var orgID, count, old any
				if !r.Bad() {
					orgID, count, old = r.OrgID, r.Count, r.Old
				}
				args = append(args, id, r.Line, r.Unit, orgID, count, old, r.Column, r.Reason)
			}
			q := "INSERT INTO league_roster_import_rows (import_id, line, unit, org_id, count, old_count, err_col, reason) VALUES " +
				strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?, ?, ?, ?, ?), ", n), ", ")
			if _, err := tx.exec(ctx, q, args...); err != nil {
				return err
			}
		}
		im.ID, im.Status, im.CreatedAt = id, zhiyuan.LeagueRosterReady, now
		return nil
	})
}

const leagueImportColumns = `id, COALESCE(org_id, 0), uploaded_by, file_hash, file_kind, status, total, errors, changes, applied, created_at, applied_at`

func scanLeagueImport(r rowScanner) (*zhiyuan.LeagueRosterImport, error) {
	var im zhiyuan.LeagueRosterImport
	var status string
	var applied sql.NullTime
	if err := r.Scan(&im.ID, &im.OrgID, &im.UploadedBy, &im.FileHash, &im.FileKind, &status, &im.Total, &im.Errors,
		&im.Changes, &im.Applied, &im.CreatedAt, &applied); err != nil {
		return nil, err
	}
	im.Status = zhiyuan.LeagueRosterImportStatus(status)
	im.CreatedAt = im.CreatedAt.UTC()
	if applied.Valid {
		im.AppliedAt = applied.Time.UTC()
	}
	return &im, nil
}

// FindLeagueRosterImport returns a League roster import without its rows; ENotFound when
// there is none.
func (s *Store) FindLeagueRosterImport(ctx context.Context, id int64) (*zhiyuan.LeagueRosterImport, error) {
	im, err := scanLeagueImport(s.reader().queryRow(ctx, "SELECT "+leagueImportColumns+" FROM league_roster_imports WHERE id = ?", id))
	if err == sql.ErrNoRows {
		return nil, zhiyuan.Fail(zhiyuan.ENotFound, "notfound.league_import")
	}
	return im, err
}

// LeagueRosterImportOrgs returns the organisations an import's good rows set, for
// checking at apply time that the one applying still manages each.
func (s *Store) LeagueRosterImportOrgs(ctx context.Context, id int64) ([]*zhiyuan.Organization, error) {
	return queryAll(ctx, s.reader(), func(r rowScanner) (*zhiyuan.Organization, error) { return scanOrg(r) },
		"SELECT "+orgColumns+" WHERE o.id IN (SELECT org_id FROM league_roster_import_rows WHERE import_id = ? AND org_id IS NOT NULL) ORDER BY o.id", id)
}

// LeagueRosterImportRows lists an import's bad rows (bad) or its changes (good rows whose
// count differs from the count the unit had when checked), by line, at most limit.
func (s *Store) LeagueRosterImportRows(ctx context.Context, id int64, bad bool, limit int) ([]zhiyuan.LeagueRosterRow, error) {
	cond := "r.org_id IS NOT NULL AND r.count <> r.old_count"
	if bad {
		cond = "r.org_id IS NULL"
	}
	return queryAll(ctx, s.reader(), func(r rowScanner) (zhiyuan.LeagueRosterRow, error) {
		var x zhiyuan.LeagueRosterRow
		err := r.Scan(&x.Line, &x.Unit, &x.OrgID, &x.OrgName, &x.Count, &x.Old, &x.Column, &x.Reason)
		return x, err
	}, `SELECT r.line, r.unit, COALESCE(r.org_id, 0), COALESCE(o.name, ''), COALESCE(r.count, 0), COALESCE(r.old_count, 0), r.err_col, r.reason
		FROM league_roster_import_rows r LEFT JOIN organizations o ON o.id = r.org_id
		WHERE r.import_id = ? AND `+cond+` ORDER BY r.line LIMIT ?`, id, limit)
}

// ApplyLeagueRosterImport applies a ready import, in one transaction: it moves the import
// to applied (a conditional UPDATE, so of two applies one does it and the other gets
// EConflict), sets each good row's unit (still approved) to its count, and writes one
// audit entry per count changed, from audit (actor, address, request) with the unit and
// "old → new" filled in. The units are locked before their counts are read, so the old
// counts in the audit trail are exact even with an admin editing one at the same time.
// It returns how many counts changed.
func (s *Store) ApplyLeagueRosterImport(ctx context.Context, id int64, audit zhiyuan.AuditEntry) (int, error) {
	changed := 0
	err := s.inTx(ctx, func(tx conn) error {
		now := s.now()
		res, err := tx.exec(ctx, "UPDATE league_roster_imports SET status = 'applied', applied_at = ? WHERE id = ? AND status = 'ready'", now, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			if _, err := s.FindLeagueRosterImport(ctx, id); err != nil {
				return err
			}
			return zhiyuan.Fail(zhiyuan.EConflict, "league.import_applied")
		}
		const units = "SELECT org_id FROM league_roster_import_rows WHERE import_id = ? AND org_id IS NOT NULL"
		// Lock the units first (a write that changes nothing): a concurrent edit of one of
		// them waits for this transaction, so the counts read next are the ones replaced.
		if _, err := tx.exec(ctx, "UPDATE organizations SET league_roster = league_roster WHERE id IN ("+units+")", id); err != nil {
			return err
		}
		type change struct {
			org          int64
			name, region string
			old, count   int
		}
		list, err := queryAll(ctx, tx, func(r rowScanner) (change, error) {
			var c change
			err := r.Scan(&c.org, &c.name, &c.region, &c.old, &c.count)
			return c, err
		}, `SELECT o.id, o.name, o.region_code, o.league_roster, r.count FROM league_roster_import_rows r
			JOIN organizations o ON o.id = r.org_id
			WHERE r.import_id = ? AND o.status = 'approved' AND o.league_roster <> r.count ORDER BY r.line`, id)
		if err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `UPDATE organizations SET league_roster = (SELECT r.count FROM league_roster_import_rows r
				WHERE r.import_id = ? AND r.org_id = organizations.id), updated_at = ?
			WHERE status = 'approved' AND id IN (`+units+`)
				AND league_roster <> (SELECT r.count FROM league_roster_import_rows r WHERE r.import_id = ? AND r.org_id = organizations.id)`,
			id, now, id, id); err != nil {
			return err
		}
		for _, c := range list {
			e := audit
			e.At, e.TargetType, e.TargetID, e.RegionCode, e.OrgID = now, "organization", strconv.FormatInt(c.org, 10), c.region, c.org
			e.Detail = strings.TrimSpace(c.name + "： 团员总数 " + strconv.Itoa(c.old) + " → " + strconv.Itoa(c.count) + " " + audit.Detail)
			if err := s.appendAudit(ctx, tx, &e); err != nil {
				return err
			}
		}
		changed = len(list)
		_, err = tx.exec(ctx, "UPDATE league_roster_imports SET applied = ? WHERE id = ?", changed, id)
		return err
	})
	return changed, err
}
