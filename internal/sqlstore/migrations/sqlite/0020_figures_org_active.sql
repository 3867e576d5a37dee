-- Figures (issue 13), continued: active volunteers of an organisation subtree, and a
-- per-(organisation, month) table for the top organisations.
--
-- fig_org_active holds a volunteer's net confirmed minutes per organisation and month (the
-- organisation the hours are counted under in fig_org). An organisation subtree's active
-- volunteers over [a, b] are the distinct volunteers with a row of the subtree's
-- organisations, month in [a, b] and minutes > 0: distinct over the subtree as it stands
-- now (organizations.path), so moving an organisation rewrites nothing, as for fig_org.
-- Distinct counting over an arbitrary subtree cannot be a sum of per-organisation counts
-- (a volunteer serving two organisations of the subtree counts once), so this read costs
-- one row per volunteer and month of the subtree: bounded by its volunteers, never by its
-- hour entries.
--
-- fig_org_month is fig_org without the category, kept by triggers on fig_org: the top
-- organisations of a region read one row per organisation and month, a number that stops
-- growing once each organisation has served every month, long before the entries do.

CREATE TABLE fig_org_active (
    org_id INTEGER NOT NULL,
    month TEXT NOT NULL,
    volunteer_id INTEGER NOT NULL,
    minutes INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (org_id, month, volunteer_id)
) WITHOUT ROWID;
CREATE TABLE fig_org_month (
    org_id INTEGER NOT NULL,
    month TEXT NOT NULL,
    activities INTEGER NOT NULL DEFAULT 0,
    sessions INTEGER NOT NULL DEFAULT 0,
    signups INTEGER NOT NULL DEFAULT 0,
    minutes INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (org_id, month)
) WITHOUT ROWID;

INSERT INTO fig_org_active SELECT org_id, month, volunteer_id, SUM(minutes) FROM fig_src_hours GROUP BY org_id, month, volunteer_id;
INSERT INTO fig_org_month SELECT org_id, month, SUM(activities), SUM(sessions), SUM(signups), SUM(minutes) FROM fig_org GROUP BY org_id, month;

CREATE TRIGGER fig_org_month_ins AFTER INSERT ON fig_org FOR EACH ROW
BEGIN
    INSERT INTO fig_org_month (org_id, month, activities, sessions, signups, minutes)
        VALUES (NEW.org_id, NEW.month, NEW.activities, NEW.sessions, NEW.signups, NEW.minutes)
        ON CONFLICT (org_id, month) DO UPDATE SET activities = activities + excluded.activities, sessions = sessions + excluded.sessions, signups = signups + excluded.signups, minutes = minutes + excluded.minutes;
END;

CREATE TRIGGER fig_org_month_upd AFTER UPDATE ON fig_org FOR EACH ROW
BEGIN
    INSERT INTO fig_org_month (org_id, month, activities, sessions, signups, minutes)
        VALUES (OLD.org_id, OLD.month, -OLD.activities, -OLD.sessions, -OLD.signups, -OLD.minutes)
        ON CONFLICT (org_id, month) DO UPDATE SET activities = activities + excluded.activities, sessions = sessions + excluded.sessions, signups = signups + excluded.signups, minutes = minutes + excluded.minutes;
    INSERT INTO fig_org_month (org_id, month, activities, sessions, signups, minutes)
        VALUES (NEW.org_id, NEW.month, NEW.activities, NEW.sessions, NEW.signups, NEW.minutes)
        ON CONFLICT (org_id, month) DO UPDATE SET activities = activities + excluded.activities, sessions = sessions + excluded.sessions, signups = signups + excluded.signups, minutes = minutes + excluded.minutes;
END;

CREATE TRIGGER fig_org_month_del AFTER DELETE ON fig_org FOR EACH ROW
BEGIN
    INSERT INTO fig_org_month (org_id, month, activities, sessions, signups, minutes)
        VALUES (OLD.org_id, OLD.month, -OLD.activities, -OLD.sessions, -OLD.signups, -OLD.minutes)
        ON CONFLICT (org_id, month) DO UPDATE SET activities = activities + excluded.activities, sessions = sessions + excluded.sessions, signups = signups + excluded.signups, minutes = minutes + excluded.minutes;
END;

-- An activity handed to another organisation takes its confirmed hours along.
CREATE TRIGGER fig_org_active_key_old BEFORE UPDATE ON activities FOR EACH ROW
    WHEN OLD.org_id IS NOT NEW.org_id
BEGIN
    INSERT INTO fig_org_active (org_id, month, volunteer_id, minutes)
        SELECT org_id, month, volunteer_id, -SUM(minutes)
        FROM fig_src_hours WHERE activity_id = OLD.id GROUP BY org_id, month, volunteer_id
        ON CONFLICT (org_id, month, volunteer_id) DO UPDATE SET minutes = minutes + excluded.minutes;
END;

CREATE TRIGGER fig_org_active_key_new AFTER UPDATE ON activities FOR EACH ROW
    WHEN OLD.org_id IS NOT NEW.org_id
BEGIN
    INSERT INTO fig_org_active (org_id, month, volunteer_id, minutes)
        SELECT org_id, month, volunteer_id, SUM(minutes)
        FROM fig_src_hours WHERE activity_id = NEW.id GROUP BY org_id, month, volunteer_id
        ON CONFLICT (org_id, month, volunteer_id) DO UPDATE SET minutes = minutes + excluded.minutes;
END;

CREATE TRIGGER fig_org_active_ins AFTER INSERT ON hour_confirmations FOR EACH ROW
BEGIN
    INSERT INTO fig_org_active (org_id, month, volunteer_id, minutes)
        SELECT org_id, month, volunteer_id, minutes
        FROM fig_src_hours WHERE id = NEW.id
        ON CONFLICT (org_id, month, volunteer_id) DO UPDATE SET minutes = minutes + excluded.minutes;
END;
