package demo

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"math/rand/v2"
	"time"

	"zhiyuan"
	"zhiyuan/internal/app"
	"zhiyuan/internal/proof"
	"zhiyuan/internal/sqlstore"
)

// The two cities whose admins find card work waiting in the demo.
const (
	demoCardGuangzhou = "440100"
	demoCardShenzhen  = "440300"
)

// fillCards gives the demo volunteer cards and a proof of service, made through the
// application layer exactly as real use makes them: 张小红 (13800000001) holds an issued
// card and one platform proof; in 广州 a batch was issued (one of its cards since
// revoked), a few approved applications wait for the next batch and ten wait for
// review; in 深圳 a batch is printed but not yet issued, a few approved applications wait,
// two were rejected and eight wait for review.
func fillCards(ctx context.Context, a *app.App, s *sqlstore.Store, opt Options, _ *[]Account) error {
	started := time.Now()
	rng := rand.New(rand.NewPCG(uint64(opt.Seed)+29, 31))
	gzAdmin, err := demoCityAdmin(ctx, a, s, demoCardGuangzhou)
	if err != nil {
		return err
	}
	szAdmin, err := demoCityAdmin(ctx, a, s, demoCardShenzhen)
	if err != nil {
		return err
	}
	acc, _, err := s.FindAccountByPhone(ctx, "13800000001")
	if err != nil {
		return nil // no known volunteer: a demo without volunteers
	}
	known, err := s.FindVolunteerByAccountID(ctx, acc.ID)
	if err != nil {
		return nil
	}
	gz, err := demoCityVolunteers(ctx, s, demoCardGuangzhou, known.ID, 21)
	if err != nil {
		return err
	}
	sz, err := demoCityVolunteers(ctx, s, demoCardShenzhen, known.ID, 19)
	if err != nil {
		return err
	}
	if len(gz) < 21 || len(sz) < 19 {
		return nil // too few volunteers to show every state
	}
	orgs, err := demoCityOrgs(ctx, s)
	if err != nil {
		return err
	}
	photos := make([][]byte, 3)
	for i := range photos {
		if photos[i], err = demoPhoto(i); err != nil {
			return err
		}
	}

	apply := func(v demoVolunteer, i int) (int64, error) {
		in := app.CardApplyInput{Photo: photos[i%len(photos)], Delivery: string(zhiyuan.DeliveryAddress),
			DeliveryAddress: a.RegionName(v.region) + demoPlace(rng) + "收发室"}
		if list := orgs[v.region[:4]]; i%2 == 0 && len(list) > 0 {
			in = app.CardApplyInput{Photo: in.Photo, Delivery: string(zhiyuan.DeliveryOrg), DeliveryOrgID: list[rng.IntN(len(list))]}
		}
		ap, err := a.ApplyForCard(ctx, &zhiyuan.Principal{AccountID: v.account}, in)
		if err != nil {
			return 0, fmt.Errorf("demo card application: %w", err)
		}
		return ap.ID, nil
	}
	applyAll := func(vs []demoVolunteer) ([]int64, error) {
		ids := make([]int64, 0, len(vs))
		for i, v := range vs {
			id, err := apply(v, i)
			if err != nil {
				return nil, err
			}
			ids = append(ids, id)
		}
		return ids, nil
	}
	approve := func(admin *zhiyuan.Principal, ids []int64) error {
		if _, err := a.DecideCardApplications(ctx, admin, ids, true, ""); err != nil {
			return fmt.Errorf("demo card approval: %w", err)
		}
		return nil
	}
	batch := func(admin *zhiyuan.Principal, ids []int64, to ...zhiyuan.CardBatchStatus) error {
		b, err := a.CreateCardBatch(ctx, admin, ids)
		if err != nil {
			return fmt.Errorf("demo card batch: %w", err)
		}
		for _, st := range to {
			if _, err := a.AdvanceCardBatch(ctx, admin, b.ID, st); err != nil {
				return fmt.Errorf("demo card batch %s: %w", st, err)
			}
		}
		return nil
	}

	// 广州: 张小红 applies with her organisation as the place to collect the card.
	mine := app.CardApplyInput{Photo: photos[0], Delivery: string(zhiyuan.DeliveryAddress), DeliveryAddress: a.RegionName(known.RegionCode) + "体育西路文化广场收发室"}
	if ms, err := s.FindMembershipsOfVolunteer(ctx, known.ID); err == nil {
		for _, m := range ms {
			if m.Status == zhiyuan.MemberApproved {
				mine = app.CardApplyInput{Photo: photos[0], Delivery: string(zhiyuan.DeliveryOrg), DeliveryOrgID: m.OrgID}
				break
			}
		}
	}
	knownP := &zhiyuan.Principal{AccountID: acc.ID, Name: acc.Name, Roles: acc.Roles}
	ap, err := a.ApplyForCard(ctx, knownP, mine)
	if err != nil {
		return fmt.Errorf("demo card of 张小红: %w", err)
	}
	issued, err := applyAll(gz[:7])
	if err != nil {
		return err
	}
	issued = append([]int64{ap.ID}, issued...)
	if err := approve(gzAdmin, issued); err != nil {
		return err
	}
	if err := batch(gzAdmin, issued, zhiyuan.BatchPrinted, zhiyuan.BatchIssued); err != nil {
		return err
	}
	// One card of that batch was revoked since.
	revoked, err := s.FindCardApplicationByID(ctx, issued[len(issued)-1])
	if err != nil {
		return err
	}
	if _, err := a.RevokeCard(ctx, gzAdmin, revoked.CardNumber, "志愿者本人申请注销志愿者证"); err != nil {
		return fmt.Errorf("demo card revocation: %w", err)
	}
	waiting, err := applyAll(gz[7:11])
	if err != nil {
		return err
	}
	if err := approve(gzAdmin, waiting); err != nil {
		return err
	}
	if _, err := applyAll(gz[11:21]); err != nil {
		return err
	}

	// 深圳: a batch at the printer's, approved applications waiting, two rejected.
	printed, err := applyAll(sz[:6])
	if err != nil {
		return err
	}
	if err := approve(szAdmin, printed); err != nil {
		return err
	}
	if err := batch(szAdmin, printed, zhiyuan.BatchPrinted); err != nil {
		return err
	}
	waiting, err = applyAll(sz[6:9])
	if err != nil {
		return err
	}
	if err := approve(szAdmin, waiting); err != nil {
		return err
	}
	rejected, err := applyAll(sz[9:11])
	if err != nil {
		return err
	}
	if _, err := a.DecideCardApplications(ctx, szAdmin, rejected, false, "照片不是近期免冠正面照，请重新上传"); err != nil {
		return fmt.Errorf("demo card rejection: %w", err)
	}
	if _, err := applyAll(sz[11:19]); err != nil {
		return err
	}

	// 张小红's proof of service, made from her confirmed hours. Without a CJK font the
	// proof cannot be rendered; everything else stands.
	note := "1 份服务证明"
	font := a.Font
	if font == nil {
		font, err = proof.FindFont("")
	}
	if font == nil {
		note = fmt.Sprintf("未生成服务证明：%v", err)
	} else {
		a.SetProofFont(font)
		if _, _, err := a.IssueProof(ctx, knownP, 0); err != nil {
			return fmt.Errorf("demo proof of 张小红: %w", err)
		}
	}
	fmt.Printf("  志愿者证: %d 份申请（广州、深圳各有待审核），2 个制卡批次，%s（%s）\n",
		1+len(gz)+len(sz), note, time.Since(started).Round(time.Millisecond))
	return nil
}

