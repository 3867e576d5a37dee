package sqlstore

import (
	"context"
	"time"
)

// The exchange with the national volunteer information system (中国志愿服务信息系统):
// volunteers and confirmed hour records of a region, read through a cursor and handed to
// the caller one row at a time, so an export of a million rows holds one row in memory.

// ExchangeVolunteer is one active volunteer as the exchange needs it. The identity number
// is sealed; the caller opens it.
type ExchangeVolunteer struct {
	ID              int64
	Name            string
	IDType          string
	IDNumberSealed  []byte
	Sex             string
	BirthDate       time.Time
	Phone           string
	PoliticalStatus string
	RegisteredAt    time.Time
	RegionCode      string
	Orgs            string // the approved memberships' organisation names, by organisation id, joined by "、"
}

// ExchangeHour is one confirmed hour record: a volunteer's net confirmed minutes in one
// session of one organisation (its attended, make-up and correction entries added up).
type ExchangeHour struct {
	VolunteerID    int64
	Name           string
	IDType         string
	IDNumberSealed []byte
	Activity       string
	StartsAt       time.Time
	TimeZone       string
	Org            string
	Minutes        int64
}

// ExchangeRange selects the rows of a region (a code prefix; "" for the whole platform)
// and, for hour records, sessions starting in [From, To) (zero times: no bound).
type ExchangeRange struct {
	RegionPrefix string
	From, To     time.Time
}

func (r ExchangeRange) region(column string) (string, []any) {
	if r.RegionPrefix == "" {
		return "1 = 1", nil
	}
	lo, hi := prefixRange(r.RegionPrefix)
	return column + " >= ? AND " + column + " < ?", []any{lo, hi}
}

const exchangeVolunteerFrom = ` FROM volunteers v JOIN accounts acc ON acc.id = v.account_id
	WHERE v.status = 'active' AND `

// CountExchangeVolunteers counts the active volunteers of r's region.
func (s *Store) CountExchangeVolunteers(ctx context.Context, r ExchangeRange) (int64, error) {
	where, args := r.region("v.region_code")
	var n int64
	err := s.reader().queryRow(ctx, `SELECT COUNT(*)`+exchangeVolunteerFrom+where, args...).Scan(&n)
	return n, err
}

// EachExchangeVolunteer calls fn with every active volunteer of r's region, by id, as the
// rows come from the database. fn gets the same value each time (copy what it keeps); an
// error from fn stops the read and is returned.
func (s *Store) EachExchangeVolunteer(ctx context.Context, r ExchangeRange, fn func(*ExchangeVolunteer) error) error {
	where, args := r.region("v.region_code")
	// string_agg with ORDER BY is standard SQL that both engines know (SQLite since 3.44).
	rows, err := s.reader().query(ctx, `SELECT v.id, v.name, v.id_type, v.id_number_sealed, v.sex, v.birth_date, acc.phone,
		v.political_status, v.created_at, v.region_code,
		COALESCE((SELECT string_agg(o.name, '、' ORDER BY o.id) FROM org_members m JOIN organizations o ON o.id = m.org_id
			WHERE m.volunteer_id = v.id AND m.status = 'approved'), '')`+exchangeVolunteerFrom+where+` ORDER BY v.id`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	var v ExchangeVolunteer
	for rows.Next() {
		if err := rows.Scan(&v.ID, &v.Name, &v.IDType, &v.IDNumberSealed, &v.Sex, &v.BirthDate, &v.Phone,
			&v.PoliticalStatus, &v.RegisteredAt, &v.RegionCode, &v.Orgs); err != nil {
			return err
		}
		v.BirthDate = dateOnly(v.BirthDate)
		v.RegisteredAt = v.RegisteredAt.UTC()
		if err := fn(&v); err != nil {
			return err
		}
	}
	return rows.Err()
}

// exchangeHourQuery is the FROM … HAVING of confirmed hour records in r: entries with a
// confirmation, in sessions of activities of the region (the activity's region, as the
// overdue lists count it), grouped by volunteer, session and organisation, kept when the
// net is above zero (a record corrected to nothing is not a record). A closed volunteer's
// records stay in the ledger but are not exchanged: their name and number are gone.
func exchangeHourQuery(r ExchangeRange) (string, []any) {
	where, args := r.region("a.region_code")
	q := ` FROM hour_entries e
		JOIN hour_confirmations c ON c.entry_id = e.id
		JOIN activity_sessions se ON se.id = e.session_id
		JOIN activities a ON a.id = se.activity_id
		JOIN volunteers v ON v.id = e.volunteer_id
		JOIN organizations o ON o.id = e.org_id
		WHERE v.status = 'active' AND ` + where
	if !r.From.IsZero() {
		q += ` AND se.starts_at >= ?`
		args = append(args, r.From.UTC())
	}
	if !r.To.IsZero() {
		q += ` AND se.starts_at < ?`
		args = append(args, r.To.UTC())
	}
	q += ` GROUP BY v.id, se.id, a.id, o.id HAVING SUM(e.minutes) > 0`
	return q, args
}

// CountExchangeHours counts the confirmed hour records of r.
func (s *Store) CountExchangeHours(ctx context.Context, r ExchangeRange) (int64, error) {
	q, args := exchangeHourQuery(r)
	var n int64
	err := s.reader().queryRow(ctx, `SELECT COUNT(*) FROM (SELECT 1`+q+`) x`, args...).Scan(&n)
	return n, err
}

// EachExchangeHour calls fn with every confirmed hour record of r, by session start and
// volunteer, as the rows come from the database; fn gets the same value each time.
func (s *Store) EachExchangeHour(ctx context.Context, r ExchangeRange, fn func(*ExchangeHour) error) error {
	q, args := exchangeHourQuery(r)
	rows, err := s.reader().query(ctx, `SELECT v.id, v.name, v.id_type, v.id_number_sealed, a.title, se.starts_at, a.time_zone,
		o.name, SUM(e.minutes)`+q+` ORDER BY se.starts_at, se.id, v.id, o.id`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	var h ExchangeHour
	for rows.Next() {
		if err := rows.Scan(&h.VolunteerID, &h.Name, &h.IDType, &h.IDNumberSealed, &h.Activity, &h.StartsAt, &h.TimeZone,
			&h.Org, &h.Minutes); err != nil {
			return err
		}
		h.StartsAt = h.StartsAt.UTC()
		if err := fn(&h); err != nil {
			return err
		}
	}
	return rows.Err()
}
