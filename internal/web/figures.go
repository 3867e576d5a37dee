package web

import (
	"encoding/json"
	"html/template"
	"net/http"
	"strconv"

	"zhiyuan"
	"zhiyuan/internal/app"
	"zhiyuan/internal/httpx"
	"zhiyuan/internal/region"
)

// The public showcase, 数据看板 (/figures): a region's totals, a month-by-month line, its
// children side by side, service categories and the organisations with the most hours,
// for a range of months. Every chart is drawn from data embedded in the page (ECharts,
// when its build is installed) and has its table beneath, so the page reads the same
// without JavaScript and to a screen reader.

// figuresHome is the region the showcase opens on: the province whose platform this is.
const figuresHome = "440000"

// figuresTopOrgs is how many organisations the top list shows.
const figuresTopOrgs = 10

// chartData is what figures.js draws: one entry per chart, labels and values.
type chartData struct {
	ID     string    `json:"id"`
	Kind   string    `json:"kind"` // line, bar
	Name   string    `json:"name"`
	Labels []string  `json:"labels"`
	Values []float64 `json:"values"`
}

// figuresAsked reads what /figures and /figures.xlsx are asked for: the region (the
// province when none), the range, and ?org=, an organisation subtree's figures (the link
// from its admin's home page) for those who may manage it, which FigureReport checks.
func figuresAsked(r *http.Request) app.FigureQuery {
	v := r.URL.Query()
	q := app.FigureQuery{Region: v.Get("region"), From: v.Get("from"), To: v.Get("to")}
	if id, err := strconv.ParseInt(v.Get("org"), 10, 64); err == nil && id > 0 {
		q.OrgID = id
	}
	if q.Region == "" {
		q.Region = figuresHome
	}
	return q
}

// figuresSheet is the page's 导出 link: the month-by-month table as .xlsx, from the same
// report as the page and the API's /api/v1/figures.xlsx, with a page, not JSON, when the
// range is wrong.
func (x *Web) figuresSheet(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	q := figuresAsked(r)
	q.By = zhiyuan.FigureByMonth
	rep, err := x.app.FigureReport(r.Context(), p, q)
	if err != nil {
		return err
	}
	d := httpx.NewDownload(w, xlsxType, "figures-"+rep.From+"-"+rep.To+".xlsx")
	return d.Finish(r, x.log, x.app.WriteFigureSheet(rep, d))
}

func (x *Web) figuresPage(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	q := figuresAsked(r)
	data := map[string]any{"Title": "数据看板", "Region": q.Region, "From": q.From, "To": q.To, "Org": q.OrgID,
		"Regions": x.figureRegionChoices(q.Region)}
	months, err := x.app.FigureReport(r.Context(), p, q)
	if err != nil {
		if !isFormError(err) {
			return err
		}
		data["Fields"], data["Error"] = formProblems(err)
		x.render(w, r, http.StatusUnprocessableEntity, "figures.html", data)
		return nil
	}
	q.From, q.To = months.From, months.To
	q.By = zhiyuan.FigureByChild
	children, err := x.app.FigureReport(r.Context(), p, q)
	if err != nil {
		return err
	}
	q.By = zhiyuan.FigureByCategory
	cats, err := x.app.FigureReport(r.Context(), p, q)
	if err != nil {
		return err
	}
	top, err := x.app.FigureTopOrgs(r.Context(), months.Region, q.From, q.To, figuresTopOrgs)
	if err != nil {
		return err
	}
	hours := func(rows []zhiyuan.FigureRow) ([]string, []float64) {
		var l []string
		var h []float64
		for _, s := range rows {
			l, h = append(l, s.Label), append(h, zhiyuan.MinutesToHours(s.ConfirmedMinutes))
		}
		return l, h
	}
	var charts []chartData
	ml, mh := hours(months.Series)
	charts = append(charts, chartData{ID: "chart-months", Kind: "line", Name: "确认服务时长（小时）", Labels: ml, Values: mh})
	cl, ch := hours(children.Series)
	charts = append(charts, chartData{ID: "chart-children", Kind: "bar", Name: "确认服务时长（小时）", Labels: cl, Values: ch})
	kl, kh := hours(cats.Series)
	charts = append(charts, chartData{ID: "chart-categories", Kind: "bar", Name: "确认服务时长（小时）", Labels: kl, Values: kh})
	tl, th := hours(top)
	charts = append(charts, chartData{ID: "chart-top", Kind: "bar", Name: "确认服务时长（小时）", Labels: tl, Values: th})
	js, err := json.Marshal(charts)
	if err != nil {
		return err
	}
	data["From"], data["To"] = months.From, months.To
	data["Report"], data["Children"], data["Categories"], data["Top"] = months, children.Series, cats.Series, top
	// Marshalled JSON in a <script type="application/json">: html/template would quote it
	// as a string there, so it goes in as JS; json.Marshal escapes <, > and & already.
	data["Charts"] = template.JS(js)
	data["Sexes"] = []struct{ Code, Label string }{{"male", "男"}, {"female", "女"}}
	data["AgeBands"] = zhiyuan.FigureAgeBands
	x.render(w, r, http.StatusOK, "figures.html", data)
	return nil
}

// figureRegionChoices are the regions the chooser offers: the province, its cities, and
// the districts of the city (or of the district's city) being looked at.
func (x *Web) figureRegionChoices(current string) []struct{ Code, Label string } {
	tree := x.app.Regions
	var out []struct{ Code, Label string }
	add := func(code, label string) { out = append(out, struct{ Code, Label string }{code, label}) }
	prov, ok := tree.Lookup(figuresHome)
	if !ok {
		return nil
	}
	add(prov.Code, prov.Name)
	city := ""
	if r, ok := tree.Lookup(current); ok {
		for _, a := range tree.Chain(r.Code) {
			if a.Level == region.City {
				city = a.Code
			}
		}
	}
	for _, c := range tree.Children(prov.Code) {
		add(c.Code, "　"+c.Name)
		if c.Code == city {
			for _, d := range tree.Children(c.Code) {
				add(d.Code, "　　"+d.Name)
			}
		}
	}
	return out
}
