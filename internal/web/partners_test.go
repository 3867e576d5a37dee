package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"zhiyuan"
	"zhiyuan/internal/hourstest"
	"zhiyuan/internal/proof"
	"zhiyuan/internal/server/servertest"
	"zhiyuan/internal/uscc"
)

// gateFixture is an approved partner with a one-star benefit (the default price rule), its
// staff's phone, and a one-star volunteer holding an active card.
type gateFixture struct {
	PartnerID, BenefitID int64
	AdminToken           string
	AdminPhone           string
	StaffPhone           string
	Volunteer            hourstest.Volunteer
	Name                 string
	CardQR               string // what the digital card's QR code holds
}

func newGate(t *testing.T, h *hourstest.Env) gateFixture {
	t.Helper()
	var f gateFixture
	city, _ := h.Admin(zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: "440100"})
	people := h.AddVolunteers(3, false)
	f.AdminToken, f.AdminPhone, f.StaffPhone, f.Volunteer = people[0].Token, people[0].Phone, people[1].Phone, people[2]
	res := h.Do("POST", "/api/v1/partners", f.AdminToken, map[string]any{"name": "广州塔", "credit_code": uscc.Generate("91", "440105", 7),
		"region_code": "440105", "contact_name": "陈经理", "contact_phone": "13800003333"})
	var pt struct{ ID int64 }
	res.Decode(&pt)
	f.PartnerID = pt.ID
	for _, step := range []*servertest.Response{
		h.Do("POST", fmt.Sprintf("/api/v1/partners/%d/approve", pt.ID), city, nil),
		h.Do("POST", fmt.Sprintf("/api/v1/partners/%d/staff", pt.ID), f.AdminToken, map[string]any{"phone": f.StaffPhone}),
	} {
		if step.Status != http.StatusOK {
			t.Fatalf("partner set-up: %d %s", step.Status, step.Body)
		}
	}
	res = h.Do("POST", fmt.Sprintf("/api/v1/partners/%d/benefits", pt.ID), f.AdminToken, map[string]any{"title": "观光门票优惠",
		"category": "景区", "address": "海珠区阅江西路222号", "valid_from": "2037-01-01", "valid_until": "2038-12-31", "eligibility": "stars", "min_stars": 1})
	var b struct{ ID int64 }
	res.Decode(&b)
	if res.Status != http.StatusCreated {
		t.Fatalf("benefit: %d %s", res.Status, res.Body)
	}
	f.BenefitID = b.ID
	s := h.Store
	if _, err := s.DB().Exec(s.Rebind(`INSERT INTO volunteer_hour_totals (volunteer_id, confirmed_minutes, pending_minutes, last_seq, head_hash, updated_at)
		VALUES (?, ?, 0, 0, ?, ?)`), f.Volunteer.ID, 150*60, zhiyuan.GenesisHash, h.Clock.Now()); err != nil {
		t.Fatal(err)
	}
	f.CardQR = giveCard(t, h, f.Volunteer)
	vol, err := s.FindVolunteerByID(t.Context(), f.Volunteer.ID)
	if err != nil {
		t.Fatal(err)
	}
	f.Name = vol.Name
	return f
}

