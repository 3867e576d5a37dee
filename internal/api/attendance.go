package api

import (
	"encoding/hex"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"zhiyuan"
	"zhiyuan/internal/app"
	"zhiyuan/internal/httpx"
)

type checkinCodeJSON struct {
	SessionID int64     `json:"session_id"`
	Code      string    `json:"code"`
	ShortCode string    `json:"short_code"`
	ExpiresAt time.Time `json:"expires_at"`
	RefreshAt time.Time `json:"refresh_at"`
	URL       string    `json:"url"`
}

func (x *API) checkinCode(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	c, err := x.app.SessionCheckinCode(r.Context(), p, id)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	httpx.WriteJSON(w, http.StatusOK, checkinCodeJSON{SessionID: c.SessionID, Code: c.Code, ShortCode: c.Short, ExpiresAt: c.ExpiresAt,
		RefreshAt: c.RefreshAt, URL: "/checkin?code=" + url.QueryEscape(c.Code)})
	return nil
}

type attendanceJSON struct {
	ID             int64      `json:"id"`
	SessionID      int64      `json:"session_id"`
	VolunteerID    int64      `json:"volunteer_id"`
	VolunteerName  string     `json:"volunteer_name,omitempty"`
	VolunteerNo    string     `json:"volunteer_no,omitempty"`
	WalkIn         bool       `json:"walk_in"`
	CheckinAt      time.Time  `json:"checkin_at"`
	CheckinMethod  string     `json:"checkin_method"`
	CheckinDistM   *int       `json:"checkin_distance_m"`
	CheckoutAt     *time.Time `json:"checkout_at"`
	CheckoutMethod string     `json:"checkout_method,omitempty"`
	EntryID        int64      `json:"entry_id,omitempty"`
	OfferID        int64      `json:"offer_id,omitempty"`
	Hours          float64    `json:"hours"`
	Reason         string     `json:"reason,omitempty"`
}

func toAttendanceJSON(a *zhiyuan.Attendance) attendanceJSON {
	j := attendanceJSON{ID: a.ID, SessionID: a.SessionID, VolunteerID: a.VolunteerID, VolunteerName: a.VolunteerName,
		VolunteerNo: a.VolunteerNo, WalkIn: a.WalkIn, CheckinAt: a.CheckinAt, CheckinMethod: string(a.CheckinMethod),
		CheckoutMethod: string(a.CheckoutMethod), EntryID: a.EntryID, OfferID: a.OfferID, Hours: zhiyuan.MinutesToHours(a.Minutes), Reason: a.Reason}
	if a.CheckinDistM >= 0 {
		d := a.CheckinDistM
		j.CheckinDistM = &d
	}
	if a.CheckedOut() {
		t := a.CheckoutAt
		j.CheckoutAt = &t
	}
	return j
}

type confirmationJSON struct {
	ConfirmedBy int64     `json:"confirmed_by"`
	ConfirmedAt time.Time `json:"confirmed_at"`
	Rating      int       `json:"rating,omitempty"`
	Comment     string    `json:"comment,omitempty"`
}

type hourEntryJSON struct {
	ID            int64             `json:"id"`
	VolunteerID   int64             `json:"volunteer_id"`
	VolunteerName string            `json:"volunteer_name,omitempty"`
	Seq           int64             `json:"seq"`
	Kind          zhiyuan.HourKind  `json:"kind"`
	Hours         float64           `json:"hours"`
	Minutes       int64             `json:"minutes"`
	Status        string            `json:"status"`
	SessionID     int64             `json:"session_id,omitempty"`
	ActivityID    int64             `json:"activity_id,omitempty"`
	ActivityTitle string            `json:"activity_title,omitempty"`
	SessionStarts *time.Time        `json:"session_starts_at,omitempty"`
	SessionEnds   *time.Time        `json:"session_ends_at,omitempty"`
	OrgID         int64             `json:"org_id"`
	OrgName       string            `json:"org_name,omitempty"`
	CorrectsID    int64             `json:"corrects_entry_id,omitempty"`
	Reason        string            `json:"reason,omitempty"`
	RecordedBy    int64             `json:"recorded_by,omitempty"`
	RecordedAt    time.Time         `json:"recorded_at"`
	Hash          string            `json:"hash"`
	Confirmation  *confirmationJSON `json:"confirmation,omitempty"`
	Disputed      bool              `json:"disputed"`
}

