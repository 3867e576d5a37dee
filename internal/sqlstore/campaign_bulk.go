package sqlstore

import (
	"context"
	"fmt"
	"time"
)

// FastHours is a set-based load of confirmed hour entries for benchmarks of millions of
// entries (BenchmarkCampaignRankings), where LoadConfirmedHours, which fires the
// confirmation triggers row by row as the product does, manages about a thousand a
// second. Entry i (0 … Entries-1) goes to session i mod n of the activities with ids in
// [FirstActivity, LastActivity] (sessions in id order) and to a volunteer with an id in
// [FirstVolunteer, LastVolunteer], spread so that each volunteer gets one entry in every
// run of as many entries as there are volunteers; it lasts 60 to 210 minutes.
type FastHours struct {
	FirstActivity, LastActivity   int64
	FirstVolunteer, LastVolunteer int64
	Entries                       int64
	RecordedAt                    time.Time
	ConfirmedBy                   int64
}

// benchHash is the hash every entry and confirmation of LoadFastHours carries: they are
// generated in SQL, where SHA-256 is not available on both engines, so the hash chains of
// a database loaded this way do not verify (`zhiyuan ledger verify` says so). Only
// benchmarks load this way.
var benchHash = make([]byte, 32)

// LoadFastHours writes f's confirmed hour entries with three INSERT … SELECT statements
// over a generated series (dialect.series), in one transaction with the confirmation
// triggers suspended, then runs the product's own recount (recountCampaign) of every
// campaign the activities are entered into, so the contest's kept figures are exactly
// what the triggers would have left (TestLoadFastHoursMatchesTriggers). The volunteers'
// totals move as LoadConfirmedHours moves them; the figures' summaries (issue 13) are not
// kept: call RebuildFigures when a benchmark reads them.
func (s *Store) LoadFastHours(ctx context.Context, f FastHours) error {
	if f.Entries <= 0 {
		return nil
	}
	return s.inTx(ctx, func(tx conn) error {
		var sessions, vols, before int64
		if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM activity_sessions WHERE activity_id BETWEEN ? AND ?`,
			f.FirstActivity, f.LastActivity).Scan(&sessions); err != nil {
			return err
		}
		if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM volunteers WHERE id BETWEEN ? AND ?`,
			f.FirstVolunteer, f.LastVolunteer).Scan(&vols); err != nil {
			return err
		}
		if sessions == 0 || vols == 0 {
			return fmt.Errorf("load fast hours: %d sessions, %d volunteers", sessions, vols)
		}
		if err := tx.queryRow(ctx, `SELECT COALESCE(MAX(id), 0) FROM hour_entries`).Scan(&before); err != nil {
			return err
		}
		// i × stride mod vols visits every volunteer once in each run of vols entries when
		// stride and vols share no factor, so seq = last + 1 + i / vols is each
		// volunteer's chain without gaps or repeats.
		stride := int64(7919)
		for vols%stride == 0 {
			stride += 2
		}
		resume, err := s.dialect.suspendInsertTriggers(ctx, tx, "hour_confirmations")
		if err != nil {
			return err
		}
		n := fmt.Sprint
		if _, err := tx.exec(ctx, `INSERT INTO hour_entries (volunteer_id, seq, kind, minutes, session_id, org_id, reason,
			recorded_by, recorded_at, prev_hash, hash, corrects_entry_id)
			SELECT v.id, COALESCE(t.last_seq, 0) + 1 + g.i / `+n(vols)+`, 'attended', 60 + 30 * (g.i % 6), se.id, se.org_id, '',
				NULL, ?, ?, ?, NULL
			FROM `+s.dialect.series(f.Entries)+`
			JOIN (SELECT s.id, a.org_id, ROW_NUMBER() OVER (ORDER BY s.id) - 1 AS k FROM activity_sessions s
				JOIN activities a ON a.id = s.activity_id WHERE s.activity_id BETWEEN ? AND ?) se ON se.k = g.i % `+n(sessions)+`
			JOIN (SELECT id, ROW_NUMBER() OVER (ORDER BY id) - 1 AS k FROM volunteers WHERE id BETWEEN ? AND ?) v
				ON v.k = (g.i * `+n(stride)+`) % `+n(vols)+`
			LEFT JOIN volunteer_hour_totals t ON t.volunteer_id = v.id`,
			f.RecordedAt, benchHash, benchHash, f.FirstActivity, f.LastActivity, f.FirstVolunteer, f.LastVolunteer); err != nil {
			return fmt.Errorf("load fast hours: entries: %w", err)
		}
		if _, err := tx.exec(ctx, `INSERT INTO hour_confirmations (entry_id, volunteer_id, session_id, confirmed_by, confirmed_at,
			rating, comment, entry_hash, hash)
			SELECT e.id, e.volunteer_id, e.session_id, ?, ?, 5, '', e.hash, ? FROM hour_entries e WHERE e.id > ?`,
			f.ConfirmedBy, f.RecordedAt.Add(24*time.Hour), benchHash, before); err != nil {
			return fmt.Errorf("load fast hours: confirmations: %w", err)
		}
		if _, err := tx.exec(ctx, `INSERT INTO volunteer_hour_totals (volunteer_id, confirmed_minutes, last_seq, head_hash, updated_at)
			SELECT volunteer_id, SUM(minutes), MAX(seq), ?, ? FROM hour_entries WHERE id > ? GROUP BY volunteer_id
			ON CONFLICT (volunteer_id) DO UPDATE SET confirmed_minutes = volunteer_hour_totals.confirmed_minutes + excluded.confirmed_minutes,
			last_seq = excluded.last_seq, head_hash = excluded.head_hash, updated_at = excluded.updated_at`,
			benchHash, s.now(), before); err != nil {
			return fmt.Errorf("load fast hours: totals: %w", err)
		}
		if err := resume(); err != nil {
			return err
		}
		campaigns, err := queryAll(ctx, tx, scanInt64, `SELECT DISTINCT campaign_id FROM campaign_activities
			WHERE activity_id BETWEEN ? AND ? AND status = 'entered' ORDER BY campaign_id`, f.FirstActivity, f.LastActivity)
		if err != nil {
			return err
		}
		for _, id := range campaigns {
			if err := s.recountCampaign(ctx, tx, id); err != nil {
				return fmt.Errorf("load fast hours: recount campaign %d: %w", id, err)
			}
		}
		return nil
	})
}
