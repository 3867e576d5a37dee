package demo

import (
	"context"
	"testing"

	"zhiyuan"
	"zhiyuan/internal/sqlstore/storetest"
)

// TestDemoCredit fills the demo and checks what the credit pages show: 张小红 with one
// no-show mark, appealed and waiting for 广州市's decision, the demo's other no-shows
// each with its mark, and 广州市义工联合会's policy covering its activities.
func TestDemoCredit(t *testing.T) {
	t.Parallel()
	for _, engine := range storetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			a, s := orgTestApp(t, engine)
			if _, err := Fill(ctx, a, s, Options{Volunteers: 600, Seed: 1}); err != nil {
				t.Fatal(err)
			}
			acc, _, err := s.FindAccountByPhone(ctx, "13800000001")
			if err != nil {
				t.Fatal(err)
			}
			v, err := s.FindVolunteerByAccountID(ctx, acc.ID)
			if err != nil {
				t.Fatal(err)
			}
			marks, err := s.FindCreditMarks(ctx, v.ID)
			if err != nil || len(marks) != 1 || marks[0].Appeal != zhiyuan.AppealPending || marks[0].OrgRegion[:4] != "4401" {
				t.Fatalf("张小红's marks: %+v %v", marks, err)
			}
			var noShows, marked int
			s.DB().QueryRow("SELECT COUNT(*) FROM signups WHERE status = 'no_show'").Scan(&noShows)
			s.DB().QueryRow("SELECT COUNT(*) FROM credit_marks WHERE kind = 'no_show'").Scan(&marked)
			if noShows == 0 || marked != noShows {
				t.Fatalf("%d no-shows, %d marks", noShows, marked)
			}
			policies, err := s.FindOrgPolicies(ctx, marks[0].OrgID)
			if err != nil || len(policies) != 1 || !policies[0].AllActivities {
				t.Fatalf("policies: %+v %v", policies, err)
			}
		})
	}
}
