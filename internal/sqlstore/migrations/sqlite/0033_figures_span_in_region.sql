-- Figures (issue 13): a confirmation's summaries on one page fewer (SQLite).
--
-- fig_active_span (0018) was a B-tree of its own: a confirmation that makes a volunteer's
-- month active wrote one more page at commit for it (a WAL frame, two writes), beside the
-- fig_region page the same confirmation writes for its hours. Its rows now live in fig_region
-- under the category '>' followed by the previous active month ('>' alone for none; no
-- service category starts so, and the service categories sort after it): the span row of a
-- region and month sits next to that region and month's category rows, so it usually lands
-- on the page the confirmation writes anyway. The count is in the new column volunteers
-- (0 on the category rows; the category measures are 0 on the span rows, so sums over
-- fig_region are unchanged).
--
-- fig_active_span stays readable as a view of those rows (the readers, `figures verify` and
-- `figures rebuild` use it as before); INSTEAD OF triggers let the rebuild empty and refill
-- it. The triggers that kept it write fig_region instead (same statements, same keys).
-- Readers of fig_region's categories leave the '>' rows out (figures.go, spanCategory).
--
-- PostgreSQL keeps its table fig_active_span (its confirmation keeps the ratio asked for);
-- fig_region.volunteers is added there too so both engines have the same columns, and
-- stays 0.

ALTER TABLE fig_region ADD COLUMN volunteers INTEGER NOT NULL DEFAULT 0;

INSERT INTO fig_region (region_code, month, category, volunteers)
    SELECT region_code, month, '>' || prev_month, volunteers FROM fig_active_span WHERE true
    ON CONFLICT (region_code, month, category) DO UPDATE SET volunteers = volunteers + excluded.volunteers;
DROP TABLE fig_active_span;

CREATE VIEW fig_active_span AS
SELECT region_code, month, substr(category, 2) AS prev_month, volunteers FROM fig_region
WHERE category >= '>' AND category < '?';

CREATE TRIGGER fig_active_span_ins INSTEAD OF INSERT ON fig_active_span FOR EACH ROW
BEGIN
    INSERT INTO fig_region (region_code, month, category, volunteers)
        VALUES (NEW.region_code, NEW.month, '>' || NEW.prev_month, NEW.volunteers)
        ON CONFLICT (region_code, month, category) DO UPDATE SET volunteers = volunteers + excluded.volunteers;
END;

CREATE TRIGGER fig_active_span_del INSTEAD OF DELETE ON fig_active_span FOR EACH ROW
BEGIN
    DELETE FROM fig_region WHERE region_code = OLD.region_code AND month = OLD.month AND category = '>' || OLD.prev_month;
END;

CREATE TRIGGER fig_active_span_upd INSTEAD OF UPDATE ON fig_active_span FOR EACH ROW
BEGIN
    UPDATE fig_region SET region_code = NEW.region_code, month = NEW.month, category = '>' || NEW.prev_month, volunteers = NEW.volunteers
        WHERE region_code = OLD.region_code AND month = OLD.month AND category = '>' || OLD.prev_month;
END;

DROP TRIGGER fig_volunteers_move;
CREATE TRIGGER fig_volunteers_move AFTER UPDATE ON volunteers FOR EACH ROW
    WHEN OLD.region_code IS NOT NEW.region_code
BEGIN
    INSERT INTO fig_region (region_code, month, category, volunteers)
        SELECT OLD.region_code, x.month, '>' || x.prev_month, -1
        FROM (SELECT month, COALESCE(LAG(month) OVER (ORDER BY month), '') AS prev_month FROM fig_active WHERE volunteer_id = NEW.id AND minutes > 0) x WHERE true
        ON CONFLICT (region_code, month, category) DO UPDATE SET volunteers = volunteers + excluded.volunteers;
    INSERT INTO fig_region (region_code, month, category, volunteers)
        SELECT NEW.region_code, x.month, '>' || x.prev_month, 1
        FROM (SELECT month, COALESCE(LAG(month) OVER (ORDER BY month), '') AS prev_month FROM fig_active WHERE volunteer_id = NEW.id AND minutes > 0) x WHERE true
        ON CONFLICT (region_code, month, category) DO UPDATE SET volunteers = volunteers + excluded.volunteers;
END;

DROP TRIGGER fig_active_on;
CREATE TRIGGER fig_active_on AFTER INSERT ON fig_active FOR EACH ROW
    WHEN NEW.minutes > 0
BEGIN
    INSERT INTO fig_region (region_code, month, category, volunteers)
        SELECT v.region_code, NEW.month, '>' || COALESCE((SELECT MAX(p.month) FROM fig_active p WHERE p.volunteer_id = NEW.volunteer_id AND p.month < NEW.month AND p.minutes > 0), ''), 1
        FROM volunteers v WHERE v.id = NEW.volunteer_id
        ON CONFLICT (region_code, month, category) DO UPDATE SET volunteers = volunteers + excluded.volunteers;
END;

DROP TRIGGER fig_active_on_later;
CREATE TRIGGER fig_active_on_later AFTER INSERT ON fig_active FOR EACH ROW
    WHEN NEW.minutes > 0 AND EXISTS (SELECT 1 FROM fig_active n WHERE n.volunteer_id = NEW.volunteer_id AND n.month > NEW.month AND n.minutes > 0)
