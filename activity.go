package zhiyuan

import (
	"fmt"
	"math"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// Category is an activity's service category (服务类别), from the list every Chinese
// volunteer platform uses. The code is stable; the Chinese name is what people see.
type Category string

// Service categories.
const (
	CatCommunity     Category = "community"       // 社区服务
	CatPoverty       Category = "poverty_relief"  // 扶贫济困
	CatDisability    Category = "disability"      // 助残服务
	CatElderly       Category = "elderly_care"    // 敬老服务
	CatEducation     Category = "education"       // 支教助学
	CatCultureSports Category = "culture_sports"  // 文体服务
	CatHealth        Category = "health"          // 医疗卫生
	CatLegalAid      Category = "legal_aid"       // 法律援助
	CatTraffic       Category = "traffic_safety"  // 交通安全
	CatEmergency     Category = "emergency"       // 应急救援
	CatEnvironment   Category = "environment"     // 生态环保
	CatOnline        Category = "online_civility" // 网络文明
	CatLargeEvents   Category = "large_events"    // 大型赛会
)

// Categories lists every category in the order pages offer them.
var Categories = []Category{
	CatCommunity, CatPoverty, CatDisability, CatElderly, CatEducation, CatCultureSports, CatHealth,
	CatLegalAid, CatTraffic, CatEmergency, CatEnvironment, CatOnline, CatLargeEvents,
}

var categoryNames = map[Category]string{
	CatCommunity:     "社区服务",
	CatPoverty:       "扶贫济困",
	CatDisability:    "助残服务",
	CatElderly:       "敬老服务",
	CatEducation:     "支教助学",
	CatCultureSports: "文体服务",
	CatHealth:        "医疗卫生",
	CatLegalAid:      "法律援助",
	CatTraffic:       "交通安全",
	CatEmergency:     "应急救援",
	CatEnvironment:   "生态环保",
	CatOnline:        "网络文明",
	CatLargeEvents:   "大型赛会",
}

// Valid reports whether c is a known category.
func (c Category) Valid() bool { _, ok := categoryNames[c]; return ok }

// Chinese is the category's name on pages.
func (c Category) Chinese() string {
	if n, ok := categoryNames[c]; ok {
		return n
	}
	return string(c)
}

// ActivityStatus is where an activity stands: a draft is seen only by its organisation;
// published activities are listed and open for sign-up; closed ones take no more
// sign-ups (sign-up stopped, or the activity is over); cancelled ones will not happen.
type ActivityStatus string

// Activity statuses.
const (
	ActivityDraft     ActivityStatus = "draft"
	ActivityPublished ActivityStatus = "published"
	ActivityClosed    ActivityStatus = "closed"
	ActivityCancelled ActivityStatus = "cancelled"
)

// Chinese is the status's name on pages.
func (s ActivityStatus) Chinese() string {
	switch s {
	case ActivityDraft:
		return "草稿"
	case ActivityPublished:
		return "已发布"
	case ActivityClosed:
		return "已结束"
	case ActivityCancelled:
		return "已取消"
	}
	return string(s)
}

// CheckEnd decides whether activity a may go to status to at now: closed (sign-up
// stopped) only from published; cancelled from any status but cancelled, and not once
// its last session has ended (its attendance and hours stand, and nobody is left to be
// told). Pages offer 停止报名 and 取消活动 only where it returns nil; the store's
// conditional UPDATE settles a race between two admins.
func CheckEnd(a *Activity, to ActivityStatus, now time.Time) error {
	switch to {
	case ActivityClosed:
		if a.Status != ActivityPublished {
			return FieldFail(EConflict, "status", "activity.close_needs_published", "status", a.Status.Chinese())
		}
	case ActivityCancelled:
		if a.Status == ActivityCancelled {
			return FieldFail(EConflict, "status", "activity.cancelled")
		}
		if !a.EndsAt.IsZero() && !now.Before(a.EndsAt) {
			return FieldFail(EConflict, "status", "activity.ended_no_cancel")
		}
	default:
		return Fail(EInvalid, "activity.status_unknown")
	}
	return nil
}

// SignupMode says how a sign-up becomes a seat.
type SignupMode string

// Sign-up modes.
const (
	SignupFirstCome SignupMode = "first_come" // 先到先得: a seat at once while seats last
	SignupAdmission SignupMode = "admission"  // 报名后录用: the organisation admits each one
)

// Chinese is the mode's name on pages.
func (m SignupMode) Chinese() string {
	switch m {
	case SignupFirstCome:
		return "先到先得"
	case SignupAdmission:
		return "报名后录用"
	}
	return string(m)
}

// DefaultTimeZone is the zone of an activity that names none.
const DefaultTimeZone = "Asia/Shanghai"

// Limits on an activity's inputs.
const (
	MaxSessions        = 200    // sessions of one activity
	MaxSessionCapacity = 100000 // seats of one session (a marathon needs thousands)
	MaxSessionLength   = 7 * 24 * time.Hour
	MaxCheckinRadiusM  = 50000
	// DefaultCheckinRadiusM is the check-in radius of an activity whose coordinates are
	// given and whose radius is left blank on the form: a venue and its entrance.
	DefaultCheckinRadiusM = 200
)

// Project is a programme (项目) an organisation runs over time; activities belong to it.
type Project struct {
	ID          int64
	OrgID       int64
	Title       string
	Description string
	Category    Category
	RegionCode  string
	CreatedAt   time.Time
}

// Validate checks a project's own fields.
func (p *Project) Validate() error {
	pr := Problems{}
	p.Title = strings.TrimSpace(p.Title)
	switch n := utf8.RuneCountInString(p.Title); {
	case n == 0:
		pr.Add("title", "project.title_required")
	case n > MaxTitleRunes:
		pr.Add("title", "project.title_long", "max", MaxTitleRunes)
	}
	if utf8.RuneCountInString(p.Description) > MaxDescriptionRunes {
		pr.Add("description", "project.description_long", "max", MaxDescriptionRunes)
	}
	if p.Category != "" && !p.Category.Valid() {
		pr.Add("category", "activity.category_unknown")
	}
	return pr.Err()
}

// Activity is one volunteer activity (活动) of an organisation, held in one or more
// sessions (场次). Times are instants (stored in UTC); TimeZone is the venue's IANA zone,
// in which they are shown and in which ages and dates are reckoned.
type Activity struct {
	ID          int64
	OrgID       int64
	OrgName     string // filled by reads, for pages
	ProjectID   int64  // 0 when the activity belongs to no project
	Title       string
	Description string
	Category    Category
	TargetGroup string // service target group (服务对象), e.g. 社区长者
	RegionCode  string // county-level (or street) code of the venue
	Address     string
	Lat, Lng    float64 // WGS-84; both 0 when unknown
	// CheckinRadiusM is how far from the coordinates a check-in may happen; 0 means no
	// geofence.
	CheckinRadiusM int
	ContactName    string
	ContactPhone   string
	TimeZone       string

	// Conditions.
	MinAge, MaxAge    int // 0: no limit
	Skills            []string
	MembersOnly       bool // only members of the organisation may sign up
	InsuranceRequired bool // accident cover must be in place (the organiser arranges it)
	ChildFriendly     bool // under-14s may take part (with a guardian's consent)

	SignupMode     SignupMode
	SignupOpensAt  time.Time // zero: open as soon as published
	SignupClosesAt time.Time // zero: until each session starts
	// CancelBeforeHours is the cancellation deadline: a volunteer cancels freely until
	// this many hours before their session starts; later cancellations count as late.
	CancelBeforeHours int
	Waitlist          bool

	Status      ActivityStatus
	StartsAt    time.Time // first session's start (derived)
	EndsAt      time.Time // last session's end (derived)
	CreatedAt   time.Time
	PublishedAt time.Time
	UpdatedAt   time.Time

	Sessions []ActivitySession
}

// SessionStatus follows the activity's status: only open sessions take sign-ups.
type SessionStatus string

// Session statuses.
const (
	SessionDraft     SessionStatus = "draft"
	SessionOpen      SessionStatus = "open"
	SessionClosed    SessionStatus = "closed"
	SessionCancelled SessionStatus = "cancelled"
)

// ActivitySession is one occurrence of an activity (场次) with its own seats. SeatsTaken counts
// confirmed sign-ups (and no-shows, whose seat was held) and is kept by the database in
// the same transaction as each sign-up. It is the one count of 已录用 that every page and
// the API show for a session (sign-up list, attendance, activity page, check-in screen):
// marking a no-show, by hand or after the session, and a late check-in that takes the
// no-show back leave it as it is.
type ActivitySession struct {
	ID         int64
	ActivityID int64
	StartsAt   time.Time
	EndsAt     time.Time
	Capacity   int
	SeatsTaken int
	Pending    int // sign-ups waiting for admission
	Waitlisted int
	Status     SessionStatus
}

// SeatsLeft is how many seats are still free.
func (s *ActivitySession) SeatsLeft() int {
	if n := s.Capacity - s.SeatsTaken; n > 0 {
		return n
	}
	return 0
}

// Hours is the session's length in hours.
func (s *ActivitySession) Hours() float64 { return s.EndsAt.Sub(s.StartsAt).Hours() }

// Location returns the activity's time zone, falling back to the default zone.
func (a *Activity) Location() *time.Location {
	return LoadZone(a.TimeZone)
}

// LoadZone returns the named IANA zone, or Asia/Shanghai (UTC+8 when the zone database
// is missing) for an empty or unknown name. Zones are cached: time.LoadLocation reads
// and parses the zone file on every call, and pages and scans ask for zones per row.
func LoadZone(name string) *time.Location {
	if name == "" || name == DefaultTimeZone {
		return Beijing
	}
	if loc, ok := zoneCache.Load(name); ok {
		return loc.(*time.Location)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return Beijing
	}
	zoneCache.Store(name, loc)
	return loc
}

var zoneCache sync.Map // zone name → *time.Location

// HasCoords reports whether the venue's coordinates are known.
func (a *Activity) HasCoords() bool { return a.Lat != 0 || a.Lng != 0 }

// SeatsLeft sums the free seats of the activity's open sessions.
func (a *Activity) SeatsLeft() int {
	n := 0
	for i := range a.Sessions {
		if a.Sessions[i].Status == SessionOpen || a.Sessions[i].Status == SessionDraft {
			n += a.Sessions[i].SeatsLeft()
		}
	}
	return n
}

// Resource returns what authorisation needs to know about the activity; the
// organisation's ancestors are filled by the caller, who has loaded the organisation.
func (a *Activity) Resource() Resource {
	return Resource{RegionCode: a.RegionCode, OrgID: a.OrgID}
}

// Normalize trims text fields and applies defaults (zone, sign-up mode).
func (a *Activity) Normalize() {
	a.Title = strings.TrimSpace(a.Title)
	a.Description = strings.TrimSpace(a.Description)
	a.TargetGroup = strings.TrimSpace(a.TargetGroup)
	a.Address = strings.TrimSpace(a.Address)
	a.ContactName = strings.TrimSpace(a.ContactName)
	a.ContactPhone = strings.TrimSpace(a.ContactPhone)
	a.TimeZone = strings.TrimSpace(a.TimeZone)
	if a.TimeZone == "" {
		a.TimeZone = DefaultTimeZone
	}
	if a.SignupMode == "" {
		a.SignupMode = SignupFirstCome
	}
	a.Skills = NormalizeSkills(a.Skills)
	a.deriveSpan()
}

// deriveSpan sets StartsAt and EndsAt from the sessions.
func (a *Activity) deriveSpan() {
	for i, s := range a.Sessions {
		if i == 0 || s.StartsAt.Before(a.StartsAt) {
			a.StartsAt = s.StartsAt
		}
		if i == 0 || s.EndsAt.After(a.EndsAt) {
			a.EndsAt = s.EndsAt
		}
	}
}

// NormalizeSkills trims, drops empties and duplicates, keeping the order.
func NormalizeSkills(in []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, s := range in {
		s = strings.TrimSpace(s)
		k := strings.ToLower(s)
		if s == "" || seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, s)
	}
	return out
}

