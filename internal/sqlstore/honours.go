package sqlstore

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"time"

	"zhiyuan"
)

// Recognition and care (docs/honours.md): awards, training records, evaluations after a
// session and care visits. The conditions a record needs — the volunteer is an approved
// member of the recording organisation, the volunteer attended the session — are read in
// the transaction that writes the record. Both are facts that only grow (attendance is
// never deleted; leaving an organisation is the one way back, and a grant that lands a
// moment before the leave is still a grant to a member), so reading them there cannot let
// a wrong record in. What two requests at once could break — one evaluation per volunteer
// and session — is the unique index, written with ON CONFLICT, never a read first.

// Refusals of recognition records.
var (
	ErrNotMember       = zhiyuan.FieldFail(zhiyuan.EInvalid, "volunteer_no", "honour.not_member")
	ErrNotAttended     = zhiyuan.FieldFail(zhiyuan.EInvalid, "volunteer_id", "evaluation.not_attended")
	ErrSelfNotAttended = zhiyuan.FieldFail(zhiyuan.EInvalid, "session_id", "evaluation.self_not_attended")
	ErrAwardRevoked    = zhiyuan.FieldFail(zhiyuan.EConflict, "status", "award.revoked_already")
)

// isApprovedMember reports whether the volunteer is an approved member of the organisation.
func isApprovedMember(ctx context.Context, c conn, orgID, volunteerID int64) (bool, error) {
	var n int
	err := c.queryRow(ctx, `SELECT COUNT(*) FROM org_members WHERE org_id = ? AND volunteer_id = ? AND status = 'approved'`,
		orgID, volunteerID).Scan(&n)
	return n > 0, err
}

// attended reports whether the volunteer took part in the session: checked in (an
// attendance row), or credited with hours for it (a make-up or an accepted offer).
func attended(ctx context.Context, c conn, sessionID, volunteerID int64) (bool, error) {
	var n int
	err := c.queryRow(ctx, `SELECT (SELECT COUNT(*) FROM attendance WHERE session_id = ? AND volunteer_id = ?)
		+ (SELECT COUNT(*) FROM hour_entries WHERE session_id = ? AND volunteer_id = ? AND kind <> 'correction')`,
		sessionID, volunteerID, sessionID, volunteerID).Scan(&n)
	return n > 0, err
}

