package sqlstore_test

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"zhiyuan"
	"zhiyuan/internal/sqlstore"
	"zhiyuan/internal/sqlstore/storetest"
)

// bulkHours writes n confirmed hour entries for the figures benchmark with set-based SQL
// (one INSERT … SELECT over a generated series per 500,000 entries), numbered from..from+n-1
// across calls on the same world: entry g is the volunteer g mod V's (g div V + 1)th, at
// session (g × 2654435761) mod S (spread over every organisation, category and month), of
// 60 to 210 minutes, recorded at the session's end and confirmed by the world's admin. The
// volunteers' totals and chain heads follow. The confirmation triggers are off during the
// load (SQLite: dropped and created again from their own SQL; PostgreSQL:
// session_replication_role = replica, which also skips the foreign-key checks the series
// cannot break), and RebuildFigures then recounts every summary from the base rows, the
// same views `zhiyuan figures rebuild` and `verify` read: the summaries are exact
// (TestBenchBulkHours checks with VerifyFigures and a real confirmation afterwards).
//
// What it does not keep: the ledger's hashes. Each entry's prev_hash is the hash of the
// volunteer's entry before it (the chain is linked), but the hashes are the entry number
// spelled out, not SHA-256 over the entry, so `zhiyuan ledger verify` would flag them. The
// figures do not read hashes. LoadConfirmedHours is the loader that keeps them (and runs
// the triggers), at a few thousand entries a second.
//
// It returns the time the INSERTs took and the rebuild's.
func (w *benchWorld) bulkHours(tb testing.TB, s *sqlstore.Store, engine string, from, n int) (load, rebuild time.Duration) {
	tb.Helper()
	ctx := context.Background()
	started := time.Now()
	c, err := s.DB().Conn(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	exec := func(q string, args ...any) {
		tb.Helper()
		if _, err := c.ExecContext(ctx, s.Rebind(q), args...); err != nil {
			tb.Fatalf("bulk hours: %v\n%s", err, q)
		}
	}
	// The series and the entries' made-up hashes are what the engines spell differently.
	series := "WITH RECURSIVE n(g) AS (SELECT %d UNION ALL SELECT g + 1 FROM n WHERE g < %d) SELECT g FROM n"
	hash := "CAST(printf('%%032d', %s) AS BLOB)"
	genesis := "zeroblob(32)"
	var restore []string
	if engine == "postgres" {
		series = "SELECT g FROM generate_series(%d::bigint, %d::bigint) g"
		hash = "convert_to(lpad((%s)::text, 32, '0'), 'UTF8')"
		genesis = "decode(repeat('00', 32), 'hex')"
		exec("SET session_replication_role = replica")
		restore = []string{"SET session_replication_role = origin"}
	} else {
		// The confirmation's AFTER INSERT triggers (the figures', the campaigns'): dropped
		// for the load, created again from their own SQL after it.
		rows, err := c.QueryContext(ctx, `SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'hour_confirmations'
			AND sql LIKE '%AFTER INSERT%'`)
		if err != nil {
			tb.Fatal(err)
		}
		var drop []string
		for rows.Next() {
			var name, sql string
			if err := rows.Scan(&name, &sql); err != nil {
				tb.Fatal(err)
			}
			drop = append(drop, "DROP TRIGGER "+name)
			restore = append(restore, sql)
		}
		if err := rows.Close(); err != nil || len(drop) == 0 {
			tb.Fatalf("confirmation triggers: %v %v", drop, err)
		}
		exec("PRAGMA foreign_keys = OFF")
		restore = append(restore, "PRAGMA foreign_keys = ON")
		for _, q := range drop {
			exec(q)
		}
	}
	defer func() {
		for _, q := range restore {
			if _, err := c.ExecContext(context.Background(), q); err != nil {
				tb.Errorf("bulk hours: restore %q: %v", q, err)
			}
		}
		c.Close()
	}()

	// The world's volunteers and sessions numbered 0.. so the series can pick them.
	exec("DROP TABLE IF EXISTS bench_v")
	exec("DROP TABLE IF EXISTS bench_s")
	exec("CREATE TEMP TABLE bench_v (k BIGINT PRIMARY KEY, id BIGINT NOT NULL)")
	exec("BEGIN")
	for i, id := range w.vols {
		exec("INSERT INTO bench_v VALUES (?, ?)", i, id)
	}
	exec("COMMIT")
	// ends_at keeps its column's type (and on SQLite its stored spelling) as a copy.
	exec(`CREATE TEMP TABLE bench_s AS SELECT ROW_NUMBER() OVER (ORDER BY s.id) - 1 AS k, s.id, a.org_id, s.ends_at
		FROM activity_sessions s JOIN activities a ON a.id = s.activity_id`)
	exec("CREATE UNIQUE INDEX bench_s_k ON bench_s (k)")
	var sessions int
	if err := c.QueryRowContext(ctx, "SELECT COUNT(*) FROM bench_s").Scan(&sessions); err != nil || sessions == 0 {
		tb.Fatalf("bench sessions: %d %v", sessions, err)
	}
	vols := len(w.vols)

	const per = 500_000
	for lo := from; lo < from+n; lo += per {
		hi := min(lo+per, from+n) - 1
		exec("BEGIN")
		var last int64
		if err := c.QueryRowContext(ctx, "SELECT COALESCE(MAX(id), 0) FROM hour_entries").Scan(&last); err != nil {
			tb.Fatal(err)
		}
		exec(fmt.Sprintf(`INSERT INTO hour_entries (volunteer_id, seq, kind, minutes, session_id, org_id, reason, recorded_at, prev_hash, hash)
			SELECT v.id, n.g / %[1]d + 1, 'attended', 60 + 30 * ((n.g * 7919) %% 6), s.id, s.org_id, '', s.ends_at,
				CASE WHEN n.g < %[1]d THEN %[3]s ELSE %[4]s END, %[5]s
			FROM (`+series+`) n JOIN bench_v v ON v.k = n.g %% %[1]d JOIN bench_s s ON s.k = (n.g * 2654435761) %% %[2]d
			ORDER BY v.id, n.g`,
			vols, sessions, genesis, fmt.Sprintf(hash, fmt.Sprintf("n.g - %d + 1", vols)), fmt.Sprintf(hash, "n.g + 1"), lo, hi))
		exec(`INSERT INTO hour_confirmations (entry_id, volunteer_id, session_id, confirmed_by, confirmed_at, rating, comment, entry_hash, hash)
			SELECT e.id, e.volunteer_id, e.session_id, ?, e.recorded_at, 5, '', e.hash, e.hash FROM hour_entries e WHERE e.id > ?`, w.admin, last)
		exec(`INSERT INTO volunteer_hour_totals (volunteer_id, confirmed_minutes, last_seq, head_hash, updated_at)
			SELECT t.volunteer_id, t.minutes, t.seq, (SELECT x.hash FROM hour_entries x WHERE x.volunteer_id = t.volunteer_id AND x.seq = t.seq), ?
			FROM (SELECT e.volunteer_id, SUM(e.minutes) AS minutes, MAX(e.seq) AS seq FROM hour_entries e WHERE e.id > ? GROUP BY e.volunteer_id) t WHERE true -- SQLite: "WHERE" so ON CONFLICT is not read as a join
			ON CONFLICT (volunteer_id) DO UPDATE SET confirmed_minutes = volunteer_hour_totals.confirmed_minutes + excluded.confirmed_minutes,
				last_seq = excluded.last_seq, head_hash = excluded.head_hash, updated_at = excluded.updated_at`, time.Now().UTC(), last)
		exec("COMMIT")
		if testing.Verbose() {
			fmt.Fprintf(os.Stderr, "bulk hours (%s): %d of %d entries in %s\n", engine, hi+1-from, n, time.Since(started).Round(time.Second))
		}
	}
	load = time.Since(started)
	for _, q := range restore {
		exec(q)
	}
	restore = nil
	c.Close() // SQLite has one writer connection: the rebuild needs it

	started = time.Now()
	if err := s.RebuildFigures(ctx); err != nil {
		tb.Fatal(err)
	}
	if engine == "postgres" {
		if _, err := s.DB().ExecContext(ctx, "ANALYZE"); err != nil {
			tb.Fatal(err)
		}
	}
	return load, time.Since(started)
}

// bulkMinutes is what bulkHours(from, n) adds to the confirmed minutes: its formula summed.
func bulkMinutes(from, n int) int64 {
	var m int64
	for g := from; g < from+n; g++ {
		m += int64(60 + 30*((g*7919)%6))
	}
	return m
}

// TestBenchBulkHours loads a small world with the benchmark's bulk loader in two steps,
// as the benchmark does, and checks what it leaves: every summary as the base rows count
// it (VerifyFigures), the province's confirmed minutes and active volunteers those of the
// loaded entries, and the ordinary write path working on top of it — the triggers back
// (a confirmation after the load is counted, VerifyFigures again) and the volunteers'
// chain heads right (appending after the load takes the next place on the chain).
func TestBenchBulkHours(t *testing.T) {
	t.Parallel()
	for _, engine := range storetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			s := storetest.New(t, engine, sqlstore.Options{})
			ctx := context.Background()
			w := newBenchWorld(t, s, countyCodes(), 12, 97)
			w.bulkHours(t, s, engine, 0, 1000)
			w.bulkHours(t, s, engine, 1000, 2500)
			mustVerifyFigures(t, s)
			province := zhiyuan.FigureScope{RegionPrefix: "44"}
			got, err := s.FigureTotals(ctx, province, "2026-01", "2026-12")
			if err != nil {
				t.Fatal(err)
			}
			if want := bulkMinutes(0, 3500); got.ConfirmedMinutes != want || got.ActiveVolunteers != int64(len(w.vols)) {
				t.Fatalf("Guangdong's 2026 after the load: %d minutes, %d active; loaded %d minutes of %d volunteers",
					got.ConfirmedMinutes, got.ActiveVolunteers, want, len(w.vols))
			}
			e := &zhiyuan.HourEntry{VolunteerID: w.vols[0], Kind: zhiyuan.HourMakeup, Minutes: 45, SessionID: w.sessions[0][0].id,
				OrgID: w.orgs[0].ID, Reason: "补录", RecordedBy: w.admin}
			if err := s.AppendHourEntry(ctx, e, sqlstore.EntryPlace{RegionCode: w.orgs[0].RegionCode}, nil); err != nil {
				t.Fatal(err)
			}
			if want := int64(3500/len(w.vols) + 2); e.Seq != want {
				t.Errorf("the entry after the load is number %d on its volunteer's chain, want %d", e.Seq, want)
			}
			if done, err := s.ConfirmHourEntries(ctx, sqlstore.ConfirmInput{EntryIDs: []int64{e.ID}, ConfirmedBy: w.admin}); err != nil || len(done) != 1 {
				t.Fatalf("confirm after the load: %v %v", done, err)
			}
			after, err := s.FigureTotals(ctx, province, "2026-01", "2026-12")
			if err != nil {
				t.Fatal(err)
			}
			if after.ConfirmedMinutes != got.ConfirmedMinutes+45 {
				t.Errorf("a confirmation after the load: %d minutes, want %d", after.ConfirmedMinutes, got.ConfirmedMinutes+45)
			}
			mustVerifyFigures(t, s)
		})
	}
}
