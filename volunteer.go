package zhiyuan

import "time"

// IDType is the kind of identity document a volunteer registered with.
type IDType string

// Identity document types.
const (
	IDResident      IDType = "resident_id"     // 居民身份证 (GB 11643)
	IDHKMacaoPermit IDType = "hk_macao_permit" // 港澳居民来往内地通行证
	IDTaiwanPermit  IDType = "taiwan_permit"   // 台湾居民来往大陆通行证
	IDPassport      IDType = "passport"        // 护照
)

// VolunteerStatus is a volunteer's standing on the platform.
type VolunteerStatus string

// Volunteer statuses.
const (
	VolunteerActive VolunteerStatus = "active"
	VolunteerClosed VolunteerStatus = "closed" // closed by its owner; service records stay, personal data removed
)

// Volunteer is a registered volunteer: a real person behind one account. The identity
// number itself is never in this struct except while registering; it lives encrypted in
// the store and is shown masked (IDNumberMasked).
type Volunteer struct {
	ID              int64
	AccountID       int64
	VolunteerNo     string // the platform's own number, never derived from the identity number
	Name            string
	IDType          IDType
	IDNumberMasked  string
	Phone           string
	RegionCode      string // county-level region the volunteer serves in
	BirthDate       time.Time
	Sex             string // "male" or "female"
	Minor           bool   // under 18 at registration; see GuardianConsentAt
	PoliticalStatus string
	Skills          []string
	Categories      []string // service categories of interest (ServiceCategories codes)
	ServiceAreas    []string // region codes where the volunteer would like to serve
	Availability    Availability
	Email           string    // in clear only once App has opened Sealed, see SealedContact
	Address         string    // likewise
	Guardian        *Guardian // Name and Phone likewise; Relation and ConsentAt always
	Sealed          SealedContact
	Status          VolunteerStatus
	CreatedAt       time.Time
	UpdatedAt       time.Time
	// SuspendedUntil is when a suspension of sign-up by the credit record ends (zero:
	// none); read with what the sign-up rules need (credit.go).
	SuspendedUntil time.Time
}

// SealedContact is a volunteer's contact details as the store keeps them: AES-GCM
// ciphertexts (pii.Keys.Seal with the column's name as context), nil when empty. The store
// reads and writes only these; App seals the clear fields before writing and opens them
// into Email, Address and Guardian only for the volunteer themselves or an authorised
// admin, so every other reader of a volunteer (check-in, hours, lists) never holds them in
// clear.
type SealedContact struct {
	Email         []byte
	Address       []byte
	GuardianName  []byte
	GuardianPhone []byte
}

// Resource returns what authorisation needs to know about the volunteer's records: its
// region (for regional admins) and its owner account (for the volunteer itself).
func (v *Volunteer) Resource() Resource {
	return Resource{RegionCode: v.RegionCode, OwnerID: v.AccountID}
}

// ClosedName replaces the name of a volunteer who closed their account.
const ClosedName = "已注销志愿者"

// Guardian is the consent of a minor volunteer's guardian. Until ConsentAt is set a minor
// cannot sign up for anything.
type Guardian struct {
	Name      string
	Phone     string
	Relation  string
	ConsentAt time.Time
}

// HasConsent reports whether the volunteer may sign up as far as guardian consent goes.
func (v *Volunteer) HasConsent() bool {
	return !v.Minor || (v.Guardian != nil && !v.Guardian.ConsentAt.IsZero())
}

// AgeOn returns the volunteer's age in full years on the given day.
func (v *Volunteer) AgeOn(day time.Time) int {
	b := v.BirthDate
	age := day.Year() - b.Year()
	if day.Month() < b.Month() || (day.Month() == b.Month() && day.Day() < b.Day()) {
		age--
	}
	return age
}
