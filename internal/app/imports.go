package app

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/riverqueue/river"

	"zhiyuan"
	"zhiyuan/internal/jobs"
	"zhiyuan/internal/pii"
	"zhiyuan/internal/roster"
	"zhiyuan/internal/sqlstore"
)

// Imports of member lists (名单导入): an organisation's admin (or an admin above it)
// uploads a sheet; every row is checked by the rules of registration (checkRegistration,
// the same as the form's) and staged; a job compares the rows with the registry (the
// preview); once confirmed, a job writes them in batches. See docs/imports.md.

// sealImportRow is the context the cells of a staged row are sealed under.
const sealImportRow = "import_row"

// importColumnOf is the sheet column a registration field comes from.
var importColumnOf = map[string]string{
	"name":             roster.ColName,
	"id_type":          roster.ColIDType,
	"id_number":        roster.ColIDNumber,
	"phone":            roster.ColPhone,
	"political_status": roster.ColPolitical,
	"org":              roster.ColOrg,
	"skills":           roster.ColSkills,
	"categories":       roster.ColCategories,
	"birth_date":       roster.ColBirthDate,
	"sex":              roster.ColSex,
	"region_code":      roster.ColRegion,
}

// importFieldOrder is the order the fields of a row are reported in: the first problem
// found is the row's reason, the others follow it.
var importFieldOrder = []string{"name", "id_type", "id_number", "birth_date", "sex", "phone", "region_code",
	"political_status", "org", "skills", "categories"}

// ImportTemplate writes the empty template (.xlsx): anyone may download it.
func (a *App) ImportTemplate(w io.Writer) error { return roster.WriteTemplate(w) }

// UploadImport reads an uploaded member list for an organisation the caller manages and
// stages its rows: a file that cannot be used is refused as a whole (422 naming "file"),
// every row is checked and gets its verdict, and the comparison with the registry is
// queued. Nothing is written to the registry until RunImport. The same file uploaded
// again is the same import (created false).
//
// The rows are read, checked and sealed a chunk at a time by a goroutine while the
// store's transaction stages the chunks before them (stager), so the reading overlaps
// the database's writing and no more than a few chunks of rows are held at once: a
// file refused on a later row (too many rows, a formula) rolls the transaction back.
func (a *App) UploadImport(ctx context.Context, p *zhiyuan.Principal, orgID int64, data []byte) (*zhiyuan.Import, bool, error) {
	o, err := a.AuthorizeOrg(ctx, p, zhiyuan.ActOrgManage, orgID)
	if err != nil {
		return nil, false, err
	}
	if o.Status != zhiyuan.OrgApproved {
		return nil, false, zhiyuan.Fail(zhiyuan.EConflict, "import.org_not_approved")
	}
	rd, err := roster.Open(data, roster.Members)
	if err != nil {
		return nil, false, err
	}
	defer rd.Close()
	targets, err := a.store.ImportTargets(ctx, o.ID)
	if err != nil {
		return nil, false, err
	}

	sum := sha256.Sum256(data)
	im := &zhiyuan.Import{OrgID: o.ID, UploadedBy: p.AccountID, FileHash: hex.EncodeToString(sum[:]), FileKind: rd.Kind}
	st := &stager{a: a, o: o, targets: targets, rd: rd, im: im}
	defer st.stop()
	created, err := a.store.CreateImport(ctx, im, st.next)
	if err != nil {
		return nil, false, err
	}
	if created {
		a.Log.InfoContext(ctx, "import uploaded", slog.Int64("import_id", im.ID), slog.Int64("org_id", o.ID),
			slog.Int("rows", im.Total))
	}
	return im, created, nil
}

// stageChunkRows is how many rows the stager checks and hands over at a time: the store
// compares and inserts them a thousand at a time too.
const stageChunkRows = 1000

// stager reads, checks and seals an upload's rows in a goroutine of its own, started by
// the first call of next, and hands them to the store a chunk at a time, in the file's
// order. At most two chunks wait in the channel, so the reading stays a little ahead of
// the database without holding the file's rows.
type stager struct {
	a       *App
	o       *zhiyuan.Organization
	targets map[string][]int64
	rd      *roster.Reader
	im      *zhiyuan.Import // Extra is set once the last chunk is handed over

	started bool
	chunks  chan stagedChunk
	done    chan struct{}
	wg      sync.WaitGroup
}

