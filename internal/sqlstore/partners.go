package sqlstore

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"zhiyuan"
)

// Partners, their staff, benefits, claims and uses (issue 14). Every limit a rush could
// break is settled here by the database: stock by a conditional UPDATE, the per-volunteer
// limit by a conditional upsert, one use per redemption code by a unique index.

var partnerUniques = map[string][2]string{
	"partners_credit_code_uq": {"credit_code", "partner.credit_code_taken"},
	"partners.credit_code":    {"credit_code", "partner.credit_code_taken"},
}

var useUniques = map[string][2]string{
	"benefit_uses_claim_uq": {"payload", "gate.code_used"},
	"benefit_uses.claim_id": {"payload", "gate.code_used"},
}

// CreatePartner records a pending partner and makes its applicant (p.CreatedBy) its first
// admin, in one transaction. An account already belonging to another partner cannot apply
// for a second one.
func (s *Store) CreatePartner(ctx context.Context, p *zhiyuan.Partner) error {
	return s.inTx(ctx, func(tx conn) error {
		now := s.now()
		id, err := tx.insert(ctx, `INSERT INTO partners (name, credit_code, region_code, contact_name, contact_phone,
			status, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'pending', ?, ?, ?)`,
			p.Name, p.CreditCode, p.RegionCode, p.ContactName, p.ContactPhone, p.CreatedBy, now, now)
		if err != nil {
			return s.translate(err, partnerUniques)
		}
		if err := s.addPartnerRole(ctx, tx, id, p.CreatedBy, true, p.CreatedBy); err != nil {
			return err
		}
		p.ID, p.Status, p.CreatedAt = id, zhiyuan.OrgPending, now
		return nil
	})
}

// addPartnerRole gives an account the partner role of one partner. An account holds at
// most one partner role (account_roles_uq): adding it to the same partner again is a
// no-op, to another partner a conflict.
func (s *Store) addPartnerRole(ctx context.Context, c conn, partnerID, accountID int64, admin bool, by int64) error {
	if _, err := c.exec(ctx, `INSERT INTO account_roles (account_id, role, region_code, org_id, partner_id, partner_admin, granted_by, created_at)
		VALUES (?, 'partner', '', 0, ?, ?, ?, ?) ON CONFLICT (account_id, role, region_code, org_id) DO NOTHING`,
		accountID, partnerID, admin, nullID(by), s.now()); err != nil {
		return err
	}
	var held int64
	if err := c.queryRow(ctx, `SELECT partner_id FROM account_roles WHERE account_id = ? AND role = 'partner'
		AND region_code = '' AND org_id = 0`, accountID).Scan(&held); err != nil {
		return err
	}
	if held != partnerID {
		return zhiyuan.FieldFail(zhiyuan.EConflict, "phone", "partner.staff_elsewhere")
	}
	return nil
}

// AddPartnerStaff adds an existing account to a partner's staff.
func (s *Store) AddPartnerStaff(ctx context.Context, partnerID, accountID int64, admin bool, by int64, audit *zhiyuan.AuditEntry) error {
	return s.inTx(ctx, func(tx conn) error {
		if err := s.addPartnerRole(ctx, tx, partnerID, accountID, admin, by); err != nil {
			return err
		}
		if audit != nil {
			audit.At = s.now()
			return s.appendAudit(ctx, tx, audit)
		}
		return nil
	})
}

