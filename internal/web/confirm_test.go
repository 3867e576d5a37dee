package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"zhiyuan/internal/browsertest"
	"zhiyuan/internal/hourstest"
)

// confirmed is the form of a confirmation page's button (confirm.go): the action itself,
// past the question.
var confirmed = url.Values{"confirm": {"1"}}

// confirmInDialog clicks the button css selects, which asks first: with JavaScript the
// confirmation opens in a dialog on the same page, whose button is then clicked.
func confirmInDialog(t *testing.T, ctx context.Context, css string) {
	t.Helper()
	before := browsertest.Location(t, ctx)
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(css), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`dialog[open] [data-confirmation] button[type=submit]`))); err != nil {
		t.Fatalf("click %s: no confirmation dialog: %v", css, err)
	}
	if after := browsertest.Location(t, ctx); after != before {
		t.Fatalf("click %s left the page for %s", css, after)
	}
	browsertest.Click(t, ctx, `dialog[open] [data-confirmation] button[type=submit]`)
}

// dbValue reads one value of the database, for checking that nothing changed yet.
func dbValue[T any](t *testing.T, e *hourstest.Env, query string, args ...any) T {
	t.Helper()
	var v T
	if err := e.Store.DB().QueryRow(e.Store.Rebind(query), args...).Scan(&v); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return v
}

// TestBrowserConfirmation: on a 390×844 phone, a destructive button shows its
// confirmation, stating the consequence, before anything changes in the database.
// Without JavaScript a volunteer's late cancellation leads to the confirmation page,
// which says it goes on the credit record; with JavaScript the organiser's 取消活动 opens
// a dialog on the activity page, whose 返回 closes it with nothing done.
func TestBrowserConfirmation(t *testing.T) {
	hourstest.Each(t, 2, func(t *testing.T, e *hourstest.Env) {
		base := e.HTTP.URL
		aid := e.Activity.ID
		// Cancelling less than 24 hours before the session counts as late.
		e.Store.DB().Exec(e.Store.Rebind(`UPDATE activities SET cancel_before_hours = 24 WHERE id = ?`), aid)
		v := e.Volunteers[0]
		sg := dbValue[int64](t, e, `SELECT id FROM signups WHERE volunteer_id = ? AND session_id = ?`, v.ID, e.Session.ID)
		signupState := func() string {
			return dbValue[string](t, e, `SELECT status || CASE WHEN late THEN ' late' ELSE '' END FROM signups WHERE id = ?`, sg)
		}

		// Without JavaScript: the confirmation page.
		vol := browsertest.New(t)
		if err := chromedp.Do(vol, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
			return err
		})); err != nil {
			t.Fatal(err)
		}
		browsertest.Login(t, vol, base, v.Phone, hourstest.Password)
		browsertest.Open(t, vol, fmt.Sprintf("%s/activities/%d", base, aid))
		browsertest.Click(t, vol, fmt.Sprintf(`form[action="/signups/%d/cancel"] button`, sg))
		if loc := browsertest.Location(t, vol); !strings.Contains(loc, fmt.Sprintf("/signups/%d/cancel", sg)) {
			t.Fatalf("without JavaScript the button leads to %s, want the confirmation page", loc)
		}
		if text := browsertest.Text(t, vol, "[data-confirmation]"); !strings.Contains(text, "逾期取消") || !strings.Contains(text, "信用记录") {
			t.Errorf("the confirmation does not state the credit mark:\n%s", text)
		}
		browsertest.Screenshot(t, vol, "confirm-page-late-cancel-"+e.Engine)
		if st := signupState(); st != "confirmed" {
			t.Fatalf("the sign-up is %q before the confirmation", st)
		}
		browsertest.Click(t, vol, `[data-confirmation] button[type=submit]`)
		if msg := browsertest.Text(t, vol, ".notice"); !strings.Contains(msg, "逾期取消") {
			t.Errorf("after the cancellation: %q", msg)
		}
		if st := signupState(); st != "cancelled late" {
			t.Fatalf("the sign-up is %q after the confirmation, want cancelled late", st)
		}

		// With JavaScript: the dialog, on the page.
		org := browsertest.New(t)
		browsertest.Login(t, org, base, e.OrgPhone, hourstest.Password)
		page := fmt.Sprintf("%s/activities/%d", base, aid)
		browsertest.Open(t, org, page)
		trigger := fmt.Sprintf(`form[action="/activities/%d/cancel"] button`, aid)
		if err := chromedp.Do(org, chromedp.Click(chromedp.CSS(trigger), chromedp.NodeVisible),
			chromedp.WaitVisible(chromedp.CSS(`dialog[open] [data-confirmation]`))); err != nil {
			t.Fatalf("no dialog: %v", err)
		}
		if loc := browsertest.Location(t, org); loc != page {
			t.Fatalf("the dialog left the page for %s", loc)
		}
		// One volunteer is still signed up (the other cancelled above).
		if text := browsertest.Text(t, org, "dialog[open]"); !strings.Contains(text, "取消活动将通知已报名的 1 人，且不能撤销") {
			t.Errorf("the dialog does not state the consequence:\n%s", text)
		}
		browsertest.Screenshot(t, org, "confirm-dialog-cancel-activity-"+e.Engine)
		activityStatus := func() string { return dbValue[string](t, e, `SELECT status FROM activities WHERE id = ?`, aid) }
		if st := activityStatus(); st != "published" {
			t.Fatalf("the activity is %q while the dialog asks", st)
		}
		if err := chromedp.Do(org, chromedp.Click(chromedp.CSS(`dialog[open] [data-confirm-back]`), chromedp.NodeVisible),
			chromedp.WaitNotPresent(chromedp.CSS(`dialog`))); err != nil {
			t.Fatalf("返回 does not close the dialog: %v", err)
		}
		if st := activityStatus(); st != "published" {
			t.Fatalf("the activity is %q after 返回", st)
		}
		confirmInDialog(t, org, trigger)
		if msg := browsertest.Text(t, org, ".notice"); !strings.Contains(msg, "活动已取消") {
			t.Errorf("after cancelling: %q", msg)
		}
		if st := activityStatus(); st != "cancelled" {
			t.Fatalf("the activity is %q after the confirmation", st)
		}
		if browsertest.Exists(t, org, trigger) {
			t.Error("a cancelled activity still offers 取消活动")
		}
	})
}

