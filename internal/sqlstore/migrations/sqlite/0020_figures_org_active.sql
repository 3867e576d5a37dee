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

-- A confirmation adds to a fig_org row in place (its key unchanged): one statement for the
-- difference. fig_org_month_rekey is for a key changed by hand.
CREATE TRIGGER fig_org_month_upd AFTER UPDATE ON fig_org FOR EACH ROW
    WHEN OLD.org_id = NEW.org_id AND OLD.month = NEW.month
BEGIN
    INSERT INTO fig_org_month (org_id, month, activities, sessions, signups, minutes)
        VALUES (NEW.org_id, NEW.month, NEW.activities - OLD.activities, NEW.sessions - OLD.sessions, NEW.signups - OLD.signups, NEW.minutes - OLD.minutes)
        ON CONFLICT (org_id, month) DO UPDATE SET activities = activities + excluded.activities, sessions = sessions + excluded.sessions, signups = signups + excluded.signups, minutes = minutes + excluded.minutes;
END;

CREATE TRIGGER fig_org_month_rekey AFTER UPDATE ON fig_org FOR EACH ROW
    WHEN OLD.org_id IS NOT NEW.org_id OR OLD.month IS NOT NEW.month
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

-- A confirmation's summaries (0018's fig_hours_ins and the organisation's active minutes),
-- cheaper on SQLite, where every confirmation pays for them: the entry's keys are read
-- once from fig_src_hours into fig_hour_keys, whose BEFORE INSERT trigger adds to each
-- summary from that one row and then drops it (RAISE(IGNORE)): fig_hour_keys never holds
-- a row, and the summaries do not each join the five tables again.
CREATE TABLE fig_hour_keys (
    region_code TEXT NOT NULL,
    org_id INTEGER NOT NULL,
    category TEXT NOT NULL,
    month TEXT NOT NULL,
    volunteer_id INTEGER NOT NULL,
    minutes INTEGER NOT NULL
);

CREATE TRIGGER fig_hour_keys_add BEFORE INSERT ON fig_hour_keys FOR EACH ROW
BEGIN
    INSERT INTO fig_region (region_code, month, category, activities, sessions, signups, minutes)
        VALUES (NEW.region_code, NEW.month, NEW.category, 0, 0, 0, NEW.minutes)
        ON CONFLICT (region_code, month, category) DO UPDATE SET minutes = minutes + excluded.minutes;
    INSERT INTO fig_org (org_id, month, category, activities, sessions, signups, minutes)
        VALUES (NEW.org_id, NEW.month, NEW.category, 0, 0, 0, NEW.minutes)
        ON CONFLICT (org_id, month, category) DO UPDATE SET minutes = minutes + excluded.minutes;
    INSERT INTO fig_org_active (org_id, month, volunteer_id, minutes)
        VALUES (NEW.org_id, NEW.month, NEW.volunteer_id, NEW.minutes)
        ON CONFLICT (org_id, month, volunteer_id) DO UPDATE SET minutes = minutes + excluded.minutes;
    INSERT INTO fig_active (volunteer_id, month, minutes)
        VALUES (NEW.volunteer_id, NEW.month, NEW.minutes)
        ON CONFLICT (volunteer_id, month) DO UPDATE SET minutes = minutes + excluded.minutes;
    SELECT RAISE(IGNORE);
END;

DROP TRIGGER fig_hours_ins;
CREATE TRIGGER fig_hours_ins AFTER INSERT ON hour_confirmations FOR EACH ROW
BEGIN
    INSERT INTO fig_hour_keys (region_code, org_id, category, month, volunteer_id, minutes)
        SELECT region_code, org_id, category, month, volunteer_id, minutes FROM fig_src_hours WHERE id = NEW.id;
END;

-- A volunteer's month turning active: the span row of that month, and, only when a later
-- month was already active (hours confirmed late or out of order), that month's previous
-- month moved. The usual confirmation, in the volunteer's latest month, runs one statement.
DROP TRIGGER fig_active_on;
CREATE TRIGGER fig_active_on AFTER INSERT ON fig_active FOR EACH ROW
    WHEN NEW.minutes > 0
BEGIN
    INSERT INTO fig_active_span (region_code, month, prev_month, volunteers)
        SELECT v.region_code, NEW.month, COALESCE((SELECT MAX(p.month) FROM fig_active p WHERE p.volunteer_id = NEW.volunteer_id AND p.month < NEW.month AND p.minutes > 0), ''), 1
        FROM volunteers v WHERE v.id = NEW.volunteer_id
        ON CONFLICT (region_code, month, prev_month) DO UPDATE SET volunteers = volunteers + excluded.volunteers;
END;

CREATE TRIGGER fig_active_on_later AFTER INSERT ON fig_active FOR EACH ROW
    WHEN NEW.minutes > 0 AND EXISTS (SELECT 1 FROM fig_active n WHERE n.volunteer_id = NEW.volunteer_id AND n.month > NEW.month AND n.minutes > 0)
BEGIN
    INSERT INTO fig_active_span (region_code, month, prev_month, volunteers)
        SELECT v.region_code, n.month, COALESCE((SELECT MAX(p.month) FROM fig_active p WHERE p.volunteer_id = NEW.volunteer_id AND p.month < NEW.month AND p.minutes > 0), ''), -1
        FROM volunteers v, (SELECT MIN(n.month) AS month FROM fig_active n WHERE n.volunteer_id = NEW.volunteer_id AND n.month > NEW.month AND n.minutes > 0) n WHERE v.id = NEW.volunteer_id AND n.month IS NOT NULL
        ON CONFLICT (region_code, month, prev_month) DO UPDATE SET volunteers = volunteers + excluded.volunteers;
    INSERT INTO fig_active_span (region_code, month, prev_month, volunteers)
        SELECT v.region_code, n.month, NEW.month, 1
        FROM volunteers v, (SELECT MIN(n.month) AS month FROM fig_active n WHERE n.volunteer_id = NEW.volunteer_id AND n.month > NEW.month AND n.minutes > 0) n WHERE v.id = NEW.volunteer_id AND n.month IS NOT NULL
        ON CONFLICT (region_code, month, prev_month) DO UPDATE SET volunteers = volunteers + excluded.volunteers;
END;
