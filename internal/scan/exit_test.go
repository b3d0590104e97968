package scan

import (
	"testing"

	"github.com/baseline-scanner/baseline/checks"
	"github.com/baseline-scanner/baseline/report"
)

func TestExitCode(t *testing.T) {
	fail := func(sev report.Severity) report.Result {
		return report.Result{ControlID: "x", Status: report.StatusFail, Severity: sev}
	}
	pass := report.Result{ControlID: "x", Status: report.StatusPass, Severity: report.SeverityHigh}
	errored := report.Result{ControlID: "x", Status: report.StatusError, Severity: report.SeverityHigh}
	newHigh := &report.Diff{New: []report.DiffResult{{ControlID: "x", Severity: report.SeverityHigh}}}
	for _, tc := range []struct {
		name string
		v    Verdict
		want int
	}{
		{"nothing judged", Verdict{}, ExitOK},
		{"all pass", Verdict{Report: &report.Report{Results: []report.Result{pass}}, FailOn: report.SeverityHigh}, ExitOK},
		{"fail at threshold", Verdict{Report: &report.Report{Results: []report.Result{fail(report.SeverityHigh)}}, FailOn: report.SeverityHigh}, ExitFailing},
		{"fail below threshold", Verdict{Report: &report.Report{Results: []report.Result{fail(report.SeverityMedium)}}, FailOn: report.SeverityHigh}, ExitOK},
		{"fail outranks error", Verdict{Report: &report.Report{Results: []report.Result{errored, fail(report.SeverityCritical)}}, FailOn: report.SeverityHigh}, ExitFailing},
		{"error is incomplete", Verdict{Report: &report.Report{Results: []report.Result{errored, fail(report.SeverityLow)}}, FailOn: report.SeverityHigh}, ExitIncomplete},
		{"collection error is incomplete", Verdict{Report: &report.Report{Errors: []report.Error{{Service: "sts"}}}, FailOn: report.SeverityHigh}, ExitIncomplete},
		{"only new: known failure passes", Verdict{Report: &report.Report{Results: []report.Result{fail(report.SeverityHigh)}, Diff: &report.Diff{}}, FailOn: report.SeverityHigh, OnlyNew: true}, ExitOK},
		{"only new: new failure fails", Verdict{Report: &report.Report{Results: []report.Result{fail(report.SeverityHigh)}, Diff: newHigh}, FailOn: report.SeverityHigh, OnlyNew: true}, ExitFailing},
		{"only new: new failure below threshold", Verdict{Report: &report.Report{Diff: newHigh}, FailOn: report.SeverityCritical, OnlyNew: true}, ExitOK},
		{"diff alone, not failing on new", Verdict{Diff: newHigh, FailOn: report.SeverityHigh}, ExitOK},
		{"diff alone, failing on new", Verdict{Diff: newHigh, FailOn: report.SeverityHigh, OnlyNew: true}, ExitFailing},
		{"complete snapshot", Verdict{Snapshot: &checks.Snapshot{Accounts: []checks.AccountFacts{{AccountID: "1"}}}}, ExitOK},
		{"incomplete snapshot", Verdict{Snapshot: &checks.Snapshot{Accounts: []checks.AccountFacts{{AccountID: "1"}, {AccountID: "2", Errors: []checks.CollectionError{{Service: "sts"}}}}}}, ExitIncomplete},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := ExitCode(tc.v); got != tc.want {
				t.Errorf("ExitCode = %d, want %d", got, tc.want)
			}
		})
	}
}
