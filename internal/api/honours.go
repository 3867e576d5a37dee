package api

import (
	"net/http"
	"time"

	"zhiyuan"
	"zhiyuan/internal/app"
	"zhiyuan/internal/httpx"
)

// Recognition and care: awards, training records, evaluations, care visits and the
// volunteer's honours (openapi/honours.json, docs/honours.md).

type awardJSON struct {
	ID            int64      `json:"id"`
	VolunteerID   int64      `json:"volunteer_id,omitempty"`
	VolunteerName string     `json:"volunteer_name,omitempty"`
	VolunteerNo   string     `json:"volunteer_no,omitempty"`
	OrgID         int64      `json:"org_id,omitempty"`
	OrgName       string     `json:"org_name,omitempty"`
	Title         string     `json:"title"`
	Level         string     `json:"level"`
	LevelName     string     `json:"level_name"`
	AwardedOn     string     `json:"awarded_on"`
	CertificateNo string     `json:"certificate_no,omitempty"`
	GrantorOrgID  int64      `json:"grantor_org_id,omitempty"`
	GrantorRegion string     `json:"grantor_region,omitempty"`
	GrantorName   string     `json:"grantor_name"`
	CreatedAt     time.Time  `json:"created_at"`
	RevokedAt     *time.Time `json:"revoked_at,omitempty"`
	RevokeReason  string     `json:"revoke_reason,omitempty"`
}

func toAwardJSON(a *zhiyuan.Award) awardJSON {
	j := awardJSON{ID: a.ID, VolunteerID: a.VolunteerID, VolunteerName: a.VolunteerName, VolunteerNo: a.VolunteerNo,
		OrgID: a.RecipientOrgID, OrgName: a.RecipientOrgName, Title: a.Title, Level: string(a.Level), LevelName: a.Level.Chinese(),
		AwardedOn: a.AwardedOn, CertificateNo: a.CertificateNo, GrantorOrgID: a.GrantorOrgID, GrantorRegion: a.GrantorRegion,
		GrantorName: a.GrantorName, CreatedAt: a.CreatedAt, RevokeReason: a.RevokeReason}
	if a.Revoked() {
		t := a.RevokedAt
		j.RevokedAt = &t
	}
	return j
}

func awardsPage(list []zhiyuan.Award) Page[awardJSON] {
	page := Page[awardJSON]{Items: []awardJSON{}}
	for i := range list {
		page.Items = append(page.Items, toAwardJSON(&list[i]))
	}
	return page
}

// awardRequest is the body of both grants.
type awardRequest struct {
	GrantorRegion *string `json:"grantor_region"`
	VolunteerID   int64   `json:"volunteer_id"`
	VolunteerNo   string  `json:"volunteer_no"`
	OrgID         int64   `json:"org_id"`
	Title         string  `json:"title"`
	Level         string  `json:"level"`
	AwardedOn     string  `json:"awarded_on"`
	CertificateNo string  `json:"certificate_no"`
}

func (req awardRequest) grant() app.AwardGrant {
	return app.AwardGrant{VolunteerID: req.VolunteerID, VolunteerNo: req.VolunteerNo, RecipientOrgID: req.OrgID,
		AwardInput: zhiyuan.AwardInput{Title: req.Title, Level: zhiyuan.AwardLevel(req.Level), AwardedOn: req.AwardedOn, CertificateNo: req.CertificateNo}}
}

func (x *API) grantOrgAward(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var req awardRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	a, err := x.app.GrantOrgAward(r.Context(), p, id, req.grant())
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, toAwardJSON(a))
	return nil
}

func (x *API) listOrgAwards(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	list, err := x.app.OrgAwards(r.Context(), p, id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, awardsPage(list))
	return nil
}

func (x *API) grantRegionAward(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	var req awardRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	if req.GrantorRegion == nil {
		return zhiyuan.FieldFail(zhiyuan.EInvalid, "grantor_region", "honour.text_required")
	}
	a, err := x.app.GrantRegionAward(r.Context(), p, *req.GrantorRegion, req.grant())
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, toAwardJSON(a))
	return nil
}

func (x *API) listRegionAwards(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	list, err := x.app.RegionAwards(r.Context(), p, r.URL.Query().Get("region"))
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, awardsPage(list))
	return nil
}

