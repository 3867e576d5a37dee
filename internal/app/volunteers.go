package app

import (
	"context"
	"errors"
	"log/slog"
	"net/mail"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"zhiyuan"
	"zhiyuan/internal/idcard"
	"zhiyuan/internal/password"
	"zhiyuan/internal/pii"
	"zhiyuan/internal/region"
	"zhiyuan/internal/sqlstore"
)

// loginByVolunteerNo lets volunteers log in with their volunteer number. A string that
// fails the check digit is not looked up at all.
func loginByVolunteerNo(ctx context.Context, a *App, login string) (*zhiyuan.Account, string, error) {
	login = strings.TrimSpace(login)
	if !zhiyuan.ValidVolunteerNo(login) {
		return nil, "", zhiyuan.Fail(zhiyuan.ENotFound, "notfound.account")
	}
	return a.store.FindAccountByVolunteerNo(ctx, login)
}

// GuardianInput is a minor's guardian as entered. Consent says the guardian agrees to the
// minor's volunteering; only then is the consent time recorded.
type GuardianInput struct {
	Name     string
	Phone    string
	Relation string
	Consent  bool
}

// RegisterInput is a volunteer registration as entered on the form or sent to the API.
type RegisterInput struct {
	Name            string
	IDType          string // resident_id (default), hk_macao_permit, taiwan_permit, passport
	IDNumber        string
	Phone           string
	Password        string
	RegionCode      string
	BirthDate       string // YYYY-MM-DD; only for documents other than the resident id
	Sex             string // male or female; only for documents other than the resident id
	PoliticalStatus string
	Skills          []string
	Categories      []string
	Guardian        *GuardianInput
}

// idIndexKind is the blind-index namespace of a document type. Resident numbers use
// "id_number" itself; other documents get their own namespace so a passport number can
// never collide with a permit number that happens to be spelled the same.
func idIndexKind(t zhiyuan.IDType) string {
	if t == zhiyuan.IDResident {
		return "id_number"
	}
	return "id_number:" + string(t)
}

// today is the current time in Beijing: the day that counts for ages and birth dates.
func (a *App) today() time.Time { return a.store.Now().In(zhiyuan.Beijing) }

// RegisterVolunteer registers a volunteer under their real name: it checks every field,
// seals the identity number and creates the account and the volunteer in one transaction.
// Under-14s are refused with the reason; 14–17-year-olds become minors, with the guardian
// recorded when given and the consent time recorded when the guardian consents. The same
// document or phone twice is a 409 conflict naming id_number or phone.
func (a *App) RegisterVolunteer(ctx context.Context, in RegisterInput) (*zhiyuan.Volunteer, error) {
	v, number, p := a.checkRegistration(in, true)
	if err := p.Err(); err != nil {
		return nil, err
	}
	if err := a.throttleRegistration(ctx); err != nil {
		return nil, err
	}

	v.IDNumberMasked = pii.MaskIDNumber(number)
	sealed, err := a.Keys.Seal(number, "id_number")
	if err != nil {
		return nil, err
	}
	if err := a.SealContact(v); err != nil {
		return nil, err
	}
	hash, err := password.Hash(in.Password, a.Config.Password)
	if err != nil {
		return nil, err
	}
	sec := sqlstore.VolunteerSecrets{PasswordHash: hash, IDNumberSealed: sealed, IDNumberIndex: a.Keys.BlindIndex(idIndexKind(v.IDType), number)}
	if err := a.store.CreateVolunteer(ctx, v, sec); err != nil {
		return nil, err
	}
	a.Log.InfoContext(ctx, "volunteer registered", slog.Int64("volunteer_id", v.ID), slog.String("region", v.RegionCode),
		slog.Bool("minor", v.Minor))
	return v, nil
}

