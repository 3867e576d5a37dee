package sqlstore_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"zhiyuan"
	"zhiyuan/internal/sqlstore"
	"zhiyuan/internal/sqlstore/storetest"
)

// likeFixture is a selection voting from the clock's start for ten days, with published
// community candidates, on a store whose clock the test moves.
type likeFixture struct {
	s      *sqlstore.Store
	clock  *ledgerClock
	admin  int64
	sel    *zhiyuan.Selection
	nextNo int
}

func eachLikes(t *testing.T, fn func(t *testing.T, f *likeFixture)) {
	for _, engine := range storetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			c := &ledgerClock{}
			// 2026-03-05 10:00 Beijing.
			c.Set(time.Date(2026, 3, 5, 2, 0, 0, 0, time.UTC))
			s := storetest.New(t, engine, sqlstore.Options{Now: c.Now, MaxOpenConns: 20})
			f := &likeFixture{s: s, clock: c}
			acc := &zhiyuan.Account{Phone: "13500000001", Name: "评选管理员"}
			if err := s.CreateAccount(context.Background(), acc, "h"); err != nil {
				t.Fatal(err)
			}
			f.admin = acc.ID
			f.sel = &zhiyuan.Selection{CampaignID: newCampaignRow(t, s, acc.ID), Categories: []zhiyuan.SelectionCategory{zhiyuan.SelCommunity, zhiyuan.SelVolunteer},
				NominateFrom: c.Now().Add(-48 * time.Hour), NominateUntil: c.Now(), VoteFrom: c.Now().Add(-time.Hour), VoteUntil: c.Now().Add(10 * 24 * time.Hour),
				CreatedBy: acc.ID}
			if err := f.sel.Validate(); err != nil {
				t.Fatal(err)
			}
			if err := s.CreateSelection(context.Background(), f.sel, nil); err != nil {
				t.Fatal(err)
			}
			fn(t, f)
		})
	}
}

// candidate nominates a community and publishes it through a one-level chain.
func (f *likeFixture) candidate(t testing.TB) int64 {
	t.Helper()
	ctx := context.Background()
	f.nextNo++
	n := &zhiyuan.Nomination{SelectionID: f.sel.ID, Category: zhiyuan.SelCommunity, NomineeName: fmt.Sprintf("五山街道第%d社区", f.nextNo),
		RegionCode: "440106", Story: "十年如一日陪伴社区长者", NominatedBy: f.admin, ReviewRegion: "440106"}
	if err := f.s.CreateNomination(ctx, n, nil, nil); err != nil {
		t.Fatal(err)
	}
	if err := f.s.ReviewNomination(ctx, n.ID, "440106", zhiyuan.ReviewApprove, "", "", f.admin, nil); err != nil {
		t.Fatal(err)
	}
	return n.ID
}

// accounts registers n volunteers' accounts (claimed) and moves the clock a day and a
// minute on, so they are old enough to like.
func (f *likeFixture) accounts(t testing.TB, first, n int) []int64 {
	t.Helper()
	batch := make([]sqlstore.BulkVolunteer, n)
	vs := make([]*zhiyuan.Volunteer, n)
	for i := range n {
		vs[i] = &zhiyuan.Volunteer{Name: fmt.Sprintf("点赞者%d", first+i), IDType: zhiyuan.IDResident, IDNumberMasked: "440***********123X",
			Phone: fmt.Sprintf("136%08d", first+i), RegionCode: "440106", BirthDate: time.Date(1999, 1, 1, 0, 0, 0, 0, time.UTC), Sex: "male"}
		batch[i] = sqlstore.BulkVolunteer{Volunteer: vs[i], Secrets: sqlstore.VolunteerSecrets{PasswordHash: "h", IDNumberIndex: fmt.Sprintf("lk%d", first+i)}}
	}
	if err := f.s.BulkCreateVolunteers(context.Background(), batch); err != nil {
		t.Fatal(err)
	}
	f.clock.Add(24*time.Hour + time.Minute)
	ids := make([]int64, n)
	for i, v := range vs {
		ids[i] = v.AccountID
	}
	return ids
}

