package zhiyuan

import (
	"strings"
	"time"
	"unicode/utf8"
)

// Accident insurance (意外保险): an organisation records its policies; an activity can
// require insurance, and then it is published only when policies of its organisation
// cover every one of its sessions (the store checks it in the publishing transaction).

// Limits of a policy's fields.
const (
	MaxInsurerRunes   = 60
	MaxPolicyNoLen    = 40  // bytes: policy numbers are letters, digits and dashes
	MaxPolicyListed   = 200 // activities a policy lists
	MaxPolicyInsured  = 2000
	MaxPolicyCoverAge = 5 * 366 * 24 * time.Hour // the longest cover a policy records
	PoliciesPageMax   = 200
)

// ReasonInsurance is the field a publication refused for want of cover names (422).
const ReasonInsurance = "insurance"

// InsurancePolicy is one accident insurance policy of an organisation. Cover runs from
// the start of CoverStart to the end of CoverEnd, Beijing time (the days printed on the
// policy); it covers every activity of the organisation (AllActivities) or those listed,
// and, when InsuredVolunteers is not empty, only those volunteers.
type InsurancePolicy struct {
	ID                int64
	OrgID             int64
	Insurer           string
	PolicyNo          string
	CoverStart        time.Time // a date (midnight UTC of the day)
	CoverEnd          time.Time // a date, inclusive
	AllActivities     bool
	ActivityIDs       []int64
	InsuredVolunteers []int64
	NamedOnly         bool // covers only the volunteers named (InsuredVolunteers may be withheld from a reader)
	CreatedBy         int64
	CreatedAt         time.Time
}

// CoverFrom is the first instant covered: the start of CoverStart in Beijing time.
func (p *InsurancePolicy) CoverFrom() time.Time {
	return time.Date(p.CoverStart.Year(), p.CoverStart.Month(), p.CoverStart.Day(), 0, 0, 0, 0, LoadZone(DefaultTimeZone)).UTC()
}

// CoverUntil is the first instant no longer covered: the end of CoverEnd in Beijing time.
func (p *InsurancePolicy) CoverUntil() time.Time {
	return time.Date(p.CoverEnd.Year(), p.CoverEnd.Month(), p.CoverEnd.Day()+1, 0, 0, 0, 0, LoadZone(DefaultTimeZone)).UTC()
}

// Validate checks a policy as typed, naming each bad field.
func (p *InsurancePolicy) Validate() error {
	pr := Problems{}
	p.Insurer = strings.TrimSpace(p.Insurer)
	p.PolicyNo = strings.TrimSpace(p.PolicyNo)
	switch {
	case p.Insurer == "":
		pr.Add("insurer", "insurance.insurer_required")
	case utf8.RuneCountInString(p.Insurer) > MaxInsurerRunes:
		pr.Add("insurer", "insurance.insurer_long", "max", MaxInsurerRunes)
	}
	switch {
	case p.PolicyNo == "":
		pr.Add("policy_no", "insurance.policy_no_required")
	case len(p.PolicyNo) > MaxPolicyNoLen || strings.ContainsFunc(p.PolicyNo, func(r rune) bool {
		return !(r == '-' || r >= '0' && r <= '9' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z')
	}):
		pr.Add("policy_no", "insurance.policy_no_format", "max", MaxPolicyNoLen)
	}
	switch {
	case p.CoverStart.IsZero():
		pr.Add("cover_start", "insurance.date_required")
	case p.CoverEnd.IsZero():
		pr.Add("cover_end", "insurance.date_required")
	case p.CoverEnd.Before(p.CoverStart):
		pr.Add("cover_end", "insurance.end_before_start")
	case p.CoverEnd.Sub(p.CoverStart) > MaxPolicyCoverAge:
		pr.Add("cover_end", "insurance.too_long", "years", 5)
	}
	if !p.AllActivities && len(p.ActivityIDs) == 0 {
		pr.Add("activity_ids", "insurance.activities_required")
	}
	if len(p.ActivityIDs) > MaxPolicyListed {
		pr.Add("activity_ids", "insurance.too_many", "max", MaxPolicyListed)
	}
	if len(p.InsuredVolunteers) > MaxPolicyInsured {
		pr.Add("volunteer_ids", "insurance.too_many", "max", MaxPolicyInsured)
	}
	return pr.Err()
}

// ActivityInsurance is what an activity's page says about insurance: whether the
// activity requires it and the policies that cover it. For a reader who does not manage
// the organisation, policies carry no policy number and InsuredVolunteers holds at most
// the reader's own id (Insured says whether they are covered).
type ActivityInsurance struct {
	Required bool
	Policies []*InsurancePolicy
	Insured  bool // the reader (a volunteer) is covered by one of the policies
}
