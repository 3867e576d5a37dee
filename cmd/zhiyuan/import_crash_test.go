package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"

	"zhiyuan"
	"zhiyuan/internal/idcard"
	"zhiyuan/internal/password"
	"zhiyuan/internal/sqlstore"
	"zhiyuan/internal/sqlstore/storetest"
)

// TestImportSurvivesKill: a 20,000-row import is killed (SIGKILL) while its job writes;
// the server started again finishes it, and the result is one clean run's: every row
// once, one volunteer per identity number, one membership each.
func TestImportSurvivesKill(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			const rows = 20_000
			db, s := dbStore(t, engine)
			defer s.Close()
			ctx := context.Background()
			org, phone := importingOrg(t, s)

			var list strings.Builder
			list.WriteString("姓名,证件号码,手机号,政治面貌\n")
			born := time.Date(2004, 1, 1, 0, 0, 0, 0, time.UTC)
			for i := range rows {
				id := idcard.Generate("440106", born.AddDate(0, 0, -i/1000), i%1000, idcard.Sex(1+i%2))
				fmt.Fprintf(&list, "学生%c,%s,139%08d,共青团员\n", '甲'+rune(i%10), id, i)
			}
			start := func() *served {
				return startServe(t, cleanEnv(), append([]string{"serve", "--addr", "127.0.0.1:0", "--job-timeout", "2s"}, db...)...)
			}
			first := start()
			base := "http://" + first.addr + "/api/v1"
			token := apiToken(t, base, phone, "test1234")
			im := apiImport(t, "POST", fmt.Sprintf("%s/organizations/%d/imports", base, org), token, []byte(list.String()), http.StatusCreated)
			for deadline := time.Now().Add(60 * time.Second); im.Status != "ready"; time.Sleep(50 * time.Millisecond) {
				if time.Now().After(deadline) {
					t.Fatalf("60 s after the upload the import is %q", im.Status)
				}
				im = apiImport(t, "GET", fmt.Sprintf("%s/imports/%d", base, im.ID), token, nil, http.StatusOK)
			}
			apiImport(t, "POST", fmt.Sprintf("%s/imports/%d/run", base, im.ID), token, nil, http.StatusAccepted)
			for deadline := time.Now().Add(60 * time.Second); im.Processed == 0; time.Sleep(5 * time.Millisecond) {
				if time.Now().After(deadline) {
					t.Fatal("60 s after the run nothing is written")
				}
				im = apiImport(t, "GET", fmt.Sprintf("%s/imports/%d", base, im.ID), token, nil, http.StatusOK)
			}
			if err := first.cmd.Process.Kill(); err != nil { // SIGKILL: the batch being written is lost
				t.Fatal(err)
			}
			<-first.done
			atKill := importCounts(t, s, im.ID)
			if atKill.Processed >= rows {
				t.Fatalf("all %d rows were written before the kill; the test checked nothing", rows)
			}

			start()
			for deadline := time.Now().Add(180 * time.Second); ; time.Sleep(100 * time.Millisecond) {
				n, err := s.JobsPending(ctx)
				if err != nil {
					t.Fatal(err)
				}
				if got := importCounts(t, s, im.ID); n == 0 && got.Status == zhiyuan.ImportDone {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("180 s after the restart: %d jobs pending, import %+v", n, importCounts(t, s, im.ID))
				}
			}
			got := importCounts(t, s, im.ID)
			if got.Processed != rows || got.Created != rows || got.Failed != 0 || got.Linked != 0 || got.Skipped != 0 {
				t.Fatalf("after the restart: %+v, want %d created", got, rows)
			}
			var volunteers, numbers, members, memberCount int
			q := func(sql string, dst *int, args ...any) {
				if err := s.DB().QueryRowContext(ctx, s.Rebind(sql), args...).Scan(dst); err != nil {
					t.Fatal(err)
				}
			}
			q("SELECT COUNT(*) FROM volunteers", &volunteers)
			q("SELECT COUNT(DISTINCT id_number_index) FROM volunteers", &numbers)
			q("SELECT COUNT(*) FROM org_members WHERE org_id = ? AND status = 'approved'", &members, org)
			q("SELECT member_count FROM organizations WHERE id = ?", &memberCount, org)
			if volunteers != rows || numbers != rows || members != rows || memberCount != rows {
				t.Fatalf("%d volunteers, %d numbers, %d members, member_count %d; want %d each", volunteers, numbers, members, memberCount, rows)
			}
			var orphans int
			q("SELECT COUNT(*) FROM accounts a WHERE a.password_hash = '' AND NOT EXISTS (SELECT 1 FROM volunteers v WHERE v.account_id = a.id)", &orphans)
			if orphans != 0 {
				t.Fatalf("%d unclaimed accounts without a volunteer", orphans)
			}
			t.Logf("%s: killed at %d of %d rows written; finished after the restart with one volunteer per number", engine, atKill.Processed, rows)
		})
	}
}

// importingOrg makes an approved organisation and its admin (password test1234).
func importingOrg(t *testing.T, s *sqlstore.Store) (org int64, phone string) {
	t.Helper()
	ctx := context.Background()
	hash, _ := password.Hash("test1234", password.Fast)
	acc := &zhiyuan.Account{Phone: "13500000002", Name: "团委书记"}
	if err := s.CreateAccount(ctx, acc, hash); err != nil {
		t.Fatal(err)
	}
	o := &zhiyuan.Organization{Name: "天河区某大学团委", Type: "团委", RegionCode: "440106",
		ContactName: "李老师", ContactPhone: "13800001111", CreatedBy: acc.ID}
	if err := s.CreateOrganization(ctx, o); err != nil {
		t.Fatal(err)
	}
	if err := s.DecideOrganization(ctx, o.ID, zhiyuan.OrgApproved, "", acc.ID, nil); err != nil {
		t.Fatal(err)
	}
	if err := s.GrantRole(ctx, acc.ID, zhiyuan.Role{Kind: zhiyuan.RoleOrgAdmin, OrgID: o.ID}, acc.ID); err != nil {
		t.Fatal(err)
	}
	return o.ID, acc.Phone
}

func apiToken(t *testing.T, base, login, pw string) string {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"login": login, "password": pw})
	res, err := http.Post(base+"/auth/token", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var tok struct{ Token string }
	json.NewDecoder(res.Body).Decode(&tok)
	if tok.Token == "" {
		t.Fatalf("login: %d", res.StatusCode)
	}
	return tok.Token
}

// importState is what the test reads of an import.
type importState struct {
	ID                                          int64
	Status                                      string
	Processed, Created, Linked, Skipped, Failed int
}

// apiImport sends an import request (a file upload when file is set) and reads the answer.
func apiImport(t *testing.T, method, url, token string, file []byte, want int) importState {
	t.Helper()
	var body bytes.Buffer
	ctype := ""
	if file != nil {
		mw := multipart.NewWriter(&body)
		fw, _ := mw.CreateFormFile("file", "list.csv")
		fw.Write(file)
		mw.Close()
		ctype = mw.FormDataContentType()
	}
	req, _ := http.NewRequest(method, url, &body)
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var im importState
	json.NewDecoder(res.Body).Decode(&im)
	if res.StatusCode != want {
		t.Fatalf("%s %s: %d, want %d", method, url, res.StatusCode, want)
	}
	return im
}

// importCounts reads the import from the database.
func importCounts(t *testing.T, s *sqlstore.Store, id int64) *zhiyuan.Import {
	t.Helper()
	im, err := s.FindImport(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return im
}
