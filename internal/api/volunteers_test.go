package api_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"zhiyuan"
	"zhiyuan/internal/idcard"
	"zhiyuan/internal/pii"
	"zhiyuan/internal/server/servertest"
	"zhiyuan/internal/sqlstore"
)

var idSeq atomic.Int64

// idNumber returns a valid, fresh resident identity number of someone aged years (and
// days more) today in Beijing, issued in county.
func idNumber(county string, years, days int) string {
	now := time.Now().In(zhiyuan.Beijing)
	birth := time.Date(now.Year()-years, now.Month(), now.Day(), 0, 0, 0, 0, time.UTC).AddDate(0, 0, -days)
	sex := idcard.Male
	n := idSeq.Add(1)
	if n%2 == 0 {
		sex = idcard.Female
	}
	return idcard.Generate(county, birth, int(n%1000), sex)
}

func registration(e *servertest.Env, id string) map[string]any {
	return map[string]any{
		"name": "张小红", "id_number": id, "phone": e.NewPhone(), "password": "secret123",
		"region_code": "440106", "skills": []string{"急救", "摄影"}, "categories": []string{"elderly"},
		"political_status": "共青团员",
	}
}

type volunteerResp struct {
	ID              int64  `json:"id"`
	VolunteerNo     string `json:"volunteer_no"`
	Name            string `json:"name"`
	IDNumberMasked  string `json:"id_number_masked"`
	PhoneMasked     string `json:"phone_masked"`
	RegionCode      string `json:"region_code"`
	BirthDate       string `json:"birth_date"`
	Sex             string `json:"sex"`
	Minor           bool   `json:"minor"`
	GuardianConsent bool   `json:"guardian_consent"`
	Status          string `json:"status"`
	Skills          []string
	Email           string
}

// register registers a volunteer and returns it with an API token.
func register(t *testing.T, e *servertest.Env, body map[string]any) (volunteerResp, string) {
	t.Helper()
	res := e.Do("POST", "/api/v1/volunteers", "", body)
	if res.Status != http.StatusCreated {
		t.Fatalf("register: %d %s", res.Status, res.Body)
	}
	var v volunteerResp
	res.Decode(&v)
	return v, e.Token(body["phone"].(string), body["password"].(string))
}

func countRows(t *testing.T, s *sqlstore.Store, table string) int {
	t.Helper()
	var n int
	if err := s.DB().QueryRow("SELECT COUNT(*) FROM " + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestVolunteerRegisterAndLogin(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		id := idNumber("440106", 25, 3)
		body := registration(e, strings.ToLower(id)) // a lower-case x is accepted and normalised
		v, token := register(t, e, body)
		phone := body["phone"].(string)
		if !zhiyuan.ValidVolunteerNo(v.VolunteerNo) || v.VolunteerNo[:6] != "440106" || strings.Contains(v.VolunteerNo, id[6:14]) {
			t.Errorf("volunteer number %q", v.VolunteerNo)
		}
		if v.IDNumberMasked != id[:3]+"***********"+id[14:] || v.PhoneMasked != phone[:3]+"****"+phone[7:] {
			t.Errorf("masks %q %q", v.IDNumberMasked, v.PhoneMasked)
		}
		wantSex := "female"
		if (id[16]-'0')%2 == 1 {
			wantSex = "male"
		}
		if v.BirthDate != id[6:10]+"-"+id[10:12]+"-"+id[12:14] || v.Sex != wantSex || v.Minor || v.Status != "active" ||
			v.Name != "张小红" || v.RegionCode != "440106" {
			t.Errorf("registered %+v", v)
		}
		// Log in with the volunteer number as well as the phone.
		byNo := e.Token(v.VolunteerNo, "secret123")
		for _, tok := range []string{token, byNo} {
			res := e.Do("GET", "/api/v1/me/volunteer", tok, nil)
			var me volunteerResp
			res.Decode(&me)
			if res.Status != 200 || me.ID != v.ID || len(me.Skills) != 2 {
				t.Fatalf("me/volunteer: %d %s", res.Status, res.Body)
			}
		}
		// A mistyped volunteer number (check digit) is just a failed login.
		bad := v.VolunteerNo[:len(v.VolunteerNo)-1] + string('0'+(v.VolunteerNo[len(v.VolunteerNo)-1]-'0'+1)%10)
		if res := e.Do("POST", "/api/v1/auth/token", "", map[string]string{"login": bad, "password": "secret123"}); res.Status != 401 {
			t.Errorf("login with a wrong check digit: %d", res.Status)
		}

		// The same phone again: 409 naming phone.
		again := registration(e, idNumber("440106", 30, 0))
		again["phone"] = phone
		res := e.Do("POST", "/api/v1/volunteers", "", again)
		if code, _, f := res.Error(); res.Status != 409 || code != zhiyuan.EConflict || f["phone"] == "" {
			t.Errorf("same phone: %d %s", res.Status, res.Body)
		}
		// The same identity number again: 409 naming id_number.
		res = e.Do("POST", "/api/v1/volunteers", "", registration(e, id))
		if _, _, f := res.Error(); res.Status != 409 || f["id_number"] == "" {
			t.Errorf("same id number: %d %s", res.Status, res.Body)
		}
		if n := countRows(t, e.Store, "volunteers"); n != 1 {
			t.Errorf("%d volunteers stored, want 1", n)
		}
	})
}

