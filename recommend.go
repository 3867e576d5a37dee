package zhiyuan

import (
	"math"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Recommendations (为你推荐, issue 15): the one scoring function that ranks open sessions
// for a volunteer and volunteers for a session short of hands. The store brings a bounded
// candidate set by index (upcoming open sessions in the volunteer's regions or near a
// point; volunteers in the organisation's reach); this file scores them in Go so that
// both engines rank alike and the rules can be read and tested in one place.
//
// A session's score is the weighted sum of parts, each between 0 and 1:
//
//	skill     1 when a skill of the volunteer is one the activity asks for, or 0.5 when
//	          the activity's category is one the volunteer said they care about
//	distance  1 - km/RecommendNearKm from the given point or, with no point, 1 in the
//	          volunteer's own district, 0.7 in a service area they chose, 0.4 in their city
//	time      1 when the session's weekday and part of the day are in their availability
//	category  1 when they served in the activity's category before
//	org       1 when they are a member of the organising organisation
//	seats     the share of seats still free (a session about to fill is no worse a fit,
//	          but one that needs hands helps most)
//
// Each part that counts brings a reason in Chinese (the catalogue's recommend.* keys),
// joined with " · " on pages: "你擅长的急救 · 距你 2.3 公里 · 周六上午你有空".
// Eligibility is not scored: a session the volunteer cannot sign up for, a full one or
// one overlapping their sign-ups is never a candidate (RecommendableSession).

// RecommendWeights are the operator's weights of the parts of a score (flag
// --recommend-weights, e.g. "skill=3,distance=3,time=2,category=1,org=1,seats=1,reliable=2").
// A weight of 0 leaves its part out of the ranking (its reason still shows).
type RecommendWeights struct {
	Skill, Distance, Time, Category, Org, Seats float64
	// Reliable weighs a volunteer's attendance record when ranking candidates to invite.
	Reliable float64
}

// DefaultRecommendWeights favour what a volunteer notices first: what they are good at
// and how far they must go, then whether they are free.
func DefaultRecommendWeights() RecommendWeights {
	return RecommendWeights{Skill: 3, Distance: 3, Time: 2, Category: 1, Org: 1, Seats: 1, Reliable: 2}
}

// Limits of recommendations.
const (
	// RecommendNearKm is the distance at which the distance part reaches 0; also the
	// radius of the candidate search around a given point.
	RecommendNearKm = 30.0
	// RecommendCandidates bounds the sessions (or volunteers) the store brings for
	// scoring: the ranking costs the same however many open sessions a province has.
	RecommendCandidates = 500
	// RecommendShown is how many recommendations (or candidates) a page and the API show.
	RecommendShown = 20
	// MaxInvitesAtOnce bounds one invitation request: a session short of hands, not a
	// mass mailing.
	MaxInvitesAtOnce = 50
	// MaxRecommendWeight bounds an operator's weight, so that a typo fails at start.
	MaxRecommendWeight = 100
)

// recommendWeightNames are the names the flag takes, in order.
var recommendWeightNames = []string{"skill", "distance", "time", "category", "org", "seats", "reliable"}

func (w *RecommendWeights) field(name string) *float64 {
	switch name {
	case "skill":
		return &w.Skill
	case "distance":
		return &w.Distance
	case "time":
		return &w.Time
	case "category":
		return &w.Category
	case "org":
		return &w.Org
	case "seats":
		return &w.Seats
	case "reliable":
		return &w.Reliable
	}
	return nil
}

// String gives the weights in the flag's format.
func (w RecommendWeights) String() string {
	parts := make([]string, 0, len(recommendWeightNames))
	for _, n := range recommendWeightNames {
		parts = append(parts, n+"="+strconv.FormatFloat(*w.field(n), 'f', -1, 64))
	}
	return strings.Join(parts, ",")
}

// ParseRecommendWeights reads "name=value,…" over the defaults: names not given keep
// their default. Unknown names and values outside 0..MaxRecommendWeight are errors.
func ParseRecommendWeights(s string) (RecommendWeights, error) {
	w := DefaultRecommendWeights()
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		name, val, ok := strings.Cut(part, "=")
		f := w.field(strings.TrimSpace(name))
		if !ok || f == nil {
			return w, FieldFail(EInvalid, "recommend_weights", "recommend.weight_unknown", "names", strings.Join(recommendWeightNames, "、"))
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(val), 64)
		if err != nil || !(v >= 0 && v <= MaxRecommendWeight) {
			return w, FieldFail(EInvalid, "recommend_weights", "recommend.weight_range", "max", MaxRecommendWeight)
		}
		*f = v
	}
	return w, nil
}

