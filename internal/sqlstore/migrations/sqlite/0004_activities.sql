-- Projects, activities with their sessions (场次), sign-ups, the search index of activities
-- and in-app notifications.
--
-- Seats are the database's to count: activity_sessions.seats_taken moves only in the
-- transaction that confirms, cancels or admits a sign-up, by a conditional UPDATE
-- (seats_taken < capacity), and the CHECK below is the last line of defence. One active
-- sign-up per volunteer and session is a partial UNIQUE index, so a cancelled sign-up does
-- not stop the volunteer from signing up again.

CREATE TABLE projects (
    id          INTEGER PRIMARY KEY,
    org_id      INTEGER NOT NULL REFERENCES organizations (id),
    title       TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    category    TEXT NOT NULL DEFAULT '',
    region_code TEXT NOT NULL DEFAULT '',
    created_by  INTEGER NOT NULL REFERENCES accounts (id),
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);
CREATE INDEX projects_org_idx ON projects (org_id, id);

CREATE TABLE activities (
    id                  INTEGER PRIMARY KEY,
    org_id              INTEGER NOT NULL REFERENCES organizations (id),
    project_id          INTEGER REFERENCES projects (id),
    title               TEXT NOT NULL,
    description         TEXT NOT NULL DEFAULT '',
    category            TEXT NOT NULL,
    target_group        TEXT NOT NULL DEFAULT '',
    region_code         TEXT NOT NULL,
    address             TEXT NOT NULL DEFAULT '',
    lat                 REAL NOT NULL DEFAULT 0,
    lng                 REAL NOT NULL DEFAULT 0,
    checkin_radius_m    INTEGER NOT NULL DEFAULT 0,
    contact_name        TEXT NOT NULL DEFAULT '',
    contact_phone       TEXT NOT NULL DEFAULT '',
    time_zone           TEXT NOT NULL DEFAULT 'Asia/Shanghai',
    min_age             INTEGER NOT NULL DEFAULT 0,
    max_age             INTEGER NOT NULL DEFAULT 0,
    skills              TEXT NOT NULL DEFAULT '',
    members_only        BOOLEAN NOT NULL DEFAULT FALSE,
    insurance_required  BOOLEAN NOT NULL DEFAULT FALSE,
    child_friendly      BOOLEAN NOT NULL DEFAULT FALSE,
    signup_mode         TEXT NOT NULL DEFAULT 'first_come' CHECK (signup_mode IN ('first_come', 'admission')),
    signup_opens_at     TIMESTAMP,
    signup_closes_at    TIMESTAMP,
    cancel_before_hours INTEGER NOT NULL DEFAULT 0,
    waitlist            BOOLEAN NOT NULL DEFAULT FALSE,
    status              TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published', 'closed', 'cancelled')),
    starts_at           TIMESTAMP NOT NULL,
    ends_at             TIMESTAMP NOT NULL,
    created_by          INTEGER NOT NULL REFERENCES accounts (id),
    created_at          TIMESTAMP NOT NULL,
    published_at        TIMESTAMP,
    updated_at          TIMESTAMP NOT NULL
);
-- Search walks these in start order and stops after one page; see search.go. They hold
-- published activities only (partial indexes): the live ones, not the years of history.
CREATE INDEX activities_live_start_idx ON activities (starts_at, id) WHERE status = 'published';
CREATE INDEX activities_live_category_idx ON activities (category, starts_at, id) WHERE status = 'published';
CREATE INDEX activities_live_lat_idx ON activities (lat) WHERE status = 'published';
CREATE INDEX activities_org_idx ON activities (org_id, id);
CREATE INDEX activities_project_idx ON activities (project_id);

CREATE TABLE activity_sessions (
    id             INTEGER PRIMARY KEY,
    activity_id    INTEGER NOT NULL REFERENCES activities (id),
    starts_at      TIMESTAMP NOT NULL,
    ends_at        TIMESTAMP NOT NULL,
    capacity       INTEGER NOT NULL CHECK (capacity > 0),
    seats_taken    INTEGER NOT NULL DEFAULT 0,
    pending_count  INTEGER NOT NULL DEFAULT 0 CHECK (pending_count >= 0),
    waitlist_count INTEGER NOT NULL DEFAULT 0 CHECK (waitlist_count >= 0),
    status         TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'open', 'closed', 'cancelled')),
    CHECK (seats_taken >= 0 AND seats_taken <= capacity),
    CHECK (ends_at > starts_at)
);
CREATE INDEX activity_sessions_activity_idx ON activity_sessions (activity_id, starts_at);

CREATE TABLE signups (
    id           INTEGER PRIMARY KEY,
    session_id   INTEGER NOT NULL REFERENCES activity_sessions (id),
    activity_id  INTEGER NOT NULL REFERENCES activities (id),
    volunteer_id INTEGER NOT NULL REFERENCES volunteers (id),
    status       TEXT NOT NULL CHECK (status IN ('pending', 'confirmed', 'waitlisted', 'rejected', 'cancelled', 'no_show')),
    late         BOOLEAN NOT NULL DEFAULT FALSE,
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL,
    decided_by   INTEGER REFERENCES accounts (id)
);
CREATE UNIQUE INDEX signups_active_uq ON signups (session_id, volunteer_id)
    WHERE status IN ('pending', 'confirmed', 'waitlisted');
-- Lists per session by status in arrival order; the head of the waitlist is the first row.
CREATE INDEX signups_session_status_idx ON signups (session_id, status, id);
CREATE INDEX signups_volunteer_idx ON signups (volunteer_id, status, session_id);
CREATE INDEX signups_activity_idx ON signups (activity_id, status);

-- The free-text index of published activities: Chinese character bigrams and words
-- of title and description, each with the activity's start so that a term's postings come
-- out already in result order (see search.go). On SQLite the table is its primary key
-- (WITHOUT ROWID): one B-tree per row instead of two.
CREATE TABLE activity_terms (
    term        TEXT NOT NULL,
    starts_at   TIMESTAMP NOT NULL,
    activity_id INTEGER NOT NULL REFERENCES activities (id),
    PRIMARY KEY (term, starts_at, activity_id)
) WITHOUT ROWID;
CREATE INDEX activity_terms_activity_idx ON activity_terms (activity_id);

CREATE TABLE notifications (
    id         INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts (id),
    kind       TEXT NOT NULL,
    title      TEXT NOT NULL,
    body       TEXT NOT NULL DEFAULT '',
    link       TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    read_at    TIMESTAMP
);
CREATE INDEX notifications_account_idx ON notifications (account_id, id);

-- A volunteer's sign-ups are serialised by bumping signup_seq first in each sign-up
-- transaction (a row lock on PostgreSQL), so overlap and duplicate checks see every
-- earlier sign-up of the same person. The counters feed the credit rules.
ALTER TABLE volunteers ADD COLUMN signup_seq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE volunteers ADD COLUMN late_cancellations INTEGER NOT NULL DEFAULT 0;
ALTER TABLE volunteers ADD COLUMN no_shows INTEGER NOT NULL DEFAULT 0;
