package web_test

import (
	"bytes"
	"html"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"zhiyuan/internal/server/servertest"
)

// TestFiguresSheetLink: the 数据看板's Excel link is a page's own download, holding the same
// rows as the API's /api/v1/figures.xlsx for the same scope and range; a wrong month in it
// comes back as a page naming the field, not as JSON.
func TestFiguresSheetLink(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		b := e.Browser()
		page := b.Get("/figures?region=440100&from=2026-01&to=2026-06")
		if page.Status != http.StatusOK {
			t.Fatalf("figures page: %d", page.Status)
		}
		m := regexp.MustCompile(`href="(/figures\.xlsx\?[^"]*)"`).FindSubmatch(page.Body)
		if m == nil {
			t.Fatal("the figures page has no Excel link of its own")
		}
		link := html.UnescapeString(string(m[1]))
		if !strings.Contains(link, "region=440100") || !strings.Contains(link, "from=2026-01") || !strings.Contains(link, "to=2026-06") {
			t.Fatalf("the Excel link %q is not the page's scope and range", link)
		}
		rows := func(res *servertest.Response) [][]string {
			t.Helper()
			if res.Status != http.StatusOK || !strings.Contains(res.Header.Get("Content-Type"), "spreadsheetml") {
				t.Fatalf("download: %d %s", res.Status, res.Body)
			}
			f, err := excelize.OpenReader(bytes.NewReader(res.Body))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			got, err := f.GetRows(f.GetSheetName(0))
			if err != nil {
				t.Fatal(err)
			}
			return got
		}
		fromPage := rows(b.Get(link))
		fromAPI := rows(e.Do("GET", "/api/v1/figures.xlsx?region=440100&from=2026-01&to=2026-06&by=month", "", nil))
		if len(fromPage) < 3 || len(fromPage) != len(fromAPI) {
			t.Fatalf("page's sheet has %d rows, the API's %d", len(fromPage), len(fromAPI))
		}
		for i := range fromPage {
			if strings.Join(fromPage[i], "|") != strings.Join(fromAPI[i], "|") {
				t.Fatalf("row %d: page %q, API %q", i+1, fromPage[i], fromAPI[i])
			}
		}

		bad := b.Get("/figures.xlsx?region=440100&from=2026-13&to=2026-06")
		if bad.Status != http.StatusUnprocessableEntity || !strings.Contains(string(bad.Body), "</html>") ||
			strings.HasPrefix(strings.TrimSpace(string(bad.Body)), "{") {
			t.Fatalf("a wrong month: %d %.200s", bad.Status, bad.Body)
		}
	})
}
