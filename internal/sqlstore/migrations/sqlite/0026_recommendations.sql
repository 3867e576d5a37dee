-- Recommendations, candidates and invitations (issue 15, recommend.go).
--
-- A volunteer may turn invitations off: opted-out volunteers never appear as candidates.
ALTER TABLE volunteers ADD COLUMN invitations_off BOOLEAN NOT NULL DEFAULT FALSE;

-- Recommendations walk the live activities of a region (its code range) and stop after a
-- bounded number: the partial index holds published activities only.
CREATE INDEX activities_live_region_idx ON activities (region_code, ends_at, id) WHERE status = 'published';

-- One invitation per volunteer and session: inviting again does not notify again.
CREATE TABLE session_invitations (
    session_id   INTEGER NOT NULL REFERENCES activity_sessions (id),
    volunteer_id INTEGER NOT NULL REFERENCES volunteers (id),
    invited_by   INTEGER NOT NULL REFERENCES accounts (id),
    created_at   TIMESTAMP NOT NULL,
    PRIMARY KEY (session_id, volunteer_id)
);
CREATE INDEX session_invitations_volunteer_idx ON session_invitations (volunteer_id);
