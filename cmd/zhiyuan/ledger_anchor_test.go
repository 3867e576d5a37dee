package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"

	"zhiyuan"
	"zhiyuan/internal/proof"
	"zhiyuan/internal/sqlstore/storetest"
)

// TestLedgerVerifyTruncation is the attack of issue 9: an operator lifts the append-only
// triggers, deletes a volunteer's last entry and its confirmation, lowers the totals to
// match and puts the triggers back. Every chain still links and the totals agree, but
// `ledger verify` exits 1 naming the proof that printed the deleted head (by code, the
// volunteer by number) and the anchor that covered it (by day). An anchor altered
// afterwards is named too.
func TestLedgerVerifyTruncation(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			args, s, vols, entries := ledgerFixture(t, engine, 2, func(int) bool { return true })
			defer s.Close()
			ctx := context.Background()
			last := entries[2:4] // the first volunteer's last two entries
			victim, before := vols[0], last[0]
			deleted := last[1]
			// A proof printed from the victim's chain head, as IssueProof stores it.
			sp := &zhiyuan.ServiceProof{Code: proof.NewProofCode(), VolunteerID: victim.ID, IssuerName: "志愿服务信息平台", MaskedName: "志*",
				VolunteerNo: victim.VolunteerNo, RecordCount: 4, TotalMinutes: 420, ChainHead: deleted.Hash, LastSeq: deleted.Seq,
				RecordsHash: deleted.Hash, EntryIDs: []int64{deleted.ID}, CreatedBy: victim.AccountID}
			if err := s.CreateProof(ctx, sp, []byte("%PDF")); err != nil {
				t.Fatal(err)
			}
			// The day's anchor, signed with the data folder's key as serve would.
			signer, err := proof.LoadOrCreateSigner(args[1])
			if err != nil {
				t.Fatal(err)
			}
			if _, created, err := s.CreateAnchor(ctx, "2026-12-05", signer.SignAnchor); err != nil || !created {
				t.Fatalf("anchor: created %v, %v", created, err)
			}

			stdout, stderr, exit := run(t, nil, append([]string{"ledger", "verify"}, args...)...)
			if exit != 0 || !strings.Contains(stdout, "checked 8 entries in 2 chains, 8 confirmations and 1 proofs") ||
				!strings.Contains(stdout, "checked 1 anchors covering 2 chain heads") || !strings.Contains(stdout, "anchors OK") {
				t.Fatalf("intact ledger: exit %d\n%s%s", exit, stdout, stderr)
			}

			// The attack, with the triggers put back afterwards.
			lift, restore := []string{"DROP TRIGGER hour_entries_no_delete", "DROP TRIGGER hour_confirmations_no_delete"},
				[]string{`CREATE TRIGGER hour_entries_no_delete BEFORE DELETE ON hour_entries BEGIN SELECT RAISE(ABORT, 'append-only'); END`,
					`CREATE TRIGGER hour_confirmations_no_delete BEFORE DELETE ON hour_confirmations BEGIN SELECT RAISE(ABORT, 'append-only'); END`}
			if engine == "postgres" {
				lift = []string{"ALTER TABLE hour_entries DISABLE TRIGGER hour_entries_append_only", "ALTER TABLE hour_confirmations DISABLE TRIGGER hour_confirmations_append_only"}
				restore = []string{"ALTER TABLE hour_entries ENABLE TRIGGER hour_entries_append_only", "ALTER TABLE hour_confirmations ENABLE TRIGGER hour_confirmations_append_only"}
			}
			tamper := append(lift,
				"DELETE FROM proof_entries WHERE entry_id = ?",
				"DELETE FROM hour_confirmations WHERE entry_id = ?",
				"DELETE FROM hour_entries WHERE id = ?")
			for _, q := range tamper {
				var err error
				if strings.Contains(q, "?") {
					_, err = s.DB().Exec(s.Rebind(q), deleted.ID)
				} else {
					_, err = s.DB().Exec(q)
				}
				if err != nil {
					t.Fatalf("%s: %v", q, err)
				}
			}
			if _, err := s.DB().Exec(s.Rebind(`UPDATE volunteer_hour_totals SET confirmed_minutes = confirmed_minutes - ?, last_seq = ?, head_hash = ?
				WHERE volunteer_id = ?`), deleted.Minutes, before.Seq, before.Hash, victim.ID); err != nil {
				t.Fatal(err)
			}
			for _, q := range restore {
				if _, err := s.DB().Exec(q); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
			}

			stdout, stderr, exit = run(t, nil, append([]string{"ledger", "verify"}, args...)...)
			wantProof := fmt.Sprintf("MISMATCH: proof %s (volunteer %s): names seq 4 head %x", sp.Code, victim.VolunteerNo, deleted.Hash[:6])
			wantAnchor := fmt.Sprintf("ANCHOR MISMATCH: anchor 2026-12-05: volunteer %s: anchored seq 4", victim.VolunteerNo)
			if exit != 1 || !strings.Contains(stdout, wantProof) || !strings.Contains(stdout, wantAnchor) || !strings.Contains(stderr, "ledger verification failed") {
				t.Fatalf("truncated chain: exit %d, want 1 with\n%s\n%s\n%s%s", exit, wantProof, wantAnchor, stdout, stderr)
			}
			// Nothing else gives the truncation away: the chains link and the totals agree.
			if strings.Contains(stdout, "BROKEN") || strings.Count(stdout, "MISMATCH") != 2 || strings.Contains(stdout, "append-only") {
				t.Errorf("the truncation should show only through the proof and the anchor:\n%s", stdout)
			}
			if strings.Contains(stdout, victim.Phone) || strings.Contains(stdout, victim.Name) {
				t.Errorf("report names the volunteer by personal data:\n%s", stdout)
			}

			// The next day's anchor covers the truncated chain; altering its signature is
			// reported against its day.
			a2, created, err := s.CreateAnchor(ctx, "2026-12-06", signer.SignAnchor)
			if err != nil || !created {
				t.Fatalf("second anchor: created %v, %v", created, err)
			}
			lift = []string{"DROP TRIGGER ledger_anchors_no_update"}
			if engine == "postgres" {
				lift = []string{"ALTER TABLE ledger_anchors DISABLE TRIGGER ledger_anchors_append_only"}
			}
			for _, q := range lift {
				if _, err := s.DB().Exec(q); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := s.DB().Exec(s.Rebind("UPDATE ledger_anchors SET chain_count = 1 WHERE id = ?"), a2.ID); err != nil {
				t.Fatal(err)
			}
			stdout, _, exit = run(t, nil, append([]string{"ledger", "verify"}, args...)...)
			if want := "ANCHOR MISMATCH: anchor 2026-12-06: stored hash"; exit != 1 || !strings.Contains(stdout, want) {
				t.Fatalf("altered anchor: exit %d, want %q\n%s", exit, want, stdout)
			}
			// Checked against another platform's published keys, no anchor verifies.
			other, _ := proof.NewSigner()
			keys := t.TempDir() + "/keys.json"
			writeJSON(t, keys, other.JWKS())
			stdout, _, exit = run(t, nil, append([]string{"ledger", "verify", "--keys", keys}, args...)...)
			if exit != 1 || !strings.Contains(stdout, "ANCHOR MISMATCH: anchor 2026-12-05: anchor signature does not verify") {
				t.Fatalf("foreign keys: exit %d\n%s", exit, stdout)
			}
		})
	}
}

func writeJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}
