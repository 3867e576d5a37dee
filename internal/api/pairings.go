package api

import (
	"net/http"

	"zhiyuan"
	"zhiyuan/internal/httpx"
)

// Pairing (结对), issue 15 (openapi/pairings.json).

type pairingRequest struct {
	OrgID              int64   `json:"org_id"`
	NeedID             int64   `json:"need_id"`
	Recipient          string  `json:"recipient"`
	TargetGroup        string  `json:"target_group"`
	Category           string  `json:"category"`
	RegionCode         string  `json:"region_code"`
	Address            string  `json:"address"`
	Lat                float64 `json:"lat"`
	Lng                float64 `json:"lng"`
	Contact            string  `json:"contact"`
	StartsOn           string  `json:"starts_on"`
	EndsOn             string  `json:"ends_on"`
	EveryDays          int     `json:"every_days"`
	VisitTime          string  `json:"visit_time"`
	VisitMinutes       int     `json:"visit_minutes"`
	VolunteersPerVisit int     `json:"volunteers_per_visit"`
}

func (x *API) postPairing(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	var req pairingRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	pg, err := x.app.CreatePairing(r.Context(), p, zhiyuan.Pairing{OrgID: req.OrgID, NeedID: req.NeedID, Recipient: req.Recipient,
		TargetGroup: req.TargetGroup, Category: zhiyuan.Category(req.Category), RegionCode: req.RegionCode, Address: req.Address,
		Lat: req.Lat, Lng: req.Lng, Contact: req.Contact, StartsOn: req.StartsOn, EndsOn: req.EndsOn, EveryDays: req.EveryDays,
		VisitTime: req.VisitTime, VisitMinutes: req.VisitMinutes, VolunteersPerVisit: req.VolunteersPerVisit})
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, pg)
	return nil
}

func (x *API) getPairing(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	pg, err := x.app.Pairing(r.Context(), p, id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, pg)
	return nil
}

func (x *API) listPairings(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	list, err := x.app.Pairings(r.Context(), p)
	if err != nil {
		return err
	}
	page := Page[zhiyuan.Pairing]{Items: list}
	for i := range page.Items {
		page.Items[i].Visits = nil // the list carries the counts; one pairing's page has its visits
	}
	httpx.WriteJSON(w, http.StatusOK, page)
	return nil
}

func (x *API) endPairing(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	pg, err := x.app.EndPairing(r.Context(), p, id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, pg)
	return nil
}
