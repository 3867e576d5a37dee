package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"zhiyuan"
	"zhiyuan/internal/hourstest"
	"zhiyuan/internal/uscc"
)

// partnerFixture is an approved partner in 广州 with its admin and one gate staff account.
type partnerFixture struct {
	ID         int64
	AdminToken string
	StaffToken string
	CityToken  string
}

// setStars gives a volunteer confirmed minutes directly in the totals (a star level needs
// 100 hours and more; recording them entry by entry would only test the ledger again).
func setStars(t *testing.T, h *hourstest.Env, volunteerID, minutes int64) {
	t.Helper()
	s := h.Store
	if _, err := s.DB().Exec(s.Rebind(`INSERT INTO volunteer_hour_totals (volunteer_id, confirmed_minutes, pending_minutes, last_seq, head_hash, updated_at)
		VALUES (?, ?, 0, 0, ?, ?) ON CONFLICT (volunteer_id) DO UPDATE SET confirmed_minutes = excluded.confirmed_minutes`),
		volunteerID, minutes, zhiyuan.GenesisHash, h.Clock.Now()); err != nil {
		t.Fatal(err)
	}
}

func newPartner(t testing.TB, h *hourstest.Env, serial int) partnerFixture {
	t.Helper()
	var f partnerFixture
	f.CityToken, _ = h.Admin(zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: "440100"})
	people := h.AddVolunteers(2, false)
	f.AdminToken = people[0].Token
	res := h.Do("POST", "/api/v1/partners", f.AdminToken, map[string]any{"name": fmt.Sprintf("广州博物馆%d", serial),
		"credit_code": uscc.Generate("12", "440104", serial), "region_code": "440104", "contact_name": "陈馆长", "contact_phone": "13800002222"})
	var pt struct {
		ID     int64
		Status string
	}
	res.Decode(&pt)
	if res.Status != http.StatusCreated || pt.Status != "pending" {
		t.Fatalf("apply: %d %s", res.Status, res.Body)
	}
	f.ID = pt.ID
	if res := h.Do("POST", fmt.Sprintf("/api/v1/partners/%d/approve", f.ID), f.CityToken, nil); res.Status != http.StatusOK {
		t.Fatalf("approve: %d %s", res.Status, res.Body)
	}
	if res := h.Do("POST", fmt.Sprintf("/api/v1/partners/%d/staff", f.ID), f.AdminToken, map[string]any{"phone": people[1].Phone}); res.Status != http.StatusOK {
		t.Fatalf("add staff: %d %s", res.Status, res.Body)
	}
	// The admin's token predates the role it got by applying; the session reads roles anew.
	f.StaffToken = people[1].Token
	return f
}

func publishBenefit(t testing.TB, h *hourstest.Env, f partnerFixture, body map[string]any) int64 {
	t.Helper()
	base := map[string]any{"title": "门票优惠", "category": "文化场馆", "address": "越秀区越秀公园内", "lat": 23.139, "lng": 113.268,
		"valid_from": "2037-01-01", "valid_until": "2038-12-31", "eligibility": "stars", "min_stars": 1}
	for k, v := range body {
		base[k] = v
	}
	res := h.Do("POST", fmt.Sprintf("/api/v1/partners/%d/benefits", f.ID), f.AdminToken, base)
	var b struct{ ID int64 }
	res.Decode(&b)
	if res.Status != http.StatusCreated {
		t.Fatalf("publish: %d %s", res.Status, res.Body)
	}
	return b.ID
}

type gateAnswer struct {
	Eligible     bool   `json:"eligible"`
	Reason       string `json:"reason"`
	Benefit      string `json:"benefit"`
	PriceRule    string `json:"price_rule"`
	PricePercent int    `json:"price_percent"`
	StarLevel    int    `json:"star_level"`
	MaskedName   string `json:"masked_name"`
	UseID        int64  `json:"use_id"`
}

