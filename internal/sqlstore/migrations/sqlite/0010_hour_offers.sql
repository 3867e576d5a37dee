-- Hour offers (待志愿者确认): a walk-in's attended time or a make-up recorded for a
-- volunteer with no sign-up for the session. They stay out of the ledger (hour_entries,
-- totals, chain heads) until the volunteer accepts; accepting appends the entry and sets
-- status and entry_id in one transaction. status leaves 'pending' once, by a conditional
-- UPDATE (accept, dispute, or the expiry sweep at expires_at), so of two answers at once
-- exactly one wins.
CREATE TABLE hour_offers (
    id             INTEGER PRIMARY KEY,
    volunteer_id   INTEGER NOT NULL REFERENCES volunteers (id),
    session_id     INTEGER NOT NULL REFERENCES activity_sessions (id),
    org_id         INTEGER NOT NULL REFERENCES organizations (id),
    kind           TEXT NOT NULL CHECK (kind IN ('attended', 'makeup')),
    minutes        INTEGER NOT NULL CHECK (minutes >= 0),
    reason         TEXT NOT NULL DEFAULT '',
    attendance_id  INTEGER REFERENCES attendance (id),
    region_code    TEXT NOT NULL DEFAULT '',
    recorded_by    INTEGER REFERENCES accounts (id),
    recorded_at    TIMESTAMP NOT NULL,
    expires_at     TIMESTAMP NOT NULL,
    status         TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'disputed', 'expired')),
    dispute_reason TEXT NOT NULL DEFAULT '',
    entry_id       INTEGER REFERENCES hour_entries (id),
    settled_at     TIMESTAMP,
    CHECK ((status = 'accepted') = (entry_id IS NOT NULL)),
    CHECK ((status = 'pending') = (settled_at IS NULL)),
    CHECK (status <> 'disputed' OR dispute_reason <> '')
);
CREATE INDEX hour_offers_volunteer_idx ON hour_offers (volunteer_id, status, id);
CREATE INDEX hour_offers_session_idx ON hour_offers (session_id, id);
CREATE INDEX hour_offers_expiry_idx ON hour_offers (expires_at) WHERE status = 'pending';
