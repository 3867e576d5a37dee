package api_test

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"zhiyuan"
	"zhiyuan/internal/server/servertest"
)

// selectionEnv is a city campaign (广州市) with a selection taking nominations now and
// voting now, and the admins of the district (天河区) and the city who review.
type selectionEnv struct {
	e          *servertest.Env
	campaign   int64
	city       string
	district   string
	cityAdmin  int64
	nomination int64
}

func newSelectionEnv(t *testing.T, e *servertest.Env) *selectionEnv {
	t.Helper()
	city, cityID := e.Admin(zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: "440100"})
	district, _ := e.Admin(zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: "440106"})
	c := &zhiyuan.Campaign{Name: "学雷锋志愿服务月", StartsOn: "2026-03-01", EndsOn: "2026-03-31", RegionCode: "440100", CreatedBy: cityID}
	if err := e.Store.CreateCampaign(t.Context(), c); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	res := e.Do("POST", fmt.Sprintf("/api/v1/campaigns/%d/selection", c.ID), city, map[string]any{
		"categories":    []string{"volunteer", "community"},
		"nominate_from": now.Add(-time.Hour).Format(time.RFC3339), "nominate_until": now.Add(24 * time.Hour).Format(time.RFC3339),
		"vote_from": now.Add(-time.Hour).Format(time.RFC3339), "vote_until": now.Add(48 * time.Hour).Format(time.RFC3339),
	})
	if res.Status != http.StatusCreated {
		t.Fatalf("selection: %d %s", res.Status, res.Body)
	}
	return &selectionEnv{e: e, campaign: c.ID, city: city, district: district, cityAdmin: cityID}
}

// backdate makes an account two days old, so that it may like.
func backdate(t *testing.T, e *servertest.Env, accountID int64) {
	t.Helper()
	if _, err := e.Store.DB().Exec(e.Store.Rebind(`UPDATE accounts SET created_at = ? WHERE id = ?`), time.Now().Add(-48*time.Hour).UTC(), accountID); err != nil {
		t.Fatal(err)
	}
}

func (s *selectionEnv) review(t *testing.T, token string, id int64, decision, comment string) *servertest.Response {
	t.Helper()
	return s.e.Do("POST", fmt.Sprintf("/api/v1/nominations/%d/review", id), token, map[string]string{"decision": decision, "comment": comment})
}

func (s *selectionEnv) community(t *testing.T, name string) int64 {
	t.Helper()
	res := s.e.Do("POST", fmt.Sprintf("/api/v1/campaigns/%d/nominations", s.campaign), s.district, map[string]any{
		"category": "community", "community_name": name, "community_region": "440106", "story": "社区志愿服务站十年不打烊"})
	if res.Status != http.StatusCreated {
		t.Fatalf("nominate %s: %d %s", name, res.Status, res.Body)
	}
	var n zhiyuan.Nomination
	res.Decode(&n)
	for _, tok := range []string{s.district, s.city} {
		if r := s.review(t, tok, n.ID, "approve", ""); r.Status != http.StatusOK {
			t.Fatalf("approve: %d %s", r.Status, r.Body)
		}
	}
	return n.ID
}

