package web_test

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"zhiyuan"
	"zhiyuan/internal/server/servertest"
)

// pageClient is a cookie-keeping same-origin client that can also send multipart forms
// (servertest.Browser posts url-encoded forms only).
type pageClient struct {
	e *servertest.Env
	c *http.Client
}

func newPageClient(e *servertest.Env) *pageClient {
	jar, _ := cookiejar.New(nil)
	return &pageClient{e: e, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (p *pageClient) do(req *http.Request) (int, string, http.Header) {
	if req.Method == "POST" {
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		req.Header.Set("Origin", p.e.HTTP.URL)
	}
	res, err := p.c.Do(req)
	if err != nil {
		p.e.T.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b), res.Header
}

func (p *pageClient) get(path string) (int, string) {
	req, _ := http.NewRequest("GET", p.e.HTTP.URL+path, nil)
	s, b, _ := p.do(req)
	return s, b
}

func (p *pageClient) post(path string, form url.Values) (int, string, http.Header) {
	req, _ := http.NewRequest("POST", p.e.HTTP.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return p.do(req)
}

func (p *pageClient) postPhoto(path string, photo []byte, fields map[string]string) (int, string, http.Header) {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	fw, _ := mw.CreateFormFile("photo", "me.jpg")
	fw.Write(photo)
	mw.Close()
	req, _ := http.NewRequest("POST", p.e.HTTP.URL+path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return p.do(req)
}

func (p *pageClient) login(phone string) {
	if s, b, _ := p.post("/login", url.Values{"login": {phone}, "password": {"test1234"}, "next": {"/"}}); s != http.StatusSeeOther {
		p.e.T.Fatalf("login: %d %s", s, b)
	}
}

func testPhoto(t *testing.T) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 600, 800))
	for y := 0; y < 800; y++ {
		for x := 0; x < 600; x++ {
			img.Set(x, y, color.RGBA{uint8(180 + x%60), uint8(150 + y%80), 130, 255})
		}
	}
	var buf bytes.Buffer
	jpeg.Encode(&buf, img, nil)
	return buf.Bytes()
}

// saveArtifact keeps a page for looking at (artifacts/ is ignored by git).
func saveArtifact(t *testing.T, name, body string) {
	dir, _ := filepath.Abs("../../artifacts")
	os.MkdirAll(dir, 0o755)
	os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644)
}

var batchLink = regexp.MustCompile(`/admin/cards/batches/(\d+)`)

