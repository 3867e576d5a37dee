package sqlstore_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"zhiyuan"
	"zhiyuan/internal/jobs"
	"zhiyuan/internal/sqlstore"
	"zhiyuan/internal/sqlstore/storetest"
)

// activityFixture is an approved organisation with a published activity of one session.
type activityFixture struct {
	s        *sqlstore.Store
	admin    int64
	org      *zhiyuan.Organization
	activity *zhiyuan.Activity
}

func newActivity(t testing.TB, s *sqlstore.Store, admin, orgID int64, title string, capacity int, mut func(a *zhiyuan.Activity)) *zhiyuan.Activity {
	t.Helper()
	start := s.Now().Add(72 * time.Hour).Truncate(time.Second)
	a := &zhiyuan.Activity{
		OrgID: orgID, Title: title, Description: "陪伴社区长者聊天、读报", Category: zhiyuan.CatElderly,
		RegionCode: "440106", Address: "天河区五山街道", Lat: 23.15, Lng: 113.35, Waitlist: true,
		Sessions: []zhiyuan.ActivitySession{{StartsAt: start, EndsAt: start.Add(3 * time.Hour), Capacity: capacity}},
	}
	if mut != nil {
		mut(a)
	}
	if err := a.Validate(s.Now()); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := s.CreateActivity(ctx, a, admin); err != nil {
		t.Fatal(err)
	}
	if err := s.PublishActivity(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	got, err := s.FindActivityByID(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func newActivityFixture(t testing.TB, s *sqlstore.Store, capacity int, mut func(a *zhiyuan.Activity)) *activityFixture {
	t.Helper()
	acc := &zhiyuan.Account{Phone: "13500000001", Name: "组织管理员"}
	if err := s.CreateAccount(context.Background(), acc, "h"); err != nil {
		t.Fatal(err)
	}
	o := &zhiyuan.Organization{Name: "天河区青年志愿者协会", Type: "社会组织", RegionCode: "440106",
		ContactName: "李老师", ContactPhone: "13800001111", CreatedBy: acc.ID}
	if err := s.CreateOrganization(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	if err := s.DecideOrganization(context.Background(), o.ID, zhiyuan.OrgApproved, "", acc.ID, nil); err != nil {
		t.Fatal(err)
	}
	return &activityFixture{s: s, admin: acc.ID, org: o, activity: newActivity(t, s, acc.ID, o.ID, "社区长者探访", capacity, mut)}
}

func (f *activityFixture) request(vol int64) sqlstore.SignupRequest {
	a := f.activity
	se := a.Sessions[0]
	return sqlstore.SignupRequest{SessionID: se.ID, ActivityID: a.ID, VolunteerID: vol, Mode: a.SignupMode,
		Waitlist: a.Waitlist, StartsAt: se.StartsAt, EndsAt: se.EndsAt}
}

// checkCounters compares the session's counters with the rows.
func checkCounters(t *testing.T, s *sqlstore.Store, sessionID int64) *zhiyuan.ActivitySession {
	t.Helper()
	se, _, err := s.FindSessionByID(context.Background(), sessionID)
	if err != nil {
		t.Fatal(err)
	}
	counts, err := s.SessionCounts(context.Background(), sessionID)
	if err != nil {
		t.Fatal(err)
	}
	if se.SeatsTaken != counts[zhiyuan.SignupConfirmed]+counts[zhiyuan.SignupNoShow] || se.Waitlisted != counts[zhiyuan.SignupWaitlisted] || se.Pending != counts[zhiyuan.SignupPending] {
		t.Fatalf("counters seats=%d waitlist=%d pending=%d, rows %v", se.SeatsTaken, se.Waitlisted, se.Pending, counts)
	}
	if se.SeatsTaken > se.Capacity {
		t.Fatalf("overbooked: %d of %d", se.SeatsTaken, se.Capacity)
	}
	return se
}

func TestSignupRushStore(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		f := newActivityFixture(t, s, 30, nil)
		vols := orgVolunteers(t, s, 1, 120)
		var wg sync.WaitGroup
		results := make([]zhiyuan.SignupStatus, len(vols))
		errs := make([]error, len(vols))
		for i, v := range vols {
			wg.Add(1)
			go func() {
				defer wg.Done()
				sg, err := s.CreateSignup(context.Background(), f.request(v))
				errs[i] = err
				if err == nil {
					results[i] = sg.Status
				}
			}()
		}
		wg.Wait()
		n := map[zhiyuan.SignupStatus]int{}
		for i, err := range errs {
			if err != nil {
				t.Fatalf("volunteer %d: %v", i, err)
			}
			n[results[i]]++
		}
		if n[zhiyuan.SignupConfirmed] != 30 || n[zhiyuan.SignupWaitlisted] != 90 {
			t.Fatalf("outcomes %v", n)
		}
		checkCounters(t, s, f.activity.Sessions[0].ID)
	})
}

func TestSignupSameVolunteerConcurrent(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		f := newActivityFixture(t, s, 30, nil)
		vol := orgVolunteers(t, s, 1, 1)[0]
		var wg sync.WaitGroup
		var mu sync.Mutex
		codes := map[zhiyuan.Code]int{}
		for range 20 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := s.CreateSignup(context.Background(), f.request(vol))
				mu.Lock()
				codes[zhiyuan.ErrorCode(err)]++
				mu.Unlock()
			}()
		}
		wg.Wait()
		if codes[""] != 1 || codes[zhiyuan.EConflict] != 19 {
			t.Fatalf("outcomes %v", codes)
		}
		se := checkCounters(t, s, f.activity.Sessions[0].ID)
		if se.SeatsTaken != 1 {
			t.Fatalf("seats %d", se.SeatsTaken)
		}
	})
}

