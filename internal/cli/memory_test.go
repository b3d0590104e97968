package cli

import (
	"path/filepath"
	"runtime/debug"
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
