package web_test

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"zhiyuan"
	"zhiyuan/internal/password"
	"zhiyuan/internal/server/servertest"
	"zhiyuan/internal/sqlstore"
)

// yimiaoPageSetup opens a round run by Guangdong (collection open now) and drafts a
// project for an approved organisation in 天河区 whose admin is logged in on the returned
// browser; the organisation has approved members 张三 and 张三丰, and 张小明 applied to it
// without being approved.
type yimiaoPageSetup struct {
	org                       *servertest.Browser
	orgToken, province        string
	provincePhone             string
	round, project            int64
	zhangSan, zhangSanFeng    int64
	pendingMember, otherOrgVo int64
}

func newYimiaoPage(t *testing.T, e *servertest.Env) yimiaoPageSetup {
	t.Helper()
	var s yimiaoPageSetup
	s.provincePhone = orgPageAdmin(t, e, zhiyuan.Role{Kind: zhiyuan.RoleRegional, RegionCode: "440000"})
	s.province = e.Token(s.provincePhone, "test1234")
	phone := e.NewPhone()
	hash, _ := password.Hash("test1234", password.Fast)
	acc := &zhiyuan.Account{Phone: phone, Name: "组织管理员"}
	if err := e.Store.CreateAccount(t.Context(), acc, hash); err != nil {
		t.Fatal(err)
	}
	o := &zhiyuan.Organization{Name: "天河区青年志愿者协会", Type: "社会组织", RegionCode: "440106",
		ContactName: "李老师", ContactPhone: "13800001111", CreatedBy: acc.ID}
	if err := e.Store.CreateOrganization(t.Context(), o); err != nil {
		t.Fatal(err)
	}
	if err := e.Store.DecideOrganization(t.Context(), o.ID, zhiyuan.OrgApproved, "", acc.ID, nil); err != nil {
		t.Fatal(err)
	}
	volunteer := func(name string, status zhiyuan.MemberStatus) int64 {
		p := e.NewPhone()
		v := &zhiyuan.Volunteer{Name: name, IDType: zhiyuan.IDResident, IDNumberMasked: "440***********001X", Phone: p,
			RegionCode: "440106", BirthDate: time.Date(1990, 3, 1, 0, 0, 0, 0, time.UTC), Sex: "male"}
		if err := e.Store.CreateVolunteer(t.Context(), v, sqlstore.VolunteerSecrets{PasswordHash: hash, IDNumberIndex: "yp" + p}); err != nil {
			t.Fatal(err)
		}
		if status != "" {
			if _, err := e.Store.ApplyMembership(t.Context(), o.ID, v.ID); err != nil {
				t.Fatal(err)
			}
			if status != zhiyuan.MemberPending {
				if err := e.Store.DecideMembership(t.Context(), o.ID, v.ID, status, acc.ID, nil); err != nil {
					t.Fatal(err)
				}
			}
		}
		return v.ID
	}
	s.zhangSan, s.zhangSanFeng = volunteer("张三", zhiyuan.MemberApproved), volunteer("张三丰", zhiyuan.MemberApproved)
	s.pendingMember, s.otherOrgVo = volunteer("张小明", zhiyuan.MemberPending), volunteer("张外人", "")

	now := e.Store.Now()
	var stages []map[string]any
	at := now.Add(-time.Hour)
	for i, st := range zhiyuan.CompetitionStages {
		end := now.Add(time.Duration(i+1) * 24 * time.Hour)
		stages = append(stages, map[string]any{"stage": string(st), "starts_at": at.Format(time.RFC3339), "ends_at": end.Format(time.RFC3339)})
		at = end
	}
	res := e.Do("POST", "/api/v1/competitions", s.province, map[string]any{"name": "2027 益苗计划", "region_code": "440000",
		"tracks": []string{"助老"}, "stages": stages, "quotas": []map[string]any{{"city_code": "440100", "quota": 1}},
		"criteria": []map[string]any{{"name": "需求分析", "weight": 40}, {"name": "项目设计", "weight": 60}}})
	if res.Status != http.StatusCreated {
		t.Fatalf("round: %d %s", res.Status, res.Body)
	}
	var c struct{ ID int64 }
	res.Decode(&c)
	s.round = c.ID
	s.orgToken = e.Token(phone, "test1234")
	res = e.Do("POST", fmt.Sprintf("/api/v1/competitions/%d/projects", s.round), s.orgToken, map[string]any{"org_id": o.ID,
		"name": "银龄陪伴", "track": "助老", "region_code": "440106", "budget": []map[string]any{{"item": "物资", "amount_fen": 10000}},
		"budget_total_fen": 10000})
	if res.Status != http.StatusCreated {
		t.Fatalf("project: %d %s", res.Status, res.Body)
	}
	var pj struct{ ID int64 }
	res.Decode(&pj)
	s.project = pj.ID
	s.org = browserAs(t, e, phone)
	return s
}

