package cli

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/baseline-scanner/baseline/report"
)

// TestTableForTerminal: colour only on a terminal without NO_COLOR; the
// width from COLUMNS, else the terminal, else the default.
func TestTableForTerminal(t *testing.T) {
	tests := []struct {
		name      string
		env       map[string]string
		tty       bool
		size      int
		wantColor bool
		wantWidth int
	}{
		{"terminal", nil, true, 150, true, 150},
		{"NO_COLOR", map[string]string{"NO_COLOR": "1"}, true, 150, false, 150},
		{"empty NO_COLOR", map[string]string{"NO_COLOR": ""}, true, 90, true, 90},
		{"pipe", nil, false, 0, false, 0},
		{"COLUMNS on a pipe", map[string]string{"COLUMNS": "200"}, false, 0, false, 200},
		{"COLUMNS over the terminal", map[string]string{"COLUMNS": "80"}, true, 150, true, 80},
		{"bad COLUMNS", map[string]string{"COLUMNS": "wide"}, true, 150, true, 150},
		{"terminal of unknown size", nil, true, 0, true, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			term := terminal{
				getenv:     func(k string) string { return tt.env[k] },
				isTerminal: func(io.Writer) bool { return tt.tty },
				size:       func(io.Writer) (int, bool) { return tt.size, tt.size > 0 },
			}
			got := term.tableFor(&bytes.Buffer{}, false)
			if got.Color != tt.wantColor || got.Width != tt.wantWidth {
				t.Errorf("tableFor = colour %v width %d, want colour %v width %d", got.Color, got.Width, tt.wantColor, tt.wantWidth)
			}
		})
	}
}

// TestScanTableColourFollowsTerminal runs the scan end to end with an
// injected terminal: colour on it, none with NO_COLOR or into a file.
func TestScanTableColourFollowsTerminal(t *testing.T) {
	for _, tc := range []struct {
		name    string
		noColor string
		output  bool
		want    bool
	}{{"terminal", "", false, true}, {"NO_COLOR", "1", false, false}, {"file", "", true, false}} {
		t.Run(tc.name, func(t *testing.T) {
			var out outputFlags
			cmd := &cobra.Command{}
			out.register(cmd) // the flags' defaults
			out.terminal = &terminal{
				getenv:     func(k string) string { return map[string]string{"NO_COLOR": tc.noColor}[k] },
				isTerminal: func(w io.Writer) bool { return w != nil },
				size:       func(io.Writer) (int, bool) { return 100, true },
			}
			path := filepath.Join(t.TempDir(), "report.txt")
			if tc.output {
				out.output = path
			}
			if err := out.validate(t.Context()); err != nil {
				t.Fatal(err)
			}
			var stdout bytes.Buffer
			if err := out.write(sampleFailingReport(), &stdout); err != nil {
				t.Fatal(err)
			}
			text := stdout.String()
			if tc.output {
				b, err := os.ReadFile(path)
				if err != nil {
					t.Fatal(err)
				}
				text = string(b)
			}
			if got := strings.Contains(text, "\x1b["); got != tc.want {
				t.Errorf("colour %v, want %v:\n%s", got, tc.want, text)
			}
		})
	}
}

func sampleFailingReport() *report.Report {
	r := &report.Report{Results: []report.Result{
		{ControlID: "ssm.patch_compliant", Control: &report.ControlText{Service: "ssm"}, Severity: report.SeverityHigh, Status: report.StatusFail, AccountID: "111111111111", Region: "us-east-1", Resource: "i-1", Team: "payments", Message: "3 missing"},
		{ControlID: "guardduty.enabled", Control: &report.ControlText{Service: "guardduty"}, Severity: report.SeverityHigh, Status: report.StatusPass, AccountID: "222222222222", Region: "us-east-1", Team: "data", Message: "on"},
		{ControlID: "securityhub.enabled", Control: &report.ControlText{Service: "securityhub"}, Severity: report.SeverityHigh, Status: report.StatusError, AccountID: "222222222222", Region: "us-east-1", Team: "data", Message: "AccessDenied"},
	}}
	r.Coverage = []report.Coverage{{AccountID: "111111111111", Region: "us-east-1", Service: "ssm", State: report.CoverageEnabled},
		{AccountID: "222222222222", Region: "us-east-1", Service: "guardduty", State: report.CoverageEnabled}}
	r.Finalize()
	return r
}

