package api_test

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"zhiyuan"
	"zhiyuan/internal/idcard"
	"zhiyuan/internal/roster"
	"zhiyuan/internal/server/servertest"
	"zhiyuan/internal/sqlstore"
)

// importResp is GET /imports/{id}.
type importResp struct {
	ID        int64  `json:"id"`
	Status    string `json:"status"`
	Total     int    `json:"total"`
	Processed int    `json:"processed"`
	Created   int    `json:"created"`
	Linked    int    `json:"linked"`
	Skipped   int    `json:"skipped"`
	Failed    int    `json:"failed"`
	Preview   struct {
		New, Existing, Conflicts, Errors int
	} `json:"preview"`
	Extra       []string `json:"extra_columns"`
	ErrorsURL   string   `json:"errors_url"`
	FirstErrors []struct {
		Line    int    `json:"line"`
		Column  string `json:"column"`
		Reason  string `json:"reason"`
		Verdict string `json:"verdict"`
	} `json:"first_errors"`
}

// person is one row of a member list, by column header.
type person map[string]string

// rosterIDs makes distinct valid resident numbers: n-th of someone born years ago.
func rosterID(n, years int) string {
	now := time.Now().In(zhiyuan.Beijing)
	birth := time.Date(now.Year()-years, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, -(n / 1000))
	sex := idcard.Male
	if n%2 == 1 {
		sex = idcard.Female
	}
	return idcard.Generate("440106", birth, n%1000, sex)
}

// rosterPhone makes distinct phones for list rows, apart from NewPhone's 137 numbers.
func rosterPhone(n int) string { return fmt.Sprintf("139%08d", n) }

