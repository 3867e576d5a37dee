-- Password reset codes (internal/sqlstore/resets.go). One row per phone number asked for,
-- so a new request replaces the live code; the row is keyed by the phone's blind index and
-- exists for unknown numbers too (with no account), so a wrong, expired or used-up code
-- behaves the same whether or not the number is registered. Only a keyed hash of the code
-- is stored.
CREATE TABLE password_resets (
    phone_index  TEXT PRIMARY KEY,
    account_id   INTEGER REFERENCES accounts (id),
    code_hash    TEXT NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    created_at   TIMESTAMP NOT NULL,
    expires_at   TIMESTAMP NOT NULL
);
CREATE INDEX password_resets_expires_idx ON password_resets (expires_at);
