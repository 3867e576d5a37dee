package web

import (
	"net/http"
	"strconv"

	"zhiyuan"
)

// The provincial review on the round's page (issue 17): the round's admins record a
// decision with a comment on each recommended project, changeable until they publish;
// publishing asks first (askPublish) and makes the decisions public.

// roundExtras adds the recorded decisions to the round page's data for its admins.
func (x *Web) roundExtras(r *http.Request, p *zhiyuan.Principal, c *zhiyuan.Competition, data map[string]any) error {
	if data["Run"] != true {
		return nil
	}
	all, err := x.app.ProvincialDecisions(r.Context(), p, c.ID)
	if err != nil {
		return err
	}
	byProject := make(map[int64]*zhiyuan.ProvincialDecision, len(all))
	for id, d := range all {
		byProject[id] = &d
	}
	data["Decisions"] = byProject
	data["Deciding"], _ = strconv.ParseInt(r.PostFormValue("project_id"), 10, 64)
	data["DecisionResult"], data["DecisionComment"] = r.PostFormValue("result"), r.PostFormValue("comment")
	return nil
}

func (x *Web) decideForm(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	return x.competitionAction(w, r, p, "notice.competition_decided", func(id int64) error {
		pid, _ := strconv.ParseInt(r.PostFormValue("project_id"), 10, 64)
		_, err := x.app.DecideCompetitionProject(r.Context(), p, id, pid, r.PostFormValue("result"), r.PostFormValue("comment"))
		return err
	})
}