func TestVolunteerBadIDNumbers(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		good := idNumber("440106", 30, 0)
		first17 := good[:17]
		wrongCheck := first17 + string("0123456789X"[(strings.IndexByte("0123456789X", good[17])+1)%11])
		feb30 := "44010619990230" + "123"
		future := time.Now().In(zhiyuan.Beijing).AddDate(0, 0, 2).Format("20060102")
		futureNo := "440106" + future + "123"
		unknownProv := "990106" + good[6:17]
		cases := map[string]string{
			"wrong check char": wrongCheck,
			"19990230":         feb30 + string(idcard.CheckChar(feb30)),
			"future":           futureNo + string(idcard.CheckChar(futureNo)),
			"17 chars":         first17,
			"19 chars":         good + "1",
			"letters":          "44010A" + good[6:],
			"unknown province": unknownProv + string(idcard.CheckChar(unknownProv)),
			"empty":            "",
		}
		accounts := countRows(t, e.Store, "accounts")
		for name, number := range cases {
			res := e.Do("POST", "/api/v1/volunteers", "", registration(e, number))
			code, _, fields := res.Error()
			if res.Status != 422 || code != zhiyuan.EInvalid || fields["id_number"] == "" {
				t.Errorf("%s (%s): %d %s", name, number, res.Status, res.Body)
			}
		}
		if n := countRows(t, e.Store, "volunteers"); n != 0 {
			t.Errorf("%d volunteers stored after bad numbers", n)
		}
		if n := countRows(t, e.Store, "accounts"); n != accounts {
			t.Errorf("accounts went from %d to %d", accounts, n)
		}
	})
}

func TestVolunteerOtherFieldChecks(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		check := func(name string, change func(b map[string]any), field string) {
			t.Helper()
			b := registration(e, idNumber("440106", 30, 0))
			change(b)
			res := e.Do("POST", "/api/v1/volunteers", "", b)
			if _, _, f := res.Error(); res.Status != 422 || f[field] == "" {
				t.Errorf("%s: %d %s, want 422 naming %s", name, res.Status, res.Body, field)
			}
		}
		check("city instead of county", func(b map[string]any) { b["region_code"] = "440100" }, "region_code")
		check("unknown region", func(b map[string]any) { b["region_code"] = "449999" }, "region_code")
		check("bad phone", func(b map[string]any) { b["phone"] = "12345" }, "phone")
		check("weak password", func(b map[string]any) { b["password"] = "short" }, "password")
		check("no name", func(b map[string]any) { b["name"] = " " }, "name")
		check("political status", func(b map[string]any) { b["political_status"] = "无党派" }, "political_status")
		check("category", func(b map[string]any) { b["categories"] = []string{"gardening"} }, "categories")
		check("id type", func(b map[string]any) { b["id_type"] = "driving_licence" }, "id_type")
		passport := func(b map[string]any) { b["id_type"], b["id_number"], b["sex"] = "passport", "E1234567", "male" }
		check("passport without birth date", passport, "birth_date")
		check("passport bad date", func(b map[string]any) { passport(b); b["birth_date"] = "1999-02-30" }, "birth_date")
		check("passport number", func(b map[string]any) { passport(b); b["birth_date"] = "1990-01-01"; b["id_number"] = "E1" }, "id_number")
		check("permit without sex", func(b map[string]any) {
			b["id_type"], b["id_number"], b["birth_date"] = "hk_macao_permit", "H12345678", "1990-05-06"
		}, "sex")
		if n := countRows(t, e.Store, "volunteers"); n != 0 {
			t.Errorf("%d volunteers stored", n)
		}

		// A valid passport registers with the birth date and sex entered.
		b := registration(e, "")
		b["id_type"], b["id_number"], b["birth_date"], b["sex"] = "passport", "e12345678", "1990-05-06", "female"
		v, _ := register(t, e, b)
		if v.BirthDate != "1990-05-06" || v.Sex != "female" || v.IDNumberMasked != "E******78" {
			t.Errorf("passport volunteer %+v", v)
		}
		// The same passport number again is a conflict; the same digits as a Taiwan permit are not.
		b2 := registration(e, "E12345678")
		b2["id_type"], b2["birth_date"], b2["sex"] = "passport", "1990-05-06", "female"
		if res := e.Do("POST", "/api/v1/volunteers", "", b2); res.Status != 409 {
			t.Errorf("same passport: %d %s", res.Status, res.Body)
		}
	})
}

