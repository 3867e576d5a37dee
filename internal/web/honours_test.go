package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"zhiyuan"
	"zhiyuan/internal/app"
	"zhiyuan/internal/hourstest"
	"zhiyuan/internal/sqlstore"
)

// honourPage fails unless a page answered status and holds every want.
func honourPage(t *testing.T, what string, status int, body []byte, wantStatus int, want ...string) {
	t.Helper()
	if status != wantStatus {
		t.Fatalf("%s: %d, want %d\n%s", what, status, wantStatus, body)
	}
	for _, w := range want {
		if !strings.Contains(string(body), w) {
			t.Errorf("%s lacks %q", what, w)
		}
	}
}

// TestHonourPages, without JavaScript: an organisation grants an award (a non-member is
// refused on the form, input kept and the field marked), records training, revokes an
// award after confirming; the volunteer sees what stands on 我的荣誉 and rates the
// activity they attended; the organiser rates the volunteer on the session's page.
func TestHonourPages(t *testing.T) {
	t.Parallel()
	hourstest.Each(t, 2, func(t *testing.T, e *hourstest.Env) {
		ctx := t.Context()
		member, stranger := e.Volunteers[0], e.Volunteers[1]
		if _, err := e.Store.ApplyMembership(ctx, e.Org.ID, member.ID); err != nil {
			t.Fatal(err)
		}
		if err := e.Store.DecideMembership(ctx, e.Org.ID, member.ID, zhiyuan.MemberApproved, e.OrgAdmin, nil); err != nil {
			t.Fatal(err)
		}
		org := e.Browser()
		org.Login(e.OrgPhone, hourstest.Password)
		page := fmt.Sprintf("/orgs/%d/honours", e.Org.ID)
		res := org.Get(page)
		honourPage(t, "organisation's page", res.Status, res.Body, http.StatusOK, "授予组织级表彰", "记录培训", "关爱慰问")

		award := url.Values{"volunteer_no": {stranger.No}, "title": {"优秀志愿者"}, "awarded_on": {"2037-01-15"}, "certificate_no": {"TQ-01"}}
		res = org.Post(fmt.Sprintf("/orgs/%d/awards", e.Org.ID), award)
		honourPage(t, "award to a non-member", res.Status, res.Body, http.StatusUnprocessableEntity,
			"不是本组织的正式成员", `value="TQ-01"`, `aria-invalid="true" aria-describedby="err-volunteer_no"`)
		award.Set("volunteer_no", member.No)
		res = org.Post(fmt.Sprintf("/orgs/%d/awards", e.Org.ID), award)
		if res.Status != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), page+"?ok=") {
			t.Fatalf("award: %d %s", res.Status, res.Header.Get("Location"))
		}
		res = org.Post(fmt.Sprintf("/orgs/%d/trainings", e.Org.ID), url.Values{"volunteer_no": {member.No}, "course": {"急救知识培训"}, "hours": {"abc"}, "trained_on": {"2037-02-01"}})
		honourPage(t, "training with bad hours", res.Status, res.Body, http.StatusUnprocessableEntity, "培训时长", "急救知识培训")
		res = org.Post(fmt.Sprintf("/orgs/%d/trainings", e.Org.ID), url.Values{"volunteer_no": {member.No}, "course": {"急救知识培训"}, "hours": {"3"}, "trained_on": {"2037-02-01"}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("training: %d %s", res.Status, res.Body)
		}
		// A second award, revoked: the form asks first, then it is gone from the volunteer's page.
		award.Set("title", "最美志愿者")
		org.Post(fmt.Sprintf("/orgs/%d/awards", e.Org.ID), award)
		list, err := e.Store.Awards(ctx, sqlstore.AwardFilter{VolunteerID: member.ID})
		if err != nil || len(list) != 2 {
			t.Fatalf("awards %+v %v", list, err)
		}
		revoked := list[0]
		if revoked.Title != "最美志愿者" {
			revoked = list[1]
		}
		revoke := fmt.Sprintf("/awards/%d/revoke", revoked.ID)
		res = org.Post(revoke, url.Values{"reason": {"授予对象有误"}, "back": {page}})
		honourPage(t, "revoke asks first", res.Status, res.Body, http.StatusOK, "确定撤销这项表彰吗", "不能恢复", `name="reason" value="授予对象有误"`)
		if a, _ := e.Store.FindAward(ctx, revoked.ID); a.Revoked() {
			t.Fatal("asking revoked the award")
		}
		res = org.Post(revoke, url.Values{"reason": {"授予对象有误"}, "back": {page}, "confirm": {"1"}})
		if res.Status != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), page+"?ok=") {
			t.Fatalf("revoke: %d %s", res.Status, res.Header.Get("Location"))
		}
		res = org.Get(page)
		honourPage(t, "organisation's page after", res.Status, res.Body, http.StatusOK, "已撤销", "授予对象有误", "急救知识培训", "TQ-01")

		// The volunteer attended the session and rates it; the organiser rates them.
		e.Clock.Set(hourstest.Day("09:05"))
		e.Scan(member, e.Code(e.Session.ID), "in", nil)
		vol := e.Browser()
		vol.Login(member.Phone, hourstest.Password)
		res = vol.Get("/me/honours")
		honourPage(t, "my honours", res.Status, res.Body, http.StatusOK, "优秀志愿者", "组织级", "急救知识培训", "3 小时", "社区长者探访", "提交评价")
		if strings.Contains(string(res.Body), "最美志愿者") {
			t.Error("a revoked award on 我的荣誉")
		}
		rate := fmt.Sprintf("/sessions/%d/my-evaluation", e.Session.ID)
		res = vol.Post(rate, url.Values{"rating": {"9"}, "comment": {"很有意义"}})
		honourPage(t, "rating 9", res.Status, res.Body, http.StatusUnprocessableEntity, "评分应为1到5分", "很有意义", `aria-describedby="err-rating"`)
		res = vol.Post(rate, url.Values{"rating": {"5"}, "comment": {"很有意义"}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("rate: %d %s", res.Status, res.Body)
		}
		other := e.Browser()
		other.Login(stranger.Phone, hourstest.Password)
		res = other.Post(rate, url.Values{"rating": {"5"}})
		honourPage(t, "rating what one did not attend", res.Status, res.Body, http.StatusUnprocessableEntity, "只有参加了该场次的志愿者才能评价活动")

		evals := fmt.Sprintf("/sessions/%d/evaluations", e.Session.ID)
		res = org.Get(evals)
		honourPage(t, "session evaluations", res.Status, res.Body, http.StatusOK, member.No, "很有意义", "5 分")
		res = org.Post(fmt.Sprintf("%s/%d", evals, member.ID), url.Values{"rating": {"4"}, "comment": {"积极主动"}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("organiser's rating: %d %s", res.Status, res.Body)
		}
		res = org.Post(fmt.Sprintf("%s/%d", evals, stranger.ID), url.Values{"rating": {"4"}})
		honourPage(t, "rating an absent volunteer", res.Status, res.Body, http.StatusUnprocessableEntity, "只能评价实际参加了该场次的志愿者")
		res = vol.Get("/me/honours")
		honourPage(t, "my honours after", res.Status, res.Body, http.StatusOK, "4 分", "已评 5 分")
		if strings.Contains(string(res.Body), "积极主动") {
			t.Error("the organiser's comment on 我的荣誉")
		}
		res = e.Browser().Get(fmt.Sprintf("/activities/%d", e.Activity.ID))
		honourPage(t, "activity page", res.Status, res.Body, http.StatusOK, "活动评价", "5 分")
		// A district administrator grants up to district level, on the region's page.
		phone := e.NewPhone()
		if _, err := e.App.CreateAdmin(ctx, nil, app.AdminInput{Phone: phone, Name: "天河区团委", Password: hourstest.Password,
			Role: zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: "440106"}}); err != nil {
			t.Fatal(err)
		}
		district := e.Browser()
		district.Login(phone, hourstest.Password)
		res = district.Get("/admin/honours")
		honourPage(t, "region's page", res.Status, res.Body, http.StatusOK, "天河区", "区县级")
		if strings.Contains(string(res.Body), `value="city"`) {
			t.Error("a district is offered the city level")
		}
		grant := url.Values{"region": {"440106"}, "volunteer_no": {member.No}, "title": {"五星志愿者"}, "level": {"city"}, "awarded_on": {"2037-01-20"}}
		res = district.Post("/admin/honours", grant)
		honourPage(t, "district grants city level", res.Status, res.Body, http.StatusForbidden, "区县级及以下", "五星志愿者", `aria-describedby="err-level"`)
		grant.Set("level", "district")
		if res = district.Post("/admin/honours", grant); res.Status != http.StatusSeeOther {
			t.Fatalf("district award: %d %s", res.Status, res.Body)
		}
		res = vol.Get("/me/honours")
		honourPage(t, "my honours with the district's award", res.Status, res.Body, http.StatusOK, "五星志愿者", "区县级")
		// An award to the organisation shows on its public page; the export holds hers.
		grant = url.Values{"region": {"440106"}, "org_id": {fmt.Sprint(e.Org.ID)}, "title": {"优秀志愿服务组织"}, "level": {"district"}, "awarded_on": {"2037-01-20"}}
		if res = district.Post("/admin/honours", grant); res.Status != http.StatusSeeOther {
			t.Fatalf("award to the organisation: %d %s", res.Status, res.Body)
		}
		res = e.Browser().Get(fmt.Sprintf("/orgs/%d", e.Org.ID))
		honourPage(t, "organisation's public page", res.Status, res.Body, http.StatusOK, "荣誉", "优秀志愿服务组织")
		res = vol.Get("/me/export")
		honourPage(t, "export", res.Status, res.Body, http.StatusOK, `"honours"`, "五星志愿者", "急救知识培训")
		// The volunteer cannot open the organisation's page.
		if res := vol.Get(page); res.Status != http.StatusForbidden {
			t.Errorf("volunteer opens the organisation's honours: %d", res.Status)
		}
	})
}
