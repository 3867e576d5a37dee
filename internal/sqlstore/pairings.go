package sqlstore

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"zhiyuan"
)

// Pairing (结对): a pairing and its activity are written in one transaction; its visits
// are the activity's sessions, held when they have confirmed hours; a missed visit is
// warned of once, kept once by pairing_missed_visits' primary key.

const pairingCols = `p.id, p.org_id, o.name, p.activity_id, COALESCE(p.need_id, 0), p.recipient, p.target_group, p.category,
	p.region_code, p.address, p.lat, p.lng, p.contact, p.starts_on, p.ends_on, p.every_days, p.visit_time, p.visit_minutes,
	p.volunteers_per_visit, p.community_account_id, ac.name, p.status, p.ended_at, p.created_at`

const pairingFrom = ` FROM pairings p JOIN organizations o ON o.id = p.org_id JOIN accounts ac ON ac.id = p.community_account_id `

func scanPairing(r rowScanner) (*zhiyuan.Pairing, error) {
	var p zhiyuan.Pairing
	var cat, status string
	var ended sql.NullTime
	err := r.Scan(&p.ID, &p.OrgID, &p.OrgName, &p.ActivityID, &p.NeedID, &p.Recipient, &p.TargetGroup, &cat,
		&p.RegionCode, &p.Address, &p.Lat, &p.Lng, &p.Contact, &p.StartsOn, &p.EndsOn, &p.EveryDays, &p.VisitTime, &p.VisitMinutes,
		&p.VolunteersPerVisit, &p.CommunityAccountID, &p.CommunityName, &status, &ended, &p.CreatedAt)
	if err != nil {
		return nil, err
	}
	p.Category, p.Status, p.CreatedAt = zhiyuan.Category(cat), zhiyuan.PairingStatus(status), p.CreatedAt.UTC()
	if ended.Valid {
		t := ended.Time.UTC()
		p.EndedAt = &t
	}
	return &p, nil
}

// CreatePairing writes pairing pg and act, the draft activity whose sessions are its
// visits, in one transaction.
func (s *Store) CreatePairing(ctx context.Context, pg *zhiyuan.Pairing, act *zhiyuan.Activity, by int64) error {
	return s.inTx(ctx, func(tx conn) error {
		if err := s.createActivity(ctx, tx, act, by); err != nil {
			return err
		}
		pg.ActivityID, pg.Status, pg.CreatedAt = act.ID, zhiyuan.PairingActive, s.now()
		id, err := tx.insert(ctx, `INSERT INTO pairings (org_id, activity_id, need_id, recipient, target_group, category, region_code,
			address, lat, lng, contact, starts_on, ends_on, every_days, visit_time, visit_minutes, volunteers_per_visit,
			community_account_id, status, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'active', ?, ?)`,
			pg.OrgID, pg.ActivityID, nullID(pg.NeedID), pg.Recipient, pg.TargetGroup, string(pg.Category), pg.RegionCode,
			pg.Address, pg.Lat, pg.Lng, pg.Contact, pg.StartsOn, pg.EndsOn, pg.EveryDays, pg.VisitTime, pg.VisitMinutes,
			pg.VolunteersPerVisit, pg.CommunityAccountID, by, pg.CreatedAt)
		pg.ID = id
		return err
	})
}

// FindPairing returns one pairing with its visits in order, each in its state at the
// store's now, or ENotFound.
func (s *Store) FindPairing(ctx context.Context, id int64) (*zhiyuan.Pairing, error) {
	p, err := scanPairing(s.reader().queryRow(ctx, `SELECT `+pairingCols+pairingFrom+`WHERE p.id = ?`, id))
	if err == sql.ErrNoRows {
		return nil, notFound("notfound.pairing")
	}
	if err != nil {
		return nil, err
	}
	list := []zhiyuan.Pairing{*p}
	if err := s.pairingVisits(ctx, list); err != nil {
		return nil, err
	}
	return &list[0], nil
}

