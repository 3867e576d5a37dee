package api_test

import (
	"os"
	"slices"
	"strconv"
	"testing"
)

// benchRepeats is how many times a rush benchmark measures its figure against its raw
// reference in one run: ZHIYUAN_BENCH_REPEATS (`make bench` sets 3), 1 without it. One
// run on the shared machine can catch a burst of someone else's work; the spread of
// several says how far a figure is to be trusted.
func benchRepeats() int {
	if n, err := strconv.Atoi(os.Getenv("ZHIYUAN_BENCH_REPEATS")); err == nil && n > 1 {
		return n
	}
	return 1
}

// reportSpread reports the least, the median and the greatest of a figure measured once
// per repeat, as name_min, name_median and name_max (issue 18: every rush figure with its
// spread over 3 repeats).
func reportSpread(b *testing.B, name string, vals []float64) {
	b.Helper()
	if len(vals) == 0 {
		return
	}
	s := slices.Clone(vals)
	slices.Sort(s)
	med := s[len(s)/2]
	if len(s)%2 == 0 {
		med = (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	b.ReportMetric(s[0], name+"_min")
	b.ReportMetric(med, name+"_median")
	b.ReportMetric(s[len(s)-1], name+"_max")
}
