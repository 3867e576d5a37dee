package api_test

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"image/jpeg"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"zhiyuan"
	"zhiyuan/internal/server/servertest"
)

// putCover uploads a campaign's cover as the API takes it: multipart, field "cover".
func putCover(e *servertest.Env, token string, id int64, img []byte) *servertest.Response {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("cover", "cover.jpg")
	fw.Write(img)
	mw.Close()
	req, _ := http.NewRequest("PUT", fmt.Sprintf("%s/api/v1/campaigns/%d/cover", e.HTTP.URL, id), &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return e.Send(req)
}

// TestCampaignCoverAPI: a campaign is created with a cover and its admin replaces it; the
// cover is re-encoded at the cover's size, served publicly with caching headers, and each
// change is audited. Bad files are 422 naming cover and change nothing; others are 403.
func TestCampaignCoverAPI(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		city, _ := e.Admin(zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: "440100"})
		other, _ := e.Admin(zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: "440300"})
		campaign := map[string]any{"name": "学雷锋志愿服务月", "starts_on": "2026-03-01", "ends_on": "2026-03-31", "region_code": "440100"}

		// A cover that is not an image refuses the whole campaign, naming the field.
		campaign["cover"] = base64.StdEncoding.EncodeToString([]byte("GIF89a not a photo"))
		r := e.Do("POST", "/api/v1/campaigns", city, campaign)
		if _, fields := r.Reasons(); r.Status != http.StatusUnprocessableEntity || fields["cover"] != "card.photo_type" {
			t.Fatalf("campaign with a bad cover: %d %s", r.Status, r.Body)
		}
		if n := countRows(t, e.Store, "campaigns"); n != 0 {
			t.Fatalf("%d campaigns after a refused cover", n)
		}

		campaign["cover"] = base64.StdEncoding.EncodeToString(photoJPEG(t, 400, 300))
		r = e.Do("POST", "/api/v1/campaigns", city, campaign)
		var c zhiyuan.Campaign
		r.Decode(&c)
		if r.Status != http.StatusCreated || c.CoverVersion != 1 || c.CoverURL != fmt.Sprintf("/api/v1/campaigns/%d/cover?v=1", c.ID) {
			t.Fatalf("campaign with a cover: %d %s", r.Status, r.Body)
		}
		get := e.Do("GET", c.CoverURL, "", nil)
		if get.Status != http.StatusOK || get.Header.Get("Content-Type") != "image/jpeg" ||
			!strings.Contains(get.Header.Get("Cache-Control"), "immutable") || get.Header.Get("ETag") == "" {
			t.Fatalf("cover: %d %v", get.Status, get.Header)
		}
		img, err := jpeg.Decode(bytes.NewReader(get.Body))
		if err != nil || img.Bounds().Dx() != zhiyuan.CampaignCoverWidth || img.Bounds().Dy() != zhiyuan.CampaignCoverHeight {
			t.Fatalf("cover is not a %d×%d JPEG: %v %v", zhiyuan.CampaignCoverWidth, zhiyuan.CampaignCoverHeight, err, img)
		}
		req, _ := http.NewRequest("GET", e.HTTP.URL+fmt.Sprintf("/api/v1/campaigns/%d/cover", c.ID), nil)
		req.Header.Set("If-None-Match", get.Header.Get("ETag"))
		if again := e.Send(req); again.Status != http.StatusNotModified || strings.Contains(again.Header.Get("Cache-Control"), "immutable") {
			t.Fatalf("cover asked again with its ETag, no version: %d %v", again.Status, again.Header)
		}

		// Replacing: only the campaign's admins, only images within the limits.
		if r := putCover(e, "", c.ID, photoJPEG(t, 400, 300)); r.Status != http.StatusUnauthorized {
			t.Fatalf("cover without a login: %d", r.Status)
		}
		if r := putCover(e, other, c.ID, photoJPEG(t, 400, 300)); r.Status != http.StatusForbidden {
			t.Fatalf("cover by another city's admin: %d %s", r.Status, r.Body)
		}
		for name, bad := range map[string][]byte{
			"card.photo_type":      []byte("%PDF-1.7 not an image"),
			"card.photo_too_wide":  hugePNG(t),
			"card.photo_too_large": bytes.Repeat([]byte{0xFF, 0xD8, 0xFF}, 2<<20),
			"card.photo_too_small": photoJPEG(t, 50, 50),
		} {
			r := putCover(e, city, c.ID, bad)
			if _, fields := r.Reasons(); r.Status != http.StatusUnprocessableEntity || fields["cover"] != zhiyuan.Msg(name) {
				t.Fatalf("%s: %d %s", name, r.Status, r.Body)
			}
		}
		r = putCover(e, city, c.ID, photoJPEG(t, 1200, 1600))
		r.Decode(&c)
		if r.Status != http.StatusOK || c.CoverVersion != 2 {
			t.Fatalf("new cover: %d %s", r.Status, r.Body)
		}
		if r := e.Do("GET", fmt.Sprintf("/api/v1/campaigns/%d", c.ID), "", nil); !strings.Contains(string(r.Body), `"cover_url":"/api/v1/campaigns/`+fmt.Sprint(c.ID)+`/cover?v=2"`) {
			t.Fatalf("campaign after a new cover: %s", r.Body)
		}
		entries, err := e.Store.FindAudit(t.Context(), zhiyuan.AuditFilter{RegionPrefix: "*", Action: "campaign.cover"})
		if err != nil || len(entries) != 1 || entries[0].TargetID != fmt.Sprint(c.ID) {
			t.Fatalf("cover changes audited: %+v %v", entries, err)
		}

		// A campaign without a cover has none to serve.
		r = e.Do("POST", "/api/v1/campaigns", city, map[string]any{"name": "敬老月", "starts_on": "2026-10-01", "ends_on": "2026-10-31", "region_code": "440100"})
		var plain zhiyuan.Campaign
		r.Decode(&plain)
		if r.Status != http.StatusCreated || plain.CoverVersion != 0 || plain.CoverURL != "" {
			t.Fatalf("campaign without a cover: %d %s", r.Status, r.Body)
		}
		if r := e.Do("GET", fmt.Sprintf("/api/v1/campaigns/%d/cover", plain.ID), "", nil); r.Status != http.StatusNotFound {
			t.Fatalf("cover of a campaign without one: %d", r.Status)
		}
	})
}