// checkRegistration applies every rule of real-name registration to in: the one
// definition the registration form, the API and the import of member lists share. It
// returns the volunteer as it would be registered, the identity number normalised, and
// the problems by field (name, id_type, id_number, birth_date, sex, phone, password,
// region_code, political_status, skills, categories, guardian.*). Under-14s are refused;
// 14–17-year-olds become minors, with the guardian when given. The password is checked
// only when withPassword is set (an imported person sets theirs when claiming).
func (a *App) checkRegistration(in RegisterInput, withPassword bool) (*zhiyuan.Volunteer, string, zhiyuan.Problems) {
	p := zhiyuan.Problems{}
	now := a.today()
	v := &zhiyuan.Volunteer{}

	v.Name = strings.TrimSpace(in.Name)
	checkPersonName(p, "name", v.Name, false)
	if in.IDType == "" {
		in.IDType = string(zhiyuan.IDResident)
	}
	v.IDType = zhiyuan.IDType(in.IDType)
	var number string
	ageField := "id_number"
	switch v.IDType {
	case zhiyuan.IDResident:
		n, err := idcard.Parse(in.IDNumber, now)
		if err != nil {
			p.Add("id_number", idNumberReason(v.IDType, err))
			break
		}
		number = n.String()
		v.BirthDate = n.BirthDate()
		v.Sex = n.Sex().String()
	case zhiyuan.IDHKMacaoPermit, zhiyuan.IDTaiwanPermit, zhiyuan.IDPassport:
		var err error
		switch v.IDType {
		case zhiyuan.IDHKMacaoPermit:
			number, err = idcard.ValidateHKMacaoPermit(in.IDNumber)
		case zhiyuan.IDTaiwanPermit:
			number, err = idcard.ValidateTaiwanPermit(in.IDNumber)
		default:
			number, err = idcard.ValidatePassport(in.IDNumber)
		}
		if err != nil {
			p.Add("id_number", idNumberReason(v.IDType, err))
		}
		ageField = "birth_date"
		if b, reason := parseBirthDate(in.BirthDate, now); reason != "" {
			p.Add("birth_date", reason)
		} else {
			v.BirthDate = b
		}
		switch in.Sex {
		case "male", "female":
			v.Sex = in.Sex
		default:
			p.Add("sex", "volunteer.gender_required")
		}
	default:
		p.Add("id_type", "volunteer.id_type_unknown")
	}

	phone, err := pii.NormalizePhone(in.Phone)
	if err != nil {
		p.Add("phone", "volunteer.phone_format")
	}
	v.Phone = phone
	if withPassword {
		checkPassword(p, "password", in.Password)
	}
	if code, ok := a.Regions.Normalize(strings.TrimSpace(in.RegionCode)); ok && a.Regions.IsCounty(code) {
		v.RegionCode = code
	} else if strings.TrimSpace(in.RegionCode) == "" {
		p.Add("region_code", "volunteer.region_required")
	} else {
		p.Add("region_code", "volunteer.region_county")
	}
	v.PoliticalStatus = strings.TrimSpace(in.PoliticalStatus)
	if !zhiyuan.ValidPoliticalStatus(v.PoliticalStatus) {
		p.Add("political_status", "volunteer.political_status_unknown")
	}
	v.Skills = checkSkills(p, in.Skills)
	v.Categories = checkCategories(p, in.Categories)

	if !v.BirthDate.IsZero() {
		age := zhiyuan.AgeOn(v.BirthDate, now)
		switch {
		case age < zhiyuan.MinRegisterAge:
			p.Add(ageField, "volunteer.under_14")
		case age < zhiyuan.AdultAge:
			v.Minor = true
			if in.Guardian == nil {
				break
			}
			g, gp := checkGuardian(*in.Guardian, phone)
			for f, m := range gp {
				if _, ok := p[f]; !ok {
					p[f] = m
				}
			}
			if in.Guardian.Consent {
				g.ConsentAt = a.store.Now()
			}
			v.Guardian = g
		}
	}
	return v, number, p
}

