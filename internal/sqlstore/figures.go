package sqlstore

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"zhiyuan"
)

// Figures (issue 13). The summary tables fig_* are kept by triggers (migration
// 0018_figures.sql) in the transaction of every row they count; this file only reads them,
// and verifies or rebuilds them from the base tables through the same fig_src_* views the
// triggers use, so a figure has one definition.

// figureTable is one summary table: its key and measure columns, the query that computes
// its rows afresh from the base tables (keys then measures), which verify compares with,
// and, where it differs, the query the rebuild writes its rows with: the same figures
// read from the rebuild's scratch tables (figureScratch) instead of joining the hour
// entries again.
type figureTable struct {
	name     string
	keys     []string
	measures []string
	expected string
	rebuild  string // "" for expected
}

// orgAllExpected are fig_org's rows of category '*': an organisation's month over all
// categories, with the confirmed minutes read from hours (a source of org_id, month and
// minutes).
func orgAllExpected(hours string) string {
	return `SELECT org_id, month, '*', SUM(a), SUM(s), SUM(g), SUM(m) FROM (
			SELECT org_id, month, 1 AS a, 0 AS s, 0 AS g, 0 AS m FROM fig_src_activities
			UNION ALL SELECT org_id, month, 0, 1, 0, 0 FROM fig_src_sessions
			UNION ALL SELECT org_id, month, 0, 0, 1, 0 FROM fig_src_signups
			UNION ALL SELECT org_id, month, 0, 0, 0, minutes FROM ` + hours + `
		) x GROUP BY org_id, month`
}

var figureTables = []figureTable{
	{"fig_volunteers", []string{"region_code", "month", "sex", "age_band", "political_status"}, []string{"registered", "closed"},
		`SELECT region_code, month, sex, age_band, political_status, SUM(r), SUM(c) FROM (
			SELECT region_code, reg_month AS month, sex, age_band, political_status, 1 AS r, 0 AS c FROM fig_src_volunteers
			UNION ALL SELECT region_code, close_month, sex, age_band, political_status, 0, 1 FROM fig_src_volunteers WHERE close_month IS NOT NULL
		) x GROUP BY region_code, month, sex, age_band, political_status`, ""},
	{"fig_orgs", []string{"region_code", "month"}, []string{"approved"},
		`SELECT region_code, month, COUNT(*) FROM fig_src_orgs GROUP BY region_code, month`, ""},
	{"fig_region", []string{"region_code", "month", "category"}, []string{"activities", "sessions", "signups", "minutes"},
		serviceExpected("region_code", "fig_src_hours"), serviceExpected("region_code", "fig_rebuild_keys")},
	// fig_active_span is, on SQLite, a view of fig_region's span rows
	// (0033_figures_span_in_region.sql): checked and rebuilt through the view, and left
	// out of fig_region's own rows (figureOwnRows).
	// fig_org's rows of category '*' are the organisation's month over all categories
	// (0024_figures_org_all.sql, formerly fig_org_month): kept from its other rows by
	// triggers, recounted here from the base rows.
	{"fig_org", []string{"org_id", "month", "category"}, []string{"activities", "sessions", "signups", "minutes"},
		serviceExpected("org_id", "fig_src_hours") + ` UNION ALL ` + orgAllExpected("fig_src_hours"),
		serviceExpected("org_id", "fig_rebuild_keys") + ` UNION ALL ` + orgAllExpected("fig_rebuild_keys")},
	{"fig_active", []string{"volunteer_id", "month"}, []string{"minutes"},
		`SELECT volunteer_id, month, SUM(minutes) FROM fig_src_hours GROUP BY volunteer_id, month`,
		`SELECT volunteer_id, month, SUM(minutes) FROM fig_rebuild_hours GROUP BY volunteer_id, month`},
	{"fig_active_span", []string{"region_code", "month", "prev_month"}, []string{"volunteers"},
		`SELECT region_code, month, prev_month, COUNT(*) FROM fig_src_spans GROUP BY region_code, month, prev_month`, ""},
	// 0020_figures_org_active.sql: an organisation's active volunteers.
	{"fig_org_active", []string{"org_id", "month", "volunteer_id"}, []string{"minutes"},
		`SELECT org_id, month, volunteer_id, SUM(minutes) FROM fig_src_hours GROUP BY org_id, month, volunteer_id`,
		`SELECT org_id, month, volunteer_id, SUM(minutes) FROM fig_rebuild_hours GROUP BY org_id, month, volunteer_id`},
}

