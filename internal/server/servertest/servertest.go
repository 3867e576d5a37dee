// Package servertest starts the whole platform (store, application, pages and API behind
// the real middleware chain) on a real HTTP listener for tests, once per database engine,
// and offers small helpers to call it as a client would.
package servertest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"zhiyuan"
	"zhiyuan/internal/app"
	"zhiyuan/internal/jobs"
	"zhiyuan/internal/password"
	"zhiyuan/internal/pii"
	"zhiyuan/internal/proof"
	"zhiyuan/internal/region"
	"zhiyuan/internal/server"
	"zhiyuan/internal/sqlstore"
	"zhiyuan/internal/sqlstore/storetest"
	"zhiyuan/internal/testneed"
)

// Env is one running platform.
type Env struct {
	T      testing.TB
	Engine string
	App    *app.App
	// Store is the store App runs on, for tests that set up or check rows directly;
	// pages and API reach it only through App.
	Store  *sqlstore.Store
	Server *server.Server
	HTTP   *httptest.Server
	Log    *SyncBuffer // everything the platform logged, for the no-secrets tests

	phones atomic.Int64
}

// Each runs fn once per engine with a fresh platform.
func Each(t *testing.T, fn func(t *testing.T, e *Env)) {
	t.Helper()
	for _, engine := range storetest.Engines() {
		t.Run(engine, func(t *testing.T) { fn(t, New(t, engine)) })
	}
}

// New starts a platform on engine. Passwords are hashed with cheap parameters so tests
// can register hundreds of accounts; the format is the production one.
func New(t testing.TB, engine string) *Env {
	t.Helper()
	store := storetest.New(t, engine, sqlstore.Options{MaxOpenConns: 20})
	keys, err := pii.NewKeys()
	if err != nil {
		t.Fatal(err)
	}
	logBuf := &SyncBuffer{}
	log := slog.New(slog.NewTextHandler(logBuf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	cfg := app.DefaultConfig()
	cfg.Password = password.Fast
	// Tests register hundreds of volunteers from 127.0.0.1; a test of the limit itself
	// lowers it on e.App.Config.
	cfg.RegisterPerIP = 1_000_000
	cfg.LikesPerIP = 1_000_000
	a := app.New(store, keys, region.Default(), log, cfg)
	srv, err := server.New(a, log, server.Options{})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	return &Env{T: t, Engine: engine, App: a, Store: store, Server: srv, HTTP: hs, Log: logBuf}
}

// NeedFont skips t, or fails it when ZHIYUAN_TEST_REQUIRE_FONT=1, unless the CJK font
// that PDF proofs are printed with is installed where the platform looks for one: without
// it every proof is refused with 409, which is its own test (TestProofWithoutFont).
func NeedFont(t testing.TB) {
	t.Helper()
	_, err := proof.FindFont("")
	testneed.Font.MissingIf(t, err)
}

// jobsDrainTimeout is how long WorkJobs' drain waits for an empty queue before failing
// the test. Waiting costs nothing when the jobs end sooner; a 10,000-row import under the
// race detector on a busy two-processor machine takes more than 20 s.
const jobsDrainTimeout = 3 * time.Minute

// WorkJobs starts the background job runner on the platform, as serve does, and returns
// a function that waits until the queue is empty: the notices of an ended activity and
// every SMS and email are jobs, done after the request.
func (e *Env) WorkJobs() (drain func()) {
	e.T.Helper()
	r, err := e.App.RunBackground(context.Background(), jobs.Options{PollInterval: 20 * time.Millisecond})
	if err != nil {
		e.T.Fatal(err)
	}
	e.T.Cleanup(func() { r.Stop(context.Background()) })
	return func() {
		e.T.Helper()
		for deadline := time.Now().Add(jobsDrainTimeout); ; time.Sleep(20 * time.Millisecond) {
			n, err := e.Store.JobsPending(context.Background())
			if err != nil {
				e.T.Fatal(err)
			}
			if n == 0 {
				return
			}
			if time.Now().After(deadline) {
				e.T.Fatalf("%d jobs still pending after %s", n, jobsDrainTimeout)
			}
		}
	}
}

// NewPhone returns a mobile number not yet used in this Env.
func (e *Env) NewPhone() string {
	return fmt.Sprintf("137%08d", e.phones.Add(1))
}

// Admin creates an account holding role and returns an API token for it.
func (e *Env) Admin(role zhiyuan.Role) (token string, accountID int64) {
	e.T.Helper()
	phone := e.NewPhone()
	acc, err := e.App.CreateAdmin(e.T.Context(), nil, app.AdminInput{Phone: phone, Name: "测试" + role.Kind.Chinese(), Password: "test1234", Role: role})
	if err != nil {
		e.T.Fatalf("create admin: %v", err)
	}
	return e.Token(phone, "test1234"), acc.ID
}

// Unclaim makes an account unclaimed (zhiyuan.UnclaimedPasswordHash), as a unit's import
// creates it, and ends its sessions: for tests of claiming and of what an unclaimed account
// can and cannot do, with an account registered the usual way.
func (e *Env) Unclaim(accountID int64) {
	e.T.Helper()
	db := e.Store.DB()
	if _, err := db.Exec(e.Store.Rebind("UPDATE accounts SET password_hash = ? WHERE id = ?"), zhiyuan.UnclaimedPasswordHash, accountID); err != nil {
		e.T.Fatal(err)
	}
	if _, err := db.Exec(e.Store.Rebind("DELETE FROM sessions WHERE account_id = ?"), accountID); err != nil {
		e.T.Fatal(err)
	}
}

// Token logs in through the API and returns the bearer token.
func (e *Env) Token(login, pw string) string {
	e.T.Helper()
	res := e.Do("POST", "/api/v1/auth/token", "", map[string]string{"login": login, "password": pw})
	if res.Status != http.StatusOK {
		e.T.Fatalf("login %s: %d %s", login, res.Status, res.Body)
	}
	var out struct{ Token string }
	res.Decode(&out)
	return out.Token
}

// Response is an HTTP answer read whole.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
	t      testing.TB
}

// Decode unmarshals the body into v.
func (r *Response) Decode(v any) {
	r.t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		r.t.Fatalf("decode %s: %v", r.Body, err)
	}
}

