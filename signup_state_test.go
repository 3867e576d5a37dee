package zhiyuan

import (
	"strings"
	"testing"
	"time"
)

// TestSignupState: every state a session can show, and which one wins when several
// would apply (an own sign-up over the window, the window over the conditions, the
// conditions over the seats).
func TestSignupState(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 6, 1, 0, 0, 0, time.UTC) // 09:00 in Beijing
	start := now.Add(72 * time.Hour)
	activity := func(mut func(a *Activity)) *Activity {
		a := &Activity{Status: ActivityPublished, TimeZone: "Asia/Shanghai", Waitlist: true, SignupMode: SignupFirstCome}
		if mut != nil {
			mut(a)
		}
		return a
	}
	session := func(taken int) *ActivitySession {
		return &ActivitySession{StartsAt: start, EndsAt: start.Add(3 * time.Hour), Capacity: 10, SeatsTaken: taken, Status: SessionOpen}
	}
	tooYoung := FieldError(EInvalid, ReasonAge, "本活动要求年满18周岁（活动当天您16周岁）")
	cases := []struct {
		name     string
		a        *Activity
		s        *ActivitySession
		mine     *Signup
		eligible error
		code     SessionStateCode
		label    string // the page's words, in full or as a prefix ending in （
	}{
		{"seats left", activity(nil), session(3), nil, nil, StateOpen, "报名"},
		{"by admission, seats left", activity(func(a *Activity) { a.SignupMode = SignupAdmission }), session(3), nil, nil, StateOpen, "报名"},
		{"full, with a waitlist", activity(nil), session(10), nil, nil, StateWaitlist, "候补"},
		{"full, by admission", activity(func(a *Activity) { a.SignupMode = SignupAdmission; a.Waitlist = false }), session(10), nil, nil, StateWaitlist, "候补"},
		{"full, no waitlist", activity(func(a *Activity) { a.Waitlist = false }), session(10), nil, nil, StateFull, "已满"},
		{"opens tomorrow", activity(func(a *Activity) { a.SignupOpensAt = now.Add(24 * time.Hour) }), session(0), nil, nil, StateNotOpen, "未开始（12月7日 09:00 开放）"},
		{"opens tomorrow, not eligible anyway", activity(func(a *Activity) { a.SignupOpensAt = now.Add(24 * time.Hour) }), session(0), nil, tooYoung, StateNotOpen, "未开始（12月7日 09:00 开放）"},
		{"sign-up closed", activity(func(a *Activity) { a.SignupClosesAt = now.Add(-time.Minute) }), session(0), nil, nil, StateClosed, "已截止"},
		{"session begun", activity(nil), &ActivitySession{StartsAt: now.Add(-time.Hour), EndsAt: now.Add(time.Hour), Capacity: 10, Status: SessionOpen}, nil, nil, StateClosed, "已截止"},
		{"activity closed", activity(func(a *Activity) { a.Status = ActivityClosed }), &ActivitySession{StartsAt: start, EndsAt: start.Add(time.Hour), Capacity: 10, Status: SessionClosed}, nil, nil, StateClosed, "已截止"},
		{"activity cancelled", activity(func(a *Activity) { a.Status = ActivityCancelled }), &ActivitySession{StartsAt: start, EndsAt: start.Add(time.Hour), Capacity: 10, Status: SessionCancelled}, nil, nil, StateClosed, "已截止"},
		{"not eligible", activity(nil), session(0), nil, tooYoung, StateIneligible, "不符合条件（本活动要求年满18周岁（活动当天您16周岁））"},
		{"not eligible and full", activity(func(a *Activity) { a.Waitlist = false }), session(10), nil, tooYoung, StateIneligible, "不符合条件（"},
		{"signed up", activity(nil), session(3), &Signup{Status: SignupConfirmed}, nil, StateSignedUp, "已报名"},
		{"waiting", activity(nil), session(10), &Signup{Status: SignupWaitlisted, Position: 2}, nil, StateSignedUp, "已报名"},
		{"applied", activity(func(a *Activity) { a.SignupMode = SignupAdmission }), session(3), &Signup{Status: SignupPending}, nil, StateSignedUp, "已报名"},
		{"signed up, sign-up since closed", activity(func(a *Activity) { a.SignupClosesAt = now.Add(-time.Minute) }), session(3), &Signup{Status: SignupConfirmed}, nil, StateSignedUp, "已报名"},
		{"cancelled earlier: may sign up again", activity(nil), session(3), &Signup{Status: SignupCancelled}, nil, StateOpen, "报名"},
		{"rejected earlier, now full", activity(func(a *Activity) { a.Waitlist = false }), session(10), &Signup{Status: SignupRejected}, nil, StateFull, "已满"},
	}
	seen := map[SessionStateCode]bool{}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			st := SignupState(c.a, c.s, c.mine, c.eligible, now)
			if st.Code != c.code {
				t.Fatalf("code %s, want %s (%+v)", st.Code, c.code, st)
			}
			if strings.HasSuffix(c.label, "（") && !strings.HasPrefix(st.Label, c.label) || !strings.HasSuffix(c.label, "（") && st.Label != c.label {
				t.Errorf("label %q, want %q", st.Label, c.label)
			}
			if st.CanSignUp() != (c.code == StateOpen || c.code == StateWaitlist) {
				t.Errorf("CanSignUp %v for %s", st.CanSignUp(), st.Code)
			}
			if st.Reason == "" {
				t.Error("no reason given")
			}
			// What the state offers is what the sign-up's own checks say: the window.
			if (CheckWindow(c.a, c.s, now) == nil) != (st.Code != StateNotOpen && st.Code != StateClosed) && st.Code != StateSignedUp {
				t.Errorf("state %s disagrees with CheckWindow", st.Code)
			}
			seen[st.Code] = true
		})
	}
	for _, code := range SessionStateCodes {
		if !seen[code] {
			t.Errorf("no case shows %s", code)
		}
	}
	// The waitlist position is in the reason.
	if st := SignupState(activity(nil), session(10), &Signup{Status: SignupWaitlisted, Position: 2}, nil, now); !strings.Contains(st.Reason, "第 2 位") {
		t.Errorf("waiting reason %q", st.Reason)
	}
}
