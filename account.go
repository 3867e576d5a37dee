package zhiyuan

import (
	"context"
	"time"
)

// AccountStatus says whether an account may log in.
type AccountStatus string

// Account statuses.
const (
	AccountActive   AccountStatus = "active"
	AccountDisabled AccountStatus = "disabled" // by an administrator
	AccountClosed   AccountStatus = "closed"   // by its owner; personal data removed
)

// UnclaimedPasswordHash is the password hash of an account that its person has not claimed
// yet: a unit registered them (a spreadsheet import) and no one but the person may set a
// password. It matches no password: login, password change and closure treat it as wrong
// whatever is typed, no code path stores it over a real hash, and the only way out of it is
// the person's claim (phone, last six characters of the identity number, a new password),
// one conditional UPDATE of the row whose hash is still empty.
const UnclaimedPasswordHash = ""

// Account is one person's login. One person has one account, whatever roles they hold.
type Account struct {
	ID        int64
	Phone     string // normalised mainland mobile number; shown masked
	Name      string
	Status    AccountStatus
	CreatedAt time.Time
	Roles     []Role
}

// Session is a server-side login: a browser cookie or an API bearer token. Only a hash of
// the token is stored, so a copy of the database does not let anyone log in.
type Session struct {
	Token     string // the secret, present only when the session is created
	Kind      SessionKind
	AccountID int64
	CreatedAt time.Time
	ExpiresAt time.Time
}

// SessionKind separates page sessions (cookies) from API tokens; they expire differently.
type SessionKind string

// Session kinds.
const (
	SessionWeb SessionKind = "web"
	SessionAPI SessionKind = "api"
)

// Client describes where a request comes from, for the audit log and rate limits.
type Client struct {
	IP        string
	UserAgent string
	RequestID string
}

type clientKey struct{}

// WithClient returns a context carrying c.
func WithClient(ctx context.Context, c Client) context.Context {
	return context.WithValue(ctx, clientKey{}, c)
}

// ClientFrom returns the Client stored in ctx, or the zero Client.
func ClientFrom(ctx context.Context) Client {
	c, _ := ctx.Value(clientKey{}).(Client)
	return c
}

type principalKey struct{}

// WithPrincipal returns a context carrying the authenticated caller.
func WithPrincipal(ctx context.Context, p *Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// PrincipalFrom returns the authenticated caller, or nil for an anonymous request.
func PrincipalFrom(ctx context.Context) *Principal {
	p, _ := ctx.Value(principalKey{}).(*Principal)
	return p
}

// AuditEntry is one line of the audit log: who did what to which record, when, from where.
type AuditEntry struct {
	ID         int64
	At         time.Time
	ActorID    int64
	ActorName  string
	Action     string // e.g. "account.create", "org.approve", "pii.reveal"
	TargetType string
	TargetID   string
	RegionCode string // region of the record acted on, so regional admins can read their scope
	OrgID      int64
	OrgName    string // read from the organisation when listed, so pages show a name
	IP         string
	RequestID  string
	Detail     string
}

// AuditFilter selects audit entries. RegionPrefix is required for regional admins and comes
// from their scope, never from the caller's input alone.
type AuditFilter struct {
	RegionPrefix string
	Action       string
	ActorID      int64
	Before       int64 // cursor: entries with ID below this
	Limit        int
}
