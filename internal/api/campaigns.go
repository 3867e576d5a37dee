package api

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"strconv"

	"zhiyuan"
	"zhiyuan/internal/app"
	"zhiyuan/internal/httpx"
	"zhiyuan/internal/proof"
)

// Campaigns and the contest (大比拼), issue 16 (openapi/campaigns.json).

type campaignRequest struct {
	Name        string   `json:"name"`
	Theme       string   `json:"theme"`
	Description string   `json:"description"`
	StartsOn    string   `json:"starts_on"`
	EndsOn      string   `json:"ends_on"`
	RegionCode  string   `json:"region_code"`
	Categories  []string `json:"categories"`
	Keywords    []string `json:"keywords"`
	Cover       string   `json:"cover"` // optional: base64 JPEG or PNG, or set later with PUT …/cover
}

// campaignJSON is a campaign with its headline figures and the ranking definitions.
type campaignJSON struct {
	*zhiyuan.Campaign
	RegionName  string                   `json:"region_name"`
	Figures     *zhiyuan.CampaignFigures `json:"figures,omitempty"`
	Definitions []zhiyuan.RankDefinition `json:"definitions,omitempty"`
}

func definitions() []zhiyuan.RankDefinition {
	out := make([]zhiyuan.RankDefinition, 0, len(zhiyuan.RankBys))
	for _, b := range zhiyuan.RankBys {
		out = append(out, zhiyuan.RankDefinitions[b])
	}
	return out
}

func (x *API) toCampaignJSON(c *zhiyuan.Campaign) campaignJSON {
	if c.Categories == nil {
		c.Categories = []zhiyuan.Category{}
	}
	if c.Keywords == nil {
		c.Keywords = []string{}
	}
	if c.CoverVersion != 0 {
		c.CoverURL = fmt.Sprintf("/api/v1/campaigns/%d/cover?v=%d", c.ID, c.CoverVersion)
	}
	return campaignJSON{Campaign: c, RegionName: x.app.RegionName(c.RegionCode)}
}

func (x *API) createCampaign(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	var req campaignRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	in := zhiyuan.Campaign{Name: req.Name, Theme: req.Theme, Description: req.Description, StartsOn: req.StartsOn,
		EndsOn: req.EndsOn, RegionCode: req.RegionCode, Keywords: req.Keywords}
	for _, c := range req.Categories {
		in.Categories = append(in.Categories, zhiyuan.Category(c))
	}
	var cover []byte
	if req.Cover != "" {
		var err error
		if cover, err = base64.StdEncoding.DecodeString(req.Cover); err != nil {
			return zhiyuan.FieldFail(zhiyuan.EInvalid, "cover", "card.photo_unreadable")
		}
	}
	c, err := x.app.CreateCampaignWithCover(r.Context(), p, in, cover)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, x.toCampaignJSON(c))
	return nil
}

// putCampaignCover replaces a campaign's cover: multipart/form-data, the image in the
// field "cover".
func (x *API) putCampaignCover(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	img, err := httpx.ReadImageUpload(w, r, "cover", proof.MaxPhotoBytes, "api.cover_multipart")
	if err != nil {
		return err
	}
	c, err := x.app.SetCampaignCover(r.Context(), p, id, img)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, x.toCampaignJSON(c))
	return nil
}

// getCampaignCover serves a campaign's cover, public and cacheable.
func (x *API) getCampaignCover(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	img, v, err := x.app.CampaignCover(r.Context(), id)
	if err != nil {
		return err
	}
	httpx.WritePublicImage(w, r, "campaign-cover", id, v, img)
	return nil
}

func (x *API) listCampaigns(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	list, err := x.app.Campaigns(r.Context())
	if err != nil {
		return err
	}
	page := Page[campaignJSON]{Items: []campaignJSON{}}
	for _, c := range list {
		page.Items = append(page.Items, x.toCampaignJSON(c))
	}
	httpx.WriteJSON(w, http.StatusOK, page)
	return nil
}

