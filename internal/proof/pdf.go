package proof

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"codeberg.org/go-pdf/fpdf"

	"zhiyuan"
)

// ServiceRecord is one confirmed service record as a proof prints it.
type ServiceRecord struct {
	Activity string    // activity name
	Date     time.Time // the day of service
	Place    string
	Content  string // what was done
	Minutes  int64  // confirmed service time, corrections included
	Org      string // the organising body
}

// RecordGroup is the records one organisation recorded: "whoever records certifies", so
// a platform proof lists them per recording organisation.
type RecordGroup struct {
	Org     string // the recording organisation
	Records []ServiceRecord
}

// Training is one training course the volunteer took.
type Training struct {
	Name    string
	Date    time.Time
	Org     string
	Minutes int64 // 0 when not recorded
}

// Award is one award or honour (表彰).
type Award struct {
	Name string
	Date time.Time
	Org  string
}

// Proof is everything a proof of service (志愿服务记录证明) shows. The application fills it
// from the ledger; RenderProof only lays it out.
type Proof struct {
	Code           string // canonical verification code (NewProofCode)
	VolunteerName  string
	IDLabel        string // 证件号码 kind, e.g. "居民身份证"; empty prints "证件号码"
	MaskedIDNumber string
	VolunteerNo    string
	StarLevel      int
	Issuer         string // the organisation that issues this proof; "" for a platform proof
	PlatformName   string // the platform's name, e.g. "广东志愿服务信息平台"
	Groups         []RecordGroup
	Training       []Training
	Awards         []Award
	IssuedAt       time.Time
	Location       *time.Location // dates are printed in this zone; nil means Asia/Shanghai
	VerifyURL      string         // the check page, printed and in the QR code
	ChainHead      string         // the volunteer's ledger chain head the proof was made from
}

// TotalMinutes is the sum of the proof's records.
func (p *Proof) TotalMinutes() int64 {
	var t int64
	for _, g := range p.Groups {
		for _, r := range g.Records {
			t += r.Minutes
		}
	}
	return t
}

// RecordCount is the number of records on the proof.
func (p *Proof) RecordCount() int {
	n := 0
	for _, g := range p.Groups {
		n += len(g.Records)
	}
	return n
}

// Page geometry, in millimetres.
const (
	pageW     = 210.0
	pageH     = 297.0
	marginL   = 18.0
	marginR   = 18.0
	contentW  = pageW - marginL - marginR
	bodyTop   = 28.0  // where content starts on continuation pages
	bodyLimit = 272.0 // content never goes below this; the footer lives under it
	cellPad   = 1.4
	maxLines  = 8 // a cell never grows past this many lines; the rest is cut with …
)

// Colours: the dark red of Chinese certificates, and greys for secondary text.
var (
	red       = [3]int{176, 28, 32}
	darkRed   = [3]int{140, 20, 24}
	ink       = [3]int{25, 25, 25}
	grey      = [3]int{105, 105, 105}
	rule      = [3]int{150, 150, 150}
	headFill  = [3]int{246, 234, 222}
	groupFill = [3]int{252, 246, 240}
)

const fontFamily = "cjk"

