package app_test

import (
	"bytes"
	"fmt"
	"log/slog"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"zhiyuan"
	"zhiyuan/internal/app"
)

var codeRE = regexp.MustCompile(`验证码(\d{6})`)

// lastCode returns the reset code in the newest outbox message to phone, or "".
func lastCode(a *app.App, phone string) string {
	for _, m := range a.Outbox.Messages() {
		if m.Phone == phone && m.Template == app.TemplatePasswordReset {
			if sub := codeRE.FindStringSubmatch(m.Body); sub != nil {
				return sub[1]
			}
		}
	}
	return ""
}

// resetVolunteer registers a volunteer and logs it in twice (a page session and an API
// token), as a person with a phone and a laptop would be.
func resetVolunteer(t *testing.T, a *app.App, n int) (app.RegisterInput, *zhiyuan.Volunteer, []*zhiyuan.Session) {
	t.Helper()
	in := registrant(n)
	v, err := a.RegisterVolunteer(t.Context(), in)
	if err != nil {
		t.Fatal(err)
	}
	var sessions []*zhiyuan.Session
	for _, kind := range []zhiyuan.SessionKind{zhiyuan.SessionWeb, zhiyuan.SessionAPI} {
		s, _, err := a.Login(from(t, "10.1.1.1"), in.Phone, in.Password, kind)
		if err != nil {
			t.Fatal(err)
		}
		sessions = append(sessions, s)
	}
	return in, v, sessions
}

// codeReason is the catalogue key of the problem with the field "code", with the attempts
// left when its sentence names them ("reset.code_wrong left=4").
func codeReason(err error) string {
	if zhiyuan.ErrorCode(err) != zhiyuan.EInvalid {
		return fmt.Sprintf("not invalid: %v", err)
	}
	p := zhiyuan.ErrorProblems(err)["code"]
	if left, ok := p.Params["left"]; ok {
		return fmt.Sprintf("%s left=%v", p.Reason, left)
	}
	return string(p.Reason)
}

// TestPasswordResetEndToEnd: a code goes to the phone on the account (the outbox, in
// development) and never to the log; with it the person sets a new password, which works
// while the old one does not; every session and token of the account has ended; the code
// cannot be used again.
func TestPasswordResetEndToEnd(t *testing.T) {
	t.Parallel()
	eachApp(t, nil, func(t *testing.T, a *app.App, _ *clock) {
		var logBuf bytes.Buffer
		a.Log = slog.New(slog.NewTextHandler(&logBuf, &slog.HandlerOptions{Level: slog.LevelDebug}))
		in, _, sessions := resetVolunteer(t, a, 1)
		ctx := from(t, "203.0.113.5")
		if err := a.RequestPasswordReset(ctx, "+86 "+in.Phone); err != nil {
			t.Fatal(err)
		}
		code := lastCode(a, in.Phone)
		if code == "" {
			t.Fatalf("no code in the outbox: %+v", a.Outbox.Messages())
		}
		if strings.Contains(logBuf.String(), code) || strings.Contains(logBuf.String(), in.Phone) {
			t.Errorf("the log holds the code or the phone: %s", logBuf.String())
		}
		if err := a.ResetPassword(ctx, in.Phone, code, "abc"); zhiyuan.ErrorFields(err)["new_password"] == "" {
			t.Errorf("weak new password: %v", err)
		}
		if err := a.ResetPassword(ctx, in.Phone, code, "newpass123"); err != nil {
			t.Fatalf("reset: %v", err)
		}
		for _, s := range sessions {
			if _, err := a.Authenticate(ctx, s.Token, s.Kind); zhiyuan.ErrorCode(err) != zhiyuan.EUnauthorized {
				t.Errorf("%s session after the reset: %v", s.Kind, err)
			}
		}
		if _, _, err := a.Login(ctx, in.Phone, in.Password, zhiyuan.SessionWeb); zhiyuan.ErrorCode(err) != zhiyuan.EUnauthorized {
			t.Errorf("old password after the reset: %v", err)
		}
		if _, _, err := a.Login(ctx, in.Phone, "newpass123", zhiyuan.SessionWeb); err != nil {
			t.Errorf("new password: %v", err)
		}
		// Used once: the same code again is refused, and changes nothing.
		err := a.ResetPassword(ctx, in.Phone, code, "other9999")
		if msg := codeReason(err); msg != "reset.code_no_code" {
			t.Errorf("reused code: %q", msg)
		}
		if _, _, err := a.Login(ctx, in.Phone, "newpass123", zhiyuan.SessionWeb); err != nil {
			t.Errorf("the reused code changed the password: %v", err)
		}
		if strings.Contains(logBuf.String(), code) {
			t.Errorf("the log holds the code")
		}
	})
}

