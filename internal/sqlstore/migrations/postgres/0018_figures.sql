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
    registered BIGINT NOT NULL DEFAULT 0,
    closed BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (region_code, month, sex, age_band, political_status)
);
CREATE TABLE fig_orgs (
    region_code TEXT NOT NULL,
    month TEXT NOT NULL,
    approved BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (region_code, month)
);
CREATE TABLE fig_region (
    region_code TEXT NOT NULL,
    month TEXT NOT NULL,
    category TEXT NOT NULL,
    activities BIGINT NOT NULL DEFAULT 0,
    sessions BIGINT NOT NULL DEFAULT 0,
    signups BIGINT NOT NULL DEFAULT 0,
    minutes BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (region_code, month, category)
);
CREATE TABLE fig_org (
    org_id INTEGER NOT NULL,
    month TEXT NOT NULL,
    category TEXT NOT NULL,
    activities BIGINT NOT NULL DEFAULT 0,
    sessions BIGINT NOT NULL DEFAULT 0,
    signups BIGINT NOT NULL DEFAULT 0,
    minutes BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (org_id, month, category)
);
CREATE TABLE fig_active (
    volunteer_id INTEGER NOT NULL,
    month TEXT NOT NULL,
    minutes BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (volunteer_id, month)
);
CREATE TABLE fig_active_span (
    region_code TEXT NOT NULL,
    month TEXT NOT NULL,
    prev_month TEXT NOT NULL,
    volunteers BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (region_code, month, prev_month)
);