// Validate checks the activity and its sessions, naming each bad field by its JSON name
// ("sessions[0].ends_at"). now is the clock: new sessions may not start in the past.
// Validate does not check the region code against the region tree (the caller has it).
func (a *Activity) Validate(now time.Time) error {
	a.Normalize()
	p := Problems{}
	switch n := utf8.RuneCountInString(a.Title); {
	case n == 0:
		p.Add("title", "activity.title_required")
	case n > MaxTitleRunes:
		p.Add("title", "activity.title_long", "max", MaxTitleRunes)
	}
	if utf8.RuneCountInString(a.Description) > MaxDescriptionRunes {
		p.Add("description", "activity.description_long", "max", MaxDescriptionRunes)
	}
	if !a.Category.Valid() {
		p.Add("category", "activity.category_required")
	}
	if utf8.RuneCountInString(a.TargetGroup) > MaxTargetGroupRunes {
		p.Add("target_group", "activity.target_group_long", "max", MaxTargetGroupRunes)
	}
	if a.RegionCode == "" {
		p.Add("region_code", "activity.region_required")
	}
	switch n := utf8.RuneCountInString(a.Address); {
	case n == 0:
		p.Add("address", "activity.address_required")
	case n > MaxAddressRunes:
		p.Add("address", "activity.address_long", "max", MaxAddressRunes)
	}
	if a.HasCoords() {
		if math.IsNaN(a.Lat) || a.Lat < -90 || a.Lat > 90 {
			p.Add("lat", "geo.lat_range")
		}
		if math.IsNaN(a.Lng) || a.Lng < -180 || a.Lng > 180 {
			p.Add("lng", "geo.lng_range")
		}
	}
	if a.CheckinRadiusM < 0 || a.CheckinRadiusM > MaxCheckinRadiusM {
		p.Add("checkin_radius_m", "activity.checkin_radius_range", "max", MaxCheckinRadiusM)
	} else if a.CheckinRadiusM > 0 && !a.HasCoords() {
		p.Add("checkin_radius_m", "activity.checkin_radius_needs_coords")
	}
	if utf8.RuneCountInString(a.ContactName) > MaxContactNameRunes {
		p.Add("contact_name", "activity.contact_name_long", "max", MaxContactNameRunes)
	}
	if len(a.ContactPhone) > MaxContactPhoneLen {
		p.Add("contact_phone", "activity.contact_phone_long")
	}
	if _, err := time.LoadLocation(a.TimeZone); err != nil {
		p.Add("time_zone", "activity.time_zone_unknown")
	}
	if a.MinAge < 0 || a.MinAge > 120 {
		p.Add("min_age", "activity.min_age_range")
	}
	if a.MaxAge < 0 || a.MaxAge > 120 {
		p.Add("max_age", "activity.max_age_range")
	} else if a.MaxAge > 0 && a.MaxAge < a.MinAge {
		p.Add("max_age", "activity.max_age_below_min")
	}
	// The same rule as a volunteer's own skills: a requirement nobody can enter would
	// make the activity impossible to join.
	CheckSkills(p, "skills", a.Skills)
	if a.SignupMode != SignupFirstCome && a.SignupMode != SignupAdmission {
		p.Add("signup_mode", "activity.signup_mode_unknown")
	}
	if !a.SignupOpensAt.IsZero() && !a.SignupClosesAt.IsZero() && !a.SignupClosesAt.After(a.SignupOpensAt) {
		p.Add("signup_closes_at", "activity.signup_closes_before_opens")
	}
	if a.CancelBeforeHours < 0 || a.CancelBeforeHours > 24*30 {
		p.Add("cancel_before_hours", "activity.cancel_before_range")
	}
	if len(a.Sessions) == 0 {
		p.Add("sessions", "activity.sessions_required")
	}
	if len(a.Sessions) > MaxSessions {
		p.Add("sessions", "activity.sessions_too_many", "max", MaxSessions)
	}
	for i := range a.Sessions {
		a.Sessions[i].validate(p, fmt.Sprintf("sessions[%d].", i), now)
	}
	if !a.SignupOpensAt.IsZero() && len(a.Sessions) > 0 && !a.SignupOpensAt.Before(a.EndsAt) {
		p.Add("signup_opens_at", "activity.signup_opens_after_end")
	}
	return p.Err()
}

