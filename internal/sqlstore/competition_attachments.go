package sqlstore

import (
	"context"
	"database/sql"

	"zhiyuan"
)

// Attachments of competition applications (migration 0037). The bytes live in the
// database beside the application; listings never select them.

// lockEditableProject locks project's row for the rest of the transaction by a no-op
// UPDATE that only matches while the project is a draft or returned: concurrent uploads
// and deletions of one project then run one after the other, and a submission waits for
// them (or they for it, and then find it no longer editable).
func (s *Store) lockEditableProject(ctx context.Context, tx conn, project int64) error {
	res, err := tx.exec(ctx, `UPDATE competition_projects SET status = status WHERE id = ? AND status IN ('draft', 'returned')`, project)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return s.projectRefusal(ctx, tx, project, "competition.not_editable")
	}
	return nil
}

// AddCompetitionAttachment stores a file checked and re-encoded by the caller, while the
// project is a draft or returned and stays within maxFiles files and maxBytes bytes in
// all; both limits are counted in the INSERT under the project's row lock.
func (s *Store) AddCompetitionAttachment(ctx context.Context, a *zhiyuan.CompetitionAttachment, data []byte, maxFiles int, maxBytes int64) error {
	a.CreatedAt = s.now()
	a.Size = int64(len(data))
	return s.inTx(ctx, func(tx conn) error {
		if err := s.lockEditableProject(ctx, tx, a.ProjectID); err != nil {
			return err
		}
		var id int64
		err := tx.queryRow(ctx, `INSERT INTO competition_attachments (project_id, kind, file_name, content_type, size, sha256, data,
			uploaded_by, created_at)
			SELECT ?, ?, ?, ?, ?, ?, ?, ?, ? FROM
			(SELECT COUNT(*) AS n, COALESCE(SUM(size), 0) AS total FROM competition_attachments WHERE project_id = ?) x
			WHERE x.n < ? AND x.total + ? <= ? RETURNING id`,
			a.ProjectID, string(a.Kind), a.FileName, a.ContentType, a.Size, a.SHA256, data, a.UploadedBy, a.CreatedAt,
			a.ProjectID, maxFiles, a.Size, maxBytes).Scan(&id)
		if err == sql.ErrNoRows {
			var n int
			if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM competition_attachments WHERE project_id = ?`, a.ProjectID).Scan(&n); err != nil {
				return err
			}
			if n >= maxFiles {
				return zhiyuan.FieldFail(zhiyuan.EConflict, "file", "competition.attachments_many", "max", maxFiles)
			}
			return zhiyuan.FieldFail(zhiyuan.EConflict, "file", "competition.attachments_total", "max_mb", maxBytes>>20)
		}
		a.ID = id
		return err
	})
}

// DeleteCompetitionAttachment removes attachment id of project while the project is a
// draft or returned.
func (s *Store) DeleteCompetitionAttachment(ctx context.Context, project, id int64) error {
	return s.inTx(ctx, func(tx conn) error {
		if err := s.lockEditableProject(ctx, tx, project); err != nil {
			return err
		}
		res, err := tx.exec(ctx, `DELETE FROM competition_attachments WHERE id = ? AND project_id = ?`, id, project)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return notFound("notfound.competition_attachment")
		}
		return nil
	})
}

const attachmentCols = `id, project_id, kind, file_name, content_type, size, sha256, uploaded_by, created_at`

func scanAttachment(r rowScanner) (zhiyuan.CompetitionAttachment, error) {
	var a zhiyuan.CompetitionAttachment
	var kind string
	err := r.Scan(&a.ID, &a.ProjectID, &kind, &a.FileName, &a.ContentType, &a.Size, &a.SHA256, &a.UploadedBy, &a.CreatedAt)
	a.Kind, a.CreatedAt = zhiyuan.AttachmentKind(kind), a.CreatedAt.UTC()
	return a, err
}

// FindCompetitionAttachments lists a project's attachments, oldest first, without bytes.
func (s *Store) FindCompetitionAttachments(ctx context.Context, project int64) ([]zhiyuan.CompetitionAttachment, error) {
	return queryAll(ctx, s.reader(), scanAttachment, `SELECT `+attachmentCols+` FROM competition_attachments WHERE project_id = ? ORDER BY id`, project)
}

// FindCompetitionAttachment returns one attachment's record, without bytes.
func (s *Store) FindCompetitionAttachment(ctx context.Context, id int64) (*zhiyuan.CompetitionAttachment, error) {
	a, err := scanAttachment(s.reader().queryRow(ctx, `SELECT `+attachmentCols+` FROM competition_attachments WHERE id = ?`, id))
	if err == sql.ErrNoRows {
		return nil, notFound("notfound.competition_attachment")
	}
	if err != nil {
		return nil, err
	}
	return &a, nil
}

// CompetitionAttachmentData returns one attachment's bytes.
func (s *Store) CompetitionAttachmentData(ctx context.Context, id int64) ([]byte, error) {
	var data []byte
	err := s.reader().queryRow(ctx, `SELECT data FROM competition_attachments WHERE id = ?`, id).Scan(&data)
	if err == sql.ErrNoRows {
		return nil, notFound("notfound.competition_attachment")
	}
	return data, err
}
