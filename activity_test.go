package zhiyuan

import (
	"testing"
	"time"
)

var shanghaiZone = LoadZone("Asia/Shanghai")

func validActivity(now time.Time) *Activity {
	start := now.Add(72 * time.Hour)
	return &Activity{
		Title: "社区长者探访", Category: CatElderly, RegionCode: "440106", Address: "天河区某社区",
		Lat: 23.12, Lng: 113.36, CheckinRadiusM: 200,
		Sessions: []ActivitySession{{StartsAt: start, EndsAt: start.Add(3 * time.Hour), Capacity: 20}},
	}
}

func TestActivityValidate(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	cases := []struct {
		name   string
		change func(a *Activity)
		field  string // "" means valid
	}{
		{"valid", func(a *Activity) {}, ""},
		{"no title", func(a *Activity) { a.Title = "  " }, "title"},
		{"bad category", func(a *Activity) { a.Category = "shopping" }, "category"},
		{"no region", func(a *Activity) { a.RegionCode = "" }, "region_code"},
		{"no address", func(a *Activity) { a.Address = "" }, "address"},
		{"latitude", func(a *Activity) { a.Lat = 91 }, "lat"},
		{"radius without coordinates", func(a *Activity) { a.Lat, a.Lng = 0, 0 }, "checkin_radius_m"},
		{"negative radius", func(a *Activity) { a.CheckinRadiusM = -1 }, "checkin_radius_m"},
		{"zone", func(a *Activity) { a.TimeZone = "Mars/Olympus" }, "time_zone"},
		{"max below min age", func(a *Activity) { a.MinAge, a.MaxAge = 18, 16 }, "max_age"},
		{"mode", func(a *Activity) { a.SignupMode = "lottery" }, "signup_mode"},
		{"window backwards", func(a *Activity) {
			a.SignupOpensAt = now.Add(48 * time.Hour)
			a.SignupClosesAt = now.Add(24 * time.Hour)
		}, "signup_closes_at"},
		{"no sessions", func(a *Activity) { a.Sessions = nil }, "sessions"},
		{"session ends before start", func(a *Activity) {
			a.Sessions[0].EndsAt = a.Sessions[0].StartsAt.Add(-time.Minute)
		}, "sessions[0].ends_at"},
		{"second session in the past", func(a *Activity) {
			a.Sessions = append(a.Sessions, ActivitySession{StartsAt: now.Add(-time.Hour), EndsAt: now.Add(time.Hour), Capacity: 5})
		}, "sessions[1].starts_at"},
		{"zero capacity", func(a *Activity) { a.Sessions[0].Capacity = 0 }, "sessions[0].capacity"},
		{"session of eight days", func(a *Activity) {
			a.Sessions[0].EndsAt = a.Sessions[0].StartsAt.Add(8 * 24 * time.Hour)
		}, "sessions[0].ends_at"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := validActivity(now)
			c.change(a)
			err := a.Validate(now)
			if c.field == "" {
				if err != nil {
					t.Fatalf("want valid, got %v", err)
				}
				if a.TimeZone != DefaultTimeZone || a.SignupMode != SignupFirstCome {
					t.Fatalf("defaults not applied: %q %q", a.TimeZone, a.SignupMode)
				}
				return
			}
			if ErrorCode(err) != EInvalid {
				t.Fatalf("want invalid, got %v", err)
			}
			if _, ok := ErrorFields(err)[c.field]; !ok {
				t.Fatalf("want field %s, got %v", c.field, err)
			}
		})
	}
}

func TestActivitySpanAndSeats(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 12, 5, 1, 0, 0, 0, time.UTC)
	a := &Activity{Sessions: []ActivitySession{
		{StartsAt: t0.Add(48 * time.Hour), EndsAt: t0.Add(50 * time.Hour), Capacity: 10, SeatsTaken: 4, Status: SessionOpen},
		{StartsAt: t0, EndsAt: t0.Add(2 * time.Hour), Capacity: 5, SeatsTaken: 7, Status: SessionOpen},
		{StartsAt: t0.Add(24 * time.Hour), EndsAt: t0.Add(26 * time.Hour), Capacity: 9, Status: SessionCancelled},
	}}
	a.Normalize()
	if !a.StartsAt.Equal(t0) || !a.EndsAt.Equal(t0.Add(50*time.Hour)) {
		t.Fatalf("span %v – %v", a.StartsAt, a.EndsAt)
	}
	if got := a.SeatsLeft(); got != 6 {
		t.Fatalf("seats left %d, want 6 (overbooked session counts 0, cancelled none)", got)
	}
}

