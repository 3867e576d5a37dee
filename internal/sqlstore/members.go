package sqlstore

import (
	"context"
	"database/sql"
	"strings"
	"unicode/utf8"

	"zhiyuan"
)

// ApplyMembership records a volunteer's application to join an approved organisation.
// Applying again after a rejection or after leaving reopens the same row; applying while
// an application is pending or as a member already is a conflict. The organisation's
// status is checked by the INSERT itself, so an organisation that is not approved gets
// no applications.
func (s *Store) ApplyMembership(ctx context.Context, orgID, volunteerID int64) (*zhiyuan.Membership, error) {
	now := s.now()
	var id int64
	// WHERE on the SELECT also settles SQLite's parsing ambiguity of INSERT … SELECT …
	// ON CONFLICT.
	err := s.writer().queryRow(ctx, `INSERT INTO org_members (org_id, volunteer_id, status, role, applied_at)
		SELECT ?, ?, 'pending', 'member', ? WHERE EXISTS (SELECT 1 FROM organizations WHERE id = ? AND status = 'approved')
		ON CONFLICT (org_id, volunteer_id) DO UPDATE SET status = 'pending', applied_at = excluded.applied_at,
			decided_at = NULL, decided_by = NULL
		WHERE org_members.status IN ('rejected', 'left')
		RETURNING id`, orgID, volunteerID, now, orgID).Scan(&id)
	if err == sql.ErrNoRows {
		m, ferr := s.FindMembership(ctx, orgID, volunteerID)
		if ferr != nil {
			// No row and no membership: the organisation is missing or not approved.
			return nil, zhiyuan.Fail(zhiyuan.EConflict, "member.org_not_approved")
		}
		if m.Status == zhiyuan.MemberApproved {
			return nil, zhiyuan.Fail(zhiyuan.EConflict, "member.already_member")
		}
		return nil, zhiyuan.Fail(zhiyuan.EConflict, "member.already_pending")
	}
	if err != nil {
		return nil, err
	}
	return &zhiyuan.Membership{ID: id, OrgID: orgID, VolunteerID: volunteerID, Status: zhiyuan.MemberPending,
		Role: "member", AppliedAt: now}, nil
}

const memberColumns = `m.id, m.org_id, m.volunteer_id, m.status, m.role, m.applied_at, m.decided_at,
	COALESCE(m.decided_by, 0), v.name, v.volunteer_no, a.phone, o.name
	FROM org_members m
	JOIN volunteers v ON v.id = m.volunteer_id
	JOIN accounts a ON a.id = v.account_id
	JOIN organizations o ON o.id = m.org_id`

func scanMember(r rowScanner) (*zhiyuan.Membership, error) {
	var m zhiyuan.Membership
	var status string
	var decided sql.NullTime
	if err := r.Scan(&m.ID, &m.OrgID, &m.VolunteerID, &status, &m.Role, &m.AppliedAt, &decided, &m.DecidedBy,
		&m.VolunteerName, &m.VolunteerNo, &m.Phone, &m.OrgName); err != nil {
		return nil, err
	}
	m.Status = zhiyuan.MemberStatus(status)
	m.AppliedAt = m.AppliedAt.UTC()
	if decided.Valid {
		m.DecidedAt = decided.Time.UTC()
	}
	return &m, nil
}

// FindMembership returns one volunteer's membership of one organisation, whatever its
// status; ENotFound when the volunteer never applied.
func (s *Store) FindMembership(ctx context.Context, orgID, volunteerID int64) (*zhiyuan.Membership, error) {
	m, err := scanMember(s.reader().queryRow(ctx, "SELECT "+memberColumns+" WHERE m.org_id = ? AND m.volunteer_id = ?", orgID, volunteerID))
	if err == sql.ErrNoRows {
		return nil, notFound("notfound.membership")
	}
	return m, err
}

