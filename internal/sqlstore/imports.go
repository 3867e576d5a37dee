package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"zhiyuan"
	"zhiyuan/internal/jobs"
)

// VerdictUnchecked is the verdict of a row that passed the rules of registration and is
// still to be compared with the registry: how package app hands such a row to
// CreateImport, which compares it before staging it. A row staged unchecked by an earlier
// version is compared by the import's validate job (ClassifyImport).
const VerdictUnchecked zhiyuan.ImportVerdict = "unchecked"

// ImportRow is one row of an upload as staged: the cells as uploaded (sealed, for the
// error sheet) and, for a row that passed the rules, the volunteer it describes, ready to
// be written. The identity number is sealed, indexed and masked as volunteers keep it.
type ImportRow struct {
	Line            int
	RawSealed       []byte
	Name            string
	Phone           string // normalised
	IDType          zhiyuan.IDType
	IDNumberSealed  []byte
	IDNumberIndex   string
	IDNumberMasked  string
	RegionCode      string
	BirthDate       time.Time
	Sex             string
	Minor           bool
	PoliticalStatus string
	Skills          []string
	Categories      []string
	Verdict         zhiyuan.ImportVerdict // VerdictUnchecked or zhiyuan.VerdictError
	ErrorField      string                // the registration field at fault (name, id_number, phone, …)
	ErrorReason     string                // in Chinese
	// OrgID is the organisation the person joins when 所属组织 names one under the
	// importing organisation; 0 is the importing organisation.
	OrgID int64
}

const importColumns = `id, org_id, uploaded_by, file_hash, file_kind, status, extra_columns, total, processed, created,
	linked, skipped, failed, created_at, updated_at, finished_at, cursor_line, new_rows, existing_rows, conflict_rows, error_rows`

func scanImport(r rowScanner) (*zhiyuan.Import, error) {
	var im zhiyuan.Import
	var status, extra string
	var finished sql.NullTime
	var cursor int
	if err := r.Scan(&im.ID, &im.OrgID, &im.UploadedBy, &im.FileHash, &im.FileKind, &status, &extra, &im.Total,
		&im.Processed, &im.Created, &im.Linked, &im.Skipped, &im.Failed, &im.CreatedAt, &im.UpdatedAt, &finished, &cursor,
		&im.New, &im.Existing, &im.Conflicts, &im.Errors); err != nil {
		return nil, err
	}
	im.Purged = cursor == purgedCursor
	im.Status = zhiyuan.ImportStatus(status)
	if extra != "" {
		im.Extra = strings.Split(extra, "\t")
	}
	if finished.Valid {
		im.FinishedAt = finished.Time
	}
	return &im, nil
}

// CreateImport stores an upload: the import, its rows, each compared with the registry
// (its verdict: new, existing or conflict), and the job that makes it ready, in one
// transaction. next hands over the staged rows a chunk at a time in the file's order
// (their verdicts are set in place), nil once there are no more, when im.Extra is read;
// an error from next (a file refused on a later row) rolls everything back and is
// returned as it is. The same file (FileHash) uploaded again to the same organisation
// creates nothing and does not call next: the earlier import is returned with created
// false, decided by the unique index, so two uploads at once make one import.
func (s *Store) CreateImport(ctx context.Context, im *zhiyuan.Import, next func() ([]ImportRow, error)) (created bool, err error) {
	now := s.now()
	err = s.inConnTx(ctx, func(tx conn, raw *sql.Conn) error {
		var id int64
		err := tx.queryRow(ctx, `INSERT INTO imports (org_id, uploaded_by, file_hash, file_kind, status, extra_columns, total,
			error_rows, created_at, updated_at) VALUES (?, ?, ?, ?, 'validating', '', 0, 0, ?, ?)
			ON CONFLICT (org_id, file_hash) DO NOTHING RETURNING id`,
			im.OrgID, im.UploadedBy, im.FileHash, im.FileKind, now, now).Scan(&id)
		if err == sql.ErrNoRows {
			return nil
		}
		if err != nil {
			return err
		}
		created = true
		counts := map[zhiyuan.ImportVerdict]int{}
		total := 0
		vals := make([][]any, 0, importRowsPerInsert)
		for {
			rows, err := next()
			if err != nil {
				return err
			}
			if len(rows) == 0 {
				break
			}
			total += len(rows)
			// The preview's comparison with the registry, made here with the rows in hand
			// rather than by reading them back and rewriting each one's verdict afterwards
			// (on PostgreSQL an UPDATE writes the whole row again): each row is staged
			// once, with its verdict, and the counts are moved with them.
			if err := compareStaged(ctx, tx, rows, counts); err != nil {
				return err
			}
			if vals, err = s.stageImportRows(ctx, tx, raw, id, rows, vals); err != nil {
				return err
			}
		}
		if _, err := tx.exec(ctx, `UPDATE imports SET extra_columns = ?, total = ?, error_rows = ?, new_rows = ?,
			existing_rows = ?, conflict_rows = ? WHERE id = ?`, strings.Join(im.Extra, "\t"), total,
			counts[zhiyuan.VerdictError], counts[zhiyuan.VerdictNew], counts[zhiyuan.VerdictExisting],
			counts[zhiyuan.VerdictConflict], id); err != nil {
			return err
		}
		// Read back in the transaction: once it commits, the job may make it ready at
		// once (it has nothing left to compare), and the uploader is told what the upload
		// made, a validating import.
		found, err := s.findImportBy(ctx, tx, "id = ?", id)
		if err != nil {
			return err
		}
		*im = *found
		return s.enqueue(ctx, tx, jobs.Import{ImportID: id, Phase: jobs.ImportValidate})
	})
	if err != nil {
		return false, err
	}
	if created {
		return true, nil
	}
	found, err := s.findImportBy(ctx, s.writer(), "org_id = ? AND file_hash = ?", im.OrgID, im.FileHash)
	if err != nil {
		return false, err
	}
	*im = *found
	return created, nil
}

