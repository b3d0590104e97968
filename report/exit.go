package report

import (
	"fmt"
	"strings"
)

// Exit codes of baseline (README.md, "Exit codes"). ExitUsage belongs to the CLI, which
// uses it for usage, configuration and fatal errors; ExitCode never returns it.
const (
	ExitOK         = 0 // nothing failing at or above the threshold, scan complete
	ExitFail       = 1 // a FAIL result at or above the threshold
	ExitUsage      = 2 // usage, configuration or fatal error
	ExitIncomplete = 3 // collection errors, and nothing failing at or above the threshold
)

// ExitCode is the one place the exit status is computed from a report:
// ExitFail when any FAIL result has a severity at or above failOn, else
// ExitIncomplete when the scan has ERROR results or collection errors, else
// ExitOK. A failing result outranks an incomplete scan because it is a finding
// the user must act on whatever else was missed.
func ExitCode(r *Report, failOn Severity) int {
	threshold := failOn.Rank()
	incomplete := len(r.Errors) > 0
	for _, res := range r.Results {
		switch res.Status {
		case StatusFail:
			if res.Severity.Rank() >= threshold {
				return ExitFail
			}
		case StatusError:
			incomplete = true
		}
	}
	if incomplete {
		return ExitIncomplete
	}
	return ExitOK
}

// ExitCodeOnNew is ExitCode for `--fail-on-new`: only the failures that are
// new or regressed since the previous report (r.Diff) at or above failOn
// exit ExitFail, so a scheduled scan fails on regressions rather than on
// known, still-failing results. Without a diff it is ExitCode.
func ExitCodeOnNew(r *Report, failOn Severity) int {
	if r.Diff == nil {
		return ExitCode(r, failOn)
	}
	if len(r.Diff.NewFailures(failOn)) > 0 {
		return ExitFail
	}
	incomplete := len(r.Errors) > 0
	for _, res := range r.Results {
		incomplete = incomplete || res.Status == StatusError
	}
	if incomplete {
		return ExitIncomplete
	}
	return ExitOK
}

// ParseSeverity parses a severity name such as a --fail-on value. It ignores
// case and surrounding space.
func ParseSeverity(s string) (Severity, error) {
	sev := Severity(strings.ToLower(strings.TrimSpace(s)))
	if sev.Rank() == 0 {
		return "", fmt.Errorf("unknown severity %q: valid values are %s", s, joinSeverities())
	}
	return sev, nil
}

func joinSeverities() string {
	names := make([]string, len(Severities))
	for i, s := range Severities {
		names[i] = string(s)
	}
	return strings.Join(names, ", ")
}
