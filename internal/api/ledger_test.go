package api_test

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"zhiyuan"
	"zhiyuan/internal/hourstest"
	"zhiyuan/internal/proof"
	"zhiyuan/internal/server/servertest"
	"zhiyuan/internal/sqlstore/storetest"
)

type anchorResp struct {
	Day        string `json:"day"`
	Hash       string `json:"hash"`
	PrevHash   string `json:"prev_hash"`
	ChainCount int64  `json:"chain_count"`
	KeyID      string `json:"key_id"`
	Signature  string `json:"signature"`
}

// TestLedgerAnchors: the daily anchor is made once however many servers try at the same
// moment; the public list pages newest first, each anchor chains to the one before and
// verifies with the published key alone.
func TestLedgerAnchors(t *testing.T) {
	t.Parallel()
	hourstest.Each(t, 1, func(t *testing.T, h *hourstest.Env) {
		v := h.Volunteers[0]
		h.Clock.Set(hourstest.Day("09:05"))
		h.Scan(v, h.Code(h.Session.ID), "in", nil)
		h.Clock.Set(hourstest.Day("11:50"))
		h.Scan(v, h.Code(h.Session.ID), "out", nil)

		// Two servers run the task at once: one anchor, made by one of them.
		var wg sync.WaitGroup
		created := make([]bool, 2)
		errs := make([]error, 2)
		for i := range 2 {
			wg.Go(func() { _, created[i], errs[i] = h.App.MakeLedgerAnchor(t.Context()) })
		}
		wg.Wait()
		if errs[0] != nil || errs[1] != nil || created[0] == created[1] {
			t.Fatalf("concurrent runs: created %v, errors %v", created, errs)
		}
		if _, again, err := h.App.MakeLedgerAnchor(t.Context()); err != nil || again {
			t.Fatalf("a third run the same day made another anchor: %v %v", again, err)
		}
		h.Clock.Set(h.Clock.Now().Add(24 * time.Hour))
		if _, ok, err := h.App.MakeLedgerAnchor(t.Context()); err != nil || !ok {
			t.Fatalf("next day's anchor: %v %v", ok, err)
		}

		var page struct {
			Items      []anchorResp `json:"items"`
			NextCursor string       `json:"next_cursor"`
		}
		res := h.Do("GET", "/api/v1/ledger/anchors", "", nil)
		res.Decode(&page)
		if res.Status != http.StatusOK || len(page.Items) != 2 || page.NextCursor != "" {
			t.Fatalf("anchors: %d %s", res.Status, res.Body)
		}
		newest, oldest := page.Items[0], page.Items[1]
		today := zhiyuan.AnchorDay(h.Clock.Now())
		if newest.Day != today || oldest.Day != zhiyuan.AnchorDay(h.Clock.Now().Add(-24*time.Hour)) {
			t.Errorf("days %s, %s; want %s and the day before", newest.Day, oldest.Day, today)
		}
		if oldest.PrevHash != strings.Repeat("0", 64) || newest.PrevHash != oldest.Hash || newest.ChainCount != 1 || oldest.ChainCount != 1 {
			t.Errorf("anchors do not chain: %+v", page.Items)
		}
		// An outsider holds only the published keys.
		keys, err := proof.ParseJWKS(h.Do("GET", "/api/v1/keys", "", nil).Body)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range page.Items {
			hash, _ := hex.DecodeString(a.Hash)
			sig, _ := base64.RawURLEncoding.DecodeString(a.Signature)
			if err := proof.VerifyAnchor(keys, a.KeyID, hash, sig); err != nil {
				t.Errorf("anchor %s: %v", a.Day, err)
			}
		}
		// The hash is over the chain heads as published: the volunteer's head is the one
		// the ledger has.
		entries, err := h.Store.ProofLedger(t.Context(), v.ID)
		if err != nil || len(entries) != 1 {
			t.Fatal(entries, err)
		}
		prev, _ := hex.DecodeString(oldest.PrevHash)
		want := zhiyuan.AnchorHash(oldest.Day, prev, []zhiyuan.ChainHead{{VolunteerID: v.ID, Seq: 1, Hash: entries[0].Hash}})
		if hex.EncodeToString(want) != oldest.Hash {
			t.Errorf("anchor hash %s, recomputed from the heads %x", oldest.Hash, want)
		}

		// Paging: one at a time, by the cursor.
		var one struct {
			Items      []anchorResp `json:"items"`
			NextCursor string       `json:"next_cursor"`
		}
		h.Do("GET", "/api/v1/ledger/anchors?limit=1", "", nil).Decode(&one)
		if len(one.Items) != 1 || one.Items[0].Day != newest.Day || one.NextCursor == "" {
			t.Fatalf("first page %+v", one)
		}
		h.Do("GET", "/api/v1/ledger/anchors?limit=1&cursor="+one.NextCursor, "", nil).Decode(&one)
		if len(one.Items) != 1 || one.Items[0].Day != oldest.Day {
			t.Fatalf("second page %+v", one)
		}
		if res := h.Do("GET", "/api/v1/ledger/anchors?cursor=x", "", nil); res.Status != http.StatusUnprocessableEntity {
			t.Errorf("bad cursor: %d", res.Status)
		}
		// The same list for a person, without logging in.
		res = h.Browser().Get("/ledger/anchors")
		if page := string(res.Body); res.Status != http.StatusOK || !strings.Contains(page, "账本锚点") ||
			!strings.Contains(page, newest.Day) || !strings.Contains(page, oldest.Hash) || !strings.Contains(page, newest.Signature) {
			t.Errorf("anchors page: %d\n%s", res.Status, page)
		}
	})
}

