package web

import (
	"net/http"

	"zhiyuan"
	"zhiyuan/internal/app"
	"zhiyuan/internal/httpx"
)

// exchangePage shows what the exchange files of the admin's scope (or a region in it) hold
// and the form that downloads one.
func (x *Web) exchangePage(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	region := r.URL.Query().Get("region")
	c, err := x.app.ExchangeScope(r.Context(), p, region)
	if err != nil {
		return err
	}
	x.render(w, r, http.StatusOK, "admin_exchange.html", x.exchangeData(p, c, region))
	return nil
}

func (x *Web) exchangeData(p *zhiyuan.Principal, c *app.ExchangeCounts, region string) map[string]any {
	return map[string]any{"Title": "数据交换", "C": c, "Region": region,
		"Regions": scopeRegionGroups(x.app.Regions, p.RegionScopes())}
}

// exchangeDownload asks first (a file of full personal data, with its purpose and row
// count in the question), then streams the file. A form error shows the page again with
// the error beside its field.
func (x *Web) exchangeDownload(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	q := app.ExchangeQuery{Kind: app.ExchangeKind(trim(r, "kind")), Format: app.ExchangeFormat(trim(r, "format")),
		Region: trim(r, "region"), From: trim(r, "from"), To: trim(r, "to"), Purpose: trim(r, "purpose")}
	plan, err := x.app.PlanExchange(r.Context(), p, q)
	if err != nil {
		if !isFormError(err) {
			return err
		}
		c, cerr := x.app.ExchangeScope(r.Context(), p, q.Region)
		if cerr != nil {
			return cerr
		}
		data := x.exchangeData(p, c, q.Region)
		data["Fields"], data["Error"] = formProblems(err)
		data["Kind"], data["Format"], data["From"], data["To"], data["Purpose"] = string(q.Kind), string(q.Format), q.From, q.To, q.Purpose
		x.render(w, r, httpx.Status(zhiyuan.ErrorCode(err)), "admin_exchange.html", data)
		return nil
	}
	ask := func(r *http.Request, p *zhiyuan.Principal) (*confirmation, error) {
		what := "志愿者信息"
		if plan.Kind == app.ExchangeHours {
			what = "服务时长记录"
		}
		return &confirmation{Title: zhiyuan.Text("confirm.exchange_title"),
			Subject: plan.RegionName + " · " + what + " · " + plan.FileName(),
			Action:  "/admin/exchange/download", Button: "确认下载", Back: "/admin/exchange",
			Consequence: []string{zhiyuan.Text("confirm.exchange", "rows", plan.Rows),
				zhiyuan.Text("confirm.exchange_audit", "who", p.Name, "purpose", plan.Purpose)}}, nil
	}
	if asked, err := x.askFirst(w, r, p, ask); asked || err != nil {
		return err
	}
	dw := httpx.NewDownload(w, plan.Format.ContentType(), plan.FileName())
	return dw.Finish(r, x.log, x.app.WriteExchange(r.Context(), p, plan, dw))
}