// TestPasswordResetExpiry: a code is good for CodeTTL and not a second more.
func TestPasswordResetExpiry(t *testing.T) {
	t.Parallel()
	eachApp(t, nil, func(t *testing.T, a *app.App, c *clock) {
		in, _, _ := resetVolunteer(t, a, 1)
		ctx := from(t, "203.0.113.5")
		if err := a.RequestPasswordReset(ctx, in.Phone); err != nil {
			t.Fatal(err)
		}
		code := lastCode(a, in.Phone)
		c.Add(a.Config.Reset.CodeTTL)
		if msg := codeReason(a.ResetPassword(ctx, in.Phone, code, "newpass123")); msg != "reset.code_expired" {
			t.Errorf("expired code: %q", msg)
		}
		if _, _, err := a.Login(ctx, in.Phone, in.Password, zhiyuan.SessionWeb); err != nil {
			t.Errorf("old password after a refused reset: %v", err)
		}
		if n, err := storeOf(a).PurgeExpiredResetCodes(ctx); err != nil || n != 1 {
			t.Errorf("purged %d codes (%v), want the expired one", n, err)
		}
		// A fresh code, just in time.
		if err := a.RequestPasswordReset(ctx, in.Phone); err != nil {
			t.Fatal(err)
		}
		code = lastCode(a, in.Phone)
		c.Add(a.Config.Reset.CodeTTL - time.Second)
		if err := a.ResetPassword(ctx, in.Phone, code, "newpass123"); err != nil {
			t.Errorf("a code a second before it expires: %v", err)
		}
	})
}

// TestPasswordResetAttempts: a code survives MaxAttempts-1 wrong entries, each answer
// saying how many are left; after MaxAttempts it is dead, even with the right code. A new
// request replaces the code (the old one stops working) and starts a fresh count. A number
// no account has gets exactly the same answers.
func TestPasswordResetAttempts(t *testing.T) {
	t.Parallel()
	eachApp(t, nil, func(t *testing.T, a *app.App, _ *clock) {
		in, _, _ := resetVolunteer(t, a, 1)
		ctx := from(t, "203.0.113.5")
		const unknown = "13911112222"
		for _, phone := range []string{in.Phone, unknown} {
			if err := a.RequestPasswordReset(ctx, phone); err != nil {
				t.Fatalf("request for %s: %v", phone, err)
			}
		}
		if lastCode(a, unknown) != "" {
			t.Fatal("a code was sent to a number no account has")
		}
		code := lastCode(a, in.Phone)
		wrong := fmt.Sprintf("%06d", (mustAtoi(t, code)+1)%1_000_000)
		max := a.Config.Reset.MaxAttempts
		for i := 1; i <= max; i++ {
			want := fmt.Sprintf("reset.code_wrong left=%d", max-i)
			if i == max {
				want = "reset.code_exhausted"
			}
			for _, phone := range []string{in.Phone, unknown} {
				if msg := codeReason(a.ResetPassword(ctx, phone, wrong, "newpass123")); msg != want {
					t.Fatalf("wrong code %d for %s: %q, want %q", i, phone, msg, want)
				}
			}
		}
		if msg := codeReason(a.ResetPassword(ctx, in.Phone, code, "newpass123")); msg != "reset.code_exhausted" {
			t.Errorf("right code after %d wrong ones: %q", max, msg)
		}
		// A new request: a new code with a fresh count; the old one is gone.
		if err := a.RequestPasswordReset(ctx, in.Phone); err != nil {
			t.Fatal(err)
		}
		newCode := lastCode(a, in.Phone)
		if newCode != code {
			if msg := codeReason(a.ResetPassword(ctx, in.Phone, code, "newpass123")); msg != fmt.Sprintf("reset.code_wrong left=%d", max-1) {
				t.Errorf("replaced code: %q", msg)
			}
		}
		if err := a.ResetPassword(ctx, in.Phone, newCode, "newpass123"); err != nil {
			t.Errorf("the new code: %v", err)
		}
	})
}

func mustAtoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestPasswordResetRace: the right code sent many times at once sets a password once.
func TestPasswordResetRace(t *testing.T) {
	t.Parallel()
	eachApp(t, nil, func(t *testing.T, a *app.App, _ *clock) {
		in, _, _ := resetVolunteer(t, a, 1)
		ctx := from(t, "203.0.113.5")
		if err := a.RequestPasswordReset(ctx, in.Phone); err != nil {
			t.Fatal(err)
		}
		code := lastCode(a, in.Phone)
		var wg sync.WaitGroup
		var mu sync.Mutex
		done := []string{}
		for i := range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				pw := fmt.Sprintf("racer%d123", i)
				if err := a.ResetPassword(ctx, in.Phone, code, pw); err == nil {
					mu.Lock()
					done = append(done, pw)
					mu.Unlock()
				} else if zhiyuan.ErrorCode(err) != zhiyuan.EInvalid {
					t.Errorf("racer %d: %v", i, err)
				}
			}()
		}
		wg.Wait()
		if len(done) != 1 {
			t.Fatalf("%d resets succeeded with one code, want 1", len(done))
		}
		if _, _, err := a.Login(ctx, in.Phone, done[0], zhiyuan.SessionAPI); err != nil {
			t.Errorf("the winner's password: %v", err)
		}
	})
}

// TestPasswordResetLimits: codes are limited per account (from any address) and per
// address (over any numbers, registered or not); the answer says when to come back, and
// nothing is sent past the limit.
func TestPasswordResetLimits(t *testing.T) {
	t.Parallel()
	eachApp(t, func(c *app.Config) { c.Reset.PerAccount, c.Reset.PerAddress = 2, 4 }, func(t *testing.T, a *app.App, c *clock) {
		in, _, _ := resetVolunteer(t, a, 1)
		rules := a.Config.Reset
		for i := range rules.PerAccount {
			if err := a.RequestPasswordReset(from(t, fmt.Sprintf("198.51.100.%d", i+1)), in.Phone); err != nil {
				t.Fatalf("request %d: %v", i+1, err)
			}
		}
		sent := len(a.Outbox.Messages())
		err := a.RequestPasswordReset(from(t, "198.51.100.99"), in.Phone)
		if zhiyuan.ErrorCode(err) != zhiyuan.ERateLimited || zhiyuan.ErrorReason(err) != "reset.phone_rate_limited" || zhiyuan.ErrorParams(err)["minutes"] != 60 {
			t.Errorf("request %d for one account from a new address: %v", rules.PerAccount+1, err)
		}
		if len(a.Outbox.Messages()) != sent {
			t.Error("a refused request sent a code")
		}
		// One address over many numbers, registered or not.
		sprayer := from(t, "203.0.113.77")
		for i := range rules.PerAddress {
			if err := a.RequestPasswordReset(sprayer, fmt.Sprintf("1361234%04d", i)); err != nil {
				t.Fatalf("request %d from one address: %v", i+1, err)
			}
		}
		if err := a.RequestPasswordReset(sprayer, "13612349999"); zhiyuan.ErrorCode(err) != zhiyuan.ERateLimited {
			t.Errorf("request %d from one address: %v", rules.PerAddress+1, err)
		}
		if err := a.RequestPasswordReset(from(t, "192.0.2.1"), "13612349999"); err != nil {
			t.Errorf("the same number from another address: %v", err)
		}
		// An unknown number is limited like an account.
		for i := range rules.PerAccount {
			if err := a.RequestPasswordReset(from(t, fmt.Sprintf("192.0.2.%d", 10+i)), "13700001111"); err != nil {
				t.Fatalf("unknown number, request %d: %v", i+1, err)
			}
		}
		if err := a.RequestPasswordReset(from(t, "192.0.2.50"), "13700001111"); zhiyuan.ErrorCode(err) != zhiyuan.ERateLimited {
			t.Errorf("unknown number past the limit: %v", err)
		}
		// Malformed input is a 422 and costs nothing.
		if err := a.RequestPasswordReset(sprayer, "12345"); zhiyuan.ErrorFields(err)["phone"] == "" {
			t.Errorf("malformed phone: %v", err)
		}
		c.Add(rules.Window)
		if err := a.RequestPasswordReset(from(t, "198.51.100.99"), in.Phone); err != nil {
			t.Errorf("after the window: %v", err)
		}
	})
}

