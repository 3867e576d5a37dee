package zhiyuan

import (
	"fmt"
	"strings"
)

// Msg is the stable key of one sentence in the message catalogue ("activity.title_long").
// Code names a sentence by its key and passes the values the sentence needs; the Chinese
// text lives in catalogue alone, so wording is changed (or translated) in one place and
// tests assert keys, not sentences. TestCatalogue checks that every key written in the
// code has text here, that every entry is used, and that each call passes exactly the
// parameters its template names.
type Msg string

// Params are the values a catalogue template names, by name.
type Params map[string]any

// Text renders the sentence key with its parameters given as name, value pairs, for text
// built outside an error (a notice after a form, a label).
func Text(key Msg, args ...any) string { return key.Render(pairs(args)) }

// Render fills key's template with params: {name} becomes fmt.Sprint(params["name"]). A
// key with no entry renders as itself, so text written before the catalogue still shows.
func (key Msg) Render(params Params) string {
	tmpl, ok := catalogue[key]
	if !ok {
		return string(key)
	}
	if !strings.Contains(tmpl, "{") {
		return tmpl
	}
	var b strings.Builder
	for {
		i := strings.IndexByte(tmpl, '{')
		j := -1
		if i >= 0 {
			j = strings.IndexByte(tmpl[i+1:], '}')
		}
		if j < 0 {
			b.WriteString(tmpl)
			return b.String()
		}
		name := tmpl[i+1 : i+1+j]
		b.WriteString(tmpl[:i])
		if v, ok := params[name]; ok {
			fmt.Fprint(&b, v)
		} else {
			b.WriteString(tmpl[i : i+j+2])
		}
		tmpl = tmpl[i+j+2:]
	}
}

// Known reports whether key has an entry in the catalogue.
func (key Msg) Known() bool { _, ok := catalogue[key]; return ok }

// pairs turns name, value pairs into Params; a name that is not a string is skipped with
// its value (TestCatalogue rejects such calls).
func pairs(args []any) Params {
	if len(args) == 0 {
		return nil
	}
	p := make(Params, len(args)/2)
	for i := 0; i+1 < len(args); i += 2 {
		if name, ok := args[i].(string); ok {
			p[name] = args[i+1]
		}
	}
	return p
}

// Keys the root package refers to by name.
const (
	MsgInternal    Msg = "internal"
	MsgCheckFields Msg = "form.check_fields"
)

