package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"sort"
	"strconv"
	"strings"
	"time"

	"zhiyuan"
)

// Selections of exemplary people (身边雷锋): nominations, reviews up the region chain,
// consent, and likes. Every move of a nomination is one conditional UPDATE; a like is one
// transaction of a unique insert, a conditional daily counter and the candidate's count,
// so parallel likes settle in the database and counts stay exact.

const selectionCols = `s.id, s.campaign_id, s.categories, s.review_levels, s.nominate_from, s.nominate_until,
	s.vote_from, s.vote_until, s.results_at, s.created_by, s.created_at, c.name, c.region_code`

func scanSelection(r rowScanner) (*zhiyuan.Selection, error) {
	var sel zhiyuan.Selection
	var cats, levels string
	var results sql.NullTime
	if err := r.Scan(&sel.ID, &sel.CampaignID, &cats, &levels, &sel.NominateFrom, &sel.NominateUntil, &sel.VoteFrom,
		&sel.VoteUntil, &results, &sel.CreatedBy, &sel.CreatedAt, &sel.CampaignName, &sel.RegionCode); err != nil {
		return nil, err
	}
	for _, c := range splitLines(cats) {
		sel.Categories = append(sel.Categories, zhiyuan.SelectionCategory(c))
	}
	sel.ReviewLevels = splitLines(levels)
	sel.NominateFrom, sel.NominateUntil = sel.NominateFrom.UTC(), sel.NominateUntil.UTC()
	sel.VoteFrom, sel.VoteUntil, sel.CreatedAt = sel.VoteFrom.UTC(), sel.VoteUntil.UTC(), sel.CreatedAt.UTC()
	if results.Valid {
		sel.ResultsAt = results.Time.UTC()
	}
	return &sel, nil
}

func joinCategories(cs []zhiyuan.SelectionCategory) string {
	parts := make([]string, len(cs))
	for i, c := range cs {
		parts[i] = string(c)
	}
	return strings.Join(parts, "\n")
}

