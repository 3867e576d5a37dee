package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"zhiyuan"
	"zhiyuan/internal/app"
)

// The confirmations of the actions that ask first (confirm.go), one askFunc each. Each
// checks the caller may act, through the same application calls the action uses, and
// says in full what the action will do.

// askEndActivity is the confirmation of 停止报名 (closed) and 取消活动 (cancelled).
func (x *Web) askEndActivity(to zhiyuan.ActivityStatus) askFunc {
	return func(r *http.Request, p *zhiyuan.Principal) (*confirmation, error) {
		id, err := pathID(r)
		if err != nil {
			return nil, err
		}
		a, n, err := x.app.EndActivityPreview(r.Context(), p, id, to)
		if err != nil {
			return nil, err
		}
		c := &confirmation{Subject: a.Title, Action: fmt.Sprintf("/activities/%d/%s", id, map[zhiyuan.ActivityStatus]string{zhiyuan.ActivityClosed: "close", zhiyuan.ActivityCancelled: "cancel"}[to]),
			Back: backTo(r, fmt.Sprintf("/activities/%d", id))}
		if to == zhiyuan.ActivityCancelled {
			c.Title, c.Button, c.Danger = zhiyuan.Text("confirm.cancel_activity_title"), "取消活动", true
			if n > 0 {
				c.Consequence = append(c.Consequence, zhiyuan.Text("confirm.cancel_activity_notify", "count", n),
					zhiyuan.Text("confirm.cancel_activity_signups"))
			} else {
				c.Consequence = append(c.Consequence, zhiyuan.Text("confirm.cancel_activity_nobody"))
			}
		} else {
			c.Title, c.Button = zhiyuan.Text("confirm.close_activity_title"), "停止报名"
			c.Consequence = append(c.Consequence, zhiyuan.Text("confirm.close_activity"))
			if n > 0 {
				c.Consequence = append(c.Consequence, zhiyuan.Text("confirm.close_activity_notify", "count", n))
			}
		}
		return c, nil
	}
}

// askCancelSignup is the confirmation of a volunteer's 取消报名; after the deadline it
// says that the cancellation goes on the credit record.
func (x *Web) askCancelSignup(r *http.Request, p *zhiyuan.Principal) (*confirmation, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	sg, late, deadline, err := x.app.CancelSignupPreview(r.Context(), p, id)
	if err != nil {
		return nil, err
	}
	c := &confirmation{Title: zhiyuan.Text("confirm.cancel_signup_title"), Subject: sg.ActivityTitle + " · " + zhiyuan.SessionLabel(sg.StartsAt, sg.EndsAt, sg.TimeZone),
		Action: fmt.Sprintf("/signups/%d/cancel", id), Button: "取消报名", Back: backTo(r, "/me/signups")}
	if late {
		c.Danger = true
		c.Consequence = append(c.Consequence,
			zhiyuan.Text("confirm.cancel_signup_late", "deadline", deadline.In(zhiyuan.LoadZone(sg.TimeZone)).Format("01月02日 15:04")))
		if rec, err := x.app.MySignupRecord(r.Context(), p); err == nil && rec.LateCancellations > 0 {
			c.Consequence = append(c.Consequence, zhiyuan.Text("confirm.cancel_signup_late_before", "count", rec.LateCancellations))
		}
	}
	switch sg.Status {
	case zhiyuan.SignupConfirmed:
		c.Consequence = append(c.Consequence, zhiyuan.Text("confirm.cancel_signup_seat"))
	case zhiyuan.SignupWaitlisted:
		c.Consequence = append(c.Consequence, zhiyuan.Text("confirm.cancel_signup_waitlist"))
	case zhiyuan.SignupPending:
		c.Consequence = append(c.Consequence, zhiyuan.Text("confirm.cancel_signup_pending"))
	}
	return c, nil
}

