package api_test

import (
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"zhiyuan/internal/hourstest"
	"zhiyuan/internal/pii"
	"zhiyuan/internal/proof"
	"zhiyuan/internal/server/servertest"
	"zhiyuan/internal/testneed"
)

type proofResp struct {
	Code        string  `json:"code"`
	CodeDisplay string  `json:"code_display"`
	PDFURL      string  `json:"pdf_url"`
	RecordCount int     `json:"record_count"`
	TotalHours  float64 `json:"total_hours"`
	ChainHead   string  `json:"chain_head"`
	Superseded  bool    `json:"superseded"`
}

type proofCheckResp struct {
	Valid       bool    `json:"valid"`
	Superseded  bool    `json:"superseded"`
	MaskedName  string  `json:"masked_name"`
	VolunteerNo string  `json:"volunteer_no"`
	TotalHours  float64 `json:"total_hours"`
	RecordCount int     `json:"record_count"`
	Issuer      string  `json:"issuer"`
}

func pdfToText(t *testing.T, pdf []byte) string {
	t.Helper()
	in := filepath.Join(t.TempDir(), "proof.pdf")
	if err := os.WriteFile(in, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(testneed.Poppler.Tool(t, "pdftotext"), "-enc", "UTF-8", in, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

// TestProofOfService: a volunteer with confirmed hours downloads a proof whose text has
// the Chinese name, the total and the code; the code verifies; a correction afterwards
// makes the check say superseded; nobody else can download the PDF.
func TestProofOfService(t *testing.T) {
	t.Parallel()
	servertest.NeedFont(t)
	testneed.Poppler.Tool(t, "pdftotext")
	hourstest.Each(t, 2, func(t *testing.T, h *hourstest.Env) {
		v, w := h.Volunteers[0], h.Volunteers[1]
		name := "志愿者" + v.Phone[len(v.Phone)-4:]
		h.Clock.Set(hourstest.Day("09:05"))
		h.Scan(v, h.Code(h.Session.ID), "in", nil)
		h.Clock.Set(hourstest.Day("11:50"))
		res := h.Scan(v, h.Code(h.Session.ID), "out", nil)
		var out struct {
			Entry struct {
				ID int64 `json:"id"`
			} `json:"entry"`
		}
		res.Decode(&out)
		h.Clock.Set(hourstest.Day("13:00"))
		if res := h.Do("POST", fmt.Sprintf("/api/v1/sessions/%d/hours/confirm", h.Session.ID), h.OrgToken, nil); res.Status != http.StatusOK {
			t.Fatalf("confirm: %d %s", res.Status, res.Body)
		}
		res = h.Do("POST", "/api/v1/me/proofs", v.Token, nil)
		if res.Status != http.StatusCreated {
			t.Fatalf("issue proof: %d %s", res.Status, res.Body)
		}
		var p proofResp
		res.Decode(&p)
		if _, ok := proof.NormalizeProofCode(p.Code); !ok || p.RecordCount != 1 || p.TotalHours != 2.5 || p.Superseded {
			t.Fatalf("proof %s", res.Body)
		}
		res = h.Do("GET", p.PDFURL, v.Token, nil)
		if res.Status != http.StatusOK || res.Header.Get("Content-Type") != "application/pdf" {
			t.Fatalf("pdf: %d", res.Status)
		}
		text := pdfToText(t, res.Body)
		for _, want := range []string{name, "2.5 小时", p.CodeDisplay, "社区长者探访", "天河区青年志愿者协会", p.ChainHead[:16]} {
			if !strings.Contains(text, want) {
				t.Errorf("proof text lacks %q", want)
			}
		}
		// The PDF is its owner's only.
		if res := h.Do("GET", p.PDFURL, w.Token, nil); res.Status != http.StatusNotFound {
			t.Errorf("another volunteer downloads the proof: %d", res.Status)
		}
		if res := h.Do("GET", p.PDFURL, "", nil); res.Status != http.StatusUnauthorized {
			t.Errorf("anonymous download: %d", res.Status)
		}
		var chk proofCheckResp
		h.Do("GET", "/api/v1/verify/proof/"+strings.ToLower(p.CodeDisplay), "", nil).Decode(&chk)
		if !chk.Valid || chk.Superseded || chk.TotalHours != 2.5 || chk.MaskedName != pii.MaskName(name) || chk.Issuer == "" {
			t.Fatalf("check %+v", chk)
		}
		// The volunteer number is a login: the public check shows it masked, page and API.
		if chk.VolunteerNo != pii.MaskVolunteerNo(v.No) || strings.Contains(chk.VolunteerNo, v.No[4:len(v.No)-3]) {
			t.Errorf("public check shows volunteer number %q for %s", chk.VolunteerNo, v.No)
		}
		if page := h.Do("GET", "/verify/proof/"+p.Code, "", nil); page.Status != http.StatusOK ||
			strings.Contains(string(page.Body), v.No) || !strings.Contains(string(page.Body), pii.MaskVolunteerNo(v.No)) {
			t.Errorf("proof check page: %d, shows the full volunteer number or not the masked one", page.Status)
		}
		h.Do("GET", "/api/v1/verify/proof/ZZZZZZZZZZZZ", "", nil).Decode(&chk)
		if chk.Valid {
			t.Fatal("an unknown code verifies")
		}
		// A proof in the organisation's name, and one for an organisation without records.
		res = h.Do("POST", "/api/v1/me/proofs", v.Token, map[string]any{"organization_id": h.Org.ID})
		var orgProof proofResp
		res.Decode(&orgProof)
		if res.Status != http.StatusCreated || orgProof.RecordCount != 1 {
			t.Fatalf("org proof: %d %s", res.Status, res.Body)
		}
		if res := h.Do("POST", "/api/v1/me/proofs", w.Token, map[string]any{"organization_id": h.Org.ID}); res.Status != http.StatusUnprocessableEntity {
			t.Errorf("proof of no records: %d %s", res.Status, res.Body)
		}
		// A correction of the covered record: the proof is superseded, a new one is not.
		res = h.Do("POST", fmt.Sprintf("/api/v1/hour-entries/%d/corrections", out.Entry.ID), h.OrgToken, map[string]any{"hours": -1, "reason": "中途离开一小时"})
		if res.Status != http.StatusCreated {
			t.Fatalf("correction: %d %s", res.Status, res.Body)
		}
		h.Do("GET", "/api/v1/verify/proof/"+p.Code, "", nil).Decode(&chk)
		if !chk.Valid || !chk.Superseded {
			t.Fatalf("after correction: %+v", chk)
		}
		var p2 proofResp
		h.Do("POST", "/api/v1/me/proofs", v.Token, nil).Decode(&p2)
		h.Do("GET", "/api/v1/verify/proof/"+p2.Code, "", nil).Decode(&chk)
		if chk.Superseded || chk.TotalHours != 1.5 {
			t.Fatalf("new proof after correction: %+v", chk)
		}
		if !strings.Contains(pdfToText(t, h.Do("GET", p2.PDFURL, v.Token, nil).Body), "1.5 小时") {
			t.Error("new proof does not show the corrected total")
		}
		var list struct{ Items []proofResp }
		h.Do("GET", "/api/v1/me/proofs", v.Token, nil).Decode(&list)
		if len(list.Items) != 3 || !list.Items[2].Superseded {
			t.Errorf("my proofs %+v", list.Items)
		}
	})
}

// TestProofWithoutFont: with no CJK font the platform still runs, and a proof request
// says clearly why it cannot be made instead of producing boxes.
func TestProofWithoutFont(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		_, token := register(t, e, registration(e, idNumber("440106", 25, 4)))
		e.App.SetProofFont(nil)
		res := e.Do("POST", "/api/v1/me/proofs", token, nil)
		reason, _ := res.Reasons()
		if _, msg, _ := res.Error(); res.Status != http.StatusConflict || reason != "proof.no_font" || !strings.Contains(msg, "fonts-droid-fallback") {
			t.Fatalf("proof without a font: %d %s", res.Status, res.Body)
		}
		if n := countRows(t, e.Store, "proofs"); n != 0 {
			t.Fatalf("%d proofs stored", n)
		}
	})
}
