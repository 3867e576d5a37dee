package api_test

import (
	"net/http"
	"strings"
	"testing"

	"zhiyuan"
	"zhiyuan/internal/roster"
	"zhiyuan/internal/server/servertest"
)

// TestImportRoutesToSubOrganisation: a university League committee imports its students;
// 所属组织 names the 学院团委 or 班级团支部 each belongs to, and each becomes a member there.
// A name outside the committee's approved subtree, or one that two organisations under it
// share, is a row error in that column.
func TestImportRoutesToSubOrganisation(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		drain := e.WorkJobs()
		city, _ := e.Admin(zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: "440100"})
		uni, admin := approvedOrg(t, e, city, "某大学团委")
		other, _ := approvedOrg(t, e, city, "别的大学团委")
		child := func(name string, parent int64, approve bool) orgResp {
			t.Helper()
			tok, _ := orgUser(t, e)
			o := registerOrg(t, e, tok, orgBody(name, "440106", parent))
			if approve {
				wantStatus(t, "approve "+name, e.Do("POST", orgPath(o.ID, "/approve"), city, nil), http.StatusOK)
			}
			return o
		}
		college := child("计算机学院团委", uni.ID, true)
		class := child("计算机2301班团支部", college.ID, true)
		child("二班团支部", uni.ID, true)
		child("二班团支部", college.ID, true)
		child("待审核团支部", college.ID, false)
		child("别校一班团支部", other.ID, true)

		header := []string{roster.ColName, roster.ColIDNumber, roster.ColPhone, roster.ColOrg}
		orgOf := []string{college.Name, class.Name, "", uni.Name, "二班团支部", other.Name, "待审核团支部", "别校一班团支部"}
		rows := make([]person, len(orgOf))
		for i, o := range orgOf {
			rows[i] = person{roster.ColName: "学生" + string(rune('甲'+i)), roster.ColIDNumber: rosterID(200+i, 19),
				roster.ColPhone: rosterPhone(200 + i), roster.ColOrg: o}
		}
		im := uploadAndPreview(t, e, drain, admin, uni.ID, listXLSX(t, header, rows), http.StatusCreated)
		if im.Preview.New != 4 || im.Preview.Errors != 4 {
			t.Fatalf("preview %+v", im.Preview)
		}
		for _, pe := range im.FirstErrors {
			if pe.Column != roster.ColOrg {
				t.Fatalf("line %d: error in %q, want %s: %s", pe.Line, pe.Column, roster.ColOrg, pe.Reason)
			}
			if pe.Line == 6 && !strings.Contains(pe.Reason, "2个") {
				t.Fatalf("an ambiguous name does not say how many share it: %s", pe.Reason)
			}
		}
		im = runImport(t, e, drain, admin, im.ID)
		if im.Created != 4 || im.Failed != 4 {
			t.Fatalf("run %+v", im)
		}
		count := func(org int64) (members, counted int) {
			t.Helper()
			db := e.Store.DB()
			if err := db.QueryRow(e.Store.Rebind("SELECT COUNT(*) FROM org_members WHERE org_id = ? AND status = 'approved'"), org).
				Scan(&members); err != nil {
				t.Fatal(err)
			}
			if err := db.QueryRow(e.Store.Rebind("SELECT member_count FROM organizations WHERE id = ?"), org).Scan(&counted); err != nil {
				t.Fatal(err)
			}
			return members, counted
		}
		for _, c := range []struct {
			name string
			id   int64
			want int
		}{{"the university", uni.ID, 2}, {"the college", college.ID, 1}, {"the class", class.ID, 1}, {"another university", other.ID, 0}} {
			members, counted := count(c.id)
			if members != c.want || counted != c.want {
				t.Errorf("%s: %d members (member_count %d), want %d", c.name, members, counted, c.want)
			}
		}
	})
}
