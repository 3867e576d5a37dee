package sqlstore_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"zhiyuan"
	"zhiyuan/internal/sqlstore"
)

// strangers registers n volunteers with no sign-up for the fixture's session.
func (f *hoursFixture) strangers(t *testing.T, n int) []int64 {
	t.Helper()
	batch := make([]sqlstore.BulkVolunteer, n)
	for i := range batch {
		batch[i] = sqlstore.BulkVolunteer{Volunteer: &zhiyuan.Volunteer{Name: fmt.Sprintf("外市志愿者%d", i), IDType: zhiyuan.IDResident,
			IDNumberMasked: "440***********123X", Phone: fmt.Sprintf("133%08d", i), RegionCode: "440305",
			BirthDate: time.Date(1995, 1, 1, 0, 0, 0, 0, time.UTC), Sex: "male"},
			Secrets: sqlstore.VolunteerSecrets{PasswordHash: "h", IDNumberIndex: fmt.Sprintf("sx%d", i)}}
	}
	if err := f.s.BulkCreateVolunteers(context.Background(), batch); err != nil {
		t.Fatal(err)
	}
	ids := make([]int64, n)
	for i, b := range batch {
		ids[i] = b.Volunteer.ID
	}
	return ids
}

func (f *hoursFixture) makeup(vol, minutes int64) *zhiyuan.HourEntry {
	return &zhiyuan.HourEntry{VolunteerID: vol, Kind: zhiyuan.HourMakeup, Minutes: minutes, SessionID: f.session.ID, OrgID: f.org,
		Reason: "现场帮忙", RecordedBy: f.admin}
}

// TestHourOffersInTheStore: a make-up for a volunteer who signed up goes into the ledger;
// for a stranger it is an offer that leaves totals and chain alone, reaches the ledger on
// acceptance, never on dispute, and expires by the sweep, once.
func TestHourOffersInTheStore(t *testing.T) {
	t.Parallel()
	eachLedger(t, 1, func(t *testing.T, f *hoursFixture) {
		ctx := context.Background()
		f.clock.Set(f.clock.At("13:00"))
		place := sqlstore.EntryPlace{RegionCode: "440106", SessionEndsAt: f.session.EndsAt, MaxSessionMinutes: 180}
		expires := f.clock.At("13:00").Add(72 * time.Hour)
		e := f.makeup(f.vols[0], 60)
		if o, err := f.s.AppendOrOfferHourEntry(ctx, e, place, expires); err != nil || o != nil || e.ID == 0 {
			t.Fatalf("signed-up volunteer: offer %+v, entry %d, %v", o, e.ID, err)
		}
		st := f.strangers(t, 3)
		offers := make([]*zhiyuan.HourOffer, 3)
		for i, v := range st {
			o, err := f.s.AppendOrOfferHourEntry(ctx, f.makeup(v, 90), place, expires)
			if err != nil || o == nil || o.Status != zhiyuan.OfferPending {
				t.Fatalf("stranger %d: %+v %v", i, o, err)
			}
			offers[i] = o
			if tot, _ := f.s.HourTotals(ctx, v); tot.LastSeq != 0 || tot.PendingMinutes != 0 || tot.ConfirmedMinutes != 0 {
				t.Fatalf("an offer reached the totals: %+v", tot)
			}
		}
		// Only the volunteer it is for may answer.
		if _, err := f.s.AcceptHourOffer(ctx, offers[0].ID, st[1], place); zhiyuan.ErrorCode(err) != zhiyuan.ENotFound {
			t.Fatalf("someone else's offer: %v", err)
		}
		en, err := f.s.AcceptHourOffer(ctx, offers[0].ID, st[0], place)
		if err != nil || en.Minutes != 90 || en.Kind != zhiyuan.HourMakeup {
			t.Fatalf("accept: %+v %v", en, err)
		}
		if tot, _ := f.s.HourTotals(ctx, st[0]); tot.PendingMinutes != 90 || tot.LastSeq != 1 {
			t.Fatalf("accepted offer not in the totals: %+v", tot)
		}
		if err := f.s.DisputeHourOffer(ctx, offers[1].ID, st[1], "没去"); err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.AcceptHourOffer(ctx, offers[1].ID, st[1], place); err != sqlstore.ErrOfferSettled {
			t.Fatalf("accept after dispute: %v", err)
		}
		if tot, _ := f.s.HourTotals(ctx, st[1]); tot.LastSeq != 0 {
			t.Fatalf("disputed offer counted: %+v", tot)
		}
		f.clock.Set(expires)
		if err := f.s.DisputeHourOffer(ctx, offers[2].ID, st[2], "晚了"); err != sqlstore.ErrOfferExpired {
			t.Fatalf("dispute at expiry: %v", err)
		}
		for i, want := range []int{1, 0} {
			if n, err := f.s.ExpireHourOffers(ctx); err != nil || n != want {
				t.Fatalf("sweep %d: %d %v", i, n, err)
			}
		}
		got, err := f.s.FindHourOffer(ctx, offers[2].ID)
		if err != nil || got.Status != zhiyuan.OfferExpired || got.SettledAt.IsZero() {
			t.Fatalf("expired offer: %+v %v", got, err)
		}
		if r, err := f.s.VerifyLedger(ctx, 10); err != nil || !r.OK() {
			t.Fatalf("ledger: %+v %v", r, err)
		}
	})
}

