package main

import (
	"strings"
	"testing"

	"zhiyuan/internal/sqlstore/storetest"
)

// TestFiguresVerifyRebuild: `zhiyuan figures verify` passes on a database written through
// the store, exits 1 naming the row after one summary row is edited by hand, and passes
// again after `zhiyuan figures rebuild`.
func TestFiguresVerifyRebuild(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			args, s, _, _ := ledgerFixture(t, engine, 3, func(j int) bool { return j%2 == 0 })
			stdout, stderr, exit := run(t, nil, append([]string{"figures", "verify"}, args...)...)
			if exit != 0 || !strings.Contains(stdout, "figures OK") {
				t.Fatalf("intact: exit %d\n%s%s", exit, stdout, stderr)
			}
			// Confirmed make-ups of 60 and 120 minutes for each of 3 volunteers, in 越秀区.
			var minutes int64
			if err := s.DB().QueryRow(`SELECT SUM(minutes) FROM fig_region WHERE region_code = '440104'`).Scan(&minutes); err != nil || minutes != 3*(60+120) {
				t.Fatalf("越秀区 minutes %d %v", minutes, err)
			}
			if _, err := s.DB().Exec(`UPDATE fig_org SET minutes = minutes - 30`); err != nil {
				t.Fatal(err)
			}
			s.Close()
			stdout, stderr, exit = run(t, nil, append([]string{"figures", "verify"}, args...)...)
			if exit != 1 || !strings.Contains(stdout, "MISMATCH: fig_org (org_id=") || !strings.Contains(stdout, "stored activities=0 sessions=0 signups=0 minutes=510") ||
				!strings.Contains(stdout, "minutes=540") || !strings.Contains(stderr, "figures verification failed") {
				t.Fatalf("edited: exit %d\n%s%s", exit, stdout, stderr)
			}
			if stdout, stderr, exit = run(t, nil, append([]string{"figures", "rebuild"}, args...)...); exit != 0 {
				t.Fatalf("rebuild: exit %d\n%s%s", exit, stdout, stderr)
			}
			stdout, stderr, exit = run(t, nil, append([]string{"figures", "verify"}, args...)...)
			if exit != 0 || !strings.Contains(stdout, "figures OK") {
				t.Fatalf("rebuilt: exit %d\n%s%s", exit, stdout, stderr)
			}
		})
	}
}
