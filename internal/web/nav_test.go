package web_test

import (
	"fmt"
	"regexp"
	"slices"
	"testing"
	"time"

	"zhiyuan"
	"zhiyuan/internal/server/servertest"
)

var (
	navBlock    = regexp.MustCompile(`(?s)<nav class="nav"[^>]*>(.*?)</nav>`)
	tabBarBlock = regexp.MustCompile(`(?s)<nav class="tabbar"[^>]*>(.*?)</nav>`)
	navLinkRe   = regexp.MustCompile(`<a href="([^"]*)"[^>]*>(?:<span class="tab-icon"[^>]*>.*?</span>)?([^<]*)`)
)

// TestNavTable: each kind of person sees the menu meant for them, in the order of the
// navigation table (nav.go), on a real page: what to see is the table's, who someone is
// comes from their session. The header holds the bar's links, then the 我的 and 管理
// menus, then 消息 and the phone's links; only volunteers get the bottom tab bar, and
// administrators see no volunteer-only links such as 我的报名.
func TestNavTable(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		f := newActPages(t, e)
		volunteer, _ := f.volunteer("陈志愿", time.Date(1995, 5, 5, 0, 0, 0, 0, time.UTC))
		regional := browserAs(t, e, orgPageAdmin(t, e, zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: "440000"}))
		platform := browserAs(t, e, orgPageAdmin(t, e, zhiyuan.Role{Kind: zhiyuan.RolePlatform}))
		bar := []string{"/ 首页", "/activities 活动", "/campaigns 主题活动", "/orgs 组织", "/verify 核验"}
		with := func(lists ...[]string) []string { return slices.Concat(lists...) }
		manageRegional := []string{"/needs?status=pending 需求审核", "/nominations/review 提名审核", "/competitions 益苗计划", "/me/orgs 我管理的组织", "/admin/orgs 组织审核", "/hours/overdue 逾期时长", "/admin/cards 证件办理", "/admin/credit-appeals 信用申诉", "/admin/league 团员注册率", "/admin/honours 表彰管理",
			"/admin/volunteers 志愿者查询", "/admin/exchange 数据交换", "/admin/partners 合作单位审核", "/admin/audit 审计日志"}
		adminTail := []string{"/me/notifications 消息", "/manage 管理", "/menu 菜单"}
		cases := []struct {
			who  string
			b    *servertest.Browser
			want []string
			tabs []string
		}{
			{"anonymous visitor", e.Browser(), with(bar, []string{"/register 注册", "/menu 菜单"}), nil},
			{"volunteer", volunteer, with(bar, []string{"/checkin 扫码签到", "/me/signups 我的报名", "/me/hours 我的时长", "/me/credit 我的信用",
				"/me/card 志愿者证", "/me/proofs 服务证明", "/me/honours 我的荣誉", "/me/nominations 我的提名", "/me/orgs 我的组织", "/me 个人资料", "/benefits 志愿者权益", "/me/benefits 我的权益", "/me/notifications 消息"}),
				[]string{"/ 首页", "/activities 活动", "/checkin 签到", "/menu 我的"}},
			{"organisation admin", f.admin, with(bar, []string{fmt.Sprintf("/orgs/%d/activities 活动管理", f.org.ID), fmt.Sprintf("/orgs/%d/honours 表彰与培训", f.org.ID),
				"/needs 服务需求（接单）", "/pairings 结对探访", "/competitions 益苗计划", "/me/orgs 我管理的组织", "/admin/orgs 组织审核", "/hours/overdue 逾期时长"}, adminTail), nil},
			{"regional admin", regional, with(bar, manageRegional, adminTail), nil},
			{"platform admin", platform, with(bar, manageRegional, []string{"/admin/outbox 发件箱", "/admin/jobs 后台任务"}, adminTail), nil},
		}
		for _, c := range cases {
			res := c.b.Get("/")
			if res.Status != 200 {
				t.Fatalf("%s: home page status %d", c.who, res.Status)
			}
			block := navBlock.FindSubmatch(res.Body)
			if block == nil {
				t.Fatalf("%s: no navigation on the home page\n%s", c.who, res.Body)
			}
			var got []string
			for _, m := range navLinkRe.FindAllSubmatch(block[1], -1) {
				got = append(got, string(m[1])+" "+string(m[2]))
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("%s sees\n  %q\nwant\n  %q", c.who, got, c.want)
			}
			var tabs []string
			if block := tabBarBlock.FindSubmatch(res.Body); block != nil {
				for _, m := range navLinkRe.FindAllSubmatch(block[1], -1) {
					tabs = append(tabs, string(m[1])+" "+string(m[2]))
				}
			}
			if !slices.Equal(tabs, c.tabs) {
				t.Errorf("%s has the tab bar\n  %q\nwant\n  %q", c.who, tabs, c.tabs)
			}
		}
	})
}