func TestSignupFullWithoutWaitlistAndOverlap(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		f := newActivityFixture(t, s, 1, func(a *zhiyuan.Activity) { a.Waitlist = false })
		vols := orgVolunteers(t, s, 1, 2)
		if _, err := s.CreateSignup(ctx, f.request(vols[0])); err != nil {
			t.Fatal(err)
		}
		if _, err := s.CreateSignup(ctx, f.request(vols[1])); zhiyuan.ErrorCode(err) != zhiyuan.EFull {
			t.Fatalf("want full, got %v", err)
		}
		// A second activity an hour later overlaps the first session.
		first := f.activity.Sessions[0]
		other := newActivity(t, s, f.admin, f.org.ID, "河涌清洁", 10, func(a *zhiyuan.Activity) {
			a.Sessions[0].StartsAt = first.StartsAt.Add(time.Hour)
			a.Sessions[0].EndsAt = first.EndsAt.Add(time.Hour)
		})
		se := other.Sessions[0]
		req := sqlstore.SignupRequest{SessionID: se.ID, ActivityID: other.ID, VolunteerID: vols[0], Mode: other.SignupMode,
			StartsAt: se.StartsAt, EndsAt: se.EndsAt}
		if _, err := s.CreateSignup(ctx, req); zhiyuan.ErrorCode(err) != zhiyuan.EInvalid || zhiyuan.ErrorFields(err)[zhiyuan.ReasonOverlap] == "" {
			t.Fatalf("want overlap, got %v", err)
		}
		req.VolunteerID = vols[1]
		if _, err := s.CreateSignup(ctx, req); err != nil {
			t.Fatalf("no overlap for the other volunteer: %v", err)
		}
	})
}

