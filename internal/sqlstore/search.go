package sqlstore

// Activity search.
//
// Design (one SQL code path on both engines, nothing engine-specific, works as it is on
// a distributed PostgreSQL such as YugabyteDB or Citus):
//
//   - Free text. Chinese has no spaces, so words cannot be split off without a
//     dictionary; instead title and description are cut into overlapping character
//     bigrams ("社区敬老" → 社区, 区敬, 敬老) and runs of letters and digits into
//     lower-case words. These terms go into activity_terms with the
//     activity's start time, keyed (term, starts_at, activity_id). A query is cut the
//     same way; an activity matches when it has every query term. The rarest query
//     term (counted up to a cap) drives: its postings are read in start order from the
//     primary key, every other term is a point lookup on the same key, and the scan
//     stops after one page. The cost follows the page size and the terms' relative
//     frequency, not the number of activities. A query of one Han character has no
//     bigram: it walks activities in start order and checks title and description with
//     LIKE, row by row, until the page is full.
//   - Only published activities are in activity_terms (publish adds them, closing,
//     cancelling and the periodic finishing of ended activities take them out), so the
//     index holds current activities only.
//   - A region filter (a division: 2, 4, 6, 9 or 12 digits) is a term too, r:<prefix>
//     (regionTerms), so it drives or narrows the walk like a word, the date range in the
//     same index scan.
//   - Filters without text or region walk activities_live_start_idx or
//     activities_live_category_idx (partial indexes of published activities) in start
//     order from From and stop after one page; the region (a code prefix, as a half-open range) and the other conditions
//     are checked on each row walked.
//   - Near a point: a bounding box on lat/lng in SQL (activities_live_lat_idx), then
//     the exact haversine distance in Go; results are sorted and paged in Go. The box
//     bounds the work (within_km at most 100).
//   - Paging is by keyset: the cursor is the last row's (start, id), or (distance, id).
//   - From home (a volunteer's district, no region asked for): the same walk in turn for
//     the district, the rest of its city and the rest of everything (each leaving out
//     the tier before, as a region range); the cursor also names the tier.
//   - Counting walks the same rows with no order, up to zhiyuan.SearchCountCap.

import (
	"context"
	"encoding/base64"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"zhiyuan"
)

// Limits of the text index.
const (
	maxDescriptionRunes = 300 // description text indexed (the title is indexed whole)
	maxQueryTerms       = 8   // query terms used (the rest would only narrow further)
	termCountCap        = 100 // postings counted to pick the rarest of several terms
	nearCandidates      = 2000
)

// SearchTerms cuts text into its index terms: Han bigrams and lower-case words of
// letters and digits; duplicates removed. A lone Han character (a run of one) is kept as
// it is, so that it can still be found.
func SearchTerms(text string) []string { return cutTerms(text, 0) }

// queryTerms cuts a query: bigrams of Han runs (a lone Han character stays a unigram,
// matched with LIKE) and words, at most maxQueryTerms of them. Queries and indexed text
// are cut the same way, or a query would miss the terms it was indexed under.
func queryTerms(q string) []string { return cutTerms(q, maxQueryTerms) }

// cutTerms cuts text into Han bigrams (a run of one Han character stays a unigram) and
// lower-case words of letters and digits up to 40 long, without duplicates, keeping the
// first limit terms (all when limit is 0).
func cutTerms(text string, limit int) []string {
	seen := map[string]bool{}
	var out []string
	add := func(t string) {
		if t != "" && !seen[t] && (limit == 0 || len(out) < limit) {
			seen[t] = true
			out = append(out, t)
		}
	}
	var han []rune
	var word []rune
	flushHan := func() {
		if len(han) == 1 {
			add(string(han))
		}
		for i := 0; i+1 < len(han); i++ {
			add(string(han[i : i+2]))
		}
		han = han[:0]
	}
	flushWord := func() {
		if len(word) > 0 && len(word) <= 40 {
			add(strings.ToLower(string(word)))
		}
		word = word[:0]
	}
	for _, r := range text {
		switch {
		case unicode.Is(unicode.Han, r):
			flushWord()
			han = append(han, r)
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			flushHan()
			word = append(word, unicode.ToLower(r))
		default:
			flushHan()
			flushWord()
		}
	}
	flushHan()
	flushWord()
	return out
}

// isUnigram reports whether a query term is a single Han character, matched with LIKE.
func isUnigram(t string) bool {
	r, n := utf8.DecodeRuneInString(t)
	return n == len(t) && unicode.Is(unicode.Han, r)
}

