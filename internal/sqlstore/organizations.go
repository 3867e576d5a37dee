package sqlstore

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"time"

	"zhiyuan"
)

var orgUniques = map[string][2]string{
	"organizations_name_uq":        {"name", "org.name_taken"},
	"organizations.region_code":    {"name", "org.name_taken"},
	"organizations_credit_code_uq": {"credit_code", "org.credit_code_taken"},
	"organizations.credit_code":    {"credit_code", "org.credit_code_taken"},
}

// CreateOrganization registers o as pending and makes the registering account
// (o.CreatedBy) its first admin, in one transaction. A parent (o.ParentID) must exist and
// be approved; approval is final, so reading it inside the transaction is enough. A
// duplicate name under the same parent and region, or a credit code already registered,
// is a conflict naming the field.
func (s *Store) CreateOrganization(ctx context.Context, o *zhiyuan.Organization) error {
	return s.inTx(ctx, func(tx conn) error {
		parentPath, depth := "/", 0
		if o.ParentID != 0 {
			var status string
			err := tx.queryRow(ctx, "SELECT path, depth, status FROM organizations WHERE id = ?", o.ParentID).
				Scan(&parentPath, &depth, &status)
			if err == sql.ErrNoRows {
				return zhiyuan.FieldFail(zhiyuan.EInvalid, "parent_id", "org.parent_unknown")
			}
			if err != nil {
				return err
			}
			if zhiyuan.OrgStatus(status) != zhiyuan.OrgApproved {
				return zhiyuan.FieldFail(zhiyuan.EInvalid, "parent_id", "org.parent_not_approved")
			}
			depth++
		}
		now := s.now()
		// The path needs the new id; it is written by the UPDATE below in the same
		// transaction, so no one ever sees the placeholder.
		id, err := tx.insert(ctx, `INSERT INTO organizations (name, type, region_code, parent_id, path, depth,
			credit_code, contact_name, contact_phone, description, status, created_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, '', ?, ?, ?, ?, ?, 'pending', ?, ?, ?)`,
			o.Name, o.Type, o.RegionCode, nullID(o.ParentID), depth, orgNullString(o.CreditCode),
			o.ContactName, o.ContactPhone, o.Description, o.CreatedBy, now, now)
		if err != nil {
			return s.translate(err, orgUniques)
		}
		path := zhiyuan.OrgPath(parentPath, id)
		if _, err := tx.exec(ctx, "UPDATE organizations SET path = ? WHERE id = ?", path, id); err != nil {
			return err
		}
		if err := s.grantRole(ctx, tx, o.CreatedBy, zhiyuan.Role{Kind: zhiyuan.RoleOrgAdmin, OrgID: id}, o.CreatedBy); err != nil {
			return err
		}
		o.ID, o.Status, o.CreatedAt, o.Ancestors = id, zhiyuan.OrgPending, now, zhiyuan.PathAncestors(path)
		return nil
	})
}

const orgColumns = `o.id, o.name, o.type, o.region_code, COALESCE(o.parent_id, 0), COALESCE(p.name, ''), o.path,
	COALESCE(o.credit_code, ''), o.contact_name, o.contact_phone, o.description, o.status, o.reject_reason,
	o.member_count, o.created_by, o.created_at, o.decided_at, COALESCE(o.decided_by, 0)
	FROM organizations o LEFT JOIN organizations p ON p.id = o.parent_id`

func scanOrg(r interface{ Scan(dest ...any) error }) (*zhiyuan.Organization, error) {
	var o zhiyuan.Organization
	var path, status string
	var decided sql.NullTime
	if err := r.Scan(&o.ID, &o.Name, &o.Type, &o.RegionCode, &o.ParentID, &o.ParentName, &path,
		&o.CreditCode, &o.ContactName, &o.ContactPhone, &o.Description, &status, &o.RejectReason,
		&o.MemberCount, &o.CreatedBy, &o.CreatedAt, &decided, &o.DecidedBy); err != nil {
		return nil, err
	}
	o.Status = zhiyuan.OrgStatus(status)
	o.Ancestors = zhiyuan.PathAncestors(path)
	o.CreatedAt = o.CreatedAt.UTC()
	if decided.Valid {
		o.DecidedAt = decided.Time.UTC()
	}
	return &o, nil
}

// FindOrganizationByID returns the organisation with its ancestors (parent first) and its
// parent's name, whatever its status; ENotFound when there is none.
func (s *Store) FindOrganizationByID(ctx context.Context, id int64) (*zhiyuan.Organization, error) {
	o, err := scanOrg(s.reader().queryRow(ctx, "SELECT "+orgColumns+" WHERE o.id = ?", id))
	if err == sql.ErrNoRows {
		return nil, notFound("notfound.org")
	}
	return o, err
}

