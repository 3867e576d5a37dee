package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"zhiyuan"
	"zhiyuan/internal/server/servertest"
)

// editForm is the edit form as a browser would submit it for an activity created from
// f.form: the activity's fields without sessions.
func editForm(f *actPages, title, description string) url.Values {
	v := f.form(title)
	for k := range v {
		if strings.HasPrefix(k, "s0_") || strings.HasPrefix(k, "s1_") || k == "publish" {
			v.Del(k)
		}
	}
	v.Set("description", description)
	return v
}

func TestActivityEditPage(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		f := newActPages(t, e)
		id := f.create(f.form("社区敬老探访"))
		page := fmt.Sprintf("/activities/%d", id)
		wantActPage(t, "activity page", f.admin.Get(page), http.StatusOK, `href="`+page+`/edit"`)
		wantActPage(t, "edit form", f.admin.Get(page+"/edit"), http.StatusOK,
			`value="社区敬老探访"`, "陪伴社区长者聊天、读报", `value="23.155"`, `value="113.35"`, "活动发布后不能更改报名方式")
		wantActPage(t, "search before", e.Browser().Get("/activities?q="+url.QueryEscape("粤剧")), http.StatusOK)
		if strings.Contains(string(e.Browser().Get("/activities?q="+url.QueryEscape("粤剧")).Body), `href="`+page+`"`) {
			t.Fatal("the search finds a word the activity does not have yet")
		}

		// Bad input: the messages next to the fields, as typed, nothing saved.
		bad := editForm(f, "", "为长者表演粤剧选段")
		wantActPage(t, "bad edit", f.admin.Post(page+"/edit", bad), http.StatusUnprocessableEntity,
			zhiyuan.Text("activity.title_required"), "为长者表演粤剧选段")
		bad = editForm(f, "社区粤剧欣赏", "")
		bad.Set("lat", "北纬")
		wantActPage(t, "bad lat", f.admin.Post(page+"/edit", bad), http.StatusUnprocessableEntity,
			zhiyuan.Text("web.decimal"), `value="北纬"`)
		bad = editForm(f, "社区粤剧欣赏", "为长者表演粤剧选段")
		bad.Set("min_age", "18")
		bad.Set("max_age", "16")
		wantActPage(t, "bad ages", f.admin.Post(page+"/edit", bad), http.StatusUnprocessableEntity,
			zhiyuan.Text("activity.max_age_below_min"), `value="社区粤剧欣赏"`)
		if a, _ := e.Store.FindActivityByID(t.Context(), id); a.Title != "社区敬老探访" || a.MinAge != 0 {
			t.Fatalf("a refused edit saved: %q, min age %d", a.Title, a.MinAge)
		}

		// Someone not managing the organisation: 403, nothing changed.
		vol, _ := f.volunteer("陈志愿", time.Date(1995, 3, 1, 0, 0, 0, 0, time.UTC))
		wantActPage(t, "volunteer form", vol.Get(page+"/edit"), http.StatusForbidden)
		wantActPage(t, "volunteer edit", vol.Post(page+"/edit", editForm(f, "被篡改的活动", "")), http.StatusForbidden)
		other := newActPages(t, e)
		wantActPage(t, "other admin edit", other.admin.Post(page+"/edit", editForm(f, "被篡改的活动", "")), http.StatusForbidden)
		if a, _ := e.Store.FindActivityByID(t.Context(), id); a.Title != "社区敬老探访" {
			t.Fatalf("title %q after refused edits", a.Title)
		}

		// The edit: back to the activity page with a notice; the search finds the new
		// words, of the title and of the description, and no longer the old one.
		// An activity placed in a street (through the API) keeps it: the form offers it,
		// chosen, rather than the first county of the list.
		a, _ := e.Store.FindActivityByID(t.Context(), id)
		a.RegionCode = "440106001"
		if err := e.Store.UpdateActivity(t.Context(), a); err != nil {
			t.Fatal(err)
		}
		wantActPage(t, "street form", f.admin.Get(page+"/edit"), http.StatusOK, `<option value="440106001" selected>五山街道</option>`)
		edit := editForm(f, "社区粤剧欣赏", "为长者表演舞狮和粤剧选段")
		edit.Set("region_code", "440106001")
		res := f.admin.Post(page+"/edit", edit)
		if res.Status != http.StatusSeeOther || res.Header.Get("Location") != page+"?done=edited" {
			t.Fatalf("edit: %d %q\n%s", res.Status, res.Header.Get("Location"), res.Body)
		}
		wantActPage(t, "after edit", f.admin.Get(res.Header.Get("Location")), http.StatusOK,
			"活动信息已更新", "社区粤剧欣赏", "为长者表演舞狮和粤剧选段")
		for _, q := range []string{"粤剧", "舞狮"} {
			wantActPage(t, "search "+q, e.Browser().Get("/activities?q="+url.QueryEscape(q)), http.StatusOK, `href="`+page+`"`)
		}
		if strings.Contains(string(e.Browser().Get("/activities?q="+url.QueryEscape("敬老")).Body), `href="`+page+`"`) {
			t.Fatal("the search still finds the old title's word")
		}
		// Sessions kept their seats; the street stayed.
		if a, _ := e.Store.FindActivityByID(t.Context(), id); len(a.Sessions) != 2 || a.Sessions[0].Capacity != 20 || a.RegionCode != "440106001" {
			t.Fatalf("after edit: region %s, sessions %+v", a.RegionCode, a.Sessions)
		}

		// A cancelled activity: the refusal is shown on the form.
		wantActPage(t, "cancel", f.admin.Post(page+"/cancel", confirmed), http.StatusSeeOther)
		wantActPage(t, "edit cancelled", f.admin.Post(page+"/edit", editForm(f, "取消后再改", "")), http.StatusConflict,
			zhiyuan.Text("activity.finished_no_edit"), `value="取消后再改"`)
	})
}
