package sqlstore

import (
	"context"
	"time"

	"zhiyuan"
)

// PastService is one activity of the past with its one session, who served and how long:
// what the demo's history (internal/demo/history.go) and the figures benchmark load.
type PastService struct {
	Activity    *zhiyuan.Activity // one session; the activity is written closed
	PublishedAt time.Time
	Volunteers  []int64
	Minutes     []int64 // per volunteer
	ConfirmedBy int64
}

// LoadPastService writes past activities as they would stand after they ran: the activity
// and its session closed, a confirmed sign-up and a confirmed hour entry (recorded at the
// session's end, on the volunteer's hash chain) per volunteer; all in one transaction.
// The summary tables follow by their triggers, as for every other write.
func (s *Store) LoadPastService(ctx context.Context, list []PastService) error {
	return s.inTx(ctx, func(tx conn) error {
		for _, p := range list {
			a := p.Activity
			a.Normalize()
			se := &a.Sessions[0]
			id, err := tx.insert(ctx, `INSERT INTO activities (org_id, title, description, category, target_group, region_code, address,
				lat, lng, checkin_radius_m, contact_name, contact_phone, time_zone, signup_mode, status, starts_at, ends_at,
				created_by, created_at, published_at, updated_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'closed', ?, ?, ?, ?, ?, ?)`,
				a.OrgID, a.Title, a.Description, string(a.Category), a.TargetGroup, a.RegionCode, a.Address, a.Lat, a.Lng,
				a.CheckinRadiusM, a.ContactName, a.ContactPhone, a.TimeZone, string(a.SignupMode), se.StartsAt.UTC(), se.EndsAt.UTC(),
				p.ConfirmedBy, p.PublishedAt.UTC(), p.PublishedAt.UTC(), se.EndsAt.UTC())
			if err != nil {
				return err
			}
			a.ID = id
			sid, err := tx.insert(ctx, `INSERT INTO activity_sessions (activity_id, starts_at, ends_at, capacity, seats_taken, status)
				VALUES (?, ?, ?, ?, ?, 'closed')`, id, se.StartsAt.UTC(), se.EndsAt.UTC(), max(se.Capacity, len(p.Volunteers)), len(p.Volunteers))
			if err != nil {
				return err
			}
			se.ID = sid
			for i, v := range p.Volunteers {
				signed := p.PublishedAt.Add(time.Duration(i+1) * time.Hour).UTC()
				if _, err := tx.exec(ctx, `INSERT INTO signups (session_id, activity_id, volunteer_id, status, created_at, updated_at)
					VALUES (?, ?, ?, 'confirmed', ?, ?)`, sid, id, v, signed, signed); err != nil {
					return err
				}
				e := &zhiyuan.HourEntry{VolunteerID: v, Kind: zhiyuan.HourAttended, Minutes: p.Minutes[i], SessionID: sid, OrgID: a.OrgID,
					RecordedAt: se.EndsAt.UTC()}
				c := &zhiyuan.HourConfirmation{ConfirmedBy: p.ConfirmedBy, ConfirmedAt: se.EndsAt.Add(24 * time.Hour).UTC(), Rating: 5}
				if err := s.appendHourEntry(ctx, tx, e, EntryPlace{RegionCode: a.RegionCode, SessionEndsAt: se.EndsAt}, c); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// BackdateRegistrations sets when volunteers registered (demo history: a platform that
// has grown over the months); the figures' triggers move their counts to those months.
func (s *Store) BackdateRegistrations(ctx context.Context, at map[int64]time.Time) error {
	return s.inTx(ctx, func(tx conn) error {
		for id, t := range at {
			if _, err := tx.exec(ctx, `UPDATE volunteers SET created_at = ? WHERE id = ? AND created_at > ?`, t.UTC(), id, t.UTC()); err != nil {
				return err
			}
		}
		return nil
	})
}
