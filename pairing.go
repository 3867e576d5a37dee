package zhiyuan

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Pairing (结对, issue 15): an approved organisation pairs with a recipient household or
// institution for a period, visiting at a cadence. The recipient is described, never
// identified: a label and a target group, an address and a region, and a contact the
// community holds. Each visit is a session of an activity the pairing creates, so
// check-in, attendance and the hour ledger are the ones every activity uses. The
// community (the regional admin of the recipient's street or district, or the poster of
// the need it came from) sees which visits were held and is warned once of each missed.

// PairingStatus is where a pairing stands: active while its period runs (and after, as a
// record); ended when one side ended it early.
type PairingStatus string

// Pairing statuses.
const (
	PairingActive PairingStatus = "active"
	PairingEnded  PairingStatus = "ended"
)

// Chinese is the status's name on pages.
func (s PairingStatus) Chinese() string {
	if s == PairingEnded {
		return "已提前结束"
	}
	return "进行中"
}

// VisitState is what became of one scheduled visit.
type VisitState string

// Visit states. A visit is held when its session has confirmed hours; before its end plus
// PairingVisitGrace it is scheduled (not yet due) or awaiting (over, hours not yet
// confirmed); after that, without confirmed hours, it is missed. Visits after an early
// end, or whose session was cancelled, are cancelled and never missed.
const (
	VisitScheduled VisitState = "scheduled"
	VisitAwaiting  VisitState = "awaiting"
	VisitHeld      VisitState = "held"
	VisitMissed    VisitState = "missed"
	VisitCancelled VisitState = "cancelled"
)

// Chinese is the state's name on pages.
func (s VisitState) Chinese() string {
	switch s {
	case VisitScheduled:
		return "待探访"
	case VisitAwaiting:
		return "待确认时长"
	case VisitHeld:
		return "已探访"
	case VisitMissed:
		return "未探访"
	case VisitCancelled:
		return "已取消"
	}
	return string(s)
}

// Limits of a pairing, shared by pages, API and tests.
const (
	PairingRecipientMax  = 50                  // the recipient's label (e.g. 五山街道独居长者 A 户)
	PairingContactMax    = MaxContactNameRunes // how volunteers reach the recipient through the community
	PairingEveryDaysMax  = 31                  // the longest cadence: monthly
	PairingVisitMinMin   = 15                  // the shortest visit, in minutes
	PairingVisitMinMax   = 8 * 60              // the longest visit: a working day
	PairingVolunteersMax = 20                  // volunteers on one visit to one household
	PairingPeriodDaysMax = 366                 // a pairing runs at most a year; renew it after
)

// VisitStateAt decides one visit's state at now: held when its session has confirmed hours;
// cancelled when its session was cancelled or it starts after the pairing ended early;
// otherwise scheduled before its end, awaiting until PairingVisitGrace after it, then
// missed. The missed-visit warning and every page read it here.
func VisitStateAt(start, end time.Time, held, sessionCancelled bool, endedAt time.Time, now time.Time) VisitState {
	switch {
	case held:
		return VisitHeld
	case sessionCancelled || (!endedAt.IsZero() && !start.Before(endedAt)):
		return VisitCancelled
	case now.Before(end):
		return VisitScheduled
	case now.Before(end.Add(PairingVisitGrace)):
		return VisitAwaiting
	}
	return VisitMissed
}

// Pairing is one organisation's pairing with a recipient.
type Pairing struct {
	ID                 int64         `json:"id"`
	OrgID              int64         `json:"org_id"`
	OrgName            string        `json:"org_name"`
	ActivityID         int64         `json:"activity_id"`
	NeedID             int64         `json:"need_id,omitempty"`
	Recipient          string        `json:"recipient"`
	TargetGroup        string        `json:"target_group"`
	Category           Category      `json:"category"`
	RegionCode         string        `json:"region_code"`
	Address            string        `json:"address"`
	Lat                float64       `json:"lat,omitempty"`
	Lng                float64       `json:"lng,omitempty"`
	Contact            string        `json:"contact"`
	StartsOn           string        `json:"starts_on"` // 2006-01-02, Beijing
	EndsOn             string        `json:"ends_on"`
	EveryDays          int           `json:"every_days"`
	VisitTime          string        `json:"visit_time"` // 15:04, Beijing
	VisitMinutes       int           `json:"visit_minutes"`
	VolunteersPerVisit int           `json:"volunteers_per_visit"`
	CommunityAccountID int64         `json:"community_account_id"`
	CommunityName      string        `json:"community_name"`
	Status             PairingStatus `json:"status"`
	EndedAt            *time.Time    `json:"ended_at,omitempty"`
	CreatedAt          time.Time     `json:"created_at"`

	// Filled when one pairing is read: its visits and how many are in each state.
	Visits    []PairingVisit `json:"visits,omitempty"`
	Held      int            `json:"visits_held"`
	Missed    int            `json:"visits_missed"`
	Scheduled int            `json:"visits_scheduled"`
}

// PairingVisit is one scheduled visit: a session of the pairing's activity.
type PairingVisit struct {
	SessionID int64      `json:"session_id"`
	StartsAt  time.Time  `json:"starts_at"`
	EndsAt    time.Time  `json:"ends_at"`
	State     VisitState `json:"state"`
	Warned    bool       `json:"warned"` // the community was told it was missed
}