// figureScratch are the rebuild's temporary tables, filled in this order: fig_src_hours
// (10 million joined rows at the benchmark's size, each joining five tables) read once,
// grouped by everything a summary counts hours under, then that grouped by all but the
// volunteer (a few rows per organisation and month). Their keys are the order the rebuild
// groups them by (SQLite reads them in that order: dialect.scratchTable).
var figureScratch = []struct{ name, cols, key, fill string }{
	{"fig_rebuild_hours", "org_id BIGINT NOT NULL, month TEXT NOT NULL, volunteer_id BIGINT NOT NULL, region_code TEXT NOT NULL, category TEXT NOT NULL, minutes BIGINT NOT NULL",
		"org_id, month, volunteer_id, region_code, category",
		`SELECT org_id, month, volunteer_id, region_code, category, SUM(minutes) FROM fig_src_hours
			GROUP BY org_id, month, volunteer_id, region_code, category`},
	{"fig_rebuild_keys", "org_id BIGINT NOT NULL, month TEXT NOT NULL, region_code TEXT NOT NULL, category TEXT NOT NULL, minutes BIGINT NOT NULL",
		"org_id, month, region_code, category",
		`SELECT org_id, month, region_code, category, SUM(minutes) FROM fig_rebuild_hours GROUP BY org_id, month, region_code, category`},
}

// figureDerived are the summary tables whose AFTER INSERT triggers keep other summary rows
// from their own: fig_active's keep fig_active_span (a volunteer's month turning active),
// fig_org's keep its '*' rows. The rebuild writes those rows itself, from the base rows,
// so it suspends these triggers while it writes: run per row they cost more than the
// rebuild's every other statement (on PostgreSQL, 2.3 million fig_active rows at 10
// million entries took longer than 38 minutes).
var figureDerived = []string{"fig_active", "fig_org"}

// serviceRows are fig_region's rows of service categories: on SQLite the table also holds
// fig_active_span's rows, under categories starting with '>' (0033_figures_span_in_region.sql),
// which readers of categories leave out. On PostgreSQL there are none.
const serviceRows = "substr(category, 1, 1) <> '>'"

// figureOwnRows are the rows of a summary table that are its own figures: verify compares
// only those (fig_region's span rows are checked as fig_active_span's).
var figureOwnRows = map[string]string{"fig_region": serviceRows}

// serviceExpected counts activities, sessions, sign-ups and the confirmed minutes of hours
// (a source of key, month, category and minutes) under key, month and category.
func serviceExpected(key, hours string) string {
	return `SELECT ` + key + `, month, category, SUM(a), SUM(s), SUM(g), SUM(m) FROM (
		SELECT ` + key + `, month, category, 1 AS a, 0 AS s, 0 AS g, 0 AS m FROM fig_src_activities
		UNION ALL SELECT ` + key + `, month, category, 0, 1, 0, 0 FROM fig_src_sessions
		UNION ALL SELECT ` + key + `, month, category, 0, 0, 1, 0 FROM fig_src_signups
		UNION ALL SELECT ` + key + `, month, category, 0, 0, 0, minutes FROM ` + hours + `
	) x GROUP BY ` + key + `, month, category`
}

