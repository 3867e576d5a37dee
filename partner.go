package zhiyuan

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Partners (联合激励单位) and their benefits (权益): the joint incentives of 守信联合激励.
// A partner applies like an organisation and is approved by a city or the province; its
// admin adds staff accounts; staff check volunteers at the gate and record each use. The
// rules below (eligibility kinds, price rules, limits, lifetimes) are defined here once and
// read by the store, the application, the pages, the API and the tests.

// Partner limits and lifetimes.
const (
	// A benefit's title and a partner's name.
	MaxPartnerNameRunes  = 100
	MaxBenefitTitleRunes = 100
	// A benefit's description (what is offered, how to use it).
	MaxBenefitDescriptionRunes = 2000
	// A benefit's stock: at most this many units (the stock rush test uses 100).
	MaxBenefitStock = 1_000_000
	// A per-volunteer limit: at most this many uses per period.
	MaxBenefitLimit = 100
	// RecentHoursWindow is the "last 12 months" of the recent-hours condition.
	RecentHoursWindow = 365 * 24 * time.Hour
	// MaxRecentHours bounds the hours a benefit can ask for in the window.
	MaxRecentHours = 2000
	// ClaimTTL is how long a redemption code stays valid after it is claimed (never past
	// the benefit's own end). An unused code that expires keeps its unit of stock: the
	// partner planned for it, and giving it back would let one person hold units in turn.
	ClaimTTL = 7 * 24 * time.Hour
	// BenefitListMax is how many benefits one list shows at most.
	BenefitListMax = 200
	// NearKm is the default radius of "near me".
	NearKm = 20.0
)

// BenefitCategories are the kinds of benefit, in the order the forms show them.
var BenefitCategories = []string{"景区", "文化场馆", "交通出行", "餐饮", "商超购物", "金融服务", "医疗健康", "教育培训", "其他"}

// ValidBenefitCategory reports whether c is one of BenefitCategories.
func ValidBenefitCategory(c string) bool {
	for _, v := range BenefitCategories {
		if v == c {
			return true
		}
	}
	return false
}

// Partner is a partner unit (联合激励单位): a scenic spot, museum, transport company, shop
// or bank granting benefits to volunteers. It goes through the same approval as an
// organisation (OrgStatus), decided by a regional admin whose region holds it.
type Partner struct {
	ID           int64
	Name         string
	CreditCode   string // unified social credit code (GB 32100), required
	RegionCode   string
	ContactName  string
	ContactPhone string
	Status       OrgStatus
	RejectReason string
	CreatedBy    int64 // the applicant, its first admin
	CreatedAt    time.Time
	DecidedAt    time.Time
	DecidedBy    int64
}

// Resource returns what authorisation needs to know about the partner.
func (p *Partner) Resource() Resource {
	return Resource{RegionCode: p.RegionCode, PartnerID: p.ID}
}

// PartnerStaff is one account of a partner: its admins add and remove staff and publish
// benefits; staff check volunteers at the gate.
type PartnerStaff struct {
	AccountID int64
	Name      string
	Phone     string // shown masked
	Admin     bool
	Since     time.Time
}

// EligibilityKind is one kind of condition a benefit sets. A new kind (the credit
// record's "good standing") is one more constant here, one more case in Check and one in
// Describe, and what it reads in app.standingFor; the store keeps the kind and its one
// number as they are.
type EligibilityKind string

// Condition kinds.
const (
	EligibleStars        EligibilityKind = "stars"         // at least Value stars (StarLevel)
	EligibleCardHolder   EligibilityKind = "card_holder"   // holds an active volunteer card
	EligibleRecentHours  EligibilityKind = "recent_hours"  // at least Value confirmed minutes in RecentHoursWindow
	EligibleGoodStanding EligibilityKind = "good_standing" // in good standing on the credit record (CreditStanding.Good)
)

// EligibilityKinds lists the kinds in the order the forms show them.
var EligibilityKinds = []EligibilityKind{EligibleStars, EligibleCardHolder, EligibleRecentHours, EligibleGoodStanding}

// Valid reports whether k is a known kind.
func (k EligibilityKind) Valid() bool {
	for _, v := range EligibilityKinds {
		if v == k {
			return true
		}
	}
	return false
}

// Chinese names the kind on forms.
func (k EligibilityKind) Chinese() string {
	switch k {
	case EligibleStars:
		return "星级"
	case EligibleCardHolder:
		return "持有志愿者证"
	case EligibleRecentHours:
		return "近12个月服务时长"
	case EligibleGoodStanding:
		return "信用良好"
	}
	return string(k)
}

// BenefitCondition is a benefit's condition: a kind and its one number (stars for
// EligibleStars, minutes for EligibleRecentHours, unused for EligibleCardHolder and
// EligibleGoodStanding).
type BenefitCondition struct {
	Kind  EligibilityKind
	Value int64
}

// Standing is what the platform knows of a volunteer when a benefit's condition is
// checked: the star level, whether they hold an active card and their confirmed minutes in
// the last RecentHoursWindow. It never leaves the application: the gate is told only the
// answer and the star level.
type Standing struct {
	StarLevel     int
	CardHolder    bool
	RecentMinutes int64
	Credit        CreditStanding // the credit record's standing (credit.go)
}