// Error returns the API error of the body, if it is one.
func (r *Response) Error() (code zhiyuan.Code, message string, fields map[string]string) {
	var b struct {
		Error struct {
			Code    zhiyuan.Code
			Message string
			Fields  map[string]string
		}
	}
	json.Unmarshal(r.Body, &b)
	return b.Error.Code, b.Error.Message, b.Error.Fields
}

// Reasons returns the catalogue keys of the API error of the body: the message's and each
// field's. Tests assert these rather than the wording.
func (r *Response) Reasons() (reason zhiyuan.Msg, fields map[string]zhiyuan.Msg) {
	var b struct {
		Error struct {
			Reason       zhiyuan.Msg
			FieldReasons map[string]zhiyuan.Msg `json:"field_reasons"`
		}
	}
	json.Unmarshal(r.Body, &b)
	return b.Error.Reason, b.Error.FieldReasons
}

// Do sends a JSON request (body nil for none) with an optional bearer token. It is safe
// to call from many goroutines.
func (e *Env) Do(method, path, token string, body any) *Response {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			e.T.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, e.HTTP.URL+path, rd)
	if err != nil {
		e.T.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return e.Send(req)
}

// Send sends req with the Env's shared client and reads the answer.
func (e *Env) Send(req *http.Request) *Response {
	res, err := e.HTTP.Client().Do(req)
	if err != nil {
		e.T.Errorf("%s %s: %v", req.Method, req.URL.Path, err)
		return &Response{Status: 0, t: e.T}
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return &Response{Status: res.StatusCode, Header: res.Header, Body: b, t: e.T}
}

// Browser is a cookie-keeping client for page tests that behaves like a same-origin
// browser (it sends Sec-Fetch-Site: same-origin on posts) and does not follow redirects.
type Browser struct {
	e      *Env
	client *http.Client
}

// Browser returns a fresh page client.
func (e *Env) Browser() *Browser {
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return &Browser{e: e, client: c}
}

// Get fetches a page.
func (b *Browser) Get(path string) *Response {
	req, _ := http.NewRequest("GET", b.e.HTTP.URL+path, nil)
	return b.send(req)
}

// Post submits a form as the platform's own pages would.
func (b *Browser) Post(path string, form url.Values) *Response {
	req, _ := http.NewRequest("POST", b.e.HTTP.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.Header.Set("Origin", b.e.HTTP.URL)
	return b.send(req)
}

// FormFile is a file of a multipart form: its input's name, the file's name and bytes.
type FormFile struct {
	Field, Name string
	Data        []byte
}

// PostMultipart submits a multipart form as a page's file inputs do: the fields, then
// the files, with the same-origin headers Post sets.
func (b *Browser) PostMultipart(path string, fields map[string]string, files ...FormFile) *Response {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	for _, f := range files {
		fw, _ := mw.CreateFormFile(f.Field, f.Name)
		fw.Write(f.Data)
	}
	mw.Close()
	req, _ := http.NewRequest("POST", b.e.HTTP.URL+path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.Header.Set("Origin", b.e.HTTP.URL)
	return b.send(req)
}

// Login logs the browser in through the login form and fails the test if it does not
// land on a page.
func (b *Browser) Login(login, pw string) {
	b.e.T.Helper()
	res := b.Post("/login", url.Values{"login": {login}, "password": {pw}, "next": {"/"}})
	if res.Status != http.StatusSeeOther {
		b.e.T.Fatalf("login form: %d %s", res.Status, res.Body)
	}
}

// Send sends a request the caller built (a multipart form, say) with the browser's
// cookies, as Post does: same-origin headers are the caller's to set.
func (b *Browser) Send(req *http.Request) *Response { return b.send(req) }

func (b *Browser) send(req *http.Request) *Response {
	res, err := b.client.Do(req)
	if err != nil {
		b.e.T.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return &Response{Status: res.StatusCode, Header: res.Header, Body: body, t: b.e.T}
}

// SyncBuffer is a bytes.Buffer safe for concurrent writers (the logger).
type SyncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

// Write implements io.Writer.
func (b *SyncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// String returns everything written so far.
func (b *SyncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
