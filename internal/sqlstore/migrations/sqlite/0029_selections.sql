-- Exemplary people (身边雷锋, issue 16): a campaign's selection, its nominations (which
-- become candidates once published), the reviews up the region chain, photos, and likes.
-- Likes are settled by the database: candidate_likes' unique key (candidate, account,
-- Beijing day) stops a second like of the day, like_days' conditional upsert stops the
-- day's likes passing the limit, and the candidate's count moves in the same transaction,
-- so counts stay exact under a rush. A voided like keeps its row (voided_at) and leaves
-- the count. The client address is kept for the organiser's report only.
CREATE TABLE selections (
    id             INTEGER PRIMARY KEY,
    campaign_id    INTEGER NOT NULL REFERENCES campaigns (id),
    categories     TEXT NOT NULL,
    review_levels  TEXT NOT NULL,
    nominate_from  TIMESTAMP NOT NULL,
    nominate_until TIMESTAMP NOT NULL,
    vote_from      TIMESTAMP NOT NULL,
    vote_until     TIMESTAMP NOT NULL,
    results_at     TIMESTAMP,
    created_by     INTEGER NOT NULL REFERENCES accounts (id),
    created_at     TIMESTAMP NOT NULL,
    CHECK (nominate_until > nominate_from),
    CHECK (vote_until > vote_from)
);
CREATE UNIQUE INDEX selections_campaign_uq ON selections (campaign_id);

CREATE TABLE nominations (
    id                      INTEGER PRIMARY KEY,
    selection_id            INTEGER NOT NULL REFERENCES selections (id),
    category                TEXT NOT NULL CHECK (category IN ('volunteer', 'org', 'project', 'community')),
    volunteer_id            INTEGER REFERENCES volunteers (id),
    org_id                  INTEGER REFERENCES organizations (id),
    project_id              INTEGER REFERENCES projects (id),
    nominee_name            TEXT NOT NULL,
    region_code             TEXT NOT NULL,
    story                   TEXT NOT NULL,
    nominated_by            INTEGER NOT NULL REFERENCES accounts (id),
    nominator_org_id        INTEGER REFERENCES organizations (id),
    consent_needed          BOOLEAN NOT NULL,
    consent_at              TIMESTAMP,
    consent_by_guardian     BOOLEAN NOT NULL DEFAULT FALSE,
    guardian_relation       TEXT NOT NULL DEFAULT '',
    guardian_name_sealed    BLOB,
    guardian_phone_sealed   BLOB,
    status                  TEXT NOT NULL CHECK (status IN ('review', 'returned', 'rejected', 'declined', 'published')),
    review_region           TEXT NOT NULL DEFAULT '',
    likes                   INTEGER NOT NULL DEFAULT 0 CHECK (likes >= 0),
    jury_rank               INTEGER CHECK (jury_rank >= 1),
    winner                  BOOLEAN NOT NULL DEFAULT FALSE,
    award_id                INTEGER REFERENCES awards (id),
    created_at              TIMESTAMP NOT NULL,
    updated_at              TIMESTAMP NOT NULL,
    published_at            TIMESTAMP,
    -- Nobody is published without consent, whatever path the UPDATE took.
    CHECK (status <> 'published' OR NOT consent_needed OR consent_at IS NOT NULL)
);
CREATE INDEX nominations_selection_idx ON nominations (selection_id, status, category, likes);
CREATE INDEX nominations_review_idx ON nominations (status, review_region);
CREATE INDEX nominations_volunteer_idx ON nominations (volunteer_id);
CREATE UNIQUE INDEX nominations_volunteer_uq ON nominations (selection_id, category, volunteer_id)
    WHERE volunteer_id IS NOT NULL AND status NOT IN ('rejected', 'declined');

CREATE TABLE nomination_reviews (
    id            INTEGER PRIMARY KEY,
    nomination_id INTEGER NOT NULL REFERENCES nominations (id),
    region_code   TEXT NOT NULL,
    decision      TEXT NOT NULL CHECK (decision IN ('approve', 'return', 'reject')),
    comment       TEXT NOT NULL DEFAULT '',
    reviewer_id   INTEGER NOT NULL REFERENCES accounts (id),
    created_at    TIMESTAMP NOT NULL
);
CREATE INDEX nomination_reviews_idx ON nomination_reviews (nomination_id, id);

CREATE TABLE nomination_photos (
    id            INTEGER PRIMARY KEY,
    nomination_id INTEGER NOT NULL REFERENCES nominations (id),
    photo         BLOB NOT NULL,
    created_at    TIMESTAMP NOT NULL
);
CREATE INDEX nomination_photos_idx ON nomination_photos (nomination_id, id);

CREATE TABLE candidate_likes (
    id            INTEGER PRIMARY KEY,
    nomination_id INTEGER NOT NULL REFERENCES nominations (id),
    account_id    INTEGER NOT NULL REFERENCES accounts (id),
    day           TEXT NOT NULL,
    ip            TEXT NOT NULL DEFAULT '',
    created_at    TIMESTAMP NOT NULL,
    voided_at     TIMESTAMP,
    voided_by     INTEGER REFERENCES accounts (id)
);
CREATE UNIQUE INDEX candidate_likes_uq ON candidate_likes (nomination_id, account_id, day);
CREATE INDEX candidate_likes_ip_idx ON candidate_likes (nomination_id, ip);

CREATE TABLE like_days (
    account_id INTEGER NOT NULL REFERENCES accounts (id),
    day        TEXT NOT NULL,
    used       INTEGER NOT NULL CHECK (used >= 0),
    PRIMARY KEY (account_id, day)
);
