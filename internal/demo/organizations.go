package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"

	"zhiyuan"
	"zhiyuan/internal/app"
	"zhiyuan/internal/region"
	"zhiyuan/internal/sqlstore"
	"zhiyuan/internal/uscc"
)

// demoUniversity is a university with its colleges; every college gets class branches.
type demoUniversity struct {
	name, county string
	colleges     []string
}

var demoUniversities = []demoUniversity{
	{"中山大学", "440105", []string{"中国语言文学系", "管理学院", "计算机学院", "中山医学院"}},
	{"华南理工大学", "440106", []string{"计算机科学与工程学院", "机械与汽车工程学院", "建筑学院", "工商管理学院"}},
	{"暨南大学", "440106", []string{"新闻与传播学院", "经济学院", "文学院"}},
	{"华南师范大学", "440106", []string{"教育科学学院", "心理学院", "数学科学学院"}},
	{"广东工业大学", "440113", []string{"自动化学院", "材料与能源学院", "土木与交通工程学院"}},
	{"广州大学", "440113", []string{"人文学院", "法学院", "音乐舞蹈学院"}},
	{"深圳大学", "440305", []string{"传播学院", "计算机与软件学院", "管理学院"}},
	{"南方科技大学", "440305", []string{"理学院", "工学院"}},
	{"汕头大学", "440507", []string{"文学院", "医学院"}},
	{"广东海洋大学", "440811", []string{"水产学院", "食品科技学院"}},
}

// demoOrgAdmins are the organisation admins printed with the demo accounts.
var demoOrgAdmins = []struct{ phone, name, org string }{
	{"13900000200", "华南理工大学团委管理员", "华南理工大学团委"},
	{"13900000201", "华工计算机学院团委管理员", "华南理工大学计算机科学与工程学院团委"},
	{"13900000202", "天河区团委管理员", "共青团广州市天河区委员会"},
	{"13900000203", "广州市义工联合会管理员", "广州市义工联合会"},
	{"13900000204", "深圳大学团委管理员", "深圳大学团委"},
}

var demoSurnames = []rune("王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高梁郑谢宋唐许邓冯韩曹曾彭萧蔡潘田董袁")

// orgBuilder collects a level of organisations and numbers their credit codes.
type orgBuilder struct {
	rng    *rand.Rand
	by     int64
	seq    int
	byName map[string]*zhiyuan.Organization
}

func (b *orgBuilder) contact() (string, string) {
	name := string(demoSurnames[b.rng.IntN(len(demoSurnames))]) + []string{"老师", "先生", "女士", "书记"}[b.rng.IntN(4)]
	return name, fmt.Sprintf("139%08d", 20000000+b.rng.IntN(70000000))
}

// add creates an organisation for the current level; code prefixes of "" mean no credit
// code. Names are unique across the demo, so later levels find parents by name.
func (b *orgBuilder) add(level *[]*zhiyuan.Organization, name, typ, region string, parent *zhiyuan.Organization, codePrefix, desc string) *zhiyuan.Organization {
	cn, cp := b.contact()
	o := &zhiyuan.Organization{Name: name, Type: typ, RegionCode: region, ContactName: cn, ContactPhone: cp,
		Description: desc, Status: zhiyuan.OrgApproved, CreatedBy: b.by}
	if parent != nil {
		o.ParentID = parent.ID
	}
	if codePrefix != "" {
		b.seq++
		o.CreditCode = uscc.Generate(codePrefix, region, 10000000+b.seq)
	}
	b.byName[name] = o
	*level = append(*level, o)
	return o
}

