package app

import (
	"context"
	"errors"
	"log/slog"
	"sort"
	"strconv"
	"strings"
	"time"

	"zhiyuan"
	"zhiyuan/internal/pii"
	"zhiyuan/internal/proof"
	"zhiyuan/internal/sqlstore"
)

// Exemplary people (身边雷锋, issue 16; docs/selections.md). A campaign's admin (a regional
// admin of its region) sets up its selection; organisations nominate their members, their
// own organisation or its projects, regional admins anyone in their scope; the volunteer
// consents (a minor through the guardian, as at registration); regional admins review up
// the chain from the nominee's district; published candidates are liked by the public.
// The rules are in the root selection.go.

// SelectionInput is a selection as its organiser sets it up.
type SelectionInput struct {
	Categories    []zhiyuan.SelectionCategory
	ReviewLevels  []string
	NominateFrom  time.Time
	NominateUntil time.Time
	VoteFrom      time.Time
	VoteUntil     time.Time
}

// campaignAdmin checks that p administers the campaign's region and returns the scope.
func (a *App) campaignAdmin(ctx context.Context, p *zhiyuan.Principal, campaignID int64) (name, region string, err error) {
	name, region, err = a.store.CampaignScope(ctx, campaignID)
	if err != nil {
		return "", "", err
	}
	if err := a.authorize(ctx, p, zhiyuan.ActRegionManage, zhiyuan.Resource{RegionCode: region}); err != nil {
		return "", "", err
	}
	return name, region, nil
}

// CreateSelection sets up a campaign's selection, for an admin of the campaign's region.
// Audited.
func (a *App) CreateSelection(ctx context.Context, p *zhiyuan.Principal, campaignID int64, in SelectionInput) (*zhiyuan.Selection, error) {
	name, region, err := a.campaignAdmin(ctx, p, campaignID)
	if err != nil {
		return nil, err
	}
	sel := &zhiyuan.Selection{CampaignID: campaignID, Categories: in.Categories, ReviewLevels: in.ReviewLevels,
		NominateFrom: in.NominateFrom, NominateUntil: in.NominateUntil, VoteFrom: in.VoteFrom, VoteUntil: in.VoteUntil,
		CreatedBy: p.AccountID}
	if err := sel.Validate(); err != nil {
		return nil, err
	}
	entry := a.auditEntry(ctx, p, "selection.create", "selection", "", region, 0, name)
	if err := a.store.CreateSelection(ctx, sel, entry); err != nil {
		return nil, err
	}
	return a.store.FindSelection(ctx, sel.ID)
}

// Selection returns a campaign's selection; it is public.
func (a *App) Selection(ctx context.Context, campaignID int64) (*zhiyuan.Selection, error) {
	return a.store.FindSelectionByCampaign(ctx, campaignID)
}

// Selections lists the selections; the public sees them all.
func (a *App) Selections(ctx context.Context) ([]zhiyuan.Selection, error) {
	return a.store.Selections(ctx, "")
}

// CanRunSelection reports whether p administers the selection's campaign; pages use it
// to show the organiser's links, the actions check again.
func (a *App) CanRunSelection(p *zhiyuan.Principal, sel *zhiyuan.Selection) bool {
	return p != nil && zhiyuan.Authorize(p, zhiyuan.ActRegionManage, zhiyuan.Resource{RegionCode: sel.RegionCode}) == nil
}

// NominationInput is a nomination as a form or the API sends it. The nominee is named by
// category: a volunteer by number, an organisation or a project by id, a community by its
// name and region. NominatorOrgID, when not zero, nominates as that organisation;
// otherwise the caller nominates as a regional admin.
type NominationInput struct {
	Category        zhiyuan.SelectionCategory
	VolunteerNo     string
	OrgID           int64
	ProjectID       int64
	CommunityName   string
	CommunityRegion string
	Story           string
	NominatorOrgID  int64
	Photos          [][]byte
}

