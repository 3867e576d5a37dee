package demo

import (
	"context"
	"fmt"

	"zhiyuan"
	"zhiyuan/internal/app"
	"zhiyuan/internal/password"
	"zhiyuan/internal/sqlstore"
	"zhiyuan/internal/uscc"
)

// Demo partner accounts: the museum's admin and its gate staff, and the applicant of a
// partner still waiting for 广州's decision.
const (
	demoPartnerAdmin     = "13900000300"
	demoPartnerStaff     = "13900000301"
	demoPartnerApplicant = "13900000302"
)

// fillPartners makes 广州博物馆 an approved partner (联合激励单位) in 越秀区 with three
// benefits — free entry to its special exhibition for card holders, 80/70/60/50 % and free
// at five stars for the guided tour from one star, a limited stock of souvenirs for 100
// hours in the last 12 months — its admin and a gate staff account, a use already recorded
// for 张小红 (13800000001, a card holder two hours short of her first star, so the list
// tells her why two of the three are not for her yet), and a second partner waiting for
// 广州's approval.
func fillPartners(ctx context.Context, a *app.App, s *sqlstore.Store, opt Options, accounts *[]Account) error {
	gz, err := demoCityAdmin(ctx, a, s, "440100")
	if err != nil {
		return err
	}
	hash, err := password.Hash(Password, a.Config.Password)
	if err != nil {
		return err
	}
	account := func(phone, name string) (*zhiyuan.Principal, error) {
		acc := &zhiyuan.Account{Phone: phone, Name: name}
		if err := s.CreateAccount(ctx, acc, hash); err != nil {
			return nil, fmt.Errorf("demo partner account %s: %w", name, err)
		}
		return &zhiyuan.Principal{AccountID: acc.ID, Name: name}, nil
	}
	admin, err := account(demoPartnerAdmin, "广州博物馆管理员")
	if err != nil {
		return err
	}
	pt, err := a.ApplyPartner(ctx, admin, app.PartnerInput{Name: "广州博物馆", CreditCode: uscc.Generate("12", "440104", 3001),
		RegionCode: "440104", ContactName: "陈馆长", ContactPhone: "13800004401"})
	if err != nil {
		return fmt.Errorf("demo partner: %w", err)
	}
	if _, err := a.ApprovePartner(ctx, gz, pt.ID); err != nil {
		return fmt.Errorf("demo partner approval: %w", err)
	}
	admin.Roles = []zhiyuan.Role{{Kind: zhiyuan.RolePartner, PartnerID: pt.ID, PartnerAdmin: true}}
	staff, err := account(demoPartnerStaff, "广州博物馆检票员")
	if err != nil {
		return err
	}
	if err := a.AddPartnerStaff(ctx, admin, pt.ID, demoPartnerStaff, false); err != nil {
		return fmt.Errorf("demo partner staff: %w", err)
	}
	staff.Roles = []zhiyuan.Role{{Kind: zhiyuan.RolePartner, PartnerID: pt.ID}}
	*accounts = append(*accounts, Account{"合作单位管理员", demoPartnerAdmin, "广州博物馆（发布权益、添加工作人员）"},
		Account{"合作单位工作人员", demoPartnerStaff, "广州博物馆检票员（/partner/scan 扫码核验）"})

	now := a.Now().In(zhiyuan.Beijing)
	from, until := now.AddDate(0, -1, 0).Format("2006-01-02"), now.AddDate(1, 0, 0).Format("2006-01-02")
	place := app.BenefitInput{RegionCode: "440104", Address: "越秀区越秀公园内镇海楼", Lat: 23.1398, Lng: 113.2682, ValidFrom: from, ValidUntil: until}
	benefits := []app.BenefitInput{
		{Title: "特展免费参观", Description: "持有效志愿者证的志愿者可免费参观当期特展，入口处出示电子志愿者证。", Category: "文化场馆",
			Eligibility: string(zhiyuan.EligibleCardHolder), PriceRule: "0,0,0,0,0,0", LimitCount: 1, LimitPeriod: string(zhiyuan.PeriodMonth)},
		{Title: "镇海楼讲解服务优惠", Description: "专业讲解员带领参观镇海楼，一至四星分别按原价的80%、70%、60%、50%收费，五星免费。", Category: "文化场馆",
			Eligibility: string(zhiyuan.EligibleStars), MinStars: 1},
		{Title: "馆藏文创纪念品", Description: "近12个月服务满100小时的志愿者可领取一份文创纪念品，共200份，领完即止。", Category: "文化场馆",
			Eligibility: string(zhiyuan.EligibleRecentHours), MinHours: 100, PriceRule: "0,0,0,0,0,0", LimitCount: 1, LimitPeriod: string(zhiyuan.PeriodEver), Stock: 200},
	}
	var cardBenefit int64
	for i, in := range benefits {
		in.RegionCode, in.Address, in.Lat, in.Lng, in.ValidFrom, in.ValidUntil = place.RegionCode, place.Address, place.Lat, place.Lng, place.ValidFrom, place.ValidUntil
		b, err := a.PublishBenefit(ctx, admin, pt.ID, in)
		if err != nil {
			return fmt.Errorf("demo benefit %s: %w", in.Title, err)
		}
		if i == 0 {
			cardBenefit = b.ID
		}
	}

	// 张小红 has already shown her card at the museum's gate once (recorded now).
	if acc, _, err := s.FindAccountByPhone(ctx, "13800000001"); err == nil {
		p := &zhiyuan.Principal{AccountID: acc.ID, Roles: acc.Roles}
		if card, err := a.MyCard(ctx, p); err == nil && card.Payload != "" {
			if _, err := a.RecordUse(ctx, staff, app.GateInput{Payload: card.Payload, BenefitID: cardBenefit}); err != nil {
				return fmt.Errorf("demo benefit use: %w", err)
			}
		}
	}

	applicant, err := account(demoPartnerApplicant, "长隆旅游度假区联络人")
	if err != nil {
		return err
	}
	if _, err := a.ApplyPartner(ctx, applicant, app.PartnerInput{Name: "广州长隆旅游度假区", CreditCode: uscc.Generate("91", "440113", 3002),
		RegionCode: "440113", ContactName: "黄经理", ContactPhone: "13800004402"}); err != nil {
		return fmt.Errorf("demo partner application: %w", err)
	}
	return nil
}
