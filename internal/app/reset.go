package app

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"fmt"
	"log/slog"
	"math/big"
	"strconv"
	"strings"
	"time"

	"zhiyuan"
	"zhiyuan/internal/password"
	"zhiyuan/internal/pii"
	"zhiyuan/internal/sqlstore"
)

// ResetRules are the limits of password reset, defined once for the pages, the API and the
// tests (DefaultConfig holds the values).
type ResetRules struct {
	CodeTTL     time.Duration // how long a code sent by SMS is good for
	MaxAttempts int           // wrong entries a code survives before it is dead
	PerAccount  int           // codes one account (one phone number) may be sent per Window
	PerAddress  int           // codes one client address (an IPv6 /64) may ask for per Window
	Window      time.Duration // the counting window of PerAccount and PerAddress
}

// DefaultResetRules: a code lives 10 minutes and survives 5 wrong entries; one number gets
// at most 5 codes an hour (an attacker guessing blind gets 25 tries in a million an hour
// per account, and cannot flood someone's phone), one address asks for at most 20.
func DefaultResetRules() ResetRules {
	return ResetRules{CodeTTL: 10 * time.Minute, MaxAttempts: 5, PerAccount: 5, PerAddress: 20, Window: time.Hour}
}

// ResetCodeDigits is the length of a reset code: six digits, the form SMS codes have in China.
const ResetCodeDigits = 6

// ResetSentMessage is the one answer to a request for a code, whether or not the number is
// registered, so the form cannot be used to find out who has an account.
var ResetSentMessage = zhiyuan.Text("reset.sent")

// TemplatePasswordReset names the SMS text that carries a reset code.
const TemplatePasswordReset = "password_reset"

// resetIndex is the key a phone's reset code is stored and counted under: a keyed hash, so
// the table holds no phone number.
func (a *App) resetIndex(phone string) string { return a.Keys.BlindIndex("reset_phone", phone) }

// resetCodeHash is what is stored of a code: an HMAC under the blind-index key, bound to the
// phone, so a copy of the table alone does not let anyone try the million codes offline.
func (a *App) resetCodeHash(phoneIndex, code string) string {
	return a.Keys.BlindIndex("reset_code", phoneIndex+":"+code)
}

// RequestPasswordReset sends a one-time code to the phone on the account that has the given
// mobile number. The answer is the same for numbers no account has (and for disabled
// accounts): nothing is sent, but a code is stored all the same, so what follows behaves
// alike too. Requests are counted per address and per account (per typed number when no
// account has it) in ResetRules.Window, before anything is sent.
func (a *App) RequestPasswordReset(ctx context.Context, phoneInput string) error {
	phone, err := pii.NormalizePhone(strings.TrimSpace(phoneInput))
	if err != nil {
		return zhiyuan.FieldFail(zhiyuan.EInvalid, "phone", "phone.required")
	}
	rules := a.Config.Reset
	if ip := zhiyuan.ClientFrom(ctx).IP; ip != "" {
		if err := a.throttleReset(ctx, "rst-ip:"+addressKey(ip), rules.PerAddress, "reset.address_rate_limited"); err != nil {
			return err
		}
	}
	acc, hash, err := a.store.FindAccountByPhone(ctx, phone)
	if err != nil && zhiyuan.ErrorCode(err) != zhiyuan.ENotFound {
		return err
	}
	index := a.resetIndex(phone)
	key := "rst:l:" + index
	if acc != nil {
		key = "rst:a:" + strconv.FormatInt(acc.ID, 10)
	}
	if err := a.throttleReset(ctx, key, rules.PerAccount, "reset.phone_rate_limited"); err != nil {
		return err
	}
	code, err := newResetCode()
	if err != nil {
		return err
	}
	// An unclaimed account gets no code, like a disabled one: its first password is set by
	// its person's claim alone (ClaimAccount), which is audited; the answer is the same.
	var accountID int64
	if acc != nil && acc.Status == zhiyuan.AccountActive && hash != zhiyuan.UnclaimedPasswordHash {
		accountID = acc.ID
	}
	if err := a.store.SaveResetCode(ctx, index, accountID, a.resetCodeHash(index, code), rules.CodeTTL); err != nil {
		return err
	}
	if accountID == 0 {
		a.Log.InfoContext(ctx, "password reset asked", slog.Bool("known_account", false))
		return nil
	}
	mins := int(rules.CodeTTL / time.Minute)
	msg := Message{Template: TemplatePasswordReset, Title: zhiyuan.Text("reset.sms_title"),
		Body: zhiyuan.Text("reset.sms_body", "code", code, "minutes", mins)}
	if err := a.sender().Send(ctx, Recipient{AccountID: acc.ID, Phone: acc.Phone}, msg); err != nil {
		a.Log.WarnContext(ctx, "password reset code not sent", slog.Int64("account_id", acc.ID), slog.String("error", err.Error()))
		return zhiyuan.Fail(zhiyuan.EInternal, "reset.send_failed")
	}
	a.Log.InfoContext(ctx, "password reset asked", slog.Bool("known_account", true), slog.Int64("account_id", acc.ID))
	return nil
}

