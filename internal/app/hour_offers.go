package app

import (
	"context"
	"log/slog"
	"strconv"
	"time"

	"zhiyuan"
	"zhiyuan/internal/sqlstore"
)

// Hour offers: hours an organisation recorded for a volunteer who never signed up for
// the session (a walk-in checked out by the organiser, a make-up) count only once the
// volunteer accepts them. The volunteer is notified, accepts or disputes (for good), and
// an offer left unanswered expires with the session's recording window. See
// zhiyuan.HourOffer and docs/hours.md.

// offerExpiry is when an offer for the session stops waiting: the end of its recording
// window (RecordingWorkingDays working days, in the venue's zone, by the platform's
// calendar), the same deadline the organisation has for confirming hours.
func (a *App) offerExpiry(se *zhiyuan.ActivitySession, act *zhiyuan.Activity) time.Time {
	return zhiyuan.RecordingDeadline(se.EndsAt, act.Location(), a.Config.WorkCalendar)
}

// ExpireHourOffers expires the offers whose window has ended (the periodic sweep).
func (a *App) ExpireHourOffers(ctx context.Context) (int, error) {
	n, err := a.store.ExpireHourOffers(ctx)
	if n > 0 {
		a.Log.InfoContext(ctx, "hour offers expired", slog.Int("count", n))
	}
	return n, err
}

// myVolunteerID is the caller's volunteer id, or the error a non-volunteer gets.
func (a *App) myVolunteerID(ctx context.Context, p *zhiyuan.Principal) (int64, error) {
	if p == nil {
		return 0, zhiyuan.Fail(zhiyuan.EUnauthorized, "auth.login_required")
	}
	id, err := a.store.VolunteerIDByAccount(ctx, p.AccountID)
	if zhiyuan.ErrorCode(err) == zhiyuan.ENotFound {
		return 0, zhiyuan.Fail(zhiyuan.ENotFound, "volunteer.not_registered")
	}
	return id, err
}

// MyHourOffers lists the caller's offers: those waiting for an answer when pendingOnly,
// else the latest ones whatever became of them.
func (a *App) MyHourOffers(ctx context.Context, p *zhiyuan.Principal, pendingOnly bool) ([]zhiyuan.HourOffer, error) {
	vid, err := a.myVolunteerID(ctx, p)
	if err != nil {
		return nil, err
	}
	return a.store.VolunteerHourOffers(ctx, vid, pendingOnly)
}

// myOffer loads one of the caller's offers; someone else's does not exist for them.
func (a *App) myOffer(ctx context.Context, p *zhiyuan.Principal, id int64) (*zhiyuan.HourOffer, int64, error) {
	vid, err := a.myVolunteerID(ctx, p)
	if err != nil {
		return nil, 0, err
	}
	o, err := a.store.FindHourOffer(ctx, id)
	if err != nil {
		return nil, 0, err
	}
	if o.VolunteerID != vid {
		return nil, 0, zhiyuan.Fail(zhiyuan.ENotFound, "notfound.hour_entry")
	}
	return o, vid, nil
}

// MyHourOffer returns one of the caller's offers (for the dispute confirmation page).
func (a *App) MyHourOffer(ctx context.Context, p *zhiyuan.Principal, id int64) (*zhiyuan.HourOffer, error) {
	o, _, err := a.myOffer(ctx, p, id)
	return o, err
}

// AcceptHourOffer accepts one of the caller's pending offers: the hours enter the ledger
// as an entry awaiting the organisation's confirmation, as if the volunteer had signed
// up. Of an accept and a dispute at the same moment exactly one wins (409 for the other).
func (a *App) AcceptHourOffer(ctx context.Context, p *zhiyuan.Principal, id int64) (*zhiyuan.HourEntry, error) {
	o, vid, err := a.myOffer(ctx, p, id)
	if err != nil {
		return nil, err
	}
	se, act, err := a.store.FindSessionByID(ctx, o.SessionID)
	if err != nil {
		return nil, err
	}
	place := sqlstore.EntryPlace{RegionCode: act.RegionCode, SessionEndsAt: se.EndsAt, Field: "id"}
	if o.Kind == zhiyuan.HourMakeup {
		// The rule every make-up obeys: net hours for a session never above its length.
		place.MaxSessionMinutes = int64(se.EndsAt.Sub(se.StartsAt) / time.Minute)
	}
	e, err := a.store.AcceptHourOffer(ctx, o.ID, vid, place)
	if err != nil {
		return nil, err
	}
	if err := a.audit(ctx, p, "hours.offer.accept", "hour_offer", strconv.FormatInt(o.ID, 10), act.RegionCode, o.OrgID,
		"entry "+strconv.FormatInt(e.ID, 10)); err != nil {
		a.Log.WarnContext(ctx, "audit failed", slog.String("error", err.Error()))
	}
	return a.store.FindHourEntryByID(ctx, e.ID)
}

// DisputeHourOffer refuses one of the caller's pending offers with a reason: it never
// counts, and the organisation that recorded it is told why. It cannot be undone.
func (a *App) DisputeHourOffer(ctx context.Context, p *zhiyuan.Principal, id int64, reason string) (*zhiyuan.HourOffer, error) {
	o, vid, err := a.myOffer(ctx, p, id)
	if err != nil {
		return nil, err
	}
	pr := zhiyuan.Problems{}
	reason = checkReason(pr, reason)
	if err := pr.Err(); err != nil {
		return nil, err
	}
	if err := a.store.DisputeHourOffer(ctx, o.ID, vid, reason); err != nil {
		return nil, err
	}
	if err := a.audit(ctx, p, "hours.offer.dispute", "hour_offer", strconv.FormatInt(o.ID, 10), o.RegionCode, o.OrgID, ""); err != nil {
		a.Log.WarnContext(ctx, "audit failed", slog.String("error", err.Error()))
	}
	return a.store.FindHourOffer(ctx, o.ID)
}
