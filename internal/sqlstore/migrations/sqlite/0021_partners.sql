-- Partners (联合激励单位), their staff, benefits (权益), claims and uses (issue 14).
--
-- A partner role is an account_roles row with role 'partner' and the partner's id; its
-- admins (who publish benefits and add staff) have partner_admin set. One account belongs
-- to at most one partner: the row keeps region_code '' and org_id 0, so account_roles_uq
-- allows one partner row per account.
ALTER TABLE account_roles ADD COLUMN partner_id INTEGER NOT NULL DEFAULT 0;
ALTER TABLE account_roles ADD COLUMN partner_admin BOOLEAN NOT NULL DEFAULT FALSE;
CREATE INDEX account_roles_partner_idx ON account_roles (partner_id) WHERE partner_id <> 0;

CREATE TABLE partners (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL,
    credit_code   TEXT NOT NULL,
    region_code   TEXT NOT NULL,
    contact_name  TEXT NOT NULL,
    contact_phone TEXT NOT NULL,
    status        TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
    reject_reason TEXT NOT NULL DEFAULT '',
    created_by    INTEGER NOT NULL REFERENCES accounts (id),
    created_at    TIMESTAMP NOT NULL,
    decided_at    TIMESTAMP,
    decided_by    INTEGER REFERENCES accounts (id),
    updated_at    TIMESTAMP NOT NULL
);
-- A rejected application does not block applying again.
CREATE UNIQUE INDEX partners_credit_code_uq ON partners (credit_code) WHERE status <> 'rejected';
CREATE INDEX partners_status_region_idx ON partners (status, region_code, id);

-- stock 0 means no total limit; otherwise stock_left is taken one unit at a time by a
-- conditional UPDATE (… WHERE stock_left > 0), so it never goes below zero.
CREATE TABLE benefits (
    id                INTEGER PRIMARY KEY,
    partner_id        INTEGER NOT NULL REFERENCES partners (id),
    title             TEXT NOT NULL,
    description       TEXT NOT NULL DEFAULT '',
    category          TEXT NOT NULL,
    region_code       TEXT NOT NULL,
    address           TEXT NOT NULL DEFAULT '',
    lat               REAL NOT NULL DEFAULT 0,
    lng               REAL NOT NULL DEFAULT 0,
    valid_from        TIMESTAMP NOT NULL,
    valid_until       TIMESTAMP NOT NULL,
    eligibility_kind  TEXT NOT NULL,
    eligibility_value INTEGER NOT NULL DEFAULT 0,
    price_rule        TEXT NOT NULL,
    limit_count       INTEGER NOT NULL DEFAULT 0 CHECK (limit_count >= 0),
    limit_period      TEXT NOT NULL DEFAULT 'ever',
    stock             INTEGER NOT NULL DEFAULT 0 CHECK (stock >= 0),
    stock_left        INTEGER NOT NULL DEFAULT 0 CHECK (stock_left >= 0),
    created_by        INTEGER NOT NULL REFERENCES accounts (id),
    created_at        TIMESTAMP NOT NULL
);
CREATE INDEX benefits_partner_idx ON benefits (partner_id, id);
CREATE INDEX benefits_region_idx ON benefits (region_code, id);
CREATE INDEX benefits_valid_idx ON benefits (valid_until, id);

-- The per-volunteer limit: one row per benefit, volunteer and period ('2026-12', 'ever'),
-- counted up by one upsert that does nothing once used reaches the limit.
CREATE TABLE benefit_quota (
    benefit_id   INTEGER NOT NULL REFERENCES benefits (id),
    volunteer_id INTEGER NOT NULL REFERENCES volunteers (id),
    period_key   TEXT NOT NULL,
    used         INTEGER NOT NULL CHECK (used >= 1),
    PRIMARY KEY (benefit_id, volunteer_id, period_key)
);

-- A claim holds one unit of stock and is the redemption code's record.
CREATE TABLE benefit_claims (
    id           INTEGER PRIMARY KEY,
    benefit_id   INTEGER NOT NULL REFERENCES benefits (id),
    volunteer_id INTEGER NOT NULL REFERENCES volunteers (id),
    period_key   TEXT NOT NULL,
    claimed_at   TIMESTAMP NOT NULL,
    expires_at   TIMESTAMP NOT NULL
);
CREATE INDEX benefit_claims_volunteer_idx ON benefit_claims (volunteer_id, id);
CREATE INDEX benefit_claims_benefit_idx ON benefit_claims (benefit_id, id);

-- A use recorded at the gate. claim_id is unique: a redemption code is used once, however
-- many staff scan it at the same moment.
CREATE TABLE benefit_uses (
    id            INTEGER PRIMARY KEY,
    benefit_id    INTEGER NOT NULL REFERENCES benefits (id),
    claim_id      INTEGER NOT NULL REFERENCES benefit_claims (id),
    volunteer_id  INTEGER NOT NULL REFERENCES volunteers (id),
    staff_id      INTEGER NOT NULL REFERENCES accounts (id),
    star_level    INTEGER NOT NULL,
    price_percent INTEGER NOT NULL,
    used_at       TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX benefit_uses_claim_uq ON benefit_uses (claim_id);
CREATE INDEX benefit_uses_volunteer_idx ON benefit_uses (volunteer_id, id);
CREATE INDEX benefit_uses_benefit_idx ON benefit_uses (benefit_id, id);
