package app

import (
	"context"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"zhiyuan"
	"zhiyuan/internal/sheet"
	"zhiyuan/internal/sqlstore"
)

// The exchange with the national volunteer information system (中国志愿服务信息系统): a
// regional admin (or the platform) downloads the volunteers and the confirmed hour records
// of their scope in the national system's fields, as .xlsx or CSV. The file holds full
// identity and phone numbers, so it is a view of full personal data: authorised as one
// (zhiyuan.ActPIIReveal over the region), asked for with a purpose, and audited
// (pii.export) before the first byte. Rows go from a database cursor to the writer one at a
// time (sqlstore EachExchange…, sheet.Table): nothing holds the whole export.

// ExchangeKind is what an exchange file holds.
type ExchangeKind string

// Exchange kinds.
const (
	ExchangeVolunteers ExchangeKind = "volunteers"
	ExchangeHours      ExchangeKind = "hours"
)

// ExchangeFormat is the file format of an exchange download.
type ExchangeFormat string

// ContentType is the format's media type.
func (f ExchangeFormat) ContentType() string {
	if f == ExchangeXLSX {
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	}
	return "text/csv; charset=utf-8"
}

// Exchange formats.
const (
	ExchangeXLSX ExchangeFormat = "xlsx"
	ExchangeCSV  ExchangeFormat = "csv"
)

// ExchangeVolunteerColumns are the columns of the volunteers file, in order (docs/formats.md
// describes each).
var ExchangeVolunteerColumns = []string{"姓名", "证件类型", "证件号码", "性别", "出生日期", "手机号", "政治面貌", "注册日期", "所属区域", "区域代码", "所属组织"}

// ExchangeHourColumns are the columns of the hour records file, in order.
var ExchangeHourColumns = []string{"姓名", "证件号码", "活动名称", "服务日期", "服务时长（小时）", "组织"}

// MaxExchangePurposeRunes bounds the purpose written to the audit log.
const MaxExchangePurposeRunes = 200

// exchangeZone is the time zone registration dates and the date filter are read in (hour
// records are dated in their activity's own).
var exchangeZone = zhiyuan.Beijing

// ExchangeQuery is what an admin asks for: the kind and format, the region (empty: the
// caller's own scope), for hour records the dates (YYYY-MM-DD, both included, empty for
// no bound) and, to download, the purpose.
type ExchangeQuery struct {
	Kind    ExchangeKind
	Format  ExchangeFormat
	Region  string
	From    string
	To      string
	Purpose string
}

// ExchangePlan is a checked and authorised ExchangeQuery, with the region's name and the
// number of rows the file will hold.
type ExchangePlan struct {
	ExchangeQuery
	RegionCode string // "" for the whole platform
	RegionName string
	Rows       int64
	rng        sqlstore.ExchangeRange
}

// FileName is the download's name, ASCII so every browser keeps it.
func (p *ExchangePlan) FileName() string {
	region := p.RegionCode
	if region == "" {
		region = "all"
	}
	return "exchange-" + string(p.Kind) + "-" + region + "." + string(p.Format)
}

// ExchangeCounts are the figures of the exchange page: what the two files of a scope hold.
type ExchangeCounts struct {
	RegionCode  string
	RegionName  string
	Volunteers  int64
	HourRecords int64
}

// ExchangeScope returns the counts of the region (empty: the caller's own scope) for the
// exchange page; the same authorisation as a download.
func (a *App) ExchangeScope(ctx context.Context, p *zhiyuan.Principal, region string) (*ExchangeCounts, error) {
	rng, code, name, err := a.exchangeRegion(ctx, p, region)
	if err != nil {
		return nil, err
	}
	c := &ExchangeCounts{RegionCode: code, RegionName: name}
	if c.Volunteers, err = a.store.CountExchangeVolunteers(ctx, rng); err != nil {
		return nil, err
	}
	if c.HourRecords, err = a.store.CountExchangeHours(ctx, rng); err != nil {
		return nil, err
	}
	return c, nil
}

