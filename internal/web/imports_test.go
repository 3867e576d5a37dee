package web_test

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"

	"zhiyuan"
	"zhiyuan/internal/idcard"
	"zhiyuan/internal/password"
	"zhiyuan/internal/server/servertest"
)

// importOrg makes an approved organisation and its admin (password secret123).
func importOrg(t *testing.T, e *servertest.Env) (org int64, phone string) {
	t.Helper()
	return importOrgNamed(t, e, "天河区某中学团委")
}

func importOrgNamed(t *testing.T, e *servertest.Env, name string) (org int64, phone string) {
	t.Helper()
	ctx := context.Background()
	hash, _ := password.Hash("secret123", password.Fast)
	acc := &zhiyuan.Account{Phone: e.NewPhone(), Name: "团委书记"}
	if err := e.Store.CreateAccount(ctx, acc, hash); err != nil {
		t.Fatal(err)
	}
	o := &zhiyuan.Organization{Name: name, Type: "团委", RegionCode: "440106",
		ContactName: "李老师", ContactPhone: "13800001111", CreatedBy: acc.ID}
	if err := e.Store.CreateOrganization(ctx, o); err != nil {
		t.Fatal(err)
	}
	if err := e.Store.DecideOrganization(ctx, o.ID, zhiyuan.OrgApproved, "", acc.ID, nil); err != nil {
		t.Fatal(err)
	}
	if err := e.Store.GrantRole(ctx, acc.ID, zhiyuan.Role{Kind: zhiyuan.RoleOrgAdmin, OrgID: o.ID}, acc.ID); err != nil {
		t.Fatal(err)
	}
	return o.ID, acc.Phone
}

// memberList is a CSV member list of n students, of whom the lines in bad have a
// broken identity number.
func memberList(n int, bad ...int) []byte {
	var b strings.Builder
	b.WriteString("姓名,证件号码,手机号,政治面貌\n")
	born := time.Date(2008, 3, 1, 0, 0, 0, 0, time.UTC)
	for i := range n {
		id := idcard.Generate("440106", born, i, idcard.Sex(1+i%2))
		for _, k := range bad {
			if k == i {
				id = id[:10] + "13" + id[12:] // month 13
			}
		}
		fmt.Fprintf(&b, "学生%c,%s,136%08d,共青团员\n", '甲'+rune(i%10), id, i)
	}
	return []byte(b.String())
}

// TestImportPages: the organisation admin uploads on the import page, sees the preview
// with the broken rows, confirms, and sees the counts; a bad file comes back on the
// form with the reason beside the file input.
func TestImportPages(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		org, phone := importOrg(t, e)
		b := e.Browser()
		b.Login(phone, "secret123")
		if res := b.Get(fmt.Sprintf("/orgs/%d", org)); !strings.Contains(string(res.Body), fmt.Sprintf("/orgs/%d/imports", org)) {
			t.Fatal("the organisation page has no link to the import page")
		}
		page := b.Get(fmt.Sprintf("/orgs/%d/imports", org))
		if page.Status != http.StatusOK || !strings.Contains(string(page.Body), `href="/import-template.xlsx"`) {
			t.Fatalf("import page: %d", page.Status)
		}
		send := func(data []byte) *servertest.Response {
			var body bytes.Buffer
			mw := multipart.NewWriter(&body)
			fw, _ := mw.CreateFormFile("file", "名单.csv")
			fw.Write(data)
			mw.Close()
			req, _ := http.NewRequest("POST", e.HTTP.URL+fmt.Sprintf("/orgs/%d/imports", org), &body)
			req.Header.Set("Content-Type", mw.FormDataContentType())
			req.Header.Set("Origin", e.HTTP.URL)
			req.Header.Set("Sec-Fetch-Site", "same-origin")
			return b.Send(req)
		}
		res := send([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0})
		if res.Status != http.StatusUnprocessableEntity || !strings.Contains(string(res.Body), `aria-invalid="true"`) ||
			!strings.Contains(string(res.Body), ".xls") {
			t.Fatalf("an .xls on the form: %d", res.Status)
		}
		res = send(memberList(40, 3, 17))
		if res.Status != http.StatusSeeOther {
			t.Fatalf("upload: %d %s", res.Status, res.Body)
		}
		at := res.Header.Get("Location")
		if live := string(b.Get(at).Body); !strings.Contains(live, "正在校验") || !strings.Contains(live, "data-refresh-now") {
			t.Fatal("a validating import shows no 刷新 link")
		}
		drain := e.WorkJobs() // only now, so that the page above was seen validating
		drain()
		preview := string(b.Get(at).Body)
		for _, want := range []string{`id="count-new">38<`, `id="count-errors">2<`, "第 5 行", "第 19 行", "errors.xlsx", `action="` + at + `/run"`} {
			if !strings.Contains(preview, want) {
				t.Errorf("preview lacks %s", want)
			}
		}
		// The confirmation asks first; the POST with confirm=1 runs.
		if ask := b.Get(at + "/run"); ask.Status != http.StatusOK || !strings.Contains(string(ask.Body), "确定开始导入吗") {
			t.Fatalf("confirmation: %d", ask.Status)
		}
		if res := b.Post(at+"/run", map[string][]string{"confirm": {"1"}}); res.Status != http.StatusSeeOther {
			t.Fatalf("run: %d %s", res.Status, res.Body)
		}
		drain()
		done := string(b.Get(at).Body)
		if !strings.Contains(done, "导入完成") || !strings.Contains(done, `id="done-created">38<`) {
			t.Fatalf("final page lacks the counts")
		}
		// The same file again is the earlier import, and its page says so.
		again := send(memberList(40, 3, 17))
		if again.Status != http.StatusSeeOther || again.Header.Get("Location") != at+"?done=same_file" {
			t.Fatalf("the same file again: %d %s", again.Status, again.Header.Get("Location"))
		}
		if page := string(b.Get(at + "?done=same_file").Body); !strings.Contains(page, "是同一个文件，没有再建新的导入") || !strings.Contains(page, "导入完成") {
			t.Fatal("the earlier import's page does not say it is the same file")
		}
		if res := b.Get(at + "/errors.xlsx"); res.Status != http.StatusOK || !strings.Contains(res.Header.Get("Content-Type"), "spreadsheetml") {
			t.Fatalf("errors.xlsx: %d", res.Status)
		}
		// Another organisation's admin does not find the import.
		_, other := importOrgNamed(t, e, "天河区另一中学团委")
		b2 := e.Browser()
		b2.Login(other, "secret123")
		if res := b2.Get(at); res.Status != http.StatusNotFound {
			t.Fatalf("another admin sees the import: %d", res.Status)
		}
	})
}
