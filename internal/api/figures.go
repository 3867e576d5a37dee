package api

import (
	"net/http"

	"zhiyuan"
	"zhiyuan/internal/app"
	"zhiyuan/internal/httpx"
)

// Figures (issue 13): GET /figures keeps the platform's headline figures it always gave and
// adds a scope's figures for a range of months; GET /figures.xlsx is the same table as a
// spreadsheet. Both read app.FigureReport, the one path to the summary tables.

type figureCountsJSON struct {
	NewVolunteers    int64   `json:"new_volunteers"`
	ClosedVolunteers int64   `json:"closed_volunteers"`
	ActiveVolunteers int64   `json:"active_volunteers"`
	NewOrganizations int64   `json:"new_organizations"`
	Activities       int64   `json:"activities"`
	Sessions         int64   `json:"sessions"`
	Signups          int64   `json:"signups"`
	ConfirmedHours   float64 `json:"confirmed_hours"`
}

func toFigureCounts(c zhiyuan.FigureCounts) figureCountsJSON {
	return figureCountsJSON{NewVolunteers: c.NewVolunteers, ClosedVolunteers: c.ClosedVolunteers, ActiveVolunteers: c.ActiveVolunteers,
		NewOrganizations: c.Organizations, Activities: c.Activities, Sessions: c.Sessions, Signups: c.Signups,
		ConfirmedHours: zhiyuan.MinutesToHours(c.ConfirmedMinutes)}
}

type figureTotalsJSON struct {
	figureCountsJSON
	Volunteers    int64            `json:"volunteers"`
	Organizations int64            `json:"organizations"`
	Members       int64            `json:"members,omitempty"`
	AverageHours  float64          `json:"average_hours_per_active_volunteer"`
	BySex         map[string]int64 `json:"by_sex,omitempty"`
	ByAgeBand     map[string]int64 `json:"by_age_band,omitempty"`
	ByPolitical   map[string]int64 `json:"by_political_status,omitempty"`
}

func toFigureTotals(t zhiyuan.FigureTotals) figureTotalsJSON {
	return figureTotalsJSON{figureCountsJSON: toFigureCounts(t.FigureCounts), Volunteers: t.Volunteers, Organizations: t.Organizations,
		Members: t.Members, AverageHours: zhiyuan.MinutesToHours(t.AverageMinutes()), BySex: t.BySex, ByAgeBand: t.ByAgeBand, ByPolitical: t.ByPolitical}
}

type figureRowJSON struct {
	Key   string `json:"key"`
	Label string `json:"label"`
	figureCountsJSON
	Volunteers int64 `json:"volunteers,omitempty"`
}

type figureScopeJSON struct {
	Region     string `json:"region"`
	RegionName string `json:"region_name"`
	OrgID      int64  `json:"org_id,omitempty"`
	OrgName    string `json:"org_name,omitempty"`
}

type figureReportJSON struct {
	figuresJSON                  // the platform's headline figures, as before
	Scope       figureScopeJSON  `json:"scope"`
	From        string           `json:"from"`
	To          string           `json:"to"`
	By          string           `json:"by"`
	Split       bool             `json:"split"`
	Totals      figureTotalsJSON `json:"totals"`
	Series      []figureRowJSON  `json:"series"`
}

// figureQuery reads the query parameters shared by /figures and /figures.xlsx.
func figureQuery(r *http.Request) (app.FigureQuery, error) {
	org, err := queryInt(r, "org")
	if err != nil {
		return app.FigureQuery{}, err
	}
	v := r.URL.Query()
	return app.FigureQuery{Region: v.Get("region"), OrgID: org, From: v.Get("from"), To: v.Get("to"), By: v.Get("by")}, nil
}

func (x *API) figures(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	q, err := figureQuery(r)
	if err != nil {
		return err
	}
	rep, err := x.app.FigureReport(r.Context(), p, q)
	if err != nil {
		return err
	}
	f, err := x.app.Figures(r.Context())
	if err != nil {
		return err
	}
	t := rep.Totals
	out := figureReportJSON{figuresJSON: toFiguresJSON(f),
		Scope: figureScopeJSON{Region: rep.Region, RegionName: rep.ScopeName(), OrgID: rep.OrgID, OrgName: rep.OrgName},
		From:  rep.From, To: rep.To, By: rep.By, Split: rep.Split,
		Totals: toFigureTotals(t),
		Series: make([]figureRowJSON, 0, len(rep.Series)),
	}
	for _, s := range rep.Series {
		out.Series = append(out.Series, figureRowJSON{Key: s.Key, Label: s.Label, figureCountsJSON: toFigureCounts(s.FigureCounts), Volunteers: s.Volunteers})
	}
	httpx.WriteJSON(w, http.StatusOK, out)
	return nil
}

func (x *API) figuresSheet(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	q, err := figureQuery(r)
	if err != nil {
		return err
	}
	rep, err := x.app.FigureReport(r.Context(), p, q)
	if err != nil {
		return err
	}
	dw := httpx.NewDownload(w, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "figures-"+rep.From+"-"+rep.To+".xlsx")
	return dw.Finish(r, x.log, x.app.WriteFigureSheet(rep, dw))
}