// listXLSX writes rows as an .xlsx with the given header order.
func listXLSX(t testing.TB, header []string, rows []person) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	line := make([]any, len(header))
	for i, h := range header {
		line[i] = h
	}
	if err := sw.SetRow("A1", line); err != nil {
		t.Fatal(err)
	}
	for n, r := range rows {
		line := make([]any, len(header))
		for i, h := range header {
			line[i] = r[h]
		}
		cell, _ := excelize.CoordinatesToCellName(1, n+2)
		if err := sw.SetRow(cell, line); err != nil {
			t.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// listCSV writes rows as CSV in GB18030, as Excel on Chinese Windows saves it.
func listCSV(t testing.TB, header []string, rows []person) []byte {
	var b strings.Builder
	b.WriteString(strings.Join(header, ",") + "\r\n")
	for _, r := range rows {
		vals := make([]string, len(header))
		for i, h := range header {
			vals[i] = r[h]
		}
		b.WriteString(strings.Join(vals, ",") + "\r\n")
	}
	out, err := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// upload posts a file as the multipart field "file".
func upload(e *servertest.Env, path, token string, data []byte) *servertest.Response {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", "名单.xlsx")
	fw.Write(data)
	mw.Close()
	req, _ := http.NewRequest("POST", e.HTTP.URL+path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return e.Send(req)
}

func getImport(t *testing.T, e *servertest.Env, token string, id int64) importResp {
	t.Helper()
	res := e.Do("GET", fmt.Sprintf("/api/v1/imports/%d", id), token, nil)
	wantStatus(t, "get import", res, http.StatusOK)
	var im importResp
	res.Decode(&im)
	return im
}

func countVolunteers(t *testing.T, e *servertest.Env) int {
	t.Helper()
	var n int
	if err := e.Store.DB().QueryRow("SELECT COUNT(*) FROM volunteers").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// importHeader is a list's header in another order than the template's, with an extra
// column: columns are matched by name.
var importHeader = []string{roster.ColPhone, roster.ColName, "备注", roster.ColIDNumber, roster.ColIDType, roster.ColPolitical,
	roster.ColOrg, roster.ColSkills, roster.ColCategories}

// uploadAndPreview uploads a list and waits for its preview.
func uploadAndPreview(t *testing.T, e *servertest.Env, drain func(), token string, org int64, data []byte, want int) importResp {
	t.Helper()
	res := upload(e, orgPath(org, "/imports"), token, data)
	wantStatus(t, "upload", res, want)
	var im importResp
	res.Decode(&im)
	if want == http.StatusCreated && im.Status != "validating" {
		t.Fatalf("new upload is %q, want validating", im.Status)
	}
	drain()
	return getImport(t, e, token, im.ID)
}

func runImport(t *testing.T, e *servertest.Env, drain func(), token string, id int64) importResp {
	t.Helper()
	wantStatus(t, "run", e.Do("POST", fmt.Sprintf("/api/v1/imports/%d/run", id), token, nil), http.StatusAccepted)
	drain()
	im := getImport(t, e, token, id)
	if im.Status != "done" {
		t.Fatalf("after the job the import is %q", im.Status)
	}
	return im
}

// TestImportTenThousandRows is the check: a 10,000-row list with 37 bad rows of
// every kind; the preview names each, the run creates exactly the good rows, the
// corrected error sheet creates the rest, and a third upload creates nothing.
func TestImportTenThousandRows(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		drain := e.WorkJobs()
		city, _ := e.Admin(zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: "440100"})
		org, admin := approvedOrg(t, e, city, "天河区某大学团委")

		// Already registered: three people on the list (they become members) and, for
		// each conflict row, the owner of the number or the phone it collides with.
		register := func(name, id, phone string) {
			v := &zhiyuan.Volunteer{Name: name, IDType: zhiyuan.IDResident, IDNumberMasked: "440***********0000", Phone: phone,
				RegionCode: "440106", BirthDate: time.Date(1996, 5, 1, 0, 0, 0, 0, time.UTC), Sex: "female"}
			sec := sqlstore.VolunteerSecrets{PasswordHash: "x", IDNumberIndex: e.App.Keys.BlindIndex("id_number", id)}
			if err := e.Store.CreateVolunteer(t.Context(), v, sec); err != nil {
				t.Fatal(err)
			}
		}
		const size = 10_000
		rows := make([]person, size)
		for i := range rows {
			rows[i] = person{roster.ColName: "学生" + string(rune('甲'+i%10)) + string(rune('一'+i%7)), roster.ColIDNumber: rosterID(i, 19),
				roster.ColPhone: rosterPhone(i), roster.ColPolitical: "共青团员", roster.ColCategories: "教育助学、社区服务",
				roster.ColSkills: "摄影，急救", "备注": "2025级"}
		}
		rows[10][roster.ColIDType] = "居民身份证"
		rows[11][roster.ColOrg] = org.Name
		rows[12][roster.ColIDNumber] = rosterID(12, 16) // a minor: registered, consent to follow
		for _, i := range []int{20, 21, 22} {
			register(rows[i][roster.ColName], rows[i][roster.ColIDNumber], rows[i][roster.ColPhone])
		}
		// Bad rows of every kind, each with the column it is wrong in; the last three
		// are conflicts with the registry, the others break a rule.
		bad := []struct {
			col string
			set func(p person, i int)
		}{
			{roster.ColIDNumber, func(p person, i int) {
				id := p[roster.ColIDNumber]
				p[roster.ColIDNumber] = id[:17] + nextCheck(id[17])
			}},
			{roster.ColIDNumber, func(p person, i int) { p[roster.ColIDNumber] = "44010619991345001X" }},
			{roster.ColIDNumber, func(p person, i int) { p[roster.ColIDNumber] = rosterID(i, 12) }}, // under 14
			{roster.ColIDNumber, func(p person, i int) { p[roster.ColIDNumber] = "" }},
			{roster.ColPhone, func(p person, i int) { p[roster.ColPhone] = "1380013" }},
			{roster.ColName, func(p person, i int) { p[roster.ColName] = "" }},
			{roster.ColName, func(p person, i int) { p[roster.ColName] = "张3" }},
			{roster.ColPolitical, func(p person, i int) { p[roster.ColPolitical] = "无党派人士甲" }},
			{roster.ColCategories, func(p person, i int) { p[roster.ColCategories] = "星际旅行" }},
			{roster.ColIDType, func(p person, i int) { p[roster.ColIDType] = "军官证" }},
			{roster.ColOrg, func(p person, i int) { p[roster.ColOrg] = "别的学校团委" }},
			{roster.ColIDNumber, func(p person, i int) { p[roster.ColIDNumber] = rows[0][roster.ColIDNumber] }}, // duplicate number
			{roster.ColPhone, func(p person, i int) { p[roster.ColPhone] = rows[1][roster.ColPhone] }},          // duplicate phone
			{roster.ColName, func(p person, i int) { // the number is registered with another name
				p[roster.ColIDNumber], p[roster.ColPhone] = rosterID(60_000+i, 30), rosterPhone(60_000+i)
				register("周大福", p[roster.ColIDNumber], p[roster.ColPhone])
			}},
			{roster.ColPhone, func(p person, i int) { // the number is registered with another phone
				p[roster.ColIDNumber] = rosterID(70_000+i, 30)
				register(p[roster.ColName], p[roster.ColIDNumber], rosterPhone(70_000+i))
			}},
			{roster.ColPhone, func(p person, i int) { // the phone is someone else's
				p[roster.ColPhone] = rosterPhone(80_000 + i)
				register("吴小丽", rosterID(80_000+i, 30), p[roster.ColPhone])
			}},
		}
		wantCol := map[int]string{} // line → column
		for k := 0; k < 37; k++ {
			i := 100 + k*263
			bad[k%len(bad)].set(rows[i], i)
			wantCol[i+2] = bad[k%len(bad)].col
		}
		before := countVolunteers(t, e)
		data := listXLSX(t, importHeader, rows)

		// Someone else cannot import into the organisation.
		other, _ := orgUser(t, e)
		wantStatus(t, "stranger uploads", upload(e, orgPath(org.ID, "/imports"), other, data), http.StatusForbidden)

		im := uploadAndPreview(t, e, drain, admin, org.ID, data, http.StatusCreated)
		conflicts := 0
		for k := 0; k < 37; k++ {
			if k%len(bad) >= 13 {
				conflicts++
			}
		}
		if im.Status != "ready" || im.Total != size || im.Preview.New != size-37-3 || im.Preview.Existing != 3 ||
			im.Preview.Conflicts != conflicts || im.Preview.Errors != 37-conflicts {
			t.Fatalf("preview %+v, want %d new, 3 existing, %d conflicts, %d errors", im, size-40, conflicts, 37-conflicts)
		}
		if len(im.Extra) != 1 || im.Extra[0] != "备注" {
			t.Errorf("extra columns %v, want [备注]", im.Extra)
		}
		if len(im.FirstErrors) != zhiyuan.ImportPreviewErrors {
			t.Fatalf("first errors: %d", len(im.FirstErrors))
		}
		for _, fe := range im.FirstErrors {
			if wantCol[fe.Line] != fe.Column || fe.Reason == "" {
				t.Errorf("row %d: column %q (%s), want %q", fe.Line, fe.Column, fe.Reason, wantCol[fe.Line])
			}
		}
		if countVolunteers(t, e) != before {
			t.Fatal("the preview wrote volunteers")
		}

		// The error sheet names every bad row, with the column first in its reason.
		res := e.Do("GET", im.ErrorsURL, admin, nil)
		wantStatus(t, "errors.xlsx", res, http.StatusOK)
		sheet := readSheet(t, res.Body)
		if len(sheet)-1 != 37 {
			t.Fatalf("error sheet has %d rows, want 37", len(sheet)-1)
		}
		head := sheet[0]
		errCol := len(head) - 1
		if head[errCol] != roster.ColError {
			t.Fatalf("error sheet header %v", head)
		}
		k := 0
		for line := range 10_002 {
			col, ok := wantCol[line]
			if !ok {
				continue
			}
			k++
			if !strings.Contains(sheet[k][errCol], col) && !(col == roster.ColName && strings.Contains(sheet[k][errCol], "姓名")) {
				t.Errorf("error sheet row %d (line %d): %q does not name %s", k, line, sheet[k][errCol], col)
			}
		}

		// The run creates exactly the good rows and makes the registered three members.
		done := runImport(t, e, drain, admin, im.ID)
		if done.Created != size-40 || done.Linked != 3 || done.Failed != 37 || done.Processed != size || done.Skipped != 0 {
			t.Fatalf("run %+v", done)
		}
		if got := countVolunteers(t, e) - before; got != size-40 {
			t.Fatalf("%d volunteers created, want %d", got, size-40)
		}
		wantStatus(t, "run twice", e.Do("POST", fmt.Sprintf("/api/v1/imports/%d/run", im.ID), admin, nil), http.StatusConflict)

		// An imported account is unclaimed: no password opens it, and login says so as a
		// wrong password, never a 500.
		for _, pw := range []string{"", "secret123", " "} {
			res := e.Do("POST", "/api/v1/auth/token", "", map[string]string{"login": rows[0][roster.ColPhone], "password": pw})
			if res.Status != http.StatusUnauthorized && res.Status != http.StatusUnprocessableEntity {
				t.Fatalf("login to an unclaimed account with %q: %d %s", pw, res.Status, res.Body)
			}
		}

		// The corrected error sheet creates the rest.
		for k := 1; k < len(sheet); k++ {
			r := sheet[k]
			for len(r) < len(head) {
				r = append(r, "")
			}
			set := func(col, v string) { r[roster.ColumnIndex(col)] = v }
			set(roster.ColName, "改正"+string(rune('甲'+k%10)))
			set(roster.ColIDNumber, rosterID(20_000+k, 25))
			set(roster.ColPhone, rosterPhone(20_000+k))
			set(roster.ColPolitical, "共青团员")
			set(roster.ColCategories, "社区服务")
			set(roster.ColIDType, "")
			set(roster.ColOrg, "")
			sheet[k] = r
		}
		fixed := make([]person, 0, 37)
		for _, r := range sheet[1:] {
			p := person{}
			for i, h := range head {
				p[h] = r[i]
			}
			fixed = append(fixed, p)
		}
		im2 := uploadAndPreview(t, e, drain, admin, org.ID, listXLSX(t, head, fixed), http.StatusCreated)
		if im2.Preview.New != 37 || im2.Preview.Errors != 0 || im2.Preview.Conflicts != 0 {
			t.Fatalf("corrected sheet preview %+v", im2)
		}
		if got := runImport(t, e, drain, admin, im2.ID); got.Created != 37 {
			t.Fatalf("corrected sheet run %+v", got)
		}

		// The same file again is the same import; the same rows saved as GB18030 CSV are
		// a new import that creates nothing.
		again := uploadAndPreview(t, e, drain, admin, org.ID, data, http.StatusOK)
		if again.ID != im.ID {
			t.Fatalf("the same file again made import %d, not %d", again.ID, im.ID)
		}
		total := countVolunteers(t, e)
		im3 := uploadAndPreview(t, e, drain, admin, org.ID, listCSV(t, importHeader, rows), http.StatusCreated)
		if im3.Preview.New != 0 || im3.Preview.Existing != size-37 {
			t.Fatalf("third upload preview %+v", im3)
		}
		if got := runImport(t, e, drain, admin, im3.ID); got.Created != 0 || got.Linked != 0 || got.Skipped != size-37 {
			t.Fatalf("third upload run %+v", got)
		}
		if countVolunteers(t, e) != total {
			t.Fatal("the third upload created volunteers")
		}
		var members int
		e.Store.DB().QueryRow(e.Store.Rebind("SELECT member_count FROM organizations WHERE id = ?"), org.ID).Scan(&members)
		if members != size-37+37 {
			t.Fatalf("organisation has %d members, want %d", members, size)
		}
	})
}

// nextCheck returns a wrong check character in place of c.
func nextCheck(c byte) string {
	if c == '9' || c == 'X' {
		return "0"
	}
	return string(c + 1)
}

// readSheet reads the first sheet of an .xlsx.
func readSheet(t *testing.T, data []byte) [][]string {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(f.GetSheetList()[0])
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// TestImportOverlappingAtOnce: two admins import overlapping lists at the same moment;
// every person ends up registered once and a member of both, and nothing answers 5xx.
func TestImportOverlappingAtOnce(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		drain := e.WorkJobs()
		city, _ := e.Admin(zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: "440100"})
		a, adminA := approvedOrg(t, e, city, "天河区甲中学团委")
		b, adminB := approvedOrg(t, e, city, "天河区乙中学团委")
		people := make([]person, 1500)
		for i := range people {
			people[i] = person{roster.ColName: "同学" + string(rune('甲'+i%10)), roster.ColIDNumber: rosterID(i, 17),
				roster.ColPhone: rosterPhone(i)}
		}
		header := []string{roster.ColName, roster.ColIDNumber, roster.ColPhone}
		files := [][]byte{listXLSX(t, header, people[:1000]), listXLSX(t, header, people[500:])}
		tokens, orgs := []string{adminA, adminB}, []int64{a.ID, b.ID}
		ids := make([]int64, 2)
		var wg sync.WaitGroup
		for i := range 2 {
			wg.Go(func() {
				res := upload(e, orgPath(orgs[i], "/imports"), tokens[i], files[i])
				if res.Status != http.StatusCreated {
					t.Errorf("upload %d: %d %s", i, res.Status, res.Body)
				}
				var im importResp
				res.Decode(&im)
				ids[i] = im.ID
			})
		}
		wg.Wait()
		drain()
		before := countVolunteers(t, e)
		for i := range 2 {
			wg.Go(func() {
				res := e.Do("POST", fmt.Sprintf("/api/v1/imports/%d/run", ids[i]), tokens[i], nil)
				if res.Status != http.StatusAccepted {
					t.Errorf("run %d: %d %s", i, res.Status, res.Body)
				}
			})
		}
		wg.Wait()
		drain()
		sum := 0
		for i := range 2 {
			im := getImport(t, e, tokens[i], ids[i])
			if im.Status != "done" || im.Failed != 0 || im.Created+im.Linked != 1000 {
				t.Fatalf("import %d: %+v", i, im)
			}
			sum += im.Created
		}
		if got := countVolunteers(t, e) - before; got != 1500 || sum != 1500 {
			t.Fatalf("%d volunteers (%d created by the imports), want 1500 once each", got, sum)
		}
		var members int
		e.Store.DB().QueryRow(e.Store.Rebind(`SELECT COUNT(*) FROM org_members WHERE status = 'approved' AND org_id IN (?, ?)`),
			a.ID, b.ID).Scan(&members)
		if members != 2000 {
			t.Fatalf("%d memberships, want 2000", members)
		}
		// The other organisation's admin does not see the import.
		wantStatus(t, "B reads A's import", e.Do("GET", fmt.Sprintf("/api/v1/imports/%d", ids[0]), adminB, nil), http.StatusNotFound)
	})
}

