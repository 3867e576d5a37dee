package app

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"zhiyuan"
	"zhiyuan/internal/password"
	"zhiyuan/internal/pii"
)

// dummyHash is checked when a login names no account, so that a miss costs as much time
// as a wrong password and response times do not reveal who is registered.
var dummyHash, _ = password.Hash("no such account", password.Default)

// Login checks a login (phone number, or another identifier a resolver knows) and
// password and starts a session of the given kind. Failures are counted per account and
// address (whatever identifier of the account was typed) and per address; see
// loginThrottleKey.
func (a *App) Login(ctx context.Context, login, pw string, kind zhiyuan.SessionKind) (*zhiyuan.Session, *zhiyuan.Account, error) {
	p := zhiyuan.Problems{}
	login = strings.TrimSpace(login)
	if login == "" {
		p.Add("login", "auth.login_name_required")
	}
	if pw == "" {
		p.Add("password", "auth.password_required")
	}
	if err := p.Err(); err != nil {
		return nil, nil, err
	}
	ip := zhiyuan.ClientFrom(ctx).IP
	// The account is resolved before the lock is looked at, so that its phone number and
	// its volunteer number share one count: two identifiers must not buy twice the guesses.
	acc, hash, err := a.findLogin(ctx, login)
	if err != nil && zhiyuan.ErrorCode(err) != zhiyuan.ENotFound {
		return nil, nil, err
	}
	pairKey := a.loginThrottleKey(acc, login, ip)
	ipKey := "ip:" + addressKey(ip)
	if err := a.checkThrottle(ctx, pairKey, ipKey); err != nil {
		return nil, nil, err
	}

	ok := false
	if acc == nil {
		password.Verify(pw, dummyHash, a.Config.Password)
	} else {
		var rehash bool
		ok, rehash, err = a.verifyPassword(pw, hash)
		if err != nil {
			return nil, nil, fmt.Errorf("account %d: %w", acc.ID, err)
		}
		if ok && rehash {
			// The upgrade to the current hash parameters is housekeeping: the password was
			// right, the old hash still verifies and the upgrade is tried again at the next
			// login. Failing the login for it would lock people out over a database hiccup,
			// so it is logged (the account id only) and the login goes on.
			h, err := password.Hash(pw, a.Config.Password)
			if err == nil {
				err = a.store.SetPasswordHash(ctx, acc.ID, h)
			}
			if err != nil {
				a.Log.WarnContext(ctx, "password rehash at login failed", slog.Int64("account_id", acc.ID), slog.String("error", err.Error()))
			}
		}
	}
	if !ok || acc.Status != zhiyuan.AccountActive {
		locked, err := a.countFailure(ctx, pairKey, ipKey)
		if err != nil {
			return nil, nil, err
		}
		a.Log.InfoContext(ctx, "login failed", slog.Bool("known_account", acc != nil), slog.Bool("locked", locked))
		if locked {
			return nil, nil, lockedError(a.store.Now().Add(a.Config.LoginLock), a.store.Now())
		}
		return nil, nil, zhiyuan.Fail(zhiyuan.EUnauthorized, "auth.bad_credentials")
	}
	if err := a.store.ThrottleReset(ctx, pairKey); err != nil {
		return nil, nil, err
	}
	sess, err := a.openSession(ctx, acc.ID, kind)
	if err != nil {
		return nil, nil, err
	}
	a.Log.InfoContext(ctx, "login", slog.Int64("account_id", acc.ID), slog.String("kind", string(kind)))
	return sess, acc, nil
}

// verifyPassword checks pw against an account's stored hash. An unclaimed account's hash
// (zhiyuan.UnclaimedPasswordHash) matches nothing, whatever is typed, and costs the same time
// as a real check so that answers do not tell unclaimed accounts apart.
func (a *App) verifyPassword(pw, hash string) (ok, rehash bool, err error) {
	if hash == zhiyuan.UnclaimedPasswordHash {
		password.Verify(pw, dummyHash, a.Config.Password)
		return false, false, nil
	}
	return password.Verify(pw, hash, a.Config.Password)
}

// findLogin resolves what a person typed as their login: a mobile number, or one of the
// identifiers registered by loginResolvers (the volunteer number).
func (a *App) findLogin(ctx context.Context, login string) (*zhiyuan.Account, string, error) {
	if phone, err := pii.NormalizePhone(login); err == nil {
		return a.store.FindAccountByPhone(ctx, phone)
	}
	for _, resolve := range loginResolvers() {
		if acc, hash, err := resolve(ctx, a, login); err == nil || zhiyuan.ErrorCode(err) != zhiyuan.ENotFound {
			return acc, hash, err
		}
	}
	return nil, "", zhiyuan.Fail(zhiyuan.ENotFound, "notfound.account")
}

