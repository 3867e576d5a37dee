-- Pairing (结对): an approved organisation visits a recipient household or institution at
-- a cadence for a period. The recipient is a label, a target group, an address and a
-- contact the community holds, never an identity number. Each visit is a session of the
-- activity the pairing created (activity_id, one pairing per activity), so attendance and
-- hours are the ledger's own; a visit is held when its session has confirmed hours. The
-- community is the account warned of missed visits. status moves active → ended only by
-- a conditional UPDATE (ending early), with ended_at: visits after it are not expected.
CREATE TABLE pairings (
    id                   INTEGER PRIMARY KEY,
    org_id               INTEGER NOT NULL REFERENCES organizations (id),
    activity_id          INTEGER NOT NULL REFERENCES activities (id),
    need_id              INTEGER REFERENCES needs (id),
    recipient            TEXT NOT NULL,
    target_group         TEXT NOT NULL DEFAULT '',
    category             TEXT NOT NULL,
    region_code          TEXT NOT NULL,
    address              TEXT NOT NULL,
    lat                  REAL NOT NULL DEFAULT 0,
    lng                  REAL NOT NULL DEFAULT 0,
    contact              TEXT NOT NULL DEFAULT '',
    starts_on            TEXT NOT NULL,
    ends_on              TEXT NOT NULL,
    every_days           INTEGER NOT NULL CHECK (every_days >= 1),
    visit_time           TEXT NOT NULL,
    visit_minutes        INTEGER NOT NULL CHECK (visit_minutes > 0),
    volunteers_per_visit INTEGER NOT NULL CHECK (volunteers_per_visit > 0),
    community_account_id INTEGER NOT NULL REFERENCES accounts (id),
    status               TEXT NOT NULL CHECK (status IN ('active', 'ended')),
    ended_at             TIMESTAMP,
    ended_by             INTEGER REFERENCES accounts (id),
    created_by           INTEGER NOT NULL REFERENCES accounts (id),
    created_at           TIMESTAMP NOT NULL,
    CHECK (ends_on >= starts_on),
    CHECK ((status = 'ended') = (ended_at IS NOT NULL))
);
CREATE UNIQUE INDEX pairings_activity_uq ON pairings (activity_id);
CREATE INDEX pairings_org_idx ON pairings (org_id, id);
CREATE INDEX pairings_community_idx ON pairings (community_account_id, id);
CREATE INDEX pairings_region_idx ON pairings (region_code, id);

-- One row per missed visit the community was warned of: its primary key (the visit's
-- session) makes the warning once-only however often, and on however many servers, the
-- periodic check runs. The notification is written in the same transaction.
CREATE TABLE pairing_missed_visits (
    session_id      INTEGER PRIMARY KEY REFERENCES activity_sessions (id),
    pairing_id      INTEGER NOT NULL REFERENCES pairings (id),
    notification_id INTEGER REFERENCES notifications (id),
    warned_at       TIMESTAMP NOT NULL
);
CREATE INDEX pairing_missed_visits_pairing_idx ON pairing_missed_visits (pairing_id);
