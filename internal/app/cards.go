package app

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"zhiyuan"
	"zhiyuan/internal/pii"
	"zhiyuan/internal/proof"
	"zhiyuan/internal/sheet"
	"zhiyuan/internal/sqlstore"
)

// The volunteer card: a volunteer applies with a photo; the regional admin approves
// applications and gathers them into production batches, exports the print list and the
// photos, marks the batch printed and then issued; cards can be reported lost, revoked
// and re-issued. The digital card shows a QR code whose payload the platform signs, so
// anyone can check it (VerifyCard) and a partner's app can check it offline against the
// published keys.

// MaxCardBatch bounds one batch (and one bulk decision): a city's monthly run fits.
const MaxCardBatch = 10000

// CardApplyInput is an application as a volunteer sends it.
type CardApplyInput struct {
	Photo           []byte
	Delivery        string // "org" or "address"
	DeliveryOrgID   int64
	DeliveryAddress string
}

// CanApplyForCard returns the refusal an application by the caller would surely meet
// whatever it holds (not a volunteer, an open application, a live card), or nil. Upload
// handlers ask it before reading the photo, so a refused upload costs one query, not a
// decode; ApplyForCard asks it again before decoding.
func (a *App) CanApplyForCard(ctx context.Context, p *zhiyuan.Principal) error {
	v, err := a.MyVolunteer(ctx, p)
	if err != nil {
		return err
	}
	return a.store.CardApplyRefusal(ctx, v.ID)
}

// ApplyForCard checks the application, re-encodes the photo and stores both; the photo
// and every field are checked before anything is written, and cheap refusals (an open
// application, a live card) before the photo is decoded.
func (a *App) ApplyForCard(ctx context.Context, p *zhiyuan.Principal, in CardApplyInput) (*zhiyuan.CardApplication, error) {
	v, err := a.MyVolunteer(ctx, p)
	if err != nil {
		return nil, err
	}
	if err := a.store.CardApplyRefusal(ctx, v.ID); err != nil {
		return nil, err
	}
	probs := zhiyuan.Problems{}
	ap := &zhiyuan.CardApplication{VolunteerID: v.ID, Kind: zhiyuan.KindNew, RegionCode: v.RegionCode}
	switch zhiyuan.CardDelivery(in.Delivery) {
	case zhiyuan.DeliveryOrg:
		ap.Delivery = zhiyuan.DeliveryOrg
		if in.DeliveryOrgID <= 0 {
			probs.Add("delivery_org_id", "card.delivery_org_required")
		} else if o, err := a.store.FindOrganizationByID(ctx, in.DeliveryOrgID); err != nil || o.Status != zhiyuan.OrgApproved {
			probs.Add("delivery_org_id", "card.delivery_org_unknown")
		} else {
			ap.DeliveryOrgID = o.ID
		}
	case zhiyuan.DeliveryAddress:
		ap.Delivery = zhiyuan.DeliveryAddress
		addr := strings.TrimSpace(in.DeliveryAddress)
		switch n := utf8.RuneCountInString(addr); {
		case n < 5:
			probs.Add("delivery_address", "card.delivery_address_required")
		case n > zhiyuan.CardApplicationAddressMax:
			probs.Add("delivery_address", "card.delivery_address_long", "max", zhiyuan.CardApplicationAddressMax)
		}
		ap.DeliveryAddress = addr
	default:
		probs.Add("delivery", "card.delivery_required")
	}
	// A form sent back for its own mistakes gets the photo's header checks only: no
	// decoding for a form that is refused anyway.
	check := proof.NormalizePhotoContext
	if len(probs) > 0 {
		check = func(_ context.Context, data []byte) ([]byte, error) { return nil, proof.CheckPhoto(data) }
	}
	photo, err := check(ctx, in.Photo)
	if zhiyuan.ErrorCode(err) == zhiyuan.ERateLimited {
		return nil, err
	}
	if err != nil {
		probs.Merge("", err)
	}
	if err := probs.Err(); err != nil {
		return nil, err
	}
	if err := a.store.CreateCardApplication(ctx, ap, photo); err != nil {
		return nil, err
	}
	return ap, nil
}

// MyCardApplications lists the caller's applications, newest first.
func (a *App) MyCardApplications(ctx context.Context, p *zhiyuan.Principal) ([]zhiyuan.CardApplication, error) {
	v, err := a.MyVolunteer(ctx, p)
	if err != nil {
		return nil, err
	}
	return a.store.VolunteerCardApplications(ctx, v.ID)
}

