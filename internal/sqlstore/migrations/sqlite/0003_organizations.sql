-- Organisations in a tree, and volunteers' memberships of them.
--
-- The tree is a materialised path: path is the ids from the root down to the organisation
-- itself, '/1/5/9/'. "This organisation and everything below it" is then one range on
-- organizations_path_idx (path >= '/1/5/' AND path < '/1/50'), and the ancestors of a row
-- are read off its own path, so no request walks the tree in a loop.

CREATE TABLE organizations (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL,
    type          TEXT NOT NULL,
    region_code   TEXT NOT NULL,
    parent_id     INTEGER REFERENCES organizations (id),
    path          TEXT NOT NULL,
    depth         INTEGER NOT NULL,
    credit_code   TEXT,
    contact_name  TEXT NOT NULL,
    contact_phone TEXT NOT NULL,
    description   TEXT NOT NULL DEFAULT '',
    status        TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
    reject_reason TEXT NOT NULL DEFAULT '',
    member_count  INTEGER NOT NULL DEFAULT 0 CHECK (member_count >= 0),
    created_by    INTEGER NOT NULL REFERENCES accounts (id),
    created_at    TIMESTAMP NOT NULL,
    decided_at    TIMESTAMP,
    decided_by    INTEGER REFERENCES accounts (id),
    updated_at    TIMESTAMP NOT NULL
);
-- One live organisation per name under one parent in one region; a rejected registration
-- does not block registering again.
CREATE UNIQUE INDEX organizations_name_uq ON organizations (region_code, COALESCE(parent_id, 0), name)
    WHERE status <> 'rejected';
CREATE UNIQUE INDEX organizations_credit_code_uq ON organizations (credit_code);
CREATE INDEX organizations_path_idx ON organizations (path);
CREATE INDEX organizations_parent_idx ON organizations (parent_id, id);
CREATE INDEX organizations_status_region_idx ON organizations (status, region_code, id);

CREATE TABLE org_members (
    id           INTEGER PRIMARY KEY,
    org_id       INTEGER NOT NULL REFERENCES organizations (id),
    volunteer_id INTEGER NOT NULL REFERENCES volunteers (id),
    status       TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected', 'left')),
    role         TEXT NOT NULL DEFAULT 'member',
    applied_at   TIMESTAMP NOT NULL,
    decided_at   TIMESTAMP,
    decided_by   INTEGER REFERENCES accounts (id)
);
CREATE UNIQUE INDEX org_members_uq ON org_members (org_id, volunteer_id);
-- The admins' list pages through one organisation's members by id, optionally by status.
CREATE INDEX org_members_org_idx ON org_members (org_id, id);
CREATE INDEX org_members_org_status_idx ON org_members (org_id, status, id);
CREATE INDEX org_members_volunteer_idx ON org_members (volunteer_id);
