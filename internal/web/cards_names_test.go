package web_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"zhiyuan"
	"zhiyuan/internal/server/servertest"
)

// TestCardQueueNamesAndPhoto: the city admin's card queue names the applicant's district
// (not its code) and shows the application's photo, which the city admin can open and an
// admin of another city cannot.
func TestCardQueueNamesAndPhoto(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		phone := orgPageUser(t, e, true, "李照片")
		v := newPageClient(e)
		v.login(phone)
		photo := testPhoto(t)
		if s, _, _ := v.postPhoto("/me/card/apply", photo, map[string]string{"delivery": "address", "delivery_address": "广州市天河区五山路381号"}); s != http.StatusSeeOther {
			t.Fatalf("apply: %d", s)
		}
		admin := newPageClient(e)
		admin.login(orgPageAdmin(t, e, zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: "440100"}))
		_, q := admin.get("/admin/cards")
		saveArtifact(t, "card-queue-names-"+e.Engine+".html", q)
		m := regexp.MustCompile(`name="id" value="(\d+)"`).FindStringSubmatch(q)
		if m == nil || !strings.Contains(q, "李照片") {
			t.Fatal("the application is not in the city queue")
		}
		if !regexp.MustCompile(`<td data-label="地区">广东省广州市\p{Han}+区</td>`).MatchString(q) || regexp.MustCompile(`>4401\d\d<`).MatchString(q) {
			t.Error("the queue shows the district as a code, not by name")
		}
		if strings.Contains(q, `name="region" value=`) || !strings.Contains(q, `<option value="440106">广东省广州市天河区</option>`) {
			t.Error("the queue's region filter asks for a typed code, not a picker of the admin's districts")
		}
		link := "/admin/cards/applications/" + m[1] + "/photo"
		if !strings.Contains(q, `<img src="`+link+`"`) {
			t.Fatalf("no photo beside the application (want %s)", link)
		}
		req, _ := http.NewRequest("GET", e.HTTP.URL+link, nil)
		s, body, h := admin.do(req)
		if s != http.StatusOK || h.Get("Content-Type") != "image/jpeg" || !strings.HasPrefix(body, "\xff\xd8") || !strings.Contains(h.Get("Cache-Control"), "no-store") {
			t.Fatalf("the city admin's photo: %d %s", s, h.Get("Content-Type"))
		}
		// Another city's admin: refused, and the page carries no photo.
		other := newPageClient(e)
		other.login(orgPageAdmin(t, e, zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: "440300"}))
		req, _ = http.NewRequest("GET", e.HTTP.URL+link, nil)
		if s, body, h := other.do(req); s != http.StatusForbidden || strings.HasPrefix(body, "\xff\xd8") || h.Get("Content-Type") == "image/jpeg" {
			t.Errorf("深圳's admin opens a 广州 applicant's photo: %d %s", s, h.Get("Content-Type"))
		}
		// Nobody logged in: not the photo either.
		req, _ = http.NewRequest("GET", e.HTTP.URL+link, nil)
		if s, body, _ := newPageClient(e).do(req); s == http.StatusOK || strings.HasPrefix(body, "\xff\xd8") {
			t.Errorf("an anonymous visitor opens the photo: %d", s)
		}
		// A missing application is 404, not an error page.
		req, _ = http.NewRequest("GET", e.HTTP.URL+"/admin/cards/applications/999999/photo", nil)
		if s, _, _ := admin.do(req); s != http.StatusNotFound {
			t.Errorf("photo of a missing application: %d, want 404", s)
		}
	})
}
