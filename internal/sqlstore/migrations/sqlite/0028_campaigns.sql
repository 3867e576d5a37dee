-- Campaigns (issue 16): the province or a city runs a campaign (the Lei Feng month) over a
-- region subtree (region_code is its root) and a range of Beijing dates (starts_on ..
-- ends_on, both included, written YYYY-MM-DD so text order is date order). Categories and
-- keywords it welcomes are newline-separated lists. Organisations in scope enter their
-- activities (campaign_activities, one row per campaign and activity: its primary key stops
-- a second entry); the campaign's admin may refuse one with a reason, a conditional UPDATE
-- from 'entered'.
CREATE TABLE campaigns (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    theme       TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    starts_on   TEXT NOT NULL,
    ends_on     TEXT NOT NULL,
    region_code TEXT NOT NULL,
    categories  TEXT NOT NULL DEFAULT '',
    keywords    TEXT NOT NULL DEFAULT '',
    status      TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    created_by  INTEGER NOT NULL REFERENCES accounts (id),
    created_at  TIMESTAMP NOT NULL,
    CHECK (ends_on >= starts_on)
);
CREATE INDEX campaigns_region_idx ON campaigns (region_code, starts_on);
CREATE INDEX campaigns_starts_idx ON campaigns (starts_on, id);

CREATE TABLE campaign_activities (
    campaign_id INTEGER NOT NULL REFERENCES campaigns (id),
    activity_id INTEGER NOT NULL REFERENCES activities (id),
    status      TEXT NOT NULL DEFAULT 'entered' CHECK (status IN ('entered', 'refused')),
    entered_by  INTEGER NOT NULL REFERENCES accounts (id),
    entered_at  TIMESTAMP NOT NULL,
    reason      TEXT NOT NULL DEFAULT '',
    refused_by  INTEGER REFERENCES accounts (id),
    refused_at  TIMESTAMP,
    CHECK ((status = 'refused') = (refused_at IS NOT NULL)),
    PRIMARY KEY (campaign_id, activity_id)
);
CREATE INDEX campaign_activities_activity_idx ON campaign_activities (activity_id, status);
CREATE INDEX campaign_activities_status_idx ON campaign_activities (campaign_id, status, activity_id);

-- The contest's figures, kept so that a ranking reads one row per city, district,
-- organisation or day however many hour entries the campaign holds. campaign_units has
-- one row per campaign, level ('all' the whole campaign, 'city', 'district', 'org', 'day'
-- the Beijing date of the session) and unit (region code, organisation id or date):
-- activities entered, confirmed minutes, participants (volunteers with a confirmed entry of
-- positive minutes). campaign_people remembers who was counted where, so a volunteer is
-- counted once per unit. A confirmation moves both in its own transaction (triggers below);
-- entering an activity adds what it had confirmed before (sqlstore/campaigns.go); refusing
-- one recounts the campaign from campaign_src_hours, the one definition of what counts.
CREATE TABLE campaign_units (
    campaign_id  INTEGER NOT NULL,
    level        TEXT NOT NULL,
    unit         TEXT NOT NULL,
    activities   INTEGER NOT NULL DEFAULT 0,
    minutes      INTEGER NOT NULL DEFAULT 0,
    participants INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (campaign_id, level, unit)
) WITHOUT ROWID;
CREATE TABLE campaign_people (
    campaign_id  INTEGER NOT NULL,
    level        TEXT NOT NULL,
    unit         TEXT NOT NULL,
    volunteer_id INTEGER NOT NULL,
    PRIMARY KEY (campaign_id, level, unit, volunteer_id)
) WITHOUT ROWID;

-- What each confirmed hour entry of an entered activity counts for, under each level.
CREATE VIEW campaign_src_hours AS
SELECT c.entry_id, ca.campaign_id, s.activity_id, e.volunteer_id, e.minutes, 'all' AS level, '' AS unit
FROM hour_confirmations c JOIN hour_entries e ON e.id = c.entry_id JOIN activity_sessions s ON s.id = e.session_id
    JOIN campaign_activities ca ON ca.activity_id = s.activity_id AND ca.status = 'entered'