func TestVolunteerMinors(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		// Turning 14 tomorrow: refused, and told why.
		res := e.Do("POST", "/api/v1/volunteers", "", registration(e, idNumber("440106", 14, -1)))
		reason, f := res.Reasons()
		if res.Status != 422 || reason != "volunteer.under_14" || f["id_number"] != "volunteer.under_14" {
			t.Errorf("13-year-old: %d %s", res.Status, res.Body)
		}
		// Exactly 14 today: registers as a minor.
		v14, _ := register(t, e, registration(e, idNumber("440106", 14, 0)))
		if !v14.Minor {
			t.Errorf("14-year-old not a minor: %+v", v14)
		}

		// A 15-year-old without consent: minor, no consent until the guardian consents.
		v, token := register(t, e, registration(e, idNumber("440106", 15, 10)))
		if !v.Minor || v.GuardianConsent {
			t.Fatalf("15-year-old %+v", v)
		}
		got, err := e.Store.FindVolunteerByID(context.Background(), v.ID)
		if err != nil || got.HasConsent() {
			t.Fatalf("HasConsent before consent: %v %v", got.HasConsent(), err)
		}
		// Guardian given without the consent flag: refused, still no consent.
		res = e.Do("POST", "/api/v1/me/volunteer/guardian-consent", token, map[string]any{"name": "张大山", "phone": e.NewPhone(), "relation": "父亲"})
		if _, _, f := res.Error(); res.Status != 422 || f["guardian.consent"] == "" {
			t.Errorf("consent without flag: %d %s", res.Status, res.Body)
		}
		guardianPhone := e.NewPhone()
		res = e.Do("POST", "/api/v1/me/volunteer/guardian-consent", token, map[string]any{"name": "张大山", "phone": guardianPhone, "relation": "父亲", "consent": true})
		if res.Status != 200 {
			t.Fatalf("consent: %d %s", res.Status, res.Body)
		}
		// Stored sealed: the store alone holds neither the name nor the phone in clear.
		got, _ = e.Store.FindVolunteerByID(context.Background(), v.ID)
		if !got.HasConsent() || got.Guardian.Name != "" || got.Guardian.Phone != "" || got.Sealed.GuardianName == nil ||
			got.Sealed.GuardianPhone == nil || got.Guardian.ConsentAt.IsZero() {
			t.Errorf("after consent: %+v", got.Guardian)
		}
		// The volunteer sees the guardian opened, the phone masked.
		var me struct {
			Guardian struct {
				Name        string `json:"name"`
				PhoneMasked string `json:"phone_masked"`
			} `json:"guardian"`
		}
		res = e.Do("GET", "/api/v1/me/volunteer", token, nil)
		res.Decode(&me)
		if res.Status != 200 || me.Guardian.Name != "张大山" || me.Guardian.PhoneMasked != pii.MaskPhone(guardianPhone) ||
			strings.Contains(string(res.Body), guardianPhone) {
			t.Errorf("own record after consent: %d %s", res.Status, res.Body)
		}

		// Consent given at registration.
		b := registration(e, idNumber("440106", 16, 0))
		b["guardian"] = map[string]any{"name": "李梅", "phone": e.NewPhone(), "relation": "母亲", "consent": true}
		v2, _ := register(t, e, b)
		if !v2.Minor || !v2.GuardianConsent {
			t.Errorf("minor with consent at registration %+v", v2)
		}
		// Guardian without consent at registration: recorded, but no consent.
		b = registration(e, idNumber("440106", 16, 1))
		b["guardian"] = map[string]any{"name": "李梅", "phone": e.NewPhone(), "relation": "母亲"}
		v3, token3 := register(t, e, b)
		got, _ = e.Store.FindVolunteerByID(context.Background(), v3.ID)
		if got.HasConsent() || got.Guardian == nil || got.Sealed.GuardianName == nil {
			t.Errorf("guardian without consent: %+v", got.Guardian)
		}
		res = e.Do("GET", "/api/v1/me/volunteer", token3, nil)
		res.Decode(&me)
		if res.Status != 200 || me.Guardian.Name != "李梅" {
			t.Errorf("own record, guardian without consent: %d %s", res.Status, res.Body)
		}
		// Bad guardian: fields named.
		b = registration(e, idNumber("440106", 16, 2))
		b["guardian"] = map[string]any{"name": "", "phone": b["phone"], "relation": "邻居", "consent": true}
		res = e.Do("POST", "/api/v1/volunteers", "", b)
		if _, _, f := res.Error(); res.Status != 422 || f["guardian.name"] == "" || f["guardian.phone"] == "" || f["guardian.relation"] == "" {
			t.Errorf("bad guardian: %d %s", res.Status, res.Body)
		}
		// An adult has no consent to give.
		_, adult := register(t, e, registration(e, idNumber("440106", 30, 0)))
		res = e.Do("POST", "/api/v1/me/volunteer/guardian-consent", adult, map[string]any{"name": "张大山", "phone": e.NewPhone(), "relation": "父亲", "consent": true})
		if res.Status != 422 {
			t.Errorf("adult consent: %d", res.Status)
		}
	})
}

