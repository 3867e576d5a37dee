package app

import (
	"context"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"zhiyuan"
	"zhiyuan/internal/sqlstore"
)

// SessionInput is one session as entered.
type SessionInput struct {
	StartsAt time.Time
	EndsAt   time.Time
	Capacity int
}

// ActivityInput is an activity as an organisation enters it. Sessions and Recurrence
// add up: a form may give two one-off sessions and a weekly series.
type ActivityInput struct {
	ProjectID         int64
	Title             string
	Description       string
	Category          zhiyuan.Category
	TargetGroup       string
	RegionCode        string
	Address           string
	Lat, Lng          float64
	CheckinRadiusM    int
	ContactName       string
	ContactPhone      string
	TimeZone          string
	MinAge, MaxAge    int
	Skills            []string
	MembersOnly       bool
	InsuranceRequired bool
	ChildFriendly     bool
	SignupMode        zhiyuan.SignupMode
	SignupOpensAt     time.Time
	SignupClosesAt    time.Time
	CancelBeforeHours int
	Waitlist          bool
	Sessions          []SessionInput
	Recurrence        *zhiyuan.Recurrence
}

func (in ActivityInput) activity(orgID int64) *zhiyuan.Activity {
	a := &zhiyuan.Activity{
		OrgID: orgID, ProjectID: in.ProjectID, Title: in.Title, Description: in.Description, Category: in.Category,
		TargetGroup: in.TargetGroup, RegionCode: strings.TrimSpace(in.RegionCode), Address: in.Address, Lat: in.Lat, Lng: in.Lng,
		CheckinRadiusM: in.CheckinRadiusM, ContactName: in.ContactName, ContactPhone: in.ContactPhone,
		TimeZone: in.TimeZone, MinAge: in.MinAge, MaxAge: in.MaxAge, Skills: in.Skills, MembersOnly: in.MembersOnly,
		InsuranceRequired: in.InsuranceRequired, ChildFriendly: in.ChildFriendly, SignupMode: in.SignupMode,
		SignupOpensAt: in.SignupOpensAt, SignupClosesAt: in.SignupClosesAt, CancelBeforeHours: in.CancelBeforeHours,
		Waitlist: in.Waitlist,
	}
	for _, s := range in.Sessions {
		a.Sessions = append(a.Sessions, zhiyuan.ActivitySession{StartsAt: s.StartsAt.UTC(), EndsAt: s.EndsAt.UTC(), Capacity: s.Capacity})
	}
	return a
}

// checkRegion normalises an activity's region, which must be a county or a street of the
// tree, and adds a problem otherwise.
func (a *App) checkRegion(p zhiyuan.Problems, field, code string) string {
	if code == "" {
		return ""
	}
	norm, ok := a.Regions.Normalize(code)
	if !ok {
		p.Add(field, "region.unknown")
		return code
	}
	// Counties and streets; a city without counties (东莞市, 中山市) is its own county.
	if r, _ := a.Regions.Lookup(norm); r.Level < 3 && !a.Regions.IsCounty(norm) {
		p.Add(field, "region.county_required")
	}
	return norm
}

// expandRecurrence appends a recurrence's sessions to act, naming bad fields
// "recurrence.*".
func expandRecurrence(act *zhiyuan.Activity, rec *zhiyuan.Recurrence) error {
	if rec == nil {
		return nil
	}
	loc := zhiyuan.LoadZone(act.TimeZone)
	if act.TimeZone != "" {
		if _, err := time.LoadLocation(act.TimeZone); err != nil {
			return zhiyuan.FieldFail(zhiyuan.EInvalid, "time_zone", "activity.time_zone_unknown")
		}
	}
	more, err := rec.Expand(loc, "recurrence.")
	if err != nil {
		return err
	}
	act.Sessions = append(act.Sessions, more...)
	return nil
}

