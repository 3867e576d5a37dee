package web

import (
	"encoding/base64"
	"errors"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"zhiyuan"
	"zhiyuan/internal/app"
	"zhiyuan/internal/httpx"
	"zhiyuan/internal/proof"
)

// publicBase is the address QR codes point at: the configured one, or this request's.
func (x *Web) publicBase(r *http.Request) string {
	if x.app.Config.BaseURL != "" {
		return x.app.Config.BaseURL
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// qrDataURL draws content as a QR code inlined in the page (the CSP allows data: images).
func qrDataURL(content string) (template.URL, error) {
	png, err := proof.QRPNG(content, 360)
	if err != nil {
		return "", err
	}
	return template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(png)), nil
}

// stars writes a star level as ★★★☆☆.
func stars(n int) string {
	return strings.Repeat("★", n) + strings.Repeat("☆", 5-n)
}

func (x *Web) myCardPage(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	return x.renderMyCard(w, r, p, http.StatusOK, nil, nil)
}

// renderMyCard shows the digital card (when there is one), the application's progress
// and, when the volunteer may apply, the application form with formErr's messages.
func (x *Web) renderMyCard(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal, status int, formErr error, form url.Values) error {
	ctx := r.Context()
	data := map[string]any{"Title": "我的志愿者证", "Notice": r.URL.Query().Get("notice"), "Form": form}
	if _, err := x.app.MyVolunteer(ctx, p); err != nil {
		if zhiyuan.ErrorCode(err) != zhiyuan.ENotFound {
			return err
		}
		data["NotVolunteer"] = true
		x.render(w, r, status, "card_mine.html", data)
		return nil
	}
	d, err := x.app.MyCard(ctx, p)
	switch {
	case err == nil:
		data["Card"] = d
		data["Stars"] = stars(d.StarLevel)
		data["Hours"] = zhiyuan.FormatHours(d.ConfirmedMinutes)
		if d.Payload != "" {
			qr, err := qrDataURL(x.publicBase(r) + "/verify/card/" + d.Payload)
			if err != nil {
				return err
			}
			data["QR"], data["VerifyPath"] = qr, "/verify/card/"+d.Payload
			data["Refresh"] = int(d.RefreshAfter.Seconds())
		}
	case zhiyuan.ErrorCode(err) != zhiyuan.ENotFound:
		return err
	}
	apps, err := x.app.MyCardApplications(ctx, p)
	if err != nil {
		return err
	}
	events, err := x.app.MyCardEvents(ctx, p)
	if err != nil {
		return err
	}
	data["Apps"], data["Events"] = apps, events
	open := false
	for _, a := range apps {
		switch a.Status {
		case zhiyuan.AppSubmitted, zhiyuan.AppApproved, zhiyuan.AppBatched, zhiyuan.AppPrinted:
			open = true
		}
	}
	live := d != nil && (d.Card.Status == zhiyuan.CardActive || d.Card.Status == zhiyuan.CardPending)
	data["CanApply"] = !open && !live
	if orgs, err := x.app.MyOrgs(ctx, p); err == nil {
		var approved []*zhiyuan.Membership
		for _, m := range orgs.Memberships {
			if m.Status == zhiyuan.MemberApproved {
				approved = append(approved, m)
			}
		}
		data["Orgs"] = approved
	}
	if formErr != nil {
		data["Fields"], data["Error"] = formProblems(formErr)
	}
	x.render(w, r, status, "card_mine.html", data)
	return nil
}

func (x *Web) cardApply(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	// Refusals that do not depend on the upload come before reading it.
	if err := x.app.CanApplyForCard(r.Context(), p); err != nil {
		if isFormError(err) {
			return x.renderMyCard(w, r, p, cardStatus(err), err, nil)
		}
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, proof.MaxPhotoBytes+64<<10)
	in := app.CardApplyInput{}
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		var maxErr *http.MaxBytesError
		bad := zhiyuan.FieldFail(zhiyuan.EInvalid, "photo", "card.photo_choose")
		if errors.As(err, &maxErr) {
			bad = zhiyuan.FieldFail(zhiyuan.EInvalid, "photo", "card.photo_too_large", "max_mb", proof.MaxPhotoBytes>>20)
		}
		return x.renderMyCard(w, r, p, http.StatusUnprocessableEntity, bad, r.Form)
	}
	defer r.MultipartForm.RemoveAll()
	if err := httpx.CheckValues(r.MultipartForm.Value); err != nil {
		return x.renderMyCard(w, r, p, http.StatusUnprocessableEntity, err, nil)
	}
	in.Delivery = r.FormValue("delivery")
	in.DeliveryAddress = r.FormValue("delivery_address")
	in.DeliveryOrgID, _ = strconv.ParseInt(r.FormValue("delivery_org_id"), 10, 64)
	if f, _, err := r.FormFile("photo"); err == nil {
		in.Photo, _ = io.ReadAll(io.LimitReader(f, proof.MaxPhotoBytes+1))
		f.Close()
	}
	if _, err := x.app.ApplyForCard(r.Context(), p, in); err != nil {
		if isFormError(err) {
			return x.renderMyCard(w, r, p, cardStatus(err), err, r.Form)
		}
		return err
	}
	http.Redirect(w, r, "/me/card?notice="+url.QueryEscape(zhiyuan.Text("notice.card_applied")), http.StatusSeeOther)
	return nil
}

