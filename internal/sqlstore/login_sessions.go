package sqlstore

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"time"

	"zhiyuan"
)

// Login sessions: a page login's cookie and an API token are both a row of sessions.
// Sessions (场次) of activities are activity_sessions.go.

// hashToken is what the sessions table keys on: a stolen copy of the table holds no token.
func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// CreateSession starts a session for the account and returns it with its secret token.
// A new token is minted at every login, so a session id planted before login is useless.
func (s *Store) CreateSession(ctx context.Context, accountID int64, kind zhiyuan.SessionKind, ttl time.Duration, client zhiyuan.Client) (*zhiyuan.Session, error) {
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return nil, err
	}
	now := s.now()
	sess := &zhiyuan.Session{
		Token:     base64.RawURLEncoding.EncodeToString(raw),
		Kind:      kind,
		AccountID: accountID,
		CreatedAt: now,
		ExpiresAt: now.Add(ttl),
	}
	ua := client.UserAgent
	if len(ua) > 200 {
		ua = ua[:200]
	}
	_, err := s.writer().exec(ctx, `INSERT INTO sessions (token_hash, account_id, kind, created_at, expires_at, ip, user_agent)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, hashToken(sess.Token), accountID, string(kind), now, sess.ExpiresAt, client.IP, ua)
	if err != nil {
		return nil, err
	}
	return sess, nil
}

// PrincipalBySession resolves a token of the given kind to its caller. Expired, revoked or
// unknown tokens and closed or disabled accounts are all EUnauthorized. A token resolved in
// the last zhiyuan.TokenCacheTTL is answered from memory (token_cache.go).
func (s *Store) PrincipalBySession(ctx context.Context, token string, kind zhiyuan.SessionKind) (*zhiyuan.Principal, error) {
	if token == "" {
		return nil, zhiyuan.Fail(zhiyuan.EUnauthorized, "auth.login_required")
	}
	digest := sha256.Sum256([]byte(token))
	now := s.now()
	if p := s.principals.get(digest, kind, now); p != nil {
		return p, nil
	}
	gen := s.principals.gen.Load() // before the read: a change during it outdates the entry
	// One query for the caller and their roles: it runs on every authenticated request
	// the cache does not answer.
	rows, err := s.reader().query(ctx, `SELECT a.id, a.name, a.phone, a.status, a.created_at, s.expires_at, r.role, r.region_code, r.org_id, r.partner_id, r.partner_admin
		FROM sessions s JOIN accounts a ON a.id = s.account_id
		LEFT JOIN account_roles r ON r.account_id = a.id
		WHERE s.token_hash = ? AND s.kind = ? AND s.expires_at > ? AND a.status = 'active'
		ORDER BY r.id`, hex.EncodeToString(digest[:]), string(kind), now)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var acc *zhiyuan.Account
	var expires time.Time
	for rows.Next() {
		var a zhiyuan.Account
		var status string
		var role roleColumns
		if err := rows.Scan(&a.ID, &a.Name, &a.Phone, &status, &a.CreatedAt, &expires, &role.kind, &role.region, &role.org, &role.partner, &role.partnerAdmin); err != nil {
			return nil, err
		}
		if acc == nil {
			acc = &a
			acc.Status = zhiyuan.AccountStatus(status)
			acc.CreatedAt = acc.CreatedAt.UTC()
		}
		acc.Roles = role.appendTo(acc.Roles)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if acc == nil {
		return nil, zhiyuan.Fail(zhiyuan.EUnauthorized, "auth.session_expired")
	}
	p := &zhiyuan.Principal{AccountID: acc.ID, Name: acc.Name, Roles: acc.Roles, Account: acc}
	until := now.Add(zhiyuan.TokenCacheTTL)
	if expires.Before(until) {
		until = expires
	}
	s.principals.put(digest, principalEntry{p: p, kind: kind, gen: gen, until: until}, now)
	cp := *p
	return &cp, nil
}

// DeleteSession revokes one session (logout). Revoking an unknown token is not an error.
func (s *Store) DeleteSession(ctx context.Context, token string) error {
	_, err := s.writer().exec(ctx, "DELETE FROM sessions WHERE token_hash = ?", hashToken(token))
	return err
}

// DeleteAccountSessions revokes every session of an account (password change, closure).
func (s *Store) DeleteAccountSessions(ctx context.Context, accountID int64) error {
	_, err := s.writer().exec(ctx, "DELETE FROM sessions WHERE account_id = ?", accountID)
	return err
}

// PurgeExpiredSessions deletes sessions past their expiry and returns how many.
func (s *Store) PurgeExpiredSessions(ctx context.Context) (int64, error) {
	res, err := s.writer().exec(ctx, "DELETE FROM sessions WHERE expires_at <= ?", s.now())
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