func toEntryJSON(e *zhiyuan.HourEntry) hourEntryJSON {
	j := hourEntryJSON{ID: e.ID, VolunteerID: e.VolunteerID, VolunteerName: e.VolunteerName, Seq: e.Seq, Kind: e.Kind,
		Hours: zhiyuan.MinutesToHours(e.Minutes), Minutes: e.Minutes, Status: "pending", SessionID: e.SessionID,
		ActivityID: e.ActivityID, ActivityTitle: e.ActivityTitle, OrgID: e.OrgID, OrgName: e.OrgName, CorrectsID: e.CorrectsID,
		Reason: e.Reason, RecordedBy: e.RecordedBy, RecordedAt: e.RecordedAt, Hash: hex.EncodeToString(e.Hash), Disputed: e.Disputed}
	if !e.SessionStartsAt.IsZero() {
		s, en := e.SessionStartsAt, e.SessionEndsAt
		j.SessionStarts, j.SessionEnds = &s, &en
	}
	if c := e.Confirmation; c != nil {
		j.Status = "confirmed"
		j.Confirmation = &confirmationJSON{ConfirmedBy: c.ConfirmedBy, ConfirmedAt: c.ConfirmedAt, Rating: c.Rating, Comment: c.Comment}
	}
	return j
}

type attendanceResultJSON struct {
	Attendance attendanceJSON `json:"attendance"`
	Entry      *hourEntryJSON `json:"entry,omitempty"`
	Offer      *hourOfferJSON `json:"offer,omitempty"`
	Activity   string         `json:"activity_title"`
}

func writeAttendanceResult(w http.ResponseWriter, res *app.AttendanceResult) {
	out := attendanceResultJSON{Attendance: toAttendanceJSON(res.Attendance), Activity: res.Activity.Title}
	if res.Entry != nil {
		e := toEntryJSON(res.Entry)
		out.Entry = &e
	}
	if res.Offer != nil {
		o := toOfferJSON(res.Offer)
		out.Offer = &o
	}
	status := http.StatusCreated
	if res.Attendance.CheckedOut() {
		status = http.StatusOK // a check-out completes an existing attendance
	}
	httpx.WriteJSON(w, status, out)
}

type scanRequest struct {
	Code      string   `json:"code"`
	Action    string   `json:"action"`
	SessionID int64    `json:"session_id"`
	Lat       *float64 `json:"lat"`
	Lng       *float64 `json:"lng"`
}

func (x *API) scan(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	var req scanRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	res, err := x.app.Scan(r.Context(), p, app.ScanInput{Code: req.Code, Action: req.Action, SessionID: req.SessionID, Lat: req.Lat, Lng: req.Lng})
	if err != nil {
		return err
	}
	writeAttendanceResult(w, res)
	return nil
}

type markRequest struct {
	VolunteerID int64  `json:"volunteer_id"`
	VolunteerNo string `json:"volunteer_no"`
	CardCode    string `json:"card_code"`
	Action      string `json:"action"`
	Method      string `json:"method"`
	At          string `json:"at"`
	WalkIn      bool   `json:"walk_in"`
}

func (x *API) markAttendance(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var req markRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	in := app.MarkInput{VolunteerID: req.VolunteerID, VolunteerNo: req.VolunteerNo, CardCode: req.CardCode, Action: req.Action,
		Method: zhiyuan.AttendanceMethod(req.Method), WalkIn: req.WalkIn}
	if req.At != "" {
		t, err := time.Parse(time.RFC3339, req.At)
		if err != nil {
			return zhiyuan.FieldFail(zhiyuan.EInvalid, "at", "api.time_format_checkin")
		}
		in.At = t
	}
	res, err := x.app.MarkAttendance(r.Context(), p, id, in)
	if err != nil {
		return err
	}
	writeAttendanceResult(w, res)
	return nil
}

type countsJSON struct {
	Expected   int `json:"expected"`
	CheckedIn  int `json:"checked_in"`
	Present    int `json:"present"`
	CheckedOut int `json:"checked_out"`
	WalkIns    int `json:"walk_ins"`
	NoShows    int `json:"no_shows"`
}

type expectedJSON struct {
	SignupID      int64  `json:"signup_id"`
	VolunteerID   int64  `json:"volunteer_id"`
	VolunteerName string `json:"volunteer_name"`
	VolunteerNo   string `json:"volunteer_no"`
	Status        string `json:"status"`
	CheckedIn     bool   `json:"checked_in"`
}

type sessionAttendanceJSON struct {
	SessionID  int64            `json:"session_id"`
	Counts     countsJSON       `json:"counts"`
	Attendance []attendanceJSON `json:"attendance"`
	Expected   []expectedJSON   `json:"expected"`
	Entries    []hourEntryJSON  `json:"entries"`
	Offers     []hourOfferJSON  `json:"offers"`
	Pending    int              `json:"pending_entries"`
	Deadline   time.Time        `json:"recording_deadline"`
	Overdue    bool             `json:"overdue"`
}

