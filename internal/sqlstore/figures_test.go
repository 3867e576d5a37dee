package sqlstore_test

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"zhiyuan"
	"zhiyuan/internal/sqlstore"
)

// handFigures computes a region's figures for months from..to straight from the base rows,
// in Go, without the summary tables or their views: what the summaries must equal.
func handFigures(t *testing.T, s *sqlstore.Store, prefix, from, to string) zhiyuan.FigureTotals {
	t.Helper()
	ctx := context.Background()
	db := s.DB()
	in := func(code, month string) bool {
		return strings.HasPrefix(code, prefix) && month >= from && month <= to
	}
	var f zhiyuan.FigureTotals
	rows, err := db.QueryContext(ctx, `SELECT region_code, status, created_at, closed_at FROM volunteers`)
	if err != nil {
		t.Fatal(err)
	}
	home := map[int64]string{}
	for rows.Next() {
		var code, st string
		var created time.Time
		var closedAt sql.NullTime
		if err := rows.Scan(&code, &st, &created, &closedAt); err != nil {
			t.Fatal(err)
		}
		closed := &closedAt.Time
		if in(code, zhiyuan.MonthOf(created)) {
			f.NewVolunteers++
		}
		if strings.HasPrefix(code, prefix) && zhiyuan.MonthOf(created) <= to && (st != "closed" || zhiyuan.MonthOf(*closed) > to) {
			f.Volunteers++
		}
		if st == "closed" && in(code, zhiyuan.MonthOf(*closed)) {
			f.ClosedVolunteers++
		}
	}
	rows.Close()
	rows, err = db.QueryContext(ctx, `SELECT id, region_code FROM volunteers`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id int64
		var code string
		rows.Scan(&id, &code)
		home[id] = code
	}
	rows.Close()
	// Hours served at a session count where the activity was; hours without a session
	// (made up, imported) where the organisation is.
	rows, err = db.QueryContext(ctx, `SELECT e.volunteer_id, e.minutes, e.recorded_at, COALESCE(a.region_code, o.region_code)
		FROM hour_confirmations c JOIN hour_entries e ON e.id = c.entry_id JOIN organizations o ON o.id = e.org_id
		LEFT JOIN activity_sessions s ON s.id = e.session_id LEFT JOIN activities a ON a.id = s.activity_id`)
	if err != nil {
		t.Fatal(err)
	}
	net := map[string]int64{} // volunteer|month → minutes
	for rows.Next() {
		var vol, minutes int64
		var at time.Time
		var code string
		if err := rows.Scan(&vol, &minutes, &at, &code); err != nil {
			t.Fatal(err)
		}
		if in(code, zhiyuan.MonthOf(at)) {
			f.ConfirmedMinutes += minutes
		}
		net[fmt.Sprint(vol, "|", zhiyuan.MonthOf(at))] += minutes
	}
	rows.Close()
	active := map[string]bool{}
	for k, m := range net {
		vol, month, _ := strings.Cut(k, "|")
		var id int64
		fmt.Sscan(vol, &id)
		if m > 0 && in(home[id], month) {
			active[vol] = true
		}
	}
	f.ActiveVolunteers = int64(len(active))
	count := func(q string) []struct{ code, month string } {
		rows, err := db.QueryContext(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out []struct{ code, month string }
		for rows.Next() {
			var code string
			var at time.Time
			if err := rows.Scan(&code, &at); err != nil {
				t.Fatal(err)
			}
			out = append(out, struct{ code, month string }{code, zhiyuan.MonthOf(at)})
		}
		return out
	}
	for _, r := range count(`SELECT region_code, published_at FROM activities WHERE status IN ('published', 'closed')`) {
		if in(r.code, r.month) {
			f.Activities++
		}
	}
	for _, r := range count(`SELECT a.region_code, s.starts_at FROM activity_sessions s JOIN activities a ON a.id = s.activity_id
		WHERE s.status IN ('open', 'closed')`) {
		if in(r.code, r.month) {
			f.Sessions++
		}
	}
	for _, r := range count(`SELECT a.region_code, g.created_at FROM signups g JOIN activities a ON a.id = g.activity_id`) {
		if in(r.code, r.month) {
			f.Signups++
		}
	}
	return f
}

// handOrgActive counts by hand, from the base rows, the distinct volunteers with net
// confirmed minutes above 0 in some month of from..to with some organisation of org's
// subtree as the tree stands now (hours of a session belong to the activity's
// organisation, others to the entry's).
func handOrgActive(t *testing.T, s *sqlstore.Store, org int64, from, to string) int64 {
	t.Helper()
	ctx := context.Background()
	paths := map[int64]string{}
	rows, err := s.DB().QueryContext(ctx, `SELECT id, path FROM organizations`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id int64
		var path string
		if err := rows.Scan(&id, &path); err != nil {
			t.Fatal(err)
		}
		paths[id] = path
	}
	rows.Close()
	rows, err = s.DB().QueryContext(ctx, `SELECT e.volunteer_id, e.minutes, e.recorded_at, COALESCE(a.org_id, e.org_id)
		FROM hour_confirmations c JOIN hour_entries e ON e.id = c.entry_id
		LEFT JOIN activity_sessions s ON s.id = e.session_id LEFT JOIN activities a ON a.id = s.activity_id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	net := map[[3]string]int64{} // volunteer, organisation, month → minutes
	for rows.Next() {
		var vol, minutes, o int64
		var at time.Time
		if err := rows.Scan(&vol, &minutes, &at, &o); err != nil {
			t.Fatal(err)
		}
		net[[3]string{fmt.Sprint(vol), fmt.Sprint(o), zhiyuan.MonthOf(at)}] += minutes
	}
	active := map[string]bool{}
	for k, m := range net {
		var o int64
		fmt.Sscan(k[1], &o)
		if m > 0 && strings.HasPrefix(paths[o], paths[org]) && k[2] >= from && k[2] <= to {
			active[k[0]] = true
		}
	}
	return int64(len(active))
}

func mustVerifyFigures(t *testing.T, s *sqlstore.Store) {
	t.Helper()
	m, err := s.VerifyFigures(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if m != nil {
		t.Fatalf("figures verify: %s", m)
	}
}

// TestFiguresScriptedHistory: registrations, hours confirmed, a correction of −2 h, a
// closed account and an organisation moved to another parent; every figure at every level
// equals the one computed by hand from the rows, and verify passes; an edited summary row
// makes verify fail naming the row, and rebuild mends it.
func TestFiguresScriptedHistory(t *testing.T) {
	t.Parallel()
	eachLedger(t, 3, func(t *testing.T, f *hoursFixture) {
		ctx := context.Background()
		s := f.s
		mustVerifyFigures(t, s)
		// Two volunteers registered in Shenzhen in January.
		f.clock.Set(time.Date(2026, 1, 15, 2, 0, 0, 0, time.UTC))
		for i := range 2 {
			v := &zhiyuan.Volunteer{Name: "深圳志愿者", IDType: zhiyuan.IDResident, IDNumberMasked: "440***********123X",
				Phone: fmt.Sprintf("136%08d", i), RegionCode: "440303", BirthDate: time.Date(1960, 5, 1, 0, 0, 0, 0, time.UTC), Sex: "male",
				PoliticalStatus: "群众"}
			if err := s.CreateVolunteer(ctx, v, sqlstore.VolunteerSecrets{PasswordHash: "h", IDNumberIndex: fmt.Sprintf("sz%d", i)}); err != nil {
				t.Fatal(err)
			}
		}
		// Hours on 7 March: 09:00–12:00, 09:00–11:00, 10:00–12:00; all confirmed.
		f.clock.Set(f.clock.At("12:30"))
		var entries []int64
		for i, span := range [][2]string{{"09:00", "12:00"}, {"09:00", "11:00"}, {"10:00", "12:00"}} {
			if _, err := f.checkin(f.vols[i], f.clock.At(span[0])); err != nil {
				t.Fatal(err)
			}
			_, e, err := f.checkout(t, f.vols[i], f.clock.At(span[1]))
			if err != nil {
				t.Fatal(err)
			}
			entries = append(entries, e.ID)
		}
		if _, err := s.ConfirmHourEntries(ctx, sqlstore.ConfirmInput{EntryIDs: entries, ConfirmedBy: f.admin, Rating: 5}); err != nil {
			t.Fatal(err)
		}
		// Corrections of −2 h recorded in April, counted in April: March keeps its hours.
		f.clock.Set(time.Date(2026, 4, 2, 3, 0, 0, 0, time.UTC))
		for _, vi := range []int{0, 1} {
			corr := &zhiyuan.HourEntry{VolunteerID: f.vols[vi], Kind: zhiyuan.HourCorrection, Minutes: -120, SessionID: f.session.ID,
				OrgID: f.org, CorrectsID: entries[vi], Reason: "签退时间有误", RecordedBy: f.admin}
			if err := s.AppendHourEntry(ctx, corr, sqlstore.EntryPlace{RegionCode: "440106"}, &zhiyuan.HourConfirmation{ConfirmedBy: f.admin}); err != nil {
				t.Fatal(err)
			}
		}
		// Volunteer 2 closes the account in May.
		f.clock.Set(time.Date(2026, 5, 20, 3, 0, 0, 0, time.UTC))
		if err := s.CloseVolunteer(ctx, f.vols[2]); err != nil {
			t.Fatal(err)
		}
		// The organisation is moved from one parent to another.
		parentA := newOrg(t, s, f.admin, "广州市志愿者联合会", "440100", 0)
		parentB := newOrg(t, s, f.admin, "天河区志愿者联合会", "440106", 0)
		move := func(parent *zhiyuan.Organization) {
			t.Helper()
			if _, err := s.DB().ExecContext(ctx, fmt.Sprintf(`UPDATE organizations SET parent_id = %d, path = '%s', depth = 1 WHERE id = %d`,
				parent.ID, zhiyuan.OrgPath(zhiyuan.OrgPath("", parent.ID), f.org), f.org)); err != nil {
				t.Fatal(err)
			}
		}
		// In June volunteer 0 also serves parent A for 1.5 h (made-up hours, no session), and
		// volunteer 1 serves parent B for 1 h, corrected away the same month (net 0: not active).
		f.clock.Set(time.Date(2026, 6, 10, 3, 0, 0, 0, time.UTC))
		made := func(vol int64, org *zhiyuan.Organization, minutes, corrects int64) int64 {
			t.Helper()
			e := &zhiyuan.HourEntry{VolunteerID: vol, Kind: zhiyuan.HourMakeup, Minutes: minutes, OrgID: org.ID, Reason: "补录", RecordedBy: f.admin}
			if corrects != 0 {
				e.Kind, e.CorrectsID, e.Reason = zhiyuan.HourCorrection, corrects, "重复补录"
			}
			if err := s.AppendHourEntry(ctx, e, sqlstore.EntryPlace{RegionCode: org.RegionCode}, &zhiyuan.HourConfirmation{ConfirmedBy: f.admin}); err != nil {
				t.Fatal(err)
			}
			return e.ID
		}
		made(f.vols[0], parentA, 90, 0)
		made(f.vols[1], parentB, -60, made(f.vols[1], parentB, 60, 0))
		move(parentA)
		orgTotals := func(o int64, from, to string) zhiyuan.FigureTotals {
			t.Helper()
			tot, err := s.FigureTotals(ctx, zhiyuan.FigureScope{OrgID: o}, from, to)
			if err != nil {
				t.Fatal(err)
			}
			return tot
		}
		// Every organisation's active volunteers, over several ranges, against the rows.
		checkOrgs := func(when string) {
			t.Helper()
			for _, o := range []int64{f.org, parentA.ID, parentB.ID} {
				for _, rng := range [][2]string{{"2026-01", "2026-12"}, {"2026-03", "2026-03"}, {"2026-04", "2026-06"}, {"2026-06", "2026-06"}, {"2026-01", "2026-02"}} {
					got, want := orgTotals(o, rng[0], rng[1]).ActiveVolunteers, handOrgActive(t, s, o, rng[0], rng[1])
					if got != want {
						t.Errorf("%s: organisation %d %s..%s: %d active volunteers, by hand %d", when, o, rng[0], rng[1], got, want)
					}
				}
				series, err := s.FigureSeries(ctx, zhiyuan.FigureScope{OrgID: o}, "2026-01", "2026-12", zhiyuan.FigureByMonth)
				if err != nil {
					t.Fatal(err)
				}
				for _, r := range series {
					if want := handOrgActive(t, s, o, r.Key, r.Key); r.ActiveVolunteers != want {
						t.Errorf("%s: organisation %d in %s: %d active volunteers, by hand %d", when, o, r.Key, r.ActiveVolunteers, want)
					}
				}
			}
		}
		checkOrgs("under parent A")
		// Volunteer 0 served both A and the organisation under it: one volunteer, not two.
		if a, b := orgTotals(parentA.ID, "2026-01", "2026-12"), orgTotals(parentB.ID, "2026-01", "2026-12"); a.ConfirmedMinutes != 180+120+120-240+90 ||
			b.ConfirmedMinutes != 0 || a.ActiveVolunteers != 3 || b.ActiveVolunteers != 0 {
			t.Errorf("under parent A: A %d minutes %d active, B %d minutes %d active", a.ConfirmedMinutes, a.ActiveVolunteers, b.ConfirmedMinutes, b.ActiveVolunteers)
		}
		move(parentB)
		checkOrgs("moved to parent B")
		if a, b := orgTotals(parentA.ID, "2026-01", "2026-12"), orgTotals(parentB.ID, "2026-01", "2026-12"); a.ConfirmedMinutes != 90 ||
			b.ConfirmedMinutes != 180 || a.ActiveVolunteers != 1 || b.ActiveVolunteers != 3 {
			t.Errorf("moved to parent B: A %d minutes %d active, B %d minutes %d active", a.ConfirmedMinutes, a.ActiveVolunteers, b.ConfirmedMinutes, b.ActiveVolunteers)
		}
		if june := orgTotals(parentB.ID, "2026-06", "2026-06"); june.ActiveVolunteers != 0 {
			t.Errorf("parent B in June: %d active, but its only hours were corrected away", june.ActiveVolunteers)
		}
		mustVerifyFigures(t, s)
		// The activity handed to parent A and back: its hours and their volunteers follow it.
		hand := func(to int64) {
			t.Helper()
			if _, err := s.DB().ExecContext(ctx, fmt.Sprintf(`UPDATE activities SET org_id = %d WHERE id = %d`, to, f.act.ID)); err != nil {
				t.Fatal(err)
			}
		}
		hand(parentA.ID)
		checkOrgs("activity handed to parent A")
		if a := orgTotals(parentA.ID, "2026-03", "2026-03"); a.ActiveVolunteers != 3 || a.ConfirmedMinutes != 420 {
			t.Errorf("parent A in March, with the activity: %d active, %d minutes", a.ActiveVolunteers, a.ConfirmedMinutes)
		}
		mustVerifyFigures(t, s)
		hand(f.org)
		checkOrgs("activity handed back")
		mustVerifyFigures(t, s)

		for _, scope := range []string{"440106", "440100", "440000", "440300", "440303", "110000"} {
			for _, rng := range [][2]string{{"2026-01", "2026-12"}, {"2026-03", "2026-03"}, {"2026-04", "2026-05"}, {"2026-01", "2026-02"}} {
				got, err := s.FigureTotals(ctx, zhiyuan.FigureScope{RegionPrefix: zhiyuan.ScopePrefix(scope)}, rng[0], rng[1])
				if err != nil {
					t.Fatal(err)
				}
				want := handFigures(t, s, zhiyuan.ScopePrefix(scope), rng[0], rng[1])
				got.BySex, got.ByAgeBand, got.ByPolitical, got.Organizations, got.FigureCounts.Organizations = nil, nil, nil, 0, 0
				if fmt.Sprintf("%+v", got) != fmt.Sprintf("%+v", want) {
					t.Errorf("%s %s..%s:\n summaries %+v\n by hand   %+v", scope, rng[0], rng[1], got, want)
				}
			}
		}
		// The story's own numbers, so the hand computation cannot agree by being wrong too.
		gz, _ := s.FigureTotals(ctx, zhiyuan.FigureScope{RegionPrefix: "4401"}, "2026-01", "2026-12")
		if gz.ConfirmedMinutes != 180+90 || gz.ActiveVolunteers != 3 || gz.Volunteers != 2 || gz.ClosedVolunteers != 1 || gz.NewVolunteers != 3 {
			t.Errorf("广州 2026: %+v", gz)
		}
		gd, _ := s.FigureTotals(ctx, zhiyuan.FigureScope{RegionPrefix: "44"}, "2026-01", "2026-12")
		if gd.Volunteers != 4 || gd.BySex["male"] != 2 || gd.BySex["female"] != 2 {
			t.Errorf("广东 2026: %+v", gd)
		}
		if march, _ := s.FigureTotals(ctx, zhiyuan.FigureScope{RegionPrefix: "4401"}, "2026-03", "2026-03"); march.ActiveVolunteers != 3 || march.ConfirmedMinutes != 420 {
			t.Errorf("广州 March: %+v", march)
		}

		// An edited summary row: verify names it; rebuild mends it.
		if _, err := s.DB().ExecContext(ctx, `UPDATE fig_region SET minutes = minutes + 60 WHERE region_code = '440106' AND month = '2026-03'`); err != nil {
			t.Fatal(err)
		}
		m, err := s.VerifyFigures(ctx)
		if err != nil || m == nil || m.Table != "fig_region" || !strings.Contains(m.Key, `"440106"`) || !strings.Contains(m.Key, `"2026-03"`) {
			t.Fatalf("verify after an edit: %v %v", m, err)
		}
		if err := s.RebuildFigures(ctx); err != nil {
			t.Fatal(err)
		}
		mustVerifyFigures(t, s)
		// The same for the organisations' summaries of 0020.
		if _, err := s.DB().ExecContext(ctx, fmt.Sprintf(`UPDATE fig_org_active SET minutes = 0 WHERE org_id = %d AND month = '2026-06'`, parentA.ID)); err != nil {
			t.Fatal(err)
		}
		if m, err := s.VerifyFigures(ctx); err != nil || m == nil || m.Table != "fig_org_active" || !strings.Contains(m.Key, `"2026-06"`) {
			t.Fatalf("verify after an edit of fig_org_active: %v %v", m, err)
		}
		if _, err := s.DB().ExecContext(ctx, fmt.Sprintf(`UPDATE fig_org SET minutes = minutes - 1 WHERE org_id = %d AND category = '*'`, f.org)); err != nil {
			t.Fatal(err)
		}
		if err := s.RebuildFigures(ctx); err != nil {
			t.Fatal(err)
		}
		mustVerifyFigures(t, s)
		checkOrgs("rebuilt")
		// fig_hour_keys only passes a confirmation's keys to its trigger (0020): never a row.
		var kept int
		if err := s.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM fig_hour_keys`).Scan(&kept); err != nil || kept != 0 {
			t.Errorf("fig_hour_keys holds %d rows (%v)", kept, err)
		}
	})
}

