package sqlstore

import (
	"context"
	"database/sql"
	"strings"

	"zhiyuan"
)

// Needs (点单) and taking them (接单): every move of a need's status is one conditional
// UPDATE, so two reviewers, two takers or two confirmations at once settle in the database.

const needCols = `n.id, n.title, n.description, n.category, n.target_group, n.region_code, n.address, n.lat, n.lng,
	n.starts_at, n.ends_at, n.volunteers_wanted, n.skills, n.urgency, n.max_takers, n.takers, n.status, n.posted_by,
	COALESCE(n.posted_org_id, 0), n.created_at, COALESCE(n.rating, 0), n.rating_comment`

func scanNeed(r rowScanner) (*zhiyuan.Need, error) {
	var n zhiyuan.Need
	var cat, skills, urg, status string
	err := r.Scan(&n.ID, &n.Title, &n.Description, &cat, &n.TargetGroup, &n.RegionCode, &n.Address, &n.Lat, &n.Lng,
		&n.StartsAt, &n.EndsAt, &n.VolunteersWanted, &skills, &urg, &n.MaxTakers, &n.Takers, &status, &n.PostedBy,
		&n.PostedOrgID, &n.CreatedAt, &n.Rating, &n.RatingComment)
	if err != nil {
		return nil, err
	}
	n.Category, n.Urgency, n.Status = zhiyuan.Category(cat), zhiyuan.NeedUrgency(urg), zhiyuan.NeedStatus(status)
	n.Skills = splitLines(skills)
	n.StartsAt, n.EndsAt, n.CreatedAt = n.StartsAt.UTC(), n.EndsAt.UTC(), n.CreatedAt.UTC()
	return &n, nil
}