// Nominate records a nomination in the campaign's selection; it goes to the first level
// of the review chain, and a volunteer's waits for the volunteer's consent besides.
func (a *App) Nominate(ctx context.Context, p *zhiyuan.Principal, campaignID int64, in NominationInput) (*zhiyuan.Nomination, error) {
	if p == nil || p.AccountID == 0 {
		return nil, zhiyuan.Fail(zhiyuan.EUnauthorized, "auth.login_required")
	}
	sel, err := a.store.FindSelectionByCampaign(ctx, campaignID)
	if err != nil {
		return nil, err
	}
	now := a.Now()
	if !sel.Nominating(now) {
		return nil, zhiyuan.Fail(zhiyuan.EConflict, "selection.not_nominating",
			"from", zhiyuan.CreditDate(sel.NominateFrom), "until", zhiyuan.CreditDate(sel.NominateUntil))
	}
	pr := zhiyuan.Problems{}
	n := &zhiyuan.Nomination{SelectionID: sel.ID, CampaignID: campaignID, Category: in.Category, NominatedBy: p.AccountID,
		NominatorOrgID: in.NominatorOrgID, ConsentNeeded: in.Category.NeedsConsent()}
	n.Story = zhiyuan.CheckStory(pr, in.Story)
	switch {
	case !in.Category.Valid():
		pr.Add("category", "selection.category_unknown")
	case !sel.Has(in.Category):
		pr.Add("category", "selection.category_not_taken")
	}
	if len(in.Photos) > zhiyuan.NominationPhotosMax {
		pr.Add("photos", "nomination.photos_too_many", "max", zhiyuan.NominationPhotosMax)
	}
	if err := pr.Err(); err != nil {
		return nil, err
	}
	var nominator *zhiyuan.Organization
	if in.NominatorOrgID != 0 {
		if nominator, err = a.AuthorizeOrg(ctx, p, zhiyuan.ActOrgManage, in.NominatorOrgID); err != nil {
			return nil, err
		}
		if nominator.Status != zhiyuan.OrgApproved {
			return nil, zhiyuan.FieldFail(zhiyuan.EForbidden, "org_id", "nomination.org_unknown")
		}
	}
	if err := a.resolveNominee(ctx, n, in, nominator); err != nil {
		return nil, err
	}
	if !zhiyuan.RegionContains(sel.RegionCode, n.RegionCode) {
		return nil, zhiyuan.FieldFail(zhiyuan.EForbidden, nomineeField(in.Category), "nomination.out_of_scope")
	}
	if nominator == nil {
		if err := a.authorize(ctx, p, zhiyuan.ActRegionManage, zhiyuan.Resource{RegionCode: n.RegionCode}); err != nil {
			return nil, err
		}
	}
	n.ReviewRegion = zhiyuan.ReviewChain(n.RegionCode, sel.RegionCode, sel.ReviewLevels)[0]
	var photos [][]byte
	for _, raw := range in.Photos {
		ph, err := proof.NormalizePhotoContext(ctx, raw)
		if err != nil {
			// The card photo's code names its field "photo"; the form's and the API's
			// field is "photos", which the problem must be tied to.
			if pr, ok := zhiyuan.ErrorProblems(err)["photo"]; ok && zhiyuan.ErrorCode(err) == zhiyuan.EInvalid {
				return nil, zhiyuan.Problems{"photos": pr}.Err()
			}
			return nil, err
		}
		photos = append(photos, ph)
	}
	entry := a.auditEntry(ctx, p, "nomination.create", "nomination", "", n.RegionCode, in.NominatorOrgID,
		sel.CampaignName+"："+in.Category.Chinese()+"："+n.NomineeName)
	if err := a.store.CreateNomination(ctx, n, photos, entry); err != nil {
		return nil, err
	}
	return a.store.FindNomination(ctx, n.ID)
}

// nomineeField is the input field that names the nominee of a category.
func nomineeField(c zhiyuan.SelectionCategory) string {
	switch c {
	case zhiyuan.SelVolunteer:
		return "volunteer_no"
	case zhiyuan.SelOrg:
		return "org_id"
	case zhiyuan.SelProject:
		return "project_id"
	}
	return "community_name"
}

