package zhiyuan

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Campaigns (issue 16): the province or a city runs a campaign such as the Lei Feng month
// (学雷锋志愿服务月) over a region subtree and a range of Beijing dates; organisations in
// scope enter their activities into it, and the contest (大比拼) ranks cities, districts and
// organisations by what those activities did.

// CampaignStatus is whether a campaign takes entries.
type CampaignStatus string

// Campaign statuses.
const (
	CampaignOpen   CampaignStatus = "open"
	CampaignClosed CampaignStatus = "closed"
)

// Chinese is the status's name on pages.
func (s CampaignStatus) Chinese() string {
	if s == CampaignClosed {
		return "已结束"
	}
	return "进行中"
}

// Limits of a campaign, shared by pages, API and tests.
const (
	CampaignNameMax        = 60   // characters
	CampaignThemeMax       = 60   // characters
	CampaignTextMax        = 2000 // description, characters
	CampaignKeywordsMax    = 10   // keywords it welcomes
	CampaignKeywordMax     = 20   // characters in one keyword
	CampaignDaysMax        = 366  // a campaign runs at most a year
	CampaignRefuseReasonMx = 200  // characters in a refusal's reason
	CampaignListMax        = 200  // activities on one page of a campaign
)

// Campaign is one campaign as created.
type Campaign struct {
	ID          int64          `json:"id"`
	Name        string         `json:"name"`
	Theme       string         `json:"theme"`
	Description string         `json:"description"`
	StartsOn    string         `json:"starts_on"` // YYYY-MM-DD, Beijing, included
	EndsOn      string         `json:"ends_on"`   // YYYY-MM-DD, Beijing, included
	RegionCode  string         `json:"region_code"`
	Categories  []Category     `json:"categories"`
	Keywords    []string       `json:"keywords"`
	Status      CampaignStatus `json:"status"`
	// CoverVersion counts the campaign's cover images (0: none yet). It is part of the
	// cover's address, so a new cover is fetched at once while an unchanged one may be
	// cached for good.
	CoverVersion int64     `json:"cover_version"`
	CoverURL     string    `json:"cover_url,omitempty"` // API only: where the cover is served
	CreatedBy    int64     `json:"-"`
	CreatedAt    time.Time `json:"created_at"`
}

// CoverPath is the page address of the campaign's cover, or "" without one.
func (c *Campaign) CoverPath() string {
	if c.CoverVersion == 0 {
		return ""
	}
	return "/campaigns/" + strconv.FormatInt(c.ID, 10) + "/cover?v=" + strconv.FormatInt(c.CoverVersion, 10)
}

// From is the first instant of the campaign: the start of StartsOn in Beijing.
func (c *Campaign) From() time.Time {
	d, _ := time.ParseInLocation(time.DateOnly, c.StartsOn, Beijing)
	return d
}

// Until is the first instant after the campaign: the start of the day after EndsOn.
func (c *Campaign) Until() time.Time {
	d, _ := time.ParseInLocation(time.DateOnly, c.EndsOn, Beijing)
	return d.AddDate(0, 0, 1)
}

// Days lists the campaign's dates, first to last.
func (c *Campaign) Days() []string {
	var out []string
	for d := c.From(); d.Before(c.Until()) && len(out) <= CampaignDaysMax; d = d.AddDate(0, 0, 1) {
		out = append(out, d.Format(time.DateOnly))
	}
	return out
}

