package web

import (
	"net/http"
	"sort"

	"zhiyuan"
)

// Actions that cannot be undone, or that others feel (an activity cancelled for everyone
// signed up, a card reported lost, a late cancellation on the volunteer's credit record),
// ask first, all in one way:
//
//   - the button is a form marked data-confirm (GET for actions without input, to the
//     action's own path; POST for forms with input, and then the button carries
//     data-confirm when only some of the form's buttons need it);
//   - the confirmation is a page of its own, GET on the action's path, or the answer to a
//     POST that lacks confirm=1: it states the consequence in full and changes nothing;
//     its form carries the values it was given, plus confirm=1, to the action;
//   - where JavaScript runs, static/confirm.js fetches that same page and shows its
//     confirmation in a <dialog> instead of leaving the page; without it, the browser
//     simply goes to the page;
//   - the action's POST keeps every check of its own (the confirmation is a step for
//     people, not a guard), and a button is shown only where its action is possible,
//     by the same rule the action applies.
//
// One partial (partial_confirm.html, block "confirmation") draws the page and the
// dialog's content; confirmable and askFirst below are the one handler helper.

// confirmation is what the confirmation page says and where its form goes.
type confirmation struct {
	Title       string   // the question, e.g. 确定取消活动吗？
	Subject     string   // what it is about, e.g. the activity's title
	Consequence []string // what will happen, in full sentences; the first one is the main one
	Action      string   // the path the confirmed form posts to
	Button      string   // the confirming button, e.g. 取消活动
	Back        string   // where 返回 leads (and the dialog's 返回 closes it)
	Danger      bool     // a red button: the action destroys or takes away
	Hidden      []hiddenField
}

// hiddenField is a value the confirmed form carries to the action.
type hiddenField struct{ Name, Value string }

// askFunc builds an action's confirmation for the caller, or returns the error that makes
// the action impossible (shown instead of a confirmation, so nobody confirms what would
// fail).
type askFunc func(r *http.Request, p *zhiyuan.Principal) (*confirmation, error)

// confirmable registers an action that asks first: GET path is its confirmation page,
// POST path runs do when the form says confirm=1 and shows the confirmation otherwise.
func (x *Web) confirmable(path string, ask askFunc, do handlerFunc) {
	x.handle("GET "+path, false, func(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
		return x.showConfirmation(w, r, p, ask)
	})
	x.handle("POST "+path, false, func(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal) error {
		if asked, err := x.askFirst(w, r, p, ask); asked || err != nil {
			return err
		}
		return do(w, r, p)
	})
}

// askFirst shows the confirmation of a POST that does not carry confirm=1 and reports
// that it did; a handler whose form does several things calls it for the ones that ask.
func (x *Web) askFirst(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal, ask askFunc) (bool, error) {
	if r.PostFormValue("confirm") == "1" {
		return false, nil
	}
	return true, x.showConfirmation(w, r, p, ask)
}

func (x *Web) showConfirmation(w http.ResponseWriter, r *http.Request, p *zhiyuan.Principal, ask askFunc) error {
	c, err := ask(r, p)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return zhiyuan.Fail(zhiyuan.EInvalid, "web.form_bad")
	}
	// The form's own values go on to the action, in a stable order.
	names := make([]string, 0, len(r.Form))
	for k := range r.Form {
		if k != "confirm" {
			names = append(names, k)
		}
	}
	sort.Strings(names)
	for _, k := range names {
		for _, v := range r.Form[k] {
			c.Hidden = append(c.Hidden, hiddenField{k, v})
		}
	}
	if c.Back == "" {
		c.Back = "/"
	}
	x.render(w, r, http.StatusOK, "confirm.html", map[string]any{"Title": c.Title, "C": c})
	return nil
}

// backTo returns the form's "back" value when it is a path of this site, else fallback.
func backTo(r *http.Request, fallback string) string {
	if b := r.FormValue("back"); b != "" && safeNext(b) == b {
		return b
	}
	return fallback
}