// importRowsPerInsert is how many staged rows one INSERT carries: 21 values a row, under
// SQLite's 32766.
const importRowsPerInsert = 1000

// importRowColumns are the columns of import_rows CreateImport writes, in the order of
// importRowTypes.
var importRowColumns = []string{"import_id", "line", "raw_sealed", "name", "phone", "id_type", "id_number_sealed",
	"id_number_index", "id_number_masked", "region_code", "birth_date", "sex", "minor", "political_status", "skills",
	"categories", "verdict", "error_column", "error_reason", "outcome", "org_id"}

// stageImportRows inserts staged rows of import id in the transaction tx open on raw (by
// COPY where the engine has it); vals is a buffer to reuse, returned for the next call.
func (s *Store) stageImportRows(ctx context.Context, tx conn, raw *sql.Conn, id int64, rows []ImportRow, vals [][]any) ([][]any, error) {
	for start := 0; start < len(rows); start += importRowsPerInsert {
		vals = vals[:0]
		for _, r := range rows[start:min(start+importRowsPerInsert, len(rows))] {
			var birth any
			if !r.BirthDate.IsZero() {
				birth = dateOnly(r.BirthDate)
			}
			vals = append(vals, []any{id, r.Line, r.RawSealed, r.Name, r.Phone, string(r.IDType), nullBytes(r.IDNumberSealed),
				r.IDNumberIndex, r.IDNumberMasked, r.RegionCode, birth, r.Sex, r.Minor, r.PoliticalStatus,
				strings.Join(r.Skills, ","), strings.Join(r.Categories, ","), string(r.Verdict), r.ErrorField,
				r.ErrorReason, "", r.OrgID})
		}
		if copied, err := s.dialect.copyRows(ctx, raw, "import_rows", importRowColumns, vals); copied || err != nil {
			if err != nil {
				return vals, err
			}
			continue
		}
		src, args := s.dialect.rowsSource(importRowTypes, vals)
		if _, err := tx.exec(ctx, `INSERT INTO import_rows (`+strings.Join(importRowColumns, ", ")+`) `+src, args...); err != nil {
			return vals, err
		}
	}
	return vals, nil
}

// inConnTx is inTx on a connection of the write pool held for the transaction, which fn
// gets too, for what only the driver's own connection does (dialect.copyRows).
func (s *Store) inConnTx(ctx context.Context, fn func(tx conn, raw *sql.Conn) error) error {
	var missed []string
	err := func() error {
		c, err := s.write.Conn(ctx)
		if err != nil {
			return fmt.Errorf("begin: %w", err)
		}
		defer c.Close() // before the missed statements are prepared: SQLite's one writer
		tx, err := c.BeginTx(ctx, nil)
		if err != nil {
			return fmt.Errorf("begin: %w", err)
		}
		if err := fn(conn{s: s, db: tx, missed: &missed}, c); err != nil {
			tx.Rollback()
			return err
		}
		if err := tx.Commit(); err != nil {
			return s.translate(fmt.Errorf("commit: %w", err), nil)
		}
		return nil
	}()
	for _, q := range missed {
		s.writer().stmt(ctx, q)
	}
	return err
}

// importRowTypes are the SQL types of the columns CreateImport writes, in its order.
var importRowTypes = []string{"BIGINT", "BIGINT", "BYTEA", "TEXT", "TEXT", "TEXT", "BYTEA", "TEXT", "TEXT", "TEXT", "DATE",
	"TEXT", "BOOLEAN", "TEXT", "TEXT", "TEXT", "TEXT", "TEXT", "TEXT", "TEXT", "BIGINT"}

// FindImport returns an import by id.
func (s *Store) FindImport(ctx context.Context, id int64) (*zhiyuan.Import, error) {
	return s.findImportBy(ctx, s.reader(), "id = ?", id)
}

// The preview's counts (new, existing, conflict, error rows) are kept on the import's row,
// moved in the transaction that sets the rows' verdicts (CreateImport, ClassifyImport,
// clearImportRowsOf), so that following an import (its page every few seconds, programs
// polling GET /imports/{id}) reads one row instead of counting 100,000 staged rows each time.
func (s *Store) findImportBy(ctx context.Context, c conn, where string, args ...any) (*zhiyuan.Import, error) {
	im, err := scanImport(c.queryRow(ctx, "SELECT "+importColumns+" FROM imports WHERE "+where, args...))
	if err == sql.ErrNoRows {
		return nil, notFound("notfound.import")
	}
	if err != nil {
		return nil, err
	}
	return im, nil
}

// RecentImports lists an organisation's latest imports, newest first, without their
// preview counts.
func (s *Store) RecentImports(ctx context.Context, orgID int64, limit int) ([]*zhiyuan.Import, error) {
	return queryAll(ctx, s.reader(), scanImport, "SELECT "+importColumns+" FROM imports WHERE org_id = ? ORDER BY id DESC LIMIT ?",
		orgID, limit)
}

// registered is what the registry holds under one identity number.
type registered struct {
	volunteerID int64
	name, phone string
}

// registeredBy looks up the volunteers registered under the blind indexes.
func registeredBy(ctx context.Context, tx conn, indexes []string) (map[string]registered, error) {
	out := map[string]registered{}
	if len(indexes) == 0 {
		return out, nil
	}
	args := make([]any, len(indexes))
	for i, x := range indexes {
		args[i] = x
	}
	rows, err := tx.query(ctx, `SELECT v.id_number_index, v.id, v.name, a.phone FROM volunteers v
		JOIN accounts a ON a.id = v.account_id WHERE v.id_number_index IN (`+placeholders(len(args))+`)`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var idx string
		var r registered
		if err := rows.Scan(&idx, &r.volunteerID, &r.name, &r.phone); err != nil {
			return nil, err
		}
		out[idx] = r
	}
	return out, rows.Err()
}