// resolveNominee fills n's nominee (id, name, region) from the input. An organisation
// nominates only its own members, itself and its own projects.
func (a *App) resolveNominee(ctx context.Context, n *zhiyuan.Nomination, in NominationInput, nominator *zhiyuan.Organization) error {
	field := nomineeField(in.Category)
	switch in.Category {
	case zhiyuan.SelVolunteer:
		no := strings.ToUpper(strings.TrimSpace(in.VolunteerNo))
		if no == "" {
			return zhiyuan.FieldFail(zhiyuan.EInvalid, field, "nomination.nominee_required")
		}
		v, err := a.store.FindVolunteerByNo(ctx, no)
		if zhiyuan.ErrorCode(err) == zhiyuan.ENotFound || (err == nil && v.Status != zhiyuan.VolunteerActive) {
			return zhiyuan.FieldFail(zhiyuan.EInvalid, field, "nomination.volunteer_unknown")
		}
		if err != nil {
			return err
		}
		if nominator != nil {
			ok, err := a.store.IsMember(ctx, nominator.ID, v.ID)
			if err != nil {
				return err
			}
			if !ok {
				return zhiyuan.FieldFail(zhiyuan.EForbidden, field, "nomination.not_member")
			}
		}
		n.VolunteerID, n.NomineeName, n.RegionCode, n.NomineeAccountID = v.ID, v.Name, v.RegionCode, v.AccountID
	case zhiyuan.SelOrg:
		if in.OrgID == 0 && nominator != nil {
			in.OrgID = nominator.ID
		}
		o, err := a.store.FindOrganizationByID(ctx, in.OrgID)
		if zhiyuan.ErrorCode(err) == zhiyuan.ENotFound || (err == nil && o.Status != zhiyuan.OrgApproved) {
			return zhiyuan.FieldFail(zhiyuan.EInvalid, field, "nomination.org_unknown")
		}
		if err != nil {
			return err
		}
		if nominator != nil && o.ID != nominator.ID {
			return zhiyuan.FieldFail(zhiyuan.EForbidden, field, "nomination.not_member")
		}
		n.OrgID, n.NomineeName, n.RegionCode = o.ID, o.Name, o.RegionCode
	case zhiyuan.SelProject:
		pj, err := a.store.FindProjectByID(ctx, in.ProjectID)
		if zhiyuan.ErrorCode(err) == zhiyuan.ENotFound {
			return zhiyuan.FieldFail(zhiyuan.EInvalid, field, "nomination.project_unknown")
		}
		if err != nil {
			return err
		}
		if nominator != nil && pj.OrgID != nominator.ID {
			return zhiyuan.FieldFail(zhiyuan.EForbidden, field, "nomination.not_member")
		}
		region := pj.RegionCode
		if region == "" {
			o, err := a.store.FindOrganizationByID(ctx, pj.OrgID)
			if err != nil {
				return err
			}
			region = o.RegionCode
		}
		n.ProjectID, n.OrgID, n.NomineeName, n.RegionCode = pj.ID, pj.OrgID, pj.Title, region
	case zhiyuan.SelCommunity:
		pr := zhiyuan.Problems{}
		name := strings.TrimSpace(in.CommunityName)
		switch {
		case name == "":
			pr.Add(field, "nomination.community_required")
		case len([]rune(name)) > zhiyuan.NomineeNameMax:
			pr.Add(field, "honour.text_long", "max", zhiyuan.NomineeNameMax)
		}
		region := a.checkRegion(pr, "community_region", strings.TrimSpace(in.CommunityRegion))
		if region == "" {
			pr.Add("community_region", "nomination.community_required")
		}
		if nominator != nil {
			pr.Add(field, "nomination.not_member")
		}
		if err := pr.Err(); err != nil {
			if nominator != nil && len(pr) == 1 {
				return zhiyuan.FieldFail(zhiyuan.EForbidden, field, "nomination.not_member")
			}
			return err
		}
		n.NomineeName, n.RegionCode = name, region
	}
	return nil
}

// canSeeNomination reports whether p may see an unpublished nomination: its nominator,
// its nominee, and the regional admins of its region (reviewers up the chain).
func (a *App) canSeeNomination(p *zhiyuan.Principal, n *zhiyuan.Nomination) bool {
	if p == nil {
		return false
	}
	if n.NominatedBy == p.AccountID || (n.NomineeAccountID != 0 && n.NomineeAccountID == p.AccountID) {
		return true
	}
	return zhiyuan.Authorize(p, zhiyuan.ActRegionManage, zhiyuan.Resource{RegionCode: n.RegionCode}) == nil
}

// Nomination returns one nomination: a published one to anyone, others to those who may
// see them (ENotFound otherwise, so ids cannot be probed).
func (a *App) Nomination(ctx context.Context, p *zhiyuan.Principal, id int64) (*zhiyuan.Nomination, error) {
	n, err := a.store.FindNomination(ctx, id)
	if err != nil {
		return nil, err
	}
	if n.Status != zhiyuan.NomPublished && !a.canSeeNomination(p, n) {
		return nil, zhiyuan.Fail(zhiyuan.ENotFound, "notfound.nomination")
	}
	return n, nil
}

