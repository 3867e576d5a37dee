package app

import (
	"context"
	"crypto/subtle"
	"log/slog"
	"strconv"
	"strings"

	"zhiyuan"
	"zhiyuan/internal/password"
	"zhiyuan/internal/pii"
)

// ClaimIDChars is how many characters at the end of the identity number a person types to
// claim the account a unit registered for them: the last six, as Chinese services ask.
const ClaimIDChars = 6

// ClaimInput is a person's claim of the unclaimed account a unit registered for them: the
// phone number the unit registered, the last ClaimIDChars characters of their identity
// number, and the password they choose.
type ClaimInput struct {
	Phone    string
	IDLast6  string
	Password string
}

// ClaimAccount lets a person take the unclaimed account a unit registered for them
// (zhiyuan.UnclaimedPasswordHash) and logs them in with a session of the given kind.
//
// The answer for a phone no unclaimed account has and for a wrong last six is the same
// (claim.mismatch), and both count against the login throttle of that account (or typed
// number) and address, and against the address, as a failed login does: the form cannot
// be used to find out who is registered or to guess the six characters. Only when the six
// characters are right does an account that has a password already say so. The password
// is set by one conditional UPDATE (sqlstore ClaimAccount), so two claims at once end with
// one password; the claim is audited (account.claim) with the person as the actor.
func (a *App) ClaimAccount(ctx context.Context, in ClaimInput, kind zhiyuan.SessionKind) (*zhiyuan.Session, *zhiyuan.Account, error) {
	prob := zhiyuan.Problems{}
	phone, err := pii.NormalizePhone(strings.TrimSpace(in.Phone))
	if err != nil {
		prob.Add("phone", "phone.required")
	}
	last := strings.ToUpper(strings.Join(strings.Fields(in.IDLast6), ""))
	if len([]rune(last)) != ClaimIDChars || strings.Trim(last, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "" {
		prob.Add("id_last6", "claim.id_last6_format", "n", ClaimIDChars)
	}
	checkPassword(prob, "password", in.Password)
	if err := prob.Err(); err != nil {
		return nil, nil, err
	}
	acc, hash, err := a.store.FindAccountByPhone(ctx, phone)
	if err != nil && zhiyuan.ErrorCode(err) != zhiyuan.ENotFound {
		return nil, nil, err
	}
	ip := zhiyuan.ClientFrom(ctx).IP
	// The login's own keys: guesses at the six characters and at the password share one
	// count, so claiming does not buy an attacker a second allowance.
	pairKey := a.loginThrottleKey(acc, phone, ip)
	ipKey := "ip:" + addressKey(ip)
	if err := a.checkThrottle(ctx, pairKey, ipKey); err != nil {
		return nil, nil, err
	}
	var v *zhiyuan.Volunteer
	matched := false
	if acc != nil && acc.Status == zhiyuan.AccountActive {
		v, matched, err = a.claimMatches(ctx, acc.ID, last)
		if err != nil {
			return nil, nil, err
		}
	}
	if !matched {
		locked, err := a.countFailure(ctx, pairKey, ipKey)
		if err != nil {
			return nil, nil, err
		}
		a.Log.InfoContext(ctx, "claim refused", slog.Bool("locked", locked))
		if locked {
			return nil, nil, lockedError(a.store.Now().Add(a.Config.LoginLock), a.store.Now())
		}
		return nil, nil, zhiyuan.Fail(zhiyuan.EUnauthorized, "claim.mismatch")
	}
	if hash != zhiyuan.UnclaimedPasswordHash {
		return nil, nil, zhiyuan.Fail(zhiyuan.EConflict, "claim.already_claimed")
	}
	newHash, err := password.Hash(in.Password, a.Config.Password)
	if err != nil {
		return nil, nil, err
	}
	won, err := a.store.ClaimAccount(ctx, acc.ID, newHash)
	if err != nil {
		return nil, nil, err
	}
	if !won {
		return nil, nil, zhiyuan.Fail(zhiyuan.EConflict, "claim.already_claimed")
	}
	if err := a.store.ThrottleReset(ctx, pairKey); err != nil {
		return nil, nil, err
	}
	self := &zhiyuan.Principal{AccountID: acc.ID, Name: acc.Name, Roles: acc.Roles}
	if err := a.audit(ctx, self, "account.claim", "volunteer", strconv.FormatInt(v.ID, 10), v.RegionCode, 0, ""); err != nil {
		return nil, nil, err
	}
	sess, err := a.openSession(ctx, acc.ID, kind)
	if err != nil {
		return nil, nil, err
	}
	a.Log.InfoContext(ctx, "account claimed", slog.Int64("account_id", acc.ID))
	return sess, acc, nil
}

// claimMatches reports whether the active volunteer of the account has an identity number
// ending in last (compared after decryption, in constant time), and returns the volunteer.
// An account without an active volunteer (an administrator's) matches nothing.
func (a *App) claimMatches(ctx context.Context, accountID int64, last string) (*zhiyuan.Volunteer, bool, error) {
	v, err := a.store.FindVolunteerByAccountID(ctx, accountID)
	if zhiyuan.ErrorCode(err) == zhiyuan.ENotFound {
		return nil, false, nil
	} else if err != nil {
		return nil, false, err
	}
	if v.Status != zhiyuan.VolunteerActive {
		return nil, false, nil
	}
	sealed, err := a.store.VolunteerIDNumberSealed(ctx, v.ID)
	if zhiyuan.ErrorCode(err) == zhiyuan.ENotFound {
		return nil, false, nil
	} else if err != nil {
		return nil, false, err
	}
	number, err := a.Keys.Open(sealed, "id_number")
	if err != nil {
		return nil, false, err
	}
	number = strings.ToUpper(number)
	if len(number) < ClaimIDChars {
		return nil, false, nil
	}
	return v, subtle.ConstantTimeCompare([]byte(number[len(number)-ClaimIDChars:]), []byte(last)) == 1, nil
}