// TestFiltersApplyToEveryFormat: `report --team/--status/--severity/
// --service/--control` shows the same slice in every format, and an unknown
// value is a one-line error, exit 2.
// resultRow is one result's row in the HTML report (team summary rows
// have data-team but no data-status).
var resultRow = regexp.MustCompile(`<tr data-team="[^"]*" data-severity="[^"]*" data-status=`)

func TestFiltersApplyToEveryFormat(t *testing.T) {
	dir := t.TempDir()
	saved := filepath.Join(dir, "report.json")
	if _, stderr, code := run(t, "scan", "--demo", "-q", "--format", "json", "-o", saved); code == ExitUsage {
		t.Fatalf("scan: %s", stderr)
	}
	full := readReport(t, saved)
	for _, args := range [][]string{
		{"--team", "payments"},
		{"--status", "fail,error", "--severity", "critical,HIGH"},
		{"--service", "securityhub", "--control", "securityhub.enabled,securityhub.standards"},
	} {
		out := filepath.Join(dir, strings.Join(args, "_"))
		cmd := append([]string{"report", saved, "--format", "json,markdown,html,table,junit,ndjson", "--out-dir", out}, args...)
		if _, stderr, code := run(t, cmd...); code == ExitUsage {
			t.Fatalf("%v: exit %d: %s", args, code, stderr)
		}
		var vf viewFlags
		vf.statuses, vf.severities, vf.services, vf.controls, vf.teams = flagList(args, "--status"), flagList(args, "--severity"), flagList(args, "--service"), flagList(args, "--control"), flagList(args, "--team")
		if err := vf.parse(); err != nil {
			t.Fatal(err)
		}
		want := 0
		for _, res := range full.Results {
			if vf.filter.Match(res) {
				want++
			}
		}
		if want == 0 || want == len(full.Results) {
			t.Fatalf("%v selects %d of %d results: not a useful test", args, want, len(full.Results))
		}
		got := readReport(t, filepath.Join(out, "report.json"))
		if len(got.Results) != want || got.Summary.Total != want {
			t.Errorf("%v: JSON has %d results (summary %d), want %d", args, len(got.Results), got.Summary.Total, want)
		}
		for _, res := range got.Results {
			if !vf.filter.Match(res) {
				t.Errorf("%v: JSON has %s %s %s", args, res.ControlID, res.Status, res.Team)
			}
		}
		ndjson, _ := os.ReadFile(filepath.Join(out, "report.ndjson"))
		var results int
		for _, line := range strings.Split(strings.TrimSpace(string(ndjson)), "\n") {
			var rec map[string]any
			if json.Unmarshal([]byte(line), &rec) == nil && rec["control_id"] != nil {
				results++
			}
		}
		if results != want {
			t.Errorf("%v: NDJSON has %d result records, want %d", args, results, want)
		}
		html, _ := os.ReadFile(filepath.Join(out, "report.html"))
		page := string(html)
		if i := strings.Index(page, `<table id="findings"`); i >= 0 {
			page = page[i:]
			page = page[:strings.Index(page, "</table>")]
		}
		if n := strings.Count(page, "<tr data-team="); n > want {
			t.Errorf("%v: HTML lists %d rows, more than the %d selected", args, n, want)
		}
	}
	for _, tc := range []struct{ flag, value, want string }{
		{"--status", "broken", "--status: unknown status"},
		{"--severity", "urgent", "--severity: unknown severity"},
		{"--service", "s3", `--service: no result has "s3"`},
		{"--control", "nope.nothing", `--control: no result has "nope.nothing"`},
		{"--team", "nobody", `--team: no result has "nobody"`},
	} {
		_, stderr, code := run(t, "report", saved, tc.flag, tc.value)
		if code != ExitUsage || !strings.Contains(stderr, tc.want) || strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
			t.Errorf("%s %s: exit %d, stderr %q; want exit 2 and one line with %q", tc.flag, tc.value, code, stderr, tc.want)
		}
	}
}

func flagList(args []string, flag string) []string {
	for i := 0; i+1 < len(args); i++ {
		if args[i] == flag {
			return strings.Split(args[i+1], ",")
		}
	}
	return nil
}
