package web

import (
	"net/http"

	"zhiyuan"
)

// 为你推荐: the calling volunteer's recommended sessions with why, each linking to the
// activity's page at the session, where they sign up. Where they are now may be given
// (lat, lng); bad values keep the input and are shown at their fields.

func (x *Web) myRecommendationsPage(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	q := r.URL.Query()
	lat, lng := q.Get("lat"), q.Get("lng")
	list, err := x.app.Recommendations(r.Context(), p, lat, lng)
	data := map[string]any{"Title": "为你推荐", "Lat": lat, "Lng": lng}
	status := http.StatusOK
	if err != nil {
		if zhiyuan.ErrorCode(err) != zhiyuan.EInvalid {
			return err
		}
		status = http.StatusUnprocessableEntity
		data["Fields"], data["Error"] = formProblems(err)
	}
	type item struct {
		ActivityID int64
		Title      string
		OrgName    string
		Category   zhiyuan.Category
		When       string
		SeatsLeft  int
		Reason     string
		Href       string
	}
	items := make([]item, 0, len(list))
	for _, rc := range list {
		items = append(items, item{ActivityID: rc.Activity.ID, Title: rc.Activity.Title, OrgName: rc.Activity.OrgName,
			Category: rc.Activity.Category, When: zhiyuan.SessionLabel(rc.Session.StartsAt, rc.Session.EndsAt, rc.Activity.TimeZone),
			SeatsLeft: rc.Session.SeatsLeft(), Reason: rc.Reason(), Href: zhiyuan.RecommendSignupPath(rc.Activity.ID, rc.Session.ID)})
	}
	data["Items"] = items
	x.render(w, r, status, "recommend_mine.html", data)
	return nil
}
