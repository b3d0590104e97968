package cli

import (
	"fmt"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"testing"
)

// TestMemoryLimitFlag: a bad --memory-limit fails before any call with a
// one-line error; a good one is applied and said in the progress.
func TestMemoryLimitFlag(t *testing.T) {
	_, stderr, code := run(t, "scan", "--demo", "--memory-limit", "lots")
	if code != ExitUsage || !strings.Contains(stderr, `--memory-limit: "lots" is not a size`) {
		t.Errorf("bad value: exit %d, stderr %q", code, stderr)
	}
	out := filepath.Join(t.TempDir(), "snap.json")
	_, stderr, code = run(t, "collect", "--demo", "--memory-limit", "1GiB", "-o", out)
	if code == ExitUsage || !strings.Contains(stderr, "memory: soft memory limit 1.0 GiB (--memory-limit)") {
		t.Errorf("1GiB: exit %d, stderr lacks the chosen limit:\n%s", code, stderr)
	}
}

// TestMemoryLimitHoldsThroughTheReport: scan's soft memory limit is in force
// while the controls are evaluated and the report built (where a large
// organization's results make the peak), and the previous limit is back
// once the command returns.
func TestMemoryLimitHoldsThroughTheReport(t *testing.T) {
	before := debug.SetMemoryLimit(-1)
	var during int64
	beforeStreamedReport = func() { during = debug.SetMemoryLimit(-1) }
	defer func() { beforeStreamedReport = nil }()
	if _, stderr, code := run(t, "scan", "--demo", "-q", "--memory-limit", "3GiB", "--format", "json", "-o", filepath.Join(t.TempDir(), "r.json")); code == ExitUsage {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if during != 3<<30 {
		t.Errorf("memory limit during the report: %d, want %d", during, int64(3<<30))
	}
	if after := debug.SetMemoryLimit(-1); after != before {
		t.Errorf("memory limit after the command: %d, before it %d", after, before)
	}
}

// TestMergeAndReportLimitMemory: merge and report, which hold a merged
// organization's results until they are written, run under --memory-limit
// as scan does; a bad value is a one-line usage error naming the flag, and
// the previous limit is back once the command returns.
func TestMergeAndReportLimitMemory(t *testing.T) {
	dir := t.TempDir()
	var shards []string
	for k := 1; k <= 2; k++ {
		p := filepath.Join(dir, fmt.Sprintf("shard-%d.json", k))
		if _, stderr, code := run(t, "scan", "--demo", "-q", "--shard", fmt.Sprintf("%d/2", k), "--format", "json", "-o", p); code == ExitUsage {
			t.Fatalf("shard %d: exit %d: %s", k, code, stderr)
		}
		shards = append(shards, p)
	}
	merged := filepath.Join(dir, "merged.json")
	for _, c := range []struct {
		name string
		args []string
	}{
		{"merge", append([]string{"merge", "-o", merged}, shards...)},
		{"report", []string{"report", merged, "--format", "json", "-o", filepath.Join(dir, "again.json")}},
	} {
		_, stderr, code := run(t, append(slices.Clone(c.args), "--memory-limit", "lots")...)
		if code != ExitUsage || !strings.Contains(stderr, `--memory-limit: "lots" is not a size`) {
			t.Errorf("%s, bad value: exit %d, stderr %q", c.name, code, stderr)
		}
		before := debug.SetMemoryLimit(-1)
		var during int64
		beforeReportsRead = func() { during = debug.SetMemoryLimit(-1) }
		_, stderr, code = run(t, append(slices.Clone(c.args), "--memory-limit", "300MiB")...)
		beforeReportsRead = nil
		if code == ExitUsage || code == 2 {
			t.Fatalf("%s: exit %d: %s", c.name, code, stderr)
		}
		if during != 300<<20 {
			t.Errorf("%s: memory limit while reading the reports: %d, want %d", c.name, during, int64(300<<20))
		}
		if after := debug.SetMemoryLimit(-1); after != before {
			t.Errorf("%s: memory limit after the command: %d, before it %d", c.name, after, before)
		}
	}
}