// pairingVisits fills the visits and their counts of the pairings in list, in one query.
func (s *Store) pairingVisits(ctx context.Context, list []zhiyuan.Pairing) error {
	if len(list) == 0 {
		return nil
	}
	byActivity := make(map[int64]int, len(list))
	ids := make([]int64, len(list))
	for i, p := range list {
		byActivity[p.ActivityID], ids[i] = i, p.ActivityID
	}
	rows, err := s.reader().query(ctx, `SELECT se.activity_id, se.id, se.starts_at, se.ends_at, se.status,
		CASE WHEN EXISTS (SELECT 1 FROM hour_confirmations hc WHERE hc.session_id = se.id) THEN 1 ELSE 0 END,
		CASE WHEN EXISTS (SELECT 1 FROM pairing_missed_visits m WHERE m.session_id = se.id) THEN 1 ELSE 0 END
		FROM activity_sessions se WHERE se.activity_id IN (`+placeholders(len(ids))+`) ORDER BY se.activity_id, se.starts_at, se.id`,
		int64Args(ids)...)
	if err != nil {
		return err
	}
	defer rows.Close()
	now := s.now()
	for rows.Next() {
		var actID int64
		var v zhiyuan.PairingVisit
		var status string
		var held, warned int
		if err := rows.Scan(&actID, &v.SessionID, &v.StartsAt, &v.EndsAt, &status, &held, &warned); err != nil {
			return err
		}
		p := &list[byActivity[actID]]
		var ended time.Time
		if p.EndedAt != nil {
			ended = *p.EndedAt
		}
		v.StartsAt, v.EndsAt, v.Warned = v.StartsAt.UTC(), v.EndsAt.UTC(), warned == 1
		v.State = zhiyuan.VisitStateAt(v.StartsAt, v.EndsAt, held == 1, status == string(zhiyuan.SessionCancelled), ended, now)
		switch v.State {
		case zhiyuan.VisitHeld:
			p.Held++
		case zhiyuan.VisitMissed:
			p.Missed++
		case zhiyuan.VisitScheduled, zhiyuan.VisitAwaiting:
			p.Scheduled++
		}
		p.Visits = append(p.Visits, v)
	}
	return rows.Err()
}

// PairingFilter selects pairings for a list: those of any of OrgIDs, or whose community
// is CommunityAccountID, or whose region lies under RegionPrefix ("*" for all). Zero
// fields select nothing; the conditions add up (OR).
type PairingFilter struct {
	OrgIDs             []int64
	CommunityAccountID int64
	RegionPrefix       string
	Limit              int
}