func TestVolunteerConcurrentSameIDNumber(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		id := idNumber("440303", 22, 0)
		statuses := make([]int, 20)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range statuses {
			body := registration(e, id)
			body["region_code"] = "440303"
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				res := e.Do("POST", "/api/v1/volunteers", "", body)
				if res.Status == 409 {
					if _, _, f := res.Error(); f["id_number"] == "" {
						t.Errorf("409 without id_number: %s", res.Body)
					}
				}
				statuses[i] = res.Status
			}()
		}
		close(start)
		wg.Wait()
		created, conflicts := 0, 0
		for _, s := range statuses {
			switch s {
			case 201:
				created++
			case 409:
				conflicts++
			}
		}
		if created != 1 || conflicts != 19 {
			t.Fatalf("statuses %v: %d created, %d conflicts", statuses, created, conflicts)
		}
		if n := countRows(t, e.Store, "volunteers"); n != 1 {
			t.Errorf("%d volunteers", n)
		}
		if n := countRows(t, e.Store, "account_roles WHERE role = 'volunteer'"); n != 1 {
			t.Errorf("%d volunteer accounts: half-written registrations", n)
		}
	})
}

// TestVolunteerNoPlaintextIDNumber registers volunteers and searches every byte the
// database keeps (SQLite: the file and its WAL; PostgreSQL: every text and bytea column of
// every table) and the log for the identity numbers.
func TestVolunteerNoPlaintextIDNumber(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		var numbers []string
		var phone string
		for i := range 5 {
			id := idNumber("440106", 20+i, i)
			numbers = append(numbers, id)
			b := registration(e, id)
			phone = b["phone"].(string)
			register(t, e, b)
		}
		// An admin reveals one: the clear number must not land anywhere either.
		admin, _ := e.Admin(zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: "440100"})
		if res := e.Do("POST", "/api/v1/volunteers/1/reveal-id", admin, nil); res.Status != 200 {
			t.Fatalf("reveal: %d %s", res.Status, res.Body)
		}
		var haystacks [][]byte
		switch e.Engine {
		case "sqlite":
			var path string
			if err := e.Store.DB().QueryRow("SELECT file FROM pragma_database_list WHERE name = 'main'").Scan(&path); err != nil {
				t.Fatal(err)
			}
			for _, f := range []string{path, path + "-wal"} {
				b, err := os.ReadFile(f)
				if err != nil && !os.IsNotExist(err) {
					t.Fatal(err)
				}
				haystacks = append(haystacks, b)
			}
			if len(haystacks[0])+len(haystacks[1]) < 4096 {
				t.Fatalf("database files hold only %d bytes", len(haystacks[0])+len(haystacks[1]))
			}
		case "postgres":
			db := e.Store.DB()
			rows, err := db.Query(`SELECT table_name, column_name FROM information_schema.columns
				WHERE table_schema = current_schema() AND data_type IN ('text', 'bytea', 'character varying')`)
			if err != nil {
				t.Fatal(err)
			}
			var cols [][2]string
			for rows.Next() {
				var tb, c string
				rows.Scan(&tb, &c)
				cols = append(cols, [2]string{tb, c})
			}
			rows.Close()
			sawSealed := false
			for _, tc := range cols {
				r, err := db.Query(fmt.Sprintf(`SELECT %q FROM %q WHERE %q IS NOT NULL`, tc[1], tc[0], tc[1]))
				if err != nil {
					t.Fatal(err)
				}
				for r.Next() {
					var b []byte
					if err := r.Scan(&b); err != nil {
						t.Fatal(err)
					}
					haystacks = append(haystacks, b)
					sawSealed = sawSealed || tc[1] == "id_number_sealed"
				}
				r.Close()
			}
			if len(cols) < 20 || !sawSealed {
				t.Fatalf("searched only %d columns (sealed numbers seen: %v)", len(cols), sawSealed)
			}
		}
		// The search must see the stored rows: the account's phone number is kept in clear
		// (it is the login), so it has to turn up.
		found := false
		for _, h := range haystacks {
			found = found || bytes.Contains(h, []byte(phone))
		}
		if !found {
			t.Fatal("the search does not see the stored rows: phone number not found")
		}
		haystacks = append(haystacks, []byte(e.Log.String()))
		for _, h := range haystacks {
			for _, n := range numbers {
				if bytes.Contains(h, []byte(n)) || bytes.Contains(h, []byte(n[:17])) {
					t.Fatalf("identity number %s found in plain text", n)
				}
			}
		}
	})
}