func TestCancelPromotesOnceUnderRace(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		f := newActivityFixture(t, s, 10, nil)
		vols := orgVolunteers(t, s, 1, 15)
		ids := make([]int64, len(vols))
		for i, v := range vols {
			sg, err := s.CreateSignup(ctx, f.request(v))
			if err != nil {
				t.Fatal(err)
			}
			ids[i] = sg.ID
		}
		// Ten racing cancellations of the same seat: one wins, one promotion.
		var wg sync.WaitGroup
		var mu sync.Mutex
		codes := map[zhiyuan.Code]int{}
		promoted := []int64{}
		for range 10 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ch, err := s.CancelSignup(ctx, ids[0], false)
				mu.Lock()
				defer mu.Unlock()
				codes[zhiyuan.ErrorCode(err)]++
				if err == nil && ch.Promoted != nil {
					promoted = append(promoted, ch.Promoted.ID)
				}
			}()
		}
		wg.Wait()
		if codes[""] != 1 || codes[zhiyuan.EConflict] != 9 || len(promoted) != 1 || promoted[0] != ids[10] {
			t.Fatalf("codes %v promoted %v (want %d)", codes, promoted, ids[10])
		}
		// Two different seats cancelled at once: the next two in line, once each.
		promoted = nil
		for _, id := range ids[1:3] {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ch, err := s.CancelSignup(ctx, id, true)
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				promoted = append(promoted, ch.Promoted.ID)
				mu.Unlock()
			}()
		}
		wg.Wait()
		if len(promoted) != 2 || promoted[0] == promoted[1] {
			t.Fatalf("promoted %v", promoted)
		}
		for _, id := range ids[10:13] {
			sg, err := s.FindSignupByID(ctx, id)
			if err != nil || sg.Status != zhiyuan.SignupConfirmed {
				t.Fatalf("signup %d: %v %v", id, sg.Status, err)
			}
		}
		sg, _ := s.FindSignupByID(ctx, ids[13])
		if sg.Status != zhiyuan.SignupWaitlisted || sg.Position != 1 {
			t.Fatalf("next in line: %v position %d", sg.Status, sg.Position)
		}
		se := checkCounters(t, s, f.activity.Sessions[0].ID)
		if se.SeatsTaken != 10 || se.Waitlisted != 2 {
			t.Fatalf("seats %d waitlist %d", se.SeatsTaken, se.Waitlisted)
		}
		rec, err := s.FindVolunteerRecord(ctx, vols[1])
		if err != nil || rec.LateCancellations != 1 {
			t.Fatalf("late cancellations %+v %v", rec, err)
		}
		notes, err := s.FindNotifications(ctx, sqlstore.NotificationFilter{AccountID: sg.AccountID})
		if err != nil || len(notes) != 0 {
			t.Fatalf("the still waitlisted got %v %v", notes, err)
		}
		first, _ := s.FindSignupByID(ctx, ids[10])
		notes, _ = s.FindNotifications(ctx, sqlstore.NotificationFilter{AccountID: first.AccountID})
		if len(notes) != 1 || notes[0].Kind != zhiyuan.NoticePromoted {
			t.Fatalf("promoted volunteer's notifications %+v", notes)
		}
		// Signing up again after cancelling is allowed (the unique index is partial).
		if sg, err := s.CreateSignup(ctx, f.request(vols[0])); err != nil || sg.Status != zhiyuan.SignupWaitlisted {
			t.Fatalf("sign up again: %v %v", sg, err)
		}
	})
}