// TestCardPages: apply on the page (a bad photo is refused on the form), process as the
// city admin through to issued, see the digital card with a refreshing QR code, check it
// on the public page, and get a proof.
func TestCardPages(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		phone := orgPageUser(t, e, true, "王晓明")
		v := newPageClient(e)
		v.login(phone)
		if s, b := v.get("/me/card"); s != 200 || !strings.Contains(b, `enctype="multipart/form-data"`) || strings.Contains(b, "<script>") {
			t.Fatalf("card page before applying: %d", s)
		}
		s, b, _ := v.postPhoto("/me/card/apply", []byte("not a photo at all"), map[string]string{"delivery": "address", "delivery_address": "广州市天河区五山路381号"})
		if s != http.StatusUnprocessableEntity || !strings.Contains(b, zhiyuan.Text("card.photo_type")) {
			t.Fatalf("bad photo on the form: %d", s)
		}
		s, _, h := v.postPhoto("/me/card/apply", testPhoto(t), map[string]string{"delivery": "address", "delivery_address": "广州市天河区五山路381号"})
		if s != http.StatusSeeOther || !strings.HasPrefix(h.Get("Location"), "/me/card") {
			t.Fatalf("apply: %d", s)
		}
		if _, b := v.get("/me/card"); !strings.Contains(b, "待审核") || strings.Contains(b, `enctype="multipart/form-data"`) {
			t.Fatal("card page after applying does not show the pending application")
		}
		admin := newPageClient(e)
		admin.login(orgPageAdmin(t, e, zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: "440100"}))
		_, q := admin.get("/admin/cards")
		m := regexp.MustCompile(`name="id" value="(\d+)"`).FindStringSubmatch(q)
		if m == nil || !strings.Contains(q, "王晓明") {
			t.Fatal("the application is not in the city queue")
		}
		saveArtifact(t, "card-queue-"+e.Engine+".html", q)
		if s, _, _ := admin.post("/admin/cards/decide", url.Values{"id": {m[1]}, "action": {"approve"}}); s != http.StatusSeeOther {
			t.Fatalf("approve: %d", s)
		}
		s, _, h = admin.post("/admin/cards/batches", url.Values{"id": {m[1]}})
		if s != http.StatusSeeOther || batchLink.FindString(h.Get("Location")) == "" {
			t.Fatalf("batch: %d", s)
		}
		batch := h.Get("Location")
		if s, b := admin.get(batch); s != 200 || !strings.Contains(b, "print-list.xlsx") {
			t.Fatalf("batch page: %d", s)
		}
		req, _ := http.NewRequest("GET", e.HTTP.URL+batch+"/print-list.xlsx", nil)
		if s, b, hh := admin.do(req); s != 200 || !strings.HasPrefix(b, "PK") || !strings.Contains(hh.Get("Content-Disposition"), ".xlsx") {
			t.Fatalf("print list download: %d", s)
		}
		for _, step := range []string{"printed", "issued"} {
			if s, _, _ := admin.post(batch+"/"+step, confirmed); s != http.StatusSeeOther {
				t.Fatalf("%s: %d", step, s)
			}
		}
		_, card := v.get("/me/card")
		saveArtifact(t, "card-mine-"+e.Engine+".html", card)
		// The QR code refreshes itself without reloading the page (refresh.js), and a
		// link does it without JavaScript.
		if !strings.Contains(card, `id="card-qr" data-refresh="`) || !strings.Contains(card, `href="/me/card" data-refresh-now`) ||
			strings.Contains(card, `http-equiv="refresh"`) || !strings.Contains(card, `src="data:image/png;base64,`) ||
			!strings.Contains(card, "王晓明") || !strings.Contains(card, "有效") {
			t.Fatal("digital card page lacks the refreshing QR code or the holder")
		}
		verify := regexp.MustCompile(`href="(/verify/card/[A-Za-z0-9_-]+)"`).FindStringSubmatch(card)
		if verify == nil {
			t.Fatal("no link to the check page")
		}
		// The QR code, as a partner's phone reads it, is the address of the same check.
		if qr := pageQR(t, []byte(card)); !strings.HasSuffix(qr, verify[1]) {
			t.Errorf("the digital card's QR code reads %q, want the address ending %s", qr, verify[1])
		}
		anon := newPageClient(e)
		s, page := anon.get(verify[1])
		saveArtifact(t, "card-verify-"+e.Engine+".html", page)
		if s != 200 || !strings.Contains(page, "有效的注册志愿者证") || !strings.Contains(page, "王**") || strings.Contains(page, "王晓明") {
			t.Fatalf("public check page: %d", s)
		}
		// A changed payload is refused on the page too.
		if _, page := anon.get(verify[1][:len(verify[1])-3] + "AAA"); !strings.Contains(page, "核验未通过") {
			t.Fatal("a changed payload passes the public page")
		}
		// Lost: the page says so and the same payload fails.
		if s, _, _ := v.post("/me/card/lost", confirmed); s != http.StatusSeeOther {
			t.Fatalf("report lost: %d", s)
		}
		if _, page := anon.get(verify[1]); !strings.Contains(page, "已挂失") {
			t.Fatal("lost card still verifies on the page")
		}
		// A proof of service: no confirmed hours yet, but the proof says so and verifies.
		servertest.NeedFont(t) // the card half above has run
		if s, _, h := v.post("/me/proofs", url.Values{"organization_id": {"0"}}); s != http.StatusSeeOther || !strings.Contains(h.Get("Location"), "/me/proofs") {
			t.Fatalf("issue proof: %d", s)
		}
		_, proofs := v.get("/me/proofs")
		code := regexp.MustCompile(`/me/proofs/([0-9A-Z]{12})/pdf`).FindStringSubmatch(proofs)
		if code == nil {
			t.Fatal("no proof listed")
		}
		// Asked again with nothing changed: the same proof, said so, nothing new listed.
		if s, _, h := v.post("/me/proofs", url.Values{"organization_id": {"0"}}); s != http.StatusSeeOther ||
			!strings.Contains(h.Get("Location"), url.QueryEscape("没有变化")) || !strings.Contains(h.Get("Location"), code[1][:4]) {
			t.Fatalf("second identical proof: %d %s", s, h.Get("Location"))
		}
		if _, again := v.get("/me/proofs"); strings.Count(again, "/pdf\"") != strings.Count(proofs, "/pdf\"") {
			t.Fatal("a second identical request listed another proof")
		}
		req, _ = http.NewRequest("GET", e.HTTP.URL+"/me/proofs/"+code[1]+"/pdf", nil)
		if s, b, _ := v.do(req); s != 200 || !strings.HasPrefix(b, "%PDF") {
			t.Fatalf("proof pdf: %d", s)
		}
		if s, _ := admin.get("/me/proofs/" + code[1] + "/pdf"); s == 200 {
			t.Fatal("someone else downloads the proof")
		}
		s, _ = anon.get("/verify/proof?code=" + url.QueryEscape(strings.ToLower(code[1][:4]+"-"+code[1][4:8]+"-"+code[1][8:])))
		if s != http.StatusSeeOther {
			t.Fatalf("verify form redirect: %d", s)
		}
		if _, page = anon.get("/verify/proof/" + code[1]); !strings.Contains(page, "本平台出具") {
			t.Fatal("proof check page")
		}
		saveArtifact(t, "proof-verify-"+e.Engine+".html", page)
		if _, page = anon.get("/verify/proof/ZZZZZZZZZZZZ"); !strings.Contains(page, "核验未通过") {
			t.Fatal("unknown proof code passes")
		}

	})
}
