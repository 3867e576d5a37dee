package api

import (
	"encoding/base64"
	"net/http"
	"time"

	"zhiyuan"
	"zhiyuan/internal/app"
	"zhiyuan/internal/httpx"
)

// Exemplary people (身边雷锋, issue 16): a campaign's selection, nominations, consent,
// review, candidates, likes, the organiser's report and voiding, jury and results
// (openapi/selections.json).

type selectionRequest struct {
	Categories    []string `json:"categories"`
	ReviewLevels  []string `json:"review_levels"`
	NominateFrom  string   `json:"nominate_from"`
	NominateUntil string   `json:"nominate_until"`
	VoteFrom      string   `json:"vote_from"`
	VoteUntil     string   `json:"vote_until"`
}

func (x *API) postSelection(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var req selectionRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	pr := zhiyuan.Problems{}
	in := app.SelectionInput{ReviewLevels: req.ReviewLevels,
		NominateFrom: parseTime(pr, "nominate_from", req.NominateFrom, zhiyuan.Beijing), NominateUntil: parseTime(pr, "nominate_until", req.NominateUntil, zhiyuan.Beijing),
		VoteFrom: parseTime(pr, "vote_from", req.VoteFrom, zhiyuan.Beijing), VoteUntil: parseTime(pr, "vote_until", req.VoteUntil, zhiyuan.Beijing)}
	for _, c := range req.Categories {
		in.Categories = append(in.Categories, zhiyuan.SelectionCategory(c))
	}
	if err := pr.Err(); err != nil {
		return err
	}
	sel, err := x.app.CreateSelection(r.Context(), p, id, in)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, sel)
	return nil
}

func (x *API) getSelection(w http.ResponseWriter, r *http.Request, _ *zhiyuan.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	sel, err := x.app.Selection(r.Context(), id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, sel)
	return nil
}

type nominationRequest struct {
	Category        string   `json:"category"`
	VolunteerNo     string   `json:"volunteer_no"`
	OrgID           int64    `json:"org_id"`
	ProjectID       int64    `json:"project_id"`
	CommunityName   string   `json:"community_name"`
	CommunityRegion string   `json:"community_region"`
	Story           string   `json:"story"`
	NominatorOrgID  int64    `json:"nominator_org_id"`
	Photos          []string `json:"photos"` // base64 JPEG or PNG, re-encoded as a card photo is
}

func (x *API) postNomination(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var req nominationRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	in := app.NominationInput{Category: zhiyuan.SelectionCategory(req.Category), VolunteerNo: req.VolunteerNo, OrgID: req.OrgID,
		ProjectID: req.ProjectID, CommunityName: req.CommunityName, CommunityRegion: req.CommunityRegion, Story: req.Story,
		NominatorOrgID: req.NominatorOrgID}
	for _, s := range req.Photos {
		b, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			return zhiyuan.FieldFail(zhiyuan.EInvalid, "photos", "card.photo_unreadable")
		}
		in.Photos = append(in.Photos, b)
	}
	n, err := x.app.Nominate(r.Context(), p, id, in)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, n)
	return nil
}

func (x *API) getNomination(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	n, err := x.app.Nomination(r.Context(), p, id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, n)
	return nil
}

func (x *API) reviewNomination(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var req struct {
		Decision string `json:"decision"`
		Comment  string `json:"comment"`
	}
	if err := decode(r, &req); err != nil {
		return err
	}
	n, err := x.app.ReviewNomination(r.Context(), p, id, zhiyuan.ReviewDecision(req.Decision), req.Comment)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, n)
	return nil
}

func (x *API) consentNomination(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var req struct {
		Agree    bool `json:"agree"`
		Guardian struct {
			Name     string `json:"name"`
			Phone    string `json:"phone"`
			Relation string `json:"relation"`
			Consent  bool   `json:"consent"`
		} `json:"guardian"`
	}
	if err := decode(r, &req); err != nil {
		return err
	}
	g := req.Guardian
	if err := x.app.ConsentToNomination(r.Context(), p, id, app.ConsentInput{Agree: req.Agree,
		Guardian: app.GuardianInput{Name: g.Name, Phone: g.Phone, Relation: g.Relation, Consent: g.Consent}}); err != nil {
		return err
	}
	n, err := x.app.Nomination(r.Context(), p, id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, n)
	return nil
}

