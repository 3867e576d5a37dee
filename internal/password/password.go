// Package password hashes and checks passwords with argon2id, storing the parameters in
// the encoded hash (the PHC string format) so that they can be raised later without
// invalidating existing hashes: a login with old parameters is re-hashed on success.
//
// Every hash, made or checked, runs in a pool with one slot per core. Each argon2id hash
// holds its work area (Params.Memory) for its whole run, and more hashes at once than cores
// finish no sooner: a burst of 200 registrations would otherwise hold 200 areas. With the
// pool they queue, memory stays near cores × one area, and the queue's length and wait show
// in /metrics (Stats).
package password

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync/atomic"
	"time"

	"golang.org/x/crypto/argon2"
)

// Params are argon2id's cost parameters.
type Params struct {
	Memory  uint32 // KiB
	Time    uint32 // passes
	Threads uint8
	SaltLen uint32
	KeyLen  uint32
}

// Default is one of OWASP's equivalent argon2id settings (7 MiB, 5 passes, 1 lane; the
// cheat sheet lists it beside 19 MiB × 2 as the same strength): about 25 ms per hash on one
// core of a small server, so a two-core machine still checks dozens of logins a second
// while an offline attacker pays the same per guess. Of the equivalent settings it is the
// one with the smallest work area, which is what a burst of registrations holds (issue 18:
// 200 at once under 150 MB resident; BenchmarkRegisterBurst). Hashes made with the earlier
// 19 MiB × 2 are re-hashed at their next login (Verify's rehash).
var Default = Params{Memory: 7 * 1024, Time: 5, Threads: 1, SaltLen: 16, KeyLen: 32}

// Fast is for tests and demo data only: it keeps the format but costs almost nothing.
var Fast = Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

var b64 = base64.RawStdEncoding

// idKey is argon2.IDKey; a variable so that a test can watch how many run at once.
var idKey = argon2.IDKey

// slots bounds the hashes running at once to the cores the process may use.
var slots = make(chan struct{}, runtime.GOMAXPROCS(0))

var waiting, waitNanos, hashes atomic.Int64

// Stats is the hashing pool's state for monitoring.
type Stats struct {
	Limit       int     // hashes that may run at once (the cores)
	Running     int     // hashes running now
	Waiting     int64   // callers queued for a slot now
	WaitSeconds float64 // total time callers spent queued
	Hashes      int64   // hashes computed since start
}

// PoolStats returns the hashing pool's state.
func PoolStats() Stats {
	return Stats{Limit: cap(slots), Running: len(slots), Waiting: waiting.Load(),
		WaitSeconds: time.Duration(waitNanos.Load()).Seconds(), Hashes: hashes.Load()}
}

// derive computes an argon2id key in a pool slot, queueing while every slot is taken.
func derive(pw, salt []byte, passes, memory uint32, threads uint8, keyLen uint32) []byte {
	select {
	case slots <- struct{}{}:
	default:
		waiting.Add(1)
		start := time.Now()
		slots <- struct{}{}
		waitNanos.Add(int64(time.Since(start)))
		waiting.Add(-1)
	}
	hashes.Add(1)
	key := idKey(pw, salt, passes, memory, threads, keyLen)
	<-slots
	// The work area is garbage from here on. In a burst the collector would let finished
	// areas pile up to about the live heap again before it runs (GOGC), so 200 queued
	// registrations held about twice what the slots need; collecting now, while others
	// wait, lets the next hash reuse these pages. A lone login does not pay for it.
	if waiting.Load() > 0 {
		runtime.GC()
	}
	return key
}

// Hash returns the PHC-encoded argon2id hash of pw.
func Hash(pw string, p Params) (string, error) {
	salt := make([]byte, p.SaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := derive([]byte(pw), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.Memory, p.Time, p.Threads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// ErrMalformed is returned for a stored hash that is not an argon2id PHC string.
var ErrMalformed = errors.New("password: malformed hash")

// Verify reports whether pw matches the encoded hash, and whether the hash was made with
// parameters other than want (so the caller should store a new hash).
func Verify(pw, encoded string, want Params) (ok, rehash bool, err error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, false, ErrMalformed
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false, false, ErrMalformed
	}
	var p Params
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil {
		return false, false, ErrMalformed
	}
	salt, err := b64.DecodeString(parts[4])
	if err != nil {
		return false, false, ErrMalformed
	}
	key, err := b64.DecodeString(parts[5])
	if err != nil || len(key) == 0 {
		return false, false, ErrMalformed
	}
	got := derive([]byte(pw), salt, p.Time, p.Memory, p.Threads, uint32(len(key)))
	if subtle.ConstantTimeCompare(got, key) != 1 {
		return false, false, nil
	}
	rehash = p.Memory != want.Memory || p.Time != want.Time || p.Threads != want.Threads
	return true, rehash, nil
}

// Weakness is why a new password is refused; the caller names the sentence for it.
type Weakness int

// The weaknesses Check finds. NoWeakness is the zero value: the password is fine.
const (
	NoWeakness Weakness = iota
	TooShort            // fewer than MinLen characters
	TooLong             // more than MaxLen characters
	NoMix               // not both letters and digits
)

// The length bounds of a new password, in characters.
const (
	MinLen = 8
	MaxLen = 72
)

// Check validates a new password's strength and returns its weakness, or NoWeakness.
func Check(pw string) Weakness {
	n := len([]rune(pw))
	switch {
	case n < MinLen:
		return TooShort
	case n > MaxLen:
		return TooLong
	}
	var letter, digit bool
	for _, r := range pw {
		switch {
		case r >= '0' && r <= '9':
			digit = true
		case (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z'):
			letter = true
		}
	}
	if !letter || !digit {
		return NoMix
	}
	return NoWeakness
}
