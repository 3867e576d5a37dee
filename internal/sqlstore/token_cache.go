package sqlstore

import (
	"crypto/sha256"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"zhiyuan"
)

// principalCache keeps tokens resolved by PrincipalBySession for zhiyuan.TokenCacheTTL, so
// that a person's requests after the first cost no read of sessions, accounts and
// account_roles each (BenchmarkAPIMe: the read was most of the handler's own time).
//
// Invalidation is by generation, not by finding the entries a change concerns: every
// statement that can change what an existing token grants (grantWrite) bumps gen, and an
// entry is only good while gen is still the value it had before the entry's read began.
// A read that raced a change therefore never survives it: the bump comes after the change
// is committed (after the statement, or after the transaction's commit in inTx), and the
// racing read's entry carries the older generation. Store.DB(), the way under the store,
// bumps it too. Another process's changes are not seen: they wait out the TTL.
type principalCache struct {
	gen atomic.Uint64

	mu sync.RWMutex
	m  map[[sha256.Size]byte]principalEntry
}

type principalEntry struct {
	p     *zhiyuan.Principal // shared by every hit: never changed after it is stored
	kind  zhiyuan.SessionKind
	gen   uint64
	until time.Time // the earlier of the read plus the TTL and the session's expiry
}

// forget drops every entry (lazily: they no longer match the generation).
func (c *principalCache) forget() { c.gen.Add(1) }

// get returns the cached caller of a token digest, or nil.
func (c *principalCache) get(key [sha256.Size]byte, kind zhiyuan.SessionKind, now time.Time) *zhiyuan.Principal {
	c.mu.RLock()
	e, ok := c.m[key]
	c.mu.RUnlock()
	if !ok || e.kind != kind || e.gen != c.gen.Load() || !now.Before(e.until) {
		return nil
	}
	// Callers get their own Principal (they may replace fields); the account and the roles
	// behind it are shared and read-only (their slices are clipped, so an append copies).
	p := *e.p
	return &p
}

// put stores a caller read under generation e.gen.
func (c *principalCache) put(key [sha256.Size]byte, e principalEntry, now time.Time) {
	e.p.Roles = slices.Clip(e.p.Roles)
	if e.p.Account != nil {
		e.p.Account.Roles = e.p.Roles
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = make(map[[sha256.Size]byte]principalEntry)
	}
	if len(c.m) >= zhiyuan.TokenCacheSize {
		// Full: drop what is stale, and everything if that is not enough (a new entry
		// is one read away from being rebuilt).
		g := c.gen.Load()
		for k, old := range c.m {
			if old.gen != g || !now.Before(old.until) {
				delete(c.m, k)
			}
		}
		if len(c.m) >= zhiyuan.TokenCacheSize {
			clear(c.m)
		}
	}
	c.m[key] = e
}

// grantWriteRE matches statements that write the tables a token's grant is read from.
var grantWriteRE = regexp.MustCompile(`(?i)\b(UPDATE|DELETE\s+FROM|INSERT\s+INTO)\s+(accounts|account_roles|sessions)\b`)

// grantWrites memoises grantWrite per query text (bounded like the statement cache).
var (
	grantWrites  sync.Map // query → bool
	nGrantWrites atomic.Int32
)

// grantWrite reports whether query may change what an existing token grants: an UPDATE
// or DELETE of accounts, account_roles or sessions, a new role, or an upsert of an account
// or session. New accounts and new sessions (registration, login) change no existing
// token, so they leave the cache alone.
func grantWrite(query string) bool {
	if !strings.Contains(query, "accounts") && !strings.Contains(query, "account_roles") && !strings.Contains(query, "sessions") {
		return false // most statements: no substring, no regular expression
	}
	if v, ok := grantWrites.Load(query); ok {
		return v.(bool)
	}
	w := false
	for _, m := range grantWriteRE.FindAllStringSubmatch(query, -1) {
		verb, table := strings.ToUpper(m[1]), strings.ToLower(m[2])
		if !strings.HasPrefix(verb, "INSERT") || table == "account_roles" || strings.Contains(strings.ToUpper(query), "DO UPDATE") {
			w = true
			break
		}
	}
	if nGrantWrites.Load() < maxStmts {
		if _, loaded := grantWrites.LoadOrStore(query, w); !loaded {
			nGrantWrites.Add(1)
		}
	}
	return w
}

// wrote is called by conn for each statement it runs: a statement that may change a grant
// forgets the cached tokens, and, in a transaction, once more after the commit. exec calls
// it after its statement; query and queryRow, whose statement ends only when its rows are
// read, before (the store's RETURNING writes of these tables all run in transactions).
func (c conn) wrote(query string) {
	if !grantWrite(query) {
		return
	}
	c.s.principals.forget()
	if c.grants != nil {
		*c.grants = true
	}
}
