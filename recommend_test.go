package zhiyuan

import (
	"strings"
	"testing"
	"time"
)

// A Saturday morning in Guangzhou, 2027-01-09 09:00–12:00.
var recSat = time.Date(2027, 1, 9, 9, 0, 0, 0, Beijing)

func recActivity(region string, lat, lng float64, skills ...string) (*Activity, *ActivitySession) {
	a := &Activity{ID: 1, OrgID: 7, OrgName: "越秀青年志愿者协会", Title: "急救培训", Category: CatHealth,
		RegionCode: region, Lat: lat, Lng: lng, Skills: skills, Status: ActivityPublished, TimeZone: DefaultTimeZone}
	s := &ActivitySession{ID: 1, ActivityID: 1, StartsAt: recSat, EndsAt: recSat.Add(3 * time.Hour), Capacity: 10, Status: SessionOpen}
	return a, s
}

func TestScoreSessionReasons(t *testing.T) {
	t.Parallel()
	yuexiu := LatLng{23.129, 113.266}
	vol := func() *Volunteer {
		return &Volunteer{RegionCode: "440104", Skills: []string{"急救"}, Categories: []string{"health"},
			Availability: Availability{Weekdays: []int{6}, Times: []string{"morning"}}}
	}
	type tc struct {
		name    string
		edit    func(v *Volunteer, a *Activity, s *ActivitySession, in *RecommendInput)
		reasons []string
	}
	cases := []tc{
		{"skill, km and free time", func(v *Volunteer, a *Activity, s *ActivitySession, in *RecommendInput) {
			in.From = &yuexiu
		}, []string{"你擅长的急救", "距你 2.3 公里", "周六上午你有空"}},
		{"district without a point", nil, []string{"你擅长的急救", "就在你所在的区县", "周六上午你有空"}},
		{"interest instead of skill", func(v *Volunteer, a *Activity, s *ActivitySession, in *RecommendInput) {
			v.Skills = nil
		}, []string{"你关注的医疗卫生", "就在你所在的区县", "周六上午你有空"}},
		{"service area, not free in the afternoon", func(v *Volunteer, a *Activity, s *ActivitySession, in *RecommendInput) {
			v.RegionCode = "440106"
			v.ServiceAreas = []string{"440104"}
			s.StartsAt = recSat.Add(5 * time.Hour)
			s.EndsAt = s.StartsAt.Add(time.Hour)
		}, []string{"你擅长的急救", "在你愿意服务的地区"}},
		{"same city only", func(v *Volunteer, a *Activity, s *ActivitySession, in *RecommendInput) {
			v.RegionCode = "440106"
		}, []string{"你擅长的急救", "在你所在的城市", "周六上午你有空"}},
		{"served before, member, few seats", func(v *Volunteer, a *Activity, s *ActivitySession, in *RecommendInput) {
			v.Skills, v.Categories, v.Availability = nil, nil, Availability{}
			in.Served = map[Category]bool{CatHealth: true}
			in.Member = true
			s.SeatsTaken = 8
		}, []string{"就在你所在的区县", "你参加过医疗卫生", "你所在的越秀青年志愿者协会", "仅剩2个名额"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			// Venue 2.3 km from the point: 0.0207° of latitude north.
			a, s := recActivity("440104", 23.129+2.3/111.195, 113.266, "急救")
			v := vol()
			in := RecommendInput{Volunteer: v, Activity: a, Session: s}
			if c.edit != nil {
				c.edit(v, a, s, &in)
			}
			got := ScoreSession(DefaultRecommendWeights(), in)
			if strings.Join(got.Reasons, "|") != strings.Join(c.reasons, "|") {
				t.Fatalf("reasons %q, want %q", got.Reasons, c.reasons)
			}
			if got.Score <= 0 {
				t.Fatalf("score %v for a matching session", got.Score)
			}
		})
	}
}

func TestScoreSessionRanksNearSkilledFirst(t *testing.T) {
	t.Parallel()
	v := &Volunteer{RegionCode: "440104", Skills: []string{"急救"}}
	near, ns := recActivity("440104", 23.13, 113.27, "急救")
	far, fs := recActivity("440114", 23.55, 113.58, "急救") // 花都, ~55 km
	plain, ps := recActivity("440104", 23.13, 113.27)
	plain.Category = CatEnvironment
	from := &LatLng{23.129, 113.266}
	w := DefaultRecommendWeights()
	items := []Scored{
		ScoreSession(w, RecommendInput{Volunteer: v, Activity: far, Session: fs, From: from}),
		ScoreSession(w, RecommendInput{Volunteer: v, Activity: plain, Session: ps, From: from}),
		ScoreSession(w, RecommendInput{Volunteer: v, Activity: near, Session: ns, From: from}),
	}
	order := RankScored(items)
	if order[0] != 2 {
		t.Fatalf("order %v (scores %v, %v, %v): the near first-aid session should come first", order, items[0].Score, items[1].Score, items[2].Score)
	}
	// Without the distance weight the far and near skilled sessions tie: the operator's
	// weights decide.
	w.Distance = 0
	a := ScoreSession(w, RecommendInput{Volunteer: v, Activity: far, Session: fs, From: from})
	b := ScoreSession(w, RecommendInput{Volunteer: v, Activity: near, Session: ns, From: from})
	if a.Score != b.Score {
		t.Fatalf("with distance weight 0: far %v, near %v", a.Score, b.Score)
	}
}

