package web

import (
	"html/template"
	"strconv"
	"strings"

	"zhiyuan"
)

// navItem is one link of the navigation as shown to a caller; Badge is a count shown
// beside it (unread messages), 0 for none.
type navItem struct {
	Href, Label string
	Badge       int
}

// navMenu is where a row of the navigation table is shown.
type navMenu int

const (
	// inBar: in the header on a wide screen; a phone shows these on /menu.
	inBar navMenu = iota
	// inTop: in the header on every screen, phones too.
	inTop
	// inPhone: in the header on a phone only, where it stands for a menu of the wide
	// header.
	inPhone
	// inMine: in the 我的 menu — a caller's own records.
	inMine
	// inManage: in the 管理 menu — an administrator's sections, also listed on /manage.
	inManage
	// inTabsOnly: only in the volunteers' bottom tab bar.
	inTabsOnly
)

// navLink is one row of the navigation table: where it leads, what it says, who sees it,
// in which menu, and its short label in the volunteers' bottom tab bar ("" when it is
// not there). An Href containing "{org}" leads to the caller's own organisation (the
// first one they administer).
type navLink struct {
	Href, Label string
	Who         audience
	Menu        navMenu
	Tab         string
}

// nav is the navigation, every link in the order people see it; each caller sees the rows
// whose Who includes them, grouped by Menu. To add a page to the menu, add a row where it
// should appear (TestNavTable shows what each kind of person sees). It only decides what
// to show; what the caller may do is decided by zhiyuan.Authorize on every request.
//
// On a phone the header keeps one line (brand, then the inTop and inPhone rows) and the
// rest is on /menu and /manage; volunteers get a bottom tab bar of the rows with a Tab
// label instead of the header's 菜单.
var nav = [...]navLink{
	{"/", "首页", everyone, inBar, "首页"},
	{"/activities", "活动", everyone, inBar, "活动"},
	{"/campaigns", "主题活动", everyone, inBar, ""},
	{"/checkin", "扫码签到", volunteers, inMine, "签到"},
	{"/menu", "我的", volunteers, inTabsOnly, "我的"},
	{"/me/signups", "我的报名", volunteers, inMine, ""},
	{"/me/hours", "我的时长", volunteers, inMine, ""},
	{"/me/credit", "我的信用", volunteers, inMine, ""},
	// A volunteer who also runs an organisation keeps the links to their own card.
	{"/me/card", "志愿者证", volunteers, inMine, ""},
	{"/me/proofs", "服务证明", volunteers, inMine, ""},
	{"/me/honours", "我的荣誉", volunteers, inMine, ""},
	{"/me/nominations", "我的提名", volunteers, inMine, ""},
	{"/me/orgs", "我的组织", volunteers, inMine, ""},
	{"/me", "个人资料", volunteers, inMine, ""},
	{"/benefits", "志愿者权益", volunteers, inMine, ""},
	{"/me/benefits", "我的权益", volunteers, inMine, ""},
	{"/orgs/{org}/activities", "活动管理", orgAdmins, inManage, ""},
	{"/orgs/{org}/honours", "表彰与培训", orgAdmins, inManage, ""},
	{"/needs", "服务需求（接单）", orgAdmins, inManage, ""},
	{"/pairings", "结对探访", orgAdmins, inManage, ""},
	{"/needs?status=pending", "需求审核", regionalAdmins, inManage, ""},
	{"/nominations/review", "提名审核", regionalAdmins, inManage, ""},
	{"/competitions", "益苗计划", competitionPeople, inManage, ""},
	{"/me/orgs", "我管理的组织", adminsOnly, inManage, ""},
	{"/admin/orgs", "组织审核", admins, inManage, ""},
	{"/hours/overdue", "逾期时长", admins, inManage, ""},
	{"/admin/cards", "证件办理", regionalAdmins, inManage, ""},
	{"/admin/credit-appeals", "信用申诉", regionalAdmins, inManage, ""},
	{"/admin/league", "团员注册率", regionalAdmins, inManage, ""},
	{"/admin/honours", "表彰管理", regionalAdmins, inManage, ""},
	{"/admin/volunteers", "志愿者查询", regionalAdmins, inManage, ""},
	{"/admin/exchange", "数据交换", regionalAdmins, inManage, ""},
	{"/admin/partners", "合作单位审核", regionalAdmins, inManage, ""},
	{"/admin/audit", "审计日志", regionalAdmins, inManage, ""},
	{"/admin/outbox", "发件箱", platformAdmins, inManage, ""},
	{"/admin/jobs", "后台任务", platformAdmins, inManage, ""},
	{"/orgs", "组织", everyone, inBar, ""},
	{"/verify", "核验", everyone, inBar, ""},
	{"/partner/scan", "扫码核验", partnerStaff, inTop, ""},
	{"/partner", "本单位", partnerStaff, inTop, ""},
	{"/me/notifications", "消息", signedIn, inTop, ""},
	{"/register", "注册", anonymous, inTop, ""},
	{"/manage", "管理", admins, inPhone, ""},
	{"/menu", "菜单", notVolunteers, inPhone, ""},
}