// phonesTaken returns which of the phones an account already uses.
func phonesTaken(ctx context.Context, tx conn, phones []string) (map[string]bool, error) {
	out := map[string]bool{}
	if len(phones) == 0 {
		return out, nil
	}
	args := make([]any, len(phones))
	for i, x := range phones {
		args[i] = x
	}
	rows, err := tx.query(ctx, "SELECT phone FROM accounts WHERE phone IN ("+placeholders(len(args))+")", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var p string
		if err := rows.Scan(&p); err != nil {
			return nil, err
		}
		out[p] = true
	}
	return out, rows.Err()
}

// lookupRegistry is what verdictOf compares a batch of rows with: who holds each
// identity number (by its index) and which phones are taken.
func lookupRegistry(ctx context.Context, tx conn, indexes, phones []string) (map[string]registered, map[string]bool, error) {
	reg, err := registeredBy(ctx, tx, indexes)
	if err != nil {
		return nil, nil, err
	}
	taken, err := phonesTaken(ctx, tx, phones)
	return reg, taken, err
}

// verdictOf says what a row that passed the rules is against the registry: new, the
// same person (existing), or a conflict with its field and reason. reg and taken are
// what registeredBy and phonesTaken found for its number and phone.
func verdictOf(name, phone, index string, reg map[string]registered, taken map[string]bool) (zhiyuan.ImportVerdict, string, string) {
	if got, ok := reg[index]; ok {
		return match(name, phone, got)
	}
	if taken[phone] {
		return zhiyuan.VerdictConflict, "phone", zhiyuan.Text("import.row_phone_taken")
	}
	return zhiyuan.VerdictNew, "", ""
}

