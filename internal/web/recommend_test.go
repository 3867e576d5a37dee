package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"zhiyuan/internal/hourstest"
)

// 为你推荐 lists what the volunteer can sign up for, with why and a link to the session;
// a position that is not one is shown at its field with the input kept.
func TestRecommendationsPage(t *testing.T) {
	t.Parallel()
	hourstest.Each(t, 0, func(t *testing.T, e *hourstest.Env) {
		v := e.AddVolunteers(1, false)[0]
		b := e.Browser()
		b.Login(v.Phone, hourstest.Password)
		res := b.Get("/me/recommendations")
		body := string(res.Body)
		if res.Status != http.StatusOK {
			t.Fatalf("status %d", res.Status)
		}
		// The hourstest activity in 天河, the volunteer's district, both sessions still to come.
		for _, want := range []string{e.Activity.Title, "就在你所在的区县",
			fmt.Sprintf(`href="/activities/%d#session-%d"`, e.Activity.ID, e.Session.ID), "去报名"} {
			if !strings.Contains(body, want) {
				t.Errorf("page lacks %q", want)
			}
		}
		// Signed up for the morning session, it is no longer recommended.
		if r := e.Do("POST", fmt.Sprintf("/api/v1/sessions/%d/signups", e.Session.ID), v.Token, nil); r.Status != http.StatusCreated {
			t.Fatalf("sign-up: %d %s", r.Status, r.Body)
		}
		body = string(b.Get("/me/recommendations").Body)
		if strings.Contains(body, fmt.Sprintf("#session-%d\"", e.Session.ID)) || !strings.Contains(body, fmt.Sprintf("#session-%d\"", e.Afternoon.ID)) {
			t.Errorf("after signing up for the morning: %s", body)
		}
		res = b.Get("/me/recommendations?lat=abc&lng=113.3")
		body = string(res.Body)
		if res.Status != http.StatusUnprocessableEntity || !strings.Contains(body, `aria-invalid="true"`) ||
			!strings.Contains(body, "纬度应为") || !strings.Contains(body, `value="abc"`) {
			t.Fatalf("bad lat: %d %s", res.Status, body)
		}
		// The home page leads there.
		if !strings.Contains(string(b.Get("/").Body), `href="/me/recommendations"`) {
			t.Error("home page has no link to 为你推荐")
		}
	})
}

// 邀请志愿者: the organiser ticks a candidate and invites them; the volunteer sees the
// notice and can turn invitations off on 为你推荐, after which they are no candidate.
func TestInviteVolunteersPage(t *testing.T) {
	t.Parallel()
	hourstest.Each(t, 0, func(t *testing.T, e *hourstest.Env) {
		v := e.AddVolunteers(1, false)[0]
		org := e.Browser()
		org.Login(e.OrgPhone, hourstest.Password)
		path := fmt.Sprintf("/sessions/%d/candidates", e.Afternoon.ID)
		if !strings.Contains(string(org.Get(fmt.Sprintf("/sessions/%d/signups", e.Afternoon.ID)).Body), `href="`+path+`"`) {
			t.Error("the sign-up list has no link to 邀请志愿者")
		}
		res := org.Get(path)
		body := string(res.Body)
		if res.Status != http.StatusOK || !strings.Contains(body, fmt.Sprintf(`value="%d"`, v.ID)) || strings.Contains(body, v.Phone) {
			t.Fatalf("candidates page: %d %s", res.Status, body)
		}
		// Nothing ticked: the error is at the fieldset.
		res = org.Post(fmt.Sprintf("/sessions/%d/invitations", e.Afternoon.ID), url.Values{})
		if res.Status != http.StatusUnprocessableEntity || !strings.Contains(string(res.Body), `aria-invalid="true"`) {
			t.Fatalf("nothing chosen: %d", res.Status)
		}
		// Sending asks first: nothing goes out until it is confirmed.
		res = org.Post(fmt.Sprintf("/sessions/%d/invitations", e.Afternoon.ID), url.Values{"volunteer_ids": {fmt.Sprint(v.ID)}})
		if res.Status != http.StatusOK || !strings.Contains(string(res.Body), "确定发送邀请吗？") || !strings.Contains(string(res.Body), "不能撤回") {
			t.Fatalf("invite asks first: %d %s", res.Status, res.Body)
		}
		res = org.Post(fmt.Sprintf("/sessions/%d/invitations", e.Afternoon.ID), url.Values{"volunteer_ids": {fmt.Sprint(v.ID)}, "confirm": {"1"}})
		if res.Status == http.StatusSeeOther {
			res = org.Get(res.Header.Get("Location"))
		}
		if res.Status != http.StatusOK || !strings.Contains(string(res.Body), "已邀请1位志愿者") {
			t.Fatalf("invite: %d %s", res.Status, res.Body)
		}
		vb := e.Browser()
		vb.Login(v.Phone, hourstest.Password)
		if !strings.Contains(string(vb.Get("/me/notifications").Body), "邀请你参加志愿服务") {
			t.Error("the volunteer has no invitation notice")
		}
		res = vb.Post("/me/invitation-setting", url.Values{})
		if res.Status == http.StatusSeeOther {
			res = vb.Get(res.Header.Get("Location"))
		}
		if res.Status != http.StatusOK || !strings.Contains(string(res.Body), "已关闭活动邀请") {
			t.Fatalf("turn off: %d", res.Status)
		}
		if strings.Contains(string(org.Get(path).Body), fmt.Sprintf(`value="%d"`, v.ID)) {
			t.Error("an opted-out volunteer is still a candidate")
		}
	})
}