type stagedChunk struct {
	rows  []sqlstore.ImportRow
	extra []string // with the end: the ignored headers
	err   error
}

// next returns the next chunk of staged rows, or nil at the end (im.Extra is then set).
// A file refused while it is read is the error.
func (st *stager) next() ([]sqlstore.ImportRow, error) {
	if !st.started {
		st.started = true
		st.chunks, st.done = make(chan stagedChunk, 2), make(chan struct{})
		st.wg.Add(1)
		go st.run()
	}
	c, ok := <-st.chunks
	switch {
	case !ok:
		return nil, nil
	case c.err != nil:
		return nil, c.err
	case c.rows == nil:
		st.im.Extra = c.extra
	}
	return c.rows, nil
}

// stop ends the goroutine (the store stopped asking: done, or failed) and waits for it.
func (st *stager) stop() {
	if st.started {
		close(st.done)
		st.wg.Wait()
	}
}

// errStaged stops the reading once the store no longer wants rows.
var errStaged = errors.New("staging stopped")

func (st *stager) run() {
	defer st.wg.Done()
	defer close(st.chunks)
	send := func(c stagedChunk) error {
		select {
		case st.chunks <- c:
			return nil
		case <-st.done:
			return errStaged
		}
	}
	county := st.a.countyOf(st.o.RegionCode)
	seen := &importSeen{byIndex: map[string]int{}, byPhone: map[string]int{}}
	buf := make([]roster.Row, 0, stageChunkRows)
	flush := func() error {
		if len(buf) == 0 {
			return nil
		}
		rows, err := st.a.stageRows(st.o, county, st.targets, buf, seen)
		if err != nil {
			return err
		}
		buf = buf[:0]
		return send(stagedChunk{rows: rows})
	}
	f, err := st.rd.Each(func(r roster.Row) error {
		buf = append(buf, r)
		if len(buf) == stageChunkRows {
			return flush()
		}
		return nil
	})
	if err == nil {
		err = flush()
	}
	if errors.Is(err, errStaged) {
		return
	}
	if err != nil {
		send(stagedChunk{err: err})
		return
	}
	send(stagedChunk{extra: f.Extra})
}

// importSeen is, for the rows of an upload staged so far, the first line of each
// identity number (by blind index) and each phone: a later row with either is a
// duplicate inside the file.
type importSeen struct {
	byIndex map[string]int
	byPhone map[string]int
}

// countyOf returns the county an organisation is registered in (its own region, or the
// county above its street), or "" for one registered above county level.
func (a *App) countyOf(code string) string {
	county := ""
	for _, r := range a.Regions.Chain(code) {
		if a.Regions.IsCounty(r.Code) {
			county = r.Code
		}
	}
	return county
}