// TestProofCheckAfterTruncation: once the entry a proof's chain head names is deleted
// from the database (the triggers lifted, the totals lowered to match), the public check
// no longer says valid, on the API and on the page, and says why in Chinese.
func TestProofCheckAfterTruncation(t *testing.T) {
	t.Parallel()
	servertest.NeedFont(t)
	hourstest.Each(t, 1, func(t *testing.T, h *hourstest.Env) {
		v := h.Volunteers[0]
		h.Clock.Set(hourstest.Day("09:05"))
		h.Scan(v, h.Code(h.Session.ID), "in", nil)
		h.Clock.Set(hourstest.Day("11:50"))
		res := h.Scan(v, h.Code(h.Session.ID), "out", nil)
		var out struct {
			Entry struct {
				ID int64 `json:"id"`
			} `json:"entry"`
		}
		res.Decode(&out)
		h.Clock.Set(hourstest.Day("13:00"))
		if res := h.Do("POST", fmt.Sprintf("/api/v1/sessions/%d/hours/confirm", h.Session.ID), h.OrgToken, nil); res.Status != http.StatusOK {
			t.Fatalf("confirm: %d %s", res.Status, res.Body)
		}
		var p proofResp
		if res := h.Do("POST", "/api/v1/me/proofs", v.Token, nil); res.Status != http.StatusCreated {
			t.Fatalf("issue proof: %d %s", res.Status, res.Body)
		} else {
			res.Decode(&p)
		}
		var chk struct {
			Valid      bool   `json:"valid"`
			Reason     string `json:"reason"`
			ReasonText string `json:"reason_text"`
		}
		h.Do("GET", "/api/v1/verify/proof/"+p.Code, "", nil).Decode(&chk)
		if !chk.Valid || chk.Reason != "" {
			t.Fatalf("intact ledger: %+v", chk)
		}
		page := string(h.Browser().Get("/verify/proof/" + p.Code).Body)
		if !strings.Contains(page, "证明真实有效") {
			t.Fatalf("intact ledger page:\n%s", page)
		}

		s := h.Store
		lift := []string{"DROP TRIGGER hour_entries_no_delete", "DROP TRIGGER hour_confirmations_no_delete"}
		if h.Engine == "postgres" {
			lift = []string{"ALTER TABLE hour_entries DISABLE TRIGGER hour_entries_append_only", "ALTER TABLE hour_confirmations DISABLE TRIGGER hour_confirmations_append_only"}
		}
		for _, q := range lift {
			if _, err := s.DB().Exec(q); err != nil {
				t.Fatal(err)
			}
		}
		for _, q := range []string{"UPDATE attendance SET entry_id = NULL WHERE entry_id = ?", "DELETE FROM proof_entries WHERE entry_id = ?", "DELETE FROM hour_confirmations WHERE entry_id = ?", "DELETE FROM hour_entries WHERE id = ?"} {
			if _, err := s.DB().Exec(s.Rebind(q), out.Entry.ID); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		if _, err := s.DB().Exec(s.Rebind(`UPDATE volunteer_hour_totals SET confirmed_minutes = 0, last_seq = 0, head_hash = ? WHERE volunteer_id = ?`),
			zhiyuan.GenesisHash, v.ID); err != nil {
			t.Fatal(err)
		}

		h.Do("GET", "/api/v1/verify/proof/"+p.Code, "", nil).Decode(&chk)
		if chk.Valid || chk.Reason != "ledger_mismatch" || chk.ReasonText != zhiyuan.ProofLedgerMismatchText {
			t.Fatalf("truncated ledger: %+v", chk)
		}
		res = h.Browser().Get("/verify/proof/" + p.Code)
		page = string(res.Body)
		if res.Status != http.StatusOK || strings.Contains(page, "证明真实有效") || !strings.Contains(page, "记录不符") ||
			!strings.Contains(page, zhiyuan.ProofLedgerMismatchText) {
			t.Fatalf("truncated ledger page: %d\n%s", res.Status, page)
		}
	})
}

// BenchmarkLedgerAnchorDB: making the first anchor over 20,000 chains (every head new),
// the next day's after 10 % of the chains grew, and `ledger verify`'s anchor replay.
func BenchmarkLedgerAnchorDB(b *testing.B) {
	for _, engine := range storetest.Engines() {
		b.Run(engine, func(b *testing.B) {
			e := hourstest.New(b, engine, hourstest.Options{Volunteers: 20_000, Quiet: true, Production: true})
			for _, v := range e.Volunteers {
				fillLedger(b, e, v.ID, 1)
			}
			sign := e.App.Signer.SignAnchor
			keys := e.App.Signer.PublicKeys()
			check := func(a *zhiyuan.LedgerAnchor) error { return proof.VerifyAnchor(keys, a.KeyID, a.Hash, a.Signature) }
			var first, next, verify time.Duration
			for i := range b.N {
				day := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, 2*i)
				t := time.Now()
				if _, ok, err := e.Store.CreateAnchor(context.Background(), day.Format(time.DateOnly), sign); err != nil || !ok {
					b.Fatal(ok, err)
				}
				first += time.Since(t)
				for _, v := range e.Volunteers[:len(e.Volunteers)/10] {
					fillLedger(b, e, v.ID, 1)
				}
				t = time.Now()
				if _, ok, err := e.Store.CreateAnchor(context.Background(), day.AddDate(0, 0, 1).Format(time.DateOnly), sign); err != nil || !ok {
					b.Fatal(ok, err)
				}
				next += time.Since(t)
				t = time.Now()
				r, err := e.Store.VerifyAnchors(context.Background(), check, 10)
				if err != nil || len(r.Problems) > 0 {
					b.Fatal(r, err)
				}
				verify += time.Since(t)
			}
			n := float64(b.N)
			b.ReportMetric(first.Seconds()*1000/n, "first_ms")
			b.ReportMetric(next.Seconds()*1000/n, "next_ms")
			b.ReportMetric(verify.Seconds()*1000/n, "verify_ms")
		})
	}
}
