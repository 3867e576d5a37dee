package web_test

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"testing"

	"zhiyuan/internal/hourstest"
)

// TestHourOfferDisputePage: a make-up for a volunteer who never signed up waits on their
// 我的时长; disputing it asks for a reason and for a ticked confirmation (it cannot be
// undone), then it is gone from the list, counts nowhere, and the organiser sees the
// volunteer's objection.
func TestHourOfferDisputePage(t *testing.T) {
	t.Parallel()
	hourstest.Each(t, 0, func(t *testing.T, e *hourstest.Env) {
		v := e.AddVolunteers(1, false)[0]
		org := e.Browser()
		org.Login(e.OrgPhone, hourstest.Password)
		e.Clock.Set(hourstest.Day("13:00"))
		res := org.Post(fmt.Sprintf("/sessions/%d/hour-entries", e.Session.ID), url.Values{"volunteer_no": {v.No}, "hours": {"2"}, "reason": {"现场帮忙"}, "confirm": {"1"}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("make-up: %d %s", res.Status, res.Body)
		}
		offers, err := e.Store.VolunteerHourOffers(t.Context(), v.ID, true)
		if err != nil || len(offers) != 1 {
			t.Fatalf("offers %+v %v", offers, err)
		}
		attendance := fmt.Sprintf("/sessions/%d/attendance", e.Session.ID)
		res = org.Get(attendance)
		hoursPage(t, "organiser's page", res.Status, res.Body, http.StatusOK, "未报名志愿者的时长", "待志愿者确认")

		vol := e.Browser()
		vol.Login(v.Phone, hourstest.Password)
		res = vol.Get("/me/hours")
		hoursPage(t, "my hours", res.Status, res.Body, http.StatusOK, "待您确认的时长", "2 小时", "现场帮忙")
		page := fmt.Sprintf("/me/hour-offers/%d/dispute", offers[0].ID)
		res = vol.Get(page)
		hoursPage(t, "dispute page", res.Status, res.Body, http.StatusOK, "异议理由", "不能撤销", `name="confirm"`, `maxlength="500"`)
		res = vol.Post(page, url.Values{"reason": {"我没有参加"}})
		hoursPage(t, "dispute not confirmed", res.Status, res.Body, http.StatusUnprocessableEntity, "请勾选确认", "我没有参加")
		res = vol.Post(page, url.Values{"confirm": {"1"}})
		hoursPage(t, "dispute without a reason", res.Status, res.Body, http.StatusUnprocessableEntity, "请填写原因")
		if o, _ := e.Store.FindHourOffer(t.Context(), offers[0].ID); o.Status != "pending" {
			t.Fatalf("a refused form settled the offer: %s", o.Status)
		}
		res = vol.Post(page, url.Values{"reason": {"我没有参加"}, "confirm": {"1"}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("dispute: %d %s", res.Status, res.Body)
		}
		res = vol.Get("/me/hours")
		if res.Status != http.StatusOK || bytes.Contains(res.Body, []byte("待您确认的时长")) {
			t.Errorf("disputed offer still waiting: %d", res.Status)
		}
		res = vol.Get(page)
		hoursPage(t, "dispute page again", res.Status, res.Body, http.StatusConflict, "已处理")
		res = vol.Post(fmt.Sprintf("/me/hour-offers/%d/accept", offers[0].ID), nil)
		hoursPage(t, "accept after dispute", res.Status, res.Body, http.StatusConflict, "已处理")
		if tot, _ := e.Store.HourTotals(t.Context(), v.ID); tot.LastSeq != 0 {
			t.Errorf("a disputed offer reached the ledger: %+v", tot)
		}
		res = org.Get(attendance)
		hoursPage(t, "organiser's page after the dispute", res.Status, res.Body, http.StatusOK, "志愿者有异议", "我没有参加")
		// Someone else's offer does not exist for another volunteer.
		w := e.AddVolunteers(1, false)[0]
		other := e.Browser()
		other.Login(w.Phone, hourstest.Password)
		if res := other.Get(page); res.Status != http.StatusNotFound {
			t.Errorf("another volunteer's view: %d", res.Status)
		}
	})
}