// stageRows checks each row of a chunk as a registration (without a password) and
// against the rows before it (seen, the chunks before and this one), and prepares it for
// the store. targets are the approved organisations, by name, that 所属组织 may name (the
// importing one and those under it); county is the organisation's county.
//
// The work of one row that needs no other row (checking it, sealing its cells and its
// number, the blind index) is most of an upload's time, so it is shared out among
// workers, one per core; the rows are then compared with the rows before them (the same
// number or phone twice) in the file's order, so the verdicts are those of one pass. The
// rows' cells in in are released as they are staged (only their lines are read after).
func (a *App) stageRows(o *zhiyuan.Organization, county string, targets map[string][]int64, in []roster.Row, seen *importSeen) ([]sqlstore.ImportRow, error) {
	out := make([]sqlstore.ImportRow, len(in))
	problems := make([]zhiyuan.Problems, len(in))
	workers := max(1, min(runtime.GOMAXPROCS(0), len(in)/250))
	var wg sync.WaitGroup
	errs := make([]error, workers)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(in); i += workers {
				var err error
				if out[i], problems[i], err = a.prepareRow(o, county, targets, in[i]); err != nil {
					errs[w] = err
					return
				}
				in[i].Values = nil // staged now: the cells as read can go while the rest is checked
			}
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	firstByIndex, firstByPhone := seen.byIndex, seen.byPhone
	for i, r := range in {
		sr := &out[i]
		probs := problems[i]
		problems[i] = nil
		add := func(field string, key zhiyuan.Msg, args ...any) {
			if probs == nil {
				probs = zhiyuan.Problems{}
			}
			probs.Add(field, key, args...)
		}
		if sr.IDNumberIndex != "" {
			if first, ok := firstByIndex[sr.IDNumberIndex]; ok {
				add("id_number", "import.row_duplicate_id", "line", first)
			} else {
				firstByIndex[sr.IDNumberIndex] = r.Line
			}
		}
		if sr.Phone != "" {
			if first, ok := firstByPhone[sr.Phone]; ok {
				add("phone", "import.row_duplicate_phone", "line", first)
			} else {
				firstByPhone[sr.Phone] = r.Line
			}
		}
		if len(probs) == 0 {
			continue
		}
		*sr = sqlstore.ImportRow{Line: r.Line, RawSealed: sr.RawSealed, Verdict: zhiyuan.VerdictError, Name: sr.Name, Phone: sr.Phone}
		var reasons []string
		for _, f := range importFieldOrder {
			if pr, ok := probs[f]; ok {
				if sr.ErrorField == "" {
					sr.ErrorField = f
				}
				reasons = append(reasons, importColumnOf[f]+"："+pr.Message())
			}
		}
		if sr.ErrorField == "" { // a field outside the sheet's columns (none today)
			for f, pr := range probs {
				sr.ErrorField = f
				reasons = append(reasons, pr.Message())
			}
		}
		sr.ErrorReason = strings.Join(reasons, "；")
	}
	return out, nil
}

// prepareRow checks one row as a registration and seals it, without looking at the other
// rows (safe to run for several rows at once): the row as it would be staged (its number
// sealed and indexed when it has a valid one), and its problems so far (nil for none).
func (a *App) prepareRow(o *zhiyuan.Organization, county string, targets map[string][]int64, r roster.Row) (sqlstore.ImportRow, zhiyuan.Problems, error) {
	raw, err := json.Marshal(r.Values)
	if err != nil {
		return sqlstore.ImportRow{}, nil, err
	}
	rawSealed, err := a.Keys.Seal(string(raw), sealImportRow)
	if err != nil {
		return sqlstore.ImportRow{}, nil, err
	}
	reg := RegisterInput{
		Name: r.Get(roster.ColName), IDNumber: r.Get(roster.ColIDNumber), Phone: r.Get(roster.ColPhone),
		RegionCode: r.Get(roster.ColRegion), BirthDate: r.Get(roster.ColBirthDate), Sex: roster.SexOf(r.Get(roster.ColSex)),
		PoliticalStatus: roster.PoliticalStatusOf(r.Get(roster.ColPolitical)),
		Skills:          zhiyuan.SplitList(r.Get(roster.ColSkills)), Categories: roster.CategoriesOf(r.Get(roster.ColCategories)),
	}
	if reg.RegionCode == "" {
		reg.RegionCode = county
	}
	t, ok := roster.IDTypeOf(r.Get(roster.ColIDType))
	reg.IDType = string(t)
	if !ok {
		reg.IDType = "unknown"
	}
	v, number, probs := a.checkRegistration(reg, false)
	var orgID int64 // 0: the importing organisation
	if name := r.Get(roster.ColOrg); name != "" && name != o.Name {
		if probs == nil && len(targets[name]) != 1 {
			probs = zhiyuan.Problems{}
		}
		switch ids := targets[name]; {
		case len(ids) == 0:
			probs.Add("org", "import.row_org_unknown", "name", name, "org", o.Name)
		case len(ids) > 1:
			probs.Add("org", "import.row_org_ambiguous", "name", name, "org", o.Name, "count", len(ids))
		default:
			orgID = ids[0]
		}
	}
	var index string
	if number != "" {
		index = a.Keys.BlindIndex(idIndexKind(v.IDType), number)
	}
	if len(probs) > 0 {
		return sqlstore.ImportRow{Line: r.Line, RawSealed: rawSealed, Name: v.Name, Phone: v.Phone, IDNumberIndex: index}, probs, nil
	}
	sealed, err := a.Keys.Seal(number, "id_number")
	if err != nil {
		return sqlstore.ImportRow{}, nil, err
	}
	return sqlstore.ImportRow{Line: r.Line, RawSealed: rawSealed, Name: v.Name, Phone: v.Phone, IDType: v.IDType,
		IDNumberSealed: sealed, IDNumberIndex: index, IDNumberMasked: pii.MaskIDNumber(number), RegionCode: v.RegionCode,
		BirthDate: v.BirthDate, Sex: v.Sex, Minor: v.Minor, PoliticalStatus: v.PoliticalStatus, Skills: v.Skills,
		Categories: v.Categories, Verdict: sqlstore.VerdictUnchecked, OrgID: orgID}, nil, nil
}

