-- Volunteers' interests share the activities' category codes (volunteer_rules.go,
-- ServiceCategories): five codes of the interests' own list differed, so an interest in
-- 敬老 never met an activity of 敬老服务 in the recommendations. A volunteer could not hold
-- the new code before, so no row collides.
UPDATE volunteer_categories SET category = 'poverty_relief' WHERE category = 'poverty';
UPDATE volunteer_categories SET category = 'elderly_care' WHERE category = 'elderly';
UPDATE volunteer_categories SET category = 'legal_aid' WHERE category = 'legal';
UPDATE volunteer_categories SET category = 'traffic_safety' WHERE category = 'traffic';
UPDATE volunteer_categories SET category = 'online_civility' WHERE category = 'online';
