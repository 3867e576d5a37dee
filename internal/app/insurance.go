package app

import (
	"context"
	"strconv"
	"strings"
	"unicode"

	"zhiyuan"
)

// Accident insurance (zhiyuan/insurance.go): an organisation's policies and what an
// activity's page says about its cover. The publication gate is the store's
// (PublishActivity).

// CreatePolicy records a policy for a manager of the organisation. Audited.
func (a *App) CreatePolicy(ctx context.Context, p *zhiyuan.Principal, orgID int64, pol *zhiyuan.InsurancePolicy) error {
	o, err := a.AuthorizeOrg(ctx, p, zhiyuan.ActOrgManage, orgID)
	if err != nil {
		return err
	}
	if err := pol.Validate(); err != nil {
		return err
	}
	pol.OrgID, pol.CreatedBy = o.ID, p.AccountID
	if err := a.store.CreatePolicy(ctx, pol); err != nil {
		return err
	}
	return a.audit(ctx, p, "insurance.create", "insurance_policy", strconv.FormatInt(pol.ID, 10), o.RegionCode, o.ID, pol.Insurer)
}

// InsuredByNos turns the volunteer numbers typed on the policy form (one per line, or
// separated by spaces or commas) into the policy's insured volunteers, for a manager of
// the organisation; an unknown or closed number is named in field insured_nos.
func (a *App) InsuredByNos(ctx context.Context, p *zhiyuan.Principal, orgID int64, typed string) ([]int64, error) {
	if _, err := a.AuthorizeOrg(ctx, p, zhiyuan.ActOrgManage, orgID); err != nil {
		return nil, err
	}
	nos := strings.FieldsFunc(strings.ToUpper(typed), func(r rune) bool {
		return r == ',' || r == '，' || r == '、' || unicode.IsSpace(r)
	})
	if len(nos) > zhiyuan.MaxPolicyInsured {
		return nil, zhiyuan.FieldFail(zhiyuan.EInvalid, "insured_nos", "insurance.too_many", "max", zhiyuan.MaxPolicyInsured)
	}
	ids := make([]int64, 0, len(nos))
	for _, no := range nos {
		v, err := a.store.FindVolunteerByNo(ctx, no)
		if zhiyuan.ErrorCode(err) == zhiyuan.ENotFound || (err == nil && v.Status != zhiyuan.VolunteerActive) {
			return nil, zhiyuan.FieldFail(zhiyuan.EInvalid, "insured_nos", "insurance.volunteer_no_unknown", "no", no)
		}
		if err != nil {
			return nil, err
		}
		ids = append(ids, v.ID)
	}
	return ids, nil
}

// OrgPolicies lists an organisation's policies for its managers.
func (a *App) OrgPolicies(ctx context.Context, p *zhiyuan.Principal, orgID int64) (*zhiyuan.Organization, []*zhiyuan.InsurancePolicy, error) {
	o, err := a.AuthorizeOrg(ctx, p, zhiyuan.ActOrgManage, orgID)
	if err != nil {
		return nil, nil, err
	}
	list, err := a.store.FindOrgPolicies(ctx, o.ID)
	return o, list, err
}

// ActivityInsurance says whether act requires insurance and who covers it: in full for
// its organisation's managers; to anyone else the insurers only (no policy numbers, no
// list of insured people), and to a volunteer whether they themselves are covered.
func (a *App) ActivityInsurance(ctx context.Context, p *zhiyuan.Principal, act *zhiyuan.Activity) (*zhiyuan.ActivityInsurance, error) {
	ins, err := a.store.FindActivityInsurance(ctx, act.ID)
	if err != nil {
		return nil, err
	}
	if a.CanManageActivity(ctx, p, act) {
		return ins, nil
	}
	if p != nil && p.AccountID != 0 {
		var me int64
		if id, err := a.store.VolunteerIDByAccount(ctx, p.AccountID); err == nil {
			me = id
		}
		for _, pol := range ins.Policies {
			if me != 0 && (!pol.NamedOnly || containsID(pol.InsuredVolunteers, me)) {
				ins.Insured = true
			}
		}
	}
	for _, pol := range ins.Policies {
		pol.PolicyNo, pol.InsuredVolunteers, pol.CreatedBy = "", nil, 0
	}
	return ins, nil
}

func containsID(ids []int64, id int64) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}
