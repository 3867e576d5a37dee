package api_test

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"zhiyuan"
	"zhiyuan/internal/hourstest"
	"zhiyuan/internal/server/servertest"
)

// TestProofReuseAndLimit: asking again for a proof of unchanged records returns the same
// proof (200, same code, no new row, not counted against the limit); a new proof beyond
// the account's limit is 429 ratelimited in Chinese until the window has passed.
func TestProofReuseAndLimit(t *testing.T) {
	t.Parallel()
	servertest.NeedFont(t)
	hourstest.Each(t, 2, func(t *testing.T, h *hourstest.Env) {
		h.App.Config.ProofsPerAccount = 2
		v, w := h.Volunteers[0], h.Volunteers[1]
		h.Clock.Set(hourstest.Day("09:05"))
		h.Scan(v, h.Code(h.Session.ID), "in", nil)
		h.Clock.Set(hourstest.Day("11:50"))
		var out struct {
			Entry struct {
				ID int64 `json:"id"`
			} `json:"entry"`
		}
		h.Scan(v, h.Code(h.Session.ID), "out", nil).Decode(&out)
		h.Clock.Set(hourstest.Day("13:00"))
		if res := h.Do("POST", fmt.Sprintf("/api/v1/sessions/%d/hours/confirm", h.Session.ID), h.OrgToken, nil); res.Status != http.StatusOK {
			t.Fatalf("confirm: %d %s", res.Status, res.Body)
		}
		issue := func(token string, body any, want int) proofResp {
			t.Helper()
			res := h.Do("POST", "/api/v1/me/proofs", token, body)
			if res.Status != want {
				t.Fatalf("issue %v: %d %s, want %d", body, res.Status, res.Body, want)
			}
			var p proofResp
			res.Decode(&p)
			return p
		}
		platform := issue(v.Token, nil, http.StatusCreated)
		org := issue(v.Token, map[string]any{"organization_id": h.Org.ID}, http.StatusCreated)
		if platform.Code == org.Code {
			t.Fatal("the platform proof and the organisation's proof share a code")
		}
		rows := countRows(t, h.Store, "proofs")
		// Asked again (more often than the limit): the same proofs, nothing stored.
		for range 3 {
			if again := issue(v.Token, nil, http.StatusOK); again.Code != platform.Code {
				t.Fatalf("second identical request: code %s, want %s", again.Code, platform.Code)
			}
			if again := issue(v.Token, map[string]any{"organization_id": h.Org.ID}, http.StatusOK); again.Code != org.Code {
				t.Fatalf("second identical organisation request: code %s, want %s", again.Code, org.Code)
			}
		}
		if n := countRows(t, h.Store, "proofs"); n != rows {
			t.Fatalf("identical requests stored %d new proofs", n-rows)
		}
		// Another volunteer's proofs are theirs: w's first is new, its repeat the same.
		first := issue(w.Token, nil, http.StatusCreated)
		if again := issue(w.Token, nil, http.StatusOK); again.Code != first.Code || first.Code == platform.Code {
			t.Fatalf("w's proofs %s, %s (v's %s)", first.Code, again.Code, platform.Code)
		}
		// A correction changes the records: a new proof is due, but it is v's third.
		res := h.Do("POST", fmt.Sprintf("/api/v1/hour-entries/%d/corrections", out.Entry.ID), h.OrgToken, map[string]any{"hours": -1, "reason": "中途离开一小时"})
		if res.Status != http.StatusCreated {
			t.Fatalf("correction: %d %s", res.Status, res.Body)
		}
		res = h.Do("POST", "/api/v1/me/proofs", v.Token, nil)
		code, msg, _ := res.Error()
		if reason, _ := res.Reasons(); res.Status != http.StatusTooManyRequests || code != zhiyuan.ERateLimited || reason != "proof.rate_limited" || !strings.Contains(msg, "2份") {
			t.Fatalf("third new proof: %d %s, want 429 ratelimited naming the limit", res.Status, res.Body)
		}
		if n := countRows(t, h.Store, "proofs"); n != rows+1 {
			t.Fatalf("%d proofs stored, want %d", n, rows+1)
		}
		// The window opened with the first proof; a day later a new one is made.
		h.Clock.Set(hourstest.Day("13:00").Add(h.App.Config.ProofWindow + time.Minute))
		if p := issue(v.Token, nil, http.StatusCreated); p.Code == platform.Code || p.TotalHours != 1.5 {
			t.Fatalf("after the window: %+v", p)
		}
	})
}

// TestProofIdenticalRequestsAtOnce: identical requests racing each other make one proof;
// every one of them gets its code.
func TestProofIdenticalRequestsAtOnce(t *testing.T) {
	t.Parallel()
	servertest.NeedFont(t)
	hourstest.Each(t, 1, func(t *testing.T, h *hourstest.Env) {
		v := h.Volunteers[0]
		const n = 8
		codes := make([]string, n)
		statuses := make([]int, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				res := h.Do("POST", "/api/v1/me/proofs", v.Token, nil)
				var p proofResp
				res.Decode(&p)
				codes[i], statuses[i] = p.Code, res.Status
			})
		}
		wg.Wait()
		created := 0
		for i := range n {
			if codes[i] == "" || codes[i] != codes[0] {
				t.Fatalf("racing identical requests got %v (statuses %v)", codes, statuses)
			}
			if statuses[i] == http.StatusCreated {
				created++
			}
		}
		if rows := countRows(t, h.Store, "proofs"); rows != 1 || created != 1 {
			t.Fatalf("%d proofs stored, %d answered 201; want one", rows, created)
		}
	})
}
