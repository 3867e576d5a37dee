package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"zhiyuan"
	"zhiyuan/internal/app"
	"zhiyuan/internal/httpx"
	"zhiyuan/internal/region"
)

// editableActivity loads an activity for its edit form: only its organisation's admins
// may edit (403 to others; a draft does not exist for them, 404).
func (x *Web) editableActivity(r *http.Request, p *zhiyuan.Principal) (*zhiyuan.Activity, *zhiyuan.Organization, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, nil, err
	}
	a, err := x.app.Activity(r.Context(), p, id)
	if err != nil {
		return nil, nil, err
	}
	o, err := x.app.AuthorizeOrg(r.Context(), p, zhiyuan.ActOrgManage, a.OrgID)
	if err != nil {
		return nil, nil, err
	}
	return a, o, nil
}

// activityFormOf fills the form with an activity's current fields.
func activityFormOf(a *zhiyuan.Activity) activityForm {
	f := activityForm{
		Title: a.Title, Description: a.Description, Category: string(a.Category), TargetGroup: a.TargetGroup,
		RegionCode: a.RegionCode, Address: a.Address, Radius: strconv.Itoa(a.CheckinRadiusM), ContactName: a.ContactName,
		ContactPhone: a.ContactPhone, Skills: strings.Join(a.Skills, "、"), Mode: string(a.SignupMode),
		CancelHours: strconv.Itoa(a.CancelBeforeHours), MembersOnly: a.MembersOnly, Insurance: a.InsuranceRequired,
		ChildFriendly: a.ChildFriendly, Waitlist: a.Waitlist,
	}
	if a.HasCoords() {
		f.Lat, f.Lng = strconv.FormatFloat(a.Lat, 'f', -1, 64), strconv.FormatFloat(a.Lng, 'f', -1, 64)
	}
	if a.ProjectID != 0 {
		f.ProjectID = strconv.FormatInt(a.ProjectID, 10)
	}
	if a.MinAge != 0 {
		f.MinAge = strconv.Itoa(a.MinAge)
	}
	if a.MaxAge != 0 {
		f.MaxAge = strconv.Itoa(a.MaxAge)
	}
	loc := a.Location()
	if !a.SignupOpensAt.IsZero() {
		f.Opens = a.SignupOpensAt.In(loc).Format("2006-01-02T15:04")
	}
	if !a.SignupClosesAt.IsZero() {
		f.Closes = a.SignupClosesAt.In(loc).Format("2006-01-02T15:04")
	}
	return f
}

func (x *Web) renderActivityEdit(w http.ResponseWriter, r *http.Request, status int, a *zhiyuan.Activity, o *zhiyuan.Organization, f activityForm, failure error) error {
	projects, err := x.app.Projects(r.Context(), o.ID)
	if err != nil {
		return err
	}
	data := map[string]any{
		"Title": "修改活动 · " + a.Title, "A": a, "Org": o, "Form": f, "Categories": zhiyuan.Categories, "Projects": projects,
		"Picker":     newRegionPicker(x.app.Regions, "region_code", "活动所在地（区县或街道）", f.RegionCode, region.Street),
		"ModeLocked": a.Status != zhiyuan.ActivityDraft,
	}
	if failure != nil {
		fields, msg := formProblems(failure)
		if len(fields) > 0 {
			msg = zhiyuan.MsgCheckFields.Render(nil) // each message beside its field, once
		}
		data["Fields"], data["Error"] = fields, msg
	}
	x.render(w, r, status, "activity_edit.html", data)
	return nil
}

func (x *Web) activityEditForm(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	a, o, err := x.editableActivity(r, p)
	if err != nil {
		return err
	}
	return x.renderActivityEdit(w, r, http.StatusOK, a, o, activityFormOf(a), nil)
}

func (x *Web) activityEdit(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	a, o, err := x.editableActivity(r, p)
	if err != nil {
		return err
	}
	pr := zhiyuan.Problems{}
	f, in := readActivityFields(r, x.app.Regions, pr, a.Location())
	if picking(r) {
		return x.renderActivityEdit(w, r, http.StatusOK, a, o, f, nil)
	}
	// The form shows every field, so every field is sent: an emptied input or an
	// unticked box clears it. The sign-up mode is on the form of drafts only.
	patch := app.ActivityPatch{
		ProjectID: &in.ProjectID, Title: &in.Title, Description: &in.Description, Category: &in.Category,
		TargetGroup: &in.TargetGroup, RegionCode: &in.RegionCode, Address: &in.Address, Lat: &in.Lat, Lng: &in.Lng,
		CheckinRadiusM: &in.CheckinRadiusM, ContactName: &in.ContactName, ContactPhone: &in.ContactPhone,
		MinAge: &in.MinAge, MaxAge: &in.MaxAge, Skills: &in.Skills, MembersOnly: &in.MembersOnly,
		InsuranceRequired: &in.InsuranceRequired, ChildFriendly: &in.ChildFriendly, SignupOpensAt: &in.SignupOpensAt,
		SignupClosesAt: &in.SignupClosesAt, CancelBeforeHours: &in.CancelBeforeHours, Waitlist: &in.Waitlist,
	}
	if a.Status == zhiyuan.ActivityDraft {
		patch.SignupMode = &in.SignupMode
	} else {
		f.Mode = string(a.SignupMode)
	}
	err = pr.Err()
	if err == nil {
		_, err = x.app.UpdateActivity(r.Context(), p, a.ID, patch)
	}
	if err != nil {
		if !isFormError(err) {
			return err
		}
		return x.renderActivityEdit(w, r, httpx.Status(zhiyuan.ErrorCode(err)), a, o, f, err)
	}
	http.Redirect(w, r, fmt.Sprintf("/activities/%d?done=edited", a.ID), http.StatusSeeOther)
	return nil
}