// exchangeRegion authorises the region for an exchange: its full personal data is the
// caller's to see (a regional admin whose scope holds it, or the platform). An empty
// region is the caller's first regional scope, or for the platform the whole platform.
func (a *App) exchangeRegion(ctx context.Context, p *zhiyuan.Principal, region string) (sqlstore.ExchangeRange, string, string, error) {
	var rng sqlstore.ExchangeRange
	if p == nil {
		return rng, "", "", zhiyuan.Fail(zhiyuan.EUnauthorized, "auth.login_required")
	}
	code := strings.TrimSpace(region)
	if code == "" {
		if scopes := p.RegionScopes(); len(scopes) > 0 {
			code = scopes[0]
		}
	}
	if code == "*" {
		code = "" // the platform's wildcard: the whole platform, for the platform admin alone
	}
	name := zhiyuan.Text("exchange.whole_platform")
	if code != "" {
		c, ok := a.Regions.Normalize(code)
		if !ok {
			return rng, "", "", zhiyuan.FieldFail(zhiyuan.EInvalid, "region", "region.unknown")
		}
		code = c
		if r, ok := a.Regions.Lookup(code); ok {
			name = r.FullName
		}
	}
	if err := a.authorize(ctx, p, zhiyuan.ActPIIReveal, zhiyuan.Resource{RegionCode: code}); err != nil {
		return rng, "", "", err
	}
	rng.RegionPrefix = zhiyuan.ScopePrefix(code)
	return rng, code, name, nil
}

// PlanExchange checks and authorises q and counts the rows of its file. It writes nothing:
// the page shows the plan in its confirmation before the download.
func (a *App) PlanExchange(ctx context.Context, p *zhiyuan.Principal, q ExchangeQuery) (*ExchangePlan, error) {
	prob := zhiyuan.Problems{}
	if q.Kind != ExchangeVolunteers && q.Kind != ExchangeHours {
		prob.Add("kind", "exchange.kind_unknown")
	}
	if q.Format != ExchangeXLSX && q.Format != ExchangeCSV {
		prob.Add("format", "exchange.format_unknown")
	}
	q.Purpose = strings.TrimSpace(q.Purpose)
	switch n := utf8.RuneCountInString(q.Purpose); {
	case n == 0:
		prob.Add("purpose", "exchange.purpose_required")
	case n > MaxExchangePurposeRunes:
		prob.Add("purpose", "exchange.purpose_long", "max", MaxExchangePurposeRunes)
	}
	var from, to time.Time
	if q.Kind == ExchangeHours {
		from = a.exchangeDate(prob, "from", q.From)
		to = a.exchangeDate(prob, "to", q.To)
		if !from.IsZero() && !to.IsZero() && to.Before(from) {
			prob.Add("to", "exchange.to_before_from")
		}
	}
	if err := prob.Err(); err != nil {
		return nil, err
	}
	rng, code, name, err := a.exchangeRegion(ctx, p, q.Region)
	if err != nil {
		return nil, err
	}
	rng.From = from
	if !to.IsZero() {
		rng.To = to.AddDate(0, 0, 1) // the last day included
	}
	plan := &ExchangePlan{ExchangeQuery: q, RegionCode: code, RegionName: name, rng: rng}
	plan.Region = code
	if q.Kind == ExchangeVolunteers {
		plan.Rows, err = a.store.CountExchangeVolunteers(ctx, rng)
	} else {
		plan.Rows, err = a.store.CountExchangeHours(ctx, rng)
	}
	if err != nil {
		return nil, err
	}
	if q.Format == ExchangeXLSX && plan.Rows > sheet.XLSXMaxRows {
		return nil, zhiyuan.FieldFail(zhiyuan.EInvalid, "format", "exchange.xlsx_too_many", "rows", plan.Rows, "max", sheet.XLSXMaxRows)
	}
	return plan, nil
}

// exchangeDate reads a YYYY-MM-DD date in Beijing time; empty is no bound.
func (a *App) exchangeDate(prob zhiyuan.Problems, field, s string) time.Time {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}
	}
	d, err := time.ParseInLocation(time.DateOnly, s, exchangeZone)
	if err != nil {
		prob.Add(field, "exchange.date_format")
		return time.Time{}
	}
	return d
}

