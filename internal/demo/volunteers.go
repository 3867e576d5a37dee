package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"
	"time"

	"zhiyuan"
	"zhiyuan/internal/app"
	"zhiyuan/internal/idcard"
	"zhiyuan/internal/password"
	"zhiyuan/internal/pii"
	"zhiyuan/internal/region"
	"zhiyuan/internal/sqlstore"
)

// demoBatch is how many volunteers one transaction inserts.
const demoBatch = 10000

// fillVolunteers registers opt.Volunteers volunteers across Guangdong's counties, plus two
// known ones (an adult and a minor with consent) registered through the application
// itself. The bulk is prepared here and written with multi-row INSERTs: the rows are the
// same as registrations make (sealed numbers, blind indexes, volunteer numbers from the
// same counters), but the password hash is computed once and shared.
func fillVolunteers(ctx context.Context, a *app.App, s *sqlstore.Store, opt Options, accounts *[]Account) error {
	started := time.Now()
	g := newVolunteerGen(a, opt.Seed)

	known := []struct {
		phone, name, county string
		age                 int
		sex                 idcard.Sex
		guardian            *app.GuardianInput
		political           string
	}{
		{"13800000001", "张小红", "440106", 24, idcard.Female, nil, "共青团员"},
		{"13800000002", "李小明", "440604", 15, idcard.Male,
			&app.GuardianInput{Name: "李建国", Phone: "13800000003", Relation: "父亲", Consent: true}, "共青团员"},
	}
	for _, k := range known {
		id := g.idNumber(k.county, g.birthOfAge(k.age), k.sex)
		v, err := a.RegisterVolunteer(ctx, app.RegisterInput{
			Name: k.name, IDNumber: id, Phone: k.phone, Password: Password, RegionCode: k.county,
			PoliticalStatus: k.political, Skills: []string{"急救", "摄影"}, Categories: []string{string(zhiyuan.CatCommunity), string(zhiyuan.CatElderly)},
			Guardian: k.guardian,
		})
		if err != nil {
			return fmt.Errorf("demo volunteer %s: %w", k.name, err)
		}
		role := "志愿者"
		if v.Minor {
			role = "未成年志愿者"
		}
		*accounts = append(*accounts, Account{role, k.phone, k.name + "（志愿者编号 " + v.VolunteerNo + "，也可用它登录）"})
	}

	hash, err := password.Hash(Password, a.Config.Password)
	if err != nil {
		return err
	}
	// Preparing a batch (sealing, hashing, names) overlaps with writing the previous one.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	batches := make(chan []sqlstore.BulkVolunteer, 2)
	errc := make(chan error, 1)
	go func() {
		defer close(batches)
		for done := 0; done < opt.Volunteers; {
			n := min(demoBatch, opt.Volunteers-done)
			b, err := g.batch(done, n, hash)
			if err != nil {
				errc <- err
				return
			}
			select {
			case batches <- b:
			case <-ctx.Done():
				return
			}
			done += n
		}
	}()
	defer s.BeginBulkLoad(ctx)()
	written := 0
	for b := range batches {
		if err := s.BulkCreateVolunteers(ctx, b); err != nil {
			cancel()
			for range batches { // let the producer see the cancellation and stop
			}
			return fmt.Errorf("demo volunteers: %w", err)
		}
		written += len(b)
	}
	select {
	case err := <-errc:
		return err
	default:
	}
	a.Log.InfoContext(ctx, "demo volunteers", "count", written, "seconds", time.Since(started).Seconds())
	return nil
}

// volunteerGen makes believable Guangdong volunteers, deterministically from a seed.
type volunteerGen struct {
	a        *app.App
	rng      *rand.Rand
	today    time.Time
	counties []region.Region
	weights  []float64 // cumulative
	used     map[uint64]bool
}

// cityWeight is roughly each city's population in millions (2020 census), so big cities
// have more volunteers.
var cityWeight = map[string]float64{
	"440100": 18.7, "440200": 2.9, "440300": 17.6, "440400": 2.4, "440500": 5.5, "440600": 9.5, "440700": 4.8,
	"440800": 7.0, "440900": 6.2, "441200": 4.1, "441300": 6.0, "441400": 3.9, "441500": 2.7, "441600": 2.8,
	"441700": 2.6, "441800": 4.0, "441900": 10.5, "442000": 4.4, "445100": 2.6, "445200": 5.6, "445300": 2.4,
}