// TestFiguresConcurrentConfirmations: 200 hour confirmations at once in one district; the
// district's, city's and province's totals equal the sum of the entries.
func TestFiguresConcurrentConfirmations(t *testing.T) {
	t.Parallel()
	eachLedger(t, 200, func(t *testing.T, f *hoursFixture) {
		ctx := context.Background()
		f.clock.Set(f.clock.At("12:30"))
		var entries []int64
		var sum int64
		for i, v := range f.vols {
			if _, err := f.checkin(v, f.clock.At("09:00")); err != nil {
				t.Fatal(err)
			}
			_, e, err := f.checkout(t, v, f.clock.At(fmt.Sprintf("11:%02d", i%60)))
			if err != nil {
				t.Fatal(err)
			}
			entries = append(entries, e.ID)
			sum += e.Minutes
		}
		var wg sync.WaitGroup
		errs := make(chan error, len(entries))
		for _, id := range entries {
			wg.Add(1)
			go func() {
				defer wg.Done()
				done, err := f.s.ConfirmHourEntries(ctx, sqlstore.ConfirmInput{EntryIDs: []int64{id}, ConfirmedBy: f.admin})
				if err == nil && len(done) != 1 {
					err = fmt.Errorf("entry %d: confirmed %v", id, done)
				}
				errs <- err
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		for _, scope := range []string{"440106", "4401", "44"} {
			got, err := f.s.FigureTotals(ctx, zhiyuan.FigureScope{RegionPrefix: scope}, "2026-01", "2026-12")
			if err != nil {
				t.Fatal(err)
			}
			if got.ConfirmedMinutes != sum || got.ActiveVolunteers != 200 {
				t.Errorf("%s: %d minutes, %d active; the entries sum to %d minutes of 200 volunteers", scope, got.ConfirmedMinutes, got.ActiveVolunteers, sum)
			}
		}
		mustVerifyFigures(t, f.s)
	})
}

// TestLoadConfirmedHours: hours loaded in bulk (the figures benchmark's 10M) stand as if
// recorded and confirmed one by one: the ledger verifies (chains, seals, totals), the
// figures' triggers counted them, and a second load continues the chains.
func TestLoadConfirmedHours(t *testing.T) {
	t.Parallel()
	eachLedger(t, 5, func(t *testing.T, f *hoursFixture) {
		ctx := context.Background()
		// One entry the ordinary way first, so the load starts from a chain's head.
		f.clock.Set(f.clock.At("12:30"))
		if _, err := f.checkin(f.vols[0], f.clock.At("09:00")); err != nil {
			t.Fatal(err)
		}
		if _, _, err := f.checkout(t, f.vols[0], f.clock.At("10:00")); err != nil {
			t.Fatal(err)
		}
		var sum int64
		for round := range 2 {
			var list []sqlstore.PastHours
			for i := range 40 {
				h := sqlstore.PastHours{VolunteerID: f.vols[i%len(f.vols)], SessionID: f.session.ID, OrgID: f.org, Minutes: int64(30 + i + round),
					RecordedAt: time.Date(2026, time.Month(1+i%12), 10, 4, 0, 0, 0, time.UTC)}
				sum += h.Minutes
				list = append(list, h)
			}
			if err := f.s.LoadConfirmedHours(ctx, list, f.admin); err != nil {
				t.Fatal(err)
			}
		}
		r, err := f.s.VerifyLedger(ctx, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(r.Breaks) != 0 || len(r.Mismatches) != 0 || r.Entries != 81 || r.Confirmations != 80 {
			t.Fatalf("ledger after the load: %+v", r)
		}
		mustVerifyFigures(t, f.s)
		got, err := f.s.FigureTotals(ctx, zhiyuan.FigureScope{OrgID: f.org}, "2026-01", "2026-12")
		if err != nil {
			t.Fatal(err)
		}
		if got.ConfirmedMinutes != sum || got.ActiveVolunteers != 5 {
			t.Errorf("the organisation's 2026: %d minutes, %d active; loaded %d minutes of 5 volunteers", got.ConfirmedMinutes, got.ActiveVolunteers, sum)
		}
	})
}
