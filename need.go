package zhiyuan

import (
	"strings"
	"time"
	"unicode/utf8"
)

// Needs (点单, issue 15): a community or service point asks for volunteers; organisations
// in range take the need (接单), which starts a draft activity from it.

// NeedDecision is a review's outcome: approve opens the need, reject ends it.
type NeedDecision string

// Review decisions.
const (
	NeedApprove NeedDecision = "approve"
	NeedReject  NeedDecision = "reject"
)

// NeedStatus is where a need stands. pending waits for the street or district's review;
// open needs are listed for organisations to take; taken ones have all the takers they
// allow; served ones were confirmed by the community; closed ones are over. rejected ones
// were refused at review.
type NeedStatus string

// Need statuses.
const (
	NeedPending  NeedStatus = "pending"
	NeedOpen     NeedStatus = "open"
	NeedTaken    NeedStatus = "taken"
	NeedServed   NeedStatus = "served"
	NeedClosed   NeedStatus = "closed"
	NeedRejected NeedStatus = "rejected"
)

// Valid reports whether s is a known status.
func (s NeedStatus) Valid() bool {
	switch s {
	case NeedPending, NeedOpen, NeedTaken, NeedServed, NeedClosed, NeedRejected:
		return true
	}
	return false
}

// Chinese is the status's name on pages.
func (s NeedStatus) Chinese() string {
	switch s {
	case NeedPending:
		return "待审核"
	case NeedOpen:
		return "待接单"
	case NeedTaken:
		return "已接单"
	case NeedServed:
		return "已服务"
	case NeedClosed:
		return "已结束"
	case NeedRejected:
		return "未通过"
	}
	return string(s)
}

// NeedUrgency says how soon a need must be met.
type NeedUrgency string

// Urgencies.
const (
	UrgencyNormal NeedUrgency = "normal"
	UrgencyUrgent NeedUrgency = "urgent"
)

// Chinese is the urgency's name on pages.
func (u NeedUrgency) Chinese() string {
	if u == UrgencyUrgent {
		return "紧急"
	}
	return "一般"
}

// Limits of a need, shared by pages, API and tests.
const (
	// A need becomes an activity when taken, so its text keeps the activity's limits.
	NeedTitleMax       = MaxTitleRunes
	NeedTextMax        = MaxDescriptionRunes
	NeedTargetGroupMax = MaxTargetGroupRunes
	NeedVolunteersMax  = 500 // volunteers asked for
	NeedMaxTakersMax   = 10  // organisations that may share one need
	NeedWithinKmMax    = 200 // the largest radius a list may ask for
	NeedRatingComment  = 500 // characters
)

// NeedAutoOpens is the one rule on review: a need posted by a regional admin (a street or
// district acting for its community) is open at once, since the poster is the reviewer;
// one posted by an organisation acting for recipients waits for the street or district.
func NeedAutoOpens(postedByRegional bool) bool { return postedByRegional }

// Need is one need as posted.
type Need struct {
	ID               int64       `json:"id"`
	Title            string      `json:"title"`
	Description      string      `json:"description"`
	Category         Category    `json:"category"`
	TargetGroup      string      `json:"target_group"`
	RegionCode       string      `json:"region_code"`
	Address          string      `json:"address"`
	Lat              float64     `json:"lat"`
	Lng              float64     `json:"lng"`
	StartsAt         time.Time   `json:"starts_at"`
	EndsAt           time.Time   `json:"ends_at"`
	VolunteersWanted int         `json:"volunteers_wanted"`
	Skills           []string    `json:"skills"`
	Urgency          NeedUrgency `json:"urgency"`
	MaxTakers        int         `json:"max_takers"`
	Takers           int         `json:"takers"`
	Status           NeedStatus  `json:"status"`
	PostedBy         int64       `json:"-"`
	PostedOrgID      int64       `json:"posted_org_id,omitempty"`
	CreatedAt        time.Time   `json:"created_at"`
	Rating           int         `json:"rating,omitempty"`
	RatingComment    string      `json:"rating_comment,omitempty"`

	// Filled when one need is read: who took it, and what its activities did.
	TakenBy          []NeedTaker `json:"taken_by,omitempty"`
	SessionsHeld     int         `json:"sessions_held"`
	ConfirmedMinutes int64       `json:"-"`
	DistanceKm       *float64    `json:"distance_km,omitempty"`
}

