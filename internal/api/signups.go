package api

import (
	"net/http"
	"strconv"
	"time"

	"zhiyuan"
	"zhiyuan/internal/httpx"
)

// signupJSON is a sign-up; session times in the activity's zone. Volunteer names are
// shown to the organisation's managers and to the volunteer.
type signupJSON struct {
	ID            int64     `json:"id"`
	Status        string    `json:"status"`
	SessionID     int64     `json:"session_id"`
	ActivityID    int64     `json:"activity_id"`
	ActivityTitle string    `json:"activity_title,omitempty"`
	OrgName       string    `json:"org_name,omitempty"`
	Address       string    `json:"address,omitempty"`
	StartsAt      time.Time `json:"starts_at"`
	EndsAt        time.Time `json:"ends_at"`
	Position      int       `json:"position,omitempty"`
	Late          bool      `json:"late_cancellation,omitempty"`
	VolunteerID   int64     `json:"volunteer_id"`
	VolunteerName string    `json:"volunteer_name,omitempty"`
	VolunteerNo   string    `json:"volunteer_no,omitempty"`
	CreatedAt     time.Time `json:"created_at"`
}

func toSignupJSON(sg *zhiyuan.Signup) signupJSON {
	loc := zhiyuan.LoadZone(sg.TimeZone)
	return signupJSON{ID: sg.ID, Status: string(sg.Status), SessionID: sg.SessionID, ActivityID: sg.ActivityID,
		ActivityTitle: sg.ActivityTitle, OrgName: sg.OrgName, Address: sg.Address, StartsAt: sg.StartsAt.In(loc),
		EndsAt: sg.EndsAt.In(loc), Position: sg.Position, Late: sg.Late, VolunteerID: sg.VolunteerID,
		VolunteerName: sg.VolunteerName, VolunteerNo: sg.VolunteerNo, CreatedAt: sg.CreatedAt}
}

func (x *API) signUp(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	sg, err := x.app.SignUp(r.Context(), p, id)
	if err != nil {
		return err
	}
	w.Header().Set("Location", Prefix+"/signups/"+strconv.FormatInt(sg.ID, 10))
	httpx.WriteJSON(w, http.StatusCreated, toSignupJSON(sg))
	return nil
}

// sessionResultJSON is one session's outcome of a sign-up for several at once: the
// sign-up, or the error that session answered (in the API's error shape).
type sessionResultJSON struct {
	SessionID int64              `json:"session_id"`
	Signup    *signupJSON        `json:"signup,omitempty"`
	Error     *httpx.ErrorDetail `json:"error,omitempty"`
}

// signUpSessions signs the caller up for several sessions of an activity, each in its
// own transaction; the answer reports each session, so partial success is plain.
func (x *API) signUpSessions(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var req struct {
		SessionIDs []int64 `json:"session_ids"`
	}
	if err := decode(r, &req); err != nil {
		return err
	}
	results, err := x.app.SignUpSessions(r.Context(), p, id, req.SessionIDs)
	if err != nil {
		return err
	}
	out := struct {
		Results  []sessionResultJSON `json:"results"`
		SignedUp int                 `json:"signed_up"`
		Refused  int                 `json:"refused"`
	}{Results: []sessionResultJSON{}}
	for _, res := range results {
		j := sessionResultJSON{SessionID: res.SessionID}
		if res.Err != nil {
			code := zhiyuan.ErrorCode(res.Err)
			if code == "" || code == zhiyuan.EInternal {
				// Logged with the request; the caller learns only that it failed.
				httpx.LogError(r, x.log, res.Err)
				code = zhiyuan.EInternal
				res.Err = zhiyuan.Fail(code, zhiyuan.MsgInternal)
			}
			j.Error = &httpx.ErrorDetail{Code: code, Message: zhiyuan.ErrorMessage(res.Err), Fields: zhiyuan.ErrorFields(res.Err)}
			out.Refused++
		} else {
			sg := toSignupJSON(res.Signup)
			j.Signup = &sg
			out.SignedUp++
		}
		out.Results = append(out.Results, j)
	}
	httpx.WriteJSON(w, http.StatusOK, out)
	return nil
}

func (x *API) getSignup(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	sg, err := x.app.Signup(r.Context(), p, id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, toSignupJSON(sg))
	return nil
}

func (x *API) cancelSignup(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	sg, err := x.app.CancelSignup(r.Context(), p, id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, toSignupJSON(sg))
	return nil
}

func (x *API) decideOne(d zhiyuan.SignupDecision) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		sg, err := x.app.DecideSignup(r.Context(), p, id, d)
		if err != nil {
			return err
		}
		httpx.WriteJSON(w, http.StatusOK, toSignupJSON(sg))
		return nil
	}
}

type idsRequest struct {
	IDs []int64 `json:"ids"`
}

type decideResponse struct {
	Done   []signupJSON                 `json:"done"`
	Failed map[string]httpx.ErrorDetail `json:"failed"`
}

func (x *API) decideMany(d zhiyuan.SignupDecision) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		var req idsRequest
		if err := decode(r, &req); err != nil {
			return err
		}
		res, err := x.app.DecideSignups(r.Context(), p, id, req.IDs, d)
		if err != nil {
			return err
		}
		out := decideResponse{Done: []signupJSON{}, Failed: map[string]httpx.ErrorDetail{}}
		for _, sg := range res.Done {
			out.Done = append(out.Done, toSignupJSON(sg))
		}
		for sid, err := range res.Failed {
			out.Failed[strconv.FormatInt(sid, 10)] = httpx.Detail(err)
		}
		httpx.WriteJSON(w, http.StatusOK, out)
		return nil
	}
}

func (x *API) listSessionSignups(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	after, limit, err := pageParams(r, 100, 500)
	if err != nil {
		return err
	}
	status := zhiyuan.SignupStatus(r.URL.Query().Get("status"))
	switch status {
	case "", zhiyuan.SignupPending, zhiyuan.SignupConfirmed, zhiyuan.SignupWaitlisted, zhiyuan.SignupRejected,
		zhiyuan.SignupCancelled, zhiyuan.SignupNoShow:
	default:
		return zhiyuan.FieldFail(zhiyuan.EInvalid, "status", "api.signup_status_unknown")
	}
	list, _, _, err := x.app.SessionSignups(r.Context(), p, id, status, after, int(limit))
	if err != nil {
		return err
	}
	page := Page[signupJSON]{Items: []signupJSON{}}
	for _, sg := range list {
		page.Items = append(page.Items, toSignupJSON(sg))
	}
	if len(list) == int(limit) {
		page.NextCursor = strconv.FormatInt(list[len(list)-1].ID, 10)
	}
	httpx.WriteJSON(w, http.StatusOK, page)
	return nil
}

func (x *API) mySignups(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	offset, limit, err := pageParams(r, 50, 200)
	if err != nil {
		return err
	}
	list, err := x.app.MySignups(r.Context(), p, zhiyuan.SignupView(r.URL.Query().Get("view")), int(offset), int(limit))
	if err != nil {
		return err
	}
	page := Page[signupJSON]{Items: []signupJSON{}}
	for _, sg := range list {
		page.Items = append(page.Items, toSignupJSON(sg))
	}
	if len(list) == int(limit) {
		page.NextCursor = strconv.FormatInt(offset+limit, 10)
	}
	httpx.WriteJSON(w, http.StatusOK, page)
	return nil
}
