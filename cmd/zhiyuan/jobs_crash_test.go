package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"sync"
	"testing"
	"time"

	"zhiyuan"
	"zhiyuan/internal/jobs"
	"zhiyuan/internal/sqlstore"
	"zhiyuan/internal/sqlstore/storetest"
)

// gateway is a webhook SMS gateway for the test: it counts the POSTs of each
// idempotency key, as a real gateway would to drop repeats.
type gateway struct {
	mu    sync.Mutex
	keys  map[string]int
	posts int
	bad   []string
}

func (g *gateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var m struct{ Key, Template, Phone, Email string }
	if err := json.NewDecoder(r.Body).Decode(&m); err != nil || m.Key == "" || r.Header.Get("Idempotency-Key") != m.Key || m.Phone == "" {
		g.mu.Lock()
		g.bad = append(g.bad, fmt.Sprintf("%+v %v", m, err))
		g.mu.Unlock()
		http.Error(w, "bad message", http.StatusBadRequest)
		return
	}
	time.Sleep(time.Millisecond) // a gateway takes a moment: deliveries are in flight when the server dies
	g.mu.Lock()
	g.keys[m.Key]++
	g.posts++
	g.mu.Unlock()
	w.WriteHeader(http.StatusAccepted)
}

func (g *gateway) count() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.posts
}

// TestDeliveriesSurviveKill is the durable-jobs check of issue 10: 1,000 volunteers are
// signed up for an activity that is cancelled, which queues their notices; the real
// binary, sending through a webhook gateway, is killed with SIGKILL while the messages go
// out, then started again. Once the queue is empty every volunteer has exactly one
// notice, and the gateway has had every message's key, each counted once by key; how
// many POSTs were repeats (a message the gateway accepted just before the kill, sent
// again with the same key) is reported.
func TestDeliveriesSurviveKill(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			const volunteers = 1000
			db, s := dbStore(t, engine)
			defer s.Close()
			ctx := context.Background()
			activity := cancelledActivity(t, s, volunteers)

			g := &gateway{keys: map[string]int{}}
			gw := httptest.NewServer(g)
			defer gw.Close()
			start := func() (*exec.Cmd, chan error) {
				srv := startServe(t, append(cleanEnv(), "ZHIYUAN_SENDER_URL="+gw.URL), append([]string{"serve", "--addr", "127.0.0.1:0", "--job-timeout", "2s"}, db...)...)
				return srv.cmd, srv.done
			}

			first, done := start()
			for deadline := time.Now().Add(60 * time.Second); g.count() < volunteers/4; time.Sleep(time.Millisecond) {
				if time.Now().After(deadline) {
					t.Fatalf("60 s after start the gateway has %d messages", g.count())
				}
			}
			if err := first.Process.Kill(); err != nil { // SIGKILL: no shutdown, jobs left running
				t.Fatal(err)
			}
			<-done
			atKill := g.count()
			if atKill >= volunteers {
				t.Fatalf("all %d messages went out before the kill; the test checked nothing", atKill)
			}

			start()
			for deadline := time.Now().Add(120 * time.Second); ; time.Sleep(100 * time.Millisecond) {
				n, err := s.JobsPending(ctx)
				if err != nil {
					t.Fatal(err)
				}
				if n == 0 {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("120 s after the restart %d jobs are still pending; the gateway has %d messages", n, g.count())
				}
			}

			notes, err := s.DB().QueryContext(ctx, s.Rebind("SELECT id FROM notifications WHERE kind = ? AND link = ?"),
				zhiyuan.NoticeActivityCancelled, fmt.Sprintf("/activities/%d", activity))
			if err != nil {
				t.Fatal(err)
			}
			want := map[string]bool{}
			for notes.Next() {
				var id int64
				if err := notes.Scan(&id); err != nil {
					t.Fatal(err)
				}
				want[jobs.Deliver{NotificationID: id, Channel: jobs.ChannelSMS}.Key()] = true
			}
			notes.Close()
			if len(want) != volunteers {
				t.Fatalf("%d notices written, want one for each of the %d volunteers", len(want), volunteers)
			}
			g.mu.Lock()
			defer g.mu.Unlock()
			if len(g.bad) > 0 {
				t.Fatalf("the gateway got %d malformed messages, e.g. %s", len(g.bad), g.bad[0])
			}
			repeats := 0
			for k, n := range g.keys {
				if !want[k] {
					t.Errorf("the gateway got key %s, which is no notice of the activity", k)
				}
				repeats += n - 1
			}
			for k := range want {
				if g.keys[k] == 0 {
					t.Errorf("message %s never reached the gateway", k)
				}
			}
			if n, err := s.CountDeliveries(ctx); err != nil || n != volunteers {
				t.Errorf("%d deliveries recorded (%v), want %d", n, err, volunteers)
			}
			if failed, err := s.JobProblems(ctx, 10); err != nil || len(failed) > 0 {
				t.Errorf("failed jobs after the restart: %d (%v)", len(failed), err)
			}
			t.Logf("%s: %d messages by key, exactly once each; %d POSTs in all, %d before the kill, %d repeated after it (same key)",
				engine, len(g.keys), g.posts, atKill, repeats)
		})
	}
}

