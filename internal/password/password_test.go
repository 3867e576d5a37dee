package password

import (
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestHashVerify(t *testing.T) {
	t.Parallel()
	h, err := Hash("s3cret-pass", Fast)
	if err != nil {
		t.Fatal(err)
	}
	if ok, rehash, err := Verify("s3cret-pass", h, Fast); !ok || rehash || err != nil {
		t.Fatalf("right password: ok=%v rehash=%v err=%v", ok, rehash, err)
	}
	if ok, _, _ := Verify("s3cret-pasS", h, Fast); ok {
		t.Fatal("wrong password accepted")
	}
	if _, rehash, _ := Verify("s3cret-pass", h, Default); !rehash {
		t.Fatal("hash with weaker parameters should ask for a rehash")
	}
	h2, _ := Hash("s3cret-pass", Fast)
	if h == h2 {
		t.Fatal("two hashes of one password must differ by salt")
	}
	for _, bad := range []string{"", "$argon2i$v=19$m=1,t=1,p=1$AA$AA", "$argon2id$v=19$m=x$AA$AA", "plain"} {
		if _, _, err := Verify("x", bad, Fast); err != ErrMalformed {
			t.Errorf("Verify(%q) err = %v, want ErrMalformed", bad, err)
		}
	}
}

func TestCheck(t *testing.T) {
	t.Parallel()
	for pw, bad := range map[string]bool{"short1": true, "onlyletters": true, "12345678": true, "abc12345": false, "密码很长很长abc123": false} {
		if got := Check(pw) != NoWeakness; got != bad {
			t.Errorf("Check(%q) rejected=%v, want %v", pw, got, bad)
		}
	}
}

// A burst of hashes runs at most one per core at a time: the rest queue (and the queue
// shows in PoolStats) instead of each holding argon2id's memory at once. Not parallel:
// it swaps the key function every test in the package uses.
func TestHashPoolBoundsConcurrency(t *testing.T) {
	var now, peak atomic.Int64
	real := idKey
	idKey = func(pw, salt []byte, passes, memory uint32, threads uint8, keyLen uint32) []byte {
		n := now.Add(1)
		for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
		}
		time.Sleep(5 * time.Millisecond)
		now.Add(-1)
		return real(pw, salt, passes, memory, threads, keyLen)
	}
	defer func() { idKey = real }()

	before := PoolStats()
	const burst = 40
	var wg sync.WaitGroup
	for range burst {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := Hash("burst-pass1", Fast); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	after := PoolStats()
	cores := runtime.GOMAXPROCS(0)
	if got := peak.Load(); got > int64(cores) || got < 1 || after.Limit != cores {
		t.Errorf("%d hashes ran at once on %d cores (pool limit %d)", got, cores, after.Limit)
	}
	if after.Hashes-before.Hashes != burst || after.Waiting != 0 || after.Running != 0 {
		t.Errorf("pool after the burst: %+v (before %+v)", after, before)
	}
	if after.WaitSeconds <= before.WaitSeconds {
		t.Errorf("a burst of %d over %d slots never queued: %+v", burst, after.Limit, after)
	}
}
