package zhiyuan

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// OrgStatus is where an organisation stands in its approval.
type OrgStatus string

// Organisation statuses.
const (
	OrgPending  OrgStatus = "pending"
	OrgApproved OrgStatus = "approved"
	OrgRejected OrgStatus = "rejected"
)

// Valid reports whether s is one of the known statuses.
func (s OrgStatus) Valid() bool {
	return s == OrgPending || s == OrgApproved || s == OrgRejected
}

// Chinese is the status's name on pages.
func (s OrgStatus) Chinese() string {
	switch s {
	case OrgPending:
		return "待审核"
	case OrgApproved:
		return "已通过"
	case OrgRejected:
		return "未通过"
	}
	return string(s)
}

// OrgTypes are the kinds of organisation a registrant chooses from, in the order the
// form shows them. The last, 其他, catches everything else.
var OrgTypes = []string{"团委", "高校", "中小学", "社会组织", "企事业单位", "社区", "志愿服务队", "其他"}

// ValidOrgType reports whether t is one of OrgTypes.
func ValidOrgType(t string) bool {
	for _, v := range OrgTypes {
		if v == t {
			return true
		}
	}
	return false
}

// Organization is a registered volunteer organisation in the region tree; organisations
// nest (校团委 → 学院团委 → 班级团支部), and an admin of a parent manages its children.
type Organization struct {
	ID           int64
	Name         string
	Type         string
	RegionCode   string
	ParentID     int64   // 0 for a top-level organisation
	ParentName   string  // filled by look-ups that join the parent
	Ancestors    []int64 // parent first, up to the root
	CreditCode   string  // unified social credit code, optional
	ContactName  string
	ContactPhone string
	Description  string
	Status       OrgStatus
	RejectReason string
	MemberCount  int
	CreatedBy    int64 // the account that registered it (its first admin)
	CreatedAt    time.Time
	DecidedAt    time.Time // when it was approved or rejected
	DecidedBy    int64
}

// Resource returns what authorisation needs to know about the organisation.
func (o *Organization) Resource() Resource {
	return Resource{RegionCode: o.RegionCode, OrgID: o.ID, OrgAncestors: o.Ancestors}
}

// ValidateOrgText checks the organisation's own text fields (everything that needs no
// look-up: name, type, contact name, description) after trimming them in place, and adds
// a Chinese message per bad field to p. Region, parent, credit code and phone need the
// region tree and other packages and are checked by the application.
func ValidateOrgText(o *Organization, p Problems) {
	o.Name = strings.TrimSpace(o.Name)
	o.Type = strings.TrimSpace(o.Type)
	o.ContactName = strings.TrimSpace(o.ContactName)
	o.Description = strings.TrimSpace(o.Description)
	switch n := utf8.RuneCountInString(o.Name); {
	case n == 0:
		p.Add("name", "org.name_required")
	case n < 2:
		p.Add("name", "org.name_short")
	case n > OrgNameMax:
		p.Add("name", "org.name_long", "max", strconv.Itoa(OrgNameMax))
	}
	if o.Type == "" {
		p.Add("type", "org.type_required")
	} else if !ValidOrgType(o.Type) {
		p.Add("type", "org.type_unknown", "types", strings.Join(OrgTypes, "、"))
	}
	switch n := utf8.RuneCountInString(o.ContactName); {
	case n == 0:
		p.Add("contact_name", "org.contact_name_required")
	case n > MaxContactNameRunes:
		p.Add("contact_name", "org.contact_name_long", "max", strconv.Itoa(MaxContactNameRunes))
	}
	if utf8.RuneCountInString(o.Description) > OrgDescriptionMax {
		p.Add("description", "org.description_long", "max", strconv.Itoa(OrgDescriptionMax))
	}
}

