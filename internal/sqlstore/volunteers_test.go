package sqlstore_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"zhiyuan"
	"zhiyuan/internal/sqlstore"
	"zhiyuan/internal/sqlstore/storetest"
)

func newVolunteer(phone, region string) *zhiyuan.Volunteer {
	return &zhiyuan.Volunteer{
		Name: "张小红", IDType: zhiyuan.IDResident, IDNumberMasked: "440***********123X", Phone: phone,
		RegionCode: region, BirthDate: time.Date(2000, 2, 29, 0, 0, 0, 0, time.UTC), Sex: "female",
		PoliticalStatus: "共青团员", Skills: []string{"急救", "摄影"}, Categories: []string{"elderly_care"},
		ServiceAreas: []string{"440106"}, Availability: zhiyuan.Availability{Weekdays: []int{6, 7}, Times: []string{"morning"}},
	}
}

func secrets(index string) sqlstore.VolunteerSecrets {
	return sqlstore.VolunteerSecrets{PasswordHash: "h", IDNumberSealed: []byte{1, 2, 3}, IDNumberIndex: index}
}

func TestVolunteerCreateAndFind(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		v := newVolunteer("13800000001", "440106")
		if err := s.CreateVolunteer(ctx, v, secrets("idx1")); err != nil {
			t.Fatal(err)
		}
		if v.ID == 0 || v.AccountID == 0 || !zhiyuan.ValidVolunteerNo(v.VolunteerNo) || v.VolunteerNo[:6] != "440106" {
			t.Fatalf("created %+v", v)
		}
		for _, find := range []func() (*zhiyuan.Volunteer, error){
			func() (*zhiyuan.Volunteer, error) { return s.FindVolunteerByID(ctx, v.ID) },
			func() (*zhiyuan.Volunteer, error) { return s.FindVolunteerByAccountID(ctx, v.AccountID) },
			func() (*zhiyuan.Volunteer, error) { return s.FindVolunteerByNo(ctx, v.VolunteerNo) },
		} {
			got, err := find()
			if err != nil {
				t.Fatal(err)
			}
			if got.Name != "张小红" || got.Phone != "13800000001" || !got.BirthDate.Equal(v.BirthDate) || got.Sex != "female" ||
				!slices.Equal(got.Skills, []string{"急救", "摄影"}) || !slices.Equal(got.Categories, []string{"elderly_care"}) ||
				!slices.Equal(got.ServiceAreas, []string{"440106"}) || !slices.Equal(got.Availability.Weekdays, []int{6, 7}) ||
				got.Status != zhiyuan.VolunteerActive || got.Guardian != nil || got.Minor {
				t.Fatalf("found %+v", got)
			}
		}
		acc, _, err := s.FindAccountByVolunteerNo(ctx, v.VolunteerNo)
		if err != nil || acc.ID != v.AccountID || len(acc.Roles) != 1 || acc.Roles[0].Kind != zhiyuan.RoleVolunteer {
			t.Fatalf("account by number: %+v %v", acc, err)
		}
		if _, err := s.FindVolunteerByAccountID(ctx, 999999); zhiyuan.ErrorCode(err) != zhiyuan.ENotFound {
			t.Fatalf("missing volunteer: %v", err)
		}

		// Second volunteer in the same county: next sequence.
		w := newVolunteer("13800000002", "440106")
		if err := s.CreateVolunteer(ctx, w, secrets("idx2")); err != nil {
			t.Fatal(err)
		}
		if w.VolunteerNo == v.VolunteerNo || w.VolunteerNo[6:13] != "0000002" {
			t.Fatalf("numbers %s %s", v.VolunteerNo, w.VolunteerNo)
		}

		// Same identity number or same phone: conflicts naming the field, nothing written.
		err = s.CreateVolunteer(ctx, newVolunteer("13800000003", "440106"), secrets("idx1"))
		if zhiyuan.ErrorCode(err) != zhiyuan.EConflict || zhiyuan.ErrorProblems(err)["id_number"].Reason != "volunteer.id_number_taken" {
			t.Fatalf("same id number: %v", err)
		}
		err = s.CreateVolunteer(ctx, newVolunteer("13800000001", "440106"), secrets("idx3"))
		if zhiyuan.ErrorCode(err) != zhiyuan.EConflict || zhiyuan.ErrorProblems(err)["phone"].Reason != "account.phone_taken" {
			t.Fatalf("same phone: %v", err)
		}
		var n int
		s.DB().QueryRow("SELECT COUNT(*) FROM accounts").Scan(&n)
		if n != 2 {
			t.Fatalf("%d accounts after conflicts, want 2", n)
		}
	})
}