func (x *Web) cardLost(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	if err := x.app.ReportMyCardLost(r.Context(), p); err != nil {
		return err
	}
	http.Redirect(w, r, "/me/card?notice="+url.QueryEscape(zhiyuan.Text("notice.card_lost")), http.StatusSeeOther)
	return nil
}

func (x *Web) cardPhoto(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	photo, err := x.app.MyCardPhoto(r.Context(), p)
	if err != nil {
		return err
	}
	writePhoto(w, photo)
	return nil
}

// cardApplicationPhoto serves the photo beside an application in the queue; the address
// carries the application's id only, and App.CardApplicationPhoto decides who sees it.
func (x *Web) cardApplicationPhoto(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return zhiyuan.Fail(zhiyuan.ENotFound, "notfound.card_application")
	}
	photo, err := x.app.CardApplicationPhoto(r.Context(), p, id)
	if err != nil {
		return err
	}
	writePhoto(w, photo)
	return nil
}

// writePhoto answers with a card photo, which no cache may keep.
func writePhoto(w http.ResponseWriter, photo []byte) {
	w.Header().Set("Content-Type", "image/jpeg")
	w.Header().Set("Cache-Control", "private, no-store")
	w.Write(photo)
}

func (x *Web) cardQueue(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	return x.renderCardQueue(w, r, p, http.StatusOK, "", "")
}

func (x *Web) renderCardQueue(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal, status int, notice, errMsg string) error {
	q := r.URL.Query()
	st := q.Get("status")
	if _, ok := q["status"]; !ok {
		st = string(zhiyuan.AppSubmitted)
	}
	after, _ := strconv.ParseInt(q.Get("after"), 10, 64)
	list, err := x.app.CardApplications(r.Context(), p, app.CardQuery{Status: st, Region: q.Get("region"),
		VolunteerNo: q.Get("volunteer_no"), After: after, Limit: 200})
	if err != nil {
		return err
	}
	batches, err := x.app.CardBatches(r.Context(), p, 0, 20)
	if err != nil {
		return err
	}
	next := ""
	if len(list) == 200 {
		v := url.Values{"status": {st}, "region": {q.Get("region")}, "volunteer_no": {q.Get("volunteer_no")},
			"after": {strconv.FormatInt(list[len(list)-1].ID, 10)}}
		next = "/admin/cards?" + v.Encode()
	}
	if notice == "" {
		notice = q.Get("notice")
	}
	names := map[string]string{}
	for _, a := range list {
		names[a.RegionCode] = x.app.RegionName(a.RegionCode)
	}
	x.render(w, r, status, "card_admin.html", map[string]any{
		"Title": "志愿者证办理", "Apps": list, "RegionNames": names,
		"Regions": scopeRegionGroups(x.app.Regions, p.RegionScopes()), "Batches": batches, "Status": st, "Region": q.Get("region"),
		"VolunteerNo": q.Get("volunteer_no"), "Next": next, "Notice": notice, "Error": errMsg,
		"Statuses": []zhiyuan.CardApplicationStatus{zhiyuan.AppSubmitted, zhiyuan.AppApproved, zhiyuan.AppRejected,
			zhiyuan.AppBatched, zhiyuan.AppPrinted, zhiyuan.AppIssued},
	})
	return nil
}

// formIDs reads the ids of the ticked boxes named name (application ids of the queue,
// sessions of an activity, sign-ups to decide); a value that is no number is no box.
func formIDs(r *http.Request, name string) []int64 {
	var ids []int64
	for _, v := range r.PostForm[name] {
		if id, err := strconv.ParseInt(v, 10, 64); err == nil {
			ids = append(ids, id)
		}
	}
	return ids
}

func (x *Web) cardDecide(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	if err := r.ParseForm(); err != nil {
		return zhiyuan.Fail(zhiyuan.EInvalid, "web.form_invalid")
	}
	approve := r.PostFormValue("action") == "approve"
	if !approve {
		// 驳回 asks first (confirm.go); 审核通过 leads to printing, which asks again.
		if asked, err := x.askFirst(w, r, p, x.askCardReject(len(formIDs(r, "id")))); asked || err != nil {
			return err
		}
	}
	n, err := x.app.DecideCardApplications(r.Context(), p, formIDs(r, "id"), approve, trim(r, "reason"))
	if err != nil {
		if isFormError(err) {
			return x.renderCardQueue(w, r, p, cardStatus(err), "", zhiyuan.ErrorMessage(err))
		}
		return err
	}
	notice := zhiyuan.Text("notice.cards_approved", "count", n)
	if !approve {
		notice = zhiyuan.Text("notice.cards_rejected", "count", n)
	}
	http.Redirect(w, r, "/admin/cards?notice="+url.QueryEscape(notice), http.StatusSeeOther)
	return nil
}