// TestAdminResetAccess: a regional admin whose scope holds the volunteer resets their
// access in person after typing the number on the document: a temporary password that
// works, every session of the volunteer ended, an audit entry naming who reset whom and
// holding no secret. A wrong number, a missing confirmation, another region, an
// organisation admin and the volunteer themselves are all refused, with nothing changed.
func TestAdminResetAccess(t *testing.T) {
	t.Parallel()
	eachApp(t, nil, func(t *testing.T, a *app.App, _ *clock) {
		in, v, sessions := resetVolunteer(t, a, 1)
		ctx := from(t, "10.2.2.2")
		mk := func(phone string, role zhiyuan.Role) *zhiyuan.Principal {
			acc, err := a.CreateAdmin(ctx, nil, app.AdminInput{Phone: phone, Name: "管理员" + phone[7:], Password: "good1234", Role: role})
			if err != nil {
				t.Fatal(err)
			}
			return &zhiyuan.Principal{AccountID: acc.ID, Name: acc.Name, Roles: acc.Roles}
		}
		city := mk("13800000101", regional("440100"))  // 广州市: holds 天河区 440106
		other := mk("13800000102", regional("440300")) // 深圳市
		orgAdmin := &zhiyuan.Principal{AccountID: city.AccountID + 100, Roles: []zhiyuan.Role{{Kind: zhiyuan.RoleOrgAdmin, OrgID: 1}}}
		self := &zhiyuan.Principal{AccountID: v.AccountID, Roles: []zhiyuan.Role{{Kind: zhiyuan.RoleVolunteer}}}
		ok := app.AdminResetInput{IDNumber: strings.ToLower(in.IDNumber), Confirm: true}

		for name, tc := range map[string]struct {
			p    *zhiyuan.Principal
			id   int64
			in   app.AdminResetInput
			code zhiyuan.Code
			fld  string
		}{
			"another region":   {other, v.ID, ok, zhiyuan.EForbidden, ""},
			"org admin":        {orgAdmin, v.ID, ok, zhiyuan.EForbidden, ""},
			"the volunteer":    {self, v.ID, ok, zhiyuan.EForbidden, ""},
			"anonymous":        {nil, v.ID, ok, zhiyuan.EUnauthorized, ""},
			"no such one":      {city, v.ID + 1000, ok, zhiyuan.ENotFound, ""},
			"wrong number":     {city, v.ID, app.AdminResetInput{IDNumber: registrant(2).IDNumber, Confirm: true}, zhiyuan.EInvalid, "id_number"},
			"no number":        {city, v.ID, app.AdminResetInput{Confirm: true}, zhiyuan.EInvalid, "id_number"},
			"not confirmed":    {city, v.ID, app.AdminResetInput{IDNumber: in.IDNumber}, zhiyuan.EInvalid, "confirm"},
			"number in pieces": {city, v.ID, app.AdminResetInput{IDNumber: in.IDNumber[:6] + " " + in.IDNumber[6:] + "x", Confirm: true}, zhiyuan.EInvalid, "id_number"},
		} {
			temp, err := a.AdminResetAccess(ctx, tc.p, tc.id, tc.in)
			if zhiyuan.ErrorCode(err) != tc.code || temp != "" || (tc.fld != "" && zhiyuan.ErrorFields(err)[tc.fld] == "") {
				t.Errorf("%s: %q %v, want %s on %q", name, temp, err, tc.code, tc.fld)
			}
		}
		for _, s := range sessions {
			if _, err := a.Authenticate(ctx, s.Token, s.Kind); err != nil {
				t.Fatalf("a refused reset ended a session: %v", err)
			}
		}

		temp, err := a.AdminResetAccess(ctx, city, v.ID, ok)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range sessions {
			if _, err := a.Authenticate(ctx, s.Token, s.Kind); zhiyuan.ErrorCode(err) != zhiyuan.EUnauthorized {
				t.Errorf("%s session after the admin reset: %v", s.Kind, err)
			}
		}
		if _, _, err := a.Login(ctx, v.VolunteerNo, temp, zhiyuan.SessionWeb); err != nil {
			t.Errorf("log in with the temporary password: %v", err)
		}
		if _, _, err := a.Login(ctx, in.Phone, in.Password, zhiyuan.SessionWeb); zhiyuan.ErrorCode(err) != zhiyuan.EUnauthorized {
			t.Errorf("the old password after the admin reset: %v", err)
		}
		entries, err := storeOf(a).FindAudit(ctx, zhiyuan.AuditFilter{RegionPrefix: "*", Action: "account.reset"})
		if err != nil || len(entries) != 1 {
			t.Fatalf("audit: %+v %v", entries, err)
		}
		e := entries[0]
		if e.ActorID != city.AccountID || e.TargetType != "volunteer" || e.TargetID != strconv.FormatInt(v.ID, 10) || e.RegionCode != v.RegionCode || e.IP != "10.2.2.2" {
			t.Errorf("audit entry %+v", e)
		}
		for _, secret := range []string{temp, in.IDNumber, in.IDNumber[len(in.IDNumber)-6:]} {
			if strings.Contains(fmt.Sprintf("%+v", e), secret) {
				t.Errorf("audit entry holds a secret: %+v", e)
			}
		}
		// The regional admin's audit view shows it.
		mine, err := a.Audit(ctx, city, app.AuditQuery{Action: "account.reset"})
		if err != nil || len(mine) != 1 {
			t.Errorf("the city's audit view: %d %v", len(mine), err)
		}
	})
}