// CreateSelection writes a validated selection with its audit entry; a campaign holds one
// selection (a second is a conflict on campaign_id).
func (s *Store) CreateSelection(ctx context.Context, sel *zhiyuan.Selection, audit *zhiyuan.AuditEntry) error {
	return s.inTx(ctx, func(tx conn) error {
		sel.CreatedAt = s.now()
		id, err := tx.insert(ctx, `INSERT INTO selections (campaign_id, categories, review_levels, nominate_from, nominate_until,
			vote_from, vote_until, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			sel.CampaignID, joinCategories(sel.Categories), strings.Join(sel.ReviewLevels, "\n"), sel.NominateFrom.UTC(),
			sel.NominateUntil.UTC(), sel.VoteFrom.UTC(), sel.VoteUntil.UTC(), sel.CreatedBy, sel.CreatedAt)
		if err != nil {
			return s.translate(err, map[string][2]string{"campaign": {"campaign_id", "selection.exists"}})
		}
		sel.ID = id
		if audit != nil {
			audit.TargetID = strconv.FormatInt(id, 10)
			return s.appendAudit(ctx, tx, audit)
		}
		return nil
	})
}

// FindSelection returns a selection with its campaign's name and region, or ENotFound.
func (s *Store) FindSelection(ctx context.Context, id int64) (*zhiyuan.Selection, error) {
	sel, err := scanSelection(s.reader().queryRow(ctx, `SELECT `+selectionCols+` FROM selections s
		JOIN campaigns c ON c.id = s.campaign_id WHERE s.id = ?`, id))
	if err == sql.ErrNoRows {
		return nil, notFound("notfound.selection")
	}
	return sel, err
}

// FindSelectionByCampaign returns a campaign's selection, or ENotFound.
func (s *Store) FindSelectionByCampaign(ctx context.Context, campaignID int64) (*zhiyuan.Selection, error) {
	sel, err := scanSelection(s.reader().queryRow(ctx, `SELECT `+selectionCols+` FROM selections s
		JOIN campaigns c ON c.id = s.campaign_id WHERE s.campaign_id = ?`, campaignID))
	if err == sql.ErrNoRows {
		return nil, notFound("notfound.selection")
	}
	return sel, err
}

// Selections lists the selections whose campaign lies in region prefix ("" for all),
// newest first.
func (s *Store) Selections(ctx context.Context, regionPrefix string) ([]zhiyuan.Selection, error) {
	q := `SELECT ` + selectionCols + ` FROM selections s JOIN campaigns c ON c.id = s.campaign_id`
	var args []any
	if regionPrefix != "" {
		lo, hi := regionRange(regionPrefix)
		q += ` WHERE c.region_code >= ? AND c.region_code < ?`
		args = append(args, lo, hi)
	}
	q += ` ORDER BY s.id DESC LIMIT 200`
	return queryAll(ctx, s.reader(), func(r rowScanner) (zhiyuan.Selection, error) {
		sel, err := scanSelection(r)
		if err != nil {
			return zhiyuan.Selection{}, err
		}
		return *sel, nil
	}, q, args...)
}

const nominationCols = `n.id, n.selection_id, s.campaign_id, n.category, COALESCE(n.volunteer_id, 0), COALESCE(n.org_id, 0),
	COALESCE(n.project_id, 0), n.nominee_name, n.region_code, n.story, n.nominated_by, COALESCE(n.nominator_org_id, 0),
	n.consent_needed, n.consent_at, n.consent_by_guardian, n.guardian_relation, n.status, n.review_region, n.likes,
	COALESCE(n.jury_rank, 0), n.winner, COALESCE(n.award_id, 0), n.created_at, n.published_at,
	(SELECT COUNT(*) FROM nomination_photos ph WHERE ph.nomination_id = n.id), COALESCE(v.account_id, 0)`

const nominationFrom = ` FROM nominations n JOIN selections s ON s.id = n.selection_id
	LEFT JOIN volunteers v ON v.id = n.volunteer_id`

func scanNomination(r rowScanner) (zhiyuan.Nomination, error) {
	var n zhiyuan.Nomination
	var cat, st string
	var consent, published sql.NullTime
	err := r.Scan(&n.ID, &n.SelectionID, &n.CampaignID, &cat, &n.VolunteerID, &n.OrgID, &n.ProjectID, &n.NomineeName,
		&n.RegionCode, &n.Story, &n.NominatedBy, &n.NominatorOrgID, &n.ConsentNeeded, &consent, &n.ConsentByGuardian,
		&n.GuardianRelation, &st, &n.ReviewRegion, &n.Likes, &n.JuryRank, &n.Winner, &n.AwardID, &n.CreatedAt, &published,
		&n.Photos, &n.NomineeAccountID)
	if err != nil {
		return n, err
	}
	n.Category, n.Status = zhiyuan.SelectionCategory(cat), zhiyuan.NominationStatus(st)
	n.CreatedAt = n.CreatedAt.UTC()
	if consent.Valid {
		n.ConsentAt = consent.Time.UTC()
	}
	if published.Valid {
		n.PublishedAt = published.Time.UTC()
	}
	return n, nil
}

// CreateNomination writes a nomination, its photos (already re-encoded) and its audit
// entry in one transaction. A volunteer nominated twice in one category of a selection
// (while the first is not rejected or declined) is a conflict.
func (s *Store) CreateNomination(ctx context.Context, n *zhiyuan.Nomination, photos [][]byte, audit *zhiyuan.AuditEntry) error {
	return s.inTx(ctx, func(tx conn) error {
		n.CreatedAt = s.now()
		n.Status = zhiyuan.NomReview
		id, err := tx.insert(ctx, `INSERT INTO nominations (selection_id, category, volunteer_id, org_id, project_id, nominee_name,
			region_code, story, nominated_by, nominator_org_id, consent_needed, status, review_region, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			n.SelectionID, string(n.Category), nullID(n.VolunteerID), nullID(n.OrgID), nullID(n.ProjectID), n.NomineeName,
			n.RegionCode, n.Story, n.NominatedBy, nullID(n.NominatorOrgID), n.ConsentNeeded, string(n.Status), n.ReviewRegion,
			n.CreatedAt, n.CreatedAt)
		if err != nil {
			return s.translate(err, map[string][2]string{"volunteer": {"volunteer_no", "nomination.duplicate"}})
		}
		n.ID = id
		for _, ph := range photos {
			if _, err := tx.exec(ctx, `INSERT INTO nomination_photos (nomination_id, photo, created_at) VALUES (?, ?, ?)`,
				id, ph, n.CreatedAt); err != nil {
				return err
			}
		}
		n.Photos = len(photos)
		if audit != nil {
			audit.TargetID = strconv.FormatInt(id, 10)
			return s.appendAudit(ctx, tx, audit)
		}
		return nil
	})
}

// FindNomination returns one nomination with its reviews, or ENotFound.
func (s *Store) FindNomination(ctx context.Context, id int64) (*zhiyuan.Nomination, error) {
	c := s.reader()
	n, err := scanNomination(c.queryRow(ctx, `SELECT `+nominationCols+nominationFrom+` WHERE n.id = ?`, id))
	if err == sql.ErrNoRows {
		return nil, notFound("notfound.nomination")
	}
	if err != nil {
		return nil, err
	}
	n.Reviews, err = queryAll(ctx, c, func(r rowScanner) (zhiyuan.NominationReview, error) {
		var rv zhiyuan.NominationReview
		var d string
		err := r.Scan(&rv.Region, &d, &rv.Comment, &rv.CreatedAt)
		rv.Decision, rv.CreatedAt = zhiyuan.ReviewDecision(d), rv.CreatedAt.UTC()
		return rv, err
	}, `SELECT region_code, decision, comment, created_at FROM nomination_reviews WHERE nomination_id = ? ORDER BY id`, id)
	return &n, err
}

// NominationFilter selects nominations for a list. Zero fields do not filter.
type NominationFilter struct {
	SelectionID int64
	Status      zhiyuan.NominationStatus
	Category    zhiyuan.SelectionCategory
	// ReviewScopes keeps nominations waiting at one of these regions ("*" is every
	// region): a reviewer's queue.
	ReviewScopes     []string
	NominatedBy      int64
	NomineeAccountID int64
	ByLikes          bool // most liked first; otherwise newest first
	Limit            int
}

// Nominations lists nominations.
func (s *Store) Nominations(ctx context.Context, f NominationFilter) ([]zhiyuan.Nomination, error) {
	q := `SELECT ` + nominationCols + nominationFrom + ` WHERE 1 = 1`
	var args []any
	if f.SelectionID != 0 {
		q += ` AND n.selection_id = ?`
		args = append(args, f.SelectionID)
	}
	if f.Status != "" {
		q += ` AND n.status = ?`
		args = append(args, string(f.Status))
	}
	if f.Category != "" {
		q += ` AND n.category = ?`
		args = append(args, string(f.Category))
	}
	if f.NominatedBy != 0 {
		q += ` AND n.nominated_by = ?`
		args = append(args, f.NominatedBy)
	}
	if f.NomineeAccountID != 0 {
		q += ` AND v.account_id = ?`
		args = append(args, f.NomineeAccountID)
	}
	if f.ReviewScopes != nil {
		var codes []any
		all := false
		for _, sc := range f.ReviewScopes {
			all = all || sc == "*"
			codes = append(codes, sc)
		}
		if len(codes) == 0 {
			return []zhiyuan.Nomination{}, nil
		}
		if !all {
			q += ` AND n.review_region IN (` + placeholders(len(codes)) + `)`
			args = append(args, codes...)
		}
	}
	if f.ByLikes {
		q += ` ORDER BY n.likes DESC, n.id`
	} else {
		q += ` ORDER BY n.id DESC`
	}
	limit := f.Limit
	if limit <= 0 || limit > zhiyuan.CandidatesPageMax {
		limit = zhiyuan.CandidatesPageMax
	}
	q += ` LIMIT ?`
	args = append(args, limit)
	return queryAll(ctx, s.reader(), scanNomination, q, args...)
}

// nominationState reads a nomination's status, for a refusal after an UPDATE changed nothing.
func nominationState(ctx context.Context, c conn, id int64) (zhiyuan.NominationStatus, error) {
	var st string
	err := c.queryRow(ctx, `SELECT status FROM nominations WHERE id = ?`, id).Scan(&st)
	if err == sql.ErrNoRows {
		return "", notFound("notfound.nomination")
	}
	return zhiyuan.NominationStatus(st), err
}

// GuardianConsent is a minor nominee's guardian as recorded with the consent (name and
// phone sealed by the application).
type GuardianConsent struct {
	Relation    string
	NameSealed  []byte
	PhoneSealed []byte
}

// ConsentNomination records the nominee's consent (agree) or refusal to nomination id,
// once, by the volunteer whose account is accountID; g is set when a guardian consents.
func (s *Store) ConsentNomination(ctx context.Context, id, accountID int64, agree bool, g *GuardianConsent) error {
	c := s.writer()
	now := s.now()
	var res sql.Result
	var err error
	const who = ` WHERE id = ? AND consent_needed AND consent_at IS NULL AND status IN ('review', 'returned')
		AND volunteer_id = (SELECT id FROM volunteers WHERE account_id = ?)`
	switch {
	case !agree:
		res, err = c.exec(ctx, `UPDATE nominations SET status = 'declined', updated_at = ?`+who, now, id, accountID)
	case g != nil:
		res, err = c.exec(ctx, `UPDATE nominations SET consent_at = ?, consent_by_guardian = TRUE, guardian_relation = ?,
			guardian_name_sealed = ?, guardian_phone_sealed = ?, updated_at = ?`+who,
			now, g.Relation, g.NameSealed, g.PhoneSealed, now, id, accountID)
	default:
		res, err = c.exec(ctx, `UPDATE nominations SET consent_at = ?, updated_at = ?`+who, now, now, id, accountID)
	}
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		if _, err := nominationState(ctx, c, id); err != nil {
			return err
		}
		return zhiyuan.Fail(zhiyuan.EConflict, "nomination.consent_closed")
	}
	return nil
}

