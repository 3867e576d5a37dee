package api_test

import (
	"fmt"
	"net/http"
	"sync"
	"testing"

	"zhiyuan/internal/hourstest"
)

// TestPartnerStaffRemoved: a removed staff account can no longer check at the gate; staff
// cannot remove anyone; the last admin stays; and two admins removing each other at the
// same moment leave exactly one of them.
func TestPartnerStaffRemoved(t *testing.T) {
	t.Parallel()
	hourstest.Each(t, 0, func(t *testing.T, h *hourstest.Env) {
		f := newPartner(t, h, 11)
		staffPath := fmt.Sprintf("/api/v1/partners/%d/staff", f.ID)
		var list struct {
			Items []struct {
				AccountID int64 `json:"account_id"`
				Admin     bool  `json:"admin"`
			}
		}
		h.Do("GET", staffPath, f.AdminToken, nil).Decode(&list)
		if len(list.Items) != 2 || !list.Items[0].Admin || list.Items[1].Admin {
			t.Fatalf("staff: %+v", list.Items)
		}
		admin, staff := list.Items[0].AccountID, list.Items[1].AccountID
		remove := func(token string, account int64) int {
			return h.Do("DELETE", fmt.Sprintf("%s/%d", staffPath, account), token, nil).Status
		}
		if got := remove(f.StaffToken, admin); got != http.StatusForbidden {
			t.Errorf("staff removing the admin: %d", got)
		}
		if got := remove(f.AdminToken, admin); got != http.StatusConflict {
			t.Errorf("removing the last admin: %d", got)
		}
		if got := remove(f.AdminToken, 999999); got != http.StatusNotFound {
			t.Errorf("removing someone not on the staff: %d", got)
		}
		if got := remove(f.AdminToken, staff); got != http.StatusNoContent {
			t.Fatalf("removing staff: %d", got)
		}
		if res := h.Do("POST", "/api/v1/partner/redemptions", f.StaffToken, map[string]any{"payload": "x"}); res.Status != http.StatusForbidden {
			t.Errorf("a removed account at the gate: %d %s", res.Status, res.Body)
		}

		// A second admin; both remove the other at once: one stays.
		second := h.AddVolunteers(1, false)[0]
		if res := h.Do("POST", staffPath, f.AdminToken, map[string]any{"phone": second.Phone, "admin": true}); res.Status != http.StatusOK {
			t.Fatalf("second admin: %d %s", res.Status, res.Body)
		}
		h.Do("GET", staffPath, f.AdminToken, nil).Decode(&list)
		var secondID int64
		for _, m := range list.Items {
			if m.AccountID != admin {
				secondID = m.AccountID
			}
		}
		var wg sync.WaitGroup
		var a, b int
		wg.Add(2)
		go func() { defer wg.Done(); a = remove(f.AdminToken, secondID) }()
		go func() { defer wg.Done(); b = remove(second.Token, admin) }()
		wg.Wait()
		var admins int
		h.Store.DB().QueryRow(h.Store.Rebind("SELECT COUNT(*) FROM account_roles WHERE partner_id = ? AND partner_admin"), f.ID).Scan(&admins)
		if admins != 1 || (a == http.StatusNoContent) == (b == http.StatusNoContent) {
			t.Fatalf("two admins removing each other: %d and %d, %d admins left", a, b, admins)
		}
	})
}
