package zhiyuan

import (
	"math"
	"time"
)

// AttendanceMethod says how a check-in or check-out was recorded.
type AttendanceMethod string

// Attendance methods.
const (
	MethodCode   AttendanceMethod = "code"   // the volunteer scanned the organiser's rotating code
	MethodCard   AttendanceMethod = "card"   // the organiser scanned the volunteer's card
	MethodManual AttendanceMethod = "manual" // the organiser marked it by hand
)

// Valid reports whether m is a known method.
func (m AttendanceMethod) Valid() bool {
	return m == MethodCode || m == MethodCard || m == MethodManual
}

// Chinese is the method's name on pages.
func (m AttendanceMethod) Chinese() string {
	switch m {
	case MethodCode:
		return "扫码"
	case MethodCard:
		return "刷证"
	case MethodManual:
		return "手工登记"
	}
	return string(m)
}

// Attendance is one volunteer's presence at one session: at most one per volunteer and
// session (a unique index), checked in once and out once. Walk-ins (现场加入, no seat
// booked) are recorded by the organiser and marked as such.
type Attendance struct {
	ID             int64
	SessionID      int64
	VolunteerID    int64
	WalkIn         bool
	CheckinAt      time.Time
	CheckinMethod  AttendanceMethod
	CheckinBy      int64 // account that recorded it (the volunteer's own for a scan)
	CheckinDistM   int   // metres from the venue, -1 when no position was given
	CheckoutAt     time.Time
	CheckoutMethod AttendanceMethod
	CheckoutBy     int64
	CheckoutDistM  int
	EntryID        int64  // the attended hour entry made at check-out
	Minutes        int64  // service time the check-out earned
	Reason         string // why it earned nothing, when it did not
	// OfferID is the hour offer a check-out made instead of an entry: a walk-in with no
	// sign-up, whose time counts only once they accept it (see HourOffer).
	OfferID int64

	// Filled by reads for lists.
	VolunteerName string
	VolunteerNo   string
}

// AttendanceCounts are a session's live figures for the check-in screen.
type AttendanceCounts struct {
	Expected   int // admitted sign-ups: the session's SeatsTaken, the one count of 已录用
	CheckedIn  int // checked in, including those since checked out
	Present    int // checked in and not yet out
	CheckedOut int
	WalkIns    int
	NoShows    int
}

// ExpectedVolunteer is a confirmed sign-up of a session, with its attendance if any, for
// the organiser's roll call.
type ExpectedVolunteer struct {
	SignupID      int64
	VolunteerID   int64
	VolunteerName string
	VolunteerNo   string
	Status        SignupStatus
	CheckedIn     bool
}

// CheckedOut reports whether the volunteer has checked out.
func (a *Attendance) CheckedOut() bool { return !a.CheckoutAt.IsZero() }

// AttendanceRules bound when check-in and check-out are accepted.
type AttendanceRules struct {
	// CheckinEarly is how long before the start a volunteer may check in (default 1 h).
	CheckinEarly time.Duration
	// CheckoutLate is how long after the end a volunteer may still check out (default
	// 2 h); later, the organiser records it by hand.
	CheckoutLate time.Duration
}

// DefaultAttendanceRules are what a new platform runs with.
func DefaultAttendanceRules() AttendanceRules {
	return AttendanceRules{CheckinEarly: time.Hour, CheckoutLate: 2 * time.Hour}
}

// CheckCheckinTime decides whether a check-in at now is accepted for a session running
// from start to end: not more than rules.CheckinEarly before the start, and before the
// end. The refusal names the field "action".
func CheckCheckinTime(rules AttendanceRules, start, end, now time.Time, loc *time.Location) error {
	if loc == nil {
		loc = time.UTC
	}
	if now.Before(start.Add(-rules.CheckinEarly)) {
		return FieldFail(EInvalid, "action", "attendance.too_early", "starts", start.In(loc).Format("01-02 15:04"), "early", chineseDuration(rules.CheckinEarly))
	}
	if !now.Before(end) {
		return FieldFail(EInvalid, "action", "attendance.session_over")
	}
	return nil
}

// CheckCheckoutTime decides whether a check-out at now is accepted: after the check-in,
// and not later than rules.CheckoutLate after the end.
func CheckCheckoutTime(rules AttendanceRules, end, checkin, now time.Time) error {
	if !now.After(checkin) {
		return FieldFail(EInvalid, "action", "attendance.checkout_before_checkin")
	}
	if now.After(end.Add(rules.CheckoutLate)) {
		return FieldFail(EInvalid, "action", "attendance.checkout_too_late")
	}
	return nil
}

