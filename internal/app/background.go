package app

import (
	"context"
	"time"
)

// Periodic is a piece of housekeeping run on a schedule: a River periodic job (jobs.go),
// inserted by the one server elected leader, so each runs once a period however many
// servers there are. Each task is idempotent and settled by the database all the same.
type Periodic struct {
	Name  string
	Every time.Duration
	Run   func(ctx context.Context, a *App) error
}

// periodics is every periodic task, here and nowhere else: a feature that needs a sweep
// adds its row (the work itself is a method in the feature's file). Each runs at start and
// then every Every, as a jobs.Sweep job named by Name (so a Name must stay unique).
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
		// A pairing's visit past its grace without confirmed hours: its community is
		// warned once (pairings.go).
		{Name: "warn missed pairing visits", Every: 10 * time.Minute, Run: func(ctx context.Context, a *App) error {
			_, err := a.WarnMissedVisits(ctx)
			return err
		}},
		// A competition team that missed a training session: its organisation is told
		// once (competition_training.go).
		{Name: "flag missed competition trainings", Every: 10 * time.Minute, Run: func(ctx context.Context, a *App) error {
			_, err := a.FlagMissedTrainings(ctx)
			return err
		}},
		{Name: "expire hour offers", Every: 10 * time.Minute, Run: func(ctx context.Context, a *App) error {
			_, err := a.ExpireHourOffers(ctx) // hour_offers.go
			return err
		}},
		// Staged rows of member-list imports keep personal cells for ImportRetention
		// after the import is over (imports.go).
		{Name: "purge import rows", Every: time.Hour, Run: func(ctx context.Context, a *App) error {
			_, err := a.PurgeImportRows(ctx, a.store.Now())
			return err
		}},
		{Name: "purge expired reset codes", Every: time.Hour, Run: func(ctx context.Context, a *App) error {
			_, err := a.store.PurgeExpiredResetCodes(ctx) // reset.go
			return err
		}},
	}
}
