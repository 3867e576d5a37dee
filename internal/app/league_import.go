package app

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"log/slog"
	"slices"
	"strconv"
	"strings"

	"zhiyuan"
	"zhiyuan/internal/roster"
)

// League roster imports (团员总数导入): a unit's admin (for the units of its subtree) or a
// regional admin (for the units of its regions) sets many units' roster counts from one
// sheet. The upload is read and checked at once and kept as a preview naming each bad
// row; applying it sets every good row's count, with its audit entry, in one transaction.

// LeagueImportScope checks that p may import roster counts for orgID (0: for the units p
// manages, whichever they are) and returns that unit (nil for p's whole scope). An import
// sets only units p manages, and with a unit only it and those below it.
func (a *App) LeagueImportScope(ctx context.Context, p *zhiyuan.Principal, orgID int64) (*zhiyuan.Organization, error) {
	if orgID != 0 {
		return a.AuthorizeOrg(ctx, p, zhiyuan.ActOrgManage, orgID)
	}
	if p == nil {
		return nil, zhiyuan.Fail(zhiyuan.EUnauthorized, "auth.login_required")
	}
	sc := a.orgScope(p)
	if !sc.All && len(sc.RegionPrefixes) == 0 && len(sc.OrgIDs) == 0 {
		// Nothing to manage: ask the one authorisation function, which refuses.
		return nil, a.authorize(ctx, p, zhiyuan.ActRegionManage, zhiyuan.Resource{})
	}
	return nil, nil
}

// inLeagueScope reports whether o is a unit an import of p for unit (nil: p's whole
// scope) may set.
func (a *App) inLeagueScope(p *zhiyuan.Principal, unit, o *zhiyuan.Organization) bool {
	if unit != nil && o.ID != unit.ID && !slices.Contains(o.Ancestors, unit.ID) {
		return false
	}
	return a.CanManageOrg(p, o)
}

// LeagueRosterTemplate writes the League roster template for p: the approved units an
// import of p for orgID (0: p's whole scope) may set, with their current counts.
func (a *App) LeagueRosterTemplate(ctx context.Context, p *zhiyuan.Principal, orgID int64, w io.Writer) error {
	unit, err := a.LeagueImportScope(ctx, p, orgID)
	if err != nil {
		return err
	}
	sc, under := a.orgScope(p), ""
	if unit != nil {
		under, err = a.store.OrgPath(ctx, unit.ID)
		if err != nil {
			return err
		}
	}
	list, codes, err := a.store.LeagueRosterUnits(ctx, zhiyuan.OrgScope{All: sc.All, RegionPrefixes: sc.RegionPrefixes, OrgIDs: sc.OrgIDs},
		under, zhiyuan.LeagueRosterImportMaxRows)
	if err != nil {
		return err
	}
	units := make([]roster.LeagueUnit, len(list))
	for i, u := range list {
		units[i] = roster.LeagueUnit{ID: u.OrgID, Name: u.Name, CreditCode: codes[i], Roster: u.Own.Roster}
	}
	return roster.WriteLeagueTemplate(w, units)
}

// UploadLeagueRosters reads an uploaded roster list for p (orgID: for that unit's subtree,
// 0: for p's whole scope), checks every row and keeps it as a preview: nothing is set
// until ApplyLeagueRosters. A file that cannot be used is refused as a whole (422 naming
// "file"); a bad row is kept with its reason.
func (a *App) UploadLeagueRosters(ctx context.Context, p *zhiyuan.Principal, orgID int64, data []byte) (*zhiyuan.LeagueRosterImport, error) {
	unit, err := a.LeagueImportScope(ctx, p, orgID)
	if err != nil {
		return nil, err
	}
	f, err := roster.ReadAs(data, roster.LeagueRosters)
	if err != nil {
		return nil, err
	}
	rows, err := a.checkLeagueRows(ctx, p, unit, f.Rows)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(data)
	im := &zhiyuan.LeagueRosterImport{UploadedBy: p.AccountID, FileHash: hex.EncodeToString(sum[:]), FileKind: f.Kind,
		Total: len(rows), Rows: rows}
	if unit != nil {
		im.OrgID = unit.ID
	}
	for _, r := range rows {
		switch {
		case r.Bad():
			im.Errors++
		case r.Count != r.Old:
			im.Changes++
		}
	}
	if err := a.store.CreateLeagueRosterImport(ctx, im); err != nil {
		return nil, err
	}
	a.Log.InfoContext(ctx, "league roster import uploaded", slog.Int64("import_id", im.ID), slog.Int("rows", im.Total),
		slog.Int("errors", im.Errors))
	return im, nil
}