func (x *API) sessionAttendance(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	v, err := x.app.SessionAttendance(r.Context(), p, id)
	if err != nil {
		return err
	}
	out := sessionAttendanceJSON{SessionID: v.Session.ID, Counts: countsJSON(v.Counts), Attendance: []attendanceJSON{},
		Expected: []expectedJSON{}, Entries: []hourEntryJSON{}, Offers: []hourOfferJSON{}, Pending: v.Pending, Deadline: v.Deadline, Overdue: v.Overdue}
	for i := range v.Attendance {
		out.Attendance = append(out.Attendance, toAttendanceJSON(&v.Attendance[i]))
	}
	for _, e := range v.Expected {
		out.Expected = append(out.Expected, expectedJSON{SignupID: e.SignupID, VolunteerID: e.VolunteerID, VolunteerName: e.VolunteerName,
			VolunteerNo: e.VolunteerNo, Status: string(e.Status), CheckedIn: e.CheckedIn})
	}
	for i := range v.Entries {
		out.Entries = append(out.Entries, toEntryJSON(&v.Entries[i]))
	}
	for i := range v.Offers {
		out.Offers = append(out.Offers, toOfferJSON(&v.Offers[i]))
	}
	httpx.WriteJSON(w, http.StatusOK, out)
	return nil
}

type confirmRequest struct {
	SessionIDs []int64 `json:"session_ids"`
	EntryIDs   []int64 `json:"entry_ids"`
	Rating     int     `json:"rating"`
	Comment    string  `json:"comment"`
}

type confirmResponse struct {
	Confirmed []int64 `json:"confirmed"`
	Count     int     `json:"count"`
}

func (x *API) confirmSessionHours(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var req confirmRequest
	if r.ContentLength != 0 {
		if err := decode(r, &req); err != nil {
			return err
		}
	}
	done, err := x.app.ConfirmSessionHours(r.Context(), p, id, app.ConfirmRequest{EntryIDs: req.EntryIDs, Rating: req.Rating, Comment: req.Comment})
	if err != nil {
		return err
	}
	if done == nil {
		done = []int64{}
	}
	httpx.WriteJSON(w, http.StatusOK, confirmResponse{Confirmed: done, Count: len(done)})
	return nil
}

func (x *API) confirmHours(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	var req confirmRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	done, err := x.app.ConfirmHours(r.Context(), p, app.ConfirmRequest{SessionIDs: req.SessionIDs, EntryIDs: req.EntryIDs,
		Rating: req.Rating, Comment: req.Comment})
	if err != nil {
		return err
	}
	if done == nil {
		done = []int64{}
	}
	httpx.WriteJSON(w, http.StatusOK, confirmResponse{Confirmed: done, Count: len(done)})
	return nil
}

type makeupRequest struct {
	VolunteerID int64   `json:"volunteer_id"`
	Hours       float64 `json:"hours"`
	Reason      string  `json:"reason"`
}

func (x *API) addMakeup(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var req makeupRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	e, offer, err := x.app.AddMakeup(r.Context(), p, id, app.MakeupInput{VolunteerID: req.VolunteerID, Hours: req.Hours, Reason: req.Reason})
	if err != nil {
		return err
	}
	if offer != nil {
		// No sign-up: nothing is in the ledger until the volunteer accepts.
		httpx.WriteJSON(w, http.StatusAccepted, toOfferJSON(offer))
		return nil
	}
	httpx.WriteJSON(w, http.StatusCreated, toEntryJSON(e))
	return nil
}

type correctionRequest struct {
	Hours  float64 `json:"hours"`
	Reason string  `json:"reason"`
}

func (x *API) correctEntry(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var req correctionRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	e, err := x.app.CorrectEntry(r.Context(), p, id, app.CorrectionInput{Hours: req.Hours, Reason: req.Reason})
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, toEntryJSON(e))
	return nil
}

type disputeJSON struct {
	ID            int64      `json:"id"`
	EntryID       int64      `json:"entry_id"`
	VolunteerID   int64      `json:"volunteer_id"`
	VolunteerName string     `json:"volunteer_name,omitempty"`
	OrgID         int64      `json:"org_id"`
	ActivityTitle string     `json:"activity_title,omitempty"`
	EntryHours    float64    `json:"entry_hours"`
	Reason        string     `json:"reason"`
	Status        string     `json:"status"`
	Resolution    string     `json:"resolution,omitempty"`
	CorrectionID  int64      `json:"correction_entry_id,omitempty"`
	ResolvedAt    *time.Time `json:"resolved_at,omitempty"`
	CreatedAt     time.Time  `json:"created_at"`
}