// RecommendInput is what scoring one session for one volunteer needs.
type RecommendInput struct {
	Volunteer *Volunteer
	Activity  *Activity
	Session   *ActivitySession
	// From is where the volunteer is now (optional): with it, and the venue's
	// coordinates, distance is in kilometres; without, by region.
	From *LatLng
	// Served are the categories of activities the volunteer served in before.
	Served map[Category]bool
	// Member reports whether the volunteer belongs to the activity's organisation.
	Member bool
}

// Scored is a scored session or volunteer: the score and its reasons in Chinese.
type Scored struct {
	Score      float64
	Reasons    []string
	DistanceKm float64 // -1 when not measured
}

// Reason joins the reasons as pages show them.
func (s Scored) Reason() string { return strings.Join(s.Reasons, " · ") }

// PartOfDay returns the TimesOfDay code of a moment: before noon morning, before 18:00
// afternoon, evening after.
func PartOfDay(t time.Time) string {
	switch h := t.Hour(); {
	case h < 12:
		return "morning"
	case h < 18:
		return "afternoon"
	}
	return "evening"
}

// isoWeekday is 1 (Monday) … 7 (Sunday).
func isoWeekday(t time.Time) int {
	if d := int(t.Weekday()); d != 0 {
		return d
	}
	return 7
}

// FreeAt reports whether the availability covers the moment's weekday and part of the
// day; an empty list of either means "any".
func (av Availability) FreeAt(t time.Time) bool {
	okDay := len(av.Weekdays) == 0
	for _, d := range av.Weekdays {
		if d == isoWeekday(t) {
			okDay = true
		}
	}
	okTime := len(av.Times) == 0
	for _, p := range av.Times {
		if p == PartOfDay(t) {
			okTime = true
		}
	}
	return okDay && okTime && (len(av.Weekdays) > 0 || len(av.Times) > 0)
}

func timeOfDayName(code string) string {
	for _, t := range TimesOfDay {
		if t.Code == code {
			return t.Name
		}
	}
	return code
}

// sameDistrict reports whether two region codes lie in one county (their first six
// digits match).
func sameDistrict(a, b string) bool { return len(a) >= 6 && len(b) >= 6 && a[:6] == b[:6] }

func sameCity(a, b string) bool { return len(a) >= 4 && len(b) >= 4 && a[:4] == b[:4] }

// inArea reports whether code lies in a region of areas (a prefix by ScopePrefix).
func inArea(code string, areas []string) bool {
	for _, ar := range areas {
		if p := ScopePrefix(ar); p != "" && strings.HasPrefix(code, p) {
			return true
		}
	}
	return false
}

// FormatKm shows a distance as pages do: one decimal below 10 km, whole kilometres above.
func FormatKm(km float64) string {
	if km < 10 {
		return strconv.FormatFloat(math.Round(km*10)/10, 'f', 1, 64)
	}
	return strconv.FormatFloat(math.Round(km), 'f', 0, 64)
}

// ScoreSession scores one session for one volunteer by the weights (see the file's
// comment for the parts). It does not decide eligibility: callers score only sessions
// RecommendableSession lets through.
func ScoreSession(w RecommendWeights, in RecommendInput) Scored {
	return scoreSession(w, in, youReasons)
}

// reasonKeys are the catalogue keys of the reasons of each part: a volunteer reads "你擅长
// 的急救", an organiser inviting them reads "擅长急救".
type reasonKeys struct {
	skill, interest, km, district, area, city, free, served, member, fewSeats Msg
}

var youReasons = reasonKeys{"recommend.reason_skill", "recommend.reason_interest", "recommend.reason_km",
	"recommend.reason_district", "recommend.reason_area", "recommend.reason_city", "recommend.reason_free",
	"recommend.reason_served", "recommend.reason_member", "recommend.reason_few_seats"}

var theyReasons = reasonKeys{"candidate.reason_skill", "candidate.reason_interest", "candidate.reason_km",
	"candidate.reason_district", "candidate.reason_area", "candidate.reason_city", "candidate.reason_free",
	"candidate.reason_served", "candidate.reason_member", ""}