// postFile sends a multipart form with data as the field "file", as the page's upload
// form does.
func postFile(e *servertest.Env, b *servertest.Browser, path, name string, data []byte) *servertest.Response {
	return b.PostMultipart(path, nil, servertest.FormFile{Field: "file", Name: name, Data: data})
}

// TestCompetitionTeamEditorPage: the project page's team editor works without
// JavaScript: a search (GET) finds the organisation's approved members only, each found
// one is added with a role by its own form, a member is removed by a button; refusals
// (not a member, twice, a role too long) are 422 on the page tied to the inputs, with the
// API's messages. Once submitted the editor is gone and a forged add is refused.
func TestCompetitionTeamEditorPage(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		s := newYimiaoPage(t, e)
		page := fmt.Sprintf("/competition-projects/%d", s.project)
		res := s.org.Get(page + "?team_q=" + url.QueryEscape("张"))
		body := string(res.Body)
		if res.Status != http.StatusOK || !strings.Contains(body, "张三丰") || !strings.Contains(body, fmt.Sprintf(`name="volunteer_id" value="%d"`, s.zhangSan)) ||
			strings.Contains(body, "张小明") || strings.Contains(body, "张外人") {
			t.Fatalf("the search shows approved members only: %d\n%s", res.Status, body)
		}
		res = s.org.Post(page+"/team", url.Values{"volunteer_id": {fmt.Sprint(s.zhangSan)}, "role": {"负责人"}, "team_q": {"张"}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("add: %d %s", res.Status, res.Body)
		}
		res = s.org.Get(page)
		if !strings.Contains(string(res.Body), "张三（负责人）") {
			t.Fatalf("the team after adding: %s", res.Body)
		}
		for _, c := range []struct {
			why, volunteer, role, field, msg string
		}{
			{"a pending applicant", fmt.Sprint(s.pendingMember), "", "volunteer_id", "团队成员应为本组织已加入的志愿者"},
			{"someone from outside", fmt.Sprint(s.otherOrgVo), "", "volunteer_id", "团队成员应为本组织已加入的志愿者"},
			{"the same member twice", fmt.Sprint(s.zhangSan), "", "volunteer_id", "同一成员只能列一次"},
			{"nobody chosen", "", "", "volunteer_id", "请选择要加入团队的志愿者"},
			{"a role too long", fmt.Sprint(s.zhangSanFeng), strings.Repeat("长", 31), "role", "不能超过30"},
		} {
			res := s.org.Post(page+"/team", url.Values{"volunteer_id": {c.volunteer}, "role": {c.role}, "team_q": {"张三"}})
			body := string(res.Body)
			if res.Status != http.StatusUnprocessableEntity || !strings.Contains(body, c.msg) ||
				!strings.Contains(body, `aria-describedby="err-`+c.field+`"`) {
				t.Errorf("%s: %d\n%s", c.why, res.Status, body)
			}
		}
		res = s.org.Post(page+"/team", url.Values{"volunteer_id": {fmt.Sprint(s.zhangSanFeng)}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("add a second: %d %s", res.Status, res.Body)
		}
		if res := s.org.Post(page+"/team/remove", url.Values{"volunteer_id": {fmt.Sprint(s.zhangSan)}}); res.Status != http.StatusSeeOther {
			t.Fatalf("remove: %d %s", res.Status, res.Body)
		}
		var got struct {
			Team []struct {
				VolunteerID int64 `json:"volunteer_id"`
				Role        string
			}
		}
		e.Do("GET", fmt.Sprintf("/api/v1/competition-projects/%d", s.project), s.orgToken, nil).Decode(&got)
		if len(got.Team) != 1 || got.Team[0].VolunteerID != s.zhangSanFeng {
			t.Fatalf("the team through the API: %+v", got.Team)
		}
		// Submitted: no editor, and a forged add changes nothing.
		if res := e.Do("POST", fmt.Sprintf("/api/v1/competition-projects/%d/submit", s.project), s.orgToken, nil); res.Status != http.StatusOK {
			t.Fatalf("submit: %d %s", res.Status, res.Body)
		}
		res = s.org.Get(page)
		if strings.Contains(string(res.Body), `action="`+page+`/team"`) || strings.Contains(string(res.Body), `name="team_q"`) {
			t.Fatalf("the team editor is still offered once submitted")
		}
		if res := s.org.Post(page+"/team", url.Values{"volunteer_id": {fmt.Sprint(s.zhangSan)}}); res.Status != http.StatusConflict {
			t.Fatalf("add once submitted: %d", res.Status)
		}
	})
}