// fillOrganizations creates a few hundred organisations in trees across Guangdong: the
// League's city and district committees with community teams below them, universities
// with colleges and class branches (three levels), social organisations with valid credit
// codes, schools and company teams; all approved except a handful left pending for the
// approval pages. It also creates the demo organisation admins.
func fillOrganizations(ctx context.Context, a *app.App, s *sqlstore.Store, opt Options, accounts *[]Account) error {
	province, _, err := s.FindAccountByPhone(ctx, "13900000001")
	if err != nil {
		return fmt.Errorf("demo organisations: province admin: %w", err)
	}
	b := &orgBuilder{rng: rand.New(rand.NewPCG(uint64(opt.Seed), 3)), by: province.ID, byName: map[string]*zhiyuan.Organization{}}
	tree := a.Regions
	var roots, second, third, pendingRoots []*zhiyuan.Organization

	cities := tree.Children("440000")
	for _, city := range cities {
		short := strings.TrimSuffix(city.Name, "市")
		b.add(&roots, "共青团"+city.Name+"委员会", "团委", city.Code, nil, "", "负责"+city.Name+"共青团和青年志愿服务工作。")
		b.add(&roots, city.Name+"义工联合会", "社会组织", city.Code, nil, "51", "由"+short+"热心市民自发组成的志愿服务社会团体。")
		b.add(&roots, city.Name+"青年志愿者协会", "社会组织", city.Code, nil, "51", "在共青团"+city.Name+"委员会指导下开展青年志愿服务。")
		first := countiesOf(tree, city.Code)[0]
		b.add(&roots, city.Name+"第一中学团委", "中小学", first.Code, nil, "", "组织学生参加社区服务和志愿活动。")
		b.add(&roots, city.Name+"供电局青年志愿服务队", "企事业单位", city.Code, nil, "", "开展用电安全宣传和应急保电志愿服务。")
	}
	for _, u := range demoUniversities {
		b.add(&roots, u.name+"团委", "高校", u.county, nil, "12", u.name+"共青团委员会，指导全校青年志愿者协会和各学院志愿服务队。")
	}
	if err := s.BulkCreateOrganizations(ctx, roots); err != nil {
		return fmt.Errorf("demo organisations: %w", err)
	}

	// Second level: district committees under their city's, colleges under universities.
	for _, city := range cities {
		cityOrg := b.byName["共青团"+city.Name+"委员会"]
		for _, county := range countiesOf(tree, city.Code) {
			if county.Code == city.Code {
				continue // 东莞, 中山: the city committee is the district committee
			}
			b.add(&second, "共青团"+county.FullName[len("广东省"):]+"委员会", "团委", county.Code, cityOrg, "", "负责"+county.Name+"的青年志愿服务工作。")
		}
	}
	for _, u := range demoUniversities {
		uni := b.byName[u.name+"团委"]
		for _, c := range u.colleges {
			b.add(&second, u.name+c+"团委", "团委", u.county, uni, "", u.name+c+"共青团委员会。")
		}
	}
	if err := s.BulkCreateOrganizations(ctx, second); err != nil {
		return fmt.Errorf("demo organisations: %w", err)
	}

	// Third level: community teams under district committees, class branches under
	// colleges.
	busy := map[string]bool{"4401": true, "4403": true, "4406": true}
	for _, city := range cities {
		for _, county := range countiesOf(tree, city.Code) {
			parent := b.byName["共青团"+county.FullName[len("广东省"):]+"委员会"]
			if county.Code == city.Code {
				parent = b.byName["共青团"+city.Name+"委员会"]
			}
			streets := tree.Children(county.Code)
			n := 1
			if busy[city.Code[:4]] || county.Code == city.Code {
				n = 2
			}
			for i := 0; i < n && i < len(streets); i++ {
				typ := "社区"
				if i%2 == 1 {
					typ = "志愿服务队"
				}
				b.add(&third, county.Name+streets[i].Name+"社区志愿服务队", typ, county.Code, parent, "",
					"扎根"+streets[i].Name+"，开展关爱长者、助残、环保和文明劝导等志愿服务。")
			}
		}
	}
	for _, u := range demoUniversities {
		for _, c := range u.colleges {
			college := b.byName[u.name+c+"团委"]
			for _, class := range []string{"2023级1班", "2023级2班", "2024级1班"} {
				b.add(&third, u.name+c+class+"团支部", "团委", u.county, college, "", "")
			}
		}
	}
	// A few pending registrations for the approval pages: 天河 (the 广州 admin and the
	// district committee see them), under 华工计算机学院 (its admin approves) and in 南山.
	pend := func(o *zhiyuan.Organization) { o.Status = zhiyuan.OrgPending }
	pend(b.add(&third, "天河区猎德街长者关爱志愿服务队", "志愿服务队", "440106", b.byName["共青团广州市天河区委员会"], "", "为猎德街独居长者提供探访和陪伴服务。"))
	pend(b.add(&third, "华南理工大学计算机科学与工程学院2025级1班团支部", "团委", "440106", b.byName["华南理工大学计算机科学与工程学院团委"], "", ""))
	pend(b.add(&pendingRoots, "天河区阳光助残志愿服务中心", "社会组织", "440106", nil, "52", "为残障青少年提供陪伴、康复辅助和就业培训。"))
	pend(b.add(&pendingRoots, "南山区蓝天应急救援志愿服务队", "社会组织", "440305", nil, "52", "开展山地搜救、水域救援和防灾减灾宣传。"))
	if err := s.BulkCreateOrganizations(ctx, third); err != nil {
		return fmt.Errorf("demo organisations: %w", err)
	}
	if err := s.BulkCreateOrganizations(ctx, pendingRoots); err != nil {
		return fmt.Errorf("demo organisations: %w", err)
	}

	for _, ad := range demoOrgAdmins {
		o := b.byName[ad.org]
		if o == nil || o.ID == 0 {
			return fmt.Errorf("demo organisations: no organisation %s", ad.org)
		}
		if _, err := a.CreateAdmin(ctx, nil, app.AdminInput{Phone: ad.phone, Name: ad.name, Password: Password,
			Role: zhiyuan.Role{Kind: zhiyuan.RoleOrgAdmin, OrgID: o.ID}}); err != nil {
			return fmt.Errorf("demo organisation admin %s: %w", ad.name, err)
		}
		*accounts = append(*accounts, Account{"组织管理员", ad.phone, ad.name})
	}
	return nil
}

