package app

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"zhiyuan"
	"zhiyuan/internal/pii"
	"zhiyuan/internal/proof"
	"zhiyuan/internal/sqlstore"
)

// Proofs of service (志愿服务记录证明): free, made from the ledger's confirmed records. A
// request for the same records as the newest proof of the same scope returns that proof;
// new proofs are limited per account (Config.ProofsPerAccount per ProofWindow). "Whoever records certifies": a proof for one organisation lists the
// records it recorded and is issued in its name; a platform proof lists every record,
// grouped by the organisation that recorded it. Each proof keeps the entries it covers,
// so its check page can say when a later correction changed them (superseded).

// PlatformName is the issuer printed on platform proofs.
const PlatformName = "志愿服务信息平台"

// SetProofFont fixes the font proofs use, nil for none (proofs then fail with a clear
// message instead of the App looking for one itself): the binary calls it with what it
// found from its configuration.
func (a *App) SetProofFont(f *proof.Font) {
	a.fontOnce.Do(func() {})
	a.Font = f
}

// proofFont returns the CJK font, looking for one on first use when the binary did not
// set it (tests, tools).
func (a *App) proofFont() (*proof.Font, error) {
	a.fontOnce.Do(func() {
		if a.Font == nil {
			a.Font, _ = proof.FindFont("")
		}
	})
	if a.Font == nil {
		return nil, zhiyuan.Fail(zhiyuan.EConflict, "proof.no_font", "err", proof.ErrNoFont)
	}
	return a.Font, nil
}

// proofRecord is one printed record and the ledger entries behind it.
type proofRecord struct {
	rec     proof.ServiceRecord
	orgID   int64
	orgName string
	entries []int64
}

// buildRecords folds the ledger into printed records: each confirmed attended or make-up
// entry with the confirmed corrections that point at it (directly or through another
// correction), keeping those whose net time is above zero. Pending entries are not on
// proofs: only confirmed hours are certified.
func buildRecords(ledger []sqlstore.ProofEntry, orgID int64) []proofRecord {
	byID := make(map[int64]*sqlstore.ProofEntry, len(ledger))
	for i := range ledger {
		byID[ledger[i].ID] = &ledger[i]
	}
	root := func(e *sqlstore.ProofEntry) *sqlstore.ProofEntry {
		for steps := 0; e != nil && e.Kind == zhiyuan.HourCorrection && steps < 64; steps++ {
			e = byID[e.CorrectsID]
		}
		return e
	}
	recs := map[int64]*proofRecord{}
	var order []int64
	for i := range ledger {
		e := &ledger[i]
		if !e.Confirmed {
			continue
		}
		r := root(e)
		if r == nil || !r.Confirmed || (orgID != 0 && r.OrgID != orgID) {
			continue
		}
		pr, ok := recs[r.ID]
		if !ok {
			pr = &proofRecord{orgID: r.OrgID, orgName: r.OrgName, rec: recordOf(r)}
			recs[r.ID] = pr
			order = append(order, r.ID)
		}
		if e != r {
			pr.rec.Minutes += e.Minutes
		}
		pr.entries = append(pr.entries, e.ID)
	}
	out := make([]proofRecord, 0, len(order))
	for _, id := range order {
		if recs[id].rec.Minutes > 0 {
			out = append(out, *recs[id])
		}
	}
	return out
}

// recordOf describes a root entry as a printed record.
func recordOf(e *sqlstore.ProofEntry) proof.ServiceRecord {
	r := proof.ServiceRecord{Activity: e.Activity, Place: e.Address, Minutes: e.Minutes, Org: e.Organiser, Date: e.SessionStart}
	if r.Date.IsZero() {
		r.Date = e.RecordedAt
	}
	if loc, err := time.LoadLocation(e.TimeZone); err == nil && e.TimeZone != "" {
		r.Date = r.Date.In(loc)
	}
	if r.Activity == "" {
		r.Activity = "志愿服务"
	}
	if r.Org == "" {
		r.Org = e.OrgName
	}
	var content []string
	if e.Category != "" {
		content = append(content, zhiyuan.Category(e.Category).Chinese())
	}
	if d := strings.TrimSpace(e.Description); d != "" {
		if utf8.RuneCountInString(d) > 60 {
			d = string([]rune(d)[:60]) + "…"
		}
		content = append(content, d)
	}
	r.Content = strings.Join(content, "：")
	if e.Kind == zhiyuan.HourMakeup {
		r.Content = "（补录）" + r.Content
	}
	return r
}

