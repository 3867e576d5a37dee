-- Training (培训) of the project competition 益苗计划 (issue 17). A training session of a
-- round is backed by an activity of its host organisation with one session: the teams'
-- members hold confirmed seats in it and check in by the ordinary check-in (the
-- organiser's rotating code, a card, or by hand), so attendance is the attendance table's.
-- competition_training_projects lists the projects that must attend each session;
-- missed_notified_at records that the organisation was told its team missed it, set by a
-- conditional UPDATE so each missed training is told once however many servers sweep.
CREATE TABLE competition_trainings (
    id             INTEGER PRIMARY KEY,
    competition_id INTEGER NOT NULL REFERENCES competitions (id),
    title          TEXT NOT NULL,
    place          TEXT NOT NULL,
    starts_at      TIMESTAMP NOT NULL,
    ends_at        TIMESTAMP NOT NULL,
    host_org_id    INTEGER NOT NULL REFERENCES organizations (id),
    activity_id    INTEGER NOT NULL REFERENCES activities (id),
    session_id     INTEGER NOT NULL REFERENCES activity_sessions (id),
    created_by     INTEGER NOT NULL REFERENCES accounts (id),
    created_at     TIMESTAMP NOT NULL,
    CHECK (ends_at > starts_at)
);
CREATE UNIQUE INDEX competition_trainings_session_uq ON competition_trainings (session_id);
CREATE INDEX competition_trainings_round_idx ON competition_trainings (competition_id, starts_at);

CREATE TABLE competition_training_projects (
    training_id        INTEGER NOT NULL REFERENCES competition_trainings (id),
    project_id         INTEGER NOT NULL REFERENCES competition_projects (id),
    missed_notified_at TIMESTAMP,
    PRIMARY KEY (training_id, project_id)
);
CREATE INDEX competition_training_projects_project_idx ON competition_training_projects (project_id, training_id);