func (x *API) revokeAward(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
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
	a, err := x.app.RevokeAward(r.Context(), p, id, req.Reason)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, toAwardJSON(a))
	return nil
}

type trainingJSON struct {
	ID            int64     `json:"id"`
	OrgID         int64     `json:"org_id"`
	OrgName       string    `json:"org_name"`
	VolunteerID   int64     `json:"volunteer_id"`
	VolunteerName string    `json:"volunteer_name,omitempty"`
	VolunteerNo   string    `json:"volunteer_no,omitempty"`
	Course        string    `json:"course"`
	Hours         float64   `json:"hours"`
	Organiser     string    `json:"organiser"`
	TrainedOn     string    `json:"trained_on"`
	CreatedAt     time.Time `json:"created_at"`
}

func toTrainingJSON(t *zhiyuan.Training) trainingJSON {
	return trainingJSON{ID: t.ID, OrgID: t.OrgID, OrgName: t.OrgName, VolunteerID: t.VolunteerID, VolunteerName: t.VolunteerName,
		VolunteerNo: t.VolunteerNo, Course: t.Course, Hours: zhiyuan.MinutesToHours(t.Minutes), Organiser: t.Organiser,
		TrainedOn: t.TrainedOn, CreatedAt: t.CreatedAt}
}

func (x *API) recordTraining(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var req struct {
		VolunteerID int64   `json:"volunteer_id"`
		VolunteerNo string  `json:"volunteer_no"`
		Course      string  `json:"course"`
		Hours       float64 `json:"hours"`
		Organiser   string  `json:"organiser"`
		TrainedOn   string  `json:"trained_on"`
	}
	if err := decode(r, &req); err != nil {
		return err
	}
	t, err := x.app.RecordTraining(r.Context(), p, id, app.TrainingGrant{VolunteerID: req.VolunteerID, VolunteerNo: req.VolunteerNo,
		TrainingInput: zhiyuan.TrainingInput{Course: req.Course, Minutes: zhiyuan.HoursToMinutes(req.Hours), Organiser: req.Organiser, TrainedOn: req.TrainedOn}})
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, toTrainingJSON(t))
	return nil
}

func (x *API) listOrgTrainings(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	list, err := x.app.OrgTrainings(r.Context(), p, id)
	if err != nil {
		return err
	}
	page := Page[trainingJSON]{Items: []trainingJSON{}}
	for i := range list {
		page.Items = append(page.Items, toTrainingJSON(&list[i]))
	}
	httpx.WriteJSON(w, http.StatusOK, page)
	return nil
}

type evaluationJSON struct {
	ID              int64      `json:"id,omitempty"`
	SessionID       int64      `json:"session_id"`
	ActivityID      int64      `json:"activity_id,omitempty"`
	ActivityTitle   string     `json:"activity_title,omitempty"`
	SessionStartsAt *time.Time `json:"session_starts_at,omitempty"`
	VolunteerID     int64      `json:"volunteer_id"`
	VolunteerName   string     `json:"volunteer_name,omitempty"`
	VolunteerNo     string     `json:"volunteer_no,omitempty"`
	Rating          int        `json:"rating"`
	Comment         string     `json:"comment"`
	UpdatedAt       *time.Time `json:"updated_at,omitempty"`
}

func toEvaluationJSON(e *zhiyuan.Evaluation) evaluationJSON {
	j := evaluationJSON{ID: e.ID, SessionID: e.SessionID, ActivityID: e.ActivityID, ActivityTitle: e.ActivityTitle,
		VolunteerID: e.VolunteerID, VolunteerName: e.VolunteerName, VolunteerNo: e.VolunteerNo, Rating: e.Rating, Comment: e.Comment}
	if !e.SessionStartsAt.IsZero() {
		t := e.SessionStartsAt
		j.SessionStartsAt = &t
	}
	if !e.UpdatedAt.IsZero() {
		t := e.UpdatedAt
		j.UpdatedAt = &t
	}
	return j
}

func evaluationsOf(list []zhiyuan.Evaluation) []evaluationJSON {
	out := []evaluationJSON{}
	for i := range list {
		out = append(out, toEvaluationJSON(&list[i]))
	}
	return out
}

type ratingRequest struct {
	Rating  int    `json:"rating"`
	Comment string `json:"comment"`
}

