package zhiyuan

import "time"

// OrgStatus is where an organisation stands in its approval.
type OrgStatus string

// Organisation statuses.
const (
	OrgPending  OrgStatus = "pending"
	OrgApproved OrgStatus = "approved"
	OrgRejected OrgStatus = "rejected"
)

// Organization is a registered volunteer organisation in the region tree; organisations
// nest (校团委 → 学院团委 → 班级团支部), and an admin of a parent manages its children.
type Organization struct {
	ID           int64
	Name         string
	Type         string
	RegionCode   string
	ParentID     int64   // 0 for a top-level organisation
	Ancestors    []int64 // parent first, up to the root
	CreditCode   string  // unified social credit code, optional
	ContactName  string
	ContactPhone string
	Description  string
	Status       OrgStatus
	RejectReason string
	MemberCount  int
	CreatedAt    time.Time
}

// Resource returns what authorisation needs to know about the organisation.
func (o *Organization) Resource() Resource {
	return Resource{RegionCode: o.RegionCode, OrgID: o.ID, OrgAncestors: o.Ancestors}
}