// RemovePartnerStaff takes an account off a partner's staff. The partner's row is locked
// first, so two admins removing each other at once are settled one after the other and
// the partner always keeps an admin (EConflict on account_id for its last one); an
// account that is not on the staff is ENotFound. Uses already recorded stay.
func (s *Store) RemovePartnerStaff(ctx context.Context, partnerID, accountID int64, audit *zhiyuan.AuditEntry) error {
	return s.inTx(ctx, func(tx conn) error {
		if _, err := tx.exec(ctx, "UPDATE partners SET status = status WHERE id = ?", partnerID); err != nil {
			return err
		}
		res, err := tx.exec(ctx, `DELETE FROM account_roles WHERE partner_id = ? AND account_id = ? AND role = 'partner'
			AND (NOT partner_admin OR (SELECT COUNT(*) FROM account_roles WHERE partner_id = ? AND role = 'partner' AND partner_admin) > 1)`,
			partnerID, accountID, partnerID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			var admin bool
			err := tx.queryRow(ctx, "SELECT partner_admin FROM account_roles WHERE partner_id = ? AND account_id = ? AND role = 'partner'",
				partnerID, accountID).Scan(&admin)
			if err == sql.ErrNoRows {
				return notFound("notfound.partner_staff")
			}
			if err != nil {
				return err
			}
			return zhiyuan.FieldFail(zhiyuan.EConflict, "account_id", "partner.staff_last_admin")
		}
		if audit != nil {
			audit.At = s.now()
			return s.appendAudit(ctx, tx, audit)
		}
		return nil
	})
}

// PartnerStaff lists a partner's accounts, admins first.
func (s *Store) PartnerStaff(ctx context.Context, partnerID int64) ([]zhiyuan.PartnerStaff, error) {
	return queryAll(ctx, s.reader(), func(r rowScanner) (zhiyuan.PartnerStaff, error) {
		var m zhiyuan.PartnerStaff
		err := r.Scan(&m.AccountID, &m.Name, &m.Phone, &m.Admin, &m.Since)
		m.Since = m.Since.UTC()
		return m, err
	}, `SELECT a.id, a.name, a.phone, r.partner_admin, r.created_at FROM account_roles r
		JOIN accounts a ON a.id = r.account_id WHERE r.partner_id = ? AND r.role = 'partner'
		ORDER BY r.partner_admin DESC, r.id`, partnerID)
}

const partnerColumns = `id, name, credit_code, region_code, contact_name, contact_phone, status, reject_reason,
	created_by, created_at, decided_at, COALESCE(decided_by, 0) FROM partners`

func scanPartner(r rowScanner) (*zhiyuan.Partner, error) {
	var p zhiyuan.Partner
	var status string
	var decided sql.NullTime
	if err := r.Scan(&p.ID, &p.Name, &p.CreditCode, &p.RegionCode, &p.ContactName, &p.ContactPhone, &status,
		&p.RejectReason, &p.CreatedBy, &p.CreatedAt, &decided, &p.DecidedBy); err != nil {
		return nil, err
	}
	p.Status = zhiyuan.OrgStatus(status)
	p.CreatedAt = p.CreatedAt.UTC()
	if decided.Valid {
		p.DecidedAt = decided.Time.UTC()
	}
	return &p, nil
}

// FindPartnerByID returns a partner whatever its status; ENotFound when there is none.
func (s *Store) FindPartnerByID(ctx context.Context, id int64) (*zhiyuan.Partner, error) {
	p, err := scanPartner(s.reader().queryRow(ctx, "SELECT "+partnerColumns+" WHERE id = ?", id))
	if err == sql.ErrNoRows {
		return nil, notFound("notfound.partner")
	}
	return p, err
}

// FindPartners lists partners with a status ("" for all) in the regions under the
// prefixes ("*" for everywhere), newest first, at most limit.
func (s *Store) FindPartners(ctx context.Context, status zhiyuan.OrgStatus, prefixes []string, limit int) ([]*zhiyuan.Partner, error) {
	var conds []string
	var args []any
	if status != "" {
		conds = append(conds, "status = ?")
		args = append(args, string(status))
	}
	var scope []string
	for _, p := range prefixes {
		if p == "*" {
			scope = nil
			break
		}
		lo, hi := prefixRange(p)
		scope = append(scope, "(region_code >= ? AND region_code < ?)")
		args = append(args, lo, hi)
	}
	if len(scope) > 0 {
		conds = append(conds, "("+strings.Join(scope, " OR ")+")")
	}
	where := ""
	if len(conds) > 0 {
		where = " WHERE " + strings.Join(conds, " AND ")
	}
	args = append(args, limit)
	return queryAll(ctx, s.reader(), scanPartner, "SELECT "+partnerColumns+where+" ORDER BY id DESC LIMIT ?", args...)
}