// ReviewNomination records a decision at region (the nomination's current level) in one
// transaction with its review row and audit entry. approve moves the nomination to next,
// or publishes it when next is "" — only with the nominee's consent (the UPDATE asks for
// it, and the table's CHECK stands behind it); return sends it back to the nominator;
// reject ends it. Of two reviewers at once one wins.
func (s *Store) ReviewNomination(ctx context.Context, id int64, region string, d zhiyuan.ReviewDecision, next, comment string, by int64, audit *zhiyuan.AuditEntry) error {
	return s.inTx(ctx, func(tx conn) error {
		now := s.now()
		var q string
		var args []any
		switch {
		case d == zhiyuan.ReviewApprove && next != "":
			q, args = `UPDATE nominations SET review_region = ?, updated_at = ?`, []any{next, now}
		case d == zhiyuan.ReviewApprove:
			q, args = `UPDATE nominations SET status = 'published', review_region = '', published_at = ?, updated_at = ?`, []any{now, now}
		case d == zhiyuan.ReviewReturn:
			q, args = `UPDATE nominations SET status = 'returned', updated_at = ?`, []any{now}
		default:
			q, args = `UPDATE nominations SET status = 'rejected', review_region = '', updated_at = ?`, []any{now}
		}
		q += ` WHERE id = ? AND status = 'review' AND review_region = ?`
		args = append(args, id, region)
		if d == zhiyuan.ReviewApprove && next == "" {
			q += ` AND (NOT consent_needed OR consent_at IS NOT NULL)`
		}
		res, err := tx.exec(ctx, q, args...)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			var st string
			var consented bool
			var at string
			err := tx.queryRow(ctx, `SELECT status, NOT consent_needed OR consent_at IS NOT NULL, review_region FROM nominations WHERE id = ?`,
				id).Scan(&st, &consented, &at)
			if err == sql.ErrNoRows {
				return notFound("notfound.nomination")
			}
			if err != nil {
				return err
			}
			if st == string(zhiyuan.NomReview) && at == region && !consented {
				return zhiyuan.Fail(zhiyuan.EConflict, "nomination.consent_missing")
			}
			return zhiyuan.Fail(zhiyuan.EConflict, "nomination.not_in_review", "status", zhiyuan.NominationStatus(st).Chinese())
		}
		if _, err := tx.exec(ctx, `INSERT INTO nomination_reviews (nomination_id, region_code, decision, comment, reviewer_id, created_at)
			VALUES (?, ?, ?, ?, ?, ?)`, id, region, string(d), comment, by, now); err != nil {
			return err
		}
		if audit != nil {
			return s.appendAudit(ctx, tx, audit)
		}
		return nil
	})
}

