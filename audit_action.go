package zhiyuan

import "sort"

// auditActions names, in Chinese, every action the code writes to the audit log
// (App.audit and App.auditEntry in internal/app). The audit page and its action filter
// read this one table; TestAuditActionLabels parses internal/app and fails when an action
// written there has no label here, so a new action cannot reach the page as a code.
var auditActions = map[string]string{
	"account.claim":          "认领账号",
	"account.reset":          "重置账号（当面核验）",
	"activity.create":        "创建活动",
	"activity.update":        "修改活动",
	"activity.publish":       "发布活动",
	"activity.closed":        "停止报名",
	"activity.cancelled":     "取消活动",
	"activity.sessions.add":  "添加活动场次",
	"session.update":         "修改活动场次",
	"project.create":         "创建项目",
	"admin.grant":            "授予管理员",
	"attendance.mark":        "登记签到签退",
	"award.grant":            "授予表彰",
	"benefit.publish":        "发布权益",
	"award.revoke":           "撤销表彰",
	"care.record":            "记录关爱慰问",
	"training.record":        "记录培训",
	"card.approve":           "通过志愿者证申请",
	"campaign.create":        "发起主题活动",
	"campaign.enter":         "活动参加主题活动",
	"campaign.refuse":        "退回参加主题活动的活动",
	"campaign.cover":         "更换主题活动封面图片",
	"need.post":              "发布服务需求",
	"selection.create":       "设置身边雷锋评选",
	"nomination.create":      "提名身边雷锋",
	"nomination.approve":     "提名审核：通过",
	"nomination.return":      "提名审核：退回修改",
	"nomination.reject":      "提名审核：不通过",
	"like.void":              "作废点赞",
	"selection.jury":         "记录评审意见",
	"selection.results":      "公布评选结果",
	"need.approve":           "通过服务需求审核",
	"need.reject":            "驳回服务需求",
	"need.take":              "接单（服务需求）",
	"need.rate":              "确认并评价需求服务",
	"need.close":             "关闭服务需求",
	"pairing.create":         "建立结对",
	"pairing.end":            "提前结束结对",
	"partner.apply":          "申请成为合作单位",
	"partner.approve":        "通过合作单位审核",
	"partner.reject":         "驳回合作单位申请",
	"partner.staff_add":      "添加合作单位工作人员",
	"partner.staff_remove":   "移除合作单位工作人员",
	"credit.waive":           "撤销信用记录",
	"credit.appeal":          "对信用记录提出申诉",
	"credit.appeal.upheld":   "信用申诉：维持记录",
	"credit.appeal.waived":   "信用申诉：撤销记录",
	"insurance.create":       "登记保单",
	"card.reject":            "驳回志愿者证申请",
	"card.batch.create":      "创建制卡批次",
	"card.batch.printed":     "制卡批次已印制",
	"card.batch.issued":      "制卡批次已发放",
	"card.batch.export":      "导出制卡名单",
	"card.batch.photos":      "导出制卡照片",
	"card.revoke":            "吊销志愿者证",
	"card.reissue":           "受理补办志愿者证",
	"hours.confirm":          "确认服务时长",
	"import.run":             "导入成员名单",
	"import.errors":          "下载导入错误表",
	"hours.makeup":           "补录服务时长",
	"hours.makeup.offer":     "补录时长待志愿者确认",
	"hours.correct":          "更正服务时长",
	"hours.dispute.resolved": "时长申诉：采纳",
	"hours.dispute.rejected": "时长申诉：驳回",
	"hours.offer.accept":     "志愿者确认补录时长",
	"hours.offer.dispute":    "志愿者对补录时长提出异议",
	"job.retry":              "重试后台任务",
	"org.register":           "登记组织",
	"org.approve":            "通过组织审核",
	"org.reject":             "驳回组织审核",
	"org.admin.add":          "添加组织管理员",
	"org.league_roster":      "修改团员总数",
	"org.member.approve":     "通过入会申请",
	"org.member.reject":      "驳回入会申请",
	"pii.reveal":             "查看完整身份证号",
	"pii.export":             "导出完整个人信息（数据交换）",
	"signup.admit":           "录用报名",
	"signup.reject":          "不录用报名",
	"signup.no_show":         "标记缺席",
	"signup.export":          "导出报名名单",
	"volunteer.close":        "注销志愿者账号",

	// The project competition 益苗计划 (issue 17).
	"competition.create":            "创建益苗计划赛事",
	"competition.apply":             "创建申报项目",
	"competition.edit":              "修改申报项目",
	"competition.submit":            "提交申报项目",
	"competition.review.pass":       "初审通过",
	"competition.review.return":     "初审退回修改",
	"competition.review.reject":     "初审不通过",
	"competition.judge.add":         "添加评委",
	"competition.judge.assign":      "分配评委",
	"competition.score":             "提交评分",
	"competition.training.schedule": "安排益苗计划培训",
	"competition.score.amend":       "修正评分",
	"competition.recommend":         "推荐项目至省级",
	"competition.publish":           "公布赛事结果",
	"competition.export":            "导出申报与评分表",
	// Competition attachments, team editing and the provincial decision (issue 17, docs17).
	"competition.attachment.add":    "上传申报附件",
	"competition.attachment.delete": "删除申报附件",
	"competition.decide":            "省级评审意见",
	"competition.team.add":          "添加项目团队成员",
	"competition.team.remove":       "移除项目团队成员",
}

// AuditActionChinese is how an audit action reads on a page ("hours.confirm" → 确认服务时长).
// An action without a label (written by an older version) shows as 其他操作 rather than as
// a code; ok reports whether it had one.
func AuditActionChinese(action string) (label string, ok bool) {
	if l, ok := auditActions[action]; ok {
		return l, true
	}
	return "其他操作", false
}

// AuditAction is one action and its label, for the audit page's filter.
type AuditAction struct{ Code, Label string }

// AuditActions lists every labelled action, ordered by code (so related actions stand together), for a picker.
func AuditActions() []AuditAction {
	out := make([]AuditAction, 0, len(auditActions))
	for c, l := range auditActions {
		out = append(out, AuditAction{c, l})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out
}

// auditTargets names the kinds of record an audit entry points at (the targetType
// argument of App.audit), for the page's 对象 column.
var auditTargets = map[string]string{
	"account":          "账号",
	"activity":         "活动",
	"award":            "表彰",
	"benefit":          "权益",
	"care_visit":       "关爱慰问",
	"training":         "培训记录",
	"campaign":         "主题活动",
	"card":             "志愿者证",
	"card_application": "志愿者证申请",
	"card_batch":       "制卡批次",
	"credit_mark":      "信用记录",
	"insurance_policy": "保单",
	"hour_dispute":     "时长申诉",
	"hour_entry":       "时长记录",
	"hour_offer":       "补录时长",
	"import":           "名单导入",
	"job":              "后台任务",
	"need":             "服务需求",
	"pairing":          "结对",
	"nomination":       "提名",
	"selection":        "评选",
	"org":              "组织",
	"partner":          "合作单位",
	"organization":     "组织",
	"project":          "项目",
	"region":           "区域",
	"session":          "活动场次",
	"volunteer":        "志愿者",

	// The project competition 益苗计划 (issue 17).
	"competition":         "益苗计划赛事",
	"competition_project": "益苗计划申报项目",
}

// AuditTargetChinese is how the kind of record an audit entry points at reads on a page.
func AuditTargetChinese(targetType string) (label string, ok bool) {
	if l, ok := auditTargets[targetType]; ok {
		return l, true
	}
	return "记录", false
}