// Check says whether s meets e, and when not, why, in the catalogue's words ("还差12.5小时").
func (e BenefitCondition) Check(s Standing) (ok bool, reason string) {
	switch e.Kind {
	case EligibleStars:
		if int64(s.StarLevel) >= e.Value {
			return true, ""
		}
		return false, Text("benefit.need_stars", "stars", e.Value, "have", s.StarLevel)
	case EligibleCardHolder:
		if s.CardHolder {
			return true, ""
		}
		return false, Text("benefit.need_card")
	case EligibleRecentHours:
		if s.RecentMinutes >= e.Value {
			return true, ""
		}
		return false, Text("benefit.need_hours", "hours", FormatHours(e.Value-s.RecentMinutes))
	case EligibleGoodStanding:
		// The reason names what stands in the way, in the order a volunteer can act on it.
		switch c := s.Credit; {
		case c.Good:
			return true, ""
		case !c.SuspendedUntil.IsZero():
			return false, Text("benefit.need_standing_suspended")
		case c.RecentMarks > 0:
			return false, Text("benefit.need_standing_marks", "marks", c.RecentMarks)
		default:
			return false, Text("benefit.need_standing_stars", "stars", CreditStandingStars)
		}
	}
	return false, Text("benefit.rule_unknown")
}

// Describe states the condition for volunteers and partners.
func (e BenefitCondition) Describe() string {
	switch e.Kind {
	case EligibleStars:
		if e.Value == 0 {
			return Text("benefit.rule_everyone")
		}
		return Text("benefit.rule_stars", "stars", e.Value)
	case EligibleCardHolder:
		return Text("benefit.rule_card")
	case EligibleGoodStanding:
		return Text("benefit.rule_standing", "stars", CreditStandingStars)
	case EligibleRecentHours:
		return Text("benefit.rule_hours", "hours", FormatHours(e.Value))
	}
	return string(e.Kind)
}

// PriceRule is the share of the full price a volunteer pays, in percent, by star level
// (index 0 for no star to 5 for five stars): 80/70/60/50 % for one to four stars and free
// at five is {100, 80, 70, 60, 50, 0}.
type PriceRule [MaxStarLevel + 1]int

// DefaultPriceRule is the usual scenic-spot rule.
var DefaultPriceRule = PriceRule{100, 80, 70, 60, 50, 0}

// ParsePriceRule reads "100,80,70,60,50,0" (six percentages, no star to five stars).
func ParsePriceRule(s string) (PriceRule, bool) {
	var r PriceRule
	parts := strings.Split(strings.ReplaceAll(strings.TrimSpace(s), "，", ","), ",")
	if len(parts) != len(r) {
		return r, false
	}
	for i, p := range parts {
		n, err := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(p), "%")))
		if err != nil || n < 0 || n > 100 {
			return r, false
		}
		r[i] = n
	}
	return r, true
}

// String is the stored and typed form, "100,80,70,60,50,0".
func (r PriceRule) String() string {
	parts := make([]string, len(r))
	for i, n := range r {
		parts[i] = strconv.Itoa(n)
	}
	return strings.Join(parts, ",")
}

// For returns the percentage that applies at a star level.
func (r PriceRule) For(stars int) int {
	if stars < 0 {
		stars = 0
	}
	if stars > MaxStarLevel {
		stars = MaxStarLevel
	}
	return r[stars]
}

// Describe says what a volunteer at a star level pays: 免费, 原价 or 8折.
func (r PriceRule) Describe(stars int) string {
	switch pct := r.For(stars); {
	case pct == 0:
		return Text("benefit.price_free")
	case pct == 100:
		return Text("benefit.price_full")
	default:
		return Text("benefit.price_percent", "percent", pct)
	}
}

// LimitPeriod is the period a per-volunteer limit counts in.
type LimitPeriod string

// Limit periods.
const (
	PeriodDay   LimitPeriod = "day"
	PeriodMonth LimitPeriod = "month"
	PeriodYear  LimitPeriod = "year"
	PeriodEver  LimitPeriod = "ever" // as long as the benefit lasts
)

// LimitPeriods lists the periods in the order the forms show them.
var LimitPeriods = []LimitPeriod{PeriodDay, PeriodMonth, PeriodYear, PeriodEver}

// Valid reports whether p is a known period.
func (p LimitPeriod) Valid() bool {
	return p == PeriodDay || p == PeriodMonth || p == PeriodYear || p == PeriodEver
}

// Chinese names the period ("每月").
func (p LimitPeriod) Chinese() string {
	switch p {
	case PeriodDay:
		return "每天"
	case PeriodMonth:
		return "每月"
	case PeriodYear:
		return "每年"
	case PeriodEver:
		return "活动期间"
	}
	return string(p)
}

