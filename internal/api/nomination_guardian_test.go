package api_test

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"zhiyuan"
	"zhiyuan/internal/server/servertest"
)

// TestNominationGuardianConsentAPI: a minor nominee's consent is the guardian's. Without
// it (no consent at all, the nominee's own "agree" without a guardian, or a guardian
// without the consent box) the nomination cannot be published; with the guardian's name,
// phone and relation it can, and the guardian's name and phone are stored sealed (never
// in clear in the database) and shown to nobody through the API.
func TestNominationGuardianConsentAPI(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		s := newSelectionEnv(t, e)
		minor, minorToken := register(t, e, registration(e, idNumber("440106", 15, 3)))
		if !minor.Minor {
			t.Fatalf("a 15-year-old registered as %+v", minor)
		}
		res := e.Do("POST", fmt.Sprintf("/api/v1/campaigns/%d/nominations", s.campaign), s.district,
			map[string]any{"category": "volunteer", "volunteer_no": minor.VolunteerNo, "story": "课余坚持到敬老院陪伴老人"})
		var n zhiyuan.Nomination
		res.Decode(&n)
		if res.Status != http.StatusCreated || !n.ConsentNeeded {
			t.Fatalf("nominate a minor: %d %s", res.Status, res.Body)
		}
		if r := s.review(t, s.district, n.ID, "approve", "事迹属实"); r.Status != http.StatusOK {
			t.Fatalf("district: %d %s", r.Status, r.Body)
		}
		publish := func() *servertest.Response { return s.review(t, s.city, n.ID, "approve", "") }
		if r := publish(); r.Status != http.StatusConflict {
			t.Fatalf("published without any consent: %d %s", r.Status, r.Body)
		}
		consent := fmt.Sprintf("/api/v1/nominations/%d/consent", n.ID)
		// The minor's own agreement is not enough: the guardian's details are asked for.
		r := e.Do("POST", consent, minorToken, map[string]any{"agree": true})
		if _, fields := r.Reasons(); r.Status != http.StatusUnprocessableEntity || len(fields) == 0 {
			t.Fatalf("a minor's consent without a guardian: %d %s", r.Status, r.Body)
		}
		guardianPhone := e.NewPhone()
		guardian := map[string]any{"name": "李建国", "phone": guardianPhone, "relation": "父亲"}
		r = e.Do("POST", consent, minorToken, map[string]any{"agree": true, "guardian": guardian})
		if _, fields := r.Reasons(); r.Status != http.StatusUnprocessableEntity || fields["guardian.consent"] == "" {
			t.Fatalf("a guardian who did not tick consent: %d %s", r.Status, r.Body)
		}
		if r := publish(); r.Status != http.StatusConflict {
			t.Fatalf("published after refused consents: %d %s", r.Status, r.Body)
		}
		guardian["consent"] = true
		if r := e.Do("POST", consent, minorToken, map[string]any{"agree": true, "guardian": guardian}); r.Status != http.StatusOK {
			t.Fatalf("the guardian's consent: %d %s", r.Status, r.Body)
		}
		var byGuardian bool
		var relation string
		var name, phone []byte
		if err := e.Store.DB().QueryRow(e.Store.Rebind(`SELECT consent_by_guardian, guardian_relation, guardian_name_sealed, guardian_phone_sealed
			FROM nominations WHERE id = ?`), n.ID).Scan(&byGuardian, &relation, &name, &phone); err != nil {
			t.Fatal(err)
		}
		if !byGuardian || relation != "父亲" || len(name) == 0 || len(phone) == 0 ||
			bytes.Contains(name, []byte("李建国")) || bytes.Contains(phone, []byte(guardianPhone)) {
			t.Fatalf("guardian stored: by guardian %v, relation %q, name %q, phone %q", byGuardian, relation, name, phone)
		}
		if r := publish(); r.Status != http.StatusOK {
			t.Fatalf("publish after the guardian's consent: %d %s", r.Status, r.Body)
		}
		for _, token := range []string{"", minorToken, s.city} {
			r := e.Do("GET", fmt.Sprintf("/api/v1/nominations/%d", n.ID), token, nil)
			if r.Status != http.StatusOK || strings.Contains(string(r.Body), "李建国") || strings.Contains(string(r.Body), guardianPhone) {
				t.Fatalf("the published candidate shows the guardian: %d %s", r.Status, r.Body)
			}
		}
	})
}
