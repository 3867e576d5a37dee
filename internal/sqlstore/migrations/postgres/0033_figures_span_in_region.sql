-- Figures (issue 13): on SQLite fig_active_span's rows move into fig_region under the
-- category '>' || prev_month, counted in the new column volunteers, so a confirmation
-- writes one page fewer (see the SQLite file). PostgreSQL keeps its table fig_active_span
-- (its confirmation keeps the rate asked for); the column is added so both engines have
-- the same columns, and stays 0 here.
ALTER TABLE fig_region ADD COLUMN volunteers BIGINT NOT NULL DEFAULT 0;
