package cli

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/baseline-scanner/baseline/internal/scan"
	"github.com/baseline-scanner/baseline/report"
)

func TestScanSeconds(t *testing.T) {
	start := time.Date(2025, 3, 14, 9, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name    string
		started time.Time
		elapsed time.Duration
		want    float64
	}{
		{"no scan", time.Time{}, time.Hour, 0},
		{"rounded to the millisecond", start, 17*time.Second + 250400*time.Microsecond, 17.25},
		{"never zero after a scan", start, 200 * time.Microsecond, 0.001},
	} {
		if got := scanSeconds(tc.started, start.Add(tc.elapsed)); got != tc.want {
			t.Errorf("%s: scanSeconds = %v, want %v", tc.name, got, tc.want)
		}
	}
}

// TestMergeKeepsTheLongestShardsScanSeconds: shards run side by side, so
// the merged scan took as long as its slowest shard.
func TestMergeKeepsTheLongestShardsScanSeconds(t *testing.T) {
	dir := t.TempDir()
	var paths []string
	for i, secs := range []float64{3.5, 7.25, 0} {
		r := &report.Report{
			Tool:        report.Tool{Name: "baseline", Version: "dev"},
			GeneratedAt: time.Date(2025, 3, 14, 9, 0, i, 0, time.UTC),
			Scope:       report.Scope{Accounts: []string{[]string{"111111111111", "222222222222", "333333333333"}[i]}, Regions: []string{"eu-west-1"}, Shard: &report.Shard{Index: i + 1, Count: 3}},
			ScanSeconds: secs,
		}
		r.Finalize()
		p := filepath.Join(dir, r.Scope.Accounts[0]+".json")
		f, err := os.Create(p)
		if err != nil {
			t.Fatal(err)
		}
		if err := (report.JSONWriter{}).Write(f, r); err != nil {
			t.Fatal(err)
		}
		f.Close()
		paths = append(paths, p)
	}
	merged, err := scan.MergeReports(paths)
	if err != nil {
		t.Fatal(err)
	}
	if merged.ScanSeconds != 7.25 {
		t.Errorf("merged scan_seconds = %v, want 7.25", merged.ScanSeconds)
	}
}