func TestVolunteerAccessByID(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		idA := idNumber("440106", 30, 0)
		a, tokA := register(t, e, registration(e, idA))
		b, tokB := register(t, e, registration(e, idNumber("440106", 31, 0)))
		path := func(v volunteerResp, suffix string) string {
			return fmt.Sprintf("/api/v1/volunteers/%d%s", v.ID, suffix)
		}

		if res := e.Do("GET", path(a, ""), tokA, nil); res.Status != 200 {
			t.Errorf("own record: %d", res.Status)
		}
		// B changes the ID in the URL to A's.
		for _, res := range []*servertest.Response{
			e.Do("GET", path(a, ""), tokB, nil),
			e.Do("POST", path(a, "/reveal-id"), tokB, nil),
			e.Do("POST", path(a, "/reveal-id"), tokA, nil), // not even one's own: reveals are for admins
		} {
			if res.Status != 403 && res.Status != 404 {
				t.Errorf("volunteer on another's id: %d %s", res.Status, res.Body)
			}
		}
		if res := e.Do("GET", path(a, ""), "", nil); res.Status != 401 {
			t.Errorf("anonymous: %d", res.Status)
		}
		_ = b

		guangzhou, gzID := e.Admin(zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: "440100"})
		shenzhen, _ := e.Admin(zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: "440300"})
		res := e.Do("GET", path(a, ""), guangzhou, nil)
		var seen volunteerResp
		res.Decode(&seen)
		if res.Status != 200 || seen.IDNumberMasked == "" || strings.Contains(string(res.Body), idA) || seen.Email != "" {
			t.Errorf("admin in scope: %d %s", res.Status, res.Body)
		}
		if res := e.Do("GET", path(a, ""), shenzhen, nil); res.Status != 403 {
			t.Errorf("admin out of scope: %d", res.Status)
		}
		if res := e.Do("POST", path(a, "/reveal-id"), shenzhen, nil); res.Status != 403 {
			t.Errorf("reveal out of scope: %d", res.Status)
		}
		audits := func() []zhiyuan.AuditEntry {
			l, err := e.Store.FindAudit(context.Background(), zhiyuan.AuditFilter{RegionPrefix: "*", Action: "pii.reveal"})
			if err != nil {
				t.Fatal(err)
			}
			return l
		}
		if n := len(audits()); n != 0 {
			t.Fatalf("%d reveal entries before any reveal", n)
		}
		res = e.Do("POST", path(a, "/reveal-id"), guangzhou, nil)
		var rev struct {
			IDNumber string `json:"id_number"`
		}
		res.Decode(&rev)
		if res.Status != 200 || rev.IDNumber != idA || res.Header.Get("Cache-Control") != "no-store" {
			t.Fatalf("reveal in scope: %d %s", res.Status, res.Body)
		}
		l := audits()
		if len(l) != 1 || l[0].ActorID != gzID || l[0].TargetID != fmt.Sprint(a.ID) || l[0].RegionCode != "440106" ||
			strings.Contains(l[0].Detail, idA) {
			t.Fatalf("audit after reveal: %+v", l)
		}
		if strings.Contains(e.Log.String(), idA) {
			t.Error("revealed number in the log")
		}
		if res := e.Do("GET", "/api/v1/volunteers/999999", guangzhou, nil); res.Status != 404 {
			t.Errorf("missing volunteer: %d", res.Status)
		}
	})
}

