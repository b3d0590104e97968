package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/baseline-scanner/baseline/internal/scan"
	"github.com/baseline-scanner/baseline/report"
)

// TestReportRendersSavedReport: `baseline report` renders a saved JSON
// report exactly as the scan that wrote it rendered each format, and exits
// with the scan's verdict at every threshold.
func TestReportRendersSavedReport(t *testing.T) {
	dir := t.TempDir()
	live := filepath.Join(dir, "live")
	_, stderr, scanCode := run(t, "scan", "--demo", "-q", "--format", "json,markdown,html,junit,ndjson", "--out-dir", live)
	if scanCode == ExitUsage {
		t.Fatalf("scan: exit %d; stderr:\n%s", scanCode, stderr)
	}
	saved := filepath.Join(live, "report.json")
	rendered := filepath.Join(dir, "rendered")
	_, stderr, code := run(t, "report", saved, "--format", "json,markdown,html,junit,ndjson", "--out-dir", rendered)
	if code != scanCode {
		t.Fatalf("report: exit %d, want the scan's %d; stderr:\n%s", code, scanCode, stderr)
	}
	for _, name := range []string{"report.json", "report.md", "report.html", "report.xml", "report.ndjson"} {
		want, err := os.ReadFile(filepath.Join(live, name))
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(filepath.Join(rendered, name))
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(want) {
			t.Errorf("%s rendered from the saved report differs from the scan's", name)
		}
	}

	rep := readReport(t, saved)
	for _, sev := range report.Severities {
		want := scan.ExitCode(scan.Verdict{Report: rep, FailOn: sev})
		if _, stderr, code := run(t, "report", saved, "--fail-on", string(sev)); code != want {
			t.Errorf("report --fail-on %s: exit %d, want %d; stderr:\n%s", sev, code, want, stderr)
		}
	}
	// Against itself nothing is new: only the incompleteness can remain.
	stdout, stderr, code := run(t, "report", saved, "--previous", saved, "--fail-on-new", "--format", "markdown")
	if code != ExitIncomplete && code != ExitOK {
		t.Errorf("report --previous itself --fail-on-new: exit %d; stderr:\n%s", code, stderr)
	}
	if !strings.Contains(stdout, "Changes since the previous scan") {
		t.Errorf("report --previous: the Markdown has no changes section:\n%.400s", stdout)
	}
	if _, stderr, code := run(t, "report", filepath.Join(dir, "missing.json")); code != ExitUsage || strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
		t.Errorf("missing report: exit %d, stderr %q; want exit 2 and one line", code, stderr)
	}
}
