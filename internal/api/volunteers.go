package api

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"zhiyuan"
	"zhiyuan/internal/app"
	"zhiyuan/internal/httpx"
	"zhiyuan/internal/pii"
)

type guardianRequest struct {
	Name     string `json:"name"`
	Phone    string `json:"phone"`
	Relation string `json:"relation"`
	Consent  bool   `json:"consent"`
}

func (g *guardianRequest) input() *app.GuardianInput {
	if g == nil {
		return nil
	}
	return &app.GuardianInput{Name: g.Name, Phone: g.Phone, Relation: g.Relation, Consent: g.Consent}
}

type registerRequest struct {
	Name            string           `json:"name"`
	IDType          string           `json:"id_type"`
	IDNumber        string           `json:"id_number"`
	Phone           string           `json:"phone"`
	Password        string           `json:"password"`
	RegionCode      string           `json:"region_code"`
	BirthDate       string           `json:"birth_date"`
	Sex             string           `json:"sex"`
	PoliticalStatus string           `json:"political_status"`
	Skills          []string         `json:"skills"`
	Categories      []string         `json:"categories"`
	Guardian        *guardianRequest `json:"guardian"`
}

// volunteerJSON is a volunteer as the API shows it: personal data masked, always.
type volunteerJSON struct {
	ID              int64         `json:"id"`
	VolunteerNo     string        `json:"volunteer_no"`
	Name            string        `json:"name"`
	IDType          string        `json:"id_type"`
	IDNumberMasked  string        `json:"id_number_masked"`
	PhoneMasked     string        `json:"phone_masked"`
	RegionCode      string        `json:"region_code"`
	RegionName      string        `json:"region_name"`
	BirthDate       string        `json:"birth_date"`
	Sex             string        `json:"sex"`
	Minor           bool          `json:"minor"`
	GuardianConsent bool          `json:"guardian_consent"`
	Guardian        *guardianJSON `json:"guardian,omitempty"`
	PoliticalStatus string        `json:"political_status"`
	Skills          []string      `json:"skills"`
	Categories      []string      `json:"categories"`
	ServiceAreas    []string      `json:"service_areas"`
	Availability    availability  `json:"availability"`
	Email           string        `json:"email,omitempty"`
	Address         string        `json:"address,omitempty"`
	Status          string        `json:"status"`
	CreatedAt       time.Time     `json:"created_at"`
}

type guardianJSON struct {
	Name        string     `json:"name"`
	PhoneMasked string     `json:"phone_masked"`
	Relation    string     `json:"relation"`
	ConsentAt   *time.Time `json:"consent_at"`
}

type availability struct {
	Weekdays []int    `json:"weekdays"`
	Times    []string `json:"times"`
}

// volunteerView shows contact details (email, address) to the volunteer only.
func (x *API) volunteerView(v *zhiyuan.Volunteer, owner bool) volunteerJSON {
	out := volunteerJSON{
		ID: v.ID, VolunteerNo: v.VolunteerNo, Name: v.Name, IDType: string(v.IDType), IDNumberMasked: v.IDNumberMasked,
		PhoneMasked: pii.MaskPhone(v.Phone), RegionCode: v.RegionCode, BirthDate: v.BirthDate.Format("2006-01-02"),
		Sex: v.Sex, Minor: v.Minor, GuardianConsent: v.HasConsent(), PoliticalStatus: v.PoliticalStatus,
		Skills: v.Skills, Categories: v.Categories, ServiceAreas: v.ServiceAreas,
		Availability: availability{Weekdays: v.Availability.Weekdays, Times: v.Availability.Times},
		Status:       string(v.Status), CreatedAt: v.CreatedAt,
	}
	if v.Status == zhiyuan.VolunteerClosed {
		out.PhoneMasked = ""
	}
	if r, ok := x.app.Regions.Lookup(v.RegionCode); ok {
		out.RegionName = r.FullName
	}
	if owner {
		out.Email, out.Address = v.Email, v.Address
	}
	if g := v.Guardian; g != nil && g.Name != "" {
		out.Guardian = &guardianJSON{Name: g.Name, PhoneMasked: pii.MaskPhone(g.Phone), Relation: g.Relation}
		if !g.ConsentAt.IsZero() {
			at := g.ConsentAt
			out.Guardian.ConsentAt = &at
		}
	}
	for _, l := range []*[]string{&out.Skills, &out.Categories, &out.ServiceAreas, &out.Availability.Times} {
		if *l == nil {
			*l = []string{}
		}
	}
	if out.Availability.Weekdays == nil {
		out.Availability.Weekdays = []int{}
	}
	return out
}

