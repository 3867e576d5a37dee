package web_test

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"zhiyuan"
	"zhiyuan/internal/app"
	"zhiyuan/internal/browsertest"
	"zhiyuan/internal/hourstest"
	"zhiyuan/internal/sqlstore"
)

// TestBrowserCampaignContest: at a phone's size, a city's admin starts a campaign through
// the form; the organisation's admin opens it, enters its activity (confirming in the
// dialog); an hour confirmed afterwards shows at once in the contest, where anyone sees
// the organisation ranked with the figure's definition. Screenshots of each step go to
// artifacts/screenshots/.
func TestBrowserCampaignContest(t *testing.T) {
	browsertest.Require(t)
	hourstest.Each(t, 1, func(t *testing.T, h *hourstest.Env) {
		base := h.HTTP.URL
		phone := h.NewPhone()
		if _, err := h.App.CreateAdmin(t.Context(), nil, app.AdminInput{Phone: phone, Name: "广州市", Password: hourstest.Password,
			Role: zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: "440100"}}); err != nil {
			t.Fatal(err)
		}
		city := browsertest.New(t)
		browsertest.Login(t, city, base, phone, hourstest.Password)
		browsertest.Open(t, city, base+"/campaigns/new")
		set := func(css, v string) {
			t.Helper()
			if err := chromedp.Do(city, chromedp.SetValue(chromedp.CSS(css), v)); err != nil {
				t.Fatalf("set %s: %v", css, err)
			}
		}
		day := hourstest.Day("12:00")
		set("#name", "广州市学雷锋志愿服务月")
		set("#theme", "i志愿 爱生活")
		set("#starts_on", day.AddDate(0, 0, -3).Format(time.DateOnly))
		set("#ends_on", day.AddDate(0, 0, 3).Format(time.DateOnly))
		set("#region_code", "440100")
		// A cover picture chosen with the form's file input.
		coverFile := filepath.Join(t.TempDir(), "cover.jpg")
		if err := os.WriteFile(coverFile, testPhoto(t), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := chromedp.Do(city, chromedp.SetUploadFiles(chromedp.CSS("#cover"), []string{coverFile})); err != nil {
			t.Fatalf("choose the cover: %v", err)
		}
		browsertest.Screenshot(t, city, "campaign-new-"+h.Engine)
		browsertest.Click(t, city, `form[action="/campaigns"] button[type=submit]`)
		if got := browsertest.Text(t, city, "h1"); got != "广州市学雷锋志愿服务月" {
			t.Fatalf("after creating: %q at %s", got, browsertest.Location(t, city))
		}
		campaignURL := browsertest.Location(t, city)
		// The cover shows, re-encoded at its landscape size, with its alt text, on the
		// campaign's page and in the list.
		coverShown := `(() => { const i = document.querySelector('img.campaign-cover'); return !!i && i.complete &&
			i.naturalWidth === ` + strconv.Itoa(zhiyuan.CampaignCoverWidth) + ` && i.alt === '“广州市学雷锋志愿服务月”的封面图片' })()`
		waitJS(t, city, "the cover on the campaign's page", coverShown)
		browsertest.Screenshot(t, city, "campaign-cover-"+h.Engine)
		browsertest.Open(t, city, base+"/campaigns")
		waitJS(t, city, "the cover in the list", coverShown)
		browsertest.Screenshot(t, city, "campaign-list-cover-"+h.Engine)

		org := browsertest.New(t)
		browsertest.Login(t, org, base, h.OrgPhone, hourstest.Password)
		browsertest.Open(t, org, campaignURL)
		if err := chromedp.Do(org, chromedp.SetValue(chromedp.CSS("#activity_id"), strconv.FormatInt(h.Activity.ID, 10))); err != nil {
			t.Fatal(err)
		}
		tap(t, org, `form[action$="/enter"] button[type=submit]`)
		waitJS(t, org, "the confirmation dialog", `!!document.querySelector('dialog[open] [data-confirmation] button[type=submit]')`)
		browsertest.Screenshot(t, org, "campaign-enter-confirm-"+h.Engine)
		browsertest.Click(t, org, `dialog[open] [data-confirmation] button[type=submit]`)
		if body := browsertest.Text(t, org, "main"); !strings.Contains(body, zhiyuan.Text("campaign.entered_notice")) {
			t.Fatalf("after entering: %q", body)
		}

		// Two and a half hours confirmed after the entry count at once.
		en := &zhiyuan.HourEntry{VolunteerID: h.Volunteers[0].ID, Kind: zhiyuan.HourMakeup, Minutes: 150, SessionID: h.Session.ID, OrgID: h.Org.ID,
			Reason: "补录", RecordedBy: h.OrgAdmin}
		if err := h.Store.AppendHourEntry(context.Background(), en, sqlstore.EntryPlace{RegionCode: "440106"},
			&zhiyuan.HourConfirmation{ConfirmedBy: h.OrgAdmin}); err != nil {
			t.Fatal(err)
		}
		public := browsertest.New(t)
		browsertest.Open(t, public, campaignURL+"?level=org&by=hours#contest")
		ranking := browsertest.Text(t, public, "table.ranking")
		if !strings.Contains(ranking, h.Org.Name) || !strings.Contains(ranking, "2.5 小时") {
			t.Fatalf("the ranking: %q", ranking)
		}
		if body := browsertest.Text(t, public, "#contest"); !strings.Contains(body, zhiyuan.RankDefinitions[zhiyuan.RankHours].Definition) {
			t.Fatalf("the definition: %q", body)
		}
		browsertest.Screenshot(t, public, "campaign-ranking-"+h.Engine)
	})
}
