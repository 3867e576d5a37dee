package web

import (
	"net/http"
	"net/url"

	"zhiyuan"
	"zhiyuan/internal/httpx"
)

// Pages of hour offers: a volunteer accepts or disputes hours an organisation recorded
// for them without a sign-up (listed on 我的时长); disputing asks for a reason and a
// confirmation, as it cannot be undone.

func (x *Web) acceptOfferForm(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := hrID(r, "id")
	if err != nil {
		return err
	}
	e, err := x.app.AcceptHourOffer(r.Context(), p, id)
	if err != nil {
		if !isFormError(err) {
			return err
		}
		return x.renderMyHours(w, r, p, httpx.Status(zhiyuan.ErrorCode(err)), err, 0)
	}
	http.Redirect(w, r, "/me/hours?ok="+url.QueryEscape(zhiyuan.Text("notice.offer_accepted", "hours", zhiyuan.FormatHours(e.Minutes))), http.StatusSeeOther)
	return nil
}

func (x *Web) disputeOfferPage(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	return x.renderDisputeOffer(w, r, p, http.StatusOK, nil)
}

func (x *Web) renderDisputeOffer(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal, status int, formErr error) error {
	id, err := hrID(r, "id")
	if err != nil {
		return err
	}
	o, err := x.app.MyHourOffer(r.Context(), p, id)
	if err != nil {
		return err
	}
	if !o.Pending(x.app.Now()) && formErr == nil {
		formErr = zhiyuan.FieldFail(zhiyuan.EConflict, "status", "hours.offer_not_pending", "status", o.Status.Chinese())
		status = http.StatusConflict
	}
	data := map[string]any{"Title": "对时长记录提出异议", "Offer": o, "Reason": r.PostFormValue("reason")}
	if formErr != nil {
		data["Fields"], data["Error"] = formProblems(formErr)
	}
	x.render(w, r, status, "hour_offer_dispute.html", data)
	return nil
}

func (x *Web) disputeOfferForm(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
	id, err := hrID(r, "id")
	if err != nil {
		return err
	}
	if r.PostFormValue("confirm") != "1" {
		// It cannot be undone: the box says the volunteer means it.
		return x.renderDisputeOffer(w, r, p, http.StatusUnprocessableEntity,
			zhiyuan.FieldFail(zhiyuan.EInvalid, "confirm", "web.dispute_confirm_required"))
	}
	if _, err := x.app.DisputeHourOffer(r.Context(), p, id, trim(r, "reason")); err != nil {
		if !isFormError(err) {
			return err
		}
		return x.renderDisputeOffer(w, r, p, httpx.Status(zhiyuan.ErrorCode(err)), err)
	}
	http.Redirect(w, r, "/me/hours?ok="+url.QueryEscape(zhiyuan.Text("notice.offer_disputed")), http.StatusSeeOther)
	return nil
}