// RenderProof lays out p as an A4 PDF with the font's glyphs embedded as a subset, and
// writes it to w. Records run over as many pages as they need, with the table header
// repeated; every page carries the verification code and its page number.
func RenderProof(w io.Writer, p *Proof, font *Font) error {
	if font == nil {
		return ErrNoFont
	}
	if p.Code == "" || p.VolunteerName == "" {
		return errors.New("proof: a proof needs a code and a volunteer name")
	}
	d := &doc{p: p, loc: p.Location}
	if d.loc == nil {
		d.loc = shanghai
	}
	pdf := fpdf.New("P", "mm", "A4", "")
	d.pdf = pdf
	pdf.SetAutoPageBreak(false, 0) // pages break where layout says, so headers repeat
	pdf.SetMargins(marginL, bodyTop, marginR)
	// A copy for each document: fpdf's subsetting writes into the bytes it is given
	// (an append to a slice of them), and one Font serves every proof at once.
	pdf.AddUTF8FontFromBytes(fontFamily, "", bytes.Clone(font.data))
	pdf.SetTitle("志愿服务记录证明 "+FormatProofCode(p.Code), true)
	pdf.SetSubject("志愿服务记录证明", true)
	pdf.SetCreator("zhiyuan", true)
	pdf.SetProducer("zhiyuan", true)
	pdf.SetLang("zh-CN")
	pdf.SetCreationDate(p.IssuedAt)
	pdf.SetModificationDate(p.IssuedAt)
	if err := pdf.Error(); err != nil {
		return fmt.Errorf("proof: font %s: %w", font.Path, err)
	}
	d.firstPage()
	d.records()
	d.training()
	d.awards()
	if err := d.closing(); err != nil {
		return err
	}
	d.footers()
	if err := pdf.Output(w); err != nil {
		return fmt.Errorf("proof: writing PDF: %w", err)
	}
	return nil
}

var shanghai = func() *time.Location {
	if loc, err := time.LoadLocation("Asia/Shanghai"); err == nil {
		return loc
	}
	return time.FixedZone("CST", 8*3600) // no zone database: China has had no DST since 1991
}()

type doc struct {
	pdf *fpdf.Fpdf
	p   *Proof
	loc *time.Location
	y   float64
	pt  float64 // current font size
}

func (d *doc) color(c [3]int)     { d.pdf.SetTextColor(c[0], c[1], c[2]) }
func (d *doc) drawColor(c [3]int) { d.pdf.SetDrawColor(c[0], c[1], c[2]) }
func (d *doc) fillColor(c [3]int) { d.pdf.SetFillColor(c[0], c[1], c[2]) }
func (d *doc) size(pt float64) {
	d.pt = pt
	d.pdf.SetFont(fontFamily, "", pt)
}

// bold fakes a bold weight (the CJK font has one) by stroking the glyph outlines too.
func (d *doc) bold(on bool, stroke [3]int) {
	if on {
		d.drawColor(stroke)
		d.pdf.SetLineWidth(0.12)
		d.pdf.SetTextRenderingMode(2)
	} else {
		d.pdf.SetTextRenderingMode(0)
	}
}

// lineH is the line height in mm for a font size in points.
func lineH(pt float64) float64 { return pt * 0.3528 * 1.45 }

func (d *doc) date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(d.loc).Format("2006-01-02")
}

func (d *doc) chineseDate(t time.Time) string {
	t = t.In(d.loc)
	return fmt.Sprintf("%d年%d月%d日", t.Year(), int(t.Month()), t.Day())
}

func (d *doc) issuer() string {
	if d.p.Issuer != "" {
		return d.p.Issuer
	}
	if d.p.PlatformName != "" {
		return d.p.PlatformName
	}
	return "志愿服务信息平台"
}

// clean keeps text on one line and drops control characters, which would otherwise reach
// the PDF as glyphs the font does not have.
func clean(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\r' || r == '\t':
			return ' '
		case unicode.IsControl(r):
			return -1
		}
		return r
	}, strings.TrimSpace(s))
}