func scoreSession(w RecommendWeights, in RecommendInput, k reasonKeys) Scored {
	v, a, s := in.Volunteer, in.Activity, in.Session
	out := Scored{DistanceKm: -1}
	add := func(weight, part float64, key Msg, args ...any) {
		out.Score += weight * part
		if key != "" {
			out.Reasons = append(out.Reasons, Text(key, args...))
		}
	}
	// Skill: a skill the activity asks for, else the category they care about.
	skill := ""
	for _, want := range a.Skills {
		for _, have := range v.Skills {
			if skill == "" && strings.EqualFold(strings.TrimSpace(want), strings.TrimSpace(have)) {
				skill = want
			}
		}
	}
	interested := false
	for _, c := range v.Categories {
		if Category(c) == a.Category {
			interested = true
		}
	}
	switch {
	case skill != "":
		add(w.Skill, 1, k.skill, "skill", skill)
	case interested:
		add(w.Skill, 0.5, k.interest, "category", a.Category.Chinese())
	}
	// Distance.
	switch {
	case in.From != nil && a.HasCoords():
		km := DistanceKm(*in.From, LatLng{a.Lat, a.Lng})
		out.DistanceKm = km
		add(w.Distance, math.Max(0, 1-km/RecommendNearKm), k.km, "km", FormatKm(km))
	case sameDistrict(a.RegionCode, v.RegionCode):
		add(w.Distance, 1, k.district)
	case inArea(a.RegionCode, v.ServiceAreas):
		add(w.Distance, 0.7, k.area)
	case sameCity(a.RegionCode, v.RegionCode):
		add(w.Distance, 0.4, k.city)
	}
	// Free time, in the venue's zone.
	start := s.StartsAt.In(a.Location())
	if v.Availability.FreeAt(start) {
		add(w.Time, 1, k.free, "weekday", WeekdayNames[isoWeekday(start)], "part", timeOfDayName(PartOfDay(start)))
	}
	if in.Served[a.Category] {
		add(w.Category, 1, k.served, "category", a.Category.Chinese())
	}
	if in.Member {
		add(w.Org, 1, k.member, "org", a.OrgName)
	}
	if s.Capacity > 0 {
		left := s.SeatsLeft()
		key := Msg("")
		if left <= RecommendFewSeats {
			key = k.fewSeats
		}
		add(w.Seats, float64(left)/float64(s.Capacity), key, "n", left)
	}
	return out
}

// RecommendFewSeats is the number of free seats at or below which a reason says so.
const RecommendFewSeats = 3

// RecommendableSession decides whether a session may be recommended to a volunteer at
// all: it takes sign-ups now (CheckWindow), the volunteer meets its conditions
// (CheckEligible: account, credit suspension, age, consent, skills, membership), it has
// a free seat, and it does not overlap a session they signed up for (mine: the
// start/end of their active sign-ups). One definition with sign-up itself, so a
// recommendation never leads to a refusal.
func RecommendableSession(a *Activity, s *ActivitySession, v *Volunteer, e Eligibility, mine [][2]time.Time) bool {
	if CheckWindow(a, s, e.Now) != nil || CheckEligible(a, s, v, e) != nil {
		return false
	}
	if s.SeatsLeft() <= 0 {
		return false
	}
	for _, m := range mine {
		if Overlaps(s.StartsAt, s.EndsAt, m[0], m[1]) {
			return false
		}
	}
	return true
}

// RankScored orders indices of scored items best first; ties keep the given order
// (the store's, soonest first), so the ranking is stable.
func RankScored(items []Scored) []int {
	idx := make([]int, len(items))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(i, j int) bool { return items[idx[i]].Score > items[idx[j]].Score })
	return idx
}

// RecommendSignupPath is the page a recommendation or an invitation links to: the
// activity's page at the session, where its sign-up button is (one tap after login).
func RecommendSignupPath(activityID, sessionID int64) string {
	return "/activities/" + strconv.FormatInt(activityID, 10) + "#session-" + strconv.FormatInt(sessionID, 10)
}

// CandidateInput is what scoring one volunteer as a candidate for a session needs: the
// parts of ScoreSession seen from the organiser's side, and the attendance record.
type CandidateInput struct {
	RecommendInput
	Record SignupRecord // no-shows and late cancellations
}

// ScoreCandidate scores a volunteer an organiser might invite to a session: skill,
// district or service area, free time, categories served, membership as for
// ScoreSession (seats do not tell volunteers apart), plus reliability, 1/(1+no-shows+late
// cancellations), weighted by Reliable. Reasons are in the third person ("擅长急救 · 周六
// 上午有空 · 无缺席记录").
func ScoreCandidate(w RecommendWeights, in CandidateInput) Scored {
	w.Seats = 0
	out := scoreSession(w, in.RecommendInput, theyReasons)
	n := in.Record.NoShows + in.Record.LateCancellations
	out.Score += w.Reliable / float64(1+n)
	if n == 0 {
		out.Reasons = append(out.Reasons, Text("candidate.reason_reliable"))
	} else {
		out.Reasons = append(out.Reasons, Text("candidate.reason_record", "no_shows", in.Record.NoShows, "late", in.Record.LateCancellations))
	}
	return out
}

// NoticeInvited is the notification kind of an invitation to a session.
const NoticeInvited = "session.invited"
