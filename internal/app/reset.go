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
const ResetSentMessage = "如该手机号已注册，验证码已发送，10分钟内有效"

// TemplatePasswordReset names the SMS text that carries a reset code.
const TemplatePasswordReset = "password_reset"

// Messages of a refused code. The code is always EInvalid on the field "code"; the text
// says what to do next.
const (
	msgResetWrong     = "验证码不正确，还可尝试%d次"
	msgResetNoCode    = "验证码不正确或已失效，请重新获取"
	msgResetExpired   = "验证码已过期，请重新获取"
	msgResetExhausted = "验证码错误次数过多，请重新获取"
)

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
		return zhiyuan.FieldError(zhiyuan.EInvalid, "phone", "请输入正确的手机号")
	}
	rules := a.Config.Reset
	if ip := zhiyuan.ClientFrom(ctx).IP; ip != "" {
		if err := a.throttleReset(ctx, "rst-ip:"+addressKey(ip), rules.PerAddress, "当前网络获取验证码次数过多，请%d分钟后再试"); err != nil {
			return err
		}
	}
	acc, _, err := a.store.FindAccountByPhone(ctx, phone)
	if err != nil && zhiyuan.ErrorCode(err) != zhiyuan.ENotFound {
		return err
	}
	index := a.resetIndex(phone)
	key := "rst:l:" + index
	if acc != nil {
		key = "rst:a:" + strconv.FormatInt(acc.ID, 10)
	}
	if err := a.throttleReset(ctx, key, rules.PerAccount, "该手机号获取验证码次数过多，请%d分钟后再试"); err != nil {
		return err
	}
	code, err := newResetCode()
	if err != nil {
		return err
	}
	var accountID int64
	if acc != nil && acc.Status == zhiyuan.AccountActive {
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
	msg := Message{Template: TemplatePasswordReset, Title: "重置密码验证码",
		Body: fmt.Sprintf("您正在重置志愿平台登录密码，验证码%s，%d分钟内有效。如非本人操作，请忽略本短信，不要把验证码告诉任何人。", code, mins)}
	if err := a.sender().Send(ctx, Recipient{AccountID: acc.ID, Phone: acc.Phone}, msg); err != nil {
		a.Log.WarnContext(ctx, "password reset code not sent", slog.Int64("account_id", acc.ID), slog.String("error", err.Error()))
		return zhiyuan.Errorf(zhiyuan.EInternal, "验证码发送失败，请稍后再试")
	}
	a.Log.InfoContext(ctx, "password reset asked", slog.Bool("known_account", true), slog.Int64("account_id", acc.ID))
	return nil
}

// throttleReset counts one code request against key and refuses it once more than limit
// fall in one ResetRules.Window (one upsert: a burst gets exactly the limit through).
func (a *App) throttleReset(ctx context.Context, key string, limit int, msg string) error {
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
	return zhiyuan.Errorf(zhiyuan.ERateLimited, msg, mins)
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
		prob.Add("phone", "请输入正确的手机号")
	}
	code = strings.TrimSpace(code)
	if len(code) != ResetCodeDigits || strings.Trim(code, "0123456789") != "" {
		prob.Add("code", "请输入短信中的6位验证码")
	}
	if msg := password.Check(newPW); msg != "" {
		prob.Add("new_password", msg)
	}
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
			return zhiyuan.FieldError(zhiyuan.EInvalid, "code", msgResetExhausted)
		}
		return zhiyuan.FieldError(zhiyuan.EInvalid, "code", fmt.Sprintf(msgResetWrong, left))
	case sqlstore.ResetExpired:
		return zhiyuan.FieldError(zhiyuan.EInvalid, "code", msgResetExpired)
	case sqlstore.ResetExhausted:
		return zhiyuan.FieldError(zhiyuan.EInvalid, "code", msgResetExhausted)
	default:
		return zhiyuan.FieldError(zhiyuan.EInvalid, "code", msgResetNoCode)
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
		return "", zhiyuan.Errorf(zhiyuan.EUnauthorized, "请先登录")
	}
	v, err := a.store.FindVolunteerByID(ctx, volunteerID)
	if err != nil {
		return "", err
	}
	if v.Status != zhiyuan.VolunteerActive {
		return "", zhiyuan.Errorf(zhiyuan.ENotFound, "志愿者不存在")
	}
	if err := a.authorize(ctx, p, zhiyuan.ActRegionManage, zhiyuan.Resource{RegionCode: v.RegionCode}); err != nil {
		return "", err
	}
	prob := zhiyuan.Problems{}
	typed := strings.ToUpper(strings.Join(strings.Fields(in.IDNumber), ""))
	if typed == "" {
		prob.Add("id_number", "请输入证件上的号码")
	}
	if !in.Confirm {
		prob.Add("confirm", "请确认已当面核对证件，并同意结束该志愿者的所有登录")
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
		return "", zhiyuan.FieldError(zhiyuan.EInvalid, "id_number", "证件号码与登记信息不一致，请核对证件")
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
		return nil, zhiyuan.Errorf(zhiyuan.EUnauthorized, "请先登录")
	}
	var v *zhiyuan.Volunteer
	var err error
	if no = strings.TrimSpace(no); no != "" {
		if !zhiyuan.ValidVolunteerNo(no) {
			return nil, zhiyuan.FieldError(zhiyuan.EInvalid, "no", "志愿者编号不正确")
		}
		v, err = a.store.FindVolunteerByNo(ctx, no)
	} else {
		v, err = a.store.FindVolunteerByID(ctx, id)
	}
	if err != nil {
		return nil, err
	}
	if v.Status != zhiyuan.VolunteerActive {
		return nil, zhiyuan.Errorf(zhiyuan.ENotFound, "志愿者不存在")
	}
	if err := a.authorize(ctx, p, zhiyuan.ActRegionManage, zhiyuan.Resource{RegionCode: v.RegionCode}); err != nil {
		return nil, err
	}
	return v, nil
}
