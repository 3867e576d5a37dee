package server_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"

	"zhiyuan"
	"zhiyuan/internal/app"
	"zhiyuan/internal/server/servertest"
)

// unclaimedVolunteer registers a volunteer in 440106 the usual way and then makes the
// account unclaimed, as a unit's import creates it; the returned user has the account id
// and no token (the old one ends with the password).
func unclaimedVolunteer(t *testing.T, e *servertest.Env, n int) registered {
	t.Helper()
	v := registerVolunteer(t, e, "440106", n)
	var me struct {
		ID int64 `json:"id"`
	}
	e.Do("GET", "/api/v1/me", v.Token, nil).Decode(&me)
	if me.ID == 0 {
		t.Fatal("no account id from /me")
	}
	e.Unclaim(me.ID)
	v.ID, v.Token = me.ID, ""
	return v
}

func claimBody(phone, last6, pw string) map[string]string {
	return map[string]string{"phone": phone, "id_last6": last6, "password": pw}
}

// wrongLast6 is six characters that are not the end of id.
func wrongLast6(id string) string {
	last := []byte(id[len(id)-6:])
	last[0] = '0' + (last[0]-'0'+1)%10
	return string(last)
}

// TestClaimAPI: an unclaimed account cannot log in (401, never a 500), gets no reset code
// and cannot have a temporary password set by an admin; a wrong last six and an unknown
// phone get the same answer; the right claim answers with a working token, the new
// password logs in and the claim is in the audit log; claiming again is refused.
func TestClaimAPI(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		v := unclaimedVolunteer(t, e, 1)

		for _, pw := range []string{testPassword, "anything1", " "} {
			if res := e.Do("POST", "/api/v1/auth/token", "", map[string]string{"login": v.Phone, "password": pw}); res.Status != http.StatusUnauthorized {
				t.Errorf("unclaimed login with %q: %d %s", pw, res.Status, res.Body)
			}
		}
		if res := e.Do("POST", "/api/v1/auth/token", "", map[string]string{"login": v.Phone, "password": ""}); res.Status != http.StatusUnprocessableEntity {
			t.Errorf("unclaimed login with an empty password: %d %s", res.Status, res.Body)
		}
		// No SMS code for an unclaimed account (the same 202 as for anyone).
		if res := e.Do("POST", "/api/v1/auth/reset-code", "", map[string]string{"phone": v.Phone}); res.Status != http.StatusAccepted {
			t.Errorf("reset-code: %d %s", res.Status, res.Body)
		}
		for _, m := range e.App.Outbox.Messages() {
			if m.Phone == v.Phone && m.Template == app.TemplatePasswordReset {
				t.Errorf("a reset code was sent to an unclaimed account")
			}
		}
		// An admin's in-person reset does not set the password of an unclaimed account.
		adminToken, _ := e.Admin(zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: "440100"})
		if res := e.Do("POST", "/api/v1/volunteers/"+strconv.FormatInt(v.VolunteerID, 10)+"/reset-access", adminToken,
			map[string]any{"id_number": v.IDNumber, "confirm": true}); res.Status != http.StatusConflict {
			t.Errorf("admin reset of an unclaimed account: %d %s", res.Status, res.Body)
		} else if reason, _ := res.Reasons(); reason != "claim.admin_reset_unclaimed" {
			t.Errorf("admin reset of an unclaimed account: %s", reason)
		}

		// Bad input names its fields.
		res := e.Do("POST", "/api/v1/claims", "", claimBody("12", "12345", "short"))
		if _, fields := res.Reasons(); res.Status != http.StatusUnprocessableEntity || fields["phone"] == "" || fields["id_last6"] != "claim.id_last6_format" || fields["password"] == "" {
			t.Errorf("bad input: %d %s", res.Status, res.Body)
		}

		// A wrong last six and an unknown phone: the same answer, word for word.
		wrong := e.Do("POST", "/api/v1/claims", "", claimBody(v.Phone, wrongLast6(v.IDNumber), "fresh1234"))
		unknown := e.Do("POST", "/api/v1/claims", "", claimBody("13799990000", v.IDNumber[len(v.IDNumber)-6:], "fresh1234"))
		if wrong.Status != http.StatusUnauthorized || unknown.Status != wrong.Status {
			t.Errorf("wrong last six %d %s / unknown phone %d %s", wrong.Status, wrong.Body, unknown.Status, unknown.Body)
		}
		_, wrongMsg, _ := wrong.Error()
		_, unknownMsg, _ := unknown.Error()
		if reason, _ := wrong.Reasons(); reason != "claim.mismatch" || wrongMsg != unknownMsg {
			t.Errorf("wrong last six says %s %q, unknown phone %q", reason, wrongMsg, unknownMsg)
		}

		// The right claim (the last six typed in lower case, with spaces) logs the person in.
		last6 := strings.ToLower(v.IDNumber[len(v.IDNumber)-6:])
		res = e.Do("POST", "/api/v1/claims", "", claimBody(" "+v.Phone, last6[:3]+" "+last6[3:], "fresh1234"))
		if res.Status != http.StatusCreated {
			t.Fatalf("claim: %d %s", res.Status, res.Body)
		}
		var tok struct{ Token string }
		res.Decode(&tok)
		var me struct {
			ID int64 `json:"id"`
		}
		if r := e.Do("GET", "/api/v1/me", tok.Token, nil); r.Status != http.StatusOK {
			t.Errorf("/me with the claim's token: %d", r.Status)
		} else if r.Decode(&me); me.ID != v.ID {
			t.Errorf("the claim's token is account %d, want %d", me.ID, v.ID)
		}
		if e.Token(v.Phone, "fresh1234") == "" {
			t.Errorf("no token with the claimed password")
		}
		var audited int
		if err := e.Store.DB().QueryRow(e.Store.Rebind(`SELECT COUNT(*) FROM audit_log WHERE action = 'account.claim'
			AND actor_id = ? AND target_type = 'volunteer' AND target_id = ? AND region_code = '440106'`), v.ID, strconv.FormatInt(v.VolunteerID, 10)).Scan(&audited); err != nil || audited != 1 {
			t.Errorf("audit rows of the claim: %d %v", audited, err)
		}
		if strings.Contains(e.Log.String(), v.IDNumber[len(v.IDNumber)-6:]) || strings.Contains(e.Log.String(), v.Phone) {
			t.Errorf("the log holds the phone or the last six")
		}

		// Claiming again, even with everything right, is refused and changes nothing.
		res = e.Do("POST", "/api/v1/claims", "", claimBody(v.Phone, last6, "other1234"))
		if reason, _ := res.Reasons(); res.Status != http.StatusConflict || reason != "claim.already_claimed" {
			t.Errorf("second claim: %d %s", res.Status, res.Body)
		}
		if res := e.Do("POST", "/api/v1/auth/token", "", map[string]string{"login": v.Phone, "password": "other1234"}); res.Status != http.StatusUnauthorized {
			t.Errorf("the second claim's password logs in: %d", res.Status)
		}
	})
}