// wrap breaks s into lines no wider than w at the current font size. Chinese has no
// spaces, so it breaks between any two characters, but keeps runs of Latin letters and
// digits (a date, an hour figure, a code) together when they fit on a line.
func (d *doc) wrap(s string, w float64, limit int) []string {
	s = clean(s)
	if s == "" {
		return []string{""}
	}
	var lines []string
	var cur strings.Builder
	curW := 0.0
	for _, tok := range tokens(s) {
		tw := d.strW(tok)
		if curW+tw <= w || cur.Len() == 0 && tw <= w {
			cur.WriteString(tok)
			curW += tw
			continue
		}
		if tw > w { // a token longer than a line: break it by characters
			for _, r := range tok {
				rw := d.strW(string(r))
				if curW+rw > w && cur.Len() > 0 {
					lines = append(lines, cur.String())
					cur.Reset()
					curW = 0
				}
				cur.WriteRune(r)
				curW += rw
			}
			continue
		}
		lines = append(lines, strings.TrimRight(cur.String(), " "))
		cur.Reset()
		tok = strings.TrimLeft(tok, " ")
		cur.WriteString(tok)
		curW = d.strW(tok)
	}
	if cur.Len() > 0 {
		lines = append(lines, cur.String())
	}
	// Chinese typesetting never starts a line with closing punctuation: it hangs at the
	// end of the line before, a little past the margin, as in print.
	for i := 1; i < len(lines); i++ {
		for {
			r, n := utf8.DecodeRuneInString(lines[i])
			if n == 0 || !strings.ContainsRune(noLineStart, r) {
				break
			}
			lines[i-1] += string(r)
			lines[i] = lines[i][n:]
		}
		if lines[i] == "" {
			lines = append(lines[:i], lines[i+1:]...)
			i--
		}
	}
	if limit > 0 && len(lines) > limit {
		lines = lines[:limit]
		last := []rune(lines[limit-1])
		for len(last) > 0 && d.strW(string(last)+"…") > w {
			last = last[:len(last)-1]
		}
		lines[limit-1] = string(last) + "…"
	}
	return lines
}

// noLineStart are the characters that may not begin a line.
const noLineStart = "。，、；：？！）」』》〉”’.,;:?!)%"

// tokens splits s into runs of ASCII letters and digits (with their punctuation) and
// single other characters.
func tokens(s string) []string {
	var out []string
	start := -1
	for i, r := range s {
		word := r < 128 && r != ' '
		if word {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			out = append(out, s[start:i])
			start = -1
		}
		out = append(out, string(r))
	}
	if start >= 0 {
		out = append(out, s[start:])
	}
	return out
}

// text writes s at (x, baseline y).
func (d *doc) text(x, y float64, s string) {
	forRuns(s, func(run string, latin bool) {
		if latin {
			d.pdf.SetFont(latinFamily, "", d.pt)
			d.pdf.Text(x, y, toLatin1(run))
			x += d.pdf.GetStringWidth(toLatin1(run))
			d.pdf.SetFont(fontFamily, "", d.pt)
			return
		}
		d.pdf.Text(x, y, run)
		x += d.pdf.GetStringWidth(run)
	})
}

// strW measures s as text draws it.
func (d *doc) strW(s string) float64 {
	w := 0.0
	forRuns(s, func(run string, latin bool) {
		if latin {
			d.pdf.SetFont(latinFamily, "", d.pt)
			w += d.pdf.GetStringWidth(toLatin1(run))
			d.pdf.SetFont(fontFamily, "", d.pt)
			return
		}
		w += d.pdf.GetStringWidth(run)
	})
	return w
}

// latinFamily draws Latin letters, digits and punctuation: the CJK fallback font has no
// glyphs for them (it leaves them to a Latin font), so they go to Helvetica, one of the
// standard fonts every PDF reader carries.
const latinFamily = "Helvetica"

// isLatin reports whether r is drawn with the Latin font: printable ASCII and the
// printable Latin-1 range, which Helvetica's WinAnsi encoding holds byte for byte.
func isLatin(r rune) bool {
	if r >= 0x20 && r <= 0x7E || r >= 0xA0 && r <= 0xFF {
		return true
	}
	_, ok := winAnsi[r]
	return ok
}

// winAnsi holds the typographic marks outside Latin-1 that the CJK font lacks but the
// standard font's WinAnsi encoding has: curly quotes, dashes, the ellipsis.
var winAnsi = map[rune]byte{
	'\u2018': 0x91, '\u2019': 0x92, '\u201C': 0x93, '\u201D': 0x94,
	'\u2013': 0x96, '\u2014': 0x97, '\u2026': 0x85, '\u2022': 0x95,
}

// forRuns calls fn for each maximal run of Latin or non-Latin characters of s.
func forRuns(s string, fn func(run string, latin bool)) {
	start, startLatin := 0, false
	for i, r := range s {
		l := isLatin(r)
		if i == 0 {
			startLatin = l
			continue
		}
		if l != startLatin {
			fn(s[start:i], startLatin)
			start, startLatin = i, l
		}
	}
	if start < len(s) {
		fn(s[start:], startLatin)
	}
}

