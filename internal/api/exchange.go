package api

import (
	"net/http"

	"zhiyuan"
	"zhiyuan/internal/app"
	"zhiyuan/internal/httpx"
)

type exchangeScopeResponse struct {
	RegionCode  string `json:"region_code"`
	RegionName  string `json:"region_name"`
	Volunteers  int64  `json:"volunteers"`
	HourRecords int64  `json:"hour_records"`
}

// exchangeScope answers what the exchange files of a region hold, without personal data.
func (x *API) exchangeScope(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	c, err := x.app.ExchangeScope(r.Context(), p, r.URL.Query().Get("region"))
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, exchangeScopeResponse{RegionCode: c.RegionCode, RegionName: c.RegionName, Volunteers: c.Volunteers, HourRecords: c.HourRecords})
	return nil
}

// exchangeFile streams one exchange file (app.WriteExchange): the purpose is a query
// parameter, written to the audit log with the download.
func (x *API) exchangeFile(kind app.ExchangeKind, format app.ExchangeFormat) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
		q := r.URL.Query()
		plan, err := x.app.PlanExchange(r.Context(), p, app.ExchangeQuery{Kind: kind, Format: format, Region: q.Get("region"),
			From: q.Get("from"), To: q.Get("to"), Purpose: q.Get("purpose")})
		if err != nil {
			return err
		}
		dw := httpx.NewDownload(w, format.ContentType(), plan.FileName())
		return dw.Finish(r, x.log, x.app.WriteExchange(r.Context(), p, plan, dw))
	}
}
