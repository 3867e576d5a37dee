package web

import (
	"strconv"
	"strings"

	"zhiyuan"
)

// navItem is one link of the navigation as shown to a caller.
type navItem struct {
	Href, Label string
}

// navLink is one row of the navigation table: where it leads, what it says and who sees
// it. An Href containing "{org}" leads to the caller's own organisation (the first one
// they administer).
type navLink struct {
	Href, Label string
	Who         audience
}

// nav is the navigation, every link in the order people see it; each caller sees the rows
// whose Who includes them. To add a page to the menu, add a row where it should appear
// (TestNavTable shows what each kind of person sees). It only decides what to show; what
// the caller may do is decided by zhiyuan.Authorize on every request.
var nav = [...]navLink{
	{"/", "首页", everyone},
	{"/activities", "活动", everyone},
	{"/me/signups", "我的报名", signedIn},
	{"/me/notifications", "消息", signedIn},
	{"/orgs/{org}/activities", "活动管理", orgAdmins},
	{"/me/hours", "我的时长", volunteers},
	{"/checkin", "扫码签到", volunteers},
	{"/hours/overdue", "逾期时长", admins},
	{"/verify", "核验", everyone},
	// A volunteer who also runs an organisation keeps the links to their own card.
	{"/me/card", "志愿者证", volunteers},
	{"/me/proofs", "服务证明", volunteers},
	{"/admin/cards", "证件办理", regionalAdmins},
	{"/orgs", "组织", everyone},
	{"/me/orgs", "我的组织", signedIn},
	{"/admin/orgs", "组织审核", admins},
	{"/admin/volunteers", "志愿者查询", regionalAdmins},
	{"/admin/outbox", "发件箱", platformAdmins},
	{"/admin/jobs", "后台任务", platformAdmins},
	{"/register", "注册", anonymous},
	{"/me", "我的", volunteers},
	{"/admin/audit", "审计日志", regionalAdmins},
}

// audience says who sees a link; p is nil for an anonymous visitor.
type audience func(p *zhiyuan.Principal) bool

func everyone(*zhiyuan.Principal) bool         { return true }
func anonymous(p *zhiyuan.Principal) bool      { return p == nil }
func signedIn(p *zhiyuan.Principal) bool       { return p != nil }
func volunteers(p *zhiyuan.Principal) bool     { return p.Has(zhiyuan.RoleVolunteer) }
func orgAdmins(p *zhiyuan.Principal) bool      { return adminOrg(p) != 0 }
func platformAdmins(p *zhiyuan.Principal) bool { return p.Has(zhiyuan.RolePlatform) }

// admins are administrators of any kind: of an organisation, a region or the platform.
func admins(p *zhiyuan.Principal) bool { return p.IsAdmin() }

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

// navFor is the navigation the caller sees: the rows of nav meant for them, in order.
func navFor(p *zhiyuan.Principal) []navItem {
	var items []navItem
	for _, l := range nav {
		if !l.Who(p) {
			continue
		}
		href := l.Href
		if strings.Contains(href, "{org}") {
			href = strings.ReplaceAll(href, "{org}", strconv.FormatInt(adminOrg(p), 10))
		}
		items = append(items, navItem{href, l.Label})
	}
	return items
}