// WriteExchange audits the download of plan (pii.export, with the purpose) and writes its
// file to w, rows as they come from the database. The plan must come from PlanExchange for
// the same caller. An error after the first byte leaves w with a cut file; the caller can
// only log it.
func (a *App) WriteExchange(ctx context.Context, p *zhiyuan.Principal, plan *ExchangePlan, w io.Writer) error {
	if err := a.authorize(ctx, p, zhiyuan.ActPIIReveal, zhiyuan.Resource{RegionCode: plan.RegionCode}); err != nil {
		return err
	}
	detail := string(plan.Kind) + "." + string(plan.Format) + "; rows " + strconv.FormatInt(plan.Rows, 10)
	if plan.Kind == ExchangeHours && (plan.From != "" || plan.To != "") {
		detail += "; " + plan.From + "~" + plan.To
	}
	detail += "; 用途：" + plan.Purpose
	if err := a.audit(ctx, p, "pii.export", "region", plan.RegionCode, plan.RegionCode, 0, detail); err != nil {
		return err
	}
	header := ExchangeVolunteerColumns
	widths := []float64{10, 20, 22, 6, 12, 14, 12, 12, 30, 10, 40}
	textCols := []int{3, 6, 10}
	title := "志愿者信息"
	if plan.Kind == ExchangeHours {
		header, widths, textCols, title = ExchangeHourColumns, []float64{10, 22, 40, 12, 14, 30}, []int{2}, "服务时长记录"
	}
	var t sheet.Table
	var err error
	if plan.Format == ExchangeXLSX {
		t, err = sheet.NewXLSXTable(w, title, title+" "+plan.RegionName, header, widths, textCols)
	} else {
		t, err = sheet.NewCSVTable(w, header)
	}
	if err != nil {
		return err
	}
	if plan.Kind == ExchangeVolunteers {
		err = a.writeExchangeVolunteers(ctx, plan.rng, t)
	} else {
		err = a.writeExchangeHours(ctx, plan.rng, t)
	}
	if cerr := t.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	a.Log.InfoContext(ctx, "exchange export", slog.Int64("account_id", p.AccountID), slog.String("kind", string(plan.Kind)),
		slog.String("format", string(plan.Format)), slog.String("region", plan.RegionCode), slog.Int("rows", t.Rows()))
	return nil
}

func (a *App) writeExchangeVolunteers(ctx context.Context, rng sqlstore.ExchangeRange, t sheet.Table) error {
	cells := make([]any, len(ExchangeVolunteerColumns))
	regions := map[string]string{}
	return a.store.EachExchangeVolunteer(ctx, rng, func(v *sqlstore.ExchangeVolunteer) error {
		number, err := a.openIDNumber(v.IDNumberSealed)
		if err != nil {
			return err
		}
		name, ok := regions[v.RegionCode]
		if !ok {
			if r, found := a.Regions.Lookup(v.RegionCode); found {
				name = r.FullName
			}
			regions[v.RegionCode] = name
		}
		cells[0], cells[1], cells[2] = v.Name, idLabel(zhiyuan.IDType(v.IDType)), number
		cells[3] = sexChinese(v.Sex)
		cells[4] = v.BirthDate.Format(time.DateOnly)
		cells[5] = v.Phone
		cells[6] = exchangePolitical(v.PoliticalStatus)
		cells[7] = v.RegisteredAt.In(exchangeZone).Format(time.DateOnly)
		cells[8], cells[9], cells[10] = name, v.RegionCode, v.Orgs
		return t.Row(cells)
	})
}

func (a *App) writeExchangeHours(ctx context.Context, rng sqlstore.ExchangeRange, t sheet.Table) error {
	cells := make([]any, len(ExchangeHourColumns))
	// One volunteer's records come together only by chance (they are in session order), so
	// the last number opened is kept: a session of 30 volunteers opens 30 numbers, as it
	// must, and nothing grows with the export.
	var lastID int64
	var lastNumber string
	return a.store.EachExchangeHour(ctx, rng, func(h *sqlstore.ExchangeHour) error {
		if h.VolunteerID != lastID {
			number, err := a.openIDNumber(h.IDNumberSealed)
			if err != nil {
				return err
			}
			lastID, lastNumber = h.VolunteerID, number
		}
		cells[0], cells[1], cells[2] = h.Name, lastNumber, h.Activity
		cells[3] = h.StartsAt.In(zhiyuan.LoadZone(h.TimeZone)).Format(time.DateOnly)
		cells[4] = zhiyuan.MinutesToHours(h.Minutes)
		cells[5] = h.Org
		return t.Row(cells)
	})
}

// sexChinese is the stored sex ("male", "female") as the file writes it.
func sexChinese(s string) string {
	switch s {
	case "male":
		return "男"
	case "female":
		return "女"
	}
	return ""
}

// openIDNumber opens a sealed identity number; an absent one is empty.
func (a *App) openIDNumber(sealed []byte) (string, error) {
	if len(sealed) == 0 {
		return "", nil
	}
	return a.Keys.Open(sealed, "id_number")
}

// exchangePolitical is the political status as the national system spells it; one not
// given stays empty (the file does not guess 群众 for someone who did not say).
func exchangePolitical(s string) string {
	switch s {
	case "other":
		return "其他"
	}
	return s
}