func TestRecurrenceEverySaturday(t *testing.T) {
	t.Parallel()
	r := Recurrence{FirstDate: "2026-12-05", StartTime: "09:00", EndTime: "12:00", Weeks: 10, Capacity: 30}
	got, err := r.Expand(shanghaiZone, "recurrence.")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 10 {
		t.Fatalf("%d sessions", len(got))
	}
	for i, s := range got {
		local := s.StartsAt.In(shanghaiZone)
		if local.Weekday() != time.Saturday || local.Hour() != 9 || local.Minute() != 0 {
			t.Fatalf("session %d starts %v", i, local)
		}
		if s.EndsAt.Sub(s.StartsAt) != 3*time.Hour || s.Capacity != 30 {
			t.Fatalf("session %d: %v–%v cap %d", i, s.StartsAt, s.EndsAt, s.Capacity)
		}
		if s.StartsAt.Location() != time.UTC {
			t.Fatalf("sessions must be in UTC, got %v", s.StartsAt.Location())
		}
	}
	if want := time.Date(2027, 2, 6, 1, 0, 0, 0, time.UTC); !got[9].StartsAt.Equal(want) {
		t.Fatalf("tenth session %v, want %v", got[9].StartsAt, want)
	}
}

func TestRecurrenceOvernightAndDST(t *testing.T) {
	t.Parallel()
	got, err := Recurrence{FirstDate: "2026-12-05", StartTime: "23:00", EndTime: "02:00", Weeks: 2, Capacity: 5}.Expand(shanghaiZone, "")
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2026, 12, 5, 15, 0, 0, 0, time.UTC); !got[0].StartsAt.Equal(want) {
		t.Fatalf("start %v, want %v", got[0].StartsAt, want)
	}
	if got[0].EndsAt.Sub(got[0].StartsAt) != 3*time.Hour {
		t.Fatalf("overnight session lasts %v", got[0].EndsAt.Sub(got[0].StartsAt))
	}
	// In a zone with daylight saving the wall time stays put across the change.
	ny := LoadZone("America/New_York")
	got, err = Recurrence{FirstDate: "2026-10-24", StartTime: "09:00", EndTime: "10:00", Weeks: 3, Capacity: 5}.Expand(ny, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range got {
		if h := s.StartsAt.In(ny).Hour(); h != 9 {
			t.Fatalf("local start hour %d after DST change", h)
		}
	}
	if got[0].StartsAt.UTC().Hour() == got[2].StartsAt.UTC().Hour() {
		t.Fatalf("UTC hour should move across the DST change")
	}
}

func TestRecurrenceErrors(t *testing.T) {
	t.Parallel()
	_, err := Recurrence{FirstDate: "12/05/2026", StartTime: "9am", EndTime: "12:00", Weeks: 0, Capacity: 0}.Expand(shanghaiZone, "recurrence.")
	f := ErrorFields(err)
	for _, k := range []string{"recurrence.first_date", "recurrence.start_time", "recurrence.weeks", "recurrence.capacity"} {
		if f[k] == "" {
			t.Errorf("missing %s in %v", k, err)
		}
	}
}

func TestCategoriesHaveChineseNames(t *testing.T) {
	t.Parallel()
	if len(Categories) != 13 {
		t.Fatalf("%d categories, PRODUCT.md lists 13", len(Categories))
	}
	for _, c := range Categories {
		if !c.Valid() || c.Chinese() == string(c) {
			t.Errorf("category %s has no Chinese name", c)
		}
	}
	if Category("x").Valid() {
		t.Error("unknown category valid")
	}
}