// TestPartnerBenefitsAndGate: a partner applies and a city approves it; a benefit for one
// star and up; a volunteer below the rule is told why and cannot claim; at one star they
// claim, staff scan the code and see the one-star price and a masked name only, record the
// use once, and the volunteer sees it. Forged and expired payloads are refused.
func TestPartnerBenefitsAndGate(t *testing.T) {
	t.Parallel()
	hourstest.Each(t, 0, func(t *testing.T, h *hourstest.Env) {
		// Applying: the credit code is checked; another city cannot approve.
		someone := h.AddVolunteers(1, false)[0]
		wantRefusal(t, "bad credit code", h.Do("POST", "/api/v1/partners", someone.Token, map[string]any{"name": "某景区",
			"credit_code": "91440101MA5XXXXXX1", "region_code": "440104", "contact_name": "王", "contact_phone": "13800002222"}), "credit_code", "")
		f := newPartner(t, h, 1)
		if res := h.Do("POST", fmt.Sprintf("/api/v1/partners/%d/approve", f.ID), f.CityToken, nil); res.Status != http.StatusConflict {
			t.Errorf("approving twice: %d %s", res.Status, res.Body)
		}
		shenzhen, _ := h.Admin(zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: "440300"})
		if res := h.Do("POST", fmt.Sprintf("/api/v1/partners/%d/reject", f.ID), shenzhen, map[string]any{"reason": "不在本市"}); res.Status != http.StatusForbidden {
			t.Errorf("another city deciding: %d %s", res.Status, res.Body)
		}
		// Staff may not publish; the admin may.
		if res := h.Do("POST", fmt.Sprintf("/api/v1/partners/%d/benefits", f.ID), f.StaffToken, map[string]any{"title": "x"}); res.Status != http.StatusForbidden {
			t.Errorf("staff publishing: %d %s", res.Status, res.Body)
		}
		wantRefusal(t, "bad price rule", h.Do("POST", fmt.Sprintf("/api/v1/partners/%d/benefits", f.ID), f.AdminToken, map[string]any{
			"title": "门票", "category": "景区", "valid_from": "2026-01-01", "valid_until": "2027-01-01", "eligibility": "stars", "price_rule": "80,70"}),
			"price_rule", "6个")
		ticket := publishBenefit(t, h, f, nil)
		hours := publishBenefit(t, h, f, map[string]any{"title": "文创八折", "eligibility": "recent_hours", "min_hours": 12.5})

		v := h.AddVolunteers(1, false)[0]
		setStars(t, h, v.ID, 50*60)
		res := h.Do("GET", "/api/v1/benefits?category=文化场馆", v.Token, nil)
		var list struct {
			Items []struct {
				ID       int64
				Eligible bool
				Reason   string
				Price    string
			}
		}
		res.Decode(&list)
		reasons := map[int64]string{}
		for _, b := range list.Items {
			reasons[b.ID] = b.Reason
			if b.Eligible {
				t.Errorf("eligible below the rule: %+v", b)
			}
		}
		if !strings.Contains(reasons[ticket], "需1星") || !strings.Contains(reasons[hours], "还差12.5小时") {
			t.Fatalf("reasons: %s", res.Body)
		}
		// Near: the museum (23.139, 113.268) is within 20 km of 广州 centre, not of 深圳.
		if res := h.Do("GET", "/api/v1/benefits?near=23.13,113.26", v.Token, nil); !strings.Contains(string(res.Body), `"distance_km"`) {
			t.Errorf("near 广州: %s", res.Body)
		}
		if res := h.Do("GET", "/api/v1/benefits?near=22.54,114.05", v.Token, nil); strings.Contains(string(res.Body), `"id"`) {
			t.Errorf("near 深圳: %s", res.Body)
		}
		wantRefusal(t, "bad near", h.Do("GET", "/api/v1/benefits?near=abc", v.Token, nil), "near", "")
		if res := h.Do("GET", "/api/v1/benefits?eligible=true", v.Token, nil); strings.Contains(string(res.Body), `"id"`) {
			t.Errorf("eligible=true lists benefits the volunteer does not qualify for: %s", res.Body)
		}
		wantRefusal(t, "claim below the rule", h.Do("POST", fmt.Sprintf("/api/v1/benefits/%d/claims", ticket), v.Token, nil), "benefit", "需1星")

		// One star: eligible, the one-star price.
		setStars(t, h, v.ID, 120*60)
		res = h.Do("POST", fmt.Sprintf("/api/v1/benefits/%d/claims", ticket), v.Token, nil)
		var claim struct {
			ID        int64
			Code      string
			ExpiresAt time.Time `json:"expires_at"`
		}
		res.Decode(&claim)
		if res.Status != http.StatusCreated || claim.Code == "" || claim.ID == 0 || !claim.ExpiresAt.After(h.Clock.Now()) {
			t.Fatalf("claim: %d %s", res.Status, res.Body)
		}
		check := h.Do("POST", "/api/v1/partner/redemptions", f.StaffToken, map[string]any{"payload": claim.Code, "check_only": true})
		var a gateAnswer
		check.Decode(&a)
		if check.Status != http.StatusOK || !a.Eligible || a.StarLevel != 1 || a.PricePercent != 80 || a.PriceRule != "原价的80%" ||
			a.Benefit != "门票优惠" || !strings.HasSuffix(a.MaskedName, "*") || a.UseID != 0 {
			t.Fatalf("gate check: %d %s", check.Status, check.Body)
		}
		noPersonalData(t, h, v, check.Body)

		// Someone who is not the partner's staff cannot use the gate.
		if res := h.Do("POST", "/api/v1/partner/redemptions", v.Token, map[string]any{"payload": claim.Code}); res.Status != http.StatusForbidden {
			t.Errorf("a volunteer at the gate: %d %s", res.Status, res.Body)
		}
		// Forged: one character changed; the code is refused, nothing recorded.
		forged := []byte(claim.Code)
		forged[len(forged)/2] ^= 0x01
		wantRefusal(t, "forged code", h.Do("POST", "/api/v1/partner/redemptions", f.StaffToken, map[string]any{"payload": string(forged)}), "payload", "")

		use := h.Do("POST", "/api/v1/partner/redemptions", f.StaffToken, map[string]any{"payload": claim.Code})
		use.Decode(&a)
		if use.Status != http.StatusCreated || a.UseID == 0 || !a.Eligible {
			t.Fatalf("record use: %d %s", use.Status, use.Body)
		}
		noPersonalData(t, h, v, use.Body)
		if res := h.Do("POST", "/api/v1/partner/redemptions", f.StaffToken, map[string]any{"payload": claim.Code}); res.Status != http.StatusConflict &&
			!strings.Contains(string(res.Body), `"eligible":false`) {
			t.Errorf("second use: %d %s", res.Status, res.Body)
		}
		res = h.Do("GET", "/api/v1/me/benefit-uses", v.Token, nil)
		var uses struct {
			Items []struct {
				Benefit      string
				PricePercent int `json:"price_percent"`
			}
		}
		res.Decode(&uses)
		if len(uses.Items) != 1 || uses.Items[0].Benefit != "门票优惠" || uses.Items[0].PricePercent != 80 {
			t.Fatalf("my uses: %s", res.Body)
		}

		// The digital card at the gate: the staff's one benefit is asked by id here.
		card := issueCard(t, h, v)
		res = h.Do("POST", "/api/v1/partner/redemptions", f.StaffToken, map[string]any{"payload": card, "benefit_id": hours, "check_only": true})
		res.Decode(&a)
		if res.Status != http.StatusOK || a.Eligible || !strings.Contains(a.Reason, "还差12.5小时") {
			t.Fatalf("card at the gate, below the hours rule: %d %s", res.Status, res.Body)
		}
		noPersonalData(t, h, v, res.Body)

		// Over the per-volunteer limit: refused, and the unit the refused claim took is
		// back in stock (one transaction: stock, allowance and claim, or nothing).
		once := publishBenefit(t, h, f, map[string]any{"title": "限领一次", "min_stars": 0, "stock": 5, "limit_count": 1, "limit_period": "ever"})
		if res := h.Do("POST", fmt.Sprintf("/api/v1/benefits/%d/claims", once), v.Token, nil); res.Status != http.StatusCreated {
			t.Fatalf("first claim: %d %s", res.Status, res.Body)
		}
		if res := h.Do("POST", fmt.Sprintf("/api/v1/benefits/%d/claims", once), v.Token, nil); res.Status != http.StatusConflict ||
			!strings.Contains(string(res.Body), "已达上限") {
			t.Errorf("second claim over the limit: %d %s", res.Status, res.Body)
		}
		if res := h.Do("GET", fmt.Sprintf("/api/v1/benefits/%d", once), v.Token, nil); !strings.Contains(string(res.Body), `"stock_left":4`) {
			t.Errorf("stock after a refused claim: %s", res.Body)
		}

		// The card at the gate of a once-a-month benefit: recorded once, then refused
		// with the reason.
		monthly := publishBenefit(t, h, f, map[string]any{"title": "每月一次", "min_stars": 0, "limit_count": 1, "limit_period": "month"})
		if res := h.Do("POST", "/api/v1/partner/redemptions", f.StaffToken, map[string]any{"payload": card, "benefit_id": monthly}); res.Status != http.StatusCreated {
			t.Fatalf("card use: %d %s", res.Status, res.Body)
		}
		res = h.Do("POST", "/api/v1/partner/redemptions", f.StaffToken, map[string]any{"payload": card, "benefit_id": monthly})
		a = gateAnswer{}
		res.Decode(&a)
		if res.Status != http.StatusOK || a.Eligible || !strings.Contains(a.Reason, "每月限领1次") || a.UseID != 0 {
			t.Errorf("second card use in a month: %d %s", res.Status, res.Body)
		}

		// Expired: a claim's code after its lifetime; a card payload after five minutes.
		second := publishBenefit(t, h, f, map[string]any{"title": "讲解服务", "min_stars": 0})
		res = h.Do("POST", fmt.Sprintf("/api/v1/benefits/%d/claims", second), v.Token, nil)
		res.Decode(&claim)
		h.Clock.Set(h.Clock.Now().Add(zhiyuan.ClaimTTL + time.Minute))
		wantRefusal(t, "expired code", h.Do("POST", "/api/v1/partner/redemptions", f.StaffToken, map[string]any{"payload": claim.Code}), "payload", "过期")
		wantRefusal(t, "expired card", h.Do("POST", "/api/v1/partner/redemptions", f.StaffToken, map[string]any{"payload": card, "benefit_id": ticket}), "payload", "过期")
	})
}

