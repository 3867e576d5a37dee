package api_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"sync"
	"testing"
	"time"

	"zhiyuan"
	"zhiyuan/internal/server/servertest"
	"zhiyuan/internal/sqlstore"
)

// rushCrowd registers n volunteers at once (bulk, each with its own account, passwordHash
// and an identity index starting with tag) and opens an API session for each: the crowd
// of a rush benchmark. It returns the volunteers and their bearer tokens.
func rushCrowd(b *testing.B, e *servertest.Env, n int, tag, name, passwordHash string) ([]sqlstore.BulkVolunteer, []string) {
	b.Helper()
	ctx := context.Background()
	s := e.Store
	batch := make([]sqlstore.BulkVolunteer, n)
	for i := range batch {
		batch[i] = sqlstore.BulkVolunteer{
			Volunteer: &zhiyuan.Volunteer{Name: fmt.Sprintf("%s%d", name, i), IDType: zhiyuan.IDResident, IDNumberMasked: "440***********001X",
				Phone: e.NewPhone(), RegionCode: "440106", BirthDate: time.Date(1995, 3, 1, 0, 0, 0, 0, time.UTC), Sex: "male"},
			Secrets: sqlstore.VolunteerSecrets{PasswordHash: passwordHash, IDNumberIndex: fmt.Sprintf("%s%d", tag, i)},
		}
	}
	if err := s.BulkCreateVolunteers(ctx, batch); err != nil {
		b.Fatal(err)
	}
	tokens := make([]string, n)
	for i, bv := range batch {
		sess, err := s.CreateSession(ctx, bv.Volunteer.AccountID, zhiyuan.SessionAPI, time.Hour, zhiyuan.Client{})
		if err != nil {
			b.Fatal(err)
		}
		tokens[i] = sess.Token
	}
	return batch, tokens
}

// postRush sends one POST per token at the same moment, over up to conns connections,
// to url(i) with token i, and returns each request's latency and status as the client
// saw them, and how long the whole rush took.
func postRush(b *testing.B, tokens []string, conns int, url func(i int) string) (lat []time.Duration, status []int, elapsed time.Duration) {
	b.Helper()
	client := &http.Client{Transport: &http.Transport{MaxConnsPerHost: conns, MaxIdleConnsPerHost: conns}}
	defer client.CloseIdleConnections()
	lat, status = make([]time.Duration, len(tokens)), make([]int, len(tokens))
	var wg sync.WaitGroup
	gate := make(chan struct{})
	for i := range tokens {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, _ := http.NewRequest("POST", url(i), nil)
			req.Header.Set("Authorization", "Bearer "+tokens[i])
			<-gate
			t0 := time.Now()
			res, err := client.Do(req)
			if err != nil {
				b.Errorf("request %d: %v", i, err)
				return
			}
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
			lat[i], status[i] = time.Since(t0), res.StatusCode
		}()
	}
	start := time.Now()
	close(gate)
	wg.Wait()
	return lat, status, time.Since(start)
}
