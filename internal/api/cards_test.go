package api_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"zhiyuan"
	"zhiyuan/internal/proof"
	"zhiyuan/internal/server/servertest"
	"zhiyuan/internal/sqlstore"
)

// photoJPEG is a plausible phone photo: w × h pixels of a face-coloured gradient.
func photoJPEG(t testing.TB, w, h int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.RGBA{uint8(200 + x%50), uint8(160 + y%60), 140, 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, nil); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// hugePNG is a tiny file whose header claims 20,000 × 20,000 pixels.
func hugePNG(t testing.TB) []byte {
	var buf bytes.Buffer
	png.Encode(&buf, image.NewGray(image.Rect(0, 0, 120, 120)))
	p := buf.Bytes()
	binary.BigEndian.PutUint32(p[16:], 20000)
	binary.BigEndian.PutUint32(p[20:], 20000)
	binary.BigEndian.PutUint32(p[29:], crc32.ChecksumIEEE(p[12:29]))
	return p
}

// applyCard posts a multipart card application.
func applyCard(e *servertest.Env, token string, photo []byte, fields map[string]string) *servertest.Response {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	if photo != nil {
		fw, _ := mw.CreateFormFile("photo", "me.jpg")
		fw.Write(photo)
	}
	mw.Close()
	req, _ := http.NewRequest("POST", e.HTTP.URL+"/api/v1/me/card-applications", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+token)
	return e.Send(req)
}

var byAddress = map[string]string{"delivery": "address", "delivery_address": "广州市天河区五山路381号"}

type cardAppResp struct {
	ID         int64  `json:"id"`
	Status     string `json:"status"`
	CardNumber string `json:"card_number"`
	Reason     string `json:"reason"`
}

type cardCheck struct {
	Valid         bool   `json:"valid"`
	Reason        string `json:"reason"`
	MaskedName    string `json:"masked_name"`
	StarLevel     int    `json:"star_level"`
	IssuingRegion string `json:"issuing_region"`
}

func checkCard(t *testing.T, e *servertest.Env, payload string) cardCheck {
	t.Helper()
	res := e.Do("GET", "/api/v1/verify/card/"+payload, "", nil)
	if res.Status != http.StatusOK {
		t.Fatalf("verify: %d %s", res.Status, res.Body)
	}
	var c cardCheck
	res.Decode(&c)
	return c
}

func TestCardPhotoRefusals(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		_, token := register(t, e, registration(e, idNumber("440106", 22, 1)))
		for name, photo := range map[string][]byte{
			"not an image": []byte("%PDF-1.7 a document, not a photo"),
			"too big":      append(photoJPEG(t, 300, 400), make([]byte, proof.MaxPhotoBytes)...),
			"20000x20000":  hugePNG(t),
			"missing":      nil,
		} {
			res := applyCard(e, token, photo, byAddress)
			code, msg, fields := res.Error()
			if res.Status != http.StatusUnprocessableEntity || code != zhiyuan.EInvalid || fields["photo"] == "" {
				t.Errorf("%s: %d %s, want 422 naming photo", name, res.Status, res.Body)
			}
			_ = msg
		}
		for _, table := range []string{"card_applications", "card_photos", "card_events"} {
			if n := countRows(t, e.Store, table); n != 0 {
				t.Errorf("%s has %d rows after refused uploads", table, n)
			}
		}
		// Delivery is checked too, and named.
		res := applyCard(e, token, photoJPEG(t, 300, 400), map[string]string{"delivery": "address", "delivery_address": "x"})
		if _, _, f := res.Error(); res.Status != http.StatusUnprocessableEntity || f["delivery_address"] == "" {
			t.Errorf("short address: %d %s", res.Status, res.Body)
		}
	})
}

