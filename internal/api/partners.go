package api

import (
	"net/http"
	"strconv"
	"time"

	"zhiyuan"
	"zhiyuan/internal/app"
	"zhiyuan/internal/httpx"
	"zhiyuan/internal/pii"
)

// partnerJSON is a partner as the API shows it; the contact phone (masked) and the
// rejection reason only to its own accounts and its approvers.
type partnerJSON struct {
	ID           int64      `json:"id"`
	Name         string     `json:"name"`
	CreditCode   string     `json:"credit_code"`
	RegionCode   string     `json:"region_code"`
	RegionName   string     `json:"region_name"`
	ContactName  string     `json:"contact_name"`
	ContactPhone string     `json:"contact_phone,omitempty"`
	Status       string     `json:"status"`
	RejectReason string     `json:"reject_reason,omitempty"`
	CreatedAt    time.Time  `json:"created_at"`
	DecidedAt    *time.Time `json:"decided_at,omitempty"`
}

func (x *API) toPartnerJSON(p *zhiyuan.Principal, pt *zhiyuan.Partner, own bool) partnerJSON {
	j := partnerJSON{ID: pt.ID, Name: pt.Name, CreditCode: pt.CreditCode, RegionCode: pt.RegionCode,
		RegionName: x.app.RegionName(pt.RegionCode), ContactName: pt.ContactName, Status: string(pt.Status), CreatedAt: pt.CreatedAt}
	if !pt.DecidedAt.IsZero() {
		t := pt.DecidedAt
		j.DecidedAt = &t
	}
	if own || x.app.CanApprovePartner(p, pt) || x.app.CanManagePartner(p, pt) {
		j.ContactPhone = pii.MaskPhone(pt.ContactPhone)
		j.RejectReason = pt.RejectReason
	}
	return j
}

type partnerRequest struct {
	Name         string `json:"name"`
	CreditCode   string `json:"credit_code"`
	RegionCode   string `json:"region_code"`
	ContactName  string `json:"contact_name"`
	ContactPhone string `json:"contact_phone"`
}

func (x *API) applyPartner(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	var req partnerRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	pt, err := x.app.ApplyPartner(r.Context(), p, app.PartnerInput(req))
	if err != nil {
		return err
	}
	w.Header().Set("Location", Prefix+"/partners/"+strconv.FormatInt(pt.ID, 10))
	httpx.WriteJSON(w, http.StatusCreated, x.toPartnerJSON(p, pt, true))
	return nil
}

func (x *API) getPartner(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	pt, err := x.app.Partner(r.Context(), p, id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, x.toPartnerJSON(p, pt, false))
	return nil
}

func (x *API) listPartners(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	list, err := x.app.PendingPartners(r.Context(), p, r.URL.Query().Get("status") == "all")
	if err != nil {
		return err
	}
	page := Page[partnerJSON]{Items: []partnerJSON{}}
	for _, pt := range list {
		page.Items = append(page.Items, x.toPartnerJSON(p, pt, false))
	}
	httpx.WriteJSON(w, http.StatusOK, page)
	return nil
}

func (x *API) approvePartner(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	pt, err := x.app.ApprovePartner(r.Context(), p, id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, x.toPartnerJSON(p, pt, false))
	return nil
}

func (x *API) rejectPartner(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
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
	pt, err := x.app.RejectPartner(r.Context(), p, id, req.Reason)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, x.toPartnerJSON(p, pt, false))
	return nil
}

type staffJSON struct {
	AccountID int64     `json:"account_id"`
	Name      string    `json:"name"`
	Phone     string    `json:"phone"`
	Admin     bool      `json:"admin"`
	Since     time.Time `json:"since"`
}

func (x *API) listPartnerStaff(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	list, err := x.app.PartnerStaff(r.Context(), p, id)
	if err != nil {
		return err
	}
	page := Page[staffJSON]{Items: []staffJSON{}}
	for _, m := range list {
		page.Items = append(page.Items, staffJSON(m))
	}
	httpx.WriteJSON(w, http.StatusOK, page)
	return nil
}

func (x *API) addPartnerStaff(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var req struct {
		Phone string `json:"phone"`
		Admin bool   `json:"admin"`
	}
	if err := decode(r, &req); err != nil {
		return err
	}
	if err := x.app.AddPartnerStaff(r.Context(), p, id, req.Phone, req.Admin); err != nil {
		return err
	}
	return x.listPartnerStaff(w, r, p)
}