// noPersonalData fails when a gate answer holds more than its fields, or anything that
// names the volunteer: the full name, the phone, the identity number (masked or not), the
// volunteer number or hours.
func noPersonalData(t *testing.T, h *hourstest.Env, v hourstest.Volunteer, body []byte) {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	allowed := map[string]bool{"eligible": true, "reason": true, "benefit_id": true, "benefit": true, "price_rule": true,
		"price_percent": true, "star_level": true, "masked_name": true, "kind": true, "use_id": true, "used_at": true}
	for _, k := range keys {
		if !allowed[k] {
			t.Errorf("gate answer has %q: %s", k, body)
		}
	}
	vol, err := h.Store.FindVolunteerByID(t.Context(), v.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{vol.Name, v.Phone, v.No, vol.IDNumberMasked, "440***", "minutes", "hours\""} {
		if strings.Contains(string(body), secret) {
			t.Errorf("gate answer shows %q: %s", secret, body)
		}
	}
}

// TestBenefitStockRush: 500 volunteers claim a benefit with 100 units at once: exactly 100
// claims, stock 0, the rest 409 full, no 5xx. And one volunteer claiming ten times at once
// a benefit limited to two per month gets exactly two.
func TestBenefitStockRush(t *testing.T) {
	t.Parallel()
	hourstest.Each(t, 0, func(t *testing.T, h *hourstest.Env) {
		f := newPartner(t, h, 2)
		id := publishBenefit(t, h, f, map[string]any{"min_stars": 0, "stock": 100})
		racers := h.AddVolunteers(500, false)
		statuses := make([]int, len(racers))
		var wg sync.WaitGroup
		for i, v := range racers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				statuses[i] = h.Do("POST", fmt.Sprintf("/api/v1/benefits/%d/claims", id), v.Token, nil).Status
			}()
		}
		wg.Wait()
		count := map[int]int{}
		for _, s := range statuses {
			count[s]++
		}
		if count[http.StatusCreated] != 100 || count[http.StatusConflict] != 400 {
			t.Fatalf("500 racers for 100 units: %v", count)
		}
		res := h.Do("GET", fmt.Sprintf("/api/v1/benefits/%d", id), f.AdminToken, nil)
		if !strings.Contains(string(res.Body), `"stock_left":0`) {
			t.Fatalf("stock after the rush: %s", res.Body)
		}
		var claims int
		h.Store.DB().QueryRow(h.Store.Rebind("SELECT COUNT(*) FROM benefit_claims WHERE benefit_id = ?"), id).Scan(&claims)
		if claims != 100 {
			t.Fatalf("%d claims stored", claims)
		}

		limited := publishBenefit(t, h, f, map[string]any{"title": "每月两次", "min_stars": 0, "limit_count": 2, "limit_period": "month"})
		v := racers[0]
		var got [10]int
		for i := range got {
			wg.Add(1)
			go func() {
				defer wg.Done()
				got[i] = h.Do("POST", fmt.Sprintf("/api/v1/benefits/%d/claims", limited), v.Token, nil).Status
			}()
		}
		wg.Wait()
		n := 0
		for _, s := range got {
			switch s {
			case http.StatusCreated:
				n++
			case http.StatusConflict:
			default:
				t.Errorf("status %d in the limit rush", s)
			}
		}
		if n != 2 {
			t.Fatalf("a limit of two per month gave %d claims: %v", n, got)
		}
	})
}

