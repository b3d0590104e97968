package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/baseline-scanner/baseline/report"
)

// hostileName carries what a terminal or a Markdown renderer would act on:
// a Markdown link, an OSC 52 clipboard write, a clear screen in its 7-bit
// (ESC [) and 8-bit (C1 CSI) forms.
const hostileName = "[x](https://evil.example)\x1b]52;c;ZXZpbA==\x07\x1b[2J\u009b2Jsolo"

// hostileWorld is one account named hostileName, Security Hub off.
const hostileWorld = `regions: [eu-west-1]
accounts:
  - id: "111111111111"
    name: "[x](https://evil.example)\e]52;c;ZXZpbA==\a\e[2J\u009b2Jsolo"
    management: true
    regions:
      eu-west-1:
        securityhub:
          enabled: false
`

// assertSafe fails when out holds anything a terminal would act on (an
// escape, a C0 control other than the line feed, DEL, a C1 control) or, for
// Markdown, a live link from hostileName.
func assertSafe(t *testing.T, what, out string, markdown bool) {
	t.Helper()
	for i, r := range out {
		if (r < 0x20 && r != '\n') || r == 0x7f || (r >= 0x80 && r <= 0x9f) {
			t.Errorf("%s: control character %U at byte %d: %q", what, r, i, out[max(0, i-30):min(len(out), i+30)])
			return
		}
	}
	if markdown && strings.Contains(out, "[x](https://evil.example)") {
		t.Errorf("%s: a live Markdown link from an account name:\n%s", what, out)
	}
}

// TestHostileNamesInEveryOutput: an account name, a control title or a file
// name carrying terminal escape sequences or a Markdown link reaches no
// output live: the report table and Markdown of a scan, diff's table and
// Markdown, merge's Markdown and table, policies list, and stderr.
func TestHostileNamesInEveryOutput(t *testing.T) {
	dir := t.TempDir()
	world := filepath.Join(dir, "world.yaml")
	if err := os.WriteFile(world, []byte(hostileWorld), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, format := range []string{"table", "markdown"} {
		stdout, stderr, code := run(t, "scan", "--world", world, "-q", "--format", format)
		if code != ExitFailing {
			t.Fatalf("scan --format %s: exit %d, stderr %q", format, code, stderr)
		}
		assertSafe(t, "scan --format "+format, stdout, format == "markdown")
		if !strings.Contains(stdout, "solo") {
			t.Errorf("scan --format %s lost the account name:\n%s", format, stdout)
		}
	}

	// Two reports of one account each, named hostileName, for diff and merge.
	write := func(name, account string, status report.Status) string {
		rep := &report.Report{
			SchemaVersion: report.SchemaVersion, Tool: report.Tool{Name: "baseline", Version: "1.0.0"},
			GeneratedAt: time.Date(2026, 3, 1, 6, 0, 0, 0, time.UTC),
			Scope:       report.Scope{Accounts: []string{account}, Regions: []string{"eu-west-1"}},
			Results: []report.Result{{
				ControlID: "securityhub.enabled",
				Control:   &report.ControlText{Title: "Security Hub is enabled", Service: "securityhub"},
				Severity:  report.SeverityHigh, Status: status, AccountID: account, AccountName: hostileName,
				Region: "eu-west-1", Resource: "hub\x1b[2J", Message: "off\x1b]52;c;ZXZpbA==\x07", Team: "pay\u009b2Jments",
			}},
		}
		rep.Finalize()
		path := filepath.Join(dir, name)
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if err := (report.JSONWriter{}).Write(f, rep); err != nil {
			t.Fatal(err)
		}
		return path
	}
	before := write("before.json", "111111111111", report.StatusPass)
	after := write("after.json", "111111111111", report.StatusFail)
	other := write("other.json", "222222222222", report.StatusFail)

	for _, format := range []string{"table", "markdown"} {
		stdout, stderr, code := run(t, "diff", before, after, "--format", format)
		if code != ExitOK {
			t.Fatalf("diff --format %s: exit %d, stderr %q", format, code, stderr)
		}
		assertSafe(t, "diff --format "+format, stdout, format == "markdown")
		if !strings.Contains(stdout, "REGRESSED") {
			t.Errorf("diff --format %s shows no regression:\n%s", format, stdout)
		}

		// merge exits with the merged verdict: these reports hold failures.
		stdout, stderr, code = run(t, "merge", after, other, "--format", format)
		if code == ExitUsage {
			t.Fatalf("merge --format %s: exit %d, stderr %q", format, code, stderr)
		}
		assertSafe(t, "merge --format "+format, stdout, format == "markdown")
		if !strings.Contains(stdout, "222222222222") {
			t.Errorf("merge --format %s lost the second report:\n%s", format, stdout)
		}
	}

	// A custom control whose title and file name carry escape sequences.
	policyDir := writePolicyDir(t, map[string]string{
		"acme/evil\x1b[2J.rego": strings.Replace(control("acme.evil", passEveryRegion),
			"# title: Custom acme.evil", `# title: "Custom \e]52;c;ZXZpbA==\a\e[2J\u009b2Jevil"`, 1),
	})
	stdout, stderr, code := run(t, "policies", "list", "--policy-dir", policyDir)
	if code != ExitOK {
		t.Fatalf("policies list: exit %d, stderr %q", code, stderr)
	}
	assertSafe(t, "policies list", stdout, false)
	if !strings.Contains(stdout, "Custom evil") {
		t.Errorf("policies list lost the custom control's title:\n%s", stdout)
	}

	// Errors on stderr: a file name from the command line, a message from
	// a failing command.
	missing := filepath.Join(dir, "gone\x1b]52;c;ZXZpbA==\x07\x1b[2J\u009b2J.json")
	for _, args := range [][]string{
		{"diff", missing, after},
		{"merge", missing, after},
		{"scan", "--world", missing, "-q"},
		{"diff", before, after, "--format", "\x1b[2Jxml"},
	} {
		stdout, stderr, code := run(t, args...)
		if code != ExitUsage {
			t.Errorf("%q: exit %d, want %d", args, code, ExitUsage)
		}
		assertSafe(t, "stderr of "+args[0], stderr, false)
		if !strings.HasPrefix(stderr, "baseline: ") || strings.Count(stderr, "\n") != 1 {
			t.Errorf("%q: stderr is not one error line: %q", args, stderr)
		}
		if stdout != "" {
			t.Errorf("%q wrote to stdout: %q", args, stdout)
		}
	}
}
