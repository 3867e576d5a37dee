package app_test

import (
	"context"
	"io"
	"log/slog"
	"strconv"
	"sync"
	"testing"
	"time"

	"zhiyuan"
	"zhiyuan/internal/app"
	"zhiyuan/internal/password"
	"zhiyuan/internal/pii"
	"zhiyuan/internal/region"
	"zhiyuan/internal/sqlstore"
	"zhiyuan/internal/sqlstore/storetest"
)

// clock is a settable time for tests of expiry.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *clock) Add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// eachApp runs fn once per engine with a fresh App on a store whose clock fn controls.
func eachApp(t *testing.T, cfg func(*app.Config), fn func(t *testing.T, a *app.App, c *clock)) {
	t.Helper()
	for _, engine := range storetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			c := &clock{t: time.Date(2026, 3, 5, 2, 0, 0, 0, time.UTC)}
			s := storetest.New(t, engine, sqlstore.Options{Now: c.Now})
			keys, err := pii.NewKeys()
			if err != nil {
				t.Fatal(err)
			}
			conf := app.DefaultConfig()
			conf.Password = password.Fast
			if cfg != nil {
				cfg(&conf)
			}
			a := app.New(s, keys, region.Default(), slog.New(slog.NewTextHandler(io.Discard, nil)), conf)
			stores.Store(a, s)
			t.Cleanup(func() { stores.Delete(a) })
			fn(t, a, c)
		})
	}
}

// stores maps each App of eachApp to the store it runs on, for tests that set up or
// check rows directly: App keeps its store to itself.
var stores sync.Map // *app.App → *sqlstore.Store

// storeOf returns the store a test App of eachApp runs on.
func storeOf(a *app.App) *sqlstore.Store {
	s, _ := stores.Load(a)
	return s.(*sqlstore.Store)
}

// from returns a context as the HTTP layer makes it for a request from ip.
func from(t *testing.T, ip string) context.Context {
	return zhiyuan.WithClient(t.Context(), zhiyuan.Client{IP: ip, UserAgent: "test", RequestID: "req-" + ip})
}

func regional(code string) zhiyuan.Role {
	return zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: code}
}

// TestCreateAdminValidation: what `zhiyuan admin create` is given is checked field by
// field, and nothing is written when anything is wrong.
func TestCreateAdminValidation(t *testing.T) {
	t.Parallel()
	eachApp(t, nil, func(t *testing.T, a *app.App, _ *clock) {
		ctx := from(t, "10.0.0.1")
		tests := []struct {
			name   string
			in     app.AdminInput
			fields []string
		}{
			{"unknown region", app.AdminInput{Phone: "13800000001", Password: "good1234", Role: regional("449999")}, []string{"region"}},
			{"not a region code", app.AdminInput{Phone: "13800000001", Password: "good1234", Role: regional("guangzhou")}, []string{"region"}},
			{"no region", app.AdminInput{Phone: "13800000001", Password: "good1234", Role: regional("")}, []string{"region"}},
			{"landline", app.AdminInput{Phone: "020-12345678", Password: "good1234", Role: regional("440100")}, []string{"phone"}},
			{"short phone", app.AdminInput{Phone: "1380000", Password: "good1234", Role: regional("440100")}, []string{"phone"}},
			{"phone and region", app.AdminInput{Phone: "abc", Password: "good1234", Role: regional("000000")}, []string{"phone", "region"}},
			{"short password", app.AdminInput{Phone: "13800000001", Password: "ab12", Role: regional("440100")}, []string{"password"}},
			{"letters only", app.AdminInput{Phone: "13800000001", Password: "abcdefghij", Role: regional("440100")}, []string{"password"}},
			{"digits only", app.AdminInput{Phone: "13800000001", Password: "1234567890", Role: regional("440100")}, []string{"password"}},
			{"unknown role", app.AdminInput{Phone: "13800000001", Password: "good1234", Role: zhiyuan.Role{Kind: "king"}}, []string{"role"}},
			{"volunteer is no admin role", app.AdminInput{Phone: "13800000001", Password: "good1234", Role: zhiyuan.Role{Kind: zhiyuan.RoleVolunteer}}, []string{"role"}},
			{"org admin without org", app.AdminInput{Phone: "13800000001", Password: "good1234", Role: zhiyuan.Role{Kind: zhiyuan.RoleOrgAdmin}}, []string{"org"}},
		}
		for _, tc := range tests {
			_, err := a.CreateAdmin(ctx, nil, tc.in)
			if zhiyuan.ErrorCode(err) != zhiyuan.EInvalid {
				t.Errorf("%s: %v, want invalid", tc.name, err)
				continue
			}
			fields := zhiyuan.ErrorFields(err)
			if len(fields) != len(tc.fields) {
				t.Errorf("%s: fields %v, want %v", tc.name, fields, tc.fields)
			}
			for _, f := range tc.fields {
				if fields[f] == "" {
					t.Errorf("%s: no message for %s in %v", tc.name, f, fields)
				}
			}
		}
		if _, _, err := storeOf(a).FindAccountByPhone(ctx, "13800000001"); zhiyuan.ErrorCode(err) != zhiyuan.ENotFound {
			t.Errorf("refused input created an account (err %v)", err)
		}
		if entries, _ := storeOf(a).FindAudit(ctx, zhiyuan.AuditFilter{RegionPrefix: "*"}); len(entries) != 0 {
			t.Errorf("refused input wrote %d audit entries", len(entries))
		}
	})
}