// TestNominationFlowAPI: a district nominates a volunteer; the city cannot review before
// the district; the district approves, the city's approval is refused while the volunteer
// has not consented, the volunteer consents, the city publishes; the public lists the
// candidate, a volunteer likes it once a day; the review decisions are audited.
func TestNominationFlowAPI(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		s := newSelectionEnv(t, e)
		nominee, nomineeToken := register(t, e, registration(e, idNumber("440106", 30, 2)))
		path := fmt.Sprintf("/api/v1/campaigns/%d/nominations", s.campaign)
		long := make([]rune, zhiyuan.NominationStoryMax+1)
		for i := range long {
			long[i] = '好'
		}
		res := e.Do("POST", path, s.district, map[string]any{"category": "volunteer", "volunteer_no": nominee.VolunteerNo, "story": string(long)})
		if _, f := res.Reasons(); res.Status != http.StatusUnprocessableEntity || f["story"] != "nomination.story_long" {
			t.Fatalf("long story: %d %s", res.Status, res.Body)
		}
		res = e.Do("POST", path, s.district, map[string]any{"category": "volunteer", "volunteer_no": nominee.VolunteerNo, "story": "十年坚持社区义诊"})
		if res.Status != http.StatusCreated {
			t.Fatalf("nominate: %d %s", res.Status, res.Body)
		}
		var n zhiyuan.Nomination
		res.Decode(&n)
		if n.Status != zhiyuan.NomReview || n.ReviewRegion != "440106" || !n.ConsentNeeded {
			t.Fatalf("nomination %+v", n)
		}
		if r := s.review(t, s.city, n.ID, "approve", ""); r.Status != http.StatusConflict {
			t.Fatalf("city before district: %d %s", r.Status, r.Body)
		}
		if r := s.review(t, s.district, n.ID, "return", ""); r.Status != http.StatusUnprocessableEntity {
			t.Fatalf("return without comment: %d %s", r.Status, r.Body)
		}
		if r := s.review(t, s.district, n.ID, "approve", "事迹属实"); r.Status != http.StatusOK {
			t.Fatalf("district: %d %s", r.Status, r.Body)
		}
		r := s.review(t, s.city, n.ID, "approve", "")
		if reason, _ := r.Reasons(); r.Status != http.StatusConflict || reason != "nomination.consent_missing" {
			t.Fatalf("publish without consent: %d %s", r.Status, r.Body)
		}
		var none struct{ Items []zhiyuan.Nomination }
		if r := e.Do("GET", fmt.Sprintf("/api/v1/campaigns/%d/candidates", s.campaign), "", nil); r.Status != http.StatusOK {
			t.Fatalf("candidates before publication: %d %s", r.Status, r.Body)
		} else if r.Decode(&none); len(none.Items) != 0 {
			t.Fatalf("an unpublished nomination is listed: %s", r.Body)
		}
		consent := fmt.Sprintf("/api/v1/nominations/%d/consent", n.ID)
		if r := e.Do("POST", consent, s.city, map[string]any{"agree": true}); r.Status == http.StatusOK {
			t.Fatal("someone else consented")
		}
		if r := e.Do("POST", consent, nomineeToken, map[string]any{"agree": true}); r.Status != http.StatusOK {
			t.Fatalf("consent: %d %s", r.Status, r.Body)
		}
		if r := s.review(t, s.city, n.ID, "approve", ""); r.Status != http.StatusOK {
			t.Fatalf("publish: %d %s", r.Status, r.Body)
		}
		r = e.Do("GET", fmt.Sprintf("/api/v1/campaigns/%d/candidates?category=volunteer&sort=likes", s.campaign), "", nil)
		var list struct{ Items []zhiyuan.Nomination }
		r.Decode(&list)
		if len(list.Items) != 1 || list.Items[0].ID != n.ID || list.Items[0].Status != zhiyuan.NomPublished {
			t.Fatalf("candidates: %s", r.Body)
		}
		liker, likerToken := register(t, e, registration(e, idNumber("440106", 25, 9)))
		like := fmt.Sprintf("/api/v1/candidates/%d/likes", n.ID)
		if r := e.Do("POST", like, likerToken, nil); r.Status != http.StatusForbidden {
			t.Fatalf("a new account liked: %d %s", r.Status, r.Body)
		}
		backdate(t, e, accountOf(t, e, liker.ID))
		if r := e.Do("POST", like, "", nil); r.Status != http.StatusUnauthorized {
			t.Fatalf("anonymous like: %d", r.Status)
		}
		r = e.Do("POST", like, likerToken, nil)
		if r.Status != http.StatusCreated || string(r.Body) != `{"likes":1}`+"\n" && string(r.Body) != `{"likes":1}` {
			t.Fatalf("like: %d %s", r.Status, r.Body)
		}
		r = e.Do("POST", like, likerToken, nil)
		if reason, _ := r.Reasons(); r.Status != http.StatusConflict || reason != "like.already_liked_today" {
			t.Fatalf("second like: %d %s", r.Status, r.Body)
		}
		entries, err := e.Store.FindAudit(t.Context(), zhiyuan.AuditFilter{RegionPrefix: "*", Action: "nomination.approve"})
		if err != nil || len(entries) != 2 {
			t.Fatalf("approvals audited: %d %v", len(entries), err)
		}
	})
}