// countiesOf lists the county-level units of a city; a city without counties (东莞市)
// is its own only unit.
func countiesOf(t *region.Tree, city string) []region.Region {
	if t.IsCounty(city) {
		r, _ := t.Lookup(city)
		return []region.Region{r}
	}
	var out []region.Region
	for _, c := range t.Children(city) {
		if t.IsCounty(c.Code) {
			out = append(out, c)
		}
	}
	return out
}

// fillMemberships puts every demo volunteer in one to three approved organisations of
// their city (one in twenty still waiting for an admin), with batched inserts that stream
// through the volunteers instead of loading a million of them at once.
func fillMemberships(ctx context.Context, a *app.App, s *sqlstore.Store, opt Options, _ *[]Account) error {
	db := s.DB()
	byCity := map[string][]int64{}
	rows, err := db.QueryContext(ctx, "SELECT id, region_code FROM organizations WHERE status = 'approved' ORDER BY id")
	if err != nil {
		return err
	}
	for rows.Next() {
		var id int64
		var code string
		if err := rows.Scan(&id, &code); err != nil {
			rows.Close()
			return err
		}
		byCity[code[:4]] = append(byCity[code[:4]], id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	if len(byCity) == 0 {
		return nil
	}
	// A large page cache keeps org_members' indexes in memory while a million
	// volunteers' memberships go in.
	defer s.BeginBulkLoad(ctx)()
	rng := rand.New(rand.NewPCG(uint64(opt.Seed), 7))
	const batch = 20000
	var after int64
	for {
		// Volunteers in pages by id; each page's memberships go in one transaction.
		rows, err := db.QueryContext(ctx, s.Rebind("SELECT id, region_code FROM volunteers WHERE id > ? AND status = 'active' ORDER BY id LIMIT ?"), after, batch)
		if err != nil {
			return err
		}
		var ms []zhiyuan.Membership
		n := 0
		for rows.Next() {
			var id int64
			var code string
			if err := rows.Scan(&id, &code); err != nil {
				rows.Close()
				return err
			}
			n++
			after = id
			orgs := byCity[code[:min(4, len(code))]]
			if len(orgs) == 0 {
				continue
			}
			k := 1 + rng.IntN(3)
			seen := map[int64]bool{}
			for j := 0; j < k; j++ {
				org := orgs[rng.IntN(len(orgs))]
				if seen[org] {
					continue
				}
				seen[org] = true
				status := zhiyuan.MemberApproved
				if rng.IntN(20) == 0 {
					status = zhiyuan.MemberPending
				}
				ms = append(ms, zhiyuan.Membership{OrgID: org, VolunteerID: id, Status: status})
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if err := s.BulkAddMembers(ctx, ms); err != nil {
			return fmt.Errorf("demo memberships: %w", err)
		}
		if n < batch {
			return nil
		}
	}
}
