package config

import (
	"errors"
	"flag"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// Pool sizes the database connection pools. On PostgreSQL every setting applies to the
// one pool; on SQLite MaxConns and MaxIdle size the pool of readers, while writes keep
// their single connection (SQLite takes one writer at a time; queueing in Go is cheaper
// than queueing on the file lock) and the lifetimes do not apply (there is no server to
// reconnect to).
type Pool struct {
	MaxConns        int           // open connections at most
	MaxIdle         int           // idle connections kept, 0 to MaxConns
	ConnMaxLifetime time.Duration // a connection is replaced after this long; 0 never
	ConnMaxIdleTime time.Duration // an idle connection is closed after this long; 0 never

	// Taken as text and read by Validate, like the rules, so that a bad value from the
	// environment is reported exactly like a bad flag, naming both.
	specs []*ruleSpec
}

// DefaultMaxConns is --db-max-conns when none is given: two connections per core, so one
// can wait on the database while another runs, and two spare for the background jobs and
// a health check. The store takes the same default for a zero (TestConfigAgreesWithStore).
func DefaultMaxConns() int { return 2*runtime.NumCPU() + 2 }

// poolLimit bounds --db-max-conns: beyond it a typo (10000 for 100) would exhaust the
// server's max_connections rather than tune anything.
const poolLimit = 1000

// registerPool adds the pool flags to fs, each defaulting to its ZHIYUAN_* variable.
func (c *Config) registerPool(fs *flag.FlagSet, getenv func(string) string) {
	p := &c.Pool
	p.specs = nil
	add := func(name, env, defValue, shownDefault, usage string, parse func(string) error) {
		s := &ruleSpec{flag: name, env: "ZHIYUAN_" + env, parse: parse}
		p.specs = append(p.specs, s)
		if v := getenv(s.env); v != "" {
			defValue = v
		}
		s.raw = defValue
		fs.Func(name, usage+" ("+s.env+")", func(v string) error { s.raw = v; return nil })
		if defValue == "" {
			defValue = shownDefault
		}
		fs.Lookup(name).DefValue = defValue
	}
	// The order matters: --db-max-idle is read after --db-max-conns, which bounds it.
	add("db-max-conns", "DB_MAX_CONNS", strconv.Itoa(DefaultMaxConns()), "",
		"`n` database connections at most (PostgreSQL: the pool; SQLite: the readers, writes keep one), 1 to "+strconv.Itoa(poolLimit)+"; default 2×cores+2",
		func(s string) (err error) { p.MaxConns, err = count(s, 1, poolLimit); return })
	add("db-max-idle", "DB_MAX_IDLE", "", "as --db-max-conns",
		"`n` idle database connections kept for the next request, 0 to --db-max-conns",
		func(s string) (err error) {
			if s == "" {
				p.MaxIdle = p.MaxConns
				return nil
			}
			if p.MaxConns == 0 {
				return nil // --db-max-conns is bad and reported; this cannot be judged
			}
			if p.MaxIdle, err = count(s, 0, p.MaxConns); err != nil {
				return fmt.Errorf("%v (--db-max-conns is %d)", err, p.MaxConns)
			}
			return nil
		})
	add("db-conn-max-lifetime", "DB_CONN_MAX_LIFETIME", "0", "",
		"PostgreSQL: a connection is replaced after this `duration` (e.g. 30m, to follow a fail-over or a pooler); 0 keeps it",
		func(s string) (err error) { p.ConnMaxLifetime, err = poolDuration(s); return })
	add("db-conn-max-idle-time", "DB_CONN_MAX_IDLE_TIME", "5m", "",
		"PostgreSQL: an idle connection is closed after this `duration`; 0 keeps it",
		func(s string) (err error) { p.ConnMaxIdleTime, err = poolDuration(s); return })
}

// validate reads every value, naming the flag and its variable in each error.
func (p *Pool) validate() error {
	var errs []error
	for _, s := range p.specs {
		if err := s.parse(strings.TrimSpace(s.raw)); err != nil {
			errs = append(errs, fmt.Errorf("--%s %q (or %s): %v", s.flag, s.raw, s.env, err))
		}
	}
	return errors.Join(errs...)
}

func poolDuration(s string) (time.Duration, error) {
	if s == "0" {
		return 0, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, errors.New("must be a duration such as 30m or 1h, or 0")
	}
	if d < time.Second || d > 24*time.Hour {
		return 0, errors.New("must be 0 or between 1s and 24h")
	}
	return d, nil
}