// accountOf is the account of volunteer id.
func accountOf(t *testing.T, e *servertest.Env, volunteerID int64) int64 {
	t.Helper()
	var id int64
	if err := e.Store.DB().QueryRow(e.Store.Rebind(`SELECT account_id FROM volunteers WHERE id = ?`), volunteerID).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

// TestLikeLimitsAPI: the 11th like of the day answers 429 daily_limit; voiding the
// address's likes through the organiser's endpoint lowers the count by exactly those and
// is audited; the report is the organiser's alone.
func TestLikeLimitsAPI(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		s := newSelectionEnv(t, e)
		var cands []int64
		for i := range zhiyuan.DefaultLikesPerDay + 1 {
			cands = append(cands, s.community(t, fmt.Sprintf("第%d社区", i+1)))
		}
		v, token := register(t, e, registration(e, idNumber("440106", 25, 4)))
		backdate(t, e, accountOf(t, e, v.ID))
		for i, c := range cands {
			r := e.Do("POST", fmt.Sprintf("/api/v1/candidates/%d/likes", c), token, nil)
			want := http.StatusCreated
			if i == zhiyuan.DefaultLikesPerDay {
				want = http.StatusTooManyRequests
			}
			if r.Status != want {
				t.Fatalf("like %d: %d %s", i+1, r.Status, r.Body)
			}
			if reason, _ := r.Reasons(); want == http.StatusTooManyRequests && reason != "like.daily_limit" {
				t.Fatalf("11th like: %s", r.Body)
			}
		}
		report := fmt.Sprintf("/api/v1/campaigns/%d/likes/report", s.campaign)
		if r := e.Do("GET", report, token, nil); r.Status != http.StatusForbidden {
			t.Fatalf("a volunteer read the report: %d", r.Status)
		}
		if r := e.Do("GET", report, s.city, nil); r.Status != http.StatusOK {
			t.Fatalf("report: %d %s", r.Status, r.Body)
		}
		r := e.Do("POST", fmt.Sprintf("/api/v1/campaigns/%d/likes/void", s.campaign), s.city, map[string]any{"nomination_id": cands[0], "ip": "127.0.0.1"})
		if r.Status != http.StatusOK || string(r.Body) != `{"voided":1}`+"\n" && string(r.Body) != `{"voided":1}` {
			t.Fatalf("void: %d %s", r.Status, r.Body)
		}
		r = e.Do("GET", fmt.Sprintf("/api/v1/nominations/%d", cands[0]), "", nil)
		var n zhiyuan.Nomination
		r.Decode(&n)
		if n.Likes != 0 {
			t.Fatalf("likes after voiding: %d", n.Likes)
		}
		entries, err := e.Store.FindAudit(t.Context(), zhiyuan.AuditFilter{RegionPrefix: "*", Action: "like.void"})
		if err != nil || len(entries) != 1 || entries[0].ActorID != s.cityAdmin {
			t.Fatalf("void audited: %+v %v", entries, err)
		}
		// The voided address is personal data: the entry names its network only.
		if d := entries[0].Detail; strings.Contains(d, "127.0.0.1") || !strings.Contains(d, "127.0.0.*") {
			t.Fatalf("void audit detail %q: want the address masked as 127.0.0.*", d)
		}
	})
}

// TestLikeAddressLimitAPI: likes from one address beyond its hourly limit are refused with
// 429 like.rate_limited and counted nowhere.
func TestLikeAddressLimitAPI(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		e.App.Config.LikesPerIP = 2
		s := newSelectionEnv(t, e)
		cand := s.community(t, "五山社区")
		for i := range 3 {
			v, token := register(t, e, registration(e, idNumber("440106", 25, 20+i)))
			backdate(t, e, accountOf(t, e, v.ID))
			r := e.Do("POST", fmt.Sprintf("/api/v1/candidates/%d/likes", cand), token, nil)
			if reason, _ := r.Reasons(); i < 2 && r.Status != http.StatusCreated || i == 2 && (r.Status != http.StatusTooManyRequests || reason != "like.rate_limited") {
				t.Fatalf("like %d from one address: %d %s", i+1, r.Status, r.Body)
			}
		}
		r := e.Do("GET", fmt.Sprintf("/api/v1/nominations/%d", cand), "", nil)
		var n zhiyuan.Nomination
		r.Decode(&n)
		if n.Likes != 2 {
			t.Fatalf("count %d, want 2", n.Likes)
		}
	})
}

