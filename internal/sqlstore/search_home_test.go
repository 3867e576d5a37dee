package sqlstore_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"zhiyuan"
	"zhiyuan/internal/sqlstore"
	"zhiyuan/internal/sqlstore/storetest"
)

// TestFindActivitiesFromHome: searching from home (a volunteer's 天河区) gives 天河区's
// activities first, then the rest of 广州, then the rest of everything, each in start
// order; the pages of any size walk the same order without a repeat, a miss or an empty
// last page; the count is the same with or without a home.
func TestFindActivitiesFromHome(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		at := func(d int, region string) func(a *zhiyuan.Activity) {
			return func(a *zhiyuan.Activity) {
				a.Sessions[0].StartsAt = a.Sessions[0].StartsAt.Add(time.Duration(d) * 24 * time.Hour)
				a.Sessions[0].EndsAt = a.Sessions[0].StartsAt.Add(2 * time.Hour)
				a.RegionCode = region
			}
		}
		f := newActivityFixture(t, s, 5, at(5, "440106"))
		newActivity(t, s, f.admin, f.org.ID, "深圳湾海滩清洁", 5, at(1, "440305"))
		newActivity(t, s, f.admin, f.org.ID, "越秀长者助餐", 5, at(2, "440104"))
		newActivity(t, s, f.admin, f.org.ID, "天河图书整理", 5, at(3, "440106"))
		newActivity(t, s, f.admin, f.org.ID, "海珠江边导览", 5, at(4, "440105"))

		byStart := []string{"深圳湾海滩清洁", "越秀长者助餐", "天河图书整理", "海珠江边导览", "社区长者探访"}
		fromHome := []string{"天河图书整理", "社区长者探访", "越秀长者助餐", "海珠江边导览", "深圳湾海滩清洁"}
		if got, _ := searchTitles(t, s, zhiyuan.ActivityFilter{}); !slices.Equal(got, byStart) {
			t.Fatalf("without a home: %q", got)
		}
		for size := 1; size <= 6; size++ {
			var got []string
			cursor := ""
			for pages := 0; ; pages++ {
				titles, next := searchTitles(t, s, zhiyuan.ActivityFilter{Home: "440106", Limit: size, Cursor: cursor})
				if len(titles) == 0 {
					t.Fatalf("pages of %d: an empty page after %q", size, got)
				}
				got = append(got, titles...)
				if next == "" || pages > 10 {
					break
				}
				cursor = next
			}
			if !slices.Equal(got, fromHome) {
				t.Fatalf("from 天河区 in pages of %d: %q, want %q", size, got, fromHome)
			}
		}
		// A region asked for is searched as asked, in start order.
		if got, _ := searchTitles(t, s, zhiyuan.ActivityFilter{Home: "440106", RegionPrefix: "4401"}); !slices.Equal(got, byStart[1:]) {
			t.Fatalf("广州 asked from home: %q", got)
		}
		for _, f := range []zhiyuan.ActivityFilter{{}, {Home: "440106"}} {
			if n, capped, err := s.CountActivities(ctx, f); err != nil || n != 5 || capped {
				t.Fatalf("count %+v: %d %v %v", f, n, capped, err)
			}
		}
		if n, _, err := s.CountActivities(ctx, zhiyuan.ActivityFilter{RegionPrefix: "4401", Query: "导览"}); err != nil || n != 1 {
			t.Fatalf("count of 导览 in 广州: %d %v", n, err)
		}
	})
}
