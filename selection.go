package zhiyuan

import (
	"strings"
	"time"
	"unicode/utf8"
)

// Exemplary people (身边雷锋, issue 16): a campaign's selection. Organisations and regional
// admins nominate a volunteer, an organisation, a project or a community with a story; a
// volunteer consents to being nominated (a minor's guardian does); reviewers up the region
// chain approve, return or reject; published candidates are liked by the public, at most
// once per candidate per Beijing day and LikesPerDay likes a day in all; the organiser
// voids suspicious likes and publishes results, likes and the jury's decision side by
// side. The rules live here; pages, API, store and tests read them. See docs/selections.md.

// SelectionCategory is one category of a selection; it decides what kind of nominee it takes.
type SelectionCategory string

// The categories of the Lei Feng month's selection.
const (
	SelVolunteer SelectionCategory = "volunteer" // 最美志愿者
	SelOrg       SelectionCategory = "org"       // 最佳志愿服务组织
	SelProject   SelectionCategory = "project"   // 最佳志愿服务项目
	SelCommunity SelectionCategory = "community" // 最美志愿服务社区
)

// SelectionCategories lists the categories in the order forms and result lists show them.
var SelectionCategories = []SelectionCategory{SelVolunteer, SelOrg, SelProject, SelCommunity}

// Valid reports whether c is a known category.
func (c SelectionCategory) Valid() bool {
	switch c {
	case SelVolunteer, SelOrg, SelProject, SelCommunity:
		return true
	}
	return false
}

// Chinese is the category's title.
func (c SelectionCategory) Chinese() string {
	switch c {
	case SelVolunteer:
		return "最美志愿者"
	case SelOrg:
		return "最佳志愿服务组织"
	case SelProject:
		return "最佳志愿服务项目"
	case SelCommunity:
		return "最美志愿服务社区"
	}
	return string(c)
}

// NeedsConsent reports whether a nominee of the category is a person, who must consent
// before the nomination can be published (a minor through the guardian).
func (c SelectionCategory) NeedsConsent() bool { return c == SelVolunteer }

// Review levels of a selection's chain, from the nominee's district up.
const (
	LevelNameDistrict = "district"
	LevelNameCity     = "city"
	LevelNameProvince = "province"
)

// Limits of a selection, shared by pages, API, store and tests.
const (
	// A nomination's story (事迹): the notice asks for up to 2,000 characters.
	NominationStoryMax = 2000
	// A nominee named by text (a community): the length of an organisation's name.
	NomineeNameMax = OrgNameMax
	// A reviewer's comment.
	ReviewCommentMax = MaxReasonRunes
	// Photos a nomination may carry, each re-encoded as the card's photo is.
	NominationPhotosMax = 3
	// DefaultLikesPerDay is how many likes one account may give in one Beijing day, over
	// all candidates, unless the operator sets another number (--likes-per-day).
	DefaultLikesPerDay = 10
	// LikesPerDayMax bounds the operator's setting.
	LikesPerDayMax = 1000
	// LikeAccountMinAge: an account younger than this cannot like, so that accounts
	// registered for a vote cannot vote at once.
	LikeAccountMinAge = 24 * time.Hour
	// DefaultLikesPerIPHour is how many likes one address (an IPv6 /64) may send in an
	// hour (--likes-per-ip): a school or a company behind one address stays under it,
	// a script liking from one machine does not.
	DefaultLikesPerIPHour = 300
	// The organiser's report of unusual patterns lists an address once it gave a
	// candidate ReportAddressMin likes, and a group of accounts registered within
	// ReportBatchWindow of each other once ReportBatchMin of them liked one candidate.
	ReportAddressMin  = 20
	ReportBatchWindow = 10 * time.Minute
	ReportBatchMin    = 20
	// CandidatesPageMax bounds a candidate list.
	CandidatesPageMax = 500
)

// LikeDay is the Beijing calendar day of t, the day a like counts in ("2026-03-05").
func LikeDay(t time.Time) string { return t.In(Beijing).Format(time.DateOnly) }

// ReviewChain returns the region codes that review a nomination of a nominee in region
// code, lowest first: its district, city and province, those of levels the selection
// names, and only those inside the campaign's scope. A nominee outside the scope gets none.
func ReviewChain(code, scope string, levels []string) []string {
	if !RegionContains(scope, code) || len(code) < 6 {
		return nil
	}
	want := map[string]bool{}
	for _, l := range levels {
		want[l] = true
	}
	d := code[:6]
	steps := []struct{ name, code string }{
		{LevelNameDistrict, d},
		{LevelNameCity, d[:4] + "00"},
		{LevelNameProvince, d[:2] + "0000"},
	}
	var out []string
	for _, s := range steps {
		// Only levels at or below the campaign's own region review its selection.
		if !want[s.name] || !RegionContains(scope, s.code) {
			continue
		}
		if len(out) > 0 && out[len(out)-1] == s.code {
			continue // a city without districts (东莞, 中山) is its own district
		}
		out = append(out, s.code)
	}
	if len(out) == 0 {
		out = []string{scope}
	}
	return out
}