BEGIN
    INSERT INTO fig_region (region_code, month, category, volunteers)
        SELECT v.region_code, n.month, '>' || COALESCE((SELECT MAX(p.month) FROM fig_active p WHERE p.volunteer_id = NEW.volunteer_id AND p.month < NEW.month AND p.minutes > 0), ''), -1
        FROM volunteers v, (SELECT MIN(n.month) AS month FROM fig_active n WHERE n.volunteer_id = NEW.volunteer_id AND n.month > NEW.month AND n.minutes > 0) n WHERE v.id = NEW.volunteer_id AND n.month IS NOT NULL
        ON CONFLICT (region_code, month, category) DO UPDATE SET volunteers = volunteers + excluded.volunteers;
    INSERT INTO fig_region (region_code, month, category, volunteers)
        SELECT v.region_code, n.month, '>' || NEW.month, 1
        FROM volunteers v, (SELECT MIN(n.month) AS month FROM fig_active n WHERE n.volunteer_id = NEW.volunteer_id AND n.month > NEW.month AND n.minutes > 0) n WHERE v.id = NEW.volunteer_id AND n.month IS NOT NULL
        ON CONFLICT (region_code, month, category) DO UPDATE SET volunteers = volunteers + excluded.volunteers;
END;

DROP TRIGGER fig_active_flip_on;
CREATE TRIGGER fig_active_flip_on AFTER UPDATE ON fig_active FOR EACH ROW
    WHEN OLD.minutes <= 0 AND NEW.minutes > 0
BEGIN
    INSERT INTO fig_region (region_code, month, category, volunteers)
        SELECT v.region_code, NEW.month, '>' || COALESCE((SELECT MAX(p.month) FROM fig_active p WHERE p.volunteer_id = NEW.volunteer_id AND p.month < NEW.month AND p.minutes > 0), ''), 1
        FROM volunteers v WHERE v.id = NEW.volunteer_id
        ON CONFLICT (region_code, month, category) DO UPDATE SET volunteers = volunteers + excluded.volunteers;
    INSERT INTO fig_region (region_code, month, category, volunteers)
        SELECT v.region_code, n.month, '>' || COALESCE((SELECT MAX(p.month) FROM fig_active p WHERE p.volunteer_id = NEW.volunteer_id AND p.month < NEW.month AND p.minutes > 0), ''), -1
        FROM volunteers v, (SELECT MIN(n.month) AS month FROM fig_active n WHERE n.volunteer_id = NEW.volunteer_id AND n.month > NEW.month AND n.minutes > 0) n WHERE v.id = NEW.volunteer_id AND n.month IS NOT NULL
        ON CONFLICT (region_code, month, category) DO UPDATE SET volunteers = volunteers + excluded.volunteers;
    INSERT INTO fig_region (region_code, month, category, volunteers)
        SELECT v.region_code, n.month, '>' || NEW.month, 1
        FROM volunteers v, (SELECT MIN(n.month) AS month FROM fig_active n WHERE n.volunteer_id = NEW.volunteer_id AND n.month > NEW.month AND n.minutes > 0) n WHERE v.id = NEW.volunteer_id AND n.month IS NOT NULL
        ON CONFLICT (region_code, month, category) DO UPDATE SET volunteers = volunteers + excluded.volunteers;
END;

DROP TRIGGER fig_active_flip_off;
CREATE TRIGGER fig_active_flip_off AFTER UPDATE ON fig_active FOR EACH ROW
    WHEN OLD.minutes > 0 AND NEW.minutes <= 0
BEGIN
    INSERT INTO fig_region (region_code, month, category, volunteers)
        SELECT v.region_code, NEW.month, '>' || COALESCE((SELECT MAX(p.month) FROM fig_active p WHERE p.volunteer_id = NEW.volunteer_id AND p.month < NEW.month AND p.minutes > 0), ''), -1
        FROM volunteers v WHERE v.id = NEW.volunteer_id
        ON CONFLICT (region_code, month, category) DO UPDATE SET volunteers = volunteers + excluded.volunteers;
    INSERT INTO fig_region (region_code, month, category, volunteers)
        SELECT v.region_code, n.month, '>' || COALESCE((SELECT MAX(p.month) FROM fig_active p WHERE p.volunteer_id = NEW.volunteer_id AND p.month < NEW.month AND p.minutes > 0), ''), 1
        FROM volunteers v, (SELECT MIN(n.month) AS month FROM fig_active n WHERE n.volunteer_id = NEW.volunteer_id AND n.month > NEW.month AND n.minutes > 0) n WHERE v.id = NEW.volunteer_id AND n.month IS NOT NULL
        ON CONFLICT (region_code, month, category) DO UPDATE SET volunteers = volunteers + excluded.volunteers;
    INSERT INTO fig_region (region_code, month, category, volunteers)
        SELECT v.region_code, n.month, '>' || NEW.month, -1
        FROM volunteers v, (SELECT MIN(n.month) AS month FROM fig_active n WHERE n.volunteer_id = NEW.volunteer_id AND n.month > NEW.month AND n.minutes > 0) n WHERE v.id = NEW.volunteer_id AND n.month IS NOT NULL
        ON CONFLICT (region_code, month, category) DO UPDATE SET volunteers = volunteers + excluded.volunteers;
END;