// TestCompetitionAttachmentsPage: a PDF uploaded through the page's multipart form is
// listed with a download link whose answer is the file; a text file named .pdf is 422
// on the page with the message tied to the file input and nothing stored; deleting asks
// first (the confirmation changes nothing) and then removes the file.
func TestCompetitionAttachmentsPage(t *testing.T) {
	t.Parallel()
	servertest.Each(t, func(t *testing.T, e *servertest.Env) {
		s := newYimiaoPage(t, e)
		page := fmt.Sprintf("/competition-projects/%d", s.project)
		pdf := []byte("%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n")
		res := postFile(e, s.org, page+"/attachments", "项目方案.pdf", pdf)
		if res.Status != http.StatusSeeOther {
			t.Fatalf("upload: %d %s", res.Status, res.Body)
		}
		res = postFile(e, s.org, page+"/attachments", "预算.pdf", []byte("预算表，不是PDF"))
		body := string(res.Body)
		if res.Status != http.StatusUnprocessableEntity || !strings.Contains(body, "附件须为PDF文件或JPEG、PNG格式的图片") ||
			!strings.Contains(body, `aria-describedby="err-file"`) {
			t.Fatalf("a text file called .pdf: %d\n%s", res.Status, body)
		}
		res = s.org.Get(page)
		body = string(res.Body)
		i := strings.Index(body, `href="/competition-attachments/`)
		if i < 0 || !strings.Contains(body, "项目方案.pdf") || strings.Contains(body, "预算.pdf") {
			t.Fatalf("the list: %s", body)
		}
		link := body[i+len(`href="`):]
		link = link[:strings.Index(link, `"`)]
		res = s.org.Get(link)
		if res.Status != http.StatusOK || !bytes.Equal(res.Body, pdf) || !strings.Contains(res.Header.Get("Content-Disposition"), "attachment") {
			t.Fatalf("download %s: %d %v", link, res.Status, res.Header)
		}
		res = s.org.Get(link + "/delete")
		if res.Status != http.StatusOK || !strings.Contains(string(res.Body), "确定删除这个附件吗") {
			t.Fatalf("delete asks first: %d %s", res.Status, res.Body)
		}
		if res := s.org.Post(link+"/delete", url.Values{}); res.Status != http.StatusOK || s.org.Get(link).Status != http.StatusOK {
			t.Fatalf("a delete without confirm=1 deleted: %d", res.Status)
		}
		if res := s.org.Post(link+"/delete", url.Values{"confirm": {"1"}}); res.Status != http.StatusSeeOther {
			t.Fatalf("delete: %d %s", res.Status, res.Body)
		}
		if res := s.org.Get(link); res.Status != http.StatusNotFound {
			t.Fatalf("deleted file: %d", res.Status)
		}
	})
}