// TestResultsAPI: the jury's decisions are recorded; results cannot be published before
// voting ends; once published, the winning volunteer has an award record (issue 14's
// honours) and the public results show the jury's rank beside the likes and their rank;
// a second publication is refused.
func TestResultsAPI(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		s := newSelectionEnv(t, e)
		nominee, nomineeToken := register(t, e, registration(e, idNumber("440106", 33, 5)))
		res := e.Do("POST", fmt.Sprintf("/api/v1/campaigns/%d/nominations", s.campaign), s.district, map[string]any{
			"category": "volunteer", "volunteer_no": nominee.VolunteerNo, "story": "坚持社区义诊十年"})
		var n zhiyuan.Nomination
		res.Decode(&n)
		if r := e.Do("POST", fmt.Sprintf("/api/v1/nominations/%d/consent", n.ID), nomineeToken, map[string]any{"agree": true}); r.Status != http.StatusOK {
			t.Fatalf("consent: %d %s", r.Status, r.Body)
		}
		for _, tok := range []string{s.district, s.city} {
			if r := s.review(t, tok, n.ID, "approve", ""); r.Status != http.StatusOK {
				t.Fatalf("approve: %d %s", r.Status, r.Body)
			}
		}
		com := s.community(t, "五山社区")
		liker, likerToken := register(t, e, registration(e, idNumber("440106", 28, 6)))
		backdate(t, e, accountOf(t, e, liker.ID))
		if r := e.Do("POST", fmt.Sprintf("/api/v1/candidates/%d/likes", com), likerToken, nil); r.Status != http.StatusCreated {
			t.Fatalf("like: %d %s", r.Status, r.Body)
		}
		jury := fmt.Sprintf("/api/v1/campaigns/%d/jury", s.campaign)
		if r := e.Do("POST", jury, s.city, map[string]any{"decisions": []map[string]any{{"nomination_id": n.ID, "rank": 1, "winner": true}, {"nomination_id": com, "rank": 1}}}); r.Status != http.StatusNoContent {
			t.Fatalf("jury: %d %s", r.Status, r.Body)
		}
		publish := fmt.Sprintf("/api/v1/campaigns/%d/results", s.campaign)
		if r := e.Do("POST", publish, s.city, nil); r.Status != http.StatusConflict {
			t.Fatalf("publish during voting: %d %s", r.Status, r.Body)
		}
		if r := e.Do("GET", publish, "", nil); r.Status != http.StatusNotFound {
			t.Fatalf("results before publication: %d", r.Status)
		}
		if _, err := e.Store.DB().Exec(e.Store.Rebind(`UPDATE selections SET vote_until = ?`), time.Now().Add(-time.Minute).UTC()); err != nil {
			t.Fatal(err)
		}
		r := e.Do("POST", publish, s.city, nil)
		if r.Status != http.StatusCreated || string(r.Body) != `{"awards":1}`+"\n" && string(r.Body) != `{"awards":1}` {
			t.Fatalf("publish: %d %s", r.Status, r.Body)
		}
		var title string
		if err := e.Store.DB().QueryRow(e.Store.Rebind(`SELECT title FROM awards WHERE volunteer_id = ?`), nominee.ID).Scan(&title); err != nil || title != "学雷锋志愿服务月最美志愿者" {
			t.Fatalf("award: %q %v", title, err)
		}
		if r := e.Do("POST", publish, s.city, nil); r.Status != http.StatusConflict {
			t.Fatalf("second publication: %d %s", r.Status, r.Body)
		}
		var out struct {
			Categories []struct {
				Category   string
				Candidates []struct {
					ID        int64 `json:"id"`
					JuryRank  int   `json:"jury_rank"`
					Winner    bool  `json:"winner"`
					Likes     int64 `json:"likes"`
					LikesRank int   `json:"likes_rank"`
				}
			}
		}
		e.Do("GET", publish, "", nil).Decode(&out)
		if len(out.Categories) != 2 || len(out.Categories[0].Candidates) != 1 || !out.Categories[0].Candidates[0].Winner ||
			out.Categories[1].Candidates[0].Likes != 1 || out.Categories[1].Candidates[0].LikesRank != 1 || out.Categories[1].Candidates[0].JuryRank != 1 {
			t.Fatalf("results: %+v", out)
		}
	})
}

// TestNominationPhotosAPI: photos are stored re-encoded with the nomination, at most
// NominationPhotosMax of them, and a decompression bomb is refused naming the photo.
func TestNominationPhotosAPI(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		s := newSelectionEnv(t, e)
		path := fmt.Sprintf("/api/v1/campaigns/%d/nominations", s.campaign)
		photo := base64.StdEncoding.EncodeToString(photoJPEG(t, 300, 400))
		body := func(photos ...string) map[string]any {
			return map[string]any{"category": "community", "community_name": "华工社区", "community_region": "440106", "story": "社区志愿服务站", "photos": photos}
		}
		if r := e.Do("POST", path, s.district, body(photo, photo, photo, photo)); r.Status != http.StatusUnprocessableEntity {
			t.Fatalf("four photos: %d %s", r.Status, r.Body)
		}
		bomb := base64.StdEncoding.EncodeToString(servertest.BombPNG(6320, 6320, 16, 6, 8))
		if r := e.Do("POST", path, s.district, body(bomb)); r.Status != http.StatusUnprocessableEntity {
			t.Fatalf("a bomb: %d %s", r.Status, r.Body)
		} else if _, fields := r.Reasons(); fields["photos"] != "card.photo_too_costly" {
			t.Fatalf("a bomb refused without naming photos: %s", r.Body)
		}
		if n := countRows(t, e.Store, "nominations"); n != 0 {
			t.Fatalf("%d nominations after refusals", n)
		}
		r := e.Do("POST", path, s.district, body(photo, photo))
		var n zhiyuan.Nomination
		r.Decode(&n)
		if r.Status != http.StatusCreated || n.Photos != 2 {
			t.Fatalf("two photos: %d %s", r.Status, r.Body)
		}
	})
}