// MyCardEvents lists every step of the caller's applications and cards, newest first.
func (a *App) MyCardEvents(ctx context.Context, p *zhiyuan.Principal) ([]zhiyuan.CardEvent, error) {
	v, err := a.MyVolunteer(ctx, p)
	if err != nil {
		return nil, err
	}
	return a.store.CardEvents(ctx, v.ID, 100)
}

// DigitalCard is the caller's card as the digital card page shows it.
type DigitalCard struct {
	Card             *zhiyuan.Card
	Volunteer        *zhiyuan.Volunteer
	Organization     string // where the card is collected, or the volunteer's first organisation
	RegionName       string
	StarLevel        int
	ConfirmedMinutes int64
	Payload          string    // signed QR payload; "" unless the card is active
	VerifyURL        string    // what the QR code holds
	ExpiresAt        time.Time // when the payload stops verifying
	RefreshAfter     time.Duration
}

// cardRefresh is how often the digital card page fetches a fresh QR code: well inside
// proof.CardTTL, so a page left open always shows a code that verifies.
const cardRefresh = 60 * time.Second

// MyCard returns the caller's newest card with a freshly signed payload when it is
// active, or ENotFound when the caller has none yet.
func (a *App) MyCard(ctx context.Context, p *zhiyuan.Principal) (*DigitalCard, error) {
	v, err := a.MyVolunteer(ctx, p)
	if err != nil {
		return nil, err
	}
	cards, err := a.store.VolunteerCards(ctx, v.ID)
	if err != nil {
		return nil, err
	}
	if len(cards) == 0 {
		return nil, zhiyuan.Fail(zhiyuan.ENotFound, "card.none")
	}
	c := &cards[0]
	totals, err := a.store.HourTotals(ctx, v.ID)
	if err != nil {
		return nil, err
	}
	d := &DigitalCard{Card: c, Volunteer: v, RegionName: a.regionName(c.RegionCode), StarLevel: totals.StarLevel(),
		ConfirmedMinutes: totals.ConfirmedMinutes, RefreshAfter: cardRefresh}
	if app, err := a.store.FindCardApplicationByID(ctx, c.ApplicationID); err == nil && app.DeliveryOrgName != "" {
		d.Organization = app.DeliveryOrgName
	} else if ms, err := a.store.FindMembershipsOfVolunteer(ctx, v.ID); err == nil {
		for _, m := range ms {
			if m.Status == zhiyuan.MemberApproved {
				d.Organization = m.OrgName
				break
			}
		}
	}
	if c.Status != zhiyuan.CardActive {
		return d, nil
	}
	now := a.store.Now().Truncate(time.Second)
	d.ExpiresAt = now.Add(proof.CardTTL)
	d.Payload, err = a.Signer.SignCard(proof.CardClaims{
		CardNumber: c.Number, VolunteerNo: v.VolunteerNo, MaskedName: pii.MaskName(v.Name), StarLevel: d.StarLevel,
		ConfirmedMinutes: totals.ConfirmedMinutes, RegionCode: c.RegionCode, IssuedAt: now, ExpiresAt: d.ExpiresAt,
	})
	if err != nil {
		return nil, err
	}
	d.VerifyURL = a.Config.BaseURL + "/verify/card/" + d.Payload
	return d, nil
}

// MyCardPhoto returns the photo of the caller's newest card, or of the newest
// application when no card exists yet.
func (a *App) MyCardPhoto(ctx context.Context, p *zhiyuan.Principal) ([]byte, error) {
	v, err := a.MyVolunteer(ctx, p)
	if err != nil {
		return nil, err
	}
	if cards, err := a.store.VolunteerCards(ctx, v.ID); err == nil && len(cards) > 0 {
		return a.store.CardPhoto(ctx, cards[0].PhotoID)
	}
	apps, err := a.store.VolunteerCardApplications(ctx, v.ID)
	if err != nil {
		return nil, err
	}
	if len(apps) == 0 {
		return nil, zhiyuan.Fail(zhiyuan.ENotFound, "card.no_photo")
	}
	return a.store.CardPhoto(ctx, apps[0].PhotoID)
}