// FindPairings lists pairings, newest first, with their visits' counts.
func (s *Store) FindPairings(ctx context.Context, f PairingFilter) ([]zhiyuan.Pairing, error) {
	var or []string
	var args []any
	if len(f.OrgIDs) > 0 {
		or = append(or, `p.org_id IN (`+placeholders(len(f.OrgIDs))+`)`)
		args = append(args, int64Args(f.OrgIDs)...)
	}
	if f.CommunityAccountID != 0 {
		or = append(or, `p.community_account_id = ?`)
		args = append(args, f.CommunityAccountID)
	}
	if f.RegionPrefix == "*" {
		or = append(or, `1 = 1`)
	} else if f.RegionPrefix != "" {
		lo, hi := regionRange(f.RegionPrefix)
		or = append(or, `(p.region_code >= ? AND p.region_code < ?)`)
		args = append(args, lo, hi)
	}
	out := []zhiyuan.Pairing{}
	if len(or) == 0 {
		return out, nil
	}
	limit := f.Limit
	if limit <= 0 || limit > 200 {
		limit = 100
	}
	rows, err := s.reader().query(ctx, `SELECT `+pairingCols+pairingFrom+`WHERE `+strings.Join(or, " OR ")+` ORDER BY p.id DESC LIMIT ?`,
		append(args, limit)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		p, err := scanPairing(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *p)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	return out, s.pairingVisits(ctx, out)
}

// EndPairing ends an active pairing early: one conditional UPDATE, so of two people
// ending it at once one does and the other is told it has ended.
func (s *Store) EndPairing(ctx context.Context, id, by int64) error {
	c := s.writer()
	res, err := c.exec(ctx, `UPDATE pairings SET status = 'ended', ended_at = ?, ended_by = ? WHERE id = ? AND status = 'active'`,
		s.now(), by, id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		var st string
		err := c.queryRow(ctx, `SELECT status FROM pairings WHERE id = ?`, id).Scan(&st)
		if err == sql.ErrNoRows {
			return notFound("notfound.pairing")
		}
		if err != nil {
			return err
		}
		return zhiyuan.FieldFail(zhiyuan.EConflict, "status", "pairing.ended")
	}
	return nil
}

// CommunityAccount is the community a pairing in region reports to when nobody names
// one: the active regional admin whose scope holds region most narrowly (a street before
// its district, a district before its city), the lowest account first. ENotFound
// (naming region_code) when the region has none.
func (s *Store) CommunityAccount(ctx context.Context, region string) (int64, error) {
	if len(region) < 2 {
		return 0, zhiyuan.FieldFail(zhiyuan.EInvalid, "region_code", "pairing.no_community")
	}
	lo, hi := regionRange(region[:2])
	rows, err := s.reader().query(ctx, `SELECT r.account_id, r.region_code FROM account_roles r JOIN accounts a ON a.id = r.account_id
		WHERE r.role = 'regional' AND a.status = 'active' AND r.region_code >= ? AND r.region_code < ? ORDER BY r.account_id`, lo, hi)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	var best int64
	bestLen := -1
	for rows.Next() {
		var id int64
		var scope string
		if err := rows.Scan(&id, &scope); err != nil {
			return 0, err
		}
		if zhiyuan.RegionContains(scope, region) && len(zhiyuan.ScopePrefix(scope)) > bestLen {
			best, bestLen = id, len(zhiyuan.ScopePrefix(scope))
		}
	}
	if err := rows.Err(); err != nil {
		return 0, err
	}
	if best == 0 {
		return 0, zhiyuan.FieldFail(zhiyuan.EInvalid, "region_code", "pairing.no_community")
	}
	return best, nil
}

// MissedVisit is a visit past its grace without confirmed hours that its community has
// not been warned of.
type MissedVisit struct {
	SessionID, PairingID, CommunityAccountID int64
	Recipient, OrgName                       string
	StartsAt                                 time.Time
}

// MissedVisits lists up to limit visits that ended before dueBefore (now less the grace)
// and after endedAfter (the window of zhiyuan.PairingWarnWindow),
// were not cancelled, nor after their pairing's early end, have no confirmed
// hours and were not yet warned of, oldest first.
func (s *Store) MissedVisits(ctx context.Context, dueBefore, endedAfter time.Time, limit int) ([]MissedVisit, error) {
	rows, err := s.reader().query(ctx, `SELECT se.id, p.id, p.community_account_id, p.recipient, o.name, se.starts_at
		FROM pairings p JOIN organizations o ON o.id = p.org_id JOIN activity_sessions se ON se.activity_id = p.activity_id
		WHERE se.ends_at <= ? AND se.ends_at > ? AND se.status <> 'cancelled' AND (p.ended_at IS NULL OR se.starts_at < p.ended_at)
		AND NOT EXISTS (SELECT 1 FROM hour_confirmations hc WHERE hc.session_id = se.id)
		AND NOT EXISTS (SELECT 1 FROM pairing_missed_visits m WHERE m.session_id = se.id)
		ORDER BY se.ends_at, se.id LIMIT ?`, dueBefore.UTC(), endedAfter.UTC(), limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []MissedVisit
	for rows.Next() {
		var m MissedVisit
		if err := rows.Scan(&m.SessionID, &m.PairingID, &m.CommunityAccountID, &m.Recipient, &m.OrgName, &m.StartsAt); err != nil {
			return nil, err
		}
		m.StartsAt = m.StartsAt.UTC()
		out = append(out, m)
	}
	return out, rows.Err()
}

// WarnMissedVisit records that the community was warned of missed visit m and writes n,
// the in-app notification (with its SMS and email deliveries queued), in one transaction.
// The record's primary key makes it once-only: when it exists already (another run got
// there first) nothing is written and warned is false.
func (s *Store) WarnMissedVisit(ctx context.Context, m MissedVisit, n *zhiyuan.Notification) (warned bool, err error) {
	err = s.inTx(ctx, func(tx conn) error {
		res, err := tx.exec(ctx, `INSERT INTO pairing_missed_visits (session_id, pairing_id, warned_at) VALUES (?, ?, ?)
			ON CONFLICT (session_id) DO NOTHING`, m.SessionID, m.PairingID, s.now())
		if err != nil {
			return err
		}
		if k, _ := res.RowsAffected(); k == 0 {
			return nil
		}
		if err := s.notifyOut(ctx, tx, n); err != nil {
			return err
		}
		warned = true
		_, err = tx.exec(ctx, `UPDATE pairing_missed_visits SET notification_id = ? WHERE session_id = ?`, n.ID, m.SessionID)
		return err
	})
	return warned, err
}
