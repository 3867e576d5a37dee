package sqlstore

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"zhiyuan"
)

// Recommendations and candidates (recommend.go at the root scores them). The store's part
// is to bring a bounded candidate set by index, so that a province's 200,000 open
// sessions or a million volunteers cost what a few hundred do.

// RecommendQuery selects the live activities a volunteer's recommendations are scored
// from: those whose venue lies under one of Prefixes (their district, their service
// areas) and, with Near, those within zhiyuan.RecommendNearKm of the point.
type RecommendQuery struct {
	Prefixes []string
	Near     *zhiyuan.LatLng
	Now      time.Time
	Limit    int // activities at most, over all the walks
}

// FindRecommendCandidates returns live published activities matching q, each with its
// sessions that take sign-ups now (open, not begun, a seat free); activities left
// without such a session are dropped. Each prefix walks activities_live_region_idx and
// stops after q.Limit rows; the point walks the latitude index within a bounding box,
// likewise bounded.
func (s *Store) FindRecommendCandidates(ctx context.Context, q RecommendQuery) ([]*zhiyuan.Activity, error) {
	c := s.reader()
	now := q.Now.UTC()
	seen := map[int64]bool{}
	var acts []*zhiyuan.Activity
	add := func(query string, args ...any) error {
		list, err := queryAll(ctx, c, scanActivity, `SELECT `+activityCols+activityFrom+query, args...)
		if err != nil {
			return err
		}
		for _, a := range list {
			if !seen[a.ID] {
				seen[a.ID] = true
				acts = append(acts, a)
			}
		}
		return nil
	}
	// The walks share one budget of q.Limit activities: each takes its share of what is
	// left, and the last whatever remains. A sparse region leaves its share to the next
	// walk, so the set is about q.Limit whether a province has 2,000 open activities or
	// 200,000, and so is the cost of scoring it.
	var prefixes []string
	for _, p := range q.Prefixes {
		if p != "" {
			prefixes = append(prefixes, p)
		}
	}
	walks := len(prefixes)
	if q.Near != nil {
		walks++
	}
	share := func() int {
		n := (q.Limit - len(acts)) / walks
		walks--
		return n
	}
	for _, p := range prefixes {
		lo, hi := prefixRange(p)
		n := share()
		if n <= 0 {
			continue
		}
		if err := add(`WHERE a.status = 'published' AND a.region_code >= ? AND a.region_code < ? AND a.ends_at > ? LIMIT ?`,
			lo, hi, now, n); err != nil {
			return nil, err
		}
	}
	if q.Near != nil {
		minLat, maxLat, minLng, maxLng := zhiyuan.BoundingBox(*q.Near, zhiyuan.RecommendNearKm)
		if n := share(); n > 0 {
			if err := add(`WHERE a.status = 'published' AND a.lat >= ? AND a.lat <= ? AND a.lng >= ? AND a.lng <= ? AND a.ends_at > ? LIMIT ?`,
				minLat, maxLat, minLng, maxLng, now, n); err != nil {
				return nil, err
			}
		}
	}
	if len(acts) == 0 {
		return acts, nil
	}
	byID := make(map[int64]*zhiyuan.Activity, len(acts))
	ids := make([]int64, len(acts))
	for i, a := range acts {
		byID[a.ID], ids[i] = a, a.ID
	}
	// Sessions in chunks, each an IN list over activity_sessions_activity_idx.
	for start := 0; start < len(ids); start += 500 {
		chunk := ids[start:min(start+500, len(ids))]
		sessions, err := queryAll(ctx, c, scanSession, `SELECT `+sessionCols+` FROM activity_sessions
			WHERE activity_id IN (`+placeholders(len(chunk))+`) AND status = 'open' AND starts_at > ? AND seats_taken < capacity
			ORDER BY starts_at, id`, append(int64Args(chunk), now)...)
		if err != nil {
			return nil, err
		}
		for _, se := range sessions {
			a := byID[se.ActivityID]
			a.Sessions = append(a.Sessions, se)
		}
	}
	out := acts[:0]
	for _, a := range acts {
		if len(a.Sessions) > 0 {
			out = append(out, a)
		}
	}
	return out, nil
}

// RecommendContext is what the scoring needs about a volunteer beyond their record.
type RecommendContext struct {
	Busy    [][2]time.Time            // start and end of their active sign-ups still to end
	Served  map[zhiyuan.Category]bool // categories of activities they were confirmed for
	Members map[int64]bool            // organisations they are an approved member of
}

