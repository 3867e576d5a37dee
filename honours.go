package zhiyuan

import (
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Recognition and care (嘉许回馈、关爱, issue 14): awards and honours (表彰), training
// records (培训), evaluations after a session (服务评价) and care visits (关爱慰问). The
// rules of all four live in this file — levels, rating range, text lengths, kinds of
// visit — and pages, API, store and tests read them here. See docs/honours.md.

// AwardLevel is the level of an award, from an organisation's own up to national.
type AwardLevel string

// Award levels, lowest first.
const (
	LevelOrg        AwardLevel = "org"        // 组织级: granted by an organisation to its members
	LevelDistrict   AwardLevel = "district"   // 区县级
	LevelCity       AwardLevel = "city"       // 市级
	LevelProvincial AwardLevel = "provincial" // 省级
	LevelNational   AwardLevel = "national"   // 国家级: the platform's operator only
)

// AwardLevels lists the levels highest first, as forms offer them.
var AwardLevels = []AwardLevel{LevelNational, LevelProvincial, LevelCity, LevelDistrict, LevelOrg}

// Rank orders the levels (org 1 … national 5); 0 for an unknown level.
func (l AwardLevel) Rank() int {
	switch l {
	case LevelOrg:
		return 1
	case LevelDistrict:
		return 2
	case LevelCity:
		return 3
	case LevelProvincial:
		return 4
	case LevelNational:
		return 5
	}
	return 0
}

// Valid reports whether l is a known level.
func (l AwardLevel) Valid() bool { return l.Rank() > 0 }

// Chinese is the level as pages and the proof print it.
func (l AwardLevel) Chinese() string {
	switch l {
	case LevelOrg:
		return "组织级"
	case LevelDistrict:
		return "区县级"
	case LevelCity:
		return "市级"
	case LevelProvincial:
		return "省级"
	case LevelNational:
		return "国家级"
	}
	return string(l)
}

// RegionAwardLevel is the highest level an award granted in the name of a region may
// have: a province grants up to provincial, a city up to city, a district (and 顺德区)
// up to district; "" (the whole platform) grants national. A street (9 or 12 digits) is
// below every level of the scale and grants none: it returns "".
func RegionAwardLevel(code string) AwardLevel {
	if code == "" {
		return LevelNational
	}
	switch len(ScopePrefix(code)) {
	case 2:
		return LevelProvincial
	case 4:
		return LevelCity
	case 6:
		return LevelDistrict
	}
	return ""
}

// Suggested award titles the forms offer (any title may be typed).
var AwardTitleSuggestions = []string{"五星志愿者", "优秀志愿者", "优秀志愿服务组织", "优秀志愿服务项目", "最美志愿者", "优秀志愿服务工作者"}

// Limits of recognition and care. Lengths in characters.
const (
	AwardTitleMax        = 60 // 五星志愿者, 优秀志愿服务组织, or a longer campaign's honour
	CertificateNoMax     = 50 // a certificate number as printed (letters, digits, 〔2026〕12号)
	TrainingCourseMax    = 100
	TrainingOrganiserMax = 60 // the organiser's name (defaults to the recording organisation)
	TrainingMinutesMax   = 500 * 60
	RatingMin            = 1
	RatingMax            = 5
	EvaluationCommentMax = 500
	CareNoteMax          = 1000
	// HonourDateEarliest is the earliest date an award, a training or a visit may carry:
	// records are typed from certificates and registers, never older than the platform's
	// predecessors; a year like 0026 is a typing slip.
	HonourDateEarliest = "1990-01-01"
	// HonourListMax bounds each list a page or the API returns (newest first).
	HonourListMax = 200
)

// CareKinds are the kinds of care visit, code → Chinese, in the order forms offer them.
var CareKinds = []struct{ Code, Label string }{
	{"hardship", "生活困难"},
	{"illness", "患病住院"},
	{"injury", "服务中受伤"},
	{"bereavement", "家庭变故"},
	{"festival", "节日慰问"},
	{"other", "其他"},
}

// CareKindChinese is a care visit's kind as pages show it.
func CareKindChinese(code string) string {
	for _, k := range CareKinds {
		if k.Code == code {
			return k.Label
		}
	}
	return code
}

// Award is an honour granted to a volunteer or to an organisation. Exactly one of
// VolunteerID and RecipientOrgID is set. The grantor is an organisation (GrantorOrgID,
// level org only) or a region (GrantorRegion, "" with GrantorOrgID 0 for the platform).
type Award struct {
	ID             int64
	VolunteerID    int64
	RecipientOrgID int64
	Title          string
	Level          AwardLevel
	AwardedOn      string // YYYY-MM-DD, Beijing date on the certificate
	CertificateNo  string
	GrantorOrgID   int64
	GrantorRegion  string
	GrantorName    string // the organisation's or region's name as it was when granted
	GrantedBy      int64
	CreatedAt      time.Time
	RevokedAt      time.Time
	RevokedBy      int64
	RevokeReason   string

	// Filled by reads.
	VolunteerName    string
	VolunteerNo      string
	RecipientOrgName string
}

// Revoked reports whether the award was withdrawn.
func (a *Award) Revoked() bool { return !a.RevokedAt.IsZero() }

// RecipientName is whom the award went to, for lists.
func (a *Award) RecipientName() string {
	if a.RecipientOrgID != 0 {
		return a.RecipientOrgName
	}
	return a.VolunteerName
}

// Training is a course a volunteer attended, recorded by an organisation. Its hours are
// training, never service: they stay out of the ledger, totals, star levels and figures.
type Training struct {
	ID          int64
	OrgID       int64
	VolunteerID int64
	Course      string
	Minutes     int64
	Organiser   string
	TrainedOn   string // YYYY-MM-DD
	RecordedBy  int64
	CreatedAt   time.Time

	OrgName       string
	VolunteerName string
	VolunteerNo   string
}

// Evaluation is a rating of one session: an organiser's of a volunteer who attended it
// (VolunteerID is the one rated), or a volunteer's of the activity (VolunteerID is the
// one rating). One per volunteer and session, editable.
type Evaluation struct {
	ID          int64
	SessionID   int64
	ActivityID  int64
	OrgID       int64
	VolunteerID int64
	Rating      int
	Comment     string
	RatedBy     int64
	CreatedAt   time.Time
	UpdatedAt   time.Time

	ActivityTitle   string
	SessionStartsAt time.Time
	SessionEndsAt   time.Time
	VolunteerName   string
	VolunteerNo     string
}

// RatingSummary is a count of ratings and their average (0 when there are none).
type RatingSummary struct {
	Count   int
	Average float64
}

// Stars is the average rounded to one decimal, as pages print it.
func (r RatingSummary) Stars() string {
	if r.Count == 0 {
		return "—"
	}
	return strconv.FormatFloat(math.Round(r.Average*10)/10, 'f', -1, 64)
}

// CareVisit is a visit an organisation paid a volunteer in difficulty. It is seen only by
// that organisation's managers (its admins, its parents' admins, the regional admins of
// its region) and the volunteer.
type CareVisit struct {
	ID          int64
	OrgID       int64
	VolunteerID int64
	RegionCode  string // the organisation's region, for scope
	VisitedOn   string // YYYY-MM-DD
	Kind        string
	Note        string
	RecordedBy  int64
	CreatedAt   time.Time

	OrgName       string
	VolunteerName string
	VolunteerNo   string
}

// KindName is the visit's kind as pages show it.
func (c CareVisit) KindName() string { return CareKindChinese(c.Kind) }

// CheckHonourDate adds a problem under field unless s is a date YYYY-MM-DD between
// HonourDateEarliest and today (Beijing), and returns it cleaned.
func CheckHonourDate(p Problems, field, s string, now time.Time) string {
	s = strings.TrimSpace(s)
	d, err := time.Parse(time.DateOnly, s)
	switch {
	case s == "":
		p.Add(field, "honour.date_required")
	case err != nil:
		p.Add(field, "honour.date_format")
	case s < HonourDateEarliest || d.After(now.In(Beijing)):
		p.Add(field, "honour.date_range", "earliest", HonourDateEarliest)
	}
	return s
}

// checkText trims s and adds a problem under field when it is empty (and required) or
// longer than max characters.
func checkText(p Problems, field, s string, max int, required bool) string {
	s = strings.TrimSpace(s)
	switch n := utf8.RuneCountInString(s); {
	case n == 0 && required:
		p.Add(field, "honour.text_required")
	case n > max:
		p.Add(field, "honour.text_long", "max", max)
	}
	return s
}

// AwardInput is what granting an award asks for.
type AwardInput struct {
	Title         string
	Level         AwardLevel
	AwardedOn     string
	CertificateNo string
}

// Check validates the award's own fields and returns them cleaned.
func (in AwardInput) Check(p Problems, now time.Time) AwardInput {
	in.Title = checkText(p, "title", in.Title, AwardTitleMax, true)
	in.CertificateNo = checkText(p, "certificate_no", in.CertificateNo, CertificateNoMax, false)
	in.AwardedOn = CheckHonourDate(p, "awarded_on", in.AwardedOn, now)
	if !in.Level.Valid() {
		p.Add("level", "award.level_unknown")
	}
	return in
}

// TrainingInput is what recording a training asks for.
type TrainingInput struct {
	Course    string
	Minutes   int64
	Organiser string
	TrainedOn string
}

// Check validates a training record's fields and returns them cleaned.
func (in TrainingInput) Check(p Problems, now time.Time) TrainingInput {
	in.Course = checkText(p, "course", in.Course, TrainingCourseMax, true)
	in.Organiser = checkText(p, "organiser", in.Organiser, TrainingOrganiserMax, false)
	in.TrainedOn = CheckHonourDate(p, "trained_on", in.TrainedOn, now)
	if in.Minutes <= 0 || in.Minutes > TrainingMinutesMax {
		p.Add("hours", "training.hours_range", "max", TrainingMinutesMax/60)
	}
	return in
}

// CheckRating validates a rating and its comment and returns the comment cleaned.
func CheckRating(p Problems, rating int, comment string) string {
	if rating < RatingMin || rating > RatingMax {
		p.Add("rating", "evaluation.rating_range", "min", RatingMin, "max", RatingMax)
	}
	return checkText(p, "comment", comment, EvaluationCommentMax, false)
}

// CareInput is what recording a care visit asks for.
type CareInput struct {
	VisitedOn string
	Kind      string
	Note      string
}

// Check validates a care visit's fields and returns them cleaned.
func (in CareInput) Check(p Problems, now time.Time) CareInput {
	in.VisitedOn = CheckHonourDate(p, "visited_on", in.VisitedOn, now)
	in.Note = checkText(p, "note", in.Note, CareNoteMax, false)
	known := false
	for _, k := range CareKinds {
		known = known || k.Code == in.Kind
	}
	if !known {
		p.Add("kind", "care.kind_unknown")
	}
	return in
}
