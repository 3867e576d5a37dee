package app

import (
	"context"
	"log/slog"
	"time"
)

// Periodic is a piece of housekeeping run on a schedule by RunBackground.
type Periodic struct {
	Name  string
	Every time.Duration
	Run   func(ctx context.Context, a *App) error
}

// periodics is every periodic task, here and nowhere else: a feature that needs a sweep
// adds its row (the work itself is a method in the feature's file). Each runs at start and
// then every Every, on its own goroutine.
func periodics() []Periodic {
	return []Periodic{
		{Name: "purge expired sessions", Every: time.Hour, Run: func(ctx context.Context, a *App) error {
			_, err := a.store.PurgeExpiredSessions(ctx)
			return err
		}},
		// Activities whose last session has ended become finished (activities.go).
		{Name: "finish ended activities", Every: 10 * time.Minute, Run: func(ctx context.Context, a *App) error {
			_, err := a.store.FinishEndedActivities(ctx, a.store.Now(), 1000)
			return err
		}},
		// Hourly so a server started late or stopped over midnight catches up within the
		// hour; the database keeps one anchor a day (anchors.go).
		{Name: "ledger anchor", Every: time.Hour, Run: func(ctx context.Context, a *App) error {
			_, _, err := a.MakeLedgerAnchor(ctx)
			return err
		}},
		{Name: "mark no-shows", Every: 10 * time.Minute, Run: func(ctx context.Context, a *App) error {
			_, err := a.MarkNoShows(ctx) // attendance.go
			return err
		}},
		{Name: "expire hour offers", Every: 10 * time.Minute, Run: func(ctx context.Context, a *App) error {
			_, err := a.ExpireHourOffers(ctx) // hour_offers.go
			return err
		}},
		{Name: "purge expired reset codes", Every: time.Hour, Run: func(ctx context.Context, a *App) error {
			_, err := a.store.PurgeExpiredResetCodes(ctx) // reset.go
			return err
		}},
	}
}

// RunBackground runs the periodic housekeeping until ctx ends. Each task is idempotent
// and settled by the database, so running it on several servers at once is harmless.
func (a *App) RunBackground(ctx context.Context) {
	for _, p := range periodics() {
		go func(p Periodic) {
			t := time.NewTicker(p.Every)
			defer t.Stop()
			for {
				if err := p.Run(ctx, a); err != nil && ctx.Err() == nil {
					a.Log.Error("background task failed", slog.String("task", p.Name), slog.String("error", err.Error()))
				}
				select {
				case <-ctx.Done():
					return
				case <-t.C:
				}
			}
		}(p)
	}
}