// TestHourOfferAcceptAndDisputeAtOnce: the volunteer accepts and disputes the same offer
// at the same moment (two phones, a double tap): exactly one answer wins, and the ledger
// holds the entry exactly when acceptance won.
func TestHourOfferAcceptAndDisputeAtOnce(t *testing.T) {
	t.Parallel()
	eachLedger(t, 0, func(t *testing.T, f *hoursFixture) {
		ctx := context.Background()
		f.clock.Set(f.clock.At("13:00"))
		place := sqlstore.EntryPlace{RegionCode: "440106", SessionEndsAt: f.session.EndsAt, MaxSessionMinutes: 180}
		const rounds = 12
		st := f.strangers(t, rounds)
		accepted := 0
		for i, v := range st {
			o, err := f.s.AppendOrOfferHourEntry(ctx, f.makeup(v, 60), place, f.clock.At("13:00").Add(time.Hour))
			if err != nil || o == nil {
				t.Fatal(o, err)
			}
			var wg sync.WaitGroup
			var acceptErr, disputeErr, secondAccept error
			start := make(chan struct{})
			wg.Add(3)
			go func() { defer wg.Done(); <-start; _, acceptErr = f.s.AcceptHourOffer(ctx, o.ID, v, place) }()
			go func() { defer wg.Done(); <-start; disputeErr = f.s.DisputeHourOffer(ctx, o.ID, v, "不是我") }()
			go func() { defer wg.Done(); <-start; _, secondAccept = f.s.AcceptHourOffer(ctx, o.ID, v, place) }()
			close(start)
			wg.Wait()
			wins := 0
			for _, err := range []error{acceptErr, disputeErr, secondAccept} {
				switch {
				case err == nil:
					wins++
				case zhiyuan.ErrorCode(err) != zhiyuan.EConflict:
					t.Fatalf("round %d: unexpected error %v", i, err)
				}
			}
			if wins != 1 {
				t.Fatalf("round %d: %d answers won (accept %v, dispute %v, accept %v)", i, wins, acceptErr, disputeErr, secondAccept)
			}
			got, _ := f.s.FindHourOffer(ctx, o.ID)
			tot, _ := f.s.HourTotals(ctx, v)
			if disputeErr == nil {
				if got.Status != zhiyuan.OfferDisputed || tot.LastSeq != 0 {
					t.Fatalf("round %d: dispute won but %+v, totals %+v", i, got, tot)
				}
			} else {
				accepted++
				if got.Status != zhiyuan.OfferAccepted || got.EntryID == 0 || tot.LastSeq != 1 || tot.PendingMinutes != 60 {
					t.Fatalf("round %d: acceptance won but %+v, totals %+v", i, got, tot)
				}
			}
		}
		t.Logf("%d of %d rounds won by acceptance", accepted, rounds)
		if r, err := f.s.VerifyLedger(ctx, 10); err != nil || !r.OK() {
			t.Fatalf("ledger: %+v %v", r, err)
		}
	})
}
