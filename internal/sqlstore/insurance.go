package sqlstore

import (
	"context"
	"database/sql"
	"time"

	"zhiyuan"
)

// Accident insurance policies (zhiyuan/insurance.go). A policy is written once, with its
// listed activities and insured volunteers, in one transaction; the publication of an
// activity that requires insurance checks the cover in its own transaction
// (uncoveredSession), so what is published was covered when it was.

var policyUniques = map[string][2]string{
	"insurance_policies": {"policy_no", "insurance.duplicate"},
}

const policyDate = "2006-01-02"

// CreatePolicy records a policy of p.OrgID. Listed activities must be the organisation's
// (EInvalid on activity_ids), insured volunteers must exist (EInvalid on volunteer_ids);
// the same insurer and number twice is EConflict on policy_no.
func (s *Store) CreatePolicy(ctx context.Context, p *zhiyuan.InsurancePolicy) error {
	p.CreatedAt = s.now()
	return s.inTx(ctx, func(tx conn) error {
		id, err := tx.insert(ctx, `INSERT INTO insurance_policies (org_id, insurer, policy_no, cover_start, cover_end, cover_from, cover_until,
			all_activities, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			p.OrgID, p.Insurer, p.PolicyNo, p.CoverStart.Format(policyDate), p.CoverEnd.Format(policyDate), p.CoverFrom(), p.CoverUntil(),
			p.AllActivities, hlNullID(p.CreatedBy), p.CreatedAt)
		if err != nil {
			return s.translate(err, policyUniques)
		}
		p.ID = id
		for _, aid := range dedupe(p.ActivityIDs) {
			ok, err := s.bump(ctx, tx, `INSERT INTO insurance_policy_activities (policy_id, activity_id)
				SELECT ?, id FROM activities WHERE id = ? AND org_id = ?`, id, aid, p.OrgID)
			if err != nil {
				return err
			}
			if !ok {
				return zhiyuan.FieldFail(zhiyuan.EInvalid, "activity_ids", "insurance.activity_not_org")
			}
		}
		for _, vid := range dedupe(p.InsuredVolunteers) {
			ok, err := s.bump(ctx, tx, `INSERT INTO insurance_policy_volunteers (policy_id, volunteer_id)
				SELECT ?, id FROM volunteers WHERE id = ?`, id, vid)
			if err != nil {
				return err
			}
			if !ok {
				return zhiyuan.FieldFail(zhiyuan.EInvalid, "volunteer_ids", "insurance.volunteer_unknown")
			}
		}
		return nil
	})
}

func dedupe(ids []int64) []int64 {
	seen := map[int64]bool{}
	var out []int64
	for _, id := range ids {
		if id > 0 && !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

const policyCols = `p.id, p.org_id, p.insurer, p.policy_no, p.cover_start, p.cover_end, p.all_activities, p.created_at`

func scanPolicy(r rowScanner) (*zhiyuan.InsurancePolicy, error) {
	var p zhiyuan.InsurancePolicy
	var start, end string
	if err := r.Scan(&p.ID, &p.OrgID, &p.Insurer, &p.PolicyNo, &start, &end, &p.AllActivities, &p.CreatedAt); err != nil {
		return nil, err
	}
	p.CoverStart, _ = time.Parse(policyDate, start)
	p.CoverEnd, _ = time.Parse(policyDate, end)
	p.CreatedAt = p.CreatedAt.UTC()
	return &p, nil
}

// fillPolicies reads the listed activities and insured volunteers of each policy.
func (s *Store) fillPolicies(ctx context.Context, list []*zhiyuan.InsurancePolicy) error {
	for _, p := range list {
		for _, q := range []struct {
			sql string
			out *[]int64
		}{
			{`SELECT activity_id FROM insurance_policy_activities WHERE policy_id = ? ORDER BY activity_id`, &p.ActivityIDs},
			{`SELECT volunteer_id FROM insurance_policy_volunteers WHERE policy_id = ? ORDER BY volunteer_id`, &p.InsuredVolunteers},
		} {
			ids, err := queryAll(ctx, s.reader(), func(r rowScanner) (int64, error) {
				var id int64
				return id, r.Scan(&id)
			}, q.sql, p.ID)
			if err != nil {
				return err
			}
			*q.out = ids
		}
		p.NamedOnly = len(p.InsuredVolunteers) > 0
	}
	return nil
}

// FindOrgPolicies lists an organisation's policies, latest cover first.
func (s *Store) FindOrgPolicies(ctx context.Context, orgID int64) ([]*zhiyuan.InsurancePolicy, error) {
	list, err := queryAll(ctx, s.reader(), scanPolicy, `SELECT `+policyCols+` FROM insurance_policies p WHERE p.org_id = ?
		ORDER BY p.cover_until DESC, p.id DESC LIMIT ?`, orgID, zhiyuan.PoliciesPageMax)
	if err != nil {
		return nil, err
	}
	return list, s.fillPolicies(ctx, list)
}

// coverCondition is the SQL condition that policy p covers session se of activity a.
const coverCondition = `p.org_id = a.org_id AND p.cover_from <= se.starts_at AND p.cover_until >= se.ends_at
	AND (p.all_activities OR EXISTS (SELECT 1 FROM insurance_policy_activities pa WHERE pa.policy_id = p.id AND pa.activity_id = a.id))`

// FindActivityInsurance returns whether an activity requires insurance and the policies
// that cover at least one of its sessions.
func (s *Store) FindActivityInsurance(ctx context.Context, activityID int64) (*zhiyuan.ActivityInsurance, error) {
	out := &zhiyuan.ActivityInsurance{}
	err := s.reader().queryRow(ctx, `SELECT insurance_required FROM activities WHERE id = ?`, activityID).Scan(&out.Required)
	if err == sql.ErrNoRows {
		return nil, notFound("notfound.activity")
	}
	if err != nil {
		return nil, err
	}
	list, err := queryAll(ctx, s.reader(), scanPolicy, `SELECT `+policyCols+` FROM insurance_policies p WHERE p.id IN (
		SELECT p.id FROM insurance_policies p JOIN activities a ON a.id = ? JOIN activity_sessions se ON se.activity_id = a.id
		WHERE se.status <> 'cancelled' AND `+coverCondition+`) ORDER BY p.id LIMIT ?`, activityID, zhiyuan.PoliciesPageMax)
	if err != nil {
		return nil, err
	}
	out.Policies = list
	return out, s.fillPolicies(ctx, list)
}

// uncoveredSession refuses a published activity that requires insurance while one of its
// sessions (not cancelled) has no policy of the organisation covering it: EInvalid naming
// insurance and the first such session. Publishing calls it after the status changes, and
// so do the edits of a published activity (requiring insurance, adding or moving
// sessions) after theirs, in the same transactions; a draft may be anything.
func (s *Store) uncoveredSession(ctx context.Context, tx conn, activityID int64) error {
	var start, end time.Time
	var zone string
	err := tx.queryRow(ctx, `SELECT se.starts_at, se.ends_at, a.time_zone FROM activity_sessions se JOIN activities a ON a.id = se.activity_id
		WHERE se.activity_id = ? AND a.insurance_required AND a.status = 'published' AND se.status <> 'cancelled'
		AND NOT EXISTS (SELECT 1 FROM insurance_policies p WHERE `+coverCondition+`)
		ORDER BY se.starts_at LIMIT 1`, activityID).Scan(&start, &end, &zone)
	if err == sql.ErrNoRows {
		return nil
	}
	if err != nil {
		return err
	}
	return zhiyuan.FieldFail(zhiyuan.EInvalid, zhiyuan.ReasonInsurance, "insurance.not_covered",
		"session", zhiyuan.SessionLabel(start.UTC(), end.UTC(), zone))
}
