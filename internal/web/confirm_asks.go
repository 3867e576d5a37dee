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
			c.Title, c.Button, c.Danger = "确定取消活动吗？", "取消活动", true
			if n > 0 {
				c.Consequence = append(c.Consequence, fmt.Sprintf("取消活动将通知已报名的 %d 人，且不能撤销。", n),
					"所有场次的报名（含候补和待录用）随之取消。")
			} else {
				c.Consequence = append(c.Consequence, "取消活动后不能撤销，活动将不再接受报名。")
			}
		} else {
			c.Title, c.Button = "确定停止报名吗？", "停止报名"
			c.Consequence = append(c.Consequence, "停止报名后志愿者不能再报名，且不能重新开放报名。")
			if n > 0 {
				c.Consequence = append(c.Consequence, fmt.Sprintf("已报名的 %d 人会收到通知；已录用的场次照常进行。", n))
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
	c := &confirmation{Title: "确定取消报名吗？", Subject: sg.ActivityTitle + " · " + zhiyuan.SessionLabel(sg.StartsAt, sg.EndsAt, sg.TimeZone),
		Action: fmt.Sprintf("/signups/%d/cancel", id), Button: "取消报名", Back: backTo(r, "/me/signups")}
	if late {
		c.Danger = true
		c.Consequence = append(c.Consequence,
			"已过取消截止时间（"+deadline.In(zhiyuan.LoadZone(sg.TimeZone)).Format("01月02日 15:04")+"），现在取消将计为逾期取消，记入您的信用记录，且不能撤销。")
		if rec, err := x.app.MySignupRecord(r.Context(), p); err == nil && rec.LateCancellations > 0 {
			c.Consequence = append(c.Consequence, fmt.Sprintf("您此前已有 %d 次逾期取消。", rec.LateCancellations))
		}
	}
	switch sg.Status {
	case zhiyuan.SignupConfirmed:
		c.Consequence = append(c.Consequence, "您的名额将让给候补的志愿者；如想再参加须重新报名，名额可能已满。")
	case zhiyuan.SignupWaitlisted:
		c.Consequence = append(c.Consequence, "您将离开候补队列；重新报名须从队尾排起。")
	case zhiyuan.SignupPending:
		c.Consequence = append(c.Consequence, "您的报名申请将撤回，组织方不再审核。")
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
			c.Title, c.Button = fmt.Sprintf("确定不录用所选的 %d 人吗？", n), "不录用"
			c.Consequence = []string{fmt.Sprintf("所选的 %d 人将收到未录用通知，且不能撤销；已录用的名额将让给候补的志愿者。", n)}
		} else {
			c.Title, c.Button = fmt.Sprintf("确定将所选的 %d 人标记为缺席吗？", n), "标记缺席"
			c.Consequence = []string{fmt.Sprintf("缺席将记入这 %d 人的信用记录。", n), "如志愿者其实到场，可在考勤页为其补登签到，缺席记录随之撤销。"}
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
	return &confirmation{Title: "确定挂失志愿者证吗？", Subject: "卡号 " + c.Card.Number, Action: "/me/card/lost", Button: "挂失", Danger: true,
		Back: "/me/card", Consequence: []string{"挂失后这张志愿者证立即失效，扫码核验将显示“已挂失”，且不能撤销。",
			"如需新证，请联系所在地区办理补证。"}}, nil
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
		c := &confirmation{Title: fmt.Sprintf("确定驳回所选的 %d 份申请吗？", n), Action: "/admin/cards/decide", Button: "驳回", Danger: true,
			Back: "/admin/cards", Consequence: []string{fmt.Sprintf("这 %d 位志愿者将看到驳回，须重新提交申请，且不能撤销。", n)}}
		if reason := trim(r, "reason"); reason != "" {
			c.Consequence = append(c.Consequence, "驳回原因："+reason)
		} else {
			c.Consequence = append(c.Consequence, "未填写驳回原因。")
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
	con := []string{"吊销后这张志愿者证即刻失效，扫码核验将显示“已吊销”，且不能撤销。"}
	if reason := trim(r, "reason"); reason != "" {
		con = append(con, "吊销原因："+reason)
	}
	return &confirmation{Title: "确定吊销此证吗？", Subject: c.VolunteerName + " · 卡号 " + c.Number, Action: "/admin/cards/card/revoke",
		Button: "吊销", Danger: true, Back: "/admin/cards/card?number=" + c.Number, Consequence: con}, nil
}

func (x *Web) askCardReissue(r *http.Request, p *zhiyuan.Principal) (*confirmation, error) {
	c, err := x.app.Card(r.Context(), p, strings.ToUpper(trim(r, "number")))
	if err != nil {
		return nil, err
	}
	return &confirmation{Title: "确定受理补办吗？", Subject: c.VolunteerName + " · 卡号 " + c.Number, Action: "/admin/cards/card/reissue",
		Button: "受理补办", Back: "/admin/cards/card?number=" + c.Number,
		Consequence: []string{"原卡号立即失效，且不能撤销；新卡进入下一制卡批次。"}}, nil
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
			c.Title, c.Button = "确定标记为已发放吗？", "标记为已发放"
			c.Consequence = []string{fmt.Sprintf("这 %d 张志愿者证将即刻生效，且不能撤销。", b.Count)}
		} else {
			c.Title, c.Button = "确定标记为已印制吗？", "标记为已印制"
			c.Consequence = []string{"标记后不能撤销，批次进入待发放。"}
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
			c.Title, c.Button, c.Action = "确定审核通过吗？", "审核通过", fmt.Sprintf("/orgs/%d/approve", id)
			c.Consequence = []string{"通过后「" + o.Name + "」即可发布活动、接收成员，且不能撤销。"}
		} else {
			c.Title, c.Button, c.Danger, c.Action = "确定驳回吗？", "驳回", true, fmt.Sprintf("/orgs/%d/reject", id)
			c.Consequence = []string{"驳回后申请人将看到驳回原因，须重新登记，且不能撤销。"}
			if reason := trim(r, "reason"); reason != "" {
				c.Consequence = append(c.Consequence, "驳回原因："+reason)
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
	o, err := x.app.AuthorizeOrg(r.Context(), p, zhiyuan.ActOrgManage, id)
	if err != nil {
		return nil, err
	}
	return &confirmation{Title: "确定拒绝这份入会申请吗？", Subject: o.Name, Action: fmt.Sprintf("/orgs/%d/members/%d/reject", id, vid),
		Button: "拒绝", Danger: true, Back: backTo(r, fmt.Sprintf("/orgs/%d/members", id)),
		Consequence: []string{"拒绝后不能撤销；志愿者如仍想加入，须重新申请。"}}, nil
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
	return &confirmation{Title: "确定退出「" + o.Name + "」吗？", Action: fmt.Sprintf("/orgs/%d/leave", id), Button: "退出", Danger: true,
		Back: fmt.Sprintf("/orgs/%d", id), Consequence: []string{"退出后不能再报名该组织“仅限成员”的活动；如想回来，须重新申请并等待审核。",
			"已记录的服务时长不受影响。"}}, nil
}

// The hour actions write to the append-only ledger: what is written stays, and a mistake
// can only be answered by a correction entry.

func (x *Web) askConfirmHours(r *http.Request, p *zhiyuan.Principal) (*confirmation, error) {
	id, err := hrID(r, "id")
	if err != nil {
		return nil, err
	}
	_, a, err := x.app.ManagedSession(r.Context(), p, id)
	if err != nil {
		return nil, err
	}
	what := "全部待确认的时长"
	if r.PostFormValue("all") != "1" {
		n := len(r.PostForm["entry_id"])
		if n == 0 {
			return nil, zhiyuan.FieldFail(zhiyuan.EInvalid, "entry_ids", "hours.confirm_nothing_chosen")
		}
		what = fmt.Sprintf("所选的 %d 条时长", n)
	}
	return &confirmation{Title: "确定确认" + what + "吗？", Subject: a.Title, Action: fmt.Sprintf("/sessions/%d/hours/confirm", id),
		Button: "确认时长", Back: fmt.Sprintf("/sessions/%d/attendance#confirm", id),
		Consequence: []string{"确认后时长计入志愿者的累计时长和星级，不能撤销；如有差错，只能另记一条更正。"}}, nil
}

func (x *Web) askCorrection(r *http.Request, p *zhiyuan.Principal) (*confirmation, error) {
	sid, err := strconv.ParseInt(trim(r, "session_id"), 10, 64)
	if err != nil {
		return nil, zhiyuan.Fail(zhiyuan.ENotFound, "notfound.session")
	}
	_, a, err := x.app.ManagedSession(r.Context(), p, sid)
	if err != nil {
		return nil, err
	}
	id, err := hrID(r, "id")
	if err != nil {
		return nil, err
	}
	con := []string{"更正是账本中的一条新记录，记入后不能修改或删除；原记录保持不变。"}
	if h := trim(r, "hours"); h != "" {
		con = append(con, "更正时长："+h+" 小时")
	}
	if reason := trim(r, "reason"); reason != "" {
		con = append(con, "原因："+reason)
	}
	return &confirmation{Title: "确定记录这条更正吗？", Subject: a.Title, Action: fmt.Sprintf("/hour-entries/%d/corrections", id),
		Button: "记录更正", Back: fmt.Sprintf("/sessions/%d/attendance#correct", sid), Consequence: con}, nil
}

func (x *Web) askMakeup(r *http.Request, p *zhiyuan.Principal) (*confirmation, error) {
	id, err := hrID(r, "id")
	if err != nil {
		return nil, err
	}
	_, a, err := x.app.ManagedSession(r.Context(), p, id)
	if err != nil {
		return nil, err
	}
	con := []string{"补录是账本中的一条新记录，记入后不能修改或删除，只能另记更正。"}
	if h := trim(r, "hours"); h != "" {
		con = append(con, "志愿者 "+trim(r, "volunteer_no")+" 补录 "+h+" 小时")
	}
	return &confirmation{Title: "确定补录这条时长吗？", Subject: a.Title, Action: fmt.Sprintf("/sessions/%d/hour-entries", id),
		Button: "补录", Back: fmt.Sprintf("/sessions/%d/attendance#makeup", id), Consequence: con}, nil
}

func (x *Web) askResolveDispute(r *http.Request, p *zhiyuan.Principal) (*confirmation, error) {
	sid, err := strconv.ParseInt(trim(r, "session_id"), 10, 64)
	if err != nil {
		return nil, zhiyuan.Fail(zhiyuan.ENotFound, "notfound.session")
	}
	_, a, err := x.app.ManagedSession(r.Context(), p, sid)
	if err != nil {
		return nil, err
	}
	id, err := hrID(r, "id")
	if err != nil {
		return nil, err
	}
	c := &confirmation{Subject: a.Title, Action: fmt.Sprintf("/disputes/%d/resolve", id), Back: fmt.Sprintf("/sessions/%d/attendance#disputes", sid)}
	if r.PostFormValue("accept") == "1" {
		c.Title, c.Button = "确定申诉属实吗？", "申诉属实"
		c.Consequence = []string{"申诉将结案，且不能撤销。"}
		if h := trim(r, "hours"); h != "" {
			c.Consequence = append(c.Consequence, "同时记入一条更正："+h+" 小时，记入后不能修改或删除。")
		}
	} else {
		c.Title, c.Button = "确定维持原记录吗？", "维持原记录"
		c.Consequence = []string{"申诉将结案，原记录不变，且不能撤销；志愿者会看到处理意见。"}
	}
	return c, nil
}