func TestParseRecommendWeights(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		in   string
		want RecommendWeights
		ok   bool
	}{
		{"", DefaultRecommendWeights(), true},
		{"skill=5, distance=0", RecommendWeights{Skill: 5, Distance: 0, Time: 2, Category: 1, Org: 1, Seats: 1, Reliable: 2}, true},
		{DefaultRecommendWeights().String(), DefaultRecommendWeights(), true},
		{"speed=1", RecommendWeights{}, false},
		{"skill=-1", RecommendWeights{}, false},
		{"skill=101", RecommendWeights{}, false},
		{"skill", RecommendWeights{}, false},
	} {
		got, err := ParseRecommendWeights(c.in)
		if (err == nil) != c.ok || (c.ok && got != c.want) {
			t.Errorf("%q: %+v, %v", c.in, got, err)
		}
	}
}

func TestRecommendableSession(t *testing.T) {
	t.Parallel()
	now := recSat.Add(-48 * time.Hour)
	adult := func() *Volunteer {
		return &Volunteer{BirthDate: time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC), Skills: []string{"急救"}}
	}
	for _, c := range []struct {
		name string
		edit func(v *Volunteer, a *Activity, s *ActivitySession, e *Eligibility, mine *[][2]time.Time)
		ok   bool
	}{
		{"open and eligible", nil, true},
		{"full", func(v *Volunteer, a *Activity, s *ActivitySession, e *Eligibility, mine *[][2]time.Time) {
			s.SeatsTaken = 10
		}, false},
		{"overlaps a sign-up", func(v *Volunteer, a *Activity, s *ActivitySession, e *Eligibility, mine *[][2]time.Time) {
			*mine = [][2]time.Time{{recSat.Add(2 * time.Hour), recSat.Add(4 * time.Hour)}}
		}, false},
		{"back to back is fine", func(v *Volunteer, a *Activity, s *ActivitySession, e *Eligibility, mine *[][2]time.Time) {
			*mine = [][2]time.Time{{recSat.Add(3 * time.Hour), recSat.Add(4 * time.Hour)}}
		}, true},
		{"too young", func(v *Volunteer, a *Activity, s *ActivitySession, e *Eligibility, mine *[][2]time.Time) {
			a.MinAge = 40
		}, false},
		{"members only", func(v *Volunteer, a *Activity, s *ActivitySession, e *Eligibility, mine *[][2]time.Time) {
			a.MembersOnly = true
		}, false},
		{"members only, a member", func(v *Volunteer, a *Activity, s *ActivitySession, e *Eligibility, mine *[][2]time.Time) {
			a.MembersOnly, e.IsMember = true, true
		}, true},
		{"minor without consent", func(v *Volunteer, a *Activity, s *ActivitySession, e *Eligibility, mine *[][2]time.Time) {
			v.BirthDate, v.Minor = time.Date(2011, 1, 1, 0, 0, 0, 0, time.UTC), true
		}, false},
		{"suspended", func(v *Volunteer, a *Activity, s *ActivitySession, e *Eligibility, mine *[][2]time.Time) {
			v.SuspendedUntil = recSat
		}, false},
		{"missing skill", func(v *Volunteer, a *Activity, s *ActivitySession, e *Eligibility, mine *[][2]time.Time) {
			v.Skills = nil
		}, false},
		{"not published", func(v *Volunteer, a *Activity, s *ActivitySession, e *Eligibility, mine *[][2]time.Time) {
			a.Status = ActivityDraft
		}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			a, s := recActivity("440104", 0, 0, "急救")
			v := adult()
			e := Eligibility{Now: now}
			var mine [][2]time.Time
			if c.edit != nil {
				c.edit(v, a, s, &e, &mine)
			}
			if got := RecommendableSession(a, s, v, e, mine); got != c.ok {
				t.Fatalf("recommendable %v, want %v", got, c.ok)
			}
		})
	}
}

func TestScoreCandidate(t *testing.T) {
	t.Parallel()
	a, s := recActivity("440104", 0, 0, "急救")
	skilled := &Volunteer{RegionCode: "440104", Skills: []string{"急救"},
		Availability: Availability{Weekdays: []int{6}, Times: []string{"morning"}}}
	w := DefaultRecommendWeights()
	for _, c := range []struct {
		name    string
		v       *Volunteer
		rec     SignupRecord
		reasons string
	}{
		{"skilled, near, free, reliable", skilled, SignupRecord{}, "擅长急救 · 就在活动所在区县 · 周六上午有空 · 无缺席和迟取消记录"},
		{"with a record", skilled, SignupRecord{NoShows: 2, LateCancellations: 1}, "擅长急救 · 就在活动所在区县 · 周六上午有空 · 缺席2次、迟取消1次"},
		{"service area only", &Volunteer{RegionCode: "440106", ServiceAreas: []string{"440104"}}, SignupRecord{}, "活动在其愿意服务的地区 · 无缺席和迟取消记录"},
	} {
		got := ScoreCandidate(w, CandidateInput{RecommendInput: RecommendInput{Volunteer: c.v, Activity: a, Session: s}, Record: c.rec})
		if got.Reason() != c.reasons {
			t.Errorf("%s: %q, want %q", c.name, got.Reason(), c.reasons)
		}
	}
	good := ScoreCandidate(w, CandidateInput{RecommendInput: RecommendInput{Volunteer: skilled, Activity: a, Session: s}})
	bad := ScoreCandidate(w, CandidateInput{RecommendInput: RecommendInput{Volunteer: skilled, Activity: a, Session: s}, Record: SignupRecord{NoShows: 3}})
	if good.Score <= bad.Score {
		t.Errorf("a volunteer who came every time (%v) should rank above one with 3 no-shows (%v)", good.Score, bad.Score)
	}
}
