package web_test

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"zhiyuan"
	"zhiyuan/internal/server/servertest"
)

// TestLeagueImportPages: a unit's admin goes from the organisation page to the import
// page, a bad file comes back on the form with the reason at the file input, the
// preview names the bad row and lists the change, the apply asks first, and afterwards
// the organisation page shows the new count.
func TestLeagueImportPages(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		ids := e.LeagueTree()
		b := browserAs(t, e, orgPageAdmin(t, e, zhiyuan.Role{Kind: zhiyuan.RoleOrgAdmin, OrgID: ids["B"]}))
		at := fmt.Sprintf("/orgs/%d/league-import", ids["B"])
		if res := b.Get(fmt.Sprintf("/orgs/%d", ids["B"])); !strings.Contains(string(res.Body), `href="`+at+`"`) {
			t.Fatal("the organisation page has no link to the roster import")
		}
		page := b.Get(at)
		expectPage(t, "import page", page, http.StatusOK, "导入团员总数", fmt.Sprintf(`href="/league-rosters/template.xlsx?org_id=%d"`, ids["B"]))
		if tpl := b.Get(fmt.Sprintf("/league-rosters/template.xlsx?org_id=%d", ids["B"])); tpl.Status != http.StatusOK || !bytes.HasPrefix(tpl.Body, []byte("PK")) {
			t.Fatalf("template: %d", tpl.Status)
		}
		send := func(data string) *servertest.Response {
			var body bytes.Buffer
			mw := multipart.NewWriter(&body)
			fw, _ := mw.CreateFormFile("file", "团员总数.csv")
			fw.Write([]byte(data))
			mw.Close()
			req, _ := http.NewRequest("POST", e.HTTP.URL+at, &body)
			req.Header.Set("Content-Type", mw.FormDataContentType())
			req.Header.Set("Origin", e.HTTP.URL)
			req.Header.Set("Sec-Fetch-Site", "same-origin")
			return b.Send(req)
		}
		res := send("组织名称,备注\n测试D团委,x\n")
		expectPage(t, "a file without 团员总数", res, http.StatusUnprocessableEntity, `aria-invalid="true"`, "缺少必填列：团员总数")

		res = send("组织名称,团员总数\n测试D团委,9\n测试C团委,4\n")
		if res.Status != http.StatusSeeOther {
			t.Fatalf("upload: %d %s", res.Status, res.Body)
		}
		show := res.Header.Get("Location")
		expectPage(t, "preview", b.Get(show), http.StatusOK, `id="li-valid">1 行`, `id="li-errors">1 行`, "第 3 行",
			zhiyuan.Text("league.import_unit_out_of_scope", "name", "测试C团委"), `<td data-label="原团员总数">5</td><td data-label="新团员总数">9</td>`,
			`action="`+show+`/apply"`)
		ask := b.Get(show + "/apply")
		expectPage(t, "confirmation", ask, http.StatusOK, zhiyuan.Text("confirm.league_import_title"), zhiyuan.Text("confirm.league_import", "changes", 1))
		if res := b.Post(show+"/apply", map[string][]string{"confirm": {"1"}}); res.Status != http.StatusSeeOther {
			t.Fatalf("apply: %d %s", res.Status, res.Body)
		}
		expectPage(t, "applied", b.Get(show+"?done=applied"), http.StatusOK, zhiyuan.Text("notice.league.import_applied"), `id="li-applied">1 个单位`)
		expectPage(t, "D's page", b.Get(fmt.Sprintf("/orgs/%d", ids["D"])), http.StatusOK, `<td data-label="范围" class="name">本单位</td><td data-label="团员总数">9</td>`)
		// Applied once: the confirmation is not offered again.
		if ask := b.Get(show + "/apply"); ask.Status != http.StatusConflict {
			t.Errorf("second confirmation: %d", ask.Status)
		}
	})
}