func (x *API) evaluateVolunteer(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	vid, err := pathID(r, "volunteer_id")
	if err != nil {
		return err
	}
	var req ratingRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	e, err := x.app.EvaluateVolunteer(r.Context(), p, id, vid, req.Rating, req.Comment)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, toEvaluationJSON(e))
	return nil
}

func (x *API) evaluateActivity(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var req ratingRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	e, err := x.app.EvaluateActivity(r.Context(), p, id, req.Rating, req.Comment)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, toEvaluationJSON(e))
	return nil
}

type ratingJSON struct {
	Count   int     `json:"count"`
	Average float64 `json:"average"`
}

func toRatingJSON(s zhiyuan.RatingSummary) ratingJSON {
	return ratingJSON{Count: s.Count, Average: s.Average}
}

func (x *API) sessionEvaluations(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	ev, err := x.app.SessionEvaluationsFor(r.Context(), p, id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"attendees": evaluationsOf(ev.Attendees), "feedback": evaluationsOf(ev.Feedback),
		"rating": toRatingJSON(ev.Summary)})
	return nil
}

func (x *API) activityRating(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := x.app.Activity(r.Context(), p, id); err != nil {
		return err
	}
	s, err := x.app.ActivityRating(r.Context(), id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, toRatingJSON(s))
	return nil
}

type careJSON struct {
	ID            int64     `json:"id"`
	OrgID         int64     `json:"org_id"`
	OrgName       string    `json:"org_name"`
	VolunteerID   int64     `json:"volunteer_id"`
	VolunteerName string    `json:"volunteer_name,omitempty"`
	VolunteerNo   string    `json:"volunteer_no,omitempty"`
	VisitedOn     string    `json:"visited_on"`
	Kind          string    `json:"kind"`
	KindName      string    `json:"kind_name"`
	Note          string    `json:"note"`
	CreatedAt     time.Time `json:"created_at"`
}

func toCareJSON(c *zhiyuan.CareVisit) careJSON {
	return careJSON{ID: c.ID, OrgID: c.OrgID, OrgName: c.OrgName, VolunteerID: c.VolunteerID, VolunteerName: c.VolunteerName,
		VolunteerNo: c.VolunteerNo, VisitedOn: c.VisitedOn, Kind: c.Kind, KindName: zhiyuan.CareKindChinese(c.Kind), Note: c.Note, CreatedAt: c.CreatedAt}
}

func careList(list []zhiyuan.CareVisit) []careJSON {
	out := []careJSON{}
	for i := range list {
		out = append(out, toCareJSON(&list[i]))
	}
	return out
}

func (x *API) recordCareVisit(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var req struct {
		VolunteerID int64  `json:"volunteer_id"`
		VolunteerNo string `json:"volunteer_no"`
		VisitedOn   string `json:"visited_on"`
		Kind        string `json:"kind"`
		Note        string `json:"note"`
	}
	if err := decode(r, &req); err != nil {
		return err
	}
	c, err := x.app.RecordCareVisit(r.Context(), p, id, app.CareGrant{VolunteerID: req.VolunteerID, VolunteerNo: req.VolunteerNo,
		CareInput: zhiyuan.CareInput{VisitedOn: req.VisitedOn, Kind: req.Kind, Note: req.Note}})
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, toCareJSON(c))
	return nil
}

func (x *API) listOrgCareVisits(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	list, err := x.app.OrgCareVisits(r.Context(), p, id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, Page[careJSON]{Items: careList(list)})
	return nil
}

func (x *API) getCareVisit(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	c, err := x.app.CareVisit(r.Context(), p, id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, toCareJSON(c))
	return nil
}

func (x *API) myHonours(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	h, err := x.app.MyHonours(r.Context(), p)
	if err != nil {
		return err
	}
	awards := []awardJSON{}
	for i := range h.Awards {
		awards = append(awards, toAwardJSON(&h.Awards[i]))
	}
	trainings := []trainingJSON{}
	for i := range h.Trainings {
		trainings = append(trainings, toTrainingJSON(&h.Trainings[i]))
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{
		"awards":         awards,
		"training":       trainings,
		"training_hours": zhiyuan.MinutesToHours(h.TrainingMinutes),
		"evaluations":    toRatingJSON(h.Evaluations),
		"sessions":       evaluationsOf(h.Sessions),
		"care_visits":    careList(h.CareVisits),
	})
	return nil
}