// askDecideSignups is the confirmation of 不录用 and 标记缺席 on a session's sign-up list
// (录用 does not ask: it gives a seat).
func (x *Web) askDecideSignups(action string, n int) askFunc {
	return func(r *http.Request, p *zhiyuan.Principal) (*confirmation, error) {
		id, err := pathID(r)
		if err != nil {
			return nil, err
		}
		_, a, err := x.app.ManagedSession(r.Context(), p, id)
		if err != nil {
			return nil, err
		}
		if n == 0 {
			return nil, zhiyuan.FieldFail(zhiyuan.EInvalid, "ids", "signup.decide_nothing_chosen")
		}
		c := &confirmation{Subject: a.Title, Action: fmt.Sprintf("/sessions/%d/signups/decide", id), Danger: true,
			Back: fmt.Sprintf("/sessions/%d/signups", id)}
		if action == "reject" {
			c.Title, c.Button = zhiyuan.Text("confirm.reject_signups_title", "count", n), "不录用"
			c.Consequence = []string{zhiyuan.Text("confirm.reject_signups", "count", n)}
		} else {
			c.Title, c.Button = zhiyuan.Text("confirm.no_show_title", "count", n), "标记缺席"
			c.Consequence = []string{zhiyuan.Text("confirm.no_show", "count", n), zhiyuan.Text("confirm.no_show_undo")}
		}
		return c, nil
	}
}

// askCardLost is the confirmation of a volunteer reporting their card lost.
func (x *Web) askCardLost(r *http.Request, p *zhiyuan.Principal) (*confirmation, error) {
	c, err := x.app.MyCard(r.Context(), p)
	if err != nil {
		return nil, err
	}
	if c.Card.Status != zhiyuan.CardActive {
		return nil, zhiyuan.FieldFail(zhiyuan.EConflict, "status", "card.lost_needs_active")
	}
	return &confirmation{Title: zhiyuan.Text("confirm.card_lost_title"), Subject: "卡号 " + c.Card.Number, Action: "/me/card/lost", Button: "挂失", Danger: true,
		Back: "/me/card", Consequence: []string{zhiyuan.Text("confirm.card_lost"),
			zhiyuan.Text("confirm.card_lost_new")}}, nil
}

// askCardReject is the confirmation of 驳回 on the card queue (审核通过 does not ask).
func (x *Web) askCardReject(n int) askFunc {
	return func(r *http.Request, p *zhiyuan.Principal) (*confirmation, error) {
		if n == 0 {
			return nil, zhiyuan.FieldFail(zhiyuan.EInvalid, "ids", "card.applications_required")
		}
		// The queue's own read says whether the caller processes cards at all.
		if _, err := x.app.CardApplications(r.Context(), p, app.CardQuery{Status: string(zhiyuan.AppSubmitted), Limit: 1}); err != nil {
			return nil, err
		}
		c := &confirmation{Title: zhiyuan.Text("confirm.card_reject_title", "count", n), Action: "/admin/cards/decide", Button: "驳回", Danger: true,
			Back: "/admin/cards", Consequence: []string{zhiyuan.Text("confirm.card_reject", "count", n)}}
		if reason := trim(r, "reason"); reason != "" {
			c.Consequence = append(c.Consequence, zhiyuan.Text("confirm.reject_reason", "reason", reason))
		} else {
			c.Consequence = append(c.Consequence, zhiyuan.Text("confirm.card_reject_no_reason"))
		}
		return c, nil
	}
}

// askCardRevoke and askCardReissue are the confirmations of an admin's card actions.
func (x *Web) askCardRevoke(r *http.Request, p *zhiyuan.Principal) (*confirmation, error) {
	c, err := x.app.Card(r.Context(), p, strings.ToUpper(trim(r, "number")))
	if err != nil {
		return nil, err
	}
	con := []string{zhiyuan.Text("confirm.card_revoke")}
	if reason := trim(r, "reason"); reason != "" {
		con = append(con, zhiyuan.Text("confirm.card_revoke_reason", "reason", reason))
	}
	return &confirmation{Title: zhiyuan.Text("confirm.card_revoke_title"), Subject: c.VolunteerName + " · 卡号 " + c.Number, Action: "/admin/cards/card/revoke",
		Button: "吊销", Danger: true, Back: "/admin/cards/card?number=" + c.Number, Consequence: con}, nil
}

func (x *Web) askCardReissue(r *http.Request, p *zhiyuan.Principal) (*confirmation, error) {
	c, err := x.app.Card(r.Context(), p, strings.ToUpper(trim(r, "number")))
	if err != nil {
		return nil, err
	}
	return &confirmation{Title: zhiyuan.Text("confirm.card_reissue_title"), Subject: c.VolunteerName + " · 卡号 " + c.Number, Action: "/admin/cards/card/reissue",
		Button: "受理补办", Back: "/admin/cards/card?number=" + c.Number,
		Consequence: []string{zhiyuan.Text("confirm.card_reissue")}}, nil
}

