package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/baseline-scanner/baseline/report"
)

// TestReportHistory: `report --history DIR` reads the reports under DIR
// (recursively), names the JSON files it leaves out, gives failing results
// failing_since and the teams a trend, and compares with the newest report.
func TestReportHistory(t *testing.T) {
	dir := t.TempDir()
	previous, current := demoReports(t, dir)
	hist := filepath.Join(dir, "history")
	if err := os.MkdirAll(filepath.Join(hist, "run-41"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(previous, filepath.Join(hist, "run-41", "report.json")); err != nil {
		t.Fatal(err)
	}
	writeFile(t, hist, "notes.json", `{"not": "a report"}`)

	out := filepath.Join(dir, "out.json")
	_, stderr, code := run(t, "report", current, "--history", hist, "--format", "json", "-o", out)
	if code != ExitFailing {
		t.Fatalf("exit %d, want %d; stderr: %s", code, ExitFailing, stderr)
	}
	for _, want := range []string{"1 earlier report(s) read from " + hist, filepath.Join(hist, "notes.json") + ": not a baseline report, left out"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	rep := readReport(t, out) // validates against the JSON Schema
	if rep.History == nil || rep.History.Reports != 1 || len(rep.History.Trend) == 0 {
		t.Fatalf("history %+v, want 1 report and a trend per team", rep.History)
	}
	if rep.Diff == nil || !rep.Diff.Previous.GeneratedAt.Equal(rep.GeneratedAt.AddDate(0, 0, -7)) {
		t.Fatalf("diff %+v: want the newest history report (a week older) compared with", rep.Diff)
	}
	failing := 0
	for _, r := range rep.Results {
		switch {
		case r.Status == report.StatusFail && r.FailingSince == nil:
			t.Errorf("%s %s %s: FAIL without failing_since", r.ControlID, r.AccountID, r.Region)
		case r.Status == report.StatusPass && r.FailingSince != nil:
			t.Errorf("%s %s %s: PASS with failing_since", r.ControlID, r.AccountID, r.Region)
		case r.Status == report.StatusFail:
			failing++
			// The one the previous report had passing fails since now.
			if r.AccountID == "222222222222" && r.ControlID == "ssm.patch_compliant" && r.Resource == "i-0d52e8a91c7f3b640" && !r.FailingSince.Equal(rep.GeneratedAt) {
				t.Errorf("regressed result fails since %v, want this report's time", r.FailingSince)
			}
		}
	}
	if failing == 0 {
		t.Fatal("no failing result in the demo")
	}

	md, _, _ := run(t, "report", current, "--history", hist, "--format", "markdown")
	if !strings.Contains(md, "## Trend") || !strings.Contains(md, "| payments |") {
		t.Errorf("markdown lacks the trend section:\n%s", md)
	}

	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"missing folder", []string{"--history", filepath.Join(dir, "nope")}, "--history: history: stat"},
		{"not a folder", []string{"--history", current}, "not a directory"},
		{"depth", []string{"--history", hist, "--history-depth", "0"}, "--history-depth: 0: must be at least 1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, stderr, code := run(t, append([]string{"report", current, "--format", "json"}, tc.args...)...)
			if code != ExitUsage || !strings.Contains(stderr, tc.want) {
				t.Errorf("exit %d, stderr %q; want exit %d naming %q", code, stderr, ExitUsage, tc.want)
			}
		})
	}
	t.Run("unreadable report", func(t *testing.T) {
		bad := writeFile(t, hist, "bad.json", `{"schema_version": "9.9", "results": []}`)
		_, stderr, code := run(t, "report", current, "--format", "json", "--history", hist)
		if code != ExitUsage || !strings.Contains(stderr, bad) || strings.Count(strings.TrimSpace(stderr), "\n") > 0 {
			t.Errorf("exit %d, stderr %q; want exit %d and one line naming %s", code, stderr, ExitUsage, bad)
		}
	})
}

// TestPreviousWithInvalidResultsIsRejected: a previous report whose results
// have an unknown status or lack the fields that identify them is exit 2
// with one line naming the file, never a diff that guesses.
func TestPreviousWithInvalidResultsIsRejected(t *testing.T) {
	dir := t.TempDir()
	previous, current := demoReports(t, dir)
	data, err := os.ReadFile(previous)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ name, from, to, want string }{
		{"status", `"status": "FAIL"`, `"status": "BROKEN"`, `status "BROKEN" is not one of PASS, FAIL, ERROR, WAIVED, NOT_APPLICABLE`},
		{"control", `"control_id": "`, `"control_id": "", "x": "`, `control_id is missing`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bad := writeFile(t, dir, "bad-"+tc.name+".json", strings.Replace(string(data), tc.from, tc.to, 1))
			_, stderr, code := run(t, "report", current, "--previous", bad, "--format", "json")
			if code != ExitUsage || !strings.Contains(stderr, bad) || !strings.Contains(stderr, tc.want) || strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
				t.Errorf("exit %d, stderr %q; want exit 2, one line naming %s and %q", code, stderr, bad, tc.want)
			}
		})
	}
}
