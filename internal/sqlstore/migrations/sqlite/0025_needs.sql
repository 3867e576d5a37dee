-- Needs (点单): what a community or service point asks volunteers for. A need posted by a
-- regional admin is open at once; one posted by an organisation acting for recipients waits
-- for the street or district ('pending') and is approved ('open') or rejected. Status
-- moves open → taken → served → closed only by conditional UPDATEs. takers counts the
-- organisations that took it and never passes max_takers (1: a single taker), so of two
-- organisations taking the last place at once exactly one wins; need_takers holds one row
-- per organisation (its primary key stops one organisation taking twice) with the draft
-- activity taking started. The target group is a description of people, never anyone's
-- identity number.
CREATE TABLE needs (
    id                INTEGER PRIMARY KEY,
    title             TEXT NOT NULL,
    description       TEXT NOT NULL DEFAULT '',
    category          TEXT NOT NULL,
    target_group      TEXT NOT NULL DEFAULT '',
    region_code       TEXT NOT NULL,
    address           TEXT NOT NULL,
    lat               REAL NOT NULL,
    lng               REAL NOT NULL,
    starts_at         TIMESTAMP NOT NULL,
    ends_at           TIMESTAMP NOT NULL,
    volunteers_wanted INTEGER NOT NULL CHECK (volunteers_wanted > 0),
    skills            TEXT NOT NULL DEFAULT '',
    urgency           TEXT NOT NULL CHECK (urgency IN ('normal', 'urgent')),
    max_takers        INTEGER NOT NULL CHECK (max_takers >= 1),
    takers            INTEGER NOT NULL DEFAULT 0,
    status            TEXT NOT NULL CHECK (status IN ('pending', 'open', 'taken', 'served', 'closed', 'rejected')),
    posted_by         INTEGER NOT NULL REFERENCES accounts (id),
    posted_org_id     INTEGER REFERENCES organizations (id),
    created_at        TIMESTAMP NOT NULL,
    reviewed_by       INTEGER REFERENCES accounts (id),
    reviewed_at       TIMESTAMP,
    rating            INTEGER CHECK (rating BETWEEN 1 AND 5),
    rating_comment    TEXT NOT NULL DEFAULT '',
    rated_at          TIMESTAMP,
    CHECK (takers >= 0 AND takers <= max_takers),
    CHECK (ends_at > starts_at)
);
CREATE INDEX needs_status_idx ON needs (status, region_code, id);
CREATE INDEX needs_geo_idx ON needs (lat, lng) WHERE status = 'open';

CREATE TABLE need_takers (
    need_id     INTEGER NOT NULL REFERENCES needs (id),
    org_id      INTEGER NOT NULL REFERENCES organizations (id),
    activity_id INTEGER NOT NULL REFERENCES activities (id),
    taken_by    INTEGER NOT NULL REFERENCES accounts (id),
    taken_at    TIMESTAMP NOT NULL,
    PRIMARY KEY (need_id, org_id)
);
CREATE UNIQUE INDEX need_takers_activity_uq ON need_takers (activity_id);
CREATE INDEX need_takers_org_idx ON need_takers (org_id);
