package web_test

import (
	"net/http"
	"strings"
	"testing"

	"zhiyuan"
	"zhiyuan/internal/server/servertest"
)

// TestCardPageRefusesBombs: the page form refuses the bomb from its header, and once an
// application is open, refuses the next upload before reading it.
func TestCardPageRefusesBombs(t *testing.T) {
	t.Parallel()
	bomb := servertest.BombPNG(6320, 6320, 16, 6, 8) // issue 9's bomb: 16-bit RGBA
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		v := newPageClient(e)
		v.login(orgPageUser(t, e, true, "王晓明"))
		addr := map[string]string{"delivery": "address", "delivery_address": "广州市天河区五山路381号"}
		if s, b, _ := v.postPhoto("/me/card/apply", bomb, addr); s != http.StatusUnprocessableEntity || !strings.Contains(b, "6320×6320") {
			t.Fatalf("bomb on the form: %d", s)
		}
		if s, _, _ := v.postPhoto("/me/card/apply", testPhoto(t), addr); s != http.StatusSeeOther {
			t.Fatalf("apply: %d", s)
		}
		req, _ := http.NewRequest("POST", e.HTTP.URL+"/me/card/apply", strings.NewReader("not a form"))
		req.Header.Set("Content-Type", "text/plain")
		if s, b, _ := v.do(req); s != http.StatusConflict || !strings.Contains(b, zhiyuan.Text("card.application_open")) {
			t.Fatalf("second application with an unreadable body: %d, want 409 about the open application\n%s", s, b)
		}
	})
}
