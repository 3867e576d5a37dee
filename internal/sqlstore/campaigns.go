package sqlstore

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"time"

	"zhiyuan"
)

// Campaigns (issue 16) and the activities entered into them. The contest's figures are
// kept in campaign_units by the confirmation trigger of migration 0028; entering an
// activity adds what it had confirmed before, in the entering transaction, and refusing
// one recounts the campaign (RecountCampaign).

const campaignCols = `c.id, c.name, c.theme, c.description, c.starts_on, c.ends_on, c.region_code, c.categories, c.keywords,
	c.status, COALESCE((SELECT cv.version FROM campaign_covers cv WHERE cv.campaign_id = c.id), 0), c.created_by, c.created_at`

func scanCampaign(r rowScanner) (*zhiyuan.Campaign, error) {
	var c zhiyuan.Campaign
	var cats, kws, status string
	if err := r.Scan(&c.ID, &c.Name, &c.Theme, &c.Description, &c.StartsOn, &c.EndsOn, &c.RegionCode, &cats, &kws,
		&status, &c.CoverVersion, &c.CreatedBy, &c.CreatedAt); err != nil {
		return nil, err
	}
	for _, s := range splitLines(cats) {
		c.Categories = append(c.Categories, zhiyuan.Category(s))
	}
	c.Keywords = splitLines(kws)
	c.Status = zhiyuan.CampaignStatus(status)
	c.CreatedAt = c.CreatedAt.UTC()
	return &c, nil
}

// CreateCampaign inserts a validated campaign, open.
func (s *Store) CreateCampaign(ctx context.Context, c *zhiyuan.Campaign) error {
	return s.createCampaign(ctx, s.writer(), c)
}

// CreateCampaignWithCover inserts a validated campaign with its cover (already
// re-encoded) in one transaction: a campaign never exists without the cover it was
// created with.
func (s *Store) CreateCampaignWithCover(ctx context.Context, c *zhiyuan.Campaign, cover []byte) error {
	return s.inTx(ctx, func(tx conn) error {
		if err := s.createCampaign(ctx, tx, c); err != nil {
			return err
		}
		v, err := s.setCampaignCover(ctx, tx, c.ID, cover, c.CreatedBy)
		c.CoverVersion = v
		return err
	})
}

// SetCampaignCover stores a campaign's new cover (already re-encoded) and its audit entry
// in one transaction and returns the cover's version.
func (s *Store) SetCampaignCover(ctx context.Context, campaignID int64, cover []byte, by int64, audit *zhiyuan.AuditEntry) (int64, error) {
	var v int64
	err := s.inTx(ctx, func(tx conn) (err error) {
		if v, err = s.setCampaignCover(ctx, tx, campaignID, cover, by); err != nil {
			return err
		}
		if audit != nil {
			return s.appendAudit(ctx, tx, audit)
		}
		return nil
	})
	return v, err
}

// setCampaignCover upserts the cover, one version up from the last.
func (s *Store) setCampaignCover(ctx context.Context, tx conn, campaignID int64, cover []byte, by int64) (int64, error) {
	var v int64
	err := tx.queryRow(ctx, `INSERT INTO campaign_covers (campaign_id, image, version, updated_by, updated_at)
		VALUES (?, ?, 1, ?, ?) ON CONFLICT (campaign_id) DO UPDATE SET image = excluded.image,
		version = campaign_covers.version + 1, updated_by = excluded.updated_by, updated_at = excluded.updated_at
		RETURNING version`, campaignID, cover, by, s.now()).Scan(&v)
	return v, err
}

// CampaignCover returns a campaign's cover and its version, or ENotFound without one.
func (s *Store) CampaignCover(ctx context.Context, campaignID int64) ([]byte, int64, error) {
	var img []byte
	var v int64
	err := s.reader().queryRow(ctx, `SELECT image, version FROM campaign_covers WHERE campaign_id = ?`, campaignID).Scan(&img, &v)
	if err == sql.ErrNoRows {
		return nil, 0, notFound("notfound.campaign_cover")
	}
	return img, v, err
}