func toDisputeJSON(d *zhiyuan.HourDispute) disputeJSON {
	j := disputeJSON{ID: d.ID, EntryID: d.EntryID, VolunteerID: d.VolunteerID, VolunteerName: d.VolunteerName, OrgID: d.OrgID,
		ActivityTitle: d.ActivityTitle, EntryHours: zhiyuan.MinutesToHours(d.EntryMinutes), Reason: d.Reason, Status: string(d.Status),
		Resolution: d.Resolution, CorrectionID: d.CorrectionID, CreatedAt: d.CreatedAt}
	if !d.ResolvedAt.IsZero() {
		t := d.ResolvedAt
		j.ResolvedAt = &t
	}
	return j
}

func (x *API) disputeEntry(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
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
	d, err := x.app.DisputeEntry(r.Context(), p, id, req.Reason)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, toDisputeJSON(d))
	return nil
}

func (x *API) orgDisputes(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	list, err := x.app.OrgDisputes(r.Context(), p, id, zhiyuan.DisputeStatus(r.URL.Query().Get("status")))
	if err != nil {
		return err
	}
	page := Page[disputeJSON]{Items: []disputeJSON{}}
	for i := range list {
		page.Items = append(page.Items, toDisputeJSON(&list[i]))
	}
	httpx.WriteJSON(w, http.StatusOK, page)
	return nil
}

type resolveRequest struct {
	Accept     bool    `json:"accept"`
	Resolution string  `json:"resolution"`
	Hours      float64 `json:"hours"`
}

func (x *API) resolveDispute(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var req resolveRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	d, err := x.app.ResolveDispute(r.Context(), p, id, app.ResolveInput{Accept: req.Accept, Resolution: req.Resolution, Hours: req.Hours})
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, toDisputeJSON(d))
	return nil
}

func (x *API) overdueHours(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	orgID, err := queryInt(r, "org_id")
	if err != nil {
		return err
	}
	after, limit, err := pageParams(r, 100, 500)
	if err != nil {
		return err
	}
	list, err := x.app.OverdueHours(r.Context(), p, app.OverdueQuery{OrgID: orgID, Region: r.URL.Query().Get("region"), After: after, Limit: int(limit)})
	if err != nil {
		return err
	}
	page := Page[hourEntryJSON]{Items: []hourEntryJSON{}}
	for i := range list {
		page.Items = append(page.Items, toEntryJSON(&list[i]))
	}
	if n := len(list); int64(n) == limit {
		page.NextCursor = strconv.FormatInt(list[n-1].ID, 10)
	}
	httpx.WriteJSON(w, http.StatusOK, page)
	return nil
}

type myHoursJSON struct {
	ConfirmedHours   float64         `json:"confirmed_hours"`
	PendingHours     float64         `json:"pending_hours"`
	StarLevel        int             `json:"star_level"`
	HoursToNextLevel float64         `json:"hours_to_next_level"`
	ChainHead        string          `json:"chain_head"`
	EntryCount       int64           `json:"entry_count"`
	Rules            string          `json:"rules"`
	Entries          []hourEntryJSON `json:"entries"`
	NextCursor       string          `json:"next_cursor"`
}

func (x *API) myHours(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	before, err := queryInt(r, "cursor")
	if err != nil {
		return err
	}
	limit, err := queryInt(r, "limit")
	if err != nil {
		return err
	}
	h, err := x.app.MyHours(r.Context(), p, before, int(limit))
	if err != nil {
		return err
	}
	out := myHoursJSON{ConfirmedHours: zhiyuan.MinutesToHours(h.Totals.ConfirmedMinutes), PendingHours: zhiyuan.MinutesToHours(h.Totals.PendingMinutes),
		StarLevel: h.StarLevel, HoursToNextLevel: zhiyuan.MinutesToHours(h.ToNext), ChainHead: hex.EncodeToString(h.Totals.HeadHash),
		EntryCount: h.Totals.LastSeq, Rules: h.Rules, Entries: []hourEntryJSON{}}
	for i := range h.Entries {
		out.Entries = append(out.Entries, toEntryJSON(&h.Entries[i]))
	}
	if h.NextCursor != 0 {
		out.NextCursor = strconv.FormatInt(h.NextCursor, 10)
	}
	httpx.WriteJSON(w, http.StatusOK, out)
	return nil
}

func (x *API) getHourEntry(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	e, err := x.app.HourEntry(r.Context(), p, id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, toEntryJSON(e))
	return nil
}

func (x *API) myDisputes(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	list, err := x.app.MyDisputes(r.Context(), p)
	if err != nil {
		return err
	}
	page := Page[disputeJSON]{Items: []disputeJSON{}}
	for i := range list {
		page.Items = append(page.Items, toDisputeJSON(&list[i]))
	}
	httpx.WriteJSON(w, http.StatusOK, page)
	return nil
}
