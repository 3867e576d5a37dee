package app

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"

	"zhiyuan"
	"zhiyuan/internal/proof"
)

// Attachments of competition applications (issue 17): PDFs and images, recognised by
// their content, within the limits of limits.go, stored in the database. The
// organisation's admins add and remove them while the project is a draft or returned;
// whoever may read the project (its organisation, its reviewers, the round's admins and
// its assigned judges) may read them.

// AttachmentField is the form and API field of an uploaded file.
const AttachmentField = "file"

// CompetitionAttachmentUploadMax bounds the request body of an upload: the largest file
// accepted plus room for the multipart framing, so an upload never holds more.
const CompetitionAttachmentUploadMax = zhiyuan.CompetitionAttachmentPDFMax + 64<<10

// checkAttachment recognises data as a PDF or an image and returns what is stored: the
// PDF as it came, an image re-encoded; anything else is refused naming AttachmentField.
func checkAttachment(ctx context.Context, name string, data []byte) (*zhiyuan.CompetitionAttachment, []byte, error) {
	isImage := bytes.HasPrefix(data, []byte{0xFF, 0xD8, 0xFF}) || bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n"))
	switch {
	case len(data) == 0:
		return nil, nil, zhiyuan.FieldFail(zhiyuan.EInvalid, AttachmentField, "competition.attachment_required")
	case bytes.HasPrefix(data, []byte("%PDF-")):
		if len(data) > zhiyuan.CompetitionAttachmentPDFMax {
			return nil, nil, zhiyuan.FieldFail(zhiyuan.EInvalid, AttachmentField, "competition.attachment_pdf_large",
				"max_mb", zhiyuan.CompetitionAttachmentPDFMax>>20)
		}
		if !zhiyuan.LooksLikePDF(data) {
			return nil, nil, zhiyuan.FieldFail(zhiyuan.EInvalid, AttachmentField, "competition.attachment_pdf_incomplete")
		}
		return &zhiyuan.CompetitionAttachment{Kind: zhiyuan.AttachmentPDF, ContentType: zhiyuan.ContentTypePDF,
			FileName: zhiyuan.SanitizeFileName(name, ".pdf")}, data, nil
	case isImage:
		out, err := proof.NormalizeDocumentImage(ctx, data, zhiyuan.CompetitionAttachmentImageSide)
		if err != nil {
			return nil, nil, renameField(err, "photo", AttachmentField)
		}
		return &zhiyuan.CompetitionAttachment{Kind: zhiyuan.AttachmentImage, ContentType: zhiyuan.ContentTypeJPEG,
			FileName: zhiyuan.SanitizeFileName(name, ".jpg")}, out, nil
	}
	return nil, nil, zhiyuan.FieldFail(zhiyuan.EInvalid, AttachmentField, "competition.attachment_type")
}

// renameField moves a one-field error of the photo code onto the field the caller's form
// has, keeping its code, sentence and parameters.
func renameField(err error, from, to string) error {
	var e *zhiyuan.Error
	if !errors.As(err, &e) {
		return err
	}
	pr, ok := e.Problems[from]
	if !ok {
		return err
	}
	args := make([]any, 0, 2*len(pr.Params))
	for k, v := range pr.Params {
		args = append(args, k, v)
	}
	return zhiyuan.FieldFail(e.Code, to, pr.Reason, args...)
}

// AddCompetitionAttachment stores a file on a project of an organisation the caller
// manages, while the project is a draft or returned and within the project's limits
// (the database's, under the project's row lock).
func (a *App) AddCompetitionAttachment(ctx context.Context, p *zhiyuan.Principal, projectID int64, name string, data []byte) (*zhiyuan.CompetitionAttachment, error) {
	pj, _, err := a.projectForOrg(ctx, p, projectID)
	if err != nil {
		return nil, err
	}
	if pj.Status != zhiyuan.ProjectDraft && pj.Status != zhiyuan.ProjectReturned {
		return nil, zhiyuan.FieldFail(zhiyuan.EConflict, "status", "competition.not_editable", "status", pj.Status.Chinese())
	}
	att, stored, err := checkAttachment(ctx, name, data)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(stored)
	att.ProjectID, att.SHA256, att.UploadedBy = projectID, hex.EncodeToString(sum[:]), p.AccountID
	if err := a.store.AddCompetitionAttachment(ctx, att, stored, zhiyuan.CompetitionAttachmentsMax, zhiyuan.CompetitionAttachmentsTotal); err != nil {
		return nil, err
	}
	if err := a.audit(ctx, p, "competition.attachment.add", "competition_project", competitionID(projectID), pj.RegionCode, pj.OrgID,
		att.FileName); err != nil {
		return nil, err
	}
	return att, nil
}

// CompetitionAttachments lists a project's attachments to whoever may read the project.
func (a *App) CompetitionAttachments(ctx context.Context, p *zhiyuan.Principal, projectID int64) ([]zhiyuan.CompetitionAttachment, error) {
	if _, err := a.CompetitionProject(ctx, p, projectID); err != nil {
		return nil, err
	}
	return a.store.FindCompetitionAttachments(ctx, projectID)
}

// CompetitionAttachmentFile returns one attachment and its bytes to whoever may read its
// project: the organisation's admins, the project's reviewers and the round's admins,
// and the judges assigned to it (403 for anyone else, 401 when not signed in).
func (a *App) CompetitionAttachmentFile(ctx context.Context, p *zhiyuan.Principal, id int64) (*zhiyuan.CompetitionAttachment, []byte, error) {
	if p == nil || p.AccountID == 0 {
		return nil, nil, zhiyuan.Fail(zhiyuan.EUnauthorized, "auth.login_required")
	}
	att, err := a.store.FindCompetitionAttachment(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	if _, err := a.CompetitionProject(ctx, p, att.ProjectID); err != nil {
		return nil, nil, err
	}
	data, err := a.store.CompetitionAttachmentData(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	return att, data, nil
}

// CompetitionAttachment returns one attachment's record (no bytes) to whoever may read
// its project.
func (a *App) CompetitionAttachment(ctx context.Context, p *zhiyuan.Principal, id int64) (*zhiyuan.CompetitionAttachment, error) {
	if p == nil || p.AccountID == 0 {
		return nil, zhiyuan.Fail(zhiyuan.EUnauthorized, "auth.login_required")
	}
	att, err := a.store.FindCompetitionAttachment(ctx, id)
	if err != nil {
		return nil, err
	}
	if _, err := a.CompetitionProject(ctx, p, att.ProjectID); err != nil {
		return nil, err
	}
	return att, nil
}

// DeleteCompetitionAttachment removes an attachment, by an admin of the applying
// organisation while the project is a draft or returned (the database checks it).
func (a *App) DeleteCompetitionAttachment(ctx context.Context, p *zhiyuan.Principal, id int64) (*zhiyuan.CompetitionAttachment, error) {
	if p == nil || p.AccountID == 0 {
		return nil, zhiyuan.Fail(zhiyuan.EUnauthorized, "auth.login_required")
	}
	att, err := a.store.FindCompetitionAttachment(ctx, id)
	if err != nil {
		return nil, err
	}
	pj, _, err := a.projectForOrg(ctx, p, att.ProjectID)
	if err != nil {
		return nil, err
	}
	if err := a.store.DeleteCompetitionAttachment(ctx, att.ProjectID, id); err != nil {
		return nil, err
	}
	if err := a.audit(ctx, p, "competition.attachment.delete", "competition_project", competitionID(att.ProjectID), pj.RegionCode, pj.OrgID,
		att.FileName); err != nil {
		return nil, err
	}
	return att, nil
}
