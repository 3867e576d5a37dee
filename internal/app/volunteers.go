package app

import (
	"context"
	"strings"

	"zhiyuan"
)

func init() {
	loginResolvers = append(loginResolvers, loginByVolunteerNo)
}

// loginByVolunteerNo lets volunteers log in with their volunteer number. A string that
// fails the check digit is not looked up at all.
func loginByVolunteerNo(ctx context.Context, a *App, login string) (*zhiyuan.Account, string, error) {
	login = strings.TrimSpace(login)
	if !zhiyuan.ValidVolunteerNo(login) {
		return nil, "", zhiyuan.Errorf(zhiyuan.ENotFound, "账号不存在")
	}
	return a.Store.FindAccountByVolunteerNo(ctx, login)
}

// MyVolunteer returns the caller's own volunteer record (with skills and guardian
// consent), or ENotFound when the caller has not registered as a volunteer.
func (a *App) MyVolunteer(ctx context.Context, p *zhiyuan.Principal) (*zhiyuan.Volunteer, error) {
	if err := a.authorize(ctx, p, zhiyuan.ActSelf, zhiyuan.Resource{OwnerID: p.AccountIDOrZero()}); err != nil {
		return nil, err
	}
	v, err := a.Store.FindVolunteerByAccountID(ctx, p.AccountID)
	if err != nil {
		return nil, err
	}
	if v.Status != zhiyuan.VolunteerActive {
		return nil, zhiyuan.Errorf(zhiyuan.ENotFound, "志愿者不存在")
	}
	return v, nil
}
