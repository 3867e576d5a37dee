package api

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"zhiyuan"
	"zhiyuan/internal/app"
	"zhiyuan/internal/httpx"
)

// sessionJSON is a session; its times are shown in the activity's zone.
type sessionJSON struct {
	ID         int64     `json:"id"`
	ActivityID int64     `json:"activity_id"`
	StartsAt   time.Time `json:"starts_at"`
	EndsAt     time.Time `json:"ends_at"`
	Capacity   int       `json:"capacity"`
	SeatsTaken int       `json:"seats_taken"`
	SeatsLeft  int       `json:"seats_left"`
	Pending    int       `json:"pending"`
	Waitlisted int       `json:"waitlisted"`
	Status     string    `json:"status"`
	// SignupState is the session's sign-up state for the caller (zhiyuan.SignupState),
	// given on GET /activities/{id} only.
	SignupState *signupStateJSON `json:"signup_state,omitempty"`
}

// signupStateJSON is a session's one sign-up state for the caller: a stable code, the
// label pages show and the reason.
type signupStateJSON struct {
	Code    string     `json:"code"`
	Label   string     `json:"label"`
	Reason  string     `json:"reason,omitempty"`
	OpensAt *time.Time `json:"opens_at,omitempty"`
}

func toSignupStateJSON(st zhiyuan.SessionState, loc *time.Location) *signupStateJSON {
	j := &signupStateJSON{Code: string(st.Code), Label: st.Label, Reason: st.Reason}
	if !st.Opens.IsZero() {
		t := st.Opens.In(loc)
		j.OpensAt = &t
	}
	return j
}

func toSessionJSON(se *zhiyuan.ActivitySession, loc *time.Location) sessionJSON {
	return sessionJSON{ID: se.ID, ActivityID: se.ActivityID, StartsAt: se.StartsAt.In(loc), EndsAt: se.EndsAt.In(loc),
		Capacity: se.Capacity, SeatsTaken: se.SeatsTaken, SeatsLeft: se.SeatsLeft(), Pending: se.Pending,
		Waitlisted: se.Waitlisted, Status: string(se.Status)}
}

// activityJSON is an activity as the API shows it.
type activityJSON struct {
	ID                int64         `json:"id"`
	OrgID             int64         `json:"org_id"`
	OrgName           string        `json:"org_name"`
	ProjectID         int64         `json:"project_id,omitempty"`
	Title             string        `json:"title"`
	Description       string        `json:"description"`
	Category          string        `json:"category"`
	CategoryName      string        `json:"category_name"`
	TargetGroup       string        `json:"target_group"`
	RegionCode        string        `json:"region_code"`
	RegionName        string        `json:"region_name"`
	Address           string        `json:"address"`
	Lat               *float64      `json:"lat,omitempty"`
	Lng               *float64      `json:"lng,omitempty"`
	CheckinRadiusM    int           `json:"checkin_radius_m"`
	ContactName       string        `json:"contact_name"`
	ContactPhone      string        `json:"contact_phone"`
	TimeZone          string        `json:"time_zone"`
	MinAge            int           `json:"min_age"`
	MaxAge            int           `json:"max_age"`
	Skills            []string      `json:"skills"`
	MembersOnly       bool          `json:"members_only"`
	InsuranceRequired bool          `json:"insurance_required"`
	ChildFriendly     bool          `json:"child_friendly"`
	SignupMode        string        `json:"signup_mode"`
	SignupOpensAt     *time.Time    `json:"signup_opens_at,omitempty"`
	SignupClosesAt    *time.Time    `json:"signup_closes_at,omitempty"`
	CancelBeforeHours int           `json:"cancel_before_hours"`
	Waitlist          bool          `json:"waitlist"`
	Status            string        `json:"status"`
	StartsAt          time.Time     `json:"starts_at"`
	EndsAt            time.Time     `json:"ends_at"`
	SeatsLeft         int           `json:"seats_left"`
	CreatedAt         time.Time     `json:"created_at"`
	PublishedAt       *time.Time    `json:"published_at,omitempty"`
	Sessions          []sessionJSON `json:"sessions,omitempty"`
	DistanceKm        *float64      `json:"distance_km,omitempty"`
	NextSessionAt     *time.Time    `json:"next_session_at,omitempty"`
}

