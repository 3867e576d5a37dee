package proof

import (
	"bytes"
	"sync"
	"testing"
)

// TestRenderLeavesTheFontAlone: one Font serves every proof the server prints, at the same
// time. fpdf's subsetting appends to a slice of the font bytes it is given (getMetrics, for
// glyphs past the hmtx table's long metrics), which wrote into the shared font; found by
// -race with identical proofs requested at once. The font must be the same bytes after
// any number of renders, concurrent ones included.
func TestRenderLeavesTheFontAlone(t *testing.T) {
	t.Parallel()
	f := testFont(t)
	before := bytes.Clone(f.data)
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var buf bytes.Buffer
			if err := RenderProof(&buf, sampleProof(6), f); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if !bytes.Equal(before, f.data) {
		for i := range before {
			if before[i] != f.data[i] {
				t.Fatalf("rendering changed the shared font, first at byte %d", i)
			}
		}
	}
}