func TestVolunteerNumbersConcurrent(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		var wg sync.WaitGroup
		nos := make([]string, 20)
		errs := make([]error, 20)
		for i := range 20 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				v := newVolunteer(fmt.Sprintf("139123400%02d", i), "440303")
				errs[i] = s.CreateVolunteer(ctx, v, secrets(fmt.Sprint("c", i)))
				nos[i] = v.VolunteerNo
			}()
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		slices.Sort(nos)
		if len(slices.Compact(nos)) != 20 {
			t.Fatalf("duplicate numbers: %v", nos)
		}
	})
}

func TestVolunteerProfileConsentClose(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		v := newVolunteer("13800000011", "440106")
		v.Minor = true
		if err := s.CreateVolunteer(ctx, v, secrets("m1")); err != nil {
			t.Fatal(err)
		}
		err := s.UpdateVolunteerProfile(ctx, v.ID, sqlstore.VolunteerProfile{
			PoliticalStatus: "群众", Skills: []string{"编程"}, Categories: []string{"education", "community"},
			EmailSealed: []byte("sealed email"), Availability: zhiyuan.Availability{Weekdays: []int{1}, Times: []string{"evening"}},
		})
		if err != nil {
			t.Fatal(err)
		}
		got, _ := s.FindVolunteerByID(ctx, v.ID)
		if got.HasConsent() || !slices.Equal(got.Skills, []string{"编程"}) || len(got.Categories) != 2 || len(got.ServiceAreas) != 0 ||
			string(got.Sealed.Email) != "sealed email" || got.Sealed.Address != nil || got.Email != "" || got.PoliticalStatus != "群众" {
			t.Fatalf("after update %+v", got)
		}
		// The store refuses a guardian that is not sealed rather than losing it.
		if _, err := s.RecordGuardianConsent(ctx, v.ID, "父亲", zhiyuan.SealedContact{}); err == nil {
			t.Fatal("guardian without sealed name and phone accepted")
		}
		at, err := s.RecordGuardianConsent(ctx, v.ID, "父亲",
			zhiyuan.SealedContact{GuardianName: []byte("sealed name"), GuardianPhone: []byte("sealed phone")})
		if err != nil {
			t.Fatal(err)
		}
		got, _ = s.FindVolunteerByID(ctx, v.ID)
		if !got.HasConsent() || !got.Guardian.ConsentAt.Equal(at) || got.Guardian.Relation != "父亲" ||
			string(got.Sealed.GuardianName) != "sealed name" || string(got.Sealed.GuardianPhone) != "sealed phone" ||
			got.Guardian.Name != "" || got.Guardian.Phone != "" {
			t.Fatalf("after consent %+v %+v", got.Guardian, got.Sealed)
		}

		if err := s.CloseVolunteer(ctx, v.ID); err != nil {
			t.Fatal(err)
		}
		got, err = s.FindVolunteerByID(ctx, v.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != zhiyuan.VolunteerClosed || got.Name != zhiyuan.ClosedName || got.Email != "" ||
			got.Sealed.Email != nil || got.Sealed.GuardianName != nil || got.Sealed.GuardianPhone != nil ||
			len(got.Skills) != 0 || got.IDNumberMasked != "" || got.Phone == "13800000011" || got.BirthDate.Month() != 1 {
			t.Fatalf("after close %+v", got)
		}
		if _, err := s.VolunteerIDNumberSealed(ctx, v.ID); zhiyuan.ErrorCode(err) != zhiyuan.ENotFound {
			t.Fatalf("sealed number after close: %v", err)
		}
		if _, _, err := s.FindAccountByVolunteerNo(ctx, v.VolunteerNo); zhiyuan.ErrorCode(err) != zhiyuan.ENotFound {
			t.Fatalf("login by number after close: %v", err)
		}
		// The same person (same blind index and phone) may register again.
		if err := s.CreateVolunteer(ctx, newVolunteer("13800000011", "440106"), secrets("m1")); err != nil {
			t.Fatalf("register again after close: %v", err)
		}
		if err := s.CloseVolunteer(ctx, v.ID); zhiyuan.ErrorCode(err) != zhiyuan.ENotFound {
			t.Fatalf("close twice: %v", err)
		}
	})
}
