package api

import (
	"net/http"
	"time"

	"zhiyuan"
	"zhiyuan/internal/httpx"
)

// Hour offers: hours recorded for a volunteer who never signed up for the session, which
// count only once the volunteer accepts them (openapi/hour_offers.json).

type hourOfferJSON struct {
	ID              int64      `json:"id"`
	VolunteerID     int64      `json:"volunteer_id"`
	VolunteerName   string     `json:"volunteer_name,omitempty"`
	SessionID       int64      `json:"session_id"`
	ActivityID      int64      `json:"activity_id,omitempty"`
	ActivityTitle   string     `json:"activity_title,omitempty"`
	OrgID           int64      `json:"org_id"`
	OrgName         string     `json:"org_name,omitempty"`
	Kind            string     `json:"kind"`
	Hours           float64    `json:"hours"`
	Reason          string     `json:"reason,omitempty"`
	SessionStartsAt *time.Time `json:"session_starts_at,omitempty"`
	RecordedAt      time.Time  `json:"recorded_at"`
	ExpiresAt       time.Time  `json:"expires_at"`
	Status          string     `json:"status"`
	DisputeReason   string     `json:"dispute_reason,omitempty"`
	EntryID         int64      `json:"entry_id,omitempty"`
	SettledAt       *time.Time `json:"settled_at,omitempty"`
}

func toOfferJSON(o *zhiyuan.HourOffer) hourOfferJSON {
	j := hourOfferJSON{ID: o.ID, VolunteerID: o.VolunteerID, VolunteerName: o.VolunteerName, SessionID: o.SessionID,
		ActivityID: o.ActivityID, ActivityTitle: o.ActivityTitle, OrgID: o.OrgID, OrgName: o.OrgName, Kind: string(o.Kind),
		Hours: o.Hours(), Reason: o.Reason, RecordedAt: o.RecordedAt, ExpiresAt: o.ExpiresAt, Status: string(o.Status),
		DisputeReason: o.DisputeReason, EntryID: o.EntryID}
	if !o.SessionStartsAt.IsZero() {
		t := o.SessionStartsAt
		j.SessionStartsAt = &t
	}
	if !o.SettledAt.IsZero() {
		t := o.SettledAt
		j.SettledAt = &t
	}
	return j
}

func (x *API) myHourOffers(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	var pendingOnly bool
	switch r.URL.Query().Get("status") {
	case "", "pending":
		pendingOnly = true
	case "all":
	default:
		return zhiyuan.FieldFail(zhiyuan.EInvalid, "status", "api.offer_status_unknown")
	}
	list, err := x.app.MyHourOffers(r.Context(), p, pendingOnly)
	if err != nil {
		return err
	}
	page := Page[hourOfferJSON]{Items: []hourOfferJSON{}}
	for i := range list {
		page.Items = append(page.Items, toOfferJSON(&list[i]))
	}
	httpx.WriteJSON(w, http.StatusOK, page)
	return nil
}

func (x *API) acceptHourOffer(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	e, err := x.app.AcceptHourOffer(r.Context(), p, id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, toEntryJSON(e))
	return nil
}

func (x *API) disputeHourOffer(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var req struct {
		Reason string `json:"reason"`
	}
	if err := decode(r, &req); err != nil {
		return err
	}
	o, err := x.app.DisputeHourOffer(r.Context(), p, id, req.Reason)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, toOfferJSON(o))
	return nil
}
