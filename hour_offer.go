package zhiyuan

import (
	"strconv"
	"time"
)

// An hour offer (待志愿者确认) is a walk-in's attended time or a make-up (补录) that an
// organisation recorded for a volunteer who never signed up for the session. Nothing the
// volunteer asked to take part in backs it, so it does not enter the ledger until the
// volunteer accepts it: an admin cannot credit (or load a record with) hours a stranger
// never agreed to. While pending it counts nowhere (totals, star level, card, proofs,
// chain head); accepted, it is appended to the ledger as an ordinary entry awaiting the
// organisation's confirmation; disputed or expired it never counts. See docs/hours.md.

// OfferStatus is where an hour offer stands.
type OfferStatus string

// Offer statuses. Only pending changes, once, by a conditional UPDATE.
const (
	OfferPending  OfferStatus = "pending"  // waiting for the volunteer
	OfferAccepted OfferStatus = "accepted" // appended to the ledger (EntryID)
	OfferDisputed OfferStatus = "disputed" // the volunteer says it is wrong: never counts
	OfferExpired  OfferStatus = "expired"  // not answered within the recording window
)

// Chinese is the status as pages show it.
func (s OfferStatus) Chinese() string {
	switch s {
	case OfferPending:
		return "待志愿者确认"
	case OfferAccepted:
		return "志愿者已接受"
	case OfferDisputed:
		return "志愿者有异议"
	case OfferExpired:
		return "已过期未确认"
	}
	return string(s)
}

// HourOffer is an hour entry waiting for the volunteer's acceptance.
type HourOffer struct {
	ID            int64
	VolunteerID   int64
	SessionID     int64
	OrgID         int64
	Kind          HourKind // HourAttended (a walk-in's check-out) or HourMakeup
	Minutes       int64
	Reason        string // the make-up's reason, or why an attendance earned nothing
	AttendanceID  int64  // the walk-in's attendance row, 0 for a make-up
	RegionCode    string // the activity's region, for the ledger's pending list once accepted
	RecordedBy    int64
	RecordedAt    time.Time
	ExpiresAt     time.Time // the end of the recording window (RecordingDeadline)
	Status        OfferStatus
	DisputeReason string
	EntryID       int64 // the ledger entry, once accepted
	SettledAt     time.Time

	// Filled by reads.
	ActivityID      int64
	ActivityTitle   string
	OrgName         string
	SessionStartsAt time.Time
	SessionEndsAt   time.Time
	VolunteerName   string
	VolunteerNo     string
}

// Hours is the offer's minutes in hours, for display.
func (o *HourOffer) Hours() float64 { return MinutesToHours(o.Minutes) }

// Pending reports whether the offer still waits for the volunteer at now.
func (o *HourOffer) Pending(now time.Time) bool {
	return o.Status == OfferPending && now.Before(o.ExpiresAt)
}

// Notification kinds of hour offers.
const (
	NoticeHourOffer         = "hours.offer"          // to the volunteer: hours wait for your answer
	NoticeHourOfferAccepted = "hours.offer.accepted" // to the recorder
	NoticeHourOfferDisputed = "hours.offer.disputed" // to the recorder
)

// HourOfferNotice is the in-app message telling a volunteer that an organisation recorded
// hours for them that count only once they accept.
func HourOfferNotice(o *HourOffer, activityTitle, orgName string) Notification {
	body := Msg("notify.offer_makeup_body")
	if o.Kind == HourAttended {
		body = "notify.offer_walk_in_body"
	}
	return Notification{Kind: NoticeHourOffer, Link: "/me/hours#offers",
		Title: Text("notify.offer_title", "activity", activityTitle),
		Body: body.Render(Params{"org": orgName, "hours": FormatHours(o.Minutes),
			"deadline": o.ExpiresAt.In(Beijing).Format("2006-01-02 15:04")})}
}

// HourOfferAnswerNotice tells whoever recorded an offer how the volunteer answered it.
func HourOfferAnswerNotice(o *HourOffer, activityTitle, volunteerName string) Notification {
	n := Notification{Link: "/sessions/" + strconv.FormatInt(o.SessionID, 10) + "/attendance"}
	if o.Status == OfferAccepted {
		n.Kind, n.Title = NoticeHourOfferAccepted, Text("notify.offer_accepted_title", "activity", activityTitle)
		n.Body = Text("notify.offer_accepted_body", "name", volunteerName, "hours", FormatHours(o.Minutes))
	} else {
		n.Kind, n.Title = NoticeHourOfferDisputed, Text("notify.offer_disputed_title", "activity", activityTitle)
		n.Body = Text("notify.offer_disputed_body", "name", volunteerName, "hours", FormatHours(o.Minutes), "reason", o.DisputeReason)
	}
	return n
}