-- What each base row contributes, with the keys it is counted under. The triggers, the
-- first fill below, `zhiyuan figures verify` and `figures rebuild` all read these views:
-- one definition of every figure.
CREATE VIEW fig_src_volunteers AS
SELECT v.id, v.region_code, v.sex, v.political_status,
    to_char(v.created_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM') AS reg_month,
    CASE WHEN v.status = 'closed' THEN to_char(COALESCE(v.closed_at, v.updated_at) AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM') END AS close_month,
    CASE WHEN v.age < 18 THEN '0-17' WHEN v.age < 36 THEN '18-35' WHEN v.age < 60 THEN '36-59' ELSE '60+' END AS age_band
FROM (SELECT v.id, v.region_code, v.sex, v.political_status, v.created_at, v.closed_at, v.updated_at, v.status,
    EXTRACT(YEAR FROM v.created_at AT TIME ZONE 'Asia/Shanghai')::int - EXTRACT(YEAR FROM v.birth_date)::int
        - CASE WHEN to_char(v.created_at AT TIME ZONE 'Asia/Shanghai', 'MM-DD') < to_char(v.birth_date, 'MM-DD') THEN 1 ELSE 0 END AS age FROM volunteers v) v;

CREATE VIEW fig_src_orgs AS
SELECT o.id, o.region_code, to_char(COALESCE(o.decided_at, o.created_at) AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM') AS month
FROM organizations o WHERE o.status = 'approved';

CREATE VIEW fig_src_activities AS
SELECT a.id, a.org_id, a.region_code, a.category, to_char(a.published_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM') AS month
FROM activities a WHERE a.status IN ('published', 'closed') AND a.published_at IS NOT NULL;

CREATE VIEW fig_src_sessions AS
SELECT s.id, s.activity_id, a.org_id, a.region_code, a.category, to_char(s.starts_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM') AS month
FROM activity_sessions s JOIN activities a ON a.id = s.activity_id WHERE s.status IN ('open', 'closed');

CREATE VIEW fig_src_signups AS
SELECT g.id, g.activity_id, a.org_id, a.region_code, a.category, to_char(g.created_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM') AS month
FROM signups g JOIN activities a ON a.id = g.activity_id;

CREATE VIEW fig_src_hours AS
SELECT c.id, e.volunteer_id, s.activity_id, COALESCE(a.org_id, e.org_id) AS org_id,
    COALESCE(a.region_code, o.region_code) AS region_code, COALESCE(a.category, '') AS category,
    to_char(e.recorded_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM') AS month, e.minutes
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
CREATE FUNCTION fig_volunteers_ins() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO fig_volunteers (region_code, month, sex, age_band, political_status, registered, closed)
        SELECT region_code, reg_month, sex, age_band, political_status, 1, 0
        FROM fig_src_volunteers WHERE id = NEW.id
        ON CONFLICT (region_code, month, sex, age_band, political_status) DO UPDATE SET registered = fig_volunteers.registered + EXCLUDED.registered, closed = fig_volunteers.closed + EXCLUDED.closed;
    INSERT INTO fig_volunteers (region_code, month, sex, age_band, political_status, registered, closed)
        SELECT region_code, close_month, sex, age_band, political_status, 0, 1
        FROM fig_src_volunteers WHERE id = NEW.id AND close_month IS NOT NULL
        ON CONFLICT (region_code, month, sex, age_band, political_status) DO UPDATE SET registered = fig_volunteers.registered + EXCLUDED.registered, closed = fig_volunteers.closed + EXCLUDED.closed;
    RETURN NULL;
END;
$$;

CREATE TRIGGER fig_volunteers_ins AFTER INSERT ON volunteers FOR EACH ROW
    EXECUTE FUNCTION fig_volunteers_ins();

CREATE FUNCTION fig_volunteers_upd_old() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO fig_volunteers (region_code, month, sex, age_band, political_status, registered, closed)
        SELECT region_code, reg_month, sex, age_band, political_status, -1, 0
        FROM fig_src_volunteers WHERE id = OLD.id
        ON CONFLICT (region_code, month, sex, age_band, political_status) DO UPDATE SET registered = fig_volunteers.registered + EXCLUDED.registered, closed = fig_volunteers.closed + EXCLUDED.closed;
    INSERT INTO fig_volunteers (region_code, month, sex, age_band, political_status, registered, closed)
        SELECT region_code, close_month, sex, age_band, political_status, 0, -1
        FROM fig_src_volunteers WHERE id = OLD.id AND close_month IS NOT NULL
        ON CONFLICT (region_code, month, sex, age_band, political_status) DO UPDATE SET registered = fig_volunteers.registered + EXCLUDED.registered, closed = fig_volunteers.closed + EXCLUDED.closed;
    RETURN NEW;
END;
$$;

CREATE TRIGGER fig_volunteers_upd_old BEFORE UPDATE ON volunteers FOR EACH ROW
    WHEN (OLD.region_code IS DISTINCT FROM NEW.region_code OR OLD.sex IS DISTINCT FROM NEW.sex OR OLD.birth_date IS DISTINCT FROM NEW.birth_date OR OLD.political_status IS DISTINCT FROM NEW.political_status OR OLD.status IS DISTINCT FROM NEW.status OR OLD.closed_at IS DISTINCT FROM NEW.closed_at OR OLD.created_at IS DISTINCT FROM NEW.created_at)
    EXECUTE FUNCTION fig_volunteers_upd_old();

CREATE FUNCTION fig_volunteers_upd_new() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO fig_volunteers (region_code, month, sex, age_band, political_status, registered, closed)
        SELECT region_code, reg_month, sex, age_band, political_status, 1, 0
        FROM fig_src_volunteers WHERE id = NEW.id
        ON CONFLICT (region_code, month, sex, age_band, political_status) DO UPDATE SET registered = fig_volunteers.registered + EXCLUDED.registered, closed = fig_volunteers.closed + EXCLUDED.closed;
    INSERT INTO fig_volunteers (region_code, month, sex, age_band, political_status, registered, closed)
        SELECT region_code, close_month, sex, age_band, political_status, 0, 1
        FROM fig_src_volunteers WHERE id = NEW.id AND close_month IS NOT NULL
        ON CONFLICT (region_code, month, sex, age_band, political_status) DO UPDATE SET registered = fig_volunteers.registered + EXCLUDED.registered, closed = fig_volunteers.closed + EXCLUDED.closed;
    RETURN NULL;
END;
$$;

CREATE TRIGGER fig_volunteers_upd_new AFTER UPDATE ON volunteers FOR EACH ROW
    WHEN (OLD.region_code IS DISTINCT FROM NEW.region_code OR OLD.sex IS DISTINCT FROM NEW.sex OR OLD.birth_date IS DISTINCT FROM NEW.birth_date OR OLD.political_status IS DISTINCT FROM NEW.political_status OR OLD.status IS DISTINCT FROM NEW.status OR OLD.closed_at IS DISTINCT FROM NEW.closed_at OR OLD.created_at IS DISTINCT FROM NEW.created_at)
    EXECUTE FUNCTION fig_volunteers_upd_new();

CREATE FUNCTION fig_volunteers_del() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO fig_volunteers (region_code, month, sex, age_band, political_status, registered, closed)
        SELECT region_code, reg_month, sex, age_band, political_status, -1, 0
        FROM fig_src_volunteers WHERE id = OLD.id
        ON CONFLICT (region_code, month, sex, age_band, political_status) DO UPDATE SET registered = fig_volunteers.registered + EXCLUDED.registered, closed = fig_volunteers.closed + EXCLUDED.closed;
    INSERT INTO fig_volunteers (region_code, month, sex, age_band, political_status, registered, closed)
        SELECT region_code, close_month, sex, age_band, political_status, 0, -1
        FROM fig_src_volunteers WHERE id = OLD.id AND close_month IS NOT NULL
        ON CONFLICT (region_code, month, sex, age_band, political_status) DO UPDATE SET registered = fig_volunteers.registered + EXCLUDED.registered, closed = fig_volunteers.closed + EXCLUDED.closed;
    RETURN OLD;
END;
$$;

CREATE TRIGGER fig_volunteers_del BEFORE DELETE ON volunteers FOR EACH ROW
    EXECUTE FUNCTION fig_volunteers_del();

CREATE FUNCTION fig_volunteers_move() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM volunteer_hour_totals WHERE volunteer_id = NEW.id FOR UPDATE;
    INSERT INTO fig_active_span (region_code, month, prev_month, volunteers)
        SELECT OLD.region_code, x.month, x.prev_month, -1
        FROM (SELECT month, COALESCE(LAG(month) OVER (ORDER BY month), '') AS prev_month FROM fig_active WHERE volunteer_id = NEW.id AND minutes > 0) x WHERE true
        ON CONFLICT (region_code, month, prev_month) DO UPDATE SET volunteers = fig_active_span.volunteers + EXCLUDED.volunteers;
    INSERT INTO fig_active_span (region_code, month, prev_month, volunteers)
        SELECT NEW.region_code, x.month, x.prev_month, 1
        FROM (SELECT month, COALESCE(LAG(month) OVER (ORDER BY month), '') AS prev_month FROM fig_active WHERE volunteer_id = NEW.id AND minutes > 0) x WHERE true
        ON CONFLICT (region_code, month, prev_month) DO UPDATE SET volunteers = fig_active_span.volunteers + EXCLUDED.volunteers;
    RETURN NULL;
END;
$$;

CREATE TRIGGER fig_volunteers_move AFTER UPDATE ON volunteers FOR EACH ROW
    WHEN (OLD.region_code IS DISTINCT FROM NEW.region_code)
    EXECUTE FUNCTION fig_volunteers_move();

CREATE FUNCTION fig_orgs_ins() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO fig_orgs (region_code, month, approved)
        SELECT region_code, month, 1
        FROM fig_src_orgs WHERE id = NEW.id
        ON CONFLICT (region_code, month) DO UPDATE SET approved = fig_orgs.approved + EXCLUDED.approved;
    RETURN NULL;
END;
$$;

CREATE TRIGGER fig_orgs_ins AFTER INSERT ON organizations FOR EACH ROW
    EXECUTE FUNCTION fig_orgs_ins();

CREATE FUNCTION fig_orgs_upd_old() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO fig_orgs (region_code, month, approved)
        SELECT region_code, month, -1
        FROM fig_src_orgs WHERE id = OLD.id
        ON CONFLICT (region_code, month) DO UPDATE SET approved = fig_orgs.approved + EXCLUDED.approved;
    RETURN NEW;
END;
$$;

CREATE TRIGGER fig_orgs_upd_old BEFORE UPDATE ON organizations FOR EACH ROW
    WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.decided_at IS DISTINCT FROM NEW.decided_at OR OLD.created_at IS DISTINCT FROM NEW.created_at OR OLD.region_code IS DISTINCT FROM NEW.region_code)
    EXECUTE FUNCTION fig_orgs_upd_old();

CREATE FUNCTION fig_orgs_upd_new() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO fig_orgs (region_code, month, approved)
        SELECT region_code, month, 1
        FROM fig_src_orgs WHERE id = NEW.id
        ON CONFLICT (region_code, month) DO UPDATE SET approved = fig_orgs.approved + EXCLUDED.approved;
    RETURN NULL;
END;
$$;

CREATE TRIGGER fig_orgs_upd_new AFTER UPDATE ON organizations FOR EACH ROW
    WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.decided_at IS DISTINCT FROM NEW.decided_at OR OLD.created_at IS DISTINCT FROM NEW.created_at OR OLD.region_code IS DISTINCT FROM NEW.region_code)
    EXECUTE FUNCTION fig_orgs_upd_new();

CREATE FUNCTION fig_orgs_region_old() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO fig_region (region_code, month, category, activities, sessions, signups, minutes)
        SELECT region_code, month, category, -1 * SUM(0), -1 * SUM(0), -1 * SUM(0), -1 * SUM(minutes)
        FROM fig_src_hours WHERE org_id = OLD.id AND activity_id IS NULL GROUP BY region_code, month, category
        ON CONFLICT (region_code, month, category) DO UPDATE SET activities = fig_region.activities + EXCLUDED.activities, sessions = fig_region.sessions + EXCLUDED.sessions, signups = fig_region.signups + EXCLUDED.signups, minutes = fig_region.minutes + EXCLUDED.minutes;
    INSERT INTO fig_org (org_id, month, category, activities, sessions, signups, minutes)
        SELECT org_id, month, category, -1 * SUM(0), -1 * SUM(0), -1 * SUM(0), -1 * SUM(minutes)
        FROM fig_src_hours WHERE org_id = OLD.id AND activity_id IS NULL GROUP BY org_id, month, category
        ON CONFLICT (org_id, month, category) DO UPDATE SET activities = fig_org.activities + EXCLUDED.activities, sessions = fig_org.sessions + EXCLUDED.sessions, signups = fig_org.signups + EXCLUDED.signups, minutes = fig_org.minutes + EXCLUDED.minutes;
    RETURN NEW;
END;
$$;

CREATE TRIGGER fig_orgs_region_old BEFORE UPDATE ON organizations FOR EACH ROW
    WHEN (OLD.region_code IS DISTINCT FROM NEW.region_code)
    EXECUTE FUNCTION fig_orgs_region_old();

CREATE FUNCTION fig_orgs_region_new() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO fig_region (region_code, month, category, activities, sessions, signups, minutes)
        SELECT region_code, month, category, 1 * SUM(0), 1 * SUM(0), 1 * SUM(0), 1 * SUM(minutes)
        FROM fig_src_hours WHERE org_id = NEW.id AND activity_id IS NULL GROUP BY region_code, month, category
        ON CONFLICT (region_code, month, category) DO UPDATE SET activities = fig_region.activities + EXCLUDED.activities, sessions = fig_region.sessions + EXCLUDED.sessions, signups = fig_region.signups + EXCLUDED.signups, minutes = fig_region.minutes + EXCLUDED.minutes;
    INSERT INTO fig_org (org_id, month, category, activities, sessions, signups, minutes)
        SELECT org_id, month, category, 1 * SUM(0), 1 * SUM(0), 1 * SUM(0), 1 * SUM(minutes)
        FROM fig_src_hours WHERE org_id = NEW.id AND activity_id IS NULL GROUP BY org_id, month, category
        ON CONFLICT (org_id, month, category) DO UPDATE SET activities = fig_org.activities + EXCLUDED.activities, sessions = fig_org.sessions + EXCLUDED.sessions, signups = fig_org.signups + EXCLUDED.signups, minutes = fig_org.minutes + EXCLUDED.minutes;
    RETURN NULL;
END;
$$;

CREATE TRIGGER fig_orgs_region_new AFTER UPDATE ON organizations FOR EACH ROW
    WHEN (OLD.region_code IS DISTINCT FROM NEW.region_code)
    EXECUTE FUNCTION fig_orgs_region_new();

CREATE FUNCTION fig_activities_ins() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO fig_region (region_code, month, category, activities, sessions, signups, minutes)
        SELECT region_code, month, category, 1 * 1, 0, 0, 0
        FROM fig_src_activities WHERE id = NEW.id
        ON CONFLICT (region_code, month, category) DO UPDATE SET activities = fig_region.activities + EXCLUDED.activities, sessions = fig_region.sessions + EXCLUDED.sessions, signups = fig_region.signups + EXCLUDED.signups, minutes = fig_region.minutes + EXCLUDED.minutes;
    INSERT INTO fig_org (org_id, month, category, activities, sessions, signups, minutes)
        SELECT org_id, month, category, 1 * 1, 0, 0, 0
        FROM fig_src_activities WHERE id = NEW.id
        ON CONFLICT (org_id, month, category) DO UPDATE SET activities = fig_org.activities + EXCLUDED.activities, sessions = fig_org.sessions + EXCLUDED.sessions, signups = fig_org.signups + EXCLUDED.signups, minutes = fig_org.minutes + EXCLUDED.minutes;
    RETURN NULL;
END;
$$;

CREATE TRIGGER fig_activities_ins AFTER INSERT ON activities FOR EACH ROW
    EXECUTE FUNCTION fig_activities_ins();

CREATE FUNCTION fig_activities_upd_old() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO fig_region (region_code, month, category, activities, sessions, signups, minutes)
        SELECT region_code, month, category, -1 * 1, 0, 0, 0
        FROM fig_src_activities WHERE id = OLD.id
        ON CONFLICT (region_code, month, category) DO UPDATE SET activities = fig_region.activities + EXCLUDED.activities, sessions = fig_region.sessions + EXCLUDED.sessions, signups = fig_region.signups + EXCLUDED.signups, minutes = fig_region.minutes + EXCLUDED.minutes;
    INSERT INTO fig_org (org_id, month, category, activities, sessions, signups, minutes)
        SELECT org_id, month, category, -1 * 1, 0, 0, 0
        FROM fig_src_activities WHERE id = OLD.id
        ON CONFLICT (org_id, month, category) DO UPDATE SET activities = fig_org.activities + EXCLUDED.activities, sessions = fig_org.sessions + EXCLUDED.sessions, signups = fig_org.signups + EXCLUDED.signups, minutes = fig_org.minutes + EXCLUDED.minutes;
    RETURN NEW;
END;
$$;

CREATE TRIGGER fig_activities_upd_old BEFORE UPDATE ON activities FOR EACH ROW
    WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.published_at IS DISTINCT FROM NEW.published_at OR OLD.region_code IS DISTINCT FROM NEW.region_code OR OLD.category IS DISTINCT FROM NEW.category OR OLD.org_id IS DISTINCT FROM NEW.org_id)
    EXECUTE FUNCTION fig_activities_upd_old();

CREATE FUNCTION fig_activities_upd_new() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO fig_region (region_code, month, category, activities, sessions, signups, minutes)
        SELECT region_code, month, category, 1 * 1, 0, 0, 0
        FROM fig_src_activities WHERE id = NEW.id
        ON CONFLICT (region_code, month, category) DO UPDATE SET activities = fig_region.activities + EXCLUDED.activities, sessions = fig_region.sessions + EXCLUDED.sessions, signups = fig_region.signups + EXCLUDED.signups, minutes = fig_region.minutes + EXCLUDED.minutes;
    INSERT INTO fig_org (org_id, month, category, activities, sessions, signups, minutes)
        SELECT org_id, month, category, 1 * 1, 0, 0, 0
        FROM fig_src_activities WHERE id = NEW.id
        ON CONFLICT (org_id, month, category) DO UPDATE SET activities = fig_org.activities + EXCLUDED.activities, sessions = fig_org.sessions + EXCLUDED.sessions, signups = fig_org.signups + EXCLUDED.signups, minutes = fig_org.minutes + EXCLUDED.minutes;
    RETURN NULL;
END;
$$;

CREATE TRIGGER fig_activities_upd_new AFTER UPDATE ON activities FOR EACH ROW
    WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.published_at IS DISTINCT FROM NEW.published_at OR OLD.region_code IS DISTINCT FROM NEW.region_code OR OLD.category IS DISTINCT FROM NEW.category OR OLD.org_id IS DISTINCT FROM NEW.org_id)
    EXECUTE FUNCTION fig_activities_upd_new();

CREATE FUNCTION fig_activities_key_old() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO fig_region (region_code, month, category, activities, sessions, signups, minutes)
        SELECT region_code, month, category, -1 * SUM(0), -1 * SUM(1), -1 * SUM(0), -1 * SUM(0)
        FROM fig_src_sessions WHERE activity_id = OLD.id GROUP BY region_code, month, category
        ON CONFLICT (region_code, month, category) DO UPDATE SET activities = fig_region.activities + EXCLUDED.activities, sessions = fig_region.sessions + EXCLUDED.sessions, signups = fig_region.signups + EXCLUDED.signups, minutes = fig_region.minutes + EXCLUDED.minutes;
    INSERT INTO fig_org (org_id, month, category, activities, sessions, signups, minutes)
        SELECT org_id, month, category, -1 * SUM(0), -1 * SUM(1), -1 * SUM(0), -1 * SUM(0)
        FROM fig_src_sessions WHERE activity_id = OLD.id GROUP BY org_id, month, category
        ON CONFLICT (org_id, month, category) DO UPDATE SET activities = fig_org.activities + EXCLUDED.activities, sessions = fig_org.sessions + EXCLUDED.sessions, signups = fig_org.signups + EXCLUDED.signups, minutes = fig_org.minutes + EXCLUDED.minutes;
    INSERT INTO fig_region (region_code, month, category, activities, sessions, signups, minutes)
        SELECT region_code, month, category, -1 * SUM(0), -1 * SUM(0), -1 * SUM(1), -1 * SUM(0)
        FROM fig_src_signups WHERE activity_id = OLD.id GROUP BY region_code, month, category
        ON CONFLICT (region_code, month, category) DO UPDATE SET activities = fig_region.activities + EXCLUDED.activities, sessions = fig_region.sessions + EXCLUDED.sessions, signups = fig_region.signups + EXCLUDED.signups, minutes = fig_region.minutes + EXCLUDED.minutes;
    INSERT INTO fig_org (org_id, month, category, activities, sessions, signups, minutes)
        SELECT org_id, month, category, -1 * SUM(0), -1 * SUM(0), -1 * SUM(1), -1 * SUM(0)
        FROM fig_src_signups WHERE activity_id = OLD.id GROUP BY org_id, month, category
        ON CONFLICT (org_id, month, category) DO UPDATE SET activities = fig_org.activities + EXCLUDED.activities, sessions = fig_org.sessions + EXCLUDED.sessions, signups = fig_org.signups + EXCLUDED.signups, minutes = fig_org.minutes + EXCLUDED.minutes;
    INSERT INTO fig_region (region_code, month, category, activities, sessions, signups, minutes)
        SELECT region_code, month, category, -1 * SUM(0), -1 * SUM(0), -1 * SUM(0), -1 * SUM(minutes)
        FROM fig_src_hours WHERE activity_id = OLD.id GROUP BY region_code, month, category
        ON CONFLICT (region_code, month, category) DO UPDATE SET activities = fig_region.activities + EXCLUDED.activities, sessions = fig_region.sessions + EXCLUDED.sessions, signups = fig_region.signups + EXCLUDED.signups, minutes = fig_region.minutes + EXCLUDED.minutes;
    INSERT INTO fig_org (org_id, month, category, activities, sessions, signups, minutes)
        SELECT org_id, month, category, -1 * SUM(0), -1 * SUM(0), -1 * SUM(0), -1 * SUM(minutes)
        FROM fig_src_hours WHERE activity_id = OLD.id GROUP BY org_id, month, category
        ON CONFLICT (org_id, month, category) DO UPDATE SET activities = fig_org.activities + EXCLUDED.activities, sessions = fig_org.sessions + EXCLUDED.sessions, signups = fig_org.signups + EXCLUDED.signups, minutes = fig_org.minutes + EXCLUDED.minutes;
    RETURN NEW;
END;
$$;

CREATE TRIGGER fig_activities_key_old BEFORE UPDATE ON activities FOR EACH ROW
    WHEN (OLD.region_code IS DISTINCT FROM NEW.region_code OR OLD.category IS DISTINCT FROM NEW.category OR OLD.org_id IS DISTINCT FROM NEW.org_id)
    EXECUTE FUNCTION fig_activities_key_old();

CREATE FUNCTION fig_activities_key_new() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO fig_region (region_code, month, category, activities, sessions, signups, minutes)
        SELECT region_code, month, category, 1 * SUM(0), 1 * SUM(1), 1 * SUM(0), 1 * SUM(0)
        FROM fig_src_sessions WHERE activity_id = NEW.id GROUP BY region_code, month, category
        ON CONFLICT (region_code, month, category) DO UPDATE SET activities = fig_region.activities + EXCLUDED.activities, sessions = fig_region.sessions + EXCLUDED.sessions, signups = fig_region.signups + EXCLUDED.signups, minutes = fig_region.minutes + EXCLUDED.minutes;
    INSERT INTO fig_org (org_id, month, category, activities, sessions, signups, minutes)
        SELECT org_id, month, category, 1 * SUM(0), 1 * SUM(1), 1 * SUM(0), 1 * SUM(0)
        FROM fig_src_sessions WHERE activity_id = NEW.id GROUP BY org_id, month, category
        ON CONFLICT (org_id, month, category) DO UPDATE SET activities = fig_org.activities + EXCLUDED.activities, sessions = fig_org.sessions + EXCLUDED.sessions, signups = fig_org.signups + EXCLUDED.signups, minutes = fig_org.minutes + EXCLUDED.minutes;
    INSERT INTO fig_region (region_code, month, category, activities, sessions, signups, minutes)
        SELECT region_code, month, category, 1 * SUM(0), 1 * SUM(0), 1 * SUM(1), 1 * SUM(0)
        FROM fig_src_signups WHERE activity_id = NEW.id GROUP BY region_code, month, category
        ON CONFLICT (region_code, month, category) DO UPDATE SET activities = fig_region.activities + EXCLUDED.activities, sessions = fig_region.sessions + EXCLUDED.sessions, signups = fig_region.signups + EXCLUDED.signups, minutes = fig_region.minutes + EXCLUDED.minutes;
    INSERT INTO fig_org (org_id, month, category, activities, sessions, signups, minutes)
        SELECT org_id, month, category, 1 * SUM(0), 1 * SUM(0), 1 * SUM(1), 1 * SUM(0)
        FROM fig_src_signups WHERE activity_id = NEW.id GROUP BY org_id, month, category
        ON CONFLICT (org_id, month, category) DO UPDATE SET activities = fig_org.activities + EXCLUDED.activities, sessions = fig_org.sessions + EXCLUDED.sessions, signups = fig_org.signups + EXCLUDED.signups, minutes = fig_org.minutes + EXCLUDED.minutes;
    INSERT INTO fig_region (region_code, month, category, activities, sessions, signups, minutes)
        SELECT region_code, month, category, 1 * SUM(0), 1 * SUM(0), 1 * SUM(0), 1 * SUM(minutes)
        FROM fig_src_hours WHERE activity_id = NEW.id GROUP BY region_code, month, category
        ON CONFLICT (region_code, month, category) DO UPDATE SET activities = fig_region.activities + EXCLUDED.activities, sessions = fig_region.sessions + EXCLUDED.sessions, signups = fig_region.signups + EXCLUDED.signups, minutes = fig_region.minutes + EXCLUDED.minutes;
    INSERT INTO fig_org (org_id, month, category, activities, sessions, signups, minutes)
        SELECT org_id, month, category, 1 * SUM(0), 1 * SUM(0), 1 * SUM(0), 1 * SUM(minutes)
        FROM fig_src_hours WHERE activity_id = NEW.id GROUP BY org_id, month, category
        ON CONFLICT (org_id, month, category) DO UPDATE SET activities = fig_org.activities + EXCLUDED.activities, sessions = fig_org.sessions + EXCLUDED.sessions, signups = fig_org.signups + EXCLUDED.signups, minutes = fig_org.minutes + EXCLUDED.minutes;
    RETURN NULL;
END;
$$;

CREATE TRIGGER fig_activities_key_new AFTER UPDATE ON activities FOR EACH ROW
    WHEN (OLD.region_code IS DISTINCT FROM NEW.region_code OR OLD.category IS DISTINCT FROM NEW.category OR OLD.org_id IS DISTINCT FROM NEW.org_id)
    EXECUTE FUNCTION fig_activities_key_new();

CREATE FUNCTION fig_sessions_ins() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO fig_region (region_code, month, category, activities, sessions, signups, minutes)
        SELECT region_code, month, category, 0, 1 * 1, 0, 0
        FROM fig_src_sessions WHERE id = NEW.id
        ON CONFLICT (region_code, month, category) DO UPDATE SET activities = fig_region.activities + EXCLUDED.activities, sessions = fig_region.sessions + EXCLUDED.sessions, signups = fig_region.signups + EXCLUDED.signups, minutes = fig_region.minutes + EXCLUDED.minutes;
    INSERT INTO fig_org (org_id, month, category, activities, sessions, signups, minutes)
        SELECT org_id, month, category, 0, 1 * 1, 0, 0
        FROM fig_src_sessions WHERE id = NEW.id
        ON CONFLICT (org_id, month, category) DO UPDATE SET activities = fig_org.activities + EXCLUDED.activities, sessions = fig_org.sessions + EXCLUDED.sessions, signups = fig_org.signups + EXCLUDED.signups, minutes = fig_org.minutes + EXCLUDED.minutes;
    RETURN NULL;
END;
$$;

CREATE TRIGGER fig_sessions_ins AFTER INSERT ON activity_sessions FOR EACH ROW
    EXECUTE FUNCTION fig_sessions_ins();

CREATE FUNCTION fig_sessions_upd_old() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO fig_region (region_code, month, category, activities, sessions, signups, minutes)
        SELECT region_code, month, category, 0, -1 * 1, 0, 0
        FROM fig_src_sessions WHERE id = OLD.id
        ON CONFLICT (region_code, month, category) DO UPDATE SET activities = fig_region.activities + EXCLUDED.activities, sessions = fig_region.sessions + EXCLUDED.sessions, signups = fig_region.signups + EXCLUDED.signups, minutes = fig_region.minutes + EXCLUDED.minutes;
    INSERT INTO fig_org (org_id, month, category, activities, sessions, signups, minutes)
        SELECT org_id, month, category, 0, -1 * 1, 0, 0
        FROM fig_src_sessions WHERE id = OLD.id
        ON CONFLICT (org_id, month, category) DO UPDATE SET activities = fig_org.activities + EXCLUDED.activities, sessions = fig_org.sessions + EXCLUDED.sessions, signups = fig_org.signups + EXCLUDED.signups, minutes = fig_org.minutes + EXCLUDED.minutes;
    RETURN NEW;
END;
$$;

CREATE TRIGGER fig_sessions_upd_old BEFORE UPDATE ON activity_sessions FOR EACH ROW
    WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.starts_at IS DISTINCT FROM NEW.starts_at OR OLD.activity_id IS DISTINCT FROM NEW.activity_id)
    EXECUTE FUNCTION fig_sessions_upd_old();

CREATE FUNCTION fig_sessions_upd_new() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO fig_region (region_code, month, category, activities, sessions, signups, minutes)
        SELECT region_code, month, category, 0, 1 * 1, 0, 0
        FROM fig_src_sessions WHERE id = NEW.id
        ON CONFLICT (region_code, month, category) DO UPDATE SET activities = fig_region.activities + EXCLUDED.activities, sessions = fig_region.sessions + EXCLUDED.sessions, signups = fig_region.signups + EXCLUDED.signups, minutes = fig_region.minutes + EXCLUDED.minutes;
    INSERT INTO fig_org (org_id, month, category, activities, sessions, signups, minutes)
        SELECT org_id, month, category, 0, 1 * 1, 0, 0
        FROM fig_src_sessions WHERE id = NEW.id
        ON CONFLICT (org_id, month, category) DO UPDATE SET activities = fig_org.activities + EXCLUDED.activities, sessions = fig_org.sessions + EXCLUDED.sessions, signups = fig_org.signups + EXCLUDED.signups, minutes = fig_org.minutes + EXCLUDED.minutes;
    RETURN NULL;
END;
$$;

CREATE TRIGGER fig_sessions_upd_new AFTER UPDATE ON activity_sessions FOR EACH ROW
    WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.starts_at IS DISTINCT FROM NEW.starts_at OR OLD.activity_id IS DISTINCT FROM NEW.activity_id)
    EXECUTE FUNCTION fig_sessions_upd_new();

CREATE FUNCTION fig_sessions_del() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO fig_region (region_code, month, category, activities, sessions, signups, minutes)
        SELECT region_code, month, category, 0, -1 * 1, 0, 0
        FROM fig_src_sessions WHERE id = OLD.id
        ON CONFLICT (region_code, month, category) DO UPDATE SET activities = fig_region.activities + EXCLUDED.activities, sessions = fig_region.sessions + EXCLUDED.sessions, signups = fig_region.signups + EXCLUDED.signups, minutes = fig_region.minutes + EXCLUDED.minutes;
    INSERT INTO fig_org (org_id, month, category, activities, sessions, signups, minutes)
        SELECT org_id, month, category, 0, -1 * 1, 0, 0
        FROM fig_src_sessions WHERE id = OLD.id
        ON CONFLICT (org_id, month, category) DO UPDATE SET activities = fig_org.activities + EXCLUDED.activities, sessions = fig_org.sessions + EXCLUDED.sessions, signups = fig_org.signups + EXCLUDED.signups, minutes = fig_org.minutes + EXCLUDED.minutes;
    RETURN OLD;
END;
$$;

CREATE TRIGGER fig_sessions_del BEFORE DELETE ON activity_sessions FOR EACH ROW
    EXECUTE FUNCTION fig_sessions_del();

CREATE FUNCTION fig_signups_ins() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO fig_region (region_code, month, category, activities, sessions, signups, minutes)
        SELECT region_code, month, category, 0, 0, 1 * 1, 0
        FROM fig_src_signups WHERE id = NEW.id
        ON CONFLICT (region_code, month, category) DO UPDATE SET activities = fig_region.activities + EXCLUDED.activities, sessions = fig_region.sessions + EXCLUDED.sessions, signups = fig_region.signups + EXCLUDED.signups, minutes = fig_region.minutes + EXCLUDED.minutes;
    INSERT INTO fig_org (org_id, month, category, activities, sessions, signups, minutes)
        SELECT org_id, month, category, 0, 0, 1 * 1, 0
        FROM fig_src_signups WHERE id = NEW.id
        ON CONFLICT (org_id, month, category) DO UPDATE SET activities = fig_org.activities + EXCLUDED.activities, sessions = fig_org.sessions + EXCLUDED.sessions, signups = fig_org.signups + EXCLUDED.signups, minutes = fig_org.minutes + EXCLUDED.minutes;
    RETURN NULL;
END;
$$;

CREATE TRIGGER fig_signups_ins AFTER INSERT ON signups FOR EACH ROW
    EXECUTE FUNCTION fig_signups_ins();

CREATE FUNCTION fig_signups_del() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO fig_region (region_code, month, category, activities, sessions, signups, minutes)
        SELECT region_code, month, category, 0, 0, -1 * 1, 0
        FROM fig_src_signups WHERE id = OLD.id
        ON CONFLICT (region_code, month, category) DO UPDATE SET activities = fig_region.activities + EXCLUDED.activities, sessions = fig_region.sessions + EXCLUDED.sessions, signups = fig_region.signups + EXCLUDED.signups, minutes = fig_region.minutes + EXCLUDED.minutes;
    INSERT INTO fig_org (org_id, month, category, activities, sessions, signups, minutes)
        SELECT org_id, month, category, 0, 0, -1 * 1, 0
        FROM fig_src_signups WHERE id = OLD.id
        ON CONFLICT (org_id, month, category) DO UPDATE SET activities = fig_org.activities + EXCLUDED.activities, sessions = fig_org.sessions + EXCLUDED.sessions, signups = fig_org.signups + EXCLUDED.signups, minutes = fig_org.minutes + EXCLUDED.minutes;
    RETURN OLD;
END;
$$;

CREATE TRIGGER fig_signups_del BEFORE DELETE ON signups FOR EACH ROW
    EXECUTE FUNCTION fig_signups_del();

CREATE FUNCTION fig_hours_ins() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM volunteer_hour_totals WHERE volunteer_id = NEW.volunteer_id FOR UPDATE;
    INSERT INTO fig_region (region_code, month, category, activities, sessions, signups, minutes)
        SELECT region_code, month, category, 0, 0, 0, 1 * minutes
        FROM fig_src_hours WHERE id = NEW.id
        ON CONFLICT (region_code, month, category) DO UPDATE SET activities = fig_region.activities + EXCLUDED.activities, sessions = fig_region.sessions + EXCLUDED.sessions, signups = fig_region.signups + EXCLUDED.signups, minutes = fig_region.minutes + EXCLUDED.minutes;
    INSERT INTO fig_org (org_id, month, category, activities, sessions, signups, minutes)
        SELECT org_id, month, category, 0, 0, 0, 1 * minutes
        FROM fig_src_hours WHERE id = NEW.id
        ON CONFLICT (org_id, month, category) DO UPDATE SET activities = fig_org.activities + EXCLUDED.activities, sessions = fig_org.sessions + EXCLUDED.sessions, signups = fig_org.signups + EXCLUDED.signups, minutes = fig_org.minutes + EXCLUDED.minutes;
    INSERT INTO fig_active (volunteer_id, month, minutes)
        SELECT e.volunteer_id, to_char(e.recorded_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM'), e.minutes
        FROM hour_entries e WHERE e.id = NEW.entry_id
        ON CONFLICT (volunteer_id, month) DO UPDATE SET minutes = fig_active.minutes + EXCLUDED.minutes;
    RETURN NULL;
END;
$$;

CREATE TRIGGER fig_hours_ins AFTER INSERT ON hour_confirmations FOR EACH ROW
    EXECUTE FUNCTION fig_hours_ins();

CREATE FUNCTION fig_active_on() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO fig_active_span (region_code, month, prev_month, volunteers)
        SELECT v.region_code, NEW.month, COALESCE((SELECT MAX(p.month) FROM fig_active p WHERE p.volunteer_id = NEW.volunteer_id AND p.month < NEW.month AND p.minutes > 0), ''), 1
        FROM volunteers v WHERE v.id = NEW.volunteer_id
        ON CONFLICT (region_code, month, prev_month) DO UPDATE SET volunteers = fig_active_span.volunteers + EXCLUDED.volunteers;
    INSERT INTO fig_active_span (region_code, month, prev_month, volunteers)
        SELECT v.region_code, n.month, COALESCE((SELECT MAX(p.month) FROM fig_active p WHERE p.volunteer_id = NEW.volunteer_id AND p.month < NEW.month AND p.minutes > 0), ''), -1
        FROM volunteers v, (SELECT MIN(n.month) AS month FROM fig_active n WHERE n.volunteer_id = NEW.volunteer_id AND n.month > NEW.month AND n.minutes > 0) n WHERE v.id = NEW.volunteer_id AND n.month IS NOT NULL
        ON CONFLICT (region_code, month, prev_month) DO UPDATE SET volunteers = fig_active_span.volunteers + EXCLUDED.volunteers;
    INSERT INTO fig_active_span (region_code, month, prev_month, volunteers)
        SELECT v.region_code, n.month, NEW.month, 1
        FROM volunteers v, (SELECT MIN(n.month) AS month FROM fig_active n WHERE n.volunteer_id = NEW.volunteer_id AND n.month > NEW.month AND n.minutes > 0) n WHERE v.id = NEW.volunteer_id AND n.month IS NOT NULL
        ON CONFLICT (region_code, month, prev_month) DO UPDATE SET volunteers = fig_active_span.volunteers + EXCLUDED.volunteers;
    RETURN NULL;
END;
$$;

CREATE TRIGGER fig_active_on AFTER INSERT ON fig_active FOR EACH ROW
    WHEN (NEW.minutes > 0)
    EXECUTE FUNCTION fig_active_on();

CREATE FUNCTION fig_active_flip_on() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO fig_active_span (region_code, month, prev_month, volunteers)
        SELECT v.region_code, NEW.month, COALESCE((SELECT MAX(p.month) FROM fig_active p WHERE p.volunteer_id = NEW.volunteer_id AND p.month < NEW.month AND p.minutes > 0), ''), 1
        FROM volunteers v WHERE v.id = NEW.volunteer_id
        ON CONFLICT (region_code, month, prev_month) DO UPDATE SET volunteers = fig_active_span.volunteers + EXCLUDED.volunteers;
    INSERT INTO fig_active_span (region_code, month, prev_month, volunteers)
        SELECT v.region_code, n.month, COALESCE((SELECT MAX(p.month) FROM fig_active p WHERE p.volunteer_id = NEW.volunteer_id AND p.month < NEW.month AND p.minutes > 0), ''), -1
        FROM volunteers v, (SELECT MIN(n.month) AS month FROM fig_active n WHERE n.volunteer_id = NEW.volunteer_id AND n.month > NEW.month AND n.minutes > 0) n WHERE v.id = NEW.volunteer_id AND n.month IS NOT NULL
        ON CONFLICT (region_code, month, prev_month) DO UPDATE SET volunteers = fig_active_span.volunteers + EXCLUDED.volunteers;
    INSERT INTO fig_active_span (region_code, month, prev_month, volunteers)
        SELECT v.region_code, n.month, NEW.month, 1
        FROM volunteers v, (SELECT MIN(n.month) AS month FROM fig_active n WHERE n.volunteer_id = NEW.volunteer_id AND n.month > NEW.month AND n.minutes > 0) n WHERE v.id = NEW.volunteer_id AND n.month IS NOT NULL
        ON CONFLICT (region_code, month, prev_month) DO UPDATE SET volunteers = fig_active_span.volunteers + EXCLUDED.volunteers;
    RETURN NULL;
END;
$$;

CREATE TRIGGER fig_active_flip_on AFTER UPDATE ON fig_active FOR EACH ROW
    WHEN (OLD.minutes <= 0 AND NEW.minutes > 0)
    EXECUTE FUNCTION fig_active_flip_on();

CREATE FUNCTION fig_active_flip_off() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO fig_active_span (region_code, month, prev_month, volunteers)
        SELECT v.region_code, NEW.month, COALESCE((SELECT MAX(p.month) FROM fig_active p WHERE p.volunteer_id = NEW.volunteer_id AND p.month < NEW.month AND p.minutes > 0), ''), -1
        FROM volunteers v WHERE v.id = NEW.volunteer_id
        ON CONFLICT (region_code, month, prev_month) DO UPDATE SET volunteers = fig_active_span.volunteers + EXCLUDED.volunteers;
    INSERT INTO fig_active_span (region_code, month, prev_month, volunteers)
        SELECT v.region_code, n.month, COALESCE((SELECT MAX(p.month) FROM fig_active p WHERE p.volunteer_id = NEW.volunteer_id AND p.month < NEW.month AND p.minutes > 0), ''), 1
        FROM volunteers v, (SELECT MIN(n.month) AS month FROM fig_active n WHERE n.volunteer_id = NEW.volunteer_id AND n.month > NEW.month AND n.minutes > 0) n WHERE v.id = NEW.volunteer_id AND n.month IS NOT NULL
        ON CONFLICT (region_code, month, prev_month) DO UPDATE SET volunteers = fig_active_span.volunteers + EXCLUDED.volunteers;
    INSERT INTO fig_active_span (region_code, month, prev_month, volunteers)
        SELECT v.region_code, n.month, NEW.month, -1
        FROM volunteers v, (SELECT MIN(n.month) AS month FROM fig_active n WHERE n.volunteer_id = NEW.volunteer_id AND n.month > NEW.month AND n.minutes > 0) n WHERE v.id = NEW.volunteer_id AND n.month IS NOT NULL
        ON CONFLICT (region_code, month, prev_month) DO UPDATE SET volunteers = fig_active_span.volunteers + EXCLUDED.volunteers;
    RETURN NULL;
END;
$$;

CREATE TRIGGER fig_active_flip_off AFTER UPDATE ON fig_active FOR EACH ROW
    WHEN (OLD.minutes > 0 AND NEW.minutes <= 0)
    EXECUTE FUNCTION fig_active_flip_off();
