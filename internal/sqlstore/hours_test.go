package sqlstore_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"zhiyuan"
	"zhiyuan/internal/sqlstore"
	"zhiyuan/internal/sqlstore/storetest"
)

// ledgerClock is a settable clock shared by the store under test.
type ledgerClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *ledgerClock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *ledgerClock) Set(t time.Time)     { c.mu.Lock(); c.t = t; c.mu.Unlock() }
func (c *ledgerClock) Add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }
func (c *ledgerClock) At(hhmm string) time.Time {
	t, _ := time.ParseInLocation("2006-01-02 15:04", "2026-03-07 "+hhmm, time.FixedZone("CST", 8*3600))
	return t.UTC()
}

// hoursFixture is an approved organisation with a published activity whose one session
// runs 09:00–12:00 Beijing time on 2026-03-07, and n volunteers with confirmed seats.
type hoursFixture struct {
	s       *sqlstore.Store
	clock   *ledgerClock
	admin   int64
	org     int64
	act     *zhiyuan.Activity
	session zhiyuan.ActivitySession
	vols    []int64
}

func eachLedger(t *testing.T, n int, fn func(t *testing.T, f *hoursFixture)) {
	for _, engine := range storetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			c := &ledgerClock{}
			c.Set(c.At("08:00").Add(-48 * time.Hour))
			s := storetest.New(t, engine, sqlstore.Options{Now: c.Now, MaxOpenConns: 20})
			fn(t, newHoursFixture(t, s, c, n))
		})
	}
}