// compareStaged compares the unchecked rows of an upload with the registry, a thousand
// at a time, and gives each its verdict (and a conflict its field and reason) in place.
// It adds to counts how many rows have each verdict (error rows included).
func compareStaged(ctx context.Context, tx conn, rows []ImportRow, counts map[zhiyuan.ImportVerdict]int) error {
	const perLookup = 1000
	var batch []*ImportRow
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		indexes, phones := make([]string, len(batch)), make([]string, len(batch))
		for i, r := range batch {
			indexes[i], phones[i] = r.IDNumberIndex, r.Phone
		}
		reg, taken, err := lookupRegistry(ctx, tx, indexes, phones)
		if err != nil {
			return err
		}
		for _, r := range batch {
			r.Verdict, r.ErrorField, r.ErrorReason = verdictOf(r.Name, r.Phone, r.IDNumberIndex, reg, taken)
			counts[r.Verdict]++
		}
		batch = batch[:0]
		return nil
	}
	for i := range rows {
		if rows[i].Verdict != VerdictUnchecked {
			counts[rows[i].Verdict]++
			continue
		}
		batch = append(batch, &rows[i])
		if len(batch) == perLookup {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	return flush()
}

// match says what a row is against what the registry holds under its number: the same
// person (existing), or a conflict with its field and reason.
func match(name, phone string, reg registered) (zhiyuan.ImportVerdict, string, string) {
	switch {
	case reg.name != name:
		return zhiyuan.VerdictConflict, "name", zhiyuan.Text("import.row_conflict_name")
	case reg.phone != phone:
		return zhiyuan.VerdictConflict, "phone", zhiyuan.Text("import.row_conflict_phone")
	}
	return zhiyuan.VerdictExisting, "", ""
}

// ClassifyImport compares up to batch unchecked rows of a validating import with the
// registry and records their verdicts in one transaction; when none is left the import
// becomes ready. It reports whether the import is ready. CreateImport stages no row
// unchecked, so for its imports the first call finds none and makes the import ready;
// rows staged unchecked by an earlier version are compared here.
func (s *Store) ClassifyImport(ctx context.Context, id int64, batch int) (ready bool, err error) {
	err = s.inTx(ctx, func(tx conn) error {
		now := s.now()
		var cursor int
		err := tx.queryRow(ctx, `UPDATE imports SET updated_at = ? WHERE id = ? AND status = 'validating' RETURNING cursor_line`,
			now, id).Scan(&cursor)
		if err == sql.ErrNoRows {
			ready = true // ready, or further along, already
			return nil
		}
		if err != nil {
			return err
		}
		type row struct {
			line        int
			name, phone string
			index       string
		}
		rs, err := queryAll(ctx, tx, func(r rowScanner) (row, error) {
			var x row
			return x, r.Scan(&x.line, &x.name, &x.phone, &x.index)
		}, `SELECT line, name, phone, id_number_index FROM import_rows WHERE import_id = ? AND line > ?
			AND verdict = 'unchecked' ORDER BY line LIMIT ?`, id, cursor, batch)
		if err != nil {
			return err
		}
		if len(rs) == 0 {
			ready = true
			_, err := tx.exec(ctx, "UPDATE imports SET status = 'ready', cursor_line = 0, updated_at = ? WHERE id = ?", now, id)
			return err
		}
		if _, err := tx.exec(ctx, "UPDATE imports SET cursor_line = ? WHERE id = ?", rs[len(rs)-1].line, id); err != nil {
			return err
		}
		indexes, phones := make([]string, len(rs)), make([]string, len(rs))
		for i, r := range rs {
			indexes[i], phones[i] = r.index, r.phone
		}
		reg, taken, err := lookupRegistry(ctx, tx, indexes, phones)
		if err != nil {
			return err
		}
		// One UPDATE per verdict for the many rows that are new or registered; a
		// conflict carries its own reason.
		lines := map[zhiyuan.ImportVerdict][]int{}
		counts := map[zhiyuan.ImportVerdict]int{}
		for _, r := range rs {
			verdict, field, reason := verdictOf(r.name, r.phone, r.index, reg, taken)
			if verdict != zhiyuan.VerdictConflict {
				lines[verdict] = append(lines[verdict], r.line)
				continue
			}
			res, err := tx.exec(ctx, `UPDATE import_rows SET verdict = ?, error_column = ?, error_reason = ?
				WHERE import_id = ? AND line = ? AND verdict = 'unchecked'`, string(verdict), field, reason, id, r.line)
			if err != nil {
				return err
			}
			n, _ := res.RowsAffected()
			counts[verdict] += int(n)
		}
		// Only rows still unchecked change (a person closing their account meanwhile made
		// theirs an error), and the counts move by the rows changed.
		for verdict, ls := range lines {
			n, err := setRowsWhere(ctx, tx, "verdict", string(verdict), id, ls, "verdict = 'unchecked'")
			if err != nil {
				return err
			}
			counts[verdict] += n
		}
		_, err = tx.exec(ctx, `UPDATE imports SET new_rows = new_rows + ?, existing_rows = existing_rows + ?,
			conflict_rows = conflict_rows + ? WHERE id = ?`,
			counts[zhiyuan.VerdictNew], counts[zhiyuan.VerdictExisting], counts[zhiyuan.VerdictConflict], id)
		return err
	})
	return ready, err
}

// StartImport starts writing a ready import: its status becomes running and the job that
// writes it is queued, in one transaction. Only a ready import starts, so of two
// confirmations at once one starts it and the other is a conflict.
func (s *Store) StartImport(ctx context.Context, id int64, audit *zhiyuan.AuditEntry) error {
	return s.inTx(ctx, func(tx conn) error {
		res, err := tx.exec(ctx, "UPDATE imports SET status = 'running', cursor_line = 0, updated_at = ? WHERE id = ? AND status = 'ready'",
			s.now(), id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return zhiyuan.Fail(zhiyuan.EConflict, "import.not_ready")
		}
		if audit != nil {
			if err := s.appendAudit(ctx, tx, audit); err != nil {
				return err
			}
		}
		return s.enqueue(ctx, tx, jobs.Import{ImportID: id, Phase: jobs.ImportRun})
	})
}

// pendingRow is a row the run has not yet written.
type pendingRow struct {
	ImportRow
	existingID int64
	outcome    zhiyuan.ImportOutcome
	volunteer  int64
}

// RunImportBatch writes up to batch rows of a running import that have no outcome yet,
// and records their outcomes and the import's counters in the same transaction: a run
// cut anywhere resumes from the first row without an outcome and ends as one clean run
// would. New volunteers are created with an unclaimed account (no password) and made
// approved members of the organisation; volunteers already registered under the number
// with the same name and phone are made members; the database's unique indexes settle a
// number or a phone registered meanwhile (by another import, or by the person), which
// then fails the row as a conflict. It reports whether the import is done.
func (s *Store) RunImportBatch(ctx context.Context, id int64, batch int) (done bool, err error) {
	err = s.inTx(ctx, func(tx conn) error {
		now := s.now()
		// The UPDATE takes the import's row lock first, so two runs of one import (a job
		// rescued from a server thought dead) take their batches one after the other.
		var orgID, by int64
		var cursor int
		err := tx.queryRow(ctx, `UPDATE imports SET updated_at = ? WHERE id = ? AND status = 'running'
			RETURNING org_id, uploaded_by, cursor_line`, now, id).Scan(&orgID, &by, &cursor)
		if err == sql.ErrNoRows {
			done = true
			return nil
		}
		if err != nil {
			return err
		}
		// The rows after the cursor, by the primary key alone: a row after the cursor has
		// no outcome yet (each batch sets its rows' outcomes and moves the cursor past them
		// in one transaction), so the outcome is checked here rather than in the WHERE
		// clause, where PostgreSQL, before it has statistics on the rows just staged,
		// guesses it selective and may read and sort every staged row instead of walking
		// the key to the first batch rows.
		rows, err := queryAll(ctx, tx, func(r rowScanner) (*pendingRow, error) {
			var p pendingRow
			var verdict, skills, cats, idType, outcome string
			var birth sql.NullTime
			err := r.Scan(&p.Line, &p.Name, &p.Phone, &idType, &p.IDNumberSealed, &p.IDNumberIndex, &p.IDNumberMasked,
				&p.RegionCode, &birth, &p.Sex, &p.Minor, &p.PoliticalStatus, &skills, &cats, &verdict, &p.ErrorField,
				&p.ErrorReason, &p.OrgID, &outcome)
			p.outcome = zhiyuan.ImportOutcome(outcome)
			p.IDType, p.Verdict = zhiyuan.IDType(idType), zhiyuan.ImportVerdict(verdict)
			p.Skills, p.Categories = splitNonEmpty(skills), splitNonEmpty(cats)
			if birth.Valid {
				p.BirthDate = birth.Time
			}
			return &p, err
		}, `SELECT line, name, phone, id_type, id_number_sealed, id_number_index, id_number_masked, region_code, birth_date,
			sex, minor, political_status, skills, categories, verdict, error_column, error_reason, org_id, outcome
			FROM import_rows WHERE import_id = ? AND line > ? ORDER BY line LIMIT ?`, id, cursor, batch)
		if err != nil {
			return err
		}
		if len(rows) == 0 {
			done = true
			_, err := tx.exec(ctx, "UPDATE imports SET status = 'done', finished_at = ?, updated_at = ? WHERE id = ?", now, now, id)
			return err
		}
		last := rows[len(rows)-1].Line // before writeImportRows reorders what it registers
		rows = slices.DeleteFunc(rows, func(r *pendingRow) bool { return r.outcome != "" })
		if err := s.writeImportRows(ctx, tx, orgID, by, rows, now); err != nil {
			return err
		}
		// One UPDATE per outcome; a failed row carries its own reason.
		lines := map[zhiyuan.ImportOutcome][]int{}
		for _, r := range rows {
			if r.outcome != zhiyuan.OutcomeFailed {
				lines[r.outcome] = append(lines[r.outcome], r.Line)
				continue
			}
			lines[r.outcome] = append(lines[r.outcome], r.Line)
			if _, err := tx.exec(ctx, `UPDATE import_rows SET outcome = 'failed', error_column = ?, error_reason = ?
				WHERE import_id = ? AND line = ?`, r.ErrorField, r.ErrorReason, id, r.Line); err != nil {
				return err
			}
		}
		// A row written (created, linked, or a member already) is no longer needed: its
		// outcome is in the import's counters, and the row with its personal cells goes in
		// the same transaction (a DELETE, cheaper than rewriting the row without its cells,
		// above all on PostgreSQL, where an UPDATE writes the whole row again). Failed rows
		// keep theirs for the error sheet until the retention sweep (PurgeImportRows). The
		// batch is every row from the cursor to its last line, so one range of the primary
		// key, less the failed rows (their outcome set above), is exactly the rows written.
		if _, err := tx.exec(ctx, `DELETE FROM import_rows WHERE import_id = ? AND line > ? AND line <= ? AND outcome = ''`,
			id, cursor, last); err != nil {
			return err
		}
		created, linked := len(lines[zhiyuan.OutcomeCreated]), len(lines[zhiyuan.OutcomeLinked])
		skipped, failed := len(lines[zhiyuan.OutcomeSkipped]), len(lines[zhiyuan.OutcomeFailed])
		_, err = tx.exec(ctx, `UPDATE imports SET processed = processed + ?, created = created + ?, linked = linked + ?,
			skipped = skipped + ?, failed = failed + ?, cursor_line = ? WHERE id = ?`, len(rows), created, linked, skipped,
			failed, last, id)
		return err
	})
	return done, err
}

// clearedCells is the SET list that removes a staged row's personal cells (the cells as
// uploaded, name, phone, identity number, birth date, sex, lists), keeping its line,
// verdict, outcome and reason for the counts.
const clearedCells = `raw_sealed = '', name = '', phone = '', id_number_sealed = NULL, id_number_index = '',
	id_number_masked = '', birth_date = NULL, sex = '', skills = '', categories = ''`

// purgedCursor marks, in cursor_line (unused once an import is over), an import whose
// staged rows the retention sweep cleared.
const purgedCursor = -1

// PurgeImportRows clears the personal cells of the staged rows of every import over
// (done or failed) or left ready, untouched since before cutoff, and marks it purged; a
// ready import becomes failed, as it can no longer run. It returns how many imports it
// purged. Idempotent: a purged import is not touched again.
func (s *Store) PurgeImportRows(ctx context.Context, cutoff time.Time) (int, error) {
	n := 0
	err := s.inTx(ctx, func(tx conn) error {
		ids, err := queryAll(ctx, tx, func(r rowScanner) (int64, error) {
			var id int64
			return id, r.Scan(&id)
		}, `UPDATE imports SET cursor_line = ?, status = CASE WHEN status = 'ready' THEN 'failed' ELSE status END
			WHERE status IN ('ready', 'done', 'failed') AND updated_at < ? AND cursor_line <> ? RETURNING id`,
			purgedCursor, cutoff, purgedCursor)
		if err != nil {
			return err
		}
		for _, id := range ids {
			if _, err := tx.exec(ctx, "UPDATE import_rows SET "+clearedCells+" WHERE import_id = ?", id); err != nil {
				return err
			}
		}
		n = len(ids)
		return nil
	})
	return n, err
}

// clearImportRowsOf clears the staged rows that name a person who closes their account
// (by the blind index of their number or by their phone), in the closure's transaction. A
// row still to be written becomes an error, so no run writes it.
func clearImportRowsOf(ctx context.Context, tx conn, index, phone string) error {
	if index == "" && phone == "" {
		return nil
	}
	const theirs = `((id_number_index = ? AND id_number_index <> '') OR (phone = ? AND phone <> ''))`
	// Lock their rows first (a write that changes nothing), so that the verdicts counted
	// next are the ones this transaction changes, and move each import's counts by them.
	if _, err := tx.exec(ctx, "UPDATE import_rows SET verdict = verdict WHERE "+theirs, index, phone); err != nil {
		return err
	}
	type flip struct {
		id      int64
		verdict string
		n       int
	}
	flips, err := queryAll(ctx, tx, func(r rowScanner) (flip, error) {
		var f flip
		return f, r.Scan(&f.id, &f.verdict, &f.n)
	}, `SELECT import_id, verdict, COUNT(*) FROM import_rows WHERE `+theirs+`
		AND outcome = '' AND verdict IN ('unchecked', 'new', 'existing') GROUP BY import_id, verdict ORDER BY import_id, verdict`, index, phone)
	if err != nil {
		return err
	}
	for _, f := range flips {
		if _, err := tx.exec(ctx, `UPDATE imports SET error_rows = error_rows + ?,
			new_rows = new_rows - CASE WHEN ? = 'new' THEN ? ELSE 0 END,
			existing_rows = existing_rows - CASE WHEN ? = 'existing' THEN ? ELSE 0 END WHERE id = ?`,
			f.n, f.verdict, f.n, f.verdict, f.n, f.id); err != nil {
			return err
		}
	}
	_, err = tx.exec(ctx, `UPDATE import_rows SET `+clearedCells+`,
		verdict = CASE WHEN outcome = '' AND verdict IN ('unchecked', 'new', 'existing') THEN 'error' ELSE verdict END,
		error_column = CASE WHEN outcome = '' AND verdict IN ('unchecked', 'new', 'existing') THEN '' ELSE error_column END,
		error_reason = CASE WHEN outcome = '' AND verdict IN ('unchecked', 'new', 'existing') THEN ? ELSE error_reason END
		WHERE (id_number_index = ? AND id_number_index <> '') OR (phone = ? AND phone <> '')`,
		zhiyuan.Text("import.row_closed"), index, phone)
	return err
}

// setRowsWhere sets one column (verdict or outcome) of the import's rows at lines, those
// of them that meet cond too when it is not empty, and returns how many it changed.
func setRowsWhere(ctx context.Context, tx conn, col, value string, id int64, lines []int, cond string) (int, error) {
	if cond != "" {
		cond = " AND " + cond
	}
	changed := 0
	for from := 0; from < len(lines); from += 5000 {
		chunk := lines[from:min(from+5000, len(lines))]
		args := make([]any, 0, len(chunk)+2)
		args = append(args, value, id)
		for _, l := range chunk {
			args = append(args, l)
		}
		res, err := tx.exec(ctx, "UPDATE import_rows SET "+col+" = ? WHERE import_id = ? AND line IN ("+placeholders(len(chunk))+")"+cond,
			args...)
		if err != nil {
			return 0, err
		}
		n, _ := res.RowsAffected()
		changed += int(n)
	}
	return changed, nil
}

func splitNonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

// writeImportRows decides and writes the outcome of each row of one batch.
func (s *Store) writeImportRows(ctx context.Context, tx conn, orgID, by int64, rows []*pendingRow, now time.Time) error {
	var fresh []*pendingRow // rows to register
	var indexes []string
	for _, r := range rows {
		switch r.Verdict {
		case zhiyuan.VerdictExisting:
			indexes = append(indexes, r.IDNumberIndex)
		case zhiyuan.VerdictNew:
		default:
			r.outcome = zhiyuan.OutcomeFailed
		}
	}
	// The registry as it is now, not as the preview saw it. A row found registered needs
	// the volunteer it names (or has become a conflict). A row the preview found new is
	// not looked up: it goes to registerImported, where the unique indexes of accounts
	// and volunteers settle a phone or a number registered since (by another import, or
	// by the person), and such a row is then decided against what holds the number, as a
	// look-up here would have decided it.
	reg, err := registeredBy(ctx, tx, indexes)
	if err != nil {
		return err
	}
	for _, r := range rows {
		if r.outcome != "" {
			continue
		}
		if got, ok := reg[r.IDNumberIndex]; ok {
			s.settleRegistered(r, got)
		} else {
			fresh = append(fresh, r)
		}
	}
	if err := s.registerImported(ctx, tx, fresh, now); err != nil {
		return err
	}
	// Membership of every row that has a volunteer now. A member already is skipped; a
	// pending, rejected or departed one is admitted (the organisation lists them).
	var members []*pendingRow
	for _, r := range rows {
		if r.volunteer != 0 && (r.outcome == "" || r.outcome == zhiyuan.OutcomeCreated) {
			members = append(members, r)
		}
	}
	if len(members) == 0 {
		return nil
	}
	// The organisation 所属组织 named, or the importing one; one lock order (organisation,
	// then volunteer) for every batch of every import.
	for _, r := range members {
		if r.OrgID == 0 {
			r.OrgID = orgID
		}
	}
	sort.Slice(members, func(i, j int) bool {
		if members[i].OrgID != members[j].OrgID {
			return members[i].OrgID < members[j].OrgID
		}
		return members[i].volunteer < members[j].volunteer
	})
	vals := make([][]any, 0, len(members))
	for _, r := range members {
		vals = append(vals, []any{r.OrgID, r.volunteer, string(zhiyuan.MemberApproved), "member", now, now, by})
	}
	src, args := s.dialect.rowsSource([]string{"BIGINT", "BIGINT", "TEXT", "TEXT", "TIMESTAMPTZ", "TIMESTAMPTZ", "BIGINT"}, vals)
	joined := map[[2]int64]bool{}
	perOrg := map[int64]int{}
	err = s.insertSettled(ctx, tx, `INSERT INTO org_members (org_id, volunteer_id, status, role, applied_at, decided_at, decided_by) `+src,
		`ON CONFLICT (org_id, volunteer_id) DO UPDATE SET status = 'approved', decided_at = excluded.decided_at,
			decided_by = excluded.decided_by
		WHERE org_members.status <> 'approved'`, "RETURNING org_id, volunteer_id", args,
		func() { clear(joined); clear(perOrg) },
		func(r rowScanner) error {
			var o, v int64
			if err := r.Scan(&o, &v); err != nil {
				return err
			}
			joined[[2]int64{o, v}] = true
			perOrg[o]++
			return nil
		})
	if err != nil {
		return err
	}
	for _, r := range members {
		switch {
		case r.outcome == zhiyuan.OutcomeCreated:
		case joined[[2]int64{r.OrgID, r.volunteer}]:
			r.outcome = zhiyuan.OutcomeLinked
		default:
			r.outcome = zhiyuan.OutcomeSkipped
		}
	}
	orgs := make([]int64, 0, len(perOrg))
	for o := range perOrg {
		orgs = append(orgs, o)
	}
	sort.Slice(orgs, func(i, j int) bool { return orgs[i] < orgs[j] })
	for _, o := range orgs {
		if _, err := tx.exec(ctx, "UPDATE organizations SET member_count = member_count + ? WHERE id = ?", perOrg[o], o); err != nil {
			return err
		}
	}
	return nil
}

// ImportTargets returns the approved organisations an import into orgID may route rows
// to by 所属组织: the organisation itself and every approved one under it (by path), ids
// by exact name (a name may belong to several).
func (s *Store) ImportTargets(ctx context.Context, orgID int64) (map[string][]int64, error) {
	lo, hi, err := s.orgPathRange(ctx, orgID)
	if err != nil {
		return nil, err
	}
	rows, err := s.reader().query(ctx, `SELECT id, name FROM organizations WHERE path >= ? AND path < ? AND status = 'approved'
		ORDER BY id`, lo, hi)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string][]int64{}
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			return nil, err
		}
		out[name] = append(out[name], id)
	}
	return out, rows.Err()
}