func (x *API) getCampaign(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	c, err := x.app.Campaign(r.Context(), id)
	if err != nil {
		return err
	}
	out := x.toCampaignJSON(c)
	if out.Figures, err = x.app.CampaignFigures(r.Context(), c.ID); err != nil {
		return err
	}
	out.Definitions = definitions()
	httpx.WriteJSON(w, http.StatusOK, out)
	return nil
}

func (x *API) campaignActivities(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	q := r.URL.Query()
	cq := app.CampaignActivityQuery{Q: q.Get("q"), Category: q.Get("category"), Region: q.Get("region"), Refused: q.Get("status") == "refused"}
	if s := q.Get("cursor"); s != "" {
		if cq.Before, err = strconv.ParseInt(s, 10, 64); err != nil || cq.Before <= 0 {
			return zhiyuan.FieldFail(zhiyuan.EInvalid, "cursor", "search.cursor_invalid")
		}
	}
	list, err := x.app.CampaignActivities(r.Context(), id, cq)
	if err != nil {
		return err
	}
	page := Page[zhiyuan.CampaignEntry]{Items: list}
	if len(list) == zhiyuan.CampaignListMax {
		page.NextCursor = strconv.FormatInt(list[len(list)-1].ActivityID, 10)
	}
	httpx.WriteJSON(w, http.StatusOK, page)
	return nil
}

type rankingsJSON struct {
	CampaignID int64                  `json:"campaign_id"`
	Level      zhiyuan.RankLevel      `json:"level"`
	By         zhiyuan.RankBy         `json:"by"`
	Definition zhiyuan.RankDefinition `json:"definition"`
	Items      []zhiyuan.RankRow      `json:"items"`
}

func rankQuery(r *http.Request) (zhiyuan.RankLevel, zhiyuan.RankBy, error) {
	pr := zhiyuan.Problems{}
	level, err := zhiyuan.ParseRankLevel(r.URL.Query().Get("level"))
	pr.Merge("", err)
	by, err := zhiyuan.ParseRankBy(r.URL.Query().Get("by"))
	pr.Merge("", err)
	return level, by, pr.Err()
}

func (x *API) campaignRankings(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	level, by, err := rankQuery(r)
	if err != nil {
		return err
	}
	rows, err := x.app.CampaignRanking(r.Context(), id, level, by)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, rankingsJSON{CampaignID: id, Level: level, By: by, Definition: zhiyuan.RankDefinitions[by], Items: rows})
	return nil
}

func (x *API) campaignRankingsSheet(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	_, by, err := rankQuery(r)
	if err != nil {
		return err
	}
	if _, err := x.app.Campaign(r.Context(), id); err != nil {
		return err
	}
	dw := httpx.NewDownload(w, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
		"campaign-"+strconv.FormatInt(id, 10)+"-rankings.xlsx")
	return dw.Finish(r, x.log, x.app.WriteCampaignRankings(r.Context(), id, by, dw))
}

func (x *API) enterCampaign(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var req struct {
		CampaignID int64 `json:"campaign_id"`
	}
	if err := decode(r, &req); err != nil {
		return err
	}
	e, err := x.app.EnterCampaign(r.Context(), p, id, req.CampaignID)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, e)
	return nil
}

func (x *API) activityCampaigns(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := x.app.Activity(r.Context(), p, id); err != nil {
		return err
	}
	list, err := x.app.ActivityCampaigns(r.Context(), id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, Page[zhiyuan.CampaignEntry]{Items: list})
	return nil
}

func (x *API) refuseCampaignEntry(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	act, err := pathID(r, "activity")
	if err != nil {
		return err
	}
	var req struct {
		Reason string `json:"reason"`
	}
	if err := decode(r, &req); err != nil {
		return err
	}
	e, err := x.app.RefuseCampaignEntry(r.Context(), p, id, act, req.Reason)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, e)
	return nil
}
