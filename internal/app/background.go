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

// periodics are registered by features in init functions.
var periodics = []Periodic{
	{Name: "purge expired sessions", Every: time.Hour, Run: func(ctx context.Context, a *App) error {
		_, err := a.Store.PurgeExpiredSessions(ctx)
		return err
	}},
}

// RunBackground runs the periodic housekeeping until ctx ends. Each task is idempotent
// and settled by the database, so running it on several servers at once is harmless.
func (a *App) RunBackground(ctx context.Context) {
	for _, p := range periodics {
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
