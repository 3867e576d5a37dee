package sqlstore_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"zhiyuan"
	"zhiyuan/internal/proof"
	"zhiyuan/internal/sqlstore"
	"zhiyuan/internal/sqlstore/storetest"
)

// cardVolunteers registers n volunteers in region and returns their ids.
func cardVolunteers(t testing.TB, s *sqlstore.Store, first, n int, region string) []int64 {
	t.Helper()
	batch := make([]sqlstore.BulkVolunteer, n)
	vs := make([]*zhiyuan.Volunteer, n)
	for i := range n {
		vs[i] = &zhiyuan.Volunteer{Name: fmt.Sprintf("持证志愿者%d", first+i), IDType: zhiyuan.IDResident, IDNumberMasked: "440***********123X",
			Phone: fmt.Sprintf("137%08d", first+i), RegionCode: region, BirthDate: time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC), Sex: "female"}
		batch[i] = sqlstore.BulkVolunteer{Volunteer: vs[i], Secrets: sqlstore.VolunteerSecrets{PasswordHash: "h", IDNumberIndex: fmt.Sprintf("cx%d", first+i)}}
	}
	if err := s.BulkCreateVolunteers(context.Background(), batch); err != nil {
		t.Fatal(err)
	}
	ids := make([]int64, n)
	for i, v := range vs {
		ids[i] = v.ID
	}
	return ids
}

func apply(t *testing.T, s *sqlstore.Store, vol int64, region string) (*zhiyuan.CardApplication, error) {
	t.Helper()
	a := &zhiyuan.CardApplication{VolunteerID: vol, RegionCode: region, Delivery: zhiyuan.DeliveryAddress, DeliveryAddress: "广州市天河区五山路1号"}
	err := s.CreateCardApplication(context.Background(), a, []byte("\xFF\xD8\xFFphoto"))
	return a, err
}