// IssueProof makes a proof of the caller's confirmed records, for one organisation
// (orgID) or the whole platform (0), stores it with the entries it covers and returns it
// with created true. When the newest proof of that scope covers the same records (same
// chain head, last sequence number and records hash) and is not superseded, it returns
// that one with created false and stores nothing. New proofs count against the caller's
// limit (throttleProofs). The PDF is rendered from a consistent read of the ledger,
// outside any transaction.
func (a *App) IssueProof(ctx context.Context, p *zhiyuan.Principal, orgID int64) (sp *zhiyuan.ServiceProof, created bool, err error) {
	v, err := a.MyVolunteer(ctx, p)
	if err != nil {
		return nil, false, err
	}
	font, err := a.proofFont()
	if err != nil {
		return nil, false, err
	}
	issuer := PlatformName
	if orgID != 0 {
		o, err := a.store.FindOrganizationByID(ctx, orgID)
		if err != nil {
			return nil, false, zhiyuan.FieldFail(zhiyuan.EInvalid, "organization_id", "notfound.org")
		}
		issuer = o.Name
	}
	ledger, err := a.store.ProofLedger(ctx, v.ID)
	if err != nil {
		return nil, false, err
	}
	records := buildRecords(ledger, orgID)
	if orgID != 0 && len(records) == 0 {
		return nil, false, zhiyuan.FieldFail(zhiyuan.EInvalid, "organization_id", "proof.no_hours_in_org")
	}
	sp = &zhiyuan.ServiceProof{VolunteerID: v.ID, OrgID: orgID, IssuerName: issuer, MaskedName: pii.MaskName(v.Name),
		VolunteerNo: v.VolunteerNo, RecordCount: len(records), ChainHead: zhiyuan.GenesisHash, CreatedBy: p.AccountID}
	if n := len(ledger); n > 0 {
		sp.ChainHead, sp.LastSeq = ledger[n-1].Hash, ledger[n-1].Seq
	}
	// Group per recording organisation, organisations in the order of their first record.
	doc := &proof.Proof{VolunteerName: v.Name, IDLabel: idLabel(v.IDType), MaskedIDNumber: v.IDNumberMasked,
		VolunteerNo: v.VolunteerNo, PlatformName: PlatformName, ChainHead: hex.EncodeToString(sp.ChainHead)}
	if orgID != 0 {
		doc.Issuer = issuer
	}
	if err := a.proofHonours(ctx, doc, v.ID, orgID); err != nil {
		return nil, false, err
	}
	groupAt := map[int64]int{}
	covered := map[int64]bool{}
	for _, r := range records {
		i, ok := groupAt[r.orgID]
		if !ok {
			i = len(doc.Groups)
			groupAt[r.orgID] = i
			doc.Groups = append(doc.Groups, proof.RecordGroup{Org: r.orgName})
		}
		doc.Groups[i].Records = append(doc.Groups[i].Records, r.rec)
		sp.TotalMinutes += r.rec.Minutes
		for _, id := range r.entries {
			covered[id] = true
			sp.EntryIDs = append(sp.EntryIDs, id)
		}
	}
	// The records hash covers the covered entries' own hashes in chain order, so the
	// proof names exactly which links of the ledger it was made from.
	h := sha256.New()
	for _, e := range ledger {
		if covered[e.ID] {
			h.Write(e.Hash)
		}
	}
	sp.RecordsHash = h.Sum(nil)
	sort.Slice(sp.EntryIDs, func(i, j int) bool { return sp.EntryIDs[i] < sp.EntryIDs[j] })
	// Nothing changed since the newest proof of this scope: hand that one out again
	// instead of rendering and storing another PDF of the same records.
	if same, err := a.store.LatestSameProof(ctx, sp); err != nil || same != nil {
		return same, false, err
	}
	if err := a.throttleProofs(ctx, p); err != nil {
		return nil, false, err
	}
	doc.StarLevel = zhiyuan.StarLevel(sumConfirmed(ledger))
	for attempt := 0; ; attempt++ {
		sp.Code = proof.NewProofCode()
		doc.Code = sp.Code
		doc.IssuedAt = a.store.Now()
		doc.VerifyURL = a.Config.BaseURL + "/verify/proof/" + sp.Code
		var buf bytes.Buffer
		if err := proof.RenderProof(&buf, doc, font); err != nil {
			return nil, false, err
		}
		// The same check again, settled under a lock: of two identical requests at once,
		// the second gets the first one's proof.
		same, err := a.store.CreateProofUnlessSame(ctx, sp, buf.Bytes())
		if zhiyuan.ErrorCode(err) == zhiyuan.EConflict && attempt < 3 {
			continue // 60 random bits collided: draw another code
		}
		if err != nil {
			return nil, false, err
		}
		if same != nil {
			return same, false, nil
		}
		return sp, true, nil
	}
}

