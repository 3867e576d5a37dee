package zhiyuan

import "time"

// ImportStatus is where an import of a member list stands.
type ImportStatus string

// Import statuses, in the order an import goes through them.
const (
	ImportValidating ImportStatus = "validating" // rows read and checked; being compared with the registry
	ImportReady      ImportStatus = "ready"      // preview ready: waiting for the admin to confirm
	ImportRunning    ImportStatus = "running"    // confirmed: the job writes the rows in batches
	ImportDone       ImportStatus = "done"       // every row handled
	ImportFailed     ImportStatus = "failed"     // the job gave up; nothing more will be written
)

// StatusChinese names the import's status for pages.
func (im *Import) StatusChinese() string {
	switch im.Status {
	case ImportValidating:
		return "校验中"
	case ImportReady:
		return "待确认"
	case ImportRunning:
		return "导入中"
	case ImportDone:
		return "已完成"
	}
	return "失败"
}

// ImportVerdict is what the preview says will happen to one row.
type ImportVerdict string

// Import verdicts.
const (
	VerdictNew      ImportVerdict = "new"      // a new volunteer will be registered
	VerdictExisting ImportVerdict = "existing" // already registered: will become a member
	VerdictConflict ImportVerdict = "conflict" // the number is registered with another name or phone
	VerdictError    ImportVerdict = "error"    // the row breaks a rule of registration
)

// ImportOutcome is what the job did with one row.
type ImportOutcome string

// Import outcomes.
const (
	OutcomeCreated ImportOutcome = "created" // new volunteer, account (unclaimed) and membership
	OutcomeLinked  ImportOutcome = "linked"  // existing volunteer made a member
	OutcomeSkipped ImportOutcome = "skipped" // nothing to do: already a member
	OutcomeFailed  ImportOutcome = "failed"  // an error or a conflict: nothing written
)

// Import is one uploaded member list of an organisation and what became of it.
type Import struct {
	ID         int64
	OrgID      int64
	UploadedBy int64
	FileHash   string // SHA-256 of the file: the same file uploaded again is the same import
	FileKind   string // "xlsx" or "csv"
	Status     ImportStatus
	Extra      []string // headers of columns that were ignored
	// Preview counts, by verdict.
	New, Existing, Conflicts, Errors int
	// Run counters.
	Total, Processed, Created, Linked, Skipped, Failed int
	CreatedAt, UpdatedAt                               time.Time
	FinishedAt                                         time.Time
	// Purged says the retention sweep cleared the staged rows' personal cells
	// (ImportRetention): the error sheet is gone.
	Purged bool
}

// ImportRowError is one row of an import that will not be (or was not) written, as the
// preview and the error sheet show it: the sheet's row number, the column (its Chinese
// header) and the reason in Chinese.
type ImportRowError struct {
	Line    int
	Column  string
	Reason  string
	Verdict ImportVerdict
}

// Percent is how far the run is, 0–100.
func (im *Import) Percent() int {
	if im.Total == 0 {
		if im.Status == ImportDone {
			return 100
		}
		return 0
	}
	return im.Processed * 100 / im.Total
}