// settleRegistered decides a row whose number is registered: the same person joins,
// another name or phone is a conflict.
func (s *Store) settleRegistered(r *pendingRow, got registered) {
	verdict, field, reason := match(r.Name, r.Phone, got)
	if verdict == zhiyuan.VerdictConflict {
		r.outcome, r.ErrorField, r.ErrorReason = zhiyuan.OutcomeFailed, field, reason
		return
	}
	r.volunteer = got.volunteerID
}

// registerImported registers the rows' people: accounts with no password (unclaimed),
// their volunteer role, volunteers and their lists. A phone or a number that another
// registration took meanwhile is settled by the unique indexes (ON CONFLICT DO NOTHING),
// never by a look-up: such a row is then decided against what holds the number.
func (s *Store) registerImported(ctx context.Context, tx conn, rows []*pendingRow, now time.Time) error {
	if len(rows) == 0 {
		return nil
	}
	// One lock order for every batch of every import (by phone, then by number), so two
	// imports of overlapping files wait for each other instead of deadlocking.
	sort.Slice(rows, func(i, j int) bool { return rows[i].Phone < rows[j].Phone })
	vals := make([][]any, 0, len(rows))
	for _, r := range rows {
		vals = append(vals, []any{r.Phone, r.Name, zhiyuan.UnclaimedPasswordHash, "active", now, now})
	}
	src, args := s.dialect.rowsSource([]string{"TEXT", "TEXT", "TEXT", "TEXT", "TIMESTAMPTZ", "TIMESTAMPTZ"}, vals)
	accountOf := map[string]int64{}
	err := s.insertSettled(ctx, tx, `INSERT INTO accounts (phone, name, password_hash, status, created_at, updated_at) `+src,
		"ON CONFLICT DO NOTHING", "RETURNING id, phone", args,
		func() { clear(accountOf) },
		func(r rowScanner) error {
			var id int64
			var phone string
			if err := r.Scan(&id, &phone); err != nil {
				return err
			}
			accountOf[phone] = id
			return nil
		})
	if err != nil {
		return err
	}
	var withAccount []*pendingRow
	for _, r := range rows {
		if accountOf[r.Phone] == 0 {
			// The phone has an account: the person's own if it holds this number.
			reg, err := registeredBy(ctx, tx, []string{r.IDNumberIndex})
			if err != nil {
				return err
			}
			if got, ok := reg[r.IDNumberIndex]; ok {
				s.settleRegistered(r, got)
			} else {
				r.outcome, r.ErrorField, r.ErrorReason = zhiyuan.OutcomeFailed, "phone", zhiyuan.Text("import.row_phone_taken")
			}
			continue
		}
		withAccount = append(withAccount, r)
	}
	if len(withAccount) == 0 {
		return nil
	}
	vals = vals[:0]
	for _, r := range withAccount {
		vals = append(vals, []any{accountOf[r.Phone], string(zhiyuan.RoleVolunteer), "", int64(0), now})
	}
	src, args = s.dialect.rowsSource([]string{"BIGINT", "TEXT", "TEXT", "BIGINT", "TIMESTAMPTZ"}, vals)
	if _, err := tx.exec(ctx, `INSERT INTO account_roles (account_id, role, region_code, org_id, created_at) `+src, args...); err != nil {
		return err
	}
	perRegion := map[string]int64{}
	for _, r := range withAccount {
		perRegion[r.RegionCode]++
	}
	next := map[string]int64{}
	codes := make([]string, 0, len(perRegion))
	for code := range perRegion {
		codes = append(codes, code)
	}
	sort.Strings(codes)
	for _, code := range codes {
		last, err := s.allocVolunteerSeq(ctx, tx, code, perRegion[code])
		if err != nil {
			return err
		}
		next[code] = last - perRegion[code] + 1
	}
	sort.Slice(withAccount, func(i, j int) bool { return withAccount[i].IDNumberIndex < withAccount[j].IDNumberIndex })
	vals = vals[:0]
	byAccount := map[int64]*pendingRow{}
	for _, r := range withAccount {
		v := &zhiyuan.Volunteer{AccountID: accountOf[r.Phone], Name: r.Name, IDType: r.IDType, IDNumberMasked: r.IDNumberMasked,
			RegionCode: r.RegionCode, BirthDate: r.BirthDate, Sex: r.Sex, Minor: r.Minor, PoliticalStatus: r.PoliticalStatus,
			Status: zhiyuan.VolunteerActive, CreatedAt: now, UpdatedAt: now}
		v.VolunteerNo = zhiyuan.MakeVolunteerNo(r.RegionCode, next[r.RegionCode])
		next[r.RegionCode]++
		byAccount[v.AccountID] = r
		vals = append(vals, volunteerInsertArgs(v, VolunteerSecrets{IDNumberSealed: r.IDNumberSealed, IDNumberIndex: r.IDNumberIndex}))
	}
	src, args = s.dialect.rowsSource(volunteerInsertTypes, vals)
	err = s.insertSettled(ctx, tx, `INSERT INTO volunteers (`+volunteerInsertCols+`) `+src,
		"ON CONFLICT DO NOTHING", "RETURNING id, account_id", args,
		func() {
			for _, r := range withAccount {
				r.volunteer, r.outcome = 0, ""
			}
		},
		func(row rowScanner) error {
			var vid, acc int64
			if err := row.Scan(&vid, &acc); err != nil {
				return err
			}
			r := byAccount[acc]
			r.volunteer, r.outcome = vid, zhiyuan.OutcomeCreated
			return nil
		})
	if err != nil {
		return err
	}
	var lists [][2]any
	var cats [][2]any
	for _, r := range withAccount {
		if r.outcome == zhiyuan.OutcomeCreated {
			for _, sk := range r.Skills {
				lists = append(lists, [2]any{r.volunteer, sk})
			}
			for _, c := range r.Categories {
				cats = append(cats, [2]any{r.volunteer, c})
			}
			continue
		}
		// The number was registered meanwhile: the account made for it goes, and the row
		// is decided against the one registered.
		acc := accountOf[r.Phone]
		if _, err := tx.exec(ctx, "DELETE FROM account_roles WHERE account_id = ?", acc); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, "DELETE FROM accounts WHERE id = ?", acc); err != nil {
			return err
		}
		reg, err := registeredBy(ctx, tx, []string{r.IDNumberIndex})
		if err != nil {
			return err
		}
		if got, ok := reg[r.IDNumberIndex]; ok {
			s.settleRegistered(r, got)
		} else {
			r.outcome, r.ErrorField, r.ErrorReason = zhiyuan.OutcomeFailed, "id_number", zhiyuan.Text("volunteer.id_number_taken")
		}
	}
	for _, l := range []struct {
		table, col string
		items      [][2]any
	}{{"volunteer_skills", "skill", lists}, {"volunteer_categories", "category", cats}} {
		for start := 0; start < len(l.items); start += 5000 {
			chunk := l.items[start:min(start+5000, len(l.items))]
			a := make([]any, 0, 2*len(chunk))
			for _, it := range chunk {
				a = append(a, it[0], it[1])
			}
			if _, err := tx.exec(ctx, "INSERT INTO "+l.table+" (volunteer_id, "+l.col+") VALUES "+repeatTuple("(?, ?)", len(chunk))+
				" ON CONFLICT DO NOTHING", a...); err != nil {
				return err
			}
		}
	}
	return nil
}

