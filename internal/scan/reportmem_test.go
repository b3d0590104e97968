package scan

import (
	"flag"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"testing"

	"github.com/baseline-scanner/baseline/checks"
	"github.com/baseline-scanner/baseline/internal/awssim"
	"github.com/baseline-scanner/baseline/internal/awssim/awssimtest"
	"github.com/baseline-scanner/baseline/policies"
	"github.com/baseline-scanner/baseline/report"
)

var (
	reportMemAccounts = flag.Int("reportmem.accounts", 40, "BenchmarkStreamedReportMemory: accounts in the generated organization (4 regions)")
	reportMemHeap     = flag.String("reportmem.heapprofile", "", "BenchmarkStreamedReportMemory: write the heap, with the report built, to this file")
)

// BenchmarkStreamedReportMemory measures what a report costs per result on
// the path baseline scan takes (CollectStreamed, then Report, then the JSON
// writer): heap-B/result is the heap the built report holds (measured after
// a GC, with only the spool's index and the report live), write-B/result
// what writing it as JSON allocates (a writer that builds the whole
// document in memory allocates several times the file's size). The
// organization is awssim.Generate's, seed 1, four regions;
// -reportmem.accounts sizes it and -reportmem.heapprofile writes the heap
// with the report built (sampled every 4 KiB), for go tool pprof
// -sample_index=inuse_space.
func BenchmarkStreamedReportMemory(b *testing.B) {
	if *reportMemHeap != "" {
		defer func(rate int) { runtime.MemProfileRate = rate }(runtime.MemProfileRate)
		runtime.MemProfileRate = 4096 // finer than the default 512 KiB
	}
	world := awssim.Generate(awssim.GenerateOptions{Accounts: *reportMemAccounts, Seed: 1})
	_, cfg := awssimtest.StartWorld(b, world)
	st, err := CollectStreamed(b.Context(), Options{Org: true, AWS: &cfg, Regions: world.Regions, Collection: ModeDirect,
		Tool: checks.Tool{Name: "baseline", Version: "bench"}, Now: awssimtest.Clock, Observer: &recorder{}})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	engine, err := policies.Builtin()
	if err != nil {
		b.Fatal(err)
	}
	out := filepath.Join(b.TempDir(), "report.json")
	tool := report.Tool{Name: "baseline", Version: "bench"}
	var held, written, results, size float64
	b.ResetTimer()
	for range b.N {
		before := heapAlloc()
		rep, err := st.Report(b.Context(), engine, policies.DefaultConfig(), EvalOptions{}, tool, awssimtest.Clock, Review{})
		if err != nil {
			b.Fatal(err)
		}
		n := float64(len(rep.Results))
		held += float64(heapAlloc()-before) / n
		if *reportMemHeap != "" {
			writeHeap(b, *reportMemHeap)
		}
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		allocated := ms.TotalAlloc
		f, err := os.Create(out)
		if err != nil {
			b.Fatal(err)
		}
		if err := (report.JSONWriter{}).Write(f, rep); err != nil {
			b.Fatal(err)
		}
		runtime.ReadMemStats(&ms)
		written += float64(ms.TotalAlloc-allocated) / n
		fi, err := f.Stat()
		if err != nil {
			b.Fatal(err)
		}
		size += float64(fi.Size()) / n
		if err := f.Close(); err != nil {
			b.Fatal(err)
		}
		results += n
		runtime.KeepAlive(rep)
	}
	b.ReportMetric(results/float64(b.N), "results")
	b.ReportMetric(held/float64(b.N), "heap-B/result")
	b.ReportMetric(written/float64(b.N), "write-B/result")
	b.ReportMetric(size/float64(b.N), "json-B/result")
}

// heapAlloc is the live heap after two collections (the second frees
// what sync.Pools held through the first).
func heapAlloc() uint64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

func writeHeap(b *testing.B, path string) {
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	runtime.GC()
	if err := pprof.WriteHeapProfile(f); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
}