func (f *likeFixture) like(nom, acc int64, ip string) (int64, error) {
	return f.s.Like(context.Background(), sqlstore.LikeRequest{NominationID: nom, AccountID: acc, IP: ip, PerDay: zhiyuan.DefaultLikesPerDay})
}

func (f *likeFixture) count(t testing.TB, nom int64) int64 {
	t.Helper()
	n, err := f.s.FindNomination(context.Background(), nom)
	if err != nil {
		t.Fatal(err)
	}
	var rows int64
	if err := f.s.DB().QueryRow(f.s.Rebind(`SELECT COUNT(*) FROM candidate_likes WHERE nomination_id = ? AND voided_at IS NULL`), nom).Scan(&rows); err != nil {
		t.Fatal(err)
	}
	if rows != n.Likes {
		t.Fatalf("candidate's count %d, standing like rows %d", n.Likes, rows)
	}
	return n.Likes
}

// TestLikeRush: 2,000 accounts like one candidate at once while one of them sends 50
// likes in parallel; the count equals the distinct accounts and that account got one.
func TestLikeRush(t *testing.T) {
	t.Parallel()
	eachLikes(t, func(t *testing.T, f *likeFixture) {
		nom := f.candidate(t)
		accs := f.accounts(t, 1, 2000)
		var wg sync.WaitGroup
		errs := make(chan error, len(accs)+50)
		var mu sync.Mutex
		okOne, dupOne := 0, 0
		for i := range 50 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := f.like(nom, accs[0], fmt.Sprintf("10.0.0.%d", i))
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					okOne++
				case zhiyuan.ErrorReason(err) == "like.already_liked_today":
					dupOne++
				default:
					errs <- err
				}
			}()
		}
		for _, a := range accs[1:] {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := f.like(nom, a, "10.1.0.1"); err != nil {
					errs <- err
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		if okOne != 1 || dupOne != 49 {
			t.Fatalf("one account's 50 likes: %d counted, %d refused as already liked; want 1 and 49", okOne, dupOne)
		}
		if got := f.count(t, nom); got != int64(len(accs)) {
			t.Fatalf("count %d, want %d distinct accounts", got, len(accs))
		}
		if used, _ := f.s.LikesUsedToday(context.Background(), accs[0]); used != 1 {
			t.Fatalf("the one account used %d likes today, want 1", used)
		}
	})
}

// TestLikeDailyLimit: the 11th like of a Beijing day is refused with daily_limit, a
// second like of one candidate in a day with already_liked_today; at midnight Beijing
// time (16:00 UTC) both are allowed again.
func TestLikeDailyLimit(t *testing.T) {
	t.Parallel()
	eachLikes(t, func(t *testing.T, f *likeFixture) {
		noms := make([]int64, zhiyuan.DefaultLikesPerDay+1)
		for i := range noms {
			noms[i] = f.candidate(t)
		}
		acc := f.accounts(t, 1, 1)[0]
		// 2026-03-06 23:59 Beijing.
		f.clock.Set(time.Date(2026, 3, 6, 15, 59, 0, 0, time.UTC))
		for i, nom := range noms[:zhiyuan.DefaultLikesPerDay] {
			if n, err := f.like(nom, acc, ""); err != nil || n != 1 {
				t.Fatalf("like %d: %d %v", i+1, n, err)
			}
		}
		_, err := f.like(noms[zhiyuan.DefaultLikesPerDay], acc, "")
		if zhiyuan.ErrorCode(err) != zhiyuan.ERateLimited || zhiyuan.ErrorReason(err) != "like.daily_limit" {
			t.Fatalf("11th like: %v, want daily_limit", err)
		}
		if _, err := f.like(noms[0], acc, ""); zhiyuan.ErrorCode(err) != zhiyuan.EConflict || zhiyuan.ErrorReason(err) != "like.already_liked_today" {
			t.Fatalf("second like of one candidate: %v, want already_liked_today", err)
		}
		if got := f.count(t, noms[zhiyuan.DefaultLikesPerDay]); got != 0 {
			t.Fatalf("refused like counted: %d", got)
		}
		f.clock.Set(time.Date(2026, 3, 6, 16, 0, 0, 0, time.UTC)) // 00:00 on 7 March in Beijing
		if n, err := f.like(noms[zhiyuan.DefaultLikesPerDay], acc, ""); err != nil || n != 1 {
			t.Fatalf("first like of the next Beijing day: %d %v", n, err)
		}
		if n, err := f.like(noms[0], acc, ""); err != nil || n != 2 {
			t.Fatalf("the same candidate the next day: %d %v, want count 2", n, err)
		}
	})
}

