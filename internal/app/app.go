// Package app holds the platform's use cases: what pages and API both do, in the order
// they must be done. Every operation on protected data takes the caller (a Principal),
// asks zhiyuan.Authorize through authorize, and writes the audit log for admin actions,
// so web and api stay thin translations of HTTP and cannot skip a check.
package app

import (
	"context"
	"database/sql"
	"log/slog"
	"sync"
	"time"

	"zhiyuan"
	"zhiyuan/internal/password"
	"zhiyuan/internal/pii"
	"zhiyuan/internal/proof"
	"zhiyuan/internal/region"
	"zhiyuan/internal/sqlstore"
)

// Config holds the application's rules that operators may tune.
type Config struct {
	WebSessionTTL time.Duration   // how long a page login lasts
	APITokenTTL   time.Duration   // how long an API token lasts
	Password      password.Params // argon2id cost for new hashes

	// Login throttling (auth.go): LoginMaxFailures failures for one account, by whatever
	// identifier was typed, from one address within LoginWindow lock that pair for
	// LoginLock; IPMaxFailures failures from one address over any logins lock the address.
	// Locking per pair, not per account, is what stops one address from locking other
	// people out at will.
	LoginMaxFailures int
	IPMaxFailures    int
	LoginWindow      time.Duration
	LoginLock        time.Duration

	// Sign-up throttling (ratelimit.go): at most RegisterPerIP volunteer registrations
	// from one address (an IPv6 /64) in a RegisterWindow that opens with the first; the
	// rest are refused with ratelimited until it ends. 0 turns the limit off. Requests
	// without an address (the demo, imports) are not counted.
	RegisterPerIP  int
	RegisterWindow time.Duration

	// Password reset by SMS code (reset.go).
	Reset ResetRules

	// Proof throttling (ratelimit.go): at most ProofsPerAccount new proofs per account in
	// a ProofWindow that opens with the first; a request for unchanged records returns
	// the existing proof and is not counted. 0 turns the limit off.
	ProofsPerAccount int
	ProofWindow      time.Duration

	BaseURL string // public address printed in card QR codes and proofs; "" prints paths only

	// Service hours (see attendance.go, hours.go): how attendance becomes hours, when
	// scans are accepted, and which days are working days for the recording deadline.
	Hours        zhiyuan.HourRules
	Attendance   zhiyuan.AttendanceRules
	WorkCalendar zhiyuan.WorkCalendar

	// Recommend are the operator's weights of the recommendation score (recommend.go).
	Recommend zhiyuan.RecommendWeights

	// Likes of exemplary people (selections.go): LikesPerDay likes per account per Beijing
	// day over all candidates (zhiyuan.DefaultLikesPerDay), and LikesPerIP likes per
	// address (an IPv6 /64) per hour, counted like registrations; 0 turns that limit off.
	LikesPerDay int
	LikesPerIP  int
}

// DefaultConfig is what a new platform runs with.
func DefaultConfig() Config {
	return Config{
		WebSessionTTL:    12 * time.Hour,
		APITokenTTL:      30 * 24 * time.Hour,
		Password:         password.Default,
		LoginMaxFailures: 5,
		IPMaxFailures:    100,
		LoginWindow:      15 * time.Minute,
		LoginLock:        15 * time.Minute,
		RegisterPerIP:    20,
		RegisterWindow:   time.Hour,
		Reset:            DefaultResetRules(),
		ProofsPerAccount: 20,
		ProofWindow:      24 * time.Hour,
		Hours:            zhiyuan.DefaultHourRules(),
		Attendance:       zhiyuan.DefaultAttendanceRules(),
		Recommend:        zhiyuan.DefaultRecommendWeights(),
		LikesPerDay:      zhiyuan.DefaultLikesPerDay,
		LikesPerIP:       zhiyuan.DefaultLikesPerIPHour,
	}
}

// App is the platform's application layer.
type App struct {
	// store is reached through App's use cases only, never by handlers: whoever opens the
	// store (cmd/zhiyuan, servertest) keeps its own reference for what is not a use case
	// (closing it, demo bulk loads, test fixtures). See docs/ARCHITECTURE.md, "Layout".
	store   *sqlstore.Store
	Keys    *pii.Keys
	Regions *region.Tree
	Log     *slog.Logger
	Config  Config
	Sender  Sender // SMS and email; nil keeps them in Outbox instead (development), see notify.go
	Outbox  *Outbox

	// sessionCache keeps what a sign-up reads about its session for a moment (signups.go).
	sessionCache sessionCache
	// figures keeps the home page's headline figures for a few minutes (dashboard.go).
	figures figuresCache
	// leagueHome keeps a regional admin's home page League figures for a minute (league_home.go).
	leagueHome leagueHomeCache

	// Signer signs card payloads (cards.go): New makes one in memory; the binary loads the
	// data folder's. Font is the CJK font for PDF proofs (proofs.go); nil: found on first use.
	Signer   *proof.Signer
	Font     *proof.Font
	fontOnce sync.Once
}

// New returns an App.
func New(store *sqlstore.Store, keys *pii.Keys, regions *region.Tree, log *slog.Logger, cfg Config) *App {
	signer, err := proof.NewSigner()
	if err != nil {
		panic(err) // crypto/rand failing leaves nothing sensible to do
	}
	return &App{store: store, Keys: keys, Regions: regions, Log: log, Config: cfg, Signer: signer, Outbox: NewOutbox(outboxSize)}
}

// Now is the platform's clock (the store's: UTC, microsecond precision), which tests may
// set; handlers ask it rather than time.Now so pages agree with the rules they show.
func (a *App) Now() time.Time { return a.store.Now() }

// Engine names the database engine, "sqlite" or "postgres", for /healthz and the log.
func (a *App) Engine() string { return a.store.Engine() }

// Ping checks that the database answers, for /healthz.
func (a *App) Ping(ctx context.Context) error { return a.store.Ping(ctx) }

// DBStats returns the connection pools' statistics by pool name, for /metrics.
func (a *App) DBStats() map[string]sql.DBStats { return a.store.DBStats() }

// Statements returns how many statements the store has run, for benchmarks that print
// the statements one request costs.
func (a *App) Statements() int64 { return a.store.Statements() }

// authorize asks the one authorisation function and logs refusals (without personal data).
func (a *App) authorize(ctx context.Context, p *zhiyuan.Principal, act zhiyuan.Action, res zhiyuan.Resource) error {
	err := zhiyuan.Authorize(p, act, res)
	if err != nil && zhiyuan.ErrorCode(err) == zhiyuan.EForbidden {
		a.Log.InfoContext(ctx, "forbidden", slog.Int64("account_id", p.AccountID), slog.String("action", string(act)),
			slog.String("region", res.RegionCode), slog.Int64("org_id", res.OrgID))
	}
	return err
}

// audit records an admin action. The caller's address and request id come from ctx.
func (a *App) audit(ctx context.Context, p *zhiyuan.Principal, action, targetType, targetID, regionCode string, orgID int64, detail string) error {
	c := zhiyuan.ClientFrom(ctx)
	e := &zhiyuan.AuditEntry{
		Action: action, TargetType: targetType, TargetID: targetID, RegionCode: regionCode,
		OrgID: orgID, IP: c.IP, RequestID: c.RequestID, Detail: detail,
	}
	if p != nil {
		e.ActorID = p.AccountID
	}
	return a.store.AppendAudit(ctx, e)
}
