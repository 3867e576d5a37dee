package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"zhiyuan"
)

// VolunteerSecrets is what a registration stores besides the volunteer's public facts:
// the account's password hash and the identity number, sealed and as a blind index. The
// clear number never reaches the store.
type VolunteerSecrets struct {
	PasswordHash   string
	IDNumberSealed []byte // pii.Keys.Seal(number, "id_number")
	IDNumberIndex  string // pii.Keys.BlindIndex("id_number", number)
}

var volunteerUniques = map[string][2]string{
	"id_number": {"id_number", "volunteer.id_number_taken"},
	"phone":     {"phone", "account.phone_taken"},
}

// CreateVolunteer registers a volunteer: the account (phone login, role volunteer), the
// volunteer row with a newly allocated volunteer number, and its skills, categories and
// service areas, all in one transaction. v.Phone must be normalised and v.RegionCode a
// county code. On success v.ID, v.AccountID, v.VolunteerNo, v.Status and the times are
// set. The same identity number or phone twice is EConflict naming id_number or phone,
// decided by the UNIQUE indexes, so concurrent registrations cannot both succeed.
func (s *Store) CreateVolunteer(ctx context.Context, v *zhiyuan.Volunteer, sec VolunteerSecrets) error {
	return s.inTx(ctx, func(tx conn) error {
		acc := &zhiyuan.Account{Phone: v.Phone, Name: v.Name, Roles: []zhiyuan.Role{{Kind: zhiyuan.RoleVolunteer}}}
		if err := s.createAccount(ctx, tx, acc, sec.PasswordHash); err != nil {
			return err
		}
		seq, err := s.allocVolunteerSeq(ctx, tx, v.RegionCode, 1)
		if err != nil {
			return err
		}
		now := acc.CreatedAt
		if err := checkSealed(v); err != nil {
			return err
		}
		v.AccountID, v.VolunteerNo, v.Status = acc.ID, zhiyuan.MakeVolunteerNo(v.RegionCode, seq), zhiyuan.VolunteerActive
		v.CreatedAt, v.UpdatedAt = now, now
		id, err := tx.insert(ctx, `INSERT INTO volunteers (`+volunteerInsertCols+`) VALUES (`+volunteerInsertMarks+`)`,
			volunteerInsertArgs(v, sec)...)
		if err != nil {
			return s.translate(err, volunteerUniques)
		}
		v.ID = id
		return s.replaceVolunteerLists(ctx, tx, v, false)
	})
}

// allocVolunteerSeq takes n sequence numbers of a county and returns the last of them.
// The upsert locks the county's counter row until the transaction ends, so no two
// transactions get the same numbers.
func (s *Store) allocVolunteerSeq(ctx context.Context, tx conn, regionCode string, n int64) (int64, error) {
	var last int64
	err := tx.queryRow(ctx, `INSERT INTO volunteer_no_seq (region_code, last_seq) VALUES (?, ?)
		ON CONFLICT (region_code) DO UPDATE SET last_seq = volunteer_no_seq.last_seq + excluded.last_seq
		RETURNING last_seq`, regionCode, n).Scan(&last)
	if err != nil {
		return 0, fmt.Errorf("allocate volunteer number: %w", err)
	}
	return last, nil
}

// The clear columns email, address, guardian_name and guardian_phone are left to their
// default (empty): only the sealed ones are written (see zhiyuan.SealedContact).
const volunteerInsertCols = `account_id, volunteer_no, name, id_type, id_number_sealed, id_number_index, id_number_masked,
	region_code, birth_date, sex, minor, political_status, email_sealed, address_sealed, avail_weekdays, avail_times,
	guardian_name_sealed, guardian_phone_sealed, guardian_relation, guardian_consent_at, status, created_at, updated_at`

const volunteerInsertMarks = `?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?`

// volunteerInsertTypes are the SQL types of volunteerInsertCols, for rowsSource.
var volunteerInsertTypes = []string{"BIGINT", "TEXT", "TEXT", "TEXT", "BYTEA", "TEXT", "TEXT", "TEXT", "DATE", "TEXT",
	"BOOLEAN", "TEXT", "BYTEA", "BYTEA", "TEXT", "TEXT", "BYTEA", "BYTEA", "TEXT", "TIMESTAMPTZ", "TEXT", "TIMESTAMPTZ",
	"TIMESTAMPTZ"}