// IsMember reports whether the volunteer is an approved member of the organisation.
func (s *Store) IsMember(ctx context.Context, orgID, volunteerID int64) (bool, error) {
	var n int
	err := s.reader().queryRow(ctx, `SELECT COUNT(*) FROM org_members
		WHERE org_id = ? AND volunteer_id = ? AND status = 'approved'`, orgID, volunteerID).Scan(&n)
	return n > 0, err
}

// FindMembers lists one organisation's members in membership id order after f.After. The
// query walks org_members_org_idx (or the status index) from the cursor and stops after
// the page, so a page costs the same for an organisation of a hundred members and of a
// hundred thousand. f.Query matches the start of the name or of the volunteer number.
func (s *Store) FindMembers(ctx context.Context, f zhiyuan.MemberFilter) ([]*zhiyuan.Membership, error) {
	where, args := memberWhere(f)
	q := "SELECT " + memberColumns + " WHERE " + where + " AND m.id > ?"
	args = append(args, f.After)
	// The ORDER BY spells out the index's own columns (org_id and status are fixed by
	// equality, so the order is the same as by id alone). That leaves the planner one
	// plan without a sort, the walk of the index from the cursor; ordering by id alone
	// lets PostgreSQL's generic plan walk the primary key and filter, which for a small
	// organisation reads most of org_members to fill a page.
	order := " ORDER BY m.org_id, m.id"
	if f.Status != "" {
		order = " ORDER BY m.org_id, m.status, m.id"
	}
	q += order + " LIMIT ?"
	args = append(args, orgClampLimit(f.Limit))
	return queryAll(ctx, s.reader(), scanMember, q, args...)
}

// CountMembers counts what FindMembers lists for f (After and Limit aside), up to
// CountCap: the home page's "membership applications" is this count of the pending list
// on the members page.
func (s *Store) CountMembers(ctx context.Context, f zhiyuan.MemberFilter) (int, error) {
	where, args := memberWhere(f)
	return s.countCapped(ctx, "FROM org_members m JOIN volunteers v ON v.id = m.volunteer_id WHERE "+where, args...)
}

// memberWhere is the condition of FindMembers and CountMembers, on m and v.
func memberWhere(f zhiyuan.MemberFilter) (string, []any) {
	q := "m.org_id = ?"
	args := []any{f.OrgID}
	if f.Status != "" {
		q += " AND m.status = ?"
		args = append(args, string(f.Status))
	}
	if term := strings.TrimSpace(f.Query); term != "" {
		// substr counts characters on both engines, so this works for Chinese names
		// where a byte range would not.
		n := utf8.RuneCountInString(term)
		q += " AND (substr(v.name, 1, ?) = ? OR substr(v.volunteer_no, 1, ?) = ?)"
		args = append(args, n, term, n, strings.ToUpper(term))
	}
	return q, args
}

// FindMembershipsOfVolunteer lists every organisation a volunteer has applied to or
// joined, newest application first.
func (s *Store) FindMembershipsOfVolunteer(ctx context.Context, volunteerID int64) ([]*zhiyuan.Membership, error) {
	return queryAll(ctx, s.reader(), scanMember, "SELECT "+memberColumns+" WHERE m.volunteer_id = ? ORDER BY m.id DESC LIMIT 200", volunteerID)
}

