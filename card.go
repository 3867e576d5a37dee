package zhiyuan

import "time"

// The volunteer card (注册志愿者证): a volunteer applies online with a photo, the regional
// admin approves applications and gathers them into production batches (集中办理), the
// batch is printed and issued, and the card can later be reported lost, revoked or
// re-issued. Every step leaves a CardEvent the volunteer sees.

// CardApplicationStatus is where an application stands.
type CardApplicationStatus string

// Application statuses, in order. Submitted, approved, batched and printed are open: a
// volunteer has at most one open application at a time (the database enforces it).
const (
	AppSubmitted CardApplicationStatus = "submitted"
	AppApproved  CardApplicationStatus = "approved"
	AppRejected  CardApplicationStatus = "rejected"
	AppBatched   CardApplicationStatus = "batched"
	AppPrinted   CardApplicationStatus = "printed"
	AppIssued    CardApplicationStatus = "issued"
)

// Valid reports whether s is a known status.
func (s CardApplicationStatus) Valid() bool {
	switch s {
	case AppSubmitted, AppApproved, AppRejected, AppBatched, AppPrinted, AppIssued:
		return true
	}
	return false
}

// Chinese is the status as pages show it.
func (s CardApplicationStatus) Chinese() string {
	switch s {
	case AppSubmitted:
		return "待审核"
	case AppApproved:
		return "已通过，待制卡"
	case AppRejected:
		return "未通过"
	case AppBatched:
		return "制卡中"
	case AppPrinted:
		return "已印制，待发放"
	case AppIssued:
		return "已发放"
	}
	return string(s)
}

// CardDelivery is how a card reaches its holder.
type CardDelivery string

// Delivery methods.
const (
	DeliveryOrg     CardDelivery = "org"     // collected through an organisation
	DeliveryAddress CardDelivery = "address" // posted to an address
)

// Chinese is the delivery method as pages show it.
func (d CardDelivery) Chinese() string {
	switch d {
	case DeliveryOrg:
		return "经组织领取"
	case DeliveryAddress:
		return "邮寄到地址"
	}
	return string(d)
}

// CardApplicationKind tells a first application from a re-issue.
type CardApplicationKind string

// Application kinds.
const (
	KindNew     CardApplicationKind = "new"
	KindReissue CardApplicationKind = "reissue"
)

// CardApplication is one application for a card.
type CardApplication struct {
	ID              int64
	VolunteerID     int64
	Kind            CardApplicationKind
	RegionCode      string // the volunteer's county: who processes it
	PhotoID         int64
	Delivery        CardDelivery
	DeliveryOrgID   int64
	DeliveryAddress string
	Status          CardApplicationStatus
	Reason          string // why it was rejected
	BatchID         int64
	DecidedBy       int64
	DecidedAt       time.Time
	CreatedAt       time.Time
	UpdatedAt       time.Time

	// Filled by reads.
	VolunteerName   string
	VolunteerNo     string
	DeliveryOrgName string
	CardNumber      string // once the application is in a batch
}

// CardApplicationAddressMax bounds the delivery address, in characters.
const CardApplicationAddressMax = MaxAddressRunes

// CardReasonMax bounds rejection and revocation reasons, in characters.
const CardReasonMax = 200

// CardStatus is where a card stands. Only an active card verifies.
type CardStatus string

// Card statuses.
const (
	CardPending  CardStatus = "pending"  // numbered in a batch, not yet issued
	CardActive   CardStatus = "active"   // issued and valid
	CardLost     CardStatus = "lost"     // reported lost by its holder
	CardRevoked  CardStatus = "revoked"  // revoked by an admin
	CardReplaced CardStatus = "replaced" // superseded by a re-issued card
)

// Chinese is the status as pages show it.
func (s CardStatus) Chinese() string {
	switch s {
	case CardPending:
		return "制作中"
	case CardActive:
		return "有效"
	case CardLost:
		return "已挂失"
	case CardRevoked:
		return "已吊销"
	case CardReplaced:
		return "已补办新卡，原卡作废"
	}
	return string(s)
}

// Card is one volunteer card.
type Card struct {
	ID            int64
	Number        string
	VolunteerID   int64
	ApplicationID int64
	BatchID       int64
	RegionCode    string // the issuing region, also the number's first six digits
	PhotoID       int64
	Status        CardStatus
	Reason        string // why it was revoked
	IssuedAt      time.Time
	CreatedAt     time.Time
	UpdatedAt     time.Time

	// Filled by reads.
	VolunteerName string
	VolunteerNo   string
}

// Resource is what authorisation needs about a card: its issuing region.
func (c *Card) Resource() Resource { return Resource{RegionCode: c.RegionCode} }

// CardBatchStatus is where a production batch stands.
type CardBatchStatus string

// Batch statuses.
const (
	BatchCreated CardBatchStatus = "created"
	BatchPrinted CardBatchStatus = "printed"
	BatchIssued  CardBatchStatus = "issued"
)

// Chinese is the status as pages show it.
func (s CardBatchStatus) Chinese() string {
	switch s {
	case BatchCreated:
		return "待印制"
	case BatchPrinted:
		return "已印制"
	case BatchIssued:
		return "已发放"
	}
	return string(s)
}

// CardBatch is a production batch of cards.
type CardBatch struct {
	ID         int64
	RegionCode string // the scope of the admin who made it; every card in it lies inside
	Status     CardBatchStatus
	Count      int
	CreatedBy  int64
	CreatedAt  time.Time
	PrintedAt  time.Time
	IssuedAt   time.Time
}

// Resource is what authorisation needs about a batch.
func (b *CardBatch) Resource() Resource { return Resource{RegionCode: b.RegionCode} }

// CardEvent is one step in the life of an application or a card, shown to its volunteer.
type CardEvent struct {
	ID            int64
	VolunteerID   int64
	ApplicationID int64
	CardNumber    string
	Event         string // submitted, approved, rejected, batched, printed, issued, lost, revoked, replaced
	Detail        string
	ActorID       int64
	At            time.Time
}

// CardEventChinese names an event for pages.
func CardEventChinese(event string) string {
	switch event {
	case "submitted":
		return "提交申请"
	case "approved":
		return "审核通过"
	case "rejected":
		return "审核未通过"
	case "batched":
		return "进入制卡批次"
	case "printed":
		return "卡片已印制"
	case "issued":
		return "卡片已发放"
	case "lost":
		return "挂失"
	case "revoked":
		return "吊销"
	case "replaced":
		return "补办新卡，原卡作废"
	}
	return event
}