func optTime(t time.Time, loc *time.Location) *time.Time {
	if t.IsZero() {
		return nil
	}
	t = t.In(loc)
	return &t
}

func (x *API) toActivityJSON(a *zhiyuan.Activity) activityJSON {
	loc := a.Location()
	j := activityJSON{
		ID: a.ID, OrgID: a.OrgID, OrgName: a.OrgName, ProjectID: a.ProjectID, Title: a.Title, Description: a.Description,
		Category: string(a.Category), CategoryName: a.Category.Chinese(), TargetGroup: a.TargetGroup,
		RegionCode: a.RegionCode, RegionName: x.app.RegionName(a.RegionCode), Address: a.Address,
		CheckinRadiusM: a.CheckinRadiusM, ContactName: a.ContactName, ContactPhone: a.ContactPhone, TimeZone: a.TimeZone,
		MinAge: a.MinAge, MaxAge: a.MaxAge, Skills: a.Skills, MembersOnly: a.MembersOnly,
		InsuranceRequired: a.InsuranceRequired, ChildFriendly: a.ChildFriendly, SignupMode: string(a.SignupMode),
		SignupOpensAt: optTime(a.SignupOpensAt, loc), SignupClosesAt: optTime(a.SignupClosesAt, loc),
		CancelBeforeHours: a.CancelBeforeHours, Waitlist: a.Waitlist, Status: string(a.Status),
		StartsAt: a.StartsAt.In(loc), EndsAt: a.EndsAt.In(loc), SeatsLeft: a.SeatsLeft(), CreatedAt: a.CreatedAt,
		PublishedAt: optTime(a.PublishedAt, loc),
	}
	if j.Skills == nil {
		j.Skills = []string{}
	}
	if a.HasCoords() {
		lat, lng := a.Lat, a.Lng
		j.Lat, j.Lng = &lat, &lng
	}
	if a.Sessions != nil {
		j.Sessions = make([]sessionJSON, 0, len(a.Sessions))
		for i := range a.Sessions {
			j.Sessions = append(j.Sessions, toSessionJSON(&a.Sessions[i], loc))
		}
	}
	return j
}

type sessionRequest struct {
	StartsAt string `json:"starts_at"`
	EndsAt   string `json:"ends_at"`
	Capacity int    `json:"capacity"`
}

type recurrenceRequest struct {
	FirstDate string `json:"first_date"`
	StartTime string `json:"start_time"`
	EndTime   string `json:"end_time"`
	Weeks     int    `json:"weeks"`
	Capacity  int    `json:"capacity"`
}

func (r *recurrenceRequest) recurrence() *zhiyuan.Recurrence {
	if r == nil {
		return nil
	}
	return &zhiyuan.Recurrence{FirstDate: r.FirstDate, StartTime: r.StartTime, EndTime: r.EndTime, Weeks: r.Weeks, Capacity: r.Capacity}
}

