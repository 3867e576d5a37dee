package demo

import (
	"context"
	"testing"

	"zhiyuan"
	"zhiyuan/internal/sqlstore/storetest"
)

// TestDemoCompetition fills the demo and checks what 益苗计划 shows: the round with two
// passed and scored projects, a training session ahead for both passed teams, and every
// application carrying its plan as a stored PDF attachment.
func TestDemoCompetition(t *testing.T) {
	t.Parallel()
	for _, engine := range storetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			a, store := orgTestApp(t, engine)
			if _, err := Fill(ctx, a, store, Options{Volunteers: 300, Seed: 1}); err != nil {
				t.Fatal(err)
			}
			list, err := a.Competitions(ctx)
			if err != nil || len(list) != 1 {
				t.Fatalf("rounds: %+v %v", list, err)
			}
			acc, _, err := store.FindAccountByPhone(ctx, "13900000001")
			if err != nil {
				t.Fatal(err)
			}
			province := &zhiyuan.Principal{AccountID: acc.ID, Name: acc.Name, Roles: acc.Roles}
			b, err := a.Trainings(ctx, province, list[0].ID)
			if err != nil || len(b.Trainings) != 1 || len(b.Trainings[0].ProjectIDs) != 2 || len(b.Projects) != 2 {
				t.Fatalf("training board: %+v %v", b, err)
			}
			for _, pj := range b.Projects {
				if pj.Training.Status != zhiyuan.TrainingScheduled || pj.Score == nil {
					t.Fatalf("passed project %s: training %+v score %v", pj.Name, pj.Training, pj.Score)
				}
			}
			var n int
			if err := store.DB().QueryRow(store.Rebind(`SELECT COUNT(*) FROM competition_attachments a JOIN competition_projects p ON p.id = a.project_id
				WHERE p.competition_id = ? AND a.kind = 'pdf'`), list[0].ID).Scan(&n); err != nil {
				t.Fatal(err)
			}
			var projects int
			if err := store.DB().QueryRow(store.Rebind(`SELECT COUNT(*) FROM competition_projects WHERE competition_id = ?`), list[0].ID).Scan(&projects); err != nil {
				t.Fatal(err)
			}
			if projects == 0 || n != projects {
				t.Fatalf("%d PDFs on %d projects", n, projects)
			}
			var data []byte
			if err := store.DB().QueryRow(`SELECT data FROM competition_attachments ORDER BY id LIMIT 1`).Scan(&data); err != nil {
				t.Fatal(err)
			}
			if !zhiyuan.LooksLikePDF(data) {
				t.Fatalf("the demo attachment is not a PDF: %q", data)
			}
		})
	}
}