// throttleReset counts one code request against key and refuses it once more than limit
// fall in one ResetRules.Window (one upsert: a burst gets exactly the limit through).
// reason is the catalogue sentence of the refusal; it names the {minutes} to wait.
func (a *App) throttleReset(ctx context.Context, key string, limit int, reason zhiyuan.Msg) error {
	if limit <= 0 {
		return nil
	}
	n, ends, err := a.store.ThrottleCount(ctx, key, a.Config.Reset.Window)
	if err != nil {
		return err
	}
	if n <= limit {
		return nil
	}
	mins := max(1, int((ends.Sub(a.store.Now())+time.Minute-1)/time.Minute))
	return zhiyuan.Fail(zhiyuan.ERateLimited, reason, "minutes", mins)
}

// newResetCode returns ResetCodeDigits random digits, uniformly.
func newResetCode() (string, error) {
	n, err := rand.Int(rand.Reader, big.NewInt(1_000_000))
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%0*d", ResetCodeDigits, n.Int64()), nil
}

// ResetPassword sets a new password with a code from RequestPasswordReset. The new password
// follows the usual rules; a right code is used once, and every session and API token of
// the account ends with it. A wrong, expired, used-up or already used code is EInvalid on
// the field "code" with a message saying what to do, and counts against the address as a
// failed login does.
func (a *App) ResetPassword(ctx context.Context, phoneInput, code, newPW string) error {
	prob := zhiyuan.Problems{}
	phone, err := pii.NormalizePhone(strings.TrimSpace(phoneInput))
	if err != nil {
		prob.Add("phone", "phone.required")
	}
	code = strings.TrimSpace(code)
	if len(code) != ResetCodeDigits || strings.Trim(code, "0123456789") != "" {
		prob.Add("code", "reset.code_required")
	}
	checkPassword(prob, "new_password", newPW)
	if err := prob.Err(); err != nil {
		return err
	}
	// Wrong codes count against the address like failed logins, so one address cannot
	// try codes for number after number without end.
	ipKey := "ip:" + addressKey(zhiyuan.ClientFrom(ctx).IP)
	if until, err := a.store.ThrottleLocked(ctx, ipKey); err != nil {
		return err
	} else if !until.IsZero() {
		return lockedError(until, a.store.Now())
	}
	index := a.resetIndex(phone)
	rules := a.Config.Reset
	// The password is hashed only once the code is right, inside the transaction that uses
	// the code: a wrong code costs one UPDATE, not an argon2id hash.
	hash := func() (string, error) { return password.Hash(newPW, a.Config.Password) }
	accountID, outcome, left, err := a.store.UseResetCode(ctx, index, a.resetCodeHash(index, code), rules.MaxAttempts, hash)
	if err != nil {
		return err
	}
	if outcome != sqlstore.ResetDone {
		if _, err := a.store.ThrottleFail(ctx, ipKey, a.Config.IPMaxFailures, a.Config.LoginWindow, a.Config.LoginLock); err != nil {
			return err
		}
	}
	switch outcome {
	case sqlstore.ResetDone:
	case sqlstore.ResetWrong:
		if left == 0 {
			return zhiyuan.FieldFail(zhiyuan.EInvalid, "code", "reset.code_exhausted")
		}
		return zhiyuan.FieldFail(zhiyuan.EInvalid, "code", "reset.code_wrong", "left", left)
	case sqlstore.ResetExpired:
		return zhiyuan.FieldFail(zhiyuan.EInvalid, "code", "reset.code_expired")
	case sqlstore.ResetExhausted:
		return zhiyuan.FieldFail(zhiyuan.EInvalid, "code", "reset.code_exhausted")
	default:
		return zhiyuan.FieldFail(zhiyuan.EInvalid, "code", "reset.code_no_code")
	}
	// The person proved they hold the phone: their own address is no longer locked out.
	if ip := zhiyuan.ClientFrom(ctx).IP; ip != "" {
		if err := a.store.ThrottleReset(ctx, accountLoginKey(accountID, ip)); err != nil {
			return err
		}
	}
	a.Log.InfoContext(ctx, "password reset", slog.Int64("account_id", accountID))
	return nil
}

// AdminResetInput is an administrator's in-person reset of a volunteer's access: the
// identity number read from the document the volunteer shows, and the confirmation that
// the admin means it (every session of the volunteer ends; it cannot be undone).
type AdminResetInput struct {
	IDNumber string
	Confirm  bool
}

