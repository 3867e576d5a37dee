-- Recognition and care (issue 14, docs/honours.md): awards (表彰), training records
-- (培训), evaluations after a session (服务评价) and care visits (关爱慰问).
-- Dates typed from certificates and registers are kept as text YYYY-MM-DD, the same on
-- both engines. Training hours live here and nowhere near hour_entries: they are never
-- service hours.

-- An award goes to one volunteer or one organisation (exactly one), granted by an
-- organisation (grantor_org_id, level 'org' only) or in the name of a region
-- (grantor_region; '' with no organisation for the platform). Revoking sets revoked_at
-- once, by a conditional UPDATE; the row is kept.
CREATE TABLE awards (
    id               INTEGER PRIMARY KEY,
    volunteer_id     INTEGER REFERENCES volunteers (id),
    recipient_org_id INTEGER REFERENCES organizations (id),
    title            TEXT NOT NULL CHECK (title <> ''),
    level            TEXT NOT NULL CHECK (level IN ('org', 'district', 'city', 'provincial', 'national')),
    awarded_on       TEXT NOT NULL,
    certificate_no   TEXT NOT NULL DEFAULT '',
    grantor_org_id   INTEGER REFERENCES organizations (id),
    grantor_region   TEXT NOT NULL DEFAULT '',
    grantor_name     TEXT NOT NULL,
    granted_by       INTEGER NOT NULL REFERENCES accounts (id),
    created_at       TIMESTAMP NOT NULL,
    revoked_at       TIMESTAMP,
    revoked_by       INTEGER REFERENCES accounts (id),
    revoke_reason    TEXT NOT NULL DEFAULT '',
    CHECK ((volunteer_id IS NULL) <> (recipient_org_id IS NULL)),
    CHECK ((grantor_org_id IS NULL) = (level <> 'org')),
    CHECK ((revoked_at IS NULL) = (revoke_reason = ''))
);
CREATE INDEX awards_volunteer_idx ON awards (volunteer_id, awarded_on);
CREATE INDEX awards_recipient_org_idx ON awards (recipient_org_id, awarded_on);
CREATE INDEX awards_grantor_org_idx ON awards (grantor_org_id, id);
CREATE INDEX awards_grantor_region_idx ON awards (grantor_region, id);

CREATE TABLE trainings (
    id           INTEGER PRIMARY KEY,
    org_id       INTEGER NOT NULL REFERENCES organizations (id),
    volunteer_id INTEGER NOT NULL REFERENCES volunteers (id),
    course       TEXT NOT NULL CHECK (course <> ''),
    minutes      INTEGER NOT NULL CHECK (minutes > 0),
    organiser    TEXT NOT NULL,
    trained_on   TEXT NOT NULL,
    recorded_by  INTEGER NOT NULL REFERENCES accounts (id),
    created_at   TIMESTAMP NOT NULL
);
CREATE INDEX trainings_volunteer_idx ON trainings (volunteer_id, trained_on);
CREATE INDEX trainings_org_idx ON trainings (org_id, id);

-- An organiser's evaluation of a volunteer who attended a session: one per volunteer and
-- session (the unique index settles two submissions at once), edited in place.
CREATE TABLE volunteer_evaluations (
    id           INTEGER PRIMARY KEY,
    session_id   INTEGER NOT NULL REFERENCES activity_sessions (id),
    activity_id  INTEGER NOT NULL REFERENCES activities (id),
    org_id       INTEGER NOT NULL REFERENCES organizations (id),
    volunteer_id INTEGER NOT NULL REFERENCES volunteers (id),
    rating       INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
    comment      TEXT NOT NULL DEFAULT '',
    rated_by     INTEGER NOT NULL REFERENCES accounts (id),
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX volunteer_evaluations_uq ON volunteer_evaluations (session_id, volunteer_id);
CREATE INDEX volunteer_evaluations_volunteer_idx ON volunteer_evaluations (volunteer_id);

-- A volunteer's evaluation of the activity, for a session they attended: one per
-- volunteer and session, edited in place.
CREATE TABLE activity_evaluations (
    id           INTEGER PRIMARY KEY,
    session_id   INTEGER NOT NULL REFERENCES activity_sessions (id),
    activity_id  INTEGER NOT NULL REFERENCES activities (id),
    org_id       INTEGER NOT NULL REFERENCES organizations (id),
    volunteer_id INTEGER NOT NULL REFERENCES volunteers (id),
    rating       INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
    comment      TEXT NOT NULL DEFAULT '',
    rated_by     INTEGER NOT NULL REFERENCES accounts (id),
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX activity_evaluations_uq ON activity_evaluations (session_id, volunteer_id);
CREATE INDEX activity_evaluations_activity_idx ON activity_evaluations (activity_id);
CREATE INDEX activity_evaluations_volunteer_idx ON activity_evaluations (volunteer_id);

-- Care visits: seen only by the recording organisation's managers, the regional admins
-- of its region (region_code) and the volunteer.
CREATE TABLE care_visits (
    id           INTEGER PRIMARY KEY,
    org_id       INTEGER NOT NULL REFERENCES organizations (id),
    volunteer_id INTEGER NOT NULL REFERENCES volunteers (id),
    region_code  TEXT NOT NULL,
    visited_on   TEXT NOT NULL,
    kind         TEXT NOT NULL,
    note         TEXT NOT NULL DEFAULT '',
    recorded_by  INTEGER NOT NULL REFERENCES accounts (id),
    created_at   TIMESTAMP NOT NULL
);
CREATE INDEX care_visits_org_idx ON care_visits (org_id, id);
CREATE INDEX care_visits_volunteer_idx ON care_visits (volunteer_id, id);