// insertSettled runs a multi-row INSERT (insert, without its RETURNING clause returning)
// and reads what it returns with scan. Usually no row meets a unique index: the INSERT then
// runs as it is, in a savepoint, without the checks before each row that ON CONFLICT makes
// (on PostgreSQL a speculative insertion per row, the dearest part of a batch). When a
// unique index refuses a row (registered meanwhile by another import or by the person),
// the savepoint is rolled back, reset forgets what scan saw, and the INSERT runs again with
// onConflict (ON CONFLICT DO NOTHING, which leaves such rows out, or a DO UPDATE): the
// database settles it either way.
func (s *Store) insertSettled(ctx context.Context, tx conn, insert, onConflict, returning string, args []any,
	reset func(), scan func(rowScanner) error) error {
	run := func(q string) error {
		res, err := tx.query(ctx, q, args...)
		if err != nil {
			return err
		}
		defer res.Close()
		for res.Next() {
			if err := scan(res); err != nil {
				return err
			}
		}
		return res.Err()
	}
	if _, err := tx.exec(ctx, "SAVEPOINT import_insert"); err != nil {
		return err
	}
	err := run(insert + " " + returning)
	if err == nil {
		_, err = tx.exec(ctx, "RELEASE SAVEPOINT import_insert")
		return err
	}
	if _, unique := s.dialect.uniqueViolation(err); !unique {
		return err
	}
	if _, err := tx.exec(ctx, "ROLLBACK TO SAVEPOINT import_insert"); err != nil {
		return err
	}
	if _, err := tx.exec(ctx, "RELEASE SAVEPOINT import_insert"); err != nil {
		return err
	}
	reset()
	return run(insert + " " + onConflict + " " + returning)
}