// ReportMyCardLost marks the caller's active card lost: it stops verifying at once.
func (a *App) ReportMyCardLost(ctx context.Context, p *zhiyuan.Principal) error {
	v, err := a.MyVolunteer(ctx, p)
	if err != nil {
		return err
	}
	cards, err := a.store.VolunteerCards(ctx, v.ID)
	if err != nil {
		return err
	}
	for _, c := range cards {
		if c.Status == zhiyuan.CardActive {
			return a.store.SetCardStatus(ctx, c.Number, []zhiyuan.CardStatus{zhiyuan.CardActive}, zhiyuan.CardLost, "本人挂失", p.AccountID, nil)
		}
	}
	return zhiyuan.Fail(zhiyuan.EConflict, "card.nothing_to_report_lost")
}

// cardScopes returns the regions an admin processes cards for: nil for the platform
// (everywhere), the regional roles' codes otherwise. Anyone else is refused through
// authorize.
func (a *App) cardScopes(ctx context.Context, p *zhiyuan.Principal) ([]string, error) {
	scopes := p.RegionScopes()
	if len(scopes) == 1 && scopes[0] == "*" {
		return nil, a.authorize(ctx, p, zhiyuan.ActRegionManage, zhiyuan.Resource{})
	}
	if len(scopes) == 0 {
		// Not a regional admin: let the one authorisation function say so.
		if err := a.authorize(ctx, p, zhiyuan.ActRegionManage, zhiyuan.Resource{RegionCode: "-"}); err != nil {
			return nil, err
		}
		return []string{}, nil
	}
	for _, sc := range scopes {
		if err := a.authorize(ctx, p, zhiyuan.ActRegionManage, zhiyuan.Resource{RegionCode: sc}); err != nil {
			return nil, err
		}
	}
	return scopes, nil
}

// CardQuery filters the regional queue.
type CardQuery struct {
	Status      string
	Region      string
	VolunteerNo string
	BatchID     int64
	After       int64
	Limit       int
}

// CardApplications lists applications inside the caller's regions.
func (a *App) CardApplications(ctx context.Context, p *zhiyuan.Principal, q CardQuery) ([]zhiyuan.CardApplication, error) {
	f, err := a.cardFilter(ctx, p, q)
	if err != nil {
		return nil, err
	}
	return a.store.FindCardApplications(ctx, f)
}

// CountCardApplications counts what CardApplications lists for q (After and Limit
// aside), up to zhiyuan.CountCap; the same checks and scopes.
func (a *App) CountCardApplications(ctx context.Context, p *zhiyuan.Principal, q CardQuery) (int, error) {
	f, err := a.cardFilter(ctx, p, q)
	if err != nil {
		return 0, err
	}
	return a.store.CountCardApplications(ctx, f)
}

// cardFilter checks q and turns it into the store's filter inside the caller's regions.
func (a *App) cardFilter(ctx context.Context, p *zhiyuan.Principal, q CardQuery) (sqlstore.CardApplicationFilter, error) {
	scopes, err := a.cardScopes(ctx, p)
	if err != nil {
		return sqlstore.CardApplicationFilter{}, err
	}
	f := sqlstore.CardApplicationFilter{Scopes: scopes, After: q.After, Limit: q.Limit, BatchID: q.BatchID,
		VolunteerNo: strings.TrimSpace(q.VolunteerNo)}
	if q.Status != "" {
		st := zhiyuan.CardApplicationStatus(q.Status)
		if !st.Valid() {
			return f, zhiyuan.FieldFail(zhiyuan.EInvalid, "status", "card.application_status_unknown")
		}
		f.Status = st
	}
	if q.Region != "" {
		if zhiyuan.ScopePrefix(q.Region) == "" {
			return f, zhiyuan.FieldFail(zhiyuan.EInvalid, "region", "region.code_format")
		}
		f.Region = q.Region
	}
	return f, nil
}

// CardApplication returns one application to its volunteer or an admin of its region.
func (a *App) CardApplication(ctx context.Context, p *zhiyuan.Principal, id int64) (*zhiyuan.CardApplication, error) {
	ap, err := a.store.FindCardApplicationByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if v, err := a.store.FindVolunteerByID(ctx, ap.VolunteerID); err == nil && p != nil && v.AccountID == p.AccountID {
		return ap, nil
	}
	if err := a.authorize(ctx, p, zhiyuan.ActRegionManage, zhiyuan.Resource{RegionCode: ap.RegionCode}); err != nil {
		return nil, err
	}
	return ap, nil
}