// Validate checks a campaign as entered and names each bad field; region is checked by
// the caller against the region tree and its scope.
func (c *Campaign) Validate() error {
	p := Problems{}
	c.Name, c.Theme = strings.TrimSpace(c.Name), strings.TrimSpace(c.Theme)
	c.StartsOn, c.EndsOn = strings.TrimSpace(c.StartsOn), strings.TrimSpace(c.EndsOn)
	switch {
	case c.Name == "":
		p.Add("name", "campaign.name_required")
	case utf8.RuneCountInString(c.Name) > CampaignNameMax:
		p.Add("name", "campaign.name_long", "max", CampaignNameMax)
	}
	if utf8.RuneCountInString(c.Theme) > CampaignThemeMax {
		p.Add("theme", "campaign.theme_long", "max", CampaignThemeMax)
	}
	if utf8.RuneCountInString(c.Description) > CampaignTextMax {
		p.Add("description", "campaign.description_long", "max", CampaignTextMax)
	}
	start, err1 := time.Parse(time.DateOnly, c.StartsOn)
	end, err2 := time.Parse(time.DateOnly, c.EndsOn)
	if err1 != nil {
		p.Add("starts_on", "campaign.date_format")
	}
	if err2 != nil {
		p.Add("ends_on", "campaign.date_format")
	}
	if err1 == nil && err2 == nil {
		switch {
		case end.Before(start):
			p.Add("ends_on", "campaign.ends_before_starts")
		case end.Sub(start) >= CampaignDaysMax*24*time.Hour:
			p.Add("ends_on", "campaign.too_long", "max", CampaignDaysMax)
		}
	}
	for _, cat := range c.Categories {
		if !cat.Valid() {
			p.Add("categories", "campaign.category_unknown")
			break
		}
	}
	var kw []string
	for _, k := range c.Keywords {
		if k = strings.TrimSpace(k); k != "" {
			kw = append(kw, k)
		}
	}
	c.Keywords = kw
	switch {
	case len(kw) > CampaignKeywordsMax:
		p.Add("keywords", "campaign.keywords_many", "max", CampaignKeywordsMax)
	default:
		for _, k := range kw {
			if utf8.RuneCountInString(k) > CampaignKeywordMax || strings.ContainsAny(k, "\n\r") {
				p.Add("keywords", "campaign.keyword_long", "max", CampaignKeywordMax)
				break
			}
		}
	}
	return p.Err()
}

// CampaignEntryStatus is where an activity stands in a campaign.
type CampaignEntryStatus string

// Entry statuses: entered activities count; refused ones were turned away by the
// campaign's admin, with a reason.
const (
	CampaignEntered CampaignEntryStatus = "entered"
	CampaignRefused CampaignEntryStatus = "refused"
)

// Chinese is the entry status's name on pages.
func (s CampaignEntryStatus) Chinese() string {
	if s == CampaignRefused {
		return "未采纳"
	}
	return "已参加"
}

// CampaignEntry is one activity entered into a campaign.
type CampaignEntry struct {
	CampaignID int64               `json:"campaign_id"`
	ActivityID int64               `json:"activity_id"`
	Status     CampaignEntryStatus `json:"status"`
	EnteredBy  int64               `json:"-"`
	EnteredAt  time.Time           `json:"entered_at"`
	Reason     string              `json:"reason,omitempty"`
	RefusedAt  *time.Time          `json:"refused_at,omitempty"`

	// Filled when listed: what the activity is.
	Title      string   `json:"title,omitempty"`
	OrgID      int64    `json:"org_id,omitempty"`
	OrgName    string   `json:"org_name,omitempty"`
	RegionCode string   `json:"region_code,omitempty"`
	Category   Category `json:"category,omitempty"`
}

// RankLevel is what a contest ranking compares: cities, districts or organisations.
type RankLevel string

// Ranking levels.
const (
	RankCity     RankLevel = "city"
	RankDistrict RankLevel = "district"
	RankOrg      RankLevel = "org"
)

// RankLevels in the order pages show them.
var RankLevels = []RankLevel{RankCity, RankDistrict, RankOrg}

// Chinese is the level's name on pages.
func (l RankLevel) Chinese() string {
	switch l {
	case RankCity:
		return "城市"
	case RankDistrict:
		return "区县"
	case RankOrg:
		return "组织"
	}
	return string(l)
}

// ParseRankLevel reads a level from a query ("" is city), or fails naming the field level.
func ParseRankLevel(s string) (RankLevel, error) {
	switch l := RankLevel(strings.TrimSpace(s)); l {
	case "":
		return RankCity, nil
	case RankCity, RankDistrict, RankOrg:
		return l, nil
	}
	return "", FieldFail(EInvalid, "level", "campaign.level_unknown")
}