// FailImport marks an import failed: its job gave up.
func (s *Store) FailImport(ctx context.Context, id int64) error {
	_, err := s.writer().exec(ctx, `UPDATE imports SET status = 'failed', updated_at = ? WHERE id = ? AND status IN ('validating', 'running')`,
		s.now(), id)
	return err
}

// ImportProblemRow is a row that was not, or will not be, written: its cells as uploaded
// (sealed) and why.
type ImportProblemRow struct {
	Line      int
	RawSealed []byte
	Verdict   zhiyuan.ImportVerdict
	Field     string
	Reason    string
}

// ImportProblems calls fn for each row of the import with an error or a conflict (or that
// failed at the run), in the sheet's order, up to limit rows (0 for all).
func (s *Store) ImportProblems(ctx context.Context, id int64, limit int, fn func(ImportProblemRow) error) error {
	q := `SELECT line, raw_sealed, verdict, error_column, error_reason FROM import_rows
		WHERE import_id = ? AND (verdict IN ('error', 'conflict') OR outcome = 'failed') ORDER BY line`
	args := []any{id}
	if limit > 0 {
		q += " LIMIT ?"
		args = append(args, limit)
	}
	rows, err := s.reader().query(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var p ImportProblemRow
		var verdict string
		if err := rows.Scan(&p.Line, &p.RawSealed, &verdict, &p.Field, &p.Reason); err != nil {
			return err
		}
		p.Verdict = zhiyuan.ImportVerdict(verdict)
		if err := fn(p); err != nil {
			return err
		}
	}
	return rows.Err()
}
