package web_test

import (
	"bytes"
	"fmt"
	"image/jpeg"
	"net/http"
	"strings"
	"testing"
	"time"

	"zhiyuan"
	"zhiyuan/internal/app"
	"zhiyuan/internal/proof"
	"zhiyuan/internal/server/servertest"
)

// postNomination submits the nomination form as the page does: multipart, each photo a
// file of the field "photos".
func postNomination(b *servertest.Browser, e *servertest.Env, path string, fields map[string]string, photos ...[]byte) *servertest.Response {
	files := make([]servertest.FormFile, len(photos))
	for i, ph := range photos {
		files[i] = servertest.FormFile{Field: "photos", Name: fmt.Sprintf("photo%d.jpg", i+1), Data: ph}
	}
	return b.PostMultipart(path, fields, files...)
}

// TestNominationPhotosPage: a district's admin nominates a community through the page's
// form with two photos (a file that is not a photo first shows the form again with the
// field marked and the story kept, recording nothing); once published, the candidate's
// public page shows both photos, served re-encoded as card-sized JPEGs.
func TestNominationPhotosPage(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		city, cityID := e.Admin(zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: "440100"})
		c := &zhiyuan.Campaign{Name: "学雷锋志愿服务月", StartsOn: "2026-03-01", EndsOn: "2026-03-31", RegionCode: "440100", CreatedBy: cityID}
		if err := e.Store.CreateCampaign(t.Context(), c); err != nil {
			t.Fatal(err)
		}
		now := time.Now()
		if r := e.Do("POST", fmt.Sprintf("/api/v1/campaigns/%d/selection", c.ID), city, map[string]any{
			"categories":    []string{"community"},
			"nominate_from": now.Add(-time.Hour).Format(time.RFC3339), "nominate_until": now.Add(24 * time.Hour).Format(time.RFC3339),
			"vote_from": now.Add(-time.Hour).Format(time.RFC3339), "vote_until": now.Add(48 * time.Hour).Format(time.RFC3339),
		}); r.Status != http.StatusCreated {
			t.Fatalf("selection: %d %s", r.Status, r.Body)
		}
		phone := e.NewPhone()
		if _, err := e.App.CreateAdmin(t.Context(), nil, app.AdminInput{Phone: phone, Name: "天河区", Password: "test1234",
			Role: zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: "440106"}}); err != nil {
			t.Fatal(err)
		}
		district := e.Browser()
		district.Login(phone, "test1234")
		form := fmt.Sprintf("/campaigns/%d/nominate", c.ID)
		if page := district.Get(form); page.Status != http.StatusOK || !strings.Contains(string(page.Body), `name="photos"`) {
			t.Fatalf("nomination form: %d %s", page.Status, page.Body)
		}
		fields := map[string]string{"nominator_org_id": "0", "category": "community", "community_name": "五山社区",
			"community_region": "440106", "story": "社区志愿服务站十年无休"}
		action := fmt.Sprintf("/campaigns/%d/nominations", c.ID)
		res := postNomination(district, e, action, fields, testPhoto(t), []byte("%PDF-1.7 a document, not a photo"))
		if body := string(res.Body); res.Status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="photos" name="photos" accept="image/jpeg,image/png" multiple aria-invalid="true"`) ||
			!strings.Contains(body, zhiyuan.Text("card.photo_type")) || !strings.Contains(body, "社区志愿服务站十年无休") {
			t.Fatalf("nomination with a bad photo: %d %s", res.Status, body)
		}
		res = postNomination(district, e, action, fields, testPhoto(t), testPhoto(t))
		if res.Status != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/nominations/") {
			t.Fatalf("nomination with two photos: %d %s", res.Status, res.Body)
		}
		var id int64
		fmt.Sscanf(strings.TrimPrefix(res.Header.Get("Location"), "/nominations/"), "%d", &id)
		for _, who := range []string{e.Token(phone, "test1234"), city} {
			if r := e.Do("POST", fmt.Sprintf("/api/v1/nominations/%d/review", id), who, map[string]string{"decision": "approve"}); r.Status != http.StatusOK {
				t.Fatalf("review: %d %s", r.Status, r.Body)
			}
		}
		page := e.Browser().Get(fmt.Sprintf("/candidates/%d", id))
		for i := 1; i <= 2; i++ {
			img := fmt.Sprintf(`<img src="/nominations/%d/photos/%d" alt="五山社区的照片%d"`, id, i, i)
			if page.Status != http.StatusOK || !strings.Contains(string(page.Body), img) {
				t.Fatalf("candidate page without photo %d: %d %s", i, page.Status, page.Body)
			}
			ph := e.Browser().Get(fmt.Sprintf("/nominations/%d/photos/%d", id, i))
			dec, err := jpeg.Decode(bytes.NewReader(ph.Body))
			if ph.Status != http.StatusOK || err != nil || dec.Bounds().Dx() != proof.PhotoWidth || dec.Bounds().Dy() != proof.PhotoHeight {
				t.Fatalf("photo %d: %d %v", i, ph.Status, err)
			}
		}
		if strings.Contains(string(page.Body), "/photos/3") {
			t.Fatal("a third photo shown")
		}
	})
}
