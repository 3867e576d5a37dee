-- Deliveries: which in-app notifications went out by SMS or email. A delivery job
-- (package jobs) inserts its row in the same transaction as it marks itself completed,
-- so a job retried after a crash finds the row and does not send again. River's own
-- tables (river_job, …) are created by River's migrator after these (migrate.go).
CREATE TABLE deliveries (
    notification_id BIGINT NOT NULL REFERENCES notifications (id) ON DELETE CASCADE,
    channel         TEXT NOT NULL CHECK (channel IN ('sms', 'email')),
    delivered_at    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (notification_id, channel)
);