// reviewsAt reports whether p reviews at level region: an admin of exactly that region
// (or the platform). A city's admin does not act for its districts, so every level of the
// chain gives its own decision.
func reviewsAt(p *zhiyuan.Principal, region string) bool {
	for _, sc := range p.RegionScopes() {
		if sc == "*" || sc == region {
			return true
		}
	}
	return false
}

// CanReview reports whether p may decide on n now; pages use it to show the form.
func (a *App) CanReview(p *zhiyuan.Principal, n *zhiyuan.Nomination) bool {
	return p != nil && n.Status == zhiyuan.NomReview && reviewsAt(p, n.ReviewRegion)
}

// NominationPhoto returns photo i (from 1) of a nomination the caller may see.
func (a *App) NominationPhoto(ctx context.Context, p *zhiyuan.Principal, id int64, i int) ([]byte, error) {
	if _, err := a.Nomination(ctx, p, id); err != nil {
		return nil, err
	}
	return a.store.NominationPhoto(ctx, id, i)
}

// MyNominations lists the nominations of the caller as nominee (to consent to) and as
// nominator.
func (a *App) MyNominations(ctx context.Context, p *zhiyuan.Principal) (asNominee, asNominator []zhiyuan.Nomination, err error) {
	if p == nil || p.AccountID == 0 {
		return nil, nil, zhiyuan.Fail(zhiyuan.EUnauthorized, "auth.login_required")
	}
	if asNominee, err = a.store.Nominations(ctx, sqlstore.NominationFilter{NomineeAccountID: p.AccountID}); err != nil {
		return nil, nil, err
	}
	asNominator, err = a.store.Nominations(ctx, sqlstore.NominationFilter{NominatedBy: p.AccountID})
	return asNominee, asNominator, err
}

// ConsentInput is the nominee's answer. A minor's consent is the guardian's, given with
// the guardian's name, phone and relation as at registration.
type ConsentInput struct {
	Agree    bool
	Guardian GuardianInput
}

// ConsentToNomination records the caller's answer to a nomination of them.
func (a *App) ConsentToNomination(ctx context.Context, p *zhiyuan.Principal, id int64, in ConsentInput) error {
	v, err := a.MyVolunteer(ctx, p)
	if err != nil {
		return err
	}
	var g *sqlstore.GuardianConsent
	if in.Agree && v.Minor && v.AgeOn(a.Now().In(zhiyuan.Beijing)) < 18 {
		gd, prob := checkGuardian(in.Guardian, v.Phone)
		if !in.Guardian.Consent {
			prob.Add("guardian.consent", "nomination.consent_guardian")
		}
		if err := prob.Err(); err != nil {
			return err
		}
		g = &sqlstore.GuardianConsent{Relation: gd.Relation}
		if g.NameSealed, err = a.seal(gd.Name, sealGuardianName); err != nil {
			return err
		}
		if g.PhoneSealed, err = a.seal(gd.Phone, sealGuardianPhone); err != nil {
			return err
		}
	}
	if err := a.store.ConsentNomination(ctx, id, p.AccountID, in.Agree, g); err != nil {
		return err
	}
	a.Log.InfoContext(ctx, "nomination consent", slog.Int64("nomination_id", id), slog.Bool("agree", in.Agree))
	return nil
}

// ReviewQueue lists the nominations waiting for a level the caller administers.
func (a *App) ReviewQueue(ctx context.Context, p *zhiyuan.Principal) ([]zhiyuan.Nomination, error) {
	scopes := p.RegionScopes()
	if len(scopes) == 0 {
		return nil, zhiyuan.Fail(zhiyuan.EForbidden, "auth.forbidden")
	}
	return a.store.Nominations(ctx, sqlstore.NominationFilter{Status: zhiyuan.NomReview, ReviewScopes: scopes})
}

