package report

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// TestNotApplicableIsNotAPass holds the NOT_APPLICABLE rules: counted on
// its own, left out of the pass counts and of the score, never failing or
// incomplete for the exit code.
func TestNotApplicableIsNotAPass(t *testing.T) {
	results := []Result{
		{Severity: SeverityHigh, Status: StatusPass},
		{Severity: SeverityHigh, Status: StatusFail},
		{Severity: SeverityMedium, Status: StatusNotApplicable},
		{Severity: SeverityMedium, Status: StatusNotApplicable},
	}
	s := Summarize(results)
	if s.Total != 4 || s.Pass != 1 || s.Fail != 1 || s.NotApplicable != 2 {
		t.Errorf("summary = %+v, want total 4, pass 1, fail 1, not_applicable 2", s)
	}
	if got := s.BySeverity[SeverityMedium]; got.NotApplicable != 2 || got.Pass != 0 || got.Total != 2 {
		t.Errorf("medium = %+v, want 2 not_applicable and no pass", got)
	}
	if s.Score != 50 {
		t.Errorf("score = %v, want 50 (1 pass of 2 judged)", s.Score)
	}
	if s := Summarize(results[2:]); s.Score != 100 {
		t.Errorf("score with nothing judged = %v, want 100", s.Score)
	}
	if got := ExitCode(&Report{Results: results[2:]}, SeverityLow); got != ExitOK {
		t.Errorf("exit code of NOT_APPLICABLE only = %d, want %d", got, ExitOK)
	}
}

// TestPeopleFormatsHideNotApplicable: the table, Markdown and HTML count
// NOT_APPLICABLE results but show no row for them; JSON lists them.
func TestPeopleFormatsHideNotApplicable(t *testing.T) {
	r := sampleReport()
	for _, format := range []string{"table", "markdown", "html", "json"} {
		w, err := NewWriter(format)
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := w.Write(&buf, r); err != nil {
			t.Fatal(err)
		}
		out := buf.String()
		row := strings.Contains(out, "no trail of this account is homed in this region")
		if format == "json" {
			if !row {
				t.Errorf("json does not list the NOT_APPLICABLE result")
			}
			continue
		}
		if row {
			t.Errorf("%s shows the NOT_APPLICABLE result as a row", format)
		}
		if !strings.Contains(out, "1 NOT_APPLICABLE (not shown, not scored)") {
			t.Errorf("%s does not count the NOT_APPLICABLE result", format)
		}
	}
}

// TestDiffNotApplicable: a failure with nothing left to judge is fixed
// (status NOT_APPLICABLE), and a failure of what was not applicable is a
// regression.
func TestDiffNotApplicable(t *testing.T) {
	res := func(status Status) Result {
		return Result{ControlID: "ssm.instances_managed", AccountID: "111111111111", Region: "eu-west-1", Resource: "i-1", Status: status, Severity: SeverityMedium}
	}
	report := func(rs ...Result) *Report {
		r := &Report{Scope: Scope{Accounts: []string{"111111111111"}}, Results: rs}
		r.Finalize()
		return r
	}
	d, err := Compare(report(res(StatusFail)), report(res(StatusNotApplicable)))
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Fixed) != 1 || d.Fixed[0].Status != StatusNotApplicable {
		t.Errorf("FAIL → NOT_APPLICABLE: fixed = %+v, want one with status NOT_APPLICABLE", d.Fixed)
	}
	d, err = Compare(report(res(StatusNotApplicable)), report(res(StatusFail)))
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Regressed) != 1 {
		t.Errorf("NOT_APPLICABLE → FAIL: regressed = %+v, want one", d.Regressed)
	}
}

// TestReadsPreviousSchemaVersion: a 1.0 report (before NOT_APPLICABLE)
// still reads, upgraded to the current version so diff compares like with
// like; its summary is recomputed.
func TestReadsPreviousSchemaVersion(t *testing.T) {
	v1 := `{"schema_version": "1.0", "tool": {"name": "baseline", "version": "0.9"}, "generated_at": "2025-03-14T09:26:53Z",
	"scope": {"accounts": ["111111111111"], "regions": ["eu-west-1"]},
	"summary": {"total": 1, "pass": 0, "fail": 1, "error": 0, "waived": 0, "by_severity": {}, "score": 0},
	"results": [{"control_id": "ssm.instances_managed", "title": "t", "service": "ssm", "severity": "medium", "status": "FAIL",
	  "account_id": "111111111111", "account_name": "", "region": "eu-west-1", "resource": "i-1", "message": "not managed",
	  "remediation": "", "references": []}],
	"coverage": [], "errors": []}`
	prev, err := ParseReport("v1.json", []byte(v1))
	if err != nil {
		t.Fatal(err)
	}
	if prev.SchemaVersion != SchemaVersion || prev.Summary.BySeverity[SeverityMedium].Fail != 1 {
		t.Errorf("upgraded = version %q, summary %+v", prev.SchemaVersion, prev.Summary)
	}
	cur := &Report{Scope: Scope{Accounts: []string{"111111111111"}}, Results: []Result{{ControlID: "ssm.instances_managed", AccountID: "111111111111", Region: "eu-west-1", Resource: "i-1", Status: StatusNotApplicable}}}
	cur.Finalize()
	d, err := Compare(prev, cur)
	if err != nil {
		t.Fatalf("diff of a 1.0 and a %s report: %v", SchemaVersion, err)
	}
	if len(d.Fixed) != 1 {
		t.Errorf("fixed = %+v, want the 1.0 failure", d.Fixed)
	}
}

func TestDaysUntil(t *testing.T) {
	now := time.Date(2026, 3, 10, 23, 59, 0, 0, time.UTC)
	for _, tc := range []struct {
		date string
		want int
	}{
		{"2026-03-10", 0},
		{"2026-03-11", 1},
		{"2026-03-09", -1},
		{"2027-03-10", 365},
		// Past time.Duration's 292 years.
		{"9999-12-31", 2912374},
		{"0001-01-01", -739684},
	} {
		d, err := time.Parse(time.DateOnly, tc.date)
		if err != nil {
			t.Fatal(err)
		}
		if got := DaysUntil(d, now); got != tc.want {
			t.Errorf("DaysUntil(%s) = %d, want %d", tc.date, got, tc.want)
		}
	}
}
