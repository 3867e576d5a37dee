package sqlstore_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"zhiyuan"
	"zhiyuan/internal/sqlstore"
	"zhiyuan/internal/sqlstore/storetest"
)

// TestTokenCacheForgetsChanges: a token resolved once is answered from memory, yet every
// change of what it grants made through the store shows at the very next lookup (a role
// granted and withdrawn, a password change that ends other sessions, a logout, a write under
// the store; closure: TestVolunteerExportAndClose); a change made by another
// process (a second store on the same database) shows once zhiyuan.TokenCacheTTL has
// passed, and not before.
func TestTokenCacheForgetsChanges(t *testing.T) {
	t.Parallel()
	for _, engine := range storetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			clock, advance := tokenClock()
			dsn := storetest.DSN(t, engine)
			s, err := sqlstore.Open(ctx, dsn, sqlstore.Options{Now: clock})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			other, err := sqlstore.Open(ctx, dsn, sqlstore.Options{Now: clock}) // a second instance
			if err != nil {
				t.Fatal(err)
			}
			defer other.Close()

			acc := &zhiyuan.Account{Phone: "13800000001", Name: "缓存测试"}
			if err := s.CreateAccount(ctx, acc, "h"); err != nil {
				t.Fatal(err)
			}
			newToken := func() string {
				sess, err := s.CreateSession(ctx, acc.ID, zhiyuan.SessionAPI, time.Hour, zhiyuan.Client{})
				if err != nil {
					t.Fatal(err)
				}
				return sess.Token
			}
			resolve := func(tok string) (*zhiyuan.Principal, error) {
				return s.PrincipalBySession(ctx, tok, zhiyuan.SessionAPI)
			}
			roles := func(what, tok string, want int) {
				t.Helper()
				p, err := resolve(tok)
				if err != nil || len(p.Roles) != want {
					t.Fatalf("%s: %+v %v, want %d roles", what, p, err, want)
				}
			}
			refused := func(what, tok string) {
				t.Helper()
				if p, err := resolve(tok); zhiyuan.ErrorCode(err) != zhiyuan.EUnauthorized {
					t.Fatalf("%s: the token still resolves: %+v %v", what, p, err)
				}
			}
			tok := newToken()
			roles("fresh", tok, 0)
			q0 := s.Statements()
			roles("again", tok, 0)
			if n := s.Statements() - q0; n != 0 {
				t.Errorf("a token resolved a moment ago cost %d statements, want 0 (from memory)", n)
			}
			if _, err := resolve(tok); err != nil {
				t.Fatal(err)
			}
			if _, err := s.PrincipalBySession(ctx, tok, zhiyuan.SessionWeb); zhiyuan.ErrorCode(err) != zhiyuan.EUnauthorized {
				t.Errorf("a cached API token works as a page session: %v", err)
			}

			admin := zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: "440100"}
			if err := s.GrantRole(ctx, acc.ID, admin, 0); err != nil {
				t.Fatal(err)
			}
			roles("role granted", tok, 1)
			if err := s.RevokeRole(ctx, acc.ID, admin); err != nil {
				t.Fatal(err)
			}
			roles("role withdrawn", tok, 0)

			keep, ended := newToken(), newToken()
			roles("kept session", keep, 0)
			roles("other session", ended, 0)
			if err := s.ChangePassword(ctx, acc.ID, "h2", keep); err != nil {
				t.Fatal(err)
			}
			roles("the changing session", keep, 0)
			refused("other session after a password change", ended)
			refused("first session after a password change", tok)

			if err := s.DeleteSession(ctx, keep); err != nil {
				t.Fatal(err)
			}
			refused("logged out", keep)

			// Under the store (what TestLoginDisabledAccount does): DB() forgets.
			tok = newToken()
			roles("before disabling", tok, 0)
			if _, err := s.DB().ExecContext(ctx, s.Rebind("UPDATE accounts SET status = 'disabled' WHERE id = ?"), acc.ID); err != nil {
				t.Fatal(err)
			}
			refused("disabled under the store", tok)
			if _, err := other.DB().ExecContext(ctx, other.Rebind("UPDATE accounts SET status = 'active' WHERE id = ?"), acc.ID); err != nil {
				t.Fatal(err)
			}
			roles("enabled again", tok, 0)

			// Another process's change: this process sees it within the TTL, not at once.
			if err := other.GrantRole(ctx, acc.ID, admin, 0); err != nil {
				t.Fatal(err)
			}
			roles("another instance's grant, within the TTL", tok, 0)
			advance(zhiyuan.TokenCacheTTL)
			roles("another instance's grant, after the TTL", tok, 1)
			if err := other.DeleteSession(ctx, tok); err != nil {
				t.Fatal(err)
			}
			advance(zhiyuan.TokenCacheTTL)
			refused("another instance's logout, after the TTL", tok)

		})
	}
}

