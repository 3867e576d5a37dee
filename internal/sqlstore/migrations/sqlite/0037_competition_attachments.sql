-- Attachments of competition applications and the provincial decision (issue 17).
--
-- competition_attachments keeps each file's bytes in the database, next to the
-- application, so a backup of the database is a backup of everything and there is no
-- second store to keep in step (docs/ARCHITECTURE.md). Listings never read the bytes
-- column. The limits (files and bytes per project) are checked in the INSERT while the
-- project's row is locked by a no-op UPDATE that also checks the project is still a
-- draft or returned, so two uploads at once cannot pass them.
--
-- decision is the province's provisional result for a recommended project during the
-- provincial review, with its comment; it may change until the round is published, and
-- publishing copies it to result, which alone is public.
CREATE TABLE competition_attachments (
    id           INTEGER PRIMARY KEY,
    project_id   INTEGER NOT NULL REFERENCES competition_projects (id),
    kind         TEXT NOT NULL CHECK (kind IN ('pdf', 'image')),
    file_name    TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         INTEGER NOT NULL CHECK (size > 0),
    sha256       TEXT NOT NULL,
    data         BLOB NOT NULL,
    uploaded_by  INTEGER NOT NULL REFERENCES accounts (id),
    created_at   TIMESTAMP NOT NULL
);
CREATE INDEX competition_attachments_project_idx ON competition_attachments (project_id, id);

ALTER TABLE competition_projects ADD COLUMN decision TEXT CHECK (decision IN ('funded', 'commended', 'not_selected'));
ALTER TABLE competition_projects ADD COLUMN decision_comment TEXT NOT NULL DEFAULT '';
ALTER TABLE competition_projects ADD COLUMN decided_by INTEGER REFERENCES accounts (id);
ALTER TABLE competition_projects ADD COLUMN decided_at TIMESTAMP;
