package app

import (
	"context"
	"sort"
	"strconv"
	"strings"

	"zhiyuan"
	"zhiyuan/internal/pii"
	"zhiyuan/internal/sqlstore"
)

// Recommendation is one session recommended to a volunteer (为你推荐): the activity
// (whose Sessions holds the session), the session and why.
type Recommendation struct {
	Activity *zhiyuan.Activity
	Session  zhiyuan.ActivitySession
	zhiyuan.Scored
}

// Recommendations ranks open sessions for the calling volunteer by the scoring function
// of recommend.go with the operator's weights. Candidates come from the store by index
// (live activities in the volunteer's district and service areas, and near from when
// given), bounded by zhiyuan.RecommendCandidates; a session they cannot sign up for, a
// full one or one overlapping their sign-ups is never listed (zhiyuan.RecommendableSession,
// the sign-up rules' own checks). At most zhiyuan.RecommendShown come back, best first.
//
// lat and lng are where the volunteer is now, both or neither; bad ones are EInvalid
// naming the field.
func (a *App) Recommendations(ctx context.Context, p *zhiyuan.Principal, lat, lng string) ([]Recommendation, error) {
	if err := a.authorize(ctx, p, zhiyuan.ActSelf, zhiyuan.Resource{OwnerID: p.AccountIDOrZero()}); err != nil {
		return nil, err
	}
	from, err := parsePoint(lat, lng)
	if err != nil {
		return nil, err
	}
	v, err := a.store.FindVolunteerByAccountID(ctx, p.AccountID)
	if err != nil {
		if zhiyuan.ErrorCode(err) == zhiyuan.ENotFound {
			return nil, zhiyuan.Fail(zhiyuan.EForbidden, "signup.register_first")
		}
		return nil, err
	}
	if v.SuspendedUntil, err = a.store.SuspendedUntil(ctx, v.ID); err != nil {
		return nil, err
	}
	now := a.store.Now()
	prefixes := []string{}
	if len(v.RegionCode) >= 6 {
		prefixes = append(prefixes, v.RegionCode[:6])
	}
	for _, ar := range v.ServiceAreas {
		if p := zhiyuan.ScopePrefix(ar); p != "" {
			prefixes = append(prefixes, p)
		}
	}
	acts, err := a.store.FindRecommendCandidates(ctx, sqlstore.RecommendQuery{
		Prefixes: prefixes, Near: from, Now: now, Limit: zhiyuan.RecommendCandidates})
	if err != nil {
		return nil, err
	}
	rc, err := a.store.FindRecommendContext(ctx, v.ID, now)
	if err != nil {
		return nil, err
	}
	w := a.recommendWeights()
	var out []Recommendation
	for _, act := range acts {
		e := zhiyuan.Eligibility{Now: now, IsMember: rc.Members[act.OrgID]}
		for i := range act.Sessions {
			se := &act.Sessions[i]
			if !zhiyuan.RecommendableSession(act, se, v, e, rc.Busy) {
				continue
			}
			sc := zhiyuan.ScoreSession(w, zhiyuan.RecommendInput{Volunteer: v, Activity: act, Session: se,
				From: from, Served: rc.Served, Member: e.IsMember})
			out = append(out, Recommendation{Activity: act, Session: *se, Scored: sc})
		}
	}
	// Best first; among equals the sooner session.
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Score != out[j].Score {
			return out[i].Score > out[j].Score
		}
		return out[i].Session.StartsAt.Before(out[j].Session.StartsAt)
	})
	if len(out) > zhiyuan.RecommendShown {
		out = out[:zhiyuan.RecommendShown]
	}
	return out, nil
}

// recommendWeights are the operator's weights; a Config built without them (all zero)
// ranks by the defaults rather than not at all.
func (a *App) recommendWeights() zhiyuan.RecommendWeights {
	if a.Config.Recommend == (zhiyuan.RecommendWeights{}) {
		return zhiyuan.DefaultRecommendWeights()
	}
	return a.Config.Recommend
}

