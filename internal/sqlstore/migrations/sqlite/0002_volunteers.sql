-- Real-name volunteers. The identity number is stored only sealed (AES-GCM, pii.Keys.Seal)
-- and as a keyed blind index whose UNIQUE index is what makes "one person, one account"
-- hold under concurrent registrations. Closing an account clears both (NULLs do not
-- collide), so the person may register again while the service records stay attached to
-- the volunteer id.

CREATE TABLE volunteers (
    id                  INTEGER PRIMARY KEY,
    account_id          INTEGER NOT NULL REFERENCES accounts (id),
    volunteer_no        TEXT NOT NULL,
    name                TEXT NOT NULL,
    id_type             TEXT NOT NULL CHECK (id_type IN ('resident_id', 'hk_macao_permit', 'taiwan_permit', 'passport')),
    id_number_sealed    BLOB,
    id_number_index     TEXT,
    id_number_masked    TEXT NOT NULL DEFAULT '',
    region_code         TEXT NOT NULL,
    birth_date          DATE NOT NULL,
    sex                 TEXT NOT NULL CHECK (sex IN ('male', 'female')),
    minor               BOOLEAN NOT NULL DEFAULT FALSE,
    political_status    TEXT NOT NULL DEFAULT '',
    email               TEXT NOT NULL DEFAULT '',
    address             TEXT NOT NULL DEFAULT '',
    avail_weekdays      TEXT NOT NULL DEFAULT '',
    avail_times         TEXT NOT NULL DEFAULT '',
    guardian_name       TEXT NOT NULL DEFAULT '',
    guardian_phone      TEXT NOT NULL DEFAULT '',
    guardian_relation   TEXT NOT NULL DEFAULT '',
    guardian_consent_at TIMESTAMP,
    status              TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'closed')),
    created_at          TIMESTAMP NOT NULL,
    updated_at          TIMESTAMP NOT NULL,
    closed_at           TIMESTAMP
);
CREATE UNIQUE INDEX volunteers_account_uq ON volunteers (account_id);
CREATE UNIQUE INDEX volunteers_no_uq ON volunteers (volunteer_no);
CREATE UNIQUE INDEX volunteers_id_number_uq ON volunteers (id_number_index);
CREATE INDEX volunteers_region_idx ON volunteers (region_code, id);

-- Skills, service categories and service areas are rows, not lists in a column, so that
-- activities can ask "who has skill X" and figures can count by category with an index.
CREATE TABLE volunteer_skills (
    volunteer_id INTEGER NOT NULL REFERENCES volunteers (id),
    skill        TEXT NOT NULL,
    PRIMARY KEY (volunteer_id, skill)
);
CREATE INDEX volunteer_skills_skill_idx ON volunteer_skills (skill, volunteer_id);

CREATE TABLE volunteer_categories (
    volunteer_id INTEGER NOT NULL REFERENCES volunteers (id),
    category     TEXT NOT NULL,
    PRIMARY KEY (volunteer_id, category)
);
CREATE INDEX volunteer_categories_category_idx ON volunteer_categories (category, volunteer_id);

CREATE TABLE volunteer_areas (
    volunteer_id INTEGER NOT NULL REFERENCES volunteers (id),
    region_code  TEXT NOT NULL,
    PRIMARY KEY (volunteer_id, region_code)
);
CREATE INDEX volunteer_areas_region_idx ON volunteer_areas (region_code, volunteer_id);

-- One counter per county: the next volunteer number's sequence is taken with an upsert
-- in the registering transaction, so two registrations never get the same number and a
-- rolled-back registration leaves at most a gap.
CREATE TABLE volunteer_no_seq (
    region_code TEXT PRIMARY KEY,
    last_seq    INTEGER NOT NULL
);
