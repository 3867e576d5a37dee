package demo

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"zhiyuan"
	"zhiyuan/internal/app"
	"zhiyuan/internal/idcard"
	"zhiyuan/internal/password"
	"zhiyuan/internal/pii"
	"zhiyuan/internal/region"
	"zhiyuan/internal/sqlstore"
	"zhiyuan/internal/sqlstore/storetest"
)

// TestFillVolunteers checks that demo volunteers are what registration would have made:
// valid and unique identity numbers that open with the keys and collide with a real
// registration of the same number, valid volunteer numbers from the same counters,
// believable ages and statuses, and the known logins work.
func TestFillVolunteers(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		keys, _ := pii.NewKeys()
		cfg := app.DefaultConfig()
		cfg.Password = password.Fast
		a := app.New(s, keys, region.Default(), slog.New(slog.NewTextHandler(io.Discard, nil)), cfg)
		var accounts []Account
		const n = 2500 // three INSERT chunks of BulkCreateVolunteers
		if err := fillVolunteers(ctx, a, s, Options{Volunteers: n, Seed: 7}, &accounts); err != nil {
			t.Fatal(err)
		}
		if len(accounts) != 2 || accounts[0].Login != "13800000001" {
			t.Fatalf("accounts %+v", accounts)
		}
		for _, acc := range accounts {
			if _, _, err := a.Login(ctx, acc.Login, Password, zhiyuan.SessionAPI); err != nil {
				t.Errorf("login %s: %v", acc.Login, err)
			}
		}
		minor, err := s.FindVolunteerByAccountID(ctx, mustAccount(t, s, "13800000002"))
		if err != nil || !minor.Minor || !minor.HasConsent() {
			t.Fatalf("known minor %+v %v", minor, err)
		}

		rows, err := s.DB().QueryContext(ctx, `SELECT id, volunteer_no, id_number_sealed, id_number_index, region_code, minor,
			political_status, guardian_consent_at IS NOT NULL FROM volunteers`)
		if err != nil {
			t.Fatal(err)
		}
		now := s.Now()
		seenNo := map[string]bool{}
		var count, minors, consented, league, first int
		var firstNumber string
		for rows.Next() {
			var id int64
			var no, index, county, political string
			var sealed []byte
			var isMinor, consent bool
			if err := rows.Scan(&id, &no, &sealed, &index, &county, &isMinor, &political, &consent); err != nil {
				t.Fatal(err)
			}
			number, err := keys.Open(sealed, "id_number")
			if err != nil {
				t.Fatalf("volunteer %d: %v", id, err)
			}
			parsed, err := idcard.Parse(number, now.In(zhiyuan.Beijing))
			if err != nil || keys.BlindIndex("id_number", number) != index || parsed.RegionCode() != county {
				t.Fatalf("volunteer %d: number %v, index matches %v", id, err, keys.BlindIndex("id_number", number) == index)
			}
			age := parsed.Age(now.In(zhiyuan.Beijing))
			if age < 14 || age > 80 || isMinor != (age < 18) {
				t.Fatalf("volunteer %d: age %d, minor %v", id, age, isMinor)
			}
			if !zhiyuan.ValidVolunteerNo(no) || no[:6] != county || seenNo[no] {
				t.Fatalf("volunteer number %q", no)
			}
			seenNo[no] = true
			if !region.Default().IsCounty(county) || county[:2] != "44" {
				t.Fatalf("county %s", county)
			}
			count++
			if isMinor {
				minors++
				if consent {
					consented++
				}
			}
			if political == "共青团员" {
				league++
			}
			if first == 0 {
				first, firstNumber = int(id), number
			}
		}
		rows.Close()
		if count != n+2 {
			t.Fatalf("%d volunteers, want %d", count, n+2)
		}
		if minors < n/50 || consented == 0 || consented == minors || league < n/10 {
			t.Errorf("%d minors (%d with consent), %d League members of %d", minors, consented, league, count)
		}
		// Every minor's guardian is sealed like a registration's, none in clear, and the known
		// minor sees theirs.
		var sealedGuardians, clear int
		s.DB().QueryRowContext(ctx, "SELECT COUNT(*) FROM volunteers WHERE minor AND guardian_name_sealed IS NOT NULL AND guardian_phone_sealed IS NOT NULL").Scan(&sealedGuardians)
		s.DB().QueryRowContext(ctx, "SELECT COUNT(*) FROM volunteers WHERE guardian_name <> '' OR guardian_phone <> ''").Scan(&clear)
		if sealedGuardians != minors || clear != 0 {
			t.Errorf("%d of %d minors with a sealed guardian, %d in clear", sealedGuardians, minors, clear)
		}
		own, err := a.MyVolunteer(ctx, &zhiyuan.Principal{AccountID: minor.AccountID, Roles: []zhiyuan.Role{{Kind: zhiyuan.RoleVolunteer}}})
		if err != nil || own.Guardian == nil || own.Guardian.Name != "李建国" || own.Guardian.Phone != "13800000003" {
			t.Errorf("known minor's own guardian: %+v %v", own, err)
		}
		// Demo rows behave like registered ones: the same number cannot register again, and
		// a new registration in a demo county gets the next free volunteer number.
		_, err = a.RegisterVolunteer(ctx, app.RegisterInput{Name: "重复者", IDNumber: firstNumber, Phone: "13700000001",
			Password: "secret123", RegionCode: "440106"})
		if zhiyuan.ErrorCode(err) != zhiyuan.EConflict || zhiyuan.ErrorFields(err)["id_number"] == "" {
			t.Errorf("registering a demo number again: %v", err)
		}
		birth := idcard.Generate("440106", now.AddDate(-30, 0, 0), 1, idcard.Male)
		if _, err := a.RegisterVolunteer(ctx, app.RegisterInput{Name: "新来者", IDNumber: birth, Phone: "13700000002",
			Password: "secret123", RegionCode: "440106"}); err != nil {
			t.Errorf("registering after the demo: %v", err)
		}
	})
}

func mustAccount(t *testing.T, s *sqlstore.Store, phone string) int64 {
	t.Helper()
	acc, _, err := s.FindAccountByPhone(context.Background(), phone)
	if err != nil {
		t.Fatal(err)
	}
	return acc.ID
}
