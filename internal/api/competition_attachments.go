package api

import (
	"net/http"

	"zhiyuan"
	"zhiyuan/internal/httpx"
)

// Attachments of competition applications (issue 17): upload as multipart field "file",
// list, download and delete. Who may do what is the application layer's.

func (x *API) uploadCompetitionAttachment(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	name, data, err := httpx.ReadAttachmentUpload(w, r)
	if err != nil {
		return err
	}
	att, err := x.app.AddCompetitionAttachment(r.Context(), p, id, name, data)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, att)
	return nil
}

func (x *API) listCompetitionAttachments(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	list, err := x.app.CompetitionAttachments(r.Context(), p, id)
	if err != nil {
		return err
	}
	if list == nil {
		list = []zhiyuan.CompetitionAttachment{}
	}
	httpx.WriteJSON(w, http.StatusOK, Page[zhiyuan.CompetitionAttachment]{Items: list})
	return nil
}

func (x *API) downloadCompetitionAttachment(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r, "id")
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

func (x *API) deleteCompetitionAttachment(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := x.app.DeleteCompetitionAttachment(r.Context(), p, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