type activityRequest struct {
	ProjectID         int64              `json:"project_id"`
	Title             string             `json:"title"`
	Description       string             `json:"description"`
	Category          string             `json:"category"`
	TargetGroup       string             `json:"target_group"`
	RegionCode        string             `json:"region_code"`
	Address           string             `json:"address"`
	Lat               float64            `json:"lat"`
	Lng               float64            `json:"lng"`
	CheckinRadiusM    int                `json:"checkin_radius_m"`
	ContactName       string             `json:"contact_name"`
	ContactPhone      string             `json:"contact_phone"`
	TimeZone          string             `json:"time_zone"`
	MinAge            int                `json:"min_age"`
	MaxAge            int                `json:"max_age"`
	Skills            []string           `json:"skills"`
	MembersOnly       bool               `json:"members_only"`
	InsuranceRequired bool               `json:"insurance_required"`
	ChildFriendly     bool               `json:"child_friendly"`
	SignupMode        string             `json:"signup_mode"`
	SignupOpensAt     string             `json:"signup_opens_at"`
	SignupClosesAt    string             `json:"signup_closes_at"`
	CancelBeforeHours int                `json:"cancel_before_hours"`
	Waitlist          bool               `json:"waitlist"`
	Sessions          []sessionRequest   `json:"sessions"`
	Recurrence        *recurrenceRequest `json:"recurrence"`
}

// parseTime reads an RFC 3339 time, or a local time without offset ("2026-12-05T23:00")
// taken in the activity's zone. Empty is the zero time.
func parseTime(p zhiyuan.Problems, field, s string, loc *time.Location) time.Time {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC()
	}
	for _, layout := range []string{"2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02 15:04"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t.UTC()
		}
	}
	p.Add(field, "api.time_format")
	return time.Time{}
}

// parseTimePatch parses a patch's optional time: nil when the field was not sent.
func parseTimePatch(p zhiyuan.Problems, field string, s *string, loc *time.Location) *time.Time {
	if s == nil {
		return nil
	}
	t := parseTime(p, field, *s, loc)
	return &t
}

func parseSessions(p zhiyuan.Problems, in []sessionRequest, loc *time.Location) []app.SessionInput {
	out := make([]app.SessionInput, 0, len(in))
	for i, s := range in {
		prefix := fmt.Sprintf("sessions[%d].", i)
		start := parseTime(p, prefix+"starts_at", s.StartsAt, loc)
		end := parseTime(p, prefix+"ends_at", s.EndsAt, loc)
		out = append(out, app.SessionInput{StartsAt: start, EndsAt: end, Capacity: s.Capacity})
	}
	return out
}