func (x *API) removePartnerStaff(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	account, err := pathID(r, "account_id")
	if err != nil {
		return err
	}
	if err := x.app.RemovePartnerStaff(r.Context(), p, id, account); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// benefitJSON is a benefit; eligible, reason and price are for the caller.
type benefitJSON struct {
	ID           int64     `json:"id"`
	PartnerID    int64     `json:"partner_id"`
	PartnerName  string    `json:"partner_name"`
	Title        string    `json:"title"`
	Description  string    `json:"description"`
	Category     string    `json:"category"`
	RegionCode   string    `json:"region_code"`
	RegionName   string    `json:"region_name"`
	Address      string    `json:"address"`
	Lat          float64   `json:"lat,omitempty"`
	Lng          float64   `json:"lng,omitempty"`
	ValidFrom    time.Time `json:"valid_from"`
	ValidUntil   time.Time `json:"valid_until"`
	Eligibility  string    `json:"eligibility"`
	MinStars     int64     `json:"min_stars,omitempty"`
	MinHours     float64   `json:"min_hours,omitempty"`
	Rule         string    `json:"rule"`
	PriceRule    string    `json:"price_rule"`
	LimitCount   int       `json:"limit_count"`
	LimitPeriod  string    `json:"limit_period"`
	Stock        int       `json:"stock"`
	StockLeft    *int      `json:"stock_left,omitempty"`
	Eligible     bool      `json:"eligible"`
	Reason       string    `json:"reason,omitempty"`
	PricePercent int       `json:"price_percent"`
	Price        string    `json:"price"`
	DistanceKm   float64   `json:"distance_km,omitempty"`
}

func toBenefitJSON(v app.BenefitView) benefitJSON {
	b := v.Benefit
	j := benefitJSON{ID: b.ID, PartnerID: b.PartnerID, PartnerName: b.PartnerName, Title: b.Title, Description: b.Description,
		Category: b.Category, RegionCode: b.RegionCode, RegionName: v.RegionName, Address: b.Address, Lat: b.Lat, Lng: b.Lng,
		ValidFrom: b.ValidFrom, ValidUntil: b.ValidUntil, Eligibility: string(b.Condition.Kind), Rule: v.Rule,
		PriceRule: b.Price.String(), LimitCount: b.LimitCount, LimitPeriod: string(b.LimitPeriod), Stock: b.Stock,
		Eligible: v.Eligible, Reason: v.Reason, PricePercent: v.PricePercent, Price: v.Price, DistanceKm: v.DistanceKm}
	switch b.Condition.Kind {
	case zhiyuan.EligibleStars:
		j.MinStars = b.Condition.Value
	case zhiyuan.EligibleRecentHours:
		j.MinHours = zhiyuan.MinutesToHours(b.Condition.Value)
	}
	if b.Limited() {
		left := b.StockLeft
		j.StockLeft = &left
	}
	return j
}

type benefitRequest struct {
	Title       string  `json:"title"`
	Description string  `json:"description"`
	Category    string  `json:"category"`
	RegionCode  string  `json:"region_code"`
	Address     string  `json:"address"`
	Lat         float64 `json:"lat"`
	Lng         float64 `json:"lng"`
	ValidFrom   string  `json:"valid_from"`
	ValidUntil  string  `json:"valid_until"`
	Eligibility string  `json:"eligibility"`
	MinStars    int     `json:"min_stars"`
	MinHours    float64 `json:"min_hours"`
	PriceRule   string  `json:"price_rule"`
	LimitCount  int     `json:"limit_count"`
	LimitPeriod string  `json:"limit_period"`
	Stock       int     `json:"stock"`
}

func (x *API) publishBenefit(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var req benefitRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	b, err := x.app.PublishBenefit(r.Context(), p, id, app.BenefitInput(req))
	if err != nil {
		return err
	}
	v, err := x.app.Benefit(r.Context(), p, b.ID)
	if err != nil {
		return err
	}
	w.Header().Set("Location", Prefix+"/benefits/"+strconv.FormatInt(b.ID, 10))
	httpx.WriteJSON(w, http.StatusCreated, toBenefitJSON(*v))
	return nil
}

func (x *API) listBenefits(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	q := r.URL.Query()
	eligible := false
	switch q.Get("eligible") {
	case "", "false", "0":
	case "true", "1":
		eligible = true
	default:
		return zhiyuan.FieldFail(zhiyuan.EInvalid, "eligible", "benefit.eligible_format")
	}
	list, err := x.app.Benefits(r.Context(), p, app.BenefitQuery{Near: q.Get("near"), WithinKm: q.Get("within_km"),
		Category: q.Get("category"), Region: q.Get("region"), Eligible: eligible})
	if err != nil {
		return err
	}
	page := Page[benefitJSON]{Items: []benefitJSON{}}
	for _, v := range list {
		page.Items = append(page.Items, toBenefitJSON(v))
	}
	httpx.WriteJSON(w, http.StatusOK, page)
	return nil
}

func (x *API) getBenefit(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	v, err := x.app.Benefit(r.Context(), p, id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, toBenefitJSON(*v))
	return nil
}

type claimJSON struct {
	ID        int64      `json:"id"`
	BenefitID int64      `json:"benefit_id"`
	Benefit   string     `json:"benefit"`
	Code      string     `json:"code,omitempty"`
	ClaimedAt time.Time  `json:"claimed_at"`
	ExpiresAt time.Time  `json:"expires_at"`
	UsedAt    *time.Time `json:"used_at,omitempty"`
}

func (x *API) claimBenefit(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	c, err := x.app.ClaimBenefit(r.Context(), p, id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, claimJSON{ID: c.Claim.ID, BenefitID: c.Benefit.ID, Benefit: c.Benefit.Title,
		Code: c.Code, ClaimedAt: c.Claim.ClaimedAt, ExpiresAt: c.Claim.ExpiresAt})
	return nil
}

func (x *API) myBenefitClaims(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	list, err := x.app.MyClaims(r.Context(), p)
	if err != nil {
		return err
	}
	page := Page[claimJSON]{Items: []claimJSON{}}
	for _, c := range list {
		j := claimJSON{ID: c.ID, BenefitID: c.BenefitID, Benefit: c.Benefit.Title, Code: c.Code, ClaimedAt: c.ClaimedAt, ExpiresAt: c.ExpiresAt}
		if !c.UsedAt.IsZero() {
			t := c.UsedAt
			j.UsedAt = &t
		}
		page.Items = append(page.Items, j)
	}
	httpx.WriteJSON(w, http.StatusOK, page)
	return nil
}

// gateJSON is the whole answer partner staff get: nothing else about the volunteer.
type gateJSON struct {
	Eligible     bool       `json:"eligible"`
	Reason       string     `json:"reason"`
	BenefitID    int64      `json:"benefit_id"`
	Benefit      string     `json:"benefit"`
	PriceRule    string     `json:"price_rule"`
	PricePercent int        `json:"price_percent"`
	StarLevel    int        `json:"star_level"`
	MaskedName   string     `json:"masked_name"`
	Kind         string     `json:"kind"`
	UseID        int64      `json:"use_id,omitempty"`
	UsedAt       *time.Time `json:"used_at,omitempty"`
}

func toGateJSON(a *app.GateAnswer) gateJSON {
	j := gateJSON{Eligible: a.Eligible, Reason: a.Reason, BenefitID: a.BenefitID, Benefit: a.Benefit, PriceRule: a.PriceRule,
		PricePercent: a.PricePercent, StarLevel: a.StarLevel, MaskedName: a.MaskedName, Kind: a.Kind, UseID: a.UseID}
	if a.UseID != 0 {
		t := a.UsedAt
		j.UsedAt = &t
	}
	return j
}

// redeem answers a scan at the gate and, unless check_only, records the use when the
// volunteer qualifies (201); a check, or a volunteer who does not qualify, is 200.
func (x *API) redeem(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	var req struct {
		Payload   string `json:"payload"`
		BenefitID int64  `json:"benefit_id"`
		CheckOnly bool   `json:"check_only"`
	}
	if err := decode(r, &req); err != nil {
		return err
	}
	in := app.GateInput{Payload: req.Payload, BenefitID: req.BenefitID}
	var ans *app.GateAnswer
	var err error
	if req.CheckOnly {
		ans, err = x.app.CheckAtGate(r.Context(), p, in)
	} else {
		ans, err = x.app.RecordUse(r.Context(), p, in)
	}
	if err != nil {
		return err
	}
	status := http.StatusOK
	if ans.UseID != 0 {
		status = http.StatusCreated
	}
	httpx.WriteJSON(w, status, toGateJSON(ans))
	return nil
}

type useJSON struct {
	ID           int64     `json:"id"`
	BenefitID    int64     `json:"benefit_id"`
	Benefit      string    `json:"benefit"`
	Partner      string    `json:"partner"`
	StarLevel    int       `json:"star_level"`
	PricePercent int       `json:"price_percent"`
	UsedAt       time.Time `json:"used_at"`
}

func (x *API) myBenefitUses(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	list, err := x.app.MyBenefitUses(r.Context(), p)
	if err != nil {
		return err
	}
	page := Page[useJSON]{Items: []useJSON{}}
	for _, u := range list {
		page.Items = append(page.Items, useJSON{ID: u.ID, BenefitID: u.BenefitID, Benefit: u.BenefitTitle, Partner: u.PartnerName,
			StarLevel: u.StarLevel, PricePercent: u.PricePercent, UsedAt: u.UsedAt})
	}
	httpx.WriteJSON(w, http.StatusOK, page)
	return nil
}