// activityTerms returns the index terms of an activity: those of its text and those of
// its region (regionTerms).
func activityTerms(title, description, regionCode string) []string {
	if utf8.RuneCountInString(description) > maxDescriptionRunes {
		description = string([]rune(description)[:maxDescriptionRunes])
	}
	return append(SearchTerms(title+"\n"+description), regionTerms(regionCode)...)
}

// regionLevels are the lengths of the region codes' prefixes that name a division
// (province, city, county, street, community): the region filters a search is given
// (zhiyuan.ScopePrefix).
var regionLevels = [...]int{2, 4, 6, 9, 12}

// regionTerm is the index term of the activities whose region code starts with prefix,
// or "" when prefix is no division's prefix. Text terms never hold a colon (cutTerms),
// so the two kinds cannot meet.
func regionTerm(prefix string) string {
	for _, l := range regionLevels {
		if len(prefix) == l {
			return "r:" + prefix
		}
	}
	return ""
}

// regionTerms returns the region terms of an activity in region code: one per division
// containing it. A region filter is then a term like any other, its postings in start
// order (see the design at the top), so that a filter by region walks only that
// region's activities from From on and stops after one page, however many activities
// other regions hold. Migration 0041 added them to the activities published before.
func regionTerms(code string) []string {
	var out []string
	for _, l := range regionLevels {
		if len(code) >= l {
			out = append(out, "r:"+code[:l])
		}
	}
	return out
}

// reindexActivity rewrites an activity's search terms: all of them when it is
// published, none otherwise.
func (s *Store) reindexActivity(ctx context.Context, tx conn, id int64) error {
	if _, err := tx.exec(ctx, "DELETE FROM activity_terms WHERE activity_id = ?", id); err != nil {
		return err
	}
	var title, desc, region, status string
	var starts time.Time
	if err := tx.queryRow(ctx, "SELECT title, description, region_code, status, starts_at FROM activities WHERE id = ?", id).
		Scan(&title, &desc, &region, &status, &starts); err != nil {
		return s.translate(err, nil)
	}
	if zhiyuan.ActivityStatus(status) != zhiyuan.ActivityPublished {
		return nil
	}
	return s.insertTerms(ctx, tx, []termRow{{id, starts.UTC(), activityTerms(title, desc, region)}})
}

type termRow struct {
	activityID int64
	startsAt   time.Time
	terms      []string
}