// TestCreateAdminBootstrap: a valid bootstrap creates the account with its role, can log
// in, and leaves an audit entry saying what was granted, where and from where.
func TestCreateAdminBootstrap(t *testing.T) {
	t.Parallel()
	eachApp(t, nil, func(t *testing.T, a *app.App, _ *clock) {
		ctx := from(t, "10.0.0.1")
		acc, err := a.CreateAdmin(ctx, nil, app.AdminInput{Phone: "+86 138 0000 0001", Name: " 广州市管理员 ", Password: "good1234", Role: regional("4401")})
		if err != nil {
			t.Fatal(err)
		}
		if acc.Phone != "13800000001" || acc.Name != "广州市管理员" || len(acc.Roles) != 1 || acc.Roles[0] != regional("440100") {
			t.Errorf("created %+v, want 13800000001 广州市管理员 regional 440100", acc)
		}
		if _, _, err := a.Login(ctx, "13800000001", "good1234", zhiyuan.SessionAPI); err != nil {
			t.Errorf("the new admin cannot log in: %v", err)
		}
		entries, err := storeOf(a).FindAudit(ctx, zhiyuan.AuditFilter{RegionPrefix: "4401"})
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) != 1 {
			t.Fatalf("%d audit entries in 4401, want 1", len(entries))
		}
		e := entries[0]
		if e.Action != "admin.grant" || e.TargetType != "account" || e.TargetID != strconv.FormatInt(acc.ID, 10) ||
			e.RegionCode != "440100" || e.ActorID != 0 || e.IP != "10.0.0.1" || e.RequestID != "req-10.0.0.1" || e.Detail != "regional" {
			t.Errorf("audit entry %+v", e)
		}

		// Granting the same phone a second role promotes the account (its password stays).
		again, err := a.CreateAdmin(ctx, nil, app.AdminInput{Phone: "13800000001", Password: "other999", Role: regional("440300")})
		if err != nil {
			t.Fatal(err)
		}
		if again.ID != acc.ID || len(again.Roles) != 2 {
			t.Errorf("promotion made account %d with roles %v", again.ID, again.Roles)
		}
		if _, _, err := a.Login(ctx, "13800000001", "good1234", zhiyuan.SessionAPI); err != nil {
			t.Errorf("promotion changed the password: %v", err)
		}
		if sz, _ := storeOf(a).FindAudit(ctx, zhiyuan.AuditFilter{RegionPrefix: "4403"}); len(sz) != 1 {
			t.Errorf("promotion in 深圳 wrote %d audit entries there", len(sz))
		}
	})
}

// TestCreateAdminByAdmin: an acting admin passes through Authorize: 广州 may create a
// 天河 admin (recorded under their name), not a 深圳 one nor a platform admin.
func TestCreateAdminByAdmin(t *testing.T) {
	t.Parallel()
	eachApp(t, nil, func(t *testing.T, a *app.App, _ *clock) {
		ctx := from(t, "10.0.0.2")
		gzAcc, err := a.CreateAdmin(ctx, nil, app.AdminInput{Phone: "13800000001", Password: "good1234", Role: regional("440100")})
		if err != nil {
			t.Fatal(err)
		}
		gz := &zhiyuan.Principal{AccountID: gzAcc.ID, Name: gzAcc.Name, Roles: gzAcc.Roles}
		th, err := a.CreateAdmin(ctx, gz, app.AdminInput{Phone: "13800000002", Password: "good1234", Role: regional("440106")})
		if err != nil {
			t.Fatalf("广州 creates 天河: %v", err)
		}
		entries, _ := storeOf(a).FindAudit(ctx, zhiyuan.AuditFilter{RegionPrefix: "440106"})
		if len(entries) != 1 || entries[0].ActorID != gzAcc.ID || entries[0].TargetID != strconv.FormatInt(th.ID, 10) {
			t.Errorf("天河 audit %+v, want the grant by 广州", entries)
		}
		for _, in := range []app.AdminInput{
			{Phone: "13800000003", Password: "good1234", Role: regional("440300")},
			{Phone: "13800000003", Password: "good1234", Role: regional("440000")},
			{Phone: "13800000003", Password: "good1234", Role: zhiyuan.Role{Kind: zhiyuan.RolePlatform}},
			{Phone: "13800000003", Password: "good1234", Role: zhiyuan.Role{Kind: zhiyuan.RoleJudge}},
		} {
			if _, err := a.CreateAdmin(ctx, gz, in); zhiyuan.ErrorCode(err) != zhiyuan.EForbidden {
				t.Errorf("广州 grants %v: %v, want forbidden", in.Role, err)
			}
		}
		if _, _, err := storeOf(a).FindAccountByPhone(ctx, "13800000003"); zhiyuan.ErrorCode(err) != zhiyuan.ENotFound {
			t.Errorf("refused grants created an account (err %v)", err)
		}
	})
}