func (x *API) createActivity(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	orgID, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var req activityRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	loc := zhiyuan.LoadZone(req.TimeZone)
	pr := zhiyuan.Problems{}
	in := app.ActivityInput{
		ProjectID: req.ProjectID, Title: req.Title, Description: req.Description, Category: zhiyuan.Category(req.Category),
		TargetGroup: req.TargetGroup, RegionCode: req.RegionCode, Address: req.Address, Lat: req.Lat, Lng: req.Lng,
		CheckinRadiusM: req.CheckinRadiusM, ContactName: req.ContactName, ContactPhone: req.ContactPhone,
		TimeZone: req.TimeZone, MinAge: req.MinAge, MaxAge: req.MaxAge, Skills: req.Skills, MembersOnly: req.MembersOnly,
		InsuranceRequired: req.InsuranceRequired, ChildFriendly: req.ChildFriendly, SignupMode: zhiyuan.SignupMode(req.SignupMode),
		SignupOpensAt:     parseTime(pr, "signup_opens_at", req.SignupOpensAt, loc),
		SignupClosesAt:    parseTime(pr, "signup_closes_at", req.SignupClosesAt, loc),
		CancelBeforeHours: req.CancelBeforeHours, Waitlist: req.Waitlist,
		Sessions: parseSessions(pr, req.Sessions, loc), Recurrence: req.Recurrence.recurrence(),
	}
	if err := pr.Err(); err != nil {
		return err
	}
	a, err := x.app.CreateActivity(r.Context(), p, orgID, in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", Prefix+"/activities/"+strconv.FormatInt(a.ID, 10))
	httpx.WriteJSON(w, http.StatusCreated, x.toActivityJSON(a))
	return nil
}

func (x *API) listOrgActivities(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	orgID, err := pathID(r, "id")
	if err != nil {
		return err
	}
	before, limit, err := pageParams(r, 50, 200)
	if err != nil {
		return err
	}
	status := r.URL.Query().Get("status")
	switch zhiyuan.ActivityStatus(status) {
	case "", zhiyuan.ActivityDraft, zhiyuan.ActivityPublished, zhiyuan.ActivityClosed, zhiyuan.ActivityCancelled:
	default:
		return zhiyuan.FieldFail(zhiyuan.EInvalid, "status", "api.activity_status_unknown")
	}
	list, _, err := x.app.OrgActivities(r.Context(), p, orgID, status, before, int(limit))
	if err != nil {
		return err
	}
	page := Page[activityJSON]{Items: []activityJSON{}}
	for _, a := range list {
		page.Items = append(page.Items, x.toActivityJSON(a))
	}
	if len(list) == int(limit) {
		page.NextCursor = strconv.FormatInt(list[len(list)-1].ID, 10)
	}
	httpx.WriteJSON(w, http.StatusOK, page)
	return nil
}

// searchPage is a page of a search with the count of all matches (the page's count:
// app.SearchResult).
type searchPage struct {
	Page[activityJSON]
	Total       int  `json:"total"`
	TotalCapped bool `json:"total_capped"`
}

func (x *API) searchActivities(w http.ResponseWriter, r *http.Request, _ *zhiyuan.Principal) error {
	q := r.URL.Query()
	limit, err := queryInt(r, "limit")
	if err != nil {
		return err
	}
	open := false
	switch q.Get("open") {
	case "", "0", "false":
	case "1", "true":
		open = true
	default:
		return zhiyuan.FieldFail(zhiyuan.EInvalid, "open", "api.boolean")
	}
	res, err := x.app.SearchActivitiesCounted(r.Context(), app.SearchQuery{
		Q: q.Get("q"), Region: q.Get("region"), Category: q.Get("category"), From: q.Get("from"), To: q.Get("to"),
		Open: open, Near: q.Get("near"), WithinKm: q.Get("within_km"), Sort: q.Get("sort"), Cursor: q.Get("cursor"),
		Limit: int(limit),
	})
	if err != nil {
		return err
	}
	page := searchPage{Page: Page[activityJSON]{Items: []activityJSON{}, NextCursor: res.Next}, Total: res.Total, TotalCapped: res.Capped}
	for _, h := range res.Hits {
		j := x.toActivityJSON(h.Activity)
		j.SeatsLeft = h.SeatsLeft
		j.NextSessionAt = optTime(h.NextSessionAt, h.Activity.Location())
		if q.Get("near") != "" {
			d := float64(int(h.DistanceKm*100)) / 100
			j.DistanceKm = &d
		}
		page.Items = append(page.Items, j)
	}
	httpx.WriteJSON(w, http.StatusOK, page)
	return nil
}

type activityDetail struct {
	activityJSON
	CanManage bool `json:"can_manage"`
}

func (x *API) getActivity(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	a, err := x.app.Activity(r.Context(), p, id)
	if err != nil {
		return err
	}
	states, _, _, err := x.app.SignupStates(r.Context(), p, a)
	if err != nil {
		return err
	}
	j := x.toActivityJSON(a)
	for i := range j.Sessions {
		j.Sessions[i].SignupState = toSignupStateJSON(states[j.Sessions[i].ID], a.Location())
	}
	httpx.WriteJSON(w, http.StatusOK, activityDetail{j, x.app.CanManageActivity(r.Context(), p, a)})
	return nil
}

type activityPatchRequest struct {
	ProjectID         *int64    `json:"project_id"`
	Title             *string   `json:"title"`
	Description       *string   `json:"description"`
	Category          *string   `json:"category"`
	TargetGroup       *string   `json:"target_group"`
	RegionCode        *string   `json:"region_code"`
	Address           *string   `json:"address"`
	Lat               *float64  `json:"lat"`
	Lng               *float64  `json:"lng"`
	CheckinRadiusM    *int      `json:"checkin_radius_m"`
	ContactName       *string   `json:"contact_name"`
	ContactPhone      *string   `json:"contact_phone"`
	TimeZone          *string   `json:"time_zone"`
	MinAge            *int      `json:"min_age"`
	MaxAge            *int      `json:"max_age"`
	Skills            *[]string `json:"skills"`
	MembersOnly       *bool     `json:"members_only"`
	InsuranceRequired *bool     `json:"insurance_required"`
	ChildFriendly     *bool     `json:"child_friendly"`
	SignupMode        *string   `json:"signup_mode"`
	SignupOpensAt     *string   `json:"signup_opens_at"`
	SignupClosesAt    *string   `json:"signup_closes_at"`
	CancelBeforeHours *int      `json:"cancel_before_hours"`
	Waitlist          *bool     `json:"waitlist"`
}

func (x *API) patchActivity(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var req activityPatchRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	zone := ""
	if req.TimeZone != nil {
		zone = *req.TimeZone
	} else if a, err := x.app.Activity(r.Context(), p, id); err == nil {
		zone = a.TimeZone
	}
	loc := zhiyuan.LoadZone(zone)
	pr := zhiyuan.Problems{}
	patch := app.ActivityPatch{
		ProjectID: req.ProjectID, Title: req.Title, Description: req.Description, TargetGroup: req.TargetGroup,
		RegionCode: req.RegionCode, Address: req.Address, Lat: req.Lat, Lng: req.Lng, CheckinRadiusM: req.CheckinRadiusM,
		ContactName: req.ContactName, ContactPhone: req.ContactPhone, TimeZone: req.TimeZone, MinAge: req.MinAge,
		MaxAge: req.MaxAge, Skills: req.Skills, MembersOnly: req.MembersOnly, InsuranceRequired: req.InsuranceRequired,
		ChildFriendly: req.ChildFriendly, CancelBeforeHours: req.CancelBeforeHours, Waitlist: req.Waitlist,
	}
	if req.Category != nil {
		c := zhiyuan.Category(*req.Category)
		patch.Category = &c
	}
	if req.SignupMode != nil {
		m := zhiyuan.SignupMode(*req.SignupMode)
		patch.SignupMode = &m
	}
	patch.SignupOpensAt = parseTimePatch(pr, "signup_opens_at", req.SignupOpensAt, loc)
	patch.SignupClosesAt = parseTimePatch(pr, "signup_closes_at", req.SignupClosesAt, loc)
	if err := pr.Err(); err != nil {
		return err
	}
	a, err := x.app.UpdateActivity(r.Context(), p, id, patch)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, x.toActivityJSON(a))
	return nil
}