// giveCard issues a volunteer an active card through the store's steps and returns what
// the digital card's QR code holds.
func giveCard(t *testing.T, h *hourstest.Env, v hourstest.Volunteer) string {
	t.Helper()
	ctx := context.Background()
	s := h.Store
	ap := &zhiyuan.CardApplication{VolunteerID: v.ID, RegionCode: "440106", Delivery: zhiyuan.DeliveryAddress, DeliveryAddress: "广州市天河区五山路1号"}
	if err := s.CreateCardApplication(ctx, ap, []byte("\xFF\xD8\xFFphoto")); err != nil {
		t.Fatal(err)
	}
	if _, err := s.DecideCardApplications(ctx, []int64{ap.ID}, true, "", h.OrgAdmin, nil, nil); err != nil {
		t.Fatal(err)
	}
	b, err := s.CreateCardBatch(ctx, []int64{ap.ID}, "440106", nil, 2037, h.OrgAdmin, proof.MakeCardNumber, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, to := range []zhiyuan.CardBatchStatus{zhiyuan.BatchPrinted, zhiyuan.BatchIssued} {
		if err := s.AdvanceCardBatch(ctx, b.ID, to, h.OrgAdmin, nil); err != nil {
			t.Fatal(err)
		}
	}
	card, err := h.App.MyCard(ctx, &zhiyuan.Principal{AccountID: v.AccountID, Roles: []zhiyuan.Role{{Kind: zhiyuan.RoleVolunteer}}})
	if err != nil || card.Payload == "" {
		t.Fatalf("digital card: %+v %v", card, err)
	}
	return card.VerifyURL
}

// TestPartnerGatePages: without JavaScript, staff type a card's QR content on /partner/scan,
// see eligibility, the one-star price and a masked name and nothing that names the person,
// and record the use; the volunteer sees it on 我的权益. A volunteer claims a benefit there
// and gets a QR code; one below the rule sees why.
func TestPartnerGatePages(t *testing.T) {
	t.Parallel()
	hourstest.Each(t, 0, func(t *testing.T, h *hourstest.Env) {
		f := newGate(t, h)
		staff := h.Browser()
		staff.Login(f.StaffPhone, hourstest.Password)
		expectPage(t, "scan form", staff.Get("/partner/scan"), http.StatusOK, "权益核验", "观光门票优惠")
		form := url.Values{"payload": {f.CardQR}, "benefit_id": {fmt.Sprint(f.BenefitID)}}
		res := staff.Post("/partner/scan", form)
		expectPage(t, "scan answer", res, http.StatusOK, "符合条件", "原价的80%", "1星", "记录使用")
		for _, secret := range []string{f.Name, f.Volunteer.Phone, f.Volunteer.No, "440***", "小时"} {
			if strings.Contains(string(res.Body), secret) {
				t.Errorf("the gate page shows %q", secret)
			}
		}
		form.Set("confirm", "1")
		expectPage(t, "record use", staff.Post("/partner/uses", form), http.StatusOK, "已记录使用")

		bad := url.Values{"payload": {f.CardQR[:len(f.CardQR)-3] + "AAA"}, "benefit_id": {fmt.Sprint(f.BenefitID)}}
		res = staff.Post("/partner/scan", bad)
		expectPage(t, "forged card", res, http.StatusUnprocessableEntity, "aria-invalid")

		vol := h.Browser()
		vol.Login(f.Volunteer.Phone, hourstest.Password)
		expectPage(t, "my uses", vol.Get("/me/benefits"), http.StatusOK, "观光门票优惠", "原价的80%", "广州塔")
		expectPage(t, "benefits", vol.Get("/benefits"), http.StatusOK, "可享受", "领取核销码")
		// Claiming asks first: the stock and the allowance are not given back.
		expectPage(t, "claim asks first", vol.Post(fmt.Sprintf("/benefits/%d/claim", f.BenefitID), nil), http.StatusOK, "确定领取这项权益吗？", "不能退回", `name="confirm"`)
		if strings.Contains(string(vol.Get("/me/benefits").Body), `src="data:image/png`) {
			t.Error("asking claimed the benefit")
		}
		res = vol.Post(fmt.Sprintf("/benefits/%d/claim", f.BenefitID), url.Values{"confirm": {"1"}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("claim: %d %s", res.Status, res.Body)
		}
		expectPage(t, "my claim", vol.Get("/me/benefits"), http.StatusOK, `src="data:image/png`, "只能使用一次")

		newcomer := h.AddVolunteers(1, false)[0]
		other := h.Browser()
		other.Login(newcomer.Phone, hourstest.Password)
		expectPage(t, "below the rule", other.Get("/benefits"), http.StatusOK, "暂不符合", "需1星及以上志愿者，您目前为0星")

		// A volunteer is no partner staff.
		if res := vol.Get("/partner/scan"); res.Status != http.StatusForbidden {
			t.Errorf("a volunteer on the gate page: %d", res.Status)
		}

		// The admin removes the staff account, asked first; it can no longer open the gate.
		var list struct {
			Items []struct {
				AccountID int64 `json:"account_id"`
				Admin     bool
			}
		}
		h.Do("GET", fmt.Sprintf("/api/v1/partners/%d/staff", f.PartnerID), f.AdminToken, nil).Decode(&list)
		var staffID int64
		for _, m := range list.Items {
			if !m.Admin {
				staffID = m.AccountID
			}
		}
		admin := h.Browser()
		admin.Login(f.AdminPhone, hourstest.Password)
		remove := fmt.Sprintf("/partner/staff/%d/remove", staffID)
		expectPage(t, "staff list", admin.Get("/partner"), http.StatusOK, `action="`+remove+`"`)
		expectPage(t, "remove asks first", admin.Post(remove, nil), http.StatusOK, "确定移除这名工作人员吗？", "已记录的使用不受影响")
		if res := staff.Get("/partner/scan"); res.Status != http.StatusOK {
			t.Fatalf("asking removed the staff: %d", res.Status)
		}
		if res := admin.Post(remove, url.Values{"confirm": {"1"}}); res.Status != http.StatusSeeOther {
			t.Fatalf("remove: %d %s", res.Status, res.Body)
		}
		if res := staff.Get("/partner/scan"); res.Status != http.StatusForbidden {
			t.Errorf("a removed account on the gate page: %d", res.Status)
		}
	})
}

// TestBenefitFormNumbers: a number box that is not a number is named on the form and
// nothing is published; a stock typed as words is never read as 0, "no limit".
func TestBenefitFormNumbers(t *testing.T) {
	t.Parallel()
	hourstest.Each(t, 0, func(t *testing.T, h *hourstest.Env) {
		f := newGate(t, h)
		admin := h.Browser()
		admin.Login(f.AdminPhone, hourstest.Password)
		form := url.Values{"title": {"讲解服务"}, "category": {"文化场馆"}, "address": {"越秀区"}, "valid_from": {"2037-01-01"},
			"valid_until": {"2037-12-31"}, "eligibility": {"stars"}, "min_stars": {"1"}, "price_rule": {"100,80,70,60,50,0"},
			"stock": {"一百"}}
		expectPage(t, "stock in words", admin.Post("/partner/benefits", form), http.StatusUnprocessableEntity, `id="err-stock"`, "应为整数")
		if strings.Contains(string(admin.Get("/partner").Body), "讲解服务") {
			t.Error("a benefit was published with a stock that is no number")
		}
	})
}