func newVolunteerGen(a *app.App, seed int64) *volunteerGen {
	g := &volunteerGen{
		a:     a,
		rng:   rand.New(rand.NewPCG(uint64(seed), 0x7a6879756e)),
		today: a.Now().In(zhiyuan.Beijing),
		used:  map[uint64]bool{},
	}
	total := 0.0
	for _, city := range a.Regions.Children("440000") {
		var cs []region.Region
		if a.Regions.IsCounty(city.Code) {
			cs = []region.Region{city}
		} else {
			for _, c := range a.Regions.Children(city.Code) {
				if a.Regions.IsCounty(c.Code) {
					cs = append(cs, c)
				}
			}
		}
		w := cityWeight[city.Code]
		if w == 0 {
			w = 2
		}
		for _, c := range cs {
			total += w / float64(len(cs))
			g.counties = append(g.counties, c)
			g.weights = append(g.weights, total)
		}
	}
	for i := range g.weights {
		g.weights[i] /= total
	}
	return g
}

func (g *volunteerGen) county() region.Region {
	x := g.rng.Float64()
	lo, hi := 0, len(g.weights)-1
	for lo < hi {
		mid := (lo + hi) / 2
		if g.weights[mid] < x {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return g.counties[lo]
}

// birthOfAge returns a birth date of someone aged age today, on a random day of that year
// of life.
func (g *volunteerGen) birthOfAge(age int) time.Time {
	y, m, d := g.today.Date()
	latest := time.Date(y-age, m, d, 0, 0, 0, 0, time.UTC)
	return latest.AddDate(0, 0, -g.rng.IntN(365))
}

// idNumber returns a valid identity number never handed out before in this run.
func (g *volunteerGen) idNumber(county string, birth time.Time, sex idcard.Sex) string {
	for {
		id := idcard.Generate(county, birth, g.rng.IntN(1000), sex)
		key, _ := strconv.ParseUint(id[:17], 10, 64)
		if !g.used[key] {
			g.used[key] = true
			return id
		}
	}
}

// Surnames weighted for Guangdong (陈, 李, 黄, 张, 梁 lead there), then common national ones.
var surnames = []string{
	"陈", "陈", "陈", "李", "李", "黄", "黄", "张", "张", "梁", "梁", "林", "林", "刘", "刘", "吴", "罗", "何", "郑", "杨",
	"谢", "周", "邓", "曾", "冯", "许", "蔡", "朱", "钟", "叶", "苏", "卢", "赖", "余", "潘", "彭", "胡", "郭", "王", "赵",
	"徐", "孙", "马", "高", "宋", "唐", "韩", "肖", "田", "董", "袁", "姚", "谭", "廖", "邱", "温", "方", "江", "丘", "欧阳", "司徒",
}

var (
	maleGiven   = []string{"伟", "强", "磊", "军", "勇", "杰", "涛", "斌", "浩", "宇", "俊", "明", "志", "文", "辉", "鹏", "锋", "晨", "嘉", "子", "梓", "铭", "轩", "豪", "健", "建", "国", "华", "家", "泽", "宏", "振", "海", "东", "毅", "睿", "博", "航", "天", "一"}
	femaleGiven = []string{"芳", "娜", "敏", "静", "丽", "婷", "雪", "琳", "颖", "慧", "洁", "燕", "玲", "欣", "悦", "思", "诗", "雨", "梓", "晓", "嘉", "佳", "雅", "怡", "可", "馨", "萱", "涵", "妍", "彤", "琪", "蕾", "倩", "美", "秀", "小", "红", "梅", "兰", "一"}
	demoSkills  = []string{"急救", "摄影", "手语", "英语", "粤语翻译", "心理咨询", "法律咨询", "医疗护理", "驾驶", "编程", "平面设计",
		"教学辅导", "文艺表演", "书法", "体育指导", "烹饪", "家电维修", "主持", "财会", "无人机", "游泳", "应急救援", "活动策划", "视频剪辑"}
)

func (g *volunteerGen) pick(list []string) string { return list[g.rng.IntN(len(list))] }

func (g *volunteerGen) name(sex idcard.Sex) string {
	given := maleGiven
	if sex == idcard.Female {
		given = femaleGiven
	}
	n := g.pick(surnames) + g.pick(given)
	if g.rng.IntN(10) < 8 { // most given names have two characters
		n += g.pick(given)
	}
	return n
}

// age draws a realistic age: mostly 18–45, some minors, a few older volunteers.
func (g *volunteerGen) age() int {
	switch x := g.rng.IntN(100); {
	case x < 6:
		return 14 + g.rng.IntN(4)
	case x < 40:
		return 18 + g.rng.IntN(8) // students and young workers are the core
	case x < 86:
		return 26 + g.rng.IntN(20)
	default:
		return 46 + g.rng.IntN(25)
	}
}

// political is weighted by age: League members are common among the young.
func (g *volunteerGen) political(age int) string {
	x := g.rng.IntN(100)
	if age <= 28 {
		switch {
		case x < 55:
			return "共青团员"
		case x < 85:
			return "群众"
		case x < 94:
			return "中共党员"
		case x < 98:
			return "中共预备党员"
		}
		return ""
	}
	switch {
	case x < 62:
		return "群众"
	case x < 88:
		return "中共党员"
	case x < 91:
		return "民主党派"
	case x < 93:
		return "中共预备党员"
	case x < 95:
		return "other"
	}
	return ""
}

func (g *volunteerGen) sample(list []string, lo, hi int) []string {
	n := lo + g.rng.IntN(hi-lo+1)
	out := make([]string, 0, n)
	for _, i := range g.rng.Perm(len(list))[:n] {
		out = append(out, list[i])
	}
	return out
}

// batch prepares volunteers from..from+n-1 of the run.
func (g *volunteerGen) batch(from, n int, hash string) ([]sqlstore.BulkVolunteer, error) {
	keys := g.a.Keys
	cats := make([]string, len(zhiyuan.ServiceCategories))
	for i, c := range zhiyuan.ServiceCategories {
		cats[i] = c.Code
	}
	now := g.a.Now()
	out := make([]sqlstore.BulkVolunteer, n)
	for i := range out {
		c := g.county()
		sex := idcard.Male
		if g.rng.IntN(100) < 54 { // more women than men volunteer
			sex = idcard.Female
		}
		age := g.age()
		birth := g.birthOfAge(age)
		id := g.idNumber(c.Code, birth, sex)
		sealed, err := keys.Seal(id, "id_number")
		if err != nil {
			return nil, err
		}
		v := &zhiyuan.Volunteer{
			Name: g.name(sex), IDType: zhiyuan.IDResident, IDNumberMasked: pii.MaskIDNumber(id),
			Phone: fmt.Sprintf("15%09d", from+i), RegionCode: c.Code, BirthDate: birth, Sex: sex.String(),
			Minor: age < zhiyuan.AdultAge, PoliticalStatus: g.political(age),
			Skills: g.sample(demoSkills, 0, 3), Categories: g.sample(cats, 1, 3),
		}
		if g.rng.IntN(2) == 0 {
			v.ServiceAreas = []string{c.Code}
		}
		if g.rng.IntN(3) > 0 {
			v.Availability = zhiyuan.Availability{Weekdays: []int{6, 7}, Times: []string{"morning", "afternoon"}}
		}
		if v.Minor {
			parent := g.pick(surnames) + g.pick(maleGiven) + g.pick(maleGiven)
			v.Guardian = &zhiyuan.Guardian{Name: parent, Phone: fmt.Sprintf("16%09d", from+i), Relation: "父亲"}
			if g.rng.IntN(100) < 85 { // most minors come with consent; the rest show the pending state
				v.Guardian.ConsentAt = now
			}
			// Sealed like a registration's, so demo rows are the same as real ones.
			if err := g.a.SealContact(v); err != nil {
				return nil, err
			}
		}
		out[i] = sqlstore.BulkVolunteer{Volunteer: v, Secrets: sqlstore.VolunteerSecrets{
			PasswordHash: hash, IDNumberSealed: sealed, IDNumberIndex: keys.BlindIndex("id_number", id),
		}}
	}
	return out, nil
}