func TestCardLifecycle(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		admin := orgAccount(t, s, "13900000001")
		tianhe := cardVolunteers(t, s, 0, 3, "440106")
		futian := cardVolunteers(t, s, 100, 1, "440304")
		var apps []int64
		for _, v := range tianhe {
			a, err := apply(t, s, v, "440106")
			if err != nil {
				t.Fatal(err)
			}
			apps = append(apps, a.ID)
		}
		if _, err := apply(t, s, tianhe[0], "440106"); zhiyuan.ErrorCode(err) != zhiyuan.EConflict {
			t.Fatalf("second open application: %v", err)
		}
		sz, err := apply(t, s, futian[0], "440304")
		if err != nil {
			t.Fatal(err)
		}
		guangzhou := []string{"440100"}
		// A Guangzhou admin cannot approve a Shenzhen application: nothing changes.
		if _, err := s.DecideCardApplications(ctx, []int64{apps[0], sz.ID}, true, "", admin, guangzhou, nil); zhiyuan.ErrorCode(err) != zhiyuan.EConflict {
			t.Fatalf("approve outside scope: %v", err)
		}
		if a, _ := s.FindCardApplicationByID(ctx, apps[0]); a.Status != zhiyuan.AppSubmitted {
			t.Fatalf("all-or-nothing broken: %s", a.Status)
		}
		if n, err := s.DecideCardApplications(ctx, apps[:2], true, "", admin, guangzhou, nil); err != nil || n != 2 {
			t.Fatalf("approve: %d %v", n, err)
		}
		if _, err := s.DecideCardApplications(ctx, apps[:1], true, "", admin, guangzhou, nil); zhiyuan.ErrorCode(err) != zhiyuan.EConflict {
			t.Fatalf("approve twice: %v", err)
		}
		if n, err := s.DecideCardApplications(ctx, apps[2:], false, "照片不清晰", admin, guangzhou, nil); err != nil || n != 1 {
			t.Fatalf("reject: %d %v", n, err)
		}
		// A batch may only take approved applications.
		if _, err := s.CreateCardBatch(ctx, apps, "440100", guangzhou, 2026, admin, proof.MakeCardNumber, nil); zhiyuan.ErrorCode(err) != zhiyuan.EConflict {
			t.Fatalf("batch with a rejected application: %v", err)
		}
		b, err := s.CreateCardBatch(ctx, apps[:2], "440100", guangzhou, 2026, admin, proof.MakeCardNumber, nil)
		if err != nil {
			t.Fatal(err)
		}
		var numbers []string
		s.EachBatchCard(ctx, b.ID, func(it sqlstore.CardPrintItem) error { numbers = append(numbers, it.Number); return nil })
		if len(numbers) != 2 || numbers[0][:16] != "4401062026000001" || numbers[1][:16] != "4401062026000002" {
			t.Fatalf("numbers %v", numbers)
		}
		for _, n := range numbers {
			if !proof.ValidCardNumber(n) {
				t.Errorf("invalid number %s", n)
			}
		}
		c, err := s.FindCardByNumber(ctx, numbers[0])
		if err != nil || c.Status != zhiyuan.CardPending {
			t.Fatalf("card %+v %v", c, err)
		}
		if err := s.AdvanceCardBatch(ctx, b.ID, zhiyuan.BatchIssued, admin, nil); zhiyuan.ErrorCode(err) != zhiyuan.EConflict {
			t.Fatalf("issue before print: %v", err)
		}
		for _, to := range []zhiyuan.CardBatchStatus{zhiyuan.BatchPrinted, zhiyuan.BatchIssued} {
			if err := s.AdvanceCardBatch(ctx, b.ID, to, admin, nil); err != nil {
				t.Fatal(err)
			}
		}
		c, _ = s.FindCardByNumber(ctx, numbers[0])
		if c.Status != zhiyuan.CardActive || c.IssuedAt.IsZero() {
			t.Fatalf("issued card %+v", c)
		}
		// Holding an active card, the volunteer cannot apply again.
		if _, err := apply(t, s, c.VolunteerID, "440106"); zhiyuan.ErrorCode(err) != zhiyuan.EConflict {
			t.Fatalf("apply with an active card: %v", err)
		}
		// Re-issue: the old card is replaced, an approved application waits, and the next
		// batch continues the region's sequence.
		re, err := s.ReissueCard(ctx, c.Number, admin, nil)
		if err != nil {
			t.Fatal(err)
		}
		if old, _ := s.FindCardByNumber(ctx, c.Number); old.Status != zhiyuan.CardReplaced {
			t.Fatalf("old card %s", old.Status)
		}
		b2, err := s.CreateCardBatch(ctx, []int64{re.ID}, "440100", guangzhou, 2026, admin, proof.MakeCardNumber, nil)
		if err != nil {
			t.Fatal(err)
		}
		var n2 []string
		s.EachBatchCard(ctx, b2.ID, func(it sqlstore.CardPrintItem) error { n2 = append(n2, it.Number); return nil })
		if len(n2) != 1 || n2[0][:16] != "4401062026000003" {
			t.Fatalf("re-issued number %v", n2)
		}
		// Revoke and report lost are conditional.
		if err := s.SetCardStatus(ctx, numbers[1], []zhiyuan.CardStatus{zhiyuan.CardActive}, zhiyuan.CardRevoked, "违规", admin, nil); err != nil {
			t.Fatal(err)
		}
		if err := s.SetCardStatus(ctx, numbers[1], []zhiyuan.CardStatus{zhiyuan.CardActive}, zhiyuan.CardLost, "", admin, nil); zhiyuan.ErrorCode(err) != zhiyuan.EConflict {
			t.Fatalf("lost after revoke: %v", err)
		}
		events, _ := s.CardEvents(ctx, c.VolunteerID, 50)
		var kinds []string
		for _, e := range events {
			kinds = append(kinds, e.Event)
		}
		if got := strings.Join(kinds, ","); got != "batched,approved,replaced,issued,printed,batched,approved,submitted" {
			t.Fatalf("events %s", got)
		}
	})
}

// TestCardBatchNumbersUniqueUnderConcurrency: batches made at once draw disjoint numbers.
func TestCardBatchNumbersUniqueUnderConcurrency(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		admin := orgAccount(t, s, "13900000002")
		vols := cardVolunteers(t, s, 0, 40, "440106")
		var ids []int64
		for _, v := range vols {
			a, err := apply(t, s, v, "440106")
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, a.ID)
		}
		if _, err := s.DecideCardApplications(ctx, ids, true, "", admin, nil, nil); err != nil {
			t.Fatal(err)
		}
		errs := make(chan error, 4)
		for k := range 4 {
			go func() {
				_, err := s.CreateCardBatch(ctx, ids[k*10:(k+1)*10], "440106", nil, 2026, admin, proof.MakeCardNumber, nil)
				errs <- err
			}()
		}
		for range 4 {
			if err := <-errs; err != nil {
				t.Fatal(err)
			}
		}
		var distinct, total int
		s.DB().QueryRow(`SELECT COUNT(DISTINCT number), COUNT(*) FROM cards`).Scan(&distinct, &total)
		if distinct != 40 || total != 40 {
			t.Fatalf("%d distinct of %d cards", distinct, total)
		}
	})
}