// parsePoint reads an optional point given as two fields: both empty is no point.
func parsePoint(lat, lng string) (*zhiyuan.LatLng, error) {
	lat, lng = strings.TrimSpace(lat), strings.TrimSpace(lng)
	if lat == "" && lng == "" {
		return nil, nil
	}
	pr := zhiyuan.Problems{}
	y, err := strconv.ParseFloat(lat, 64)
	if err != nil || !(y >= -90 && y <= 90) {
		pr.Add("lat", "recommend.lat_format")
	}
	x, err := strconv.ParseFloat(lng, 64)
	if err != nil || !(x >= -180 && x <= 180) {
		pr.Add("lng", "recommend.lng_format")
	}
	if err := pr.Err(); err != nil {
		return nil, err
	}
	return &zhiyuan.LatLng{Lat: y, Lng: x}, nil
}

// Candidate is a volunteer an organiser might invite to a session, as the organiser may
// see them: the masked name, the star level and the reasons, never more.
type Candidate struct {
	VolunteerID int64
	NameMasked  string
	Stars       int
	zhiyuan.Scored
	accountID int64 // for the invitation's notice; never shown
}

// SessionCandidates ranks volunteers to invite to a session of the caller's organisation
// (zhiyuan.ScoreCandidate with the operator's weights): inside the organisation's region
// (its reach; never a volunteer outside it), not opted out of invitations, not signed up
// for the session, free of overlapping sign-ups and meeting the activity's conditions.
// The store brings a bounded set by index (those with a skill the activity asks for,
// then the activity's district, then the rest of the reach); at most
// zhiyuan.RecommendShown come back.
func (a *App) SessionCandidates(ctx context.Context, p *zhiyuan.Principal, sessionID int64) ([]Candidate, *zhiyuan.ActivitySession, *zhiyuan.Activity, error) {
	se, act, err := a.manageSession(ctx, p, sessionID)
	if err != nil {
		return nil, nil, nil, err
	}
	list, err := a.candidates(ctx, se, act, nil)
	if err != nil {
		return nil, nil, nil, err
	}
	if len(list) > zhiyuan.RecommendShown {
		list = list[:zhiyuan.RecommendShown]
	}
	return list, se, act, nil
}

// candidates scores the qualifying volunteers of the session (only ids when given).
func (a *App) candidates(ctx context.Context, se *zhiyuan.ActivitySession, act *zhiyuan.Activity, ids []int64) ([]Candidate, error) {
	o, err := a.store.FindOrganizationByID(ctx, act.OrgID)
	if err != nil {
		return nil, err
	}
	reach := zhiyuan.ScopePrefix(o.RegionCode)
	if reach == "" {
		return []Candidate{}, nil // an organisation without a region reaches nobody
	}
	prefixes := []string{}
	if len(act.RegionCode) >= 6 && strings.HasPrefix(act.RegionCode[:6], reach) {
		prefixes = append(prefixes, act.RegionCode[:6])
	}
	prefixes = append(prefixes, reach)
	now := a.store.Now()
	found, err := a.store.FindInviteCandidates(ctx, sqlstore.CandidateQuery{Reach: reach, Prefixes: prefixes, Skills: act.Skills,
		SessionID: se.ID, OrgID: act.OrgID, Start: se.StartsAt, End: se.EndsAt, IDs: ids, Limit: zhiyuan.RecommendCandidates,
		Category: act.Category, Now: now})
	if err != nil {
		return nil, err
	}
	w := a.recommendWeights()
	out := []Candidate{}
	for _, c := range found {
		if c.Busy || zhiyuan.CheckEligible(act, se, c.Volunteer, zhiyuan.Eligibility{Now: now, IsMember: c.Member}) != nil {
			continue
		}
		sc := zhiyuan.ScoreCandidate(w, zhiyuan.CandidateInput{Record: c.Record,
			RecommendInput: zhiyuan.RecommendInput{Volunteer: c.Volunteer, Activity: act, Session: se, Member: c.Member,
				Served: map[zhiyuan.Category]bool{act.Category: c.Served}}})
		out = append(out, Candidate{VolunteerID: c.Volunteer.ID, NameMasked: pii.MaskName(c.Volunteer.Name),
			Stars: zhiyuan.StarLevel(c.ConfirmedMinutes), Scored: sc, accountID: c.Volunteer.AccountID})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Score > out[j].Score })
	return out, nil
}

