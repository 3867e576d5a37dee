-- League roster imports (团员总数导入): a unit's or a regional admin's list of roster
-- counts, one row per unit. An upload is checked at once and kept as a preview
-- (status 'ready'): each row names its unit (org_id) and the count, or says why it is
-- bad (reason, and the column at fault). Applying it sets every good row's count and
-- writes the audit entries in one transaction that also moves the import to 'applied'
-- (a conditional UPDATE: an import is applied once, however many times it is sent).
-- Unit names and counts are no one's personal data.
CREATE TABLE league_roster_imports (
    id          INTEGER PRIMARY KEY,
    org_id      INTEGER REFERENCES organizations (id),
    uploaded_by INTEGER NOT NULL REFERENCES accounts (id),
    file_hash   TEXT NOT NULL,
    file_kind   TEXT NOT NULL CHECK (file_kind IN ('xlsx', 'csv')),
    status      TEXT NOT NULL DEFAULT 'ready' CHECK (status IN ('ready', 'applied')),
    total       INTEGER NOT NULL DEFAULT 0,
    errors      INTEGER NOT NULL DEFAULT 0,
    changes     INTEGER NOT NULL DEFAULT 0,
    applied     INTEGER NOT NULL DEFAULT 0,
    created_at  TIMESTAMP NOT NULL,
    applied_at  TIMESTAMP
);
CREATE INDEX league_roster_imports_uploader_idx ON league_roster_imports (uploaded_by, id);

CREATE TABLE league_roster_import_rows (
    import_id INTEGER NOT NULL REFERENCES league_roster_imports (id),
    line      INTEGER NOT NULL,
    unit      TEXT NOT NULL DEFAULT '',
    org_id    INTEGER REFERENCES organizations (id),
    count     INTEGER,
    old_count INTEGER,
    err_col   TEXT NOT NULL DEFAULT '',
    reason    TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (import_id, line)
);

-- The League rate's statements (sqlstore/league.go) look up each approved membership's
-- volunteer by id only to test status and political status. This narrow covering index
-- answers that from a few pages instead of the wide volunteers rows (dialect.go,
-- leagueVolunteers, names it: SQLite would take the primary key). PostgreSQL hash-joins
-- and does without it.
CREATE INDEX volunteers_league_idx ON volunteers (id, political_status, status);

-- Member-list imports keep their preview's counts (rows by verdict) on their own row,
-- moved in the transaction that sets the verdicts (sqlstore/imports.go), so that following
-- an import reads one row instead of counting its staged rows every few seconds.
ALTER TABLE imports ADD COLUMN new_rows INTEGER NOT NULL DEFAULT 0;
ALTER TABLE imports ADD COLUMN existing_rows INTEGER NOT NULL DEFAULT 0;
ALTER TABLE imports ADD COLUMN conflict_rows INTEGER NOT NULL DEFAULT 0;
ALTER TABLE imports ADD COLUMN error_rows INTEGER NOT NULL DEFAULT 0;
UPDATE imports SET
    new_rows = (SELECT COUNT(*) FROM import_rows r WHERE r.import_id = imports.id AND r.verdict = 'new'),
    existing_rows = (SELECT COUNT(*) FROM import_rows r WHERE r.import_id = imports.id AND r.verdict = 'existing'),
    conflict_rows = (SELECT COUNT(*) FROM import_rows r WHERE r.import_id = imports.id AND r.verdict = 'conflict'),
    error_rows = (SELECT COUNT(*) FROM import_rows r WHERE r.import_id = imports.id AND r.verdict = 'error');
