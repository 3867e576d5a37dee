package proof

// The peak-memory test reads VmHWM from /proc, so it is built on Linux only (the file's
// name says so), where the platform runs.

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"

	"zhiyuan"
)

const rssHelperEnv = "ZHIYUAN_PHOTO_RSS_HELPER"

// TestPhotoPeakRSS runs itself again in a fresh process of this test binary (so that no
// other test's allocations raise the high-water mark), where it decodes (photoRSSChild),
// and reads the peak resident size that process reports: 8 bombs and 8 photos just under
// the decoding budget, all at once, must stay under 300 MB.
func TestPhotoPeakRSS(t *testing.T) {
	if os.Getenv(rssHelperEnv) != "" {
		photoRSSChild(t)
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run", "^TestPhotoPeakRSS$", "-test.count", "1", "-test.v")
	cmd.Env = append(os.Environ(), rssHelperEnv+"=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("helper: %v\n%s", err, out)
	}
	var kb int64 = -1
	decoded := "?"
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		if v, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), "peak-rss-kb="); ok {
			kb, _ = strconv.ParseInt(v, 10, 64)
		}
		if v, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), "decoded="); ok {
			decoded = v
		}
	}
	if kb <= 0 {
		t.Fatalf("helper reported no peak:\n%s", out)
	}
	t.Logf("peak RSS with 8 bombs and 8 photos of %d MiB decoded (%s decoded, the rest busy), in parallel: %d MB", MaxPhotoDecodeBytes>>20, decoded, kb>>10)
	if kb > 300<<10 {
		t.Fatalf("peak RSS %d MB, want under 300 MB", kb>>10)
	}
}

// photoRSSChild is TestPhotoPeakRSS's part in its own process: 16 photos at once, then
// the process's peak resident size from /proc, printed for the parent to read.
func photoRSSChild(t *testing.T) {
	bomb := bomb16()
	// An 8-bit RGBA PNG just under the budget: it is decoded, shrunk and re-encoded.
	side := 3540 // 3540² × 4 = 50.1 MB, 47.8 MiB
	big := rawPNG(t, side, side, 8, 6, false, false)
	if _, _, c, err := decodeCost(big); err != nil || c > MaxPhotoDecodeBytes || c < MaxPhotoDecodeBytes*9/10 {
		t.Fatalf("near-budget photo costs %d (%v)", c, err)
	}
	var wg sync.WaitGroup
	errs := make([]error, 16)
	for i := range 16 {
		wg.Go(func() {
			data := bomb
			if i%2 == 1 {
				data = big
			}
			_, errs[i] = NormalizePhoto(data)
		})
	}
	wg.Wait()
	decoded := 0
	for i, err := range errs {
		switch {
		case i%2 == 0 && zhiyuan.ErrorCode(err) != zhiyuan.EInvalid:
			t.Errorf("bomb %d: %v, want refused", i, err)
		case i%2 == 1 && err == nil:
			decoded++
		case i%2 == 1 && !errors.Is(err, ErrPhotoBusy):
			// On a loaded machine the last in the queue may wait out PhotoDecodeWait:
			// that refusal is the design; any other is not.
			t.Errorf("photo %d: %v", i, err)
		}
	}
	if decoded < MaxPhotoDecodes+1 {
		t.Fatalf("only %d of 8 near-budget photos were decoded", decoded)
	}
	fmt.Printf("decoded=%d\n", decoded)
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	for line := range strings.Lines(string(status)) {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			fmt.Printf("peak-rss-kb=%s\n", strings.TrimSuffix(strings.TrimSpace(v), " kB"))
		}
	}
}