// audience says who sees a link; p is nil for an anonymous visitor.
type audience func(p *zhiyuan.Principal) bool

func everyone(*zhiyuan.Principal) bool         { return true }
func anonymous(p *zhiyuan.Principal) bool      { return p == nil }
func signedIn(p *zhiyuan.Principal) bool       { return p != nil }
func notVolunteers(p *zhiyuan.Principal) bool  { return !p.Has(zhiyuan.RoleVolunteer) }
func volunteers(p *zhiyuan.Principal) bool     { return p.Has(zhiyuan.RoleVolunteer) }
func orgAdmins(p *zhiyuan.Principal) bool      { return adminOrg(p) != 0 }
func platformAdmins(p *zhiyuan.Principal) bool { return p.Has(zhiyuan.RolePlatform) }
func partnerStaff(p *zhiyuan.Principal) bool   { return p.Has(zhiyuan.RolePartner) }

// competitionPeople run, enter or judge the project competition 益苗计划.
func competitionPeople(p *zhiyuan.Principal) bool { return p.IsAdmin() || p.Has(zhiyuan.RoleJudge) }

// admins are administrators of any kind: of an organisation, a region or the platform.
func admins(p *zhiyuan.Principal) bool { return p.IsAdmin() }

// adminsOnly are administrators without a volunteer record: they see no 我的 menu, so
// what 我的 holds for them (the organisations they run) is under 管理.
func adminsOnly(p *zhiyuan.Principal) bool { return p.IsAdmin() && !p.Has(zhiyuan.RoleVolunteer) }

// regionalAdmins are regional administrators and the platform's, who sees every region.
func regionalAdmins(p *zhiyuan.Principal) bool {
	return p.Has(zhiyuan.RoleRegional) || p.Has(zhiyuan.RolePlatform)
}

// adminOrg is the first organisation p administers, 0 for none.
func adminOrg(p *zhiyuan.Principal) int64 {
	if p == nil {
		return 0
	}
	for _, r := range p.Roles {
		if r.Kind == zhiyuan.RoleOrgAdmin && r.OrgID != 0 {
			return r.OrgID
		}
	}
	return 0
}

// navView is the navigation the caller sees: the rows of nav meant for them, in order,
// by menu.
type navView struct {
	Bar, Top, Phone, Mine, Manage, Tabs []navItem
}

// navFor is the navigation the caller sees; unread is their count of unread messages,
// shown on 消息.
func navFor(p *zhiyuan.Principal, unread int) navView {
	var v navView
	for _, l := range nav {
		if !l.Who(p) {
			continue
		}
		href := l.Href
		if strings.Contains(href, "{org}") {
			href = strings.ReplaceAll(href, "{org}", strconv.FormatInt(adminOrg(p), 10))
		}
		item := navItem{Href: href, Label: l.Label}
		if href == "/me/notifications" {
			item.Badge = unread
		}
		switch l.Menu {
		case inBar:
			v.Bar = append(v.Bar, item)
		case inTop:
			v.Top = append(v.Top, item)
		case inPhone:
			v.Phone = append(v.Phone, item)
		case inMine:
			v.Mine = append(v.Mine, item)
		case inManage:
			v.Manage = append(v.Manage, item)
		}
		// The tab bar is the volunteers' (issue 11); others keep the header's 菜单.
		if l.Tab != "" && volunteers(p) {
			v.Tabs = append(v.Tabs, navItem{Href: href, Label: l.Tab})
		}
	}
	return v
}

// tabIcons are the bottom tab bar's icons, line drawings in the text's colour (the CSS
// draws their strokes), by the tab's address.
var tabIcons = map[string]template.HTML{
	"/":           `<svg viewBox="0 0 24 24"><path d="M3 11 12 3l9 8M5 9.5V21h5v-6h4v6h5V9.5"/></svg>`,
	"/activities": `<svg viewBox="0 0 24 24"><rect x="3.5" y="5" width="17" height="15.5" rx="2"/><path d="M3.5 10h17M8 3v4M16 3v4"/></svg>`,
	"/checkin":    `<svg viewBox="0 0 24 24"><path d="M4 8V4h4M16 4h4v4M20 16v4h-4M8 20H4v-4M7 12h10"/></svg>`,
	"/menu":       `<svg viewBox="0 0 24 24"><circle cx="12" cy="8" r="4"/><path d="M4 21c0-4.4 3.6-7 8-7s8 2.6 8 7"/></svg>`,
}

// tabIcon is the icon of a tab, nothing for an address without one.
func tabIcon(href string) template.HTML { return tabIcons[href] }