UNION ALL
SELECT c.entry_id, ca.campaign_id, s.activity_id, e.volunteer_id, e.minutes, 'city', substr(a.region_code, 1, 4) || '00'
FROM hour_confirmations c JOIN hour_entries e ON e.id = c.entry_id JOIN activity_sessions s ON s.id = e.session_id
    JOIN campaign_activities ca ON ca.activity_id = s.activity_id AND ca.status = 'entered' JOIN activities a ON a.id = s.activity_id
UNION ALL
SELECT c.entry_id, ca.campaign_id, s.activity_id, e.volunteer_id, e.minutes, 'district', substr(a.region_code, 1, 6)
FROM hour_confirmations c JOIN hour_entries e ON e.id = c.entry_id JOIN activity_sessions s ON s.id = e.session_id
    JOIN campaign_activities ca ON ca.activity_id = s.activity_id AND ca.status = 'entered' JOIN activities a ON a.id = s.activity_id
UNION ALL
SELECT c.entry_id, ca.campaign_id, s.activity_id, e.volunteer_id, e.minutes, 'org', CAST(a.org_id AS TEXT)
FROM hour_confirmations c JOIN hour_entries e ON e.id = c.entry_id JOIN activity_sessions s ON s.id = e.session_id
    JOIN campaign_activities ca ON ca.activity_id = s.activity_id AND ca.status = 'entered' JOIN activities a ON a.id = s.activity_id
UNION ALL
SELECT c.entry_id, ca.campaign_id, s.activity_id, e.volunteer_id, e.minutes, 'day', strftime('%Y-%m-%d', s.starts_at, '+8 hours')
FROM hour_confirmations c JOIN hour_entries e ON e.id = c.entry_id JOIN activity_sessions s ON s.id = e.session_id
    JOIN campaign_activities ca ON ca.activity_id = s.activity_id AND ca.status = 'entered';

-- Which units an entered activity counts under (its activities figure).
CREATE VIEW campaign_src_activities AS
SELECT ca.campaign_id, ca.activity_id, 'all' AS level, '' AS unit FROM campaign_activities ca WHERE ca.status = 'entered'
UNION ALL
SELECT ca.campaign_id, ca.activity_id, 'city', substr(a.region_code, 1, 4) || '00'
FROM campaign_activities ca JOIN activities a ON a.id = ca.activity_id WHERE ca.status = 'entered'
UNION ALL
SELECT ca.campaign_id, ca.activity_id, 'district', substr(a.region_code, 1, 6)
FROM campaign_activities ca JOIN activities a ON a.id = ca.activity_id WHERE ca.status = 'entered'
UNION ALL
SELECT ca.campaign_id, ca.activity_id, 'org', CAST(a.org_id AS TEXT)
FROM campaign_activities ca JOIN activities a ON a.id = ca.activity_id WHERE ca.status = 'entered';

CREATE TRIGGER campaign_hours_ins AFTER INSERT ON hour_confirmations FOR EACH ROW
WHEN EXISTS (SELECT 1 FROM hour_entries e JOIN activity_sessions s ON s.id = e.session_id
    JOIN campaign_activities ca ON ca.activity_id = s.activity_id AND ca.status = 'entered' WHERE e.id = NEW.entry_id)
BEGIN
    INSERT INTO campaign_units (campaign_id, level, unit, activities, minutes, participants)
        SELECT h.campaign_id, h.level, h.unit, 0, h.minutes,
            CASE WHEN h.minutes > 0 AND NOT EXISTS (SELECT 1 FROM campaign_people p WHERE p.campaign_id = h.campaign_id
                AND p.level = h.level AND p.unit = h.unit AND p.volunteer_id = h.volunteer_id) THEN 1 ELSE 0 END
        FROM campaign_src_hours h WHERE h.entry_id = NEW.entry_id
        ON CONFLICT (campaign_id, level, unit) DO UPDATE SET minutes = minutes + excluded.minutes, participants = participants + excluded.participants;
    INSERT INTO campaign_people (campaign_id, level, unit, volunteer_id)
        SELECT h.campaign_id, h.level, h.unit, h.volunteer_id FROM campaign_src_hours h WHERE h.entry_id = NEW.entry_id AND h.minutes > 0
        ON CONFLICT DO NOTHING;
END;

-- New registrations during a campaign are counted by registration time.
CREATE INDEX volunteers_created_idx ON volunteers (created_at, region_code);
