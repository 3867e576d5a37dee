-- Attendance (check-in and check-out per volunteer and session) and the service-hour
-- ledger.
--
-- hour_entries is append-only: the triggers below make the database itself refuse UPDATE
-- and DELETE, so no code path (nor a hand-typed statement) can edit hours in place. A
-- correction is a new entry pointing at the one it corrects. Each volunteer's entries
-- form a hash chain over (volunteer_id, seq); UNIQUE (volunteer_id, seq) stops two
-- appends from taking the same place. Confirmation is its own append-only row, never an
-- UPDATE of the entry. volunteer_hour_totals and hour_pending are derived, kept in the
-- same transaction as each entry and confirmation, so totals are read, never summed, and
-- `zhiyuan ledger verify` checks both against the ledger.

CREATE TABLE hour_entries (
    id                INTEGER PRIMARY KEY,
    volunteer_id      INTEGER NOT NULL REFERENCES volunteers (id),
    seq               INTEGER NOT NULL CHECK (seq >= 1),
    kind              TEXT NOT NULL CHECK (kind IN ('attended', 'makeup', 'correction')),
    minutes           INTEGER NOT NULL,
    session_id        INTEGER REFERENCES activity_sessions (id),
    org_id            INTEGER NOT NULL REFERENCES organizations (id),
    corrects_entry_id INTEGER REFERENCES hour_entries (id),
    reason            TEXT NOT NULL DEFAULT '',
    recorded_by       INTEGER REFERENCES accounts (id),
    recorded_at       TIMESTAMP NOT NULL,
    prev_hash         BLOB NOT NULL CHECK (length(prev_hash) = 32),
    hash              BLOB NOT NULL CHECK (length(hash) = 32),
    CHECK ((kind = 'attended' AND corrects_entry_id IS NULL AND minutes >= 0)
        OR (kind = 'makeup' AND corrects_entry_id IS NULL AND minutes > 0 AND reason <> '')
        OR (kind = 'correction' AND corrects_entry_id IS NOT NULL AND minutes <> 0 AND reason <> ''))
);
CREATE UNIQUE INDEX hour_entries_chain_uq ON hour_entries (volunteer_id, seq);
CREATE INDEX hour_entries_session_idx ON hour_entries (session_id, volunteer_id);
CREATE INDEX hour_entries_corrects_idx ON hour_entries (corrects_entry_id);
CREATE INDEX hour_entries_org_idx ON hour_entries (org_id, id);

CREATE TRIGGER hour_entries_no_update BEFORE UPDATE ON hour_entries
BEGIN
    SELECT RAISE(ABORT, 'hour_entries is append-only: record a correction instead');
END;
CREATE TRIGGER hour_entries_no_delete BEFORE DELETE ON hour_entries
BEGIN
    SELECT RAISE(ABORT, 'hour_entries is append-only: record a correction instead');
END;

CREATE TABLE hour_confirmations (
    id           INTEGER PRIMARY KEY,
    entry_id     INTEGER NOT NULL REFERENCES hour_entries (id),
    volunteer_id INTEGER NOT NULL REFERENCES volunteers (id),
    session_id   INTEGER REFERENCES activity_sessions (id),
    confirmed_by INTEGER NOT NULL REFERENCES accounts (id),
    confirmed_at TIMESTAMP NOT NULL,
    rating       INTEGER NOT NULL DEFAULT 0 CHECK (rating BETWEEN 0 AND 5),
    comment      TEXT NOT NULL DEFAULT '',
    entry_hash   BLOB NOT NULL,
    hash         BLOB NOT NULL
);
CREATE UNIQUE INDEX hour_confirmations_entry_uq ON hour_confirmations (entry_id);
CREATE INDEX hour_confirmations_session_idx ON hour_confirmations (session_id);

CREATE TRIGGER hour_confirmations_no_update BEFORE UPDATE ON hour_confirmations
BEGIN
    SELECT RAISE(ABORT, 'hour_confirmations is append-only');
END;
CREATE TRIGGER hour_confirmations_no_delete BEFORE DELETE ON hour_confirmations
BEGIN
    SELECT RAISE(ABORT, 'hour_confirmations is append-only');