func (x *API) activityAction(do func(r *http.Request, p *zhiyuan.Principal, id int64) (*zhiyuan.Activity, error)) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		a, err := do(r, p, id)
		if err != nil {
			return err
		}
		httpx.WriteJSON(w, http.StatusOK, x.toActivityJSON(a))
		return nil
	}
}

func (x *API) publishActivity(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	return x.activityAction(func(r *http.Request, p *zhiyuan.Principal, id int64) (*zhiyuan.Activity, error) {
		return x.app.PublishActivity(r.Context(), p, id)
	})(w, r, p)
}

func (x *API) closeActivity(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	return x.activityAction(func(r *http.Request, p *zhiyuan.Principal, id int64) (*zhiyuan.Activity, error) {
		return x.app.CloseActivity(r.Context(), p, id)
	})(w, r, p)
}

func (x *API) cancelActivity(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	return x.activityAction(func(r *http.Request, p *zhiyuan.Principal, id int64) (*zhiyuan.Activity, error) {
		return x.app.CancelActivity(r.Context(), p, id)
	})(w, r, p)
}

type addSessionsRequest struct {
	Sessions   []sessionRequest   `json:"sessions"`
	Recurrence *recurrenceRequest `json:"recurrence"`
}

func (x *API) addSessions(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var req addSessionsRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	a, err := x.app.Activity(r.Context(), p, id)
	if err != nil {
		return err
	}
	pr := zhiyuan.Problems{}
	sessions := parseSessions(pr, req.Sessions, a.Location())
	if err := pr.Err(); err != nil {
		return err
	}
	a, err = x.app.AddSessions(r.Context(), p, id, sessions, req.Recurrence.recurrence())
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, x.toActivityJSON(a))
	return nil
}

