package report

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
	"unicode"
)

// changedSample is the sample report with a diff that marks one failure new
// and one regressed, for the "new since last scan" marker.
func changedSample() *Report {
	r := sampleReport()
	r.Diff = &Diff{
		Previous: DiffSource{GeneratedAt: r.GeneratedAt.AddDate(0, 0, -7)},
		Summary:  DiffSummary{New: 1, Regressed: 1},
		New: []DiffResult{{ControlID: "ssm.patch_compliant", AccountID: "111111111111", Region: "us-east-1",
			Resource: "arn:aws:ec2:us-east-1:111111111111:instance/i-0fedcba9876543210", Severity: SeverityHigh, Status: StatusFail}},
		Regressed: []DiffResult{{ControlID: "ssm.agent_online", AccountID: "111111111111", Region: "us-east-1",
			Resource: "arn:aws:ec2:us-east-1:111111111111:instance/i-0fedcba9876543210", Severity: SeverityLow, Status: StatusFail, PreviousStatus: StatusPass}},
	}
	return r
}

// TestTableViews: the terminal table in colour (a terminal) and plain (a
// pipe), at a wide and a narrow width, with and without --all.
func TestTableViews(t *testing.T) {
	cases := []struct {
		name string
		w    TableWriter
	}{
		{"tty", TableWriter{Color: true, Width: 140}},
		{"no-tty", TableWriter{Width: 140}},
		{"narrow", TableWriter{Width: 72}},
		{"all", TableWriter{All: true}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := tc.w.Write(&buf, changedSample()); err != nil {
				t.Fatal(err)
			}
			out := buf.String()
			if hasEsc := strings.Contains(out, "\x1b"); hasEsc != tc.w.Color {
				t.Errorf("escape sequences in the output: %v, want %v", hasEsc, tc.w.Color)
			}
			if tc.w.Color && !strings.Contains(out, "\x1b[1;31mFAIL\x1b[0m") {
				t.Error("FAIL is not red on a terminal")
			}
			if got := strings.Count(stripANSI(out), "│ regressed"); got != 1 {
				t.Errorf("%d regressed markers, want 1", got)
			}
			if !strings.Contains(stripANSI(out), "│ new ") {
				t.Error("the new failure has no marker")
			}
			// PASS rows only with --all; their counts always.
			if listed := strings.Contains(out, "cloudtrail.multi_region_logging"); listed != tc.w.All {
				t.Errorf("PASS row listed: %v, want %v", listed, tc.w.All)
			}
			if !strings.Contains(out, "3 PASS") {
				t.Error("the summary does not count the PASS results")
			}
			assertGolden(t, filepath.Join("testdata", "table", "view-"+tc.name+".golden"), buf.Bytes())
		})
	}
}

// TestTableWrapsWithoutCutting: at any width, every character of a
// resource, an error code and a message is in the output; rows wrap.
func TestTableWrapsWithoutCutting(t *testing.T) {
	long := "arn:aws:securityhub:eu-west-1:111111111111:security-control/S3.2/finding/8beb6091-7e3c-4b6e-9d1a-2f0c3e5a7b9d"
	r := &Report{Results: []Result{
		{ControlID: "securityhub.critical_findings", Severity: SeverityCritical, Status: StatusFail, AccountID: "111111111111", Region: "eu-west-1",
			Resource: "arn:aws:s3:::a-bucket-with-a-name-much-longer-than-any-column-of-a-terminal", Message: "1 CRITICAL finding past its SLA: " + long},
		{ControlID: "guardduty.enabled", Severity: SeverityHigh, Status: StatusError, AccountID: "111111111111", Region: "eu-west-1",
			Resource: "detector", Message: "guardduty:ListDetectors failed: SomeVeryLongAndUnusualErrorCodeExceptionThatMustNeverBeCut: no"},
	}}
	r.Finalize()
	squash := func(s string) string {
		return strings.Map(func(r rune) rune {
			if unicode.IsSpace(r) || strings.ContainsRune("│┌┐└┘├┤┬┴┼─", r) {
				return -1
			}
			return r
		}, s)
	}
	for _, w := range []int{40, 72, 100, 200} {
		var buf bytes.Buffer
		if err := (TableWriter{Width: w}).Write(&buf, r); err != nil {
			t.Fatal(err)
		}
		// Reading the cells of a column top to bottom gives the text back.
		out := buf.String()
		for _, res := range r.Results {
			for col, want := range map[string]string{"REGION / RESOURCE": shortResource(res), "MESSAGE": res.Message} {
				if !strings.Contains(columnText(out, col), squash(want)) {
					t.Errorf("width %d: %q is cut or lost:\n%s", w, want, out)
				}
			}
		}
		if strings.Contains(out, "...") || strings.Contains(out, "…") {
			t.Errorf("width %d: something was cut:\n%s", w, out)
		}
		if w >= 100 {
			for _, line := range strings.Split(out, "\n") {
				if width(line) > w {
					t.Errorf("width %d: line is %d wide: %s", w, width(line), line)
				}
			}
		}
	}
}

// columnText returns the text of the result table column headed header,
// top to bottom, without spaces.
func columnText(out, header string) string {
	var b strings.Builder
	col := -1
	for _, line := range strings.Split(out, "\n") {
		cells := strings.Split(line, "│")
		for i, c := range cells {
			if strings.TrimSpace(c) == header {
				col = i
			}
		}
		if col >= 0 && col < len(cells) {
			b.WriteString(strings.ReplaceAll(strings.TrimSpace(cells[col]), " ", ""))
		}
	}
	return b.String()
}

func TestWrap(t *testing.T) {
	for _, s := range []string{"", "short", "a b c d e f g h i j k l m n o p", "averyveryverylongwordwithoutspaces and more", "ünïcödé wörds ünd mörë ünïcödé"} {
		for _, w := range []int{1, 3, 7, 12} {
			lines := wrapWords(s, w)
			// Words split across lines lose no character; no space is lost
			// between whole words either.
			if got := strings.ReplaceAll(strings.Join(lines, ""), " ", ""); got != strings.ReplaceAll(s, " ", "") {
				t.Errorf("wrapWords(%q, %d) joined = %q", s, w, got)
			}
			for _, l := range lines {
				if width(l) > w && w > 0 {
					t.Errorf("wrapWords(%q, %d): line %q too wide", s, w, l)
				}
			}
			if got := strings.Join(wrapHard(s, w), ""); got != s {
				t.Errorf("wrapHard(%q, %d) joined = %q", s, w, got)
			}
		}
	}
	if got := wrapHard("instance/i-0fedcba9876543210", 20); got[0] != "instance/" {
		t.Errorf("wrapHard breaks %q, want a break after the slash", got)
	}
}