// CardApplicationPhoto returns the photo of an application to the same people
// CardApplication lets read it (its volunteer, an admin of its region), so the admin who
// approves it can compare the face with the applicant.
func (a *App) CardApplicationPhoto(ctx context.Context, p *zhiyuan.Principal, id int64) ([]byte, error) {
	ap, err := a.CardApplication(ctx, p, id)
	if err != nil {
		return nil, err
	}
	return a.store.CardPhoto(ctx, ap.PhotoID)
}

func checkCardReason(reason string) (string, error) {
	reason = strings.TrimSpace(reason)
	switch n := utf8.RuneCountInString(reason); {
	case n == 0:
		return "", zhiyuan.FieldFail(zhiyuan.EInvalid, "reason", "reason.required")
	case n > zhiyuan.CardReasonMax:
		return "", zhiyuan.FieldFail(zhiyuan.EInvalid, "reason", "reason.long", "max", zhiyuan.CardReasonMax)
	}
	return reason, nil
}

func checkCardIDs(ids []int64) error {
	switch {
	case len(ids) == 0:
		return zhiyuan.FieldFail(zhiyuan.EInvalid, "application_ids", "card.applications_required")
	case len(ids) > MaxCardBatch:
		return zhiyuan.FieldFail(zhiyuan.EInvalid, "application_ids", "card.applications_too_many", "max", MaxCardBatch)
	}
	return nil
}

// DecideCardApplications approves, or rejects with a reason, submitted applications in
// the caller's regions: one or many, all or nothing.
func (a *App) DecideCardApplications(ctx context.Context, p *zhiyuan.Principal, ids []int64, approve bool, reason string) (int, error) {
	if err := checkCardIDs(ids); err != nil {
		return 0, err
	}
	if !approve {
		var err error
		if reason, err = checkCardReason(reason); err != nil {
			return 0, err
		}
	}
	scopes, err := a.cardScopes(ctx, p)
	if err != nil {
		return 0, err
	}
	if len(ids) == 1 {
		// One application: a missing one is 404 and one outside the scope 403, as a
		// person deciding one application would expect.
		if _, err := a.CardApplication(ctx, p, ids[0]); err != nil {
			return 0, err
		}
	}
	action, detail := "card.approve", fmt.Sprintf("审核通过%d份志愿者证申请", len(ids))
	if !approve {
		action, detail = "card.reject", fmt.Sprintf("驳回%d份志愿者证申请：%s", len(ids), reason)
	}
	target := ""
	if len(ids) == 1 {
		target = strconv.FormatInt(ids[0], 10)
	}
	entry := a.auditEntry(ctx, p, action, "card_application", target, firstScope(scopes), 0, detail)
	return a.store.DecideCardApplications(ctx, ids, approve, reason, p.AccountID, scopes, entry)
}

func firstScope(scopes []string) string {
	if len(scopes) > 0 {
		return scopes[0]
	}
	return ""
}

// CreateCardBatch gathers approved applications in the caller's regions into a batch and
// numbers their cards.
func (a *App) CreateCardBatch(ctx context.Context, p *zhiyuan.Principal, ids []int64) (*zhiyuan.CardBatch, error) {
	if err := checkCardIDs(ids); err != nil {
		return nil, err
	}
	scopes, err := a.cardScopes(ctx, p)
	if err != nil {
		return nil, err
	}
	// The batch belongs to the narrowest region holding all of its applications, so the
	// admins of that region, and above, can follow it.
	region := firstScope(scopes)
	if first, err := a.store.FindCardApplicationByID(ctx, ids[0]); err == nil {
		region = first.RegionCode
		for _, sc := range scopes {
			if zhiyuan.RegionContains(sc, first.RegionCode) {
				region = sc
				break
			}
		}
		if scopes == nil {
			region = first.RegionCode[:2] + "0000"
		}
	}
	year := a.store.Now().In(zhiyuan.Beijing).Year()
	entry := a.auditEntry(ctx, p, "card.batch.create", "card_batch", "", region, 0, fmt.Sprintf("创建制卡批次，共%d张", len(ids)))
	return a.store.CreateCardBatch(ctx, ids, region, scopes, year, p.AccountID, proof.MakeCardNumber, entry)
}

// CardBatch returns a batch to an admin of its region.
func (a *App) CardBatch(ctx context.Context, p *zhiyuan.Principal, id int64) (*zhiyuan.CardBatch, error) {
	b, err := a.store.FindCardBatchByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := a.authorize(ctx, p, zhiyuan.ActRegionManage, b.Resource()); err != nil {
		return nil, err
	}
	return b, nil
}