// xlsxWithSheet returns a valid .xlsx whose first sheet's XML is replaced by sheet.
func xlsxWithSheet(t *testing.T, sheet func(w io.Writer)) []byte {
	t.Helper()
	base := listXLSX(t, []string{roster.ColName}, nil)
	zr, err := zip.NewReader(bytes.NewReader(base), int64(len(base)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) { return flate.NewWriter(w, flate.BestSpeed) })
	for _, f := range zr.File {
		w, err := zw.Create(f.Name)
		if err != nil {
			t.Fatal(err)
		}
		if f.Name == "xl/worksheets/sheet1.xml" {
			sheet(w)
			continue
		}
		rc, _ := f.Open()
		io.Copy(w, rc)
		rc.Close()
	}
	zw.Close()
	return out.Bytes()
}

const sheetHead = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`

// TestImportBadFiles: every file that cannot be used is a 422 naming "file" with its own
// reason, never a 500.
func TestImportBadFiles(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		city, _ := e.Admin(zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: "440100"})
		org, admin := approvedOrg(t, e, city, "天河区丙中学团委")
		header := `<row r="1"><c r="A1" t="inlineStr"><is><t>姓名</t></is></c><c r="B1" t="inlineStr"><is><t>证件号码</t></is></c><c r="C1" t="inlineStr"><is><t>手机号</t></is></c></row>`
		row2 := `<row r="2"><c r="A2" t="inlineStr"><is><t>张三</t></is></c><c r="B2" t="inlineStr"><is><t>` + rosterID(1, 20) + `</t></is></c><c r="C2"><f>13800000000+1</f><v>13800000001</v></c></row>`
		var many strings.Builder
		many.WriteString("姓名,证件号码,手机号\n")
		for i := 0; i <= zhiyuan.MaxImportRows; i++ {
			fmt.Fprintf(&many, "张三,%s,%s\n", rosterID(i, 20), rosterPhone(i))
		}
		cases := []struct {
			name   string
			data   []byte
			reason zhiyuan.Msg
		}{
			{"old xls", append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 512)...), "import.file_xls"},
			{"a picture", append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 100)...), "import.file_unknown"},
			{"a broken zip", []byte("PK\x03\x04 not really"), "import.file_unknown"},
			{"empty", nil, "import.file_empty"},
			{"no required columns", []byte("名字,电话\n张三,13800000000\n"), "import.header_missing"},
			{"a header twice", []byte("姓名,证件号码,手机号,姓名\n"), "import.header_duplicate"},
			{"only a header", []byte("姓名,证件号码,手机号\n"), "import.no_rows"},
			{"too many rows", []byte(many.String()), "import.too_many_rows"},
			{"formulas", xlsxWithSheet(t, func(w io.Writer) { io.WriteString(w, sheetHead+header+row2+`</sheetData></worksheet>`) }), "import.formula"},
			{"merged header", xlsxWithSheet(t, func(w io.Writer) {
				io.WriteString(w, sheetHead+`<row r="1"><c r="A1" t="inlineStr"><is><t>姓名</t></is></c><c r="C1" t="inlineStr"><is><t>证件号码</t></is></c><c r="D1" t="inlineStr"><is><t>手机号</t></is></c></row></sheetData><mergeCells count="1"><mergeCell ref="A1:B1"/></mergeCells></worksheet>`)
			}), "import.header_merged"},
			{"a million empty rows", xlsxWithSheet(t, func(w io.Writer) {
				io.WriteString(w, sheetHead+header)
				for i := 2; i <= 1_000_001; i++ {
					fmt.Fprintf(w, `<row r="%d" ht="20" customHeight="1"/>`, i)
				}
				io.WriteString(w, `</sheetData></worksheet>`)
			}), "import.too_many_blank_rows"},
			{"a zip bomb", xlsxWithSheet(t, func(w io.Writer) {
				io.WriteString(w, sheetHead+header+`<row r="2"><c r="A2" t="inlineStr"><is><t>`)
				zeros := make([]byte, 1<<20)
				for range zhiyuan.MaxImportUnzipBytes>>20 + 1 {
					w.Write(zeros)
				}
				io.WriteString(w, `</t></is></c></row></sheetData></worksheet>`)
			}), "import.file_unzip_limit"},
		}
		for _, c := range cases {
			res := upload(e, orgPath(org.ID, "/imports"), admin, c.data)
			_, fields := res.Reasons()
			if res.Status != http.StatusUnprocessableEntity || fields["file"] != c.reason {
				t.Errorf("%s: %d %v, want 422 file=%s", c.name, res.Status, fields, c.reason)
			}
		}
		// Over the size limit: refused while reading, as the same 422.
		res := upload(e, orgPath(org.ID, "/imports"), admin, make([]byte, zhiyuan.MaxImportBytes+100<<10))
		if _, fields := res.Reasons(); res.Status != http.StatusUnprocessableEntity || fields["file"] != "import.file_too_large" {
			t.Errorf("over the limit: %d %s", res.Status, res.Body)
		}
		// No file at all.
		res = e.Do("POST", orgPath(org.ID, "/imports"), admin, map[string]string{})
		if _, fields := res.Reasons(); res.Status != http.StatusUnprocessableEntity || fields["file"] != "import.multipart" {
			t.Errorf("JSON instead of a file: %d %s", res.Status, res.Body)
		}
		// The template downloads for anyone and goes back in as an empty list.
		tpl := e.Do("GET", "/api/v1/import-template.xlsx", "", nil)
		wantStatus(t, "template", tpl, http.StatusOK)
		f, err := excelize.OpenReader(bytes.NewReader(tpl.Body))
		if err != nil {
			t.Fatal(err)
		}
		if got := f.GetSheetList(); len(got) != 2 || got[0] != roster.TemplateSheet || got[1] != roster.InstructionsSheet {
			t.Errorf("template sheets %v", got)
		}
		dvs, _ := f.GetDataValidations(roster.TemplateSheet)
		if len(dvs) < 3 {
			t.Errorf("template has %d drop-down lists", len(dvs))
		}
		f.Close()
		res = upload(e, orgPath(org.ID, "/imports"), admin, tpl.Body)
		if _, fields := res.Reasons(); res.Status != http.StatusUnprocessableEntity || fields["file"] != "import.no_rows" {
			t.Errorf("empty template: %d %s", res.Status, res.Body)
		}
	})
}
