// Package hourstest starts the whole platform on a settable clock with an organisation,
// a published activity and volunteers holding seats, for the tests and benchmarks of
// attendance and hours (which are all about time) in the api, web and browser packages.
package hourstest

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"zhiyuan"
	"zhiyuan/internal/app"
	"zhiyuan/internal/password"
	"zhiyuan/internal/pii"
	"zhiyuan/internal/region"
	"zhiyuan/internal/server"
	"zhiyuan/internal/server/servertest"
	"zhiyuan/internal/sqlstore"
	"zhiyuan/internal/sqlstore/storetest"
)

// Password is every test account's password.
const Password = "test1234"

// Clock is the platform's clock in these tests.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// Now returns the clock's time.
func (c *Clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

// Set moves the clock to t.
func (c *Clock) Set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

// CST is Beijing time.
var CST = time.FixedZone("CST", 8*3600)

// Day returns hh:mm Beijing time on 2037-03-07 (a Saturday, far enough ahead that browser cookies set on the test clock have not expired in real time), the day of the sessions.
func Day(hhmm string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", "2037-03-07 "+hhmm, CST)
	if err != nil {
		panic(err)
	}
	return t
}

// Volunteer is a registered volunteer with an API token.
type Volunteer struct {
	ID, AccountID int64
	No, Phone     string
	Token         string
}

// Env is the platform with an approved organisation (in 天河区, 440106), its admin, a
// published activity with two sessions on Day (09:00–12:00 and 14:00–17:00, a 300 m
// geofence around 23.15, 113.35) and volunteers with confirmed seats in the first
// session. The clock stands at 08:30 that day.
type Env struct {
	*servertest.Env
	Clock      *Clock
	OrgToken   string
	OrgAdmin   int64
	OrgPhone   string // the org admin's login
	Org        *zhiyuan.Organization
	Activity   *zhiyuan.Activity
	Session    zhiyuan.ActivitySession
	Afternoon  zhiyuan.ActivitySession
	Volunteers []Volunteer

	pwHash string
}

// Options tune New.
type Options struct {
	Volunteers int
	Quiet      bool // log at info level to nowhere (benchmarks)
	Production bool // store options as the binary uses them (benchmarks)
}

// Each runs fn once per engine with a fresh Env.
func Each(t *testing.T, volunteers int, fn func(t *testing.T, e *Env)) {
	t.Helper()
	for _, engine := range storetest.Engines() {
		t.Run(engine, func(t *testing.T) { fn(t, New(t, engine, Options{Volunteers: volunteers})) })
	}
}

// New starts an Env on engine.
func New(t testing.TB, engine string, opt Options) *Env {
	t.Helper()
	clock := &Clock{}
	clock.Set(Day("08:00").Add(-48 * time.Hour))
	sopt := sqlstore.Options{MaxOpenConns: 20, Now: clock.Now}
	if opt.Production {
		sopt.MaxOpenConns = 0
	}
	store := storetest.New(t, engine, sopt)
	if opt.Production {
		if err := store.WarmReaders(context.Background()); err != nil { // as serve does
			t.Fatal(err)
		}
	}
	keys, err := pii.NewKeys()
	if err != nil {
		t.Fatal(err)
	}
	logBuf := &servertest.SyncBuffer{}
	var log *slog.Logger
	if opt.Quiet {
		log = slog.New(slog.NewTextHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelInfo}))
	} else {
		log = slog.New(slog.NewTextHandler(logBuf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	cfg := app.DefaultConfig()
	cfg.Password = password.Fast
	a := app.New(store, keys, region.Default(), log, cfg)
	srv, err := server.New(a, log, server.Options{})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	hash, err := password.Hash(Password, password.Fast)
	if err != nil {
		t.Fatal(err)
	}
	e := &Env{Env: &servertest.Env{T: t, Engine: engine, App: a, Store: store, Server: srv, HTTP: hs, Log: logBuf}, Clock: clock, pwHash: hash}

	ctx := context.Background()
	creator := &zhiyuan.Account{Phone: "13500000777", Name: "组织创建人"}
	if err := store.CreateAccount(ctx, creator, hash); err != nil {
		t.Fatal(err)
	}
	e.Org = &zhiyuan.Organization{Name: "天河区青年志愿者协会", Type: "社会组织", RegionCode: "440106",
		ContactName: "李老师", ContactPhone: "13800001111", CreatedBy: creator.ID}
	if err := store.CreateOrganization(ctx, e.Org); err != nil {
		t.Fatal(err)
	}
	if err := store.DecideOrganization(ctx, e.Org.ID, zhiyuan.OrgApproved, "", creator.ID, nil); err != nil {
		t.Fatal(err)
	}
	e.OrgPhone = e.NewPhone()
	acc, err := a.CreateAdmin(ctx, nil, app.AdminInput{Phone: e.OrgPhone, Name: "活动负责人", Password: Password,
		Role: zhiyuan.Role{Kind: zhiyuan.RoleOrgAdmin, OrgID: e.Org.ID}})
	if err != nil {
		t.Fatal(err)
	}
	e.OrgAdmin = acc.ID
	e.OrgToken = e.token(acc.ID)
	act := &zhiyuan.Activity{
		OrgID: e.Org.ID, Title: "社区长者探访", Category: zhiyuan.CatElderly, RegionCode: "440106", Address: "天河区五山街道",
		Lat: 23.15, Lng: 113.35, CheckinRadiusM: 300,
		Sessions: []zhiyuan.ActivitySession{
			{StartsAt: Day("09:00").UTC(), EndsAt: Day("12:00").UTC(), Capacity: opt.Volunteers + 10},
			{StartsAt: Day("14:00").UTC(), EndsAt: Day("17:00").UTC(), Capacity: 10},
		},
	}
	if err := act.Validate(store.Now()); err != nil {
		t.Fatal(err)
	}
	if err := store.CreateActivity(ctx, act, e.OrgAdmin); err != nil {
		t.Fatal(err)
	}
	if err := store.PublishActivity(ctx, act.ID); err != nil {
		t.Fatal(err)
	}
	if e.Activity, err = store.FindActivityByID(ctx, act.ID); err != nil {
		t.Fatal(err)
	}
	e.Session, e.Afternoon = e.Activity.Sessions[0], e.Activity.Sessions[1]
	e.Volunteers = e.AddVolunteers(opt.Volunteers, true)
	clock.Set(Day("08:30"))
	return e
}

// token opens an API session for an account directly in the store (logging in through
// the API for hundreds of volunteers would only measure password hashing).
func (e *Env) token(accountID int64) string {
	e.T.Helper()
	s, err := e.Store.CreateSession(context.Background(), accountID, zhiyuan.SessionAPI, 30*24*time.Hour, zhiyuan.Client{})
	if err != nil {
		e.T.Fatal(err)
	}
	return s.Token
}

// AddVolunteers registers n volunteers (with seats in the morning session when seat)
// in one bulk insert, each with an API token; they log in with their phone and Password.
func (e *Env) AddVolunteers(n int, seat bool) []Volunteer {
	e.T.Helper()
	if n == 0 {
		return nil
	}
	ctx := context.Background()
	s := e.Store
	batch := make([]sqlstore.BulkVolunteer, n)
	for i := range batch {
		phone := e.NewPhone()
		batch[i] = sqlstore.BulkVolunteer{
			Volunteer: &zhiyuan.Volunteer{Name: fmt.Sprintf("志愿者%s", phone[len(phone)-4:]), IDType: zhiyuan.IDResident,
				IDNumberMasked: "440***********123X", Phone: phone, RegionCode: "440106",
				BirthDate: time.Date(1996, 5, 1, 0, 0, 0, 0, time.UTC), Sex: "female"},
			Secrets: sqlstore.VolunteerSecrets{PasswordHash: e.pwHash, IDNumberIndex: "ix-" + phone},
		}
	}
	if err := s.BulkCreateVolunteers(ctx, batch); err != nil {
		e.T.Fatal(err)
	}
	out := make([]Volunteer, n)
	for i, b := range batch {
		v := b.Volunteer
		if seat {
			if _, err := s.CreateSignup(ctx, sqlstore.SignupRequest{SessionID: e.Session.ID, ActivityID: e.Activity.ID, VolunteerID: v.ID,
				Mode: zhiyuan.SignupFirstCome, StartsAt: e.Session.StartsAt, EndsAt: e.Session.EndsAt}); err != nil {
				e.T.Fatal(err)
			}
		}
		out[i] = Volunteer{ID: v.ID, AccountID: v.AccountID, No: v.VolunteerNo, Phone: v.Phone, Token: e.token(v.AccountID)}
	}
	return out
}

// Code fetches the check-in code of a session as the organiser, at the clock's time.
func (e *Env) Code(sessionID int64) string {
	e.T.Helper()
	res := e.Do("GET", fmt.Sprintf("/api/v1/sessions/%d/checkin-code", sessionID), e.OrgToken, nil)
	if res.Status != http.StatusOK {
		e.T.Fatalf("checkin-code: %d %s", res.Status, res.Body)
	}
	var c struct {
		Code      string    `json:"code"`
		ExpiresAt time.Time `json:"expires_at"`
		URL       string    `json:"url"`
	}
	res.Decode(&c)
	if c.Code == "" || !c.ExpiresAt.After(e.Clock.Now()) || !strings.HasPrefix(c.URL, "/checkin?code=") {
		e.T.Fatalf("code %+v", c)
	}
	return c.Code
}

// Near is a position about 60 m from the venue.
var Near = map[string]any{"lat": 23.1505, "lng": 113.3502}

// Scan posts a volunteer's scan of code from Near, with extra fields overriding.
func (e *Env) Scan(v Volunteer, code, action string, extra map[string]any) *servertest.Response {
	body := map[string]any{"code": code, "action": action}
	for k, val := range Near {
		body[k] = val
	}
	for k, val := range extra {
		body[k] = val
	}
	return e.Do("POST", "/api/v1/attendance", v.Token, body)
}