// ReviewNomination records a reviewer's decision at the nomination's current level: the
// caller must administer that level's region. Approval at the last level publishes the
// candidate, which needs the nominee's consent. Audited.
func (a *App) ReviewNomination(ctx context.Context, p *zhiyuan.Principal, id int64, d zhiyuan.ReviewDecision, comment string) (*zhiyuan.Nomination, error) {
	pr := zhiyuan.Problems{}
	if !d.Valid() {
		pr.Add("decision", "nomination.decision_unknown")
	}
	comment = zhiyuan.CheckReviewComment(pr, d, comment)
	if err := pr.Err(); err != nil {
		return nil, err
	}
	n, err := a.Nomination(ctx, p, id)
	if err != nil {
		return nil, err
	}
	if n.Status != zhiyuan.NomReview {
		return nil, zhiyuan.Fail(zhiyuan.EConflict, "nomination.not_in_review", "status", n.Status.Chinese())
	}
	if !reviewsAt(p, n.ReviewRegion) {
		return nil, zhiyuan.Fail(zhiyuan.EConflict, "nomination.not_your_level", "region", a.regionName(n.ReviewRegion))
	}
	sel, err := a.store.FindSelection(ctx, n.SelectionID)
	if err != nil {
		return nil, err
	}
	chain := zhiyuan.ReviewChain(n.RegionCode, sel.RegionCode, sel.ReviewLevels)
	next := ""
	for i, c := range chain {
		if c == n.ReviewRegion && i+1 < len(chain) {
			next = chain[i+1]
		}
	}
	detail := n.NomineeName + "：" + d.Chinese()
	if comment != "" {
		detail += "（" + comment + "）"
	}
	entry := a.auditEntry(ctx, p, "nomination."+string(d), "nomination", strconv.FormatInt(id, 10), n.ReviewRegion, n.NominatorOrgID, detail)
	if err := a.store.ReviewNomination(ctx, id, n.ReviewRegion, d, next, comment, p.AccountID, entry); err != nil {
		return nil, err
	}
	return a.store.FindNomination(ctx, id)
}

// ResubmitNomination sends a returned nomination back to review with a new story, for
// its nominator.
func (a *App) ResubmitNomination(ctx context.Context, p *zhiyuan.Principal, id int64, story string) (*zhiyuan.Nomination, error) {
	n, err := a.Nomination(ctx, p, id)
	if err != nil {
		return nil, err
	}
	if n.NominatedBy != p.AccountID {
		return nil, zhiyuan.Fail(zhiyuan.EForbidden, "auth.forbidden")
	}
	pr := zhiyuan.Problems{}
	story = zhiyuan.CheckStory(pr, story)
	if err := pr.Err(); err != nil {
		return nil, err
	}
	sel, err := a.store.FindSelection(ctx, n.SelectionID)
	if err != nil {
		return nil, err
	}
	first := zhiyuan.ReviewChain(n.RegionCode, sel.RegionCode, sel.ReviewLevels)[0]
	if err := a.store.ResubmitNomination(ctx, id, story, first); err != nil {
		return nil, err
	}
	return a.store.FindNomination(ctx, id)
}

// Candidates lists a campaign's published candidates, of one category or all, most
// liked first or newest first; it is public.
func (a *App) Candidates(ctx context.Context, campaignID int64, category string, byLikes bool) (*zhiyuan.Selection, []zhiyuan.Nomination, error) {
	sel, err := a.store.FindSelectionByCampaign(ctx, campaignID)
	if err != nil {
		return nil, nil, err
	}
	c := zhiyuan.SelectionCategory(category)
	if c != "" && !c.Valid() {
		return nil, nil, zhiyuan.FieldFail(zhiyuan.EInvalid, "category", "selection.category_unknown")
	}
	list, err := a.store.Nominations(ctx, sqlstore.NominationFilter{SelectionID: sel.ID, Status: zhiyuan.NomPublished, Category: c, ByLikes: byLikes})
	return sel, list, err
}

// LikedToday reports which of the candidates the caller liked today (for the buttons).
func (a *App) LikedToday(ctx context.Context, p *zhiyuan.Principal, ids []int64) (map[int64]bool, error) {
	return a.store.LikedToday(ctx, p.AccountIDOrZero(), ids)
}