// toLatin1 turns a run of Latin characters into the single bytes the standard font
// expects.
func toLatin1(s string) string {
	b := make([]byte, 0, len(s))
	for _, r := range s {
		if c, ok := winAnsi[r]; ok {
			b = append(b, c)
			continue
		}
		b = append(b, byte(r))
	}
	return string(b)
}

// textCentered writes s centred on x.
func (d *doc) textCentered(x, y float64, s string) {
	d.text(x-d.strW(s)/2, y, s)
}

func (d *doc) textRight(x, y float64, s string) {
	d.text(x-d.strW(s), y, s)
}

// border draws the certificate's double frame.
func (d *doc) border() {
	d.drawColor(darkRed)
	d.pdf.SetLineWidth(0.9)
	d.pdf.Rect(9, 9, pageW-18, pageH-18, "D")
	d.pdf.SetLineWidth(0.25)
	d.pdf.Rect(11, 11, pageW-22, pageH-22, "D")
}

func (d *doc) newPage() {
	d.pdf.AddPage()
	d.border()
	if d.pdf.PageNo() > 1 {
		d.size(8.5)
		d.color(grey)
		d.text(marginL, 20, "志愿服务记录证明（续）")
		d.textRight(pageW-marginR, 20, fmt.Sprintf("%s  志愿者编号 %s", clean(d.p.VolunteerName), d.p.VolunteerNo))
		d.drawColor(rule)
		d.pdf.SetLineWidth(0.2)
		d.pdf.Line(marginL, 22.5, pageW-marginR, 22.5)
		d.y = bodyTop
	}
}

// ensure starts a new page unless h millimetres fit below the cursor.
func (d *doc) ensure(h float64) bool {
	if d.y+h <= bodyLimit {
		return false
	}
	d.newPage()
	return true
}

