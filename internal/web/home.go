package web

import (
	"net/http"

	"zhiyuan"
)

func (x *Web) home(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	x.render(w, r, http.StatusOK, "home.html", map[string]any{"Title": "首页"})
	return nil
}