// AdminResetAccess sets a temporary password for a volunteer who came in person and showed
// their identity document, and ends all of the volunteer's sessions and API tokens. The
// caller must administer the volunteer's region (a regional admin in scope, or the
// platform); the number typed from the document must match the registered one, compared
// after decryption and never shown. Wrong numbers count against the same lock as logins,
// per admin and volunteer, so the form cannot be used to guess identity numbers. The
// temporary password is returned once and not kept; an audit entry names who reset whom.
func (a *App) AdminResetAccess(ctx context.Context, p *zhiyuan.Principal, volunteerID int64, in AdminResetInput) (string, error) {
	if p == nil {
		return "", zhiyuan.Fail(zhiyuan.EUnauthorized, "auth.login_required")
	}
	v, err := a.store.FindVolunteerByID(ctx, volunteerID)
	if err != nil {
		return "", err
	}
	if v.Status != zhiyuan.VolunteerActive {
		return "", zhiyuan.Fail(zhiyuan.ENotFound, "notfound.volunteer")
	}
	if err := a.authorize(ctx, p, zhiyuan.ActRegionManage, zhiyuan.Resource{RegionCode: v.RegionCode}); err != nil {
		return "", err
	}
	prob := zhiyuan.Problems{}
	typed := strings.ToUpper(strings.Join(strings.Fields(in.IDNumber), ""))
	if typed == "" {
		prob.Add("id_number", "reset.id_number_required")
	}
	if !in.Confirm {
		prob.Add("confirm", "reset.confirm_required")
	}
	if err := prob.Err(); err != nil {
		return "", err
	}
	key := "adm-reset:" + strconv.FormatInt(p.AccountID, 10) + ":" + strconv.FormatInt(v.ID, 10)
	if until, err := a.store.ThrottleLocked(ctx, key); err != nil {
		return "", err
	} else if !until.IsZero() {
		return "", lockedError(until, a.store.Now())
	}
	sealed, err := a.store.VolunteerIDNumberSealed(ctx, v.ID)
	if err != nil {
		return "", err
	}
	number, err := a.Keys.Open(sealed, "id_number")
	if err != nil {
		return "", err
	}
	if subtle.ConstantTimeCompare([]byte(strings.ToUpper(number)), []byte(typed)) != 1 {
		if _, err := a.store.ThrottleFail(ctx, key, a.Config.LoginMaxFailures, a.Config.LoginWindow, a.Config.LoginLock); err != nil {
			return "", err
		}
		return "", zhiyuan.FieldFail(zhiyuan.EInvalid, "id_number", "reset.id_number_mismatch")
	}
	// No one but the person sets the first password of an unclaimed account: they claim it
	// themselves (/claim), with the number they have just shown the admin.
	if hash, err := a.store.AccountPasswordHash(ctx, v.AccountID); err != nil {
		return "", err
	} else if hash == zhiyuan.UnclaimedPasswordHash {
		return "", zhiyuan.Fail(zhiyuan.EConflict, "claim.admin_reset_unclaimed")
	}
	temp, err := temporaryPassword()
	if err != nil {
		return "", err
	}
	hash, err := password.Hash(temp, a.Config.Password)
	if err != nil {
		return "", err
	}
	if err := a.store.SetPasswordEndSessions(ctx, v.AccountID, hash); err != nil {
		return "", err
	}
	if err := a.audit(ctx, p, "account.reset", "volunteer", strconv.FormatInt(v.ID, 10), v.RegionCode, 0, "in_person; sessions_ended"); err != nil {
		return "", err
	}
	a.Log.InfoContext(ctx, "access reset by admin", slog.Int64("account_id", v.AccountID), slog.Int64("admin_id", p.AccountID))
	return temp, nil
}

// temporaryPassword returns 10 characters that pass password.Check and are easy to read
// out and type: letters and digits without 0/O, 1/l/I.
func temporaryPassword() (string, error) {
	const letters, digits = "abcdefghjkmnpqrstuvwxyz", "23456789"
	const all = letters + digits
	b := make([]byte, 10)
	for i := range b {
		set := all
		switch i {
		case 0:
			set = letters
		case 9:
			set = digits
		}
		n, err := rand.Int(rand.Reader, big.NewInt(int64(len(set))))
		if err != nil {
			return "", err
		}
		b[i] = set[n.Int64()]
	}
	return string(b), nil
}

// AdminVolunteer returns a volunteer (masked personal data only) to an administrator of
// the volunteer's region, for the admin view where access is reset in person. It finds
// the volunteer by id, or by volunteer number when no is given. Unlike Volunteer, the
// owner gets no shortcut: this view is for administrators.
func (a *App) AdminVolunteer(ctx context.Context, p *zhiyuan.Principal, id int64, no string) (*zhiyuan.Volunteer, error) {
	if p == nil {
		return nil, zhiyuan.Fail(zhiyuan.EUnauthorized, "auth.login_required")
	}
	var v *zhiyuan.Volunteer
	var err error
	if no = strings.TrimSpace(no); no != "" {
		if !zhiyuan.ValidVolunteerNo(no) {
			return nil, zhiyuan.FieldFail(zhiyuan.EInvalid, "no", "volunteer.number_format")
		}
		v, err = a.store.FindVolunteerByNo(ctx, no)
	} else {
		v, err = a.store.FindVolunteerByID(ctx, id)
	}
	if err != nil {
		return nil, err
	}
	if v.Status != zhiyuan.VolunteerActive {
		return nil, zhiyuan.Fail(zhiyuan.ENotFound, "notfound.volunteer")
	}
	if err := a.authorize(ctx, p, zhiyuan.ActRegionManage, zhiyuan.Resource{RegionCode: v.RegionCode}); err != nil {
		return nil, err
	}
	return v, nil
}