// TestLikeRefusedAccounts: accounts younger than a day, unclaimed or closed cannot like,
// and a candidate not published or outside its voting window takes none.
func TestLikeRefusedAccounts(t *testing.T) {
	t.Parallel()
	eachLikes(t, func(t *testing.T, f *likeFixture) {
		nom := f.candidate(t)
		accs := f.accounts(t, 1, 3)
		db := f.s.DB()
		if _, err := db.Exec(f.s.Rebind(`UPDATE accounts SET password_hash = '' WHERE id = ?`), accs[1]); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(f.s.Rebind(`UPDATE accounts SET status = 'closed' WHERE id = ?`), accs[2]); err != nil {
			t.Fatal(err)
		}
		fresh := &zhiyuan.Account{Phone: "13500000099", Name: "新账号"}
		if err := f.s.CreateAccount(context.Background(), fresh, "h"); err != nil {
			t.Fatal(err)
		}
		for acc, want := range map[int64]zhiyuan.Msg{accs[1]: "like.account_unclaimed", accs[2]: "like.account_closed", fresh.ID: "like.account_too_new"} {
			if _, err := f.like(nom, acc, ""); zhiyuan.ErrorCode(err) != zhiyuan.EForbidden || zhiyuan.ErrorReason(err) != want {
				t.Errorf("account %d: %v, want %s", acc, err, want)
			}
		}
		f.clock.Add(23*time.Hour + 58*time.Minute)
		if _, err := f.like(nom, fresh.ID, ""); zhiyuan.ErrorReason(err) != "like.account_too_new" {
			t.Errorf("23h58m old: %v", err)
		}
		f.clock.Add(2 * time.Minute)
		if _, err := f.like(nom, fresh.ID, ""); err != nil {
			t.Errorf("a day old: %v", err)
		}
		f.clock.Add(10 * 24 * time.Hour)
		if _, err := f.like(nom, accs[0], ""); zhiyuan.ErrorReason(err) != "like.not_voting" {
			t.Errorf("after the voting window: %v", err)
		}
		if got := f.count(t, nom); got != 1 {
			t.Fatalf("count %d, want 1", got)
		}
	})
}

// TestVoidLikesByAddress: voiding one address's likes lowers the count by exactly those,
// while likes keep arriving, writes the audit entry, and a second void finds none.
func TestVoidLikesByAddress(t *testing.T) {
	t.Parallel()
	eachLikes(t, func(t *testing.T, f *likeFixture) {
		nom := f.candidate(t)
		accs := f.accounts(t, 1, 300)
		for i, a := range accs[:200] {
			ip := "10.2.0.1"
			if i%4 == 0 {
				ip = "10.9.9.9"
			}
			if _, err := f.like(nom, a, ip); err != nil {
				t.Fatal(err)
			}
		}
		var wg sync.WaitGroup
		for _, a := range accs[200:] {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := f.like(nom, a, "10.2.0.2"); err != nil {
					t.Error(err)
				}
			}()
		}
		audit := &zhiyuan.AuditEntry{ActorID: f.admin, Action: "like.void", TargetType: "nomination", TargetID: fmt.Sprint(nom), Detail: "作废 10.9.9.9"}
		n, err := f.s.VoidLikes(context.Background(), sqlstore.VoidFilter{NominationID: nom, IP: "10.9.9.9"}, f.admin, audit)
		wg.Wait()
		if err != nil || n != 50 {
			t.Fatalf("voided %d: %v, want 50", n, err)
		}
		if got := f.count(t, nom); got != 300-50 {
			t.Fatalf("count %d after voiding 50 of 300", got)
		}
		entries, err := f.s.FindAudit(context.Background(), zhiyuan.AuditFilter{RegionPrefix: "*", Action: "like.void"})
		if err != nil || len(entries) != 1 || entries[0].Detail != "作废 10.9.9.9：50个赞" {
			t.Fatalf("audit %+v %v", entries, err)
		}
		if n, err := f.s.VoidLikes(context.Background(), sqlstore.VoidFilter{NominationID: nom, IP: "10.9.9.9"}, f.admin, nil); err != nil || n != 0 {
			t.Fatalf("second void: %d %v", n, err)
		}
		rep, err := f.s.LikeReport(context.Background(), f.sel.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Addresses) != 2 || rep.Addresses[0].IP != "10.2.0.1" || rep.Addresses[0].Likes != 150 || rep.Addresses[1].Likes != 100 {
			t.Fatalf("report addresses %+v", rep.Addresses)
		}
		// The 300 accounts were registered in one bulk load: one batch, its standing likes.
		if len(rep.Batches) != 1 || rep.Batches[0].Accounts != 250 {
			t.Fatalf("report batches %+v", rep.Batches)
		}
		b := rep.Batches[0]
		if n, err := f.s.VoidLikes(context.Background(), sqlstore.VoidFilter{NominationID: nom, RegisteredFrom: b.From, RegisteredUntil: b.Until}, f.admin, nil); err != nil || n != 250 {
			t.Fatalf("void the batch: %d %v", n, err)
		}
		if got := f.count(t, nom); got != 0 {
			t.Fatalf("count %d after voiding everything", got)
		}
	})
}

