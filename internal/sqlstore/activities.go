package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"
	"time"

	"zhiyuan"
)

// CreateProject inserts a project of an organisation.
func (s *Store) CreateProject(ctx context.Context, p *zhiyuan.Project, by int64) error {
	now := s.now()
	id, err := s.writer().insert(ctx, `INSERT INTO projects (org_id, title, description, category, region_code, created_by, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, p.OrgID, p.Title, p.Description, string(p.Category), p.RegionCode, by, now, now)
	if err != nil {
		return err
	}
	p.ID, p.CreatedAt = id, now
	return nil
}

// FindProjectByID returns a project, or ENotFound.
func (s *Store) FindProjectByID(ctx context.Context, id int64) (*zhiyuan.Project, error) {
	var p zhiyuan.Project
	var cat string
	err := s.reader().queryRow(ctx, `SELECT id, org_id, title, description, category, region_code, created_at
		FROM projects WHERE id = ?`, id).Scan(&p.ID, &p.OrgID, &p.Title, &p.Description, &cat, &p.RegionCode, &p.CreatedAt)
	if err == sql.ErrNoRows {
		return nil, notFound("notfound.project")
	}
	if err != nil {
		return nil, err
	}
	p.Category, p.CreatedAt = zhiyuan.Category(cat), p.CreatedAt.UTC()
	return &p, nil
}

// FindProjects lists an organisation's projects, newest first.
func (s *Store) FindProjects(ctx context.Context, orgID int64) ([]zhiyuan.Project, error) {
	rows, err := s.reader().query(ctx, `SELECT id, org_id, title, description, category, region_code, created_at
		FROM projects WHERE org_id = ? ORDER BY id DESC LIMIT 500`, orgID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []zhiyuan.Project{}
	for rows.Next() {
		var p zhiyuan.Project
		var cat string
		if err := rows.Scan(&p.ID, &p.OrgID, &p.Title, &p.Description, &cat, &p.RegionCode, &p.CreatedAt); err != nil {
			return nil, err
		}
		p.Category, p.CreatedAt = zhiyuan.Category(cat), p.CreatedAt.UTC()
		out = append(out, p)
	}
	return out, rows.Err()
}

const activityCols = `a.id, a.org_id, COALESCE(o.name, ''), COALESCE(a.project_id, 0), a.title, a.description, a.category,
	a.target_group, a.region_code, a.address, a.lat, a.lng, a.checkin_radius_m, a.contact_name, a.contact_phone,
	a.time_zone, a.min_age, a.max_age, a.skills, a.members_only, a.insurance_required, a.child_friendly,
	a.signup_mode, a.signup_opens_at, a.signup_closes_at, a.cancel_before_hours, a.waitlist, a.status,
	a.starts_at, a.ends_at, a.created_at, a.published_at, a.updated_at`

const activityFrom = ` FROM activities a LEFT JOIN organizations o ON o.id = a.org_id `

func scanActivity(r rowScanner) (*zhiyuan.Activity, error) {
	var a zhiyuan.Activity
	var cat, skills, mode, status string
	var opens, closes, published sql.NullTime
	err := r.Scan(&a.ID, &a.OrgID, &a.OrgName, &a.ProjectID, &a.Title, &a.Description, &cat,
		&a.TargetGroup, &a.RegionCode, &a.Address, &a.Lat, &a.Lng, &a.CheckinRadiusM, &a.ContactName, &a.ContactPhone,
		&a.TimeZone, &a.MinAge, &a.MaxAge, &skills, &a.MembersOnly, &a.InsuranceRequired, &a.ChildFriendly,
		&mode, &opens, &closes, &a.CancelBeforeHours, &a.Waitlist, &status,
		&a.StartsAt, &a.EndsAt, &a.CreatedAt, &published, &a.UpdatedAt)
	if err != nil {
		return nil, err
	}
	a.Category, a.SignupMode, a.Status = zhiyuan.Category(cat), zhiyuan.SignupMode(mode), zhiyuan.ActivityStatus(status)
	a.Skills = splitLines(skills)
	a.SignupOpensAt, a.SignupClosesAt, a.PublishedAt = utcOrZero(opens), utcOrZero(closes), utcOrZero(published)
	a.StartsAt, a.EndsAt, a.CreatedAt, a.UpdatedAt = a.StartsAt.UTC(), a.EndsAt.UTC(), a.CreatedAt.UTC(), a.UpdatedAt.UTC()
	return &a, nil
}

func utcOrZero(t sql.NullTime) time.Time {
	if !t.Valid {
		return time.Time{}
	}
	return t.Time.UTC()
}

// nullTimeUTC stores the zero time as NULL and anything else in UTC, so that SQLite's
// text timestamps compare in time order.
func nullTimeUTC(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC()
}

func splitLines(s string) []string {
	if s == "" {
		return []string{}
	}
	return strings.Split(s, "\n")
}

// CreateActivity inserts a draft activity with its sessions in one transaction. a must
// have been validated; its sessions get their ids and the activity its derived span.
func (s *Store) CreateActivity(ctx context.Context, a *zhiyuan.Activity, by int64) error {
	return s.inTx(ctx, func(tx conn) error { return s.createActivity(ctx, tx, a, by) })
}

// createActivity inserts a draft activity with its sessions in tx, so that taking a need
// writes the activity and the taking together.
func (s *Store) createActivity(ctx context.Context, tx conn, a *zhiyuan.Activity, by int64) error {
	a.Normalize()
	now := s.now()
	{
		id, err := tx.insert(ctx, `INSERT INTO activities (org_id, project_id, title, description, category, target_group,
			region_code, address, lat, lng, checkin_radius_m, contact_name, contact_phone, time_zone, min_age, max_age,
			skills, members_only, insurance_required, child_friendly, signup_mode, signup_opens_at, signup_closes_at,
			cancel_before_hours, waitlist, status, starts_at, ends_at, created_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'draft', ?, ?, ?, ?, ?)`,
			a.OrgID, nullID(a.ProjectID), a.Title, a.Description, string(a.Category), a.TargetGroup,
			a.RegionCode, a.Address, a.Lat, a.Lng, a.CheckinRadiusM, a.ContactName, a.ContactPhone, a.TimeZone, a.MinAge, a.MaxAge,
			strings.Join(a.Skills, "\n"), a.MembersOnly, a.InsuranceRequired, a.ChildFriendly, string(a.SignupMode),
			nullTimeUTC(a.SignupOpensAt), nullTimeUTC(a.SignupClosesAt), a.CancelBeforeHours, a.Waitlist,
			a.StartsAt.UTC(), a.EndsAt.UTC(), by, now, now)
		if err != nil {
			return err
		}
		a.ID, a.Status, a.CreatedAt, a.UpdatedAt = id, zhiyuan.ActivityDraft, now, now
		for i := range a.Sessions {
			a.Sessions[i].ActivityID = id
			a.Sessions[i].Status = zhiyuan.SessionDraft
			if err := s.insertSession(ctx, tx, &a.Sessions[i]); err != nil {
				return err
			}
		}
		return nil
	}
}

// FindActivityByID returns an activity with its organisation's name and its sessions in
// start order, or ENotFound.
func (s *Store) FindActivityByID(ctx context.Context, id int64) (*zhiyuan.Activity, error) {
	c := s.reader()
	a, err := scanActivity(c.queryRow(ctx, `SELECT `+activityCols+activityFrom+`WHERE a.id = ?`, id))
	if err == sql.ErrNoRows {
		return nil, notFound("notfound.activity")
	}
	if err != nil {
		return nil, err
	}
	if a.Sessions, err = s.sessionsOf(ctx, c, id); err != nil {
		return nil, err
	}
	return a, nil
}

// OrgActivityFilter selects one organisation's activities for its admins.
type OrgActivityFilter struct {
	OrgID  int64
	Status zhiyuan.ActivityStatus // "" for all
	Before int64                  // cursor: activities with id below this
	Limit  int
}

// FindOrgActivities lists an organisation's activities of every status, newest first,
// without their sessions.
func (s *Store) FindOrgActivities(ctx context.Context, f OrgActivityFilter) ([]*zhiyuan.Activity, error) {
	q := `SELECT ` + activityCols + activityFrom + `WHERE a.org_id = ?`
	args := []any{f.OrgID}
	if f.Status != "" {
		q += " AND a.status = ?"
		args = append(args, string(f.Status))
	}
	if f.Before > 0 {
		q += " AND a.id < ?"
		args = append(args, f.Before)
	}
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 50
	}
	q += " ORDER BY a.id DESC LIMIT ?"
	args = append(args, f.Limit)
	return queryAll(ctx, s.reader(), scanActivity, q, args...)
}

// UpdateActivity replaces the descriptive fields and conditions of an activity (not its
// sessions, status or organisation) with those of a, which the caller has validated.
// A published activity's search terms are rewritten in the same transaction.
func (s *Store) UpdateActivity(ctx context.Context, a *zhiyuan.Activity) error {
	a.Normalize()
	return s.inTx(ctx, func(tx conn) error {
		res, err := tx.exec(ctx, `UPDATE activities SET project_id = ?, title = ?, description = ?, category = ?,
			target_group = ?, region_code = ?, address = ?, lat = ?, lng = ?, checkin_radius_m = ?, contact_name = ?,
			contact_phone = ?, time_zone = ?, min_age = ?, max_age = ?, skills = ?, members_only = ?,
			insurance_required = ?, child_friendly = ?, signup_mode = ?, signup_opens_at = ?, signup_closes_at = ?,
			cancel_before_hours = ?, waitlist = ?, updated_at = ?
			WHERE id = ? AND status IN ('draft', 'published')`,
			nullID(a.ProjectID), a.Title, a.Description, string(a.Category), a.TargetGroup, a.RegionCode, a.Address,
			a.Lat, a.Lng, a.CheckinRadiusM, a.ContactName, a.ContactPhone, a.TimeZone, a.MinAge, a.MaxAge,
			strings.Join(a.Skills, "\n"), a.MembersOnly, a.InsuranceRequired, a.ChildFriendly, string(a.SignupMode),
			nullTimeUTC(a.SignupOpensAt), nullTimeUTC(a.SignupClosesAt), a.CancelBeforeHours, a.Waitlist, s.now(), a.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return zhiyuan.FieldFail(zhiyuan.EConflict, "status", "activity.finished_no_edit")
		}
		if err := s.uncoveredSession(ctx, tx, a.ID); err != nil {
			return err
		}
		return s.reindexActivity(ctx, tx, a.ID)
	})
}

// PublishActivity moves a draft to published: its sessions open for sign-up and it
// enters the search index. Publishing anything but a draft is EConflict.
func (s *Store) PublishActivity(ctx context.Context, id int64) error {
	now := s.now()
	return s.inTx(ctx, func(tx conn) error {
		res, err := tx.exec(ctx, `UPDATE activities SET status = 'published', published_at = ?, updated_at = ?
			WHERE id = ? AND status = 'draft'`, now, now, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return s.activityStateError(ctx, tx, id, "activity.publish_needs_draft")
		}
		// An activity that requires insurance is published only while covered (insurance.go).
		if err := s.uncoveredSession(ctx, tx, id); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `UPDATE activity_sessions SET status = 'open' WHERE activity_id = ? AND status = 'draft'`, id); err != nil {
			return err
		}
		return s.reindexActivity(ctx, tx, id)
	})
}

// activityStateError explains a refused status change: ENotFound when there is no such
// activity, EConflict with reason (whose sentence names the current {status}) otherwise.
func (s *Store) activityStateError(ctx context.Context, c conn, id int64, reason zhiyuan.Msg) error {
	var st string
	if err := c.queryRow(ctx, "SELECT status FROM activities WHERE id = ?", id).Scan(&st); err == sql.ErrNoRows {
		return notFound("notfound.activity")
	} else if err != nil {
		return err
	}
	return zhiyuan.FieldFail(zhiyuan.EConflict, "status", reason, "status", zhiyuan.ActivityStatus(st).Chinese())
}

// CountSignedUpVolunteers counts the volunteers with an active sign-up (pending,
// confirmed or waitlisted) for any session of the activity: those EndActivity tells.
func (s *Store) CountSignedUpVolunteers(ctx context.Context, activityID int64) (int, error) {
	var n int
	err := s.reader().queryRow(ctx, `SELECT COUNT(DISTINCT volunteer_id) FROM signups
		WHERE activity_id = ? AND status IN ('pending', 'confirmed', 'waitlisted')`, activityID).Scan(&n)
	return n, err
}

// EndActivity closes (status closed: no more sign-ups, confirmed seats stand) or cancels
// (status cancelled: every active sign-up is cancelled and the seats emptied) an
// activity and, in the same transaction, queues the fan-out jobs that tell each account
// with an active sign-up (jobs.Fanout: the in-app notice, then SMS and email). It returns
// how many accounts will be told.
func (s *Store) EndActivity(ctx context.Context, id int64, to zhiyuan.ActivityStatus, notice zhiyuan.Notification) (int, error) {
	var from string
	switch to {
	case zhiyuan.ActivityClosed:
		from = "'published'"
	case zhiyuan.ActivityCancelled:
		from = "'draft', 'published', 'closed'"
	default:
		return 0, zhiyuan.Fail(zhiyuan.EInvalid, "activity.status_unknown")
	}
	now := s.now()
	var accounts []int64
	err := s.inTx(ctx, func(tx conn) error {
		res, err := tx.exec(ctx, `UPDATE activities SET status = ?, updated_at = ? WHERE id = ? AND status IN (`+from+`)`, string(to), now, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			if to == zhiyuan.ActivityClosed {
				return s.activityStateError(ctx, tx, id, "activity.close_needs_published")
			}
			return s.activityStateError(ctx, tx, id, "activity.cancel_again")
		}
		// Every session row is locked (PostgreSQL) before any sign-up of the activity is
		// read, the same order as a sign-up takes, so nobody slips in after the list.
		sessionStatus := zhiyuan.SessionClosed
		if to == zhiyuan.ActivityCancelled {
			sessionStatus = zhiyuan.SessionCancelled
		}
		if _, err := tx.exec(ctx, `UPDATE activity_sessions SET status = ? WHERE activity_id = ? AND status <> 'cancelled'`,
			string(sessionStatus), id); err != nil {
			return err
		}
		accounts, err = queryAll(ctx, tx, scanInt64, `SELECT DISTINCT v.account_id
			FROM signups sg JOIN volunteers v ON v.id = sg.volunteer_id
			WHERE sg.activity_id = ? AND sg.status IN ('pending', 'confirmed', 'waitlisted') ORDER BY v.account_id`, id)
		if err != nil {
			return err
		}
		if err := s.enqueue(ctx, tx, fanoutJobs(notice, accounts)...); err != nil {
			return err
		}
		if to == zhiyuan.ActivityCancelled {
			if _, err := tx.exec(ctx, `UPDATE signups SET status = 'cancelled', updated_at = ?
				WHERE activity_id = ? AND status IN ('pending', 'confirmed', 'waitlisted')`, now, id); err != nil {
				return err
			}
			if _, err := tx.exec(ctx, `UPDATE activity_sessions SET seats_taken = 0, pending_count = 0, waitlist_count = 0
				WHERE activity_id = ?`, id); err != nil {
				return err
			}
		}
		_, err = tx.exec(ctx, "DELETE FROM activity_terms WHERE activity_id = ?", id)
		return err
	})
	return len(accounts), err
}

// FinishEndedActivities closes published activities whose last session ended before
// now, without notifications (everyone knows it is over), and takes them out of the
// search index, which thus holds only current activities.
func (s *Store) FinishEndedActivities(ctx context.Context, now time.Time, limit int) (int, error) {
	rows, err := s.reader().query(ctx, `SELECT id FROM activities WHERE status = 'published' AND ends_at < ?
		ORDER BY starts_at LIMIT ?`, now.UTC(), limit)
	if err != nil {
		return 0, err
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return 0, err
		}
		ids = append(ids, id)
	}
	// A connection lost half-way ends Next early; without this check the sweep would
	// report the first few as all there is and look finished.
	err = rows.Err()
	rows.Close()
	if err != nil {
		return 0, err
	}
	done := 0
	for _, id := range ids {
		err := s.inTx(ctx, func(tx conn) error {
			res, err := tx.exec(ctx, `UPDATE activities SET status = 'closed', updated_at = ? WHERE id = ? AND status = 'published' AND ends_at < ?`,
				s.now(), id, now.UTC())
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return nil
			}
			done++
			if _, err := tx.exec(ctx, `UPDATE activity_sessions SET status = 'closed' WHERE activity_id = ? AND status = 'open'`, id); err != nil {
				return err
			}
			_, err = tx.exec(ctx, "DELETE FROM activity_terms WHERE activity_id = ?", id)
			return err
		})
		if err != nil {
			return done, err
		}
	}
	return done, nil
}

// BulkCreateActivities writes many validated activities with their sessions and, for
// published ones, their search terms, in one transaction of multi-row INSERTs: for demo
// data and the search benchmark, which need hundreds of thousands. Each activity keeps
// the Status it has (draft or published). Ids are assigned in input order: each
// multi-row INSERT numbers its rows in VALUES order on both engines, and the returned ids
// are sorted before they are handed out.
func (s *Store) BulkCreateActivities(ctx context.Context, acts []*zhiyuan.Activity, by int64) error {
	now := s.now()
	const per = 500 // rows per INSERT: 31 columns × 500 stays under both engines' limits
	return s.inTx(ctx, func(tx conn) error {
		for start := 0; start < len(acts); start += per {
			chunk := acts[start:min(start+per, len(acts))]
			args := make([]any, 0, 31*len(chunk))
			for _, a := range chunk {
				a.Normalize()
				if a.Status == "" {
					a.Status = zhiyuan.ActivityDraft
				}
				var published any
				if a.Status == zhiyuan.ActivityPublished {
					published = now
				}
				args = append(args, a.OrgID, nullID(a.ProjectID), a.Title, a.Description, string(a.Category), a.TargetGroup,
					a.RegionCode, a.Address, a.Lat, a.Lng, a.CheckinRadiusM, a.ContactName, a.ContactPhone, a.TimeZone,
					a.MinAge, a.MaxAge, strings.Join(a.Skills, "\n"), a.MembersOnly, a.InsuranceRequired, a.ChildFriendly,
					string(a.SignupMode), nullTimeUTC(a.SignupOpensAt), nullTimeUTC(a.SignupClosesAt), a.CancelBeforeHours,
					a.Waitlist, string(a.Status), a.StartsAt.UTC(), a.EndsAt.UTC(), by, now, published, now)
			}
			rows, err := tx.query(ctx, `INSERT INTO activities (org_id, project_id, title, description, category, target_group,
				region_code, address, lat, lng, checkin_radius_m, contact_name, contact_phone, time_zone, min_age, max_age,
				skills, members_only, insurance_required, child_friendly, signup_mode, signup_opens_at, signup_closes_at,
				cancel_before_hours, waitlist, status, starts_at, ends_at, created_by, created_at, published_at, updated_at) VALUES `+
				repeatTuple("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", len(chunk))+
				" RETURNING id", args...)
			if err != nil {
				return err
			}
			var ids []int64
			for rows.Next() {
				var id int64
				if err := rows.Scan(&id); err != nil {
					rows.Close()
					return err
				}
				ids = append(ids, id)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
			if len(ids) != len(chunk) {
				return fmt.Errorf("bulk activities: %d ids for %d rows", len(ids), len(chunk))
			}
			sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
			var sargs []any
			ns := 0
			var terms []termRow
			for i, a := range chunk {
				a.ID, a.CreatedAt, a.UpdatedAt = ids[i], now, now
				st := zhiyuan.SessionDraft
				if a.Status == zhiyuan.ActivityPublished {
					st = zhiyuan.SessionOpen
					terms = append(terms, termRow{a.ID, a.StartsAt.UTC(), activityTerms(a.Title, a.Description, a.RegionCode)})
				}
				for j := range a.Sessions {
					se := &a.Sessions[j]
					se.ActivityID, se.Status = a.ID, st
					sargs = append(sargs, a.ID, se.StartsAt.UTC(), se.EndsAt.UTC(), se.Capacity, string(st))
					ns++
					if ns == per {
						if err := s.bulkSessions(ctx, tx, ns, sargs); err != nil {
							return err
						}
						sargs, ns = sargs[:0], 0
					}
				}
			}
			if err := s.bulkSessions(ctx, tx, ns, sargs); err != nil {
				return err
			}
			if err := s.insertTerms(ctx, tx, terms); err != nil {
				return err
			}
		}
		return nil
	})
}

func (s *Store) bulkSessions(ctx context.Context, tx conn, n int, args []any) error {
	if n == 0 {
		return nil
	}
	_, err := tx.exec(ctx, `INSERT INTO activity_sessions (activity_id, starts_at, ends_at, capacity, status) VALUES `+
		repeatTuple("(?, ?, ?, ?, ?)", n), args...)
	return err
}