// insertTerms writes terms with multi-row INSERTs, in key order: B-trees fill fastest
// that way, which matters for bulk loads of hundreds of thousands.
func (s *Store) insertTerms(ctx context.Context, tx conn, rows []termRow) error {
	const per = 2000 // 6,000 parameters: under both engines' limits
	type key struct {
		term  string
		start time.Time
		id    int64
	}
	var keys []key
	for _, r := range rows {
		for _, t := range r.terms {
			keys = append(keys, key{t, r.startsAt, r.activityID})
		}
	}
	sort.Slice(keys, func(i, j int) bool {
		a, b := keys[i], keys[j]
		if a.term != b.term {
			return a.term < b.term
		}
		if !a.start.Equal(b.start) {
			return a.start.Before(b.start)
		}
		return a.id < b.id
	})
	var args []any
	n := 0
	flush := func() error {
		if n == 0 {
			return nil
		}
		_, err := tx.exec(ctx, "INSERT INTO activity_terms (term, starts_at, activity_id) VALUES "+repeatTuple("(?, ?, ?)", n), args...)
		args, n = args[:0], 0
		return err
	}
	for _, k := range keys {
		args = append(args, k.term, k.start, k.id)
		n++
		if n == per {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	return flush()
}

// searchCursor is the position after the last row of a page. In a search from home
// (ActivityFilter.Home) it also names the tier (district, city, the rest) the position
// is in; a tier's start is the position (1970, 0), before every activity.
type searchCursor struct {
	dist   bool
	tiered bool
	tier   int
	start  time.Time
	meter  int64
	id     int64
}

func (c searchCursor) encode() string {
	var raw string
	switch {
	case c.dist:
		raw = fmt.Sprintf("d.%d.%d", c.meter, c.id)
	case c.tiered:
		raw = fmt.Sprintf("h.%d.%d.%d", c.tier, c.start.UnixMicro(), c.id)
	default:
		raw = fmt.Sprintf("t.%d.%d", c.start.UnixMicro(), c.id)
	}
	return base64.RawURLEncoding.EncodeToString([]byte(raw))
}

func decodeCursor(s string) (searchCursor, error) {
	bad := zhiyuan.FieldFail(zhiyuan.EInvalid, "cursor", "search.cursor_invalid")
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return searchCursor{}, bad
	}
	parts := strings.Split(string(b), ".")
	var c searchCursor
	if len(parts) == 4 && parts[0] == "h" {
		tier, err := strconv.Atoi(parts[1])
		if err != nil || tier < 0 || tier > 2 {
			return searchCursor{}, bad
		}
		c.tiered, c.tier = true, tier
		parts = []string{"t", parts[2], parts[3]}
	}
	if len(parts) != 3 {
		return searchCursor{}, bad
	}
	v, err1 := strconv.ParseInt(parts[1], 10, 64)
	id, err2 := strconv.ParseInt(parts[2], 10, 64)
	if err1 != nil || err2 != nil {
		return searchCursor{}, bad
	}
	switch parts[0] {
	case "t":
		c.start, c.id = time.UnixMicro(v).UTC(), id
		return c, nil
	case "d":
		return searchCursor{dist: true, meter: v, id: id}, nil
	}
	return searchCursor{}, bad
}

// FindActivities searches published activities (see the design at the top of this
// file) and returns one page and the cursor of the next ("" at the end).
func (s *Store) FindActivities(ctx context.Context, f zhiyuan.ActivityFilter) ([]zhiyuan.ActivityHit, string, error) {
	if f.Limit <= 0 || f.Limit > 100 {
		f.Limit = 20
	}
	if f.Now.IsZero() {
		f.Now = s.now()
	}
	var cur *searchCursor
	if f.Cursor != "" {
		c, err := decodeCursor(f.Cursor)
		if err != nil {
			return nil, "", err
		}
		if c.dist != (f.Sort == zhiyuan.SortDistance) {
			return nil, "", zhiyuan.FieldFail(zhiyuan.EInvalid, "cursor", "search.cursor_sort_mismatch")
		}
		cur = &c
	}
	if tiers := homeTiers(f); tiers != nil {
		return s.findFromHome(ctx, f, tiers, cur)
	}
	hits, next, err := s.findPage(ctx, f, "", cur)
	if err != nil || next == nil {
		return hits, "", err
	}
	return hits, next.encode(), nil
}

// homeTiers returns the tiers of a search from home, or nil when the search has none:
// no home, a region asked for, or a point (which orders by itself).
func homeTiers(f zhiyuan.ActivityFilter) []string {
	if f.Home == "" || f.RegionPrefix != "" || f.Near != nil {
		return nil
	}
	return zhiyuan.HomeTiers(f.Home)
}

// findFromHome walks the tiers of a search from home in turn (each in start order, each
// leaving out the tier before it) until the page is full. A page that ends exactly at a
// tier's end looks one row into the next tiers, so that 下一页 never leads to nothing.
func (s *Store) findFromHome(ctx context.Context, f zhiyuan.ActivityFilter, tiers []string, cur *searchCursor) ([]zhiyuan.ActivityHit, string, error) {
	first := 0
	if cur != nil && cur.tiered && cur.tier < len(tiers) {
		first = cur.tier
	}
	var out []zhiyuan.ActivityHit
	for k := first; k < len(tiers); k++ {
		g := f
		g.RegionPrefix = tiers[k]
		exclude := ""
		if k > 0 {
			exclude = tiers[k-1]
		}
		var after *searchCursor
		if k == first {
			after = cur
		}
		left := f.Limit - len(out)
		if left == 0 {
			g.Limit = 1
			probe, _, err := s.findPage(ctx, g, exclude, nil)
			if err != nil {
				return nil, "", err
			}
			if len(probe) > 0 {
				return out, searchCursor{tiered: true, tier: k, start: time.UnixMicro(0).UTC()}.encode(), nil
			}
			continue
		}
		g.Limit = left
		hits, next, err := s.findPage(ctx, g, exclude, after)
		if err != nil {
			return nil, "", err
		}
		out = append(out, hits...)
		if next != nil {
			next.tiered, next.tier = true, k
			return out, next.encode(), nil
		}
	}
	if out == nil {
		out = []zhiyuan.ActivityHit{}
	}
	return out, "", nil
}

// searchQuery builds the walk of a search: the SELECT of candidate rows (id, start,
// lat, lng) with its conditions, without order or limit, and the columns of the walk's
// keyset. exclude is a region prefix left out (the tier before, in a search from home).
// It returns ok=false when the query cannot match anything (only punctuation).
func (s *Store) searchQuery(ctx context.Context, f zhiyuan.ActivityFilter, exclude string) (q *strings.Builder, args []any, startCol, idCol string, ok bool, err error) {
	terms := queryTerms(f.Query)
	if strings.TrimSpace(f.Query) != "" && len(terms) == 0 {
		return nil, nil, "", "", false, nil // only punctuation: nothing can match
	}
	byTerm := regionTerm(f.RegionPrefix)
	if byTerm != "" {
		// The region as a term: it may drive the walk, or it is looked up like any other
		// term. It stands for the region range, which is left out: PostgreSQL, taking the
		// two for independent conditions, would count the region twice, expect few rows
		// from the term's walk and sort the whole region instead (docs/activities.md).
		terms = append(terms, byTerm)
	}
	driver := ""
	if len(terms) > 0 {
		if driver, terms, err = s.pickDriver(ctx, terms); err != nil {
			return nil, nil, "", "", false, err
		}
	}
	q = &strings.Builder{}
	startCol, idCol = "a.starts_at", "a.id"
	if driver != "" {
		startCol, idCol = "t.starts_at", "t.activity_id"
		q.WriteString("SELECT a.id, a.starts_at, a.lat, a.lng FROM activity_terms t JOIN activities a ON a.id = t.activity_id WHERE t.term = ? AND a.status = 'published'")
		args = append(args, driver)
	} else {
		q.WriteString("SELECT a.id, a.starts_at, a.lat, a.lng FROM activities a WHERE a.status = 'published'")
		if f.Category != "" {
			// Equality on category first lets the planner pick the category index.
			q.WriteString(" AND a.category = ?")
			args = append(args, string(f.Category))
		}
	}
	if driver != "" && f.Category != "" {
		q.WriteString(" AND a.category = ?")
		args = append(args, string(f.Category))
	}
	if !f.From.IsZero() {
		q.WriteString(" AND " + startCol + " >= ?")
		args = append(args, f.From.UTC())
	}
	if !f.To.IsZero() {
		q.WriteString(" AND " + startCol + " < ?")
		args = append(args, f.To.UTC())
	}
	q.WriteString(" AND a.ends_at >= ?")
	args = append(args, f.Now.UTC())
	if f.RegionPrefix != "" && byTerm == "" {
		lo, hi := prefixRange(f.RegionPrefix)
		q.WriteString(" AND a.region_code >= ? AND a.region_code < ?")
		args = append(args, lo, hi)
	}
	if exclude != "" {
		lo, hi := prefixRange(exclude)
		q.WriteString(" AND (a.region_code < ? OR a.region_code >= ?)")
		args = append(args, lo, hi)
	}
	for _, t := range terms {
		if isUnigram(t) {
			// A Han character is never a LIKE wildcard, so it needs no escaping.
			q.WriteString(" AND (a.title LIKE ? OR a.description LIKE ?)")
			args = append(args, "%"+t+"%", "%"+t+"%")
		} else {
			q.WriteString(" AND EXISTS (SELECT 1 FROM activity_terms x WHERE x.term = ? AND x.starts_at = a.starts_at AND x.activity_id = a.id)")
			args = append(args, t)
		}
	}
	if f.Open {
		q.WriteString(` AND EXISTS (SELECT 1 FROM activity_sessions se WHERE se.activity_id = a.id AND se.status = 'open'
			AND se.seats_taken < se.capacity AND se.starts_at > ?)`)
		args = append(args, f.Now.UTC())
	}
	if f.Near != nil {
		minLat, maxLat, minLng, maxLng := zhiyuan.BoundingBox(*f.Near, f.WithinKm)
		q.WriteString(" AND a.lat >= ? AND a.lat <= ? AND a.lng >= ? AND a.lng <= ?")
		args = append(args, minLat, maxLat, minLng, maxLng)
	}
	return q, args, startCol, idCol, true, nil
}

// CountActivities counts the activities a search finds (all pages; the cursor, Limit
// and Home do not change it), up to zhiyuan.SearchCountCap: capped reports that there
// are more. It walks what the search walks, stopping after the cap.
func (s *Store) CountActivities(ctx context.Context, f zhiyuan.ActivityFilter) (n int, capped bool, err error) {
	if f.Now.IsZero() {
		f.Now = s.now()
	}
	q, args, _, _, ok, err := s.searchQuery(ctx, f, "")
	if err != nil || !ok {
		return 0, false, err
	}
	if f.Near == nil {
		sql := "SELECT COUNT(*) FROM (" + q.String() + " LIMIT ?) c"
		args = append(args, zhiyuan.SearchCountCap+1)
		if err := s.reader().queryRow(ctx, sql, append(s.dialect.planArgs(), args...)...).Scan(&n); err != nil {
			return 0, false, err
		}
	} else {
		// Near a point the box holds corners beyond the distance: count in Go, as the
		// search keeps them, among the same candidates.
		q.WriteString(" LIMIT ?")
		args = append(args, nearCandidates)
		rows, err := s.reader().query(ctx, q.String(), append(s.dialect.planArgs(), args...)...)
		if err != nil {
			return 0, false, err
		}
		for rows.Next() {
			var id int64
			var start time.Time
			var lat, lng float64
			if err := rows.Scan(&id, &start, &lat, &lng); err != nil {
				rows.Close()
				return 0, false, err
			}
			if zhiyuan.DistanceKm(*f.Near, zhiyuan.LatLng{Lat: lat, Lng: lng}) <= f.WithinKm {
				n++
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return 0, false, err
		}
	}
	if n > zhiyuan.SearchCountCap {
		return zhiyuan.SearchCountCap, true, nil
	}
	return n, false, nil
}

// pageQuery returns the statement of one page of a search after the position cur, with
// its arguments (the dialect's planning arguments first), or ok false when the search
// can match nothing.
func (s *Store) pageQuery(ctx context.Context, f zhiyuan.ActivityFilter, exclude string, cur *searchCursor) (string, []any, bool, error) {
	q, args, startCol, idCol, ok, err := s.searchQuery(ctx, f, exclude)
	if err != nil || !ok {
		return "", nil, ok, err
	}
	limit := f.Limit + 1
	if f.Near != nil {
		limit = nearCandidates
	} else if cur != nil {
		// Keyset: rows after (start, id). The first clause is a plain range the index
		// serves; the second drops the few rows of the same start already shown.
		q.WriteString(" AND " + startCol + " >= ? AND (" + startCol + " > ? OR " + idCol + " > ?)")
		args = append(args, cur.start, cur.start, cur.id)
	}
	q.WriteString(" ORDER BY " + startCol + ", " + idCol + " LIMIT ?")
	args = append(args, limit)
	// The walk's plan depends on how selective the values are (a rare category against a
	// wide date range), so the engine plans it for the values every time.
	return q.String(), append(s.dialect.planArgs(), args...), true, nil
}

// findPage returns one page of a search (f.Limit rows) after the position cur (nil for
// the first page), leaving out the region prefix exclude, and the position after its
// last row when there is more.
func (s *Store) findPage(ctx context.Context, f zhiyuan.ActivityFilter, exclude string, cur *searchCursor) ([]zhiyuan.ActivityHit, *searchCursor, error) {
	q, args, ok, err := s.pageQuery(ctx, f, exclude, cur)
	if err != nil {
		return nil, nil, err
	}
	if !ok {
		return []zhiyuan.ActivityHit{}, nil, nil
	}
	near := f.Near != nil
	rows, err := s.reader().query(ctx, q, args...)
	if err != nil {
		return nil, nil, err
	}
	type cand struct {
		id    int64
		start time.Time
		dist  float64
	}
	var cands []cand
	for rows.Next() {
		var c cand
		var lat, lng float64
		if err := rows.Scan(&c.id, &c.start, &lat, &lng); err != nil {
			rows.Close()
			return nil, nil, err
		}
		c.start = c.start.UTC()
		if near {
			c.dist = zhiyuan.DistanceKm(*f.Near, zhiyuan.LatLng{Lat: lat, Lng: lng})
			if c.dist > f.WithinKm {
				continue
			}
		}
		cands = append(cands, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}

	if near {
		meters := func(c cand) int64 { return int64(c.dist * 1000) }
		if f.Sort == zhiyuan.SortDistance {
			sort.SliceStable(cands, func(i, j int) bool {
				if mi, mj := meters(cands[i]), meters(cands[j]); mi != mj {
					return mi < mj
				}
				return cands[i].id < cands[j].id
			})
		}
		if cur != nil {
			k := 0
			for _, c := range cands {
				var after bool
				if cur.dist {
					m := meters(c)
					after = m > cur.meter || m == cur.meter && c.id > cur.id
				} else {
					after = c.start.After(cur.start) || c.start.Equal(cur.start) && c.id > cur.id
				}
				if after {
					cands[k] = c
					k++
				}
			}
			cands = cands[:k]
		}
	}
	var next *searchCursor
	if len(cands) > f.Limit {
		cands = cands[:f.Limit]
		last := cands[len(cands)-1]
		if f.Sort == zhiyuan.SortDistance && near {
			next = &searchCursor{dist: true, meter: int64(last.dist * 1000), id: last.id}
		} else {
			next = &searchCursor{start: last.start, id: last.id}
		}
	}
	ids := make([]int64, len(cands))
	for i, c := range cands {
		ids[i] = c.id
	}
	hits, err := s.activityHits(ctx, ids, f.Now)
	if err != nil {
		return nil, nil, err
	}
	for i := range hits {
		hits[i].DistanceKm = cands[i].dist
	}
	return hits, next, nil
}

// pickDriver returns the query term with the fewest postings (counted up to a cap, so
// the choice itself costs a bounded amount) and the other terms. Unigrams never drive:
// they are not in the index (except lone characters), only checked with LIKE.
func (s *Store) pickDriver(ctx context.Context, terms []string) (string, []string, error) {
	if len(terms) == 1 && !isUnigram(terms[0]) {
		return terms[0], nil, nil
	}
	best, bestN := -1, 0
	for i, t := range terms {
		if isUnigram(t) {
			continue
		}
		var n int
		err := s.reader().queryRow(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM activity_terms WHERE term = ? LIMIT ?) c`,
			t, termCountCap).Scan(&n)
		if err != nil {
			return "", nil, err
		}
		if best < 0 || n < bestN {
			best, bestN = i, n
		}
		if n == 0 {
			break
		}
	}
	if best < 0 {
		return "", terms, nil
	}
	rest := make([]string, 0, len(terms)-1)
	for i, t := range terms {
		if i != best {
			rest = append(rest, t)
		}
	}
	return terms[best], rest, nil
}

// activityHits loads the activities of a page, in the order of ids, with a summary of
// their sessions still to come.
func (s *Store) activityHits(ctx context.Context, ids []int64, now time.Time) ([]zhiyuan.ActivityHit, error) {
	out := make([]zhiyuan.ActivityHit, 0, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	c := s.reader()
	marks, args := placeholders(len(ids)), int64Args(ids)
	rows, err := c.query(ctx, `SELECT `+activityCols+activityFrom+`WHERE a.id IN (`+marks+`)`, args...)
	if err != nil {
		return nil, err
	}
	byID := map[int64]*zhiyuan.ActivityHit{}
	for rows.Next() {
		a, err := scanActivity(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		byID[a.ID] = &zhiyuan.ActivityHit{Activity: a}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = c.query(ctx, `SELECT activity_id, COUNT(*),
		SUM(CASE WHEN status = 'open' AND starts_at > ? AND capacity > seats_taken THEN capacity - seats_taken ELSE 0 END),
		MIN(CASE WHEN starts_at > ? THEN starts_at END)
		FROM activity_sessions WHERE activity_id IN (`+marks+`) AND status <> 'cancelled' GROUP BY activity_id`,
		append([]any{now.UTC(), now.UTC()}, args...)...)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id int64
		var n, left int
		var next any
		if err := rows.Scan(&id, &n, &left, &next); err != nil {
			rows.Close()
			return nil, err
		}
		if h := byID[id]; h != nil {
			h.Sessions, h.SeatsLeft = n, left
			h.NextSessionAt = anyTime(next)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, id := range ids {
		if h := byID[id]; h != nil {
			out = append(out, *h)
		}
	}
	return out, nil
}

// anyTime reads a timestamp computed by an aggregate: PostgreSQL returns a time.Time,
// SQLite the stored text (the column type is lost in MIN(CASE …)).
func anyTime(v any) time.Time {
	switch t := v.(type) {
	case time.Time:
		return t.UTC()
	case string:
		return parseSQLiteTime(t)
	case []byte:
		return parseSQLiteTime(string(t))
	}
	return time.Time{}
}

func parseSQLiteTime(s string) time.Time {
	for _, layout := range []string{"2006-01-02 15:04:05.999999999-07:00", "2006-01-02T15:04:05.999999999Z07:00", "2006-01-02 15:04:05"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC()
		}
	}
	return time.Time{}
}