// FindRecommendContext reads a volunteer's active sign-ups, the categories they served
// in and their organisations, each by the volunteer's index and bounded.
func (s *Store) FindRecommendContext(ctx context.Context, volunteerID int64, now time.Time) (*RecommendContext, error) {
	c := s.reader()
	out := &RecommendContext{Served: map[zhiyuan.Category]bool{}, Members: map[int64]bool{}}
	rows, err := c.query(ctx, `SELECT se.starts_at, se.ends_at FROM signups g JOIN activity_sessions se ON se.id = g.session_id
		WHERE g.volunteer_id = ? AND g.status IN ('pending', 'confirmed', 'waitlisted') AND se.ends_at > ? LIMIT 1000`,
		volunteerID, now.UTC())
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var a, b time.Time
		if err := rows.Scan(&a, &b); err != nil {
			rows.Close()
			return nil, err
		}
		out.Busy = append(out.Busy, [2]time.Time{a.UTC(), b.UTC()})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// Served: confirmed for a session that has ended (a sign-up for one to come is not
	// service yet).
	cats, err := queryAll(ctx, c, scanString, `SELECT DISTINCT a.category FROM signups g JOIN activities a ON a.id = g.activity_id
		JOIN activity_sessions se ON se.id = g.session_id
		WHERE g.volunteer_id = ? AND g.status = 'confirmed' AND se.ends_at <= ? LIMIT 100`, volunteerID, now.UTC())
	if err != nil {
		return nil, err
	}
	for _, cat := range cats {
		out.Served[zhiyuan.Category(strings.TrimSpace(cat))] = true
	}
	orgs, err := queryAll(ctx, c, scanInt64, `SELECT org_id FROM org_members WHERE volunteer_id = ? AND status = 'approved' LIMIT 200`, volunteerID)
	if err != nil {
		return nil, err
	}
	for _, id := range orgs {
		out.Members[id] = true
	}
	return out, nil
}

func scanString(r rowScanner) (string, error) {
	var v string
	err := r.Scan(&v)
	return v, err
}

// CandidateQuery selects volunteers an organiser might invite to a session: active, not
// opted out of invitations, not signed up for the session, and inside Reach (the
// organisation's region prefix) whatever else is asked. Without IDs, those with one of
// Skills come first, then each of Prefixes (each inside Reach) in turn, each walk
// bounded by Limit; with IDs, exactly those of them that qualify.
type CandidateQuery struct {
	Reach     string
	Prefixes  []string
	Skills    []string
	SessionID int64
	OrgID     int64 // for membership
	Start     time.Time
	End       time.Time
	IDs       []int64
	Limit     int
	// Category and Now, when Category is set, mark the candidates who served in an
	// activity of that category before (a confirmed sign-up for a session ended by Now).
	Category zhiyuan.Category
	Now      time.Time
}

// Candidate is a volunteer as the candidate list needs them: what eligibility and the
// score read, the attendance record and confirmed minutes (for the star level). The
// name is in clear for the application to mask; nothing else personal is read.
type Candidate struct {
	Volunteer        *zhiyuan.Volunteer
	Record           zhiyuan.SignupRecord
	ConfirmedMinutes int64
	Busy             bool // an active sign-up overlapping the session
	Member           bool
	Served           bool // served in an activity of the query's Category before
}

// candidateSelect reads the candidates that inner (a WHERE clause over volunteers v,
// with its own ORDER BY and LIMIT) picks, with their confirmed minutes. The pick is a
// subquery so that its LIMIT applies to the index walk itself: PostgreSQL otherwise
// plans the join first and gathers every volunteer of the region into a bitmap before
// stopping (8,000 in 越秀 among a million), where the walk stops after Limit.
func candidateSelect(inner string) string {
	return `SELECT c.id, c.account_id, c.name, c.region_code, c.birth_date, c.minor, c.guardian_consent_at, c.status,
	c.suspended_until, c.avail_weekdays, c.avail_times, c.no_shows, c.late_cancellations, COALESCE(t.confirmed_minutes, 0)
	FROM (SELECT v.id, v.account_id, v.name, v.region_code, v.birth_date, v.minor, v.guardian_consent_at, v.status,
		v.suspended_until, v.avail_weekdays, v.avail_times, v.no_shows, v.late_cancellations FROM volunteers v ` + inner + `) c
	LEFT JOIN volunteer_hour_totals t ON t.volunteer_id = c.id`
}