// DecidePartner approves or rejects a pending partner with its audit entry, in one
// transaction; of two decisions at once one wins and the other is a conflict.
func (s *Store) DecidePartner(ctx context.Context, id int64, status zhiyuan.OrgStatus, reason string, by int64, audit *zhiyuan.AuditEntry) error {
	return s.inTx(ctx, func(tx conn) error {
		now := s.now()
		res, err := tx.exec(ctx, `UPDATE partners SET status = ?, reject_reason = ?, decided_at = ?, decided_by = ?, updated_at = ?
			WHERE id = ? AND status = 'pending'`, string(status), reason, now, by, now, id)
		if err != nil {
			return s.translate(err, partnerUniques)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			var cur string
			err := tx.queryRow(ctx, "SELECT status FROM partners WHERE id = ?", id).Scan(&cur)
			if err == sql.ErrNoRows {
				return notFound("notfound.partner")
			}
			if err != nil {
				return err
			}
			return zhiyuan.Fail(zhiyuan.EConflict, "partner.decided", "status", zhiyuan.OrgStatus(cur).Chinese())
		}
		if audit != nil {
			audit.At = now
			return s.appendAudit(ctx, tx, audit)
		}
		return nil
	})
}

// CreateBenefit stores a benefit of an approved partner; StockLeft starts at Stock.
func (s *Store) CreateBenefit(ctx context.Context, b *zhiyuan.Benefit) error {
	now := s.now()
	id, err := s.writer().insert(ctx, `INSERT INTO benefits (partner_id, title, description, category, region_code, address,
		lat, lng, valid_from, valid_until, eligibility_kind, eligibility_value, price_rule, limit_count, limit_period,
		stock, stock_left, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		b.PartnerID, b.Title, b.Description, b.Category, b.RegionCode, b.Address, b.Lat, b.Lng, b.ValidFrom.UTC(),
		b.ValidUntil.UTC(), string(b.Condition.Kind), b.Condition.Value, b.Price.String(), b.LimitCount,
		string(b.LimitPeriod), b.Stock, b.Stock, b.CreatedBy, now)
	if err != nil {
		return err
	}
	b.ID, b.CreatedAt, b.StockLeft = id, now, b.Stock
	return nil
}

const benefitColumns = `b.id, b.partner_id, p.name, b.title, b.description, b.category, b.region_code, b.address,
	b.lat, b.lng, b.valid_from, b.valid_until, b.eligibility_kind, b.eligibility_value, b.price_rule, b.limit_count,
	b.limit_period, b.stock, b.stock_left, b.created_by, b.created_at
	FROM benefits b JOIN partners p ON p.id = b.partner_id`

func scanBenefit(r rowScanner) (*zhiyuan.Benefit, error) {
	var b zhiyuan.Benefit
	var kind, price, period string
	if err := r.Scan(&b.ID, &b.PartnerID, &b.PartnerName, &b.Title, &b.Description, &b.Category, &b.RegionCode,
		&b.Address, &b.Lat, &b.Lng, &b.ValidFrom, &b.ValidUntil, &kind, &b.Condition.Value, &price, &b.LimitCount,
		&period, &b.Stock, &b.StockLeft, &b.CreatedBy, &b.CreatedAt); err != nil {
		return nil, err
	}
	b.Condition.Kind, b.LimitPeriod = zhiyuan.EligibilityKind(kind), zhiyuan.LimitPeriod(period)
	b.Price, _ = zhiyuan.ParsePriceRule(price)
	b.ValidFrom, b.ValidUntil, b.CreatedAt = b.ValidFrom.UTC(), b.ValidUntil.UTC(), b.CreatedAt.UTC()
	return &b, nil
}

// FindBenefitByID returns a benefit with its partner's name; ENotFound when there is none.
func (s *Store) FindBenefitByID(ctx context.Context, id int64) (*zhiyuan.Benefit, error) {
	b, err := scanBenefit(s.reader().queryRow(ctx, "SELECT "+benefitColumns+" WHERE b.id = ?", id))
	if err == sql.ErrNoRows {
		return nil, notFound("notfound.benefit")
	}
	return b, err
}

// BenefitFilter selects benefits for the list volunteers browse.
type BenefitFilter struct {
	OpenAt       time.Time // only benefits valid at this instant, of approved partners
	PartnerID    int64     // one partner's benefits, whatever their dates (0: any, open only)
	RegionPrefix string    // "" for everywhere
	Category     string
	Near         *zhiyuan.LatLng
	WithinKm     float64
	Limit        int
}

// FindBenefits lists benefits by f, newest first. Near keeps those within WithinKm of the
// point, by a bounding box here and the exact distance in the application.
func (s *Store) FindBenefits(ctx context.Context, f BenefitFilter) ([]*zhiyuan.Benefit, error) {
	conds := []string{"1 = 1"}
	var args []any
	if f.PartnerID != 0 {
		conds = append(conds, "b.partner_id = ?")
		args = append(args, f.PartnerID)
	} else {
		conds = append(conds, "p.status = 'approved'", "b.valid_from <= ?", "b.valid_until > ?")
		args = append(args, f.OpenAt.UTC(), f.OpenAt.UTC())
	}
	if f.RegionPrefix != "" {
		lo, hi := prefixRange(f.RegionPrefix)
		conds = append(conds, "b.region_code >= ? AND b.region_code < ?")
		args = append(args, lo, hi)
	}
	if f.Category != "" {
		conds = append(conds, "b.category = ?")
		args = append(args, f.Category)
	}
	if f.Near != nil {
		minLat, maxLat, minLng, maxLng := zhiyuan.BoundingBox(*f.Near, f.WithinKm)
		conds = append(conds, "b.lat BETWEEN ? AND ? AND b.lng BETWEEN ? AND ?")
		args = append(args, minLat, maxLat, minLng, maxLng)
	}
	limit := f.Limit
	if limit <= 0 || limit > zhiyuan.BenefitListMax {
		limit = zhiyuan.BenefitListMax
	}
	args = append(args, limit)
	return queryAll(ctx, s.reader(), scanBenefit, "SELECT "+benefitColumns+" WHERE "+strings.Join(conds, " AND ")+
		" ORDER BY b.id DESC LIMIT ?", args...)
}

// ClaimRequest is one claim to make: the benefit as read (for its limits), the volunteer,
// the period key and the claim's expiry; Use records a use at once (a check at the gate
// from a volunteer's card, with no redemption code claimed beforehand).
type ClaimRequest struct {
	Benefit     *zhiyuan.Benefit
	VolunteerID int64
	PeriodKey   string
	ExpiresAt   time.Time
	Use         *zhiyuan.BenefitUse
}

// ClaimBenefit takes one unit of stock (a limited benefit), one use of the volunteer's
// allowance for the period (a benefit with a per-volunteer limit) and records the claim,
// in one transaction: either all three or none. Stock is one conditional UPDATE (…
// WHERE stock_left > 0), the allowance one conditional upsert (… WHERE used < limit), so
// 500 volunteers rushing 100 units get exactly 100 claims and the rest EFull; a volunteer
// over the limit gets EConflict. With r.Use, the use is recorded in the same transaction.
func (s *Store) ClaimBenefit(ctx context.Context, r ClaimRequest) (*zhiyuan.BenefitClaim, error) {
	b := r.Benefit
	c := &zhiyuan.BenefitClaim{BenefitID: b.ID, VolunteerID: r.VolunteerID, PeriodKey: r.PeriodKey, ExpiresAt: r.ExpiresAt}
	err := s.inTx(ctx, func(tx conn) error {
		now := s.now()
		if b.Limited() {
			res, err := tx.exec(ctx, "UPDATE benefits SET stock_left = stock_left - 1 WHERE id = ? AND stock_left > 0", b.ID)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return zhiyuan.Fail(zhiyuan.EFull, "benefit.sold_out")
			}
		}
		if b.LimitCount > 0 {
			res, err := tx.exec(ctx, `INSERT INTO benefit_quota (benefit_id, volunteer_id, period_key, used) VALUES (?, ?, ?, 1)
				ON CONFLICT (benefit_id, volunteer_id, period_key) DO UPDATE SET used = benefit_quota.used + 1
				WHERE benefit_quota.used < ?`, b.ID, r.VolunteerID, r.PeriodKey, b.LimitCount)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return zhiyuan.Fail(zhiyuan.EConflict, "benefit.limit_reached", "count", b.LimitCount, "period", b.LimitPeriod.Chinese())
			}
		}
		id, err := tx.insert(ctx, `INSERT INTO benefit_claims (benefit_id, volunteer_id, period_key, claimed_at, expires_at)
			VALUES (?, ?, ?, ?, ?)`, b.ID, r.VolunteerID, r.PeriodKey, now, r.ExpiresAt.UTC())
		if err != nil {
			return err
		}
		c.ID, c.ClaimedAt = id, now
		if r.Use != nil {
			r.Use.ClaimID, r.Use.UsedAt = id, now
			if err := s.insertUse(ctx, tx, r.Use); err != nil {
				return err
			}
			c.UsedAt = now
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

func (s *Store) insertUse(ctx context.Context, c conn, u *zhiyuan.BenefitUse) error {
	id, err := c.insert(ctx, `INSERT INTO benefit_uses (benefit_id, claim_id, volunteer_id, staff_id, star_level, price_percent, used_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, u.BenefitID, u.ClaimID, u.VolunteerID, u.StaffID, u.StarLevel, u.PricePercent, u.UsedAt)
	if err != nil {
		return s.translate(err, useUniques)
	}
	u.ID = id
	return nil
}

// RecordUse records the use of a claimed redemption code. The unique index on claim_id
// lets exactly one of two staff scanning the same code at once succeed; the other gets
// EConflict on the field "payload".
func (s *Store) RecordUse(ctx context.Context, u *zhiyuan.BenefitUse) error {
	u.UsedAt = s.now()
	return s.insertUse(ctx, s.writer(), u)
}

// FindClaimByID returns a claim with its use time, if used; ENotFound when there is none.
func (s *Store) FindClaimByID(ctx context.Context, id int64) (*zhiyuan.BenefitClaim, error) {
	var c zhiyuan.BenefitClaim
	var used sql.NullTime
	err := s.reader().queryRow(ctx, `SELECT c.id, c.benefit_id, c.volunteer_id, c.period_key, c.claimed_at, c.expires_at, u.used_at
		FROM benefit_claims c LEFT JOIN benefit_uses u ON u.claim_id = c.id WHERE c.id = ?`, id).
		Scan(&c.ID, &c.BenefitID, &c.VolunteerID, &c.PeriodKey, &c.ClaimedAt, &c.ExpiresAt, &used)
	if err == sql.ErrNoRows {
		return nil, notFound("notfound.claim")
	}
	if err != nil {
		return nil, err
	}
	c.ClaimedAt, c.ExpiresAt = c.ClaimedAt.UTC(), c.ExpiresAt.UTC()
	if used.Valid {
		c.UsedAt = used.Time.UTC()
	}
	return &c, nil
}

// VolunteerClaims lists a volunteer's claims, newest first, at most limit.
func (s *Store) VolunteerClaims(ctx context.Context, volunteerID int64, limit int) ([]zhiyuan.BenefitClaim, error) {
	return queryAll(ctx, s.reader(), func(r rowScanner) (zhiyuan.BenefitClaim, error) {
		var c zhiyuan.BenefitClaim
		var used sql.NullTime
		err := r.Scan(&c.ID, &c.BenefitID, &c.VolunteerID, &c.PeriodKey, &c.ClaimedAt, &c.ExpiresAt, &used)
		c.ClaimedAt, c.ExpiresAt = c.ClaimedAt.UTC(), c.ExpiresAt.UTC()
		if used.Valid {
			c.UsedAt = used.Time.UTC()
		}
		return c, err
	}, `SELECT c.id, c.benefit_id, c.volunteer_id, c.period_key, c.claimed_at, c.expires_at, u.used_at
		FROM benefit_claims c LEFT JOIN benefit_uses u ON u.claim_id = c.id WHERE c.volunteer_id = ?
		ORDER BY c.id DESC LIMIT ?`, volunteerID, limit)
}

// VolunteerUses lists the uses recorded for a volunteer, newest first, at most limit.
func (s *Store) VolunteerUses(ctx context.Context, volunteerID int64, limit int) ([]zhiyuan.BenefitUse, error) {
	return queryAll(ctx, s.reader(), func(r rowScanner) (zhiyuan.BenefitUse, error) {
		var u zhiyuan.BenefitUse
		err := r.Scan(&u.ID, &u.BenefitID, &u.BenefitTitle, &u.PartnerName, &u.VolunteerID, &u.ClaimID, &u.StaffID,
			&u.StarLevel, &u.PricePercent, &u.UsedAt)
		u.UsedAt = u.UsedAt.UTC()
		return u, err
	}, `SELECT u.id, u.benefit_id, b.title, p.name, u.volunteer_id, u.claim_id, u.staff_id, u.star_level, u.price_percent, u.used_at
		FROM benefit_uses u JOIN benefits b ON b.id = u.benefit_id JOIN partners p ON p.id = b.partner_id
		WHERE u.volunteer_id = ? ORDER BY u.id DESC LIMIT ?`, volunteerID, limit)
}

// RecentConfirmedMinutes sums a volunteer's confirmed minutes recorded since since (the
// recent-hours condition): entries with a confirmation, corrections included.
func (s *Store) RecentConfirmedMinutes(ctx context.Context, volunteerID int64, since time.Time) (int64, error) {
	var m int64
	err := s.reader().queryRow(ctx, `SELECT COALESCE(SUM(e.minutes), 0) FROM hour_entries e
		JOIN hour_confirmations c ON c.entry_id = e.id
		WHERE e.volunteer_id = ? AND e.recorded_at >= ?`, volunteerID, since.UTC()).Scan(&m)
	return m, err
}

// HasActiveCard reports whether a volunteer holds an active card.
func (s *Store) HasActiveCard(ctx context.Context, volunteerID int64) (bool, error) {
	var n int
	err := s.reader().queryRow(ctx, "SELECT COUNT(*) FROM cards WHERE volunteer_id = ? AND status = 'active'", volunteerID).Scan(&n)
	return n > 0, err
}

// QuotaUsed returns how many claims a volunteer made of a benefit in the period key, for
// the gate's answer; the limit itself is enforced by ClaimBenefit.
func (s *Store) QuotaUsed(ctx context.Context, benefitID, volunteerID int64, periodKey string) (int, error) {
	var n int
	err := s.reader().queryRow(ctx, "SELECT used FROM benefit_quota WHERE benefit_id = ? AND volunteer_id = ? AND period_key = ?",
		benefitID, volunteerID, periodKey).Scan(&n)
	if err == sql.ErrNoRows {
		return 0, nil
	}
	return n, err
}