// volunteerInsertArgs is the one place a volunteer becomes a row, shared by CreateVolunteer
// and the bulk loader, so demo rows are the same as registered ones.
func volunteerInsertArgs(v *zhiyuan.Volunteer, sec VolunteerSecrets) []any {
	var g zhiyuan.Guardian
	if v.Guardian != nil {
		g = *v.Guardian
	}
	return []any{v.AccountID, v.VolunteerNo, v.Name, string(v.IDType), sec.IDNumberSealed, nullString(sec.IDNumberIndex),
		v.IDNumberMasked, v.RegionCode, dateOnly(v.BirthDate), v.Sex, v.Minor, v.PoliticalStatus,
		nullBytes(v.Sealed.Email), nullBytes(v.Sealed.Address),
		joinInts(v.Availability.Weekdays), strings.Join(v.Availability.Times, ","),
		nullBytes(v.Sealed.GuardianName), nullBytes(v.Sealed.GuardianPhone), g.Relation, nullTime(g.ConsentAt),
		string(v.Status), v.CreatedAt, v.UpdatedAt}
}

// checkSealed refuses a volunteer whose contact details are set in clear but not sealed:
// the store writes only the sealed form, so they would be lost without a word.
func checkSealed(v *zhiyuan.Volunteer) error {
	var g zhiyuan.Guardian
	if v.Guardian != nil {
		g = *v.Guardian
	}
	if (v.Email != "" && v.Sealed.Email == nil) || (v.Address != "" && v.Sealed.Address == nil) ||
		(g.Name != "" && v.Sealed.GuardianName == nil) || (g.Phone != "" && v.Sealed.GuardianPhone == nil) {
		return errors.New("sqlstore: volunteer contact details must be sealed before they are stored")
	}
	return nil
}

// replaceVolunteerLists writes the skills, categories and service areas of v, first
// deleting the old ones when replace is set.
func (s *Store) replaceVolunteerLists(ctx context.Context, tx conn, v *zhiyuan.Volunteer, replace bool) error {
	lists := []struct {
		table, col string
		items      []string
	}{
		{"volunteer_skills", "skill", v.Skills},
		{"volunteer_categories", "category", v.Categories},
		{"volunteer_areas", "region_code", v.ServiceAreas},
	}
	for _, l := range lists {
		if replace {
			if _, err := tx.exec(ctx, "DELETE FROM "+l.table+" WHERE volunteer_id = ?", v.ID); err != nil {
				return err
			}
		}
		if len(l.items) == 0 {
			continue
		}
		q := "INSERT INTO " + l.table + " (volunteer_id, " + l.col + ") VALUES " +
			strings.TrimSuffix(strings.Repeat("(?, ?), ", len(l.items)), ", ") + " ON CONFLICT DO NOTHING"
		args := make([]any, 0, 2*len(l.items))
		for _, it := range l.items {
			args = append(args, v.ID, it)
		}
		if _, err := tx.exec(ctx, q, args...); err != nil {
			return err
		}
	}
	return nil
}

// volunteerSelect reads the sealed contact details and, for a row written before migration
// 0011 that SealClearContact has not reached yet, the clear ones (empty otherwise).
const volunteerSelect = `SELECT v.id, v.account_id, v.volunteer_no, v.name, v.id_type, v.id_number_masked, a.phone,
	v.region_code, v.birth_date, v.sex, v.minor, v.political_status, v.email, v.address, v.avail_weekdays,
	v.avail_times, v.guardian_name, v.guardian_phone, v.guardian_relation, v.guardian_consent_at, v.status,
	v.created_at, v.updated_at, v.email_sealed, v.address_sealed, v.guardian_name_sealed, v.guardian_phone_sealed
	FROM volunteers v JOIN accounts a ON a.id = v.account_id `

