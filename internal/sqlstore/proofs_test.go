package sqlstore_test

import (
	"context"
	"testing"

	"zhiyuan"
	"zhiyuan/internal/sqlstore"
)

// TestProofSupersededByCorrection: a proof covering an entry is superseded once a
// confirmed correction it does not cover points at that entry, and not before.
func TestProofSupersededByCorrection(t *testing.T) {
	t.Parallel()
	eachLedger(t, 1, func(t *testing.T, f *hoursFixture) {
		ctx := context.Background()
		v := f.vols[0]
		f.checkin(v, f.clock.At("09:00"))
		_, e, err := f.checkout(t, v, f.clock.At("12:00"))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.ConfirmHourEntries(ctx, sqlstore.ConfirmInput{EntryIDs: []int64{e.ID}, ConfirmedBy: f.admin}); err != nil {
			t.Fatal(err)
		}
		ledger, err := f.s.ProofLedger(ctx, v)
		if err != nil || len(ledger) != 1 || !ledger[0].Confirmed || ledger[0].Activity != "社区长者探访" || ledger[0].Minutes != 180 {
			t.Fatalf("ledger %+v %v", ledger, err)
		}
		p := &zhiyuan.ServiceProof{Code: "7K3M9QXR2D5A", VolunteerID: v, IssuerName: "平台", MaskedName: "时*", VolunteerNo: "x",
			RecordCount: 1, TotalMinutes: 180, ChainHead: ledger[0].Hash, LastSeq: 1, RecordsHash: make([]byte, 32), EntryIDs: []int64{e.ID}}
		if err := f.s.CreateProof(ctx, p, []byte("%PDF")); err != nil {
			t.Fatal(err)
		}
		dup := *p
		if err := f.s.CreateProof(ctx, &dup, []byte("%PDF")); zhiyuan.ErrorFields(err)["code"] == "" {
			t.Fatalf("duplicate code: %v", err)
		}
		got, err := f.s.FindProofByCode(ctx, p.Code)
		if err != nil || got.Superseded || got.TotalMinutes != 180 || got.VolunteerID != v {
			t.Fatalf("proof %+v %v", got, err)
		}
		corr := &zhiyuan.HourEntry{VolunteerID: v, Kind: zhiyuan.HourCorrection, Minutes: -60, SessionID: f.session.ID, OrgID: f.org,
			CorrectsID: e.ID, Reason: "提前离场", RecordedBy: f.admin}
		if err := f.s.AppendHourEntry(ctx, corr, sqlstore.EntryPlace{MaxSessionMinutes: 180, SessionEndsAt: f.session.EndsAt},
			&zhiyuan.HourConfirmation{ConfirmedBy: f.admin}); err != nil {
			t.Fatal(err)
		}
		got, _ = f.s.FindProofByCode(ctx, p.Code)
		if !got.Superseded {
			t.Fatal("proof not superseded after a correction of its record")
		}
		// A proof made after the correction covers it and is current.
		p2 := *p
		p2.Code, p2.EntryIDs = "8K3M9QXR2D5A", []int64{e.ID, corr.ID}
		if err := f.s.CreateProof(ctx, &p2, []byte("%PDF")); err != nil {
			t.Fatal(err)
		}
		if got, _ := f.s.FindProofByCode(ctx, p2.Code); got.Superseded {
			t.Fatal("a proof covering the correction is superseded")
		}
		owner, pdf, err := f.s.ProofPDF(ctx, p.Code)
		if err != nil || owner != v || string(pdf) != "%PDF" {
			t.Fatalf("pdf %d %q %v", owner, pdf, err)
		}
	})
}