func TestCardLifecycleAPI(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		v, token := register(t, e, registration(e, idNumber("440106", 22, 1)))
		res := applyCard(e, token, photoJPEG(t, 900, 1200), byAddress)
		if res.Status != http.StatusCreated {
			t.Fatalf("apply: %d %s", res.Status, res.Body)
		}
		var app cardAppResp
		res.Decode(&app)
		if app.ID == 0 || app.Status != "submitted" {
			t.Fatalf("application %s", res.Body)
		}
		if res := applyCard(e, token, photoJPEG(t, 300, 400), byAddress); res.Status != http.StatusConflict {
			t.Errorf("second open application: %d %s", res.Status, res.Body)
		}
		// The stored photo is the re-encoded card photo.
		res = e.Do("GET", "/api/v1/me/card/photo", token, nil)
		if img, err := jpeg.Decode(bytes.NewReader(res.Body)); err != nil || img.Bounds().Dx() != proof.PhotoWidth {
			t.Fatalf("photo: %v", err)
		}
		city, _ := e.Admin(zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: "440100"})
		shenzhen, _ := e.Admin(zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: "440300"})
		path := fmt.Sprintf("/api/v1/card-applications/%d", app.ID)
		if res := e.Do("POST", path+"/approve", shenzhen, nil); res.Status != http.StatusForbidden {
			t.Errorf("other city's admin approves: %d %s", res.Status, res.Body)
		}
		if res := e.Do("POST", path+"/approve", token, nil); res.Status != http.StatusForbidden {
			t.Errorf("volunteer approves own application: %d", res.Status)
		}
		if res := e.Do("POST", path+"/reject", city, map[string]any{"reason": ""}); res.Status != http.StatusUnprocessableEntity {
			t.Errorf("reject without reason: %d", res.Status)
		}
		res = e.Do("GET", "/api/v1/card-applications?status=submitted", city, nil)
		var queue struct{ Items []cardAppResp }
		res.Decode(&queue)
		if len(queue.Items) != 1 || queue.Items[0].ID != app.ID {
			t.Fatalf("city queue: %s", res.Body)
		}
		res = e.Do("GET", "/api/v1/card-applications", shenzhen, nil)
		res.Decode(&queue)
		if len(queue.Items) != 0 {
			t.Fatalf("Shenzhen sees Guangzhou's applications: %s", res.Body)
		}
		if res := e.Do("POST", path+"/approve", city, nil); res.Status != http.StatusOK {
			t.Fatalf("approve: %d %s", res.Status, res.Body)
		}
		if res := e.Do("POST", path+"/approve", city, nil); res.Status != http.StatusConflict {
			t.Errorf("approve twice: %d", res.Status)
		}
		res = e.Do("POST", "/api/v1/card-batches", city, map[string]any{"application_ids": []int64{app.ID}})
		if res.Status != http.StatusCreated {
			t.Fatalf("batch: %d %s", res.Status, res.Body)
		}
		var batch struct {
			ID        int64  `json:"id"`
			Count     int    `json:"count"`
			PrintList string `json:"print_list_url"`
		}
		res.Decode(&batch)
		if res := e.Do("GET", batch.PrintList, shenzhen, nil); res.Status != http.StatusForbidden {
			t.Errorf("other city's admin exports the print list: %d", res.Status)
		}
		rows := printListRows(t, e, city, batch.ID)
		if len(rows) != 2 || rows[1][2] != "张小红" || rows[1][3] != v.VolunteerNo || !proof.ValidCardNumber(rows[1][1]) {
			t.Fatalf("print list %v", rows)
		}
		number := rows[1][1]
		// Not yet issued: the card page shows it in production, without a payload.
		var mine struct {
			Number, Status, QRPayload string
		}
		res = e.Do("GET", "/api/v1/me/card", token, nil)
		res.Decode(&mine)
		if mine.Number != number || mine.Status != "pending" || strings.Contains(string(res.Body), `"qr_payload":"A`) {
			t.Fatalf("card before issue: %s", res.Body)
		}
		for _, step := range []string{"issued", "printed", "issued"} {
			res := e.Do("POST", fmt.Sprintf("/api/v1/card-batches/%d/%s", batch.ID, step), city, nil)
			if step == "issued" && res.Status == http.StatusConflict {
				continue // issuing before printing is refused
			}
			if res.Status != http.StatusOK {
				t.Fatalf("%s: %d %s", step, res.Status, res.Body)
			}
		}
		var card struct {
			Number         string  `json:"number"`
			Status         string  `json:"status"`
			StarLevel      int     `json:"star_level"`
			ConfirmedHours float64 `json:"confirmed_hours"`
			QRPayload      string  `json:"qr_payload"`
			QRURL          string  `json:"qr_url"`
		}
		e.Do("GET", "/api/v1/me/card", token, nil).Decode(&card)
		if card.Status != "active" || card.QRPayload == "" || !strings.HasSuffix(card.QRURL, "/verify/card/"+card.QRPayload) {
			t.Fatalf("issued card %+v", card)
		}
		c := checkCard(t, e, card.QRPayload)
		if !c.Valid || c.MaskedName != "张**" || c.IssuingRegion != "440106" || c.Reason != "" {
			t.Fatalf("valid card check %+v", c)
		}
		// Nothing more than the masked name, the star level and the region.
		body := string(e.Do("GET", "/api/v1/verify/card/"+card.QRPayload, "", nil).Body)
		for _, leak := range []string{"张小红", v.VolunteerNo, "idnumber", "phone"} {
			if strings.Contains(body, leak) {
				t.Errorf("public check shows %q: %s", leak, body)
			}
		}
		// One byte changed.
		raw := []byte(card.QRPayload)
		raw[len(raw)/2] ^= 1
		if raw[len(raw)/2] == '-' || raw[len(raw)/2] == '_' {
			raw[len(raw)/2] = 'A'
		}
		if c := checkCard(t, e, string(raw)); c.Valid {
			t.Error("a payload with one byte changed verifies")
		}
		// Signed by another key with the same claims.
		other, _ := proof.NewSigner()
		now := time.Now().Truncate(time.Second)
		forged, _ := other.SignCard(proof.CardClaims{CardNumber: number, VolunteerNo: v.VolunteerNo, MaskedName: "张**",
			StarLevel: 5, RegionCode: "440106", IssuedAt: now, ExpiresAt: now.Add(time.Minute)})
		if c := checkCard(t, e, forged); c.Valid || c.Reason != proof.ReasonUnknownKey {
			t.Errorf("another key's payload: %+v", c)
		}
		// A partner verifies offline with the published keys.
		keys, err := proof.ParseJWKS(e.Do("GET", "/api/v1/keys", "", nil).Body)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := proof.VerifyCard(card.QRPayload, keys, time.Now()); err != nil {
			t.Fatalf("offline verification: %v", err)
		}
		// Revoked: the same fresh payload stops verifying.
		if res := e.Do("POST", "/api/v1/cards/"+number+"/revoke", shenzhen, map[string]any{"reason": "违规"}); res.Status != http.StatusForbidden {
			t.Errorf("other city revokes: %d", res.Status)
		}
		if res := e.Do("POST", "/api/v1/cards/"+number+"/revoke", city, map[string]any{"reason": "冒用他人身份"}); res.Status != http.StatusOK {
			t.Fatalf("revoke: %d %s", res.Status, res.Body)
		}
		if c := checkCard(t, e, card.QRPayload); c.Valid || c.Reason != "revoked" {
			t.Errorf("revoked card: %+v", c)
		}
		// The volunteer sees every step.
		var mineApps struct {
			Events []struct{ Event string }
		}
		e.Do("GET", "/api/v1/me/card-applications", token, nil).Decode(&mineApps)
		var steps []string
		for _, ev := range mineApps.Events {
			steps = append(steps, ev.Event)
		}
		if got := strings.Join(steps, ","); got != "revoked,issued,printed,batched,approved,submitted" {
			t.Errorf("volunteer's events: %s", got)
		}
		// Every admin step is audited.
		var audited int
		e.Store.DB().QueryRow(`SELECT COUNT(*) FROM audit_log WHERE action LIKE 'card.%'`).Scan(&audited)
		if audited < 5 {
			t.Errorf("%d card actions audited", audited)
		}
	})
}

