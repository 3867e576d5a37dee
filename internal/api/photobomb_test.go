package api_test

import (
	"net/http"
	"strings"
	"sync"
	"testing"

	"zhiyuan"
	"zhiyuan/internal/server/servertest"
)

var bombs = sync.OnceValue(func() map[string][]byte {
	return map[string][]byte{
		"16-bit 6320×6320": servertest.BombPNG(6320, 6320, 16, 6, 8),
		"1×60000":          servertest.BombPNG(1, 60000, 8, 0, 1),
	}
})

// TestCardPhotoBombs: the decompression bombs of issue 9 are refused with a 422 naming
// the photo and nothing stored; and once the volunteer has an open application, an
// upload is refused with 409 before its body is read (a body that is not even a
// multipart form gets the 409, not the form's 422).
func TestCardPhotoBombs(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		_, token := register(t, e, registration(e, idNumber("440106", 22, 1)))
		for name, photo := range bombs() {
			res := applyCard(e, token, photo, byAddress)
			_, fields := res.Reasons()
			if res.Status != http.StatusUnprocessableEntity || (fields["photo"] != "card.photo_too_wide" && fields["photo"] != "card.photo_too_costly") {
				t.Errorf("%s: %d %s, want 422 naming the photo's size", name, res.Status, res.Body)
			}
		}
		if n := countRows(t, e.Store, "card_photos"); n != 0 {
			t.Fatalf("%d photos stored after bombs", n)
		}
		if res := applyCard(e, token, photoJPEG(t, 300, 400), byAddress); res.Status != http.StatusCreated {
			t.Fatalf("apply: %d %s", res.Status, res.Body)
		}
		req, _ := http.NewRequest("POST", e.HTTP.URL+"/api/v1/me/card-applications", strings.NewReader("not a form"))
		req.Header.Set("Content-Type", "text/plain")
		req.Header.Set("Authorization", "Bearer "+token)
		res := e.Send(req)
		if code, _, fields := res.Error(); res.Status != http.StatusConflict || code != zhiyuan.EConflict || fields["application"] == "" {
			t.Fatalf("second application without a readable body: %d %s, want 409 naming the open application", res.Status, res.Body)
		}
		if res := applyCard(e, token, bombs()["16-bit 6320×6320"], byAddress); res.Status != http.StatusConflict {
			t.Fatalf("bomb with an open application: %d %s, want 409", res.Status, res.Body)
		}
		if n := countRows(t, e.Store, "card_photos"); n != 1 {
			t.Fatalf("%d photos stored, want 1", n)
		}
	})
}
