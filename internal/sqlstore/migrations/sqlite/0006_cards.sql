-- The volunteer card and proofs of service.
--
-- card_photos holds each re-encoded card photo once (a re-issue reuses it), apart from the
-- applications so that queue listings never read images. One open application per
-- volunteer and one live card (pending or active) per volunteer are partial unique
-- indexes; card numbers are UNIQUE, drawn from card_sequences per issuing region and year.
-- card_events is what the volunteer sees of every step; the audit log has the same steps
-- for admins.

CREATE TABLE card_photos (
    id         INTEGER PRIMARY KEY,
    data       BLOB NOT NULL,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE card_batches (
    id          INTEGER PRIMARY KEY,
    region_code TEXT NOT NULL,
    status      TEXT NOT NULL DEFAULT 'created' CHECK (status IN ('created', 'printed', 'issued')),
    card_count  INTEGER NOT NULL DEFAULT 0,
    created_by  INTEGER NOT NULL REFERENCES accounts (id),
    created_at  TIMESTAMP NOT NULL,
    printed_at  TIMESTAMP,
    issued_at   TIMESTAMP
);
CREATE INDEX card_batches_region_idx ON card_batches (region_code, id);

CREATE TABLE card_applications (
    id               INTEGER PRIMARY KEY,
    volunteer_id     INTEGER NOT NULL REFERENCES volunteers (id),
    kind             TEXT NOT NULL DEFAULT 'new' CHECK (kind IN ('new', 'reissue')),
    region_code      TEXT NOT NULL,
    photo_id         INTEGER NOT NULL REFERENCES card_photos (id),
    delivery         TEXT NOT NULL CHECK (delivery IN ('org', 'address')),
    delivery_org_id  INTEGER REFERENCES organizations (id),
    delivery_address TEXT NOT NULL DEFAULT '',
    status           TEXT NOT NULL DEFAULT 'submitted' CHECK (status IN ('submitted', 'approved', 'rejected', 'batched', 'printed', 'issued')),
    reason           TEXT NOT NULL DEFAULT '',
    batch_id         INTEGER REFERENCES card_batches (id),
    decided_by       INTEGER REFERENCES accounts (id),
    decided_at       TIMESTAMP,
    created_at       TIMESTAMP NOT NULL,
    updated_at       TIMESTAMP NOT NULL,
    CHECK ((delivery = 'org' AND delivery_org_id IS NOT NULL) OR (delivery = 'address' AND delivery_address <> '')),
    CHECK (status <> 'rejected' OR reason <> ''),
    CHECK (status NOT IN ('batched', 'printed', 'issued') OR batch_id IS NOT NULL)
);
CREATE UNIQUE INDEX card_applications_open_uq ON card_applications (volunteer_id)
    WHERE status IN ('submitted', 'approved', 'batched', 'printed');
CREATE INDEX card_applications_queue_idx ON card_applications (status, region_code, id);
CREATE INDEX card_applications_region_idx ON card_applications (region_code, id);
CREATE INDEX card_applications_batch_idx ON card_applications (batch_id, id);
CREATE INDEX card_applications_volunteer_idx ON card_applications (volunteer_id, id);

CREATE TABLE card_sequences (
    region_code TEXT NOT NULL,
    year        INTEGER NOT NULL,
    last_seq    INTEGER NOT NULL,
    PRIMARY KEY (region_code, year)
);

CREATE TABLE cards (
    id             INTEGER PRIMARY KEY,
    number         TEXT NOT NULL,
    volunteer_id   INTEGER NOT NULL REFERENCES volunteers (id),
    application_id INTEGER NOT NULL REFERENCES card_applications (id),
    batch_id       INTEGER NOT NULL REFERENCES card_batches (id),
    region_code    TEXT NOT NULL,
    photo_id       INTEGER NOT NULL REFERENCES card_photos (id),
    status         TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'active', 'lost', 'revoked', 'replaced')),
    reason         TEXT NOT NULL DEFAULT '',
    issued_at      TIMESTAMP,
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX cards_number_uq ON cards (number);
CREATE UNIQUE INDEX cards_application_uq ON cards (application_id);
CREATE UNIQUE INDEX cards_live_uq ON cards (volunteer_id) WHERE status IN ('pending', 'active');
CREATE INDEX cards_batch_idx ON cards (batch_id, id);
CREATE INDEX cards_volunteer_idx ON cards (volunteer_id, id);

CREATE TABLE card_events (
    id             INTEGER PRIMARY KEY,
    volunteer_id   INTEGER NOT NULL REFERENCES volunteers (id),
    application_id INTEGER REFERENCES card_applications (id),
    card_number    TEXT NOT NULL DEFAULT '',
    event          TEXT NOT NULL,
    detail         TEXT NOT NULL DEFAULT '',
    actor_id       INTEGER REFERENCES accounts (id),
    created_at     TIMESTAMP NOT NULL
);
CREATE INDEX card_events_volunteer_idx ON card_events (volunteer_id, id);

-- An issued proof of service: its code, what it certified and which ledger entries it
-- covers (proof_entries), so a later check can tell whether corrections changed them.
CREATE TABLE proofs (
    id            INTEGER PRIMARY KEY,
    code          TEXT NOT NULL,
    volunteer_id  INTEGER NOT NULL REFERENCES volunteers (id),
    org_id        INTEGER REFERENCES organizations (id),
    issuer_name   TEXT NOT NULL,
    masked_name   TEXT NOT NULL,
    volunteer_no  TEXT NOT NULL,
    record_count  INTEGER NOT NULL,
    total_minutes INTEGER NOT NULL,
    chain_head    BLOB NOT NULL,
    last_seq      INTEGER NOT NULL,
    records_hash  BLOB NOT NULL,
    pdf           BLOB NOT NULL,
    created_by    INTEGER REFERENCES accounts (id),
    created_at    TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX proofs_code_uq ON proofs (code);
CREATE INDEX proofs_volunteer_idx ON proofs (volunteer_id, id);

CREATE TABLE proof_entries (
    proof_id INTEGER NOT NULL REFERENCES proofs (id),
    entry_id INTEGER NOT NULL REFERENCES hour_entries (id),
    PRIMARY KEY (proof_id, entry_id)
);
