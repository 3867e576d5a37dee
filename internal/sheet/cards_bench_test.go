package sheet

import (
	"io"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// BenchmarkCardPrintList writes a 10,000-card print list beside excelize's stream writer
// writing the same rows with nothing else, in the same run.
func BenchmarkCardPrintList(b *testing.B) {
	const rows = 10000
	var listT, rawT time.Duration
	for i := 0; i < b.N; i++ {
		start := time.Now()
		l, err := NewCardPrintList(io.Discard, "bench")
		if err != nil {
			b.Fatal(err)
		}
		for k := 0; k < rows; k++ {
			if err := l.Add(printRow(k)); err != nil {
				b.Fatal(err)
			}
		}
		if err := l.Close(); err != nil {
			b.Fatal(err)
		}
		listT += time.Since(start)

		start = time.Now()
		f := excelize.NewFile()
		sw, _ := f.NewStreamWriter("Sheet1")
		for k := 0; k < rows; k++ {
			r := printRow(k)
			cell, _ := excelize.CoordinatesToCellName(1, k+1)
			if err := sw.SetRow(cell, []any{k + 1, r.CardNumber, r.Name, r.VolunteerNo, r.Organization, r.PhotoFile, r.Delivery}); err != nil {
				b.Fatal(err)
			}
		}
		sw.Flush()
		f.WriteTo(io.Discard)
		f.Close()
		rawT += time.Since(start)
	}
	n := float64(b.N)
	b.ReportMetric(listT.Seconds()/n*1000, "ms/list")
	b.ReportMetric(rawT.Seconds()/n*1000, "ms/raw-excelize")
	b.ReportMetric(listT.Seconds()/rawT.Seconds(), "list/raw")
	b.ReportMetric(rows*n/listT.Seconds(), "rows/s")
}
