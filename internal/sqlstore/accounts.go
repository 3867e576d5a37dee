package sqlstore

import (
	"context"
	"database/sql"
	"errors"

	"zhiyuan"
)

var accountUniques = map[string][2]string{
	"phone": {"phone", "account.phone_taken"},
}

// CreateAccount inserts an account with its roles in one transaction and returns its id.
// A phone number already registered is a conflict on the field "phone".
func (s *Store) CreateAccount(ctx context.Context, a *zhiyuan.Account, passwordHash string) error {
	return s.inTx(ctx, func(tx conn) error { return s.createAccount(ctx, tx, a, passwordHash) })
}

func (s *Store) createAccount(ctx context.Context, tx conn, a *zhiyuan.Account, passwordHash string) error {
	now := s.now()
	id, err := tx.insert(ctx, `INSERT INTO accounts (phone, name, password_hash, status, created_at, updated_at)
		VALUES (?, ?, ?, 'active', ?, ?)`, a.Phone, a.Name, passwordHash, now, now)
	if err != nil {
		return s.translate(err, accountUniques)
	}
	a.ID, a.Status, a.CreatedAt = id, zhiyuan.AccountActive, now
	for _, r := range a.Roles {
		if err := s.grantRole(ctx, tx, id, r, 0); err != nil {
			return err
		}
	}
	return nil
}

// GrantRole gives an account a role; granting one it already holds is a no-op.
func (s *Store) GrantRole(ctx context.Context, accountID int64, r zhiyuan.Role, grantedBy int64) error {
	return s.grantRole(ctx, s.writer(), accountID, r, grantedBy)
}

func (s *Store) grantRole(ctx context.Context, c conn, accountID int64, r zhiyuan.Role, grantedBy int64) error {
	_, err := c.exec(ctx, `INSERT INTO account_roles (account_id, role, region_code, org_id, granted_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (account_id, role, region_code, org_id) DO NOTHING`,
		accountID, string(r.Kind), r.RegionCode, r.OrgID, nullID(grantedBy), s.now())
	return err
}

// RevokeRole removes a role from an account.
func (s *Store) RevokeRole(ctx context.Context, accountID int64, r zhiyuan.Role) error {
	_, err := s.writer().exec(ctx, `DELETE FROM account_roles
		WHERE account_id = ? AND role = ? AND region_code = ? AND org_id = ?`,
		accountID, string(r.Kind), r.RegionCode, r.OrgID)
	return err
}

// FindAccountByPhone returns the account with the phone and its password hash.
func (s *Store) FindAccountByPhone(ctx context.Context, phone string) (*zhiyuan.Account, string, error) {
	return s.findAccount(ctx, "phone = ?", phone)
}

// FindAccountByID returns the account with its roles.
func (s *Store) FindAccountByID(ctx context.Context, id int64) (*zhiyuan.Account, error) {
	a, _, err := s.findAccount(ctx, "id = ?", id)
	return a, err
}

func (s *Store) findAccount(ctx context.Context, where string, arg any) (*zhiyuan.Account, string, error) {
	// One query for the account and its roles: this runs on every page and API call that
	// shows the caller, so a second round trip per request is worth saving.
	rows, err := s.reader().query(ctx, `SELECT a.id, a.phone, a.name, a.password_hash, a.status, a.created_at,
		r.role, r.region_code, r.org_id, r.partner_id, r.partner_admin
		FROM (SELECT id, phone, name, password_hash, status, created_at FROM accounts WHERE `+where+`) a
		LEFT JOIN account_roles r ON r.account_id = a.id
		ORDER BY r.id`, arg)
	if err != nil {
		return nil, "", err
	}
	defer rows.Close()
	var a *zhiyuan.Account
	var hash string
	for rows.Next() {
		var acc zhiyuan.Account
		var status string
		var role roleColumns
		if err := rows.Scan(&acc.ID, &acc.Phone, &acc.Name, &hash, &status, &acc.CreatedAt, &role.kind, &role.region, &role.org, &role.partner, &role.partnerAdmin); err != nil {
			return nil, "", err
		}
		if a == nil {
			a = &acc
			a.Status = zhiyuan.AccountStatus(status)
			a.CreatedAt = a.CreatedAt.UTC()
		}
		a.Roles = role.appendTo(a.Roles)
	}
	if err := rows.Err(); err != nil {
		return nil, "", err
	}
	if a == nil {
		return nil, "", notFound("notfound.account")
	}
	return a, hash, nil
}

// roleColumns scans the role columns of a LEFT JOIN on account_roles, which are NULL for
// an account without roles.
type roleColumns struct {
	kind, region sql.NullString
	org, partner sql.NullInt64
	partnerAdmin sql.NullBool
}

func (r roleColumns) appendTo(roles []zhiyuan.Role) []zhiyuan.Role {
	if !r.kind.Valid {
		return roles
	}
	return append(roles, zhiyuan.Role{Kind: zhiyuan.RoleKind(r.kind.String), RegionCode: r.region.String, OrgID: r.org.Int64,
		PartnerID: r.partner.Int64, PartnerAdmin: r.partnerAdmin.Bool})
}

// SetPasswordHash replaces an account's password hash (a change of password, or a re-hash
// with stronger parameters after a successful login).
// An unclaimed account (zhiyuan.UnclaimedPasswordHash) is left alone: only ClaimAccount sets
// its first password.
func (s *Store) SetPasswordHash(ctx context.Context, accountID int64, hash string) error {
	if hash == zhiyuan.UnclaimedPasswordHash {
		return errEmptyPasswordHash
	}
	res, err := s.writer().exec(ctx, "UPDATE accounts SET password_hash = ?, updated_at = ? WHERE id = ? AND password_hash <> ?",
		hash, s.now(), accountID, zhiyuan.UnclaimedPasswordHash)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return notFound("notfound.account")
	}
	return nil
}

// errEmptyPasswordHash refuses to store the empty hash over an account's password: that would
// make it an unclaimed account anyone knowing the phone and six characters could take. It is
// a programming error, never the person's.
var errEmptyPasswordHash = errors.New("sqlstore: an empty password hash is never stored over a password")

// ClaimAccount sets the first password of an unclaimed account (zhiyuan.UnclaimedPasswordHash)
// by one conditional UPDATE, so of two claims at once exactly one wins. It reports false,
// and changes nothing, when the account has a password already (claimed meanwhile) or is
// not active.
func (s *Store) ClaimAccount(ctx context.Context, accountID int64, hash string) (bool, error) {
	if hash == zhiyuan.UnclaimedPasswordHash {
		return false, errEmptyPasswordHash
	}
	res, err := s.writer().exec(ctx, `UPDATE accounts SET password_hash = ?, updated_at = ?
		WHERE id = ? AND password_hash = ? AND status = 'active'`, hash, s.now(), accountID, zhiyuan.UnclaimedPasswordHash)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}
