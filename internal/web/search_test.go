package web_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"zhiyuan/internal/server/servertest"
)

// cardTitles are the titles of the result cards of a search page, in order.
var cardTitles = regexp.MustCompile(`<h2><a href="/activities/\d+">([^<]+)</a></h2>`)

func titlesOf(body string) []string {
	var out []string
	for _, m := range cardTitles.FindAllStringSubmatch(body, -1) {
		out = append(out, m[1])
	}
	return out
}

// TestSearchFromHome: a volunteer whose home is 天河区 sees 天河区's activities first,
// then the rest of 广州, then the rest, though 江门's starts first; a visitor sees them
// in start order; a region asked for is searched as asked; the page and the API count
// the same matches.
func TestSearchFromHome(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		f := newActPages(t, e)
		for _, a := range []struct {
			title, region string
			day           int
		}{{"江门海滩清洁", "440703", 2}, {"越秀社区助老", "440104", 3}, {"天河图书整理", "440106", 4}, {"天河公园导览", "440106", 6}} {
			form := f.form(a.title)
			form.Set("region_code", a.region)
			form.Set("s0_date", f.day(a.day))
			f.create(form)
		}
		vol, _ := f.volunteer("陈思远", time.Date(1996, 4, 2, 0, 0, 0, 0, time.UTC))
		home := wantActPage(t, "volunteer's search", vol.Get("/activities"), http.StatusOK, "找到 <strong data-count=\"4\">4</strong> 个活动")
		if got, want := strings.Join(titlesOf(home), " "), "天河图书整理 天河公园导览 越秀社区助老 江门海滩清洁"; got != want {
			t.Fatalf("volunteer in 天河区 sees %s, want %s", got, want)
		}
		visitor := wantActPage(t, "visitor's search", e.Browser().Get("/activities"), http.StatusOK)
		if got, want := strings.Join(titlesOf(visitor), " "), "江门海滩清洁 越秀社区助老 天河图书整理 天河公园导览"; got != want {
			t.Fatalf("visitor sees %s, want %s", got, want)
		}
		asked := wantActPage(t, "region asked", vol.Get("/activities?region=440100"), http.StatusOK, `<details class="filter-panel" open>`, "已选 <span class=\"filter-count\">1</span> 项", "找到 <strong data-count=\"3\">3</strong> 个活动")
		if got, want := strings.Join(titlesOf(asked), " "), "越秀社区助老 天河图书整理 天河公园导览"; got != want {
			t.Fatalf("广州 asked: %s, want %s", got, want)
		}
		if strings.Contains(home, `<details class="filter-panel" open>`) {
			t.Fatal("the filter panel is open with no filter set")
		}
		var page struct {
			Items       []struct{ Title string }
			Total       int  `json:"total"`
			TotalCapped bool `json:"total_capped"`
		}
		e.Do("GET", "/api/v1/activities?limit=1", "", nil).Decode(&page)
		if page.Total != 4 || page.TotalCapped || len(page.Items) != 1 {
			t.Fatalf("API search: total %d capped %v items %d, want 4 false 1", page.Total, page.TotalCapped, len(page.Items))
		}
	})
}