// ResubmitNomination puts a returned nomination back into review at first (the chain's
// lowest level) with the nominator's new story.
func (s *Store) ResubmitNomination(ctx context.Context, id int64, story, first string) error {
	c := s.writer()
	res, err := c.exec(ctx, `UPDATE nominations SET status = 'review', story = ?, review_region = ?, updated_at = ?
		WHERE id = ? AND status = 'returned'`, story, first, s.now(), id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		st, err := nominationState(ctx, c, id)
		if err != nil {
			return err
		}
		return zhiyuan.Fail(zhiyuan.EConflict, "nomination.not_returned", "status", st.Chinese())
	}
	return nil
}

// NominationPhoto returns photo number i (from 1) of nomination id, or ENotFound.
func (s *Store) NominationPhoto(ctx context.Context, id int64, i int) ([]byte, error) {
	var b []byte
	err := s.reader().queryRow(ctx, `SELECT photo FROM nomination_photos WHERE nomination_id = ? ORDER BY id LIMIT 1 OFFSET ?`,
		id, i-1).Scan(&b)
	if err == sql.ErrNoRows {
		return nil, notFound("notfound.photo")
	}
	return b, err
}

// Errors of a like that the application turns into answers.
var (
	// ErrLikeNotOpen: the candidate is not published or its selection is not voting.
	ErrLikeNotOpen = errors.New("candidate not open for likes")
)