// DecideMembership approves or rejects a pending application and writes the audit entry,
// in one transaction; an approval also adds one to the organisation's member count. The
// update is conditional on the application still pending: deciding twice is a conflict.
func (s *Store) DecideMembership(ctx context.Context, orgID, volunteerID int64, status zhiyuan.MemberStatus, by int64, audit *zhiyuan.AuditEntry) error {
	if status != zhiyuan.MemberApproved && status != zhiyuan.MemberRejected {
		return zhiyuan.FieldFail(zhiyuan.EInvalid, "status", "decision.unknown")
	}
	return s.inTx(ctx, func(tx conn) error {
		now := s.now()
		res, err := tx.exec(ctx, `UPDATE org_members SET status = ?, decided_at = ?, decided_by = ?
			WHERE org_id = ? AND volunteer_id = ? AND status = 'pending'`, string(status), now, by, orgID, volunteerID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			var cur string
			err := tx.queryRow(ctx, "SELECT status FROM org_members WHERE org_id = ? AND volunteer_id = ?", orgID, volunteerID).Scan(&cur)
			if err == sql.ErrNoRows {
				return notFound("notfound.membership")
			}
			if err != nil {
				return err
			}
			return zhiyuan.Fail(zhiyuan.EConflict, "member.decided", "status", zhiyuan.MemberStatus(cur).Chinese())
		}
		if status == zhiyuan.MemberApproved {
			if _, err := tx.exec(ctx, "UPDATE organizations SET member_count = member_count + 1 WHERE id = ?", orgID); err != nil {
				return err
			}
		}
		if audit != nil {
			audit.At = now
			return s.appendAudit(ctx, tx, audit)
		}
		return nil
	})
}

// LeaveOrganization ends a volunteer's membership (or withdraws a pending application);
// leaving as a member takes one off the member count in the same transaction.
func (s *Store) LeaveOrganization(ctx context.Context, orgID, volunteerID int64) error {
	return s.inTx(ctx, func(tx conn) error {
		now := s.now()
		res, err := tx.exec(ctx, `UPDATE org_members SET status = 'left', decided_at = ?
			WHERE org_id = ? AND volunteer_id = ? AND status = 'approved'`, now, orgID, volunteerID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 1 {
			_, err := tx.exec(ctx, "UPDATE organizations SET member_count = member_count - 1 WHERE id = ?", orgID)
			return err
		}
		res, err = tx.exec(ctx, `UPDATE org_members SET status = 'left', decided_at = ?
			WHERE org_id = ? AND volunteer_id = ? AND status = 'pending'`, now, orgID, volunteerID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return zhiyuan.Fail(zhiyuan.ENotFound, "member.not_member")
		}
		return nil
	})
}

// BulkAddMembers inserts many memberships with multi-row INSERTs in one transaction, for
// demo data and benchmarks; rows that already exist are left alone. The member counts of
// the organisations grow by the approved rows actually inserted (RETURNING tells which),
// so loading in batches never recounts what earlier batches loaded.
func (s *Store) BulkAddMembers(ctx context.Context, ms []zhiyuan.Membership) error {
	if len(ms) == 0 {
		return nil
	}
	const perInsert = 2000 // 6 values a row
	now := s.now()
	added := map[int64]int{}
	return s.inTx(ctx, func(tx conn) error {
		for start := 0; start < len(ms); start += perInsert {
			chunk := ms[start:min(start+perInsert, len(ms))]
			args := make([]any, 0, 6*len(chunk))
			for _, m := range chunk {
				status := m.Status
				if status == "" {
					status = zhiyuan.MemberApproved
				}
				applied := m.AppliedAt
				if applied.IsZero() {
					applied = now
				}
				var decided any
				if status != zhiyuan.MemberPending {
					decided = now
				}
				args = append(args, m.OrgID, m.VolunteerID, string(status), applied, decided, nullID(m.DecidedBy))
			}
			rows, err := tx.query(ctx, `INSERT INTO org_members (org_id, volunteer_id, status, applied_at, decided_at, decided_by) VALUES `+
				repeatTuple("(?, ?, ?, ?, ?, ?)", len(chunk))+` ON CONFLICT (org_id, volunteer_id) DO NOTHING RETURNING org_id, status`, args...)
			if err != nil {
				return err
			}
			for rows.Next() {
				var org int64
				var status string
				if err := rows.Scan(&org, &status); err != nil {
					rows.Close()
					return err
				}
				if zhiyuan.MemberStatus(status) == zhiyuan.MemberApproved {
					added[org]++
				}
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
		}
		for org, n := range added {
			if _, err := tx.exec(ctx, "UPDATE organizations SET member_count = member_count + ? WHERE id = ?", n, org); err != nil {
				return err
			}
		}
		return nil
	})
}
