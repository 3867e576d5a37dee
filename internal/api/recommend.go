package api

import (
	"net/http"
	"time"

	"zhiyuan/internal/httpx"

	"zhiyuan"
)

// Recommendations, candidates and invitations (openapi/recommendations.json).

type recommendationJSON struct {
	ActivityID    int64     `json:"activity_id"`
	SessionID     int64     `json:"session_id"`
	Title         string    `json:"title"`
	OrgName       string    `json:"org_name"`
	Category      string    `json:"category"`
	RegionCode    string    `json:"region_code"`
	Address       string    `json:"address"`
	StartsAt      time.Time `json:"starts_at"`
	EndsAt        time.Time `json:"ends_at"`
	SeatsLeft     int       `json:"seats_left"`
	Score         float64   `json:"score"`
	Reasons       []string  `json:"reasons"`
	Reason        string    `json:"reason"`
	DistanceKm    *float64  `json:"distance_km"`
	SignupPageURL string    `json:"signup_url"`
}

func (x *API) myRecommendations(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	q := r.URL.Query()
	list, err := x.app.Recommendations(r.Context(), p, q.Get("lat"), q.Get("lng"))
	if err != nil {
		return err
	}
	out := make([]recommendationJSON, 0, len(list))
	for _, rc := range list {
		loc := rc.Activity.Location()
		j := recommendationJSON{ActivityID: rc.Activity.ID, SessionID: rc.Session.ID, Title: rc.Activity.Title,
			OrgName: rc.Activity.OrgName, Category: string(rc.Activity.Category), RegionCode: rc.Activity.RegionCode,
			Address: rc.Activity.Address, StartsAt: rc.Session.StartsAt.In(loc), EndsAt: rc.Session.EndsAt.In(loc),
			SeatsLeft: rc.Session.SeatsLeft(), Score: float64(int(rc.Score*1000)) / 1000, Reasons: rc.Reasons,
			Reason: rc.Reason(), SignupPageURL: zhiyuan.RecommendSignupPath(rc.Activity.ID, rc.Session.ID)}
		if j.Reasons == nil {
			j.Reasons = []string{}
		}
		if rc.DistanceKm >= 0 {
			d := float64(int(rc.DistanceKm*100)) / 100
			j.DistanceKm = &d
		}
		out = append(out, j)
	}
	httpx.WriteJSON(w, http.StatusOK, struct {
		Items []recommendationJSON `json:"items"`
	}{out})
	return nil
}

type candidateJSON struct {
	VolunteerID int64    `json:"volunteer_id"`
	Name        string   `json:"name_masked"`
	Stars       int      `json:"stars"`
	Score       float64  `json:"score"`
	Reasons     []string `json:"reasons"`
	Reason      string   `json:"reason"`
}

func (x *API) sessionCandidates(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	list, _, _, err := x.app.SessionCandidates(r.Context(), p, id)
	if err != nil {
		return err
	}
	out := make([]candidateJSON, 0, len(list))
	for _, c := range list {
		reasons := c.Reasons
		if reasons == nil {
			reasons = []string{}
		}
		out = append(out, candidateJSON{VolunteerID: c.VolunteerID, Name: c.NameMasked, Stars: c.Stars,
			Score: float64(int(c.Score*1000)) / 1000, Reasons: reasons, Reason: c.Reason()})
	}
	httpx.WriteJSON(w, http.StatusOK, struct {
		Items []candidateJSON `json:"items"`
	}{out})
	return nil
}

func (x *API) inviteVolunteers(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in struct {
		VolunteerIDs []int64 `json:"volunteer_ids"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	n, err := x.app.InviteVolunteers(r.Context(), p, id, in.VolunteerIDs)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, struct {
		Invited int `json:"invited"`
	}{n})
	return nil
}

type invitationSettingJSON struct {
	Invitations *bool `json:"invitations"`
}

func (x *API) myInvitationSetting(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	on, err := x.app.InvitationsOn(r.Context(), p)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, invitationSettingJSON{&on})
	return nil
}

func (x *API) setMyInvitationSetting(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	var in invitationSettingJSON
	if err := decode(r, &in); err != nil {
		return err
	}
	if in.Invitations == nil {
		return zhiyuan.FieldFail(zhiyuan.EInvalid, "invitations", "api.boolean")
	}
	if err := x.app.SetInvitations(r.Context(), p, *in.Invitations); err != nil {
		return err
	}
	return x.myInvitationSetting(w, r, p)
}