// Selection is a campaign's selection of exemplary people.
type Selection struct {
	ID            int64               `json:"id"`
	CampaignID    int64               `json:"campaign_id"`
	Categories    []SelectionCategory `json:"categories"`
	ReviewLevels  []string            `json:"review_levels"`
	NominateFrom  time.Time           `json:"nominate_from"`
	NominateUntil time.Time           `json:"nominate_until"`
	VoteFrom      time.Time           `json:"vote_from"`
	VoteUntil     time.Time           `json:"vote_until"`
	ResultsAt     time.Time           `json:"results_at,omitzero"`
	CreatedBy     int64               `json:"-"`
	CreatedAt     time.Time           `json:"created_at"`

	// Filled by reads: the campaign it belongs to.
	CampaignName string `json:"campaign_name"`
	RegionCode   string `json:"region_code"`
}

// Has reports whether the selection takes category c.
func (s *Selection) Has(c SelectionCategory) bool {
	for _, x := range s.Categories {
		if x == c {
			return true
		}
	}
	return false
}

// Nominating reports whether nominations are taken at t.
func (s *Selection) Nominating(t time.Time) bool {
	return !t.Before(s.NominateFrom) && t.Before(s.NominateUntil)
}

// Voting reports whether likes are taken at t.
func (s *Selection) Voting(t time.Time) bool { return !t.Before(s.VoteFrom) && t.Before(s.VoteUntil) }

// Validate checks a selection's windows and categories, naming each bad field.
func (s *Selection) Validate() error {
	p := Problems{}
	seen := map[SelectionCategory]bool{}
	var cats []SelectionCategory
	for _, c := range s.Categories {
		if !c.Valid() {
			p.Add("categories", "selection.category_unknown")
			continue
		}
		if !seen[c] {
			seen[c] = true
			cats = append(cats, c)
		}
	}
	s.Categories = cats
	if len(cats) == 0 {
		p.Add("categories", "selection.categories_required")
	}
	var levels []string
	for _, l := range s.ReviewLevels {
		switch l {
		case LevelNameDistrict, LevelNameCity, LevelNameProvince:
			levels = append(levels, l)
		default:
			p.Add("review_levels", "selection.level_unknown")
		}
	}
	if len(levels) == 0 {
		levels = []string{LevelNameDistrict, LevelNameCity, LevelNameProvince}
	}
	s.ReviewLevels = levels
	switch {
	case s.NominateFrom.IsZero():
		p.Add("nominate_from", "selection.date_required")
	case s.NominateUntil.IsZero() || !s.NominateUntil.After(s.NominateFrom):
		p.Add("nominate_until", "selection.window_order")
	}
	switch {
	case s.VoteFrom.IsZero():
		p.Add("vote_from", "selection.date_required")
	case s.VoteUntil.IsZero() || !s.VoteUntil.After(s.VoteFrom):
		p.Add("vote_until", "selection.window_order")
	case !s.NominateFrom.IsZero() && s.VoteUntil.Before(s.NominateFrom):
		p.Add("vote_until", "selection.vote_before_nominations")
	}
	return p.Err()
}

// NominationStatus is where a nomination stands.
type NominationStatus string

// Nomination statuses. review waits for the region at ReviewRegion; returned waits for
// the nominator's changes; published is a candidate the public sees and likes.
const (
	NomReview    NominationStatus = "review"
	NomReturned  NominationStatus = "returned"
	NomRejected  NominationStatus = "rejected"
	NomDeclined  NominationStatus = "declined" // the nominee (or the guardian) said no
	NomPublished NominationStatus = "published"
)

// Chinese is the status's name on pages.
func (s NominationStatus) Chinese() string {
	switch s {
	case NomReview:
		return "审核中"
	case NomReturned:
		return "退回修改"
	case NomRejected:
		return "未通过"
	case NomDeclined:
		return "被提名人不同意"
	case NomPublished:
		return "已公示"
	}
	return string(s)
}

// ReviewDecision is a reviewer's decision on a nomination.
type ReviewDecision string

// Review decisions.
const (
	ReviewApprove ReviewDecision = "approve"
	ReviewReturn  ReviewDecision = "return"
	ReviewReject  ReviewDecision = "reject"
)

// Valid reports whether d is a known decision.
func (d ReviewDecision) Valid() bool {
	return d == ReviewApprove || d == ReviewReturn || d == ReviewReject
}