// InviteVolunteers invites volunteers to a session of the caller's organisation: each
// must be one of the session's candidates (SessionCandidates' rules: in reach, not opted
// out, not signed up, free, eligible), else the whole request is EInvalid naming
// volunteer_ids. Each newly invited volunteer gets an in-app notice with the link to
// sign up, and the same by SMS and email through the sender; inviting again sends
// nothing. It returns how many were newly invited.
func (a *App) InviteVolunteers(ctx context.Context, p *zhiyuan.Principal, sessionID int64, ids []int64) (int, error) {
	se, act, err := a.manageSession(ctx, p, sessionID)
	if err != nil {
		return 0, err
	}
	uniq := map[int64]bool{}
	clean := []int64{}
	for _, id := range ids {
		if !uniq[id] && id > 0 {
			uniq[id] = true
			clean = append(clean, id)
		}
	}
	if len(clean) == 0 {
		return 0, zhiyuan.FieldFail(zhiyuan.EInvalid, "volunteer_ids", "candidate.none_chosen")
	}
	if len(clean) > zhiyuan.MaxInvitesAtOnce {
		return 0, zhiyuan.FieldFail(zhiyuan.EInvalid, "volunteer_ids", "candidate.too_many", "max", zhiyuan.MaxInvitesAtOnce)
	}
	if zhiyuan.CheckWindow(act, se, a.store.Now()) != nil || se.SeatsLeft() == 0 {
		return 0, zhiyuan.FieldFail(zhiyuan.EInvalid, "volunteer_ids", "candidate.session_not_open")
	}
	ok, err := a.candidates(ctx, se, act, clean)
	if err != nil {
		return 0, err
	}
	if len(ok) != len(clean) {
		return 0, zhiyuan.FieldFail(zhiyuan.EInvalid, "volunteer_ids", "candidate.not_candidate", "n", len(clean)-len(ok))
	}
	accounts := map[int64]int64{}
	for _, c := range ok {
		accounts[c.VolunteerID] = c.accountID
	}
	when := zhiyuan.SessionLabel(se.StartsAt, se.EndsAt, act.TimeZone)
	link := zhiyuan.RecommendSignupPath(act.ID, se.ID)
	invites := make([]sqlstore.Invite, 0, len(clean))
	for _, id := range clean {
		invites = append(invites, sqlstore.Invite{VolunteerID: id, Notice: zhiyuan.Notification{AccountID: accounts[id],
			Kind: zhiyuan.NoticeInvited, Title: zhiyuan.Text("candidate.notice_title", "org", act.OrgName),
			Body: zhiyuan.Text("candidate.notice_body", "org", act.OrgName, "title", act.Title, "when", when), Link: link}})
	}
	return a.store.InviteVolunteers(ctx, se.ID, p.AccountID, invites)
}

// SetInvitations turns invitations to sessions on or off for the calling volunteer;
// with them off they never appear among any session's candidates.
func (a *App) SetInvitations(ctx context.Context, p *zhiyuan.Principal, on bool) error {
	v, err := a.MyVolunteer(ctx, p)
	if err != nil {
		return err
	}
	return a.store.SetInvitationsOff(ctx, v.ID, !on)
}

// InvitationsOn reports whether the calling volunteer accepts invitations.
func (a *App) InvitationsOn(ctx context.Context, p *zhiyuan.Principal) (bool, error) {
	v, err := a.MyVolunteer(ctx, p)
	if err != nil {
		return false, err
	}
	off, err := a.store.InvitationsOff(ctx, v.ID)
	return !off, err
}