// FigureMismatch is the first difference verify found: the summary table, the row's key
// and the measures stored and computed afresh ("0" for a row that is missing).
type FigureMismatch struct {
	Table    string
	Key      string
	Stored   string
	Expected string
}

func (m FigureMismatch) String() string {
	return fmt.Sprintf("%s %s: stored %s, from the base tables %s", m.Table, m.Key, m.Stored, m.Expected)
}

// figureRows reads a query of keys then measures into key → measures, leaving out rows
// whose measures are all zero (a summary row counted up and down again).
func figureRows(ctx context.Context, c conn, t figureTable, q string) (map[string]string, error) {
	rows, err := c.query(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", t.name, err)
	}
	defer rows.Close()
	n := len(t.keys) + len(t.measures)
	out := map[string]string{}
	for rows.Next() {
		keys := make([]any, len(t.keys))
		meas := make([]int64, len(t.measures))
		dest := make([]any, 0, n)
		for i := range keys {
			var s string
			keys[i] = &s
			dest = append(dest, &s)
		}
		for i := range meas {
			dest = append(dest, &meas[i])
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, fmt.Errorf("%s: %w", t.name, err)
		}
		var zero = true
		ms := make([]string, len(meas))
		for i, m := range meas {
			zero = zero && m == 0
			ms[i] = fmt.Sprintf("%s=%d", t.measures[i], m)
		}
		if zero {
			continue
		}
		ks := make([]string, len(keys))
		for i, k := range keys {
			ks[i] = fmt.Sprintf("%s=%q", t.keys[i], *k.(*string))
		}
		out["("+strings.Join(ks, " ")+")"] = strings.Join(ms, " ")
	}
	return out, rows.Err()
}

// VerifyFigures recomputes every summary table from the base tables and compares: it
// returns nil when all agree, or the first difference (tables in order, rows by key).
func (s *Store) VerifyFigures(ctx context.Context) (*FigureMismatch, error) {
	var found *FigureMismatch
	// One snapshot, so the stored rows and the base rows are read at the same moment.
	err := s.inSnapshot(ctx, func(c conn) error {
		for _, t := range figureTables {
			q := `SELECT ` + strings.Join(append(slices.Clone(t.keys), t.measures...), ", ") + ` FROM ` + t.name
			if own := figureOwnRows[t.name]; own != "" {
				q += ` WHERE ` + own
			}
			stored, err := figureRows(ctx, c, t, q)
			if err != nil {
				return err
			}
			want, err := figureRows(ctx, c, t, t.expected)
			if err != nil {
				return err
			}
			keys := make([]string, 0, len(stored)+len(want))
			for k := range stored {
				keys = append(keys, k)
			}
			for k := range want {
				if _, ok := stored[k]; !ok {
					keys = append(keys, k)
				}
			}
			slices.Sort(keys)
			for _, k := range keys {
				if stored[k] != want[k] {
					m := FigureMismatch{Table: t.name, Key: k, Stored: stored[k], Expected: want[k]}
					if m.Stored == "" {
						m.Stored = "nothing"
					}
					if m.Expected == "" {
						m.Expected = "nothing"
					}
					found = &m
					return nil
				}
			}
		}
		return nil
	})
	return found, err
}

