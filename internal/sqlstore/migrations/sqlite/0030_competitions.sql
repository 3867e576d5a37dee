-- The project competition 益苗计划 (issue 17). A round (competitions) has dated stages,
-- a rubric (criteria with weights summing to 100, checked by the application) and city
-- quotas. Applications (competition_projects) move draft → submitted → passed / returned /
-- rejected → recommended only by conditional UPDATEs: a submission compares the clock
-- with the stage's end in the UPDATE itself, so one second after the deadline nothing
-- changes. slot numbers an organisation's projects in a round and rec_slot a city's
-- recommendations: each is computed in the INSERT or UPDATE (the count so far plus one)
-- under a condition that it stays within the round's limit or the city's quota, and the
-- unique indexes make the second of two concurrent writers fail instead of passing the
-- limit. Score sheets are never updated except to mark one replaced by its amendment;
-- at most one sheet per judge and project is current (the partial unique index). The
-- project keeps its score (score, all_mean, in hundredths) recomputed with every sheet,
-- so a ranking reads one page of an index whatever the round's size.
CREATE TABLE competitions (
    id           INTEGER PRIMARY KEY,
    name         TEXT NOT NULL,
    region_code  TEXT NOT NULL,
    tracks       TEXT NOT NULL,
    fields       TEXT NOT NULL DEFAULT '',
    max_per_org  INTEGER NOT NULL CHECK (max_per_org >= 1),
    status       TEXT NOT NULL CHECK (status IN ('open', 'published')),
    created_by   INTEGER NOT NULL REFERENCES accounts (id),
    created_at   TIMESTAMP NOT NULL,
    published_at TIMESTAMP
);
CREATE INDEX competitions_region_idx ON competitions (region_code, id);

CREATE TABLE competition_stages (
    competition_id INTEGER NOT NULL REFERENCES competitions (id),
    stage          TEXT NOT NULL,
    position       INTEGER NOT NULL,
    starts_at      TIMESTAMP NOT NULL,
    ends_at        TIMESTAMP NOT NULL,
    PRIMARY KEY (competition_id, stage),
    CHECK (ends_at > starts_at)
);

CREATE TABLE competition_criteria (
    competition_id INTEGER NOT NULL REFERENCES competitions (id),
    position       INTEGER NOT NULL,
    name           TEXT NOT NULL,
    description    TEXT NOT NULL DEFAULT '',
    weight         INTEGER NOT NULL CHECK (weight BETWEEN 1 AND 100),
    max_score      INTEGER NOT NULL CHECK (max_score BETWEEN 1 AND 100),
    PRIMARY KEY (competition_id, position)
);

CREATE TABLE competition_quotas (
    competition_id INTEGER NOT NULL REFERENCES competitions (id),
    city_code      TEXT NOT NULL,
    quota          INTEGER NOT NULL CHECK (quota >= 0),
    PRIMARY KEY (competition_id, city_code)
);

