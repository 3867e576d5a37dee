package sqlstore_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"zhiyuan"
	"zhiyuan/internal/sqlstore"
	"zhiyuan/internal/sqlstore/storetest"
)

// TestSignupSeveralSessionsStore: sign-ups for several sessions of one activity are
// separate transactions. With a full session (no waitlist) among free ones, a volunteer
// signing up for all of them gets the free seats and one refusal, while others rush the
// same sessions; every session's counters agree with its rows afterwards, and the states
// computed from the sessions as read back (zhiyuan.SignupState) say full exactly where
// no seat is left.
func TestSignupSeveralSessionsStore(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		f := newActivityFixture(t, s, 3, func(a *zhiyuan.Activity) {
			a.Waitlist = false
			start := a.Sessions[0].StartsAt
			a.Sessions = append(a.Sessions,
				zhiyuan.ActivitySession{StartsAt: start.Add(7 * 24 * time.Hour), EndsAt: start.Add(7*24*time.Hour + 3*time.Hour), Capacity: 1},
				zhiyuan.ActivitySession{StartsAt: start.Add(14 * 24 * time.Hour), EndsAt: start.Add(14*24*time.Hour + 3*time.Hour), Capacity: 3})
		})
		a := f.activity
		if len(a.Sessions) != 3 {
			t.Fatalf("%d sessions", len(a.Sessions))
		}
		vols := orgVolunteers(t, s, 1, 4)
		request := func(vol int64, se zhiyuan.ActivitySession) sqlstore.SignupRequest {
			return sqlstore.SignupRequest{SessionID: se.ID, ActivityID: a.ID, VolunteerID: vol, Mode: a.SignupMode,
				Waitlist: a.Waitlist, StartsAt: se.StartsAt, EndsAt: se.EndsAt}
		}
		// The middle session's only seat goes first.
		if _, err := s.CreateSignup(ctx, request(vols[0], a.Sessions[1])); err != nil {
			t.Fatal(err)
		}
		// Three volunteers sign up for all three sessions at once, one session after the
		// other as the application does.
		type outcome struct {
			status zhiyuan.SignupStatus
			code   zhiyuan.Code
		}
		got := make([][]outcome, 3)
		var wg sync.WaitGroup
		for i, vol := range vols[1:] {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for _, se := range a.Sessions {
					sg, err := s.CreateSignup(ctx, request(vol, se))
					o := outcome{code: zhiyuan.ErrorCode(err)}
					if sg != nil {
						o.status = sg.Status
					}
					got[i] = append(got[i], o)
				}
			}()
		}
		wg.Wait()
		for i, os := range got {
			want := []outcome{{zhiyuan.SignupConfirmed, ""}, {"", zhiyuan.EFull}, {zhiyuan.SignupConfirmed, ""}}
			for j := range want {
				if os[j] != want[j] {
					t.Errorf("volunteer %d, session %d: %+v, want %+v", i, j, os[j], want[j])
				}
			}
		}
		read, err := s.FindActivityByID(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		wantState := []zhiyuan.SessionStateCode{zhiyuan.StateFull, zhiyuan.StateFull, zhiyuan.StateFull}
		for i, se := range read.Sessions {
			checkCounters(t, s, se.ID)
			if st := zhiyuan.SignupState(read, &se, nil, nil, s.Now()); st.Code != wantState[i] {
				t.Errorf("session %d (%d of %d taken): state %s", i, se.SeatsTaken, se.Capacity, st.Code)
			}
		}
		// A seat given up makes the session open again, for the state as for the store.
		list, err := s.FindSessionSignups(ctx, sqlstore.SignupFilter{SessionID: read.Sessions[2].ID, Limit: 10})
		if err != nil || len(list) != 3 {
			t.Fatalf("sign-ups %v %v", list, err)
		}
		if _, err := s.CancelSignup(ctx, list[0].ID, false); err != nil {
			t.Fatal(err)
		}
		read, _ = s.FindActivityByID(ctx, a.ID)
		if st := zhiyuan.SignupState(read, &read.Sessions[2], nil, nil, s.Now()); st.Code != zhiyuan.StateOpen {
			t.Errorf("after a cancellation: %s", st.Code)
		}
	})
}