// Like gives a candidate the caller's like and returns its count. Everything is settled
// in the store: once per candidate and Beijing day, Config.LikesPerDay a day, accounts old
// enough, claimed and open, and the address's hourly limit (Config.LikesPerIP, counted in
// the login throttle as registrations are, inside the like's transaction so that a like
// costs one commit).
func (a *App) Like(ctx context.Context, p *zhiyuan.Principal, id int64) (int64, error) {
	if p == nil || p.AccountID == 0 {
		return 0, zhiyuan.Fail(zhiyuan.EUnauthorized, "auth.login_required")
	}
	ip := zhiyuan.ClientFrom(ctx).IP
	r := sqlstore.LikeRequest{NominationID: id, AccountID: p.AccountID, IP: ip}
	if ip != "" && a.Config.LikesPerIP > 0 {
		r.AddressKey, r.AddressMax, r.AddressWindow = "like:"+addressKey(ip), a.Config.LikesPerIP, time.Hour
	}
	r.PerDay = a.LikesPerDay()
	n, err := a.store.Like(ctx, r)
	var limited *sqlstore.LikeRateLimited
	if errors.As(err, &limited) {
		return 0, zhiyuan.Fail(zhiyuan.ERateLimited, "like.rate_limited", "minutes", max(1, int((limited.Retry+time.Minute-1)/time.Minute)))
	}
	return n, err
}

// LikesPerDay is the operator's daily like limit, for pages that state it.
func (a *App) LikesPerDay() int {
	if a.Config.LikesPerDay <= 0 {
		return zhiyuan.DefaultLikesPerDay
	}
	return a.Config.LikesPerDay
}

// LikeReport is the organiser's report of unusual likes in a campaign's selection. It
// holds client addresses: only the campaign's admins see it.
func (a *App) LikeReport(ctx context.Context, p *zhiyuan.Principal, campaignID int64) (*zhiyuan.Selection, *zhiyuan.LikeReport, error) {
	if _, _, err := a.campaignAdmin(ctx, p, campaignID); err != nil {
		return nil, nil, err
	}
	sel, err := a.store.FindSelectionByCampaign(ctx, campaignID)
	if err != nil {
		return nil, nil, err
	}
	rep, err := a.store.LikeReport(ctx, sel.ID)
	return sel, rep, err
}

// VoidInput picks likes of one candidate to void: an address's, or those of accounts
// registered in [RegisteredFrom, RegisteredUntil).
type VoidInput struct {
	NominationID    int64
	IP              string
	RegisteredFrom  time.Time
	RegisteredUntil time.Time
}

// VoidLikes voids likes of a candidate of the campaign for its admin; they leave the
// count at once. Audited with the number voided.
func (a *App) VoidLikes(ctx context.Context, p *zhiyuan.Principal, campaignID int64, in VoidInput) (int64, error) {
	_, region, err := a.campaignAdmin(ctx, p, campaignID)
	if err != nil {
		return 0, err
	}
	n, err := a.store.FindNomination(ctx, in.NominationID)
	if err != nil {
		return 0, err
	}
	if n.CampaignID != campaignID {
		return 0, zhiyuan.Fail(zhiyuan.ENotFound, "notfound.candidate")
	}
	in.IP = strings.TrimSpace(in.IP)
	var detail string
	switch {
	case in.IP != "":
		// The audit log keeps no one's address in clear: the masked network says which
		// addresses were voided without naming the person behind one (pii.MaskIP).
		detail = n.NomineeName + "：按地址 " + pii.MaskIP(in.IP)
	case !in.RegisteredFrom.IsZero() && in.RegisteredUntil.After(in.RegisteredFrom):
		detail = n.NomineeName + "：按注册时间 " + zhiyuan.CreditDate(in.RegisteredFrom) + " 至 " + zhiyuan.CreditDate(in.RegisteredUntil)
	default:
		return 0, zhiyuan.FieldFail(zhiyuan.EInvalid, "ip", "like.void_target")
	}
	entry := a.auditEntry(ctx, p, "like.void", "nomination", strconv.FormatInt(n.ID, 10), region, 0, detail)
	return a.store.VoidLikes(ctx, sqlstore.VoidFilter{NominationID: n.ID, IP: in.IP, RegisteredFrom: in.RegisteredFrom,
		RegisteredUntil: in.RegisteredUntil}, p.AccountID, entry)
}

// JuryInput is the jury's decision on one candidate: its rank in its category (0: not
// ranked) and whether it is a winner.
type JuryInput struct {
	NominationID int64
	Rank         int
	Winner       bool
}