// checkLeagueRows finds each row's unit and reads its count. A unit is named by its
// number on the platform (what the template writes), its credit code (unique) or its
// name, which may match several units of the tree: the row is good when exactly one
// approved unit in scope matches. A unit named by two rows makes both bad, since the file
// does not say which count is right.
func (a *App) checkLeagueRows(ctx context.Context, p *zhiyuan.Principal, unit *zhiyuan.Organization, in []roster.Row) ([]zhiyuan.LeagueRosterRow, error) {
	type ref struct {
		id         int64
		idText     string
		code, name string
	}
	refs := make([]ref, len(in))
	var ids []int64
	var codes, names []string
	for i, r := range in {
		f := ref{idText: r.Get(roster.ColUnitID), code: strings.ToUpper(r.Get(roster.ColUnitCreditCode)), name: r.Get(roster.ColUnitName)}
		if f.idText != "" {
			f.id, _ = strconv.ParseInt(f.idText, 10, 64)
			ids = append(ids, f.id)
		} else if f.code != "" {
			codes = append(codes, f.code)
		} else if f.name != "" {
			names = append(names, f.name)
		}
		refs[i] = f
	}
	slices.Sort(ids)
	cands, rosters, err := a.store.LeagueRosterCandidates(ctx, slices.Compact(ids), uniq(codes), uniq(names))
	if err != nil {
		return nil, err
	}
	byID, byName, byCode := map[int64][]*zhiyuan.Organization{}, map[string][]*zhiyuan.Organization{}, map[string][]*zhiyuan.Organization{}
	for _, o := range cands {
		byID[o.ID] = append(byID[o.ID], o)
		byName[o.Name] = append(byName[o.Name], o)
		if o.CreditCode != "" {
			byCode[o.CreditCode] = append(byCode[o.CreditCode], o)
		}
	}
	out := make([]zhiyuan.LeagueRosterRow, len(in))
	lines := map[int64][]int{} // unit → the rows naming it
	unitCol := make([]string, len(in))
	for i, r := range in {
		f := refs[i]
		row := &out[i]
		row.Line = r.Line
		fail := func(col string, key zhiyuan.Msg, args ...any) {
			if row.Reason == "" {
				row.Column, row.Reason = col, zhiyuan.Text(key, args...)
			}
		}
		switch {
		case f.idText != "":
			row.Unit, unitCol[i] = f.idText, roster.ColUnitID
			a.matchLeagueUnit(p, unit, byID[f.id], row, roster.ColUnitID, fail)
		case f.code != "":
			row.Unit, unitCol[i] = f.code, roster.ColUnitCreditCode
			a.matchLeagueUnit(p, unit, byCode[f.code], row, roster.ColUnitCreditCode, fail)
		case f.name != "":
			row.Unit, unitCol[i] = f.name, roster.ColUnitName
			a.matchLeagueUnit(p, unit, byName[f.name], row, roster.ColUnitName, fail)
		default:
			fail(roster.ColUnitName, "league.import_unit_required")
		}
		if row.OrgID != 0 && f.name != "" && f.name != row.OrgName {
			fail(roster.ColUnitName, "league.import_unit_mismatch", "column", unitCol[i], "unit", row.Unit, "name", row.OrgName)
		}
		if row.Reason == "" {
			lines[row.OrgID] = append(lines[row.OrgID], i)
		}
		n, err := zhiyuan.ParseLeagueRoster(r.Get(roster.ColLeagueRoster))
		if err != nil {
			if row.Reason == "" {
				row.Column, row.Reason = roster.ColLeagueRoster, zhiyuan.ErrorFields(err)["count"]
			}
		} else {
			row.Count, row.Old = n, rosters[row.OrgID]
		}
	}
	for _, idx := range lines {
		if len(idx) < 2 {
			continue
		}
		nums := make([]string, len(idx))
		for j, i := range idx {
			nums[j] = strconv.Itoa(out[i].Line)
		}
		for _, i := range idx {
			out[i].Column, out[i].Reason = unitCol[i], zhiyuan.Text("league.import_duplicate", "lines", strings.Join(nums, "、"))
		}
	}
	for i := range out {
		if out[i].Bad() {
			out[i].OrgID, out[i].Count, out[i].Old = 0, 0, 0
		}
	}
	return out, nil
}