func TestCardLostAndReissue(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		_, token := register(t, e, registration(e, idNumber("440106", 30, 2)))
		city, _ := e.Admin(zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: "440100"})
		issue := func(appID int64) string {
			e.Do("POST", fmt.Sprintf("/api/v1/card-applications/%d/approve", appID), city, nil)
			var b struct{ ID int64 }
			e.Do("POST", "/api/v1/card-batches", city, map[string]any{"application_ids": []int64{appID}}).Decode(&b)
			e.Do("POST", fmt.Sprintf("/api/v1/card-batches/%d/printed", b.ID), city, nil)
			e.Do("POST", fmt.Sprintf("/api/v1/card-batches/%d/issued", b.ID), city, nil)
			var c struct {
				Number    string `json:"number"`
				Status    string `json:"status"`
				QRPayload string `json:"qr_payload"`
			}
			e.Do("GET", "/api/v1/me/card", token, nil).Decode(&c)
			if c.Status != "active" {
				t.Fatalf("card not active: %+v", c)
			}
			return c.Number
		}
		var a cardAppResp
		applyCard(e, token, photoJPEG(t, 400, 560), byAddress).Decode(&a)
		first := issue(a.ID)
		var c struct {
			QRPayload string `json:"qr_payload"`
		}
		e.Do("GET", "/api/v1/me/card", token, nil).Decode(&c)
		if res := e.Do("POST", "/api/v1/me/card/report-lost", token, nil); res.Status != http.StatusOK {
			t.Fatalf("report lost: %d %s", res.Status, res.Body)
		}
		if chk := checkCard(t, e, c.QRPayload); chk.Valid || chk.Reason != "lost" {
			t.Errorf("lost card: %+v", chk)
		}
		res := e.Do("POST", "/api/v1/cards/"+first+"/reissue", city, nil)
		if res.Status != http.StatusCreated {
			t.Fatalf("reissue: %d %s", res.Status, res.Body)
		}
		var re cardAppResp
		res.Decode(&re)
		if re.Status != "approved" {
			t.Fatalf("re-issue application %s", res.Body)
		}
		second := issue(re.ID)
		if second == first || second[:10] != first[:10] {
			t.Errorf("re-issued number %s after %s", second, first)
		}
		var now struct {
			QRPayload string `json:"qr_payload"`
		}
		e.Do("GET", "/api/v1/me/card", token, nil).Decode(&now)
		if chk := checkCard(t, e, now.QRPayload); !chk.Valid {
			t.Errorf("re-issued card does not verify: %+v", chk)
		}
		if chk := checkCard(t, e, c.QRPayload); chk.Valid {
			t.Error("the old number verifies again")
		}
	})
}