func newHoursFixture(t testing.TB, s *sqlstore.Store, c *ledgerClock, n int) *hoursFixture {
	t.Helper()
	ctx := context.Background()
	acc := &zhiyuan.Account{Phone: "13500009999", Name: "组织管理员"}
	if err := s.CreateAccount(ctx, acc, "h"); err != nil {
		t.Fatal(err)
	}
	o := &zhiyuan.Organization{Name: "天河区青年志愿者协会", Type: "社会组织", RegionCode: "440106",
		ContactName: "李老师", ContactPhone: "13800001111", CreatedBy: acc.ID}
	if err := s.CreateOrganization(ctx, o); err != nil {
		t.Fatal(err)
	}
	if err := s.DecideOrganization(ctx, o.ID, zhiyuan.OrgApproved, "", acc.ID, nil); err != nil {
		t.Fatal(err)
	}
	a := &zhiyuan.Activity{
		OrgID: o.ID, Title: "社区长者探访", Category: zhiyuan.CatElderly, RegionCode: "440106", Address: "天河区五山街道",
		Lat: 23.15, Lng: 113.35, CheckinRadiusM: 300,
		Sessions: []zhiyuan.ActivitySession{{StartsAt: c.At("09:00"), EndsAt: c.At("12:00"), Capacity: n + 5}},
	}
	if err := a.Validate(s.Now()); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateActivity(ctx, a, acc.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.PublishActivity(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	got, err := s.FindActivityByID(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	f := &hoursFixture{s: s, clock: c, admin: acc.ID, org: o.ID, act: got, session: got.Sessions[0]}
	batch := make([]sqlstore.BulkVolunteer, n)
	vs := make([]*zhiyuan.Volunteer, n)
	for i := range n {
		vs[i] = &zhiyuan.Volunteer{Name: fmt.Sprintf("时长志愿者%d", i), IDType: zhiyuan.IDResident, IDNumberMasked: "440***********123X",
			Phone: fmt.Sprintf("134%08d", i), RegionCode: "440106", BirthDate: time.Date(1998, 1, 1, 0, 0, 0, 0, time.UTC), Sex: "female"}
		batch[i] = sqlstore.BulkVolunteer{Volunteer: vs[i], Secrets: sqlstore.VolunteerSecrets{PasswordHash: "h", IDNumberIndex: fmt.Sprintf("hx%d", i)}}
	}
	if n > 0 {
		if err := s.BulkCreateVolunteers(ctx, batch); err != nil {
			t.Fatal(err)
		}
	}
	for _, v := range vs {
		f.vols = append(f.vols, v.ID)
		_, err := s.CreateSignup(ctx, sqlstore.SignupRequest{SessionID: f.session.ID, ActivityID: got.ID, VolunteerID: v.ID,
			Mode: zhiyuan.SignupFirstCome, StartsAt: f.session.StartsAt, EndsAt: f.session.EndsAt})
		if err != nil {
			t.Fatal(err)
		}
	}
	return f
}

func (f *hoursFixture) checkout(t testing.TB, vol int64, at time.Time) (*zhiyuan.Attendance, *zhiyuan.HourEntry, error) {
	t.Helper()
	return f.s.CheckOut(context.Background(), sqlstore.CheckoutInput{
		SessionID: f.session.ID, VolunteerID: vol, At: at, Method: zhiyuan.MethodCode, By: 0, DistM: 5,
		Earn: func(in, out time.Time) (int64, string) {
			return zhiyuan.ServiceTime(zhiyuan.DefaultHourRules(), f.session.StartsAt, f.session.EndsAt, in, out)
		},
		Entry: zhiyuan.HourEntry{OrgID: f.org},
		Place: sqlstore.EntryPlace{RegionCode: f.act.RegionCode, SessionEndsAt: f.session.EndsAt},
	})
}

func (f *hoursFixture) checkin(vol int64, at time.Time) (*zhiyuan.Attendance, error) {
	return f.s.CheckIn(context.Background(), sqlstore.CheckinInput{SessionID: f.session.ID, VolunteerID: vol, At: at,
		Method: zhiyuan.MethodCode, DistM: 5})
}

func (f *hoursFixture) verify(t testing.TB) *zhiyuan.LedgerReport {
	t.Helper()
	r, err := f.s.VerifyLedger(context.Background(), 10)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestCheckinCheckoutMakesPendingEntry(t *testing.T) {
	t.Parallel()
	eachLedger(t, 2, func(t *testing.T, f *hoursFixture) {
		ctx := context.Background()
		v := f.vols[0]
		if _, err := f.checkin(v, f.clock.At("09:05")); err != nil {
			t.Fatal(err)
		}
		if _, err := f.checkin(v, f.clock.At("09:06")); err != sqlstore.ErrAlreadyIn {
			t.Errorf("second check-in: %v", err)
		}
		if _, _, err := f.checkout(t, f.vols[1], f.clock.At("11:00")); err != sqlstore.ErrNotCheckedIn {
			t.Errorf("check-out without check-in: %v", err)
		}
		if _, _, err := f.checkout(t, v, f.clock.At("09:00")); err != sqlstore.ErrCheckoutTooSoon {
			t.Errorf("check-out before check-in: %v", err)
		}
		att, e, err := f.checkout(t, v, f.clock.At("11:50"))
		if err != nil {
			t.Fatal(err)
		}
		if e.Minutes != 150 || att.Minutes != 150 || e.Kind != zhiyuan.HourAttended || e.Seq != 1 {
			t.Fatalf("09:05–11:50 earned %d minutes (%s, seq %d)", e.Minutes, e.Kind, e.Seq)
		}
		if _, _, err := f.checkout(t, v, f.clock.At("11:55")); err != sqlstore.ErrAlreadyOut {
			t.Errorf("second check-out: %v", err)
		}
		tot, _ := f.s.HourTotals(ctx, v)
		if tot.PendingMinutes != 150 || tot.ConfirmedMinutes != 0 || tot.LastSeq != 1 || string(tot.HeadHash) != string(e.Hash) {
			t.Errorf("totals %+v", tot)
		}
		// The 40-minute stay earns nothing but is recorded, so it can be disputed.
		f.checkin(f.vols[1], f.clock.At("09:00"))
		_, e2, err := f.checkout(t, f.vols[1], f.clock.At("09:40"))
		if err != nil || e2.Minutes != 0 || !strings.Contains(e2.Reason, "60%") {
			t.Errorf("40 minutes: %v %+v", err, e2)
		}
		got, err := f.s.FindAttendance(ctx, f.session.ID, v)
		if err != nil || !got.CheckedOut() || got.EntryID != e.ID || got.VolunteerNo == "" {
			t.Errorf("attendance %+v %v", got, err)
		}
		counts, _ := f.s.SessionAttendanceCounts(ctx, f.session.ID)
		if counts.Expected != 2 || counts.CheckedIn != 2 || counts.CheckedOut != 2 || counts.Present != 0 {
			t.Errorf("counts %+v", counts)
		}
		if r := f.verify(t); !r.OK() || r.Entries != 2 || r.Chains != 2 {
			t.Errorf("verify: %+v", r)
		}
	})
}

func TestWalkInAndSeatRules(t *testing.T) {
	t.Parallel()
	eachLedger(t, 1, func(t *testing.T, f *hoursFixture) {
		ctx := context.Background()
		// A volunteer without a seat is refused on the volunteer's path and recorded as a
		// walk-in on the organiser's.
		other := newHoursVolunteer(t, f.s, 900)
		if _, err := f.checkin(other, f.clock.At("09:00")); err != sqlstore.ErrNoSeat {
			t.Fatalf("no seat: %v", err)
		}
		in := sqlstore.CheckinInput{SessionID: f.session.ID, VolunteerID: other, At: f.clock.At("09:10"), Method: zhiyuan.MethodManual,
			By: f.admin, DistM: -1, Organiser: true}
		if _, err := f.s.CheckIn(ctx, in); err != sqlstore.ErrNoSeat {
			t.Fatalf("organiser without walk-in: %v", err)
		}
		in.WalkIn = true
		att, err := f.s.CheckIn(ctx, in)
		if err != nil || !att.WalkIn {
			t.Fatalf("walk-in: %+v %v", att, err)
		}
		// A seated volunteer marked by the organiser is not a walk-in.
		in.VolunteerID = f.vols[0]
		att, err = f.s.CheckIn(ctx, in)
		if err != nil || att.WalkIn {
			t.Fatalf("seated via organiser: %+v %v", att, err)
		}
	})
}

func newHoursVolunteer(t testing.TB, s *sqlstore.Store, i int) int64 {
	v := &zhiyuan.Volunteer{Name: "现场志愿者", IDType: zhiyuan.IDResident, IDNumberMasked: "440***********123X",
		Phone: fmt.Sprintf("133%08d", i), RegionCode: "440106", BirthDate: time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC), Sex: "male"}
	if err := s.CreateVolunteer(context.Background(), v, sqlstore.VolunteerSecrets{PasswordHash: "h", IDNumberIndex: fmt.Sprintf("wx%d", i)}); err != nil {
		t.Fatal(err)
	}
	return v.ID
}

// TestConcurrentCheckins: many volunteers scanning at once, and each of them twice, are
// each recorded exactly once.
func TestConcurrentCheckins(t *testing.T) {
	t.Parallel()
	eachLedger(t, 150, func(t *testing.T, f *hoursFixture) {
		var wg sync.WaitGroup
		var mu sync.Mutex
		ok, dup := 0, 0
		for _, v := range f.vols {
			for range 2 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					_, err := f.checkin(v, f.clock.At("09:01"))
					mu.Lock()
					defer mu.Unlock()
					switch err {
					case nil:
						ok++
					case sqlstore.ErrAlreadyIn:
						dup++
					default:
						t.Errorf("check-in: %v", err)
					}
				}()
			}
		}
		wg.Wait()
		counts, _ := f.s.SessionAttendanceCounts(context.Background(), f.session.ID)
		if ok != 150 || dup != 150 || counts.CheckedIn != 150 {
			t.Fatalf("ok %d, duplicates %d, rows %d", ok, dup, counts.CheckedIn)
		}
	})
}

func TestLedgerRefusesUpdateAndDelete(t *testing.T) {
	t.Parallel()
	eachLedger(t, 1, func(t *testing.T, f *hoursFixture) {
		f.checkin(f.vols[0], f.clock.At("09:00"))
		_, e, err := f.checkout(t, f.vols[0], f.clock.At("12:00"))
		if err != nil {
			t.Fatal(err)
		}
		db := f.s.DB()
		for _, q := range []string{
			"UPDATE hour_entries SET minutes = 600 WHERE id = ?",
			"UPDATE hour_entries SET reason = 'x' WHERE id = ?",
			"DELETE FROM hour_entries WHERE id = ?",
		} {
			if _, err := db.Exec(f.s.Rebind(q), e.ID); err == nil || !strings.Contains(err.Error(), "append-only") {
				t.Errorf("%s: %v", q, err)
			}
		}
		if _, err := f.s.ConfirmHourEntries(context.Background(), sqlstore.ConfirmInput{EntryIDs: []int64{e.ID}, ConfirmedBy: f.admin, Rating: 5}); err != nil {
			t.Fatal(err)
		}
		for _, q := range []string{"UPDATE hour_confirmations SET rating = 1 WHERE entry_id = ?", "DELETE FROM hour_confirmations WHERE entry_id = ?"} {
			if _, err := db.Exec(f.s.Rebind(q), e.ID); err == nil || !strings.Contains(err.Error(), "append-only") {
				t.Errorf("%s: %v", q, err)
			}
		}
		if f.s.Engine() == "postgres" {
			if _, err := db.Exec("TRUNCATE hour_entries CASCADE"); err == nil {
				t.Error("TRUNCATE accepted")
			}
		}
		var n int
		db.QueryRow(f.s.Rebind("SELECT minutes FROM hour_entries WHERE id = ?"), e.ID).Scan(&n)
		if n != 180 {
			t.Errorf("entry now has %d minutes", n)
		}
		if r := f.verify(t); !r.OK() {
			t.Errorf("verify: %+v", r)
		}
	})
}

func TestConfirmCorrectAndTotals(t *testing.T) {
	t.Parallel()
	eachLedger(t, 3, func(t *testing.T, f *hoursFixture) {
		ctx := context.Background()
		var entries []*zhiyuan.HourEntry
		for _, v := range f.vols {
			f.checkin(v, f.clock.At("09:00"))
			_, e, err := f.checkout(t, v, f.clock.At("12:00"))
			if err != nil {
				t.Fatal(err)
			}
			entries = append(entries, e)
		}
		ids, err := f.s.PendingEntryIDs(ctx, []int64{f.session.ID})
		if err != nil || len(ids) != 3 {
			t.Fatalf("pending %v %v", ids, err)
		}
		done, err := f.s.ConfirmHourEntries(ctx, sqlstore.ConfirmInput{EntryIDs: ids[:2], ConfirmedBy: f.admin, Rating: 4, Comment: "认真"})
		if err != nil || len(done) != 2 {
			t.Fatalf("confirm: %v %v", done, err)
		}
		// Confirming again does nothing.
		again, _ := f.s.ConfirmHourEntries(ctx, sqlstore.ConfirmInput{EntryIDs: ids, ConfirmedBy: f.admin})
		if len(again) != 1 {
			t.Fatalf("second confirmation confirmed %v", again)
		}
		v := f.vols[0]
		// A correction of −1 h on a confirmed entry: confirmed at once, both entries kept.
		corr := &zhiyuan.HourEntry{VolunteerID: v, Kind: zhiyuan.HourCorrection, Minutes: -60, SessionID: f.session.ID, OrgID: f.org,
			CorrectsID: entries[0].ID, Reason: "提前离场一小时", RecordedBy: f.admin}
		conf := &zhiyuan.HourConfirmation{ConfirmedBy: f.admin}
		if err := f.s.AppendHourEntry(ctx, corr, sqlstore.EntryPlace{MaxSessionMinutes: 180, SessionEndsAt: f.session.EndsAt}, conf); err != nil {
			t.Fatal(err)
		}
		tot, _ := f.s.HourTotals(ctx, v)
		if tot.ConfirmedMinutes != 120 || tot.PendingMinutes != 0 || tot.LastSeq != 2 {
			t.Errorf("after −1 h: %+v", tot)
		}
		list, _ := f.s.VolunteerHourEntries(ctx, v, 0, 10)
		if len(list) != 2 || list[0].Kind != zhiyuan.HourCorrection || list[1].Minutes != 180 || !list[1].Confirmed() || list[1].Confirmation.Rating != 4 {
			t.Errorf("entries after correction: %+v", list)
		}
		// A correction that would take the session below zero, and a make-up that would
		// take it above its length, are refused without writing anything.
		bad := &zhiyuan.HourEntry{VolunteerID: v, Kind: zhiyuan.HourCorrection, Minutes: -150, SessionID: f.session.ID, OrgID: f.org,
			CorrectsID: entries[0].ID, Reason: "x", RecordedBy: f.admin}
		if err := f.s.AppendHourEntry(ctx, bad, sqlstore.EntryPlace{MaxSessionMinutes: 180}, conf); zhiyuan.ErrorCode(err) != zhiyuan.EInvalid {
			t.Errorf("negative session total: %v", err)
		}
		mk := &zhiyuan.HourEntry{VolunteerID: v, Kind: zhiyuan.HourMakeup, Minutes: 61, SessionID: f.session.ID, OrgID: f.org,
			Reason: "补录", RecordedBy: f.admin}
		if err := f.s.AppendHourEntry(ctx, mk, sqlstore.EntryPlace{MaxSessionMinutes: 180, Field: "hours"}, nil); zhiyuan.ErrorFields(err)["hours"] == "" {
			t.Errorf("make-up over the session length: %v", err)
		}
		mk.Minutes = 60
		if err := f.s.AppendHourEntry(ctx, mk, sqlstore.EntryPlace{MaxSessionMinutes: 180, SessionEndsAt: f.session.EndsAt}, nil); err != nil {
			t.Errorf("make-up within the length: %v", err)
		}
		tot, _ = f.s.HourTotals(ctx, v)
		if tot.ConfirmedMinutes != 120 || tot.PendingMinutes != 60 || tot.LastSeq != 3 {
			t.Errorf("after make-up: %+v", tot)
		}
		if r := f.verify(t); !r.OK() || r.Entries != 5 || r.Confirmations != 4 {
			t.Errorf("verify: %+v", r)
		}
	})
}

// TestTamperingIsFound edits stored bytes under the store (after lifting the triggers,
// as someone with full control of the database could) and expects VerifyLedger to name
// the entry.
func TestTamperingIsFound(t *testing.T) {
	t.Parallel()
	eachLedger(t, 2, func(t *testing.T, f *hoursFixture) {
		var victim *zhiyuan.HourEntry
		for _, v := range f.vols {
			f.checkin(v, f.clock.At("09:00"))
			_, e, _ := f.checkout(t, v, f.clock.At("12:00"))
			victim = e
		}
		db := f.s.DB()
		lift := []string{"DROP TRIGGER hour_entries_no_update"}
		if f.s.Engine() == "postgres" {
			lift = []string{"ALTER TABLE hour_entries DISABLE TRIGGER hour_entries_append_only"}
		}
		for _, q := range lift {
			if _, err := db.Exec(q); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := db.Exec(f.s.Rebind("UPDATE hour_entries SET minutes = 600 WHERE id = ?"), victim.ID); err != nil {
			t.Fatal(err)
		}
		r := f.verify(t)
		if r.OK() || len(r.Breaks) != 1 || r.Breaks[0].EntryID != victim.ID || r.AppendOnly {
			t.Fatalf("report %+v", r)
		}
		if !strings.Contains(r.Breaks[0].Error(), fmt.Sprintf("entry %d", victim.ID)) {
			t.Errorf("break does not name the entry: %v", r.Breaks[0])
		}
		// The totals no longer match either: 600 pending in the ledger, 180 in the row.
		if len(r.Mismatches) == 0 {
			t.Error("totals mismatch not reported")
		}
	})
}

func TestOverdueAndNoShows(t *testing.T) {
	t.Parallel()
	eachLedger(t, 3, func(t *testing.T, f *hoursFixture) {
		ctx := context.Background()
		f.checkin(f.vols[0], f.clock.At("09:00"))
		_, e, err := f.checkout(t, f.vols[0], f.clock.At("12:00"))
		if err != nil {
			t.Fatal(err)
		}
		f.checkin(f.vols[1], f.clock.At("09:00"))
		// vols[2] never comes: a no-show once the session is over.
		n, err := f.s.MarkNoShows(ctx, f.clock.At("11:00"), 100)
		if err != nil || n != 0 {
			t.Fatalf("before the end: %d %v", n, err)
		}
		n, err = f.s.MarkNoShows(ctx, f.clock.At("14:00"), 100)
		if err != nil || n != 1 {
			t.Fatalf("no-shows marked %d %v", n, err)
		}
		if n, _ := f.s.MarkNoShows(ctx, f.clock.At("14:00"), 100); n != 0 {
			t.Fatalf("marked again: %d", n)
		}
		var noShows, seats int
		f.s.DB().QueryRow(f.s.Rebind("SELECT no_shows FROM volunteers WHERE id = ?"), f.vols[2]).Scan(&noShows)
		f.s.DB().QueryRow(f.s.Rebind("SELECT seats_taken FROM activity_sessions WHERE id = ?"), f.session.ID).Scan(&seats)
		if noShows != 1 || seats != 3 {
			t.Errorf("no-show counter %d, seats taken %d (want the 3 admitted: a no-show held its seat)", noShows, seats)
		}
		// The organiser records them by hand after all: the no-show is taken back.
		if _, err := f.s.CheckIn(ctx, sqlstore.CheckinInput{SessionID: f.session.ID, VolunteerID: f.vols[2], At: f.clock.At("09:30"),
			Method: zhiyuan.MethodManual, By: f.admin, DistM: -1, Organiser: true}); err != nil {
			t.Fatal(err)
		}
		f.s.DB().QueryRow(f.s.Rebind("SELECT no_shows FROM volunteers WHERE id = ?"), f.vols[2]).Scan(&noShows)
		f.s.DB().QueryRow(f.s.Rebind("SELECT seats_taken FROM activity_sessions WHERE id = ?"), f.session.ID).Scan(&seats)
		if noShows != 0 || seats != 3 {
			t.Errorf("after the manual check-in: no-show counter %d, seats taken %d", noShows, seats)
		}
		// Overdue: by organisation subtree and by region.
		list, err := f.s.OverdueEntries(ctx, sqlstore.OverdueFilter{OrgID: f.org, EndedBefore: f.clock.At("12:00")})
		if err != nil || len(list) != 0 {
			t.Fatalf("nothing is overdue before the session's end: %v %v", list, err)
		}
		list, err = f.s.OverdueEntries(ctx, sqlstore.OverdueFilter{OrgID: f.org, EndedBefore: f.clock.At("12:01")})
		if err != nil || len(list) != 1 || list[0].ID != e.ID || list[0].ActivityTitle != "社区长者探访" {
			t.Fatalf("overdue by org: %+v %v", list, err)
		}
		for prefix, want := range map[string]int{"4401": 1, "44": 1, "4403": 0, "*": 1} {
			list, _ = f.s.OverdueEntries(ctx, sqlstore.OverdueFilter{RegionPrefix: prefix, EndedBefore: f.clock.At("12:01")})
			if len(list) != want {
				t.Errorf("overdue in %s: %d", prefix, len(list))
			}
		}
		f.s.ConfirmHourEntries(ctx, sqlstore.ConfirmInput{EntryIDs: []int64{e.ID}, ConfirmedBy: f.admin})
		list, _ = f.s.OverdueEntries(ctx, sqlstore.OverdueFilter{OrgID: f.org, EndedBefore: f.clock.At("12:01")})
		if len(list) != 0 {
			t.Errorf("confirmed entry still overdue")
		}
	})
}

func TestDisputes(t *testing.T) {
	t.Parallel()
	eachLedger(t, 1, func(t *testing.T, f *hoursFixture) {
		ctx := context.Background()
		v := f.vols[0]
		f.checkin(v, f.clock.At("09:00"))
		_, e, _ := f.checkout(t, v, f.clock.At("09:40"))
		d := &zhiyuan.HourDispute{EntryID: e.ID, VolunteerID: v, OrgID: f.org, Reason: "我11点才离开，忘记签退"}
		if err := f.s.CreateDispute(ctx, d); err != nil {
			t.Fatal(err)
		}
		if err := f.s.CreateDispute(ctx, &zhiyuan.HourDispute{EntryID: e.ID, VolunteerID: v, OrgID: f.org, Reason: "again"}); zhiyuan.ErrorCode(err) != zhiyuan.EConflict {
			t.Errorf("second open dispute: %v", err)
		}
		got, _ := f.s.FindHourEntryByID(ctx, e.ID)
		if !got.Disputed {
			t.Error("entry not shown as disputed")
		}
		corr := &zhiyuan.HourEntry{VolunteerID: v, Kind: zhiyuan.HourCorrection, Minutes: 90, SessionID: f.session.ID, OrgID: f.org,
			CorrectsID: e.ID, Reason: "申诉处理：补计签退前时长", RecordedBy: f.admin}
		if err := f.s.ResolveDispute(ctx, d.ID, f.admin, zhiyuan.DisputeResolved, "核实属实", corr, sqlstore.EntryPlace{MaxSessionMinutes: 180}, nil); err != nil {
			t.Fatal(err)
		}
		if err := f.s.ResolveDispute(ctx, d.ID, f.admin, zhiyuan.DisputeRejected, "x", nil, sqlstore.EntryPlace{}, nil); zhiyuan.ErrorCode(err) != zhiyuan.EConflict {
			t.Errorf("resolving twice: %v", err)
		}
		d2, _ := f.s.FindDisputeByID(ctx, d.ID)
		if d2.Status != zhiyuan.DisputeResolved || d2.CorrectionID != corr.ID || d2.ResolvedAt.IsZero() {
			t.Errorf("dispute %+v", d2)
		}
		// Pending correction of a pending entry: both confirmed together.
		done, _ := f.s.ConfirmHourEntries(ctx, sqlstore.ConfirmInput{EntryIDs: []int64{e.ID}, ConfirmedBy: f.admin})
		tot, _ := f.s.HourTotals(ctx, v)
		if len(done) != 2 || tot.ConfirmedMinutes != 90 || tot.PendingMinutes != 0 {
			t.Errorf("confirmed %v, totals %+v", done, tot)
		}
		if r := f.verify(t); !r.OK() {
			t.Errorf("verify %+v", r)
		}
	})
}