// RebuildFigures recomputes every summary table from the base tables in one transaction,
// writers of counted rows waiting meanwhile (PostgreSQL: the tables are locked; SQLite has
// one writer anyway). The confirmed hours are read from the base tables once, into
// scratch tables grouped by what the summaries count (figureScratch), and every summary
// is counted from those; the triggers that keep summary rows from other summary rows are
// suspended while it writes (figureDerived), since it writes those rows itself. The
// result is what verify's queries count (TestFiguresScriptedHistory, TestBenchBulkHours).
func (s *Store) RebuildFigures(ctx context.Context) error {
	names := make([]string, len(figureTables))
	for i, t := range figureTables {
		names[i] = t.name
	}
	err := s.inTx(ctx, func(tx conn) error {
		if q := s.dialect.lockTables(names); q != "" {
			if _, err := tx.exec(ctx, q); err != nil {
				return err
			}
		}
		if q := s.dialect.bigSorts(); q != "" {
			if _, err := tx.exec(ctx, q); err != nil {
				return err
			}
		}
		for _, t := range figureTables {
			if _, err := tx.exec(ctx, `DELETE FROM `+t.name); err != nil {
				return err
			}
		}
		for _, sc := range figureScratch {
			// Created and dropped inside the transaction (a failed rebuild's rollback drops
			// it on both engines), so none is left on the connection from before.
			if _, err := tx.exec(ctx, s.dialect.scratchTable(sc.name, sc.cols, sc.key)); err != nil {
				return fmt.Errorf("%s: %w", sc.name, err)
			}
			if _, err := tx.exec(ctx, `INSERT INTO `+sc.name+` (`+sc.key+`, minutes) `+sc.fill); err != nil {
				return fmt.Errorf("%s: %w", sc.name, err)
			}
			for _, q := range s.dialect.scratchFilled(sc.name) {
				if _, err := tx.exec(ctx, q); err != nil {
					return fmt.Errorf("%s: %w", sc.name, err)
				}
			}
		}
		var resume []func() error
		for _, name := range figureDerived {
			r, err := s.dialect.suspendInsertTriggers(ctx, tx, name)
			if err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
			resume = append(resume, r)
		}
		for _, t := range figureTables {
			// fig_org's DELETE triggers (still on) keep its '*' rows from the category rows
			// deleted: the first DELETE above may have left '*' rows behind, so each table
			// is emptied again just before it is written.
			if _, err := tx.exec(ctx, `DELETE FROM `+t.name); err != nil {
				return err
			}
			cols := strings.Join(append(slices.Clone(t.keys), t.measures...), ", ")
			q := t.rebuild
			if q == "" {
				q = t.expected
			}
			if _, err := tx.exec(ctx, `INSERT INTO `+t.name+` (`+cols+`) `+q); err != nil {
				return fmt.Errorf("%s: %w", t.name, err)
			}
		}
		for _, r := range resume {
			if err := r(); err != nil {
				return err
			}
		}
		for _, sc := range slices.Backward(figureScratch) {
			if _, err := tx.exec(ctx, `DROP TABLE `+sc.name); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	// The summaries are rebuilt and committed; what follows only tidies up after the
	// rebuild (PostgreSQL: dead rows, statistics), and a failure of it is reported but
	// undoes nothing.
	for _, q := range s.dialect.afterRebuild(names) {
		if _, err := s.writer().exec(ctx, q); err != nil {
			return fmt.Errorf("after the rebuild: %w", err)
		}
	}
	return nil
}

// regionRange is the half-open range of codes under a prefix: ':' sorts right after '9'.
func regionRange(prefix string) (lo, hi string) { return prefix, prefix + ":" }

// orgPathRange is the half-open range of materialised paths of an organisation and
// everything below it ('/1/5/' .. '/1/50'), read from its path as it is now.
func (s *Store) orgPathRange(ctx context.Context, id int64) (lo, hi string, err error) {
	var path string
	if err := s.reader().queryRow(ctx, "SELECT path FROM organizations WHERE id = ?", id).Scan(&path); err != nil {
		return "", "", s.translate(err, nil)
	}
	lo, hi = prefixRange(path)
	return lo, hi, nil
}

// FigureTotals sums the summary rows of one scope over the months from..to ("2026-01").
func (s *Store) FigureTotals(ctx context.Context, sc zhiyuan.FigureScope, from, to string) (zhiyuan.FigureTotals, error) {
	var t zhiyuan.FigureTotals
	r := s.reader()
	if sc.OrgID != 0 {
		lo, hi, err := s.orgPathRange(ctx, sc.OrgID)
		if err != nil {
			return t, err
		}
		err = r.queryRow(ctx, `SELECT COALESCE(SUM(f.activities), 0), COALESCE(SUM(f.sessions), 0), COALESCE(SUM(f.signups), 0),
			COALESCE(SUM(f.minutes), 0) FROM organizations o JOIN fig_org f ON f.org_id = o.id
			WHERE o.path >= ? AND o.path < ? AND f.month >= ? AND f.month <= ? AND f.category = '*'`, lo, hi, from, to).
			Scan(&t.Activities, &t.Sessions, &t.Signups, &t.ConfirmedMinutes)
		if err != nil {
			return t, err
		}
		// Distinct over the subtree: a volunteer serving two of its organisations is one.
		err = r.queryRow(ctx, `SELECT COUNT(DISTINCT f.volunteer_id) FROM organizations o JOIN fig_org_active f ON f.org_id = o.id
			WHERE o.path >= ? AND o.path < ? AND f.month >= ? AND f.month <= ? AND f.minutes > 0`, lo, hi, from, to).Scan(&t.ActiveVolunteers)
		if err != nil {
			return t, err
		}
		err = r.queryRow(ctx, `SELECT COUNT(*), COALESCE(SUM(member_count), 0) FROM organizations
			WHERE path >= ? AND path < ? AND status = 'approved'`, lo, hi).Scan(&t.Organizations, &t.Members)
		return t, err
	}
	lo, hi := regionRange(sc.RegionPrefix)
	err := r.queryRow(ctx, `SELECT
		(SELECT COALESCE(SUM(registered), 0) FROM fig_volunteers WHERE region_code >= ? AND region_code < ? AND month >= ? AND month <= ?),
		(SELECT COALESCE(SUM(closed), 0) FROM fig_volunteers WHERE region_code >= ? AND region_code < ? AND month >= ? AND month <= ?),
		(SELECT COALESCE(SUM(registered - closed), 0) FROM fig_volunteers WHERE region_code >= ? AND region_code < ? AND month <= ?),
		(SELECT COALESCE(SUM(volunteers), 0) FROM fig_active_span WHERE region_code >= ? AND region_code < ? AND month >= ? AND month <= ? AND prev_month < ?),
		(SELECT COALESCE(SUM(approved), 0) FROM fig_orgs WHERE region_code >= ? AND region_code < ? AND month >= ? AND month <= ?),
		(SELECT COALESCE(SUM(approved), 0) FROM fig_orgs WHERE region_code >= ? AND region_code < ? AND month <= ?)`,
		lo, hi, from, to, lo, hi, from, to, lo, hi, to, lo, hi, from, to, from, lo, hi, from, to, lo, hi, to).
		Scan(&t.NewVolunteers, &t.ClosedVolunteers, &t.Volunteers, &t.ActiveVolunteers, &t.FigureCounts.Organizations, &t.Organizations)
	if err != nil {
		return t, err
	}
	err = r.queryRow(ctx, `SELECT COALESCE(SUM(activities), 0), COALESCE(SUM(sessions), 0), COALESCE(SUM(signups), 0), COALESCE(SUM(minutes), 0)
		FROM fig_region WHERE region_code >= ? AND region_code < ? AND month >= ? AND month <= ?`, lo, hi, from, to).
		Scan(&t.Activities, &t.Sessions, &t.Signups, &t.ConfirmedMinutes)
	if err != nil {
		return t, err
	}
	t.BySex, t.ByAgeBand, t.ByPolitical = map[string]int64{}, map[string]int64{}, map[string]int64{}
	rows, err := r.query(ctx, `SELECT sex, age_band, political_status, SUM(registered - closed) FROM fig_volunteers
		WHERE region_code >= ? AND region_code < ? AND month <= ? GROUP BY sex, age_band, political_status`, lo, hi, to)
	if err != nil {
		return t, err
	}
	defer rows.Close()
	for rows.Next() {
		var sex, band, pol string
		var n int64
		if err := rows.Scan(&sex, &band, &pol, &n); err != nil {
			return t, err
		}
		t.BySex[sex] += n
		t.ByAgeBand[band] += n
		t.ByPolitical[pol] += n
	}
	return t, rows.Err()
}

// FigureSeries splits a scope's counts over the range by month or by service category
// (zhiyuan.FigureByMonth, FigureByCategory), in key order; months without any figure are
// left out (the app fills them in).
func (s *Store) FigureSeries(ctx context.Context, sc zhiyuan.FigureScope, from, to, by string) ([]zhiyuan.FigureRow, error) {
	col := "month"
	if by == zhiyuan.FigureByCategory {
		col = "category"
	}
	rows := map[string]*zhiyuan.FigureRow{}
	row := func(k string) *zhiyuan.FigureRow {
		if rows[k] == nil {
			rows[k] = &zhiyuan.FigureRow{Key: k}
		}
		return rows[k]
	}
	r := s.reader()
	var q string
	var args []any
	if sc.OrgID != 0 {
		lo, hi, err := s.orgPathRange(ctx, sc.OrgID)
		if err != nil {
			return nil, err
		}
		// By month the '*' rows (all categories), by category the others.
		cat := "f.category = '*'"
		if col == "category" {
			cat = "f.category <> '*'"
		}
		q = `SELECT f.` + col + `, SUM(f.activities), SUM(f.sessions), SUM(f.signups), SUM(f.minutes)
			FROM organizations o JOIN fig_org f ON f.org_id = o.id
			WHERE o.path >= ? AND o.path < ? AND f.month >= ? AND f.month <= ? AND ` + cat + ` GROUP BY f.` + col
		args = []any{lo, hi, from, to}
	} else {
		lo, hi := regionRange(sc.RegionPrefix)
		q = `SELECT ` + col + `, SUM(activities), SUM(sessions), SUM(signups), SUM(minutes) FROM fig_region
			WHERE region_code >= ? AND region_code < ? AND month >= ? AND month <= ? AND ` + serviceRows + ` GROUP BY ` + col
		args = []any{lo, hi, from, to}
	}
	err := eachRow(ctx, r, q, args, func(sc rowScanner) error {
		var k string
		var c zhiyuan.FigureCounts
		if err := sc.Scan(&k, &c.Activities, &c.Sessions, &c.Signups, &c.ConfirmedMinutes); err != nil {
			return err
		}
		x := row(k)
		x.Activities, x.Sessions, x.Signups, x.ConfirmedMinutes = c.Activities, c.Sessions, c.Signups, c.ConfirmedMinutes
		return nil
	})
	if err != nil {
		return nil, err
	}
	if by == zhiyuan.FigureByMonth && sc.OrgID != 0 {
		// A month's active volunteers of the subtree, distinct within the month.
		err := eachRow(ctx, r, `SELECT f.month, COUNT(DISTINCT f.volunteer_id) FROM organizations o JOIN fig_org_active f ON f.org_id = o.id
			WHERE o.path >= ? AND o.path < ? AND f.month >= ? AND f.month <= ? AND f.minutes > 0 GROUP BY f.month`, args,
			func(sc rowScanner) error {
				var k string
				var n int64
				if err := sc.Scan(&k, &n); err != nil {
					return err
				}
				row(k).ActiveVolunteers = n
				return nil
			})
		if err != nil {
			return nil, err
		}
	}
	if by == zhiyuan.FigureByMonth && sc.OrgID == 0 {
		lo, hi := regionRange(sc.RegionPrefix)
		err := eachRow(ctx, r, `SELECT month, SUM(registered), SUM(closed) FROM fig_volunteers
			WHERE region_code >= ? AND region_code < ? AND month >= ? AND month <= ? GROUP BY month`, []any{lo, hi, from, to},
			func(sc rowScanner) error {
				var k string
				var n, c int64
				if err := sc.Scan(&k, &n, &c); err != nil {
					return err
				}
				row(k).NewVolunteers, row(k).ClosedVolunteers = n, c
				return nil
			})
		if err != nil {
			return nil, err
		}
		// perMonth adds one summed column per month of a region-keyed summary to the rows.
		perMonth := func(query string, set func(x *zhiyuan.FigureRow, n int64)) error {
			return eachRow(ctx, r, query, []any{lo, hi, from, to}, func(sc rowScanner) error {
				var k string
				var n int64
				if err := sc.Scan(&k, &n); err != nil {
					return err
				}
				set(row(k), n)
				return nil
			})
		}
		// A month's active volunteers: every row of that month counts (its previous active
		// month is always earlier).
		if err := perMonth(`SELECT month, SUM(volunteers) FROM fig_active_span
			WHERE region_code >= ? AND region_code < ? AND month >= ? AND month <= ? GROUP BY month`,
			func(x *zhiyuan.FigureRow, n int64) { x.ActiveVolunteers = n }); err != nil {
			return nil, err
		}
		if err := perMonth(`SELECT month, SUM(approved) FROM fig_orgs
			WHERE region_code >= ? AND region_code < ? AND month >= ? AND month <= ? GROUP BY month`,
			func(x *zhiyuan.FigureRow, n int64) { x.Organizations = n }); err != nil {
			return nil, err
		}
	}
	out := make([]zhiyuan.FigureRow, 0, len(rows))
	for _, x := range rows {
		out = append(out, *x)
	}
	slices.SortFunc(out, func(a, b zhiyuan.FigureRow) int { return strings.Compare(a.Key, b.Key) })
	return out, nil
}

// topOrgsQuery reads the organisations of a region code range with the most confirmed
// minutes over a range of months (lo, hi, from, to, limit).
const topOrgsQuery = `SELECT o.id, o.name, SUM(f.activities), SUM(f.sessions), SUM(f.signups), SUM(f.minutes)
	FROM organizations o JOIN fig_org f ON f.org_id = o.id
	WHERE o.region_code >= ? AND o.region_code < ? AND o.status = 'approved' AND f.month >= ? AND f.month <= ? AND f.category = '*'
	GROUP BY o.id, o.name HAVING SUM(f.minutes) > 0 ORDER BY SUM(f.minutes) DESC, o.id LIMIT ?`

// FigureTopOrgs lists the organisations of a region with the most confirmed minutes over
// the range, most first: Key is the organisation's id, Label its name.
func (s *Store) FigureTopOrgs(ctx context.Context, regionPrefix, from, to string, limit int) ([]zhiyuan.FigureRow, error) {
	lo, hi := regionRange(regionPrefix)
	var out []zhiyuan.FigureRow
	// fig_org's '*' rows: one per organisation and month, however many categories it
	// served in (its category rows, up to 13 per month, made this read grow with the entries).
	err := eachRow(ctx, s.reader(), topOrgsQuery, []any{lo, hi, from, to, limit}, func(sc rowScanner) error {
		var id int64
		var x zhiyuan.FigureRow
		if err := sc.Scan(&id, &x.Label, &x.Activities, &x.Sessions, &x.Signups, &x.ConfirmedMinutes); err != nil {
			return err
		}
		x.Key = fmt.Sprint(id)
		out = append(out, x)
		return nil
	})
	return out, err
}

// inSnapshot runs fn in a read-only transaction that sees one moment throughout.
func (s *Store) inSnapshot(ctx context.Context, fn func(c conn) error) error {
	tx, err := s.read.BeginTx(ctx, s.dialect.snapshotTx())
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback()
	return fn(conn{s: s, db: tx})
}

func eachRow(ctx context.Context, c conn, q string, args []any, fn func(rowScanner) error) error {
	rows, err := c.query(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}