func (s *Store) createCampaign(ctx context.Context, db conn, c *zhiyuan.Campaign) error {
	c.CreatedAt, c.Status = s.now(), zhiyuan.CampaignOpen
	cats := make([]string, len(c.Categories))
	for i, cat := range c.Categories {
		cats[i] = string(cat)
	}
	id, err := db.insert(ctx, `INSERT INTO campaigns (name, theme, description, starts_on, ends_on, region_code,
		categories, keywords, status, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		c.Name, c.Theme, c.Description, c.StartsOn, c.EndsOn, c.RegionCode, strings.Join(cats, "\n"),
		strings.Join(c.Keywords, "\n"), string(c.Status), c.CreatedBy, c.CreatedAt)
	if err != nil {
		return err
	}
	c.ID = id
	return nil
}

// FindCampaign returns one campaign or ENotFound.
func (s *Store) FindCampaign(ctx context.Context, id int64) (*zhiyuan.Campaign, error) {
	c, err := scanCampaign(s.reader().queryRow(ctx, `SELECT `+campaignCols+` FROM campaigns c WHERE c.id = ?`, id))
	if err == sql.ErrNoRows {
		return nil, notFound("notfound.campaign")
	}
	return c, err
}

// FindCampaigns lists campaigns, the latest first.
func (s *Store) FindCampaigns(ctx context.Context, limit int) ([]*zhiyuan.Campaign, error) {
	if limit <= 0 {
		limit = 100
	}
	return queryAll(ctx, s.reader(), scanCampaign, `SELECT `+campaignCols+` FROM campaigns c
		ORDER BY c.starts_on DESC, c.id DESC LIMIT ?`, limit)
}

// CampaignsOfActivity lists the campaigns an activity was entered into (refused ones too).
func (s *Store) CampaignsOfActivity(ctx context.Context, activityID int64) ([]zhiyuan.CampaignEntry, error) {
	return queryAll(ctx, s.reader(), scanCampaignEntry, `SELECT `+campaignEntryCols+` FROM campaign_activities ca
		JOIN activities a ON a.id = ca.activity_id JOIN organizations o ON o.id = a.org_id
		WHERE ca.activity_id = ? ORDER BY ca.entered_at, ca.campaign_id`, activityID)
}

const campaignEntryCols = `ca.campaign_id, ca.activity_id, ca.status, ca.entered_by, ca.entered_at, ca.reason, ca.refused_at,
	a.title, a.org_id, o.name, a.region_code, a.category`

func scanCampaignEntry(r rowScanner) (zhiyuan.CampaignEntry, error) {
	var e zhiyuan.CampaignEntry
	var status, cat string
	var refused sql.NullTime
	err := r.Scan(&e.CampaignID, &e.ActivityID, &status, &e.EnteredBy, &e.EnteredAt, &e.Reason, &refused,
		&e.Title, &e.OrgID, &e.OrgName, &e.RegionCode, &cat)
	e.Status, e.Category, e.EnteredAt = zhiyuan.CampaignEntryStatus(status), zhiyuan.Category(cat), e.EnteredAt.UTC()
	if refused.Valid {
		t := refused.Time.UTC()
		e.RefusedAt = &t
	}
	return e, err
}

// FindCampaignEntry returns one activity's entry into a campaign, or ENotFound.
func (s *Store) FindCampaignEntry(ctx context.Context, campaignID, activityID int64) (*zhiyuan.CampaignEntry, error) {
	e, err := scanCampaignEntry(s.reader().queryRow(ctx, `SELECT `+campaignEntryCols+` FROM campaign_activities ca
		JOIN activities a ON a.id = ca.activity_id JOIN organizations o ON o.id = a.org_id
		WHERE ca.campaign_id = ? AND ca.activity_id = ?`, campaignID, activityID))
	if err == sql.ErrNoRows {
		return nil, notFound("notfound.campaign")
	}
	return &e, err
}

// EnterCampaign enters an activity into a campaign and, in the same transaction, adds the
// hours it had confirmed before to the campaign's figures: an activity counts with all its
// confirmed hours from the moment it is entered. A second entry (or one after a refusal)
// is EConflict. The activity lock makes a confirmation in flight either finish first (and
// be added here) or wait and see the entry (and add itself).
func (s *Store) EnterCampaign(ctx context.Context, campaignID, activityID, by int64) (*zhiyuan.CampaignEntry, error) {
	err := s.inTx(ctx, func(tx conn) error {
		if err := s.dialect.lockCampaignActivity(ctx, tx, activityID); err != nil {
			return err
		}
		res, err := tx.exec(ctx, `INSERT INTO campaign_activities (campaign_id, activity_id, status, entered_by, entered_at)
			VALUES (?, ?, 'entered', ?, ?) ON CONFLICT (campaign_id, activity_id) DO NOTHING`, campaignID, activityID, by, s.now())
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			var status string
			if err := tx.queryRow(ctx, `SELECT status FROM campaign_activities WHERE campaign_id = ? AND activity_id = ?`,
				campaignID, activityID).Scan(&status); err != nil {
				return err
			}
			if status == string(zhiyuan.CampaignRefused) {
				return zhiyuan.FieldFail(zhiyuan.EConflict, "campaign_id", "campaign.refused_before")
			}
			return zhiyuan.FieldFail(zhiyuan.EConflict, "campaign_id", "campaign.already_entered")
		}
		return s.addCampaignActivity(ctx, tx, campaignID, activityID)
	})
	if err != nil {
		return nil, err
	}
	return s.FindCampaignEntry(ctx, campaignID, activityID)
}

// addCampaignActivity counts one newly entered activity: its place under each level and
// the hours confirmed in it so far, each volunteer once per unit.
func (s *Store) addCampaignActivity(ctx context.Context, tx conn, campaignID, activityID int64) error {
	if _, err := tx.exec(ctx, `INSERT INTO campaign_units (campaign_id, level, unit, activities, sessions, minutes, participants)
		SELECT campaign_id, level, unit, 1, 0, 0, 0 FROM campaign_src_activities WHERE campaign_id = ? AND activity_id = ?
		ON CONFLICT (campaign_id, level, unit) DO UPDATE SET activities = campaign_units.activities + 1`,
		campaignID, activityID); err != nil {
		return err
	}
	// The activity's sessions are new to the campaign (it was never in it before).
	if _, err := tx.exec(ctx, `INSERT INTO campaign_units (campaign_id, level, unit, activities, sessions, minutes, participants)
		SELECT h.campaign_id, h.level, h.unit, 0, COUNT(DISTINCT CASE WHEN h.minutes > 0 THEN h.session_id END), SUM(h.minutes),
			COUNT(DISTINCT CASE WHEN h.minutes > 0 AND NOT EXISTS (
			SELECT 1 FROM campaign_people p WHERE p.campaign_id = h.campaign_id AND p.level = h.level AND p.unit = h.unit
			AND p.volunteer_id = h.volunteer_id) THEN h.volunteer_id END)
		FROM campaign_src_hours h WHERE h.campaign_id = ? AND h.activity_id = ? GROUP BY h.campaign_id, h.level, h.unit
		ON CONFLICT (campaign_id, level, unit) DO UPDATE SET sessions = campaign_units.sessions + EXCLUDED.sessions,
			minutes = campaign_units.minutes + EXCLUDED.minutes, participants = campaign_units.participants + EXCLUDED.participants`,
		campaignID, activityID); err != nil {
		return err
	}
	if _, err := tx.exec(ctx, `INSERT INTO campaign_people (campaign_id, level, unit, volunteer_id)
		SELECT DISTINCT h.campaign_id, h.level, h.unit, h.volunteer_id FROM campaign_src_hours h
		WHERE h.campaign_id = ? AND h.activity_id = ? AND h.minutes > 0 ON CONFLICT DO NOTHING`, campaignID, activityID); err != nil {
		return err
	}
	_, err := tx.exec(ctx, `INSERT INTO campaign_sessions (campaign_id, session_id)
		SELECT DISTINCT h.campaign_id, h.session_id FROM campaign_src_hours h
		WHERE h.campaign_id = ? AND h.activity_id = ? AND h.level = 'all' AND h.minutes > 0 ON CONFLICT DO NOTHING`, campaignID, activityID)
	return err
}

// RefuseCampaignEntry turns an entered activity away with a reason (a conditional UPDATE
// from 'entered': of two refusals one wins, the other is EConflict) and recounts the
// campaign's figures without it.
func (s *Store) RefuseCampaignEntry(ctx context.Context, campaignID, activityID, by int64, reason string) (*zhiyuan.CampaignEntry, error) {
	err := s.inTx(ctx, func(tx conn) error {
		if err := s.dialect.lockCampaignActivity(ctx, tx, activityID); err != nil {
			return err
		}
		res, err := tx.exec(ctx, `UPDATE campaign_activities SET status = 'refused', reason = ?, refused_by = ?, refused_at = ?
			WHERE campaign_id = ? AND activity_id = ? AND status = 'entered'`, reason, by, s.now(), campaignID, activityID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			var status string
			err := tx.queryRow(ctx, `SELECT status FROM campaign_activities WHERE campaign_id = ? AND activity_id = ?`,
				campaignID, activityID).Scan(&status)
			if err == sql.ErrNoRows {
				return notFound("notfound.campaign")
			}
			if err != nil {
				return err
			}
			return zhiyuan.Fail(zhiyuan.EConflict, "campaign.not_entered", "status", zhiyuan.CampaignEntryStatus(status).Chinese())
		}
		return s.recountCampaign(ctx, tx, campaignID)
	})
	if err != nil {
		return nil, err
	}
	return s.FindCampaignEntry(ctx, campaignID, activityID)
}

// RecountCampaign rebuilds one campaign's figures from its rows (the same views the
// trigger reads), in one transaction.
func (s *Store) RecountCampaign(ctx context.Context, campaignID int64) error {
	return s.inTx(ctx, func(tx conn) error { return s.recountCampaign(ctx, tx, campaignID) })
}

func (s *Store) recountCampaign(ctx context.Context, tx conn, campaignID int64) error {
	for _, q := range []string{
		`DELETE FROM campaign_units WHERE campaign_id = ?`,
		`DELETE FROM campaign_people WHERE campaign_id = ?`,
		`DELETE FROM campaign_sessions WHERE campaign_id = ?`,
		`INSERT INTO campaign_sessions (campaign_id, session_id)
			SELECT DISTINCT campaign_id, session_id FROM campaign_src_hours WHERE campaign_id = ? AND level = 'all' AND minutes > 0`,
		`INSERT INTO campaign_people (campaign_id, level, unit, volunteer_id)
			SELECT DISTINCT campaign_id, level, unit, volunteer_id FROM campaign_src_hours WHERE campaign_id = ? AND minutes > 0`,
		`INSERT INTO campaign_units (campaign_id, level, unit, activities, sessions, minutes, participants)
			SELECT campaign_id, level, unit, 0, COUNT(DISTINCT CASE WHEN minutes > 0 THEN session_id END), SUM(minutes),
				COUNT(DISTINCT CASE WHEN minutes > 0 THEN volunteer_id END)
			FROM campaign_src_hours WHERE campaign_id = ? GROUP BY campaign_id, level, unit`,
		`INSERT INTO campaign_units (campaign_id, level, unit, activities, sessions, minutes, participants)
			SELECT campaign_id, level, unit, COUNT(*), 0, 0, 0 FROM campaign_src_activities WHERE campaign_id = ?
			GROUP BY campaign_id, level, unit
			ON CONFLICT (campaign_id, level, unit) DO UPDATE SET activities = EXCLUDED.activities`,
	} {
		if _, err := tx.exec(ctx, q, campaignID); err != nil {
			return err
		}
	}
	return nil
}

// CampaignActivityFilter selects a campaign's activities for its page. Terms match like
// the main search (every term in the activity's indexed title and description).
type CampaignActivityFilter struct {
	CampaignID   int64
	Query        string
	Category     zhiyuan.Category
	RegionPrefix string
	Status       zhiyuan.CampaignEntryStatus // "": entered
	Before       int64                       // keyset: activities with a smaller id
	Limit        int
}

// CampaignActivities lists a campaign's activities, the latest entered first, by keyset
// on the activity id.
func (s *Store) CampaignActivities(ctx context.Context, f CampaignActivityFilter) ([]zhiyuan.CampaignEntry, error) {
	status := f.Status
	if status == "" {
		status = zhiyuan.CampaignEntered
	}
	q := `SELECT ` + campaignEntryCols + ` FROM campaign_activities ca
		JOIN activities a ON a.id = ca.activity_id JOIN organizations o ON o.id = a.org_id
		WHERE ca.campaign_id = ? AND ca.status = ?`
	args := []any{f.CampaignID, string(status)}
	for _, t := range queryTerms(f.Query) {
		q += ` AND ca.activity_id IN (SELECT t.activity_id FROM activity_terms t WHERE t.term = ?)`
		args = append(args, t)
	}
	if f.Category != "" {
		q += ` AND a.category = ?`
		args = append(args, string(f.Category))
	}
	if f.RegionPrefix != "" {
		lo, hi := regionRange(f.RegionPrefix)
		q += ` AND a.region_code >= ? AND a.region_code < ?`
		args = append(args, lo, hi)
	}
	if f.Before > 0 {
		q += ` AND ca.activity_id < ?`
		args = append(args, f.Before)
	}
	limit := f.Limit
	if limit <= 0 || limit > zhiyuan.CampaignListMax {
		limit = zhiyuan.CampaignListMax
	}
	q += ` ORDER BY ca.activity_id DESC LIMIT ?`
	args = append(args, limit)
	return queryAll(ctx, s.reader(), scanCampaignEntry, q, args...)
}

// CampaignUnits returns a campaign's kept figures under one level ("all", "city",
// "district", "org", "day"): one row per unit, with the organisation's name at org level.
// It reads campaign_units only, so it costs the number of units, not of hour entries.
func (s *Store) CampaignUnits(ctx context.Context, campaignID int64, level string) ([]zhiyuan.RankRow, error) {
	rows, err := queryAll(ctx, s.reader(), func(r rowScanner) (zhiyuan.RankRow, error) {
		var row zhiyuan.RankRow
		err := r.Scan(&row.Unit, &row.Activities, &row.Sessions, &row.Minutes, &row.Participants)
		return row, err
	}, `SELECT unit, activities, sessions, minutes, participants FROM campaign_units WHERE campaign_id = ? AND level = ? ORDER BY unit`,
		campaignID, level)
	if err != nil || level != string(zhiyuan.RankOrg) || len(rows) == 0 {
		return rows, err
	}
	ids := make([]int64, 0, len(rows))
	for _, r := range rows {
		if id, err := strconv.ParseInt(r.Unit, 10, 64); err == nil {
			ids = append(ids, id)
		}
	}
	names := map[string]string{}
	for start := 0; start < len(ids); start += 500 {
		part := ids[start:min(start+500, len(ids))]
		got, err := queryAll(ctx, s.reader(), func(r rowScanner) ([2]string, error) {
			var kv [2]string
			err := r.Scan(&kv[0], &kv[1])
			return kv, err
		}, `SELECT CAST(id AS TEXT), name FROM organizations WHERE id IN (`+placeholders(len(part))+`)`, int64Args(part)...)
		if err != nil {
			return nil, err
		}
		for _, kv := range got {
			names[kv[0]] = kv[1]
		}
	}
	for i := range rows {
		rows[i].Name = names[rows[i].Unit]
	}
	return rows, nil
}

// RegisteredByRegion counts the volunteers registered and not closed under scope, by
// the first digits of their region code (4: city, 6: district), from the figures'
// summary rows (fig_volunteers), so it costs regions and months, not volunteers.
func (s *Store) RegisteredByRegion(ctx context.Context, scope string, digits int) (map[string]int, error) {
	lo, hi := regionRange(zhiyuan.ScopePrefix(scope))
	return s.countsBy(ctx, `SELECT substr(region_code, 1, `+strconv.Itoa(digits)+`), SUM(registered - closed) FROM fig_volunteers
		WHERE region_code >= ? AND region_code < ? GROUP BY substr(region_code, 1, `+strconv.Itoa(digits)+`)`, lo, hi)
}

// RegistrationsByRegion counts the volunteers who registered under scope in [from,
// until), by the first digits of their region code; the index on created_at bounds it
// by the registrations of the period.
func (s *Store) RegistrationsByRegion(ctx context.Context, scope string, digits int, from, until time.Time) (map[string]int, error) {
	lo, hi := regionRange(zhiyuan.ScopePrefix(scope))
	return s.countsBy(ctx, `SELECT substr(region_code, 1, `+strconv.Itoa(digits)+`), COUNT(*) FROM volunteers
		WHERE created_at >= ? AND created_at < ? AND region_code >= ? AND region_code < ?
		GROUP BY substr(region_code, 1, `+strconv.Itoa(digits)+`)`, from.UTC(), until.UTC(), lo, hi)
}

// OrgMembers returns the organisations' approved member counts (their kept counter).
func (s *Store) OrgMembers(ctx context.Context, ids []int64) (map[string]int, error) {
	if len(ids) == 0 {
		return map[string]int{}, nil
	}
	return s.countsBy(ctx, `SELECT CAST(id AS TEXT), member_count FROM organizations WHERE id IN (`+placeholders(len(ids))+`)`,
		int64Args(ids)...)
}

// OrgNewMembers counts, per organisation, the members approved in [from, until).
func (s *Store) OrgNewMembers(ctx context.Context, ids []int64, from, until time.Time) (map[string]int, error) {
	if len(ids) == 0 {
		return map[string]int{}, nil
	}
	args := append(int64Args(ids), from.UTC(), until.UTC())
	return s.countsBy(ctx, `SELECT CAST(org_id AS TEXT), COUNT(*) FROM org_members
		WHERE org_id IN (`+placeholders(len(ids))+`) AND status = 'approved' AND decided_at >= ? AND decided_at < ?
		GROUP BY org_id`, args...)
}

func (s *Store) countsBy(ctx context.Context, q string, args ...any) (map[string]int, error) {
	rows, err := s.reader().query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var k string
		var n int64
		if err := rows.Scan(&k, &n); err != nil {
			return nil, err
		}
		out[k] += int(n)
	}
	return out, rows.Err()
}

// BulkEnterCampaign enters many activities into a campaign at once (demo data and
// benchmarks; people enter one at a time through EnterCampaign) and recounts the
// campaign's figures, in one transaction. Activities already in the campaign are left as
// they are.
func (s *Store) BulkEnterCampaign(ctx context.Context, campaignID int64, activityIDs []int64, by int64) error {
	const per = 500 // rows per INSERT: 4 columns × 500 stays under both engines' limits
	now := s.now()
	return s.inTx(ctx, func(tx conn) error {
		for start := 0; start < len(activityIDs); start += per {
			chunk := activityIDs[start:min(start+per, len(activityIDs))]
			args := make([]any, 0, 4*len(chunk))
			for _, id := range chunk {
				args = append(args, campaignID, id, by, now)
			}
			if _, err := tx.exec(ctx, `INSERT INTO campaign_activities (campaign_id, activity_id, entered_by, entered_at) VALUES `+
				strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?), ", len(chunk)), ", ")+
				` ON CONFLICT (campaign_id, activity_id) DO NOTHING`, args...); err != nil {
				return err
			}
		}
		return s.recountCampaign(ctx, tx, campaignID)
	})
}