// LikeRequest is one like: of candidate NominationID by AccountID from IP, with at most
// PerDay likes for the account in the Beijing day. When AddressKey is set, the like also
// counts against the address's limit (the login throttle's fixed window, ThrottleCount)
// of AddressMax likes per AddressWindow, in the like's own transaction.
type LikeRequest struct {
	NominationID  int64
	AccountID     int64
	IP            string
	PerDay        int
	AddressKey    string
	AddressMax    int
	AddressWindow time.Duration
}

// LikeRateLimited is the refusal of a like over its address's limit; Retry is how long
// until the window ends.
type LikeRateLimited struct{ Retry time.Duration }

func (e *LikeRateLimited) Error() string { return "likes from this address are limited" }

// Like records one like. What only reads — the account may like (active, claimed, old
// enough), the candidate is published and voting — is checked first on the read pool;
// then one short write transaction holds exactly what must be settled together: the
// like's row, new for (candidate, account, day) by a unique key, so of 50 parallel likes
// by one account one inserts; the account's day counter below the limit, a conditional
// upsert; and the candidate's count, up by one. It returns the count after the like.
func (s *Store) Like(ctx context.Context, r LikeRequest) (likes int64, err error) {
	now := s.now()
	day := zhiyuan.LikeDay(now)
	c := s.reader()
	var status string
	var claimed bool
	var created time.Time
	err = c.queryRow(ctx, `SELECT status, password_hash <> '', created_at FROM accounts WHERE id = ?`, r.AccountID).
		Scan(&status, &claimed, &created)
	if err == sql.ErrNoRows {
		return 0, notFound("notfound.account")
	}
	if err != nil {
		return 0, err
	}
	if m := zhiyuan.LikeRefusal(zhiyuan.AccountStatus(status), claimed, created, now); m != "" {
		return 0, zhiyuan.Fail(zhiyuan.EForbidden, m)
	}
	var st string
	var from, until time.Time
	err = c.queryRow(ctx, `SELECT n.status, s.vote_from, s.vote_until FROM nominations n
		JOIN selections s ON s.id = n.selection_id WHERE n.id = ?`, r.NominationID).Scan(&st, &from, &until)
	if err == sql.ErrNoRows || (err == nil && st != string(zhiyuan.NomPublished)) {
		return 0, notFound("notfound.candidate")
	}
	if err != nil {
		return 0, err
	}
	if now.Before(from) || !now.Before(until) {
		return 0, zhiyuan.Fail(zhiyuan.EConflict, "like.not_voting")
	}
	// On SQLite, concurrent likes share the writer's transactions (group.go), each in a
	// savepoint of its own.
	err = s.retry(ctx, func() error {
		return s.inGroup(ctx, func(ctx context.Context, tx conn) error {
			var likeID int64
			err := tx.queryRow(ctx, `INSERT INTO candidate_likes (nomination_id, account_id, day, ip, created_at) VALUES (?, ?, ?, ?, ?)
				ON CONFLICT (nomination_id, account_id, day) DO NOTHING RETURNING id`,
				r.NominationID, r.AccountID, day, r.IP, now).Scan(&likeID)
			if err == sql.ErrNoRows {
				return zhiyuan.Fail(zhiyuan.EConflict, "like.already_liked_today")
			}
			if err != nil {
				return err
			}
			var used int
			err = tx.queryRow(ctx, `INSERT INTO like_days (account_id, day, used) VALUES (?, ?, 1)
				ON CONFLICT (account_id, day) DO UPDATE SET used = like_days.used + 1 WHERE like_days.used < ?
				RETURNING used`, r.AccountID, day, r.PerDay).Scan(&used)
			if err == sql.ErrNoRows || (err == nil && used > r.PerDay) {
				return zhiyuan.Fail(zhiyuan.ERateLimited, "like.daily_limit", "max", r.PerDay)
			}
			if err != nil {
				return err
			}
			if r.AddressKey != "" {
				n, ends, err := s.throttleCount(ctx, tx, r.AddressKey, r.AddressWindow)
				if err != nil {
					return err
				}
				if n > r.AddressMax {
					return &LikeRateLimited{Retry: ends.Sub(now)}
				}
			}
			// The status again: a candidate withdrawn since the read above takes no like.
			err = tx.queryRow(ctx, `UPDATE nominations SET likes = likes + 1 WHERE id = ? AND status = 'published' RETURNING likes`,
				r.NominationID).Scan(&likes)
			if err == sql.ErrNoRows {
				return notFound("notfound.candidate")
			}
			return err
		})
	})
	return likes, err
}