// TestRedemptionUsedTwiceAtOnce: two staff scan one redemption code at the same moment
// (ten times over): exactly one use is recorded, the others are refused.
func TestRedemptionUsedTwiceAtOnce(t *testing.T) {
	t.Parallel()
	hourstest.Each(t, 0, func(t *testing.T, h *hourstest.Env) {
		f := newPartner(t, h, 3)
		id := publishBenefit(t, h, f, map[string]any{"min_stars": 0})
		v := h.AddVolunteers(1, false)[0]
		res := h.Do("POST", fmt.Sprintf("/api/v1/benefits/%d/claims", id), v.Token, nil)
		var claim struct{ Code string }
		res.Decode(&claim)
		var wg sync.WaitGroup
		var statuses [10]int
		for i := range statuses {
			wg.Add(1)
			go func() {
				defer wg.Done()
				statuses[i] = h.Do("POST", "/api/v1/partner/redemptions", f.StaffToken, map[string]any{"payload": claim.Code}).Status
			}()
		}
		wg.Wait()
		created := 0
		for _, s := range statuses {
			switch {
			case s == http.StatusCreated:
				created++
			case s >= 500:
				t.Errorf("status %d", s)
			}
		}
		var uses int
		h.Store.DB().QueryRow(h.Store.Rebind("SELECT COUNT(*) FROM benefit_uses")).Scan(&uses)
		if created != 1 || uses != 1 {
			t.Fatalf("one code used at once ten times: %d created, %d uses stored (%v)", created, uses, statuses)
		}
	})
}
