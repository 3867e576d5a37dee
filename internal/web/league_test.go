package web_test

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"zhiyuan"
	"zhiyuan/internal/server/servertest"
	"zhiyuan/internal/sheet"
)

// leagueRows reads the units-behind list's rows off its page: unit name, roster,
// registered, rate as shown.
var leagueRow = regexp.MustCompile(`(?s)<tr><td data-label="序号">(\d+)</td><td data-label="单位" class="name"><a href="/orgs/(\d+)#league">([^<]+)</a></td><td data-label="地区">([^<]*)</td>\s*<td data-label="团员总数">(\d+)</td><td data-label="已注册团员">(\d+)</td><td data-label="注册率">(.*?)</td></tr>`)

var tags = regexp.MustCompile(`<[^>]+>`)

// TestLeagueUnitsPage checks the units-behind list a city admin opens: 广州's units only,
// lowest rate first with the figures of each subtree, 无花名册 and the >100 % flag shown,
// and the .xlsx export holding the same rows in the same order.
func TestLeagueUnitsPage(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		ids := e.LeagueTree()
		b := browserAs(t, e, orgPageAdmin(t, e, zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: "440100"}))
		res := b.Get("/admin/league")
		expectPage(t, "units behind", res, http.StatusOK, "落后单位", "共 5 个单位", zhiyuan.LeagueNoRoster)
		rows := leagueRow.FindAllStringSubmatch(string(res.Body), -1)
		var got []string
		for _, r := range rows {
			got = append(got, r[2])
		}
		want := []string{fmt.Sprint(ids["C"]), fmt.Sprint(ids["A"]), fmt.Sprint(ids["B"]), fmt.Sprint(ids["D"]), fmt.Sprint(ids["E"])}
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Fatalf("rows %v, want %v\n%s", got, want, res.Body)
		}
		if rows[1][5] != "65" || rows[1][6] != "6" || strings.TrimSpace(rows[1][7]) != "9.2%" {
			t.Errorf("A's row: %q", rows[1][1:])
		}
		if strings.Contains(string(res.Body), "测试F团委") {
			t.Error("深圳's unit on 广州's list")
		}

		// The export: the same rows, in the same order, with the same figures.
		x := b.Get("/admin/league/units.xlsx")
		if x.Status != http.StatusOK || !strings.Contains(x.Header.Get("Content-Type"), "spreadsheetml") {
			t.Fatalf("export: %d %s", x.Status, x.Header)
		}
		f, err := excelize.OpenReader(bytes.NewReader(x.Body))
		if err != nil {
			t.Fatal(err)
		}
		sheetRows, err := f.GetRows(f.GetSheetName(0))
		if err != nil {
			t.Fatal(err)
		}
		if len(sheetRows) != 2+len(rows) || strings.Join(sheetRows[1], ",") != strings.Join(sheet.LeagueUnitHeader, ",") {
			t.Fatalf("export rows: %q", sheetRows)
		}
		for i, r := range rows {
			page := []string{r[1], r[3], r[4], r[5], r[6], strings.TrimSpace(tags.ReplaceAllString(r[7], ""))}
			cells := sheetRows[i+2]
			xl := []string{cells[0], cells[1], cells[2], cells[3], cells[4], cells[5]}
			// The page flags a rate above 100 % or without a roster beside it; the sheet
			// has the rate alone in its column and the flag under 备注.
			page[5] = strings.TrimSpace(strings.TrimSuffix(page[5], "超过100%"))
			if strings.Join(page, "|") != strings.Join(xl, "|") {
				t.Errorf("row %d: page %q, sheet %q", i+1, page, xl)
			}
		}

		// Filters: a district, another order; a region outside the scope is refused.
		expectPage(t, "天河", b.Get("/admin/league?region=440106&sort=roster&order=desc"), http.StatusOK, "共 3 个单位")
		if res := b.Get("/admin/league?region=440300"); res.Status != http.StatusForbidden {
			t.Errorf("深圳 from 广州: %d", res.Status)
		}
		if res := b.Get("/admin/league/units.xlsx?region=440300"); res.Status != http.StatusForbidden {
			t.Errorf("深圳's export from 广州: %d", res.Status)
		}
		// An organisation admin has no such list.
		org := browserAs(t, e, orgPageAdmin(t, e, zhiyuan.Role{Kind: zhiyuan.RoleOrgAdmin, OrgID: ids["A"]}))
		if res := org.Get("/admin/league"); res.Status != http.StatusForbidden {
			t.Errorf("org admin: %d", res.Status)
		}
	})
}

// TestLeagueRosterForm checks the roster form on an organisation's page: its admin saves
// a count and sees the new rate; a bad count comes back at the field, tied to the input,
// with what was typed; the public page shows no rate.
func TestLeagueRosterForm(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		ids := e.LeagueTree()
		b := browserAs(t, e, orgPageAdmin(t, e, zhiyuan.Role{Kind: zhiyuan.RoleOrgAdmin, OrgID: ids["B"]}))
		page := "/orgs/" + strconv.FormatInt(ids["B"], 10)
		expectPage(t, "B's page", b.Get(page), http.StatusOK, "团员注册率", `value="20"`, "12.0%")

		res := b.Post(page+"/league-roster", url.Values{"count": {"2"}})
		if res.Status != http.StatusSeeOther || res.Header.Get("Location") != page+"?done=league#league" {
			t.Fatalf("save: %d %s", res.Status, res.Header.Get("Location"))
		}
		// 3 registered over 2 + 5: 42.9 %; B's own 1 over 2.
		expectPage(t, "after saving", b.Get(page+"?done=league"), http.StatusOK, zhiyuan.Text("notice.league.roster"), `value="2"`, "42.9%", "50.0%")

		res = b.Post(page+"/league-roster", url.Values{"count": {"-5"}})
		expectPage(t, "negative", res, http.StatusUnprocessableEntity, `value="-5"`, `aria-invalid="true"`, `aria-describedby="err-count"`,
			zhiyuan.Text("league.roster_range", "max", strconv.Itoa(zhiyuan.LeagueRosterMax)))
		expectPage(t, "not a number", b.Post(page+"/league-roster", url.Values{"count": {"很多"}}), http.StatusUnprocessableEntity,
			`value="很多"`, zhiyuan.Text("league.roster_integer"))
		expectPage(t, "unchanged", b.Get(page), http.StatusOK, `value="2"`)

		// The public page and a volunteer's show no rate, and the form refuses them.
		anon := e.Browser().Get(page)
		if anon.Status != http.StatusOK || strings.Contains(string(anon.Body), "团员注册率") {
			t.Errorf("public page: %d, shows the rate: %v", anon.Status, strings.Contains(string(anon.Body), "团员注册率"))
		}
		other := browserAs(t, e, orgPageAdmin(t, e, zhiyuan.Role{Kind: zhiyuan.RoleOrgAdmin, OrgID: ids["F"]}))
		if res := other.Post(page+"/league-roster", url.Values{"count": {"9"}}); res.Status != http.StatusForbidden {
			t.Errorf("another unit's admin: %d", res.Status)
		}
	})
}