// checkPersonName adds under field a problem when a real name (the volunteer's own, or
// a guardian's) is unusable.
func checkPersonName(p zhiyuan.Problems, field, name string, guardian bool) {
	n := utf8.RuneCountInString(name)
	bad := false
	for _, r := range name {
		if unicode.IsDigit(r) || unicode.IsControl(r) || strings.ContainsRune("<>\"'&;/\\@#$%^*=+|{}[]", r) {
			bad = true
		}
	}
	switch {
	case n == 0 && guardian:
		p.Add(field, "guardian.name_required")
	case n == 0:
		p.Add(field, "name.required")
	case n < zhiyuan.MinNameRunes && guardian:
		p.Add(field, "guardian.name_short", "min", zhiyuan.MinNameRunes)
	case n < zhiyuan.MinNameRunes:
		p.Add(field, "name.short", "min", zhiyuan.MinNameRunes)
	case n > zhiyuan.MaxNameRunes && guardian:
		p.Add(field, "guardian.name_long", "max", zhiyuan.MaxNameRunes)
	case n > zhiyuan.MaxNameRunes:
		p.Add(field, "name.long", "max", zhiyuan.MaxNameRunes)
	case bad && guardian:
		p.Add(field, "guardian.name_chars")
	case bad:
		p.Add(field, "name.chars")
	}
}

// parseBirthDate reads a YYYY-MM-DD birth date that lies between 1900 and today.
// It returns the catalogue key of the problem, or "".
func parseBirthDate(s string, today time.Time) (time.Time, zhiyuan.Msg) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, "birth_date.required"
	}
	b, err := time.Parse("2006-01-02", s)
	if err != nil {
		return time.Time{}, "birth_date.format"
	}
	y, m, d := today.Date()
	if b.After(time.Date(y, m, d, 0, 0, 0, 0, time.UTC)) {
		return time.Time{}, "birth_date.future"
	}
	if b.Year() < 1900 {
		return time.Time{}, "birth_date.before_1900"
	}
	return b, ""
}

// checkSkills applies the one skill rule activities' requirements follow too.
func checkSkills(p zhiyuan.Problems, items []string) []string {
	if skills := zhiyuan.CheckSkills(p, "skills", items); skills != nil {
		return skills
	}
	return []string{}
}

func checkCategories(p zhiyuan.Problems, items []string) []string {
	cats := zhiyuan.CleanList(items)
	for i, c := range cats {
		c = zhiyuan.NormalizeCategory(c)
		cats[i] = c
		if zhiyuan.ServiceCategoryName(c) == "" {
			p.Add("categories", "volunteer.category_unknown", "category", c)
		}
	}
	return cats
}

// checkGuardian validates a guardian; the problems are keyed guardian.<field>.
func checkGuardian(in GuardianInput, volunteerPhone string) (*zhiyuan.Guardian, zhiyuan.Problems) {
	p := zhiyuan.Problems{}
	g := &zhiyuan.Guardian{Name: strings.TrimSpace(in.Name), Relation: strings.TrimSpace(in.Relation)}
	checkPersonName(p, "guardian.name", g.Name, true)
	phone, err := pii.NormalizePhone(in.Phone)
	switch {
	case err != nil:
		p.Add("guardian.phone", "volunteer.guardian_phone_format")
	case phone == volunteerPhone:
		p.Add("guardian.phone", "volunteer.guardian_phone_same")
	}
	g.Phone = phone
	if !slices.Contains(zhiyuan.GuardianRelations, g.Relation) {
		p.Add("guardian.relation", "volunteer.guardian_relation_unknown", "relations", strings.Join(zhiyuan.GuardianRelations, "、"))
	}
	return g, p
}

// MyVolunteer returns the caller's own volunteer record (with skills, guardian consent
// and the contact details opened), or ENotFound when the caller has not registered as a
// volunteer.
func (a *App) MyVolunteer(ctx context.Context, p *zhiyuan.Principal) (*zhiyuan.Volunteer, error) {
	if err := a.authorize(ctx, p, zhiyuan.ActSelf, zhiyuan.Resource{OwnerID: p.AccountIDOrZero()}); err != nil {
		return nil, err
	}
	v, err := a.store.FindVolunteerByAccountID(ctx, p.AccountID)
	if err != nil {
		return nil, err
	}
	if v.Status != zhiyuan.VolunteerActive {
		return nil, zhiyuan.Fail(zhiyuan.ENotFound, "notfound.volunteer")
	}
	if err := a.openContact(v, openAll); err != nil {
		return nil, err
	}
	return v, nil
}

