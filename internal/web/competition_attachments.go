package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"zhiyuan"
	"zhiyuan/internal/app"
	"zhiyuan/internal/httpx"
	"zhiyuan/internal/proof"
)

// The project page's attachments and team editor (issue 17). Both work as plain forms:
// the upload is a multipart form, deleting a file asks first, and the team is edited by
// a search form (GET, on the project page itself) whose results each carry an add
// button, and a remove button beside each member.

// attachmentRow is one attachment as the page lists it.
type attachmentRow struct {
	zhiyuan.CompetitionAttachment
	SizeText string
}

// sizeText writes a file size for people: KB below a megabyte, MB with one decimal above.
func sizeText(n int64) string {
	if n < 1<<20 {
		return fmt.Sprintf("%d KB", (n+1023)/1024)
	}
	return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
}

// entryExtras adds to the project page's data its attachments and, for the applying
// organisation while the project can be edited, the team search's results.
func (x *Web) entryExtras(r *http.Request, p *zhiyuan.Principal, v *app.ProjectView, data map[string]any) error {
	list, err := x.app.CompetitionAttachments(r.Context(), p, v.Project.ID)
	if err != nil {
		return err
	}
	rows := make([]attachmentRow, 0, len(list))
	for _, a := range list {
		rows = append(rows, attachmentRow{a, sizeText(a.Size)})
	}
	data["Attachments"] = rows
	data["AttachmentLimits"] = map[string]any{"Files": zhiyuan.CompetitionAttachmentsMax, "TotalMB": zhiyuan.CompetitionAttachmentsTotal >> 20,
		"PDFMB": zhiyuan.CompetitionAttachmentPDFMax >> 20, "ImageMB": proof.MaxPhotoBytes >> 20}
	if data["CanEdit"] == true {
		q := r.FormValue("team_q")
		data["TeamQuery"], data["TeamMax"] = q, zhiyuan.CompetitionTeamMax
		if q != "" {
			found, err := x.app.TeamCandidates(r.Context(), p, v.Project.ID, q)
			if err != nil {
				return err
			}
			inTeam := map[int64]bool{}
			for _, m := range v.Project.Team {
				inTeam[m.VolunteerID] = true
			}
			var out []*zhiyuan.Membership
			for _, m := range found {
				if !inTeam[m.VolunteerID] {
					out = append(out, m)
				}
			}
			data["TeamFound"], data["TeamSearched"] = out, true
		}
		data["Role"] = r.PostFormValue("role")
	}
	return nil
}

func (x *Web) attachmentUpload(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	return x.entryAction(w, r, p, "notice.competition_attachment_added", func(id int64) error {
		name, data, err := httpx.ReadAttachmentUpload(w, r)
		if err != nil {
			return err
		}
		_, err = x.app.AddCompetitionAttachment(r.Context(), p, id, name, data)
		return err
	})
}

func (x *Web) attachmentDownload(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	att, data, err := x.app.CompetitionAttachmentFile(r.Context(), p, id)
	if err != nil {
		return err
	}
	httpx.WriteAttachment(w, r, att.ContentType, att.FileName, att.SHA256, att.CreatedAt, data)
	return nil
}

func (x *Web) askDeleteAttachment(r *http.Request, p *zhiyuan.Principal) (*confirmation, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	att, err := x.app.CompetitionAttachment(r.Context(), p, id)
	if err != nil {
		return nil, err
	}
	v, err := x.app.CompetitionProject(r.Context(), p, att.ProjectID)
	if err != nil {
		return nil, err
	}
	if !v.Access.Org {
		return nil, zhiyuan.Fail(zhiyuan.EForbidden, "auth.forbidden")
	}
	back := fmt.Sprintf("/competition-projects/%d", att.ProjectID)
	return &confirmation{Title: zhiyuan.Text("confirm.competition_attachment_delete_title"), Subject: att.FileName,
		Consequence: []string{zhiyuan.Text("confirm.competition_attachment_delete")},
		Action:      fmt.Sprintf("/competition-attachments/%d/delete", id), Button: "删除附件", Back: back, Danger: true}, nil
}

func (x *Web) deleteAttachmentForm(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	att, err := x.app.DeleteCompetitionAttachment(r.Context(), p, id)
	if err != nil {
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/competition-projects/%d?ok=%s", att.ProjectID, url.QueryEscape(zhiyuan.Text("notice.competition_attachment_deleted"))), http.StatusSeeOther)
	return nil
}

func (x *Web) teamAdd(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	return x.entryAction(w, r, p, "notice.competition_team_added", func(id int64) error {
		vid, _ := strconv.ParseInt(r.PostFormValue("volunteer_id"), 10, 64)
		_, err := x.app.AddTeamMember(r.Context(), p, id, vid, r.PostFormValue("role"))
		return err
	})
}

func (x *Web) teamRemove(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	return x.entryAction(w, r, p, "notice.competition_team_removed", func(id int64) error {
		vid, _ := strconv.ParseInt(r.PostFormValue("volunteer_id"), 10, 64)
		_, err := x.app.RemoveTeamMember(r.Context(), p, id, vid)
		return err
	})
}
