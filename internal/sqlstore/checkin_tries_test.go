package sqlstore_test

import (
	"context"
	"sync"
	"testing"

	"zhiyuan"
	"zhiyuan/internal/sqlstore"
	"zhiyuan/internal/sqlstore/storetest"
)

// TestShortCodeTriesUnderRace: 50 concurrent tries at a short check-in code take exactly
// zhiyuan.MaxCheckinCodeFailures tries for the account and session, the rest are refused;
// a try given back (a right code) makes room for one more; another account or session
// counts apart.
func TestShortCodeTriesUnderRace(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		f := newActivityFixture(t, s, 30, nil)
		session := f.activity.Sessions[0].ID
		account := f.admin
		limit := zhiyuan.MaxCheckinCodeFailures
		var wg sync.WaitGroup
		var mu sync.Mutex
		taken := 0
		for range 50 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ok, err := s.TakeShortCodeTry(ctx, account, session, limit)
				if err != nil {
					t.Error(err)
				}
				if ok {
					mu.Lock()
					taken++
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		n, err := s.ShortCodeFailures(ctx, account, session)
		if err != nil || taken != limit || n != limit {
			t.Fatalf("50 concurrent tries: %d taken, %d counted (%v), want %d", taken, n, err, limit)
		}
		if err := s.GiveShortCodeTryBack(ctx, account, session); err != nil {
			t.Fatal(err)
		}
		if ok, err := s.TakeShortCodeTry(ctx, account, session, limit); !ok || err != nil {
			t.Errorf("a try given back is not free again: %v %v", ok, err)
		}
		if ok, _ := s.TakeShortCodeTry(ctx, account, session, limit); ok {
			t.Error("a try beyond the limit")
		}
		other := &zhiyuan.Account{Phone: "13500000002", Name: "另一位"}
		if err := s.CreateAccount(ctx, other, "h"); err != nil {
			t.Fatal(err)
		}
		if ok, err := s.TakeShortCodeTry(ctx, other.ID, session, limit); !ok || err != nil {
			t.Errorf("another account's first try: %v %v", ok, err)
		}
	})
}
