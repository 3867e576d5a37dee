package sqlstore

import (
	"context"
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
	Limit    int // activities per prefix (and near the point) at most
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
	for _, p := range q.Prefixes {
		if p == "" {
			continue
		}
		lo, hi := prefixRange(p)
		if err := add(`WHERE a.status = 'published' AND a.region_code >= ? AND a.region_code < ? AND a.ends_at > ? LIMIT ?`,
			lo, hi, now, q.Limit); err != nil {
			return nil, err
		}
	}
	if q.Near != nil {
		minLat, maxLat, minLng, maxLng := zhiyuan.BoundingBox(*q.Near, zhiyuan.RecommendNearKm)
		if err := add(`WHERE a.status = 'published' AND a.lat >= ? AND a.lat <= ? AND a.lng >= ? AND a.lng <= ? AND a.ends_at > ? LIMIT ?`,
			minLat, maxLat, minLng, maxLng, now, q.Limit); err != nil {
			return nil, err
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