func TestAdmissionNeverExceedsCapacity(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		f := newActivityFixture(t, s, 3, func(a *zhiyuan.Activity) { a.SignupMode = zhiyuan.SignupAdmission })
		vols := orgVolunteers(t, s, 1, 6)
		var ids []int64
		for _, v := range vols {
			sg, err := s.CreateSignup(ctx, f.request(v))
			if err != nil || sg.Status != zhiyuan.SignupPending {
				t.Fatalf("%v %v", sg, err)
			}
			ids = append(ids, sg.ID)
		}
		sessionID := f.activity.Sessions[0].ID
		// Two admins admit everyone at once: three seats, three admissions in all.
		var wg sync.WaitGroup
		var mu sync.Mutex
		admitted := 0
		for range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				res, err := s.DecideSignups(ctx, sessionID, ids, zhiyuan.DecideAdmit, f.admin)
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				admitted += len(res.Done)
				mu.Unlock()
			}()
		}
		wg.Wait()
		if admitted != 3 {
			t.Fatalf("admitted %d", admitted)
		}
		se := checkCounters(t, s, sessionID)
		if se.SeatsTaken != 3 || se.Pending != 3 {
			t.Fatalf("seats %d pending %d", se.SeatsTaken, se.Pending)
		}
		res, err := s.DecideSignups(ctx, sessionID, ids[3:4], zhiyuan.DecideReject, f.admin)
		if err != nil || len(res.Done) != 1 || res.Done[0].Status != zhiyuan.SignupRejected {
			t.Fatalf("reject: %+v %v", res, err)
		}
		checkCounters(t, s, sessionID)
	})
}

func TestCapacityNeverBelowSeatsTaken(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		f := newActivityFixture(t, s, 5, nil)
		for _, v := range orgVolunteers(t, s, 1, 4) {
			if _, err := s.CreateSignup(ctx, f.request(v)); err != nil {
				t.Fatal(err)
			}
		}
		se := f.activity.Sessions[0]
		err := s.UpdateSession(ctx, se.ID, se.StartsAt, se.EndsAt, 3)
		if zhiyuan.ErrorCode(err) != zhiyuan.EInvalid || zhiyuan.ErrorFields(err)["capacity"] == "" {
			t.Fatalf("want capacity error, got %v", err)
		}
		if err := s.UpdateSession(ctx, se.ID, se.StartsAt, se.EndsAt.Add(time.Hour), 4); err != nil {
			t.Fatal(err)
		}
		a, _ := s.FindActivityByID(ctx, f.activity.ID)
		if a.Sessions[0].Capacity != 4 || !a.EndsAt.Equal(se.EndsAt.Add(time.Hour)) {
			t.Fatalf("after edit: %+v ends %v", a.Sessions[0], a.EndsAt)
		}
	})
}

func TestEndActivityNotifiesEveryone(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		f := newActivityFixture(t, s, 2, nil)
		vols := orgVolunteers(t, s, 1, 4)
		for _, v := range vols {
			if _, err := s.CreateSignup(ctx, f.request(v)); err != nil {
				t.Fatal(err)
			}
		}
		notice := zhiyuan.ActivityNotice(zhiyuan.NoticeActivityCancelled, f.activity.Title, f.activity.ID)
		n, err := s.EndActivity(ctx, f.activity.ID, zhiyuan.ActivityCancelled, notice)
		if err != nil || n != 4 {
			t.Fatalf("notified %d %v", n, err)
		}
		// The notices are written by the fan-out job queued with the change.
		fanouts := queuedJobs(t, s, jobs.Fanout{}.Kind())
		if len(fanouts) != 1 {
			t.Fatalf("%d fan-out jobs queued, want 1", len(fanouts))
		}
		var f0 jobs.Fanout
		if err := json.Unmarshal(fanouts[0].EncodedArgs, &f0); err != nil || len(f0.AccountIDs) != 4 || f0.Notice != zhiyuan.NoticeActivityCancelled {
			t.Fatalf("fan-out %+v %v", f0, err)
		}
		if _, err := s.FanOut(ctx, f0, func(*sql.Tx) error { return nil }); err != nil {
			t.Fatal(err)
		}
		for _, acc := range f0.AccountIDs {
			notes, err := s.FindNotifications(ctx, sqlstore.NotificationFilter{AccountID: acc})
			if err != nil || len(notes) != 1 || notes[0].Kind != zhiyuan.NoticeActivityCancelled {
				t.Fatalf("account %d: %+v %v", acc, notes, err)
			}
		}
		// One delivery per channel each volunteer has: a phone, no email.
		if d := queuedJobs(t, s, jobs.Deliver{}.Kind()); len(d) != 4 {
			t.Fatalf("%d deliveries queued, want 4", len(d))
		}
		se := checkCounters(t, s, f.activity.Sessions[0].ID)
		if se.SeatsTaken != 0 || se.Status != zhiyuan.SessionCancelled {
			t.Fatalf("session after cancel %+v", se)
		}
		if _, err := s.CreateSignup(ctx, f.request(vols[0])); zhiyuan.ErrorFields(err)[zhiyuan.ReasonWindow] == "" {
			t.Fatalf("sign-up after cancel: %v", err)
		}
		if _, err := s.EndActivity(ctx, f.activity.ID, zhiyuan.ActivityClosed, notice); zhiyuan.ErrorCode(err) != zhiyuan.EConflict {
			t.Fatalf("close a cancelled activity: %v", err)
		}
	})
}