// SetJury records the jury's decisions for the campaign's admin, until results are out.
func (a *App) SetJury(ctx context.Context, p *zhiyuan.Principal, campaignID int64, ds []JuryInput) error {
	_, region, err := a.campaignAdmin(ctx, p, campaignID)
	if err != nil {
		return err
	}
	sel, err := a.store.FindSelectionByCampaign(ctx, campaignID)
	if err != nil {
		return err
	}
	pr := zhiyuan.Problems{}
	for _, d := range ds {
		if d.Rank < 0 || d.Rank > zhiyuan.CandidatesPageMax {
			pr.Add("rank_"+strconv.FormatInt(d.NominationID, 10), "selection.jury_rank_range", "max", zhiyuan.CandidatesPageMax)
		}
	}
	if err := pr.Err(); err != nil {
		return err
	}
	jury := make([]sqlstore.JuryDecision, len(ds))
	for i, d := range ds {
		jury[i] = sqlstore.JuryDecision{NominationID: d.NominationID, Rank: d.Rank, Winner: d.Winner}
	}
	if err := a.store.SetJury(ctx, sel.ID, jury); err != nil {
		return err
	}
	return a.audit(ctx, p, "selection.jury", "selection", strconv.FormatInt(sel.ID, 10), region, 0, sel.CampaignName)
}

// PublishResults publishes the selection's results once voting has ended, and grants
// each winner an award (the honours record of issue 14) in the campaign region's name at
// the highest level that region grants. Audited.
func (a *App) PublishResults(ctx context.Context, p *zhiyuan.Principal, campaignID int64) (int, error) {
	name, region, err := a.campaignAdmin(ctx, p, campaignID)
	if err != nil {
		return 0, err
	}
	sel, err := a.store.FindSelectionByCampaign(ctx, campaignID)
	if err != nil {
		return 0, err
	}
	now := a.Now()
	if now.Before(sel.VoteUntil) {
		return 0, zhiyuan.Fail(zhiyuan.EConflict, "selection.results_before_end", "until", zhiyuan.CreditDate(sel.VoteUntil))
	}
	level := zhiyuan.RegionAwardLevel(region)
	if level == "" {
		level = zhiyuan.LevelDistrict
	}
	grantor := a.grantorName(region)
	winners := 0
	entry := a.auditEntry(ctx, p, "selection.results", "selection", strconv.FormatInt(sel.ID, 10), region, 0, name)
	err = a.store.PublishResults(ctx, sel.ID, func(tx sqlstore.AwardTx, n zhiyuan.Nomination) (int64, error) {
		aw := &zhiyuan.Award{Title: zhiyuan.Text("selection.award_title", "campaign", name, "category", n.Category.Chinese()),
			Level: level, AwardedOn: zhiyuan.LikeDay(now), GrantorRegion: region, GrantorName: grantor, GrantedBy: p.AccountID}
		switch {
		case n.VolunteerID != 0:
			aw.VolunteerID = n.VolunteerID
		case n.OrgID != 0:
			aw.RecipientOrgID = n.OrgID // a project's award goes to the organisation that runs it
		default:
			return 0, nil // a community is no record holder: its result stands on the page
		}
		if len([]rune(aw.Title)) > zhiyuan.AwardTitleMax {
			aw.Title = string([]rune(aw.Title)[:zhiyuan.AwardTitleMax])
		}
		winners++
		return tx.Insert(ctx, aw)
	}, entry)
	return winners, err
}

// CategoryResult is one category's final ranking: candidates by the jury's rank, each
// with its likes and its rank by likes, two separate figures.
type CategoryResult struct {
	Category zhiyuan.SelectionCategory
	Rows     []ResultRow
}

// ResultRow is one candidate in a category's results.
type ResultRow struct {
	zhiyuan.Nomination
	LikesRank int
}

// Results returns a selection's results by category once published (ENotFound before).
func (a *App) Results(ctx context.Context, campaignID int64) (*zhiyuan.Selection, []CategoryResult, error) {
	sel, list, err := a.Candidates(ctx, campaignID, "", true)
	if err != nil {
		return nil, nil, err
	}
	if sel.ResultsAt.IsZero() {
		return sel, nil, zhiyuan.Fail(zhiyuan.ENotFound, "notfound.selection")
	}
	var out []CategoryResult
	for _, c := range sel.Categories {
		cr := CategoryResult{Category: c}
		rank := 0
		for _, n := range list { // most liked first
			if n.Category == c {
				rank++
				cr.Rows = append(cr.Rows, ResultRow{Nomination: n, LikesRank: rank})
			}
		}
		sort.SliceStable(cr.Rows, func(i, j int) bool {
			ri, rj := cr.Rows[i].JuryRank, cr.Rows[j].JuryRank
			if (ri == 0) != (rj == 0) {
				return ri != 0
			}
			return ri < rj
		})
		out = append(out, cr)
	}
	return sel, out, nil
}
