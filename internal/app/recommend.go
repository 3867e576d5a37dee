package app

import (
	"context"
	"sort"
	"strconv"
	"strings"

	"zhiyuan"
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