// myVolunteerByID reads back the caller's own record after a change, contact details
// opened.
func (a *App) myVolunteerByID(ctx context.Context, id int64) (*zhiyuan.Volunteer, error) {
	v, err := a.store.FindVolunteerByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := a.openContact(v, openAll); err != nil {
		return nil, err
	}
	return v, nil
}

// Volunteer returns one volunteer to its owner or to an administrator whose scope
// contains the volunteer's region. Anyone else gets 403. The owner gets every contact
// detail opened; an administrator only the guardian (shown with the phone masked), never
// the email or address, which stay sealed.
func (a *App) Volunteer(ctx context.Context, p *zhiyuan.Principal, id int64) (*zhiyuan.Volunteer, error) {
	if p == nil {
		return nil, zhiyuan.Fail(zhiyuan.EUnauthorized, "auth.login_required")
	}
	v, err := a.store.FindVolunteerByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := a.authorizeVolunteer(ctx, p, zhiyuan.ActRegionManage, v); err != nil {
		return nil, err
	}
	parts := openGuardian
	if p.AccountID == v.AccountID {
		parts = openAll
	}
	if err := a.openContact(v, parts); err != nil {
		return nil, err
	}
	return v, nil
}

// authorizeVolunteer lets the owner act on their own record and asks act of anyone else.
func (a *App) authorizeVolunteer(ctx context.Context, p *zhiyuan.Principal, act zhiyuan.Action, v *zhiyuan.Volunteer) error {
	if p != nil && p.AccountID == v.AccountID {
		return a.authorize(ctx, p, zhiyuan.ActSelf, v.Resource())
	}
	return a.authorize(ctx, p, act, zhiyuan.Resource{RegionCode: v.RegionCode})
}

// RevealIDNumber returns a volunteer's full identity number to an administrator allowed to
// see it (pii.reveal: a regional admin whose scope contains the volunteer's region, or the
// platform), after writing the audit record. Without the audit record there is no reveal.
func (a *App) RevealIDNumber(ctx context.Context, p *zhiyuan.Principal, id int64) (string, error) {
	if p == nil {
		return "", zhiyuan.Fail(zhiyuan.EUnauthorized, "auth.login_required")
	}
	v, err := a.store.FindVolunteerByID(ctx, id)
	if err != nil {
		return "", err
	}
	if err := a.authorize(ctx, p, zhiyuan.ActPIIReveal, zhiyuan.Resource{RegionCode: v.RegionCode}); err != nil {
		return "", err
	}
	sealed, err := a.store.VolunteerIDNumberSealed(ctx, id)
	if err != nil {
		return "", err
	}
	number, err := a.Keys.Open(sealed, "id_number")
	if err != nil {
		return "", err
	}
	if err := a.audit(ctx, p, "pii.reveal", "volunteer", strconv.FormatInt(id, 10), v.RegionCode, 0, "id_number"); err != nil {
		return "", err
	}
	return number, nil
}

// ProfileInput is a change of a volunteer's own profile; nil fields stay as they are
// (PATCH semantics).
type ProfileInput struct {
	PoliticalStatus *string
	Skills          *[]string
	Categories      *[]string
	ServiceAreas    *[]string
	Weekdays        *[]int
	Times           *[]string
	Email           *string
	Address         *string
}

