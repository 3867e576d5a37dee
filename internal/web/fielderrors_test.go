package web_test

import (
	"bytes"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"zhiyuan/internal/server/servertest"
)

// TestFieldErrorsTiedToInputs: a form that comes back with errors marks each field at
// fault aria-invalid="true" and points its aria-describedby at the message shown beside
// it, so a screen reader reads the message on the field; fields without an error are not
// marked, and every message belongs to a field.
func TestFieldErrorsTiedToInputs(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		b := e.Browser()
		// A bad identity number: that field alone.
		res := b.Post("/register", registerForm(e, "440106199902301234"))
		if res.Status != http.StatusUnprocessableEntity {
			t.Fatalf("bad identity number: %d", res.Status)
		}
		invalid := tiedFieldErrors(t, "bad identity number", res.Body)
		if len(invalid) != 1 || !strings.Contains(invalid["id_number"], "出生日期不存在") {
			t.Errorf("bad identity number: fields marked invalid %v, want id_number alone", invalid)
		}

		// An empty form: each missing field, each with its own message.
		res = b.Post("/register", url.Values{"province": {"440000"}})
		invalid = tiedFieldErrors(t, "empty registration", res.Body)
		for _, name := range []string{"name", "id_number", "phone", "password"} {
			if invalid[name] == "" {
				t.Errorf("empty registration: %s is not marked invalid with its message (marked: %v)", name, invalid)
			}
		}

		// The profile page's password form, one of three forms on the page: its fields
		// alone are marked.
		v := registerForm(e, idOfAge(30))
		if res := b.Post("/register", v); res.Status != http.StatusSeeOther {
			t.Fatalf("register: %d %s", res.Status, res.Body)
		}
		res = b.Post("/me/password", url.Values{"old_password": {"wrong-one-1"}, "new_password": {"secret456"}, "new_password2": {"secret457"}})
		invalid = tiedFieldErrors(t, "password change", res.Body)
		if len(invalid) == 0 {
			t.Fatalf("password change with a wrong old password: no field marked invalid (%d)", res.Status)
		}
		for name := range invalid {
			if !strings.Contains(name, "password") {
				t.Errorf("password change: %s of another form marked invalid", name)
			}
		}
	})
}

// tiedFieldErrors checks the ties between a page's fields and its error messages and
// returns, for each field marked invalid, its name and the messages it points at.
func tiedFieldErrors(t *testing.T, what string, body []byte) map[string]string {
	t.Helper()
	doc, err := html.Parse(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	messages := map[string]string{} // id → text of a .field-error
	var controls []*html.Node
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.Data {
			case "p":
				if attrOf(n, "class") == "field-error" {
					if attrOf(n, "id") == "" {
						t.Errorf("%s: a field error without an id, tied to no field: %q", what, textOf(n))
					}
					messages[attrOf(n, "id")] = textOf(n)
				}
			case "input", "select", "textarea":
				controls = append(controls, n)
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	invalid := map[string]string{}
	pointed := map[string]bool{}
	for _, c := range controls {
		name := attrOf(c, "name")
		described := attrOf(c, "aria-describedby")
		if attrOf(c, "aria-invalid") != "true" {
			if described != "" {
				for _, id := range strings.Fields(described) {
					if _, isError := messages[id]; isError {
						t.Errorf("%s: %s points at error %s without being marked invalid", what, name, id)
					}
				}
			}
			continue
		}
		if described == "" {
			t.Errorf("%s: %s is marked invalid with no message to point at", what, name)
		}
		for _, id := range strings.Fields(described) {
			msg, ok := messages[id]
			if !ok || msg == "" {
				t.Errorf("%s: %s points at %q, which is no error message on the page", what, name, id)
			}
			pointed[id] = true
			invalid[name] += msg
		}
	}
	for id, msg := range messages {
		if !pointed[id] {
			t.Errorf("%s: the message %q (%s) belongs to no field", what, msg, id)
		}
	}
	return invalid
}

func attrOf(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func textOf(n *html.Node) string {
	var b strings.Builder
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return strings.TrimSpace(b.String())
}
