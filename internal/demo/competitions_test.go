package demo

import (
	"context"
	"testing"

	"zhiyuan"
	"zhiyuan/internal/sqlstore/storetest"
)

// TestDemoCompetitionAttachments fills the demo and checks that every application of
// the 2027 益苗计划 carries its plan as a stored PDF attachment.
func TestDemoCompetitionAttachments(t *testing.T) {
	t.Parallel()
	for _, engine := range storetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			a, store := orgTestApp(t, engine)
			if _, err := Fill(ctx, a, store, Options{Volunteers: 300, Seed: 1}); err != nil {
				t.Fatal(err)
			}
			rounds, err := a.Competitions(ctx)
			if err != nil || len(rounds) != 1 {
				t.Fatalf("rounds: %+v %v", rounds, err)
			}
			var n int
			if err := store.DB().QueryRow(store.Rebind(`SELECT COUNT(*) FROM competition_attachments a JOIN competition_projects p ON p.id = a.project_id
				WHERE p.competition_id = ? AND a.kind = 'pdf'`), rounds[0].ID).Scan(&n); err != nil {
				t.Fatal(err)
			}
			var projects int
			if err := store.DB().QueryRow(store.Rebind(`SELECT COUNT(*) FROM competition_projects WHERE competition_id = ?`), rounds[0].ID).Scan(&projects); err != nil {
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
