package scan

import (
	"github.com/baseline-scanner/baseline/checks"
	"github.com/baseline-scanner/baseline/report"
)

// Exit codes, as the README's table gives them.
const (
	ExitOK         = report.ExitOK         // nothing failing at or above the threshold, scan complete
	ExitFailing    = report.ExitFail       // a FAIL at or above the threshold
	ExitUsage      = report.ExitUsage      // usage, configuration or fatal error
	ExitIncomplete = report.ExitIncomplete // collection errors, nothing failing at the threshold
)

// Verdict is what decides an exit code: a report (or a diff alone), the
// lowest severity that fails, and whether only new failures count.
type Verdict struct {
	// Report is judged when set.
	Report *report.Report
	// Diff is judged alone (baseline diff) when Report is nil.
	Diff *report.Diff
	// Snapshot is judged alone (baseline collect) when Report and Diff are nil:
	// it can only be complete or incomplete.
	Snapshot *checks.Snapshot
	// Streamed is judged as Snapshot is, when Report, Diff and Snapshot
	// are nil (baseline collect without holding the accounts).
	Streamed *Streamed
	FailOn   report.Severity
	// OnlyNew counts only new and regressed failures (--fail-on-new).
	OnlyNew bool
}

// ExitCode is the one place an exit status is decided from what a command
// produced (see report.ExitCode for the rules on a report).
func ExitCode(v Verdict) int {
	switch {
	case v.Report != nil && v.OnlyNew:
		return report.ExitCodeOnNew(v.Report, v.FailOn)
	case v.Report != nil:
		return report.ExitCode(v.Report, v.FailOn)
	case v.Diff != nil:
		if v.OnlyNew && len(v.Diff.NewFailures(v.FailOn)) > 0 {
			return ExitFailing
		}
		return ExitOK
	case v.Snapshot != nil:
		for _, a := range v.Snapshot.Accounts {
			if len(a.Errors) > 0 {
				return ExitIncomplete
			}
		}
	case v.Streamed != nil:
		if v.Streamed.Errors > 0 {
			return ExitIncomplete
		}
	}
	return ExitOK
}
