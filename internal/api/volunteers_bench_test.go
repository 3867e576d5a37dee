package api_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"zhiyuan"
	"zhiyuan/internal/idcard"
	"zhiyuan/internal/password"
	"zhiyuan/internal/pii"
	"zhiyuan/internal/server/servertest"
	"zhiyuan/internal/sqlstore"
	"zhiyuan/internal/sqlstore/storetest"
)

// BenchmarkRegister measures volunteer registrations per second through the API (real
// HTTP, JSON, validation, argon2id, sealing, one transaction each; 8 clients at once)
// beside the raw rate of inserting the same rows (account, role, volunteer, skills) with
// prepared data, one transaction per person, in the same run; and the bulk rate the demo
// uses. The ratio api/raw is the platform's cost per registration over the database's.
func BenchmarkRegister(b *testing.B) {
	for _, engine := range storetest.Engines() {
		b.Run(engine, func(b *testing.B) {
			for range b.N {
				benchRegister(b, engine)
			}
		})
	}
}

const benchClients = 8

func benchRegister(b *testing.B, engine string) {
	e := servertest.New(b, engine)
	var seq int
	nextID := func() string {
		seq++
		// (year, month, day) repeats every 2100 numbers; the order digits move on then.
		birth := time.Date(1980+seq%25, time.Month(1+seq%12), 1+seq%28, 0, 0, 0, 0, time.UTC)
		return idcard.Generate("440106", birth, seq/2100*2%1000, idcard.Female)
	}
	// Production password hashing (argon2id at the default cost) and cheap hashing, to
	// separate the platform's overhead from the deliberate cost of the hash.
	apiRate := func(n int, params password.Params) float64 {
		e.App.Config.Password = params
		bodies := make([]map[string]any, n)
		for i := range bodies {
			bodies[i] = registration(e, nextID())
		}
		work := make(chan map[string]any)
		var wg sync.WaitGroup
		start := time.Now()
		for range benchClients {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for body := range work {
					if res := e.Do("POST", "/api/v1/volunteers", "", body); res.Status != 201 {
						b.Errorf("register: %d %s", res.Status, res.Body)
					}
				}
			}()
		}
		for _, body := range bodies {
			work <- body
		}
		close(work)
		wg.Wait()
		return float64(n) / time.Since(start).Seconds()
	}
	prod := apiRate(200, password.Default)
	fast := apiRate(1000, password.Fast)

	// Raw: the same rows straight into the database, one transaction per person.
	hash, _ := password.Hash("secret123", password.Fast)
	s := e.Store
	db := s.DB()
	prepare := func(n int) []sqlstore.BulkVolunteer {
		out := make([]sqlstore.BulkVolunteer, n)
		for i := range out {
			id := nextID()
			sealed, _ := e.App.Keys.Seal(id, "id_number")
			n, _ := idcard.Parse(id, time.Now())
			out[i] = sqlstore.BulkVolunteer{
				Volunteer: &zhiyuan.Volunteer{Name: "张小红", IDType: zhiyuan.IDResident, IDNumberMasked: pii.MaskIDNumber(id),
					Phone: e.NewPhone(), RegionCode: "440106", BirthDate: n.BirthDate(), Sex: "female",
					Status: zhiyuan.VolunteerActive, Skills: []string{"急救", "摄影"}, Categories: []string{"elderly_care"}},
				Secrets: sqlstore.VolunteerSecrets{PasswordHash: hash, IDNumberSealed: sealed,
					IDNumberIndex: e.App.Keys.BlindIndex("id_number", id)},
			}
		}
		return out
	}
	rows := prepare(1000)
	ctx := context.Background()
	start := time.Now()
	for i, r := range rows {
		v := r.Volunteer
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			b.Fatal(err)
		}
		now := time.Now().UTC()
		var accountID, volunteerID int64
		err = tx.QueryRow(s.Rebind(`INSERT INTO accounts (phone, name, password_hash, status, created_at, updated_at)
			VALUES (?, ?, ?, 'active', ?, ?) RETURNING id`), v.Phone, v.Name, hash, now, now).Scan(&accountID)
		if err == nil {
			_, err = tx.Exec(s.Rebind(`INSERT INTO account_roles (account_id, role, region_code, org_id, created_at)
				VALUES (?, 'volunteer', '', 0, ?)`), accountID, now)
		}
		if err == nil {
			err = tx.QueryRow(s.Rebind(`INSERT INTO volunteers (account_id, volunteer_no, name, id_type, id_number_sealed,
				id_number_index, id_number_masked, region_code, birth_date, sex, minor, status, created_at, updated_at)
				VALUES (?, ?, ?, 'resident_id', ?, ?, ?, ?, ?, ?, ?, 'active', ?, ?) RETURNING id`),
				accountID, zhiyuan.MakeVolunteerNo("440106", int64(9000000+i)), v.Name, r.Secrets.IDNumberSealed,
				r.Secrets.IDNumberIndex, v.IDNumberMasked, v.RegionCode, v.BirthDate, v.Sex, false, now, now).Scan(&volunteerID)
		}
		if err == nil {
			_, err = tx.Exec(s.Rebind(`INSERT INTO volunteer_skills (volunteer_id, skill) VALUES (?, ?), (?, ?)`),
				volunteerID, v.Skills[0], volunteerID, v.Skills[1])
		}
		if err == nil {
			_, err = tx.Exec(s.Rebind(`INSERT INTO volunteer_categories (volunteer_id, category) VALUES (?, ?)`), volunteerID, v.Categories[0])
		}
		if err != nil {
			tx.Rollback()
			b.Fatal(err)
		}
		if err := tx.Commit(); err != nil {
			b.Fatal(err)
		}
	}
	raw := float64(len(rows)) / time.Since(start).Seconds()

	// Bulk: what the demo loader does, multi-row INSERTs in one transaction.
	bulk := prepare(10000)
	start = time.Now()
	if err := s.BulkCreateVolunteers(ctx, bulk); err != nil {
		b.Fatal(err)
	}
	bulkRate := float64(len(bulk)) / time.Since(start).Seconds()

	b.ReportMetric(prod, "api_reg/s")
	b.ReportMetric(fast, "api_fasthash_reg/s")
	b.ReportMetric(raw, "raw_rows/s")
	b.ReportMetric(bulkRate, "bulk_rows/s")
	b.ReportMetric(prod/raw, "api/raw")
	b.ReportMetric(fast/raw, "api_fasthash/raw")
	b.Logf("%s: API %.0f reg/s (argon2id default), %.0f reg/s (cheap hash); raw inserts %.0f rows/s, bulk %.0f rows/s; ratio api/raw %.3f, cheap-hash api/raw %.3f",
		engine, prod, fast, raw, bulkRate, prod/raw, fast/raw)
}