// Import returns an import of an organisation the caller manages.
func (a *App) Import(ctx context.Context, p *zhiyuan.Principal, id int64) (*zhiyuan.Import, *zhiyuan.Organization, error) {
	im, err := a.store.FindImport(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	o, err := a.AuthorizeOrg(ctx, p, zhiyuan.ActOrgManage, im.OrgID)
	if zhiyuan.ErrorCode(err) == zhiyuan.EForbidden {
		// Whether an import exists is itself not for others to learn.
		return nil, nil, zhiyuan.Fail(zhiyuan.ENotFound, "notfound.import")
	}
	if err != nil {
		return nil, nil, err
	}
	return im, o, nil
}

// RecentImports lists the latest imports of an organisation the caller manages.
func (a *App) RecentImports(ctx context.Context, p *zhiyuan.Principal, orgID int64) ([]*zhiyuan.Import, error) {
	if _, err := a.AuthorizeOrg(ctx, p, zhiyuan.ActOrgManage, orgID); err != nil {
		return nil, err
	}
	return a.store.RecentImports(ctx, orgID, 10)
}

// ImportRowErrors returns the first limit rows of an import that will not be (or were
// not) written, with the column and the reason.
func (a *App) ImportRowErrors(ctx context.Context, p *zhiyuan.Principal, id int64, limit int) ([]zhiyuan.ImportRowError, error) {
	if _, _, err := a.Import(ctx, p, id); err != nil {
		return nil, err
	}
	out := []zhiyuan.ImportRowError{}
	err := a.store.ImportProblems(ctx, id, limit, func(r sqlstore.ImportProblemRow) error {
		out = append(out, zhiyuan.ImportRowError{Line: r.Line, Column: importColumnOf[r.Field], Reason: r.Reason, Verdict: r.Verdict})
		return nil
	})
	return out, err
}

// WriteImportErrors writes the error sheet of an import: the rows that will not be (or
// were not) written, as uploaded, with the reason; corrected, it can be uploaded again.
// It holds identity numbers in clear, so it is audited.
func (a *App) WriteImportErrors(ctx context.Context, p *zhiyuan.Principal, id int64, w io.Writer) error {
	im, o, err := a.Import(ctx, p, id)
	if err != nil {
		return err
	}
	if im.Purged {
		return importErrorsExpired()
	}
	if err := a.audit(ctx, p, "import.errors", "import", strconv.FormatInt(id, 10), o.RegionCode, o.ID, ""); err != nil {
		return err
	}
	var rows []roster.ErrorRow
	err = a.store.ImportProblems(ctx, id, 0, func(r sqlstore.ImportProblemRow) error {
		if len(r.RawSealed) == 0 {
			// Cleared when its person closed their account: the line and reason only.
			rows = append(rows, roster.ErrorRow{Reason: r.Reason})
			return nil
		}
		raw, err := a.Keys.Open(r.RawSealed, sealImportRow)
		if err != nil {
			return err
		}
		var vals []string
		if err := json.Unmarshal([]byte(raw), &vals); err != nil {
			return err
		}
		rows = append(rows, roster.ErrorRow{Values: vals, Reason: r.Reason})
		return nil
	})
	if err != nil {
		return err
	}
	i := 0
	return roster.WriteErrors(w, func() (roster.ErrorRow, bool, error) {
		if i == len(rows) {
			return roster.ErrorRow{}, false, nil
		}
		i++
		return rows[i-1], true, nil
	})
}

// importErrorsExpired is the answer for the error sheet of an import whose staged rows
// the retention sweep cleared.
func importErrorsExpired() error {
	return zhiyuan.Fail(zhiyuan.ENotFound, "import.errors_expired", "days", int(zhiyuan.ImportRetention/(24*time.Hour)))
}

// PurgeImportRows clears the personal cells of imports over (or left unconfirmed) for
// longer than zhiyuan.ImportRetention before now: the periodic sweep. It returns how
// many imports it purged.
func (a *App) PurgeImportRows(ctx context.Context, now time.Time) (int, error) {
	n, err := a.store.PurgeImportRows(ctx, now.Add(-zhiyuan.ImportRetention))
	if n > 0 {
		a.Log.InfoContext(ctx, "import rows purged", slog.Int("imports", n))
	}
	return n, err
}

// RunImport starts writing a ready import, once the admin confirmed: audited, and only
// once (a second confirmation is a conflict).
func (a *App) RunImport(ctx context.Context, p *zhiyuan.Principal, id int64) (*zhiyuan.Import, error) {
	im, o, err := a.Import(ctx, p, id)
	if err != nil {
		return nil, err
	}
	detail := "new=" + strconv.Itoa(im.New) + " existing=" + strconv.Itoa(im.Existing)
	entry := a.auditEntry(ctx, p, "import.run", "import", strconv.FormatInt(id, 10), o.RegionCode, o.ID, detail)
	if err := a.store.StartImport(ctx, id, entry); err != nil {
		return nil, err
	}
	im, _, err = a.Import(ctx, p, id)
	return im, err
}

type importWorker struct {
	river.WorkerDefaults[jobs.Import]
	a *App
}

// Work checks or writes batches of the import until it is through or jobs.ImportSlice
// has passed; then it snoozes, to be picked up again at once, so no attempt runs near the
// job timeout. Every batch commits with its rows' outcome, so a cut attempt loses at most
// the batch it was writing, which the next attempt writes again.
func (w *importWorker) Work(ctx context.Context, job *river.Job[jobs.Import]) error {
	a, args := w.a, job.Args
	slice := jobs.ImportSlice
	if dl, ok := ctx.Deadline(); ok {
		// Half the attempt's timeout at most, so a slice ends well before it.
		slice = min(slice, time.Until(dl)/2)
	}
	deadline := time.Now().Add(slice)
	for {
		var done bool
		var err error
		switch args.Phase {
		case jobs.ImportValidate:
			done, err = a.store.ClassifyImport(ctx, args.ImportID, 4*zhiyuan.ImportBatchRows)
		case jobs.ImportRun:
			done, err = a.store.RunImportBatch(ctx, args.ImportID, zhiyuan.ImportBatchRows)
		default:
			return river.JobCancel(errors.New("unknown import phase"))
		}
		if zhiyuan.ErrorCode(err) == zhiyuan.ENotFound {
			return river.JobCancel(errors.New("import no longer exists"))
		}
		if err != nil {
			if ctx.Err() != nil {
				return river.JobSnooze(0) // shutting down: the next server resumes
			}
			if job.Attempt >= job.MaxAttempts {
				if ferr := a.store.FailImport(context.WithoutCancel(ctx), args.ImportID); ferr != nil {
					a.Log.ErrorContext(ctx, "import not marked failed", slog.Int64("import_id", args.ImportID), slog.String("error", ferr.Error()))
				}
			}
			return err
		}
		if done {
			if args.Phase == jobs.ImportRun {
				a.Log.InfoContext(ctx, "import done", slog.Int64("import_id", args.ImportID))
			}
			return nil
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return river.JobSnooze(0)
		}
	}
}