// UpdateMyVolunteer changes the caller's own profile and returns it.
func (a *App) UpdateMyVolunteer(ctx context.Context, p *zhiyuan.Principal, in ProfileInput) (*zhiyuan.Volunteer, error) {
	v, err := a.MyVolunteer(ctx, p)
	if err != nil {
		return nil, err
	}
	prob := zhiyuan.Problems{}
	up := sqlstore.VolunteerProfile{
		PoliticalStatus: v.PoliticalStatus, Skills: v.Skills, Categories: v.Categories, ServiceAreas: v.ServiceAreas,
		Availability: v.Availability,
	}
	email, address := v.Email, v.Address
	if in.PoliticalStatus != nil {
		up.PoliticalStatus = strings.TrimSpace(*in.PoliticalStatus)
		if !zhiyuan.ValidPoliticalStatus(up.PoliticalStatus) {
			prob.Add("political_status", "volunteer.political_status_unknown")
		}
	}
	if in.Skills != nil {
		up.Skills = checkSkills(prob, *in.Skills)
	}
	if in.Categories != nil {
		up.Categories = checkCategories(prob, *in.Categories)
	}
	if in.ServiceAreas != nil {
		up.ServiceAreas = nil
		areas := zhiyuan.CleanList(*in.ServiceAreas)
		if len(areas) > zhiyuan.MaxAreas {
			prob.Add("service_areas", "volunteer.areas_too_many", "max", zhiyuan.MaxAreas)
		}
		for _, code := range areas {
			c, ok := a.Regions.Normalize(code)
			r, _ := a.Regions.Lookup(c)
			if !ok || (!a.Regions.IsCounty(c) && r.Level != region.Street) {
				prob.Add("service_areas", "volunteer.area_level", "code", code)
				continue
			}
			up.ServiceAreas = append(up.ServiceAreas, c)
		}
	}
	if in.Weekdays != nil {
		days := slices.Clone(*in.Weekdays)
		for _, d := range days {
			if d < 1 || d > 7 {
				prob.Add("availability.weekdays", "volunteer.weekday_range")
			}
		}
		slices.Sort(days)
		up.Availability.Weekdays = slices.Compact(days)
	}
	if in.Times != nil {
		var times []string
		for _, t := range zhiyuan.TimesOfDay {
			if slices.Contains(*in.Times, t.Code) {
				times = append(times, t.Code)
			}
		}
		for _, t := range *in.Times {
			if !slices.ContainsFunc(zhiyuan.TimesOfDay, func(x struct{ Code, Name string }) bool { return x.Code == t }) {
				prob.Add("availability.times", "volunteer.slot_unknown")
			}
		}
		up.Availability.Times = times
	}
	if in.Email != nil {
		email = strings.TrimSpace(*in.Email)
		if email != "" {
			addr, err := mail.ParseAddress(email)
			if err != nil || addr.Address != email || len(email) > zhiyuan.MaxEmailLen {
				prob.Add("email", "volunteer.email_format")
			}
		}
	}
	if in.Address != nil {
		address = strings.TrimSpace(*in.Address)
		if utf8.RuneCountInString(address) > zhiyuan.MaxAddressRunes {
			prob.Add("address", "volunteer.address_long", "max", zhiyuan.MaxAddressRunes)
		}
	}
	if err := prob.Err(); err != nil {
		return nil, err
	}
	if up.EmailSealed, err = a.seal(email, sealEmail); err != nil {
		return nil, err
	}
	if up.AddressSealed, err = a.seal(address, sealAddress); err != nil {
		return nil, err
	}
	if err := a.store.UpdateVolunteerProfile(ctx, v.ID, up); err != nil {
		return nil, err
	}
	return a.myVolunteerByID(ctx, v.ID)
}

// RecordMyGuardianConsent records the guardian of a minor caller and, with Consent set,
// the time of the guardian's consent, after which the minor may sign up.
func (a *App) RecordMyGuardianConsent(ctx context.Context, p *zhiyuan.Principal, in GuardianInput) (*zhiyuan.Volunteer, error) {
	v, err := a.MyVolunteer(ctx, p)
	if err != nil {
		return nil, err
	}
	if !v.Minor {
		return nil, zhiyuan.Fail(zhiyuan.EInvalid, "volunteer.consent_adult")
	}
	g, prob := checkGuardian(in, v.Phone)
	if !in.Consent {
		prob.Add("guardian.consent", "volunteer.consent_required")
	}
	if err := prob.Err(); err != nil {
		return nil, err
	}
	var sealed zhiyuan.SealedContact
	if sealed.GuardianName, err = a.seal(g.Name, sealGuardianName); err != nil {
		return nil, err
	}
	if sealed.GuardianPhone, err = a.seal(g.Phone, sealGuardianPhone); err != nil {
		return nil, err
	}
	if _, err := a.store.RecordGuardianConsent(ctx, v.ID, g.Relation, sealed); err != nil {
		return nil, err
	}
	a.Log.InfoContext(ctx, "guardian consent recorded", slog.Int64("volunteer_id", v.ID))
	return a.myVolunteerByID(ctx, v.ID)
}