// FindVolunteerByID returns a volunteer with its skills, categories, service areas and
// guardian (including the consent time), or ENotFound.
func (s *Store) FindVolunteerByID(ctx context.Context, id int64) (*zhiyuan.Volunteer, error) {
	return s.findVolunteer(ctx, "v.id = ?", id)
}

// FindVolunteerByAccountID returns the volunteer of an account, or ENotFound when the
// account has none.
func (s *Store) FindVolunteerByAccountID(ctx context.Context, accountID int64) (*zhiyuan.Volunteer, error) {
	return s.findVolunteer(ctx, "v.account_id = ?", accountID)
}

// FindVolunteerByNo returns the volunteer with a volunteer number, or ENotFound.
func (s *Store) FindVolunteerByNo(ctx context.Context, no string) (*zhiyuan.Volunteer, error) {
	return s.findVolunteer(ctx, "v.volunteer_no = ?", no)
}

func (s *Store) findVolunteer(ctx context.Context, where string, arg any) (*zhiyuan.Volunteer, error) {
	c := s.reader()
	v, err := scanVolunteer(c.queryRow(ctx, volunteerSelect+"WHERE "+where, arg))
	if err == sql.ErrNoRows {
		return nil, notFound("notfound.volunteer")
	}
	if err != nil {
		return nil, err
	}
	if err := s.loadVolunteerLists(ctx, c, v); err != nil {
		return nil, err
	}
	return v, nil
}

type rowScanner interface{ Scan(dest ...any) error }

func scanVolunteer(row rowScanner) (*zhiyuan.Volunteer, error) {
	var v zhiyuan.Volunteer
	var idType, weekdays, times, status string
	var g zhiyuan.Guardian
	var consent sql.NullTime
	err := row.Scan(&v.ID, &v.AccountID, &v.VolunteerNo, &v.Name, &idType, &v.IDNumberMasked, &v.Phone,
		&v.RegionCode, &v.BirthDate, &v.Sex, &v.Minor, &v.PoliticalStatus, &v.Email, &v.Address, &weekdays,
		&times, &g.Name, &g.Phone, &g.Relation, &consent, &status, &v.CreatedAt, &v.UpdatedAt,
		&v.Sealed.Email, &v.Sealed.Address, &v.Sealed.GuardianName, &v.Sealed.GuardianPhone)
	if err != nil {
		return nil, err
	}
	// A value still in clear (a row not sealed yet) wins over a sealed one: it can only be
	// newer, written by a server of the previous version during an upgrade.
	dropSealed := func(clear string, sealed *[]byte) {
		if clear != "" || len(*sealed) == 0 {
			*sealed = nil
		}
	}
	dropSealed(v.Email, &v.Sealed.Email)
	dropSealed(v.Address, &v.Sealed.Address)
	dropSealed(g.Name, &v.Sealed.GuardianName)
	dropSealed(g.Phone, &v.Sealed.GuardianPhone)
	v.IDType, v.Status = zhiyuan.IDType(idType), zhiyuan.VolunteerStatus(status)
	v.BirthDate = dateOnly(v.BirthDate)
	v.CreatedAt, v.UpdatedAt = v.CreatedAt.UTC(), v.UpdatedAt.UTC()
	v.Availability.Weekdays = splitInts(weekdays)
	v.Availability.Times = splitList(times)
	if consent.Valid {
		g.ConsentAt = consent.Time.UTC()
	}
	if g.Name != "" || v.Sealed.GuardianName != nil || consent.Valid {
		v.Guardian = &g
	}
	v.Skills, v.Categories, v.ServiceAreas = []string{}, []string{}, []string{}
	return &v, nil
}

// loadVolunteerLists fills skills, categories and service areas in one round trip.
func (s *Store) loadVolunteerLists(ctx context.Context, c conn, v *zhiyuan.Volunteer) error {
	rows, err := c.query(ctx, `SELECT 's', skill FROM volunteer_skills WHERE volunteer_id = ?
		UNION ALL SELECT 'c', category FROM volunteer_categories WHERE volunteer_id = ?
		UNION ALL SELECT 'a', region_code FROM volunteer_areas WHERE volunteer_id = ?`, v.ID, v.ID, v.ID)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var kind, item string
		if err := rows.Scan(&kind, &item); err != nil {
			return err
		}
		switch kind {
		case "s":
			v.Skills = append(v.Skills, item)
		case "c":
			v.Categories = append(v.Categories, item)
		case "a":
			v.ServiceAreas = append(v.ServiceAreas, item)
		}
	}
	// Byte order, so both engines (whose collations differ) list them the same way.
	sort.Strings(v.Skills)
	sort.Strings(v.Categories)
	sort.Strings(v.ServiceAreas)
	return rows.Err()
}

