-- The organisation a staged row's person becomes a member of, when the list's 所属组织
-- names an approved organisation under the importing one (a 班级团支部 under a university
-- League committee); 0 is the importing organisation itself.
ALTER TABLE import_rows ADD COLUMN org_id INTEGER NOT NULL DEFAULT 0;
