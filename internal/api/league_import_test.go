package api_test

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"zhiyuan"
	"zhiyuan/internal/server/servertest"
)

type leagueImportResp struct {
	ID      int64  `json:"id"`
	OrgID   *int64 `json:"org_id"`
	Status  string `json:"status"`
	Total   int    `json:"total"`
	Valid   int    `json:"valid"`
	Errors  int    `json:"errors"`
	Changes int    `json:"changes"`
	Applied int    `json:"applied"`
	BadRows []struct {
		Line   int    `json:"line"`
		Unit   string `json:"unit"`
		Column string `json:"column"`
		Reason string `json:"reason"`
	} `json:"bad_rows"`
	Changed []struct {
		Line  int   `json:"line"`
		OrgID int64 `json:"org_id"`
		Old   int   `json:"old"`
		Count int   `json:"count"`
	} `json:"changed_rows"`
}

// leagueExtraUnits adds to the League tree G (天河, with a credit code), H and H2 (天河),
// and a second 测试D团委 directly under A (天河 too): named like D, which sits under B.
func leagueExtraUnits(t *testing.T, e *servertest.Env, ids servertest.LeagueTree) {
	t.Helper()
	var owner int64
	if err := e.Store.DB().QueryRow(e.Store.Rebind("SELECT created_by FROM organizations WHERE id = ?"), ids["A"]).Scan(&owner); err != nil {
		t.Fatal(err)
	}
	mk := func(name string, parent int64, code string) *zhiyuan.Organization {
		return &zhiyuan.Organization{Name: name, Type: "团委", RegionCode: "440106", ParentID: parent, CreditCode: code,
			ContactName: "王老师", ContactPhone: "13800138000", Status: zhiyuan.OrgApproved, CreatedBy: owner}
	}
	orgs := []*zhiyuan.Organization{mk("测试G团委", 0, leagueCodeG), mk("测试H团委", 0, ""), mk("测试H2团委", 0, ""), mk("测试D团委", ids["A"], "")}
	if err := e.Store.BulkCreateOrganizations(t.Context(), orgs); err != nil {
		t.Fatal(err)
	}
	ids["G"], ids["H"], ids["H2"], ids["D2"] = orgs[0].ID, orgs[1].ID, orgs[2].ID, orgs[3].ID
}

const leagueCodeG = "91440106MA59ABCD1X"

func orgRate(t *testing.T, e *servertest.Env, token string, id int64) leagueOrgResp {
	t.Helper()
	res := e.Do("GET", fmt.Sprintf("/api/v1/organizations/%d/league-rate", id), token, nil)
	if res.Status != http.StatusOK {
		t.Fatalf("league rate of %d: %d %s", id, res.Status, res.Body)
	}
	var got leagueOrgResp
	res.Decode(&got)
	return got
}

