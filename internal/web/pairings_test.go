package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"zhiyuan"
	"zhiyuan/internal/app"
	"zhiyuan/internal/server/servertest"
)

// TestPairingPages: an organisation pairs through the form (a bad one keeps its input and
// ties each problem to its field), lands on the pairing with its weekly visits, and finds
// it on its own page; the street (the community) sees it in its list, another district
// cannot open it; ending early asks first and then ends it.
func TestPairingPages(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		login := func(code string) *servertest.Browser {
			phone := e.NewPhone()
			if _, err := e.App.CreateAdmin(t.Context(), nil, app.AdminInput{Phone: phone, Name: "街道" + code, Password: "test1234",
				Role: zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: code}}); err != nil {
				t.Fatal(err)
			}
			b := e.Browser()
			b.Login(phone, "test1234")
			return b
		}
		street, haizhu := login("440106"), login("440105")
		f := newActPages(t, e)

		form := url.Values{"org_id": {"0"}, "recipient": {"五山街道独居长者B户"}, "target_group": {"独居老人"}, "category": {"elderly_care"},
			"region_code": {"440106"}, "address": {"天河区五山街道华工社区"}, "contact": {"居委会 李主任 020-87110000"},
			"starts_on": {f.day(1)}, "ends_on": {f.day(29)}, "every_days": {"七"}, "visit_time": {"09:30"}, "visit_minutes": {"120"},
			"volunteers_per_visit": {"2"}}
		form.Set("org_id", "")
		res := f.admin.Post("/pairings", form)
		body := string(res.Body)
		if res.Status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="every_days" name="every_days" value="七"`) ||
			!strings.Contains(body, `aria-describedby="err-every_days"`) || !strings.Contains(body, "五山街道独居长者B户") {
			t.Fatalf("bad pairing form: %d %s", res.Status, body)
		}
		form.Set("every_days", "7")
		res = f.admin.Post("/pairings", form)
		if res.Status != http.StatusSeeOther {
			t.Fatalf("create: %d %s", res.Status, res.Body)
		}
		path := res.Header.Get("Location")
		path = path[:strings.Index(path, "?")]
		page := string(f.admin.Get(path).Body)
		if strings.Count(page, `id="visit-`) != 5 || !strings.Contains(page, "每周") || !strings.Contains(page, "待探访") {
			t.Fatalf("the pairing's page: %s", page)
		}
		if org := string(f.admin.Get(fmt.Sprintf("/orgs/%d", f.org.ID)).Body); !strings.Contains(org, `href="`+path+`"`) {
			t.Fatalf("the organisation's page does not list its pairing: %s", org)
		}
		if list := string(street.Get("/pairings").Body); !strings.Contains(list, `href="`+path+`"`) {
			t.Fatalf("the community's list: %s", list)
		}
		if res := haizhu.Get(path); res.Status != http.StatusNotFound {
			t.Fatalf("another district opens the pairing: %d", res.Status)
		}
		// The street may pair for an organisation of its district from that organisation's
		// page; another district may not.
		newPath := fmt.Sprintf("/pairings/new?org_id=%d", f.org.ID)
		if res := street.Get(newPath); res.Status != http.StatusOK || !strings.Contains(string(res.Body), f.org.Name) {
			t.Fatalf("the street's pairing form: %d %s", res.Status, res.Body)
		}
		if res := haizhu.Get(newPath); res.Status != http.StatusForbidden {
			t.Fatalf("another district's pairing form: %d", res.Status)
		}
		// Ending early asks first, and changes nothing until confirmed.
		ask := street.Get(path + "/end")
		if ask.Status != http.StatusOK || !strings.Contains(string(ask.Body), "确定提前结束这个结对吗") {
			t.Fatalf("confirmation: %d %s", ask.Status, ask.Body)
		}
		if p := string(f.admin.Get(path).Body); !strings.Contains(p, "进行中") {
			t.Fatalf("asking ended it: %s", p)
		}
		res = street.Post(path+"/end", url.Values{"confirm": {"1"}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("end: %d %s", res.Status, res.Body)
		}
		if p := string(f.admin.Get(path).Body); !strings.Contains(p, "已提前结束") || strings.Contains(p, path+"/end") {
			t.Fatalf("after ending: %s", p)
		}
	})
}
