package sqlstore

import (
	"context"

	"zhiyuan"
)

// AppendAudit writes one audit entry.
func (s *Store) AppendAudit(ctx context.Context, e *zhiyuan.AuditEntry) error {
	return s.appendAudit(ctx, s.writer(), e)
}

func (s *Store) appendAudit(ctx context.Context, c conn, e *zhiyuan.AuditEntry) error {
	if e.At.IsZero() {
		e.At = s.now()
	}
	id, err := c.insert(ctx, `INSERT INTO audit_log (at, actor_id, action, target_type, target_id, region_code, org_id, ip, request_id, detail)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.At, e.ActorID, e.Action, e.TargetType, e.TargetID, e.RegionCode, e.OrgID, e.IP, e.RequestID, e.Detail)
	e.ID = id
	return err
}

// FindAudit lists audit entries newest first, within f.RegionPrefix ("*" for everything).
func (s *Store) FindAudit(ctx context.Context, f zhiyuan.AuditFilter) ([]zhiyuan.AuditEntry, error) {
	q := `SELECT l.id, l.at, l.actor_id, COALESCE(a.name, ''), l.action, l.target_type, l.target_id,
		l.region_code, l.org_id, COALESCE(o.name, ''), l.ip, l.request_id, l.detail
		FROM audit_log l LEFT JOIN accounts a ON a.id = l.actor_id
		LEFT JOIN organizations o ON o.id = l.org_id WHERE 1 = 1`
	var args []any
	if f.RegionPrefix != "*" {
		lo, hi := prefixRange(f.RegionPrefix)
		q += " AND l.region_code >= ? AND l.region_code < ?"
		args = append(args, lo, hi)
	}
	if f.Action != "" {
		q += " AND l.action = ?"
		args = append(args, f.Action)
	}
	if f.ActorID != 0 {
		q += " AND l.actor_id = ?"
		args = append(args, f.ActorID)
	}
	if f.Before > 0 {
		q += " AND l.id < ?"
		args = append(args, f.Before)
	}
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 50
	}
	q += " ORDER BY l.id DESC LIMIT ?"
	args = append(args, f.Limit)
	rows, err := s.reader().query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []zhiyuan.AuditEntry
	for rows.Next() {
		var e zhiyuan.AuditEntry
		if err := rows.Scan(&e.ID, &e.At, &e.ActorID, &e.ActorName, &e.Action, &e.TargetType, &e.TargetID,
			&e.RegionCode, &e.OrgID, &e.OrgName, &e.IP, &e.RequestID, &e.Detail); err != nil {
			return nil, err
		}
		e.At = e.At.UTC()
		out = append(out, e)
	}
	return out, rows.Err()
}

// prefixRange turns a code prefix into a half-open string range [lo, hi) that both engines
// answer from a plain B-tree index (LIKE 'p%' needs a special operator class on PostgreSQL).
// An empty prefix matches nothing.
func prefixRange(prefix string) (lo, hi string) {
	if prefix == "" {
		return "1", "0"
	}
	b := []byte(prefix)
	b[len(b)-1]++
	return prefix, string(b)
}