END;

CREATE TABLE attendance (
    id              INTEGER PRIMARY KEY,
    session_id      INTEGER NOT NULL REFERENCES activity_sessions (id),
    volunteer_id    INTEGER NOT NULL REFERENCES volunteers (id),
    signup_id       INTEGER REFERENCES signups (id),
    walk_in         BOOLEAN NOT NULL DEFAULT FALSE,
    checkin_at      TIMESTAMP NOT NULL,
    checkin_method  TEXT NOT NULL CHECK (checkin_method IN ('code', 'card', 'manual')),
    checkin_by      INTEGER REFERENCES accounts (id),
    checkin_dist_m  INTEGER NOT NULL DEFAULT -1,
    checkout_at     TIMESTAMP,
    checkout_method TEXT CHECK (checkout_method IN ('code', 'card', 'manual')),
    checkout_by     INTEGER REFERENCES accounts (id),
    checkout_dist_m INTEGER NOT NULL DEFAULT -1,
    entry_id        INTEGER REFERENCES hour_entries (id),
    minutes         INTEGER NOT NULL DEFAULT 0,
    reason          TEXT NOT NULL DEFAULT '',
    created_at      TIMESTAMP NOT NULL,
    CHECK (checkout_at IS NULL OR checkout_at > checkin_at),
    CHECK (walk_in OR signup_id IS NOT NULL)
);
CREATE UNIQUE INDEX attendance_session_volunteer_uq ON attendance (session_id, volunteer_id);
CREATE INDEX attendance_volunteer_idx ON attendance (volunteer_id, session_id);

-- The work list of unconfirmed entries: a row per pending entry, removed when the entry is
-- confirmed. It lets the overdue lists of an organisation or a region read a small index
-- instead of anti-joining the whole ledger.
CREATE TABLE hour_pending (
    entry_id        INTEGER PRIMARY KEY REFERENCES hour_entries (id),
    volunteer_id    INTEGER NOT NULL REFERENCES volunteers (id),
    org_id          INTEGER NOT NULL REFERENCES organizations (id),
    session_id      INTEGER REFERENCES activity_sessions (id),
    region_code     TEXT NOT NULL DEFAULT '',
    session_ends_at TIMESTAMP,
    minutes         INTEGER NOT NULL
);
CREATE INDEX hour_pending_org_idx ON hour_pending (org_id, session_ends_at);
CREATE INDEX hour_pending_region_idx ON hour_pending (region_code, session_ends_at);
CREATE INDEX hour_pending_session_idx ON hour_pending (session_id);

CREATE TABLE volunteer_hour_totals (
    volunteer_id      INTEGER PRIMARY KEY REFERENCES volunteers (id),
    confirmed_minutes INTEGER NOT NULL DEFAULT 0,
    pending_minutes   INTEGER NOT NULL DEFAULT 0,
    last_seq          INTEGER NOT NULL DEFAULT 0,
    head_hash         BLOB NOT NULL,
    updated_at        TIMESTAMP NOT NULL
);

CREATE TABLE hour_disputes (
    id                  INTEGER PRIMARY KEY,
    entry_id            INTEGER NOT NULL REFERENCES hour_entries (id),
    volunteer_id        INTEGER NOT NULL REFERENCES volunteers (id),
    org_id              INTEGER NOT NULL REFERENCES organizations (id),
    reason              TEXT NOT NULL,
    status              TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved', 'rejected')),
    resolution          TEXT NOT NULL DEFAULT '',
    correction_entry_id INTEGER REFERENCES hour_entries (id),
    resolved_by         INTEGER REFERENCES accounts (id),
    resolved_at         TIMESTAMP,
    created_at          TIMESTAMP NOT NULL
);
-- One open dispute per entry at a time.
CREATE UNIQUE INDEX hour_disputes_open_uq ON hour_disputes (entry_id) WHERE status = 'open';
CREATE INDEX hour_disputes_org_idx ON hour_disputes (org_id, status, id);
CREATE INDEX hour_disputes_volunteer_idx ON hour_disputes (volunteer_id, id);