func (d *doc) firstPage() {
	p := d.p
	d.newPage()
	d.size(8.5)
	d.color(grey)
	d.textRight(pageW-marginR, 19, "证明编号："+FormatProofCode(p.Code))

	// Title, spaced out character by character as certificates are.
	title := []rune("志愿服务记录证明")
	d.size(25)
	d.color(red)
	d.bold(true, red)
	spacing := 3.2
	total := 0.0
	for _, r := range title {
		total += d.strW(string(r))
	}
	total += spacing * float64(len(title)-1)
	x := pageW/2 - total/2
	for _, r := range title {
		d.text(x, 36, string(r))
		x += d.strW(string(r)) + spacing
	}
	d.bold(false, red)
	d.size(8.5)
	d.color(grey)
	d.textCentered(pageW/2, 42.5, "CERTIFICATE OF VOLUNTEER SERVICE RECORDS")
	d.drawColor(red)
	d.pdf.SetLineWidth(0.6)
	d.pdf.Line(marginL+30, 46, pageW-marginR-30, 46)
	d.pdf.SetLineWidth(0.2)
	d.pdf.Line(marginL+30, 47.2, pageW-marginR-30, 47.2)

	// The volunteer, in a grid of labelled fields.
	first, last := p.period()
	period := "—"
	if !first.IsZero() {
		period = d.date(first) + " 至 " + d.date(last)
	}
	stars := "未达星级"
	if p.StarLevel > 0 {
		stars = chineseNumber(p.StarLevel) + "星级志愿者"
	}
	fields := [][2]string{
		{"姓　　名", p.VolunteerName}, {"证件号码", p.MaskedIDNumber},
		{"志愿者编号", p.VolunteerNo}, {"星　　级", stars},
		{"服务记录", fmt.Sprintf("%d 条", p.RecordCount())}, {"累计服务时长", zhiyuan.FormatHours(p.TotalMinutes()) + " 小时"},
		{"记录期间", period}, {"出具日期", d.chineseDate(p.IssuedAt)},
	}
	d.y = 53
	rowH := 8.0
	half := contentW / 2
	labelW := 24.0
	d.pdf.SetLineWidth(0.2)
	d.drawColor(rule)
	for i, f := range fields {
		col := i % 2
		x := marginL + float64(col)*half
		y := d.y + float64(i/2)*rowH
		d.drawColor(rule)
		d.pdf.SetLineWidth(0.2)
		d.fillColor(groupFill)
		d.pdf.Rect(x, y, labelW, rowH, "FD")
		d.pdf.Rect(x+labelW, y, half-labelW, rowH, "D")
		d.size(9)
		d.color(grey)
		d.text(x+2, y+5.4, f[0])
		d.size(10.5)
		d.color(ink)
		val := clean(f[1])
		if i == 1 && p.IDLabel != "" && d.strW(val+"（"+p.IDLabel+"）") <= half-labelW-7 {
			val += "（" + clean(p.IDLabel) + "）"
		}
		for d.strW(val) > half-labelW-4 && len([]rune(val)) > 1 {
			r := []rune(val)
			val = string(r[:len(r)-2]) + "…"
		}
		if i == 0 || i == 5 {
			d.bold(true, ink)
		}
		d.text(x+labelW+2.5, y+5.6, val)
		d.bold(false, ink)
		if i == 3 && p.StarLevel > 0 { // the star level, drawn as stars after its words
			sx := x + labelW + 2.5 + d.strW(val) + 4
			for k := 0; k < 5; k++ {
				d.star(sx+float64(k)*4.6, y+rowH/2, 1.9, k < p.StarLevel)
			}
		}
	}
	d.y += float64((len(fields)+1)/2)*rowH + 6

	var source string
	if p.Issuer != "" {
		source = "经核查，该志愿者在" + d.issuer() + "参加志愿服务，由本单位记录并经确认的志愿服务记录如下（服务时长以小时计）："
	} else {
		source = "经核查，该志愿者在" + d.issuer() + "登记的、由各组织单位记录并经确认的志愿服务记录如下，按记录单位分列（服务时长以小时计）："
	}
	d.size(10.5)
	d.color(ink)
	d.paragraph("兹证明"+clean(p.VolunteerName)+"同志为注册志愿者。"+source, 10.5)
	d.y += 2
}

// paragraph writes wrapped text across the content width at the cursor.
func (d *doc) paragraph(s string, pt float64) {
	d.size(pt)
	lh := lineH(pt) * 1.15
	for _, line := range d.wrap(s, contentW, 0) {
		d.ensure(lh)
		d.text(marginL, d.y+lh*0.75, line)
		d.y += lh
	}
}

// column of a table.
type column struct {
	title string
	w     float64
	align byte // 'L', 'C' or 'R'
}

// row of a table: cells, or one span across the table (a group heading or a total).
type row struct {
	cells []string
	span  string
	fill  bool
	bold  bool
}

const tablePt = 8

func (d *doc) header(cols []column) {
	h := 8.0
	x := marginL
	d.pdf.SetLineWidth(0.25)
	d.drawColor(rule)
	d.fillColor(headFill)
	d.size(tablePt)
	d.color(darkRed)
	for _, c := range cols {
		d.pdf.Rect(x, d.y, c.w, h, "FD")
		d.bold(true, darkRed)
		d.textCentered(x+c.w/2, d.y+5.4, c.title)
		d.bold(false, darkRed)
		x += c.w
	}
	d.y += h
}