// askCardBatch is the confirmation of marking a card batch printed or issued.
func (x *Web) askCardBatch(to zhiyuan.CardBatchStatus) askFunc {
	return func(r *http.Request, p *zhiyuan.Principal) (*confirmation, error) {
		id, err := pageID(r)
		if err != nil {
			return nil, err
		}
		b, err := x.app.CardBatch(r.Context(), p, id)
		if err != nil {
			return nil, err
		}
		c := &confirmation{Subject: fmt.Sprintf("批次 %d · %d 张", b.ID, b.Count), Action: fmt.Sprintf("/admin/cards/batches/%d/%s", id, to),
			Back: fmt.Sprintf("/admin/cards/batches/%d", id)}
		if to == zhiyuan.BatchIssued {
			c.Title, c.Button = zhiyuan.Text("confirm.batch_issued_title"), "标记为已发放"
			c.Consequence = []string{zhiyuan.Text("confirm.batch_issued", "count", b.Count)}
		} else {
			c.Title, c.Button = zhiyuan.Text("confirm.batch_printed_title"), "标记为已印制"
			c.Consequence = []string{zhiyuan.Text("confirm.batch_printed")}
		}
		return c, nil
	}
}

// askOrgDecide is the confirmation of approving or rejecting a pending organisation.
func (x *Web) askOrgDecide(approve bool) askFunc {
	return func(r *http.Request, p *zhiyuan.Principal) (*confirmation, error) {
		id, err := pathID(r)
		if err != nil {
			return nil, err
		}
		o, err := x.app.AuthorizeOrg(r.Context(), p, zhiyuan.ActOrgApprove, id)
		if err != nil {
			return nil, err
		}
		if o.Status != zhiyuan.OrgPending {
			return nil, zhiyuan.FieldFail(zhiyuan.EConflict, "status", "org.decided", "status", o.Status.Chinese())
		}
		c := &confirmation{Subject: o.Name, Back: backTo(r, "/admin/orgs")}
		if approve {
			c.Title, c.Button, c.Action = zhiyuan.Text("confirm.org_approve_title"), "审核通过", fmt.Sprintf("/orgs/%d/approve", id)
			c.Consequence = []string{zhiyuan.Text("confirm.org_approve", "org", o.Name)}
		} else {
			c.Title, c.Button, c.Danger, c.Action = zhiyuan.Text("confirm.org_reject_title"), "驳回", true, fmt.Sprintf("/orgs/%d/reject", id)
			c.Consequence = []string{zhiyuan.Text("confirm.org_reject")}
			if reason := trim(r, "reason"); reason != "" {
				c.Consequence = append(c.Consequence, zhiyuan.Text("confirm.reject_reason", "reason", reason))
			}
		}
		return c, nil
	}
}

// askMemberReject and askMemberLeave are the confirmations of rejecting a membership
// application and of leaving an organisation.
func (x *Web) askMemberReject(r *http.Request, p *zhiyuan.Principal) (*confirmation, error) {
	id, err := pathInt(r, "id")
	if err != nil {
		return nil, err
	}
	vid, err := pathInt(r, "volunteer_id")
	if err != nil {
		return nil, err
	}
	m, err := x.app.PendingMember(r.Context(), p, id, vid)
	if err != nil {
		return nil, err
	}
	return &confirmation{Title: zhiyuan.Text("confirm.member_reject_title"), Subject: m.OrgName + " · " + m.VolunteerName, Action: fmt.Sprintf("/orgs/%d/members/%d/reject", id, vid),
		Button: "拒绝", Danger: true, Back: backTo(r, fmt.Sprintf("/orgs/%d/members", id)),
		Consequence: []string{zhiyuan.Text("confirm.member_reject")}}, nil
}

