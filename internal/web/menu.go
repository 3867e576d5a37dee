package web

import (
	"net/http"

	"zhiyuan"
)

// menuPage lists the caller's navigation on a page of its own: on a phone the header
// keeps one line, so 我的 (the volunteers' tab), 菜单 and 管理 lead here. It is built
// from the same table as the header (nav.go). manage shows only the 管理 sections.
func (x *Web) menuPage(manage bool) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
		title := "我的"
		switch {
		case manage:
			if !p.IsAdmin() {
				return zhiyuan.Fail(zhiyuan.EForbidden, "web.manage_admins_only")
			}
			title = "管理"
		case !p.Has(zhiyuan.RoleVolunteer):
			title = "菜单"
		}
		x.render(w, r, http.StatusOK, "menu.html", map[string]any{"Title": title, "Manage": manage})
		return nil
	}
}