// CreateActivity creates a draft activity with its sessions for an organisation the
// caller manages. The organisation must be approved.
func (a *App) CreateActivity(ctx context.Context, p *zhiyuan.Principal, orgID int64, in ActivityInput) (*zhiyuan.Activity, error) {
	o, err := a.AuthorizeOrg(ctx, p, zhiyuan.ActOrgManage, orgID)
	if err != nil {
		return nil, err
	}
	if o.Status != zhiyuan.OrgApproved {
		return nil, zhiyuan.Fail(zhiyuan.EForbidden, "activity.org_not_approved")
	}
	act := in.activity(orgID)
	if err := expandRecurrence(act, in.Recurrence); err != nil {
		return nil, err
	}
	if err := a.validateActivity(ctx, act, o); err != nil {
		return nil, err
	}
	if err := a.store.CreateActivity(ctx, act, p.AccountID); err != nil {
		return nil, err
	}
	if err := a.audit(ctx, p, "activity.create", "activity", strconv.FormatInt(act.ID, 10), act.RegionCode, orgID, act.Title); err != nil {
		return nil, err
	}
	return a.store.FindActivityByID(ctx, act.ID)
}

// CheckActivity validates an activity as CreateActivity would, without writing it, so a
// form with problems of its own can show every problem at once.
func (a *App) CheckActivity(ctx context.Context, p *zhiyuan.Principal, orgID int64, in ActivityInput) error {
	o, err := a.AuthorizeOrg(ctx, p, zhiyuan.ActOrgManage, orgID)
	if err != nil {
		return err
	}
	act := in.activity(orgID)
	if err := expandRecurrence(act, in.Recurrence); err != nil {
		return err
	}
	return a.validateActivity(ctx, act, o)
}

// validateActivity runs the domain's checks plus those needing the region tree and the
// store (the project must be the organisation's).
func (a *App) validateActivity(ctx context.Context, act *zhiyuan.Activity, o *zhiyuan.Organization) error {
	return a.validateActivityAt(ctx, act, o, a.store.Now())
}

// Activity returns an activity with its sessions. Drafts are seen only by those who
// manage the organisation; to anyone else they do not exist.
func (a *App) Activity(ctx context.Context, p *zhiyuan.Principal, id int64) (*zhiyuan.Activity, error) {
	act, err := a.store.FindActivityByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if act.Status == zhiyuan.ActivityDraft && !a.CanManageActivity(ctx, p, act) {
		return nil, zhiyuan.Fail(zhiyuan.ENotFound, "notfound.activity")
	}
	return act, nil
}

// CanManageActivity reports whether p manages the activity's organisation, for showing
// buttons; the actions themselves authorise again.
func (a *App) CanManageActivity(ctx context.Context, p *zhiyuan.Principal, act *zhiyuan.Activity) bool {
	if p == nil {
		return false
	}
	o, err := a.store.FindOrganizationByID(ctx, act.OrgID)
	return err == nil && zhiyuan.Authorize(p, zhiyuan.ActOrgManage, o.Resource()) == nil
}

