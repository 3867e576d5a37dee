package sqlstore

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
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
// the last zhiyuan.TokenCacheTTL is answered from memory (token_cache.go); tokens missing
// it at the same moment are resolved together, by one query (lookupTokens).
func (s *Store) PrincipalBySession(ctx context.Context, token string, kind zhiyuan.SessionKind) (*zhiyuan.Principal, error) {
	if token == "" {
		return nil, zhiyuan.Fail(zhiyuan.EUnauthorized, "auth.login_required")
	}
	digest := sha256.Sum256([]byte(token))
	if p := s.principals.get(digest, kind, s.now()); p != nil {
		return p, nil
	}
	l := &tokenLookup{digest: digest, kind: kind}
	s.tokenLookups.do(ctx, l)
	if !l.answered {
		return nil, errLookupUnanswered
	}
	if l.err != nil {
		return nil, l.err
	}
	cp := *l.p
	return &cp, nil
}

// errLookupUnanswered is a token lookup's answer when the batch resolving it failed
// without answering (a panic, raised in the batch's leading request).
var errLookupUnanswered = errors.New("token lookup: its batch ended without an answer")

// tokenLookup is one token to resolve in a batch of lookupTokens.
type tokenLookup struct {
	digest   [sha256.Size]byte
	kind     zhiyuan.SessionKind
	p        *zhiyuan.Principal // shared with the cache: callers copy it
	err      error
	answered bool
}

// tokenLookupBatch is how many token lookups one query resolves at most, and
// tokenLookupLanes how many such queries run at once (coalescer): in a rush of first
// requests (a thousand volunteers scanning the check-in code), each with a token no
// request has resolved yet, a query per token was most of the request's cost on both
// engines (BenchmarkCheckinRush): a round trip on PostgreSQL, and on SQLite a read
// transaction reloading its B-tree pages after the writer's last commit.
const (
	tokenLookupBatch = 64
	tokenLookupLanes = 2
)

// lookupTokens resolves ls (one query for all, the caller and their roles) and caches
// what it found.
func (s *Store) lookupTokens(ctx context.Context, ls []*tokenLookup) {
	now := s.now()
	gen := s.principals.gen.Load() // before the read: a change during it outdates the entries
	found, err := s.readPrincipals(ctx, ls, now)
	for _, l := range ls {
		l.answered = true
		if err != nil {
			l.err = err
			continue
		}
		e, ok := found[l.digest]
		if !ok || e.kind != l.kind {
			l.err = zhiyuan.Fail(zhiyuan.EUnauthorized, "auth.session_expired")
			continue
		}
		l.p = e.p
	}
	for digest, e := range found {
		e.gen = gen
		if ttl := now.Add(zhiyuan.TokenCacheTTL); ttl.Before(e.until) {
			e.until = ttl
		}
		s.principals.put(digest, e, now)
	}
}

// readPrincipals reads the callers of the sessions of ls that are valid at now, each
// with its kind and its session's expiry (until).
func (s *Store) readPrincipals(ctx context.Context, ls []*tokenLookup, now time.Time) (map[[sha256.Size]byte]principalEntry, error) {
	const cols = `SELECT s.token_hash, s.kind, a.id, a.name, a.phone, a.status, a.created_at, s.expires_at,
		r.role, r.region_code, r.org_id, r.partner_id, r.partner_admin`
	// where is the sessions' condition beyond the token: still valid, the account active.
	const where = ` JOIN accounts a ON a.id = s.account_id
		LEFT JOIN account_roles r ON r.account_id = a.id
		WHERE %s s.expires_at > ? AND a.status = 'active'
		ORDER BY s.token_hash, r.id`
	var q string
	var args []any
	if len(ls) == 1 {
		q = cols + ` FROM sessions s` + fmt.Sprintf(where, "s.token_hash = ? AND")
		args = []any{hex.EncodeToString(ls[0].digest[:]), now}
	} else {
		// The tokens as a table: VALUES on SQLite, unnest of one array on PostgreSQL.
		// Each token once: a token twice in the table would read its roles twice.
		seen := make(map[[sha256.Size]byte]bool, len(ls))
		rows := make([][]any, 0, len(ls))
		for _, l := range ls {
			if !seen[l.digest] {
				seen[l.digest] = true
				rows = append(rows, []any{hex.EncodeToString(l.digest[:])})
			}
		}
		rows = padRows(rows, []any{""}) // no token hashes to ""
		src, srcArgs := s.dialect.rowsSource([]string{"TEXT"}, rows)
		q = `WITH t (h) AS (` + src + `) ` + cols + ` FROM t JOIN sessions s ON s.token_hash = t.h` + fmt.Sprintf(where, "")
		args = append(srcArgs, now)
	}
	rows, err := s.reader().query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	found := make(map[[sha256.Size]byte]principalEntry, len(ls))
	var acc *zhiyuan.Account
	var cur principalEntry
	var curKey [sha256.Size]byte
	flush := func() {
		if acc != nil {
			cur.p = &zhiyuan.Principal{AccountID: acc.ID, Name: acc.Name, Roles: acc.Roles, Account: acc}
			found[curKey] = cur
		}
	}
	for rows.Next() {
		var hash, kind, status string
		var a zhiyuan.Account
		var expires time.Time
		var role roleColumns
		if err := rows.Scan(&hash, &kind, &a.ID, &a.Name, &a.Phone, &status, &a.CreatedAt, &expires,
			&role.kind, &role.region, &role.org, &role.partner, &role.partnerAdmin); err != nil {
			return nil, err
		}
		var key [sha256.Size]byte
		if n, err := hex.Decode(key[:], []byte(hash)); err != nil || n != len(key) {
			return nil, fmt.Errorf("session token hash %.8s…: not a SHA-256", hash)
		}
		if acc == nil || key != curKey {
			flush()
			acc, curKey = &a, key
			acc.Status = zhiyuan.AccountStatus(status)
			acc.CreatedAt = acc.CreatedAt.UTC()
			cur = principalEntry{kind: zhiyuan.SessionKind(kind), until: expires}
		}
		acc.Roles = role.appendTo(acc.Roles)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	flush()
	return found, nil
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