func TestNotificationsRead(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		a := orgAccount(t, s, "13500000002")
		b := orgAccount(t, s, "13500000003")
		var ids []int64
		for i := range 3 {
			n := &zhiyuan.Notification{AccountID: a, Kind: "test", Title: fmt.Sprint("通知", i)}
			if err := s.CreateNotification(ctx, n); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, n.ID)
		}
		if err := s.MarkNotificationsRead(ctx, b, ids[0]); zhiyuan.ErrorCode(err) != zhiyuan.ENotFound {
			t.Fatalf("another account's notification: %v", err)
		}
		if err := s.MarkNotificationsRead(ctx, a, ids[0]); err != nil {
			t.Fatal(err)
		}
		if n, _ := s.CountUnreadNotifications(ctx, a); n != 2 {
			t.Fatalf("unread %d", n)
		}
		if err := s.MarkNotificationsRead(ctx, a, 0); err != nil {
			t.Fatal(err)
		}
		list, _ := s.FindNotifications(ctx, sqlstore.NotificationFilter{AccountID: a})
		if len(list) != 3 || list[0].ID != ids[2] || list[0].ReadAt.IsZero() {
			t.Fatalf("list %+v", list)
		}
	})
}

// TestOverlapRaceSameVolunteer sends one volunteer's sign-ups for ten sessions of ten
// activities at the same hour all at once: the volunteer's row serialises them, so
// exactly one goes through and the rest are refused as overlapping.
func TestOverlapRaceSameVolunteer(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		f := newActivityFixture(t, s, 5, nil)
		vol := orgVolunteers(t, s, 1, 1)[0]
		reqs := []sqlstore.SignupRequest{f.request(vol)}
		for i := range 9 {
			a := newActivity(t, s, f.admin, f.org.ID, fmt.Sprint("同一时间的活动", i), 5, nil)
			se := a.Sessions[0]
			reqs = append(reqs, sqlstore.SignupRequest{SessionID: se.ID, ActivityID: a.ID, VolunteerID: vol, Mode: a.SignupMode,
				Waitlist: a.Waitlist, StartsAt: se.StartsAt, EndsAt: se.EndsAt})
		}
		var wg sync.WaitGroup
		var mu sync.Mutex
		codes := map[string]int{}
		for _, r := range reqs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := s.CreateSignup(context.Background(), r)
				mu.Lock()
				defer mu.Unlock()
				if err == nil {
					codes["ok"]++
					return
				}
				if zhiyuan.ErrorFields(err)[zhiyuan.ReasonOverlap] != "" {
					codes["overlap"]++
					return
				}
				t.Errorf("unexpected: %v", err)
			}()
		}
		wg.Wait()
		if codes["ok"] != 1 || codes["overlap"] != 9 {
			t.Fatalf("outcomes %v", codes)
		}
		for _, r := range reqs {
			checkCounters(t, s, r.SessionID) // refused ones gave their seat back
		}
	})
}
