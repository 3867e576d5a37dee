package web

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"zhiyuan"
	"zhiyuan/internal/app"
	"zhiyuan/internal/httpx"
	"zhiyuan/internal/pii"
	"zhiyuan/internal/region"
)

// registerData is what the registration form needs besides the visitor's input; code
// is the home region chosen so far ("" for none: the form asks, it never assumes one).
func (x *Web) registerData(code string) map[string]any {
	return map[string]any{
		"Title":      "志愿者注册",
		"Picker":     newRegionPicker(x.app.Regions, "region_code", "所在区县（常住地）", code, region.County),
		"Political":  zhiyuan.PoliticalStatuses,
		"Categories": zhiyuan.ServiceCategories,
		"Relations":  zhiyuan.GuardianRelations,
		"IDTypes": []struct{ Code, Name string }{
			{"resident_id", "居民身份证"}, {"hk_macao_permit", "港澳居民来往内地通行证"},
			{"taiwan_permit", "台湾居民来往大陆通行证"}, {"passport", "护照"},
		},
		"Form": map[string]any{"IDType": "resident_id", "Categories": []string{}},
	}
}

func (x *Web) registerForm(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	if p.Has(zhiyuan.RoleVolunteer) {
		http.Redirect(w, r, "/me", http.StatusSeeOther)
		return nil
	}
	x.render(w, r, http.StatusOK, "register.html", x.registerData(""))
	return nil
}

// splitList splits free-text lists typed by people: commas (both widths), the enumeration
// comma, semicolons and white space (zhiyuan.ListSeparators).
func splitList(s string) []string { return zhiyuan.SplitList(s) }

func (x *Web) register(w http.ResponseWriter, r *http.Request, _ *zhiyuan.Principal) error {
	if err := r.ParseForm(); err != nil {
		return zhiyuan.Fail(zhiyuan.EInvalid, "web.form_unreadable")
	}
	in := app.RegisterInput{
		Name: trim(r, "name"), IDType: trim(r, "id_type"), IDNumber: trim(r, "id_number"), Phone: trim(r, "phone"),
		Password: r.PostFormValue("password"), RegionCode: pickedRegion(x.app.Regions, r, "region_code"), BirthDate: trim(r, "birth_date"),
		Sex: trim(r, "sex"), PoliticalStatus: trim(r, "political_status"), Skills: splitList(r.PostFormValue("skills")),
		Categories: r.PostForm["categories"],
	}
	if trim(r, "guardian_name") != "" || trim(r, "guardian_phone") != "" || r.PostFormValue("guardian_consent") != "" {
		in.Guardian = &app.GuardianInput{Name: trim(r, "guardian_name"), Phone: trim(r, "guardian_phone"),
			Relation: trim(r, "guardian_relation"), Consent: r.PostFormValue("guardian_consent") == "yes"}
	}
	// The form as typed, shown again after a problem or a region choice. The password is
	// not; the identity number only in its own field of the page (a POST answer, never a
	// URL or a log), so that a typo in it is fixed rather than typed again.
	form := map[string]any{
		"Name": in.Name, "IDType": in.IDType, "IDNumber": in.IDNumber, "Phone": in.Phone,
		"BirthDate": in.BirthDate, "Sex": in.Sex, "PoliticalStatus": in.PoliticalStatus,
		"Skills": strings.Join(in.Skills, "、"), "Categories": in.Categories,
		"GuardianName": trim(r, "guardian_name"), "GuardianPhone": trim(r, "guardian_phone"),
		"GuardianRelation": trim(r, "guardian_relation"),
	}
	if picking(r) {
		data := x.registerData(in.RegionCode)
		data["Form"] = form
		x.render(w, r, http.StatusOK, "register.html", data)
		return nil
	}
	v, err := x.app.RegisterVolunteer(r.Context(), in)
	if err != nil {
		if !isFormError(err) {
			return err
		}
		fields, msg := formProblems(err)
		data := x.registerData(in.RegionCode)
		data["Form"] = form
		data["Error"], data["Fields"] = msg, fields
		x.render(w, r, httpx.Status(zhiyuan.ErrorCode(err)), "register.html", data)
		return nil
	}
	// Registered: log the new volunteer in straight away.
	sess, _, err := x.app.Login(r.Context(), v.Phone, in.Password, zhiyuan.SessionWeb)
	if err != nil {
		http.Redirect(w, r, "/login?next=/me", http.StatusSeeOther)
		return nil
	}
	httpx.SetSessionCookie(w, r, sess.Token, sess.ExpiresAt)
	http.Redirect(w, r, "/me?done=registered", http.StatusSeeOther)
	return nil
}