// ConfirmedHours is the hours confirmed in the need's activities.
func (n *Need) ConfirmedHours() float64 { return float64(n.ConfirmedMinutes) / 60 }

// NeedTaker is one organisation that took a need, with the activity taking started.
type NeedTaker struct {
	OrgID      int64     `json:"org_id"`
	OrgName    string    `json:"org_name"`
	ActivityID int64     `json:"activity_id"`
	TakenAt    time.Time `json:"taken_at"`
}

// NeedRatings is an organisation's ratings from the needs it served.
type NeedRatings struct {
	Count   int     `json:"count"`
	Average float64 `json:"average"`
}

// looksLikeIDNumber reports whether s holds a run of 15 or more digits (or 17 and an X):
// a need's target group describes people, and never carries a recipient's identity number.
func looksLikeIDNumber(s string) bool {
	run := 0
	for _, c := range s {
		if c >= '0' && c <= '9' || (run >= 17 && (c == 'X' || c == 'x')) {
			run++
			if run >= 15 {
				return true
			}
			continue
		}
		run = 0
	}
	return false
}

// Validate checks a need as posted (before review) and names each bad field.
func (n *Need) Validate() error {
	p := Problems{}
	n.Title = strings.TrimSpace(n.Title)
	n.Address = strings.TrimSpace(n.Address)
	n.TargetGroup = strings.TrimSpace(n.TargetGroup)
	switch {
	case n.Title == "":
		p.Add("title", "need.title_required")
	case utf8.RuneCountInString(n.Title) > NeedTitleMax:
		p.Add("title", "need.title_long", "max", NeedTitleMax)
	}
	if utf8.RuneCountInString(n.Description) > NeedTextMax {
		p.Add("description", "need.description_long", "max", NeedTextMax)
	}
	if !n.Category.Valid() {
		p.Add("category", "need.category_unknown")
	}
	switch {
	case utf8.RuneCountInString(n.TargetGroup) > NeedTargetGroupMax:
		p.Add("target_group", "need.target_group_long", "max", NeedTargetGroupMax)
	case looksLikeIDNumber(n.TargetGroup) || looksLikeIDNumber(n.Description):
		p.Add("target_group", "need.no_id_numbers")
	}
	switch {
	case n.Address == "":
		p.Add("address", "need.address_required")
	case utf8.RuneCountInString(n.Address) > MaxAddressRunes:
		p.Add("address", "activity.address_long", "max", MaxAddressRunes)
	}
	if n.Lat < -90 || n.Lat > 90 || n.Lng < -180 || n.Lng > 180 || (n.Lat == 0 && n.Lng == 0) {
		p.Add("lat", "need.coordinates_required")
	}
	switch {
	case n.StartsAt.IsZero():
		p.Add("starts_at", "need.starts_required")
	case n.EndsAt.IsZero() || !n.EndsAt.After(n.StartsAt):
		p.Add("ends_at", "need.ends_after_starts")
	case n.EndsAt.Sub(n.StartsAt) > MaxSessionLength:
		// Taking the need makes it one session of an activity, so it must fit in one.
		p.Add("ends_at", "session.too_long", "days", int(MaxSessionLength/(24*time.Hour)))
	}
	if n.VolunteersWanted < 1 || n.VolunteersWanted > NeedVolunteersMax {
		p.Add("volunteers_wanted", "need.volunteers_range", "max", NeedVolunteersMax)
	}
	switch n.Urgency {
	case "":
		n.Urgency = UrgencyNormal
	case UrgencyNormal, UrgencyUrgent:
	default:
		p.Add("urgency", "need.urgency_unknown")
	}
	if n.MaxTakers == 0 {
		n.MaxTakers = 1
	}
	if n.MaxTakers < 1 || n.MaxTakers > NeedMaxTakersMax {
		p.Add("max_takers", "need.max_takers_range", "max", NeedMaxTakersMax)
	}
	return p.Err()
}