func TestVolunteerProfileEdit(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		_, tok := register(t, e, registration(e, idNumber("440106", 30, 0)))
		res := e.Do("PATCH", "/api/v1/me/volunteer", tok, map[string]any{
			"skills": []string{"手语", " 手语 ", "编程"}, "categories": []string{"education"},
			"service_areas": []string{"440106", "440106001"}, "email": "xh@example.com", "address": "广州市天河区",
			"availability": map[string]any{"weekdays": []int{7, 6, 6}, "times": []string{"evening", "morning"}},
		})
		var v struct {
			Skills       []string
			Categories   []string
			ServiceAreas []string `json:"service_areas"`
			Availability struct {
				Weekdays []int
				Times    []string
			}
			Email           string
			PoliticalStatus string `json:"political_status"`
		}
		res.Decode(&v)
		if res.Status != 200 || fmt.Sprint(v.Skills) != "[手语 编程]" || fmt.Sprint(v.ServiceAreas) != "[440106 440106001]" ||
			fmt.Sprint(v.Availability.Weekdays) != "[6 7]" || fmt.Sprint(v.Availability.Times) != "[morning evening]" ||
			v.Email != "xh@example.com" || v.PoliticalStatus != "共青团员" {
			t.Fatalf("patch: %d %s", res.Status, res.Body)
		}
		for name, body := range map[string]map[string]any{
			"email":                 {"email": "not-an-email"},
			"service_areas":         {"service_areas": []string{"440100"}},
			"availability.weekdays": {"availability": map[string]any{"weekdays": []int{8}}},
			"availability.times":    {"availability": map[string]any{"times": []string{"night"}}},
			"categories":            {"categories": []string{"x"}},
		} {
			res := e.Do("PATCH", "/api/v1/me/volunteer", tok, body)
			if _, _, f := res.Error(); res.Status != 422 || f[name] == "" {
				t.Errorf("%s: %d %s", name, res.Status, res.Body)
			}
		}
		// Nothing of the refused changes was kept.
		res = e.Do("GET", "/api/v1/me/volunteer", tok, nil)
		res.Decode(&v)
		if v.Email != "xh@example.com" || fmt.Sprint(v.Categories) != "[education]" {
			t.Errorf("after refused patches: %s", res.Body)
		}
		// An admin without a volunteer record has no profile.
		admin, _ := e.Admin(zhiyuan.Role{Kind: zhiyuan.RolePlatform})
		if res := e.Do("GET", "/api/v1/me/volunteer", admin, nil); res.Status != 404 {
			t.Errorf("admin me/volunteer: %d", res.Status)
		}
	})
}