func (x *Web) askMemberLeave(r *http.Request, p *zhiyuan.Principal) (*confirmation, error) {
	id, err := pathInt(r, "id")
	if err != nil {
		return nil, err
	}
	o, err := x.app.Organization(zhiyuan.WithPrincipal(r.Context(), p), id)
	if err != nil {
		return nil, err
	}
	return &confirmation{Title: zhiyuan.Text("confirm.member_leave_title", "org", o.Name), Action: fmt.Sprintf("/orgs/%d/leave", id), Button: "退出", Danger: true,
		Back: fmt.Sprintf("/orgs/%d", id), Consequence: []string{zhiyuan.Text("confirm.member_leave"),
			zhiyuan.Text("confirm.member_leave_hours")}}, nil
}

// The hour actions write to the append-only ledger: what is written stays, and a mistake
// can only be answered by a correction entry.

func (x *Web) askConfirmHours(r *http.Request, p *zhiyuan.Principal) (*confirmation, error) {
	id, a, err := x.pathSession(r, p)
	if err != nil {
		return nil, err
	}
	title := zhiyuan.Text("confirm.hours_all_title")
	if r.PostFormValue("all") != "1" {
		n := len(r.PostForm["entry_id"])
		if n == 0 {
			return nil, zhiyuan.FieldFail(zhiyuan.EInvalid, "entry_ids", "hours.confirm_nothing_chosen")
		}
		title = zhiyuan.Text("confirm.hours_some_title", "count", n)
	}
	return &confirmation{Title: title, Subject: a.Title, Action: fmt.Sprintf("/sessions/%d/hours/confirm", id),
		Button: "确认时长", Back: fmt.Sprintf("/sessions/%d/attendance#confirm", id),
		Consequence: []string{zhiyuan.Text("confirm.hours")}}, nil
}

// pathSession is the session named by the address, whose hours the caller manages, with
// its activity: the page hours are confirmed or made up from.
func (x *Web) pathSession(r *http.Request, p *zhiyuan.Principal) (int64, *zhiyuan.Activity, error) {
	id, err := hrID(r, "id")
	if err != nil {
		return 0, nil, err
	}
	_, a, err := x.app.ManagedSession(r.Context(), p, id)
	return id, a, err
}

// formSession is the session named by the form's session_id, whose hours the caller
// manages, with its activity: the page a correction or a dispute is decided from.
func (x *Web) formSession(r *http.Request, p *zhiyuan.Principal) (int64, *zhiyuan.Activity, error) {
	sid, err := strconv.ParseInt(trim(r, "session_id"), 10, 64)
	if err != nil {
		return 0, nil, zhiyuan.Fail(zhiyuan.ENotFound, "notfound.session")
	}
	_, a, err := x.app.ManagedSession(r.Context(), p, sid)
	return sid, a, err
}

func (x *Web) askCorrection(r *http.Request, p *zhiyuan.Principal) (*confirmation, error) {
	sid, a, err := x.formSession(r, p)
	if err != nil {
		return nil, err
	}
	id, err := hrID(r, "id")
	if err != nil {
		return nil, err
	}
	con := []string{zhiyuan.Text("confirm.correction")}
	if h := trim(r, "hours"); h != "" {
		con = append(con, zhiyuan.Text("confirm.correction_hours", "hours", h))
	}
	if reason := trim(r, "reason"); reason != "" {
		con = append(con, zhiyuan.Text("confirm.reason", "reason", reason))
	}
	return &confirmation{Title: zhiyuan.Text("confirm.correction_title"), Subject: a.Title, Action: fmt.Sprintf("/hour-entries/%d/corrections", id),
		Button: "记录更正", Back: fmt.Sprintf("/sessions/%d/attendance#correct", sid), Consequence: con}, nil
}

func (x *Web) askMakeup(r *http.Request, p *zhiyuan.Principal) (*confirmation, error) {
	id, a, err := x.pathSession(r, p)
	if err != nil {
		return nil, err
	}
	con := []string{zhiyuan.Text("confirm.makeup")}
	if h := trim(r, "hours"); h != "" {
		con = append(con, zhiyuan.Text("confirm.makeup_hours", "volunteer_no", trim(r, "volunteer_no"), "hours", h))
	}
	return &confirmation{Title: zhiyuan.Text("confirm.makeup_title"), Subject: a.Title, Action: fmt.Sprintf("/sessions/%d/hour-entries", id),
		Button: "补录", Back: fmt.Sprintf("/sessions/%d/attendance#makeup", id), Consequence: con}, nil
}

