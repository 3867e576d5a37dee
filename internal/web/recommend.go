package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"zhiyuan"
)

// 为你推荐: the calling volunteer's recommended sessions with why, each linking to the
// activity's page at the session, where they sign up. Where they are now may be given
// (lat, lng); bad values keep the input and are shown at their fields.

func (x *Web) myRecommendationsPage(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	q := r.URL.Query()
	lat, lng := q.Get("lat"), q.Get("lng")
	data := map[string]any{"Title": "为你推荐", "Lat": lat, "Lng": lng, "Notice": q.Get("ok")}
	var err error
	if data["InvitationsOn"], err = x.app.InvitationsOn(r.Context(), p); err != nil && zhiyuan.ErrorCode(err) != zhiyuan.ENotFound {
		return err
	}
	status := http.StatusOK
	list, err := x.app.Recommendations(r.Context(), p, lat, lng)
	if err != nil {
		if zhiyuan.ErrorCode(err) != zhiyuan.EInvalid {
			return err
		}
		status = http.StatusUnprocessableEntity
		data["Fields"], data["Error"] = formProblems(err)
	}
	type item struct {
		ActivityID int64
		Title      string
		OrgName    string
		Category   zhiyuan.Category
		When       string
		SeatsLeft  int
		Reason     string
		Href       string
	}
	items := make([]item, 0, len(list))
	for _, rc := range list {
		items = append(items, item{ActivityID: rc.Activity.ID, Title: rc.Activity.Title, OrgName: rc.Activity.OrgName,
			Category: rc.Activity.Category, When: zhiyuan.SessionLabel(rc.Session.StartsAt, rc.Session.EndsAt, rc.Activity.TimeZone),
			SeatsLeft: rc.Session.SeatsLeft(), Reason: rc.Reason(), Href: zhiyuan.RecommendSignupPath(rc.Activity.ID, rc.Session.ID)})
	}
	data["Items"] = items
	x.render(w, r, status, "recommend_mine.html", data)
	return nil
}

// 邀请志愿者: a session's candidates for its organisation's managers, each with the
// masked name, the star level and why, ticked and invited in one form.
func (x *Web) sessionCandidatesPage(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	return x.renderCandidates(w, r, p, http.StatusOK, nil)
}

func (x *Web) renderCandidates(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal, status int, formErr error) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	list, se, a, err := x.app.SessionCandidates(r.Context(), p, id)
	if err != nil {
		return err
	}
	data := map[string]any{"Title": a.Title + " · 邀请志愿者", "A": a, "S": se, "Candidates": list,
		"When": zhiyuan.SessionLabel(se.StartsAt, se.EndsAt, a.TimeZone), "Notice": r.URL.Query().Get("ok"),
		"Chosen": map[string]bool{}}
	if formErr != nil {
		data["Fields"], data["Error"] = formProblems(formErr)
		chosen := map[string]bool{}
		for _, v := range r.PostForm["volunteer_ids"] {
			chosen[v] = true
		}
		data["Chosen"] = chosen
	}
	x.render(w, r, status, "session_candidates.html", data)
	return nil
}

func (x *Web) inviteForm(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return zhiyuan.Fail(zhiyuan.EInvalid, "form.malformed")
	}
	var ids []int64
	for _, v := range r.PostForm["volunteer_ids"] {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil {
			ids = append(ids, n)
		}
	}
	// An invitation goes out by SMS and email too, and cannot be taken back: ask first.
	if len(ids) > 0 {
		if asked, err := x.askFirst(w, r, p, askInvite(id, len(ids))); asked || err != nil {
			return err
		}
	}
	n, err := x.app.InviteVolunteers(r.Context(), p, id, ids)
	if err != nil {
		if zhiyuan.ErrorCode(err) != zhiyuan.EInvalid {
			return err
		}
		return x.renderCandidates(w, r, p, http.StatusUnprocessableEntity, err)
	}
	http.Redirect(w, r, fmt.Sprintf("/sessions/%d/candidates?ok=%s", id, url.QueryEscape(zhiyuan.Text("candidate.invited", "n", n))), http.StatusSeeOther)
	return nil
}

// invitationSettingForm turns invitations on or off from 为你推荐.
func (x *Web) invitationSettingForm(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	on := r.PostFormValue("invitations") == "on"
	if err := x.app.SetInvitations(r.Context(), p, on); err != nil {
		return err
	}
	key := zhiyuan.Msg("candidate.invitations_off")
	if on {
		key = "candidate.invitations_on"
	}
	http.Redirect(w, r, "/me/recommendations?ok="+url.QueryEscape(zhiyuan.Text(key)), http.StatusSeeOther)
	return nil
}