// Chinese is the decision's name on pages and in the audit log.
func (d ReviewDecision) Chinese() string {
	switch d {
	case ReviewApprove:
		return "通过"
	case ReviewReturn:
		return "退回修改"
	case ReviewReject:
		return "不通过"
	}
	return string(d)
}

// Nomination is one nominee of a selection; once published it is a candidate (候选人)
// with its own public page and like count.
type Nomination struct {
	ID             int64             `json:"id"`
	SelectionID    int64             `json:"selection_id"`
	CampaignID     int64             `json:"campaign_id"`
	Category       SelectionCategory `json:"category"`
	VolunteerID    int64             `json:"volunteer_id,omitempty"`
	OrgID          int64             `json:"org_id,omitempty"`
	ProjectID      int64             `json:"project_id,omitempty"`
	NomineeName    string            `json:"nominee_name"`
	RegionCode     string            `json:"region_code"`
	Story          string            `json:"story"`
	NominatedBy    int64             `json:"-"`
	NominatorOrgID int64             `json:"nominator_org_id,omitempty"`
	ConsentNeeded  bool              `json:"consent_needed"`
	ConsentAt      time.Time         `json:"consent_at,omitzero"`
	// ConsentByGuardian: a minor's guardian gave the consent (relation recorded; the
	// guardian's name and phone sealed like the registration's).
	ConsentByGuardian bool             `json:"consent_by_guardian,omitempty"`
	GuardianRelation  string           `json:"-"`
	Status            NominationStatus `json:"status"`
	ReviewRegion      string           `json:"review_region,omitempty"`
	Likes             int64            `json:"likes"`
	JuryRank          int              `json:"jury_rank,omitempty"`
	Winner            bool             `json:"winner,omitempty"`
	AwardID           int64            `json:"award_id,omitempty"`
	Photos            int              `json:"photos"`
	CreatedAt         time.Time        `json:"created_at"`
	PublishedAt       time.Time        `json:"published_at,omitzero"`

	// Filled by reads.
	NomineeAccountID int64              `json:"-"`
	Reviews          []NominationReview `json:"reviews,omitempty"`
}

// Consented reports whether the nomination may be published as far as consent goes.
func (n *Nomination) Consented() bool { return !n.ConsentNeeded || !n.ConsentAt.IsZero() }

// NominationReview is one reviewer's decision at one level, kept for good.
type NominationReview struct {
	Region    string         `json:"region"`
	Decision  ReviewDecision `json:"decision"`
	Comment   string         `json:"comment"`
	CreatedAt time.Time      `json:"created_at"`
}

// CheckStory trims a story and names the problem when it is empty or too long.
func CheckStory(p Problems, s string) string {
	s = strings.TrimSpace(s)
	switch n := utf8.RuneCountInString(s); {
	case n == 0:
		p.Add("story", "nomination.story_required")
	case n > NominationStoryMax:
		p.Add("story", "nomination.story_long", "max", NominationStoryMax)
	}
	return s
}

// CheckReviewComment trims a reviewer's comment; returning or rejecting needs one.
func CheckReviewComment(p Problems, d ReviewDecision, s string) string {
	s = strings.TrimSpace(s)
	switch n := utf8.RuneCountInString(s); {
	case n == 0 && d != ReviewApprove:
		p.Add("comment", "nomination.comment_required")
	case n > ReviewCommentMax:
		p.Add("comment", "nomination.comment_long", "max", ReviewCommentMax)
	}
	return s
}

// LikeRefusal names why an account may not like at all, or "" when it may: closed or
// disabled accounts, accounts a unit registered that the person has not claimed, and
// accounts younger than LikeAccountMinAge.
func LikeRefusal(status AccountStatus, claimed bool, created, now time.Time) Msg {
	switch {
	case status != AccountActive:
		return "like.account_closed"
	case !claimed:
		return "like.account_unclaimed"
	case now.Sub(created) < LikeAccountMinAge:
		return "like.account_too_new"
	}
	return ""
}

// LikeReport is the organiser's report of unusual patterns in a selection's likes.
type LikeReport struct {
	Addresses []AddressLikes `json:"addresses"`
	Batches   []BatchLikes   `json:"batches"`
}

// AddressLikes is one address that gave one candidate many likes.
type AddressLikes struct {
	NominationID int64  `json:"nomination_id"`
	NomineeName  string `json:"nominee_name"`
	IP           string `json:"ip"`
	Likes        int    `json:"likes"`
	Accounts     int    `json:"accounts"`
}

// BatchLikes is a group of accounts registered within ReportBatchWindow of each other
// that liked one candidate: From and Until bound their registration times.
type BatchLikes struct {
	NominationID int64     `json:"nomination_id"`
	NomineeName  string    `json:"nominee_name"`
	From         time.Time `json:"registered_from"`
	Until        time.Time `json:"registered_until"`
	Accounts     int       `json:"accounts"`
}
