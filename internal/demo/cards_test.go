package demo

import (
	"context"
	"testing"

	"zhiyuan"
	"zhiyuan/internal/app"
	"zhiyuan/internal/proof"
	"zhiyuan/internal/sqlstore/storetest"
	"zhiyuan/internal/testneed"
)

// TestDemoCards fills the demo and checks what a newcomer opens first: 张小红's issued
// card, whose QR payload verifies, and her proof of service, whose code checks; and the
// card work waiting for the 广州 and 深圳 admins.
func TestDemoCards(t *testing.T) {
	t.Parallel()
	_, err := proof.FindFont("") // the demo issues her proof only with a font to print it
	testneed.Font.MissingIf(t, err)
	for _, engine := range storetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			a, store := orgTestApp(t, engine)
			if _, err := Fill(ctx, a, store, Options{Volunteers: 600, Seed: 1}); err != nil {
				t.Fatal(err)
			}
			acc, _, err := store.FindAccountByPhone(ctx, "13800000001")
			if err != nil {
				t.Fatal(err)
			}
			p := &zhiyuan.Principal{AccountID: acc.ID, Name: acc.Name, Roles: acc.Roles}
			card, err := a.MyCard(ctx, p)
			if err != nil {
				t.Fatal(err)
			}
			if card.Card.Status != zhiyuan.CardActive || card.Payload == "" {
				t.Fatalf("张小红's card: %+v", card.Card)
			}
			check, err := a.VerifyCard(ctx, card.Payload)
			if err != nil || !check.Valid || check.MaskedName == "" {
				t.Fatalf("card check: %+v %v", check, err)
			}
			proofs, err := a.MyProofs(ctx, p)
			if err != nil || len(proofs) != 1 {
				t.Fatalf("张小红's proofs: %d %v", len(proofs), err)
			}
			sp, err := a.CheckProof(ctx, proofs[0].Code)
			if err != nil || sp.Superseded || sp.TotalMinutes != 98*60 {
				t.Fatalf("proof check: %+v %v", sp, err)
			}
			if _, err := a.MyProofPDF(ctx, p, sp.Code); err != nil {
				t.Fatalf("proof PDF: %v", err)
			}

			for _, city := range []string{"440100", "440300"} {
				admin, err := demoCityAdmin(ctx, a, store, city)
				if err != nil {
					t.Fatal(err)
				}
				pending, err := a.CardApplications(ctx, admin, app.CardQuery{Status: string(zhiyuan.AppSubmitted)})
				if err != nil || len(pending) < 5 {
					t.Fatalf("%s pending: %d %v", city, len(pending), err)
				}
				approved, err := a.CardApplications(ctx, admin, app.CardQuery{Status: string(zhiyuan.AppApproved)})
				if err != nil || len(approved) == 0 {
					t.Fatalf("%s approved awaiting a batch: %d %v", city, len(approved), err)
				}
			}
			var printed, revoked int
			db := store.DB()
			db.QueryRow("SELECT COUNT(*) FROM card_batches WHERE status = 'printed'").Scan(&printed)
			db.QueryRow("SELECT COUNT(*) FROM cards WHERE status = 'revoked'").Scan(&revoked)
			if printed != 1 || revoked != 1 {
				t.Fatalf("printed batches %d, revoked cards %d", printed, revoked)
			}
		})
	}
}
