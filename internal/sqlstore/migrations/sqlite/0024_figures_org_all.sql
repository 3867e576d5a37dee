-- Figures (issue 13): a confirmation's summaries on fewer pages.
--
-- fig_org_month (0020) was fig_org without the category, a B-tree of its own: every
-- confirmation wrote one more page at commit for it (a WAL frame, two writes). Its rows now
-- live in fig_org under the category '*' (no service category is spelled so): the
-- organisation's row for the month over all categories, next to the category rows of the
-- same organisation and month, so a confirmation's two fig_org rows land on one page.
-- Readers of categories leave the '*' rows out; readers of an organisation's totals and
-- the top organisations read only them (one row per organisation and month).
--
-- The '*' rows are kept from the category rows by triggers on fig_org, as fig_org_month
-- was (a confirmation adds its difference in one statement).

DROP TRIGGER fig_org_month_ins;
DROP TRIGGER fig_org_month_upd;
DROP TRIGGER fig_org_month_rekey;
DROP TRIGGER fig_org_month_del;

INSERT INTO fig_org (org_id, month, category, activities, sessions, signups, minutes)
    SELECT org_id, month, '*', activities, sessions, signups, minutes FROM fig_org_month;
DROP TABLE fig_org_month;

CREATE TRIGGER fig_org_all_ins AFTER INSERT ON fig_org FOR EACH ROW
    WHEN NEW.category <> '*'
BEGIN
    INSERT INTO fig_org (org_id, month, category, activities, sessions, signups, minutes)
        VALUES (NEW.org_id, NEW.month, '*', NEW.activities, NEW.sessions, NEW.signups, NEW.minutes)
        ON CONFLICT (org_id, month, category) DO UPDATE SET activities = activities + excluded.activities, sessions = sessions + excluded.sessions, signups = signups + excluded.signups, minutes = minutes + excluded.minutes;
END;

CREATE TRIGGER fig_org_all_upd AFTER UPDATE ON fig_org FOR EACH ROW
    WHEN NEW.category <> '*' AND OLD.org_id = NEW.org_id AND OLD.month = NEW.month AND OLD.category = NEW.category
BEGIN
    INSERT INTO fig_org (org_id, month, category, activities, sessions, signups, minutes)
        VALUES (NEW.org_id, NEW.month, '*', NEW.activities - OLD.activities, NEW.sessions - OLD.sessions, NEW.signups - OLD.signups, NEW.minutes - OLD.minutes)
        ON CONFLICT (org_id, month, category) DO UPDATE SET activities = activities + excluded.activities, sessions = sessions + excluded.sessions, signups = signups + excluded.signups, minutes = minutes + excluded.minutes;
END;

CREATE TRIGGER fig_org_all_rekey AFTER UPDATE ON fig_org FOR EACH ROW
    WHEN OLD.org_id IS NOT NEW.org_id OR OLD.month IS NOT NEW.month OR OLD.category IS NOT NEW.category
BEGIN
    INSERT INTO fig_org (org_id, month, category, activities, sessions, signups, minutes)
        SELECT OLD.org_id, OLD.month, '*', -OLD.activities, -OLD.sessions, -OLD.signups, -OLD.minutes WHERE OLD.category <> '*'
        ON CONFLICT (org_id, month, category) DO UPDATE SET activities = activities + excluded.activities, sessions = sessions + excluded.sessions, signups = signups + excluded.signups, minutes = minutes + excluded.minutes;
    INSERT INTO fig_org (org_id, month, category, activities, sessions, signups, minutes)
        SELECT NEW.org_id, NEW.month, '*', NEW.activities, NEW.sessions, NEW.signups, NEW.minutes WHERE NEW.category <> '*'
        ON CONFLICT (org_id, month, category) DO UPDATE SET activities = activities + excluded.activities, sessions = sessions + excluded.sessions, signups = signups + excluded.signups, minutes = minutes + excluded.minutes;
END;

CREATE TRIGGER fig_org_all_del AFTER DELETE ON fig_org FOR EACH ROW
    WHEN OLD.category <> '*'
BEGIN
    INSERT INTO fig_org (org_id, month, category, activities, sessions, signups, minutes)
        VALUES (OLD.org_id, OLD.month, '*', -OLD.activities, -OLD.sessions, -OLD.signups, -OLD.minutes)
        ON CONFLICT (org_id, month, category) DO UPDATE SET activities = activities + excluded.activities, sessions = sessions + excluded.sessions, signups = signups + excluded.signups, minutes = minutes + excluded.minutes;
END;
