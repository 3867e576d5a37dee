package demo

import (
	"context"
	"strings"
	"testing"

	"zhiyuan"
	"zhiyuan/internal/app"
	"zhiyuan/internal/sqlstore/storetest"
)

// TestDemoRecommendations fills the demo and checks what the README promises: 张小红
// (13800000001) opens 为你推荐 and sees sessions with why, the published activity of
// the need 广州市义工联合会 took among them (她擅长的急救, in her district) and the
// categories she served before; 服务需求 lists open needs, a taken one and one served and
// rated, whose rating the association's page counts.
func TestDemoRecommendations(t *testing.T) {
	t.Parallel()
	for _, engine := range storetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			a, store := orgTestApp(t, engine)
			if _, err := Fill(ctx, a, store, Options{Volunteers: 300, Seed: 1}); err != nil {
				t.Fatal(err)
			}
			acc, _, err := store.FindAccountByPhone(ctx, "13800000001")
			if err != nil {
				t.Fatal(err)
			}
			p := &zhiyuan.Principal{AccountID: acc.ID, Name: acc.Name, Roles: acc.Roles}
			recs, err := a.Recommendations(ctx, p, "", "")
			if err != nil {
				t.Fatal(err)
			}
			var all []string
			need, served := false, false
			for _, r := range recs {
				reason := strings.Join(r.Reasons, " · ")
				all = append(all, r.Activity.Title+"："+reason)
				if len(r.Reasons) == 0 {
					t.Errorf("%s is recommended without a reason", r.Activity.Title)
				}
				if r.Activity.Title == "社区义诊量血压" && strings.Contains(reason, "你擅长的急救") && strings.Contains(reason, "就在你所在的区县") {
					need = true
				}
				if strings.Contains(reason, "你参加过") {
					served = true
				}
			}
			if len(recs) < 5 || !need || !served {
				t.Fatalf("张小红's recommendations (want ≥5, the taken need's activity for her first aid, a category she served):\n%s",
					strings.Join(all, "\n"))
			}

			open, err := a.Needs(ctx, nil, app.NeedQuery{Status: "open"})
			if err != nil || len(open) < 3 {
				t.Fatalf("open needs: %+v %v", open, err)
			}
			rated, err := a.Needs(ctx, nil, app.NeedQuery{Status: "served"})
			if err != nil || len(rated) != 1 {
				t.Fatalf("served needs: %+v %v", rated, err)
			}
			n, err := a.Need(ctx, nil, rated[0].ID)
			if err != nil || n.Rating != 5 || n.SessionsHeld != 1 || n.ConfirmedMinutes == 0 || len(n.TakenBy) != 1 {
				t.Fatalf("the rated need: %+v %v", n, err)
			}
			r, err := a.OrgNeedRatings(ctx, n.TakenBy[0].OrgID)
			if err != nil || r.Count != 1 || r.Average != 5 {
				t.Fatalf("the association's need ratings: %+v %v", r, err)
			}
		})
	}
}
