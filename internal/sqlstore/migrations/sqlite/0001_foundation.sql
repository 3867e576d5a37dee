-- Accounts, roles, sessions, login throttling and the audit log.

CREATE TABLE accounts (
    id            INTEGER PRIMARY KEY,
    phone         TEXT NOT NULL,
    name          TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    status        TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled', 'closed')),
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX accounts_phone_uq ON accounts (phone);

CREATE TABLE account_roles (
    id          INTEGER PRIMARY KEY,
    account_id  INTEGER NOT NULL REFERENCES accounts (id),
    role        TEXT NOT NULL CHECK (role IN ('volunteer', 'org_admin', 'regional', 'partner', 'judge', 'platform')),
    region_code TEXT NOT NULL DEFAULT '',
    org_id      INTEGER NOT NULL DEFAULT 0,
    granted_by  INTEGER,
    created_at  TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX account_roles_uq ON account_roles (account_id, role, region_code, org_id);
CREATE INDEX account_roles_org_idx ON account_roles (org_id, role);

CREATE TABLE sessions (
    token_hash   TEXT PRIMARY KEY,
    account_id   INTEGER NOT NULL REFERENCES accounts (id),
    kind         TEXT NOT NULL CHECK (kind IN ('web', 'api')),
    created_at   TIMESTAMP NOT NULL,
    expires_at   TIMESTAMP NOT NULL,
    ip           TEXT NOT NULL DEFAULT '',
    user_agent   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_account_idx ON sessions (account_id);
CREATE INDEX sessions_expires_idx ON sessions (expires_at);

-- One row per (login, client address) and per client address: failures in the current
-- window and a lock. The login is stored as a keyed hash, never in the clear.
CREATE TABLE login_throttle (
    key          TEXT PRIMARY KEY,
    failures     INTEGER NOT NULL,
    window_start TIMESTAMP NOT NULL,
    locked_until TIMESTAMP
);

CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    at          TIMESTAMP NOT NULL,
    actor_id    INTEGER NOT NULL DEFAULT 0,
    action      TEXT NOT NULL,
    target_type TEXT NOT NULL DEFAULT '',
    target_id   TEXT NOT NULL DEFAULT '',
    region_code TEXT NOT NULL DEFAULT '',
    org_id      INTEGER NOT NULL DEFAULT 0,
    ip          TEXT NOT NULL DEFAULT '',
    request_id  TEXT NOT NULL DEFAULT '',
    detail      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_region_idx ON audit_log (region_code, id);
CREATE INDEX audit_log_actor_idx ON audit_log (actor_id, id);