// InsertAward writes an award and its audit entry in one transaction. memberOf, when not
// 0, is the organisation the volunteer must be an approved member of (an organisation's
// own award).
func (s *Store) InsertAward(ctx context.Context, a *zhiyuan.Award, memberOf int64, audit *zhiyuan.AuditEntry) error {
	return s.inTx(ctx, func(tx conn) error {
		if memberOf != 0 {
			ok, err := isApprovedMember(ctx, tx, memberOf, a.VolunteerID)
			if err != nil {
				return err
			}
			if !ok {
				return ErrNotMember
			}
		}
		a.CreatedAt = s.now()
		id, err := tx.insert(ctx, `INSERT INTO awards (volunteer_id, recipient_org_id, title, level, awarded_on, certificate_no,
			grantor_org_id, grantor_region, grantor_name, granted_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			nullID(a.VolunteerID), nullID(a.RecipientOrgID), a.Title, string(a.Level), a.AwardedOn, a.CertificateNo,
			nullID(a.GrantorOrgID), a.GrantorRegion, a.GrantorName, a.GrantedBy, a.CreatedAt)
		if err != nil {
			return err
		}
		a.ID = id
		if audit != nil {
			audit.TargetID = strconv.FormatInt(id, 10)
			return s.appendAudit(ctx, tx, audit)
		}
		return nil
	})
}

// RevokeAward withdraws an award with a reason, once: a second revocation (or two at
// once) finds it revoked and answers ErrAwardRevoked. The audit entry is written with it.
func (s *Store) RevokeAward(ctx context.Context, id, by int64, reason string, audit *zhiyuan.AuditEntry) error {
	return s.inTx(ctx, func(tx conn) error {
		res, err := tx.exec(ctx, `UPDATE awards SET revoked_at = ?, revoked_by = ?, revoke_reason = ? WHERE id = ? AND revoked_at IS NULL`,
			s.now(), by, reason, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrAwardRevoked
		}
		if audit != nil {
			return s.appendAudit(ctx, tx, audit)
		}
		return nil
	})
}

const awardView = `SELECT w.id, COALESCE(w.volunteer_id, 0), COALESCE(w.recipient_org_id, 0), w.title, w.level, w.awarded_on,
	w.certificate_no, COALESCE(w.grantor_org_id, 0), w.grantor_region, w.grantor_name, w.granted_by, w.created_at, w.revoked_at,
	COALESCE(w.revoked_by, 0), w.revoke_reason, COALESCE(v.name, ''), COALESCE(v.volunteer_no, ''), COALESCE(ro.name, '')
	FROM awards w LEFT JOIN volunteers v ON v.id = w.volunteer_id LEFT JOIN organizations ro ON ro.id = w.recipient_org_id `

func scanAward(r rowScanner) (zhiyuan.Award, error) {
	var a zhiyuan.Award
	var level string
	var revoked sql.NullTime
	err := r.Scan(&a.ID, &a.VolunteerID, &a.RecipientOrgID, &a.Title, &level, &a.AwardedOn, &a.CertificateNo, &a.GrantorOrgID,
		&a.GrantorRegion, &a.GrantorName, &a.GrantedBy, &a.CreatedAt, &revoked, &a.RevokedBy, &a.RevokeReason,
		&a.VolunteerName, &a.VolunteerNo, &a.RecipientOrgName)
	a.Level, a.CreatedAt, a.RevokedAt = zhiyuan.AwardLevel(level), a.CreatedAt.UTC(), utcOrZero(revoked)
	return a, err
}

// FindAward returns one award, or ENotFound.
func (s *Store) FindAward(ctx context.Context, id int64) (*zhiyuan.Award, error) {
	a, err := scanAward(s.reader().queryRow(ctx, awardView+`WHERE w.id = ?`, id))
	if err == sql.ErrNoRows {
		return nil, notFound("notfound.award")
	}
	if err != nil {
		return nil, err
	}
	return &a, nil
}

// AwardFilter chooses awards: of a volunteer, to an organisation, granted by an
// organisation or in the name of a region (Region set with ByRegion; "" is the platform).
type AwardFilter struct {
	VolunteerID    int64
	RecipientOrgID int64
	GrantorOrgID   int64
	ByRegion       bool
	Region         string
	WithRevoked    bool
}

// Awards lists awards newest first, at most zhiyuan.HonourListMax.
func (s *Store) Awards(ctx context.Context, f AwardFilter) ([]zhiyuan.Award, error) {
	var where []string
	var args []any
	switch {
	case f.VolunteerID != 0:
		where, args = append(where, "w.volunteer_id = ?"), append(args, f.VolunteerID)
	case f.RecipientOrgID != 0:
		where, args = append(where, "w.recipient_org_id = ?"), append(args, f.RecipientOrgID)
	case f.GrantorOrgID != 0:
		where, args = append(where, "w.grantor_org_id = ?"), append(args, f.GrantorOrgID)
	case f.ByRegion:
		where, args = append(where, "w.grantor_org_id IS NULL AND w.grantor_region = ?"), append(args, f.Region)
	default:
		return []zhiyuan.Award{}, nil
	}
	if !f.WithRevoked {
		where = append(where, "w.revoked_at IS NULL")
	}
	return queryAll(ctx, s.reader(), scanAward, awardView+"WHERE "+strings.Join(where, " AND ")+
		" ORDER BY w.awarded_on DESC, w.id DESC LIMIT ?", append(args, zhiyuan.HonourListMax)...)
}

// InsertTraining writes a training record for an approved member of its organisation,
// with its audit entry.
func (s *Store) InsertTraining(ctx context.Context, t *zhiyuan.Training, audit *zhiyuan.AuditEntry) error {
	return s.inTx(ctx, func(tx conn) error {
		ok, err := isApprovedMember(ctx, tx, t.OrgID, t.VolunteerID)
		if err != nil {
			return err
		}
		if !ok {
			return ErrNotMember
		}
		t.CreatedAt = s.now()
		id, err := tx.insert(ctx, `INSERT INTO trainings (org_id, volunteer_id, course, minutes, organiser, trained_on, recorded_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, t.OrgID, t.VolunteerID, t.Course, t.Minutes, t.Organiser, t.TrainedOn, t.RecordedBy, t.CreatedAt)
		if err != nil {
			return err
		}
		t.ID = id
		if audit != nil {
			audit.TargetID = strconv.FormatInt(id, 10)
			return s.appendAudit(ctx, tx, audit)
		}
		return nil
	})
}

const trainingView = `SELECT t.id, t.org_id, t.volunteer_id, t.course, t.minutes, t.organiser, t.trained_on, t.recorded_by, t.created_at,
	o.name, v.name, v.volunteer_no FROM trainings t JOIN organizations o ON o.id = t.org_id JOIN volunteers v ON v.id = t.volunteer_id `

func scanTraining(r rowScanner) (zhiyuan.Training, error) {
	var t zhiyuan.Training
	err := r.Scan(&t.ID, &t.OrgID, &t.VolunteerID, &t.Course, &t.Minutes, &t.Organiser, &t.TrainedOn, &t.RecordedBy, &t.CreatedAt,
		&t.OrgName, &t.VolunteerName, &t.VolunteerNo)
	t.CreatedAt = t.CreatedAt.UTC()
	return t, err
}

// Trainings lists a volunteer's training records (volunteerID) or an organisation's
// (orgID), newest first, at most zhiyuan.HonourListMax.
func (s *Store) Trainings(ctx context.Context, volunteerID, orgID int64) ([]zhiyuan.Training, error) {
	if volunteerID != 0 {
		return queryAll(ctx, s.reader(), scanTraining, trainingView+`WHERE t.volunteer_id = ? ORDER BY t.trained_on DESC, t.id DESC LIMIT ?`,
			volunteerID, zhiyuan.HonourListMax)
	}
	return queryAll(ctx, s.reader(), scanTraining, trainingView+`WHERE t.org_id = ? ORDER BY t.id DESC LIMIT ?`, orgID, zhiyuan.HonourListMax)
}

// evaluationTable is one of the two evaluation tables; both have the same columns.
type evaluationTable string

// The evaluation tables.
const (
	OfVolunteer evaluationTable = "volunteer_evaluations" // an organiser rates a volunteer
	OfActivity  evaluationTable = "activity_evaluations"  // a volunteer rates the activity
)

// SaveEvaluation writes e (session, volunteer, rating, comment, rater; activity and
// organisation from the session) into table, or updates the one already there for the
// volunteer and session: two submissions at once leave one row, the later one's words.
// The volunteer must have attended the session.
func (s *Store) SaveEvaluation(ctx context.Context, table evaluationTable, e *zhiyuan.Evaluation) error {
	if table != OfVolunteer && table != OfActivity {
		panic("sqlstore: unknown evaluation table " + string(table))
	}
	return s.inTx(ctx, func(tx conn) error {
		ok, err := attended(ctx, tx, e.SessionID, e.VolunteerID)
		if err != nil {
			return err
		}
		if !ok {
			if table == OfActivity {
				return ErrSelfNotAttended
			}
			return ErrNotAttended
		}
		now := s.now()
		e.UpdatedAt = now
		return tx.queryRow(ctx, `INSERT INTO `+string(table)+` (session_id, activity_id, org_id, volunteer_id, rating, comment, rated_by,
			created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (session_id, volunteer_id) DO UPDATE SET rating = excluded.rating, comment = excluded.comment,
			rated_by = excluded.rated_by, updated_at = excluded.updated_at RETURNING id, created_at`,
			e.SessionID, e.ActivityID, e.OrgID, e.VolunteerID, e.Rating, e.Comment, e.RatedBy, now, now).Scan(&e.ID, &e.CreatedAt)
	})
}

func evaluationView(table evaluationTable) string {
	return `SELECT e.id, e.session_id, e.activity_id, e.org_id, e.volunteer_id, e.rating, e.comment, e.rated_by, e.created_at, e.updated_at,
	a.title, se.starts_at, se.ends_at, v.name, v.volunteer_no FROM ` + string(table) + ` e
	JOIN activity_sessions se ON se.id = e.session_id JOIN activities a ON a.id = e.activity_id JOIN volunteers v ON v.id = e.volunteer_id `
}

func scanEvaluation(r rowScanner) (zhiyuan.Evaluation, error) {
	var e zhiyuan.Evaluation
	err := r.Scan(&e.ID, &e.SessionID, &e.ActivityID, &e.OrgID, &e.VolunteerID, &e.Rating, &e.Comment, &e.RatedBy, &e.CreatedAt,
		&e.UpdatedAt, &e.ActivityTitle, &e.SessionStartsAt, &e.SessionEndsAt, &e.VolunteerName, &e.VolunteerNo)
	e.CreatedAt, e.UpdatedAt, e.SessionStartsAt, e.SessionEndsAt = e.CreatedAt.UTC(), e.UpdatedAt.UTC(), e.SessionStartsAt.UTC(), e.SessionEndsAt.UTC()
	return e, err
}

// SessionEvaluations lists a session's evaluations in table, by volunteer.
func (s *Store) SessionEvaluations(ctx context.Context, table evaluationTable, sessionID int64) ([]zhiyuan.Evaluation, error) {
	return queryAll(ctx, s.reader(), scanEvaluation, evaluationView(table)+`WHERE e.session_id = ? ORDER BY e.volunteer_id`, sessionID)
}

// SessionAttendees lists who attended a session (as attended defines it), with the
// organiser's evaluation of each when there is one (Rating 0 otherwise), by name order of
// arrival: attendance first, then those credited by hours alone.
func (s *Store) SessionAttendees(ctx context.Context, sessionID int64) ([]zhiyuan.Evaluation, error) {
	return queryAll(ctx, s.reader(), func(r rowScanner) (zhiyuan.Evaluation, error) {
		var e zhiyuan.Evaluation
		err := r.Scan(&e.VolunteerID, &e.VolunteerName, &e.VolunteerNo, &e.ID, &e.Rating, &e.Comment)
		e.SessionID = sessionID
		return e, err
	}, `SELECT v.id, v.name, v.volunteer_no, COALESCE(e.id, 0), COALESCE(e.rating, 0), COALESCE(e.comment, '')
		FROM volunteers v LEFT JOIN volunteer_evaluations e ON e.session_id = ? AND e.volunteer_id = v.id
		WHERE v.id IN (SELECT volunteer_id FROM attendance WHERE session_id = ?
			UNION SELECT volunteer_id FROM hour_entries WHERE session_id = ? AND kind <> 'correction')
		ORDER BY v.id LIMIT 1000`, sessionID, sessionID, sessionID)
}

// RatingSummary counts and averages the evaluations in table of a volunteer (rated, for
// OfVolunteer; rating, for OfActivity) when volunteerID is set, else of an activity.
func (s *Store) RatingSummary(ctx context.Context, table evaluationTable, volunteerID, activityID int64) (zhiyuan.RatingSummary, error) {
	var r zhiyuan.RatingSummary
	var avg sql.NullFloat64
	col, id := "volunteer_id", volunteerID
	if volunteerID == 0 {
		col, id = "activity_id", activityID
	}
	err := s.reader().queryRow(ctx, `SELECT COUNT(*), AVG(CAST(rating AS REAL)) FROM `+string(table)+` WHERE `+col+` = ?`, id).Scan(&r.Count, &avg)
	r.Average = avg.Float64
	return r, err
}

// AttendedSessions lists the sessions a volunteer attended, newest first (at most 50),
// each with the volunteer's own evaluation of the activity when there is one (Rating 0
// otherwise): what the honour page offers to rate.
func (s *Store) AttendedSessions(ctx context.Context, volunteerID int64) ([]zhiyuan.Evaluation, error) {
	return queryAll(ctx, s.reader(), func(r rowScanner) (zhiyuan.Evaluation, error) {
		var e zhiyuan.Evaluation
		err := r.Scan(&e.SessionID, &e.ActivityID, &e.OrgID, &e.ActivityTitle, &e.SessionStartsAt, &e.SessionEndsAt, &e.ID, &e.Rating, &e.Comment)
		e.VolunteerID, e.SessionStartsAt, e.SessionEndsAt = volunteerID, e.SessionStartsAt.UTC(), e.SessionEndsAt.UTC()
		return e, err
	}, `SELECT se.id, a.id, a.org_id, a.title, se.starts_at, se.ends_at, COALESCE(e.id, 0), COALESCE(e.rating, 0), COALESCE(e.comment, '')
		FROM activity_sessions se JOIN activities a ON a.id = se.activity_id
		LEFT JOIN activity_evaluations e ON e.session_id = se.id AND e.volunteer_id = ?
		WHERE se.id IN (SELECT session_id FROM attendance WHERE volunteer_id = ?
			UNION SELECT session_id FROM hour_entries WHERE volunteer_id = ? AND session_id IS NOT NULL AND kind <> 'correction')
		ORDER BY se.starts_at DESC LIMIT 50`, volunteerID, volunteerID, volunteerID)
}

// InsertCareVisit writes a care visit for an approved member of its organisation, with
// its audit entry.
func (s *Store) InsertCareVisit(ctx context.Context, c *zhiyuan.CareVisit, audit *zhiyuan.AuditEntry) error {
	return s.inTx(ctx, func(tx conn) error {
		ok, err := isApprovedMember(ctx, tx, c.OrgID, c.VolunteerID)
		if err != nil {
			return err
		}
		if !ok {
			return ErrNotMember
		}
		c.CreatedAt = s.now()
		id, err := tx.insert(ctx, `INSERT INTO care_visits (org_id, volunteer_id, region_code, visited_on, kind, note, recorded_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, c.OrgID, c.VolunteerID, c.RegionCode, c.VisitedOn, c.Kind, c.Note, c.RecordedBy, c.CreatedAt)
		if err != nil {
			return err
		}
		c.ID = id
		if audit != nil {
			audit.TargetID = strconv.FormatInt(id, 10)
			return s.appendAudit(ctx, tx, audit)
		}
		return nil
	})
}

const careView = `SELECT c.id, c.org_id, c.volunteer_id, c.region_code, c.visited_on, c.kind, c.note, c.recorded_by, c.created_at,
	o.name, v.name, v.volunteer_no FROM care_visits c JOIN organizations o ON o.id = c.org_id JOIN volunteers v ON v.id = c.volunteer_id `

func scanCare(r rowScanner) (zhiyuan.CareVisit, error) {
	var c zhiyuan.CareVisit
	err := r.Scan(&c.ID, &c.OrgID, &c.VolunteerID, &c.RegionCode, &c.VisitedOn, &c.Kind, &c.Note, &c.RecordedBy, &c.CreatedAt,
		&c.OrgName, &c.VolunteerName, &c.VolunteerNo)
	c.CreatedAt = c.CreatedAt.UTC()
	return c, err
}

// FindCareVisit returns one care visit, or ENotFound.
func (s *Store) FindCareVisit(ctx context.Context, id int64) (*zhiyuan.CareVisit, error) {
	c, err := scanCare(s.reader().queryRow(ctx, careView+`WHERE c.id = ?`, id))
	if err == sql.ErrNoRows {
		return nil, notFound("notfound.care_visit")
	}
	if err != nil {
		return nil, err
	}
	return &c, nil
}

// CareVisits lists a volunteer's care visits (volunteerID) or an organisation's (orgID),
// newest first, at most zhiyuan.HonourListMax.
func (s *Store) CareVisits(ctx context.Context, volunteerID, orgID int64) ([]zhiyuan.CareVisit, error) {
	if volunteerID != 0 {
		return queryAll(ctx, s.reader(), scanCare, careView+`WHERE c.volunteer_id = ? ORDER BY c.visited_on DESC, c.id DESC LIMIT ?`,
			volunteerID, zhiyuan.HonourListMax)
	}
	return queryAll(ctx, s.reader(), scanCare, careView+`WHERE c.org_id = ? ORDER BY c.id DESC LIMIT ?`, orgID, zhiyuan.HonourListMax)
}

// honoursChangedSince reports whether an award of the volunteer was granted or revoked,
// or a training recorded, after t: what a proof issued at t would no longer show.
func honoursChangedSince(ctx context.Context, c conn, volunteerID int64, t time.Time) (bool, error) {
	var n int
	err := c.queryRow(ctx, `SELECT (SELECT COUNT(*) FROM awards WHERE volunteer_id = ? AND (created_at >= ? OR revoked_at >= ?))
		+ (SELECT COUNT(*) FROM trainings WHERE volunteer_id = ? AND created_at >= ?)`, volunteerID, t, t, volunteerID, t).Scan(&n)
	return n > 0, err
}