type sessionDetail struct {
	sessionJSON
	ActivityTitle  string `json:"activity_title"`
	ActivityStatus string `json:"activity_status"`
	TimeZone       string `json:"time_zone"`
	SignupMode     string `json:"signup_mode"`
	Waitlist       bool   `json:"waitlist"`
}

func writeSession(w http.ResponseWriter, status int, se *zhiyuan.ActivitySession, a *zhiyuan.Activity) {
	httpx.WriteJSON(w, status, sessionDetail{sessionJSON: toSessionJSON(se, a.Location()), ActivityTitle: a.Title,
		ActivityStatus: string(a.Status), TimeZone: a.TimeZone, SignupMode: string(a.SignupMode), Waitlist: a.Waitlist})
}

func (x *API) getSession(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	se, a, err := x.app.Session(r.Context(), p, id)
	if err != nil {
		return err
	}
	writeSession(w, http.StatusOK, se, a)
	return nil
}

type sessionPatchRequest struct {
	StartsAt *string `json:"starts_at"`
	EndsAt   *string `json:"ends_at"`
	Capacity *int    `json:"capacity"`
}

func (x *API) patchSession(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var req sessionPatchRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	_, a, err := x.app.Session(r.Context(), p, id)
	if err != nil {
		return err
	}
	pr := zhiyuan.Problems{}
	patch := app.SessionPatch{Capacity: req.Capacity, StartsAt: parseTimePatch(pr, "starts_at", req.StartsAt, a.Location()),
		EndsAt: parseTimePatch(pr, "ends_at", req.EndsAt, a.Location())}
	if err := pr.Err(); err != nil {
		return err
	}
	se, a, err := x.app.UpdateSession(r.Context(), p, id, patch)
	if err != nil {
		return err
	}
	writeSession(w, http.StatusOK, se, a)
	return nil
}

type projectJSON struct {
	ID          int64     `json:"id"`
	OrgID       int64     `json:"org_id"`
	Title       string    `json:"title"`
	Description string    `json:"description"`
	Category    string    `json:"category,omitempty"`
	RegionCode  string    `json:"region_code"`
	CreatedAt   time.Time `json:"created_at"`
}

func toProjectJSON(p *zhiyuan.Project) projectJSON {
	return projectJSON{ID: p.ID, OrgID: p.OrgID, Title: p.Title, Description: p.Description, Category: string(p.Category),
		RegionCode: p.RegionCode, CreatedAt: p.CreatedAt}
}

type projectRequest struct {
	Title       string `json:"title"`
	Description string `json:"description"`
	Category    string `json:"category"`
	RegionCode  string `json:"region_code"`
}

func (x *API) createProject(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	orgID, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var req projectRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	pr, err := x.app.CreateProject(r.Context(), p, orgID, zhiyuan.Project{Title: req.Title, Description: req.Description,
		Category: zhiyuan.Category(req.Category), RegionCode: req.RegionCode})
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, toProjectJSON(pr))
	return nil
}

func (x *API) listProjects(w http.ResponseWriter, r *http.Request, _ *zhiyuan.Principal) error {
	orgID, err := pathID(r, "id")
	if err != nil {
		return err
	}
	list, err := x.app.Projects(r.Context(), orgID)
	if err != nil {
		return err
	}
	page := Page[projectJSON]{Items: []projectJSON{}}
	for i := range list {
		page.Items = append(page.Items, toProjectJSON(&list[i]))
	}
	httpx.WriteJSON(w, http.StatusOK, page)
	return nil
}