// CreateNeed inserts a validated need with the status given (pending or open).
func (s *Store) CreateNeed(ctx context.Context, n *zhiyuan.Need) error {
	n.CreatedAt = s.now()
	id, err := s.writer().insert(ctx, `INSERT INTO needs (title, description, category, target_group, region_code, address,
		lat, lng, starts_at, ends_at, volunteers_wanted, skills, urgency, max_takers, status, posted_by, posted_org_id, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		n.Title, n.Description, string(n.Category), n.TargetGroup, n.RegionCode, n.Address, n.Lat, n.Lng,
		n.StartsAt.UTC(), n.EndsAt.UTC(), n.VolunteersWanted, strings.Join(n.Skills, "\n"), string(n.Urgency), n.MaxTakers,
		string(n.Status), n.PostedBy, nullID(n.PostedOrgID), n.CreatedAt)
	if err != nil {
		return err
	}
	n.ID = id
	return nil
}

// FindNeed returns one need with who took it, the sessions its activities have held
// (ended and not cancelled) and the hours confirmed in them, or ENotFound.
func (s *Store) FindNeed(ctx context.Context, id int64) (*zhiyuan.Need, error) {
	c := s.reader()
	n, err := scanNeed(c.queryRow(ctx, `SELECT `+needCols+` FROM needs n WHERE n.id = ?`, id))
	if err == sql.ErrNoRows {
		return nil, notFound("notfound.need")
	}
	if err != nil {
		return nil, err
	}
	rows, err := c.query(ctx, `SELECT t.org_id, o.name, t.activity_id, t.taken_at FROM need_takers t
		JOIN organizations o ON o.id = t.org_id WHERE t.need_id = ? ORDER BY t.taken_at, t.org_id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var t zhiyuan.NeedTaker
		if err := rows.Scan(&t.OrgID, &t.OrgName, &t.ActivityID, &t.TakenAt); err != nil {
			return nil, err
		}
		t.TakenAt = t.TakenAt.UTC()
		n.TakenBy = append(n.TakenBy, t)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if err := c.queryRow(ctx, `SELECT COUNT(*) FROM activity_sessions se JOIN need_takers t ON t.activity_id = se.activity_id
		WHERE t.need_id = ? AND se.status <> 'cancelled' AND se.ends_at <= ?`, id, s.now()).Scan(&n.SessionsHeld); err != nil {
		return nil, err
	}
	if err := c.queryRow(ctx, `SELECT COALESCE(SUM(e.minutes), 0) FROM hour_entries e
		JOIN hour_confirmations hc ON hc.entry_id = e.id
		JOIN activity_sessions se ON se.id = e.session_id
		JOIN need_takers t ON t.activity_id = se.activity_id WHERE t.need_id = ?`, id).Scan(&n.ConfirmedMinutes); err != nil {
		return nil, err
	}
	return n, nil
}

// NeedFilter selects needs for a list. Zero fields do not filter; the box, when MaxLat >
// MinLat, keeps needs inside it (the caller then measures the exact distance).
type NeedFilter struct {
	Status                         zhiyuan.NeedStatus
	Category                       zhiyuan.Category
	RegionPrefix                   string
	PostedBy                       int64
	MinLat, MaxLat, MinLng, MaxLng float64
	Limit                          int
}

// FindNeeds lists needs, urgent ones first, then the soonest.
func (s *Store) FindNeeds(ctx context.Context, f NeedFilter) ([]zhiyuan.Need, error) {
	q := `SELECT ` + needCols + ` FROM needs n WHERE 1 = 1`
	var args []any
	if f.Status != "" {
		q += ` AND n.status = ?`
		args = append(args, string(f.Status))
	}
	if f.Category != "" {
		q += ` AND n.category = ?`
		args = append(args, string(f.Category))
	}
	if f.RegionPrefix != "" {
		lo, hi := regionRange(f.RegionPrefix)
		q += ` AND n.region_code >= ? AND n.region_code < ?`
		args = append(args, lo, hi)
	}
	if f.PostedBy != 0 {
		q += ` AND n.posted_by = ?`
		args = append(args, f.PostedBy)
	}
	if f.MaxLat > f.MinLat {
		q += ` AND n.lat BETWEEN ? AND ? AND n.lng BETWEEN ? AND ?`
		args = append(args, f.MinLat, f.MaxLat, f.MinLng, f.MaxLng)
	}
	q += ` ORDER BY CASE n.urgency WHEN 'urgent' THEN 0 ELSE 1 END, n.starts_at, n.id LIMIT ?`
	limit := f.Limit
	if limit <= 0 {
		limit = 100
	}
	args = append(args, limit)
	rows, err := s.reader().query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []zhiyuan.Need{}
	for rows.Next() {
		n, err := scanNeed(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *n)
	}
	return out, rows.Err()
}

// needState reports a need's status, for the refusal after a conditional UPDATE changed nothing.
func (s *Store) needState(ctx context.Context, c conn, id int64) (zhiyuan.NeedStatus, error) {
	var st string
	err := c.queryRow(ctx, `SELECT status FROM needs WHERE id = ?`, id).Scan(&st)
	if err == sql.ErrNoRows {
		return "", notFound("notfound.need")
	}
	return zhiyuan.NeedStatus(st), err
}

// ReviewNeed opens (approve) or rejects a pending need; of two reviewers at once one wins
// and the other is told it was reviewed.
func (s *Store) ReviewNeed(ctx context.Context, id int64, approve bool, by int64) error {
	to := zhiyuan.NeedRejected
	if approve {
		to = zhiyuan.NeedOpen
	}
	c := s.writer()
	res, err := c.exec(ctx, `UPDATE needs SET status = ?, reviewed_by = ?, reviewed_at = ? WHERE id = ? AND status = 'pending'`,
		string(to), by, s.now(), id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		st, err := s.needState(ctx, c, id)
		if err != nil {
			return err
		}
		return zhiyuan.FieldFail(zhiyuan.EConflict, "status", "need.not_pending", "status", st.Chinese())
	}
	return nil
}

// TakeNeed gives organisation orgID a place on open need id and creates act, the draft
// activity started from it, in one transaction. The place is taken by one conditional
// UPDATE (takers < max_takers), so of two organisations taking the last place at once
// exactly one wins; the need becomes taken when its last place goes. One organisation
// taking twice is stopped by need_takers' primary key.
func (s *Store) TakeNeed(ctx context.Context, id, orgID int64, act *zhiyuan.Activity, by int64) error {
	return s.inTx(ctx, func(tx conn) error {
		res, err := tx.exec(ctx, `UPDATE needs SET takers = takers + 1,
			status = CASE WHEN takers + 1 >= max_takers THEN 'taken' ELSE status END
			WHERE id = ? AND status = 'open' AND takers < max_takers`, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			st, err := s.needState(ctx, tx, id)
			if err != nil {
				return err
			}
			if st == zhiyuan.NeedTaken {
				return zhiyuan.Fail(zhiyuan.EConflict, "need.taken")
			}
			return zhiyuan.FieldFail(zhiyuan.EConflict, "status", "need.not_open", "status", st.Chinese())
		}
		var dup int
		if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM need_takers WHERE need_id = ? AND org_id = ?`, id, orgID).Scan(&dup); err != nil {
			return err
		}
		if dup > 0 {
			return zhiyuan.Fail(zhiyuan.EConflict, "need.already_taken_by_you")
		}
		if err := s.createActivity(ctx, tx, act, by); err != nil {
			return err
		}
		_, err = tx.exec(ctx, `INSERT INTO need_takers (need_id, org_id, activity_id, taken_by, taken_at) VALUES (?, ?, ?, ?, ?)`,
			id, orgID, act.ID, by, s.now())
		return s.translate(err, map[string][2]string{"need_takers": {"need_id", "need.already_taken_by_you"}})
	})
}

// RateNeed records the community's confirmation that a taken need was served, with its
// rating: one conditional UPDATE from open-with-takers or taken to served, so it is rated once.
func (s *Store) RateNeed(ctx context.Context, id int64, rating int, comment string) error {
	c := s.writer()
	res, err := c.exec(ctx, `UPDATE needs SET status = 'served', rating = ?, rating_comment = ?, rated_at = ?
		WHERE id = ? AND status IN ('open', 'taken') AND takers > 0`, rating, comment, s.now(), id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		st, err := s.needState(ctx, c, id)
		if err != nil {
			return err
		}
		if st == zhiyuan.NeedServed || st == zhiyuan.NeedClosed {
			return zhiyuan.FieldFail(zhiyuan.EConflict, "rating", "need.rated")
		}
		return zhiyuan.FieldFail(zhiyuan.EConflict, "status", "need.not_taken", "status", st.Chinese())
	}
	return nil
}

// CloseNeed ends a need that is not pending, rejected or closed.
func (s *Store) CloseNeed(ctx context.Context, id int64) error {
	c := s.writer()
	res, err := c.exec(ctx, `UPDATE needs SET status = 'closed' WHERE id = ? AND status IN ('open', 'taken', 'served')`, id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		st, err := s.needState(ctx, c, id)
		if err != nil {
			return err
		}
		return zhiyuan.FieldFail(zhiyuan.EConflict, "status", "need.not_open", "status", st.Chinese())
	}
	return nil
}

// OrgNeedRatings is the average and count of the ratings of needs organisation orgID took.
func (s *Store) OrgNeedRatings(ctx context.Context, orgID int64) (zhiyuan.NeedRatings, error) {
	var r zhiyuan.NeedRatings
	var avg sql.NullFloat64
	err := s.reader().queryRow(ctx, `SELECT COUNT(n.rating), CAST(AVG(n.rating) AS DOUBLE PRECISION) FROM needs n
		JOIN need_takers t ON t.need_id = n.id WHERE t.org_id = ? AND n.rating IS NOT NULL`, orgID).Scan(&r.Count, &avg)
	r.Average = avg.Float64
	return r, err
}

// NeedOfActivity returns the need an activity was started from, or 0.
func (s *Store) NeedOfActivity(ctx context.Context, activityID int64) (int64, error) {
	var id int64
	err := s.reader().queryRow(ctx, `SELECT need_id FROM need_takers WHERE activity_id = ?`, activityID).Scan(&id)
	if err == sql.ErrNoRows {
		return 0, nil
	}
	return id, err
}
