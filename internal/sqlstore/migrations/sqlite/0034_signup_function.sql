-- The sign-up in one round trip is PostgreSQL's (postgres/0034_signup_function.sql): SQLite
-- runs in the process, where a round trip costs nothing, and keeps the transaction of
-- signups.go. This file keeps the two engines' migrations in step.
SELECT 1;