// ValidateSession checks one session on its own, naming fields with prefix (e.g. "" for
// a PATCH of the session, "sessions[2]." inside an activity). Sessions already under way
// are not checked against now.
func ValidateSession(s *ActivitySession, prefix string, now time.Time) error {
	p := Problems{}
	s.validate(p, prefix, now)
	return p.Err()
}

func (s *ActivitySession) validate(p Problems, prefix string, now time.Time) {
	switch {
	case s.StartsAt.IsZero():
		p.Add(prefix+"starts_at", "session.starts_at_required")
	case !now.IsZero() && s.StartsAt.Before(now):
		p.Add(prefix+"starts_at", "session.starts_in_past")
	}
	switch {
	case s.EndsAt.IsZero():
		p.Add(prefix+"ends_at", "session.ends_at_required")
	case !s.StartsAt.IsZero() && !s.EndsAt.After(s.StartsAt):
		p.Add(prefix+"ends_at", "session.ends_before_start")
	case !s.StartsAt.IsZero() && s.EndsAt.Sub(s.StartsAt) > MaxSessionLength:
		p.Add(prefix+"ends_at", "session.too_long", "days", int(MaxSessionLength/(24*time.Hour)))
	}
	if s.Capacity < 1 || s.Capacity > MaxSessionCapacity {
		p.Add(prefix+"capacity", "session.capacity_range", "max", MaxSessionCapacity)
	}
}