// loginThrottleKey is what a login failure counts against besides the address: the
// account and the client address (an IPv6 /64) together. Keying by the account, not by the
// string typed, makes the phone and the volunteer number one count, and "+86 138…" and
// "138-…" too. Keying by the pair, not by the account alone, is what stops anyone from
// locking other people out at will from their own address. A login that names no account
// is counted under a keyed hash of the identifier as resolved, so a miss costs the same
// as a wrong password and the lock does not tell who is registered.
func (a *App) loginThrottleKey(acc *zhiyuan.Account, login, ip string) string {
	if acc != nil {
		return accountLoginKey(acc.ID, ip)
	}
	loginKey := strings.ToUpper(login)
	if phone, err := pii.NormalizePhone(login); err == nil {
		loginKey = phone
	}
	return "l:" + a.Keys.BlindIndex("login", loginKey) + "|" + addressKey(ip)
}

// accountLoginKey is the throttle key of one account's logins from one address.
func accountLoginKey(accountID int64, ip string) string {
	return "a:" + strconv.FormatInt(accountID, 10) + "|" + addressKey(ip)
}

// loginResolvers find accounts by identifiers other than the phone number, tried in this
// order; a feature that adds such an identifier adds its resolver here.
func loginResolvers() []func(ctx context.Context, a *App, login string) (*zhiyuan.Account, string, error) {
	return []func(ctx context.Context, a *App, login string) (*zhiyuan.Account, string, error){
		loginByVolunteerNo, // volunteers.go
	}
}

func lockedError(until, now time.Time) error {
	mins := int(until.Sub(now).Minutes()) + 1
	return zhiyuan.Fail(zhiyuan.ERateLimited, "auth.too_many_failures", "minutes", mins)
}

// Logout revokes a session or token.
func (a *App) Logout(ctx context.Context, token string) error {
	return a.store.DeleteSession(ctx, token)
}

// Authenticate resolves a session token of the given kind to its caller.
func (a *App) Authenticate(ctx context.Context, token string, kind zhiyuan.SessionKind) (*zhiyuan.Principal, error) {
	return a.store.PrincipalBySession(ctx, token, kind)
}

// Me returns the caller's own account, as read with the session when the principal came
// from one (it is the same request, and GET /me is called often enough that a second
// read per call showed in BenchmarkAPIMe).
func (a *App) Me(ctx context.Context, p *zhiyuan.Principal) (*zhiyuan.Account, error) {
	if err := a.authorize(ctx, p, zhiyuan.ActSelf, zhiyuan.Resource{OwnerID: p.AccountIDOrZero()}); err != nil {
		return nil, err
	}
	if p.Account != nil && p.Account.ID == p.AccountID {
		acc := *p.Account
		acc.Roles = append([]zhiyuan.Role(nil), p.Account.Roles...)
		return &acc, nil
	}
	return a.store.FindAccountByID(ctx, p.AccountID)
}

// checkThrottle refuses an attempt while the login throttle holds any of keys locked (the
// account-and-address pair, the address): login and claiming share it, so guesses at a
// password and at an identity number's last six draw on one allowance.
func (a *App) checkThrottle(ctx context.Context, keys ...string) error {
	for _, key := range keys {
		until, err := a.store.ThrottleLocked(ctx, key)
		if err != nil {
			return err
		}
		if !until.IsZero() {
			return lockedError(until, a.store.Now())
		}
	}
	return nil
}

// countFailure counts a failed login or claim against the pair's and the address's
// allowances and reports whether either is now locked.
func (a *App) countFailure(ctx context.Context, pairKey, ipKey string) (locked bool, err error) {
	lockedPair, err := a.store.ThrottleFail(ctx, pairKey, a.Config.LoginMaxFailures, a.Config.LoginWindow, a.Config.LoginLock)
	if err != nil {
		return false, err
	}
	lockedIP, err := a.store.ThrottleFail(ctx, ipKey, a.Config.IPMaxFailures, a.Config.LoginWindow, a.Config.LoginLock)
	if err != nil {
		return false, err
	}
	return lockedPair || lockedIP, nil
}

// openSession starts a session of kind for an account that has just proved who it is
// (a login or a claim), as long as that kind of session lives.
func (a *App) openSession(ctx context.Context, accountID int64, kind zhiyuan.SessionKind) (*zhiyuan.Session, error) {
	ttl := a.Config.WebSessionTTL
	if kind == zhiyuan.SessionAPI {
		ttl = a.Config.APITokenTTL
	}
	return a.store.CreateSession(ctx, accountID, kind, ttl, zhiyuan.ClientFrom(ctx))
}
