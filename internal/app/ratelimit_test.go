package app_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"zhiyuan"
	"zhiyuan/internal/app"
	"zhiyuan/internal/idcard"
)

// registrant returns a valid registration of a new adult volunteer.
func registrant(n int) app.RegisterInput {
	birth := time.Date(1990+n%20, time.Month(1+n%12), 1+n%28, 0, 0, 0, 0, time.UTC)
	return app.RegisterInput{Name: "李志愿", IDNumber: idcard.Generate("440106", birth, n%1000, idcard.Male),
		Phone: fmt.Sprintf("139%08d", n), Password: "secret123", RegionCode: "440106"}
}

// TestRegisterLimitPerAddress: one address registers RegisterPerIP volunteers in a
// window and the next is refused with ratelimited and a Chinese message saying when to
// come back, with nothing stored; other addresses (and other IPv6 /64s) register as
// usual, addresses in one IPv6 /64 share an allowance, input errors do not use it up,
// callers without an address are not counted, and the address registers again once the
// window has passed.
func TestRegisterLimitPerAddress(t *testing.T) {
	t.Parallel()
	const limit = 3
	limited := func(c *app.Config) { c.RegisterPerIP, c.RegisterWindow = limit, time.Hour }
	eachApp(t, limited, func(t *testing.T, a *app.App, c *clock) {
		n := 0
		register := func(ctx context.Context) (app.RegisterInput, error) {
			n++
			in := registrant(n)
			_, err := a.RegisterVolunteer(ctx, in)
			return in, err
		}
		cafe := from(t, "203.0.113.7")
		// Mistakes first: they are answered, and not counted.
		for range 2 * limit {
			bad := registrant(1000)
			bad.IDNumber = "440106199902301234"
			if _, err := a.RegisterVolunteer(cafe, bad); zhiyuan.ErrorCode(err) != zhiyuan.EInvalid {
				t.Fatalf("bad identity number: %v", err)
			}
		}
		for i := range limit {
			if _, err := register(cafe); err != nil {
				t.Fatalf("registration %d from the address: %v", i+1, err)
			}
		}
		in, err := register(cafe)
		if zhiyuan.ErrorCode(err) != zhiyuan.ERateLimited || zhiyuan.ErrorReason(err) != "volunteer.register_rate_limited" || zhiyuan.ErrorParams(err)["minutes"] != 60 {
			t.Fatalf("registration %d from the address: %v, want ratelimited with 60 minutes to wait", limit+1, err)
		}
		if _, _, err := a.Login(t.Context(), in.Phone, in.Password, zhiyuan.SessionAPI); zhiyuan.ErrorCode(err) != zhiyuan.EUnauthorized {
			t.Errorf("the refused registration can log in: %v", err)
		}
		// Someone else, elsewhere, and the platform itself are not held back.
		if _, err := register(from(t, "198.51.100.20")); err != nil {
			t.Errorf("another address: %v", err)
		}
		if _, err := register(t.Context()); err != nil {
			t.Errorf("a caller without an address: %v", err)
		}

		// IPv6: one /64 is one client.
		for i := range limit {
			if _, err := register(from(t, fmt.Sprintf("2001:db8:1:2::%x", i+1))); err != nil {
				t.Fatalf("IPv6 registration %d: %v", i+1, err)
			}
		}
		if _, err := register(from(t, "2001:db8:1:2:ffff::9")); zhiyuan.ErrorCode(err) != zhiyuan.ERateLimited {
			t.Errorf("another address in the same /64: %v, want ratelimited", err)
		}
		if _, err := register(from(t, "2001:db8:1:3::1")); err != nil {
			t.Errorf("the next /64: %v", err)
		}

		// The message counts down, and the window ends an hour after its first registration.
		c.Add(45 * time.Minute)
		if _, err := register(cafe); zhiyuan.ErrorParams(err)["minutes"] != 15 {
			t.Errorf("45 minutes later: %v, want 15 minutes to wait", err)
		}
		c.Add(15*time.Minute + time.Second)
		if _, err := register(cafe); err != nil {
			t.Errorf("after the window: %v", err)
		}
	})
}

// TestRegisterLimitUnderRush: a burst from one address gets exactly RegisterPerIP
// registrations through, however the attempts interleave.
func TestRegisterLimitUnderRush(t *testing.T) {
	t.Parallel()
	const limit, rush = 4, 16
	eachApp(t, func(c *app.Config) { c.RegisterPerIP = limit }, func(t *testing.T, a *app.App, c *clock) {
		ctx := from(t, "203.0.113.9")
		var ok, refused atomic.Int32
		var wg sync.WaitGroup
		for i := range rush {
			wg.Go(func() {
				_, err := a.RegisterVolunteer(ctx, registrant(2000+i))
				switch zhiyuan.ErrorCode(err) {
				case "":
					ok.Add(1)
				case zhiyuan.ERateLimited:
					refused.Add(1)
				default:
					t.Errorf("registration %d: %v", i, err)
				}
			})
		}
		wg.Wait()
		if ok.Load() != limit || refused.Load() != rush-limit {
			t.Errorf("%d registered and %d refused, want %d and %d", ok.Load(), refused.Load(), limit, rush-limit)
		}
	})
}