// TestClaimRateLimited: wrong last sixes for one account lock it like failed logins do,
// after Config.LoginMaxFailures; once locked the right one is refused too (429), and the
// account stays unclaimed.
func TestClaimRateLimited(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		v := unclaimedVolunteer(t, e, 2)
		max := e.App.Config.LoginMaxFailures
		for i := 1; i <= max; i++ {
			res := e.Do("POST", "/api/v1/claims", "", claimBody(v.Phone, wrongLast6(v.IDNumber), "fresh1234"))
			want := http.StatusUnauthorized
			if i == max {
				want = http.StatusTooManyRequests
			}
			if res.Status != want {
				t.Fatalf("wrong attempt %d: %d %s, want %d", i, res.Status, res.Body, want)
			}
		}
		res := e.Do("POST", "/api/v1/claims", "", claimBody(v.Phone, v.IDNumber[len(v.IDNumber)-6:], "fresh1234"))
		if reason, _ := res.Reasons(); res.Status != http.StatusTooManyRequests || reason != "auth.too_many_failures" {
			t.Errorf("right last six while locked: %d %s", res.Status, res.Body)
		}
		if res := e.Do("POST", "/api/v1/auth/token", "", map[string]string{"login": v.Phone, "password": "fresh1234"}); res.Status == http.StatusOK {
			t.Errorf("a locked claim set the password")
		}
	})
}