// CardBatches lists the batches in the caller's regions, newest first.
func (a *App) CardBatches(ctx context.Context, p *zhiyuan.Principal, before int64, limit int) ([]zhiyuan.CardBatch, error) {
	scopes, err := a.cardScopes(ctx, p)
	if err != nil {
		return nil, err
	}
	return a.store.FindCardBatches(ctx, scopes, before, limit)
}

// AdvanceCardBatch marks a batch printed, or issued (its cards become valid).
func (a *App) AdvanceCardBatch(ctx context.Context, p *zhiyuan.Principal, id int64, to zhiyuan.CardBatchStatus) (*zhiyuan.CardBatch, error) {
	b, err := a.CardBatch(ctx, p, id)
	if err != nil {
		return nil, err
	}
	entry := a.auditEntry(ctx, p, "card.batch."+string(to), "card_batch", strconv.FormatInt(id, 10), b.RegionCode, 0,
		fmt.Sprintf("制卡批次%d标记为%s（%d张）", id, to.Chinese(), b.Count))
	if err := a.store.AdvanceCardBatch(ctx, id, to, p.AccountID, entry); err != nil {
		return nil, err
	}
	return a.store.FindCardBatchByID(ctx, id)
}

// WriteCardPrintList writes a batch's print list (a spreadsheet) to w, streaming the
// rows from the read pool: nothing is locked while the file is made. The export is
// audited, as it carries names.
func (a *App) WriteCardPrintList(ctx context.Context, p *zhiyuan.Principal, id int64, w io.Writer) error {
	b, err := a.CardBatch(ctx, p, id)
	if err != nil {
		return err
	}
	if err := a.audit(ctx, p, "card.batch.export", "card_batch", strconv.FormatInt(id, 10), b.RegionCode, 0, "导出制卡名单"); err != nil {
		return err
	}
	list, err := sheet.NewCardPrintList(w, fmt.Sprintf("批次 %d", id))
	if err != nil {
		return err
	}
	err = a.store.EachBatchCard(ctx, id, func(it sqlstore.CardPrintItem) error {
		delivery := it.Delivery.Chinese()
		switch it.Delivery {
		case zhiyuan.DeliveryOrg:
			delivery += "：" + it.DeliveryOrgName
		case zhiyuan.DeliveryAddress:
			delivery += "：" + it.DeliveryAddress
		}
		return list.Add(sheet.CardPrintRow{CardNumber: it.Number, Name: it.Name, VolunteerNo: it.VolunteerNo,
			Organization: it.DeliveryOrgName, PhotoFile: it.Number + ".jpg", Delivery: delivery})
	})
	if err != nil {
		return err
	}
	return list.Close()
}

// WriteCardPhotos writes a zip of a batch's photos, named by card number, to w.
func (a *App) WriteCardPhotos(ctx context.Context, p *zhiyuan.Principal, id int64, w io.Writer) error {
	b, err := a.CardBatch(ctx, p, id)
	if err != nil {
		return err
	}
	if err := a.audit(ctx, p, "card.batch.photos", "card_batch", strconv.FormatInt(id, 10), b.RegionCode, 0, "导出制卡照片"); err != nil {
		return err
	}
	z := sheet.NewPhotoZip(w)
	if err := a.store.EachBatchPhoto(ctx, id, func(number string, photo []byte) error {
		return z.Add(number+".jpg", photo)
	}); err != nil {
		return err
	}
	return z.Close()
}

// Card returns a card to an admin of its region.
func (a *App) Card(ctx context.Context, p *zhiyuan.Principal, number string) (*zhiyuan.Card, error) {
	if !proof.ValidCardNumber(number) {
		return nil, zhiyuan.Fail(zhiyuan.ENotFound, "notfound.card")
	}
	c, err := a.store.FindCardByNumber(ctx, number)
	if err != nil {
		return nil, err
	}
	if err := a.authorize(ctx, p, zhiyuan.ActRegionManage, c.Resource()); err != nil {
		return nil, err
	}
	return c, nil
}