CREATE TABLE competition_projects (
    id               INTEGER PRIMARY KEY,
    competition_id   INTEGER NOT NULL REFERENCES competitions (id),
    org_id           INTEGER NOT NULL REFERENCES organizations (id),
    slot             INTEGER NOT NULL CHECK (slot >= 1),
    name             TEXT NOT NULL,
    track            TEXT NOT NULL,
    summary          TEXT NOT NULL DEFAULT '',
    target_group     TEXT NOT NULL DEFAULT '',
    region_code      TEXT NOT NULL,
    city_code        TEXT NOT NULL,
    plan             TEXT NOT NULL DEFAULT '',
    expected_results TEXT NOT NULL DEFAULT '',
    answers          TEXT NOT NULL DEFAULT '{}',
    budget_total     INTEGER NOT NULL DEFAULT 0,
    status           TEXT NOT NULL CHECK (status IN ('draft', 'submitted', 'returned', 'passed', 'rejected', 'recommended')),
    review_comment   TEXT NOT NULL DEFAULT '',
    submitted_at     TIMESTAMP,
    reviewed_by      INTEGER REFERENCES accounts (id),
    reviewed_at      TIMESTAMP,
    score            INTEGER,
    all_mean         INTEGER,
    judges_scored    INTEGER NOT NULL DEFAULT 0,
    rec_slot         INTEGER,
    recommended_by   INTEGER REFERENCES accounts (id),
    recommended_at   TIMESTAMP,
    result           TEXT CHECK (result IN ('funded', 'commended', 'not_selected')),
    created_by       INTEGER NOT NULL REFERENCES accounts (id),
    created_at       TIMESTAMP NOT NULL,
    updated_at       TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX competition_projects_slot_uq ON competition_projects (competition_id, org_id, slot);
CREATE UNIQUE INDEX competition_projects_rec_uq ON competition_projects (competition_id, city_code, rec_slot);
CREATE INDEX competition_projects_rank_city_idx ON competition_projects (competition_id, city_code, score DESC, all_mean DESC, submitted_at, id);
CREATE INDEX competition_projects_rank_idx ON competition_projects (competition_id, score DESC, all_mean DESC, submitted_at, id);
CREATE INDEX competition_projects_org_idx ON competition_projects (org_id, competition_id);

CREATE TABLE competition_budget_lines (
    project_id INTEGER NOT NULL REFERENCES competition_projects (id),
    position   INTEGER NOT NULL,
    item       TEXT NOT NULL,
    amount     INTEGER NOT NULL CHECK (amount > 0),
    PRIMARY KEY (project_id, position)
);

CREATE TABLE competition_team (
    project_id   INTEGER NOT NULL REFERENCES competition_projects (id),
    volunteer_id INTEGER NOT NULL REFERENCES volunteers (id),
    role         TEXT NOT NULL DEFAULT '',
    position     INTEGER NOT NULL,
    PRIMARY KEY (project_id, volunteer_id)
);

CREATE TABLE competition_judges (
    competition_id INTEGER NOT NULL REFERENCES competitions (id),
    account_id     INTEGER NOT NULL REFERENCES accounts (id),
    added_by       INTEGER NOT NULL REFERENCES accounts (id),
    added_at       TIMESTAMP NOT NULL,
    PRIMARY KEY (competition_id, account_id)
);
CREATE INDEX competition_judges_account_idx ON competition_judges (account_id);

-- Declared conflicts of interest: this judge may not judge this organisation's projects.
CREATE TABLE competition_conflicts (
    competition_id INTEGER NOT NULL REFERENCES competitions (id),
    account_id     INTEGER NOT NULL REFERENCES accounts (id),
    org_id         INTEGER NOT NULL REFERENCES organizations (id),
    PRIMARY KEY (competition_id, account_id, org_id)
);

CREATE TABLE competition_assignments (
    project_id  INTEGER NOT NULL REFERENCES competition_projects (id),
    judge_id    INTEGER NOT NULL REFERENCES accounts (id),
    assigned_by INTEGER NOT NULL REFERENCES accounts (id),
    assigned_at TIMESTAMP NOT NULL,
    PRIMARY KEY (project_id, judge_id)
);
CREATE INDEX competition_assignments_judge_idx ON competition_assignments (judge_id, project_id);

CREATE TABLE competition_scores (
    id          INTEGER PRIMARY KEY,
    project_id  INTEGER NOT NULL REFERENCES competition_projects (id),
    judge_id    INTEGER NOT NULL REFERENCES accounts (id),
    points      TEXT NOT NULL,
    total       INTEGER NOT NULL CHECK (total BETWEEN 0 AND 10000),
    comment     TEXT NOT NULL DEFAULT '',
    amends      INTEGER REFERENCES competition_scores (id),
    reason      TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMP NOT NULL,
    replaced_at TIMESTAMP,
    CHECK (amends IS NULL OR reason <> '')
);
CREATE UNIQUE INDEX competition_scores_current_uq ON competition_scores (project_id, judge_id) WHERE replaced_at IS NULL;
CREATE UNIQUE INDEX competition_scores_amends_uq ON competition_scores (amends);
CREATE INDEX competition_scores_project_idx ON competition_scores (project_id, id);
