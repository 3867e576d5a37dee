package proof

import (
	"bytes"
	"errors"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"zhiyuan"
	"zhiyuan/internal/testneed"
)

func testFont(t testing.TB) *Font {
	t.Helper()
	f, err := FindFont(os.Getenv("ZHIYUAN_FONT"))
	if err != nil {
		testneed.Font.Missing(t, err.Error())
	}
	return f
}

// sampleProof is a platform proof of a volunteer with records from two organisations,
// long enough to run over several pages.
func sampleProof(records int) *Proof {
	day := time.Date(2025, 3, 1, 9, 0, 0, 0, shanghai)
	activities := []string{"学雷锋月·社区环境清洁", "关爱空巢老人上门探访", "图书馆阅读推广志愿服务", "地铁站文明引导", "广州马拉松赛事服务保障"}
	places := []string{"广州市天河区石牌街道", "越秀区北京街社区服务中心", "广州图书馆", "地铁体育西路站", "天河体育中心"}
	contents := []string{"清理楼道杂物，宣传垃圾分类知识", "陪伴聊天、打扫卫生、测量血压", "为儿童读者讲绘本故事", "引导乘客有序排队、解答问询", "补给站物资发放与秩序维护"}
	p := &Proof{
		Code: "7K3M9QXR2D5A", VolunteerName: "欧阳晓晴", IDLabel: "居民身份证",
		MaskedIDNumber: "440***********123X", VolunteerNo: "44010600012345", StarLevel: 2,
		PlatformName: "广东志愿服务信息平台", IssuedAt: time.Date(2026, 11, 28, 10, 30, 0, 0, time.UTC),
		VerifyURL: "https://zhiyuan.example.cn/verify/proof/7K3M9QXR2D5A",
		ChainHead: "9f2c4b7d1e0a83c65b4f2e9d8c7a6b5f4e3d2c1b0a99887766554433221100ff",
		Training:  []Training{{Name: "志愿服务通用知识培训", Date: day, Org: "共青团广州市委员会", Minutes: 180}},
		Awards:    []Award{{Name: "2025年度优秀志愿者", Date: day.AddDate(0, 9, 0), Org: "天河区志愿者协会"}},
	}
	orgs := []string{"中山大学青年志愿者协会", "天河区石牌街道志愿服务队"}
	for g, org := range orgs {
		grp := RecordGroup{Org: org}
		for i := 0; i < records/len(orgs); i++ {
			k := (i + g) % len(activities)
			grp.Records = append(grp.Records, ServiceRecord{
				Activity: activities[k], Date: day.AddDate(0, 0, 7*i+g), Place: places[k],
				Content: contents[k], Minutes: int64(90 + 30*(i%4)), Org: org,
			})
		}
		p.Groups = append(p.Groups, grp)
	}
	return p
}