// RevokeCard revokes a card with a reason: it stops verifying at once.
func (a *App) RevokeCard(ctx context.Context, p *zhiyuan.Principal, number, reason string) (*zhiyuan.Card, error) {
	reason, err := checkCardReason(reason)
	if err != nil {
		return nil, err
	}
	c, err := a.Card(ctx, p, number)
	if err != nil {
		return nil, err
	}
	entry := a.auditEntry(ctx, p, "card.revoke", "card", number, c.RegionCode, 0, reason)
	if err := a.store.SetCardStatus(ctx, number, []zhiyuan.CardStatus{zhiyuan.CardActive, zhiyuan.CardPending, zhiyuan.CardLost},
		zhiyuan.CardRevoked, reason, p.AccountID, entry); err != nil {
		return nil, err
	}
	return a.store.FindCardByNumber(ctx, number)
}

// ReissueCard replaces an active or lost card: the old number stops verifying and an
// approved re-issue application waits for the next batch.
func (a *App) ReissueCard(ctx context.Context, p *zhiyuan.Principal, number string) (*zhiyuan.CardApplication, error) {
	c, err := a.Card(ctx, p, number)
	if err != nil {
		return nil, err
	}
	entry := a.auditEntry(ctx, p, "card.reissue", "card", number, c.RegionCode, 0, "补办志愿者证")
	ap, err := a.store.ReissueCard(ctx, number, p.AccountID, entry)
	if err != nil {
		return nil, err
	}
	return a.store.FindCardApplicationByID(ctx, ap.ID)
}

// CardCheck is what the public check of a card payload says: valid or why not, and only
// what a passer-by may see.
type CardCheck struct {
	Valid      bool
	Reason     string // "" when valid; proof.Reason* or the card's status
	MaskedName string
	StarLevel  int
	RegionCode string
	RegionName string
	CheckedAt  time.Time
}

// Reasons beyond the signature's: the card's own state.
const (
	ReasonUnknownCard = "unknown_card"
	ReasonNotIssued   = "not_issued"
)

// CardReasonChinese explains a card check's reason, in the catalogue's words.
func CardReasonChinese(reason string) string {
	switch reason {
	case "":
		return zhiyuan.Text("cardcheck.valid")
	case proof.ReasonMalformed:
		return zhiyuan.Text("cardcheck.malformed")
	case proof.ReasonUnknownKey:
		return zhiyuan.Text("cardcheck.unknown_key")
	case proof.ReasonForged:
		return zhiyuan.Text("cardcheck.forged")
	case proof.ReasonExpired:
		return zhiyuan.Text("cardcheck.expired")
	case string(zhiyuan.CardRevoked):
		return zhiyuan.Text("cardcheck.revoked")
	case string(zhiyuan.CardLost):
		return zhiyuan.Text("cardcheck.lost")
	case string(zhiyuan.CardReplaced):
		return zhiyuan.Text("cardcheck.replaced")
	case ReasonNotIssued:
		return zhiyuan.Text("cardcheck.not_issued")
	case ReasonUnknownCard:
		return zhiyuan.Text("cardcheck.unknown_card")
	}
	return reason
}

// VerifyCard checks a scanned payload for anyone: the signature, its age, and the card's
// current state (a revoked, lost or replaced card does not verify however fresh its code).
func (a *App) VerifyCard(ctx context.Context, payload string) (*CardCheck, error) {
	now := a.store.Now()
	out := &CardCheck{CheckedAt: now}
	claims, err := proof.VerifyCard(payload, a.Signer.PublicKeys(), now)
	if err != nil {
		out.Reason = proof.Reason(err)
		if out.Reason == proof.ReasonExpired {
			// A genuine but stale code may still say whose card it was.
			out.MaskedName, out.StarLevel, out.RegionCode = claims.MaskedName, claims.StarLevel, claims.RegionCode
			out.RegionName = a.regionName(claims.RegionCode)
		}
		return out, nil
	}
	out.MaskedName, out.StarLevel, out.RegionCode = claims.MaskedName, claims.StarLevel, claims.RegionCode
	out.RegionName = a.regionName(claims.RegionCode)
	c, err := a.store.FindCardByNumber(ctx, claims.CardNumber)
	switch {
	case zhiyuan.ErrorCode(err) == zhiyuan.ENotFound:
		out.Reason = ReasonUnknownCard
	case err != nil:
		return nil, err
	case c.Status == zhiyuan.CardPending:
		out.Reason = ReasonNotIssued
	case c.Status != zhiyuan.CardActive:
		out.Reason = string(c.Status)
	default:
		out.Valid = true
	}
	return out, nil
}

// PublicKeys is the published key set that verifies card payloads.
func (a *App) PublicKeys() proof.JWKS { return a.Signer.JWKS() }
