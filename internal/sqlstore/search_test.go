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

func TestSearchTerms(t *testing.T) {
	t.Parallel()
	got := sqlstore.SearchTerms("社区敬老·Red Cross 2026")
	want := []string{"社区", "区敬", "敬老", "red", "cross", "2026"}
	if !slices.Equal(got, want) {
		t.Fatalf("terms %q, want %q", got, want)
	}
	if got := sqlstore.SearchTerms("老老老 老"); !slices.Equal(got, []string{"老老", "老"}) {
		t.Fatalf("duplicates: %q", got)
	}
}

func searchTitles(t *testing.T, s *sqlstore.Store, f zhiyuan.ActivityFilter) ([]string, string) {
	t.Helper()
	hits, next, err := s.FindActivities(context.Background(), f)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, h := range hits {
		out = append(out, h.Activity.Title)
	}
	return out, next
}

func TestFindActivities(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		f := newActivityFixture(t, s, 5, func(a *zhiyuan.Activity) { a.Title = "天河敬老院探访" })
		day := func(d int) func(a *zhiyuan.Activity) {
			return func(a *zhiyuan.Activity) {
				a.Sessions[0].StartsAt = a.Sessions[0].StartsAt.Add(time.Duration(d) * 24 * time.Hour)
				a.Sessions[0].EndsAt = a.Sessions[0].StartsAt.Add(2 * time.Hour)
			}
		}
		with := func(fs ...func(a *zhiyuan.Activity)) func(a *zhiyuan.Activity) {
			return func(a *zhiyuan.Activity) {
				for _, f := range fs {
					f(a)
				}
			}
		}
		// Shenzhen, environment, two days later; far from Guangzhou.
		newActivity(t, s, f.admin, f.org.ID, "深圳湾海滩清洁", 5, with(day(2), func(a *zhiyuan.Activity) {
			a.RegionCode, a.Category, a.Description = "440305", zhiyuan.CatEnvironment, "捡拾海滩垃圾 beach cleanup"
			a.Lat, a.Lng = 22.52, 113.95
		}))
		newActivity(t, s, f.admin, f.org.ID, "越秀长者助餐", 1, with(day(1), func(a *zhiyuan.Activity) { a.RegionCode = "440104" }))
		draft := &zhiyuan.Activity{OrgID: f.org.ID, Title: "敬老草稿", Category: zhiyuan.CatElderly, RegionCode: "440106", Address: "某地",
			Sessions: []zhiyuan.ActivitySession{{StartsAt: s.Now().Add(time.Hour), EndsAt: s.Now().Add(2 * time.Hour), Capacity: 1}}}
		if err := s.CreateActivity(ctx, draft, f.admin); err != nil {
			t.Fatal(err)
		}

		all, _ := searchTitles(t, s, zhiyuan.ActivityFilter{})
		if !slices.Equal(all, []string{"天河敬老院探访", "越秀长者助餐", "深圳湾海滩清洁"}) {
			t.Fatalf("all published, by start: %q", all)
		}
		cases := []struct {
			name string
			f    zhiyuan.ActivityFilter
			want []string
		}{
			{"chinese word", zhiyuan.ActivityFilter{Query: "敬老"}, []string{"天河敬老院探访"}},
			{"chinese phrase in description", zhiyuan.ActivityFilter{Query: "海滩垃圾"}, []string{"深圳湾海滩清洁"}},
			{"one character", zhiyuan.ActivityFilter{Query: "餐"}, []string{"越秀长者助餐"}},
			{"english word any case", zhiyuan.ActivityFilter{Query: "Beach"}, []string{"深圳湾海滩清洁"}},
			{"words not together", zhiyuan.ActivityFilter{Query: "敬老 海滩"}, nil},
			{"no match", zhiyuan.ActivityFilter{Query: "消防"}, nil},
			{"punctuation only", zhiyuan.ActivityFilter{Query: "！？"}, nil},
			{"city subtree", zhiyuan.ActivityFilter{RegionPrefix: "4401"}, []string{"天河敬老院探访", "越秀长者助餐"}},
			{"county", zhiyuan.ActivityFilter{RegionPrefix: "440305"}, []string{"深圳湾海滩清洁"}},
			{"category", zhiyuan.ActivityFilter{Category: zhiyuan.CatEnvironment}, []string{"深圳湾海滩清洁"}},
			{"text and region", zhiyuan.ActivityFilter{Query: "长者", RegionPrefix: "440104"}, []string{"越秀长者助餐"}},
			{"from", zhiyuan.ActivityFilter{From: f.activity.StartsAt.Add(time.Hour)}, []string{"越秀长者助餐", "深圳湾海滩清洁"}},
			{"to", zhiyuan.ActivityFilter{To: f.activity.StartsAt.Add(time.Hour)}, []string{"天河敬老院探访"}},
			{"near guangzhou", zhiyuan.ActivityFilter{Near: &zhiyuan.LatLng{Lat: 23.13, Lng: 113.33}, WithinKm: 20}, []string{"天河敬老院探访", "越秀长者助餐"}},
			{"near shenzhen by distance", zhiyuan.ActivityFilter{Near: &zhiyuan.LatLng{Lat: 22.53, Lng: 113.94}, WithinKm: 200, Sort: zhiyuan.SortDistance},
				[]string{"深圳湾海滩清洁", "天河敬老院探访", "越秀长者助餐"}},
		}
		for _, c := range cases {
			got, _ := searchTitles(t, s, c.f)
			if !slices.Equal(got, c.want) {
				t.Errorf("%s: %q, want %q", c.name, got, c.want)
			}
		}

		// Open seats: fill the one seat of 越秀长者助餐 (no waitlist needed to be full).
		hits, _, _ := s.FindActivities(ctx, zhiyuan.ActivityFilter{Query: "助餐"})
		full := hits[0].Activity
		full, _ = s.FindActivityByID(ctx, full.ID)
		vol := orgVolunteers(t, s, 1, 1)[0]
		se := full.Sessions[0]
		if _, err := s.CreateSignup(ctx, sqlstore.SignupRequest{SessionID: se.ID, ActivityID: full.ID, VolunteerID: vol,
			Mode: full.SignupMode, StartsAt: se.StartsAt, EndsAt: se.EndsAt}); err != nil {
			t.Fatal(err)
		}
		open, _ := searchTitles(t, s, zhiyuan.ActivityFilter{Open: true})
		if !slices.Equal(open, []string{"天河敬老院探访", "深圳湾海滩清洁"}) {
			t.Fatalf("open only: %q", open)
		}

		// Pages of one, by start and by distance, visit everything once.
		for _, sort := range []zhiyuan.ActivitySort{zhiyuan.SortStart, zhiyuan.SortDistance} {
			var seen []string
			cursor := ""
			for range 5 {
				f := zhiyuan.ActivityFilter{Limit: 1, Cursor: cursor, Sort: sort}
				if sort == zhiyuan.SortDistance {
					f.Near, f.WithinKm = &zhiyuan.LatLng{Lat: 22.53, Lng: 113.94}, 200
				}
				page, next := searchTitles(t, s, f)
				seen = append(seen, page...)
				if cursor = next; cursor == "" {
					break
				}
			}
			if len(seen) != 3 {
				t.Fatalf("pages by %s: %q", sort, seen)
			}
		}
		if _, _, err := s.FindActivities(ctx, zhiyuan.ActivityFilter{Cursor: "garbage!"}); zhiyuan.ErrorFields(err)["cursor"] == "" {
			t.Fatalf("bad cursor: %v", err)
		}

		// Editing the title re-indexes; closing takes it out of search.
		a, _ := s.FindActivityByID(ctx, f.activity.ID)
		a.Title = "天河助老服务"
		if err := s.UpdateActivity(ctx, a); err != nil {
			t.Fatal(err)
		}
		if got, _ := searchTitles(t, s, zhiyuan.ActivityFilter{Query: "敬老"}); len(got) != 0 {
			t.Fatalf("old title still found: %q", got)
		}
		if got, _ := searchTitles(t, s, zhiyuan.ActivityFilter{Query: "助老"}); !slices.Equal(got, []string{"天河助老服务"}) {
			t.Fatalf("new title: %q", got)
		}
		if _, err := s.EndActivity(ctx, a.ID, zhiyuan.ActivityClosed, zhiyuan.ActivityNotice(zhiyuan.NoticeActivityClosed, a.Title, a.ID)); err != nil {
			t.Fatal(err)
		}
		if got, _ := searchTitles(t, s, zhiyuan.ActivityFilter{Query: "助老"}); len(got) != 0 {
			t.Fatalf("closed activity found: %q", got)
		}
		// Finishing ended activities closes them without touching current ones.
		n, err := s.FinishEndedActivities(ctx, s.Now().Add(30*24*time.Hour), 100)
		if err != nil || n != 2 {
			t.Fatalf("finished %d %v", n, err)
		}
		if got, _ := searchTitles(t, s, zhiyuan.ActivityFilter{}); len(got) != 0 {
			t.Fatalf("after finishing: %q", got)
		}
	})
}