// TestClaimPage: the login page links to /claim; the page keeps what was typed and ties
// errors to their inputs; the right claim logs the browser in and opens 我的.
func TestClaimPage(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		v := unclaimedVolunteer(t, e, 3)
		b := e.Browser()
		if login := b.Get("/login"); !strings.Contains(string(login.Body), `href="/claim"`) || !strings.Contains(string(login.Body), "单位已为我登记？认领账号") {
			t.Errorf("the login page does not link to /claim")
		}
		page := b.Get("/claim")
		if page.Status != http.StatusOK || !strings.Contains(string(page.Body), `action="/claim"`) {
			t.Fatalf("/claim: %d", page.Status)
		}
		res := b.Post("/claim", url.Values{"phone": {v.Phone}, "id_last6": {"12"}, "password": {"fresh1234"}})
		body := string(res.Body)
		if res.Status != http.StatusUnprocessableEntity || !strings.Contains(body, `aria-describedby="err-id_last6"`) || !strings.Contains(body, `value="`+v.Phone+`"`) {
			t.Errorf("bad last six: %d, field error or kept phone missing", res.Status)
		}
		res = b.Post("/claim", url.Values{"phone": {v.Phone}, "id_last6": {wrongLast6(v.IDNumber)}, "password": {"fresh1234"}})
		if res.Status != http.StatusUnauthorized || !strings.Contains(string(res.Body), zhiyuan.Text("claim.mismatch")) {
			t.Errorf("wrong last six: %d", res.Status)
		}
		res = b.Post("/claim", url.Values{"phone": {v.Phone}, "id_last6": {v.IDNumber[len(v.IDNumber)-6:]}, "password": {"fresh1234"}})
		if res.Status != http.StatusSeeOther || res.Header.Get("Location") != "/me" {
			t.Fatalf("claim: %d %s", res.Status, res.Header.Get("Location"))
		}
		if me := b.Get("/me"); me.Status != http.StatusOK {
			t.Errorf("/me after the claim: %d", me.Status)
		}
		// Logged in, /claim has nothing to do.
		if again := b.Get("/claim"); again.Status != http.StatusSeeOther {
			t.Errorf("/claim when logged in: %d", again.Status)
		}
	})
}

// TestClaimRace: ten claims of one account at once, each with its own password: exactly
// one is taken (201), the others are told it is claimed (409), and only the winner's
// password logs in.
func TestClaimRace(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		v := unclaimedVolunteer(t, e, 4)
		last6 := v.IDNumber[len(v.IDNumber)-6:]
		const n = 10
		statuses := make([]int, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				statuses[i] = e.Do("POST", "/api/v1/claims", "", claimBody(v.Phone, last6, "race"+strconv.Itoa(i)+"pass")).Status
			}()
		}
		wg.Wait()
		winner := -1
		for i, s := range statuses {
			switch {
			case s == http.StatusCreated && winner < 0:
				winner = i
			case s != http.StatusConflict:
				t.Errorf("claim %d: %d", i, s)
			}
		}
		if winner < 0 {
			t.Fatalf("no claim won: %v", statuses)
		}
		// The winner first, then as many losers as the login lock allows.
		tries := []int{winner}
		for i := 0; len(tries) < e.App.Config.LoginMaxFailures; i++ {
			if i != winner {
				tries = append(tries, i)
			}
		}
		for _, i := range tries {
			res := e.Do("POST", "/api/v1/auth/token", "", map[string]string{"login": v.Phone, "password": "race" + strconv.Itoa(i) + "pass"})
			if (res.Status == http.StatusOK) != (i == winner) {
				t.Errorf("password of claim %d (winner %d) logs in: %d", i, winner, res.Status)
			}
		}
	})
}
