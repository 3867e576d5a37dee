package server_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"zhiyuan"
	"zhiyuan/internal/app"
	"zhiyuan/internal/password"
	"zhiyuan/internal/server/servertest"
)

// testPassword is the password of every account these tests create.
const testPassword = "test1234"

// user is an account created for a test, with what it logs in with.
type user struct {
	ID    int64
	Phone string
	Token string
}

// newVolunteer creates an account holding only the volunteer role, directly in the store
// (volunteer registration is another feature's), and logs it in through the API.
func newVolunteer(t *testing.T, e *servertest.Env) user {
	t.Helper()
	phone := e.NewPhone()
	hash, err := password.Hash(testPassword, e.App.Config.Password)
	if err != nil {
		t.Fatal(err)
	}
	acc := &zhiyuan.Account{Phone: phone, Name: "志愿者小李", Roles: []zhiyuan.Role{{Kind: zhiyuan.RoleVolunteer}}}
	if err := e.Store.CreateAccount(t.Context(), acc, hash); err != nil {
		t.Fatal(err)
	}
	return user{ID: acc.ID, Phone: phone, Token: e.Token(phone, testPassword)}
}

// newAdmin bootstraps an administrator as `zhiyuan admin create` does (no acting admin)
// and logs it in through the API.
func newAdmin(t *testing.T, e *servertest.Env, name string, role zhiyuan.Role) user {
	t.Helper()
	phone := e.NewPhone()
	acc, err := e.App.CreateAdmin(t.Context(), nil, app.AdminInput{Phone: phone, Name: name, Password: testPassword, Role: role})
	if err != nil {
		t.Fatalf("create admin %s: %v", name, err)
	}
	return user{ID: acc.ID, Phone: phone, Token: e.Token(phone, testPassword)}
}

// clientFrom returns an HTTP client whose connections leave from ip (any 127.x.x.x
// address is the loopback on Linux), so the server sees a different client address
// without trusting any proxy header.
func clientFrom(ip string) *http.Client {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}}
	return &http.Client{
		Transport:     &http.Transport{DialContext: d.DialContext},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// reply is an answer read whole, for requests the Env helpers cannot make.
type reply struct {
	Status int
	Header http.Header
	Body   []byte
}

// send makes a request with c and reads the answer.
func send(t *testing.T, c *http.Client, method, u string, header http.Header, body io.Reader) reply {
	t.Helper()
	req, err := http.NewRequest(method, u, body)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	res, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, u, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return reply{Status: res.StatusCode, Header: res.Header, Body: b}
}

// jsonBody encodes v for send.
func jsonBody(t *testing.T, v any) io.Reader {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return bytes.NewReader(b)
}

// formBody encodes a form for send.
func formBody(v url.Values) io.Reader { return strings.NewReader(v.Encode()) }

// sessionCookie returns the session cookie a response sets, or nil.
func sessionCookie(h http.Header) *http.Cookie {
	for _, c := range (&http.Response{Header: h}).Cookies() {
		if c.Name == "zy_session" {
			return c
		}
	}
	return nil
}

// assertAPIError checks an answer is the API's JSON error shape with the status and code.
func assertAPIError(t *testing.T, what string, status int, header http.Header, body []byte, wantStatus int, wantCode zhiyuan.Code) {
	t.Helper()
	if status != wantStatus {
		t.Errorf("%s: status %d, want %d (%s)", what, status, wantStatus, body)
		return
	}
	if ct := header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("%s: Content-Type %q, want JSON", what, ct)
	}
	var b struct {
		Error *struct {
			Code    zhiyuan.Code `json:"code"`
			Message string       `json:"message"`
		} `json:"error"`
	}
	if err := json.Unmarshal(body, &b); err != nil || b.Error == nil {
		t.Errorf("%s: body is not the error shape: %s", what, body)
		return
	}
	if b.Error.Code != wantCode {
		t.Errorf("%s: code %q, want %q", what, b.Error.Code, wantCode)
	}
	if b.Error.Message == "" {
		t.Errorf("%s: error without a message: %s", what, body)
	}
}