// LikedToday reports which of ids the account liked in the Beijing day of now (not voided).
func (s *Store) LikedToday(ctx context.Context, accountID int64, ids []int64) (map[int64]bool, error) {
	out := map[int64]bool{}
	if accountID == 0 || len(ids) == 0 {
		return out, nil
	}
	args := append([]any{accountID, zhiyuan.LikeDay(s.now())}, int64Args(ids)...)
	got, err := queryAll(ctx, s.reader(), scanInt64, `SELECT nomination_id FROM candidate_likes WHERE account_id = ? AND day = ?
		AND nomination_id IN (`+placeholders(len(ids))+`)`, args...)
	for _, id := range got {
		out[id] = true
	}
	return out, err
}

// LikesUsedToday is how many likes the account gave in the Beijing day of now.
func (s *Store) LikesUsedToday(ctx context.Context, accountID int64) (int, error) {
	var n int
	err := s.reader().queryRow(ctx, `SELECT used FROM like_days WHERE account_id = ? AND day = ?`, accountID, zhiyuan.LikeDay(s.now())).Scan(&n)
	if err == sql.ErrNoRows {
		return 0, nil
	}
	return n, err
}

// VoidFilter picks the likes of one candidate to void: those from one address, or those
// of accounts registered in [RegisteredFrom, RegisteredUntil).
type VoidFilter struct {
	NominationID    int64
	IP              string
	RegisteredFrom  time.Time
	RegisteredUntil time.Time
}

// VoidLikes voids the likes f picks that are not void yet, lowers the candidate's count by
// exactly as many in the same transaction, writes the audit entry (its detail gets the
// number) and returns the number voided.
func (s *Store) VoidLikes(ctx context.Context, f VoidFilter, by int64, audit *zhiyuan.AuditEntry) (int64, error) {
	var n int64
	err := s.retry(ctx, func() error {
		return s.inTx(ctx, func(tx conn) error {
			now := s.now()
			q := `UPDATE candidate_likes SET voided_at = ?, voided_by = ? WHERE nomination_id = ? AND voided_at IS NULL`
			args := []any{now, by, f.NominationID}
			if f.IP != "" {
				q += ` AND ip = ?`
				args = append(args, f.IP)
			} else {
				q += ` AND account_id IN (SELECT id FROM accounts WHERE created_at >= ? AND created_at < ?)`
				args = append(args, f.RegisteredFrom.UTC(), f.RegisteredUntil.UTC())
			}
			res, err := tx.exec(ctx, q, args...)
			if err != nil {
				return err
			}
			n, _ = res.RowsAffected()
			if n > 0 {
				if _, err := tx.exec(ctx, `UPDATE nominations SET likes = likes - ? WHERE id = ?`, n, f.NominationID); err != nil {
					return err
				}
			}
			if audit != nil {
				audit.Detail += "：" + strconv.FormatInt(n, 10) + "个赞"
				return s.appendAudit(ctx, tx, audit)
			}
			return nil
		})
	})
	return n, err
}