// Key names the period that holds t in Beijing time ("2026-12", "2026-12-06", "2026",
// "ever"): the per-volunteer count is kept per key, so a new month starts a new count.
func (p LimitPeriod) Key(t time.Time) string {
	t = t.In(Beijing)
	switch p {
	case PeriodDay:
		return t.Format("2006-01-02")
	case PeriodMonth:
		return t.Format("2006-01")
	case PeriodYear:
		return t.Format("2006")
	}
	return "ever"
}

// Benefit is one offer of a partner.
type Benefit struct {
	ID          int64
	PartnerID   int64
	PartnerName string // filled by reads that join the partner
	Title       string
	Description string
	Category    string
	RegionCode  string
	Address     string
	Lat, Lng    float64 // 0, 0 when the place has no coordinates
	ValidFrom   time.Time
	ValidUntil  time.Time // exclusive
	Condition   BenefitCondition
	Price       PriceRule
	LimitCount  int         // uses per volunteer per LimitPeriod; 0 for no limit
	LimitPeriod LimitPeriod // with LimitCount
	Stock       int         // total units; 0 for no stock limit
	StockLeft   int         // units not yet claimed (Stock > 0 only)
	CreatedBy   int64
	CreatedAt   time.Time
}

// Limited reports whether the benefit has a total stock.
func (b *Benefit) Limited() bool { return b.Stock > 0 }

// Open reports whether the benefit can be claimed or used at now.
func (b *Benefit) Open(now time.Time) bool {
	return !now.Before(b.ValidFrom) && now.Before(b.ValidUntil)
}

// ValidateBenefit checks a benefit as its partner typed it, every bad field at once.
func ValidateBenefit(b *Benefit, probs Problems) {
	b.Title = strings.TrimSpace(b.Title)
	b.Description = strings.TrimSpace(b.Description)
	b.Address = strings.TrimSpace(b.Address)
	switch n := utf8.RuneCountInString(b.Title); {
	case n == 0:
		probs.Add("title", "benefit.title_required")
	case n > MaxBenefitTitleRunes:
		probs.Add("title", "benefit.title_long", "max", MaxBenefitTitleRunes)
	}
	if utf8.RuneCountInString(b.Description) > MaxBenefitDescriptionRunes {
		probs.Add("description", "benefit.description_long", "max", MaxBenefitDescriptionRunes)
	}
	if !ValidBenefitCategory(b.Category) {
		probs.Add("category", "benefit.category_unknown", "categories", strings.Join(BenefitCategories, "、"))
	}
	if utf8.RuneCountInString(b.Address) > MaxAddressRunes {
		probs.Add("address", "benefit.address_long", "max", MaxAddressRunes)
	}
	if b.Lat < -90 || b.Lat > 90 || b.Lng < -180 || b.Lng > 180 {
		probs.Add("lat", "benefit.coords_range")
	}
	switch {
	case b.ValidFrom.IsZero():
		probs.Add("valid_from", "benefit.dates_required")
	case b.ValidUntil.IsZero():
		probs.Add("valid_until", "benefit.dates_required")
	case !b.ValidUntil.After(b.ValidFrom):
		probs.Add("valid_until", "benefit.dates_order")
	}
	switch b.Condition.Kind {
	case EligibleStars:
		if b.Condition.Value < 0 || b.Condition.Value > int64(MaxStarLevel) {
			probs.Add("min_stars", "benefit.stars_range", "max", MaxStarLevel)
		}
	case EligibleCardHolder, EligibleGoodStanding:
		b.Condition.Value = 0
	case EligibleRecentHours:
		if b.Condition.Value <= 0 || b.Condition.Value > MaxRecentHours*60 {
			probs.Add("min_hours", "benefit.hours_range", "max", MaxRecentHours)
		}
	default:
		probs.Add("eligibility", "benefit.eligibility_unknown")
	}
	if b.LimitCount < 0 || b.LimitCount > MaxBenefitLimit {
		probs.Add("limit_count", "benefit.limit_range", "max", MaxBenefitLimit)
	}
	if b.LimitCount > 0 && !b.LimitPeriod.Valid() {
		probs.Add("limit_period", "benefit.period_unknown")
	}
	if b.LimitCount == 0 {
		b.LimitPeriod = PeriodEver
	}
	if b.Stock < 0 || b.Stock > MaxBenefitStock {
		probs.Add("stock", "benefit.stock_range", "max", MaxBenefitStock)
	}
	b.StockLeft = b.Stock
}

// BenefitClaim is one claim of a benefit by a volunteer: a unit of stock held and a
// redemption code that partner staff scan. Its code is used at most once.
type BenefitClaim struct {
	ID          int64
	BenefitID   int64
	VolunteerID int64
	PeriodKey   string
	ClaimedAt   time.Time
	ExpiresAt   time.Time
	UsedAt      time.Time // zero until used
}

// BenefitUse is one use recorded at the gate: which benefit, for whom, by which staff
// account, when, at what price, from which claim.
type BenefitUse struct {
	ID           int64
	BenefitID    int64
	BenefitTitle string
	PartnerName  string
	VolunteerID  int64
	ClaimID      int64
	StaffID      int64
	StarLevel    int
	PricePercent int
	UsedAt       time.Time
}