// Recurrence describes sessions repeating every week (every Saturday 09:00–12:00 for 10
// weeks), in the activity's time zone. An EndTime not after StartTime means the session
// ends on the next day (23:00–02:00).
type Recurrence struct {
	FirstDate string // "2006-01-02": the first session's date, which fixes the weekday
	StartTime string // "15:04"
	EndTime   string // "15:04"
	Weeks     int    // how many sessions
	Capacity  int    // seats of each session
}

// Expand returns the recurrence's sessions in loc. Each session keeps its local wall
// time, so a zone's daylight-saving changes do not shift them. Bad fields are named with
// prefix ("recurrence.").
func (r Recurrence) Expand(loc *time.Location, prefix string) ([]ActivitySession, error) {
	p := Problems{}
	day, err := time.ParseInLocation("2006-01-02", strings.TrimSpace(r.FirstDate), loc)
	if err != nil {
		p.Add(prefix+"first_date", "form.date_format")
	}
	start, err := time.Parse("15:04", strings.TrimSpace(r.StartTime))
	if err != nil {
		p.Add(prefix+"start_time", "session.start_time_format")
	}
	end, err := time.Parse("15:04", strings.TrimSpace(r.EndTime))
	if err != nil {
		p.Add(prefix+"end_time", "session.end_time_format")
	}
	if r.Weeks < 1 || r.Weeks > MaxSessions {
		p.Add(prefix+"weeks", "session.weeks_range", "max", MaxSessions)
	}
	if r.Capacity < 1 || r.Capacity > MaxSessionCapacity {
		p.Add(prefix+"capacity", "session.capacity_range", "max", MaxSessionCapacity)
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	endsNextDay := !end.After(start)
	out := make([]ActivitySession, 0, r.Weeks)
	for i := 0; i < r.Weeks; i++ {
		d := day.AddDate(0, 0, 7*i)
		s := time.Date(d.Year(), d.Month(), d.Day(), start.Hour(), start.Minute(), 0, 0, loc)
		ed := d
		if endsNextDay {
			ed = d.AddDate(0, 0, 1)
		}
		e := time.Date(ed.Year(), ed.Month(), ed.Day(), end.Hour(), end.Minute(), 0, 0, loc)
		out = append(out, ActivitySession{StartsAt: s.UTC(), EndsAt: e.UTC(), Capacity: r.Capacity})
	}
	return out, nil
}

// ActivitySort orders search results.
type ActivitySort string

// Sort orders.
const (
	SortStart    ActivitySort = "start"    // by first session's start, soonest first
	SortDistance ActivitySort = "distance" // nearest first (needs Near)
)

// ActivityFilter selects published activities for search. The store walks an index in
// result order and stops after one page, so a page costs the same however many
// activities there are.
type ActivityFilter struct {
	Query        string    // free text: Chinese bigrams and words of title and description
	RegionPrefix string    // ScopePrefix of a region code: the region and everything below it
	Category     Category  // "" for any
	From, To     time.Time // the first session starts in [From, To); zero for open ends
	Open         bool      // only activities with a free seat in a session still to come
	Now          time.Time // activities that have ended are left out
	Near         *LatLng   // with WithinKm: only activities within that distance
	WithinKm     float64
	Sort         ActivitySort
	Cursor       string // from the previous page's NextCursor
	Limit        int
	// Home is the searcher's home region (a volunteer's district). With no RegionPrefix
	// and no Near, results in its district come first, then its city, then the rest,
	// each in start order: a volunteer sees what they can reach before the far end of
	// the province.
	Home string
}

// SearchCountCap is how many matches a search counts at most: beyond it the count is
// shown as "N+" (pages and the API's total_capped), so counting costs a bounded walk.
const SearchCountCap = 1000

// HomeTiers returns the region prefixes a search from home walks in turn: the home
// district, its city and everything ("" for the last). A code that is not a region's
// gives nil (no home order).
func HomeTiers(home string) []string {
	if len(home) > 6 {
		home = home[:6]
	}
	p := ScopePrefix(home)
	if p == "" {
		return nil
	}
	out := []string{p}
	if len(p) > 4 {
		out = append(out, p[:4])
	}
	return append(out, "")
}

// LatLng is a point on the earth (WGS-84 degrees).
type LatLng struct{ Lat, Lng float64 }

// DistanceKm is the great-circle (haversine) distance between two points in kilometres.
func DistanceKm(a, b LatLng) float64 {
	const r = 6371.0088
	rad := math.Pi / 180
	dLat := (b.Lat - a.Lat) * rad
	dLng := (b.Lng - a.Lng) * rad
	h := math.Sin(dLat/2)*math.Sin(dLat/2) + math.Cos(a.Lat*rad)*math.Cos(b.Lat*rad)*math.Sin(dLng/2)*math.Sin(dLng/2)
	return 2 * r * math.Asin(math.Min(1, math.Sqrt(h)))
}

// BoundingBox returns the latitude and longitude ranges that contain every point within
// km of c, for a cheap index filter before the exact distance.
func BoundingBox(c LatLng, km float64) (minLat, maxLat, minLng, maxLng float64) {
	dLat := km / 111.195
	cos := math.Cos(c.Lat * math.Pi / 180)
	dLng := 180.0
	if cos > 1e-6 {
		dLng = math.Min(180, km/(111.195*cos))
	}
	return c.Lat - dLat, c.Lat + dLat, c.Lng - dLng, c.Lng + dLng
}

// ActivityHit is one search result: the activity (without its sessions) with what a
// result list shows about its sessions.
type ActivityHit struct {
	Activity      *Activity
	DistanceKm    float64 // when searched near a point
	SeatsLeft     int     // free seats in open sessions still to come
	NextSessionAt time.Time
	Sessions      int
}