// notices are the confirmations shown on the profile page after a redirect.
var notices = map[string]zhiyuan.Msg{
	"registered": "notice.profile.registered",
	"saved":      "notice.profile.saved",
	"password":   "notice.profile.password",
	"consent":    "notice.profile.consent",
}

// profileData builds the profile page; form and its problems belong to the form that
// failed, so each form shows its own errors.
func (x *Web) profileData(r *http.Request, v *zhiyuan.Volunteer) map[string]any {
	tree := x.app.Regions
	province := "440000"
	if chain := tree.Chain(v.RegionCode); len(chain) > 0 {
		province = chain[0].Code
	}
	regionName := v.RegionCode
	if reg, ok := tree.Lookup(v.RegionCode); ok {
		regionName = reg.FullName
	}
	var areaNames []string
	for _, c := range v.ServiceAreas {
		if reg, ok := tree.Lookup(c); ok {
			areaNames = append(areaNames, reg.FullName)
		}
	}
	var catNames []string
	for _, c := range v.Categories {
		catNames = append(catNames, zhiyuan.ServiceCategoryName(c))
	}
	var days []string
	for _, d := range v.Availability.Weekdays {
		days = append(days, zhiyuan.WeekdayNames[d])
	}
	var times []string
	for _, t := range zhiyuan.TimesOfDay {
		if slices.Contains(v.Availability.Times, t.Code) {
			times = append(times, t.Name)
		}
	}
	weekdays := make([]struct {
		N    int
		Name string
	}, 7)
	for i := range weekdays {
		weekdays[i].N, weekdays[i].Name = i+1, zhiyuan.WeekdayNames[i+1]
	}
	return map[string]any{
		"Title":        "我的志愿者档案",
		"V":            v,
		"PhoneMasked":  pii.MaskPhone(v.Phone),
		"RegionName":   regionName,
		"AreaNames":    areaNames,
		"CatNames":     catNames,
		"DayNames":     strings.Join(days, "、"),
		"TimeNames":    strings.Join(times, "、"),
		"Age":          zhiyuan.AgeOn(v.BirthDate, x.app.Now()),
		"Political":    zhiyuan.PoliticalStatuses,
		"Categories":   zhiyuan.ServiceCategories,
		"Relations":    zhiyuan.GuardianRelations,
		"F":            savedProfileForm(tree, v),
		"MaxAreas":     zhiyuan.MaxAreas,
		"AreaPicker":   newRegionPicker(tree, areaField, "添加服务区域", province, region.Street),
		"Weekdays":     weekdays,
		"TimesOfDay":   zhiyuan.TimesOfDay,
		"Notice":       zhiyuan.Text(notices[r.URL.Query().Get("done")]),
		"GuardianSeen": v.Guardian != nil && v.Guardian.Name != "",
	}
}

