package web

import (
	"net/http"
	"strconv"

	"zhiyuan"
)

// anchorsPerPage is the page's length; the API pages the same list by its own limit.
const anchorsPerPage = 30

// ledgerAnchorsPage lists the daily ledger anchors for anyone, newest first, with what a
// reader needs to copy and check them (docs/hours.md).
func (x *Web) ledgerAnchorsPage(w http.ResponseWriter, r *http.Request, _ *zhiyuan.Principal) error {
	before, _ := strconv.ParseInt(r.URL.Query().Get("cursor"), 10, 64)
	list, err := x.app.LedgerAnchors(r.Context(), max(before, 0), anchorsPerPage)
	if err != nil {
		return err
	}
	next := ""
	if len(list) == anchorsPerPage {
		next = strconv.FormatInt(list[len(list)-1].ID, 10)
	}
	x.render(w, r, http.StatusOK, "ledger_anchors.html", map[string]any{"Title": "服务时长账本锚点", "Anchors": list, "Next": next})
	return nil
}
