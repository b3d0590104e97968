package report

import (
	"io"
	"runtime"
	"testing"
)

// BenchmarkWritersMemory writes a report of 20,000 failing results (over
// 50 accounts and three teams) in every format and reports what each
// allocates per result (alloc-B/result): a writer that copies the results
// or builds its whole document before writing it allocates several times
// what one that writes as it goes does.
func BenchmarkWritersMemory(b *testing.B) {
	const n = 20000
	r := largeReport(n, 0)
	for _, format := range Formats() {
		b.Run(format, func(b *testing.B) {
			w, err := NewWriter(format)
			if err != nil {
				b.Fatal(err)
			}
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			for range b.N {
				if err := w.Write(io.Discard, r); err != nil {
					b.Fatal(err)
				}
			}
			runtime.ReadMemStats(&after)
			b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/float64(b.N)/n, "alloc-B/result")
		})
	}
}