func (x *Web) myVolunteerOrPrompt(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) (*zhiyuan.Volunteer, bool, error) {
	v, err := x.app.MyVolunteer(r.Context(), p)
	if zhiyuan.ErrorCode(err) == zhiyuan.ENotFound {
		x.render(w, r, http.StatusOK, "profile.html", map[string]any{"Title": "我的", "NotVolunteer": true})
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	return v, true, nil
}

func (x *Web) profile(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	v, ok, err := x.myVolunteerOrPrompt(w, r, p)
	if !ok {
		return err
	}
	x.render(w, r, http.StatusOK, "profile.html", x.profileData(r, v))
	return nil
}

// renderProfileError shows the profile again with the failed form's problems beside its
// fields.
func (x *Web) renderProfileError(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal, form string, err error, keep map[string]any) error {
	if !isFormError(err) {
		return err
	}
	v, ok, verr := x.myVolunteerOrPrompt(w, r, p)
	if !ok {
		return verr
	}
	data := x.profileData(r, v)
	fields, msg := formProblems(err)
	data["FailedForm"], data["Error"], data["Fields"] = form, msg, fields
	for k, val := range keep {
		data[k] = val
	}
	x.render(w, r, httpx.Status(zhiyuan.ErrorCode(err)), "profile.html", data)
	return nil
}

// areaField is the name of the profile's picker that adds a service area.
const areaField = "area_add"

// areaChoice is a chosen service area: a box, ticked, with the region's full name.
type areaChoice struct{ Code, Name string }

// profileForm is the 修改资料 form as shown: the saved profile, or what was sent, kept
// when the form comes back (an error, a region picked level by level, an area added).
type profileForm struct {
	Political, Skills, Email, Address string
	Categories, Times                 []string
	Weekdays                          []int
	Areas                             []areaChoice
}

// areaChoices names the service areas codes (an unknown code keeps its code as name,
// and the check refuses it on saving).
func areaChoices(tree *region.Tree, codes []string) []areaChoice {
	out := make([]areaChoice, 0, len(codes))
	for _, c := range codes {
		name := c
		if reg, ok := tree.Lookup(c); ok {
			name = reg.FullName
		}
		out = append(out, areaChoice{c, name})
	}
	return out
}

func savedProfileForm(tree *region.Tree, v *zhiyuan.Volunteer) profileForm {
	return profileForm{Political: v.PoliticalStatus, Skills: strings.Join(v.Skills, "、"), Email: v.Email, Address: v.Address,
		Categories: v.Categories, Times: v.Availability.Times, Weekdays: v.Availability.Weekdays, Areas: areaChoices(tree, v.ServiceAreas)}
}

// sentProfileForm reads the form as sent; the service areas are the ticked boxes.
func sentProfileForm(tree *region.Tree, r *http.Request) profileForm {
	f := profileForm{Political: trim(r, "political_status"), Skills: r.PostFormValue("skills"), Email: trim(r, "email"),
		Address: trim(r, "address"), Categories: r.PostForm["categories"], Times: r.PostForm["times"],
		Areas: areaChoices(tree, zhiyuan.CleanList(r.PostForm["service_areas"]))}
	for _, d := range r.PostForm["weekdays"] {
		n, err := strconv.Atoi(d)
		if err != nil {
			n = 0 // refused by the application with a message
		}
		f.Weekdays = append(f.Weekdays, n)
	}
	return f
}

// codes are the form's service areas.
func (f profileForm) codes() []string {
	out := make([]string, 0, len(f.Areas))
	for _, a := range f.Areas {
		out = append(out, a.Code)
	}
	return out
}

func (x *Web) updateProfile(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	if err := r.ParseForm(); err != nil {
		return zhiyuan.Fail(zhiyuan.EInvalid, "web.form_unreadable")
	}
	tree := x.app.Regions
	f := sentProfileForm(tree, r)
	if picking(r) || r.PostFormValue("add_area") != "" {
		return x.addServiceArea(w, r, p, f)
	}
	political, email, address := f.Political, f.Email, f.Address
	skills, cats, areas, days, times := splitList(f.Skills), f.Categories, f.codes(), f.Weekdays, f.Times
	if cats == nil {
		cats = []string{}
	}
	if days == nil {
		days = []int{}
	}
	if times == nil {
		times = []string{}
	}
	_, err := x.app.UpdateMyVolunteer(r.Context(), p, app.ProfileInput{
		PoliticalStatus: &political, Skills: &skills, Categories: &cats, ServiceAreas: &areas,
		Weekdays: &days, Times: &times, Email: &email, Address: &address,
	})
	if err != nil {
		return x.renderProfileError(w, r, p, "profile", err, map[string]any{"F": f,
			"AreaPicker": newRegionPicker(tree, areaField, "添加服务区域", pickedRegion(tree, r, areaField), region.Street)})
	}
	http.Redirect(w, r, "/me?done=saved", http.StatusSeeOther)
	return nil
}

// addServiceArea shows the profile form again with everything sent kept, nothing saved:
// for the picker's 选择 (the next level to choose), or for 添加 with the region picked
// added to the service areas (a district or a street; the picker then stands at its
// city, for the next one).
func (x *Web) addServiceArea(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal, f profileForm) error {
	v, ok, err := x.myVolunteerOrPrompt(w, r, p)
	if !ok {
		return err
	}
	tree := x.app.Regions
	code := pickedRegion(tree, r, areaField)
	data := x.profileData(r, v)
	data["FailedForm"] = "profile"
	status := http.StatusOK
	if r.PostFormValue("add_area") != "" {
		reg, found := tree.Lookup(code)
		switch {
		case !found || !tree.IsCounty(code) && reg.Level != region.Street:
			err = zhiyuan.FieldFail(zhiyuan.EInvalid, areaField, "web.area_pick_deeper")
		case slices.Contains(f.codes(), code):
			err = zhiyuan.FieldFail(zhiyuan.EInvalid, areaField, "web.area_chosen", "name", reg.FullName)
		case len(f.Areas) >= zhiyuan.MaxAreas:
			err = zhiyuan.FieldFail(zhiyuan.EInvalid, areaField, "volunteer.areas_too_many", "max", zhiyuan.MaxAreas)
		default:
			f.Areas = append(f.Areas, areaChoice{code, reg.FullName})
			data["Added"] = reg.FullName
			code = reg.ParentCode
		}
		if err != nil {
			status = http.StatusUnprocessableEntity
			data["Error"], data["Fields"] = zhiyuan.ErrorMessage(err), zhiyuan.ErrorFields(err)
		}
	}
	data["F"] = f
	data["AreaPicker"] = newRegionPicker(tree, areaField, "添加服务区域", code, region.Street)
	x.render(w, r, status, "profile.html", data)
	return nil
}

func (x *Web) changePassword(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	newPW := r.PostFormValue("new_password")
	if newPW != r.PostFormValue("new_password2") {
		return x.renderProfileError(w, r, p, "password",
			zhiyuan.FieldFail(zhiyuan.EInvalid, "new_password2", "password.repeat_mismatch"), nil)
	}
	token := ""
	if c, err := r.Cookie(httpx.SessionCookie); err == nil {
		token = c.Value
	}
	if err := x.app.ChangePassword(r.Context(), p, r.PostFormValue("old_password"), newPW, token); err != nil {
		return x.renderProfileError(w, r, p, "password", err, nil)
	}
	http.Redirect(w, r, "/me?done=password", http.StatusSeeOther)
	return nil
}

func (x *Web) guardianConsent(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	in := app.GuardianInput{Name: trim(r, "guardian_name"), Phone: trim(r, "guardian_phone"),
		Relation: trim(r, "guardian_relation"), Consent: r.PostFormValue("guardian_consent") == "yes"}
	if _, err := x.app.RecordMyGuardianConsent(r.Context(), p, in); err != nil {
		return x.renderProfileError(w, r, p, "guardian", err, map[string]any{
			"GuardianForm": map[string]string{"Name": in.Name, "Phone": in.Phone, "Relation": in.Relation},
		})
	}
	http.Redirect(w, r, "/me?done=consent", http.StatusSeeOther)
	return nil
}

func (x *Web) exportMyData(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	data, err := x.app.ExportMyData(r.Context(), p)
	if err != nil {
		return err
	}
	b, err := json.MarshalIndent(data, "", "  ")
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="zhiyuan-my-data.json"`)
	w.Header().Set("Cache-Control", "no-store")
	w.Write(b)
	return nil
}

func (x *Web) closeForm(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	v, ok, err := x.myVolunteerOrPrompt(w, r, p)
	if !ok {
		return err
	}
	x.render(w, r, http.StatusOK, "volunteer_close.html", map[string]any{"Title": "注销账号", "V": v})
	return nil
}

func (x *Web) closeAccount(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	if r.PostFormValue("confirm") != "yes" {
		err := zhiyuan.FieldFail(zhiyuan.EInvalid, "confirm", "volunteer.delete_confirm_required")
		return x.renderCloseError(w, r, p, err)
	}
	if err := x.app.CloseMyAccount(r.Context(), p, r.PostFormValue("password")); err != nil {
		return x.renderCloseError(w, r, p, err)
	}
	httpx.ClearSessionCookie(w, r)
	http.Redirect(w, r, "/goodbye", http.StatusSeeOther)
	return nil
}

func (x *Web) renderCloseError(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal, err error) error {
	if !isFormError(err) {
		return err
	}
	v, ok, verr := x.myVolunteerOrPrompt(w, r, p)
	if !ok {
		return verr
	}
	fields, msg := formProblems(err)
	x.render(w, r, httpx.Status(zhiyuan.ErrorCode(err)), "volunteer_close.html", map[string]any{
		"Title": "注销账号", "V": v, "Error": msg, "Fields": fields,
	})
	return nil
}

func (x *Web) goodbye(w http.ResponseWriter, r *http.Request, _ *zhiyuan.Principal) error {
	x.render(w, r, http.StatusOK, "volunteer_closed.html", map[string]any{"Title": "账号已注销"})
	return nil
}

// listHas reports whether a list of a form (strings, or numbers such as weekdays) holds
// item, for checking the boxes of the values already chosen (template helper vHas).
func listHas(list any, item string) bool {
	switch l := list.(type) {
	case []string:
		return slices.Contains(l, item)
	case []int:
		n, err := strconv.Atoi(item)
		return err == nil && slices.Contains(l, n)
	}
	return false
}
