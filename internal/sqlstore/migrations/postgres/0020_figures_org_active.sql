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
    minutes BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (org_id, month, volunteer_id)
);
CREATE TABLE fig_org_month (
    org_id INTEGER NOT NULL,
    month TEXT NOT NULL,
    activities BIGINT NOT NULL DEFAULT 0,
    sessions BIGINT NOT NULL DEFAULT 0,
    signups BIGINT NOT NULL DEFAULT 0,
    minutes BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (org_id, month)
);

INSERT INTO fig_org_active SELECT org_id, month, volunteer_id, SUM(minutes) FROM fig_src_hours GROUP BY org_id, month, volunteer_id;
INSERT INTO fig_org_month SELECT org_id, month, SUM(activities), SUM(sessions), SUM(signups), SUM(minutes) FROM fig_org GROUP BY org_id, month;

-- A confirmation adds to a fig_org row in place (its key unchanged): one statement for the
-- difference; a key changed by hand moves the row's whole figures.
CREATE FUNCTION fig_org_month_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.org_id = NEW.org_id AND OLD.month = NEW.month THEN
        INSERT INTO fig_org_month (org_id, month, activities, sessions, signups, minutes)
            VALUES (NEW.org_id, NEW.month, NEW.activities - OLD.activities, NEW.sessions - OLD.sessions, NEW.signups - OLD.signups, NEW.minutes - OLD.minutes)
            ON CONFLICT (org_id, month) DO UPDATE SET activities = fig_org_month.activities + EXCLUDED.activities, sessions = fig_org_month.sessions + EXCLUDED.sessions, signups = fig_org_month.signups + EXCLUDED.signups, minutes = fig_org_month.minutes + EXCLUDED.minutes;
        RETURN NULL;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        INSERT INTO fig_org_month (org_id, month, activities, sessions, signups, minutes)
            VALUES (OLD.org_id, OLD.month, -OLD.activities, -OLD.sessions, -OLD.signups, -OLD.minutes)
            ON CONFLICT (org_id, month) DO UPDATE SET activities = fig_org_month.activities + EXCLUDED.activities, sessions = fig_org_month.sessions + EXCLUDED.sessions, signups = fig_org_month.signups + EXCLUDED.signups, minutes = fig_org_month.minutes + EXCLUDED.minutes;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO fig_org_month (org_id, month, activities, sessions, signups, minutes)
            VALUES (NEW.org_id, NEW.month, NEW.activities, NEW.sessions, NEW.signups, NEW.minutes)
            ON CONFLICT (org_id, month) DO UPDATE SET activities = fig_org_month.activities + EXCLUDED.activities, sessions = fig_org_month.sessions + EXCLUDED.sessions, signups = fig_org_month.signups + EXCLUDED.signups, minutes = fig_org_month.minutes + EXCLUDED.minutes;
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER fig_org_month_keep AFTER INSERT OR UPDATE OR DELETE ON fig_org FOR EACH ROW
    EXECUTE FUNCTION fig_org_month_keep();

-- An activity handed to another organisation takes its confirmed hours along.
CREATE FUNCTION fig_org_active_key_old() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO fig_org_active (org_id, month, volunteer_id, minutes)
        SELECT org_id, month, volunteer_id, -SUM(minutes)
        FROM fig_src_hours WHERE activity_id = OLD.id GROUP BY org_id, month, volunteer_id
        ON CONFLICT (org_id, month, volunteer_id) DO UPDATE SET minutes = fig_org_active.minutes + EXCLUDED.minutes;
    RETURN NEW;
END;
$$;

CREATE TRIGGER fig_org_active_key_old BEFORE UPDATE ON activities FOR EACH ROW
    WHEN (OLD.org_id IS DISTINCT FROM NEW.org_id)
    EXECUTE FUNCTION fig_org_active_key_old();

CREATE FUNCTION fig_org_active_key_new() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO fig_org_active (org_id, month, volunteer_id, minutes)
        SELECT org_id, month, volunteer_id, SUM(minutes)
        FROM fig_src_hours WHERE activity_id = NEW.id GROUP BY org_id, month, volunteer_id
        ON CONFLICT (org_id, month, volunteer_id) DO UPDATE SET minutes = fig_org_active.minutes + EXCLUDED.minutes;
    RETURN NULL;
END;
$$;

CREATE TRIGGER fig_org_active_key_new AFTER UPDATE ON activities FOR EACH ROW
    WHEN (OLD.org_id IS DISTINCT FROM NEW.org_id)
    EXECUTE FUNCTION fig_org_active_key_new();

