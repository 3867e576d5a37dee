package api_test

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"mime/multipart"
	"net/http"
	"strings"
	"sync"
	"testing"

	"zhiyuan"
	"zhiyuan/internal/server/servertest"
)

// testPDF is a small well-formed PDF whose body carries tag, so files differ.
func testPDF(tag string) []byte {
	return []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n% " + tag + "\ntrailer << /Root 1 0 R >>\n%%EOF\n")
}

// testPNG is a w × h PNG with a GPS-like text chunk's worth of nothing but pixels.
func testPNG(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), 120, 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// uploadAttachment posts data as the multipart field "file" named name.
func uploadAttachment(e *servertest.Env, token string, project int64, name string, data []byte) *servertest.Response {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(data)
	mw.Close()
	req, _ := http.NewRequest("POST", e.HTTP.URL+entryPath(project, "/attachments"), &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return e.Send(req)
}

type attachmentJSON struct {
	ID          int64  `json:"id"`
	Kind        string `json:"kind"`
	FileName    string `json:"file_name"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
	SHA256      string `json:"sha256"`
}

// TestCompetitionAttachments: PDFs and images are recognised by content (a text file
// called .pdf, a cut PDF and an oversized one are 422 on "file"); an image is re-encoded
// as JPEG; the file name is cleaned; uploads and deletions stop once the project is
// submitted (409); the download has the headers a browser needs; and only the
// organisation's admins, the reviewers and round admins in scope and the ASSIGNED judges
// may read an attachment.
func TestCompetitionAttachments(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		province, _ := e.Admin(zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: "440000"})
		city, _ := e.Admin(zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: "440100"})
		otherCity, _ := e.Admin(zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: "440300"})
		o, orgToken := approvedOrg(t, e, city, "天河区青年志愿者协会")
		_, otherOrg := approvedOrg(t, e, city, "越秀区义工联")
		round := createRound(t, e, province, roundBody(e.Store.Now(), map[string]int{"440100": 2}))
		p := draftEntry(t, e, orgToken, round, o.ID, "银龄陪伴", "440106")

		pdf := testPDF("方案")
		res := uploadAttachment(e, orgToken, p.ID, `C:\材料\项目方案"2027".pdf`, pdf)
		wantStatus(t, "upload pdf", res, http.StatusCreated)
		var doc attachmentJSON
		res.Decode(&doc)
		if doc.Kind != "pdf" || doc.ContentType != "application/pdf" || doc.Size != int64(len(pdf)) || doc.FileName != "项目方案2027.pdf" {
			t.Fatalf("stored pdf: %+v", doc)
		}
		res = uploadAttachment(e, orgToken, p.ID, "../../团队合影.PNG", testPNG(t, 300, 200))
		wantStatus(t, "upload image", res, http.StatusCreated)
		var pic attachmentJSON
		res.Decode(&pic)
		if pic.Kind != "image" || pic.ContentType != "image/jpeg" || pic.FileName != "团队合影.jpg" {
			t.Fatalf("stored image: %+v", pic)
		}

		// Refused by content, whatever the name says.
		for _, c := range []struct {
			name, why string
			data      []byte
			reason    zhiyuan.Msg
		}{
			{"说明.pdf", "text called .pdf", []byte("这不是PDF文件"), "competition.attachment_type"},
			{"方案.pdf", "a PDF cut short", testPDF("x")[:40], "competition.attachment_pdf_incomplete"},
			{"大文件.pdf", "a PDF over 10 MB", append([]byte("%PDF-1.4\n"), make([]byte, zhiyuan.CompetitionAttachmentPDFMax)...), "competition.attachment_pdf_large"},
			{"坏图.png", "a broken PNG", testPNG(t, 300, 200)[:60], "card.photo_unreadable"},
			{"空.pdf", "an empty file", nil, "competition.attachment_required"},
		} {
			res := uploadAttachment(e, orgToken, p.ID, c.name, c.data)
			if _, fields := res.Reasons(); res.Status != http.StatusUnprocessableEntity || fields["file"] != c.reason {
				t.Errorf("%s: %d %s", c.why, res.Status, res.Body)
			}
		}
		// Only the applying organisation's admins upload.
		wantStatus(t, "another org uploads", uploadAttachment(e, otherOrg, p.ID, "a.pdf", pdf), http.StatusForbidden)

		var list struct{ Items []attachmentJSON }
		e.Do("GET", entryPath(p.ID, "/attachments"), orgToken, nil).Decode(&list)
		if len(list.Items) != 2 {
			t.Fatalf("refused uploads were stored: %+v", list.Items)
		}

		// The download.
		res = e.Do("GET", fmt.Sprintf("/api/v1/competition-attachments/%d", doc.ID), orgToken, nil)
		wantStatus(t, "download", res, http.StatusOK)
		if !bytes.Equal(res.Body, pdf) || res.Header.Get("Content-Type") != "application/pdf" ||
			res.Header.Get("X-Content-Type-Options") != "nosniff" || !strings.HasPrefix(res.Header.Get("Cache-Control"), "private") {
			t.Fatalf("download headers %v", res.Header)
		}
		cd := res.Header.Get("Content-Disposition")
		if !strings.HasPrefix(cd, "attachment;") || !strings.Contains(cd, "filename*=UTF-8''%E9%A1%B9%E7%9B%AE") {
			t.Fatalf("Content-Disposition %q", cd)
		}
		res = e.Do("GET", fmt.Sprintf("/api/v1/competition-attachments/%d", pic.ID), orgToken, nil)
		if res.Status != http.StatusOK || !bytes.HasPrefix(res.Body, []byte{0xFF, 0xD8, 0xFF}) {
			t.Fatalf("the image is not served as the re-encoded JPEG: %d", res.Status)
		}

		// Deleting while a draft; then submitted: nothing changes any more.
		wantStatus(t, "delete by another org", e.Do("DELETE", fmt.Sprintf("/api/v1/competition-attachments/%d", pic.ID), otherOrg, nil), http.StatusForbidden)
		wantStatus(t, "delete", e.Do("DELETE", fmt.Sprintf("/api/v1/competition-attachments/%d", pic.ID), orgToken, nil), http.StatusNoContent)
		wantStatus(t, "deleted is gone", e.Do("GET", fmt.Sprintf("/api/v1/competition-attachments/%d", pic.ID), orgToken, nil), http.StatusNotFound)
		wantStatus(t, "submit", e.Do("POST", entryPath(p.ID, "/submit"), orgToken, nil), http.StatusOK)
		res = uploadAttachment(e, orgToken, p.ID, "补充.pdf", testPDF("late"))
		if reason, _ := res.Reasons(); res.Status != http.StatusConflict || reason != "competition.not_editable" {
			t.Fatalf("upload once submitted: %d %s", res.Status, res.Body)
		}
		wantStatus(t, "delete once submitted", e.Do("DELETE", fmt.Sprintf("/api/v1/competition-attachments/%d", doc.ID), orgToken, nil), http.StatusConflict)

		// Who reads it.
		wantStatus(t, "pass", e.Do("POST", entryPath(p.ID, "/review"), city, map[string]any{"decision": "pass"}), http.StatusOK)
		judgeA, judgeAID := addJudge(t, e, province, round, "评委甲")
		judgeB, _ := addJudge(t, e, province, round, "评委乙")
		assign(t, e, province, p.ID, judgeAID)
		stranger, _, _ := yimiaoPerson(t, e, "路人丙")
		path := fmt.Sprintf("/api/v1/competition-attachments/%d", doc.ID)
		for _, c := range []struct {
			who   string
			token string
			want  int
		}{
			{"the organisation's admin", orgToken, http.StatusOK},
			{"the city reviewing it", city, http.StatusOK},
			{"the province running the round", province, http.StatusOK},
			{"the assigned judge", judgeA, http.StatusOK},
			{"a judge not assigned", judgeB, http.StatusForbidden},
			{"another city", otherCity, http.StatusForbidden},
			{"another organisation", otherOrg, http.StatusForbidden},
			{"a volunteer", stranger, http.StatusForbidden},
			{"nobody signed in", "", http.StatusUnauthorized},
		} {
			wantStatus(t, c.who+" downloads", e.Do("GET", path, c.token, nil), c.want)
			wantStatus(t, c.who+" lists", e.Do("GET", entryPath(p.ID, "/attachments"), c.token, nil), c.want)
		}
	})
}

// TestCompetitionAttachmentLimits: a project holds at most CompetitionAttachmentsMax
// files, even with two uploads of the last place at once (the database's count under
// the project's row lock), and a returned project can take files again.
func TestCompetitionAttachmentLimits(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		province, _ := e.Admin(zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: "440000"})
		city, _ := e.Admin(zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: "440100"})
		o, orgToken := approvedOrg(t, e, city, "天河区青年志愿者协会")
		round := createRound(t, e, province, roundBody(e.Store.Now(), map[string]int{"440100": 2}))
		p := draftEntry(t, e, orgToken, round, o.ID, "银龄陪伴", "440106")
		for i := range zhiyuan.CompetitionAttachmentsMax - 1 {
			wantStatus(t, "upload", uploadAttachment(e, orgToken, p.ID, fmt.Sprintf("材料%d.pdf", i), testPDF(fmt.Sprint(i))), http.StatusCreated)
		}
		var wg sync.WaitGroup
		statuses := make([]int, 2)
		for i := range statuses {
			wg.Add(1)
			go func() {
				defer wg.Done()
				statuses[i] = uploadAttachment(e, orgToken, p.ID, "最后.pdf", testPDF(fmt.Sprint("last", i))).Status
			}()
		}
		wg.Wait()
		if !(statuses[0] == http.StatusCreated && statuses[1] == http.StatusConflict) && !(statuses[1] == http.StatusCreated && statuses[0] == http.StatusConflict) {
			t.Fatalf("two uploads of the last place: %v", statuses)
		}
		res := uploadAttachment(e, orgToken, p.ID, "再一个.pdf", testPDF("more"))
		if _, fields := res.Reasons(); res.Status != http.StatusConflict || fields["file"] != "competition.attachments_many" {
			t.Fatalf("one file too many: %d %s", res.Status, res.Body)
		}
		var list struct{ Items []attachmentJSON }
		e.Do("GET", entryPath(p.ID, "/attachments"), orgToken, nil).Decode(&list)
		if len(list.Items) != zhiyuan.CompetitionAttachmentsMax {
			t.Fatalf("%d files stored, limit %d", len(list.Items), zhiyuan.CompetitionAttachmentsMax)
		}
		// Returned for changes: a file can be swapped.
		wantStatus(t, "submit", e.Do("POST", entryPath(p.ID, "/submit"), orgToken, nil), http.StatusOK)
		wantStatus(t, "return", e.Do("POST", entryPath(p.ID, "/review"), city, map[string]any{"decision": "return", "comment": "请补充预算依据"}), http.StatusOK)
		wantStatus(t, "delete when returned", e.Do("DELETE", fmt.Sprintf("/api/v1/competition-attachments/%d", list.Items[0].ID), orgToken, nil), http.StatusNoContent)
		wantStatus(t, "upload when returned", uploadAttachment(e, orgToken, p.ID, "预算依据.pdf", testPDF("budget")), http.StatusCreated)
	})
}