func scanCandidate(r rowScanner) (*Candidate, error) {
	v := &zhiyuan.Volunteer{Skills: []string{}}
	c := &Candidate{Volunteer: v}
	var birth time.Time
	var consent, suspended sql.NullTime
	var status, weekdays, times string
	if err := r.Scan(&v.ID, &v.AccountID, &v.Name, &v.RegionCode, &birth, &v.Minor, &consent, &status, &suspended,
		&weekdays, &times, &c.Record.NoShows, &c.Record.LateCancellations, &c.ConfirmedMinutes); err != nil {
		return nil, err
	}
	v.BirthDate, v.Status = dateOnly(birth), zhiyuan.VolunteerStatus(status)
	if consent.Valid {
		v.Guardian = &zhiyuan.Guardian{ConsentAt: consent.Time.UTC()}
	}
	if suspended.Valid {
		v.SuspendedUntil = suspended.Time.UTC()
	}
	v.Availability.Weekdays, v.Availability.Times = splitInts(weekdays), splitList(times)
	return c, nil
}

// FindInviteCandidates returns the candidates of q (see CandidateQuery) with their
// skills, service areas, whether they are busy at the session's time and whether they
// are members of q.OrgID.
func (s *Store) FindInviteCandidates(ctx context.Context, q CandidateQuery) ([]*Candidate, error) {
	c := s.reader()
	lo, hi := prefixRange(q.Reach)
	base := `v.status = 'active' AND v.invitations_off = ? AND v.region_code >= ? AND v.region_code < ?
		AND NOT EXISTS (SELECT 1 FROM signups g WHERE g.session_id = ? AND g.volunteer_id = v.id AND g.status IN ('pending', 'confirmed', 'waitlisted'))`
	baseArgs := []any{false, lo, hi, q.SessionID}
	seen := map[int64]bool{}
	var out []*Candidate
	add := func(query string, args ...any) error {
		list, err := queryAll(ctx, c, scanCandidate, query, args...)
		if err != nil {
			return err
		}
		for _, cd := range list {
			if !seen[cd.Volunteer.ID] {
				seen[cd.Volunteer.ID] = true
				out = append(out, cd)
			}
		}
		return nil
	}
	if len(q.IDs) > 0 {
		if err := add(candidateSelect(`WHERE v.id IN (`+placeholders(len(q.IDs))+`) AND `+base),
			append(int64Args(q.IDs), baseArgs...)...); err != nil {
			return nil, err
		}
	} else {
		if len(q.Skills) > 0 {
			args := make([]any, 0, len(q.Skills)+len(baseArgs)+1)
			for _, sk := range q.Skills {
				args = append(args, sk)
			}
			if err := add(candidateSelect(`WHERE v.id IN (SELECT k.volunteer_id FROM volunteer_skills k JOIN volunteers v ON v.id = k.volunteer_id
				WHERE k.skill IN (`+placeholders(len(q.Skills))+`) AND `+base+` LIMIT ?)`),
				append(append(args, baseArgs...), q.Limit)...); err != nil {
				return nil, err
			}
		}
		// Each walk leaves out the regions walked before and takes only what is still
		// missing, so the set stays at most Limit (plus the skilled) however many
		// volunteers the reach holds.
		var done []string
		for _, p := range q.Prefixes {
			if len(out) >= q.Limit {
				break
			}
			plo, phi := prefixRange(p)
			where := `WHERE v.region_code >= ? AND v.region_code < ?`
			args := []any{plo, phi}
			for _, d := range done {
				dlo, dhi := prefixRange(d)
				where += ` AND (v.region_code < ? OR v.region_code >= ?)`
				args = append(args, dlo, dhi)
			}
			done = append(done, p)
			// In the order of volunteers_region_idx, so the walk is that index read
			// until Limit qualify.
			if err := add(candidateSelect(where+` AND `+base+` ORDER BY v.region_code, v.id LIMIT ?`),
				append(append(args, baseArgs...), q.Limit-len(out))...); err != nil {
				return nil, err
			}
		}
	}
	if len(out) == 0 {
		return out, nil
	}
	byID := make(map[int64]*Candidate, len(out))
	ids := make([]int64, len(out))
	for i, cd := range out {
		byID[cd.Volunteer.ID], ids[i] = cd, cd.Volunteer.ID
	}
	for start := 0; start < len(ids); start += 500 {
		chunk := ids[start:min(start+500, len(ids))]
		in := placeholders(len(chunk))
		rows, err := c.query(ctx, `SELECT volunteer_id, skill, 's' FROM volunteer_skills WHERE volunteer_id IN (`+in+`)
			UNION ALL SELECT volunteer_id, region_code, 'a' FROM volunteer_areas WHERE volunteer_id IN (`+in+`)`,
			append(int64Args(chunk), int64Args(chunk)...)...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var id int64
			var val, kind string
			if err := rows.Scan(&id, &val, &kind); err != nil {
				rows.Close()
				return nil, err
			}
			if kind == "s" {
				byID[id].Volunteer.Skills = append(byID[id].Volunteer.Skills, val)
			} else {
				byID[id].Volunteer.ServiceAreas = append(byID[id].Volunteer.ServiceAreas, val)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		busy, err := queryAll(ctx, c, scanInt64, `SELECT g.volunteer_id FROM signups g JOIN activity_sessions se ON se.id = g.session_id
			WHERE g.volunteer_id IN (`+in+`) AND g.status IN ('pending', 'confirmed', 'waitlisted') AND se.starts_at < ? AND se.ends_at > ?`,
			append(int64Args(chunk), q.End.UTC(), q.Start.UTC())...)
		if err != nil {
			return nil, err
		}
		for _, id := range busy {
			byID[id].Busy = true
		}
		members, err := queryAll(ctx, c, scanInt64, `SELECT volunteer_id FROM org_members WHERE org_id = ? AND status = 'approved'
			AND volunteer_id IN (`+in+`)`, append([]any{q.OrgID}, int64Args(chunk)...)...)
		if err != nil {
			return nil, err
		}
		for _, id := range members {
			byID[id].Member = true
		}
		if q.Category != "" {
			// By signups_volunteer_idx: each candidate's confirmed sign-ups, of ended
			// sessions, of activities of the category.
			served, err := queryAll(ctx, c, scanInt64, `SELECT DISTINCT g.volunteer_id FROM signups g
				JOIN activity_sessions se ON se.id = g.session_id JOIN activities a ON a.id = g.activity_id
				WHERE g.volunteer_id IN (`+in+`) AND g.status = 'confirmed' AND se.ends_at <= ? AND a.category = ?`,
				append(int64Args(chunk), q.Now.UTC(), string(q.Category))...)
			if err != nil {
				return nil, err
			}
			for _, id := range served {
				byID[id].Served = true
			}
		}
	}
	return out, nil
}

// Invite is one invitation to write: the volunteer and the notice that tells them.
type Invite struct {
	VolunteerID int64
	Notice      zhiyuan.Notification
}

// InviteVolunteers records invitations to a session and, for each new one, writes the
// in-app notice and queues its SMS and email, in one transaction. A volunteer who turned
// invitations off in the meantime, or was invited to the session before, gets nothing
// (the conditional INSERT decides, not a read before it). It returns how many were
// newly invited.
func (s *Store) InviteVolunteers(ctx context.Context, sessionID, by int64, invites []Invite) (int, error) {
	n := 0
	err := s.inTx(ctx, func(tx conn) error {
		n = 0
		now := s.now()
		for i := range invites {
			res, err := tx.exec(ctx, `INSERT INTO session_invitations (session_id, volunteer_id, invited_by, created_at)
				SELECT ?, v.id, ?, ? FROM volunteers v WHERE v.id = ? AND v.status = 'active' AND v.invitations_off = ?
				ON CONFLICT (session_id, volunteer_id) DO NOTHING`, sessionID, by, now, invites[i].VolunteerID, false)
			if err != nil {
				return err
			}
			if k, _ := res.RowsAffected(); k == 0 {
				continue
			}
			n++
			if err := s.notifyOut(ctx, tx, &invites[i].Notice); err != nil {
				return err
			}
		}
		return nil
	})
	return n, err
}

// SetInvitationsOff records whether a volunteer accepts invitations to sessions.
func (s *Store) SetInvitationsOff(ctx context.Context, volunteerID int64, off bool) error {
	_, err := s.writer().exec(ctx, `UPDATE volunteers SET invitations_off = ?, updated_at = ? WHERE id = ?`, off, s.now(), volunteerID)
	return err
}

// InvitationsOff reports whether a volunteer turned invitations off.
func (s *Store) InvitationsOff(ctx context.Context, volunteerID int64) (bool, error) {
	var off bool
	err := s.reader().queryRow(ctx, `SELECT invitations_off FROM volunteers WHERE id = ?`, volunteerID).Scan(&off)
	return off, err
}