// FindAccountByVolunteerNo returns the account of the active volunteer with the number,
// and its password hash, for logging in with a volunteer number.
func (s *Store) FindAccountByVolunteerNo(ctx context.Context, no string) (*zhiyuan.Account, string, error) {
	return s.findAccount(ctx, "id = (SELECT account_id FROM volunteers WHERE volunteer_no = ? AND status = 'active')", no)
}

// AccountPasswordHash returns the password hash of an active account, to check the old
// password before a change or a closure.
func (s *Store) AccountPasswordHash(ctx context.Context, accountID int64) (string, error) {
	var hash string
	err := s.reader().queryRow(ctx, "SELECT password_hash FROM accounts WHERE id = ? AND status = 'active'", accountID).Scan(&hash)
	if err == sql.ErrNoRows {
		return "", notFound("notfound.account")
	}
	return hash, err
}

// VolunteerProfile is what a volunteer may change about themselves.
type VolunteerProfile struct {
	PoliticalStatus string
	Skills          []string
	Categories      []string
	ServiceAreas    []string
	Availability    zhiyuan.Availability
	EmailSealed     []byte // pii.Keys.Seal(email, "email"); nil when empty
	AddressSealed   []byte // pii.Keys.Seal(address, "address"); nil when empty
}

// UpdateVolunteerProfile replaces the editable part of an active volunteer's profile in one
// transaction. The email and address are written sealed, and their clear columns emptied.
func (s *Store) UpdateVolunteerProfile(ctx context.Context, id int64, p VolunteerProfile) error {
	return s.inTx(ctx, func(tx conn) error {
		res, err := tx.exec(ctx, `UPDATE volunteers SET political_status = ?, email = '', address = '',
			email_sealed = ?, address_sealed = ?, avail_weekdays = ?, avail_times = ?, updated_at = ?
			WHERE id = ? AND status = 'active'`,
			p.PoliticalStatus, nullBytes(p.EmailSealed), nullBytes(p.AddressSealed), joinInts(p.Availability.Weekdays),
			strings.Join(p.Availability.Times, ","), s.now(), id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return notFound("notfound.volunteer")
		}
		v := &zhiyuan.Volunteer{ID: id, Skills: p.Skills, Categories: p.Categories, ServiceAreas: p.ServiceAreas}
		return s.replaceVolunteerLists(ctx, tx, v, true)
	})
}

// RecordGuardianConsent records a minor's guardian (name and phone sealed, as in
// sealed.GuardianName and GuardianPhone) and the time of their consent (now). It is
// EInvalid for a volunteer who is not a minor and ENotFound for a closed one.
func (s *Store) RecordGuardianConsent(ctx context.Context, id int64, relation string, sealed zhiyuan.SealedContact) (time.Time, error) {
	if sealed.GuardianName == nil || sealed.GuardianPhone == nil {
		return time.Time{}, errors.New("sqlstore: the guardian's name and phone must be sealed")
	}
	now := s.now()
	res, err := s.writer().exec(ctx, `UPDATE volunteers SET guardian_name = '', guardian_phone = '',
		guardian_name_sealed = ?, guardian_phone_sealed = ?, guardian_relation = ?, guardian_consent_at = ?,
		updated_at = ? WHERE id = ? AND status = 'active' AND minor = ?`,
		sealed.GuardianName, sealed.GuardianPhone, relation, now, now, id, true)
	if err != nil {
		return time.Time{}, err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		v, err := s.FindVolunteerByID(ctx, id)
		if err != nil {
			return time.Time{}, err
		}
		if v.Status != zhiyuan.VolunteerActive {
			return time.Time{}, notFound("notfound.volunteer")
		}
		return time.Time{}, zhiyuan.Fail(zhiyuan.EInvalid, "volunteer.consent_adult")
	}
	return now, nil
}