// RankBy is the figure a contest ranking sorts by.
type RankBy string

// Ranking figures.
const (
	RankHours         RankBy = "hours"
	RankParticipants  RankBy = "participants"
	RankPerCapita     RankBy = "per_capita"
	RankRegistrations RankBy = "registrations"
)

// RankBys in the order pages show them.
var RankBys = []RankBy{RankHours, RankParticipants, RankPerCapita, RankRegistrations}

// ParseRankBy reads a figure from a query ("" is hours), or fails naming the field by.
func ParseRankBy(s string) (RankBy, error) {
	switch b := RankBy(strings.TrimSpace(s)); b {
	case "":
		return RankHours, nil
	case RankHours, RankParticipants, RankPerCapita, RankRegistrations:
		return b, nil
	}
	return "", FieldFail(EInvalid, "by", "campaign.by_unknown")
}

// RankDefinition is a ranking figure's name, unit and definition: the one text the
// campaign page, the API (GET …/rankings returns it) and the .xlsx export all show.
type RankDefinition struct {
	By         RankBy `json:"by"`
	Name       string `json:"name"`
	Unit       string `json:"unit"`
	Definition string `json:"definition"`
}

// RankDefinitions are the contest's figures, defined once.
var RankDefinitions = map[RankBy]RankDefinition{
	RankHours: {RankHours, "志愿服务时长", "小时",
		"参加本次活动的活动中，已确认的志愿服务时长之和（含更正）。活动参加后，其此前已确认的时长一并计入，此后确认的随确认即时计入；被退回的活动不计。"},
	RankParticipants: {RankParticipants, "参与人数", "人",
		"在参加本次活动的活动中有已确认时长（大于0）的志愿者人数，同一人在同一城市、区县或组织只计一次。"},
	RankPerCapita: {RankPerCapita, "人均时长", "小时/人",
		"志愿服务时长除以注册志愿者人数：城市、区县按当前在该地注册且未注销的志愿者计；组织按其已通过的成员计。无注册志愿者的不计人均。"},
	RankRegistrations: {RankRegistrations, "新注册志愿者", "人",
		"活动期间（北京时间，起止日期均含）新注册的志愿者人数：城市、区县按注册所在地计；组织按期间新加入（审核通过）的成员计。"},
}

// RankRow is one city, district or organisation in a contest ranking.
type RankRow struct {
	Rank          int     `json:"rank"`
	Unit          string  `json:"unit"` // region code or organisation id
	Name          string  `json:"name"`
	Activities    int     `json:"activities"`
	Sessions      int     `json:"sessions"` // sessions held: with a confirmed entry of positive minutes
	Minutes       int64   `json:"-"`
	Hours         float64 `json:"hours"`
	Participants  int     `json:"participants"`
	Registered    int     `json:"registered"` // the per-capita divisor
	PerCapita     float64 `json:"per_capita"`
	Registrations int     `json:"registrations"`
}

// Value is the row's figure by b, for sorting and showing.
func (r *RankRow) Value(b RankBy) float64 {
	switch b {
	case RankParticipants:
		return float64(r.Participants)
	case RankPerCapita:
		return r.PerCapita
	case RankRegistrations:
		return float64(r.Registrations)
	}
	return r.Hours
}

// CampaignDay is one Beijing day of a campaign's figures.
type CampaignDay struct {
	Day          string  `json:"day"`
	Minutes      int64   `json:"-"`
	Hours        float64 `json:"hours"`
	Participants int     `json:"participants"`
	Sessions     int     `json:"sessions"`
}

// CampaignFigures are a campaign's headline figures, by city and by day.
type CampaignFigures struct {
	Activities    int           `json:"activities"`
	Sessions      int           `json:"sessions"` // held: with a confirmed entry of positive minutes
	Participants  int           `json:"participants"`
	Minutes       int64         `json:"-"`
	Hours         float64       `json:"hours"`
	Registrations int           `json:"registrations"`
	ByCity        []RankRow     `json:"by_city"`
	ByDay         []CampaignDay `json:"by_day"`
}
