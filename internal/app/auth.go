package app

import (
	"context"
	"fmt"
	"log/slog"
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
// password and starts a session of the given kind. Failures are throttled per login and
// address, and per address.
func (a *App) Login(ctx context.Context, login, pw string, kind zhiyuan.SessionKind) (*zhiyuan.Session, *zhiyuan.Account, error) {
	p := zhiyuan.Problems{}
	login = strings.TrimSpace(login)
	if login == "" {
		p.Add("login", "请输入手机号")
	}
	if pw == "" {
		p.Add("password", "请输入密码")
	}
	if err := p.Err(); err != nil {
		return nil, nil, err
	}
	ip := zhiyuan.ClientFrom(ctx).IP
	// The key is the login as resolved, not as typed: "+86 138…" and "138-…" are one login,
	// or every respelling would buy another round of guesses.
	loginKey := strings.ToUpper(login)
	if phone, err := pii.NormalizePhone(login); err == nil {
		loginKey = phone
	}
	pairKey := "l:" + a.Keys.BlindIndex("login", loginKey) + "|" + ip
	ipKey := "ip:" + ip
	for _, key := range []string{pairKey, ipKey} {
		until, err := a.Store.ThrottleLocked(ctx, key)
		if err != nil {
			return nil, nil, err
		}
		if !until.IsZero() {
			return nil, nil, lockedError(until, a.Store.Now())
		}
	}

	acc, hash, err := a.findLogin(ctx, login)
	if err != nil && zhiyuan.ErrorCode(err) != zhiyuan.ENotFound {
		return nil, nil, err
	}
	ok := false
	if acc == nil {
		password.Verify(pw, dummyHash, a.Config.Password)
	} else {
		var rehash bool
		ok, rehash, err = password.Verify(pw, hash, a.Config.Password)
		if err != nil {
			return nil, nil, fmt.Errorf("account %d: %w", acc.ID, err)
		}
		if ok && rehash {
			if h, err := password.Hash(pw, a.Config.Password); err == nil {
				a.Store.SetPasswordHash(ctx, acc.ID, h)
			}
		}
	}
	if !ok || acc.Status != zhiyuan.AccountActive {
		lockedPair, err := a.Store.ThrottleFail(ctx, pairKey, a.Config.LoginMaxFailures, a.Config.LoginWindow, a.Config.LoginLock)
		if err != nil {
			return nil, nil, err
		}
		lockedIP, err := a.Store.ThrottleFail(ctx, ipKey, a.Config.IPMaxFailures, a.Config.LoginWindow, a.Config.LoginLock)
		if err != nil {
			return nil, nil, err
		}
		a.Log.InfoContext(ctx, "login failed", slog.Bool("known_account", acc != nil), slog.Bool("locked", lockedPair || lockedIP))
		if lockedPair || lockedIP {
			return nil, nil, lockedError(a.Store.Now().Add(a.Config.LoginLock), a.Store.Now())
		}
		return nil, nil, zhiyuan.Errorf(zhiyuan.EUnauthorized, "账号或密码错误")
	}
	if err := a.Store.ThrottleReset(ctx, pairKey); err != nil {
		return nil, nil, err
	}
	ttl := a.Config.WebSessionTTL
	if kind == zhiyuan.SessionAPI {
		ttl = a.Config.APITokenTTL
	}
	sess, err := a.Store.CreateSession(ctx, acc.ID, kind, ttl, zhiyuan.ClientFrom(ctx))
	if err != nil {
		return nil, nil, err
	}
	a.Log.InfoContext(ctx, "login", slog.Int64("account_id", acc.ID), slog.String("kind", string(kind)))
	return sess, acc, nil
}

// findLogin resolves what a person typed as their login: a mobile number, or one of the
// identifiers registered by loginResolvers (the volunteer number).
func (a *App) findLogin(ctx context.Context, login string) (*zhiyuan.Account, string, error) {
	if phone, err := pii.NormalizePhone(login); err == nil {
		return a.Store.FindAccountByPhone(ctx, phone)
	}
	for _, resolve := range loginResolvers {
		if acc, hash, err := resolve(ctx, a, login); err == nil || zhiyuan.ErrorCode(err) != zhiyuan.ENotFound {
			return acc, hash, err
		}
	}
	return nil, "", zhiyuan.Errorf(zhiyuan.ENotFound, "账号不存在")
}

// loginResolvers find accounts by identifiers other than the phone number; features that
// add such identifiers append to it in an init function.
var loginResolvers []func(ctx context.Context, a *App, login string) (*zhiyuan.Account, string, error)

func lockedError(until, now time.Time) error {
	mins := int(until.Sub(now).Minutes()) + 1
	return zhiyuan.Errorf(zhiyuan.ERateLimited, "登录失败次数过多，请%d分钟后再试", mins)
}

// Logout revokes a session or token.
func (a *App) Logout(ctx context.Context, token string) error {
	return a.Store.DeleteSession(ctx, token)
}

// Authenticate resolves a session token of the given kind to its caller.
func (a *App) Authenticate(ctx context.Context, token string, kind zhiyuan.SessionKind) (*zhiyuan.Principal, error) {
	return a.Store.PrincipalBySession(ctx, token, kind)
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
	return a.Store.FindAccountByID(ctx, p.AccountID)
}