// TestConfirmationPages: the confirmation pages say what will happen and change nothing;
// a POST without confirm=1 is only the question; buttons are not offered where the
// action is impossible, and the action refuses it there too.
func TestConfirmationPages(t *testing.T) {
	t.Parallel()
	hourstest.Each(t, 3, func(t *testing.T, e *hourstest.Env) {
		org := e.Browser()
		org.Login(e.OrgPhone, hourstest.Password)
		aid := e.Activity.ID
		cancel := fmt.Sprintf("/activities/%d/cancel", aid)

		res := org.Get(cancel)
		hoursPage(t, "cancel confirmation", res.Status, res.Body, http.StatusOK, "取消活动将通知已报名的 3 人，且不能撤销", `name="confirm" value="1"`)
		res = org.Post(cancel, nil)
		hoursPage(t, "cancel without confirm", res.Status, res.Body, http.StatusOK, "取消活动将通知已报名的 3 人")
		if st := dbValue[string](t, e, `SELECT status FROM activities WHERE id = ?`, aid); st != "published" {
			t.Fatalf("asking changed the activity to %s", st)
		}
		// A volunteer may not even see the question.
		vol := e.Browser()
		vol.Login(e.Volunteers[0].Phone, hourstest.Password)
		if res := vol.Get(cancel); res.Status != http.StatusForbidden {
			t.Errorf("a volunteer asks to cancel: %d", res.Status)
		}
		// An early cancellation of a sign-up does not speak of a credit mark.
		sg := dbValue[int64](t, e, `SELECT id FROM signups WHERE volunteer_id = ? AND session_id = ?`, e.Volunteers[0].ID, e.Session.ID)
		e.Clock.Set(hourstest.Day("08:00").AddDate(0, 0, -3))
		res = vol.Get(fmt.Sprintf("/signups/%d/cancel?back=/me/signups", sg))
		hoursPage(t, "early cancellation", res.Status, res.Body, http.StatusOK, "名额将让给候补", `name="back" value="/me/signups"`)
		if strings.Contains(string(res.Body), "信用记录") {
			t.Error("an early cancellation speaks of the credit record")
		}
		// Another volunteer's sign-up has no confirmation to show.
		other := e.Browser()
		other.Login(e.Volunteers[1].Phone, hourstest.Password)
		if res := other.Get(fmt.Sprintf("/signups/%d/cancel", sg)); res.Status != http.StatusNotFound {
			t.Errorf("someone else's cancellation: %d", res.Status)
		}

		// Once the activity is over there is no 取消活动, and the action refuses.
		e.Clock.Set(hourstest.Day("18:00"))
		res = org.Get(fmt.Sprintf("/activities/%d", aid))
		if regexp.MustCompile(`action="` + cancel + `"`).Match(res.Body) {
			t.Error("an ended activity offers 取消活动")
		}
		// Nor 取消报名 once the session has begun: not coming is a no-show.
		res = vol.Get(fmt.Sprintf("/activities/%d", aid))
		if strings.Contains(string(res.Body), fmt.Sprintf(`action="/signups/%d/cancel"`, sg)) {
			t.Error("a session that has begun offers 取消报名")
		}
		res = vol.Get(fmt.Sprintf("/signups/%d/cancel", sg))
		hoursPage(t, "cancelling a sign-up of a past session", res.Status, res.Body, http.StatusUnprocessableEntity, "场次已开始，不能取消报名")
		res = org.Get(cancel)
		hoursPage(t, "ended activity's confirmation", res.Status, res.Body, http.StatusConflict, "活动已结束，不能取消")
		res = org.Post(cancel, confirmed)
		hoursPage(t, "cancelling an ended activity", res.Status, res.Body, http.StatusConflict, "活动已结束，不能取消")
		if st := dbValue[string](t, e, `SELECT status FROM activities WHERE id = ?`, aid); st != "published" {
			t.Fatalf("an ended activity was changed to %s", st)
		}
	})
}
