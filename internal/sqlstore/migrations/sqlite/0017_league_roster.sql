-- The League registration rate (团员注册率, zhiyuan.LeagueRate): each organisation reports
-- its League-member roster count (团员总数), its own League members, not those of its
-- sub-organisations, which report their own; 0 is "no roster reported". Never negative.
ALTER TABLE organizations ADD COLUMN league_roster INTEGER NOT NULL DEFAULT 0 CHECK (league_roster >= 0);

-- The rate counts approved members who are active League members, for every organisation
-- of a subtree or a region in one grouped query: memberships are read by organisation
-- and status straight to the volunteer (no look-up of the membership row), and the
-- League members of a region can be found from the volunteers' side too.
CREATE INDEX org_members_org_status_volunteer_idx ON org_members (org_id, status, volunteer_id);
CREATE INDEX volunteers_political_status_idx ON volunteers (political_status, status, id);