// matchLeagueUnit picks the row's unit among the organisations its name or code matches:
// exactly one approved unit in scope, else the reason why not (ambiguous, out of scope,
// not approved, unknown).
func (a *App) matchLeagueUnit(p *zhiyuan.Principal, unit *zhiyuan.Organization, matches []*zhiyuan.Organization,
	row *zhiyuan.LeagueRosterRow, col string, fail func(string, zhiyuan.Msg, ...any)) {
	var ok, pending []*zhiyuan.Organization
	for _, o := range matches {
		if !a.inLeagueScope(p, unit, o) {
			continue
		}
		if o.Status == zhiyuan.OrgApproved {
			ok = append(ok, o)
		} else {
			pending = append(pending, o)
		}
	}
	switch {
	case len(ok) == 1:
		row.OrgID, row.OrgName = ok[0].ID, ok[0].Name
	case len(ok) > 1:
		fail(col, "league.import_unit_ambiguous", "n", len(ok), "name", row.Unit)
	case len(pending) > 0:
		fail(col, "league.import_unit_not_approved", "name", row.Unit)
	case len(matches) > 0:
		fail(col, "league.import_unit_out_of_scope", "name", row.Unit)
	case col == roster.ColUnitCreditCode:
		fail(col, "league.import_unit_unknown_code", "code", row.Unit)
	case col == roster.ColUnitID:
		fail(col, "league.import_unit_unknown_id", "id", row.Unit)
	default:
		fail(col, "league.import_unit_unknown_name", "name", row.Unit)
	}
}

// uniq returns the distinct values of list.
func uniq(list []string) []string {
	slices.Sort(list)
	return slices.Compact(list)
}

// LeagueRosterImportView is a League roster import as its page and the API show it: the
// import, the unit it is for (nil: the uploader's scope), and the first bad rows and
// changes (zhiyuan.LeagueRosterPreviewRows of each).
type LeagueRosterImportView struct {
	*zhiyuan.LeagueRosterImport
	Unit    *zhiyuan.Organization
	Bad     []zhiyuan.LeagueRosterRow
	Changed []zhiyuan.LeagueRosterRow
}

// leagueImportFor returns the import id to whoever may see it: its uploader, or an
// admin of the unit it is for. To anyone else it does not exist.
func (a *App) leagueImportFor(ctx context.Context, p *zhiyuan.Principal, id int64) (*zhiyuan.LeagueRosterImport, *zhiyuan.Organization, error) {
	if p == nil {
		return nil, nil, zhiyuan.Fail(zhiyuan.EUnauthorized, "auth.login_required")
	}
	im, err := a.store.FindLeagueRosterImport(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	var unit *zhiyuan.Organization
	if im.OrgID != 0 {
		if unit, err = a.store.FindOrganizationByID(ctx, im.OrgID); err != nil {
			return nil, nil, err
		}
	}
	if im.UploadedBy != p.AccountID && (unit == nil || !a.CanManageOrg(p, unit)) {
		return nil, nil, zhiyuan.Fail(zhiyuan.ENotFound, "notfound.league_import")
	}
	return im, unit, nil
}

// LeagueRosterImport returns an import with its preview to whoever may see it.
func (a *App) LeagueRosterImport(ctx context.Context, p *zhiyuan.Principal, id int64) (*LeagueRosterImportView, error) {
	im, unit, err := a.leagueImportFor(ctx, p, id)
	if err != nil {
		return nil, err
	}
	v := &LeagueRosterImportView{LeagueRosterImport: im, Unit: unit}
	if v.Bad, err = a.store.LeagueRosterImportRows(ctx, id, true, zhiyuan.LeagueRosterPreviewRows); err != nil {
		return nil, err
	}
	if v.Changed, err = a.store.LeagueRosterImportRows(ctx, id, false, zhiyuan.LeagueRosterPreviewRows); err != nil {
		return nil, err
	}
	return v, nil
}

// ApplyLeagueRosters applies a checked import: every good row's count is set, each change
// audited (org.league_roster, as a single edit is), in one transaction. The one applying
// must still manage every unit the import sets; an import is applied once (EConflict
// after).
func (a *App) ApplyLeagueRosters(ctx context.Context, p *zhiyuan.Principal, id int64) (*LeagueRosterImportView, error) {
	im, _, err := a.leagueImportFor(ctx, p, id)
	if err != nil {
		return nil, err
	}
	if im.Status != zhiyuan.LeagueRosterReady {
		return nil, zhiyuan.Fail(zhiyuan.EConflict, "league.import_applied")
	}
	orgs, err := a.store.LeagueRosterImportOrgs(ctx, id)
	if err != nil {
		return nil, err
	}
	for _, o := range orgs {
		if err := a.authorize(ctx, p, zhiyuan.ActOrgManage, o.Resource()); err != nil {
			return nil, err
		}
	}
	entry := a.auditEntry(ctx, p, "org.league_roster", "organization", "", "", 0, zhiyuan.Text("league.import_audit", "id", id))
	n, err := a.store.ApplyLeagueRosterImport(ctx, id, *entry)
	if err != nil {
		return nil, err
	}
	a.leagueHome.forget()
	a.Log.InfoContext(ctx, "league roster import applied", slog.Int64("import_id", id), slog.Int("changed", n))
	return a.LeagueRosterImport(ctx, p, id)
}
