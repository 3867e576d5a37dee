package sqlstore

import (
	"context"
	"crypto/subtle"
	"database/sql"
	"time"

	"zhiyuan"
)

// ResetOutcome is what a password reset code was found to be.
type ResetOutcome int

// Reset outcomes. Only ResetDone changed anything besides the attempt count.
const (
	ResetDone      ResetOutcome = iota // the code was right: password set, code used, sessions ended
	ResetWrong                         // a live code, but not this one (one attempt used)
	ResetNoCode                        // no code for this number: never asked for, already used, or replaced
	ResetExpired                       // the code's time is up
	ResetExhausted                     // the code's attempts are used up
)

// SaveResetCode stores the keyed hash of a new reset code for the phone (by its blind
// index), replacing any earlier code of that phone with a fresh attempt count: one live
// code per account. accountID is 0 for a number no account has; its row behaves like any
// other, so the answers do not tell registered numbers from others.
func (s *Store) SaveResetCode(ctx context.Context, phoneIndex string, accountID int64, codeHash string, ttl time.Duration) error {
	now := s.now()
	_, err := s.writer().exec(ctx, `INSERT INTO password_resets (phone_index, account_id, code_hash, attempts, created_at, expires_at)
		VALUES (?, ?, ?, 0, ?, ?)
		ON CONFLICT (phone_index) DO UPDATE SET account_id = excluded.account_id, code_hash = excluded.code_hash,
			attempts = 0, created_at = excluded.created_at, expires_at = excluded.expires_at`,
		phoneIndex, nullID(accountID), codeHash, now, now.Add(ttl))
	return err
}

// UseResetCode checks a reset code and, when it is right, sets the account's password hash
// (made by newHash, called only then: a wrong code costs no password hashing), deletes the
// code and ends every session and API token of the account, all in one transaction. Every
// check uses one of maxAttempts attempts, counted by a conditional UPDATE that also holds
// the row, so racing guesses are each counted and a right code is used at most once. It
// returns the account (on ResetDone) and how many attempts are left.
func (s *Store) UseResetCode(ctx context.Context, phoneIndex, codeHash string, maxAttempts int, newHash func() (string, error)) (accountID int64, outcome ResetOutcome, left int, err error) {
	now := s.now()
	err = s.inTx(ctx, func(tx conn) error {
		var acc sql.NullInt64
		var stored string
		var attempts int
		err := tx.queryRow(ctx, `UPDATE password_resets SET attempts = attempts + 1
			WHERE phone_index = ? AND attempts < ? AND expires_at > ?
			RETURNING account_id, code_hash, attempts`, phoneIndex, maxAttempts, now).Scan(&acc, &stored, &attempts)
		if err == sql.ErrNoRows {
			outcome, err = s.whyNoReset(ctx, tx, phoneIndex, maxAttempts, now)
			return err
		}
		if err != nil {
			return err
		}
		left = maxAttempts - attempts
		if subtle.ConstantTimeCompare([]byte(stored), []byte(codeHash)) != 1 || !acc.Valid {
			outcome = ResetWrong
			return nil
		}
		if _, err := tx.exec(ctx, "DELETE FROM password_resets WHERE phone_index = ?", phoneIndex); err != nil {
			return err
		}
		hash, err := newHash()
		if err != nil {
			return err
		}
		if err := s.setPassword(ctx, tx, acc.Int64, hash, ""); zhiyuan.ErrorCode(err) == zhiyuan.ENotFound {
			// Disabled or closed since the code was sent: the code is spent, nothing else.
			outcome = ResetNoCode
			return nil
		} else if err != nil {
			return err
		}
		accountID, outcome = acc.Int64, ResetDone
		return nil
	})
	if err != nil {
		return 0, 0, 0, err
	}
	return accountID, outcome, left, nil
}

// whyNoReset tells, after the conditional UPDATE matched nothing, whether there is no code
// at all, an expired one or one whose attempts are used up.
func (s *Store) whyNoReset(ctx context.Context, tx conn, phoneIndex string, maxAttempts int, now time.Time) (ResetOutcome, error) {
	var attempts int
	var expires time.Time
	err := tx.queryRow(ctx, "SELECT attempts, expires_at FROM password_resets WHERE phone_index = ?", phoneIndex).Scan(&attempts, &expires)
	switch {
	case err == sql.ErrNoRows:
		return ResetNoCode, nil
	case err != nil:
		return 0, err
	case !expires.After(now):
		return ResetExpired, nil
	case attempts >= maxAttempts:
		return ResetExhausted, nil
	}
	return ResetNoCode, nil
}

// PurgeExpiredResetCodes deletes codes past their expiry and returns how many.
func (s *Store) PurgeExpiredResetCodes(ctx context.Context) (int64, error) {
	res, err := s.writer().exec(ctx, "DELETE FROM password_resets WHERE expires_at <= ?", s.now())
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// SetPasswordEndSessions sets an account's password hash and ends every session and API
// token of the account in one transaction (an administrator's reset of someone's access).
func (s *Store) SetPasswordEndSessions(ctx context.Context, accountID int64, hash string) error {
	return s.inTx(ctx, func(tx conn) error {
		return s.setPassword(ctx, tx, accountID, hash, "")
	})
}
