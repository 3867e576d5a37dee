package zhiyuan

import (
	"testing"
	"time"
)

func TestCheckSignup(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 1, 2, 0, 0, 0, time.UTC)
	// The session starts at 00:30 on 6 December in Shanghai, which is still 5 December
	// in UTC: ages are reckoned on the local day.
	start := time.Date(2026, 12, 5, 16, 30, 0, 0, time.UTC)
	baseActivity := func() *Activity {
		return &Activity{Status: ActivityPublished, TimeZone: "Asia/Shanghai", OrgName: "青年志愿者协会"}
	}
	baseSession := func() *ActivitySession {
		return &ActivitySession{StartsAt: start, EndsAt: start.Add(2 * time.Hour), Capacity: 10, Status: SessionOpen}
	}
	adult := func() *Volunteer {
		return &Volunteer{BirthDate: time.Date(1990, 3, 1, 0, 0, 0, 0, time.UTC), Skills: []string{"急救", "English"}, Status: VolunteerActive}
	}
	born := func(y, m, d int) *Volunteer {
		return &Volunteer{BirthDate: time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC), Minor: true, Status: VolunteerActive}
	}
	consent := &Guardian{Name: "家长", Relation: "父亲", ConsentAt: now.Add(-time.Hour)}
	cases := []struct {
		name   string
		a      func(a *Activity)
		s      func(s *ActivitySession)
		v      *Volunteer
		member bool
		reason string
	}{
		{"adult, no conditions", nil, nil, adult(), false, ""},
		{"draft activity", func(a *Activity) { a.Status = ActivityDraft }, nil, adult(), false, ReasonWindow},
		{"closed activity", func(a *Activity) { a.Status = ActivityClosed }, nil, adult(), false, ReasonWindow},
		{"cancelled session", nil, func(s *ActivitySession) { s.Status = SessionCancelled }, adult(), false, ReasonWindow},
		{"before opening", func(a *Activity) { a.SignupOpensAt = now.Add(time.Minute) }, nil, adult(), false, ReasonWindow},
		{"at opening", func(a *Activity) { a.SignupOpensAt = now }, nil, adult(), false, ""},
		{"after closing", func(a *Activity) { a.SignupClosesAt = now }, nil, adult(), false, ReasonWindow},
		{"session begun", nil, func(s *ActivitySession) { s.StartsAt = now.Add(-time.Minute) }, adult(), false, ReasonWindow},
		{"15 without consent", nil, nil, born(2011, 6, 1), false, ReasonConsent},
		{"15 with consent", nil, nil, func() *Volunteer { v := born(2011, 6, 1); v.Guardian = consent; return v }(), false, ""},
		{"guardian named but no consent time", nil, nil, func() *Volunteer {
			v := born(2011, 6, 1)
			v.Guardian = &Guardian{Name: "家长"}
			return v
		}(), false, ReasonConsent},
		// Turns 18 on 6 December local time: an adult at the session, though still 17 in UTC.
		{"18 on the local day", nil, nil, born(2008, 12, 6), false, ""},
		{"17 the day before", nil, nil, born(2008, 12, 7), false, ReasonConsent},
		{"under 14, not child friendly", nil, nil, func() *Volunteer { v := born(2013, 1, 1); v.Guardian = consent; return v }(), false, ReasonAge},
		{"under 14, child friendly", func(a *Activity) { a.ChildFriendly = true }, nil, func() *Volunteer { v := born(2013, 1, 1); v.Guardian = consent; return v }(), false, ""},
		{"below minimum age", func(a *Activity) { a.MinAge = 40 }, nil, adult(), false, ReasonAge},
		{"above maximum age", func(a *Activity) { a.MaxAge = 30 }, nil, adult(), false, ReasonAge},
		{"minimum age reached on the local day", func(a *Activity) { a.MinAge = 18 }, nil, born(2008, 12, 6), false, ""},
		{"skill missing", func(a *Activity) { a.Skills = []string{"急救", "手语"} }, nil, adult(), false, ReasonSkills},
		{"skills any case", func(a *Activity) { a.Skills = []string{" english ", "急救"} }, nil, adult(), false, ""},
		{"members only, not member", func(a *Activity) { a.MembersOnly = true }, nil, adult(), false, ReasonMembership},
		{"members only, member", func(a *Activity) { a.MembersOnly = true }, nil, adult(), true, ""},
		{"closed account", nil, nil, func() *Volunteer { v := adult(); v.Status = VolunteerClosed; return v }(), false, ReasonStatus},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a, s := baseActivity(), baseSession()
			if c.a != nil {
				c.a(a)
			}
			if c.s != nil {
				c.s(s)
			}
			err := CheckSignup(a, s, c.v, Eligibility{Now: now, IsMember: c.member})
			if c.reason == "" {
				if err != nil {
					t.Fatalf("want eligible, got %v", err)
				}
				return
			}
			if ErrorCode(err) != EInvalid || ErrorFields(err)[c.reason] == "" {
				t.Fatalf("want 422 naming %s, got %v", c.reason, err)
			}
		})
	}
}

func TestCheckCancel(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 12, 5, 1, 0, 0, 0, time.UTC)
	a := &Activity{CancelBeforeHours: 24}
	s := &ActivitySession{StartsAt: start, EndsAt: start.Add(time.Hour)}
	cases := []struct {
		name string
		st   SignupStatus
		now  time.Time
		late bool
		code Code
	}{
		{"well before", SignupConfirmed, start.Add(-48 * time.Hour), false, ""},
		{"at the deadline", SignupConfirmed, start.Add(-24 * time.Hour), false, ""},
		{"after the deadline", SignupConfirmed, start.Add(-time.Hour), true, ""},
		{"waitlisted after the deadline", SignupWaitlisted, start.Add(-time.Hour), false, ""},
		{"pending after the deadline", SignupPending, start.Add(-time.Hour), false, ""},
		{"session begun", SignupConfirmed, start, false, EInvalid},
		{"already cancelled", SignupCancelled, start.Add(-48 * time.Hour), false, EConflict},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			late, err := CheckCancel(a, s, c.st, c.now)
			if ErrorCode(err) != c.code || late != c.late {
				t.Fatalf("got late=%v err=%v, want late=%v code=%q", late, err, c.late, c.code)
			}
		})
	}
}

func TestOverlaps(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 12, 5, 1, 0, 0, 0, time.UTC)
	h := time.Hour
	cases := []struct {
		a0, a1, b0, b1 time.Duration
		want           bool
	}{
		{0, 2 * h, 1 * h, 3 * h, true},
		{0, 2 * h, 2 * h, 3 * h, false}, // back to back
		{0, 4 * h, 1 * h, 2 * h, true},  // inside
		{3 * h, 4 * h, 0, 1 * h, false},
	}
	for _, c := range cases {
		if got := Overlaps(t0.Add(c.a0), t0.Add(c.a1), t0.Add(c.b0), t0.Add(c.b1)); got != c.want {
			t.Errorf("%v-%v vs %v-%v: %v", c.a0, c.a1, c.b0, c.b1, got)
		}
	}
}
