package api

import (
	"net/http"

	"zhiyuan"
	"zhiyuan/internal/app"
	"zhiyuan/internal/httpx"
)

// Needs (点单) and taking them (接单), issue 15 (openapi/needs.json).

type needRequest struct {
	OrgID            int64    `json:"org_id"`
	Title            string   `json:"title"`
	Description      string   `json:"description"`
	Category         string   `json:"category"`
	TargetGroup      string   `json:"target_group"`
	RegionCode       string   `json:"region_code"`
	Address          string   `json:"address"`
	Lat              float64  `json:"lat"`
	Lng              float64  `json:"lng"`
	StartsAt         string   `json:"starts_at"`
	EndsAt           string   `json:"ends_at"`
	VolunteersWanted int      `json:"volunteers_wanted"`
	Skills           []string `json:"skills"`
	Urgency          string   `json:"urgency"`
	MaxTakers        int      `json:"max_takers"`
}

type needJSON struct {
	zhiyuan.Need
	ConfirmedHours float64 `json:"confirmed_hours"`
}

func toNeedJSON(n *zhiyuan.Need) needJSON {
	if n.Skills == nil {
		n.Skills = []string{}
	}
	return needJSON{Need: *n, ConfirmedHours: n.ConfirmedHours()}
}

func (x *API) postNeed(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	var req needRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	pr := zhiyuan.Problems{}
	in := app.NeedInput{OrgID: req.OrgID, Need: zhiyuan.Need{
		Title: req.Title, Description: req.Description, Category: zhiyuan.Category(req.Category), TargetGroup: req.TargetGroup,
		RegionCode: req.RegionCode, Address: req.Address, Lat: req.Lat, Lng: req.Lng,
		StartsAt: parseTime(pr, "starts_at", req.StartsAt, zhiyuan.Beijing), EndsAt: parseTime(pr, "ends_at", req.EndsAt, zhiyuan.Beijing),
		VolunteersWanted: req.VolunteersWanted, Skills: req.Skills, Urgency: zhiyuan.NeedUrgency(req.Urgency), MaxTakers: req.MaxTakers,
	}}
	if err := pr.Err(); err != nil {
		return err
	}
	n, err := x.app.PostNeed(r.Context(), p, in)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, toNeedJSON(n))
	return nil
}

func (x *API) listNeeds(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	q := r.URL.Query()
	list, err := x.app.Needs(r.Context(), p, app.NeedQuery{Near: q.Get("near"), WithinKm: q.Get("within_km"),
		Category: q.Get("category"), Status: q.Get("status"), Mine: q.Get("mine") == "1"})
	if err != nil {
		return err
	}
	page := Page[needJSON]{Items: []needJSON{}}
	for i := range list {
		page.Items = append(page.Items, toNeedJSON(&list[i]))
	}
	httpx.WriteJSON(w, http.StatusOK, page)
	return nil
}

func (x *API) getNeed(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	n, err := x.app.Need(r.Context(), p, id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, toNeedJSON(n))
	return nil
}

func (x *API) reviewNeed(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var req struct {
		Decision string `json:"decision"`
	}
	if err := decode(r, &req); err != nil {
		return err
	}
	n, err := x.app.ReviewNeed(r.Context(), p, id, req.Decision)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, toNeedJSON(n))
	return nil
}

func (x *API) takeNeed(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var req struct {
		OrgID int64 `json:"org_id"`
	}
	if r.ContentLength != 0 {
		if err := decode(r, &req); err != nil {
			return err
		}
	}
	if req.OrgID == 0 {
		req.OrgID = app.DefaultTakingOrg(p)
	}
	if req.OrgID == 0 {
		return zhiyuan.FieldFail(zhiyuan.EInvalid, "org_id", "need.org_required")
	}
	act, err := x.app.TakeNeed(r.Context(), p, id, req.OrgID)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, map[string]int64{"activity_id": act.ID})
	return nil
}

func (x *API) rateNeed(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var req struct {
		Rating  int    `json:"rating"`
		Comment string `json:"comment"`
	}
	if err := decode(r, &req); err != nil {
		return err
	}
	n, err := x.app.RateNeed(r.Context(), p, id, req.Rating, req.Comment)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, toNeedJSON(n))
	return nil
}

func (x *API) orgNeedRatings(w http.ResponseWriter, r *http.Request, _ *zhiyuan.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := x.app.Organization(r.Context(), id); err != nil {
		return err
	}
	rt, err := x.app.OrgNeedRatings(r.Context(), id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, rt)
	return nil
}

func (x *API) closeNeed(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	n, err := x.app.CloseNeed(r.Context(), p, id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, toNeedJSON(n))
	return nil
}