func printListRows(t *testing.T, e *servertest.Env, token string, batchID int64) [][]string {
	t.Helper()
	res := e.Do("GET", fmt.Sprintf("/api/v1/card-batches/%d/print-list", batchID), token, nil)
	if res.Status != http.StatusOK || !strings.Contains(res.Header.Get("Content-Type"), "spreadsheetml") {
		t.Fatalf("print list: %d %s", res.Status, res.Body[:min(len(res.Body), 200)])
	}
	f, err := excelize.OpenReader(bytes.NewReader(res.Body))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(f.GetSheetName(0))
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// TestBulkApprove10000: ten thousand applications approved in one call make one batch
// with unique numbers and a 10,000-row print list.
func TestBulkApprove10000(t *testing.T) {
	t.Parallel()
	const n = 10000
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		ctx := context.Background()
		s := e.Store
		batch := make([]sqlstore.BulkVolunteer, n)
		vs := make([]*zhiyuan.Volunteer, n)
		counties := []string{"440103", "440104", "440105", "440106", "440111"}
		for i := range n {
			vs[i] = &zhiyuan.Volunteer{Name: fmt.Sprintf("批量志愿者%05d", i), IDType: zhiyuan.IDResident, IDNumberMasked: "440***********123X",
				Phone: fmt.Sprintf("139%08d", i), RegionCode: counties[i%len(counties)], BirthDate: time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC), Sex: "male"}
			batch[i] = sqlstore.BulkVolunteer{Volunteer: vs[i], Secrets: sqlstore.VolunteerSecrets{PasswordHash: "h", IDNumberIndex: fmt.Sprintf("bk%d", i)}}
		}
		if err := s.BulkCreateVolunteers(ctx, batch); err != nil {
			t.Fatal(err)
		}
		// The applications go in straight through SQL: the test is about processing them.
		db := s.DB()
		var photoID int64
		if err := db.QueryRow(s.Rebind(`INSERT INTO card_photos (data, created_at) VALUES (?, ?) RETURNING id`), photoJPEG(t, 60, 80), time.Now().UTC()).Scan(&photoID); err != nil {
			t.Fatal(err)
		}
		now := time.Now().UTC()
		for start := 0; start < n; start += 500 {
			var sb strings.Builder
			var args []any
			for i := start; i < start+500; i++ {
				if i > start {
					sb.WriteString(", ")
				}
				sb.WriteString("(?, 'new', ?, ?, 'address', '广州市天河区', 'submitted', ?, ?)")
				args = append(args, vs[i].ID, vs[i].RegionCode, photoID, now, now)
			}
			if _, err := db.Exec(s.Rebind(`INSERT INTO card_applications (volunteer_id, kind, region_code, photo_id, delivery, delivery_address,
				status, created_at, updated_at) VALUES `+sb.String()), args...); err != nil {
				t.Fatal(err)
			}
		}
		ids := make([]int64, 0, n)
		rows, err := db.Query(`SELECT id FROM card_applications ORDER BY id`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var id int64
			rows.Scan(&id)
			ids = append(ids, id)
		}
		rows.Close()
		city, _ := e.Admin(zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: "440100"})
		res := e.Do("POST", "/api/v1/card-applications/approve", city, map[string]any{"application_ids": ids})
		var count struct{ Count int }
		res.Decode(&count)
		if res.Status != http.StatusOK || count.Count != n {
			t.Fatalf("bulk approve: %d %s", res.Status, res.Body)
		}
		res = e.Do("POST", "/api/v1/card-batches", city, map[string]any{"application_ids": ids})
		var b struct {
			ID    int64
			Count int
		}
		res.Decode(&b)
		if res.Status != http.StatusCreated || b.Count != n {
			t.Fatalf("batch: %d %s", res.Status, res.Body)
		}
		var batches, distinct, cards int
		db.QueryRow(`SELECT COUNT(*) FROM card_batches`).Scan(&batches)
		db.QueryRow(`SELECT COUNT(DISTINCT number), COUNT(*) FROM cards`).Scan(&distinct, &cards)
		if batches != 1 || distinct != n || cards != n {
			t.Fatalf("%d batches, %d distinct numbers of %d cards", batches, distinct, cards)
		}
		list := printListRows(t, e, city, b.ID)
		if len(list) != n+1 {
			t.Fatalf("print list has %d rows, want %d", len(list)-1, n)
		}
		seen := map[string]bool{}
		for _, r := range list[1:] {
			if !proof.ValidCardNumber(r[1]) || seen[r[1]] || r[5] != r[1]+".jpg" {
				t.Fatalf("print list row %v", r)
			}
			seen[r[1]] = true
		}
		res = e.Do("GET", fmt.Sprintf("/api/v1/card-batches/%d/photos", b.ID), city, nil)
		if res.Status != http.StatusOK || !bytes.HasPrefix(res.Body, []byte("PK")) {
			t.Fatalf("photos zip: %d", res.Status)
		}
	})
}
