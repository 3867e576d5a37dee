package web_test

import (
	"bytes"
	"fmt"
	"image/jpeg"
	"net/http"
	"strings"
	"testing"

	"zhiyuan"
	"zhiyuan/internal/app"
	"zhiyuan/internal/server/servertest"
)

// postMultipart submits a multipart form as the pages' file inputs do, the file (when not
// nil) in fileField.
func postMultipart(b *servertest.Browser, e *servertest.Env, path string, fields map[string]string, fileField string, file []byte) *servertest.Response {
	if file == nil {
		return b.PostMultipart(path, fields)
	}
	return b.PostMultipart(path, fields, servertest.FormFile{Field: fileField, Name: "upload.jpg", Data: file})
}

// TestCampaignCoverPages: the creation form takes a cover (a file that is not an image
// shows the form again with the field marked and the other inputs kept, and creates
// nothing); the list and the campaign's page show it with alt text; the campaign's admin
// replaces it from the page (a bad one marked again), which nobody else may.
func TestCampaignCoverPages(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		phone := e.NewPhone()
		if _, err := e.App.CreateAdmin(t.Context(), nil, app.AdminInput{Phone: phone, Name: "广州市", Password: "test1234",
			Role: zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: "440100"}}); err != nil {
			t.Fatal(err)
		}
		city := e.Browser()
		city.Login(phone, "test1234")
		if page := city.Get("/campaigns/new"); !strings.Contains(string(page.Body), `enctype="multipart/form-data"`) || !strings.Contains(string(page.Body), `name="cover"`) {
			t.Fatalf("creation form without a cover field: %s", page.Body)
		}
		fields := map[string]string{"name": "广州学雷锋月", "theme": "i志愿 爱生活", "starts_on": "2027-03-01", "ends_on": "2027-03-31", "region_code": "440100"}
		res := postMultipart(city, e, "/campaigns", fields, "cover", []byte("this is a text file, not a picture"))
		body := string(res.Body)
		if res.Status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="cover" name="cover" accept="image/jpeg,image/png" aria-invalid="true"`) ||
			!strings.Contains(body, zhiyuan.Text("card.photo_type")) || !strings.Contains(body, `value="广州学雷锋月"`) || !strings.Contains(body, `value="i志愿 爱生活"`) {
			t.Fatalf("creation with a bad cover: %d %s", res.Status, body)
		}
		if list, _ := e.App.Campaigns(t.Context()); len(list) != 0 {
			t.Fatalf("%d campaigns after a refused cover", len(list))
		}
		res = postMultipart(city, e, "/campaigns", fields, "cover", testPhoto(t))
		if res.Status != http.StatusSeeOther {
			t.Fatalf("creation with a cover: %d %s", res.Status, res.Body)
		}
		path := res.Header.Get("Location")
		img := func(v int) string {
			return fmt.Sprintf(`<img class="campaign-cover" src="%s/cover?v=%d" alt="“广州学雷锋月”的封面图片"`, path, v)
		}
		pub := e.Browser()
		for _, p := range []string{"/campaigns", path} {
			if page := pub.Get(p); page.Status != http.StatusOK || !strings.Contains(string(page.Body), img(1)) {
				t.Fatalf("%s without its cover: %s", p, page.Body)
			}
		}
		cover := pub.Get(path + "/cover?v=1")
		if dec, err := jpeg.Decode(bytes.NewReader(cover.Body)); cover.Status != http.StatusOK || err != nil ||
			dec.Bounds().Dx() != zhiyuan.CampaignCoverWidth || dec.Bounds().Dy() != zhiyuan.CampaignCoverHeight {
			t.Fatalf("cover: %d %v", cover.Status, err)
		}
		if strings.Contains(string(pub.Get(path).Body), `action="`+path+`/cover"`) {
			t.Fatal("the public is offered the cover form")
		}
		if res := postMultipart(pub, e, path+"/cover", nil, "cover", testPhoto(t)); res.Status == http.StatusSeeOther && !strings.HasPrefix(res.Header.Get("Location"), "/login") || res.Status == http.StatusOK {
			t.Fatalf("cover replaced without a login: %d %v", res.Status, res.Header)
		}

		// The admin replaces it from the page; a bad file marks the field.
		if page := city.Get(path); !strings.Contains(string(page.Body), `action="`+path+`/cover"`) {
			t.Fatalf("no cover form for the campaign's admin: %s", page.Body)
		}
		res = postMultipart(city, e, path+"/cover", nil, "cover", []byte("GIF89a"))
		if body := string(res.Body); res.Status != http.StatusUnprocessableEntity || !strings.Contains(body, `aria-invalid="true"`) ||
			!strings.Contains(body, zhiyuan.Text("card.photo_type")) || !strings.Contains(body, img(1)) {
			t.Fatalf("bad replacement: %d %s", res.Status, body)
		}
		res = postMultipart(city, e, path+"/cover", nil, "cover", nil)
		if res.Status != http.StatusUnprocessableEntity || !strings.Contains(string(res.Body), zhiyuan.Text("campaign.cover_choose")) {
			t.Fatalf("replacement without a file: %d %s", res.Status, res.Body)
		}
		res = postMultipart(city, e, path+"/cover", nil, "cover", testPhoto(t))
		if res.Status != http.StatusSeeOther {
			t.Fatalf("replacement: %d %s", res.Status, res.Body)
		}
		if page := pub.Get(path); !strings.Contains(string(page.Body), img(2)) {
			t.Fatalf("page after the new cover: %s", page.Body)
		}
	})
}