// earthRadiusM is the mean Earth radius used by the haversine formula.
const earthRadiusM = 6371008.8

// DistanceMeters returns the great-circle distance between two WGS-84 points, by the
// haversine formula (accurate to well under a metre at check-in distances).
func DistanceMeters(lat1, lng1, lat2, lng2 float64) float64 {
	rad := math.Pi / 180
	dLat := (lat2 - lat1) * rad
	dLng := (lng2 - lng1) * rad
	h := math.Sin(dLat/2)*math.Sin(dLat/2) + math.Cos(lat1*rad)*math.Cos(lat2*rad)*math.Sin(dLng/2)*math.Sin(dLng/2)
	return 2 * earthRadiusM * math.Asin(math.Min(1, math.Sqrt(h)))
}

// CheckGeofence decides whether a position is close enough to the activity's venue. pos
// is nil when the client sent no position. It returns the distance in whole metres (-1
// when unknown) and, when the activity has a check-in radius and the position is missing
// or outside it, a 422 naming lat and lng.
func CheckGeofence(a *Activity, pos *[2]float64) (distM int, err error) {
	if pos != nil {
		lat, lng := pos[0], pos[1]
		if math.IsNaN(lat) || math.IsNaN(lng) || lat < -90 || lat > 90 || lng < -180 || lng > 180 {
			p := Problems{}
			p.Add("lat", "geo.lat_range")
			p.Add("lng", "geo.lng_range")
			return -1, p.ErrWith("geo.position_invalid")
		}
	}
	if !a.HasCoords() || pos == nil {
		if a.CheckinRadiusM > 0 && a.HasCoords() {
			p := Problems{}
			p.Add("lat", "geo.position_required")
			p.Add("lng", "geo.position_required")
			return -1, p.ErrWith("geo.position_required")
		}
		return -1, nil
	}
	d := DistanceMeters(a.Lat, a.Lng, pos[0], pos[1])
	distM = int(math.Round(d))
	if a.CheckinRadiusM > 0 && d > float64(a.CheckinRadiusM) {
		p := Problems{}
		p.Add("lat", "geo.too_far", "distance", distM, "radius", a.CheckinRadiusM)
		p.Add("lng", "geo.too_far", "distance", distM, "radius", a.CheckinRadiusM)
		return distM, p.ErrWith("geo.too_far", "distance", distM, "radius", a.CheckinRadiusM)
	}
	return distM, nil
}

// HourTotals are one volunteer's running totals, kept by the store in the same
// transaction as every entry and confirmation, so reading them never sums the ledger.
type HourTotals struct {
	VolunteerID      int64
	ConfirmedMinutes int64
	PendingMinutes   int64
	LastSeq          int64
	HeadHash         []byte // hash of the last entry: the chain head shown on proofs
	UpdatedAt        time.Time
}

// StarLevel is the star level of the confirmed total.
func (t *HourTotals) StarLevel() int { return StarLevel(t.ConfirmedMinutes) }

// DisputeStatus is where a volunteer's dispute of an entry stands.
type DisputeStatus string

// Dispute statuses.
const (
	DisputeOpen     DisputeStatus = "open"
	DisputeResolved DisputeStatus = "resolved" // upheld: usually with a correction entry
	DisputeRejected DisputeStatus = "rejected" // the organisation keeps the entry as it is
)

// Chinese is the status's name on pages.
func (s DisputeStatus) Chinese() string {
	switch s {
	case DisputeOpen:
		return "处理中"
	case DisputeResolved:
		return "已更正"
	case DisputeRejected:
		return "维持原记录"
	}
	return string(s)
}

// HourDispute is a volunteer's objection to one of their entries, resolved by the
// organisation that recorded it (谁记录谁证明).
type HourDispute struct {
	ID           int64
	EntryID      int64
	VolunteerID  int64
	OrgID        int64
	Reason       string
	Status       DisputeStatus
	Resolution   string
	CorrectionID int64 // the correction entry made when upheld, if any
	ResolvedBy   int64
	ResolvedAt   time.Time
	CreatedAt    time.Time

	// Filled by reads.
	EntryMinutes  int64
	VolunteerName string
	ActivityTitle string
}