// demoCityAdmin returns the demo administrator of a city (Fill numbers them in the order
// of StatsUnits) as a principal.
func demoCityAdmin(ctx context.Context, a *app.App, s *sqlstore.Store, city string) (*zhiyuan.Principal, error) {
	for i, unit := range a.Regions.StatsUnits("440000") {
		if unit.Code != city {
			continue
		}
		acc, _, err := s.FindAccountByPhone(ctx, fmt.Sprintf("139000001%02d", i))
		if err != nil {
			return nil, fmt.Errorf("demo admin of %s: %w", city, err)
		}
		return &zhiyuan.Principal{AccountID: acc.ID, Name: acc.Name, Roles: acc.Roles}, nil
	}
	return nil, fmt.Errorf("demo: no statistics unit %s", city)
}

type demoVolunteer struct {
	id, account int64
	region      string
}

// demoCityVolunteers returns up to n active adult volunteers of a city, other than skip.
func demoCityVolunteers(ctx context.Context, s *sqlstore.Store, city string, skip int64, n int) ([]demoVolunteer, error) {
	next := city[:3] + string(city[3]+1) + city[4:]
	rows, err := s.DB().QueryContext(ctx, s.Rebind(`SELECT id, account_id, region_code FROM volunteers
		WHERE status = 'active' AND minor = ? AND region_code >= ? AND region_code < ? AND id <> ? ORDER BY id LIMIT ?`),
		false, city, next, skip, n)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []demoVolunteer
	for rows.Next() {
		var v demoVolunteer
		if err := rows.Scan(&v.id, &v.account, &v.region); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// demoCityOrgs returns the approved organisations by the first four digits of their
// region (the city).
func demoCityOrgs(ctx context.Context, s *sqlstore.Store) (map[string][]int64, error) {
	rows, err := s.DB().QueryContext(ctx, "SELECT id, region_code FROM organizations WHERE status = 'approved' ORDER BY id")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string][]int64{}
	for rows.Next() {
		var id int64
		var code string
		if err := rows.Scan(&id, &code); err != nil {
			return nil, err
		}
		if len(code) >= 4 {
			out[code[:4]] = append(out[code[:4]], id)
		}
	}
	return out, rows.Err()
}

// silhouette is a mask of a head and shoulders on a card photo: the head an ellipse, the
// shoulders the top of a wide ellipse rising from the bottom edge, joined by a neck.
type silhouette struct{ w, h int }

func (m silhouette) ColorModel() color.Model { return color.AlphaModel }
func (m silhouette) Bounds() image.Rectangle { return image.Rect(0, 0, m.w, m.h) }
func (m silhouette) At(x, y int) color.Color {
	in := func(cx, cy, rx, ry float64) bool {
		dx, dy := (float64(x)-cx)/rx, (float64(y)-cy)/ry
		return dx*dx+dy*dy <= 1
	}
	w, h := float64(m.w), float64(m.h)
	head := in(w/2, h*0.38, w*0.21, h*0.19)
	neck := float64(x) > w*0.42 && float64(x) < w*0.58 && float64(y) > h*0.5 && float64(y) < h*0.72
	shoulders := in(w/2, h*1.08, w*0.55, h*0.38)
	if head || neck || shoulders {
		return color.Alpha{A: 255}
	}
	return color.Alpha{}
}

// demoPhoto draws a card photo (PhotoWidth × PhotoHeight PNG): a dark silhouette on the
// light blue background of an ID photo, in one of a few shades.
func demoPhoto(variant int) ([]byte, error) {
	shades := []color.RGBA{{52, 58, 72, 255}, {70, 62, 58, 255}, {40, 48, 60, 255}}
	img := image.NewRGBA(image.Rect(0, 0, proof.PhotoWidth, proof.PhotoHeight))
	draw.Draw(img, img.Bounds(), &image.Uniform{C: color.RGBA{178, 214, 242, 255}}, image.Point{}, draw.Src)
	draw.DrawMask(img, img.Bounds(), &image.Uniform{C: shades[variant%len(shades)]}, image.Point{},
		silhouette{proof.PhotoWidth, proof.PhotoHeight}, image.Point{}, draw.Over)
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