func (x *Web) cardBatchCreate(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	if err := r.ParseForm(); err != nil {
		return zhiyuan.Fail(zhiyuan.EInvalid, "web.form_invalid")
	}
	b, err := x.app.CreateCardBatch(r.Context(), p, formIDs(r, "id"))
	if err != nil {
		if isFormError(err) {
			r.URL.RawQuery = "status=approved"
			return x.renderCardQueue(w, r, p, cardStatus(err), "", zhiyuan.ErrorMessage(err))
		}
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/admin/cards/batches/%d", b.ID), http.StatusSeeOther)
	return nil
}

func pageID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, zhiyuan.Fail(zhiyuan.ENotFound, "notfound.page")
	}
	return id, nil
}

func (x *Web) cardBatchPage(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pageID(r)
	if err != nil {
		return err
	}
	b, err := x.app.CardBatch(r.Context(), p, id)
	if err != nil {
		return err
	}
	apps, err := x.app.CardApplications(r.Context(), p, app.CardQuery{BatchID: id, Limit: 500})
	if err != nil {
		return err
	}
	x.render(w, r, http.StatusOK, "card_batch.html", map[string]any{
		"Title": fmt.Sprintf("制卡批次 %d", id), "Batch": b, "Apps": apps, "Notice": r.URL.Query().Get("notice"),
		"RegionName": x.app.RegionName(b.RegionCode), "More": b.Count > len(apps),
	})
	return nil
}

func (x *Web) cardBatchPrintList(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pageID(r)
	if err != nil {
		return err
	}
	d := httpx.NewDownload(w, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", fmt.Sprintf("card-batch-%d.xlsx", id))
	return d.Finish(r, x.log, x.app.WriteCardPrintList(r.Context(), p, id, d))
}

func (x *Web) cardBatchPhotos(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := pageID(r)
	if err != nil {
		return err
	}
	d := httpx.NewDownload(w, "application/zip", fmt.Sprintf("card-batch-%d-photos.zip", id))
	return d.Finish(r, x.log, x.app.WriteCardPhotos(r.Context(), p, id, d))
}

func (x *Web) cardBatchAdvance(to zhiyuan.CardBatchStatus) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
		id, err := pageID(r)
		if err != nil {
			return err
		}
		if _, err := x.app.AdvanceCardBatch(r.Context(), p, id, to); err != nil {
			return err
		}
		http.Redirect(w, r, fmt.Sprintf("/admin/cards/batches/%d?notice=%s", id, url.QueryEscape(zhiyuan.Text("notice.batch_marked", "status", to.Chinese()))), http.StatusSeeOther)
		return nil
	}
}

func (x *Web) cardAdminPage(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	return x.renderCardAdmin(w, r, p, r.URL.Query().Get("number"), http.StatusOK, "")
}

func (x *Web) renderCardAdmin(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal, number string, status int, errMsg string) error {
	c, err := x.app.Card(r.Context(), p, strings.TrimSpace(strings.ToUpper(number)))
	if err != nil {
		return err
	}
	x.render(w, r, status, "card_admin_card.html", map[string]any{
		"Title": "志愿者证 " + c.Number, "Card": c, "RegionName": x.app.RegionName(c.RegionCode),
		"Notice": r.URL.Query().Get("notice"), "Error": errMsg,
	})
	return nil
}

func (x *Web) cardRevoke(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	number := trim(r, "number")
	if _, err := x.app.RevokeCard(r.Context(), p, number, trim(r, "reason")); err != nil {
		if isFormError(err) {
			return x.renderCardAdmin(w, r, p, number, cardStatus(err), zhiyuan.ErrorMessage(err))
		}
		return err
	}
	http.Redirect(w, r, "/admin/cards/card?number="+url.QueryEscape(number)+"&notice="+url.QueryEscape(zhiyuan.Text("notice.card_revoked")), http.StatusSeeOther)
	return nil
}

func (x *Web) cardReissue(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	number := trim(r, "number")
	if _, err := x.app.ReissueCard(r.Context(), p, number); err != nil {
		if isFormError(err) {
			return x.renderCardAdmin(w, r, p, number, cardStatus(err), zhiyuan.ErrorMessage(err))
		}
		return err
	}
	http.Redirect(w, r, "/admin/cards?status=approved&notice="+url.QueryEscape(zhiyuan.Text("notice.card_reissued")), http.StatusSeeOther)
	return nil
}

func (x *Web) verifyCardPage(w http.ResponseWriter, r *http.Request, _ *zhiyuan.Principal) error {
	c, err := x.app.VerifyCard(r.Context(), r.PathValue("payload"))
	if err != nil {
		return err
	}
	x.render(w, r, http.StatusOK, "verify_card.html", map[string]any{
		"Title": "志愿者证核验", "Check": c, "Reason": app.CardReasonChinese(c.Reason), "Stars": stars(c.StarLevel),
	})
	return nil
}

func cardStatus(err error) int { return httpx.Status(zhiyuan.ErrorCode(err)) }