// TestLeagueRosterImport checks a regional admin's roster list: every kind of bad row is
// named with its column and reason (unknown unit by name and by code, two units of the
// name, out of the region, pending, a name that is not the code's, a unit twice, a count
// that is not a whole number from 0), nothing changes before the apply, and the apply
// sets the good rows' counts with their audit entries, so the rates change; a second
// apply, or two at once, applies once.
func TestLeagueRosterImport(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		ids := e.LeagueTree()
		leagueExtraUnits(t, e, ids)
		tianhe, adminID := e.Admin(zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: "440106"})

		// The template lists the units of 天河 with their counts, read back as a list.
		tpl := e.Do("GET", "/api/v1/league-rosters/template.xlsx", tianhe, nil)
		if tpl.Status != http.StatusOK || !strings.HasPrefix(string(tpl.Body), "PK") {
			t.Fatalf("template: %d", tpl.Status)
		}
		res := upload(e, "/api/v1/league-rosters/imports", tianhe, tpl.Body)
		var unchanged leagueImportResp
		res.Decode(&unchanged)
		// The approved units of 天河: A B D G H H2 D2 (E is 海珠's, C 越秀's, P pending), the
		// two 测试D团委 told apart by their numbers.
		if res.Status != http.StatusCreated || unchanged.Total != 7 || unchanged.Errors != 0 || unchanged.Changes != 0 {
			t.Fatalf("template uploaded as it is: %d %s", res.Status, res.Body)
		}

		csv := "组织名称,统一社会信用代码,团员总数,备注\n" +
			"测试B团委,,25,\n" + // 2: good, 20 → 25
			"测试D团委,,8,\n" + // 3: two units of the name in 天河
			"测试C团委,,40,\n" + // 4: 越秀, not 天河's
			"不存在的单位,,3,\n" + // 5: unknown
			"测试P团委,,3,\n" + // 6: pending
			"测试A团委,,12,\n" + // 7: twice
			"错的名称," + leagueCodeG + ",7,\n" + // 8: the code is G's
			"测试A团委,,13,\n" + // 9: twice
			",91440106MA59ZZZZ0Y,4,\n" + // 10: no such code
			"测试H团委,,-5,\n" + // 11: negative
			"测试H2团委,,十二,\n" + // 12: not a number
			"," + strings.ToLower(leagueCodeG) + ",\"1,009\",\n" // 13: good by code, 0 → 1009
		res = upload(e, "/api/v1/league-rosters/imports", tianhe, []byte(csv))
		if res.Status != http.StatusCreated {
			t.Fatalf("upload: %d %s", res.Status, res.Body)
		}
		var im leagueImportResp
		res.Decode(&im)
		if im.Status != "ready" || im.OrgID != nil || im.Total != 12 || im.Valid != 2 || im.Errors != 10 || im.Changes != 2 {
			t.Fatalf("preview: %s", res.Body)
		}
		want := map[int]struct {
			col    string
			reason string
		}{
			3:  {"组织名称", zhiyuan.Text("league.import_unit_ambiguous", "n", 2, "name", "测试D团委")},
			4:  {"组织名称", zhiyuan.Text("league.import_unit_out_of_scope", "name", "测试C团委")},
			5:  {"组织名称", zhiyuan.Text("league.import_unit_unknown_name", "name", "不存在的单位")},
			6:  {"组织名称", zhiyuan.Text("league.import_unit_not_approved", "name", "测试P团委")},
			7:  {"组织名称", zhiyuan.Text("league.import_duplicate", "lines", "7、9")},
			8:  {"组织名称", zhiyuan.Text("league.import_unit_mismatch", "column", "统一社会信用代码", "unit", leagueCodeG, "name", "测试G团委")},
			9:  {"组织名称", zhiyuan.Text("league.import_duplicate", "lines", "7、9")},
			10: {"统一社会信用代码", zhiyuan.Text("league.import_unit_unknown_code", "code", "91440106MA59ZZZZ0Y")},
			11: {"团员总数", zhiyuan.Text("league.roster_range", "max", zhiyuan.LeagueRosterMax)},
			12: {"团员总数", zhiyuan.Text("league.roster_integer")},
		}
		if len(im.BadRows) != len(want) {
			t.Fatalf("bad rows: %+v", im.BadRows)
		}
		for _, b := range im.BadRows {
			if w := want[b.Line]; b.Column != w.col || b.Reason != w.reason {
				t.Errorf("line %d: %s %q, want %s %q", b.Line, b.Column, b.Reason, w.col, w.reason)
			}
		}
		if len(im.Changed) != 2 || im.Changed[0].Line != 2 || im.Changed[0].Old != 20 || im.Changed[0].Count != 25 ||
			im.Changed[1].OrgID != ids["G"] || im.Changed[1].Count != 1009 {
			t.Fatalf("changes: %+v", im.Changed)
		}
		// The preview changed nothing.
		if got := orgRate(t, e, tianhe, ids["B"]); got.Own.figure() != rate(1, 20) {
			t.Fatalf("B before the apply: %+v", got.Own)
		}

		// Others: a volunteer may not import, nor see the import; nor may another region.
		vol, _ := orgVolunteer(t, e, "路人")
		if res := upload(e, "/api/v1/league-rosters/imports", vol, []byte(csv)); res.Status != http.StatusForbidden {
			t.Errorf("volunteer upload: %d %s", res.Status, res.Body)
		}
		path := fmt.Sprintf("/api/v1/league-rosters/imports/%d", im.ID)
		shenzhen, _ := e.Admin(zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: "440300"})
		for _, tok := range []string{vol, shenzhen} {
			if res := e.Do("GET", path, tok, nil); res.Status != http.StatusNotFound {
				t.Errorf("someone else reads the import: %d", res.Status)
			}
			if res := e.Do("POST", path+"/apply", tok, nil); res.Status != http.StatusNotFound {
				t.Errorf("someone else applies the import: %d", res.Status)
			}
		}

		// Two applies at once: one applies, the other is told it was.
		statuses := make([]int, 2)
		var wg sync.WaitGroup
		for i := range statuses {
			wg.Add(1)
			go func() {
				defer wg.Done()
				statuses[i] = e.Do("POST", path+"/apply", tianhe, nil).Status
			}()
		}
		wg.Wait()
		if !(statuses[0] == http.StatusOK && statuses[1] == http.StatusConflict) && !(statuses[1] == http.StatusOK && statuses[0] == http.StatusConflict) {
			t.Fatalf("two applies: %v", statuses)
		}
		var done leagueImportResp
		e.Do("GET", path, tianhe, nil).Decode(&done)
		if done.Status != "applied" || done.Applied != 2 {
			t.Fatalf("after the apply: %+v", done)
		}
		// The rates move: B's own and A's subtree (10 + 25 + 5 + 0 + 30 + D2's 0).
		if got := orgRate(t, e, tianhe, ids["B"]); got.Own.figure() != rate(1, 25) || got.Subtree.figure() != rate(3, 30) {
			t.Errorf("B after the apply: own %+v subtree %+v", got.Own.figure(), got.Subtree.figure())
		}
		if got := orgRate(t, e, tianhe, ids["G"]); got.Own.Roster != 1009 {
			t.Errorf("G after the apply: %+v", got.Own)
		}
		entries, err := e.Store.FindAudit(t.Context(), zhiyuan.AuditFilter{RegionPrefix: "*", Action: "org.league_roster", ActorID: adminID})
		if err != nil {
			t.Fatal(err)
		}
		audited := map[int64]string{}
		for _, en := range entries {
			audited[en.OrgID] = en.Detail
		}
		if len(entries) != 2 || !strings.Contains(audited[ids["B"]], "20 → 25") || !strings.Contains(audited[ids["G"]], "0 → 1009") {
			t.Fatalf("audit entries: %+v", entries)
		}
	})
}