func TestVolunteerPasswordChange(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		body := registration(e, idNumber("440106", 30, 0))
		_, tok1 := register(t, e, body)
		tok2 := e.Token(body["phone"].(string), "secret123")
		// Used just before the change, so the server has it resolved (and kept a few seconds).
		if res := e.Do("GET", "/api/v1/me", tok2, nil); res.Status != 200 {
			t.Fatalf("other session before change: %d", res.Status)
		}
		res := e.Do("POST", "/api/v1/me/password", tok1, map[string]string{"old_password": "wrong1234", "new_password": "newpass123"})
		if _, _, f := res.Error(); res.Status != 422 || f["old_password"] == "" {
			t.Fatalf("wrong old password: %d %s", res.Status, res.Body)
		}
		res = e.Do("POST", "/api/v1/me/password", tok1, map[string]string{"old_password": "secret123", "new_password": "short"})
		if _, _, f := res.Error(); res.Status != 422 || f["new_password"] == "" {
			t.Fatalf("weak new password: %d %s", res.Status, res.Body)
		}
		res = e.Do("POST", "/api/v1/me/password", tok1, map[string]string{"old_password": "secret123", "new_password": "newpass123"})
		if res.Status != 204 {
			t.Fatalf("change: %d %s", res.Status, res.Body)
		}
		if res := e.Do("GET", "/api/v1/me", tok1, nil); res.Status != 200 {
			t.Errorf("the changing session: %d", res.Status)
		}
		if res := e.Do("GET", "/api/v1/me", tok2, nil); res.Status != 401 {
			t.Errorf("other session after change: %d", res.Status)
		}
		if res := e.Do("POST", "/api/v1/auth/token", "", map[string]string{"login": body["phone"].(string), "password": "secret123"}); res.Status != 401 {
			t.Errorf("old password still works: %d", res.Status)
		}
		e.Token(body["phone"].(string), "newpass123")
	})
}

func TestVolunteerExportAndClose(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		id := idNumber("440106", 30, 0)
		body := registration(e, id)
		v, tok := register(t, e, body)
		phone := body["phone"].(string)
		res := e.Do("GET", "/api/v1/me/export", tok, nil)
		if res.Status != 200 || !strings.Contains(res.Header.Get("Content-Disposition"), "attachment") ||
			!strings.Contains(string(res.Body), v.VolunteerNo) || !strings.Contains(string(res.Body), phone) ||
			strings.Contains(string(res.Body), id) || !strings.Contains(string(res.Body), "急救") {
			t.Fatalf("export: %d %s %s", res.Status, res.Header, res.Body)
		}

		res = e.Do("POST", "/api/v1/me/close", tok, map[string]string{"password": "wrong1234"})
		if _, _, f := res.Error(); res.Status != 422 || f["password"] == "" {
			t.Fatalf("close with wrong password: %d %s", res.Status, res.Body)
		}
		if res := e.Do("POST", "/api/v1/me/close", tok, map[string]string{"password": "secret123"}); res.Status != 204 {
			t.Fatalf("close: %d %s", res.Status, res.Body)
		}
		if res := e.Do("GET", "/api/v1/me", tok, nil); res.Status != 401 {
			t.Errorf("session after close: %d", res.Status)
		}
		for _, login := range []string{phone, v.VolunteerNo} {
			if res := e.Do("POST", "/api/v1/auth/token", "", map[string]string{"login": login, "password": "secret123"}); res.Status != 401 {
				t.Errorf("login %s after close: %d", login, res.Status)
			}
		}
		// The row stays, without personal data.
		got, err := e.Store.FindVolunteerByID(context.Background(), v.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != zhiyuan.VolunteerClosed || got.Name != zhiyuan.ClosedName || got.IDNumberMasked != "" ||
			strings.Contains(got.Phone, phone) || len(got.Skills) != 0 || got.VolunteerNo != v.VolunteerNo {
			t.Errorf("closed volunteer %+v", got)
		}
		if _, err := e.Store.VolunteerIDNumberSealed(context.Background(), v.ID); zhiyuan.ErrorCode(err) != zhiyuan.ENotFound {
			t.Errorf("sealed number kept: %v", err)
		}
		var idx any
		e.Store.DB().QueryRow(e.Store.Rebind("SELECT id_number_index FROM volunteers WHERE id = ?"), v.ID).Scan(&idx)
		if idx != nil {
			t.Errorf("blind index kept: %v", idx)
		}
		// The person may register again, with the same number and phone.
		v2, _ := register(t, e, body)
		if v2.ID == v.ID || v2.VolunteerNo == v.VolunteerNo {
			t.Errorf("re-registration reused %d %s", v2.ID, v2.VolunteerNo)
		}
	})
}