// LikeReport finds the unusual patterns in a selection's standing likes: addresses that
// gave one candidate zhiyuan.ReportAddressMin likes or more, and groups of at least
// zhiyuan.ReportBatchMin accounts registered within zhiyuan.ReportBatchWindow of each other
// that liked one candidate.
func (s *Store) LikeReport(ctx context.Context, selectionID int64) (*zhiyuan.LikeReport, error) {
	c := s.reader()
	rep := &zhiyuan.LikeReport{}
	var err error
	rep.Addresses, err = queryAll(ctx, c, func(r rowScanner) (zhiyuan.AddressLikes, error) {
		var a zhiyuan.AddressLikes
		err := r.Scan(&a.NominationID, &a.NomineeName, &a.IP, &a.Likes, &a.Accounts)
		return a, err
	}, `SELECT l.nomination_id, n.nominee_name, l.ip, COUNT(*), COUNT(DISTINCT l.account_id) FROM candidate_likes l
		JOIN nominations n ON n.id = l.nomination_id
		WHERE n.selection_id = ? AND l.voided_at IS NULL AND l.ip <> ''
		GROUP BY l.nomination_id, n.nominee_name, l.ip HAVING COUNT(*) >= ? ORDER BY COUNT(*) DESC, l.nomination_id LIMIT 200`,
		selectionID, zhiyuan.ReportAddressMin)
	if err != nil {
		return nil, err
	}
	type liker struct {
		nom     int64
		name    string
		created time.Time
	}
	likers, err := queryAll(ctx, c, func(r rowScanner) (liker, error) {
		var l liker
		err := r.Scan(&l.nom, &l.name, &l.created)
		l.created = l.created.UTC()
		return l, err
	}, `SELECT l.nomination_id, n.nominee_name, a.created_at FROM candidate_likes l
		JOIN nominations n ON n.id = l.nomination_id JOIN accounts a ON a.id = l.account_id
		WHERE n.selection_id = ? AND l.voided_at IS NULL ORDER BY l.nomination_id, a.created_at`, selectionID)
	if err != nil {
		return nil, err
	}
	rep.Batches = []zhiyuan.BatchLikes{}
	// Runs of registrations no more than ReportBatchWindow apart, per candidate.
	for i := 0; i < len(likers); {
		j := i + 1
		for j < len(likers) && likers[j].nom == likers[i].nom && likers[j].created.Sub(likers[j-1].created) <= zhiyuan.ReportBatchWindow {
			j++
		}
		if j-i >= zhiyuan.ReportBatchMin {
			rep.Batches = append(rep.Batches, zhiyuan.BatchLikes{NominationID: likers[i].nom, NomineeName: likers[i].name,
				From: likers[i].created, Until: likers[j-1].created.Add(time.Microsecond), Accounts: j - i})
		}
		i = j
	}
	sort.SliceStable(rep.Batches, func(a, b int) bool { return rep.Batches[a].Accounts > rep.Batches[b].Accounts })
	return rep, nil
}

// JuryDecision is the jury's decision on one candidate: its rank in its category (0: not
// ranked) and whether it is a winner.
type JuryDecision struct {
	NominationID int64
	Rank         int
	Winner       bool
}

// SetJury records the jury's decisions on a selection's published candidates before its
// results are published.
func (s *Store) SetJury(ctx context.Context, selectionID int64, ds []JuryDecision) error {
	return s.inTx(ctx, func(tx conn) error {
		for _, d := range ds {
			res, err := tx.exec(ctx, `UPDATE nominations SET jury_rank = ?, winner = ?, updated_at = ? WHERE id = ? AND selection_id = ?
				AND status = 'published' AND selection_id IN (SELECT id FROM selections WHERE results_at IS NULL)`,
				nullInt(d.Rank), d.Winner, s.now(), d.NominationID, selectionID)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return zhiyuan.FieldFail(zhiyuan.EConflict, "candidate_"+strconv.FormatInt(d.NominationID, 10), "selection.jury_closed")
			}
		}
		return nil
	})
}