// VolunteerIDNumberSealed returns the sealed identity number of a volunteer, for an
// authorised reveal; ENotFound when the volunteer has none (closed).
func (s *Store) VolunteerIDNumberSealed(ctx context.Context, id int64) ([]byte, error) {
	var sealed []byte
	err := s.reader().queryRow(ctx, "SELECT id_number_sealed FROM volunteers WHERE id = ?", id).Scan(&sealed)
	if err == sql.ErrNoRows || (err == nil && len(sealed) == 0) {
		return nil, notFound("notfound.id_number")
	}
	return sealed, err
}

// CloseVolunteer closes a volunteer's account at its owner's request, in one transaction:
// the name becomes zhiyuan.ClosedName; the sealed identity number, its blind index (so the
// person may register again), contact details, guardian, skills, categories, areas and
// availability are deleted, with care visits and the comments of evaluations; the birth
// date keeps only its year (for anonymous figures by age); the account's phone is replaced by a placeholder that no login can match, its
// password hash and roles are removed and every session is revoked. The volunteer row
// and its id stay, so records of service remain attached to it.
func (s *Store) CloseVolunteer(ctx context.Context, id int64) error {
	now := s.now()
	return s.inTx(ctx, func(tx conn) error {
		var accountID int64
		var birth time.Time
		var index sql.NullString
		var phone string
		err := tx.queryRow(ctx, `SELECT v.account_id, v.birth_date, v.id_number_index, a.phone FROM volunteers v
			JOIN accounts a ON a.id = v.account_id WHERE v.id = ? AND v.status = 'active'`, id).
			Scan(&accountID, &birth, &index, &phone)
		if err == sql.ErrNoRows {
			return notFound("notfound.volunteer")
		}
		if err != nil {
			return err
		}
		// Staged rows of member-list imports that name the person go too (imports.go).
		if err := clearImportRowsOf(ctx, tx, index.String, phone); err != nil {
			return err
		}
		// So do the notes of care visits (a person's difficulties) and the words of
		// evaluations; the ratings stay, as the activity's average counts them.
		for _, q := range []string{"DELETE FROM care_visits WHERE volunteer_id = ?",
			"UPDATE volunteer_evaluations SET comment = '' WHERE volunteer_id = ?",
			"UPDATE activity_evaluations SET comment = '' WHERE volunteer_id = ?"} {
			if _, err := tx.exec(ctx, q, id); err != nil {
				return err
			}
		}
		yearOnly := time.Date(birth.Year(), 1, 1, 0, 0, 0, 0, time.UTC)
		if _, err := tx.exec(ctx, `UPDATE volunteers SET name = ?, id_number_sealed = NULL, id_number_index = NULL,
			id_number_masked = '', birth_date = ?, political_status = '', email = '', address = '',
			email_sealed = NULL, address_sealed = NULL, guardian_name_sealed = NULL, guardian_phone_sealed = NULL,
			avail_weekdays = '', avail_times = '', guardian_name = '', guardian_phone = '', guardian_relation = '',
			status = 'closed', updated_at = ?, closed_at = ? WHERE id = ?`,
			zhiyuan.ClosedName, yearOnly, now, now, id); err != nil {
			return err
		}
		v := &zhiyuan.Volunteer{ID: id}
		if err := s.replaceVolunteerLists(ctx, tx, v, true); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `UPDATE accounts SET phone = ?, name = ?, password_hash = '!', status = 'closed',
			updated_at = ? WHERE id = ?`, "closed:"+strconv.FormatInt(accountID, 10), zhiyuan.ClosedName, now, accountID); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, "DELETE FROM account_roles WHERE account_id = ?", accountID); err != nil {
			return err
		}
		_, err = tx.exec(ctx, "DELETE FROM sessions WHERE account_id = ?", accountID)
		return err
	})
}

