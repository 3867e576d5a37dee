-- Figures (issue 13): a confirmation's summaries on fewer pages (see the SQLite file).
--
-- fig_org_month (0020) moves into fig_org under the category '*' (no service category is
-- spelled so): the organisation's row for the month over all categories, beside its
-- category rows in fig_org's heap and primary key, instead of one more table and index
-- for every confirmation to write. Kept from the category rows by a trigger on fig_org,
-- as fig_org_month was.

DROP TRIGGER fig_org_month_keep ON fig_org;
DROP FUNCTION fig_org_month_keep();

INSERT INTO fig_org (org_id, month, category, activities, sessions, signups, minutes)
    SELECT org_id, month, '*', activities, sessions, signups, minutes FROM fig_org_month;
DROP TABLE fig_org_month;

-- A confirmation adds to a category row in place (its key unchanged): one statement for
-- the difference; a key changed by hand moves the row's whole figures. The '*' rows
-- themselves keep nothing.
CREATE FUNCTION fig_org_all_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.org_id = NEW.org_id AND OLD.month = NEW.month AND OLD.category = NEW.category THEN
        IF NEW.category <> '*' THEN
            INSERT INTO fig_org (org_id, month, category, activities, sessions, signups, minutes)
                VALUES (NEW.org_id, NEW.month, '*', NEW.activities - OLD.activities, NEW.sessions - OLD.sessions, NEW.signups - OLD.signups, NEW.minutes - OLD.minutes)
                ON CONFLICT (org_id, month, category) DO UPDATE SET activities = fig_org.activities + EXCLUDED.activities, sessions = fig_org.sessions + EXCLUDED.sessions, signups = fig_org.signups + EXCLUDED.signups, minutes = fig_org.minutes + EXCLUDED.minutes;
        END IF;
        RETURN NULL;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.category <> '*' THEN
        INSERT INTO fig_org (org_id, month, category, activities, sessions, signups, minutes)
            VALUES (OLD.org_id, OLD.month, '*', -OLD.activities, -OLD.sessions, -OLD.signups, -OLD.minutes)
            ON CONFLICT (org_id, month, category) DO UPDATE SET activities = fig_org.activities + EXCLUDED.activities, sessions = fig_org.sessions + EXCLUDED.sessions, signups = fig_org.signups + EXCLUDED.signups, minutes = fig_org.minutes + EXCLUDED.minutes;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.category <> '*' THEN
        INSERT INTO fig_org (org_id, month, category, activities, sessions, signups, minutes)
            VALUES (NEW.org_id, NEW.month, '*', NEW.activities, NEW.sessions, NEW.signups, NEW.minutes)
            ON CONFLICT (org_id, month, category) DO UPDATE SET activities = fig_org.activities + EXCLUDED.activities, sessions = fig_org.sessions + EXCLUDED.sessions, signups = fig_org.signups + EXCLUDED.signups, minutes = fig_org.minutes + EXCLUDED.minutes;
    END IF;
    RETURN NULL;
END;
$$;

-- The '*' rows' own changes call nothing (the WHEN clauses).
CREATE TRIGGER fig_org_all_ins AFTER INSERT ON fig_org FOR EACH ROW
    WHEN (NEW.category <> '*') EXECUTE FUNCTION fig_org_all_keep();
CREATE TRIGGER fig_org_all_upd AFTER UPDATE ON fig_org FOR EACH ROW
    WHEN (OLD.category <> '*' OR NEW.category <> '*') EXECUTE FUNCTION fig_org_all_keep();
CREATE TRIGGER fig_org_all_del AFTER DELETE ON fig_org FOR EACH ROW
    WHEN (OLD.category <> '*') EXECUTE FUNCTION fig_org_all_keep();
