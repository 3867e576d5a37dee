package sqlstore

import (
	"context"
	"fmt"
	"slices"
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

// PastHours is one confirmed hour entry of the past, for LoadConfirmedHours: a volunteer's
// service at a session (OrgID the activity's organisation), recorded at RecordedAt.
type PastHours struct {
	VolunteerID int64
	SessionID   int64
	OrgID       int64
	Minutes     int64
	RecordedAt  time.Time
}

// LoadConfirmedHours writes many confirmed hour entries of the past in one transaction of
// multi-row INSERTs, as appendHourEntry and ConfirmHourEntries would leave them: each
// entry linked on its volunteer's hash chain (from the chain's head in
// volunteer_hour_totals, in the order given), its confirmation sealed over the entry's id
// and hash, the volunteers' totals and heads moved on. The figures' triggers count every
// confirmation as it goes in, as for any other write. For the figures benchmark and demo
// histories, which need millions; not a path for people's input (no checks beyond the
// database's).
func (s *Store) LoadConfirmedHours(ctx context.Context, list []PastHours, confirmedBy int64) error {
	const per = 1000 // rows per INSERT: 12 columns × 1000 stays under both engines' limits
	now := s.now()
	return s.inTx(ctx, func(tx conn) error {
		type head struct {
			seq       int64
			hash      []byte
			confirmed int64
		}
		heads := map[int64]*head{}
		var vols []int64
		for _, h := range list {
			if heads[h.VolunteerID] == nil {
				heads[h.VolunteerID] = &head{hash: zhiyuan.GenesisHash}
				vols = append(vols, h.VolunteerID)
			}
		}
		for start := 0; start < len(vols); start += per {
			chunk := vols[start:min(start+per, len(vols))]
			err := eachRow(ctx, tx, `SELECT volunteer_id, last_seq, head_hash FROM volunteer_hour_totals WHERE volunteer_id IN (`+
				placeholders(len(chunk))+`)`, int64Args(chunk), func(r rowScanner) error {
				var id int64
				var h head
				if err := r.Scan(&id, &h.seq, &h.hash); err != nil {
					return err
				}
				*heads[id] = h
				return nil
			})
			if err != nil {
				return err
			}
		}
		entries := make([]zhiyuan.HourEntry, 0, per)
		for start := 0; start < len(list); start += per {
			chunk := list[start:min(start+per, len(list))]
			entries = entries[:0]
			args := make([]any, 0, 12*len(chunk))
			for _, h := range chunk {
				hd := heads[h.VolunteerID]
				e := zhiyuan.HourEntry{VolunteerID: h.VolunteerID, Kind: zhiyuan.HourAttended, Minutes: h.Minutes, SessionID: h.SessionID,
					OrgID: h.OrgID, RecordedAt: h.RecordedAt}
				e.Link(hd.seq, hd.hash)
				hd.seq, hd.hash, hd.confirmed = e.Seq, e.Hash, hd.confirmed+e.Minutes
				entries = append(entries, e)
				args = append(args, e.VolunteerID, e.Seq, string(e.Kind), e.Minutes, hlNullID(e.SessionID), e.OrgID, e.Reason,
					hlNullID(e.RecordedBy), e.RecordedAt, e.PrevHash, e.Hash, nil)
			}
			// Ids come back in VALUES order once sorted (see BulkCreateActivities).
			ids, err := queryAll(ctx, tx, scanInt64, `INSERT INTO hour_entries (volunteer_id, seq, kind, minutes, session_id, org_id, reason,
				recorded_by, recorded_at, prev_hash, hash, corrects_entry_id) VALUES `+repeatTuple("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", len(chunk))+
				` RETURNING id`, args...)
			if err != nil {
				return err
			}
			if len(ids) != len(chunk) {
				return fmt.Errorf("load hours: %d ids for %d entries", len(ids), len(chunk))
			}
			slices.Sort(ids)
			args = args[:0]
			for i := range entries {
				e := &entries[i]
				e.ID = ids[i]
				c := zhiyuan.HourConfirmation{EntryID: e.ID, EntryHash: e.Hash, ConfirmedBy: confirmedBy,
					ConfirmedAt: e.RecordedAt.Add(24 * time.Hour), Rating: 5}
				c.Seal()
				args = append(args, c.EntryID, e.VolunteerID, hlNullID(e.SessionID), c.ConfirmedBy, c.ConfirmedAt, c.Rating, c.Comment,
					c.EntryHash, c.Hash)
			}
			if _, err := tx.exec(ctx, `INSERT INTO hour_confirmations (entry_id, volunteer_id, session_id, confirmed_by, confirmed_at,
				rating, comment, entry_hash, hash) VALUES `+repeatTuple("(?, ?, ?, ?, ?, ?, ?, ?, ?)", len(entries)), args...); err != nil {
				return err
			}
		}
		for start := 0; start < len(vols); start += per {
			chunk := vols[start:min(start+per, len(vols))]
			args := make([]any, 0, 5*len(chunk))
			for _, v := range chunk {
				hd := heads[v]
				args = append(args, v, hd.confirmed, hd.seq, hd.hash, now)
			}
			if _, err := tx.exec(ctx, `INSERT INTO volunteer_hour_totals (volunteer_id, confirmed_minutes, last_seq, head_hash, updated_at)
				VALUES `+repeatTuple("(?, ?, ?, ?, ?)", len(chunk))+`
				ON CONFLICT (volunteer_id) DO UPDATE SET confirmed_minutes = volunteer_hour_totals.confirmed_minutes + excluded.confirmed_minutes,
				last_seq = excluded.last_seq, head_hash = excluded.head_hash, updated_at = excluded.updated_at`, args...); err != nil {
				return err
			}
		}
		return nil
	})
}