// section writes a numbered heading and a table below it, breaking pages between rows
// and repeating the header on each new page.
func (d *doc) section(heading string, cols []column, rows []row) {
	lh := lineH(tablePt)
	d.size(tablePt)
	layout := make([][][]string, len(rows))
	heights := make([]float64, len(rows))
	for i, r := range rows {
		if r.cells == nil {
			layout[i] = [][]string{d.wrap(r.span, contentW-2*cellPad, 2)}
			heights[i] = float64(len(layout[i][0]))*lh + 2*cellPad + 1
			continue
		}
		n := 1
		layout[i] = make([][]string, len(cols))
		for j, c := range cols {
			layout[i][j] = d.wrap(r.cells[j], c.w-2*cellPad, maxLines)
			n = max(n, len(layout[i][j]))
		}
		heights[i] = float64(n)*lh + 2*cellPad + 0.6
	}
	// The heading stays with the header and the first row.
	first := 0.0
	if len(heights) > 0 {
		first = heights[0]
	}
	d.ensure(11 + 8 + first)
	d.size(11.5)
	d.color(darkRed)
	d.bold(true, darkRed)
	d.text(marginL, d.y+6.5, heading)
	d.bold(false, darkRed)
	d.y += 10
	d.header(cols)
	for i, r := range rows {
		if d.ensure(heights[i]) {
			d.header(cols)
		}
		d.drawRow(cols, r, layout[i], heights[i])
	}
	d.y += 4
}

func (d *doc) drawRow(cols []column, r row, lines [][]string, h float64) {
	lh := lineH(tablePt)
	d.pdf.SetLineWidth(0.2)
	d.drawColor(rule)
	d.size(tablePt)
	d.color(ink)
	if r.cells == nil {
		style := "D"
		if r.fill {
			d.fillColor(groupFill)
			style = "FD"
		}
		d.pdf.Rect(marginL, d.y, contentW, h, style)
		if r.bold {
			d.bold(true, ink)
		}
		for k, line := range lines[0] {
			d.text(marginL+cellPad+1, d.y+cellPad+0.5+lh*float64(k)+lh*0.72, line)
		}
		d.bold(false, ink)
		d.y += h
		return
	}
	x := marginL
	for j, c := range cols {
		d.pdf.Rect(x, d.y, c.w, h, "D")
		cell := lines[j]
		top := d.y + (h-float64(len(cell))*lh)/2 // centred vertically
		for k, line := range cell {
			base := top + lh*float64(k) + lh*0.72
			switch c.align {
			case 'C':
				d.textCentered(x+c.w/2, base, line)
			case 'R':
				d.textRight(x+c.w-cellPad, base, line)
			default:
				d.text(x+cellPad, base, line)
			}
		}
		x += c.w
	}
	d.y += h
}

func (d *doc) records() {
	p := d.p
	cols := []column{
		{"序号", 9, 'C'}, {"服务日期", 19, 'C'}, {"活动名称", 36, 'L'}, {"服务地点", 31, 'L'},
		{"服务内容", 40, 'L'}, {"时长", 11, 'R'}, {"组织单位", 28, 'L'},
	}
	var rows []row
	n := 0
	grouped := p.Issuer == "" && len(p.Groups) > 0
	for _, g := range p.Groups {
		var sub int64
		for _, r := range g.Records {
			sub += r.Minutes
		}
		if grouped {
			rows = append(rows, row{span: fmt.Sprintf("记录单位：%s（%d 条记录，共 %s 小时）", clean(g.Org), len(g.Records), zhiyuan.FormatHours(sub)), fill: true, bold: true})
		}
		for _, r := range g.Records {
			n++
			org := r.Org
			if org == "" {
				org = g.Org
			}
			rows = append(rows, row{cells: []string{
				fmt.Sprint(n), d.date(r.Date), r.Activity, r.Place, r.Content, zhiyuan.FormatHours(r.Minutes), org,
			}})
		}
	}
	if n == 0 {
		rows = append(rows, row{span: "暂无经确认的志愿服务记录"})
	} else {
		rows = append(rows, row{span: fmt.Sprintf("合计：%d 条志愿服务记录，累计服务时长 %s 小时", n, zhiyuan.FormatHours(p.TotalMinutes())), fill: true, bold: true})
	}
	d.section("一、志愿服务记录", cols, rows)
}

func (d *doc) training() {
	if len(d.p.Training) == 0 {
		return
	}
	cols := []column{{"序号", 9, 'C'}, {"培训名称", 72, 'L'}, {"日期", 22, 'C'}, {"主办单位", 53, 'L'}, {"学时", 18, 'R'}}
	var rows []row
	for i, t := range d.p.Training {
		hours := ""
		if t.Minutes > 0 {
			hours = zhiyuan.FormatHours(t.Minutes)
		}
		rows = append(rows, row{cells: []string{fmt.Sprint(i + 1), t.Name, d.date(t.Date), t.Org, hours}})
	}
	d.section("二、培训情况", cols, rows)
}