// ChildRegionAllowed reports whether an organisation in region child may sit below one in
// region parent. The child must lie within the parent's region; a parent registered at
// county level is widened to its city, because a university or a company works across
// the districts of its city (校区 in 番禺 under a 校团委 in 海珠) and those still belong to
// it. Both codes are canonical six-digit codes.
func ChildRegionAllowed(parent, child string) bool {
	scope := ScopePrefix(parent)
	if len(scope) == 6 {
		scope = scope[:4]
	}
	if scope == "" || child == "" {
		return false
	}
	return strings.HasPrefix(child, scope)
}

// OrgPath is the materialised path of an organisation: its ancestors' ids and its own,
// root first, each followed by a slash ("/1/5/9/"). Every descendant's path starts with
// it, so "this organisation and everything below it" is one range on an index.
func OrgPath(parentPath string, id int64) string {
	if parentPath == "" {
		parentPath = "/"
	}
	return parentPath + strconv.FormatInt(id, 10) + "/"
}

// PathAncestors returns the ancestors recorded in a materialised path, nearest first,
// leaving out the organisation itself (the last element). A malformed path gives nil.
func PathAncestors(path string) []int64 {
	parts := strings.Split(strings.Trim(path, "/"), "/")
	if len(parts) <= 1 {
		return nil
	}
	out := make([]int64, 0, len(parts)-1)
	for i := len(parts) - 2; i >= 0; i-- {
		id, err := strconv.ParseInt(parts[i], 10, 64)
		if err != nil || id <= 0 {
			return nil
		}
		out = append(out, id)
	}
	return out
}

// MemberStatus is where a volunteer stands in an organisation.
type MemberStatus string

// Membership statuses.
const (
	MemberPending  MemberStatus = "pending"
	MemberApproved MemberStatus = "approved"
	MemberRejected MemberStatus = "rejected"
	MemberLeft     MemberStatus = "left"
)

// Valid reports whether s is one of the known statuses.
func (s MemberStatus) Valid() bool {
	switch s {
	case MemberPending, MemberApproved, MemberRejected, MemberLeft:
		return true
	}
	return false
}

// Chinese is the status's name on pages.
func (s MemberStatus) Chinese() string {
	switch s {
	case MemberPending:
		return "待审核"
	case MemberApproved:
		return "已加入"
	case MemberRejected:
		return "未通过"
	case MemberLeft:
		return "已退出"
	}
	return string(s)
}

// Membership is one volunteer's place in one organisation. A volunteer may belong to
// several organisations; there is one membership per organisation and volunteer, whose
// status moves pending → approved or rejected, and approved → left.
type Membership struct {
	ID          int64
	OrgID       int64
	VolunteerID int64
	Status      MemberStatus
	Role        string // "member" for now; room for 队长 and the like
	AppliedAt   time.Time
	DecidedAt   time.Time
	DecidedBy   int64

	// Filled by lists that join the volunteer or the organisation.
	VolunteerName string
	VolunteerNo   string
	Phone         string // shown masked
	OrgName       string
}

// MemberFilter selects members of one organisation for an admin's list. The list is
// ordered by membership id and continues after the cursor, so a page costs the same on
// page one and page ten thousand.
type MemberFilter struct {
	OrgID  int64
	Status MemberStatus // "" for every status
	Query  string       // prefix of the name or of the volunteer number
	After  int64        // cursor: memberships with ID above this
	Limit  int
}

// OrgFilter selects organisations for the directory and for admins' lists.
type OrgFilter struct {
	Status       OrgStatus // "" means approved for the public directory
	RegionPrefix string    // a region code prefix (ScopePrefix of the region asked for)
	Type         string
	Query        string // part of the name
	ParentID     int64
	After        int64 // cursor: organisations with ID above this
	Limit        int

	// Scope limits the list to what an admin may see; nil means no limit beyond Status
	// (the public directory, which shows approved organisations only).
	Scope *OrgScope
}

// OrgScope is the union of what an admin oversees: regions by code prefix and
// organisation subtrees by materialised path. All is the platform admin.
type OrgScope struct {
	All            bool
	RegionPrefixes []string
	OrgIDs         []int64 // organisations administered; each brings its subtree
}