func render(t testing.TB, p *Proof) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := RenderProof(&buf, p, testFont(t)); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// pdfText runs pdftotext on a PDF, as a person copying text out of it would.
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	dir := t.TempDir()
	in := filepath.Join(dir, "p.pdf")
	if err := os.WriteFile(in, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(testneed.Poppler.Tool(t, "pdftotext"), "-enc", "UTF-8", in, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

// artifactsDir is the repository's gitignored artifacts/ folder.
func artifactsDir(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs("../../artifacts")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// firstPagePNG renders page 1 of a PDF to artifacts/<name>.png with pdftoppm.
func firstPagePNG(t *testing.T, pdf []byte, name string) string {
	t.Helper()
	dir := artifactsDir(t)
	in := filepath.Join(t.TempDir(), "p.pdf")
	if err := os.WriteFile(in, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	base := filepath.Join(dir, name)
	if out, err := exec.Command(testneed.Poppler.Tool(t, "pdftoppm"), "-png", "-r", "110", "-f", "1", "-l", "1", "-singlefile", in, base).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v %s", err, out)
	}
	return base + ".png"
}

func TestProofTextHasNameHoursAndCode(t *testing.T) {
	t.Parallel()
	p := sampleProof(60)
	pdf := render(t, p)
	text := pdfText(t, pdf)
	total := zhiyuan.FormatHours(p.TotalMinutes())
	for _, want := range []string{"欧阳晓晴", "志愿服务记录证明", total + " 小时", FormatProofCode(p.Code), "440***********123X",
		"中山大学青年志愿者协会", "天河区石牌街道志愿服务队", "志愿服务通用知识培训", "2025年度优秀志愿者"} {
		if !strings.Contains(text, want) {
			t.Errorf("pdftotext output lacks %q", want)
		}
	}
	// The chain head is printed (possibly wrapped): its first 16 characters at least.
	if !strings.Contains(text, p.ChainHead[:16]) {
		t.Error("chain head not printed")
	}
	// 60 records run over several pages, each with a footer "第 n 页 / 共 N 页".
	footers := regexp.MustCompile(`第\s*(\d+)\s*页\s*/\s*共\s*(\d+)\s*页`).FindAllStringSubmatch(text, -1)
	if len(footers) < 3 || footers[0][2] != fmt.Sprint(len(footers)) {
		t.Errorf("page footers: %v", footers)
	}
	png := firstPagePNG(t, pdf, "proof-page1")
	if st, err := os.Stat(png); err != nil || st.Size() < 10000 {
		t.Fatalf("first page PNG missing or empty: %v", err)
	}
}

// TestProofEmbedsFontSubset: the proof carries the CJK glyphs it uses (so it prints the
// same on a machine without the font, and stays small), with a ToUnicode map (so text
// copied out of it is Chinese, not boxes); Latin digits go to Helvetica, one of the 14
// fonts every PDF reader has. pdffonts lists fonts in no fixed order (the writer keeps
// them in a map), so the test compares the set of fonts, not a line of the listing.
func TestProofEmbedsFontSubset(t *testing.T) {
	t.Parallel()
	pdf := render(t, sampleProof(4))
	// The whole font is 4 MB; a subset of the few hundred characters used is a small
	// fraction of it. A PDF that embedded the whole font would be megabytes.
	if len(pdf) > 400_000 {
		t.Fatalf("proof is %d bytes: the font was not subset", len(pdf))
	}
	in := filepath.Join(t.TempDir(), "p.pdf")
	if err := os.WriteFile(in, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(testneed.Poppler.Tool(t, "pdffonts"), in).Output()
	if err != nil {
		t.Fatalf("pdffonts (poppler-utils, installed by .ci/run): %v", err)
	}
	got := pdfFonts(t, string(out))
	want := map[string]pdfFont{
		"utf8cjk":   {Type: "CID TrueType", Emb: "yes", Uni: "yes"},
		"Helvetica": {Type: "Type 1", Emb: "no", Uni: "no"},
	}
	if !maps.Equal(got, want) {
		t.Fatalf("fonts in the proof: %v, want %v\n%s", got, want, out)
	}
}

// pdfFont is one row of pdffonts' listing, the columns the proof cares about.
type pdfFont struct{ Type, Emb, Uni string }

// pdfFonts reads pdffonts' table by the column positions its dashed line gives, since
// a type such as "CID TrueType" holds a space.
func pdfFonts(t *testing.T, out string) map[string]pdfFont {
	t.Helper()
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	if len(lines) < 2 || !strings.HasPrefix(lines[1], "---") {
		t.Fatalf("pdffonts printed no table:\n%s", out)
	}
	var cols [][2]int // start and end of each column
	for start, i := 0, 0; i <= len(lines[1]); i++ {
		if i == len(lines[1]) || lines[1][i] == ' ' {
			if i > start {
				cols = append(cols, [2]int{start, i})
			}
			start = i + 1
		}
	}
	if len(cols) < 6 {
		t.Fatalf("pdffonts table has %d columns:\n%s", len(cols), out)
	}
	field := func(line string, c int) string {
		from, to := min(cols[c][0], len(line)), min(cols[c][1], len(line))
		return strings.TrimSpace(line[from:to])
	}
	fonts := map[string]pdfFont{}
	for _, line := range lines[2:] {
		name := field(line, 0)
		if _, dup := fonts[name]; dup {
			t.Errorf("font %s listed twice:\n%s", name, out)
		}
		fonts[name] = pdfFont{Type: field(line, 1), Emb: field(line, 3), Uni: field(line, 5)}
	}
	return fonts
}

func TestProofSingleOrganisationIsIssuedInItsName(t *testing.T) {
	t.Parallel()
	p := sampleProof(6)
	p.Groups = p.Groups[:1]
	p.Issuer = p.Groups[0].Org
	text := pdfText(t, render(t, p))
	if !strings.Contains(text, "出具单位") || !strings.Contains(text, "中山大学青年志愿者协会") {
		t.Fatal("issuer missing")
	}
	if strings.Contains(text, "记录单位：") {
		t.Error("a single organisation's proof should not group records by organisation")
	}
	if strings.Contains(text, "天河区石牌街道志愿服务队") {
		t.Error("another organisation's records leaked into an organisation's proof")
	}
}

func TestProofWithoutRecords(t *testing.T) {
	t.Parallel()
	p := sampleProof(0)
	p.Groups = nil
	p.Training, p.Awards = nil, nil
	text := pdfText(t, render(t, p))
	if !strings.Contains(text, "暂无经确认的志愿服务记录") || !strings.Contains(text, "0 小时") {
		t.Fatalf("empty proof text:\n%s", text)
	}
}

func TestProofLongTextIsWrappedNotLost(t *testing.T) {
	t.Parallel()
	p := sampleProof(2)
	long := strings.Repeat("长期坚持为社区孤寡老人提供助餐送餐服务", 3)
	p.Groups[0].Records[0].Content = long
	text := strings.ReplaceAll(pdfText(t, render(t, p)), "\n", "")
	if !strings.Contains(text, "助餐送餐服务长期坚持") {
		t.Fatal("wrapped content lost")
	}
}

func TestRenderProofNeedsFont(t *testing.T) {
	t.Parallel()
	err := RenderProof(&bytes.Buffer{}, sampleProof(2), nil)
	if !errors.Is(err, ErrNoFont) {
		t.Fatalf("err = %v, want ErrNoFont", err)
	}
}

func TestFindFont(t *testing.T) {
	if _, err := FindFont("/nonexistent/font.ttf"); err == nil || !strings.Contains(err.Error(), "/nonexistent/font.ttf") {
		t.Fatalf("missing configured font: err = %v, want one naming the path", err)
	}
	dir := t.TempDir()
	otf := filepath.Join(dir, "noto.otf")
	os.WriteFile(otf, append([]byte("OTTO"), make([]byte, 64)...), 0o600)
	if _, err := FindFont(otf); err == nil || !strings.Contains(err.Error(), "OpenType/CFF") {
		t.Fatalf("CFF font: err = %v", err)
	}
	ttc := filepath.Join(dir, "x.ttc")
	os.WriteFile(ttc, append([]byte("ttcf"), make([]byte, 64)...), 0o600)
	if _, err := FindFont(ttc); err == nil || !strings.Contains(err.Error(), ".ttc") {
		t.Fatalf("collection: err = %v", err)
	}
	saved := FontPaths
	defer func() { FontPaths = saved }()
	FontPaths = []string{filepath.Join(dir, "none.ttf")}
	if _, err := FindFont(""); !errors.Is(err, ErrNoFont) || !strings.Contains(err.Error(), "fonts-droid-fallback") {
		t.Fatalf("no font: err = %v", err)
	}
}

func ExampleFormatProofCode() {
	fmt.Println(FormatProofCode("7K3M9QXR2D5A"))
	// Output: 7K3M-9QXR-2D5A
}

// TestNormalizeProofCode: the slips a person makes typing a printed code (lower case,
// O for 0, I or L for 1, dashes and spaces) lead to the one canonical code; anything else,
// such as a line break or a non-ASCII letter that upper-cases to an ASCII one, is refused.
func TestNormalizeProofCode(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"ABCD-EFGH-JKMN":  "ABCDEFGHJKMN",
		"abcd efgh jkmn":  "ABCDEFGHJKMN",
		"0O1I-L234-5678":  "001112345678",
		"ABCDEFGHJKMN":    "ABCDEFGHJKMN",
		"abcdefghjkmn-- ": "ABCDEFGHJKMN",
	} {
		if got, ok := NormalizeProofCode(in); !ok || got != want {
			t.Errorf("NormalizeProofCode(%q) = %q %v, want %q", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "ABCDEFGHJKM", "ABCDEFGHJKMNP", "ABCDEFGHJKMU", "ABCDEFGH\nJKMN", "ABCDEFGHJKMN\r\n",
		"ABCDEFGHJKMN\x00", "ſBCDEFGHJKMN", "ıBCDEFGHJKMN", "ＡBCDEFGHJKMN", "ABCD_EFGH_JKMN"} {
		if got, ok := NormalizeProofCode(in); ok {
			t.Errorf("NormalizeProofCode(%q) = %q, want refused", in, got)
		}
	}
}

func FuzzNormalizeProofCode(f *testing.F) {
	f.Add("ABCD-EFGH-JKMN")
	f.Add("abcd efgh jkmn")
	f.Add("ſBCDEFGHJKMN")
	f.Add("ABCD\nEFGH-JKMN")
	f.Fuzz(func(t *testing.T, s string) {
		c, ok := NormalizeProofCode(s)
		if !ok {
			return
		}
		// The result is canonical: 12 characters of the alphabet, its own normal form.
		if len(c) != proofCodeLen || strings.Trim(c, proofCodeAlphabet) != "" {
			t.Fatalf("%q normalised to non-canonical %q", s, c)
		}
		if again, ok := NormalizeProofCode(c); !ok || again != c {
			t.Fatalf("canonical %q does not normalise to itself", c)
		}
		// Only ASCII letters, digits, dashes and spaces are forgiven.
		for i := 0; i < len(s); i++ {
			if s[i] >= 0x80 || (s[i] < ' ') {
				t.Fatalf("%q with byte %#x accepted", s, s[i])
			}
		}
	})
}