func (x *Web) askResolveDispute(r *http.Request, p *zhiyuan.Principal) (*confirmation, error) {
	sid, a, err := x.formSession(r, p)
	if err != nil {
		return nil, err
	}
	id, err := hrID(r, "id")
	if err != nil {
		return nil, err
	}
	c := &confirmation{Subject: a.Title, Action: fmt.Sprintf("/disputes/%d/resolve", id), Back: fmt.Sprintf("/sessions/%d/attendance#disputes", sid)}
	if r.PostFormValue("accept") == "1" {
		c.Title, c.Button = zhiyuan.Text("confirm.dispute_accept_title"), "申诉属实"
		c.Consequence = []string{zhiyuan.Text("confirm.dispute_accept")}
		if h := trim(r, "hours"); h != "" {
			c.Consequence = append(c.Consequence, zhiyuan.Text("confirm.dispute_accept_hours", "hours", h))
		}
	} else {
		c.Title, c.Button = zhiyuan.Text("confirm.dispute_reject_title"), "维持原记录"
		c.Consequence = []string{zhiyuan.Text("confirm.dispute_reject")}
	}
	return c, nil
}

// askClaimBenefit is the confirmation of 领取核销码: a claim takes a unit of a limited
// stock and one use of the volunteer's allowance for good, even if the code is never used.
// A volunteer who does not qualify is told why instead of being asked.
func (x *Web) askClaimBenefit(r *http.Request, p *zhiyuan.Principal) (*confirmation, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	b, err := x.app.Benefit(r.Context(), p, id)
	if err != nil {
		return nil, err
	}
	if !b.Eligible {
		return nil, zhiyuan.FieldFail(zhiyuan.EInvalid, "benefit", "benefit.not_eligible", "reason", b.Reason)
	}
	c := &confirmation{Title: zhiyuan.Text("confirm.claim_benefit_title"), Subject: b.PartnerName + " · " + b.Title,
		Action: fmt.Sprintf("/benefits/%d/claim", id), Button: "领取核销码", Back: backTo(r, "/benefits")}
	c.Consequence = append(c.Consequence, zhiyuan.Text("confirm.claim_benefit", "days", int(zhiyuan.ClaimTTL.Hours()/24)))
	if b.Limited() {
		c.Consequence = append(c.Consequence, zhiyuan.Text("confirm.claim_benefit_stock", "left", b.StockLeft))
	}
	if b.LimitCount > 0 {
		c.Consequence = append(c.Consequence, zhiyuan.Text("confirm.claim_benefit_limit", "period", b.LimitPeriod.Chinese(), "count", b.LimitCount))
	}
	return c, nil
}

// askRemovePartnerStaff is the confirmation of 移除 on the partner's staff list.
func (x *Web) askRemovePartnerStaff(r *http.Request, p *zhiyuan.Principal) (*confirmation, error) {
	pt, err := x.app.MyPartner(r.Context(), p)
	if err != nil {
		return nil, err
	}
	staff, err := x.app.PartnerStaff(r.Context(), p, pt.ID)
	if err != nil {
		return nil, err
	}
	account := r.PathValue("account")
	for _, m := range staff {
		if strconv.FormatInt(m.AccountID, 10) == account {
			return &confirmation{Title: zhiyuan.Text("confirm.partner_staff_title"), Subject: m.Name + " " + m.Phone,
				Consequence: []string{zhiyuan.Text("confirm.partner_staff")}, Action: "/partner/staff/" + account + "/remove",
				Button: "移除", Back: "/partner", Danger: true}, nil
		}
	}
	return nil, zhiyuan.Fail(zhiyuan.ENotFound, "notfound.partner_staff")
}

// askInvite is the confirmation of 发送邀请 for n volunteers of session id; the action
// itself checks that each is still a candidate.
func askInvite(id int64, n int) askFunc {
	return func(r *http.Request, p *zhiyuan.Principal) (*confirmation, error) {
		back := fmt.Sprintf("/sessions/%d/candidates", id)
		return &confirmation{Title: zhiyuan.Text("confirm.invite_title"), Consequence: []string{zhiyuan.Text("confirm.invite", "n", n)},
			Action: fmt.Sprintf("/sessions/%d/invitations", id), Button: "发送邀请", Back: back}, nil
	}
}
