package cli

import (
	"path/filepath"
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