func (x *API) resubmitNomination(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var req struct {
		Story string `json:"story"`
	}
	if err := decode(r, &req); err != nil {
		return err
	}
	n, err := x.app.ResubmitNomination(r.Context(), p, id, req.Story)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, n)
	return nil
}

func (x *API) reviewQueue(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	list, err := x.app.ReviewQueue(r.Context(), p)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, Page[zhiyuan.Nomination]{Items: list})
	return nil
}

func (x *API) myNominations(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	nominee, nominator, err := x.app.MyNominations(r.Context(), p)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, map[string][]zhiyuan.Nomination{"as_nominee": nominee, "as_nominator": nominator})
	return nil
}

func (x *API) listCandidates(w http.ResponseWriter, r *http.Request, _ *zhiyuan.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	q := r.URL.Query()
	sort := q.Get("sort")
	if sort != "" && sort != "likes" && sort != "newest" {
		return zhiyuan.FieldFail(zhiyuan.EInvalid, "sort", "candidate.sort_unknown")
	}
	_, list, err := x.app.Candidates(r.Context(), id, q.Get("category"), sort == "likes")
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, Page[zhiyuan.Nomination]{Items: list})
	return nil
}

func (x *API) likeCandidate(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	n, err := x.app.Like(r.Context(), p, id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, map[string]int64{"likes": n})
	return nil
}

func (x *API) likeReport(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	_, rep, err := x.app.LikeReport(r.Context(), p, id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, rep)
	return nil
}

func (x *API) voidLikes(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var req struct {
		NominationID    int64  `json:"nomination_id"`
		IP              string `json:"ip"`
		RegisteredFrom  string `json:"registered_from"`
		RegisteredUntil string `json:"registered_until"`
	}
	if err := decode(r, &req); err != nil {
		return err
	}
	pr := zhiyuan.Problems{}
	in := app.VoidInput{NominationID: req.NominationID, IP: req.IP}
	if req.IP == "" {
		in.RegisteredFrom = parseTime(pr, "registered_from", req.RegisteredFrom, time.UTC)
		in.RegisteredUntil = parseTime(pr, "registered_until", req.RegisteredUntil, time.UTC)
	}
	if err := pr.Err(); err != nil {
		return err
	}
	n, err := x.app.VoidLikes(r.Context(), p, id, in)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]int64{"voided": n})
	return nil
}

func (x *API) setJury(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var req struct {
		Decisions []struct {
			NominationID int64 `json:"nomination_id"`
			Rank         int   `json:"rank"`
			Winner       bool  `json:"winner"`
		} `json:"decisions"`
	}
	if err := decode(r, &req); err != nil {
		return err
	}
	var ds []app.JuryInput
	for _, d := range req.Decisions {
		ds = append(ds, app.JuryInput{NominationID: d.NominationID, Rank: d.Rank, Winner: d.Winner})
	}
	if err := x.app.SetJury(r.Context(), p, id, ds); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

type resultRow struct {
	zhiyuan.Nomination
	LikesRank int `json:"likes_rank"`
}

type categoryResult struct {
	Category zhiyuan.SelectionCategory `json:"category"`
	Title    string                    `json:"title"`
	Rows     []resultRow               `json:"candidates"`
}

func (x *API) publishResults(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	n, err := x.app.PublishResults(r.Context(), p, id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, map[string]int{"awards": n})
	return nil
}

func (x *API) getResults(w http.ResponseWriter, r *http.Request, _ *zhiyuan.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	_, res, err := x.app.Results(r.Context(), id)
	if err != nil {
		return err
	}
	out := []categoryResult{}
	for _, c := range res {
		cr := categoryResult{Category: c.Category, Title: c.Category.Chinese(), Rows: []resultRow{}}
		for _, row := range c.Rows {
			cr.Rows = append(cr.Rows, resultRow{Nomination: row.Nomination, LikesRank: row.LikesRank})
		}
		out = append(out, cr)
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"categories": out})
	return nil
}
