package app_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"zhiyuan"
	"zhiyuan/internal/app"
	"zhiyuan/internal/password"
)

func createLogin(t *testing.T, a *app.App, phone string) {
	t.Helper()
	if _, err := a.CreateAdmin(from(t, "10.9.9.9"), nil, app.AdminInput{Phone: phone, Password: "good1234", Role: regional("440100")}); err != nil {
		t.Fatal(err)
	}
}

// TestLoginThrottlePerLoginAndAddress: the lock falls on one login at one address, ends
// after LoginLock, and a success clears the count.
func TestLoginThrottlePerLoginAndAddress(t *testing.T) {
	t.Parallel()
	eachApp(t, nil, func(t *testing.T, a *app.App, c *clock) {
		createLogin(t, a, "13800000001")
		createLogin(t, a, "13800000002")
		n := a.Config.LoginMaxFailures
		attacker, owner := from(t, "203.0.113.7"), from(t, "198.51.100.20")
		login := func(ctx context.Context, who, pw string) error {
			_, _, err := a.Login(ctx, who, pw, zhiyuan.SessionAPI)
			return err
		}
		for i := 1; i <= n; i++ {
			err := login(attacker, "13800000001", "wrong999")
			want := zhiyuan.EUnauthorized
			if i == n {
				want = zhiyuan.ERateLimited
			}
			if zhiyuan.ErrorCode(err) != want {
				t.Fatalf("failure %d: %v, want %s", i, err, want)
			}
		}
		if err := login(attacker, "13800000001", "good1234"); zhiyuan.ErrorCode(err) != zhiyuan.ERateLimited {
			t.Errorf("right password at the locked address: %v", err)
		}
		// The same login spelled differently is the same login.
		if err := login(attacker, "+86 138-0000-0001", "good1234"); zhiyuan.ErrorCode(err) != zhiyuan.ERateLimited {
			t.Errorf("respelled login at the locked address: %v", err)
		}
		if err := login(owner, "13800000001", "good1234"); err != nil {
			t.Errorf("owner at another address: %v", err)
		}
		if err := login(attacker, "13800000002", "good1234"); err != nil {
			t.Errorf("another login at the locked address: %v", err)
		}
		// The lock ends after LoginLock.
		c.Add(a.Config.LoginLock - time.Second)
		if err := login(attacker, "13800000001", "good1234"); zhiyuan.ErrorCode(err) != zhiyuan.ERateLimited {
			t.Errorf("just before the lock ends: %v", err)
		}
		c.Add(2 * time.Second)
		if err := login(attacker, "13800000001", "good1234"); err != nil {
			t.Errorf("after the lock: %v", err)
		}

		// A success resets the count: n-1 failures, a success, n-1 failures lock nothing.
		for round := 0; round < 2; round++ {
			for i := 1; i < n; i++ {
				if err := login(owner, "13800000002", "wrong999"); zhiyuan.ErrorCode(err) != zhiyuan.EUnauthorized {
					t.Fatalf("round %d failure %d: %v", round, i, err)
				}
			}
			if err := login(owner, "13800000002", "good1234"); err != nil {
				t.Fatalf("round %d success: %v", round, err)
			}
		}
		// Failures spread beyond the window do not add up.
		for i := 1; i < n; i++ {
			login(owner, "13800000002", "wrong999")
		}
		c.Add(a.Config.LoginWindow + time.Second)
		if err := login(owner, "13800000002", "wrong999"); zhiyuan.ErrorCode(err) != zhiyuan.EUnauthorized {
			t.Errorf("a failure after the window counted old ones: %v", err)
		}
	})
}

// TestLoginThrottlePerAddress: one address trying many logins is locked as a whole after
// IPMaxFailures, while everyone else logs in as usual; unknown logins count too.
func TestLoginThrottlePerAddress(t *testing.T) {
	t.Parallel()
	eachApp(t, func(c *app.Config) { c.IPMaxFailures = 8 }, func(t *testing.T, a *app.App, c *clock) {
		createLogin(t, a, "13800000001")
		sprayer, other := from(t, "203.0.113.9"), from(t, "198.51.100.21")
		var last error
		for i := 0; i < a.Config.IPMaxFailures; i++ {
			// A different login each time: the per-login lock never triggers.
			_, _, last = a.Login(sprayer, fmt.Sprintf("139%08d", i), "wrong999", zhiyuan.SessionAPI)
		}
		if zhiyuan.ErrorCode(last) != zhiyuan.ERateLimited {
			t.Errorf("failure %d from one address: %v, want ratelimited", a.Config.IPMaxFailures, last)
		}
		if _, _, err := a.Login(sprayer, "13800000001", "good1234", zhiyuan.SessionAPI); zhiyuan.ErrorCode(err) != zhiyuan.ERateLimited {
			t.Errorf("a real login from the locked address: %v", err)
		}
		if _, _, err := a.Login(other, "13800000001", "good1234", zhiyuan.SessionAPI); err != nil {
			t.Errorf("the same login from elsewhere: %v", err)
		}
	})
}