// ChangePassword replaces an account's password hash and revokes every session but the
// one whose token is keepToken (the session making the change), in one transaction.
func (s *Store) ChangePassword(ctx context.Context, accountID int64, hash, keepToken string) error {
	return s.inTx(ctx, func(tx conn) error {
		return s.setPassword(ctx, tx, accountID, hash, keepToken)
	})
}

// setPassword replaces an active account's password hash and ends its sessions and API
// tokens, all of them, or all but keepToken's when it is given. A closed or disabled
// account is notfound. Every way of setting a password (change, reset by code, reset by
// an administrator) goes through here, so none forgets the sessions. An unclaimed account
// (zhiyuan.UnclaimedPasswordHash) is notfound here too: only its person's claim
// (ClaimAccount) gives it a password.
func (s *Store) setPassword(ctx context.Context, tx conn, accountID int64, hash, keepToken string) error {
	if hash == zhiyuan.UnclaimedPasswordHash {
		return errEmptyPasswordHash
	}
	res, err := tx.exec(ctx, "UPDATE accounts SET password_hash = ?, updated_at = ? WHERE id = ? AND status = 'active' AND password_hash <> ?",
		hash, s.now(), accountID, zhiyuan.UnclaimedPasswordHash)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return notFound("notfound.account")
	}
	if keepToken == "" {
		_, err = tx.exec(ctx, "DELETE FROM sessions WHERE account_id = ?", accountID)
	} else {
		_, err = tx.exec(ctx, "DELETE FROM sessions WHERE account_id = ? AND token_hash <> ?", accountID, hashToken(keepToken))
	}
	return err
}

// BeginBulkLoad prepares the database for a long run of bulk inserts (the demo's million
// volunteers) and returns the function that ends it; what it does depends on the engine
// (dialect.go).
func (s *Store) BeginBulkLoad(ctx context.Context) (end func()) {
	return s.dialect.beginBulkLoad(ctx, s.write)
}

// BulkVolunteer is one prepared registration for BulkCreateVolunteers.
type BulkVolunteer struct {
	Volunteer *zhiyuan.Volunteer
	Secrets   VolunteerSecrets
}

// bulkRows is how many rows one multi-row INSERT carries: under SQLite's limit of 32766
// variables for the widest table (23 columns) and PostgreSQL's 65535.
const bulkRows = 1000

// BulkCreateVolunteers registers many prepared volunteers in one transaction with
// multi-row INSERTs, for demo data and benchmarks. The rows are exactly what
// CreateVolunteer writes (same columns, same volunteer number scheme, sequences taken
// from the same counters), but without per-row round trips. Any conflict fails the whole
// batch.
func (s *Store) BulkCreateVolunteers(ctx context.Context, batch []BulkVolunteer) error {
	if len(batch) == 0 {
		return nil
	}
	now := s.now()
	return s.inTx(ctx, func(tx conn) error {
		// Volunteer numbers: one counter update per county for the whole batch.
		perRegion := map[string]int64{}
		for _, b := range batch {
			perRegion[b.Volunteer.RegionCode]++
		}
		next := map[string]int64{}
		for code, n := range perRegion {
			last, err := s.allocVolunteerSeq(ctx, tx, code, n)
			if err != nil {
				return err
			}
			next[code] = last - n + 1
		}
		for start := 0; start < len(batch); start += bulkRows {
			chunk := batch[start:min(start+bulkRows, len(batch))]
			if err := s.bulkChunk(ctx, tx, chunk, next, now); err != nil {
				return err
			}
		}
		return nil
	})
}