// TestLeagueRosterImportUnit checks a unit admin's import, limited to its subtree: a name
// that is two units for the region is one in the subtree, the units above and beside it
// are out of scope, another unit's import is refused, and a file that is not a list is a
// 422 naming the file.
func TestLeagueRosterImportUnit(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		ids := e.LeagueTree()
		leagueExtraUnits(t, e, ids)
		tokenB, _ := e.Admin(zhiyuan.Role{Kind: zhiyuan.RoleOrgAdmin, OrgID: ids["B"]})
		path := fmt.Sprintf("/api/v1/league-rosters/imports?org_id=%d", ids["B"])
		before := orgRate(t, e, tokenB, ids["B"])

		res := upload(e, path, tokenB, []byte("团员总数,组织名称\n6,测试D团委\n1,测试A团委\n1,测试C团委\n4,测试E团委\n"))
		var im leagueImportResp
		res.Decode(&im)
		if res.Status != http.StatusCreated || im.OrgID == nil || *im.OrgID != ids["B"] || im.Valid != 2 || im.Errors != 2 {
			t.Fatalf("B's upload: %d %s", res.Status, res.Body)
		}
		for _, b := range im.BadRows {
			if b.Reason != zhiyuan.Text("league.import_unit_out_of_scope", "name", b.Unit) {
				t.Errorf("line %d: %s", b.Line, b.Reason)
			}
		}
		if res := e.Do("POST", fmt.Sprintf("/api/v1/league-rosters/imports/%d/apply", im.ID), tokenB, nil); res.Status != http.StatusOK {
			t.Fatalf("apply: %d %s", res.Status, res.Body)
		}
		// D 5 → 6, E 0 → 4: B's subtree roster grows by 5.
		if got := orgRate(t, e, tokenB, ids["B"]); got.Subtree.Roster != before.Subtree.Roster+5 || got.Subtree.Members != before.Subtree.Members {
			t.Errorf("B's subtree: %+v, before %+v", got.Subtree, before.Subtree)
		}

		// B's admin may not import for A, nor its template.
		if res := upload(e, fmt.Sprintf("/api/v1/league-rosters/imports?org_id=%d", ids["A"]), tokenB, []byte("组织名称,团员总数\n测试A团委,1\n")); res.Status != http.StatusForbidden {
			t.Errorf("B's admin importing for A: %d", res.Status)
		}
		if res := e.Do("GET", fmt.Sprintf("/api/v1/league-rosters/template.xlsx?org_id=%d", ids["A"]), tokenB, nil); res.Status != http.StatusForbidden {
			t.Errorf("B's admin fetching A's template: %d", res.Status)
		}
		// Files that are not a roster list.
		for name, data := range map[string]string{
			"no count column": "组织名称,备注\n测试D团委,x\n",
			"no unit column":  "团员总数\n3\n",
			"not a sheet":     "\x00\x01\x02",
		} {
			res := upload(e, path, tokenB, []byte(data))
			if _, fields := res.Reasons(); res.Status != http.StatusUnprocessableEntity || fields["file"] == "" {
				t.Errorf("%s: %d %s", name, res.Status, res.Body)
			}
		}
	})
}