// TestLoginDisabledAccount: a disabled account cannot log in, and its existing sessions
// stop working.
func TestLoginDisabledAccount(t *testing.T) {
	t.Parallel()
	eachApp(t, nil, func(t *testing.T, a *app.App, _ *clock) {
		createLogin(t, a, "13800000001")
		ctx := from(t, "10.0.0.1")
		sess, acc, err := a.Login(ctx, "13800000001", "good1234", zhiyuan.SessionWeb)
		if err != nil {
			t.Fatal(err)
		}
		if p, err := a.Authenticate(ctx, sess.Token, zhiyuan.SessionWeb); err != nil || p.AccountID != acc.ID || len(p.Roles) != 1 {
			t.Fatalf("authenticate: %+v %v", p, err)
		}
		if _, err := a.Authenticate(ctx, sess.Token, zhiyuan.SessionAPI); zhiyuan.ErrorCode(err) != zhiyuan.EUnauthorized {
			t.Errorf("a page session works as an API token: %v", err)
		}
		// The app has no "disable" action: this stands for an operator doing it in SQL. The
		// session was resolved (and kept in memory) just above; Store.DB() forgets kept
		// tokens, so the write is seen at once (docs/ARCHITECTURE.md, resolving a token).
		if _, err := storeOf(a).DB().ExecContext(ctx, storeOf(a).Rebind("UPDATE accounts SET status = 'disabled' WHERE id = ?"), acc.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := a.Authenticate(ctx, sess.Token, zhiyuan.SessionWeb); zhiyuan.ErrorCode(err) != zhiyuan.EUnauthorized {
			t.Errorf("a disabled account's session still works: %v", err)
		}
		if _, _, err := a.Login(ctx, "13800000001", "good1234", zhiyuan.SessionWeb); zhiyuan.ErrorCode(err) != zhiyuan.EUnauthorized {
			t.Errorf("a disabled account logs in: %v", err)
		}
	})
}

// TestSessionExpiry: sessions end at their TTL, page sessions sooner than API tokens.
func TestSessionExpiry(t *testing.T) {
	t.Parallel()
	eachApp(t, nil, func(t *testing.T, a *app.App, c *clock) {
		createLogin(t, a, "13800000001")
		ctx := from(t, "10.0.0.1")
		web, _, err := a.Login(ctx, "13800000001", "good1234", zhiyuan.SessionWeb)
		if err != nil {
			t.Fatal(err)
		}
		api, _, err := a.Login(ctx, "13800000001", "good1234", zhiyuan.SessionAPI)
		if err != nil {
			t.Fatal(err)
		}
		if got := web.ExpiresAt.Sub(c.Now()); got != a.Config.WebSessionTTL {
			t.Errorf("page session lasts %v, want %v", got, a.Config.WebSessionTTL)
		}
		c.Add(a.Config.WebSessionTTL + time.Second)
		if _, err := a.Authenticate(ctx, web.Token, zhiyuan.SessionWeb); zhiyuan.ErrorCode(err) != zhiyuan.EUnauthorized {
			t.Errorf("page session after its TTL: %v", err)
		}
		if _, err := a.Authenticate(ctx, api.Token, zhiyuan.SessionAPI); err != nil {
			t.Errorf("API token before its TTL: %v", err)
		}
		n, err := storeOf(a).PurgeExpiredSessions(ctx)
		if err != nil || n != 1 {
			t.Errorf("purged %d sessions (%v), want the expired page session", n, err)
		}
	})
}

// TestAccountWithoutRoles: an account holding no role at all (a person who registered but
// was never granted anything) is found, logs in and is authenticated with no roles.
func TestAccountWithoutRoles(t *testing.T) {
	t.Parallel()
	eachApp(t, nil, func(t *testing.T, a *app.App, _ *clock) {
		ctx := from(t, "10.0.0.1")
		hash, err := password.Hash("good1234", a.Config.Password)
		if err != nil {
			t.Fatal(err)
		}
		acc := &zhiyuan.Account{Phone: "13800000009", Name: "无角色"}
		if err := storeOf(a).CreateAccount(ctx, acc, hash); err != nil {
			t.Fatal(err)
		}
		got, err := storeOf(a).FindAccountByID(ctx, acc.ID)
		if err != nil || got.Name != "无角色" || got.Phone != "13800000009" || len(got.Roles) != 0 || got.Status != zhiyuan.AccountActive {
			t.Fatalf("find: %+v %v", got, err)
		}
		sess, _, err := a.Login(ctx, "13800000009", "good1234", zhiyuan.SessionAPI)
		if err != nil {
			t.Fatal(err)
		}
		p, err := a.Authenticate(ctx, sess.Token, zhiyuan.SessionAPI)
		if err != nil || p.AccountID != acc.ID || p.Name != "无角色" || len(p.Roles) != 0 {
			t.Fatalf("authenticate: %+v %v", p, err)
		}
		if _, err := storeOf(a).FindAccountByID(ctx, acc.ID+1000); zhiyuan.ErrorCode(err) != zhiyuan.ENotFound {
			t.Errorf("unknown id: %v", err)
		}
	})
}

// TestMe: the caller's account, the same whether the principal came with the session's
// copy of the account or was made without one.
func TestMe(t *testing.T) {
	t.Parallel()
	eachApp(t, nil, func(t *testing.T, a *app.App, _ *clock) {
		createLogin(t, a, "13800000001")
		ctx := from(t, "10.0.0.1")
		sess, acc, err := a.Login(ctx, "13800000001", "good1234", zhiyuan.SessionAPI)
		if err != nil {
			t.Fatal(err)
		}
		p, err := a.Authenticate(ctx, sess.Token, zhiyuan.SessionAPI)
		if err != nil {
			t.Fatal(err)
		}
		fromSession, err := a.Me(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		fresh, err := a.Me(ctx, &zhiyuan.Principal{AccountID: acc.ID, Roles: p.Roles})
		if err != nil {
			t.Fatal(err)
		}
		for _, got := range []*zhiyuan.Account{fromSession, fresh} {
			if got.ID != acc.ID || got.Phone != "13800000001" || got.Status != zhiyuan.AccountActive ||
				!got.CreatedAt.Equal(acc.CreatedAt) || len(got.Roles) != 1 || got.Roles[0] != regional("440100") {
				t.Errorf("me: %+v, want %+v", got, acc)
			}
		}
		// Changing what Me returned does not change the principal.
		fromSession.Roles[0].RegionCode = "440300"
		if p.Roles[0].RegionCode != "440100" {
			t.Errorf("Me handed out the principal's own roles")
		}
		if _, err := a.Me(ctx, nil); zhiyuan.ErrorCode(err) != zhiyuan.EUnauthorized {
			t.Errorf("anonymous me: %v", err)
		}
	})
}

// TestLoginLockPerAccount: a volunteer's phone number and volunteer number are two ways
// to name one account, and share one count: five failures by phone lock the volunteer
// number too (and the other way round), at that address only; an unknown login costs the
// same and locks only itself.
func TestLoginLockPerAccount(t *testing.T) {
	t.Parallel()
	eachApp(t, nil, func(t *testing.T, a *app.App, _ *clock) {
		in := registrant(1)
		v, err := a.RegisterVolunteer(t.Context(), in)
		if err != nil {
			t.Fatal(err)
		}
		n := a.Config.LoginMaxFailures
		attacker, owner := from(t, "203.0.113.7"), from(t, "198.51.100.20")
		login := func(ctx context.Context, who, pw string) error {
			_, _, err := a.Login(ctx, who, pw, zhiyuan.SessionAPI)
			return err
		}
		if err := login(owner, v.VolunteerNo, in.Password); err != nil {
			t.Fatalf("volunteer number login: %v", err)
		}
		for i := 1; i <= n; i++ {
			err := login(attacker, in.Phone, "wrong999")
			if want := map[bool]zhiyuan.Code{true: zhiyuan.ERateLimited, false: zhiyuan.EUnauthorized}[i == n]; zhiyuan.ErrorCode(err) != want {
				t.Fatalf("failure %d by phone: %v, want %s", i, err, want)
			}
		}
		if err := login(attacker, v.VolunteerNo, in.Password); zhiyuan.ErrorCode(err) != zhiyuan.ERateLimited {
			t.Errorf("volunteer number after five failures by phone at the same address: %v, want ratelimited", err)
		}
		if err := login(owner, v.VolunteerNo, in.Password); err != nil {
			t.Errorf("the owner at another address: %v", err)
		}

		// Mixed identifiers add up too: n-1 by volunteer number and one by phone.
		other, elsewhere := registrant(2), from(t, "192.0.2.44")
		w, err := a.RegisterVolunteer(t.Context(), other)
		if err != nil {
			t.Fatal(err)
		}
		for i := 1; i < n; i++ {
			if err := login(elsewhere, w.VolunteerNo, "wrong999"); zhiyuan.ErrorCode(err) != zhiyuan.EUnauthorized {
				t.Fatalf("failure %d by volunteer number: %v", i, err)
			}
		}
		if err := login(elsewhere, other.Phone, "wrong999"); zhiyuan.ErrorCode(err) != zhiyuan.ERateLimited {
			t.Errorf("failure %d, by phone: %v, want ratelimited", n, err)
		}

		// An unknown login: the same answers, and its lock is its own.
		for i := 1; i <= n; i++ {
			err := login(elsewhere, "13999999999", "wrong999")
			if want := map[bool]zhiyuan.Code{true: zhiyuan.ERateLimited, false: zhiyuan.EUnauthorized}[i == n]; zhiyuan.ErrorCode(err) != want {
				t.Fatalf("unknown login failure %d: %v, want %s", i, err, want)
			}
		}
		if err := login(elsewhere, "13999999998", "wrong999"); zhiyuan.ErrorCode(err) != zhiyuan.EUnauthorized {
			t.Errorf("another unknown login after a locked one: %v", err)
		}
	})
}