-- A confirmation's summaries (0018's fig_hours_ins and the organisation's active minutes)
-- from one read of the entry's keys. fig_hour_keys is SQLite's way of reading them once
-- (see its 0020); PostgreSQL keeps them in a variable, and the table, there to keep both
-- engines' tables alike, stays empty.
CREATE TABLE fig_hour_keys (
    region_code TEXT NOT NULL,
    org_id INTEGER NOT NULL,
    category TEXT NOT NULL,
    month TEXT NOT NULL,
    volunteer_id INTEGER NOT NULL,
    minutes BIGINT NOT NULL
);

CREATE OR REPLACE FUNCTION fig_hours_ins() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    k record;
BEGIN
    PERFORM 1 FROM volunteer_hour_totals WHERE volunteer_id = NEW.volunteer_id FOR UPDATE;
    SELECT region_code, org_id, category, month, volunteer_id, minutes INTO k FROM fig_src_hours WHERE id = NEW.id;
    INSERT INTO fig_region (region_code, month, category, activities, sessions, signups, minutes)
        VALUES (k.region_code, k.month, k.category, 0, 0, 0, k.minutes)
        ON CONFLICT (region_code, month, category) DO UPDATE SET minutes = fig_region.minutes + EXCLUDED.minutes;
    INSERT INTO fig_org (org_id, month, category, activities, sessions, signups, minutes)
        VALUES (k.org_id, k.month, k.category, 0, 0, 0, k.minutes)
        ON CONFLICT (org_id, month, category) DO UPDATE SET minutes = fig_org.minutes + EXCLUDED.minutes;
    INSERT INTO fig_org_active (org_id, month, volunteer_id, minutes)
        VALUES (k.org_id, k.month, k.volunteer_id, k.minutes)
        ON CONFLICT (org_id, month, volunteer_id) DO UPDATE SET minutes = fig_org_active.minutes + EXCLUDED.minutes;
    INSERT INTO fig_active (volunteer_id, month, minutes)
        VALUES (k.volunteer_id, k.month, k.minutes)
        ON CONFLICT (volunteer_id, month) DO UPDATE SET minutes = fig_active.minutes + EXCLUDED.minutes;
    RETURN NULL;
END;
$$;

-- A volunteer's month turning active: the span row of that month, and, only when a later
-- month was already active (hours confirmed late or out of order), that month's previous
-- month moved.
CREATE OR REPLACE FUNCTION fig_active_on() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO fig_active_span (region_code, month, prev_month, volunteers)
        SELECT v.region_code, NEW.month, COALESCE((SELECT MAX(p.month) FROM fig_active p WHERE p.volunteer_id = NEW.volunteer_id AND p.month < NEW.month AND p.minutes > 0), ''), 1
        FROM volunteers v WHERE v.id = NEW.volunteer_id
        ON CONFLICT (region_code, month, prev_month) DO UPDATE SET volunteers = fig_active_span.volunteers + EXCLUDED.volunteers;
    IF EXISTS (SELECT 1 FROM fig_active n WHERE n.volunteer_id = NEW.volunteer_id AND n.month > NEW.month AND n.minutes > 0) THEN
        INSERT INTO fig_active_span (region_code, month, prev_month, volunteers)
            SELECT v.region_code, n.month, COALESCE((SELECT MAX(p.month) FROM fig_active p WHERE p.volunteer_id = NEW.volunteer_id AND p.month < NEW.month AND p.minutes > 0), ''), -1
            FROM volunteers v, (SELECT MIN(n.month) AS month FROM fig_active n WHERE n.volunteer_id = NEW.volunteer_id AND n.month > NEW.month AND n.minutes > 0) n WHERE v.id = NEW.volunteer_id AND n.month IS NOT NULL
            ON CONFLICT (region_code, month, prev_month) DO UPDATE SET volunteers = fig_active_span.volunteers + EXCLUDED.volunteers;
        INSERT INTO fig_active_span (region_code, month, prev_month, volunteers)
            SELECT v.region_code, n.month, NEW.month, 1
            FROM volunteers v, (SELECT MIN(n.month) AS month FROM fig_active n WHERE n.volunteer_id = NEW.volunteer_id AND n.month > NEW.month AND n.minutes > 0) n WHERE v.id = NEW.volunteer_id AND n.month IS NOT NULL
            ON CONFLICT (region_code, month, prev_month) DO UPDATE SET volunteers = fig_active_span.volunteers + EXCLUDED.volunteers;
    END IF;
    RETURN NULL;
END;
$$;
