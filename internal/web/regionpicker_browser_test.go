package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"zhiyuan/internal/browsertest"
	"zhiyuan/internal/idcard"
	"zhiyuan/internal/server/servertest"
)

// pickRegion chooses codes, from the province down, in the region picker of field the
// way a person does with JS on: each choice makes the script fetch and show the next
// select, which the next choice waits for.
func pickRegion(t *testing.T, ctx context.Context, field string, codes ...string) {
	t.Helper()
	for i, code := range codes {
		sel := fmt.Sprintf("#%s_%d", field, i+1)
		wait, cancel := context.WithTimeout(ctx, 10*time.Second)
		err := chromedp.Do(wait,
			chromedp.WaitReady(chromedp.CSS(sel+` option[value="`+code+`"]`)),
			chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`(function(){var s=document.querySelector(%q); s.value=%q; s.dispatchEvent(new Event('change',{bubbles:true}))})()`, sel, code)),
		)
		cancel()
		if err != nil {
			t.Fatalf("picking %s in %s: %v", code, sel, err)
		}
	}
}

// TestBrowserRegisterKeepsInput registers on a 390×844 phone: with JS the region
// picker fills city and district from the API without a round trip; a wrong identity
// number comes back with name, phone and the number itself kept; without JS the 选择
// button shows the next level and keeps what was typed too.
func TestBrowserRegisterKeepsInput(t *testing.T) {
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		base := e.HTTP.URL
		ctx := browsertest.New(t)
		browsertest.Phone(t, ctx)
		phone := e.NewPhone()
		bad := "440106199902301234" // 30 February

		browsertest.Open(t, ctx, base+"/register")
		if browsertest.Exists(t, ctx, "[data-region-pick]") {
			t.Error("with JS the 选择 button is still offered")
		}
		browsertest.Fill(t, ctx, "#name", "陈思远")
		browsertest.Fill(t, ctx, "#id_number", bad)
		browsertest.Fill(t, ctx, "#phone", phone)
		browsertest.Fill(t, ctx, "#password", "qingnian2024")
		pickRegion(t, ctx, "region_code", "440000", "440100", "440106")
		if browsertest.Exists(t, ctx, "#region_code_4") {
			t.Error("the home region offers streets, which registration does not take")
		}
		browsertest.Screenshot(t, ctx, "register-picker-"+e.Engine)
		browsertest.Click(t, ctx, `form[action="/register"] button.button:not([data-region-pick])`)

		if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS("#err-id_number"))); err != nil {
			t.Fatal(err)
		}
		value := func(css string) string {
			v, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS(css)))
			if err != nil {
				t.Fatalf("%s: %v", css, err)
			}
			return v
		}
		name, gotPhone, id, pw, district := value("#name"), value("#phone"), value("#id_number"), value("#password"), value("#region_code_3")
		if name != "陈思远" || gotPhone != phone || id != bad || pw != "" || district != "440106" {
			t.Errorf("after the identity number error: name %q phone %q id %q password %q district %q", name, gotPhone, id, pw, district)
		}
		if loc := browsertest.Location(t, ctx); strings.Contains(loc, bad) {
			t.Errorf("the identity number is in the address %s", loc)
		}
		browsertest.Screenshot(t, ctx, "register-error-"+e.Engine)

		// Fixed, it registers with the district chosen.
		good := idcard.Generate("440106", time.Date(1995, 5, 17, 0, 0, 0, 0, time.UTC), 322, idcard.Female)
		browsertest.Fill(t, ctx, "#id_number", good)
		browsertest.Fill(t, ctx, "#password", "qingnian2024")
		browsertest.Click(t, ctx, `form[action="/register"] button.button:not([data-region-pick])`)
		if loc := browsertest.Location(t, ctx); !strings.Contains(loc, "/me") {
			t.Fatalf("after registering at %s: %s", loc, browsertest.Text(t, ctx, "main"))
		}

		// Without JS: the 选择 button shows the next level, typed values kept.
		nojs := browsertest.New(t)
		browsertest.Phone(t, nojs)
		if err := chromedp.Do(nojs, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
			return err
		})); err != nil {
			t.Fatal(err)
		}
		browsertest.Open(t, nojs, base+"/register")
		browsertest.Fill(t, nojs, "#name", "林晓")
		browsertest.Fill(t, nojs, "#phone", "13800000000")
		if err := chromedp.Do(nojs, chromedp.SetValue(chromedp.CSS("#region_code_1"), "440000")); err != nil {
			t.Fatal(err)
		}
		browsertest.Click(t, nojs, "[data-region-pick]")
		if err := chromedp.Do(nojs, chromedp.WaitReady(chromedp.CSS(`#region_code_2 option[value="440100"]`)),
			chromedp.SetValue(chromedp.CSS("#region_code_2"), "440100")); err != nil {
			t.Fatal(err)
		}
		browsertest.Click(t, nojs, "[data-region-pick]")
		if err := chromedp.Do(nojs, chromedp.WaitReady(chromedp.CSS(`#region_code_3 option[value="440106"]`))); err != nil {
			t.Fatal(err)
		}
		n2, _ := chromedp.Run(nojs, chromedp.Value(chromedp.CSS("#name")))
		p2, _ := chromedp.Run(nojs, chromedp.Value(chromedp.CSS("#phone")))
		if n2 != "林晓" || p2 != "13800000000" {
			t.Errorf("without JS choosing a region lost input: %q %q", n2, p2)
		}
		if browsertest.Exists(t, nojs, ".field-error") {
			t.Error("choosing a region shows errors before the form was sent")
		}
		browsertest.Screenshot(t, nojs, "register-picker-nojs-"+e.Engine)
	})
}
