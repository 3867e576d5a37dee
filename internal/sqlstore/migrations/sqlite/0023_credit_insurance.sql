-- The credit record (信用记录, zhiyuan/credit.go) and accident insurance policies.
--
-- A mark is written in the same transaction as the no-show or the late cancellation that
-- causes it, after the volunteer's row is locked by the counter UPDATE, and that
-- transaction recomputes volunteers.suspended_until from the volunteer's active marks
-- (zhiyuan.SuspendedUntil): sign-up reads that one column in its own transaction, in the
-- conditional UPDATE that serialises the volunteer. Waiving, revoking and deciding an
-- appeal change status and appeal_status by conditional UPDATEs and recompute it likewise.
ALTER TABLE volunteers ADD COLUMN suspended_until TIMESTAMP;
CREATE TABLE credit_marks (
    id              INTEGER PRIMARY KEY,
    volunteer_id    INTEGER NOT NULL REFERENCES volunteers (id),
    signup_id       INTEGER NOT NULL REFERENCES signups (id),
    org_id          INTEGER NOT NULL REFERENCES organizations (id),
    kind            TEXT NOT NULL CHECK (kind IN ('no_show', 'late_cancel')),
    status          TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'waived', 'revoked')),
    occurred_at     TIMESTAMP NOT NULL,
    expires_at      TIMESTAMP NOT NULL,
    waive_reason    TEXT NOT NULL DEFAULT '',
    waived_by       INTEGER REFERENCES accounts (id),
    waived_at       TIMESTAMP,
    appeal_status   TEXT NOT NULL DEFAULT '' CHECK (appeal_status IN ('', 'pending', 'upheld', 'waived')),
    appeal_reason   TEXT NOT NULL DEFAULT '',
    appealed_at     TIMESTAMP,
    decision_reason TEXT NOT NULL DEFAULT '',
    decided_by      INTEGER REFERENCES accounts (id),
    decided_at      TIMESTAMP,
    CHECK (status <> 'waived' OR waive_reason <> ''),
    CHECK ((appeal_status = '') = (appealed_at IS NULL))
);
CREATE INDEX credit_marks_volunteer_idx ON credit_marks (volunteer_id, occurred_at);
CREATE INDEX credit_marks_signup_idx ON credit_marks (signup_id);
CREATE INDEX credit_marks_appeals_idx ON credit_marks (appealed_at) WHERE appeal_status = 'pending';

-- An organisation's accident insurance policies. Cover runs over whole days, Beijing time,
-- stored as the instants cover_from (start of the first day) and cover_until (end of the
-- last); all_activities or the listed activities; insured volunteers optional.
CREATE TABLE insurance_policies (
    id             INTEGER PRIMARY KEY,
    org_id         INTEGER NOT NULL REFERENCES organizations (id),
    insurer        TEXT NOT NULL,
    policy_no      TEXT NOT NULL,
    cover_start    TEXT NOT NULL,
    cover_end      TEXT NOT NULL,
    cover_from     TIMESTAMP NOT NULL,
    cover_until    TIMESTAMP NOT NULL,
    all_activities BOOLEAN NOT NULL DEFAULT FALSE,
    created_by     INTEGER REFERENCES accounts (id),
    created_at     TIMESTAMP NOT NULL,
    CHECK (cover_until > cover_from),
    UNIQUE (org_id, insurer, policy_no)
);
CREATE INDEX insurance_policies_org_idx ON insurance_policies (org_id, cover_until);
CREATE TABLE insurance_policy_activities (
    policy_id   INTEGER NOT NULL REFERENCES insurance_policies (id),
    activity_id INTEGER NOT NULL REFERENCES activities (id),
    PRIMARY KEY (policy_id, activity_id)
);
CREATE INDEX insurance_policy_activities_activity_idx ON insurance_policy_activities (activity_id);
CREATE TABLE insurance_policy_volunteers (
    policy_id    INTEGER NOT NULL REFERENCES insurance_policies (id),
    volunteer_id INTEGER NOT NULL REFERENCES volunteers (id),
    PRIMARY KEY (policy_id, volunteer_id)
);
