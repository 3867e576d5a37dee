package server_test

import (
	"bytes"
	"net/http"
	"strings"
	"testing"

	"zhiyuan/internal/demo"
	"zhiyuan/internal/server/servertest"
)

// TestBadInputNeverFails sends every writing API route malformed and ill-typed bodies,
// with real and garbage ids, as a platform admin, an organisation admin and a volunteer: the answer
// is always a client error in the JSON error shape, never a 5xx.
func TestBadInputNeverFails(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		// On the demo data, so that ids 1 and 2 name real records and the handlers get past
		// their look-ups to the bodies.
		if _, err := demo.Fill(t.Context(), e.App, e.Store, demo.Options{Volunteers: 300}); err != nil {
			t.Fatal(err)
		}
		var tokens []string
		for _, login := range []string{"13900000000", "13900000203", "13800000001"} {
			tokens = append(tokens, e.Token(login, demo.Password))
		}
		bodies := []string{
			``, `{`, `[]`, `null`, `"x"`, `{}`,
			`{"ids":"x","entry_ids":[-1],"application_ids":[0],"hours":"two","volunteer_id":"a","reason":7}`,
			`{"title":` + strings.Repeat(`"`, 3) + `}`,
			`{"sessions":[{"starts_at":"yesterday","ends_at":1,"capacity":-5}],"lat":"north","signup_mode":9}`,
		}
		calls := 0
		for _, route := range e.Server.API.Routes() {
			if route.Method == "GET" {
				continue
			}
			for _, id := range []string{"1", "2", "999999999", "abc"} {
				path := "/api/v1" + fillParams(route.Path, id)
				for _, token := range tokens {
					for _, body := range bodies {
						req, _ := http.NewRequest(route.Method, e.HTTP.URL+path, bytes.NewReader([]byte(body)))
						req.Header.Set("Content-Type", "application/json")
						req.Header.Set("Authorization", "Bearer "+token)
						res := e.Send(req)
						calls++
						if res.Status >= 500 || res.Status == 0 {
							t.Errorf("%s %s with %q: %d %s", route.Method, path, body, res.Status, res.Body)
							continue
						}
						if res.Status >= 400 {
							checkAPIErrorShape(t, route.Method+" "+path, res)
						}
					}
				}
			}
		}
		t.Logf("%d calls", calls)
	})
}

// fillParams puts v into every {name} of a route pattern.
func fillParams(pattern, v string) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(pattern, '{')
		if i < 0 {
			return b.String() + pattern
		}
		j := strings.IndexByte(pattern[i:], '}')
		b.WriteString(pattern[:i] + v)
		pattern = pattern[i+j+1:]
	}
}
