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
	navBlock  = regexp.MustCompile(`(?s)<nav class="nav"[^>]*>(.*?)</nav>`)
	navLinkRe = regexp.MustCompile(`<a href="([^"]*)"[^>]*>([^<]*)</a>`)
)

// TestNavTable: each kind of person sees the menu meant for them, in the order of the
// navigation table (nav.go), on a real page: what to see is the table's, who someone is
// comes from their session.
func TestNavTable(t *testing.T) {
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		f := newActPages(t, e)
		volunteer, _ := f.volunteer("陈志愿", time.Date(1995, 5, 5, 0, 0, 0, 0, time.UTC))
		regional := browserAs(t, e, orgPageAdmin(t, e, zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: "440000"}))
		platform := browserAs(t, e, orgPageAdmin(t, e, zhiyuan.Role{Kind: zhiyuan.RolePlatform}))
		cases := []struct {
			who  string
			b    *servertest.Browser
			want []string
		}{
			{"anonymous visitor", e.Browser(), []string{"/ 首页", "/activities 活动", "/verify 核验", "/orgs 组织", "/register 注册"}},
			{"volunteer", volunteer, []string{"/ 首页", "/activities 活动", "/me/signups 我的报名", "/me/notifications 消息",
				"/me/hours 我的时长", "/checkin 扫码签到", "/verify 核验", "/me/card 志愿者证", "/me/proofs 服务证明",
				"/orgs 组织", "/me/orgs 我的组织", "/me 我的"}},
			{"organisation admin", f.admin, []string{"/ 首页", "/activities 活动", "/me/signups 我的报名", "/me/notifications 消息",
				fmt.Sprintf("/orgs/%d/activities 活动管理", f.org.ID), "/hours/overdue 逾期时长", "/verify 核验",
				"/orgs 组织", "/me/orgs 我的组织", "/admin/orgs 组织审核"}},
			{"regional admin", regional, []string{"/ 首页", "/activities 活动", "/me/signups 我的报名", "/me/notifications 消息",
				"/hours/overdue 逾期时长", "/verify 核验", "/admin/cards 证件办理", "/orgs 组织", "/me/orgs 我的组织",
				"/admin/orgs 组织审核", "/admin/volunteers 志愿者查询", "/admin/audit 审计日志"}},
			{"platform admin", platform, []string{"/ 首页", "/activities 活动", "/me/signups 我的报名", "/me/notifications 消息",
				"/hours/overdue 逾期时长", "/verify 核验", "/admin/cards 证件办理", "/orgs 组织", "/me/orgs 我的组织",
				"/admin/orgs 组织审核", "/admin/volunteers 志愿者查询", "/admin/outbox 发件箱", "/admin/jobs 后台任务", "/admin/audit 审计日志"}},
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
		}
	})
}