// TestAdminResetWrongNumbersLock: wrong identity numbers count like failed logins, per
// admin and volunteer, so the form is no oracle for identity numbers.
func TestAdminResetWrongNumbersLock(t *testing.T) {
	t.Parallel()
	eachApp(t, nil, func(t *testing.T, a *app.App, _ *clock) {
		in, v, _ := resetVolunteer(t, a, 1)
		ctx := from(t, "10.2.2.2")
		acc, err := a.CreateAdmin(ctx, nil, app.AdminInput{Phone: "13800000101", Password: "good1234", Role: regional("440100")})
		if err != nil {
			t.Fatal(err)
		}
		city := &zhiyuan.Principal{AccountID: acc.ID, Roles: acc.Roles}
		for i := 1; i <= a.Config.LoginMaxFailures; i++ {
			_, err := a.AdminResetAccess(ctx, city, v.ID, app.AdminResetInput{IDNumber: registrant(i + 1).IDNumber, Confirm: true})
			if zhiyuan.ErrorCode(err) != zhiyuan.EInvalid {
				t.Fatalf("wrong number %d: %v", i, err)
			}
		}
		if _, err := a.AdminResetAccess(ctx, city, v.ID, app.AdminResetInput{IDNumber: in.IDNumber, Confirm: true}); zhiyuan.ErrorCode(err) != zhiyuan.ERateLimited {
			t.Errorf("right number after %d wrong ones: %v", a.Config.LoginMaxFailures, err)
		}
	})
}

// TestPasswordResetWrongCodesLockAddress: wrong codes count against the address like
// failed logins, so one address cannot try codes for number after number; the person at
// another address is not affected.
func TestPasswordResetWrongCodesLockAddress(t *testing.T) {
	t.Parallel()
	eachApp(t, func(c *app.Config) { c.IPMaxFailures = 3 }, func(t *testing.T, a *app.App, _ *clock) {
		in, _, _ := resetVolunteer(t, a, 1)
		home := from(t, "198.51.100.8")
		if err := a.RequestPasswordReset(home, in.Phone); err != nil {
			t.Fatal(err)
		}
		code := lastCode(a, in.Phone)
		sprayer := from(t, "203.0.113.66")
		for i := range a.Config.IPMaxFailures {
			if err := a.ResetPassword(sprayer, fmt.Sprintf("1361234%04d", i), "123456", "newpass123"); zhiyuan.ErrorCode(err) != zhiyuan.EInvalid {
				t.Fatalf("guess %d: %v", i+1, err)
			}
		}
		if err := a.ResetPassword(sprayer, in.Phone, code, "newpass123"); zhiyuan.ErrorCode(err) != zhiyuan.ERateLimited {
			t.Errorf("from the locked address: %v", err)
		}
		if _, _, err := a.Login(sprayer, in.Phone, in.Password, zhiyuan.SessionAPI); zhiyuan.ErrorCode(err) != zhiyuan.ERateLimited {
			t.Errorf("login from the locked address: %v", err)
		}
		if err := a.ResetPassword(home, in.Phone, code, "newpass123"); err != nil {
			t.Errorf("the owner at home: %v", err)
		}
	})
}
