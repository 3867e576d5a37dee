-- Imports of member lists (名单导入). An upload becomes one imports row and one
-- import_rows row per data row, in one transaction; the same file (by SHA-256) uploaded
-- again to the same organisation is the same import (imports_file_uq). Rows are checked
-- against the registry by a job (verdict 'unchecked' → new/existing/conflict; 'error'
-- rows broke a rule at upload), then, once the admin confirms, written by a job in
-- batches: each batch sets its rows' outcome and moves the import's cursor_line (the last
-- line handled by the phase at work) in the transaction that writes them, so a server
-- killed mid-import resumes after the last batch that committed. No clear
-- identity number is kept: the row's cells as uploaded are one sealed blob (pii.Keys,
-- context "import_row"), the number itself sealed, blind-indexed and masked as in
-- volunteers.
CREATE TABLE imports (
    id             INTEGER PRIMARY KEY,
    org_id         INTEGER NOT NULL REFERENCES organizations (id),
    uploaded_by    INTEGER NOT NULL REFERENCES accounts (id),
    file_hash      TEXT NOT NULL,
    file_kind      TEXT NOT NULL CHECK (file_kind IN ('xlsx', 'csv')),
    status         TEXT NOT NULL DEFAULT 'validating' CHECK (status IN ('validating', 'ready', 'running', 'done', 'failed')),
    extra_columns  TEXT NOT NULL DEFAULT '',
    total          INTEGER NOT NULL DEFAULT 0,
    processed      INTEGER NOT NULL DEFAULT 0,
    created        INTEGER NOT NULL DEFAULT 0,
    linked         INTEGER NOT NULL DEFAULT 0,
    skipped        INTEGER NOT NULL DEFAULT 0,
    failed         INTEGER NOT NULL DEFAULT 0,
    cursor_line    INTEGER NOT NULL DEFAULT 0,
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL,
    finished_at    TIMESTAMP
);
CREATE UNIQUE INDEX imports_file_uq ON imports (org_id, file_hash);

CREATE TABLE import_rows (
    import_id        INTEGER NOT NULL REFERENCES imports (id),
    line             INTEGER NOT NULL,
    raw_sealed       BLOB NOT NULL,
    name             TEXT NOT NULL DEFAULT '',
    phone            TEXT NOT NULL DEFAULT '',
    id_type          TEXT NOT NULL DEFAULT '',
    id_number_sealed BLOB,
    id_number_index  TEXT NOT NULL DEFAULT '',
    id_number_masked TEXT NOT NULL DEFAULT '',
    region_code      TEXT NOT NULL DEFAULT '',
    birth_date       DATE,
    sex              TEXT NOT NULL DEFAULT '',
    minor            BOOLEAN NOT NULL DEFAULT FALSE,
    political_status TEXT NOT NULL DEFAULT '',
    skills           TEXT NOT NULL DEFAULT '',
    categories       TEXT NOT NULL DEFAULT '',
    verdict          TEXT NOT NULL CHECK (verdict IN ('unchecked', 'new', 'existing', 'conflict', 'error')),
    error_column     TEXT NOT NULL DEFAULT '',
    error_reason     TEXT NOT NULL DEFAULT '',
    outcome          TEXT NOT NULL DEFAULT '' CHECK (outcome IN ('', 'created', 'linked', 'skipped', 'failed')),
    PRIMARY KEY (import_id, line)
);
