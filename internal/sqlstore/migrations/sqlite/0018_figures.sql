-- Figures (issue 13): summary tables kept exact by the database.
--
-- Every figure of the dashboards is a sum over a few summary rows, never a scan of the base
-- tables. The rows change in the same transaction as the rows they count, by triggers, so
-- every write path (pages, API, bulk import, a hand-typed statement) keeps them without
-- code of its own. Each trigger removes what a row contributed before a change (BEFORE,
-- reading the fig_src_* views while the row is still old) and adds what it contributes
-- after (AFTER): one definition per figure, in the views.
--
-- The summary tables are keyed by what dashboards filter on, so a dashboard reads ranges
-- of primary keys (on SQLite the tables are their keys, WITHOUT ROWID: one B-tree each).
--
-- Keys are the finest region code stored (county or street) and the month in China time
-- (Asia/Shanghai, UTC+8 all year); a city or province is the sum over its code prefix.
-- Organisation figures are per organisation (fig_org) and summed over the organisation's
-- current subtree (organizations.path), so moving an organisation rewrites nothing.
--
-- Counted: a volunteer under the month registered (and, once closed, under the month
-- closed), by sex, age band at registration and political status; an organisation under
-- the month it was approved; an activity under the month it was published (published or
-- closed, not draft or cancelled); a session (场次) under the month it starts (open or
-- closed); a sign-up under the month it was made; confirmed minutes under the month the
-- entry was recorded, a correction being an entry of its own (so −2 h lands as −120).
--
-- Active volunteers need distinct counting over any range of months. fig_active holds a
-- volunteer's net confirmed minutes per month; fig_active_span counts, per home region and
-- month, the volunteers active that month by the previous month they were active ('' for
-- none). The volunteers active in [a, b] are exactly the rows with month in [a, b] whose
-- previous active month is before a (each volunteer's first active month inside the range),
-- so the distinct count is again a sum of summary rows.

CREATE TABLE fig_volunteers (
    region_code TEXT NOT NULL,
    month TEXT NOT NULL,
    sex TEXT NOT NULL,
    age_band TEXT NOT NULL,
    political_status TEXT NOT NULL,
    registered INTEGER NOT NULL DEFAULT 0,
    closed INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (region_code, month, sex, age_band, political_status)
) WITHOUT ROWID;
CREATE TABLE fig_orgs (
    region_code TEXT NOT NULL,
    month TEXT NOT NULL,
    approved INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (region_code, month)
) WITHOUT ROWID;
CREATE TABLE fig_region (
    region_code TEXT NOT NULL,
    month TEXT NOT NULL,
    category TEXT NOT NULL,
    activities INTEGER NOT NULL DEFAULT 0,
    sessions INTEGER NOT NULL DEFAULT 0,
    signups INTEGER NOT NULL DEFAULT 0,
    minutes INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (region_code, month, category)
) WITHOUT ROWID;
CREATE TABLE fig_org (
    org_id INTEGER NOT NULL,
    month TEXT NOT NULL,
    category TEXT NOT NULL,
    activities INTEGER NOT NULL DEFAULT 0,
    sessions INTEGER NOT NULL DEFAULT 0,
    signups INTEGER NOT NULL DEFAULT 0,
    minutes INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (org_id, month, category)
) WITHOUT ROWID;
CREATE TABLE fig_active (
    volunteer_id INTEGER NOT NULL,
    month TEXT NOT NULL,
    minutes INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (volunteer_id, month)
) WITHOUT ROWID;
CREATE TABLE fig_active_span (
    region_code TEXT NOT NULL,
    month TEXT NOT NULL,
    prev_month TEXT NOT NULL,
    volunteers INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (region_code, month, prev_month)
) WITHOUT ROWID;

-- What each base row contributes, with the keys it is counted under. The triggers, the
-- first fill below, `zhiyuan figures verify` and `figures rebuild` all read these views:
-- one definition of every figure.
CREATE VIEW fig_src_volunteers AS
SELECT v.id, v.region_code, v.sex, v.political_status,
    strftime('%Y-%m', v.created_at, '+8 hours') AS reg_month,
    CASE WHEN v.status = 'closed' THEN strftime('%Y-%m', COALESCE(v.closed_at, v.updated_at), '+8 hours') END AS close_month,
    CASE WHEN v.age < 18 THEN '0-17' WHEN v.age < 36 THEN '18-35' WHEN v.age < 60 THEN '36-59' ELSE '60+' END AS age_band
FROM (SELECT v.id, v.region_code, v.sex, v.political_status, v.created_at, v.closed_at, v.updated_at, v.status,
    CAST(strftime('%Y', v.created_at, '+8 hours') AS INTEGER) - CAST(substr(v.birth_date, 1, 4) AS INTEGER)
        - (strftime('%m-%d', v.created_at, '+8 hours') < substr(v.birth_date, 6, 5)) AS age FROM volunteers v) v;

CREATE VIEW fig_src_orgs AS
SELECT o.id, o.region_code, strftime('%Y-%m', COALESCE(o.decided_at, o.created_at), '+8 hours') AS month
FROM organizations o WHERE o.status = 'approved';

CREATE VIEW fig_src_activities AS
SELECT a.id, a.org_id, a.region_code, a.category, strftime('%Y-%m', a.published_at, '+8 hours') AS month
FROM activities a WHERE a.status IN ('published', 'closed') AND a.published_at IS NOT NULL;

CREATE VIEW fig_src_sessions AS
SELECT s.id, s.activity_id, a.org_id, a.region_code, a.category, strftime('%Y-%m', s.starts_at, '+8 hours') AS month
FROM activity_sessions s JOIN activities a ON a.id = s.activity_id WHERE s.status IN ('open', 'closed');

CREATE VIEW fig_src_signups AS
SELECT g.id, g.activity_id, a.org_id, a.region_code, a.category, strftime('%Y-%m', g.created_at, '+8 hours') AS month
FROM signups g JOIN activities a ON a.id = g.activity_id;

CREATE VIEW fig_src_hours AS
SELECT c.id, e.volunteer_id, s.activity_id, COALESCE(a.org_id, e.org_id) AS org_id,
    COALESCE(a.region_code, o.region_code) AS region_code, COALESCE(a.category, '') AS category,
    strftime('%Y-%m', e.recorded_at, '+8 hours') AS month, e.minutes
FROM hour_confirmations c JOIN hour_entries e ON e.id = c.entry_id
    LEFT JOIN activity_sessions s ON s.id = e.session_id LEFT JOIN activities a ON a.id = s.activity_id
    JOIN organizations o ON o.id = e.org_id;

CREATE VIEW fig_src_spans AS
SELECT v.region_code, x.month, x.prev_month FROM
    (SELECT a.volunteer_id, a.month, COALESCE(LAG(a.month) OVER (PARTITION BY a.volunteer_id ORDER BY a.month), '') AS prev_month FROM fig_active a WHERE a.minutes > 0) x
    JOIN volunteers v ON v.id = x.volunteer_id;

-- The figures of the rows already there when this version is installed.
INSERT INTO fig_volunteers SELECT region_code, month, sex, age_band, political_status, SUM(r), SUM(c) FROM (
    SELECT region_code, reg_month AS month, sex, age_band, political_status, 1 AS r, 0 AS c FROM fig_src_volunteers
    UNION ALL SELECT region_code, close_month, sex, age_band, political_status, 0, 1 FROM fig_src_volunteers WHERE close_month IS NOT NULL
) x GROUP BY region_code, month, sex, age_band, political_status;
INSERT INTO fig_orgs SELECT region_code, month, COUNT(*) FROM fig_src_orgs GROUP BY region_code, month;
INSERT INTO fig_region SELECT region_code, month, category, SUM(a), SUM(s), SUM(g), SUM(m) FROM (
    SELECT region_code, month, category, 1 AS a, 0 AS s, 0 AS g, 0 AS m FROM fig_src_activities
    UNION ALL SELECT region_code, month, category, 0, 1, 0, 0 FROM fig_src_sessions
    UNION ALL SELECT region_code, month, category, 0, 0, 1, 0 FROM fig_src_signups
    UNION ALL SELECT region_code, month, category, 0, 0, 0, minutes FROM fig_src_hours
) x GROUP BY region_code, month, category;
INSERT INTO fig_org SELECT org_id, month, category, SUM(a), SUM(s), SUM(g), SUM(m) FROM (
    SELECT org_id, month, category, 1 AS a, 0 AS s, 0 AS g, 0 AS m FROM fig_src_activities
    UNION ALL SELECT org_id, month, category, 0, 1, 0, 0 FROM fig_src_sessions
    UNION ALL SELECT org_id, month, category, 0, 0, 1, 0 FROM fig_src_signups
    UNION ALL SELECT org_id, month, category, 0, 0, 0, minutes FROM fig_src_hours
) x GROUP BY org_id, month, category;
INSERT INTO fig_active SELECT volunteer_id, month, SUM(minutes) FROM fig_src_hours GROUP BY volunteer_id, month;
INSERT INTO fig_active_span SELECT region_code, month, prev_month, COUNT(*) FROM fig_src_spans GROUP BY region_code, month, prev_month;

-- Kept from here on by the database, in the writing transaction.
CREATE TRIGGER fig_volunteers_ins AFTER INSERT ON volunteers FOR EACH ROW
BEGIN
    INSERT INTO fig_volunteers (region_code, month, sex, age_band, political_status, registered, closed)
        SELECT region_code, reg_month, sex, age_band, political_status, 1, 0
        FROM fig_src_volunteers WHERE id = NEW.id
        ON CONFLICT (region_code, month, sex, age_band, political_status) DO UPDATE SET registered = registered + excluded.registered, closed = closed + excluded.closed;
    INSERT INTO fig_volunteers (region_code, month, sex, age_band, political_status, registered, closed)
        SELECT region_code, close_month, sex, age_band, political_status, 0, 1
        FROM fig_src_volunteers WHERE id = NEW.id AND close_month IS NOT NULL
        ON CONFLICT (region_code, month, sex, age_band, political_status) DO UPDATE SET registered = registered + excluded.registered, closed = closed + excluded.closed;
END;

CREATE TRIGGER fig_volunteers_upd_old BEFORE UPDATE ON volunteers FOR EACH ROW
    WHEN OLD.region_code IS NOT NEW.region_code OR OLD.sex IS NOT NEW.sex OR OLD.birth_date IS NOT NEW.birth_date OR OLD.political_status IS NOT NEW.political_status OR OLD.status IS NOT NEW.status OR OLD.closed_at IS NOT NEW.closed_at OR OLD.created_at IS NOT NEW.created_at
BEGIN
    INSERT INTO fig_volunteers (region_code, month, sex, age_band, political_status, registered, closed)
        SELECT region_code, reg_month, sex, age_band, political_status, -1, 0
        FROM fig_src_volunteers WHERE id = OLD.id
        ON CONFLICT (region_code, month, sex, age_band, political_status) DO UPDATE SET registered = registered + excluded.registered, closed = closed + excluded.closed;
    INSERT INTO fig_volunteers (region_code, month, sex, age_band, political_status, registered, closed)
        SELECT region_code, close_month, sex, age_band, political_status, 0, -1
        FROM fig_src_volunteers WHERE id = OLD.id AND close_month IS NOT NULL
        ON CONFLICT (region_code, month, sex, age_band, political_status) DO UPDATE SET registered = registered + excluded.registered, closed = closed + excluded.closed;
END;

CREATE TRIGGER fig_volunteers_upd_new AFTER UPDATE ON volunteers FOR EACH ROW
    WHEN OLD.region_code IS NOT NEW.region_code OR OLD.sex IS NOT NEW.sex OR OLD.birth_date IS NOT NEW.birth_date OR OLD.political_status IS NOT NEW.political_status OR OLD.status IS NOT NEW.status OR OLD.closed_at IS NOT NEW.closed_at OR OLD.created_at IS NOT NEW.created_at
BEGIN
    INSERT INTO fig_volunteers (region_code, month, sex, age_band, political_status, registered, closed)
        SELECT region_code, reg_month, sex, age_band, political_status, 1, 0
        FROM fig_src_volunteers WHERE id = NEW.id
        ON CONFLICT (region_code, month, sex, age_band, political_status) DO UPDATE SET registered = registered + excluded.registered, closed = closed + excluded.closed;
    INSERT INTO fig_volunteers (region_code, month, sex, age_band, political_status, registered, closed)
        SELECT region_code, close_month, sex, age_band, political_status, 0, 1
        FROM fig_src_volunteers WHERE id = NEW.id AND close_month IS NOT NULL
        ON CONFLICT (region_code, month, sex, age_band, political_status) DO UPDATE SET registered = registered + excluded.registered, closed = closed + excluded.closed;
END;

CREATE TRIGGER fig_volunteers_del BEFORE DELETE ON volunteers FOR EACH ROW
BEGIN
    INSERT INTO fig_volunteers (region_code, month, sex, age_band, political_status, registered, closed)
        SELECT region_code, reg_month, sex, age_band, political_status, -1, 0
        FROM fig_src_volunteers WHERE id = OLD.id
        ON CONFLICT (region_code, month, sex, age_band, political_status) DO UPDATE SET registered = registered + excluded.registered, closed = closed + excluded.closed;
    INSERT INTO fig_volunteers (region_code, month, sex, age_band, political_status, registered, closed)
        SELECT region_code, close_month, sex, age_band, political_status, 0, -1
        FROM fig_src_volunteers WHERE id = OLD.id AND close_month IS NOT NULL
        ON CONFLICT (region_code, month, sex, age_band, political_status) DO UPDATE SET registered = registered + excluded.registered, closed = closed + excluded.closed;
END;

CREATE TRIGGER fig_volunteers_move AFTER UPDATE ON volunteers FOR EACH ROW
    WHEN OLD.region_code IS NOT NEW.region_code
BEGIN
    INSERT INTO fig_active_span (region_code, month, prev_month, volunteers)
        SELECT OLD.region_code, x.month, x.prev_month, -1
        FROM (SELECT month, COALESCE(LAG(month) OVER (ORDER BY month), '') AS prev_month FROM fig_active WHERE volunteer_id = NEW.id AND minutes > 0) x WHERE true
        ON CONFLICT (region_code, month, prev_month) DO UPDATE SET volunteers = volunteers + excluded.volunteers;
    INSERT INTO fig_active_span (region_code, month, prev_month, volunteers)
        SELECT NEW.region_code, x.month, x.prev_month, 1
        FROM (SELECT month, COALESCE(LAG(month) OVER (ORDER BY month), '') AS prev_month FROM fig_active WHERE volunteer_id = NEW.id AND minutes > 0) x WHERE true
        ON CONFLICT (region_code, month, prev_month) DO UPDATE SET volunteers = volunteers + excluded.volunteers;
END;

CREATE TRIGGER fig_orgs_ins AFTER INSERT ON organizations FOR EACH ROW
BEGIN
    INSERT INTO fig_orgs (region_code, month, approved)
        SELECT region_code, month, 1
        FROM fig_src_orgs WHERE id = NEW.id
        ON CONFLICT (region_code, month) DO UPDATE SET approved = approved + excluded.approved;
END;

CREATE TRIGGER fig_orgs_upd_old BEFORE UPDATE ON organizations FOR EACH ROW
    WHEN OLD.status IS NOT NEW.status OR OLD.decided_at IS NOT NEW.decided_at OR OLD.created_at IS NOT NEW.created_at OR OLD.region_code IS NOT NEW.region_code
BEGIN
    INSERT INTO fig_orgs (region_code, month, approved)
        SELECT region_code, month, -1
        FROM fig_src_orgs WHERE id = OLD.id
        ON CONFLICT (region_code, month) DO UPDATE SET approved = approved + excluded.approved;
END;

CREATE TRIGGER fig_orgs_upd_new AFTER UPDATE ON organizations FOR EACH ROW
    WHEN OLD.status IS NOT NEW.status OR OLD.decided_at IS NOT NEW.decided_at OR OLD.created_at IS NOT NEW.created_at OR OLD.region_code IS NOT NEW.region_code
BEGIN
    INSERT INTO fig_orgs (region_code, month, approved)
        SELECT region_code, month, 1
        FROM fig_src_orgs WHERE id = NEW.id
        ON CONFLICT (region_code, month) DO UPDATE SET approved = approved + excluded.approved;
END;

CREATE TRIGGER fig_orgs_region_old BEFORE UPDATE ON organizations FOR EACH ROW
    WHEN OLD.region_code IS NOT NEW.region_code
BEGIN
    INSERT INTO fig_region (region_code, month, category, activities, sessions, signups, minutes)
        SELECT region_code, month, category, -1 * SUM(0), -1 * SUM(0), -1 * SUM(0), -1 * SUM(minutes)
        FROM fig_src_hours WHERE org_id = OLD.id AND activity_id IS NULL GROUP BY region_code, month, category
        ON CONFLICT (region_code, month, category) DO UPDATE SET activities = activities + excluded.activities, sessions = sessions + excluded.sessions, signups = signups + excluded.signups, minutes = minutes + excluded.minutes;
    INSERT INTO fig_org (org_id, month, category, activities, sessions, signups, minutes)
        SELECT org_id, month, category, -1 * SUM(0), -1 * SUM(0), -1 * SUM(0), -1 * SUM(minutes)
        FROM fig_src_hours WHERE org_id = OLD.id AND activity_id IS NULL GROUP BY org_id, month, category
        ON CONFLICT (org_id, month, category) DO UPDATE SET activities = activities + excluded.activities, sessions = sessions + excluded.sessions, signups = signups + excluded.signups, minutes = minutes + excluded.minutes;
END;

CREATE TRIGGER fig_orgs_region_new AFTER UPDATE ON organizations FOR EACH ROW
    WHEN OLD.region_code IS NOT NEW.region_code
BEGIN
    INSERT INTO fig_region (region_code, month, category, activities, sessions, signups, minutes)
        SELECT region_code, month, category, 1 * SUM(0), 1 * SUM(0), 1 * SUM(0), 1 * SUM(minutes)
        FROM fig_src_hours WHERE org_id = NEW.id AND activity_id IS NULL GROUP BY region_code, month, category
        ON CONFLICT (region_code, month, category) DO UPDATE SET activities = activities + excluded.activities, sessions = sessions + excluded.sessions, signups = signups + excluded.signups, minutes = minutes + excluded.minutes;
    INSERT INTO fig_org (org_id, month, category, activities, sessions, signups, minutes)
        SELECT org_id, month, category, 1 * SUM(0), 1 * SUM(0), 1 * SUM(0), 1 * SUM(minutes)
        FROM fig_src_hours WHERE org_id = NEW.id AND activity_id IS NULL GROUP BY org_id, month, category
        ON CONFLICT (org_id, month, category) DO UPDATE SET activities = activities + excluded.activities, sessions = sessions + excluded.sessions, signups = signups + excluded.signups, minutes = minutes + excluded.minutes;
END;

CREATE TRIGGER fig_activities_ins AFTER INSERT ON activities FOR EACH ROW
BEGIN
    INSERT INTO fig_region (region_code, month, category, activities, sessions, signups, minutes)
        SELECT region_code, month, category, 1 * 1, 0, 0, 0
        FROM fig_src_activities WHERE id = NEW.id
        ON CONFLICT (region_code, month, category) DO UPDATE SET activities = activities + excluded.activities, sessions = sessions + excluded.sessions, signups = signups + excluded.signups, minutes = minutes + excluded.minutes;
    INSERT INTO fig_org (org_id, month, category, activities, sessions, signups, minutes)
        SELECT org_id, month, category, 1 * 1, 0, 0, 0
        FROM fig_src_activities WHERE id = NEW.id
        ON CONFLICT (org_id, month, category) DO UPDATE SET activities = activities + excluded.activities, sessions = sessions + excluded.sessions, signups = signups + excluded.signups, minutes = minutes + excluded.minutes;
END;

CREATE TRIGGER fig_activities_upd_old BEFORE UPDATE ON activities FOR EACH ROW
    WHEN OLD.status IS NOT NEW.status OR OLD.published_at IS NOT NEW.published_at OR OLD.region_code IS NOT NEW.region_code OR OLD.category IS NOT NEW.category OR OLD.org_id IS NOT NEW.org_id
BEGIN
    INSERT INTO fig_region (region_code, month, category, activities, sessions, signups, minutes)
        SELECT region_code, month, category, -1 * 1, 0, 0, 0
        FROM fig_src_activities WHERE id = OLD.id
        ON CONFLICT (region_code, month, category) DO UPDATE SET activities = activities + excluded.activities, sessions = sessions + excluded.sessions, signups = signups + excluded.signups, minutes = minutes + excluded.minutes;
    INSERT INTO fig_org (org_id, month, category, activities, sessions, signups, minutes)
        SELECT org_id, month, category, -1 * 1, 0, 0, 0
        FROM fig_src_activities WHERE id = OLD.id
        ON CONFLICT (org_id, month, category) DO UPDATE SET activities = activities + excluded.activities, sessions = sessions + excluded.sessions, signups = signups + excluded.signups, minutes = minutes + excluded.minutes;
END;

CREATE TRIGGER fig_activities_upd_new AFTER UPDATE ON activities FOR EACH ROW
    WHEN OLD.status IS NOT NEW.status OR OLD.published_at IS NOT NEW.published_at OR OLD.region_code IS NOT NEW.region_code OR OLD.category IS NOT NEW.category OR OLD.org_id IS NOT NEW.org_id
BEGIN
    INSERT INTO fig_region (region_code, month, category, activities, sessions, signups, minutes)
        SELECT region_code, month, category, 1 * 1, 0, 0, 0
        FROM fig_src_activities WHERE id = NEW.id
        ON CONFLICT (region_code, month, category) DO UPDATE SET activities = activities + excluded.activities, sessions = sessions + excluded.sessions, signups = signups + excluded.signups, minutes = minutes + excluded.minutes;
    INSERT INTO fig_org (org_id, month, category, activities, sessions, signups, minutes)
        SELECT org_id, month, category, 1 * 1, 0, 0, 0
        FROM fig_src_activities WHERE id = NEW.id
        ON CONFLICT (org_id, month, category) DO UPDATE SET activities = activities + excluded.activities, sessions = sessions + excluded.sessions, signups = signups + excluded.signups, minutes = minutes + excluded.minutes;
END;

CREATE TRIGGER fig_activities_key_old BEFORE UPDATE ON activities FOR EACH ROW
    WHEN OLD.region_code IS NOT NEW.region_code OR OLD.category IS NOT NEW.category OR OLD.org_id IS NOT NEW.org_id
BEGIN
    INSERT INTO fig_region (region_code, month, category, activities, sessions, signups, minutes)
        SELECT region_code, month, category, -1 * SUM(0), -1 * SUM(1), -1 * SUM(0), -1 * SUM(0)
        FROM fig_src_sessions WHERE activity_id = OLD.id GROUP BY region_code, month, category
        ON CONFLICT (region_code, month, category) DO UPDATE SET activities = activities + excluded.activities, sessions = sessions + excluded.sessions, signups = signups + excluded.signups, minutes = minutes + excluded.minutes;
    INSERT INTO fig_org (org_id, month, category, activities, sessions, signups, minutes)
        SELECT org_id, month, category, -1 * SUM(0), -1 * SUM(1), -1 * SUM(0), -1 * SUM(0)
        FROM fig_src_sessions WHERE activity_id = OLD.id GROUP BY org_id, month, category
        ON CONFLICT (org_id, month, category) DO UPDATE SET activities = activities + excluded.activities, sessions = sessions + excluded.sessions, signups = signups + excluded.signups, minutes = minutes + excluded.minutes;
    INSERT INTO fig_region (region_code, month, category, activities, sessions, signups, minutes)
        SELECT region_code, month, category, -1 * SUM(0), -1 * SUM(0), -1 * SUM(1), -1 * SUM(0)
        FROM fig_src_signups WHERE activity_id = OLD.id GROUP BY region_code, month, category
        ON CONFLICT (region_code, month, category) DO UPDATE SET activities = activities + excluded.activities, sessions = sessions + excluded.sessions, signups = signups + excluded.signups, minutes = minutes + excluded.minutes;
    INSERT INTO fig_org (org_id, month, category, activities, sessions, signups, minutes)
        SELECT org_id, month, category, -1 * SUM(0), -1 * SUM(0), -1 * SUM(1), -1 * SUM(0)
        FROM fig_src_signups WHERE activity_id = OLD.id GROUP BY org_id, month, category
        ON CONFLICT (org_id, month, category) DO UPDATE SET activities = activities + excluded.activities, sessions = sessions + excluded.sessions, signups = signups + excluded.signups, minutes = minutes + excluded.minutes;
    INSERT INTO fig_region (region_code, month, category, activities, sessions, signups, minutes)
        SELECT region_code, month, category, -1 * SUM(0), -1 * SUM(0), -1 * SUM(0), -1 * SUM(minutes)
        FROM fig_src_hours WHERE activity_id = OLD.id GROUP BY region_code, month, category
        ON CONFLICT (region_code, month, category) DO UPDATE SET activities = activities + excluded.activities, sessions = sessions + excluded.sessions, signups = signups + excluded.signups, minutes = minutes + excluded.minutes;
    INSERT INTO fig_org (org_id, month, category, activities, sessions, signups, minutes)
        SELECT org_id, month, category, -1 * SUM(0), -1 * SUM(0), -1 * SUM(0), -1 * SUM(minutes)
        FROM fig_src_hours WHERE activity_id = OLD.id GROUP BY org_id, month, category
        ON CONFLICT (org_id, month, category) DO UPDATE SET activities = activities + excluded.activities, sessions = sessions + excluded.sessions, signups = signups + excluded.signups, minutes = minutes + excluded.minutes;
END;

CREATE TRIGGER fig_activities_key_new AFTER UPDATE ON activities FOR EACH ROW
    WHEN OLD.region_code IS NOT NEW.region_code OR OLD.category IS NOT NEW.category OR OLD.org_id IS NOT NEW.org_id
BEGIN
    INSERT INTO fig_region (region_code, month, category, activities, sessions, signups, minutes)
        SELECT region_code, month, category, 1 * SUM(0), 1 * SUM(1), 1 * SUM(0), 1 * SUM(0)
        FROM fig_src_sessions WHERE activity_id = NEW.id GROUP BY region_code, month, category
        ON CONFLICT (region_code, month, category) DO UPDATE SET activities = activities + excluded.activities, sessions = sessions + excluded.sessions, signups = signups + excluded.signups, minutes = minutes + excluded.minutes;
    INSERT INTO fig_org (org_id, month, category, activities, sessions, signups, minutes)
        SELECT org_id, month, category, 1 * SUM(0), 1 * SUM(1), 1 * SUM(0), 1 * SUM(0)
        FROM fig_src_sessions WHERE activity_id = NEW.id GROUP BY org_id, month, category
        ON CONFLICT (org_id, month, category) DO UPDATE SET activities = activities + excluded.activities, sessions = sessions + excluded.sessions, signups = signups + excluded.signups, minutes = minutes + excluded.minutes;
    INSERT INTO fig_region (region_code, month, category, activities, sessions, signups, minutes)
        SELECT region_code, month, category, 1 * SUM(0), 1 * SUM(0), 1 * SUM(1), 1 * SUM(0)
        FROM fig_src_signups WHERE activity_id = NEW.id GROUP BY region_code, month, category
        ON CONFLICT (region_code, month, category) DO UPDATE SET activities = activities + excluded.activities, sessions = sessions + excluded.sessions, signups = signups + excluded.signups, minutes = minutes + excluded.minutes;
    INSERT INTO fig_org (org_id, month, category, activities, sessions, signups, minutes)
        SELECT org_id, month, category, 1 * SUM(0), 1 * SUM(0), 1 * SUM(1), 1 * SUM(0)
        FROM fig_src_signups WHERE activity_id = NEW.id GROUP BY org_id, month, category
        ON CONFLICT (org_id, month, category) DO UPDATE SET activities = activities + excluded.activities, sessions = sessions + excluded.sessions, signups = signups + excluded.signups, minutes = minutes + excluded.minutes;
    INSERT INTO fig_region (region_code, month, category, activities, sessions, signups, minutes)
        SELECT region_code, month, category, 1 * SUM(0), 1 * SUM(0), 1 * SUM(0), 1 * SUM(minutes)
        FROM fig_src_hours WHERE activity_id = NEW.id GROUP BY region_code, month, category
        ON CONFLICT (region_code, month, category) DO UPDATE SET activities = activities + excluded.activities, sessions = sessions + excluded.sessions, signups = signups + excluded.signups, minutes = minutes + excluded.minutes;
    INSERT INTO fig_org (org_id, month, category, activities, sessions, signups, minutes)
        SELECT org_id, month, category, 1 * SUM(0), 1 * SUM(0), 1 * SUM(0), 1 * SUM(minutes)
        FROM fig_src_hours WHERE activity_id = NEW.id GROUP BY org_id, month, category
        ON CONFLICT (org_id, month, category) DO UPDATE SET activities = activities + excluded.activities, sessions = sessions + excluded.sessions, signups = signups + excluded.signups, minutes = minutes + excluded.minutes;
END;

CREATE TRIGGER fig_sessions_ins AFTER INSERT ON activity_sessions FOR EACH ROW
BEGIN
    INSERT INTO fig_region (region_code, month, category, activities, sessions, signups, minutes)
        SELECT region_code, month, category, 0, 1 * 1, 0, 0
        FROM fig_src_sessions WHERE id = NEW.id
        ON CONFLICT (region_code, month, category) DO UPDATE SET activities = activities + excluded.activities, sessions = sessions + excluded.sessions, signups = signups + excluded.signups, minutes = minutes + excluded.minutes;
    INSERT INTO fig_org (org_id, month, category, activities, sessions, signups, minutes)
        SELECT org_id, month, category, 0, 1 * 1, 0, 0
        FROM fig_src_sessions WHERE id = NEW.id
        ON CONFLICT (org_id, month, category) DO UPDATE SET activities = activities + excluded.activities, sessions = sessions + excluded.sessions, signups = signups + excluded.signups, minutes = minutes + excluded.minutes;
END;

CREATE TRIGGER fig_sessions_upd_old BEFORE UPDATE ON activity_sessions FOR EACH ROW
    WHEN OLD.status IS NOT NEW.status OR OLD.starts_at IS NOT NEW.starts_at OR OLD.activity_id IS NOT NEW.activity_id
BEGIN
    INSERT INTO fig_region (region_code, month, category, activities, sessions, signups, minutes)
        SELECT region_code, month, category, 0, -1 * 1, 0, 0
        FROM fig_src_sessions WHERE id = OLD.id
        ON CONFLICT (region_code, month, category) DO UPDATE SET activities = activities + excluded.activities, sessions = sessions + excluded.sessions, signups = signups + excluded.signups, minutes = minutes + excluded.minutes;
    INSERT INTO fig_org (org_id, month, category, activities, sessions, signups, minutes)
        SELECT org_id, month, category, 0, -1 * 1, 0, 0
        FROM fig_src_sessions WHERE id = OLD.id
        ON CONFLICT (org_id, month, category) DO UPDATE SET activities = activities + excluded.activities, sessions = sessions + excluded.sessions, signups = signups + excluded.signups, minutes = minutes + excluded.minutes;
END;

CREATE TRIGGER fig_sessions_upd_new AFTER UPDATE ON activity_sessions FOR EACH ROW
    WHEN OLD.status IS NOT NEW.status OR OLD.starts_at IS NOT NEW.starts_at OR OLD.activity_id IS NOT NEW.activity_id
BEGIN
    INSERT INTO fig_region (region_code, month, category, activities, sessions, signups, minutes)
        SELECT region_code, month, category, 0, 1 * 1, 0, 0
        FROM fig_src_sessions WHERE id = NEW.id
        ON CONFLICT (region_code, month, category) DO UPDATE SET activities = activities + excluded.activities, sessions = sessions + excluded.sessions, signups = signups + excluded.signups, minutes = minutes + excluded.minutes;
    INSERT INTO fig_org (org_id, month, category, activities, sessions, signups, minutes)
        SELECT org_id, month, category, 0, 1 * 1, 0, 0
        FROM fig_src_sessions WHERE id = NEW.id
        ON CONFLICT (org_id, month, category) DO UPDATE SET activities = activities + excluded.activities, sessions = sessions + excluded.sessions, signups = signups + excluded.signups, minutes = minutes + excluded.minutes;
END;

CREATE TRIGGER fig_sessions_del BEFORE DELETE ON activity_sessions FOR EACH ROW
BEGIN
    INSERT INTO fig_region (region_code, month, category, activities, sessions, signups, minutes)
        SELECT region_code, month, category, 0, -1 * 1, 0, 0
        FROM fig_src_sessions WHERE id = OLD.id
        ON CONFLICT (region_code, month, category) DO UPDATE SET activities = activities + excluded.activities, sessions = sessions + excluded.sessions, signups = signups + excluded.signups, minutes = minutes + excluded.minutes;
    INSERT INTO fig_org (org_id, month, category, activities, sessions, signups, minutes)
        SELECT org_id, month, category, 0, -1 * 1, 0, 0
        FROM fig_src_sessions WHERE id = OLD.id
        ON CONFLICT (org_id, month, category) DO UPDATE SET activities = activities + excluded.activities, sessions = sessions + excluded.sessions, signups = signups + excluded.signups, minutes = minutes + excluded.minutes;
END;

CREATE TRIGGER fig_signups_ins AFTER INSERT ON signups FOR EACH ROW
BEGIN
    INSERT INTO fig_region (region_code, month, category, activities, sessions, signups, minutes)
        SELECT region_code, month, category, 0, 0, 1 * 1, 0
        FROM fig_src_signups WHERE id = NEW.id
        ON CONFLICT (region_code, month, category) DO UPDATE SET activities = activities + excluded.activities, sessions = sessions + excluded.sessions, signups = signups + excluded.signups, minutes = minutes + excluded.minutes;
    INSERT INTO fig_org (org_id, month, category, activities, sessions, signups, minutes)
        SELECT org_id, month, category, 0, 0, 1 * 1, 0
        FROM fig_src_signups WHERE id = NEW.id
        ON CONFLICT (org_id, month, category) DO UPDATE SET activities = activities + excluded.activities, sessions = sessions + excluded.sessions, signups = signups + excluded.signups, minutes = minutes + excluded.minutes;
END;

CREATE TRIGGER fig_signups_del BEFORE DELETE ON signups FOR EACH ROW
BEGIN
    INSERT INTO fig_region (region_code, month, category, activities, sessions, signups, minutes)
        SELECT region_code, month, category, 0, 0, -1 * 1, 0
        FROM fig_src_signups WHERE id = OLD.id
        ON CONFLICT (region_code, month, category) DO UPDATE SET activities = activities + excluded.activities, sessions = sessions + excluded.sessions, signups = signups + excluded.signups, minutes = minutes + excluded.minutes;
    INSERT INTO fig_org (org_id, month, category, activities, sessions, signups, minutes)
        SELECT org_id, month, category, 0, 0, -1 * 1, 0
        FROM fig_src_signups WHERE id = OLD.id
        ON CONFLICT (org_id, month, category) DO UPDATE SET activities = activities + excluded.activities, sessions = sessions + excluded.sessions, signups = signups + excluded.signups, minutes = minutes + excluded.minutes;
END;

CREATE TRIGGER fig_hours_ins AFTER INSERT ON hour_confirmations FOR EACH ROW
BEGIN
    INSERT INTO fig_region (region_code, month, category, activities, sessions, signups, minutes)
        SELECT region_code, month, category, 0, 0, 0, 1 * minutes
        FROM fig_src_hours WHERE id = NEW.id
        ON CONFLICT (region_code, month, category) DO UPDATE SET activities = activities + excluded.activities, sessions = sessions + excluded.sessions, signups = signups + excluded.signups, minutes = minutes + excluded.minutes;
    INSERT INTO fig_org (org_id, month, category, activities, sessions, signups, minutes)
        SELECT org_id, month, category, 0, 0, 0, 1 * minutes
        FROM fig_src_hours WHERE id = NEW.id
        ON CONFLICT (org_id, month, category) DO UPDATE SET activities = activities + excluded.activities, sessions = sessions + excluded.sessions, signups = signups + excluded.signups, minutes = minutes + excluded.minutes;
    INSERT INTO fig_active (volunteer_id, month, minutes)
        SELECT e.volunteer_id, strftime('%Y-%m', e.recorded_at, '+8 hours'), e.minutes
        FROM hour_entries e WHERE e.id = NEW.entry_id
        ON CONFLICT (volunteer_id, month) DO UPDATE SET minutes = minutes + excluded.minutes;
END;

CREATE TRIGGER fig_active_on AFTER INSERT ON fig_active FOR EACH ROW
    WHEN NEW.minutes > 0
BEGIN
    INSERT INTO fig_active_span (region_code, month, prev_month, volunteers)
        SELECT v.region_code, NEW.month, COALESCE((SELECT MAX(p.month) FROM fig_active p WHERE p.volunteer_id = NEW.volunteer_id AND p.month < NEW.month AND p.minutes > 0), ''), 1
        FROM volunteers v WHERE v.id = NEW.volunteer_id
        ON CONFLICT (region_code, month, prev_month) DO UPDATE SET volunteers = volunteers + excluded.volunteers;
    INSERT INTO fig_active_span (region_code, month, prev_month, volunteers)
        SELECT v.region_code, n.month, COALESCE((SELECT MAX(p.month) FROM fig_active p WHERE p.volunteer_id = NEW.volunteer_id AND p.month < NEW.month AND p.minutes > 0), ''), -1
        FROM volunteers v, (SELECT MIN(n.month) AS month FROM fig_active n WHERE n.volunteer_id = NEW.volunteer_id AND n.month > NEW.month AND n.minutes > 0) n WHERE v.id = NEW.volunteer_id AND n.month IS NOT NULL
        ON CONFLICT (region_code, month, prev_month) DO UPDATE SET volunteers = volunteers + excluded.volunteers;
    INSERT INTO fig_active_span (region_code, month, prev_month, volunteers)
        SELECT v.region_code, n.month, NEW.month, 1
        FROM volunteers v, (SELECT MIN(n.month) AS month FROM fig_active n WHERE n.volunteer_id = NEW.volunteer_id AND n.month > NEW.month AND n.minutes > 0) n WHERE v.id = NEW.volunteer_id AND n.month IS NOT NULL
        ON CONFLICT (region_code, month, prev_month) DO UPDATE SET volunteers = volunteers + excluded.volunteers;
END;

CREATE TRIGGER fig_active_flip_on AFTER UPDATE ON fig_active FOR EACH ROW
    WHEN OLD.minutes <= 0 AND NEW.minutes > 0
BEGIN
    INSERT INTO fig_active_span (region_code, month, prev_month, volunteers)
        SELECT v.region_code, NEW.month, COALESCE((SELECT MAX(p.month) FROM fig_active p WHERE p.volunteer_id = NEW.volunteer_id AND p.month < NEW.month AND p.minutes > 0), ''), 1
        FROM volunteers v WHERE v.id = NEW.volunteer_id
        ON CONFLICT (region_code, month, prev_month) DO UPDATE SET volunteers = volunteers + excluded.volunteers;
    INSERT INTO fig_active_span (region_code, month, prev_month, volunteers)
        SELECT v.region_code, n.month, COALESCE((SELECT MAX(p.month) FROM fig_active p WHERE p.volunteer_id = NEW.volunteer_id AND p.month < NEW.month AND p.minutes > 0), ''), -1
        FROM volunteers v, (SELECT MIN(n.month) AS month FROM fig_active n WHERE n.volunteer_id = NEW.volunteer_id AND n.month > NEW.month AND n.minutes > 0) n WHERE v.id = NEW.volunteer_id AND n.month IS NOT NULL
        ON CONFLICT (region_code, month, prev_month) DO UPDATE SET volunteers = volunteers + excluded.volunteers;
    INSERT INTO fig_active_span (region_code, month, prev_month, volunteers)
        SELECT v.region_code, n.month, NEW.month, 1
        FROM volunteers v, (SELECT MIN(n.month) AS month FROM fig_active n WHERE n.volunteer_id = NEW.volunteer_id AND n.month > NEW.month AND n.minutes > 0) n WHERE v.id = NEW.volunteer_id AND n.month IS NOT NULL
        ON CONFLICT (region_code, month, prev_month) DO UPDATE SET volunteers = volunteers + excluded.volunteers;
END;

CREATE TRIGGER fig_active_flip_off AFTER UPDATE ON fig_active FOR EACH ROW
    WHEN OLD.minutes > 0 AND NEW.minutes <= 0
BEGIN
    INSERT INTO fig_active_span (region_code, month, prev_month, volunteers)
        SELECT v.region_code, NEW.month, COALESCE((SELECT MAX(p.month) FROM fig_active p WHERE p.volunteer_id = NEW.volunteer_id AND p.month < NEW.month AND p.minutes > 0), ''), -1
        FROM volunteers v WHERE v.id = NEW.volunteer_id
        ON CONFLICT (region_code, month, prev_month) DO UPDATE SET volunteers = volunteers + excluded.volunteers;
    INSERT INTO fig_active_span (region_code, month, prev_month, volunteers)
        SELECT v.region_code, n.month, COALESCE((SELECT MAX(p.month) FROM fig_active p WHERE p.volunteer_id = NEW.volunteer_id AND p.month < NEW.month AND p.minutes > 0), ''), 1
        FROM volunteers v, (SELECT MIN(n.month) AS month FROM fig_active n WHERE n.volunteer_id = NEW.volunteer_id AND n.month > NEW.month AND n.minutes > 0) n WHERE v.id = NEW.volunteer_id AND n.month IS NOT NULL
        ON CONFLICT (region_code, month, prev_month) DO UPDATE SET volunteers = volunteers + excluded.volunteers;
    INSERT INTO fig_active_span (region_code, month, prev_month, volunteers)
        SELECT v.region_code, n.month, NEW.month, -1
        FROM volunteers v, (SELECT MIN(n.month) AS month FROM fig_active n WHERE n.volunteer_id = NEW.volunteer_id AND n.month > NEW.month AND n.minutes > 0) n WHERE v.id = NEW.volunteer_id AND n.month IS NOT NULL
        ON CONFLICT (region_code, month, prev_month) DO UPDATE SET volunteers = volunteers + excluded.volunteers;
END;