func sumConfirmed(ledger []sqlstore.ProofEntry) int64 {
	var t int64
	for _, e := range ledger {
		if e.Confirmed {
			t += e.Minutes
		}
	}
	return t
}

func idLabel(t zhiyuan.IDType) string {
	switch t {
	case zhiyuan.IDResident:
		return "居民身份证"
	case zhiyuan.IDHKMacaoPermit:
		return "港澳居民来往内地通行证"
	case zhiyuan.IDTaiwanPermit:
		return "台湾居民来往大陆通行证"
	case zhiyuan.IDPassport:
		return "护照"
	}
	return ""
}

// MyProofs lists the caller's proofs, newest first.
func (a *App) MyProofs(ctx context.Context, p *zhiyuan.Principal) ([]zhiyuan.ServiceProof, error) {
	v, err := a.MyVolunteer(ctx, p)
	if err != nil {
		return nil, err
	}
	return a.store.VolunteerProofs(ctx, v.ID, 50)
}

// MyProofPDF returns a proof's PDF to the volunteer it belongs to. Anyone else gets
// ENotFound, so codes cannot be probed for other people's proofs.
func (a *App) MyProofPDF(ctx context.Context, p *zhiyuan.Principal, code string) ([]byte, error) {
	v, err := a.MyVolunteer(ctx, p)
	if err != nil {
		return nil, err
	}
	canon, ok := proof.NormalizeProofCode(code)
	if !ok {
		return nil, zhiyuan.Fail(zhiyuan.ENotFound, "notfound.proof")
	}
	owner, pdf, err := a.store.ProofPDF(ctx, canon)
	if err != nil {
		return nil, err
	}
	if owner != v.ID {
		return nil, zhiyuan.Fail(zhiyuan.ENotFound, "notfound.proof")
	}
	return pdf, nil
}

// CheckProof looks a proof up by its code for anyone: genuine or not, what it
// certified (the volunteer number masked), and whether corrections since have changed
// its records.
func (a *App) CheckProof(ctx context.Context, code string) (*zhiyuan.ServiceProof, error) {
	canon, ok := proof.NormalizeProofCode(code)
	if !ok {
		return nil, zhiyuan.Fail(zhiyuan.ENotFound, "proof.code_unknown")
	}
	sp, err := a.store.FindProofByCode(ctx, canon)
	if zhiyuan.ErrorCode(err) == zhiyuan.ENotFound {
		return nil, zhiyuan.Fail(zhiyuan.ENotFound, "proof.code_unknown")
	}
	if err != nil {
		return nil, err
	}
	// The proof is only as good as the ledger behind it: its head must still be there.
	ok, err = a.store.ProofHeadMatches(ctx, sp.VolunteerID, sp.LastSeq, sp.ChainHead)
	sp.LedgerMismatch = !ok
	// The check is public and the volunteer number is a login: only a masked form leaves.
	sp.VolunteerNo = pii.MaskVolunteerNo(sp.VolunteerNo)
	return sp, err
}