// ChangePassword replaces the caller's password after checking the old one, and revokes
// every other session of the account (keepToken is the session making the change). Wrong
// old passwords count against the same throttle as logins.
func (a *App) ChangePassword(ctx context.Context, p *zhiyuan.Principal, oldPW, newPW, keepToken string) error {
	if err := a.authorize(ctx, p, zhiyuan.ActSelf, zhiyuan.Resource{OwnerID: p.AccountIDOrZero()}); err != nil {
		return err
	}
	prob := zhiyuan.Problems{}
	if oldPW == "" {
		prob.Add("old_password", "password.old_required")
	}
	if checkPassword(prob, "new_password", newPW); prob["new_password"].Reason == "" && newPW == oldPW {
		prob.Add("new_password", "password.same_as_old")
	}
	if err := prob.Err(); err != nil {
		return err
	}
	key := "pw:" + strconv.FormatInt(p.AccountID, 10)
	if until, err := a.store.ThrottleLocked(ctx, key); err != nil {
		return err
	} else if !until.IsZero() {
		return lockedError(until, a.store.Now())
	}
	hash, err := a.store.AccountPasswordHash(ctx, p.AccountID)
	if err != nil {
		return err
	}
	ok, _, err := a.verifyPassword(oldPW, hash)
	if err != nil {
		return err
	}
	if !ok {
		if _, err := a.store.ThrottleFail(ctx, key, a.Config.LoginMaxFailures, a.Config.LoginWindow, a.Config.LoginLock); err != nil {
			return err
		}
		return zhiyuan.FieldFail(zhiyuan.EInvalid, "old_password", "password.old_wrong")
	}
	newHash, err := password.Hash(newPW, a.Config.Password)
	if err != nil {
		return err
	}
	if err := a.store.ChangePassword(ctx, p.AccountID, newHash, keepToken); err != nil {
		return err
	}
	a.Log.InfoContext(ctx, "password changed", slog.Int64("account_id", p.AccountID))
	return nil
}

// CloseMyAccount closes the caller's volunteer account after checking the password: the
// personal data is removed, the person may register again, every session ends, and the
// volunteer id with its records of service stays (see sqlstore.CloseVolunteer).
func (a *App) CloseMyAccount(ctx context.Context, p *zhiyuan.Principal, pw string) error {
	v, err := a.MyVolunteer(ctx, p)
	if err != nil {
		return err
	}
	if pw == "" {
		return zhiyuan.FieldFail(zhiyuan.EInvalid, "password", "volunteer.delete_password_required")
	}
	hash, err := a.store.AccountPasswordHash(ctx, p.AccountID)
	if err != nil {
		return err
	}
	if ok, _, err := a.verifyPassword(pw, hash); err != nil {
		return err
	} else if !ok {
		return zhiyuan.FieldFail(zhiyuan.EInvalid, "password", "password.wrong")
	}
	if err := a.store.CloseVolunteer(ctx, v.ID); err != nil {
		return err
	}
	// The closure itself is on record, without any personal data.
	if err := a.audit(ctx, p, "volunteer.close", "volunteer", strconv.FormatInt(v.ID, 10), v.RegionCode, 0, ""); err != nil {
		a.Log.ErrorContext(ctx, "audit volunteer.close", slog.Any("err", err))
	}
	return nil
}

// Export is everything the platform keeps about the caller, for download.
type Export struct {
	ExportedAt time.Time        `json:"exported_at"`
	Account    ExportAccount    `json:"account"`
	Volunteer  *ExportVolunteer `json:"volunteer,omitempty"`
	// Sections holds what other features keep (memberships, sign-ups, hours…), by name.
	Sections map[string]any `json:"sections"`
}