// TestPublishNeedsConsent: a volunteer's nomination approved at the last level without
// the volunteer's consent stays unpublished, and the table refuses a publication that
// skips the rule; after consent the same approval publishes it.
func TestPublishNeedsConsent(t *testing.T) {
	t.Parallel()
	eachLikes(t, func(t *testing.T, f *likeFixture) {
		ctx := context.Background()
		v := newVolunteer("13800000077", "440106")
		if err := f.s.CreateVolunteer(ctx, v, secrets("consent1")); err != nil {
			t.Fatal(err)
		}
		n := &zhiyuan.Nomination{SelectionID: f.sel.ID, Category: zhiyuan.SelVolunteer, VolunteerID: v.ID, NomineeName: v.Name,
			RegionCode: "440106", Story: "坚持义务献血十年", NominatedBy: f.admin, ConsentNeeded: true, ReviewRegion: "440106"}
		if err := f.s.CreateNomination(ctx, n, nil, nil); err != nil {
			t.Fatal(err)
		}
		err := f.s.ReviewNomination(ctx, n.ID, "440106", zhiyuan.ReviewApprove, "", "", f.admin, nil)
		if zhiyuan.ErrorReason(err) != "nomination.consent_missing" {
			t.Fatalf("approve without consent: %v", err)
		}
		if _, err := f.s.DB().Exec(f.s.Rebind(`UPDATE nominations SET status = 'published' WHERE id = ?`), n.ID); err == nil {
			t.Fatal("the table let a nomination without consent be published")
		}
		if got, _ := f.s.FindNomination(ctx, n.ID); got.Status != zhiyuan.NomReview {
			t.Fatalf("status %s", got.Status)
		}
		if err := f.s.ConsentNomination(ctx, n.ID, f.admin, true, nil); zhiyuan.ErrorCode(err) != zhiyuan.EConflict {
			t.Fatalf("consent by someone else: %v", err)
		}
		if err := f.s.ConsentNomination(ctx, n.ID, v.AccountID, true, nil); err != nil {
			t.Fatal(err)
		}
		if err := f.s.ReviewNomination(ctx, n.ID, "440106", zhiyuan.ReviewApprove, "", "", f.admin, nil); err != nil {
			t.Fatal(err)
		}
		if got, _ := f.s.FindNomination(ctx, n.ID); got.Status != zhiyuan.NomPublished || !got.Consented() {
			t.Fatalf("after consent: %+v", got)
		}
	})
}

// newCampaignRow returns a campaign for a selection to belong to.
func newCampaignRow(t testing.TB, s *sqlstore.Store, by int64) int64 {
	t.Helper()
	c := &zhiyuan.Campaign{Name: "学雷锋志愿服务月", StartsOn: "2026-03-01", EndsOn: "2026-03-31", RegionCode: "440000", CreatedBy: by}
	if err := s.CreateCampaign(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	return c.ID
}
