package app

import (
	"context"

	"zhiyuan"
)

// Daily ledger anchors (docs/hours.md, "Anchors"): once a day, and at start when today's
// is missing, the platform signs a hash over every chain head. The task runs hourly so a
// server started late or stopped over midnight catches up within the hour; the database
// keeps one anchor a day however many servers run it.

// MakeLedgerAnchor makes today's anchor (Beijing date) unless it exists, signed with the
// platform key. It returns the anchor made, or today's existing one with created false
// (nil when a concurrent run is still writing it).
func (a *App) MakeLedgerAnchor(ctx context.Context) (*zhiyuan.LedgerAnchor, bool, error) {
	return a.store.CreateAnchor(ctx, zhiyuan.AnchorDay(a.store.Now()), a.Signer.SignAnchor)
}

// LedgerAnchors lists the published anchors, newest first; anyone may read them.
func (a *App) LedgerAnchors(ctx context.Context, before int64, limit int) ([]zhiyuan.LedgerAnchor, error) {
	return a.store.Anchors(ctx, before, limit)
}