func (x *API) registerVolunteer(w http.ResponseWriter, r *http.Request, _ *zhiyuan.Principal) error {
	var req registerRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	v, err := x.app.RegisterVolunteer(r.Context(), app.RegisterInput{
		Name: req.Name, IDType: req.IDType, IDNumber: req.IDNumber, Phone: req.Phone, Password: req.Password,
		RegionCode: req.RegionCode, BirthDate: req.BirthDate, Sex: req.Sex, PoliticalStatus: req.PoliticalStatus,
		Skills: req.Skills, Categories: req.Categories, Guardian: req.Guardian.input(),
	})
	if err != nil {
		return err
	}
	w.Header().Set("Location", Prefix+"/volunteers/"+strconv.FormatInt(v.ID, 10))
	httpx.WriteJSON(w, http.StatusCreated, x.volunteerView(v, true))
	return nil
}

func (x *API) getVolunteer(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	v, err := x.app.Volunteer(r.Context(), p, id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, x.volunteerView(v, v.AccountID == p.AccountID))
	return nil
}

func (x *API) revealIDNumber(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	number, err := x.app.RevealIDNumber(r.Context(), p, id)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"id": id, "id_number": number})
	return nil
}

func (x *API) getMyVolunteer(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	v, err := x.app.MyVolunteer(r.Context(), p)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, x.volunteerView(v, true))
	return nil
}

type profileRequest struct {
	PoliticalStatus *string   `json:"political_status"`
	Skills          *[]string `json:"skills"`
	Categories      *[]string `json:"categories"`
	ServiceAreas    *[]string `json:"service_areas"`
	Availability    *struct {
		Weekdays *[]int    `json:"weekdays"`
		Times    *[]string `json:"times"`
	} `json:"availability"`
	Email   *string `json:"email"`
	Address *string `json:"address"`
}

func (x *API) patchMyVolunteer(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	var req profileRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	in := app.ProfileInput{PoliticalStatus: req.PoliticalStatus, Skills: req.Skills, Categories: req.Categories,
		ServiceAreas: req.ServiceAreas, Email: req.Email, Address: req.Address}
	if req.Availability != nil {
		in.Weekdays, in.Times = req.Availability.Weekdays, req.Availability.Times
	}
	v, err := x.app.UpdateMyVolunteer(r.Context(), p, in)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, x.volunteerView(v, true))
	return nil
}

func (x *API) guardianConsent(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	var req guardianRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	v, err := x.app.RecordMyGuardianConsent(r.Context(), p, *req.input())
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, x.volunteerView(v, true))
	return nil
}

func (x *API) changePassword(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	var req struct {
		Old string `json:"old_password"`
		New string `json:"new_password"`
	}
	if err := decode(r, &req); err != nil {
		return err
	}
	token, _ := httpx.BearerToken(r)
	if err := x.app.ChangePassword(r.Context(), p, req.Old, req.New, token); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (x *API) exportMyData(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	data, err := x.app.ExportMyData(r.Context(), p)
	if err != nil {
		return err
	}
	writeExport(w, data)
	return nil
}

// writeExport sends an export as a JSON file download.
func writeExport(w http.ResponseWriter, data *app.Export) {
	b, _ := json.MarshalIndent(data, "", "  ")
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="zhiyuan-my-data.json"`)
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	w.Write(b)
}

func (x *API) closeMyAccount(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	var req struct {
		Password string `json:"password"`
	}
	if err := decode(r, &req); err != nil {
		return err
	}
	if err := x.app.CloseMyAccount(r.Context(), p, req.Password); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
