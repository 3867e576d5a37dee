package demo

import (
	"bytes"
	"context"
	"image/jpeg"
	"testing"

	"zhiyuan"
	"zhiyuan/internal/sqlstore/storetest"
)

// TestDemoCampaign fills the demo and checks what 主题活动 shows: the 2027 学雷锋志愿服务月
// over 广东 with activities from more than one city entered, hours in its figures, and a
// city ranking by hours in order whose hours add up to the campaign's, and a cover.
func TestDemoCampaign(t *testing.T) {
	t.Parallel()
	for _, engine := range storetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			a, store := orgTestApp(t, engine)
			if _, err := Fill(ctx, a, store, Options{Volunteers: 300, Seed: 1}); err != nil {
				t.Fatal(err)
			}
			list, err := a.Campaigns(ctx)
			if err != nil || len(list) != 1 || list[0].Name != "2027年学雷锋志愿服务月" || list[0].RegionCode != "440000" {
				t.Fatalf("campaigns: %+v %v", list, err)
			}
			// Its cover, drawn in Go, went through the upload path: a JPEG at the cover's size.
			cover, v, err := a.CampaignCover(ctx, list[0].ID)
			if err != nil || v != 1 || list[0].CoverPath() == "" {
				t.Fatalf("demo cover: version %d, %v", v, err)
			}
			if img, err := jpeg.Decode(bytes.NewReader(cover)); err != nil || img.Bounds().Dx() != zhiyuan.CampaignCoverWidth {
				t.Fatalf("demo cover is not a %d-wide JPEG: %v", zhiyuan.CampaignCoverWidth, err)
			}
			f, err := a.CampaignFigures(ctx, list[0].ID)
			if err != nil || f.Activities < 2 || f.Minutes <= 0 || f.Participants <= 0 || len(f.ByCity) < 2 || len(f.ByDay) == 0 {
				t.Fatalf("figures: %+v %v", f, err)
			}
			rows, err := a.CampaignRanking(ctx, list[0].ID, zhiyuan.RankCity, zhiyuan.RankHours)
			if err != nil {
				t.Fatal(err)
			}
			var sum int64
			for i, r := range rows {
				sum += r.Minutes
				if i > 0 && r.Minutes > rows[i-1].Minutes {
					t.Fatalf("ranking out of order: %+v", rows)
				}
			}
			if sum != f.Minutes {
				t.Fatalf("cities add up to %d minutes, the campaign has %d", sum, f.Minutes)
			}
		})
	}
}