// Cadence is the visits' rhythm in Chinese: 每周 for seven days, else 每N天.
func (p *Pairing) Cadence() string {
	switch p.EveryDays {
	case 1:
		return "每天"
	case 7:
		return "每周"
	case 14:
		return "每两周"
	}
	return "每" + strconv.Itoa(p.EveryDays) + "天"
}

// Validate checks a pairing as entered and names each bad field; it cleans the text.
func (p *Pairing) Validate() error {
	pr := Problems{}
	p.Recipient = strings.TrimSpace(p.Recipient)
	p.TargetGroup = strings.TrimSpace(p.TargetGroup)
	p.Address = strings.TrimSpace(p.Address)
	p.Contact = strings.TrimSpace(p.Contact)
	switch {
	case p.Recipient == "":
		pr.Add("recipient", "pairing.recipient_required")
	case utf8.RuneCountInString(p.Recipient) > PairingRecipientMax:
		pr.Add("recipient", "pairing.recipient_long", "max", PairingRecipientMax)
	case looksLikeIDNumber(p.Recipient):
		pr.Add("recipient", "pairing.no_id_numbers")
	}
	switch {
	case utf8.RuneCountInString(p.TargetGroup) > MaxTargetGroupRunes:
		pr.Add("target_group", "need.target_group_long", "max", MaxTargetGroupRunes)
	case looksLikeIDNumber(p.TargetGroup):
		pr.Add("target_group", "pairing.no_id_numbers")
	}
	if !p.Category.Valid() {
		pr.Add("category", "need.category_unknown")
	}
	switch {
	case p.Address == "":
		pr.Add("address", "need.address_required")
	case utf8.RuneCountInString(p.Address) > MaxAddressRunes:
		pr.Add("address", "activity.address_long", "max", MaxAddressRunes)
	}
	switch {
	case utf8.RuneCountInString(p.Contact) > PairingContactMax:
		pr.Add("contact", "pairing.contact_long", "max", PairingContactMax)
	case looksLikeIDNumber(p.Contact):
		pr.Add("contact", "pairing.no_id_numbers")
	}
	start, err1 := time.ParseInLocation("2006-01-02", strings.TrimSpace(p.StartsOn), Beijing)
	end, err2 := time.ParseInLocation("2006-01-02", strings.TrimSpace(p.EndsOn), Beijing)
	if err1 != nil {
		pr.Add("starts_on", "form.date_format")
	}
	switch {
	case err2 != nil:
		pr.Add("ends_on", "form.date_format")
	case err1 == nil && end.Before(start):
		pr.Add("ends_on", "pairing.ends_before_starts")
	case err1 == nil && end.Sub(start) > PairingPeriodDaysMax*24*time.Hour:
		pr.Add("ends_on", "pairing.period_long", "max", PairingPeriodDaysMax)
	}
	if p.EveryDays < 1 || p.EveryDays > PairingEveryDaysMax {
		pr.Add("every_days", "pairing.every_days_range", "max", PairingEveryDaysMax)
	}
	if _, err := time.Parse("15:04", strings.TrimSpace(p.VisitTime)); err != nil {
		pr.Add("visit_time", "session.start_time_format")
	}
	if p.VisitMinutes < PairingVisitMinMin || p.VisitMinutes > PairingVisitMinMax {
		pr.Add("visit_minutes", "pairing.visit_minutes_range", "min", PairingVisitMinMin, "max", PairingVisitMinMax)
	}
	if p.VolunteersPerVisit < 1 || p.VolunteersPerVisit > PairingVolunteersMax {
		pr.Add("volunteers_per_visit", "pairing.volunteers_range", "max", PairingVolunteersMax)
	}
	if err := pr.Err(); err != nil {
		return err
	}
	if n := len(p.VisitTimes()); n > MaxSessions {
		pr.Add("every_days", "pairing.visits_too_many", "count", n, "max", MaxSessions)
	}
	return pr.Err()
}

// VisitTimes are the visits the pairing schedules: from StartsOn every EveryDays days
// through EndsOn, at VisitTime Beijing time for VisitMinutes. Call it on a valid pairing.
func (p *Pairing) VisitTimes() []ActivitySession {
	start, err1 := time.ParseInLocation("2006-01-02", p.StartsOn, Beijing)
	end, err2 := time.ParseInLocation("2006-01-02", p.EndsOn, Beijing)
	at, err3 := time.Parse("15:04", p.VisitTime)
	if err1 != nil || err2 != nil || err3 != nil || p.EveryDays < 1 {
		return nil
	}
	var out []ActivitySession
	for d := start; !d.After(end) && len(out) <= MaxSessions; d = d.AddDate(0, 0, p.EveryDays) {
		s := time.Date(d.Year(), d.Month(), d.Day(), at.Hour(), at.Minute(), 0, 0, Beijing)
		out = append(out, ActivitySession{StartsAt: s.UTC(), EndsAt: s.Add(time.Duration(p.VisitMinutes) * time.Minute).UTC(),
			Capacity: p.VolunteersPerVisit})
	}
	return out
}

// NoticePairingMissed is the kind (the senders' template) of the warning a community gets
// when a pairing's visit was missed.
const NoticePairingMissed = "pairing.missed"