func nullInt(n int) any {
	if n == 0 {
		return nil
	}
	return n
}

// PublishResults closes a selection's results once (a second call is a conflict) and
// records the award given to each winner: awards maps a nomination to its award.
func (s *Store) PublishResults(ctx context.Context, selectionID int64, award func(tx AwardTx, n zhiyuan.Nomination) (int64, error), audit *zhiyuan.AuditEntry) error {
	return s.inTx(ctx, func(tx conn) error {
		res, err := tx.exec(ctx, `UPDATE selections SET results_at = ? WHERE id = ? AND results_at IS NULL`, s.now(), selectionID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return zhiyuan.Fail(zhiyuan.EConflict, "selection.results_published")
		}
		winners, err := queryAll(ctx, tx, scanNomination, `SELECT `+nominationCols+nominationFrom+`
			WHERE n.selection_id = ? AND n.status = 'published' AND n.winner ORDER BY n.id`, selectionID)
		if err != nil {
			return err
		}
		for _, w := range winners {
			id, err := award(AwardTx{s: s, tx: tx}, w)
			if err != nil {
				return err
			}
			if _, err := tx.exec(ctx, `UPDATE nominations SET award_id = ? WHERE id = ?`, nullID(id), w.ID); err != nil {
				return err
			}
		}
		if audit != nil {
			return s.appendAudit(ctx, tx, audit)
		}
		return nil
	})
}

// AwardTx writes awards inside PublishResults' transaction.
type AwardTx struct {
	s  *Store
	tx conn
}

// Insert writes one award (the honours record of issue 14) and returns its id.
func (t AwardTx) Insert(ctx context.Context, a *zhiyuan.Award) (int64, error) {
	a.CreatedAt = t.s.now()
	id, err := t.tx.insert(ctx, `INSERT INTO awards (volunteer_id, recipient_org_id, title, level, awarded_on, certificate_no,
		grantor_org_id, grantor_region, grantor_name, granted_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		nullID(a.VolunteerID), nullID(a.RecipientOrgID), a.Title, string(a.Level), a.AwardedOn, a.CertificateNo,
		nullID(a.GrantorOrgID), a.GrantorRegion, a.GrantorName, a.GrantedBy, a.CreatedAt)
	a.ID = id
	return id, err
}

// CampaignScope returns a campaign's name and region (the subtree it runs in), or ENotFound.
func (s *Store) CampaignScope(ctx context.Context, id int64) (name, region string, err error) {
	err = s.reader().queryRow(ctx, `SELECT name, region_code FROM campaigns WHERE id = ?`, id).Scan(&name, &region)
	if err == sql.ErrNoRows {
		return "", "", notFound("notfound.campaign")
	}
	return name, region, err
}

// SeedLikes writes likes of candidate nominationID by accounts from ip on day in one
// transaction, with the candidate's count and the accounts' day counters kept to match,
// skipping accounts that liked it that day already. It is the demo's loader (accounts
// made by the demo are minutes old, too young to like through Like); nothing else calls it.
func (s *Store) SeedLikes(ctx context.Context, nominationID int64, accounts []int64, day, ip string) error {
	return s.inTx(ctx, func(tx conn) error {
		now := s.now()
		for _, acc := range accounts {
			res, err := tx.exec(ctx, `INSERT INTO candidate_likes (nomination_id, account_id, day, ip, created_at) VALUES (?, ?, ?, ?, ?)
				ON CONFLICT (nomination_id, account_id, day) DO NOTHING`, nominationID, acc, day, ip, now)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				continue
			}
			if _, err := tx.exec(ctx, `INSERT INTO like_days (account_id, day, used) VALUES (?, ?, 1)
				ON CONFLICT (account_id, day) DO UPDATE SET used = like_days.used + 1`, acc, day); err != nil {
				return err
			}
			if _, err := tx.exec(ctx, `UPDATE nominations SET likes = likes + 1 WHERE id = ?`, nominationID); err != nil {
				return err
			}
		}
		return nil
	})
}