// FindOrganizations lists organisations by id after f.After, at most f.Limit (default 50,
// at most 200). With f.Scope nil it is the public directory: approved organisations only,
// whatever f.Status says. With a scope it shows the statuses asked for ("" for all), limited
// to the scope's regions and subtrees.
func (s *Store) FindOrganizations(ctx context.Context, f zhiyuan.OrgFilter) ([]*zhiyuan.Organization, error) {
	cond, args, err := s.orgWhere(ctx, f)
	if err != nil {
		return nil, err
	}
	q := "SELECT " + orgColumns + " WHERE o.id > ? AND " + cond
	args = append([]any{f.After}, args...)
	q += " ORDER BY o.id LIMIT ?"
	args = append(args, orgClampLimit(f.Limit))
	rows, err := s.reader().query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*zhiyuan.Organization{}
	for rows.Next() {
		o, err := scanOrg(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// CountOrganizations counts what FindOrganizations lists for f (After and Limit aside),
// up to CountCap: the home page's "pending approvals" is this count of the list on
// /admin/orgs.
func (s *Store) CountOrganizations(ctx context.Context, f zhiyuan.OrgFilter) (int, error) {
	cond, args, err := s.orgWhere(ctx, f)
	if err != nil {
		return 0, err
	}
	return s.countCapped(ctx, "FROM organizations o WHERE "+cond, args...)
}

// orgWhere is the condition of FindOrganizations and CountOrganizations, on o.
func (s *Store) orgWhere(ctx context.Context, f zhiyuan.OrgFilter) (string, []any, error) {
	q := "1 = 1"
	var args []any
	switch {
	case f.Scope == nil:
		q += " AND o.status = 'approved'"
	case f.Status != "":
		q += " AND o.status = ?"
		args = append(args, string(f.Status))
	}
	if f.Scope != nil && !f.Scope.All {
		cond, cargs, err := s.scopeCondition(ctx, f.Scope)
		if err != nil {
			return "", nil, err
		}
		q += " AND " + cond
		args = append(args, cargs...)
	}
	if f.RegionPrefix != "" {
		lo, hi := prefixRange(f.RegionPrefix)
		q += " AND o.region_code >= ? AND o.region_code < ?"
		args = append(args, lo, hi)
	}
	if f.Type != "" {
		q += " AND o.type = ?"
		args = append(args, f.Type)
	}
	if f.ParentID != 0 {
		q += " AND o.parent_id = ?"
		args = append(args, f.ParentID)
	}
	if q2 := strings.TrimSpace(f.Query); q2 != "" {
		q += ` AND o.name LIKE ? ESCAPE '\'`
		args = append(args, "%"+orgLikeEscape(q2)+"%")
	}
	return q, args, nil
}

// scopeCondition turns an admin's scope into one SQL condition: region code ranges OR'ed
// with subtree ranges of the materialised path. It reads the administered organisations'
// paths in one query.
func (s *Store) scopeCondition(ctx context.Context, sc *zhiyuan.OrgScope) (string, []any, error) {
	var parts []string
	var args []any
	for _, prefix := range sc.RegionPrefixes {
		lo, hi := prefixRange(prefix)
		parts = append(parts, "(o.region_code >= ? AND o.region_code < ?)")
		args = append(args, lo, hi)
	}
	if len(sc.OrgIDs) > 0 {
		paths, err := s.orgPaths(ctx, sc.OrgIDs)
		if err != nil {
			return "", nil, err
		}
		for _, p := range paths {
			lo, hi := prefixRange(p)
			parts = append(parts, "(o.path >= ? AND o.path < ?)")
			args = append(args, lo, hi)
		}
	}
	if len(parts) == 0 {
		return "1 = 0", nil, nil
	}
	return "(" + strings.Join(parts, " OR ") + ")", args, nil
}

func (s *Store) orgPaths(ctx context.Context, ids []int64) ([]string, error) {
	if len(ids) > 100 {
		ids = ids[:100]
	}
	ph, args := placeholders(len(ids)), int64Args(ids)
	rows, err := s.reader().query(ctx, "SELECT path FROM organizations WHERE id IN ("+ph+")", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var p string
		if err := rows.Scan(&p); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// CountDescendants returns how many organisations lie below id (at any depth), by one
// range on the path index.
func (s *Store) CountDescendants(ctx context.Context, id int64) (int, error) {
	var path string
	if err := s.reader().queryRow(ctx, "SELECT path FROM organizations WHERE id = ?", id).Scan(&path); err != nil {
		if err == sql.ErrNoRows {
			return 0, notFound("notfound.org")
		}
		return 0, err
	}
	lo, hi := prefixRange(path)
	var n int
	err := s.reader().queryRow(ctx, "SELECT COUNT(*) FROM organizations WHERE path > ? AND path < ?", lo, hi).Scan(&n)
	return n, err
}

// DecideOrganization approves or rejects a pending organisation and writes the audit
// entry in the same transaction. The update is conditional on the status still being
// pending, so of two admins deciding at once exactly one succeeds and the other gets a
// conflict; ENotFound when there is no such organisation.
func (s *Store) DecideOrganization(ctx context.Context, id int64, status zhiyuan.OrgStatus, reason string, by int64, audit *zhiyuan.AuditEntry) error {
	if status != zhiyuan.OrgApproved && status != zhiyuan.OrgRejected {
		return zhiyuan.FieldFail(zhiyuan.EInvalid, "status", "decision.unknown")
	}
	return s.inTx(ctx, func(tx conn) error {
		now := s.now()
		res, err := tx.exec(ctx, `UPDATE organizations SET status = ?, reject_reason = ?, decided_at = ?, decided_by = ?, updated_at = ?
			WHERE id = ? AND status = 'pending'`, string(status), reason, now, by, now, id)
		if err != nil {
			return s.translate(err, orgUniques)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			var cur string
			err := tx.queryRow(ctx, "SELECT status FROM organizations WHERE id = ?", id).Scan(&cur)
			if err == sql.ErrNoRows {
				return notFound("notfound.org")
			}
			if err != nil {
				return err
			}
			return zhiyuan.Fail(zhiyuan.EConflict, "org.decided", "status", zhiyuan.OrgStatus(cur).Chinese())
		}
		if audit != nil {
			audit.At = now
			return s.appendAudit(ctx, tx, audit)
		}
		return nil
	})
}

// OrgAdmin is one administrator of an organisation, for the admins' list.
type OrgAdmin struct {
	AccountID int64
	Name      string
	Phone     string // shown masked
	Since     time.Time
}

// FindOrgAdmins lists the accounts holding org_admin for exactly this organisation.
func (s *Store) FindOrgAdmins(ctx context.Context, orgID int64) ([]OrgAdmin, error) {
	rows, err := s.reader().query(ctx, `SELECT a.id, a.name, a.phone, r.created_at FROM account_roles r
		JOIN accounts a ON a.id = r.account_id WHERE r.org_id = ? AND r.role = 'org_admin' ORDER BY r.id`, orgID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []OrgAdmin
	for rows.Next() {
		var a OrgAdmin
		if err := rows.Scan(&a.AccountID, &a.Name, &a.Phone, &a.Since); err != nil {
			return nil, err
		}
		a.Since = a.Since.UTC()
		out = append(out, a)
	}
	return out, rows.Err()
}

func orgClampLimit(n int) int {
	if n <= 0 || n > 200 {
		return 50
	}
	return n
}

func orgNullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// orgLikeEscape makes s match itself literally inside a LIKE pattern with ESCAPE '\'.
func orgLikeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(s)
}

// BulkCreateOrganizations inserts many organisations of one tree level with multi-row
// INSERTs in one transaction, for demo data and benchmarks: every ParentID must name an
// existing organisation (insert level by level). Status, CreatedBy and the decision fields
// are taken as given; paths and depths are derived from the parents by two UPDATEs, not
// row by row. IDs are set on the structs.
func (s *Store) BulkCreateOrganizations(ctx context.Context, orgs []*zhiyuan.Organization) error {
	if len(orgs) == 0 {
		return nil
	}
	const perInsert = 500 // 15 values a row, well under both engines' limits
	now := s.now()
	return s.inTx(ctx, func(tx conn) error {
		key := func(region string, parent int64, name string) string {
			return region + "|" + strconv.FormatInt(parent, 10) + "|" + name
		}
		byKey := make(map[string]*zhiyuan.Organization, len(orgs))
		for _, o := range orgs {
			byKey[key(o.RegionCode, o.ParentID, o.Name)] = o
		}
		for start := 0; start < len(orgs); start += perInsert {
			chunk := orgs[start:min(start+perInsert, len(orgs))]
			args := make([]any, 0, 15*len(chunk))
			var b strings.Builder
			for i, o := range chunk {
				if i > 0 {
					b.WriteString(", ")
				}
				b.WriteString("(?, ?, ?, ?, '', 0, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
				if o.Status == "" {
					o.Status = zhiyuan.OrgPending
				}
				var decidedAt any
				if o.Status != zhiyuan.OrgPending {
					decidedAt = now
				}
				o.CreatedAt = now
				args = append(args, o.Name, o.Type, o.RegionCode, nullID(o.ParentID), orgNullString(o.CreditCode),
					o.ContactName, o.ContactPhone, o.Description, string(o.Status), o.CreatedBy, now, decidedAt, now)
			}
			rows, err := tx.query(ctx, `INSERT INTO organizations (name, type, region_code, parent_id, path, depth,
				credit_code, contact_name, contact_phone, description, status, created_by, created_at, decided_at, updated_at)
				VALUES `+b.String()+` RETURNING id, region_code, COALESCE(parent_id, 0), name`, args...)
			if err != nil {
				return s.translate(err, orgUniques)
			}
			for rows.Next() {
				var id, parent int64
				var region, name string
				if err := rows.Scan(&id, &region, &parent, &name); err != nil {
					rows.Close()
					return err
				}
				if o := byKey[key(region, parent, name)]; o != nil {
					o.ID = id
				}
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
		}
		if _, err := tx.exec(ctx, `UPDATE organizations SET path = '/' || id || '/', depth = 0
			WHERE path = '' AND parent_id IS NULL`); err != nil {
			return err
		}
		_, err := tx.exec(ctx, `UPDATE organizations SET
			path = (SELECT p.path FROM organizations p WHERE p.id = organizations.parent_id) || id || '/',
			depth = (SELECT p.depth FROM organizations p WHERE p.id = organizations.parent_id) + 1
			WHERE path = ''`)
		return err
	})
}
