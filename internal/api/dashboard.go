package api

import (
	"net/http"
	"time"

	"zhiyuan"
	"zhiyuan/internal/app"
	"zhiyuan/internal/httpx"
)

// The home page's data for programs: the same app.Dashboard the page renders.

type figuresJSON struct {
	Volunteers     int64   `json:"volunteers"`
	Activities     int64   `json:"activities"`
	ConfirmedHours float64 `json:"confirmed_hours"`
}

func toFiguresJSON(f zhiyuan.Figures) figuresJSON {
	return figuresJSON{Volunteers: f.Volunteers, Activities: f.Activities, ConfirmedHours: zhiyuan.MinutesToHours(f.ConfirmedMinutes)}
}

type sessionCountJSON struct {
	SessionID int64     `json:"session_id"`
	Title     string    `json:"title"`
	StartsAt  time.Time `json:"starts_at"`
	EndsAt    time.Time `json:"ends_at"`
	Count     int       `json:"count"`
}

type taskJSON struct {
	Kind     string             `json:"kind"`
	Label    string             `json:"label"`
	Count    int                `json:"count"`
	Capped   bool               `json:"capped"`
	OrgID    int64              `json:"org_id,omitempty"`
	OrgName  string             `json:"org_name,omitempty"`
	Region   string             `json:"region,omitempty"`
	Sessions []sessionCountJSON `json:"sessions"`
}

type volunteerDayJSON struct {
	ConfirmedHours   float64      `json:"confirmed_hours"`
	PendingHours     float64      `json:"pending_hours"`
	StarLevel        int          `json:"star_level"`
	HoursToNextLevel float64      `json:"hours_to_next_level"`
	LevelProgress    int          `json:"level_progress"`
	NextSignups      []signupJSON `json:"next_signups"`
}

type dashboardJSON struct {
	Figures             figuresJSON        `json:"figures"`
	Region              string             `json:"region"`
	RegionName          string             `json:"region_name"`
	Upcoming            []activityJSON     `json:"upcoming"`
	UnreadNotifications int                `json:"unread_notifications"`
	Volunteer           *volunteerDayJSON  `json:"volunteer"`
	Tasks               []taskJSON         `json:"tasks"`
	Scopes              []scopeFiguresJSON `json:"scopes"`
}

// scopeFiguresJSON is one scope an administrator oversees, this year so far.
type scopeFiguresJSON struct {
	Scope  figureScopeJSON  `json:"scope"`
	From   string           `json:"from"`
	To     string           `json:"to"`
	Totals figureTotalsJSON `json:"totals"`
	League *leagueRateJSON  `json:"league"`
}

func (x *API) myDashboard(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	q := r.URL.Query()
	d, err := x.app.Dashboard(r.Context(), p, app.HomeQuery{Region: q.Get("region"), Near: q.Get("near")})
	if err != nil {
		return err
	}
	out := dashboardJSON{Figures: toFiguresJSON(d.Figures), Region: d.Region, RegionName: x.app.RegionName(d.Region),
		Upcoming: []activityJSON{}, UnreadNotifications: d.Unread, Tasks: []taskJSON{}}
	if d.Near != nil {
		out.Region, out.RegionName = "", ""
	}
	for _, h := range d.Upcoming {
		j := x.toActivityJSON(h.Activity)
		j.SeatsLeft = h.SeatsLeft
		j.NextSessionAt = optTime(h.NextSessionAt, h.Activity.Location())
		if d.Near != nil {
			km := float64(int(h.DistanceKm*100)) / 100
			j.DistanceKm = &km
		}
		out.Upcoming = append(out.Upcoming, j)
	}
	if v := d.Vol; v != nil {
		vj := &volunteerDayJSON{ConfirmedHours: zhiyuan.MinutesToHours(v.Totals.ConfirmedMinutes),
			PendingHours: zhiyuan.MinutesToHours(v.Totals.PendingMinutes), StarLevel: v.StarLevel,
			HoursToNextLevel: zhiyuan.MinutesToHours(v.ToNext), LevelProgress: v.Progress, NextSignups: []signupJSON{}}
		for _, sg := range v.NextSignups {
			vj.NextSignups = append(vj.NextSignups, toSignupJSON(sg))
		}
		out.Volunteer = vj
	}
	for _, t := range d.Tasks {
		tj := taskJSON{Kind: t.Kind, Label: app.TaskLabels[t.Kind], Count: t.Count, Capped: t.Count >= zhiyuan.CountCap,
			OrgID: t.OrgID, OrgName: t.OrgName, Region: t.Region, Sessions: []sessionCountJSON{}}
		for _, s := range t.Sessions {
			tj.Sessions = append(tj.Sessions, sessionCountJSON{SessionID: s.SessionID, Title: s.Title, StartsAt: s.StartsAt, EndsAt: s.EndsAt, Count: s.Count})
		}
		out.Tasks = append(out.Tasks, tj)
	}
	out.Scopes = []scopeFiguresJSON{}
	for _, sc := range d.Scopes {
		rep := sc.Report
		j := scopeFiguresJSON{Scope: figureScopeJSON{Region: rep.Region, RegionName: rep.ScopeName(), OrgID: rep.OrgID, OrgName: rep.OrgName},
			From: rep.From, To: rep.To, Totals: toFigureTotals(rep.Totals)}
		if sc.HasLeague {
			lr := toLeagueRateJSON(sc.League)
			j.League = &lr
		}
		out.Scopes = append(out.Scopes, j)
	}
	httpx.WriteJSON(w, http.StatusOK, out)
	return nil
}