// cancelledActivity makes an activity with n volunteers signed up and cancels it, which
// queues their notices; it returns the activity's id.
func cancelledActivity(t *testing.T, s *sqlstore.Store, n int) int64 {
	t.Helper()
	ctx := context.Background()
	acc := &zhiyuan.Account{Phone: "13500000001", Name: "组织管理员"}
	if err := s.CreateAccount(ctx, acc, "h"); err != nil {
		t.Fatal(err)
	}
	o := &zhiyuan.Organization{Name: "天河区青年志愿者协会", Type: "社会组织", RegionCode: "440106",
		ContactName: "李老师", ContactPhone: "13800001111", CreatedBy: acc.ID}
	if err := s.CreateOrganization(ctx, o); err != nil {
		t.Fatal(err)
	}
	if err := s.DecideOrganization(ctx, o.ID, zhiyuan.OrgApproved, "", acc.ID, nil); err != nil {
		t.Fatal(err)
	}
	start := s.Now().Add(72 * time.Hour).Truncate(time.Second)
	a := &zhiyuan.Activity{
		OrgID: o.ID, Title: "社区长者探访", Description: "陪伴社区长者聊天、读报", Category: zhiyuan.CatElderly,
		RegionCode: "440106", Address: "天河区五山街道", Lat: 23.15, Lng: 113.35,
		Sessions: []zhiyuan.ActivitySession{{StartsAt: start, EndsAt: start.Add(3 * time.Hour), Capacity: n}},
	}
	if err := a.Validate(s.Now()); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateActivity(ctx, a, acc.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.PublishActivity(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	act, err := s.FindActivityByID(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	batch := make([]sqlstore.BulkVolunteer, n)
	vs := make([]*zhiyuan.Volunteer, n)
	for i := range n {
		vs[i] = &zhiyuan.Volunteer{
			Name: fmt.Sprintf("志愿者%d", i), IDType: zhiyuan.IDResident, IDNumberMasked: "440***********123X",
			Phone: fmt.Sprintf("136%08d", i), RegionCode: "440106", BirthDate: time.Date(1999, 1, 1, 0, 0, 0, 0, time.UTC), Sex: "male",
		}
		batch[i] = sqlstore.BulkVolunteer{Volunteer: vs[i], Secrets: sqlstore.VolunteerSecrets{PasswordHash: "h", IDNumberIndex: fmt.Sprintf("ix%d", i)}}
	}
	if err := s.BulkCreateVolunteers(ctx, batch); err != nil {
		t.Fatal(err)
	}
	se := act.Sessions[0]
	for _, v := range vs {
		if _, err := s.CreateSignup(ctx, sqlstore.SignupRequest{SessionID: se.ID, ActivityID: act.ID, VolunteerID: v.ID,
			Mode: act.SignupMode, StartsAt: se.StartsAt, EndsAt: se.EndsAt}); err != nil {
			t.Fatal(err)
		}
	}
	notified, err := s.EndActivity(ctx, act.ID, zhiyuan.ActivityCancelled,
		zhiyuan.ActivityNotice(zhiyuan.NoticeActivityCancelled, act.Title, act.ID))
	if err != nil || notified != n {
		t.Fatalf("cancel: %d notified, %v", notified, err)
	}
	return act.ID
}