func (s *Store) bulkChunk(ctx context.Context, tx conn, chunk []BulkVolunteer, next map[string]int64, now time.Time) error {
	// Accounts: map the returned ids back by phone, which is unique, because neither
	// engine promises the order of RETURNING rows.
	args := make([]any, 0, 6*len(chunk))
	for _, b := range chunk {
		args = append(args, b.Volunteer.Phone, b.Volunteer.Name, b.Secrets.PasswordHash, now, now)
	}
	rows, err := tx.query(ctx, `INSERT INTO accounts (phone, name, password_hash, status, created_at, updated_at) VALUES `+
		repeatTuple("(?, ?, ?, 'active', ?, ?)", len(chunk))+" RETURNING id, phone", args...)
	if err != nil {
		return s.translate(err, volunteerUniques)
	}
	accountOf := make(map[string]int64, len(chunk))
	for rows.Next() {
		var id int64
		var phone string
		if err := rows.Scan(&id, &phone); err != nil {
			rows.Close()
			return err
		}
		accountOf[phone] = id
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}

	args = args[:0]
	for _, b := range chunk {
		args = append(args, accountOf[b.Volunteer.Phone], string(zhiyuan.RoleVolunteer), now)
	}
	if _, err := tx.exec(ctx, `INSERT INTO account_roles (account_id, role, region_code, org_id, created_at) VALUES `+
		repeatTuple("(?, ?, '', 0, ?)", len(chunk)), args...); err != nil {
		return err
	}

	args = args[:0]
	byAccount := make(map[int64]*zhiyuan.Volunteer, len(chunk))
	for _, b := range chunk {
		v := b.Volunteer
		if err := checkSealed(v); err != nil {
			return err
		}
		v.AccountID = accountOf[v.Phone]
		v.VolunteerNo = zhiyuan.MakeVolunteerNo(v.RegionCode, next[v.RegionCode])
		next[v.RegionCode]++
		v.Status, v.CreatedAt, v.UpdatedAt = zhiyuan.VolunteerActive, now, now
		byAccount[v.AccountID] = v
		args = append(args, volunteerInsertArgs(v, b.Secrets)...)
	}
	rows, err = tx.query(ctx, `INSERT INTO volunteers (`+volunteerInsertCols+`) VALUES `+
		repeatTuple("("+volunteerInsertMarks+")", len(chunk))+" RETURNING id, account_id", args...)
	if err != nil {
		return s.translate(err, volunteerUniques)
	}
	for rows.Next() {
		var id, accountID int64
		if err := rows.Scan(&id, &accountID); err != nil {
			rows.Close()
			return err
		}
		byAccount[accountID].ID = id
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}

	for _, l := range []struct {
		table, col string
		items      func(v *zhiyuan.Volunteer) []string
	}{
		{"volunteer_skills", "skill", func(v *zhiyuan.Volunteer) []string { return v.Skills }},
		{"volunteer_categories", "category", func(v *zhiyuan.Volunteer) []string { return v.Categories }},
		{"volunteer_areas", "region_code", func(v *zhiyuan.Volunteer) []string { return v.ServiceAreas }},
	} {
		args = args[:0]
		n := 0
		flush := func() error {
			if n == 0 {
				return nil
			}
			_, err := tx.exec(ctx, "INSERT INTO "+l.table+" (volunteer_id, "+l.col+") VALUES "+repeatTuple("(?, ?)", n)+
				" ON CONFLICT DO NOTHING", args...)
			args, n = args[:0], 0
			return err
		}
		for _, b := range chunk {
			for _, it := range l.items(b.Volunteer) {
				args = append(args, b.Volunteer.ID, it)
				if n++; n == 5000 {
					if err := flush(); err != nil {
						return err
					}
				}
			}
		}
		if err := flush(); err != nil {
			return err
		}
	}
	return nil
}

// repeatTuple returns n copies of tuple separated by commas.
func repeatTuple(tuple string, n int) string {
	var b strings.Builder
	b.Grow(n * (len(tuple) + 2))
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(tuple)
	}
	return b.String()
}

// dateOnly keeps the calendar date of t as midnight UTC, how birth dates are stored.
func dateOnly(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// nullBytes stores an absent ciphertext as NULL, the same on both engines.
func nullBytes(b []byte) any {
	if len(b) == 0 {
		return nil
	}
	return b
}

func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC()
}

func joinInts(xs []int) string {
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = strconv.Itoa(x)
	}
	return strings.Join(parts, ",")
}

func splitInts(s string) []int {
	out := []int{}
	for _, p := range splitList(s) {
		if n, err := strconv.Atoi(p); err == nil {
			out = append(out, n)
		}
	}
	return out
}

func splitList(s string) []string {
	if s == "" {
		return []string{}
	}
	return strings.Split(s, ",")
}