func (d *doc) awards() {
	if len(d.p.Awards) == 0 {
		return
	}
	cols := []column{{"序号", 9, 'C'}, {"表彰奖励", 82, 'L'}, {"日期", 22, 'C'}, {"授予单位", 61, 'L'}}
	var rows []row
	for i, a := range d.p.Awards {
		rows = append(rows, row{cells: []string{fmt.Sprint(i + 1), a.Name, d.date(a.Date), a.Org}})
	}
	heading := "二、表彰奖励"
	if len(d.p.Training) > 0 {
		heading = "三、表彰奖励"
	}
	d.section(heading, cols, rows)
}

// closing writes the certifying sentence, the verification block with the QR code, the
// issuer with its seal and the date, kept together on one page.
func (d *doc) closing() error {
	p := d.p
	const blockH = 58.0 // the sentence, the QR code and the seal, measured
	d.ensure(blockH)
	d.size(10.5)
	d.color(ink)
	d.paragraph("以上志愿服务记录由记录单位按照“谁组织谁记录、谁记录谁证明”的原则记录并确认，真实有效。特此证明。", 10.5)
	y := d.y + 4

	// Verification: QR code on the left, code, address and chain head beside it.
	qrSize := 30.0
	if p.VerifyURL != "" {
		if err := d.qr(p.VerifyURL, marginL, y, qrSize); err != nil {
			return err
		}
	}
	d.size(7.5)
	d.color(grey)
	d.textCentered(marginL+qrSize/2, y+qrSize+4, "扫码核验真伪")

	x := marginL + qrSize + 5
	w := 78.0
	d.size(9)
	d.color(grey)
	d.text(x, y+4, "核验码")
	d.size(13)
	d.color(darkRed)
	d.bold(true, darkRed)
	d.text(x, y+10.5, FormatProofCode(p.Code))
	d.bold(false, darkRed)
	yy := y + 16
	d.size(7.5)
	d.color(grey)
	for _, line := range d.wrap("核验网址："+p.VerifyURL, w, 3) {
		d.text(x, yy, line)
		yy += lineH(7.5)
	}
	yy += 0.8
	for _, line := range d.wrap("账本链头："+p.ChainHead, w, 3) {
		d.text(x, yy, line)
		yy += lineH(7.5)
	}
	yy += 0.8
	for _, line := range d.wrap("本证明免费出具。扫描二维码或在核验页输入核验码可查验真伪；记录如有更正，以平台核验结果为准。", w, 4) {
		d.text(x, yy, line)
		yy += lineH(7.5)
	}

	// The issuer and the date, with the seal stamped over the date as on paper.
	rx := pageW - marginR - 56
	d.size(10.5)
	d.color(ink)
	d.text(rx, y+8, "出具单位（盖章）：")
	ly := y + 15
	for _, line := range d.wrap(d.issuer(), 56, 3) {
		d.bold(true, ink)
		d.text(rx, ly, line)
		d.bold(false, ink)
		ly += lineH(10.5) * 1.1
	}
	dateY := ly + 6
	d.text(rx, dateY, d.chineseDate(p.IssuedAt))
	d.seal(rx+34, dateY-4, d.issuer())
	d.y = y + blockH - 12
	return nil
}

// qr draws content's QR code as vector squares, merging runs of dark modules in a row.
func (d *doc) qr(content string, x, y, size float64) error {
	bits, err := qrModules(content)
	if err != nil {
		return err
	}
	n := len(bits)
	m := size / float64(n)
	d.pdf.SetFillColor(0, 0, 0)
	for r, line := range bits {
		for c := 0; c < n; {
			if !line[c] {
				c++
				continue
			}
			start := c
			for c < n && line[c] {
				c++
			}
			// A hair of overlap hides the seams some viewers draw between squares.
			d.pdf.Rect(x+float64(start)*m, y+float64(r)*m, float64(c-start)*m+0.02, m+0.02, "F")
		}
	}
	return nil
}

