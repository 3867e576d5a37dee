-- Region filters as search terms (search.go, regionTerms): every published activity gets
-- one term per division containing its region ('r:' and the code's first 2, 4, 6, 9 and
-- 12 digits, as far as the code goes), with its start like its text terms, so a search by
-- region walks that region's postings in start order and stops after one page instead of
-- walking every region's activities (docs/activities.md, "Search plans"). New and
-- re-indexed activities get them from the store; this adds them to those published before.
-- Text terms never hold a colon, so no row collides.
INSERT INTO activity_terms (term, starts_at, activity_id)
SELECT 'r:' || substr(region_code, 1, n.len), starts_at, id
FROM activities
JOIN (SELECT 2 AS len UNION ALL SELECT 4 UNION ALL SELECT 6 UNION ALL SELECT 9 UNION ALL SELECT 12) n
  ON length(region_code) >= n.len
WHERE status = 'published';