// ExportAccount is the account part of an export.
type ExportAccount struct {
	ID        int64          `json:"id"`
	Phone     string         `json:"phone"`
	Name      string         `json:"name"`
	Status    string         `json:"status"`
	CreatedAt time.Time      `json:"created_at"`
	Roles     []zhiyuan.Role `json:"roles"`
}

// ExportSection adds one feature's records of a volunteer to an export. v is nil for an
// account that is not a volunteer.
type ExportSection struct {
	Name string
	Data func(ctx context.Context, a *App, accountID int64, v *zhiyuan.Volunteer) (any, error)
}

// exportSections are the features' parts of "export my data", all of them: a feature that
// keeps records of a volunteer adds its section here (the function lives in its own file).
func exportSections() []ExportSection {
	return []ExportSection{
		{Name: "signups", Data: exportSignups}, // signups.go
		{Name: "honours", Data: exportHonours}, // honours.go
	}
}

// ExportMyData returns the caller's data. The identity number stays masked even here: the
// export is a file that travels, and the person has the document itself.
func (a *App) ExportMyData(ctx context.Context, p *zhiyuan.Principal) (*Export, error) {
	acc, err := a.Me(ctx, p)
	if err != nil {
		return nil, err
	}
	out := &Export{
		ExportedAt: a.store.Now(),
		Account: ExportAccount{ID: acc.ID, Phone: acc.Phone, Name: acc.Name, Status: string(acc.Status),
			CreatedAt: acc.CreatedAt, Roles: acc.Roles},
		Sections: map[string]any{},
	}
	v, err := a.MyVolunteer(ctx, p)
	switch {
	case err == nil:
		out.Volunteer = exportVolunteer(v)
	case zhiyuan.ErrorCode(err) != zhiyuan.ENotFound:
		return nil, err
	}
	for _, s := range exportSections() {
		data, err := s.Data(ctx, a, p.AccountID, v)
		if err != nil {
			return nil, errors.Join(errors.New("export "+s.Name), err)
		}
		out.Sections[s.Name] = data
	}
	a.Log.InfoContext(ctx, "data exported", slog.Int64("account_id", p.AccountID))
	return out, nil
}

// ExportVolunteer is the volunteer part of an export.
type ExportVolunteer struct {
	ID              int64             `json:"id"`
	VolunteerNo     string            `json:"volunteer_no"`
	Name            string            `json:"name"`
	IDType          string            `json:"id_type"`
	IDNumberMasked  string            `json:"id_number_masked"`
	Phone           string            `json:"phone"`
	RegionCode      string            `json:"region_code"`
	BirthDate       string            `json:"birth_date"`
	Sex             string            `json:"sex"`
	Minor           bool              `json:"minor"`
	PoliticalStatus string            `json:"political_status"`
	Skills          []string          `json:"skills"`
	Categories      []string          `json:"categories"`
	ServiceAreas    []string          `json:"service_areas"`
	Weekdays        []int             `json:"availability_weekdays"`
	Times           []string          `json:"availability_times"`
	Email           string            `json:"email"`
	Address         string            `json:"address"`
	Guardian        *zhiyuan.Guardian `json:"guardian,omitempty"`
	Status          string            `json:"status"`
	CreatedAt       time.Time         `json:"created_at"`
	UpdatedAt       time.Time         `json:"updated_at"`
}

func exportVolunteer(v *zhiyuan.Volunteer) *ExportVolunteer {
	return &ExportVolunteer{
		ID: v.ID, VolunteerNo: v.VolunteerNo, Name: v.Name, IDType: string(v.IDType), IDNumberMasked: v.IDNumberMasked,
		Phone: v.Phone, RegionCode: v.RegionCode, BirthDate: v.BirthDate.Format("2006-01-02"), Sex: v.Sex, Minor: v.Minor,
		PoliticalStatus: v.PoliticalStatus, Skills: v.Skills, Categories: v.Categories, ServiceAreas: v.ServiceAreas,
		Weekdays: v.Availability.Weekdays, Times: v.Availability.Times, Email: v.Email, Address: v.Address,
		Guardian: v.Guardian, Status: string(v.Status), CreatedAt: v.CreatedAt, UpdatedAt: v.UpdatedAt,
	}
}