// seal draws a round red verification seal (电子核验章) with the issuer's name along the
// top arc and a star in the middle, in multiply blend so the text under it stays legible.
// It marks the proof as issued through the platform; the QR code is what proves it.
func (d *doc) seal(cx, cy float64, name string) {
	const r = 18.0
	pdf := d.pdf
	pdf.SetAlpha(0.82, "Multiply")
	d.drawColor(red)
	d.fillColor(red)
	d.color(red)
	pdf.SetLineWidth(0.9)
	pdf.Circle(cx, cy, r, "D")
	d.starShape(cx, cy, 5.4, "F")
	// The name along the arc, each character turned to face outwards.
	chars := []rune(clean(name))
	if len(chars) > 24 {
		chars = append(chars[:23], '…')
	}
	pt := 11.5
	if len(chars) > 12 {
		pt = 11.5 * 12 / float64(len(chars))
	}
	d.size(pt)
	charH := pt * 0.3528 * 0.86
	span := math.Min(215, float64(len(chars))*24)
	for i, ch := range chars {
		angle := 0.0
		if len(chars) > 1 {
			angle = -span/2 + span*float64(i)/float64(len(chars)-1)
		}
		pdf.TransformBegin()
		pdf.TransformRotate(-angle, cx, cy) // fpdf turns counter-clockwise
		s := string(ch)
		d.text(cx-d.strW(s)/2, cy-r+2.3+charH, s)
		pdf.TransformEnd()
	}
	d.size(7.5)
	d.textCentered(cx, cy+11, "电子核验专用章")
	pdf.SetAlpha(1, "Normal")
	d.color(ink)
}

// starShape draws a five-pointed star of outer radius r centred on (cx, cy).
func (d *doc) starShape(cx, cy, r float64, style string) {
	pts := make([]fpdf.PointType, 0, 10)
	for i := 0; i < 10; i++ {
		rad := r
		if i%2 == 1 {
			rad = r * 0.4
		}
		a := -math.Pi/2 + float64(i)*math.Pi/5
		pts = append(pts, fpdf.PointType{X: cx + rad*math.Cos(a), Y: cy + rad*math.Sin(a)})
	}
	d.pdf.Polygon(pts, style)
}

// star draws one star of a star level: filled gold when earned, outlined when not.
func (d *doc) star(cx, cy, r float64, filled bool) {
	d.pdf.SetLineWidth(0.25)
	d.drawColor([3]int{196, 140, 20})
	d.fillColor([3]int{232, 170, 30})
	if filled {
		d.starShape(cx, cy, r, "FD")
	} else {
		d.starShape(cx, cy, r, "D")
	}
}

// footers writes, once the page count is known, each page's footer.
func (d *doc) footers() {
	total := d.pdf.PageCount()
	for n := 1; n <= total; n++ {
		d.pdf.SetPage(n)
		d.drawColor(rule)
		d.pdf.SetLineWidth(0.2)
		d.pdf.Line(marginL, 277, pageW-marginR, 277)
		d.size(7.5)
		d.color(grey)
		d.text(marginL, 281.5, "志愿服务记录证明　核验码 "+FormatProofCode(d.p.Code))
		d.textRight(pageW-marginR, 281.5, fmt.Sprintf("第 %d 页 / 共 %d 页", n, total))
	}
}

// period returns the first and last day of service on the proof.
func (p *Proof) period() (first, last time.Time) {
	for _, g := range p.Groups {
		for _, r := range g.Records {
			if r.Date.IsZero() {
				continue
			}
			if first.IsZero() || r.Date.Before(first) {
				first = r.Date
			}
			if r.Date.After(last) {
				last = r.Date
			}
		}
	}
	return first, last
}

func chineseNumber(n int) string {
	digits := []string{"零", "一", "二", "三", "四", "五"}
	if n >= 0 && n < len(digits) {
		return digits[n]
	}
	return fmt.Sprint(n)
}
