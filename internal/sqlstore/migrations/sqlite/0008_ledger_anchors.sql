-- Daily ledger anchors (docs/hours.md, "Anchors").
--
-- An anchor is a signed hash over every volunteer's chain head at one moment, chained to
-- the anchor before it. ledger_anchor_heads keeps, per anchor, only the chains whose head
-- changed since the previous anchor, so the full set of heads an anchor covers is the
-- previous anchor's set updated with its own rows: storage grows with new entries, not with
-- volunteers times days. UNIQUE (day) makes one anchor a day whichever server makes it;
-- UNIQUE (prev_hash) keeps the anchors one line, never a fork. Both tables are
-- append-only like the ledger.

CREATE TABLE ledger_anchors (
    id          INTEGER PRIMARY KEY,
    day         TEXT NOT NULL,
    hash        BLOB NOT NULL,
    prev_hash   BLOB NOT NULL,
    chain_count INTEGER NOT NULL,
    key_id      TEXT NOT NULL,
    signature   BLOB NOT NULL,
    created_at  TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX ledger_anchors_day_uq ON ledger_anchors (day);
CREATE UNIQUE INDEX ledger_anchors_prev_uq ON ledger_anchors (prev_hash);

CREATE TABLE ledger_anchor_heads (
    anchor_id    INTEGER NOT NULL REFERENCES ledger_anchors (id),
    volunteer_id INTEGER NOT NULL,
    seq          INTEGER NOT NULL,
    head         BLOB NOT NULL,
    PRIMARY KEY (anchor_id, volunteer_id)
);

CREATE TRIGGER ledger_anchors_no_update BEFORE UPDATE ON ledger_anchors
BEGIN
    SELECT RAISE(ABORT, 'ledger_anchors is append-only');
END;
CREATE TRIGGER ledger_anchors_no_delete BEFORE DELETE ON ledger_anchors
BEGIN
    SELECT RAISE(ABORT, 'ledger_anchors is append-only');
END;
CREATE TRIGGER ledger_anchor_heads_no_update BEFORE UPDATE ON ledger_anchor_heads
BEGIN
    SELECT RAISE(ABORT, 'ledger_anchor_heads is append-only');
END;
CREATE TRIGGER ledger_anchor_heads_no_delete BEFORE DELETE ON ledger_anchor_heads
BEGIN
    SELECT RAISE(ABORT, 'ledger_anchor_heads is append-only');
END;
