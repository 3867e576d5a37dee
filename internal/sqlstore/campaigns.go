package sqlstore

import (
	"context"
	"database/sql"
	"strings"

	"zhiyuan"
)

// Campaigns (issue 16) and the activities entered into them. The contest's figures are
// kept in campaign_units by the confirmation trigger of migration 0028; entering an
// activity adds what it had confirmed before, in the entering transaction, and refusing
// one recounts the campaign (RecountCampaign).

const campaignCols = `c.id, c.name, c.theme, c.description, c.starts_on, c.ends_on, c.region_code, c.categories, c.keywords,
	c.status, c.created_by, c.created_at`

func scanCampaign(r rowScanner) (*zhiyuan.Campaign, error) {
	var c zhiyuan.Campaign
	var cats, kws, status string
	if err := r.Scan(&c.ID, &c.Name, &c.Theme, &c.Description, &c.StartsOn, &c.EndsOn, &c.RegionCode, &cats, &kws,
		&status, &c.CreatedBy, &c.CreatedAt); err != nil {
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
	c.CreatedAt, c.Status = s.now(), zhiyuan.CampaignOpen
	cats := make([]string, len(c.Categories))
	for i, cat := range c.Categories {
		cats[i] = string(cat)
	}
	id, err := s.writer().insert(ctx, `INSERT INTO campaigns (name, theme, description, starts_on, ends_on, region_code,
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
	if _, err := tx.exec(ctx, `INSERT INTO campaign_units (campaign_id, level, unit, activities, minutes, participants)
		SELECT campaign_id, level, unit, 1, 0, 0 FROM campaign_src_activities WHERE campaign_id = ? AND activity_id = ?
		ON CONFLICT (campaign_id, level, unit) DO UPDATE SET activities = campaign_units.activities + 1`,
		campaignID, activityID); err != nil {
		return err
	}
	if _, err := tx.exec(ctx, `INSERT INTO campaign_units (campaign_id, level, unit, activities, minutes, participants)
		SELECT h.campaign_id, h.level, h.unit, 0, SUM(h.minutes), COUNT(DISTINCT CASE WHEN h.minutes > 0 AND NOT EXISTS (
			SELECT 1 FROM campaign_people p WHERE p.campaign_id = h.campaign_id AND p.level = h.level AND p.unit = h.unit
			AND p.volunteer_id = h.volunteer_id) THEN h.volunteer_id END)
		FROM campaign_src_hours h WHERE h.campaign_id = ? AND h.activity_id = ? GROUP BY h.campaign_id, h.level, h.unit
		ON CONFLICT (campaign_id, level, unit) DO UPDATE SET minutes = campaign_units.minutes + EXCLUDED.minutes,
			participants = campaign_units.participants + EXCLUDED.participants`, campaignID, activityID); err != nil {
		return err
	}
	_, err := tx.exec(ctx, `INSERT INTO campaign_people (campaign_id, level, unit, volunteer_id)
		SELECT DISTINCT h.campaign_id, h.level, h.unit, h.volunteer_id FROM campaign_src_hours h
		WHERE h.campaign_id = ? AND h.activity_id = ? AND h.minutes > 0 ON CONFLICT DO NOTHING`, campaignID, activityID)
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
		`INSERT INTO campaign_people (campaign_id, level, unit, volunteer_id)
			SELECT DISTINCT campaign_id, level, unit, volunteer_id FROM campaign_src_hours WHERE campaign_id = ? AND minutes > 0`,
		`INSERT INTO campaign_units (campaign_id, level, unit, activities, minutes, participants)
			SELECT campaign_id, level, unit, 0, SUM(minutes), COUNT(DISTINCT CASE WHEN minutes > 0 THEN volunteer_id END)
			FROM campaign_src_hours WHERE campaign_id = ? GROUP BY campaign_id, level, unit`,
		`INSERT INTO campaign_units (campaign_id, level, unit, activities, minutes, participants)
			SELECT campaign_id, level, unit, COUNT(*), 0, 0 FROM campaign_src_activities WHERE campaign_id = ?
			GROUP BY campaign_id, level, unit
			ON CONFLICT (campaign_id, level, unit) DO UPDATE SET activities = EXCLUDED.activities`,
	} {
		if _, err := tx.exec(ctx, q, campaignID); err != nil {
			return err
		}
	}
	return nil
}
