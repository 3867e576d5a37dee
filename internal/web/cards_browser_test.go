package web_test

import (
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"zhiyuan"
	"zhiyuan/internal/app"
	"zhiyuan/internal/browsertest"
	"zhiyuan/internal/hourstest"
	"zhiyuan/internal/server/servertest"
	"zhiyuan/internal/testneed"
)

// TestBrowserCardAndProof walks the card and the proof in Chromium at a phone's size: a
// volunteer with confirmed hours applies with a photo, the city admin approves, batches,
// marks printed and issued, the volunteer shows the digital card, a passer-by checks it
// on the public page, and the volunteer gets a proof whose first page is rendered with
// pdftoppm. Screenshots of each step go to artifacts/screenshots/.
func TestBrowserCardAndProof(t *testing.T) {
	browsertest.Require(t)
	servertest.NeedFont(t)
	testneed.Poppler.Tool(t, "pdftotext")
	testneed.Poppler.Tool(t, "pdftoppm")
	hourstest.Each(t, 1, func(t *testing.T, h *hourstest.Env) {
		v := h.Volunteers[0]
		name := "志愿者" + v.Phone[len(v.Phone)-4:]
		// Confirmed hours to print on the card and the proof.
		h.Clock.Set(hourstest.Day("09:00"))
		h.Scan(v, h.Code(h.Session.ID), "in", nil)
		h.Clock.Set(hourstest.Day("12:00"))
		h.Scan(v, h.Code(h.Session.ID), "out", nil)
		if res := h.Do("POST", fmt.Sprintf("/api/v1/sessions/%d/hours/confirm", h.Session.ID), h.OrgToken, nil); res.Status != http.StatusOK {
			t.Fatalf("confirm: %d %s", res.Status, res.Body)
		}
		adminPhone := h.NewPhone()
		if _, err := h.App.CreateAdmin(t.Context(), nil, app.AdminInput{Phone: adminPhone, Name: "广州市团委", Password: hourstest.Password,
			Role: zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: "440100"}}); err != nil {
			t.Fatal(err)
		}
		photo := filepath.Join(t.TempDir(), "me.jpg")
		if err := os.WriteFile(photo, testPhoto(t), 0o600); err != nil {
			t.Fatal(err)
		}
		base := h.HTTP.URL

		// The volunteer applies.
		vol := browsertest.New(t)
		browsertest.Login(t, vol, base, v.Phone, hourstest.Password)
		browsertest.Open(t, vol, base+"/me/card")
		if err := chromedp.Do(vol, chromedp.SetUploadFiles(chromedp.CSS("#photo"), []string{photo}),
			chromedp.Click(chromedp.CSS(`input[name=delivery][value=address]`), chromedp.NodeVisible)); err != nil {
			t.Fatal(err)
		}
		browsertest.Fill(t, vol, "#delivery_address", "广州市天河区五山路381号")
		browsertest.Screenshot(t, vol, "card-apply-"+h.Engine)
		browsertest.Click(t, vol, `form[action="/me/card/apply"] button[type=submit]`)
		if msg := browsertest.Text(t, vol, ".notice"); !strings.Contains(msg, "申请已提交") {
			t.Fatalf("after applying: %q", msg)
		}

		// The city admin processes it to issued.
		adm := browsertest.New(t)
		browsertest.Login(t, adm, base, adminPhone, hourstest.Password)
		browsertest.Open(t, adm, base+"/admin/cards")
		if !strings.Contains(browsertest.Text(t, adm, "table.list tbody"), name) {
			t.Fatal("the application is not in the queue")
		}
		if err := chromedp.Do(adm, chromedp.Click(chromedp.CSS(`input[name=id]`), chromedp.NodeVisible)); err != nil {
			t.Fatal(err)
		}
		browsertest.Screenshot(t, adm, "card-queue-"+h.Engine)
		browsertest.Click(t, adm, `button[name=action][value=approve]`)
		if msg := browsertest.Text(t, adm, ".notice"); !strings.Contains(msg, "1 份") {
			t.Fatalf("after approving: %q", msg)
		}
		browsertest.Open(t, adm, base+"/admin/cards?status=approved")
		if err := chromedp.Do(adm, chromedp.Click(chromedp.CSS(`input[name=id]`), chromedp.NodeVisible)); err != nil {
			t.Fatal(err)
		}
		browsertest.Click(t, adm, `button[formaction="/admin/cards/batches"]`)
		confirmInDialog(t, adm, `form[action$="/printed"] button`)
		confirmInDialog(t, adm, `form[action$="/issued"] button`)
		if msg := browsertest.Text(t, adm, ".notice"); !strings.Contains(msg, "已发放") {
			t.Fatalf("after issuing: %q", msg)
		}
		browsertest.Screenshot(t, adm, "card-batch-"+h.Engine)

		// The digital card, with its refreshing QR code.
		browsertest.Open(t, vol, base+"/me/card")
		if got := browsertest.Text(t, vol, ".idcard-name"); got != name {
			t.Errorf("card shows %q", got)
		}
		if !browsertest.Exists(t, vol, `#card-qr[data-refresh]`) || !browsertest.Exists(t, vol, `.idcard-qr img[src^="data:image/png"]`) {
			t.Error("the digital card lacks its refreshing QR code")
		}
		// 刷新二维码 fetches a new code and swaps the QR alone: the page is not reloaded
		// (what the page's own script set stays set) and the old image is gone.
		if err := chromedp.Do(vol, chromedp.Evaluate[chromedp.Void](`window.notReloaded = true; document.querySelector("#card-qr img").dataset.old = "1"`),
			chromedp.Click(chromedp.CSS(`#card-qr a[data-refresh-now]`), chromedp.NodeVisible),
			chromedp.WaitNotPresent(chromedp.CSS(`#card-qr img[data-old]`)),
			chromedp.WaitVisible(chromedp.CSS(`#card-qr img[src^="data:image/png"]`))); err != nil {
			t.Fatalf("refresh the QR code: %v", err)
		}
		if kept, _ := chromedp.Run(vol, chromedp.Evaluate[bool](`window.notReloaded === true`)); !kept {
			t.Error("刷新二维码 reloaded the whole page")
		}
		if got := browsertest.Text(t, vol, ".card-status"); got != "有效" {
			t.Errorf("card status %q", got)
		}
		browsertest.Screenshot(t, vol, "card-digital-"+h.Engine)
		link, err := chromedp.Run(vol, chromedp.AttributeValue(chromedp.CSS(`.idcard-qr a`), "href"))
		if err != nil || !strings.HasPrefix(link.Value, "/verify/card/") {
			t.Fatalf("verify link %q %v", link.Value, err)
		}

		// Anyone checks it.
		pub := browsertest.New(t)
		browsertest.Open(t, pub, base+link.Value)
		if h1 := browsertest.Text(t, pub, "main h1"); h1 != "有效的注册志愿者证" {
			t.Errorf("public check says %q", h1)
		}
		if body := browsertest.Text(t, pub, "main"); strings.Contains(body, name) || !strings.Contains(body, "志*") {
			t.Errorf("public check shows %q", body)
		}
		browsertest.Screenshot(t, pub, "card-verify-"+h.Engine)

		// A proof of service, downloaded and rendered.
		browsertest.Open(t, vol, base+"/me/proofs")
		browsertest.Click(t, vol, `form[action="/me/proofs"] button[type=submit]`)
		if msg := browsertest.Text(t, vol, ".notice"); !strings.Contains(msg, "核验码") {
			t.Fatalf("after issuing a proof: %q", msg)
		}
		browsertest.Screenshot(t, vol, "proof-list-"+h.Engine)
		href, err := chromedp.Run(vol, chromedp.AttributeValue(chromedp.CSS(`.proof-item a[href$="/pdf"]`), "href"))
		if err != nil {
			t.Fatal(err)
		}
		code := strings.TrimSuffix(strings.TrimPrefix(href.Value, "/me/proofs/"), "/pdf")
		res := h.Do("GET", "/api/v1/me/proofs/"+code+"/pdf", v.Token, nil)
		if res.Status != http.StatusOK {
			t.Fatalf("pdf: %d", res.Status)
		}
		root, _ := browsertest.RepoRoot()
		dir := filepath.Join(root, "artifacts", "screenshots")
		os.MkdirAll(dir, 0o755)
		pdf := filepath.Join(t.TempDir(), "proof.pdf")
		os.WriteFile(pdf, res.Body, 0o600)
		if out, err := exec.Command(testneed.Poppler.Tool(t, "pdftoppm"), "-png", "-r", "100", "-f", "1", "-l", "1", "-singlefile", pdf,
			filepath.Join(dir, "proof-page1-"+h.Engine)).CombinedOutput(); err != nil {
			t.Fatalf("pdftoppm: %v %s", err, out)
		}
		out, err := exec.Command(testneed.Poppler.Tool(t, "pdftotext"), "-enc", "UTF-8", pdf, "-").Output()
		if err != nil || !strings.Contains(string(out), name) || !strings.Contains(string(out), "3 小时") {
			t.Errorf("proof text lacks the name or the total: %v", err)
		}
		browsertest.Open(t, pub, base+"/verify/proof/"+code)
		if h1 := browsertest.Text(t, pub, "main h1"); !strings.Contains(h1, "本平台出具") {
			t.Errorf("proof check says %q", h1)
		}
		browsertest.Screenshot(t, pub, "proof-verify-"+h.Engine)
	})
}