// manageActivity loads an activity and checks that the caller manages its organisation.
// To a caller who may not, a draft does not exist (404) and anything else is 403.
func (a *App) manageActivity(ctx context.Context, p *zhiyuan.Principal, id int64) (*zhiyuan.Activity, *zhiyuan.Organization, error) {
	if p == nil {
		return nil, nil, zhiyuan.Fail(zhiyuan.EUnauthorized, "auth.login_required")
	}
	act, err := a.store.FindActivityByID(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	o, err := a.AuthorizeOrg(ctx, p, zhiyuan.ActOrgManage, act.OrgID)
	if err != nil {
		if act.Status == zhiyuan.ActivityDraft && zhiyuan.ErrorCode(err) == zhiyuan.EForbidden {
			return nil, nil, zhiyuan.Fail(zhiyuan.ENotFound, "notfound.activity")
		}
		return nil, nil, err
	}
	return act, o, nil
}

// ActivityPatch is a partial update: nil fields stay as they are.
type ActivityPatch struct {
	ProjectID         *int64
	Title             *string
	Description       *string
	Category          *zhiyuan.Category
	TargetGroup       *string
	RegionCode        *string
	Address           *string
	Lat, Lng          *float64
	CheckinRadiusM    *int
	ContactName       *string
	ContactPhone      *string
	TimeZone          *string
	MinAge, MaxAge    *int
	Skills            *[]string
	MembersOnly       *bool
	InsuranceRequired *bool
	ChildFriendly     *bool
	SignupMode        *zhiyuan.SignupMode
	SignupOpensAt     *time.Time
	SignupClosesAt    *time.Time
	CancelBeforeHours *int
	Waitlist          *bool
}

func set[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}

// UpdateActivity applies a patch to an activity that is a draft or published. Sessions
// are edited one by one (UpdateSession); the sign-up mode of a published activity cannot
// change (sign-ups were made under it).
func (a *App) UpdateActivity(ctx context.Context, p *zhiyuan.Principal, id int64, patch ActivityPatch) (*zhiyuan.Activity, error) {
	act, o, err := a.manageActivity(ctx, p, id)
	if err != nil {
		return nil, err
	}
	if patch.SignupMode != nil && *patch.SignupMode != act.SignupMode && act.Status != zhiyuan.ActivityDraft {
		return nil, zhiyuan.FieldFail(zhiyuan.EInvalid, "signup_mode", "activity.signup_mode_locked")
	}
	set(&act.ProjectID, patch.ProjectID)
	set(&act.Title, patch.Title)
	set(&act.Description, patch.Description)
	set(&act.Category, patch.Category)
	set(&act.TargetGroup, patch.TargetGroup)
	set(&act.RegionCode, patch.RegionCode)
	set(&act.Address, patch.Address)
	set(&act.Lat, patch.Lat)
	set(&act.Lng, patch.Lng)
	set(&act.CheckinRadiusM, patch.CheckinRadiusM)
	set(&act.ContactName, patch.ContactName)
	set(&act.ContactPhone, patch.ContactPhone)
	set(&act.TimeZone, patch.TimeZone)
	set(&act.MinAge, patch.MinAge)
	set(&act.MaxAge, patch.MaxAge)
	set(&act.Skills, patch.Skills)
	set(&act.MembersOnly, patch.MembersOnly)
	set(&act.InsuranceRequired, patch.InsuranceRequired)
	set(&act.ChildFriendly, patch.ChildFriendly)
	set(&act.SignupMode, patch.SignupMode)
	set(&act.SignupOpensAt, patch.SignupOpensAt)
	set(&act.SignupClosesAt, patch.SignupClosesAt)
	set(&act.CancelBeforeHours, patch.CancelBeforeHours)
	set(&act.Waitlist, patch.Waitlist)
	// Sessions already held or under way stay as they are: they are validated against
	// no clock, so a session that has begun does not make the activity uneditable.
	if err := a.validateActivityAt(ctx, act, o, time.Time{}); err != nil {
		return nil, err
	}
	if err := a.store.UpdateActivity(ctx, act); err != nil {
		return nil, err
	}
	a.sessionCache.forget()
	if err := a.audit(ctx, p, "activity.update", "activity", strconv.FormatInt(id, 10), act.RegionCode, act.OrgID, ""); err != nil {
		return nil, err
	}
	return a.store.FindActivityByID(ctx, id)
}

func (a *App) validateActivityAt(ctx context.Context, act *zhiyuan.Activity, o *zhiyuan.Organization, now time.Time) error {
	p := zhiyuan.Problems{}
	act.RegionCode = a.checkRegion(p, "region_code", act.RegionCode)
	if act.ProjectID != 0 {
		pr, err := a.store.FindProjectByID(ctx, act.ProjectID)
		if err != nil && zhiyuan.ErrorCode(err) != zhiyuan.ENotFound {
			return err
		}
		if pr == nil || pr.OrgID != o.ID {
			p.Add("project_id", "activity.project_not_in_org")
		}
	}
	if err := act.Validate(now); err != nil {
		p.Merge("", err)
	}
	return p.Err()
}

// PublishActivity publishes a draft: its sessions open and it can be found.
func (a *App) PublishActivity(ctx context.Context, p *zhiyuan.Principal, id int64) (*zhiyuan.Activity, error) {
	act, _, err := a.manageActivity(ctx, p, id)
	if err != nil {
		return nil, err
	}
	if len(act.Sessions) == 0 {
		return nil, zhiyuan.FieldFail(zhiyuan.EInvalid, "sessions", "activity.sessions_required")
	}
	if err := a.store.PublishActivity(ctx, id); err != nil {
		return nil, err
	}
	a.sessionCache.forget()
	if err := a.audit(ctx, p, "activity.publish", "activity", strconv.FormatInt(id, 10), act.RegionCode, act.OrgID, act.Title); err != nil {
		return nil, err
	}
	return a.store.FindActivityByID(ctx, id)
}

// CloseActivity stops sign-up for a published activity (confirmed seats stand) and tells
// everyone signed up.
func (a *App) CloseActivity(ctx context.Context, p *zhiyuan.Principal, id int64) (*zhiyuan.Activity, error) {
	return a.endActivity(ctx, p, id, zhiyuan.ActivityClosed, zhiyuan.NoticeActivityClosed)
}

// CancelActivity cancels an activity: every sign-up is cancelled and everyone signed up
// is told.
func (a *App) CancelActivity(ctx context.Context, p *zhiyuan.Principal, id int64) (*zhiyuan.Activity, error) {
	return a.endActivity(ctx, p, id, zhiyuan.ActivityCancelled, zhiyuan.NoticeActivityCancelled)
}

// EndActivityPreview tells a manager what closing or cancelling the activity would do
// before it is done, for the confirmation: the activity, and how many volunteers with an
// active sign-up would be told. It refuses, with the action's own error, what the action
// would refuse.
func (a *App) EndActivityPreview(ctx context.Context, p *zhiyuan.Principal, id int64, to zhiyuan.ActivityStatus) (*zhiyuan.Activity, int, error) {
	act, _, err := a.manageActivity(ctx, p, id)
	if err != nil {
		return nil, 0, err
	}
	if err := zhiyuan.CheckEnd(act, to, a.store.Now()); err != nil {
		return nil, 0, err
	}
	n, err := a.store.CountSignedUpVolunteers(ctx, id)
	return act, n, err
}

func (a *App) endActivity(ctx context.Context, p *zhiyuan.Principal, id int64, to zhiyuan.ActivityStatus, kind string) (*zhiyuan.Activity, error) {
	act, _, err := a.manageActivity(ctx, p, id)
	if err != nil {
		return nil, err
	}
	if err := zhiyuan.CheckEnd(act, to, a.store.Now()); err != nil {
		return nil, err
	}
	notice := zhiyuan.ActivityNotice(kind, act.Title, act.ID)
	// The store queues the notices with the change (jobs.Fanout); the request does not
	// wait for a thousand of them to be written and sent.
	notified, err := a.store.EndActivity(ctx, id, to, notice)
	if err != nil {
		return nil, err
	}
	a.sessionCache.forget()
	if err := a.audit(ctx, p, "activity."+string(to), "activity", strconv.FormatInt(id, 10), act.RegionCode, act.OrgID,
		strconv.Itoa(notified)+" notified"); err != nil {
		return nil, err
	}
	a.Log.InfoContext(ctx, "activity ended", slog.Int64("activity_id", id), slog.String("status", string(to)), slog.Int("notified", notified))
	return a.store.FindActivityByID(ctx, id)
}

// AddSessions adds one-off sessions and a weekly series to an activity in one step.
func (a *App) AddSessions(ctx context.Context, p *zhiyuan.Principal, id int64, sessions []SessionInput, rec *zhiyuan.Recurrence) (*zhiyuan.Activity, error) {
	act, _, err := a.manageActivity(ctx, p, id)
	if err != nil {
		return nil, err
	}
	add := &zhiyuan.Activity{TimeZone: act.TimeZone}
	for _, s := range sessions {
		add.Sessions = append(add.Sessions, zhiyuan.ActivitySession{StartsAt: s.StartsAt.UTC(), EndsAt: s.EndsAt.UTC(), Capacity: s.Capacity})
	}
	if err := expandRecurrence(add, rec); err != nil {
		return nil, err
	}
	if len(add.Sessions) == 0 {
		return nil, zhiyuan.FieldFail(zhiyuan.EInvalid, "sessions", "activity.sessions_fill_one")
	}
	pr := zhiyuan.Problems{}
	now := a.store.Now()
	for i := range add.Sessions {
		if err := zhiyuan.ValidateSession(&add.Sessions[i], "sessions["+strconv.Itoa(i)+"].", now); err != nil {
			pr.Merge("", err)
		}
	}
	if err := pr.Err(); err != nil {
		return nil, err
	}
	if err := a.store.AddSessions(ctx, id, add.Sessions); err != nil {
		return nil, err
	}
	a.sessionCache.forget()
	if err := a.audit(ctx, p, "activity.sessions.add", "activity", strconv.FormatInt(id, 10), act.RegionCode, act.OrgID,
		strconv.Itoa(len(add.Sessions))+" sessions"); err != nil {
		return nil, err
	}
	return a.store.FindActivityByID(ctx, id)
}

// Session returns a session with its activity; a draft's sessions only to its managers.
func (a *App) Session(ctx context.Context, p *zhiyuan.Principal, id int64) (*zhiyuan.ActivitySession, *zhiyuan.Activity, error) {
	se, act, err := a.store.FindSessionByID(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	if act.Status == zhiyuan.ActivityDraft && !a.CanManageActivity(ctx, p, act) {
		return nil, nil, zhiyuan.Fail(zhiyuan.ENotFound, "notfound.session")
	}
	return se, act, nil
}

// SessionPatch changes a session; nil fields stay.
type SessionPatch struct {
	StartsAt *time.Time
	EndsAt   *time.Time
	Capacity *int
}

// UpdateSession edits a session. Capacity may never drop below the seats already taken
// (EInvalid naming capacity), which the store's conditional UPDATE guarantees under
// concurrent sign-ups.
func (a *App) UpdateSession(ctx context.Context, p *zhiyuan.Principal, id int64, patch SessionPatch) (*zhiyuan.ActivitySession, *zhiyuan.Activity, error) {
	se, act, err := a.store.FindSessionByID(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	if _, _, err := a.manageActivity(ctx, p, act.ID); err != nil {
		return nil, nil, err
	}
	next := *se
	set(&next.StartsAt, patch.StartsAt)
	set(&next.EndsAt, patch.EndsAt)
	set(&next.Capacity, patch.Capacity)
	// A session whose start does not move may already have begun; a moved one must not
	// be put into the past.
	now := a.store.Now()
	if next.StartsAt.Equal(se.StartsAt) {
		now = time.Time{}
	}
	if err := zhiyuan.ValidateSession(&next, "", now); err != nil {
		return nil, nil, err
	}
	if err := a.store.UpdateSession(ctx, id, next.StartsAt, next.EndsAt, next.Capacity); err != nil {
		return nil, nil, err
	}
	a.sessionCache.forget()
	if err := a.audit(ctx, p, "session.update", "session", strconv.FormatInt(id, 10), act.RegionCode, act.OrgID,
		"capacity "+strconv.Itoa(next.Capacity)); err != nil {
		return nil, nil, err
	}
	return a.store.FindSessionByID(ctx, id)
}

// SearchQuery is a search as typed into the search form or the API.
type SearchQuery struct {
	Q        string
	Region   string
	Category string
	From, To string // dates (2006-01-02, in Beijing time) or RFC 3339 times
	Open     bool
	Near     string // "lat,lng"
	WithinKm string
	Sort     string // "start" (default) or "distance"
	Cursor   string
	Limit    int
	// For is the searcher (nil for a visitor or a program that wants plain start order):
	// a volunteer with a home region and no region asked for sees their district first,
	// then their city, then the rest.
	For *zhiyuan.Principal
}

// SearchResult is a page of a search with the count of all its matches.
type SearchResult struct {
	Hits []zhiyuan.ActivityHit
	Next string // cursor of the next page; "" at the end
	// Total counts every match (all pages), at most zhiyuan.SearchCountCap; Capped
	// says there are more than that (shown as "N+").
	Total  int
	Capped bool
}

// SearchActivitiesCounted is SearchActivities with the count of all matches, the one
// count the search page and the API show.
func (a *App) SearchActivitiesCounted(ctx context.Context, q SearchQuery) (*SearchResult, error) {
	f, err := a.searchFilter(ctx, q)
	if err != nil {
		return nil, err
	}
	r := &SearchResult{}
	if r.Hits, r.Next, err = a.store.FindActivities(ctx, f); err != nil {
		return nil, err
	}
	if f.Cursor == "" && r.Next == "" {
		r.Total = len(r.Hits) // one page holds every match: no need to walk again
		return r, nil
	}
	if r.Total, r.Capped, err = a.store.CountActivities(ctx, f); err != nil {
		return nil, err
	}
	return r, nil
}

// homeRegion is the home region of a searcher who is a volunteer, "" otherwise.
func (a *App) homeRegion(ctx context.Context, p *zhiyuan.Principal) string {
	if p == nil || !p.Has(zhiyuan.RoleVolunteer) {
		return ""
	}
	v, err := a.store.FindVolunteerByAccountID(ctx, p.AccountID)
	if err != nil || v.Status != zhiyuan.VolunteerActive {
		return "" // no record to order by: the plain order serves
	}
	return v.RegionCode
}

// SearchActivities finds published activities. Bad parameters are EInvalid naming them.
func (a *App) SearchActivities(ctx context.Context, q SearchQuery) ([]zhiyuan.ActivityHit, string, error) {
	f, err := a.searchFilter(ctx, q)
	if err != nil {
		return nil, "", err
	}
	return a.store.FindActivities(ctx, f)
}

// searchFilter checks a search's parameters (EInvalid naming each bad one) and turns
// them into the store's filter.
func (a *App) searchFilter(ctx context.Context, q SearchQuery) (zhiyuan.ActivityFilter, error) {
	f := zhiyuan.ActivityFilter{Query: strings.TrimSpace(q.Q), Open: q.Open, Cursor: q.Cursor, Limit: q.Limit, Now: a.store.Now()}
	pr := zhiyuan.Problems{}
	if len([]rune(f.Query)) > 50 {
		pr.Add("q", "search.query_long")
	}
	if q.Region != "" {
		code, ok := a.Regions.Normalize(q.Region)
		if !ok {
			pr.Add("region", "region.unknown")
		} else {
			f.RegionPrefix = zhiyuan.ScopePrefix(code)
		}
	}
	if q.Category != "" {
		f.Category = zhiyuan.Category(q.Category)
		if !f.Category.Valid() {
			pr.Add("category", "activity.category_unknown")
		}
	}
	var ok bool
	if f.From, ok = parseDay(q.From, false); !ok {
		pr.Add("from", "form.date_format")
	}
	if f.To, ok = parseDay(q.To, true); !ok {
		pr.Add("to", "form.date_format")
	}
	if q.Near != "" {
		parts := strings.Split(q.Near, ",")
		var lat, lng float64
		var err1, err2 error
		if len(parts) == 2 {
			lat, err1 = strconv.ParseFloat(strings.TrimSpace(parts[0]), 64)
			lng, err2 = strconv.ParseFloat(strings.TrimSpace(parts[1]), 64)
		}
		if len(parts) != 2 || err1 != nil || err2 != nil || lat < -90 || lat > 90 || lng < -180 || lng > 180 {
			pr.Add("near", "search.near_format")
		} else {
			f.Near = &zhiyuan.LatLng{Lat: lat, Lng: lng}
		}
		f.WithinKm = 10
		if q.WithinKm != "" {
			km, err := strconv.ParseFloat(q.WithinKm, 64)
			if err != nil || km <= 0 || km > 100 {
				pr.Add("within_km", "search.within_range")
			} else {
				f.WithinKm = km
			}
		}
	}
	switch q.Sort {
	case "", string(zhiyuan.SortStart):
		f.Sort = zhiyuan.SortStart
	case string(zhiyuan.SortDistance):
		if f.Near == nil {
			pr.Add("sort", "search.distance_needs_near")
		}
		f.Sort = zhiyuan.SortDistance
	default:
		pr.Add("sort", "search.sort_unknown")
	}
	if err := pr.Err(); err != nil {
		return f, err
	}
	if f.RegionPrefix == "" && f.Near == nil {
		f.Home = a.homeRegion(ctx, q.For)
	}
	return f, nil
}

// parseDay reads a date (a whole day in Beijing time; end=true gives the next midnight,
// so "to" includes its day) or an RFC 3339 time. Empty is the zero time.
func parseDay(s string, end bool) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, true
	}
	if t, err := time.ParseInLocation("2006-01-02", s, zhiyuan.Beijing); err == nil {
		if end {
			t = t.AddDate(0, 0, 1)
		}
		return t.UTC(), true
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC(), true
	}
	return time.Time{}, false
}

// OrgActivities lists an organisation's activities of every status for its managers.
func (a *App) OrgActivities(ctx context.Context, p *zhiyuan.Principal, orgID int64, status string, before int64, limit int) ([]*zhiyuan.Activity, *zhiyuan.Organization, error) {
	o, err := a.AuthorizeOrg(ctx, p, zhiyuan.ActOrgManage, orgID)
	if err != nil {
		return nil, nil, err
	}
	list, err := a.store.FindOrgActivities(ctx, sqlstore.OrgActivityFilter{OrgID: orgID, Status: zhiyuan.ActivityStatus(status), Before: before, Limit: limit})
	return list, o, err
}

// CreateProject creates a project of an organisation the caller manages.
func (a *App) CreateProject(ctx context.Context, p *zhiyuan.Principal, orgID int64, pr zhiyuan.Project) (*zhiyuan.Project, error) {
	o, err := a.AuthorizeOrg(ctx, p, zhiyuan.ActOrgManage, orgID)
	if err != nil {
		return nil, err
	}
	if o.Status != zhiyuan.OrgApproved {
		return nil, zhiyuan.Fail(zhiyuan.EForbidden, "project.org_not_approved")
	}
	pr.OrgID = orgID
	probs := zhiyuan.Problems{}
	if err := pr.Validate(); err != nil {
		probs.Merge("", err)
	}
	if pr.RegionCode == "" {
		pr.RegionCode = o.RegionCode
	}
	pr.RegionCode = a.checkRegion(probs, "region_code", pr.RegionCode)
	if err := probs.Err(); err != nil {
		return nil, err
	}
	if err := a.store.CreateProject(ctx, &pr, p.AccountID); err != nil {
		return nil, err
	}
	if err := a.audit(ctx, p, "project.create", "project", strconv.FormatInt(pr.ID, 10), pr.RegionCode, orgID, pr.Title); err != nil {
		return nil, err
	}
	return &pr, nil
}

// Projects lists an organisation's projects; they are public for approved organisations.
func (a *App) Projects(ctx context.Context, orgID int64) ([]zhiyuan.Project, error) {
	if _, err := a.Organization(ctx, orgID); err != nil {
		return nil, err
	}
	return a.store.FindProjects(ctx, orgID)
}
