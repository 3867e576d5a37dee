package api_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river/rivertype"

	"zhiyuan"
	"zhiyuan/internal/app"
	"zhiyuan/internal/jobs"
	"zhiyuan/internal/server/servertest"
)

// switchSender fails every message until told to work, counting the messages by key.
type switchSender struct {
	mu   sync.Mutex
	ok   bool
	sent map[string]int
}

func (s *switchSender) Send(_ context.Context, to app.Recipient, msg app.Message) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.ok {
		return errors.New("gateway answered 503 Service Unavailable")
	}
	s.sent[msg.Key]++
	return nil
}

func (s *switchSender) works() {
	s.mu.Lock()
	s.ok = true
	s.mu.Unlock()
}

// phoneRE finds a mainland mobile number.
var phoneRE = regexp.MustCompile(`1[3-9][0-9]{9}`)

// quickRetry retries at once, so ten attempts take a moment, not hours.
type quickRetry struct{}

func (quickRetry) NextRetry(*rivertype.JobRow) time.Time { return time.Now() }

type jobList struct {
	Items []struct {
		ID          int64  `json:"id"`
		Kind        string `json:"kind"`
		State       string `json:"state"`
		Attempt     int    `json:"attempt"`
		MaxAttempts int    `json:"max_attempts"`
		LastError   string `json:"last_error"`
	} `json:"items"`
}

// TestFailedDeliveryIsDeadLetterThenRetried: an activity is cancelled while the SMS
// gateway is down; the volunteer's message is tried DeliverMaxAttempts times and given
// up. The platform admin sees it, without the phone number, in the API and on
// /admin/jobs, which others cannot open; retrying it once the gateway is back sends it,
// once, and it leaves the list.
func TestFailedDeliveryIsDeadLetterThenRetried(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		a := newActivityEnv(t, e)
		act := a.published(a.activityBody("社区长者探访", 5))
		tokens, _ := a.volunteers(1, nil)
		if res := e.Do("POST", fmt.Sprintf("/api/v1/sessions/%d/signups", act.Sessions[0].ID), tokens[0], nil); res.Status != http.StatusCreated {
			t.Fatalf("sign up: %d %s", res.Status, res.Body)
		}
		sender := &switchSender{sent: map[string]int{}}
		e.App.Sender = sender
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		r, err := e.App.RunBackground(ctx, jobs.Options{PollInterval: 20 * time.Millisecond, RetryPolicy: quickRetry{}})
		if err != nil {
			t.Fatal(err)
		}
		defer r.Stop(context.Background())
		if res := e.Do("POST", fmt.Sprintf("/api/v1/activities/%d/cancel", act.ID), a.admin, nil); res.Status != http.StatusOK {
			t.Fatalf("cancel: %d %s", res.Status, res.Body)
		}

		platform, _ := e.Admin(zhiyuan.Role{Kind: zhiyuan.RolePlatform})
		var list jobList
		for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
			res := e.Do("GET", "/api/v1/admin/jobs", platform, nil)
			if res.Status != http.StatusOK {
				t.Fatalf("jobs: %d %s", res.Status, res.Body)
			}
			list = jobList{}
			res.Decode(&list)
			if len(list.Items) == 1 && list.Items[0].State == "discarded" {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("no discarded delivery after 30 s: %s", res.Body)
			}
		}
		j := list.Items[0]
		if j.Kind != "deliver" || j.Attempt != jobs.DeliverMaxAttempts || j.MaxAttempts != jobs.DeliverMaxAttempts ||
			!strings.Contains(j.LastError, "gateway answered 503") {
			t.Fatalf("dead letter: %+v", j)
		}
		if res := e.Do("GET", "/api/v1/admin/jobs", platform, nil); phoneRE.Match(res.Body) {
			t.Errorf("the list shows a phone number: %s", res.Body)
		}
		if res := e.Do("GET", "/api/v1/admin/jobs", a.admin, nil); res.Status != http.StatusForbidden {
			t.Errorf("an organisation admin's list: %d", res.Status)
		}

		// The page: the platform admin sees the dead letter and a retry that asks first.
		b := e.Browser()
		platformPhone := e.NewPhone()
		if _, err := e.App.CreateAdmin(t.Context(), nil, app.AdminInput{Phone: platformPhone, Name: "平台管理员", Password: "test1234",
			Role: zhiyuan.Role{Kind: zhiyuan.RolePlatform}}); err != nil {
			t.Fatal(err)
		}
		b.Login(platformPhone, "test1234")
		page := b.Get("/admin/jobs")
		if page.Status != http.StatusOK || !strings.Contains(string(page.Body), "短信/邮件发送") ||
			!strings.Contains(string(page.Body), "已放弃") || !strings.Contains(string(page.Body), "gateway answered 503") {
			t.Fatalf("/admin/jobs: %d\n%s", page.Status, page.Body)
		}
		if m := phoneRE.Find(page.Body); m != nil && string(m) != platformPhone {
			t.Errorf("/admin/jobs shows a phone number")
		}
		ask := b.Get(fmt.Sprintf("/admin/jobs/%d/retry", j.ID))
		if ask.Status != http.StatusOK || !strings.Contains(string(ask.Body), "确认重试") {
			t.Fatalf("retry confirmation: %d\n%s", ask.Status, ask.Body)
		}

		// Back up: the retry sends the message, once, and the list empties.
		sender.works()
		done := b.Post(fmt.Sprintf("/admin/jobs/%d/retry", j.ID), nil)
		if done.Status != http.StatusSeeOther {
			t.Fatalf("retry: %d %s", done.Status, done.Body)
		}
		for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
			n, err := e.Store.JobsPending(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			if n == 0 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%d jobs still pending 10 s after the retry", n)
			}
		}
		var sent int
		for k, n := range sender.sent {
			if !strings.HasSuffix(k, "-sms") || n != 1 {
				t.Errorf("key %s sent %d times", k, n)
			}
			sent += n
		}
		if sent != 1 {
			t.Errorf("%d messages sent after the retry, want 1", sent)
		}
		if res := e.Do("GET", "/api/v1/admin/jobs", platform, nil); !strings.Contains(string(res.Body), `"items":[]`) {
			t.Errorf("list after the retry: %s", res.Body)
		}
		// A job that has not failed cannot be retried; nor can one that does not exist.
		if res := e.Do("POST", fmt.Sprintf("/api/v1/admin/jobs/%d/retry", j.ID), platform, nil); res.Status != http.StatusConflict {
			t.Errorf("retry a completed job: %d %s", res.Status, res.Body)
		}
		if res := e.Do("POST", "/api/v1/admin/jobs/99999999/retry", platform, nil); res.Status != http.StatusNotFound {
			t.Errorf("retry no job: %d %s", res.Status, res.Body)
		}
	})
}