// catalogue holds every sentence the code produces for people (errors, notices), by key.
// Keys are "area.what"; templates name their parameters in braces. Page templates
// (internal/web/templates) keep their own text: that is presentation, not a message.
var catalogue = map[Msg]string{
	MsgInternal:    "服务器内部错误，请稍后再试",
	MsgCheckFields: "提交的信息有误，请检查标出的项目",

	"account.phone_taken": "该手机号已注册",

	"activity.address_long":                "活动地点不能超过{max}个字",
	"activity.address_required":            "请填写活动地点",
	"activity.cancel_again":                "活动已取消（当前状态：{status}）",
	"activity.cancel_before_range":         "取消截止应在活动开始前 0 到 720 小时之间",
	"activity.cancelled":                   "活动已取消",
	"activity.category_required":           "请选择服务类别",
	"activity.category_unknown":            "服务类别不存在",
	"activity.checkin_radius_needs_coords": "设置签到半径需要先填写活动地点的坐标",
	"activity.checkin_radius_range":        "签到半径应在 0 到 {max} 米之间",
	"activity.close_needs_published":       "只有已发布的活动可以结束报名（当前状态：{status}）",
	"activity.contact_name_long":           "联系人不能超过{max}个字",
	"activity.contact_phone_long":          "联系电话过长",
	"activity.description_long":            "活动介绍不能超过{max}个字",
	"activity.finished_no_edit":            "活动已结束或已取消，不能修改",
	"activity.max_age_below_min":           "最高年龄不能低于最低年龄",
	"activity.max_age_range":               "最高年龄应在 0 到 120 之间",
	"activity.min_age_range":               "最低年龄应在 0 到 120 之间",
	"activity.not_published":               "活动尚未发布",
	"activity.org_not_approved":            "组织通过审核后才能发布活动",
	"activity.project_not_in_org":          "项目不存在或不属于本组织",
	"activity.publish_needs_draft":         "只有草稿状态的活动可以发布（当前状态：{status}）",
	"activity.region_required":             "请选择活动所在区县",
	"activity.sessions_fill_one":           "请至少填写一个场次",
	"activity.sessions_required":           "至少需要一个场次",
	"activity.sessions_too_many":           "一个活动最多{max}个场次",
	"activity.signup_closed":               "活动已停止报名",
	"activity.signup_closes_before_opens":  "报名截止时间应晚于报名开始时间",
	"activity.signup_mode_locked":          "活动发布后不能更改报名方式",
	"activity.signup_mode_unknown":         "报名方式应为 first_come（先到先得）或 admission（报名后录用）",
	"activity.signup_opens_after_end":      "报名开始时间应早于活动结束",
	"activity.status_unknown":              "活动状态不正确",
	"activity.target_group_long":           "服务对象不能超过{max}个字",
	"activity.time_zone_unknown":           "时区不存在，应为 IANA 时区名，如 Asia/Shanghai",
	"activity.title_long":                  "活动名称不能超过{max}个字",
	"activity.title_required":              "请填写活动名称",

	"admin.org_required":         "请指定组织",
	"admin.phone_not_registered": "该手机号尚未注册，请先让对方注册账号",
	"admin.role_unknown":         "角色应为 regional、org_admin、platform、partner 或 judge",

	"api.activity_status_unknown": "状态应为 draft、published、closed 或 cancelled",
	"api.body_empty":              "请求体不能为空",
	"api.body_not_json":           "请求体不是有效的 JSON",
	"api.body_too_large":          "请求体过大",
	"api.boolean":                 "应为 true 或 false",
	"api.json_type":               "类型不正确，应为 {kind}",
	"api.non_negative_integer":    "应为非负整数",
	"api.offer_status_unknown":    "状态应为 pending 或 all",
	"api.org_id_format":           "组织编号不正确",
	"api.org_id_integer":          "组织编号应为整数",
	"api.photo_multipart":         "请以 multipart/form-data 上传照片（字段名 photo）",
	"api.signup_status_unknown":   "报名状态不存在",
	"api.time_format":             "时间格式应为 RFC 3339，如 2026-12-05T09:00:00+08:00",
	"api.time_format_checkin":     "时间格式应为 RFC 3339，如 2026-03-07T09:00:00+08:00",

	"attendance.action_unknown":          "action 应为 in（签到）或 out（签退）",
	"attendance.already_in":              "您已签到，不能重复签到",
	"attendance.already_out":             "您已签退，不能重复签退",
	"attendance.at_future":               "登记时间不能晚于现在",
	"attendance.at_manual_only":          "只有手工登记可以指定时间",
	"attendance.at_window":               "登记时间应在场次开始前{early_minutes}分钟到结束后{late_minutes}分钟之间",
	"attendance.card_invalid":            "志愿者证无效：{reason}",
	"attendance.checkout_before_checkin": "签退时间不能早于签到时间",
	"attendance.checkout_too_late":       "已超过签退时限，请联系组织方登记签退时间",
	"attendance.code_required":           "请扫描或输入签到码",
	"attendance.method_unknown":          "method 应为 card（刷证）或 manual（手工登记）",
	"attendance.no_seat":                 "您没有该场次的已录用名额，不能签到",
	"attendance.no_seat_walk_in":         "该志愿者没有本场次的已录用名额；如为现场加入，请勾选“现场加入”",
	"attendance.not_checked_in":          "尚未签到，不能签退",
	"attendance.session_over":            "活动场次已结束，不能再签到；如确实到场，请联系组织方登记",
	"attendance.too_early":               "签到过早：活动{starts}开始，开始前{early}内才能签到",
	"attendance.volunteer_already_in":    "该志愿者已签到",
	"attendance.volunteer_required":      "请指定志愿者（编号或刷志愿者证）",
	"attendance.volunteers_only":         "只有注册志愿者才能签到",

	"auth.bad_credentials":     "账号或密码错误",
	"auth.forbidden":           "没有权限执行此操作",
	"auth.login_name_required": "请输入手机号",
	"auth.login_required":      "请先登录",
	"auth.own_only":            "只能查看或修改本人的信息",
	"auth.password_required":   "请输入密码",
	"auth.session_expired":     "登录已失效，请重新登录",
	"auth.too_many_failures":   "登录失败次数过多，请{minutes}分钟后再试",

	"birth_date.before_1900": "出生日期不能早于1900年",
	"birth_date.format":      "出生日期格式应为 YYYY-MM-DD",
	"birth_date.future":      "出生日期不能晚于今天",
	"birth_date.required":    "请填写出生日期",

	"card.already_held":               "您已持有有效或制作中的志愿者证，无需重复申请；如卡片遗失请先挂失",
	"card.application_decided":        "该申请已处理，不能重复审核",
	"card.application_open":           "您已有一份正在办理的志愿者证申请",
	"card.application_status_unknown": "申请状态不正确",
	"card.applications_required":      "请选择申请",
	"card.applications_some_decided":  "所选的{chosen}份申请中有{refused}份已处理或不在您的管辖范围，未做任何修改",
	"card.applications_too_many":      "一次最多处理{max}份申请",
	"card.batch_nothing_chosen":       "请选择要制卡的申请",
	"card.batch_some_not_approved":    "所选的{chosen}份申请中有{refused}份不是已通过审核、待制卡的申请（或不在您的管辖范围），未创建批次",
	"card.batch_status_unknown":       "批次状态不正确",
	"card.batch_transition":           "该批次当前为“{from}”，不能标记为“{to}”",
	"card.decide_nothing_chosen":      "请选择要处理的申请",
	"card.delivery_address_long":      "地址不能超过{max}个字",
	"card.delivery_address_required":  "请填写完整的邮寄地址",
	"card.delivery_org_required":      "请选择领取证件的组织",
	"card.delivery_org_unknown":       "所选组织不存在或尚未通过审核",
	"card.delivery_required":          "请选择领取方式：经组织领取或邮寄",
	"card.digital_disabled":           "本平台未启用电子志愿者证",
	"card.no_photo":                   "没有照片",
	"card.none":                       "您还没有志愿者证",
	"card.nothing_to_report_lost":     "您没有可以挂失的有效志愿者证",
	"card.number_taken":               "卡号重复",
	"card.number_unavailable":         "无法为地区{region}编制卡号：{err}",
	"card.photo_busy":                 "服务器正忙于处理其他照片，请稍后再试",
	"card.photo_choose":               "请选择照片文件后再提交",
	"card.photo_incomplete":           "照片上传不完整，请重试",
	"card.photo_required":             "请上传照片",
	"card.photo_too_costly":           "照片像素过大（{width}×{height}，解码需约{need_mb}MB内存，上限{max_mb}MB），请上传较小的照片，如手机拍摄的普通照片",
	"card.photo_too_large":            "照片不能超过{max_mb}MB",
	"card.photo_too_small":            "照片太小（{width}×{height}），宽和高都应至少{min}像素",
	"card.photo_too_wide":             "照片像素过大（{width}×{height}），宽和高都不能超过{max}像素",
	"card.photo_type":                 "照片须为JPEG或PNG格式的图片",
	"card.photo_unreadable":           "照片文件已损坏或无法识别",
	"card.reissue_status":             "只有有效或已挂失的志愿者证可以补办（当前：{status}）",
	"card.status_forbids":             "该志愿者证当前状态为“{status}”，不能执行此操作",
	"card.volunteer_has_card":         "该志愿者已持有有效或制作中的志愿者证",

	"cardcheck.expired":      "二维码已过期（可能是截图），请让持证人刷新电子证",
	"cardcheck.forged":       "签名不符，二维码已被篡改或伪造",
	"cardcheck.lost":         "该志愿者证已挂失",
	"cardcheck.malformed":    "不是有效的志愿者证二维码",
	"cardcheck.not_issued":   "该志愿者证尚未发放",
	"cardcheck.replaced":     "该志愿者证已补办新卡，原卡作废",
	"cardcheck.revoked":      "该志愿者证已被吊销",
	"cardcheck.unknown_card": "平台没有这张志愿者证",
	"cardcheck.unknown_key":  "签名密钥未知，可能为伪造",
	"cardcheck.valid":        "有效",

	"checkin.code_expired":       "签到码已过期，请扫描现场最新的二维码",
	"checkin.code_invalid":       "签到码无效，请扫描活动现场的二维码",
	"checkin.code_other_session": "这是其他活动场次的签到码",
	"checkin.short_locked":       "数字签到码已输错{limit}次，本场次不能再用数字码签到；请扫描二维码，或请组织方刷证、手工登记",
	"checkin.short_no_session":   "现在没有您可以签到或签退的场次；数字签到码只用于已录用的场次",
	"checkin.short_wrong":        "数字签到码不正确，请核对现场屏幕上的6位数字（每个场次最多可输错{limit}次）",

	"conflict.record": "记录已存在",

	"decision.unknown": "审核结果应为 approved 或 rejected",

	"dispute.decided":               "该申诉已处理",
	"dispute.open_exists":           "这条记录已有处理中的申诉",
	"dispute.resolution_long":       "处理意见不能超过{max}个字",
	"dispute.resolution_required":   "请填写处理意见",
	"dispute.status_filter_unknown": "状态应为 open、resolved、rejected 或 all",
	"dispute.upheld_no_hours":       "维持原记录时不能更正时长",

	"form.date_format": "日期格式应为 2006-01-02",
	"form.malformed":   "表单内容格式不正确",

	"geo.lat_lng_together":  "经纬度须同时提供",
	"geo.lat_range":         "纬度应在 -90 到 90 之间",
	"geo.lng_range":         "经度应在 -180 到 180 之间",
	"geo.position_invalid":  "定位坐标不正确",
	"geo.position_required": "本活动要求在现场签到，请允许获取位置后重试",
	"geo.too_far":           "您距离活动地点约{distance}米，超出{radius}米的签到范围",

	"guardian.name_chars":    "监护人姓名只能包含文字、间隔号和空格",
	"guardian.name_long":     "监护人姓名不能超过{max}个字",
	"guardian.name_required": "监护人请填写与证件一致的真实姓名",
	"guardian.name_short":    "监护人姓名至少{min}个字",

	"hours.comment_long":           "评语不能超过{max}个字",
	"hours.concurrent_write":       "该志愿者的时长记录正在被同时写入，请重试",
	"hours.confirm_nothing_chosen": "请选择要确认的场次或记录",
	"hours.confirm_too_many":       "一次最多确认5000条记录",
	"hours.correct_original":       "请更正原始记录，而不是更正记录",
	"hours.correction_negative":    "该志愿者本场次共记录{recorded}小时，更正后不能为负数",
	"hours.correction_zero":        "更正时长不能为0（增加填正数，减少填负数）",
	"hours.entry_not_in_session":   "记录 {id} 不属于该场次",
	"hours.entry_unknown":          "记录 {id} 不存在",
	"hours.half_hour":              "半小时",
	"hours.makeup_before_start":    "场次尚未开始，不能补录",
	"hours.makeup_over_session":    "补录时长不能超过场次时长{session_hours}小时",
	"hours.makeup_positive":        "补录时长应大于0",
	"hours.offer_expired":          "这条时长记录已超过确认期限，不再计入",
	"hours.offer_not_pending":      "这条时长记录已处理或已过期（{status}）",
	"hours.offer_settled":          "这条时长记录已处理，不能再更改",
	"hours.over_session":           "该志愿者本场次已记录{recorded}小时，再加{adding}小时将超过场次时长{session_hours}小时",
	"hours.overdue_forbidden":      "没有权限查看逾期未确认的时长",
	"hours.rating_range":           "服务评价应为1到5星",
	"hours.rule_minimum_range":     "最少计入时长应在0到4小时之间",
	"hours.rule_presence_range":    "最低在岗比例应在0到1之间",
	"hours.rule_rounding_range":    "取整单位应为0到4小时之间的整分钟数",
	"hours.rules":                  "{rules}。",
	"hours.rules_exact":            "计入时长精确到分钟",
	"hours.rules_min_counted":      "不足{minimum}不计",
	"hours.rules_min_share":        "在岗时间须达到活动时长的{share}方可计入",
	"hours.rules_rounding":         "计入时长按{unit}向下取整（例如在岗{present}计{counted}）",
	"hours.rules_window":           "服务时长按签到、签退时间计算，只计活动时段内的时间",
	"hours.session_unknown":        "场次 {id} 不存在",
	"hours.volunteer_required":     "请指定志愿者",

	"http.cross_site":             "拒绝跨站提交的请求",
	"http.metrics_elsewhere":      "监控指标在 --metrics-addr 监听地址上提供，或配置 ZHIYUAN_METRICS_TOKEN 后凭令牌读取",
	"http.metrics_token_required": "需要监控令牌",

	"idcard.birth_date":        "身份证号码中的出生日期不存在或早于1900年，请核对",
	"idcard.birth_future":      "身份证号码中的出生日期晚于今天，请核对",
	"idcard.chars":             "身份证号码应由17位数字和最后1位数字或X组成",
	"idcard.checksum":          "身份证号码校验位不正确，请核对",
	"idcard.format":            "证件号码格式不正确",
	"idcard.hk_macao_format":   "港澳居民来往内地通行证号码应为H或M开头，后接8位或10位数字",
	"idcard.hk_macao_required": "请填写港澳居民来往内地通行证号码",
	"idcard.length":            "身份证号码应为18位",
	"idcard.passport_format":   "护照号码应为5至17位字母或数字",
	"idcard.passport_required": "请填写护照号码",
	"idcard.province":          "身份证号码前两位不是有效的省级行政区代码，请核对",
	"idcard.required":          "请填写身份证号码",
	"idcard.taiwan_format":     "台湾居民来往大陆通行证号码应为8位数字",
	"idcard.taiwan_required":   "请填写台湾居民来往大陆通行证号码",

	"member.already_member":        "您已是该组织成员",
	"member.already_pending":       "您已提交加入申请，请等待组织审核",
	"member.decided":               "该申请已处理（{status}）",
	"member.not_member":            "您不是该组织成员",
	"member.org_not_approved":      "该组织尚未通过审核，暂不接受加入申请",
	"member.register_first":        "请先完成志愿者实名注册，再申请加入组织",
	"member.status_filter_unknown": "状态应为 pending、approved、rejected 或 left",

	"name.chars":    "姓名只能包含文字、间隔号和空格",
	"name.long":     "姓名不能超过{max}个字",
	"name.required": "请填写与证件一致的真实姓名",
	"name.short":    "姓名至少{min}个字",

	"notfound.account":          "账号不存在",
	"notfound.activity":         "活动不存在",
	"notfound.address":          "地址不存在",
	"notfound.attendance":       "签到记录不存在",
	"notfound.card":             "志愿者证不存在",
	"notfound.card_application": "志愿者证申请不存在",
	"notfound.card_batch":       "制卡批次不存在",
	"notfound.dispute":          "申诉不存在",
	"notfound.endpoint":         "接口不存在",
	"notfound.hour_entry":       "时长记录不存在",
	"notfound.id_number":        "证件号码不存在",
	"notfound.membership":       "成员申请不存在",
	"notfound.notification":     "通知不存在",
	"notfound.org":              "组织不存在",
	"notfound.page":             "页面不存在",
	"notfound.photo":            "照片不存在",
	"notfound.project":          "项目不存在",
	"notfound.proof":            "证明不存在",
	"notfound.record":           "记录不存在",
	"notfound.region":           "行政区划不存在",
	"notfound.session":          "场次不存在",
	"notfound.signup":           "报名记录不存在",
	"notfound.volunteer":        "志愿者不存在",

	"notice.activity.cancelled":  "活动已取消，已报名的志愿者都收到了通知。",
	"notice.activity.capacity":   "名额已更新。",
	"notice.activity.closed":     "已停止报名，已报名的志愿者都收到了通知。",
	"notice.activity.confirmed":  "报名成功，您已获得名额。",
	"notice.activity.created":    "活动已保存为草稿，发布后志愿者即可报名。",
	"notice.activity.edited":     "活动信息已更新。",
	"notice.activity.late":       "已取消报名。由于已过取消截止时间，本次计为逾期取消。",
	"notice.activity.pending":    "报名已提交，等待组织录用。",
	"notice.activity.project":    "项目已创建，发布活动时可以选择它。",
	"notice.activity.published":  "活动已发布，志愿者现在可以找到并报名。",
	"notice.activity.sessions":   "场次已添加。",
	"notice.activity.waitlisted": "名额已满，您已进入候补，有人取消时将按顺序递补并通知您。",
	"notice.activity.withdrawn":  "已取消报名。",
	"notice.batch_marked":        "批次已标记为{status}",
	"notice.card_applied":        "申请已提交，请等待所在地区审核",
	"notice.card_lost":           "已挂失，原卡二维码即刻失效；请联系所在地区办理补证",
	"notice.card_reissued":       "已受理补办，新卡将进入下一制卡批次",
	"notice.card_revoked":        "已吊销",
	"notice.cards_approved":      "已审核通过 {count} 份申请",
	"notice.cards_rejected":      "已驳回 {count} 份申请",
	"notice.corrected":           "已为{name}记录更正{hours}小时",
	"notice.decided":             "已处理 {count} 条",
	"notice.decided_some_failed": "已处理 {count} 条，{failed} 条未处理（{reason}）",
	"notice.dispute_filed":       "申诉已提交，请等待组织处理",
	"notice.dispute_resolved":    "申诉已处理：{status}",
	"notice.hours_confirmed":     "已确认{count}条时长记录",
	"notice.makeup":              "已为{name}补录{hours}小时，待确认",
	"notice.makeup_offer":        "{name}没有报名本场次：补录的{hours}小时待志愿者确认后计入",
	"notice.marked_in":           "已为{name}登记签到",
	"notice.marked_out":          "已为{name}登记签退",
	"notice.marked_out_offer":    "已为{name}登记签退；该志愿者没有报名本场次，时长待志愿者确认后计入",
	"notice.offer_accepted":      "已接受{hours}小时，待组织方确认后计入已确认时长",
	"notice.offer_disputed":      "已提出异议，这条时长不会计入",
	"notice.org.admin":           "已添加管理员。",
	"notice.org.applied":         "已提交加入申请，请等待组织审核。",
	"notice.org.approved":        "已审核通过。",
	"notice.org.left":            "已退出该组织。",
	"notice.org.member":          "已处理该申请。",
	"notice.org.registered":      "组织已提交登记，等待上级组织或所在地区管理员审核。审核通过前，您已是该组织的管理员。",
	"notice.org.rejected":        "已驳回，登记人可以看到驳回原因。",
	"notice.profile.consent":     "已记录监护人同意，现在可以报名参加活动了。",
	"notice.profile.password":    "密码已修改，其他设备上的登录已退出。",
	"notice.profile.registered":  "注册成功！请牢记您的志愿者编号，可用它或手机号登录。",
	"notice.profile.saved":       "资料已保存。",
	"notice.proof_issued":        "证明已生成，核验码 {code}",
	"notice.proof_unchanged":     "记录自上次开具以来没有变化，仍可使用此前的证明，核验码 {code}",

	"notify.activity_cancelled_body":  "很抱歉，您报名的活动「{activity}」已被组织方取消，您的报名随之取消。",
	"notify.activity_cancelled_title": "活动取消：{activity}",
	"notify.activity_closed_body":     "您报名的活动「{activity}」已停止报名。已录用的场次照常进行，如有变化组织方会另行通知。",
	"notify.activity_closed_title":    "活动已停止报名：{activity}",
	"notify.admitted_body":            "您的报名已被录用，请准时参加。场次：{when}",
	"notify.admitted_title":           "录用通知：{activity}",
	"notify.dispute_resolved_title":   "您的时长申诉已处理：{status}",
	"notify.no_dev_outbox":            "已配置短信网关，没有开发用发件箱",
	"notify.offer_accepted_body":      "{name}已接受{hours}小时，记录待您确认。",
	"notify.offer_accepted_title":     "志愿者已接受时长记录：{activity}",
	"notify.offer_disputed_body":      "{name}不认可这条{hours}小时的记录，理由：{reason}",
	"notify.offer_disputed_title":     "志愿者对时长记录有异议：{activity}",
	"notify.offer_makeup_body":        "{org}为您记录了{hours}小时补录。您没有报名该场次，确认无误后时长才会计入；如有异议请说明理由。请在{deadline}前处理，逾期不计。",
	"notify.offer_title":              "待您确认的服务时长：{activity}",
	"notify.offer_walk_in_body":       "{org}为您记录了{hours}小时现场加入的签到时长。您没有报名该场次，确认无误后时长才会计入；如有异议请说明理由。请在{deadline}前处理，逾期不计。",
	"notify.promoted_body":            "有志愿者取消了报名，您已从候补转为正式报名。场次：{when}",
	"notify.promoted_title":           "候补成功：{activity}",
	"notify.rejected_body":            "很遗憾，您的报名未被录用。场次：{when}",
	"notify.rejected_title":           "报名未录用：{activity}",

	"org.contact_name_long":      "联系人姓名不能超过{max}个字",
	"org.contact_name_required":  "请填写联系人姓名",
	"org.contact_phone_format":   "联系电话应为11位手机号码",
	"org.contact_phone_required": "请填写联系电话",
	"org.credit_code_taken":      "该统一社会信用代码已登记",
	"org.decided":                "该组织已审核（{status}），不能重复审核",
	"org.description_long":       "组织简介不能超过{max}个字",
	"org.name_long":              "组织名称不能超过{max}个字",
	"org.name_required":          "请填写组织名称",
	"org.name_short":             "组织名称至少2个字",
	"org.name_taken":             "同一上级组织和地区下已有同名组织",
	"org.parent_not_approved":    "上级组织尚未通过审核",
	"org.parent_unknown":         "上级组织不存在",
	"org.region_county":          "请选择到区县一级，不要选择街道",
	"org.region_outside_parent":  "下级组织应与上级组织在同一地区（{parent_region}）内",
	"org.region_required":        "请选择所在地区",
	"org.reject_reason_required": "请填写不通过的原因",
	"org.status_filter_unknown":  "状态应为 approved、pending、rejected 或 all",
	"org.type_required":          "请选择组织类型",
	"org.type_unknown":           "组织类型应为 {types} 之一",

	"password.letters_and_digits": "密码需同时包含字母和数字",
	"password.old_required":       "请输入原密码",
	"password.old_wrong":          "原密码不正确",
	"password.repeat_mismatch":    "两次输入的新密码不一致",
	"password.same_as_old":        "新密码不能与原密码相同",
	"password.too_long":           "密码不能超过{max}位",
	"password.too_short":          "密码至少{min}位",
	"password.wrong":              "密码不正确",

	"phone.format":   "手机号码格式不正确",
	"phone.required": "请输入正确的手机号",

	"project.description_long": "项目介绍不能超过{max}个字",
	"project.org_not_approved": "组织通过审核后才能创建项目",
	"project.title_long":       "项目名称不能超过{max}个字",
	"project.title_required":   "请填写项目名称",

	"proof.code_format":     "核验码为12位字母和数字，请检查后重新输入",
	"proof.code_taken":      "核验码重复",
	"proof.code_unknown":    "核验码不存在，该证明不是本平台出具的",
	"proof.no_font":         "服务器缺少中文字体，暂时无法生成证明（{err}）",
	"proof.no_hours_in_org": "您在该组织没有经确认的志愿服务记录",
	"proof.rate_limited":    "开具证明过于频繁：每{window}最多开具{max}份新证明，请{retry}后再试",

	"reason.long":     "原因不能超过{max}个字",
	"reason.required": "请填写原因",

	"region.code_format":     "地区代码不正确",
	"region.county_required": "请选择到区县一级",
	"region.unknown":         "行政区划代码不存在",

	"reset.address_rate_limited": "当前网络获取验证码次数过多，请{minutes}分钟后再试",
	"reset.code_exhausted":       "验证码错误次数过多，请重新获取",
	"reset.code_expired":         "验证码已过期，请重新获取",
	"reset.code_no_code":         "验证码不正确或已失效，请重新获取",
	"reset.code_required":        "请输入短信中的6位验证码",
	"reset.code_wrong":           "验证码不正确，还可尝试{left}次",
	"reset.confirm_required":     "请确认已当面核对证件，并同意结束该志愿者的所有登录",
	"reset.id_number_mismatch":   "证件号码与登记信息不一致，请核对证件",
	"reset.id_number_required":   "请输入证件上的号码",
	"reset.phone_rate_limited":   "该手机号获取验证码次数过多，请{minutes}分钟后再试",
	"reset.send_failed":          "验证码发送失败，请稍后再试",
	"reset.sent":                 "如该手机号已注册，验证码已发送，10分钟内有效",
	"reset.sms_body":             "您正在重置志愿平台登录密码，验证码{code}，{minutes}分钟内有效。如非本人操作，请忽略本短信，不要把验证码告诉任何人。",
	"reset.sms_title":            "重置密码验证码",

	"search.cursor_invalid":       "分页参数无效",
	"search.cursor_sort_mismatch": "分页参数与排序方式不符",
	"search.distance_needs_near":  "按距离排序需要提供位置（near）",
	"search.near_format":          "位置格式应为 纬度,经度，如 23.13,113.26",
	"search.query_long":           "搜索词不能超过50个字",
	"search.sort_unknown":         "排序方式应为 start 或 distance",
	"search.within_range":         "距离应在 0 到 100 公里之间",

	"session.activity_finished_no_add": "活动已结束或已取消，不能添加场次",
	"session.cancelled":                "该场次已取消",
	"session.capacity_below_taken":     "名额不能少于已录用的人数（{taken}）",
	"session.capacity_range":           "名额应在 1 到 {max} 之间",
	"session.end_time_format":          "时间格式应为 12:00",
	"session.ends_at_required":         "请填写结束时间",
	"session.ends_before_start":        "结束时间应晚于开始时间",
	"session.finished_no_edit":         "场次已结束或已取消，不能修改",
	"session.start_time_format":        "时间格式应为 09:00",
	"session.starts_at_required":       "请填写开始时间",
	"session.starts_in_past":           "开始时间不能早于现在",
	"session.too_long":                 "一个场次不能超过{days}天",
	"session.weeks_range":              "重复周数应在 1 到 {max} 之间",

	"signup.account_deleted":       "志愿者账号已注销，不能报名",
	"signup.admit_full":            "该场次名额已满，不能再录用",
	"signup.admit_status":          "只能录用待录用或候补中的报名（当前：{status}）",
	"signup.cancel_after_start":    "场次已开始，不能取消报名",
	"signup.cancel_status":         "该报名已{status}，不能取消",
	"signup.closed":                "报名已截止",
	"signup.consent_required":      "未成年志愿者须先登记监护人同意，才能报名",
	"signup.decide_nothing_chosen": "请选择要处理的报名",
	"signup.decide_too_many":       "一次最多处理1000条报名",
	"signup.decided":               "该报名已{status}",
	"signup.decision_unknown":      "未知的操作",
	"signup.duplicate":             "您已报名该场次",
	"signup.filter_unknown":        "应为 upcoming、waitlisted 或 past",
	"signup.members_only":          "本活动仅限「{org}」的成员报名",
	"signup.members_only_this_org": "本活动仅限本组织的成员报名",
	"signup.no_show_before_start":  "场次开始后才能标记缺席",
	"signup.no_show_one":           "缺席一次只能标记一人",
	"signup.no_show_status":        "只有已录用的报名可以标记缺席",
	"signup.not_open_yet":          "报名尚未开始，开始时间：{opens}",
	"signup.overlap":               "与您已报名的「{title}」（{when}）时间冲突",
	"signup.register_first":        "请先注册成为志愿者再报名",
	"signup.session_full":          "该场次名额已满",
	"signup.session_started":       "该场次已开始，不能再报名",
	"signup.skills_missing":        "本活动要求具备技能：{missing}",
	"signup.too_old":               "本活动要求不超过{max_age}周岁（活动当天您{age}周岁）",
	"signup.too_young":             "本活动要求年满{min_age}周岁（活动当天您{age}周岁）",
	"signup.under_14":              "未满14周岁的志愿者只能参加标明适合未成年人的活动",

	"skills.item_invalid": "每项技能不超过{max}个字，且不含逗号、顿号、分号或空格",
	"skills.too_many":     "技能最多填写{max}项",

	"text.bad_encoding":      "含有无效的编码（不是 UTF-8 文本，或有不成对的代理字符），请重新输入",
	"text.control":           "不能包含控制字符（如 NUL、换行、制表符），请删除后重试",
	"text.control_multiline": "不能包含控制字符（如 NUL），换行和制表符除外，请删除后重试",
	"text.fields_invalid":    "{fields}含有无法保存的字符（控制字符或无效编码），请修改后重试",
	"text.name_bad_encoding": "名称含有无效的编码（不是 UTF-8 文本，或有不成对的代理字符），请重新输入",
	"text.name_control":      "名称不能包含控制字符（如 NUL、换行、制表符），请删除后重试",

	"uscc.authority": "统一社会信用代码第1位（登记管理部门代码）不正确，请核对",
	"uscc.chars":     "统一社会信用代码只能包含数字和大写字母（不含I、O、Z、S、V）",
	"uscc.checksum":  "统一社会信用代码校验位不正确，请核对",
	"uscc.length":    "统一社会信用代码应为18位",
	"uscc.org_code":  "统一社会信用代码第9至17位（组织机构代码）不正确，请核对",
	"uscc.region":    "统一社会信用代码第3至8位应为行政区划代码（6位数字）",
	"uscc.required":  "请填写统一社会信用代码",
	"uscc.type":      "统一社会信用代码第2位（机构类别代码）不正确，请核对",

	"volunteer.address_long":              "联系地址不能超过{max}个字",
	"volunteer.area_level":                "服务区域应为区县或街道（镇）：{code}",
	"volunteer.areas_too_many":            "服务区域最多选择{max}个",
	"volunteer.category_unknown":          "服务类别不存在：{category}",
	"volunteer.consent_adult":             "已成年的志愿者无需监护人同意",
	"volunteer.consent_required":          "需监护人确认同意后才能提交",
	"volunteer.delete_confirm_required":   "请勾选确认注销",
	"volunteer.delete_password_required":  "请输入密码以确认注销",
	"volunteer.email_format":              "电子邮箱格式不正确",
	"volunteer.gender_required":           "请选择性别",
	"volunteer.guardian_phone_format":     "监护人手机号码格式不正确",
	"volunteer.guardian_phone_same":       "监护人手机号不能与本人相同",
	"volunteer.guardian_relation_unknown": "与监护人的关系应为{relations}",
	"volunteer.id_number_taken":           "该证件号码已注册，每人只能注册一个账号",
	"volunteer.id_type_unknown":           "证件类型应为居民身份证、港澳居民来往内地通行证、台湾居民来往大陆通行证或护照",
	"volunteer.not_registered":            "您还不是注册志愿者",
	"volunteer.number_check_digit":        "志愿者编号不正确（校验位不符）",
	"volunteer.number_format":             "志愿者编号不正确",
	"volunteer.phone_format":              "手机号码格式不正确，请填写11位手机号",
	"volunteer.political_status_unknown":  "政治面貌应为群众、共青团员、中共党员、中共预备党员、民主党派或其他",
	"volunteer.region_county":             "请选择区县一级的行政区划",
	"volunteer.region_required":           "请选择所在区县",
	"volunteer.register_rate_limited":     "当前网络注册次数过多，请{minutes}分钟后再试",
	"volunteer.slot_unknown":              "时间段应为 morning（上午）、afternoon（下午）或 evening（晚上）",
	"volunteer.under_14":                  "未满14周岁不能自行注册：按照志愿服务的规定，14周岁以下的未成年人须在监护人陪同下参加适合其年龄的活动，请由监护人或所在学校、志愿服务组织代为登记",
	"volunteer.weekday_range":             "星期应为1（周一）至7（周日）",

	"web.capacity_integer":         "名额应为整数",
	"web.clock_format":             "时间格式应为 09:30",
	"web.confirm_nothing_chosen":   "请勾选要确认的记录，或点“全部确认”",
	"web.date_required":            "请选择日期",
	"web.decimal":                  "应为数字，如 23.1291",
	"web.decision_required":        "请选择录用或不录用",
	"web.dispute_confirm_required": "请勾选确认：提出异议后不能撤销",
	"web.entry_id_format":          "记录编号不正确",
	"web.form_bad":                 "表单无效",
	"web.form_invalid":             "表单有误",
	"web.form_unreadable":          "表单无法读取",
	"web.hours_format":             "请填写小时数，如 2.5",
	"web.integer":                  "应为整数",
	"web.lookup_regional_only":     "仅区域管理员可查询志愿者",
	"web.session_row":              "第{n}场：{message}",
	"web.time_format":              "时间格式不正确",
	"web.volunteer_number_unknown": "没有这个志愿者编号",
}