// TestTokenLookupsTogether: tokens missing the cache at the same moment are resolved by
// one query (PrincipalBySession's coalescer), and each gets exactly what it would alone:
// its own account and roles, or a refusal for an expired, revoked, unknown or
// wrong-kind token or a disabled account; the same token twice is answered twice.
func TestTokenLookupsTogether(t *testing.T) {
	t.Parallel()
	for _, engine := range storetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			clock, advance := tokenClock()
			s := storetest.New(t, engine, sqlstore.Options{Now: clock})
			account := func(phone string) int64 {
				acc := &zhiyuan.Account{Phone: phone, Name: "批量" + phone[7:]}
				if err := s.CreateAccount(ctx, acc, "h"); err != nil {
					t.Fatal(err)
				}
				return acc.ID
			}
			token := func(id int64, kind zhiyuan.SessionKind, ttl time.Duration) string {
				sess, err := s.CreateSession(ctx, id, kind, ttl, zhiyuan.Client{})
				if err != nil {
					t.Fatal(err)
				}
				return sess.Token
			}
			admin, plain, disabled := account("13800000011"), account("13800000012"), account("13800000013")
			roles := []zhiyuan.Role{{Kind: zhiyuan.RoleRegional, RegionCode: "440100"}, {Kind: zhiyuan.RoleRegional, RegionCode: "440300"}}
			for _, r := range roles {
				if err := s.GrantRole(ctx, admin, r, 0); err != nil {
					t.Fatal(err)
				}
			}
			adminTok, plainTok, webTok := token(admin, zhiyuan.SessionAPI, time.Hour), token(plain, zhiyuan.SessionAPI, time.Hour), token(plain, zhiyuan.SessionWeb, time.Hour)
			shortTok, disabledTok, revokedTok := token(plain, zhiyuan.SessionAPI, time.Minute), token(disabled, zhiyuan.SessionAPI, time.Hour), token(admin, zhiyuan.SessionAPI, time.Hour)
			if _, err := s.DB().ExecContext(ctx, s.Rebind("UPDATE accounts SET status = 'disabled' WHERE id = ?"), disabled); err != nil {
				t.Fatal(err)
			}
			if err := s.DeleteSession(ctx, revokedTok); err != nil {
				t.Fatal(err)
			}
			advance(2 * time.Minute) // shortTok has expired

			api, web := zhiyuan.SessionAPI, zhiyuan.SessionWeb
			cases := []struct {
				what    string
				token   string
				kind    zhiyuan.SessionKind
				account int64 // 0: refused
				roles   int
			}{
				{"admin", adminTok, api, admin, 2},
				{"plain", plainTok, api, plain, 0},
				{"page session", webTok, web, plain, 0},
				{"page session used as an API token", webTok, api, 0, 0},
				{"expired", shortTok, api, 0, 0},
				{"disabled account", disabledTok, api, 0, 0},
				{"logged out", revokedTok, api, 0, 0},
				{"unknown", "no-such-token", api, 0, 0},
				{"admin again", adminTok, api, admin, 2},
			}
			tokens, kinds := make([]string, len(cases)), make([]zhiyuan.SessionKind, len(cases))
			for i, c := range cases {
				tokens[i], kinds[i] = c.token, c.kind
			}
			q0 := s.Statements()
			ps, errs := s.LookupTokensTogether(ctx, tokens, kinds)
			if n := s.Statements() - q0; n != 1 {
				t.Errorf("%d lookups together cost %d statements, want 1", len(cases), n)
			}
			for i, c := range cases {
				if c.account == 0 {
					if zhiyuan.ErrorCode(errs[i]) != zhiyuan.EUnauthorized {
						t.Errorf("%s: %+v %v, want refused", c.what, ps[i], errs[i])
					}
					continue
				}
				if errs[i] != nil || ps[i].AccountID != c.account || len(ps[i].Roles) != c.roles {
					t.Errorf("%s: %+v %v, want account %d with %d roles", c.what, ps[i], errs[i], c.account, c.roles)
				}
			}
			// What the batch read is cached, as a lookup of its own would be.
			q0 = s.Statements()
			if p, err := s.PrincipalBySession(ctx, adminTok, api); err != nil || len(p.Roles) != 2 {
				t.Fatalf("after the batch: %+v %v", p, err)
			}
			if n := s.Statements() - q0; n != 0 {
				t.Errorf("a token resolved in a batch cost %d statements next time, want 0", n)
			}
		})
	}
}

// tokenClock is a settable clock for the token tests: the time and a way to move it on.
func tokenClock() (now func() time.Time, advance func(time.Duration)) {
	var mu sync.Mutex
	t := time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)
	return func() time.Time { mu.Lock(); defer mu.Unlock(); return t },
		func(d time.Duration) { mu.Lock(); t = t.Add(d); mu.Unlock() }
}
